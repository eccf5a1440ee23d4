import ArgumentParser
import Department
import Foundation
import VaultCrypto
import VaultFormat

/// Managers' identity files for escrow commands: `--identity KEY` (repeatable) with the
/// passphrase of each from `--passphrase-file` (in the same order) or the terminal.
struct IdentityOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A manager's key file (NAME.key, or an age-keygen identity file); repeat for shared (k-of-n) escrow.", valueName: "file"))
    var identity: [String] = []

    @Option(name: .long, help: ArgumentHelp("The passphrase of each --identity, in order, from the first line of this file.", valueName: "file"))
    var passphraseFile: [String] = []

    func load() throws -> [Curve25519.KeyAgreement.PrivateKey] {
        try identity.enumerated().map { i, path in
            let text = try KeyFile.open(try KeyFile.read(path)) { try Self.passphrase(of: path, index: i, files: passphraseFile) }
            return try KeyFile.parseIdentity(text)
        }
    }

    /// The passphrase of the `index`th --identity (`path`): the `index`th --passphrase-file, else
    /// the terminal. Without a terminal, when fewer files than identities were given, said which
    /// identity has none (it said only to use --passphrase-file, which was used: helper-164).
    static func passphrase(of path: String, index i: Int, files: [String]) throws -> SecureBytes {
        do {
            return PasswordInput.secureBytes(try PasswordInput.read(
                file: i < files.count ? files[i] : nil, fd: nil,
                prompt: L("Passphrase for \(path): ", "\(path) 的口令："), confirm: false, options: "--passphrase-file FILE"))
        } catch let e as CLIError where e.kind == .passwordSource && i >= files.count && !files.isEmpty {
            throw CLIError(.passwordSource,
                           L("\(path) (--identity number \(i + 1)) needs its passphrase too, and there is no terminal to ask for it",
                             "\(path)（第 \(i + 1) 个 --identity）也需要口令，但当前无法在终端中输入口令"),
                           hint: L("give one --passphrase-file for each --identity, in the same order: \(files.count) given for \(i + 1) or more",
                                   "请为每个 --identity 各提供一个 --passphrase-file，顺序与 --identity 相同（目前只提供了 \(files.count) 个）"))
        }
    }

    /// `load()`, refused when no --identity is given (the escrow commands need at least one).
    func loadRequired() throws -> [Curve25519.KeyAgreement.PrivateKey] {
        let keys = try load()
        guard !keys.isEmpty else {
            throw CLIError(.passwordSource, L("give your key file with --identity", "请用 --identity 指定您的密钥文件"), hint: L("e.g. --identity 李经理.key", "例如 --identity 李经理.key"))
        }
        return keys
    }
}

/// The administrator's signing key for `dept` changes.
struct AdminKeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The administrator's signing key file.", valueName: "file"))
    var adminKey: String

    @Option(name: .long, help: ArgumentHelp("Read the administrator key's passphrase from the first line of this file.", valueName: "file"))
    var adminPassphraseFile: String?

    func load() throws -> Curve25519.Signing.PrivateKey { try Self.load(adminKey, passphraseFile: adminPassphraseFile) }

    /// `option`: the option that gives the passphrase file, named when there is no terminal.
    static func load(_ adminKey: String, passphraseFile: String?, option: String = "--admin-passphrase-file") throws -> Curve25519.Signing.PrivateKey {
        let text = try KeyFile.open(try KeyFile.read(adminKey)) {
            PasswordInput.secureBytes(try PasswordInput.read(file: passphraseFile, fd: nil,
                                                             prompt: L("Passphrase for \(adminKey): ", "\(adminKey) 的口令："), confirm: false, options: option + " FILE"))
        }
        return try KeyFile.parseAdmin(text)
    }
}

extension ErrorReport {
    static func describe(_ e: DepartmentError) -> (String, String?, ExitStatus) {
        let message = L(e.reason, e.reasonZH).text
        switch e.code {
        case .forgedRegistry, .olderRegistry:
            return (message, L("do not trust this registry; ask the administrator, and restore department.json and department.sig from a backup",
                               "请勿信任此部门名册；请联系管理员，并从备份恢复 department.json 和 department.sig").text, .damaged)
        case .wrongPassphrase:
            return (message, L("check the passphrase of the key file (Caps Lock, input method)", "请检查密钥文件的口令（大写锁定、输入法）").text, .wrongPassword)
        case .malformed:
            return (message, L("check that the file is the right one", "请确认文件是否正确").text, .fileProblem)
        case .notFound, .alreadyExists:
            return (message, L("check the path or the name", "请检查路径或名称").text, .fileProblem)
        case .invalid:
            return (message, L("nothing was changed", "未做任何更改").text, .inputRefused)
        case .io:
            return (message, nil, .failure)
        case .busy:
            return (message, L("wait a minute and try again", "请稍等一分钟后重试").text, .busy)
        }
    }
}

/// The escrow plan for a new data key (`rekey`, `compromised`) from the Department, with the
/// warning the owner reads when the registry was refused (the current holders are kept).
func rekeyPlan(_ vault: Vault, path: String) throws -> Vault.EscrowPlan? {
    let result = try ArchiveDepartment.rekeyPlan(vault, path: path, override: OwnerUnlock.departmentOverride)
    if let error = result.refusedRegistry {
        Terminal.stderr(Terminal.yellow(L("warning: the department registry was refused (\(ErrorReport.describe(error).0)); the new data key is given to the same escrow holders as before",
                                          "警告：部门名册未通过校验（\(ErrorReport.describe(error).0)）；新数据密钥仍交给原有的托管持有人").text) + "\n")
    }
    if !result.departedKept.isEmpty {
        let names = result.departedKept.map { "\($0.name) (\(KeyFile.fingerprint($0.recipient.rawRepresentation)))" }.joined(separator: Language.current == .zh ? "、" : ", ")
        Terminal.stderr(Terminal.yellow(L("warning: the department removed \(names), but you have not confirmed it: they keep their access with the new data key. Run: salesvault escrow update \(path) (it shows the removal and asks), then salesvault rekey \(path)",
                                          "警告：部门已移除 \(names)，但您尚未确认此变更：新数据密钥仍保留其访问权限。请运行：salesvault escrow update \(path)（会显示该变更并请您确认），然后运行 salesvault rekey \(path)").text) + "\n")
    }
    return result.plan
}
