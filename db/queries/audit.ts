import { desc, eq } from "drizzle-orm";
import type { Tx } from "../client";
import { audit } from "../schema";

export async function record(
  tx: Tx,
  e: { at: number; actor: string; action: string; subject: string; detail?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(audit).values({ ...e, detail: JSON.stringify(e.detail ?? {}) });
}

export async function historyOf(db: Tx, subject: string, limit = 50) {
  return db.select().from(audit).where(eq(audit.subject, subject)).orderBy(desc(audit.at), desc(audit.id)).limit(limit);
}
