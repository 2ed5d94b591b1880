/**
 * 2022年沂源县政务公开工作方案 (yiyuan-2022.txt): a prose notice, then attachment 1 — 63 numbered
 * tasks with a 时限要求 column, one Word table per page with the header re-typed, a page number
 * (—13—) inside a cell — attachment 2 (a list of lead departments, not tasks), attachment 3 (a
 * blank ledger template) and a 抄送/印发 footer table. Expectations written from the seed.
 */
import { describe, expect, it } from "vitest";
import { FORMATS, load, task } from "./helpers";

describe.each(FORMATS)("yiyuan-2022 (.%s)", (ext) => {
  it("takes the title of attachment 1, the year and the issue date", async () => {
    const p = await load("yiyuan-2022", ext);
    expect(p.plan.title).toBe("2022年沂源县政务公开重点工作任务分解表");
    expect(p.plan.year).toBe(2022);
    if (ext !== "csv") expect(p.plan.issuedOn).toBe("2022-05-18");
  });

  it("has the 63 numbered tasks in order, once each", async () => {
    const p = await load("yiyuan-2022", ext);
    expect(p.tasks.map((t) => t.seq)).toEqual(Array.from({ length: 63 }, (_, i) => i + 1));
  });

  it("joins categories written a few characters per line", async () => {
    const p = await load("yiyuan-2022", ext);
    const bySeq = (n: number) => p.tasks.find((t) => t.seq === n)!;
    expect(bySeq(1).category).toEqual(["紧扣经济发展大局深化公开", "加强推动高质量发展信息公开"]);
    expect(bySeq(9).category).toEqual(["紧扣经济发展大局深化公开", "加强优化营商环境信息公开"]);
    expect(bySeq(14).category).toEqual(["紧扣维护社会和谐稳定深化公开", "精细化公开疫情防控信息"]);
    expect(bySeq(30).category).toEqual(["紧扣提高实效深化公开", "推进行政决策公开透明"]);
    expect(bySeq(45).category).toEqual(["紧扣夯实基础深化公开", "规范开展政府信息公开"]);
    expect(bySeq(58).category).toEqual(["紧扣夯实基础深化公开", "扎实推进基层政务公开"]);
    // 紧扣任务落实强化保障措施 spans both category columns.
    expect(bySeq(62).category).toEqual(["紧扣任务落实强化保障措施"]);
  });

  it("splits unit cells: run-together names, names broken across lines, lead vs responsible", async () => {
    const p = await load("yiyuan-2022", ext);
    const bySeq = (n: number) => p.tasks.find((t) => t.seq === n)!;
    expect(bySeq(1).unitRefs).toEqual([{ text: "源政办字〔2022〕2号文件确定的各项工作责任单位", kind: "descriptive", role: "responsible" }]);
    expect(bySeq(3).responsibleUnits).toEqual(["县财政局", "县税务局"]);
    expect(bySeq(4).leadUnits).toEqual(["县发展改革局"]);
    expect(bySeq(4).unitRefs).toContainEqual({ text: "有关职能部门", kind: "unspecified", role: "responsible" });
    expect(bySeq(4).unitsOpen).toBe(true);
    expect(bySeq(6).responsibleUnits).toEqual(["县科技局", "相关部门单位"]);
    expect(bySeq(7).responsibleUnits).toEqual(["县农业农村局", "县财政局", "有关部门单位"]);
    expect(bySeq(9).leadUnits).toEqual(["营商环境评价指标县牵头部门"]);
    expect(bySeq(9).unitRefs).toContainEqual({ text: "各职能部门", kind: "group", role: "responsible" });
    expect(bySeq(10).leadUnits).toEqual(["营商环境评价指标县牵头部门"]); // merged cell
    expect(bySeq(14).responsibleUnits).toEqual(["县委统筹疫情防控和经济运行工作领导小组（指挥部）办公室", "县卫生健康局"]);
    expect(bySeq(16).responsibleUnits).toEqual(bySeq(14).responsibleUnits);
    expect(bySeq(20).responsibleUnits).toEqual(["县人力资源社会保障局", "县退役军人局"]);
    expect(bySeq(21).responsibleUnits).toEqual(["县人力资源社会保障局", "市医疗保障局沂源分局"]);
    expect(bySeq(23).responsibleUnits).toEqual(["县民政局", "县应急局", "市医疗保障局沂源分局", "县教育和体育局", "县住房城乡建设局", "县人力资源社会保障局"]);
    expect(bySeq(29).responsibleUnits).toEqual(["县教育和体育局", "市生态环境局沂源分局", "县住房城乡建设局", "县水利局", "县交通运输局", "县卫生健康局"]);
    expect(bySeq(30).leadUnits).toEqual(["县司法局"]);
    expect(bySeq(30).unitRefs.filter((r) => r.role === "responsible")).toEqual([
      { text: "县政府重大行政决策承办部门单位", kind: "descriptive", role: "responsible" },
      { text: "县政府各部门", kind: "group", role: "responsible" },
    ]);
    expect(bySeq(33).leadUnits).toEqual(["县政府办公室"]);
    expect(bySeq(33).responsibleUnits).toEqual(["县政府各部门单位"]);
    expect(bySeq(34).unitRefs).toEqual([
      { text: "县司法局", kind: "unit", role: "lead" },
      { text: "行政规范性文件制定部门", kind: "descriptive", role: "responsible" },
    ]);
    expect(bySeq(36).responsibleUnits).toEqual(["县行政审批服务局", "县政府市民投诉中心"]);
    expect(bySeq(44).responsibleUnits).toEqual(["县互联网服务保障中心", "县政府各部门单位"]);
    expect(bySeq(49).responsibleUnits).toEqual(["各镇（街道、经济开发区）", "县政府各部门单位"]);
    expect(bySeq(51).responsibleUnits).toEqual(["县互联网服务保障中心", "县大数据中心"]);
    expect(bySeq(57).responsibleUnits).toEqual(["各镇（街道）", "县文化和旅游局", "县行政审批服务局", "县档案馆"]);
    expect(bySeq(60).responsibleUnits).toEqual(["各镇（街道）", "县财政局", "县农业农村局"]);
    expect(bySeq(63).responsibleUnits).toEqual(["各镇（街道、经济开发区）", "县政府各部门单位"]);
  });

  it("reads the 时限要求 column, merged cells carried within a page's table", async () => {
    const p = await load("yiyuan-2022", ext);
    const bySeq = (n: number) => p.tasks.find((t) => t.seq === n)!;
    const d = (n: number) => bySeq(n).deadlineText;
    expect(d(1)).toBe("按季度公开");
    expect(bySeq(1).deadline.kind).toBe("recurring");
    expect(bySeq(1).deadlineSource).toBe("column");
    expect(d(2)).toBe("信息形成或者变更之日起20个工作日内公开，行政处罚信息于处罚结果作出后7个工作日内公开。");
    expect(bySeq(2).deadline.kind).toBe("event_relative");
    expect(d(3)).toBe("长期坚持");
    expect(bySeq(3).deadline.kind).toBe("continuing");
    expect(d(6)).toBe("长期坚持"); // merged with 5
    expect(d(13)).toBe("动态调整");
    expect(d(15)).toBe("疫情防控期间");
    expect(bySeq(15).deadline.kind).toBe("window");
    expect(d(24)).toBe("长期落实推动校务公开工作，2022年8月底前县教育和体育局要明确并通过政府网站向社会公开适用主体清单，归集展示相关信息。");
    expect(bySeq(24).deadline.due).toBe("2022-08-31");
    expect(d(29)).toBe("长期公示");
    expect(d(33)).toBe("长期坚持");
    // A line broken inside a word ("…3个工" / "作日内公开") is joined.
    expect(d(38)).toBe("对行政规范性文件以及行政机关制发的对群众和企业权益产生影响的政策文件首次解读的，首次解读材料应于文件公开后3个工作日内公开，根据实际情况，适时开展政策施行后跟踪解读。");
    expect(d(39)).toBe("长期坚持");
    // Row 45 opens a new page table with an empty 时限 cell: nothing to carry.
    expect(d(45)).toBe("");
    expect(bySeq(45).deadlineSource).toBe("none");
    expect(d(47)).toBe("2022年年底前");
    expect(bySeq(47).deadline).toMatchObject({ kind: "absolute", due: "2022-12-31" });
    expect(d(48)).toBe("每年年底前");
    expect(bySeq(48).deadline.kind).toBe("recurring");
    expect(d(52)).toBe("市政府门户网站原则上2022年上半年完成改造，其他政府网站和政务新媒体2022年年底前基本完成改造。");
    expect(d(60)).toBe("年底前");
    expect(bySeq(60).deadline.due).toBe("2022-12-31");
    expect(d(62)).toBe("年底前");
    expect(d(63)).toBe("6月底前");
    expect(bySeq(63).deadline).toMatchObject({ kind: "absolute", due: "2022-06-30" });
    // The page number —13— is not part of row 39's 时限 cell.
    expect(p.tasks.some((t) => (t.deadlineText ?? "").includes("13"))).toBe(false);
  });

  it("reports attachments 2 and 3 as skipped, the lead list kept as lead information", async () => {
    const p = await load("yiyuan-2022", ext);
    if (ext === "csv") {
      // A CSV holds one sheet: the task table.
      expect(p.leadAssignments).toEqual([]);
      return;
    }
    const lead = p.skipped.find((s) => s.what.startsWith("县直部门牵头全县重点公开工作清单"));
    expect(lead?.what).toContain("15 项");
    expect(lead?.reason).toContain("不是新的任务");
    expect(p.skipped.some((s) => s.what.startsWith("沂源县XX局政务公开工作任务台账（示例）") && s.reason.includes("台账模板"))).toBe(true);
    expect(p.leadAssignments).toHaveLength(15);
    expect(p.leadAssignments[0]).toMatchObject({ unit: "县委编办", topic: "权责清单" });
    expect(p.leadAssignments.filter((a) => a.unit === "县政府督查室").map((a) => a.topic)).toEqual(["《政府工作报告》任务落实情况", "建议提案办理结果公开"]);
    expect(p.leadAssignments.filter((a) => a.unit === "县司法局")).toHaveLength(4);
    expect(p.leadAssignments.at(-1)).toMatchObject({ unit: "县市场监管局", topic: "“双随机、一公开”监管相关信息" });
    // Nothing from the attachments became a task.
    expect(p.tasks.some((t) => t.requirement.startsWith("指导、督促"))).toBe(false);
    expect(p.tasks.some((t) => t.requirement.startsWith("督促县司法局"))).toBe(false);
  });

  it("reports the repeated page headers and the page number (dump and Word)", async () => {
    const p = await load("yiyuan-2022", ext);
    if (ext === "txt" || ext === "docx") {
      expect(p.skipped.find((s) => s.what.startsWith("重复的表头行"))?.what).toBe("重复的表头行 11 行");
      expect(p.skipped.some((s) => s.what.includes("抄送"))).toBe(true);
    }
    expect(p.skipped.some((s) => s.what.startsWith("页码 —13—"))).toBe(true);
  });
});

describe("yiyuan-2022 requirement text", () => {
  it("keeps each numbered requirement whole", async () => {
    const p = await load("yiyuan-2022", "txt");
    expect(task(p, "各级、各部门单位年内组织政务公开通识培训不少于1次。").seq).toBe(62);
    expect(task(p, "对上一年度工作要点落实情况开展“回头看”，未完成的要依法整改。").seq).toBe(63);
    expect(task(p, "加强保障性租赁住房政策发布和解读").requirement).toBe(
      "加强保障性租赁住房政策发布和解读，主动公开城镇保障性安居工程规划建设方案、年度建设计划信息、建设计划完成情况和住房分配情况。",
    );
  });
});
