/**
 * The webhook's boundary, as Lark's docs describe it: url_verification, signature over the raw body,
 * AES-256-CBC encryption, the verification token, and what happens to anything else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@libsql/client";
import { ENCRYPT_KEY, startHarness, TOKEN, type Harness } from "../helpers/harness";
import { encryptBody, urlVerification } from "../helpers/lark-events";

let h: Harness;

async function rows(table: string): Promise<number> {
  const c = createClient({ url: `file:${h.dbFile}` });
  try {
    return Number((await c.execute(`SELECT COUNT(*) FROM ${table}`)).rows[0][0]);
  } finally {
    c.close();
  }
}

const unitEvent = () => h.event("新单位 县审计局");

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe("url_verification", () => {
  it("answers the encrypted challenge (unsigned, as Lark sends it)", async () => {
    const res = await h.post(urlVerification({ challenge: "ajls384kdjx98XX", token: TOKEN }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "ajls384kdjx98XX" });
  });

  it("refuses a challenge with the wrong token", async () => {
    const res = await h.post(urlVerification({ challenge: "x", token: "not-the-token" }));
    expect(res.status).toBe(403);
  });
});

describe("forged, unsigned, undecryptable or malformed requests get 4xx and change nothing", () => {
  const cases: [string, () => Promise<Response>, number][] = [
    ["a forged signature", () => h.post(unitEvent(), { tamper: "signature" }), 401],
    ["a body changed after signing", () => h.post(unitEvent(), { tamper: "body" }), 401],
    ["a nonce changed after signing", () => h.post(unitEvent(), { tamper: "nonce" }), 401],
    ["no signature headers", () => h.post(unitEvent(), { tamper: "unsigned" }), 401],
    ["a signature an hour old (replay)", () => h.post(unitEvent(), { timestamp: Math.floor(h.clock.now().getTime() / 1000) - 3600 }), 401],
    ["the wrong verification token", () => h.post(unitEvent(), { token: "stolen-or-stale" }), 403],
    ["encrypted with another key", () => h.post(unitEvent(), { encryptKey: "some-other-key" }), 400],
    [
      "a plaintext event when encryption is configured",
      () => fetch(h.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(unitEvent()) }),
      401,
    ],
    ["malformed JSON", () => fetch(h.url, { method: "POST", body: "{not json" }), 400],
    ["a JSON array", () => fetch(h.url, { method: "POST", body: "[1,2,3]" }), 400],
    ["an encrypted body that is not an event", () => h.post({ hello: "world" }), 400],
  ];
  for (const [what, send, status] of cases) {
    it(`${what} → ${status}`, async () => {
      const before = h.emulator.messages.length;
      const res = await send();
      expect(res.status).toBe(status);
      await new Promise((r) => setTimeout(r, 50));
      expect(await rows("units")).toBe(0);
      expect(await rows("processed_events")).toBe(0);
      expect(h.emulator.messages.length).toBe(before);
    });
  }
});

describe("valid events", () => {
  it("acknowledges an unknown event type and does nothing with it", async () => {
    const ev = unitEvent() as any;
    ev.header.event_type = "im.chat.member.bot.added_v1";
    const before = h.emulator.messages.length;
    const res = await h.post(ev);
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.emulator.messages.length).toBe(before);
    expect(await rows("units")).toBe(0);
  });

  it("acknowledges before the work is done: the reply arrives after the 200", async () => {
    h.emulator.setLatency(400);
    try {
      const ev = unitEvent();
      h.emulator.ingestEvent(ev);
      const before = h.emulator.messages.length;
      const t0 = performance.now();
      const res = await h.post(ev);
      const ackMs = performance.now() - t0;
      expect(res.status).toBe(200);
      expect(ackMs).toBeLessThan(400);
      expect(h.emulator.messages.length).toBe(before);
      const [reply] = (await h.emulator.waitForMessages(before + 1, 5000)).slice(before);
      expect(reply.content.text).toContain("已创建单位「县审计局」");
    } finally {
      h.emulator.setLatency(0);
    }
  });

  it("ignores group messages that do not address the bot", async () => {
    const ev = h.event("我的任务", { group: "oc_some_group" }) as any;
    const content = JSON.parse(ev.event.message.content);
    content.text = "我的任务";
    ev.event.message.content = JSON.stringify(content);
    delete ev.event.message.mentions;
    const before = h.emulator.messages.length;
    expect((await h.post(ev)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.emulator.messages.length).toBe(before);
  });
});

// Last: the server closes the connection on an oversize body, which unsettles the client's socket pool.
describe("size limit", () => {
  it("refuses a body over 1 MiB with 413", async () => {
    const before = await rows("processed_events");
    const big = JSON.stringify(encryptBody({ padding: "x".repeat(1024 * 1024) }, ENCRYPT_KEY));
    const res = await fetch(h.url, { method: "POST", headers: { "content-type": "application/json" }, body: big });
    expect(res.status).toBe(413);
    expect(await rows("processed_events")).toBe(before);
  });

  it("refuses a body over 1 MiB sent in chunks, with no length declared, with 413", async () => {
    const before = await rows("processed_events");
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 20) c.enqueue(chunk);
        else c.close();
      },
    });
    // The server answers 413 as soon as the count passes 1 MiB and closes the connection; a client
    // still uploading may see the close before it reads the answer.
    const outcome = await fetch(h.url, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit).then(
      (r) => r.status,
      () => "closed while uploading",
    );
    expect([413, "closed while uploading"]).toContain(outcome);
    expect(await rows("processed_events")).toBe(before);
    // The server is still answering (a first try may land on the connection it just closed).
    const health = () => fetch(h.url.replace("/webhook/event", "/healthz")).then((r) => r.status);
    expect(await health().catch(health)).toBe(200);
  });
});

// An app configured without an Encrypt Key: plain JSON, no signature, the token alone.
describe("without an encrypt key", () => {
  let plain: Harness;
  beforeAll(async () => {
    plain = await startHarness({ env: { LARK_ENCRYPT_KEY: "" } });
  });
  afterAll(() => plain?.close());

  it("answers the plain challenge", async () => {
    const res = await plain.post(urlVerification({ challenge: "plain-challenge-1", token: TOKEN }), { encryptKey: undefined });
    expect(await res.json()).toEqual({ challenge: "plain-challenge-1" });
  });

  it("carries out a plain event with the right token and refuses the wrong one", async () => {
    const ev = plain.event("新单位 县统计局");
    plain.emulator.ingestEvent(ev);
    expect((await plain.post(ev, { encryptKey: undefined, token: "wrong" })).status).toBe(403);
    expect((await plain.post(ev, { encryptKey: undefined })).status).toBe(200);
    const [reply] = await plain.emulator.waitForMessages(1);
    expect(reply.content.text).toContain("已创建单位「县统计局」");
  });

  it("refuses an encrypted body it has no key for", async () => {
    expect((await plain.post(plain.event("单位"), { encryptKey: "some-key", sign: false })).status).toBe(400);
  });
});
