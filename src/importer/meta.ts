/** Plan title, year and issue date from the paragraphs around the tables. */
import { compact, squeezeCjkSpaces, stripBookmarks } from "./text";
import { isValidDate, toDateString } from "../domain/dates";

const TITLE_WORDS_RE = /(任务分解表|分解表|任务清单|工作要点|重点工作|工作方案|任务表|台账|责任分工|分工方案|政务公开)/;
const YEAR_RE = /((?:19|20)\d{2})\s*年/;

/** A paragraph that looks like a plan title (has a year and title words, not prose). */
export function isTitleLike(p: string): boolean {
  const t = compact(p);
  if (t.length < 6 || t.length > 60) return false;
  if (/[。；]/.test(t)) return false;
  if (/^(附件|抄送|联系|协同)/.test(t)) return false;
  return TITLE_WORDS_RE.test(t);
}

export function cleanTitle(p: string): string {
  return squeezeCjkSpaces(stripBookmarks(p)).replace(/^附件\s*\d*\s*[:：]?\s*/, "").trim();
}

export function yearOf(title: string): number | null {
  const m = YEAR_RE.exec(title);
  return m ? Number(m[1]) : null;
}

/**
 * Pick the title: the title-like paragraph closest before the first task table; failing that the
 * first title-like paragraph anywhere.
 */
export function pickTitle(beforeFirstTaskTable: string[], all: string[]): string | null {
  for (let i = beforeFirstTaskTable.length - 1; i >= 0; i--) {
    if (isTitleLike(beforeFirstTaskTable[i])) return cleanTitle(beforeFirstTaskTable[i]);
  }
  for (const p of all) if (isTitleLike(p)) return cleanTitle(p);
  return null;
}

const ISSUED_RE = /((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*印发/;
const DATE_LINE_RE = /^((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日$/;

/** The issue date: "…2020年7月31日印发" in the footer, else a date standing alone on its line. */
export function pickIssuedOn(paragraphs: string[]): string | undefined {
  const mk = (m: RegExpExecArray) => {
    const d = toDateString(Number(m[1]), Number(m[2]), Number(m[3]));
    return isValidDate(d) ? d : undefined;
  };
  for (const p of paragraphs) {
    const m = ISSUED_RE.exec(compact(p));
    if (m) return mk(m);
  }
  for (const p of paragraphs) {
    const m = DATE_LINE_RE.exec(compact(p));
    if (m) return mk(m);
  }
  return undefined;
}
