import { eq } from "drizzle-orm";
import { record } from "../db/queries/audit";
import { findGroup, groupByExpression, parseExpressions, setGroupExpressions } from "../db/queries/groups";
import { findUnit, findUnitExact, getUnit, unitKey } from "../db/queries/units";
import { unitAliases } from "../db/schema";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { unitByName } from "../src/bot/lookup";
import { text } from "../src/bot/reply";
import { classifyUnitName } from "../src/importer/units";

const EXAMPLE = "映射 县卫计局 县卫生健康局";

export default defineCommand({
  name: "map",
  words: ["映射", "对应", "map"],
  role: "admin",
  summary: "把任务分解表里的一个写法对应到已有单位（加别名），或对应到单位组（加表述）",
  usage: "映射 <表中名称> <单位或单位组>",
  examples: [EXAMPLE, "映射 各职能部门 县直部门"],
  writes: true,
  async handler(ctx) {
    const m = ctx.args.match(/^(\S+?)\s*(?:\s|=|＝|→|->)\s*(\S+)$/);
    if (!m) throw new UserError(`请写「映射 表中名称 单位」，两个名称之间用空格隔开，例如「${EXAMPLE}」。`);
    const [, source, target] = m;
    if (source.length > 60 || !unitKey(source)) throw new UserError("表中名称太长或是空的：请照表格里的写法写，最多 60 个字。");
    const at = ctx.clock.now().getTime();

    // To a group: the written expression becomes one of the group's expressions.
    const group = await findGroup(ctx.db, target);
    if (group && !(await findUnitExact(ctx.db, target))) {
      const owner = await groupByExpression(ctx.db, source);
      if (owner && owner.id === group.id) return text(`「${source}」已经是单位组「${group.name}」的表述，无需重复映射。`);
      if (owner) throw new UserError(`「${source}」已经是单位组「${owner.name}」的表述。要改到「${group.name}」，请先发「单位组 ${owner.name} 去掉表述 ${source}」。`);
      await setGroupExpressions(ctx.db, group.id, [...parseExpressions(group.expressions), source]);
      await record(ctx.db, { at, actor: ctx.actor.openId, action: "group.expression", subject: `group:${group.id}`, detail: { note: source } });
      return text(`已将「${source}」对应到单位组「${group.name}」：表格里这样写的任务会分派给组内每个单位。重新预览或发「确认导入」时生效。`);
    }

    // To a unit: an alias. Group-like and vague expressions are not one unit.
    const kind = classifyUnitName(source);
    if (kind === "group" || kind === "unspecified") {
      throw new UserError(
        `「${source}」指的是一组单位，不能对应到一个单位。请先发「单位组 组名 单位、单位…」建组，再发「映射 ${source} 组名」（或「单位组 组名 表述 ${source}」）。`,
      );
    }
    const unit = await unitByName(ctx, target);
    const existing = await findUnitExact(ctx.db, source);
    if (existing?.id === unit.id) return text(`「${source}」已经对应到「${unit.name}」，无需重复映射。`);
    if (existing) {
      if (unitKey(existing.name) === unitKey(source)) {
        throw new UserError(`「${source}」是单位「${existing.name}」自己的名称，不能再对应到「${unit.name}」。如果两者是同一个单位，请把「${unit.name}」的别名加到「${existing.name}」上，或反过来发「映射 ${unit.name} ${existing.name}」。`);
      }
      await ctx.db.update(unitAliases).set({ unitId: unit.id }).where(eq(unitAliases.key, unitKey(source)));
      await record(ctx.db, { at, actor: ctx.actor.openId, action: "unit.alias", subject: `unit:${unit.id}`, detail: { unit: unit.name, added: [source], note: `从「${existing.name}」改过来` } });
      return text(`已将「${source}」从「${existing.name}」改为对应「${unit.name}」。重新预览或发「确认导入」时生效；已导入的任务要重新导入才会改分派。`);
    }
    const loose = await findUnit(ctx.db, source);
    await ctx.db.insert(unitAliases).values({ key: unitKey(source), alias: source, unitId: unit.id });
    await record(ctx.db, { at, actor: ctx.actor.openId, action: "unit.alias", subject: `unit:${unit.id}`, detail: { unit: unit.name, added: [source] } });
    const note = loose && loose.id !== unit.id ? `（原先按写法会认作「${(await getUnit(ctx.db, loose.id))?.name}」）` : "";
    return text(`已将「${source}」对应到单位「${unit.name}」${note}。表格里这样写的任务会分派给「${unit.name}」；重新预览或发「确认导入」时生效。`);
  },
});
