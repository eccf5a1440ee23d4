import ArgumentParser
import Department
import Foundation
import VaultCrypto

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Managers' escrow keys: generate, import from age-keygen, show fingerprints.",
        discussion: """
            A manager's key is an X25519 identity in age's encodings (age1… public,
            AGE-SECRET-KEY-1… secret). The secret key file is itself an age
            passphrase-encrypted file: `age -d NAME.key` prints the identity. Compare
            fingerprints by phone before adding a key to a department.

            EXAMPLES
              salesvault keys generate 李经理 --dir keys
              salesvault keys import my-age-key.txt --name 王总
              salesvault keys show keys/李经理.pub
            """,
        subcommands: [KeysGenerate.self, KeysImport.self, KeysShow.self])
}

/// Where and how a key pair is written.
struct KeyOutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Directory for NAME.key and NAME.pub (default: the current one).", valueName: "dir"))
    var dir: String = "."

    @Option(name: .long, help: ArgumentHelp("Read the new passphrase from the first line of this file (else asked twice).", valueName: "file"))
    var passphraseFile: String?

    @Option(name: .long, help: ArgumentHelp("INSECURE, for tests only: scrypt cost 2^N (10–17) for the key file instead of 2^18.", valueName: "N"))
    var insecureKdfCost: Int?

    func validate() throws {
        if let n = insecureKdfCost, !(10...17).contains(n) { throw ValidationError("--insecure-kdf-cost takes a value from 10 to 17") }
    }

    /// Writes NAME.key (encrypted identity text, 0600) and NAME.pub (0644); prints both names.
    func write(name: String, identityText: String, publicLine: String, fingerprint: String, signingKey: String) throws {
        // The name becomes two file names and is shown in terminals: the rules of manager names
        // (DEPARTMENT.md §3.1: no control, bidi or zero-width characters, no path), as dept add-manager.
        try PersonName.check(name)
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw CLIError(.failure, L("\(name) cannot be a file name", "\(name) 不能用作文件名"), hint: L("use a plain name such as 李经理", "请使用简单的名称，例如 李经理"))
        }
        let passphrase = try PasswordInput.read(file: passphraseFile, fd: nil, prompt: L("Passphrase for the new key file: ", "新密钥文件的口令："), confirm: true, options: "--passphrase-file FILE")
        try NewPasswordCheck.require(passphrase, owner: name)
        let sealed = try KeyFile.seal(identityText, passphrase: PasswordInput.secureBytes(passphrase), logN: insecureKdfCost ?? KeyFile.passphraseLogN)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let keyPath = dir + "/\(name).key"
        let pubPath = dir + "/\(name).pub"
        if FileManager.default.fileExists(atPath: pubPath) { throw DepartmentError(.alreadyExists, "\(pubPath) exists already", zh: "\(pubPath) 已存在") }
        try KeyFile.writeNew(sealed, to: keyPath, mode: 0o600)
        // The signing key as a comment: `age -R NAME.pub` still reads the file (DEPARTMENT.md §7.1).
        do { try KeyFile.writeNew(Array((publicLine + "\n" + ManagerSigningKey.pubComment + signingKey + "\n").utf8), to: pubPath, mode: 0o644) } catch {
            unlink(keyPath)
            throw error
        }
        Terminal.print(L("Secret key:  \(keyPath) (passphrase-protected; back it up, e.g. on a USB stick in a safe)",
                "私钥：\(keyPath)（受口令保护；请备份，例如存入保险柜中的 U 盘）").text)
        Terminal.print(L("Public key:  \(pubPath)", "公钥：\(pubPath)").text)
        Terminal.print("             \(publicLine)")
        Terminal.print(L("Fingerprint: \(fingerprint)", "指纹：\(fingerprint)").text)
        Terminal.print(L("Signing key: \(signingKey) (audit log; derived from this key, no other file)", "签名公钥：\(signingKey)（用于审计日志；由此密钥派生，无需另存文件）").text)
    }
}

struct KeysGenerate: VaultCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate a manager's escrow key (NAME.key and NAME.pub).")
    @Argument(help: "The manager's name (the file names).") var name: String
    @OptionGroup var output: KeyOutputOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let key = try Curve25519.KeyAgreement.PrivateKey()
        let text = KeyFile.identityText(key, created: Date(timeIntervalSince1970: TimeInterval(Clock.now)))
        try output.write(name: name, identityText: text, publicLine: AgeKeys.recipientString(key.publicKey),
                         fingerprint: KeyFile.fingerprint(key.publicKey.rawRepresentation),
                         signingKey: ManagerSigningKey.string(try ManagerSigningKey.derive(from: key).publicKey))
    }
}

struct KeysImport: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import an age-keygen identity file as a manager's escrow key.",
        discussion: """
            The file may be plain (as age-keygen writes it) or already
            passphrase-encrypted with age.
            """)
    @Argument(help: "The age identity file.") var file: String
    @Option(name: .long, help: "The manager's name (the file names).") var name: String
    @Option(name: .long, help: ArgumentHelp("Passphrase of FILE if it is encrypted.", valueName: "file")) var currentPassphraseFile: String?
    @OptionGroup var output: KeyOutputOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let text = try KeyFile.open(try KeyFile.read(file)) {
            PasswordInput.secureBytes(try PasswordInput.read(file: currentPassphraseFile, fd: nil, prompt: L("Passphrase for \(file): ", "\(file) 的口令："), confirm: false, options: "--current-passphrase-file FILE"))
        }
        let key = try KeyFile.parseIdentity(text)
        let normalized = KeyFile.identityText(key, created: Date(timeIntervalSince1970: TimeInterval(Clock.now)))
        try output.write(name: name, identityText: normalized, publicLine: AgeKeys.recipientString(key.publicKey),
                         fingerprint: KeyFile.fingerprint(key.publicKey.rawRepresentation),
                         signingKey: ManagerSigningKey.string(try ManagerSigningKey.derive(from: key).publicKey))
    }
}

struct KeysShow: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a key's public form and fingerprint (a .pub file, an age1…/svadmin1… string, or a secret key file).")
    @Argument(help: "A .pub file, a .key file, or the public key itself.") var key: String
    @Option(name: .long, help: ArgumentHelp("Passphrase of a secret key file.", valueName: "file")) var passphraseFile: String?
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let text: String
        if key.hasPrefix("age1") || key.hasPrefix("svadmin1") || key.hasPrefix("svmanager1") {
            text = key
        } else {
            text = try KeyFile.open(try KeyFile.read(key)) {
                PasswordInput.secureBytes(try PasswordInput.read(file: passphraseFile, fd: nil, prompt: L("Passphrase for \(key): ", "\(key) 的口令："), confirm: false, options: "--passphrase-file FILE"))
            }
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let (kind, publicString, raw): (L, String, [UInt8])
        if let line = lines.first, line.hasPrefix("age1") {
            let k = try KeyFile.parseRecipient(line)
            (kind, publicString, raw) = (L("manager escrow key (public)", "经理托管密钥（公钥）"), line, k.rawRepresentation)
        } else if let line = lines.first, line.hasPrefix("svmanager1") {
            let k = try ManagerSigningKey.parse(line)
            (kind, publicString, raw) = (L("manager signing key (audit log, public)", "经理签名公钥（审计日志）"), line, k.rawRepresentation)
        } else if let line = lines.first, line.hasPrefix("svadmin1") {
            let k = try KeyFile.parseAdminPublic(line)
            (kind, publicString, raw) = (L("administrator signing key (public)", "管理员签名密钥（公钥）"), line, k.rawRepresentation)
        } else if lines.contains(where: { $0.hasPrefix("AGE-SECRET-KEY-1") }) {
            let k = try KeyFile.parseIdentity(text)
            (kind, publicString, raw) = (L("manager escrow key (secret)", "经理托管密钥（私钥）"), AgeKeys.recipientString(k.publicKey), k.publicKey.rawRepresentation)
        } else {
            let k = try KeyFile.parseAdmin(text)
            (kind, publicString, raw) = (L("administrator signing key (secret)", "管理员签名密钥（私钥）"), KeyFile.adminPublicString(k.publicKey), k.publicKey.rawRepresentation)
        }
        Terminal.print(L("Kind:        ", "类型：").text + kind.text)
        Terminal.print(L("Public key:  ", "公钥：").text + publicString)
        Terminal.print(L("Fingerprint: ", "指纹：").text + KeyFile.fingerprint(raw))
        // A manager's signing key (DEPARTMENT.md §7.1): derived from a secret key, or the .pub comment.
        var signing: Curve25519.Signing.PublicKey?
        if lines.contains(where: { $0.hasPrefix("AGE-SECRET-KEY-1") }) {
            signing = try ManagerSigningKey.derive(from: KeyFile.parseIdentity(text)).publicKey
        } else if publicString.hasPrefix("age1") {
            signing = try ManagerSigningKey.parsePubFile(text).signingKey
        }
        if let signing {
            Terminal.print(L("Signing key: ", "签名公钥：").text + ManagerSigningKey.string(signing) + "  " + KeyFile.fingerprint(signing.rawRepresentation))
        }
    }
}
