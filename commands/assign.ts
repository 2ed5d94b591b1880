import { record } from "../db/queries/audit";
import { addAssignment } from "../db/queries/tasks";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { parseTaskId, splitUnitList, taskById, unitByName } from "../src/bot/lookup";
import { text } from "../src/bot/reply";

export default defineCommand({
  name: "assign",
  words: ["指派", "分派", "assign"],
  role: "admin",
  summary: "给任务增加责任单位",
  usage: "指派 <编号> <单位>[、<单位>…]",
  examples: ["指派 12 县教体局、县卫健局"],
  writes: true,
  async handler(ctx) {
    const m = ctx.args.match(/^(\S+)\s*(.*)$/s);
    const id = parseTaskId(m?.[1], "指派 12 县教体局、县卫健局");
    const names = splitUnitList(m?.[2] ?? "");
    if (!names.length) throw new UserError(`请在编号后写上单位，多个单位用顿号分开，例如「指派 ${id} 县教体局、县卫健局」。`);
    const task = await taskById(ctx, id);
    // Every name must resolve before anything is written: one typo leaves the task untouched.
    const units = [];
    for (const n of names) units.push(await unitByName(ctx, n));
    const at = ctx.clock.now().getTime();
    const added: string[] = [];
    const already: string[] = [];
    for (const u of units) {
      if (await addAssignment(ctx.db, { taskId: task.id, unitId: u.id, dueDate: task.dueDate }, at)) added.push(u.name);
      else already.push(u.name);
    }
    if (added.length) await record(ctx.db, { at, actor: ctx.actor.openId, action: "task.assign", subject: `task:${id}`, detail: { units: added } });
    const parts = [];
    if (added.length) parts.push(`已将任务 ${id} 指派给：${added.join("、")}。`);
    if (already.length) parts.push(`${already.join("、")}原本就是责任单位。`);
    return text(parts.join(""));
  },
});
