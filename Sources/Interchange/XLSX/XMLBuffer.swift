import Foundation

/// Builds an XML part as UTF-8 bytes, escaping text for XML 1.0 and SpreadsheetML.
struct XMLBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    var data: Data { Data(bytes) }

    mutating func raw(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ other: XMLBuffer) { bytes.append(contentsOf: other.bytes) }

    /// Appends the decimal digits of `n`.
    mutating func decimal(_ n: Int) {
        if n < 0 { bytes.append(0x2D) }
        var m = n.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            var i = d.count
            repeat {
                i -= 1
                d[i] = UInt8(truncatingIfNeeded: m % 10) + 0x30
                m /= 10
            } while m > 0
            bytes.append(contentsOf: d[i...])
        }
    }

    /// Appends one byte as it is.
    mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// Appends bytes as they are.
    mutating func raw(bytes other: [UInt8]) { bytes.append(contentsOf: other) }

    /// `<name>text</name>`, with `xml:space="preserve"` when the text has edge blanks or breaks.
    mutating func textElement(_ name: String, _ text: String) {
        raw(Self.preserves(text) ? "<\(name) xml:space=\"preserve\">" : "<\(name)>")
        escaped(text, attribute: false)
        raw("</\(name)>")
    }

    /// Whether `text` needs `xml:space="preserve"`: a white-space character at either end, or a
    /// line feed or tab inside (decided on the first and last scalars; a white-space scalar that
    /// starts a combined character also counts, which only keeps more spaces).
    static func preserves(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return false }
        func blank(_ scalar: Unicode.Scalar?) -> Bool { scalar?.properties.isWhitespace == true }
        if first < 0x80 ? (first == 0x20 || (0x09...0x0D).contains(first)) : blank(text.unicodeScalars.first) { return true }
        if last < 0x80 ? (last == 0x20 || (0x09...0x0D).contains(last)) : blank(text.unicodeScalars.last) { return true }
        return utf8.contains { $0 == 0x0A || $0 == 0x09 }
    }

    /// Appends `text` escaped: `& < >` (and `"` in attributes) as entities; characters XML 1.0
    /// cannot hold (controls other than tab and LF, U+FFFE, U+FFFF) and CR as `_xHHHH_`; and the
    /// underscore of a literal `_xHHHH_` as `_x005F_`, so reading gives back the same text
    /// (ECMA-376 Part 1, 22.9.2.19 ST_Xstring).
    mutating func escaped(_ text: String, attribute: Bool) {
        var text = text
        text.withUTF8 { escaped($0, attribute: attribute) }
    }

    private mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>, attribute: Bool) {
        // Most texts need no escape at all: copied whole.
        if !utf8.contains(where: { $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x5F || $0 == 0xEF }) {
            bytes.append(contentsOf: utf8)
            return
        }
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
    private static func looksEscaped(_ u: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i + 6 < u.count, u[i + 1] == 0x78, u[i + 6] == 0x5F else { return false }
        return u[(i + 2)...(i + 5)].allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
    }
}
