/**
 * The other three seeds end to end, each in another container format: gaoqing-2020 as Excel,
 * taian-2020 as CSV, ningyang-2018 as the plain-text dump. Preview → create the table's units →
 * define the groups the table addresses → 确认导入 → a liaison's 我的任务 with the due dates read
 * from the table (test/fixtures/seeds/*.txt):
 *
 * - gaoqing-2020 (issued 2020年7月31日): "是否于3月底前公开本行政区域内重点排污单位名录", 市生态环境局高青分局
 *   → due 31 March 2020, already overdue when the plan arrives (3 August: 125 days).
 * - taian-2020: "对照国务院部门制定的26个试点领域标准指引…2020年底前编制完成本级政务公开事项标准目录", led by
 *   各县（市、区） → 31 December 2020 for every county (1 June: 213 days left).
 * - ningyang-2018: "各级各部门年内邀请利益相关方、公众列席政府常务会议、部门办公会议不得少于2次", 牵头 县政府办公室,
 *   责任 各乡镇（街道）、宁阳经济开发区、环城科技产业园、县政府各部门（单位）→ 31 December 2018 (3 September: 119 days).
 */
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, type Harness, type Person } from "../helpers/harness";
import { count, fixture, sendFile, sql } from "./helpers";

const LIAISONS = "oc_liaisons";
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function importSeed(
  file: string,
  o: { tasks: number; title: string; year: number; groups: [string, string[], string[]][]; extraUnits?: string[] },
): Promise<Harness> {
  const hh = h!;
  const preview = await sendFile(hh, fixture(file), file.replace(/^seeds\//, ""));
  expect(preview.reply).toContain(`导入预览：${o.title}`);
  expect(preview.reply).toContain(`任务：${o.tasks} 条`);
  expect(preview.reply).toContain("未对应的单位名称");
  expect(await count(hh, "SELECT COUNT(*) FROM tasks")).toBe(0);
  expect((await hh.say("新建表中单位")).reply).toMatch(/已创建 \d+ 个单位/);
  for (const u of o.extraUnits ?? []) expect((await hh.say(`新单位 ${u}`)).reply).toContain("已创建单位");
  for (const [name, members, expressions] of o.groups) {
    expect((await hh.say(`单位组 ${name} ${members.join("、")}`)).reply).toContain("已加入");
    if (expressions.length) expect((await hh.say(`单位组 ${name} 表述 ${expressions.join(" ")}`)).reply).toContain("已为单位组");
  }
  const done = await hh.say("确认导入");
  expect(done.reply).toContain(`已导入计划「${o.title}」（${o.year}年）：${o.tasks} 条任务`);
  expect(await count(hh, "SELECT COUNT(*) FROM tasks")).toBe(o.tasks);
  return hh;
}

async function liaisonOf(unit: string, who: Person) {
  expect((await h!.say(`联络员 ${unit}`, { group: LIAISONS, mentions: [who] })).reply).toContain(`已登记${who.name}为${unit}联络员`);
}

/** The first listed task line of 我的任务 and the due line under it. */
function firstItem(reply: string): [string, string] {
  const lines = reply.split("\n");
  const i = lines.findIndex((l) => l.startsWith("#"));
  return [lines[i], lines[i + 1]];
}

describe("seeds in other formats", () => {
  it("gaoqing-2020.xlsx: a past 3月底前 is overdue the day the plan arrives", async () => {
    h = await startHarness({ now: "2020-08-03T10:00:00+08:00" });
    await importSeed("gaoqing-2020.xlsx", {
      tasks: 119,
      title: "高青县2020年政务公开工作任务分解表",
      year: 2020,
      groups: [
        ["各镇街道", ["花沟镇", "青城镇", "田镇街道", "经济开发区"], ["各镇、街道、经济开发区"]],
        ["县直部门", ["县财政局", "县发改局", "市生态环境局高青分局"], ["县直各部门、单位"]],
      ],
    });
    const who = { openId: "ou_gq_hb", name: "赵环保" };
    await liaisonOf("市生态环境局高青分局", who);
    const { reply } = await h.say("我的任务", { as: who });
    const [title, due] = firstItem(reply);
    expect(title).toMatch(/^#\d+ 是否于3月底前公开本行政区域内重点排污单位名录/);
    expect(due).toContain("3月31日 已逾期125天");
    expect(reply).toMatch(/其中 \d+ 项已逾期/);
    // 按月发布环境空气质量状况 is monthly: a standing duty the scheduled job turns into one item per month.
    const [monthly] = await sql(h, "SELECT deadline FROM tasks WHERE requirement LIKE '按月发布环境空气质量状况%'");
    expect(JSON.parse(String(monthly.deadline))).toMatchObject({ kind: "recurring", every: "month" });
  });

  it("taian-2020.csv: a county of 各县（市、区） leads its 2020年底前 task", async () => {
    h = await startHarness({ now: "2020-06-01T10:00:00+08:00" });
    await importSeed("taian-2020.csv", {
      tasks: 143,
      title: "2020年泰安市政务公开重点工作任务分解表",
      year: 2020,
      extraUnits: ["泰山区", "岱岳区", "新泰市", "肥城市", "宁阳县", "东平县"],
      groups: [
        ["各县（市、区）", ["泰山区", "岱岳区", "新泰市", "肥城市", "宁阳县", "东平县"], []],
        ["市政府各部门（单位）", ["市财政局", "市司法局", "市大数据中心"], []],
      ],
    });
    const who = { openId: "ou_ta_tsq", name: "钱泰山" };
    await liaisonOf("泰山区", who);
    const { reply } = await h.say("我的任务", { as: who });
    const [title, due] = firstItem(reply);
    expect(title).toMatch(/^#\d+ 对照国务院部门制定的26个试点领域标准指引/);
    expect(due).toContain("12月31日（还有213天）");
    const [role] = await sql(
      h,
      "SELECT a.role FROM assignments a JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id WHERE u.name = '泰山区' AND t.requirement LIKE '对照国务院部门制定的26个试点领域%'",
    );
    expect(role.role).toBe("lead");
  });

  it("ningyang-2018.txt (a Tika dump): same-body spellings become one unit; 年内 is 31 December", async () => {
    h = await startHarness({ now: "2018-09-03T10:00:00+08:00" });
    await importSeed("seeds/ningyang-2018.txt", {
      tasks: 174,
      title: "2018年宁阳县政务公开重点工作任务分解表",
      year: 2018,
      extraUnits: ["泗店镇", "文庙街道"],
      groups: [
        ["各乡镇（街道）", ["泗店镇", "文庙街道"], []],
        ["县政府各部门（单位）", ["县政府办公室", "县财政局", "县教育局"], []],
      ],
    });
    // 县卫计局 and 县卫生计生局 are one body: one unit, the other spelling its alias.
    expect(await count(h, "SELECT COUNT(*) FROM units WHERE name IN ('县卫计局', '县卫生计生局')")).toBe(1);
    expect(await count(h, "SELECT COUNT(*) FROM unit_aliases WHERE alias IN ('县卫计局', '县卫生计生局')")).toBe(2);
    const who = { openId: "ou_ny_hc", name: "孙园区" };
    await liaisonOf("环城科技产业园", who);
    const { reply } = await h.say("我的任务", { as: who });
    const [title, due] = firstItem(reply);
    expect(title).toMatch(/^#\d+ 各级各部门年内邀请利益相关方、公众列席政府常务会议/);
    expect(due).toContain("12月31日（还有119天）");
    // 县政府办公室 leads it.
    const [lead] = await sql(
      h,
      "SELECT u.name FROM assignments a JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id WHERE a.role = 'lead' AND t.requirement LIKE '各级各部门年内邀请利益相关方%'",
    );
    expect(lead.name).toBe("县政府办公室");
  });
});
