/**
 * An end-to-end rig: the Lark emulator, the real Node server on a temp libSQL file pointed at it
 * through LARK_DOMAIN, and `say()` — a signed, encrypted message event posted to /webhook/event,
 * returning the reply as it arrived at the emulator.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNode } from "../../src/runtime/node";
import { fixedClock } from "../../src/domain/clock";
import { startEmulator, type EmulatedMessage, type Emulator } from "../emulator";
import { postEvent, textMessageEvent, type Mention } from "./lark-events";

export const TOKEN = "v-token-for-tests";
export const ENCRYPT_KEY = "encrypt-key-for-tests";
export const ADMIN = { openId: "ou_admin_wang", name: "王主任" };

export interface Person {
  openId: string;
  name: string;
}

export interface SayOptions {
  as?: Person;
  /** A group chat id; the bot is @mentioned first, as a group member addresses it. */
  group?: string;
  mentions?: Person[];
  eventId?: string;
  messageId?: string;
}

export interface Harness {
  emulator: Emulator;
  server: Awaited<ReturnType<typeof startNode>>;
  url: string;
  clock: ReturnType<typeof fixedClock>;
  dbFile: string;
  say(text: string, o?: SayOptions): Promise<{ reply: string; message: EmulatedMessage; all: EmulatedMessage[] }>;
  post(payload: unknown, o?: Parameters<typeof postEvent>[2]): Promise<Response>;
  event(text: string, o?: SayOptions): ReturnType<typeof textMessageEvent>;
  close(): Promise<void>;
}

/** A card's visible text, for assertions on what the person reads. */
export function visibleText(m: EmulatedMessage): string {
  if (m.msg_type === "text") return m.content.text;
  const out: string[] = [m.content.header?.title?.content ?? ""];
  const walk = (els: any[] = []) => {
    for (const e of els) {
      if (e.tag === "markdown") out.push(e.content);
      if (e.tag === "column_set") for (const c of e.columns ?? []) walk(c.elements);
      if (e.tag === "button") out.push(`[${e.text.content}]`);
    }
  };
  walk(m.content.body?.elements);
  // Bold markers are formatting, not what the person reads.
  return out.join("\n").replace(/\*\*/g, "");
}

export async function startHarness(opts: { now?: string; env?: Record<string, string> } = {}): Promise<Harness> {
  const emulator = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), "duban-e2e-"));
  const dbFile = join(dir, "duban.db");
  // Wednesday 25 Nov 2026, 10:00 Beijing time, unless a test says otherwise.
  const clock = fixedClock(opts.now ?? "2026-11-25T10:00:00+08:00");
  const server = await startNode({
    env: {
      LARK_APP_ID: emulator.appId,
      LARK_APP_SECRET: emulator.appSecret,
      LARK_VERIFICATION_TOKEN: TOKEN,
      LARK_ENCRYPT_KEY: ENCRYPT_KEY,
      LARK_DOMAIN: emulator.url,
      DATABASE_URL: `file:${dbFile}`,
      ADMIN_OPEN_IDS: ADMIN.openId,
      HOST: "127.0.0.1",
      ...opts.env,
    },
    clock,
    port: 0,
    log: () => {},
    sweepSeconds: 3600,
  });
  const url = `${server.url}/webhook/event`;
  let n = 0;

  const event = (text: string, o: SayOptions = {}) => {
    const who = o.as ?? ADMIN;
    const mentions: Mention[] = [];
    let t = text;
    if (o.group) {
      mentions.push({ key: "@_user_1", name: "督办", openId: "ou_bot_duban" });
      t = `@_user_1 ${t}`;
    }
    for (const p of o.mentions ?? []) {
      const key = `@_user_${mentions.length + 1}`;
      mentions.push({ key, name: p.name, openId: p.openId });
      t = `${t} ${key}`;
    }
    return textMessageEvent({
      text: t,
      mentions,
      openId: who.openId,
      chatId: o.group ?? `oc_p2p_${who.openId}`,
      chatType: o.group ? "group" : "p2p",
      token: TOKEN,
      eventId: o.eventId,
      messageId: o.messageId ?? `om_test_${++n}_${Date.now()}`,
    });
  };

  // Signed "now" by the same clock the server reads, as Lark's and our clocks agree in production.
  const post = (payload: unknown, o: Parameters<typeof postEvent>[2] = {}) =>
    postEvent(url, payload, { encryptKey: ENCRYPT_KEY, timestamp: Math.floor(clock.now().getTime() / 1000), ...o });

  return {
    emulator,
    server,
    url,
    clock,
    dbFile,
    event,
    post,
    async say(text, o = {}) {
      const ev = event(text, o);
      emulator.ingestEvent(ev);
      const before = emulator.messages.length;
      const res = await post(ev);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
      const all = await emulator.waitForMessages(before + 1, 10_000);
      const message = all.slice(before).find((m) => m.parent_id === ev.event.message.message_id) ?? all[before];
      return { reply: visibleText(message), message, all: all.slice(before) };
    },
    async close() {
      await server.close();
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
