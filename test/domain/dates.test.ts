import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/domain/clock";
import {
  addDays,
  dateInShanghai,
  dayOfWeek,
  diffDays,
  endOfMonth,
  formatCn,
  isoWeekKey,
  isValidDate,
  todayIn,
  weekBounds,
  weekdayCn,
} from "../../src/domain/dates";

describe("todayIn (Asia/Shanghai, fixed +08:00)", () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it("turns over at 16:00 UTC", () => {
    expect(todayIn(fixedClock("2022-05-17T15:59:59Z"))).toBe("2022-05-17");
    expect(todayIn(fixedClock("2022-05-17T16:00:00Z"))).toBe("2022-05-18");
    expect(todayIn(fixedClock("2022-05-18T00:30:00+08:00"))).toBe("2022-05-18");
    expect(todayIn(fixedClock("2022-12-31T16:00:00Z"))).toBe("2023-01-01");
  });

  it("does not depend on the process time zone", () => {
    for (const tz of ["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Asia/Shanghai"]) {
      process.env.TZ = tz;
      expect(todayIn(fixedClock("2026-03-08T17:00:00Z")), tz).toBe("2026-03-09");
      expect(addDays("2026-03-08", 1), tz).toBe("2026-03-09"); // a US DST change day
      expect(diffDays("2026-11-02", "2026-10-31"), tz).toBe(2);
    }
  });

  it("rejects an invalid instant", () => {
    expect(() => dateInShanghai(new Date("nope"))).toThrow();
  });
});

describe("date arithmetic", () => {
  it("adds days across months, years and leap days", () => {
    expect(addDays("2022-12-31", 1)).toBe("2023-01-01");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2023-02-28", 1)).toBe("2023-03-01");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("2022-05-18", 0)).toBe("2022-05-18");
    expect(() => addDays("2022-05-18", 0.5)).toThrow();
  });

  it("diffDays(a, b) is a − b", () => {
    expect(diffDays("2022-12-31", "2022-01-01")).toBe(364);
    expect(diffDays("2024-12-31", "2024-01-01")).toBe(365);
    expect(diffDays("2022-05-18", "2022-05-20")).toBe(-2);
  });

  it("weekBounds: Monday-first weeks", () => {
    expect(weekBounds("2022-05-18")).toEqual({ monday: "2022-05-16", sunday: "2022-05-22" }); // Wednesday
    expect(weekBounds("2022-05-22")).toEqual({ monday: "2022-05-16", sunday: "2022-05-22" }); // Sunday
    expect(weekBounds("2022-05-16")).toEqual({ monday: "2022-05-16", sunday: "2022-05-22" }); // Monday
    expect(weekBounds("2022-01-01")).toEqual({ monday: "2021-12-27", sunday: "2022-01-02" }); // across New Year
  });

  it("endOfMonth knows leap years (including the century rules)", () => {
    expect(endOfMonth(2022, 2)).toBe("2022-02-28");
    expect(endOfMonth(2020, 2)).toBe("2020-02-29");
    expect(endOfMonth(2000, 2)).toBe("2000-02-29");
    expect(endOfMonth(2100, 2)).toBe("2100-02-28");
    expect(endOfMonth(2022, 4)).toBe("2022-04-30");
    expect(endOfMonth(2022, 12)).toBe("2022-12-31");
    expect(() => endOfMonth(2022, 13)).toThrow();
  });

  it("isValidDate accepts only real YYYY-MM-DD dates", () => {
    expect(isValidDate("2024-02-29")).toBe(true);
    expect(isValidDate("2022-02-29")).toBe(false);
    expect(isValidDate("2022-13-01")).toBe(false);
    expect(isValidDate("2022-04-31")).toBe(false);
    expect(isValidDate("2022-4-1")).toBe(false);
    expect(isValidDate("2022-04-01T00:00")).toBe(false);
    expect(isValidDate("")).toBe(false);
  });

  it("formats in Chinese", () => {
    expect(formatCn("2022-12-31")).toBe("12月31日");
    expect(formatCn("2022-04-05")).toBe("4月5日");
    expect(formatCn("2022-04-05", { year: true })).toBe("2022年4月5日");
    expect(weekdayCn("2022-04-30")).toBe("星期六");
    expect(weekdayCn("2022-05-20")).toBe("星期五");
    expect(weekdayCn("2026-10-01")).toBe("星期四");
    expect(weekdayCn("2026-02-15")).toBe("星期日");
    expect(dayOfWeek("2026-02-15")).toBe(0);
  });

  it("ISO week keys", () => {
    expect(isoWeekKey("2022-01-01")).toBe("2021-W52");
    expect(isoWeekKey("2022-01-03")).toBe("2022-W01");
    expect(isoWeekKey("2020-12-31")).toBe("2020-W53");
    expect(isoWeekKey("2026-12-31")).toBe("2026-W53");
  });
});

describe("runtime neutrality", () => {
  it("src/domain has no node: imports (it must run on Workers)", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(".ts")) files.push(p);
      }
    };
    walk(fileURLToPath(new URL("../../src/domain", import.meta.url)));
    for (const f of files) expect(readFileSync(f, "utf8"), f).not.toMatch(/from\s+["']node:/);
  });
});
