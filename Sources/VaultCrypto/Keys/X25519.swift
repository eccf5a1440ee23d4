internal import COpenSSL

/// An owned `EVP_PKEY` (STYLE 9).
final class PKey {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    static func privateKey(type: Int32, raw: some ContiguousBytes, expected: Int) throws -> PKey {
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

    static func publicKey(type: Int32, raw: some ContiguousBytes, expected: Int) throws -> PKey {
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
            public init(rawRepresentation: some ContiguousBytes) throws {
                try self.init(secret: SecureBytes(rawRepresentation.withUnsafeBytes { Array($0) }))
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
                // OpenSSL itself fails the derivation on an all-zero result; check both ways.
                let allZero = shared.withUnsafeBytes { $0.allSatisfy { $0 == 0 } }
                if rc != 1 || allZero {
                    clearOpenSSLErrors()
                    throw CryptoError.lowOrderPoint
                }
                guard length == keyByteCount else { throw CryptoError.invalidParameter("shared secret length") }
                return shared
            }
        }
    }
}
