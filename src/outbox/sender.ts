/**
 * Delivers outbox rows through a Messenger: paced under Lark's limits, retried with backoff, each row
 * sent at most once (lease + Lark's uuid), marked sent with Lark's message id.
 */
import type { Db } from "../../db/client";
import { claimDue, markFailed, markSent, retryLater, type OutboxRow } from "../../db/queries/outbox";
import { sha256Hex } from "../lark/crypto";
import { LarkError, type Messenger } from "../lark/messenger";
import { Pacer } from "./pacer";

export interface SenderOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  pacer?: Pacer;
  /** Attempts before a row is marked failed (rate-limit waits do not count). */
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  leaseMs?: number;
  concurrency?: number;
  random?: () => number;
  /** Told about each row that finally failed, e.g. to warn the admin chat. */
  onFailed?: (row: OutboxRow, error: string) => Promise<void> | void;
  log?: (line: string) => void;
}

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

/** Lark's uuid is at most 50 characters; the outbox key can be longer, so it is hashed. */
export async function uuidFor(key: string): Promise<string> {
  return `dbn-${(await sha256Hex(key)).slice(0, 40)}`;
}

export class OutboxSender {
  private readonly o: Required<Omit<SenderOptions, "onFailed" | "log">> & Pick<SenderOptions, "onFailed" | "log">;
  private inflight = new Set<Promise<unknown>>();

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
      leaseMs: opts.leaseMs ?? 120_000,
      concurrency: opts.concurrency ?? 16,
      random: opts.random ?? Math.random,
      onFailed: opts.onFailed,
      log: opts.log,
    };
  }

  /** Sends what is due now (or just `keys`), returning when every claimed row has an outcome. */
  async deliver(keys?: string[]): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
    const rows = await claimDue(this.db, this.o.now(), this.o.leaseMs, keys ? keys.length : 500, keys);
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++];
        report[await this.sendOne(row)]++;
      }
    };
    const run = Promise.all(Array.from({ length: Math.min(this.o.concurrency, rows.length) }, worker));
    this.inflight.add(run);
    try {
      await run;
    } finally {
      this.inflight.delete(run);
    }
    return report;
  }

  /** Keeps delivering until nothing is pending (waiting out backoffs), or `maxMs` passes. */
  async drain(maxMs = 10 * 60_000): Promise<DeliveryReport> {
    const total: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
    const until = this.o.now() + maxMs;
    for (;;) {
      const r = await this.deliver();
      total.sent += r.sent;
      total.failed += r.failed;
      const waiting = await this.nextWaitMs();
      if (waiting === null || this.o.now() >= until) {
        total.retrying = waiting === null ? 0 : r.retrying;
        return total;
      }
      if (waiting > 0) await this.o.sleep(Math.min(waiting, until - this.o.now()));
    }
  }

  /** Resolves when every delivery in progress has finished (clean shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private async nextWaitMs(): Promise<number | null> {
    const r = await this.db.$client.execute(
      "SELECT MIN(MAX(not_before, lease_until)) AS at FROM outbox WHERE status = 'pending'",
    );
    const at = r.rows[0]?.at;
    return at === null || at === undefined ? null : Math.max(0, Number(at) - this.o.now());
  }

  private async sendOne(row: OutboxRow): Promise<"sent" | "retrying" | "failed"> {
    await this.o.pacer.take(row.paceKey || row.receiveId);
    try {
      const { messageId } = await this.messenger.send({
        target: row.target as "chat_id",
        receiveId: row.receiveId,
        msgType: row.msgType,
        content: row.content,
        uuid: await uuidFor(row.key),
      });
      await markSent(this.db, row.key, messageId, this.o.now());
      return "sent";
    } catch (e) {
      const err = e instanceof LarkError ? e : new LarkError("retryable", (e as Error).message ?? String(e));
      const now = this.o.now();
      if (err.kind === "rate_limit") {
        const wait = err.retryAfterMs ?? this.backoff(row.attempts);
        this.o.pacer.pauseUntil(now + wait);
        await retryLater(this.db, row.key, row.attempts, now + wait, err.message);
        return "retrying";
      }
      const attempts = row.attempts + 1;
      if (err.kind === "permanent" || attempts >= this.o.maxAttempts) {
        await markFailed(this.db, row.key, attempts, err.message);
        this.o.log?.(`outbox: ${row.key} failed after ${attempts} attempt(s): ${err.message}`);
        await this.o.onFailed?.(row, err.message);
        return "failed";
      }
      await retryLater(this.db, row.key, attempts, now + this.backoff(attempts), err.message);
      return "retrying";
    }
  }

  /** Exponential backoff with full jitter, capped. */
  private backoff(attempts: number): number {
    const cap = Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** attempts);
    return Math.round(cap / 2 + (this.o.random() * cap) / 2);
  }
}
