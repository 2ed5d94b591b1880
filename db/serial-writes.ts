/**
 * One writer at a time, queued in process. SQLite allows a single writer; when two connections of
 * the embedded pool collide, SQLite's busy handler sleeps in growing steps (up to 100 ms) before it
 * retries, which showed up as 100–800 ms webhook acknowledgements under load. Queueing writes here
 * hands the lock over the moment it is free instead. Reads are not queued: WAL lets them run beside
 * the writer. (Other processes sharing the file still meet SQLite's busy timeout.)
 */
import type { Client, InArgs, InStatement, Transaction, TransactionMode } from "@libsql/client";

class Mutex {
  private tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

const READ_ONLY = /^\s*(select|pragma\s+\w+\s*$|explain|with\s+[\s\S]*\bselect\b(?![\s\S]*\b(insert|update|delete)\b))/i;

function sqlOf(stmt: InStatement | string): string {
  return typeof stmt === "string" ? stmt : stmt.sql;
}

export function serialWrites(client: Client): Client {
  const mutex = new Mutex();
  const locked = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await mutex.lock();
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
          READ_ONLY.test(sqlOf(stmt))
            ? target.execute(stmt as string, args)
            : locked(() => target.execute(stmt as string, args));
      }
      if (prop === "batch") {
        return (stmts: InStatement[], mode?: TransactionMode) =>
          mode === "read" ? target.batch(stmts, mode) : locked(() => target.batch(stmts, mode));
      }
      if (prop === "migrate" || prop === "executeMultiple") {
        return (arg: never) => locked(() => (target[prop] as (a: never) => Promise<unknown>)(arg));
      }
      if (prop === "transaction") {
        return async (mode?: TransactionMode): Promise<Transaction> => {
          if (mode === "read") return target.transaction(mode);
          const release = await mutex.lock();
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
              if (p === "close") return () => {
                t.close();
                finish();
              };
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
