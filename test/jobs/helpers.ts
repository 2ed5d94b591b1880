/**
 * The rig for the scheduling tests: the real Node server (startNode via test/helpers/harness) on a temp
 * libSQL file, talking to the Lark emulator through the real LarkClient and outbox sender; seeding
 * straight into the database; running the scheduler at chosen instants of an injected clock.
 */
import type { Db } from "../../db/client";
import { bindChat, setMember } from "../../db/queries/members";
import { addAssignment } from "../../db/queries/tasks";
import { upsertUnit } from "../../db/queries/units";
import { plans, tasks } from "../../db/schema";
import { contentKeys } from "../../src/importer/build";
import { runScheduled, type ScheduledReport } from "../../src/jobs/run";
import { ADMIN, startHarness, visibleText, type Harness } from "../helpers/harness";
import type { EmulatedMessage } from "../emulator";

export { ADMIN, visibleText };
export type { Harness };

/** 09:00 Beijing on a business date, as an instant. */
export const at = (date: string, time = "09:00") => new Date(`${date}T${time}:00+08:00`);

export async function rig(now = "2026-11-25T10:00:00+08:00"): Promise<Harness> {
  return startHarness({ now });
}

let planId: number | undefined;
let seq = 0;

export async function unit(
  db: Db,
  name: string,
  o: { chat?: string | null; liaisons?: { openId: string; name: string }[]; sendEmpty?: boolean } = {},
): Promise<{ id: number; chat?: string }> {
  const { unit } = await upsertUnit(db, name);
  const chat = o.chat === null ? undefined : (o.chat ?? `oc_${unit.id}_${name.length}`);
  if (chat) {
    await bindChat(db, { chatId: chat, kind: "unit", unitId: unit.id, boundBy: ADMIN.openId }, 0);
    if (o.sendEmpty) await db.$client.execute({ sql: "UPDATE chat_bindings SET mute_empty_digest = 0 WHERE chat_id = ?", args: [chat] });
  }
  for (const l of o.liaisons ?? []) await setMember(db, { ...l, role: "liaison", unitId: unit.id }, 0);
  return { id: unit.id, chat };
}

export async function adminChat(db: Db, chatId = "oc_admin_chat"): Promise<string> {
  await setMember(db, { ...ADMIN, role: "admin", unitId: null }, 0);
  await bindChat(db, { chatId, kind: "admin", unitId: null, boundBy: ADMIN.openId }, 0);
  return chatId;
}

export async function task(
  db: Db,
  o: {
    requirement?: string;
    deadlineText?: string;
    deadline?: unknown;
    due?: string | null;
    units: { id: number; role?: "lead" | "responsible"; due?: string | null }[];
    createdOn?: string;
    year?: number;
  },
): Promise<number> {
  const year = o.year ?? 2026;
  if (!planId) {
    const [p] = await db.insert(plans).values({ title: `${year}年政务公开工作要点（测试）`, year }).returning();
    planId = p.id;
  }
  const requirement = o.requirement ?? `测试任务${++seq}：公开相关信息`;
  const createdAt = Date.parse(`${o.createdOn ?? `${year}-01-01`}T08:00:00+08:00`);
  const due = o.due === undefined ? null : o.due;
  const [t] = await db
    .insert(tasks)
    .values({
      planId,
      requirement,
      deadlineText: o.deadlineText ?? (due ?? ""),
      deadline: o.deadline === undefined ? (due ? JSON.stringify({ text: due, kind: "absolute", due }) : null) : JSON.stringify(o.deadline),
      dueDate: due,
      contentKey: contentKeys([{ requirement, category: [] }])[0],
      createdAt,
      updatedAt: createdAt,
    })
    .returning();
  for (const u of o.units) await addAssignment(db, { taskId: t.id, unitId: u.id, role: u.role, dueDate: u.due === undefined ? due : u.due }, createdAt);
  return t.id;
}

/** A fresh plan per harness: the module-level plan id belongs to the previous database. */
export function resetSeed() {
  planId = undefined;
  seq = 0;
}

/** Runs the scheduler at that instant (the commands' clock moved there too) and waits for the outbox to empty. */
export async function tickAt(h: Harness, when: Date): Promise<ScheduledReport> {
  h.clock.set(when);
  const r = await runScheduled(h.server, when);
  await h.server.sender.drain(60_000);
  return r;
}

export function title(m: EmulatedMessage): string {
  return m.msg_type === "interactive" ? (m.content.header?.title?.content ?? "") : String(m.content.text ?? "");
}

/** Messages that landed with a recipient: a group chat id, or a user's open_id (direct messages). */
export function to(h: Harness, recipient: string): EmulatedMessage[] {
  return h.emulator.messages.filter((m) => m.kind !== "patch" && (m.chat_id === recipient || m.receive_id === recipient));
}

export function kindOf(m: EmulatedMessage): string {
  if (m.kind === "reply") return "reply";
  const t = title(m);
  if (t.includes("每日提醒")) return "digest";
  if (t.startsWith("逾期提醒")) return "alert";
  if (t.startsWith("逾期升级") || t.startsWith("牵头任务逾期")) return "escalation";
  if (t.startsWith("每周汇总")) return "summary";
  if (t.includes("长期任务进展")) return "progress";
  if (t.includes("节假日")) return "calendar";
  if (t.startsWith("消息发送失败")) return "failure";
  return "other";
}
