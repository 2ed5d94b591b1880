/**
 * Unit groups (单位组): named sets of units that tables address as a whole (各镇、街道、经济开发区;
 * 县直各部门、单位), with the expressions that mean the group in tables. And the unit directory the
 * importer resolves names against (units, their aliases, groups with members and expressions).
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Tx } from "../client";
import { unitAliases, unitGroupMembers, unitGroups, units } from "../schema";
import { unitKey } from "./units";

export type UnitGroup = typeof unitGroups.$inferSelect;

export interface GroupOverview {
  id: number;
  name: string;
  expressions: string[];
  members: { id: number; name: string }[];
}

export function parseExpressions(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** The group with this name (spacing, punctuation and bracket style aside), if any. */
export async function findGroup(db: Tx, name: string): Promise<UnitGroup | undefined> {
  const key = unitKey(name);
  if (!key) return undefined;
  const all = await db.select().from(unitGroups);
  return all.find((g) => unitKey(g.name) === key);
}

/** The group that has this expression (or this name), if any. */
export async function groupByExpression(db: Tx, expression: string): Promise<UnitGroup | undefined> {
  const key = unitKey(expression);
  if (!key) return undefined;
  const all = await db.select().from(unitGroups);
  return all.find((g) => unitKey(g.name) === key || parseExpressions(g.expressions).some((e) => unitKey(e) === key));
}

export async function createGroup(tx: Tx, name: string): Promise<UnitGroup> {
  const [g] = await tx.insert(unitGroups).values({ name: name.trim(), expressions: "[]" }).returning();
  return g;
}

/** Adds members; returns the ids that were not members yet. */
export async function addGroupMembers(tx: Tx, groupId: number, unitIds: number[]): Promise<number[]> {
  if (!unitIds.length) return [];
  const rows = await tx
    .insert(unitGroupMembers)
    .values([...new Set(unitIds)].map((unitId) => ({ groupId, unitId })))
    .onConflictDoNothing()
    .returning({ unitId: unitGroupMembers.unitId });
  return rows.map((r) => r.unitId);
}

/** Removes members; returns the ids that were members. */
export async function removeGroupMembers(tx: Tx, groupId: number, unitIds: number[]): Promise<number[]> {
  if (!unitIds.length) return [];
  const rows = await tx
    .delete(unitGroupMembers)
    .where(and(eq(unitGroupMembers.groupId, groupId), inArray(unitGroupMembers.unitId, unitIds)))
    .returning({ unitId: unitGroupMembers.unitId });
  return rows.map((r) => r.unitId);
}

export async function setGroupExpressions(tx: Tx, groupId: number, expressions: string[]): Promise<void> {
  await tx.update(unitGroups).set({ expressions: JSON.stringify(expressions) }).where(eq(unitGroups.id, groupId));
}

export async function deleteGroup(tx: Tx, groupId: number): Promise<void> {
  await tx.delete(unitGroups).where(eq(unitGroups.id, groupId));
}

export async function groupOverview(db: Tx): Promise<GroupOverview[]> {
  const [groups, members] = await Promise.all([
    db.select().from(unitGroups).orderBy(asc(unitGroups.id)),
    db
      .select({ groupId: unitGroupMembers.groupId, id: units.id, name: units.name })
      .from(unitGroupMembers)
      .innerJoin(units, eq(units.id, unitGroupMembers.unitId))
      .orderBy(asc(units.id)),
  ]);
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    expressions: parseExpressions(g.expressions),
    members: members.filter((m) => m.groupId === g.id).map((m) => ({ id: m.id, name: m.name })),
  }));
}

/** The directory src/importer resolves table names against (ids as strings, as the importer wants them). */
export interface DirectoryRows {
  units: { id: string; name: string; aliases: string[] }[];
  groups: { id: string; name: string; expressions: string[]; memberIds: string[] }[];
}

export async function unitDirectory(db: Tx): Promise<DirectoryRows> {
  const [unitRows, aliasRows, groups] = await Promise.all([
    db.select({ id: units.id, name: units.name }).from(units).orderBy(asc(units.id)),
    db.select({ unitId: unitAliases.unitId, alias: unitAliases.alias }).from(unitAliases),
    groupOverview(db),
  ]);
  return {
    units: unitRows.map((u) => ({
      id: String(u.id),
      name: u.name,
      aliases: aliasRows.filter((a) => a.unitId === u.id && a.alias !== u.name).map((a) => a.alias),
    })),
    groups: groups.map((g) => ({ id: `g${g.id}`, name: g.name, expressions: g.expressions, memberIds: g.members.map((m) => String(m.id)) })),
  };
}
