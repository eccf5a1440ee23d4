/// Shamir secret sharing over GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11B), for
/// k-of-n manager escrow of a data key. Each secret byte is the constant term of its own random
/// polynomial of degree `threshold - 1`; share `x` holds the polynomials' values at `x`.
///
/// Field arithmetic is constant-time: no lookup tables and no branches on secret bytes.
public enum Shamir {
    /// At most this many shares (x = 1...16).
    public static let maxShares = 16
    /// At most this many secret bytes.
    public static let maxSecretBytes = 64

    /// One share: the evaluation point `x` (public, never 0) and one value byte per secret byte.
    /// The value bytes live in `SecureBytes` (wiped when released): a share never keeps a reference
    /// to its caller's array, so the caller can wipe that array in place.
    public struct Share: Sendable, Equatable, ByteSequence {
        public let x: UInt8
        /// The value bytes.
        public let value: SecureBytes

        /// A share holding a copy of `y`; the caller remains responsible for wiping its array.
        public init(x: UInt8, y: [UInt8]) {
            self.init(x: x, value: SecureBytes(copying: y))
        }

        public init(x: UInt8, value: SecureBytes) {
            self.x = x
            self.value = value
        }

        /// A plain copy of the value bytes, for tests and for values about to be encrypted.
        public var y: [UInt8] { value.bytes }

        /// Lends the value bytes without copying.
        public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try value.withUnsafeBytes(body)
        }

        /// Constant-time in the value bytes (STYLE 7).
        public static func == (lhs: Share, rhs: Share) -> Bool {
            lhs.x == rhs.x && lhs.value == rhs.value
        }
    }

    /// Splits `secret` (1...64 bytes) into `count` shares with x = 1...count, any `threshold` of
    /// which recover it (2 ≤ threshold ≤ count ≤ 16). `random(n)` is called once for
    /// `(threshold - 1) * secret.count` bytes: byte `j * secret.count + i` is the coefficient of
    /// x^(j+1) for secret byte `i`. A zero top coefficient is kept, never resampled. The secret is
    /// read in place and the coefficients are wiped; each share's value is in `SecureBytes`.
    public static func split(
        _ secret: some ByteSequence, threshold: Int, count: Int, random: (Int) throws -> [UInt8]
    ) throws -> [Share] {
        let length = secret.withUnsafeBytes { $0.count }
        guard (2...maxShares).contains(threshold) else { throw CryptoError.invalidParameter("Shamir threshold \(threshold)") }
        guard (threshold...maxShares).contains(count) else {
            throw CryptoError.invalidParameter("Shamir share count \(count) for threshold \(threshold)")
        }
        guard (1...maxSecretBytes).contains(length) else {
            throw CryptoError.invalidParameter("Shamir secret length \(length)")
        }
        let wanted = (threshold - 1) * length
        var coefficients = try random(wanted)
        defer { secureZero(&coefficients) }
        guard coefficients.count == wanted else {
            throw CryptoError.invalidParameter("Shamir random source gave \(coefficients.count) bytes, expected \(wanted)")
        }
        return secret.withUnsafeBytes { s in
            (1...count).map { index in
                let x = UInt8(index)
                let y = SecureBytes(count: length) { y in
                    for i in 0..<length {
                        // Horner's rule, from the top coefficient down to the secret byte.
                        var acc: UInt8 = 0
                        for j in stride(from: threshold - 2, through: 0, by: -1) {
                            acc = mul(acc, x) ^ coefficients[j * length + i]
                        }
                        y[i] = mul(acc, x) ^ s[i]
                    }
                }
                return Share(x: x, value: y)
            }
        }
    }

    /// `split` with coefficients from the system CSPRNG.
    public static func split(_ secret: some ByteSequence, threshold: Int, count: Int) throws -> [Share] {
        try split(secret, threshold: threshold, count: count) { try Random.bytes($0) }
    }

    /// Lagrange interpolation at 0. Requires at least one share, distinct nonzero x and equal value
    /// lengths (1...64). Fewer shares than the threshold give unrelated bytes, not an error: a
    /// share set carries no way to tell. The caller wipes the returned secret (`secureZero`).
    public static func combine(_ shares: [Share]) throws -> [UInt8] {
        guard let first = shares.first else { throw CryptoError.invalidParameter("Shamir: no shares") }
        let length = first.value.count
        guard (1...maxSecretBytes).contains(length) else { throw CryptoError.invalidParameter("Shamir share length \(length)") }
        var seen = [Bool](repeating: false, count: 256)
        for share in shares {
            guard share.x != 0 else { throw CryptoError.invalidParameter("Shamir share x = 0") }
            guard !seen[Int(share.x)] else { throw CryptoError.invalidParameter("Shamir duplicate share x = \(share.x)") }
            seen[Int(share.x)] = true
            guard share.value.count == length else { throw CryptoError.invalidParameter("Shamir share lengths differ") }
        }
        var secret = [UInt8](repeating: 0, count: length)
        for (j, share) in shares.enumerated() {
            // l_j(0) = Π x_m / (x_m - x_j) over m ≠ j; subtraction is XOR in GF(2^8).
            var numerator: UInt8 = 1
            var denominator: UInt8 = 1
            for (m, other) in shares.enumerated() where m != j {
                numerator = mul(numerator, other.x)
                denominator = mul(denominator, other.x ^ share.x)
            }
            let basis = mul(numerator, inv(denominator))
            share.value.withUnsafeBytes { y in
                for i in 0..<length { secret[i] ^= mul(basis, y[i]) }
            }
        }
        return secret
    }

    // MARK: GF(2^8)

    /// Product modulo 0x11B: shift and conditionally XOR through all-ones/all-zeros masks, eight
    /// rounds whatever the operands.
    static func mul(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a
        var b = b
        var product: UInt8 = 0
        for _ in 0..<8 {
            product ^= a & (0 &- (b & 1))
            let carry = 0 &- (a &>> 7)
            a = (a &<< 1) ^ (0x1B & carry)
            b &>>= 1
        }
        return product
    }

    /// Multiplicative inverse as a^254 (a^255 = 1 for a ≠ 0); inv(0) = 0. The exponent is fixed, so
    /// the square-and-multiply sequence does not depend on `a`.
    static func inv(_ a: UInt8) -> UInt8 {
        var r = a
        for _ in 0..<6 { r = mul(mul(r, r), a) }  // a^3, a^7, …, a^127
        return mul(r, r)
    }
}

extension Shamir.Share: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "Shamir.Share(x: \(x), \(value.count) bytes, redacted)" }
    public var debugDescription: String { description }
}
