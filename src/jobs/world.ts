/** One consistent read of what the jobs need: units, their groups and liaisons, every assignment. */
import type { Tx } from "../../db/client";
import { allAssignments, allBindings, allLiaisons, allUnits, type JobAssignment } from "../../db/queries/jobs";
import type { ChatBinding, Member } from "../../db/queries/members";
import type { Recipient } from "./plan";

export interface World {
  units: Map<number, string>;
  unitChats: Map<number, ChatBinding[]>;
  liaisons: Map<number, Member[]>;
  assignments: JobAssignment[];
}

export async function readWorld(db: Tx): Promise<World> {
  const [units, bindings, liaisons, assignments] = await Promise.all([allUnits(db), allBindings(db), allLiaisons(db), allAssignments(db)]);
  const unitChats = new Map<number, ChatBinding[]>();
  for (const b of bindings) if (b.kind === "unit" && b.unitId) unitChats.set(b.unitId, [...(unitChats.get(b.unitId) ?? []), b]);
  const byUnit = new Map<number, Member[]>();
  for (const m of liaisons) if (m.unitId) byUnit.set(m.unitId, [...(byUnit.get(m.unitId) ?? []), m]);
  return { units: new Map(units.map((u) => [u.id, u.name])), unitChats, liaisons: byUnit, assignments };
}

export function unitName(w: World, id: number): string {
  return w.units.get(id) ?? `单位${id}`;
}

export function groupRecipients(w: World, unitId: number): Recipient[] {
  return (w.unitChats.get(unitId) ?? []).map((b) => ({ target: "chat_id" as const, id: b.chatId, label: `${unitName(w, unitId)}群` }));
}

export function liaisonRecipients(w: World, unitId: number): Recipient[] {
  return (w.liaisons.get(unitId) ?? []).map((m) => ({ target: "open_id" as const, id: m.openId, label: `${unitName(w, unitId)}联络员 ${m.name || m.openId}` }));
}
