/** The pacer on a virtual clock: windows, requests in flight, refusals given back, coalesced holds. */
import { describe, expect, it } from "vitest";
import { Pacer, PacerStopped } from "../../src/outbox/pacer";

function virtual() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    set: (x: number) => (t = x),
    sleeps,
  };
}

describe("pacer", () => {
  it("lets 50 through per second for the app and 5 per second per chat", async () => {
    const c = virtual();
    const p = new Pacer(undefined, c.now, c.sleep, 0);
    for (let i = 0; i < 50; i++) p.done(await p.take(`oc_${i}`));
    expect(c.now()).toBe(0);
    p.done(await p.take("oc_x"));
    expect(c.now()).toBe(1000);
    const d = virtual();
    const q = new Pacer(undefined, d.now, d.sleep, 0);
    for (let i = 0; i < 5; i++) q.done(await q.take("oc_same"));
    q.done(await q.take("oc_same"));
    expect(d.now()).toBe(1000);
  });

  it("counts a request still in flight as now, and from its answer on when it comes back late", async () => {
    const c = virtual();
    const p = new Pacer(undefined, c.now, c.sleep, 0);
    const open = [];
    for (let i = 0; i < 50; i++) open.push(await p.take(`oc_${i}`));
    // All 50 answered only at 300 ms (a slow token fetch).
    c.set(300);
    for (const b of open) p.done(b, 300);
    p.done(await p.take("oc_next"));
    // The window runs from the answers, not from the bookings at 0.
    expect(c.now()).toBe(1300);
  });

  it("waits for an answer when the window is full of requests in flight", async () => {
    let t = 0;
    let polls = 0;
    let onPoll = () => {};
    const p = new Pacer(
      { perSecond: 2, perMinute: 100, perRecipientPerSecond: 5 },
      () => t,
      async (ms) => {
        polls++;
        t += ms;
        onPoll();
      },
      0,
    );
    const a = await p.take("oc_a");
    await p.take("oc_b");
    // Both still in flight: the pacer polls; the first answer comes at 40 ms.
    onPoll = () => {
      if (t >= 40) {
        p.done(a, 40);
        onPoll = () => {};
      }
    };
    await p.take("oc_c");
    expect(polls).toBeGreaterThan(1);
    expect(t).toBe(1040);
  });

  it("gives back a booking Lark refused", async () => {
    const c = virtual();
    const p = new Pacer(undefined, c.now, c.sleep, 0);
    const bookings = [];
    for (let i = 0; i < 50; i++) bookings.push(await p.take(`oc_${i}`));
    for (const b of bookings.slice(1)) p.done(b);
    p.release(bookings[0]);
    p.done(await p.take("oc_again"));
    expect(c.now()).toBe(0);
  });

  it("coalesces holds: several 429s hold until the latest reset, not the sum", async () => {
    const c = virtual();
    const p = new Pacer(undefined, c.now, c.sleep, 0);
    p.pauseUntil(1000);
    p.pauseUntil(500);
    p.pauseUntil(2000);
    p.done(await p.take("oc_a"));
    expect(c.now()).toBe(2000);
    p.pauseRecipient("oc_b", 3000);
    p.done(await p.take("oc_c"));
    expect(c.now()).toBe(2000);
    expect(p.recipientHeldUntil("oc_b")).toBe(3000);
  });

  it("counts the messages waiting for their turn, and after stop() refuses a wait longer than the grace", async () => {
    const c = virtual();
    const p = new Pacer({ perSecond: 2, perMinute: 100, perRecipientPerSecond: 5 }, c.now, c.sleep, 0);
    p.done(await p.take("oc_a"));
    p.done(await p.take("oc_b"));
    // The second is full until 1000 ms: two more wait in line.
    const later = [p.take("oc_c"), p.take("oc_d")];
    expect(p.waiting).toBe(2);
    for (const b of await Promise.all(later)) p.done(b);
    expect(c.now()).toBe(1000);
    expect(p.waiting).toBe(0);
    p.stop(500);
    // The next slot is at 2000 ms, a second away: longer than the grace.
    await expect(p.take("oc_e")).rejects.toBeInstanceOf(PacerStopped);
    expect(p.waiting).toBe(0);
  });

  it("wakes a message asleep in the line when stop() comes, instead of letting it sleep out Lark's limit", async () => {
    let t = 0;
    // A sleep that never ends by itself: only stop() can end the wait.
    const p = new Pacer({ perSecond: 1, perMinute: 100, perRecipientPerSecond: 5 }, () => t, () => new Promise<void>(() => {}), 0);
    p.done(await p.take("oc_a"));
    const asleep = p.take("oc_b"); // its slot is a second away
    await new Promise((r) => setTimeout(r, 10));
    t = 30;
    p.stop(100);
    await expect(asleep).rejects.toBeInstanceOf(PacerStopped);
  });

  it("after stop(), lets through only what fits before the grace runs out, not wait after wait of just under it", async () => {
    const c = virtual();
    const p = new Pacer({ perSecond: 1, perMinute: 100, perRecipientPerSecond: 5 }, c.now, c.sleep, 0);
    p.done(await p.take("oc_a"));
    p.stop(1000);
    // One a second: the next turn is at 1000 ms (inside the grace), the ones after it are not.
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, async (_, i) => p.done(await p.take(`oc_${i}`))));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "rejected", "rejected"]);
    expect(c.now()).toBe(1000);
  });
});
