/** The libSQL-server client wrapper: SQLITE_BUSY single statements and batches are sent again; nothing else is. */
import type { Client } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { isBusy, retryBusy, timeoutFetch, writeSlots } from "../../src/runtime/remote-db";

const busy = () => Object.assign(new Error("SQLITE_BUSY: SQLite error: database is locked"), { code: "SQLITE_BUSY" });

function fake(failures: Error[]) {
  const calls: string[] = [];
  const client = {
    async execute(stmt: unknown) {
      calls.push(`execute ${JSON.stringify(stmt)}`);
      const f = failures.shift();
      if (f) throw f;
      return { rows: [] };
    },
    async batch(stmts: unknown[], mode?: string) {
      calls.push(`batch ${stmts.length} ${mode}`);
      const f = failures.shift();
      if (f) throw f;
      return [];
    },
    async transaction() {
      calls.push("transaction");
      throw busy();
    },
  };
  return { client, calls };
}

const noSleep = { sleep: async () => {}, random: () => 0.5 };

it("sends a statement or a batch that met SQLITE_BUSY again, until it goes through", async () => {
  const { client, calls } = fake([busy(), busy()]);
  const c = retryBusy(client as unknown as Client, noSleep);
  await c.execute("INSERT INTO t VALUES (1)");
  expect(calls).toHaveLength(3);
  const b = fake([busy()]);
  await retryBusy(b.client as unknown as Client, noSleep).batch([{ sql: "x", args: [] }], "write");
  expect(b.calls).toEqual(["batch 1 write", "batch 1 write"]);
});

it("passes any other error on at once, and BUSY after the time allowed", async () => {
  const { client, calls } = fake([new Error("no such table: t")]);
  await expect(retryBusy(client as unknown as Client, noSleep).execute("SELECT * FROM t")).rejects.toThrow(/no such table/);
  expect(calls).toHaveLength(1);
  const always = fake(Array.from({ length: 1000 }, busy));
  await expect(retryBusy(always.client as unknown as Client, { ...noSleep, maxMs: 100 }).execute("x")).rejects.toThrow(/SQLITE_BUSY/);
  expect(always.calls.length).toBeGreaterThan(1);
  expect(always.calls.length).toBeLessThan(20);
});

it("leaves interactive transactions alone", async () => {
  const { client, calls } = fake([]);
  await expect((retryBusy(client as unknown as Client, noSleep) as unknown as typeof client).transaction()).rejects.toThrow(/SQLITE_BUSY/);
  expect(calls).toEqual(["transaction"]);
});

it("recognises BUSY however the client wraps it", () => {
  expect(isBusy(busy())).toBe(true);
  expect(isBusy({ code: "SQLITE_UNKNOWN", cause: { code: "SQLITE_BUSY" } })).toBe(true);
  expect(isBusy(new Error("SQLITE_CONSTRAINT: UNIQUE constraint failed"))).toBe(false);
});

it("gives every database request a deadline", async () => {
  let signal: AbortSignal | undefined;
  const f = timeoutFetch(50, (async (_i: unknown, init?: RequestInit) => {
    signal = init?.signal ?? undefined;
    return new Response("ok");
  }) as typeof fetch);
  await f("http://127.0.0.1:1/v2/pipeline", { method: "POST" });
  expect(signal).toBeDefined();
  await new Promise((r) => setTimeout(r, 80));
  expect(signal!.aborted).toBe(true);
});

describe("write slots (Workers: one isolate, many requests, no shared promises)", () => {
  function slow() {
    let active = 0;
    let peak = 0;
    const calls: string[] = [];
    const run = async (what: string) => {
      calls.push(what);
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 10));
      active--;
      return { rows: [] };
    };
    const client = {
      execute: (stmt: string | { sql: string }) => run(typeof stmt === "string" ? stmt : stmt.sql),
      batch: (stmts: unknown[], mode?: string) => run(`batch ${mode}`),
      transaction: async () => {
        active++;
        peak = Math.max(peak, active);
        return { execute: async () => ({ rows: [] }), commit: async () => void active--, rollback: async () => void active--, close: () => {} };
      },
    };
    return { client, calls, peak: () => peak };
  }

  it("lets at most `max` writes run at once; reads are not held back", async () => {
    const s = slow();
    const c = writeSlots(s.client as unknown as Client, { max: 2, pollMs: 1 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => c.execute(`INSERT INTO t VALUES (${i})`)));
    expect(s.peak()).toBe(2);
    const r = slow();
    const cr = writeSlots(r.client as unknown as Client, { max: 2, pollMs: 1 });
    await Promise.all(Array.from({ length: 8 }, () => cr.execute("SELECT 1")));
    expect(r.peak()).toBe(8);
  });

  it("a write transaction holds its slot until it commits", async () => {
    const s = slow();
    const c = writeSlots(s.client as unknown as Client, { max: 1, pollMs: 1 });
    const tx = await c.transaction("write");
    let wrote = false;
    const write = c.execute("UPDATE t SET x = 1").then(() => (wrote = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(wrote).toBe(false);
    await tx.commit();
    tx.close();
    await write;
    expect(wrote).toBe(true);
  });

  it("frees a slot whose request was cut off", async () => {
    let t = 0;
    const s = slow();
    const c = writeSlots(s.client as unknown as Client, { max: 1, pollMs: 1, staleMs: 1000, now: () => t });
    await c.transaction("write"); // never committed: its request was cancelled
    const write = c.execute("UPDATE t SET x = 2");
    await new Promise((r) => setTimeout(r, 20));
    t = 2000;
    await write;
  });
});
