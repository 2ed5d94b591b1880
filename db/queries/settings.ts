import { eq, inArray } from "drizzle-orm";
import type { Tx } from "../client";
import { settings } from "../schema";

/** Raw settings rows (JSON values) by key; src/jobs/settings.ts gives them types and defaults. */
export async function readSettings(db: Tx, keys: string[]): Promise<Map<string, unknown>> {
  if (!keys.length) return new Map();
  const rows = await db.select().from(settings).where(inArray(settings.key, keys));
  const out = new Map<string, unknown>();
  for (const r of rows) {
    try {
      out.set(r.key, JSON.parse(r.value));
    } catch {
      /* an unreadable value counts as unset: the default applies */
    }
  }
  return out;
}

export async function writeSetting(tx: Tx, key: string, value: unknown, by: string, at: number): Promise<unknown> {
  const [before] = await tx.select().from(settings).where(eq(settings.key, key)).limit(1);
  await tx
    .insert(settings)
    .values({ key, value: JSON.stringify(value), updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(value), updatedBy: by, updatedAt: at } });
  if (!before) return undefined;
  try {
    return JSON.parse(before.value);
  } catch {
    return undefined;
  }
}
