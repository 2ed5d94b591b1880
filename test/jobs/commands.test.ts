/** The scheduling commands, sent as signed, encrypted events through POST /webhook/event. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getBinding } from "../../db/queries/members";
import { loadSettings } from "../../src/jobs/settings";
import { ADMIN } from "../helpers/harness";
import { adminChat, at, kindOf, resetSeed, rig, task, tickAt, title, to, unit, visibleText, type Harness } from "./helpers";

let h: Harness;
beforeEach(async () => {
  resetSeed();
  h = await rig("2026-11-25T10:00:00+08:00");
});
afterEach(async () => h.close());

const LIAISON = { openId: "ou_liaison_li", name: "李四" };
const STRANGER = { openId: "ou_somebody", name: "路人" };

/** A made-up 2027 notice in the State Council's wording (the real one is not published yet). */
export const NOTICE_2027 = `国务院办公厅关于2027年部分节假日安排的通知（测试用，虚构）
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日（周六）至12日（周五）放假调休，共7天。2月14日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。5月8日（周六）上班。
五、端午节：6月9日（周三）至11日（周五）放假，共3天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。`;

describe("设置", () => {
  it("sets the admin chat, the push time, escalation days and the reminder interval, with specific errors", async () => {
    const db = h.server.db;
    await db.$client.execute({ sql: "INSERT INTO members (open_id, name, role) VALUES (?, ?, 'admin')", args: [ADMIN.openId, ADMIN.name] });
    let r = await h.say("设置 管理群", { group: "oc_office" });
    expect(r.reply).toContain("已将本群设为管理群");
    expect((await getBinding(db, "oc_office"))?.kind).toBe("admin");
    r = await h.say("设置 管理群");
    expect(r.reply).toContain("「设置 管理群」要在管理群里发送");

    r = await h.say("设置 推送时间 25:00");
    expect(r.reply).toContain("时间要写成 时:分，例如 08:30");
    r = await h.say("设置 推送时间 05:30");
    expect(r.reply).toContain("推送时间要在 06:00 到 20:00 之间");
    r = await h.say("设置 推送时间 08:30");
    expect(r.reply).toContain("已将推送时间从 09:00 改为 08:30");
    r = await h.say("set escalate 5个工作日");
    expect(r.reply).toContain("已将升级天数从 3 改为 5");
    r = await h.say("设置 升级天数 很多");
    expect(r.reply).toBe("升级天数要写成数字（工作日数）。例如「设置 升级天数 5」。");
    r = await h.say("设置 提醒间隔 每天");
    expect(r.reply).toContain("每个工作日提醒一次");
    r = await h.say("设置 进展周期 每季度");
    expect(r.reply).toContain("每季度");
    r = await h.say("设置 颜色 红");
    expect(r.reply).toContain("没有「颜色」这个设置项");
    expect(await loadSettings(db)).toEqual({ digestTime: "08:30", escalateAfterWorkdays: 5, reminderIntervalWorkdays: 1, progressEvery: "quarter" });
    r = await h.say("设置");
    expect(r.reply).toContain("08:30");

    r = await h.say("设置 推送时间 08:00", { as: LIAISON });
    expect(r.reply).toContain("只有管理员可以使用");

    // The new values drive the scheduler: 08:30 digest, daily reminders, escalation after 5 working days.
    const jt = await unit(db, "县教体局");
    await task(db, { due: "2026-11-27", units: [{ id: jt.id }] });
    await tickAt(h, at("2026-11-30", "08:29"));
    expect(to(h, jt.chat!)).toHaveLength(0);
    await tickAt(h, at("2026-11-30", "08:30"));
    expect(to(h, jt.chat!).map(kindOf).sort()).toEqual(["alert", "digest"]);
    for (const d of ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-07"]) await tickAt(h, at(d, "08:30"));
    expect(to(h, jt.chat!).filter((m) => kindOf(m) === "alert")).toHaveLength(6);
    const esc = to(h, "oc_office").filter((m) => kindOf(m) === "escalation");
    expect(esc).toHaveLength(2); // Fri 4 Dec (5 working days) and Mon 7 Dec
    expect(title(esc[0])).toContain("12月4日");
  });

  it("lets a unit's liaison mute or unmute empty digests in its group, and nobody else", async () => {
    const db = h.server.db;
    const jt = await unit(db, "县教体局", { chat: "oc_jiaoti", liaisons: [LIAISON] });
    let r = await h.say("设置 空提醒 开启", { as: STRANGER, group: "oc_jiaoti" });
    expect(r.reply).toContain("只有县教体局的联络员或管理员可以修改空提醒设置");
    r = await h.say("设置 空提醒 开启", { as: LIAISON });
    expect(r.reply).toContain("要在群聊里使用");
    r = await h.say("设置 空提醒 也许", { as: LIAISON, group: "oc_jiaoti" });
    expect(r.reply).toContain("看不懂「也许」");
    await tickAt(h, at("2026-11-30"));
    expect(to(h, jt.chat!).filter((m) => kindOf(m) === "digest")).toHaveLength(0);
    r = await h.say("设置 空提醒 开启", { as: LIAISON, group: "oc_jiaoti" });
    expect(r.reply).toContain("已开启");
    await tickAt(h, at("2026-12-01"));
    expect(to(h, jt.chat!).filter((m) => kindOf(m) === "digest")).toHaveLength(1);
    r = await h.say("set empty-digest off", { as: LIAISON, group: "oc_jiaoti" });
    expect(r.reply).toContain("已关闭空提醒");
    await tickAt(h, at("2026-12-02"));
    expect(to(h, jt.chat!).filter((m) => kindOf(m) === "digest")).toHaveLength(1);
  });
});

describe("节假日", () => {
  it("loads next year's notice into the overlay: no more fallback warning, holidays off, adjusted days on", async () => {
    const db = h.server.db;
    const admin = await adminChat(db);
    const jt = await unit(db, "县教体局", { sendEmpty: true });
    let r = await h.say("节假日");
    expect(r.reply).toContain("2027年：没有数据");
    r = await h.say("节假日 2027 一、元旦：1月1日（周六）至3日放假，共3天。");
    expect(r.reply).toContain("没能读懂这份通知");
    expect(r.reply).toContain("与原文“（周六）”不符");
    r = await h.say(`节假日 2027 ${NOTICE_2027}`);
    expect(r.reply).toContain("已导入2027年节假日安排：放假 29 天，调休上班 5 天");
    expect(r.reply).toContain("元旦 1月1日至1月3日（3天）");
    r = await h.say("节假日 2027");
    expect(r.reply).toContain("2027年：已有国务院节假日安排（管理员导入）");
    const overlay = await db.$client.execute("SELECT COUNT(*) AS n FROM calendar_overlay");
    expect(Number(overlay.rows[0].n)).toBe(34);

    for (const d of ["2026-12-31", "2027-01-01", "2027-01-04", "2027-02-08", "2027-02-14", "2027-02-20"]) await tickAt(h, at(d));
    const days = to(h, jt.chat!).map((m) => title(m).replace(/^.*每日提醒 /, ""));
    expect(days).toEqual(["12月31日（星期四）", "1月4日（星期一）", "2月14日（星期日）", "2月20日（星期六）"]);
    for (const m of to(h, jt.chat!)) expect(visibleText(m)).not.toContain("尚无国务院节假日安排数据");
    expect(to(h, admin).filter((m) => title(m).includes("节假日数据缺失"))).toHaveLength(0);
  });
});
