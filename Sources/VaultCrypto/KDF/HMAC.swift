internal import COpenSSL

/// HMAC-SHA-256 (RFC 2104).
public enum HMACSHA256 {
    public static let byteCount = 32

    /// The full 32-byte tag of `message` under `key`.
    public static func authenticationCode(for message: some ByteSequence, using key: SymmetricKey) throws -> [UInt8] {
        try authenticationCode(for: message, keyBytes: key)
    }

    static func authenticationCode(for message: some ByteSequence, keyBytes: some ByteSequence) throws -> [UInt8] {
        try HashFunction.sha256.authenticationCode(for: message, keyBytes: keyBytes)
    }

    /// True when `tag` is the full 32-byte tag of `message`; compared in constant time. A tag of
    /// any other length (a truncated one included) is never valid.
    public static func isValid(
        _ tag: some ByteSequence, for message: some ByteSequence, using key: SymmetricKey
    ) throws -> Bool {
        guard tag.withUnsafeBytes({ $0.count }) == byteCount else { return false }
        let expected = try authenticationCode(for: message, using: key)
        return constantTimeEquals(expected, tag)
    }
}

/// SHA-256 (FIPS 180-4).
public enum SHA256 {
    /// A reusable hashing context, for many small hashes in a row (one `EVP_MD_CTX`, STYLE 9).
    public final class Hasher {
        private let ctx: OpaquePointer

        public init() throws {
            guard let ctx = EVP_MD_CTX_new() else { throw openSSLError("EVP_MD_CTX_new") }
            self.ctx = ctx
        }

        deinit { EVP_MD_CTX_free(ctx) }

        /// SHA-256 of `a ‖ b ‖ c ‖ d`, written into `output` (32 bytes; it may overlap the inputs,
        /// which are read before it is written).
        public func hash(
            _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, _ c: UnsafeRawBufferPointer, _ d: UnsafeRawBufferPointer,
            into output: UnsafeMutableRawBufferPointer
        ) throws {
            guard output.count == byteCount else { throw CryptoError.invalidParameter("SHA-256 output must be 32 bytes") }
            try check(EVP_DigestInit_ex2(ctx, Algorithms.sha256, nil), "EVP_DigestInit_ex2")
            for part in [a, b, c, d] where part.count > 0 {
                try check(EVP_DigestUpdate(ctx, part.baseAddress, part.count), "EVP_DigestUpdate")
            }
            var length: UInt32 = 0
            try check(EVP_DigestFinal_ex(ctx, output.bindMemory(to: UInt8.self).baseAddress, &length), "EVP_DigestFinal_ex")
        }
    }

    public static let byteCount = 32

    public static func hash(_ data: some ByteSequence) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        var outLength: UInt32 = 0
        clearOpenSSLErrors()
        let ok = data.withUnsafeBytes { d in
            out.withUnsafeMutableBytes { o in
                EVP_Digest(d.baseAddress, d.count, o.bindMemory(to: UInt8.self).baseAddress, &outLength, Algorithms.sha256, nil)
            }
        }
        try check(ok, "EVP_Digest")
        return out
    }
}
