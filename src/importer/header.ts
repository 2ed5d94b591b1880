/**
 * Header rows: recognise them by their words and map columns to roles.
 *
 * Only words are used, never positions: a table whose header words are unknown is reported as
 * skipped (with its header cells) rather than guessed; the admin can pass an explicit mapping.
 */
import type { ColumnOverride, ColumnRole, SourceRow } from "./types";
import { compact } from "./text";

interface HeaderWord {
  re: RegExp;
  role: ColumnRole;
}

/** Ordered: the first matching pattern wins (longer, more specific phrases first). */
const HEADER_WORDS: HeaderWord[] = [
  { re: /^(序号|编号|序列号|序|No\.?|#)$/i, role: "seq" },
  { re: /^(工作任务及要求|任务及要求|工作任务和要求|重点任务及要求|工作任务及具体要求|任务及措施)$/, role: "task" },
  { re: /^(牵头单位|牵头部门|牵头责任单位|主办单位|牵头)$/, role: "lead" },
  { re: /^(配合单位|配合部门|协办单位|协办部门|参与单位)$/, role: "assist" },
  {
    re: /^(责任单位|责任部门|责任主体|落实单位|承办单位|实施单位|负责单位|责任单位及责任人|公开主体|责任处室|责任科室单位)$/,
    role: "units",
  },
  {
    re: /^(时限要求|完成时限|完成时间|时间要求|时限|完成期限|公开时限|办理时限|截止时间|截止日期|完成时间节点|时间节点|进度安排)$/,
    role: "deadline",
  },
  {
    re: /^(工作要求|具体要求|公开内容|具体内容|工作内容|工作措施|工作举措|具体措施|主要内容|任务要求|要求|具体任务|任务内容|公开要求|公开事项|公开标准|目标要求)$/,
    role: "requirement",
  },
  { re: /^(工作任务|重点任务|任务|主要任务|任务名称|项目|工作项目|分类|公开目录|类别|类型|领域|一级指标|二级指标|三级指标|指标|公开类别|任务类别|板块)$/, role: "category" },
  { re: /^(备注|说明|公开渠道|公开方式|公开载体|完成情况|进展情况|单位分管领导|分管领导|联系人|联系电话)$/, role: "note" },
];

export interface HeaderCellMatch {
  header: string;
  role: ColumnRole | null;
}

export function matchHeaderWord(text: string, override?: ColumnOverride): ColumnRole | null {
  const t = compact(text).replace(/[:：*＊]/g, "");
  if (t === "") return null;
  if (override && override[t] !== undefined) return override[t];
  for (const w of HEADER_WORDS) if (w.re.test(t)) return w.role;
  return null;
}

/** Score a row as a header: how many of its non-empty cells are header words. */
export function scoreHeaderRow(row: SourceRow, override?: ColumnOverride): { matched: number; nonEmpty: number; roles: (ColumnRole | null)[] } {
  let matched = 0;
  let nonEmpty = 0;
  const roles = row.cells.map((c) => {
    if (compact(c.text) === "") return null;
    nonEmpty++;
    const r = matchHeaderWord(c.text, override);
    if (r) matched++;
    return r;
  });
  return { matched, nonEmpty, roles };
}

/**
 * Is this row a header? At least two header words, most of the non-empty cells header words, and
 * something that can carry the requirement (task / requirement / category).
 */
export function isHeaderRow(row: SourceRow, override?: ColumnOverride): boolean {
  const s = scoreHeaderRow(row, override);
  if (s.matched < 2) return false;
  if (s.matched / Math.max(1, s.nonEmpty) < 0.6) return false;
  return s.roles.some((r) => r === "task" || r === "requirement" || r === "category");
}

/** Header cells that were not recognised (for the skipped report / the admin). */
export function unknownHeaderCells(row: SourceRow, override?: ColumnOverride): string[] {
  return row.cells.map((c) => compact(c.text)).filter((t) => t !== "" && matchHeaderWord(t, override) === null);
}

/** Does the mapping name columns by number ("0", "#3")? */
export function hasPositionalOverride(override?: ColumnOverride): boolean {
  return !!override && Object.keys(override).some((k) => /^#?\d+$/.test(k));
}

/** Header texts that mark a ledger (台账) template rather than a task table. */
export const LEDGER_HEADER_RE = /^(责任科室|单位分管领导|分管领导|责任人|完成情况|进展情况)$/;
