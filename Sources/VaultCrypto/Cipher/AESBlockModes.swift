internal import COpenSSL

extension AES {
    /// AES in CBC mode without padding (NIST SP 800-38A): what Office agile encryption uses for
    /// its keys and its package ([MS-OFFCRYPTO] §2.3.4.15). Inputs are whole 16-byte blocks; the
    /// caller pads. CBC has no integrity of its own: Office's is the HMAC of §2.3.4.14.
    public enum CBC {
        public static let blockByteCount = 16

        public static func encrypt(_ data: some ByteSequence, using key: SymmetricKey, iv: some ByteSequence) throws -> [UInt8] {
            try BlockCipherContext(mode: .cbc, key: key, encrypting: true).process(data, iv: iv)
        }

        public static func decrypt(_ data: some ByteSequence, using key: SymmetricKey, iv: some ByteSequence) throws -> [UInt8] {
            try BlockCipherContext(mode: .cbc, key: key, encrypting: false).process(data, iv: iv)
        }

        /// One key, many messages (an Office package's 4,096-byte segments, each with its own IV).
        public final class Context {
            private let context: BlockCipherContext
            public init(key: SymmetricKey, encrypting: Bool) throws {
                context = try BlockCipherContext(mode: .cbc, key: key, encrypting: encrypting)
            }
            /// Encrypts or decrypts `input` (whole blocks) with `iv` into `output` (same length).
            public func process(_ input: UnsafeRawBufferPointer, iv: some ByteSequence, into output: UnsafeMutableRawBufferPointer) throws {
                try context.process(input, iv: iv, into: output)
            }
        }
    }

    /// AES in ECB mode without padding: only to read Office standard encryption (Excel 2007,
    /// LibreOffice; [MS-OFFCRYPTO] §2.3.4.7), which encrypts each block on its own. ECB shows
    /// equal plaintext blocks as equal ciphertext blocks; SalesVault never writes it.
    public enum ECB {
        public static func decrypt(_ data: some ByteSequence, using key: SymmetricKey) throws -> [UInt8] {
            try BlockCipherContext(mode: .ecb, key: key, encrypting: false).process(data, iv: [UInt8]())
        }

        public static func encrypt(_ data: some ByteSequence, using key: SymmetricKey) throws -> [UInt8] {
            try BlockCipherContext(mode: .ecb, key: key, encrypting: true).process(data, iv: [UInt8]())
        }
    }
}


/// One direction of AES-CBC or AES-ECB with a fixed key and no padding; owns its
/// `EVP_CIPHER_CTX` (STYLE 9). Not thread-safe.
final class BlockCipherContext {
    enum Mode { case cbc, ecb }
    private let ctx: OpaquePointer
    private let mode: Mode

    init(mode: Mode, key: SymmetricKey, encrypting: Bool) throws {
        let cipher: OpaquePointer?
        switch (mode, key.byteCount) {
        case (.cbc, 16): cipher = Algorithms.aes128CBC
        case (.cbc, 24): cipher = Algorithms.aes192CBC
        case (.cbc, 32): cipher = Algorithms.aes256CBC
        case (.ecb, 16): cipher = Algorithms.aes128ECB
        case (.ecb, 24): cipher = Algorithms.aes192ECB
        case (.ecb, 32): cipher = Algorithms.aes256ECB
        default: throw CryptoError.invalidKeySize(expected: 32, actual: key.byteCount)
        }
        guard let cipher else { throw CryptoError.openSSLFailure(function: "EVP_CIPHER_fetch", detail: "AES unavailable") }
        clearOpenSSLErrors()
        guard let ctx = EVP_CIPHER_CTX_new() else { throw openSSLError("EVP_CIPHER_CTX_new") }
        self.ctx = ctx
        self.mode = mode
        try key.withUnsafeBytes { k in
            try check(EVP_CipherInit_ex2(ctx, cipher, k.bindMemory(to: UInt8.self).baseAddress, nil, encrypting ? 1 : 0, nil), "EVP_CipherInit_ex2")
        }
        try check(EVP_CIPHER_CTX_set_padding(ctx, 0), "EVP_CIPHER_CTX_set_padding")
    }

    deinit { EVP_CIPHER_CTX_free(ctx) }

    func process(_ data: some ByteSequence, iv: some ByteSequence) throws -> [UInt8] {
        try data.withUnsafeBytes { input in
            var out = [UInt8](repeating: 0, count: input.count)
            try out.withUnsafeMutableBytes { try process(input, iv: iv, into: $0) }
            return out
        }
    }

    func process(_ input: UnsafeRawBufferPointer, iv: some ByteSequence, into output: UnsafeMutableRawBufferPointer) throws {
        guard input.count % AES.CBC.blockByteCount == 0 else {
            throw CryptoError.invalidParameter("AES input must be whole 16-byte blocks, got \(input.count) bytes")
        }
        guard output.count >= input.count else { throw CryptoError.invalidParameter("AES output too small") }
        clearOpenSSLErrors()
        if mode == .cbc {
            try iv.withUnsafeBytes { v in
                guard v.count == AES.CBC.blockByteCount else {
                    throw CryptoError.invalidNonceSize(expected: AES.CBC.blockByteCount, actual: v.count)
                }
                try check(EVP_CipherInit_ex2(ctx, nil, nil, v.bindMemory(to: UInt8.self).baseAddress, -1, nil), "EVP_CipherInit_ex2")
            }
        } else {
            try check(EVP_CipherInit_ex2(ctx, nil, nil, nil, -1, nil), "EVP_CipherInit_ex2")
        }
        guard input.count > 0 else { return }
        try cipherUpdate(ctx, input: input, output: output)
        var finalLength: Int32 = 0
        try check(EVP_CipherFinal_ex(ctx, nil, &finalLength), "EVP_CipherFinal_ex")
    }
}
