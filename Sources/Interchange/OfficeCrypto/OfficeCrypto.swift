import Foundation
import VaultCrypto

/// Password-encrypted Office workbooks (INTERCHANGE.md §1.3 and §6.5): an OLE compound file
/// holding `EncryptionInfo` and `EncryptedPackage` ([MS-OFFCRYPTO] §2.3.4), decrypted and
/// encrypted in memory. The plaintext package never reaches the disk here.
public enum OfficeCrypto {
    /// The spin count of the workbooks SalesVault encrypts: 500,000 rounds of SHA-512, five times
    /// Excel's 100,000. Measured (Docs/PERFORMANCE.md) at about 0.2 s with OpenSSL on the project's
    /// machine and 0.5 s in msoffcrypto-tool (Python): a recipient on an older laptop still opens
    /// the file in about a second, while an offline guesser pays five times Excel's price per
    /// guess. It is fixed rather than calibrated like the archive's scrypt because the cost is
    /// paid on the recipient's machine, by Excel or WPS, whose speed this machine does not know.
    public static let defaultSpinCount = 500_000

    /// The longest password Excel accepts (characters, as UTF-16 code units).
    public static let maxPasswordLength = 255

    /// True when `bytes` start like an OLE compound file (an encrypted workbook or an old .xls).
    public static func isCompoundFile(_ bytes: some Collection<UInt8>) -> Bool {
        CompoundFile.hasSignature(bytes)
    }

    /// The plaintext package (the .xlsx bytes) of the encrypted workbook `bytes`. `password` is
    /// called only once the file is known to be an encrypted package of a supported kind; it
    /// returns nil when there is no password to give. Throws an `InterchangeError`: a wrong
    /// password (`.wrongWorkbookPassword`), an unsupported scheme or an old .xls
    /// (`.unsupportedWorkbook`), a damaged container or a failed integrity check
    /// (`.malformedWorkbook`).
    public static func decrypt(_ bytes: [UInt8], password: () throws -> String?) throws -> [UInt8] {
        try decrypt(bytes, password: password, maxSpinCount: IteratedHash.maxIterations)
    }

    /// As `decrypt(_:password:)`, with a lower cap on the spin count (the fuzz harness).
    package static func decrypt(_ bytes: [UInt8], password: () throws -> String?, maxSpinCount: Int) throws -> [UInt8] {
        let file: CompoundFile
        let infoStream: [UInt8]?, packageStream: [UInt8]?
        do {
            file = try CompoundFile(bytes)
            if try file.allPaths().contains(where: { $0.contains(where: { $0.lowercased().contains("drm") }) }) {
                throw OfficeCryptoErrors.unsupported(.rightsManagement)
            }
            infoStream = try file.stream(["EncryptionInfo"])
            packageStream = try file.stream(["EncryptedPackage"])
            if infoStream == nil && packageStream == nil {
                if let workbook = try file.stream(["Workbook"]) ?? file.stream(["Book"]) {
                    if let scheme = legacyEncryption(workbook) { throw OfficeCryptoErrors.unsupported(scheme) }
                    throw OfficeCryptoErrors.oldWorkbook()
                }
                throw OfficeCryptoErrors.notAWorkbook()
            }
        } catch let damage as CompoundFile.Damage {
            throw OfficeCryptoErrors.damaged(damage.detail)
        }
        guard let infoStream, let packageStream else {
            throw OfficeCryptoErrors.damaged(infoStream == nil ? "EncryptionInfo is missing" : "EncryptedPackage is missing")
        }
        let info = try EncryptionInfo.parse(infoStream)
        if case .agile(let a) = info, a.password.spinCount > maxSpinCount { throw OfficeCryptoErrors.unsupported(.spinCount(a.password.spinCount)) }
        guard let given = try password() else { throw OfficeCryptoErrors.passwordNeeded() }
        // The password as typed, then (if different) its NFC form: Excel hashes what was typed.
        var candidates = [given]
        let nfc = given.precomposedStringWithCanonicalMapping
        if nfc != given { candidates.append(nfc) }
        for candidate in candidates {
            let secret = utf16LE(candidate)
            switch info {
            case .agile(let a):
                guard let key = try AgileEncryption.unlock(a, password: secret) else { continue }
                try AgileEncryption.verifyIntegrity(a, key: key, stream: packageStream)
                return try AgileEncryption.decrypt(a, key: key, stream: packageStream)
            case .standard(let s):
                guard let key = try StandardEncryption.unlock(s, password: secret) else { continue }
                return try StandardEncryption.decrypt(s, key: key, stream: packageStream)
            }
        }
        throw OfficeCryptoErrors.wrongPassword()
    }

    /// The workbook `package` (.xlsx bytes) encrypted with `password` as Excel 2010 and later do
    /// (agile encryption: AES-256-CBC, SHA-512, an HMAC-SHA-512 integrity check), in a compound
    /// file that Excel, WPS, LibreOffice and msoffcrypto-tool open with the password. The
    /// password's strength is the caller's to check (the CLI applies the archive's rules).
    public static func encrypt(package: [UInt8], password: String, spinCount: Int = defaultSpinCount) throws -> [UInt8] {
        guard password.utf16.count <= maxPasswordLength else { throw OfficeCryptoErrors.passwordTooLong() }
        guard !password.isEmpty else { throw CryptoError.invalidParameter("empty workbook password") }
        let secret = utf16LE(password.precomposedStringWithCanonicalMapping)
        let (info, stream) = try AgileEncryption.encrypt(package: package, password: secret, spinCount: spinCount)
        return CompoundFileWriter.write(DataSpaces.directory(encryptionInfo: info, encryptedPackage: stream))
    }

    /// A password as Office hashes it: UTF-16 little-endian, in wipeable storage.
    static func utf16LE(_ password: String) -> SecureBytes {
        let units = Array(password.utf16)
        return SecureBytes(count: units.count * 2) { buffer in
            for (i, u) in units.enumerated() {
                buffer[2 * i] = UInt8(u & 0xFF)
                buffer[2 * i + 1] = UInt8(u >> 8)
            }
        }
    }

    /// The encryption of an old .xls workbook stream (BIFF8), from its `FILEPASS` record among
    /// the first records ([MS-XLS] §2.4.117): XOR obfuscation or RC4; nil when there is none.
    static func legacyEncryption(_ workbook: [UInt8]) -> OfficeCryptoErrors.Scheme? {
        var offset = 0
        for _ in 0..<512 {
            guard offset + 4 <= workbook.count else { return nil }
            let type = CompoundFile.u16(workbook, offset), length = Int(CompoundFile.u16(workbook, offset + 2))
            if type == 0x002F {
                guard offset + 6 <= workbook.count else { return .rc4 }
                return CompoundFile.u16(workbook, offset + 4) == 0 ? .xor : .rc4
            }
            if type == 0x000A { return nil }  // EOF of the globals
            offset += 4 + length
        }
        return nil
    }
}
