/**
 * .xlsx reader (exceljs): every visible worksheet becomes a table; merged ranges become
 * colSpan (across) and vMergeContinue (down) like a Word grid. Whether a sheet is a task table is
 * decided by the understanding step (header words), not here.
 */
import ExcelJS from "exceljs";
import type { SourceCell, SourceDocument, SourceRow, SourceTable } from "../types";
import { ImportError } from "../errors";

interface Range {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function parseRange(ref: string): Range | null {
  const m = /^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$/i.exec(ref.trim());
  if (!m) return null;
  const left = colNumber(m[1]);
  const top = Number(m[2]);
  const right = m[3] ? colNumber(m[3]) : left;
  const bottom = m[4] ? Number(m[4]) : top;
  return { top: Math.min(top, bottom), left: Math.min(left, right), bottom: Math.max(top, bottom), right: Math.max(left, right) };
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Date) {
    const y = v.getUTCFullYear();
    const mo = v.getUTCMonth() + 1;
    const d = v.getUTCDate();
    return `${y}年${mo}月${d}日`;
  }
  if (typeof v === "object") {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; formula?: string; error?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join("");
    if (o.text !== undefined) return typeof o.text === "string" ? o.text : String((o.text as { richText?: { text: string }[] }).richText?.map((r) => r.text).join("") ?? "");
    if (o.result !== undefined && o.result !== null) return String(o.result);
    if (o.error) return "";
  }
  try {
    return cell.text ?? "";
  } catch {
    return "";
  }
}

export async function readXlsx(bytes: Uint8Array): Promise<SourceDocument> {
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs accepts an ArrayBuffer-like; copy to a standalone buffer.
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    await wb.xlsx.load(ab);
  } catch (e) {
    throw new ImportError("corrupt_xlsx", e instanceof Error ? e.message : String(e));
  }
  const tables: SourceTable[] = [];
  wb.worksheets.forEach((ws) => {
    if (ws.state === "hidden" || ws.state === "veryHidden") return;
    const merges: Range[] = [];
    const model = ws.model as unknown as { merges?: string[] };
    for (const ref of model.merges ?? []) {
      const r = parseRange(ref);
      if (r) merges.push(r);
    }
    // Cell (row, col) → the merge it belongs to.
    const mergeAt = new Map<string, Range>();
    for (const m of merges) for (let r = m.top; r <= m.bottom; r++) for (let c = m.left; c <= m.right; c++) mergeAt.set(`${r}:${c}`, m);

    const rowCount = ws.rowCount;
    const colCount = ws.columnCount;
    const rows: SourceRow[] = [];
    for (let r = 1; r <= rowCount; r++) {
      const wsRow = ws.getRow(r);
      const cells: SourceCell[] = [];
      for (let c = 1; c <= colCount; c++) {
        const m = mergeAt.get(`${r}:${c}`);
        if (m) {
          if (c !== m.left) continue; // covered by the span of the cell on the left
          const span = m.right - m.left + 1;
          if (r === m.top) {
            const cell: SourceCell = { text: cellText(ws.getCell(m.top, m.left)), gridCol: c - 1 };
            if (span > 1) cell.colSpan = span;
            cells.push(cell);
          } else {
            const cell: SourceCell = { text: "", gridCol: c - 1, vMergeContinue: true };
            if (span > 1) cell.colSpan = span;
            cells.push(cell);
          }
          continue;
        }
        cells.push({ text: cellText(wsRow.getCell(c)), gridCol: c - 1 });
      }
      // Trailing empty cells carry nothing.
      while (cells.length && cells[cells.length - 1].text.trim() === "" && !cells[cells.length - 1].vMergeContinue) cells.pop();
      rows.push({ cells, where: `第 ${r} 行` });
    }
    tables.push({ rows, before: [], gridKnown: true, label: `工作表「${ws.name}」` });
  });
  return { format: "xlsx", tables, after: [] };
}
