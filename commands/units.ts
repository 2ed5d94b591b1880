import { unitOverview } from "../db/queries/units";
import { defineCommand } from "../src/bot/command";
import { card } from "../src/bot/reply";
import { pageNav, splitPage } from "../src/bot/task-list";

const PAGE = 15;

export default defineCommand({
  name: "units",
  words: ["单位", "单位列表", "units"],
  role: "admin",
  summary: "全部单位，以及各单位的群聊和联络员",
  usage: "单位",
  examples: ["单位", "单位 第2页"],
  writes: false,
  async handler(ctx) {
    const { page } = splitPage(ctx.args, ctx.page);
    const list = await unitOverview(ctx.db);
    if (!list.length) {
      return card("单位", "grey", [{ type: "markdown", text: "还没有任何单位。发送「新单位 县教体局 县教育和体育局」创建，或导入任务分解表时自动识别。" }]);
    }
    const pages = Math.ceil(list.length / PAGE);
    const p = Math.min(Math.max(page, 1), pages);
    const lines = list.slice((p - 1) * PAGE, p * PAGE).map((u) => {
      const aliases = u.aliases.length ? `（又名 ${u.aliases.join("、")}）` : "";
      const chat = u.chats.length ? "已绑定群" : "**未绑定群**";
      const people = u.liaisons.length ? u.liaisons.map((l) => l.name || l.openId).join("、") : "**无联络员**";
      return `**${u.name}**${aliases}\n　${chat} · 联络员：${people}`;
    });
    const missing = list.filter((u) => !u.chats.length || !u.liaisons.length).length;
    return card(`单位 ${list.length} 个`, "blue", [
      ...(missing ? [{ type: "markdown" as const, text: `有 ${missing} 个单位还没绑定群或登记联络员，收不到提醒。` }] : []),
      { type: "markdown", text: lines.join("\n") },
      ...pageNav(p, pages, list.length, (n) => `单位 第${n}页`),
    ]);
  },
});
