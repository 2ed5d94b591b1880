/**
 * The admin settings of the scheduled messages, typed and validated (values live as JSON in the
 * `settings` table; a missing or unreadable value means the default). The 设置 command writes them.
 */
import { z } from "zod";
import type { Tx } from "../../db/client";
import { readSettings, writeSetting } from "../../db/queries/settings";

export type ProgressEvery = "week" | "month" | "quarter";

export interface JobSettings {
  /** HH:MM Beijing time: digests, alerts and the weekly summary go out from this time on. */
  digestTime: string;
  /** Working days overdue after which an assignment is escalated to the admin chat and the lead unit. */
  escalateAfterWorkdays: number;
  /** Working days between two reminders about the same overdue assignment (1 = every working day). */
  reminderIntervalWorkdays: number;
  /** How often continuing (长期坚持) assignments are asked for a progress note. */
  progressEvery: ProgressEvery;
}

export const DEFAULT_SETTINGS: JobSettings = {
  digestTime: "09:00",
  escalateAfterWorkdays: 3,
  reminderIntervalWorkdays: 2,
  progressEvery: "month",
};

/** The latest a day's digest and alerts are still sent when the scheduler was down at push time. */
export const LATEST_SEND_TIME = "21:00";

const KEYS: Record<keyof JobSettings, string> = {
  digestTime: "jobs.digest_time",
  escalateAfterWorkdays: "jobs.escalate_after_workdays",
  reminderIntervalWorkdays: "jobs.reminder_interval_workdays",
  progressEvery: "jobs.progress_every",
};

export const settingSchemas = {
  digestTime: z
    .string()
    .trim()
    .transform((s) => s.replace("：", ":"))
    .pipe(z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, "时间要写成 时:分，例如 08:30"))
    .transform((s) => s.padStart(5, "0"))
    .refine((s) => s >= "06:00" && s <= "20:00", "推送时间要在 06:00 到 20:00 之间"),
  escalateAfterWorkdays: z.coerce.number({ error: "升级天数要写成数字（工作日数）" }).int("升级天数要是整数").min(1, "升级天数至少 1 天").max(30, "升级天数最多 30 天"),
  reminderIntervalWorkdays: z.coerce.number({ error: "提醒间隔要写成数字（工作日数）" }).int("提醒间隔要是整数").min(1, "提醒间隔至少 1 个工作日").max(20, "提醒间隔最多 20 个工作日"),
  progressEvery: z.enum(["week", "month", "quarter"]),
} satisfies { [K in keyof JobSettings]: z.ZodType<JobSettings[K], any> };

export async function loadSettings(db: Tx): Promise<JobSettings> {
  const raw = await readSettings(db, Object.values(KEYS));
  const out = { ...DEFAULT_SETTINGS } as Record<keyof JobSettings, unknown>;
  for (const k of Object.keys(KEYS) as (keyof JobSettings)[]) {
    if (!raw.has(KEYS[k])) continue;
    const parsed = settingSchemas[k].safeParse(raw.get(KEYS[k]));
    if (parsed.success) out[k] = parsed.data;
  }
  return out as unknown as JobSettings;
}

/** Writes one setting (already validated); returns the previous value. */
export async function saveSetting<K extends keyof JobSettings>(tx: Tx, key: K, value: JobSettings[K], by: string, at: number): Promise<unknown> {
  return writeSetting(tx, KEYS[key], value, by, at);
}

export const PROGRESS_EVERY_CN: Record<ProgressEvery, string> = { week: "每周", month: "每月", quarter: "每季度" };
