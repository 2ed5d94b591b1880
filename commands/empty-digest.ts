import { z } from "zod";
import { record } from "../db/queries/audit";
import { chatBindings } from "../db/schema";
import { eq } from "drizzle-orm";
import { getUnit } from "../db/queries/units";
import { defineCommand, type CommandContext } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { text, type Reply } from "../src/bot/reply";

const onOff = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(
    z.union([
      z.enum(["开启", "打开", "开", "on", "发送", "要"]).transform(() => true),
      z.enum(["关闭", "关", "off", "不发", "不要", "静音"]).transform(() => false),
    ]),
  );

/** 设置 空提醒 开启|关闭 — whether this unit group gets the daily digest on days with nothing in it. */
export async function setEmptyDigest(ctx: CommandContext, arg: string): Promise<Reply> {
  const binding = ctx.chat.binding;
  if (ctx.chat.type !== "group" || !binding || binding.kind !== "unit" || !binding.unitId) {
    throw new UserError("「设置 空提醒」要在单位工作群里使用：请在已绑定单位的群里 @我 发送「设置 空提醒 关闭」或「设置 空提醒 开启」。");
  }
  const unit = await getUnit(ctx.db, binding.unitId);
  const name = unit?.name ?? "本单位";
  if (!ctx.actor.isAdmin && ctx.actor.member?.unitId !== binding.unitId) {
    throw new UserError(`只有${name}的联络员或管理员可以修改空提醒设置。需要调整的话，请联络员在群里 @我 发送「设置 空提醒 关闭」。`);
  }
  if (!arg.trim()) {
    return text(
      `本群现在${binding.muteEmptyDigest ? "不接收" : "接收"}空的每日提醒（没有逾期和 7 天内到期任务的日子）。发送「设置 空提醒 开启」每天都发，「设置 空提醒 关闭」没事不发。`,
    );
  }
  const parsed = onOff.safeParse(arg);
  if (!parsed.success) throw new UserError(`看不懂「${arg.trim().slice(0, 10)}」。请发送「设置 空提醒 开启」（每天都发）或「设置 空提醒 关闭」（没有事项就不发）。`);
  const send = parsed.data;
  if (binding.muteEmptyDigest === !send) {
    return text(`本群已经是「空提醒${send ? "开启" : "关闭"}」，无需重复设置。`);
  }
  const at = ctx.clock.now().getTime();
  await ctx.db.update(chatBindings).set({ muteEmptyDigest: !send }).where(eq(chatBindings.chatId, binding.chatId));
  await record(ctx.db, { at, actor: ctx.actor.openId, action: "chat.empty_digest", subject: `unit:${binding.unitId}`, detail: { unit: name, chat: binding.chatId, send } });
  return text(
    send
      ? `已开启：${name}的每日提醒每个工作日都会发到本群，没有事项时也会说明“今天没有逾期或 7 天内到期的任务”。`
      : `已关闭空提醒：没有逾期和 7 天内到期任务的日子，本群不再收到每日提醒；有事项时照常提醒。`,
  );
}

export default defineCommand({
  name: "empty-digest",
  words: ["设置 空提醒", "设置空提醒", "空提醒", "set empty-digest", "empty-digest"],
  role: "liaison",
  summary: "本单位群没有事项时是否也发每日提醒",
  usage: "设置 空提醒 开启|关闭",
  examples: ["设置 空提醒 关闭", "设置 空提醒 开启"],
  writes: true,
  groupOnly: true,
  handler: (ctx) => setEmptyDigest(ctx, ctx.args),
});
