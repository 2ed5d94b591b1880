import { z } from "zod";
import { assignmentsOfTaskUnit } from "../db/queries/jobs";
import { plans } from "../db/schema";
import { eq } from "drizzle-orm";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { actingUnit, parseTaskId, taskById } from "../src/bot/lookup";
import { text } from "../src/bot/reply";
import { addDays, diffDays, formatCn, isValidDate, parseDate, toDateString, weekdayCn } from "../src/domain/dates";
import { NotEventTaskError, registerEvent } from "../src/jobs/instances";

const EXAMPLE = "登记 12 2026-11-20 县政府常务会议通过了新的收费目录";
const MAX_NOTE = 500;

/**
 * The event's date as people write it: 2026-11-20, 2026/11/20, 2026年11月20日, 11月20日, 11-20, 11/20,
 * 今天, 昨天, 前天. A date without a year is the latest such date not after today.
 */
export function readEventDate(token: string, today: string): string | undefined {
  const t = token.trim();
  if (t === "今天" || t === "今日") return today;
  if (t === "昨天" || t === "昨日") return addDays(today, -1);
  if (t === "前天") return addDays(today, -2);
  let m = t.match(/^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/);
  if (m) {
    const d = toDateString(Number(m[1]), Number(m[2]), Number(m[3]));
    return isValidDate(d) ? d : undefined;
  }
  m = t.match(/^(\d{1,2})[-/.月](\d{1,2})日?$/);
  if (m) {
    const { year } = parseDate(today);
    let d = toDateString(year, Number(m[1]), Number(m[2]));
    if (!isValidDate(d)) return undefined;
    if (d > today) d = toDateString(year - 1, Number(m[1]), Number(m[2]));
    return isValidDate(d) ? d : undefined;
  }
  return undefined;
}

const looksLikeDate = /^(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/.月]\d{1,2}日?|今天|今日|昨天|昨日|前天)$/;

const args = z.object({
  id: z.number().int().positive(),
  date: z.string().refine(isValidDate),
  note: z.string().max(MAX_NOTE, `说明最多 ${MAX_NOTE} 字，请精简后再发。`),
});

export default defineCommand({
  name: "event",
  words: ["登记", "登记事件", "event"],
  role: "liaison",
  summary: "登记触发时限的事件（如信息形成、决定作出），从事件日起计算本次的截止日期",
  usage: "登记 <编号> [日期] [说明]",
  examples: [EXAMPLE, "登记 12 今天 作出行政处罚决定"],
  writes: true,
  async handler(ctx) {
    const [idPart, maybeDate, ...rest] = ctx.args.split(/\s+/);
    const id = parseTaskId(idPart, EXAMPLE);
    let date = ctx.today;
    let noteParts = [maybeDate, ...rest].filter(Boolean) as string[];
    if (maybeDate && looksLikeDate.test(maybeDate)) {
      const d = readEventDate(maybeDate, ctx.today);
      if (!d) throw new UserError(`日期「${maybeDate}」不存在，请核对，例如「${EXAMPLE}」。`);
      date = d;
      noteParts = rest;
    }
    const parsed = args.safeParse({ id, date, note: noteParts.join(" ").trim() });
    if (!parsed.success) throw new UserError(parsed.error.issues[0]?.message ?? `请按「${EXAMPLE}」的格式发送。`);
    const { note } = parsed.data;
    if (date > ctx.today) {
      throw new UserError(`事件日期 ${formatCn(date, { year: true })} 晚于今天。登记的是已经发生的事件（信息形成、决定作出等），请写实际发生的日期。`);
    }
    if (diffDays(ctx.today, date) > 366) {
      throw new UserError(`事件日期 ${formatCn(date, { year: true })} 已超过一年，请核对日期；确需补登的，请联系管理员。`);
    }
    const task = await taskById(ctx, id);
    const unit = await actingUnit(ctx);
    const mine = await assignmentsOfTaskUnit(ctx.db, task.id, unit.id);
    if (!mine.length) throw new UserError(`任务 ${id} 没有指派给${unit.name}，不能登记。发送「任务 ${id}」查看责任单位；如有疑问请联系管理员。`);
    const [plan] = await ctx.db.select({ year: plans.year }).from(plans).where(eq(plans.id, task.planId)).limit(1);
    const at = ctx.clock.now().getTime();
    try {
      const r = await registerEvent(ctx.db, {
        task: { id: task.id, deadline: task.deadline, deadlineText: task.deadlineText, planYear: plan?.year ?? parseDate(ctx.today).year },
        unitId: unit.id,
        role: (mine.find((a) => a.instance === "") ?? mine[0]).role,
        occurredOn: date,
        note,
        by: ctx.actor.openId,
        calendar: ctx.calendar,
        at,
      });
      const left = diffDays(r.due, ctx.today);
      const when = left < 0 ? `，**已逾期 ${-left} 天**，请尽快办理` : left === 0 ? "，**今天到期**" : `，还有 ${left} 天`;
      const open = mine.filter((a) => a.instance.startsWith("event:") && a.status !== "done").length;
      return text(
        [
          `已登记${unit.name}任务 ${id} 的事件（${formatCn(date)}${note ? `：${note}` : ""}，登记号 ${r.eventId}）。`,
          `按「${r.trigger ? `${r.trigger}` : "事件发生"}后${r.rule}」计算，须在 ${formatCn(r.due, { year: true })}（${weekdayCn(r.due)}）前完成${when}。`,
          open ? `本任务还有 ${open} 个已登记事件未办结；「完成 ${id}」按截止日期从早到晚依次办结。` : `办完后发送「完成 ${id} 说明或链接」。`,
        ].join("\n"),
      );
    } catch (e) {
      if (e instanceof NotEventTaskError) {
        throw new UserError(
          `任务 ${id} 的时限是「${task.deadlineText || "无"}」，不是“事件发生后若干日内”这一类，不需要登记事件。发送「任务 ${id}」查看截止日期。`,
        );
      }
      throw e;
    }
  },
});
