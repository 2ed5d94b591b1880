import { openAssignmentsOfUnit } from "../db/queries/tasks";
import { defineCommand } from "../src/bot/command";
import { actingUnit } from "../src/bot/lookup";
import { card } from "../src/bot/reply";
import { isOverdue, pagedList, splitPage } from "../src/bot/task-list";
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
    const open = await openAssignmentsOfUnit(ctx.db, unit.id);
    const due = open.filter((r) => r.dueDate && r.dueDate >= monday && r.dueDate <= sunday);
    const overdue = open.filter((r) => isOverdue(r, ctx.today)).length;
    const range = `${formatCn(monday)}—${formatCn(sunday)}`;
    const overdueLine = overdue ? `另有 **${overdue} 项已逾期**，发送「逾期」查看。` : "没有逾期任务。";
    if (!due.length) {
      return card(`${unit.name} · 本周到期`, overdue ? "orange" : "green", [
        { type: "markdown", text: `本周（${range}）没有到期的任务。${overdueLine}` },
      ]);
    }
    const suffix = rest ? ` ${unit.name}` : "";
    return card(`${unit.name} · 本周到期 ${due.length} 项`, overdue ? "red" : "orange", [
      { type: "markdown", text: `本周：${range}。${overdueLine}` },
      ...pagedList(due, page, ctx.today, (p) => `本周到期${suffix} 第${p}页`),
    ]);
  },
});
