import { defineCommand } from "../src/bot/command";
import { card, type Block } from "../src/bot/reply";
import { HOW_TO_REGISTER } from "../src/bot/refusals";
import { commands } from "./index";

export default defineCommand({
  name: "help",
  words: ["帮助", "help", "?", "？", "菜单"],
  role: "anyone",
  summary: "我能做什么，以及指令示例",
  usage: "帮助",
  examples: ["帮助"],
  writes: false,
  async handler(ctx) {
    const who = ctx.actor.isAdmin
      ? "你是管理员。"
      : ctx.unit
        ? `你现在代表「${ctx.unit.name}」。`
        : "";
    const mine = commands.filter((c) => c.role !== "admin" && c.name !== "help");
    const admin = commands.filter((c) => c.role === "admin");
    const line = (c: (typeof commands)[number]) => `**${c.usage}** — ${c.summary}\n　例：${c.examples[0]}`;
    const blocks: Block[] = [];
    if (!ctx.actor.member && !ctx.actor.isAdmin && !ctx.unit) blocks.push({ type: "markdown", text: HOW_TO_REGISTER });
    else if (who) blocks.push({ type: "markdown", text: who });
    blocks.push({ type: "markdown", text: mine.map(line).join("\n") });
    if (ctx.actor.isAdmin) blocks.push({ type: "divider" }, { type: "markdown", text: `**管理员指令**\n${admin.map(line).join("\n")}` });
    blocks.push({
      type: "note",
      text: ctx.chat.type === "group" ? "在群里请先 @我 再发指令。英文指令也可以，如 my tasks、done 12。" : "英文指令也可以，如 my tasks、done 12。",
    });
    return card("督办 · 帮助", "blue", blocks);
  },
});
