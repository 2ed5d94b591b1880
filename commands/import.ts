import { record } from "../db/queries/audit";
import { createDraft } from "../db/queries/imports";
import { defineCommand, type CommandContext } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { card, text, type Block, type Reply } from "../src/bot/reply";
import { preview } from "../src/importer/flow";
import { isImportError, parsePlan, type ColumnOverride, type ColumnRole, type ParsedPlan } from "../src/importer/index";
import { clip, previewNextStep, previewSections, sectionBlocks } from "../src/importer/report";
import { blockingNames } from "../src/importer/store";
import { loadDirectory } from "../src/importer/store";

/** What an admin may call a column in 「导入 列 表头=含义」. */
const COLUMN_WORDS: Record<string, ColumnRole> = {
  序号: "seq",
  编号: "seq",
  分类: "category",
  类别: "category",
  任务: "task",
  要求: "requirement",
  内容: "requirement",
  工作要求: "requirement",
  牵头: "lead",
  牵头单位: "lead",
  责任: "responsible",
  责任单位: "responsible",
  单位: "units",
  配合: "assist",
  配合单位: "assist",
  时限: "deadline",
  备注: "note",
  忽略: "ignore",
};
const ROLES = new Set<ColumnRole>(["seq", "category", "task", "requirement", "lead", "responsible", "assist", "units", "deadline", "note", "ignore"]);
const COLUMNS_EXAMPLE = "导入 2024 列 事项=分类 内容描述=要求 主责部门=责任单位 办结节点=时限";
const HOW_TO_SEND = "请把任务分解表文件（Word、Excel 或 CSV）直接私聊发给我；在群里，请回复那条文件消息并 @我 发送「导入」。";

interface ImportArgs {
  year?: number;
  columns?: ColumnOverride;
}

export function parseImportArgs(args: string): ImportArgs {
  const m = args.match(/^(?:(?:年份\s*)?(\d{4})\s*年?)?\s*(?:(?:列|columns?)\s+([\s\S]+))?$/i);
  if (!m) throw new UserError(`「导入」后面只能写计划年份和列的含义，例如「导入 2022」或「${COLUMNS_EXAMPLE}」。`);
  const out: ImportArgs = {};
  if (m[1]) {
    const y = Number(m[1]);
    if (y < 2000 || y > 2100) throw new UserError(`年份「${m[1]}」不对，请写四位年份，例如「导入 2022」。`);
    out.year = y;
  }
  if (m[2]) {
    const columns: ColumnOverride = {};
    for (const pair of m[2].trim().split(/\s+/)) {
      const p = pair.match(/^(.+?)[=＝:：](.+)$/);
      const role = p ? (COLUMN_WORDS[p[2]] ?? (ROLES.has(p[2] as ColumnRole) ? (p[2] as ColumnRole) : undefined)) : undefined;
      if (!p || !role) {
        throw new UserError(
          `看不懂「${clip(pair, 20)}」。每一列写成「表头=含义」，含义可写：${Object.keys(COLUMN_WORDS).join("、")}。例如「${COLUMNS_EXAMPLE}」。`,
        );
      }
      columns[p[1]] = role;
    }
    out.columns = columns;
  }
  return out;
}

function noFileReply(ctx: CommandContext): Reply {
  if (ctx.replyTo) {
    if (!ctx.replyTo.msgType) return text(`找不到你回复的那条消息（可能已撤回）。${HOW_TO_SEND}`);
    return text(`你回复的不是文件消息。${HOW_TO_SEND}`);
  }
  return text(`「导入」要带着文件：${HOW_TO_SEND}我会先给出预览，确认后才写入。`);
}

/** The table had no recognisable task table: say which columns were not understood and how to name them. */
function noTasksReply(fileName: string, parsed: ParsedPlan): Reply {
  const unknown = parsed.skipped.filter((s) => /表头/.test(s.reason));
  const lines = unknown.length
    ? unknown.slice(0, 5).map((s) => `${s.where}：${s.reason.replace(/如确是任务表，请在导入时指定各列的含义。?/, "")}`)
    : parsed.warnings.slice(0, 5);
  return card(`没有从「${clip(fileName, 30)}」读出任务`, "orange", [
    { type: "markdown", text: lines.join("\n") || "文件里的表格都不像任务分解表。" },
    {
      type: "markdown",
      text: `如果这确实是任务分解表，请回复这条文件消息，发送「${COLUMNS_EXAMPLE}」这样的指令指定各列的含义（含义可写：${Object.keys(COLUMN_WORDS).join("、")}），或把表头改成常用写法（序号、工作任务、工作要求、责任单位、时限要求）后重新发送。`,
    },
    { type: "note", text: "什么都没有写入。" },
  ]);
}

export default defineCommand({
  name: "import",
  words: ["导入", "导入任务分解表", "import"],
  role: "admin",
  summary: "导入任务分解表：私聊发文件给我，或在群里回复文件消息发「导入」；先给预览，确认后才写入",
  usage: "导入 [年份] [列 表头=含义…]",
  examples: ["导入", "导入 2022", COLUMNS_EXAMPLE],
  // Downloading and reading a file takes a while: it runs outside any transaction, and the only write is
  // the draft row (plus its audit row). Nothing reaches the plan before 确认导入.
  writes: false,
  acceptsFile: true,
  async handler(ctx) {
    const args = parseImportArgs(ctx.args);
    const file = ctx.file;
    if (!file) return noFileReply(ctx);
    const fileName = file.fileName || "任务分解表";

    let bytes: Uint8Array;
    try {
      bytes = await ctx.downloadFile(file.messageId, file.fileKey);
    } catch {
      return text(`没能从飞书下载文件「${clip(fileName, 40)}」。请稍后重新发送一次；文件超过 100 MB 时飞书不允许机器人下载，请删去表格以外的图片后再发。什么都没有写入。`);
    }

    const { directory } = await loadDirectory(ctx.db);
    let parsed: ParsedPlan;
    try {
      parsed = await parsePlan(bytes, fileName, { year: args.year, columns: args.columns, directory });
    } catch (e) {
      if (isImportError(e)) return text(`导入失败：${e.message}什么都没有写入。`);
      throw e;
    }
    if (parsed.tasks.length === 0) return noTasksReply(fileName, parsed);

    const at = ctx.clock.now().getTime();
    const draft = await createDraft(ctx.db, { createdBy: ctx.actor.openId, chatId: ctx.chat.id, fileName, parsed: JSON.stringify(parsed), at });
    await record(ctx.db, {
      at,
      actor: ctx.actor.openId,
      action: "import.preview",
      subject: `import:${draft.id}`,
      detail: { file: fileName, tasks: parsed.tasks.length, year: parsed.plan.year, note: parsed.plan.title },
    });

    const p = await preview(ctx.db, parsed, fileName);
    const sections = previewSections(p, { chat: true });
    const blocking = blockingNames(p.batch);
    const onlyUnits = blocking.length > 0 && blocking.every((b) => b.kind === "unit");
    const buttons: Extract<Block, { type: "buttons" }>["buttons"] = [];
    // Buttons name this preview: pressing an older card never imports a newer file.
    const ref = `预览${draft.id}`;
    if (parsed.plan.year !== null) {
      if (!blocking.length) buttons.push({ label: "确认导入", command: `确认导入 ${ref}`, primary: true });
      else {
        if (onlyUnits) buttons.push({ label: `新建 ${blocking.length} 个单位并导入`, command: `确认导入 新建单位 ${ref}`, primary: true });
        if (blocking.some((b) => b.kind === "unit") && !onlyUnits) buttons.push({ label: "新建表中单位", command: `新建表中单位 ${ref}` });
      }
    }
    buttons.push({ label: "取消导入", command: `取消导入 ${ref}` });
    const attention = sections.some((s) => s.attention);
    return card(`导入预览：${clip(parsed.plan.title, 40)}`, attention ? "orange" : "blue", [
      { type: "note", text: `文件「${clip(fileName, 40)}」· 预览编号 ${draft.id}` },
      ...sectionBlocks(sections),
      { type: "divider" },
      { type: "markdown", text: `**下一步**：${previewNextStep(p)}` },
      { type: "buttons", buttons },
    ]);
  },
});
