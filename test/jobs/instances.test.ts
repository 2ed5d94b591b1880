/** Recurring, event-relative and continuing tasks: instances, 登记, and 完成/进展 acting on the right one. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { progressNotes } from "../../db/schema";
import { createCalendar } from "../../src/domain/calendar";
import { at, kindOf, resetSeed, rig, task, tickAt, title, to, unit, visibleText, type Harness } from "./helpers";

let h: Harness;
beforeEach(async () => {
  resetSeed();
  h = await rig("2026-07-02T10:00:00+08:00");
});
afterEach(async () => h.close());

const A = { openId: "ou_liaison_a", name: "甲" };
const B = { openId: "ou_liaison_b", name: "乙" };

async function rows(taskId: number) {
  const r = await h.server.db.$client.execute({
    sql: "SELECT a.unit_id AS unit, a.instance, a.status, a.due_date AS due FROM assignments a WHERE task_id = ? ORDER BY unit_id, due_date, instance",
    args: [taskId],
  });
  return r.rows.map((x) => `${x.unit}|${x.instance}|${x.status}|${x.due}`);
}

describe("recurring tasks", () => {
  it("get one instance per started period, each with its own due date and status", async () => {
    const db = h.server.db;
    const ua = await unit(db, "县教体局", { liaisons: [A] });
    const ub = await unit(db, "县卫健局", { liaisons: [B] });
    // As the importer leaves it: one undated-instance row per unit, dated with the first period's due date.
    const id = await task(db, {
      requirement: "按季度公开财政预决算执行情况",
      deadlineText: "每季度结束后10个工作日内",
      deadline: null,
      due: "2026-04-15",
      units: [{ id: ua.id }, { id: ub.id }],
      createdOn: "2026-01-05",
    });
    await tickAt(h, at("2026-07-02"));
    expect(await rows(id)).toEqual([
      `${ua.id}|2026-Q1|todo|2026-04-15`,
      `${ua.id}|2026-Q2|todo|2026-07-14`,
      `${ua.id}|2026-Q3|todo|2026-10-20`,
      `${ub.id}|2026-Q1|todo|2026-04-15`,
      `${ub.id}|2026-Q2|todo|2026-07-14`,
      `${ub.id}|2026-Q3|todo|2026-10-20`,
    ]);
    // 完成 acts on the earliest open instance; finishing Q1 leaves Q2 and Q3 open.
    let r = await h.say(`完成 ${id} http://example.gov.cn/q1.html`, { as: A });
    expect(r.reply).toContain("（2026-Q1）");
    expect(await rows(id)).toContain(`${ua.id}|2026-Q2|todo|2026-07-14`);
    r = await h.say(`进展 ${id} 第二季度数据正在汇总`, { as: A });
    expect(await rows(id)).toContain(`${ua.id}|2026-Q2|doing|2026-07-14`);
    r = await h.say(`完成 ${id}`, { as: A });
    expect(r.reply).toContain("（2026-Q2）");
    expect(await rows(id)).toEqual([
      `${ua.id}|2026-Q1|done|2026-04-15`,
      `${ua.id}|2026-Q2|done|2026-07-14`,
      `${ua.id}|2026-Q3|todo|2026-10-20`,
      `${ub.id}|2026-Q1|todo|2026-04-15`,
      `${ub.id}|2026-Q2|todo|2026-07-14`,
      `${ub.id}|2026-Q3|todo|2026-10-20`,
    ]);
    // The unit that did nothing is alerted about Q1 only; the digest lists it with its period.
    const alerts = to(h, ub.chat!).filter((m) => kindOf(m) === "alert");
    expect(alerts).toHaveLength(1);
    expect(visibleText(alerts[0])).toContain("〔2026-Q1〕");
    expect(to(h, ua.chat!).filter((m) => kindOf(m) === "alert")).toHaveLength(1); // told on 2 Jul before finishing
    // The Q4 instance appears when its period starts; nothing is created twice.
    h.clock.set(at("2026-10-08"));
    await tickAt(h, at("2026-10-08"));
    await tickAt(h, at("2026-10-09"));
    expect((await rows(id)).filter((x) => x.includes("Q4"))).toEqual([`${ua.id}|2026-Q4|todo|2027-01-14`, `${ub.id}|2026-Q4|todo|2027-01-14`]);
  });

  it("does not owe the periods that ended before the task was created", async () => {
    const db = h.server.db;
    const ua = await unit(db, "县教体局");
    const id = await task(db, { requirement: "按月公开财政资金直达情况", deadlineText: "按月", deadline: null, units: [{ id: ua.id }], createdOn: "2026-05-20" });
    await tickAt(h, at("2026-07-02"));
    expect(await rows(id)).toEqual([`${ua.id}|2026-05|todo|2026-05-31`, `${ua.id}|2026-06|todo|2026-06-30`, `${ua.id}|2026-07|todo|2026-07-31`]);
  });
});

describe("event-relative tasks", () => {
  it("登记 creates an instance due N working days after the event; 完成 closes the earliest", async () => {
    const db = h.server.db;
    const ua = await unit(db, "县教体局", { liaisons: [A] });
    const other = await unit(db, "县司法局", { liaisons: [B] });
    const id = await task(db, { requirement: "行政事业性收费目录信息形成或变更后及时公开", deadlineText: "信息形成或者变更之日起20个工作日内", deadline: null, units: [{ id: ua.id }] });
    const plain = await task(db, { requirement: "公开年度报告", due: "2026-12-31", units: [{ id: ua.id }] });

    h.clock.set(at("2026-10-12", "10:00"));
    let r = await h.say(`登记 ${id} 2026-09-25 县政府常务会议通过收费目录`, { as: A });
    // 25 Sep is Mid-Autumn; 20 working days after it, skipping National Day, is Thu 29 Oct.
    expect(r.reply).toContain("须在 2026年10月29日（星期四）前完成");
    expect(r.reply).toContain("20个工作日内");
    r = await h.say(`登记 ${id} 昨天 收费标准调整`, { as: A });
    const cal = createCalendar();
    const second = cal.addWorkdays("2026-10-11", 20);
    expect(r.reply).toContain(`本任务还有 1 个已登记事件未办结`);
    expect(await rows(id)).toEqual([`${ua.id}||todo|null`, `${ua.id}|event:1|todo|2026-10-29`, `${ua.id}|event:2|todo|${second}`]);
    const events = await db.$client.execute("SELECT occurred_on, note FROM task_events ORDER BY id");
    expect(events.rows.map((e) => `${e.occurred_on} ${e.note}`)).toEqual(["2026-09-25 县政府常务会议通过收费目录", "2026-10-11 收费标准调整"]);

    r = await h.say(`完成 ${id} http://example.gov.cn/fee.html`, { as: A });
    expect(r.reply).toContain("（event:1）");
    expect(await rows(id)).toContain(`${ua.id}|event:2|todo|${second}`);

    // Refusals: a future date, a task of another kind, a unit the task is not assigned to, no number.
    r = await h.say(`登记 ${id} 2026-10-20`, { as: A });
    expect(r.reply).toContain("晚于今天");
    r = await h.say(`登记 ${plain} 今天`, { as: A });
    expect(r.reply).toContain("不需要登记事件");
    r = await h.say(`登记 ${id} 今天`, { as: B });
    expect(r.reply).toContain(`任务 ${id} 没有指派给县司法局`);
    r = await h.say("登记 收费目录", { as: A });
    expect(r.reply).toContain("请写上任务编号");
    r = await h.say(`event ${id} 2026-02-30`, { as: A });
    expect(r.reply).toContain("日期「2026-02-30」不存在");
    void other;

    // Tracked to completion: the open event instance is alerted once overdue, the template row never.
    await tickAt(h, at(cal.addWorkdays(second, 1)));
    const alerts = to(h, ua.chat!).filter((m) => kindOf(m) === "alert");
    expect(alerts).toHaveLength(1);
    expect(visibleText(alerts[0])).toContain("〔事件#2〕");
  });
});

describe("continuing tasks", () => {
  it("are never overdue; once a month the unit is asked for progress on those without a note that month", async () => {
    const db = h.server.db;
    const ua = await unit(db, "县教体局", { liaisons: [A] });
    const ub = await unit(db, "县卫健局", { chat: null, liaisons: [B] });
    const id = await task(db, { requirement: "在政府网站公开权责清单并动态调整", deadlineText: "长期坚持", deadline: null, units: [{ id: ua.id }, { id: ub.id }] });
    for (const d of ["2026-11-02", "2026-11-03", "2026-11-30"]) await tickAt(h, at(d));
    const reqs = () => [...to(h, ua.chat!), ...to(h, B.openId)].filter((m) => kindOf(m) === "progress");
    expect(reqs().map((m) => `${m.chat_id === ua.chat ? "group" : "dm"} ${title(m)}`)).toEqual([
      "group 县教体局 · 2026年11月长期任务进展",
      "dm 县卫健局 · 2026年11月长期任务进展",
    ]);
    expect(visibleText(reqs()[0])).toContain(`#${id}`);
    // 县卫健局 reports on 1 Dec before the push time: only 县教体局 is asked in December.
    const [b] = (await db.$client.execute({ sql: "SELECT id FROM assignments WHERE task_id = ? AND unit_id = ?", args: [id, ub.id] })).rows;
    await db.insert(progressNotes).values({ assignmentId: Number(b.id), author: B.openId, text: "已更新", createdAt: Date.parse("2026-12-01T08:00:00+08:00") });
    await tickAt(h, at("2026-12-01"));
    expect(reqs().map(title).filter((t) => t.includes("12月"))).toEqual(["县教体局 · 2026年12月长期任务进展"]);
    expect(to(h, ua.chat!).filter((m) => kindOf(m) === "alert")).toHaveLength(0);
  });
});
