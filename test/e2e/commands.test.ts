/**
 * Every everyday command, for the right role and the wrong one, through signed encrypted events
 * into POST /webhook/event, with the replies read back from the Lark emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@libsql/client";
import { ADMIN, startHarness, visibleText, type Harness } from "../helpers/harness";
import { cardActionEvent } from "../helpers/lark-events";

const ZHANG = { openId: "ou_zhang_san", name: "张三" };
const LI = { openId: "ou_li_si", name: "李四" };
const STRANGER = { openId: "ou_passer_by", name: "路人" };
const JIAOTI_GROUP = "oc_jiaoti_group";
const LIAISON_GROUP = "oc_county_liaisons";

let h: Harness;

async function count(sql: string): Promise<number> {
  const c = createClient({ url: `file:${h.dbFile}` });
  try {
    return Number((await c.execute(sql)).rows[0][0]);
  } finally {
    c.close();
  }
}

beforeAll(async () => {
  // Created on Monday 16 Nov so that a task due Friday 20 Nov is overdue by the 25th.
  h = await startHarness({ now: "2026-11-16T10:00:00+08:00" });
});
afterAll(() => h?.close());

describe("setting up units, liaisons and chats (admin)", () => {
  it("tells someone unregistered how to get registered", async () => {
    const { reply } = await h.say("我的任务", { as: STRANGER });
    expect(reply).toContain("还没有登记");
    expect(reply).toContain("联络员 <单位名称> @你");
  });

  it("creates units with aliases, and refuses a name that is not a unit name", async () => {
    expect((await h.say("新单位 县住房城乡建设局 县住建局")).reply).toContain("已创建单位「县住房城乡建设局」");
    const jiaoti = await h.say("新单位 县教育和体育局 县教体局");
    expect(jiaoti.reply).toContain("已添加别名：县教体局");
    expect((await h.say("add-unit 县住建局 县住房和城乡建设局")).reply).toContain("单位「县住房城乡建设局」已存在");
    const bad = await h.say("新单位 '); DROP TABLE units; --");
    expect(bad.reply).toMatch(/不像单位名称/);
    expect(await count("SELECT COUNT(*) FROM units")).toBe(2);
  });

  it("lists units with their missing chats and liaisons", async () => {
    const { reply } = await h.say("单位");
    expect(reply).toContain("县住房城乡建设局");
    expect(reply).toContain("又名 县住建局");
    expect(reply).toContain("未绑定群");
    expect(reply).toContain("无联络员");
  });

  it("registers liaisons from the mentions, never the bot itself", async () => {
    const { reply } = await h.say("联络员 县教体局", { group: LIAISON_GROUP, mentions: [ZHANG, LI] });
    expect(reply).toContain("已登记张三为县教育和体育局联络员");
    expect(reply).toContain("已登记李四为县教育和体育局联络员");
    expect(reply).not.toContain("督办");
    expect(await count("SELECT COUNT(*) FROM members WHERE role = 'liaison'")).toBe(2);
  });

  it("asks for the people when nobody is mentioned", async () => {
    expect((await h.say("联络员 县教体局", { group: LIAISON_GROUP })).reply).toContain("请在指令后 @ 要登记的人");
  });

  it("binds a group chat to a unit, and only in a group", async () => {
    expect((await h.say("绑定 县教体局")).reply).toContain("要在群聊里使用");
    expect((await h.say("绑定 县教体局", { group: JIAOTI_GROUP })).reply).toContain("已将本群绑定为县教育和体育局的工作群");
    expect((await h.say("bind 县教育和体育局", { group: JIAOTI_GROUP })).reply).toContain("无需重复绑定");
  });

  it("suggests the closest units for an unknown name", async () => {
    expect((await h.say("绑定 县教育局", { group: JIAOTI_GROUP })).reply).toMatch(/没有找到单位「县教育局」。你是不是指：.*县教育和体育局/);
  });

  it("creates tasks with a due date written three ways", async () => {
    expect((await h.say("新任务 县教体局、县住建局 12月31日 公开2026年度民生实事办理结果")).reply).toContain("已创建任务 1，截止 2026年12月31日");
    expect((await h.say("新任务 县教体局 2026-11-27 公开教育收费项目和标准")).reply).toContain("已创建任务 2，截止 2026年11月27日");
    expect((await h.say("new 县教体局 11月20日 公开义务教育招生范围")).reply).toContain("已创建任务 3，截止 2026年11月20日");
  });

  it("refuses a date in the past, an unreadable due, and an unknown unit, writing nothing", async () => {
    expect((await h.say("新任务 县教体局 2026-11-01 过去的任务")).reply).toContain("已经过去了");
    expect((await h.say("新任务 县教体局 尽快 某项工作")).reply).toContain("看不懂时限「尽快」");
    expect((await h.say("新任务 县教体局、县财政局 12月31日 某项工作")).reply).toContain("没有找到单位「县财政局」");
    expect(await count("SELECT COUNT(*) FROM tasks")).toBe(3);
  });
});

describe("a liaison's day (Wednesday 25 Nov 2026)", () => {
  beforeAll(() => h.clock.set("2026-11-25T10:00:00+08:00"));

  it("lists the unit's open tasks, overdue first", async () => {
    const { reply } = await h.say("我的任务", { as: ZHANG });
    expect(reply).toContain("县教育和体育局 · 未完成任务 3 项");
    expect(reply).toContain("1 项已逾期");
    const order = ["#3", "#2", "#1"].map((id) => reply.indexOf(id));
    expect(order.every((p) => p >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(reply).toMatch(/#3[^#]*已逾期5天/);
    expect(reply).toMatch(/#2[^#]*还有2天/);
  });

  it("answers 本周到期 for Monday 23 – Sunday 29 November", async () => {
    const { reply } = await h.say("本周到期", { as: ZHANG });
    expect(reply).toContain("本周到期 1 项");
    expect(reply).toContain("11月23日—11月29日");
    expect(reply).toContain("#2");
    expect(reply).not.toContain("#1 ");
    expect(reply).toContain("另有 1 项已逾期");
  });

  it("lists overdue work with days overdue", async () => {
    const { reply } = await h.say("overdue", { as: LI });
    expect(reply).toContain("逾期 1 项");
    expect(reply).toMatch(/#3[^#]*已逾期5天/);
  });

  it("records progress, then completion with the evidence link", async () => {
    expect((await h.say("进展 2 已起草公开内容，正在审核", { as: ZHANG })).reply).toContain("状态：进行中");
    const detail = (await h.say("任务 2", { as: LI })).reply;
    expect(detail).toContain("县教育和体育局：进行中");
    expect(detail).toContain("已起草公开内容，正在审核");
    const done = await h.say("完成 2 http://www.yiyuan.gov.cn/art/2026/11/25/art_1.html", { as: ZHANG });
    expect(done.reply).toContain("已记录：县教育和体育局完成任务 2");
    expect((await h.say("我的任务", { as: ZHANG })).reply).not.toContain("#2");
    expect((await h.say("任务 2", { as: ZHANG })).reply).toContain("已完成（http://www.yiyuan.gov.cn/art/2026/11/25/art_1.html）");
  });

  it("shows the full task: requirement, every unit's status, history", async () => {
    const { reply } = await h.say("task 1", { as: ZHANG });
    expect(reply).toContain("公开2026年度民生实事办理结果");
    expect(reply).toContain("县教育和体育局：待办");
    expect(reply).toContain("县住房城乡建设局：待办");
    expect(reply).toContain("创建任务");
  });

  it("in the unit's bound group, speaks for that unit even to someone unregistered", async () => {
    const { reply } = await h.say("逾期", { as: STRANGER, group: JIAOTI_GROUP });
    expect(reply).toContain("县教育和体育局 · 逾期 1 项");
    // The bound group is the unit's own chat: its members act for the unit (and are audited by open_id).
    expect((await h.say("完成 3", { as: STRANGER, group: JIAOTI_GROUP })).reply).toContain("已记录");
  });

  it("says precisely what is wrong with a task id", async () => {
    expect((await h.say("任务 999", { as: ZHANG })).reply).toContain("没有编号为 999 的任务");
    expect((await h.say("完成 abc", { as: ZHANG })).reply).toContain("请写上任务编号（数字）");
    expect((await h.say("进展 1", { as: ZHANG })).reply).toContain("请在编号后写上进展内容");
  });

  it("refuses admin commands to a liaison, naming who to ask", async () => {
    const { reply } = await h.say("新单位 县民政局", { as: ZHANG });
    expect(reply).toContain("只有管理员可以使用");
    expect(reply).toContain("县政务公开办的管理员");
  });

  it("suggests the closest command for a typo", async () => {
    expect((await h.say("我得任务", { as: ZHANG })).reply).toContain("你是不是想发「我的任务」");
  });

  it("shows each person the commands they may use", async () => {
    const liaison = (await h.say("帮助", { as: ZHANG })).reply;
    expect(liaison).toContain("我的任务");
    expect(liaison).not.toContain("管理员指令");
    const admin = (await h.say("help")).reply;
    expect(admin).toContain("管理员指令");
    expect(admin).toContain("新任务");
  });
});

describe("admin adjustments", () => {
  it("assigns more units, all-or-nothing", async () => {
    expect((await h.say("指派 1 县住建局、县财政局")).reply).toContain("没有找到单位「县财政局」");
    expect((await h.say("指派 1 县住建局")).reply).toContain("原本就是责任单位");
    await h.say("新单位 县民政局");
    expect((await h.say("assign 1 县民政局")).reply).toContain("已将任务 1 指派给：县民政局");
    expect(await count("SELECT COUNT(*) FROM assignments WHERE task_id = 1")).toBe(3);
  });

  it("moves and removes a liaison", async () => {
    expect((await h.say("联络员 县住建局", { group: LIAISON_GROUP, mentions: [LI] })).reply).toContain("已将李四从县教育和体育局调整为县住房城乡建设局联络员");
    expect((await h.say("我的任务", { as: LI })).reply).toContain("县住房城乡建设局");
    expect((await h.say("联络员 移除", { group: LIAISON_GROUP, mentions: [LI] })).reply).toContain("已移除李四");
    expect((await h.say("我的任务", { as: LI })).reply).toContain("还没有登记");
  });
});

describe("input that must not hurt", () => {
  it("survives quotes, emoji, SQL fragments and 10 KB of text", async () => {
    const nasty = ["完成 1 '\"; DELETE FROM tasks; --", "进展 1 🎉🎉 \\u0000 <script>", `进展 1 ${"长".repeat(10_000)}`, "任务 1; DROP TABLE tasks"];
    for (const t of nasty) {
      const { reply } = await h.say(t, { as: ZHANG });
      expect(reply.length).toBeGreaterThan(0);
    }
    expect(await count("SELECT COUNT(*) FROM tasks")).toBe(3);
    expect((await h.say("任务 1", { as: ZHANG })).reply).toContain("公开2026年度民生实事办理结果");
  });
});

describe("long lists are paged, not cut", () => {
  it("pages 我的任务 and turns the page from the card's button", async () => {
    for (let i = 0; i < 10; i++) await h.say(`新任务 县住建局 12月${10 + i}日 第${i + 1}项住建领域公开工作`);
    await h.say("联络员 县住建局", { group: LIAISON_GROUP, mentions: [LI] });
    const first = await h.say("我的任务", { as: LI });
    expect(first.reply).toContain("第 1/2 页，共 11 项");
    expect(first.reply).toContain("[下一页]");
    const callback = cardActionEvent({
      openId: LI.openId,
      value: { command: "我的任务 第2页" },
      messageId: first.message.id,
      chatId: first.message.chat_id,
      token: "v-token-for-tests",
    } as never);
    const res = await h.post(callback);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { card: { type: string; data: any } };
    expect(body.card.type).toBe("raw");
    const page2 = visibleText({ msg_type: "interactive", content: body.card.data } as never);
    expect(page2).toContain("第 2/2 页，共 11 项");
    expect(page2).toContain("[上一页]");
  });
});

describe("at-least-once delivery", () => {
  it("does one effect and one reply for an event delivered twice", async () => {
    const ev = h.event("进展 1 重复推送测试", { as: ZHANG, eventId: "ev_duplicate_1" });
    h.emulator.ingestEvent(ev);
    const before = h.emulator.messages.length;
    const [a, b] = await Promise.all([h.post(ev), h.post(ev)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await h.emulator.waitForMessages(before + 1);
    const again = await h.post(ev);
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.emulator.messages.length).toBe(before + 1);
    expect(await count("SELECT COUNT(*) FROM progress_notes WHERE text = '重复推送测试'")).toBe(1);
  });

  it("answers each of a burst of messages arriving together once, a repeat inside the burst included", async () => {
    // Receipts arriving together are written together (src/bot/receipts.ts; the same-statement case is
    // pinned down in test/storage/receipts.test.ts); here, the whole road from request to reply.
    const text = (i: number) => (i === 7 ? "进展 1 突发中的重复推送" : "我的任务");
    const burst = Array.from({ length: 20 }, (_, i) => h.event(text(i), { as: ZHANG, eventId: `ev_burst_${i}`, messageId: `om_burst_${i}` }));
    const repeat = h.event(text(7), { as: ZHANG, eventId: "ev_burst_repeat", messageId: "om_burst_7" });
    for (const ev of burst) h.emulator.ingestEvent(ev);
    const before = h.emulator.messages.length;
    const statuses = await Promise.all([...burst, repeat].map(async (ev) => (await h.post(ev)).status));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const replies = (await h.emulator.waitForMessages(before + 20, 10_000)).slice(before);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.emulator.messages.length).toBe(before + 20);
    expect(new Set(replies.map((m) => m.parent_id))).toEqual(new Set(burst.map((ev) => ev.event.message.message_id)));
    expect(await count("SELECT COUNT(*) FROM progress_notes WHERE text = '突发中的重复推送'")).toBe(1);
  });
});

describe("an event that waits in line (a flood ahead of it)", () => {
  // What the webhook does before its 200 (the durable receipt); the answer then waits its turn.
  const receive = async (text: string, id: string) => {
    const ev = h.event(text, { as: ZHANG, eventId: `ev_${id}`, messageId: `om_${id}` });
    h.emulator.ingestEvent(ev);
    const claim = await h.server.bot.accept(ev);
    // The receipt is held for a minute (the event lease) from its arrival.
    expect(claim).toEqual({ until: h.clock.now().getTime() + 60_000 });
    return { ev, claim };
  };

  it("is not run a second time when it waited past its lease and the sweep took it over", async () => {
    const before = h.emulator.messages.length;
    const { ev, claim } = await receive("进展 1 排队超过租期的事件", "waited_past_lease");
    const start = h.clock.now();
    try {
      // The line was longer than the event's lease (60 s): the sweep takes the event over and answers it.
      h.clock.set(new Date(start.getTime() + 61_000));
      await h.server.tick();
      await h.emulator.waitForMessages(before + 1);
      // Then its turn in the line comes: nothing happens a second time.
      await h.server.bot.process(ev, claim);
      await new Promise((r) => setTimeout(r, 300));
      expect(h.emulator.messages.length).toBe(before + 1);
      expect(await count("SELECT COUNT(*) FROM progress_notes WHERE text = '排队超过租期的事件'")).toBe(1);
    } finally {
      h.clock.set(start);
    }
  });

  it("is answered once when it waited long but its lease still held", async () => {
    const before = h.emulator.messages.length;
    const { ev, claim } = await receive("进展 1 排队四十秒的事件", "waited_40s");
    const start = h.clock.now();
    try {
      h.clock.set(new Date(start.getTime() + 40_000));
      await h.server.bot.process(ev, claim);
      const [reply] = (await h.emulator.waitForMessages(before + 1)).slice(before);
      expect(reply.parent_id).toBe("om_waited_40s");
      // The sweep after the original lease would have run out finds it answered.
      h.clock.set(new Date(start.getTime() + 61_000));
      await h.server.tick();
      await new Promise((r) => setTimeout(r, 300));
      expect(h.emulator.messages.length).toBe(before + 1);
      expect(await count("SELECT COUNT(*) FROM progress_notes WHERE text = '排队四十秒的事件'")).toBe(1);
    } finally {
      h.clock.set(start);
    }
  });
});

describe("standing duties", () => {
  it("lists an event-triggered task's periods and events, not the duty itself, and says how to start its clock", async () => {
    const c = createClient({ url: `file:${h.dbFile}` });
    const deadline = JSON.stringify({ text: "信息形成或者变更之日起20个工作日内", kind: "event_relative", due: null, withinWorkdays: 20, trigger: "信息形成或者变更" });
    const t = await c.execute({
      sql: "INSERT INTO tasks (plan_id, requirement, deadline_text, deadline, content_key) VALUES (1, '行政事业性收费目录信息形成或变更后公开', '信息形成或者变更之日起20个工作日内', ?, 'fee-catalogue') RETURNING id",
      args: [deadline],
    });
    await c.execute({ sql: "INSERT INTO assignments (task_id, unit_id) SELECT ?, id FROM units WHERE name = '县教育和体育局'", args: [t.rows[0].id] });
    c.close();
    const { reply } = await h.say("我的任务", { as: ZHANG });
    expect(reply).not.toContain("收费目录");
    expect(reply).toContain("另有 1 项按期或按事件办理的常规任务");
    expect(reply).toContain("登记 编号 日期");
  });
});

describe("the same message under a new event_id", () => {
  it("is one message: Lark's receive_v1 page says to de-duplicate messages by message_id", async () => {
    const first = h.event("进展 1 换了事件编号的重复推送", { as: ZHANG, eventId: "ev_first", messageId: "om_same_message" });
    const again = h.event("进展 1 换了事件编号的重复推送", { as: ZHANG, eventId: "ev_second", messageId: "om_same_message" });
    h.emulator.ingestEvent(first);
    const before = h.emulator.messages.length;
    expect((await h.post(first)).status).toBe(200);
    await h.emulator.waitForMessages(before + 1);
    expect((await h.post(again)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.emulator.messages.length).toBe(before + 1);
    expect(await count("SELECT COUNT(*) FROM progress_notes WHERE text = '换了事件编号的重复推送'")).toBe(1);
  });
});

void ADMIN;
