import { asc, eq, inArray } from "drizzle-orm";
import type { Tx } from "../client";
import { chatBindings, members, unitAliases, units } from "../schema";
// The one name normaliser, shared with the importer (a pure module: no I/O, no runtime imports).
import { canonicalKey, nameKey } from "../../src/importer/aliases";

/**
 * How one spelling of a unit name compares (the key of `unit_aliases`): spaces, punctuation, bracket
 * style and letter case do not matter. The importer's `nameKey`; `canonicalKey` adds the built-in
 * knowledge that 县发改局 and 县发展和改革局 are one body.
 */
export function unitKey(name: string): string {
  return nameKey(name);
}

/** The key rows written before the importer's normaliser was shared (spaces and dots removed, brackets kept). */
function legacyUnitKey(name: string): string {
  return name.normalize("NFKC").replace(/[\s·・]/g, "").replace(/[（]/g, "(").replace(/[）]/g, ")").toLowerCase();
}

export type Unit = typeof units.$inferSelect;

/** The unit with exactly this spelling (a name or alias, punctuation and spaces aside). */
export async function findUnitExact(db: Tx, name: string): Promise<Unit | undefined> {
  const key = unitKey(name);
  if (!key) return undefined;
  const keys = [...new Set([key, legacyUnitKey(name)])];
  const [byAlias] = await db
    .select({ id: units.id, name: units.name, createdAt: units.createdAt })
    .from(unitAliases)
    .innerJoin(units, eq(units.id, unitAliases.unitId))
    .where(inArray(unitAliases.key, keys))
    .limit(1);
  return byAlias;
}

/**
 * The unit a name means, the way an imported table's names are read: the exact spelling first, then
 * another spelling of the same body (县发改局 = 县发展和改革局, src/importer/aliases.ts ALIAS_GROUPS)
 * when exactly one unit has it.
 */
export async function findUnit(db: Tx, name: string): Promise<Unit | undefined> {
  const exact = await findUnitExact(db, name);
  if (exact || !unitKey(name)) return exact;
  const key = canonicalKey(name);
  const rows = await db
    .select({ id: units.id, name: units.name, createdAt: units.createdAt, alias: unitAliases.alias })
    .from(unitAliases)
    .innerJoin(units, eq(units.id, unitAliases.unitId));
  const hits = new Map<number, Unit>();
  for (const r of rows) if (canonicalKey(r.alias) === key) hits.set(r.id, { id: r.id, name: r.name, createdAt: r.createdAt });
  return hits.size === 1 ? [...hits.values()][0] : undefined;
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
  let unit = await findUnitExact(tx, name);
  if (!unit) {
    // Another spelling of a unit we have (县发改局 for 县发展和改革局): that unit, with this spelling as an alias.
    unit = await findUnit(tx, name);
    if (unit) aliases = [name, ...aliases];
  }
  let created = false;
  if (!unit) {
    [unit] = await tx.insert(units).values({ name: name.trim() }).returning();
    await tx.insert(unitAliases).values({ key: unitKey(name), alias: name.trim(), unitId: unit.id });
    created = true;
  }
  const added: string[] = [];
  const taken: { alias: string; unit: string }[] = [];
  for (const a of aliases) {
    // Exact spelling: another spelling of the same body is still worth keeping as an alias row.
    const other = await findUnitExact(tx, a);
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
