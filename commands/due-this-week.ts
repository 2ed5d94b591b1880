import { openCounts } from "../db/queries/tasks";
import { defineCommand } from "../src/bot/command";
import { actingUnit } from "../src/bot/lookup";
import { card } from "../src/bot/reply";
import { splitPage } from "../src/bot/task-list";
import { unitPage } from "../src/bot/unit-list";
import { formatCn, weekBounds } from "../src/domain/dates";

export default defineCommand({
  name: "due-this-week",
  words: ["本周到期", "本周任务", "due this week", "week"],
  role: "liaison",
  summary: "本周（周一至周日）到期的任务，以及逾期数量",
  usage: "本周到期",
  examples: ["本周到期"],
  writes: false,
  async handler(ctx) {
    const { rest, page } = splitPage(ctx.args, ctx.page);
    const unit = await actingUnit(ctx, rest);
    const { monday, sunday } = weekBounds(ctx.today);
    const suffix = rest ? ` ${unit.name}` : "";
    const [{ overdue }, list] = await Promise.all([
      openCounts(ctx.db, unit.id, ctx.today),
      unitPage(ctx, unit, { dueFrom: monday, dueTo: sunday }, page, (p) => `本周到期${suffix} 第${p}页`),
    ]);
    const range = `${formatCn(monday)}—${formatCn(sunday)}`;
    const overdueLine = overdue ? `另有 **${overdue} 项已逾期**，发送「逾期」查看。` : "没有逾期任务。";
    if (!list.total) {
      return card(`${unit.name} · 本周到期`, overdue ? "orange" : "green", [
        { type: "markdown", text: `本周（${range}）没有到期的任务。${overdueLine}` },
      ]);
    }
    return card(`${unit.name} · 本周到期 ${list.total} 项`, overdue ? "red" : "orange", [
      { type: "markdown", text: `本周：${range}。${overdueLine}` },
      ...list.blocks,
    ]);
  },
});
