/** The emulator's HTTP routes (Hono). Behaviour and sources: docs/EMULATOR.md. */
import { Hono, type Context } from "hono";
import { MSG_TYPES, parseContent as parseContentForType } from "./content.js";
import {
  LarkError,
  badTokenFormat,
  botNotInChat,
  chatDissolved,
  fieldViolation,
  fileEmpty,
  fileInvalidParam,
  fileNotInMessage,
  fileTooLarge,
  gatewayLimit,
  imFrequency,
  invalidParam,
  invalidToken,
  invalidUserToken,
  logId,
  missingToken,
  recalled,
} from "./errors.js";
import { faultResponse, type Faults } from "./faults.js";
import { boundaryOf, parseMultipart, type Part } from "./multipart.js";
import type { Limiter, Rejection } from "./limits.js";
import { hex, type ChatInfo, type State, type StoredMessage } from "./state.js";
import { RECEIVE_ID_TYPES, type ReceiveIdType } from "./types.js";

export interface ServerContext {
  appId: string;
  appSecret: string;
  tenantKey: string;
  now: () => number;
  state: State;
  limiter: Limiter;
  faults: Faults;
}

type Env = { Variables: { code: number | undefined; injected: boolean } };
type C = Context<Env>;

const TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal";
const FILE_MAX = 30 * 1024 * 1024;
const FILE_TYPES = new Set(["opus", "mp4", "pdf", "doc", "xls", "ppt", "stream"]);
const FOURTEEN_DAYS = 14 * 86_400_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function buildApp(ctx: ServerContext): Hono<Env> {
  const { state, limiter, faults, now } = ctx;
  const app = new Hono<Env>();

  // ---- request log, latency, injected faults ----
  app.use("*", async (c, next) => {
    const t0 = performance.now();
    const at = now();
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const fault = faults.pick(c.req.path);
    if (fault) {
      state.counters.injectedFaults++;
      if (fault.delayMs) await sleep(fault.delayMs);
      const { body, headers } = faultResponse(fault);
      c.set("injected", true);
      try {
        c.set("code", JSON.parse(body).code);
      } catch {
        c.set("code", undefined);
      }
      c.res = new Response(body, { status: fault.status, headers });
    } else {
      await next();
    }
    try {
      c.res.headers.set("x-tt-logid", logId(at));
    } catch {
      // immutable headers: skip the log id
    }
    const url = new URL(c.req.url);
    state.log({
      method: c.req.method,
      path: c.req.path,
      query: url.search,
      status: c.res.status,
      code: c.get("code"),
      injected: c.get("injected") || undefined,
      at,
      ms: performance.now() - t0,
    });
  });

  app.onError((err, c) => {
    if (err instanceof LarkError) return larkError(c, err);
    console.error("[lark-emulator] internal error", err);
    c.set("code", 1500);
    return c.json({ code: 1500, msg: "internal error", error: { log_id: logId(now()) } }, 500);
  });

  app.notFound((c) => {
    c.set("code", 99991201);
    return c.json({ code: 99991201, msg: "resource not find", error: { log_id: logId(now()) } }, 404);
  });

  // ---- tenant_access_token ----
  app.post(TOKEN_PATH, async (c) => {
    const body = await readJson(c).catch(() => undefined);
    if (!isObject(body) || typeof body.app_id !== "string" || typeof body.app_secret !== "string" || !body.app_id) {
      c.set("code", 10003);
      return c.json({ code: 10003, msg: "invalid param" }, 400);
    }
    if (body.app_id !== ctx.appId) {
      c.set("code", 10014);
      return c.json({ code: 10014, msg: "app id not exists" }, 200);
    }
    if (body.app_secret !== ctx.appSecret) {
      c.set("code", 10014);
      return c.json({ code: 10014, msg: "app secret invalid" }, 200);
    }
    const { token, expire } = state.issueToken();
    c.set("code", 0);
    return c.json({ code: 0, msg: "ok", tenant_access_token: token, expire }, 200);
  });

  // ---- Authorization: Bearer <tenant_access_token> on every other API ----
  app.use("/open-apis/*", async (c, next) => {
    if (c.req.path === TOKEN_PATH) return next();
    const h = c.req.header("authorization");
    const m = h ? /^Bearer[ \t]+(\S+)\s*$/i.exec(h) : null;
    let err: LarkError | undefined;
    if (!m) err = missingToken();
    else if (!/^[tu]-/.test(m[1]!)) err = badTokenFormat();
    else if (m[1]!.startsWith("u-")) err = invalidUserToken();
    else if (!state.tokenValid(m[1]!)) err = invalidToken();
    if (err) {
      state.counters.authFailures++;
      throw err;
    }
    return next();
  });

  /** The gateway's per-API app limit (50/s, 1000/min). */
  const gate = (api: string) => {
    const r = limiter.api(api, now());
    if (r) reject(r);
  };

  const reject = (r: Rejection): never => {
    state.counters.rejectedByScope[r.scope] = (state.counters.rejectedByScope[r.scope] ?? 0) + 1;
    if (r.answer === "429") {
      state.counters.rejected429++;
      throw gatewayLimit(r.verdict.limit, r.verdict.resetSeconds);
    }
    state.counters.rejected230020++;
    throw imFrequency();
  };

  /** uuid idempotency, per-target limit, store + record. Shared by send and reply. */
  const deliver = (
    c: C,
    kind: "send" | "reply",
    chat: ChatInfo,
    msgType: string,
    content: string,
    uuid: string | undefined,
    extra: {
      receive_id_type?: ReceiveIdType;
      receive_id?: string;
      parent?: StoredMessage;
      reply_in_thread?: boolean;
    },
  ) => {
    const parsed = parseContentForType(msgType, content);
    if (uuid) {
      const hit = state.uuidHit(uuid);
      if (hit) {
        state.counters.uuidDeduplicated++;
        return ok(c, hit);
      }
    }
    const t = now();
    const target = targetOf(chat);
    const r = limiter.target(target, t);
    if (r) reject(r);
    limiter.commitTarget(target, t);

    const parent = extra.parent;
    let threadId: string | undefined;
    if (parent && (extra.reply_in_thread || parent.thread_id)) {
      threadId = parent.thread_id ?? `omt_${hex(8)}`;
      parent.thread_id = threadId;
    }
    const stored: StoredMessage = {
      message_id: state.newMessageId(),
      chat_id: chat.chat_id,
      chat_type: chat.chat_type,
      msg_type: msgType,
      content,
      create_time: t,
      update_time: t,
      root_id: parent ? (parent.root_id ?? parent.message_id) : undefined,
      parent_id: parent?.message_id,
      thread_id: threadId,
      sender: "app",
      recalled: false,
      updated: false,
    };
    state.store.set(stored.message_id, stored);
    state.record({
      id: stored.message_id,
      kind,
      receive_id_type: extra.receive_id_type,
      receive_id: extra.receive_id,
      parent_id: stored.parent_id,
      root_id: stored.root_id,
      thread_id: threadId,
      reply_in_thread: extra.reply_in_thread,
      chat_id: chat.chat_id,
      chat_type: chat.chat_type,
      msg_type: msgType,
      content: parsed,
      rawContent: content,
      uuid,
      at: t,
    });
    const data = messageObject(ctx, stored);
    if (uuid) state.rememberUuid(uuid, data);
    return ok(c, data);
  };

  // ---- send ----
  app.post("/open-apis/im/v1/messages", async (c) => {
    gate("send");
    const rit = c.req.query("receive_id_type");
    if (!rit) throw fieldViolation("receive_id_type", "receive_id_type is required");
    if (!(RECEIVE_ID_TYPES as readonly string[]).includes(rit)) {
      throw fieldViolation("receive_id_type", `receive_id_type is invalid, options: [${RECEIVE_ID_TYPES.join(",")}]`);
    }
    const body = await readJsonOrViolation(c);
    const receiveId = requiredString(body, "receive_id");
    const msgType = requiredString(body, "msg_type");
    const content = requiredString(body, "content");
    const uuid = optionalUuid(body);
    checkMsgType(msgType);
    checkReceiveId(rit as ReceiveIdType, receiveId);
    let chat: ChatInfo;
    if (rit === "chat_id") {
      const found = state.groupChat(receiveId);
      if (!found) throw botNotInChat();
      chat = found;
    } else {
      chat = state.p2pChatFor(rit as ReceiveIdType, receiveId);
    }
    if (chat.dissolved) throw chatDissolved();
    return deliver(c, "send", chat, msgType, content, uuid, {
      receive_id_type: rit as ReceiveIdType,
      receive_id: receiveId,
    });
  });

  // ---- reply ----
  app.post("/open-apis/im/v1/messages/:message_id/reply", async (c) => {
    gate("reply");
    const body = await readJsonOrViolation(c);
    const content = requiredString(body, "content");
    const msgType = requiredString(body, "msg_type");
    const uuid = optionalUuid(body);
    checkMsgType(msgType);
    if (body.reply_in_thread !== undefined && typeof body.reply_in_thread !== "boolean") {
      throw fieldViolation("reply_in_thread", "reply_in_thread must be a boolean");
    }
    const parent = state.store.get(c.req.param("message_id"));
    if (!parent) throw invalidParam("invalid message_id");
    if (parent.recalled) throw recalled();
    const chat = state.chat(parent.chat_id);
    if (!chat) throw invalidParam("invalid message_id");
    if (chat.dissolved) throw chatDissolved();
    return deliver(c, "reply", chat, msgType, content, uuid, {
      parent,
      reply_in_thread: body.reply_in_thread === true || undefined,
    });
  });

  // ---- update a sent card ----
  app.patch("/open-apis/im/v1/messages/:message_id", async (c) => {
    gate("patch");
    const body = await readJsonOrViolation(c);
    const content = requiredString(body, "content");
    const id = c.req.param("message_id");
    const msg = state.store.get(id);
    if (!msg) throw invalidParam("invalid message_id");
    if (msg.recalled) throw recalled();
    if (msg.sender !== "app") throw new LarkError(400, 230027, "Lack of necessary permissions.");
    if (msg.msg_type !== "interactive") throw invalidParam("only interactive (card) messages can be patched");
    const t = now();
    if (t - msg.create_time > FOURTEEN_DAYS) {
      throw new LarkError(400, 230031, "Message can only be modified within 14 days after sending.");
    }
    const parsed = parseContentForType("interactive", content);
    const r = limiter.patch(id, t);
    if (r) reject(r);
    msg.content = content;
    msg.updated = true;
    msg.update_time = t;
    state.record({
      id,
      kind: "patch",
      chat_id: msg.chat_id,
      chat_type: msg.chat_type,
      msg_type: "interactive",
      content: parsed,
      rawContent: content,
      at: t,
    });
    return ok(c, {});
  });

  // ---- get one message ----
  app.get("/open-apis/im/v1/messages/:message_id", (c) => {
    gate("get");
    const msg = state.store.get(c.req.param("message_id"));
    if (!msg) throw invalidParam("invalid message_id");
    return ok(c, { items: [messageObject(ctx, msg)] });
  });

  // ---- upload a file ----
  app.post("/open-apis/im/v1/files", async (c) => {
    gate("upload");
    const ct = c.req.header("content-type") ?? "";
    const boundary = ct.toLowerCase().startsWith("multipart/form-data") ? boundaryOf(ct) : undefined;
    if (!boundary) throw fileInvalidParam("content-type must be multipart/form-data");
    let parts: Part[];
    try {
      parts = parseMultipart(Buffer.from(await c.req.arrayBuffer()), boundary);
    } catch {
      throw fileInvalidParam("malformed multipart body");
    }
    const field = (name: string) => parts.find((p) => p.name === name);
    const fileType = field("file_type")?.data.toString("utf8");
    const fileName = field("file_name")?.data.toString("utf8");
    const file = field("file");
    if (!fileType || !FILE_TYPES.has(fileType)) throw fileInvalidParam("file_type is invalid");
    if (!fileName) throw fileInvalidParam("file_name is required");
    if (!file) throw fileInvalidParam("file is required");
    if (file.data.length === 0) throw fileEmpty();
    if (file.data.length > FILE_MAX) throw fileTooLarge();
    const fileKey = `file_v3_${hex(4)}-${hex(2)}-${hex(2)}-${hex(2)}-${hex(6)}g`;
    state.files.set(fileKey, { bytes: new Uint8Array(file.data), name: fileName, fileType });
    return ok(c, { file_key: fileKey });
  });

  // ---- download a resource of a message ----
  app.get("/open-apis/im/v1/messages/:message_id/resources/:file_key", (c) => {
    gate("download");
    const type = c.req.query("type");
    if (type !== "file" && type !== "image") throw fileInvalidParam("type must be file or image");
    const messageId = c.req.param("message_id");
    const fileKey = c.req.param("file_key");
    const file = state.files.get(fileKey);
    const msg = state.store.get(messageId);
    if (msg) {
      if (!contentKeys(msg.content).includes(fileKey)) throw fileNotInMessage();
    } else if (file?.messageId && file.messageId !== messageId) {
      throw fileNotInMessage();
    }
    if (!file) throw fileNotInMessage();
    c.set("code", 0);
    const ascii = file.name.replace(/[^\x20-\x7e]|["\\]/g, "_");
    return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/octet-stream",
      "content-length": String(file.bytes.byteLength),
      "content-disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    });
  });

  return app;
}

// ---------------------------------------------------------------- helpers

function isObject(x: unknown): x is Record<string, any> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function ok(c: C, data: unknown) {
  c.set("code", 0);
  return c.json({ code: 0, msg: "success", data }, 200);
}

function larkError(c: C, e: LarkError) {
  c.set("code", e.code);
  const body = { code: e.code, msg: e.message, error: { log_id: logId(Date.now()), ...e.extra } };
  return c.json(body, e.status as 400, e.headers);
}

async function readJson(c: C): Promise<unknown> {
  return JSON.parse(await c.req.text());
}

async function readJsonOrViolation(c: C): Promise<Record<string, any>> {
  let body: unknown;
  try {
    body = await readJson(c);
  } catch {
    throw fieldViolation("body", "request body is not valid JSON");
  }
  if (!isObject(body)) throw fieldViolation("body", "request body must be a JSON object");
  return body;
}

function requiredString(body: Record<string, any>, field: string): string {
  const v = body[field];
  if (v === undefined || v === null || v === "") throw fieldViolation(field, `${field} is required`);
  if (typeof v !== "string") throw fieldViolation(field, `${field} must be a string`);
  return v;
}

function optionalUuid(body: Record<string, any>): string | undefined {
  const v = body.uuid;
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw fieldViolation("uuid", "uuid must be a string");
  if (v.length > 50) throw fieldViolation("uuid", "the max len is 50");
  return v;
}

function checkMsgType(msgType: string): void {
  if (!MSG_TYPES.has(msgType)) {
    throw fieldViolation("msg_type", `msg_type is invalid, options: [${[...MSG_TYPES].join(",")}]`);
  }
}

const ID_PREFIX: Partial<Record<ReceiveIdType, string>> = { open_id: "ou_", union_id: "on_", chat_id: "oc_" };

function checkReceiveId(type: ReceiveIdType, id: string): void {
  const prefix = ID_PREFIX[type];
  if ((prefix && !id.startsWith(prefix)) || (type === "email" && !/^[^@\s]+@[^@\s]+$/.test(id))) {
    throw invalidParam("invalid receive_id");
  }
}

function targetOf(chat: ChatInfo): { kind: "chat" | "user"; key: string } {
  if (chat.chat_type === "p2p") return { kind: "user", key: chat.userKey ?? `chat:${chat.chat_id}` };
  return { kind: "chat", key: chat.chat_id };
}

function contentKeys(content: string): string[] {
  try {
    const p = JSON.parse(content);
    return [p?.file_key, p?.image_key].filter((k): k is string => typeof k === "string");
  } catch {
    return [];
  }
}

export function messageObject(ctx: Pick<ServerContext, "appId" | "tenantKey">, m: StoredMessage) {
  const o: Record<string, unknown> = { message_id: m.message_id };
  if (m.root_id) o.root_id = m.root_id;
  if (m.parent_id) o.parent_id = m.parent_id;
  if (m.thread_id) o.thread_id = m.thread_id;
  Object.assign(o, {
    msg_type: m.msg_type,
    create_time: String(m.create_time),
    update_time: String(m.update_time),
    deleted: m.recalled,
    updated: m.updated,
    chat_id: m.chat_id,
    sender:
      m.sender === "app"
        ? { id: ctx.appId, id_type: "app_id", sender_type: "app", tenant_key: ctx.tenantKey }
        : { id: m.senderOpenId ?? "", id_type: "open_id", sender_type: "user", tenant_key: ctx.tenantKey },
    body: { content: m.content },
  });
  return o;
}
