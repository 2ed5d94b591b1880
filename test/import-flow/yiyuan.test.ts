/**
 * 2022年沂源县政务公开重点工作任务分解表 (yiyuan-2022.docx), end to end through signed, encrypted
 * events, downloads from the Lark emulator and a real libSQL file: preview → settle unknown names
 * (新建表中单位, 新单位, 单位组, 映射) → 确认导入 from the card button → a liaison's 我的任务; then a
 * corrected table (the .xlsx edited the way an office would) re-imported over it, keeping progress.
 *
 * Expectations come from reading the seed (test/fixtures/seeds/yiyuan-2022.txt): 63 numbered tasks;
 * task 1 "按照县政府办公室《关于认真落实…》…各责任单位定期公开《政府工作报告》各项任务进展情况" with
 * 责任单位 "源政办字〔2022〕2号文件确定的各项工作责任单位" and 时限 "按季度公开"; 县大数据中心 is named
 * in tasks 51, 52, 53, 55; task 52's 时限 "市政府门户网站原则上2022年上半年完成改造，其他…2022年年底前基本
 * 完成改造" → 30 June 2022 (the earlier date); 县政府各部门单位 is written in tasks 11, 32, 33, 37–49, 54,
 * 58, 59, 61–63; 各职能部门 in 9–10; 县政府各部门 in 30–31. Of those, 38 and 49 are event-triggered and
 * 48 recurring (每年年底前): they are standing duties that 我的任务 does not list. Dated ones for 县大数据中心:
 * 52 and 63 (6月底前) → 30 June, 47 (2022年年底前), 61, 62 (年底前) → 31 December.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, startHarness, type Harness } from "../helpers/harness";
import { count, fixture, footprint, press, sendFile, sql } from "./helpers";

const ZHANG = { openId: "ou_zhang_dsj", name: "张三" };
const LIAISONS = "oc_yiyuan_liaisons";
let h: Harness;
let preview: Awaited<ReturnType<typeof sendFile>>;

const idOf = async (seq: number) => Number((await sql(h, "SELECT id FROM tasks WHERE seq = ? AND removed_at IS NULL", [String(seq)]))[0]?.[0]);

beforeAll(async () => {
  // Friday 20 May 2022, two days after the plan was issued (2022年5月18日).
  h = await startHarness({ now: "2022-05-20T10:00:00+08:00" });
});
afterAll(() => h?.close());

describe("first import of yiyuan-2022.docx", () => {
  it("answers a file sent in a direct chat with a preview card, writing nothing to the plan", async () => {
    preview = await sendFile(h, fixture("yiyuan-2022.docx"), "2022年沂源县政务公开工作方案.docx");
    const r = preview.reply;
    expect(preview.message.msg_type).toBe("interactive");
    expect(r).toContain("导入预览：2022年沂源县政务公开重点工作任务分解表");
    expect(r).toContain("印发日期 2022年5月18日");
    expect(r).toContain("任务：63 条");
    // A sample with deadlines: task 1 is quarterly, task 2 event-triggered (20 working days), task 3 长期坚持.
    expect(r).toContain("1. 按照县政府办公室《关于认真落实2022年全县经济社会发展…");
    expect(r).toMatch(/时限：每季度（首次6月30日）/);
    expect(r).toContain("事件触发：信息形成或者变更之日起20个工作日内");
    expect(r).toContain("时限：长期（长期坚持）");
    // Unknown names, with the groups marked, and how to settle them.
    expect(r).toContain("未对应的单位名称 31 个（确认前需处理）");
    expect(r).toContain("县大数据中心（4）");
    expect(r).toContain("县政府各部门单位［单位组］（22）");
    expect(r).toContain("「映射 表中名称 单位」");
    // Vague references are listed but never assigned; task 1 has nothing else.
    expect(r).toContain("源政办字〔2022〕2号文件确定的各项工作责任单位（1）");
    expect(r).toMatch(/没有具体单位的任务 1 条\n序号 1/);
    // The deadline phrase it could not classify (a minimum period, not a deadline) and the empty one.
    expect(r).toContain("没能读懂的时限写法 1 条：序号31「重大行政决策向社会公开征求意见的");
    expect(r).toContain("没有写时限的任务 1 条");
    // Skipped: attachment 2 (lead list), attachment 3 (template), the footer.
    expect(r).toContain("县直部门牵头全县重点公开工作清单");
    expect(r).toContain("台账（示例）");
    expect(r).toContain("[新建表中单位]");
    expect(r).toContain("[取消导入]");
    expect(r).not.toContain("[确认导入]");
    const f = await footprint(h);
    expect([f.plans, f.tasks, f.assignments, f.units]).toEqual([0, 0, 0, 0]);
    expect(await count(h, "SELECT COUNT(*) FROM import_drafts WHERE status = 'preview'")).toBe(1);
  });

  it("refuses 确认导入 while names are unsettled, naming them and what to send", async () => {
    const { reply } = await h.say("确认导入");
    expect(reply).toContain("还有 31 个单位名称没有对应，所以没有导入（什么都没有写入）");
    expect(reply).toContain("单位组：县政府各部门单位、各镇（街道、经济开发区）、各职能部门、县政府各部门、各镇（街道）");
    expect(reply).toContain("「确认导入 暂不分派」");
    expect((await footprint(h)).tasks).toBe(0);
    expect(await count(h, "SELECT COUNT(*) FROM import_drafts WHERE status = 'preview'")).toBe(1);
  });

  it("creates the table's 26 named units from the card's button, and says the groups are left", async () => {
    const r = await press(h, preview.message, "新建表中单位");
    expect(r.text).toContain("已创建 26 个单位");
    expect(r.text).toContain("县委统筹疫情防控和经济运行工作领导小组（指挥部）办公室");
    expect(r.text).toContain("还有 5 个单位组写法要定义");
    expect(await count(h, "SELECT COUNT(*) FROM units")).toBe(26);
    expect(await count(h, "SELECT COUNT(*) FROM audit WHERE action = 'unit.create'")).toBe(26);
  });

  it("settles the groups: 单位组 with members and 表述, 映射 of a written form to a group", async () => {
    for (const t of ["南麻街道", "历山街道", "沂源经济开发区"]) expect((await h.say(`新单位 ${t}`)).reply).toContain(`已创建单位「${t}」`);
    const g = await h.say("单位组 县政府各部门 县财政局、县大数据中心、县司法局、县政府办公室、县住建局、县教体局");
    // 县住建局 / 县教体局 are other spellings of the units the table created.
    expect(g.reply).toContain("单位组「县政府各部门」已加入：县财政局、县大数据中心、县司法局、县政府办公室、县住房城乡建设局、县教育和体育局");
    expect((await h.say("单位组 县政府各部门 表述 县政府各部门单位；各职能部门")).reply).toContain("已为单位组「县政府各部门」添加表中写法：县政府各部门单位；各职能部门");
    expect((await h.say("单位组 各镇（街道） 南麻街道、历山街道")).reply).toContain("单位组「各镇（街道）」已加入：南麻街道、历山街道");
    expect((await h.say("单位组 镇街区 南麻街道、历山街道、沂源经济开发区")).reply).toContain("已加入");
    expect((await h.say("映射 各镇（街道、经济开发区） 镇街区")).reply).toContain("已将「各镇（街道、经济开发区）」对应到单位组「镇街区」");
    // Mistakes get a sentence saying what to do.
    expect((await h.say("单位组 县政府各部门 县大数据局")).reply).toMatch(/没有找到单位 「县大数据局」（是不是「县大数据中心」？）/);
    expect((await h.say("映射 各镇（街道） 县财政局")).reply).toContain("指的是一组单位，不能对应到一个单位");
    expect((await h.say("单位组 县政府各部门")).reply).toContain("成员");
    expect(await count(h, "SELECT COUNT(*) FROM audit WHERE action LIKE 'group.%'")).toBeGreaterThanOrEqual(5);
  });

  it("leaves the database as it was when the import fails half-way", async () => {
    const before = await footprint(h);
    await sql(h, "CREATE TRIGGER fail_import BEFORE INSERT ON audit WHEN NEW.action = 'plan.import' BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const { reply } = await h.say("确认导入");
    expect(reply).toContain("数据没有改动");
    expect(await footprint(h)).toEqual(before);
    expect(await count(h, "SELECT COUNT(*) FROM import_drafts WHERE status = 'preview'")).toBe(1);
    await sql(h, "DROP TRIGGER fail_import");
  });

  it("imports once from a fresh preview's 确认导入 button, however often it is pressed", async () => {
    preview = await sendFile(h, fixture("yiyuan-2022.docx"), "yiyuan-2022.docx");
    expect(preview.reply).not.toContain("未对应的单位名称");
    expect(preview.reply).toContain("[确认导入]");
    // Two presses arriving together (a double click) and the typed command afterwards.
    const [a, b] = await Promise.all([press(h, preview.message, "确认导入"), press(h, preview.message, "确认导入")]);
    const done = [a, b].find((x) => x.body.card);
    expect(done?.text).toContain("已导入计划「2022年沂源县政务公开重点工作任务分解表」（2022年）：63 条任务");
    expect([a, b].filter((x) => /导入过了/.test(x.text))).toHaveLength(1);
    expect((await h.say("确认导入")).reply).toContain("已经在 5月20日 10:00 导入过了");
    expect(await count(h, "SELECT COUNT(*) FROM plans")).toBe(1);
    expect(await count(h, "SELECT COUNT(*) FROM tasks")).toBe(63);
    expect(await count(h, "SELECT COUNT(*) FROM audit WHERE action = 'plan.import'")).toBe(1);
    // Task 1 only names a vague reference: reported as assigned to nobody.
    expect(done?.text).toMatch(/没有分派到任何单位的任务 1 条\n#1\b/);
  });

  it("stores each task's deadline the way the scheduled jobs read it", async () => {
    const rows = await sql(h, "SELECT seq, deadline_text, deadline, due_date, lead_text, responsible_text FROM tasks WHERE seq IN ('1','2','52','63') ORDER BY CAST(seq AS INTEGER)");
    const [t1, t2, t52, t63] = rows;
    expect(t1.deadline_text).toBe("按季度公开");
    expect(JSON.parse(String(t1.deadline))).toMatchObject({ kind: "recurring", every: "quarter" });
    expect(t1.due_date).toBeNull();
    expect(t1.responsible_text).toBe("源政办字〔2022〕2号文件确定的各项工作责任单位");
    expect(JSON.parse(String(t2.deadline)).kind).toBe("event_relative");
    expect(t52.due_date).toBe("2022-06-30");
    expect(t63.due_date).toBe("2022-06-30");
    // Task 30: 县司法局 leads, 县政府各部门 (a group) is responsible.
    const roles = await sql(h, "SELECT u.name, a.role FROM assignments a JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id WHERE t.seq = '30' ORDER BY u.id");
    expect(roles.find((r) => r.name === "县司法局")?.role).toBe("lead");
    expect(roles.find((r) => r.name === "县大数据中心")?.role).toBe("responsible");
  });

  it("shows a liaison of an imported unit the unit's tasks with the table's due dates", async () => {
    await h.say("联络员 县大数据中心", { group: LIAISONS, mentions: [ZHANG] });
    const { reply } = await h.say("我的任务", { as: ZHANG });
    expect(reply).toContain("县大数据中心 · 未完成任务 27 项");
    const lines = reply.split("\n");
    const first = lines.findIndex((l) => l.startsWith("#"));
    // Most urgent first: 52 and 63 (30 June), then 47, 61, 62 (31 December).
    expect(lines[first]).toMatch(/^#52 积极配合市大数据局完成全市政府网站和政务新媒体/);
    expect(lines[first + 1]).toContain("6月30日（还有41天）");
    expect(lines[first + 2]).toMatch(/^#63 对上一年度工作要点落实情况开展“回头看”/);
    expect(lines[first + 4]).toMatch(/^#47 加强历史公文公开属性转化工作/);
    expect(lines[first + 5]).toContain("12月31日（还有225天）");
  });

  it("shows task 1 with its 时限 and the unit text as written, and lets the admin assign it", async () => {
    const t = await h.say("任务 1");
    expect(t.reply).toContain("时限：按季度公开");
    expect(t.reply).toContain("责任单位（原文）：源政办字〔2022〕2号文件确定的各项工作责任单位");
    expect(t.reply).toContain("还没有指派责任单位");
    expect((await h.say("指派 1 县大数据中心")).reply).toContain("已将任务 1 指派给：县大数据中心");
  });
});

/** The office corrects the table in Excel: a changed deadline, a removed row, a reworded task, a unit dropped, a task replaced. */
async function correctedXlsx(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(fixture("yiyuan-2022.xlsx") as never);
  const ws = wb.worksheets[0];
  const rowOf = (seq: number) => {
    for (let r = 1; r <= ws.rowCount; r++) if (String(ws.getCell(r, 1).value ?? "").trim() === String(seq)) return r;
    throw new Error(`no row ${seq}`);
  };
  // Task 1 is replaced by a new task for 县大数据中心.
  ws.getCell(rowOf(1), 4).value = "2022年9月底前在政府网站公开本县政务公开工作年度考核细则。";
  ws.getCell(rowOf(1), 5).value = "县大数据中心";
  ws.getCell(rowOf(1), 6).value = "2022年9月底前";
  // Task 51: 县互联网服务保障中心 no longer named.
  ws.getCell(rowOf(51), 5).value = "县大数据中心";
  // Task 52: the deadline moves to the end of September.
  ws.getCell(rowOf(52), 6).value = "2022年9月底前完成改造。";
  // Task 53: deleted (its requirement cleared: the row is no task any more).
  ws.getCell(rowOf(53), 4).value = "";
  // Task 55: reworded.
  const r55 = ws.getCell(rowOf(55), 4);
  r55.value = String(r55.text).replace("建设和监督管理", "建设与监督管理");
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe("re-importing a corrected table", () => {
  it("keeps the progress a liaison reported", async () => {
    const id52 = await idOf(52);
    const id53 = await idOf(53);
    expect((await h.say(`进展 ${id52} 首页适老化改造已完成，正在改造栏目页`, { as: ZHANG })).reply).toContain("已记录");
    expect((await h.say(`完成 ${id53} 集约化平台已上线`, { as: ZHANG })).reply).toContain("完成任务");
  });

  it("previews what the corrected table changes", async () => {
    preview = await sendFile(h, await correctedXlsx(), "2022年任务分解表（修改稿）.xlsx");
    const r = preview.reply;
    expect(r).toContain("这是对已有计划的重新导入：新增 1 条，修改 3 条，移出 2 条，不变 58 条");
    expect(r).toMatch(/#52（序号 52）时限「市政府门户网站原则上2022年上半年完成…」→「2022年9月底前完成改造。」/);
    expect(r).toMatch(/#51（序号 51）单位：去掉 县互联网服务保障中心/);
    expect(r).toMatch(/#55（序号 55）内容改为「强化政务新媒体矩阵建设与监督管理/);
    expect(r).toContain("移出 #1 按照县政府办公室");
    expect(r).toContain("移出 #53 深入推进政府网站集约化建设");
    expect(r).toContain("新增（序号 1）2022年9月底前在政府网站公开本县政务公开");
    expect(await count(h, "SELECT COUNT(*) FROM tasks WHERE removed_at IS NOT NULL")).toBe(0);
  });

  it("updates the plan in place on 确认导入: ids, progress and done status kept; removed tasks marked, not deleted", async () => {
    const id52 = await idOf(52);
    const { reply } = await h.say("confirm-import");
    expect(reply).toContain("已更新计划「2022年沂源县政务公开重点工作任务分解表」（2022年）：新增 1 条，修改 3 条，移出 2 条，不变 58 条");
    expect(await count(h, "SELECT COUNT(*) FROM plans")).toBe(1);
    expect(await count(h, "SELECT COUNT(*) FROM tasks")).toBe(64);
    expect(await count(h, "SELECT COUNT(*) FROM tasks WHERE removed_at IS NOT NULL")).toBe(2);
    expect(await idOf(52)).toBe(id52);
    // 52: same assignment, progress note and status kept, due date moved to 30 September.
    const [a52] = await sql(h, "SELECT a.status, a.due_date, (SELECT COUNT(*) FROM progress_notes p WHERE p.assignment_id = a.id) AS notes FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.task_id = ? AND u.name = '县大数据中心'", [id52]);
    expect(a52).toMatchObject({ status: "doing", due_date: "2022-09-30", notes: 1 });
    // 53 is done and removed: its done record stays.
    expect(await count(h, "SELECT COUNT(*) FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE t.seq = '53' AND a.status = 'done'")).toBe(1);
    // 51: the dropped unit's untouched assignment is gone.
    expect(await count(h, "SELECT COUNT(*) FROM assignments a JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id WHERE t.seq = '51' AND u.name = '县互联网服务保障中心'")).toBe(0);
    // The admin's own 指派 on task 1 was not the table's: the task is removed, the assignment stays with it.
    expect(await count(h, "SELECT COUNT(*) FROM audit WHERE action = 'plan.reimport'")).toBe(1);
  });

  it("shows the liaison the corrected dates", async () => {
    const { reply } = await h.say("我的任务", { as: ZHANG });
    expect(reply).toContain("县大数据中心 · 未完成任务 27 项");
    expect(reply).not.toContain("深入推进政府网站集约化建设");
    const lines = reply.split("\n");
    const first = lines.findIndex((l) => l.startsWith("#"));
    expect(lines[first]).toMatch(/^#63 /);
    expect(reply).toMatch(/#52 积极配合市大数据局[^\n]*\n　9月30日（还有133天） · 进行中/);
    expect(reply).toMatch(/#64 2022年9月底前在政府网站公开本县政务公开[^\n]*\n　9月30日（还有133天） · 待办/);
    const t52 = await h.say(`任务 ${await idOf(52)}`);
    expect(t52.reply).toContain("首页适老化改造已完成");
    expect(t52.reply).toMatch(/导入更新：时限「市政府门户网站/);
  });

  it("does nothing when the same file is confirmed again, and reports no change when it is sent again", async () => {
    expect((await h.say("确认导入")).reply).toContain("已经在");
    const again = await sendFile(h, await correctedXlsx(), "修改稿.xlsx");
    expect(again.reply).toContain("新增 0 条，修改 0 条，移出 0 条，不变 62 条");
    expect((await h.say("取消导入")).reply).toContain("已取消「修改稿.xlsx」的导入，什么都没有写入");
    expect((await h.say("确认导入")).reply).toContain("已经取消");
  });
});

it("never imports a newer file from an older preview's button", async () => {
  const older = await sendFile(h, fixture("yiyuan-2022.docx"), "旧版.docx");
  const newer = await sendFile(h, await correctedXlsx(), "新版.xlsx");
  const before = await footprint(h);
  const r = await press(h, older.message, "确认导入");
  expect(r.text).toContain("这次预览（「旧版.docx」）已经取消或被更新的文件代替，没有导入");
  expect(await footprint(h)).toEqual(before);
  const cancelled = await press(h, newer.message, "取消导入");
  expect(cancelled.text).toContain("已取消「新版.xlsx」的导入");
});

it("does not let a liaison import", async () => {
  const r = await sendFile(h, fixture("yiyuan-2022.docx"), "yiyuan-2022.docx", { as: ZHANG });
  expect(r.reply).toContain("「导入」只有管理员可以使用");
  expect(r.reply).not.toContain(ADMIN.openId);
});
