/**
 * The HTTP surface: the Lark webhook and the health check (plus the sandbox console's endpoints).
 * Runtime-neutral: src/runtime/* builds the dependencies and serves it.
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Bot } from "./bot/pipeline";
import { renderCard } from "./lark/cards/render";
import type { CryptoPrimitives } from "./lark/crypto";
import { readLarkRequest } from "./lark/receive";
import type { SandboxMessenger } from "./lark/sandbox-messenger";

export const MAX_BODY_BYTES = 1024 * 1024;
const TOO_LARGE = { error: "request body over 1 MiB" };

/** What the webhook needs of a request: its exact bytes (the signature covers them) and its headers. */
export interface RawRequest {
  body: Uint8Array;
  header(name: string): string | undefined;
}

export interface AppDeps {
  bot: Bot;
  verificationToken: string;
  encryptKey?: string;
  signatureMaxAgeSeconds: number;
  crypto?: CryptoPrimitives;
  /**
   * Reads a webhook request more directly than through the web Request (Node); returns undefined
   * when the body is over `maxBytes`, or nothing at all when it cannot (then the portable way is used).
   */
  readRequest?: (c: Context, maxBytes: number) => Promise<RawRequest | undefined> | undefined;
  version: string;
  /** Runs work after the response (Workers: waitUntil; Node: in the background, tracked for clean shutdown). */
  defer(c: Context, work: () => Promise<unknown>): void;
  health(): Promise<{ ok: boolean; detail: string; eventsWaiting?: number }>;
  now(): number;
  sandbox?: SandboxMessenger;
  log?: (line: string) => void;
}

export function createApp(deps: AppDeps) {
  const app = new Hono();
  const log = deps.log ?? (() => {});

  app.get("/healthz", async (c) => {
    const db = await deps.health().catch((e: Error) => ({ ok: false, detail: e.message }));
    return c.json(
      { ok: db.ok, version: deps.version, database: db.detail, mode: deps.sandbox ? "sandbox" : "lark", ...("eventsWaiting" in db ? { eventsWaiting: db.eventsWaiting } : {}) },
      db.ok ? 200 : 503,
    );
  });

  // Bodies over 1 MiB are refused: by declared length at once, a chunked one as it is counted.
  const limitBody = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(TOO_LARGE, 413) });
  const readPortable = async (c: Context): Promise<RawRequest> => ({ body: new Uint8Array(await c.req.arrayBuffer()), header: (n) => c.req.header(n) });

  app.post("/webhook/event", async (c) => {
    const direct = deps.readRequest?.(c, MAX_BODY_BYTES);
    if (direct) {
      const req = await direct;
      return req ? webhook(c, req) : c.json(TOO_LARGE, 413);
    }
    return limitBody(c, async () => {
      c.res = await webhook(c, await readPortable(c));
    });
  });

  async function webhook(c: Context, req: RawRequest): Promise<Response> {
    const inbound = await readLarkRequest(req.body, req.header, {
      verificationToken: deps.verificationToken,
      encryptKey: deps.encryptKey,
      maxAgeSeconds: deps.signatureMaxAgeSeconds,
      nowMs: deps.now(),
      crypto: deps.crypto,
    });
    if (inbound.kind === "reject") {
      log(`webhook: refused (${inbound.status}): ${inbound.reason}`);
      return c.json({ error: inbound.reason }, inbound.status);
    }
    if (inbound.kind === "challenge") return c.json({ challenge: inbound.challenge });

    const env = inbound.envelope;
    // Card callbacks are never retried and must be answered within 3 s with the new card.
    if (env.header.event_type === "card.action.trigger") {
      return c.json(cardCallbackAnswer(await deps.bot.cardAction(env)));
    }
    // Durable receipt first (so a crash after the 200 loses nothing), then acknowledge, then work.
    const claim = await deps.bot.accept(env);
    if (claim) deps.defer(c, () => deps.bot.process(env, claim));
    return c.json({});
  }

  if (deps.sandbox) {
    const box = deps.sandbox;
    // The chat console reads the bot's answers here; it exists only in sandbox mode.
    app.get("/sandbox/messages", (c) => {
      const after = Number(c.req.query("after") ?? 0);
      return c.json(
        box.sent.filter((m) => m.seq > after).map((m) => ({ seq: m.seq, target: m.target, receiveId: m.receiveId, msgType: m.msgType, text: readable(m.msgType, m.content) })),
      );
    });
  }

  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((e, c) => {
    log(`http: ${e.stack ?? e}`);
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}

/** The answer to a card callback: a toast, or the card the button was on, updated (webhook and long connection alike). */
export function cardCallbackAnswer(r: Awaited<ReturnType<Bot["cardAction"]>>) {
  if ("toast" in r) return { toast: { type: "info", content: r.toast } };
  if ("text" in r) return { toast: { type: "info", content: r.text.slice(0, 200) } };
  return { card: { type: "raw", data: renderCard(r.card) } };
}

/** A message's content as plain text for the sandbox console. */
function readable(msgType: string, content: string): string {
  try {
    const v = JSON.parse(content);
    if (msgType === "text") return v.text;
    if (msgType === "interactive") return cardToText(v);
  } catch {
    /* fall through */
  }
  return content;
}

function cardToText(card: { header?: { title?: { content?: string } }; body?: { elements?: unknown[] } }): string {
  const out: string[] = [`【${card.header?.title?.content ?? ""}】`];
  const walk = (els: unknown[] = []) => {
    for (const e of els as Record<string, any>[]) {
      if (e.tag === "markdown") out.push(String(e.content).replace(/\*\*/g, ""));
      else if (e.tag === "hr") out.push("——");
      else if (e.tag === "column_set") for (const col of e.columns ?? []) walk(col.elements);
      else if (e.tag === "button") out.push(`[${e.text?.content}] → ${e.behaviors?.[0]?.value?.command ?? ""}`);
    }
  };
  walk(card.body?.elements);
  return out.join("\n");
}

