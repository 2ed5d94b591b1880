/**
 * Talking to a libSQL server (sqld, Turso) over HTTP, on Node and on Workers.
 *
 * A request that never comes back must not hold an event (and on Workers, the webhook's answer) for
 * ever: every HTTP request to the database has a deadline (`timeoutFetch`).
 *
 * The server answers SQLITE_BUSY when two writers meet at the wrong moment (seen
 * under a few concurrent events: a deferred batch that cannot take the write lock). A single statement
 * outside a transaction and a batch are each all-or-nothing on the server, so a BUSY one had no effect
 * and is simply sent again, after a short, growing, jittered pause. Interactive transactions are left
 * alone: their statements cannot be replayed one by one.
 */
import type { Client, InArgs, InStatement, TransactionMode } from "@libsql/client";
import { gateWrites } from "../../db/serial-writes";

export function isBusy(e: unknown): boolean {
  const err = e as { code?: string; message?: string; cause?: { code?: string } } | undefined;
  return err?.code === "SQLITE_BUSY" || err?.cause?.code === "SQLITE_BUSY" || /SQLITE_BUSY|database is locked/.test(err?.message ?? "");
}

export interface RetryOptions {
  /** Give up after this long in total (then the error goes to the caller as before). */
  maxMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export function retryBusy<C extends Pick<Client, "execute" | "batch">>(client: C, o: RetryOptions = {}): C {
  const maxMs = o.maxMs ?? 3000;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = o.random ?? Math.random;
  const retrying = async <T>(fn: () => Promise<T>): Promise<T> => {
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!isBusy(e) || waited >= maxMs) throw e;
        const pause = Math.min(maxMs - waited, Math.round(Math.min(200, 5 * 2 ** attempt) * (0.5 + random())));
        waited += pause;
        await sleep(pause);
      }
    }
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "execute") return (stmt: InStatement | string, args?: InArgs) => retrying(() => target.execute(stmt as string, args));
      if (prop === "batch") return (stmts: InStatement[], mode?: TransactionMode) => retrying(() => target.batch(stmts, mode));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** fetch with a deadline, for @libsql/client's `fetch` option. */
export function timeoutFetch(ms = 10_000, base: typeof fetch = fetch): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) => base(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(ms) })) as typeof fetch;
}

/** Writers in flight in this isolate (module state shared by every request's client). */
const writers = new Map<symbol, number>();

export interface WriteSlotsOptions {
  /** Writers allowed at once in this isolate. */
  max?: number;
  /** A slot held longer than this belongs to a request that was cut off: it is freed. */
  staleMs?: number;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * At most `max` writes to the server at once from this isolate, for Workers, where one isolate serves
 * many requests but no request may wait on a promise another request settles (workerd cancels such
 * continuations). So a waiting writer polls a shared counter on its own timer instead of queueing
 * behind a promise. Reads are not limited. Node does not need this: it queues writes (serialWrites).
 */
export function writeSlots<C extends Pick<Client, "execute" | "batch" | "transaction">>(client: C, o: WriteSlotsOptions = {}): C {
  const max = o.max ?? 4;
  const staleMs = o.staleMs ?? 20_000;
  const pollMs = o.pollMs ?? 5;
  const now = o.now ?? (() => Date.now());
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const acquire = async (): Promise<() => void> => {
    for (;;) {
      const t = now();
      for (const [k, since] of writers) if (t - since > staleMs) writers.delete(k);
      if (writers.size < max) {
        const key = Symbol("writer");
        writers.set(key, t);
        return () => void writers.delete(key);
      }
      await sleep(pollMs * (0.5 + Math.random()));
    }
  };
  return gateWrites(client, acquire);
}
