internal import COpenSSL

/// An owned `EVP_PKEY` (STYLE 9).
final class PKey {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    static func privateKey(type: Int32, raw: some ByteSequence, expected: Int) throws -> PKey {
        clearOpenSSLErrors()
        let key = raw.withUnsafeBytes { r -> OpaquePointer? in
            guard r.count == expected else { return nil }
            return EVP_PKEY_new_raw_private_key(type, nil, r.bindMemory(to: UInt8.self).baseAddress, r.count)
        }
        guard let key else {
            let count = raw.withUnsafeBytes { $0.count }
            if count != expected { throw CryptoError.invalidKeySize(expected: expected, actual: count) }
            throw openSSLError("EVP_PKEY_new_raw_private_key")
        }
        return PKey(key)
    }

    static func publicKey(type: Int32, raw: some ByteSequence, expected: Int) throws -> PKey {
        clearOpenSSLErrors()
        let count = raw.withUnsafeBytes { $0.count }
        guard count == expected else { throw CryptoError.invalidKeySize(expected: expected, actual: count) }
        let key = raw.withUnsafeBytes { r in
            EVP_PKEY_new_raw_public_key(type, nil, r.bindMemory(to: UInt8.self).baseAddress, r.count)
        }
        guard let key else { throw openSSLError("EVP_PKEY_new_raw_public_key") }
        return PKey(key)
    }

    func rawPublicKey(count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var length = count
        let rc = out.withUnsafeMutableBytes { EVP_PKEY_get_raw_public_key(pointer, $0.bindMemory(to: UInt8.self).baseAddress, &length) }
        try check(rc, "EVP_PKEY_get_raw_public_key")
        guard length == count else { throw CryptoError.invalidParameter("public key length") }
        return out
    }
}

/// Namespace for Curve25519 algorithms, as in CryptoKit.
public enum Curve25519 {}

extension Curve25519 {
    /// X25519 Diffie-Hellman (RFC 7748).
    public enum KeyAgreement {
        public static let keyByteCount = 32

        public struct PublicKey: Sendable, Equatable {
            public let rawRepresentation: [UInt8]

            public init<D: Collection>(rawRepresentation: D) throws where D.Element == UInt8 {
                guard rawRepresentation.count == keyByteCount else {
                    throw CryptoError.invalidKeySize(expected: keyByteCount, actual: rawRepresentation.count)
                }
                self.rawRepresentation = Array(rawRepresentation)
            }
        }

        public struct PrivateKey: Sendable {
            private let secret: SecureBytes
            public let publicKey: PublicKey

            /// A fresh random key.
            public init() throws {
                try self.init(secret: SecureBytes.random(count: keyByteCount))
            }

            /// The key with these 32 bytes (clamping is applied by X25519 itself).
            public init(rawRepresentation: some ByteSequence) throws {
                // Copied straight into wiped storage: no temporary array holds the secret.
                try self.init(secret: SecureBytes(copying: rawRepresentation))
            }

            private init(secret: SecureBytes) throws {
                guard secret.count == keyByteCount else { throw CryptoError.invalidKeySize(expected: keyByteCount, actual: secret.count) }
                self.secret = secret
                let pkey = try PKey.privateKey(type: EVP_PKEY_X25519, raw: secret, expected: keyByteCount)
                publicKey = try PublicKey(rawRepresentation: pkey.rawPublicKey(count: keyByteCount))
            }

            /// The secret bytes; handle with care.
            public var rawRepresentation: SecureBytes { secret }

            /// The shared secret with `peer`. An all-zero result (low-order peer key) is refused,
            /// as RFC 7748 §6.1 allows and age requires.
            public func sharedSecretFromKeyAgreement(with peer: PublicKey) throws -> SecureBytes {
                let mine = try PKey.privateKey(type: EVP_PKEY_X25519, raw: secret, expected: keyByteCount)
                let theirs = try PKey.publicKey(type: EVP_PKEY_X25519, raw: peer.rawRepresentation, expected: keyByteCount)
                clearOpenSSLErrors()
                guard let ctx = EVP_PKEY_CTX_new(mine.pointer, nil) else { throw openSSLError("EVP_PKEY_CTX_new") }
                defer { EVP_PKEY_CTX_free(ctx) }
                try check(EVP_PKEY_derive_init(ctx), "EVP_PKEY_derive_init")
                try check(EVP_PKEY_derive_set_peer(ctx, theirs.pointer), "EVP_PKEY_derive_set_peer")
                var length = keyByteCount
                var rc: Int32 = 0
                let shared = SecureBytes(count: keyByteCount) { out in
                    rc = EVP_PKEY_derive(ctx, out.bindMemory(to: UInt8.self).baseAddress, &length)
                }
                try X25519Derivation.check(returnCode: rc, length: length, shared: shared, peer: peer.rawRepresentation)
                return shared
            }
        }
    }
}

/// How an X25519 derivation ended (RFC 7748 §6.1): a low-order peer key, whose shared secret is all
/// zeros, is `.lowOrderPoint` (OpenSSL fails the derivation for it); any other OpenSSL failure is
/// `.openSSLFailure`, with OpenSSL's queued error.
enum X25519Derivation {
    /// The little-endian u-coordinates whose multiples by a clamped scalar are all zero: the points
    /// of order 1, 2, 4 and 8 on the curve and its twist, and their non-canonical encodings
    /// (`p`, `p + 1`). Bit 255 is ignored by X25519 and so here.
    static let lowOrderPoints: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),  // 0
        [1] + [UInt8](repeating: 0, count: 31),  // 1
        [0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
         0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00],  // order 8
        [0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b,
         0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57],  // order 8
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],  // p - 1
        [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],  // p
        [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],  // p + 1
    ]

    /// True when `peer` (32 bytes) is a low-order point, whatever bit 255 holds.
    static func isLowOrder(_ peer: [UInt8]) -> Bool {
        guard peer.count == 32 else { return false }
        var masked = peer
        masked[31] &= 0x7f
        // Public keys are public: no need for a constant-time search.
        return lowOrderPoints.contains(masked)
    }

    /// Throws unless `EVP_PKEY_derive` returned 1 with a 32-byte, not all-zero secret.
    static func check(returnCode rc: Int32, length: Int, shared: SecureBytes, peer: [UInt8]) throws {
        guard rc == 1 else {
            // OpenSSL refuses an all-zero result itself; tell it apart from other failures.
            if isLowOrder(peer) {
                clearOpenSSLErrors()
                throw CryptoError.lowOrderPoint
            }
            throw openSSLError("EVP_PKEY_derive")
        }
        guard length == Curve25519.KeyAgreement.keyByteCount else { throw CryptoError.invalidParameter("shared secret length") }
        if shared.withUnsafeBytes({ $0.allSatisfy { $0 == 0 } }) { throw CryptoError.lowOrderPoint }
    }
}
