internal import COpenSSL

/// HKDF-SHA-256 (RFC 5869), extract-then-expand, through OpenSSL's `EVP_KDF` "HKDF".
public enum HKDF {
    /// The largest output RFC 5869 allows for SHA-256: 255 blocks.
    public static let maxOutputByteCount = 255 * 32

    public static func deriveKey(
        inputKeyMaterial: some ByteSequence, salt: some ByteSequence, info: some ByteSequence,
        outputByteCount: Int
    ) throws -> SymmetricKey {
        guard outputByteCount > 0, outputByteCount <= maxOutputByteCount else {
            throw CryptoError.invalidParameter("HKDF output length \(outputByteCount)")
        }
        var ikm = inputKeyMaterial.withUnsafeBytes { Array($0) }
        defer { secureZero(&ikm) }
        let saltBytes = salt.withUnsafeBytes { Array($0) }
        let infoBytes = info.withUnsafeBytes { Array($0) }
        let digestName = Array("SHA256".utf8) + [0]
        return try withPinned([ikm, saltBytes, infoBytes, digestName]) { (p) -> SymmetricKey in
            var params: [OSSL_PARAM] = [
                OSSL_PARAM_construct_utf8_string(
                    sv_param_digest(), p[3].baseAddress!.assumingMemoryBound(to: CChar.self), 0),
                OSSL_PARAM_construct_octet_string(sv_param_key(), p[0].baseAddress, p[0].count),
            ]
            // An absent salt and an empty salt are the same in RFC 5869 (HashLen zero bytes).
            if p[1].count > 0 {
                params.append(OSSL_PARAM_construct_octet_string(sv_param_salt(), p[1].baseAddress, p[1].count))
            }
            if p[2].count > 0 {
                params.append(OSSL_PARAM_construct_octet_string(sv_param_info(), p[2].baseAddress, p[2].count))
            }
            let out = try KDFRunner.derive(kdfName: "HKDF", outputByteCount: outputByteCount, params: params)
            return SymmetricKey(secureBytes: out)
        }
    }
}
