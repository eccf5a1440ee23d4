/// Bech32 (BIP-173, checksum constant 1), as age uses it for its keys: the same rules but, by
/// default, without BIP-173's 90-character limit (age recipients can be long).
public enum Bech32 {
    public enum Failure: Error, Equatable, Sendable {
        case invalidCharacter, mixedCase, noSeparator, emptyHRP, shortData, badChecksum, tooLong, badPadding
    }

    static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in charset.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }

    static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Encodes 8-bit `data` under `hrp`; uppercase output when `uppercase` (age identities).
    public static func encode(hrp: String, data: [UInt8], uppercase: Bool = false) -> String {
        let h = Array(hrp.lowercased().utf8)
        let values = convert(data, from: 8, to: 5, pad: true) ?? []
        let poly = polymod(expand(h) + values + [0, 0, 0, 0, 0, 0]) ^ 1
        let checksum = (0..<6).map { UInt8((poly >> UInt32(5 * (5 - $0))) & 31) }
        let text = String(decoding: h + [UInt8(ascii: "1")] + (values + checksum).map { charset[Int($0)] }, as: UTF8.self)
        return uppercase ? text.uppercased() : text
    }

    /// Decodes a Bech32 string (given as bytes, so that non-ASCII input is judged too); returns
    /// the lowercase HRP and the 8-bit data. `maxLength` nil means no limit (age).
    public static func decode(_ bytes: [UInt8], maxLength: Int? = nil) throws(Failure) -> (hrp: String, data: [UInt8]) {
        let (hrp, values) = try decodeValues(bytes, maxLength: maxLength)
        guard let data = convert(values, from: 5, to: 8, pad: false) else { throw .badPadding }
        return (hrp, data)
    }

    public static func decode(_ text: String, maxLength: Int? = nil) throws(Failure) -> (hrp: String, data: [UInt8]) {
        try decode(Array(text.utf8), maxLength: maxLength)
    }

    /// The 5-bit values of the data part (no conversion), as BIP-173's own test vectors check.
    public static func decodeValues(_ bytes: [UInt8], maxLength: Int? = nil) throws(Failure) -> (hrp: String, values: [UInt8]) {
        if let maxLength, bytes.count > maxLength { throw .tooLong }
        guard bytes.allSatisfy({ $0 >= 33 && $0 <= 126 }) else { throw .invalidCharacter }
        let hasLower = bytes.contains { $0 >= 97 && $0 <= 122 }
        let hasUpper = bytes.contains { $0 >= 65 && $0 <= 90 }
        guard !(hasLower && hasUpper) else { throw .mixedCase }
        let lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        guard let sep = lower.lastIndex(of: UInt8(ascii: "1")) else { throw .noSeparator }
        guard sep > 0 else { throw .emptyHRP }
        guard lower.count - sep - 1 >= 6 else { throw .shortData }
        var values: [UInt8] = []
        for c in lower[(sep + 1)...] {
            let v = reverse[Int(c)]
            guard v >= 0 else { throw .invalidCharacter }
            values.append(UInt8(v))
        }
        let hrp = Array(lower[..<sep])
        guard polymod(expand(hrp) + values) == 1 else { throw .badChecksum }
        return (String(decoding: hrp, as: UTF8.self), Array(values.dropLast(6)))
    }

    /// Regroups bits (BIP-173's convertbits). Nil when padding is not canonical.
    static func convert(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var acc = 0
        var bits = 0
        var out: [UInt8] = []
        let maxv = (1 << to) - 1
        for value in data {
            guard Int(value) >> from == 0 else { return nil }
            acc = (acc << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((acc >> bits) & maxv))
            }
        }
        if pad {
            if bits > 0 { out.append(UInt8((acc << (to - bits)) & maxv)) }
        } else if bits >= from || (acc << (to - bits)) & maxv != 0 {
            return nil
        }
        return out
    }
}
