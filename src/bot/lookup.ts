/** Finding what a command's arguments name — a unit, a task — or saying precisely why not. */
import { getTask, type Task } from "../../db/queries/tasks";
import { allUnitNames, findUnit, type Unit } from "../../db/queries/units";
import type { CommandContext } from "./command";
import { UserError } from "./errors";
import { closest } from "./words";

export async function unitByName(ctx: CommandContext, name: string): Promise<Unit> {
  const trimmed = name.trim();
  if (!trimmed) throw new UserError("请写上单位名称，例如「县教体局」。发送「单位」查看已有的单位。");
  const unit = await findUnit(ctx.db, trimmed);
  if (unit) return unit;
  const names = await allUnitNames(ctx.db);
  const near = closest(trimmed, names, (n) => [n.alias]).map((n) => n.name);
  const unique = [...new Set(near)];
  throw new UserError(
    unique.length
      ? `没有找到单位「${trimmed}」。你是不是指：${unique.map((n) => `「${n}」`).join("、")}？请用准确的名称再发一次。`
      : `没有找到单位「${trimmed}」。发送「单位」查看已有的单位；管理员可以用「新单位 ${trimmed}」创建它。`,
  );
}

export function parseTaskId(raw: string | undefined, example: string): number {
  const m = raw?.trim().match(/^#?(\d{1,9})$/);
  if (!m) throw new UserError(`请写上任务编号（数字），例如「${example}」。编号可以在「我的任务」里看到。`);
  return Number(m[1]);
}

export async function taskById(ctx: CommandContext, id: number): Promise<Task> {
  const t = await getTask(ctx.db, id);
  if (!t) throw new UserError(`没有编号为 ${id} 的任务。请发送「我的任务」核对编号。`);
  return t;
}

/**
 * The unit a liaison command acts for: the bound group's unit, else the person's own unit.
 * Admins may name a unit explicitly (我的任务 县教体局).
 */
export async function actingUnit(ctx: CommandContext, named?: string): Promise<Unit> {
  if (named && named.trim()) {
    if (!ctx.actor.isAdmin && (!ctx.unit || (await findUnit(ctx.db, named))?.id !== ctx.unit.id)) {
      throw new UserError("只能查看本单位的任务；管理员可以指定单位。直接发送「我的任务」查看你的单位。");
    }
    return unitByName(ctx, named);
  }
  if (ctx.unit) return ctx.unit;
  if (ctx.actor.isAdmin) {
    throw new UserError("你是管理员，没有所属单位。请在单位群里使用，或在指令后写上单位，例如「我的任务 县教体局」。");
  }
  throw new UserError(
    "你的登记信息里没有所属单位。请联系管理员，在群里发送「联络员 <单位名称> @你」重新登记。",
  );
}

/** Splits 县教体局、县卫健局,县民政局 into names; separators inside brackets do not split. */
export function splitUnitList(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if ("（(".includes(ch)) depth++;
    if ("）)".includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && /[、，,;；\s]/.test(ch)) {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
