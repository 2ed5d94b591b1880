/**
 * npm run bench — every benchmark, one after the other, in one run on this machine, so the ratios
 * (against a bare Hono handler, against the theoretical minimum at Lark's rate limits) are taken
 * under the same conditions. Prints the figures and writes them to bench/results/latest.json;
 * docs/BENCHMARKS.md records them with the date and machine.
 *   npm run bench                 all
 *   npm run bench -- webhook import   some
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { benchDigest } from "./digest";
import { benchImport } from "./import";
import { machine } from "./stats";
import { benchWebhook } from "./webhook";
import { benchWorker } from "./worker";

const all: Record<string, () => Promise<unknown>> = {
  webhook: () => benchWebhook(),
  import: () => benchImport(),
  digest: async () => ({ clean: await benchDigest(1000), faults: await benchDigest(1000, { faults: true }) }),
  worker: () => benchWorker(),
};

const chosen = process.argv.slice(2).filter((a) => a in all);
const results: Record<string, unknown> = { date: new Date().toISOString(), machine: machine() };
for (const name of chosen.length ? chosen : Object.keys(all)) {
  const t0 = performance.now();
  console.error(`bench: ${name}…`);
  try {
    results[name] = await all[name]();
  } catch (e) {
    results[name] = { error: String((e as Error).stack ?? e) };
  }
  console.error(`bench: ${name} took ${Math.round((performance.now() - t0) / 1000)} s`);
  // Written after each benchmark, so a long or interrupted run keeps what it measured.
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/latest.json", import.meta.url), JSON.stringify(results, null, 2));
}
console.log(JSON.stringify(results, null, 2));
process.exit(0);
