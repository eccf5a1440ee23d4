internal import COpenSSL

/// Runs one `EVP_KDF` derivation; owns the fetched KDF and its context for the call's duration.
enum KDFRunner {
    /// Derives `outputByteCount` bytes with the named KDF. `build` receives a list to which it
    /// appends parameters; buffers it points into must outlive the call, hence the closure shape.
    static func derive(
        kdfName: String, outputByteCount: Int, params: [OSSL_PARAM]
    ) throws -> SecureBytes {
        clearOpenSSLErrors()
        guard let kdf = EVP_KDF_fetch(nil, kdfName, nil) else { throw openSSLError("EVP_KDF_fetch(\(kdfName))") }
        defer { EVP_KDF_free(kdf) }
        guard let ctx = EVP_KDF_CTX_new(kdf) else { throw openSSLError("EVP_KDF_CTX_new") }
        defer { EVP_KDF_CTX_free(ctx) }
        var params = params
        params.append(OSSL_PARAM_construct_end())
        var failure: CryptoError?
        let out = SecureBytes(count: outputByteCount) { buffer in
            let rc = EVP_KDF_derive(ctx, buffer.bindMemory(to: UInt8.self).baseAddress, buffer.count, params)
            if rc != 1 { failure = openSSLError("EVP_KDF_derive(\(kdfName))") }
        }
        if let failure { throw failure }
        return out
    }
}

/// Pins byte buffers for the lifetime of a KDF call so `OSSL_PARAM`s can point into them.
func withPinned<R>(
    _ buffers: [[UInt8]], _ body: ([UnsafeMutableRawBufferPointer]) throws -> R
) throws -> R {
    // Copy into stable heap allocations (at least one byte each, so pointers are never null).
    let pinned = buffers.map { bytes -> UnsafeMutableRawBufferPointer in
        let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        p.initializeMemory(as: UInt8.self, repeating: 0)
        bytes.withUnsafeBytes { src in if src.count > 0 { p.copyMemory(from: src) } }
        return UnsafeMutableRawBufferPointer(start: p.baseAddress, count: bytes.count)
    }
    defer {
        for p in pinned {
            OPENSSL_cleanse(p.baseAddress, max(p.count, 1))
            p.baseAddress?.deallocate()
        }
    }
    return try body(pinned)
}
