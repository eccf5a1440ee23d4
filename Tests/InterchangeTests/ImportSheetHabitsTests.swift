import Foundation
@testable import Interchange
@testable import SalesArchive
import XCTest

/// What a salesperson's own sheets hold besides records (black-box findings of a Chinese
/// salesperson's week): a totals row, Excel's error values, identifiers typed in full width, and
/// a contact person's mobile on a customer list, which was taken as it was.
final class ImportSheetHabitsTests: XCTestCase {
    func utf8(_ s: String) -> Data { Data(s.utf8) }

    func testATotalsRowIsLeftOutWithAWarningNotImportedAsACustomer() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("序号,客户名称,客户等级,备注\n1,甲有限公司,A,\n2,乙有限公司,B,\n合计：,,,2家\n"), name: "名单.csv")
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.counts[.customers]?.new, 2)
        let warning = try XCTUnwrap(p.warnings.first { $0.reasonZH.contains("合计/小计行") }, "\(p.warnings)")
        XCTAssertEqual(warning.reasonZH, "第 4 行看起来是合计/小计行（“合计：”），已跳过")
        XCTAssertEqual(warning.reason, "line 4 looks like totals (\"合计：\"), not records; skipped (1 in all)")
        XCTAssertEqual(warning.line, 0, "the lines are in the text")
        let a = try f.open()
        XCTAssertEqual(a.state.all(.customer).map(\.displayName).sorted(), ["乙有限公司", "甲有限公司"])

        // In a workbook, the word in the name column (the first cell), in English, several.
        let source = ImportSource(fileName: "c.xlsx", sha256: "", format: .xlsx, tables: [Table(name: "客户", rows: [
            TableRow(line: 1, cells: [.text("客户名称"), .text("客户等级")]),
            TableRow(line: 2, cells: [.text("丙有限公司"), .text("C")]),
            TableRow(line: 3, cells: [.text("小计"), .number(1)]),
            TableRow(line: 4, cells: [.text("Total"), .number(1)]),
        ])])
        let q = try Importer(archive: a, options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(q.counts[.customers]?.new, 1)
        XCTAssertTrue(q.warnings.contains { $0.reasonZH == "第 3、4 行看起来是合计/小计行（“小计”等），已跳过（共 2 行）" }, "\(q.warnings)")
        // A company whose name only starts with the word is a company.
        let r = try Importer(archive: a, options: ImportOptions(now: testNow)).preview(ImportSource.read(utf8("客户名称\n合计科技有限公司\n"), fileName: "x.csv"))
        XCTAssertEqual(r.counts[.customers]?.new, 1)
    }

    func testExcelErrorValuesAreRefusedNotImportedAsText() throws {
        let f = try ImportFixture()
        let source = ImportSource(fileName: "c.xlsx", sha256: "", format: .xlsx, tables: [Table(name: "客户", rows: [
            TableRow(line: 1, cells: [.text("客户名称"), .text("电话"), .text("地址"), .text("备注")]),
            TableRow(line: 2, cells: [.text("甲有限公司"), .text("#N/A"), .text("上海"), .empty]),
            TableRow(line: 3, cells: [.text("乙有限公司"), .text("021-1234"), .empty, .text("#REF!")]),
            TableRow(line: 4, cells: [.text("丙有限公司"), .empty, .empty, .text("#话题 讨论")]),
        ])])
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(p.problems.map(\.line), [2, 3])
        XCTAssertEqual(p.problems.map(\.column), ["电话", "备注"])
        XCTAssertEqual(p.problems.first?.reasonZH, "“#N/A”是 Excel 公式出错时显示的结果，不是实际内容。请在表格中改正公式或清空该单元格后重新导入")
        // The same from a CSV that Excel saved.
        let csv = try f.importing(utf8("客户名称,电话\n丁有限公司,#VALUE!\n"), name: "c.csv", commit: false)
        XCTAssertEqual(csv.problems.map(\.value), ["#VALUE!"])
    }

    func testIdentifiersTypedInFullWidthAreStoredAsTheirASCII() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("客户名称,统一社会信用代码,电话,联系人,手机\n全角有限公司,９１４４０３００７０８４６１１３６Ｔ,０２１－６２３４５６７８,王敏,１３９００１３９０００\n"),
                                name: "全角.csv")
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        let a = try f.open()
        let c = try a.resolve(.customer, "全角有限公司")
        XCTAssertEqual(c["creditCode"]?.text, "91440300708461136T")
        XCTAssertEqual(c["phone"]?.text, "021-62345678")
        XCTAssertEqual(a.state.all(.contact).first?["mobile"]?.text, "13900139000")
    }

    func testAContactPersonsMobileOnACustomerListIsCheckedAsInAContactList() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("客户名称,客户等级,联系人,手机\n科学计数有限公司,B,乙,1.38001E+10\n正常有限公司,B,丙,13800138000\n"), name: "c.csv", commit: false)
        XCTAssertEqual(p.problems.map(\.line), [2])
        XCTAssertEqual(p.problems.first?.column, "手机")
        XCTAssertTrue(p.problems.first?.reasonZH.contains("科学计数法") ?? false, "\(p.problems)")
        let source = ImportSource(fileName: "c.xlsx", sha256: "", format: .xlsx, tables: [Table(name: "客户", rows: [
            TableRow(line: 1, cells: [.text("客户名称"), .text("联系人"), .text("手机")]),
            TableRow(line: 2, cells: [.text("甲有限公司"), .text("张三"), .number(1_234_567_890_123_456_789)]),
            TableRow(line: 3, cells: [.text("乙有限公司"), .text("李四"), .number(13_800_138_000)]),
        ])])
        let q = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(q.problems.map(\.line), [2], "a number too long for Excel: \(q.problems)")
        // A whole mainland mobile as a number has no leading 0 to lose: not noted (helper-182 F6;
        // a landline as a number still is: ImportTests.testANumericMobileCellIsNoLostZero).
        XCTAssertFalse(q.warnings.contains { $0.column == "手机" && $0.reasonZH.contains("开头的 0") }, "a whole mobile as a number: \(q.warnings)")
    }

    /// A mobile or title on a customer's row without the contact person's name has no person to
    /// go to: it is not imported, and the preview says so with the lines (it went without a word).
    func testAContactPersonsCellsWithoutTheirNameAreSaidNotImported() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("客户名称,客户等级,联系人,手机,职务\n甲有限公司,B,张三,13800138000,经理\n乙有限公司,B,,13900139000,采购\n丙有限公司,C,,,\n"),
                                name: "c.csv")
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.counts[.customers]?.new, 3)
        let warning = try XCTUnwrap(p.warnings.first { $0.reasonZH.contains("联系人姓名为空") }, "\(p.warnings)")
        XCTAssertEqual(warning.reasonZH, "第 3 行有联系人的手机、职务，但联系人姓名为空或写的是“无”等，这些信息未导入。如需保留，请补上姓名后加 --on-duplicate skip 重新导入")
        let a = try f.open()
        XCTAssertEqual(a.state.all(.contact).map(\.displayName), ["张三"], "only the named person is a contact")
    }

    /// 客户名称, 联系人, 手机 read as contacts refused every row of a customer list ("no such
    /// customer"); a file of one table whose customers the archive has none of is that list.
    func testACustomerListWithItsContactPersonIsNotReadAsContactsOfUnknownCustomers() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("客户名称,联系人,手机\n多人联系有限公司,王强,13800000001\n另一家有限公司,李娜,13900000002\n"), name: "m.csv")
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.counts[.customers]?.new, 2)
        XCTAssertTrue(p.warnings.contains { $0.reasonZH.contains("因此按客户名单导入（每行为一家客户及其联系人）") && $0.reasonZH.contains("--kind contacts") }, "\(p.warnings)")
        let a = try f.open()
        XCTAssertEqual(a.state.all(.contact).map(\.displayName).sorted(), ["李娜", "王强"])
        // Customers the archive has: contacts, as before.
        let source = try ImportSource.read(utf8("客户名称,联系人,手机\n多人联系有限公司,赵六,13700000003\n"), fileName: "c.csv")
        let q = try Importer(archive: a, options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(q.counts[.contacts]?.new, 1, "\(q.problems)")
        XCTAssertNil(q.counts[.customers])
        XCTAssertFalse(q.warnings.contains { $0.reasonZH.contains("按客户名单导入") })
    }

    /// A log row naming a customer whose own row in the file was refused was told the customer
    /// is nowhere in the file; it is told which row to correct.
    func testALogRowNamingARefusedCustomerRowNamesThatRow() throws {
        let f = try ImportFixture()
        let source = ImportSource(fileName: "w.xlsx", sha256: "", format: .xlsx, tables: [
            Table(name: "客户", rows: [
                TableRow(line: 1, cells: [.text("客户名称"), .text("统一社会信用代码")]),
                TableRow(line: 2, cells: [.text("南京紫金软件股份有限公司"), .text("91320100MA1XXXXX10")]),
            ]),
            Table(name: "跟进记录", rows: [
                TableRow(line: 1, cells: [.text("客户名称"), .text("跟进时间"), .text("跟进内容")]),
                TableRow(line: 2, cells: [.text("南京紫金软件股份有限公司"), .text("2026-11-20 10:00"), .text("电话沟通")]),
            ]),
        ])
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        let log = try XCTUnwrap(p.problems.first { $0.table == "跟进记录" }, "\(p.problems)")
        XCTAssertEqual(log.reasonZH, "客户“南京紫金软件股份有限公司”所在的行（“客户”工作表第 2 行）有误，因此本行也无法导入。请先改正该行")
    }

    /// A customer name merged over its contacts' rows (A2:A4) is the customer of each row; a
    /// title merged across columns stays one cell (black-box finding: the rows below the first
    /// were refused as naming no customer).
    func testAValueMergedOverSeveralRowsIsReadInEachOfThem() throws {
        let f = try ImportFixture()
        try f.importing(utf8("客户名称\n华东电力有限公司\n"), name: "c.csv")
        let path = f.file("merged.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "联系人"
            ws.append(["华东电力联系人名单"]); ws.merge_cells("A1:C1")
            ws.append(["客户名称", "姓名", "手机"])
            ws.append(["华东电力有限公司", "张三", "13800000001"])
            ws.append([None, "李四", "13800000002"])
            ws.append([None, "王五", "13800000003"])
            ws.merge_cells("A3:A5")
            wb.save(sys.argv[1])
            """, path])
        let source = try ImportSource.read(Data(contentsOf: URL(fileURLWithPath: path)), fileName: "merged.xlsx")
        XCTAssertEqual(source.tables.first?.rows.map(\.cells.first), [.text("华东电力联系人名单"), .text("客户名称"), .text("华东电力有限公司"),
                                                                     .text("华东电力有限公司"), .text("华东电力有限公司")])
        XCTAssertEqual(source.tables.first?.rows.first?.cells.count, 1, "the title is not copied across its columns")
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.counts[.contacts]?.new, 3)
    }

    /// A formula whose result the file does not hold (openpyxl writes none; Excel and WPS do
    /// when they save) is read as an empty cell, and the preview names where (a credit code of
    /// =A1&B1 was imported as no code without a word: helper-92).
    func testAFormulaWithoutItsResultIsNamed() throws {
        let f = try ImportFixture()
        let path = f.file("formula.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "客户"
            ws.append(["客户名称", "客户等级", "统一社会信用代码", "备注"])
            ws.append(["华东电力有限公司", "A", "=\\"91350100M000100\\"&\\"Y43\\"", "老客户"])
            ws.append(["华南电力有限公司", "B", "", "=D2"])
            ws.append(["华北电力有限公司", "C", "91310000132206713C", ""])
            wb.save(sys.argv[1])
            """, path])
        let source = try ImportSource.read(Data(contentsOf: URL(fileURLWithPath: path)), fileName: "formula.xlsx")
        XCTAssertEqual(source.tables.first?.uncomputedFormulas, [CellPosition(line: 2, column: 2), CellPosition(line: 3, column: 3)])
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(p.counts[.customers]?.new, 3, "\(p.problems)")
        let warning = try XCTUnwrap(p.warnings.first { $0.reasonZH.contains("是公式") }, "\(p.warnings)")
        XCTAssertEqual(warning.reasonZH, "单元格 C2、D3 是公式，但文件中没有保存计算结果（文件可能是从其他系统导出的，未经 Excel 或 WPS 保存），这些单元格将按空白处理。请用 Excel 或 WPS 打开该文件并保存后再导入")
    }

    /// The workbook `script` fills with openpyxl (`wb`, its sheet 客户 `ws` with the headers
    /// 客户名称, 下次跟进, 备注), computed and saved by LibreOffice
    /// (every formula's result stored, as a spreadsheet saves a user's workbook), read as the
    /// import reads 客户.xlsx.
    static func computedByLibreOffice(_ script: String) throws -> ImportSource {
        let dir = try TempFolder()
        let sheet = "import sys, openpyxl\nfrom openpyxl.workbook.defined_name import DefinedName\n"
            + "wb = openpyxl.Workbook(); ws = wb.active; ws.title = \"客户\"\nws.append([\"客户名称\", \"下次跟进\", \"备注\"])\n"
        try Tools.python(["-c", sheet + script + "\nwb.save(sys.argv[1])\n", dir.path + "/in.xlsx"])
        try FileManager.default.createDirectory(atPath: dir.path + "/out", withIntermediateDirectories: true)
        try Tools.soffice(["--convert-to", "xlsx", "--outdir", dir.path + "/out", dir.path + "/in.xlsx"], profile: dir)
        return try ImportSource.read(Data(contentsOf: URL(fileURLWithPath: dir.path + "/out/in.xlsx")), fileName: "客户.xlsx")
    }

    /// A formula of the day the file is opened (=TODAY()+3, =NOW(), a shared formula's other
    /// cells too) refuses its row, naming the cell and the formula: the value the file holds is
    /// of the day it was last saved (it was imported as a fixed date: helper-113). A workbook
    /// made by openpyxl and computed and saved by LibreOffice, as a user's would be; TODAY in
    /// quotes, and other formulas, are values as before.
    func testAFormulaOfTheDayRefusesItsRow() throws {
        let f = try ImportFixture()
        let source = try Self.computedByLibreOffice("""
            ws.append(["华东电力有限公司", "=TODAY()+3", "老客户"])
            ws.append(["华南电力有限公司", "2026-12-20", '="TODAY()"&"以后"'])
            ws.append(["华北电力有限公司", "=DATE(2026,12,21)", "=now ()"])
            ws.append(["华中电力有限公司", "=B3", ""])
            ws["B2"].number_format = "yyyy-mm-dd"; ws["B4"].number_format = "yyyy-mm-dd"  # (as Excel formats a date formula)
            """)
        XCTAssertEqual(source.tables.first?.uncomputedFormulas, [], "LibreOffice saved every result")
        XCTAssertEqual(Set(source.tables.first?.volatileFormulas.keys.map { "\($0.line),\($0.column)" } ?? []), ["2,1", "4,2"])
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(p.problems.map(\.line), [2, 4], "\(p.problems)")
        XCTAssertEqual(p.problems.map(\.column), ["下次跟进", "备注"])
        XCTAssertEqual(p.problems.first?.value?.uppercased(), "=TODAY()+3")
        XCTAssertTrue(p.problems.first?.reasonZH.hasPrefix("单元格 B2 是会随当天日期自动变化的公式（=TODAY()+3），") == true, p.problems.first?.reasonZH ?? "")
        XCTAssertTrue(p.problems.first?.reasonZH.contains("并不是固定日期。请改成具体日期") == true, p.problems.first?.reasonZH ?? "")
        XCTAssertTrue(p.problems.last?.reasonZH.contains("并不是固定内容。请改成具体内容") == true, p.problems.last?.reasonZH ?? "")
        XCTAssertEqual(p.counts[.customers]?.new, 2)
        XCTAssertTrue(SheetParser.isVolatile("TODAY()") && SheetParser.isVolatile("_xlfn.NOW ()+1") && SheetParser.isVolatile("IF(A1,today(),1)"))
        XCTAssertFalse(SheetParser.isVolatile("\"TODAY()\"&A1") || SheetParser.isVolatile("TODAYS(1)") || SheetParser.isVolatile("A1+NOWHERE(2)"))
    }

    /// A cell that refers to a formula of the day, on its sheet (=$G$1+3 under G1 =TODAY()),
    /// on another sheet, through a range or a defined name (今天 = TODAY()), a step or two away,
    /// refuses its row as well, naming the cell it comes from (they were imported as fixed
    /// dates: helper-116). Computed and saved by LibreOffice, as a user's workbook would be.
    func testACellReferringToAFormulaOfTheDayRefusesItsRow() throws {
        let f = try ImportFixture()
        let source = try Self.computedByLibreOffice("""
            ws.append(["华东电力有限公司", "=$G$1+3", ""])
            ws.append(["华南电力有限公司", "=B2+1", ""])
            ws.append(["华北电力有限公司", "=参数!A1", ""])
            ws.append(["华中电力有限公司", "=今天-1", ""])
            ws.append(["西南电力有限公司", "=MAX(参数!A1:A3)", ""])
            ws.append(["西北电力有限公司", "=DATE(2026,12,21)", '=G2&"号"'])
            ws["G1"] = "=TODAY()"; ws["G2"] = "固定"
            p = wb.create_sheet("参数"); p["A1"] = "=TODAY()-4"; p["A3"] = 1
            wb.defined_names["今天"] = DefinedName("今天", attr_text="TODAY()")
            for r in range(2, 8): ws.cell(row=r, column=2).number_format = "yyyy-mm-dd"
            """)
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(p.problems.map(\.line), [2, 3, 4, 5, 6], "\(p.problems)")
        XCTAssertEqual(p.counts[.customers]?.new, 1, "the fixed date and the text of a fixed cell")
        XCTAssertTrue(p.problems.first?.reasonZH.contains("；其中 G1 为 =TODAY()") == true, p.problems.first?.reasonZH ?? "")
        // The reading of references, alone: relative parts move with a shared formula's cell.
        XCTAssertEqual(FormulaDays.references(in: "$G$1+B2*'参 数'!A1:B3+\"C5\"", rowShift: 2, columnShift: 1),
                       [.init(sheet: nil, rows: 1...1, columns: 6...6), .init(sheet: nil, rows: 4...4, columns: 2...2),
                        .init(sheet: "参 数", rows: 3...5, columns: 1...2)])
        XCTAssertEqual(FormulaDays.references(in: "LOG10(A1)+SUM(B1)"), [.init(sheet: nil, rows: 1...1, columns: 0...0), .init(sheet: nil, rows: 1...1, columns: 1...1)])
        // Whole columns and rows, and INDIRECT (helper-118: they were missed); a chain names the
        // cell with TODAY() itself.
        XCTAssertEqual(FormulaDays.references(in: "MAX($Z:$Z)+SUM(参数!3:3)"),
                       [.init(sheet: nil, rows: 1...XLSXReader.maxRow, columns: 25...25), .init(sheet: "参数", rows: 3...3, columns: 0...(XLSXReader.maxColumn - 1))])
        let chained = FormulaDays.resolve(
            sheets: ["客户"],
            formulas: [[CellPosition(line: 3, column: 25): .init(text: "Z2-1"), CellPosition(line: 4, column: 25): .init(text: "Z3-1"),
                        CellPosition(line: 2, column: 1): .init(text: "MAX(Z:Z)"), CellPosition(line: 3, column: 1): .init(text: "INDIRECT(\"A\"&1)"),
                        CellPosition(line: 4, column: 1): .init(text: "MAX(Y:Y)")]],
            direct: [[CellPosition(line: 2, column: 25): "TODAY()"]], definedNames: [:])[0]
        XCTAssertEqual(chained[CellPosition(line: 4, column: 25)], "Z3-1; Z2: =TODAY()")
        XCTAssertEqual(chained[CellPosition(line: 2, column: 1)], "MAX(Z:Z); Z2: =TODAY()")
        XCTAssertNotNil(chained[CellPosition(line: 3, column: 1)], "INDIRECT may reach it")
        XCTAssertNil(chained[CellPosition(line: 4, column: 1)], "a column without one")
        // A long sheet of them: 20,000 rows of =B2+1 beside 20,000 of =TODAY()-A2, and a column
        // of =MAX(D:D) over a column with none: each found by a lookup (a pass over every cell
        // of the day for each formula was 400 million steps here).
        let n = 20_000
        var formulas: [CellPosition: FormulaDays.Formula] = [:], direct: [CellPosition: String] = [:]
        for row in 2...(n + 1) {
            direct[CellPosition(line: row, column: 1)] = "TODAY()-A\(row)"
            formulas[CellPosition(line: row, column: 2)] = .init(text: "B\(row)+1")
            if row < 200 { formulas[CellPosition(line: row, column: 4)] = .init(text: "MAX(D:D)") }
        }
        let long = FormulaDays.resolve(sheets: ["客户"], formulas: [formulas], direct: [direct], definedNames: [:])[0]
        XCTAssertEqual(long.count, 2 * n, "every =B+1, no =MAX(D:D)")
        XCTAssertEqual(long[CellPosition(line: n + 1, column: 2)], "B\(n + 1)+1; B\(n + 1): =TODAY()-A\(n + 1)")
        // None of the day anywhere: none found, the formulas not read again.
        XCTAssertEqual(FormulaDays.resolve(sheets: ["客户"], formulas: [formulas], direct: [[:]], definedNames: ["税率": "0.13"])[0], [:])
        XCTAssertEqual(FormulaDays.resolve(sheets: ["客户"], formulas: [[CellPosition(line: 2, column: 1): .init(text: "今天+1")]], direct: [[:]],
                                           definedNames: ["今天": "TODAY()"])[0].count, 1, "a name of the day is one")
    }

    /// A hidden sheet (an old copy, the lists behind a drop-down) was imported without a word,
    /// or refused as having no known columns; it is left out, and the preview says so.
    func testAHiddenSheetIsNotImportedAndTheWarningSaysHowToImportIt() throws {
        let f = try ImportFixture()
        let path = f.file("hidden.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "客户"
            ws.append(["客户名称", "客户等级"]); ws.append(["华东电力有限公司", "A"])
            old = wb.create_sheet("旧版备份"); old.append(["客户名称", "客户等级"]); old.append(["旧的客户有限公司", "B"])
            old.sheet_state = "hidden"
            lists = wb.create_sheet("下拉选项"); lists.append(["A", "B", "C", "D"]); lists.sheet_state = "veryHidden"
            wb.save(sys.argv[1])
            """, path])
        let source = try ImportSource.read(Data(contentsOf: URL(fileURLWithPath: path)), fileName: "hidden.xlsx")
        XCTAssertEqual(source.tables.map(\.hidden), [false, true, true])
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(p.counts[.customers]?.new, 1)
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.warnings.filter { $0.reasonZH.contains("处于隐藏状态") }.map(\.table), ["旧版备份", "下拉选项"])
        XCTAssertTrue(p.warnings.contains { $0.reasonZH == "工作表“旧版备份”在工作簿中处于隐藏状态，未导入；如需导入，请在 Excel 中取消隐藏后重新导入" })
        XCTAssertFalse(p.warnings.contains { $0.reasonZH.contains("找不到必需的列") }, "\(p.warnings)")
    }

    /// Rows a filter or the user hides are imported (a filtered list holds more than it shows),
    /// and the preview names them; an empty hidden row is not named.
    func testHiddenRowsAreImportedAndTheWarningNamesThem() throws {
        let f = try ImportFixture()
        let path = f.file("filtered.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "客户"
            ws.append(["客户名称", "客户等级"])
            for name, grade in [("甲有限公司", "A"), ("乙有限公司", "C"), ("丙有限公司", "A"), ("丁有限公司", "D")]: ws.append([name, grade])
            ws.row_dimensions[3].hidden = True; ws.row_dimensions[5].hidden = True; ws.row_dimensions[9].hidden = True
            wb.save(sys.argv[1])
            """, path])
        let source = try ImportSource.read(Data(contentsOf: URL(fileURLWithPath: path)), fileName: "filtered.xlsx")
        XCTAssertEqual(source.tables.first?.hiddenRows, [3, 5, 9])
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(p.counts[.customers]?.new, 4)
        let warning = try XCTUnwrap(p.warnings.first { $0.reasonZH.contains("隐藏") }, "\(p.warnings)")
        XCTAssertEqual(warning.line, 0)
        XCTAssertEqual(warning.reasonZH, "第 3、5 行为隐藏行（可能是筛选时隐藏的，共 2 行），也会一并导入；如不需要，请先在表格中删除")
        XCTAssertTrue(warning.reason.hasPrefix("lines 3, 5 are hidden in the sheet"), warning.reason)
    }

    func testHiddenColumnsWithDataAreImportedAndTheWarningNamesThem() throws {
        let f = try ImportFixture()
        let path = f.file("hidden-cols.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "客户"
            ws.append(["客户名称", "客户等级", "备注", "地址", "行业"])
            ws.append(["甲有限公司", "A", "内部：回款慢", "", ""])
            ws.append(["乙有限公司", "B", "", "", ""])
            ws.column_dimensions["C"].hidden = True; ws.column_dimensions["D"].hidden = True
            wb.save(sys.argv[1])
            """, path])
        let source = try ImportSource.read(Data(contentsOf: URL(fileURLWithPath: path)), fileName: "hidden-cols.xlsx")
        XCTAssertEqual(source.tables.first?.hiddenColumns, [2, 3])
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(p.counts[.customers]?.new, 2)
        // Column D is hidden but empty: nothing of it is imported, so it is not named.
        let warning = try XCTUnwrap(p.warnings.first { $0.reasonZH.contains("隐藏列") }, "\(p.warnings)")
        XCTAssertEqual(warning.reasonZH, "C 列“备注”在表格中是隐藏列，其内容也会一并导入；如不需要导入，可在 --mapping 对照表中写一行“备注 = -”，或先在表格中删除该列")
        XCTAssertEqual(warning.reason, "column C (备注) is hidden in the sheet and imported like the others; if it should not be, leave it out with a --mapping line `备注 = -`, or delete it from the sheet")
        XCTAssertEqual(p.warnings.filter { $0.reasonZH.contains("隐藏列") }.count, 1)
        // The mapping line it gives leaves the column out, and the warning goes.
        let mapping = f.file("map.txt")
        try Data("备注 = -\n".utf8).write(to: URL(fileURLWithPath: mapping))
        var options = ImportOptions(now: testNow)
        options.mapping = try ColumnMapping(contentsOf: mapping)
        let mapped = try Importer(archive: f.open(), options: options).preview(source)
        XCTAssertFalse(mapped.warnings.contains { $0.reasonZH.contains("隐藏列") }, "\(mapped.warnings)")
        // A hidden column the table cannot be without (客户名称 as column A) is not to be
        // deleted: the warning says it is imported, and no more.
        let nameHidden = f.file("hidden-a.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "客户"
            ws.append(["客户名称", "客户等级"])
            ws.append(["甲有限公司", "A"])
            ws.column_dimensions["A"].hidden = True
            wb.save(sys.argv[1])
            """, nameHidden])
        let a = try Importer(archive: f.open(), options: ImportOptions(now: testNow))
            .preview(ImportSource.read(Data(contentsOf: URL(fileURLWithPath: nameHidden)), fileName: "hidden-a.xlsx"))
        XCTAssertEqual(a.warnings.first { $0.reasonZH.contains("隐藏列") }?.reasonZH, "A 列“客户名称”在表格中是隐藏列，其内容也会一并导入")
    }

    func testAUnitsRowUnderTheHeaderIsANoteAndAnInstructionRowInASCIIBracketsToo() throws {
        let f = try ImportFixture()
        // Units in brackets of either width, after 单位：, in columns mapped or not.
        _ = try f.importing(utf8("客户名称\n甲有限公司\n"), name: "客户.csv")
        let p = try f.importing(utf8("项目名称,客户,预计金额,注册资本,占比\n,,（万元）,单位：万元,%\n甲项目,甲有限公司,120,50,10\n"), name: "项目.csv", commit: false)
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.counts[.projects]?.new, 1)
        XCTAssertTrue(p.warnings.contains { $0.reasonZH.hasPrefix("第 2 行看起来是说明性内容") && $0.reasonZH.contains("不是数据，已跳过") }, "\(p.warnings)")
        for units in ["(万元)", "[元]", "单位:元", "RMB", "（人民币万元）"] {
            XCTAssertTrue(Importer.isUnitText(units), units)
        }
        for value in ["万科", "元宇宙科技", "(北京)", "100万元", "人民"] {
            XCTAssertFalse(Importer.isUnitText(value), value)
        }
        // (必填) written with ASCII brackets is an instruction row like （必填）.
        let q = try f.importing(utf8("客户名称,客户等级\n(必填),(选填)\n乙有限公司,B\n"), name: "c.csv", commit: false)
        XCTAssertTrue(q.problems.isEmpty, "\(q.problems)")
        XCTAssertEqual(q.counts[.customers]?.new, 1)
        XCTAssertTrue(q.warnings.contains { $0.reasonZH.hasPrefix("第 2 行看起来是说明性内容") }, "\(q.warnings)")
        // A row of a record is none of these, whatever it starts with.
        let r = try f.importing(utf8("客户名称,客户等级\n万元商贸有限公司,B\n(必填)商行,C\n"), name: "d.csv", commit: false)
        XCTAssertEqual(r.counts[.customers]?.new, 2, "\(r.warnings)")
    }

    /// An amount too large to keep, or finer than a fen, is said to be so (1E+22 万元 was "not an
    /// amount" with examples; 1E-07 万元 was stored as 0.00: helper-90); the units note's example
    /// is not a 0 (0 即 0万元 explains nothing).
    func testAnAmountTooLargeOrFinerThanAFenIsSaidToBeSo() throws {
        let f = try ImportFixture()
        _ = try f.importing(utf8("客户名称\n甲有限公司\n"), name: "客户.csv")
        let before = try f.bytes()
        let source = ImportSource(fileName: "p.xlsx", sha256: "", format: .xlsx, tables: [Table(name: "项目", rows: [
            TableRow(line: 1, cells: [.text("项目名称"), .text("客户"), .text("预算（万元）")]),
            TableRow(line: 2, cells: [.text("甲项目"), .text("甲有限公司"), .number(0)]),
            TableRow(line: 3, cells: [.text("乙项目"), .text("甲有限公司"), .number(1e22)]),
            TableRow(line: 4, cells: [.text("丙项目"), .text("甲有限公司"), .number(1e-7)]),
            TableRow(line: 5, cells: [.text("丁项目"), .text("甲有限公司"), .number(12)]),
        ])])
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertFalse(p.canCommit)
        XCTAssertEqual(p.problems.map(\.line), [3, 4], "\(p.problems)")
        XCTAssertTrue(p.problems.first?.reasonZH.contains("”过大，超出可保存的范围，请核对是否录错（如多输了 0 或单位填错）") == true, "\(p.problems)")
        XCTAssertTrue(p.problems.last?.reasonZH.contains("小数位过多：金额最多精确到分") == true, "\(p.problems)")
        let note = try XCTUnwrap(p.warnings.first { $0.column == "预算（万元）" }, "\(p.warnings)")
        XCTAssertTrue(note.reasonZH.contains("如第 5 行的 12 即 12万元"), note.reasonZH)
        XCTAssertEqual(try f.bytes(), before)
        // A column without a unit: a number cell finer than a fen was rounded to it without a
        // word (0.001 stored as 0.00, 1234.567 as 1234.57: helper-92); 1E+22 was "no amount".
        // A large 万元 number within what an amount keeps is read as Excel shows it.
        let plain = ImportSource(fileName: "q.xlsx", sha256: "", format: .xlsx, tables: [Table(name: "项目", rows: [
            TableRow(line: 1, cells: [.text("项目名称"), .text("客户"), .text("预算"), .text("金额（万元）")]),
            TableRow(line: 2, cells: [.text("甲项目"), .text("甲有限公司"), .number(0.001), .empty]),
            TableRow(line: 3, cells: [.text("乙项目"), .text("甲有限公司"), .number(1234.567), .empty]),
            TableRow(line: 4, cells: [.text("丙项目"), .text("甲有限公司"), .number(1e22), .empty]),
            TableRow(line: 5, cells: [.text("丁项目"), .text("甲有限公司"), .number(1234.56), .number(12345678901.23)]),
            TableRow(line: 6, cells: [.text("戊项目"), .text("甲有限公司"), .number(0.1 + 0.2), .empty]),
        ])])
        do {  // (the archive closed before the next import opens it)
            let archive = try f.open()
            let importer = Importer(archive: archive, options: ImportOptions(now: testNow))
            let q = try importer.preview(plain)
            XCTAssertEqual(q.problems.map(\.line), [2, 3, 4], "\(q.problems)")
            XCTAssertEqual(q.problems.map { $0.reasonZH.contains("小数位过多") }, [true, true, false], "\(q.problems)")
            XCTAssertTrue(q.problems.last?.reasonZH.contains("”过大，超出可保存的范围") == true, "\(q.problems)")
            let valid = try Importer(archive: archive, options: { var o = ImportOptions(now: testNow); o.onlyValid = true; return o }()).preview(plain)
            _ = try Importer(archive: archive, options: { var o = ImportOptions(now: testNow); o.onlyValid = true; return o }()).commit(valid)
            let ding = try XCTUnwrap(archive.state.all(.project).first { $0.displayName == "丁项目" })
            XCTAssertEqual(ding["budget"], .money(Money(minorUnits: 123_456, currency: "CNY")!))
            XCTAssertEqual(ding["amount"], .money(Money(minorUnits: 12_345_678_901_230_000, currency: "CNY")!), "as Excel shows it, not 12345678901.230000128")
            XCTAssertEqual(archive.state.all(.project).first { $0.displayName == "戊项目" }?["budget"], .money(Money(minorUnits: 30, currency: "CNY")!))
        }
        // The same typed in a text file, and on the command line's way in (the domain's value).
        let csv = try f.importing(utf8("项目名称,客户,预算（万元）\n甲项目,甲有限公司,99999999999999999999\n乙项目,甲有限公司,0.0000001\n"), name: "p.csv", commit: false)
        XCTAssertEqual(csv.problems.count, 2, "\(csv.problems)")
        XCTAssertTrue(csv.problems.allSatisfy { $0.reasonZH.contains("”过大，超出可保存的范围") || $0.reasonZH.contains("小数位过多") }, "\(csv.problems)")
        // A CSV saved by Excel writes a wide number as shown: 1.23457E+11 is said to be that.
        let shown = try f.importing(utf8("项目名称,客户,预算\n甲项目,甲有限公司,1.23457E+11\n乙项目,甲有限公司,1E+22\n"), name: "p3.csv", commit: false)
        XCTAssertEqual(shown.problems.map(\.reasonZH), ["1.23457E+11", "1E+22"].map {
            "“\($0)”是 Excel 以科学计数法显示的金额，后几位可能已丢失。请在 Excel 中把该列设为“数值”格式（或加宽该列），核对金额后重新保存再导入"
        }, "\(shown.problems)")
        let budget = try XCTUnwrap(Schema.field(.project, key: "budget"))
        XCTAssertThrowsError(try ChangeDraft.value(for: budget, input: "0.001", now: testNow)) { error in
            XCTAssertTrue((error as? ArchiveError)?.reasonZH?.contains("小数位过多") == true, "\(error)")
        }
        XCTAssertEqual(try ChangeDraft.value(for: budget, input: "0.01", now: testNow), .money(Money(minorUnits: 1, currency: "CNY")!))
    }

    /// 预算（万元） with 120 under it is 1,200,000 元 (it was read as 120 元), and so is a units
    /// row's （万元）; a cell with its own unit or currency keeps it.
    func testAnAmountColumnsUnitFromItsHeaderOrAUnitsRowIsApplied() throws {
        let f = try ImportFixture()
        _ = try f.importing(utf8("客户名称\n甲有限公司\n乙有限公司\n丙有限公司\n"), name: "客户.csv")
        let p = try f.importing(utf8("项目名称,客户,预算（万元）,金额(USD)\n甲项目,甲有限公司,120,\"1,500\"\n乙项目,乙有限公司,300万,\n丙项目,丙有限公司,12.5,$20\n"), name: "项目.csv")
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.counts[.projects]?.new, 3)
        let note = try XCTUnwrap(p.warnings.first { $0.column == "预算（万元）" }, "\(p.warnings)")
        // A cell with its own unit keeps it, and the note says so with the first (¥5 under 万元 was
        // 5 元 without a word: helper-92).
        XCTAssertEqual(note.reasonZH, "本列金额按表头所注单位“万元”读取（如第 2 行的 120 即 120万元，合 1,200,000 元）。单元格中自带单位或币种的，按其自身单位读取，如第 3 行的“300万”即 3,000,000 元，请核对")
        let yuan = try f.importing(utf8("项目名称,客户,预算（万元）\n己项目,甲有限公司,12\n庚项目,甲有限公司,¥5\n"), name: "p4.csv", commit: false)
        XCTAssertTrue(yuan.warnings.contains { $0.reasonZH.hasSuffix("如第 3 行的“¥5”即 5 元，请核对") }, "\(yuan.warnings)")
        XCTAssertTrue(p.warnings.contains { $0.column == "金额(USD)" && $0.reason == "the column's amounts are read in USD, as its header says (1,500 on line 2 is USD 1,500)" }, "\(p.warnings)")
        var a: CustomerArchive? = try f.open()
        let projects = a!.state.all(.project).sorted { $0.id < $1.id }
        a = nil
        // 面议 or 待定 is no amount: the example fits the column's unit, and an empty cell is the way.
        let words = try f.importing(utf8("项目名称,客户,预算（万元）,金额\n戊项目,甲有限公司,面议,待定\n"), name: "p2.csv", commit: false)
        XCTAssertEqual(words.problems.map(\.reasonZH), ["预算“面议”不是有效金额，请填写数字，如 120（即 120万元）；预算尚未确定的请留空",
                                                        "金额“待定”不是有效金额，请填写数字，如 300万 或 3000000；金额尚未确定的请留空"])
        let budgets = projects.map { $0["budget"] }
        XCTAssertEqual(budgets, [.money(Money(minorUnits: 120_000_000, currency: "CNY")!), .money(Money(minorUnits: 300_000_000, currency: "CNY")!),
                                 .money(Money(minorUnits: 12_500_000, currency: "CNY")!)])
        let amounts = projects.map { $0["amount"] }
        XCTAssertEqual(amounts, [.money(Money(minorUnits: 150_000, currency: "USD")!), nil, .money(Money(minorUnits: 2_000, currency: "USD")!)])
        // A units row under the header; a number cell of a workbook too.
        let source = ImportSource(fileName: "p.xlsx", sha256: "", format: .xlsx, tables: [Table(name: "项目", rows: [
            TableRow(line: 1, cells: [.text("项目名称"), .text("客户"), .text("预算")]),
            TableRow(line: 2, cells: [.empty, .empty, .text("（万元）")]),
            TableRow(line: 3, cells: [.text("丁项目"), .text("甲有限公司"), .number(80)]),
        ])])
        a = try f.open()
        let importer = Importer(archive: a!, options: ImportOptions(now: testNow))
        let q = try importer.preview(source)
        XCTAssertTrue(q.problems.isEmpty, "\(q.problems)")
        _ = try importer.commit(q)
        XCTAssertEqual(a!.state.all(.project).first { $0.displayName == "丁项目" }?["budget"], .money(Money(minorUnits: 80_000_000, currency: "CNY")!))
        // A unit that is no amount's is not used: 预算（个） reads 5 as 5 元.
        XCTAssertNil(Importer.headerUnit("预算（个）").flatMap { Importer.isAmountUnit($0) ? $0 : nil })
        XCTAssertEqual(Importer.headerUnit("预算【万元】"), "万元")
        XCTAssertEqual(Importer.withUnit("1,200.5", "万元"), "1,200.5万元")
        XCTAssertEqual(Importer.withUnit("300万", "万元"), "300万")
    }

    /// 联系人 over 姓名/电话/邮箱 beside 公司信息 over 电话/地址: the person's phone and e-mail, and
    /// the company's (refused as the same column twice before).
    func testUnderAContactGroupPhoneAndEmailAreThePersonsBesideTheCompanys() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("客户名称,联系人,,,公司信息,\n,姓名,电话,邮箱,电话,地址\n甲有限公司,王强,13800000001,wq@jia.cn,010-12345678,北京\n"), name: "c.csv")
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertTrue(p.unused.isEmpty, "\(p.unused)")
        XCTAssertEqual(p.counts[.customers]?.new, 1)
        var a: CustomerArchive? = try f.open()
        let customer = try XCTUnwrap(a!.state.all(.customer).first)
        XCTAssertEqual(customer["phone"]?.text, "010-12345678")
        XCTAssertEqual(customer["address"]?.text, "北京")
        XCTAssertNil(customer["email"])
        let wang = try XCTUnwrap(a!.state.all(.contact).first)
        a = nil
        XCTAssertEqual(wang.displayName, "王强")
        XCTAssertEqual(wang["phone"]?.text, "13800000001")
        XCTAssertEqual(wang["email"]?.text, "wq@jia.cn")
        // One header row: 联系人电话 and 联系人邮箱 are the person's too.
        let q = try f.importing(utf8("客户名称,联系人,联系人电话,联系人邮箱\n乙有限公司,李娜,021-5555,ln@yi.cn\n"), name: "d.csv")
        XCTAssertTrue(q.problems.isEmpty && q.unused.isEmpty, "\(q.problems) \(q.unused)")
        XCTAssertEqual(try f.open().state.all(.contact).first { $0.displayName == "李娜" }?["email"]?.text, "ln@yi.cn")
    }

    /// helper-82's findings on amounts with a unit: digits and separators as people type them,
    /// units written in the header in other ways, number cells scaled before rounding, and
    /// formats that show a unit or currency.
    func testAmountsWithAUnitAsPeopleWriteThem() throws {
        XCTAssertEqual(Importer.withUnit("１２０", "万元"), "120万元")
        XCTAssertEqual(Importer.withUnit("1 200", "万元"), "1200万元")
        XCTAssertEqual(Importer.withUnit("1\u{A0}200", "万元"), "1200万元")
        XCTAssertEqual(Importer.withUnit("1，200", "万元"), "1,200万元")
        XCTAssertEqual(Importer.withUnit("０.５", "万元"), "0.5万元")
        XCTAssertEqual(Importer.withUnit("１２.５万", "万元"), "１２.５万")
        XCTAssertEqual(Importer.headerUnit("预算/万元"), "万元")
        XCTAssertEqual(Importer.headerUnit("预算（含税，万元）"), "万元")
        XCTAssertEqual(Importer.headerUnit("预算[万元]"), "万元")
        XCTAssertNil(Importer.headerUnit("客户名称/Company"))
        XCTAssertEqual(Money.parse("12.5万美元"), Money(minorUnits: 12_500_000, currency: "USD"))
        XCTAssertEqual(Money.parse("5K USD"), Money(minorUnits: 500_000, currency: "USD"))
        XCTAssertEqual(Money.parse("50万日元"), Money(minorUnits: 50_000_000, currency: "JPY"), "日元, not 元")
        XCTAssertEqual(Money.parse("1.5万日元"), Money(minorUnits: 1_500_000, currency: "JPY"))
        XCTAssertNil(Money.parse("JPY 100.5"), "1 yen is the smallest amount")
        XCTAssertThrowsError(try ChangeDraft.value(for: Schema.field(.project, key: "budget")!, input: "100.5日元", now: 0)) { error in
            XCTAssertEqual((error as? ArchiveError)?.reasonZH, "预算“100.5日元”带有小数，但日元金额不能有小数，请填写整数金额")
        }
        XCTAssertEqual(Money.parse("£1,200"), Money(minorUnits: 120_000, currency: "GBP"))
        XCTAssertEqual(Money.parse("GBP 3.5"), Money(minorUnits: 350, currency: "GBP"))
        XCTAssertEqual(Money.parse("¥300"), Money(minorUnits: 30_000, currency: "CNY"), "¥ alone is the yuan")
        XCTAssertEqual(Importer.amountInput(.number(0.123456), unit: "万元", shown: nil).flatMap { Money.parse($0) }?.description, "CNY 1,234.56")
        XCTAssertEqual(Importer.amountInput(.number(99.999), unit: "万元", shown: nil).flatMap { Money.parse($0) }?.description, "CNY 999,990")
        // Digits the money type reads exactly: no rounding to the fen before (1.0000001 万元 was
        // 10,000.00 元), the stored number where Excel's 15 digits cut the fen, Excel's where
        // the stored one is binary noise.
        XCTAssertNil(Importer.amountInput(.number(1.0000001), unit: "万元", shown: nil).flatMap { Money.parse($0) })
        XCTAssertEqual(Importer.fullNumber(12345678901234.56), "12345678901234.56")
        XCTAssertEqual(Importer.fullNumber(0.1 + 0.2), "0.3")
        XCTAssertEqual(Importer.fullNumber(5), "5")
        XCTAssertEqual(Importer.fullNumber(1e22), "10000000000000000000000")
        XCTAssertEqual(Importer.fullNumber(1e-7), "0.0000001")
        // A cell formatted with its currency (our own export's "¥"#,##0.00) is read exactly too.
        XCTAssertEqual(Importer.amountInput(.number(12345678901234.56), unit: nil, shown: .currency("CNY")).flatMap { Money.parse($0) },
                       Money(minorUnits: 1_234_567_890_123_456, currency: "CNY"))
        XCTAssertEqual(NumberFormat.amountUnit("[$USD-409] #,##0.00"), .currency("USD"))
        XCTAssertEqual(NumberFormat.amountUnit("0.00\"万元\""), .unit("万元"))
        XCTAssertEqual(NumberFormat.amountUnit("\"¥\"#,##0.00"), .currency("CNY"), "yuan, the cell's own (over a 万元 header)")
        XCTAssertEqual(NumberFormat.amountUnit("$#,##0.00"), .currency("USD"))
        XCTAssertNil(NumberFormat.amountUnit("[>100]0\"万\";0\"元\""), "a condition: which unit depends on the value")
        XCTAssertNil(NumberFormat.amountUnit("0.00\"万元\";-0.00"), "sections that differ")
        XCTAssertEqual(NumberFormat.amountUnit("#,##0.00\"万元\";[Red]-#,##0.00\"万元\";0"), .unit("万元"), "a zero is 0 in any unit")
        XCTAssertEqual(NumberFormat.amountUnit("\"¥\"#,##0.00;\"¥\"-#,##0.00;\"-\""), .currency("CNY"), "an accounting format's zero section shows no number")
        XCTAssertNil(NumberFormat.amountUnit("0\"人\""))
        XCTAssertEqual(NumberFormat.amountUnit("0%"), .percent, "a share, no amount: refused in an amount column (below)")
        // Formats that show yuan in 万 by dividing (a comma after the digits, a literal point):
        // the cell holds yuan, its own unit (over a 万元 header too).
        XCTAssertEqual(NumberFormat.amountUnit("#,##0.0,\"万\""), .currency("CNY"))
        XCTAssertEqual(NumberFormat.amountUnit("0!.0,\"万\""), .currency("CNY"))
        XCTAssertEqual(NumberFormat.amountUnit("0\\.0000\"万\""), .currency("CNY"))
        XCTAssertEqual(NumberFormat.amountUnit("#,##0,\"K\""), .currency("CNY"))
        XCTAssertNil(NumberFormat.amountUnit("#,##0,\"人\""), "no amount's unit: no amount")
        XCTAssertEqual(NumberFormat.amountUnit("[Red]#,##0.00\"万元\";[Red]-#,##0.00\"万元\""), .unit("万元"))
        XCTAssertEqual(NumberFormat.amountUnit("[$USD-409]#,##0.0,"), .currency("USD"), "a currency keeps the cell's own number")

        let f = try ImportFixture()
        _ = try f.importing(utf8("客户名称\n甲有限公司\n"), name: "客户.csv")
        let p = try f.importing(utf8("项目名称,客户,预算（万元）,金额【万元】\nA1,甲有限公司,１２０,\"1 200\"\nA2,甲有限公司,\"1，200\",０.５\n"), name: "p.csv")
        XCTAssertTrue(p.problems.isEmpty && p.unused.isEmpty, "\(p.problems) \(p.unused)")
        let path = f.file("units.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "项目"
            ws.append(["项目名称", "客户", "预算（万元）", "金额"])
            ws.append(["B1", "甲有限公司", 0.123456, 120]); ws["D2"].number_format = '0.00"万元"'
            ws.append(["B2", "甲有限公司", 12.345678, 20]); ws["D3"].number_format = '[$USD-409] #,##0.00'
            ws.append(["B3", "甲有限公司", 120, 1200000]); ws["C4"].number_format = '"¥"#,##0.00'; ws["D4"].number_format = '#,##0.0,"万"'
            ws.append(["B4", "甲有限公司", 1200000, None]); ws["C5"].number_format = '0!.0,"万"'
            wb.save(sys.argv[1])
            """, path])
        let q = try f.importing(Data(contentsOf: URL(fileURLWithPath: path)), name: "units.xlsx")
        XCTAssertTrue(q.problems.isEmpty, "\(q.problems)")
        let projects = Dictionary(uniqueKeysWithValues: try f.open().state.all(.project).map { ($0.displayName, $0) })
        XCTAssertEqual(projects["A1"]?["budget"], .money(Money.parse("1200000")!))
        XCTAssertEqual(projects["A1"]?["amount"], .money(Money.parse("12000000")!))
        XCTAssertEqual(projects["A2"]?["budget"], .money(Money.parse("12000000")!))
        XCTAssertEqual(projects["A2"]?["amount"], .money(Money.parse("5000")!))
        XCTAssertEqual(projects["B1"]?["budget"], .money(Money.parse("1234.56")!))
        XCTAssertEqual(projects["B1"]?["amount"], .money(Money.parse("1200000")!))
        XCTAssertEqual(projects["B2"]?["budget"], .money(Money.parse("123456.78")!))
        XCTAssertEqual(projects["B2"]?["amount"], .money(Money.parse("USD 20")!))
        // A cell shown as ¥120.00 under 预算（万元） is 120 元, its own; 1,200,000 shown as 1,200.0万 is 1,200,000 元.
        XCTAssertEqual(projects["B3"]?["budget"], .money(Money.parse("120")!))
        XCTAssertEqual(projects["B3"]?["amount"], .money(Money.parse("1200000")!))
        XCTAssertEqual(projects["B4"]?["budget"], .money(Money.parse("1200000")!), "shown as 120.0万 under 预算（万元）: 1,200,000 元")
        // A percentage in an amount column is no amount: refused as it shows (0.5 was 0.50 元), with
        // the built-in 0% and a custom 0.0%; the archive is as before.
        XCTAssertEqual(NumberFormat.amountUnit("0.0%"), .percent)
        XCTAssertEqual(NumberFormat.amountUnit("0\\%"), .percentSign, "a percent sign written as a literal: 50 shows 50%")
        XCTAssertEqual(NumberFormat.amountUnit("#,##0\"%\""), .percentSign)
        XCTAssertNil(NumberFormat.amountUnit("0_%"), "_% is the width of a percent sign, not one")
        XCTAssertNil(NumberFormat.amountUnit("0*%"), "*% fills the cell with percent signs: no scaling")
        XCTAssertEqual(NumberFormat.amountUnit("[$¥-411]#,##0.00"), .currency("JPY"), "the yen of a Japanese locale")
        XCTAssertEqual(NumberFormat.amountUnit("[$¥-ja-JP]#,##0"), .currency("JPY"))
        XCTAssertEqual(NumberFormat.amountUnit("[$¥-804]#,##0.00"), .currency("CNY"))
        for code in ["[$¥-411]0.00;-0.00", "[$¥-411]#,##0;-#,##0", "[$¥-411]0;0"] {
            XCTAssertEqual(NumberFormat.amountUnit(code), .currency("JPY"), "a negative section without the sign is still yen: \(code)")
        }
        XCTAssertNil(NumberFormat.amountUnit("[$¥-411]0;[$USD]0"), "two currencies")
        let percent = f.file("percent.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "项目"
            ws.append(["项目名称", "客户", "预算", "金额"])
            ws.append(["P1", "甲有限公司", 0.5, 3]); ws["C2"].number_format = '0%'
            ws.append(["P2", "甲有限公司", 7, 0.125]); ws["D3"].number_format = '0.0%'
            ws.append(["P3", "甲有限公司", 50, 3]); ws["C4"].number_format = '0\\%'
            ws.append(["P4", "甲有限公司", 7, 12]); ws["D5"].number_format = '0"%"'
            wb.save(sys.argv[1])
            """, percent])
        let before = try f.bytes()
        let r = try f.importing(Data(contentsOf: URL(fileURLWithPath: percent)), name: "percent.xlsx")
        XCTAssertEqual(r.problems.map(\.line), [2, 3, 4, 5], "\(r.problems)")
        XCTAssertTrue(r.problems.contains { $0.reasonZH.hasPrefix("预算显示为“50%”，这是百分比，无法识别为金额。") }, "\(r.problems)")
        XCTAssertTrue(r.problems.contains { $0.line == 4 && $0.reasonZH.hasPrefix("预算显示为“50%”，这是百分比") }, "a literal sign: \(r.problems)")
        XCTAssertTrue(r.problems.contains { $0.line == 5 && $0.reasonZH.hasPrefix("金额显示为“12%”，这是百分比") }, "a literal sign: \(r.problems)")
        XCTAssertTrue(r.problems.contains { $0.reasonZH.hasPrefix("金额显示为“12.5%”，这是百分比，无法识别为金额。") }, "\(r.problems)")
        XCTAssertEqual(try f.bytes(), before)
        // The rejects workbook (no number formats in it) writes those cells as they showed, so
        // that imported again they are refused again (50% had come back as 0.5 元).
        let rejects = try XCTUnwrap(try Rejects.data(r, zh: true))
        let again = try f.importing(rejects, name: "rejects.xlsx", commit: false)
        XCTAssertEqual(again.problems.map(\.line), [2, 3, 4, 5], "\(again.problems)")
        XCTAssertTrue(again.problems.allSatisfy { $0.reasonZH.contains("这是百分比") }, "\(again.problems)")
        // Only an amount column reads a format's unit: a phone shown as 13800000000万 or USD 8888 is its digits.
        let phones = f.file("phones.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "客户"
            ws.append(["客户名称", "联系电话", "客户编号"])
            ws.append(["丙有限公司", 13800000000, 6]); ws["B2"].number_format = '0"万"'; ws["C2"].number_format = '[$USD-409]0'
            wb.save(sys.argv[1])
            """, phones])
        _ = try f.importing(Data(contentsOf: URL(fileURLWithPath: phones)), name: "phones.xlsx")
        let c = try XCTUnwrap(try f.open().state.all(.customer).first { $0.displayName == "丙有限公司" })
        XCTAssertEqual(c["phone"]?.text, "13800000000")
        XCTAssertEqual(c["code"]?.text, "6")
    }

    /// A code or phone number that the sheet shows through a digit pattern (`"C"000` shows 1 as
    /// C001, `00000` shows 123 as 00123, `000-0000-0000`) is read as shown, in the customer's
    /// and the contact person's columns; other columns read the number.
    func testCodesAndPhonesShownThroughADigitPatternAreReadAsShown() throws {
        XCTAssertEqual(NumberFormat.digitPattern("\"C\"000")?.render(1), "C001")
        XCTAssertEqual(NumberFormat.digitPattern("\"C\"000")?.render(12345), "C12345", "the leftmost placeholder takes the digits left over")
        XCTAssertEqual(NumberFormat.digitPattern("00000")?.render(123), "00123")
        XCTAssertEqual(NumberFormat.digitPattern("000-0000-0000")?.render(13800138000), "138-0013-8000")
        XCTAssertEqual(NumberFormat.digitPattern("\\C#00")?.render(7), "C07")
        XCTAssertEqual(NumberFormat.digitPattern("\"010-\"0;\"-\"0")?.render(88886666), "010-88886666", "the first section: positive numbers")
        // A colour or WPS's locale tag changes nothing shown, nor does _) (a space); zero with a
        // section of its own, a negative number, a fraction: not shown by the pattern.
        XCTAssertEqual(NumberFormat.digitPattern("[Red]\"C\"000")?.render(5), "C005")
        XCTAssertEqual(NumberFormat.digitPattern("[$-804]\"C\"000")?.render(5), "C005")
        XCTAssertEqual(NumberFormat.digitPattern("\"C\"000_)")?.render(5), "C005 ")
        XCTAssertNil(NumberFormat.digitPattern("\"C\"000;\"N\"000;\"Z\"")?.text(0), "zero shows Z")
        XCTAssertEqual(NumberFormat.digitPattern("\"C\"000;\"N\"000")?.text(0), "C000")
        XCTAssertNil(NumberFormat.digitPattern("\"C\"000;\"N\"000")?.text(-5))
        XCTAssertNil(NumberFormat.digitPattern("\"C\"000")?.text(5.5))
        for plain in ["0", "#", "##0", "General", "#,##0", "0.00", "0%", "0E+00", "@", "[<100]000", "yyyy-mm-dd", "000\"万元\"", "0.0\"C\"",
                      "[DBNum1]000", "[$USD-409]000", "\"\u{202E}\"000", "\"X\n\"000", "\"\u{200B}\"000", "*0000"] {
            XCTAssertNil(NumberFormat.digitPattern(plain), plain)
        }
        // Numbers in messages and values as Excel shows them, never in programmer notation.
        XCTAssertEqual(CellReading.number(1234567890123456), "1234567890123460")
        XCTAssertEqual(CellReading.number(1.234567890123456789e19), "12345678901234600000")
        XCTAssertEqual(CellReading.number(-1e16), "-10000000000000000")
        XCTAssertEqual(CellReading.number(0.1 + 0.2), "0.3")
        XCTAssertEqual(CellReading.number(13800138000), "13800138000")
        XCTAssertEqual(CellReading.number(5.5), "5.5")
        XCTAssertEqual(CellReading.number(1e22), "1E+22")
        XCTAssertEqual(CellReading.number(1.5e-5), "1.5E-05")
        XCTAssertEqual(CellReading.number(-2.25e30), "-2.25E+30")
        XCTAssertEqual(try CellReading.input(.number(1.234567890123456789e19), Schema.field(.project, key: "budget")!, dayOrder: nil).0, "12345678901234600000")
        XCTAssertThrowsError(try CellReading.input(.number(1.234567890123456789e19), Schema.field(.customer, key: "phone")!, dayOrder: nil)) { error in
            XCTAssertTrue((error as? CellReading.Failure)?.reasonZH.hasPrefix("“12345678901234600000”位数过多") == true, "\(error)")
        }
        // A fraction in a code or phone column is said to be one (it was called too long).
        XCTAssertThrowsError(try CellReading.input(.number(5.5), Schema.field(.customer, key: "phone")!, dayOrder: nil)) { error in
            XCTAssertEqual((error as? CellReading.Failure)?.reasonZH, "“5.5”是带小数的数字，不像编号或电话号码。请先在 Excel 中把该列的单元格格式设为“文本”，再重新输入该列内容")
        }
        let f = try ImportFixture()
        let path = f.file("codes.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "客户"
            ws.append(["客户名称", "客户编号", "联系电话", "联系人", "手机", "备注"])
            ws.append(["甲有限公司", 1, 88886666, "王五", 13800138000, 42])
            ws["B2"].number_format = '"C"000'; ws["C2"].number_format = '"010-"0'; ws["E2"].number_format = '000-0000-0000'; ws["F2"].number_format = '00000'
            ws.append(["乙有限公司", 123, 5, None, None, None])
            ws["B3"].number_format = '00000'
            wb.save(sys.argv[1])
            """, path])
        let p = try f.importing(Data(contentsOf: URL(fileURLWithPath: path)), name: "codes.xlsx")
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        let a = try f.open()
        let c = try XCTUnwrap(a.state.all(.customer).first { $0.displayName == "甲有限公司" })
        XCTAssertEqual(c["code"]?.text, "C001")
        XCTAssertEqual(c["phone"]?.text, "010-88886666")
        XCTAssertEqual(c["note"]?.text, "42", "not an identifier: the number")
        XCTAssertEqual(a.state.all(.contact).first?["mobile"]?.text, "138-0013-8000")
        XCTAssertEqual(a.state.all(.customer).first { $0.displayName == "乙有限公司" }?["code"]?.text, "00123")
    }

    /// Rows that say how to fill the sheet in are notes only right under the header; a units
    /// row that disagrees with the header is asked about; a unit that is no amount's is said.
    func testNotesUnderTheHeaderOnlyAndUnitsThatDisagreeOrAreNoAmounts() throws {
        let f = try ImportFixture()
        _ = try f.importing(utf8("客户名称\n甲有限公司\n"), name: "客户.csv")
        // Further down, a row named 万 or 元 is a record (a customer list of one column).
        let c = try f.importing(utf8("客户名称\n乙有限公司\n万\n元\n"), name: "c.csv", commit: false)
        XCTAssertEqual(c.counts[.customers]?.new, 3, "\(c.warnings)")
        // A units row further down is no note: refused as the row it is (nothing skipped unsaid).
        let d = try f.importing(utf8("项目名称,客户,预算\nQ,甲有限公司,12.5\n,,（万元）\n"), name: "d.csv", commit: false)
        XCTAssertEqual(Set(d.problems.map(\.line)), [3], "\(d.problems)")
        XCTAssertTrue(d.warnings.allSatisfy { !$0.reasonZH.contains("表格的说明") }, "\(d.warnings)")
        // Instructions and units mixed, with currencies, right under the header.
        let e = try f.importing(utf8("项目名称,客户,预算,金额\n必填,必填,（万元）,USD\n(必填),,,\nE1,甲有限公司,2,3\n"), name: "e.csv")
        XCTAssertTrue(e.problems.isEmpty, "\(e.problems)")
        XCTAssertTrue(e.warnings.contains { $0.reasonZH.hasPrefix("第 2、3 行看起来是说明性内容") }, "\(e.warnings)")
        XCTAssertTrue(e.warnings.contains { $0.column == "预算" && $0.reasonZH == "本列金额按第 2 行所注单位“万元”读取（如第 4 行的 2 即 2万元，合 20,000 元）" }, "\(e.warnings)")
        XCTAssertTrue(e.warnings.contains { $0.column == "金额" && $0.reasonZH == "本列金额按第 2 行所注单位“USD”读取（如第 4 行的 3 即 USD 3）" }, "\(e.warnings)")
        let e1 = try XCTUnwrap(try f.open().state.all(.project).first { $0.displayName == "E1" })
        XCTAssertEqual(e1["budget"], .money(Money.parse("20000")!))
        XCTAssertEqual(e1["amount"], .money(Money.parse("USD 3")!))
        // The header says 万元, the units row 元: which one decides a factor of 10,000.
        let g = try f.importing(utf8("项目名称,客户,预算（万元）\n,,（元）\nG1,甲有限公司,5\n"), name: "g.csv", commit: false)
        XCTAssertFalse(g.canCommit)
        XCTAssertTrue(g.problems.contains { $0.reasonZH.contains("两者不一致") && $0.line == 2 }, "\(g.problems)")
        // 必填 under 预算（万元） is an instruction, not a unit that disagrees with the header.
        let i = try f.importing(utf8("项目名称,客户,预算（万元）\n必填,必填,必填\nI1,甲有限公司,3\n"), name: "i.csv")
        XCTAssertTrue(i.problems.isEmpty, "\(i.problems)")
        XCTAssertEqual(try f.open().state.all(.project).first { $0.displayName == "I1" }?["budget"], .money(Money.parse("30000")!))
        // 预算（个） is no amount's unit: read as yuan, and said.
        let h = try f.importing(utf8("项目名称,客户,预算（个）\nH1,甲有限公司,5\n"), name: "h.csv", commit: false)
        XCTAssertTrue(h.warnings.contains { $0.column == "预算（个）" && $0.reasonZH == "表头中的单位“个”不是金额单位，该列数字已按“元”处理，请核对" }, "\(h.warnings)")
        // A negative amount is said to be one.
        let n = try f.importing(utf8("项目名称,客户,预算\nN1,甲有限公司,-5\n"), name: "n.csv", commit: false)
        XCTAssertEqual(n.problems.first?.reasonZH, "预算不能为负数，请填写 0 或正数，或留空")
        for negative in ["（5）", "(5)", "\u{2212}5", "－5", "\u{2013}5", "¥-5", "USD -5", "(-5)", "- 5万", "（￥5）", "-¥5", "-$5", "-GBP 5", "－￥5万"] {
            XCTAssertThrowsError(try ChangeDraft.value(for: Schema.field(.project, key: "budget")!, input: negative, now: testNow)) { error in
                XCTAssertEqual((error as? ArchiveError)?.reasonZH, "预算不能为负数，请填写 0 或正数，或留空", negative)
            }
        }
        // A plus sign and a minus zero are amounts; a range, and a minus between digits, are not, and
        // get the general message (not "negative").
        let budget = Schema.field(.project, key: "budget")!
        XCTAssertEqual(try ChangeDraft.value(for: budget, input: "+5", now: testNow), .money(Money.parse("5")!))
        XCTAssertEqual(try ChangeDraft.value(for: budget, input: "＋3万", now: testNow), .money(Money.parse("30000")!))
        XCTAssertEqual(try ChangeDraft.value(for: budget, input: "-0", now: testNow), .money(Money.parse("0")!))
        for notAmount in ["3-5万", "5-", "(+5)", "--5", "-"] {
            XCTAssertThrowsError(try ChangeDraft.value(for: budget, input: notAmount, now: testNow)) { error in
                XCTAssertTrue((error as? ArchiveError)?.reasonZH?.contains("无法识别为金额") == true, "\(notAmount): \(error)")
            }
        }
    }

    /// 公司信息 over 电话 alone is a group (the company's phone); in a contact list, the company's
    /// columns under such a group are not the person's.
    func testACompanyGroupOverOneColumnAndInAContactList() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("客户名称,联系人,,公司信息\n,姓名,电话,电话\n甲有限公司,王五,13900000005,021-55556666\n"), name: "c.csv")
        XCTAssertTrue(p.problems.isEmpty && p.unused.isEmpty, "\(p.problems) \(p.unused)")
        do {
            let a = try f.open()
            XCTAssertEqual(a.state.all(.customer).first?["phone"]?.text, "021-55556666")
            XCTAssertEqual(a.state.all(.contact).first?["phone"]?.text, "13900000005")
        }
        // The person's columns grouped beside the company's: a customer list, also of a customer
        // the archive has (a duplicate, refused by default, nothing lost) ...
        let csv = utf8("客户,联系人,,公司信息,\n,姓名,手机,电话,地址\n甲有限公司,赵六,13700000007,010-88889999,北京\n")
        let r = try f.importing(csv, name: "d.csv", commit: false)
        XCTAssertEqual(r.tables.first?.kind, .customers)
        XCTAssertEqual(r.counts[.customers]?.refused, 1, "\(r.problems)")
        XCTAssertTrue(r.warnings.contains { $0.reasonZH.contains("--kind contacts") }, "\(r.warnings)")
        // ... and read as a contact list when asked: 公司信息's 电话 is not the contact's.
        let q = try f.importing(csv, name: "d.csv") { $0.kind = .contacts }
        XCTAssertTrue(q.problems.isEmpty, "\(q.problems)")
        XCTAssertEqual(q.counts[.contacts]?.new, 1)
        XCTAssertEqual(Set(q.unused.map(\.header)), ["公司信息·电话", "公司信息·地址"])
        let zhao = try XCTUnwrap(try f.open().state.all(.contact).first { $0.displayName == "赵六" })
        XCTAssertNil(zhao["phone"])
        XCTAssertEqual(zhao["mobile"]?.text, "13700000007")
    }

    /// A customer list as a workbook: 客户名称, 电话 and 地址 merged over two rows beside a
    /// 联系人信息 group over 姓名 and 手机 (helper-83: read as contacts of unknown customers, and
    /// 联系人信息's 姓名 lost with the person).
    func testAMergedCustomerListWithAContactInfoGroupIsReadAsCustomers() throws {
        let f = try ImportFixture()
        let path = f.file("merged.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Sheet1"
            ws.append(["客户名称", "联系人信息", None, "电话", "地址"])
            ws.append([None, "姓名", "手机", None, None])
            ws.append(["新星有限公司", "王五", "13900000005", "021-55556666", "上海"])
            for r in ["A1:A2", "B1:C1", "D1:D2", "E1:E2"]: ws.merge_cells(r)
            wb.save(sys.argv[1])
            """, path])
        let p = try f.importing(Data(contentsOf: URL(fileURLWithPath: path)), name: "merged.xlsx")
        XCTAssertTrue(p.problems.isEmpty && p.unused.isEmpty, "\(p.problems) \(p.unused)")
        XCTAssertEqual(p.counts[.customers]?.new, 1, "\(p.tables.map(\.kind)) \(p.warnings)")
        let a = try f.open()
        let customer = try XCTUnwrap(a.state.all(.customer).first)
        XCTAssertEqual(customer["phone"]?.text, "021-55556666")
        XCTAssertEqual(customer["address"]?.text, "上海")
        let wang = try XCTUnwrap(a.state.all(.contact).first)
        XCTAssertEqual(wang.displayName, "王五")
        XCTAssertEqual(wang["mobile"]?.text, "13900000005")
    }

    /// helper-84: groups alone in the upper row (客户信息 over 名称|电话 beside 联系人信息 over
    /// 姓名|手机: the upper row was taken for a title); and a customer the archive has, with its
    /// 电话 and 地址 merged over both rows beside a 联系人 group: read as the customer list it is
    /// (as contacts, the company's phone went to the person and the address was dropped).
    func testGroupsAloneInTheUpperRowAndAGroupedListOfKnownCustomers() throws {
        let f = try ImportFixture()
        _ = try f.importing(utf8("客户名称\n甲有限公司\n"), name: "客户.csv")
        let path = f.file("groups.xlsx"), known = f.file("known.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Sheet"
            ws.append(["客户信息", None, "联系人信息", None]); ws.append(["名称", "电话", "姓名", "手机"])
            ws.append(["丁有限公司", "010-11112222", "张三", "13800000000"])
            ws.merge_cells("A1:B1"); ws.merge_cells("C1:D1"); wb.save(sys.argv[1])
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Sheet"
            ws.append(["客户名称", "电话", "地址", "联系人", None]); ws.append([None, None, None, "姓名", "手机"])
            ws.append(["甲有限公司", "010-33334444", "上海", "王五", "13900000000"])
            for r in ["A1:A2", "B1:B2", "C1:C2", "D1:E1"]: ws.merge_cells(r)
            wb.save(sys.argv[2])
            """, path, known])
        let p = try f.importing(Data(contentsOf: URL(fileURLWithPath: path)), name: "groups.xlsx")
        XCTAssertTrue(p.problems.isEmpty && p.unused.isEmpty, "\(p.problems) \(p.unused)")
        XCTAssertEqual(p.counts[.customers]?.new, 1)
        let q = try f.importing(Data(contentsOf: URL(fileURLWithPath: known)), name: "known.xlsx") { $0.onDuplicate = .update }
        XCTAssertTrue(q.problems.isEmpty && q.unused.isEmpty, "\(q.problems) \(q.unused)")
        XCTAssertEqual(q.counts[.customers]?.updated, 1, "\(q.tables.map(\.kind))")
        XCTAssertTrue(q.warnings.contains { $0.reasonZH.contains("联系人相关的列在表头里单独成组") }, "\(q.warnings)")
        let a = try f.open()
        let jia = try XCTUnwrap(a.state.all(.customer).first { $0.displayName == "甲有限公司" })
        XCTAssertEqual(jia["phone"]?.text, "010-33334444")
        XCTAssertEqual(jia["address"]?.text, "上海")
        let people = Dictionary(uniqueKeysWithValues: a.state.all(.contact).map { ($0.displayName, $0) })
        XCTAssertEqual(people["张三"]?["mobile"]?.text, "13800000000")
        XCTAssertEqual(people["王五"]?["mobile"]?.text, "13900000000")
        XCTAssertNil(people["王五"]?["phone"], "the company's phone is not the person's")
    }

    func testAPhoneCellWithoutADigitIsRefusedAndNoneWordsLeaveItEmpty() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("客户名称,联系电话,联系人,手机\n甲有限公司,见名片,王敏,无\n乙有限公司,无,李强,—\n丙有限公司,０２１－１２３,赵六,选填\n"), name: "c.csv", commit: false)
        XCTAssertEqual(p.problems.map(\.line), [2, 4], "\(p.problems)")
        XCTAssertEqual(p.problems.map(\.column), ["联系电话", "手机"])
        XCTAssertEqual(p.problems.first?.reasonZH, "联系电话填的是“见名片”，不是电话号码；请填写号码，没有可留空")
        XCTAssertEqual(p.counts[.customers]?.new, 1)
        // The same rule for every command: a phone typed without a digit is refused.
        let spec = try XCTUnwrap(Schema.field(.contact, key: "mobile"))
        XCTAssertThrowsError(try ChangeDraft.value(for: spec, input: "微信联系", now: testNow))
        // Full-width digits are a phone, stored as the ASCII they stand for (since 2026-12-04).
        XCTAssertEqual(try ChangeDraft.value(for: spec, input: "１３９ ００１３ ９０００", now: testNow), .text("139 0013 9000"))
        // 无 and — leave the phone empty: 乙 imported without one.
        let q = try f.importing(utf8("客户名称,联系电话\n乙有限公司,无\n丁有限公司,N/A\n"), name: "e.csv")
        XCTAssertTrue(q.problems.isEmpty, "\(q.problems)")
        let a = try f.open()
        XCTAssertEqual(a.state.all(.customer).compactMap { $0["phone"] }.count, 0, "no phone stored")
    }

    func testThePreviewsFirstRowIsTheFirstRecordNotARowThatIsSkipped() throws {
        let f = try ImportFixture()
        let source = try ImportSource.read(utf8("客户名称,客户等级\n(必填),(选填)\n客户名称,客户等级\n合计,2家\n甲有限公司,A\n"), fileName: "c.csv")
        let p = try Importer(archive: f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertEqual(p.tables.first?.sample.map(\.value), ["甲有限公司", "A"])
        // The rows the preview counts are those it accounts for: the three skipped are not.
        XCTAssertEqual(p.tables.first?.rows, 1)
        XCTAssertEqual(p.counts[.customers]?.new, 1)
    }

    /// Findings of helper-79's black-box round: totals rows as sheets write them (full width,
    /// traditional, a region's 小计, 合计金额), and names that only look like them.
    func testTotalsRowsInEveryFormASheetHasThemAndCompaniesThatOnlyLookLikeThem() throws {
        let f = try ImportFixture()
        let totals = ["ＴＯＴＡＬ,,8", "ｔｏｔａｌ,,", "Ｓｕｂｔｏｔａｌ,,3", "Sub-total,,", "Grand Total,,9", "合计 4家,,", "合计金额,,100", "合计数,,",
                      "华北区小计,,5", "小计:华北区,,", "小计：华北区,,", "合計,,", "總計,,", "Total 12,,"]
        let companies = ["Total Solutions,A,", "合计科技有限公司,B,", "小计算机服务部,C,", "总计划咨询有限公司,C,", "总部经济研究院,D,", "Totalplay,B,", "华北合计,A,"]
        let csv = "客户名称,客户等级,年销售额\n" + (companies + totals).joined(separator: "\n") + "\n"
        let p = try f.importing(utf8(csv), name: "t.csv", commit: false)
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.counts[.customers]?.new, companies.count, "\(p.warnings)")
        let warning = try XCTUnwrap(p.warnings.first { $0.reasonZH.contains("合计/小计行") })
        XCTAssertTrue(warning.reasonZH.hasSuffix("（共 \(totals.count) 行）"), warning.reasonZH)
    }

    /// helper-80: a record whose name starts like a totals word is a record when the rest of its
    /// row has text (a log of 小计（深圳）餐饮管理有限公司 was skipped, then "nothing to import");
    /// more totals words, footers, section headings and instruction rows; header rows repeated
    /// as sheets write them; more placeholders for a contact's name, and 无 in a contact list.
    func testRowsThatAreNoRecordsAndRecordsThatOnlyLookLikeThem() throws {
        let f = try ImportFixture()
        try f.importing(utf8("客户名称,客户等级\n小计（深圳）餐饮管理有限公司,A\n汇总1号便利店,B\n合计（北京）科技有限公司,B\nTotal,B\n"), name: "c.csv")
        let log = try f.importing(utf8("客户,跟进方式,时间,跟进内容\n小计（深圳）餐饮管理有限公司,拜访,2026-03-02 10:00,现场演示\n汇总1号便利店,电话,2026-03-03 15:00,确认订单数量\nTotal,,2026-03-11 10:00,3台设备\n"),
                                  name: "l.csv")
        XCTAssertTrue(log.problems.isEmpty, "\(log.problems)")
        XCTAssertEqual(log.counts[.log]?.new, 3, "\(log.warnings)")
        XCTAssertFalse(log.warnings.contains { $0.reasonZH.contains("合计") }, "\(log.warnings)")

        let rows = ["甲有限公司,A,", "汇总2号便利店,,", "累计,,15", "总共,,", "总额,,\"¥1,700,000\"", "总金额,,", "合计人民币,,", "共15家,,", "客户总数,,15家",
                    "Sum,,8", "小结,,", "汇总表,,", "本月新增客户合计：,,", "华北区小计,,15家", "合\u{200B}计,,", "Total,,\"¥1,700,000\"", "华北区小计,,170万元",
                    "TOTAL 88 Trading Co. Ltd,,", "Total Energies,,2 Place Jean Millier", "Sum,,555-0100", "Subtotal,,13800138000", "制表人：张伟,,", "制表日期：2026-03-01,,", "注：以上数据截至3月底,,", "一、华东区,,", "必填,选填,选填",
                    "客户名称*,客户等级,年销售额", "客户名称,,", "客户名称（全称）,等级,所属行业"]
        let p = try f.importing(utf8("客户名称,客户等级,年销售额\n" + rows.joined(separator: "\n") + "\n"), name: "t.csv", commit: false)
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.counts[.customers]?.new, 6, "甲, 汇总2号便利店, TOTAL 88 Trading, Total Energies, Sum and Subtotal with a mobile: \(p.warnings)")
        XCTAssertTrue(p.warnings.contains { $0.reasonZH.hasPrefix("第 4–18 行看起来是合计/小计行（“累计”等），已跳过（共 15 行）") }, "\(p.warnings)")
        XCTAssertTrue(p.warnings.contains { $0.reasonZH.hasPrefix("第 23–27 行看起来是说明性内容") && $0.reasonZH.hasSuffix("（共 5 行）") }, "\(p.warnings)")
        XCTAssertTrue(p.warnings.contains { $0.reasonZH == "第 28–30 行与表头重复（可能是复制时带上的表头），已跳过（共 3 行）" }, "\(p.warnings)")

        // A two-row header repeated further down is skipped, both its rows.
        let two = try f.importing(utf8("客户名称,行业,联系方式,\n,,电话,邮箱\n乙有限公司,制造,010-1,\n客户名称,行业,联系方式,\n,,电话,邮箱\n丙有限公司,零售,010-2,\n"),
                                  name: "two.csv", commit: false)
        XCTAssertTrue(two.problems.isEmpty, "\(two.problems)")
        XCTAssertEqual(two.counts[.customers]?.new, 2)
        XCTAssertTrue(two.warnings.contains { $0.reasonZH.hasPrefix("第 4、5 行与表头重复") }, "\(two.warnings)")

        for name in ["暂无联系人", "（无）", "空", "未填", "待补充", "不详。", "x", "0", "未知姓名", "某某", "\\", "、", "．", "不清楚", "无人", "--无--"] {
            XCTAssertTrue(Importer.isPlaceholderName(name), name)
        }
        for name in ["王无忌", "空军", "张三", "Xu", "某某某公司的王总", "Na", "无名"] { XCTAssertFalse(Importer.isPlaceholderName(name), name) }
        for name in ["N/A", "n.a."] { XCTAssertTrue(Importer.isPlaceholderName(name), name) }
        let contacts = try f.importing(utf8("客户,姓名,手机\n甲有限公司,无,13800000001\n"), name: "r.csv", commit: false)
        XCTAssertEqual(contacts.problems.first?.reasonZH, "“无”不是有效的联系人姓名，请填写联系人姓名，或删除该行")
    }

    /// A row that repeats the header (sheets pasted together) is skipped and said; placeholder
    /// names of a contact person (无, -, —) are no person.
    func testARepeatedHeaderIsSkippedAndAPlaceholderIsNoContactPerson() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("客户名称,行业,联系电话,联系人,手机\n甲有限公司,制造,010-1,无,13800000001\n客户名称,行业,联系电话,联系人,手机\n乙有限公司,零售,010-2,—,\n丙有限公司,零售,010-3,-,13900000002\n"),
                                name: "p.csv")
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.counts[.customers]?.new, 3)
        XCTAssertTrue(p.warnings.contains { $0.reasonZH == "第 3 行与表头重复（可能是复制时带上的表头），已跳过" }, "\(p.warnings)")
        XCTAssertTrue(p.warnings.contains { $0.reasonZH == "第 2、5 行有联系人的手机，但联系人姓名为空或写的是“无”等，这些信息未导入（共 2 行）。如需保留，请补上姓名后加 --on-duplicate skip 重新导入" }, "\(p.warnings)")
        let a = try f.open()
        XCTAssertEqual(a.state.all(.contact).count, 0, "无, — and - are no one")
        XCTAssertEqual(a.state.all(.customer).map(\.displayName).sorted(), ["丙有限公司", "乙有限公司", "甲有限公司"])
    }

    /// 联系人 over 姓名, 手机 and 职务 (the most common two-row header of a Chinese customer list),
    /// in a CSV and in a workbook whose merged cells fill the lower row; 下次跟进 over 下一步计划
    /// and 下次跟进日期 in a contact log.
    func testAGroupThatNamesAFieldOverItsNameColumnIsReadAsThatField() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("客户名称,客户等级,联系人,,,备注\n,,姓名,手机,职务,\n北京华信科技有限公司,A,王强,13800000001,经理,老客户\n"), name: "c.csv")
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.tables.first?.subHeaderLine, 2)
        XCTAssertTrue(p.unused.isEmpty, "\(p.unused)")
        do {
            let a = try f.open()
            let wang = try XCTUnwrap(a.state.all(.contact).first)
            XCTAssertEqual(wang.displayName, "王强")
            XCTAssertEqual(wang["mobile"]?.text, "13800000001")
            XCTAssertEqual(wang["title"]?.text, "经理")
        }
        let log = try f.importing(utf8("日期,客户,方式,跟进内容,下次跟进,\n,,,,下一步计划,下次跟进日期\n2026-11-20,北京华信科技有限公司,电话,报价,发合同,2026-12-01\n"), name: "l.csv")
        XCTAssertTrue(log.problems.isEmpty, "\(log.problems)")
        XCTAssertEqual(log.counts[.log]?.new, 1)
        XCTAssertTrue(log.unused.isEmpty, "\(log.unused)")

        let g = try ImportFixture()
        let path = g.file("m.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "客户"
            ws.append(["客户名称", "客户等级", "联系人", None, None]); ws.append([None, None, "姓名", "手机", "职务"])
            ws.append(["甲有限公司", "A", "张三", "13800000001", "经理"]); ws.append(["乙有限公司", "B", "李四", "13900000002", "采购"])
            ws.merge_cells("A1:A2"); ws.merge_cells("B1:B2"); ws.merge_cells("C1:E1")
            wb.save(sys.argv[1])
            """, path])
        let source = try ImportSource.read(Data(contentsOf: URL(fileURLWithPath: path)), fileName: "m.xlsx")
        let archive = try g.open()
        let importer = Importer(archive: archive, options: ImportOptions(now: testNow))
        let x = try importer.preview(source)
        XCTAssertTrue(x.problems.isEmpty, "\(x.problems)")
        XCTAssertEqual(x.tables.first?.headerLine, 1, "the header is lines 1–2")
        XCTAssertEqual(x.tables.first?.subHeaderLine, 2)
        XCTAssertEqual(x.counts[.customers]?.new, 2)
        XCTAssertTrue(x.unused.isEmpty, "\(x.unused)")
        _ = try importer.commit(x)
        XCTAssertEqual(archive.state.all(.contact).map { "\($0.displayName) \($0["mobile"]?.text ?? "") \($0["title"]?.text ?? "")" }.sorted(),
                       ["张三 13800000001 经理", "李四 13900000002 采购"])
    }

    /// A header of two rows (联系方式 over 电话 and 邮箱): read as one, in a CSV as written and in
    /// a workbook with the merges Excel makes; the refused rows' file has the header as read.
    func testAHeaderOfTwoRowsIsReadAsOne() throws {
        let f = try ImportFixture()
        let csv = "客户名称,客户等级,联系方式,,备注\n,,电话,邮箱,\n甲有限公司,A,010-62345678,a@jia.cn,老客户\n乙有限公司,B,021-55556666,,\n丙有限公司,X,,,\n"
        let p = try f.importing(utf8(csv), name: "two.csv", commit: false)
        XCTAssertEqual(p.tables.first?.headerLine, 1)
        XCTAssertEqual(p.tables.first?.subHeaderLine, 2)
        XCTAssertEqual(p.problems.map(\.line), [5], "only 丙's grade: \(p.problems)")
        XCTAssertTrue(p.unused.isEmpty, "\(p.unused)")
        let rejects = try XCTUnwrap(try Rejects.data(p, zh: true))
        let lines = String(decoding: rejects, as: UTF8.self).split(separator: "\r\n").map(String.init)
        XCTAssertEqual(lines.first?.replacingOccurrences(of: "\u{FEFF}", with: ""), "客户名称,客户等级,电话,邮箱,备注,未导入原因")
        XCTAssertEqual(lines.count, 2, "\(lines)")
        let q = try f.importing(utf8(csv.replacingOccurrences(of: "丙有限公司,X", with: "丙有限公司,C")), name: "two.csv")
        XCTAssertEqual(q.counts[.customers]?.new, 3)
        do {
            let a = try f.open()
            let jia = try XCTUnwrap(a.state.all(.customer).first { $0.displayName == "甲有限公司" })
            XCTAssertEqual(jia["phone"]?.text, "010-62345678")
            XCTAssertEqual(jia["email"]?.text, "a@jia.cn")
            XCTAssertEqual(jia["note"]?.text, "老客户")
        }

        let g = try ImportFixture()
        let path = g.file("two.xlsx")
        try Tools.python(["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "客户"
            ws.append(["客户名称", "客户等级", "联系方式", None]); ws.append([None, None, "电话", "邮箱"])
            ws.append(["甲有限公司", "A", "010-62345678", "a@jia.cn"]); ws.append(["乙有限公司", "B", "021-55556666", None])
            ws.merge_cells("A1:A2"); ws.merge_cells("B1:B2"); ws.merge_cells("C1:D1")
            wb.save(sys.argv[1])
            """, path])
        let source = try ImportSource.read(Data(contentsOf: URL(fileURLWithPath: path)), fileName: "two.xlsx")
        let x = try Importer(archive: g.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertTrue(x.problems.isEmpty, "\(x.problems)")
        XCTAssertEqual(x.counts[.customers]?.new, 2)
        XCTAssertTrue(x.unused.isEmpty, "\(x.unused)")

        // A data row that happens to follow a header with an empty cell is not a header.
        let d = try f.importing(utf8("客户名称,,客户等级\n丁有限公司,电话,A\n"), name: "one.csv", commit: false)
        XCTAssertNil(d.tables.first?.subHeaderLine)
        XCTAssertEqual(d.counts[.customers]?.new, 1)
    }

    /// Findings of the review of the above (helper-77): a merge starting on a row another merge
    /// made trapped; a merge past the data made rows of nothing but its value.
    func testMergesOverRowsThatAreNotThereNeitherTrapNorMakeRowsPastTheData() throws {
        var rows = [TableRow(line: 1, cells: [.text("客户名称"), .text("电话")]), TableRow(line: 2, cells: [.text("甲公司"), .text("010-1")])]
        var budget = 1_000
        try SheetParser.fillMerged(&rows, [(1, 2, 4), (2, 3, 5), (1, 1, 1_048_576)], budget: &budget)
        XCTAssertEqual(rows, [TableRow(line: 1, cells: [.text("客户名称"), .text("电话")]), TableRow(line: 2, cells: [.text("甲公司"), .text("010-1")])],
                       "nothing past line 2, the last with cells of its own")
        rows.append(TableRow(line: 6, cells: [.text("乙公司")]))
        try SheetParser.fillMerged(&rows, [(1, 2, 4), (1, 3, 5), (2, 2, 3)], budget: &budget)
        XCTAssertEqual(rows.map(\.line), [1, 2, 3, 4, 6])
        XCTAssertEqual(rows[2].cells, [.text("甲公司"), .text("010-1")])
        XCTAssertEqual(rows[3].cells, [.text("甲公司")], "a range whose top row another range made gives nothing")
    }

    /// The customer-list reading of 客户名称, 联系人, 手机 (helper-77): not when a column would
    /// go to the company instead of the person (电话, 邮箱), nor when a customer is named twice
    /// (several people of one customer: a contact list).
    func testTheCustomerListReadingKeepsToListsOfOnePersonACustomer() throws {
        let f = try ImportFixture()
        let a = try f.open()
        func kind(_ text: String) throws -> ImportKind? {
            try Importer(archive: a, options: ImportOptions(now: testNow)).preview(ImportSource.read(utf8(text), fileName: "k.csv")).tables.first?.kind
        }
        XCTAssertEqual(try kind("客户名称,联系人,手机,职务\n丁公司,张三,13800138000,采购经理\n"), .customers)
        XCTAssertEqual(try kind("客户名称,联系人,手机,职务,邮箱,电话\n丁公司,张三,13800138000,采购经理,z@ding.com,010-66668888\n"), .contacts)
        XCTAssertEqual(try kind("客户名称,联系人,手机\n甲公司,张三,13800138000\n甲公司,李四,13900139000\n乙公司,赵六,13600136000\n"), .contacts)
    }

    /// Totals rows (helper-77): spaces inside the word and a bracketed tail; an English word only
    /// when the rest of the row is numbers (a company may be called Total); a failed VLOOKUP in
    /// a reference column is said as such.
    func testTotalsRowsAsSheetsWriteThemAndAnExcelErrorInAReference() throws {
        let f = try ImportFixture()
        let p = try f.importing(utf8("客户名称,客户等级\n甲公司,A\n合 计,\n合　计,\n合计（2家）,\nTotal,B\nTotal,3\n　共计,\n SubTotal ,4\n"), name: "t.csv", commit: false)
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(p.counts[.customers]?.new, 2, "甲公司 and the company called Total")
        XCTAssertTrue(p.warnings.contains { $0.reasonZH == "第 3–5、7–9 行看起来是合计/小计行（“合 计”等），已跳过（共 6 行）" }, "\(p.warnings)")
        try f.importing(utf8("客户名称\n甲公司\n"), name: "c.csv")
        let q = try f.importing(utf8("客户名称,姓名\n#N/A,张三\n"), name: "r.csv", commit: false)
        XCTAssertEqual(q.problems.first?.reasonZH, "“#N/A”是 Excel 公式出错时显示的结果，不是实际内容。请在表格中改正公式或清空该单元格后重新导入")
    }
}

