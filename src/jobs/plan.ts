/**
 * What every job shares: its dependencies, the messages it plans (one outbox row each, keyed
 * kind:recipient:subject:period), writing them, and the report a run returns.
 */
import type { Db, Tx } from "../../db/client";
import { outboxStatus } from "../../db/queries/delivery";
import { adminMembers, allBindings } from "../../db/queries/jobs";
import { enqueue } from "../../db/queries/outbox";
import type { Reply } from "../bot/reply";
import type { WorkCalendar } from "../domain/calendar";
import { toMessage } from "../lark/cards/render";

export interface JobDeps {
  db: Db;
  /** The working-day calendar with the admins' overlay, read fresh for the run. */
  calendar: WorkCalendar;
  /** Epoch ms, for timestamps (not for the business date: that is passed in). */
  now: () => number;
  log?: (line: string) => void;
}

export interface JobOptions {
  /** Compose and report, write nothing. */
  dryRun?: boolean;
}

export type MessageKind =
  | "digest"
  | "alert"
  | "escalation"
  | "summary"
  | "progress-request"
  | "calendar-fallback"
  | "calendar-advance"
  | "delivery-failed";

export interface Recipient {
  target: "chat_id" | "open_id";
  id: string;
  /** For people reading the CLI output: 县教体局群, 联络员 张三, 管理群. */
  label: string;
}

export interface Planned {
  key: string;
  kind: MessageKind;
  to: Recipient;
  businessDate: string;
  reply: Reply;
}

export interface PlannedReport {
  key: string;
  kind: MessageKind;
  to: string;
  title: string;
  /** queued: written now; exists: written by an earlier run (sent or on its way); dry-run: not written. */
  state: "queued" | "exists" | "dry-run";
}

export interface JobResult {
  job: string;
  date: string;
  /** Why nothing was composed (a day off …). */
  skipped?: string;
  messages: PlannedReport[];
  /** Things worth saying about the run (muted empty digests, units without a group …). */
  notes: string[];
}

export function messageKey(kind: MessageKind, recipient: string, subject: string, period: string): string {
  return `${kind}:${recipient}:${subject}:${period}`;
}

export function plan(kind: MessageKind, to: Recipient, subject: string, period: string, businessDate: string, reply: Reply): Planned {
  return { key: messageKey(kind, to.id, subject, period), kind, to, businessDate, reply };
}

function titleOf(r: Reply): string {
  return "card" in r ? r.card.title : r.text.slice(0, 40);
}

/** Writes planned messages; true for each that is new (a key already present is left alone). */
export async function enqueuePlanned(tx: Tx, list: Planned[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const p of list) {
    const msg = toMessage(p.reply);
    out.push(
      await enqueue(tx, {
        key: p.key,
        kind: p.kind,
        target: p.to.target,
        receiveId: p.to.id,
        paceKey: p.to.id,
        msgType: msg.msgType,
        content: msg.content,
        businessDate: p.businessDate,
      }),
    );
  }
  return out;
}

export function reportOf(p: Planned, state: PlannedReport["state"]): PlannedReport {
  return { key: p.key, kind: p.kind, to: p.to.label, title: titleOf(p.reply), state };
}

/** Dry run: what would be written, and which of it an earlier run already wrote. */
export async function dryRunReports(db: Tx, list: Planned[]): Promise<PlannedReport[]> {
  const seen = await outboxStatus(db, list.map((p) => p.key));
  return list.map((p) => reportOf(p, seen.has(p.key) ? "exists" : "dry-run"));
}

/**
 * Writes messages in small transactions (one group of rows that belong together per call of
 * `groups`), so a crash loses at most the group in hand and a rerun completes the rest.
 * `after` runs inside the same transaction with what was new, e.g. to record reminders.
 */
export async function writeGroups(
  db: Db,
  groups: Planned[][],
  after?: (tx: Tx, group: Planned[], fresh: boolean[]) => Promise<void>,
): Promise<PlannedReport[]> {
  const out: PlannedReport[] = [];
  for (const g of groups) {
    if (!g.length) continue;
    const fresh = await db.transaction(async (tx) => {
      const f = await enqueuePlanned(tx, g);
      if (after) await after(tx, g, f);
      return f;
    });
    g.forEach((p, i) => out.push(reportOf(p, fresh[i] ? "queued" : "exists")));
  }
  return out;
}

/** Where admin messages go: the bound admin chat(s); without one, each admin by direct message. */
export async function adminRecipients(db: Tx): Promise<Recipient[]> {
  const chats = (await allBindings(db)).filter((b) => b.kind === "admin");
  if (chats.length) return chats.map((c) => ({ target: "chat_id" as const, id: c.chatId, label: "管理群" }));
  return (await adminMembers(db)).map((m) => ({ target: "open_id" as const, id: m.openId, label: `管理员 ${m.name || m.openId}` }));
}
