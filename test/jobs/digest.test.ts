import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDigest } from "../../src/jobs/digest";
import { jobDeps } from "../../src/jobs/run";
import { at, kindOf, resetSeed, rig, task, tickAt, title, to, unit, visibleText, type Harness } from "./helpers";

let h: Harness;
beforeEach(async () => {
  resetSeed();
  h = await rig();
});
afterEach(async () => h.close());

describe("daily digest", () => {
  it("sends one card per bound unit group with overdue, due-soon and this week's count", async () => {
    const db = h.server.db;
    const jt = await unit(db, "县教体局");
    const wj = await unit(db, "县卫健局");
    // Monday 30 Nov 2026. Overdue since 27 Nov (Fri); due 2 Dec (Wed, this week); due 7 Dec (in 7 days); due 9 Dec (later).
    await task(db, { requirement: "公开年度重大行政决策目录", due: "2026-11-27", units: [{ id: jt.id }] });
    await task(db, { requirement: "公开规范性文件清理结果", due: "2026-12-02", units: [{ id: jt.id }, { id: wj.id }] });
    await task(db, { requirement: "公开民生实事办理结果", due: "2026-12-07", units: [{ id: jt.id }] });
    await task(db, { requirement: "公开政府信息公开年度报告", due: "2026-12-09", units: [{ id: jt.id }] });

    await tickAt(h, at("2026-11-30"));
    const mine = to(h, jt.chat!);
    expect(mine.map(kindOf).filter((k) => k === "digest")).toHaveLength(1);
    const digest = mine.find((m) => kindOf(m) === "digest")!;
    const text = visibleText(digest);
    expect(title(digest)).toBe("县教体局 · 每日提醒 11月30日（星期一）");
    expect(text).toContain("已逾期 1 项");
    expect(text).toContain("公开年度重大行政决策目录");
    expect(text).toContain("已逾期 1 个工作日");
    expect(text).toContain("7 天内到期 2 项");
    expect(text).toContain("公开民生实事办理结果");
    expect(text).not.toContain("公开政府信息公开年度报告");
    expect(text).toContain("本周到期 1 项，已完成 0 项");
    expect(to(h, wj.chat!).filter((m) => kindOf(m) === "digest")).toHaveLength(1);
  });

  it("is not sent on days off, nor a second time the same day", async () => {
    const db = h.server.db;
    const jt = await unit(db, "县教体局");
    await task(db, { due: "2026-12-02", units: [{ id: jt.id }] });
    await tickAt(h, at("2026-11-28")); // Saturday
    expect(to(h, jt.chat!)).toHaveLength(0);
    await tickAt(h, at("2026-11-30", "08:59")); // before the push time
    expect(to(h, jt.chat!)).toHaveLength(0);
    await tickAt(h, at("2026-11-30", "09:00"));
    await tickAt(h, at("2026-11-30", "09:01"));
    await tickAt(h, at("2026-11-30", "15:00"));
    expect(to(h, jt.chat!).filter((m) => kindOf(m) === "digest")).toHaveLength(1);
    // The job function itself, run again for the date, writes nothing new.
    const again = await runDigest(await jobDeps(h.server, Date.now), "2026-11-30");
    expect(again.messages.map((m) => m.state)).toEqual(["exists"]);
  });

  it("leaves out empty digests unless the group asked for them", async () => {
    const db = h.server.db;
    const quiet = await unit(db, "县司法局");
    const chatty = await unit(db, "南麻街道", { sendEmpty: true });
    await tickAt(h, at("2026-11-30"));
    expect(to(h, quiet.chat!)).toHaveLength(0);
    const got = to(h, chatty.chat!);
    expect(got).toHaveLength(1);
    expect(visibleText(got[0])).toContain("今天没有逾期或 7 天内到期的任务");
  });

  it("dry run composes without writing", async () => {
    const db = h.server.db;
    const jt = await unit(db, "县教体局");
    await task(db, { due: "2026-12-02", units: [{ id: jt.id }] });
    const deps = await jobDeps(h.server, Date.now);
    const dry = await runDigest(deps, "2026-11-30", { dryRun: true });
    expect(dry.messages).toHaveLength(1);
    expect(dry.messages[0].state).toBe("dry-run");
    const n = await db.$client.execute("SELECT COUNT(*) AS n FROM outbox");
    expect(Number(n.rows[0].n)).toBe(0);
  });
});
