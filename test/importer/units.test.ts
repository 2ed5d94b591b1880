/** Unit cells → references; aliases, canonical keys and resolution against a directory. */
import { describe, expect, it } from "vitest";
import { parseUnitCell, joinUnitLines, splitRunTogether, classifyUnitName } from "../../src/importer/units";
import { canonicalKey, resolveUnits } from "../../src/importer/aliases";
import type { UnitDirectory, UnitRef } from "../../src/importer/types";

const texts = (cell: string, role?: "lead" | "responsible") => parseUnitCell(cell, role).refs.map((r) => r.text);
const refs = (cell: string, role?: "lead" | "responsible") => parseUnitCell(cell, role).refs.map((r) => `${r.text}/${r.kind}/${r.role}`);

describe("splitting unit cells", () => {
  it("splits on 、 ， spaces and newlines, but not inside brackets", () => {
    expect(texts("县财政局、县税务局")).toEqual(["县财政局", "县税务局"]);
    expect(texts("县财政局\n县税务局")).toEqual(["县财政局", "县税务局"]);
    expect(texts("县财政局 县税务局")).toEqual(["县财政局", "县税务局"]);
    expect(texts("各县（市、区）、市政府各部门（单位）")).toEqual(["各县（市、区）", "市政府各部门（单位）"]);
    expect(texts("各镇（街道、经济开发区）")).toEqual(["各镇（街道、经济开发区）"]);
  });

  it("splits names that run together without a separator", () => {
    expect(texts("县人力资源社会保障局县退役军人局")).toEqual(["县人力资源社会保障局", "县退役军人局"]);
    expect(texts("县人力资源社会保障局市医疗保障局沂源分局")).toEqual(["县人力资源社会保障局", "市医疗保障局沂源分局"]);
    expect(texts("各镇（街道、经济开发区）县政府各部门单位")).toEqual(["各镇（街道、经济开发区）", "县政府各部门单位"]);
    expect(splitRunTogether("县行政审批服务局县档案馆")).toEqual(["县行政审批服务局", "县档案馆"]);
    // Not inside a name: 县城…, 市场…, 人行宁阳县支行.
    expect(splitRunTogether("县城市管理局")).toEqual(["县城市管理局"]);
    expect(splitRunTogether("市市场监管局")).toEqual(["市市场监管局"]);
    expect(texts("人行宁阳县支行")).toEqual(["人行宁阳县支行"]);
  });

  it("joins names broken across lines", () => {
    expect(joinUnitLines("市生态环境局沂源分\n局县住房城乡建设局")).toBe("市生态环境局沂源分局县住房城乡建设局");
    expect(texts("县教育和体育局\n市生态环境局沂源分\n局县住房城乡建设局\n县水利局")).toEqual([
      "县教育和体育局",
      "市生态环境局沂源分局",
      "县住房城乡建设局",
      "县水利局",
    ]);
    expect(texts("市自然资源和\n规划局")).toEqual(["市自然资源和规划局"]);
    expect(texts("县公共资源交易\n\n中心")).toEqual(["县公共资源交易中心"]);
    expect(texts("县政务服务中心\n\n管理办公室")).toEqual(["县政务服务中心管理办公室"]);
    expect(texts("县政府各部门\n\n（单位）")).toEqual(["县政府各部门（单位）"]);
    expect(texts("市行政审批服务局、\n市公共资源交易中心")).toEqual(["市行政审批服务局", "市公共资源交易中心"]);
  });

  it("drops stray separators and open-list markers", () => {
    const r = parseUnitCell("县文旅局、等部门");
    expect(r.refs.map((x) => x.text)).toEqual(["县文旅局"]);
    expect(r.open).toBe(true);
    expect(texts("、县财政局、、县审计局、")).toEqual(["县财政局", "县审计局"]);
    const etc = parseUnitCell("市商务局、市文化和旅游局等");
    expect(etc.refs.map((x) => x.text)).toEqual(["市商务局", "市文化和旅游局"]);
    expect(etc.open).toBe(true);
    expect(parseUnitCell("县财政局、县审计局").open).toBe(false);
  });

  it("reads roles: X牵头，Y(具体)落实 / 牵头单位：X / …配合", () => {
    expect(refs("县司法局牵头，县直各部门、单位")).toEqual(["县司法局/unit/lead", "县直各部门、单位/group/responsible"]);
    expect(refs("县发展改革局牵头，有关职能部门落实")).toEqual(["县发展改革局/unit/lead", "有关职能部门/unspecified/responsible"]);
    expect(refs("县司法局牵头，行政规范性文件制定部门具体落实")).toEqual(["县司法局/unit/lead", "行政规范性文件制定部门/descriptive/responsible"]);
    expect(refs("县司法局牵头，县政府重大行政决策承办部门单位具体落实县政府重大行政决策公开相关工作，县政府各部门负责做好本单位重大行政决策相关公开工作")).toEqual([
      "县司法局/unit/lead",
      "县政府重大行政决策承办部门单位/descriptive/responsible",
      "县政府各部门/group/responsible",
    ]);
    expect(refs("营商环境评价指标县牵头部门牵头，各职能部门落实")).toEqual(["营商环境评价指标县牵头部门/descriptive/lead", "各职能部门/group/responsible"]);
    expect(refs("牵头单位：县财政局")).toEqual(["县财政局/unit/lead"]);
    expect(refs("县财政局牵头，县教育局配合")).toEqual(["县财政局/unit/lead", "县教育局/unit/assist"]);
    const fenbie = parseUnitCell("县发改局、县住建局等部门按职责分工分别牵头落实");
    expect(fenbie.refs.map((r) => `${r.text}/${r.role}`)).toEqual(["县发改局/lead", "县住建局/lead"]);
    expect(fenbie.open).toBe(true);
    // A 牵头单位 column makes every name a lead.
    expect(refs("市司法局、各县（市、区）", "lead")).toEqual(["市司法局/unit/lead", "各县（市、区）/group/lead"]);
    expect(refs("县发改局、县自然资源局、县规划服务中心牵头，各镇、街道、经济开发区，县直各部门、单位")).toEqual([
      "县发改局/unit/lead",
      "县自然资源局/unit/lead",
      "县规划服务中心/unit/lead",
      "各镇、街道、经济开发区/group/responsible",
      "县直各部门、单位/group/responsible",
    ]);
  });

  it("tells groups (各X), unspecified subsets (有关/相关X) and descriptive references apart", () => {
    expect(refs("各镇、街道、经济开发区，县直各部门、单位")).toEqual(["各镇、街道、经济开发区/group/responsible", "县直各部门、单位/group/responsible"]);
    expect(refs("县政府各部门（单位）")).toEqual(["县政府各部门（单位）/group/responsible"]);
    expect(refs("各乡镇（街道）、宁阳经济开发区")).toEqual(["各乡镇（街道）/group/responsible", "宁阳经济开发区/unit/responsible"]);
    expect(refs("各县（市、区）")).toEqual(["各县（市、区）/group/responsible"]);
    expect(refs("有关职能部门")).toEqual(["有关职能部门/unspecified/responsible"]);
    expect(refs("县科技局及相关部门单位")).toEqual(["县科技局/unit/responsible", "相关部门单位/unspecified/responsible"]);
    expect(refs("县农业农村局、县财政局及有关部门单位")).toEqual(["县农业农村局/unit/responsible", "县财政局/unit/responsible", "有关部门单位/unspecified/responsible"]);
    expect(refs("重大政策决策承办单位")).toEqual(["重大政策决策承办单位/descriptive/responsible"]);
    expect(refs("源政办字〔2022〕2号文件确定的各项工作责任单位")).toEqual(["源政办字〔2022〕2号文件确定的各项工作责任单位/descriptive/responsible"]);
    expect(classifyUnitName("县委统筹疫情防控和经济运行工作领导小组（指挥部）办公室")).toBe("unit");
    expect(classifyUnitName("县交警大队")).toBe("unit");
    expect(classifyUnitName("泰山职业技术学院")).toBe("unit");
  });
});

describe("aliases and resolution", () => {
  it("gives spellings of one body the same key", () => {
    expect(canonicalKey("县发改局")).toBe(canonicalKey("县发展改革局"));
    expect(canonicalKey("县发展和改革局")).toBe(canonicalKey("县发改局"));
    expect(canonicalKey("县住建局")).toBe(canonicalKey("县住房城乡建设局"));
    expect(canonicalKey("县卫健局")).toBe(canonicalKey("县卫生健康局"));
    expect(canonicalKey("县人社局")).toBe(canonicalKey("县人力资源社会保障局"));
    expect(canonicalKey("县教体局")).toBe(canonicalKey("县教育和体育局"));
    expect(canonicalKey("县文旅局")).toBe(canonicalKey("县文化和旅游局"));
    expect(canonicalKey("县交通局")).toBe(canonicalKey("县交通运输局"));
    expect(canonicalKey("县应急局")).toBe(canonicalKey("县应急管理局"));
    expect(canonicalKey("县行政审批局")).toBe(canonicalKey("县行政审批服务局"));
    expect(canonicalKey("县执法局")).toBe(canonicalKey("县综合行政执法局"));
    expect(canonicalKey("县综合执法局")).toBe(canonicalKey("县综合行政执法局"));
    expect(canonicalKey("县退役军人局")).toBe(canonicalKey("县退役军人事务局"));
    expect(canonicalKey("县编办")).toBe(canonicalKey("县委编办"));
    expect(canonicalKey("县政府各部门（单位）")).toBe(canonicalKey("县政府各部门单位"));
    expect(canonicalKey("各镇（街道、经济开发区）")).toBe(canonicalKey("各镇、街道、经济开发区"));
    // Different levels and different bodies stay apart; renamed agencies are not aliases.
    expect(canonicalKey("县发改局")).not.toBe(canonicalKey("市发改局"));
    expect(canonicalKey("县卫计局")).not.toBe(canonicalKey("县卫健局"));
    expect(canonicalKey("县国土局")).not.toBe(canonicalKey("县自然资源局"));
  });

  const directory: UnitDirectory = {
    units: [
      { id: "fgj", name: "县发展和改革局", aliases: [] },
      { id: "wjj", name: "县卫生健康局", aliases: [] },
      { id: "zrzy", name: "县自然资源局", aliases: [] },
      { id: "tjj", name: "县统计局", aliases: [] },
      { id: "sthj", name: "市生态环境局高青分局", aliases: ["高青生态环境分局"] },
      { id: "sfj", name: "县司法局", aliases: [] },
      { id: "jkq", name: "高青经济开发区", aliases: ["经济开发区"] },
      { id: "tz", name: "田镇街道", aliases: ["田镇街道办"] },
      { id: "qc", name: "青城镇", aliases: [] },
    ],
    groups: [
      { id: "towns", name: "镇街道和开发区", expressions: ["各镇（街道、经济开发区）"], memberIds: ["jkq", "tz", "qc"] },
      { id: "depts", name: "县直部门", expressions: ["县直各部门、单位", "县政府各部门（单位）"], memberIds: ["fgj", "wjj", "zrzy", "tjj", "sfj"] },
    ],
  };
  const ref = (text: string, kind: UnitRef["kind"] = "unit"): UnitRef => ({ text, kind, role: "responsible" });

  it("resolves names, aliases, renamed agencies, missing prefixes and group expressions", () => {
    const r = resolveUnits(
      [
        ref("县发改局"),
        ref("县发展改革局"),
        ref("县发展和改革局"),
        ref("县卫计局"),
        ref("县国土局"),
        ref("县环保局"),
        ref("统计局"),
        ref("田镇街道办"),
        ref("各镇、街道、经济开发区", "group"),
        ref("县政府各部门单位", "group"),
      ],
      directory,
    );
    const by = Object.fromEntries(r.resolved.map((x) => [x.ref.text, x]));
    expect(by["县发改局"]).toMatchObject({ unitIds: ["fgj"], matchedBy: "alias" });
    expect(by["县发展改革局"]).toMatchObject({ unitIds: ["fgj"], matchedBy: "alias" });
    expect(by["县发展和改革局"]).toMatchObject({ unitIds: ["fgj"], matchedBy: "exact" });
    expect(by["县卫计局"]).toMatchObject({ unitIds: ["wjj"], matchedBy: "renamed" });
    expect(by["县国土局"]).toMatchObject({ unitIds: ["zrzy"], matchedBy: "renamed" });
    expect(by["县环保局"]).toMatchObject({ unitIds: ["sthj"], matchedBy: "renamed" });
    expect(by["统计局"]).toMatchObject({ unitIds: ["tjj"], matchedBy: "prefix" });
    expect(by["田镇街道办"]).toMatchObject({ unitIds: ["tz"] });
    expect(by["各镇、街道、经济开发区"]).toMatchObject({ unitIds: ["jkq", "tz", "qc"], matchedBy: "group" });
    expect(by["县政府各部门单位"].unitIds).toHaveLength(5);
    expect(r.unresolved).toEqual([]);
  });

  it("lists unknown names, unspecified subsets and descriptive references instead of guessing", () => {
    const r = resolveUnits(
      [ref("县大数据局"), ref("有关职能部门", "unspecified"), ref("重大政策决策承办单位", "descriptive"), ref("县大数据局"), ref("各社区", "group")],
      directory,
    );
    expect(r.resolved).toEqual([]);
    expect(r.unresolved).toEqual(["县大数据局", "有关职能部门", "重大政策决策承办单位", "各社区"]);
  });

  it("resolves a descriptive reference only when the admin wrote it into a group", () => {
    const d: UnitDirectory = { ...directory, groups: [...directory.groups, { id: "zbdw", name: "重大政策决策承办单位", expressions: [], memberIds: ["sfj"] }] };
    const r = resolveUnits([ref("重大政策决策承办单位", "descriptive")], d);
    expect(r.resolved[0]).toMatchObject({ unitIds: ["sfj"], matchedBy: "group" });
  });
});
