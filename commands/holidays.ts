import { and, gte, lte } from "drizzle-orm";
import type { Db } from "../db/client";
import { record } from "../db/queries/audit";
import { calendarOverlay } from "../db/schema";
import { defineCommand, type CommandContext } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { card, text, type Reply } from "../src/bot/reply";
import { coverageNote, HolidayNoticeError, parseHolidayNotice, type CalendarOverlayDay } from "../src/domain/calendar";
import { addDays, diffDays, formatCn, parseDate, weekdayCn } from "../src/domain/dates";
import { calendarChanged } from "../src/jobs/calendar-hooks";

const EXAMPLE = "节假日 2027 一、元旦：1月1日至3日放假调休，共3天。…（国务院办公厅通知全文）";

function status(ctx: CommandContext, year?: number): Reply {
  const cal = ctx.calendar;
  const { from, to, overlayYears } = cal.coverage();
  const thisYear = parseDate(ctx.today).year;
  const years = year ? [year] : [thisYear, thisYear + 1];
  const lines = years.map((y) => {
    const note = coverageNote(cal, y);
    if (!note) return `**${y}年**：已有国务院节假日安排${overlayYears.includes(y) ? "（管理员导入）" : "（内置数据）"}。`;
    return `**${y}年**：没有数据，工作日按周一至周五估算。`;
  });
  return card("节假日数据", years.every((y) => cal.covers(y)) ? "green" : "orange", [
    { type: "markdown", text: lines.join("\n") },
    { type: "note", text: `内置数据覆盖 ${from}–${to} 年${overlayYears.length ? `；已导入 ${overlayYears.join("、")} 年` : ""}。导入：${EXAMPLE}` },
  ]);
}

/** 1月1日—3日 style ranges of consecutive days, for the confirmation. */
function ranges(days: CalendarOverlayDay[]): string[] {
  const out: string[] = [];
  let start: CalendarOverlayDay | undefined;
  let prev: CalendarOverlayDay | undefined;
  const flush = () => {
    if (!start || !prev) return;
    const n = diffDays(prev.date, start.date) + 1;
    out.push(`${start.name ?? ""} ${formatCn(start.date)}${n > 1 ? `至${formatCn(prev.date)}` : ""}（${n}天）`.trim());
  };
  for (const d of days) {
    if (prev && addDays(prev.date, 1) === d.date && prev.name === d.name) prev = d;
    else {
      flush();
      start = prev = d;
    }
  }
  flush();
  return out;
}

export default defineCommand({
  name: "holidays",
  words: ["节假日", "导入节假日", "holidays"],
  role: "admin",
  summary: "导入国务院公布的某年节假日安排（放假和调休上班），或查看已有哪些年份",
  usage: "节假日 <年份> <通知全文>",
  examples: [EXAMPLE, "节假日"],
  // The overlay is written and committed first, then the calendar is reloaded: not in the reply's transaction.
  writes: false,
  async handler(ctx) {
    const m = ctx.args.match(/^(\d{4})\s*年?\s*([\s\S]*)$/);
    if (!ctx.args.trim()) return status(ctx);
    if (!m) throw new UserError(`请先写年份，再粘贴通知全文，例如「${EXAMPLE}」。发送「节假日」查看已有哪些年份。`);
    const year = Number(m[1]);
    const thisYear = parseDate(ctx.today).year;
    if (year < thisYear - 1 || year > thisYear + 2) throw new UserError(`只能导入 ${thisYear - 1} 至 ${thisYear + 2} 年的安排，请核对年份「${year}」。`);
    const notice = m[2].trim();
    if (!notice) return status(ctx, year);
    const days = parseHolidayNotice(notice, year);
    if (days instanceof HolidayNoticeError) {
      throw new UserError(`没能读懂这份通知：${days.message}。请粘贴国务院办公厅通知中从“一、元旦：”到最后一项的原文，年份要与通知一致。`);
    }
    const off = days.filter((d) => !d.workday);
    const on = days.filter((d) => d.workday);
    if (off.length < 5) throw new UserError(`只读到 ${off.length} 天假期，不像完整的全年安排。请粘贴通知全文（元旦、春节、清明、劳动节、端午、中秋、国庆各项）。`);
    const outside = days.find((d) => d.date < `${year - 1}-12-01` || d.date > `${year + 1}-01-31`);
    if (outside) throw new UserError(`通知里的 ${formatCn(outside.date, { year: true })} 不在 ${year} 年，请确认年份和通知是否一致。`);

    const at = ctx.clock.now().getTime();
    const source = `国务院办公厅通知（${year}年），${ctx.actor.name || ctx.actor.openId}导入`;
    const db = ctx.db as Db;
    await db.transaction(async (tx) => {
      // A corrected notice replaces the earlier import of that year.
      await tx.delete(calendarOverlay).where(and(gte(calendarOverlay.date, `${year}-01-01`), lte(calendarOverlay.date, `${year}-12-31`)));
      for (const d of days) {
        await tx
          .insert(calendarOverlay)
          .values({ date: d.date, workday: d.workday, name: d.name ?? "", source })
          .onConflictDoUpdate({ target: calendarOverlay.date, set: { workday: d.workday, name: d.name ?? "", source } });
      }
      await record(tx, { at, actor: ctx.actor.openId, action: "calendar.load", subject: `calendar:${year}`, detail: { holidays: off.length, workdays: on.map((d) => d.date) } });
    });
    calendarChanged(ctx.db);
    return text(
      [
        `已导入${year}年节假日安排：放假 ${off.length} 天，调休上班 ${on.length} 天。`,
        `放假：${ranges(off).join("；")}`,
        on.length ? `调休上班：${on.map((d) => `${formatCn(d.date)}（${weekdayCn(d.date)}）`).join("、")}` : "",
        "从现在起每日提醒和逾期天数按这份安排计算。",
      ]
        .filter(Boolean)
        .join("\n"),
    );
  },
});
