/** The sentences a person gets when a command is not for them, or not a command at all. */
import { listAdmins } from "../../db/queries/members";
import type { Command, CommandContext } from "./command";
import type { Reply } from "./reply";
import { closest } from "./words";

export const HOW_TO_REGISTER =
  "你还没有登记为任何单位的联络员。请联系县政务公开办的管理员，在群里发送「联络员 <单位名称> @你」为你登记；登记后就能查看和办理本单位的任务。";

export async function adminNames(ctx: CommandContext): Promise<string> {
  // Only people with a known name are listed: an open_id means nothing to a liaison.
  const names = (await listAdmins(ctx.db)).map((a) => a.name).filter(Boolean);
  return names.length ? names.join("、") : "县政务公开办的管理员";
}

export async function refuse(ctx: CommandContext, command: Command): Promise<Reply | undefined> {
  if (command.groupOnly && ctx.chat.type !== "group") {
    return { text: `「${command.words[0]}」要在群聊里使用：请在要操作的群里 @我 发送「${command.usage}」。` };
  }
  if (command.role === "admin" && !ctx.actor.isAdmin) {
    return {
      text: `「${command.words[0]}」只有管理员可以使用。需要办理的话，请联系管理员：${await adminNames(ctx)}。发送「帮助」查看你可以使用的指令。`,
    };
  }
  if (command.role === "liaison" && !ctx.actor.member && !ctx.actor.isAdmin && !ctx.unit) {
    return { text: HOW_TO_REGISTER };
  }
  return undefined;
}

export function unknownCommand(ctx: CommandContext, input: string, commands: readonly Command[]): Reply {
  if (!input) return { text: "我只能读懂文字指令。发送「帮助」查看我能做什么。" };
  const visible = commands.filter((c) => c.role !== "admin" || ctx.actor.isAdmin);
  const head = input.split(/\s+/)[0].slice(0, 12);
  const [best] = closest(head, visible, (c) => c.words);
  const shown = input.length > 20 ? `${input.slice(0, 20)}…` : input;
  return {
    text: best
      ? `没有「${shown}」这条指令。你是不是想发「${best.usage}」？发送「帮助」查看全部指令。`
      : `没有「${shown}」这条指令。发送「帮助」查看全部指令和示例。`,
  };
}
