/**
 * The importer: a task decomposition table file (docx / xlsx / csv / text dump) → ParsedPlan.
 *
 *   parsePlan(bytes, fileName, opts) → detect the format from the bytes → read the grid
 *   (formats/*) → understand the tables (understand.ts) → units and deadlines (build.ts)
 *
 * Everything here is pure TypeScript over Uint8Array / strings (it also runs on Workers). Every
 * failure is an ImportError with a Chinese message for the admin.
 */
import type { FileFormat, ParseOptions, ParsedPlan, SourceDocument, UnitRef, UnitRefKind } from "./types";
import { detectFormat } from "./detect";
import { ImportError, asImportError } from "./errors";
import { readDump } from "./formats/dump";
import { readDocx } from "./formats/docx";
import { readXlsx } from "./formats/xlsx";
import { readCsv } from "./formats/csv";
import { understand } from "./understand";
import { buildTasks } from "./build";
import { resolveUnits } from "./aliases";
import { cleanTitle, yearOf } from "./meta";

export type * from "./types";
export { ImportError, isImportError, MAX_IMPORT_BYTES, type ImportErrorCode } from "./errors";
export { parseUnitCell } from "./units";
export { canonicalKey, nameKey, resolveUnits, ALIAS_GROUPS, RENAMES, type Resolution, type ResolvedRef } from "./aliases";
export { detectFormat } from "./detect";
export { toImportBatch, type ImportBatch, type PlanStore, commitPlan } from "./commit";

/** Read the container into tables (no understanding yet). */
export async function readSource(bytes: Uint8Array, fileName: string): Promise<SourceDocument> {
  const detected = detectFormat(bytes, fileName);
  switch (detected.format) {
    case "docx":
      return readDocx(bytes);
    case "xlsx":
      return readXlsx(bytes);
    case "csv":
      return readCsv(detected.text ?? "");
    case "text":
      return readDump(detected.text ?? "");
  }
}

export async function parsePlan(bytes: Uint8Array, fileName: string, opts: ParseOptions = {}): Promise<ParsedPlan> {
  try {
    return await parsePlanInner(bytes, fileName, opts);
  } catch (e) {
    throw asImportError(e, "internal");
  }
}

async function parsePlanInner(bytes: Uint8Array, fileName: string, opts: ParseOptions): Promise<ParsedPlan> {
  const progress = opts.onProgress;
  progress?.({ phase: "read", done: 0, total: 1 });
  const doc = await readSource(bytes, fileName);
  progress?.({ phase: "read", done: 1, total: 1 });
  if (doc.tables.length === 0) throw new ImportError("not_a_table", `${doc.format} without tables`);

  const totalRows = doc.tables.reduce((n, t) => n + t.rows.length, 0);
  let rowsDone = 0;
  const u = understand(doc, {
    columns: opts.columns,
    onRow: progress
      ? () => {
          rowsDone++;
          if (rowsDone % 50 === 0) progress({ phase: "understand", done: rowsDone, total: totalRows });
        }
      : undefined,
  });

  const warnings = [...u.warnings];
  const title = opts.title ?? u.title ?? cleanTitle(fileName.replace(/\.[^.]+$/, ""));
  let year = opts.year ?? u.year ?? yearOf(title) ?? (u.issuedOn ? Number(u.issuedOn.slice(0, 4)) : null);
  if (!opts.year && !u.year && year !== null) warnings.push(`标题中没有年份，按印发日期取 ${year} 年。`);
  if (year === null) warnings.push("没有找到计划年份（标题中没有“20XX年”），请用 --year 指定；时限中的相对日期暂按当前年份计算。");
  const ctxYear = year ?? new Date().getUTCFullYear();
  const ctx = { year: ctxYear, ...(u.issuedOn ? { issuedOn: u.issuedOn } : {}) };

  const tasks = buildTasks(u.tasks, ctx, progress ? (i) => (i % 50 === 0 ? progress({ phase: "deadlines", done: i, total: u.tasks.length }) : undefined) : undefined);

  // Units: distinct references with task counts.
  const unitStats = new Map<string, { text: string; kind: UnitRefKind; tasks: number }>();
  const allRefs: UnitRef[] = [];
  for (const t of tasks) {
    const seen = new Set<string>();
    for (const r of t.unitRefs) {
      allRefs.push(r);
      if (seen.has(r.text)) continue;
      seen.add(r.text);
      const s = unitStats.get(r.text) ?? { text: r.text, kind: r.kind, tasks: 0 };
      s.tasks++;
      unitStats.set(r.text, s);
    }
    if (t.unitRefs.length === 0) warnings.push(`${t.where}：任务没有责任单位（${t.requirement.slice(0, 20)}…）。`);
  }
  const unresolvedUnits = opts.directory
    ? resolveUnits(allRefs, opts.directory).unresolved
    : [...unitStats.keys()];

  progress?.({ phase: "done", done: tasks.length, total: tasks.length });
  return {
    plan: { title, year, ...(u.issuedOn ? { issuedOn: u.issuedOn } : {}) },
    format: doc.format as FileFormat,
    tasks,
    unresolvedUnits,
    units: [...unitStats.values()].sort((a, b) => b.tasks - a.tasks || a.text.localeCompare(b.text, "zh")),
    skipped: u.skipped,
    warnings,
    leadAssignments: u.leadAssignments,
    tables: u.tables,
  };
}
