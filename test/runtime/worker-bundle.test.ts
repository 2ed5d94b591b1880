/**
 * The Worker as `wrangler deploy` builds it: small enough, free of the node-sdk's `__dirname` trap,
 * and clear about a misconfiguration (an embedded-file DATABASE_URL, missing secrets) on the first
 * request instead of failing somewhere deep.
 */
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerConfig } from "../../src/runtime/worker";
import { buildWorker, startWorker, wranglerSettings, type WorkerBundle, type WorkerRuntime } from "./harness";

describe("the bundle", () => {
  let b: WorkerBundle;
  let code: string;
  beforeAll(async () => {
    b = await buildWorker();
    code = readFileSync(b.path, "utf8");
  });

  it("has no free __dirname or __filename left (the node-sdk reads its package.json through them)", () => {
    expect(code).not.toMatch(/\b__dirname\b/);
    expect(code).not.toMatch(/\b__filename\b/);
  });

  it("fits well inside Cloudflare's limits (3 MB gzipped on the free plan; our goal is 1 MB)", () => {
    const gz = gzipSync(readFileSync(b.path)).length;
    expect(gz).toBeLessThan(1024 * 1024);
  });

  it("runs with nodejs_compat and a Cron Trigger, as wrangler.toml says", () => {
    const s = wranglerSettings();
    expect(s.compatibilityFlags).toContain("nodejs_compat");
    expect(s.crons.length).toBeGreaterThan(0);
  });
});

describe("configuration on Workers", () => {
  const lark = { LARK_APP_ID: "cli_a1b2c3d4e5f60718", LARK_APP_SECRET: "s", LARK_VERIFICATION_TOKEN: "t" };

  it("takes a libSQL server's URL", () => {
    expect(workerConfig({ ...lark, DATABASE_URL: "https://duban-county.turso.io" }).DATABASE_URL).toBe("https://duban-county.turso.io");
    expect(workerConfig({ ...lark, DATABASE_URL: "libsql://duban-county.turso.io", DATABASE_AUTH_TOKEN: "x" }).DATABASE_AUTH_TOKEN).toBe("x");
  });

  it("refuses the embedded file, a missing DATABASE_URL, sandbox mode and the long connection, each in one sentence", () => {
    expect(() => workerConfig({ ...lark, DATABASE_URL: "file:./data/duban.db" })).toThrow(/DATABASE_URL file:\.\/data\/duban\.db is an embedded database file, which only the Node runtime can use/);
    expect(() => workerConfig({ ...lark })).toThrow(/DATABASE_URL is not set/);
    expect(() => workerConfig({ DATABASE_URL: "https://x.example" })).toThrow(/Sandbox mode runs on Node only/);
    expect(() => workerConfig({ ...lark, DATABASE_URL: "https://x.example", LARK_MODE: "websocket" })).toThrow(/runs on Node only/);
  });

  describe("in workerd", () => {
    let w: WorkerRuntime;
    beforeAll(async () => {
      w = await startWorker({ ...lark, DATABASE_URL: "file:./data/duban.db" });
    });
    afterAll(async () => {
      await w?.close();
    });

    it("answers every request with the reason, and logs it", async () => {
      const r = await fetch(`${w.url}/healthz`);
      expect(r.status).toBe(500);
      expect(((await r.json()) as { error: string }).error).toMatch(/only the Node runtime can use/);
      await new Promise((res) => setTimeout(res, 200));
      expect(w.logs.join("\n")).toMatch(/DATABASE_URL file:\.\/data\/duban\.db is an embedded database file/);
    });

    it("a Cron Trigger with the same mistake logs it too and does nothing", async () => {
      expect(await w.scheduled()).toBe("ok");
    });
  });
});
