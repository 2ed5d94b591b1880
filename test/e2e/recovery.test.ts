/**
 * A process that dies between acknowledging an event and answering it, or between writing a reply
 * and sending it: the next sweep (every 15 s on Node, the Cron Trigger on Workers) finishes the work
 * once the dead process's lease has run out — and not before, so a live sender is never doubled.
 */
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, startHarness, visibleText, type Harness } from "../helpers/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

async function sql(statement: string, args: (string | number)[] = []) {
  const c = createClient({ url: `file:${h.dbFile}` });
  try {
    return (await c.execute({ sql: statement, args })).rows;
  } finally {
    c.close();
  }
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe("recovery after a crash", () => {
  it("answers, once, an event whose process died after the 200, when its lease has run out", async () => {
    const ev = h.event("单位", { as: ADMIN });
    h.emulator.ingestEvent(ev);
    const now = h.clock.now().getTime();
    // What the dead process left: the durable receipt, still leased to it (60 s), and nothing else.
    await sql("INSERT INTO processed_events (event_id, status, payload, claimed_until, received_at) VALUES (?, 'working', ?, ?, ?)", [
      `om:${ev.event.message.message_id}`,
      JSON.stringify(ev),
      now + 60_000,
      now,
    ]);
    const before = h.emulator.messages.length;
    await h.server.tick();
    await settle();
    expect(h.emulator.messages.length).toBe(before);

    h.clock.set(new Date(now + 61_000));
    await h.server.tick();
    const [reply] = (await h.emulator.waitForMessages(before + 1)).slice(before);
    expect(reply.parent_id).toBe(ev.event.message.message_id);
    expect(visibleText(reply)).toContain("单位");
    // Lark delivering it again, and the next sweep, change nothing.
    expect((await h.post(ev)).status).toBe(200);
    await h.server.tick();
    await settle();
    expect(h.emulator.messages.length).toBe(before + 1);
    expect((await sql("SELECT status FROM processed_events WHERE event_id = ?", [`om:${ev.event.message.message_id}`]))[0].status).toBe("done");
  });

  it("sends a reply written by a process that died before sending it, once its lease has run out", async () => {
    const ev = h.event("帮助", { as: ADMIN });
    h.emulator.ingestEvent(ev);
    const key = `reply:om:${ev.event.message.message_id}`;
    // A reply is written already leased to the sender that will send it straight after the commit.
    await sql("INSERT INTO outbox (key, kind, target, receive_id, pace_key, msg_type, content, lease_until) VALUES (?, 'reply', 'reply', ?, ?, 'text', ?, ?)", [
      key,
      ev.event.message.message_id,
      ev.event.message.chat_id,
      JSON.stringify({ text: "可以发送的指令：……" }),
      Date.now() + 60_000,
    ]);
    const before = h.emulator.messages.length;
    await h.server.tick();
    await settle();
    expect(h.emulator.messages.length).toBe(before);

    // The lease lapses (the sender's clock is the wall clock: pacing is real time).
    await sql("UPDATE outbox SET lease_until = ? WHERE key = ?", [Date.now() - 1, key]);
    await h.server.tick();
    const [sent] = (await h.emulator.waitForMessages(before + 1)).slice(before);
    expect(sent.parent_id).toBe(ev.event.message.message_id);
    expect(sent.content.text).toBe("可以发送的指令：……");
    await h.server.tick();
    await settle();
    expect(h.emulator.messages.length).toBe(before + 1);
    expect((await sql("SELECT status, message_id FROM outbox WHERE key = ?", [key]))[0]).toMatchObject({ status: "sent", message_id: sent.id });
  });
});
