/** The README's first command: sandbox mode, its example data, and the chat console's road through the webhook. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fixedClock } from "../../src/domain/clock";
import { startNode } from "../../src/runtime/node";
import { SANDBOX_PEOPLE } from "../../src/sandbox/example";
import { SANDBOX_TOKEN } from "../../src/server";
import { textMessageEvent } from "../helpers/lark-events";

let server: Awaited<ReturnType<typeof startNode>>;
const dir = mkdtempSync(join(tmpdir(), "duban-sandbox-"));

beforeAll(async () => {
  server = await startNode({ env: { DATABASE_URL: `file:${join(dir, "d.db")}`, HOST: "127.0.0.1" }, clock: fixedClock("2026-11-25T10:00:00+08:00"), port: 0, log: () => {} });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function say(text: string, who = SANDBOX_PEOPLE.liaison): Promise<string> {
  const before = ((await (await fetch(`${server.url}/sandbox/messages`)).json()) as { seq: number }[]).length;
  const ev = textMessageEvent({ text, openId: who.openId, chatId: `oc_p2p_${who.openId}`, chatType: "p2p", token: SANDBOX_TOKEN });
  expect((await fetch(`${server.url}/webhook/event`, { method: "POST", body: JSON.stringify(ev) })).status).toBe(200);
  for (let i = 0; i < 100; i++) {
    const list = (await (await fetch(`${server.url}/sandbox/messages?after=${before}`)).json()) as { text: string }[];
    if (list.length) return list[0].text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("no reply");
}

it("starts with the example data and answers the example liaison", async () => {
  const reply = await say("我的任务");
  // The example: five tasks of 县教体局, one due three days ago, one undated (长期坚持).
  expect(reply).toContain("县教育和体育局 · 未完成任务 5 项");
  expect(reply).toContain("已逾期3天");
  expect(reply).toContain("长期坚持");
});

it("tells the admin the units and a stranger how to register", async () => {
  expect(await say("单位", SANDBOX_PEOPLE.admin)).toContain("单位 4 个");
  expect(await say("我的任务", SANDBOX_PEOPLE.stranger)).toContain("还没有登记");
});
