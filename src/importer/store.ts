/**
 * Writing an import into the database: the `PlanStore` of src/importer/commit.ts on drizzle.
 *
 *   diffImport(db, batch)        read-only: which plan (new, or the same / a corrected table of one we
 *                                have), which tasks are new, changed, unchanged, gone — what the preview
 *                                shows and what `applyImport` then writes
 *   applyImport(tx, diff, …)     the writes, inside the caller's transaction
 *   DbPlanStore                  savePlanImport(batch) = both in one transaction (CLI, bench)
 *
 * Tasks are matched by `contentKey` (the normalised requirement), never by row number; a requirement
 * reworded in a corrected table is matched to the old one when the texts are close. A matched task
 * keeps its id, assignments, progress notes and done status; its text, category, deadline and units
 * follow the table. Tasks no longer in the table get `removed_at`, never deleted. Assignments: only
 * the ones the table made are changed by a re-import (`tasks.unit_refs` remembers them), and an
 * assignment someone reported progress on or finished is kept even when the table drops its unit
 * (reported, so the admin decides).
 */
import type { Db, Tx } from "../../db/client";
import { unitDirectory } from "../../db/queries/groups";
import {
  deleteAssignments,
  findPlanByTitle,
  getPlan,
  insertAssignments,
  insertPlan,
  insertTasks,
  markTasksRemoved,
  planAssignments,
  plansSharingContent,
  planTasks,
  touchPlan,
  updateAssignment,
  updateTask,
  type NewAssignment,
  type PlanAssignment,
  type TaskRow,
} from "../../db/queries/plans";
import { audit } from "../../db/schema";
import type { Deadline } from "../domain/deadline";
import type { ImportBatch, PlanStore } from "./commit";
import type { UnitDirectory, UnitRefKind, UnitRole } from "./types";

type BatchTask = ImportBatch["tasks"][number];
type Role = "lead" | "responsible";

/** A task's unit reference as stored in tasks.unit_refs. */
export interface StoredUnitRef {
  text: string;
  kind: UnitRefKind;
  role: UnitRole;
  unitIds: number[];
  matchedBy?: string;
}

/** What one task of the table becomes in the database. */
export interface TaskShape {
  seq: string;
  category: string[];
  requirement: string;
  leadText: string;
  responsibleText: string;
  deadlineText: string;
  deadline: Deadline;
  /** The task's due date, and the due date of its undated ("") assignments: null for recurring, event and continuing tasks. */
  dueDate: string | null;
  contentKey: string;
  unitRefs: StoredUnitRef[];
  /** Unit id → role of the assignments the table gives (lead wins over responsible; assisting units are responsible). */
  units: Map<number, Role>;
  where: string;
}

export interface TaskChange {
  taskId: number;
  seq: string;
  requirement: string;
  changes: string[];
}

export interface ImportDiff {
  plan: { id: number | null; title: string; year: number; matchedBy: "given" | "title" | "content" | "new"; previousTitle?: string };
  added: TaskShape[];
  /** Matched tasks whose content, deadline or units changed (or that come back after being removed). */
  updated: { before: TaskRow; after: TaskShape; changes: string[]; restored: boolean }[];
  /** Matched tasks where only the 序号 or category moved. */
  moved: { before: TaskRow; after: TaskShape }[];
  unchanged: { before: TaskRow; after: TaskShape }[];
  /** Live tasks of the plan the table no longer has. */
  removed: TaskRow[];
}

export interface ImportResult {
  planId: string;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  plan: { id: number; title: string; year: number; isNew: boolean };
  /** Tasks whose 序号 or category changed, nothing else (counted in `unchanged` too). */
  moved: number;
  restored: number;
  assignmentsAdded: number;
  assignmentsRemoved: number;
  addedTasks: { id: number; seq: string; requirement: string }[];
  changes: TaskChange[];
  removedTasks: { id: number; seq: string; requirement: string }[];
  /** Units the table dropped from a task although they had reported on it: kept, for the admin to decide. */
  keptAssignments: { taskId: number; unit: string; reason: string }[];
  /** Tasks that have no assignment at all after the import (only vague unit references, or none). */
  unassignedTasks: { id: number; seq: string; requirement: string; texts: string[] }[];
}

/** Unresolved names that stop a confirmation: named units and 各X groups the directory does not have. */
export class UnresolvedUnitsError extends Error {
  constructor(readonly names: { text: string; kind: UnitRefKind; tasks: number }[]) {
    super(`unresolved unit names: ${names.map((n) => n.text).join(", ")}`);
    this.name = "UnresolvedUnitsError";
  }
}

export class MissingYearError extends Error {
  constructor() {
    super("the plan has no year");
    this.name = "MissingYearError";
  }
}

// ----------------------------------------------------------------------------------------- shapes

/** Whether a deadline is followed through period or event instances (src/jobs/schedule.ts reads it the same way). */
function scheduleOf(d: Deadline): { recurring: boolean; event: boolean } {
  const parts = [d, ...(d.parts ?? [])];
  return { recurring: parts.some((p) => p.kind === "recurring" && !!p.every), event: parts.some((p) => p.kind === "event_relative") };
}

/**
 * The due date of a task's undated assignments: the deadline's date for one-off (absolute, dated window)
 * deadlines; none for recurring ones (the jobs create one instance per period), event-relative ones
 * (an instance per registered event) and continuing ones (never overdue).
 */
export function assignmentDue(d: Deadline): string | null {
  const s = scheduleOf(d);
  if (s.recurring || s.event || d.kind === "continuing") return null;
  return d.due ?? null;
}

export function shapeTask(t: BatchTask): TaskShape {
  const refs: StoredUnitRef[] = t.units.map((u) => ({
    text: u.text,
    kind: u.kind,
    role: u.role,
    unitIds: u.unitIds.map(Number).filter(Number.isInteger),
    ...(u.matchedBy ? { matchedBy: u.matchedBy } : {}),
  }));
  const units = new Map<number, Role>();
  for (const r of refs) {
    const role: Role = r.role === "lead" ? "lead" : "responsible";
    for (const id of r.unitIds) if (units.get(id) !== "lead") units.set(id, role);
  }
  const lead = refs.filter((r) => r.role === "lead").map((r) => r.text);
  const resp = [
    ...refs.filter((r) => r.role === "responsible").map((r) => r.text),
    ...refs.filter((r) => r.role === "assist").map((r) => `${r.text}（配合）`),
  ];
  const deadlineText = t.deadlineText?.trim() || (t.deadlineSource === "none" ? "" : t.deadline.text.trim());
  return {
    seq: String(t.seq),
    category: t.category,
    requirement: t.requirement,
    leadText: unique(lead).join("、"),
    responsibleText: unique(resp).join("、") + (t.unitsOpen && resp.length ? "等" : ""),
    deadlineText,
    deadline: t.deadline,
    dueDate: assignmentDue(t.deadline),
    contentKey: t.contentKey,
    unitRefs: refs,
    units,
    where: t.where,
  };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export function storedRefs(row: Pick<TaskRow, "unitRefs">): StoredUnitRef[] {
  try {
    const v = JSON.parse(row.unitRefs) as unknown;
    return Array.isArray(v) ? (v as StoredUnitRef[]) : [];
  } catch {
    return [];
  }
}

function unitsOfRefs(refs: StoredUnitRef[]): Map<number, Role> {
  const m = new Map<number, Role>();
  for (const r of refs) for (const id of r.unitIds ?? []) if (m.get(id) !== "lead") m.set(id, r.role === "lead" ? "lead" : "responsible");
  return m;
}

// ----------------------------------------------------------------------------------------- names

/** Distinct unresolved names with their kind and how many tasks name them. */
function unresolvedRefs(batch: ImportBatch, kinds: UnitRefKind[]): { text: string; kind: UnitRefKind; tasks: number }[] {
  const out = new Map<string, { text: string; kind: UnitRefKind; tasks: number }>();
  for (const t of batch.tasks) {
    const seen = new Set<string>();
    for (const u of t.units) {
      if (u.unitIds.length || !kinds.includes(u.kind) || seen.has(u.text)) continue;
      seen.add(u.text);
      const e = out.get(u.text) ?? { text: u.text, kind: u.kind, tasks: 0 };
      e.tasks++;
      out.set(u.text, e);
    }
  }
  return [...out.values()].sort((a, b) => b.tasks - a.tasks);
}

/** Named units and 各X groups nobody has placed: confirmation waits until they are settled. */
export function blockingNames(batch: ImportBatch) {
  return unresolvedRefs(batch, ["unit", "group"]);
}

/** 有关部门, 源政办字〔2022〕2号文件确定的…: never assigned unless an admin makes the expression a group. */
export function vagueNames(batch: ImportBatch) {
  return unresolvedRefs(batch, ["unspecified", "descriptive"]);
}

/** Names resolved by a fallback the admin should see (an agency renamed in the reform, a missing 县/市 prefix). */
export function fallbackMatches(batch: ImportBatch, unitName: (id: number) => string): { text: string; unit: string; how: string }[] {
  const out = new Map<string, { text: string; unit: string; how: string }>();
  for (const t of batch.tasks) {
    for (const u of t.units) {
      if (u.matchedBy !== "renamed" && u.matchedBy !== "prefix") continue;
      if (out.has(u.text)) continue;
      out.set(u.text, { text: u.text, unit: u.unitIds.map((id) => unitName(Number(id))).join("、"), how: u.matchedBy === "renamed" ? "机构改革后的名称" : "补全“县/市”前缀" });
    }
  }
  return [...out.values()];
}

// ----------------------------------------------------------------------------------------- diff

/** Bigram Dice similarity of two requirement texts (whitespace and punctuation ignored). */
function textSimilarity(a: string, b: string): number {
  const norm = (s: string) => s.normalize("NFKC").replace(/[\s\p{P}\p{S}]+/gu, "");
  const grams = (s: string) => {
    const m = new Map<string, number>();
    for (let i = 0; i < s.length - 1; i++) m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
    return m;
  };
  const x = norm(a);
  const y = norm(b);
  if (x.length < 2 || y.length < 2) return x === y ? 1 : 0;
  const gx = grams(x);
  const gy = grams(y);
  let inter = 0;
  for (const [g, n] of gx) inter += Math.min(n, gy.get(g) ?? 0);
  return (2 * inter) / (x.length - 1 + y.length - 1);
}

const REWORD_MIN = 0.8;

function clip(s: string, n: number): string {
  const flat = s.replace(/\s+/g, "");
  return flat.length > n ? `${flat.slice(0, n)}…` : flat;
}

/** Which plan this table goes into: the one named, the same title and year, or a plan of that year sharing most of its tasks. */
async function targetPlan(db: Tx, batch: ImportBatch, planId?: number): Promise<ImportDiff["plan"]> {
  const year = batch.plan.year;
  if (year === null) throw new MissingYearError();
  const title = batch.plan.title;
  if (planId !== undefined) {
    const p = await getPlan(db, planId);
    if (p) return { id: p.id, title, year: p.year, matchedBy: "given", ...(p.title !== title ? { previousTitle: p.title } : {}) };
  }
  const same = await findPlanByTitle(db, title, year);
  if (same) return { id: same.id, title, year, matchedBy: "title" };
  const keys = batch.tasks.map((t) => t.contentKey);
  const [best] = (await plansSharingContent(db, year, keys)).filter((x) => x.plan.sourceName !== "指令创建");
  if (best && best.shared >= Math.max(1, 0.5 * Math.min(keys.length, best.live))) {
    return { id: best.plan.id, title, year, matchedBy: "content", previousTitle: best.plan.title };
  }
  return { id: null, title, year, matchedBy: "new" };
}

export async function diffImport(db: Tx, batch: ImportBatch, opts: { planId?: number; unitName?: (id: number) => string } = {}): Promise<ImportDiff> {
  const plan = await targetPlan(db, batch, opts.planId);
  const shapes = batch.tasks.map(shapeTask);
  const diff: ImportDiff = { plan, added: [], updated: [], moved: [], unchanged: [], removed: [] };
  if (plan.id === null) {
    diff.added = shapes;
    return diff;
  }
  const existing = await planTasks(db, plan.id);
  const byKey = new Map<string, TaskRow>();
  // Live tasks win over removed ones with the same key.
  for (const t of existing) if (!byKey.has(t.contentKey) || byKey.get(t.contentKey)!.removedAt !== null) byKey.set(t.contentKey, t);
  const used = new Set<number>();
  const pairs: { before: TaskRow; after: TaskShape }[] = [];
  const unmatched: TaskShape[] = [];
  for (const s of shapes) {
    const hit = byKey.get(s.contentKey);
    if (hit && !used.has(hit.id)) {
      used.add(hit.id);
      pairs.push({ before: hit, after: s });
    } else unmatched.push(s);
  }
  // A requirement reworded in a corrected table: the closest remaining task, when close enough.
  const candidates = existing.filter((t) => !used.has(t.id));
  if (unmatched.length && candidates.length && unmatched.length * candidates.length <= 250_000) {
    const scored: { s: TaskShape; t: TaskRow; score: number }[] = [];
    for (const s of unmatched) {
      for (const t of candidates) {
        const score = textSimilarity(s.requirement, t.requirement);
        if (score >= REWORD_MIN) scored.push({ s, t, score });
      }
    }
    scored.sort((a, b) => b.score - a.score);
    const taken = new Set<TaskShape>();
    for (const { s, t } of scored) {
      if (taken.has(s) || used.has(t.id)) continue;
      taken.add(s);
      used.add(t.id);
      pairs.push({ before: t, after: s });
    }
    diff.added = unmatched.filter((s) => !taken.has(s));
  } else diff.added = unmatched;

  const name = opts.unitName ?? ((id: number) => `单位${id}`);
  for (const p of pairs) {
    const changes = describeChanges(p.before, p.after, name);
    const restored = p.before.removedAt !== null;
    if (restored) changes.unshift("重新出现在表中（之前已移出）");
    if (changes.length) diff.updated.push({ ...p, changes, restored });
    else if (p.before.seq !== p.after.seq || p.before.category !== JSON.stringify(p.after.category)) diff.moved.push(p);
    else diff.unchanged.push(p);
  }
  diff.updated.sort((a, b) => a.before.id - b.before.id);
  diff.removed = existing.filter((t) => t.removedAt === null && !used.has(t.id));
  return diff;
}

function kindOf(json: string | null): string {
  try {
    return (JSON.parse(json ?? "null") as Deadline | null)?.kind ?? "unknown";
  } catch {
    return "unknown";
  }
}

function describeChanges(before: TaskRow, after: TaskShape, name: (id: number) => string): string[] {
  const out: string[] = [];
  if (before.requirement.replace(/\s+/g, "") !== after.requirement.replace(/\s+/g, "")) out.push(`内容改为「${clip(after.requirement, 30)}」`);
  // The schedule's meaning, not its JSON: the same 时限 read with or without the issue date (a CSV has none)
  // differs only in details nobody is chased by.
  const flat = (t: string) => t.replace(/\s+/g, "");
  if (flat(before.deadlineText) !== flat(after.deadlineText) || before.dueDate !== after.dueDate || kindOf(before.deadline) !== after.deadline.kind) {
    out.push(`时限「${clip(before.deadlineText, 20) || "无"}」→「${clip(after.deadlineText, 20) || "无"}」`);
  }
  const was = unitsOfRefs(storedRefs(before));
  const now = after.units;
  const plus = [...now.keys()].filter((id) => !was.has(id)).map(name);
  const minus = [...was.keys()].filter((id) => !now.has(id)).map(name);
  const role = [...now.keys()].filter((id) => was.has(id) && was.get(id) !== now.get(id)).map((id) => `${name(id)}改为${now.get(id) === "lead" ? "牵头" : "责任"}单位`);
  if (plus.length || minus.length || role.length) {
    out.push(
      ["单位", plus.length ? `增加 ${plus.join("、")}` : "", minus.length ? `去掉 ${minus.join("、")}` : "", role.join("、")].filter(Boolean).join(" ").replace(/^单位 /, "单位："),
    );
  } else if (flat(before.leadText) !== flat(after.leadText) || flat(before.responsibleText) !== flat(after.responsibleText)) {
    out.push(`单位写法改为「${clip([after.leadText, after.responsibleText].filter(Boolean).join("；"), 30)}」`);
  }
  return out;
}

// ----------------------------------------------------------------------------------------- apply

function taskValues(s: TaskShape) {
  return {
    seq: s.seq,
    category: JSON.stringify(s.category),
    requirement: s.requirement,
    leadText: s.leadText,
    responsibleText: s.responsibleText,
    deadlineText: s.deadlineText,
    deadline: JSON.stringify(s.deadline),
    dueDate: s.dueDate,
    contentKey: s.contentKey,
    unitRefs: JSON.stringify(s.unitRefs),
  };
}

export interface ApplyOptions {
  actor: string;
  at: number;
  sourceFile: string;
  unitName: (id: number) => string;
  /** Write even with unresolved named units or groups (their tasks keep the names as text). Default: refuse. */
  allowUnresolved?: boolean;
}

/** Writes the import; run it inside a transaction (the caller's, or DbPlanStore's). */
export async function applyImport(tx: Tx, batch: ImportBatch, diff: ImportDiff, opts: ApplyOptions): Promise<ImportResult> {
  const blocking = blockingNames(batch);
  if (blocking.length && !opts.allowUnresolved) throw new UnresolvedUnitsError(blocking);
  const { at } = opts;
  const name = opts.unitName;

  // The plan.
  let planId = diff.plan.id;
  const isNew = planId === null;
  if (planId === null) planId = (await insertPlan(tx, { title: diff.plan.title, year: diff.plan.year, sourceName: opts.sourceFile, at })).id;
  else await touchPlan(tx, planId, { title: diff.plan.title, sourceName: opts.sourceFile, at });

  const auditRows: (typeof audit.$inferInsert)[] = [];
  const result: ImportResult = {
    planId: String(planId),
    created: diff.added.length,
    updated: diff.updated.length,
    unchanged: diff.unchanged.length + diff.moved.length,
    removed: diff.removed.length,
    plan: { id: planId, title: diff.plan.title, year: diff.plan.year, isNew },
    moved: diff.moved.length,
    restored: diff.updated.filter((u) => u.restored).length,
    assignmentsAdded: 0,
    assignmentsRemoved: 0,
    addedTasks: [],
    changes: [],
    removedTasks: diff.removed.map((t) => ({ id: t.id, seq: t.seq, requirement: t.requirement })),
    keptAssignments: [],
    unassignedTasks: [],
  };

  // New tasks and their assignments.
  const newAssignments: NewAssignment[] = [];
  if (diff.added.length) {
    const ids = await insertTasks(
      tx,
      diff.added.map((s) => ({ planId: planId!, ...taskValues(s), createdBy: opts.actor, createdAt: at, updatedAt: at })),
    );
    diff.added.forEach((s, i) => {
      const id = ids[i];
      result.addedTasks.push({ id, seq: s.seq, requirement: s.requirement });
      for (const [unitId, role] of s.units) newAssignments.push({ taskId: id, unitId, role, instance: "", dueDate: s.dueDate, updatedAt: at });
      auditRows.push({
        at,
        actor: opts.actor,
        action: "task.import",
        subject: `task:${id}`,
        detail: JSON.stringify({ units: [...s.units.keys()].map(name), note: `来自《${opts.sourceFile}》${s.where}` }),
      });
    });
  }

  // Matched tasks: fields follow the table; assignments only where the table's units changed.
  const touched = [...diff.updated, ...diff.moved];
  const current: PlanAssignment[] = touched.length ? await planAssignments(tx, planId) : [];
  const byTask = new Map<number, PlanAssignment[]>();
  for (const a of current) byTask.set(a.taskId, [...(byTask.get(a.taskId) ?? []), a]);
  const drop: number[] = [];
  for (const u of diff.updated) {
    const id = u.before.id;
    await updateTask(tx, id, { ...taskValues(u.after), removedAt: null, updatedAt: at });
    const mine = byTask.get(id) ?? [];
    const was = unitsOfRefs(storedRefs(u.before));
    const dueChanged = u.before.dueDate !== u.after.dueDate;
    for (const [unitId, role] of u.after.units) {
      const have = mine.filter((a) => a.unitId === unitId);
      if (!have.length) newAssignments.push({ taskId: id, unitId, role, instance: "", dueDate: u.after.dueDate, updatedAt: at });
      for (const a of have) {
        const set: { role?: Role; dueDate?: string | null; updatedAt: number } = { updatedAt: at };
        if (a.role !== role) set.role = role;
        if (dueChanged && a.instance === "" && a.status !== "done") set.dueDate = u.after.dueDate;
        if (set.role !== undefined || set.dueDate !== undefined) await updateAssignment(tx, a.id, set);
      }
    }
    for (const unitId of was.keys()) {
      if (u.after.units.has(unitId)) continue;
      const have = mine.filter((a) => a.unitId === unitId);
      const worked = have.filter((a) => a.notes > 0 || a.status !== "todo");
      if (worked.length) {
        result.keptAssignments.push({ taskId: id, unit: name(unitId), reason: worked.some((a) => a.status === "done") ? "已报完成" : "已有进展" });
      } else drop.push(...have.map((a) => a.id));
    }
    result.changes.push({ taskId: id, seq: u.after.seq, requirement: u.after.requirement, changes: u.changes });
    auditRows.push({ at, actor: opts.actor, action: "task.update", subject: `task:${id}`, detail: JSON.stringify({ note: u.changes.join("；") }) });
  }
  for (const m of diff.moved) await updateTask(tx, m.before.id, { seq: m.after.seq, category: JSON.stringify(m.after.category), updatedAt: at });
  if (drop.length) await deleteAssignments(tx, drop);
  result.assignmentsRemoved = drop.length;
  result.assignmentsAdded = await insertAssignments(tx, newAssignments);

  // Tasks the table no longer has.
  if (diff.removed.length) {
    await markTasksRemoved(
      tx,
      diff.removed.map((t) => t.id),
      at,
    );
    for (const t of diff.removed) {
      auditRows.push({ at, actor: opts.actor, action: "task.update", subject: `task:${t.id}`, detail: JSON.stringify({ note: `已不在《${opts.sourceFile}》中，移出计划（进展保留）` }) });
    }
  }

  // Tasks nobody is assigned to: the admin must hear about them.
  const assigned = new Set((await planAssignments(tx, planId)).map((a) => a.taskId));
  const liveShapes: { id: number; s: TaskShape }[] = [
    ...result.addedTasks.map((t, i) => ({ id: t.id, s: diff.added[i] })),
    ...diff.updated.map((u) => ({ id: u.before.id, s: u.after })),
    ...diff.moved.map((u) => ({ id: u.before.id, s: u.after })),
    ...diff.unchanged.map((u) => ({ id: u.before.id, s: u.after })),
  ];
  for (const { id, s } of liveShapes) {
    if (!assigned.has(id)) result.unassignedTasks.push({ id, seq: s.seq, requirement: s.requirement, texts: s.unitRefs.map((r) => r.text) });
  }
  result.unassignedTasks.sort((a, b) => a.id - b.id);

  auditRows.push({
    at,
    actor: opts.actor,
    action: isNew ? "plan.import" : "plan.reimport",
    subject: `plan:${planId}`,
    detail: JSON.stringify({
      file: opts.sourceFile,
      title: diff.plan.title,
      year: diff.plan.year,
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
      removed: result.removed,
      assignmentsAdded: result.assignmentsAdded,
      assignmentsRemoved: result.assignmentsRemoved,
    }),
  });
  for (let i = 0; i < auditRows.length; i += 200) await tx.insert(audit).values(auditRows.slice(i, i + 200));
  return result;
}

// ----------------------------------------------------------------------------------------- store

/** The directory of units and groups as the importer wants it, and a unit-name lookup for reports. */
export async function loadDirectory(db: Tx): Promise<{ directory: UnitDirectory; unitName: (id: number) => string }> {
  const directory = await unitDirectory(db);
  const names = new Map(directory.units.map((u) => [Number(u.id), u.name]));
  return { directory, unitName: (id) => names.get(id) ?? `单位${id}` };
}

/**
 * `PlanStore` on the database: one transaction per import. The batch must have been resolved
 * against this database's directory (loadDirectory → toImportBatch).
 */
export class DbPlanStore implements PlanStore {
  constructor(
    private readonly db: Db,
    private readonly opts: { actor: string; now: () => number; planId?: number; allowUnresolved?: boolean },
  ) {}

  async savePlanImport(batch: ImportBatch): Promise<ImportResult> {
    return this.db.transaction(async (tx) => {
      const { unitName } = await loadDirectory(tx);
      const diff = await diffImport(tx, batch, { planId: this.opts.planId, unitName });
      return applyImport(tx, batch, diff, {
        actor: this.opts.actor,
        at: this.opts.now(),
        sourceFile: batch.plan.sourceFile,
        unitName,
        allowUnresolved: this.opts.allowUnresolved,
      });
    });
  }
}
