/**
 * Runs a scheduled job for a business date and prints what it sent or would send:
 *
 *   npm run job -- <digest|alerts|summary|progress|calendar|all|retry-failed> [--date 2026-11-30] [--dry-run]
 *
 * `all` does what the scheduler does on that date at the push time (recurring instances, calendar
 * check, digest, alerts, progress requests, weekly summary), without the time-of-day rule. Running a
 * job twice for a date sends nothing the second time (the outbox keys). `retry-failed` puts the rows
 * that finally failed (of --date, or all) back in the queue, after the cause was fixed.
 * Uses the same environment as the server (DATABASE_URL, LARK_*); without LARK_APP_ID it prints
 * instead of sending (sandbox). `--lease-seconds N` shortens the outbox lease (tests, operations).
 */
import { createClient } from "@libsql/client";
import { and, eq, inArray } from "drizzle-orm";
import { migrate } from "../../db/migrate";
import { outboxStatus } from "../../db/queries/delivery";
import { claimJobRun, finishJobRun } from "../../db/queries/jobs";
import { deliveryReports, outbox } from "../../db/schema";
import { ConfigError, loadConfig } from "../config";
import { systemClock } from "../domain/clock";
import { isValidDate, todayIn } from "../domain/dates";
import { reportFailures } from "../jobs/failures";
import type { JobResult } from "../jobs/plan";
import { ALL_JOBS, jobDeps, jobPeriod, runJob, type JobName } from "../jobs/run";
import { loadSettings } from "../jobs/settings";
import { OutboxSender } from "../outbox/sender";
import { buildServer } from "../server";

const USAGE = "usage: npm run job -- <digest|alerts|summary|progress|calendar|all|retry-failed> [--date YYYY-MM-DD] [--dry-run] [--lease-seconds N]";

interface Args {
  job: JobName | "all" | "retry-failed";
  date?: string;
  dryRun: boolean;
  leaseSeconds?: number;
}

function parseArgs(argv: string[]): Args {
  const [job, ...rest] = argv;
  const jobs = [...ALL_JOBS, "all", "retry-failed"];
  if (!job || !jobs.includes(job)) throw new ConfigError(`${job ? `unknown job "${job}"` : "no job given"}\n${USAGE}`);
  const a: Args = { job: job as Args["job"], dryRun: false };
  for (let i = 0; i < rest.length; i++) {
    const k = rest[i];
    if (k === "--dry-run") a.dryRun = true;
    else if (k === "--date") a.date = rest[++i];
    else if (k.startsWith("--date=")) a.date = k.slice(7);
    else if (k === "--lease-seconds") a.leaseSeconds = Number(rest[++i]);
    else throw new ConfigError(`unknown option "${k}"\n${USAGE}`);
  }
  if (a.date !== undefined && !isValidDate(a.date)) throw new ConfigError(`--date must be a real date written YYYY-MM-DD, got "${a.date}"`);
  if (a.leaseSeconds !== undefined && !(a.leaseSeconds >= 1)) throw new ConfigError("--lease-seconds must be a number ≥ 1");
  return a;
}

function print(r: JobResult) {
  if (r.skipped) {
    console.log(`${r.job} ${r.date}: skipped — ${r.skipped}`);
    return;
  }
  console.log(`${r.job} ${r.date}: ${r.messages.length} message(s)`);
  for (const m of r.messages) console.log(`  ${m.state.padEnd(7)} ${m.kind} → ${m.to}: ${m.title}`);
  for (const n of r.notes) console.log(`  note: ${n}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig(process.env);
  const client = createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN, timeout: 5000 });
  if (config.DATABASE_URL.startsWith("file:")) {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA busy_timeout = 5000");
  }
  await client.execute("PRAGMA foreign_keys = ON");
  await migrate(client);
  const log = (l: string) => console.log(l);
  const server = buildServer({ config, client, clock: systemClock, log, defer: () => {} });
  const sender = new OutboxSender(server.db, server.messenger, {
    log,
    leaseMs: args.leaseSeconds ? args.leaseSeconds * 1000 : undefined,
    onFailures: () => reportFailures(server.db, Date.now()),
  });
  const date = args.date ?? todayIn(systemClock);
  if (config.sandbox) console.log("(sandbox mode: no LARK_APP_ID, messages are printed, not sent)");

  let keys: string[] = [];
  if (args.job === "retry-failed") {
    const failed = await server.db
      .select({ key: outbox.key })
      .from(outbox)
      .where(and(eq(outbox.status, "failed"), args.date ? eq(outbox.businessDate, args.date) : undefined));
    keys = failed.map((f) => f.key);
    console.log(`retry-failed${args.date ? ` ${args.date}` : ""}: ${keys.length} message(s) back in the queue`);
    if (!args.dryRun && keys.length) {
      await server.db.transaction(async (tx) => {
        for (let i = 0; i < keys.length; i += 200) {
          const part = keys.slice(i, i + 200);
          await tx.update(outbox).set({ status: "pending", attempts: 0, notBefore: 0, leaseUntil: 0 }).where(inArray(outbox.key, part));
          await tx.delete(deliveryReports).where(inArray(deliveryReports.outboxKey, part));
        }
      });
    }
  } else {
    const deps = await jobDeps(server, () => Date.now(), log);
    const settings = await loadSettings(server.db);
    const jobs: JobName[] = args.job === "all" ? ALL_JOBS : [args.job];
    for (const job of jobs) {
      const r = await runJob(deps, job, date, { dryRun: args.dryRun });
      print(r);
      keys.push(...r.messages.map((m) => m.key));
      if (!args.dryRun) {
        const period = jobPeriod(job, date, settings);
        if (await claimJobRun(server.db, job, period, Date.now(), 60_000)) {
          await finishJobRun(server.db, job, period, Date.now(), { queued: r.messages.filter((m) => m.state === "queued").length, by: "cli" });
        }
      }
    }
  }

  if (!args.dryRun && keys.length) {
    const d = await sender.drain();
    const status = await outboxStatus(server.db, keys);
    console.log(`delivery: ${d.sent} sent now, ${d.failed} failed, ${d.retrying} still waiting`);
    for (const k of keys) {
      const row = status.get(k);
      if (!row) continue;
      const what = row.status === "sent" ? `sent ${row.messageId}` : row.status === "failed" ? `FAILED ${row.lastError}` : `pending (${row.lastError ?? "queued"})`;
      console.log(`  ${what.padEnd(24)} ${k}`);
    }
  }
  await sender.idle();
  client.close();
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : `job failed: ${e?.stack ?? e}${e?.cause ? `\ncause: ${e.cause?.stack ?? e.cause}` : ""}`);
  process.exit(1);
});
