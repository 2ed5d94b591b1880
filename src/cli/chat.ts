/**
 * Talk to a running bot through its real webhook, the way Lark would deliver a message:
 *   npm run chat -- "我的任务"                      (as the sandbox liaison, in a direct chat)
 *   npm run chat -- --as admin "单位"
 *   npm run chat -- --as ou_xxx --group oc_sandbox_jiaoti "我的任务"
 *   npm run chat                                     (an interactive prompt)
 * Options: --url (default http://127.0.0.1:$PORT), --token (LARK_VERIFICATION_TOKEN or the sandbox token).
 */
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { SANDBOX_PEOPLE } from "../sandbox/example";
import { SANDBOX_TOKEN } from "../server";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    as: { type: "string", default: "liaison" },
    group: { type: "string" },
    url: { type: "string", default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    token: { type: "string", default: process.env.LARK_VERIFICATION_TOKEN ?? SANDBOX_TOKEN },
    wait: { type: "string", default: "5000" },
  },
});

const who = values.as === "admin" ? SANDBOX_PEOPLE.admin : values.as === "liaison" ? SANDBOX_PEOPLE.liaison : values.as === "stranger" ? SANDBOX_PEOPLE.stranger : { openId: values.as!, name: values.as! };
const chatId = values.group ?? `oc_p2p_${who.openId}`;

/** "@张三(ou_x)" in the typed text becomes a Lark mention, so 联络员 commands can be tried too. */
function toLarkText(input: string) {
  const mentions: { key: string; id: { open_id: string }; name: string }[] = [];
  let text = input.replace(/@([^\s(（]+)[(（](ou_[\w-]+)[)）]/g, (_m, name: string, openId: string) => {
    const key = `@_user_${mentions.length + 2}`;
    mentions.push({ key, id: { open_id: openId }, name });
    return key;
  });
  if (values.group) {
    mentions.unshift({ key: "@_user_1", id: { open_id: "ou_duban_bot" }, name: "督办" });
    text = `@_user_1 ${text}`;
  }
  return { text, mentions };
}

async function lastSeq(): Promise<number> {
  const r = await fetch(`${values.url}/sandbox/messages`);
  if (!r.ok) return 0;
  const list = (await r.json()) as { seq: number }[];
  return list.length ? list[list.length - 1].seq : 0;
}

async function say(input: string) {
  const before = await lastSeq();
  const { text, mentions } = toLarkText(input);
  const body = {
    schema: "2.0",
    header: { event_id: randomUUID(), token: values.token, create_time: String(Date.now()), event_type: "im.message.receive_v1", tenant_key: "sandbox", app_id: "cli_sandbox" },
    event: {
      sender: { sender_id: { open_id: who.openId }, sender_type: "user", tenant_key: "sandbox" },
      message: { message_id: `om_${randomUUID().slice(0, 12)}`, create_time: String(Date.now()), chat_id: chatId, chat_type: values.group ? "group" : "p2p", message_type: "text", content: JSON.stringify({ text }), mentions },
    },
  };
  const res = await fetch(`${values.url}/webhook/event`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) {
    console.error(`the bot refused the event: HTTP ${res.status} ${await res.text()}`);
    return;
  }
  const until = Date.now() + Number(values.wait);
  while (Date.now() < until) {
    const r = await fetch(`${values.url}/sandbox/messages?after=${before}`);
    if (r.status === 404) {
      console.log("(the bot is not in sandbox mode: its replies went to Lark)");
      return;
    }
    const list = (await r.json()) as { text: string }[];
    if (list.length) {
      for (const m of list) console.log(`\n${m.text}\n`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log("(no reply yet — is the bot running? start it with npm start)");
}

async function main() {
  try {
    await fetch(`${values.url}/healthz`);
  } catch {
    console.error(`Cannot reach the bot at ${values.url}. Start it first in another terminal: npm start`);
    process.exit(1);
  }
  if (positionals.length) return say(positionals.join(" "));
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  console.log(`Talking to ${values.url} as ${who.name} (${values.group ? `group ${values.group}` : "direct chat"}). Empty line or Ctrl-D to quit.`);
  for (;;) {
    const line = await rl.question("> ").catch(() => "");
    if (!line.trim()) break;
    await say(line.trim());
  }
  rl.close();
}

void main();
