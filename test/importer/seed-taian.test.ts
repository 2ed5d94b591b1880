/**
 * 2020年泰安市政务公开重点工作任务分解表 (taian-2020.txt): 工作任务及要求 = two category levels and
 * the requirement; separate 牵头单位 and 责任单位 columns; 143 rows. Expectations from the seed.
 */
import { describe, expect, it } from "vitest";
import { FORMATS, load, task } from "./helpers";

const XIAN = "各县（市、区）";
const SHI_BUMEN = "市政府各部门（单位）";

describe.each(FORMATS)("taian-2020 (.%s)", (ext) => {
  it("has 143 tasks under six top-level categories", async () => {
    const p = await load("taian-2020", ext);
    expect(p.plan).toMatchObject({ title: "2020年泰安市政务公开重点工作任务分解表", year: 2020 });
    expect(p.tasks).toHaveLength(143);
    expect([...new Set(p.tasks.map((t) => t.category[0]))]).toEqual([
      "推进决策、执行、管理、服务和结果全过程公开",
      "聚焦中心工作和重点领域推进信息公开",
      "聚焦重大政策深度解读，及时回应社会关切",
      "推进基层政务公开标准化、规范化全覆盖",
      "强化政务信息管理和公开平台建设",
      "强化组织保障和基础工作",
    ]);
    expect(p.skipped).toEqual([]);
  });

  it("reads the 牵头单位 column as lead and the 责任单位 column as responsible", async () => {
    const p = await load("taian-2020", ext);
    const first = p.tasks[0];
    expect(first.category).toEqual(["推进决策、执行、管理、服务和结果全过程公开", "推进决策公开"]);
    expect(first.leadUnits).toEqual(["市司法局", XIAN]);
    expect(first.responsibleUnits).toEqual([SHI_BUMEN]);
    expect(first.unitRefs).toEqual([
      { text: "市司法局", kind: "unit", role: "lead" },
      { text: XIAN, kind: "group", role: "lead" },
      { text: SHI_BUMEN, kind: "group", role: "responsible" },
    ]);
    // Lead written, 责任单位 left empty: nothing is carried into the empty column.
    const second = task(p, "涉及公共利益和公众权益的重大事项");
    expect(second.leadUnits).toEqual([XIAN, SHI_BUMEN]);
    expect(second.responsibleUnits).toEqual([]);
    expect(task(p, "全面梳理编写公布各级政府行政机关机构职能目录")).toMatchObject({ leadUnits: ["市委编办"], responsibleUnits: [XIAN, SHI_BUMEN] });
    expect(task(p, "全面贯彻落实行政执法公示制度")).toMatchObject({ leadUnits: [SHI_BUMEN], responsibleUnits: [XIAN] });
    expect(task(p, "持续推进国资监管和国企改革信息公开")).toMatchObject({ leadUnits: ["市国资委"], responsibleUnits: [XIAN] });
    expect(task(p, "在政务服务大厅、便民服务中心等场所设立政务公开专区").leadUnits).toEqual([XIAN, "市行政审批服务局"]);
  });

  it("marks open lists (…等, 等相关部门) and unspecified subsets", async () => {
    const p = await load("taian-2020", ext);
    const haocha = task(p, "建立健全政务服务“好差评”制度");
    expect(haocha.leadUnits).toEqual([XIAN, "市行政审批服务局", "相关部门（单位）"]);
    expect(haocha.unitRefs[2]).toEqual({ text: "相关部门（单位）", kind: "unspecified", role: "lead" });
    expect(haocha.unitsOpen).toBe(true);
    const xinjiu = task(p, "推进新旧动能转换重大工程相关信息公开");
    expect(xinjiu.leadUnits).toEqual(["市发展改革委", "市工业和信息化局", "市自然资源和规划局", "市行政审批服务局"]);
    expect(xinjiu.unitsOpen).toBe(true);
    expect(xinjiu.responsibleUnits).toEqual([XIAN]);
    const xiangcun = task(p, "推进乡村振兴相关信息公开");
    expect(xiangcun.leadUnits.at(-1)).toBe("市供电公司");
    expect(xiangcun.leadUnits).toHaveLength(8);
    const yiwang = task(p, "做好政务服务“一网通办”");
    expect(yiwang.responsibleUnits).toEqual([XIAN, "市政府有关部门（单位）"]);
    expect(yiwang.unitRefs.at(-1)?.kind).toBe("unspecified");
    expect(task(p, "精简涉企经营许可事项").unitsOpen).toBe(false);
  });

  it("re-joins names broken across lines and keeps names as written", async () => {
    const p = await load("taian-2020", ext);
    expect(task(p, "构建以市公共资源交易电子服务平台为枢纽").leadUnits).toEqual(["市行政审批服务局", "市公共资源交易中心"]);
    expect(task(p, "重点公开征收土地信息").leadUnits).toEqual(["市自然资源和规划局"]);
    expect(task(p, "完善公共资源交易制度").leadUnits).toEqual(["市行政审批服务局", "市公共资源交易中心"]);
    // Missing 市 prefix kept as written (resolution is a separate step).
    expect(task(p, "重点公开批准结果信息").leadUnits).toEqual(["生态环境局", "市住房城乡建设局", "市水利局", "市行政审批服务局"]);
    expect(task(p, "完成IPV6升级改造").leadUnits).toEqual(["市大数据中心"]);
    const gaozhi = task(p, "推进教育领域信息公开，加大高职院校财务");
    expect(gaozhi.leadUnits).toEqual(["市教育局", "市卫生健康委"]);
    expect(gaozhi.responsibleUnits).toEqual(["泰山职业技术学院", "泰山护理职业学院", "山东服装职业学院"]);
    expect(task(p, "统筹抓好疫情防控和复工复产复学信息公开，加强").responsibleUnits).toEqual([XIAN, SHI_BUMEN]);
    expect(task(p, "政务公开工作人员要加强政策理论学习").responsibleUnits).toEqual([XIAN, SHI_BUMEN]);
  });

  it("handles a requirement that spans the second category column", async () => {
    const p = await load("taian-2020", ext);
    const t = task(p, "各县（市、区）、各市直部门要在政府网站等公开平台主动公开2020年重点任务公开承诺事项");
    expect(t.category).toEqual(["聚焦中心工作和重点领域推进信息公开"]);
    expect(t.leadUnits).toEqual([]);
    expect(t.responsibleUnits).toEqual([SHI_BUMEN, XIAN]);
    // The next row has its second-level category again.
    expect(task(p, "继续推进财政预决算信息公开").category).toEqual(["聚焦中心工作和重点领域推进信息公开", "持续做好重点领域信息公开"]);
  });

  it("finds deadlines inside requirements", async () => {
    const p = await load("taian-2020", ext);
    const biaozhun = task(p, "对照国务院部门制定的26个试点领域标准指引");
    expect(biaozhun.deadline).toMatchObject({ kind: "absolute", due: "2020-12-31" });
    expect(biaozhun.deadlineSource).toBe("requirement");
    expect(task(p, "以县（市、区）为单位每季度梳理涉企政策").deadline.kind).toBe("recurring");
    expect(task(p, "推进食品药品安全领域信息公开，责令").deadline.kind).toBe("event_relative");
    expect(task(p, "做好审计发现问题及整改落实情况的公开").deadline.kind).toBe("unknown");
  });
});
