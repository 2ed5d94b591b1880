/**
 * Understanding the tables of a document: which tables are task tables (and which continue the
 * previous one page after page), the header and column layout, the category hierarchy, which rows
 * are tasks, repeated headers, annotations, footers; unit and time cells carried down through
 * merged (or, in dumps, empty) continuation cells.
 *
 * The output is RawTask[] (cell texts, not yet parsed into units and deadlines: see build.ts).
 */
import type {
  ColumnOverride,
  LeadAssignment,
  SkippedItem,
  SlaNote,
  SourceDocument,
  SourceRow,
  SourceTable,
  TableReport,
} from "./types";
import { LEDGER_HEADER_RE, hasPositionalOverride, isHeaderRow, unknownHeaderCells } from "./header";
import { buildLayout, placeRow, roleOfCell, type Layout, type PlacedCell } from "./layout";
import { fit } from "./align";
import { CategoryTracker, type CategoryCell } from "./hierarchy";
import { annotationScopes, detectAnnotation, type ScopedRow } from "./annotations";
import { categoryText, cellLines, compact, isPageNumber, proseText } from "./text";
import { pickIssuedOn, pickTitle, yearOf } from "./meta";

export interface RawTask {
  seq: number | null;
  category: string[];
  requirement: string;
  /** Unit cell texts after carrying merged cells down ("" = none). */
  lead: string;
  units: string;
  assist: string;
  /** Which unit columns the table has. */
  hasLeadColumn: boolean;
  /** 时限 column text after carrying down; null when the table has no such column. */
  deadline: string | null;
  sla: SlaNote[];
  where: string;
  checklist: boolean;
}

export interface Understanding {
  tasks: RawTask[];
  skipped: SkippedItem[];
  warnings: string[];
  leadAssignments: LeadAssignment[];
  tables: TableReport[];
  title: string | null;
  year: number | null;
  issuedOn?: string;
}

export interface PlacedRowEvent {
  tableIndex: number;
  rowIndex: number;
  layout: Layout;
  placed: PlacedCell[];
  carriedUnits: boolean;
  carriedDeadline: boolean;
  kind: "task" | "annotation" | "other";
}

export interface UnderstandOptions {
  columns?: ColumnOverride;
  /** Called once per data row processed. */
  onRow?: () => void;
  /**
   * Called for each data row of a task table with its placement on the columns and the carry
   * decisions (which blank cells continue the cell above). For tools that rebuild the grid
   * (test fixtures) and for debugging.
   */
  onPlacedRow?: (e: PlacedRowEvent) => void;
}

const FOOTER_LINE_RE = /^(抄送|主送|发送|报送)[:：]|印发$|^(联系人|联系电话)[:：]/;
const LEAD_LIST_CAPTION_RE = /牵头.{0,20}(清单|工作|分工|事项)/;
const LEAD_LIST_HEADER_RE = /^牵头(公开)?(内容|工作|事项|领域|任务)$/;
const LEDGER_CAPTION_RE = /台账|样表|模板|示例|（样式）|\(样式\)|XX局|ＸＸ局/;

interface LogicalTable {
  parts: { table: SourceTable; tableIndex: number; firstDataRow: number }[];
  header: SourceRow;
  headerKey: string;
  caption: string | null;
}

function rowText(row: SourceRow): string {
  return row.cells.map((c) => compact(c.text)).join("");
}

/** Leading rows with at most one non-empty cell (a sheet's title row, a caption inside the table). */
function preambleRows(t: SourceTable): number {
  let k = 0;
  while (k < Math.min(3, t.rows.length - 1)) {
    const filled = t.rows[k].cells.filter((c) => compact(c.text) !== "").length;
    if (filled > 1) break;
    k++;
  }
  return k;
}

/** The closest short, title-like paragraph before a table or in its title rows (its caption), if any. */
function captionOf(t: SourceTable): string | null {
  const lines = [...t.before, ...t.rows.slice(0, preambleRows(t)).map((r) => r.cells.map((c) => cellLines(c.text).join("")).join(""))];
  for (let i = lines.length - 1; i >= 0 && i >= lines.length - 3; i--) {
    const p = compact(lines[i]);
    if (p === "" || /^附件\s*\d*[:：]?$/.test(p)) continue;
    if (p.length <= 60 && !/[。；]$/.test(p)) return lines[i].trim();
    return null;
  }
  return null;
}

function isFooterTable(t: SourceTable): boolean {
  const texts = t.rows.flatMap((r) => r.cells.map((c) => compact(c.text))).filter((x) => x !== "");
  if (texts.length === 0 || t.rows.length > 4) return false;
  return texts.some((x) => FOOTER_LINE_RE.test(x)) && texts.every((x) => FOOTER_LINE_RE.test(x) || /(办公室|人民政府|委员会)$/.test(x) || /^\d{4}年\d{1,2}月\d{1,2}日/.test(x) || x.length < 30);
}

function headerIndex(t: SourceTable, override?: ColumnOverride): number {
  for (let i = 0; i < Math.min(6, t.rows.length); i++) if (isHeaderRow(t.rows[i], override)) return i;
  // Columns mapped by number: the header is the first row with two or more cells filled.
  if (hasPositionalOverride(override)) {
    const k = preambleRows(t);
    return k < t.rows.length ? k : -1;
  }
  return -1;
}

function describeRow(row: SourceRow, max = 60): string {
  const s = row.cells.map((c) => compact(c.text)).filter((x) => x).join(" | ");
  return s.length > max ? s.slice(0, max) + "…" : s;
}

function rowWhere(t: SourceTable, i: number): string {
  const r = t.rows[i];
  const extra = r?.where && r.where !== `第 ${i + 1} 行` ? `（${r.where}）` : "";
  return `${t.label} 第 ${i + 1} 行${extra}`;
}

/** Remove a 抄送/印发 footer that ran into a cell; returns the kept text and the cut text. */
function cutFooter(text: string): { kept: string; cut: string | null } {
  const lines = text.split("\n");
  const k = lines.findIndex((l) => FOOTER_LINE_RE.test(compact(l)));
  if (k < 0) return { kept: text, cut: null };
  return { kept: lines.slice(0, k).join("\n"), cut: lines.slice(k).join("\n") };
}

export function understand(doc: SourceDocument, opts: UnderstandOptions = {}): Understanding {
  const skipped: SkippedItem[] = [];
  const warnings: string[] = [];
  const leadAssignments: LeadAssignment[] = [];
  const reports: TableReport[] = [];
  const footerTexts: string[] = [];
  const logicals: LogicalTable[] = [];
  let current: LogicalTable | null = null;
  let beforeFirstTask: string[] | null = null;
  const allParagraphs: string[] = [];

  let pending: string[] = [];
  doc.tables.forEach((t0, tableIndex) => {
    // Text of a preceding one-column "text box" table counts as paragraphs before this one.
    const t: SourceTable = pending.length ? { ...t0, before: [...pending, ...t0.before] } : t0;
    pending = [];
    allParagraphs.push(...t0.before);
    const caption = captionOf(t);
    const nonEmptyRows = t.rows.filter((r) => rowText(r) !== "");
    if (nonEmptyRows.length === 0) {
      reports.push({ label: t.label, kind: "empty" });
      return;
    }
    const oneColumn = nonEmptyRows.length <= 3 && nonEmptyRows.every((r) => r.cells.filter((c) => compact(c.text) !== "").length <= 1);
    if (oneColumn && !isFooterTable(t)) {
      const lines = nonEmptyRows.flatMap((r) => r.cells.flatMap((c) => cellLines(c.text)));
      pending = [...t.before, ...lines];
      allParagraphs.push(...lines);
      reports.push({ label: t.label, kind: "text_box" });
      return;
    }
    if (isFooterTable(t)) {
      footerTexts.push(...t.rows.flatMap((r) => r.cells.map((c) => c.text)));
      skipped.push({ what: `落款（${describeRow(nonEmptyRows[0], 30)}）`, reason: "抄送 / 印发落款，不是任务", where: t.label });
      reports.push({ label: t.label, kind: "footer" });
      current = null;
      return;
    }
    const first = t.rows.slice(preambleRows(t)).find((r) => rowText(r) !== "") ?? nonEmptyRows[0];
    const firstCells = first.cells.map((c) => compact(c.text));
    if ((caption && LEDGER_CAPTION_RE.test(caption)) || firstCells.some((x) => LEDGER_HEADER_RE.test(x))) {
      const hAt = t.rows.indexOf(first);
      skipped.push({
        what: `${caption ?? "台账表"}（${t.rows.length - hAt - 1} 行）`,
        reason: "台账模板（示例），供各单位填写，不是任务",
        where: t.label,
      });
      reports.push({ label: t.label, kind: "ledger_template" });
      current = null;
      return;
    }
    if ((caption && LEAD_LIST_CAPTION_RE.test(caption) && !isHeaderRow(first, opts.columns)) || firstCells.some((x) => LEAD_LIST_HEADER_RE.test(x))) {
      const list = readLeadList(t);
      leadAssignments.push(...list);
      skipped.push({
        what: `${caption ?? "牵头工作清单"}（${list.length} 项）`,
        reason: "县直部门牵头指导全县公开工作的清单，不是新的任务；已作为牵头信息列出（leadAssignments）",
        where: t.label,
      });
      reports.push({ label: t.label, kind: "lead_list" });
      current = null;
      return;
    }
    const h = headerIndex(t, opts.columns);
    if (h >= 0) {
      const headerKey = rowText(t.rows[h]);
      // Rows above the header inside the table (a title row of a sheet) count as paragraphs.
      const preamble = t.rows.slice(0, h).map((r) => r.cells.map((c) => cellLines(c.text).join("")).join(" ").trim()).filter((x) => x);
      allParagraphs.push(...preamble);
      if (current && current.headerKey === headerKey && !caption) {
        current.parts.push({ table: t, tableIndex, firstDataRow: h + 1 });
        reports.push({ label: t.label, kind: "continuation" });
        return;
      }
      current = { parts: [{ table: t, tableIndex, firstDataRow: h + 1 }], header: t.rows[h], headerKey, caption };
      logicals.push(current);
      if (beforeFirstTask === null) beforeFirstTask = [...t.before, ...preamble];
      return;
    }
    if (current && !caption) {
      current.parts.push({ table: t, tableIndex, firstDataRow: 0 });
      reports.push({ label: t.label, kind: "continuation" });
      return;
    }
    const unknown = unknownHeaderCells(first, opts.columns);
    skipped.push({
      what: `表格（${t.rows.length} 行，首行：${describeRow(first)}）`,
      reason: `没有认出任务分解表的表头${unknown.length ? `（无法识别的列名：${unknown.join("、")}）` : ""}；没有猜测各列含义。如确是任务表，请在导入时指定各列的含义。`,
      where: t.label,
    });
    reports.push({ label: t.label, kind: "no_header" });
    current = null;
  });
  allParagraphs.push(...doc.after);
  const afterFooter = doc.after.filter((p) => FOOTER_LINE_RE.test(compact(p)));
  if (afterFooter.length > 0) {
    footerTexts.push(...doc.after);
    skipped.push({ what: `落款（${afterFooter[0].slice(0, 30)}…）`, reason: "表格后的抄送 / 印发落款，不是任务", where: "表格之后" });
  }

  const tasks: RawTask[] = [];
  for (const lt of logicals) {
    const r = processLogical(lt, doc, opts, tasks, skipped, warnings, footerTexts);
    reports.push(r);
  }
  // Keep the report in document order.
  reports.sort((a, b) => labelOrder(a.label) - labelOrder(b.label));

  const title = pickTitle(beforeFirstTask ?? [], allParagraphs);
  const issuedOn = pickIssuedOn([...doc.after, ...footerTexts, ...allParagraphs]);
  if (doc.tables.length > 0 && logicals.length === 0) {
    warnings.push("没有识别出任务分解表：文件中的表格都没有认出表头。");
  }
  return { tasks, skipped, warnings, leadAssignments, tables: reports, title, year: title ? yearOf(title) : null, issuedOn };
}

function labelOrder(label: string): number {
  const m = /(\d+)/.exec(label);
  return m ? Number(m[1]) : 0;
}

/** Attachment list "部门 | 牵头公开内容 | 要求": unit carried down through empty cells. */
function readLeadList(t: SourceTable): LeadAssignment[] {
  const out: LeadAssignment[] = [];
  let unit = "";
  const headerAt = t.rows.findIndex((r) => r.cells.filter((c) => compact(c.text) !== "").length >= 2);
  t.rows.forEach((row, i) => {
    if (i <= headerAt) return; // title rows and the header
    const cells = row.cells.map((c) => c.text);
    if (cells.every((c) => compact(c) === "")) return;
    const u = cellLines(cells[0] ?? "").join("");
    if (u) unit = u;
    out.push({ unit, topic: proseText(cells[1] ?? ""), requirement: proseText(cells.slice(2).join("\n")), where: rowWhere(t, i) });
  });
  return out;
}

function processLogical(
  lt: LogicalTable,
  doc: SourceDocument,
  opts: UnderstandOptions,
  tasks: RawTask[],
  skipped: SkippedItem[],
  warnings: string[],
  footerTexts: string[],
): TableReport {
  const first = lt.parts[0].table;
  const gridKnown = first.gridKnown;
  const mergesKnown = doc.format === "docx" || doc.format === "xlsx";
  const headerKey = lt.headerKey;
  // Width of the data (dumps only; grid tables know their columns).
  let width = 0;
  for (const p of lt.parts) {
    p.table.rows.forEach((row, i) => {
      if (i < p.firstDataRow || rowText(row) === headerKey || isHeaderRow(row, opts.columns)) return;
      if (gridKnown) {
        const last = row.cells[row.cells.length - 1];
        width = Math.max(width, last ? (last.gridCol ?? row.cells.length - 1) + (last.colSpan ?? 1) : 0);
      } else width = Math.max(width, row.cells.length);
    });
  }
  const lr = buildLayout(lt.header, gridKnown, width, opts.columns);
  if (!lr.ok) {
    skipped.push({ what: `表格（表头：${describeRow(lt.header)}）`, reason: lr.reason, where: first.label });
    return { label: first.label, kind: "no_header" };
  }
  const layout = lr.layout;
  if (layout.unknownHeaders.length) {
    warnings.push(`${first.label}：表头中有未识别的列（${layout.unknownHeaders.join("、")}），这些列的内容未导入。`);
  }
  const hasLead = layout.roles.includes("lead");
  const unitRoles = ["lead", "units", "responsible", "assist"] as const;
  const hasDeadline = layout.roles.includes("deadline");
  const cats = new CategoryTracker(layout.catCols.length);
  const scoped: ScopedRow[] = [];
  const firstTask = tasks.length;
  let repeatedHeaders = lt.parts.filter((p, k) => k > 0 && p.firstDataRow > 0).length;
  const pageNumbers: string[] = [];

  let prev = { lead: "", units: "", assist: "", deadline: "" };
  let runKey = "";
  let group = 0;
  let lastWasAnnotation = false;
  let section = "";

  for (const part of lt.parts) {
    const t = part.table;
    let footerSeen = false;
    for (let i = part.firstDataRow; i < t.rows.length; i++) {
      const row = t.rows[i];
      opts.onRow?.();
      const text = rowText(row);
      if (text === "") continue;
      if (text === headerKey || row.isHeader || isHeaderRow(row, opts.columns)) {
        repeatedHeaders++;
        continue;
      }
      const where = rowWhere(t, i);
      for (const c of row.cells) {
        for (const line of c.text.split("\n")) if (isPageNumber(line)) pageNumbers.push(`${line.trim()}（${where}）`);
      }
      // A 抄送 / 印发 footer ends the table: it and every row after it are not tasks.
      if (footerSeen || row.cells.every((c) => compact(c.text) === "" || FOOTER_LINE_RE.test(compact(cellLines(c.text)[0] ?? "")))) {
        footerTexts.push(...row.cells.map((c) => c.text));
        if (!footerSeen) skipped.push({ what: `落款（${describeRow(row, 30)}）`, reason: "抄送 / 印发落款，不是任务", where });
        footerSeen = true;
        continue;
      }
      const placed = placeRow(row, layout, gridKnown);
      // A single cell across (nearly) the whole width is a section heading ("一、推进决策公开"):
      // it prefixes the categories of the rows below it.
      const filled = placed.filter((c) => compact(c.text) !== "");
      if (gridKnown && filled.length === 1 && filled[0].span >= Math.max(3, layout.roles.length - 1)) {
        section = categoryText(filled[0].text);
        continue;
      }
      const byRole = new Map<string, PlacedCell>();
      const catCells: CategoryCell[] = [];
      for (const c of placed) {
        const role = roleOfCell(c, layout);
        if (role === "category") {
          const level = layout.catCols.indexOf(c.start);
          if (level < 0) continue;
          const span = layout.catCols.filter((col) => col >= c.start && col < c.start + c.span).length;
          catCells.push({ level, span, text: c.cont ? "" : c.text });
        } else if (!byRole.has(role)) byRole.set(role, c);
      }
      let reqCell = byRole.get("requirement");
      if (gridKnown && !mergesKnown && compact(reqCell?.text ?? "") === "" && catCells.length > 0) {
        // A CSV has no spans: a requirement merged across category columns sits in the first of
        // them, with nothing to its right.
        const k = catCells.map((c) => compact(c.text) !== "").lastIndexOf(true);
        const last = catCells[k];
        if (last && fit(last.text, "requirement") > fit(last.text, "category") + 0.5) {
          reqCell = { text: last.text, start: layout.reqCol, span: 1, cont: false };
          catCells.splice(k);
        }
      }
      const { path } = cats.next(catCells);
      const level1 = catCells.some((c) => c.level === 0 && categoryText(c.text) !== "");
      const firstInSource = i === part.firstDataRow || (i > 0 && isHeaderRow(t.rows[i - 1], opts.columns));
      const canCarry = !firstInSource && !lastWasAnnotation && !level1;

      // Requirement (a footer that ran into the last cell is cut off).
      let reqText = reqCell ? proseText(reqCell.text) : "";
      const cut = cutFooter(reqText);
      if (cut.cut) {
        reqText = cut.kept.trim();
        footerTexts.push(cut.cut);
        skipped.push({ what: `落款（${cut.cut.split("\n")[0].slice(0, 30)}…）`, reason: "抄送 / 印发落款写进了表格最后一格，已去掉", where });
      }

      // Unit cells and the time cell, carried down through merged / empty continuation cells.
      const cellOf = (role: string) => byRole.get(role);
      const vals = { lead: "", units: "", assist: "", deadline: "" };
      let carriedUnits = false;
      let carriedDeadline = false;
      if (mergesKnown) {
        const allCont = unitRoles.every((r) => !cellOf(r) || cellOf(r)!.cont) && unitRoles.some((r) => cellOf(r));
        for (const r of unitRoles) {
          const c = cellOf(r);
          const key = r === "responsible" ? "units" : r;
          if (!c) continue;
          vals[key] = c.cont ? prev[key] : c.text.trim();
        }
        carriedUnits = allCont;
        const d = cellOf("deadline");
        if (d) vals.deadline = d.cont ? prev.deadline : d.text.trim();
        carriedDeadline = !!d?.cont;
      } else {
        const present = unitRoles.filter((r) => layout.roles.includes(r));
        const blank = present.every((r) => compact(cellOf(r)?.text ?? "") === "");
        if (blank && canCarry) {
          vals.lead = prev.lead;
          vals.units = prev.units;
          vals.assist = prev.assist;
          carriedUnits = true;
        } else {
          for (const r of present) {
            const key = r === "responsible" ? "units" : r;
            vals[key] = (cellOf(r)?.text ?? "").trim();
          }
        }
        const d = compact(cellOf("deadline")?.text ?? "");
        carriedDeadline = d === "" && canCarry && layout.roles.includes("deadline");
        vals.deadline = carriedDeadline ? prev.deadline : (cellOf("deadline")?.text ?? "").trim();
      }

      const ann = reqText ? detectAnnotation(reqText) : null;
      opts.onPlacedRow?.({
        tableIndex: part.tableIndex,
        rowIndex: i,
        layout,
        placed,
        carriedUnits,
        carriedDeadline,
        kind: ann ? "annotation" : reqText ? "task" : "other",
      });
      if (ann) {
        scoped.push({ taskIndex: -1, annotation: { kind: ann.kind, note: { text: reqText, where, kind: ann.note } }, path, group });
        lastWasAnnotation = true;
        continue;
      }
      lastWasAnnotation = false;
      if (reqText === "") {
        const own = unitRoles.some((r) => compact(cellOf(r)?.text ?? "") !== "");
        if (own) skipped.push({ what: `只有责任单位的行（${describeRow(row, 40)}）`, reason: "这一行没有任务内容，无法成为任务", where });
        // In Word/Excel a merged unit or time cell may start on this row: the rows below continue it.
        if (mergesKnown) prev = vals;
        continue;
      }
      const key = `${compact(vals.lead)}|${compact(vals.units)}|${compact(vals.assist)}`;
      if (!carriedUnits && key !== runKey) {
        group++;
        runKey = key;
      }
      prev = vals;
      const seqText = compact(byRole.get("seq")?.text ?? "").replace(/[.、．]$/, "");
      const seq = /^\d{1,4}$/.test(seqText) ? Number(seqText) : null;
      tasks.push({
        seq,
        category: section ? [section, ...path] : path,
        requirement: reqText,
        lead: vals.lead,
        units: vals.units,
        assist: vals.assist,
        hasLeadColumn: hasLead,
        deadline: hasDeadline ? vals.deadline : null,
        sla: [],
        where,
        checklist: /是否/.test(reqText),
      });
      scoped.push({ taskIndex: tasks.length - 1, path, group });
    }
  }
  for (const s of annotationScopes(scoped)) {
    for (const ti of s.tasks) tasks[ti].sla.push(s.note);
    if (s.tasks.length === 0) warnings.push(`${s.note.where}：公开渠道/时限说明行找不到对应的任务，未使用。`);
  }
  if (repeatedHeaders > 0) {
    skipped.push({ what: `重复的表头行 ${repeatedHeaders} 行`, reason: "每页顶部重复的表头，不是任务", where: first.label });
  }
  if (pageNumbers.length > 0) {
    skipped.push({ what: `页码 ${pageNumbers.join("、")}`, reason: "页码混进了表格单元格，已去掉", where: first.label });
  }
  const annotationCount = scoped.filter((s) => s.annotation).length;
  if (annotationCount > 0) {
    skipped.push({
      what: `公开渠道 / 公开时限说明行 ${annotationCount} 行`,
      reason: "这些行说明同组任务的公开渠道和时限，不是单独的任务；已附到对应任务的 sla 上",
      where: first.label,
    });
  }
  return {
    label: first.label,
    kind: "tasks",
    headerConfidence: layout.confidence,
    columns: layoutColumns(layout),
    tasks: tasks.length - firstTask,
  };
}

function layoutColumns(layout: Layout): { header: string; role: Layout["roles"][number]; gridCols: number[] }[] {
  const out: { header: string; role: Layout["roles"][number]; gridCols: number[] }[] = [];
  layout.roles.forEach((role, col) => {
    const last = out[out.length - 1];
    if (last && last.header === layout.headers[col] && last.role === role) last.gridCols.push(col);
    else out.push({ header: layout.headers[col], role, gridCols: [col] });
  });
  return out;
}
