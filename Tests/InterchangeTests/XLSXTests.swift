import Foundation
import XCTest
@testable import Interchange
import VaultCrypto

/// The XLSX reader and writer against real tools: workbooks made at test time by openpyxl and by
/// LibreOffice, our output read back by both, and hostile files. Missing tools skip (XCTSkip),
/// never pass; Scripts/test installs them.
final class XLSXTests: XCTestCase {
    // MARK: - Reader on openpyxl workbooks

    func testReadsOpenpyxlWorkbookSheetsCellsAndRowNumbers() throws {
        let dir = try TempFolder()
        try Tools.python([Tools.fixture("make_workbooks.py"), dir.path])
        let tables = try XLSXReader.read(try Data(contentsOf: dir.url("customers.xlsx")))
        XCTAssertEqual(tables.map(\.name), ["客户", "联系人", "跟进记录"])

        let customers = tables[0]
        XCTAssertEqual(customers.rows.map(\.line), [1, 2, 3, 5])
        XCTAssertEqual(customers.rows[0].cells, ["客户名称", "统一社会信用代码", "电话", "年营业额", "签约日期", "上次拜访", "重点客户", "备注"].map(CellValue.text))
        XCTAssertEqual(customers.rows[1].cells, [
            .text("上海𠮷野家餐饮有限公司"), .text("91310000MA1FL4XXXX"), .text("0571-88886666"), .number(1_234_567.5),
            .date(CivilDateTime(year: 2024, month: 3, day: 5)),
            .date(CivilDateTime(year: 2024, month: 3, day: 5, secondOfDay: 14 * 3600 + 30 * 60 + 15)),
            .bool(true), .text("老客户"),
        ])
        XCTAssertEqual(customers.rows[2].cells, [
            .text("杭州西湖茶业"), .text("913301000000000001"), .text("0571-12345678"), .number(88), .empty, .empty, .bool(false),
        ])
        XCTAssertEqual(customers.rows[3].cells, [
            .text("北京"), .empty, .number(42), .empty,
            .date(CivilDateTime(year: 1900, month: 1, day: 1)),
            // 23:59:59.6 stays on its day, its fraction of a second dropped (it was rounded up to
            // the next day's 00:00, and could move into the next week's report: helper-123).
            .date(CivilDateTime(year: 2023, month: 12, day: 31, secondOfDay: 86_399)),
            .text("#N/A"),
        ])

        XCTAssertEqual(tables[1].rows.map(\.cells), [
            [.text("姓名"), .text("手机")], [.text("张伟"), .text("13800138000")], [.text("李娜"), .text("+86 139 0000 0000")],
        ])
        XCTAssertEqual(tables[2].rows.map(\.line), [1, 2])
        XCTAssertEqual(tables[2].rows[1].cells, [
            .date(CivilDateTime(year: 2024, month: 1, day: 2)), .text("电话沟通\n下周拜访"),
            .date(CivilDateTime(year: 1900, month: 1, day: 3, secondOfDay: 6 * 3600, timeHidden: true)),  // yyyy"年"m"月"d"日": its time not shown
            .date(CivilDateTime(year: 1899, month: 12, day: 31, secondOfDay: 18 * 3600)),  // [h]:mm
            .number(1234.5),  // "¥"#,##0.00 is not a date
        ])
    }

    func testReads1904DateSystem() throws {
        let dir = try TempFolder()
        try Tools.python([Tools.fixture("make_workbooks.py"), dir.path])
        let tables = try XLSXReader.read(try Data(contentsOf: dir.url("mac1904.xlsx")))
        XCTAssertEqual(tables.map(\.name), ["项目"])
        XCTAssertEqual(tables[0].rows.map(\.cells), [
            [.text("项目"), .text("开始")],
            [.text("华东区"), .date(CivilDateTime(year: 2024, month: 3, day: 5))],
            [.text("纪元"), .date(CivilDateTime(year: 1904, month: 1, day: 1))],
        ])
    }

    func testReadsRichTextSharedStringsPhoneticsAndEscapes() throws {
        let dir = try TempFolder()
        let book = XLSXWorkbook(sheets: [XLSXSheet(name: "客户", columns: [XLSXColumn("A")], rows: [[.text("x")]])])
        try XLSXWriter.write(book).write(to: dir.url("plain.xlsx"))
        let sst = """
            <?xml version="1.0" encoding="UTF-8"?>
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
            <si><r><rPr><b/></rPr><t>重点</t></r><r><t xml:space="preserve"> 客户 </t></r><rPh sb="0" eb="2"><t>zhongdian</t></rPh></si>
            <si><t>换行_x000D_结束 _x005F_x0041_</t></si></sst>
            """
        try Tools.python([Tools.fixture("rewrite_part.py"), dir.path + "/plain.xlsx", dir.path + "/rich.xlsx", "xl/sharedStrings.xml", "--text", sst])
        let tables = try XLSXReader.read(try Data(contentsOf: dir.url("rich.xlsx")))
        XCTAssertEqual(tables[0].rows.map(\.cells), [[.text("重点 客户 ")], [.text("换行\r结束 _x0041_")]])
    }

    /// Some generators prefix every element (`x:`); rows and cells may lack `r`; `t="str"` is a
    /// formula's text result and `t="d"` an ISO 8601 date.
    func testReadsPrefixedElementsSequentialRowsFormulaStringsAndISODates() throws {
        let dir = try TempFolder()
        try XLSXWriter.write(sampleWorkbook()).write(to: dir.url("ok.xlsx"))
        let sheet = """
            <?xml version="1.0" encoding="UTF-8"?>
            <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
            <x:row><x:c t="inlineStr"><x:is><x:t>前缀</x:t></x:is></x:c><x:c t="str"><x:f>A1&amp;"!"</x:f><x:v>前缀!</x:v></x:c></x:row>
            <x:row><x:c t="d"><x:v>2024-03-05T14:30:00</x:v></x:c><x:c/><x:c t="b"><x:v>0</x:v></x:c></x:row>
            <x:row r="7"><x:c r="B7"><x:v> 12.5 </x:v></x:c></x:row>
            <x:row><x:c><x:v>1</x:v></x:c></x:row>
            </x:sheetData></x:worksheet>
            """
        try Tools.python([Tools.fixture("rewrite_part.py"), dir.path + "/ok.xlsx", dir.path + "/x.xlsx", "xl/worksheets/sheet1.xml", "--text", sheet])
        let tables = try XLSXReader.read(try Data(contentsOf: dir.url("x.xlsx")))
        XCTAssertEqual(tables[0].rows, [
            TableRow(line: 1, cells: [.text("前缀"), .text("前缀!")]),  // zh-punct: keep
            TableRow(line: 2, cells: [.date(CivilDateTime(year: 2024, month: 3, day: 5, secondOfDay: 52_200)), .empty, .bool(false)]),
            TableRow(line: 7, cells: [.empty, .number(12.5)]),
            TableRow(line: 8, cells: [.number(1)]),
        ])
    }

    // MARK: - Reader on a LibreOffice workbook

    func testReadsLibreOfficeWorkbook() throws {
        let dir = try TempFolder()
        let fods = try String(contentsOf: Tools.fixtureURL("customers.fods"), encoding: .utf8)
        try fods.write(to: dir.url("customers.fods"), atomically: true, encoding: .utf8)
        try Tools.soffice(["--convert-to", "xlsx", "--outdir", dir.path, dir.path + "/customers.fods"], profile: dir)
        let data = try Data(contentsOf: dir.url("customers.xlsx"))
        XCTAssertTrue(try Tools.zipListing(dir.url("customers.xlsx")).contains("xl/sharedStrings.xml"), "LibreOffice wrote shared strings")
        let tables = try XLSXReader.read(data)
        XCTAssertEqual(tables.map(\.name), ["客户", "跟进记录"])
        XCTAssertEqual(tables[0].rows.map(\.line), [1, 2, 4])
        XCTAssertEqual(tables[0].rows[0].cells, [.text("客户名称"), .text("电话"), .text("签约日期"), .text("年营业额"), .text("上次拜访")])
        XCTAssertEqual(tables[0].rows[1].cells, [
            .text("上海𠮷野家"), .text("0571-88886666"), .date(CivilDateTime(year: 2024, month: 3, day: 5)), .number(1234.5),
            .date(CivilDateTime(year: 2024, month: 3, day: 5, secondOfDay: 14 * 3600 + 30 * 60)),
        ])
        XCTAssertEqual(tables[0].rows[2].cells, [.text("杭州"), .empty, .empty, .number(-7.25)])
        XCTAssertEqual(tables[1].rows.map(\.cells), [[.text("内容")], [.text("电话沟通")]])
    }

    // MARK: - Writer

    private func sampleWorkbook() -> XLSXWorkbook {
        let newRow = "FFE2EFDA"
        let changed = "FFF2CC"
        let visit = CivilDateTime(year: 2024, month: 3, day: 5, secondOfDay: 14 * 3600 + 30 * 60 + 15)
        let columns = ["名称", "代码", "数量", "金额", "签约日期", "上次拜访", "重点", "比率", "公式"].map { XLSXColumn($0) }
        let customers = XLSXSheet(name: "客户/名单", columns: columns, rows: [
            [.text("上海𠮷野家"), .text("0571-88886666"), XLSXCell(.integer(42)),
             XLSXCell(.money(amount: Decimal(string: "1234.50")!, currency: "CNY")),
             XLSXCell(.date(CivilDateTime(year: 2024, month: 3, day: 5))), XLSXCell(.dateTime(visit)),
             XLSXCell(.bool(true)), XLSXCell(.number(0.125)), .text("=1+1")],
            [XLSXCell(.text("控制\u{8}字符 _x0041_"), fill: newRow), XLSXCell(.empty, fill: newRow),
             XLSXCell(.integer(1_234_567_890_123_456_789), fill: newRow),
             XLSXCell(.money(amount: Decimal(string: "-99.99")!, currency: "usd"), fill: changed, bold: true)],
        ])
        let contacts = XLSXSheet(name: "联系人", columns: [XLSXColumn("姓名", width: 20)], rows: [[.text("张伟")]], freezeHeader: false, autoFilter: false)
        let duplicate = XLSXSheet(name: "客户:名单", columns: [], rows: [[.text("no header")]])  // zh-punct: keep
        let long = XLSXSheet(name: String(repeating: "长", count: 40), columns: [XLSXColumn("x")], rows: [])
        return XLSXWorkbook(sheets: [customers, contacts, duplicate, long], title: "周报", creator: "张伟",
                            created: Date(timeIntervalSince1970: 1_795_392_000))
    }

    func testWrittenWorkbookReadsBackWithOurReader() throws {
        let tables = try XLSXReader.read(try XLSXWriter.write(sampleWorkbook()))
        XCTAssertEqual(tables.map(\.name), ["客户_名单", "联系人", "客户_名单 (2)", String(repeating: "长", count: 31)])
        XCTAssertEqual(tables[0].rows.map(\.line), [1, 2, 3])
        XCTAssertEqual(tables[0].rows[1].cells, [
            .text("上海𠮷野家"), .text("0571-88886666"), .number(42), .number(1234.5),
            .date(CivilDateTime(year: 2024, month: 3, day: 5)),
            .date(CivilDateTime(year: 2024, month: 3, day: 5, secondOfDay: 14 * 3600 + 30 * 60 + 15)),
            .bool(true), .number(0.125), .text("=1+1"),
        ])
        XCTAssertEqual(tables[0].rows[2].cells, [
            .text("控制\u{8}字符 _x0041_"), .empty, .text("1234567890123456789"), .number(-99.99),
        ])
        // (A money cell in US dollars is noted with its currency, for an amount column.)
        XCTAssertEqual(tables[0].amountUnits[CellPosition(line: 3, column: 3)], .currency("USD"))
        XCTAssertEqual(tables[2].rows, [TableRow(line: 1, cells: [.text("no header")])])
    }

    func testWrittenWorkbookReadsBackWithOpenpyxl() throws {
        let dir = try TempFolder()
        try XLSXWriter.write(sampleWorkbook()).write(to: dir.url("out.xlsx"))
        let output = try Tools.python([Tools.fixture("read_back.py"), dir.path + "/out.xlsx"])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(json["title"] as? String, "周报")
        XCTAssertEqual(json["creator"] as? String, "张伟")
        let sheets = try XCTUnwrap(json["sheets"] as? [[String: Any]])
        XCTAssertEqual(sheets.map { $0["name"] as? String }, ["客户_名单", "联系人", "客户_名单 (2)", String(repeating: "长", count: 31)])
        let first = sheets[0]
        XCTAssertEqual(first["freeze"] as? String, "A2")
        XCTAssertEqual(first["filter"] as? String, "A1:I3")
        XCTAssertNil(sheets[1]["freeze"] as? String)
        XCTAssertNil(sheets[1]["filter"] as? String)
        let widths = try XCTUnwrap(first["widths"] as? [String: Double])
        XCTAssertEqual(widths["A"], 19)  // "控制\u{8}字符 _x0041_": 4 wide characters (8) + 9 narrow + 2
        XCTAssertEqual(widths["B"], 15)  // 0571-88886666: 13 + 2
        XCTAssertEqual(widths["I"], 6)  // the minimum
        XCTAssertEqual((sheets[1]["widths"] as? [String: Double])?["A"], 20)
        XCTAssertEqual((sheets[3]["widths"] as? [String: Double])?["A"], 6)

        let cells = try XCTUnwrap(first["cells"] as? [String: [String: Any]])
        func cell(_ ref: String) -> [String: Any] { cells[ref] ?? [:] }
        XCTAssertEqual(cell("A1")["value"] as? String, "名称")
        XCTAssertEqual(cell("A1")["bold"] as? Bool, true)
        XCTAssertEqual(cell("A2")["value"] as? String, "上海𠮷野家")
        XCTAssertEqual(cell("A2")["bold"] as? Bool, false)
        XCTAssertEqual(cell("B2")["value"] as? String, "0571-88886666")
        XCTAssertEqual(cell("B2")["type"] as? String, "s")
        XCTAssertEqual(cell("C2")["value"] as? Int, 42)
        XCTAssertEqual(cell("D2")["value"] as? Double, 1234.5)
        XCTAssertEqual(cell("D2")["format"] as? String, "\"¥\"#,##0.00")
        XCTAssertEqual(cell("E2")["value"] as? String, "2024-03-05T00:00:00")
        XCTAssertEqual(cell("E2")["format"] as? String, "yyyy-mm-dd")
        XCTAssertEqual(cell("F2")["value"] as? String, "2024-03-05T14:30:15")
        XCTAssertEqual(cell("F2")["format"] as? String, "yyyy-mm-dd hh:mm")
        XCTAssertEqual(cell("G2")["value"] as? Bool, true)
        XCTAssertEqual(cell("G2")["type"] as? String, "b")
        XCTAssertEqual(cell("H2")["value"] as? Double, 0.125)
        XCTAssertEqual(cell("I2")["value"] as? String, "=1+1")
        XCTAssertEqual(cell("I2")["type"] as? String, "s")
        XCTAssertEqual(cell("A3")["fill"] as? String, "FFE2EFDA")
        XCTAssertEqual(cell("B3")["fill"] as? String, "FFE2EFDA")
        XCTAssertNil(cell("B3")["value"] as? String)
        XCTAssertEqual(cell("C3")["value"] as? String, "1234567890123456789")
        XCTAssertEqual(cell("D3")["value"] as? Double, -99.99)
        XCTAssertEqual(cell("D3")["format"] as? String, "[$USD] #,##0.00")
        XCTAssertEqual(cell("D3")["fill"] as? String, "FFFFF2CC")
        XCTAssertEqual(cell("D3")["bold"] as? Bool, true)
    }

    func testStylesAreSharedByEqualCombinations() throws {
        var rows: [[XLSXCell]] = []
        for i in 0..<500 {
            rows.append([XLSXCell(.text("行\(i)"), fill: i % 2 == 0 ? "FFE2EFDA" : nil),
                         XLSXCell(.date(CivilDateTime(year: 2024, month: 1, day: 1 + i % 28)), fill: "FFE2EFDA", bold: i % 3 == 0)])
        }
        let data = try XLSXWriter.write(XLSXWorkbook(sheets: [XLSXSheet(name: "s", columns: [XLSXColumn("a"), XLSXColumn("b")], rows: rows)]))
        let dir = try TempFolder()
        try data.write(to: dir.url("s.xlsx"))
        let styles = try Tools.python(["-c", "import zipfile,sys; print(zipfile.ZipFile(sys.argv[1]).read('xl/styles.xml').decode())", dir.path + "/s.xlsx"])
        // default, bold header, text+fill, date+fill, date+fill+bold
        XCTAssertTrue(styles.contains("<cellXfs count=\"5\">"), styles)
        XCTAssertTrue(styles.contains("<fills count=\"3\">"), styles)
    }

    func testLibreOfficeConvertsWrittenWorkbookToMatchingCSV() throws {
        let dir = try TempFolder()
        try XLSXWriter.write(sampleWorkbook()).write(to: dir.url("out.xlsx"))
        try Tools.soffice(["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir.path, dir.path + "/out.xlsx"], profile: dir)
        let csv = try String(contentsOf: dir.url("out.csv"), encoding: .utf8)
        let lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        XCTAssertEqual(lines.first, "名称,代码,数量,金额,签约日期,上次拜访,重点,比率,公式")
        XCTAssertEqual(lines.dropFirst().first, "上海𠮷野家,0571-88886666,42,\"¥1,234.50\",2024-03-05,2024-03-05 14:30,TRUE,0.125,=1+1")
        // LibreOffice turns the _x0008_ escape back into U+0008 and _x005F_x0041_ into "_x0041_".
        XCTAssertTrue(lines.dropFirst(2).first?.hasPrefix("控制\u{8}字符 _x0041_,,1234567890123456789,") == true, lines.joined(separator: "\n"))
    }

    func testWriterRejectsBadFillAndKeepsHugeIntegersAndOldDatesAsText() throws {
        let bad = XLSXWorkbook(sheets: [XLSXSheet(name: "s", columns: [], rows: [[XLSXCell(.text("x"), fill: "yellow")]])])
        XCTAssertThrowsError(try XLSXWriter.write(bad)) { XCTAssertEqual(($0 as? InterchangeError)?.code, .writeFailed) }
        let old = XLSXWorkbook(sheets: [XLSXSheet(name: "s", columns: [], rows: [
            [XLSXCell(.date(CivilDateTime(year: 1899, month: 12, day: 1))), XLSXCell(.number(.nan)),
             XLSXCell(.date(CivilDateTime(year: 1900, month: 3, day: 1)))],
        ])])
        let tables = try XLSXReader.read(try XLSXWriter.write(old))
        XCTAssertEqual(tables[0].rows[0].cells, [.text("1899-12-01"), .text("#NUM!"), .date(CivilDateTime(year: 1900, month: 3, day: 1))])
    }

    func testWriterRefusesWhatExcelCannotOpen() throws {
        let long = String(repeating: "长", count: XLSXWriter.maxCellTextLength + 1)
        let tooLong = XLSXWorkbook(sheets: [XLSXSheet(name: "备注", columns: [XLSXColumn("内容")], rows: [[.text(long)]])])
        XCTAssertThrowsError(try XLSXWriter.write(tooLong)) { error in
            XCTAssertEqual((error as? InterchangeError)?.code, .writeFailed)
            XCTAssertTrue((error as? InterchangeError)?.reasonZH.contains("A2") == true)
        }
        let fits = String(repeating: "长", count: XLSXWriter.maxCellTextLength)
        let ok = XLSXWorkbook(sheets: [XLSXSheet(name: "备注", columns: [XLSXColumn("内容")], rows: [[.text(fits)]])])
        XCTAssertEqual(try XLSXReader.read(try XLSXWriter.write(ok))[0].rows[1].cells, [.text(fits)])
        let wide = XLSXWorkbook(sheets: [XLSXSheet(name: "s", columns: [], rows: [Array(repeating: XLSXCell.empty, count: 16_385)])])
        XCTAssertThrowsError(try XLSXWriter.write(wide)) { XCTAssertEqual(($0 as? InterchangeError)?.code, .writeFailed) }
    }

    // MARK: - Dates and formats

    func testSerialsOfBothDateSystems() {
        XCTAssertEqual(ExcelDate.civil(serial: 1, date1904: false), CivilDateTime(year: 1900, month: 1, day: 1))
        XCTAssertEqual(ExcelDate.civil(serial: 59, date1904: false), CivilDateTime(year: 1900, month: 2, day: 28))
        XCTAssertEqual(ExcelDate.civil(serial: 60, date1904: false), CivilDateTime(year: 1900, month: 2, day: 29))
        XCTAssertEqual(ExcelDate.civil(serial: 61, date1904: false), CivilDateTime(year: 1900, month: 3, day: 1))
        XCTAssertEqual(ExcelDate.civil(serial: 45356.5, date1904: false), CivilDateTime(year: 2024, month: 3, day: 5, secondOfDay: 43_200))
        XCTAssertEqual(ExcelDate.civil(serial: 0, date1904: true), CivilDateTime(year: 1904, month: 1, day: 1))
        XCTAssertEqual(ExcelDate.civil(serial: 43_894, date1904: true), CivilDateTime(year: 2024, month: 3, day: 5))
        XCTAssertNil(ExcelDate.serial(CivilDateTime(year: 2024, month: 2, day: 30)))
        XCTAssertEqual(ExcelDate.serial(CivilDateTime(year: 2024, month: 2, day: 29)), 45351)
        XCTAssertNil(ExcelDate.civil(serial: -1, date1904: false))
        XCTAssertNil(ExcelDate.civil(serial: 3e6, date1904: false))
        // A fraction of a second is dropped, not rounded: 23:59:59.999 stays on its day (it was the
        // next day's 00:00: helper-123); 10:00, whose serial is a binary fraction, stays 10:00.
        XCTAssertEqual(ExcelDate.civil(serial: 45356 + 86_399.999 / 86_400, date1904: false), CivilDateTime(year: 2024, month: 3, day: 5, secondOfDay: 86_399))
        XCTAssertEqual(ExcelDate.civil(serial: 45356 + 36_000.5 / 86_400, date1904: false), CivilDateTime(year: 2024, month: 3, day: 5, secondOfDay: 36_000))
        for second in [0, 1, 36_000, 43_199, 86_399] {
            let serial = ExcelDate.serial(CivilDateTime(year: 2024, month: 3, day: 5, secondOfDay: second))!
            XCTAssertEqual(ExcelDate.civil(serial: serial, date1904: false)?.secondOfDay, second, "\(second)")
            XCTAssertEqual(ExcelDate.civil(serial: serial.nextDown, date1904: false)?.secondOfDay, second, "\(second), one bit below")
        }
        for serial in [1.0, 59, 60, 61, 45356.25] {
            XCTAssertEqual(ExcelDate.serial(ExcelDate.civil(serial: serial, date1904: false)!), serial)
        }
    }

    func testDateFormatCodes() {
        for code in ["yyyy-mm-dd", "yyyy\"年\"m\"月\"d\"日\"", "[$-804]yyyy/m/d", "[h]:mm:ss", "h:mm AM/PM", "[Red]d-mmm"] {
            XCTAssertTrue(NumberFormat.isDateCode(code), code)
        }
        for code in ["General", "0.00", "#,##0", "\"¥\"#,##0.00", "[$¥-804]#,##0.00", "0.00\"days\"", "@", "0.0E+00", "[Red]0.00;[Blue]-0.00"] {
            XCTAssertFalse(NumberFormat.isDateCode(code), code)
        }
        XCTAssertTrue(NumberFormat.isBuiltInDate(14))
        XCTAssertTrue(NumberFormat.isBuiltInDate(57))
        XCTAssertFalse(NumberFormat.isBuiltInDate(4))
    }

    // MARK: - Hostile input

    private func assertCode(_ data: Data, _ code: InterchangeError.Code, limits: XLSXPackage.Limits = .standard,
                            saying words: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try XLSXReader.read(data, limits: limits), file: file, line: line) { error in
            guard let e = error as? InterchangeError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(e.code, code, e.reason, file: file, line: line)
            if let words { XCTAssertTrue(e.reason.contains(words), "\(e.reason) does not say \(words)", file: file, line: line) }
            XCTAssertFalse(e.reasonZH.isEmpty, file: file, line: line)
            XCTAssertNotNil(e.hintZH, file: file, line: line)
        }
    }

    func testOLECompoundFileIsUnsupportedWithPasswordAdvice() throws {
        let ole = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + Data(count: 4096)
        assertCode(ole, .unsupportedWorkbook)
        XCTAssertThrowsError(try XLSXReader.read(ole)) { error in
            let e = error as? InterchangeError
            XCTAssertTrue(e?.reason.contains("password") == true)
            XCTAssertTrue(e?.reasonZH.contains("密码") == true)
        }
    }

    func testNotAZipEmptyAndTruncatedAreMalformed() throws {
        assertCode(Data(), .malformedWorkbook)
        assertCode(Data("客户,电话\n".utf8), .malformedWorkbook)
        let whole = try XLSXWriter.write(sampleWorkbook())
        XCTAssertNoThrow(try XLSXReader.read(whole))
        // Every cut of the file fails cleanly (no crash, no hang).
        for cut in stride(from: 0, to: whole.count, by: max(1, whole.count / 97)) {
            assertCode(whole.prefix(cut), .malformedWorkbook)
        }
    }

    func testZipBombStopsAtTheCap() throws {
        let dir = try TempFolder()
        try XLSXWriter.write(sampleWorkbook()).write(to: dir.url("ok.xlsx"))
        try Tools.python([Tools.fixture("rewrite_part.py"), dir.path + "/ok.xlsx", dir.path + "/bomb.xlsx",
                          "xl/worksheets/sheet1.xml", "--zeros", String(3 << 20)])
        let bomb = try Data(contentsOf: dir.url("bomb.xlsx"))
        XCTAssertLessThan(bomb.count, 64 << 10, "3 MiB of zeros deflate to a few KiB")
        var limits = XLSXPackage.Limits.standard
        limits.maxPartBytes = 2 << 20
        assertCode(bomb, .unsupportedWorkbook, limits: limits, saying: "xl/worksheets/sheet1.xml")
        limits.maxPartBytes = 8 << 20
        limits.maxTotalBytes = 3 << 20
        assertCode(bomb, .unsupportedWorkbook, limits: limits)
    }

    func testUnendingDeflateStreamFailsInsteadOfSpinning() throws {
        let dir = try TempFolder()
        try XLSXWriter.write(sampleWorkbook()).write(to: dir.url("ok.xlsx"))
        try Tools.python([Tools.fixture("rewrite_part.py"), dir.path + "/ok.xlsx", dir.path + "/cut.xlsx",
                          "xl/worksheets/sheet1.xml", "--truncate-deflate"])
        assertCode(try Data(contentsOf: dir.url("cut.xlsx")), .malformedWorkbook, saying: "cannot be unpacked")
    }

    /// A shared formula (Excel writes the text once, `<f t="shared" ref si>`, and the other
    /// cells only its index): each of its cells is a formula of the day when the text is
    /// (=TODAY()+B2 filled down), and none when it is not.
    func testEveryCellOfASharedFormulaOfTheDayIsNoted() throws {
        let dir = try TempFolder()
        try XLSXWriter.write(sampleWorkbook()).write(to: dir.url("ok.xlsx"))
        let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
        let sheet = "<worksheet \(ns)><sheetData>"
            + "<row r=\"2\"><c r=\"A2\"><f t=\"shared\" ref=\"A2:A4\" si=\"0\">TODAY()+B2</f><v>46360</v></c><c r=\"C2\"><f t=\"shared\" ref=\"C2:C3\" si=\"1\">B2*2</f><v>2</v></c></row>"
            + "<row r=\"3\"><c r=\"A3\"><f t=\"shared\" si=\"0\"/><v>46361</v></c><c r=\"C3\"><f t=\"shared\" si=\"1\"/><v>4</v></c></row>"
            + "<row r=\"4\"><c r=\"A4\"><f t=\"shared\" si=\"0\"/><v>46362</v></c></row>"
            + "</sheetData></worksheet>"
        let out = dir.path + "/shared.xlsx"
        try Tools.python([Tools.fixture("rewrite_part.py"), dir.path + "/ok.xlsx", out, "xl/worksheets/sheet1.xml", "--text", sheet])
        let table = try XLSXReader.read(Data(contentsOf: URL(fileURLWithPath: out)))[0]
        // (Each cell's own formula, its relative references moved: A3 showed A2's TODAY()+B2.)
        XCTAssertEqual(table.volatileFormulas, [CellPosition(line: 2, column: 0): "TODAY()+B2", CellPosition(line: 3, column: 0): "TODAY()+B3",
                                                CellPosition(line: 4, column: 0): "TODAY()+B4"])
        XCTAssertEqual(table.rows.map(\.cells.count), [3, 3, 1], "the values are read as before")
    }

    /// A shared formula's other cells as a spreadsheet shows them: relative references moved,
    /// `$` parts, quoted text, sheet names and function names kept.
    func testASharedFormulasOtherCellsShowTheirOwnReferences() {
        let cases: [(String, Int, Int, String)] = [
            ("TODAY()-A2", 3, 0, "TODAY()-A5"), ("$G$1+B2", 2, 1, "$G$1+C4"), ("$A2+B$1", 1, 1, "$A3+C$1"),
            ("SUM(B2:C3)+TODAY()", 1, 0, "SUM(B3:C4)+TODAY()"), ("参数!A1+\"A1\"", 1, 2, "参数!C2+\"A1\""),
            ("'My Sheet'!Z9*2", 0, 1, "'My Sheet'!AA9*2"), ("LOG10(A1)", 1, 0, "LOG10(A2)"), ("A2-1", -1, 0, "A1-1"),
        ]
        for (formula, rows, columns, shown) in cases {
            XCTAssertEqual(FormulaDays.shifted(formula, rowShift: rows, columnShift: columns), shown, formula)
        }
    }

    func testAbsurdReferencesMissingPartsAndBadXMLAreRefused() throws {
        let dir = try TempFolder()
        try XLSXWriter.write(sampleWorkbook()).write(to: dir.url("ok.xlsx"))
        func variant(_ part: String, _ args: [String]) throws -> Data {
            let out = dir.path + "/v.xlsx"
            try Tools.python([Tools.fixture("rewrite_part.py"), dir.path + "/ok.xlsx", out, part] + args)
            return try Data(contentsOf: URL(fileURLWithPath: out))
        }
        let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
        assertCode(try variant("xl/worksheets/sheet1.xml", ["--text", "<worksheet \(ns)><sheetData><row r=\"9999999\"><c r=\"A9999999\"><v>1</v></c></row></sheetData></worksheet>"]), .malformedWorkbook, saying: "row number 9999999")
        assertCode(try variant("xl/worksheets/sheet1.xml", ["--text", "<worksheet \(ns)><sheetData><row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row></sheetData></worksheet>"]), .malformedWorkbook, saying: "XFE1")
        assertCode(try variant("xl/worksheets/sheet1.xml", ["--text", "<worksheet \(ns)><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99999</v></c></row></sheetData></worksheet>"]), .malformedWorkbook, saying: "shared string")
        let notXML = try variant("xl/worksheets/sheet1.xml", ["--text", "this is not XML <<<"])
        assertCode(notXML, .malformedWorkbook, saying: "not valid XML")
        XCTAssertThrowsError(try XLSXReader.read(notXML)) { error in
            // (In Chinese throughout: it said “（line 1, error 4）”.)
            let zh = (error as? InterchangeError)?.reasonZH ?? ""
            XCTAssertTrue(zh.contains("格式不正确（第 1 行，错误代码"), zh)
            XCTAssertNil(zh.range(of: "line|error", options: .regularExpression), zh)
        }
        assertCode(try variant("xl/worksheets/sheet1.xml", ["--text", "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet \(ns)/>"]), .malformedWorkbook, saying: "DOCTYPE")
        // The same in UTF-16 (converted before the check), and any encoding OPC does not allow.
        let laughs = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
        assertCode(try variant("xl/worksheets/sheet1.xml", ["--text-utf16", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\(laughs)<worksheet \(ns)><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>"]), .malformedWorkbook, saying: "DOCTYPE")
        assertCode(try variant("xl/worksheets/sheet1.xml", ["--text", "<?xml version='1.0' encoding='UTF-7'?><worksheet \(ns)/>"]), .malformedWorkbook, saying: "encoding")
        assertCode(try variant("xl/worksheets/sheet1.xml", ["--text-utf32", "<worksheet \(ns)/>"]), .malformedWorkbook, saying: "encoding")
        // A UTF-16 part without a DTD reads.
        let utf16 = try variant("xl/worksheets/sheet1.xml", ["--text-utf16", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><worksheet \(ns)><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>十六位</t></is></c></row></sheetData></worksheet>"])
        XCTAssertEqual(try XLSXReader.read(utf16)[0].rows, [TableRow(line: 1, cells: [.text("十六位")])])
        assertCode(try variant("xl/workbook.xml", ["--drop"]), .malformedWorkbook, saying: "xl/workbook.xml is missing")
        assertCode(try variant("xl/worksheets/sheet2.xml", ["--drop"]), .malformedWorkbook, saying: "xl/worksheets/sheet2.xml is missing")
        // The widest legal cell is fine, padded; the cell cap stops padding from growing without end.
        let widest = try variant("xl/worksheets/sheet1.xml", ["--text", "<worksheet \(ns)><sheetData><row r=\"1048576\"><c r=\"XFD1048576\" t=\"b\"><v>1</v></c></row></sheetData></worksheet>"])
        let tables = try XLSXReader.read(widest)
        XCTAssertEqual(tables[0].rows.map(\.line), [1_048_576])
        XCTAssertEqual(tables[0].rows[0].cells.count, 16_384)
        XCTAssertEqual(tables[0].rows[0].cells.last, .bool(true))
        var limits = XLSXPackage.Limits.standard
        limits.maxCells = 10_000
        assertCode(widest, .unsupportedWorkbook, limits: limits, saying: "more cells")
    }

    /// Excel writes a sheet on one line; libxml2 2.9 reports a spurious error after the end of
    /// such a part over 10 MB, which must not fail the read (XMLEvents).
    func testReadsOneLineSheetOverTenMegabytes() throws {
        let dir = try TempFolder()
        try XLSXWriter.write(sampleWorkbook()).write(to: dir.url("ok.xlsx"))
        try Tools.python([Tools.fixture("rewrite_part.py"), dir.path + "/ok.xlsx", dir.path + "/big.xlsx",
                          "xl/worksheets/sheet1.xml", "--one-line-rows", "130000"])
        let size = try Tools.python(["-c", "import zipfile,sys; print(zipfile.ZipFile(sys.argv[1]).getinfo('xl/worksheets/sheet1.xml').file_size)", dir.path + "/big.xlsx"])
        XCTAssertGreaterThan(Int(size.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, 10_500_000)
        let tables = try XLSXReader.read(try Data(contentsOf: dir.url("big.xlsx")))
        XCTAssertEqual(tables[0].rows.count, 130_000)
        XCTAssertEqual(tables[0].rows.last, TableRow(line: 130_000, cells: [.number(130_000), .text("行130000")]))
    }

    // MARK: - The ZIP packing

    /// Parts split into deflate blocks on several threads (at, below and above the block size,
    /// empty, incompressible) come back byte for byte from Python's zipfile (zlib's inflate, every
    /// CRC checked) and from `unzip -t` where installed.
    func testZipWriterBlocksInflateInOtherReaders() throws {
        let dir = try TempFolder()
        var generator = SystemRandomNumberGenerator()
        let block = ZIPWriter.blockSize
        // Text that repeats across block boundaries (so a block primed with the previous 32 KiB
        // refers back into it), and random bytes that deflate cannot shrink.
        var text = [UInt8]()
        var line = 0
        while text.count < 3 * block + 12_345 {
            text += Array("<row r=\"\(line)\"><c t=\"s\"><v>\(line % 977)</v></c><c><v>客户\(line % 31)</v></c></row>\n".utf8)
            line += 1
        }
        let random = (0..<(block + 77)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let parts: [(String, [UInt8])] = [
            ("empty.xml", []), ("one.xml", [0x41]), ("text.xml", text), ("exact.xml", Array(text[..<block])),
            ("two.xml", Array(text[..<(2 * block)])), ("random.bin", random),
        ]
        let zip = try ZIPWriter.archive(parts.map { ZIPWriter.Part(path: $0.0, data: Data($0.1)) }, modified: Date(timeIntervalSince1970: 1_795_363_200))
        try zip.write(to: dir.url("p.zip"))
        let listing = try Tools.python(["-c", """
            import zipfile, hashlib, sys
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None
            for i in z.infolist():
                print(i.filename, i.file_size, hashlib.sha256(z.read(i)).hexdigest(), i.compress_type, i.date_time)
            """, dir.path + "/p.zip"])
        let expected = try parts.map { "\($0.0) \($0.1.count) \(try SHA256.hash($0.1).hexString) 8 (2026, 11, 22, 16, 0, 0)" }
        XCTAssertEqual(listing.split(separator: "\n").map(String.init), expected)
        // The text deflated, the random bytes not much larger than themselves.
        XCTAssertLessThan(zip.count, text.count / 2 + random.count + block)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip") {
            let check = try Tools.run("/usr/bin/unzip", ["-tq", dir.path + "/p.zip"])
            XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        }
    }

    /// The shared-string table numbers texts in order of first use, keeps spellings that differ
    /// only in their Unicode form apart, and survives growing far past its first size.
    func testSharedStringTableNumbersDistinctBytes() {
        var table = SharedStringTable()
        XCTAssertEqual(table.add("华东区"), 0)
        XCTAssertEqual(table.add("e\u{301}"), 1)
        XCTAssertEqual(table.add("\u{e9}"), 2)
        XCTAssertEqual(table.add("华东区"), 0)
        XCTAssertEqual(table.add(""), 3)
        for i in 0..<50_000 { XCTAssertEqual(table.add("客户\(i)", hash: SharedStringTable.hash("客户\(i)")), 4 + i) }
        for i in stride(from: 0, to: 50_000, by: 997) { XCTAssertEqual(table.add("客户\(i)"), 4 + i) }
        XCTAssertEqual(table.add("e\u{301}"), 1)
        XCTAssertEqual(table.count, 50_004)
        XCTAssertEqual(table.references, 5 + 50_000 + 51 + 1)
        let xml = String(decoding: table.xml(), as: UTF8.self)
        XCTAssertTrue(xml.contains("count=\"50057\" uniqueCount=\"50004\""), String(xml.prefix(300)))
        XCTAssertTrue(xml.contains("<si><t>华东区</t></si><si><t>e\u{301}</t></si><si><t>\u{e9}</t></si><si><t></t></si><si><t>客户0</t></si>"))
    }

    // MARK: - Speed

    /// 100,000 × 10 with SALESVAULT_XLSX_BENCH=1 (prints the times); 10,000 × 10 otherwise.
    func testLargeSheetRoundTrip() throws {
        let rowCount = ProcessInfo.processInfo.environment["SALESVAULT_XLSX_BENCH"] == "1" ? 100_000 : 10_000
        var rows: [[XLSXCell]] = []
        rows.reserveCapacity(rowCount)
        for i in 0..<rowCount {
            rows.append([
                .text("客户\(i)"), .text("0571-\(10_000_000 + i)"), XLSXCell(.integer(Int64(i))), XLSXCell(.number(Double(i) / 8)),
                XLSXCell(.date(CivilDateTime(year: 2024, month: 1 + i % 12, day: 1 + i % 28))),
                XLSXCell(.money(amount: Decimal(i) / 100, currency: "CNY")), XLSXCell(.bool(i % 2 == 0)),
                .text(i % 7 == 0 ? "华东区" : "华南区"), .text("备注 \(i % 100)"), XLSXCell(.number(Double(i))),
            ])
        }
        let sheet = XLSXSheet(name: "客户", columns: (1...10).map { XLSXColumn("列\($0)") }, rows: rows)
        let writeStart = Date()
        let data = try XLSXWriter.write(XLSXWorkbook(sheets: [sheet]))
        let writeSeconds = Date().timeIntervalSince(writeStart)
        let readStart = Date()
        let tables = try XLSXReader.read(data)
        let readSeconds = Date().timeIntervalSince(readStart)
        print("XLSX \(rowCount) × 10: write \(String(format: "%.2f", writeSeconds)) s, read \(String(format: "%.2f", readSeconds)) s, \(data.count) bytes")
        XCTAssertEqual(tables[0].rows.count, rowCount + 1)
        XCTAssertEqual(tables[0].rows.last?.line, rowCount + 1)
        XCTAssertEqual(tables[0].rows.last?.cells[1], .text("0571-\(10_000_000 + rowCount - 1)"))
        XCTAssertEqual(tables[0].rows[1].cells[4], .date(CivilDateTime(year: 2024, month: 1, day: 1)))
        // Written in parallel blocks, yet the same bytes every time (INTERCHANGE.md §6.2).
        let fixed = XLSXWorkbook(sheets: [sheet], created: Date(timeIntervalSince1970: 1_795_363_200))
        XCTAssertEqual(try XLSXWriter.write(fixed), try XLSXWriter.write(fixed))
    }
}

// MARK: - Helpers (test targets cannot share code; after Tests/SalesVaultCLITests/ProcessSupport.swift)

/// A temporary folder removed when released.
final class TempFolder {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("svxlsx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func url(_ name: String) -> URL { URL(fileURLWithPath: path).appendingPathComponent(name) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The real tools the tests drive: python3 with openpyxl, and LibreOffice's soffice.
enum Tools {
    static func fixtureURL(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/xlsx/\(name)")
    }
    static func fixture(_ name: String) -> String { fixtureURL(name).path }

    /// Runs `python3 args…` (skipping the test when python3 or openpyxl is missing); its stdout.
    @discardableResult
    static func python(_ args: [String]) throws -> String {
        let probe = try run("python3", ["-c", "import openpyxl"])
        if probe.status == 127 { throw XCTSkip("python3 is not installed (Scripts/test installs it)") }
        if probe.status != 0 { throw XCTSkip("openpyxl is not installed: run `python3 -m pip install openpyxl` (Scripts/test does)") }
        let result = try run("python3", args)
        guard result.status == 0 else { throw ToolFailure(message: "python3 \(args.first ?? "") failed: \(result.stderr)") }
        return result.stdout
    }

    /// Runs soffice headless with its own profile in `profile` (so parallel runs do not clash).
    static func soffice(_ args: [String], profile: TempFolder) throws {
        let probe = try run("soffice", ["--version"])
        if probe.status != 0 { throw XCTSkip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui (Scripts/test does)") }
        let env = "-env:UserInstallation=" + URL(fileURLWithPath: profile.path + "/lo-profile").absoluteString
        let result = try run("soffice", [env, "--headless", "--norestore"] + args)
        guard result.status == 0 else { throw ToolFailure(message: "soffice failed: \(result.stdout) \(result.stderr)") }
    }

    /// The entry names of a zip file, through python's zipfile.
    static func zipListing(_ url: URL) throws -> [String] {
        try python(["-c", "import zipfile,sys; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", url.path])
            .split(separator: "\n").map(String.init)
    }

    struct ToolFailure: Error, CustomStringConvertible { let message: String; var description: String { message } }

    /// Runs a program found on PATH and waits up to `timeout` seconds (then stops it and fails);
    /// status 127 when it is not there. Output goes to files, so no pipe can fill and block it.
    static func run(_ tool: String, _ args: [String], timeout: Double = 180) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + args
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C.UTF-8"
        env["PYTHONIOENCODING"] = "utf-8"
        process.environment = env
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("svxlsx-run-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out")
        let errURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + 10)
            throw ToolFailure(message: "\(tool) did not finish within \(Int(timeout)) s")
        }
        try outHandle.close()
        try errHandle.close()
        let out = (try? Data(contentsOf: outURL)) ?? Data()
        let err = (try? Data(contentsOf: errURL)) ?? Data()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
