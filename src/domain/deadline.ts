/**
 * Deadline phrases of 政务公开 task tables (时限要求 cells, or deadlines written inside the
 * requirement text) → a structured schedule that keeps the original words.
 *
 * A small grammar of our own: the text is normalised (full-width digits, Chinese numerals, line
 * breaks that split words), document titles/numbers and other non-deadline numbers are masked,
 * then a list of rules is matched over the whole text. Overlapping matches are resolved
 * longest-first, so "每年7月底前" beats "7月底前" and "每月后10个工作日内" beats "后10个工作日内".
 * Each surviving match becomes one part; a text with several parts is a combination whose
 * top-level fields are those of its primary part (see `combine`). docs/DEADLINES.md explains the
 * classes and the decisions taken where the wording is ambiguous.
 */
import { coverageNote, libraryCalendar, type WorkCalendar } from "./calendar";
import {
  addDays,
  daysInMonth,
  endOfMonth,
  formatCn,
  isValidDate,
  isoWeekKey,
  parseDate,
  toDateString,
  weekBounds,
  weekdayCn,
  diffDays,
} from "./dates";

export type DeadlineKind = "absolute" | "recurring" | "event_relative" | "continuing" | "window" | "unknown";
export type DeadlinePeriod = "week" | "month" | "quarter" | "halfyear" | "year";

export interface Deadline {
  /** The original words (for a part: the matched snippet, including an event's trigger). */
  text: string;
  kind: DeadlineKind;
  /** The (first) concrete due date, YYYY-MM-DD, when known. */
  due: string | null;
  every?: DeadlinePeriod;
  /** event_relative: N working days after the event; recurring: N working days after each period ends. */
  withinWorkdays?: number;
  /** event_relative / recurring: N calendar days after the event / period end. */
  withinDays?: number;
  withinHours?: number;
  /** event_relative: N calendar months after the event (…后1个月内). */
  withinMonths?: number;
  /** The event that starts the clock, e.g. "信息形成或者变更". */
  trigger?: string;
  window?: string;
  parts?: Deadline[];
  warnings?: string[];

  // ---- additions beyond the product's fixed shape ----
  /** The plan year the phrase was read against. */
  planYear?: number;
  /** How the trigger joins the duration in the text: "之日起", "后" or "" (人代会结束60个工作日内). */
  connector?: string;
  /** A stable key for well-known triggers (info_changed, decision_made, penalty_decided, document_published, plan_published, …). */
  triggerKey?: string;
  /** What the clause is about when the text names it before the trigger ("行政处罚信息"). */
  subject?: string;
  /** True when no duration was written and the statutory 20 working days of the 条例 (art. 26) was assumed. */
  statutoryDefault?: boolean;
  /** Statutory extension allowance written next to an event deadline (延长的期限最长不得超过20个工作日). */
  extendableWorkdays?: number;
  /** recurring: where in each period the due date falls, when the phrase says so (每月10日前, 每年7月底前, 每月前5个工作日). */
  at?: { month?: number; day?: number | "end"; workday?: number };
  /** Quota: at least N times per period / within the year (每年至少…1次, 年内…不少于2次, 每月公开一次). */
  timesAtLeast?: number;
  /** window with explicit dates (5月1日至6月30日). */
  start?: string;
  /** Minimum-duration constraints found instead of a deadline (征求意见期限不少于30日). */
  minimum?: { days?: number; workdays?: number; hours?: number; text: string };
}

export interface DeadlineContext {
  /** The plan year: used when a phrase gives no year. */
  year: number;
  /** The plan's issue date: due dates before it are flagged; recurring `due` starts from it. */
  issuedOn?: string;
  /** For working-day arithmetic and coverage warnings; defaults to the library-only calendar. */
  calendar?: WorkCalendar;
}

export interface PeriodInstance {
  key: string;
  start: string;
  due: string;
}

// =============================================================================================
// Normalisation and masking

const CN_NUM_CHARS = "零〇一二两三四五六七八九十百";
const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

function cnToNumber(s: string): number {
  if (!/[十百]/.test(s)) return Number([...s].map((c) => CN_DIGIT[c]).join(""));
  let total = 0;
  let digit = 0;
  for (const ch of s) {
    if (ch === "百") {
      total += (digit || 1) * 100;
      digit = 0;
    } else if (ch === "十") {
      total += (digit || 1) * 10;
      digit = 0;
    } else {
      digit = CN_DIGIT[ch];
    }
  }
  return total + digit;
}

const CN_NUMERAL_RE = new RegExp(
  `[${CN_NUM_CHARS}]+(?=个?(?:工作日|自然日|日历日|日|天|小时|月|季度|年|次(?!性)|周))`,
  "g",
);

/** Text → the form the grammar reads: half-width digits, Arabic numbers, no whitespace, no dump artefacts. */
export function normalizeDeadlineText(text: string): string {
  return text
    .replace(/\[bookmark:[^\]]*\]/g, "")
    .replace(/—\d{1,3}—/g, "")
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\(/g, "（")
    .replace(/\)/g, "）")
    .replace(/:/g, "：")
    .replace(/;/g, "；")
    .replace(/,/g, "，")
    .replace(/[\s\u3000]+/g, "")
    .replace(CN_NUMERAL_RE, (m) => String(cnToNumber(m)));
}

const MASK = "■";

function maskAll(s: string, re: RegExp): string {
  return s.replace(re, (m) => MASK.repeat(m.length));
}

/** Numbers that are not deadlines: titles, document numbers, plan periods, data cut-offs, field names. */
function maskGuards(s: string): string {
  let out = s;
  out = maskAll(out, /《[^《》]{0,120}》/g); // document titles
  out = maskAll(out, /“[^“”]{0,40}”/g); // quoted names (“3545”改革, “八五”普法)
  out = maskAll(out, /[〔［[（]\d{4}[〕］\]）]\d+号/g); // 〔2022〕20号
  out = maskAll(out, /（\d{4}[-—–－~～至到]\d{4}年?）/g); // （2018-2022年）
  out = maskAll(out, /(?:\d{4}年)?第\d+号/g); // 部令第24号, 交通运输部令2022年第11号
  out = maskAll(out, /截至(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}[日号]|底|末)?/g); // data cut-off, not a due date
  out = maskAll(out, /(?:办理|承诺|办结|实施|审批|答复)(?:时限|期限)/g); // field names
  return out;
}

// =============================================================================================
// Matching machinery

const CLAUSE_DELIM = /[，。；！？：]/;

function clauseBounds(s: string, from: number, to: number): [number, number] {
  let a = from;
  while (a > 0 && !CLAUSE_DELIM.test(s[a - 1])) a--;
  let b = to;
  while (b < s.length && !CLAUSE_DELIM.test(s[b])) b++;
  return [a, b];
}

const LEAD_FILLER = /^(?:于|在|要|应当|应|须|需|并|且|原则上|力争|争取|务必|确保|均|同时|最迟|时限|时限要求|完成时限|完成|要求)*$/;
const TAIL_FILLER = /^(?:前|之前|以前|内|以内|止|为止|完成|完成改造|完成任务)?$/;
const FOLLOW_WORDS = /^(?:前|之前|以前|止|完成|基本完成|全部|到位|公开|公布|发布|报送|上报|报|实现|建成|落实|开展|启动)/;

interface Env {
  /** normalised text (unmasked) */
  raw: string;
  /** normalised text with guards masked (same length as raw) */
  s: string;
  ctx: DeadlineContext;
  cal: WorkCalendar;
}

interface Candidate {
  start: number;
  end: number;
  rule: number;
  build: () => Built | null;
}

type Built =
  | { type: "part"; part: Deadline; start?: number }
  | { type: "extension"; workdays: number }
  | { type: "minimum"; minimum: NonNullable<Deadline["minimum"]> };

function wholeClause(env: Env, start: number, end: number): boolean {
  const [a, b] = clauseBounds(env.s, start, end);
  return LEAD_FILLER.test(env.s.slice(a, start)) && TAIL_FILLER.test(env.s.slice(end, b));
}

function followedByAction(env: Env, end: number): boolean {
  return FOLLOW_WORDS.test(env.s.slice(end));
}

/** Year from an optional explicit "2022" or a relative 今/本/当/明/次. */
function resolveYear(env: Env, explicit: string | undefined, relative: string | undefined): number {
  if (explicit) return Number(explicit);
  if (relative === "明" || relative === "次") return env.ctx.year + 1;
  return env.ctx.year;
}

function yearWarnings(env: Env, explicit: string | undefined, due: string | null): string[] {
  const w: string[] = [];
  if (explicit && Number(explicit) !== env.ctx.year) {
    w.push(`原文写明${explicit}年，与方案年度${env.ctx.year}年不同，请确认`);
  }
  if (due && env.ctx.issuedOn && isValidDate(env.ctx.issuedOn) && due < env.ctx.issuedOn) {
    w.push(`截止日期${formatCn(due, { year: true })}早于方案印发日期${formatCn(env.ctx.issuedOn, { year: true })}，请核实`);
  }
  return w;
}

function absolute(env: Env, text: string, due: string, explicitYear?: string, extra: Partial<Deadline> = {}): Built {
  const warnings = yearWarnings(env, explicitYear, due);
  return { type: "part", part: withWarnings({ text, kind: "absolute", due, ...extra }, warnings) };
}

function withWarnings(d: Deadline, warnings: string[]): Deadline {
  if (warnings.length) d.warnings = [...(d.warnings ?? []), ...warnings];
  return d;
}

function invalidDate(text: string, what: string): Built {
  return { type: "part", part: { text, kind: "unknown", due: null, warnings: [`日期无效：${what}`] } };
}

const YEAR_PREFIX = String.raw`(?:(\d{4})年|([今本当明次])年)?`;
const BY = String.raw`(前|之前|以前|止|为止)?`;

/** 至少1次, 不少于2次, 至少听取1次: a quota, read within the clause after 每年 / 年内. */
const QUOTA_RE = /(?:至少|不少于|不得少于|不低于)[^，。；\d]{0,8}?(\d+)次/;

const WEEKDAY_INDEX: Record<string, number> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };

/** Event verbs a trigger may end with when no 后/之日起 joins it to the duration (人代会结束60个工作日内, 印制3日内). */
const EVENT_VERB_END = /(?:结束|闭幕|完成|作出|做出|确定|公布|公开|印发|发布|出台|竣工|验收|变更|形成|生效|印制|收到|受理|批准|签订|发生|召开|到期|期满|下达|认定|通过|审定|备案)$/;

function triggerKeyOf(trigger: string): string | undefined {
  if (/本文|本方案|本通知|本要点|本意见|本办法/.test(trigger)) return "plan_published";
  if (/形成|变更/.test(trigger)) return "info_changed";
  if (/处罚/.test(trigger)) return "penalty_decided";
  if (/决定/.test(trigger)) return "decision_made";
  if (/(?:文件|政策|规章|规范性文件).*(?:公开|公布|印发|发布)/.test(trigger)) return "document_published";
  if (/竣工/.test(trigger)) return "project_completed";
  if (/申请/.test(trigger)) return "application_received";
  if (/人代会|人民代表大会/.test(trigger)) return "npc_session_ended";
  if (/审批程序/.test(trigger)) return "approval_completed";
  if (/招生.*结束/.test(trigger)) return "enrollment_ended";
  if (/分配结果/.test(trigger)) return "allocation_determined";
  if (/方案|计划/.test(trigger) && /确定/.test(trigger)) return "plan_determined";
  return undefined;
}

/** Split the text before a duration into subject and trigger: "行政处罚信息于处罚结果作出" → 行政处罚信息 / 处罚结果作出. */
function splitTrigger(env: Env, end: number): { trigger: string; subject?: string; start: number } {
  const [a] = clauseBounds(env.s, end, end);
  const before = env.raw.slice(a, end);
  // 在/于/自/从 introduce the trigger, except inside words such as 存在, 关于, 自然, 从事.
  const markerRe =
    /(?:应当|应该|应|要|须|需|均|并|将|可|一律)?(?:(?<![存现实所正内外])在(?![线建岗职编])|(?<![关由对属等便用基处位至鉴过终乐易敢])于|自(?![然治愿主身己行动查律我])|从(?![事业而严重简优来未]))/g;
  let cut = -1;
  let cutEnd = 0;
  let m: RegExpExecArray | null;
  while ((m = markerRe.exec(before))) {
    cut = m.index;
    cutEnd = m.index + m[0].length;
  }
  let trigger = cut >= 0 ? before.slice(cutEnd) : before;
  let subject = cut >= 0 ? before.slice(0, cut).replace(/(?:应当|应|要|须|需)$/, "") : undefined;
  let start = a + (cut >= 0 ? cutEnd : 0);
  trigger = trigger.replace(/^(?:及时|并|同时|均|须|需|应当|应|要)+/, (p) => {
    start += p.length;
    return "";
  });
  if (trigger.length > 24) {
    const de = trigger.lastIndexOf("的");
    const cutAt = de >= 0 && trigger.length - de - 1 >= 2 ? de + 1 : trigger.length - 24;
    start += cutAt;
    trigger = trigger.slice(cutAt);
  }
  if (subject !== undefined) subject = subject.trim() || undefined;
  return { trigger, subject, start };
}

function unitFields(n: number, unit: string): Partial<Deadline> {
  if (unit.includes("工作日")) return { withinWorkdays: n };
  if (unit.includes("小时")) return { withinHours: n };
  if (unit.includes("月")) return { withinMonths: n };
  if (unit.includes("周") || unit.includes("星期")) return { withinDays: n * 7 };
  return { withinDays: n };
}

function eventPart(env: Env, text: string, trigger: string | undefined, connector: string, fields: Partial<Deadline>, subject?: string): Deadline {
  const d: Deadline = { text, kind: "event_relative", due: null, ...fields, connector };
  const warnings: string[] = [];
  if (trigger) {
    d.trigger = trigger;
    const key = triggerKeyOf(trigger);
    if (key) d.triggerKey = key;
    if (key === "plan_published" && env.ctx.issuedOn && isValidDate(env.ctx.issuedOn)) {
      d.due = dueFromEvent(d, env.ctx.issuedOn, env.cal);
    }
  } else {
    warnings.push("未写明起算事件，请管理员确认从何时开始计算");
  }
  if (subject) d.subject = subject;
  return withWarnings(d, warnings);
}

interface Rule {
  name: string;
  re: RegExp;
  build: (m: RegExpExecArray, env: Env) => Built | null;
}

function monthEnd(env: Env, y: number, mo: number, text: string, explicit?: string): Built {
  if (mo < 1 || mo > 12) return invalidDate(text, `${mo}月`);
  return absolute(env, text, endOfMonth(y, mo), explicit);
}

const RULES: Rule[] = [
  // ------------------------------------------------------------------ guards / modifiers
  {
    name: "extension",
    re: /延长(?:的)?(?:答复)?(?:期限|时间)?(?:最长|最多)?(?:不得|不能|不)?超过(\d+)(个工作日|工作日|日|天)/g,
    build: (m) => ({ type: "extension", workdays: Number(m[1]) }),
  },
  {
    name: "minimum",
    re: /(?:一般)?(?:不少于|不得少于|不应少于|至少|不低于|不短于)(\d+)(个工作日|工作日|个自然日|日|天|小时|个小时)/g,
    build: (m) => {
      const n = Number(m[1]);
      const u = m[2];
      const minimum = u.includes("工作日") ? { workdays: n, text: m[0] } : u.includes("小时") ? { hours: n, text: m[0] } : { days: n, text: m[0] };
      return { type: "minimum", minimum };
    },
  },
  // ------------------------------------------------------------------ recurring
  {
    name: "monthly",
    re: /(?:按|每|逐)个?月度?(?:(?:结束)?后(\d+)(个工作日|工作日|个自然日|日|天)(?:内|以内|之内)?|的?(\d{1,2})[日号](?:前|之前|以前)?|前(\d+)个?工作日(?:内)?|(?:底|末)(?:前|之前|以前)?)?/g,
    build: (m, env) => {
      const d: Deadline = { text: m[0], kind: "recurring", due: null, every: "month" };
      if (m[1]) Object.assign(d, unitFields(Number(m[1]), m[2]));
      else if (m[3]) d.at = { day: Number(m[3]) };
      else if (m[4]) d.at = { workday: Number(m[4]) };
      else if (/[底末]/.test(m[0])) d.at = { day: "end" };
      if (d.at?.day !== undefined && d.at.day !== "end" && (d.at.day < 1 || d.at.day > 31)) return invalidDate(m[0], `每月${d.at.day}日`);
      const after = env.s.slice(m.index + m[0].length, m.index + m[0].length + 6);
      const q = /^(?:公开|发布|更新|通报|报送)?(\d+)次/.exec(after);
      if (q) d.timesAtLeast = Number(q[1]);
      return { type: "part", part: d };
    },
  },
  {
    name: "quarterly",
    re: /(?:按|每|逐|分)个?季度?(?:(?:结束)?后(\d+)(个工作日|工作日|个自然日|日|天)(?:内|以内|之内)?)?/g,
    build: (m) => {
      const d: Deadline = { text: m[0], kind: "recurring", due: null, every: "quarter" };
      if (m[1]) Object.assign(d, unitFields(Number(m[1]), m[2]));
      return { type: "part", part: d };
    },
  },
  {
    name: "halfyearly",
    re: /(?:每|按)半年度?|半年(?:公开|发布|更新)?1次/g,
    build: (m) => ({ type: "part", part: { text: m[0], kind: "recurring", due: null, every: "halfyear" } }),
  },
  {
    name: "yearly",
    re: /每年度?(?:年?(?:底|末)(?:前|之前|以前)?|(\d{1,2})月份?(?:(底|末)|(\d{1,2})[日号])(?:前|之前|以前)?)?/g,
    build: (m, env) => {
      const d: Deadline = { text: m[0], kind: "recurring", due: null, every: "year" };
      if (m[1]) {
        const mo = Number(m[1]);
        if (mo < 1 || mo > 12) return invalidDate(m[0], `${mo}月`);
        if (m[2]) d.at = { month: mo, day: "end" };
        else {
          const day = Number(m[3]);
          if (day < 1 || day > daysInMonth(2000, mo)) return invalidDate(m[0], `${mo}月${day}日`);
          d.at = { month: mo, day };
        }
      } else if (/[底末]/.test(m[0])) d.at = { month: 12, day: "end" };
      const [, b] = clauseBounds(env.s, m.index, m.index + m[0].length);
      const q = QUOTA_RE.exec(env.s.slice(m.index + m[0].length, b));
      if (q) d.timesAtLeast = Number(q[1]);
      return { type: "part", part: d };
    },
  },
  {
    name: "weekly",
    re: /(?:每|按)周(?!岁|年|边)/g,
    build: (m) => ({ type: "part", part: { text: m[0], kind: "recurring", due: null, every: "week" } }),
  },
  {
    name: "periodic",
    re: /不?定期/g,
    build: (m) => {
      if (m[0] === "不定期") return { type: "part", part: { text: m[0], kind: "continuing", due: null } };
      return {
        type: "part",
        part: { text: m[0], kind: "recurring", due: null, warnings: ["“定期”未写明频次，请管理员指定（如按月、按季度）"] },
      };
    },
  },
  // ------------------------------------------------------------------ absolute
  {
    name: "date",
    re: new RegExp(String.raw`${YEAR_PREFIX}(\d{1,2})月(\d{1,2})[日号](（[^）]{0,12}）)?${BY}`, "g"),
    build: (m, env) => {
      const end = m.index + m[0].length;
      if (!m[6] && !wholeClause(env, m.index, end) && !followedByAction(env, end)) return null;
      const y = resolveYear(env, m[1], m[2]);
      const mo = Number(m[3]);
      const day = Number(m[4]);
      const date = toDateString(y, mo, day);
      if (!isValidDate(date)) return invalidDate(m[0], `${mo}月${day}日`);
      const built = absolute(env, m[0], date, m[1]);
      const hint = m[5] && /(?:星期|周)([日天一二三四五六])/.exec(m[5]);
      if (hint && built.type === "part" && WEEKDAY_INDEX[hint[1]] !== new Date(Date.UTC(y, mo - 1, day)).getUTCDay()) {
        withWarnings(built.part, [`原文注明${m[5]}，但${formatCn(date, { year: true })}是${weekdayCn(date)}，请核对年份或日期`]);
      }
      return built;
    },
  },
  {
    name: "date-range",
    re: new RegExp(String.raw`${YEAR_PREFIX}(\d{1,2})月(\d{1,2})[日号](?:（[^）]{0,12}）)?(?:至|到|—|－|-|~|～)(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})[日号](?:（[^）]{0,12}）)?`, "g"),
    build: (m, env) => {
      const y = resolveYear(env, m[1], m[2]);
      const start = toDateString(y, Number(m[3]), Number(m[4]));
      const end = toDateString(m[5] ? Number(m[5]) : y, m[6] ? Number(m[6]) : Number(m[3]), Number(m[7]));
      if (!isValidDate(start) || !isValidDate(end) || end < start) return invalidDate(m[0], m[0]);
      return { type: "part", part: withWarnings({ text: m[0], kind: "window", due: end, start, window: m[0] }, yearWarnings(env, m[1], end)) };
    },
  },
  {
    name: "month-end",
    re: new RegExp(String.raw`${YEAR_PREFIX}(\d{1,2})月份?(?:底|末)${BY}`, "g"),
    build: (m, env) => {
      const end = m.index + m[0].length;
      if (!m[4] && !wholeClause(env, m.index, end) && !followedByAction(env, end)) return null;
      return monthEnd(env, resolveYear(env, m[1], m[2]), Number(m[3]), m[0], m[1]);
    },
  },
  {
    // "2022年6月" / "6月份" alone in a 时限 cell, "6月内" → end of that month; "6月前" → before June starts.
    name: "month",
    re: new RegExp(String.raw`${YEAR_PREFIX}(\d{1,2})月份?(前|之前|以前|内|以内)?`, "g"),
    build: (m, env) => {
      const end = m.index + m[0].length;
      const prev = env.s[m.index - 1] ?? "";
      if (/[\d每按逐个]/.test(prev)) return null;
      const y = resolveYear(env, m[1], m[2]);
      const mo = Number(m[3]);
      if (mo < 1 || mo > 12) return invalidDate(m[0], `${mo}月`);
      const by = m[4] === "前" || m[4] === "之前" || m[4] === "以前";
      const acted = m[4] !== undefined && /^(?:完成|基本完成|全部|到位|公开|公布|发布|报送|上报|报)/.test(env.s.slice(end));
      if (!wholeClause(env, m.index, end) && !acted) return null;
      if (by) {
        const due = mo === 1 ? toDateString(y - 1, 12, 31) : endOfMonth(y, mo - 1);
        const built = absolute(env, m[0], due, m[1]);
        if (built.type === "part") withWarnings(built.part, [`“${m[0]}”按${mo}月1日之前理解（即${formatCn(due)}）；如指${mo}月底前，请管理员修改`]);
        return built;
      }
      return absolute(env, m[0], endOfMonth(y, mo), m[1]);
    },
  },
  {
    // "2022年" / "本年度" / "全年" alone in a 时限 cell → 31 December.
    name: "year-bare",
    re: /(?:(\d{4})|([今本当明次全]))年度?/g,
    build: (m, env) => {
      if (!wholeClause(env, m.index, m.index + m[0].length)) return null;
      const y = resolveYear(env, m[1], m[2] === "全" ? undefined : m[2]);
      return absolute(env, m[0], toDateString(y, 12, 31), m[1]);
    },
  },
  {
    // "2022.6.30", "2022-06-30", "2022/6/30" (optionally followed by 前).
    name: "numeric-date",
    re: new RegExp(String.raw`(?<!\d)(\d{4})[./-](\d{1,2})[./-](\d{1,2})(?!\d)${BY}`, "g"),
    build: (m, env) => {
      const end = m.index + m[0].length;
      if (!m[4] && !wholeClause(env, m.index, end) && !followedByAction(env, end)) return null;
      const date = toDateString(Number(m[1]), Number(m[2]), Number(m[3]));
      if (!isValidDate(date)) return invalidDate(m[0], m[0]);
      return absolute(env, m[0], date, m[1]);
    },
  },
  {
    name: "dekad",
    re: new RegExp(String.raw`${YEAR_PREFIX}(\d{1,2})月(上|中|下)旬${BY}`, "g"),
    build: (m, env) => {
      const end = m.index + m[0].length;
      if (!m[5] && !wholeClause(env, m.index, end) && !followedByAction(env, end)) return null;
      const y = resolveYear(env, m[1], m[2]);
      const mo = Number(m[3]);
      if (mo < 1 || mo > 12) return invalidDate(m[0], `${mo}月`);
      const due = m[4] === "上" ? toDateString(y, mo, 10) : m[4] === "中" ? toDateString(y, mo, 20) : endOfMonth(y, mo);
      return absolute(env, m[0], due, m[1]);
    },
  },
  {
    name: "year-end",
    re: /(?:(\d{4})|([今本当明次]))?年年?度?(?:底|末)(前|之前|以前|止|为止)?/g,
    build: (m, env) => {
      const end = m.index + m[0].length;
      if (!m[3] && !wholeClause(env, m.index, end) && !followedByAction(env, end)) return null;
      const y = resolveYear(env, m[1], m[2]);
      return absolute(env, m[0], toDateString(y, 12, 31), m[1]);
    },
  },
  {
    name: "within-year",
    re: /(?:(\d{4})|([今本当明次]))?年度?内(?![容部外])/g,
    build: (m, env) => {
      if (!m[1] && !m[2]) {
        const prev = env.s[m.index - 1] ?? "";
        if (/[\d一二两三四五六七八九十近几多数每半]/.test(prev)) return null; // 3年内, 近年内: a span, not this year
      }
      const y = resolveYear(env, m[1], m[2]);
      const built = absolute(env, m[0], toDateString(y, 12, 31), m[1]);
      const [, b] = clauseBounds(env.s, m.index, m.index + m[0].length);
      const q = QUOTA_RE.exec(env.s.slice(m.index + m[0].length, b));
      if (q && built.type === "part") built.part.timesAtLeast = Number(q[1]);
      return built;
    },
  },
  {
    name: "half-year",
    re: new RegExp(String.raw`${YEAR_PREFIX}([上下])半年(?:底|末)?${BY}(?:内)?`, "g"),
    build: (m, env) => {
      const end = m.index + m[0].length;
      const prev = env.s[m.index - 1] ?? "";
      if (/[每按]/.test(prev)) return null;
      if (!m[4] && !/内$/.test(m[0]) && !wholeClause(env, m.index, end) && !followedByAction(env, end)) return null;
      const y = resolveYear(env, m[1], m[2]);
      return absolute(env, m[0], m[3] === "上" ? toDateString(y, 6, 30) : toDateString(y, 12, 31), m[1]);
    },
  },
  {
    name: "quarter",
    re: new RegExp(String.raw`${YEAR_PREFIX}第?([1-4])季度(?:底|末)?${BY}(?:内)?`, "g"),
    build: (m, env) => {
      const end = m.index + m[0].length;
      const prev = env.s[m.index - 1] ?? "";
      if (/[每按逐分前]/.test(prev)) return null;
      if (!m[4] && !/内$/.test(m[0]) && !wholeClause(env, m.index, end) && !followedByAction(env, end)) return null;
      const y = resolveYear(env, m[1], m[2]);
      return absolute(env, m[0], endOfMonth(y, Number(m[3]) * 3), m[1]);
    },
  },
  // ------------------------------------------------------------------ event-relative
  {
    name: "event",
    re: /(之日起|之日后|之日|以后|后|起)?(\d+)(个工作日|工作日|个自然日|个日历日|日|天|个小时|小时|个月|个?周|个?星期)(?:内|以内|之内)/g,
    build: (m, env) => {
      const connector = m[1] ?? "";
      const end = m.index + m[0].length;
      const n = Number(m[2]);
      const before = env.s.slice(Math.max(0, m.index - 6), m.index);
      if (/(?:不超过|不得超过|最长|最多|不少于|不得少于|至少)$/.test(before)) return null;
      const { trigger, subject, start } = splitTrigger(env, m.index);
      if (!connector) {
        // Service-time targets: "3个工作日内完成新开办企业" is a promise to citizens, not our deadline.
        if (/^(?:完成|办结|办理|办毕|审结|出具|作出|实现|答复完毕)/.test(env.s.slice(end))) return null;
        if (/(?:时限|期限|时间|压缩至|压减至|缩短至|控制在)$/.test(trigger)) return null;
        if (trigger && !EVENT_VERB_END.test(trigger)) return null;
      }
      if (m[1] === "起" && !trigger) return null;
      const text = env.raw.slice(start, end);
      return { type: "part", part: eventPart(env, text, trigger || undefined, connector, unitFields(n, m[3]), subject), start };
    },
  },
  {
    // "招生工作结束后公开招生结果", "…的决定作出后及时在政府门户网站公开": no duration written.
    name: "event-no-duration",
    re: /(之日起|之日后|后)(?:及时|立即|即时|第一时间)?(?:在[^，。；]{0,12}?)?(?:予以公开|主动公开|公开|公布|发布)/g,
    build: (m, env) => {
      const { trigger, subject, start } = splitTrigger(env, m.index);
      if (!trigger || !EVENT_VERB_END.test(trigger)) return null;
      const text = env.raw.slice(start, m.index + m[0].length);
      const d = eventPart(env, text, trigger, m[1], { withinWorkdays: 20, statutoryDefault: true }, subject);
      withWarnings(d, ["未写明期限，按《政府信息公开条例》第二十六条默认20个工作日"]);
      return { type: "part", part: d, start };
    },
  },
  // ------------------------------------------------------------------ windows
  {
    name: "window",
    re: /(?:疫情防控|重污染天气|重污染天气应急|防汛抗旱|防汛|主汛|汛|招生|招生工作|中招|中考|高考|节假日|重大节日|两会|突发事件|突发事件处置|应急响应|应急处置|重大活动)(?:期间|时段|时期)|(?:主)?汛期|寒暑假期间|寒暑假期|寒暑假|寒假期间|暑假期间/g,
    build: (m) => ({ type: "part", part: { text: m[0], kind: "window", due: null, window: m[0] } }),
  },
  {
    name: "window-generic",
    re: /[\u4e00-\u9fa5]{2,8}期间/g,
    build: (m, env) => {
      if (!wholeClause(env, m.index, m.index + m[0].length)) return null;
      return { type: "part", part: { text: m[0], kind: "window", due: null, window: m[0] } };
    },
  },
  // ------------------------------------------------------------------ continuing
  {
    name: "continuing",
    re: /长期(?:坚持|公示|公开|落实|推进|执行|保持|有效|开展|实施|更新)|适时|动态(?:调整|更新|管理|维护)|一次性(?:发布|公开|公布)|第一时间(?=发布|公开|公布|回应|推送|更新|报送|上报|通报|在)|实时(?:发布|公开|更新|公布|推送|监测)|按时(?:公开|发布|更新|报送|公布|完成)|法定时限|法定期限|规定时限|规定期限|视情况?|限期整改/g,
    build: (m) => ({ type: "part", part: { text: m[0], kind: "continuing", due: null } }),
  },
  {
    name: "continuing-bare",
    re: /长期|实时|按时|常态化|随时|经常性|第一时间|视情/g,
    build: (m, env) => {
      if (!wholeClause(env, m.index, m.index + m[0].length)) return null;
      return { type: "part", part: { text: m[0], kind: "continuing", due: null } };
    },
  },
];

interface Found {
  start: number;
  end: number;
  built: Built;
}

function scan(text: string, ctx: DeadlineContext): { found: Found[]; env: Env } {
  const raw = normalizeDeadlineText(text);
  const env: Env = { raw, s: maskGuards(raw), ctx, cal: ctx.calendar ?? libraryCalendar() };
  const cands: Candidate[] = [];
  RULES.forEach((rule, ri) => {
    let m: RegExpExecArray | null;
    const re = new RegExp(rule.re.source, rule.re.flags);
    while ((m = re.exec(env.s))) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (m[0].includes(MASK)) continue;
      const mm = m;
      cands.push({ start: m.index, end: m.index + m[0].length, rule: ri, build: () => rule.build(mm, env) });
    }
  });
  // Longest first; on equal length the earlier rule wins. A rule that declines (build → null) frees its span.
  cands.sort((a, b) => b.end - b.start - (a.end - a.start) || a.rule - b.rule || a.start - b.start);
  const taken: Found[] = [];
  for (const c of cands) {
    if (taken.some((t) => c.start < t.end && t.start < c.end)) continue;
    const built = c.build();
    if (!built) continue;
    taken.push({ start: built.type === "part" && built.start !== undefined ? Math.min(built.start, c.start) : c.start, end: c.end, built });
  }
  taken.sort((a, b) => a.start - b.start);
  return { found: taken, env };
}

// =============================================================================================
// Assembly

const KIND_PRIORITY: Record<DeadlineKind, number> = { absolute: 0, recurring: 1, event_relative: 2, window: 3, continuing: 4, unknown: 5 };

function assemble(text: string, found: Found[], env: Env): { parts: Deadline[]; minimum?: Deadline["minimum"] } {
  const parts: { part: Deadline; start: number; end: number }[] = [];
  let minimum: Deadline["minimum"];
  for (const f of found) {
    if (f.built.type === "part") parts.push({ part: f.built.part, start: f.start, end: f.end });
    else if (f.built.type === "extension") {
      const prev = [...parts].reverse().find((p) => p.part.kind === "event_relative");
      if (prev) prev.part.extendableWorkdays = f.built.workdays;
    } else if (f.built.type === "minimum") {
      minimum ??= f.built.minimum;
    }
  }
  // "定期" next to an explicit frequency in the same clause is not a second schedule.
  const kept = parts.filter((p) => {
    if (!(p.part.kind === "recurring" && !p.part.every)) return true;
    const [a, b] = clauseBounds(env.s, p.start, p.end);
    return !parts.some((q) => q !== p && q.part.kind === "recurring" && q.part.every && q.start >= a && q.end <= b);
  });
  // Recurring parts get their first concrete due date in the plan year.
  for (const { part } of kept) {
    part.planYear = env.ctx.year;
    if (part.kind === "recurring" && part.every) {
      const inst = periodInstances(part, env.ctx.year, env.cal, env.ctx.issuedOn ? { from: env.ctx.issuedOn } : {});
      // All of this year's periods already due before the plan was issued: the next one is next year's.
      part.due = inst[0]?.due ?? periodInstances(part, env.ctx.year + 1, env.cal)[0]?.due ?? null;
    }
    const wd = part.withinWorkdays !== undefined || part.at?.workday !== undefined;
    const years = new Set<number>([env.ctx.year]);
    if (part.due) years.add(parseDate(part.due).year);
    if (wd && part.kind === "recurring") for (const i of periodInstances(part, env.ctx.year, env.cal)) years.add(parseDate(i.due).year);
    if (wd) {
      for (const y of years) {
        const note = coverageNote(env.cal, y);
        if (note) withWarnings(part, [note]);
      }
    }
  }
  return { parts: kept.map((p) => p.part), minimum };
}

function primaryOf(parts: Deadline[]): Deadline {
  const dated = parts.filter((p) => p.due && (p.kind === "absolute" || p.kind === "window"));
  if (dated.length) return dated.reduce((a, b) => (b.due! < a.due! ? b : a));
  return parts.reduce((a, b) => (KIND_PRIORITY[b.kind] < KIND_PRIORITY[a.kind] ? b : a));
}

function combine(text: string, parts: Deadline[], env: Env): Deadline {
  if (parts.length === 1) {
    return { ...parts[0], text, planYear: env.ctx.year };
  }
  const p = primaryOf(parts);
  const top: Deadline = { ...p, text, planYear: env.ctx.year, parts };
  delete top.warnings;
  const warnings = [...new Set(parts.flatMap((x) => x.warnings ?? []))];
  if (warnings.length) top.warnings = warnings;
  return top;
}

/**
 * Read a deadline cell (时限要求 / 完成时限) or any phrase. Always returns a Deadline: kind
 * "unknown" with a warning when nothing in it is a deadline (soft adverbs like 及时 / 持续 / 同步,
 * minimum durations like 征求意见期限不少于30日).
 */
export function parseDeadline(text: string, ctx: DeadlineContext): Deadline {
  const { found, env } = scan(text ?? "", ctx);
  const { parts, minimum } = assemble(text, found, env);
  if (parts.length) {
    const d = combine(text, parts, env);
    if (minimum) d.minimum = minimum;
    return d;
  }
  const d: Deadline = { text, kind: "unknown", due: null, planYear: ctx.year };
  if (!env.raw) d.warnings = ["未填写时限"];
  else if (minimum) {
    d.minimum = minimum;
    d.warnings = [`“${minimum.text}”是最短期限要求，不是完成时限；请管理员另行设定时限`];
  } else if (/及时|持续|同步|尽快|抓紧|积极|切实/.test(env.raw)) {
    d.warnings = ["“及时”“持续”“同步”等不是具体时限，请管理员设定或标为长期"];
  } else d.warnings = ["未能识别时限，请管理员人工设定"];
  return d;
}

/** Deadlines written inside requirement text (…于3个工作日内主动发布, …每季度公开…); null when there are none. */
export function findDeadlineInText(requirement: string, ctx: DeadlineContext): Deadline | null {
  const { found, env } = scan(requirement ?? "", ctx);
  const { parts } = assemble(requirement, found, env);
  if (!parts.length) return null;
  return combine(requirement, parts, env);
}

// =============================================================================================
// Schedules

function rollToWorkday(date: string, cal: WorkCalendar): string {
  return cal.isWorkday(date) ? date : cal.addWorkdays(date, 0);
}

/** Due date `withinWorkdays` / `withinDays` after an anchor (anchor day excluded). Calendar-day periods ending on a day off roll to the next working day (民法典第二百零三条). */
function offsetFrom(anchor: string, d: Deadline, cal: WorkCalendar): string | undefined {
  if (d.withinWorkdays !== undefined) return cal.addWorkdays(anchor, d.withinWorkdays);
  if (d.withinDays !== undefined) return rollToWorkday(addDays(anchor, d.withinDays), cal);
  if (d.withinMonths !== undefined) {
    const { year, month, day } = parseDate(anchor);
    const t = year * 12 + (month - 1) + d.withinMonths;
    const y = Math.floor(t / 12);
    const mo = (t % 12) + 1;
    return rollToWorkday(toDateString(y, mo, Math.min(day, daysInMonth(y, mo))), cal);
  }
  return undefined;
}

function recurringPart(d: Deadline): Deadline | undefined {
  if (d.kind === "recurring" && d.every) return d;
  return d.parts?.find((p) => p.kind === "recurring" && p.every);
}

/**
 * One instance per period of `year` with its own due date. Only recurring schedules (or a
 * combination containing one) have instances; 定期 without a frequency has none. With
 * `opts.from`, instances due before that date (e.g. before the plan was issued) are left out.
 */
export function periodInstances(d: Deadline, year: number, cal: WorkCalendar, opts: { from?: string } = {}): PeriodInstance[] {
  const r = recurringPart(d);
  if (!r) return [];
  const out: PeriodInstance[] = [];
  const periods: { key: string; start: string; end: string }[] = [];
  switch (r.every) {
    case "month":
      for (let mo = 1; mo <= 12; mo++) periods.push({ key: `${year}-${String(mo).padStart(2, "0")}`, start: toDateString(year, mo, 1), end: endOfMonth(year, mo) });
      break;
    case "quarter":
      for (let q = 1; q <= 4; q++) periods.push({ key: `${year}-Q${q}`, start: toDateString(year, q * 3 - 2, 1), end: endOfMonth(year, q * 3) });
      break;
    case "halfyear":
      periods.push({ key: `${year}-H1`, start: toDateString(year, 1, 1), end: toDateString(year, 6, 30) });
      periods.push({ key: `${year}-H2`, start: toDateString(year, 7, 1), end: toDateString(year, 12, 31) });
      break;
    case "year":
      periods.push({ key: String(year), start: toDateString(year, 1, 1), end: toDateString(year, 12, 31) });
      break;
    case "week": {
      let monday = weekBounds(toDateString(year, 1, 4)).monday; // ISO week 1 contains 4 January
      while (isoWeekKey(monday).startsWith(`${year}-`)) {
        periods.push({ key: isoWeekKey(monday), start: monday, end: addDays(monday, 6) });
        monday = addDays(monday, 7);
      }
      break;
    }
  }
  for (const p of periods) {
    let due = p.end;
    const { year: py, month: pm } = parseDate(p.start);
    if (r.at) {
      if (r.at.workday !== undefined) due = cal.addWorkdays(addDays(p.start, -1), r.at.workday);
      else if (r.every === "year" && r.at.month) {
        due = r.at.day === "end" || r.at.day === undefined ? endOfMonth(py, r.at.month) : toDateString(py, r.at.month, Math.min(r.at.day, daysInMonth(py, r.at.month)));
      } else if (r.at.day !== undefined) {
        due = r.at.day === "end" ? p.end : toDateString(py, pm, Math.min(r.at.day, daysInMonth(py, pm)));
      }
    } else {
      due = offsetFrom(p.end, r, cal) ?? p.end;
    }
    if (opts.from && due < opts.from) continue;
    out.push({ key: p.key, start: p.start, due });
  }
  return out;
}

function eventPartOf(d: Deadline): Deadline | undefined {
  if (d.kind === "event_relative") return d;
  return d.parts?.find((p) => p.kind === "event_relative");
}

/**
 * Due date of an event-relative deadline for an event on `eventDate` (YYYY-MM-DD, or
 * YYYY-MM-DDTHH:mm Beijing time for hour limits). N working days = the N-th working day after
 * the event day; N calendar days = event day + N, rolled to the next working day when that is a
 * day off; N hours = the day the hours run out (without a time of day: the latest possible day,
 * i.e. event day + ⌈N/24⌉). Throws when the deadline has no event-relative part.
 */
export function dueFromEvent(d: Deadline, eventDate: string, cal: WorkCalendar): string {
  const e = eventPartOf(d);
  if (!e) throw new Error(`not an event-relative deadline: ${d.text}`);
  const withTime = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/.exec(eventDate);
  const day = withTime ? withTime[1] : eventDate;
  if (!isValidDate(day)) throw new RangeError(`invalid event date: ${eventDate}`);
  if (e.withinHours !== undefined) {
    if (withTime) {
      const minutes = Number(withTime[2]) * 60 + Number(withTime[3]) + e.withinHours * 60;
      return addDays(day, Math.floor(minutes / 1440) - (minutes % 1440 === 0 ? 1 : 0));
    }
    return addDays(day, Math.max(1, Math.ceil(e.withinHours / 24)));
  }
  return offsetFrom(day, e, cal) ?? cal.addWorkdays(day, 20);
}

// =============================================================================================
// Explanations for admins

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function cnDate(date: string, withYear = true): string {
  return `${formatCn(date, { year: withYear })}（${weekdayCn(date)}）`;
}

function dayOffNote(date: string, cal: WorkCalendar): string {
  const info = cal.dayInfo(date);
  if (info.workday) return "";
  return info.name ? `，当日为${info.name}假期` : "，当日为周末";
}

function relativeNote(due: string, today: string | undefined): string {
  if (!today || !isValidDate(today)) return "";
  const n = diffDays(due, today);
  if (n > 0) return `，还剩${n}天`;
  if (n === 0) return "，今天到期";
  return `，已逾期${-n}天`;
}

const PERIOD_CN: Record<DeadlinePeriod, string> = { week: "每周", month: "按月", quarter: "按季度", halfyear: "每半年", year: "每年" };

function unitText(d: Deadline): string {
  if (d.withinWorkdays !== undefined) return `${d.withinWorkdays}个工作日内`;
  if (d.withinDays !== undefined) return `${d.withinDays}日内`;
  if (d.withinHours !== undefined) return `${d.withinHours}小时内`;
  if (d.withinMonths !== undefined) return `${d.withinMonths}个月内`;
  return "";
}

function unitNote(d: Deadline): string {
  if (d.withinWorkdays !== undefined) return "（按国家法定工作日计，含调休）";
  if (d.withinDays !== undefined || d.withinMonths !== undefined) return "（自然日，事件当日不计；末日逢法定节假日或周末顺延至下一工作日）";
  if (d.withinHours !== undefined) return "（按小时计，不区分工作日）";
  return "";
}

function describeOne(d: Deadline, cal: WorkCalendar, today: string | undefined, years: Set<number>): string {
  switch (d.kind) {
    case "absolute": {
      if (!d.due) return `绝对时限：${d.text}`;
      years.add(parseDate(d.due).year);
      const quota = d.timesAtLeast ? `（期间不少于${d.timesAtLeast}次）` : "";
      return `绝对时限：${cnDate(d.due)}截止${quota}${dayOffNote(d.due, cal)}${relativeNote(d.due, today)}`;
    }
    case "recurring": {
      if (!d.every) return "周期性：定期（未写明频次，需管理员指定）";
      const year = d.planYear ?? (today ? parseDate(today).year : d.due ? parseDate(d.due).year : undefined);
      let head = `周期性：${PERIOD_CN[d.every]}`;
      if (d.withinWorkdays !== undefined) head += `，每期结束后${d.withinWorkdays}个工作日内`;
      else if (d.withinDays !== undefined) head += `，每期结束后${d.withinDays}日内`;
      else if (d.at?.workday !== undefined) head += `，每期前${d.at.workday}个工作日内`;
      else if (d.at?.month) head += `，${d.at.month}月${d.at.day === "end" || d.at.day === undefined ? "底" : `${d.at.day}日`}前`;
      else if (d.at?.day !== undefined) head += d.at.day === "end" ? "，每期末" : `，每期${d.at.day}日前`;
      else head += "，每期末截止";
      if (d.timesAtLeast) head += `，每期不少于${d.timesAtLeast}次`;
      if (year === undefined) return head;
      years.add(year);
      const inst = periodInstances(d, year, cal);
      for (const i of inst) years.add(parseDate(i.due).year);
      const list = inst
        .map((i) => {
          const other = parseDate(i.due).year !== year;
          return inst.length <= 4 ? cnDate(i.due, other) : formatCn(i.due, { year: other });
        })
        .join("、");
      let next = "";
      if (today) {
        const upcoming = inst.find((i) => i.due >= today);
        if (upcoming) next = `；下一期${cnDate(upcoming.due)}${relativeNote(upcoming.due, today)}`;
      }
      return `${head}；${year}年各期截止：${list}${next}`;
    }
    case "event_relative": {
      const when = d.trigger ? `${d.trigger}${d.connector ?? "后"}` : "";
      const def = d.statutoryDefault ? "（原文未写期限，按条例默认）" : "";
      const ext = d.extendableWorkdays ? `，经批准可延长不超过${d.extendableWorkdays}个工作日` : "";
      if (d.withinWorkdays !== undefined) years.add(today ? parseDate(today).year : d.planYear ?? NaN);
      const due = d.due ? `；按方案印发日计为${cnDate(d.due)}截止${relativeNote(d.due, today)}` : "";
      return `事件触发：${when}${unitText(d)}${unitNote(d)}${def}${ext}${d.trigger ? "" : "（未写明起算事件）"}${due}`;
    }
    case "continuing":
      return `持续性要求：${d.text}（无固定截止日期）`;
    case "window":
      if (d.start && d.due) return `期间性要求：${cnDate(d.start)}至${cnDate(d.due)}${relativeNote(d.due, today)}`;
      return `期间性要求：${d.window ?? d.text}（期间内持续落实，无固定截止日期）`;
    default:
      return `未识别时限：“${clip(d.text.trim(), 40)}”，请管理员人工设定`;
  }
}

/**
 * A short Chinese explanation for admins: what kind of deadline, the concrete date(s), how
 * working days are counted, warnings, and a note when a year involved is outside the calendar's
 * official data.
 */
export function describeDeadline(d: Deadline, cal: WorkCalendar, today?: string): string {
  const years = new Set<number>();
  let body: string;
  if (d.parts && d.parts.length > 1) {
    body = `组合时限：${d.parts.map((p) => describeOne({ ...p, planYear: p.planYear ?? d.planYear }, cal, today, years)).join("；")}`;
  } else {
    body = describeOne(d, cal, today, years);
  }
  const notes: string[] = [];
  const warnings = (d.warnings ?? []).filter((w) => !/尚无国务院节假日安排数据/.test(w));
  if (warnings.length) notes.push(`提示：${warnings.join("；")}`);
  for (const y of [...years].filter((y) => Number.isFinite(y)).sort()) {
    const note = coverageNote(cal, y);
    if (note) notes.push(`注意：${note}`);
  }
  return notes.length ? `${body}。${notes.join("。")}` : body;
}
