internal import COpenSSL

/// Namespace for AES, as in CryptoKit.
public enum AES {}

extension AES {
    /// AES-GCM with 96-bit nonces and 128-bit tags (NIST SP 800-38D). Keys of 128, 192 or 256
    /// bits; SalesVault itself uses 256-bit keys only.
    public enum GCM {
        public static let nonceByteCount = 12
        public static let tagByteCount = 16

        /// A 96-bit nonce. Other lengths are rejected by design.
        public struct Nonce: Sendable, Equatable, ByteSequence {
            public let bytes: [UInt8]

            public init<D: Collection>(data: D) throws where D.Element == UInt8 {
                guard data.count == GCM.nonceByteCount else {
                    throw CryptoError.invalidNonceSize(expected: GCM.nonceByteCount, actual: data.count)
                }
                bytes = Array(data)
            }

            /// A fresh random nonce.
            public static func random() throws -> Nonce {
                try Nonce(data: Random.bytes(GCM.nonceByteCount))
            }

            public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
                try bytes.withUnsafeBytes(body)
            }
        }

        /// Nonce, ciphertext and tag. `combined` is `nonce || ciphertext || tag`.
        public struct SealedBox: Sendable, Equatable {
            public let nonce: Nonce
            public let ciphertext: [UInt8]
            public let tag: [UInt8]

            public init(nonce: Nonce, ciphertext: [UInt8], tag: [UInt8]) throws {
                guard tag.count == GCM.tagByteCount else { throw CryptoError.authenticationFailure }
                self.nonce = nonce
                self.ciphertext = ciphertext
                self.tag = tag
            }

            /// Splits `nonce || ciphertext || tag`; too short input cannot authenticate.
            public init<D: Collection>(combined: D) throws where D.Element == UInt8 {
                let bytes = Array(combined)
                guard bytes.count >= GCM.nonceByteCount + GCM.tagByteCount else { throw CryptoError.authenticationFailure }
                try self.init(
                    nonce: Nonce(data: bytes[0..<GCM.nonceByteCount]),
                    ciphertext: Array(bytes[GCM.nonceByteCount..<(bytes.count - GCM.tagByteCount)]),
                    tag: Array(bytes[(bytes.count - GCM.tagByteCount)...]))
            }

            public var combined: [UInt8] { nonce.bytes + ciphertext + tag }
        }

        static func cipher(forKeyBytes count: Int) throws -> OpaquePointer? {
            switch count {
            case 16: return Algorithms.aes128GCM
            case 24: return Algorithms.aes192GCM
            case 32: return Algorithms.aes256GCM
            default: throw CryptoError.invalidKeySize(expected: 32, actual: count)
            }
        }

        /// Encrypts and authenticates `plaintext`, and authenticates `aad`.
        public static func seal(
            _ plaintext: some ByteSequence, using key: SymmetricKey, nonce: Nonce? = nil,
            authenticating aad: some ByteSequence = [UInt8]()
        ) throws -> SealedBox {
            let sealer = try Sealer(key: key)
            return try sealer.seal(plaintext, nonce: nonce ?? .random(), authenticating: aad)
        }

        /// Verifies and decrypts. Throws `.authenticationFailure` for any mismatch.
        public static func open(
            _ box: SealedBox, using key: SymmetricKey, authenticating aad: some ByteSequence = [UInt8]()
        ) throws -> [UInt8] {
            try Opener(key: key).open(box, authenticating: aad)
        }

        /// A reusable sealing context for one key: one key schedule for many messages.
        public final class Sealer {
            private let context: AEADContext

            public init(key: SymmetricKey) throws {
                context = try AEADContext(
                    cipher: GCM.cipher(forKeyBytes: key.byteCount), key: key, nonceByteCount: nonceByteCount,
                    encrypting: true)
            }

            public func seal(
                _ plaintext: some ByteSequence, nonce: Nonce, authenticating aad: some ByteSequence
            ) throws -> SealedBox {
                let (ciphertext, tag) = try plaintext.withUnsafeBytes { (p) -> ([UInt8], [UInt8]) in
                    var ciphertext = [UInt8](repeating: 0, count: p.count)
                    var tag = [UInt8](repeating: 0, count: tagByteCount)
                    try seal(plaintext: p, nonce: nonce, aad: aad, ciphertext: &ciphertext, tag: &tag)
                    return (ciphertext, tag)
                }
                return try SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
            }

            /// Low-level form for record layers that manage their own buffers.
            public func seal(
                plaintext: UnsafeRawBufferPointer, nonce: Nonce, aad: some ByteSequence,
                ciphertext: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer
            ) throws {
                guard ciphertext.count >= plaintext.count, tag.count == tagByteCount else {
                    throw CryptoError.invalidParameter("output buffer size")
                }
                try nonce.withUnsafeBytes { (n) in
                    try aad.withUnsafeBytes { (a) in
                        try context.seal(nonce: n, aad: a, plaintext: plaintext, output: ciphertext, tag: tag)
                    }
                }
            }

            private func seal(
                plaintext: UnsafeRawBufferPointer, nonce: Nonce, aad: some ByteSequence,
                ciphertext: inout [UInt8], tag: inout [UInt8]
            ) throws {
                try ciphertext.withUnsafeMutableBytes { (c) in
                    try tag.withUnsafeMutableBytes { (t) in
                        try seal(plaintext: plaintext, nonce: nonce, aad: aad, ciphertext: c, tag: t)
                    }
                }
            }
        }

        /// A reusable opening context for one key.
        public final class Opener {
            private let context: AEADContext

            public init(key: SymmetricKey) throws {
                context = try AEADContext(
                    cipher: GCM.cipher(forKeyBytes: key.byteCount), key: key, nonceByteCount: nonceByteCount,
                    encrypting: false)
            }

            public func open(_ box: SealedBox, authenticating aad: some ByteSequence) throws -> [UInt8] {
                var plaintext = [UInt8](repeating: 0, count: box.ciphertext.count)
                try box.ciphertext.withUnsafeBytes { (c) in
                    try box.tag.withUnsafeBytes { (t) in
                        try plaintext.withUnsafeMutableBytes { (p) in
                            try open(ciphertext: c, tag: t, nonce: box.nonce, aad: aad, plaintext: p)
                        }
                    }
                }
                return plaintext
            }

            /// Low-level form: on failure `plaintext` is wiped and `.authenticationFailure` thrown.
            public func open(
                ciphertext: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer, nonce: Nonce,
                aad: some ByteSequence, plaintext: UnsafeMutableRawBufferPointer
            ) throws {
                guard plaintext.count >= ciphertext.count else { throw CryptoError.invalidParameter("output buffer size") }
                try nonce.withUnsafeBytes { (n) in
                    try aad.withUnsafeBytes { (a) in
                        try context.open(nonce: n, aad: a, ciphertext: ciphertext, tag: tag, output: plaintext)
                    }
                }
            }

            /// The same with the nonce given as 12 raw bytes (no allocation per record).
            public func open(
                ciphertext: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer, nonceBytes: UnsafeRawBufferPointer,
                aad: UnsafeRawBufferPointer, plaintext: UnsafeMutableRawBufferPointer
            ) throws {
                guard nonceBytes.count == nonceByteCount else { throw CryptoError.invalidNonceSize(expected: nonceByteCount, actual: nonceBytes.count) }
                guard plaintext.count >= ciphertext.count else { throw CryptoError.invalidParameter("output buffer size") }
                try context.open(nonce: nonceBytes, aad: aad, ciphertext: ciphertext, tag: tag, output: plaintext)
            }
        }
    }
}
