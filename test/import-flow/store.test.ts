/**
 * The database side of the importer through its seam (`commitPlan(parsed, store, directory, file)` with
 * `DbPlanStore`) on a real libSQL file: re-import rules that the chat tests do not reach directly.
 * Tables are small CSVs written here, so each rule is visible in the test.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { beforeEach, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client";
import { migrate } from "../../db/migrate";
import { addGroupMembers, createGroup, setGroupExpressions } from "../../db/queries/groups";
import { addAssignment, addProgress, currentAssignment } from "../../db/queries/tasks";
import { upsertUnit } from "../../db/queries/units";
import { commitPlan, parsePlan } from "../../src/importer/index";
import { DbPlanStore, loadDirectory, MissingYearError, UnresolvedUnitsError, type ImportResult } from "../../src/importer/store";

let client: Client;
let db: Db;
let clock = Date.parse("2026-03-02T02:00:00Z");

const HEADER = "2026年某县政务公开工作任务分解表,,,\n序号,工作任务,责任单位,时限要求\n";
const csv = (rows: string[][]) => new TextEncoder().encode(HEADER + rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\n") + "\n");

async function importRows(rows: string[][], o: { allowUnresolved?: boolean; title?: string } = {}): Promise<ImportResult> {
  const { directory } = await loadDirectory(db);
  const parsed = await parsePlan(csv(rows), "plan.csv", { directory, ...(o.title ? { title: o.title } : {}) });
  const store = new DbPlanStore(db, { actor: "ou_admin", now: () => (clock += 1000), allowUnresolved: o.allowUnresolved });
  return (await commitPlan(parsed, store, directory, "plan.csv")) as ImportResult;
}

const rows = async (sql: string, args: (string | number)[] = []) => (await client.execute({ sql, args })).rows;
const one = async (sql: string, args: (string | number)[] = []) => Number((await rows(sql, args))[0][0]);

const BASE = [
  ["1", "公开年度预算和决算报告", "县财政局", "6月底前"],
  ["2", "按季度公开重点项目建设进展情况", "县发改局", "按季度"],
  ["3", "做好政策解读工作，文件公开后3个工作日内发布解读材料", "各镇街道", "文件公开后3个工作日内"],
  ["4", "长期坚持做好政府信息公开专栏维护", "县财政局、县发改局", "长期坚持"],
];

beforeEach(async () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-store-"));
  client = createClient({ url: `file:${join(dir, "t.db")}` });
  await client.execute("PRAGMA foreign_keys = ON");
  await migrate(client);
  db = createDb(client);
  for (const n of ["县财政局", "县发展和改革局", "南麻街道", "历山街道", "县民政局"]) await upsertUnit(db, n);
  const g = await createGroup(db, "镇街");
  const ids = (await rows("SELECT id FROM units WHERE name IN ('南麻街道','历山街道')")).map((r) => Number(r.id));
  await addGroupMembers(db, g.id, ids);
  await setGroupExpressions(db, g.id, ["各镇街道"]);
});

describe("DbPlanStore through commitPlan", () => {
  it("creates the plan, tasks and one assignment per unit; 县发改局 resolves to 县发展和改革局; a group expands to its members", async () => {
    const r = await importRows(BASE);
    expect(r).toMatchObject({ created: 4, updated: 0, removed: 0, plan: { isNew: true, year: 2026 } });
    expect(await one("SELECT COUNT(*) FROM assignments")).toBe(1 + 1 + 2 + 2);
    const [t3] = await rows("SELECT responsible_text, due_date, deadline FROM tasks WHERE seq = '3'");
    expect(t3.responsible_text).toBe("各镇街道");
    expect(t3.due_date).toBeNull();
    expect(JSON.parse(String(t3.deadline)).kind).toBe("event_relative");
    expect(await one("SELECT COUNT(*) FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE t.seq = '1' AND a.due_date = '2026-06-30'")).toBe(1);
  });

  it("refuses unknown names unless told to leave them unassigned, writing nothing", async () => {
    const table = [...BASE, ["5", "公开低保名单", "县民政局、县退役军人局", "按月"]];
    await expect(importRows(table)).rejects.toBeInstanceOf(UnresolvedUnitsError);
    expect(await one("SELECT COUNT(*) FROM plans")).toBe(0);
    const r = await importRows(table, { allowUnresolved: true });
    expect(r.created).toBe(5);
    expect(await one("SELECT COUNT(*) FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE t.seq = '5'")).toBe(1);
  });

  it("needs a year", async () => {
    const { directory } = await loadDirectory(db);
    const parsed = await parsePlan(new TextEncoder().encode("序号,工作任务,责任单位\n1,公开预算,县财政局\n"), "x.csv", { directory });
    const store = new DbPlanStore(db, { actor: "a", now: () => clock });
    await expect(commitPlan(parsed, store, directory, "x.csv")).rejects.toBeInstanceOf(MissingYearError);
  });

  it("re-import: matched by content not row; an admin's own 指派 is left alone; progress keeps a dropped unit", async () => {
    await importRows(BASE);
    const id = async (req: string) => one("SELECT id FROM tasks WHERE requirement LIKE ?", [`${req}%`]);
    const t1 = await id("公开年度预算");
    const t4 = await id("长期坚持做好");
    const minzheng = (await rows("SELECT id FROM units WHERE name = '县民政局'"))[0].id as number;
    const caizheng = (await rows("SELECT id FROM units WHERE name = '县财政局'"))[0].id as number;
    const fagai = (await rows("SELECT id FROM units WHERE name = '县发展和改革局'"))[0].id as number;
    // The admin adds 县民政局 to task 1 by hand; 县发改局 reports progress on task 4.
    await addAssignment(db, { taskId: t1, unitId: Number(minzheng), dueDate: "2026-06-30" }, clock);
    await addProgress(db, (await currentAssignment(db, t4, Number(fagai)))!, "ou_fg", "专栏已改版", clock);

    // Rows reordered, task 1's deadline moved, task 4 drops both units for 县民政局, task 2 gone, a new one.
    const r = await importRows([
      ["1", "长期坚持做好政府信息公开专栏维护", "县民政局", "长期坚持"],
      ["2", "公开年度预算和决算报告", "县财政局", "9月底前"],
      ["3", "做好政策解读工作，文件公开后3个工作日内发布解读材料", "各镇街道", "文件公开后3个工作日内"],
      ["4", "公开政府采购意向", "县财政局", "年底前"],
    ]);
    expect(r).toMatchObject({ created: 1, updated: 2, removed: 1, unchanged: 1 });
    expect(await id("公开年度预算")).toBe(t1);
    expect(await id("长期坚持做好")).toBe(t4);
    // Task 1: the admin's 县民政局 stays; the table's 县财政局 gets the new due date.
    const a1 = await rows("SELECT u.name, a.due_date FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.task_id = ? ORDER BY u.name", [t1]);
    expect(a1.map((x) => [x.name, x.due_date])).toEqual([
      ["县民政局", "2026-06-30"],
      ["县财政局", "2026-09-30"],
    ]);
    // Task 4: 县财政局 (untouched) removed, 县发改局 kept (it reported), 县民政局 added.
    const a4 = (await rows("SELECT u.name FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.task_id = ? ORDER BY u.name", [t4])).map((x) => x.name);
    expect(a4.sort()).toEqual(["县发展和改革局", "县民政局"].sort());
    expect(r.keptAssignments).toEqual([{ taskId: t4, unit: "县发展和改革局", reason: "已有进展" }]);
    expect(await one("SELECT COUNT(*) FROM assignments WHERE task_id = ? AND unit_id = ?", [t4, Number(caizheng)])).toBe(0);
    // Task 2 is marked removed, not deleted.
    expect(await one("SELECT COUNT(*) FROM tasks WHERE removed_at IS NOT NULL AND requirement LIKE '按季度公开重点项目%'")).toBe(1);
    expect(r.changes.find((c) => c.taskId === t1)?.changes).toEqual(["时限「6月底前」→「9月底前」"]);
  });

  it("a reworded requirement keeps its task; a removed task that comes back keeps its id", async () => {
    await importRows(BASE);
    const t2 = await one("SELECT id FROM tasks WHERE requirement LIKE '按季度公开重点项目%'");
    const reworded = BASE.map((r) => (r[0] === "1" ? ["1", "公开年度预算和决算报告及说明", r[2], r[3]] : r)).filter((r) => r[0] !== "2");
    const r1 = await importRows(reworded);
    expect(r1).toMatchObject({ created: 0, updated: 1, removed: 1 });
    expect(r1.changes[0].changes[0]).toContain("内容改为「公开年度预算和决算报告及说明」");
    const r2 = await importRows(BASE);
    expect(r2).toMatchObject({ created: 0, removed: 0, restored: 1 });
    expect(await one("SELECT id FROM tasks WHERE requirement LIKE '按季度公开重点项目%' AND removed_at IS NULL")).toBe(t2);
    expect(await one("SELECT COUNT(*) FROM tasks")).toBe(4);
  });

  it("a group defined after the import assigns its members on the next import of the same table", async () => {
    const table = [["1", "公开社区事务", "各社区", "年底前"]];
    const first = await importRows(table, { allowUnresolved: true });
    expect(first.unassignedTasks).toHaveLength(1);
    const g = await createGroup(db, "各社区");
    await addGroupMembers(db, g.id, [Number((await rows("SELECT id FROM units WHERE name = '南麻街道'"))[0].id)]);
    const again = await importRows(table);
    expect(again).toMatchObject({ created: 0, updated: 1, assignmentsAdded: 1 });
    expect(again.changes[0].changes).toEqual(["单位：增加 南麻街道"]);
  });
});
