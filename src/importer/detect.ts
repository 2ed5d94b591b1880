/**
 * Format detection from the bytes (magic numbers, zip parts), the file name only as a hint.
 */
import { ImportError, MAX_IMPORT_BYTES } from "./errors";
import type { FileFormat } from "./types";
import { isZip, listZip } from "./formats/zip";

export interface Detected {
  format: FileFormat;
  /** Decoded text for csv / text dumps. */
  text?: string;
  encoding?: string;
}

function extOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName.trim());
  return m ? m[1].toLowerCase() : "";
}

function startsWith(bytes: Uint8Array, sig: number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
  return true;
}

function isImage(bytes: Uint8Array): boolean {
  return (
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) || // PNG
    startsWith(bytes, [0xff, 0xd8, 0xff]) || // JPEG
    startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) || // GIF8
    (startsWith(bytes, [0x42, 0x4d]) && bytes.length > 26 && [12, 40, 52, 56, 108, 124].includes(bytes[14]) && bytes[15] === 0) || // BMP
    (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) || // WEBP
    startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) // TIFF
  );
}

/** Decode text bytes: BOMs, strict UTF-8, else GB18030 (a superset of GBK / GB2312). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: string } {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8-bom" };
  if (startsWith(bytes, [0xff, 0xfe])) return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
  if (startsWith(bytes, [0xfe, 0xff])) return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    try {
      return { text: new TextDecoder("gb18030", { fatal: true }).decode(bytes), encoding: "gb18030" };
    } catch (e) {
      throw new ImportError("bad_encoding", e instanceof Error ? e.message : String(e));
    }
  }
}

function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  let ctrl = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) ctrl++;
  }
  return ctrl > n / 50;
}

/**
 * Count lines that start a dump cell (optional spaces, then a TAB). A dump never has a TAB after
 * text on a line (that is a tab-separated file): then the count is 0.
 */
function dumpCellLines(text: string): number {
  let n = 0;
  for (const line of text.split(/\r?\n/)) {
    if (/[^\t ]\t/.test(line)) return 0;
    if (/^ *\t/.test(line)) n++;
  }
  return n;
}

export function detectFormat(bytes: Uint8Array, fileName: string): Detected {
  if (!bytes || bytes.length === 0) throw new ImportError("empty_file");
  if (bytes.length > MAX_IMPORT_BYTES) throw new ImportError("too_large", `${bytes.length} bytes`);
  const ext = extOf(fileName);

  if (isZip(bytes)) {
    const onError = ext === "xlsx" || ext === "xlsm" ? "corrupt_xlsx" : ext === "docx" || ext === "docm" ? "corrupt_docx" : "corrupt_zip";
    const names = listZip(bytes, onError);
    if (names.includes("word/document.xml")) return { format: "docx" };
    if (names.includes("xl/workbook.xml")) return { format: "xlsx" };
    if (names.includes("content.xml") || names.includes("mimetype")) {
      throw new ImportError(
        "unsupported_format",
        "OpenDocument",
        "这是 WPS / LibreOffice 的 OpenDocument 文件（.odt / .ods），请另存为 Word（.docx）或 Excel（.xlsx）后重新发送。",
      );
    }
    if (ext === "docx") throw new ImportError("corrupt_docx", "zip without word/document.xml");
    if (ext === "xlsx") throw new ImportError("corrupt_xlsx", "zip without xl/workbook.xml");
    throw new ImportError("unsupported_format", `zip with ${names.slice(0, 5).join(", ")}`);
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) throw new ImportError("legacy_office");
  if (isImage(bytes)) throw new ImportError("image_file", `extension .${ext}`);
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) throw new ImportError("pdf_file");
  // Something claiming to be an Office file that is not a zip at all.
  if (ext === "docx" || ext === "docm") throw new ImportError("corrupt_docx", "not a zip");
  if (ext === "xlsx" || ext === "xlsm") throw new ImportError("corrupt_xlsx", "not a zip");
  if (ext === "doc" || ext === "xls") throw new ImportError("legacy_office", "extension without OLE signature");

  const utf16 = startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]);
  if (!utf16 && looksBinary(bytes)) throw new ImportError("unsupported_format", "binary data");
  const { text, encoding } = decodeText(bytes);
  if (text.trim() === "") throw new ImportError("empty_file", "only whitespace");
  if (/^\s*<(!doctype html|html)/i.test(text)) {
    throw new ImportError(
      "unsupported_format",
      "html",
      "这是网页（HTML）文件，不是表格文件。请在 Word 或 Excel 中另存为 .docx / .xlsx 后重新发送。",
    );
  }
  if (ext === "csv" || ext === "tsv") return { format: "csv", text, encoding };
  if (dumpCellLines(text) >= 3) return { format: "text", text, encoding };
  return { format: "csv", text, encoding };
}
