import { record } from "../db/queries/audit";
import { getMember, removeLiaison, setMember } from "../db/queries/members";
import { getUnit } from "../db/queries/units";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { unitByName } from "../src/bot/lookup";
import { text } from "../src/bot/reply";

const REMOVE = /^(移除|删除|取消|remove)\s*/i;

export default defineCommand({
  name: "liaison",
  words: ["联络员", "liaison"],
  role: "admin",
  summary: "登记、调整或移除单位联络员（在有这些人的群里 @他们）",
  usage: "联络员 <单位> @某人",
  examples: ["联络员 县教体局 @张三 @李四", "联络员 移除 @张三"],
  writes: true,
  async handler(ctx) {
    const people = ctx.mentions;
    if (!people.length) {
      throw new UserError("请在指令后 @ 要登记的人，例如「联络员 县教体局 @张三」。这条指令要在这些人所在的群里发送。");
    }
    const at = ctx.clock.now().getTime();
    if (REMOVE.test(ctx.args)) {
      const lines: string[] = [];
      for (const p of people) {
        const m = await getMember(ctx.db, p.openId);
        if (!m || m.role !== "liaison" || !m.unitId) {
          lines.push(`${p.name}不是联络员，无需移除。`);
          continue;
        }
        await removeLiaison(ctx.db, p.openId, m.unitId);
        const unit = await getUnit(ctx.db, m.unitId);
        await record(ctx.db, { at, actor: ctx.actor.openId, action: "liaison.remove", subject: `unit:${m.unitId}`, detail: { unit: unit?.name, person: p.name, openId: p.openId } });
        lines.push(`已移除${p.name}（原${unit?.name ?? ""}联络员）。`);
      }
      return text(lines.join("\n"));
    }
    const unit = await unitByName(ctx, ctx.args.replace(REMOVE, ""));
    const lines: string[] = [];
    for (const p of people) {
      const before = await getMember(ctx.db, p.openId);
      if (before?.unitId === unit.id) {
        lines.push(`${p.name}已经是${unit.name}的${before.role === "admin" ? "管理员" : "联络员"}。`);
        continue;
      }
      // An admin keeps the admin role and gains a unit; everyone else becomes the unit's liaison.
      await setMember(ctx.db, { openId: p.openId, name: p.name, role: before?.role === "admin" ? "admin" : "liaison", unitId: unit.id }, at);
      const from = before?.unitId ? (await getUnit(ctx.db, before.unitId))?.name : undefined;
      await record(ctx.db, { at, actor: ctx.actor.openId, action: from ? "liaison.move" : "liaison.add", subject: `unit:${unit.id}`, detail: { unit: unit.name, from, person: p.name, openId: p.openId } });
      lines.push(from ? `已将${p.name}从${from}调整为${unit.name}联络员。` : `已登记${p.name}为${unit.name}联络员。`);
    }
    lines.push("联络员可以私聊我或在本单位群里 @我 发送「我的任务」。");
    return text(lines.join("\n"));
  },
});
