/**
 * Import drafts: a parsed table waiting for the admin's 确认导入. Nothing of a draft is in a plan
 * until it is confirmed; a newer draft of the same admin supersedes the older ones.
 */
import { and, desc, eq, lt } from "drizzle-orm";
import type { Tx } from "../client";
import { importDrafts } from "../schema";

export type ImportDraft = typeof importDrafts.$inferSelect;

export async function createDraft(
  db: Tx,
  d: { createdBy: string; chatId: string; fileName: string; parsed: string; at: number },
): Promise<ImportDraft> {
  const [row] = await db
    .insert(importDrafts)
    .values({ createdBy: d.createdBy, chatId: d.chatId, fileName: d.fileName, parsed: d.parsed, status: "preview", createdAt: d.at })
    .returning();
  // Older previews of the same admin are superseded: 确认导入 only ever means the newest one.
  await db
    .update(importDrafts)
    .set({ status: "discarded", decidedAt: d.at })
    .where(and(eq(importDrafts.createdBy, d.createdBy), eq(importDrafts.status, "preview"), lt(importDrafts.id, row.id)));
  return row;
}

export async function getDraft(db: Tx, id: number): Promise<ImportDraft | undefined> {
  const [row] = await db.select().from(importDrafts).where(eq(importDrafts.id, id)).limit(1);
  return row;
}

/** The admin's newest draft, whatever its status (a confirmed one answers a second 确认导入). */
export async function newestDraft(db: Tx, createdBy: string): Promise<ImportDraft | undefined> {
  const [row] = await db.select().from(importDrafts).where(eq(importDrafts.createdBy, createdBy)).orderBy(desc(importDrafts.id)).limit(1);
  return row;
}

/**
 * Takes the draft for importing: true for exactly one caller, however many confirmations arrive
 * (a double click, the text and the button). Must run in the transaction that writes the import.
 */
export async function claimDraft(tx: Tx, id: number, at: number): Promise<boolean> {
  const rows = await tx
    .update(importDrafts)
    .set({ status: "imported", decidedAt: at })
    .where(and(eq(importDrafts.id, id), eq(importDrafts.status, "preview")))
    .returning({ id: importDrafts.id });
  return rows.length > 0;
}

export async function recordDraftResult(tx: Tx, id: number, planId: number, result: unknown): Promise<void> {
  await tx.update(importDrafts).set({ planId, result: JSON.stringify(result) }).where(eq(importDrafts.id, id));
}

export async function discardDraft(tx: Tx, id: number, at: number): Promise<boolean> {
  const rows = await tx
    .update(importDrafts)
    .set({ status: "discarded", decidedAt: at })
    .where(and(eq(importDrafts.id, id), eq(importDrafts.status, "preview")))
    .returning({ id: importDrafts.id });
  return rows.length > 0;
}
