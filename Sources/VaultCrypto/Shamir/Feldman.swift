internal import COpenSSL

/// Feldman verifiable secret sharing over the NIST P-256 group (FORMAT.md §5.2, scheme 3), on
/// OpenSSL's EC_GROUP / EC_POINT / BIGNUM (no home-made curve arithmetic).
///
/// A secret `s` in Z_q (q the order of P-256) is the constant term of a random polynomial
/// `f(x) = a_0 + a_1 x + … + a_(k−1) x^(k−1)` with `a_0 = s`; share `x` is `y = f(x) mod q`
/// (32 bytes, big-endian) and the public commitments are `C_j = a_j·G` (33-byte compressed SEC1
/// points). Anyone holding one share can check it alone: `y·G == Σ C_j·x^j`; `k` shares that pass
/// give back `s` by Lagrange interpolation at 0, and `s·G == C_0` proves it is the committed one.
///
/// Secret scalars live in OpenSSL's secure heap when one is set up (`BN_CTX_secure_new`,
/// `BN_secure_new`), carry `BN_FLG_CONSTTIME`, and are cleared when freed (`BN_clear_free`).
/// Commitments and `x` are public.
public enum Feldman {
    /// A scalar (secret, share value, coefficient): 32 bytes, big-endian, < q.
    public static let scalarBytes = 32
    /// A commitment: a compressed SEC1 point, `02`/`03` ‖ X (32 bytes).
    public static let pointBytes = 33
    /// At most this many shares (x = 1...16), as for `Shamir`.
    public static let maxShares = Shamir.maxShares

    /// A dealt secret: `secret` = s, one share per x = 1...count, the k commitments.
    public struct Dealing: Sendable {
        public let secret: SecureBytes
        public let shares: [Shamir.Share]
        public let commitments: [[UInt8]]
    }

    /// Deals a random secret: every coefficient (s included) drawn uniformly from 1...q−1 by
    /// OpenSSL's private random generator, so no commitment is the point at infinity and the
    /// polynomial has degree exactly `threshold − 1`. 2 ≤ threshold ≤ count ≤ 16.
    public static func deal(threshold: Int, count: Int) throws -> Dealing {
        try checkCounts(threshold: threshold, count: count)
        let p = try P256()
        let range = try p.scalar()
        guard BN_copy(range, p.order) != nil, BN_sub_word(range, 1) == 1 else { throw openSSLError("BN_sub_word") }
        var coefficients: [OpaquePointer] = []
        for _ in 0..<threshold {
            let a = try p.scalar()
            try check(BN_priv_rand_range(a, range), "BN_priv_rand_range")
            try check(BN_add_word(a, 1), "BN_add_word")
            coefficients.append(a)
        }
        return try deal(p, coefficients: coefficients, count: count)
    }

    /// Deals with given coefficients (`coefficients[0]` = s; each 32 bytes, 1 ≤ a < q): for test
    /// vectors and for tests that need a known polynomial. The caller wipes its coefficients.
    public static func deal(coefficients: [SecureBytes], count: Int) throws -> Dealing {
        try checkCounts(threshold: coefficients.count, count: count)
        let p = try P256()
        let scalars = try coefficients.map { c in
            let a = try c.withUnsafeBytes { try p.scalar($0) }
            guard BN_is_zero(a) == 0 else { throw CryptoError.invalidParameter("Feldman coefficient 0") }
            return a
        }
        return try deal(p, coefficients: scalars, count: count)
    }

    private static func deal(_ p: P256, coefficients: [OpaquePointer], count: Int) throws -> Dealing {
        let commitments = try coefficients.map { a in
            let point = try p.point()
            try check(EC_POINT_mul(p.group, point, a, nil, nil, p.ctx), "EC_POINT_mul")
            return try p.encode(point)
        }
        let acc = try p.scalar()
        let x = try p.scalar()
        let shares = try (1...count).map { index in
            // Horner's rule mod q, from the top coefficient down to s.
            try check(BN_set_word(x, UInt(index)), "BN_set_word")
            guard BN_copy(acc, coefficients[coefficients.count - 1]) != nil else { throw openSSLError("BN_copy") }
            for j in stride(from: coefficients.count - 2, through: 0, by: -1) {
                try check(BN_mod_mul(acc, acc, x, p.order, p.ctx), "BN_mod_mul")
                try check(BN_mod_add(acc, acc, coefficients[j], p.order, p.ctx), "BN_mod_add")
            }
            return Shamir.Share(x: UInt8(index), value: try p.bytes(acc))
        }
        return Dealing(secret: try p.bytes(coefficients[0]), shares: shares, commitments: commitments)
    }

    private static func checkCounts(threshold: Int, count: Int) throws {
        guard (2...maxShares).contains(threshold) else { throw CryptoError.invalidParameter("Feldman threshold \(threshold)") }
        guard (threshold...maxShares).contains(count) else {
            throw CryptoError.invalidParameter("Feldman share count \(count) for threshold \(threshold)")
        }
    }

    /// Refuses anything but a canonical compressed P-256 point: 33 bytes, prefix 02 or 03, X < p,
    /// on the curve, not the point at infinity (P-256 has cofactor 1, so every such point is in
    /// the group of order q). Throws `CryptoError.invalidParameter`.
    public static func validatePoint(_ bytes: [UInt8]) throws {
        _ = try P256().decode(bytes)
    }

    /// The holder's own check: `share.y·G == Σ_j C_j·x^j`. Throws on malformed input (a point
    /// that `validatePoint` refuses, a share value ≥ q or not 32 bytes, x = 0).
    public static func verify(share: Shamir.Share, commitments: [[UInt8]]) throws -> Bool {
        guard !commitments.isEmpty, commitments.count <= maxShares else {
            throw CryptoError.invalidParameter("Feldman: \(commitments.count) commitments")
        }
        guard share.x != 0 else { throw CryptoError.invalidParameter("Feldman share x = 0") }
        let p = try P256()
        let points = try commitments.map { try p.decode($0) }
        let y = try p.share(share)
        let left = try p.point()
        try check(EC_POINT_mul(p.group, left, y, nil, nil, p.ctx), "EC_POINT_mul")
        // Σ C_j·x^j by Horner's rule on points: acc = C_(k−1); acc = x·acc + C_j.
        let x = try p.scalar()
        try check(BN_set_word(x, UInt(share.x)), "BN_set_word")
        let acc = try p.point()
        let scaled = try p.point()
        try check(EC_POINT_copy(acc, points[points.count - 1]), "EC_POINT_copy")
        for j in stride(from: points.count - 2, through: 0, by: -1) {
            try check(EC_POINT_mul(p.group, scaled, nil, acc, x, p.ctx), "EC_POINT_mul")
            try check(EC_POINT_add(p.group, acc, scaled, points[j], p.ctx), "EC_POINT_add")
        }
        switch EC_POINT_cmp(p.group, left, acc, p.ctx) {
        case 0: return true
        case 1: return false
        default: throw openSSLError("EC_POINT_cmp")
        }
    }

    /// Lagrange interpolation at 0 over Z_q. Requires at least one share, distinct nonzero x and
    /// 32-byte values < q. As with `Shamir.combine`, too few shares give an unrelated value:
    /// `matches(secret:commitment:)` against C_0 tells.
    public static func combine(_ shares: [Shamir.Share]) throws -> SecureBytes {
        guard !shares.isEmpty, shares.count <= maxShares else { throw CryptoError.invalidParameter("Feldman: \(shares.count) shares") }
        var seen = Set<UInt8>()
        for share in shares {
            guard share.x != 0 else { throw CryptoError.invalidParameter("Feldman share x = 0") }
            guard seen.insert(share.x).inserted else { throw CryptoError.invalidParameter("Feldman duplicate share x = \(share.x)") }
        }
        let p = try P256()
        let ys = try shares.map { try p.share($0) }
        let secret = try p.scalar()
        try check(BN_set_word(secret, 0), "BN_set_word")
        let numerator = try p.scalar()
        let denominator = try p.scalar()
        let term = try p.scalar()
        let a = try p.scalar()
        let b = try p.scalar()
        for (j, share) in shares.enumerated() {
            // l_j(0) = Π x_m / (x_m − x_j) over m ≠ j, mod q (the x are public).
            try check(BN_set_word(numerator, 1), "BN_set_word")
            try check(BN_set_word(denominator, 1), "BN_set_word")
            for (m, other) in shares.enumerated() where m != j {
                try check(BN_set_word(a, UInt(other.x)), "BN_set_word")
                try check(BN_set_word(b, UInt(share.x)), "BN_set_word")
                try check(BN_mod_mul(numerator, numerator, a, p.order, p.ctx), "BN_mod_mul")
                try check(BN_mod_sub(a, a, b, p.order, p.ctx), "BN_mod_sub")
                try check(BN_mod_mul(denominator, denominator, a, p.order, p.ctx), "BN_mod_mul")
            }
            guard BN_mod_inverse(denominator, denominator, p.order, p.ctx) != nil else { throw openSSLError("BN_mod_inverse") }
            try check(BN_mod_mul(term, numerator, denominator, p.order, p.ctx), "BN_mod_mul")
            try check(BN_mod_mul(term, term, ys[j], p.order, p.ctx), "BN_mod_mul")
            try check(BN_mod_add(secret, secret, term, p.order, p.ctx), "BN_mod_add")
        }
        return try p.bytes(secret)
    }

    /// `scalar·G`, compressed (33 bytes); `scalar` is 32 bytes, 1 ≤ scalar < q.
    public static func commitment(to scalar: some ByteSequence) throws -> [UInt8] {
        let p = try P256()
        let s = try scalar.withUnsafeBytes { try p.scalar($0) }
        guard BN_is_zero(s) == 0 else { throw CryptoError.invalidParameter("Feldman scalar 0") }
        let point = try p.point()
        try check(EC_POINT_mul(p.group, point, s, nil, nil, p.ctx), "EC_POINT_mul")
        return try p.encode(point)
    }

    /// True when `secret·G` is the point `commitment` (C_0): the recombined secret is the one the
    /// dealer committed to.
    public static func matches(secret: some ByteSequence, commitment: [UInt8]) throws -> Bool {
        let p = try P256()
        let c = try p.decode(commitment)
        let s = try secret.withUnsafeBytes { try p.scalar($0) }
        let point = try p.point()
        try check(EC_POINT_mul(p.group, point, s, nil, nil, p.ctx), "EC_POINT_mul")
        switch EC_POINT_cmp(p.group, point, c, p.ctx) {
        case 0: return true
        case 1: return false
        default: throw openSSLError("EC_POINT_cmp")
        }
    }
}

/// One computation's group, context and temporaries, all freed (scalars cleared) together.
private final class P256 {
    let group: OpaquePointer
    let ctx: OpaquePointer
    let order: OpaquePointer
    private var scalars: [OpaquePointer] = []
    private var points: [OpaquePointer] = []

    init() throws {
        clearOpenSSLErrors()
        guard let group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1) else { throw openSSLError("EC_GROUP_new_by_curve_name") }
        guard let ctx = BN_CTX_secure_new() else {
            EC_GROUP_free(group)
            throw openSSLError("BN_CTX_secure_new")
        }
        guard let order = EC_GROUP_get0_order(group) else {
            BN_CTX_free(ctx)
            EC_GROUP_free(group)
            throw openSSLError("EC_GROUP_get0_order")
        }
        self.group = group
        self.ctx = ctx
        self.order = order
    }

    deinit {
        for s in scalars { BN_clear_free(s) }
        for p in points { EC_POINT_clear_free(p) }
        BN_CTX_free(ctx)
        EC_GROUP_free(group)
    }

    /// A zero scalar in secure memory, constant-time flagged.
    func scalar() throws -> OpaquePointer {
        guard let bn = BN_secure_new() else { throw openSSLError("BN_secure_new") }
        BN_set_flags(bn, BN_FLG_CONSTTIME)
        scalars.append(bn)
        return bn
    }

    /// A scalar from 32 big-endian bytes, refused unless < q.
    func scalar(_ bytes: UnsafeRawBufferPointer) throws -> OpaquePointer {
        guard bytes.count == Feldman.scalarBytes else { throw CryptoError.invalidParameter("Feldman scalar of \(bytes.count) bytes") }
        let bn = try scalar()
        guard BN_bin2bn(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(bytes.count), bn) != nil else {
            throw openSSLError("BN_bin2bn")
        }
        guard BN_cmp(bn, order) < 0 else { throw CryptoError.invalidParameter("Feldman scalar not below the group order") }
        return bn
    }

    func share(_ share: Shamir.Share) throws -> OpaquePointer {
        try share.value.withUnsafeBytes { try scalar($0) }
    }

    func point() throws -> OpaquePointer {
        guard let p = EC_POINT_new(group) else { throw openSSLError("EC_POINT_new") }
        points.append(p)
        return p
    }

    func decode(_ bytes: [UInt8]) throws -> OpaquePointer {
        guard bytes.count == Feldman.pointBytes, bytes[0] == 2 || bytes[0] == 3 else {
            throw CryptoError.invalidParameter("a P-256 commitment must be a 33-byte compressed point")
        }
        let p = try point()
        guard EC_POINT_oct2point(group, p, bytes, bytes.count, ctx) == 1 else {
            clearOpenSSLErrors()
            throw CryptoError.invalidParameter("a P-256 commitment is not a point of the curve")
        }
        guard EC_POINT_is_at_infinity(group, p) == 0, EC_POINT_is_on_curve(group, p, ctx) == 1 else {
            clearOpenSSLErrors()
            throw CryptoError.invalidParameter("a P-256 commitment is the point at infinity or off the curve")
        }
        // Canonical: the same bytes come back (X < p, the prefix given by Y's parity).
        guard try encode(p) == bytes else { throw CryptoError.invalidParameter("a P-256 commitment is not canonically encoded") }
        return p
    }

    func encode(_ p: OpaquePointer) throws -> [UInt8] {
        guard EC_POINT_is_at_infinity(group, p) == 0 else { throw CryptoError.invalidParameter("Feldman: the point at infinity") }
        var out = [UInt8](repeating: 0, count: Feldman.pointBytes)
        let n = EC_POINT_point2oct(group, p, POINT_CONVERSION_COMPRESSED, &out, out.count, ctx)
        guard n == Feldman.pointBytes else { throw openSSLError("EC_POINT_point2oct") }
        return out
    }

    /// 32 big-endian bytes, in wiped storage.
    func bytes(_ bn: OpaquePointer) throws -> SecureBytes {
        try SecureBytes(count: Feldman.scalarBytes) { out in
            guard BN_bn2binpad(bn, out.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(out.count)) == Int32(out.count) else {
                throw openSSLError("BN_bn2binpad")
            }
        }
    }
}
