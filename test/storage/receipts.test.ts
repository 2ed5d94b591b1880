/**
 * Event receipts on a real embedded libSQL file: what arrives in one turn is written in one statement,
 * and a repeat is a repeat whether it lands in the same statement, a later one, or after the holder died.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { Receipts } from "../../src/bot/receipts";
import { fixedClock } from "../../src/domain/clock";

const LEASE = 60_000;
let dir: string;
let client: Client;
let statements: string[];
let turns: (() => void)[];
const clock = fixedClock("2026-11-25T10:00:00+08:00");

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "duban-receipts-"));
  const raw = createClient({ url: `file:${join(dir, "duban.db")}` });
  await migrate(raw);
  statements = [];
  // Count the statements that reach the database (the point of writing receipts together).
  client = new Proxy(raw, {
    get(t, p) {
      if (p === "execute") return (s: { sql: string } | string, a?: unknown) => (statements.push(typeof s === "string" ? s : s.sql), t.execute(s as never, a as never));
      const v = Reflect.get(t, p);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
  turns = [];
});
afterEach(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The event loop's next turn, run by hand. */
const nextTurn = (fn: () => void) => void turns.push(fn);
const runTurn = () => turns.splice(0).forEach((f) => f());
/** A claim gives the time its lease runs out (now + the lease); a duplicate gives nothing. */
const claimed = (until: number | undefined) => until !== undefined;
const inserts = () => statements.filter((s) => /^insert into "processed_events"/i.test(s)).length;

describe("receipts", () => {
  it("writes the receipts of one turn in one statement, each claimed once", async () => {
    const r = new Receipts(createDb(client), clock, LEASE, nextTurn);
    const claims = ["ev_a", "ev_b", "ev_c"].map((k) => r.claim(k, `{"id":"${k}"}`));
    expect(inserts()).toBe(0);
    runTurn();
    const until = clock.now().getTime() + LEASE;
    expect(await Promise.all(claims)).toEqual([until, until, until]);
    expect(inserts()).toBe(1);
    const rows = await client.execute("SELECT event_id, status, payload FROM processed_events ORDER BY event_id");
    expect(rows.rows.map((x) => [x.event_id, x.status, x.payload])).toEqual([
      ["ev_a", "working", '{"id":"ev_a"}'],
      ["ev_b", "working", '{"id":"ev_b"}'],
      ["ev_c", "working", '{"id":"ev_c"}'],
    ]);
  });

  it("counts a repeat inside the same statement as a repeat: the first delivery wins", async () => {
    const r = new Receipts(createDb(client), clock, LEASE, nextTurn);
    const claims = [r.claim("om:om_1", "first"), r.claim("om:om_2", "x"), r.claim("om:om_1", "second")];
    runTurn();
    expect((await Promise.all(claims)).map(claimed)).toEqual([true, true, false]);
    expect((await client.execute("SELECT payload FROM processed_events WHERE event_id = 'om:om_1'")).rows[0].payload).toBe("first");
  });

  it("refuses a repeat in a later turn, and takes over a claim whose lease ran out", async () => {
    const r = new Receipts(createDb(client), clock, LEASE, nextTurn);
    const first = r.claim("ev_1", "p");
    runTurn();
    expect(claimed(await first)).toBe(true);
    const again = r.claim("ev_1", "p");
    runTurn();
    expect(claimed(await again)).toBe(false);
    // The worker that held it died: a minute later the event may be taken over.
    clock.set(new Date(clock.now().getTime() + LEASE + 1));
    const takeover = r.claim("ev_1", "p");
    runTurn();
    expect(await takeover).toBe(clock.now().getTime() + LEASE);
  });

  it("without a next turn (Workers), writes each receipt on its own at once", async () => {
    const r = new Receipts(createDb(client), clock, LEASE);
    expect(claimed(await r.claim("ev_x", "p"))).toBe(true);
    expect(claimed(await r.claim("ev_y", "p"))).toBe(true);
    expect(claimed(await r.claim("ev_x", "p"))).toBe(false);
    expect(inserts()).toBe(3);
  });
});
