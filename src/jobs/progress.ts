/**
 * Continuing tasks (长期坚持, 长期公示 …) are never overdue; instead, once per period (setting: each
 * week, month or quarter; default each month) the unit is asked for a progress note on those it has
 * not reported on yet in that period. To the unit's group, or its liaisons when it has no group.
 */
import { notedSince } from "../../db/queries/jobs";
import { isoWeekKey, parseDate, toDateString, weekBounds } from "../domain/dates";
import { progressRequestCard } from "./cards";
import { dayOffReason } from "./digest";
import { dryRunReports, plan, writeGroups, type JobDeps, type JobOptions, type JobResult, type Planned } from "./plan";
import { scheduleReader } from "./schedule";
import { loadSettings, type ProgressEvery } from "./settings";
import { groupRecipients, liaisonRecipients, readWorld, unitName } from "./world";

export function progressPeriod(every: ProgressEvery, date: string): { key: string; start: string; label: string } {
  const { year, month } = parseDate(date);
  if (every === "week") return { key: isoWeekKey(date), start: weekBounds(date).monday, label: "本周" };
  if (every === "quarter") {
    const q = Math.ceil(month / 3);
    return { key: `${year}-Q${q}`, start: toDateString(year, q * 3 - 2, 1), label: `${year}年第${q}季度` };
  }
  return { key: `${year}-${String(month).padStart(2, "0")}`, start: toDateString(year, month, 1), label: `${year}年${month}月` };
}

/** Epoch ms of 00:00 Beijing time on a business date. */
export function beijingMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

export async function runProgressRequests(deps: JobDeps, date: string, opts: JobOptions = {}): Promise<JobResult> {
  const result: JobResult = { job: "progress", date, messages: [], notes: [] };
  const off = dayOffReason(deps, date);
  if (off) return { ...result, skipped: off };
  const settings = await loadSettings(deps.db);
  const period = progressPeriod(settings.progressEvery, date);
  const w = await readWorld(deps.db);
  const schedule = scheduleReader(deps.calendar);
  const continuing = w.assignments.filter((a) => a.status !== "done" && schedule(a).continuing);
  const noted = await notedSince(deps.db, continuing.map((a) => a.id), beijingMidnight(period.start));
  const byUnit = new Map<number, typeof continuing>();
  for (const a of continuing) if (!noted.has(a.id)) byUnit.set(a.unitId, [...(byUnit.get(a.unitId) ?? []), a]);

  const groups: Planned[][] = [];
  for (const [unitId, items] of byUnit) {
    const groupsOf = groupRecipients(w, unitId);
    const to = groupsOf.length ? groupsOf : liaisonRecipients(w, unitId);
    if (!to.length) {
      result.notes.push(`${unitName(w, unitId)}有 ${items.length} 项长期任务，但没有工作群和联络员，进展请求无处发送`);
      continue;
    }
    const reply = progressRequestCard(unitName(w, unitId), period.label, items);
    groups.push(to.map((r) => plan("progress-request", r, `unit-${unitId}`, period.key, date, reply)));
  }
  result.messages = opts.dryRun ? await dryRunReports(deps.db, groups.flat()) : await writeGroups(deps.db, groups);
  return result;
}
