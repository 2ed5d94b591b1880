/**
 * Duban on Node: @hono/node-server, an embedded libSQL file by default, background work tracked
 * so that SIGTERM finishes what was acknowledged before the database closes.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createClient } from "@libsql/client";
import { migrate } from "../../db/migrate";
import { ConfigError, loadConfig } from "../config";
import { systemClock, type Clock } from "../domain/clock";
import { todayIn } from "../domain/dates";
import { SANDBOX_CHATS, SANDBOX_PEOPLE, seedExample } from "../sandbox/example";
import { buildServer, SANDBOX_TOKEN } from "../server";

export interface NodeOptions {
  env?: Record<string, string | undefined>;
  clock?: Clock;
  log?: (line: string) => void;
  /** Port 0 picks a free one (tests). */
  port?: number;
  /** Seconds between sweeps for interrupted events and due outbox rows. */
  sweepSeconds?: number;
}

export async function startNode(opts: NodeOptions = {}) {
  const log = opts.log ?? ((l: string) => console.log(l));
  const env = opts.env ?? process.env;
  const config = loadConfig(env);
  const clock = opts.clock ?? systemClock;

  if (config.DATABASE_URL.startsWith("file:")) {
    const path = config.DATABASE_URL.slice("file:".length);
    if (path && path !== ":memory:") mkdirSync(dirname(path.startsWith("//") ? fileURLToPath(config.DATABASE_URL) : path), { recursive: true });
  }
  const client = createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  if (config.DATABASE_URL.startsWith("file:")) {
    // WAL lets readers go on while one write commits; the busy timeout queues writers instead of failing.
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA busy_timeout = 5000");
  }
  await client.execute("PRAGMA foreign_keys = ON");
  const { applied } = await migrate(client);
  if (applied.length) log(`database: applied migrations ${applied.join(", ")}`);

  if (config.sandbox) config.ADMIN_OPEN_IDS = [...new Set([...config.ADMIN_OPEN_IDS, SANDBOX_PEOPLE.admin.openId])];

  const inflight = new Set<Promise<unknown>>();
  const server = buildServer({
    config,
    client,
    clock,
    log,
    defer: (_c, work) => {
      const p = work.finally(() => inflight.delete(p));
      inflight.add(p);
    },
  });

  if (config.sandbox) {
    const seeded = await seedExample(server.db, todayIn(clock), clock.now().getTime());
    log(
      [
        "",
        "==================================================================",
        "  督办 Duban — SANDBOX MODE (沙盒模式): no Lark account configured.",
        "  Nothing is sent to Lark; every message is printed here instead.",
        seeded ? "  Example data (示例数据) was loaded: 4 units, 5 tasks." : "  Using the example data already in the database.",
        `  Talk to the bot:  npm run chat -- "我的任务"   (as ${SANDBOX_PEOPLE.liaison.name})`,
        '                    npm run chat -- --as admin "单位"',
        `  Verification token for hand-made events: ${SANDBOX_TOKEN}`,
        "==================================================================",
        "",
      ].join("\n"),
    );
  } else {
    log(`督办 Duban: Lark app ${config.LARK_APP_ID} on ${config.larkBaseUrl}${config.LARK_ENCRYPT_KEY ? " (encrypted events)" : ""}`);
  }

  const port = opts.port ?? config.PORT;
  const http = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: server.app.fetch, port, hostname: env.HOST ?? "0.0.0.0" }, () => resolve(s));
  });
  const address = http.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  log(`listening on http://localhost:${boundPort} (webhook: POST /webhook/event, health: GET /healthz)`);

  // Interrupted events and messages waiting for a retry are picked up by a periodic sweep.
  const sweep = async () => {
    await server.bot.recover().catch((e) => log(`recover: ${e}`));
    await server.sender.deliver().catch((e) => log(`outbox: ${e}`));
  };
  const timer = setInterval(() => void sweep(), (opts.sweepSeconds ?? 15) * 1000);
  timer.unref();
  void sweep();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(timer);
      await new Promise<void>((r) => http.close(() => r()));
      while (inflight.size) await Promise.allSettled([...inflight]);
      await server.sender.idle();
      client.close();
    })());

  return { ...server, config, port: boundPort, url: `http://127.0.0.1:${boundPort}`, close, client, sandboxChats: SANDBOX_CHATS };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  startNode()
    .then((s) => {
      const stop = (sig: string) => {
        console.log(`${sig}: finishing in-flight work…`);
        s.close().then(() => process.exit(0));
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    })
    .catch((e) => {
      console.error(e instanceof ConfigError ? e.message : `start-up failed: ${e?.stack ?? e}`);
      process.exit(1);
    });
}
