import Foundation

/// The cell styles of a workbook being written: one `cellXfs` entry per distinct (number
/// format, fill, bold), number formats and fills likewise shared.
struct StyleTable {
    struct Key: Hashable {
        var numberFormat: Int
        var fill: Int
        var bold: Bool
        var quotePrefix = false
    }

    static let dateFormat = "yyyy-mm-dd"
    static let dateTimeFormat = "yyyy-mm-dd hh:mm"

    private var customFormats: [String] = []
    private var fills: [String] = []
    /// Each fill as given by the caller, validated once: its index in `fills` + 2.
    private var fillIndex: [String: Int] = [:]
    private var keys: [Key] = [Key(numberFormat: 0, fill: 0, bold: false)]
    private var keyIndex: [Key: Int] = [Key(numberFormat: 0, fill: 0, bold: false): 0]

    /// The id of a custom number format (from 164, as Excel numbers them).
    mutating func numberFormat(_ code: String) -> Int {
        if let i = customFormats.firstIndex(of: code) { return 164 + i }
        customFormats.append(code)
        return 164 + customFormats.count - 1
    }

    /// The format code of money in `currency`: CNY with ¥, others with their ISO code.
    static func moneyFormat(_ currency: String) -> String {
        let code = String(currency.uppercased().unicodeScalars.filter { ("A"..."Z").contains($0) }.prefix(3))
        switch code {
        case "CNY", "RMB": return "\"¥\"#,##0.00"
        case "": return "#,##0.00"
        default: return "[$\(code)] #,##0.00"
        }
    }

    /// The `cellXfs` index of a style; `fill` is validated ARGB or RGB hex.
    mutating func style(numberFormat: Int, fill: String?, bold: Bool, quotePrefix: Bool = false) throws -> Int {
        // Most cells: no format, fill, bold or quote prefix, the default style 0.
        if numberFormat == 0 && fill == nil && !bold && !quotePrefix { return 0 }
        var index = 0
        if let fill {
            if let known = fillIndex[fill] {
                index = known
            } else {
                let argb = try Self.argb(fill)
                if let i = fills.firstIndex(of: argb) { index = 2 + i } else {
                    fills.append(argb)
                    index = 2 + fills.count - 1
                }
                fillIndex[fill] = index
            }
        }
        let key = Key(numberFormat: numberFormat, fill: index, bold: bold, quotePrefix: quotePrefix)
        if let i = keyIndex[key] { return i }
        keyIndex[key] = keys.count
        keys.append(key)
        return keys.count - 1
    }

    static func argb(_ fill: String) throws -> String {
        let hex = fill.hasPrefix("#") ? String(fill.dropFirst()) : fill
        guard hex.count == 6 || hex.count == 8, hex.allSatisfy(\.isHexDigit) else { throw XLSXErrors.invalidFill(fill) }
        return (hex.count == 6 ? "FF" + hex : hex).uppercased()
    }

    func xml() -> Data {
        var x = XMLBuffer()
        x.raw(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n")
        x.raw(#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#)
        if !customFormats.isEmpty {
            x.raw("<numFmts count=\"\(customFormats.count)\">")
            for (i, code) in customFormats.enumerated() {
                x.raw("<numFmt numFmtId=\"\(164 + i)\" formatCode=\"")
                x.escaped(code, attribute: true)
                x.raw("\"/>")
            }
            x.raw("</numFmts>")
        }
        x.raw(#"<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#)
        x.raw(#"<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>"#)
        x.raw("<fills count=\"\(2 + fills.count)\">")
        x.raw(#"<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>"#)
        for argb in fills {
            x.raw("<fill><patternFill patternType=\"solid\"><fgColor rgb=\"\(argb)\"/><bgColor indexed=\"64\"/></patternFill></fill>")
        }
        x.raw("</fills>")
        x.raw(#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#)
        x.raw(#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#)
        x.raw("<cellXfs count=\"\(keys.count)\">")
        for key in keys {
            x.raw("<xf numFmtId=\"\(key.numberFormat)\" fontId=\"\(key.bold ? 1 : 0)\" fillId=\"\(key.fill)\" borderId=\"0\" xfId=\"0\"")
            if key.numberFormat != 0 { x.raw(#" applyNumberFormat="1""#) }
            if key.bold { x.raw(#" applyFont="1""#) }
            if key.fill != 0 { x.raw(#" applyFill="1""#) }
            if key.quotePrefix { x.raw(#" quotePrefix="1""#) }
            x.raw("/>")
        }
        x.raw("</cellXfs>")
        x.raw(#"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#)
        x.raw("</styleSheet>")
        return x.data
    }
}
