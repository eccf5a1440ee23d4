import Foundation

/// The shared string table (`xl/sharedStrings.xml`): each `<si>` is its `<t>`, or its rich-text
/// runs' `<t>`s joined; phonetic guides (`<rPh>`) are not part of the text.
enum SharedStrings {
    /// The strings, at most `limit` of them (more is refused: the table would only serve to
    /// exhaust memory, as no sheet can use more strings than it has cells).
    static func parse(_ xml: Data, part: String, limit: Int) throws -> [String] {
        var strings: [String] = []
        var current = ""
        var inItem = false
        var inText = false
        var phoneticDepth = 0
        try XMLEvents.parse(xml, part: part, start: { name, _ in
            switch name {
            case "si":
                guard strings.count < limit else { throw XLSXErrors.tooManyCells() }
                inItem = true
                current = ""
            case "rPh": phoneticDepth += 1
            case "t": inText = inItem && phoneticDepth == 0
            default: break
            }
        }, end: { name in
            switch name {
            case "si":
                strings.append(OOXMLString.decode(current))
                inItem = false
            case "rPh": phoneticDepth -= 1
            case "t": inText = false
            default: break
            }
        }, text: { text in
            if inText { current += text }
        })
        return strings
    }
}

/// ST_Xstring escapes (ECMA-376 Part 1, 22.9.2.19): `_xHHHH_` stands for the UTF-16 code unit
/// HHHH, which is how Excel stores characters XML cannot carry (controls, a lone CR).
enum OOXMLString {
    /// Whether `s` has "_x" (a byte scan: Foundation's `contains` is far slower per cell).
    static func mayHaveEscape(_ s: String) -> Bool {
        var underscore = false
        for b in s.utf8 {
            if underscore && b == 0x78 { return true }
            underscore = b == 0x5F
        }
        return false
    }

    static func decode(_ s: String) -> String {
        guard mayHaveEscape(s) else { return s }
        var units = Array(s.utf16)
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        var i = 0
        func hex(_ u: UInt16) -> UInt16? {
            switch u {
            case 0x30...0x39: return u - 0x30
            case 0x41...0x46: return u - 0x41 + 10
            case 0x61...0x66: return u - 0x61 + 10
            default: return nil
            }
        }
        while i < units.count {
            if units[i] == 0x5F, i + 6 < units.count, units[i + 1] == 0x78, units[i + 6] == 0x5F,
               let a = hex(units[i + 2]), let b = hex(units[i + 3]), let c = hex(units[i + 4]), let d = hex(units[i + 5]) {
                out.append(a << 12 | b << 8 | c << 4 | d)
                i += 7
            } else {
                out.append(units[i])
                i += 1
            }
        }
        units = out
        return String(decoding: units, as: UTF16.self)
    }
}
