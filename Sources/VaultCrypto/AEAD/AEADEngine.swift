internal import COpenSSL

/// The OpenSSL algorithm objects, fetched once (an implicit fetch on every call is slow in 3.0).
/// They are never changed after the fetch and OpenSSL lets threads share fetched algorithms, so
/// the unchecked `let`s are safe (OpaquePointer itself is not Sendable).
enum Algorithms {
    nonisolated(unsafe) static let aes128GCM: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-128-GCM", nil)
    nonisolated(unsafe) static let aes192GCM: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-192-GCM", nil)
    nonisolated(unsafe) static let aes256GCM: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil)
    nonisolated(unsafe) static let chacha20Poly1305: OpaquePointer? = EVP_CIPHER_fetch(nil, "ChaCha20-Poly1305", nil)
    nonisolated(unsafe) static let sha256: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)
    nonisolated(unsafe) static let aes128CBC: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-128-CBC", nil)
    nonisolated(unsafe) static let aes192CBC: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-192-CBC", nil)
    nonisolated(unsafe) static let aes256CBC: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-256-CBC", nil)
    nonisolated(unsafe) static let aes128ECB: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-128-ECB", nil)
    nonisolated(unsafe) static let aes192ECB: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-192-ECB", nil)
    nonisolated(unsafe) static let aes256ECB: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-256-ECB", nil)
}

/// One direction (seal or open) of an AEAD with a fixed key; owns its `EVP_CIPHER_CTX` (STYLE 9).
/// Reusing it for many messages avoids a key schedule per message. Not thread-safe: one user at a time.
final class AEADContext {
    static let tagByteCount = 16
    private let ctx: OpaquePointer
    private let encrypting: Bool

    init(cipher: OpaquePointer?, key: SymmetricKey, nonceByteCount: Int, encrypting: Bool) throws {
        guard let cipher else { throw CryptoError.openSSLFailure(function: "EVP_CIPHER_fetch", detail: "cipher unavailable") }
        clearOpenSSLErrors()
        guard let ctx = EVP_CIPHER_CTX_new() else { throw openSSLError("EVP_CIPHER_CTX_new") }
        self.ctx = ctx
        self.encrypting = encrypting
        let expectedKey = Int(EVP_CIPHER_get_key_length(cipher))
        guard key.byteCount == expectedKey else { throw CryptoError.invalidKeySize(expected: expectedKey, actual: key.byteCount) }
        try check(EVP_CipherInit_ex2(ctx, cipher, nil, nil, encrypting ? 1 : 0, nil), "EVP_CipherInit_ex2")
        var ivLength = nonceByteCount
        let params = [
            OSSL_PARAM_construct_size_t(sv_param_aead_ivlen(), &ivLength),
            OSSL_PARAM_construct_end(),
        ]
        try check(EVP_CIPHER_CTX_set_params(ctx, params), "EVP_CIPHER_CTX_set_params")
        try key.withUnsafeBytes { (k) in
            try check(EVP_CipherInit_ex2(ctx, nil, k.bindMemory(to: UInt8.self).baseAddress, nil, -1, nil), "EVP_CipherInit_ex2")
        }
    }

    deinit {
        EVP_CIPHER_CTX_free(ctx)
    }

    /// Encrypts `plaintext` into `output` (same length) and writes the tag into `tag` (16 bytes).
    func seal(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer
    ) throws {
        precondition(encrypting && output.count >= plaintext.count && tag.count == Self.tagByteCount)
        try start(nonce: nonce, aad: aad)
        try update(input: plaintext, output: output)
        var outLength: Int32 = 0
        try check(EVP_CipherFinal_ex(ctx, nil, &outLength), "EVP_EncryptFinal_ex")
        try check(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, Int32(Self.tagByteCount), tag.baseAddress), "EVP_CTRL_AEAD_GET_TAG")
    }

    /// Decrypts into `output` and verifies `tag`. On failure `output` is wiped and
    /// `CryptoError.authenticationFailure` is thrown: no plaintext is released.
    func open(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer
    ) throws {
        precondition(!encrypting && output.count >= ciphertext.count)
        guard tag.count == Self.tagByteCount else { throw CryptoError.authenticationFailure }
        try start(nonce: nonce, aad: aad)
        try update(input: ciphertext, output: output)
        try check(
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, Int32(Self.tagByteCount), UnsafeMutableRawPointer(mutating: tag.baseAddress)),
            "EVP_CTRL_AEAD_SET_TAG")
        var outLength: Int32 = 0
        guard EVP_CipherFinal_ex(ctx, nil, &outLength) == 1 else {
            clearOpenSSLErrors()
            if output.count > 0 { OPENSSL_cleanse(output.baseAddress, output.count) }
            throw CryptoError.authenticationFailure
        }
    }

    private func start(nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer) throws {
        clearOpenSSLErrors()
        try check(EVP_CipherInit_ex2(ctx, nil, nil, nonce.bindMemory(to: UInt8.self).baseAddress, -1, nil), "EVP_CipherInit_ex2")
        var offset = 0
        repeat {
            let n = min(aad.count - offset, Int(Int32.max / 2))
            var outLength: Int32 = 0
            let base = aad.baseAddress.map { $0.advanced(by: offset).assumingMemoryBound(to: UInt8.self) }
            try check(EVP_CipherUpdate(ctx, nil, &outLength, base, Int32(n)), "EVP_CipherUpdate(aad)")
            offset += n
        } while offset < aad.count
    }

    private func update(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws {
        try cipherUpdate(ctx, input: input, output: output)
    }
}

/// `EVP_CipherUpdate` over `input` in chunks that fit its `int` length, each chunk's output the
/// same length as its input (stream modes, and block modes without padding on whole blocks).
func cipherUpdate(_ ctx: OpaquePointer, input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws {
    var offset = 0
    while offset < input.count {
        let n = min(input.count - offset, 1 << 30)
        var outLength: Int32 = 0
        try check(
            EVP_CipherUpdate(
                ctx, output.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self), &outLength,
                input.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self), Int32(n)),
            "EVP_CipherUpdate")
        guard Int(outLength) == n else { throw CryptoError.openSSLFailure(function: "EVP_CipherUpdate", detail: "short output") }
        offset += n
    }
}
