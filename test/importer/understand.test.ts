/** Table understanding on small tables of our own: section rows, header variants, repeated headers. */
import { describe, expect, it } from "vitest";
import { zipSync, strToU8 } from "fflate";
import { parsePlan } from "../../src/importer/index";

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const p = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const tc = (text: string, pr = "") => `<w:tc>${pr ? `<w:tcPr>${pr}</w:tcPr>` : ""}${text.split("\n").map(p).join("")}</w:tc>`;
const tr = (cells: string, header = false) => `<w:tr>${header ? "<w:trPr><w:tblHeader/></w:trPr>" : ""}${cells}</w:tr>`;
const docx = (body: string) =>
  zipSync({ "word/document.xml": strToU8(`<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`) });

describe("understanding tables", () => {
  it("uses full-width rows as section headings and skips rows marked as repeated headers", async () => {
    const body =
      p("2024年某县政务公开重点工作任务分解表") +
      `<w:tbl>` +
      tr(tc("序号") + tc("工作任务") + tc("完成时限") + tc("牵头单位") + tc("配合单位"), true) +
      tr(tc("一、推进决策公开", '<w:gridSpan w:val="5"/>')) +
      tr(tc("1") + tc("公开重大行政决策事项目录。") + tc("3月底前") + tc("县司法局") + tc("县直各部门")) +
      tr(tc("2") + tc("公开决策草案。") + tc("", "<w:vMerge/>") + tc("县发改局") + tc("")) +
      tr(tc("序号") + tc("工作任务") + tc("完成时限") + tc("牵头单位") + tc("配合单位"), true) +
      tr(tc("二、强化保障", '<w:gridSpan w:val="5"/>')) +
      tr(tc("3") + tc("各镇街道年内组织培训不少于1次。") + tc("年底前") + tc("县政府办公室") + tc("各镇、街道")) +
      `</w:tbl>`;
    const plan = await parsePlan(docx(body), "t.docx");
    expect(plan.plan).toEqual({ title: "2024年某县政务公开重点工作任务分解表", year: 2024 });
    expect(plan.tasks.map((t) => [t.seq, t.category, t.requirement])).toEqual([
      [1, ["一、推进决策公开"], "公开重大行政决策事项目录。"],
      [2, ["一、推进决策公开"], "公开决策草案。"],
      [3, ["二、强化保障"], "各镇街道年内组织培训不少于1次。"],
    ]);
    // 工作任务 without a separate requirement column is the requirement itself.
    expect(plan.tables[0].columns?.map((c) => c.role)).toEqual(["seq", "requirement", "deadline", "lead", "assist"]);
    expect(plan.tasks[0]).toMatchObject({ leadUnits: ["县司法局"], assistUnits: ["县直各部门"], deadlineText: "3月底前" });
    expect(plan.tasks[0].deadline.due).toBe("2024-03-31");
    // A vertically merged 时限 cell continues; an empty 配合单位 cell stays empty.
    expect(plan.tasks[1]).toMatchObject({ leadUnits: ["县发改局"], assistUnits: [], deadlineText: "3月底前" });
    expect(plan.tasks[2].assistUnits).toEqual(["各镇、街道"]);
    expect(plan.skipped.find((s) => s.what.startsWith("重复的表头行"))?.what).toBe("重复的表头行 1 行");
  });

  it("recognises other header wordings and warns about columns it cannot place", async () => {
    const body =
      p("附件") +
      p("某县2023年政务公开工作要点任务清单") +
      `<w:tbl>` +
      tr(tc("序号") + tc("公开目录") + tc("具体内容") + tc("责任主体") + tc("完成期限") + tc("联络员")) +
      tr(tc("1") + tc("财政信息") + tc("公开部门预算。") + tc("县财政局牵头，各部门配合") + tc("每年预算批复后20日内") + tc("张三")) +
      `</w:tbl>`;
    const plan = await parsePlan(docx(body), "t.docx");
    expect(plan.plan).toEqual({ title: "某县2023年政务公开工作要点任务清单", year: 2023 });
    expect(plan.tables[0].headerConfidence).toBeCloseTo(5 / 6);
    expect(plan.warnings.some((w) => w.includes("未识别的列（联络员）"))).toBe(true);
    const [t] = plan.tasks;
    expect(t).toMatchObject({ category: ["财政信息"], requirement: "公开部门预算。", leadUnits: ["县财政局"], assistUnits: ["各部门"] });
    expect(t.unitRefs.at(-1)).toEqual({ text: "各部门", kind: "group", role: "assist" });
  });

  it("takes the year from options when the title has none, and says so when nothing gives one", async () => {
    const body = `<w:tbl>${tr(tc("工作任务") + tc("具体要求") + tc("责任单位"))}${tr(tc("公开") + tc("公开年报，3月底前完成。") + tc("县政府办公室"))}</w:tbl>`;
    const withYear = await parsePlan(docx(body), "任务表.docx", { year: 2025, title: "2025年任务" });
    expect(withYear.plan).toEqual({ title: "2025年任务", year: 2025 });
    expect(withYear.tasks[0].deadline.due).toBe("2025-03-31");
    const without = await parsePlan(docx(body), "任务表.docx");
    expect(without.plan).toEqual({ title: "任务表", year: null });
    expect(without.warnings.some((w) => w.includes("--year"))).toBe(true);
  });
});

describe("text boxes", () => {
  it("reads a one-cell table holding the title as a paragraph, not as a skipped table", async () => {
    const body =
      `<w:tbl>${tr(tc("附件1\n2021年某县政务公开重点工作任务分解表"))}</w:tbl>` +
      `<w:tbl>${tr(tc("工作任务") + tc("具体要求") + tc("责任单位"))}${tr(tc("公开") + tc("公开年报。") + tc("县政府办公室"))}</w:tbl>`;
    const plan = await parsePlan(docx(body), "t.docx");
    expect(plan.plan).toEqual({ title: "2021年某县政务公开重点工作任务分解表", year: 2021 });
    expect(plan.tables.map((t) => t.kind)).toEqual(["text_box", "tasks"]);
    expect(plan.skipped).toEqual([]);
    expect(plan.tasks).toHaveLength(1);
  });
});
