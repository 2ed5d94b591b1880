/** Scheduled messages: daily digests, overdue alerts and escalation, the weekly summary. docs/SCHEDULING.md. */
export { runAlerts } from "./alerts";
export { runCalendarCheck } from "./calendar-check";
export { runDigest } from "./digest";
export { reportFailures } from "./failures";
export { ensureInstances, registerEvent } from "./instances";
export type { JobDeps, JobOptions, JobResult, PlannedReport } from "./plan";
export { runProgressRequests } from "./progress";
export { ALL_JOBS, jobDeps, runJob, runScheduled, type JobHost, type JobName, type ScheduledReport } from "./run";
export { DEFAULT_SETTINGS, loadSettings, type JobSettings } from "./settings";
export { firstWorkdayOfWeek, runSummary } from "./summary";
