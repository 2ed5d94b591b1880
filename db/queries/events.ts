import { and, eq, lt, sql } from "drizzle-orm";
import type { Db, Tx } from "../client";
import { processedEvents } from "../schema";

/**
 * Records an event's arrival. Returns false for a duplicate delivery (already done, or another
 * worker holds it). A claim whose holder died is taken over once its lease runs out.
 */
export async function claimEvent(db: Db, eventId: string, payload: string, now: number, leaseMs: number): Promise<boolean> {
  return (await claimEvents(db, [{ eventId, payload }], now, leaseMs)).has(eventId);
}

/**
 * Records several arrivals in one statement (one commit) and returns the ids that were claimed.
 * The ids must be distinct: a second row with the same id would meet the first one's claim. On the
 * database itself, never inside a transaction: a receipt commits at once.
 */
export async function claimEvents(db: Db, events: { eventId: string; payload: string }[], now: number, leaseMs: number): Promise<Set<string>> {
  const until = now + leaseMs;
  const args: (string | number)[] = [];
  for (const e of events) args.push(e.eventId, e.payload, until, now);
  args.push(now);
  const r = await db.$client.execute({ sql: claimStatement(events.length), args });
  return new Set(r.rows.map((x) => String(x.event_id)));
}

/**
 * The receipt INSERT for n events, written out once per size: it is the one write every event makes
 * before its 200, and building it through the query builder each time was a twentieth of that path.
 * A repeat is taken over only when its holder's lease has run out (the last argument is now).
 */
const claimStatements = new Map<number, string>();
function claimStatement(n: number): string {
  let sql = claimStatements.get(n);
  if (!sql) {
    sql =
      `insert into "processed_events" ("event_id", "status", "payload", "claimed_until", "received_at") values ` +
      Array(n).fill(`(?, 'working', ?, ?, ?)`).join(", ") +
      ` on conflict ("event_id") do update set "claimed_until" = excluded."claimed_until"` +
      ` where "processed_events"."status" = 'working' and "processed_events"."claimed_until" < ?` +
      ` returning "event_id"`;
    claimStatements.set(n, sql);
  }
  return sql;
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
