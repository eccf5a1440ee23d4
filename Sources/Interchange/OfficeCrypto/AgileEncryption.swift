import Foundation
import VaultCrypto

/// Agile encryption ([MS-OFFCRYPTO] §2.3.4.10–15), what Excel 2010 and later, WPS and
/// msoffcrypto-tool write: a random package key encrypts the package in 4,096-byte segments with
/// AES-CBC; the password, through the iterated hash, encrypts the package key; an HMAC over the
/// encrypted package (keyed by a random key also encrypted with the package key) detects any
/// change. Reading checks the password, then the HMAC, and only then decrypts (STYLE 12).
enum AgileEncryption {
    /// The block keys of §2.3.4.11–13, one per value derived from the password or package key.
    static let verifierInputBlock: [UInt8] = [0xFE, 0xA7, 0xD2, 0x76, 0x3B, 0x4B, 0x9E, 0x79]
    static let verifierValueBlock: [UInt8] = [0xD7, 0xAA, 0x0F, 0x6D, 0x30, 0x61, 0x34, 0x4E]
    static let keyValueBlock: [UInt8] = [0x14, 0x6E, 0x0B, 0xE7, 0xAB, 0xAC, 0xD0, 0xD6]
    static let hmacKeyBlock: [UInt8] = [0x5F, 0xB2, 0xAD, 0x01, 0x0C, 0xB9, 0xE1, 0xF6]
    static let hmacValueBlock: [UInt8] = [0xA0, 0x67, 0x7F, 0x02, 0xB2, 0x2C, 0x84, 0x33]
    static let segmentByteCount = 4096
    static let block = AES.CBC.blockByteCount

    /// `bytes` cut or padded with 0x36 to `count` (§2.3.4.11: keys and IVs).
    static func fit(_ bytes: [UInt8], _ count: Int) -> [UInt8] {
        bytes.count >= count ? Array(bytes.prefix(count)) : bytes + [UInt8](repeating: 0x36, count: count - bytes.count)
    }

    /// The key the password gives for `blockKey` (§2.3.4.11).
    private static func passwordKey(_ h: SecureBytes, _ blockKey: [UInt8], hash: HashFunction, bits: Int) throws -> SymmetricKey {
        var digest = try hash.hash(h, blockKey)
        defer { secureZero(&digest) }
        return SymmetricKey(data: fit(digest, bits / 8))
    }

    /// The package key, or nil when `password` (UTF-16LE) is not the workbook's.
    static func unlock(_ info: EncryptionInfo.Agile, password: SecureBytes) throws -> SymmetricKey? {
        let p = info.password
        let h = try IteratedHash.derive(password: password, salt: p.salt, iterations: p.spinCount, hash: p.hash)
        let iv = fit(p.salt, block)
        for c in [p.encryptedVerifierHashInput, p.encryptedVerifierHashValue, p.encryptedKeyValue] where c.isEmpty || c.count % block != 0 {
            throw OfficeCryptoErrors.damaged("an encrypted key is not whole AES blocks")
        }
        let input = try AES.CBC.decrypt(p.encryptedVerifierHashInput, using: passwordKey(h, verifierInputBlock, hash: p.hash, bits: p.keyBits), iv: iv)
        let expected = try p.hash.hash(input.prefix(p.salt.count))
        let value = try AES.CBC.decrypt(p.encryptedVerifierHashValue, using: passwordKey(h, verifierValueBlock, hash: p.hash, bits: p.keyBits), iv: iv)
        guard value.count >= p.hash.byteCount, constantTimeEquals(expected, value.prefix(p.hash.byteCount)) else { return nil }
        var keyValue = try AES.CBC.decrypt(p.encryptedKeyValue, using: passwordKey(h, keyValueBlock, hash: p.hash, bits: p.keyBits), iv: iv)
        defer { secureZero(&keyValue) }
        guard keyValue.count >= info.keyBits / 8 else { throw OfficeCryptoErrors.damaged("the encrypted package key is too short") }
        return SymmetricKey(data: keyValue.prefix(info.keyBits / 8))
    }

    /// Checks the package's HMAC (§2.3.4.14) over the whole `EncryptedPackage` stream.
    static func verifyIntegrity(_ info: EncryptionInfo.Agile, key: SymmetricKey, stream: [UInt8]) throws {
        for c in [info.encryptedHmacKey, info.encryptedHmacValue] where c.isEmpty || c.count % block != 0 {
            throw OfficeCryptoErrors.damaged("the integrity key is not whole AES blocks")
        }
        var hmacKey = try AES.CBC.decrypt(info.encryptedHmacKey, using: key, iv: fit(info.hash.hash(info.keySalt, hmacKeyBlock), block))
        defer { secureZero(&hmacKey) }
        let value = try AES.CBC.decrypt(info.encryptedHmacValue, using: key, iv: fit(info.hash.hash(info.keySalt, hmacValueBlock), block))
        let n = info.hash.byteCount
        guard hmacKey.count >= n, value.count >= n else { throw OfficeCryptoErrors.integrity() }
        let actual = try info.hash.authenticationCode(for: stream, keyBytes: hmacKey.prefix(n))
        guard constantTimeEquals(actual, value.prefix(n)) else { throw OfficeCryptoErrors.integrity() }
    }

    /// The package: the stream's first 8 bytes are its size, then the segments (§2.3.4.15).
    static func decrypt(_ info: EncryptionInfo.Agile, key: SymmetricKey, stream: [UInt8]) throws -> [UInt8] {
        let (size, body) = try StandardEncryption.sizeAndBody(stream)
        let padded = (size + block - 1) / block * block
        guard padded <= body.count else { throw OfficeCryptoErrors.damaged("the encrypted package is shorter than it says") }
        var out = [UInt8](repeating: 0, count: padded)
        let context = try AES.CBC.Context(key: key, encrypting: false)
        let digester = try Digester(info.hash)
        try body.withUnsafeBytes { input in
            try out.withUnsafeMutableBytes { output in
                var segment = 0
                var offset = 0
                while offset < padded {
                    let n = min(segmentByteCount, padded - offset)
                    let iv = fit(try digester.hash(info.keySalt + le32(segment)), block)
                    try context.process(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + n)]), iv: iv,
                                        into: UnsafeMutableRawBufferPointer(rebasing: output[offset..<(offset + n)]))
                    offset += n
                    segment += 1
                }
            }
        }
        out.removeLast(padded - size)
        return out
    }

    /// `package` encrypted with `password` (UTF-16LE): AES-256-CBC, SHA-512, `spinCount` rounds.
    /// Returns the `EncryptionInfo` and `EncryptedPackage` streams.
    static func encrypt(package: [UInt8], password: SecureBytes, spinCount: Int) throws -> (info: [UInt8], package: [UInt8]) {
        let hash = HashFunction.sha512, keyBits = 256
        let keySalt = try Random.bytes(16), passwordSalt = try Random.bytes(16)
        let packageKey = try SymmetricKey.generate(bitCount: keyBits)
        let hmacKey = try SecureBytes.random(count: hash.byteCount)
        let verifierInput = try Random.bytes(16)

        // The package, segment by segment, each padded to whole blocks (with zeros).
        var stream = le64(package.count)
        stream.reserveCapacity(8 + package.count + block)
        let context = try AES.CBC.Context(key: packageKey, encrypting: true)
        let digester = try Digester(hash)
        var offset = 0, segment = 0
        var chunk = [UInt8](repeating: 0, count: segmentByteCount)
        defer { secureZero(&chunk) }
        while offset < package.count {
            let n = min(segmentByteCount, package.count - offset)
            let padded = (n + block - 1) / block * block
            for k in 0..<padded { chunk[k] = k < n ? package[offset + k] : 0 }
            let iv = fit(try digester.hash(keySalt + le32(segment)), block)
            var out = [UInt8](repeating: 0, count: padded)
            try chunk.withUnsafeBytes { c in
                try out.withUnsafeMutableBytes { try context.process(UnsafeRawBufferPointer(rebasing: c[0..<padded]), iv: iv, into: $0) }
            }
            stream += out
            offset += n
            segment += 1
        }

        // Data integrity (§2.3.4.14).
        let hmac = try hash.authenticationCode(for: stream, keyBytes: hmacKey)
        let encryptedHmacKey = try AES.CBC.encrypt(hmacKey, using: packageKey, iv: fit(hash.hash(keySalt, hmacKeyBlock), block))
        let encryptedHmacValue = try AES.CBC.encrypt(hmac, using: packageKey, iv: fit(hash.hash(keySalt, hmacValueBlock), block))

        // The password key encryptor (§2.3.4.13).
        let h = try IteratedHash.derive(password: password, salt: passwordSalt, iterations: spinCount, hash: hash)
        let encryptedVerifierHashInput = try AES.CBC.encrypt(verifierInput, using: passwordKey(h, verifierInputBlock, hash: hash, bits: keyBits), iv: passwordSalt)
        let encryptedVerifierHashValue = try AES.CBC.encrypt(hash.hash(verifierInput), using: passwordKey(h, verifierValueBlock, hash: hash, bits: keyBits), iv: passwordSalt)
        let encryptedKeyValue = try AES.CBC.encrypt(packageKey, using: passwordKey(h, keyValueBlock, hash: hash, bits: keyBits), iv: passwordSalt)

        func b64(_ b: [UInt8]) -> String { Data(b).base64EncodedString() }
        let params = "saltSize=\"16\" blockSize=\"16\" keyBits=\"\(keyBits)\" hashSize=\"\(hash.byteCount)\" cipherAlgorithm=\"AES\" cipherChaining=\"ChainingModeCBC\" hashAlgorithm=\"SHA512\""
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
            + "<encryption xmlns=\"http://schemas.microsoft.com/office/2006/encryption\" xmlns:p=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\" xmlns:c=\"http://schemas.microsoft.com/office/2006/keyEncryptor/certificate\">"
            + "<keyData \(params) saltValue=\"\(b64(keySalt))\"/>"
            + "<dataIntegrity encryptedHmacKey=\"\(b64(encryptedHmacKey))\" encryptedHmacValue=\"\(b64(encryptedHmacValue))\"/>"
            + "<keyEncryptors><keyEncryptor uri=\"\(EncryptionInfo.passwordKeyEncryptor)\">"
            + "<p:encryptedKey spinCount=\"\(spinCount)\" \(params) saltValue=\"\(b64(passwordSalt))\" encryptedVerifierHashInput=\"\(b64(encryptedVerifierHashInput))\" encryptedVerifierHashValue=\"\(b64(encryptedVerifierHashValue))\" encryptedKeyValue=\"\(b64(encryptedKeyValue))\"/>"
            + "</keyEncryptor></keyEncryptors></encryption>"
        let info: [UInt8] = [0x04, 0x00, 0x04, 0x00, 0x40, 0x00, 0x00, 0x00] + Array(xml.utf8)
        return (info, stream)
    }

    static func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func le64(_ v: Int) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}
