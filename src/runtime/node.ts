/**
 * Duban on Node: @hono/node-server, an embedded libSQL file by default (or a libSQL server over
 * HTTP), events by webhook or over Lark's long connection (LARK_MODE=websocket), background work
 * tracked so that SIGTERM finishes what was acknowledged before the database closes.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createClient } from "@libsql/client";
import { migrate } from "../../db/migrate";
import { serialWrites } from "../../db/serial-writes";
import { ConfigError, loadConfig } from "../config";
import { systemClock, type Clock } from "../domain/clock";
import { todayIn } from "../domain/dates";
import { startScheduler } from "../jobs/cron";
import { SANDBOX_CHATS, SANDBOX_PEOPLE, seedExample } from "../sandbox/example";
import { buildServer, SANDBOX_TOKEN } from "../server";
import { Foreground } from "./foreground";
import { readNodeRequest } from "./node-request";
import { nodeCrypto } from "./node-crypto";
import { retryBusy, timeoutFetch } from "./remote-db";
import { runTick, type ScheduledJobs } from "./scheduled";
import { startLongConnection, type LongConnection } from "./websocket";

export interface NodeOptions {
  env?: Record<string, string | undefined>;
  clock?: Clock;
  log?: (line: string) => void;
  /** Port 0 picks a free one (tests). */
  port?: number;
  /** Seconds between sweeps for interrupted events and due outbox rows. */
  sweepSeconds?: number;
  /** Scheduled jobs run by each sweep (the Worker's Cron Trigger runs the same tick). */
  jobs?: ScheduledJobs;
  /**
   * The in-process scheduler of digests, alerts and summaries (croner, every minute; src/jobs/cron.ts).
   * Default: on with the system clock (off with DUBAN_SCHEDULER=off), off when a clock is injected —
   * a stopped test clock has no "every minute"; tests call runScheduled themselves.
   */
  scheduler?: boolean;
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
  const embedded = config.DATABASE_URL.startsWith("file:");
  // The busy timeout covers other processes sharing the file; in this process writes queue (serialWrites).
  const raw = createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN, ...(embedded ? { timeout: 5000 } : { fetch: timeoutFetch() }) });
  // A libSQL server answers SQLITE_BUSY when writers meet (single statements and batches are retried),
  // and sqld stalls for seconds when a dozen write at once: this instance's writes queue here too.
  // An event's receipt, which the webhook's 200 waits for, goes ahead of queued writes.
  const receiptsFirst = { urgent: /^\s*insert into "processed_events"/i };
  // Background work (answering acknowledged events, sending, jobs) steps aside for requests in flight,
  // before it queues for the write lock (src/runtime/foreground.ts).
  const foreground = new Foreground();
  const client = foreground.stepAside(embedded ? serialWrites(raw, receiptsFirst) : serialWrites(retryBusy(raw), receiptsFirst));
  if (embedded) {
    // WAL lets readers go on while one write commits (persistent in the file).
    await client.execute("PRAGMA journal_mode = WAL");
  }
  await client.execute("PRAGMA foreign_keys = ON");
  const { applied } = await migrate(client);
  if (applied.length) log(`database: applied migrations ${applied.join(", ")}`);

  if (config.sandbox) config.ADMIN_OPEN_IDS = [...new Set([...config.ADMIN_OPEN_IDS, SANDBOX_PEOPLE.admin.openId])];

  const inflight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    const p = work.finally(() => inflight.delete(p));
    inflight.add(p);
    return p;
  };
  const background = (work: () => Promise<unknown>) => track(foreground.inBackground(work));
  /** Work after an acknowledgement (webhook or long connection): in the background, tracked, errors logged where they happen. */
  const deferWork = (work: () => Promise<unknown>) => void background(work).catch(() => {});
  const server = buildServer({
    config,
    client,
    clock,
    eventConcurrency: embedded ? 1 : 4,
    crypto: nodeCrypto,
    readRequest: readNodeRequest,
    nextTurn: (fn) => setImmediate(fn),
    // Events also start only when no request waits, though each statement steps aside anyway: with a
    // plain timer turn per event instead, a 200/s burst was answered 0.7–1.2 s after its last request, not 0.1 s.
    quiet: () => foreground.quiet(),
    log,
    defer: (_c, work) => deferWork(work),
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
    const s = serve({ fetch: (req, bindings) => foreground.track(() => server.app.fetch(req, bindings)), port, hostname: env.HOST ?? "0.0.0.0" }, () => resolve(s));
  });
  const address = http.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  log(`listening on http://localhost:${boundPort} (webhook: POST /webhook/event, health: GET /healthz)`);

  // Events over the long connection take the webhook's road from `accept` on; the HTTP server stays for /healthz.
  let longConnection: LongConnection | undefined;
  if (config.LARK_MODE === "websocket" && !config.sandbox) {
    longConnection = await startLongConnection({ config, bot: server.bot, log, defer: deferWork });
  } else if (config.LARK_MODE === "websocket") {
    log("LARK_MODE=websocket ignored in sandbox mode (no Lark app configured)");
  }

  // Interrupted events and messages waiting for a retry are picked up by a periodic sweep (the same
  // tick as the Worker's Cron Trigger); it is tracked like any other background work.
  let ticking: Promise<unknown> | undefined;
  let closing: Promise<void> | undefined;
  const tick = (now: Date = clock.now()) => runTick(server, now, { jobs: opts.jobs, log });
  const sweep = () => {
    if (ticking || closing) return;
    ticking = background(() => tick()).finally(() => (ticking = undefined));
  };
  const timer = setInterval(sweep, (opts.sweepSeconds ?? 15) * 1000);
  timer.unref();
  sweep();

  // Scheduled messages: every minute, whatever is due at that instant (docs/SCHEDULING.md).
  const scheduler =
    (opts.scheduler ?? (opts.clock === undefined && env.DUBAN_SCHEDULER !== "off"))
      ? startScheduler(server, { clock, log, run: background })
      : undefined;

  /** Stop accepting (HTTP and long connection), finish acknowledged events and sends, close the database. */
  const close = () =>
    (closing ??= (async () => {
      clearInterval(timer);
      scheduler?.stop();
      longConnection?.close();
      // Replies still to go are sent if Lark's limits allow within a second; the rest stay in the
      // outbox for the next start rather than holding the shutdown for minutes.
      server.sender.stop();
      const stopped = new Promise<void>((r) => http.close(() => r()));
      await stopped;
      while (inflight.size) await Promise.allSettled([...inflight]);
      await server.sender.idle();
      client.close();
    })());

  return {
    ...server,
    config,
    port: boundPort,
    url: `http://127.0.0.1:${boundPort}`,
    close,
    tick,
    longConnection,
    client,
    sandboxChats: SANDBOX_CHATS,
  };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  // First signal: finish what was acknowledged, then exit 0. A second signal, or 25 s (systemd sends
  // SIGKILL after TimeoutStopSec, 90 s by default), exits at once: unfinished events are claimed in
  // the database and a later start picks them up. Handlers are in place before start-up begins, so
  // a signal during start-up waits for it and then shuts down the same way.
  let started: Awaited<ReturnType<typeof startNode>> | undefined;
  let stopping: string | undefined;
  const shutdown = (s: NonNullable<typeof started>) => {
    const force = setTimeout(() => {
      console.log("shutdown: still busy after 25 s, exiting; unfinished work resumes on the next start");
      process.exit(1);
    }, 25_000);
    force.unref();
    s.close().then(
      () => {
        console.log("shutdown: done");
        process.exit(0);
      },
      (e) => {
        console.error(`shutdown failed: ${e?.stack ?? e}`);
        process.exit(1);
      },
    );
  };
  const stop = (sig: string) => {
    if (stopping) {
      console.log(`${sig} again: exiting now`);
      process.exit(1);
    }
    stopping = sig;
    console.log(`${sig}: finishing in-flight work…`);
    if (started) shutdown(started);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  startNode()
    .then((s) => {
      started = s;
      if (stopping) shutdown(s);
    })
    .catch((e) => {
      console.error(e instanceof ConfigError ? e.message : `start-up failed: ${e?.stack ?? e}`);
      process.exit(1);
    });
}
