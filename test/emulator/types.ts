/** Public types of the Lark Open API emulator. See docs/EMULATOR.md. */

export type ReceiveIdType = "open_id" | "union_id" | "user_id" | "email" | "chat_id";
export const RECEIVE_ID_TYPES: readonly ReceiveIdType[] = ["open_id", "union_id", "user_id", "email", "chat_id"];

/** Rate-limit configuration. Defaults are Lark's documented numbers. */
export interface LimitConfig {
  /** Per API (send, reply, patch, upload, download), per app, per second. Lark: 50. */
  appPerSecond: number;
  /** Per API, per app, per minute. Lark: 1000. */
  appPerMinute: number;
  /** Messages (send + reply) landing in one group chat, per second. Lark: 5. */
  perChatPerSecond: number;
  /** Messages (send + reply) to one user (p2p), per second. Lark: 5. */
  perUserPerSecond: number;
  /** PATCH of one message, per second. Lark: 5 (answered 400 / 230020). */
  perMessagePatchPerSecond: number;
  /**
   * "fixed": counters reset on wall-clock second / minute boundaries (default; matches the
   * gateway's `x-ogw-ratelimit-reset` = seconds until the window resets).
   * "sliding": any 1000 ms / 60 000 ms span (stricter, for worst-case testing).
   */
  window: "fixed" | "sliding";
  /**
   * How a per-chat / per-user 5 QPS rejection is answered. "429" (default): HTTP 429, code
   * 99991400, x-ogw-ratelimit-* headers. "230020": HTTP 400, code 230020 (IM business limit).
   */
  perTargetResponse: "429" | "230020";
}

export interface EmulatorOptions {
  appId?: string;
  appSecret?: string;
  /** Lifetime of issued tenant_access_tokens (Lark: 7200). */
  tokenTtlSeconds?: number;
  limits?: Partial<LimitConfig>;
  /** Enforce rate limits (default true). Counters and max rates are kept either way. */
  enforceLimits?: boolean;
  /** Sending to a chat_id that was not registered with addChat → 230002. Default false. */
  strictChats?: boolean;
  /** Clock in epoch ms (default Date.now); drives tokens, windows, uuid TTL, 14-day PATCH rule. */
  now?: () => number;
  /** tenant_key reported in message objects. */
  tenantKey?: string;
  /** Port to listen on (default 0 = random). Always 127.0.0.1. */
  port?: number;
}

/** One accepted operation (send, reply or card patch). */
export interface EmulatedMessage {
  /** message_id ("om_…"); for kind "patch", the id of the patched message. */
  id: string;
  kind: "send" | "reply" | "patch";
  receive_id_type?: ReceiveIdType;
  receive_id?: string;
  /** For replies: the parent message id. */
  parent_id?: string;
  root_id?: string;
  thread_id?: string;
  reply_in_thread?: boolean;
  /** The chat the message landed in (p2p chats get a stable synthetic id per user). */
  chat_id: string;
  chat_type: "p2p" | "group";
  msg_type: string;
  /** `content` parsed from its JSON string. */
  content: any;
  /** The raw `content` string as sent. */
  rawContent: string;
  uuid?: string;
  /** Acceptance time (emulator clock, ms). */
  at: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  /** Lark `code` of the answer, when it was a JSON envelope. */
  code?: number;
  /** True when the answer came from failNext / faultRate. */
  injected?: boolean;
  at: number;
  ms: number;
}

export interface FaultSpec {
  status: number;
  /** Lark code for the default JSON body (default: 99991400 for 429, 1500 for 5xx, else 230001). */
  code?: number;
  headers?: Record<string, string>;
  /** Replace the body: an object is sent as JSON, a string as-is (e.g. an HTML proxy page). */
  body?: unknown;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
  /** Which paths the fault applies to (default: /open-apis/im/…, i.e. not the token endpoint). */
  match?: string | RegExp;
}

export interface FaultRateOptions {
  p429?: number;
  p5xx?: number;
  seed?: number;
  match?: string | RegExp;
}

export interface Counters {
  /** Requests answered 429 by the emulator's own rate limiter. */
  rejected429: number;
  /** Requests answered 400 / 230020 by the limiter (PATCH per message; per-target in "230020" mode). */
  rejected230020: number;
  /** Limiter rejections per scope: "app:send:s", "app:send:m", "chat", "user", "patch", … */
  rejectedByScope: Record<string, number>;
  /** Answers produced by failNext / faultRate. */
  injectedFaults: number;
  /** tenant_access_token answers with code 0. */
  tokensIssued: number;
  /** Requests rejected with 99991661 / 99991663 / 99991671. */
  authFailures: number;
  /** Accepted sends/replies whose uuid had already succeeded within the hour (not recorded). */
  uuidDeduplicated: number;
}
