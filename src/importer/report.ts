/**
 * What the admin reads about an import, in Chinese: the preview before 确认导入 (counts, a sample of
 * tasks with their deadlines, names to settle, deadline phrases not understood, skipped rows, what a
 * re-import would change) and the result after it. Pure: the chat card (commands/import.ts) and the
 * CLI (src/cli/import.ts) both print these sections.
 */
import type { Block } from "../bot/reply";
import { formatCn } from "../domain/dates";
import type { Deadline } from "../domain/deadline";
import type { ImportBatch } from "./commit";
import { blockingNames, fallbackMatches, shapeTask, vagueNames, type ImportDiff, type ImportResult } from "./store";
import type { ParsedPlan } from "./types";

export interface Section {
  heading: string;
  lines: string[];
  /** Worth drawing attention to (something the admin must do or should check). */
  attention?: boolean;
}

const PERIOD_CN: Record<string, string> = { week: "每周", month: "每月", quarter: "每季度", halfyear: "每半年", year: "每年" };

export function clip(s: string, n: number): string {
  const flat = s.replace(/\s+/g, "");
  return flat.length > n ? `${flat.slice(0, n)}…` : flat;
}

/** One short phrase for a deadline: 2022年8月31日截止 / 每季度（首次6月30日）/ 事件触发：…20个工作日内 / 长期. */
export function shortDeadline(d: Deadline): string {
  const parts = d.parts && d.parts.length > 1 ? d.parts : [d];
  const one = (p: Deadline): string => {
    switch (p.kind) {
      case "absolute":
        return p.due ? `${formatCn(p.due, { year: true })}截止` : "固定日期";
      case "recurring":
        return `${p.every ? PERIOD_CN[p.every] : "定期（未写频次）"}${p.due ? `（首次${formatCn(p.due)}）` : ""}`;
      case "event_relative": {
        const n =
          p.withinWorkdays !== undefined
            ? `${p.withinWorkdays}个工作日内`
            : p.withinDays !== undefined
              ? `${p.withinDays}日内`
              : p.withinHours !== undefined
                ? `${p.withinHours}小时内`
                : p.withinMonths !== undefined
                  ? `${p.withinMonths}个月内`
                  : "";
        return `事件触发：${clip(p.trigger ?? "事件", 12)}${p.connector || "后"}${n}`;
      }
      case "continuing":
        return `长期（${clip(p.text, 8)}）`;
      case "window":
        return p.start && p.due ? `${formatCn(p.start)}至${formatCn(p.due)}` : `期间内（${clip(p.window ?? p.text, 10)}）`;
      default:
        return "未识别";
    }
  };
  return unique(parts.map(one)).join("；");
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function listLine<T>(items: T[], max: number, fmt: (t: T) => string, sep = "、"): string {
  const shown = items.slice(0, max).map(fmt).join(sep);
  return items.length > max ? `${shown}${sep === "\n" ? "\n" : sep}…共 ${items.length} 个` : shown;
}

export interface PreviewInput {
  parsed: ParsedPlan;
  batch: ImportBatch;
  diff: ImportDiff;
  fileName: string;
  unitName: (id: number) => string;
}

export interface PreviewCounts {
  tasks: number;
  unitNames: number;
  resolvedUnits: number;
  lead: number;
  responsible: number;
  blocking: number;
  vague: number;
  unclassified: number;
  noDeadline: number;
}

export function previewCounts(p: PreviewInput): PreviewCounts {
  const shapes = p.batch.tasks.map(shapeTask);
  let lead = 0;
  let responsible = 0;
  const units = new Set<number>();
  for (const s of shapes) {
    for (const [id, role] of s.units) {
      units.add(id);
      if (role === "lead") lead++;
      else responsible++;
    }
  }
  return {
    tasks: p.batch.tasks.length,
    unitNames: p.parsed.units.length,
    resolvedUnits: units.size,
    lead,
    responsible,
    blocking: blockingNames(p.batch).length,
    vague: vagueNames(p.batch).length,
    unclassified: p.batch.tasks.filter((t) => t.deadline.kind === "unknown" && t.deadlineSource !== "none").length,
    noDeadline: p.batch.tasks.filter((t) => t.deadlineSource === "none").length,
  };
}

/**
 * The preview, section by section. `commands` says how the admin settles things in this channel
 * (chat words or CLI options).
 */
export function previewSections(p: PreviewInput, how: { chat: boolean }): Section[] {
  const { parsed, batch, diff } = p;
  const c = previewCounts(p);
  const out: Section[] = [];
  const year = batch.plan.year;

  out.push({
    heading: "概况",
    lines: [
      `计划：${batch.plan.title}${year ? `（${year}年）` : "（**年份未知**）"}${batch.plan.issuedOn ? `，印发日期 ${formatCn(batch.plan.issuedOn, { year: true })}` : ""}`,
      `任务：${c.tasks} 条；表中单位名称 ${c.unitNames} 个，已对应到 ${c.resolvedUnits} 个单位`,
      `将分派：牵头 ${c.lead} 项、责任 ${c.responsible} 项（每个单位每项任务一条）`,
    ],
  });

  if (year === null) {
    out.push({
      heading: "缺少年份",
      attention: true,
      lines: [how.chat ? "表格标题里没有“20XX年”。请回复这条文件消息发送「导入 2022」（写上计划年份）重新预览。" : "表格标题里没有“20XX年”，请加 --year 2022 重新运行。"],
    });
  }

  // What a re-import changes.
  if (diff.plan.id !== null) {
    const how2 = diff.plan.matchedBy === "content" ? `（与已有计划「${diff.plan.previousTitle}」的任务大部分相同）` : "";
    const lines = [
      `这是对已有计划的重新导入${how2}：新增 ${diff.added.length} 条，修改 ${diff.updated.length} 条，移出 ${diff.removed.length} 条，不变 ${diff.unchanged.length + diff.moved.length} 条${diff.moved.length ? `（其中 ${diff.moved.length} 条只是序号或分类变了）` : ""}。`,
      "已有任务的编号、进展和完成情况都保留；移出的任务不会删除。",
    ];
    for (const u of diff.updated.slice(0, 8)) lines.push(`#${u.before.id}（序号 ${u.after.seq}）${u.changes.join("；")}`);
    if (diff.updated.length > 8) lines.push(`…另有 ${diff.updated.length - 8} 条修改`);
    for (const t of diff.removed.slice(0, 5)) lines.push(`移出 #${t.id} ${clip(t.requirement, 24)}`);
    if (diff.removed.length > 5) lines.push(`…另有 ${diff.removed.length - 5} 条移出`);
    for (const s of diff.added.slice(0, 5)) lines.push(`新增（序号 ${s.seq}）${clip(s.requirement, 24)}`);
    if (diff.added.length > 5) lines.push(`…另有 ${diff.added.length - 5} 条新增`);
    out.push({ heading: "与已导入的内容相比", lines, attention: diff.updated.length + diff.removed.length > 0 });
  }

  // Sample.
  const sample = batch.tasks.slice(0, 5).map((t) => {
    const s = shapeTask(t);
    const who = [s.leadText ? `牵头：${clip(s.leadText, 16)}` : "", s.responsibleText ? `责任：${clip(s.responsibleText, 20)}` : ""].filter(Boolean).join("；");
    return `${t.seq}. ${clip(t.requirement, 28)}\n　时限：${shortDeadline(t.deadline)}${who ? `；${who}` : ""}`;
  });
  if (sample.length) out.push({ heading: `任务示例（前 ${sample.length} 条）`, lines: sample });

  // Names to settle.
  const blocking = blockingNames(batch);
  if (blocking.length) {
    out.push({
      heading: `未对应的单位名称 ${blocking.length} 个（确认前需处理）`,
      attention: true,
      lines: [
        listLine(blocking, 40, (n) => `${n.text}${n.kind === "group" ? "［单位组］" : ""}（${n.tasks}）`),
        how.chat
          ? "处理办法：已有的单位发「映射 表中名称 单位」；新单位发「新单位 名称」，或发「新建表中单位」一次创建全部未对应的单位名称；“各X”这类写法发「单位组 组名 单位、单位…」建组，再发「单位组 组名 表述 表中写法」。"
          : "处理办法：在聊天中用「新单位」「映射」「单位组」登记，或加 --create-units 把未对应的单位名称创建为新单位（单位组仍需在聊天中定义）。",
      ],
    });
  }
  const vague = vagueNames(batch);
  if (vague.length) {
    out.push({
      heading: `不具体的单位写法 ${vague.length} 个（不分派）`,
      lines: [
        listLine(vague, 15, (n) => `${n.text}（${n.tasks}）`),
        how.chat
          ? "这些写法不指明具体单位，导入后保留原文；需要分派时用「指派 编号 单位」，或用「单位组 组名 表述 原文」把它定义成单位组后重新确认。"
          : "这些写法不指明具体单位，导入后保留原文，需要在聊天中用「指派」补上。",
      ],
    });
  }
  // Tasks that would reach nobody even once every name above is settled: only vague references, or none.
  const noUnits = batch.tasks.filter((t) => !t.units.some((u) => u.unitIds.length || u.kind === "unit" || u.kind === "group"));
  if (noUnits.length) {
    out.push({
      heading: `没有具体单位的任务 ${noUnits.length} 条`,
      attention: true,
      lines: [
        listLine(noUnits, 12, (t) => `序号 ${t.seq}`),
        how.chat
          ? "这些任务只写了不具体的单位（或没写），导入后没有单位收到提醒：请在确认后用「指派 编号 单位」指派。"
          : "这些任务只写了不具体的单位（或没写），导入后没有单位收到提醒：请在聊天中用「指派 编号 单位」指派。",
      ],
    });
  }
  const fallback = fallbackMatches(batch, p.unitName);
  if (fallback.length) {
    out.push({ heading: "按推断对应的名称（请核对）", lines: fallback.slice(0, 15).map((f) => `${f.text} → ${f.unit}（${f.how}）`) });
  }

  // Deadlines.
  const kinds = new Map<string, number>();
  for (const t of batch.tasks) kinds.set(t.deadline.kind, (kinds.get(t.deadline.kind) ?? 0) + 1);
  const KIND_CN: Record<string, string> = { absolute: "固定日期", recurring: "周期", event_relative: "事件触发", continuing: "长期", window: "期间", unknown: "未识别/无时限" };
  const deadlineLines = [[...kinds].map(([k, n]) => `${KIND_CN[k] ?? k} ${n}`).join("，")];
  const unclassified = batch.tasks.filter((t) => t.deadline.kind === "unknown" && t.deadlineSource !== "none");
  if (unclassified.length) {
    deadlineLines.push(
      `没能读懂的时限写法 ${unclassified.length} 条：${listLine(unclassified, 8, (t) => `序号${t.seq}「${clip(t.deadlineText || t.deadline.text, 20)}」`)}`,
      how.chat ? "可以发「解读时限 原文」查看读法；这些任务导入后没有截止日期。" : "这些任务导入后没有截止日期。",
    );
  }
  const none = batch.tasks.filter((t) => t.deadlineSource === "none");
  if (none.length) deadlineLines.push(`没有写时限的任务 ${none.length} 条（导入后没有截止日期，不会逾期提醒）。`);
  const recurring = batch.tasks.filter((t) => [t.deadline, ...(t.deadline.parts ?? [])].some((d) => d.kind === "recurring" && d.every)).length;
  if (recurring) deadlineLines.push(`周期性任务 ${recurring} 条：每期的截止日由定时任务按期生成。`);
  out.push({ heading: "时限", lines: deadlineLines, attention: unclassified.length > 0 });

  // Skipped and warnings.
  if (parsed.skipped.length || parsed.warnings.length) {
    const lines: string[] = [];
    for (const s of parsed.skipped.slice(0, 6)) lines.push(`跳过 ${clip(s.what, 24)}（${s.where}）：${clip(s.reason, 30)}`);
    if (parsed.skipped.length > 6) lines.push(`…另有 ${parsed.skipped.length - 6} 项跳过`);
    const warnings = parsed.warnings.filter((w) => !/任务没有责任单位/.test(w));
    for (const w of warnings.slice(0, 4)) lines.push(`提醒：${clip(w, 60)}`);
    if (warnings.length > 4) lines.push(`…另有 ${warnings.length - 4} 条提醒`);
    if (parsed.leadAssignments.length) lines.push(`县直部门牵头清单 ${parsed.leadAssignments.length} 项：作为牵头信息保留，不是任务。`);
    if (lines.length) out.push({ heading: "跳过和提醒", lines });
  }
  return out;
}

/** The next step, in one sentence. */
export function previewNextStep(p: PreviewInput): string {
  if (p.batch.plan.year === null) return "请先补上计划年份（回复文件消息发送「导入 2022」），再确认导入。";
  const blocking = blockingNames(p.batch);
  if (blocking.length) {
    const units = blocking.filter((b) => b.kind === "unit").length;
    return `还有 ${blocking.length} 个单位名称未对应：处理后发「确认导入」${units && units === blocking.length ? "；或发「确认导入 新建单位」把它们都创建为新单位并导入" : ""}；一定要先导入的话发「确认导入 暂不分派」（这些名称的任务先不分派）。在这之前什么都不会写入。`;
  }
  return "核对无误后点「确认导入」或发送「确认导入」；不导入就发「取消导入」。确认之前什么都不会写入。";
}

export function resultSections(
  r: ImportResult,
  opts: { chat: boolean; createdUnits?: string[]; pending?: { text: string; kind: string; tasks: number }[] },
): Section[] {
  const out: Section[] = [];
  const head = r.plan.isNew
    ? `已导入计划「${r.plan.title}」（${r.plan.year}年）：${r.created} 条任务，分派 ${r.assignmentsAdded} 项。`
    : `已更新计划「${r.plan.title}」（${r.plan.year}年）：新增 ${r.created} 条，修改 ${r.updated} 条，移出 ${r.removed} 条，不变 ${r.unchanged} 条。`;
  const lines = [head];
  if (!r.plan.isNew) lines.push(`分派：新增 ${r.assignmentsAdded} 项，取消 ${r.assignmentsRemoved} 项（没有进展的）。已有任务的编号、进展和完成情况保留。`);
  if (r.addedTasks.length) {
    const ids = r.addedTasks.map((t) => t.id);
    lines.push(`任务编号：${ids.length > 1 ? `${Math.min(...ids)}–${Math.max(...ids)}` : ids[0]}`);
  }
  if (opts.createdUnits?.length) lines.push(`新建单位 ${opts.createdUnits.length} 个：${listLine(opts.createdUnits, 30, (n) => n)}`);
  out.push({ heading: "结果", lines });
  if (r.changes.length) {
    out.push({
      heading: `修改的任务 ${r.changes.length} 条`,
      lines: [...r.changes.slice(0, 10).map((c) => `#${c.taskId}（序号 ${c.seq}）${c.changes.join("；")}`), ...(r.changes.length > 10 ? [`…另有 ${r.changes.length - 10} 条`] : [])],
    });
  }
  if (r.removedTasks.length) {
    out.push({
      heading: `移出的任务 ${r.removedTasks.length} 条（不再提醒，记录保留）`,
      lines: [...r.removedTasks.slice(0, 8).map((t) => `#${t.id} ${clip(t.requirement, 28)}`), ...(r.removedTasks.length > 8 ? [`…另有 ${r.removedTasks.length - 8} 条`] : [])],
    });
  }
  if (r.keptAssignments.length) {
    out.push({
      heading: "表中去掉但仍保留的分派",
      attention: true,
      lines: [
        ...r.keptAssignments.slice(0, 10).map((k) => `#${k.taskId} ${k.unit}（${k.reason}）`),
        "这些单位已经报过进展或完成，分派没有取消，请与单位核实。",
      ],
    });
  }
  if (opts.pending?.length) {
    out.push({
      heading: `暂不分派的名称 ${opts.pending.length} 个`,
      attention: true,
      lines: [
        listLine(opts.pending, 30, (n) => `${n.text}（${n.tasks}）`),
        opts.chat
          ? "这些名称的任务没有分派给它们。用「新单位」「映射」「单位组」处理后，把同一个文件再发给我并确认，就会补上分派（已有进展不受影响）。"
          : "这些名称的任务没有分派给它们。在聊天中处理后，用同一个文件再运行一次本命令，就会补上分派。",
      ],
    });
  }
  if (r.unassignedTasks.length) {
    out.push({
      heading: `没有分派到任何单位的任务 ${r.unassignedTasks.length} 条`,
      attention: true,
      lines: [
        listLine(r.unassignedTasks, 15, (t) => `#${t.id}`),
        opts.chat ? `请用「指派 编号 单位」指派，例如「指派 ${r.unassignedTasks[0].id} 县财政局」。` : "请在聊天中用「指派 编号 单位」指派。",
      ],
    });
  }
  return out;
}

/** Plain text of sections (the CLI, and a text fallback). */
export function sectionsText(sections: Section[]): string {
  return sections.map((s) => [`【${s.heading}】`, ...s.lines.map((l) => l.replace(/\*\*/g, ""))].join("\n")).join("\n\n");
}

/** Sections as card blocks (markdown; the heading in bold, marked ⚠ when something needs the admin). */
export function sectionBlocks(sections: Section[]): Block[] {
  return sections.map((s) => ({ type: "markdown" as const, text: `**${s.attention ? "⚠ " : ""}${s.heading}**\n${s.lines.join("\n")}` }));
}
