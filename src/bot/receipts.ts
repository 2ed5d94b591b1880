/**
 * The durable receipt of each event, written before the webhook answers 200.
 *
 * With `nextTurn`, receipts that arrive in the same turn of the event loop are written together: one
 * INSERT, one commit (group commit). Every commit of the embedded file waits for the disk, so under
 * a burst this is one wait for many events instead of one each; a lone event is written on the next
 * turn, a fraction of a millisecond later. Without it (Workers: one request per invocation), each
 * receipt is written on its own.
 */
import type { Db } from "../../db/client";
import { claimEvents } from "../../db/queries/events";
import type { Clock } from "../domain/clock";

interface Pending {
  key: string;
  payload: string;
  settle(until: number | undefined): void;
  fail(e: unknown): void;
}

/** SQLite binds at most 32,766 values; five per receipt, and a burst rarely exceeds a few dozen. */
const MAX_ROWS = 500;

export class Receipts {
  private pending: Pending[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly leaseMs: number,
    private readonly nextTurn?: (fn: () => void) => void,
  ) {}

  /**
   * When this delivery is the first (or takes over an abandoned claim): until when the claim is ours.
   * Undefined for a duplicate.
   */
  claim(key: string, payload: string): Promise<number | undefined> {
    return new Promise<number | undefined>((settle, fail) => {
      this.pending.push({ key, payload, settle, fail });
      if (this.pending.length > 1) return;
      if (this.nextTurn) this.nextTurn(() => void this.flush());
      else void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, MAX_ROWS);
    if (this.pending.length) void this.flush();
    // The same key twice in one batch (a retry racing the original): the first one is the delivery.
    const first = new Map<string, Pending>();
    for (const p of batch) if (!first.has(p.key)) first.set(p.key, p);
    try {
      const now = this.clock.now().getTime();
      const claimed = await claimEvents(
        this.db,
        [...first.values()].map((p) => ({ eventId: p.key, payload: p.payload })),
        now,
        this.leaseMs,
      );
      for (const p of batch) p.settle(first.get(p.key) === p && claimed.has(p.key) ? now + this.leaseMs : undefined);
    } catch (e) {
      for (const p of batch) p.fail(e);
    }
  }
}
