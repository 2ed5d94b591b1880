/**
 * The calendar must not run out silently. Once per year and admin chat:
 * - from 1 December, when next year has no official holiday data yet, an advance request to load it;
 * - in a year without data, a warning that working days now fall back to Monday–Friday (every
 *   digest of that year also says so).
 */
import { coverageNote } from "../domain/calendar";
import { parseDate } from "../domain/dates";
import { calendarAdvanceCard, calendarFallbackCard } from "./cards";
import { adminRecipients, dryRunReports, plan, writeGroups, type JobDeps, type JobOptions, type JobResult, type Planned } from "./plan";

export async function runCalendarCheck(deps: JobDeps, date: string, opts: JobOptions = {}): Promise<JobResult> {
  const result: JobResult = { job: "calendar", date, messages: [], notes: [] };
  const { year, month } = parseDate(date);
  const planned: Planned[] = [];
  const admins = await adminRecipients(deps.db);
  const now = coverageNote(deps.calendar, year);
  if (now) {
    result.notes.push(now);
    for (const r of admins) planned.push(plan("calendar-fallback", r, "calendar", String(year), date, calendarFallbackCard(year, now)));
  }
  const next = month === 12 ? coverageNote(deps.calendar, year + 1) : undefined;
  if (next) {
    result.notes.push(next);
    for (const r of admins) planned.push(plan("calendar-advance", r, "calendar", String(year + 1), date, calendarAdvanceCard(year + 1, next)));
  }
  if ((now || next) && !admins.length) result.notes.push("没有管理群，也没有登记的管理员，节假日数据提醒无处发送");
  result.messages = opts.dryRun ? await dryRunReports(deps.db, planned) : await writeGroups(deps.db, [planned]);
  return result;
}
