import { getDraft, newestDraft } from "../db/queries/imports";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { card } from "../src/bot/reply";
import { createTableUnits, preview } from "../src/importer/flow";
import type { ParsedPlan } from "../src/importer/index";
import { blockingNames } from "../src/importer/store";
import { DRAFT } from "./confirm-import";

export default defineCommand({
  name: "create-units",
  words: ["新建表中单位", "create-units"],
  role: "admin",
  summary: "把最近一次导入预览中未对应的单位名称都创建为新单位（不导入任务）",
  usage: "新建表中单位",
  examples: ["新建表中单位"],
  writes: true,
  fromButton: true,
  async handler(ctx) {
    const named = ctx.args.trim().match(DRAFT)?.[1];
    const draft = named ? await getDraft(ctx.db, Number(named)) : await newestDraft(ctx.db, ctx.actor.openId);
    if (!draft || draft.status !== "preview") throw new UserError("没有等待确认的导入预览。请先把任务分解表文件私聊发给我。");
    const parsed = JSON.parse(draft.parsed) as ParsedPlan;
    const at = ctx.clock.now().getTime();
    const { created, skipped } = await createTableUnits(ctx.db, parsed, draft.fileName, ctx.actor.openId, at);
    const left = blockingNames((await preview(ctx.db, parsed, draft.fileName)).batch);
    const parts = [created.length ? `已创建 ${created.length} 个单位：${created.join("、")}。` : "表中没有需要新建的单位名称。"];
    if (skipped.length) parts.push(`以下名称不像单位名称，没有创建：${skipped.join("、")}（可用「映射 表中名称 单位」对应到已有单位）。`);
    const groups = left.filter((n) => n.kind === "group");
    let next: string;
    if (groups.length) {
      next = `还有 ${groups.length} 个单位组写法要定义：${groups.map((g) => g.text).join("、")}。发「单位组 组名 单位、单位…」建组，再发「单位组 组名 表述 表中写法」；处理完发「确认导入」。`;
    } else if (left.length) next = `还有 ${left.length} 个名称未对应：${left.map((g) => g.text).join("、")}。用「映射 表中名称 单位」对应后发「确认导入」。`;
    else next = "所有单位名称都已对应，可以确认导入了。";
    return card(`已建单位：${draft.fileName}`, left.length ? "orange" : "green", [
      { type: "markdown", text: parts.join("") },
      { type: "markdown", text: `**下一步**：${next}` },
      {
        type: "buttons",
        buttons: [
          ...(left.length ? [] : [{ label: "确认导入", command: `确认导入 预览${draft.id}`, primary: true }]),
          { label: "取消导入", command: `取消导入 预览${draft.id}` },
        ],
      },
    ]);
  },
});
