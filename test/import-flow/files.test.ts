/**
 * Files that are not a usable table, an unfamiliar table, and the ways a file reaches the bot:
 * sent in a direct chat, or replied to with 导入 in a group (the bot finds the replied-to message's
 * file through GET /open-apis/im/v1/messages/:id). Nothing is ever written for a bad file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, startHarness, type Harness } from "../helpers/harness";
import { count, fixture, footprint, postFileInChat, replyTo, sendFile } from "./helpers";

const OFFICE = "oc_county_office";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ now: "2024-03-04T10:00:00+08:00" });
});
afterAll(() => h?.close());

async function nothingWritten<T>(fn: () => Promise<T>): Promise<T> {
  const before = { ...(await footprint(h)), drafts: await count(h, "SELECT COUNT(*) FROM import_drafts") };
  const r = await fn();
  expect({ ...(await footprint(h)), drafts: await count(h, "SELECT COUNT(*) FROM import_drafts") }).toEqual(before);
  return r;
}

describe("bad files get their Chinese sentence and change nothing", () => {
  const cases: [string, Uint8Array | (() => Uint8Array), string][] = [
    ["bad-empty.docx", () => fixture("bad-empty.docx"), "导入失败：文件是空的（0 字节），请确认上传的是填好的任务分解表后重新发送。什么都没有写入。"],
    ["bad-truncated.docx", () => fixture("bad-truncated.docx"), "导入失败：文件不是有效的 Word 文档（.docx），请用 Word 另存为 .docx 后重新发送。"],
    ["bad-zip-not-office.docx", () => fixture("bad-zip-not-office.docx"), "文件不是有效的 Word 文档（.docx）"],
    ["bad-image.xlsx", () => fixture("bad-image.xlsx"), "导入失败：这是一张图片，不是表格文件，无法读取其中的文字。"],
    ["bad-prose.txt", () => fixture("bad-prose.txt"), "导入失败：文件里没有找到表格。"],
    ["bad-no-table.docx", () => fixture("bad-no-table.docx"), "导入失败：文件里没有找到表格。"],
    ["50MB.xlsx", () => new Uint8Array(50 * 1024 * 1024).fill(0x41), "导入失败：文件超过 20 MB，无法导入。"],
  ];
  for (const [name, bytes, sentence] of cases) {
    it(name, async () => {
      const r = await nothingWritten(() => sendFile(h, typeof bytes === "function" ? bytes() : bytes, name));
      expect(r.message.msg_type).toBe("text");
      expect(r.reply).toContain(sentence);
    });
  }
});

describe("an unfamiliar table", () => {
  let fileMessageId: string;
  it("reports the column names it does not know and how to name them, storing no draft", async () => {
    const r = await nothingWritten(() => sendFile(h, fixture("unfamiliar.docx"), "重点事项清单.docx"));
    fileMessageId = r.fileMessageId;
    expect(r.reply).toContain("没有从「重点事项清单.docx」读出任务");
    expect(r.reply).toContain("无法识别的列名：事项、内容描述、主责部门、协同部门、办结节点");
    expect(r.reply).toContain("导入 2024 列 事项=分类 内容描述=要求 主责部门=责任单位 办结节点=时限");
    expect(r.reply).toContain("什么都没有写入");
  });

  it("reads it once told what the columns mean (a reply to the file), and lists its unknown units", async () => {
    const r = await replyTo(h, fileMessageId, "导入 列 事项=分类 内容描述=要求 主责部门=单位 协同部门=配合 办结节点=时限");
    expect(r.reply).toContain("导入预览：2024年某县政务公开重点事项清单（自拟格式）");
    expect(r.reply).toContain("任务：4 条");
    expect(r.reply).toContain("未对应的单位名称 5 个");
    expect(r.reply).toMatch(/县大数据局（2）、县便民服务中心（2）/);
    expect(r.reply).toContain("各社区［单位组］（1）");
    expect(r.reply).toContain("相关街道（1）");
    // 11月15日前 in a 2024 plan; 按月 is monthly.
    expect(r.reply).toContain("时限：2024年11月15日截止");
    expect(await count(h, "SELECT COUNT(*) FROM tasks")).toBe(0);
  });

  it("explains a column mapping it cannot read", async () => {
    const r = await replyTo(h, fileMessageId, "导入 列 事项=类目");
    expect(r.reply).toContain("看不懂「事项=类目」");
  });

  it("discards the preview on request", async () => {
    expect((await h.say("取消导入")).reply).toContain("已取消「重点事项清单.docx」的导入");
    expect((await h.say("取消导入")).reply).toContain("没有等待确认的导入");
  });
});

describe("导入 replying to a file message in a group", () => {
  it("ignores a file posted in a group without @mentioning the bot", async () => {
    const ev = postFileInChat(h, fixture("yiyuan-2022.csv"), "yiyuan.csv", { group: OFFICE });
    const before = h.emulator.messages.length;
    expect((await h.post(ev)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.emulator.messages.slice(before).filter((m) => m.parent_id === ev.event.message.message_id)).toHaveLength(0);
  });

  it("previews the replied-to file, downloaded through Lark", async () => {
    const ev = postFileInChat(h, fixture("yiyuan-2022.csv"), "沂源任务表.csv", { group: OFFICE });
    const r = await replyTo(h, ev.event.message.message_id, "导入", { group: OFFICE });
    expect(r.reply).toContain("导入预览：2022年沂源县政务公开重点工作任务分解表");
    expect(r.reply).toContain("任务：63 条");
    expect(r.reply).toContain("文件「沂源任务表.csv」");
    const asked = h.emulator.requests.filter((q) => q.path === `/open-apis/im/v1/messages/${ev.event.message.message_id}` && q.method === "GET");
    expect(asked.length).toBeGreaterThanOrEqual(1);
  });

  it("says so when the replied-to message is not a file, or unknown", async () => {
    const text = h.event("大家好", { group: OFFICE });
    h.emulator.ingestEvent(text);
    expect((await replyTo(h, text.event.message.message_id, "导入", { group: OFFICE })).reply).toContain("你回复的不是文件消息");
    expect((await replyTo(h, "om_never_seen", "导入", { group: OFFICE })).reply).toContain("找不到你回复的那条消息");
    expect((await h.say("导入", { group: OFFICE })).reply).toContain("「导入」要带着文件");
  });

  it("does not let someone who is not an admin import by replying", async () => {
    const ev = postFileInChat(h, fixture("yiyuan-2022.csv"), "yiyuan.csv", { group: OFFICE });
    const r = await replyTo(h, ev.event.message.message_id, "导入", { group: OFFICE, as: { openId: "ou_someone", name: "某人" } });
    expect(r.reply).toContain("「导入」只有管理员可以使用");
    expect(r.reply).not.toContain(ADMIN.openId);
  });
});
