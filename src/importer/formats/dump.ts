/**
 * Reader for the seeds' plain-text table dumps (Apache Tika's text output of Word tables).
 *
 * Tika writes a TAB before each cell, a newline after each paragraph and after each row. So:
 * - a line starting with TAB (possibly after spaces) starts a cell; other lines continue the cell;
 * - a row ends with a blank line — but an empty paragraph inside a cell is a blank line too, so a
 *   blank line before a TAB line is only a *candidate* row end (decided by the table's width);
 * - a line of spaces followed by TAB (" \t序号") starts a new table (Word tables split per page);
 * - a line starting with a space and text after a cell ("  抄送：…") leaves the table;
 * - a vertically merged continuation prints as a bare TAB: it becomes an empty cell (the dump
 *   cannot tell merged from empty; the understanding step decides), horizontal merges only show as
 *   rows with fewer cells (gridKnown = false: positions are inferred later).
 */
import type { SourceCell, SourceDocument, SourceRow, SourceTable } from "../types";
import { stripBookmarks } from "../text";

interface CellToken {
  paragraphs: string[];
  /** Blank lines between the previous cell's content and this cell's TAB line. */
  blankBefore: number;
  /** Starts a new table (leading spaces before the TAB) */
  forced: boolean;
  line: number;
}

interface RawTable {
  before: string[];
  cells: CellToken[];
}

function trimParagraphs(ps: string[]): string[] {
  let a = 0;
  let b = ps.length;
  while (a < b && ps[a].trim() === "") a++;
  while (b > a && ps[b - 1].trim() === "") b--;
  return ps.slice(a, b);
}

export function readDump(text: string): SourceDocument {
  const lines = stripBookmarks(text.replace(/\r\n?/g, "\n")).split("\n");
  const tables: RawTable[] = [];
  let before: string[] = [];
  let table: RawTable | null = null;
  let cell: CellToken | null = null;
  let blanks = 0;
  let outside = true;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const tabMatch = /^( *)\t(.*)$/.exec(line);
    if (tabMatch) {
      const leadingSpaces = tabMatch[1].length > 0;
      if (outside || leadingSpaces || !table) {
        table = { before: outside ? before : [], cells: [] };
        tables.push(table);
        before = [];
        outside = false;
        cell = { paragraphs: [tabMatch[2]], blankBefore: 0, forced: true, line: i + 1 };
      } else {
        cell = { paragraphs: [tabMatch[2]], blankBefore: blanks, forced: false, line: i + 1 };
      }
      table.cells.push(cell);
      blanks = 0;
      continue;
    }
    if (outside) {
      if (line.trim() !== "") before.push(line.trim());
      continue;
    }
    if (line.trim() === "") {
      blanks++;
      continue;
    }
    if (/^[ \u3000]+\S/.test(line)) {
      // A space-led paragraph after a table: the table has ended (page/section break, footer).
      outside = true;
      before = [line.trim()];
      blanks = 0;
      cell = null;
      continue;
    }
    // Continuation paragraph of the current cell (the blank lines before it were empty paragraphs).
    if (cell) {
      for (let k = 0; k < blanks; k++) cell.paragraphs.push("");
      cell.paragraphs.push(line);
    }
    blanks = 0;
  }
  const after = outside ? before : [];

  return {
    format: "text",
    tables: tables.map((t, idx) => segmentRows(t, idx)),
    after,
  };
}

/**
 * Split a table's cells into rows. Boundaries are possible only where a blank line precedes a TAB
 * line (and forced where a new table starts). A first greedy pass (a row ends at a candidate once
 * it has as many cells as the header) gives the table's usual width W; then a small dynamic
 * programme picks the boundaries whose rows stay closest to W — rows wider than W cost ten times
 * as much as narrower ones (merged cells make rows narrower, never wider). This keeps a cell that
 * ends with empty paragraphs ("县农工办、\n\n县农业局\n\n") from being taken for a row end.
 */
function segmentRows(t: RawTable, idx: number): SourceTable {
  const cells = t.cells;
  const n = cells.length;
  // Pass 1: greedy, for the usual width.
  const widths: number[] = [];
  let cur = 0;
  let minWidth = 0;
  for (const c of cells) {
    if (cur > 0 && (c.forced || (c.blankBefore > 0 && cur >= minWidth))) {
      widths.push(cur);
      if (minWidth === 0) minWidth = cur;
      cur = 0;
    }
    cur++;
  }
  if (cur) widths.push(cur);
  const counts = new Map<number, number>();
  for (const w of widths.slice(1)) counts.set(w, (counts.get(w) ?? 0) + 1);
  let W = widths[0] ?? 1;
  let best = 0;
  for (const [w, k] of counts) if (k > best || (k === best && w > W)) [W, best] = [w, k];

  // Pass 2: dynamic programme over candidate boundaries. Besides the widths, a single blank line
  // is more likely a row end than two or more (which usually include empty paragraphs): cutting
  // at a multi-blank candidate, or not cutting at a single-blank one, costs a little.
  const allowed = (i: number) => i === 0 || i === n || cells[i].forced || cells[i].blankBefore > 0;
  const rowCost = (w: number, first: boolean) => (w > W ? 10 * (w - W) : first ? 0 : W - w);
  const singles = new Array<number>(n + 1).fill(0);
  for (let i = 0; i < n; i++) singles[i + 1] = singles[i] + (i > 0 && !cells[i].forced && cells[i].blankBefore === 1 ? 1 : 0);
  const dp = new Array<number>(n + 1).fill(Infinity);
  const prev = new Array<number>(n + 1).fill(-1);
  dp[0] = 0;
  const maxRow = Math.max(3 * W, 8);
  for (let i = 0; i < n; i++) {
    if (dp[i] === Infinity || !allowed(i)) continue;
    for (let j = i + 1; j <= Math.min(n, i + maxRow); j++) {
      if (!allowed(j)) continue;
      const first = i === 0 || cells[i].forced;
      const cutCost = j < n && !cells[j].forced && cells[j].blankBefore >= 2 ? 0.5 : 0;
      const uncut = 0.5 * (singles[j] - singles[i + 1]);
      const c = dp[i] + rowCost(j - i, first) + cutCost + uncut;
      if (c < dp[j]) {
        dp[j] = c;
        prev[j] = i;
      }
      if (j < n && cells[j].forced) break; // a row never spans a forced boundary
    }
  }
  const fixed: CellToken[][] = [];
  if (n > 0 && dp[n] !== Infinity) {
    const cuts: number[] = [];
    for (let j = n; j > 0; j = prev[j]) cuts.push(j);
    cuts.reverse();
    let a = 0;
    for (const b of cuts) {
      fixed.push(cells.slice(a, b));
      a = b;
    }
  } else if (n > 0) fixed.push(cells.slice());

  const sourceRows: SourceRow[] = fixed.map((r) => ({
    cells: r.map((c): SourceCell => ({ text: trimParagraphs(c.paragraphs).join("\n") })),
    where: `文本第 ${r[0].line} 行`,
  }));
  return { rows: sourceRows, before: t.before, gridKnown: false, label: `表格 ${idx + 1}` };
}
