/** Container readers: the grid each one produces (merges, spans, text decoding, encodings). */
import { describe, expect, it } from "vitest";
import { zipSync, strToU8 } from "fflate";
import ExcelJS from "exceljs";
import { readDocx } from "../../src/importer/formats/docx";
import { readXlsx } from "../../src/importer/formats/xlsx";
import { readDump } from "../../src/importer/formats/dump";
import { decodeText, detectFormat } from "../../src/importer/detect";
import { parsePlan } from "../../src/importer/index";
import { fixture } from "./helpers";

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const p = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const tc = (inner: string, pr = "") => `<w:tc>${pr ? `<w:tcPr>${pr}</w:tcPr>` : ""}${inner}</w:tc>`;

function docx(body: string): Uint8Array {
  const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${body}</w:body></w:document>`;
  return zipSync({ "[Content_Types].xml": strToU8("<Types/>"), "word/document.xml": strToU8(xml) });
}

describe("docx reader", () => {
  it("keeps gridSpan, vMerge restart/continue, gridBefore, tblHeader and the paragraphs around tables", () => {
    const body =
      p("附件") +
      p("2023年某县政务公开工作任务分解表") +
      `<w:tbl>
        <w:tr><w:trPr><w:tblHeader/></w:trPr>${tc(p("工作任务"), '<w:gridSpan w:val="2"/>')}${tc(p("具体要求"))}${tc(p("责任单位"))}</w:tr>
        <w:tr>${tc(p("紧扣") + p("经济"), '<w:vMerge w:val="restart"/>')}${tc(p("子类"))}${tc(p("要求一"))}${tc(p("县财政局"), '<w:vMerge w:val="restart"/>')}</w:tr>
        <w:tr>${tc(p(""), "<w:vMerge/>")}${tc(p("子类二"))}${tc(`<w:p><w:r><w:t>要求</w:t><w:tab/><w:t>二</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>`)}${tc(p(""), '<w:vMerge w:val="continue"/>')}</w:tr>
        <w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>${tc(p("子类三"))}${tc(p("要求三"))}${tc(p("县审计局"))}</w:tr>
      </w:tbl>` +
      p("") +
      p("附件2") +
      `<w:tbl><w:tr>${tc(p("A"))}${tc(p("B"))}</w:tr></w:tbl>` +
      p("抄送：县委各部门。");
    const doc = readDocx(docx(body));
    expect(doc.format).toBe("docx");
    expect(doc.tables).toHaveLength(2);
    const [t1, t2] = doc.tables;
    expect(t1.before).toEqual(["附件", "2023年某县政务公开工作任务分解表"]);
    expect(t1.gridKnown).toBe(true);
    expect(t1.rows[0].isHeader).toBe(true);
    expect(t1.rows[0].cells).toEqual([
      { text: "工作任务", gridCol: 0, colSpan: 2 },
      { text: "具体要求", gridCol: 2 },
      { text: "责任单位", gridCol: 3 },
    ]);
    expect(t1.rows[1].cells[0]).toEqual({ text: "紧扣\n经济", gridCol: 0 });
    expect(t1.rows[2].cells[0]).toEqual({ text: "", gridCol: 0, vMergeContinue: true });
    expect(t1.rows[2].cells[2].text).toBe("要求\t二\n第二行");
    expect(t1.rows[2].cells[3]).toEqual({ text: "", gridCol: 3, vMergeContinue: true });
    expect(t1.rows[3].cells.map((c) => c.gridCol)).toEqual([1, 2, 3]);
    expect(t2.before).toEqual(["附件2"]);
    expect(doc.after).toEqual(["抄送：县委各部门。"]);
  });

  it("leaves out deleted text and field instructions, keeps hyperlinks, inserted text and content controls", () => {
    const body = `<w:tbl><w:tr>${tc(
      `<w:p><w:r><w:t>公开</w:t></w:r><w:del><w:r><w:delText>删除的</w:delText></w:r></w:del><w:ins><w:r><w:t>插入的</w:t></w:r></w:ins>` +
        `<w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink>` +
        `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
        `<w:sdt><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>` +
        `<w:r><w:t>&amp;&lt;</w:t></w:r></w:p>`,
    )}</w:tr></w:tbl>`;
    const doc = readDocx(docx(body));
    expect(doc.tables[0].rows[0].cells[0].text).toBe("公开插入的链接3控件&<");
  });

  it("reads rows wrapped in content controls", () => {
    const body = `<w:tbl><w:sdt><w:sdtContent><w:tr>${tc(p("甲"))}${tc(p("乙"))}</w:tr></w:sdtContent></w:sdt></w:tbl>`;
    expect(readDocx(docx(body)).tables[0].rows[0].cells.map((c) => c.text)).toEqual(["甲", "乙"]);
  });
});

describe("xlsx reader", () => {
  it("turns merged ranges into spans and continuation cells, one table per visible sheet", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("任务");
    ws.getCell("A1").value = "2023年某县政务公开工作任务分解表";
    ws.mergeCells("A1:D1");
    ws.getRow(2).values = ["工作任务", "", "具体要求", "责任单位"];
    ws.mergeCells("A2:B2");
    ws.getRow(3).values = ["决策公开", "目录", "公开年度重大行政决策目录", "县司法局"];
    ws.getRow(4).values = ["", "草案", "公开决策草案", ""];
    ws.mergeCells("A3:A4");
    ws.mergeCells("D3:D4");
    ws.getCell("C5").value = { richText: [{ text: "富" }, { text: "文本" }] };
    const hidden = wb.addWorksheet("隐藏");
    hidden.state = "hidden";
    hidden.getCell("A1").value = "x";
    wb.addWorksheet("说明").getCell("A1").value = "填表说明";
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const doc = await readXlsx(bytes);
    expect(doc.tables.map((t) => t.label)).toEqual(["工作表「任务」", "工作表「说明」"]);
    const rows = doc.tables[0].rows;
    expect(rows[0].cells).toEqual([{ text: "2023年某县政务公开工作任务分解表", gridCol: 0, colSpan: 4 }]);
    expect(rows[1].cells).toEqual([
      { text: "工作任务", gridCol: 0, colSpan: 2 },
      { text: "具体要求", gridCol: 2 },
      { text: "责任单位", gridCol: 3 },
    ]);
    expect(rows[3].cells).toEqual([
      { text: "", gridCol: 0, vMergeContinue: true },
      { text: "草案", gridCol: 1 },
      { text: "公开决策草案", gridCol: 2 },
      { text: "", gridCol: 3, vMergeContinue: true },
    ]);
    expect(rows[4].cells.at(-1)).toEqual({ text: "富文本", gridCol: 2 });
  });

  it("uses the sheets that look like task tables and reports the others", async () => {
    const p = await parsePlan(fixture("yiyuan-2022.xlsx"), "yiyuan.xlsx");
    expect(p.tables.map((t) => `${t.label}:${t.kind}`)).toEqual([
      "工作表「附件1 任务分解表」:tasks",
      "工作表「附件2 牵头清单」:lead_list",
      "工作表「附件3 台账示例」:ledger_template",
    ]);
  });
});

describe("csv and text encodings", () => {
  it("decodes UTF-8 with and without BOM, GB18030 and GBK", () => {
    expect(decodeText(fixture("gaoqing-2020.csv")).encoding).toBe("utf-8-bom");
    expect(decodeText(fixture("taian-2020.csv")).encoding).toBe("utf-8");
    const gb = decodeText(fixture("ningyang-2018.csv"));
    expect(gb.encoding).toBe("gb18030");
    expect(gb.text).toContain("2018年宁阳县政务公开重点工作任务分解表");
    const gbk = decodeText(fixture("yiyuan-2022.csv"));
    expect(gbk.encoding).toBe("gb18030");
    expect(gbk.text).toContain("紧扣");
  });

  it("reads tab-separated UTF-16 text (Excel's 'Unicode text')", async () => {
    const text = "\t\t\t\t\r\n序号\t工作任务\t工作要求\t责任单位\t完成时限\r\n1\t政务公开\t公开年度报告。\t县政府办公室\t3月底前\r\n2\t\t公开目录。\t县司法局\t年底前\r\n";
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      utf16[2 + i * 2] = text.charCodeAt(i) & 0xff;
      utf16[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    expect(detectFormat(utf16, "x.txt").format).toBe("csv"); // tabs between cells: not a dump
    const p = await parsePlan(utf16, "x.csv", { year: 2023 });
    expect(p.tasks.map((t) => [t.seq, t.category, t.requirement, t.responsibleUnits, t.deadline.due])).toEqual([
      [1, ["政务公开"], "公开年度报告。", ["县政府办公室"], "2023-03-31"],
      [2, ["政务公开"], "公开目录。", ["县司法局"], "2023-12-31"],
    ]);
  });
});

describe("text dump reader", () => {
  it("tells empty paragraphs inside a cell from row ends by the table's width", () => {
    const dump = [
      "标题2021年任务分解表",
      "\t工作任务及要求",
      "\t牵头单位",
      "\t责任单位",
      "",
      "\t类一",
      "\t子类",
      "\t要求一。",
      "\t县农工办、",
      "",
      "县农业局",
      "",
      "",
      "\t各乡镇（街道）",
      "",
      "\t",
      "\t",
      "\t要求[bookmark: _GoBack]二，",
      "分两行。",
      "\t",
      "\t",
      "",
    ].join("\n");
    const doc = readDump(dump);
    expect(doc.tables).toHaveLength(1);
    const rows = doc.tables[0].rows;
    expect(rows.map((r) => r.cells.length)).toEqual([3, 5, 5]);
    expect(rows[1].cells[3].text).toBe("县农工办、\n\n县农业局");
    expect(rows[1].cells[4].text).toBe("各乡镇（街道）");
    expect(rows[2].cells[2].text).toBe("要求二，\n分两行。");
    expect(doc.tables[0].before).toEqual(["标题2021年任务分解表"]);
  });

  it("starts a new table at a space-led TAB line and leaves the table at a space-led paragraph", () => {
    const dump = ["\t序号", "\t工作任务", "", "\t1", "\t任务一", " \t序号", "\t工作任务", "", "\t2", "\t任务二", " 抄送：县委。", "县政府办公室 2021年1月5日印发", ""].join("\n");
    const doc = readDump(dump);
    expect(doc.tables).toHaveLength(2);
    expect(doc.tables[1].rows[1].cells.map((c) => c.text)).toEqual(["2", "任务二"]);
    expect(doc.after).toEqual(["抄送：县委。", "县政府办公室 2021年1月5日印发"]);
  });
});
