/**
 * One writer at a time, queued in process. SQLite allows a single writer; when two connections of
 * the embedded pool collide, SQLite's busy handler sleeps in growing steps (up to 100 ms) before it
 * retries, which showed up as 100–800 ms webhook acknowledgements under load. Queueing writes here
 * hands the lock over the moment it is free instead. Reads are not queued: WAL lets them run beside
 * the writer. (Other processes sharing the file still meet SQLite's busy timeout.)
 */
import type { Client, InArgs, InStatement, Transaction, TransactionMode } from "@libsql/client";

/** A lock with two queues: urgent waiters are served before the others. */
class Mutex {
  private held = false;
  private urgent: (() => void)[] = [];
  private normal: (() => void)[] = [];
  async lock(urgent = false): Promise<() => void> {
    if (this.held) await new Promise<void>((r) => (urgent ? this.urgent : this.normal).push(r));
    this.held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.urgent.shift() ?? this.normal.shift();
      if (next) next();
      else this.held = false;
    };
  }
}

const READ_ONLY = /^\s*(select|pragma\s+\w+\s*;?\s*$|explain|with\s+[\s\S]*\bselect\b(?![\s\S]*\b(insert|update|delete)\b))/i;

function sqlOf(stmt: InStatement | string): string {
  return typeof stmt === "string" ? stmt : stmt.sql;
}

/**
 * Wraps a libSQL client so that every write holds a slot from `acquire` while it runs: a statement
 * that is not a read, a write batch, a migration, and a write transaction from its start until it
 * commits, rolls back or closes. Reads pass straight through. `acquire` decides what a slot is:
 * one in-process lock here (serialWrites), a few polled slots per Worker isolate (src/runtime/remote-db.ts).
 */
export function gateWrites<C extends Pick<Client, "execute" | "batch" | "transaction">>(
  client: C,
  acquire: (sql: string) => Promise<() => void>,
): C {
  const held = async <T>(sql: string, fn: () => Promise<T>): Promise<T> => {
    const release = await acquire(sql);
    try {
      return await fn();
    } finally {
      release();
    }
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "execute") {
        return (stmt: InStatement | string, args?: InArgs) =>
          READ_ONLY.test(sqlOf(stmt)) ? target.execute(stmt as string, args) : held(sqlOf(stmt), () => target.execute(stmt as string, args));
      }
      if (prop === "batch") {
        return (stmts: InStatement[], mode?: TransactionMode) =>
          mode === "read" ? target.batch(stmts, mode) : held("", () => target.batch(stmts, mode));
      }
      if (prop === "migrate" || prop === "executeMultiple") {
        const fn = Reflect.get(target, prop, receiver) as ((a: never) => Promise<unknown>) | undefined;
        return fn && ((arg: never) => held("", () => fn.call(target, arg)));
      }
      if (prop === "transaction") {
        return async (mode?: TransactionMode): Promise<Transaction> => {
          if (mode === "read") return target.transaction(mode);
          const release = await acquire("");
          let tx: Transaction;
          try {
            tx = await target.transaction(mode);
          } catch (e) {
            release();
            throw e;
          }
          let done = false;
          const finish = () => {
            if (!done) {
              done = true;
              release();
            }
          };
          return new Proxy(tx, {
            get(t, p) {
              if (p === "commit" || p === "rollback") return () => (t[p] as () => Promise<void>).call(t).finally(finish);
              if (p === "close") {
                return () => {
                  t.close();
                  finish();
                };
              }
              const v = Reflect.get(t, p, t);
              return typeof v === "function" ? v.bind(t) : v;
            },
          });
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

export interface SerialWritesOptions {
  /**
   * Statements that go ahead of queued work: the webhook's receipt of an event, which Lark waits for,
   * must not queue behind the writes of events already acknowledged.
   */
  urgent?: RegExp;
}

/** One writer at a time in this process, urgent statements first. */
export function serialWrites(client: Client, opts: SerialWritesOptions = {}): Client {
  const mutex = new Mutex();
  return gateWrites(client, (sql) => mutex.lock(!!sql && !!opts.urgent?.test(sql)));
}
