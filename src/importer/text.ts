/** Text clean-up shared by the readers and the table understanding. */

const BOOKMARK_RE = /\[bookmark:[^\]]*\]/g;
/** —13— , - 13 - , －13－ , 第13页 , 第 13 页 共 20 页 */
const PAGE_NUMBER_RE = /^\s*(?:[—\-－–一]{1,2}\s*\d{1,4}\s*[—\-－–一]{1,2}|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?)\s*$/;
const CJK = "\\u3400-\\u9fff\\uf900-\\ufaff";
const CJK_PUNCT = "\\u3000-\\u303f\\uff00-\\uffef“”‘’";
const SPACE_BETWEEN_CJK_RE = new RegExp(`(?<=[${CJK}${CJK_PUNCT}])[ \\t\\u3000\\u00a0]+(?=[${CJK}${CJK_PUNCT}])`, "g");

export function stripBookmarks(s: string): string {
  return s.replace(BOOKMARK_RE, "");
}

export function isPageNumber(line: string): boolean {
  return PAGE_NUMBER_RE.test(line);
}

/** Lines of a cell: bookmarks and page numbers removed, each line trimmed, empty lines dropped. */
export function cellLines(text: string): string[] {
  return stripBookmarks(text)
    .split(/\r?\n/)
    .map((l) => l.replace(/[\s\u3000\u00a0]+/g, " ").trim())
    .filter((l) => l !== "" && !isPageNumber(l));
}

/** Remove spaces between CJK characters ("教   育" → "教育"); collapse other whitespace. */
export function squeezeCjkSpaces(s: string): string {
  return s.replace(SPACE_BETWEEN_CJK_RE, "").replace(/[ \t\u3000\u00a0]+/g, " ").trim();
}

/**
 * A category label: lines joined without separator (categories are often written one or a few
 * characters per line: 紧扣/经济/发展…), letter spacing removed.
 */
export function categoryText(text: string): string {
  return squeezeCjkSpaces(cellLines(text).join(""));
}

const TERMINAL_RE = /[。；;：:！!？?]$/;
const LIST_START_RE = /^(?:\d{1,2}[.．、)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）]|[①-⑳])/;

/**
 * Prose (requirements, deadlines): lines broken mid-sentence are joined without separator
 * ("…3个工" + "作日内公开"); a line after a full stop / colon, or a numbered item, stays on its own line.
 */
export function proseText(text: string): string {
  const lines = cellLines(text);
  let out = "";
  for (const line of lines) {
    if (out === "") out = line;
    else if (TERMINAL_RE.test(out) || LIST_START_RE.test(line)) out += "\n" + line;
    else out += line;
  }
  return squeezeCjkSpaces(out.split("\n").map(squeezeCjkSpaces).join("\n"));
}

/** Text with all whitespace removed (for comparisons and header matching). */
export function compact(s: string): string {
  return stripBookmarks(s).replace(/[\s\u3000\u00a0]+/g, "");
}

/** NFKC + no whitespace + no punctuation/symbols, for content keys and fuzzy comparisons. */
export function normaliseForKey(s: string): string {
  return stripBookmarks(s)
    .normalize("NFKC")
    .replace(/[\s\p{P}\p{S}]+/gu, "")
    .toLowerCase();
}

/** 64-bit FNV-1a over UTF-16 code units, as 16 hex digits (stable across runtimes). */
export function fnv1a64(s: string): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(16, "0");
}
