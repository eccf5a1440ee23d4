import Foundation

/// Writes one worksheet part: header row, data rows, column widths, frozen header, filter.
enum SheetWriter {
    static let minWidth = 6.0
    static let maxWidth = 60.0

    static func write(_ sheet: XLSXSheet, selected: Bool, styles: inout StyleTable,
                      strings: inout SharedStringTable) throws -> Data {
        let hasHeader = !sheet.columns.isEmpty
        let columnCount = max(sheet.columns.count, sheet.rows.map(\.count).max() ?? 0)
        let rowCount = sheet.rows.count + (hasHeader ? 1 : 0)
        guard rowCount <= XLSXReader.maxRow, columnCount <= XLSXReader.maxColumn else {
            throw XLSXErrors.sheetTooLarge(sheet.name)
        }
        func checkedText(_ s: String, _ ref: @autoclosure () -> String) throws -> String {
            let limit = XLSXWriter.maxCellTextLength
            guard s.utf8.count <= limit || s.utf16.count <= limit else { throw XLSXErrors.textTooLong(sheet.name, ref()) }
            return s
        }
        var widths = [Int](repeating: 0, count: columnCount)
        let dateFormat = styles.numberFormat(StyleTable.dateFormat)
        let dateTimeFormat = styles.numberFormat(StyleTable.dateTimeFormat)
        let headerStyle = try styles.style(numberFormat: 0, fill: nil, bold: true)

        var body = XMLBuffer()
        body.raw("<sheetData>")
        if hasHeader {
            body.raw("<row r=\"1\">")
            for (i, column) in sheet.columns.enumerated() {
                widths[i] = max(widths[i], displayWidth(column.header))
                let ref = CellReference.letters(i + 1) + "1"
                let text = try checkedText(column.header, ref)
                body.raw("<c r=\"\(ref)\" s=\"\(headerStyle)\" t=\"s\"><v>\(strings.add(text))</v></c>")
            }
            body.raw("</row>")
        }
        for (r, row) in sheet.rows.enumerated() {
            let rowNumber = r + (hasHeader ? 2 : 1)
            body.raw("<row r=\"\(rowNumber)\">")
            for (c, cell) in row.enumerated() {
                let ref = CellReference.letters(c + 1) + String(rowNumber)
                var format = 0
                var type = ""
                var value = ""
                var width = 0
                switch cell.value {
                case .empty:
                    if cell.fill == nil && !cell.bold { continue }
                case .text(let s):
                    type = "s"
                    value = String(strings.add(try checkedText(s, ref)))
                    width = displayWidth(s)
                case .number(let d):
                    if d.isFinite {
                        value = number(d)
                    } else {
                        type = "e"
                        value = "#NUM!"
                    }
                    width = value.count
                case .integer(let n):
                    if n.magnitude <= 999_999_999_999_999 {
                        value = String(n)
                    } else {
                        type = "s"
                        value = String(strings.add(String(n)))
                    }
                    width = String(n).count
                case .date(let d):
                    var day = d
                    day.secondOfDay = 0
                    if let serial = ExcelDate.serial(day) {
                        format = dateFormat
                        value = number(serial)
                    } else {
                        type = "s"
                        value = String(strings.add(isoText(d, time: false)))
                    }
                    width = 10
                case .dateTime(let d):
                    if let serial = ExcelDate.serial(d) {
                        format = dateTimeFormat
                        value = number(serial)
                    } else {
                        type = "s"
                        value = String(strings.add(isoText(d, time: true)))
                    }
                    width = 16
                case .money(let amount, let currency):
                    if amount.isNaN {
                        type = "e"
                        value = "#NUM!"
                    } else {
                        format = styles.numberFormat(StyleTable.moneyFormat(currency))
                        value = amount.description
                    }
                    width = value.count + value.count / 3 + 5
                case .bool(let b):
                    type = "b"
                    value = b ? "1" : "0"
                    width = 5
                }
                if c < widths.count { widths[c] = max(widths[c], width) }
                let style = try styles.style(numberFormat: format, fill: cell.fill, bold: cell.bold)
                body.raw("<c r=\"\(ref)\"")
                if style != 0 { body.raw(" s=\"\(style)\"") }
                if !type.isEmpty { body.raw(" t=\"\(type)\"") }
                if value.isEmpty {
                    body.raw("/>")
                } else {
                    body.raw("><v>")
                    body.raw(value)
                    body.raw("</v></c>")
                }
            }
            // A line break per row: libxml2 2.9 (under Foundation's XMLParser) refuses a line
            // longer than 10 MB ("huge input lookup"), and other readers may too.
            body.raw("</row>\n")
        }
        body.raw("</sheetData>")

        let lastColumn = CellReference.letters(max(columnCount, 1))
        let range = "A1:\(lastColumn)\(max(rowCount, 1))"
        var x = XMLBuffer()
        x.raw(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n")
        x.raw(#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#)
        x.raw(#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#)
        x.raw("<dimension ref=\"\(range)\"/>")
        x.raw("<sheetViews><sheetView workbookViewId=\"0\"\(selected ? " tabSelected=\"1\"" : "")>")
        if sheet.freezeHeader && hasHeader {
            x.raw(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#)
            x.raw(#"<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>"#)
        }
        x.raw("</sheetView></sheetViews>")
        x.raw(#"<sheetFormatPr defaultRowHeight="15"/>"#)
        if columnCount > 0 {
            x.raw("<cols>")
            for i in 0..<columnCount {
                let given = (i < sheet.columns.count ? sheet.columns[i].width : nil).map { $0.isFinite ? min(255, max(0, $0)) : maxWidth }
                let width = given ?? min(maxWidth, max(minWidth, Double(widths[i] + 2)))
                x.raw("<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(number(width))\" customWidth=\"1\"/>")
            }
            x.raw("</cols>")
        }
        x.append(body)
        if sheet.autoFilter && hasHeader {
            x.raw("<autoFilter ref=\"A1:\(CellReference.letters(sheet.columns.count))\(rowCount)\"/>")
        }
        x.raw(#"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>"#)
        x.raw("</worksheet>")
        return x.data
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
