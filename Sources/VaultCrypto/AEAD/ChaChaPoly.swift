internal import COpenSSL

/// ChaCha20-Poly1305 (RFC 8439), 256-bit keys, 96-bit nonces, 128-bit tags. Used for age-format
/// files, whose payload and stanzas are sealed with it.
public enum ChaChaPoly {
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let tagByteCount = 16

    /// Encrypts `plaintext`; returns `ciphertext || tag` (age's layout).
    public static func seal(
        _ plaintext: some ByteSequence, using key: SymmetricKey, nonce: [UInt8],
        authenticating aad: some ByteSequence = [UInt8]()
    ) throws -> [UInt8] {
        guard nonce.count == nonceByteCount else { throw CryptoError.invalidNonceSize(expected: nonceByteCount, actual: nonce.count) }
        let context = try AEADContext(
            cipher: Algorithms.chacha20Poly1305, key: key, nonceByteCount: nonceByteCount, encrypting: true)
        return try plaintext.withUnsafeBytes { (p) -> [UInt8] in
            var out = [UInt8](repeating: 0, count: p.count + tagByteCount)
            try out.withUnsafeMutableBytes { (o) in
                try nonce.withUnsafeBytes { (n) in
                    try aad.withUnsafeBytes { (a) in
                        try context.seal(
                            nonce: n, aad: a, plaintext: p,
                            output: UnsafeMutableRawBufferPointer(rebasing: o[0..<p.count]),
                            tag: UnsafeMutableRawBufferPointer(rebasing: o[p.count...]))
                    }
                }
            }
            return out
        }
    }

    /// Verifies and decrypts `ciphertext || tag`.
    public static func open(
        _ sealed: some ByteSequence, using key: SymmetricKey, nonce: [UInt8],
        authenticating aad: some ByteSequence = [UInt8]()
    ) throws -> [UInt8] {
        guard nonce.count == nonceByteCount else { throw CryptoError.invalidNonceSize(expected: nonceByteCount, actual: nonce.count) }
        let context = try AEADContext(
            cipher: Algorithms.chacha20Poly1305, key: key, nonceByteCount: nonceByteCount, encrypting: false)
        return try sealed.withUnsafeBytes { (s) -> [UInt8] in
            guard s.count >= tagByteCount else { throw CryptoError.authenticationFailure }
            let bodyCount = s.count - tagByteCount
            var out = [UInt8](repeating: 0, count: bodyCount)
            try out.withUnsafeMutableBytes { (o) in
                try nonce.withUnsafeBytes { (n) in
                    try aad.withUnsafeBytes { (a) in
                        try context.open(
                            nonce: n, aad: a, ciphertext: UnsafeRawBufferPointer(rebasing: s[0..<bodyCount]),
                            tag: UnsafeRawBufferPointer(rebasing: s[bodyCount...]), output: o)
                    }
                }
            }
            return out
        }
    }
}
