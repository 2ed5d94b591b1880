/**
 * Builds the whole bot from a configuration and a libSQL client — the same on every runtime.
 * src/runtime/* decide how to serve it, schedule it and shut it down.
 */
import type { Client } from "@libsql/client";
import type { Context } from "hono";
import { commands } from "../commands";
import { createDb } from "../db/client";
import { overlayDays } from "../db/queries/calendar";
import { eventsWaiting } from "../db/queries/events";
import { createApp, type AppDeps } from "./app";
import { createBot } from "./bot/pipeline";
import type { Config } from "./config";
import { createCalendar, type WorkCalendar } from "./domain/calendar";
import type { Clock } from "./domain/clock";
import { LarkClient } from "./lark/client";
import type { CryptoPrimitives } from "./lark/crypto";
import type { Messenger } from "./lark/messenger";
import { SandboxMessenger } from "./lark/sandbox-messenger";
import { onCalendarChange } from "./jobs/calendar-hooks";
import { reportFailures } from "./jobs/failures";
import { OutboxSender } from "./outbox/sender";

export const VERSION = "0.1.0";
/** The token the sandbox console signs its events with when no real one is configured. */
export const SANDBOX_TOKEN = "sandbox-verification-token";

export interface ServerOptions {
  config: Config;
  client: Client;
  clock: Clock;
  defer(c: Context, work: () => Promise<unknown>): void;
  log?: (line: string) => void;
  /** Tests and the benchmark may hand in their own transport. */
  messenger?: Messenger;
  fetch?: typeof fetch;
  /** The runtime's own hash and cipher, when faster than WebCrypto (Node). */
  crypto?: CryptoPrimitives;
  /** The runtime's own way to read a webhook request (Node: from the IncomingMessage). */
  readRequest?: AppDeps["readRequest"];
  /**
   * Events worked on at once. On the embedded file every query runs synchronously, so one at a
   * time keeps each stretch without I/O short and acknowledgements never wait behind several;
   * over HTTP (sqld, Turso) queries wait on the network and a few at once overlap those waits.
   */
  eventConcurrency?: number;
  /** See BotDeps (src/bot/pipeline.ts): how the runtime batches receipts and keeps answering out of the acknowledgements' way. */
  nextTurn?: (fn: () => void) => void;
  quiet?: () => Promise<void>;
}

export function buildServer(o: ServerOptions) {
  const log = o.log ?? ((l: string) => console.log(l));
  const db = createDb(o.client);
  const sandbox = o.config.sandbox && !o.messenger ? new SandboxMessenger((m) => log(`[sandbox] would send to ${m.target}:${m.receiveId}: ${m.content.slice(0, 300)}`)) : undefined;
  const messenger: Messenger =
    o.messenger ??
    sandbox ??
    new LarkClient({ appId: o.config.LARK_APP_ID!, appSecret: o.config.LARK_APP_SECRET!, baseUrl: o.config.larkBaseUrl, fetch: o.fetch });

  // A message that finally failed is reported to the admin chat (src/jobs/failures.ts).
  const sender = new OutboxSender(db, messenger, { log, onFailures: () => reportFailures(db, o.clock.now().getTime()) });

  // The holiday overlay changes a few times a year: read once, reloaded when an admin loads a notice.
  let calendar: Promise<WorkCalendar> | undefined;
  const getCalendar = () =>
    (calendar ??= overlayDays(db).then((days) => createCalendar(days.map((d) => ({ date: d.date, workday: d.workday, name: d.name })))));
  const reloadCalendar = () => {
    calendar = undefined;
  };
  onCalendarChange(db, reloadCalendar);

  const bot = createBot({ db, clock: o.clock, calendar: getCalendar, messenger, sender, commands, adminOpenIds: o.config.ADMIN_OPEN_IDS, log, concurrency: o.eventConcurrency, nextTurn: o.nextTurn, quiet: o.quiet });

  const app = createApp({
    bot,
    verificationToken: o.config.LARK_VERIFICATION_TOKEN ?? SANDBOX_TOKEN,
    encryptKey: o.config.LARK_ENCRYPT_KEY,
    signatureMaxAgeSeconds: o.config.LARK_SIGNATURE_MAX_AGE,
    crypto: o.crypto,
    readRequest: o.readRequest,
    version: VERSION,
    defer: o.defer,
    now: () => o.clock.now().getTime(),
    // Also a reading of the pipeline: events acknowledged to Lark and not yet answered.
    health: async () => ({ ok: true, detail: "ok", eventsWaiting: await eventsWaiting(db) }),
    sandbox,
    log,
  });

  return { app, bot, db, sender, messenger, sandbox, getCalendar, reloadCalendar };
}

export type Server = ReturnType<typeof buildServer>;
