/** Reads and writes of the scheduled jobs (src/jobs/): whole-county views, job runs, reminder history. */
import { and, asc, eq, gte, inArray, isNull, lt, max, or, sql } from "drizzle-orm";
import type { Tx } from "../client";
import { assignments, chatBindings, jobRuns, members, plans, progressNotes, reminders, tasks, units } from "../schema";
import type { ChatBinding, Member } from "./members";

// ------------------------------------------------------------------------------------------ job runs

/**
 * Takes the run of `job` for `period` (a business date, an ISO week …). False when it is done, or
 * another instance holds it and its lease has not run out (a holder that died is taken over).
 */
export async function claimJobRun(db: Tx, job: string, period: string, now: number, leaseMs: number): Promise<boolean> {
  const r = await db
    .insert(jobRuns)
    .values({ job, period, status: "running", leaseUntil: now + leaseMs, startedAt: now })
    .onConflictDoUpdate({
      target: [jobRuns.job, jobRuns.period],
      set: { leaseUntil: now + leaseMs, startedAt: now },
      setWhere: and(eq(jobRuns.status, "running"), lt(jobRuns.leaseUntil, now)),
    })
    .returning({ job: jobRuns.job });
  return r.length > 0;
}

export async function finishJobRun(db: Tx, job: string, period: string, now: number, detail: Record<string, unknown>): Promise<void> {
  await db
    .update(jobRuns)
    .set({ status: "done", finishedAt: now, leaseUntil: 0, detail: JSON.stringify(detail) })
    .where(and(eq(jobRuns.job, job), eq(jobRuns.period, period)));
}

/** Gives a run back (it failed): the next tick may try again at once. */
export async function releaseJobRun(db: Tx, job: string, period: string): Promise<void> {
  await db
    .update(jobRuns)
    .set({ leaseUntil: 0 })
    .where(and(eq(jobRuns.job, job), eq(jobRuns.period, period), eq(jobRuns.status, "running")));
}

export async function jobRunDone(db: Tx, job: string, period: string): Promise<boolean> {
  const [r] = await db
    .select({ s: jobRuns.status })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job), eq(jobRuns.period, period)))
    .limit(1);
  return r?.s === "done";
}

// ------------------------------------------------------------------------------------------ who

export async function allBindings(db: Tx): Promise<ChatBinding[]> {
  return db.select().from(chatBindings).orderBy(asc(chatBindings.boundAt), asc(chatBindings.chatId));
}

export async function allLiaisons(db: Tx): Promise<Member[]> {
  return db.select().from(members).where(eq(members.role, "liaison")).orderBy(asc(members.createdAt), asc(members.openId));
}

export async function allUnits(db: Tx): Promise<{ id: number; name: string }[]> {
  return db.select({ id: units.id, name: units.name }).from(units).orderBy(asc(units.id));
}

// ------------------------------------------------------------------------------------------ what

/** One assignment with what the jobs need of its task and plan. */
export interface JobAssignment {
  id: number;
  taskId: number;
  unitId: number;
  role: "lead" | "responsible";
  instance: string;
  status: "todo" | "doing" | "done";
  dueDate: string | null;
  doneAt: number | null;
  requirement: string;
  category: string;
  deadlineText: string;
  /** The task's schedule (JSON of src/domain/deadline.ts `Deadline`), when the importer stored one. */
  deadline: string | null;
  taskCreatedAt: number;
  planYear: number;
}

/** Every assignment of every task still in a plan (removed tasks left out). */
export async function allAssignments(db: Tx): Promise<JobAssignment[]> {
  return db
    .select({
      id: assignments.id,
      taskId: assignments.taskId,
      unitId: assignments.unitId,
      role: assignments.role,
      instance: assignments.instance,
      status: assignments.status,
      dueDate: assignments.dueDate,
      doneAt: assignments.doneAt,
      requirement: tasks.requirement,
      category: tasks.category,
      deadlineText: tasks.deadlineText,
      deadline: tasks.deadline,
      taskCreatedAt: tasks.createdAt,
      planYear: plans.year,
    })
    .from(assignments)
    .innerJoin(tasks, eq(tasks.id, assignments.taskId))
    .innerJoin(plans, eq(plans.id, tasks.planId))
    .where(isNull(tasks.removedAt))
    .orderBy(sql`${assignments.dueDate} IS NULL`, asc(assignments.dueDate), asc(assignments.taskId), asc(assignments.instance), asc(assignments.unitId));
}

/** Assignment ids among `ids` that got a progress note at or after `sinceMs`. */
export async function notedSince(db: Tx, ids: number[], sinceMs: number): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < ids.length; i += 400) {
    const rows = await db
      .selectDistinct({ id: progressNotes.assignmentId })
      .from(progressNotes)
      .where(and(inArray(progressNotes.assignmentId, ids.slice(i, i + 400)), gte(progressNotes.createdAt, sinceMs)));
    for (const r of rows) out.add(r.id);
  }
  return out;
}

export async function notesCount(db: Tx, assignmentId: number): Promise<number> {
  const r = await db.select({ n: sql<number>`count(*)` }).from(progressNotes).where(eq(progressNotes.assignmentId, assignmentId));
  return Number(r[0]?.n ?? 0);
}

// ------------------------------------------------------------------------------------------ reminders

/** The latest business date each assignment was told about, for one kind of reminder. */
export async function lastReminders(db: Tx, kind: "overdue" | "escalation"): Promise<Map<number, string>> {
  const rows = await db
    .select({ id: reminders.assignmentId, last: max(reminders.businessDate) })
    .from(reminders)
    .where(eq(reminders.kind, kind))
    .groupBy(reminders.assignmentId);
  return new Map(rows.filter((r) => r.last).map((r) => [r.id, r.last as string]));
}

export async function recordReminders(
  tx: Tx,
  rows: { assignmentId: number; kind: "overdue" | "escalation" }[],
  businessDate: string,
  at: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await tx
      .insert(reminders)
      .values(rows.slice(i, i + 200).map((r) => ({ ...r, businessDate, at })))
      .onConflictDoNothing();
  }
}

// ------------------------------------------------------------------------------------------ instances

export async function insertInstance(
  tx: Tx,
  a: { taskId: number; unitId: number; role: "lead" | "responsible"; instance: string; dueDate: string | null },
  at: number,
): Promise<number | undefined> {
  const [r] = await tx
    .insert(assignments)
    .values({ ...a, updatedAt: at })
    .onConflictDoNothing()
    .returning({ id: assignments.id });
  return r?.id;
}

/** Turns an undated one-off row ("" instance) into a period instance, keeping its notes and status. */
export async function renameInstance(tx: Tx, id: number, instance: string, dueDate: string, at: number): Promise<void> {
  await tx.update(assignments).set({ instance, dueDate, updatedAt: at }).where(eq(assignments.id, id));
}

export async function deleteAssignment(tx: Tx, id: number): Promise<void> {
  await tx.delete(assignments).where(eq(assignments.id, id));
}

export async function assignmentsOfTaskUnit(db: Tx, taskId: number, unitId: number) {
  return db
    .select()
    .from(assignments)
    .where(and(eq(assignments.taskId, taskId), eq(assignments.unitId, unitId)))
    .orderBy(asc(assignments.id));
}

/** Admin members (role admin), for when no admin chat is bound. */
export async function adminMembers(db: Tx): Promise<Member[]> {
  return db.select().from(members).where(or(eq(members.role, "admin"))).orderBy(asc(members.createdAt));
}
