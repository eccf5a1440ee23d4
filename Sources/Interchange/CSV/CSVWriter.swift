import Foundation

/// The one CSV/TSV writer of SalesVault: exports, rejects files and the compliance report.
///
/// A field is quoted when it holds the delimiter, a quote, CR or LF, or starts or ends with a
/// space or tab (so no reader trims it); quotes inside are doubled. Lines end with CRLF, as
/// Excel writes them. With `guardsFormulas` (the default) every field first goes through
/// `FormulaGuard.neutralise`, so a value such as `=HYPERLINK(…)` cannot run in Excel; callers
/// must not neutralise fields themselves (it is exact, not idempotent, see `FormulaGuard`).
/// `data()` encodes the text: a BOM for `.utf8BOM` (the default: Excel on zh-CN Windows opens
/// UTF-8 without a BOM as mojibake) and for UTF-16, GB18030 through iconv.
public struct CSVWriter: Sendable {
    public let delimiter: UInt8
    public let encoding: TextEncoding
    public let guardsFormulas: Bool
    /// The text so far, as UTF-8.
    private var bytes: [UInt8] = []

    public init(delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8BOM, guardsFormulas: Bool = true) {
        precondition(delimiter < 0x80 && delimiter != UInt8(ascii: "\"") && delimiter != 0x0A && delimiter != 0x0D,
                     "a CSV delimiter must be ASCII and not a quote or line end")
        self.delimiter = delimiter
        self.encoding = encoding
        self.guardsFormulas = guardsFormulas
    }

    /// Appends one record.
    public mutating func append(_ fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(delimiter) }
            appendField(guardsFormulas ? FormulaGuard.neutralise(field) : field)
        }
        bytes.append(0x0D)
        bytes.append(0x0A)
    }

    /// The file's bytes in `encoding`.
    public func data() throws -> Data {
        switch encoding {
        case .utf8:
            return Data(bytes)
        case .utf8BOM:
            return Data(TextEncoding.utf8BOMBytes + bytes)
        case .utf16LE, .utf16BE, .gb18030:
            return try TextEncoding.encode(String(decoding: bytes, as: UTF8.self), as: encoding)
        }
    }

    private mutating func appendField(_ field: String) {
        let utf8 = field.utf8
        let quote = UInt8(ascii: "\"")
        let needsQuotes = utf8.contains { $0 == delimiter || $0 == quote || $0 == 0x0A || $0 == 0x0D }
            || utf8.first == 0x20 || utf8.first == 0x09 || utf8.last == 0x20 || utf8.last == 0x09
        guard needsQuotes else {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(quote)
        for byte in utf8 {
            if byte == quote { bytes.append(quote) }
            bytes.append(byte)
        }
        bytes.append(quote)
    }
}
