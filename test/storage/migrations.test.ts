/** Migrations on a real embedded libSQL file: from nothing, from each earlier schema, and again. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../db/migrate";
import { migrations } from "../../db/migrations.gen";

const dirs: string[] = [];
function freshDb(): Client {
  const dir = mkdtempSync(join(tmpdir(), "duban-migrate-"));
  dirs.push(dir);
  return createClient({ url: `file:${join(dir, "duban.db")}` });
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tables = async (c: Client) =>
  (await c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).rows.map((r) => String(r.name));

describe("migrations", () => {
  it("create every table on an empty database", async () => {
    const c = freshDb();
    const { applied } = await migrate(c);
    expect(applied).toEqual(migrations.map((m) => m.tag));
    const names = await tables(c);
    for (const t of ["units", "unit_aliases", "members", "chat_bindings", "plans", "tasks", "assignments", "progress_notes", "audit", "processed_events", "outbox", "settings", "calendar_overlay"]) {
      expect(names).toContain(t);
    }
    c.close();
  });

  it("are a no-op the second time and keep the data", async () => {
    const c = freshDb();
    await migrate(c);
    await c.execute("INSERT INTO units (name) VALUES ('县教育和体育局')");
    expect((await migrate(c)).applied).toEqual([]);
    expect((await c.execute("SELECT name FROM units")).rows.map((r) => r.name)).toEqual(["县教育和体育局"]);
    c.close();
  });

  // A database left at each earlier version (as an older release wrote it) is upgraded, never dropped.
  for (let k = 1; k < migrations.length; k++) {
    it(`upgrade a database at ${migrations[k - 1].tag} without losing its units`, async () => {
      const c = freshDb();
      await c.execute("CREATE TABLE IF NOT EXISTS __drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)");
      for (const m of migrations.slice(0, k)) {
        for (const s of m.sql) await c.execute(s);
        await c.execute({ sql: "INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)", args: [m.hash, m.folderMillis] });
      }
      await c.execute("INSERT INTO units (name) VALUES ('县卫生健康局')");
      const { applied } = await migrate(c);
      expect(applied).toEqual(migrations.slice(k).map((m) => m.tag));
      expect((await c.execute("SELECT name FROM units")).rows.map((r) => r.name)).toEqual(["县卫生健康局"]);
      c.close();
    });
  }
});
