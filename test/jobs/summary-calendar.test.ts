import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN } from "../helpers/harness";
import { adminChat, at, kindOf, resetSeed, rig, task, tickAt, title, to, unit, visibleText, type Harness } from "./helpers";

let h: Harness;
beforeEach(async () => {
  resetSeed();
  h = await rig();
});
afterEach(async () => h.close());

describe("weekly admin summary", () => {
  it("goes to the admin chat on the first working day of each week, with per-unit counts", async () => {
    const db = h.server.db;
    const admin = await adminChat(db);
    const jt = await unit(db, "县教体局");
    const wj = await unit(db, "县卫健局");
    await unit(db, "县司法局");
    await task(db, { due: "2026-11-20", units: [{ id: jt.id }, { id: wj.id }] });
    await task(db, { due: "2026-12-20", units: [{ id: jt.id }] });
    await db.$client.execute({ sql: "UPDATE assignments SET status = 'done' WHERE unit_id = ?", args: [wj.id] });

    for (const d of ["2026-11-30", "2026-12-01", "2026-12-02"]) await tickAt(h, at(d));
    const summaries = to(h, admin).filter((m) => kindOf(m) === "summary");
    expect(summaries).toHaveLength(1);
    expect(title(summaries[0])).toBe("每周汇总 · 2026年第49周 · 11月30日（星期一）");
    const text = visibleText(summaries[0]);
    expect(text).toContain("完成 1 项 · 在办 2 项 · 逾期 1 项");
    expect(text).toContain("县教体局：完成 0 · 在办 2 · 逾期 1");
    expect(text).toContain("有逾期的单位：1 个");
    expect(text).toContain("县卫健局：完成 1 · 在办 0");
    expect(text).not.toContain("县司法局："); // nothing assigned: not listed
  });

  it("moves to the first working day when Monday is a holiday (National Day week → Thursday 8 Oct)", async () => {
    const db = h.server.db;
    const admin = await adminChat(db);
    for (const d of ["2026-10-05", "2026-10-06", "2026-10-07"]) await tickAt(h, at(d));
    expect(to(h, admin)).toHaveLength(0);
    await tickAt(h, at("2026-10-08"));
    await tickAt(h, at("2026-10-09"));
    await tickAt(h, at("2026-10-10")); // adjusted working Saturday, same week
    const s = to(h, admin).filter((m) => kindOf(m) === "summary");
    expect(s).toHaveLength(1);
    expect(title(s[0])).toContain("10月8日（星期四）");
  });

  it("without an admin chat goes to each registered admin directly", async () => {
    const db = h.server.db;
    await db.$client.execute({ sql: "INSERT INTO members (open_id, name, role) VALUES (?, ?, 'admin')", args: [ADMIN.openId, ADMIN.name] });
    await tickAt(h, at("2026-11-30"));
    const dm = to(h, ADMIN.openId);
    expect(dm.map(kindOf)).toEqual(["summary"]);
    expect(dm[0].receive_id_type).toBe("open_id");
  });
});

describe("working-day calendar", () => {
  it("sends digests on adjusted working weekends and not on holidays", async () => {
    const db = h.server.db;
    const jt = await unit(db, "县教体局", { sendEmpty: true });
    const days = ["2026-09-19", "2026-09-20", "2026-09-25", "2026-09-28", "2026-10-01", "2026-10-07", "2026-10-08", "2026-10-10", "2026-10-11"];
    for (const d of days) await tickAt(h, at(d));
    const sent = to(h, jt.chat!).map((m) => title(m).replace(/^.*每日提醒 /, ""));
    // Sat 19 Sep: weekend. Sun 20 Sep: adjusted working day. 25 Sep: Mid-Autumn. 1 & 7 Oct: National Day.
    // Sat 10 Oct: adjusted working day. Sun 11 Oct: weekend.
    expect(sent).toEqual(["9月20日（星期日）", "9月28日（星期一）", "10月8日（星期四）", "10月10日（星期六）"]);
  });

  it("crosses the year boundary: the uncovered year warns the admins once, falls back to Mon–Fri and says so in every digest", async () => {
    const db = h.server.db;
    const admin = await adminChat(db);
    const jt = await unit(db, "县教体局", { sendEmpty: true });
    // December: advance request to load next year, once.
    await tickAt(h, at("2026-12-01"));
    await tickAt(h, at("2026-12-02"));
    const advance = to(h, admin).filter((m) => kindOf(m) === "calendar");
    expect(advance).toHaveLength(1);
    expect(title(advance[0])).toBe("请导入2027年节假日安排");
    // 31 Dec 2026 (Thu, covered) → no notice; 1 Jan 2027 (Fri) is a weekday under the fallback rule.
    for (const d of ["2026-12-31", "2027-01-01", "2027-01-02", "2027-01-04", "2027-01-05"]) await tickAt(h, at(d));
    const digests = to(h, jt.chat!).filter((m) => kindOf(m) === "digest").filter((m) => m.at > 0);
    const byDay = Object.fromEntries(digests.map((m) => [title(m).replace(/^.*每日提醒 /, ""), visibleText(m)]));
    expect(Object.keys(byDay)).toEqual(["12月1日（星期二）", "12月2日（星期三）", "12月31日（星期四）", "1月1日（星期五）", "1月4日（星期一）", "1月5日（星期二）"]);
    expect(byDay["12月31日（星期四）"]).not.toContain("尚无国务院节假日安排数据");
    for (const d of ["1月1日（星期五）", "1月4日（星期一）", "1月5日（星期二）"]) {
      expect(byDay[d]).toContain("2027年尚无国务院节假日安排数据");
      expect(byDay[d]).toContain("工作日暂按周一至周五估算");
    }
    const fallback = to(h, admin).filter((m) => title(m) === "节假日数据缺失 · 2027年");
    expect(fallback).toHaveLength(1);
  });
});
