/**
 * `npm start` as production runs it (a child process: node --import tsx src/runtime/node.ts), stopped
 * by SIGTERM while an acknowledged command is still being answered: it must stop accepting, finish
 * the answer, close the database, and exit 0.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../emulator/index";
import { postEvent, textMessageEvent } from "../helpers/lark-events";
import { freePort } from "../helpers/sqld";
import { ADMIN, APP_ID, ENCRYPT_KEY, larkEnv, ROOT } from "./harness";

let emulator: Emulator;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ appId: APP_ID });
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
  emulator.setLatency(0);
});
afterAll(async () => {
  await emulator.close();
});

interface Started {
  url: string;
  port: number;
  db: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts `npm start`'s process on a new database, or on `db` (a restart). */
async function startChild(reuse?: string): Promise<Started> {
  if (!reuse) dir = mkdtempSync(join(tmpdir(), "duban-shutdown-"));
  const db = reuse ?? join(dir, "duban.db");
  const port = await freePort();
  child = spawn(process.execPath, ["--import", "tsx", "src/runtime/node.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...larkEnv(emulator, `file:${db}`), PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (b) => (out += b));
  child.stderr!.on("data", (b) => (out += b));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((r) =>
    child!.once("exit", (code, signal) => r({ code, signal, at: Date.now() })),
  );
  const until = Date.now() + 20_000;
  while (!out.includes("listening on")) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`the server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `http://127.0.0.1:${port}`, port, db, output: () => out, exited };
}

/** Whether a new TCP connection is accepted (fetch would reuse pooled keep-alive sockets). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

it("SIGTERM mid-answer: stops accepting, finishes the answer, closes the database, exits 0", async () => {
  const s = await startChild();
  // Slow Lark down so that the answer is still on its way when the signal arrives.
  emulator.setLatency(1500);
  const before = emulator.messages.length;
  const ev = textMessageEvent({ openId: ADMIN.openId, chatId: "oc_shutdownp2p00000000000000001", chatType: "p2p", token: "runtime-verification-token", text: "新单位 县教体局" });
  emulator.ingestEvent(ev);
  const r = await postEvent(s.url, ev, { encryptKey: ENCRYPT_KEY });
  expect(r.status).toBe(200);
  expect(emulator.messages.length).toBe(before);

  child!.kill("SIGTERM");
  // The listener closes as soon as the signal is handled (the event loop may be busy loading the SDK).
  const until = Date.now() + 3000;
  while ((await accepts(s.port)) && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
  expect(await accepts(s.port), s.output()).toBe(false);
  expect(child!.exitCode, "exited before the answer was sent").toBeNull(); // still finishing
  expect(emulator.messages.length).toBe(before);

  const exit = await s.exited;
  emulator.setLatency(0);
  expect(exit.code, s.output()).toBe(0);
  expect(s.output()).toContain("SIGTERM: finishing in-flight work");
  expect(s.output()).toContain("shutdown: done");
  // The answer went out before the process ended.
  expect(emulator.messages.length).toBe(before + 1);
  expect(emulator.messages[before].content.text).toContain("已创建单位「县教体局」");
  expect(emulator.messages[before].at).toBeLessThanOrEqual(exit.at);

  // Every row is final: the event is done and its answer marked sent (the database was closed after that).
  const c = createClient({ url: `file:${s.db}` });
  const outbox = await c.execute("SELECT status FROM outbox");
  const events = await c.execute("SELECT status FROM processed_events");
  c.close();
  expect(outbox.rows.map((x) => x.status)).toEqual(["sent"]);
  expect(events.rows.map((x) => x.status)).toEqual(["done"]);
});

it("SIGINT when idle exits 0 at once", async () => {
  const s = await startChild();
  const t0 = Date.now();
  child!.kill("SIGINT");
  const exit = await s.exited;
  expect(exit.code, s.output()).toBe(0);
  expect(Date.now() - t0).toBeLessThan(3000);
  expect(s.output()).toContain("shutdown: done");
});

it("SIGTERM with replies held back by Lark's limits: exits without waiting them out; the next start sends each once", async () => {
  const s = await startChild();
  // Fifteen questions in one chat: Lark lets five messages a second into a chat, so the last five
  // could leave only about three seconds after the first.
  const chat = "oc_shutdownp2p00000000000000002";
  const events = Array.from({ length: 15 }, () => textMessageEvent({ openId: ADMIN.openId, chatId: chat, chatType: "p2p", token: "runtime-verification-token", text: "帮助" }));
  const before = emulator.messages.length;
  for (const ev of events) emulator.ingestEvent(ev);
  for (const ev of events) expect((await postEvent(s.url, ev, { encryptKey: ENCRYPT_KEY })).status).toBe(200);
  await emulator.waitForMessages(before + 5, 10_000);

  child!.kill("SIGTERM");
  const exit = await s.exited;
  expect(exit.code, s.output()).toBe(0);
  expect(s.output()).toContain("shutdown: done");
  const sentBeforeExit = emulator.messages.length - before;
  expect(sentBeforeExit).toBeLessThan(15);
  // What was held back is in the outbox, free for the next start to take.
  const c = createClient({ url: `file:${s.db}` });
  const pending = await c.execute("SELECT lease_until FROM outbox WHERE status = 'pending'");
  c.close();
  expect(pending.rows.map((r) => Number(r.lease_until))).toEqual(Array(15 - sentBeforeExit).fill(0));

  // The next start sends the rest: every question answered, none twice.
  const again = await startChild(s.db);
  const replies = (await emulator.waitForMessages(before + 15, 15_000)).slice(before);
  await new Promise((r) => setTimeout(r, 500));
  expect(emulator.messages.length - before).toBe(15);
  expect(new Set(replies.map((m) => m.parent_id))).toEqual(new Set(events.map((ev) => ev.event.message.message_id)));
  child!.kill("SIGTERM");
  expect((await again.exited).code).toBe(0);
});
