/**
 * The importer's data shapes: the grid read from a container (docx / xlsx / csv / text dump),
 * and the ParsedPlan the rest of the product consumes (the CLI's `--json`).
 */
import type { Deadline } from "../domain/deadline";

export type { Deadline };

/** One table cell as read from the file. */
export interface SourceCell {
  /** Paragraphs joined with "\n" (empty paragraphs kept as empty lines). */
  text: string;
  /** First grid column this cell occupies, when the container knows it (docx, xlsx, csv). */
  gridCol?: number;
  /** Number of grid columns covered (w:gridSpan / merged range width). Default 1. */
  colSpan?: number;
  /** This cell continues a vertically merged cell from the row above (w:vMerge continue). */
  vMergeContinue?: boolean;
}

export interface SourceRow {
  cells: SourceCell[];
  /** Marked as a repeated header row by the file itself (w:tblHeader). */
  isHeader?: boolean;
  /** 1-based position of the row in its source (line number for dumps, row number for sheets). */
  where?: string;
}

export interface SourceTable {
  rows: SourceRow[];
  /** Loose paragraphs between the previous table (or the start) and this one: titles, captions. */
  before: string[];
  /** True when cells carry gridCol/colSpan from the file; false for text dumps (positions inferred). */
  gridKnown: boolean;
  /** Human label for reports: "表格 2", "工作表「任务」". */
  label: string;
}

export interface SourceDocument {
  format: FileFormat;
  tables: SourceTable[];
  /** Paragraphs after the last table (footers such as 抄送 / 印发). */
  after: string[];
}

export type FileFormat = "docx" | "xlsx" | "csv" | "text";

export type UnitRole = "lead" | "responsible" | "assist";
export type UnitRefKind = "unit" | "group" | "unspecified" | "descriptive";

/** One reference to a unit (or group of units) in a unit cell. */
export interface UnitRef {
  /** The name as written, after splitting and re-joining broken lines. */
  text: string;
  kind: UnitRefKind;
  role: UnitRole;
}

/** Column roles a header cell can map to. */
export type ColumnRole =
  | "seq"
  | "category"
  | "task" // 工作任务及要求: category levels whose last column is the requirement
  | "requirement"
  | "lead"
  | "responsible"
  | "assist"
  | "units" // a unit column whose roles are written inside the cell (责任单位 with "X牵头，Y落实")
  | "deadline"
  | "note"
  | "ignore";

/**
 * Explicit column mapping: header text (exact, after whitespace removal) or 0-based grid column → role.
 * Used when the header words are unfamiliar.
 */
export type ColumnOverride = Record<string, ColumnRole>;

export interface ParseOptions {
  year?: number;
  title?: string;
  columns?: ColumnOverride;
  onProgress?: (p: ImportProgress) => void;
  /** Unit directory to resolve names against (see resolveUnits). Without it every name is unresolved. */
  directory?: UnitDirectory;
}

export interface ImportProgress {
  phase: "read" | "understand" | "deadlines" | "done";
  done: number;
  total: number;
}

export interface SlaNote {
  /** The annotation text as written (公开时限：… / 通过…等载体和方式公开，…). */
  text: string;
  /** Where it was in the table. */
  where: string;
  kind: "channel" | "time_limit" | "general";
}

export interface ParsedTask {
  /** The table's own number when it has one, else the running position (1-based). */
  seq: number;
  category: string[];
  requirement: string;
  leadUnits: string[];
  responsibleUnits: string[];
  assistUnits: string[];
  /** The unit list is open-ended (等, 及有关部门单位): someone must say who else. */
  unitsOpen: boolean;
  deadline: Deadline;
  /** Where `deadline` came from. */
  deadlineSource: "column" | "requirement" | "annotation" | "none";
  /** Text of the 时限 column, when the table has one. */
  deadlineText?: string;
  /** SLA annotation rows of the task's group (ningyang: 公开渠道 / 公开时限 …). */
  sla: SlaNote[];
  unitRefs: UnitRef[];
  /** Stable key from the normalised requirement text (see contentKey). */
  contentKey: string;
  /** A checklist item (是否…): the requirement is phrased as an assessment question. */
  checklist?: boolean;
  /** Where the task came from, for messages to the admin ("表格 1 第 12 行"). */
  where: string;
  /** Raw unit cell texts (lead, responsible / units), after whitespace trimming. */
  unitCells?: { lead?: string; responsible?: string };
}

export interface SkippedItem {
  what: string;
  reason: string;
  where: string;
}

export interface LeadAssignment {
  unit: string;
  topic: string;
  requirement: string;
  where: string;
}

export interface TableReport {
  label: string;
  /** "tasks" | skipped reasons */
  kind: "tasks" | "lead_list" | "ledger_template" | "footer" | "no_header" | "empty" | "continuation" | "text_box";
  headerConfidence?: number;
  columns?: { header: string; role: ColumnRole; gridCols: number[] }[];
  tasks?: number;
}

export interface ParsedPlan {
  plan: { title: string; year: number | null; issuedOn?: string };
  format: FileFormat;
  tasks: ParsedTask[];
  /** Distinct names (as written) not bound to a unit of the directory (all of them without one). */
  unresolvedUnits: string[];
  /** Distinct unit references with how often they occur (as written). */
  units: { text: string; kind: UnitRefKind; tasks: number }[];
  skipped: SkippedItem[];
  warnings: string[];
  /** Attachment lists of lead departments (yiyuan attachment 2): not tasks, kept as information. */
  leadAssignments: LeadAssignment[];
  tables: TableReport[];
}

/** Unit directory used by resolveUnits. */
export interface UnitDirectory {
  units: { id: string; name: string; aliases: string[] }[];
  groups: { id: string; name: string; expressions: string[]; memberIds: string[] }[];
}
