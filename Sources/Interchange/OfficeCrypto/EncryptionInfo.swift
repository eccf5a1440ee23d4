import Foundation
import VaultCrypto

/// The `EncryptionInfo` stream of an encrypted Office document ([MS-OFFCRYPTO] §2.3.4), parsed
/// into what SalesVault can decrypt (agile or standard encryption with AES) or refused with the
/// scheme named: RC4 CryptoAPI, extensible (third-party) encryption, a certificate-only key,
/// an algorithm other than AES.
enum EncryptionInfo {
    case agile(Agile)
    case standard(Standard)

    /// Agile encryption (§2.3.4.10): an XML descriptor.
    struct Agile {
        /// `keyData`: how the package is encrypted.
        var keyBits = 0
        var blockSize = 0
        var hash = HashFunction.sha512
        var keySalt: [UInt8] = []
        /// `dataIntegrity`: the package's HMAC key and value, encrypted with the package key.
        var encryptedHmacKey: [UInt8] = []
        var encryptedHmacValue: [UInt8] = []
        /// The password key encryptor (`p:encryptedKey`).
        var password: PasswordKey
    }

    struct PasswordKey {
        var spinCount = 0
        var keyBits = 0
        var blockSize = 0
        var hash = HashFunction.sha512
        var salt: [UInt8] = []
        var encryptedVerifierHashInput: [UInt8] = []
        var encryptedVerifierHashValue: [UInt8] = []
        var encryptedKeyValue: [UInt8] = []
    }

    /// Standard encryption (§2.3.4.5–6): binary header and verifier, AES-ECB with SHA-1.
    struct Standard {
        var keyBits: Int
        var salt: [UInt8]
        var encryptedVerifier: [UInt8]
        var encryptedVerifierHash: [UInt8]
    }

    static let agileVersion: (UInt16, UInt16) = (4, 4)
    static let passwordKeyEncryptor = "http://schemas.microsoft.com/office/2006/keyEncryptor/password"
    /// The most bytes a descriptor may have: Excel's are about 1.5 KB.
    static let maxDescriptorBytes = 1 << 20

    static func parse(_ stream: [UInt8]) throws -> EncryptionInfo {
        guard stream.count >= 8 else { throw OfficeCryptoErrors.damaged("EncryptionInfo is too short") }
        let major = CompoundFile.u16(stream, 0), minor = CompoundFile.u16(stream, 2)
        let flags = CompoundFile.u32(stream, 4)
        switch (major, minor) {
        case (4, 4):
            guard stream.count <= maxDescriptorBytes else { throw OfficeCryptoErrors.damaged("EncryptionInfo is too large") }
            return .agile(try parseAgile(Array(stream[8...])))
        case (3, 3), (4, 3):
            throw OfficeCryptoErrors.unsupported(.extensible)
        case (2...4, 2):
            return .standard(try parseStandard(stream, flags: flags))
        case (1, 1):
            throw OfficeCryptoErrors.unsupported(.rc4)
        default:
            throw OfficeCryptoErrors.unsupported(.unknownVersion("\(major).\(minor)"))
        }
    }

    // MARK: Standard

    private static let fCryptoAPI: UInt32 = 0x04
    private static let fExternal: UInt32 = 0x10
    private static let fAES: UInt32 = 0x20

    private static func parseStandard(_ s: [UInt8], flags: UInt32) throws -> Standard {
        if flags & fExternal != 0 { throw OfficeCryptoErrors.unsupported(.extensible) }
        guard flags & fCryptoAPI != 0 else { throw OfficeCryptoErrors.damaged("EncryptionInfo has unknown flags") }
        guard flags & fAES != 0 else { throw OfficeCryptoErrors.unsupported(.rc4) }
        guard s.count >= 12 else { throw OfficeCryptoErrors.damaged("EncryptionInfo is too short") }
        let headerSize = Int(CompoundFile.u32(s, 8))
        let h = 12
        guard headerSize >= 32, headerSize <= s.count - h else { throw OfficeCryptoErrors.damaged("the encryption header's size is wrong") }
        let algorithm = CompoundFile.u32(s, h + 8), hashAlgorithm = CompoundFile.u32(s, h + 12)
        let keyBits = Int(CompoundFile.u32(s, h + 16))
        let expectedBits: [UInt32: Int] = [0x660E: 128, 0x660F: 192, 0x6610: 256]
        guard let bits = expectedBits[algorithm] else {
            throw OfficeCryptoErrors.unsupported(algorithm == 0x6801 ? .rc4 : .algorithm(String(format: "0x%04X", algorithm)))
        }
        guard hashAlgorithm == 0x8004 || hashAlgorithm == 0 else { throw OfficeCryptoErrors.unsupported(.algorithm(String(format: "hash 0x%04X", hashAlgorithm))) }
        guard keyBits == bits || keyBits == 0 else { throw OfficeCryptoErrors.damaged("the key size does not match the algorithm") }
        // EncryptionVerifier (§2.3.3): salt size, salt, verifier, hash size, verifier hash.
        let v = h + headerSize
        guard s.count >= v + 4 + 16 + 16 + 4 + 32 else { throw OfficeCryptoErrors.damaged("the password verifier is cut off") }
        guard CompoundFile.u32(s, v) == 16 else { throw OfficeCryptoErrors.damaged("the verifier's salt is not 16 bytes") }
        return Standard(keyBits: bits, salt: Array(s[(v + 4)..<(v + 20)]), encryptedVerifier: Array(s[(v + 20)..<(v + 36)]),
                        encryptedVerifierHash: Array(s[(v + 40)..<(v + 72)]))
    }

    // MARK: Agile

    private static func parseAgile(_ xml: [UInt8]) throws -> Agile {
        var keyData: [String: String]?
        var integrity: [String: String]?
        var passwordKey: [String: String]?
        var encryptor: String?
        var encryptors: [String] = []
        do {
            try XMLEvents.parse(Data(xml), part: "EncryptionInfo", start: { name, attributes in
                switch name {
                case "keyData": keyData = attributes
                case "dataIntegrity": integrity = attributes
                case "keyEncryptor":
                    encryptor = attributes["uri"]
                    encryptors.append(attributes["uri"] ?? "")
                case "encryptedKey" where encryptor == passwordKeyEncryptor: passwordKey = attributes
                default: break
                }
            }, end: { name in if name == "keyEncryptor" { encryptor = nil } })
        } catch {
            throw OfficeCryptoErrors.damaged("its encryption descriptor is not valid XML")
        }
        guard let keyData else { throw OfficeCryptoErrors.damaged("its encryption descriptor has no keyData") }
        let packageCipher = try cipher(keyData)  // an algorithm other than AES is named first
        guard let passwordKey else {
            throw OfficeCryptoErrors.unsupported(encryptors.isEmpty ? .unknownVersion("4.4 without key encryptors") : .certificateOnly)
        }
        guard let integrity else { throw OfficeCryptoErrors.damaged("its encryption descriptor has no dataIntegrity (the HMAC)") }
        var info = Agile(password: PasswordKey())
        (info.keyBits, info.blockSize, info.hash) = packageCipher
        info.keySalt = try base64(keyData, "saltValue")
        info.encryptedHmacKey = try base64(integrity, "encryptedHmacKey")
        info.encryptedHmacValue = try base64(integrity, "encryptedHmacValue")
        var p = PasswordKey()
        (p.keyBits, p.blockSize, p.hash) = try cipher(passwordKey)
        guard let spin = passwordKey["spinCount"].flatMap({ Int($0) }), spin >= 0 else { throw OfficeCryptoErrors.damaged("its spinCount is missing") }
        guard spin <= IteratedHash.maxIterations else { throw OfficeCryptoErrors.unsupported(.spinCount(spin)) }
        p.spinCount = spin
        p.salt = try base64(passwordKey, "saltValue")
        p.encryptedVerifierHashInput = try base64(passwordKey, "encryptedVerifierHashInput")
        p.encryptedVerifierHashValue = try base64(passwordKey, "encryptedVerifierHashValue")
        p.encryptedKeyValue = try base64(passwordKey, "encryptedKeyValue")
        info.password = p
        guard !info.keySalt.isEmpty, !p.salt.isEmpty else { throw OfficeCryptoErrors.damaged("a salt is empty") }
        return info
    }

    /// keyBits, blockSize and the hash of a `keyData` or `encryptedKey` element: AES-CBC only.
    private static func cipher(_ a: [String: String]) throws -> (Int, Int, HashFunction) {
        let algorithm = a["cipherAlgorithm"] ?? "", chaining = a["cipherChaining"] ?? ""
        guard algorithm == "AES" else { throw OfficeCryptoErrors.unsupported(.algorithm(algorithm.isEmpty ? "none" : algorithm)) }
        guard chaining == "ChainingModeCBC" else { throw OfficeCryptoErrors.unsupported(.algorithm("AES " + chaining)) }
        guard let bits = a["keyBits"].flatMap({ Int($0) }), [128, 192, 256].contains(bits) else {
            throw OfficeCryptoErrors.unsupported(.algorithm("AES with keyBits \(a["keyBits"] ?? "none")"))
        }
        guard a["blockSize"] == "16" else { throw OfficeCryptoErrors.damaged("AES's block size is not 16") }
        let hashes: [String: HashFunction] = ["SHA1": .sha1, "SHA-1": .sha1, "SHA256": .sha256, "SHA-256": .sha256,
                                              "SHA384": .sha384, "SHA-384": .sha384, "SHA512": .sha512, "SHA-512": .sha512]
        guard let hash = hashes[a["hashAlgorithm"] ?? ""] else { throw OfficeCryptoErrors.unsupported(.algorithm(a["hashAlgorithm"] ?? "no hash")) }
        return (bits, 16, hash)
    }

    private static func base64(_ a: [String: String], _ key: String) throws -> [UInt8] {
        guard let text = a[key], let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
            throw OfficeCryptoErrors.damaged("its \(key) is missing or not Base64")
        }
        return Array(data)
    }
}
