/**
 * 解读时限: how the bot reads a deadline phrase, checked against the official calendar (State
 * Council notices): 2022 劳动节 4月30日至5月4日放假; 2026 春节 2月15日至23日放假, 2月14日（周六）、
 * 2月28日（周六）上班; 2026 国庆节 10月1日至7日放假, 9月20日（周日）、10月10日（周六）上班; no 2027 notice yet.
 * "Today" is Wednesday 25 November 2026.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../helpers/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-25T10:00:00+08:00" });
});
afterAll(() => h?.close());

describe("解读时限", () => {
  it("counts 20 working days from today for an event-triggered phrase", async () => {
    const { reply } = await h.say("解读时限 信息形成或者变更之日起20个工作日内");
    expect(reply).toContain("类别：事件触发（从事件发生日起算）");
    // 26, 27 Nov; 30 Nov–4 Dec; 7–11; 14–18; 21, 22, 23 Dec: the 20th working day is Wednesday 23 December.
    expect(reply).toContain("例如事件发生在今天（11月25日），截止 2026年12月23日（星期三）：第 20 个工作日");
    expect(reply).toContain("2026年：已有国务院节假日安排");
  });

  it("names the holiday an absolute due date falls on", async () => {
    const { reply } = await h.say("parse-deadline 2022 4月底前");
    expect(reply).toContain("类别：固定日期");
    expect(reply).toContain("截止：2022年4月30日（星期六），当天是劳动节假期");
  });

  it("lists a recurring phrase's due dates, working days counted around holidays and adjusted days", async () => {
    const { reply } = await h.say("解读时限 每月后10个工作日内");
    expect(reply).toContain("类别：周期性（每期一个截止日）");
    // January: 2–6, 9–13 February → 13 February (before the Spring Festival break).
    expect(reply).toContain("2026-01：2月13日（星期五）");
    // February ends on Saturday the 28th, an adjusted working day, which is itself not counted: 2–6, 9–13 March.
    expect(reply).toContain("2026-02：3月13日（星期五）");
    // September: 8, 9 October, Saturday the 10th (adjusted), 12–16, 19, 20 → Tuesday 20 October.
    expect(reply).toContain("2026-09：10月20日（星期二）");
    // December's falls in January 2027, a year without a notice yet.
    expect(reply).toContain("2027年尚无国务院节假日安排数据");
  });

  it("warns that a year without a notice is counted Monday to Friday", async () => {
    const { reply } = await h.say("解读时限 2027 5月底前");
    expect(reply).toContain("截止：2027年5月31日（星期一）");
    expect(reply).toContain("2027年尚无国务院节假日安排数据");
  });

  it("says when a phrase is continuing, or not a deadline at all", async () => {
    expect((await h.say("解读时限 长期坚持")).reply).toContain("类别：长期 / 持续（没有截止日，不会逾期）");
    const vague = await h.say("解读时限 及时");
    expect(vague.reply).toContain("类别：没有读懂（导入后没有截止日期）");
    expect(vague.reply).toContain("未识别时限");
  });

  it("asks for the phrase, and is for admins", async () => {
    expect((await h.say("解读时限")).reply).toContain("请在后面写上时限原文");
    expect((await h.say("解读时限 4月底前", { as: { openId: "ou_liaison_x", name: "小李" } })).reply).toContain("只有管理员可以使用");
  });
});
