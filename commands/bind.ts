import { record } from "../db/queries/audit";
import { bindChat } from "../db/queries/members";
import { getUnit } from "../db/queries/units";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { unitByName } from "../src/bot/lookup";
import { text } from "../src/bot/reply";

export default defineCommand({
  name: "bind",
  words: ["绑定", "bind"],
  role: "admin",
  summary: "把当前群设为某单位的工作群（每日提醒发到这里）",
  usage: "绑定 <单位>",
  examples: ["绑定 县教体局"],
  writes: true,
  groupOnly: true,
  async handler(ctx) {
    if (!ctx.args) throw new UserError("请写上单位名称，例如「绑定 县教体局」。");
    const unit = await unitByName(ctx, ctx.args);
    const at = ctx.clock.now().getTime();
    const before = await bindChat(ctx.db, { chatId: ctx.chat.id, kind: "unit", unitId: unit.id, boundBy: ctx.actor.openId }, at);
    if (before?.kind === "unit" && before.unitId === unit.id) return text(`本群已经是${unit.name}的工作群，无需重复绑定。`);
    await record(ctx.db, { at, actor: ctx.actor.openId, action: "chat.bind", subject: `unit:${unit.id}`, detail: { unit: unit.name, chat: ctx.chat.id } });
    const previous = before?.unitId && before.unitId !== unit.id ? (await getUnit(ctx.db, before.unitId))?.name : undefined;
    return text(
      `已将本群绑定为${unit.name}的工作群${previous ? `（原为${previous}）` : before?.kind === "admin" ? "（原为管理群）" : ""}。每个工作日早上的任务提醒会发到这里，群成员 @我 发送「我的任务」可查看本单位任务。`,
    );
  },
});
