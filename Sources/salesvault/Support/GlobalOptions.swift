import ArgumentParser
import VaultFormat

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Language of messages: zh or en (default: from the locale).")
    var lang: Language?

    func apply() {
        if let lang { Language.current = lang }
    }
}

extension Language: ExpressibleByArgument {
    /// `zh`, `en`, in any case, and the ways people name them (`ZH`, `zh-CN`, `中文`: `--lang ZH`
    /// was refused in the parser's English: helper-94).
    init?(argument: String) {
        // (A locale's form too: zh_CN.UTF-8, zh-TW.)
        let word = argument.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-").prefix { $0 != "." }
        switch word {
        case "cn", "chinese", "中文", "汉语", "简体中文", "繁體中文": self = .zh
        case "english", "英文", "英语": self = .en
        default:
            if word == "zh" || word.hasPrefix("zh-") { self = .zh } else if word == "en" || word.hasPrefix("en-") { self = .en } else { return nil }
        }
    }
}

/// Where the archive's current password comes from (STYLE 21: never from argv).
struct PasswordOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the password from the first line of this file.", valueName: "file"))
    var passwordFile: String?

    @Option(name: .long, help: ArgumentHelp("Read the password from this open file descriptor.", valueName: "n"))
    var passwordFd: Int32?

    func validate() throws {
        if passwordFile != nil && passwordFd != nil {
            throw ValidationError("--password-file and --password-fd cannot be used together")
        }
    }

    func read(prompt: L) throws -> String {
        try PasswordInput.read(file: passwordFile, fd: passwordFd, prompt: prompt, confirm: false)
    }

    /// Asks for (or reads) the password of `path` and unlocks it.
    /// `askRemovals` false: the command shows and asks about removed managers itself (`escrow update`).
    /// `rekeyFollows`: the command rekeys (`rekey`): a data key said due is not said (helper-197).
    func unlock(_ path: String, access: Vault.Access = .readOnly, remindAlways: Bool = false, askRemovals: Bool = true, rekeyFollows: Bool = false) throws -> Vault {
        let secret = try read(prompt: L("Password for \(path): ", "\(path) 的密码："))
        let vault = try Vault.open(path: path, password: PasswordInput.secureBytes(secret), access: access)
        OwnerUnlock.warnIfAltered(vault, path: path)
        if vault.unfinishedBytes > 0 {
            // FORMAT.md §7 step 5: bytes after what the header commits are reported, never ignored
            // (an interrupted save, or an older header put back over a newer body).
            Terminal.stderr(Terminal.yellow(L("warning: \(path) has \(vault.unfinishedBytes) bytes after the \(vault.header.recordCount) records its header commits (an interrupted save, or an older header put back); they are not shown. Run: salesvault repair \(path) (it keeps a full backup)",
                                              "警告：\(path) 中，档案头登记的 \(vault.header.recordCount) 条记录之后还有 \(vault.unfinishedBytes) 字节未登记的数据（可能是保存中断，或档案头被换成了旧版本），这部分内容不会显示。请运行：salesvault repair \(path)（修复前会先完整备份）").text) + "\n")
        }
        try OwnerUnlock.after(vault, path: path, remindAlways: remindAlways, askRemovals: askRemovals, rekeyFollows: rekeyFollows)
        return vault
    }
}

/// Options for choosing a new password.
struct NewPasswordOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the new password from the first line of this file.", valueName: "file"))
    var newPasswordFile: String?

    @Option(name: .long, help: ArgumentHelp("Read the new password from this open file descriptor.", valueName: "n"))
    var newPasswordFd: Int32?

    func validate() throws {
        if newPasswordFile != nil && newPasswordFd != nil {
            throw ValidationError("--new-password-file and --new-password-fd cannot be used together")
        }
    }
}

/// The scrypt cost of a new password slot.
struct KDFOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "INSECURE, for tests and demos only: scrypt cost 2^N (N from 10 to 16) instead of calibrating on this machine. `status` then reports the archive as weak.",
            valueName: "N"))
    var insecureKdfCost: Int?

    func validate() throws {
        if let n = insecureKdfCost, !(10...16).contains(n) {
            throw ValidationError("--insecure-kdf-cost takes a value from 10 to 16")
        }
    }

    var choice: KDFParameters.Choice {
        insecureKdfCost.map { .insecureForTesting(logN: $0) } ?? .calibrated
    }
}
