/**
 * A table of our own making with headers and wording none of the seeds use
 * (编号 | 事项 | 内容描述 | 主责部门 | 协同部门 | 办结节点): the importer reports what it does not
 * recognise instead of guessing, and reads it once told what the columns mean.
 */
import { describe, expect, it } from "vitest";
import { parsePlan, type UnitDirectory } from "../../src/importer/index";
import { fixture } from "./helpers";

const MAPPING = { 事项: "category", 内容描述: "requirement", 主责部门: "units", 协同部门: "assist", 办结节点: "deadline" } as const;

describe("a table with unfamiliar headers", () => {
  for (const name of ["unfamiliar.docx", "unfamiliar.csv"]) {
    it(`${name}: skipped with the unknown column names, no tasks guessed`, async () => {
      const p = await parsePlan(fixture(name), name);
      expect(p.tasks).toEqual([]);
      expect(p.skipped).toHaveLength(1);
      expect(p.skipped[0].reason).toContain("无法识别的列名：事项、内容描述、主责部门、协同部门、办结节点");
      expect(p.skipped[0].reason).toContain("没有猜测");
      expect(p.tables[0].kind).toBe("no_header");
      expect(p.warnings).toContain("没有识别出任务分解表：文件中的表格都没有认出表头。");
    });
  }

  it("reads it with an explicit column mapping (by header text)", async () => {
    const p = await parsePlan(fixture("unfamiliar.docx"), "unfamiliar.docx", { columns: { ...MAPPING } });
    expect(p.plan).toEqual({ title: "2024年某县政务公开重点事项清单（自拟格式）", year: 2024 });
    expect(p.tables[0].headerConfidence).toBe(1);
    expect(p.tasks.map((t) => t.seq)).toEqual([1, 2, 3, 4]);
    const [a, b, c, d] = p.tasks;
    expect(a).toMatchObject({ category: ["数据开放"], responsibleUnits: ["县大数据局"], assistUnits: ["各社区"], deadlineText: "11月15日前" });
    expect(a.deadline).toMatchObject({ kind: "absolute", due: "2024-11-15" });
    // Merged 事项 and 主责部门 cells carry down in the Word file.
    expect(b).toMatchObject({ category: ["数据开放"], responsibleUnits: ["县大数据局"], assistUnits: ["相关街道"], unitsOpen: true });
    expect(b.unitRefs.at(-1)).toEqual({ text: "相关街道", kind: "unspecified", role: "assist" });
    expect(c).toMatchObject({ category: ["便民服务"], responsibleUnits: ["县便民服务中心", "县行政审批服务局"], assistUnits: ["县信访局"], unitsOpen: true });
    expect(d).toMatchObject({ category: ["便民服务"], responsibleUnits: ["县便民服务中心"], assistUnits: [], deadlineText: "按月" });
    expect(d.deadline.kind).toBe("recurring");
  });

  it("reads it with a mapping by column number, and with the year given", async () => {
    const p = await parsePlan(fixture("unfamiliar.csv"), "unfamiliar.csv", {
      columns: { "1": "category", "2": "requirement", "3": "units", "4": "assist", "5": "deadline" },
      year: 2024,
      title: "某县2024年重点事项",
    });
    expect(p.plan).toEqual({ title: "某县2024年重点事项", year: 2024 });
    expect(p.tasks).toHaveLength(4);
    // In a CSV an empty 主责部门 cell next to a filled 协同部门 cell stays empty (no merge information).
    expect(p.tasks[1].responsibleUnits).toEqual([]);
    expect(p.tasks[1].assistUnits).toEqual(["相关街道"]);
  });

  it("lists the names the unit directory does not know, never inventing units", async () => {
    const directory: UnitDirectory = {
      units: [
        { id: "spj", name: "县行政审批服务局", aliases: [] },
        { id: "xfj", name: "县信访局", aliases: [] },
      ],
      groups: [],
    };
    const p = await parsePlan(fixture("unfamiliar.docx"), "unfamiliar.docx", { columns: { ...MAPPING }, directory });
    expect(p.unresolvedUnits).toEqual(["县大数据局", "各社区", "相关街道", "县便民服务中心"]);
  });
});
