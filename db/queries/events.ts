import { and, eq, lt, sql } from "drizzle-orm";
import type { Tx } from "../client";
import { processedEvents } from "../schema";

/**
 * Records an event's arrival. Returns false for a duplicate delivery (already done, or another
 * worker holds it). A claim whose holder died is taken over once its lease runs out.
 */
export async function claimEvent(db: Tx, eventId: string, payload: string, now: number, leaseMs: number): Promise<boolean> {
  return (await claimEvents(db, [{ eventId, payload }], now, leaseMs)).has(eventId);
}

/**
 * Records several arrivals in one statement (one commit) and returns the ids that were claimed.
 * The ids must be distinct: a second row with the same id would meet the first one's claim.
 */
export async function claimEvents(db: Tx, events: { eventId: string; payload: string }[], now: number, leaseMs: number): Promise<Set<string>> {
  const r = await db
    .insert(processedEvents)
    .values(events.map((e) => ({ eventId: e.eventId, status: "working" as const, payload: e.payload, claimedUntil: now + leaseMs, receivedAt: now })))
    .onConflictDoUpdate({
      target: processedEvents.eventId,
      set: { claimedUntil: now + leaseMs },
      setWhere: and(eq(processedEvents.status, "working"), lt(processedEvents.claimedUntil, now)),
    })
    .returning({ id: processedEvents.eventId });
  return new Set(r.map((x) => x.id));
}

/**
 * Extends this worker's claim just before it starts on an event that waited in line so long that
 * its lease might run out mid-way. Compare-and-set on the lease it was given: when another worker
 * took the event over meanwhile (the lease lapsed while it waited), false — and this one must not run it.
 */
export async function renewEventClaim(db: Tx, eventId: string, heldUntil: number, newUntil: number): Promise<boolean> {
  const r = await db
    .update(processedEvents)
    .set({ claimedUntil: newUntil })
    .where(and(eq(processedEvents.eventId, eventId), eq(processedEvents.status, "working"), eq(processedEvents.claimedUntil, heldUntil)))
    .returning({ id: processedEvents.eventId });
  return r.length > 0;
}

export async function markEventDone(tx: Tx, eventId: string): Promise<void> {
  await markEventDoneQuery(tx, eventId);
}

export function markEventDoneQuery(db: Tx, eventId: string) {
  return db.update(processedEvents).set({ status: "done", payload: null }).where(eq(processedEvents.eventId, eventId));
}

/** How many events are received and not yet answered (being worked on, waiting their turn, or cut off). */
export async function eventsWaiting(db: Tx): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)` }).from(processedEvents).where(eq(processedEvents.status, "working"));
  return Number(r.n);
}

/** Events whose processing was interrupted (crash, restart): their lease has run out. */
export async function abandonedEvents(db: Tx, now: number, limit = 50): Promise<{ eventId: string; payload: string }[]> {
  const rows = await db
    .select({ eventId: processedEvents.eventId, payload: processedEvents.payload })
    .from(processedEvents)
    .where(and(eq(processedEvents.status, "working"), lt(processedEvents.claimedUntil, now)))
    .limit(limit);
  return rows.filter((r): r is { eventId: string; payload: string } => !!r.payload);
}

/** Dedupe keys are kept 8 days (Lark retries for about 7 hours); older ones are dropped. */
export async function pruneEvents(db: Tx, now: number): Promise<void> {
  await db.delete(processedEvents).where(and(eq(processedEvents.status, "done"), sql`${processedEvents.receivedAt} < ${now - 8 * 86400_000}`));
}
