/** Bad files: each gives a typed ImportError with a Chinese message saying what to do next. */
import { describe, expect, it } from "vitest";
import { zipSync, strToU8 } from "fflate";
import { parsePlan, ImportError, MAX_IMPORT_BYTES } from "../../src/importer/index";
import { fixture } from "./helpers";

async function failure(bytes: Uint8Array, name: string): Promise<ImportError> {
  try {
    await parsePlan(bytes, name);
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return e as ImportError;
  }
  throw new Error(`${name} was accepted`);
}

describe("bad files", () => {
  it("empty file", async () => {
    const e = await failure(fixture("bad-empty.docx"), "计划.docx");
    expect(e.code).toBe("empty_file");
    expect(e.message).toBe("文件是空的（0 字节），请确认上传的是填好的任务分解表后重新发送。");
    expect((await failure(new TextEncoder().encode(" \n\t\n"), "a.csv")).code).toBe("empty_file");
  });

  it("a truncated (corrupt) Word file", async () => {
    const e = await failure(fixture("bad-truncated.docx"), "计划.docx");
    expect(e.code).toBe("corrupt_docx");
    expect(e.message).toBe("文件不是有效的 Word 文档（.docx），请用 Word 另存为 .docx 后重新发送。");
  });

  it("a truncated Excel file, and a zip that is neither", async () => {
    const xlsx = fixture("taian-2020.xlsx");
    const e = await failure(xlsx.subarray(0, 3000), "计划.xlsx");
    expect(e.code).toBe("corrupt_xlsx");
    expect(e.message).toBe("文件不是有效的 Excel 工作簿（.xlsx），请用 Excel 另存为 .xlsx 后重新发送。");
    expect((await failure(fixture("bad-zip-not-office.docx"), "计划.docx")).code).toBe("corrupt_docx");
    expect((await failure(fixture("bad-zip-not-office.docx"), "计划.zip")).code).toBe("unsupported_format");
    const cut = await failure(fixture("bad-truncated.docx"), "计划.zip");
    expect(cut.code).toBe("corrupt_zip");
    expect(cut.message).toContain("重新导出或重新上传");
  });

  it("a PNG renamed .xlsx", async () => {
    const e = await failure(fixture("bad-image.xlsx"), "任务表.xlsx");
    expect(e.code).toBe("image_file");
    expect(e.message).toBe("这是一张图片，不是表格文件，无法读取其中的文字。请发送 Word（.docx）或 Excel（.xlsx）格式的任务分解表原件。");
  });

  it("text or a Word document that is not a table", async () => {
    const prose = await failure(fixture("bad-prose.txt"), "通知.txt");
    expect(prose.code).toBe("not_a_table");
    expect(prose.message).toBe("文件里没有找到表格。请确认发送的是任务分解表（带有“工作任务”“责任单位”等列的表格）。");
    expect((await failure(fixture("bad-no-table.docx"), "要点.docx")).code).toBe("not_a_table");
  });

  it("over 20 MB", async () => {
    const big = new Uint8Array(MAX_IMPORT_BYTES + 1);
    big.set([0x50, 0x4b, 0x03, 0x04]);
    const e = await failure(big, "大文件.docx");
    expect(e.code).toBe("too_large");
    expect(e.message).toContain("20 MB");
  });

  it("old .doc/.xls, PDF, OpenDocument, HTML and binary files", async () => {
    const ole = new Uint8Array(512);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const doc = await failure(ole, "计划.doc");
    expect(doc.code).toBe("legacy_office");
    expect(doc.message).toContain("另存为 .docx / .xlsx");
    expect((await failure(new TextEncoder().encode("%PDF-1.7\n..."), "计划.pdf")).code).toBe("pdf_file");
    const odt = zipSync({ mimetype: strToU8("application/vnd.oasis.opendocument.text"), "content.xml": strToU8("<x/>") });
    const od = await failure(odt, "计划.odt");
    expect(od.code).toBe("unsupported_format");
    expect(od.message).toContain("OpenDocument");
    const html = await failure(new TextEncoder().encode("<!DOCTYPE html><html><body><table></table></body></html>"), "计划.xls");
    expect(html.code).toBe("legacy_office"); // .xls without the OLE signature: still "save as .xlsx"
    expect((await failure(new TextEncoder().encode("<html><body>x</body></html>"), "计划.htm")).code).toBe("unsupported_format");
    const bin = new Uint8Array(1000).map((_, i) => (i * 7) % 32);
    expect((await failure(bin, "计划.csv")).code).toBe("unsupported_format");
  });

  it("every error message is Chinese and says what to do", async () => {
    for (const name of ["bad-empty.docx", "bad-truncated.docx", "bad-image.xlsx", "bad-prose.txt", "bad-no-table.docx"]) {
      const e = await failure(fixture(name), name);
      expect(e.message).toMatch(/[\u4e00-\u9fff]/);
      expect(e.message).toMatch(/请/);
    }
  });
});

describe("format detection uses the bytes", () => {
  it("reads a Word file named .xlsx as Word, and an Excel file named .docx as Excel", async () => {
    const a = await parsePlan(fixture("taian-2020.docx"), "misnamed.xlsx");
    expect(a.format).toBe("docx");
    expect(a.tasks).toHaveLength(143);
    const b = await parsePlan(fixture("taian-2020.xlsx"), "misnamed.docx");
    expect(b.format).toBe("xlsx");
    expect(b.tasks).toHaveLength(143);
  });
});
