import { defineCommand } from "../src/bot/command";
import { actingUnit } from "../src/bot/lookup";
import { card } from "../src/bot/reply";
import { splitPage } from "../src/bot/task-list";
import { unitPage } from "../src/bot/unit-list";

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
    const suffix = rest ? ` ${unit.name}` : "";
    const list = await unitPage(ctx, unit, { dueBefore: ctx.today }, page, (p) => `逾期${suffix} 第${p}页`);
    if (!list.total) return card(`${unit.name} · 逾期`, "green", [{ type: "markdown", text: "本单位没有逾期任务。" }]);
    return card(`${unit.name} · 逾期 ${list.total} 项`, "red", [
      ...list.blocks,
      { type: "note", text: "办完后发送「完成 编号 说明或链接」；需要延期请联系管理员。" },
    ]);
  },
});
