import { record } from "../db/queries/audit";
import {
  addGroupMembers,
  createGroup,
  deleteGroup,
  findGroup,
  groupByExpression,
  groupOverview,
  parseExpressions,
  removeGroupMembers,
  setGroupExpressions,
  type UnitGroup,
} from "../db/queries/groups";
import { allUnitNames, findUnit, findUnitExact, unitKey } from "../db/queries/units";
import { defineCommand, type CommandContext } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { splitUnitList } from "../src/bot/lookup";
import { card, text, type Reply } from "../src/bot/reply";
import { closest } from "../src/bot/words";

const NAME = /^[\p{Script=Han}A-Za-z0-9（）()、·\-]{2,40}$/u;
const EXAMPLE = "单位组 各镇街道 南麻街道、历山街道、沂源经济开发区";
const EXPR_EXAMPLE = "单位组 各镇街道 表述 各镇、街道、经济开发区";

/** Expressions are separated by spaces or semicolons (an expression itself may contain 、). */
function splitExpressions(s: string): string[] {
  return s
    .split(/[\s;；|｜]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

async function resolveMembers(ctx: CommandContext, names: string[]) {
  const found = [];
  const missing: string[] = [];
  for (const n of names) {
    const u = await findUnit(ctx.db, n);
    if (u) found.push(u);
    else missing.push(n);
  }
  if (missing.length) {
    const all = await allUnitNames(ctx.db);
    const hints = missing.map((n) => {
      const near = [...new Set(closest(n, all, (x) => [x.alias], 2, 0.5).map((x) => x.name))];
      return near.length ? `「${n}」（是不是「${near.join("」或「")}」？）` : `「${n}」`;
    });
    throw new UserError(`没有找到单位 ${hints.join("、")}，单位组没有改动。请用准确的名称，或先发「新单位 名称」创建；也可以先发「新建表中单位」把导入预览里的单位都建好。`);
  }
  return found;
}

async function show(ctx: CommandContext, g: UnitGroup): Promise<Reply> {
  const all = await groupOverview(ctx.db);
  const o = all.find((x) => x.id === g.id)!;
  return card(`单位组「${o.name}」`, "blue", [
    {
      type: "fields",
      fields: [
        { label: "成员", value: o.members.length ? `${o.members.length} 个：${o.members.map((m) => m.name).join("、")}` : "还没有成员" },
        { label: "表中写法", value: o.expressions.length ? o.expressions.join("；") : `只认组名本身。可发「单位组 ${o.name} 表述 表中写法」添加` },
      ],
    },
    { type: "note", text: `加成员：单位组 ${o.name} 单位、单位… ｜ 去掉成员：单位组 ${o.name} 移除 单位 ｜ 去掉写法：单位组 ${o.name} 去掉表述 写法` },
  ]);
}

export default defineCommand({
  name: "group",
  words: ["单位组", "group"],
  role: "admin",
  summary: "定义单位组（如各镇街道）及其在任务分解表中的写法，导入时“各X”分派给组内每个单位",
  usage: "单位组 <组名> <单位>、<单位>… ｜ 单位组 <组名> 表述 <表中写法>",
  examples: [EXAMPLE, EXPR_EXAMPLE, "单位组"],
  writes: true,
  async handler(ctx) {
    const at = ctx.clock.now().getTime();
    const m = ctx.args.match(/^(\S+)(?:\s+([\s\S]*))?$/);
    if (!m) {
      const groups = await groupOverview(ctx.db);
      if (!groups.length) return text(`还没有单位组。例如发「${EXAMPLE}」建组，再发「${EXPR_EXAMPLE}」说明表格里怎么写这个组。`);
      return card(`单位组 ${groups.length} 个`, "blue", [
        {
          type: "markdown",
          text: groups
            .map((g) => `**${g.name}**（${g.members.length} 个单位）${g.expressions.length ? `\n　表中写法：${g.expressions.join("；")}` : ""}`)
            .join("\n"),
        },
        { type: "note", text: "发「单位组 组名」查看成员。" },
      ]);
    }
    const name = m[1];
    const rest = (m[2] ?? "").trim();
    let group = await findGroup(ctx.db, name);
    if (!rest) {
      if (!group) throw new UserError(`没有单位组「${name}」。要新建，请写上成员，例如「${EXAMPLE}」。`);
      return show(ctx, group);
    }

    const sub = rest.match(/^(表述|写法|去掉表述|移除表述|移除|删除成员|删除)(?:\s+([\s\S]*))?$/);
    const op = sub?.[1];
    const arg = (sub?.[2] ?? "").trim();

    if (op === "表述" || op === "写法") {
      if (!group) throw new UserError(`没有单位组「${name}」。请先建组并写上成员，例如「${EXAMPLE}」，再添加表中写法。`);
      const exprs = splitExpressions(arg);
      if (!exprs.length) throw new UserError(`请写上表格里的写法，例如「${EXPR_EXAMPLE}」；几种写法用空格或分号隔开。`);
      const current = parseExpressions(group.expressions);
      const added: string[] = [];
      for (const e of exprs) {
        if (e.length > 60) throw new UserError(`写法「${e.slice(0, 20)}…」太长了，最多 60 个字。`);
        const owner = await groupByExpression(ctx.db, e);
        if (owner && owner.id !== group.id) throw new UserError(`「${e}」已经是单位组「${owner.name}」的写法，一个写法只能属于一个组。单位组没有改动。`);
        if (await findUnitExact(ctx.db, e)) throw new UserError(`「${e}」是一个单位的名称或别名，不能作为单位组的写法。单位组没有改动。`);
        if (!owner && !added.some((a) => unitKey(a) === unitKey(e))) added.push(e);
      }
      if (!added.length) return text(`这些写法已经属于单位组「${group.name}」，无需重复添加。`);
      await setGroupExpressions(ctx.db, group.id, [...current, ...added]);
      await record(ctx.db, { at, actor: ctx.actor.openId, action: "group.expression", subject: `group:${group.id}`, detail: { note: added.join("；") } });
      return text(`已为单位组「${group.name}」添加表中写法：${added.join("；")}。表格写这些时，任务会分派给组内每个单位。重新预览或发「确认导入」时生效。`);
    }

    if (op === "去掉表述" || op === "移除表述") {
      if (!group) throw new UserError(`没有单位组「${name}」。发「单位组」查看已有的组。`);
      const drop = splitExpressions(arg).map(unitKey);
      const current = parseExpressions(group.expressions);
      const kept = current.filter((e) => !drop.includes(unitKey(e)));
      if (kept.length === current.length) throw new UserError(`单位组「${group.name}」没有这个写法。它现有的写法：${current.join("；") || "无"}。`);
      await setGroupExpressions(ctx.db, group.id, kept);
      await record(ctx.db, { at, actor: ctx.actor.openId, action: "group.expression", subject: `group:${group.id}`, detail: { note: `去掉 ${arg}` } });
      return text(`已从单位组「${group.name}」去掉写法：${arg}。`);
    }

    if (op === "移除" || op === "删除成员") {
      if (!group) throw new UserError(`没有单位组「${name}」。发「单位组」查看已有的组。`);
      const units = await resolveMembers(ctx, splitUnitList(arg));
      if (!units.length) throw new UserError(`请写上要移除的单位，例如「单位组 ${group.name} 移除 县财政局」。`);
      const removed = await removeGroupMembers(ctx.db, group.id, units.map((u) => u.id));
      await record(ctx.db, { at, actor: ctx.actor.openId, action: "group.members", subject: `group:${group.id}`, detail: { units: units.filter((u) => removed.includes(u.id)).map((u) => u.name), note: "移除" } });
      return text(removed.length ? `已从单位组「${group.name}」移除：${units.filter((u) => removed.includes(u.id)).map((u) => u.name).join("、")}。已导入的任务不变，重新导入时才按新成员分派。` : "这些单位本来就不在组里。");
    }

    if (op === "删除") {
      if (!group) throw new UserError(`没有单位组「${name}」。`);
      if (arg) throw new UserError(`要删除整个单位组请只发「单位组 ${group.name} 删除」；要移除成员请发「单位组 ${group.name} 移除 单位」。`);
      await deleteGroup(ctx.db, group.id);
      await record(ctx.db, { at, actor: ctx.actor.openId, action: "group.delete", subject: `group:${group.id}`, detail: { note: group.name } });
      return text(`已删除单位组「${group.name}」。已导入的任务和分派不变。`);
    }

    // 单位组 <组名> <单位>、<单位>…: create the group if needed and add the members.
    if (!NAME.test(name)) throw new UserError(`组名「${name.slice(0, 40)}」不合适：只能包含汉字、字母、数字和括号，2 到 40 个字。`);
    const names = splitUnitList(rest);
    const units = await resolveMembers(ctx, names);
    if (!group) {
      if (await findUnitExact(ctx.db, name)) throw new UserError(`「${name}」是一个单位的名称，不能再用作组名。请换一个组名，例如「${name}等单位」。`);
      const owner = await groupByExpression(ctx.db, name);
      if (owner) throw new UserError(`「${name}」已经是单位组「${owner.name}」的写法。要给它加成员，请发「单位组 ${owner.name} 单位、单位…」。`);
      group = await createGroup(ctx.db, name);
      await record(ctx.db, { at, actor: ctx.actor.openId, action: "group.create", subject: `group:${group.id}`, detail: { note: group.name } });
    }
    const added = await addGroupMembers(ctx.db, group.id, units.map((u) => u.id));
    const addedNames = units.filter((u) => added.includes(u.id)).map((u) => u.name);
    if (addedNames.length) await record(ctx.db, { at, actor: ctx.actor.openId, action: "group.members", subject: `group:${group.id}`, detail: { units: addedNames } });
    const parts = [addedNames.length ? `单位组「${group.name}」已加入：${addedNames.join("、")}。` : `这些单位已经在单位组「${group.name}」里了。`];
    if (!parseExpressions(group.expressions).length) parts.push(`表格里如果不是写「${group.name}」，请再发「单位组 ${group.name} 表述 表中写法」，例如「${EXPR_EXAMPLE}」。`);
    return text(parts.join(""));
  },
});
