/**
 * Assignment instances of recurring and event-relative tasks.
 *
 * Recurring (按月, 每季度, 每年7月底前 …): each unit of the task gets one assignment per period
 * (`instance` = the period key of src/domain/deadline.ts `periodInstances`, "2026-Q3"), with its own due
 * date and status, created when its period starts; periods due before the task was created are left
 * out (a table imported in November does not owe January). The undated "" row the importer or an
 * admin made becomes the first instance it is needed for (keeping its notes and status), or is
 * dropped when it carries nothing.
 *
 * Event-relative (信息形成之日起20个工作日内 …): a liaison registers the event (登记); that creates a
 * task_events row and the instance `event:<id>` due `dueFromEvent(...)`.
 */
import type { Db, Tx } from "../../db/client";
import { record } from "../../db/queries/audit";
import {
  allAssignments,
  deleteAssignment,
  insertInstance,
  notesCount,
  renameInstance,
  type JobAssignment,
} from "../../db/queries/jobs";
import { taskEvents } from "../../db/schema";
import type { WorkCalendar } from "../domain/calendar";
import { dateInShanghai } from "../domain/dates";
import { dueFromEvent, periodInstances, type PeriodInstance } from "../domain/deadline";
import { readSchedule, scheduleReader } from "./schedule";

export interface InstanceReport {
  created: number;
  converted: number;
  removed: number;
}

/** Creates the period instances whose period has started by `today`. Idempotent. */
export async function ensureInstances(db: Db, cal: WorkCalendar, today: string, at: number): Promise<InstanceReport> {
  const report: InstanceReport = { created: 0, converted: 0, removed: 0 };
  const schedule = scheduleReader(cal);
  const byTask = new Map<number, JobAssignment[]>();
  for (const a of await allAssignments(db)) byTask.set(a.taskId, [...(byTask.get(a.taskId) ?? []), a]);

  for (const rows of byTask.values()) {
    const first = rows[0];
    const s = schedule(first);
    if (!s.recurring) continue;
    const created = dateInShanghai(new Date(first.taskCreatedAt));
    const started = periodInstances(s.deadline, first.planYear, cal, { from: created }).filter((p) => p.start <= today);
    if (!started.length) continue;
    const units = new Map<number, JobAssignment[]>();
    for (const a of rows) units.set(a.unitId, [...(units.get(a.unitId) ?? []), a]);
    const have = (list: JobAssignment[], key: string) => list.some((a) => a.instance === key);
    if ([...units.values()].every((list) => started.every((p) => have(list, p.key)) && !have(list, ""))) continue;

    await db.transaction(async (tx) => {
      for (const [unitId, list] of units) {
        const role = (list.find((a) => a.instance === "") ?? list[0]).role;
        const missing = started.filter((p) => !have(list, p.key));
        const template = list.find((a) => a.instance === "");
        if (template) {
          if (missing.length) {
            const target = templateTarget(template, missing);
            await renameInstance(tx, template.id, target.key, target.due, at);
            missing.splice(missing.indexOf(target), 1);
            report.converted++;
          } else if (template.status !== "done" && (await notesCount(tx, template.id)) === 0) {
            await deleteAssignment(tx, template.id);
            report.removed++;
          }
        }
        for (const p of missing) {
          if (await insertInstance(tx, { taskId: first.taskId, unitId, role, instance: p.key, dueDate: p.due }, at)) report.created++;
        }
      }
    });
  }
  return report;
}

/** The period a template row stands for: the one it was finished in, else the earliest still owed. */
function templateTarget(t: JobAssignment, missing: PeriodInstance[]): PeriodInstance {
  if (t.status === "done" && t.doneAt) {
    const doneOn = dateInShanghai(new Date(t.doneAt));
    const during = [...missing].reverse().find((p) => p.start <= doneOn);
    if (during) return during;
  }
  return missing[0];
}

export class NotEventTaskError extends Error {}

/**
 * Registers an event for a unit's event-relative task: a task_events row and the instance
 * `event:<id>` with its own due date. Returns what the liaison is told.
 */
export async function registerEvent(
  tx: Tx,
  e: {
    task: { id: number; deadline: string | null; deadlineText: string; planYear: number };
    unitId: number;
    role: "lead" | "responsible";
    occurredOn: string;
    note: string;
    by: string;
    calendar: WorkCalendar;
    at: number;
  },
): Promise<{ eventId: number; instance: string; due: string; trigger?: string; rule: string }> {
  const s = readSchedule(e.task, e.calendar);
  if (!s.event) throw new NotEventTaskError(`task ${e.task.id} is not event-relative`);
  const due = dueFromEvent(s.deadline, e.occurredOn, e.calendar);
  const part = [s.deadline, ...(s.deadline.parts ?? [])].find((p) => p.kind === "event_relative");
  const [ev] = await tx
    .insert(taskEvents)
    .values({ taskId: e.task.id, unitId: e.unitId, occurredOn: e.occurredOn, note: e.note, createdBy: e.by, createdAt: e.at })
    .returning({ id: taskEvents.id });
  const instance = `event:${ev.id}`;
  await insertInstance(tx, { taskId: e.task.id, unitId: e.unitId, role: e.role, instance, dueDate: due }, e.at);
  await record(tx, {
    at: e.at,
    actor: e.by,
    action: "task.event",
    subject: `task:${e.task.id}`,
    detail: { unit: e.unitId, event: ev.id, occurredOn: e.occurredOn, note: e.note, due },
  });
  const rule =
    part?.withinWorkdays !== undefined
      ? `${part.withinWorkdays}个工作日内`
      : part?.withinDays !== undefined
        ? `${part.withinDays}日内`
        : part?.withinHours !== undefined
          ? `${part.withinHours}小时内`
          : part?.withinMonths !== undefined
            ? `${part.withinMonths}个月内`
            : "20个工作日内";
  return { eventId: ev.id, instance, due, trigger: part?.trigger, rule };
}
