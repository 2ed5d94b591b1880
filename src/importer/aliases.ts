/**
 * Built-in knowledge of unit names (the same body written differently, and agencies renamed in the
 * 2018–2019 reform), a normaliser, and a pure resolver from unit references to directory ids.
 *
 * Names are compared by `canonicalKey`: NFKC, no whitespace or punctuation, the level prefix
 * (县/市/区/省) kept, the rest mapped to one spelling per body. Renamed agencies are *not* merged
 * by canonicalKey (an old table may mean the old body); resolveUnits uses them only as a fallback
 * and says so (matchedBy: "renamed"). Unknown names are returned as unresolved, never created.
 */
import type { UnitDirectory, UnitRef } from "./types";

/** Same body, different spellings (without the level prefix). The first spelling is canonical. */
export const ALIAS_GROUPS: string[][] = [
  ["发展和改革局", "发展改革局", "发改局"],
  ["发展和改革委员会", "发展改革委", "发改委"],
  ["住房和城乡建设局", "住房城乡建设局", "住建局"],
  ["卫生健康局", "卫生和健康局", "卫健局"],
  ["卫生健康委员会", "卫生健康委", "卫健委"],
  ["卫生和计划生育局", "卫生计生局", "卫计局"],
  ["人力资源和社会保障局", "人力资源社会保障局", "人社局"],
  ["教育和体育局", "教育体育局", "教体局"],
  ["文化和旅游局", "文化旅游局", "文旅局"],
  ["文化广电新闻出版局", "文广新局"],
  ["交通运输局", "交通局"],
  ["应急管理局", "应急局"],
  ["安全生产监督管理局", "安监局"],
  ["市场监督管理局", "市场监管局"],
  ["食品药品监督管理局", "食药监局"],
  ["行政审批服务局", "行政审批局", "审批局"],
  ["综合行政执法局", "综合执法局", "执法局"],
  ["退役军人事务局", "退役军人局"],
  ["委编办", "编办", "机构编制委员会办公室", "委机构编制委员会办公室"],
  ["工业和信息化局", "工信局"],
  ["经济和信息化局", "经信局"],
  ["自然资源和规划局", "自然资源规划局"],
  ["国土资源局", "国土局"],
  ["科学技术局", "科技局"],
  ["医疗保障局", "医保局"],
  ["地方金融监督管理局", "地方金融监管局", "金融监管局"],
  ["政府办公室", "政府办", "府办"],
  ["扶贫开发领导小组办公室", "扶贫办"],
  ["残疾人联合会", "残联"],
  ["大数据中心", "大数据发展中心"],
  ["生态环境局", "环境局"],
];

/** Agencies renamed or merged (old → new), per the 2018–2019 institutional reform. */
export const RENAMES: { from: string; to: string; since: number; note: string }[] = [
  { from: "卫生和计划生育局", to: "卫生健康局", since: 2019, note: "卫计局并入卫健局" },
  { from: "国土资源局", to: "自然资源局", since: 2019, note: "国土局改为自然资源局" },
  { from: "规划局", to: "自然资源局", since: 2019, note: "规划局并入自然资源局" },
  { from: "安全生产监督管理局", to: "应急管理局", since: 2019, note: "安监局并入应急局" },
  { from: "食品药品监督管理局", to: "市场监督管理局", since: 2019, note: "食药监局并入市场监管局" },
  { from: "工商行政管理局", to: "市场监督管理局", since: 2019, note: "工商局并入市场监管局" },
  { from: "文化广电新闻出版局", to: "文化和旅游局", since: 2019, note: "文广新局改为文旅局" },
  { from: "旅游局", to: "文化和旅游局", since: 2019, note: "旅游局并入文旅局" },
  { from: "经济和信息化局", to: "工业和信息化局", since: 2019, note: "经信局改为工信局" },
  { from: "农业局", to: "农业农村局", since: 2019, note: "农业局改为农业农村局" },
  { from: "农工办", to: "农业农村局", since: 2019, note: "农工办并入农业农村局" },
  { from: "水务局", to: "水利局", since: 2019, note: "水务局改为水利局" },
  { from: "粮食局", to: "发展和改革局", since: 2019, note: "粮食局并入发改局" },
  { from: "环境保护局", to: "生态环境分局", since: 2019, note: "县环保局改为市生态环境局的县分局" },
  { from: "环保局", to: "生态环境分局", since: 2019, note: "县环保局改为市生态环境局的县分局" },
];

const LEVEL_RE = /^(县|市|区|省)/;
const PUNCT_RE = /[\s\p{P}\p{S}]+/gu;

const aliasMap = new Map<string, string>();
for (const g of ALIAS_GROUPS) for (const v of g) aliasMap.set(v, g[0]);

function mapCore(core: string): string {
  return aliasMap.get(core) ?? core;
}

/**
 * How one spelling of a name compares: NFKC, no whitespace, punctuation or symbols, lower case
 * (县政府各部门（单位）= 县政府各部门单位 = 县政府各部门 (单位)). This is the key of `unit_aliases`
 * (db/queries/units.ts `unitKey`): one row per spelling. `canonicalKey` builds on it.
 */
export function nameKey(name: string): string {
  return name.normalize("NFKC").replace(PUNCT_RE, "").toLowerCase();
}

/**
 * Normalise a unit name or group expression for comparison: 县发改局, 县发展改革局, 县发展和改革局 →
 * the same key; 县政府各部门（单位）= 县政府各部门单位; 各镇（街道、经济开发区）= 各镇、街道、经济开发区.
 * It is `nameKey` plus the built-in knowledge of which spellings name the same body (ALIAS_GROUPS).
 */
export function canonicalKey(name: string): string {
  let s = nameKey(name);
  s = s.replace(/等$/, "");
  const m = LEVEL_RE.exec(s);
  const prefix = m ? m[1] : "";
  const core = s.slice(prefix.length);
  return prefix + mapCore(core);
}

/** The core of a name without its level prefix, canonicalised. */
function coreOf(key: string): string {
  return key.replace(LEVEL_RE, "");
}

export interface ResolvedRef {
  ref: UnitRef;
  unitIds: string[];
  matchedBy: "exact" | "alias" | "renamed" | "prefix" | "group";
  note?: string;
}

export interface Resolution {
  resolved: ResolvedRef[];
  /** Distinct texts nobody could place, for the admin to map (never silently created). */
  unresolved: string[];
}

/**
 * Resolve references against a unit directory. Pure: no I/O, no creation.
 * - unit: by canonical key of the name or an alias; else via a rename (old agency → new) when the
 *   directory has exactly one such unit; else, for a name without a level prefix (统计局), the one
 *   directory unit with that core.
 * - group (各X): by a group's name or expressions → its members.
 * - unspecified (有关/相关X) and descriptive references resolve only when the admin has written that
 *   exact expression into a group; otherwise they stay unresolved.
 */
export function resolveUnits(refs: UnitRef[], directory: UnitDirectory): Resolution {
  const unitByKey = new Map<string, string[]>();
  const add = (key: string, id: string) => {
    const list = unitByKey.get(key) ?? [];
    if (!list.includes(id)) list.push(id);
    unitByKey.set(key, list);
  };
  for (const u of directory.units) {
    add(canonicalKey(u.name), u.id);
    for (const a of u.aliases ?? []) add(canonicalKey(a), u.id);
  }
  const groupByKey = new Map<string, { id: string; memberIds: string[] }>();
  for (const g of directory.groups) {
    groupByKey.set(canonicalKey(g.name), g);
    for (const e of g.expressions ?? []) groupByKey.set(canonicalKey(e), g);
  }

  const resolved: ResolvedRef[] = [];
  const unresolved: string[] = [];
  const miss = (text: string) => {
    if (!unresolved.includes(text)) unresolved.push(text);
  };

  for (const ref of refs) {
    const key = canonicalKey(ref.text);
    const group = groupByKey.get(key);
    if (group) {
      resolved.push({ ref, unitIds: [...group.memberIds], matchedBy: "group" });
      continue;
    }
    if (ref.kind !== "unit") {
      miss(ref.text);
      continue;
    }
    const exact = unitByKey.get(key);
    if (exact && exact.length === 1) {
      const direct = directory.units.find((u) => u.id === exact[0]);
      const byName = direct && canonicalKey(direct.name) === key && direct.name.normalize("NFKC").replace(PUNCT_RE, "") === ref.text.normalize("NFKC").replace(PUNCT_RE, "");
      resolved.push({ ref, unitIds: exact, matchedBy: byName ? "exact" : "alias" });
      continue;
    }
    if (exact && exact.length > 1) {
      miss(ref.text);
      continue;
    }
    // Renamed agency.
    const prefix = LEVEL_RE.exec(key)?.[1] ?? "";
    const core = coreOf(key);
    const rename = RENAMES.find((r) => r.from === core || mapCore(r.from) === core);
    if (rename) {
      let ids: string[] = [];
      if (rename.to === "生态环境分局") {
        ids = directory.units.filter((u) => /生态环境/.test(u.name) && /分局$/.test(u.name)).map((u) => u.id);
      } else {
        ids = unitByKey.get(prefix + mapCore(rename.to)) ?? [];
      }
      if (ids.length === 1) {
        resolved.push({ ref, unitIds: ids, matchedBy: "renamed", note: rename.note });
        continue;
      }
    }
    // A name written without its level prefix (统计局): the one unit with that core.
    if (prefix === "") {
      const ids = new Set<string>();
      for (const [k, list] of unitByKey) if (coreOf(k) === core || k.endsWith(core)) list.forEach((id) => ids.add(id));
      if (ids.size === 1) {
        resolved.push({ ref, unitIds: [...ids], matchedBy: "prefix", note: "名称缺少“县/市”前缀" });
        continue;
      }
    }
    miss(ref.text);
  }
  return { resolved, unresolved };
}
