/**
 * Lark Open API emulator: a real HTTP server on 127.0.0.1 that behaves like Lark's documented
 * Open API for what Duban uses (token, send, reply, card patch, file upload/download), with
 * Lark's rate limits and fault injection. Point the bot / SDK at `emulator.url` (LARK_DOMAIN).
 * Behaviour and sources: docs/EMULATOR.md.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Faults } from "./faults.js";
import { DEFAULT_LIMITS, Limiter } from "./limits.js";
import { buildApp } from "./server.js";
import { State } from "./state.js";
import type {
  Counters,
  EmulatedMessage,
  EmulatorOptions,
  FaultRateOptions,
  FaultSpec,
  LimitConfig,
  RequestLogEntry,
} from "./types.js";

export type * from "./types.js";

export interface Emulator {
  /** Base URL, e.g. http://127.0.0.1:41234 — pass as LARK_DOMAIN / SDK `domain`. */
  readonly url: string;
  readonly port: number;
  readonly appId: string;
  readonly appSecret: string;
  /** Every accepted send / reply / patch, in order (live array; reset() empties it). */
  readonly messages: EmulatedMessage[];
  /** Every HTTP request, in order (live array). */
  readonly requests: RequestLogEntry[];
  readonly counters: Counters;
  /** Most messages accepted into one group chat within one window of 1 s (per limits.window). */
  readonly maxPerSecondByChat: ReadonlyMap<string, number>;
  /** Same for p2p messages, keyed by "<receive_id_type>:<id>" (e.g. "open_id:ou_…"). */
  readonly maxPerSecondByUser: ReadonlyMap<string, number>;
  /** Same per API ("send", "reply", "patch", …), counting every request that passed the gateway. */
  readonly maxPerSecondByApi: ReadonlyMap<string, number>;
  /** Resolves with all messages once at least n were accepted; rejects after timeoutMs. */
  waitForMessages(n: number, timeoutMs?: number): Promise<EmulatedMessage[]>;
  /** Messages accepted in one chat. */
  messagesIn(chatId: string): EmulatedMessage[];
  /** Clear messages, requests, counters, limiter windows, uuids, chats, files, faults, latency. Tokens survive. */
  reset(): void;
  close(): Promise<void>;

  // fault injection
  failNext(n: number, spec: FaultSpec): void;
  /** Random 429 / 5xx answers from a seeded PRNG; `null` turns it off. */
  faultRate(opts: FaultRateOptions | null): void;
  /** Every issued token becomes invalid (→ 99991663); the next token request mints a new one. */
  expireTokens(): void;
  /** Delay every answer by ms. */
  setLatency(ms: number): void;
  setEnforceLimits(on: boolean): void;

  // world set-up
  /** A file downloadable through GET …/messages/:id/resources/:file_key (bound to one message if given). */
  addFile(fileKey: string, bytes: Uint8Array | string, name: string, opts?: { messageId?: string; fileType?: string }): void;
  /** Register a chat (group by default). With strictChats, only registered chats accept messages. */
  addChat(chatId: string, members?: string[], opts?: { chatType?: "p2p" | "group"; userOpenId?: string }): void;
  setStrictChats(on: boolean): void;
  /** Later sends/replies into the chat answer 232009. */
  dissolveChat(chatId: string): void;
  /** Later replies/patches to the message answer 230011. */
  recallMessage(messageId: string): void;
  /**
   * Make a user's message known, as Lark knows it once it delivered im.message.receive_v1:
   * the bot can then reply to it and download its resources. Accepts a v2.0 event envelope
   * (as built by test/helpers/lark-events.ts) or its `event.message` fields directly.
   */
  ingestEvent(payload: unknown): void;
  /** The configured limits (mutable copy). */
  readonly limits: LimitConfig;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const appId = opts.appId ?? "cli_emulator0000000";
  const appSecret = opts.appSecret ?? "emulator-app-secret";
  const tenantKey = opts.tenantKey ?? "736588c9260f175e";
  const now = opts.now ?? Date.now;
  const limits: LimitConfig = { ...DEFAULT_LIMITS, ...opts.limits };
  const state = new State(now, opts.tokenTtlSeconds ?? 7200);
  state.strictChats = opts.strictChats ?? false;
  const limiter = new Limiter(limits, opts.enforceLimits ?? true);
  const faults = new Faults();
  const app = buildApp({ appId, appSecret, tenantKey, now, state, limiter, faults });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      { fetch: app.fetch, hostname: "127.0.0.1", port: opts.port ?? 0, overrideGlobalObjects: false },
      () => resolve(s),
    );
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const emulator: Emulator = {
    url,
    port,
    appId,
    appSecret,
    messages: state.messages,
    requests: state.requests,
    counters: state.counters,
    maxPerSecondByChat: limiter.maxPerSecondByChat,
    maxPerSecondByUser: limiter.maxPerSecondByUser,
    maxPerSecondByApi: limiter.maxPerSecondByApi,
    limits,
    waitForMessages: (n, timeoutMs = 5000) => state.waitFor(n, timeoutMs),
    messagesIn: (chatId) => state.messages.filter((m) => m.chat_id === chatId),
    reset() {
      state.reset();
      state.strictChats = opts.strictChats ?? false;
      limiter.reset();
      faults.reset();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        const s = server as unknown as { closeAllConnections?: () => void };
        s.closeAllConnections?.();
      }),
    failNext: (n, spec) => faults.failNext(n, spec),
    faultRate: (o) => faults.faultRate(o),
    expireTokens: () => state.expireTokens(),
    setLatency(ms) {
      faults.latencyMs = Math.max(0, ms);
    },
    setEnforceLimits(on) {
      limiter.enforce = on;
    },
    addFile(fileKey, bytes, name, o = {}) {
      const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
      state.files.set(fileKey, { bytes: data, name, fileType: o.fileType ?? "stream", messageId: o.messageId });
    },
    addChat(chatId, members = [], o = {}) {
      const chatType = o.chatType ?? "group";
      state.addChat(chatId, members, chatType, o.userOpenId ? `open_id:${o.userOpenId}` : undefined);
    },
    setStrictChats(on) {
      state.strictChats = on;
    },
    dissolveChat(chatId) {
      const info = state.chat(chatId) ?? state.addChat(chatId, []);
      info.dissolved = true;
    },
    recallMessage(messageId) {
      const m = state.store.get(messageId);
      if (!m) throw new Error(`emulator: no message ${messageId}`);
      m.recalled = true;
    },
    ingestEvent(payload) {
      ingest(state, payload, now);
    },
  };
  return emulator;
}

function ingest(state: State, payload: unknown, now: () => number): void {
  const p = payload as any;
  const ev = p?.event ?? p;
  const msg = ev?.message ?? p;
  if (!msg || typeof msg.message_id !== "string" || typeof msg.chat_id !== "string") {
    throw new Error("emulator.ingestEvent: expected an im.message.receive_v1 envelope or its event.message");
  }
  const chatType: "p2p" | "group" = msg.chat_type === "p2p" ? "p2p" : "group";
  const senderOpenId: string | undefined = ev?.sender?.sender_id?.open_id;
  if (!state.chat(msg.chat_id)) {
    state.addChat(msg.chat_id, senderOpenId ? [senderOpenId] : [], chatType, senderOpenId && chatType === "p2p" ? `open_id:${senderOpenId}` : undefined);
  } else if (chatType === "p2p" && senderOpenId) {
    state.addChat(msg.chat_id, [], "p2p", `open_id:${senderOpenId}`);
  }
  const t = Number(msg.create_time) || now();
  state.store.set(msg.message_id, {
    message_id: msg.message_id,
    chat_id: msg.chat_id,
    chat_type: chatType,
    msg_type: msg.message_type ?? msg.msg_type ?? "text",
    content: typeof msg.content === "string" ? msg.content : JSON.stringify(msg.content ?? {}),
    create_time: t,
    update_time: t,
    root_id: msg.root_id || undefined,
    parent_id: msg.parent_id || undefined,
    thread_id: msg.thread_id || undefined,
    sender: "user",
    senderOpenId,
    recalled: false,
    updated: false,
  });
}

