/**
 * The weekly admin summary: on the first working day of each week (Monday, or later when Monday is a
 * holiday), per-unit counts of done, open and overdue assignments and the units with overdue work.
 * One per admin chat per ISO week: a second run in the same week (a catch-up, the CLI) sends nothing.
 */
import { coverageNote } from "../domain/calendar";
import { addDays, isoWeekKey, parseDate, weekBounds } from "../domain/dates";
import { summaryCard, type SummaryRow } from "./cards";
import { dayOffReason } from "./digest";
import { adminRecipients, dryRunReports, plan, writeGroups, type JobDeps, type JobOptions, type JobResult } from "./plan";
import { isOverdueOn, scheduleReader } from "./schedule";
import { readWorld } from "./world";

/** The first working day of the (Monday-first) week containing `date`, or undefined for a week without one. */
export function firstWorkdayOfWeek(deps: Pick<JobDeps, "calendar">, date: string): string | undefined {
  const { monday } = weekBounds(date);
  for (let i = 0; i < 7; i++) {
    const d = addDays(monday, i);
    if (deps.calendar.isWorkday(d)) return d;
  }
  return undefined;
}

export async function runSummary(deps: JobDeps, date: string, opts: JobOptions = {}): Promise<JobResult> {
  const result: JobResult = { job: "summary", date, messages: [], notes: [] };
  const off = dayOffReason(deps, date);
  if (off) return { ...result, skipped: off };
  const cal = deps.calendar;
  const year = parseDate(date).year;
  const week = isoWeekKey(date);
  const [w, admins] = await Promise.all([readWorld(deps.db), adminRecipients(deps.db)]);
  if (!admins.length) return { ...result, skipped: "没有管理群，也没有登记的管理员：请在管理群发送「设置 管理群」" };
  const schedule = scheduleReader(cal);

  const rows = new Map<number, SummaryRow>();
  for (const [id, name] of w.units) rows.set(id, { unitName: name, done: 0, open: 0, overdue: 0 });
  for (const a of w.assignments) {
    const s = schedule(a);
    // Template rows of recurring / event tasks are counted through their instances.
    if (a.instance === "" && (s.recurring || s.event)) continue;
    // This year's plan, plus whatever is still open from earlier years.
    if (a.planYear !== year && a.status === "done") continue;
    const r = rows.get(a.unitId);
    if (!r) continue;
    if (a.status === "done") r.done++;
    else {
      r.open++;
      if (isOverdueOn(a, s, date)) r.overdue++;
    }
  }
  const notices: string[] = [];
  const now = coverageNote(cal, year);
  if (now) notices.push(now);
  const next = coverageNote(cal, year + 1);
  if (next && parseDate(date).month === 12) notices.push(next);

  const reply = summaryCard(date, week.replace(/^(\d{4})-W0?(\d+)$/, "$1年第$2周"), [...rows.values()], notices);
  const planned = admins.map((r) => plan("summary", r, "all", week, date, reply));
  result.messages = opts.dryRun ? await dryRunReports(deps.db, planned) : await writeGroups(deps.db, [planned]);
  return result;
}
