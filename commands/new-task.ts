import { record } from "../db/queries/audit";
import { tasks } from "../db/schema";
import { adHocPlan, addAssignment } from "../db/queries/tasks";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { splitUnitList, unitByName } from "../src/bot/lookup";
import { text } from "../src/bot/reply";
import { contentKeys } from "../src/importer/build";
import { formatCn, isValidDate } from "../src/domain/dates";
import { parseDeadline } from "../src/domain/deadline";

const USAGE_EXAMPLE = "新任务 县教体局、县卫健局 12月31日 公开2026年度民生实事办理结果";

/** 2026-12-31, 2026/12/31 and 2026.12.31 as written dates; everything else goes to the deadline grammar. */
function isoDate(s: string): string | undefined {
  const m = s.match(/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/);
  if (!m) return undefined;
  const d = `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`;
  return isValidDate(d) ? d : undefined;
}

export default defineCommand({
  name: "new",
  words: ["新任务", "新建任务", "new"],
  role: "admin",
  summary: "新建一项任务并指派单位",
  usage: "新任务 <单位>[、<单位>…] <时限> <内容>",
  examples: [USAGE_EXAMPLE, "新任务 县司法局 2026-12-31 公开规范性文件清理结果"],
  writes: true,
  async handler(ctx) {
    const m = ctx.args.match(/^(\S+)\s+(\S+)\s+([\s\S]+)$/);
    if (!m) throw new UserError(`请按「单位 时限 内容」的顺序写，用空格隔开，例如「${USAGE_EXAMPLE}」。`);
    const [, unitPart, duePart, requirement] = m;
    if (requirement.length > 2000) throw new UserError("任务内容最多 2000 字，请精简后再发。");
    const units = [];
    for (const n of splitUnitList(unitPart)) units.push(await unitByName(ctx, n));
    const year = Number(ctx.today.slice(0, 4));
    const parsed = isoDate(duePart) ?? parseDeadline(duePart, { year, issuedOn: ctx.today });
    const due = typeof parsed === "string" ? parsed : parsed.kind === "absolute" ? parsed.due : null;
    if (!due) throw new UserError(`看不懂时限「${duePart}」。请写成具体日期，例如 2026-12-31、12月31日 或 12月底前。`);
    if (due < ctx.today) throw new UserError(`截止日期 ${formatCn(due, { year: true })} 已经过去了，请写一个今天或以后的日期。`);
    const at = ctx.clock.now().getTime();
    const planId = await adHocPlan(ctx.db, Number(due.slice(0, 4)));
    const [task] = await ctx.db
      .insert(tasks)
      .values({
        planId,
        requirement: requirement.trim(),
        responsibleText: units.map((u) => u.name).join("、"),
        deadlineText: duePart,
        deadline: JSON.stringify({ text: duePart, kind: "absolute", due }),
        dueDate: due,
        contentKey: contentKeys([{ requirement, category: [] }])[0],
        createdBy: ctx.actor.openId,
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    for (const u of units) await addAssignment(ctx.db, { taskId: task.id, unitId: u.id, dueDate: due }, at);
    await record(ctx.db, { at, actor: ctx.actor.openId, action: "task.create", subject: `task:${task.id}`, detail: { units: units.map((u) => u.name), due } });
    return text(`已创建任务 ${task.id}，截止 ${formatCn(due, { year: true })}，责任单位：${units.map((u) => u.name).join("、")}。各单位可发送「任务 ${task.id}」查看。`);
  },
});
