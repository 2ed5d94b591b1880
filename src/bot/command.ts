/** The shape every module in commands/ exports, and the context a handler receives. */
import type { Tx } from "../../db/client";
import type { ChatBinding, Member } from "../../db/queries/members";
import type { Unit } from "../../db/queries/units";
import type { WorkCalendar } from "../domain/calendar";
import type { Clock } from "../domain/clock";
import type { Reply } from "./reply";

export type Role = "anyone" | "liaison" | "admin";

export interface Mentioned {
  openId: string;
  name: string;
}

export interface CommandContext {
  db: Tx;
  clock: Clock;
  /** Today's business date in Beijing, YYYY-MM-DD. */
  today: string;
  calendar: WorkCalendar;
  actor: { openId: string; name: string; member: Member | undefined; isAdmin: boolean };
  chat: { id: string; type: "p2p" | "group"; binding: ChatBinding | undefined };
  /** The unit this person speaks for here: the bound group's unit, else their own unit. */
  unit: Unit | undefined;
  /** What followed the command word, trimmed. */
  args: string;
  /** People @mentioned after the command word (the bot itself excluded). */
  mentions: Mentioned[];
  eventId: string;
  messageId: string;
  /** When the command came from a file message or a reply to one. */
  file?: { messageId: string; fileKey: string; fileName: string };
  /**
   * For commands that take a file (`acceptsFile`): the message this one replies to when it is not a
   * file message (msgType "" when Lark could not find it), so the reply can say what was wrong.
   */
  replyTo?: { messageId: string; msgType: string };
  /** Page asked for through a card button. */
  page: number;
  /** Admins named by ADMIN_OPEN_IDS, for telling others whom to ask. */
  configuredAdmins: string[];
  /** Downloads a file the user sent (through Lark, or the sandbox). */
  downloadFile(messageId: string, fileKey: string): Promise<Uint8Array>;
}

export interface Command {
  /** Stable identifier, also the English word shown in help. */
  name: string;
  /** Chinese words first, then English; matched at the start of the message, case-insensitive. */
  words: string[];
  role: Role;
  /** One line for 帮助. */
  summary: string;
  usage: string;
  examples: string[];
  /** Runs inside a transaction with the reply: effects and the reply land together or not at all. */
  writes: boolean;
  /** Only in a group chat (e.g. binding a chat). */
  groupOnly?: boolean;
  /** Takes a file: a reply to a file message hands that file to the command (`ctx.file`). */
  acceptsFile?: boolean;
  /** May run from a card button although it writes (in a transaction, answered inline within Lark's 3 s). */
  fromButton?: boolean;
  handler(ctx: CommandContext): Promise<Reply>;
}

export function defineCommand(c: Command): Command {
  return c;
}
