/**
 * What kind of schedule an assignment follows, read once per task: the importer stores the parsed
 * deadline as JSON in tasks.deadline; rows made without one are read from their deadline text.
 */
import type { JobAssignment } from "../../db/queries/jobs";
import type { WorkCalendar } from "../domain/calendar";
import { parseDeadline, type Deadline } from "../domain/deadline";

export interface TaskSchedule {
  deadline: Deadline;
  /** Has periods (按月, 每季度 …): one assignment instance per period. */
  recurring: boolean;
  /** Becomes due when a liaison registers the event (信息形成之日起20个工作日内 …). */
  event: boolean;
  /** 长期坚持 and the like: asked for progress notes, never overdue. */
  continuing: boolean;
}

export function readSchedule(t: { deadline: string | null; deadlineText: string; planYear: number }, cal: WorkCalendar): TaskSchedule {
  let d: Deadline | undefined;
  if (t.deadline) {
    try {
      const v = JSON.parse(t.deadline) as Deadline;
      if (v && typeof v === "object" && typeof v.kind === "string") d = v;
    } catch {
      /* fall back to the text */
    }
  }
  d ??= parseDeadline(t.deadlineText ?? "", { year: t.planYear, calendar: cal });
  const parts = [d, ...(d.parts ?? [])];
  return {
    deadline: d,
    recurring: parts.some((p) => p.kind === "recurring" && !!p.every),
    event: parts.some((p) => p.kind === "event_relative"),
    continuing: d.kind === "continuing",
  };
}

/** Caches schedules per task for one job run. */
export function scheduleReader(cal: WorkCalendar) {
  const cache = new Map<number, TaskSchedule>();
  return (a: Pick<JobAssignment, "taskId" | "deadline" | "deadlineText" | "planYear">): TaskSchedule => {
    let s = cache.get(a.taskId);
    if (!s) {
      s = readSchedule(a, cal);
      cache.set(a.taskId, s);
    }
    return s;
  };
}

/**
 * Whether the jobs track this assignment against a due date: an open, dated assignment that is not a
 * continuing task, and not the undated template row ("" instance) of a recurring or event task
 * (those are tracked through their period / event instances).
 */
export function isTracked(a: JobAssignment, s: TaskSchedule): boolean {
  if (s.continuing) return false;
  if (a.instance === "" && (s.recurring || s.event)) return false;
  return !!a.dueDate;
}

/** Open and tracked and past its due date. */
export function isOverdueOn(a: JobAssignment, s: TaskSchedule, date: string): boolean {
  return a.status !== "done" && isTracked(a, s) && a.dueDate! < date;
}
