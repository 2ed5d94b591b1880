/**
 * Annotation rows: rows inside a task table that state the channel or the time limit for the rows
 * of their group (ningyang: "公开渠道：…", "公开时限：…", "通过政府门户网站…等载体和方式公开，…",
 * "以上内容…") instead of being tasks themselves.
 *
 * Scope (see docs/IMPORTER.md):
 * - a labelled annotation (公开渠道：/公开时限：/公开方式：) covers the tasks of its category (the full
 *   category path) back to the previous annotation block of that category;
 * - an unlabelled one (通过…公开，… / 以上内容…) covers the group of tasks sharing the unit cell right
 *   above it (a merged unit cell is one group; the same units re-typed at a page top continue it).
 */
import type { SlaNote } from "./types";
import { compact } from "./text";

const LABELLED_RE = /^(公开渠道|公开时限|公开方式|公开载体|公开形式|公开范围|公开时间|发布渠道|发布时限)[:：]/;
const ABOVE_RE = /^以上(内容|信息|事项|各项|所列)/;
const CHANNEL_SENTENCE_RE = /^通过[^。；]{0,60}?(等载体和方式|等载体|等方式|等渠道|等平台)公开/;

export type AnnotationKind = "labelled" | "unlabelled";

export function detectAnnotation(requirement: string): { kind: AnnotationKind; note: SlaNote["kind"] } | null {
  const t = compact(requirement);
  const m = LABELLED_RE.exec(t);
  if (m) {
    const note: SlaNote["kind"] = /时限|时间/.test(m[1]) ? "time_limit" : "channel";
    return { kind: "labelled", note };
  }
  if (ABOVE_RE.test(t)) return { kind: "unlabelled", note: "general" };
  if (CHANNEL_SENTENCE_RE.test(t)) return { kind: "unlabelled", note: /日内|工作日|之日起|时限/.test(t) ? "time_limit" : "channel" };
  return null;
}

/** What the scope computation needs to know about each row in table order. */
export interface ScopedRow {
  /** Index into the task list, or -1 for an annotation row. */
  taskIndex: number;
  annotation?: { kind: AnnotationKind; note: SlaNote };
  path: string[];
  /** Unit group id (rows sharing a merged unit cell). */
  group: number;
}

/** Attach each annotation to the task indices it covers. Returns annotation → task indices. */
export function annotationScopes(rows: ScopedRow[]): { note: SlaNote; tasks: number[] }[] {
  const out: { note: SlaNote; tasks: number[] }[] = [];
  const samePath = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!r.annotation) continue;
    // Skip back over the annotation block this row belongs to.
    let j = i - 1;
    while (j >= 0 && rows[j].annotation && samePath(rows[j].path, r.path)) j--;
    const tasks: number[] = [];
    if (r.annotation.kind === "labelled") {
      for (; j >= 0; j--) {
        const p = rows[j];
        if (!samePath(p.path, r.path)) break;
        if (p.annotation) break;
        tasks.push(p.taskIndex);
      }
    } else if (j >= 0 && !rows[j].annotation) {
      const group = rows[j].group;
      for (; j >= 0; j--) {
        const p = rows[j];
        if (p.annotation || p.group !== group) break;
        tasks.push(p.taskIndex);
      }
    }
    out.push({ note: r.annotation.note, tasks: tasks.reverse() });
  }
  return out;
}
