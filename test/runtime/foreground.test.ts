/**
 * Acknowledgements first (src/runtime/foreground.ts): background statements wait while a request is
 * being answered, foreground ones never do, and a request that never ends does not stop background
 * work for longer than the bound. Orders of events, not timings, are asserted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Foreground } from "../../src/runtime/foreground";

let dir: string;
let raw: Client;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "duban-foreground-"));
  raw = createClient({ url: `file:${join(dir, "d.db")}` });
  await raw.execute("CREATE TABLE log (what TEXT)");
});
afterEach(() => {
  raw.close();
  rmSync(dir, { recursive: true, force: true });
});

const later = () => new Promise((r) => setTimeout(r, 20));

describe("Foreground", () => {
  it("holds a background statement until the request in flight has its answer", async () => {
    const fg = new Foreground({ idleMs: 1, maxWaitMs: 10_000 });
    const db = fg.stepAside(raw);
    const order: string[] = [];
    let answer!: () => void;
    const request = fg.track(() => new Promise<void>((r) => (answer = r)).then(() => void order.push("request answered")));
    const work = fg.inBackground(async () => {
      await db.execute("INSERT INTO log VALUES ('background')");
      order.push("background statement ran");
    });
    await later();
    expect(order).toEqual([]);
    answer();
    await Promise.all([request, work]);
    expect(order).toEqual(["request answered", "background statement ran"]);
  });

  it("lets a request's own statements through at once, whatever else is in flight", async () => {
    const fg = new Foreground({ idleMs: 1, maxWaitMs: 10_000 });
    const db = fg.stepAside(raw);
    let release!: () => void;
    const other = fg.track(() => new Promise<void>((r) => (release = r)));
    const rows = await fg.track(async () => {
      await db.execute("INSERT INTO log VALUES ('receipt')");
      return (await db.execute("SELECT what FROM log")).rows.map((r) => r.what);
    });
    expect(rows).toEqual(["receipt"]);
    release();
    await other;
  });

  it("does not let a request that never ends stop background work", async () => {
    const fg = new Foreground({ idleMs: 1, maxWaitMs: 5 });
    const db = fg.stepAside(raw);
    void fg.track(() => new Promise<void>(() => {}));
    await fg.inBackground(async () => {
      for (let i = 0; i < 3; i++) await db.execute({ sql: "INSERT INTO log VALUES (?)", args: [`step ${i}`] });
    });
    expect((await raw.execute("SELECT count(*) AS n FROM log")).rows[0].n).toBe(3);
  });

  it("keeps background work in the background across awaits, timers and nested calls", async () => {
    const fg = new Foreground();
    const seen: boolean[] = [];
    await fg.inBackground(async () => {
      seen.push(fg.isBackground);
      await new Promise((r) => setTimeout(r, 1));
      await (async () => seen.push(fg.isBackground))();
    });
    seen.push(fg.isBackground);
    expect(seen).toEqual([true, true, false]);
  });
});
