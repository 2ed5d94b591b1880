/**
 * A rig without the HTTP server: a temp libSQL file, the server's composition (buildServer) with the
 * real LarkClient pointed at the emulator, and an outbox sender whose constants a test may shorten
 * (backoff, attempts, lease) — the code paths are the production ones. Also used by bench/digest.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { migrate } from "../../db/migrate";
import { loadConfig } from "../../src/config";
import { fixedClock } from "../../src/domain/clock";
import { reportFailures } from "../../src/jobs/failures";
import type { JobHost } from "../../src/jobs/run";
import { OutboxSender, type SenderOptions } from "../../src/outbox/sender";
import { buildServer } from "../../src/server";
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator";

export interface Direct {
  emulator: Emulator;
  server: ReturnType<typeof buildServer>;
  host: JobHost;
  sender: OutboxSender;
  dbFile: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function direct(
  o: {
    fetch?: typeof fetch;
    sender?: SenderOptions;
    emulator?: EmulatorOptions;
    /** Share an emulator another rig started (a second instance); it is then not closed here. */
    sharedEmulator?: Emulator;
    /** A database URL (a libSQL server, or another rig's file); default: a new temp file. */
    url?: string;
  } = {},
): Promise<Direct> {
  const emulator = o.sharedEmulator ?? (await startEmulator(o.emulator));
  const dir = mkdtempSync(join(tmpdir(), "duban-jobs-"));
  const dbFile = join(dir, "duban.db");
  const env = {
    LARK_APP_ID: emulator.appId,
    LARK_APP_SECRET: emulator.appSecret,
    LARK_VERIFICATION_TOKEN: "v-token",
    LARK_DOMAIN: emulator.url,
    DATABASE_URL: o.url ?? `file:${dbFile}`,
  };
  const client = createClient({ url: env.DATABASE_URL, timeout: 5000 });
  if (env.DATABASE_URL.startsWith("file:")) {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA busy_timeout = 5000");
  }
  await client.execute("PRAGMA foreign_keys = ON");
  await migrate(client);
  const server = buildServer({ config: loadConfig(env), client, clock: fixedClock("2026-11-30T09:00:00+08:00"), defer: () => {}, log: () => {}, fetch: o.fetch });
  const sender = new OutboxSender(server.db, server.messenger, { onFailures: () => reportFailures(server.db, Date.now()), ...o.sender });
  const host: JobHost = { db: server.db, sender, getCalendar: server.getCalendar, reloadCalendar: server.reloadCalendar };
  return {
    emulator,
    server,
    host,
    sender,
    dbFile,
    env,
    async close() {
      await sender.idle();
      await server.sender.idle();
      client.close();
      if (!o.sharedEmulator) await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
