import { openAssignmentsOfUnit } from "../db/queries/tasks";
import { defineCommand } from "../src/bot/command";
import { actingUnit } from "../src/bot/lookup";
import { card } from "../src/bot/reply";
import { isOverdue, pagedList, splitPage } from "../src/bot/task-list";

export default defineCommand({
  name: "overdue",
  words: ["逾期", "逾期任务", "overdue"],
  role: "liaison",
  summary: "本单位已逾期的任务和逾期天数",
  usage: "逾期",
  examples: ["逾期"],
  writes: false,
  async handler(ctx) {
    const { rest, page } = splitPage(ctx.args, ctx.page);
    const unit = await actingUnit(ctx, rest);
    const rows = (await openAssignmentsOfUnit(ctx.db, unit.id)).filter((r) => isOverdue(r, ctx.today));
    if (!rows.length) return card(`${unit.name} · 逾期`, "green", [{ type: "markdown", text: "本单位没有逾期任务。" }]);
    const suffix = rest ? ` ${unit.name}` : "";
    return card(`${unit.name} · 逾期 ${rows.length} 项`, "red", [
      ...pagedList(rows, page, ctx.today, (p) => `逾期${suffix} 第${p}页`),
      { type: "note", text: "办完后发送「完成 编号 说明或链接」；需要延期请联系管理员。" },
    ]);
  },
});
