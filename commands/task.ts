import { historyOf } from "../db/queries/audit";
import { assignmentsOfTask, notesOf } from "../db/queries/tasks";
import { defineCommand } from "../src/bot/command";
import { parseTaskId, taskById } from "../src/bot/lookup";
import { card, type Block } from "../src/bot/reply";
import { dueLabel, formatInstant, STATUS_CN } from "../src/bot/task-list";

const ACTIONS: Record<string, string> = {
  "task.create": "创建任务",
  "task.assign": "指派单位",
  "assignment.progress": "报进展",
  "assignment.done": "报完成",
  "task.import": "导入",
  "task.update": "导入更新",
};

export default defineCommand({
  name: "task",
  words: ["任务", "查看任务", "task"],
  role: "liaison",
  summary: "一项任务的全部要求、牵头单位、各责任单位进度和办理记录",
  usage: "任务 <编号>",
  examples: ["任务 12"],
  writes: false,
  async handler(ctx) {
    const id = parseTaskId(ctx.args, "任务 12");
    const task = await taskById(ctx, id);
    const assignments = await assignmentsOfTask(ctx.db, id);
    const [notes, history] = await Promise.all([notesOf(ctx.db, assignments.map((a) => a.id)), historyOf(ctx.db, `task:${id}`, 20)]);
    const category = (JSON.parse(task.category) as string[]).filter(Boolean).join(" / ");
    const lead = assignments.filter((a) => a.role === "lead").map((a) => a.unitName);
    const blocks: Block[] = [
      { type: "markdown", text: task.requirement },
      {
        type: "fields",
        fields: [
          ...(category ? [{ label: "分类", value: category }] : []),
          { label: "牵头单位", value: lead.length ? [...new Set(lead)].join("、") : task.leadText || "无" },
          ...(task.responsibleText ? [{ label: "责任单位（原文）", value: task.responsibleText }] : []),
          { label: "时限", value: task.deadlineText || (task.dueDate ? task.dueDate : "无") },
        ],
      },
      { type: "divider" },
      {
        type: "markdown",
        text: assignments.length
          ? assignments
              .map((a) => {
                const period = a.instance && !a.instance.startsWith("event:") ? `〔${a.instance}〕` : "";
                const done = a.status === "done" ? `（${a.doneNote || "无说明"}）` : `，${dueLabel(a.dueDate, ctx.today)}`;
                return `· ${a.unitName}${a.role === "lead" ? "（牵头）" : ""}${period}：${STATUS_CN[a.status]}${done}`;
              })
              .join("\n")
          : "还没有指派责任单位。管理员可发送「指派 编号 单位」。",
      },
    ];
    const lines = [
      ...notes.map((n) => {
        const a = assignments.find((x) => x.id === n.assignmentId);
        return { at: n.createdAt, line: `${formatInstant(n.createdAt)} ${a?.unitName ?? ""} 进展：${n.text}` };
      }),
      ...history
        .filter((h) => h.action !== "assignment.progress")
        .map((h) => ({ at: h.at, line: `${formatInstant(h.at)} ${ACTIONS[h.action] ?? h.action}${summary(h.detail)}` })),
    ].sort((a, b) => a.at - b.at);
    if (lines.length) {
      blocks.push({ type: "divider" }, { type: "note", text: `办理记录：\n${lines.slice(-15).map((l) => l.line).join("\n")}` });
    }
    return card(`任务 #${id}`, "blue", blocks);
  },
});

function summary(detail: string): string {
  try {
    const d = JSON.parse(detail) as { unit?: string; units?: string[]; note?: string };
    const who = d.unit ?? d.units?.join("、");
    return `${who ? ` ${who}` : ""}${d.note ? `：${d.note.slice(0, 60)}` : ""}`;
  } catch {
    return "";
  }
}
