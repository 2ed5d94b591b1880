/**
 * Messages that finally failed are reported to the admins: one report covering every failure not yet
 * reported, written with the markers that say so in one transaction (so two instances, or a crash and
 * a rerun, report each failure once). Reports about failed reports are not made.
 */
import type { Db } from "../../db/client";
import { markReported, unreportedFailures } from "../../db/queries/delivery";
import { dateInShanghai } from "../domain/dates";
import { sha256Hex } from "../lark/crypto";
import { failureReportCard } from "./cards";
import { adminRecipients, enqueuePlanned, plan } from "./plan";

export async function reportFailures(db: Db, now: number): Promise<string[]> {
  // Most of the time there is nothing to report: find that out without taking the write lock.
  if (!(await unreportedFailures(db, 1)).length) return [];
  return db.transaction(async (tx) => {
    const failed = await unreportedFailures(tx);
    if (!failed.length) return [];
    const admins = await adminRecipients(tx);
    // Without an admin to tell, the failures stay unreported until one is bound.
    if (!admins.length) return [];
    const date = dateInShanghai(new Date(now));
    const id = (await sha256Hex(failed.map((f) => f.key).join("\n"))).slice(0, 16);
    const reply = failureReportCard(
      failed.map((f) => ({ kind: f.kind, recipient: f.receiveId, error: f.lastError ?? "", businessDate: f.businessDate })),
    );
    const planned = admins
      .filter((r) => !failed.every((f) => f.receiveId === r.id)) // a report cannot reach a chat that itself fails
      .map((r) => plan("delivery-failed", r, "report", id, date, reply));
    await enqueuePlanned(tx, planned);
    await markReported(tx, failed.map((f) => f.key), id, now);
    return planned.map((p) => p.key);
  });
}
