/**
 * Typed import errors. Every failure the importer reports to an admin is one of these, with a
 * Chinese message that says what is wrong and what to do next. Nothing else escapes parsePlan.
 */

export type ImportErrorCode =
  | "empty_file"
  | "too_large"
  | "unsupported_format"
  | "legacy_office"
  | "corrupt_docx"
  | "corrupt_xlsx"
  | "corrupt_zip"
  | "image_file"
  | "pdf_file"
  | "not_a_table"
  | "no_task_table"
  | "bad_encoding"
  | "internal";

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

const MESSAGES: Record<ImportErrorCode, string> = {
  empty_file: "文件是空的（0 字节），请确认上传的是填好的任务分解表后重新发送。",
  too_large: "文件超过 20 MB，无法导入。请删除表格以外的图片和附件，或只保留任务分解表后重新发送。",
  unsupported_format:
    "无法识别这个文件的格式。请发送 Word（.docx）、Excel（.xlsx）或 CSV 格式的任务分解表。",
  legacy_office:
    "这是旧版 Office 文件（.doc / .xls），无法直接读取。请用 Word 或 Excel 另存为 .docx / .xlsx 后重新发送。",
  corrupt_docx: "文件不是有效的 Word 文档（.docx），请用 Word 另存为 .docx 后重新发送。",
  corrupt_xlsx: "文件不是有效的 Excel 工作簿（.xlsx），请用 Excel 另存为 .xlsx 后重新发送。",
  corrupt_zip: "文件已损坏，无法解压（可能没有传完整）。请重新导出或重新上传原文件。",
  image_file:
    "这是一张图片，不是表格文件，无法读取其中的文字。请发送 Word（.docx）或 Excel（.xlsx）格式的任务分解表原件。",
  pdf_file: "这是 PDF 文件，无法可靠地还原表格。请发送 Word（.docx）或 Excel（.xlsx）格式的原件。",
  not_a_table:
    "文件里没有找到表格。请确认发送的是任务分解表（带有“工作任务”“责任单位”等列的表格）。",
  no_task_table:
    "文件里有表格，但没有认出任务分解表的表头（如“工作任务”“具体要求”“责任单位”“时限要求”）。请检查表头，或在导入时指定各列的含义。",
  bad_encoding: "无法识别文本编码。请用 Excel 另存为 .xlsx，或保存为 UTF-8 编码的 CSV 后重新发送。",
  internal: "导入时发生内部错误，请把文件转发给管理员排查。",
};

export class ImportError extends Error {
  readonly code: ImportErrorCode;
  /** Technical detail for logs (not shown to admins). */
  readonly detail?: string;

  constructor(code: ImportErrorCode, detail?: string, message?: string) {
    super(message ?? MESSAGES[code]);
    this.name = "ImportError";
    this.code = code;
    this.detail = detail;
  }
}

export function isImportError(e: unknown): e is ImportError {
  return e instanceof ImportError;
}

/** Wrap anything thrown by a third-party reader into a typed error. */
export function asImportError(e: unknown, fallback: ImportErrorCode): ImportError {
  if (e instanceof ImportError) return e;
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new ImportError(fallback, detail);
}
