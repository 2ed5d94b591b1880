/**
 * `npm run db:migrate`: applies the bundled migrations to DATABASE_URL (with DATABASE_AUTH_TOKEN).
 * The Worker never migrates (it would cost every cold start a round trip); run this before deploying
 * a new version. Node applies the same migrations itself at start-up, so there it is optional.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import { latestMigration, migrate } from "../../db/migrate";
import { ConfigError, loadConfig } from "../config";

export async function migrateDatabase(url: string, authToken?: string): Promise<string[]> {
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length);
    if (path && path !== ":memory:") mkdirSync(dirname(path.startsWith("//") ? fileURLToPath(url) : path), { recursive: true });
  }
  const client = createClient({ url, authToken });
  try {
    return (await migrate(client)).applied;
  } finally {
    client.close();
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  (async () => {
    const config = loadConfig(process.env);
    const where = config.DATABASE_URL.startsWith("file:") ? config.DATABASE_URL : new URL(config.DATABASE_URL).origin;
    const applied = await migrateDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
    console.log(applied.length ? `${where}: applied ${applied.join(", ")}` : `${where}: up to date (${latestMigration})`);
  })().catch((e) => {
    console.error(e instanceof ConfigError ? e.message : `migration failed: ${e?.message ?? e}`);
    process.exit(1);
  });
}
