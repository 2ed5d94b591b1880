/**
 * Webhook benchmark (issue: foundation). Side by side in one run, on this machine:
 *  - acknowledgement latency p50/p99 of signed, encrypted 我的任务 events at 200 requests/s,
 *    for Duban (10,000 tasks in the store) and for a bare Hono handler that returns 200;
 *  - closed-loop throughput of both;
 *  - time from event to the reply arriving at the Lark emulator (at 10 events/s, under Lark's limits);
 *  - the Duban server's peak RSS.
 * Runnable alone: npx tsx bench/webhook.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { migrate } from "../db/migrate";
import { startEmulator } from "../test/emulator";
import { encryptBody, signedRequest, textMessageEvent } from "../test/helpers/lark-events";
import { peakRssMb, round, startChild, stopChild, summary } from "./stats";

const TOKEN = "bench-token";
const KEY = "bench-encrypt-key";
const UNITS = 100;
const TASKS = 10_000;

async function seed(url: string) {
  const c = createClient({ url });
  await migrate(c);
  const stmts = [];
  for (let u = 1; u <= UNITS; u++) {
    stmts.push({ sql: "INSERT INTO units (id, name) VALUES (?, ?)", args: [u, `示例单位${u}`] });
    stmts.push({ sql: "INSERT INTO unit_aliases (key, alias, unit_id) VALUES (?, ?, ?)", args: [`示例单位${u}`, `示例单位${u}`, u] });
    stmts.push({ sql: "INSERT INTO members (open_id, name, role, unit_id) VALUES (?, ?, 'liaison', ?)", args: [`ou_bench_${u}`, `联络员${u}`, u] });
  }
  stmts.push({ sql: "INSERT INTO plans (id, title, year) VALUES (1, '基准测试任务表', 2026)", args: [] });
  await c.batch(stmts, "write");
  const tasks = [];
  for (let t = 1; t <= TASKS; t++) {
    const due = `2026-${String(1 + (t % 12)).padStart(2, "0")}-${String(1 + (t % 28)).padStart(2, "0")}`;
    tasks.push({ sql: "INSERT INTO tasks (id, plan_id, requirement, due_date, content_key) VALUES (?, 1, ?, ?, ?)", args: [t, `第${t}项政务公开任务：按要求在政府网站公开相关信息并及时更新。`, due, `k${t}`] });
    for (const u of [1 + (t % UNITS), 1 + ((t * 7) % UNITS)]) {
      tasks.push({ sql: "INSERT OR IGNORE INTO assignments (task_id, unit_id, due_date, status) VALUES (?, ?, ?, ?)", args: [t, u, due, t % 5 === 0 ? "done" : "todo"] });
    }
  }
  for (let i = 0; i < tasks.length; i += 5000) await c.batch(tasks.slice(i, i + 5000), "write");
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
  const dubanUrl = `http://127.0.0.1:${duban.port}/webhook/event`;
  const bareUrl = `http://127.0.0.1:${bare.port}/webhook/event`;
  try {
    // Warm both (JIT, SDK import, token) before measuring.
    await openLoop(dubanUrl, events(50, "warm"), 50);
    await openLoop(bareUrl, events(50, "warmbare"), 50);
    await emulator.waitForMessages(50, 30_000);

    const ackDuban = await openLoop(dubanUrl, events(2000, "ack"), 200);
    const ackBare = await openLoop(bareUrl, events(2000, "ackbare"), 200);
    if (process.env.BENCH_QUICK) return { ackDuban, ackBare };
    const tputDuban = await closedLoop(dubanUrl, events(3000, "tput"), 16);
    const tputBare = await closedLoop(bareUrl, events(3000, "tputbare"), 16);

    // Let the backlog of replies drain (Lark allows 50/s), then time event → reply at a gentle rate.
    const backlog = 50 + 2000 + 3000;
    const drainStart = performance.now();
    await emulator.waitForMessages(backlog, 300_000);
    const drainSeconds = round((performance.now() - drainStart) / 1000, 1);
    const gentle = events(100, "e2r");
    const sentAt = new Map<string, number>();
    const before = emulator.messages.length;
    const t0 = Date.now();
    for (let i = 0; i < gentle.length; i++) {
      const at = t0 + i * 100;
      const wait = at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sentAt.set(gentle[i].ev.event.message.message_id, Date.now());
      void post(dubanUrl, gentle[i]);
    }
    const replies = (await emulator.waitForMessages(before + gentle.length, 60_000)).slice(before);
    const e2r = summary(replies.filter((m) => sentAt.has(m.parent_id!)).map((m) => m.at - sentAt.get(m.parent_id!)!));
    const rss = peakRssMb(duban.child.pid!);
    const replyPerSecondMax = Math.max(...emulator.maxPerSecondByApi.values());
    return {
      tasks: TASKS,
      ackAt200: { duban: ackDuban, bare: ackBare },
      throughput: { duban: tputDuban, bare: tputBare, ratio: round(tputDuban / tputBare, 2) },
      eventToReply: e2r,
      replyBacklog: { messages: backlog, drainSeconds, theoreticalSeconds: round(backlog / 50, 1), maxRepliesPerSecond: replyPerSecondMax, rejected429: emulator.counters.rejected429 },
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
