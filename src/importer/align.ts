/**
 * Placing a text-dump row's cells on the table's columns.
 *
 * A dump loses merge information: a row with fewer cells than columns may have horizontally merged
 * cells (a category spanning two levels, a requirement spanning a category column) or missing
 * trailing cells. Each cell is given a contiguous run of columns, in order, starting at the first
 * column; trailing columns may stay uncovered. A small dynamic programme picks the assignment whose
 * cells best fit the roles of the columns they land on (numbers in 序号, unit names in 责任单位,
 * deadline words in 时限, prose in the requirement).
 */
import type { ColumnRole } from "./types";
import { cellLines, compact } from "./text";
import { looksLikeUnitName, parseUnitCell } from "./units";

const DEADLINE_WORDS_RE =
  /(前|内|底|长期|定期|不定期|按月|按季|按年|每月|每季|每年|每周|年度|年内|上半年|下半年|适时|及时|动态|期间|时段|坚持|公示|落实|常态|实时|第一时间|一次性|工作日|小时|日起|之日|随时|同步|月|日)/;

function unitScore(text: string): number {
  const lines = cellLines(text);
  const joined = lines.join("");
  if (joined.length === 0) return 0;
  if (/[。！？]$/.test(joined) && joined.length > 25) return -3;
  const { refs } = parseUnitCell(text);
  if (refs.length === 0) return -2;
  const good = refs.filter((r) => r.kind !== "descriptive" && looksLikeUnitName(r.text)).length;
  const avgLen = joined.length / refs.length;
  if (good === 0) return /(单位|部门)$/.test(joined) && joined.length < 40 ? 1.5 : -1;
  if (avgLen > 28) return -1;
  return 1.5 + 1.5 * (good / refs.length);
}

function deadlineScore(text: string): number {
  const t = compact(text);
  if (t === "") return 0;
  if (!DEADLINE_WORDS_RE.test(t)) return -2;
  if (unitScore(text) > 2.5 && !/(前|内|底|长期|坚持|期间|定期|动态|按月|按季|每)/.test(t)) return -1;
  return t.length <= 40 ? 2.5 : 1.5;
}

function requirementScore(text: string): number {
  const t = compact(text);
  if (t.length === 0) return 0;
  let s = t.length >= 8 ? 2 : 0.5;
  if (/[，。；、]/.test(t)) s += 0.5;
  if (/[。；]$/.test(t)) s += 0.5;
  if (unitScore(text) >= 2.5 && t.length < 60) s -= 2;
  return s;
}

function categoryScore(text: string): number {
  const t = compact(text);
  if (t.length === 0) return 0;
  if (/^\d+$/.test(t)) return -3;
  if (/[。；]/.test(t)) return -1.5;
  if (t.length > 40) return -1.5;
  return 1;
}

function seqScore(text: string): number {
  const t = compact(text);
  if (t === "") return 0;
  return /^\d{1,4}[.、．]?$/.test(t) ? 3 : -5;
}

/** How well a cell's content fits a column role (higher is better). */
export function fit(text: string, role: ColumnRole): number {
  switch (role) {
    case "seq":
      return seqScore(text);
    case "category":
      return categoryScore(text);
    case "requirement":
      return requirementScore(text);
    case "lead":
    case "responsible":
    case "units":
    case "assist":
      return unitScore(text) + 0.5;
    case "deadline":
      return deadlineScore(text);
    case "note":
      return 0.2;
    default:
      return 0;
  }
}

export interface Placement {
  /** First column of each cell. */
  start: number[];
  /** Number of columns of each cell. */
  span: number[];
}

const SPAN_PENALTY_TEXT = 0.2;
const SPAN_PENALTY_BLANK = 0.35;
const UNCOVERED_PENALTY = 0.3;

/**
 * Assign cells (texts) to columns (roles). Returns null when the row has more cells than columns.
 */
export function placeCells(texts: string[], roles: ColumnRole[]): Placement | null {
  const n = texts.length;
  const m = roles.length;
  if (n > m) return null;
  const blank = texts.map((t) => compact(t) === "");
  const reqCol = roles.lastIndexOf("requirement");
  // Cache fits.
  const fits: number[][] = texts.map((t, i) => roles.map((r) => (blank[i] ? 0 : fit(t, r))));
  // best[i][j]: best score placing cells i.. starting at column j.
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(-Infinity));
  const choice: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let j = 0; j <= m; j++) best[n][j] = -UNCOVERED_PENALTY * (m - j);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = 0; j < m; j++) {
      // cell i covers columns j .. j+s-1; leave room for the remaining cells.
      const maxSpan = m - j - (n - i - 1);
      for (let s = 1; s <= maxSpan; s++) {
        // Merged cells in these tables span category levels, or category levels and the
        // requirement (ending there); nothing else spans.
        if (s > 1) {
          let ok = true;
          for (let k = j; k < j + s; k++) {
            const r = roles[k];
            if (r === "category") continue;
            if (r === "requirement" && k === j + s - 1) continue;
            ok = false;
            break;
          }
          if (!ok) continue;
        }
        // The cell plays the role the understanding step will give it: the requirement when it
        // covers the requirement column, else its first column's role.
        const f = reqCol >= j && reqCol < j + s ? fits[i][reqCol] : fits[i][j];
        const pen = (s - 1) * (blank[i] ? SPAN_PENALTY_BLANK : SPAN_PENALTY_TEXT);
        const total = f - pen + best[i + 1][j + s];
        if (total > best[i][j] + 1e-9) {
          best[i][j] = total;
          choice[i][j] = s;
        }
      }
    }
  }
  if (best[0][0] === -Infinity) return null;
  const start: number[] = [];
  const span: number[] = [];
  let j = 0;
  for (let i = 0; i < n; i++) {
    const s = choice[i][j];
    start.push(j);
    span.push(s);
    j += s;
  }
  return { start, span };
}
