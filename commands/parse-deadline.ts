import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { card } from "../src/bot/reply";
import { coverageNote } from "../src/domain/calendar";
import { formatCn, parseDate, weekdayCn } from "../src/domain/dates";
import { describeDeadline, dueFromEvent, parseDeadline, periodInstances, type Deadline } from "../src/domain/deadline";

const KIND_CN: Record<string, string> = {
  absolute: "固定日期",
  recurring: "周期性（每期一个截止日）",
  event_relative: "事件触发（从事件发生日起算）",
  continuing: "长期 / 持续（没有截止日，不会逾期）",
  window: "期间性",
  unknown: "没有读懂（导入后没有截止日期）",
};

const EXAMPLE = "解读时限 信息形成或者变更之日起20个工作日内";

export default defineCommand({
  name: "parse-deadline",
  words: ["解读时限", "时限解读", "parse-deadline"],
  role: "admin",
  summary: "查看我怎样理解一句时限要求：类别、截止日期、工作日怎么数、节假日数据是否覆盖",
  usage: "解读时限 [年份] <时限原文>",
  examples: [EXAMPLE, "解读时限 2022 4月底前", "解读时限 每月后10个工作日内"],
  writes: false,
  async handler(ctx) {
    const m = ctx.args.match(/^(?:(\d{4})\s+)?([\s\S]+)$/);
    if (!m) throw new UserError(`请在后面写上时限原文，例如「${EXAMPLE}」；要按某一年计算，在原文前写年份，例如「解读时限 2022 4月底前」。`);
    const year = m[1] ? Number(m[1]) : parseDate(ctx.today).year;
    if (year < 2000 || year > 2100) throw new UserError(`年份「${m[1]}」不对，请写四位年份，例如「解读时限 2022 4月底前」。`);
    const phrase = m[2].trim();
    if (phrase.length > 500) throw new UserError("时限原文最多 500 字，请只贴时限那一段。");
    const cal = ctx.calendar;
    const d = parseDeadline(phrase, { year, calendar: cal });
    const parts: Deadline[] = d.parts && d.parts.length > 1 ? d.parts : [d];

    const fields = [
      { label: "原文", value: phrase },
      { label: "按年份", value: `${year}年${m[1] ? "" : "（今年；要按别的年份算，在原文前写年份）"}` },
      { label: "类别", value: parts.map((p) => KIND_CN[p.kind] ?? p.kind).join(" ＋ ") },
    ];
    const lines: string[] = [];
    const years = new Set<number>([year]);
    for (const p of parts) {
      if (p.kind === "absolute" && p.due) {
        years.add(parseDate(p.due).year);
        const off = cal.isWorkday(p.due) ? "" : `，当天${cal.holidayName(p.due) ? `是${cal.holidayName(p.due)}假期` : "不是工作日"}（截止日不顺延）`;
        lines.push(`截止：${formatCn(p.due, { year: true })}（${weekdayCn(p.due)}）${off}`);
      }
      if (p.kind === "window" && p.start && p.due) lines.push(`期间：${formatCn(p.start, { year: true })}至${formatCn(p.due, { year: true })}`);
      if (p.kind === "recurring") {
        const inst = periodInstances(p, year, cal);
        for (const i of inst) years.add(parseDate(i.due).year);
        if (inst.length) {
          const shown = inst.slice(0, 12).map((i) => `${i.key}：${formatCn(i.due)}（${weekdayCn(i.due)}）`);
          lines.push(`${year}年各期截止：\n${shown.join("\n")}${inst.length > 12 ? `\n…共 ${inst.length} 期` : ""}`);
        } else lines.push("没有写频次（如“定期”）：导入后需要管理员确定每期的截止日。");
      }
      if (p.kind === "event_relative") {
        const due = dueFromEvent(p, ctx.today, cal);
        years.add(parseDate(due).year);
        const n = p.withinWorkdays !== undefined ? `第 ${p.withinWorkdays} 个工作日（当天不算，节假日不算，调休上班日算）` : p.withinDays !== undefined ? `第 ${p.withinDays} 天（遇节假日顺延到下一个工作日）` : "";
        lines.push(`例如事件发生在今天（${formatCn(ctx.today)}），截止 ${formatCn(due, { year: true })}（${weekdayCn(due)}）${n ? `：${n}` : ""}。`);
      }
    }
    if (parts.some((p) => p.kind === "event_relative")) lines.push("导入后，联络员用「登记 编号 日期」登记事件，按实际日期计算截止日。");
    const coverage = [...years].sort().map((y) => coverageNote(cal, y) ?? `${y}年：已有国务院节假日安排`);
    const detail = describeDeadline(d, cal, ctx.today);
    return card("时限解读", d.kind === "unknown" ? "orange" : "blue", [
      { type: "fields", fields },
      { type: "markdown", text: detail },
      ...(lines.length ? [{ type: "markdown" as const, text: lines.join("\n") }] : []),
      { type: "note", text: `工作日日历：${coverage.join("；")}` },
    ]);
  },
});
