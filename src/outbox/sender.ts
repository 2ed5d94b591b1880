/**
 * Delivers outbox rows through a Messenger: paced under Lark's limits, retried with backoff, each row
 * sent at most once (lease + Lark's uuid), marked sent with Lark's message id.
 *
 * Guarantees (docs/SCHEDULING.md § Delivery):
 * - A row is in one sender's hands at a time: it is claimed with a lease, and the HTTP call is made
 *   only while that lease still covers the whole call (else the lease is renewed by compare-and-set,
 *   and a row another instance took over in the meantime is left to it).
 * - A crash after Lark accepted a message but before it was marked sent re-sends it with the same
 *   uuid: Lark keeps one success per uuid for an hour, so the chat sees it once.
 * - Rate limits (HTTP 429 / 99991400: the whole app; 230020: one chat or user) hold sends until
 *   `x-ogw-ratelimit-reset` and do not count as attempts; 5xx, timeouts and unreachable Lark retry
 *   with exponential backoff and jitter up to `maxAttempts`, then the row is marked failed and
 *   handed to `onFailures` (which reports it to the admins).
 * - Memory stays bounded whatever the backlog: a reply arriving when `maxWaiting` messages already
 *   wait for the pacer goes back to the outbox, and a delivery pass takes it in its turn (batches of
 *   `batchSize`). On stop(), rows whose turn would come more than a second later go back the same
 *   way: a clean shutdown does not sit out Lark's 1,000-a-minute limit, and the next start sends them.
 */
import type { Db } from "../../db/client";
import { releaseLease, renewLease } from "../../db/queries/delivery";
import { claimDue, markFailed, markSent, retryLater, type OutboxRow } from "../../db/queries/outbox";
import { sha256Hex } from "../lark/crypto";
import { LarkError, type Messenger } from "../lark/messenger";
import { Pacer, PacerStopped } from "./pacer";

export interface SenderOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  pacer?: Pacer;
  /** Attempts before a row is marked failed (rate-limit waits do not count). */
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a claimed row is ours before another sender may take it. */
  leaseMs?: number;
  /** The longest one call to Lark may take (its HTTP timeout plus slack): a row is sent only with this much lease left. */
  callMs?: number;
  /** Rows claimed at a time (small batches keep leases short and let other instances share the work). */
  batchSize?: number;
  concurrency?: number;
  /** Messages held in memory waiting for the pacer before new replies go back to the outbox instead. */
  maxWaiting?: number;
  random?: () => number;
  /** Told about each row that finally failed. */
  onFailed?: (row: OutboxRow, error: string) => Promise<void> | void;
  /**
   * Told, after a delivery pass, about the rows that finally failed in it; returns outbox keys it
   * enqueued in answer (the report to the admin chat), which are delivered at once.
   */
  onFailures?: (rows: OutboxRow[]) => Promise<string[]>;
  log?: (line: string) => void;
}

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

type Outcome = "sent" | "retrying" | "failed" | "skipped";

/** Lark's uuid is at most 50 characters; the outbox key can be longer, so it is hashed. */
export async function uuidFor(key: string): Promise<string> {
  return `dbn-${(await sha256Hex(key)).slice(0, 40)}`;
}

/** Kinds whose failure is not reported again (the report about a failure, to avoid a loop). */
const UNREPORTED_KINDS = new Set(["delivery-failed"]);

export class OutboxSender {
  private readonly o: Required<Omit<SenderOptions, "onFailed" | "onFailures" | "log">> & Pick<SenderOptions, "onFailed" | "onFailures" | "log">;
  private inflight = new Set<Promise<unknown>>();
  private stopping = false;
  /** A delivery pass started because replies were given back to the outbox runs (one at a time). */
  private catchingUp = false;
  private catchUpAgain = false;

  constructor(
    private readonly db: Db,
    private readonly messenger: Messenger,
    opts: SenderOptions = {},
  ) {
    const now = opts.now ?? (() => Date.now());
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    this.o = {
      now,
      sleep,
      pacer: opts.pacer ?? new Pacer(undefined, now, sleep),
      maxAttempts: opts.maxAttempts ?? 6,
      baseBackoffMs: opts.baseBackoffMs ?? 1000,
      maxBackoffMs: opts.maxBackoffMs ?? 5 * 60_000,
      leaseMs: opts.leaseMs ?? 60_000,
      callMs: opts.callMs ?? 15_000,
      batchSize: opts.batchSize ?? 100,
      concurrency: opts.concurrency ?? 16,
      maxWaiting: opts.maxWaiting ?? 64,
      random: opts.random ?? Math.random,
      onFailed: opts.onFailed,
      onFailures: opts.onFailures,
      log: opts.log,
    };
  }

  get pacer(): Pacer {
    return this.o.pacer;
  }

  /** Until when a row written now for this sender to send is its own (on the sender's clock, as its leases are). */
  leaseForNewRow(): number {
    return this.o.now() + this.o.leaseMs;
  }

  /**
   * Sends rows leased to this sender when they were written (enqueueLeasedQuery), with the same
   * retries and reports. When the pacer already has `maxWaiting` messages in line, the rows go back
   * to the outbox and a delivery pass sends them in their turn (counted as retrying).
   */
  async sendLeased(rows: OutboxRow[]): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
    await this.tracked(async () => {
      if (this.o.pacer.waiting >= this.o.maxWaiting) {
        for (const row of rows) await releaseLease(this.db, row.key, row.leaseUntil);
        report.retrying += rows.length;
        this.catchUp();
        return;
      }
      const failed = await this.sendAll(rows, report);
      if (failed.length) await this.reportFailures(failed, report);
    });
    return report;
  }

  /** Delivers what was given back to the outbox, pass after pass while more is given back meanwhile. */
  private catchUp() {
    if (this.stopping) return;
    this.catchUpAgain = true;
    if (this.catchingUp) return;
    this.catchingUp = true;
    void (async () => {
      while (this.catchUpAgain && !this.stopping) {
        this.catchUpAgain = false;
        await this.deliver().catch((e) => this.o.log?.(`outbox: catching up failed: ${(e as Error).message ?? e}`));
      }
      this.catchingUp = false;
    })();
  }

  /**
   * Shutting down: no new delivery pass starts, and messages whose turn at the pacer would come more
   * than a second from now go back to the outbox unsent (the next start sends them). What is on its
   * way finishes.
   */
  stop() {
    this.stopping = true;
    this.o.pacer.stop(1000);
  }

  private async tracked(work: () => Promise<void>): Promise<void> {
    const run = work();
    this.inflight.add(run);
    try {
      await run;
    } finally {
      this.inflight.delete(run);
    }
  }

  /**
   * Sends what is due now — with `keys`, just those rows (a reply); without, every due row, batch
   * after batch — and returns when each claimed row has an outcome. Backoffs are not waited for.
   */
  async deliver(keys?: string[]): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
    await this.tracked(async () => {
      for (let pass = 0; !this.stopping; pass++) {
        const limit = keys ? keys.length : this.o.batchSize;
        const rows = await claimDue(this.db, this.o.now(), this.o.leaseMs, limit, keys);
        if (!rows.length) break;
        const failed = await this.sendAll(rows, report);
        if (failed.length) await this.reportFailures(failed, report);
        if (keys) break;
        if (pass > 10_000) break; // a guard against a runaway loop, far beyond any real queue
      }
    });
    return report;
  }

  /** Keeps delivering until nothing is pending (waiting out backoffs and others' leases), or `maxMs` passes. */
  async drain(maxMs = 10 * 60_000): Promise<DeliveryReport> {
    const total: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
    const until = this.o.now() + maxMs;
    for (;;) {
      const r = await this.deliver();
      total.sent += r.sent;
      total.failed += r.failed;
      // Rows this process is sending right now (a reply) are leased: wait for them, not for their lease.
      await this.idle();
      const waiting = await this.nextWaitMs();
      if (waiting === null || this.o.now() >= until) {
        total.retrying = waiting === null ? 0 : await this.pendingCount();
        return total;
      }
      // Poll at least every second: another instance may finish a leased row long before its lease ends.
      if (waiting > 0) await this.o.sleep(Math.min(waiting, 1000, until - this.o.now()));
    }
  }

  /** Resolves when every delivery in progress has finished (clean shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private async sendAll(rows: OutboxRow[], report: DeliveryReport): Promise<OutboxRow[]> {
    const failed: OutboxRow[] = [];
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++];
        const outcome = await this.sendOne(row);
        if (outcome === "skipped") continue;
        report[outcome]++;
        if (outcome === "failed") failed.push(row);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, rows.length) }, worker));
    return failed;
  }

  private async reportFailures(failed: OutboxRow[], report: DeliveryReport) {
    const reportable = failed.filter((r) => !UNREPORTED_KINDS.has(r.kind));
    if (!reportable.length || !this.o.onFailures) return;
    try {
      const keys = await this.o.onFailures(reportable);
      if (keys.length) {
        const r = await this.deliver(keys);
        report.sent += r.sent;
        report.retrying += r.retrying;
        report.failed += r.failed;
      }
    } catch (e) {
      this.o.log?.(`outbox: reporting ${reportable.length} failure(s) failed: ${(e as Error).message ?? e}`);
    }
  }

  private async nextWaitMs(): Promise<number | null> {
    const r = await this.db.$client.execute("SELECT MIN(MAX(not_before, lease_until)) AS at FROM outbox WHERE status = 'pending'");
    const at = r.rows[0]?.at;
    return at === null || at === undefined ? null : Math.max(0, Number(at) - this.o.now());
  }

  private async pendingCount(): Promise<number> {
    const r = await this.db.$client.execute("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'");
    return Number(r.rows[0]?.n ?? 0);
  }

  private async sendOne(row: OutboxRow): Promise<Outcome> {
    const recipient = row.paceKey || row.receiveId;
    // A chat or user Lark told us to leave alone for a moment: back to the queue, no attempt spent.
    const held = this.o.pacer.recipientHeldUntil(recipient);
    if (held > this.o.now()) {
      await retryLater(this.db, row.key, row.attempts, held, row.lastError ?? "held: recipient rate limit");
      return "retrying";
    }
    let booking: Awaited<ReturnType<Pacer["take"]>>;
    try {
      booking = await this.o.pacer.take(recipient);
    } catch (e) {
      if (!(e instanceof PacerStopped)) throw e;
      await releaseLease(this.db, row.key, row.leaseUntil);
      return "retrying";
    }
    // The call must finish inside our lease, or another instance could take the row meanwhile.
    const now = this.o.now();
    if (row.leaseUntil - now < this.o.callMs) {
      const until = now + Math.max(this.o.leaseMs, this.o.callMs + 5_000);
      if (!(await renewLease(this.db, row.key, row.leaseUntil, until))) {
        this.o.pacer.release(booking);
        this.o.log?.(`outbox: ${row.key} was taken over by another sender; leaving it`);
        return "skipped";
      }
      row.leaseUntil = until;
    }
    let messageId: string;
    try {
      ({ messageId } = await this.messenger.send({
        target: row.target as "chat_id",
        receiveId: row.receiveId,
        msgType: row.msgType,
        content: row.content,
        uuid: await uuidFor(row.key),
      }));
      this.o.pacer.done(booking);
    } catch (e) {
      const err = e instanceof LarkError ? e : new LarkError("retryable", (e as Error).message ?? String(e));
      const at = this.o.now();
      if (err.kind === "rate_limit") {
        this.o.pacer.release(booking);
        if (err.code === 230020) {
          // The IM limit of one chat or user: hold that recipient only (a second when Lark gives no reset).
          const until = at + (err.retryAfterMs ?? 1000);
          this.o.pacer.pauseRecipient(recipient, until);
          await retryLater(this.db, row.key, row.attempts, until, err.message);
        } else {
          const until = at + (err.retryAfterMs ?? this.backoff(row.attempts));
          this.o.pacer.pauseUntil(until);
          await retryLater(this.db, row.key, row.attempts, until, err.message);
        }
        return "retrying";
      }
      this.o.pacer.done(booking, at);
      const attempts = row.attempts + 1;
      if (err.kind === "permanent" || attempts >= this.o.maxAttempts) {
        await markFailed(this.db, row.key, attempts, err.message);
        this.o.log?.(`outbox: ${row.key} failed after ${attempts} attempt(s): ${err.message}`);
        await this.o.onFailed?.(row, err.message);
        return "failed";
      }
      await retryLater(this.db, row.key, attempts, at + this.backoff(attempts), err.message);
      return "retrying";
    }
    await markSent(this.db, row.key, messageId, this.o.now());
    return "sent";
  }

  /** Exponential backoff with jitter (half fixed, half random), capped. */
  private backoff(attempts: number): number {
    const cap = Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** attempts);
    return Math.round(cap / 2 + (this.o.random() * cap) / 2);
  }
}
