/**
 * RawTask (cell texts) → ParsedTask: unit references, deadlines, content keys.
 */
import type { Deadline, ParsedTask, SlaNote, UnitRef } from "./types";
import type { RawTask } from "./understand";
import { parseUnitCell } from "./units";
import { findDeadlineInText, parseDeadline, type DeadlineContext } from "../domain/deadline";
import { fnv1a64, normaliseForKey, proseText } from "./text";

const NO_DEADLINE: Deadline = { text: "", kind: "unknown", due: null };

/**
 * Content key: a hash of the requirement with whitespace and punctuation removed, so a corrected,
 * re-imported table matches tasks by content rather than by row number. Requirements that occur
 * more than once in a plan (the same wording under two categories) also hash their innermost
 * category; a remaining duplicate gets "#2", "#3" in table order.
 */
export function contentKeys(tasks: { requirement: string; category: string[] }[]): string[] {
  const base = tasks.map((t) => normaliseForKey(t.requirement));
  const counts = new Map<string, number>();
  for (const b of base) counts.set(b, (counts.get(b) ?? 0) + 1);
  const seen = new Map<string, number>();
  return tasks.map((t, i) => {
    let material = base[i];
    if ((counts.get(material) ?? 0) > 1) material += "|" + normaliseForKey(t.category[t.category.length - 1] ?? "");
    const n = (seen.get(material) ?? 0) + 1;
    seen.set(material, n);
    return `c_${fnv1a64(material)}${n > 1 ? `#${n}` : ""}`;
  });
}

function pickDeadline(raw: RawTask, ctx: DeadlineContext): { deadline: Deadline; source: ParsedTask["deadlineSource"]; text?: string } {
  const columnText = raw.deadline !== null ? proseText(raw.deadline) : "";
  if (columnText !== "") {
    const d = parseDeadline(columnText, ctx);
    if (d.kind !== "unknown") return { deadline: d, source: "column", text: columnText };
    const inReq = findDeadlineInText(raw.requirement, ctx);
    if (inReq) return { deadline: inReq, source: "requirement", text: columnText };
    return { deadline: d, source: "column", text: columnText };
  }
  const inReq = findDeadlineInText(raw.requirement, ctx);
  if (inReq) return { deadline: inReq, source: "requirement", text: raw.deadline !== null ? "" : undefined };
  const slaDeadline = fromSla(raw.sla, ctx);
  if (slaDeadline) return { deadline: slaDeadline, source: "annotation", text: raw.deadline !== null ? "" : undefined };
  return { deadline: { ...NO_DEADLINE }, source: "none", text: raw.deadline !== null ? "" : undefined };
}

function fromSla(notes: SlaNote[], ctx: DeadlineContext): Deadline | null {
  const ordered = [...notes.filter((n) => n.kind === "time_limit"), ...notes.filter((n) => n.kind !== "time_limit")];
  for (const n of ordered) {
    const body = n.text.replace(/^(公开时限|公开时间|发布时限)[:：]/, "");
    const d = findDeadlineInText(body, ctx);
    if (d) return d;
  }
  return null;
}

export function buildTasks(raws: RawTask[], ctx: DeadlineContext, onEach?: (i: number) => void): ParsedTask[] {
  const keys = contentKeys(raws);
  let running = 0;
  return raws.map((raw, i) => {
    running++;
    const lead = parseUnitCell(raw.lead, "lead");
    const resp = parseUnitCell(raw.units, "responsible");
    const assist = parseUnitCell(raw.assist, "assist");
    const refs: UnitRef[] = [...lead.refs, ...resp.refs, ...assist.refs];
    const { deadline, source, text } = pickDeadline(raw, ctx);
    onEach?.(i);
    const task: ParsedTask = {
      seq: raw.seq ?? running,
      category: raw.category,
      requirement: raw.requirement,
      leadUnits: refs.filter((r) => r.role === "lead").map((r) => r.text),
      responsibleUnits: refs.filter((r) => r.role === "responsible").map((r) => r.text),
      assistUnits: refs.filter((r) => r.role === "assist").map((r) => r.text),
      unitsOpen: lead.open || resp.open || assist.open,
      deadline,
      deadlineSource: source,
      sla: raw.sla,
      unitRefs: refs,
      contentKey: keys[i],
      where: raw.where,
    };
    if (text !== undefined) task.deadlineText = text;
    if (raw.checklist) task.checklist = true;
    const cells: { lead?: string; responsible?: string } = {};
    if (raw.lead) cells.lead = raw.lead;
    if (raw.units) cells.responsible = raw.units;
    if (cells.lead || cells.responsible) task.unitCells = cells;
    return task;
  });
}
