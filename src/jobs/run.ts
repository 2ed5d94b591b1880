/**
 * Deciding what is due at an instant, and running it — runtime-neutral: Node calls `runScheduled` from
 * croner every minute (src/jobs/cron.ts), the Worker from its Cron Trigger, the CLI runs one job for
 * a business date. Which job runs when (docs/SCHEDULING.md):
 * - from the push time (设置 推送时间, default 09:00) until 21:00 Beijing time on a working day:
 *   the calendar check, the digest and the alerts for that date; the weekly summary on the first
 *   working day of the week (or the next one the scheduler sees that week); progress requests for
 *   continuing tasks on the first working day of each period (same catch-up);
 * - recurring instances are created on every day, at the same hour.
 * Each run is recorded in job_runs so a scheduler ticking every minute does the work once; the
 * outbox keys make a repeat harmless anyway, across instances too.
 */
import type { Db } from "../../db/client";
import { claimJobRun, finishJobRun, jobRunDone, releaseJobRun } from "../../db/queries/jobs";
import type { WorkCalendar } from "../domain/calendar";
import { dateInShanghai, isoWeekKey } from "../domain/dates";
import type { OutboxSender } from "../outbox/sender";
import { runAlerts } from "./alerts";
import { runCalendarCheck } from "./calendar-check";
import { runDigest } from "./digest";
import { reportFailures } from "./failures";
import { ensureInstances } from "./instances";
import type { JobDeps, JobResult } from "./plan";
import { progressPeriod, runProgressRequests } from "./progress";
import { LATEST_SEND_TIME, loadSettings, type JobSettings } from "./settings";
import { runSummary } from "./summary";

/** What the jobs need of the server (src/server.ts `Server` has all of it). */
export interface JobHost {
  db: Db;
  sender: Pick<OutboxSender, "deliver" | "drain">;
  getCalendar(): Promise<WorkCalendar>;
  reloadCalendar(): void;
}

export type JobName = "instances" | "calendar" | "digest" | "alerts" | "progress" | "summary";
export const ALL_JOBS: JobName[] = ["instances", "calendar", "digest", "alerts", "progress", "summary"];

/** A job run holds its claim this long; a holder that died is taken over after it. */
const JOB_LEASE_MS = 10 * 60_000;

export async function jobDeps(host: JobHost, now: () => number, log?: (l: string) => void): Promise<JobDeps> {
  // Fresh overlay for every run: another instance may have loaded a holiday notice.
  host.reloadCalendar();
  return { db: host.db, calendar: await host.getCalendar(), now, log };
}

/** Beijing wall time HH:MM of an instant. */
export function beijingTime(at: number): string {
  const d = new Date(at + 8 * 3600_000);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

/** The period a job's run is recorded under on `date` (the summary once a week, progress once a period). */
export function jobPeriod(job: JobName, date: string, settings: JobSettings): string {
  if (job === "summary") return isoWeekKey(date);
  if (job === "progress") return `${settings.progressEvery}:${progressPeriod(settings.progressEvery, date).key}`;
  return date;
}

/** Runs one job for a business date (no time-of-day rule: the CLI and runScheduled decide that). */
export async function runJob(deps: JobDeps, job: JobName, date: string, opts: { dryRun?: boolean } = {}): Promise<JobResult> {
  switch (job) {
    case "instances": {
      if (opts.dryRun) return { job, date, messages: [], notes: ["（演练：不创建周期任务实例）"] };
      const r = await ensureInstances(deps.db, deps.calendar, date, deps.now());
      const notes = r.created + r.converted + r.removed ? [`周期任务实例：新建 ${r.created}，转换 ${r.converted}，移除 ${r.removed}`] : [];
      return { job, date, messages: [], notes };
    }
    case "calendar":
      return runCalendarCheck(deps, date, opts);
    case "digest":
      return runDigest(deps, date, opts);
    case "alerts":
      return runAlerts(deps, date, opts);
    case "progress":
      return runProgressRequests(deps, date, opts);
    case "summary":
      return runSummary(deps, date, opts);
  }
}

export interface ScheduledReport {
  date: string;
  time: string;
  ran: JobResult[];
  /** Jobs due now but already done (or being done by another instance). */
  skipped: JobName[];
  failed: { job: JobName; error: string }[];
}

/**
 * Does what is due at `now` and delivers what it wrote. Safe to call as often as wanted (every minute
 * on Node, every few minutes from a Cron Trigger) and from several instances at once.
 */
export async function runScheduled(
  host: JobHost,
  now: Date | number,
  o: { log?: (line: string) => void; clock?: () => number } = {},
): Promise<ScheduledReport> {
  const at = typeof now === "number" ? now : now.getTime();
  const clock = o.clock ?? (() => Date.now());
  const date = dateInShanghai(new Date(at));
  const time = beijingTime(at);
  const report: ScheduledReport = { date, time, ran: [], skipped: [], failed: [] };
  const log = o.log ?? (() => {});

  const deps = await jobDeps(host, clock, log);
  const settings = await loadSettings(host.db);

  const failureKeys = await reportFailures(host.db, clock()).catch((e) => {
    log(`jobs: reporting failures: ${(e as Error).message ?? e}`);
    return [] as string[];
  });

  if (time >= settings.digestTime && time < LATEST_SEND_TIME) {
    const workday = deps.calendar.isWorkday(date);
    const due: JobName[] = workday ? ALL_JOBS : ["instances"];
    for (const job of due) {
      const period = jobPeriod(job, date, settings);
      if (await jobRunDone(host.db, job, period)) continue;
      if (!(await claimJobRun(host.db, job, period, clock(), JOB_LEASE_MS))) {
        report.skipped.push(job);
        continue;
      }
      try {
        const r = await runJob(deps, job, date);
        report.ran.push(r);
        const queued = r.messages.filter((m) => m.state === "queued").length;
        await finishJobRun(host.db, job, period, clock(), { queued, messages: r.messages.length, skipped: r.skipped ?? null });
        if (queued || r.skipped) log(`jobs: ${job} ${date}: ${r.skipped ?? `${queued} message(s) queued`}`);
      } catch (e) {
        report.failed.push({ job, error: (e as Error).message ?? String(e) });
        log(`jobs: ${job} ${date} failed: ${(e as Error).stack ?? e}`);
        await releaseJobRun(host.db, job, period).catch(() => {});
      }
    }
  }
  if (failureKeys.length || report.ran.some((r) => r.messages.some((m) => m.state === "queued"))) {
    await host.sender.deliver().catch((e) => log(`jobs: delivery: ${(e as Error).message ?? e}`));
  }
  return report;
}
