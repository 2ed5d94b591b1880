/** Content keys match a corrected, re-imported table by content, not by row number. */
import { describe, expect, it } from "vitest";
import { contentKeys } from "../../src/importer/build";
import { parsePlan } from "../../src/importer/index";
import { FORMATS, load } from "./helpers";

describe("contentKey", () => {
  it("ignores whitespace, punctuation and full/half-width differences", () => {
    const key = (requirement: string) => contentKeys([{ requirement, category: ["类"] }])[0];
    const a = key("公开本部门权责清单，并根据机构和职能情况动态调整。");
    expect(key("公开本部门权责清单 并根据机构和职能情况动态调整")).toBe(a);
    expect(key("公开本部门权责清单,并根据机构和职能情况\n动态调整")).toBe(a);
    expect(key("“公开本部门权责清单”；并根据机构和职能情况动态调整！")).toBe(a);
    expect(key("公开本部门权责清单，并根据机构情况动态调整。")).not.toBe(a);
    expect(a).toMatch(/^c_[0-9a-f]{16}$/);
  });

  it("separates the same wording under different categories, then by order", () => {
    const [a, b, c] = contentKeys([
      { requirement: "公开执行措施。", category: ["民生实事项目执行情况"] },
      { requirement: "公开执行措施", category: ["年度重点工作执行情况"] },
      { requirement: "公开执行措施", category: ["年度重点工作执行情况"] },
    ]);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(c).toBe(`${b}#2`);
  });

  it("is the same whichever format the table came in", async () => {
    for (const seed of ["gaoqing-2020", "yiyuan-2022", "taian-2020", "ningyang-2018"]) {
      const keys = await Promise.all(FORMATS.map(async (ext) => (await load(seed, ext)).tasks.map((t) => t.contentKey)));
      for (const k of keys.slice(1)) expect(k).toEqual(keys[0]);
      expect(new Set(keys[0]).size).toBe(keys[0].length);
    }
  });

  it("survives reordering rows and fixing punctuation in a re-imported table", async () => {
    const csv = (rows: string[]) => new TextEncoder().encode(["序号,工作任务,具体要求,责任单位", ...rows].join("\n"));
    const before = await parsePlan(csv(["1,公开,公开财政预决算。,县财政局", "2,公开,公开审计报告,县审计局"]), "a.csv", { year: 2023 });
    const after = await parsePlan(csv(["1,公开,公开审计报告。,县审计局", "2,公开,公开 财政预决算,县财政局"]), "a.csv", { year: 2023 });
    expect(after.tasks.map((t) => t.contentKey)).toEqual([before.tasks[1].contentKey, before.tasks[0].contentKey]);
  });
});
