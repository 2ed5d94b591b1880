import type { Client } from "@libsql/client";
import { migrations } from "./migrations.gen";

const TABLE = "__drizzle_migrations";

/**
 * Applies the bundled migrations that the database has not seen yet, in one batch.
 * The bookkeeping table is drizzle-kit's own, so `drizzle-kit migrate` and this agree.
 * An older database is upgraded in place; nothing is ever dropped by this function.
 */
export async function migrate(client: Client): Promise<{ applied: string[] }> {
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${TABLE} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
  );
  const pendingAfter = async (c: Pick<Client, "execute">) => {
    const last = await c.execute(`SELECT created_at FROM ${TABLE} ORDER BY created_at DESC LIMIT 1`);
    const lastAt = last.rows.length ? Number(last.rows[0][0]) : -1;
    return migrations.filter((m) => m.folderMillis > lastAt);
  };
  if (!(await pendingAfter(client)).length) return { applied: [] };
  // Read and apply under one write lock: instances starting together on one database (sqld) would
  // otherwise both see the migration pending and the second would fail on "table already exists".
  const tx = await client.transaction("write");
  try {
    const pending = await pendingAfter(tx);
    const stmts = pending.flatMap((m) => [
      ...m.sql.map((s) => ({ sql: s, args: [] })),
      { sql: `INSERT INTO ${TABLE} (hash, created_at) VALUES (?, ?)`, args: [m.hash, m.folderMillis] },
    ]);
    if (stmts.length) await tx.batch(stmts);
    await tx.commit();
    return { applied: pending.map((m) => m.tag) };
  } finally {
    tx.close();
  }
}

export const latestMigration = migrations[migrations.length - 1]?.tag ?? "";
