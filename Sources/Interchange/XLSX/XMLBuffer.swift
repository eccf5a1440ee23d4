import Foundation

/// Builds an XML part as UTF-8 bytes, escaping text for XML 1.0 and SpreadsheetML.
struct XMLBuffer {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    var data: Data { Data(bytes) }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func append(_ other: XMLBuffer) { bytes.append(contentsOf: other.bytes) }

    /// `<name>text</name>`, with `xml:space="preserve"` when the text has edge blanks or breaks.
    mutating func textElement(_ name: String, _ text: String) {
        let preserve = text.first.map { $0.isWhitespace } == true || text.last.map { $0.isWhitespace } == true
            || text.utf8.contains(0x0A) || text.utf8.contains(0x09)
        raw(preserve ? "<\(name) xml:space=\"preserve\">" : "<\(name)>")
        escaped(text, attribute: false)
        raw("</\(name)>")
    }

    /// Appends `text` escaped: `& < >` (and `"` in attributes) as entities; characters XML 1.0
    /// cannot hold (controls other than tab and LF, U+FFFE, U+FFFF) and CR as `_xHHHH_`; and the
    /// underscore of a literal `_xHHHH_` as `_x005F_`, so reading gives back the same text
    /// (ECMA-376 Part 1, 22.9.2.19 ST_Xstring).
    mutating func escaped(_ text: String, attribute: Bool) {
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            switch b {
            case 0x26: raw("&amp;")
            case 0x3C: raw("&lt;")
            case 0x3E: raw("&gt;")
            case 0x22 where attribute: raw("&quot;")
            case 0x09, 0x0A:
                if attribute { raw(b == 0x09 ? "&#9;" : "&#10;") } else { bytes.append(b) }
            case 0x00...0x1F: raw(Self.escapeCode(UInt16(b)))
            case 0x5F where Self.looksEscaped(utf8, i): raw("_x005F_")
            case 0xEF where i + 2 < utf8.count && utf8[i + 1] == 0xBF && (utf8[i + 2] == 0xBE || utf8[i + 2] == 0xBF):
                raw(Self.escapeCode(utf8[i + 2] == 0xBE ? 0xFFFE : 0xFFFF))
                i += 2
            default: bytes.append(b)
            }
            i += 1
        }
    }

    private static func escapeCode(_ unit: UInt16) -> String {
        let hex = String(unit, radix: 16, uppercase: true)
        return "_x" + String(repeating: "0", count: 4 - hex.count) + hex + "_"
    }

    /// `_x` + four hex digits + `_` starting at `i`.
    private static func looksEscaped(_ u: [UInt8], _ i: Int) -> Bool {
        guard i + 6 < u.count, u[i + 1] == 0x78, u[i + 6] == 0x5F else { return false }
        return u[(i + 2)...(i + 5)].allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
    }
}
