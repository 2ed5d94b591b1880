import { describe, expect, it } from "vitest";
import { createCalendar } from "../../src/domain/calendar";
import {
  describeDeadline,
  dueFromEvent,
  findDeadlineInText,
  parseDeadline,
  periodInstances,
  type Deadline,
  type DeadlineKind,
} from "../../src/domain/deadline";

const cal = createCalendar();
const Y2022 = { year: 2022 };
const Y2020 = { year: 2020 };
// 源政办字〔2022〕20号 was issued on 2022-05-18; the 高青 table's footer says 2020年7月31日印发.
const YIYUAN = { year: 2022, issuedOn: "2022-05-18" };
const GAOQING = { year: 2020, issuedOn: "2020-07-31" };
const TAIAN = { year: 2020 };
const NINGYANG = { year: 2018 };

const dues = (d: Deadline) => (d.parts ?? [d]).map((p) => p.due);
const kinds = (d: Deadline) => (d.parts ?? [d]).map((p) => p.kind);

// ============================================================================ absolute
describe("absolute deadlines", () => {
  it.each([
    ["4月底前", Y2022, "2022-04-30"],
    ["4月底前", Y2020, "2020-04-30"],
    ["2月底前", Y2020, "2020-02-29"], // leap year
    ["2月底前", Y2022, "2022-02-28"],
    ["6月底", Y2022, "2022-06-30"], // 时限 cell without 前
    ["2022年8月底前", Y2022, "2022-08-31"],
    ["5月20日（星期五）前", Y2022, "2022-05-20"],
    ["5月20日前", Y2020, "2020-05-20"],
    ["5月20日之前", Y2022, "2022-05-20"],
    ["年底前", Y2022, "2022-12-31"],
    ["年底前", Y2020, "2020-12-31"],
    ["2022年年底前", Y2022, "2022-12-31"],
    ["2020年底前", Y2020, "2020-12-31"],
    ["年内", Y2022, "2022-12-31"],
    ["年内", Y2020, "2020-12-31"],
    ["上半年", Y2022, "2022-06-30"],
    ["下半年", Y2020, "2020-12-31"],
    ["2022年上半年", Y2022, "2022-06-30"],
    ["三季度末前", Y2022, "2022-09-30"],
    ["6月中旬前", Y2022, "2022-06-20"],
    ["一季度", Y2022, "2022-03-31"],
    ["第四季度末", Y2020, "2020-12-31"],
  ])("%s (%o) → %s", (text, ctx, due) => {
    const d = parseDeadline(text, ctx);
    expect(d.kind).toBe("absolute");
    expect(d.due).toBe(due);
    expect(d.text).toBe(text);
  });

  it("flags a due date before the plan's issue date", () => {
    const d = parseDeadline("4月底前", YIYUAN);
    expect(d.due).toBe("2022-04-30");
    expect(d.warnings?.join()).toContain("早于方案印发日期");
    expect(parseDeadline("6月底前", YIYUAN).warnings).toBeUndefined();
  });

  it("flags a written year other than the plan year", () => {
    const d = parseDeadline("2022年8月底前", Y2020);
    expect(d.due).toBe("2022-08-31");
    expect(d.warnings?.join()).toContain("与方案年度2020年不同");
  });

  it("checks a written weekday against the date (catches the wrong year)", () => {
    expect(parseDeadline("5月20日（星期五）前", Y2022).warnings).toBeUndefined();
    const d = parseDeadline("5月20日（星期五）前", Y2020); // 2020-05-20 was a Wednesday
    expect(d.due).toBe("2020-05-20");
    expect(d.warnings?.join()).toContain("星期三");
  });

  it("time-column shorthands: a bare month, year or numeric date", () => {
    expect(parseDeadline("2022年6月", Y2022).due).toBe("2022-06-30");
    expect(parseDeadline("6月份", Y2022).due).toBe("2022-06-30");
    expect(parseDeadline("6月内完成", Y2022).due).toBe("2022-06-30");
    expect(parseDeadline("2022.6.30", Y2022).due).toBe("2022-06-30");
    expect(parseDeadline("2022-06-30前", Y2022).due).toBe("2022-06-30");
    expect(parseDeadline("本年度", Y2020).due).toBe("2020-12-31");
    expect(parseDeadline("全年", Y2020).due).toBe("2020-12-31");
    expect(parseDeadline("截止时间：2022年6月30日", Y2022).due).toBe("2022-06-30");
    // "6月前" is ambiguous: read as "before June starts", with a warning for the admin
    const before = parseDeadline("6月前完成", Y2022);
    expect(before.due).toBe("2022-05-31");
    expect(before.warnings?.join()).toContain("6月1日之前");
    // but a month inside running text is not a deadline
    expect(findDeadlineInText("本办法自2022年6月起施行", Y2022)).toBeNull();
    expect(findDeadlineInText("公开2022年1-6月财政收支数据", Y2022)).toBeNull();
  });

  it("rejects impossible dates instead of rolling them over", () => {
    const d = parseDeadline("2月30日前", Y2022);
    expect(d.kind).toBe("unknown");
    expect(d.due).toBeNull();
    expect(parseDeadline("13月底前", Y2022).kind).toBe("unknown");
  });

  it("reads 今年/明年/次年", () => {
    expect(parseDeadline("明年3月底前", Y2022).due).toBe("2023-03-31");
    expect(parseDeadline("次年3月底前", Y2022).due).toBe("2023-03-31");
    expect(parseDeadline("今年年底前", Y2022).due).toBe("2022-12-31");
  });
});

// ============================================================================ recurring
describe("recurring deadlines", () => {
  it.each([
    ["按月", "month"],
    ["每月", "month"],
    ["每月公开一次", "month"],
    ["按季度", "quarter"],
    ["每季度", "quarter"],
    ["每半年", "halfyear"],
    ["每年年底前", "year"],
    ["每年7月底前", "year"],
    ["每周", "week"],
    ["每月后10个工作日内", "month"],
  ] as const)("%s → every %s", (text, every) => {
    const d = parseDeadline(text, Y2022);
    expect(d.kind).toBe("recurring");
    expect(d.every).toBe(every);
  });

  it("按月: one instance per month, due at month end", () => {
    const d = parseDeadline("按月", Y2022);
    const inst = periodInstances(d, 2022, cal);
    expect(inst).toHaveLength(12);
    expect(inst[0]).toEqual({ key: "2022-01", start: "2022-01-01", due: "2022-01-31" });
    expect(inst[1].due).toBe("2022-02-28");
    expect(inst[11]).toEqual({ key: "2022-12", start: "2022-12-01", due: "2022-12-31" });
    expect(periodInstances(d, 2020, cal)[1].due).toBe("2020-02-29");
    expect(d.due).toBe("2022-01-31");
  });

  it("每月公开一次 records the quota", () => {
    expect(parseDeadline("每月公开一次", Y2022).timesAtLeast).toBe(1);
  });

  it("每月10日前: due on the 10th of each month", () => {
    const d = parseDeadline("每月10日前", Y2022);
    expect(d.every).toBe("month");
    expect(periodInstances(d, 2022, cal)[2]).toEqual({ key: "2022-03", start: "2022-03-01", due: "2022-03-10" });
  });

  it("按季度: due at the end of each quarter", () => {
    const d = parseDeadline("按季度公开", Y2022);
    expect(periodInstances(d, 2022, cal)).toEqual([
      { key: "2022-Q1", start: "2022-01-01", due: "2022-03-31" },
      { key: "2022-Q2", start: "2022-04-01", due: "2022-06-30" },
      { key: "2022-Q3", start: "2022-07-01", due: "2022-09-30" },
      { key: "2022-Q4", start: "2022-10-01", due: "2022-12-31" },
    ]);
  });

  it("the first due date follows the issue date; periodInstances can leave earlier periods out", () => {
    const d = parseDeadline("按季度公开", YIYUAN);
    expect(d.due).toBe("2022-06-30");
    expect(periodInstances(d, 2022, cal, { from: "2022-05-18" }).map((i) => i.key)).toEqual(["2022-Q2", "2022-Q3", "2022-Q4"]);
  });

  it("每半年 and 每周", () => {
    expect(periodInstances(parseDeadline("每半年", Y2022), 2022, cal)).toEqual([
      { key: "2022-H1", start: "2022-01-01", due: "2022-06-30" },
      { key: "2022-H2", start: "2022-07-01", due: "2022-12-31" },
    ]);
    const weeks = periodInstances(parseDeadline("每周", Y2022), 2022, cal);
    expect(weeks).toHaveLength(52);
    expect(weeks[0]).toEqual({ key: "2022-W01", start: "2022-01-03", due: "2022-01-09" });
  });

  it("每年7月底前 / 每年年底前: one yearly instance", () => {
    expect(periodInstances(parseDeadline("每年7月底前", Y2022), 2022, cal)).toEqual([{ key: "2022", start: "2022-01-01", due: "2022-07-31" }]);
    const yearEnd = parseDeadline("每年年底前", Y2020);
    expect(yearEnd.due).toBe("2020-12-31");
    expect(periodInstances(yearEnd, 2020, cal)).toEqual([{ key: "2020", start: "2020-01-01", due: "2020-12-31" }]);
  });

  it("每月后10个工作日内: the 10th working day after each month ends (official calendar)", () => {
    const d = parseDeadline("每月后10个工作日内", Y2022);
    expect(d.withinWorkdays).toBe(10);
    const byKey = Object.fromEntries(periodInstances(d, 2022, cal).map((i) => [i.key, i.due]));
    // Feb 2022: 2/1–2/6 Spring Festival → 7 8 9 10 11 | 14 15 16 17 18
    expect(byKey["2022-01"]).toBe("2022-02-18");
    // May 2022: 5/1–5/4 off, Saturday 5/7 worked → 5 6 7 9 10 11 12 13 16 17
    expect(byKey["2022-04"]).toBe("2022-05-17");
    // June 2022: 6/3 端午 → 1 2 6 7 8 9 10 13 14 15
    expect(byKey["2022-05"]).toBe("2022-06-15");
    // Oct 2022: 10/1–10/7 off, 10/8 and 10/9 worked → 8 9 10 11 12 13 14 17 18 19
    expect(byKey["2022-09"]).toBe("2022-10-19");
    // Jan 2023: 1/1–1/2 off → 3 4 5 6 9 10 11 12 13 16
    expect(byKey["2022-12"]).toBe("2023-01-16");
    // 2020: the extended Spring Festival made Saturday 2/1 a day off → 3–7, 10–14
    expect(periodInstances(parseDeadline("每月后10个工作日内", Y2020), 2020, cal)[0].due).toBe("2020-02-14");
  });

  it("offsets and fixed days inside each period", () => {
    const q = parseDeadline("每季度结束后15日内", Y2022);
    expect(q).toMatchObject({ every: "quarter", withinDays: 15 });
    // 15 calendar days after each quarter end, rolled past days off: 4/15 (Fri), 7/15 (Fri), 10/15 (Sat → Mon 10/17), 1/15/2023 (Sun → Mon 1/16)
    expect(periodInstances(q, 2022, cal).map((i) => i.due)).toEqual(["2022-04-15", "2022-07-15", "2022-10-17", "2023-01-16"]);
    const first5 = parseDeadline("每月前5个工作日内", Y2022);
    // June 2022: 1 2 (3 端午) 6 7 8
    expect(periodInstances(first5, 2022, cal)[5]).toEqual({ key: "2022-06", start: "2022-06-01", due: "2022-06-08" });
    // 年报 style: each year by 31 January; issued in May, the next due date is next year's
    const annual = parseDeadline("每年1月31日前", YIYUAN);
    expect(annual).toMatchObject({ every: "year", at: { month: 1, day: 31 }, due: "2023-01-31" });
  });

  it("定期 = recurring without a frequency, with a warning; 不定期 = continuing", () => {
    const d = parseDeadline("定期", Y2022);
    expect(d.kind).toBe("recurring");
    expect(d.every).toBeUndefined();
    expect(d.due).toBeNull();
    expect(d.warnings?.join()).toContain("定期");
    expect(periodInstances(d, 2022, cal)).toEqual([]);
    expect(parseDeadline("不定期", Y2022).kind).toBe("continuing");
  });

  it("定期 next to an explicit frequency is not a second schedule", () => {
    const d = parseDeadline("定期（按季度）公开", Y2022);
    expect(d.kind).toBe("recurring");
    expect(d.every).toBe("quarter");
    expect(d.parts).toBeUndefined();
    expect(d.warnings).toBeUndefined();
  });

  it("quota: 每年至少…1次", () => {
    const d = findDeadlineInText("各级各部门单位主要负责同志每年至少听取1次政务公开工作汇报，专题研究部署推动工作。", YIYUAN)!;
    expect(d).toMatchObject({ kind: "recurring", every: "year", timesAtLeast: 1, due: "2022-12-31" });
  });
});

// ============================================================================ event-relative
describe("event-relative deadlines", () => {
  it.each([
    ["信息形成或者变更之日起20个工作日内公开", "信息形成或者变更", { withinWorkdays: 20 }],
    ["信息形成或变更之日起20个工作日内公开。", "信息形成或变更", { withinWorkdays: 20 }],
    ["作出决定之日起7个工作日内", "作出决定", { withinWorkdays: 7 }],
    ["作出行政决定之日起7个工作日内公开", "作出行政决定", { withinWorkdays: 7 }],
    ["处罚结果作出后7个工作日内公开", "处罚结果作出", { withinWorkdays: 7 }],
    ["文件公开后3个工作日内发布相关解读材料", "文件公开", { withinWorkdays: 3 }],
    ["相关解读材料应于文件公布后3个工作日内主动发布", "文件公布", { withinWorkdays: 3 }],
    ["项目竣工后20个工作日内公开已竣工项目基本信息", "项目竣工", { withinWorkdays: 20 }],
    ["应当自收到申请之日起20个工作日内予以答复", "收到申请", { withinWorkdays: 20 }],
    ["财政专项扶贫资金分配使用方案在本级人代会结束60个工作日内予以公开", "本级人代会结束", { withinWorkdays: 60 }],
    ["应在完成审批程序后1个工作日内公开变更后的相关信息", "完成审批程序", { withinWorkdays: 1 }],
    ["在决定作出后24小时内在政府网站公开", "决定作出", { withinHours: 24 }],
    ["印制3日内", "印制", { withinDays: 3 }],
    ["公布后30日内", "公布", { withinDays: 30 }],
  ] as const)("%s", (text, trigger, within) => {
    const d = parseDeadline(text, Y2022);
    expect(d.kind).toBe("event_relative");
    expect(d.due).toBeNull();
    expect(d.trigger).toBe(trigger);
    expect(d).toMatchObject(within);
  });

  it("gives well-known triggers a stable key and keeps the subject", () => {
    const d = findDeadlineInText("行政许可、行政处罚信息要在作出决定之日起7个工作日内公开", NINGYANG)!;
    expect(d).toMatchObject({ trigger: "作出决定", triggerKey: "decision_made", subject: "行政许可、行政处罚信息" });
    expect(parseDeadline("信息形成或者变更之日起20个工作日内公开", Y2022).triggerKey).toBe("info_changed");
  });

  it("dueFromEvent: N working days after the event day, on the official calendar", () => {
    const info = parseDeadline("信息形成或者变更之日起20个工作日内公开", Y2022);
    expect(dueFromEvent(info, "2022-09-28", cal)).toBe("2022-10-31");
    const interp = parseDeadline("文件公开后3个工作日内", Y2022);
    // 4/30–5/4 off, Saturday 5/7 worked
    expect(dueFromEvent(interp, "2022-04-29", cal)).toBe("2022-05-07");
    const decision = parseDeadline("作出行政决定之日起7个工作日内", { year: 2026 });
    // Sunday 9/20 worked, 9/25–27 中秋 off
    expect(dueFromEvent(decision, "2026-09-18", cal)).toBe("2026-09-29");
  });

  it("dueFromEvent: calendar days, rolled past days off; hours → same or next day", () => {
    const print = parseDeadline("印制3日内", Y2022);
    expect(dueFromEvent(print, "2022-05-16", cal)).toBe("2022-05-19");
    expect(dueFromEvent(print, "2022-05-18", cal)).toBe("2022-05-23"); // Sat 21 → Mon 23
    expect(dueFromEvent(print, "2022-09-28", cal)).toBe("2022-10-08"); // 10/1 holiday → Saturday 10/8, a working day
    const recall = parseDeadline("决定作出后24小时内", Y2022);
    expect(dueFromEvent(recall, "2022-05-18", cal)).toBe("2022-05-19");
    expect(dueFromEvent(recall, "2022-05-18T09:00", cal)).toBe("2022-05-19");
    expect(dueFromEvent({ text: "2小时内", kind: "event_relative", due: null, withinHours: 2 }, "2022-05-18T09:00", cal)).toBe("2022-05-18");
    expect(dueFromEvent({ text: "2小时内", kind: "event_relative", due: null, withinHours: 2 }, "2022-05-18T23:00", cal)).toBe("2022-05-19");
  });

  it("months and weeks after an event", () => {
    const month = parseDeadline("印发后1个月内", Y2022);
    expect(month).toMatchObject({ kind: "event_relative", trigger: "印发", withinMonths: 1 });
    expect(dueFromEvent(month, "2022-01-31", cal)).toBe("2022-02-28"); // clamped to the month's last day (a Monday)
    expect(parseDeadline("印发后一周内", Y2022)).toMatchObject({ trigger: "印发", withinDays: 7 });
  });

  it("a duration without a trigger is kept with a warning; after a field name it is not a deadline", () => {
    const d = parseDeadline("在20个工作日内公开", Y2022);
    expect(d).toMatchObject({ kind: "event_relative", withinWorkdays: 20 });
    expect(d.trigger).toBeUndefined();
    expect(d.warnings?.join()).toContain("起算事件");
    expect(findDeadlineInText("办理时限3个工作日内", Y2022)).toBeNull();
  });

  it("dueFromEvent refuses a deadline without an event", () => {
    expect(() => dueFromEvent(parseDeadline("年底前", Y2022), "2022-05-18", cal)).toThrow();
  });

  it("本文公布后30日内 gets a concrete due date once the plan's issue date is known", () => {
    const d = findDeadlineInText("认真抓好落实，并在本文公布后30日内在本地区、本部门政府网站公开。", { year: 2018, issuedOn: "2018-06-01" })!;
    expect(d).toMatchObject({ kind: "event_relative", withinDays: 30, triggerKey: "plan_published" });
    expect(d.due).toBe("2018-07-02"); // 7/1 is a Sunday
  });

  it("no duration written after an event: the 条例 default of 20 working days, with a warning", () => {
    const d = findDeadlineInText("在招生工作结束后及时公开招生结果", GAOQING)!;
    expect(d).toMatchObject({ kind: "event_relative", trigger: "招生工作结束", withinWorkdays: 20, statutoryDefault: true });
    expect(d.warnings?.join()).toContain("第二十六条");
  });

  it("records the statutory extension next to the application deadline", () => {
    const d = parseDeadline(
      "行政机关不能当场答复申请人的，应当自收到申请之日起20个工作日内予以答复；需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。",
      YIYUAN,
    );
    expect(d).toMatchObject({ kind: "event_relative", trigger: "收到申请", withinWorkdays: 20, extendableWorkdays: 20 });
    expect(d.parts).toBeUndefined();
  });
});

// ============================================================================ continuing and windows
describe("continuing and window", () => {
  it.each(["长期坚持", "长期公示", "长期落实", "适时", "动态调整", "一次性发布", "第一时间", "实时", "按时", "法定时限", "视情", "限期整改", "不定期"])(
    "%s → continuing",
    (text) => {
      const d = parseDeadline(text, Y2022);
      expect(d.kind).toBe("continuing");
      expect(d.due).toBeNull();
    },
  );

  it.each([
    ["疫情防控期间", "疫情防控期间"],
    ["重污染天气期间", "重污染天气期间"],
    ["招生时段", "招生时段"],
    ["寒暑假期", "寒暑假期"],
    ["汛期", "汛期"],
    ["防汛抗旱期间", "防汛抗旱期间"],
  ])("%s → window", (text, window) => {
    const d = parseDeadline(text, Y2022);
    expect(d.kind).toBe("window");
    expect(d.window).toBe(window);
    expect(d.due).toBeNull();
  });

  it("a dated window has a start and a due date", () => {
    const d = parseDeadline("5月1日至6月30日", Y2022);
    expect(d).toMatchObject({ kind: "window", start: "2022-05-01", due: "2022-06-30" });
  });
});

// ============================================================================ combinations
describe("combinations", () => {
  it("6月底前完成并长期公开", () => {
    const d = parseDeadline("6月底前完成并长期公开", Y2022);
    expect(d.kind).toBe("absolute");
    expect(d.due).toBe("2022-06-30");
    expect(kinds(d)).toEqual(["absolute", "continuing"]);
  });

  it("长期落实…，2022年8月底前…", () => {
    const d = parseDeadline("长期落实公共交通企业信息公开工作，2022年8月底前县交通运输局要明确并通过政府网站向社会公开适用主体清单，归集展示相关信息。", YIYUAN);
    expect(d.kind).toBe("absolute");
    expect(d.due).toBe("2022-08-31");
    expect(kinds(d)).toEqual(["continuing", "absolute"]);
    expect(d.parts?.[1].text).toBe("2022年8月底前");
  });

  it("two absolute dates: the earlier one is the task's due date", () => {
    const d = parseDeadline("市政府门户网站原则上2022年上半年完成改造，其他政府网站和政务新媒体2022年年底前基本完成改造。", YIYUAN);
    expect(d.due).toBe("2022-06-30");
    expect(dues(d)).toEqual(["2022-06-30", "2022-12-31"]);
  });

  it("two events with their own triggers", () => {
    const d = parseDeadline("信息形成或者变更之日起20个工作日内公开，行政处罚信息于处罚结果作出后7个工作日内公开。", YIYUAN);
    expect(d.kind).toBe("event_relative");
    expect(d.trigger).toBe("信息形成或者变更");
    expect(d.parts?.map((p) => [p.trigger, p.withinWorkdays])).toEqual([
      ["信息形成或者变更", 20],
      ["处罚结果作出", 7],
    ]);
    expect(d.parts?.[1].subject).toBe("行政处罚信息");
  });
});

// ============================================================================ guards
describe("guards: numbers that are not deadlines", () => {
  it.each([
    ["及时公开关于《山东省乡村振兴战略规划（2018-2022年）》推进落实情况以及我县乡村振兴战略规划。"], // plan period
    ["按照县政府办公室（源政办字〔2022〕20号）要求做好公开"], // document number
    ["按照《生态环境部企业环境信息依法披露管理办法》（部令第24号）依法、及时、真实、准确、完整地披露环境信息"], // 第24号
    ["按照交通运输部《公共交通企业信息公开规定》（交通运输部令2022年第11号）要求及时全面公开各类企事业信息。"],
    ["公开2019年政府信息公开工作年度报告"], // content year
    ["重点公开批准服务信息，包括申报要求、申报材料清单、批准流程、办理时限、受理机构联系方式、监督举报方式等。"], // field name
    ["明确实施期限和责任单位"], // field name
    ["推进“3545”改革，及时公开3个工作日内完成新开办企业、5个工作日内完成不动产登记、45个工作日内完成包括从立项到竣工验收在内的工程建设项目审批全过程。"], // service targets
    ["重大行政决策向社会公开征求意见的，征求意见期限不少于30日。"], // minimum duration
    ["公示时间不得少于10天"], // minimum duration
    ["截至2022年3月底的统计数据"], // data cut-off
    ["年底把推进基层政务公开标准化规范化情况作为考核各县（市、区）政务公开工作的重要内容"], // 年底 as a time of assessment, not a due date
    ["各乡镇（街道）各部门“两微一端”信息维护及服务情况纳入年底全县政务公开考核范围。"],
    ["公开上半年经济运行情况"], // a content period
    ["推动政府部门在3年内完成改造"], // a span, not this year
    ["公开前三季度经济运行数据"], // a cumulative period
    ["沂源县人民政府办公室2022年5月18日印发"], // the issue date in a footer
  ])("%s", (text) => {
    expect(findDeadlineInText(text, Y2022)).toBeNull();
  });

  it("soft adverbs are not deadlines", () => {
    for (const text of ["及时公开房地产行业违法违规行为查处情况", "持续做好各类规划（计划）实施措施和配套政策的主动公开工作", "切实做到政策性文件与解读方案、解读材料同步组织、同步审签、同步部署"]) {
      expect(findDeadlineInText(text, Y2022), text).toBeNull();
    }
    for (const text of ["及时", "持续", "同步"]) {
      const d = parseDeadline(text, Y2022);
      expect(d.kind).toBe("unknown");
      expect(d.due).toBeNull();
      expect(d.warnings?.length).toBe(1);
    }
  });

  it("a minimum duration in a 时限 cell: unknown, with the constraint kept", () => {
    const d = parseDeadline("重大行政决策向社会公开征求意见的，征求意见期限不少于30日。", YIYUAN);
    expect(d.kind).toBe("unknown");
    expect(d.minimum).toMatchObject({ days: 30 });
    expect(d.warnings?.join()).toContain("最短期限");
  });

  it("an empty cell is unknown", () => {
    expect(parseDeadline("  \n", Y2022)).toMatchObject({ kind: "unknown", due: null, warnings: ["未填写时限"] });
  });
});

// ============================================================================ digits
describe("full-width digits and Chinese numerals", () => {
  it.each([
    ["４月底前", "2022-04-30"],
    ["２０２２年８月底前", "2022-08-31"],
    ["十二月底前", "2022-12-31"],
    ["十月底前", "2022-10-31"],
  ])("%s → %s", (text, due) => {
    expect(parseDeadline(text, Y2022).due).toBe(due);
  });

  it.each([
    ["信息形成或者变更之日起二十个工作日内公开", 20],
    ["作出决定之日起七个工作日内", 7],
    ["作出决定之日起７个工作日内", 7],
    ["人代会结束六十个工作日内", 60],
  ])("%s → %d working days", (text, n) => {
    expect(parseDeadline(text, Y2022).withinWorkdays).toBe(n);
  });

  it("a phrase broken across lines by the dump still reads", () => {
    const d = parseDeadline("首次解读材料应于文件公开后3个工\n作日内公开", Y2022);
    expect(d).toMatchObject({ kind: "event_relative", trigger: "文件公开", withinWorkdays: 3 });
  });

  it("一次性 is not a number", () => {
    expect(parseDeadline("一次性发布", Y2022)).toMatchObject({ kind: "continuing" });
  });
});

// ============================================================================ seeds
// Real phrases from the four seed tables, with their plan year (and issue date where the file gives one).
type SeedCase = [source: string, text: string, ctx: { year: number; issuedOn?: string }, kind: DeadlineKind | null, due: string | null];
const SEEDS: SeedCase[] = [
  // 沂源 2022 — 时限要求 column
  ["yiyuan #1", "按季度公开", YIYUAN, "recurring", "2022-06-30"],
  ["yiyuan #2", "信息形成或者变更之日起20个工作日内公开，行政处罚信息于处罚结果作出后7个工作日内公开。", YIYUAN, "event_relative", null],
  ["yiyuan #3", "长期坚持", YIYUAN, "continuing", null],
  ["yiyuan #4", "信息形成或变更之日起20个工作日内公开。", YIYUAN, "event_relative", null],
  ["yiyuan #13", "动态调整", YIYUAN, "continuing", null],
  ["yiyuan #14", "疫情防控期间", YIYUAN, "window", null],
  ["yiyuan #18", "保障性安居工程规划建设方案、年度建设计划信息应在方案、计划确定后20个工作日内公开；每月后10个工作日内公开年度计划任务量完成进度，项目竣工后20个工作日内公开已竣工项目基本信息；分配结果确定后20个工作日内公开住房分配情况。", YIYUAN, "recurring", "2022-06-15"],
  ["yiyuan #21", "各类保险参保人数、待遇支付、基金收支情况等信息定期公开，医保定点医院、药店及药品、诊疗项目目录等一次性发布，动态调整。", YIYUAN, "recurring", null],
  ["yiyuan #24", "长期落实推动校务公开工作，\n2022年8月底前县教育和体育局要明确并通过政府网站向社会公开适用主体清单，归集展示相关信息。", YIYUAN, "absolute", "2022-08-31"],
  ["yiyuan #25", "长期落实推动企业环境信息依法披露工作，2022年8月底前县生态环境局要依托政府网站等设立企业环境信息依法披露系统，公开相应信息。", YIYUAN, "absolute", "2022-08-31"],
  ["yiyuan #26", "长期落实推动供水、供气、供热等公共企事业单位信息公开工作，2022年8月底前县住房城乡建设局、县水利局要明确并通过政府网站向社会公开适用主体清单，归集展示相关信息。", YIYUAN, "absolute", "2022-08-31"],
  ["yiyuan #28", "长期落实医疗卫生机构信息公开工作，2022年8月底前县卫生健康局要明确并通过政府网站向社会公开适用主体清单，归集展示相关信息。", YIYUAN, "absolute", "2022-08-31"],
  ["yiyuan #29", "长期公示", YIYUAN, "continuing", null],
  ["yiyuan #31", "重大行政决策向社会公开征求意见的，征求意见期限不少于30日。", YIYUAN, "unknown", null],
  ["yiyuan #38", "对行政规范性文件以及行政机关制发的对群众和企业权益产生影响的政策文件首次解读的，首次解读材料应于文件公开后3个工\n作日内公开，根据实际情况，适时开展政策施行后跟踪解读。", YIYUAN, "event_relative", null],
  ["yiyuan #47", "2022年年底前", YIYUAN, "absolute", "2022-12-31"],
  ["yiyuan #48", "每年年底前", YIYUAN, "recurring", "2022-12-31"],
  ["yiyuan #49", "行政机关不能当场答复申请人的，应当自收到申请之日起20个工作日内予以答复；需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。", YIYUAN, "event_relative", null],
  ["yiyuan #52", "市政府门户网站原则上2022年上半年完成改造，其他政府网站和政务新媒体2022年年底前基本完成改造。", YIYUAN, "absolute", "2022-06-30"],
  ["yiyuan #60", "年底前", YIYUAN, "absolute", "2022-12-31"],
  ["yiyuan #63", "6月底前", YIYUAN, "absolute", "2022-06-30"],
  // 沂源 2022 — requirement text, prose and attachments
  ["yiyuan #1 req", "按照县政府办公室《关于认真落实2022年全县经济社会发展主要目标任务的通知》（源政办字〔2022〕2号）任务分工，各责任单位定期公开《政府工作报告》各项任务进展情况、取得成效和后续举措。", YIYUAN, "recurring", null],
  ["yiyuan #19 req", "义务教育招生时段，多形式主动向社会公开招生相关信息", YIYUAN, "window", null],
  ["yiyuan #60 req", "各镇（街道），县财政局、县农业农村局要汇总当年面向农村的各类惠民惠农财政补贴资金实际发放结果，年底前以村为单位通过村务公开栏公开，公开期满相关材料留存村委会供村民查询。", YIYUAN, "absolute", "2022-12-31"],
  ["yiyuan #62 req", "各级、各部门单位年内组织政务公开通识培训不少于1次。", YIYUAN, "absolute", "2022-12-31"],
  ["yiyuan prose", "县政府各部门单位工作台账于5月20日（星期五）前报县大数据中心。", YIYUAN, "absolute", "2022-05-20"],
  ["yiyuan prose", "县政府办公室将不定期开展监督检查，通报问题、表扬先进、鞭策后进", YIYUAN, "continuing", null],
  ["yiyuan att.2", "指导、督促《政府工作报告》任务分解事项牵头单位按季度公开任务落实情况并公布监督方式。", YIYUAN, "recurring", "2022-06-30"],
  ["yiyuan att.2", "指导、督促有关部门依法按时公开随机抽查事项清单、年度抽查计划、抽取情况和抽查结果等政府信息。", YIYUAN, "continuing", null],
  ["yiyuan att.3", "印发通知，督促相关职部门4月底全部公开到位。", YIYUAN, "absolute", "2022-04-30"],
  ["yiyuan #3 req", "帮助基层执行机关和纳税人、缴费人第一时间全面准确了解政策。", YIYUAN, null, null],
  // 高青 2020
  ["gaoqing", "在作出决定之日起7个工作日内通过县政府门户网站公示", GAOQING, "event_relative", null],
  ["gaoqing", "按月发布环境空气质量状况", GAOQING, "recurring", "2020-07-31"],
  ["gaoqing", "按季度向社会公开饮用水水源水质状况", GAOQING, "recurring", "2020-09-30"],
  ["gaoqing", "是否于3月底前公开本行政区域内重点排污单位名录", GAOQING, "absolute", "2020-03-31"],
  ["gaoqing", "定期公开参保人数、待遇支付、基金收支情况", GAOQING, "recurring", null],
  ["gaoqing", "在招生工作结束后及时公开招生结果", GAOQING, "event_relative", null],
  ["gaoqing", "文件公开后3个工作日内发布相关解读材料", GAOQING, "event_relative", null],
  ["gaoqing", "公开本部门权责清单，并根据机构和职能情况动态调整", GAOQING, "continuing", null],
  ["gaoqing", "及时公开义务教育招生方案、招生范围、招生程序、报名条件、学校情况、咨询方式等信息", GAOQING, null, null],
  // 泰安 2020
  ["taian", "全面梳理细化相关领域政务公开事项，2020年底前编制完成本级政务公开事项标准目录，并通过政府网站向社会公布。", TAIAN, "absolute", "2020-12-31"],
  ["taian", "以县（市、区）为单位每季度梳理涉企政策，集中推送辖区企业。", TAIAN, "recurring", "2020-03-31"],
  ["taian", "推进社会保险信息公开，及时公开调整社会保险费的政策措施，重点做好降低社会保险费率的政策公开，适时公布阶段性降低社会保险费率的执行情况及实际效果。", TAIAN, "continuing", null],
  ["taian", "按照统一格式、法定时限和要求，高质量做好政府信息公开工作年度报告的编制、报送和发布工作。", TAIAN, "continuing", null],
  ["taian", "实时发布保居民就业、保基本民生、保市场主体等相关政策信息。", TAIAN, "continuing", null],
  ["taian", "推进食品药品安全领域信息公开，责令食品药品生产经营者召回相关食品、药品、医疗器械、化妆品的决定作出后及时在政府门户网站公开。", TAIAN, "event_relative", null],
  ["taian", "决策承办单位应公布决策草案及其说明等材料，明确提出意见的方式和期限，并及时公开意见收集采纳情况，公开征求意见的期限一般不少于30日。", TAIAN, null, null],
  ["taian", "建立健全政务服务“好差评”制度，定期公开政务服务情况、企业群众评价和差评处理结果。", TAIAN, "recurring", null],
  // 宁阳 2018
  ["ningyang", "按月发布全县环境空气质量状况信息，按季度公开集中式生活饮用水水源监测信息。", NINGYANG, "recurring", "2018-01-31"],
  ["ningyang", "每季度向社会公开城区生活饮用水监测结果。", NINGYANG, "recurring", "2018-03-31"],
  ["ningyang", "持续推进义务教育招生入学信息公开，要在每年7月底前公开本行政辖区内各义务教育学校的招生范围、招生条件、招生程序等信息，并在招生工作结束后公开招生结果。", NINGYANG, "recurring", "2018-07-31"],
  ["ningyang", "责令食品药品生产经营者召回相关食品、药品、医疗器械、化妆品的，在决定作出后24小时内在政府网站公开。", NINGYANG, "event_relative", null],
  ["ningyang", "按规定公开县级扶贫政策、扶贫规划，财政专项扶贫资金分配使用方案在本级人代会结束60个工作日内予以公开", NINGYANG, "event_relative", null],
  ["ningyang", "办事条件发生变化的事项，应在完成审批程序后1个工作日内公开变更后的相关信息和具体实施时间。", NINGYANG, "event_relative", null],
  ["ningyang", "各级各部门年内邀请利益相关方、公众列席政府常务会议、部门办公会议不得少于2次。", NINGYANG, "absolute", "2018-12-31"],
  ["ningyang", "推进政府网站部署互联网协议第六版（IPv6），年内完成门户网站相关改造工作。", NINGYANG, "absolute", "2018-12-31"],
  ["ningyang", "加快整合各类政务热线电话，年底前将清理整合情况报上一级政府办公室备案。", NINGYANG, "absolute", "2018-12-31"],
  ["ningyang", "对享受低保的户主姓名、保障人数、居住社区（村）、救助金额、监督举报电话等实行长期公示。", NINGYANG, "continuing", null],
  ["ningyang", "做好重污染天气应急信息公开，及时发布大范围重污染天气预警提示信息，统筹做好重污染天气期间信息发布、舆情引导等工作", NINGYANG, "window", null],
  ["ningyang", "定期公开税收数据信息。", NINGYANG, "recurring", null],
  ["ningyang", "按时公开县属企业产业整合重组和混合所有制改革情况。", NINGYANG, "continuing", null],
  ["ningyang", "公开时限：主动公开的信息，除法律法规另有规定外，要在信息形成或变更之日起20个工作日内予以公开；行政许可、行政处罚信息要在作出决定之日起7个工作日内公开，因特殊情况需要延长期限的或作出行政处罚决定后移送司法机关的，按相关规定处理。", NINGYANG, "event_relative", null],
  ["ningyang", "主动公开的信息，除法律法规另有规定外，在信息形成或变更之日起20个工作日内予以公开，社会救助人数、标准及资金支出等具体内容按季度更新。", NINGYANG, "recurring", "2018-03-31"],
  ["ningyang", "及时公开住房公积金年度报告及解读材料、住房公积金管理运行信息【按季度发布我县住房公积金缴存、提取、贷款等公积金管理运行信息】", NINGYANG, "recurring", "2018-03-31"],
  ["ningyang", "根据法律法规调整和上级削减权力事项等情况，及时动态调整行政权力事项并公开。", NINGYANG, "continuing", null],
];

describe("seed phrases", () => {
  it("has at least 40 real phrases", () => {
    expect(SEEDS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(SEEDS)("%s: %s", (_src, text, ctx, kind, due) => {
    const found = findDeadlineInText(text, ctx);
    if (kind === null) {
      expect(found).toBeNull();
      return;
    }
    const d = kind === "unknown" ? parseDeadline(text, ctx) : found!;
    expect(d).not.toBeNull();
    expect(d.kind).toBe(kind);
    expect(d.due).toBe(due);
    expect(d.text).toBe(text);
  });

  it("keeps every class of a mixed cell as a part", () => {
    const d = findDeadlineInText(SEEDS.find((s) => s[0] === "ningyang" && s[1].startsWith("持续推进义务教育"))![1], NINGYANG)!;
    expect(d.parts?.map((p) => [p.kind, p.every ?? p.trigger])).toEqual([
      ["recurring", "year"],
      ["event_relative", "招生工作结束"],
    ]);
    const housing = parseDeadline(SEEDS.find((s) => s[0] === "yiyuan #18")![1], YIYUAN);
    expect(housing.parts?.map((p) => p.trigger ?? p.every)).toEqual(["方案、计划确定", "month", "项目竣工", "分配结果确定"]);
  });
});

// ============================================================================ descriptions
describe("describeDeadline", () => {
  it("absolute", () => {
    const s = describeDeadline(parseDeadline("4月底前", Y2022), cal);
    expect(s).toContain("绝对时限：2022年4月30日（星期六）截止");
    expect(s).toContain("劳动节"); // 4/30/2022 was the first day of the Labour Day break
    expect(describeDeadline(parseDeadline("2022年8月底前", Y2022), cal, "2022-08-29")).toContain("还剩2天");
    expect(describeDeadline(parseDeadline("2022年8月底前", Y2022), cal, "2022-09-02")).toContain("已逾期2天");
  });

  it("event-relative", () => {
    expect(describeDeadline(parseDeadline("信息形成或者变更之日起20个工作日内公开", Y2022), cal)).toBe(
      "事件触发：信息形成或者变更之日起20个工作日内（按国家法定工作日计，含调休）",
    );
    expect(describeDeadline(parseDeadline("印制3日内", Y2022), cal)).toContain("自然日");
  });

  it("recurring lists the period due dates", () => {
    const s = describeDeadline(parseDeadline("按季度公开", Y2022), cal);
    expect(s).toContain("按季度");
    expect(s).toContain("3月31日（星期四）、6月30日（星期四）、9月30日（星期五）、12月31日（星期六）");
    expect(describeDeadline(parseDeadline("每月后10个工作日内", Y2022), cal)).toContain("2023年1月16日");
    expect(describeDeadline(parseDeadline("定期", Y2022), cal)).toContain("未写明频次");
  });

  it("continuing, window, combination, unknown", () => {
    expect(describeDeadline(parseDeadline("长期坚持", Y2022), cal)).toContain("长期坚持");
    expect(describeDeadline(parseDeadline("疫情防控期间", Y2022), cal)).toContain("疫情防控期间");
    const combo = describeDeadline(parseDeadline("6月底前完成并长期公开", Y2022), cal);
    expect(combo).toContain("2022年6月30日");
    expect(combo).toContain("长期公开");
    expect(describeDeadline(parseDeadline("按要求", Y2022), cal)).toContain("未识别");
  });

  it("mentions a year outside calendar coverage", () => {
    const abs = parseDeadline("4月底前", { year: 2027 });
    expect(abs.due).toBe("2027-04-30");
    expect(describeDeadline(abs, cal)).toContain("2027年尚无国务院节假日安排数据");
    const monthly = parseDeadline("每月后10个工作日内", { year: 2027 });
    expect(monthly.warnings?.join()).toContain("2027年尚无国务院节假日安排数据");
    // the December instance of 2026 falls in January 2027
    expect(parseDeadline("每月后10个工作日内", { year: 2026 }).warnings?.join()).toContain("2027年");
    expect(describeDeadline(parseDeadline("4月底前", Y2022), cal)).not.toContain("尚无");
    // once an admin loads the year, the note goes away
    const withOverlay = createCalendar([{ date: "2027-01-01", workday: false, name: "元旦" }]);
    expect(describeDeadline(abs, withOverlay)).not.toContain("尚无");
  });
});
