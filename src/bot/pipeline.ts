/**
 * What happens to an event after the webhook has acknowledged it:
 * claim (dedupe) → who is speaking → which command → authorise → run → reply through the outbox.
 */
import type { Db, Tx } from "../../db/client";
import { abandonedEvents, claimEvent, markEventDone, markEventDoneQuery, renewEventClaim } from "../../db/queries/events";
import { getBinding, getMember } from "../../db/queries/members";
import { enqueueLeasedQuery, type OutboxRow } from "../../db/queries/outbox";
import { getUnit } from "../../db/queries/units";
import type { WorkCalendar } from "../domain/calendar";
import type { Clock } from "../domain/clock";
import { todayIn } from "../domain/dates";
import { toMessage } from "../lark/cards/render";
import { cardAction, fileContent, messageReceive, textContent, type EnvelopeV2 } from "../lark/events";
import type { Messenger } from "../lark/messenger";
import type { OutboxSender } from "../outbox/sender";
import type { Command, CommandContext } from "./command";
import { INTERNAL_ERROR_TEXT, UserError } from "./errors";
import { Gate } from "./gate";
import { Receipts } from "./receipts";
import { splitMentions } from "./mentions";
import type { Reply } from "./reply";
import { refuse, unknownCommand } from "./refusals";
import { matchCommand, normaliseInput } from "./words";

export interface BotDeps {
  db: Db;
  clock: Clock;
  calendar: () => Promise<WorkCalendar>;
  messenger: Messenger;
  sender: OutboxSender;
  commands: readonly Command[];
  adminOpenIds: string[];
  botOpenId?: string;
  log?: (line: string) => void;
  /** Events worked on at once (the rest wait their turn, acknowledged already). */
  concurrency?: number;
  /** Runs a function on the next turn of the event loop; given, receipts arriving together are written together (receipts.ts). */
  nextTurn?: (fn: () => void) => void;
  /**
   * Resolves when the runtime has no request waiting for its answer (or has waited long enough): work
   * on acknowledged events starts only then, so acknowledgements never queue behind it (gate.ts).
   */
  quiet?: () => Promise<void>;
}

/** An event's receipt, as this worker holds it: until when no other worker may take it over. */
export interface Claim {
  until: number;
}

/** How long one worker holds an event before another may take it over (a crash mid-way). */
const EVENT_LEASE_MS = 60_000;
/** An event that waited in line until less than this was left of its lease renews the lease before it starts. */
const EVENT_LEASE_MARGIN_MS = 30_000;
const MAX_INPUT = 4000;

interface Incoming {
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: "p2p" | "group";
  openId: string;
  text: string;
  people: { openId: string; name: string }[];
  file?: { messageId: string; fileKey: string; fileName: string };
  /** The message this one replies to (Lark's parent_id). */
  parentId?: string;
  replyTo?: { messageId: string; msgType: string };
  page: number;
}

/**
 * What makes two deliveries "the same": the event_id, and for messages the message_id too — Lark's
 * im.message.receive_v1 page says a message may arrive again under a new event_id.
 */
export function dedupeKey(env: EnvelopeV2): string {
  const id = env.header.event_type === "im.message.receive_v1" ? (env.event as { message?: { message_id?: unknown } }).message?.message_id : undefined;
  return typeof id === "string" && id ? `om:${id}` : env.header.event_id;
}

export function createBot(deps: BotDeps) {
  const log = deps.log ?? (() => {});
  const gate = new Gate(deps.concurrency ?? 4, deps.quiet);
  const receipts = new Receipts(deps.db, deps.clock, EVENT_LEASE_MS, deps.nextTurn);

  /**
   * Whether this worker may still work on the event it claimed until `until`. Under a flood an event
   * can wait in line longer than its lease, and the sweep (here or in another instance) may then take
   * it over: running it twice would record a 进展 twice. So an event whose lease is running short
   * renews it first, and one taken over meanwhile is left to its new holder.
   */
  async function stillOurs(key: string, until: number | undefined): Promise<boolean> {
    const now = deps.clock.now().getTime();
    if (until === undefined || until - now >= EVENT_LEASE_MARGIN_MS) return true;
    return renewEventClaim(deps.db, key, until, now + EVENT_LEASE_MS);
  }

  /** Reads an im.message.receive_v1 event into what the commands need; undefined = not for us. */
  function readMessage(env: EnvelopeV2): Incoming | undefined {
    const parsed = messageReceive.safeParse(env.event);
    if (!parsed.success || parsed.data.sender.sender_type !== "user") return undefined;
    const { message, sender } = parsed.data;
    const chatType = message.chat_type === "group" ? "group" : "p2p";
    const base = {
      eventId: env.header.event_id,
      messageId: message.message_id,
      chatId: message.chat_id,
      chatType,
      openId: sender.sender_id.open_id,
      page: 1,
    } as const;
    let content: unknown;
    try {
      content = JSON.parse(message.content);
    } catch {
      return undefined;
    }
    if (message.message_type === "file") {
      const f = fileContent.safeParse(content);
      if (!f.success || chatType !== "p2p") return undefined;
      return { ...base, text: "导入", people: [], file: { messageId: message.message_id, fileKey: f.data.file_key, fileName: f.data.file_name } };
    }
    if (message.message_type !== "text") return { ...base, text: "", people: [] };
    const t = textContent.safeParse(content);
    if (!t.success) return undefined;
    const split = splitMentions(t.data.text, message.mentions as never, deps.botOpenId);
    // In a group the bot answers only when addressed; with the group_msg scope it would see everything.
    if (chatType === "group" && !split.addressed) return undefined;
    return {
      ...base,
      text: normaliseInput(split.text).slice(0, MAX_INPUT),
      people: split.people,
      ...(message.parent_id ? { parentId: message.parent_id } : {}),
    };
  }

  /**
   * 导入 replying to a file message: the file is the parent message's, found through Lark's API
   * (the event carries only parent_id). Done before the command runs, outside any transaction.
   */
  async function attachRepliedFile(inc: Incoming): Promise<void> {
    if (!inc.parentId || inc.file || !matchCommand(inc.text, deps.commands)?.command.acceptsFile) return;
    let parent: Awaited<ReturnType<Messenger["getMessage"]>>;
    try {
      parent = await deps.messenger.getMessage(inc.parentId);
    } catch (e) {
      log(`reading replied-to message ${inc.parentId} failed: ${(e as Error).message}`);
      parent = undefined;
    }
    if (parent?.msgType === "file") {
      const f = (() => {
        try {
          return fileContent.safeParse(JSON.parse(parent.content));
        } catch {
          return undefined;
        }
      })();
      if (f?.success) {
        inc.file = { messageId: parent.messageId, fileKey: f.data.file_key, fileName: f.data.file_name };
        return;
      }
    }
    inc.replyTo = { messageId: inc.parentId, msgType: parent?.msgType ?? "" };
  }

  async function buildContext(db: Tx, inc: Incoming, args: string): Promise<CommandContext> {
    const [member, binding, calendar] = await Promise.all([
      getMember(db, inc.openId),
      inc.chatType === "group" ? getBinding(db, inc.chatId) : Promise.resolve(undefined),
      deps.calendar(),
    ]);
    const unitId = binding?.kind === "unit" ? binding.unitId : member?.unitId;
    const unit = unitId ? await getUnit(db, unitId) : undefined;
    return {
      db,
      clock: deps.clock,
      today: todayIn(deps.clock),
      calendar,
      actor: {
        openId: inc.openId,
        name: member?.name ?? "",
        member,
        isAdmin: member?.role === "admin" || deps.adminOpenIds.includes(inc.openId),
      },
      chat: { id: inc.chatId, type: inc.chatType, binding },
      unit,
      args,
      mentions: inc.people,
      eventId: inc.eventId,
      messageId: inc.messageId,
      file: inc.file,
      ...(inc.replyTo ? { replyTo: inc.replyTo } : {}),
      page: inc.page,
      configuredAdmins: deps.adminOpenIds,
      downloadFile: (m, k) => deps.messenger.downloadFile(m, k),
    };
  }

  /**
   * Runs the command for a message; any failure becomes a sentence for the user, never a crash.
   * A write command runs in one transaction with `persist` (its reply and the event's done-mark),
   * so the effect and the reply land together or not at all; `persisted` says whether that happened.
   */
  async function answer(
    inc: Incoming,
    persist?: (tx: Tx, reply: Reply) => Promise<void>,
  ): Promise<{ reply: Reply; persisted: boolean }> {
    const matched = matchCommand(inc.text, deps.commands);
    const run = async (tx: Tx): Promise<Reply> => {
      const ctx = await buildContext(tx, inc, matched?.args ?? "");
      if (!matched) return unknownCommand(ctx, inc.text, deps.commands);
      const refusal = await refuse(ctx, matched.command);
      if (refusal) return refusal;
      return matched.command.handler(ctx);
    };
    try {
      if (matched?.command.writes && persist) {
        const reply = await deps.db.transaction(async (tx) => {
          const r = await run(tx);
          await persist(tx, r);
          return r;
        });
        return { reply, persisted: true };
      }
      return { reply: await run(deps.db), persisted: false };
    } catch (e) {
      if (e instanceof UserError) return { reply: { text: e.message }, persisted: false };
      log(`command failed (${inc.eventId}): ${(e as Error).stack ?? e}`);
      return { reply: { text: INTERNAL_ERROR_TEXT }, persisted: false };
    }
  }

  /**
   * Handles a message and commits its reply, leased to this process's sender; returns the reply to
   * send, or nothing (not for us, or a reply already written by an earlier attempt).
   */
  async function processMessage(env: EnvelopeV2): Promise<OutboxRow | undefined> {
    const inc = readMessage(env);
    if (!inc) {
      await markEventDone(deps.db, dedupeKey(env));
      return undefined;
    }
    const row = (db: Tx, reply: Reply) => {
      const msg = toMessage(reply);
      const r = { key: `reply:${dedupeKey(env)}`, kind: "reply", target: "reply", receiveId: inc.messageId, paceKey: inc.chatId, msgType: msg.msgType, content: msg.content };
      return enqueueLeasedQuery(db, r, deps.sender.leaseForNewRow());
    };
    let written: OutboxRow | undefined;
    const persist = async (tx: Tx, reply: Reply) => {
      [written] = await row(tx, reply);
      await markEventDone(tx, dedupeKey(env));
    };
    await attachRepliedFile(inc);
    const { reply, persisted } = await answer(inc, persist);
    // Reads commit their reply in one batch: a single short write, not a transaction held across awaits.
    if (!persisted) [[written]] = await deps.db.batch([row(deps.db, reply), markEventDoneQuery(deps.db, dedupeKey(env))]);
    return written;
  }

  return {
    /**
     * Records the event durably and returns the claim (until when it is ours) to hand to process();
     * none means a duplicate delivery, to be acknowledged and dropped.
     */
    async accept(env: EnvelopeV2): Promise<Claim | undefined> {
      const until = await receipts.claim(dedupeKey(env), JSON.stringify(env));
      return until === undefined ? undefined : { until };
    },

    /** The work after the acknowledgement, under the claim accept() (or the sweep) took. */
    async process(env: EnvelopeV2, claim?: Claim): Promise<void> {
      const reply = await gate.run(async () => {
        try {
          if (!(await stillOurs(dedupeKey(env), claim?.until))) {
            log(`event ${env.header.event_id}: taken over by another worker while it waited; leaving it`);
            return undefined;
          }
          if (env.header.event_type === "im.message.receive_v1") return await processMessage(env);
          await markEventDone(deps.db, dedupeKey(env));
        } catch (e) {
          log(`event ${env.header.event_id} failed: ${(e as Error).stack ?? e}`);
        }
        return undefined;
      });
      // Delivery waits on Lark's limits and latency: outside the gate, so it never holds up new events.
      if (reply) await deps.sender.sendLeased([reply]).catch((e) => log(`reply ${reply.key}: ${e}`));
    },

    /** Card buttons: answered inline within Lark's 3 s, by updating the card the button was on. */
    async cardAction(env: EnvelopeV2): Promise<Reply | { toast: string }> {
      const parsed = cardAction.safeParse(env.event);
      if (!parsed.success) return { toast: "按钮数据无法识别，请重新发送指令。" };
      const command = String(parsed.data.action.value.command ?? "");
      const chatId = parsed.data.context.open_chat_id ?? "";
      const binding = chatId ? await getBinding(deps.db, chatId) : undefined;
      const inc: Incoming = {
        eventId: env.header.event_id,
        messageId: parsed.data.context.open_message_id ?? "",
        chatId,
        chatType: binding ? "group" : "p2p",
        openId: parsed.data.operator.open_id,
        text: normaliseInput(command),
        people: [],
        page: Number(parsed.data.action.value.page ?? 1) || 1,
      };
      const matched = matchCommand(inc.text, deps.commands);
      if (matched?.command.writes && !matched.command.fromButton) return { toast: "请在聊天中发送这条指令。" };
      // A button that writes (确认导入) runs in a transaction like the typed command; its answer replaces the card.
      return (await answer(inc, matched?.command.writes ? async () => {} : undefined)).reply;
    },

    /** Picks up events whose processing was cut off (a crash or restart) once their lease ran out. */
    async recover(): Promise<number> {
      const rows = await abandonedEvents(deps.db, deps.clock.now().getTime());
      let n = 0;
      for (const r of rows) {
        const now = deps.clock.now().getTime();
        if (!(await claimEvent(deps.db, r.eventId, r.payload, now, EVENT_LEASE_MS))) continue;
        await this.process(JSON.parse(r.payload) as EnvelopeV2, { until: now + EVENT_LEASE_MS });
        n++;
      }
      return n;
    },
  };
}

export type Bot = ReturnType<typeof createBot>;
