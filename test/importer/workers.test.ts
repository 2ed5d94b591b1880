/**
 * The importer also runs on Cloudflare Workers: no node: imports in src/importer, and a bundle of
 * parsePlan reads a Word, an Excel (exceljs), a GB18030 CSV and a text dump inside workerd.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { FIXTURES_DIR, SEEDS_DIR } from "./helpers";

const SRC = new URL("../../src/importer/", import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

describe("Workers compatibility", () => {
  it("src/importer imports no node: modules", () => {
    for (const f of files(SRC).filter((f) => f.endsWith(".ts"))) {
      expect(readFileSync(f, "utf8"), f).not.toMatch(/from\s+["']node:|require\(["']node:|from\s+["'](fs|path|os|child_process|buffer)["']/);
    }
  });

  it("parses the fixtures inside workerd", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-worker-"));
    const entry = join(dir, "entry.ts");
    writeFileSync(
      entry,
      `import { parsePlan } from ${JSON.stringify(join(SRC, "index.ts"))};
       export default { async fetch(req) {
         const name = new URL(req.url).searchParams.get("name");
         try { const p = await parsePlan(new Uint8Array(await req.arrayBuffer()), name);
               return Response.json({ tasks: p.tasks.length, format: p.format, first: p.tasks[0]?.responsibleUnits });
         } catch (e) { return Response.json({ error: e.code, message: e.message }); }
       } };`,
    );
    const out = join(dir, "worker.js");
    await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "browser", conditions: ["worker", "browser"], outfile: out, logLevel: "silent" });
    const mf = new Miniflare({ modules: true, compatibilityDate: "2025-01-01", compatibilityFlags: ["nodejs_compat"], script: readFileSync(out, "utf8") });
    try {
      const post = async (path: string) => {
        const name = path.split("/").pop()!;
        const res = await mf.dispatchFetch(`http://importer/?name=${encodeURIComponent(name)}`, { method: "POST", body: readFileSync(path) });
        return (await res.json()) as { tasks?: number; format?: string; error?: string; first?: string[] };
      };
      expect(await post(join(FIXTURES_DIR, "ningyang-2018.docx"))).toMatchObject({ tasks: 174, format: "docx", first: ["各乡镇（街道）", "宁阳经济开发区"] });
      expect(await post(join(FIXTURES_DIR, "yiyuan-2022.xlsx"))).toMatchObject({ tasks: 63, format: "xlsx" });
      expect(await post(join(FIXTURES_DIR, "ningyang-2018.csv"))).toMatchObject({ tasks: 174, format: "csv" });
      expect(await post(join(SEEDS_DIR, "gaoqing-2020.txt"))).toMatchObject({ tasks: 119, format: "text" });
      expect(await post(join(FIXTURES_DIR, "bad-image.xlsx"))).toMatchObject({ error: "image_file" });
    } finally {
      await mf.dispose();
    }
  }, 60_000);
});
