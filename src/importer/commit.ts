/**
 * The seam between the importer and the database layer.
 *
 * The importer does not write anything. The DB layer implements `PlanStore` and calls
 * `commitPlan(parsed, store, directory)`, which turns a ParsedPlan into an `ImportBatch` (every
 * unit reference resolved against the directory, or listed as unresolved) and hands it over in one
 * call, so the store can write it in one transaction. Tasks are matched to existing ones by
 * `contentKey` (a corrected, re-imported table updates tasks instead of duplicating them).
 */
import type { Deadline, ParsedPlan, SlaNote, UnitDirectory, UnitRefKind, UnitRole } from "./types";
import { resolveUnits } from "./aliases";

export interface ImportBatch {
  plan: { title: string; year: number | null; issuedOn?: string; sourceFile: string; format: ParsedPlan["format"] };
  tasks: {
    contentKey: string;
    seq: number;
    category: string[];
    requirement: string;
    /** The 时限 cell as written, when the table has that column. */
    deadlineText?: string;
    checklist?: boolean;
    deadline: Deadline;
    deadlineSource: ParsedPlan["tasks"][number]["deadlineSource"];
    sla: SlaNote[];
    unitsOpen: boolean;
    /** Each reference with the directory units it resolved to (empty = unresolved). */
    units: { text: string; kind: UnitRefKind; role: UnitRole; unitIds: string[]; matchedBy?: string }[];
    where: string;
  }[];
  /** Names the admin must map to directory units before chasing can start for those tasks. */
  unresolvedUnits: string[];
  skipped: ParsedPlan["skipped"];
  warnings: string[];
  leadAssignments: ParsedPlan["leadAssignments"];
}

export interface PlanStore {
  /**
   * Write one import in one transaction: upsert the plan, upsert tasks by contentKey, bind
   * resolved units, record unresolved names for the admin. Returns what changed.
   */
  savePlanImport(batch: ImportBatch): Promise<{ planId: string; created: number; updated: number; unchanged: number; removed: number }>;
}

/** Pure: ParsedPlan + directory → the batch the store writes. */
export function toImportBatch(parsed: ParsedPlan, directory: UnitDirectory, sourceFile: string): ImportBatch {
  const allRefs = parsed.tasks.flatMap((t) => t.unitRefs);
  const { unresolved } = resolveUnits(allRefs, directory);
  return {
    plan: { title: parsed.plan.title, year: parsed.plan.year, ...(parsed.plan.issuedOn ? { issuedOn: parsed.plan.issuedOn } : {}), sourceFile, format: parsed.format },
    tasks: parsed.tasks.map((t) => {
      const res = resolveUnits(t.unitRefs, directory);
      return {
        contentKey: t.contentKey,
        seq: t.seq,
        category: t.category,
        requirement: t.requirement,
        ...(t.deadlineText !== undefined ? { deadlineText: t.deadlineText } : {}),
        ...(t.checklist ? { checklist: true } : {}),
        deadline: t.deadline,
        deadlineSource: t.deadlineSource,
        sla: t.sla,
        unitsOpen: t.unitsOpen,
        units: t.unitRefs.map((ref) => {
          const hit = res.resolved.find((r) => r.ref === ref);
          return { text: ref.text, kind: ref.kind, role: ref.role, unitIds: hit ? hit.unitIds : [], ...(hit ? { matchedBy: hit.matchedBy } : {}) };
        }),
        where: t.where,
      };
    }),
    unresolvedUnits: unresolved,
    skipped: parsed.skipped,
    warnings: parsed.warnings,
    leadAssignments: parsed.leadAssignments,
  };
}

/** What the DB layer calls after parsePlan. */
export async function commitPlan(parsed: ParsedPlan, store: PlanStore, directory: UnitDirectory, sourceFile: string) {
  return store.savePlanImport(toImportBatch(parsed, directory, sourceFile));
}
