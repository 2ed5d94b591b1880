/** Outbox queries the scheduled jobs and the hardened sender need beyond db/queries/outbox.ts. */
import { and, asc, eq, inArray, isNull, like, ne, sql } from "drizzle-orm";
import type { Tx } from "../client";
import { deliveryReports, outbox } from "../schema";
import type { OutboxRow } from "./outbox";

/**
 * Extends the lease on a row this sender holds, just before the HTTP call. Compare-and-set on the
 * lease value it was claimed with: when another instance took the row after our lease ran out
 * (we waited too long behind the pacer), this returns false and we must not send it.
 */
export async function renewLease(db: Tx, key: string, heldUntil: number, newUntil: number): Promise<boolean> {
  const r = await db
    .update(outbox)
    .set({ leaseUntil: newUntil })
    .where(and(eq(outbox.key, key), eq(outbox.status, "pending"), eq(outbox.leaseUntil, heldUntil)))
    .returning({ key: outbox.key });
  return r.length > 0;
}

/**
 * Gives a row this sender holds back to the outbox unsent (the pacer's queue is long, or the process
 * is stopping): the lease is dropped, so the next delivery pass — here or in another instance — takes
 * it. Compare-and-set like renewLease, so a row already taken over is left alone.
 */
export async function releaseLease(db: Tx, key: string, heldUntil: number): Promise<void> {
  await db
    .update(outbox)
    .set({ leaseUntil: 0 })
    .where(and(eq(outbox.key, key), eq(outbox.status, "pending"), eq(outbox.leaseUntil, heldUntil)));
}

/** Which of these keys are already in the outbox, with their status (dry runs and the CLI report). */
export async function outboxStatus(db: Tx, keys: string[]): Promise<Map<string, OutboxRow>> {
  const out = new Map<string, OutboxRow>();
  for (let i = 0; i < keys.length; i += 200) {
    const rows = await db.select().from(outbox).where(inArray(outbox.key, keys.slice(i, i + 200)));
    for (const r of rows) out.set(r.key, r);
  }
  return out;
}

/** Failed rows nobody has reported to the admins yet (failure reports themselves excluded). */
export async function unreportedFailures(db: Tx, limit = 200): Promise<OutboxRow[]> {
  const rows = await db
    .select({ o: outbox })
    .from(outbox)
    .leftJoin(deliveryReports, eq(deliveryReports.outboxKey, outbox.key))
    .where(and(eq(outbox.status, "failed"), ne(outbox.kind, "delivery-failed"), isNull(deliveryReports.outboxKey)))
    .orderBy(asc(outbox.createdAt))
    .limit(limit);
  return rows.map((r) => r.o);
}

export async function markReported(tx: Tx, keys: string[], reportKey: string, at: number): Promise<void> {
  if (!keys.length) return;
  await tx
    .insert(deliveryReports)
    .values(keys.map((k) => ({ outboxKey: k, reportKey, at })))
    .onConflictDoNothing();
}

/** Outbox rows of one kind for a business date (the CLI's and the tests' view of a run). */
export async function outboxRowsFor(db: Tx, businessDate: string, kindPrefix?: string): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.businessDate, businessDate), kindPrefix ? like(outbox.kind, `${kindPrefix}%`) : undefined))
    .orderBy(asc(outbox.createdAt), asc(outbox.key));
}

/** Pending rows whose lease is free and time has come: is there anything to send right now? */
export async function dueNowCount(db: Tx, now: number): Promise<number> {
  const r = await db
    .select({ n: sql<number>`count(*)` })
    .from(outbox)
    .where(and(eq(outbox.status, "pending"), sql`${outbox.notBefore} <= ${now}`, sql`${outbox.leaseUntil} <= ${now}`));
  return Number(r[0]?.n ?? 0);
}
