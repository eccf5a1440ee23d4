extension Curve25519.Signing {
    /// The encodings (sign bit cleared) of the eight points of small order (the identity, the
    /// point of order 2, two of order 4, four of order 8) and the non-canonical encodings
    /// `p` and `p + 1` of 0 and 1: the list libsodium refuses (`ge25519_has_small_order`).
    /// OpenSSL's Ed25519 verification (cofactorless, RFC 8032 §5.1.7) accepts such a public
    /// key or `R`; with the identity as key, `R` = identity and `S` = 0 verify for every message.
    static let smallOrderEncodings: [[UInt8]] = {
        let p: [UInt8] = [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f]
        let y8: [UInt8] = [0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
                           0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05]
        func minus(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {  // a − b, little-endian, a ≥ b
            var out = [UInt8](repeating: 0, count: 32)
            var borrow = 0
            for i in 0..<32 {
                let v = Int(a[i]) - Int(b[i]) - borrow
                out[i] = UInt8((v + 256) % 256)
                borrow = v < 0 ? 1 : 0
            }
            return out
        }
        let zero = [UInt8](repeating: 0, count: 32)
        let one = [1] + [UInt8](repeating: 0, count: 31)
        let pPlusOne = [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f]
        return [zero, one, minus(p, one), p, pPlusOne, y8, minus(p, y8)]
    }()

    /// True for a 32-byte point encoding that strict verification refuses: not canonical
    /// (y ≥ p), or a point of small order (FORMAT.md §5.6). Compared on the bytes, no arithmetic.
    public static func isWeakPointEncoding(_ encoding: [UInt8]) -> Bool {
        guard encoding.count == keyByteCount else { return true }
        var y = encoding
        y[31] &= 0x7f
        // y ≥ p = 2^255 − 19: the top 31 bytes all 0xff/0x7f and the low byte ≥ 0xed.
        if y[31] == 0x7f, y[1..<31].allSatisfy({ $0 == 0xff }), y[0] >= 0xed { return true }
        return smallOrderEncodings.contains(y)
    }
}

extension Curve25519.Signing.PublicKey {
    /// The key is a canonical encoding of a point that is not of small order.
    public var isStrict: Bool { !Curve25519.Signing.isWeakPointEncoding(rawRepresentation) }

    /// `isValidSignature`, refusing a weak key or a weak `R` (the signature's first 32 bytes)
    /// first (FORMAT.md §5.6 check 4). OpenSSL checks that `S` < ℓ itself.
    public func isStrictlyValidSignature(_ signature: [UInt8], for message: some ByteSequence) -> Bool {
        guard signature.count == Curve25519.Signing.signatureByteCount, isStrict,
              !Curve25519.Signing.isWeakPointEncoding(Array(signature[0..<32]))
        else { return false }
        return isValidSignature(signature, for: message)
    }
}
