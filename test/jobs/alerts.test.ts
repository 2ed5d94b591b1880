import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adminChat, at, kindOf, resetSeed, rig, task, tickAt, to, unit, visibleText, type Harness } from "./helpers";

let h: Harness;
beforeEach(async () => {
  resetSeed();
  h = await rig();
});
afterEach(async () => h.close());

const LIAISON = { openId: "ou_liaison_zhang", name: "张三" };

describe("overdue alerts and escalation", () => {
  it("tells the unit group and its liaisons on the next working morning, repeats every 2 working days, escalates after 3", async () => {
    const db = h.server.db;
    const admin = await adminChat(db);
    const lead = await unit(db, "县发改局");
    const jt = await unit(db, "县教体局", { liaisons: [LIAISON] });
    await task(db, { requirement: "公开重大建设项目批准信息", due: "2026-11-27", units: [{ id: lead.id, role: "lead", due: "2026-12-31" }, { id: jt.id }] });

    const seen: Record<string, { group: number; dm: number; admin: number; lead: number }> = {};
    const count = () => ({
      group: to(h, jt.chat!).filter((m) => kindOf(m) === "alert").length,
      dm: to(h, LIAISON.openId).filter((m) => kindOf(m) === "alert").length,
      admin: to(h, admin).filter((m) => kindOf(m) === "escalation").length,
      lead: to(h, lead.chat!).filter((m) => kindOf(m) === "escalation").length,
    });
    for (const date of ["2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]) {
      await tickAt(h, at(date));
      await tickAt(h, at(date, "16:30")); // a second tick the same day changes nothing
      seen[date] = count();
    }
    // Due Fri 27 Nov: nothing that day or over the weekend.
    expect(seen["2026-11-29"]).toEqual({ group: 0, dm: 0, admin: 0, lead: 0 });
    // Mon 30 Nov = 1 working day overdue: group + liaison.
    expect(seen["2026-11-30"]).toEqual({ group: 1, dm: 1, admin: 0, lead: 0 });
    // Tue: interval of 2 working days not reached.
    expect(seen["2026-12-01"]).toEqual({ group: 1, dm: 1, admin: 0, lead: 0 });
    // Wed = 3 working days: reminder + escalation to the admin chat and the lead unit's group.
    expect(seen["2026-12-02"]).toEqual({ group: 2, dm: 2, admin: 1, lead: 1 });
    expect(seen["2026-12-03"]).toEqual({ group: 2, dm: 2, admin: 1, lead: 1 });
    expect(seen["2026-12-04"]).toEqual({ group: 3, dm: 3, admin: 2, lead: 2 });

    const alert = to(h, LIAISON.openId)[0];
    expect(alert.receive_id_type).toBe("open_id");
    expect(visibleText(alert)).toContain("已逾期 1 个工作日；再逾期 2 个工作日将报县政务公开办");
    const esc = to(h, admin).find((m) => kindOf(m) === "escalation")!;
    expect(visibleText(esc)).toContain("县教体局");
    expect(visibleText(esc)).toContain("已逾期 3 个工作日");
    expect(visibleText(to(h, lead.chat!).find((m) => kindOf(m) === "escalation")!)).toContain("责任单位 县教体局");
  });

  it("stops once the assignment is done, and counts working days across a holiday", async () => {
    const db = h.server.db;
    await adminChat(db);
    const jt = await unit(db, "县教体局", { liaisons: [LIAISON] });
    // Due Wed 30 Sep 2026; 1–7 Oct are the National Day holiday: the first working morning after is Thu 8 Oct.
    const id = await task(db, { requirement: "公开国庆前安全检查结果", due: "2026-09-30", units: [{ id: jt.id }] });
    for (const d of ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-07"]) await tickAt(h, at(d));
    expect(to(h, jt.chat!).filter((m) => kindOf(m) === "alert")).toHaveLength(0);
    await tickAt(h, at("2026-10-08"));
    const first = to(h, jt.chat!).filter((m) => kindOf(m) === "alert");
    expect(first).toHaveLength(1);
    expect(visibleText(first[0])).toContain("已逾期 1 个工作日");
    // Sat 10 Oct is an adjusted working day: 3 working days overdue (8, 9, 10 Oct) → reminder and escalation.
    await tickAt(h, at("2026-10-09"));
    await tickAt(h, at("2026-10-10"));
    expect(to(h, jt.chat!).filter((m) => kindOf(m) === "alert")).toHaveLength(2);
    expect(to(h, "oc_admin_chat").filter((m) => kindOf(m) === "escalation")).toHaveLength(1);

    await h.say(`完成 ${id} http://www.example.gov.cn/a.html`, { as: LIAISON });
    await tickAt(h, at("2026-10-12"));
    await tickAt(h, at("2026-10-14"));
    expect(to(h, jt.chat!).filter((m) => kindOf(m) === "alert")).toHaveLength(2);
    expect(to(h, "oc_admin_chat").filter((m) => kindOf(m) === "escalation")).toHaveLength(1);
  });

  it("starts over when the due date is moved (an extension), and never alerts about continuing tasks", async () => {
    const db = h.server.db;
    const jt = await unit(db, "县教体局");
    await task(db, { requirement: "在政府网站公开权责清单并动态调整", deadlineText: "长期坚持", deadline: null, due: "2026-11-02", units: [{ id: jt.id }] });
    const id = await task(db, { requirement: "公开招投标信息", due: "2026-11-26", units: [{ id: jt.id }] });
    await tickAt(h, at("2026-11-27"));
    const alerts = () => to(h, jt.chat!).filter((m) => kindOf(m) === "alert");
    expect(alerts()).toHaveLength(1);
    expect(visibleText(alerts()[0])).not.toContain("权责清单");
    await db.$client.execute({ sql: "UPDATE assignments SET due_date = '2026-11-30' WHERE task_id = ?", args: [id] });
    await tickAt(h, at("2026-11-30"));
    expect(alerts()).toHaveLength(1);
    await tickAt(h, at("2026-12-01"));
    expect(alerts()).toHaveLength(2);
    expect(visibleText(alerts()[1])).toContain("11月30日截止，已逾期 1 个工作日");
  });
});
