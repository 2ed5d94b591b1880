/**
 * LARK_MODE=websocket: events and card callbacks over the SDK's WSClient + EventDispatcher take the
 * webhook's road (bot.accept → acknowledge → bot.process; bot.cardAction). Lark's gateway cannot be
 * reached here, so (1) the SDK's own EventDispatcher is fed the envelopes Lark sends, and (2) the real
 * WSClient talks to a loopback stand-in for the gateway (ws-gateway.ts): connect, events, callbacks,
 * a dropped connection and reconnection, shutdown.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as lark from "@larksuiteoapi/node-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { startNode } from "../../src/runtime/node";
import { envelopeFromSdk, longConnectionHandlers, startLongConnection } from "../../src/runtime/websocket";
import { startEmulator, type Emulator } from "../emulator/index";
import { cardActionEvent, textMessageEvent } from "../helpers/lark-events";
import { ADMIN, APP_ID, eventually, LIAISON, TOKEN } from "./harness";
import { startGateway, type Gateway } from "./ws-gateway";

/** What WSClient does with a frame's payload: `eventDispatcher.invoke(JSON, { needCheck: false })`. */
function dispatcherWith(handles: Record<string, (data: Record<string, unknown>) => unknown>) {
  return new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.error }).register(handles as never);
}

describe("the SDK's EventDispatcher → the bot's envelope", () => {
  it("puts a message event back together exactly as Lark sent it", async () => {
    const ev = textMessageEvent({
      openId: ADMIN.openId,
      chatId: "oc_wsgroup0000000000000000000001",
      chatType: "group",
      token: TOKEN,
      text: "@_user_1 联络员 县教体局 @_user_2",
      mentions: [
        { name: "督办", openId: "ou_bot" },
        { name: LIAISON.name, openId: LIAISON.openId },
      ],
    });
    let seen: unknown;
    await dispatcherWith({ "im.message.receive_v1": (d) => (seen = envelopeFromSdk(d)) }).invoke(structuredClone(ev), { needCheck: false });
    expect(seen).toEqual(ev);
  });

  it("puts a card callback back together (the event's token overwrote the header's in the SDK's spread)", async () => {
    const ev = cardActionEvent({ openId: LIAISON.openId, value: { command: "我的任务", page: 2 }, messageId: "om_card1", chatId: "oc_chat1", token: TOKEN, callbackToken: "c-delayed-update" });
    let seen: ReturnType<typeof envelopeFromSdk> | undefined;
    await dispatcherWith({ "card.action.trigger": (d) => (seen = envelopeFromSdk(d)) }).invoke(structuredClone(ev), { needCheck: false });
    expect(seen?.header).toEqual({ ...ev.header, token: "c-delayed-update" });
    expect(seen?.event).toEqual(ev.event);
  });

  it("acknowledges after the durable claim, then processes; a duplicate is dropped", async () => {
    const calls: string[] = [];
    let release!: () => void;
    const processing = new Promise<void>((r) => (release = r));
    const deferred: Promise<unknown>[] = [];
    let fresh = true;
    const bot = {
      accept: async () => {
        calls.push("accept");
        const f = fresh;
        fresh = false;
        return f;
      },
      process: async () => {
        calls.push("process:start");
        await processing;
        calls.push("process:end");
      },
      cardAction: async () => ({ toast: "x" }),
    } as never;
    const d = dispatcherWith(longConnectionHandlers({ bot, defer: (w) => void deferred.push(w()) }));
    const ev = textMessageEvent({ openId: ADMIN.openId, chatId: "oc_p", chatType: "p2p", token: TOKEN, text: "单位" });
    expect(await d.invoke(structuredClone(ev), { needCheck: false })).toBeUndefined();
    expect(calls).toEqual(["accept", "process:start"]);
    await d.invoke(structuredClone(ev), { needCheck: false });
    expect(calls).toEqual(["accept", "process:start", "accept"]);
    release();
    await Promise.all(deferred);
    expect(calls.at(-1)).toBe("process:end");
    expect(deferred).toHaveLength(1);
  });

  it("refuses an app id the long connection cannot use, with the reason", async () => {
    const config = loadConfig({ LARK_APP_ID: "cli_not_hex_at_all", LARK_APP_SECRET: "s", LARK_VERIFICATION_TOKEN: "t", LARK_MODE: "websocket" });
    await expect(startLongConnection({ config, bot: {} as never, defer: () => {} })).rejects.toThrow(/self-built/);
  });
});

describe("LARK_MODE=websocket on Node, through the SDK's WSClient", () => {
  let emulator: Emulator;
  let gateway: Gateway;
  let dir: string;
  let node: Awaited<ReturnType<typeof startNode>>;
  const logs: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ appId: APP_ID });
    gateway = await startGateway({ emulatorUrl: emulator.url });
    dir = mkdtempSync(join(tmpdir(), "duban-ws-"));
    node = await startNode({
      env: {
        LARK_MODE: "websocket",
        LARK_APP_ID: APP_ID,
        LARK_APP_SECRET: emulator.appSecret,
        LARK_VERIFICATION_TOKEN: TOKEN,
        LARK_DOMAIN: gateway.url,
        ADMIN_OPEN_IDS: ADMIN.openId,
        DATABASE_URL: `file:${join(dir, "duban.db")}`,
      },
      port: 0,
      log: (l) => logs.push(l),
      sweepSeconds: 3600,
    });
  });
  afterAll(async () => {
    await node?.close();
    await gateway?.close();
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("connects on start", async () => {
    await gateway.waitFor(() => gateway.open === 1, "the first connection");
    expect(gateway.endpointRequests).toBe(1);
    await eventually(() => (node.longConnection?.state() === "connected" ? true : undefined), "state connected");
  });

  it("a command over the long connection is acknowledged first, then answered through the Open API", async () => {
    emulator.setLatency(400);
    const ev = textMessageEvent({ openId: ADMIN.openId, chatId: "oc_wsp2padmin00000000000000001", chatType: "p2p", token: "", text: "新单位 县教体局" });
    emulator.ingestEvent(ev);
    const before = emulator.messages.length;
    const ack = await gateway.push(ev);
    expect(ack.code).toBe(200);
    expect(ack.data).toBeUndefined();
    // The answer has not gone out yet when the acknowledgement arrives (Lark's 3 s applies here too).
    expect(emulator.messages.length).toBe(before);
    const [m] = (await emulator.waitForMessages(before + 1, 10_000)).slice(before);
    emulator.setLatency(0);
    expect(m.kind).toBe("reply");
    expect(m.parent_id).toBe(ev.event.message.message_id);
    expect(m.content.text).toContain("已创建单位「县教体局」");

    // Lark delivers at least once: the same event again is acknowledged and not answered twice.
    const again = await gateway.push(ev);
    expect(again.code).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(emulator.messages.length).toBe(before + 1);
  });

  it("a card callback is answered in the acknowledgement with the updated card", async () => {
    const ev = cardActionEvent({ openId: ADMIN.openId, value: { command: "单位" }, messageId: "om_wscard00000000000000000001", chatId: "", token: "" });
    const r = await gateway.push(ev);
    expect(r.code).toBe(200);
    const answer = r.data as { card?: { type: string; data: { header: { title: { content: string } } } }; toast?: unknown };
    expect(answer.card?.type).toBe("raw");
    expect(JSON.stringify(answer.card?.data)).toContain("县教体局");
  });

  it("reconnects after the connection drops, and goes on receiving", async () => {
    gateway.drop();
    await gateway.waitFor(() => gateway.connections === 2 && gateway.open === 1, "the reconnection");
    expect(gateway.endpointRequests).toBe(2);
    await eventually(() => (node.longConnection?.state() === "connected" ? true : undefined), "state connected again");
    const ev = textMessageEvent({ openId: ADMIN.openId, chatId: "oc_wsp2padmin00000000000000001", chatType: "p2p", token: "", text: "单位" });
    emulator.ingestEvent(ev);
    const before = emulator.messages.length;
    expect((await gateway.push(ev)).code).toBe(200);
    const [m] = (await emulator.waitForMessages(before + 1, 10_000)).slice(before);
    expect(m.parent_id).toBe(ev.event.message.message_id);
    expect(logs.some((l) => l.includes("reconnect"))).toBe(true);
  });

  it("shutdown closes the connection and does not reconnect", async () => {
    await node.close();
    await gateway.waitFor(() => gateway.open === 0, "the connection closed", 3000).catch((e) => {
      throw new Error(`${e.message}: open ${gateway.open}, connections ${gateway.connections}, state ${node.longConnection?.state()}\n${logs.join("\n")}`);
    });
    const connections = gateway.connections;
    await new Promise((r) => setTimeout(r, 1500));
    expect(gateway.connections).toBe(connections);
    expect(gateway.open).toBe(0);
  });
});
