/**
 * The long connection (LARK_MODE=websocket, Node only): Lark pushes events and card callbacks down a
 * WebSocket that the SDK's WSClient opens from here, so no public URL is needed. What arrives goes
 * down exactly the webhook's road: `bot.accept` (durable claim) → acknowledge → `bot.process` in the
 * background; card callbacks → `bot.cardAction`, answered with the same body as over HTTP.
 *
 * The SDK's EventDispatcher hands each handler the envelope flattened ({...header, ...event});
 * `envelopeFromSdk` puts it back together so the bot sees the same EnvelopeV2 as from the webhook.
 * No signature or Verification Token is checked here: the connection itself is authenticated with
 * the app's credentials.
 */
import { cardCallbackAnswer } from "../app";
import type { Bot } from "../bot/pipeline";
import type { Config } from "../config";
import { envelopeV2, type EnvelopeV2 } from "../lark/events";

type Lark = typeof import("@larksuiteoapi/node-sdk");

/** The v2.0 header's fields, as the SDK spreads them into the object it hands over. */
const HEADER_KEYS = ["event_id", "token", "create_time", "event_type", "tenant_key", "app_id"] as const;

/**
 * Rebuilds the v2.0 envelope from what EventDispatcher hands a handler: `{schema, ...header, ...event}`
 * (plus a symbol key for the type). For card.action.trigger, `token` is the event's own (the delayed-
 * update token overwrote header.token in the spread); it is kept in both places.
 */
export function envelopeFromSdk(data: Record<string, unknown>): EnvelopeV2 {
  const header: Record<string, unknown> = {};
  const event: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (k === "schema") continue;
    if ((HEADER_KEYS as readonly string[]).includes(k)) header[k] = v;
    else event[k] = v;
  }
  if (header.event_type === "card.action.trigger" && typeof header.token === "string") event.token = header.token;
  header.token = typeof header.token === "string" ? header.token : "";
  return envelopeV2.parse({ schema: "2.0", header, event });
}

export interface LongConnectionDeps {
  bot: Bot;
  /** Keeps the work after an acknowledgement in the runtime's in-flight set (finished on shutdown). */
  defer(work: () => Promise<unknown>): void;
  log?: (line: string) => void;
}

/**
 * The handlers to register on the SDK's EventDispatcher. An event is acknowledged (the handler
 * returns) as soon as its claim is stored; the command runs afterwards, as with the webhook. A claim
 * that cannot be stored throws, so the SDK answers 500 and Lark delivers the event again.
 */
export function longConnectionHandlers(deps: LongConnectionDeps) {
  const log = deps.log ?? (() => {});
  const onEvent = async (data: Record<string, unknown>): Promise<undefined> => {
    const env = envelopeFromSdk(data);
    const claim = await deps.bot.accept(env);
    if (claim) deps.defer(() => deps.bot.process(env, claim));
    else log(`long connection: duplicate event ${env.header.event_id} dropped`);
    return undefined;
  };
  return {
    "im.message.receive_v1": onEvent,
    "card.action.trigger": async (data: Record<string, unknown>) => cardCallbackAnswer(await deps.bot.cardAction(envelopeFromSdk(data))),
  };
}

/** Lark's WSClient takes self-built apps only and refuses (silently) any other app id. */
const SELF_BUILT_APP_ID = /^cli_[0-9a-fA-F]{16}$/;

export interface LongConnection {
  /** The SDK's view: idle | connecting | connected | reconnecting | failed. */
  state(): string;
  /** Stops receiving (no reconnect after this). Events already acknowledged are the caller's to finish. */
  close(): void;
}

export interface LongConnectionOptions extends LongConnectionDeps {
  config: Config;
  /** After the SDK gives up (retries exhausted, credentials refused), start again after this long (doubling, ≤ 5 min). */
  restartAfterMs?: number;
  /** Tests: the SDK module (default: imported on first use). */
  sdk?: Lark;
}

export async function startLongConnection(o: LongConnectionOptions): Promise<LongConnection> {
  const log = o.log ?? (() => {});
  const { LARK_APP_ID: appId, LARK_APP_SECRET: appSecret } = o.config;
  if (!appId || !appSecret) throw new Error("LARK_MODE=websocket needs LARK_APP_ID and LARK_APP_SECRET (sandbox mode has no long connection)");
  if (!SELF_BUILT_APP_ID.test(appId)) {
    throw new Error(`LARK_APP_ID ${appId} is not a self-built app's id (cli_ and 16 hex digits): Lark's long connection is for self-built apps only; use LARK_MODE=webhook`);
  }
  const lark = o.sdk ?? (await import("@larksuiteoapi/node-sdk"));
  const say = (level: string) => (...msg: unknown[]) => log(`long connection ${level}: ${msg.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ")}`);
  const logger = { error: say("error"), warn: say("warn"), info: say("info"), debug: () => {}, trace: () => {} };

  const dispatcher = new lark.EventDispatcher({ logger, loggerLevel: lark.LoggerLevel.warn }).register(longConnectionHandlers(o) as never);

  let closed = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let restartDelay = o.restartAfterMs ?? 30_000;
  const ws: InstanceType<Lark["WSClient"]> = new lark.WSClient({
    appId,
    appSecret,
    domain: o.config.larkBaseUrl,
    logger,
    // Connection changes are logged by the callbacks below; the SDK's own info lines are a banner.
    loggerLevel: lark.LoggerLevel.warn,
    autoReconnect: true,
    onReady: () => {
      restartDelay = o.restartAfterMs ?? 30_000;
      log(`long connection: connected to ${o.config.larkBaseUrl}`);
    },
    onReconnecting: () => log("long connection: lost, reconnecting…"),
    onReconnected: () => {
      restartDelay = o.restartAfterMs ?? 30_000;
      log("long connection: reconnected");
    },
    // The SDK gave up (its retry budget is Lark's ReconnectCount, or the credentials were refused):
    // keep trying on our own, more slowly, rather than sit deaf; the error says why in the log.
    onError: (e) => {
      if (closed) return;
      log(`long connection: ${e.message}; starting again in ${Math.round(restartDelay / 1000)} s`);
      restartTimer = setTimeout(() => void ws.start({ eventDispatcher: dispatcher }), restartDelay);
      restartTimer.unref?.();
      restartDelay = Math.min(restartDelay * 2, 5 * 60_000);
    },
  });
  await ws.start({ eventDispatcher: dispatcher });
  return {
    state: () => ws.getConnectionStatus().state,
    close() {
      closed = true;
      if (restartTimer) clearTimeout(restartTimer);
      ws.close({ force: true });
    },
  };
}
