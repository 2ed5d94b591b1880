/**
 * .docx reader: word/document.xml straight from the zip (fflate) through fast-xml-parser, keeping
 * the exact grid: w:gridSpan, w:vMerge (restart / continue), w:gridBefore, w:tblHeader; several
 * tables; the paragraphs between them. Text runs, tabs and breaks are decoded; deleted text
 * (w:del), field instructions and nested tables' structure are left out (nested text is kept).
 */
import { XMLParser } from "fast-xml-parser";
import type { SourceCell, SourceDocument, SourceRow, SourceTable } from "../types";
import { ImportError } from "../errors";
import { readZipText } from "./zip";

type XNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
});

function tagOf(n: XNode): string {
  for (const k of Object.keys(n)) if (k !== ":@") return k;
  return "";
}
function kids(n: XNode): XNode[] {
  const v = n[tagOf(n)];
  return Array.isArray(v) ? (v as XNode[]) : [];
}
function attrs(n: XNode): Record<string, string> {
  return (n[":@"] as Record<string, string>) ?? {};
}
function child(n: XNode, tag: string): XNode | undefined {
  return kids(n).find((k) => tagOf(k) === tag);
}
function textOf(n: XNode): string {
  return kids(n)
    .map((k) => (tagOf(k) === "#text" ? String(k["#text"] ?? "") : ""))
    .join("");
}

/** Wrappers whose children are read as if they were in place. */
const TRANSPARENT = new Set(["w:sdt", "w:sdtContent", "w:customXml", "w:smartTag", "w:ins", "w:hyperlink", "w:fldSimple", "w:moveTo", "w:dir", "w:bdo"]);

/** Text of a paragraph: runs, tabs, breaks (a break ends a line). */
function paragraphText(p: XNode): string {
  let out = "";
  let inField = false;
  const walk = (n: XNode) => {
    for (const k of kids(n)) {
      const tag = tagOf(k);
      switch (tag) {
        case "w:t":
          if (!inField) out += textOf(k);
          break;
        case "w:tab":
        case "w:ptab":
          out += "\t";
          break;
        case "w:br":
        case "w:cr":
          out += "\n";
          break;
        case "w:noBreakHyphen":
          out += "-";
          break;
        case "w:sym": {
          const ch = attrs(k)["w:char"];
          if (ch && /^[0-9A-Fa-f]{4}$/.test(ch)) {
            const code = parseInt(ch, 16);
            // Symbol-font private-use code points map to nothing useful; keep real characters.
            if (code < 0xf000) out += String.fromCharCode(code);
          }
          break;
        }
        case "w:fldChar": {
          const type = attrs(k)["w:fldCharType"];
          if (type === "begin") inField = true;
          else if (type === "separate" || type === "end") inField = false;
          break;
        }
        case "w:del":
        case "w:moveFrom":
        case "w:instrText":
        case "w:delText":
        case "w:rPr":
        case "w:pPr":
          break;
        case "w:r":
          walk(k);
          break;
        default:
          if (TRANSPARENT.has(tag)) walk(k);
      }
    }
  };
  walk(p);
  return out;
}

/** Paragraph texts of a block container (body, cell), tables inside flattened to their text. */
function blockParagraphs(n: XNode): string[] {
  const out: string[] = [];
  for (const k of kids(n)) {
    const tag = tagOf(k);
    if (tag === "w:p") out.push(...paragraphText(k).split("\n"));
    else if (tag === "w:tbl") {
      for (const tr of rowsOf(k)) for (const tc of cellsOf(tr)) out.push(...blockParagraphs(tc));
    } else if (TRANSPARENT.has(tag)) out.push(...blockParagraphs(k));
  }
  return out;
}

function rowsOf(tbl: XNode): XNode[] {
  const out: XNode[] = [];
  for (const k of kids(tbl)) {
    const tag = tagOf(k);
    if (tag === "w:tr") out.push(k);
    else if (TRANSPARENT.has(tag)) out.push(...rowsOf(k));
  }
  return out;
}

function cellsOf(tr: XNode): XNode[] {
  const out: XNode[] = [];
  for (const k of kids(tr)) {
    const tag = tagOf(k);
    if (tag === "w:tc") out.push(k);
    else if (TRANSPARENT.has(tag)) out.push(...cellsOf(k));
  }
  return out;
}

function intVal(n: XNode | undefined, fallback: number): number {
  if (!n) return fallback;
  const v = Number(attrs(n)["w:val"]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function readTable(tbl: XNode, before: string[], index: number): SourceTable {
  const rows: SourceRow[] = [];
  rowsOf(tbl).forEach((tr) => {
    const trPr = child(tr, "w:trPr");
    const gridBefore = trPr ? intVal(child(trPr, "w:gridBefore"), 0) : 0;
    const isHeader = !!(trPr && child(trPr, "w:tblHeader") && attrs(child(trPr, "w:tblHeader")!)["w:val"] !== "0" && attrs(child(trPr, "w:tblHeader")!)["w:val"] !== "false");
    let col = gridBefore;
    const cells: SourceCell[] = [];
    for (const tc of cellsOf(tr)) {
      const tcPr = child(tc, "w:tcPr");
      const span = tcPr ? intVal(child(tcPr, "w:gridSpan"), 1) : 1;
      const vm = tcPr ? child(tcPr, "w:vMerge") : undefined;
      const vMergeContinue = !!vm && (attrs(vm)["w:val"] ?? "continue") !== "restart";
      const text = blockParagraphs(tc).join("\n");
      const cell: SourceCell = { text, gridCol: col };
      if (span > 1) cell.colSpan = span;
      if (vMergeContinue) cell.vMergeContinue = true;
      cells.push(cell);
      col += span;
    }
    const row: SourceRow = { cells };
    if (isHeader) row.isHeader = true;
    rows.push(row);
  });
  return { rows, before, gridKnown: true, label: `表格 ${index + 1}` };
}

export function readDocx(bytes: Uint8Array): SourceDocument {
  const xml = readZipText(bytes, "word/document.xml", "corrupt_docx");
  let tree: XNode[];
  try {
    tree = parser.parse(xml) as XNode[];
  } catch (e) {
    throw new ImportError("corrupt_docx", e instanceof Error ? e.message : String(e));
  }
  const doc = tree.find((n) => tagOf(n) === "w:document");
  const body = doc ? child(doc, "w:body") : undefined;
  if (!body) throw new ImportError("corrupt_docx", "no w:body");
  const tables: SourceTable[] = [];
  let before: string[] = [];
  const visit = (container: XNode) => {
    for (const k of kids(container)) {
      const tag = tagOf(k);
      if (tag === "w:p") {
        for (const line of paragraphText(k).split("\n")) if (line.trim() !== "") before.push(line.trim());
      } else if (tag === "w:tbl") {
        tables.push(readTable(k, before, tables.length));
        before = [];
      } else if (TRANSPARENT.has(tag)) visit(k);
    }
  };
  visit(body);
  return { format: "docx", tables, after: before };
}
