/**
 * Column layout of a task table (which grid column is 序号, which are category levels, which is the
 * requirement, the unit columns, the time column) and placing each row's cells on it.
 */
import type { ColumnOverride, ColumnRole, SourceRow } from "./types";
import { matchHeaderWord } from "./header";
import { placeCells } from "./align";
import { compact } from "./text";

export interface Layout {
  /** Role of each grid column. */
  roles: ColumnRole[];
  /** Header text over each grid column. */
  headers: string[];
  /** Grid columns of the category levels, in order. */
  catCols: number[];
  reqCol: number;
  /** Share of the header's non-empty cells that were recognised. */
  confidence: number;
  unknownHeaders: string[];
}

export type LayoutResult = { ok: true; layout: Layout } | { ok: false; reason: string; unknown: string[] };

function cellPositions(row: SourceRow, gridKnown: boolean): { start: number; span: number }[] {
  let pos = 0;
  return row.cells.map((c) => {
    const start = gridKnown && c.gridCol !== undefined ? c.gridCol : pos;
    const span = Math.max(1, c.colSpan ?? 1);
    pos = start + span;
    return { start, span };
  });
}

/**
 * Build the layout from the header row.
 * @param width the number of grid columns the data rows use (for dumps: the widest data row).
 */
export function buildLayout(header: SourceRow, gridKnown: boolean, width: number, override?: ColumnOverride): LayoutResult {
  const texts = header.cells.map((c) => compact(c.text).replace(/[:：*＊]/g, ""));
  const roles0 = texts.map((t, i) => {
    if (t === "") return null;
    const col = header.cells[i].gridCol ?? i;
    return override?.[String(col)] ?? override?.[`#${col}`] ?? matchHeaderWord(t, override);
  });
  const unknown = texts.filter((t, i) => t !== "" && roles0[i] === null);
  const pos = cellPositions(header, gridKnown);
  // A header cell followed by empty header cells (a merged header saved as CSV, or an unmerged
  // spreadsheet header) covers them.
  for (let i = texts.length - 1; i > 0; i--) {
    if (texts[i] !== "") continue;
    let k = i - 1;
    while (k >= 0 && texts[k] === "") k--;
    if (k < 0) continue;
    pos[k].span = Math.max(pos[k].start + pos[k].span, pos[i].start + pos[i].span) - pos[k].start;
    texts.splice(i, 1);
    roles0.splice(i, 1);
    pos.splice(i, 1);
  }
  const headerWidth = pos.length ? pos[pos.length - 1].start + pos[pos.length - 1].span : 0;
  const hasRequirement = roles0.includes("requirement") || roles0.includes("task");

  // Dumps lose the header's gridSpan: widen the category / task cell to the data's width.
  if (!gridKnown && width > headerWidth) {
    let k = roles0.findIndex((r) => r === "task" || r === "category");
    if (k < 0) k = roles0.findIndex((r) => r === "requirement");
    if (k >= 0) {
      const extra = width - headerWidth;
      pos[k].span += extra;
      for (let i = k + 1; i < pos.length; i++) pos[i].start += extra;
    }
  }
  const total = Math.max(width, pos.length ? pos[pos.length - 1].start + pos[pos.length - 1].span : 0);
  const roles: ColumnRole[] = new Array(total).fill("ignore");
  const headers: string[] = new Array(total).fill("");
  roles0.forEach((r, i) => {
    const { start, span } = pos[i];
    for (let c = start; c < start + span && c < total; c++) headers[c] = texts[i];
    if (r === null) return;
    // 工作任务及要求 (or 工作任务 alone, with no requirement column): category levels, the last
    // column being the requirement.
    if (r === "task" || (r === "category" && !hasRequirement)) {
      for (let c = start; c < start + span - 1; c++) roles[c] = "category";
      roles[start + span - 1] = "requirement";
      return;
    }
    for (let c = start; c < start + span && c < total; c++) roles[c] = r;
  });
  // Explicit overrides by column number ("0", "#0").
  if (override) {
    for (const [k, v] of Object.entries(override)) {
      const m = /^#?(\d+)$/.exec(k);
      if (m && Number(m[1]) < total) roles[Number(m[1])] = v;
    }
  }
  // Only one requirement column: when several were mapped (two 要求 headers), keep the widest text later.
  const reqCols = roles.map((r, i) => (r === "requirement" ? i : -1)).filter((i) => i >= 0);
  if (reqCols.length === 0) {
    return { ok: false, reason: "表头中没有“工作任务/具体要求/工作要求”一类的任务内容列", unknown };
  }
  const reqCol = reqCols[reqCols.length - 1];
  for (const c of reqCols.slice(0, -1)) roles[c] = "category";
  const catCols = roles.map((r, i) => (r === "category" ? i : -1)).filter((i) => i >= 0 && i < reqCol);
  const nonEmpty = texts.filter((t) => t !== "").length;
  const confidence = nonEmpty ? (nonEmpty - unknown.length) / nonEmpty : 0;
  return { ok: true, layout: { roles, headers, catCols, reqCol, confidence, unknownHeaders: unknown } };
}

export interface PlacedCell {
  text: string;
  start: number;
  span: number;
  /** vMerge continuation (known from the file). */
  cont: boolean;
}

/** Place a row's cells on the layout's columns (exact for docx/xlsx/csv, inferred for dumps). */
export function placeRow(row: SourceRow, layout: Layout, gridKnown: boolean): PlacedCell[] {
  if (gridKnown) {
    return cellPositions(row, true).map((p, i) => ({
      text: row.cells[i].text,
      start: p.start,
      span: p.span,
      cont: !!row.cells[i].vMergeContinue,
    }));
  }
  const texts = row.cells.map((c) => c.text);
  const placement = placeCells(texts, layout.roles);
  if (!placement) {
    // More cells than columns: keep the leftmost ones on their own columns, the rest on the last.
    return texts.map((t, i) => ({ text: t, start: Math.min(i, layout.roles.length - 1), span: 1, cont: false }));
  }
  return texts.map((t, i) => ({ text: t, start: placement.start[i], span: placement.span[i], cont: false }));
}

/** The role a placed cell plays: the requirement if it covers the requirement column, else its first column's role. */
export function roleOfCell(cell: PlacedCell, layout: Layout): ColumnRole {
  if (cell.start <= layout.reqCol && layout.reqCol < cell.start + cell.span) return "requirement";
  return layout.roles[cell.start] ?? "ignore";
}
