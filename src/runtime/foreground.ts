/**
 * Acknowledgements first. This Node process answers webhook requests (foreground) and works on events
 * it has acknowledged, sends, and runs scheduled jobs (background). On the embedded database every
 * query holds the one thread while it runs, so background work steps aside: before each statement it
 * waits until no request is in flight and none has come or gone for `idleMs` — a webhook's 200 then
 * waits for at most the one statement already running, never for the answering of other events.
 *
 * Each wait is bounded (`maxWaitMs`), so under a flood that never lets up background work still takes
 * a step every 5 ms: an answer to 我的任务 (the event's turn plus six statements) every ~35 ms, about 28
 * a second, more than the ~16 replies a second Lark lets an app send (1,000 a minute) — under a flood
 * the backlog is Lark's limit, not this wait.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Client, InArgs, InStatement, TransactionMode } from "@libsql/client";

export interface ForegroundOptions {
  idleMs?: number;
  maxWaitMs?: number;
  now?: () => number;
}

export class Foreground {
  private count = 0;
  private lastActivity = -Infinity;
  private waiters: (() => void)[] = [];
  private readonly background = new AsyncLocalStorage<true>();
  private readonly idleMs: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;

  constructor(o: ForegroundOptions = {}) {
    this.idleMs = o.idleMs ?? 1;
    this.maxWaitMs = o.maxWaitMs ?? 5;
    this.now = o.now ?? (() => performance.now());
  }

  /** Answers one request in the foreground. */
  async track<T>(answer: () => T | Promise<T>): Promise<T> {
    this.count++;
    this.lastActivity = this.now();
    try {
      return await answer();
    } finally {
      this.count--;
      this.lastActivity = this.now();
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Runs work in the background: its statements step aside for requests (see `stepAside`). */
  inBackground<T>(work: () => Promise<T>): Promise<T> {
    return this.background.run(true, work);
  }

  get isBackground(): boolean {
    return this.background.getStore() === true;
  }

  /** Resolves once no request is in flight and none came or went for `idleMs`, or after `maxWaitMs`. */
  async quiet(): Promise<void> {
    const deadline = this.now() + this.maxWaitMs;
    for (;;) {
      // A fresh turn first: requests whose bytes have arrived are read (and counted) before we look.
      await new Promise<void>((r) => setImmediate(r));
      const now = this.now();
      if (now >= deadline) return;
      if (this.count === 0) {
        const idleFor = now - this.lastActivity;
        if (idleFor >= this.idleMs) return;
        await new Promise((r) => setTimeout(r, Math.min(this.idleMs - idleFor, deadline - now)));
        continue;
      }
      // Woken when the last request ends, or by the deadline — which also takes the waiter off the
      // list, or a flood that never lets the count reach zero would grow it without end.
      await new Promise<void>((r) => {
        const wake = () => {
          clearTimeout(timer);
          r();
        };
        const timer = setTimeout(() => {
          const i = this.waiters.indexOf(wake);
          if (i >= 0) this.waiters.splice(i, 1);
          r();
        }, deadline - now);
        this.waiters.push(wake);
      });
    }
  }

  /**
   * The client as background work should use it: from the background, each statement, batch or
   * transaction start first waits for `quiet()`. Its fresh turn of the event loop matters as much as
   * the wait: a synchronous query resolves at once, so without it the statements of one event would
   * run back to back and a request arriving meanwhile would not even be read. Statements inside a
   * transaction do not wait: the transaction holds the write lock, which a request's receipt may need.
   */
  stepAside(client: Client): Client {
    const before = <T>(fn: () => Promise<T>): Promise<T> => (this.isBackground ? this.quiet().then(fn) : fn());
    return new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === "execute") return (stmt: InStatement | string, args?: InArgs) => before(() => target.execute(stmt as string, args));
        if (prop === "batch") return (stmts: InStatement[], mode?: TransactionMode) => before(() => target.batch(stmts, mode));
        if (prop === "transaction") return (mode?: TransactionMode) => before(() => target.transaction(mode));
        const v = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  }
}
