/**
 * Webhook benchmark (issue: foundation). Side by side in one run, on this machine:
 *  - time from event to the reply arriving at the Lark emulator (at 10 events/s, under Lark's limits);
 *  - acknowledgement latency p50/p99 of signed, encrypted 我的任务 events at 200 requests/s,
 *    for Duban (10,000 tasks in the store) and for a bare Hono handler that returns 200;
 *  - closed-loop throughput of both, each measured while the other is idle (median of 3 rounds);
 *  - how fast the queued replies leave, against Lark's 1,000 a minute;
 *  - the Duban server's peak RSS.
 * Runnable alone: npx tsx bench/webhook.ts (BENCH_QUICK=1: the acknowledgement phases only)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { migrate } from "../db/migrate";
import { startEmulator } from "../test/emulator";
import { encryptBody, signedRequest, textMessageEvent } from "../test/helpers/lark-events";
import { peakRssMb, round, startChild, stopChild, summary } from "./stats";
import { seedBenchData } from "./seed";

const TOKEN = "bench-token";
const KEY = "bench-encrypt-key";
const UNITS = 100;
const TASKS = 10_000;

async function seed(url: string) {
  const c = createClient({ url });
  await migrate(c);
  await seedBenchData(c, UNITS, TASKS);
  c.close();
}

let emu: Awaited<ReturnType<typeof startEmulator>>;

/** Pre-built, signed and encrypted events; the emulator learns each message, as Lark knows what it delivered. */
function events(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => {
    const u = 1 + (i % UNITS);
    const ev = textMessageEvent({ text: "我的任务", openId: `ou_bench_${u}`, chatId: `oc_p2p_bench_${u}`, chatType: "p2p", token: TOKEN, eventId: `ev_${tag}_${i}`, messageId: `om_${tag}_${i}` });
    emu.ingestEvent(ev);
    const body = JSON.stringify(encryptBody(ev, KEY));
    return { ev, body, headers: { "content-type": "application/json", ...signedRequest(body, KEY) } };
  });
}

async function post(url: string, r: { body: string; headers: Record<string, string> }): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", body: r.body, headers: r.headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return performance.now() - t0;
}

/** Open loop: requests leave on schedule whatever the answers do, so queueing shows in the latency. */
async function openLoop(url: string, reqs: { body: string; headers: Record<string, string> }[], perSecond: number) {
  const start = performance.now();
  const lat: Promise<number>[] = [];
  for (let i = 0; i < reqs.length; i++) {
    const at = start + (i * 1000) / perSecond;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lat.push(post(url, reqs[i]));
  }
  return summary(await Promise.all(lat));
}

async function closedLoop(url: string, reqs: { body: string; headers: Record<string, string> }[], concurrency: number) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < reqs.length) await post(url, reqs[next++]);
    }),
  );
  return round(reqs.length / ((performance.now() - t0) / 1000), 0);
}

/** Waits until the Duban server has answered every event it acknowledged (its /healthz says how many wait). */
async function settled(base: string, maxMs = 300_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const h = (await (await fetch(`${base}/healthz`)).json()) as { eventsWaiting?: number };
    if (h.eventsWaiting === 0) return round((performance.now() - t0) / 1000, 1);
    if (performance.now() - t0 > maxMs) throw new Error(`still ${h.eventsWaiting} events waiting after ${maxMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function benchWebhook() {
  const emulator = await startEmulator({ appId: "cli_bench", appSecret: "bench-secret" });
  emu = emulator;
  const dir = mkdtempSync(join(tmpdir(), "duban-bench-"));
  const dbUrl = `file:${join(dir, "duban.db")}`;
  await seed(dbUrl);
  const env = {
    LARK_APP_ID: "cli_bench",
    LARK_APP_SECRET: "bench-secret",
    LARK_VERIFICATION_TOKEN: TOKEN,
    LARK_ENCRYPT_KEY: KEY,
    LARK_DOMAIN: emulator.url,
    DATABASE_URL: dbUrl,
    // The webhook is measured alone: the scheduled jobs would start chasing the seeded overdue work.
    DUBAN_SCHEDULER: "off",
  };
  const duban = await startChild(["bench/webhook-server.ts", "duban"], env);
  const bare = await startChild(["bench/webhook-server.ts", "bare"], {});
  const dubanBase = `http://127.0.0.1:${duban.port}`;
  const dubanUrl = `${dubanBase}/webhook/event`;
  const bareUrl = `http://127.0.0.1:${bare.port}/webhook/event`;
  try {
    // 1. Event → reply, while the reply queue is empty (later phases leave thousands of replies queued
    //    behind Lark's 1,000-a-minute limit): a light warm-up, then 10 events a second.
    // BENCH_QUICK=1 measures only the acknowledgement phases (2–4).
    const quick = !!process.env.BENCH_QUICK;
    await openLoop(dubanUrl, events(200, "warm"), 50);
    await emulator.waitForMessages(200, 60_000);
    // The warm-up's replies left at Lark's 50 a second: let that second pass, or the first measured
    // replies wait for the pacer's window instead of showing the way from event to reply.
    await new Promise((r) => setTimeout(r, 1500));
    const gentle = events(quick ? 0 : 100, "e2r");
    const sentAt = new Map<string, number>();
    const before = emulator.messages.length;
    const t0 = Date.now();
    const gentleAcks: Promise<number>[] = [];
    for (let i = 0; i < gentle.length; i++) {
      const wait = t0 + i * 100 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sentAt.set(gentle[i].ev.event.message.message_id, Date.now());
      gentleAcks.push(post(dubanUrl, gentle[i]));
    }
    await Promise.all(gentleAcks);
    const replies = (await emulator.waitForMessages(before + gentle.length, 60_000)).slice(before);
    const e2r = summary(replies.filter((m) => sentAt.has(m.parent_id!)).map((m) => m.at - sentAt.get(m.parent_id!)!));

    // 2. Warm both servers alike (JIT, the same 2,000 requests), and let Duban answer its share.
    await closedLoop(bareUrl, events(2000, "warmbare"), 16);
    await closedLoop(dubanUrl, events(2000, "warmduban"), 16);
    await settled(dubanBase);

    // 3. Acknowledgement latency at 200 requests/s, bare first; Duban answers its events before the next phase.
    const ackBare = await openLoop(bareUrl, events(2000, "ackbare"), 200);
    const ackDuban = await openLoop(dubanUrl, events(2000, "ack"), 200);
    const ackAnsweredAfter = await settled(dubanBase);

    // 4. Closed-loop throughput in alternating rounds (bare with Duban idle, then Duban, which then
    //    answers its burst before the next round); the medians are compared, as one round swings ±15 %.
    const rounds = { bare: [] as number[], duban: [] as number[], dubanAnsweredAllAfterSeconds: [] as number[] };
    for (let r = 0; r < 3; r++) {
      rounds.bare.push(await closedLoop(bareUrl, events(3000, `tputbare${r}`), 16));
      rounds.duban.push(await closedLoop(dubanUrl, events(3000, `tput${r}`), 16));
      rounds.dubanAnsweredAllAfterSeconds.push(await settled(dubanBase));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const tputBare = median(rounds.bare);
    const tputDuban = median(rounds.duban);

    // 5. Replies leave at Lark's limit: a minute of the queued backlog against the 1,000 a minute Lark allows.
    const windowStart = emulator.messages.length;
    await new Promise((r) => setTimeout(r, quick ? 0 : 60_000));
    const repliesInAMinute = emulator.messages.length - windowStart;

    const rss = peakRssMb(duban.child.pid!);
    return {
      tasks: TASKS,
      ackAt200: { duban: ackDuban, bare: ackBare, dubanAnsweredAllAfterSeconds: ackAnsweredAfter },
      throughput: { duban: tputDuban, bare: tputBare, ratio: round(tputDuban / tputBare, 2), rounds },
      eventToReply: e2r,
      replyRate: { perMinute: repliesInAMinute, larkLimitPerMinute: 1000, maxRepliesPerSecond: Math.max(...emulator.maxPerSecondByApi.values()), rejected429: emulator.counters.rejected429 },
      peakRssMb: rss,
    };
  } finally {
    await stopChild(duban.child);
    await stopChild(bare.child);
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchWebhook(), null, 2));
}
