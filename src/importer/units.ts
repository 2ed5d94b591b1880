/**
 * Unit cells → unit references.
 *
 * A cell such as "县司法局牵头，县政府重大行政决策承办部门单位具体落实…" or
 * "县人力资源社会保障局县退役军人局" or "市生态环境局沂源分\n局县住房城乡建设局" becomes a list of
 * `{ text, kind, role }`. Names are kept as written (after re-joining broken lines); resolution
 * against the unit directory is a separate, pure step (aliases.ts: resolveUnits).
 */
import type { UnitRef, UnitRefKind, UnitRole } from "./types";
import { cellLines } from "./text";

export interface UnitCellResult {
  refs: UnitRef[];
  /** The list says 等 / 及有关部门: not exhaustive. */
  open: boolean;
}

/** Characters a unit name normally ends with. */
const NAME_END_RE = /(?:局|委|办|中心|室|院|会|所|队|站|行|公司|馆|厅|联|团|社|园|区|街道|镇|乡|处|科|组|部|门|位|馆|台|校|学院|大学|集团|）|\)|」)$/;
/** How a new name starts after a complete one (run-together names, lines). */
const NAME_START_RE = /^(?:县|市|省|区|各|有关|相关|其他|人行|中国|国家|中共|共青团|团县委|团市委|经济开发区|开发区)/;
const PLACE_NAME_START_RE = /^[\u3400-\u9fff]{1,4}(?:县|市|镇|街道|乡)/;
/** Bare member types that belong to a preceding 各X group: 各镇、街道、经济开发区 */
const GROUP_MEMBER_RE = /^(?:街道|乡镇|镇|乡|经济开发区|开发区|园区|社区|单位|部门|区)$/;

const OPEN_TAIL_RE = /等(?=(?:相关|有关|其他)?(?:部门|单位|机构|职能部门)?(?:[（(][^）)]*[）)])?$)/;

/** Separators at bracket depth 0. */
const SEPARATORS = new Set(["、", "，", ",", "；", ";", " ", "\u3000", "／", "/"]);
const OPEN_BRACKETS = "（(〔【《“[「";
const CLOSE_BRACKETS = "）)〕】》”]」";

function startsName(line: string): boolean {
  return NAME_START_RE.test(line) || PLACE_NAME_START_RE.test(line);
}

/** Re-join names broken across lines: 市生态环境局沂源分 / 局, 县公共资源交易 / 中心, 县政府各部门 / （单位）. */
export function joinUnitLines(text: string): string {
  const lines = cellLines(text);
  let out = "";
  for (const line of lines) {
    if (out === "") {
      out = line;
      continue;
    }
    const prev = out;
    const prevEndsSep = /[、，,；;]$/.test(prev);
    const prevComplete = NAME_END_RE.test(prev);
    if (!prevEndsSep && (!prevComplete || !startsName(line))) out += line;
    else out += prevEndsSep ? line : "\n" + line;
  }
  return out;
}

/** Split on separators outside brackets. Newlines are separators too. */
function splitTopLevel(s: string, seps: Set<string>): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (OPEN_BRACKETS.includes(ch)) depth++;
    else if (CLOSE_BRACKETS.includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && (seps.has(ch) || ch === "\n")) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

/**
 * Split names that run together without a separator: 县人力资源社会保障局县退役军人局,
 * 各镇（街道、经济开发区）县政府各部门单位. A split happens only where a complete name ends and a
 * new one visibly starts (县/市/各…), never inside brackets.
 */
export function splitRunTogether(token: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  const chars = Array.from(token);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (OPEN_BRACKETS.includes(ch)) depth++;
    else if (CLOSE_BRACKETS.includes(ch)) depth = Math.max(0, depth - 1);
    if (depth !== 0 || i === chars.length - 1) continue;
    const rest = chars.slice(i + 1).join("");
    const head = chars.slice(start, i + 1).join("");
    if (head.length >= 3 && NAME_END_RE.test(head) && /^(?:县|市|各)/.test(rest) && !/^(?:市场|市民|县域|县级|市级|各项|各类|各级)/.test(rest)) {
      out.push(head);
      start = i + 1;
    }
  }
  const tail = chars.slice(start).join("");
  if (tail) out.push(tail);
  return out;
}

const ROLE_TAIL_RE =
  /(等(?:相关|有关)?(?:部门|单位)?)?(?:按职责分工)?(?:分别)?(牵头落实|牵头负责|牵头|具体落实|负责落实|组织落实|抓好落实|落实|具体负责|负责|配合|协助|协办|参与)$/;
const ROLE_INNER_RE = /(具体落实|负责落实|负责做好|负责|落实)(?=.{4,}$)/;
const ROLE_PREFIX_RE = /^(牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|主办单位)[:：]/;

function roleOfVerb(verb: string, fallback: UnitRole): UnitRole {
  if (verb.includes("牵头")) return "lead";
  if (/配合|协助|协办|参与/.test(verb)) return "assist";
  if (/落实|负责/.test(verb)) return "responsible";
  return fallback;
}

function roleOfPrefix(prefix: string): UnitRole {
  if (prefix.startsWith("牵头") || prefix.startsWith("主办")) return "lead";
  if (prefix.startsWith("配合") || prefix.startsWith("协办")) return "assist";
  return "responsible";
}

/** A name shaped like a unit or group (ends like one, short, no action verbs). */
export function looksLikeUnitName(name: string): boolean {
  const n = name.replace(/\s+/g, "");
  if (n.length === 0 || n.length > 32) return false;
  if (/(公开|发布|做好|建立|推进|加强|开展|落实情况|执行情况|[0-9]{4}年)/.test(n)) return false;
  return NAME_END_RE.test(n);
}

export function classifyUnitName(name: string): UnitRefKind {
  const n = name.replace(/\s+/g, "");
  if (/有关|相关|其他|其它/.test(n)) return "unspecified";
  if (/^各/.test(n) || /各(?:部门|单位|镇|乡|街道|县|区|级|职能|委|局|处|科|成员|有关|相关)/.test(n) || /^(?:县|市|区)直(?:各)?(?:部门|单位|机关)/.test(n)) return "group";
  if (/〔|\[|文件|确定的|承办|制定部门|制定机关|牵头部门|实施机关|实施主体|主管部门|责任单位$|^(?:决策|项目|执法)/.test(n)) return "descriptive";
  if (NAME_END_RE.test(n) && n.length <= 30) {
    if (/(?:部门|单位|机关|主体)$/.test(n) && !/^(?:县|市|省|区)/.test(n)) return "descriptive";
    return "unit";
  }
  return "descriptive";
}

/** Merge bare member types into the preceding group: 各镇、街道、经济开发区; 县直各部门、单位. */
function mergeGroupTokens(tokens: string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const prev = out[out.length - 1];
    if (prev !== undefined && GROUP_MEMBER_RE.test(t)) {
      const prevIsGroup = /^各/.test(prev) || /各(?:有关|相关)?部门$/.test(prev) || /(?:直|政府)各?部门$/.test(prev);
      const unitAfterDept = t === "单位" && /部门$/.test(prev);
      if (prevIsGroup || unitAfterDept) {
        out[out.length - 1] = `${prev}、${t}`;
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

interface Clause {
  text: string;
  role: UnitRole;
}

/** Find the role words of one clause. */
function clauseRole(raw: string, fallback: UnitRole): { subject: string; role: UnitRole; explicit: boolean; open: boolean } {
  let text = raw.trim().replace(/[。.]$/, "");
  let role = fallback;
  let explicit = false;
  let open = false;
  const pre = ROLE_PREFIX_RE.exec(text);
  if (pre) {
    role = roleOfPrefix(pre[1]);
    explicit = true;
    text = text.slice(pre[0].length);
  }
  const tail = ROLE_TAIL_RE.exec(text);
  if (tail && tail.index > 0) {
    role = roleOfVerb(tail[2], role);
    explicit = true;
    if (tail[1]) open = true;
    text = text.slice(0, tail.index);
  } else {
    const inner = ROLE_INNER_RE.exec(text);
    if (inner && inner.index >= 3) {
      role = roleOfVerb(inner[1], role);
      explicit = true;
      text = text.slice(0, inner.index);
    }
  }
  return { subject: text.trim(), role, explicit, open };
}

/**
 * Parse a unit cell.
 * @param columnRole the role the column implies: "lead" for 牵头单位, "responsible" for 责任单位 (roles
 *   written in the cell — X牵头，Y落实 — override it).
 */
export function parseUnitCell(cellText: string, columnRole: UnitRole = "responsible"): UnitCellResult {
  const joined = joinUnitLines(cellText);
  if (joined.trim() === "") return { refs: [], open: false };
  let open = false;
  // Clauses: split at ，；。 (outside brackets). A clause ending in 牵头 makes the following
  // unmarked clauses "responsible" (县司法局牵头，县直各部门、单位).
  const rawClauses = splitTopLevel(joined, new Set(["，", ",", "；", ";", "。"])).filter((c) => c !== "");
  const clauses: Clause[] = [];
  let defaultRole = columnRole;
  for (const c of rawClauses) {
    const r = clauseRole(c, defaultRole);
    if (r.open) open = true;
    if (r.subject === "") continue;
    clauses.push({ text: r.subject, role: r.role });
    if (r.explicit && r.role === "lead" && columnRole !== "assist") defaultRole = "responsible";
  }

  const refs: UnitRef[] = [];
  for (const clause of clauses) {
    let tokens: string[] = [];
    for (const part of splitTopLevel(clause.text, SEPARATORS)) {
      if (part === "") continue;
      // "县科技局及相关部门单位": 及 before 有关/相关/其他/a new name separates.
      const pieces = part.split(/及(?=有关|相关|其他|各|县|市)/);
      for (const piece of pieces) tokens.push(...splitRunTogether(piece));
    }
    tokens = mergeGroupTokens(tokens.map((t) => t.trim()).filter((t) => t !== ""));
    for (let tok of tokens) {
      // 等 / 等部门 / 等相关部门（单位）: an open list. Keep the named part and any "相关部门" part.
      const m = OPEN_TAIL_RE.exec(tok);
      if (m) {
        open = true;
        const rest = tok.slice(m.index + 1);
        tok = tok.slice(0, m.index);
        if (tok.trim() !== "") refs.push({ text: tok.trim(), kind: classifyUnitName(tok), role: clause.role });
        if (/有关|相关|其他/.test(rest)) refs.push({ text: rest, kind: "unspecified", role: clause.role });
        continue;
      }
      if (/^等/.test(tok)) {
        open = true;
        continue;
      }
      const kind = classifyUnitName(tok);
      if (kind === "unspecified") open = true;
      refs.push({ text: tok, kind, role: clause.role });
    }
  }
  // Drop exact duplicates (same text and role).
  const seen = new Set<string>();
  const unique = refs.filter((r) => {
    const k = `${r.role}|${r.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { refs: unique, open };
}
