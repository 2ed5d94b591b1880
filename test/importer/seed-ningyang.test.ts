/**
 * 2018年宁阳县政务公开重点工作任务分解表 (ningyang-2018.txt): 185 rows, of which 11 are group
 * annotations (公开渠道：/公开时限：/通过…等载体和方式公开/以上内容…) that carry the SLA of their
 * group; many tasks share one merged unit cell. Expectations from reading the seed.
 */
import { describe, expect, it } from "vitest";
import { FORMATS, load, task, tasks } from "./helpers";

const XIANG = ["各乡镇（街道）", "宁阳经济开发区"];
const ALL = ["各乡镇（街道）", "宁阳经济开发区", "环城科技产业园", "县政府各部门（单位）"];

describe.each(FORMATS)("ningyang-2018 (.%s)", (ext) => {
  it("has 174 tasks; the 11 annotation rows are not tasks", async () => {
    const p = await load("ningyang-2018", ext);
    expect(p.plan).toMatchObject({ title: "2018年宁阳县政务公开重点工作任务分解表", year: 2018 });
    expect(p.tasks).toHaveLength(174);
    expect(p.tasks.some((t) => /^(公开渠道|公开时限)[:：]/.test(t.requirement))).toBe(false);
    expect(p.tasks.some((t) => t.requirement.startsWith("以上内容"))).toBe(false);
    expect(p.tasks.some((t) => t.requirement.startsWith("通过政府门户网站"))).toBe(false);
    expect(p.skipped.find((s) => s.what.startsWith("公开渠道 / 公开时限说明行"))?.what).toContain("11 行");
  });

  it("gives every task of a merged unit cell those units", async () => {
    const p = await load("ningyang-2018", ext);
    expect(p.tasks[0]).toMatchObject({ leadUnits: ["县农工办", "县农业局"], responsibleUnits: XIANG });
    expect(task(p, "及时公开关于《山东省乡村振兴战略规划").leadUnits).toEqual(["县农工办", "县农业局"]);
    expect(task(p, "深入解读“三农”政策").leadUnits).toEqual(["县农业局", "县粮食局", "县经管办"]);
    expect(task(p, "及时公开落实《山东省新旧动能转换重大工程实施规划》").leadUnits).toEqual(["县发改局", "县经信局"]);
    expect(task(p, "围绕防范化解重大风险推进公开").leadUnits).toEqual(["县财政局", "县金融办", "县银监办", "人行宁阳县支行"]);
    // 县环保局 / 各乡镇… merged over seven rows.
    const huanbao = p.tasks.filter((t) => t.leadUnits.join() === "县环保局");
    expect(huanbao).toHaveLength(7);
    expect(huanbao.every((t) => t.responsibleUnits.join() === XIANG.join())).toBe(true);
    expect(task(p, "按月发布全县环境空气质量状况信息").leadUnits).toEqual(["县环保局"]);
    // 县政府办公室 over the whole 推进政府会议公开 / 政策执行 / 建议提案 blocks.
    expect(task(p, "建议和提案办理结果公开情况，要作为政府信息公开工作年度报告的内容").leadUnits).toEqual(["县政府办公室"]);
    expect(task(p, "建议和提案办理结果公开情况，要作为").responsibleUnits).toEqual(ALL);
    // A lead written with the 责任单位 cell empty: the empty cell stays empty.
    expect(task(p, "深入推进化工产业安全生产转型升级")).toMatchObject({ leadUnits: ["县经信局"], responsibleUnits: [] });
    expect(task(p, "充分发挥政务微博、微信、移动客户端")).toMatchObject({ leadUnits: ALL, responsibleUnits: [] });
    expect(task(p, "加强“两微一端”日常监管和维护").leadUnits).toEqual(ALL);
  });

  it("re-joins unit names broken over empty lines", async () => {
    const p = await load("ningyang-2018", ext);
    expect(task(p, "重点公开国有产权交易").leadUnits).toEqual(["县公共资源交易中心"]);
    expect(task(p, "加强我县实体政务大厅建设管理").leadUnits).toEqual(["县政务服务中心管理办公室"]);
    const bumen = task(p, "县政府各部门（单位）要摸清并公开本行业");
    expect(bumen.unitRefs[0]).toEqual({ text: "县政府各部门（单位）", kind: "group", role: "lead" });
    expect(task(p, "各级各部门要制定政策解读制度").leadUnits).toEqual(["县政府办公室", "县新闻中心"]);
    expect(task(p, "充分运用政府网站设立政府和社会资本合作").responsibleUnits).toEqual(XIANG); // written with ，
    expect(task(p, "全面实施“双随机、一公开”监管").unitRefs[0]).toEqual({ text: "县政府有关部门（单位）", kind: "unspecified", role: "lead" });
  });

  it("attaches 公开渠道 / 公开时限 rows to every task of their category", async () => {
    const p = await load("ningyang-2018", ext);
    const group = p.tasks.filter((t) => t.category[1] === "推进重大建设项目批准和实施领域信息公开");
    expect(group).toHaveLength(9);
    for (const t of group) {
      expect(t.sla.map((n) => n.kind)).toEqual(["channel", "time_limit"]);
      expect(t.sla[0].text.startsWith("公开渠道：政府门户网站、公共资源交易平台")).toBe(true);
    }
    // The intro row has no units and no deadline of its own: the 公开时限 row gives it one.
    const intro = group[0];
    expect(intro.requirement.startsWith("按照国务院、省政府有关文件要求")).toBe(true);
    expect(intro.unitRefs).toEqual([]);
    expect(intro.deadlineSource).toBe("annotation");
    expect(intro.deadline.kind).toBe("event_relative");
    expect(p.warnings.some((w) => w.includes("任务没有责任单位"))).toBe(true);
    const ziyuan = p.tasks.filter((t) => t.category[1] === "推进公共资源配置领域信息公开");
    expect(ziyuan).toHaveLength(7);
    expect(ziyuan.every((t) => t.sla.length === 2)).toBe(true);
  });

  it("attaches unlabelled annotations (通过…载体和方式公开 / 以上内容) to the group of the unit cell above", async () => {
    const p = await load("ningyang-2018", ext);
    const fupin = [task(p, "围绕脱贫攻坚推进公开"), task(p, "向特定区域特定群体公开贫困识别"), task(p, "乡镇政府和行政村按照动态调整管理办法")];
    for (const t of fupin) expect(t.sla.map((n) => n.text.slice(0, 8))).toEqual(["以上内容除依法应"]);
    expect(fupin[0].deadlineSource).toBe("annotation");
    expect(task(p, "围绕防范化解重大风险推进公开").sla).toEqual([]);
    expect(task(p, "围绕污染防治推进公开").sla).toEqual([]);
    // 社会救助: two tasks; the earlier groups of the same category get nothing.
    expect(task(p, "推进社会救助和社会福利领域信息公开").sla[0].text.startsWith("通过政府门户网站、手机短信、公告栏等载体和方式公开")).toBe(true);
    expect(task(p, "扎实开展城乡低保县、乡、村四三级公示").sla).toHaveLength(1);
    expect(task(p, "做好社会公益事业建设领域重大决策公开力度").sla).toEqual([]);
    expect(task(p, "开展社会公益事业建设评估").sla).toEqual([]);
    // 教育: six tasks, the same units re-typed at the top of a page.
    const jiaoyu = p.tasks.filter((t) => t.leadUnits.join() === "县教育局,县卫计局,县人社局");
    expect(jiaoyu).toHaveLength(6);
    expect(jiaoyu.every((t) => t.sla.length === 1 && t.sla[0].text.startsWith("通过政府门户网站、政务微博、政务微信"))).toBe(true);
    expect(task(p, "持续推进义务教育招生入学信息公开").deadline.kind).toBe("recurring"); // its own 每年7月底前
    // 医疗卫生, 公共文化体育 (annotation at a page top), 食品药品, 灾害事故救援.
    expect(p.tasks.filter((t) => t.leadUnits.join() === "县卫计局" && t.sla.length === 1)).toHaveLength(5);
    expect(p.tasks.filter((t) => t.leadUnits.join() === "县民政局,县文广新局,县体育局" && t.sla.length === 1)).toHaveLength(3);
    expect(p.tasks.filter((t) => t.leadUnits.join() === "县食药监局" && t.sla.length === 1)).toHaveLength(5);
    expect(p.tasks.filter((t) => t.leadUnits[0] === "县公安局" && t.sla.length === 1)).toHaveLength(2);
    expect(task(p, "责令食品药品生产经营者召回").deadline).toMatchObject({ kind: "event_relative", withinHours: 24 });
  });

  it("does not carry units into a category's intro row after an annotation block", async () => {
    const p = await load("ningyang-2018", ext);
    const intros = tasks(p, "按照国务院、省政府有关文件要求");
    expect(intros).toHaveLength(3);
    for (const t of intros) expect(t.unitRefs).toEqual([]);
  });

  it("reads the last rows (units carried, a calendar-day deadline)", async () => {
    const p = await load("ningyang-2018", ext);
    const last = p.tasks.at(-1)!;
    expect(last.requirement.startsWith("各乡镇（街道）各部门要结合实际")).toBe(true);
    expect(last.leadUnits).toEqual(ALL);
    expect(last.deadline).toMatchObject({ kind: "event_relative", withinDays: 30 });
  });
});
