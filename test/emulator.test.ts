import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import * as lark from "@larksuiteoapi/node-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./emulator/index.js";
import {
  cardActionEvent,
  decryptBody,
  encryptBody,
  fileMessageEvent,
  postEvent,
  signature,
  signedRequest,
  textMessageEvent,
  urlVerification,
} from "./helpers/lark-events.js";

// ---------------------------------------------------------------- helpers

async function getToken(emu: Emulator): Promise<string> {
  const r = await fetch(`${emu.url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ app_id: emu.appId, app_secret: emu.appSecret }),
  });
  const j = (await r.json()) as { tenant_access_token: string };
  return j.tenant_access_token;
}

interface ApiResult {
  status: number;
  headers: Headers;
  body: any;
}

async function api(
  emu: Emulator,
  method: string,
  path: string,
  o: { token?: string | null; body?: unknown; auth?: string } = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (o.auth !== undefined) headers.authorization = o.auth;
  else if (o.token) headers.authorization = `Bearer ${o.token}`;
  const r = await fetch(emu.url + path, {
    method,
    headers,
    body: o.body === undefined ? undefined : typeof o.body === "string" ? o.body : JSON.stringify(o.body),
  });
  const text = await r.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: r.status, headers: r.headers, body };
}

const text = (t: string) => JSON.stringify({ text: t });
const card = (title: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    schema: "2.0",
    config: { update_multi: true },
    header: { title: { tag: "plain_text", content: title }, template: "blue" },
    body: { elements: [{ tag: "markdown", content: title }] },
    ...extra,
  });

function send(emu: Emulator, token: string, receiveIdType: string, receiveId: string, data: Record<string, unknown>) {
  return api(emu, "POST", `/open-apis/im/v1/messages?receive_id_type=${receiveIdType}`, {
    token,
    body: { receive_id: receiveId, ...data },
  });
}

/** A settable clock for deterministic windows. */
function manualClock(start = Date.UTC(2026, 0, 5, 2, 0, 0, 0)) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
    set(v: number) {
      t = v;
    },
  };
}

/** In-memory cache for the SDK (its default cache is a process-wide singleton). */
function sdkCache(): lark.Cache {
  const m = new Map<unknown, { v: unknown; exp?: number }>();
  return {
    async set(key, value, expire, options) {
      m.set(`${options?.namespace}:${String(key)}`, { v: value, exp: expire });
      return true;
    },
    async get(key, options) {
      const e = m.get(`${options?.namespace}:${String(key)}`);
      if (!e) return undefined;
      if (e.exp && e.exp < Date.now()) return undefined;
      return e.v;
    },
  };
}

// ---------------------------------------------------------------- tenant_access_token

describe("tenant_access_token", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ appId: "cli_a1b2c3", appSecret: "s3cret" });
  });
  afterAll(() => emu.close());

  const tokenCall = (body: unknown) =>
    api(emu, "POST", "/open-apis/auth/v3/tenant_access_token/internal", { body });

  it("issues a flat {code, msg, tenant_access_token, expire} and reuses it while ≥ 30 min remain", async () => {
    const a = await tokenCall({ app_id: "cli_a1b2c3", app_secret: "s3cret" });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ code: 0, msg: "ok", expire: 7200 });
    expect(a.body.tenant_access_token).toMatch(/^t-[0-9a-f]+$/);
    expect(a.body.data).toBeUndefined();
    const b = await tokenCall({ app_id: "cli_a1b2c3", app_secret: "s3cret" });
    expect(b.body.tenant_access_token).toBe(a.body.tenant_access_token);
    expect(b.body.expire).toBeLessThanOrEqual(7200);
  });

  it("answers a wrong secret with 10014 and a malformed body with 10003", async () => {
    const wrong = await tokenCall({ app_id: "cli_a1b2c3", app_secret: "nope" });
    expect(wrong.body).toMatchObject({ code: 10014, msg: "app secret invalid" });
    expect(wrong.body.tenant_access_token).toBeUndefined();
    const unknownApp = await tokenCall({ app_id: "cli_other", app_secret: "s3cret" });
    expect(unknownApp.body.code).toBe(10014);
    for (const bad of ["not json", { app_id: "cli_a1b2c3" }, [], { app_id: 1, app_secret: "s3cret" }]) {
      const r = await tokenCall(bad);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe(10003);
    }
  });

  it("mints a new token once the current one has < 30 min left; both stay valid until expiry", async () => {
    const clock = manualClock();
    const e = await startEmulator({ now: clock.now });
    try {
      const t1 = await getToken(e);
      clock.advance(100 * 60_000); // 20 min left
      const t2 = await getToken(e);
      expect(t2).not.toBe(t1);
      for (const t of [t1, t2]) {
        const r = await send(e, t, "chat_id", "oc_x", { msg_type: "text", content: text("hi") });
        expect(r.body.code).toBe(0);
      }
      clock.advance(21 * 60_000); // t1 expired, t2 still has ~99 min
      expect((await send(e, t1, "chat_id", "oc_x", { msg_type: "text", content: text("hi") })).body.code).toBe(99991663);
      expect((await send(e, t2, "chat_id", "oc_x", { msg_type: "text", content: text("hi") })).body.code).toBe(0);
    } finally {
      await e.close();
    }
  });
});

// ---------------------------------------------------------------- authorization

describe("Authorization header", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());

  const path = "/open-apis/im/v1/messages?receive_id_type=chat_id";
  const body = { receive_id: "oc_1", msg_type: "text", content: text("x") };

  it("missing or non-Bearer → 99991661; not t-/u- → 99991671; unknown → 99991663 (all HTTP 400)", async () => {
    const cases: [string | undefined, number][] = [
      [undefined, 99991661],
      ["", 99991661],
      ["Basic abc", 99991661],
      ["Bearer", 99991661],
      ["Bearer abc", 99991671],
      ["Bearer t-0000", 99991663],
    ];
    for (const [auth, code] of cases) {
      const r = await api(emu, "POST", path, { auth, body });
      expect(r.status, String(auth)).toBe(400);
      expect(r.body.code, String(auth)).toBe(code);
      expect(r.body.error.log_id).toMatch(/^\d{14}[0-9A-F]+$/);
    }
    expect(emu.messages).toHaveLength(0);
    expect(emu.counters.authFailures).toBe(cases.length);
  });

  it("expireTokens() invalidates every issued token (99991663); a new token works", async () => {
    const t = await getToken(emu);
    expect((await api(emu, "POST", path, { token: t, body })).body.code).toBe(0);
    emu.expireTokens();
    expect((await api(emu, "POST", path, { token: t, body })).body.code).toBe(99991663);
    const t2 = await getToken(emu);
    expect(t2).not.toBe(t);
    expect((await api(emu, "POST", path, { token: t2, body })).body.code).toBe(0);
  });

  it("tokens expire after tokenTtlSeconds", async () => {
    const clock = manualClock();
    const e = await startEmulator({ tokenTtlSeconds: 60, now: clock.now });
    try {
      const t = await getToken(e);
      expect((await api(e, "POST", path, { token: t, body })).body.code).toBe(0);
      clock.advance(60_000);
      const r = await api(e, "POST", path, { token: t, body });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe(99991663);
    } finally {
      await e.close();
    }
  });
});

// ---------------------------------------------------------------- the real node SDK

describe("@larksuiteoapi/node-sdk against the emulator", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ appId: "cli_sdk_test", appSecret: "sdk-secret" });
  });
  afterAll(() => emu.close());

  it("obtains a token, sends a text with im.message.create and replies with im.message.reply", async () => {
    const client = new lark.Client({
      appId: "cli_sdk_test",
      appSecret: "sdk-secret",
      domain: emu.url,
      cache: sdkCache(),
      loggerLevel: lark.LoggerLevel.error,
    });
    const sent = await client.im.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: "oc_sdk_group", msg_type: "text", content: text("你好，督办") },
    });
    expect(sent.code).toBe(0);
    expect(sent.data?.message_id).toMatch(/^om_/);
    expect(sent.data?.chat_id).toBe("oc_sdk_group");
    expect(sent.data?.body?.content).toBe(text("你好，督办"));
    expect(sent.data?.sender).toMatchObject({ id: "cli_sdk_test", id_type: "app_id", sender_type: "app" });

    const replied = await client.im.message.reply({
      path: { message_id: sent.data!.message_id! },
      data: { msg_type: "text", content: text("收到"), uuid: "reply-1" },
    });
    expect(replied.code).toBe(0);
    expect(replied.data?.parent_id).toBe(sent.data!.message_id);
    expect(replied.data?.root_id).toBe(sent.data!.message_id);
    expect(replied.data?.chat_id).toBe("oc_sdk_group");

    const tokenRequests = emu.requests.filter((r) => r.path.endsWith("/tenant_access_token/internal"));
    expect(tokenRequests).toHaveLength(1); // the SDK cached it
    expect(emu.messages.map((m) => [m.kind, m.chat_id, m.content.text])).toEqual([
      ["send", "oc_sdk_group", "你好，督办"],
      ["reply", "oc_sdk_group", "收到"],
    ]);
    expect(emu.messages[1]!.uuid).toBe("reply-1");

    const patched = await client.im.message.create({
      params: { receive_id_type: "open_id" },
      data: { receive_id: "ou_sdk_user", msg_type: "interactive", content: card("进度") },
    });
    expect(patched.code).toBe(0);
    const p = await client.im.message.patch({
      path: { message_id: patched.data!.message_id! },
      data: { content: card("进度：已完成") },
    });
    expect(p.code).toBe(0);
    expect(emu.messages.at(-1)).toMatchObject({ kind: "patch", id: patched.data!.message_id });
  });

  it("surfaces a wrong secret as an error without sending", async () => {
    const client = new lark.Client({
      appId: "cli_sdk_test",
      appSecret: "wrong",
      domain: emu.url,
      cache: sdkCache(),
      loggerLevel: lark.LoggerLevel.fatal,
    });
    const before = emu.messages.length;
    await expect(
      client.im.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: "oc_sdk_group", msg_type: "text", content: text("x") },
      }),
    ).rejects.toThrow();
    expect(emu.messages.length).toBe(before);
  });
});

// ---------------------------------------------------------------- send / reply / patch validation

describe("messages: validation and documented error codes", () => {
  let emu: Emulator;
  let token: string;
  beforeAll(async () => {
    emu = await startEmulator();
    token = await getToken(emu);
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  it("records a send with its target, chat, parsed content and message object", async () => {
    const r = await send(emu, token, "open_id", "ou_alice", { msg_type: "text", content: text("hi"), uuid: "u-1" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ code: 0, msg: "success" });
    const d = r.body.data;
    expect(d).toMatchObject({ msg_type: "text", deleted: false, updated: false, body: { content: text("hi") } });
    expect(d.message_id).toMatch(/^om_[0-9a-f]{32}$/);
    expect(d.chat_id).toMatch(/^oc_/);
    expect(d.create_time).toMatch(/^\d{13}$/);
    const [m] = await emu.waitForMessages(1, 1000);
    expect(m).toMatchObject({
      id: d.message_id,
      kind: "send",
      receive_id_type: "open_id",
      receive_id: "ou_alice",
      chat_id: d.chat_id,
      chat_type: "p2p",
      msg_type: "text",
      content: { text: "hi" },
      uuid: "u-1",
    });
    // the same user's p2p chat is stable
    const again = await send(emu, token, "open_id", "ou_alice", { msg_type: "text", content: text("again") });
    expect(again.body.data.chat_id).toBe(d.chat_id);
  });

  it("receive_id_type missing or unknown → 99992402 with field_violations", async () => {
    for (const q of ["", "?receive_id_type=phone"]) {
      const r = await api(emu, "POST", `/open-apis/im/v1/messages${q}`, {
        token,
        body: { receive_id: "oc_1", msg_type: "text", content: text("x") },
      });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe(99992402);
      expect(r.body.msg).toBe("field validation failed");
      expect(r.body.error.field_violations[0].field).toBe("receive_id_type");
    }
  });

  it("missing fields, non-string content, long uuid, unknown msg_type → 99992402", async () => {
    const base = { receive_id: "oc_1", msg_type: "text", content: text("x") };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, receive_id: undefined }, "receive_id"],
      [{ ...base, msg_type: undefined }, "msg_type"],
      [{ ...base, content: undefined }, "content"],
      [{ ...base, content: { text: "x" } }, "content"],
      [{ ...base, uuid: "x".repeat(51) }, "uuid"],
      [{ ...base, msg_type: "markdown" }, "msg_type"],
    ];
    for (const [body, field] of cases) {
      const r = await api(emu, "POST", "/open-apis/im/v1/messages?receive_id_type=chat_id", { token, body });
      expect(r.body.code, field).toBe(99992402);
      expect(r.body.error.field_violations[0].field).toBe(field);
    }
    expect(emu.messages).toHaveLength(0);
  });

  it("content must be JSON matching msg_type → 230001; bad card JSON → 230099", async () => {
    const bad: [string, string, number][] = [
      ["text", "hello", 230001],
      ["text", JSON.stringify({ txt: "x" }), 230001],
      ["text", JSON.stringify("x"), 230001],
      ["image", JSON.stringify({}), 230001],
      ["file", JSON.stringify({ file_name: "a" }), 230001],
      ["post", JSON.stringify({ zh_cn: { title: "t" } }), 230001],
      ["interactive", "{not json", 230099],
      ["interactive", "[]", 230099],
    ];
    for (const [msgType, content, code] of bad) {
      const r = await send(emu, token, "chat_id", "oc_1", { msg_type: msgType, content });
      expect(r.status, `${msgType} ${content}`).toBe(400);
      expect(r.body.code, `${msgType} ${content}`).toBe(code);
    }
    const ok = await send(emu, token, "chat_id", "oc_1", {
      msg_type: "post",
      content: JSON.stringify({ zh_cn: { title: "t", content: [[{ tag: "text", text: "x" }]] } }),
    });
    expect(ok.body.code).toBe(0);
  });

  it("receive_id must fit its type → 230001 ext=invalid receive_id", async () => {
    for (const [type, id] of [
      ["open_id", "oc_wrong"],
      ["chat_id", "ou_wrong"],
      ["union_id", "ou_wrong"],
      ["email", "not-an-email"],
    ]) {
      const r = await send(emu, token, type!, id!, { msg_type: "text", content: text("x") });
      expect(r.body.code).toBe(230001);
      expect(r.body.msg).toContain("ext=invalid receive_id");
    }
    expect((await send(emu, token, "email", "a@b.cn", { msg_type: "text", content: text("x") })).body.code).toBe(0);
    expect((await send(emu, token, "user_id", "e33ggbyz", { msg_type: "text", content: text("x") })).body.code).toBe(0);
  });

  it("size limits: text ≤ 150 KB, card ≤ 30 KB → 230025", async () => {
    const textOf = (bytes: number) => text("x".repeat(bytes - text("").length));
    expect((await send(emu, token, "chat_id", "oc_1", { msg_type: "text", content: textOf(150 * 1024) })).body.code).toBe(0);
    const big = await send(emu, token, "chat_id", "oc_1", { msg_type: "text", content: textOf(150 * 1024 + 1) });
    expect(big.status).toBe(400);
    expect(big.body.code).toBe(230025);
    const cardOf = (bytes: number) => card("", { pad: "z".repeat(bytes - Buffer.byteLength(card("", { pad: "" }))) });
    const c30 = cardOf(30 * 1024);
    expect(Buffer.byteLength(c30)).toBe(30 * 1024);
    expect((await send(emu, token, "chat_id", "oc_1", { msg_type: "interactive", content: c30 })).body.code).toBe(0);
    const c31 = cardOf(30 * 1024 + 1);
    expect((await send(emu, token, "chat_id", "oc_1", { msg_type: "interactive", content: c31 })).body.code).toBe(230025);
    // counted in UTF-8 bytes: 10 241 three-byte characters exceed 30 KB
    const zh = card("督".repeat(10_241));
    expect((await send(emu, token, "chat_id", "oc_1", { msg_type: "interactive", content: zh })).body.code).toBe(230025);
  });

  it("cards over 200 components → 230099", async () => {
    const elements = Array.from({ length: 201 }, (_, i) => ({ tag: "markdown", content: String(i) }));
    const r = await send(emu, token, "chat_id", "oc_1", {
      msg_type: "interactive",
      content: JSON.stringify({ schema: "2.0", body: { elements } }),
    });
    expect(r.body.code).toBe(230099);
    expect(r.body.msg).toContain("11310");
  });

  it("reply: lands in the parent's chat; unknown parent → 230001; recalled → 230011", async () => {
    const parent = await send(emu, token, "chat_id", "oc_group_a", { msg_type: "text", content: text("p") });
    const id = parent.body.data.message_id;
    const r = await api(emu, "POST", `/open-apis/im/v1/messages/${id}/reply`, {
      token,
      body: { msg_type: "text", content: text("r"), reply_in_thread: true },
    });
    expect(r.body.code).toBe(0);
    expect(r.body.data).toMatchObject({ chat_id: "oc_group_a", parent_id: id, root_id: id });
    expect(r.body.data.thread_id).toMatch(/^omt_/);
    expect(emu.messages.at(-1)).toMatchObject({ kind: "reply", parent_id: id, chat_id: "oc_group_a", reply_in_thread: true });

    const unknown = await api(emu, "POST", "/open-apis/im/v1/messages/om_nope/reply", {
      token,
      body: { msg_type: "text", content: text("r") },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe(230001);
    expect(unknown.body.msg).toContain("invalid message_id");

    emu.recallMessage(id);
    const gone = await api(emu, "POST", `/open-apis/im/v1/messages/${id}/reply`, {
      token,
      body: { msg_type: "text", content: text("r") },
    });
    expect(gone.body.code).toBe(230011);
  });

  it("reply to a user's message that Lark delivered (ingestEvent) lands in that chat", async () => {
    const evt = textMessageEvent({ text: "我的任务", openId: "ou_liaison", chatId: "oc_p2p_liaison", chatType: "p2p", token: "vt" });
    emu.ingestEvent(evt);
    const r = await api(emu, "POST", `/open-apis/im/v1/messages/${evt.event.message.message_id}/reply`, {
      token,
      body: { msg_type: "text", content: text("您有 3 项任务") },
    });
    expect(r.body.code).toBe(0);
    expect(r.body.data.chat_id).toBe("oc_p2p_liaison");
    expect(emu.messages.at(-1)).toMatchObject({ chat_type: "p2p", chat_id: "oc_p2p_liaison" });
    // a later send to the same user by open_id lands in the same p2p chat
    const s = await send(emu, token, "open_id", "ou_liaison", { msg_type: "text", content: text("提醒") });
    expect(s.body.data.chat_id).toBe("oc_p2p_liaison");
  });

  it("patch: cards only, within 14 days; records kind 'patch'", async () => {
    const clock = manualClock();
    const e = await startEmulator({ now: clock.now });
    try {
      const t = await getToken(e);
      const c = await send(e, t, "chat_id", "oc_g", { msg_type: "interactive", content: card("v1") });
      const tx = await send(e, t, "chat_id", "oc_g", { msg_type: "text", content: text("t") });
      const patch = (id: string, content: string) =>
        api(e, "PATCH", `/open-apis/im/v1/messages/${id}`, { token: t, body: { content } });
      const ok = await patch(c.body.data.message_id, card("v2"));
      expect(ok.body).toEqual({ code: 0, msg: "success", data: {} });
      expect(e.messages.at(-1)).toMatchObject({ kind: "patch", id: c.body.data.message_id, chat_id: "oc_g" });
      expect((await patch(tx.body.data.message_id, card("v2"))).body.code).toBe(230001);
      expect((await patch("om_unknown", card("v2"))).body.code).toBe(230001);
      expect((await patch(c.body.data.message_id, "{bad")).body.code).toBe(230099);
      const got = await api(e, "GET", `/open-apis/im/v1/messages/${c.body.data.message_id}`, { token: t });
      expect(got.body.data.items[0]).toMatchObject({ updated: true, body: { content: card("v2") } });
      clock.advance(14 * 86_400_000 + 1);
      const fresh = await getToken(e);
      const late = await api(e, "PATCH", `/open-apis/im/v1/messages/${c.body.data.message_id}`, { token: fresh, body: { content: card("v3") } });
      expect(late.body.code).toBe(230031);
    } finally {
      await e.close();
    }
  });

  it("patch of one message is limited to 5 QPS → 400 / 230020", async () => {
    const clock = manualClock();
    const e = await startEmulator({ now: clock.now });
    try {
      const t = await getToken(e);
      const c = await send(e, t, "chat_id", "oc_g", { msg_type: "interactive", content: card("v1") });
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          api(e, "PATCH", `/open-apis/im/v1/messages/${c.body.data.message_id}`, { token: t, body: { content: card(`v${i}`) } }),
        ),
      );
      expect(results.filter((r) => r.body.code === 0)).toHaveLength(5);
      const rejected = results.filter((r) => r.body.code === 230020);
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.status).toBe(400);
      expect(e.counters.rejected230020).toBe(1);
    } finally {
      await e.close();
    }
  });

  it("strict chats: unknown chat → 230002; dissolved → 232009", async () => {
    emu.setStrictChats(true);
    emu.addChat("oc_known", ["ou_a", "ou_b"]);
    expect((await send(emu, token, "chat_id", "oc_known", { msg_type: "text", content: text("x") })).body.code).toBe(0);
    const r = await send(emu, token, "chat_id", "oc_unknown", { msg_type: "text", content: text("x") });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(230002);
    emu.dissolveChat("oc_known");
    expect((await send(emu, token, "chat_id", "oc_known", { msg_type: "text", content: text("x") })).body.code).toBe(232009);
    emu.reset();
    expect((await send(emu, token, "chat_id", "oc_unknown", { msg_type: "text", content: text("x") })).body.code).toBe(0);
  });
});

// ---------------------------------------------------------------- uuid idempotency

describe("uuid idempotency", () => {
  it("a repeated uuid within 1 hour returns the first message and is not recorded again", async () => {
    const clock = manualClock();
    const emu = await startEmulator({ now: clock.now });
    try {
      const t = await getToken(emu);
      const first = await send(emu, t, "chat_id", "oc_g", { msg_type: "text", content: text("一"), uuid: "digest-2026-01-05-oc_g" });
      clock.advance(59 * 60_000);
      const second = await send(emu, t, "chat_id", "oc_g", { msg_type: "text", content: text("二"), uuid: "digest-2026-01-05-oc_g" });
      expect(second.body.code).toBe(0);
      expect(second.body.data).toEqual(first.body.data);
      expect(emu.messages).toHaveLength(1);
      expect(emu.counters.uuidDeduplicated).toBe(1);
      // a reply with a used uuid is deduplicated too
      const dupReply = await api(emu, "POST", `/open-apis/im/v1/messages/${first.body.data.message_id}/reply`, {
        token: t,
        body: { msg_type: "text", content: text("r"), uuid: "digest-2026-01-05-oc_g" },
      });
      expect(dupReply.body.data.message_id).toBe(first.body.data.message_id);
      expect(emu.messages).toHaveLength(1);
      // after an hour the uuid is free again
      clock.advance(60 * 60_000);
      const third = await send(emu, t, "chat_id", "oc_g", { msg_type: "text", content: text("三"), uuid: "digest-2026-01-05-oc_g" });
      expect(third.body.data.message_id).not.toBe(first.body.data.message_id);
      expect(emu.messages).toHaveLength(2);
    } finally {
      await emu.close();
    }
  });

  it("a failed attempt does not burn the uuid", async () => {
    const clock = manualClock();
    const emu = await startEmulator({ now: clock.now });
    try {
      const t = await getToken(emu);
      for (let i = 0; i < 5; i++) await send(emu, t, "chat_id", "oc_busy", { msg_type: "text", content: text(String(i)) });
      const limited = await send(emu, t, "chat_id", "oc_busy", { msg_type: "text", content: text("x"), uuid: "u-retry" });
      expect(limited.status).toBe(429);
      clock.advance(1000);
      const retried = await send(emu, t, "chat_id", "oc_busy", { msg_type: "text", content: text("x"), uuid: "u-retry" });
      expect(retried.body.code).toBe(0);
      expect(emu.messages).toHaveLength(6);
    } finally {
      await emu.close();
    }
  });
});

// ---------------------------------------------------------------- rate limits

describe("rate limits", () => {
  it("6 sends into one chat within one second: 5 accepted, the 6th → HTTP 429, 99991400, x-ogw headers", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 5, 2, 0, 0, 100));
    const emu = await startEmulator({ now: clock.now });
    try {
      const t = await getToken(emu);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => send(emu, t, "chat_id", "oc_unit", { msg_type: "text", content: text(String(i)) })),
      );
      const ok = results.filter((r) => r.status === 200);
      const limited = results.filter((r) => r.status === 429);
      expect(ok).toHaveLength(5);
      expect(limited).toHaveLength(1);
      expect(limited[0]!.body).toMatchObject({ code: 99991400, msg: "request trigger frequency limit" });
      expect(limited[0]!.headers.get("x-ogw-ratelimit-limit")).toBe("5");
      expect(limited[0]!.headers.get("x-ogw-ratelimit-reset")).toBe("1");
      expect(emu.counters.rejected429).toBe(1);
      expect(emu.counters.rejectedByScope).toEqual({ chat: 1 });
      expect(emu.maxPerSecondByChat.get("oc_unit")).toBe(5);
      expect(emu.messagesIn("oc_unit")).toHaveLength(5);
      // another chat is not affected; the next second the chat accepts again
      expect((await send(emu, t, "chat_id", "oc_other", { msg_type: "text", content: text("x") })).status).toBe(200);
      clock.advance(900);
      expect((await send(emu, t, "chat_id", "oc_unit", { msg_type: "text", content: text("x") })).status).toBe(200);
    } finally {
      await emu.close();
    }
  });

  it("with the real clock, 6 quick sends into one chat still get one 429", async () => {
    const emu = await startEmulator();
    try {
      const t = await getToken(emu);
      // stay inside one wall-clock second
      const ms = Date.now() % 1000;
      if (ms > 700) await new Promise((r) => setTimeout(r, 1010 - ms));
      const results = await Promise.all(
        Array.from({ length: 6 }, () => send(emu, t, "chat_id", "oc_real", { msg_type: "text", content: text("x") })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 429]);
      expect(Number(results.find((r) => r.status === 429)!.headers.get("x-ogw-ratelimit-reset"))).toBe(1);
    } finally {
      await emu.close();
    }
  });

  it("5 QPS per user (p2p), counting replies into the user's chat", async () => {
    const clock = manualClock();
    const emu = await startEmulator({ now: clock.now });
    try {
      const t = await getToken(emu);
      const first = await send(emu, t, "open_id", "ou_u1", { msg_type: "text", content: text("0") });
      for (let i = 1; i < 4; i++) expect((await send(emu, t, "open_id", "ou_u1", { msg_type: "text", content: text(String(i)) })).status).toBe(200);
      const reply = await api(emu, "POST", `/open-apis/im/v1/messages/${first.body.data.message_id}/reply`, {
        token: t,
        body: { msg_type: "text", content: text("r") },
      });
      expect(reply.status).toBe(200);
      const sixth = await send(emu, t, "open_id", "ou_u1", { msg_type: "text", content: text("5") });
      expect(sixth.status).toBe(429);
      expect(sixth.headers.get("x-ogw-ratelimit-limit")).toBe("5");
      expect(emu.maxPerSecondByUser.get("open_id:ou_u1")).toBe(5);
    } finally {
      await emu.close();
    }
  });

  it("per app: 50/s and 1000/min per API (fixed windows aligned to the second / minute)", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 5, 2, 0, 0, 0));
    const emu = await startEmulator({ now: clock.now });
    try {
      const t = await getToken(emu);
      const burst = await Promise.all(
        Array.from({ length: 51 }, (_, i) => send(emu, t, "chat_id", `oc_c${i}`, { msg_type: "text", content: text("x") })),
      );
      const limited = burst.filter((r) => r.status === 429);
      expect(limited).toHaveLength(1);
      expect(limited[0]!.headers.get("x-ogw-ratelimit-limit")).toBe("50");
      expect(emu.counters.rejectedByScope).toEqual({ "app:send:s": 1 });
      // replies are a different API with their own 50/s
      const reply = await api(emu, "POST", `/open-apis/im/v1/messages/${burst[0]!.body.data.message_id}/reply`, {
        token: t,
        body: { msg_type: "text", content: text("r") },
      });
      expect(reply.status).toBe(200);
      // 1000/min: 50 in each of the next 19 seconds fills the minute
      for (let s = 1; s < 20; s++) {
        clock.set(Date.UTC(2026, 0, 5, 2, 0, s, 0));
        const rs = await Promise.all(
          Array.from({ length: 50 }, (_, i) => send(emu, t, "chat_id", `oc_c${i}`, { msg_type: "text", content: text("x") })),
        );
        expect(rs.every((r) => r.status === 200)).toBe(true);
      }
      clock.set(Date.UTC(2026, 0, 5, 2, 0, 20, 0));
      const over = await send(emu, t, "chat_id", "oc_c1", { msg_type: "text", content: text("x") });
      expect(over.status).toBe(429);
      expect(over.headers.get("x-ogw-ratelimit-limit")).toBe("1000");
      expect(over.headers.get("x-ogw-ratelimit-reset")).toBe("40");
      clock.set(Date.UTC(2026, 0, 5, 2, 1, 0, 0));
      expect((await send(emu, t, "chat_id", "oc_c1", { msg_type: "text", content: text("x") })).status).toBe(200);
      expect(emu.maxPerSecondByApi.get("send")).toBe(50);
    } finally {
      await emu.close();
    }
  });

  it("sliding windows: 5 at the end of one second + 1 at the start of the next is over the limit", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 5, 2, 0, 0, 900));
    const fixed = await startEmulator({ now: clock.now });
    const sliding = await startEmulator({ now: clock.now, limits: { window: "sliding" } });
    try {
      for (const emu of [fixed, sliding]) {
        clock.set(Date.UTC(2026, 0, 5, 2, 0, 0, 900));
        const t = await getToken(emu);
        for (let i = 0; i < 5; i++) await send(emu, t, "chat_id", "oc_edge", { msg_type: "text", content: text("x") });
        clock.set(Date.UTC(2026, 0, 5, 2, 0, 1, 100));
        const r = await send(emu, t, "chat_id", "oc_edge", { msg_type: "text", content: text("x") });
        expect(r.status).toBe(emu === fixed ? 200 : 429);
        if (emu === sliding) expect(r.headers.get("x-ogw-ratelimit-reset")).toBe("1");
        expect(emu.maxPerSecondByChat.get("oc_edge")).toBe(5);
      }
    } finally {
      await fixed.close();
      await sliding.close();
    }
  });

  it("enforceLimits: false accepts everything but still reports the observed maxima", async () => {
    const clock = manualClock();
    const emu = await startEmulator({ now: clock.now, enforceLimits: false });
    try {
      const t = await getToken(emu);
      await Promise.all(Array.from({ length: 8 }, () => send(emu, t, "chat_id", "oc_flood", { msg_type: "text", content: text("x") })));
      expect(emu.messages).toHaveLength(8);
      expect(emu.counters.rejected429).toBe(0);
      expect(emu.maxPerSecondByChat.get("oc_flood")).toBe(8);
    } finally {
      await emu.close();
    }
  });

  it("perTargetResponse '230020' answers the per-chat limit as HTTP 400 / 230020", async () => {
    const clock = manualClock();
    const emu = await startEmulator({ now: clock.now, limits: { perTargetResponse: "230020" } });
    try {
      const t = await getToken(emu);
      const rs = await Promise.all(Array.from({ length: 6 }, () => send(emu, t, "chat_id", "oc_g", { msg_type: "text", content: text("x") })));
      const bad = rs.find((r) => r.status !== 200)!;
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe(230020);
    } finally {
      await emu.close();
    }
  });
});

// ---------------------------------------------------------------- files

describe("files", () => {
  let emu: Emulator;
  let token: string;
  beforeAll(async () => {
    emu = await startEmulator({ appId: "cli_files", appSecret: "f" });
    token = await getToken(emu);
  });
  afterAll(() => emu.close());

  const upload = (form: FormData) =>
    fetch(`${emu.url}/open-apis/im/v1/files`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as any }),
    );

  it("upload → send as a file message → download via message resources: same bytes, filename", async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
    const form = new FormData();
    form.set("file_type", "xls");
    form.set("file_name", "2026年任务分解表.xlsx");
    form.set("file", new Blob([bytes]), "2026年任务分解表.xlsx");
    const up = await upload(form);
    expect(up.body.code).toBe(0);
    const fileKey = up.body.data.file_key as string;
    expect(fileKey).toMatch(/^file_v3_/);

    const sent = await send(emu, token, "chat_id", "oc_admin", { msg_type: "file", content: JSON.stringify({ file_key: fileKey }) });
    expect(sent.body.code).toBe(0);
    const r = await fetch(`${emu.url}/open-apis/im/v1/messages/${sent.body.data.message_id}/resources/${fileKey}?type=file`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-disposition")).toContain(`filename*=UTF-8''${encodeURIComponent("2026年任务分解表.xlsx")}`);
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(bytes);
  });

  it("the SDK's im.file.create and im.messageResource.get work against the emulator", async () => {
    const client = new lark.Client({ appId: "cli_files", appSecret: "f", domain: emu.url, cache: sdkCache(), loggerLevel: lark.LoggerLevel.error });
    const up = await client.im.file.create({ data: { file_type: "stream", file_name: "a.txt", file: Buffer.from("台账内容") } });
    expect(up?.file_key).toMatch(/^file_v3_/);
    const evt = fileMessageEvent({ fileKey: up!.file_key!, fileName: "a.txt", openId: "ou_u", chatId: "oc_p", chatType: "p2p", token: "vt" });
    emu.ingestEvent(evt);
    const res = await client.im.messageResource.get({
      path: { message_id: evt.event.message.message_id, file_key: up!.file_key! },
      params: { type: "file" },
    });
    const chunks: Buffer[] = [];
    for await (const c of res.getReadableStream()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString("utf8")).toBe("台账内容");
  });

  it("addFile + ingested file message; wrong pairing → 234003; bad type → 234001", async () => {
    const evt = fileMessageEvent({ fileKey: "file_v3_user_upload", fileName: "进度.xlsx", openId: "ou_u", chatId: "oc_g", chatType: "group", token: "vt" });
    emu.ingestEvent(evt);
    emu.addFile("file_v3_user_upload", "xlsx-bytes", "进度.xlsx");
    const id = evt.event.message.message_id;
    const get = (mid: string, key: string, type = "file") =>
      fetch(`${emu.url}/open-apis/im/v1/messages/${mid}/resources/${key}?type=${type}`, { headers: { authorization: `Bearer ${token}` } });
    const ok = await get(id, "file_v3_user_upload");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("xlsx-bytes");
    const wrong = await get(id, "file_v3_other");
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as any).code).toBe(234003);
    const badType = await get(id, "file_v3_user_upload", "video");
    expect(((await badType.json()) as any).code).toBe(234001);
  });

  it("upload errors: empty → 234010, unknown file_type / missing file → 234001", async () => {
    const f1 = new FormData();
    f1.set("file_type", "stream");
    f1.set("file_name", "empty.txt");
    f1.set("file", new Blob([]), "empty.txt");
    expect((await upload(f1)).body.code).toBe(234010);
    const f2 = new FormData();
    f2.set("file_type", "xlsx");
    f2.set("file_name", "a.xlsx");
    f2.set("file", new Blob(["x"]), "a.xlsx");
    expect((await upload(f2)).body.code).toBe(234001);
    const f3 = new FormData();
    f3.set("file_type", "stream");
    f3.set("file_name", "a");
    expect((await upload(f3)).body.code).toBe(234001);
  });

  it("rejects files over 30 MB → 234006", async () => {
    const form = new FormData();
    form.set("file_type", "stream");
    form.set("file_name", "big.bin");
    form.set("file", new Blob([new Uint8Array(30 * 1024 * 1024 + 1)]), "big.bin");
    const r = await upload(form);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(234006);
  });
});

// ---------------------------------------------------------------- fault injection

describe("fault injection", () => {
  let emu: Emulator;
  let token: string;
  beforeAll(async () => {
    emu = await startEmulator();
    token = await getToken(emu);
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  const sendOne = () => send(emu, token, "chat_id", "oc_f", { msg_type: "text", content: text("x") });

  it("failNext(n, spec) answers the next n API calls with the spec, then recovers", async () => {
    emu.failNext(2, { status: 503 });
    const a = await sendOne();
    const b = await sendOne();
    const c = await sendOne();
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.body.code).toBe(1500);
    expect(emu.messages).toHaveLength(1);
    expect(emu.counters.injectedFaults).toBe(2);
    expect(emu.requests.filter((r) => r.injected)).toHaveLength(2);
    // the token endpoint is not matched by default
    emu.failNext(1, { status: 500 });
    expect(await getToken(emu)).toMatch(/^t-/);
    expect((await sendOne()).status).toBe(500);
  });

  it("failNext supports 429 with headers, custom bodies, raw HTML and delays", async () => {
    emu.failNext(1, { status: 429, headers: { "x-ogw-ratelimit-reset": "7" } });
    const a = await sendOne();
    expect(a.status).toBe(429);
    expect(a.body.code).toBe(99991400);
    expect(a.headers.get("x-ogw-ratelimit-reset")).toBe("7");
    emu.failNext(1, { status: 400, code: 230020, body: { code: 230020, msg: "This operation triggers the frequency limit." } });
    expect((await sendOne()).body.code).toBe(230020);
    emu.failNext(1, { status: 502, body: "<html>bad gateway</html>" });
    const html = await sendOne();
    expect(html.status).toBe(502);
    expect(html.body).toBe("<html>bad gateway</html>");
    emu.failNext(1, { status: 504, delayMs: 150 });
    const t0 = performance.now();
    expect((await sendOne()).status).toBe(504);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("faultRate is deterministic for a seed", async () => {
    const run = async () => {
      emu.reset();
      emu.faultRate({ p429: 0.2, p5xx: 0.2, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await send(emu, token, "chat_id", `oc_r${i}`, { msg_type: "text", content: text("x") })).status);
      emu.faultRate(null);
      return statuses;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(a.filter((s) => s >= 500).length).toBeGreaterThan(0);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(10);
  });

  it("setLatency delays answers; waitForMessages times out with a useful error", async () => {
    emu.setLatency(100);
    const t0 = performance.now();
    await sendOne();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
    emu.setLatency(0);
    await expect(emu.waitForMessages(5, 50)).rejects.toThrow(/waited 50 ms for 5 messages, got 1/);
    const waiting = emu.waitForMessages(3, 2000);
    await sendOne();
    await sendOne();
    expect(await waiting).toHaveLength(3);
  });
});

// ---------------------------------------------------------------- events helper

describe("lark-events helper", () => {
  it("decrypts the documented vector: P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk= with 'test key' → 'hello world'", () => {
    expect(decryptBody("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=", "test key")).toBe("hello world");
  });

  it("encrypts with a random IV prepended; round-trips through decryptBody", () => {
    const payload = { schema: "2.0", header: { event_id: "e" }, event: { x: "中文" } };
    const a = encryptBody(payload, "k");
    const b = encryptBody(payload, "k");
    expect(a.encrypt).not.toBe(b.encrypt);
    expect(Buffer.from(a.encrypt, "base64").length % 16).toBe(0);
    expect(JSON.parse(decryptBody(a.encrypt, "k"))).toEqual(payload);
  });

  it("signs timestamp + nonce + key + raw body with SHA-256 (hex)", () => {
    const h = signedRequest('{"a":1}', "key", { timestamp: "1700000000", nonce: "n1" });
    expect(h["X-Lark-Request-Timestamp"]).toBe("1700000000");
    expect(h["X-Lark-Request-Nonce"]).toBe("n1");
    expect(h["X-Lark-Signature"]).toBe(signature("1700000000", "n1", "key", '{"a":1}'));
    expect(h["X-Lark-Signature"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("builds im.message.receive_v1 with @_user_N placeholders and mentions", () => {
    const e = textMessageEvent({
      text: "我的任务",
      openId: "ou_sender",
      chatId: "oc_group",
      chatType: "group",
      mentions: [{ name: "督办", openId: "ou_bot" }],
      token: "vtoken",
      messageId: "om_fixed",
      eventId: "ev_fixed",
    });
    expect(e.schema).toBe("2.0");
    expect(e.header).toMatchObject({ event_id: "ev_fixed", token: "vtoken", event_type: "im.message.receive_v1" });
    expect(e.event.sender).toMatchObject({ sender_id: { open_id: "ou_sender", user_id: null }, sender_type: "user" });
    expect(e.event.sender.sender_id.union_id).toMatch(/^on_/);
    const m = e.event.message;
    expect(m).toMatchObject({ message_id: "om_fixed", chat_id: "oc_group", chat_type: "group", message_type: "text" });
    expect(JSON.parse(m.content)).toEqual({ text: "@_user_1 我的任务" });
    expect(m.mentions).toEqual([
      { key: "@_user_1", id: { union_id: expect.stringMatching(/^on_/), user_id: null, open_id: "ou_bot" }, name: "督办", tenant_key: expect.any(String) },
    ]);
    expect(m.root_id).toBeUndefined();
    expect(m.create_time).toMatch(/^\d{13}$/);
    const p2p = textMessageEvent({ text: "hi", openId: "ou_s", chatId: "oc_p", chatType: "p2p", token: "t" });
    expect(p2p.event.message.mentions).toBeUndefined();
  });

  it("builds card.action.trigger and url_verification", () => {
    const c = cardActionEvent({ openId: "ou_op", value: { action: "done", task: 7 }, messageId: "om_card", chatId: "oc_g", token: "vt" });
    expect(c.header.event_type).toBe("card.action.trigger");
    expect(c.event).toMatchObject({
      operator: { open_id: "ou_op" },
      action: { value: { action: "done", task: 7 }, tag: "button" },
      context: { open_message_id: "om_card", open_chat_id: "oc_g" },
    });
    expect(c.event.token).toMatch(/^c-/);
    expect(urlVerification({ challenge: "ch", token: "vt" })).toEqual({ challenge: "ch", token: "vt", type: "url_verification" });
  });

  it("postEvent sends the raw body it signed; tampering is detectable; the challenge is unsigned", async () => {
    const seen: { headers: IncomingMessage["headers"]; raw: string }[] = [];
    const server = createServer((req, res) => {
      let raw = "";
      req.setEncoding("utf8");
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        seen.push({ headers: req.headers, raw });
        res.end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const key = "encrypt-key";
      const evt = textMessageEvent({ text: "hi", openId: "ou_s", chatId: "oc_p", chatType: "p2p", token: "vt" });
      const verify = (s: (typeof seen)[number]) =>
        s.headers["x-lark-signature"] ===
        signature(String(s.headers["x-lark-request-timestamp"]), String(s.headers["x-lark-request-nonce"]), key, s.raw);

      expect((await postEvent(url, evt, { encryptKey: key, token: "override" })).status).toBe(200);
      expect(seen[0]!.headers["content-type"]).toContain("application/json");
      expect(verify(seen[0]!)).toBe(true);
      const decrypted = JSON.parse(decryptBody(JSON.parse(seen[0]!.raw).encrypt, key));
      expect(decrypted.header.token).toBe("override");

      await postEvent(url, evt, { encryptKey: key, tamper: "body" });
      expect(verify(seen[1]!)).toBe(false);
      expect(() => JSON.parse(seen[1]!.raw)).not.toThrow();
      await postEvent(url, evt, { encryptKey: key, tamper: "signature" });
      expect(verify(seen[2]!)).toBe(false);
      await postEvent(url, evt, { encryptKey: key, tamper: "stale-timestamp" });
      expect(verify(seen[3]!)).toBe(true);
      expect(Number(seen[3]!.headers["x-lark-request-timestamp"])).toBeLessThan(Date.now() / 1000 - 3000);
      await postEvent(url, urlVerification({ challenge: "c1", token: "vt" }), { encryptKey: key });
      expect(seen[4]!.headers["x-lark-signature"]).toBeUndefined();
      expect(JSON.parse(decryptBody(JSON.parse(seen[4]!.raw).encrypt, key))).toEqual({ challenge: "c1", token: "vt", type: "url_verification" });
      await postEvent(url, evt); // plaintext, unsigned
      expect(JSON.parse(seen[5]!.raw)).toEqual(evt);
      expect(seen[5]!.headers["x-lark-signature"]).toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

// ---------------------------------------------------------------- throughput

describe("throughput", () => {
  it("accepts 3000 sends spread over many chats quickly (limits off)", async () => {
    const emu = await startEmulator({ enforceLimits: false });
    try {
      const t = await getToken(emu);
      const t0 = performance.now();
      const batch = 100;
      for (let i = 0; i < 3000; i += batch) {
        await Promise.all(
          Array.from({ length: batch }, (_, j) => send(emu, t, "chat_id", `oc_bulk${(i + j) % 200}`, { msg_type: "text", content: text(String(i + j)) })),
        );
      }
      const ms = performance.now() - t0;
      expect(emu.messages).toHaveLength(3000);
      expect(ms).toBeLessThan(15_000);
    } finally {
      await emu.close();
    }
  });
});
