/**
 * npm run import writes into the database at DATABASE_URL (migrated first) and re-imports in place:
 * taian-2020.csv, a plan of 143 rows whose 牵头单位 column is full of 各县（市、区） and 市政府各部门（单位）
 * (groups a fresh database cannot know).
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { addGroupMembers, createGroup } from "../../db/queries/groups";
import { upsertUnit } from "../../db/queries/units";
import { runImportCli } from "../../src/cli/import";
import { FIXTURES } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "duban-import-cli-"));
const dbFile = join(dir, "nested", "duban.db");
const env = { DATABASE_URL: `file:${dbFile}`, USER: "ops" };
const original = join(FIXTURES, "taian-2020.csv");

async function run(argv: string[], e: Record<string, string> = env) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runImportCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false, env: e, now: () => Date.parse("2020-06-01T02:00:00Z") });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const client = () => createClient({ url: `file:${dbFile}` });
async function q(sql: string, args: (string | number)[] = []) {
  const c = client();
  try {
    return (await c.execute({ sql, args })).rows;
  } finally {
    c.close();
  }
}
const n = async (sql: string, args: (string | number)[] = []) => Number((await q(sql, args))[0][0]);

/** The rows of the CSV whose 牵头单位 or 责任单位 cell names a group, read from the file itself. */
function rowsNaming(text: string, name: string): number {
  return text.split("\n").slice(2).filter((l) => l.split(",").slice(3).join(",").includes(name)).length;
}

let c: ReturnType<typeof client> | undefined;
afterAll(() => c?.close());

describe("npm run import (writing)", () => {
  it("--dry-run never opens the database", async () => {
    const r = await run([original, "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("试运行（--dry-run）：没有写入任何数据。");
    expect(existsSync(dbFile)).toBe(false);
  });

  it("refuses to write while unit names are unknown, and says what to do", async () => {
    const r = await run([original]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/没有写入：\d+ 个单位名称在数据库里没有对应（[^）]*各县（市、区）/);
    expect(r.out).toContain("--create-units");
    // Migrated (created), but nothing of the plan.
    expect(await n("SELECT COUNT(*) FROM plans")).toBe(0);
    expect(await n("SELECT COUNT(*) FROM units")).toBe(0);
  });

  it("--create-units alone does not write while groups are undefined (and creates no unit either)", async () => {
    const r = await run([original, "--create-units"]);
    expect(r.code).toBe(4);
    expect(r.out).toContain("各县（市、区）、市政府各部门（单位）");
    expect(r.out).toContain("单位组要在聊天中用「单位组」定义");
    expect(await n("SELECT COUNT(*) FROM units")).toBe(0);
  });

  it("writes with --create-units --allow-unresolved, listing the groups left unassigned", async () => {
    const r = await run([original, "--create-units", "--allow-unresolved"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("已导入计划「2020年泰安市政务公开重点工作任务分解表」（2020年）：143 条任务");
    // 49 names: 2 groups, 3 vague (市政府有关部门（单位）…), and 生态环境局 without its prefix, which is 市生态环境局.
    expect(r.out).toMatch(/新建单位 43 个：[^\n]*市卫生健康委/);
    expect(await n("SELECT COUNT(*) FROM units")).toBe(43);
    expect(r.out).not.toMatch(/新建单位[^\n]*、生态环境局/);
    expect(r.out).toMatch(/暂不分派的名称 2 个】\n各县（市、区）（\d+）、市政府各部门（单位）（\d+）/);
    expect(r.out).toContain(`已写入 file:${dbFile}`);
    expect(await n("SELECT COUNT(*) FROM plans")).toBe(1);
    expect(await n("SELECT COUNT(*) FROM tasks WHERE removed_at IS NULL")).toBe(143);
    expect(await n("SELECT COUNT(*) FROM audit WHERE action = 'plan.import' AND actor = 'cli:ops'")).toBe(1);
  });

  it("re-imports the same file without changing anything", async () => {
    const before = await n("SELECT COUNT(*) FROM assignments");
    const r = await run([original, "--allow-unresolved"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("已更新计划「2020年泰安市政务公开重点工作任务分解表」（2020年）：新增 0 条，修改 0 条，移出 0 条，不变 143 条");
    expect(await n("SELECT COUNT(*) FROM assignments")).toBe(before);
    expect(await n("SELECT COUNT(*) FROM tasks")).toBe(143);
  });

  it("assigns the groups' members once the groups are defined and the file is imported again", async () => {
    c = client();
    const db = createDb(c);
    const counties = [];
    for (const name of ["泰山区", "岱岳区"]) counties.push((await upsertUnit(db, name)).unit);
    const g1 = await createGroup(db, "各县（市、区）");
    await addGroupMembers(db, g1.id, counties.map((u) => u.id));
    const g2 = await createGroup(db, "市政府各部门（单位）");
    const depts = (await q("SELECT id FROM units WHERE name IN ('市财政局', '市司法局')")).map((r) => Number(r.id));
    await addGroupMembers(db, g2.id, depts);

    const csv = readFileSync(original, "utf8");
    const r = await run([original]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/已更新计划「2020年泰安市政务公开重点工作任务分解表」（2020年）：新增 0 条，修改 \d+ 条，移出 0 条/);
    // Every task naming 各县（市、区） now has an assignment for each county.
    const naming = await n("SELECT COUNT(*) FROM tasks WHERE lead_text LIKE '%各县（市、区）%' OR responsible_text LIKE '%各县（市、区）%'");
    expect(naming).toBeGreaterThanOrEqual(rowsNaming(csv, "各县（市、区）"));
    expect(await n("SELECT COUNT(*) FROM assignments a JOIN units u ON u.id = a.unit_id WHERE u.name = '泰山区'")).toBe(naming);
    // Where the table wrote it in the 牵头单位 column, the county leads.
    const [lead] = await q(
      "SELECT a.role FROM assignments a JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id WHERE u.name = '泰山区' AND t.requirement LIKE '起草与企业生产经营活动密切相关%'",
    );
    expect(lead.role).toBe("lead");
  });

  it("re-imports a corrected table: a removed row is marked removed, a unit change keeps a county that reported progress", async () => {
    // 泰山区 reported progress on the 起草… task before the correction.
    const [a] = await q(
      "SELECT a.id, t.id AS task FROM assignments a JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id WHERE u.name = '泰山区' AND t.requirement LIKE '起草与企业生产经营活动密切相关%'",
    );
    await q("INSERT INTO progress_notes (assignment_id, author, text, created_at) VALUES (?, 'ou_x', '已召开企业家座谈会', 0)", [Number(a.id)]);
    await q("UPDATE assignments SET status = 'doing' WHERE id = ?", [Number(a.id)]);
    const csv = readFileSync(original, "utf8")
      .split("\n")
      .filter((l) => !l.includes("持续深化开展政府开放日"))
      .map((l) => (l.includes("起草与企业生产经营活动密切相关") ? l.replace("各县（市、区）、市政府各部门（单位）", "市司法局") : l))
      .join("\n");
    const corrected = join(dir, "taian-2020-修改.csv");
    (await import("node:fs")).writeFileSync(corrected, csv);

    const r = await run([corrected]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("新增 0 条，修改 1 条，移出 1 条，不变 141 条");
    expect(r.out).toMatch(/单位：去掉 泰山区、岱岳区、市财政局/);
    expect(r.out).toContain("移出的任务 1 条");
    expect(r.out).toMatch(/表中去掉但仍保留的分派】\n#\d+ 泰山区（已有进展）/);
    expect(await n("SELECT COUNT(*) FROM tasks WHERE removed_at IS NOT NULL AND requirement LIKE '持续深化开展政府开放日%'")).toBe(1);
    // The county that had reported keeps its assignment and note; the others are gone.
    expect(await n("SELECT COUNT(*) FROM assignments WHERE task_id = ?", [Number(a.task)])).toBe(2);
    expect(await n("SELECT COUNT(*) FROM progress_notes WHERE assignment_id = ?", [Number(a.id)])).toBe(1);
  });

  it("--json adds what was written to the ParsedPlan; the original table brings the removed row back under its old number", async () => {
    const r = await run([original, "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.tasks).toHaveLength(143);
    expect(out.import).toMatchObject({ written: true, result: { created: 0, removed: 0, restored: 1 } });
    expect(await n("SELECT COUNT(*) FROM tasks")).toBe(143);
    expect(await n("SELECT COUNT(*) FROM tasks WHERE removed_at IS NOT NULL")).toBe(0);
  });

  it("reports a bad file with the importer's sentence and writes nothing", async () => {
    const before = await n("SELECT COUNT(*) FROM audit");
    const r = await run([join(FIXTURES, "bad-image.xlsx")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("这是一张图片，不是表格文件");
    expect(await n("SELECT COUNT(*) FROM audit")).toBe(before);
  });
});
