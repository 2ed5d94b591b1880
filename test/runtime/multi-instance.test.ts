/**
 * Two Node instances (two startNode, two ports) on one libSQL server, as behind a load balancer:
 * an event delivered to both is answered once; the same scheduled job run by both sends one message
 * per recipient; the outbox delivered from both sends each row once. Lark's uuid would hide a double
 * send from the chat, so the emulator's request log and uuid-dedupe counter are checked too.
 */
import { createClient, type Client } from "@libsql/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { enqueue } from "../../db/queries/outbox";
import { createCalendar } from "../../src/domain/calendar";
import { addDays, dateInShanghai } from "../../src/domain/dates";
import { runScheduled } from "../../src/jobs/run";
import { startNode } from "../../src/runtime/node";
import { startEmulator, type Emulator } from "../emulator/index";
import { postEvent, textMessageEvent } from "../helpers/lark-events";
import { startSqld, type Sqld } from "../helpers/sqld";
import { ADMIN, APP_ID, BOT, ENCRYPT_KEY, larkEnv, TOKEN } from "./harness";

type Node = Awaited<ReturnType<typeof startNode>>;

let emulator: Emulator;
let sqld: Sqld;
let a: Node;
let b: Node;
let db: Client;
const logs: string[] = [];

const GROUPS = ["oc_multigroup0000000000000000a1", "oc_multigroup0000000000000000a2", "oc_multigroup0000000000000000a3"];
const UNITS = ["县教体局", "县卫健局", "县司法局"];

beforeAll(async () => {
  [emulator, sqld] = await Promise.all([startEmulator({ appId: APP_ID }), startSqld()]);
  const start = (name: string) =>
    startNode({
      env: larkEnv(emulator, sqld.url),
      port: 0,
      log: (l) => logs.push(`${name}: ${l}`),
      sweepSeconds: 3600,
      scheduler: false,
      jobs: (server, now) => runScheduled(server, now, { log: (l) => logs.push(`${name}: ${l}`) }),
    });
  // Both start at once on an empty database: one applies the migrations, the other must not trip over them.
  [a, b] = await Promise.all([start("a"), start("b")]);
  db = createClient({ url: sqld.url });
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  db?.close();
  await emulator?.close();
  await sqld?.stop();
});

/**
 * Sends and replies Lark accepted, from request number `from` on. (A 429 is not a send: with two
 * instances pacing separately, a chat's 5/s can be exceeded and the row is retried later.)
 */
const sends = (from = 0) => emulator.requests.slice(from).filter((r) => r.status === 200 && r.method === "POST" && /\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(r.path)).length;
/** The request log's length once the last answer has been logged (an entry is written after its response). */
const settled = async () => {
  await new Promise((r) => setTimeout(r, 100));
  return emulator.requests.length;
};

async function both(event: ReturnType<typeof textMessageEvent>) {
  emulator.ingestEvent(event);
  return Promise.all([a.url, b.url].map((u) => postEvent(u, event, { encryptKey: ENCRYPT_KEY })));
}

it("the same event delivered to both instances is answered once", async () => {
  for (let i = 0; i < UNITS.length; i++) {
    const ev = textMessageEvent({ openId: ADMIN.openId, chatId: GROUPS[i], chatType: "group", token: TOKEN, text: `@_user_1 新单位 ${UNITS[i]}`, mentions: [{ name: BOT.name, openId: BOT.openId }] });
    const before = emulator.messages.length;
    const rs = await both(ev);
    expect(rs.map((r) => r.status)).toEqual([200, 200]);
    await emulator.waitForMessages(before + 1, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(emulator.messages.filter((m) => m.parent_id === ev.event.message.message_id)).toHaveLength(1);
  }
  expect(sends()).toBe(UNITS.length);
  expect(emulator.counters.uuidDeduplicated).toBe(0);
});

it("the same morning's jobs run by both instances send one digest per group", async () => {
  const calendar = createCalendar();
  let day = addDays(dateInShanghai(new Date()), 1);
  while (!calendar.isWorkday(day)) day = addDays(day, 1);
  for (let i = 0; i < UNITS.length; i++) {
    for (const ev of [
      textMessageEvent({ openId: ADMIN.openId, chatId: GROUPS[i], chatType: "group", token: TOKEN, text: `@_user_1 绑定 ${UNITS[i]}`, mentions: [{ name: BOT.name, openId: BOT.openId }] }),
      textMessageEvent({ openId: ADMIN.openId, chatId: GROUPS[i], chatType: "group", token: TOKEN, text: `@_user_1 新任务 ${UNITS[i]} ${addDays(day, 2)} 公开本部门权责清单（${i}）`, mentions: [{ name: BOT.name, openId: BOT.openId }] }),
    ]) {
      const before = emulator.messages.length;
      emulator.ingestEvent(ev);
      expect((await postEvent(a.url, ev, { encryptKey: ENCRYPT_KEY })).status).toBe(200);
      await emulator.waitForMessages(before + 1, 10_000);
    }
  }
  const r0 = await settled();
  const before = emulator.messages.length;
  const morning = new Date(`${day}T09:30:00+08:00`);
  // Both instances' ticks at the same instant, twice (a Cron Trigger or croner firing again).
  await Promise.all([a.tick(morning), b.tick(morning)]);
  await Promise.all([a.tick(new Date(morning.getTime() + 60_000)), b.tick(new Date(morning.getTime() + 60_000))]);
  await new Promise((r) => setTimeout(r, 500));
  const digests = emulator.messages.slice(before);
  for (const g of GROUPS) expect(digests.filter((m) => m.chat_id === g), `digests in ${g}`).toHaveLength(1);
  expect(digests).toHaveLength(GROUPS.length);
  expect(sends(r0)).toBe(GROUPS.length);
  expect(emulator.counters.uuidDeduplicated).toBe(0);
});

it("outbox rows enqueued by both and delivered from both go out once each", async () => {
  const keys = Array.from({ length: 12 }, (_, i) => `multi:${i}`);
  const rows = keys.map((key, i) => ({
    key,
    kind: "notice",
    target: "chat_id",
    receiveId: GROUPS[i % GROUPS.length],
    paceKey: GROUPS[i % GROUPS.length],
    msgType: "text",
    content: JSON.stringify({ text: `通知 ${i}` }),
  }));
  // Both instances write the same keys (e.g. the same job decided twice): the second write is a no-op.
  const written = await Promise.all([a, b].flatMap((n) => rows.map((r) => enqueue(n.db, r))));
  expect(written.filter(Boolean)).toHaveLength(keys.length);
  const r0 = await settled();
  const before = emulator.messages.length;
  await Promise.all([a.sender.deliver(), b.sender.deliver(), a.sender.deliver(), b.sender.deliver()]);
  await Promise.all([a.sender.drain(10_000), b.sender.drain(10_000)]);
  const sent = emulator.messages.slice(before);
  expect(sent.map((m) => m.content.text).sort()).toEqual(keys.map((_, i) => `通知 ${i}`).sort());
  expect(sends(r0)).toBe(keys.length);
  expect(emulator.counters.uuidDeduplicated).toBe(0);
  const status = await createDb(db).$client.execute(`SELECT status, COUNT(*) AS n FROM outbox WHERE key LIKE 'multi:%' GROUP BY status`);
  expect(status.rows.map((r) => [r.status, Number(r.n)])).toEqual([["sent", keys.length]]);
});
