import { record } from "../db/queries/audit";
import { discardDraft, getDraft, newestDraft } from "../db/queries/imports";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { text } from "../src/bot/reply";
import { clip } from "../src/importer/report";
import { DRAFT } from "./confirm-import";

export default defineCommand({
  name: "discard-import",
  words: ["取消导入", "放弃导入", "discard-import", "discard import"],
  role: "admin",
  summary: "放弃最近一次导入预览，什么都不写入",
  usage: "取消导入",
  examples: ["取消导入"],
  writes: true,
  fromButton: true,
  async handler(ctx) {
    const named = ctx.args.trim().match(DRAFT)?.[1];
    if (ctx.args.trim() && !named) throw new UserError("「取消导入」后面不用写别的：发送「取消导入」即可放弃最近一次预览。");
    const draft = named ? await getDraft(ctx.db, Number(named)) : await newestDraft(ctx.db, ctx.actor.openId);
    if (!draft || draft.status === "discarded") throw new UserError("没有等待确认的导入，不需要取消。");
    if (draft.status === "imported") {
      throw new UserError(`「${clip(draft.fileName, 40)}」已经导入，不能再取消。表格有误的话，请把改好的文件发给我重新导入：已有任务会按内容更新，进展保留。`);
    }
    const at = ctx.clock.now().getTime();
    if (!(await discardDraft(ctx.db, draft.id, at))) throw new UserError("这次预览刚刚已被确认或取消。发送「确认导入」查看结果。");
    await record(ctx.db, { at, actor: ctx.actor.openId, action: "import.discard", subject: `import:${draft.id}`, detail: { file: draft.fileName } });
    return text(`已取消「${clip(draft.fileName, 40)}」的导入，什么都没有写入。需要时请重新发送文件。`);
  },
});
