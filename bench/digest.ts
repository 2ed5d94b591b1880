/**
 * Digest benchmark: one digest to each of 1,000 unit groups through the real outbox sender and
 * LarkClient, against the Lark emulator enforcing Lark's limits (50/s and 1,000/min per app, 5/s per
 * chat). Reports the wall time against the theoretical minimum at those limits, then does it again
 * with 5% injected faults (2.5% HTTP 429, 2.5% 5xx) and counts lost and duplicated digests.
 *
 *   npx tsx bench/digest.ts [units]
 *
 * Figures are returned (and printed as JSON); docs/BENCHMARKS.md is assembled by the lead.
 */
import { unitKey } from "../db/queries/units";
import { assignments, chatBindings, plans, tasks, unitAliases, units } from "../db/schema";
import { runDigest } from "../src/jobs/digest";
import { jobDeps } from "../src/jobs/run";
import { direct, type Direct } from "../test/jobs/direct";

const DATE = "2026-11-30";
const PER_SECOND = 50;
const PER_MINUTE = 1000;

async function seed(r: Direct, n: number): Promise<string[]> {
  const db = r.server.db;
  const chats: string[] = [];
  await db.transaction(async (tx) => {
    const names = Array.from({ length: n }, (_, i) => `基准单位${String(i + 1).padStart(4, "0")}`);
    const made: { id: number; name: string }[] = [];
    for (let i = 0; i < n; i += 200) made.push(...(await tx.insert(units).values(names.slice(i, i + 200).map((name) => ({ name }))).returning({ id: units.id, name: units.name })));
    for (let i = 0; i < n; i += 200) {
      const part = made.slice(i, i + 200);
      await tx.insert(unitAliases).values(part.map((u) => ({ key: unitKey(u.name), alias: u.name, unitId: u.id })));
      await tx.insert(chatBindings).values(part.map((u) => ({ chatId: `oc_bench_${u.id}`, kind: "unit" as const, unitId: u.id, boundBy: "bench" })));
    }
    chats.push(...made.map((u) => `oc_bench_${u.id}`));
    const [plan] = await tx.insert(plans).values({ title: "基准测试计划", year: 2026 }).returning();
    const [t] = await tx
      .insert(tasks)
      .values({ planId: plan.id, requirement: "公开年度重点工作推进情况", deadlineText: "12月3日前", deadline: JSON.stringify({ text: "12月3日前", kind: "absolute", due: "2026-12-03" }), dueDate: "2026-12-03", contentKey: "bench", createdAt: Date.parse("2026-01-01T00:00:00+08:00") })
      .returning();
    for (let i = 0; i < n; i += 200) {
      await tx.insert(assignments).values(made.slice(i, i + 200).map((u) => ({ taskId: t.id, unitId: u.id, dueDate: "2026-12-03" })));
    }
  });
  return chats;
}

interface RunFigures {
  units: number;
  /** Composing and writing the digests to the outbox. */
  enqueueMs: number;
  /** From the start of delivery until every row was sent (drain returned). */
  deliverMs: number;
  /** First to last message accepted by the emulator. */
  spanMs: number;
  distinctChats: number;
  messages: number;
  lost: number;
  duplicated: number;
  rejected429ByLimiter: number;
  injectedFaults: number;
  uuidDeduplicated: number;
  maxPerSecondApp: number;
  maxPerSecondChat: number;
}

async function once(n: number, faults: boolean): Promise<RunFigures> {
  const r = await direct();
  try {
    const chats = await seed(r, n);
    if (faults) r.emulator.faultRate({ p429: 0.025, p5xx: 0.025, seed: 2026 });
    const deps = await jobDeps(r.host, Date.now);
    const t0 = performance.now();
    const result = await runDigest(deps, DATE);
    const t1 = performance.now();
    if (result.messages.length !== n) throw new Error(`expected ${n} digests, composed ${result.messages.length}`);
    const report = await r.sender.drain(15 * 60_000);
    const t2 = performance.now();
    const msgs = r.emulator.messages.filter((m) => m.kind === "send");
    const distinct = new Set(msgs.map((m) => m.chat_id));
    const wanted = new Set(chats);
    const times = msgs.map((m) => m.at);
    return {
      units: n,
      enqueueMs: Math.round(t1 - t0),
      deliverMs: Math.round(t2 - t1),
      spanMs: times.length ? Math.max(...times) - Math.min(...times) : 0,
      distinctChats: distinct.size,
      messages: msgs.length,
      lost: [...wanted].filter((c) => !distinct.has(c)).length + report.failed,
      duplicated: msgs.length - distinct.size,
      rejected429ByLimiter: r.emulator.counters.rejected429,
      injectedFaults: r.emulator.counters.injectedFaults,
      uuidDeduplicated: r.emulator.counters.uuidDeduplicated,
      maxPerSecondApp: r.emulator.maxPerSecondByApi.get("send") ?? 0,
      maxPerSecondChat: Math.max(0, ...r.emulator.maxPerSecondByChat.values()),
    };
  } finally {
    await r.close();
  }
}

/** Runs both measurements and returns the figures. */
export async function benchDigest(n = 1000, o: { faults?: boolean } = {}) {
  // The per-second limit decides: n messages fill ⌈n/50⌉ one-second windows, so the last can be
  // accepted no earlier than (⌈n/50⌉ − 1) s after the first; 1,000/min does not bind up to 1,000.
  const minuteWindows = Math.ceil(n / PER_MINUTE);
  const theoreticalMinMs = Math.max((Math.ceil(n / PER_SECOND) - 1) * 1000, (minuteWindows - 1) * 60_000);
  const clean = await once(n, false);
  const faulty = o.faults === false ? undefined : await once(n, true);
  return {
    limits: { perSecond: PER_SECOND, perMinute: PER_MINUTE, perChatPerSecond: 5 },
    theoreticalMinMs,
    clean: { ...clean, vsMinimum: Number((clean.spanMs / theoreticalMinMs).toFixed(3)), deliverVsMinimum: Number((clean.deliverMs / theoreticalMinMs).toFixed(3)) },
    withFaults: faulty && { faultRate: "2.5% 429 + 2.5% 5xx", ...faulty },
  };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const n = Number(process.argv[2] ?? 1000);
  benchDigest(n, { faults: process.argv[3] !== "--clean-only" })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
