internal import COpenSSL

/// The hash functions SalesVault uses besides SHA-256's fast paths: SHA-1 (only to read what
/// older Office encryption wrote, [MS-OFFCRYPTO] §2.3.4.7) and SHA-512 (Office agile encryption,
/// §2.3.4.11). Each is fetched once (`EVP_MD_fetch`), like the ciphers in `Algorithms`.
public enum HashFunction: String, Sendable, CaseIterable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"

    /// The digest's length in bytes.
    public var byteCount: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The input block length in bytes (HMAC's pad length).
    public var blockByteCount: Int {
        switch self {
        case .sha1, .sha256: 64
        case .sha384, .sha512: 128
        }
    }

    var md: OpaquePointer? {
        switch self {
        case .sha1: DigestAlgorithms.sha1
        case .sha256: Algorithms.sha256
        case .sha384: DigestAlgorithms.sha384
        case .sha512: DigestAlgorithms.sha512
        }
    }

    /// The digest of `data`.
    public func hash(_ data: some ByteSequence) throws -> [UInt8] {
        try Digester(self).hash(data)
    }

    /// The digest of the concatenation of `parts` (no copy of them is made).
    public func hash(_ a: some ByteSequence, _ b: some ByteSequence) throws -> [UInt8] {
        let d = try Digester(self)
        return try a.withUnsafeBytes { pa in try b.withUnsafeBytes { pb in try d.hash([pa, pb]) } }
    }

    /// HMAC (RFC 2104) of `message` under `keyBytes`, the full digest length.
    public func authenticationCode(for message: some ByteSequence, keyBytes: some ByteSequence) throws -> [UInt8] {
        guard let md else { throw CryptoError.openSSLFailure(function: "EVP_MD_fetch", detail: "\(rawValue) unavailable") }
        var out = [UInt8](repeating: 0, count: byteCount)
        var outLength: UInt32 = 0
        clearOpenSSLErrors()
        let ok = withNonNullPointer(keyBytes) { k, kCount in
            withNonNullPointer(message) { m, mCount in
                out.withUnsafeMutableBytes { o in
                    HMAC(md, k, Int32(kCount), m, mCount, o.bindMemory(to: UInt8.self).baseAddress, &outLength) != nil
                }
            }
        }
        guard ok, outLength == UInt32(byteCount) else { throw openSSLError("HMAC") }
        return out
    }
}

enum DigestAlgorithms {
    nonisolated(unsafe) static let sha1: OpaquePointer? = EVP_MD_fetch(nil, "SHA1", nil)
    nonisolated(unsafe) static let sha384: OpaquePointer? = EVP_MD_fetch(nil, "SHA384", nil)
    nonisolated(unsafe) static let sha512: OpaquePointer? = EVP_MD_fetch(nil, "SHA512", nil)
}

/// A reusable hashing context for one hash function: many small hashes in a row without an
/// allocation each (one `EVP_MD_CTX`, freed in `deinit`, STYLE 9). Not thread-safe.
public final class Digester {
    public let function: HashFunction
    private let ctx: OpaquePointer
    private let md: OpaquePointer

    public init(_ function: HashFunction) throws {
        guard let md = function.md else { throw CryptoError.openSSLFailure(function: "EVP_MD_fetch", detail: "\(function.rawValue) unavailable") }
        guard let ctx = EVP_MD_CTX_new() else { throw openSSLError("EVP_MD_CTX_new") }
        self.function = function
        self.md = md
        self.ctx = ctx
    }

    deinit { EVP_MD_CTX_free(ctx) }

    /// The digest of `data`.
    public func hash(_ data: some ByteSequence) throws -> [UInt8] {
        try data.withUnsafeBytes { try hash([$0]) }
    }

    /// The digest of the concatenation of `parts`.
    public func hash(_ parts: [UnsafeRawBufferPointer]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: function.byteCount)
        try out.withUnsafeMutableBytes { try hash(parts, into: $0) }
        return out
    }

    /// The digest of the concatenation of `parts`, written into `output` (exactly the digest's
    /// length; it may overlap the inputs, which are read before it is written).
    public func hash(_ parts: [UnsafeRawBufferPointer], into output: UnsafeMutableRawBufferPointer) throws {
        guard output.count == function.byteCount else {
            throw CryptoError.invalidParameter("\(function.rawValue) output must be \(function.byteCount) bytes")
        }
        clearOpenSSLErrors()
        try check(EVP_DigestInit_ex2(ctx, md, nil), "EVP_DigestInit_ex2")
        for part in parts where part.count > 0 {
            try check(EVP_DigestUpdate(ctx, part.baseAddress, part.count), "EVP_DigestUpdate")
        }
        var length: UInt32 = 0
        try check(EVP_DigestFinal_ex(ctx, output.bindMemory(to: UInt8.self).baseAddress, &length), "EVP_DigestFinal_ex")
    }
}

/// HMAC-SHA-512 (RFC 2104, RFC 4231): the data-integrity check of Office agile encryption.
public enum HMACSHA512 {
    public static let byteCount = 64

    /// The full 64-byte tag of `message` under `keyBytes`.
    public static func authenticationCode(for message: some ByteSequence, keyBytes: some ByteSequence) throws -> [UInt8] {
        try HashFunction.sha512.authenticationCode(for: message, keyBytes: keyBytes)
    }

    /// True when `tag` is the full tag of `message`, compared in constant time; a tag of any other
    /// length is never valid.
    public static func isValid(_ tag: some ByteSequence, for message: some ByteSequence, keyBytes: some ByteSequence) throws -> Bool {
        guard tag.withUnsafeBytes({ $0.count }) == byteCount else { return false }
        return constantTimeEquals(try authenticationCode(for: message, keyBytes: keyBytes), tag)
    }
}
