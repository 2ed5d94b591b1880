/**
 * The periodic work every runtime does, in one place: pick up events whose processing was cut off,
 * run the scheduled jobs (digests, alerts, summaries: they decide themselves what is due at `now`),
 * and deliver whatever the outbox holds. Node calls it from a timer, the Worker from its Cron
 * Trigger; two instances calling it at once is safe (events are claimed, outbox rows leased).
 */
import type { Server } from "../server";

/**
 * The scheduled jobs, runtime-neutral: given the bot and the instant, do what is due (src/jobs
 * `runScheduled`). The Worker passes it to every Cron Trigger; Node runs it from its own per-minute
 * scheduler (src/jobs/cron.ts), so its sweep tick passes none unless asked.
 */
export type ScheduledJobs = (server: Server, now: Date) => Promise<unknown>;

export interface TickReport {
  recovered: number;
  jobs: "none" | "ok" | "failed";
  sent: number;
  retrying: number;
  failed: number;
}

export async function runTick(server: Server, now: Date, o: { jobs?: ScheduledJobs; log?: (line: string) => void } = {}): Promise<TickReport> {
  const log = o.log ?? (() => {});
  const report: TickReport = { recovered: 0, jobs: "none", sent: 0, retrying: 0, failed: 0 };
  report.recovered = await server.bot.recover().catch((e) => {
    log(`recover: ${(e as Error).stack ?? e}`);
    return 0;
  });
  if (o.jobs) {
    report.jobs = await o.jobs(server, now).then(
      () => "ok" as const,
      (e) => {
        log(`jobs: ${(e as Error).stack ?? e}`);
        return "failed" as const;
      },
    );
  }
  const d = await server.sender.deliver().catch((e) => {
    log(`outbox: ${(e as Error).stack ?? e}`);
    return { sent: 0, retrying: 0, failed: 0 };
  });
  Object.assign(report, d);
  return report;
}
