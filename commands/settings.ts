import { and, eq, ne } from "drizzle-orm";
import { record } from "../db/queries/audit";
import { bindChat } from "../db/queries/members";
import { getUnit } from "../db/queries/units";
import { chatBindings } from "../db/schema";
import { defineCommand, type CommandContext } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { card, text, type Reply } from "../src/bot/reply";
import { loadSettings, PROGRESS_EVERY_CN, saveSetting, settingSchemas, type JobSettings, type ProgressEvery } from "../src/jobs/settings";
import { setEmptyDigest } from "./empty-digest";

type Setter = (ctx: CommandContext, value: string) => Promise<Reply>;

const first = (issues: { message: string }[]) => issues[0]?.message ?? "格式不对";

/** Validates with the setting's zod schema; a failure becomes a sentence with an example. */
function parse<K extends keyof JobSettings>(key: K, raw: unknown, example: string): JobSettings[K] {
  const r = settingSchemas[key].safeParse(raw);
  if (!r.success) throw new UserError(`${first(r.error.issues)}。例如「${example}」。`);
  return r.data as JobSettings[K];
}

async function save<K extends keyof JobSettings>(ctx: CommandContext, key: K, value: JobSettings[K]): Promise<{ before: JobSettings[K]; same: boolean }> {
  const current = (await loadSettings(ctx.db))[key];
  if (current === value) return { before: current, same: true };
  const at = ctx.clock.now().getTime();
  await saveSetting(ctx.db, key, value, ctx.actor.openId, at);
  await record(ctx.db, { at, actor: ctx.actor.openId, action: "settings.update", subject: `settings:${key}`, detail: { from: current, to: value } });
  return { before: current, same: false };
}

/** "5" / "5天" / "5个工作日" / "每5个工作日" / "每天" → 5 (or 1). */
function workdayCount(value: string): string {
  const v = value.trim().replace(/\s+/g, "");
  if (/^每(个工作)?天$|^每个工作日$|^daily$/i.test(v)) return "1";
  const m = v.match(/^每?(\d+)(?:个)?(?:工作日|天|日|days?)?$/i);
  return m ? m[1] : v;
}

const PROGRESS_WORDS: Record<string, ProgressEvery> = {
  每周: "week", 周: "week", 一周: "week", weekly: "week", week: "week",
  每月: "month", 月: "month", 一个月: "month", 每个月: "month", monthly: "month", month: "month",
  每季度: "quarter", 季度: "quarter", 每季: "quarter", quarterly: "quarter", quarter: "quarter",
};

const SETTERS: { words: string[]; label: string; set: Setter }[] = [
  {
    words: ["推送时间", "提醒时间", "推送", "push-time", "digest-time", "time"],
    label: "推送时间",
    async set(ctx, value) {
      if (!value.trim()) throw new UserError("请写上时间，例如「设置 推送时间 08:30」。");
      const v = parse("digestTime", value, "设置 推送时间 08:30");
      const r = await save(ctx, "digestTime", v);
      if (r.same) return text(`推送时间已经是 ${v}，无需重复设置。`);
      return text(`已将推送时间从 ${r.before} 改为 ${v}：每个工作日 ${v} 起发送每日提醒和逾期提醒，每周第一个工作日同一时间发送汇总。当天已经发过的不会重发。`);
    },
  },
  {
    words: ["升级天数", "升级", "escalate", "escalation"],
    label: "升级天数",
    async set(ctx, value) {
      if (!value.trim()) throw new UserError("请写上天数，例如「设置 升级天数 5」（逾期 5 个工作日后报管理群和牵头单位）。");
      const v = parse("escalateAfterWorkdays", workdayCount(value), "设置 升级天数 5");
      const r = await save(ctx, "escalateAfterWorkdays", v);
      if (r.same) return text(`升级天数已经是 ${v} 个工作日，无需重复设置。`);
      return text(`已将升级天数从 ${r.before} 改为 ${v}：任务逾期满 ${v} 个工作日后，报送管理群和牵头单位的群。`);
    },
  },
  {
    words: ["提醒间隔", "间隔", "remind", "interval"],
    label: "提醒间隔",
    async set(ctx, value) {
      if (!value.trim()) throw new UserError("请写上间隔的工作日数，例如「设置 提醒间隔 2」（同一项逾期任务每 2 个工作日提醒一次）。");
      const v = parse("reminderIntervalWorkdays", workdayCount(value), "设置 提醒间隔 2");
      const r = await save(ctx, "reminderIntervalWorkdays", v);
      if (r.same) return text(`提醒间隔已经是 ${v} 个工作日，无需重复设置。`);
      return text(`已将提醒间隔从 ${r.before} 改为 ${v} 个工作日：同一项逾期任务${v === 1 ? "每个工作日" : `每 ${v} 个工作日`}提醒一次（每天最多一次）。`);
    },
  },
  {
    words: ["进展周期", "进展间隔", "长期任务", "progress"],
    label: "进展周期",
    async set(ctx, value) {
      const key = value.trim().toLowerCase();
      if (!key) throw new UserError("请写上周期：每周、每月或每季度，例如「设置 进展周期 每月」。");
      const every = PROGRESS_WORDS[key];
      if (!every) throw new UserError(`看不懂周期「${value.trim().slice(0, 10)}」。请写每周、每月或每季度，例如「设置 进展周期 每月」。`);
      const v = parse("progressEvery", every, "设置 进展周期 每月");
      const r = await save(ctx, "progressEvery", v);
      if (r.same) return text(`进展周期已经是${PROGRESS_EVERY_CN[v]}，无需重复设置。`);
      return text(`已将长期任务的进展请求改为${PROGRESS_EVERY_CN[v]}一次（在${v === "week" ? "每周" : v === "month" ? "每月" : "每季度"}第一个工作日发到单位群）。`);
    },
  },
  {
    words: ["管理群", "admin-chat", "admin"],
    label: "管理群",
    async set(ctx) {
      if (ctx.chat.type !== "group") {
        throw new UserError("「设置 管理群」要在管理群里发送：请在县政务公开办的工作群里 @我 发送「设置 管理群」。");
      }
      const at = ctx.clock.now().getTime();
      const before = await bindChat(ctx.db, { chatId: ctx.chat.id, kind: "admin", unitId: null, boundBy: ctx.actor.openId }, at);
      if (before?.kind === "admin") return text("本群已经是管理群，逾期升级、每周汇总和发送失败报告都发到这里。");
      // One admin chat: a new one replaces the old, so nothing keeps going to a group nobody reads.
      const old = await ctx.db
        .delete(chatBindings)
        .where(and(eq(chatBindings.kind, "admin"), ne(chatBindings.chatId, ctx.chat.id)))
        .returning({ chatId: chatBindings.chatId });
      const wasUnit = before?.kind === "unit" && before.unitId ? (await getUnit(ctx.db, before.unitId))?.name : undefined;
      await record(ctx.db, { at, actor: ctx.actor.openId, action: "chat.admin", subject: "settings:admin_chat", detail: { chat: ctx.chat.id, replaced: old.map((o) => o.chatId), wasUnit } });
      const notes = [
        old.length ? "原管理群不再接收这些消息。" : "",
        wasUnit ? `本群原为${wasUnit}的工作群，该单位的每日提醒不再发到这里，请另行「绑定」。` : "",
      ].join("");
      return text(`已将本群设为管理群：逾期升级、每周汇总、节假日数据提醒和发送失败报告都发到这里。${notes}`);
    },
  },
  {
    words: ["空提醒", "empty-digest"],
    label: "空提醒",
    set: (ctx, value) => setEmptyDigest(ctx, value),
  },
];

async function show(ctx: CommandContext): Promise<Reply> {
  const s = await loadSettings(ctx.db);
  const admin = await ctx.db.select().from(chatBindings).where(eq(chatBindings.kind, "admin"));
  return card("督办 · 设置", "blue", [
    {
      type: "fields",
      fields: [
        { label: "推送时间", value: `${s.digestTime}（工作日）` },
        { label: "升级天数", value: `逾期 ${s.escalateAfterWorkdays} 个工作日` },
        { label: "提醒间隔", value: `每 ${s.reminderIntervalWorkdays} 个工作日` },
        { label: "进展周期", value: `${PROGRESS_EVERY_CN[s.progressEvery]}（长期任务）` },
        { label: "管理群", value: admin.length ? (admin.some((a) => a.chatId === ctx.chat.id) ? "本群" : "已设置") : "未设置" },
      ],
    },
    {
      type: "note",
      text: "修改：设置 推送时间 08:30 ｜ 设置 升级天数 5 ｜ 设置 提醒间隔 2 ｜ 设置 进展周期 每月 ｜ 设置 管理群（在管理群里发）｜ 设置 空提醒 关闭（在单位群里发）",
    },
  ]);
}

export default defineCommand({
  name: "settings",
  words: ["设置", "set", "settings"],
  role: "admin",
  summary: "查看或修改推送时间、升级天数、提醒间隔、进展周期，设置管理群",
  usage: "设置 <项目> <值>",
  examples: ["设置 推送时间 08:30", "设置 升级天数 5", "设置 提醒间隔 2", "设置 管理群"],
  writes: true,
  async handler(ctx) {
    const args = ctx.args.trim();
    if (!args) return show(ctx);
    const lower = args.toLowerCase();
    let best: { s: (typeof SETTERS)[number]; w: string } | undefined;
    for (const s of SETTERS) for (const w of s.words) if (lower.startsWith(w.toLowerCase()) && (!best || w.length > best.w.length)) best = { s, w };
    if (!best) {
      throw new UserError(
        `没有「${args.split(/\s+/)[0].slice(0, 10)}」这个设置项。可以设置：推送时间、升级天数、提醒间隔、进展周期、管理群、空提醒，例如「设置 推送时间 08:30」。发送「设置」查看当前值。`,
      );
    }
    return best.s.set(ctx, args.slice(best.w.length).trim());
  },
});
