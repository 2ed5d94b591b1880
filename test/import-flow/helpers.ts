/**
 * Sending files to the bot the way Lark does: a file message event (signed, encrypted) whose file the
 * emulator serves through GET …/messages/:id/resources/:file_key; replies to a message; card buttons.
 */
import { readFileSync } from "node:fs";
import { createClient } from "@libsql/client";
import type { EmulatedMessage } from "../emulator";
import { ADMIN, TOKEN, visibleText, type Harness, type Person } from "../helpers/harness";
import { cardActionEvent, fileMessageEvent, textMessageEvent } from "../helpers/lark-events";

export const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + name));
}

let n = 0;
const uid = (p: string) => `${p}_${++n}_${Date.now().toString(36)}`;

/** A file message to the bot; in a group nobody @mentions the bot in a file message, so it is ignored there. */
export function fileEvent(o: { fileName: string; as?: Person; group?: string; messageId?: string; fileKey?: string }) {
  const who = o.as ?? ADMIN;
  return fileMessageEvent({
    fileKey: o.fileKey ?? uid("file_v3"),
    fileName: o.fileName,
    openId: who.openId,
    chatId: o.group ?? `oc_p2p_${who.openId}`,
    chatType: o.group ? "group" : "p2p",
    token: TOKEN,
    messageId: o.messageId ?? uid("om_file"),
  });
}

async function deliver(h: Harness, ev: { event: { message: { message_id: string } } }, timeoutMs = 20_000) {
  const before = h.emulator.messages.length;
  const res = await h.post(ev);
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  const id = ev.event.message.message_id;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = h.emulator.messages.slice(before).find((x) => x.parent_id === id);
    if (m) return { reply: visibleText(m), message: m };
    if (Date.now() > deadline) throw new Error(`no reply to ${id} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends `bytes` as a file message in a direct chat (or a group) and returns the bot's reply. */
export async function sendFile(h: Harness, bytes: Uint8Array, fileName: string, o: { as?: Person; group?: string } = {}) {
  const ev = postFileInChat(h, bytes, fileName, o);
  const r = await deliver(h, ev);
  return { ...r, fileMessageId: ev.event.message.message_id };
}

/** Puts a file message into a chat without delivering its event (a group member posts a file; the bot is not addressed). */
export function postFileInChat(h: Harness, bytes: Uint8Array, fileName: string, o: { as?: Person; group?: string } = {}) {
  const ev = fileEvent({ fileName, ...o });
  h.emulator.ingestEvent(ev);
  h.emulator.addFile(JSON.parse(ev.event.message.content).file_key, bytes, fileName, { messageId: ev.event.message.message_id });
  return ev;
}

/** A text message replying to `parentId` (in a group, @mentioning the bot first). */
export async function replyTo(h: Harness, parentId: string, text: string, o: { as?: Person; group?: string } = {}) {
  const who = o.as ?? ADMIN;
  const ev = textMessageEvent({
    text: o.group ? `@_user_1 ${text}` : text,
    mentions: o.group ? [{ key: "@_user_1", name: "督办", openId: "ou_bot_duban" }] : [],
    openId: who.openId,
    chatId: o.group ?? `oc_p2p_${who.openId}`,
    chatType: o.group ? "group" : "p2p",
    token: TOKEN,
    messageId: uid("om_reply"),
    parentId,
    rootId: parentId,
  });
  h.emulator.ingestEvent(ev);
  return deliver(h, ev);
}

/** The command behind a card button with this label. */
export function buttonCommand(m: EmulatedMessage | { content: any }, label: string): string | undefined {
  let found: string | undefined;
  const walk = (els: any[] = []) => {
    for (const e of els) {
      if (e.tag === "button" && e.text?.content === label) found = e.behaviors?.[0]?.value?.command;
      if (e.tag === "column_set") for (const c of e.columns ?? []) walk(c.elements);
    }
  };
  walk(m.content.body?.elements);
  return found;
}

/** Presses a card button: a card.action.trigger callback; returns the card (or toast) Lark would show. */
export async function press(h: Harness, m: EmulatedMessage, label: string, as: Person = ADMIN): Promise<{ text: string; body: any }> {
  const command = buttonCommand(m, label);
  if (!command) throw new Error(`no button 「${label}」 on the card: ${visibleText(m)}`);
  const ev = cardActionEvent({ openId: as.openId, value: { command }, messageId: m.id, chatId: m.chat_id, token: TOKEN });
  const res = await h.post(ev);
  if (res.status !== 200) throw new Error(`card callback answered ${res.status}`);
  const body = (await res.json()) as any;
  const text = body.card ? visibleText({ msg_type: "interactive", content: body.card.data } as never) : (body.toast?.content ?? "");
  return { text, body };
}

/** Runs one SQL query against the harness's database file (a second connection, as an operator would). */
export async function sql(h: Harness, query: string, args: (string | number)[] = []) {
  const c = createClient({ url: `file:${h.dbFile}` });
  try {
    return (await c.execute({ sql: query, args })).rows;
  } finally {
    c.close();
  }
}

export async function count(h: Harness, query: string, args: (string | number)[] = []): Promise<number> {
  return Number((await sql(h, query, args))[0][0]);
}

/** Row counts of everything an import may touch: equal before and after means nothing was written. */
export async function footprint(h: Harness) {
  const tables = ["plans", "tasks", "assignments", "units", "unit_aliases", "unit_groups", "progress_notes"];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = await count(h, `SELECT COUNT(*) FROM ${t}`);
  out.liveTasks = await count(h, "SELECT COUNT(*) FROM tasks WHERE removed_at IS NULL");
  return out;
}
