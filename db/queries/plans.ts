/**
 * Plans (one imported 任务分解表 each) and the reads and writes an import needs: the plan's tasks
 * (removed ones included, so a task that comes back keeps its id), their assignments with whether
 * anyone has worked on them, and bulk inserts.
 */
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Tx } from "../client";
import { assignments, plans, progressNotes, tasks } from "../schema";

export type Plan = typeof plans.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type NewTask = typeof tasks.$inferInsert;
export type NewAssignment = typeof assignments.$inferInsert;

/** Rows per multi-row INSERT: well under SQLite's bound-parameter limit with 16 columns. */
const CHUNK = 100;

export async function getPlan(db: Tx, id: number): Promise<Plan | undefined> {
  const [p] = await db.select().from(plans).where(eq(plans.id, id)).limit(1);
  return p;
}

export async function findPlanByTitle(db: Tx, title: string, year: number): Promise<Plan | undefined> {
  const [p] = await db
    .select()
    .from(plans)
    .where(and(eq(plans.title, title), eq(plans.year, year)))
    .orderBy(desc(plans.id))
    .limit(1);
  return p;
}

/** Plans of `year` with how many of their live tasks have one of `keys` (a corrected table under a new title). */
export async function plansSharingContent(db: Tx, year: number, keys: string[]): Promise<{ plan: Plan; shared: number; live: number }[]> {
  const yearPlans = await db.select().from(plans).where(eq(plans.year, year));
  if (!yearPlans.length || !keys.length) return [];
  const ids = yearPlans.map((p) => p.id);
  const shared = new Map<number, number>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .select({ planId: tasks.planId, n: sql<number>`count(*)` })
      .from(tasks)
      .where(and(inArray(tasks.planId, ids), inArray(tasks.contentKey, keys.slice(i, i + 500)), isNull(tasks.removedAt)))
      .groupBy(tasks.planId);
    for (const r of rows) shared.set(r.planId, (shared.get(r.planId) ?? 0) + Number(r.n));
  }
  const live = await db
    .select({ planId: tasks.planId, n: sql<number>`count(*)` })
    .from(tasks)
    .where(and(inArray(tasks.planId, ids), isNull(tasks.removedAt)))
    .groupBy(tasks.planId);
  return yearPlans
    .map((plan) => ({ plan, shared: shared.get(plan.id) ?? 0, live: Number(live.find((l) => l.planId === plan.id)?.n ?? 0) }))
    .filter((x) => x.shared > 0)
    .sort((a, b) => b.shared - a.shared);
}

export async function insertPlan(tx: Tx, p: { title: string; year: number; sourceName: string; at: number }): Promise<Plan> {
  const [row] = await tx.insert(plans).values({ title: p.title, year: p.year, sourceName: p.sourceName, createdAt: p.at, updatedAt: p.at }).returning();
  return row;
}

export async function touchPlan(tx: Tx, id: number, p: { title: string; sourceName: string; at: number }): Promise<void> {
  await tx.update(plans).set({ title: p.title, sourceName: p.sourceName, updatedAt: p.at }).where(eq(plans.id, id));
}

/** Every task of the plan, removed ones too, in table order. */
export async function planTasks(db: Tx, planId: number): Promise<TaskRow[]> {
  return db.select().from(tasks).where(eq(tasks.planId, planId)).orderBy(asc(tasks.id));
}

export interface PlanAssignment {
  id: number;
  taskId: number;
  unitId: number;
  role: "lead" | "responsible";
  instance: string;
  status: "todo" | "doing" | "done";
  dueDate: string | null;
  /** Progress notes on it: an assignment someone worked on is never dropped silently. */
  notes: number;
}

export async function planAssignments(db: Tx, planId: number): Promise<PlanAssignment[]> {
  const rows = await db
    .select({
      id: assignments.id,
      taskId: assignments.taskId,
      unitId: assignments.unitId,
      role: assignments.role,
      instance: assignments.instance,
      status: assignments.status,
      dueDate: assignments.dueDate,
      notes: sql<number>`(select count(*) from ${progressNotes} where ${progressNotes.assignmentId} = ${assignments.id})`,
    })
    .from(assignments)
    .innerJoin(tasks, eq(tasks.id, assignments.taskId))
    .where(eq(tasks.planId, planId))
    .orderBy(asc(assignments.id));
  return rows.map((r) => ({ ...r, notes: Number(r.notes) }));
}

/** Inserts tasks in table order; returns their ids in the same order. */
export async function insertTasks(tx: Tx, rows: NewTask[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const out = await tx.insert(tasks).values(rows.slice(i, i + CHUNK)).returning({ id: tasks.id });
    ids.push(...out.map((r) => r.id));
  }
  return ids;
}

export async function insertAssignments(tx: Tx, rows: NewAssignment[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const out = await tx.insert(assignments).values(rows.slice(i, i + CHUNK)).onConflictDoNothing().returning({ id: assignments.id });
    n += out.length;
  }
  return n;
}

export async function updateTask(tx: Tx, id: number, set: Partial<NewTask>): Promise<void> {
  await tx.update(tasks).set(set).where(eq(tasks.id, id));
}

export async function markTasksRemoved(tx: Tx, ids: number[], at: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await tx.update(tasks).set({ removedAt: at, updatedAt: at }).where(inArray(tasks.id, ids.slice(i, i + 500)));
  }
}

export async function deleteAssignments(tx: Tx, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await tx.delete(assignments).where(inArray(assignments.id, ids.slice(i, i + 500)));
}

export async function updateAssignment(tx: Tx, id: number, set: { role?: "lead" | "responsible"; dueDate?: string | null; updatedAt: number }): Promise<void> {
  await tx.update(assignments).set(set).where(eq(assignments.id, id));
}
