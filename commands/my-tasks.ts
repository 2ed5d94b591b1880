import { openCounts } from "../db/queries/tasks";
import { defineCommand } from "../src/bot/command";
import { actingUnit } from "../src/bot/lookup";
import { card } from "../src/bot/reply";
import { splitPage } from "../src/bot/task-list";
import { unitPage } from "../src/bot/unit-list";

export default defineCommand({
  name: "my-tasks",
  words: ["我的任务", "本单位任务", "my tasks", "mytasks"],
  role: "liaison",
  summary: "本单位未完成的任务，最紧急的在前",
  usage: "我的任务",
  examples: ["我的任务", "我的任务 第2页", "我的任务 县教体局（管理员）"],
  writes: false,
  async handler(ctx) {
    const { rest, page } = splitPage(ctx.args, ctx.page);
    const unit = await actingUnit(ctx, rest);
    const suffix = rest ? ` ${unit.name}` : "";
    const [{ overdue, duties }, list] = await Promise.all([
      openCounts(ctx.db, unit.id, ctx.today),
      unitPage(ctx, unit, {}, page, (p) => `我的任务${suffix} 第${p}页`),
    ]);
    const dutyNote = duties
      ? [{ type: "note" as const, text: `另有 ${duties} 项按期或按事件办理的常规任务：到期的各期会列在上面；事件发生时请发送「登记 编号 日期」开始计时。` }]
      : [];
    if (!list.total) return card(`${unit.name} · 我的任务`, "green", [{ type: "markdown", text: "本单位目前没有未完成的任务。" }, ...dutyNote]);
    return card(`${unit.name} · 未完成任务 ${list.total} 项`, overdue ? "red" : "blue", [
      ...(overdue ? [{ type: "markdown" as const, text: `其中 **${overdue} 项已逾期**，请尽快办理。` }] : []),
      ...list.blocks,
      ...dutyNote,
      { type: "note", text: "发送「任务 编号」看详情，「进展 编号 内容」报进展，「完成 编号 说明或链接」报完成。" },
    ]);
  },
});
