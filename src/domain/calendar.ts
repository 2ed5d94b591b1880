/**
 * The official Chinese working-day calendar: weekends off, statutory holidays off, and the
 * weekend days the State Council moves to working days (调休上班) on.
 *
 * Data comes from `chinese-days` (State Council notices 2004 onwards, baked into the package).
 * That library silently treats a year it has no notice for as plain Monday–Friday, so coverage
 * is detected from the library's own data (a year counts when its 1 January and 1 October are
 * named holidays there) and exposed through `covers()` / `coverage()`. Admins can load a newer
 * year's notice as an overlay (see `parseHolidayNotice`); overlay days win over the library for
 * the dates they name, and a year counts as covered as soon as the overlay names any day of it.
 *
 * Every input and output is a `YYYY-MM-DD` business date string; the library is only ever given
 * such strings, never a JS Date (whose meaning depends on the process time zone).
 */
import chineseDays from "chinese-days";
import { addDays, dayOfWeek, isValidDate, parseDate, toDateString, weekdayCn } from "./dates";

export interface CalendarOverlayDay {
  date: string;
  workday: boolean;
  name?: string;
}

export type DayKind = "workday" | "weekend" | "holiday" | "adjusted_workday";

export interface DayInfo {
  date: string;
  workday: boolean;
  kind: DayKind;
  /** Holiday name (元旦, 春节…) for holidays and for the adjusted working days that belong to them. */
  name?: string;
  /** Where the answer came from: an admin overlay, the library's official data, or the plain Mon–Fri rule of an uncovered year. */
  source: "overlay" | "library" | "weekday_rule";
}

export interface WorkCalendar {
  /** Weekends off, holidays off, 调休 adjusted weekend days on. */
  isWorkday(date: string): boolean;
  /** The n-th working day after `date` (date itself excluded); n = 0 → `date` if a workday, else the next one; n < 0 counts backwards. */
  addWorkdays(date: string, n: number): string;
  /** Working days d with from < d ≤ to (negative when to < from), so `workdaysBetween(d, addWorkdays(d, n)) === n` for n ≥ 1. */
  workdaysBetween(from: string, to: string): number;
  /** True when the library or the overlay has official data for that year. */
  covers(year: number): boolean;
  coverage(): { from: number; to: number; overlayYears: number[] };
  /** Name of the statutory holiday on that (day-off) date, e.g. "春节"; undefined on working days and ordinary weekends. */
  holidayName(date: string): string | undefined;
  /** Everything known about one date. */
  dayInfo(date: string): DayInfo;
}

// ---------------------------------------------------------------------------------------------
// Library access and coverage detection

interface LibDayDetail {
  work: boolean;
  name: string;
  date: string;
}

const lib = chineseDays as unknown as {
  isWorkday(date: string): boolean;
  getDayDetail(date: string): LibDayDetail;
};

/** The library names holidays "Spring Festival,春节,4"; weekdays get an English weekday name. */
function libHolidayName(detail: LibDayDetail): string | undefined {
  const parts = detail.name.split(",");
  if (parts.length < 2 || !parts[1]) return undefined;
  // Use the names of the State Council notice: 清明节, 端午节, 中秋节 (the library says 清明, 端午, 中秋).
  return /^(?:清明|端午|中秋)$/.test(parts[1]) ? `${parts[1]}节` : parts[1];
}

const libraryYearCache = new Map<number, boolean>();

function libraryHasYear(year: number): boolean {
  const cached = libraryYearCache.get(year);
  if (cached !== undefined) return cached;
  let has = false;
  if (Number.isInteger(year) && year >= 1000 && year <= 9999) {
    const jan1 = lib.getDayDetail(toDateString(year, 1, 1));
    const oct1 = lib.getDayDetail(toDateString(year, 10, 1));
    has = !jan1.work && !oct1.work && libHolidayName(jan1) !== undefined && libHolidayName(oct1) !== undefined;
  }
  libraryYearCache.set(year, has);
  return has;
}

let libraryRange: { from: number; to: number } | undefined;

/** The contiguous range of years the library has official data for (2004–2026 for chinese-days 1.5.7). */
export function libraryCoverage(): { from: number; to: number } {
  if (libraryRange) return libraryRange;
  let from = 0;
  let to = 0;
  // chinese-days starts at 2004; scan a generous window so a newer release is picked up unchanged.
  for (let y = 1990; y <= 2100; y++) {
    if (libraryHasYear(y)) {
      if (!from) from = y;
      to = y;
    } else if (from) {
      break;
    }
  }
  libraryRange = { from, to };
  return libraryRange;
}

// ---------------------------------------------------------------------------------------------
// The calendar

const MAX_STEPS = 20_000; // ~55 years of days: far beyond any real deadline, guards against loops

export function createCalendar(overlay: CalendarOverlayDay[] = []): WorkCalendar {
  const overlayByDate = new Map<string, CalendarOverlayDay>();
  const overlayYears = new Set<number>();
  for (const day of overlay) {
    if (!isValidDate(day.date)) throw new RangeError(`overlay day has an invalid date: ${JSON.stringify(day.date)}`);
    overlayByDate.set(day.date, day);
    overlayYears.add(parseDate(day.date).year);
  }

  const memo = new Map<string, DayInfo>();

  function dayInfo(date: string): DayInfo {
    let info = memo.get(date);
    if (!info) {
      info = computeDayInfo(date);
      if (memo.size > 50_000) memo.clear();
      memo.set(date, info);
    }
    return { ...info };
  }

  function computeDayInfo(date: string): DayInfo {
    const { year } = parseDate(date); // validates
    const o = overlayByDate.get(date);
    const dow = dayOfWeek(date);
    const weekend = dow === 0 || dow === 6;
    if (o) {
      return {
        date,
        workday: o.workday,
        kind: o.workday ? (weekend ? "adjusted_workday" : "workday") : weekend && !o.name ? "weekend" : "holiday",
        name: o.name,
        source: "overlay",
      };
    }
    if (libraryHasYear(year)) {
      const detail = lib.getDayDetail(date);
      const name = libHolidayName(detail);
      if (detail.work) {
        return { date, workday: true, kind: weekend ? "adjusted_workday" : "workday", name: weekend ? name : undefined, source: "library" };
      }
      return { date, workday: false, kind: name ? "holiday" : "weekend", name, source: "library" };
    }
    return { date, workday: !weekend, kind: weekend ? "weekend" : "workday", source: "weekday_rule" };
  }

  function isWorkday(date: string): boolean {
    let info = memo.get(date);
    if (!info) info = dayInfo(date);
    return info.workday;
  }

  function addWorkdays(date: string, n: number): string {
    if (!Number.isInteger(n)) throw new RangeError(`addWorkdays: n must be an integer, got ${n}`);
    parseDate(date);
    if (n === 0) {
      return isWorkday(date) ? date : addWorkdays(date, 1);
    }
    const step = n > 0 ? 1 : -1;
    let left = Math.abs(n);
    let d = date;
    for (let i = 0; i < MAX_STEPS; i++) {
      d = addDays(d, step);
      if (isWorkday(d) && --left === 0) return d;
    }
    throw new RangeError(`addWorkdays: ${n} working days from ${date} is out of range`);
  }

  function workdaysBetween(from: string, to: string): number {
    parseDate(from);
    parseDate(to);
    if (from === to) return 0;
    const forward = from < to;
    const [lo, hi] = forward ? [from, to] : [to, from];
    let count = 0;
    let d = lo;
    for (let i = 0; i < MAX_STEPS; i++) {
      d = addDays(d, 1);
      if (d > hi) break;
      if (isWorkday(d)) count++;
    }
    return forward ? count : -count;
  }

  function covers(year: number): boolean {
    return libraryHasYear(year) || overlayYears.has(year);
  }

  function coverage() {
    const { from, to } = libraryCoverage();
    return { from, to, overlayYears: [...overlayYears].sort((a, b) => a - b) };
  }

  function holidayName(date: string): string | undefined {
    const info = dayInfo(date);
    return info.workday ? undefined : info.name;
  }

  return { isWorkday, addWorkdays, workdaysBetween, covers, coverage, holidayName, dayInfo };
}

let defaultCalendar: WorkCalendar | undefined;

/** A shared calendar with the library data only (no overlay); for callers that were given none. */
export function libraryCalendar(): WorkCalendar {
  return (defaultCalendar ??= createCalendar());
}

/** A Chinese sentence for admins about a year the calendar does not cover, or undefined when covered. */
export function coverageNote(cal: WorkCalendar, year: number): string | undefined {
  if (cal.covers(year)) return undefined;
  const { from, to, overlayYears } = cal.coverage();
  const extra = overlayYears.length ? `，另已导入${overlayYears.join("、")}年` : "";
  return `${year}年尚无国务院节假日安排数据（内置数据覆盖${from}–${to}年${extra}），工作日暂按周一至周五估算；国务院公布安排后请管理员导入`;
}

// ---------------------------------------------------------------------------------------------
// The State Council notice

export class HolidayNoticeError extends Error {
  constructor(
    message: string,
    readonly line?: string,
  ) {
    super(message);
    this.name = "HolidayNoticeError";
  }
}

const HOLIDAY_NAMES = ["元旦", "春节", "清明节", "清明", "劳动节", "端午节", "端午", "中秋节", "中秋", "国庆节", "国庆"];
const WEEKDAY_CHARS: Record<string, number> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };

function toHalfWidth(s: string): string {
  return s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[(]/g, "（").replace(/[)]/g, "）").replace(/:/g, "：");
}

interface NoticeDate {
  date: string;
  weekdayHint?: number; // from "（周四）" / "（星期六）"
  explicitYear: boolean;
  month: number;
}

const DATE_TOKEN = /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(（[^）]*）)?/g;

function weekdayHint(paren: string | undefined): number | undefined {
  if (!paren) return undefined;
  const m = /(?:星期|周)([日天一二三四五六])/.exec(paren);
  return m ? WEEKDAY_CHARS[m[1]] : undefined;
}

/**
 * Read a pasted 国务院办公厅关于YYYY年部分节假日安排的通知 into overlay days: every day of each
 * holiday range off (named after the holiday) and every listed 上班 day on. Lines look like
 * `二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。`
 * A month-less day inherits the previous date's month; a year-less date takes `year` (or the
 * previous date's year when it is written, as in 元旦：2022年12月31日至2023年1月2日).
 * Returns a HolidayNoticeError (nothing partial) when a holiday line cannot be read, the 共N天
 * count disagrees with the range, or a (周X) annotation does not match the date — the usual sign
 * of a notice for another year.
 */
export function parseHolidayNotice(text: string, year: number): CalendarOverlayDay[] | HolidayNoticeError {
  if (!Number.isInteger(year) || year < 1949 || year > 9999) return new HolidayNoticeError(`年份无效：${year}`);
  const normalized = toHalfWidth(text).replace(/\r/g, "");
  // Split into holiday sections: at line breaks and before "二、" style enumerators.
  const sections = normalized
    .split(/\n|(?=[一二三四五六七八九十]{1,2}、(?:元旦|春节|清明|劳动|端午|中秋|国庆))|(?<=。)(?=(?:元旦|春节|清明|劳动|端午|中秋|国庆)[^：]{0,6}：)/)
    .map((s) => s.replace(/^\s*[一二三四五六七八九十]{1,2}、\s*/, "").trim())
    .filter(Boolean);

  const days = new Map<string, CalendarOverlayDay>();
  let holidaySections = 0;

  for (const section of sections) {
    const head = /^([\u4e00-\u9fa5、]{2,12})：(.*)$/.exec(section);
    if (!head) continue;
    const names = head[1].split("、").filter((n) => HOLIDAY_NAMES.includes(n));
    if (names.length === 0) continue;
    const name = names.map((n) => (n.endsWith("节") || n === "元旦" ? n : `${n}节`)).join("、");
    const body = head[2];
    if (!body.includes("放假")) return new HolidayNoticeError(`未找到“放假”：${section}`, section);
    holidaySections++;

    const offPart = body.slice(0, body.indexOf("放假"));
    const offDates = readDates(offPart, year);
    if (offDates instanceof HolidayNoticeError) return offDates;
    if (offDates.length === 0 || offDates.length > 2) return new HolidayNoticeError(`无法读取放假日期：${section}`, section);
    const start = offDates[0];
    let end = offDates[offDates.length - 1];
    if (offDates.length === 2 && !end.explicitYear && end.date < start.date) {
      // "12月31日至1月2日" without years: the range crosses into the next year.
      const p = parseDate(end.date);
      end = { ...end, date: toDateString(p.year + 1, p.month, p.day) };
    }
    if (offDates.length === 2 && !/至|—|-|~|～/.test(offPart)) return new HolidayNoticeError(`放假日期不是一个区间：${section}`, section);
    const off: string[] = [];
    for (let d = start.date; d <= end.date; d = addDays(d, 1)) {
      off.push(d);
      if (off.length > 40) return new HolidayNoticeError(`放假区间过长：${section}`, section);
    }
    const total = /共(\d+)天/.exec(body) ?? /放假(\d+)天/.exec(body);
    if (total && Number(total[1]) !== off.length) {
      return new HolidayNoticeError(`${name}放假${formatRange(start.date, end.date)}共${off.length}天，与原文“共${total[1]}天”不符`, section);
    }
    for (const d of off) days.set(d, { date: d, workday: false, name });

    // Working days: "2月14日（周六）、2月28日（周六）上班" — possibly several "…上班" sentences.
    const rest = body.slice(body.indexOf("放假"));
    const workRe = /((?:(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:（[^）]*）)?[、和及,，]?)+)上班/g;
    let wm: RegExpExecArray | null;
    while ((wm = workRe.exec(rest))) {
      const workDates = readDates(wm[1], year);
      if (workDates instanceof HolidayNoticeError) return workDates;
      for (const w of workDates) {
        let date = w.date;
        // A make-up day written without a year but belonging to the other side of New Year.
        if (!w.explicitYear && name === "元旦" && w.month === 12 && start.month === 1) date = toDateString(year - 1, 12, parseDate(date).day);
        days.set(date, { date, workday: true, name });
      }
    }
  }

  if (holidaySections === 0) return new HolidayNoticeError("未找到任何节假日安排（应形如“春节：2月15日至23日放假调休，共9天。2月14日（星期六）上班。”）");
  return [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

function formatRange(a: string, b: string): string {
  const pa = parseDate(a);
  const pb = parseDate(b);
  return `${pa.month}月${pa.day}日至${pb.month}月${pb.day}日`;
}

function readDates(text: string, year: number): NoticeDate[] | HolidayNoticeError {
  const out: NoticeDate[] = [];
  let curYear = year;
  let curMonth: number | undefined;
  DATE_TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DATE_TOKEN.exec(text))) {
    const explicitYear = m[1] !== undefined;
    if (explicitYear) curYear = Number(m[1]);
    if (m[2] !== undefined) curMonth = Number(m[2]);
    if (curMonth === undefined) return new HolidayNoticeError(`日期缺少月份：${m[0]}`, text);
    const date = toDateString(curYear, curMonth, Number(m[3]));
    if (!isValidDate(date)) return new HolidayNoticeError(`日期无效：${m[0]}`, text);
    const hint = weekdayHint(m[4]);
    if (hint !== undefined && hint !== dayOfWeek(date)) {
      return new HolidayNoticeError(`${curYear}年${curMonth}月${Number(m[3])}日是${weekdayCn(date)}，与原文“${m[4]}”不符，请确认通知年份`, text);
    }
    out.push({ date, weekdayHint: hint, explicitYear, month: curMonth });
  }
  return out;
}
