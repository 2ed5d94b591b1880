/** The jobs through the runtimes' shared tick (src/runtime/scheduled.ts): the Worker's Cron Trigger path. */
import { afterEach, beforeEach, expect, it } from "vitest";
import { runScheduled } from "../../src/jobs/run";
import { runTick, type ScheduledJobs } from "../../src/runtime/scheduled";
import { at, kindOf, resetSeed, rig, task, to, unit, type Harness } from "./helpers";

let h: Harness;
beforeEach(async () => {
  resetSeed();
  h = await rig();
});
afterEach(async () => h.close());

it("runScheduled fits the runtimes' seam and runs from their tick", async () => {
  const jobs: ScheduledJobs = runScheduled;
  const jt = await unit(h.server.db, "县教体局");
  await task(h.server.db, { due: "2026-12-02", units: [{ id: jt.id }] });
  // A Cron Trigger every 5 minutes: 08:55 does nothing, 09:00 sends, 09:05 sends nothing new.
  for (const t of ["08:55", "09:00", "09:05"]) {
    const r = await runTick(h.server, at("2026-11-30", t), { jobs });
    expect(r.jobs).toBe("ok");
  }
  await h.server.sender.drain(10_000);
  expect(to(h, jt.chat!).map(kindOf)).toEqual(["digest"]);
});
