import { record } from "../db/queries/audit";
import { currentAssignment, markDone } from "../db/queries/tasks";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { actingUnit, parseTaskId, taskById } from "../src/bot/lookup";
import { text } from "../src/bot/reply";
import { MAX_NOTE } from "./progress";

export default defineCommand({
  name: "done",
  words: ["完成", "已完成", "done"],
  role: "liaison",
  summary: "报告本单位的任务已完成，附说明或公开链接",
  usage: "完成 <编号> [说明或链接]",
  examples: ["完成 12 http://www.example.gov.cn/art/2026/11/25/art_1.html"],
  writes: true,
  async handler(ctx) {
    const [idPart, ...rest] = ctx.args.split(/\s+/);
    const id = parseTaskId(idPart, "完成 12 已在政府网站公开");
    const note = rest.join(" ").trim();
    if (note.length > MAX_NOTE) throw new UserError(`说明最多 ${MAX_NOTE} 字，请精简后再发。`);
    const task = await taskById(ctx, id);
    const unit = await actingUnit(ctx);
    const a = await currentAssignment(ctx.db, task.id, unit.id);
    if (!a) throw new UserError(`任务 ${id} 没有指派给${unit.name}。发送「任务 ${id}」查看责任单位；如有疑问请联系管理员。`);
    // A repeated 完成 (or a retried event) finds the assignment done and changes nothing.
    if (a.status === "done") return text(`${unit.name}的任务 ${id} 已经是已完成状态，无需重复报送。`);
    const at = ctx.clock.now().getTime();
    await markDone(ctx.db, a, ctx.actor.openId, note, at);
    await record(ctx.db, { at, actor: ctx.actor.openId, action: "assignment.done", subject: `task:${id}`, detail: { unit: unit.name, note, assignment: a.id, instance: a.instance } });
    const hint = note ? "" : "\n建议补充公开链接作为佐证：发送「进展 ${id} 链接」即可。";
    return text(`已记录：${unit.name}完成任务 ${id}${a.instance ? `（${a.instance}）` : ""}。${hint}`);
  },
});
