import VaultCrypto

/// Standard encryption ([MS-OFFCRYPTO] §2.3.4.5–9), what Excel 2007 and LibreOffice write: the
/// key is derived from the password with 50,000 rounds of SHA-1, checked against the verifier,
/// and the package is AES-ECB encrypted as a whole. There is no integrity check in this scheme:
/// a changed file decrypts to garbage that the XLSX reader then refuses. Read only; SalesVault
/// writes agile encryption.
enum StandardEncryption {
    static let spinCount = 50_000

    /// The package key, or nil when `password` (UTF-16LE) is not the workbook's.
    static func unlock(_ info: EncryptionInfo.Standard, password: SecureBytes) throws -> SymmetricKey? {
        let sha1 = HashFunction.sha1
        let h = try IteratedHash.derive(password: password, salt: info.salt, iterations: spinCount, hash: sha1)
        var final = try sha1.hash(h, [UInt8](repeating: 0, count: 4))  // block number 0
        defer { secureZero(&final) }
        // §2.3.4.7: X1 = SHA1(0x36-pad ⊕ Hfinal), X2 = SHA1(0x5C-pad ⊕ Hfinal), key = (X1 ‖ X2) cut.
        var b1 = [UInt8](repeating: 0x36, count: 64), b2 = [UInt8](repeating: 0x5C, count: 64)
        for i in 0..<final.count { b1[i] ^= final[i]; b2[i] ^= final[i] }
        var derived = try sha1.hash(b1) + sha1.hash(b2)
        defer { secureZero(&derived); secureZero(&b1); secureZero(&b2) }
        let key = SymmetricKey(data: derived.prefix(info.keyBits / 8))
        let verifier = try AES.ECB.decrypt(info.encryptedVerifier, using: key)
        let verifierHash = try AES.ECB.decrypt(info.encryptedVerifierHash, using: key)
        guard constantTimeEquals(try sha1.hash(verifier), verifierHash.prefix(sha1.byteCount)) else { return nil }
        return key
    }

    static func decrypt(_ info: EncryptionInfo.Standard, key: SymmetricKey, stream: [UInt8]) throws -> [UInt8] {
        let (size, body) = try sizeAndBody(stream)
        let padded = (size + 15) / 16 * 16
        guard padded <= body.count else { throw OfficeCryptoErrors.damaged("the encrypted package is shorter than it says") }
        var out = try AES.ECB.decrypt(body.prefix(padded), using: key)
        out.removeLast(padded - size)
        return out
    }

    /// The `EncryptedPackage` stream's stated size (8 bytes, little-endian) and the rest,
    /// the size checked against the bytes present.
    static func sizeAndBody(_ stream: [UInt8]) throws -> (Int, ArraySlice<UInt8>) {
        guard stream.count >= 8 else { throw OfficeCryptoErrors.damaged("EncryptedPackage is too short") }
        let size = stream[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard size <= UInt64(stream.count - 8) else { throw OfficeCryptoErrors.damaged("the encrypted package is shorter than it says") }
        return (Int(size), stream[8...])
    }
}
