internal import COpenSSL

extension Curve25519 {
    /// Ed25519 signatures (RFC 8032), pure mode.
    public enum Signing {
        public static let keyByteCount = 32
        public static let signatureByteCount = 64

        public struct PublicKey: Sendable, Equatable {
            public let rawRepresentation: [UInt8]

            public init<D: Collection>(rawRepresentation: D) throws where D.Element == UInt8 {
                guard rawRepresentation.count == keyByteCount else {
                    throw CryptoError.invalidKeySize(expected: keyByteCount, actual: rawRepresentation.count)
                }
                self.rawRepresentation = Array(rawRepresentation)
            }

            /// True only for a valid signature of `message`; malformed input is simply invalid.
            public func isValidSignature(_ signature: some ByteSequence, for message: some ByteSequence) -> Bool {
                guard signature.withUnsafeBytes({ $0.count }) == signatureByteCount,
                      let key = try? PKey.publicKey(type: EVP_PKEY_ED25519, raw: rawRepresentation, expected: keyByteCount),
                      let md = EVP_MD_CTX_new()
                else {
                    clearOpenSSLErrors()
                    return false
                }
                defer { EVP_MD_CTX_free(md); clearOpenSSLErrors() }
                guard EVP_DigestVerifyInit(md, nil, nil, nil, key.pointer) == 1 else { return false }
                return withNonNullPointer(signature) { s, sCount in
                    withNonNullPointer(message) { m, mCount in
                        EVP_DigestVerify(md, s, sCount, m, mCount) == 1
                    }
                }
            }
        }

        public struct PrivateKey: Sendable {
            private let secret: SecureBytes
            public let publicKey: PublicKey

            public init() throws {
                try self.init(secret: SecureBytes.random(count: keyByteCount))
            }

            public init(rawRepresentation: some ByteSequence) throws {
                // Copied straight into wiped storage: no temporary array holds the secret.
                try self.init(secret: SecureBytes(copying: rawRepresentation))
            }

            private init(secret: SecureBytes) throws {
                guard secret.count == keyByteCount else { throw CryptoError.invalidKeySize(expected: keyByteCount, actual: secret.count) }
                self.secret = secret
                let pkey = try PKey.privateKey(type: EVP_PKEY_ED25519, raw: secret, expected: keyByteCount)
                publicKey = try PublicKey(rawRepresentation: pkey.rawPublicKey(count: keyByteCount))
            }

            public var rawRepresentation: SecureBytes { secret }

            public func signature(for message: some ByteSequence) throws -> [UInt8] {
                let key = try PKey.privateKey(type: EVP_PKEY_ED25519, raw: secret, expected: keyByteCount)
                clearOpenSSLErrors()
                guard let md = EVP_MD_CTX_new() else { throw openSSLError("EVP_MD_CTX_new") }
                defer { EVP_MD_CTX_free(md) }
                try check(EVP_DigestSignInit(md, nil, nil, nil, key.pointer), "EVP_DigestSignInit")
                var signature = [UInt8](repeating: 0, count: signatureByteCount)
                var length = signatureByteCount
                let rc = withNonNullPointer(message) { m, mCount in
                    signature.withUnsafeMutableBytes { s in
                        EVP_DigestSign(md, s.bindMemory(to: UInt8.self).baseAddress, &length, m, mCount)
                    }
                }
                try check(rc, "EVP_DigestSign")
                return signature
            }
        }
    }
}
