/**
 * The end-to-end scenarios every runtime must pass, written once: each runtime's test file calls
 * `runtimeScenarios(start)` with its own start-up (harness.ts). Lark is the emulator; every event is
 * signed and encrypted as Lark does it when an Encrypt Key is set.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { enqueue } from "../../db/queries/outbox";
import { createCalendar } from "../../src/domain/calendar";
import { addDays, dateInShanghai } from "../../src/domain/dates";
import type { EmulatedMessage } from "../emulator/index";
import { cardActionEvent, postEvent, textMessageEvent, urlVerification, type MessageReceiveEvent } from "../helpers/lark-events";
import { ADMIN, BOT, ENCRYPT_KEY, eventually, LIAISON, TOKEN, type Target } from "./harness";

const P2P_ADMIN = "oc_runtimep2padmin000000000001";
const P2P_LIAISON = "oc_runtimep2pliaison0000000001";
const UNIT_GROUP = "oc_runtimegroupjiaoti000000001";
/** 23:00 Beijing: no job is due then (they run from the push time until 21:00). */
const NIGHT = new Date("2026-03-02T23:00:00+08:00");

/** Posts a signed, encrypted event (after making its message known to the emulator, as Lark would) and returns the response. */
async function deliver(t: Target, event: MessageReceiveEvent | ReturnType<typeof cardActionEvent>): Promise<Response> {
  if (event.header.event_type === "im.message.receive_v1") t.emulator.ingestEvent(event);
  return postEvent(t.url, event, { encryptKey: ENCRYPT_KEY });
}

/** The next message the bot sends after `before` messages, waited for. */
async function nextMessage(t: Target, before: number): Promise<EmulatedMessage> {
  const all = await t.emulator.waitForMessages(before + 1, 15_000).catch((e) => {
    throw new Error(`${(e as Error).message}\n--- ${t.name} log ---\n${t.logs.slice(-40).join("\n")}`);
  });
  return all[before];
}

async function askAndReply(t: Target, event: MessageReceiveEvent): Promise<EmulatedMessage> {
  const before = t.emulator.messages.length;
  const r = await deliver(t, event);
  expect(r.status).toBe(200);
  expect(await r.json()).toEqual({});
  const m = await nextMessage(t, before);
  expect(m.kind).toBe("reply");
  expect(m.parent_id).toBe(event.event.message.message_id);
  return m;
}

const textOf = (m: EmulatedMessage): string => (m.msg_type === "text" ? m.content.text : JSON.stringify(m.content));

export function runtimeScenarios(start: () => Promise<Target>) {
  let t: Target;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe("receiving", () => {
    it("answers Lark's url_verification challenge (encrypted, unsigned) with the challenge", async () => {
      const r = await postEvent(t.url, urlVerification({ challenge: "challenge-7f3a", token: TOKEN }), { encryptKey: ENCRYPT_KEY });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ challenge: "challenge-7f3a" });
    });

    it("reports the database healthy", async () => {
      const r = await fetch(`${t.url}/healthz`);
      expect(r.status).toBe(200);
      // Nothing has been received yet, so nothing waits for an answer.
      expect(await r.json()).toMatchObject({ ok: true, mode: "lark", database: "ok", eventsWaiting: 0 });
    });

    it("refuses a tampered signature and sends nothing", async () => {
      const ev = textMessageEvent({ openId: ADMIN.openId, chatId: P2P_ADMIN, chatType: "p2p", token: TOKEN, text: "单位" });
      t.emulator.ingestEvent(ev);
      const before = t.emulator.messages.length;
      const r = await postEvent(t.url, ev, { encryptKey: ENCRYPT_KEY, tamper: "body" });
      expect(r.status).toBe(401);
      await new Promise((res) => setTimeout(res, 300));
      expect(t.emulator.messages.length).toBe(before);
    });
  });

  describe("commands", () => {
    it("an admin creates a unit: 新单位 县教体局", async () => {
      const m = await askAndReply(t, textMessageEvent({ openId: ADMIN.openId, chatId: P2P_ADMIN, chatType: "p2p", token: TOKEN, text: "新单位 县教体局" }));
      expect(textOf(m)).toContain("已创建单位「县教体局」");
      const row = await t.db.execute({ sql: "SELECT name FROM units WHERE name = ?", args: ["县教体局"] });
      expect(row.rows).toHaveLength(1);
    });

    it("the admin registers a liaison in the unit's group by @mention", async () => {
      const m = await askAndReply(
        t,
        textMessageEvent({
          openId: ADMIN.openId,
          chatId: UNIT_GROUP,
          chatType: "group",
          token: TOKEN,
          text: "@_user_1 联络员 县教体局 @_user_2",
          mentions: [
            { name: BOT.name, openId: BOT.openId },
            { name: LIAISON.name, openId: LIAISON.openId },
          ],
        }),
      );
      expect(textOf(m)).toContain(`已登记${LIAISON.name}为县教体局联络员`);
      expect(m.chat_id).toBe(UNIT_GROUP);
    });

    it("the liaison asks 我的任务 and gets the unit's card", async () => {
      const m = await askAndReply(t, textMessageEvent({ openId: LIAISON.openId, chatId: P2P_LIAISON, chatType: "p2p", token: TOKEN, text: "我的任务" }));
      expect(m.msg_type).toBe("interactive");
      expect(m.content.header.title.content).toContain("县教体局");
    });

    it("a re-delivered event (same event_id, Lark's at-least-once) is answered once", async () => {
      const ev = textMessageEvent({ openId: LIAISON.openId, chatId: P2P_LIAISON, chatType: "p2p", token: TOKEN, text: "帮助" });
      await askAndReply(t, ev);
      const after = t.emulator.messages.length;
      const again = await deliver(t, ev);
      expect(again.status).toBe(200);
      await new Promise((res) => setTimeout(res, 500));
      expect(t.emulator.messages.length).toBe(after);
    });

    it("commands that write, arriving at the same moment, are all carried out and answered", async () => {
      const names = ["县财政局", "县民政局", "县司法局", "县审计局", "县统计局", "县医保局"];
      // From six groups (Lark allows 5 messages per second into one chat; the pacing is tested elsewhere).
      const events = names.map((n, i) =>
        textMessageEvent({
          openId: ADMIN.openId,
          chatId: `oc_runtimeconcurrent00000000000${i}`,
          chatType: "group",
          token: TOKEN,
          text: `@_user_1 新单位 ${n}`,
          mentions: [{ name: BOT.name, openId: BOT.openId }],
        }),
      );
      const before = t.emulator.messages.length;
      const responses = await Promise.all(events.map((e) => deliver(t, e)));
      expect(responses.map((r) => r.status)).toEqual(names.map(() => 200));
      const replies = (await t.emulator.waitForMessages(before + names.length, 15_000)).slice(before);
      for (const e of events) {
        const reply = replies.find((m) => m.parent_id === e.event.message.message_id);
        expect(reply && textOf(reply), t.logs.slice(-20).join("\n")).toContain("已创建单位");
      }
      const units = await t.db.execute(`SELECT COUNT(*) AS n FROM units WHERE name IN (${names.map(() => "?").join(",")})`, names);
      expect(Number(units.rows[0].n)).toBe(names.length);
    });

    it("a burst of 24 people at once: every one is acknowledged and answered", async () => {
      // On Workers one isolate takes them all: nothing may make one request wait on another's promise.
      const events = Array.from({ length: 24 }, (_, i) =>
        textMessageEvent({ openId: `ou_runtimeburst${String(i).padStart(16, "0")}`, chatId: `oc_runtimeburst${String(i).padStart(16, "0")}`, chatType: "p2p", token: TOKEN, text: "帮助" }),
      );
      const before = t.emulator.messages.length;
      const responses = await Promise.all(events.map((e) => deliver(t, e)));
      expect(responses.map((r) => r.status)).toEqual(events.map(() => 200));
      const replies = (await t.emulator.waitForMessages(before + events.length, 20_000)).slice(before);
      expect(new Set(replies.map((m) => m.parent_id))).toEqual(new Set(events.map((e) => e.event.message.message_id)));
    });

    it("a card button (card.action.trigger) is answered inline with the updated card", async () => {
      const ev = cardActionEvent({ openId: LIAISON.openId, value: { command: "我的任务" }, messageId: "om_runtimecard0000000000000001", chatId: "", token: TOKEN });
      const r = await deliver(t, ev);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { card?: { type: string; data: { header: { title: { content: string } } } } };
      expect(body.card?.type).toBe("raw");
      expect(body.card?.data.header.title.content).toContain("县教体局");
    });
  });

  describe("scheduled work", () => {
    it("the scheduled handler delivers what waits in the outbox, once", async () => {
      // 23:00 Beijing: outside the jobs' hours, so only the outbox and recovery run.
      t.emulator.addChat(UNIT_GROUP, [ADMIN.openId, LIAISON.openId]);
      const db = createDb(t.db);
      const key = `runtime-test:${t.name}:digest`;
      await enqueue(db, {
        key,
        kind: "digest",
        target: "chat_id",
        receiveId: UNIT_GROUP,
        paceKey: UNIT_GROUP,
        msgType: "text",
        content: JSON.stringify({ text: "早上好：今天没有到期的任务。" }),
      });
      const before = t.emulator.messages.length;
      await t.scheduled(NIGHT);
      const m = await nextMessage(t, before);
      expect(m.kind).toBe("send");
      expect(m.chat_id).toBe(UNIT_GROUP);
      expect(textOf(m)).toContain("早上好");
      const row = await eventually(async () => {
        const r = await t.db.execute({ sql: "SELECT status, message_id FROM outbox WHERE key = ?", args: [key] });
        return r.rows[0]?.status === "sent" ? r.rows[0] : undefined;
      }, "the outbox row marked sent");
      expect(row.message_id).toBe(m.id);
      await t.scheduled(NIGHT);
      expect(t.emulator.messages.length).toBe(before + 1);
    });

    it("the morning digest goes to the unit's group once, however often the trigger fires", async () => {
      // The next working day after today, 09:30 Beijing; a task of 县教体局 due three days later.
      const calendar = createCalendar();
      let day = addDays(dateInShanghai(new Date()), 1);
      while (!calendar.isWorkday(day)) day = addDays(day, 1);
      const morning = new Date(`${day}T09:30:00+08:00`);
      const due = addDays(day, 3);

      const bound = await askAndReply(
        t,
        textMessageEvent({ openId: ADMIN.openId, chatId: UNIT_GROUP, chatType: "group", token: TOKEN, text: "@_user_1 绑定 县教体局", mentions: [{ name: BOT.name, openId: BOT.openId }] }),
      );
      expect(textOf(bound)).toContain("县教体局");
      const created = await askAndReply(
        t,
        textMessageEvent({ openId: ADMIN.openId, chatId: P2P_ADMIN, chatType: "p2p", token: TOKEN, text: `新任务 县教体局 ${due} 在政府网站公开本部门权责清单` }),
      );
      expect(textOf(created)).toContain("已创建任务");

      const before = t.emulator.messages.length;
      await t.scheduled(morning);
      const digest = await nextMessage(t, before);
      expect(digest.kind).toBe("send");
      expect(digest.chat_id).toBe(UNIT_GROUP);
      expect(JSON.stringify(digest.content)).toContain("权责清单");
      // Cron Triggers fire every five minutes; each later one finds the digest done.
      await t.scheduled(new Date(morning.getTime() + 5 * 60_000));
      await t.scheduled(new Date(morning.getTime() + 10 * 60_000));
      await new Promise((res) => setTimeout(res, 300));
      expect(t.emulator.messages.slice(before).filter((m) => m.chat_id === UNIT_GROUP)).toHaveLength(1);
    });
  });
}
