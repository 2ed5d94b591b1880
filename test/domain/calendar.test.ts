import { describe, expect, it } from "vitest";
import { createCalendar, HolidayNoticeError, parseHolidayNotice, type CalendarOverlayDay } from "../../src/domain/calendar";

// Expectations below come from the State Council notices themselves:
// 2026: 国办发明电〔2025〕7号  2023: 国办发明电〔2022〕16号  2022: 国办发明电〔2021〕11号
// 2020: 国办发明电〔2019〕16号, Spring Festival extended to 2 February by 国办发明电〔2020〕1号.
const cal = createCalendar();

const NOTICE_2026 = `国务院办公厅关于2026年部分节假日安排的通知
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。`;

describe("2026 official calendar", () => {
  it.each([
    ["2026-01-01", false], // 元旦 (Thu)
    ["2026-01-02", false], // 元旦 (Fri)
    ["2026-01-04", true], // Sunday made a working day
    ["2026-02-13", true], // Friday before Spring Festival
    ["2026-02-14", true], // Saturday made a working day
    ["2026-02-16", false], // 春节
    ["2026-02-23", false], // Monday, last day of the 9-day break
    ["2026-02-24", true],
    ["2026-02-28", true], // Saturday made a working day
    ["2026-03-07", false], // ordinary Saturday
    ["2026-03-09", true], // ordinary Monday
    ["2026-04-06", false], // 清明 (Mon)
    ["2026-05-05", false], // 劳动节 (Tue)
    ["2026-05-09", true], // Saturday made a working day
    ["2026-06-19", false], // 端午 (Fri)
    ["2026-09-20", true], // Sunday made a working day for National Day
    ["2026-09-25", false], // 中秋 (Fri)
    ["2026-10-01", false],
    ["2026-10-07", false], // Wednesday, still National Day
    ["2026-10-08", true],
    ["2026-10-10", true], // Saturday made a working day
    ["2026-10-11", false],
  ])("%s workday=%s", (date, workday) => {
    expect(cal.isWorkday(date)).toBe(workday);
  });

  it("names holidays with the notice's names and tells adjusted working days apart", () => {
    expect(cal.holidayName("2026-02-17")).toBe("春节");
    expect(cal.holidayName("2026-09-26")).toBe("中秋节");
    expect(cal.holidayName("2026-10-03")).toBe("国庆节");
    expect(cal.holidayName("2026-03-07")).toBeUndefined(); // an ordinary weekend is not a holiday
    expect(cal.holidayName("2026-02-14")).toBeUndefined(); // a working day
    expect(cal.dayInfo("2026-02-14")).toMatchObject({ workday: true, kind: "adjusted_workday", name: "春节", source: "library" });
    expect(cal.dayInfo("2026-03-07")).toMatchObject({ workday: false, kind: "weekend" });
    expect(cal.dayInfo("2026-10-05")).toMatchObject({ workday: false, kind: "holiday", name: "国庆节" });
  });

  it("counts working days across the National Day / Mid-Autumn break", () => {
    expect(cal.addWorkdays("2026-09-30", 1)).toBe("2026-10-08");
    expect(cal.addWorkdays("2026-09-30", 3)).toBe("2026-10-10"); // 8, 9, Saturday 10
    expect(cal.addWorkdays("2026-09-30", 4)).toBe("2026-10-12");
    // 7 working days after Friday 18 September: Sun 20 (adjusted) 21 22 23 24, [25–27 中秋], 28 29
    expect(cal.addWorkdays("2026-09-18", 7)).toBe("2026-09-29");
    expect(cal.workdaysBetween("2026-09-30", "2026-10-12")).toBe(4);
  });

  it("counts working days across the Spring Festival", () => {
    expect(cal.addWorkdays("2026-02-13", 1)).toBe("2026-02-14");
    expect(cal.addWorkdays("2026-02-13", 2)).toBe("2026-02-24");
    expect(cal.addWorkdays("2026-02-14", 0)).toBe("2026-02-14");
    expect(cal.addWorkdays("2026-02-15", 0)).toBe("2026-02-24"); // a holiday: the next working day
    expect(cal.addWorkdays("2026-02-24", -1)).toBe("2026-02-14");
    expect(cal.workdaysBetween("2026-02-24", "2026-02-13")).toBe(-2);
    expect(cal.workdaysBetween("2026-02-13", "2026-02-13")).toBe(0);
  });
});

describe("2022 (the yiyuan plan year) and a year boundary", () => {
  it.each([
    ["2022-01-29", true], // Saturday made a working day for Spring Festival
    ["2022-01-30", true], // Sunday made a working day
    ["2022-01-31", false], // 春节 1/31–2/6
    ["2022-02-06", false],
    ["2022-02-07", true],
    ["2022-04-02", true], // Saturday made a working day for 清明
    ["2022-04-24", true], // Sunday made a working day for 劳动节
    ["2022-04-30", false], // 劳动节 4/30–5/4
    ["2022-05-07", true], // Saturday made a working day
    ["2022-06-03", false], // 端午
    ["2022-09-12", false], // 中秋 (Mon)
    ["2022-10-08", true], // Saturday made a working day
    ["2022-10-09", true], // Sunday made a working day
    ["2022-12-31", false], // 元旦 2023 starts on 31 December 2022
    ["2023-01-02", false],
    ["2023-01-03", true],
  ])("%s workday=%s", (date, workday) => {
    expect(cal.isWorkday(date)).toBe(workday);
  });

  it("20 working days after 28 September 2022 skip the Golden Week and count the adjusted weekend", () => {
    // 9/29 9/30 | 10/8 10/9 10/10–14 | 17–21 | 24–28 | 31
    expect(cal.addWorkdays("2022-09-28", 20)).toBe("2022-10-31");
    expect(cal.workdaysBetween("2022-09-28", "2022-10-31")).toBe(20);
  });

  it("crosses the year boundary through the 2023 New Year holiday", () => {
    expect(cal.addWorkdays("2022-12-30", 1)).toBe("2023-01-03");
    expect(cal.workdaysBetween("2022-12-30", "2023-01-03")).toBe(1);
  });

  it("2020: the Spring Festival break extended to 2 February turned Saturday 1 February into a day off", () => {
    expect(cal.isWorkday("2020-01-19")).toBe(true); // Sunday made a working day
    expect(cal.isWorkday("2020-01-31")).toBe(false);
    expect(cal.isWorkday("2020-02-01")).toBe(false);
    expect(cal.addWorkdays("2020-01-23", 1)).toBe("2020-02-03");
    expect(cal.isWorkday("2020-06-28")).toBe(true); // Sunday after 端午 made a working day
    expect(cal.isWorkday("2020-10-08")).toBe(false); // 国庆中秋 10/1–10/8
    expect(cal.isWorkday("2020-10-10")).toBe(true);
  });
});

describe("coverage", () => {
  it("knows which years have official data and says so for 2027", () => {
    expect(cal.covers(2004)).toBe(true);
    expect(cal.covers(2018)).toBe(true);
    expect(cal.covers(2022)).toBe(true);
    expect(cal.covers(2026)).toBe(true);
    expect(cal.covers(2003)).toBe(false);
    expect(cal.covers(2027)).toBe(false);
    expect(cal.coverage()).toEqual({ from: 2004, to: 2026, overlayYears: [] });
  });

  it("falls back to Monday–Friday in an uncovered year and marks the answer as such", () => {
    expect(cal.isWorkday("2027-01-01")).toBe(true); // surely 元旦 in reality: that is why covers() exists
    expect(cal.dayInfo("2027-01-01").source).toBe("weekday_rule");
    expect(cal.isWorkday("2027-01-02")).toBe(false); // Saturday
  });

  it("an overlay wins over the library for the dates it names and covers its year", () => {
    const overlay: CalendarOverlayDay[] = [
      { date: "2027-01-01", workday: false, name: "元旦" },
      { date: "2026-10-08", workday: false, name: "特别休假" },
      { date: "2026-10-11", workday: true },
    ];
    const c = createCalendar(overlay);
    expect(c.covers(2027)).toBe(true);
    expect(c.coverage()).toEqual({ from: 2004, to: 2026, overlayYears: [2026, 2027] });
    expect(c.isWorkday("2027-01-01")).toBe(false);
    expect(c.holidayName("2027-01-01")).toBe("元旦");
    expect(c.dayInfo("2027-01-01").source).toBe("overlay");
    expect(c.isWorkday("2027-01-04")).toBe(true); // not named: weekday rule
    expect(c.isWorkday("2026-10-08")).toBe(false);
    expect(c.isWorkday("2026-10-11")).toBe(true);
    expect(c.addWorkdays("2026-09-30", 1)).toBe("2026-10-09");
    expect(c.addWorkdays("2026-12-31", 1)).toBe("2027-01-04");
    // the library-only calendar is unaffected
    expect(cal.isWorkday("2026-10-08")).toBe(true);
  });

  it("rejects invalid dates instead of guessing", () => {
    expect(() => cal.isWorkday("2026-02-30")).toThrow();
    expect(() => cal.isWorkday("2026/02/03")).toThrow();
    expect(() => createCalendar([{ date: "2027-13-01", workday: false }])).toThrow();
    expect(() => cal.addWorkdays("2026-01-05", 1.5)).toThrow();
  });
});

describe("parseHolidayNotice", () => {
  it("reads the 2026 notice into exactly the days the library has", () => {
    const days = parseHolidayNotice(NOTICE_2026, 2026);
    if (!Array.isArray(days)) throw days;
    // 3+9+3+5+3+3+7 = 33 days off; 1 + 2 + 1 + 2 = 6 working days
    expect(days.filter((d) => !d.workday)).toHaveLength(33);
    expect(days.filter((d) => d.workday).map((d) => d.date)).toEqual([
      "2026-01-04",
      "2026-02-14",
      "2026-02-28",
      "2026-05-09",
      "2026-09-20",
      "2026-10-10",
    ]);
    expect(days.find((d) => d.date === "2026-02-23")).toEqual({ date: "2026-02-23", workday: false, name: "春节" });
    for (const d of days) expect(cal.isWorkday(d.date), d.date).toBe(d.workday);
  });

  it("reads the notice when pasted as one line, with full-width digits", () => {
    const oneLine = NOTICE_2026.replace(/\n/g, "").replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const days = parseHolidayNotice(oneLine, 2026);
    if (!Array.isArray(days)) throw days;
    expect(days).toHaveLength(39);
  });

  it("reads the example lines of the brief", () => {
    const days = parseHolidayNotice("元旦：1月1日放假，共1天。\n春节：2月15日至23日放假调休，共9天。2月14日（星期六）、2月28日（星期六）上班。", 2026);
    if (!Array.isArray(days)) throw days;
    expect(days.map((d) => `${d.date}${d.workday ? "+" : "-"}`)).toEqual([
      "2026-01-01-",
      "2026-02-14+",
      ...["15", "16", "17", "18", "19", "20", "21", "22", "23"].map((d) => `2026-02-${d}-`),
      "2026-02-28+",
    ]);
  });

  it("handles a range across New Year and a one-day holiday without 调休", () => {
    const d2023 = parseHolidayNotice("一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。", 2023);
    expect(d2023).toEqual([
      { date: "2022-12-31", workday: false, name: "元旦" },
      { date: "2023-01-01", workday: false, name: "元旦" },
      { date: "2023-01-02", workday: false, name: "元旦" },
    ]);
    const d2025 = parseHolidayNotice("一、元旦：1月1日（周三）放假1天，不调休。\n六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。", 2025);
    if (!Array.isArray(d2025)) throw d2025;
    expect(d2025).toHaveLength(1 + 8 + 2);
    expect(d2025.find((d) => d.date === "2025-10-08")?.name).toBe("国庆节、中秋节");
    expect(d2025.find((d) => d.date === "2025-09-28")?.workday).toBe(true);
  });

  it("refuses a notice whose weekdays do not fit the year (pasted for the wrong year)", () => {
    const r = parseHolidayNotice(NOTICE_2026, 2027);
    expect(r).toBeInstanceOf(HolidayNoticeError);
    expect((r as HolidayNoticeError).message).toContain("2027年1月1日是星期五");
  });

  it("refuses a range that disagrees with 共N天, and text without any holiday", () => {
    expect(parseHolidayNotice("春节：2月15日至22日放假调休，共9天。", 2026)).toBeInstanceOf(HolidayNoticeError);
    expect(parseHolidayNotice("春节：2月30日放假，共1天。", 2026)).toBeInstanceOf(HolidayNoticeError);
    expect(parseHolidayNotice("各位同事好，请查收。", 2027)).toBeInstanceOf(HolidayNoticeError);
  });

  it("an overlay built from a pasted notice makes that year covered", () => {
    const days = parseHolidayNotice("一、元旦：1月1日（周五）至3日（周日）放假，共3天。", 2027);
    if (!Array.isArray(days)) throw days;
    const c = createCalendar(days);
    expect(c.covers(2027)).toBe(true);
    expect(c.isWorkday("2027-01-01")).toBe(false);
    expect(c.addWorkdays("2026-12-31", 1)).toBe("2027-01-04");
  });
});
