/**
 * A simulated month of business dates around National Day (2026-09-28 … 2026-10-31): the scheduler is
 * run at 09:00 and again at 15:00 on every calendar day; a liaison finishes one task on the way. Each
 * recipient must get exactly the messages the rules say, day by day. The expectations are computed
 * here from the rules and from the official calendar written out by hand (国办发明电〔2025〕7号: 中秋
 * 9月25–27日, 国庆 10月1–7日, 10月10日（星期六）上班) — not from the application's calendar.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminChat, at, kindOf, resetSeed, rig, task, tickAt, to, unit, type Harness } from "./helpers";

const DAYS: string[] = [];
for (let d = new Date("2026-09-28T00:00:00Z"); d <= new Date("2026-10-31T00:00:00Z"); d.setUTCDate(d.getUTCDate() + 1)) DAYS.push(d.toISOString().slice(0, 10));

/** Official working days of the period. */
const WORKDAYS = new Set([
  "2026-09-28", "2026-09-29", "2026-09-30",
  "2026-10-08", "2026-10-09", "2026-10-10",
  "2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16",
  "2026-10-19", "2026-10-20", "2026-10-21", "2026-10-22", "2026-10-23",
  "2026-10-26", "2026-10-27", "2026-10-28", "2026-10-29", "2026-10-30",
]);
const W = DAYS.filter((d) => WORKDAYS.has(d));
/** Working days after `from` up to and including `to`. */
const workdaysAfter = (from: string, to: string) => W.filter((w) => w > from && w <= to).length;
const plusDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);
const isoWeek = (d: string) => {
  const t = new Date(`${d}T00:00:00Z`);
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const y = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - y) / 86400_000 + 1) / 7);
};

// The rules (defaults): digest on working days when something is overdue or due within 7 days (or
// always, for a group that asked); overdue alert from working day 1 after the due date, again every 2
// working days; escalation from working day 3, again every 2; summary on the first working day of a
// week; a progress request for continuing tasks on the first working day of a month.
const INTERVAL = 2;
const ESCALATE = 3;

interface Open {
  name: string;
  due: string;
  doneOn?: string;
}

function expected() {
  const out: Record<string, Record<string, Record<string, number>>> = {};
  const add = (day: string, who: string, kind: string) => {
    out[day] ??= {};
    out[day][who] ??= {};
    out[day][who][kind] = (out[day][who][kind] ?? 0) + 1;
  };
  // 县教体局: T1 due 30 Sep (lead 县发改局), never done; T2 due 16 Oct, done on 19 Oct after the morning run.
  const a: Open[] = [{ name: "T1", due: "2026-09-30" }, { name: "T2", due: "2026-10-16", doneOn: "2026-10-19" }];
  const lastAlert: Record<string, string> = {};
  const lastEsc: Record<string, string> = {};
  const summaryWeeks = new Set<number>();
  const progressMonths = new Set<string>();
  for (const d of W) {
    const open = a.filter((t) => !t.doneOn || t.doneOn >= d); // finished after the 09:00 run of doneOn
    const overdue = open.filter((t) => t.due < d);
    const soon = open.filter((t) => t.due >= d && t.due <= plusDays(d, 7));
    if (overdue.length || soon.length) add(d, "A", "digest");
    const alerts = overdue.filter((t) => workdaysAfter(t.due, d) >= 1 && (!lastAlert[t.name] || workdaysAfter(lastAlert[t.name], d) >= INTERVAL));
    if (alerts.length) {
      add(d, "A", "alert");
      add(d, "a", "alert");
      for (const t of alerts) lastAlert[t.name] = d;
    }
    const esc = overdue.filter((t) => workdaysAfter(t.due, d) >= ESCALATE && (!lastEsc[t.name] || workdaysAfter(lastEsc[t.name], d) >= INTERVAL));
    if (esc.length) {
      add(d, "admin", "escalation");
      if (esc.some((t) => t.name === "T1")) add(d, "L", "escalation");
      for (const t of esc) lastEsc[t.name] = d;
    }
    // 县司法局: T4 due 30 Oct, empty digests muted.
    if ("2026-10-30" >= d && "2026-10-30" <= plusDays(d, 7)) add(d, "B", "digest");
    // 南麻街道: nothing assigned, asked for empty digests.
    add(d, "C", "digest");
    if (!summaryWeeks.has(isoWeek(d))) {
      summaryWeeks.add(isoWeek(d));
      add(d, "admin", "summary");
    }
    if (!progressMonths.has(d.slice(0, 7))) {
      progressMonths.add(d.slice(0, 7));
      add(d, "A", "progress");
    }
  }
  return out;
}

let h: Harness;
const actual: Record<string, Record<string, Record<string, number>>> = {};
let recipients: Record<string, string>;

beforeAll(async () => {
  resetSeed();
  h = await rig("2026-09-28T08:00:00+08:00");
  const db = h.server.db;
  const admin = await adminChat(db);
  const A = await unit(db, "县教体局", { liaisons: [{ openId: "ou_liaison_a", name: "甲" }] });
  const L = await unit(db, "县发改局");
  const B = await unit(db, "县司法局");
  const C = await unit(db, "南麻街道", { sendEmpty: true });
  recipients = { A: A.chat!, a: "ou_liaison_a", L: L.chat!, B: B.chat!, C: C.chat!, admin };
  await task(db, { requirement: "T1 公开重大建设项目批准和实施信息", due: "2026-09-30", units: [{ id: L.id, role: "lead", due: "2026-12-31" }, { id: A.id }] });
  const t2 = await task(db, { requirement: "T2 公开教育收费标准", due: "2026-10-16", units: [{ id: A.id }] });
  await task(db, { requirement: "T3 在政府网站公开权责清单并动态调整", deadlineText: "长期坚持", deadline: null, units: [{ id: A.id }] });
  await task(db, { requirement: "T4 公开行政执法统计年报", due: "2026-10-30", units: [{ id: B.id }] });

  const count = () => {
    const c: Record<string, Record<string, number>> = {};
    for (const [who, id] of Object.entries(recipients)) {
      for (const m of to(h, id)) {
        const k = kindOf(m);
        if (k === "reply") continue;
        c[who] ??= {};
        c[who][k] = (c[who][k] ?? 0) + 1;
      }
    }
    return c;
  };
  let before = count();
  for (const day of DAYS) {
    await tickAt(h, at(day, "09:00"));
    if (day === "2026-10-19") {
      h.clock.set(at(day, "10:00"));
      await h.say(`完成 ${t2} http://www.example.gov.cn/fee.html`, { as: { openId: "ou_liaison_a", name: "甲" } });
    }
    await tickAt(h, at(day, "15:00"));
    const now = count();
    for (const [who, kinds] of Object.entries(now)) {
      for (const [k, n] of Object.entries(kinds)) {
        const delta = n - (before[who]?.[k] ?? 0);
        if (delta) {
          actual[day] ??= {};
          actual[day][who] ??= {};
          actual[day][who][k] = delta;
        }
      }
    }
    before = now;
  }
}, 180_000);

afterAll(async () => h?.close());

describe("a simulated month around National Day", () => {
  it("each recipient gets exactly the messages the rules say, day by day", () => {
    expect(actual).toEqual(expected());
  });

  it("nothing goes out on holidays or ordinary weekends; the adjusted Saturday is a working day", () => {
    for (const d of DAYS.filter((x) => !WORKDAYS.has(x))) expect(actual[d], d).toBeUndefined();
    expect(actual["2026-10-10"]?.A?.digest).toBe(1);
  });

  it("the totals read as the rules predict", () => {
    const total = (who: string, kind: string) => Object.values(actual).reduce((n, day) => n + (day[who]?.[kind] ?? 0), 0);
    expect(total("A", "digest")).toBe(21);
    expect(total("C", "digest")).toBe(21);
    expect(total("B", "digest")).toBe(6);
    expect(total("L", "digest")).toBe(0);
    expect(total("A", "alert")).toBe(9);
    expect(total("a", "alert")).toBe(9);
    expect(total("admin", "escalation")).toBe(8);
    expect(total("L", "escalation")).toBe(8);
    expect(total("admin", "summary")).toBe(5);
    expect(total("A", "progress")).toBe(2);
  });

  it("at most one reminder of a kind per assignment per day", async () => {
    const r = await h.server.db.$client.execute("SELECT assignment_id, kind, business_date, COUNT(*) AS n FROM reminders GROUP BY 1, 2, 3 HAVING n > 1");
    expect(r.rows).toHaveLength(0);
    const keys = await h.server.db.$client.execute("SELECT COUNT(*) AS n, COUNT(DISTINCT key) AS k FROM outbox");
    expect(keys.rows[0].n).toBe(keys.rows[0].k);
  });
});
