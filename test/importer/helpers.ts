import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlan, type ParsedPlan, type ParsedTask, type ParseOptions } from "../../src/importer/index";

export const SEEDS_DIR = new URL("../fixtures/seeds/", import.meta.url).pathname;
export const FIXTURES_DIR = new URL("../fixtures/", import.meta.url).pathname;

export type Ext = "txt" | "docx" | "xlsx" | "csv";
export const FORMATS: Ext[] = ["txt", "docx", "xlsx", "csv"];

export function bytesOf(seed: string, ext: Ext): Uint8Array {
  const path = ext === "txt" ? join(SEEDS_DIR, `${seed}.txt`) : join(FIXTURES_DIR, `${seed}.${ext}`);
  return new Uint8Array(readFileSync(path));
}

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES_DIR, name)));
}

const cache = new Map<string, Promise<ParsedPlan>>();
export function load(seed: string, ext: Ext, opts?: ParseOptions): Promise<ParsedPlan> {
  const key = `${seed}.${ext}${opts ? JSON.stringify(opts) : ""}`;
  if (!cache.has(key)) cache.set(key, parsePlan(bytesOf(seed, ext), `${seed}.${ext}`, opts));
  return cache.get(key)!;
}

/** The one task whose requirement starts with `prefix` (fails loudly when none or several). */
export function task(plan: ParsedPlan, prefix: string): ParsedTask {
  const hits = plan.tasks.filter((t) => t.requirement.startsWith(prefix));
  if (hits.length !== 1) throw new Error(`${hits.length} tasks start with ${JSON.stringify(prefix)}`);
  return hits[0];
}

export function tasks(plan: ParsedPlan, prefix: string): ParsedTask[] {
  return plan.tasks.filter((t) => t.requirement.startsWith(prefix));
}
