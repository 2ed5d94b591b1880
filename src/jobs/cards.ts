/**
 * The scheduled messages as cards (src/bot/reply.ts `Reply`, rendered by src/lark/cards/render.ts):
 * short lines that read on a phone, the most urgent first, a cap on each list with a pointer to the
 * command that shows everything.
 */
import type { JobAssignment } from "../../db/queries/jobs";
import type { Block, Reply } from "../bot/reply";
import { shortTitle } from "../bot/task-list";
import { formatCn, weekdayCn } from "../domain/dates";

/** At most this many lines per list in one card. */
export const MAX_LINES = 8;

export function instanceLabel(instance: string): string {
  if (!instance) return "";
  if (instance.startsWith("event:")) return `〔事件#${instance.slice(6)}〕`;
  return `〔${instance}〕`;
}

export function dayCn(date: string): string {
  return `${formatCn(date)}（${weekdayCn(date)}）`;
}

function head(a: JobAssignment): string {
  return `**#${a.taskId}** ${shortTitle(a.requirement, 26)}${instanceLabel(a.instance)}`;
}

function capped(lines: string[], more: (n: number) => string): string {
  if (lines.length <= MAX_LINES) return lines.join("\n");
  return [...lines.slice(0, MAX_LINES), more(lines.length - MAX_LINES)].join("\n");
}

// ------------------------------------------------------------------------------------------ digest

export interface DigestContent {
  unitName: string;
  date: string;
  overdue: { a: JobAssignment; workdays: number }[];
  soon: { a: JobAssignment; days: number }[];
  week: { total: number; done: number };
  /** The calendar fallback notice (a year without official holiday data). */
  calendarNotice?: string;
}

export function digestCard(c: DigestContent): Reply {
  const blocks: Block[] = [];
  const tone = c.overdue.length ? "red" : c.soon.length ? "orange" : "green";
  if (c.overdue.length) {
    blocks.push({
      type: "markdown",
      text: `**已逾期 ${c.overdue.length} 项**\n${capped(
        c.overdue.map(({ a, workdays }) => `${head(a)}\n　${formatCn(a.dueDate!)}截止，已逾期 ${workdays} 个工作日`),
        (n) => `…另有 ${n} 项，发送「逾期」查看全部`,
      )}`,
    });
  }
  if (c.soon.length) {
    blocks.push({
      type: "markdown",
      text: `**7 天内到期 ${c.soon.length} 项**\n${capped(
        c.soon.map(({ a, days }) => `${head(a)}\n　${dayCn(a.dueDate!)}截止${days === 0 ? "，**今天到期**" : `，还有 ${days} 天`}`),
        (n) => `…另有 ${n} 项，发送「我的任务」查看全部`,
      )}`,
    });
  }
  if (!c.overdue.length && !c.soon.length) blocks.push({ type: "markdown", text: "今天没有逾期或 7 天内到期的任务。" });
  blocks.push({
    type: "markdown",
    text: c.week.total ? `本周到期 ${c.week.total} 项，已完成 ${c.week.done} 项。` : "本周没有到期的任务。",
  });
  if (c.calendarNotice) blocks.push({ type: "note", text: `⚠ ${c.calendarNotice}。` });
  blocks.push({ type: "note", text: "发送「完成 编号 说明或链接」报完成，「进展 编号 内容」报进展。" });
  return { card: { title: `${c.unitName} · 每日提醒 ${dayCn(c.date)}`, tone, blocks } };
}

// ------------------------------------------------------------------------------------------ alerts

export interface AlertItem {
  a: JobAssignment;
  /** Working days overdue. */
  workdays: number;
}

export function alertCard(unitName: string, date: string, items: AlertItem[], escalateAfter: number, calendarNotice?: string): Reply {
  const lines = items.map(({ a, workdays }) => {
    const left = escalateAfter - workdays;
    const esc = left > 0 ? `再逾期 ${left} 个工作日将报县政务公开办` : "已报县政务公开办督办";
    return `${head(a)}\n　${formatCn(a.dueDate!)}截止，已逾期 ${workdays} 个工作日；${esc}`;
  });
  const blocks: Block[] = [
    { type: "markdown", text: capped(lines, (n) => `…另有 ${n} 项，发送「逾期」查看全部`) },
    { type: "note", text: "办完请发送「完成 编号 说明或链接」；确有困难需要延期，请联系管理员。" },
  ];
  if (calendarNotice) blocks.splice(1, 0, { type: "note", text: `⚠ ${calendarNotice}。` });
  return { card: { title: `逾期提醒 · ${unitName} ${items.length} 项`, tone: "red", blocks } };
}

export interface EscalationItem extends AlertItem {
  unitName: string;
}

export function escalationAdminCard(date: string, items: EscalationItem[], escalateAfter: number): Reply {
  const byUnit = new Map<string, EscalationItem[]>();
  for (const i of items) byUnit.set(i.unitName, [...(byUnit.get(i.unitName) ?? []), i]);
  const sections = [...byUnit.entries()]
    .sort((x, y) => y[1].length - x[1].length)
    .map(([unit, list]) => `**${unit}**（${list.length} 项）\n${list
      .slice(0, 5)
      .map(({ a, workdays }) => `${head(a)}\n　${formatCn(a.dueDate!)}截止，已逾期 ${workdays} 个工作日`)
      .join("\n")}${list.length > 5 ? `\n…另有 ${list.length - 5} 项，发送「逾期 ${unit}」查看` : ""}`);
  const shown = sections.slice(0, 15);
  const blocks: Block[] = [
    { type: "markdown", text: `以下任务已逾期 ${escalateAfter} 个工作日以上，${byUnit.size} 个单位，共 ${items.length} 项：` },
    { type: "markdown", text: shown.join("\n") + (sections.length > shown.length ? `\n…另有 ${sections.length - shown.length} 个单位` : "") },
    { type: "note", text: "单位办结后发送「完成 编号」即停止提醒。升级天数可用「设置 升级天数 N」调整。" },
  ];
  return { card: { title: `逾期升级 · ${dayCn(date)}`, tone: "red", blocks } };
}

export function escalationLeadCard(leadName: string, date: string, items: EscalationItem[]): Reply {
  const lines = items.map(({ a, workdays, unitName }) => `${head(a)}\n　责任单位 ${unitName}：${formatCn(a.dueDate!)}截止，已逾期 ${workdays} 个工作日`);
  return {
    card: {
      title: `牵头任务逾期 · ${leadName}`,
      tone: "orange",
      blocks: [
        { type: "markdown", text: `${leadName}牵头的任务中，以下责任单位已逾期，请督促落实：` },
        { type: "markdown", text: capped(lines, (n) => `…另有 ${n} 项`) },
        { type: "note", text: `${dayCn(date)} · 发送「任务 编号」查看各单位进度。` },
      ],
    },
  };
}

// ------------------------------------------------------------------------------------------ summary

export interface SummaryRow {
  unitName: string;
  done: number;
  open: number;
  overdue: number;
}

export function summaryCard(date: string, week: string, rows: SummaryRow[], notices: string[]): Reply {
  const total = rows.reduce((t, r) => ({ done: t.done + r.done, open: t.open + r.open, overdue: t.overdue + r.overdue }), { done: 0, open: 0, overdue: 0 });
  const late = rows.filter((r) => r.overdue > 0).sort((a, b) => b.overdue - a.overdue || a.unitName.localeCompare(b.unitName, "zh"));
  const others = rows.filter((r) => r.overdue === 0 && r.done + r.open > 0);
  const line = (r: SummaryRow) => `${r.unitName}：完成 ${r.done} · 在办 ${r.open}${r.overdue ? ` · **逾期 ${r.overdue}**` : ""}`;
  const blocks: Block[] = [
    {
      type: "fields",
      fields: [
        { label: "全县", value: `完成 ${total.done} 项 · 在办 ${total.open} 项 · 逾期 ${total.overdue} 项` },
        { label: "有逾期的单位", value: late.length ? `${late.length} 个` : "无" },
      ],
    },
  ];
  if (late.length) blocks.push({ type: "divider" }, { type: "markdown", text: `**有逾期的单位（逾期多的在前）**\n${late.map(line).join("\n")}` });
  if (others.length) blocks.push({ type: "divider" }, { type: "markdown", text: `**其他单位**\n${others.map(line).join("\n")}` });
  for (const n of notices) blocks.push({ type: "note", text: `⚠ ${n}` });
  blocks.push({ type: "note", text: "在办含进行中和待办；逾期为已过截止日仍未完成。发送「逾期 单位名」查看某单位明细。" });
  return { card: { title: `每周汇总 · ${week} · ${dayCn(date)}`, tone: late.length ? "orange" : "green", blocks } };
}

// ------------------------------------------------------------------------------------------ calendar

export function calendarFallbackCard(year: number, note: string): Reply {
  return {
    card: {
      title: `节假日数据缺失 · ${year}年`,
      tone: "red",
      blocks: [
        { type: "markdown", text: `${note}。` },
        {
          type: "markdown",
          text: `在导入之前，每日提醒按周一至周五发送，逾期天数也按周一至周五计算；法定节假日当天仍可能收到提醒，调休上班日则收不到。每份每日提醒都会注明这一点。`,
        },
        { type: "note", text: `导入方法：在这里发送「节假日 ${year} 」加上国务院办公厅通知的全文（从“一、元旦：”到最后一项）。` },
      ],
    },
  };
}

export function calendarAdvanceCard(year: number, note: string): Reply {
  return {
    card: {
      title: `请导入${year}年节假日安排`,
      tone: "orange",
      blocks: [
        { type: "markdown", text: `${note}。` },
        { type: "markdown", text: `国务院办公厅一般在 11 月至 12 月公布下一年的节假日安排。公布后请尽快导入，以免 ${year} 年 1 月起的提醒和逾期计算出错。` },
        { type: "note", text: `导入方法：在这里发送「节假日 ${year} 」加上通知全文（从“一、元旦：”到最后一项）。` },
      ],
    },
  };
}

// ------------------------------------------------------------------------------------------ progress

export function progressRequestCard(unitName: string, periodLabel: string, items: JobAssignment[]): Reply {
  const lines = items.map((a) => `${head(a)}${a.deadlineText ? `（${shortTitle(a.deadlineText, 10)}）` : ""}`);
  return {
    card: {
      title: `${unitName} · ${periodLabel}长期任务进展`,
      tone: "blue",
      blocks: [
        { type: "markdown", text: `以下长期任务没有截止日期，请报送${periodLabel}的落实情况：` },
        { type: "markdown", text: capped(lines, (n) => `…另有 ${n} 项，发送「我的任务」查看全部`) },
        { type: "note", text: "发送「进展 编号 落实情况或链接」报送，例如「进展 5 已更新权责清单并公开」。" },
      ],
    },
  };
}

// ------------------------------------------------------------------------------------------ failures

export interface FailedDelivery {
  kind: string;
  recipient: string;
  error: string;
  businessDate: string | null;
}

const KIND_CN: Record<string, string> = {
  digest: "每日提醒",
  alert: "逾期提醒",
  escalation: "逾期升级",
  summary: "每周汇总",
  "progress-request": "进展请求",
  "calendar-fallback": "节假日提醒",
  "calendar-advance": "节假日提醒",
  reply: "指令回复",
};

export function failureReportCard(items: FailedDelivery[]): Reply {
  const lines = items.map((i) => `${KIND_CN[i.kind] ?? i.kind} → ${i.recipient}${i.businessDate ? `（${formatCn(i.businessDate)}）` : ""}：${i.error.slice(0, 80)}`);
  return {
    card: {
      title: `消息发送失败 ${items.length} 条`,
      tone: "red",
      blocks: [
        { type: "markdown", text: capped(lines, (n) => `…另有 ${n} 条`) },
        {
          type: "note",
          text: "已多次重试仍未送达。常见原因：机器人不在该群（请把机器人拉回群里）、群已解散、飞书服务异常。处理后可在服务器上运行 npm run job -- retry-failed 重新发送。",
        },
      ],
    },
  };
}
