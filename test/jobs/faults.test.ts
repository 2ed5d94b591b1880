/**
 * Faults against the Lark emulator: 429 with a reset header, 5xx bursts, retries running out (reported
 * to the admin chat), timeouts after Lark accepted, an expired token mid-run, two instances firing at
 * once, and a process killed with SIGKILL in the middle of a digest and started again.
 */
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { runDigest } from "../../src/jobs/digest";
import { reportFailures } from "../../src/jobs/failures";
import { jobDeps, runScheduled } from "../../src/jobs/run";
import { startSqld, type Sqld } from "../helpers/sqld";
import { direct, type Direct } from "./direct";
import { adminChat, at, kindOf, resetSeed, task, title, unit, visibleText } from "./helpers";

let rigs: Direct[] = [];
let sqld: Sqld | undefined;
afterEach(async () => {
  for (const r of rigs.reverse()) await r.close();
  rigs = [];
  await sqld?.stop();
  sqld = undefined;
});

async function rigWith(o: Parameters<typeof direct>[0] = {}) {
  resetSeed();
  const r = await direct(o);
  rigs.push(r);
  return r;
}

/** n units, each with its own group and one assignment due in 3 days: every digest is non-empty. */
async function units(r: Direct, n: number): Promise<string[]> {
  const ids: { id: number; chat?: string }[] = [];
  for (let i = 0; i < n; i++) ids.push(await unit(r.server.db, `测试单位${String(i + 1).padStart(4, "0")}`, { chat: `oc_unit_${i + 1}` }));
  await task(r.server.db, { due: "2026-12-03", units: ids.map((u) => ({ id: u.id })) });
  return ids.map((u) => u.chat!);
}

async function digestOnce(r: Direct, date = "2026-11-30") {
  return runDigest(await jobDeps(r.host, Date.now), date);
}

function digestsPerChat(r: Direct): Map<string, number> {
  const m = new Map<string, number>();
  for (const msg of r.emulator.messages) if (kindOf(msg) === "digest") m.set(msg.chat_id, (m.get(msg.chat_id) ?? 0) + 1);
  return m;
}

async function outboxCounts(r: Direct): Promise<Record<string, number>> {
  const rows = await r.server.db.$client.execute("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status");
  return Object.fromEntries(rows.rows.map((x) => [String(x.status), Number(x.n)]));
}

describe("rate limits", () => {
  it("a 429 holds every send until x-ogw-ratelimit-reset, then each unit gets exactly one digest", async () => {
    const r = await rigWith({ sender: { concurrency: 1 } });
    const chats = await units(r, 4);
    r.emulator.failNext(1, { status: 429, headers: { "x-ogw-ratelimit-reset": "2" } });
    await digestOnce(r);
    await r.sender.drain(30_000);
    expect([...digestsPerChat(r).values()]).toEqual([1, 1, 1, 1]);
    expect([...digestsPerChat(r).keys()].sort()).toEqual([...chats].sort());
    const sends = r.emulator.requests.filter((q) => q.path === "/open-apis/im/v1/messages");
    const limited = sends.findIndex((q) => q.status === 429);
    expect(limited).toBe(0);
    // Nothing went out during the two seconds Lark asked for.
    expect(sends[1].at - sends[0].at).toBeGreaterThanOrEqual(1950);
    expect(await outboxCounts(r)).toEqual({ sent: 4 });
    // The wait did not count as an attempt.
    const attempts = await r.server.db.$client.execute("SELECT MAX(attempts) AS a FROM outbox");
    expect(Number(attempts.rows[0].a)).toBe(0);
  });

  it("never exceeds 5 messages per second in one chat, whatever the queue holds", async () => {
    const r = await rigWith();
    const [chat] = await units(r, 1);
    const at0 = Date.now();
    // Twelve messages for one chat: digests of twelve different dates.
    for (let d = 1; d <= 12; d++) await runDigest(await jobDeps(r.host, Date.now), `2026-12-${String(d).padStart(2, "0")}`);
    await r.sender.drain(30_000);
    const landed = r.emulator.messagesIn(chat);
    expect(landed.length).toBe(9); // the working days 1–12 Dec 2026
    expect(r.emulator.maxPerSecondByChat.get(chat)).toBeLessThanOrEqual(5);
    expect(r.emulator.counters.rejected429).toBe(0);
    expect(Date.now() - at0).toBeGreaterThanOrEqual(900); // 9 messages at 5/s need more than a second
  });
});

describe("server errors and timeouts", () => {
  it("retries a burst of 5xx with backoff and delivers each digest once", async () => {
    const r = await rigWith({ sender: { baseBackoffMs: 40 } });
    await units(r, 10);
    r.emulator.failNext(6, { status: 503 });
    await digestOnce(r);
    await r.sender.drain(30_000);
    expect(r.emulator.counters.injectedFaults).toBe(6);
    expect([...digestsPerChat(r).values()]).toEqual(Array(10).fill(1));
    expect(await outboxCounts(r)).toEqual({ sent: 10 });
  });

  it("marks a row failed when retries run out, and reports it to the admin chat once", async () => {
    const r = await rigWith({ sender: { baseBackoffMs: 20, maxAttempts: 3, concurrency: 1 } });
    const admin = await adminChat(r.server.db);
    const [chat] = await units(r, 1);
    r.emulator.failNext(3, { status: 502 });
    await digestOnce(r);
    await r.sender.drain(30_000);
    expect(r.emulator.messagesIn(chat)).toHaveLength(0);
    const rows = await r.server.db.$client.execute("SELECT key, status, attempts, last_error FROM outbox ORDER BY created_at");
    expect(rows.rows.map((x) => `${String(x.key).split(":")[0]} ${x.status} ${x.attempts}`)).toEqual(["digest failed 3", "delivery-failed sent 0"]);
    const report = r.emulator.messagesIn(admin);
    expect(report.map(title)).toEqual(["消息发送失败 1 条"]);
    expect(visibleText(report[0])).toContain(`每日提醒 → ${chat}（11月30日）：Lark answered HTTP 502`);
    // Reported once: a later sweep finds nothing new.
    expect(await reportFailures(r.server.db, Date.now())).toEqual([]);
  });

  it("reports a permanent error (chat dissolved) at once, without retrying", async () => {
    const r = await rigWith({ sender: { baseBackoffMs: 20 } });
    const admin = await adminChat(r.server.db);
    const [chat, other] = await units(r, 2);
    r.emulator.dissolveChat(chat);
    await digestOnce(r);
    await r.sender.drain(30_000);
    expect(r.emulator.messagesIn(other)).toHaveLength(1);
    const failed = await r.server.db.$client.execute("SELECT attempts, last_error FROM outbox WHERE status = 'failed'");
    expect(failed.rows).toHaveLength(1);
    expect(Number(failed.rows[0].attempts)).toBe(1);
    expect(String(failed.rows[0].last_error)).toContain("232009");
    expect(r.emulator.messagesIn(admin).map(title)).toEqual(["消息发送失败 1 条"]);
  });

  it("a send that times out before Lark answers is retried and lands once", async () => {
    // The client gives up after 300 ms on message sends; Lark (the emulator) takes 600 ms for a while.
    const shortFetch: typeof fetch = (url, init) =>
      fetch(url, String(url).includes("/im/v1/") ? { ...init, signal: AbortSignal.timeout(300) } : init);
    const r = await rigWith({ fetch: shortFetch, sender: { baseBackoffMs: 200 } });
    await units(r, 3);
    r.emulator.setLatency(600);
    setTimeout(() => r.emulator.setLatency(0), 900);
    await digestOnce(r);
    await r.sender.drain(30_000);
    expect([...digestsPerChat(r).values()]).toEqual([1, 1, 1]);
    const sent = await r.server.db.$client.execute("SELECT attempts FROM outbox WHERE status = 'sent'");
    expect(sent.rows.map((x) => Number(x.attempts) >= 1)).toEqual([true, true, true]);
  });

  it("when Lark accepted but the answer was lost, the retry carries the same uuid: the chat sees it once", async () => {
    // The request reaches Lark and is accepted; the answer never arrives (a timeout on the way back).
    let lose = 3;
    const lossy: typeof fetch = async (url, init) => {
      const res = await fetch(url, init);
      if (String(url).endsWith("/open-apis/im/v1/messages?receive_id_type=chat_id") && lose > 0) {
        lose--;
        await res.arrayBuffer();
        throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
      }
      return res;
    };
    const r = await rigWith({ fetch: lossy, sender: { baseBackoffMs: 50 } });
    const chats = await units(r, 3);
    await digestOnce(r);
    await r.sender.drain(30_000);
    expect([...digestsPerChat(r).values()]).toEqual([1, 1, 1]);
    expect(r.emulator.counters.uuidDeduplicated).toBe(3);
    const sent = await r.server.db.$client.execute("SELECT receive_id, message_id, attempts FROM outbox WHERE status = 'sent' ORDER BY receive_id");
    expect(sent.rows).toHaveLength(chats.length);
    for (const row of sent.rows) {
      expect(Number(row.attempts)).toBe(1);
      // The id recorded is the message the chat actually got.
      expect(r.emulator.messagesIn(String(row.receive_id))[0].id).toBe(row.message_id);
    }
  });
});

describe("tokens", () => {
  it("an expired tenant token mid-run is refreshed and the send retried; nothing lost or doubled", async () => {
    const r = await rigWith();
    await units(r, 150);
    await digestOnce(r);
    const done = r.sender.drain(60_000);
    await r.emulator.waitForMessages(30, 20_000);
    r.emulator.expireTokens();
    await done;
    expect(r.emulator.counters.authFailures).toBeGreaterThanOrEqual(1);
    expect(r.emulator.counters.tokensIssued).toBeGreaterThanOrEqual(2);
    const per = digestsPerChat(r);
    expect(per.size).toBe(150);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    expect(await outboxCounts(r)).toEqual({ sent: 150 });
    // Each rejected send was retried once with a fresh token, not counted as a failed attempt.
    const attempts = await r.server.db.$client.execute("SELECT MAX(attempts) AS a FROM outbox");
    expect(Number(attempts.rows[0].a)).toBe(0);
  });
});

describe("several instances", () => {
  it("two schedulers on one libSQL server firing at the same instant send each digest once", async () => {
    sqld = await startSqld();
    const a = await rigWith({ url: sqld.url });
    const b = await direct({ url: sqld.url, sharedEmulator: a.emulator });
    rigs.push(b);
    await units(a, 30);
    await adminChat(a.server.db);
    const when = at("2026-11-30");
    await Promise.all([runScheduled(a.host, when), runScheduled(b.host, when)]);
    await Promise.all([a.sender.drain(30_000), b.sender.drain(30_000)]);
    const per = digestsPerChat(a);
    expect(per.size).toBe(30);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    expect(a.emulator.messagesIn("oc_admin_chat").map(kindOf)).toEqual(["summary"]);
    expect(await outboxCounts(a)).toEqual({ sent: 31 });
  }, 60_000);
});

describe("a crash mid-digest", () => {
  it("SIGKILL while sending, then a restart: every unit receives exactly one digest", async () => {
    const r = await rigWith();
    const chats = await units(r, 60);
    r.emulator.setLatency(250);
    const run = () =>
      // node itself with tsx as a loader: the tsx binary would run the job in a grandchild that SIGKILL misses.
      spawn(process.execPath, ["--import", "tsx", "src/cli/job.ts", "digest", "--date", "2026-11-30", "--lease-seconds", "2"], {
        env: { ...process.env, ...r.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
    const first = run();
    let out = "";
    first.stdout.on("data", (d) => (out += d));
    first.stderr.on("data", (d) => (out += d));
    const firstExit = new Promise<number | null>((res) => first.once("exit", (code, sig) => res(sig ? -1 : code)));
    // Kill it once some digests are out and others are on the wire.
    const early = await Promise.race([r.emulator.waitForMessages(12, 60_000).then(() => undefined), firstExit.then((c) => `exited early (${c}):\n${out}`)]);
    expect(early).toBeUndefined();
    first.kill("SIGKILL");
    expect(await firstExit).toBe(-1);
    const before = new Set(r.emulator.messages.map((m) => m.chat_id)).size;
    expect(before).toBeLessThan(60);
    const pending = await outboxCounts(r);
    expect(pending.pending).toBeGreaterThan(0);

    const second = run();
    let out2 = "";
    second.stdout.on("data", (d) => (out2 += d));
    second.stderr.on("data", (d) => (out2 += d));
    const code = await new Promise<number | null>((res) => second.once("exit", (c) => res(c)));
    expect(code, out2).toBe(0);
    console.log(`[kill test] first run:\n${out}\nsecond run:\n${out2}\nuuid deduplicated: ${r.emulator.counters.uuidDeduplicated}`);
    await new Promise((res) => setTimeout(res, 500)); // requests the killed process left on the wire
    const per = digestsPerChat(r);
    expect(per.size).toBe(60);
    expect([...per.keys()].sort()).toEqual([...chats].sort());
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    expect(await outboxCounts(r)).toEqual({ sent: 60 });
    expect(out2).toContain("digest 2026-11-30: 60 message(s)");
    expect(out2).toMatch(/exists +digest/);
  }, 90_000);
});
