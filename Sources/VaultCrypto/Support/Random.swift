internal import COpenSSL

/// The system CSPRNG (OpenSSL's `RAND_bytes`, seeded from the kernel).
public enum Random {
    /// Fills `buffer` with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard buffer.count > 0 else { return }
        clearOpenSSLErrors()
        try check(RAND_bytes(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)), "RAND_bytes")
    }

    /// `count` random bytes (for public values: nonces, salts, identifiers).
    public static func bytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { (b) in try fill(b) }
        return out
    }
}
