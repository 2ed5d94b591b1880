/** The three list commands (我的任务, 本周到期, 逾期) share this: count, fetch one page in SQL, render. */
import { openAssignmentsPage, type OpenFilter, type UnitAssignmentRow } from "../../db/queries/tasks";
import type { Unit } from "../../db/queries/units";
import type { CommandContext } from "./command";
import { pagedList, pageWindow, PAGE_SIZE } from "./task-list";
import type { Block } from "./reply";

export async function unitPage(
  ctx: CommandContext,
  unit: Unit,
  filter: OpenFilter,
  page: number,
  commandForPage: (p: number) => string,
): Promise<{ total: number; rows: UnitAssignmentRow[]; blocks: Block[] }> {
  let { rows, total } = await openAssignmentsPage(ctx.db, unit.id, filter, (Math.max(1, page) - 1) * PAGE_SIZE, PAGE_SIZE);
  // Asked for a page past the end (the list shrank since the button was drawn): show the last one.
  if (!rows.length && total > 0) ({ rows } = await openAssignmentsPage(ctx.db, unit.id, filter, pageWindow(page, total).offset, PAGE_SIZE));
  return { total, rows, blocks: total ? pagedList(rows, page, total, ctx.today, commandForPage) : [] };
}
