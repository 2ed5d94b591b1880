import { record } from "../db/queries/audit";
import { addProgress, currentAssignment } from "../db/queries/tasks";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { actingUnit, parseTaskId, taskById } from "../src/bot/lookup";
import { text } from "../src/bot/reply";

export const MAX_NOTE = 2000;

export default defineCommand({
  name: "progress",
  words: ["进展", "进度", "progress"],
  role: "liaison",
  summary: "给本单位的任务添加一条进展（状态变为进行中）",
  usage: "进展 <编号> <内容>",
  examples: ["进展 12 已起草公开内容，正在审核"],
  writes: true,
  async handler(ctx) {
    const [idPart, ...rest] = ctx.args.split(/\s+/);
    const id = parseTaskId(idPart, "进展 12 已完成初稿");
    const note = rest.join(" ").trim();
    if (!note) throw new UserError(`请在编号后写上进展内容，例如「进展 ${id} 已完成初稿，正在审核」。`);
    if (note.length > MAX_NOTE) throw new UserError(`进展内容最多 ${MAX_NOTE} 字，请精简后再发。`);
    const task = await taskById(ctx, id);
    const unit = await actingUnit(ctx);
    const a = await currentAssignment(ctx.db, task.id, unit.id);
    if (!a) throw new UserError(`任务 ${id} 没有指派给${unit.name}。发送「任务 ${id}」查看责任单位；如有疑问请联系管理员。`);
    const at = ctx.clock.now().getTime();
    await addProgress(ctx.db, a, ctx.actor.openId, note, at);
    await record(ctx.db, { at, actor: ctx.actor.openId, action: "assignment.progress", subject: `task:${id}`, detail: { unit: unit.name, note, assignment: a.id } });
    if (a.status === "done") return text(`已为${unit.name}的任务 ${id} 补充记录（任务保持已完成）。`);
    return text(`已记录${unit.name}在任务 ${id} 的进展，状态：进行中。完成后请发送「完成 ${id} 说明或链接」。`);
  },
});
