/** The import command: Chinese summary, --json, errors, exit codes. */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runImportCli, parseArgs } from "../../src/cli/import";
import { FIXTURES_DIR, SEEDS_DIR } from "./helpers";

// Without --dry-run the command writes: into a scratch database, never ./data (test/import-flow/cli.test.ts covers writing).
const env = { DATABASE_URL: `file:${join(mkdtempSync(join(tmpdir(), "duban-cli-db-")), "duban.db")}` };

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runImportCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false, env });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run import", () => {
  it("prints a Chinese summary: tasks, units, deadline classes, skipped items", async () => {
    const r = await run([join(SEEDS_DIR, "yiyuan-2022.txt"), "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("计划：2022年沂源县政务公开重点工作任务分解表（2022 年），印发日期 2022-05-18");
    expect(r.out).toContain("任务：63 条");
    expect(r.out).toMatch(/长期 \/ 持续：\d+ 条/);
    expect(r.out).toContain("县直部门牵头清单：15 项");
    expect(r.out).toContain("沂源县XX局政务公开工作任务台账（示例）");
    expect(r.out).toContain("试运行（--dry-run）：没有写入任何数据。");
  });

  it("does not write a table whose unit names the database does not know yet", async () => {
    const r = await run([join(FIXTURES_DIR, "taian-2020.docx"), "--plan", "泰安2020"]);
    expect(r.code).toBe(4);
    expect(r.out).toContain("计划：泰安2020（2020 年）");
    expect(r.out).toMatch(/没有写入：\d+ 个单位名称在数据库里没有对应/);
  });

  it("--json prints the ParsedPlan", async () => {
    const r = await run([join(FIXTURES_DIR, "gaoqing-2020.xlsx"), "--json", "--year", "2020"]);
    const plan = JSON.parse(r.out);
    expect(plan.tasks).toHaveLength(119);
    expect(Object.keys(plan)).toEqual(expect.arrayContaining(["plan", "tasks", "unresolvedUnits", "skipped", "warnings"]));
    expect(Object.keys(plan.tasks[0])).toEqual(
      expect.arrayContaining(["seq", "category", "requirement", "leadUnits", "responsibleUnits", "deadline", "unitRefs", "contentKey"]),
    );
  });

  it("lists unresolved names against a unit directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-cli-"));
    const directory = join(dir, "units.json");
    writeFileSync(directory, JSON.stringify({ units: [{ id: "a", name: "县财政局", aliases: [] }], groups: [] }));
    const r = await run([join(FIXTURES_DIR, "unfamiliar.csv"), "--dry-run", "--columns", '{"事项":"category","内容描述":"requirement","主责部门":"units"}', "--directory", directory, "--year", "2024"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("未对应到单位目录的名称 3 个：县大数据局、县便民服务中心、县行政审批服务局");
  });

  it("reports bad files with the importer's message and a non-zero exit", async () => {
    const r = await run([join(FIXTURES_DIR, "bad-truncated.docx")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("导入失败：文件不是有效的 Word 文档（.docx），请用 Word 另存为 .docx 后重新发送。");
    const none = await run([join(FIXTURES_DIR, "unfamiliar.docx")]);
    expect(none.code).toBe(3);
    expect(none.out).toContain("无法识别的列名");
    expect((await run([])).code).toBe(64);
    expect((await run(["/nonexistent.docx"])).code).toBe(66);
  });

  it("validates arguments", () => {
    expect(parseArgs(["a.docx", "--year", "2022", "--dry-run"])).toMatchObject({ file: "a.docx", year: 2022, dryRun: true });
    expect(() => parseArgs(["a.docx", "--year", "22"])).toThrow("四位年份");
    expect(() => parseArgs(["a.docx", "--bogus"])).toThrow("未知参数");
  });
});
