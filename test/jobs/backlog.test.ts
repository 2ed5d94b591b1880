/**
 * Replies piling up behind Lark's limits (a flood of questions answered faster than Lark lets the
 * answers out): the sender holds at most a bounded number in memory and gives the rest back to the
 * outbox, a delivery pass sends those in their turn, and a shutdown does not sit out the limits —
 * what it gives back, the next start sends. Each reply reaches the chat exactly once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { enqueueLeasedQuery, type OutboxRow } from "../../db/queries/outbox";
import { OutboxSender } from "../../src/outbox/sender";
import { direct, type Direct } from "./direct";

let rig: Direct | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** n replies to one chat, written the way an answered event writes them: already leased to `sender`. */
async function replies(r: Direct, sender: OutboxSender, n: number, chat = "oc_flood"): Promise<OutboxRow[]> {
  const rows: OutboxRow[] = [];
  for (let i = 0; i < n; i++) {
    const row = { key: `reply:om:flood_${i}`, kind: "reply", target: "chat_id", receiveId: chat, paceKey: chat, msgType: "text", content: JSON.stringify({ text: `回复 ${i}` }) };
    const [written] = await enqueueLeasedQuery(r.server.db, row, sender.leaseForNewRow());
    rows.push(written);
  }
  return rows;
}

async function outbox(r: Direct) {
  const rows = await r.server.db.$client.execute("SELECT status, lease_until FROM outbox");
  return rows.rows.map((x) => ({ status: String(x.status), leased: Number(x.lease_until) > 0 }));
}

/** Each text sent, with how many times it reached the chat. */
function received(r: Direct): Map<string, number> {
  const m = new Map<string, number>();
  for (const msg of r.emulator.messages) m.set(msg.content.text, (m.get(msg.content.text) ?? 0) + 1);
  return m;
}

describe("a backlog of replies", () => {
  it("holds at most maxWaiting in memory, gives the rest back to the outbox, and sends each once", async () => {
    rig = await direct({ sender: { maxWaiting: 3, concurrency: 2 } });
    const r = rig;
    // Lark lets 5 messages a second into one chat: 15 replies take three seconds to leave.
    const rows = await replies(r, r.sender, 15);
    let mostWaiting = 0;
    const probe = setInterval(() => (mostWaiting = Math.max(mostWaiting, r.sender.pacer.waiting)), 2);
    try {
      const reports = await Promise.all(rows.map((row) => r.sender.sendLeased([row])));
      // The first three waited their turn; the others went back to the outbox at once.
      expect(reports.filter((x) => x.sent === 1)).toHaveLength(3);
      expect(reports.filter((x) => x.retrying === 1)).toHaveLength(12);
      await r.emulator.waitForMessages(15, 10_000);
      await r.sender.idle();
    } finally {
      clearInterval(probe);
    }
    // In line at once, at most: maxWaiting replies and the delivery pass's two workers.
    expect(mostWaiting).toBeLessThanOrEqual(3 + 2);
    expect([...received(r).values()]).toEqual(Array(15).fill(1));
    expect(await outbox(r)).toEqual(Array(15).fill({ status: "sent", leased: false }));
    expect(r.emulator.counters.rejected429).toBe(0);
  });

  it("on stop(), gives back what could not leave within a second; the next start sends it, none twice", async () => {
    rig = await direct({ sender: { maxWaiting: 100 } });
    const r = rig;
    const rows = await replies(r, r.sender, 20);
    const sending = Promise.all(rows.map((row) => r.sender.sendLeased([row])));
    await new Promise((res) => setTimeout(res, 100));
    r.sender.stop();
    const reports = await sending;
    const sent = reports.reduce((n, x) => n + x.sent, 0);
    const givenBack = reports.reduce((n, x) => n + x.retrying, 0);
    expect(sent + givenBack).toBe(20);
    // Five a second into one chat: the last five could leave three seconds after the first, well
    // over a second after stop().
    expect(givenBack).toBeGreaterThanOrEqual(5);
    expect(r.emulator.messages).toHaveLength(sent);
    // The stopped sender sends nothing more, however long one waits.
    await new Promise((res) => setTimeout(res, 1500));
    expect(r.emulator.messages).toHaveLength(sent);
    // What was given back is pending and free for any sender to take.
    const states = await outbox(r);
    expect(states.filter((s) => s.status === "pending")).toEqual(Array(givenBack).fill({ status: "pending", leased: false }));

    // The next start: a new sender on the same database delivers the rest.
    const next = new OutboxSender(r.server.db, r.server.messenger);
    const after = await next.drain(15_000);
    expect(after.sent).toBe(givenBack);
    expect([...received(r).values()]).toEqual(Array(20).fill(1));
  });
});
