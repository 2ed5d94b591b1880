import { and, eq } from "drizzle-orm";
import type { Tx } from "../client";
import { chatBindings, members } from "../schema";

export type Member = typeof members.$inferSelect;
export type ChatBinding = typeof chatBindings.$inferSelect;

export async function getMember(db: Tx, openId: string): Promise<Member | undefined> {
  const [m] = await db.select().from(members).where(eq(members.openId, openId)).limit(1);
  return m;
}

export async function listAdmins(db: Tx): Promise<Member[]> {
  return db.select().from(members).where(eq(members.role, "admin"));
}

export async function setMember(
  tx: Tx,
  m: { openId: string; name?: string; role: "admin" | "liaison"; unitId: number | null },
  at: number,
): Promise<Member | undefined> {
  const before = await getMember(tx, m.openId);
  await tx
    .insert(members)
    .values({ openId: m.openId, name: m.name ?? "", role: m.role, unitId: m.unitId, createdAt: at, updatedAt: at })
    .onConflictDoUpdate({
      target: members.openId,
      set: { role: m.role, unitId: m.unitId, updatedAt: at, ...(m.name ? { name: m.name } : {}) },
    });
  return before;
}

export async function removeLiaison(tx: Tx, openId: string, unitId: number): Promise<boolean> {
  const r = await tx
    .delete(members)
    .where(and(eq(members.openId, openId), eq(members.unitId, unitId), eq(members.role, "liaison")))
    .returning();
  return r.length > 0;
}

export async function getBinding(db: Tx, chatId: string): Promise<ChatBinding | undefined> {
  const [b] = await db.select().from(chatBindings).where(eq(chatBindings.chatId, chatId)).limit(1);
  return b;
}

export async function bindChat(
  tx: Tx,
  b: { chatId: string; kind: "unit" | "admin"; unitId: number | null; boundBy: string },
  at: number,
): Promise<ChatBinding | undefined> {
  const before = await getBinding(tx, b.chatId);
  await tx
    .insert(chatBindings)
    .values({ ...b, boundAt: at })
    .onConflictDoUpdate({ target: chatBindings.chatId, set: { kind: b.kind, unitId: b.unitId, boundBy: b.boundBy, boundAt: at } });
  return before;
}

export async function unitChats(db: Tx, unitId: number): Promise<ChatBinding[]> {
  return db.select().from(chatBindings).where(and(eq(chatBindings.unitId, unitId), eq(chatBindings.kind, "unit")));
}
