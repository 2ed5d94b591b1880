import { asc, eq, inArray } from "drizzle-orm";
import type { Tx } from "../client";
import { chatBindings, members, unitAliases, units } from "../schema";

/** How unit names compare: spaces, the middle dot and bracket style do not matter. */
export function unitKey(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/[\s·・]/g, "")
    .replace(/[（]/g, "(")
    .replace(/[）]/g, ")")
    .toLowerCase();
}

export type Unit = typeof units.$inferSelect;

export async function findUnit(db: Tx, name: string): Promise<Unit | undefined> {
  const key = unitKey(name);
  if (!key) return undefined;
  const [byAlias] = await db
    .select({ id: units.id, name: units.name, createdAt: units.createdAt })
    .from(unitAliases)
    .innerJoin(units, eq(units.id, unitAliases.unitId))
    .where(eq(unitAliases.key, key))
    .limit(1);
  return byAlias;
}

export async function getUnit(db: Tx, id: number): Promise<Unit | undefined> {
  const [u] = await db.select().from(units).where(eq(units.id, id)).limit(1);
  return u;
}

export async function allUnitNames(db: Tx): Promise<{ id: number; name: string; alias: string }[]> {
  return db
    .select({ id: units.id, name: units.name, alias: unitAliases.alias })
    .from(unitAliases)
    .innerJoin(units, eq(units.id, unitAliases.unitId));
}

/** Creates the unit (its own name is its first alias) or returns the existing one; adds aliases not yet taken. */
export async function upsertUnit(
  tx: Tx,
  name: string,
  aliases: string[] = [],
): Promise<{ unit: Unit; created: boolean; added: string[]; taken: { alias: string; unit: string }[] }> {
  let unit = await findUnit(tx, name);
  let created = false;
  if (!unit) {
    [unit] = await tx.insert(units).values({ name: name.trim() }).returning();
    await tx.insert(unitAliases).values({ key: unitKey(name), alias: name.trim(), unitId: unit.id });
    created = true;
  }
  const added: string[] = [];
  const taken: { alias: string; unit: string }[] = [];
  for (const a of aliases) {
    const other = await findUnit(tx, a);
    if (other && other.id !== unit.id) taken.push({ alias: a, unit: other.name });
    else if (!other) {
      await tx.insert(unitAliases).values({ key: unitKey(a), alias: a.trim(), unitId: unit.id });
      added.push(a.trim());
    }
  }
  return { unit, created, added, taken };
}

export interface UnitOverview {
  id: number;
  name: string;
  aliases: string[];
  chats: string[];
  liaisons: { openId: string; name: string }[];
}

export async function unitOverview(db: Tx): Promise<UnitOverview[]> {
  const list = await db.select().from(units).orderBy(asc(units.id));
  if (!list.length) return [];
  const ids = list.map((u) => u.id);
  const [aliases, chats, people] = await Promise.all([
    db.select().from(unitAliases).where(inArray(unitAliases.unitId, ids)),
    db.select().from(chatBindings).where(inArray(chatBindings.unitId, ids)),
    db.select().from(members).where(inArray(members.unitId, ids)),
  ]);
  return list.map((u) => ({
    id: u.id,
    name: u.name,
    aliases: aliases.filter((a) => a.unitId === u.id && a.alias !== u.name).map((a) => a.alias),
    chats: chats.filter((c) => c.unitId === u.id).map((c) => c.chatId),
    liaisons: people.filter((p) => p.unitId === u.id && p.role === "liaison").map((p) => ({ openId: p.openId, name: p.name })),
  }));
}
