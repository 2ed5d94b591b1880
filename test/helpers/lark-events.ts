/**
 * Build webhook requests exactly the way Lark builds them (written from Lark's documentation,
 * independent of the app's code). Sources: docs/EMULATOR.md § "Events".
 *
 * - v2.0 envelope: {schema:"2.0", header:{event_id, token, create_time, event_type, tenant_key, app_id}, event}
 * - Encryption: AES-256-CBC, key = SHA-256(encrypt key), PKCS7, encrypt = base64(IV(16) ‖ ciphertext)
 * - Signature: X-Lark-Signature = hex(sha256(timestamp + nonce + encryptKey + raw body))
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export const DEFAULT_APP_ID = "cli_emulator0000000";
export const DEFAULT_TENANT_KEY = "736588c9260f175e";

const hex = (n: number) => randomBytes(n).toString("hex");
const derive = (prefix: string, seed: string) => prefix + createHash("sha256").update(seed).digest("hex").slice(0, 32);

export interface Mention {
  /** Placeholder key; defaults to "@_user_N" by position (1-based). */
  key?: string;
  name: string;
  openId: string;
  unionId?: string;
  userId?: string | null;
}

interface Common {
  openId: string;
  chatId: string;
  chatType: "p2p" | "group";
  /** Verification token placed in header.token. */
  token: string;
  messageId?: string;
  eventId?: string;
  appId?: string;
  tenantKey?: string;
  /** Sender's union_id (default: derived from openId). */
  unionId?: string;
  /** Sender's user_id; Lark sends null without the contact:user.employee_id:readonly scope (default). */
  userId?: string | null;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  /** ms since epoch (default: now). */
  createTime?: number;
}

export interface TextMessageEventOptions extends Common {
  text: string;
  mentions?: Mention[];
}

export interface FileMessageEventOptions extends Common {
  fileKey: string;
  fileName: string;
}

export interface EventHeader {
  event_id: string;
  token: string;
  create_time: string;
  event_type: string;
  tenant_key: string;
  app_id: string;
}

export interface UserIds {
  union_id: string;
  user_id: string | null;
  open_id: string;
}

export interface ReceivedMessage {
  message_id: string;
  root_id?: string;
  parent_id?: string;
  create_time: string;
  update_time: string;
  chat_id: string;
  thread_id?: string;
  chat_type: "p2p" | "group";
  message_type: string;
  /** JSON string: {"text"} for text, {"file_key","file_name"} for file. */
  content: string;
  mentions?: { key: string; id: UserIds; name: string; tenant_key: string }[];
}

export interface MessageReceiveEvent {
  schema: "2.0";
  header: EventHeader;
  event: {
    sender: { sender_id: UserIds; sender_type: "user"; tenant_key: string };
    message: ReceivedMessage;
  };
}

export interface CardActionEvent {
  schema: "2.0";
  header: EventHeader;
  event: {
    operator: { tenant_key: string; user_id: string | null; open_id: string; union_id: string };
    token: string;
    action: { value: Record<string, unknown>; tag: string; form_value?: Record<string, unknown>; input_value?: string; option?: string };
    host: string;
    context: { open_message_id: string; open_chat_id: string };
  };
}

function header(eventType: string, o: { token: string; eventId?: string; appId?: string; tenantKey?: string; createTime?: number }) {
  const h: EventHeader = {
    event_id: o.eventId ?? hex(16),
    token: o.token,
    create_time: String(o.createTime ?? Date.now()),
    event_type: eventType,
    tenant_key: o.tenantKey ?? DEFAULT_TENANT_KEY,
    app_id: o.appId ?? DEFAULT_APP_ID,
  };
  return h;
}

function messageEvent(
  o: Common,
  messageType: string,
  content: string,
  mentions?: ReceivedMessage["mentions"],
): MessageReceiveEvent {
  const tenantKey = o.tenantKey ?? DEFAULT_TENANT_KEY;
  const createTime = String(o.createTime ?? Date.now());
  const message = { message_id: o.messageId ?? `om_${hex(16)}` } as ReceivedMessage;
  // Lark omits root_id / parent_id / thread_id on messages that are not replies / in no thread.
  if (o.rootId) message.root_id = o.rootId;
  if (o.parentId) message.parent_id = o.parentId;
  Object.assign(message, { create_time: createTime, update_time: createTime, chat_id: o.chatId });
  if (o.threadId) message.thread_id = o.threadId;
  Object.assign(message, { chat_type: o.chatType, message_type: messageType, content });
  if (mentions && mentions.length) message.mentions = mentions;
  return {
    schema: "2.0" as const,
    header: header("im.message.receive_v1", { ...o, createTime: o.createTime }),
    event: {
      sender: {
        sender_id: {
          union_id: o.unionId ?? derive("on_", o.openId),
          user_id: o.userId === undefined ? null : o.userId,
          open_id: o.openId,
        },
        sender_type: "user" as const,
        tenant_key: tenantKey,
      },
      message,
    },
  };
}

/**
 * im.message.receive_v1 for a text message. Each mention gets a placeholder key ("@_user_1", …);
 * when the text does not already contain the placeholder it is prepended, as Lark writes it.
 */
export function textMessageEvent(o: TextMessageEventOptions): MessageReceiveEvent {
  const tenantKey = o.tenantKey ?? DEFAULT_TENANT_KEY;
  let text = o.text;
  const mentions = (o.mentions ?? []).map((m, i) => {
    const key = m.key ?? `@_user_${i + 1}`;
    return {
      key,
      id: { union_id: m.unionId ?? derive("on_", m.openId), user_id: m.userId ?? null, open_id: m.openId },
      name: m.name,
      tenant_key: tenantKey,
    };
  });
  const missing = mentions.filter((m) => !text.includes(m.key)).map((m) => m.key);
  if (missing.length) text = `${missing.join(" ")} ${text}`;
  return messageEvent(o, "text", JSON.stringify({ text }), mentions);
}

/** im.message.receive_v1 for a file message: content {"file_key","file_name"}. */
export function fileMessageEvent(o: FileMessageEventOptions): MessageReceiveEvent {
  return messageEvent(o, "file", JSON.stringify({ file_key: o.fileKey, file_name: o.fileName }));
}

export interface CardActionEventOptions {
  openId: string;
  value: Record<string, unknown>;
  messageId: string;
  chatId: string;
  /** Verification token placed in header.token. */
  token: string;
  /** The delayed-update token in event.token (default "c-" + random). */
  callbackToken?: string;
  tag?: string;
  formValue?: Record<string, unknown>;
  inputValue?: string;
  option?: string;
  eventId?: string;
  appId?: string;
  tenantKey?: string;
  unionId?: string;
  userId?: string | null;
  createTime?: number;
}

/** card.action.trigger (v2.0 envelope) for a button press on a card the bot sent. */
export function cardActionEvent(o: CardActionEventOptions): CardActionEvent {
  const tenantKey = o.tenantKey ?? DEFAULT_TENANT_KEY;
  const action: CardActionEvent["event"]["action"] = { value: o.value, tag: o.tag ?? "button" };
  if (o.formValue) action.form_value = o.formValue;
  if (o.inputValue !== undefined) action.input_value = o.inputValue;
  if (o.option !== undefined) action.option = o.option;
  return {
    schema: "2.0" as const,
    header: header("card.action.trigger", o),
    event: {
      operator: {
        tenant_key: tenantKey,
        user_id: o.userId === undefined ? null : o.userId,
        open_id: o.openId,
        union_id: o.unionId ?? derive("on_", o.openId),
      },
      token: o.callbackToken ?? `c-${hex(20)}`,
      action,
      host: "im_message",
      context: { open_message_id: o.messageId, open_chat_id: o.chatId },
    },
  };
}

/** The URL verification request Lark sends when the request URL is saved. */
export function urlVerification(o: { challenge: string; token: string }): {
  challenge: string;
  token: string;
  type: "url_verification";
} {
  return { challenge: o.challenge, token: o.token, type: "url_verification" };
}

// ---------------------------------------------------------------- crypto

const aesKey = (encryptKey: string) => createHash("sha256").update(encryptKey, "utf8").digest();

/** Encrypt a payload as Lark does: {"encrypt": base64(IV ‖ AES-256-CBC(PKCS7(json)))}. */
export function encryptBody(json: unknown, encryptKey: string, iv: Buffer = randomBytes(16)): { encrypt: string } {
  const plain = typeof json === "string" ? json : JSON.stringify(json);
  const cipher = createCipheriv("aes-256-cbc", aesKey(encryptKey), iv);
  const enc = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return { encrypt: Buffer.concat([iv, enc]).toString("base64") };
}

/** Inverse of encryptBody; returns the plaintext string. */
export function decryptBody(encrypt: string, encryptKey: string): string {
  const buf = Buffer.from(encrypt, "base64");
  const decipher = createDecipheriv("aes-256-cbc", aesKey(encryptKey), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString("utf8");
}

export function signature(timestamp: string, nonce: string, encryptKey: string, rawBody: string | Uint8Array): string {
  const h = createHash("sha256");
  h.update(timestamp + nonce + encryptKey, "utf8");
  h.update(rawBody);
  return h.digest("hex");
}

/** Headers Lark adds when an Encrypt Key is configured. timestamp: seconds since epoch (string). */
export function signedRequest(
  bodyString: string,
  encryptKey: string,
  o: { timestamp?: string | number; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = o.nonce ?? hex(8);
  return {
    "X-Lark-Request-Timestamp": timestamp,
    "X-Lark-Request-Nonce": nonce,
    "X-Lark-Signature": signature(timestamp, nonce, encryptKey, bodyString),
  };
}

// ---------------------------------------------------------------- delivery

export type Tamper =
  /** One hex digit of X-Lark-Signature changed. */
  | "signature"
  /** Body changed after signing (a trailing space: still valid JSON, so only a raw-body check catches it). */
  | "body"
  /** Nonce changed after signing. */
  | "nonce"
  /** Correctly signed, but the timestamp is 1 hour old (replay). */
  | "stale-timestamp"
  /** No signature headers at all. */
  | "unsigned";

export interface PostEventOptions {
  /** Encrypt the payload and (unless sign: false) sign it, as Lark does when an Encrypt Key is set. */
  encryptKey?: string;
  /** Verification token: overrides header.token (v2.0) / token (url_verification, v1.0) before encryption. */
  token?: string;
  /**
   * Add the signature headers. Default: true when encryptKey is set, except for url_verification
   * (Lark does not sign the challenge request).
   */
  sign?: boolean;
  tamper?: Tamper;
  timestamp?: string | number;
  nonce?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/**
 * POST a payload to the bot's webhook. `url` is the webhook URL; a bare origin
 * (e.g. "http://127.0.0.1:8787") gets "/webhook/event" appended.
 */
export async function postEvent(url: string, payload: unknown, o: PostEventOptions = {}): Promise<Response> {
  const target = new URL(url);
  if (target.pathname === "/" || target.pathname === "") target.pathname = "/webhook/event";

  let body: unknown = payload;
  if (o.token !== undefined && body && typeof body === "object") {
    const b = structuredClone(body) as Record<string, any>;
    if (b.schema === "2.0" && b.header) b.header.token = o.token;
    else b.token = o.token;
    body = b;
  }
  const isChallenge = (body as any)?.type === "url_verification";
  let raw = JSON.stringify(o.encryptKey ? encryptBody(body, o.encryptKey) : body);

  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", ...o.headers };
  const sign = o.sign ?? (!!o.encryptKey && !isChallenge);
  if (sign && o.tamper !== "unsigned") {
    if (!o.encryptKey) throw new Error("postEvent: sign needs an encryptKey");
    const timestamp = o.tamper === "stale-timestamp" ? Math.floor(Date.now() / 1000) - 3600 : o.timestamp;
    const h = signedRequest(raw, o.encryptKey, { timestamp, nonce: o.nonce });
    if (o.tamper === "signature") {
      const s = h["X-Lark-Signature"]!;
      h["X-Lark-Signature"] = (s[0] === "0" ? "1" : "0") + s.slice(1);
    }
    if (o.tamper === "nonce") h["X-Lark-Request-Nonce"] = h["X-Lark-Request-Nonce"] + "x";
    Object.assign(headers, h);
  }
  if (o.tamper === "body") raw += " ";
  return fetch(target, { method: "POST", headers, body: raw });
}
