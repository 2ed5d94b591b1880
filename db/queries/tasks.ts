import { and, asc, eq, gte, inArray, isNull, lt, lte, ne, sql } from "drizzle-orm";
import type { Tx } from "../client";
import { assignments, plans, progressNotes, tasks, units } from "../schema";

export type Task = typeof tasks.$inferSelect;
export type Assignment = typeof assignments.$inferSelect;

export async function getTask(db: Tx, id: number): Promise<Task | undefined> {
  const [t] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, id), isNull(tasks.removedAt)))
    .limit(1);
  return t;
}

/** The plan that tasks created by command belong to: one per year, made on first use. */
export async function adHocPlan(tx: Tx, year: number): Promise<number> {
  const title = `${year}年临时交办任务`;
  const [p] = await tx.select().from(plans).where(and(eq(plans.title, title), eq(plans.year, year))).limit(1);
  if (p) return p.id;
  const [created] = await tx.insert(plans).values({ title, year, sourceName: "指令创建" }).returning();
  return created.id;
}

export interface UnitAssignmentRow {
  assignmentId: number;
  taskId: number;
  instance: string;
  requirement: string;
  category: string;
  deadlineText: string;
  status: "todo" | "doing" | "done";
  dueDate: string | null;
  role: "lead" | "responsible";
}

export interface OpenFilter {
  /** Due on or after / on or before these dates (YYYY-MM-DD). */
  dueFrom?: string;
  dueTo?: string;
  /** Due strictly before this date: overdue on that day. */
  dueBefore?: string;
}

/**
 * The undated row ("" instance) of a recurring or event-triggered task stands for the duty, not for
 * work owed now: its periods and registered events have rows of their own (src/jobs/schedule.ts).
 */
// A substring test on the stored JSON (JSON.stringify writes no spaces): a json_tree walk per row cost
// ten times more on a unit's list.
// coalesce: a task without a stored schedule (NULL) is not a standing duty, and NOT NULL would hide it.
const isStandingDuty = sql`(${assignments.instance} = '' AND (instr(coalesce(${tasks.deadline}, ''), '"every":"') > 0 OR instr(coalesce(${tasks.deadline}, ''), '"kind":"event_relative"') > 0))`;

function openWhere(unitId: number, f: OpenFilter) {
  return and(
    eq(assignments.unitId, unitId),
    ne(assignments.status, "done"),
    isNull(tasks.removedAt),
    sql`NOT ${isStandingDuty}`,
    f.dueFrom ? gte(assignments.dueDate, f.dueFrom) : undefined,
    f.dueTo ? lte(assignments.dueDate, f.dueTo) : undefined,
    f.dueBefore ? lt(assignments.dueDate, f.dueBefore) : undefined,
  );
}

/**
 * One page of the unit's open assignments, dated ones first by due date, undated ones after, and
 * how many there are in all. Paging happens in SQL: a unit with hundreds of open tasks costs a page.
 */
export async function openAssignmentsPage(
  db: Tx,
  unitId: number,
  filter: OpenFilter,
  offset: number,
  limit: number,
): Promise<{ rows: UnitAssignmentRow[]; total: number }> {
  const rows = await db
    .select({
      assignmentId: assignments.id,
      taskId: tasks.id,
      instance: assignments.instance,
      requirement: tasks.requirement,
      category: tasks.category,
      deadlineText: tasks.deadlineText,
      status: assignments.status,
      dueDate: assignments.dueDate,
      role: assignments.role,
      total: sql<number>`count(*) over ()`,
    })
    .from(assignments)
    .innerJoin(tasks, eq(tasks.id, assignments.taskId))
    .where(openWhere(unitId, filter))
    .orderBy(sql`${assignments.dueDate} IS NULL`, asc(assignments.dueDate), asc(tasks.id), asc(assignments.instance))
    .limit(limit)
    .offset(offset);
  if (!rows.length && offset > 0) {
    const [{ n }] = await db
      .select({ n: sql<number>`count(*)` })
      .from(assignments)
      .innerJoin(tasks, eq(tasks.id, assignments.taskId))
      .where(openWhere(unitId, filter));
    return { rows: [], total: Number(n) };
  }
  return { rows: rows.map(({ total: _t, ...r }) => r), total: rows.length ? Number(rows[0].total) : 0 };
}

/**
 * How many open assignments the unit has, how many are overdue on `today`, and its standing duties:
 * one pass over the unit's rows (each needs its task read, which is most of the cost).
 */
export async function openCounts(db: Tx, unitId: number, today: string): Promise<{ open: number; overdue: number; duties: number }> {
  const open = sql`(${assignments.status} <> 'done' AND NOT ${isStandingDuty})`;
  // sum() skips NULL: an undated row is neither overdue nor not.
  const [r] = await db
    .select({
      open: sql<number>`coalesce(sum(${open}), 0)`,
      overdue: sql<number>`coalesce(sum(${open} AND ${assignments.dueDate} < ${today}), 0)`,
      duties: sql<number>`coalesce(sum(${isStandingDuty}), 0)`,
    })
    .from(assignments)
    .innerJoin(tasks, eq(tasks.id, assignments.taskId))
    .where(and(eq(assignments.unitId, unitId), isNull(tasks.removedAt)));
  return { open: Number(r.open), overdue: Number(r.overdue), duties: Number(r.duties) };
}

export interface AssignmentWithUnit extends Assignment {
  unitName: string;
}

export async function assignmentsOfTask(db: Tx, taskId: number): Promise<AssignmentWithUnit[]> {
  const rows = await db
    .select({ a: assignments, unitName: units.name })
    .from(assignments)
    .innerJoin(units, eq(units.id, assignments.unitId))
    .where(eq(assignments.taskId, taskId))
    .orderBy(asc(assignments.role), asc(units.id), asc(assignments.instance));
  return rows.map((r) => ({ ...r.a, unitName: r.unitName }));
}

/** The assignment a unit acts on for a task: the earliest open instance, or the latest one when all are done. */
export async function currentAssignment(db: Tx, taskId: number, unitId: number): Promise<Assignment | undefined> {
  const rows = await db
    .select()
    .from(assignments)
    .where(and(eq(assignments.taskId, taskId), eq(assignments.unitId, unitId)))
    .orderBy(sql`${assignments.status} = 'done'`, sql`${assignments.dueDate} IS NULL`, asc(assignments.dueDate), asc(assignments.id));
  return rows[0];
}

export async function notesOf(db: Tx, assignmentIds: number[]) {
  if (!assignmentIds.length) return [];
  return db
    .select()
    .from(progressNotes)
    .where(inArray(progressNotes.assignmentId, assignmentIds))
    .orderBy(asc(progressNotes.createdAt), asc(progressNotes.id));
}

export async function addAssignment(
  tx: Tx,
  a: { taskId: number; unitId: number; role?: "lead" | "responsible"; dueDate: string | null; instance?: string },
  at: number,
): Promise<boolean> {
  const r = await tx
    .insert(assignments)
    .values({ taskId: a.taskId, unitId: a.unitId, role: a.role ?? "responsible", dueDate: a.dueDate, instance: a.instance ?? "", updatedAt: at })
    .onConflictDoNothing()
    .returning({ id: assignments.id });
  return r.length > 0;
}

export async function addProgress(tx: Tx, a: Assignment, author: string, note: string, at: number): Promise<void> {
  await tx.insert(progressNotes).values({ assignmentId: a.id, author, text: note, createdAt: at });
  if (a.status === "todo") await tx.update(assignments).set({ status: "doing", updatedAt: at }).where(eq(assignments.id, a.id));
}

export async function markDone(tx: Tx, a: Assignment, by: string, note: string, at: number): Promise<void> {
  await tx
    .update(assignments)
    .set({ status: "done", doneNote: note, doneBy: by, doneAt: at, updatedAt: at })
    .where(eq(assignments.id, a.id));
}
