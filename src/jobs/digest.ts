/**
 * The daily digest: one card per bound unit group on each working day — overdue assignments, those due
 * within the next 7 days, this week's count. An empty one is sent only to groups that asked for it.
 */
import { coverageNote } from "../domain/calendar";
import { addDays, diffDays, parseDate, weekBounds } from "../domain/dates";
import { digestCard } from "./cards";
import { dryRunReports, plan, writeGroups, type JobDeps, type JobOptions, type JobResult, type Planned } from "./plan";
import { isOverdueOn, isTracked, scheduleReader } from "./schedule";
import { readWorld, unitName } from "./world";

/** Days ahead (after today) that count as "due soon". */
export const SOON_DAYS = 7;

export function dayOffReason(deps: JobDeps, date: string): string | undefined {
  const info = deps.calendar.dayInfo(date);
  if (info.workday) return undefined;
  return `${date} 不是工作日（${info.name ?? "周末"}）`;
}

export async function runDigest(deps: JobDeps, date: string, opts: JobOptions = {}): Promise<JobResult> {
  const result: JobResult = { job: "digest", date, messages: [], notes: [] };
  const off = dayOffReason(deps, date);
  if (off) return { ...result, skipped: off };
  const cal = deps.calendar;
  const w = await readWorld(deps.db);
  const schedule = scheduleReader(cal);
  const notice = coverageNote(cal, parseDate(date).year);
  const { monday, sunday } = weekBounds(date);
  const horizon = addDays(date, SOON_DAYS);

  const byUnit = new Map<number, typeof w.assignments>();
  for (const a of w.assignments) byUnit.set(a.unitId, [...(byUnit.get(a.unitId) ?? []), a]);

  const groups: Planned[][] = [];
  let current: Planned[] = [];
  for (const [unitId, chats] of w.unitChats) {
    const list = byUnit.get(unitId) ?? [];
    const overdue = list
      .filter((a) => isOverdueOn(a, schedule(a), date))
      .map((a) => ({ a, workdays: cal.workdaysBetween(a.dueDate!, date) }));
    const soon = list
      .filter((a) => a.status !== "done" && isTracked(a, schedule(a)) && a.dueDate! >= date && a.dueDate! <= horizon)
      .map((a) => ({ a, days: diffDays(a.dueDate!, date) }));
    const week = list.filter((a) => isTracked(a, schedule(a)) && a.dueDate! >= monday && a.dueDate! <= sunday);
    const empty = !overdue.length && !soon.length;
    const reply = digestCard({
      unitName: unitName(w, unitId),
      date,
      overdue,
      soon,
      week: { total: week.length, done: week.filter((a) => a.status === "done").length },
      calendarNotice: notice,
    });
    for (const chat of chats) {
      if (empty && chat.muteEmptyDigest) {
        result.notes.push(`${unitName(w, unitId)}（${chat.chatId}）今天没有需要提醒的任务，未发送（空提醒已关闭）`);
        continue;
      }
      current.push(plan("digest", { target: "chat_id", id: chat.chatId, label: `${unitName(w, unitId)}群` }, `unit-${unitId}`, date, date, reply));
      if (current.length >= 50) {
        groups.push(current);
        current = [];
      }
    }
  }
  groups.push(current);
  for (const [id, name] of w.units) {
    if (!w.unitChats.has(id) && (byUnit.get(id) ?? []).some((a) => a.status !== "done")) {
      result.notes.push(`${name}有未完成的任务但没有绑定工作群，收不到每日提醒`);
    }
  }
  if (notice) result.notes.push(notice);
  result.messages = opts.dryRun ? await dryRunReports(deps.db, groups.flat()) : await writeGroups(deps.db, groups);
  return result;
}
