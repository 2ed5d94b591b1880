import { record } from "../db/queries/audit";
import { upsertUnit } from "../db/queries/units";
import { defineCommand } from "../src/bot/command";
import { UserError } from "../src/bot/errors";
import { splitUnitList } from "../src/bot/lookup";
import { text } from "../src/bot/reply";

const NAME = /^[\p{Script=Han}A-Za-z0-9（）()·\-]{2,40}$/u;

export default defineCommand({
  name: "add-unit",
  words: ["新单位", "添加单位", "add-unit", "add unit"],
  role: "admin",
  summary: "创建单位，或给已有单位添加别名",
  usage: "新单位 <名称> [别名…]",
  examples: ["新单位 县住房城乡建设局 县住建局", "新单位 县卫生健康局 县卫健局 县卫计局"],
  writes: true,
  async handler(ctx) {
    const [name, ...aliases] = splitUnitList(ctx.args);
    if (!name) throw new UserError("请写上单位名称，例如「新单位 县住房城乡建设局 县住建局」（名称后面可以跟别名）。");
    for (const n of [name, ...aliases]) {
      if (!NAME.test(n)) throw new UserError(`「${n.slice(0, 40)}」不像单位名称：只能包含汉字、字母、数字和括号，2 到 40 个字。请改正后再发。`);
    }
    const r = await upsertUnit(ctx.db, name, aliases);
    const at = ctx.clock.now().getTime();
    await record(ctx.db, { at, actor: ctx.actor.openId, action: r.created ? "unit.create" : "unit.alias", subject: `unit:${r.unit.id}`, detail: { unit: r.unit.name, added: r.added } });
    const parts = [r.created ? `已创建单位「${r.unit.name}」。` : `单位「${r.unit.name}」已存在。`];
    if (r.added.length) parts.push(`已添加别名：${r.added.join("、")}。`);
    if (r.taken.length) parts.push(`以下别名已属于其他单位，未添加：${r.taken.map((t) => `${t.alias}（${t.unit}）`).join("、")}。`);
    if (!r.created && !r.added.length && !r.taken.length) parts.push("没有新的别名需要添加。");
    if (r.created) parts.push(`下一步：在该单位的群里 @我 发送「绑定 ${r.unit.name}」，并用「联络员 ${r.unit.name} @某人」登记联络员。`);
    return text(parts.join(""));
  },
});
