import { claimDraft, getDraft, newestDraft, recordDraftResult } from "../db/queries/imports";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { card, text } from "../src/bot/reply";
import { formatInstant } from "../src/bot/task-list";
import { confirm, createTableUnits } from "../src/importer/flow";
import type { ParsedPlan } from "../src/importer/index";
import { clip, resultSections, sectionBlocks } from "../src/importer/report";
import { MissingYearError, UnresolvedUnitsError, type ImportResult } from "../src/importer/store";

const CREATE_UNITS = /^(新建单位|创建单位|create-units|--create-units)$/i;
const ALLOW_UNRESOLVED = /^(暂不分派|保留未对应|allow-unresolved|--allow-unresolved)$/i;
/** 预览12 / #12: the preview a card's button stands for. */
export const DRAFT = /^(?:预览|#)(\d{1,9})$/;

export default defineCommand({
  name: "confirm-import",
  words: ["确认导入", "confirm-import", "confirm import"],
  role: "admin",
  summary: "把最近一次预览的任务分解表写入（重新导入时按内容更新已有任务）",
  usage: "确认导入 [新建单位]",
  examples: ["确认导入", "确认导入 新建单位"],
  writes: true,
  fromButton: true,
  async handler(ctx) {
    const options = ctx.args.split(/\s+/).filter(Boolean);
    const createUnits = options.some((o) => CREATE_UNITS.test(o));
    const allowUnresolved = options.some((o) => ALLOW_UNRESOLVED.test(o));
    const named = options.map((o) => o.match(DRAFT)?.[1]).find(Boolean);
    if (options.some((o) => !CREATE_UNITS.test(o) && !ALLOW_UNRESOLVED.test(o) && !DRAFT.test(o))) {
      throw new UserError("「确认导入」后面只能写「新建单位」（把表中未对应的单位名称都创建为新单位）或「暂不分派」（未对应的名称先不分派，导入后列出），或什么都不写。");
    }
    // A card's button names its preview; typed, the command means the admin's newest one.
    const draft = named ? await getDraft(ctx.db, Number(named)) : await newestDraft(ctx.db, ctx.actor.openId);
    if (!draft) throw new UserError("没有等待确认的导入。请先把任务分解表文件私聊发给我，我会先给出预览。");
    if (draft.status === "imported") {
      const r = draft.result ? (JSON.parse(draft.result) as ImportResult) : undefined;
      return text(
        `「${clip(draft.fileName, 40)}」已经在 ${formatInstant(draft.decidedAt ?? draft.createdAt)} 导入过了${r ? `（计划「${r.plan.title}」）` : ""}，这次没有重复导入。表格有修改的话，请把新文件发给我，重新预览后再确认。`,
      );
    }
    if (draft.status === "discarded") {
      throw new UserError(`${named ? "这次" : "最近一次"}预览（「${clip(draft.fileName, 40)}」）已经取消或被更新的文件代替，没有导入。请确认最新的预览，或重新发送文件。`);
    }

    const at = ctx.clock.now().getTime();
    // First write of the transaction: a second confirmation (a double click, text and button) finds it taken.
    if (!(await claimDraft(ctx.db, draft.id, at))) return text(`「${clip(draft.fileName, 40)}」已经导入过了，这次没有重复导入。`);
    const parsed = JSON.parse(draft.parsed) as ParsedPlan;
    const made = createUnits ? await createTableUnits(ctx.db, parsed, draft.fileName, ctx.actor.openId, at) : { created: [], skipped: [] };
    try {
      const { result, pending } = await confirm(ctx.db, parsed, draft.fileName, { actor: ctx.actor.openId, at, allowUnresolved });
      await recordDraftResult(ctx.db, draft.id, result.plan.id, result);
      const sections = resultSections(result, { chat: true, createdUnits: made.created, pending });
      const attention = sections.some((s) => s.attention);
      return card(`导入完成：${clip(result.plan.title, 40)}`, attention ? "orange" : "green", [
        ...sectionBlocks(sections),
        { type: "note", text: "各单位联络员发送「我的任务」即可看到本单位的任务；发送「任务 编号」看详情。" },
      ]);
    } catch (e) {
      // Thrown inside the transaction: the draft, any units just created and every row are rolled back.
      if (e instanceof MissingYearError) throw new UserError("这张表没有计划年份。请回复文件消息发送「导入 2022」（写上年份）重新预览，再确认导入。什么都没有写入。");
      if (e instanceof UnresolvedUnitsError) {
        const units = e.names.filter((n) => n.kind === "unit");
        const groups = e.names.filter((n) => n.kind === "group");
        const parts = [`还有 ${e.names.length} 个单位名称没有对应，所以没有导入（什么都没有写入）。`];
        if (units.length) parts.push(`单位：${units.slice(0, 30).map((n) => n.text).join("、")}${units.length > 30 ? "…" : ""}。已有的单位发「映射 表中名称 单位」，新单位发「新单位 名称」，或发「确认导入 新建单位」一次创建并导入。`);
        if (groups.length) parts.push(`单位组：${groups.slice(0, 20).map((n) => n.text).join("、")}。先发「单位组 组名 单位、单位…」建组，再发「单位组 组名 表述 表中写法」。`);
        if (made.skipped.length) parts.push(`以下名称不像单位名称，没有创建：${made.skipped.join("、")}。`);
        parts.push("处理完再发「确认导入」；也可以发「确认导入 暂不分派」先导入，这些名称的任务先不分派（导入后会列出）。");
        throw new UserError(parts.join(""));
      }
      throw e;
    }
  },
});
