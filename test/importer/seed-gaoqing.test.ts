/**
 * 高青县2020年政务公开工作任务分解表 through every format. Expectations come from reading the
 * seed (gaoqing-2020.txt), not from the parser: 119 rows under the header, each with its own
 * 具体要求; three category levels under one 工作任务 header; unit cells merged down; categories
 * re-typed at page tops; a 抄送/印发 footer after the last row.
 */
import { describe, expect, it } from "vitest";
import { FORMATS, load, task } from "./helpers";

// Cells copied from the seed (lines 57, 68, 79): only 、 separates the names.
const CHOUCHA = "县发改局、县教体局、县科技局、县公安局、县人社局、县自然资源局、县住建局、县交通局、县农业农村局、县水利局、县文旅局、县卫健局、县应急局、县市场监管局、县执法局、县统计局、市生态环境局高青分局".split("、");
const XUKE = "县发改局、县教体局、县科技局、县工信局、县公安局、县司法局、县财政局、县人社局、县自然资源局、县住建局、县交通局、县水利局、县农业农村局、县文旅局、县卫健局、县退役军人局、县应急局、县行政审批局、县市场监管局、县综合执法局、市生态环境局高青分局、市医疗保障局高青分局".split("、");
const ZHIFA = "县发改局、县教体局、县科技局、县工信局、县公安局、县民政局、县司法局、县财政局、县人社局、县自然资源局、县住建局、县交通局、县水利局、县农业农村局、县文旅局、县卫健局、县退役军人局、县应急局、县审计局、县行政审批局、县市场监管局、县综合执法局、县统计局、县信访局、市生态环境局高青分局、市医疗保障局高青分局".split("、");
const ALL = ["各镇、街道、经济开发区", "县直各部门、单位"];

describe.each(FORMATS)("gaoqing-2020 (.%s)", (ext) => {
  it("finds the plan title, year and (where the footer survives) the issue date", async () => {
    const p = await load("gaoqing-2020", ext);
    expect(p.plan.title).toBe("高青县2020年政务公开工作任务分解表");
    expect(p.plan.year).toBe(2020);
    if (ext !== "csv") expect(p.plan.issuedOn).toBe("2020-07-31");
  });

  it("has 119 tasks, numbered by position", async () => {
    const p = await load("gaoqing-2020", ext);
    expect(p.tasks).toHaveLength(119);
    expect(p.tasks.map((t) => t.seq)).toEqual(Array.from({ length: 119 }, (_, i) => i + 1));
  });

  it("keeps the eight top-level categories, page-top re-typing merged", async () => {
    const p = await load("gaoqing-2020", ext);
    const tops = [...new Set(p.tasks.map((t) => t.category[0]))];
    expect(tops).toEqual([
      "行政权力配置信息公开",
      "政府信息全过程管理",
      "决策公开",
      "管理和服务公开",
      "执行和结果公开",
      "重点领域信息公开",
      "政策解读",
      "政务公开标准化规范化",
    ]);
  });

  it("carries merged unit cells down to the rows below", async () => {
    const p = await load("gaoqing-2020", ext);
    const first = task(p, "公开本部门权责清单");
    expect(first.category).toEqual(["行政权力配置信息公开"]);
    expect(first.responsibleUnits).toEqual(ALL);
    expect(first.leadUnits).toEqual([]);
    expect(task(p, "在政府网站政务公开版块中公开本部门单位职责").responsibleUnits).toEqual(ALL);
    expect(task(p, "编写本机关机构职能目录").responsibleUnits).toEqual(ALL);
    const chouqu = task(p, "公开抽取情况和抽查结果");
    expect(chouqu.category).toEqual(["管理和服务公开", "“双随机、一公开”监管", "抽查情况和查处结果"]);
    expect(chouqu.responsibleUnits).toEqual(CHOUCHA);
    expect(task(p, "公开专项审计报告").responsibleUnits).toEqual(["县审计局"]);
    expect(task(p, "公开年度扶贫资金项目计划安排").responsibleUnits).toEqual(["县扶贫办"]);
    expect(task(p, "公开职业教育基本信息").category).toEqual(["重点领域信息公开", "教育", "职业教育"]);
    expect(task(p, "公开职业教育基本信息").responsibleUnits).toEqual(["县教体局"]);
  });

  it("reads sibling categories of different depth (行政许可公示 / 行政处罚公示 / 行政执法公示 > 事前/事后公开)", async () => {
    const p = await load("gaoqing-2020", ext);
    const [xuke, chufa] = p.tasks.filter((t) => t.requirement === "在作出决定之日起7个工作日内通过县政府门户网站公示");
    expect(xuke.category).toEqual(["管理和服务公开", "行政许可公示"]);
    expect(chufa.category).toEqual(["管理和服务公开", "行政处罚公示"]);
    expect(xuke.responsibleUnits).toEqual(XUKE);
    expect(chufa.responsibleUnits).toEqual(XUKE);
    expect(xuke.deadline.kind).toBe("event_relative");
    expect(xuke.deadline.withinWorkdays).toBe(7);
    const shihou = task(p, "公开执法机关、执法对象、执法类别、执法结论");
    expect(shihou.category).toEqual(["管理和服务公开", "行政执法公示", "事后公开"]);
    expect(shihou.responsibleUnits).toEqual(ZHIFA);
    expect(task(p, "公开本单位服务指南、执法流程图").category).toEqual(["管理和服务公开", "行政执法公示", "事前公开"]);
    // A requirement cell spanning the third category column.
    const chanye = task(p, "产业兴县落实情况");
    expect(chanye.requirement).toBe("产业兴县落实情况");
    expect(chanye.category).toEqual(["执行和结果公开", "政府工作报告重点任务执行情况"]);
    expect(chanye.responsibleUnits).toHaveLength(20);
    expect(chanye.responsibleUnits.slice(0, 4)).toEqual(["经济开发区", "田镇街道", "青城镇", "花沟镇"]);
    expect(chanye.responsibleUnits.at(-1)).toBe("台湾工业园");
    const shenji = task(p, "公开2019年预算执行审计报告和其他财政收支情况");
    expect(shenji.category).toEqual(["执行和结果公开", "审计信息"]);
    expect(shenji.responsibleUnits).toEqual(["县审计局"]);
  });

  it("normalises the letter-spaced 教   育 label", async () => {
    const p = await load("gaoqing-2020", ext);
    expect(task(p, "公布本行政区域幼儿园布局建设规划").category).toEqual(["重点领域信息公开", "教育", "学前教育"]);
  });

  it("separates lead (X牵头) from responsible units, and marks descriptive / unspecified references", async () => {
    const p = await load("gaoqing-2020", ext);
    const zhengming = task(p, "对确需保留的证明事项实行清单管理");
    expect(zhengming.leadUnits).toEqual(["县司法局"]);
    expect(zhengming.responsibleUnits).toEqual(["县直各部门、单位"]);
    const guihua = task(p, "公开全县国民经济和社会发展规划");
    expect(guihua.leadUnits).toEqual(["县发改局", "县自然资源局", "县规划服务中心"]);
    expect(guihua.responsibleUnits).toEqual(ALL);
    const yuan = task(p, "公开突发公共事件应急预案");
    expect(yuan.leadUnits).toEqual(["县应急局"]);
    expect(yuan.unitRefs).toContainEqual({ text: "各有关部门、单位", kind: "unspecified", role: "responsible" });
    expect(yuan.unitsOpen).toBe(true);
    const juece = task(p, "公开决策草案、意见征集");
    expect(juece.unitRefs).toEqual([{ text: "重大政策决策承办单位", kind: "descriptive", role: "responsible" }]);
    expect(first(p.tasks).unitRefs).toEqual([
      { text: "各镇、街道、经济开发区", kind: "group", role: "responsible" },
      { text: "县直各部门、单位", kind: "group", role: "responsible" },
    ]);
  });

  it("reads deadlines written inside the requirements (no time column)", async () => {
    const p = await load("gaoqing-2020", ext);
    const paiwu = task(p, "是否于3月底前公开本行政区域内重点排污单位名录");
    expect(paiwu.deadline.kind).toBe("absolute");
    expect(paiwu.deadline.due).toBe("2020-03-31");
    expect(paiwu.deadlineSource).toBe("requirement");
    expect(paiwu.checklist).toBe(true);
    expect(task(p, "按月发布环境空气质量状况").deadline.kind).toBe("recurring");
    expect(task(p, "按季度向社会公开饮用水水源水质状况").deadline.kind).toBe("recurring");
    expect(task(p, "文件公开后3个工作日内发布相关解读材料").deadline).toMatchObject({ kind: "event_relative", withinWorkdays: 3 });
    const none = task(p, "公开规范性文件备案目录");
    expect(none.deadline.kind).toBe("unknown");
    expect(none.deadlineSource).toBe("none");
    expect(p.tasks.some((t) => t.deadlineText !== undefined)).toBe(false);
  });

  it("keeps the numbered list of a checklist cell and cuts the 抄送 footer off the last row", async () => {
    const p = await load("gaoqing-2020", ext);
    const zhinan = task(p, "公开指南是否包括：");
    expect(zhinan.requirement.split("\n")).toHaveLength(5);
    expect(zhinan.requirement).toContain("\n1.政府信息的分类、编排体系、获取方式；");
    expect(zhinan.requirement).toContain("\n4.监督与救济的机构名称");
    const last = p.tasks.at(-1)!;
    expect(last.requirement).toBe("公开指南后面是否有信息公开申请表和流程图");
    expect(last.responsibleUnits).toEqual(ALL);
    expect(p.tasks.some((t) => /^抄送|印发$|人民政府办公室/m.test(t.requirement))).toBe(false);
    if (ext !== "csv") expect(p.skipped.some((s) => s.what.includes("抄送") && s.reason.includes("落款"))).toBe(true);
  });

  it("gives repeated wording under different categories different content keys", async () => {
    const p = await load("gaoqing-2020", ext);
    const same = p.tasks.filter((t) => t.requirement === "公开执行措施、实施步骤、责任分工、监督方式");
    expect(same.map((t) => t.category[1])).toEqual(["民生实事项目执行情况", "年度重点工作执行情况"]);
    expect(same[0].contentKey).not.toBe(same[1].contentKey);
    expect(new Set(p.tasks.map((t) => t.contentKey)).size).toBe(119);
  });
});

function first<T>(xs: T[]): T {
  return xs[0];
}
