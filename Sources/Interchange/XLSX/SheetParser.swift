import Foundation

/// Reads one worksheet part (`<sheetData>`) into rows, streaming.
enum SheetParser {
    private struct PendingCell {
        var column = 0
        var style = 0
        var type = "n"
        var value = ""
        var hasValue = false
        var hasFormula = false
        /// The formula's text (`TODAY()+3`), when the cell gives it (a shared formula's other
        /// cells give only `sharedIndex`).
        var formula = ""
        var sharedIndex: String?
    }

    /// `hiddenRows` gets the numbers of the rows the sheet hides (`<row hidden="1">`, a filter's
    /// or the user's), in order, whether or not they hold anything; `hiddenColumns` the indexes
    /// (0 for A) of the columns it hides (`<col min max hidden="1">`), in order; `amountUnits`
    /// the number cells whose format shows an amount's currency or unit; `shownNumbers` the whole
    /// numbers whose format shows them through a digit pattern (`C001`, `00123`), as shown.
    static func parse(_ xml: Data, part: String, sharedStrings: [String], styles: StyleInfo, date1904: Bool,
                      cellBudget: inout Int, hiddenRows: inout [Int], hiddenColumns: inout [Int],
                      amountUnits: inout [CellPosition: NumberFormat.AmountUnit], shownNumbers: inout [CellPosition: String],
                      uncomputed: inout [CellPosition], volatile: inout [CellPosition: String],
                      formulaCells: inout [CellPosition: FormulaDays.Formula]) throws -> [TableRow] {
        var amounts: [CellPosition: NumberFormat.AmountUnit] = [:]
        var shown: [CellPosition: String] = [:]
        var rows: [TableRow] = []
        var hidden: [Int] = []
        var hiddenColumnSet = Set<Int>()
        var formulas: [CellPosition] = []
        var volatileCells: [CellPosition: String] = [:]
        var volatileShared: [String: String] = [:]  // a shared formula's index: its text, when volatile
        var sharedFirst: [String: (CellPosition, String)] = [:]  // a shared formula's index: its first cell and text
        var allFormulas: [CellPosition: FormulaDays.Formula] = [:]  // every formula, for `FormulaDays`
        var captureFormula = false
        var budget = cellBudget
        var inSheetData = false
        var rowNumber = 0
        var rowCells: [CellValue] = []
        var inRow = false
        var cell = PendingCell()
        var inCell = false
        var capture = false
        var inInline = false
        var phoneticDepth = 0
        var merges: [(column: Int, top: Int, bottom: Int)] = []  // merged ranges, by their first column

        func fail(_ detail: String, _ zh: String) -> InterchangeError {
            XLSXErrors.badContent(part, detail, zh: zh)
        }

        func finishRow() {
            while let last = rowCells.last, last == .empty { rowCells.removeLast() }
            if !rowCells.isEmpty { rows.append(TableRow(line: rowNumber, cells: rowCells)) }
            rowCells = []
        }

        func finishCell() throws {
            var value = try cellValue(cell, part: part, row: rowNumber, sharedStrings: sharedStrings,
                                      styles: styles, date1904: date1904)
            // Text after Excel's quote prefix is shown as it is written: an apostrophe it starts
            // with is the text's own, not the one the import takes off before = + - @
            // (`FormulaGuard.restore`), so it is given one more here ('=x typed after the prefix
            // was imported as =x, and the export wrote such a note ''=x: helper-201 6).
            if case .text(let t) = value, t.unicodeScalars.first == "'", styles.hasQuotePrefix(cell.style), FormulaGuard.needsGuard(t) {
                value = .text("'" + t)
            }
            let index = cell.column - 1
            if index >= rowCells.count {
                let added = index + 1 - rowCells.count
                budget -= added
                guard budget >= 0 else { throw XLSXErrors.tooManyCells() }
                rowCells.append(contentsOf: repeatElement(CellValue.empty, count: added))
            }
            rowCells[index] = value
            // A formula whose result the file does not hold (written by a program, never opened
            // and saved by Excel): an empty cell here, named (a credit code of =A1&B1 was
            // imported as no code without a word: helper-92).
            // (openpyxl writes `<f>…</f><v />`; a text result may be empty, a number's cannot.)
            if cell.hasFormula && (!cell.hasValue || (cell.value.isEmpty && cell.type != "str")) && formulas.count < 1_000 {
                formulas.append(CellPosition(line: rowNumber, column: index))
            }
            // A formula of the day it is opened (=TODAY()+3, =NOW()): the value the file holds is
            // of the day it was last saved, not a date anyone wrote (its value was imported as a
            // fixed date, while a CSV's 今天 is refused: helper-113). Noted, with its text.
            if cell.hasFormula && volatileCells.count < 100_000 {
                let here = CellPosition(line: rowNumber, column: index)
                if !cell.formula.isEmpty {
                    let isVolatile = Self.isVolatile(cell.formula)
                    if let si = cell.sharedIndex {
                        volatileShared[si] = isVolatile ? cell.formula : nil
                        sharedFirst[si] = (here, cell.formula)
                    }
                    if isVolatile { volatileCells[here] = cell.formula }
                    // (Every formula kept, for the ones that refer to a cell of the day.)
                    else if allFormulas.count < FormulaDays.maxFormulas { allFormulas[here] = FormulaDays.Formula(text: cell.formula) }
                } else if let si = cell.sharedIndex, let text = volatileShared[si] {
                    let first = sharedFirst[si]?.0 ?? here
                    volatileCells[here] = FormulaDays.shifted(text, rowShift: here.line - first.line, columnShift: here.column - first.column)
                } else if let si = cell.sharedIndex, let (first, text) = sharedFirst[si], allFormulas.count < FormulaDays.maxFormulas {
                    allFormulas[here] = FormulaDays.Formula(text: text, rowShift: here.line - first.line, columnShift: here.column - first.column)
                }
            }
            // A number shown as an amount with its currency or unit (what our export writes for
            // US$, 120 shown as 120万元): noted, for an amount column to read it as shown (it was
            // read as yuan); every other column reads the number.
            if case .number = value, let unit = styles.amountUnit(cell.style), amounts.count < 5_000_000 {
                amounts[CellPosition(line: rowNumber, column: index)] = unit
            }
            // A code or phone number shown through a digit pattern (C001 for 1, 00123): noted as
            // shown, for an identifier column (it read the bare number, the zeros lost).
            if case .number(let d) = value, let pattern = styles.digitPattern(cell.style), let text = pattern.text(d), shown.count < 5_000_000 {
                shown[CellPosition(line: rowNumber, column: index)] = text
            }
        }

        try XMLEvents.parse(xml, part: part, start: { name, attributes in
            switch name {
            case "sheetData": inSheetData = true
            case "row" where inSheetData:
                if let r = attributes["r"] {
                    guard let number = Int(r), number >= 1, number <= XLSXReader.maxRow else {
                        throw fail("the row number \(r.prefix(20)) is outside 1…1,048,576",
                                   "行号 \(r.prefix(20)) 超出了 1 到 1,048,576 的范围")
                    }
                    rowNumber = number
                } else {
                    rowNumber += 1
                    guard rowNumber <= XLSXReader.maxRow else {
                        throw fail("there are more than 1,048,576 rows", "行数超过了 1,048,576")
                    }
                }
                if let h = attributes["hidden"], h == "1" || h == "true" { hidden.append(rowNumber) }
                inRow = true
                rowCells = []
                cell = PendingCell()  // a cell without a reference follows the previous one in this row
            case "c" where inRow:
                let previous = cell.column
                cell = PendingCell()
                if let ref = attributes["r"] {
                    guard let (column, row) = CellReference.parse(ref) else {
                        throw fail("the cell reference \"\(ref.prefix(20))\" is not a cell within XFD1048576",
                                   "单元格地址“\(ref.prefix(20))”无效，超出了 XFD1048576 的范围")
                    }
                    if row != rowNumber {
                        throw fail("the cell \(ref) is inside row \(rowNumber)", "单元格 \(ref) 写在了第 \(rowNumber) 行里")
                    }
                    cell.column = column
                } else {
                    cell.column = previous + 1
                    guard cell.column <= XLSXReader.maxColumn else {
                        throw fail("row \(rowNumber) has more than 16,384 cells", "第 \(rowNumber) 行的单元格超过了 16,384 个")
                    }
                }
                cell.style = attributes["s"].flatMap { Int($0) } ?? 0
                cell.type = attributes["t"] ?? "n"
                inCell = true
            case "v" where inCell:
                capture = true
                cell.hasValue = true
            case "f" where inCell:
                cell.hasFormula = true
                captureFormula = true
                if attributes["t"] == "shared" { cell.sharedIndex = attributes["si"] }
            case "is" where inCell:
                inInline = true
                cell.hasValue = true
            case "mergeCell" where !inSheetData:
                // `A2:A4`: one value shown over several rows (a customer over its contacts' rows).
                if let ref = attributes["ref"], let colon = ref.firstIndex(of: ":"),
                   let from = CellReference.parse(String(ref[..<colon])), let to = CellReference.parse(String(ref[ref.index(after: colon)...])),
                   to.row > from.row, merges.count < 100_000 {
                    merges.append((from.column, from.row, to.row))
                }
            case "col" where !inSheetData:
                // `<col min="3" max="3" hidden="1"/>`: columns the user does not see (a range at
                // most 16,384 wide, and only the first 1,000 hidden ones kept: all that is named).
                if let h = attributes["hidden"], h == "1" || h == "true",
                   let lo = attributes["min"].flatMap({ Int($0) }), let hi = attributes["max"].flatMap({ Int($0) }),
                   lo >= 1, hi >= lo, hi <= XLSXReader.maxColumn {
                    for c in lo...hi where hiddenColumnSet.count < 1_000 { hiddenColumnSet.insert(c - 1) }
                }
            case "rPh" where inInline: phoneticDepth += 1
            case "t" where inInline && phoneticDepth == 0: capture = true
            default: break
            }
        }, end: { name in
            switch name {
            case "sheetData": inSheetData = false
            case "row" where inRow:
                finishRow()
                inRow = false
            case "c" where inCell:
                try finishCell()
                inCell = false
                capture = false
            case "v", "t": capture = false
            case "f": captureFormula = false
            case "rPh" where inInline: phoneticDepth -= 1
            case "is": inInline = false
            default: break
            }
        }, text: { text in
            if capture { cell.value += text }
            if captureFormula && cell.formula.utf8.count < 8_192 { cell.formula += text }
        })
        if !merges.isEmpty { try fillMerged(&rows, merges, budget: &budget) }
        cellBudget = budget
        hiddenRows = hidden
        hiddenColumns = hiddenColumnSet.sorted()
        uncomputed = formulas
        volatile = volatileCells
        formulaCells = allFormulas
        amountUnits = amounts
        shownNumbers = shown
        return rows
    }

    /// Whether a formula's result depends on the day it is computed: it calls TODAY() or NOW()
    /// (any case, spaces before the bracket), outside a quoted text.
    static func isVolatile(_ formula: String) -> Bool {
        var inText = false
        var word = ""
        for ch in formula.unicodeScalars {
            if ch == "\"" { inText.toggle(); word = ""; continue }
            if inText { continue }
            if ch.properties.isAlphabetic || ch == "." || ch == "_" { word.unicodeScalars.append(ch); continue }
            if ch == " " && !word.isEmpty { continue }
            if ch == "(", ["TODAY", "NOW", "_XLFN.TODAY", "_XLFN.NOW"].contains(word.uppercased()) { return true }
            word = ""
        }
        return false
    }

    /// Each merged range's value in every row it spans, in its first column (what Excel shows
    /// there; the file keeps it in the top cell only): a customer name merged over its contacts'
    /// rows was read as empty in all but the first (black-box finding). Columns a range spans
    /// to the right are left empty (a value merged across columns belongs to the first one).
    /// Rows the range spans that hold nothing are made, up to the sheet's last row with cells
    /// of its own (a range merged past the data, or over a whole column, made rows of nothing
    /// but that value, black-box finding); every cell filled counts against the workbook's cell
    /// budget. Only a range's top row as written gives a value (not one an earlier range filled).
    static func fillMerged(_ rows: inout [TableRow], _ merges: [(column: Int, top: Int, bottom: Int)], budget: inout Int) throws {
        guard let last = rows.last?.line else { return }
        var index: [Int: Int] = [:]  // row number → position in `rows` (or −1 − position in `added`)
        for (i, r) in rows.enumerated() { index[r.line] = i }
        var added: [TableRow] = []
        for m in merges where m.top < last {
            // (A top row made by another range has no value of its own: negative index.)
            guard let top = index[m.top], top >= 0, m.column - 1 < rows[top].cells.count else { continue }
            let value = rows[top].cells[m.column - 1]
            guard value != .empty else { continue }
            for line in (m.top + 1)...min(m.bottom, last) {
                budget -= m.column
                guard budget >= 0 else { throw XLSXErrors.tooManyCells() }
                func fill(_ row: inout TableRow) {
                    if row.cells.count < m.column { row.cells += repeatElement(CellValue.empty, count: m.column - row.cells.count) }
                    if row.cells[m.column - 1] == .empty { row.cells[m.column - 1] = value }
                }
                if let i = index[line] {
                    if i >= 0 { fill(&rows[i]) } else { fill(&added[-1 - i]) }
                } else {
                    var cells = [CellValue](repeating: .empty, count: m.column)
                    cells[m.column - 1] = value
                    index[line] = -1 - added.count
                    added.append(TableRow(line: line, cells: cells))
                }
            }
        }
        guard !added.isEmpty else { return }
        rows = (rows + added).sorted { $0.line < $1.line }
    }

    private static func cellValue(_ cell: PendingCell, part: String, row: Int, sharedStrings: [String],
                                  styles: StyleInfo, date1904: Bool) throws -> CellValue {
        guard cell.hasValue else { return .empty }
        let raw = cell.value
        var ref: String { CellReference.name(column: cell.column, row: row) }
        switch cell.type {
        case "s":
            guard let index = Int(raw.trimmingCharacters(in: .whitespaces)), index >= 0, index < sharedStrings.count else {
                throw XLSXErrors.badContent(part, "the cell \(ref) points to a shared string that does not exist",
                                            zh: "单元格 \(ref) 引用的共享文本不存在")
            }
            return .text(sharedStrings[index])
        case "inlineStr", "str":
            return .text(OOXMLString.decode(raw))
        case "e":
            return .text(raw)
        case "b":
            switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true": return .bool(true)
            case "0", "false": return .bool(false)
            default:
                throw XLSXErrors.badContent(part, "the cell \(ref) is a TRUE/FALSE cell holding \"\(raw.prefix(20))\"",
                                            zh: "单元格 \(ref) 应为 TRUE/FALSE，实际内容是“\(raw.prefix(20))”")
            }
        case "d":
            guard let date = isoDate(raw) else {
                throw XLSXErrors.badContent(part, "the cell \(ref) is a date cell holding \"\(raw.prefix(30))\"",
                                            zh: "单元格 \(ref) 应为日期，实际内容是“\(raw.prefix(30))”")
            }
            return .date(date)
        default:
            guard let number = Double(raw) ?? Double(raw.trimmingCharacters(in: .whitespacesAndNewlines)), number.isFinite else {
                if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .empty }
                throw XLSXErrors.badContent(part, "the cell \(ref) is a number cell holding \"\(raw.prefix(30))\"",
                                            zh: "单元格 \(ref) 应为数字，实际内容是“\(raw.prefix(30))”")
            }
            if styles.isDate(cell.style), var date = ExcelDate.civil(serial: number, date1904: date1904) {
                if date.secondOfDay != 0, styles.hidesTime(cell.style) { date.timeHidden = true }
                return .date(date)
            }
            return .number(number)
        }
    }

    /// An ISO 8601 date or date-time of a `t="d"` cell: `2024-03-05`, `2024-03-05T14:30:00`
    /// (fractional seconds rounded; a zone suffix ignored, as the cell shows wall-clock time).
    static func isoDate(_ text: String) -> CivilDateTime? {
        let s = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= s.count else { return nil }
            var n = 0
            for b in s[from..<(from + count)] {
                guard b >= 0x30, b <= 0x39 else { return nil }
                n = n * 10 + Int(b - 0x30)
            }
            return n
        }
        guard s.count >= 10, s[4] == 0x2D, s[7] == 0x2D, let y = number(0, 4), let m = number(5, 2),
              let d = number(8, 2), (1...12).contains(m), (1...31).contains(d) else { return nil }
        var seconds = 0
        if s.count > 10 {
            guard s.count >= 19, s[10] == 0x54 || s[10] == 0x20, s[13] == 0x3A, s[16] == 0x3A,
                  let h = number(11, 2), let mi = number(14, 2), let se = number(17, 2), h < 24, mi < 60, se < 60
            else { return nil }
            seconds = h * 3600 + mi * 60 + se
            if s.count > 20, s[19] == 0x2E, let fraction = Double("0" + String(decoding: s[19...].prefix(while: { $0 == 0x2E || ($0 >= 0x30 && $0 <= 0x39) }), as: UTF8.self)) {
                seconds += Int(fraction.rounded())
            }
            if seconds >= 86_400 { return nil }
        }
        return CivilDateTime(year: y, month: m, day: d, secondOfDay: seconds)
    }
}
