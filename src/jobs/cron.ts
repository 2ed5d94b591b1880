/**
 * The in-process scheduler for long-running servers (Node): croner ticks every minute and calls
 * `runScheduled` with the clock's instant. `protect` skips a tick while the previous one still runs.
 */
import { Cron } from "croner";
import type { Clock } from "../domain/clock";
import { runScheduled, type JobHost } from "./run";

export interface SchedulerHandle {
  stop(): void;
  /** Runs one tick now (start-up catch-up, tests). */
  tick(): Promise<void>;
}

export function startScheduler(
  host: JobHost,
  o: {
    clock: Clock;
    log?: (line: string) => void;
    pattern?: string;
    /** Runs a tick's work: the runtime tracks it (to wait for it before closing the database) and runs it in the background. */
    run?: (work: () => Promise<unknown>) => Promise<unknown>;
  },
): SchedulerHandle {
  const log = o.log ?? (() => {});
  const tick = async () => {
    const work = () => runScheduled(host, o.clock.now(), { log, clock: () => Date.now() }).catch((e) => log(`scheduler: ${(e as Error).stack ?? e}`));
    await (o.run ? o.run(work) : work());
  };
  const cron = new Cron(o.pattern ?? "* * * * *", { timezone: "Asia/Shanghai", protect: true }, tick);
  return { stop: () => cron.stop(), tick };
}
