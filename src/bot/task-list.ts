/** How a list of assignments reads on a phone: one short line each, most urgent first, paged. */
import type { UnitAssignmentRow } from "../../db/queries/tasks";
import { dateInShanghai, diffDays, formatCn } from "../domain/dates";
import type { Block } from "./reply";

export const PAGE_SIZE = 8;

export function shortTitle(requirement: string, max = 30): string {
  const flat = requirement.replace(/\s+/g, "");
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export const STATUS_CN = { todo: "待办", doing: "进行中", done: "已完成" } as const;

export function dueLabel(due: string | null, today: string, deadlineText = ""): string {
  if (!due) return deadlineText ? `无固定截止日（${shortTitle(deadlineText, 14)}）` : "无固定截止日";
  const d = diffDays(due, today);
  if (d < 0) return `${formatCn(due)} **已逾期${-d}天**`;
  if (d === 0) return `${formatCn(due)} **今天到期**`;
  return `${formatCn(due)}（还有${d}天）`;
}

export function isOverdue(a: { dueDate: string | null; status: string }, today: string): boolean {
  return !!a.dueDate && a.status !== "done" && a.dueDate < today;
}

export function assignmentLine(a: UnitAssignmentRow, today: string): string {
  const period = a.instance && !a.instance.startsWith("event:") ? `〔${a.instance}〕` : "";
  return `**#${a.taskId}** ${shortTitle(a.requirement)}${period}\n　${dueLabel(a.dueDate, today, a.deadlineText)} · ${STATUS_CN[a.status]}`;
}

/** Which rows a page holds; a page past the end shows the last one. */
export function pageWindow(page: number, total: number): { page: number; pages: number; offset: number } {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const p = Math.min(Math.max(1, page), pages);
  return { page: p, pages, offset: (p - 1) * PAGE_SIZE };
}

/** A page of lines plus the buttons to the neighbouring pages. */
export function pagedList(
  rows: UnitAssignmentRow[],
  page: number,
  total: number,
  today: string,
  commandForPage: (p: number) => string,
): Block[] {
  const { pages, page: p } = pageWindow(page, total);
  return [{ type: "markdown", text: rows.map((r) => assignmentLine(r, today)).join("\n") }, ...pageNav(p, pages, total, commandForPage)];
}

/** "第 2/3 页，共 20 项" and the buttons to the neighbouring pages; nothing for a single page. */
export function pageNav(page: number, pages: number, total: number, commandForPage: (p: number) => string): Block[] {
  if (pages <= 1) return [];
  const buttons = [];
  if (page > 1) buttons.push({ label: "上一页", command: commandForPage(page - 1) });
  if (page < pages) buttons.push({ label: "下一页", command: commandForPage(page + 1), primary: true });
  return [
    { type: "note", text: `第 ${page}/${pages} 页，共 ${total} 项` },
    { type: "buttons", buttons },
  ];
}

/** 第2页 / 2 / p2 at the end of the arguments. */
export function splitPage(args: string, fallback: number): { rest: string; page: number } {
  const m = args.match(/^(.*?)\s*(?:第\s*(\d+)\s*页|(?:^|\s)p(\d+)|(?:^|\s)(\d+))$/i);
  if (!m) return { rest: args, page: fallback };
  return { rest: m[1].trim(), page: Number(m[2] ?? m[3] ?? m[4]) };
}

/** An instant as people in Beijing read it: 11月25日 14:30. */
export function formatInstant(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${formatCn(dateInShanghai(new Date(ms)))} ${hh}:${mm}`;
}
