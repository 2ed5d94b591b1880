/**
 * CSV reader (csv-parse). The text is already decoded (UTF-8 with or without BOM, GB18030/GBK,
 * UTF-16 — see detect.ts). A CSV has a grid but no merges: an empty cell may be a merged
 * continuation or really empty, which the understanding step decides as for text dumps.
 */
import { parse } from "csv-parse/sync";
import type { SourceDocument, SourceRow } from "../types";
import { ImportError } from "../errors";

function guessDelimiter(text: string): string {
  const sample = text.split(/\r?\n/).slice(0, 20).join("\n");
  const count = (ch: string) => sample.split(ch).length - 1;
  const candidates = [",", "\t", ";"];
  let best = ",";
  let bestN = 0;
  for (const c of candidates) {
    const n = count(c);
    if (n > bestN) [best, bestN] = [c, n];
  }
  return best;
}

export function readCsv(text: string): SourceDocument {
  const body = text.replace(/^\ufeff/, "");
  let records: string[][];
  try {
    records = parse(body, {
      delimiter: guessDelimiter(body),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: false,
    }) as string[][];
  } catch (e) {
    throw new ImportError("not_a_table", e instanceof Error ? e.message : String(e));
  }
  const multi = records.filter((r) => r.filter((c) => c.trim() !== "").length >= 2).length;
  if (multi < 2) throw new ImportError("not_a_table", `${records.length} records, ${multi} with two or more cells`);
  const rows: SourceRow[] = records.map((r, i) => {
    const cells = r.map((text, c) => ({ text, gridCol: c }));
    while (cells.length && cells[cells.length - 1].text.trim() === "") cells.pop();
    return { cells, where: `第 ${i + 1} 行` };
  });
  return { format: "csv", tables: [{ rows, before: [], gridKnown: true, label: "CSV" }], after: [] };
}
