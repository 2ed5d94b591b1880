/**
 * The import flow on the database, shared by the chat commands (commands/import.ts,
 * confirm-import.ts, create-units.ts) and the CLI:
 *
 *   preview(db, parsed, file)        resolve names against today's directory, compare with the plan
 *                                    already imported (if any): what the preview shows; writes nothing
 *   createTableUnits(tx, parsed, …)  the table's named units nobody has placed → new units (same body
 *                                    written two ways → one unit with an alias)
 *   confirm(tx, parsed, file, …)     resolve again (the directory may have changed since the preview),
 *                                    refuse while named units or groups are unresolved, then write
 */
import type { Tx } from "../../db/client";
import { record } from "../../db/queries/audit";
import { upsertUnit } from "../../db/queries/units";
import { canonicalKey } from "./aliases";
import { toImportBatch, type ImportBatch } from "./commit";
import type { PreviewInput } from "./report";
import { applyImport, blockingNames, diffImport, loadDirectory, MissingYearError, shapeTask, UnresolvedUnitsError, type ImportDiff, type ImportResult } from "./store";
import type { ParsedPlan } from "./types";

export async function preview(db: Tx, parsed: ParsedPlan, fileName: string): Promise<PreviewInput> {
  const { directory, unitName } = await loadDirectory(db);
  const batch = toImportBatch(parsed, directory, fileName);
  let diff: ImportDiff;
  try {
    diff = await diffImport(db, batch, { unitName });
  } catch (e) {
    if (!(e instanceof MissingYearError)) throw e;
    // Without a year there is no plan to compare with yet: everything is new.
    diff = { plan: { id: null, title: batch.plan.title, year: 0, matchedBy: "new" }, added: batch.tasks.map(shapeTask), updated: [], moved: [], unchanged: [], removed: [] };
  }
  return { parsed, batch, diff, fileName, unitName };
}

/** A name the table uses as a unit, fit to become one. */
const UNIT_NAME = /^[\p{Script=Han}A-Za-z0-9（）()·\-]{2,40}$/u;

/**
 * Creates a unit for every named unit of the table that resolves to nothing (never 有关部门 or 各X:
 * those are not units). Spellings of one body (县发改局 / 县发展改革局) become one unit and its alias.
 * Returns the names of the units created.
 */
export async function createTableUnits(tx: Tx, parsed: ParsedPlan, fileName: string, actor: string, at: number): Promise<{ created: string[]; skipped: string[] }> {
  const created: string[] = [];
  const skipped: string[] = [];
  // Names with their level prefix (县/市…) first; then, against the grown directory, the rest: a
  // prefix-less 生态环境局 is the 市生态环境局 just created, not a unit of its own.
  for (const pass of [(n: string) => /^[县市区省]/.test(n), () => true]) {
    const { directory } = await loadDirectory(tx);
    const batch = toImportBatch(parsed, directory, fileName);
    const names = blockingNames(batch)
      .filter((n) => n.kind === "unit" && pass(n.text) && !skipped.includes(n.text))
      .map((n) => n.text);
    const byBody = new Map<string, string[]>();
    for (const n of names) {
      if (!UNIT_NAME.test(n)) {
        skipped.push(n);
        continue;
      }
      const k = canonicalKey(n);
      byBody.set(k, [...(byBody.get(k) ?? []), n]);
    }
    for (const [, spellings] of byBody) {
      const r = await upsertUnit(tx, spellings[0], spellings.slice(1));
      if (r.created) {
        created.push(r.unit.name);
        await record(tx, { at, actor, action: "unit.create", subject: `unit:${r.unit.id}`, detail: { unit: r.unit.name, added: r.added, note: `来自《${fileName}》` } });
      }
    }
  }
  return { created, skipped };
}

export interface ConfirmOutcome {
  batch: ImportBatch;
  result: ImportResult;
}

/** Writes a parsed table; throws UnresolvedUnitsError / MissingYearError (nothing written) when it may not. */
/**
 * Writes a parsed table; throws UnresolvedUnitsError / MissingYearError (nothing written) when it may
 * not. `allowUnresolved`: the admin chose to import with those names unassigned (确认导入 暂不分派,
 * --allow-unresolved); the result lists the names and the tasks left without a unit.
 */
export async function confirm(
  tx: Tx,
  parsed: ParsedPlan,
  fileName: string,
  opts: { actor: string; at: number; planId?: number; allowUnresolved?: boolean },
): Promise<ConfirmOutcome & { pending: ReturnType<typeof blockingNames> }> {
  if (parsed.plan.year === null) throw new MissingYearError();
  const { directory, unitName } = await loadDirectory(tx);
  const batch = toImportBatch(parsed, directory, fileName);
  const pending = blockingNames(batch);
  if (pending.length && !opts.allowUnresolved) throw new UnresolvedUnitsError(pending);
  const diff = await diffImport(tx, batch, { unitName, planId: opts.planId });
  const result = await applyImport(tx, batch, diff, { actor: opts.actor, at: opts.at, sourceFile: fileName, unitName, allowUnresolved: opts.allowUnresolved });
  return { batch, result, pending };
}
