/**
 * Duban on Cloudflare Workers. `fetch` serves the same Hono app as Node (the webhook acknowledges
 * after its durable claim; the command runs in ctx.waitUntil). `scheduled` is the Cron Trigger:
 * recovery of interrupted events, the jobs (which decide themselves what is due) and the outbox.
 *
 * The database is a libSQL server reached over HTTP (`@libsql/client/web`). Migrations are not applied
 * here: `npm run db:migrate` does it (docs/DEPLOY.md).
 *
 * One isolate serves many requests at once, and workerd cancels the continuation of a promise that
 * one request settles for another ("A promise was resolved or rejected from a different request
 * context…"). Everything that queues work behind a shared promise — the bot's event gate, the outbox
 * pacer, the libSQL client's own concurrency limiter, the calendar cache — is therefore built for each
 * request and Cron event. Only what holds no pending promise lives per isolate: the checked
 * configuration and the Lark client with its tenant token cache.
 * Bundling notes (the node-sdk's `__dirname`, nodejs_compat): wrangler.toml and docs/RUNTIMES.md.
 */
import { createClient, type Client } from "@libsql/client/web";
import type { ExecutionContext } from "hono";
import { migrations } from "../../db/migrations.gen";
import { ConfigError, loadConfig, type Config } from "../config";
import { systemClock } from "../domain/clock";
import { runScheduled } from "../jobs/run";
import { LarkClient } from "../lark/client";
import { buildServer, type Server } from "../server";
import { retryBusy, timeoutFetch, writeSlots } from "./remote-db";
import { runTick, type ScheduledJobs } from "./scheduled";

/** Vars and secrets (wrangler.toml [vars], `wrangler secret put`); other bindings are ignored. */
export type Env = Record<string, unknown>;

/** The parts of workerd's ScheduledController that we use. */
export interface ScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
}

/** The jobs (digest, alerts, summary …), runtime-neutral: they decide from `now` what is due (docs/SCHEDULING.md). */
const jobs: ScheduledJobs = (server, now) => runScheduled(server, now, { log });

/** Per isolate: nothing in here ever makes one request wait for another. */
interface Shared {
  config: Config;
  /** The SDK client and the tenant_access_token cache (plain values; the SDK does not share in-flight fetches). */
  lark: LarkClient;
}

/** Per request or Cron event. */
interface Instance {
  server: Server;
  client: Client;
  config: Config;
}

let shared: Shared | undefined;
let schemaChecked = false;

const log = (line: string) => console.log(line);

/** Only string vars and secrets reach the configuration. */
function stringsOf(env: Env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Reads the configuration with the Workers-only rules; a mistake throws one line that names the variable. */
export function workerConfig(env: Env): Config {
  const vars = stringsOf(env);
  const url = vars.DATABASE_URL?.trim();
  if (!url) {
    throw new ConfigError(
      "Configuration error: DATABASE_URL is not set. On Workers it is the libSQL server's URL (https://… or libsql://…): `wrangler secret put DATABASE_URL`.",
    );
  }
  if (/^file:/i.test(url)) {
    throw new ConfigError(
      `Configuration error: DATABASE_URL ${url} is an embedded database file, which only the Node runtime can use. On Workers set it to a libSQL server's http(s):// or libsql:// URL (sqld or Turso).`,
    );
  }
  const config = loadConfig(vars);
  if (config.sandbox) {
    throw new ConfigError(
      "Configuration error: LARK_APP_ID is not set. Sandbox mode runs on Node only; on Workers set LARK_APP_ID, LARK_APP_SECRET and LARK_VERIFICATION_TOKEN (`wrangler secret put …`).",
    );
  }
  if (config.LARK_MODE === "websocket") {
    throw new ConfigError("Configuration error: LARK_MODE websocket (the long connection) runs on Node only; a Worker receives events by webhook.");
  }
  return config;
}

function getShared(env: Env): Shared {
  if (shared) return shared;
  const config = workerConfig(env);
  const lark = new LarkClient({ appId: config.LARK_APP_ID!, appSecret: config.LARK_APP_SECRET!, baseUrl: config.larkBaseUrl });
  log(`督办 Duban on Workers: Lark app ${config.LARK_APP_ID} on ${config.larkBaseUrl}; database ${new URL(config.DATABASE_URL).host}`);
  shared = { config, lark };
  return shared;
}

/** The bot for one request or Cron event (cheap: no I/O until it is used; the HTTP client opens no connection). */
function getInstance(env: Env): Instance {
  const { config, lark } = getShared(env);
  // The libSQL server answers SQLITE_BUSY when writers meet (single statements and batches are retried)
  // and stalls for seconds when many write at once: this isolate's requests write four at a time.
  const client = writeSlots(retryBusy(createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN, fetch: timeoutFetch() })));
  const server = buildServer({
    config,
    client,
    clock: systemClock,
    log,
    messenger: lark,
    defer: (c, work) => c.executionCtx.waitUntil(work()),
  });
  return { server, client, config };
}

/** Once per isolate, off the acknowledgement path: say loudly when `npm run db:migrate` was forgotten. */
async function checkSchema(client: Client): Promise<void> {
  const latest = migrations[migrations.length - 1];
  if (!latest) return;
  try {
    const r = await client.execute("SELECT MAX(created_at) AS at FROM __drizzle_migrations");
    const at = Number(r.rows[0]?.at ?? -1);
    if (at < latest.folderMillis) log(`database: schema is behind (latest migration ${latest.tag} not applied): run \`npm run db:migrate\` against DATABASE_URL`);
  } catch (e) {
    log(`database: cannot read the schema version (${(e as Error).message}): run \`npm run db:migrate\` against DATABASE_URL`);
  }
}

function configFailure(e: unknown): Response {
  const message = e instanceof ConfigError ? e.message : `start-up failed: ${(e as Error).message ?? e}`;
  console.error(message);
  return new Response(JSON.stringify({ error: message }), { status: 500, headers: { "content-type": "application/json; charset=utf-8" } });
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    let inst: Instance;
    try {
      inst = getInstance(env);
    } catch (e) {
      return configFailure(e);
    }
    if (!schemaChecked) {
      schemaChecked = true;
      ctx.waitUntil(checkSchema(inst.client));
    }
    return inst.server.app.fetch(request, env, ctx);
  },

  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    let inst: Instance;
    try {
      inst = getInstance(env);
    } catch (e) {
      configFailure(e);
      return;
    }
    const work = runTick(inst.server, new Date(controller.scheduledTime), { jobs, log }).then((r) =>
      log(`cron ${controller.cron}: recovered ${r.recovered}, jobs ${r.jobs}, sent ${r.sent}, retrying ${r.retrying}, failed ${r.failed}`),
    );
    ctx.waitUntil(work);
    await work;
  },
};
