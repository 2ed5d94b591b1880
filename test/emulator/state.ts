/** Everything the emulator remembers: tokens, messages, chats, files, uuids, the request log. */
import { createHash, randomBytes } from "node:crypto";
import type { Counters, EmulatedMessage, ReceiveIdType, RequestLogEntry } from "./types.js";

const HOUR = 3_600_000;

export interface StoredMessage {
  message_id: string;
  chat_id: string;
  chat_type: "p2p" | "group";
  msg_type: string;
  content: string;
  create_time: number;
  update_time: number;
  root_id?: string;
  parent_id?: string;
  thread_id?: string;
  sender: "app" | "user";
  senderOpenId?: string;
  recalled: boolean;
  updated: boolean;
}

export interface ChatInfo {
  chat_id: string;
  chat_type: "p2p" | "group";
  members: string[];
  registered: boolean;
  dissolved: boolean;
  /** p2p: the user the chat is with ("open_id:ou_…"). */
  userKey?: string;
}

export interface StoredFile {
  bytes: Uint8Array;
  name: string;
  fileType: string;
  messageId?: string;
}

export const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const digest = (s: string) => createHash("sha256").update(s).digest("hex");

export function newCounters(): Counters {
  return {
    rejected429: 0,
    rejected230020: 0,
    rejectedByScope: {},
    injectedFaults: 0,
    tokensIssued: 0,
    authFailures: 0,
    uuidDeduplicated: 0,
  };
}

export class State {
  readonly messages: EmulatedMessage[] = [];
  readonly requests: RequestLogEntry[] = [];
  readonly counters: Counters = newCounters();
  readonly store = new Map<string, StoredMessage>();
  readonly chats = new Map<string, ChatInfo>();
  readonly files = new Map<string, StoredFile>();
  private p2pByUser = new Map<string, string>();
  private uuids = new Map<string, { at: number; data: Record<string, unknown> }>();
  private tokens = new Map<string, { expiresAt: number; valid: boolean }>();
  private current: string | undefined;
  private waiters: { n: number; resolve: (m: EmulatedMessage[]) => void }[] = [];
  strictChats = false;

  constructor(
    private now: () => number,
    private ttlSeconds: number,
  ) {}

  // ---- tokens ----

  /** Lark: a token with ≥ 30 min left is returned again; otherwise a new one is minted (both stay valid). */
  issueToken(): { token: string; expire: number } {
    const now = this.now();
    const cur = this.current ? this.tokens.get(this.current) : undefined;
    if (this.current && cur && cur.valid && cur.expiresAt - now >= 30 * 60_000) {
      return { token: this.current, expire: Math.floor((cur.expiresAt - now) / 1000) };
    }
    const token = `t-${hex(20)}`;
    this.tokens.set(token, { expiresAt: now + this.ttlSeconds * 1000, valid: true });
    this.current = token;
    this.counters.tokensIssued++;
    return { token, expire: this.ttlSeconds };
  }

  tokenValid(token: string): boolean {
    const t = this.tokens.get(token);
    return !!t && t.valid && this.now() < t.expiresAt;
  }

  expireTokens(): void {
    for (const t of this.tokens.values()) t.valid = false;
    this.current = undefined;
  }

  // ---- chats ----

  chat(chatId: string): ChatInfo | undefined {
    return this.chats.get(chatId);
  }

  addChat(chatId: string, members: string[], chatType: "p2p" | "group" = "group", userKey?: string): ChatInfo {
    const existing = this.chats.get(chatId);
    const info: ChatInfo = {
      chat_id: chatId,
      chat_type: chatType,
      members: members.length ? members : (existing?.members ?? []),
      registered: true,
      dissolved: existing?.dissolved ?? false,
      userKey: userKey ?? existing?.userKey,
    };
    this.chats.set(chatId, info);
    if (chatType === "p2p" && info.userKey) this.p2pByUser.set(info.userKey, chatId);
    return info;
  }

  /** The chat a user-addressed message lands in: the p2p chat with that user (stable id). */
  p2pChatFor(type: ReceiveIdType, id: string): ChatInfo {
    const userKey = `${type}:${id}`;
    let chatId = this.p2pByUser.get(userKey);
    if (!chatId) {
      chatId = `oc_${digest(userKey).slice(0, 32)}`;
      this.p2pByUser.set(userKey, chatId);
    }
    let info = this.chats.get(chatId);
    if (!info) {
      info = { chat_id: chatId, chat_type: "p2p", members: [id], registered: false, dissolved: false, userKey };
      this.chats.set(chatId, info);
    }
    return info;
  }

  /** A chat addressed by chat_id; unknown chats are accepted as groups unless strictChats. */
  groupChat(chatId: string): ChatInfo | undefined {
    const info = this.chats.get(chatId);
    if (info) return info;
    if (this.strictChats) return undefined;
    const created: ChatInfo = { chat_id: chatId, chat_type: "group", members: [], registered: false, dissolved: false };
    this.chats.set(chatId, created);
    return created;
  }

  // ---- uuid idempotency (1 hour) ----

  uuidHit(uuid: string): Record<string, unknown> | undefined {
    const hit = this.uuids.get(uuid);
    if (!hit) return undefined;
    if (this.now() - hit.at >= HOUR) {
      this.uuids.delete(uuid);
      return undefined;
    }
    return hit.data;
  }

  rememberUuid(uuid: string, data: Record<string, unknown>): void {
    this.uuids.set(uuid, { at: this.now(), data });
  }

  // ---- messages ----

  newMessageId(): string {
    return `om_${hex(16)}`;
  }

  record(m: EmulatedMessage): void {
    this.messages.push(m);
    if (this.waiters.length) {
      const n = this.messages.length;
      this.waiters = this.waiters.filter((w) => {
        if (n < w.n) return true;
        w.resolve(this.messages.slice());
        return false;
      });
    }
  }

  waitFor(n: number, timeoutMs: number): Promise<EmulatedMessage[]> {
    if (this.messages.length >= n) return Promise.resolve(this.messages.slice());
    return new Promise((resolve, reject) => {
      const w = {
        n,
        resolve: (m: EmulatedMessage[]) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        const kinds = this.messages.map((m) => `${m.kind}:${m.msg_type}@${m.chat_id}`).join(", ");
        reject(
          new Error(`emulator: waited ${timeoutMs} ms for ${n} messages, got ${this.messages.length} [${kinds}]`),
        );
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  log(e: RequestLogEntry): void {
    this.requests.push(e);
  }

  /** Clear everything except issued tokens (so SDK token caches stay usable across tests). */
  reset(): void {
    this.messages.length = 0;
    this.requests.length = 0;
    Object.assign(this.counters, newCounters());
    this.store.clear();
    this.chats.clear();
    this.files.clear();
    this.p2pByUser.clear();
    this.uuids.clear();
  }
}
