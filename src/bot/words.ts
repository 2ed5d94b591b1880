/** Turning a chat message into a command word and its arguments. */
import type { Command } from "./command";

/** Full-width letters/digits/spaces to half-width, so 完成　１２ reads like 完成 12. */
export function normaliseInput(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => {
      const half = String.fromCharCode(c.charCodeAt(0) - 0xfee0);
      // Keep Chinese punctuation that carries meaning in unit lists and notes.
      return /[0-9A-Za-z]/.test(half) ? half : c;
    })
    .replace(/\u3000/g, " ")
    .trim();
}

export interface MatchedCommand {
  command: Command;
  word: string;
  args: string;
}

/** The longest command word the text starts with (so 本周到期 wins over a shorter word). */
export function matchCommand(text: string, commands: readonly Command[]): MatchedCommand | undefined {
  const lower = text.toLowerCase();
  let best: MatchedCommand | undefined;
  for (const command of commands) {
    for (const word of command.words) {
      const w = word.toLowerCase();
      if (!lower.startsWith(w)) continue;
      const rest = text.slice(w.length);
      // An English word must end at a word boundary ("done12" is not "done 12", "helpme" is not "help").
      if (/^[a-z]/i.test(w) && /^[a-z0-9_-]/i.test(rest)) continue;
      if (!best || w.length > best.word.length) best = { command, word, args: rest.trim() };
    }
  }
  return best;
}

/** 1 − edit distance / longer length: 我得任务 is one edit from 我的任务. */
function editSimilarity(a: string, b: string): number {
  const x = [...a.toLowerCase()];
  const y = [...b.toLowerCase()];
  if (!x.length || !y.length) return 0;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return 1 - prev[y.length] / Math.max(x.length, y.length);
}

/** How alike two names are: the better of edit distance (typos) and shared bigrams (abbreviations). */
export function similarity(a: string, b: string): number {
  return Math.max(editSimilarity(a, b), bigramDice(a, b));
}

function bigramDice(a: string, b: string): number {
  const grams = (s: string) => {
    const out = new Map<string, number>();
    const t = s.toLowerCase();
    if (t.length === 1) out.set(t, 1);
    for (let i = 0; i < t.length - 1; i++) out.set(t.slice(i, i + 2), (out.get(t.slice(i, i + 2)) ?? 0) + 1);
    return out;
  };
  const ga = grams(a);
  const gb = grams(b);
  let inter = 0;
  let total = 0;
  for (const [g, n] of ga) {
    inter += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return total ? (2 * inter) / total : 0;
}

export function closest<T>(input: string, items: readonly T[], key: (t: T) => string[], n = 3, min = 0.2): T[] {
  return items
    .map((item) => ({ item, score: Math.max(...key(item).map((k) => similarity(input, k))) }))
    .filter((x) => x.score >= min)
    .sort((a, b) => b.score - a.score)
    .slice(0, n)
    .map((x) => x.item);
}
