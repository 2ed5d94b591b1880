/**
 * Starts Duban on each runtime against the Lark emulator, so that one scenario list (scenarios.ts)
 * can drive them all:
 *   - node+file:  startNode on an embedded libSQL file (the default deployment);
 *   - node+sqld:  startNode on a libSQL server over HTTP (several instances, one database);
 *   - workerd+sqld: the Worker bundle exactly as `wrangler deploy` builds it, run by workerd
 *     (Miniflare's API), on the same kind of libSQL server.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { Log, LogLevel, Miniflare } from "miniflare";
import { runScheduled } from "../../src/jobs/run";
import { migrateDatabase } from "../../src/runtime/migrate";
import { startNode } from "../../src/runtime/node";
import { startEmulator, type Emulator } from "../emulator/index";
import { startSqld, type Sqld } from "../helpers/sqld";

export const ROOT = resolve(import.meta.dirname, "../..");

/** A self-built app id as Lark issues them (the SDK's WSClient insists on cli_ + 16 hex digits). */
export const APP_ID = "cli_a1b2c3d4e5f60718";
export const TOKEN = "runtime-verification-token";
export const ENCRYPT_KEY = "runtime-encrypt-key";
export const ADMIN = { openId: "ou_runtimeadmin0000000000000001", name: "王主任" };
export const LIAISON = { openId: "ou_runtimeliaison00000000000001", name: "张三" };
export const BOT = { openId: "ou_runtimebot000000000000000001", name: "督办" };

export function larkEnv(emulator: Emulator, databaseUrl: string): Record<string, string> {
  return {
    LARK_APP_ID: emulator.appId,
    LARK_APP_SECRET: emulator.appSecret,
    LARK_VERIFICATION_TOKEN: TOKEN,
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_DOMAIN: emulator.url,
    ADMIN_OPEN_IDS: ADMIN.openId,
    DATABASE_URL: databaseUrl,
  };
}

export interface Target {
  name: string;
  /** The app's base URL (webhook: POST /webhook/event). */
  url: string;
  emulator: Emulator;
  /** Another connection to the runtime's database, for setting up and checking. */
  db: Client;
  /**
   * The runtime's scheduled work at instant `at`: on Node the tick (recovery, jobs, outbox) with the
   * jobs of src/jobs, on the Worker its Cron Trigger (`scheduled` handler) with scheduledTime = at.
   */
  scheduled(at: Date): Promise<void>;
  logs: string[];
  close(): Promise<void>;
}

export async function startNodeTarget(database: "file" | "sqld"): Promise<Target> {
  const emulator = await startEmulator({ appId: APP_ID });
  let sqld: Sqld | undefined;
  let dir: string | undefined;
  let url: string;
  if (database === "sqld") {
    sqld = await startSqld();
    url = sqld.url;
  } else {
    dir = mkdtempSync(join(tmpdir(), "duban-node-"));
    url = `file:${join(dir, "duban.db")}`;
  }
  const logs: string[] = [];
  // No timers: the test fires the tick itself (with the same jobs the Worker's Cron Trigger runs), as
  // the Worker's test fires its Cron Trigger.
  const node = await startNode({
    env: larkEnv(emulator, url),
    port: 0,
    log: (l) => logs.push(l),
    sweepSeconds: 3600,
    scheduler: false,
    jobs: (server, now) => runScheduled(server, now, { log: (l) => logs.push(l) }),
  });
  const db = createClient({ url });
  return {
    name: `node+${database}`,
    url: node.url,
    emulator,
    db,
    logs,
    async scheduled(at) {
      await node.tick(at);
    },
    async close() {
      await node.close();
      db.close();
      await emulator.close();
      await sqld?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- the Worker

/** compatibility_date and compatibility_flags, read from wrangler.toml so the test runs what deploys. */
export function wranglerSettings(): { compatibilityDate: string; compatibilityFlags: string[]; crons: string[] } {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  const crons = /^crons\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  if (!date) throw new Error("wrangler.toml has no compatibility_date");
  const list = (s: string) => [...s.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  return { compatibilityDate: date, compatibilityFlags: list(flags), crons: list(crons) };
}

export interface WorkerBundle {
  dir: string;
  /** The bundled Worker (worker.js), as `wrangler deploy` would upload it. */
  path: string;
  bytes: number;
}

let bundle: Promise<WorkerBundle> | undefined;

/** `wrangler deploy --dry-run --outdir`: the real build (define, nodejs_compat, minify), no network. Once per process. */
export function buildWorker(): Promise<WorkerBundle> {
  return (bundle ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-worker-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
    const out = await new Promise<string>((res, rej) => {
      const child = spawn(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", dir], {
        cwd: ROOT,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let text = "";
      child.stdout.on("data", (b) => (text += b));
      child.stderr.on("data", (b) => (text += b));
      child.on("error", rej);
      child.on("exit", (code) => (code === 0 ? res(text) : rej(new Error(`wrangler deploy --dry-run failed (${code}):\n${text}`))));
    });
    const path = join(dir, "worker.js");
    try {
      return { dir, path, bytes: statSync(path).size };
    } catch {
      throw new Error(`wrangler produced no worker.js:\n${out}`);
    }
  })());
}

export interface WorkerRuntime {
  mf: Miniflare;
  url: string;
  logs: string[];
  /** Fires the Cron Trigger as Cloudflare would, at `at`; resolves with the outcome ("ok") once its work is done. */
  scheduled(at?: Date, cron?: string): Promise<string>;
  close(): Promise<void>;
}

/** Runs the built Worker in workerd with these vars/secrets. */
export async function startWorker(bindings: Record<string, string>, o: { inspectorPort?: number } = {}): Promise<WorkerRuntime> {
  const b = await buildWorker();
  const settings = wranglerSettings();
  const logs: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = "";
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      logs.push(...lines.filter(Boolean));
    });
  };
  const mf = new Miniflare({
    modules: true,
    scriptPath: b.path,
    modulesRoot: b.dir,
    compatibilityDate: settings.compatibilityDate,
    compatibilityFlags: settings.compatibilityFlags,
    bindings,
    inspectorPort: o.inspectorPort,
    log: new Log(LogLevel.ERROR),
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      collect(stdout);
      collect(stderr);
    },
  });
  let url: string;
  try {
    url = (await mf.ready).href.replace(/\/$/, "");
  } catch (e) {
    await mf.dispose().catch(() => {});
    throw new Error(`${(e as Error).message}\n${logs.join("\n")}`);
  }
  return {
    mf,
    url,
    logs,
    async scheduled(at = new Date(), cron = settings.crons[0] ?? "*/5 * * * *") {
      // workerd's Fetcher.scheduled (the types come from @cloudflare/workers-types, not installed).
      const worker = (await mf.getWorker()) as unknown as { scheduled(o: { cron: string; scheduledTime: Date }): Promise<{ outcome: string }> };
      const r = await worker.scheduled({ cron, scheduledTime: at });
      return r.outcome;
    },
    close: () => mf.dispose(),
  };
}

export async function startWorkerTarget(): Promise<Target> {
  const [emulator, sqld] = await Promise.all([startEmulator({ appId: APP_ID }), startSqld()]);
  // What `npm run db:migrate` does before a deploy: the Worker itself never migrates.
  await migrateDatabase(sqld.url);
  const worker = await startWorker(larkEnv(emulator, sqld.url));
  const db = createClient({ url: sqld.url });
  return {
    name: "workerd+sqld",
    url: worker.url,
    emulator,
    db,
    logs: worker.logs,
    async scheduled(at) {
      const outcome = await worker.scheduled(at);
      if (outcome !== "ok") throw new Error(`scheduled handler outcome: ${outcome}\n${worker.logs.join("\n")}`);
    },
    async close() {
      await worker.close();
      db.close();
      await emulator.close();
      await sqld.stop();
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails with `what`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
