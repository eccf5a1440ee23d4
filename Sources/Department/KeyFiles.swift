import Foundation
import VaultCrypto

/// Key files (DEPARTMENT.md §2): managers' X25519 identities in age's encodings and the
/// administrator's Ed25519 signing key, each secret file an age passphrase-encrypted file.
public enum KeyFile {
    /// The scrypt work factor of key files written here (age's default).
    public static let passphraseLogN = 18
    public static let adminPublicHRP = "svadmin"
    public static let adminSecretHRP = "svadmin-secret-key-"
    /// An archive owner's Ed25519 public key (FORMAT.md §5.6) in the registry (DEPARTMENT.md §3.1).
    public static let ownerPublicHRP = "svowner"
    static let ageIntro = Array("age-encryption.org/v1\n".utf8)

    // MARK: Fingerprints

    /// Eight groups of four hex digits: SHA-256("SalesVault fingerprint v1" ‖ key), first 16 bytes.
    public static func fingerprint(_ publicKey: [UInt8]) -> String {
        let digest = (try? SHA256.hash(Array("SalesVault fingerprint v1".utf8) + publicKey)) ?? []
        let hex = digest.prefix(16).map { String(format: "%02X", $0) }.joined()
        return stride(from: 0, to: hex.count, by: 4).map { i -> String in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return String(hex[start..<hex.index(start, offsetBy: 4)])
        }.joined(separator: " ")
    }

    // MARK: Text forms

    /// What `age-keygen` writes, for a manager's identity.
    public static func identityText(_ key: Curve25519.KeyAgreement.PrivateKey, created: Date) -> String {
        "# created: \(rfc3339(created))\n# public key: \(AgeKeys.recipientString(key.publicKey))\n\(AgeKeys.identityString(key))\n"
    }

    /// The administrator's signing key in the same style.
    public static func adminText(_ key: Curve25519.Signing.PrivateKey, created: Date) -> String {
        let secret = Bech32.encode(hrp: adminSecretHRP, data: key.rawRepresentation.bytes, uppercase: true)
        return "# created: \(rfc3339(created))\n# SalesVault department administrator signing key\n# public key: \(adminPublicString(key.publicKey))\n\(secret)\n"
    }

    public static func adminPublicString(_ key: Curve25519.Signing.PublicKey) -> String {
        Bech32.encode(hrp: adminPublicHRP, data: key.rawRepresentation)
    }

    public static func parseAdminPublic(_ text: String) throws -> Curve25519.Signing.PublicKey {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.hasPrefix("svadmin1"), let decoded = try? Bech32.decode(t), decoded.hrp == adminPublicHRP, decoded.data.count == 32,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: decoded.data)
        else { throw DepartmentError(.malformed, "not an administrator public key (svadmin1…): \(t.prefix(20))", zh: "不是管理员公钥（svadmin1…）：\(t.prefix(20))") }
        return key
    }

    /// `svowner1…`: an owner key as the registry and the enrollment requests write it.
    public static func ownerKeyString(_ raw: [UInt8]) -> String { Bech32.encode(hrp: ownerPublicHRP, data: raw) }

    /// The 32 bytes of an `svowner1…` key.
    public static func parseOwnerKey(_ text: String) throws -> [UInt8] {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.hasPrefix("svowner1"), let decoded = try? Bech32.decode(t), decoded.hrp == ownerPublicHRP, decoded.data.count == 32,
              (try? Curve25519.Signing.PublicKey(rawRepresentation: decoded.data)) != nil
        else { throw DepartmentError(.malformed, "not an owner signing key (svowner1…): \(t.prefix(20))", zh: "不是档案所有人的签名公钥（svowner1…）：\(t.prefix(20))") }
        // FORMAT.md §5.6: a small-order or non-canonical key verifies forged signatures.
        guard !Curve25519.Signing.isWeakPointEncoding(decoded.data) else {
            throw DepartmentError(.malformed, "a weak owner signing key (a point of small order, or not canonical), refused: \(t.prefix(20))",
                                  zh: "档案所有人的签名公钥强度不足（小阶点或非规范编码），已拒绝：\(t.prefix(20))")
        }
        return decoded.data
    }

    public static func parseRecipient(_ text: String) throws -> Curve25519.KeyAgreement.PublicKey {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        do { return try AgeKeys.parseRecipient(t) } catch {
            throw DepartmentError(.malformed, "not an age public key (age1…): \(t.prefix(20))", zh: "不是 age 公钥（age1…）：\(t.prefix(20))")
        }
    }

    /// The one secret key line of an identity text; comments and blank lines are ignored, and a
    /// `# public key:` comment must match.
    static func secretLine(_ text: String, prefix: String, what: String) throws -> (line: String, publicComment: String?) {
        var secrets: [String] = []
        var publicComment: String?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                if line.hasPrefix("# public key:") { publicComment = line.dropFirst("# public key:".count).trimmingCharacters(in: .whitespaces) }
                continue
            }
            secrets.append(line)
        }
        let keyLines = secrets.filter { $0.hasPrefix(prefix) }.count
        // A public key given where the secret one is needed (a manager's .pub as --identity):
        // named as such (it said only that no secret key line was there: helper-154).
        if keyLines == 0, secrets.count == 1, secrets[0].hasPrefix("age1") {
            throw DepartmentError(.malformed, "this is a public key (\(secrets[0].prefix(12))…), not a secret key: give the secret key file (\(prefix)…), e.g. the manager's .key file, not the .pub",
                                  zh: "这是公钥（\(secrets[0].prefix(12))…），不是私钥：请改用以 \(prefix) 开头的私钥文件（例如经理本人的 .key 文件，而不是 .pub 文件）")
        }
        guard secrets.count == 1, keyLines == 1 else {
            throw DepartmentError(.malformed, keyLines == 0
                                  ? "this is not a key file: no \(what) line (\(prefix)…) in it"
                                  : "expected exactly one \(what) line (\(prefix)…), found \(keyLines) of them and \(secrets.count - keyLines) other \(secrets.count - keyLines == 1 ? "line" : "lines")",
                                  zh: keyLines == 0 ? "这不是密钥文件：其中没有以 \(prefix) 开头的密钥行"
                                  : "密钥文件应当只有一行以 \(prefix) 开头的密钥，实际有 \(keyLines) 行密钥和 \(secrets.count - keyLines) 行其他内容")
        }
        return (secrets[0], publicComment)
    }

    public static func parseIdentity(_ text: String) throws -> Curve25519.KeyAgreement.PrivateKey {
        let (line, comment) = try secretLine(text, prefix: "AGE-SECRET-KEY-1", what: "age secret key")
        let key: Curve25519.KeyAgreement.PrivateKey
        do { key = try AgeKeys.parseIdentity(line) } catch {
            throw DepartmentError(.malformed, "the age secret key line is damaged (a character changed, added or missing): use your backup copy of the key file",
                                  zh: "age 私钥行已损坏（有字符被改动、多出或缺失），请改用密钥文件的备份副本")
        }
        if let comment, comment != AgeKeys.recipientString(key.publicKey) {
            throw DepartmentError(.malformed, "the key file's public key comment does not match its secret key", zh: "密钥文件中的公钥注释与私钥不符")
        }
        return key
    }

    /// Every X25519 key of an identity text: a manager's key file (one key, whose `# public
    /// key:` comment must match) or an age identity file (`AGE-SECRET-KEY-1…` lines, `#`
    /// comments and blank lines ignored), as `age -i` reads it.
    public static func parseIdentities(_ text: String) throws -> [Curve25519.KeyAgreement.PrivateKey] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        if lines.count == 1 { return [try parseIdentity(text)] }
        guard !lines.isEmpty else {
            throw DepartmentError(.malformed, "the key file holds no age secret key (AGE-SECRET-KEY-1…)", zh: "密钥文件中没有 age 私钥（AGE-SECRET-KEY-1…）")
        }
        return try lines.map { line in
            do { return try AgeKeys.parseIdentity(line) } catch {
                throw DepartmentError(.malformed, "not an age identity file: a line is not an age secret key (AGE-SECRET-KEY-1…)",
                                      zh: "不是 age 身份文件：有一行不是 age 私钥（AGE-SECRET-KEY-1…）")
            }
        }
    }

    public static func parseAdmin(_ text: String) throws -> Curve25519.Signing.PrivateKey {
        let (line, comment) = try secretLine(text, prefix: "SVADMIN-SECRET-KEY-1", what: "administrator secret key")
        guard let decoded = try? Bech32.decode(line), decoded.hrp == adminSecretHRP, decoded.data.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: decoded.data)
        else { throw DepartmentError(.malformed, "the administrator secret key does not decode", zh: "管理员私钥无法解码") }
        if let comment, comment != adminPublicString(key.publicKey) {
            throw DepartmentError(.malformed, "the key file's public key comment does not match its secret key", zh: "密钥文件中的公钥注释与私钥不符")
        }
        return key
    }

    // MARK: Passphrase protection (an age scrypt file)

    public static func isEncrypted(_ bytes: [UInt8]) -> Bool { bytes.starts(with: ageIntro) }

    public static func seal(_ text: String, passphrase: SecureBytes, logN: Int = passphraseLogN) throws -> [UInt8] {
        try AgeFile.encrypt(Array(text.utf8), to: [.scrypt(passphrase: passphrase, logN: logN)])
    }

    /// The plaintext of a key file: decrypted with `passphrase` when it is an age file.
    public static func open(_ bytes: [UInt8], passphrase: () throws -> SecureBytes) throws -> String {
        guard isEncrypted(bytes) else { return String(decoding: bytes, as: UTF8.self) }
        let plaintext: [UInt8]
        do { plaintext = try AgeFile.decrypt(bytes, with: [.passphrase(try passphrase())]) } catch let e as AgeFile.Failure {
            switch e {
            case .noMatchingIdentity, .headerMACMismatch:
                throw DepartmentError(.wrongPassphrase, "the passphrase does not open this key file", zh: "口令无法打开此密钥文件")
            case .scryptWorkFactorTooHigh(let n) where n <= AgeFile.defaultMaxLogN:
                // A cost within what is accepted that the KDF still refused: its memory (a tight
                // `ulimit -v`), not the key file, which a black-box sweep was told was invalid.
                let mb = Scrypt.memoryRequired(logN: n, r: 8, p: 1) >> 20
                throw DepartmentError(.io, "not enough memory to open the key file: its passphrase protection (scrypt 2^\(n)) needs about \(mb) MB; raise the memory limit (ulimit -v) or close other programs, and try again",
                                      zh: "内存不足，无法打开密钥文件：解开其口令保护（scrypt 2^\(n)）约需 \(mb) MB 内存。请提高内存上限（ulimit -v）或关闭其他程序后重试。")
            // (In words, not the library's case names: `(payloadDamaged)` was shown: helper-154.)
            case .headerTruncated, .missingPayloadNonce, .truncatedChunk, .missingFinalChunk:
                throw DepartmentError(.malformed, "the key file is cut short (truncated): use your backup copy of it",
                                      zh: "密钥文件不完整（被截断），请改用它的备份副本")
            default:
                throw DepartmentError(.malformed, "the key file is damaged (its passphrase protection or content was altered): use your backup copy of it",
                                      zh: "密钥文件已损坏（口令保护部分或内容被改动），请改用它的备份副本")
            }
        }
        return String(decoding: plaintext, as: UTF8.self)
    }

    // MARK: Files

    /// Writes `bytes` to a new file (never over an existing one) with `mode`, durably.
    /// Writes `bytes` to a new file at `path` (never over an existing one) and syncs it.
    /// `shownAs`: the name errors give (the file a temporary one becomes), with the cause in
    /// both languages (a full disk said so, not only "cannot write": helper-103).
    public static func writeNew(_ bytes: [UInt8], to path: String, mode: mode_t, shownAs shown: String? = nil) throws {
        let name = shown ?? path
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            if errno == EEXIST { throw DepartmentError(.alreadyExists, "\(path) exists already", zh: "\(path) 已存在") }
            throw DepartmentError.system(errno, "cannot create \(name)", zh: "无法创建 \(name)")
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let err: Int32 = written < 0 ? errno : written != bytes.count ? ENOSPC : fsync(fd) != 0 ? errno : 0
        guard err == 0 else {
            unlink(path)
            throw DepartmentError.system(err, "cannot write \(name)", zh: "无法写入 \(name)")
        }
    }

    public static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DepartmentError(.notFound, "cannot read \(path)", zh: "无法读取 \(path)")
        }
        return [UInt8](data)
    }

    static func rfc3339(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
