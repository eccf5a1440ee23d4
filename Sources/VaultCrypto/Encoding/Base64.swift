/// Standard base64 without padding, strict (age's canonical encoding): decoding refuses padding,
/// whitespace, non-alphabet characters and non-zero trailing bits.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let reverse: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    public static func encode(_ data: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((data.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= data.count {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
            for s in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(s)) & 63)]) }
            i += 3
        }
        let rest = data.count - i
        if rest == 1 {
            let n = UInt32(data[i]) << 16
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
        } else if rest == 2 {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8
            for s in [18, 12, 6] { out.append(alphabet[Int((n >> UInt32(s)) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode<S: Collection>(_ text: S) -> [UInt8]? where S.Element == UInt8 {
        guard text.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in text {
            let v = reverse[Int(c)]
            guard v >= 0 else { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        guard acc & ((1 << UInt32(bits)) - 1) == 0 else { return nil }  // canonical: unused bits zero
        return out
    }

    public static func decode(_ text: String) -> [UInt8]? { decode(Array(text.utf8)) }

    // MARK: With padding (age's ASCII armor, RFC 7468 strict PEM)

    /// Standard base64 with `=` padding to a multiple of four characters.
    public static func encodePadded(_ data: [UInt8]) -> String {
        let bare = encode(data)
        return bare + String(repeating: "=", count: (4 - bare.utf8.count % 4) % 4)
    }

    /// Strict decoding of padded base64: a multiple of four characters, exactly the padding
    /// `encodePadded` writes (none, `=` or `==` at the end only), canonical trailing bits.
    public static func decodePadded<S: Collection>(_ text: S) -> [UInt8]? where S.Element == UInt8 {
        guard text.count % 4 == 0 else { return nil }
        let bytes = Array(text)
        let pad = bytes.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard pad <= 2, !(pad > 0 && bytes.count == 0) else { return nil }
        let bare = bytes.dropLast(pad)
        guard !bare.contains(UInt8(ascii: "=")), (4 - bare.count % 4) % 4 == pad else { return nil }
        return decode(bare)
    }
}
