/**
 * Business dates: plain `YYYY-MM-DD` strings meaning a calendar day in Asia/Shanghai.
 *
 * China has used a fixed UTC+08:00 offset without daylight saving since 1991, so "today in
 * Shanghai" is simply the UTC instant shifted by eight hours. All arithmetic here is done on
 * UTC midnights of the date's own numbers, never in the process's local time zone (Workers run
 * in UTC, developer machines may not).
 */
import dayjs from "dayjs";
import isoWeek from "dayjs/plugin/isoWeek.js";
import utc from "dayjs/plugin/utc.js";
import type { Clock } from "./clock";

// dayjs in UTC mode on the date's own numbers: no process time zone, and none of the open bugs of
// its tz() plugin with startOf/endOf (dayjs #1573, #2290, #2467).
dayjs.extend(utc);
dayjs.extend(isoWeek);

/** Asia/Shanghai offset from UTC, in minutes (fixed, no DST). */
export const SHANGHAI_OFFSET_MINUTES = 8 * 60;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKDAYS_CN = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"] as const;

export interface DateParts {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Build `YYYY-MM-DD` from numbers. Does not validate (see `isValidDate`). */
export function toDateString(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)}`;
}

/** True for a real calendar date written exactly as `YYYY-MM-DD` (2022-02-29 is false). */
export function isValidDate(date: string): boolean {
  if (typeof date !== "string") return false;
  const m = DATE_RE.exec(date);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Split a valid date; throws on anything else so bad input never turns into NaN dates. */
export function parseDate(date: string): DateParts {
  if (!isValidDate(date)) throw new RangeError(`invalid business date: ${JSON.stringify(date)}`);
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

function day(date: string): dayjs.Dayjs {
  parseDate(date); // validates
  return dayjs.utc(date, "YYYY-MM-DD");
}

const FORMAT = "YYYY-MM-DD";

/** The business date (Asia/Shanghai) at the clock's current instant. */
export function todayIn(clock: Clock): string {
  return dateInShanghai(clock.now());
}

/** The Asia/Shanghai calendar date of an instant. */
export function dateInShanghai(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError("invalid instant");
  return dayjs(instant).utcOffset(SHANGHAI_OFFSET_MINUTES).format(FORMAT);
}

export function daysInMonth(year: number, month: number): number {
  return dayjs.utc(toDateString(year, month, 1), FORMAT).daysInMonth();
}

/** `date` moved by `n` calendar days (n may be negative). */
export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`addDays: n must be an integer, got ${n}`);
  return day(date).add(n, "day").format(FORMAT);
}

/** Whole calendar days from `b` to `a`, i.e. `a − b` (like dayjs `a.diff(b, "day")`). */
export function diffDays(a: string, b: string): number {
  return day(a).diff(day(b), "day");
}

/** -1, 0 or 1; `YYYY-MM-DD` strings also compare correctly as strings. */
export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return day(date).day();
}

/** Monday and Sunday of the (Monday-first, as in China) week containing `date`. */
export function weekBounds(date: string): { monday: string; sunday: string } {
  const dow = dayOfWeek(date);
  const monday = addDays(date, dow === 0 ? -6 : 1 - dow);
  return { monday, sunday: addDays(monday, 6) };
}

/** Last day of month `month` (1–12) of `year`, as `YYYY-MM-DD`. */
export function endOfMonth(year: number, month: number): string {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`month out of range: ${month}`);
  return toDateString(year, month, daysInMonth(year, month));
}

export function startOfMonth(year: number, month: number): string {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`month out of range: ${month}`);
  return toDateString(year, month, 1);
}

/** "12月31日"; with `{ year: true }` "2022年12月31日". Leading zeros are dropped as in Chinese documents. */
export function formatCn(date: string, opts: { year?: boolean } = {}): string {
  const { year, month, day } = parseDate(date);
  return `${opts.year ? `${year}年` : ""}${month}月${day}日`;
}

/** "星期一" … "星期日". */
export function weekdayCn(date: string): string {
  return WEEKDAYS_CN[dayOfWeek(date)];
}

/** ISO-8601 week key "2022-W05" (weeks start on Monday; week 1 contains the year's first Thursday). */
export function isoWeekKey(date: string): string {
  const d = day(date);
  return `${d.isoWeekYear()}-W${pad2(d.isoWeek())}`;
}
