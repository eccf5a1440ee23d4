import Foundation

/// Writes worksheet parts: header row, data rows, column widths, frozen header, filter.
///
/// In two steps, so that the rows can be written on every core: `plan` walks every cell in
/// order on one thread, giving texts their shared-string indices and cells their styles (the
/// tables are shared by the whole workbook, and their order is the order of first use), and
/// refuses what cannot be written; `rows` then writes any range of rows from the plan alone,
/// and `part` puts a sheet's row blocks together with its widths.
enum SheetWriter {
    static let minWidth = 6.0
    static let maxWidth = 60.0

    /// What the first step decided for one sheet: per cell (rows one after the other) its
    /// style (-1: not written) and its shared-string index (-1: not a shared string).
    struct Plan: Sendable {
        var columnCount: Int
        var hasHeader: Bool
        var headerStyle: Int
        var headerStrings: [Int]
        var rowStart: [Int]
        var styles: [Int32]
        var strings: [Int32]
        var dateFormat: Int
        var dateTimeFormat: Int

        var rowCount: Int { rowStart.count - 1 + (hasHeader ? 1 : 0) }
    }

    /// `text` cut to whole characters so that with `marker` it is at most `limit` UTF-16 units
    /// (what Excel counts).
    static func cut(_ text: String, to limit: Int, marker: String) -> String {
        let budget = limit - marker.utf16.count
        var out = ""
        var used = 0
        for ch in text {
            let n = ch.utf16.count
            if used + n > budget { break }
            out.append(ch)
            used += n
        }
        return out + marker
    }

    /// The first step for `sheet`: styles and shared strings in order of use. Throws for a
    /// sheet beyond Excel's limits, a text longer than a cell holds, or a fill that is not a colour.
    static func plan(_ sheet: XLSXSheet, styles: inout StyleTable, strings: inout SharedStringTable) throws -> Plan {
        let hasHeader = !sheet.columns.isEmpty
        let columnCount = max(sheet.columns.count, sheet.rows.map(\.count).max() ?? 0)
        let rowCount = sheet.rows.count + (hasHeader ? 1 : 0)
        guard rowCount <= XLSXReader.maxRow, columnCount <= XLSXReader.maxColumn else {
            throw XLSXErrors.sheetTooLarge(sheet.name)
        }
        func checkedText(_ s: String, _ ref: @autoclosure () -> String) throws -> String {
            let limit = XLSXWriter.maxCellTextLength
            guard s.utf8.count <= limit || s.utf16.count <= limit else {
                guard let marker = sheet.cutMarker else { throw XLSXErrors.textTooLong(sheet.name, ref()) }
                return cut(s, to: limit, marker: marker)
            }
            return s
        }
        let dateFormat = styles.numberFormat(StyleTable.dateFormat)
        let dateTimeFormat = styles.numberFormat(StyleTable.dateTimeFormat)
        let headerStyle = try styles.style(numberFormat: 0, fill: nil, bold: true)
        var headerStrings: [Int] = []
        for (i, column) in sheet.columns.enumerated() {
            headerStrings.append(strings.add(try checkedText(column.header, CellReference.letters(i + 1) + "1")))
        }
        // The texts' hashes first, on every core: what is left for this thread is a probe each.
        let textHashes: [Int] = Parallel.chunks(sheet.rows.count, chunk: 4_096) { range in
            var hashes: [Int] = []
            for row in sheet.rows[range] {
                for cell in row {
                    if case .text(let s) = cell.value { hashes.append(SharedStringTable.hash(s)) } else { hashes.append(0) }
                }
            }
            return hashes
        }
        var rowStart: [Int] = [0]
        rowStart.reserveCapacity(sheet.rows.count + 1)
        let cells = sheet.rows.reduce(0) { $0 + $1.count }
        var cellStyles = [Int32](repeating: -1, count: cells)
        var cellStrings = [Int32](repeating: -1, count: cells)
        var k = 0
        for (r, row) in sheet.rows.enumerated() {
            let rowNumber = r + (hasHeader ? 2 : 1)
            for c in row.indices {
                func ref() -> String { CellReference.letters(c + 1) + String(rowNumber) }
                var format = 0
                var shared: Int?
                switch row[c].value {
                case .empty:
                    if row[c].fill == nil && !row[c].bold { k += 1; continue }
                case .text(let s):
                    shared = strings.add(try checkedText(s, ref()), hash: textHashes[k])
                case .number, .bool:
                    break
                case .integer(let n):
                    if n.magnitude > Self.maxExactInteger { shared = strings.add(String(n)) }
                case .date(let d):
                    var day = d
                    day.secondOfDay = 0
                    if ExcelDate.serial(day) != nil { format = dateFormat } else { shared = strings.add(isoText(d, time: false)) }
                case .dateTime(let d):
                    if ExcelDate.serial(d) != nil { format = dateTimeFormat } else { shared = strings.add(isoText(d, time: true)) }
                case .money(let amount, let currency):
                    if !amount.isNaN { format = styles.numberFormat(StyleTable.moneyFormat(currency)) }
                }
                cellStyles[k] = Int32(try styles.style(numberFormat: format, fill: row[c].fill, bold: row[c].bold, quotePrefix: row[c].quotePrefix))
                if let shared {
                    guard shared < Int(Int32.max) else { throw XLSXErrors.sheetTooLarge(sheet.name) }
                    cellStrings[k] = Int32(shared)
                }
                k += 1
            }
            rowStart.append(k)
        }
        return Plan(columnCount: columnCount, hasHeader: hasHeader, headerStyle: headerStyle, headerStrings: headerStrings,
                    rowStart: rowStart, styles: cellStyles, strings: cellStrings, dateFormat: dateFormat, dateTimeFormat: dateTimeFormat)
    }

    /// Integers beyond 15 digits (what Excel keeps exactly) are written as text.
    static let maxExactInteger: UInt64 = 999_999_999_999_999

    /// The second step: the `<row>` elements of `rows` (indices into `sheet.rows`) and the
    /// widest content of each column among them. Reads only the sheet and its plan.
    static func rows(_ range: Range<Int>, of sheet: XLSXSheet, plan: Plan) -> (bytes: [UInt8], widths: [Int]) {
        var widths = [Int](repeating: 0, count: plan.columnCount)
        var body = XMLBuffer()
        let letters = (0..<plan.columnCount).map { Array(CellReference.letters($0 + 1).utf8) }
        for r in range {
            let row = sheet.rows[r]
            let rowNumber = r + (plan.hasHeader ? 2 : 1)
            body.raw("<row r=\"")
            body.decimal(rowNumber)
            body.raw("\">")
            var k = plan.rowStart[r]
            for c in row.indices {
                defer { k += 1 }
                let style = Int(plan.styles[k])
                guard style >= 0 else { continue }
                var type: UInt8 = 0  // t="…": s, e or b; 0 for a number
                var value = CellValue.none
                var width = 0
                let shared = Int(plan.strings[k])
                switch row[c].value {
                case .empty:
                    break
                case .text(let s):
                    width = displayWidth(s)
                case .number(let d):
                    if d.isFinite {
                        let text = number(d)
                        value = .text(text)
                        width = text.utf8.count
                    } else {
                        type = UInt8(ascii: "e")
                        value = .text("#NUM!")
                        width = 5
                    }
                case .integer(let n):
                    if shared < 0 { value = .index(Int(n)) }
                    width = decimalLength(n)
                case .date(let d):
                    var day = d
                    day.secondOfDay = 0
                    if shared < 0, let serial = ExcelDate.serial(day) { value = .text(number(serial)) }
                    width = 10
                case .dateTime(let d):
                    if shared < 0, let serial = ExcelDate.serial(d) { value = .text(number(serial)) }
                    width = 16
                case .money(let amount, _):
                    if amount.isNaN {
                        type = UInt8(ascii: "e")
                        value = .text("#NUM!")
                        width = 5
                    } else {
                        let text = amount.description
                        value = .text(text)
                        width = text.count + text.count / 3 + 5
                    }
                case .bool(let b):
                    type = UInt8(ascii: "b")
                    value = .index(b ? 1 : 0)
                    width = 5
                }
                if shared >= 0 {
                    type = UInt8(ascii: "s")
                    value = .index(shared)
                }
                if c < widths.count { widths[c] = max(widths[c], width) }
                body.raw("<c r=\"")
                if c < letters.count { body.raw(bytes: letters[c]) } else { body.raw(CellReference.letters(c + 1)) }
                body.decimal(rowNumber)
                body.raw("\"")
                if style != 0 {
                    body.raw(" s=\"")
                    body.decimal(style)
                    body.raw("\"")
                }
                if type != 0 {
                    body.raw(" t=\"")
                    body.byte(type)
                    body.raw("\"")
                }
                switch value {
                case .none:
                    body.raw("/>")
                case .index(let n):
                    body.raw("><v>")
                    body.decimal(n)
                    body.raw("</v></c>")
                case .text(let text):
                    body.raw("><v>")
                    body.raw(text)
                    body.raw("</v></c>")
                }
            }
            // A line break per row: libxml2 2.9 (under Foundation's XMLParser) refuses a line
            // longer than 10 MB ("huge input lookup"), and other readers may too.
            body.raw("</row>\n")
        }
        return (body.bytes, widths)
    }

    /// The worksheet part: `blocks` are the rows written by `rows`, in order; `widths` the
    /// widest content of each column over all of them.
    static func part(_ sheet: XLSXSheet, plan: Plan, selected: Bool, blocks: [[UInt8]], widths contentWidths: [Int]) -> Data {
        let columnCount = plan.columnCount
        let rowCount = plan.rowCount
        var widths = contentWidths
        var x = XMLBuffer(capacity: blocks.reduce(4096) { $0 + $1.count })
        x.raw(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n")
        x.raw(#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#)
        x.raw(#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#)
        let lastColumn = CellReference.letters(max(columnCount, 1))
        x.raw("<dimension ref=\"A1:\(lastColumn)\(max(rowCount, 1))\"/>")
        x.raw("<sheetViews><sheetView workbookViewId=\"0\"\(selected ? " tabSelected=\"1\"" : "")>")
        if sheet.freezeHeader && plan.hasHeader {
            x.raw(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#)
            x.raw(#"<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>"#)
        }
        x.raw("</sheetView></sheetViews>")
        x.raw(#"<sheetFormatPr defaultRowHeight="15"/>"#)
        for (i, column) in sheet.columns.enumerated() { widths[i] = max(widths[i], displayWidth(column.header)) }
        if columnCount > 0 {
            x.raw("<cols>")
            for i in 0..<columnCount {
                let given = (i < sheet.columns.count ? sheet.columns[i].width : nil).map { $0.isFinite ? min(255, max(0, $0)) : maxWidth }
                let width = given ?? min(maxWidth, max(minWidth, Double(widths[i] + 2)))
                x.raw("<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(number(width))\" customWidth=\"1\"/>")
            }
            x.raw("</cols>")
        }
        x.raw("<sheetData>")
        if plan.hasHeader {
            x.raw("<row r=\"1\">")
            for (i, index) in plan.headerStrings.enumerated() {
                x.raw("<c r=\"\(CellReference.letters(i + 1))1\" s=\"\(plan.headerStyle)\" t=\"s\"><v>\(index)</v></c>")
            }
            x.raw("</row>")
        }
        for block in blocks { x.raw(bytes: block) }
        x.raw("</sheetData>")
        if sheet.autoFilter && plan.hasHeader {
            x.raw("<autoFilter ref=\"A1:\(CellReference.letters(sheet.columns.count))\(rowCount)\"/>")
        }
        x.raw(#"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>"#)
        x.raw("</worksheet>")
        return x.data
    }

    /// A cell's `<v>`: none, a whole number (a shared-string index, an integer, a boolean), or
    /// other text.
    private enum CellValue {
        case none
        case index(Int)
        case text(String)
    }

    /// The number of characters of `n` in decimal.
    private static func decimalLength(_ n: Int64) -> Int {
        var m = n.magnitude
        var length = n < 0 ? 2 : 1
        while m >= 10 { m /= 10; length += 1 }
        return length
    }

    /// A number as XML Schema's xsd:double lexical form, shortest round-trip digits.
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    private static func isoText(_ d: CivilDateTime, time: Bool) -> String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var s = "\(pad(d.year, 4))-\(pad(d.month, 2))-\(pad(d.day, 2))"
        if time { s += " \(pad(d.secondOfDay / 3600, 2)):\(pad(d.secondOfDay / 60 % 60, 2))" }
        return s
    }

    /// How many columns of width `s` takes: East Asian wide and fullwidth characters count two.
    static func displayWidth(_ s: String) -> Int {
        var width = 0
        var lineWidth = 0
        for scalar in s.unicodeScalars {
            if scalar == "\n" { width = max(width, lineWidth); lineWidth = 0; continue }
            lineWidth += isWide(scalar.value) ? 2 : 1
        }
        return max(width, lineWidth)
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
