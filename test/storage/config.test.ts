/** Start-up configuration: a bad value stops start-up with one line naming the variable. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";

describe("configuration", () => {
  it("defaults to sandbox mode on the embedded database", () => {
    const c = loadConfig({});
    expect(c.sandbox).toBe(true);
    expect(c.DATABASE_URL).toBe("file:./data/duban.db");
    expect(c.PORT).toBe(3000);
    expect(c.larkBaseUrl).toBe("https://open.feishu.cn");
    expect(c.BOT_TIMEZONE).toBe("Asia/Shanghai");
  });

  it("knows Feishu, Lark and private deployments", () => {
    const base = { LARK_APP_ID: "cli_a", LARK_APP_SECRET: "s", LARK_VERIFICATION_TOKEN: "t" };
    expect(loadConfig({ ...base, LARK_DOMAIN: "lark" }).larkBaseUrl).toBe("https://open.larksuite.com");
    expect(loadConfig({ ...base, LARK_DOMAIN: "http://127.0.0.1:9000/" }).larkBaseUrl).toBe("http://127.0.0.1:9000");
    expect(loadConfig({ ...base, ADMIN_OPEN_IDS: "ou_a, ou_b,ou_c" }).ADMIN_OPEN_IDS).toEqual(["ou_a", "ou_b", "ou_c"]);
  });

  const bad: [Record<string, string>, string][] = [
    [{ PORT: "eighty" }, "PORT"],
    [{ LARK_APP_ID: "cli_a" }, "LARK_APP_SECRET"],
    [{ LARK_APP_ID: "cli_a", LARK_APP_SECRET: "s" }, "LARK_VERIFICATION_TOKEN"],
    [{ LARK_DOMAIN: "open.feishu" }, "LARK_DOMAIN"],
    [{ DATABASE_URL: "postgres://x" }, "DATABASE_URL"],
    [{ BOT_TIMEZONE: "UTC" }, "BOT_TIMEZONE"],
    [{ ADMIN_OPEN_IDS: "ou_a;drop" }, "ADMIN_OPEN_IDS"],
  ];
  for (const [env, name] of bad) {
    it(`names ${name} when it is wrong`, () => {
      expect(() => loadConfig(env)).toThrow(new RegExp(`^Configuration error: ${name} `));
    });
  }

  it("stops `npm start` with that one line and a non-zero exit", () => {
    const r = spawnSync("node_modules/.bin/tsx", ["src/runtime/node.ts"], { env: { ...process.env, PORT: "eighty" }, encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^Configuration error: PORT /);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
