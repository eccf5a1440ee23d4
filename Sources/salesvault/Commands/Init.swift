import ArgumentParser
import Department
import VaultFormat

struct Init: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new encrypted archive protected by a password you choose.",
        discussion: """
            The password is asked twice on the terminal (or read with --password-file /
            --password-fd). It must be at least 10 characters (Chinese characters count
            double), not a well-known password, and not your name. The scrypt cost is
            calibrated on this machine (about 0.5–1 s).

            EXAMPLES
              salesvault init zhangwei.svault --owner 张伟
              salesvault init test.svault --owner Test --password-file pw.txt --insecure-kdf-cost 10
              salesvault init --department 华东销售部 --owner 张伟   (archives/张伟.svault, with escrow)
            """)

    @Argument(help: "The archive file to create (it must not exist; default with --department: archives/OWNER.svault).")
    var archive: String?

    @Option(name: [.customShort("d"), .long], help: ArgumentHelp("Create the archive in this department: escrow slots for its managers, its administrator key pinned.", valueName: "dir"))
    var department: String?

    @Option(name: .long, help: "The salesperson who owns the archive (shown by status and compliance checks).")
    var owner: String

    @Option(name: .long, help: ArgumentHelp("With --department: the administrator's fingerprint, as your administrator told you (spaces optional); without a terminal it is required.", valueName: "fingerprint"))
    var adminFingerprint: String?

    @OptionGroup var password: PasswordOptions
    @OptionGroup var kdf: KDFOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if archive == nil && department == nil { throw ValidationError("give the archive file, or --department DIR") }
        if adminFingerprint != nil && department == nil { throw ValidationError("--admin-fingerprint goes with --department DIR") }
        if let f = adminFingerprint, f.allSatisfy(\.isWhitespace) {  // (it was compared, exit 4: helper-164)
            throw ValidationError("--admin-fingerprint is empty; give the fingerprint your administrator read to you by phone")
        }
        if Terminal.cell(owner) != owner {  // the owner is shown by status, compliance and escrow: no terminal controls
            throw ValidationError("--owner must not contain control, tab, line-break, bidi or zero-width characters")
        }
        // The owner names the archive file in a department: no path, no hidden file, no option.
        do { try PersonName.check(owner.precomposedStringWithCanonicalMapping) } catch let e as DepartmentError {
            throw ValidationError("--owner: " + L(e.reason, e.reasonZH).text)
        }
    }

    func execute() throws {
        let owner = self.owner.precomposedStringWithCanonicalMapping  // NFC everywhere (DEPARTMENT.md §3.1)
        var plan: Vault.EscrowPlan?
        var registry: Registry?
        if let department {
            let r = try Registry.load(directory: department)
            guard r.salespeople.contains(where: { $0.name == owner }) else {
                throw CLIError(.failure, L("\(owner) is not registered in the department \(r.name)", "\(owner) 未在部门 \(r.name) 登记"),
                               hint: L("ask the administrator: salesvault dept add-salesperson \(department) \(owner)", "请联系管理员运行：salesvault dept add-salesperson \(department) \(owner)"))
            }
            guard !r.managers.isEmpty else {
                throw CLIError(.failure, L("the department has no managers yet, so nobody could recover this archive", "部门尚无经理，档案将无人可以恢复"),
                               hint: L("ask the administrator to add the managers first (salesvault dept add-manager)", "请先让管理员添加经理（salesvault dept add-manager）"))
            }
            try confirmAdministrator(r, department: department)
            plan = try r.escrowPlan()
            registry = r
        }
        let archive = self.archive ?? Layout(department!).archive(of: owner)
        let secret = try PasswordInput.read(
            file: password.passwordFile, fd: password.passwordFd,
            prompt: L("Choose a password for \(archive): ", "为 \(archive) 设置密码："), confirm: true)
        try NewPasswordCheck.require(secret, owner: owner)
        let vault = try Vault.create(
            path: archive, owner: owner, password: PasswordInput.secureBytes(secret), kdf: kdf.choice, now: Clock.now, escrow: plan)
        let slot = vault.header.passwordSlot.kdf
        print(L("Created \(archive) for \(owner).", "已为 \(owner) 创建档案 \(archive)。").text)
        if let registry {
            print(L("Department \(Terminal.cell(registry.name)), administrator fingerprint \(KeyFile.fingerprint(try registry.adminPublicKey.rawRepresentation)) (pinned).",
                    "部门 \(Terminal.cell(registry.name))，管理员指纹 \(KeyFile.fingerprint(try registry.adminPublicKey.rawRepresentation))（已固定）。").text)
            let k = registry.policy.escrowThreshold
            print(k == 1 ? L("Escrow (any one of them can open it; each use is recorded and shown to you):", "托管（其中任一人可打开；每次使用都会记录并告知您）：").text
                  : L("Escrow (\(k) of them together can open it; each use is recorded and shown to you):", "托管（其中 \(k) 人共同才能打开；每次使用都会记录并告知您）：").text)
            for s in vault.header.escrowSlots {
                print("  \(Terminal.cell(s.holder.name))  \(KeyFile.fingerprint(s.holder.recipient.rawRepresentation))  " + Terminal.green(L("written and test-opened", "已写入并验证").text))
            }
            // DEPARTMENT.md §3.8: the administrator enrolls the new owner key (dept enroll).
            OwnerUnlock.requestEnrollment(vault, path: archive)
        }
        print(L("Password protection: scrypt cost 2^\(slot.logN) (\(Format.bytes(slot.memoryBytes)) of memory).",
                "密码保护：scrypt 成本 2^\(slot.logN)（内存 \(Format.bytes(slot.memoryBytes))）。").text)
        if slot.isWeak {
            print(Terminal.yellow(L("Warning: this archive uses an insecure testing cost; do not keep real data in it.",
                                    "警告：此档案使用了不安全的测试参数，请勿存放真实数据。").text))
        }
    }
}

extension Init {
    /// DEPARTMENT.md §4: before anything is created, the owner sees the department, its
    /// administrator's fingerprint and its managers, and confirms the fingerprint (compared with
    /// the administrator by phone) on the terminal or with --admin-fingerprint.
    func confirmAdministrator(_ r: Registry, department: String) throws {
        let fingerprint = KeyFile.fingerprint(try r.adminPublicKey.rawRepresentation)
        // Without a terminal and without --admin-fingerprint nothing can be confirmed: refused
        // before anything of the folder is shown, so its unconfirmed fingerprint is never printed
        // where it could be taken for a trusted one (DEPARTMENT.md §4).
        // (A usage error, as a password with no terminal to ask it on: it exited 1.)
        guard adminFingerprint != nil || Terminal.canAsk else {
            throw CLIError(.usage, L("the administrator's fingerprint must be confirmed before the archive is created, and there is no terminal to ask on; nothing was created",
                                         "创建档案前须先核对管理员的密钥指纹，但当前没有可供核对的终端（程序是在脚本或管道中运行的），无法核对。未创建任何文件"),
                           hint: L("ask your administrator by phone for the fingerprint (they see it with salesvault dept show or salesvault keys show on their key), then add --admin-fingerprint \"XXXX XXXX …\" with the fingerprint they read to you (not one copied from this folder)",
                                   "请打电话向管理员索取指纹（管理员可用 salesvault dept show 或对其密钥运行 salesvault keys show 查看），然后加上 --admin-fingerprint \"管理员念给您的完整指纹\"（不要从此文件夹中复制）"))
        }
        // A fingerprint given is compared before anything of the folder is shown, and a wrong one
        // is refused without the folder's own (it was shown twice, ready to be copied over the
        // one read out by phone: helper-163).
        let compact = { (s: String) in s.filter { !$0.isWhitespace }.uppercased() }
        if let given = adminFingerprint, compact(given) != compact(fingerprint) {
            let shown = Terminal.cell(given.trimmingCharacters(in: .whitespaces))
            throw CLIError(.damaged, L("the registry in \(department) is not signed by the administrator key \(shown) you gave; nothing was created",
                                       "部门名册（位于 \(department)）不是用您指定的管理员密钥 \(shown) 签名的，无法确认其真实性。未创建任何文件"),
                           hint: L("do not use this department folder; ask your administrator (by phone) for the fingerprint and where the department is, and do not copy a fingerprint from the folder",
                                   "请暂勿使用该部门文件夹。请打电话向管理员核实密钥指纹和部门文件夹的正确位置，切勿照抄该文件夹里显示的指纹"))
        }
        // Names and roles as one line each, controls and bidi escaped (FieldFormat.terminalSafe).
        let dept = Terminal.cell(r.name)
        Terminal.print(L("Department \(dept) (\(Terminal.cell(department))), registry serial \(r.serial).", "部门 \(dept)（\(Terminal.cell(department))），名册版本 \(r.serial)。").text)
        Terminal.print(L("Administrator fingerprint: \(fingerprint)", "管理员指纹：\(fingerprint)").text)
        Terminal.print(L("Managers who will be able to open your archive:", "将能打开您档案的经理：").text)
        for m in r.managers {
            let fp = (try? KeyFile.parseRecipient(m.recipient)).map { KeyFile.fingerprint($0.rawRepresentation) } ?? "?"
            Terminal.print("  \(Terminal.cell(Registry.nameWithRole(m.name, role: m.role, zh: Language.current == .zh)))  \(fp)")
        }
        if adminFingerprint != nil { return }  // (the same, compared above)
        guard Terminal.confirm(L("Compare this fingerprint with your administrator (by phone). Is it the same? [y/N] ", "请打电话与管理员核对此指纹。是否一致？[y/N] ")) else {
            throw CLIError(.cancelled, L("the administrator's fingerprint was not confirmed; nothing was created", "管理员指纹未获确认；未创建任何文件"),
                           hint: L("do not use this department folder until your administrator confirms its fingerprint", "在管理员确认指纹之前，请勿使用此部门文件夹"))
        }
    }
}

/// The minimum-strength rule applied to every new password, with its message.
/// A workbook password (`export --encrypt`, `report weekly --encrypt`): as strong as an archive
/// password, never the archive's own (current or recent: it is told to the recipient), and
/// typeable in Excel and WPS (no control characters).
enum WorkbookPasswordCheck {
    /// Asks for a new workbook password twice (or reads it from `file`) and checks it.
    static func ask(file: String?, archive: Vault) throws -> String {
        let secret = try PasswordInput.read(
            file: file, fd: nil,
            prompt: L("Choose the workbook's password (not the archive's; you will tell it to the recipient separately): ",
                      "请为工作簿设置打开密码（不要与档案密码相同；稍后请另行告知接收人）："),
            confirm: true, options: "--workbook-password-file FILE")
        try require(secret, archive: archive)
        return secret
    }

    /// What to tell the user about an encrypted workbook just written.
    static func note(_ shown: String) -> L {
        L("Note: \(shown) is encrypted with the workbook password you chose (AES-256); it opens in Excel, WPS or LibreOffice with that password. Tell the recipient the password separately (in person or by phone), never in the same message as the file.\n",
          "注意：\(shown) 已用您设置的打开密码加密（AES-256），在 Excel、WPS 或 LibreOffice 中输入该密码即可打开。请当面或打电话另行告知接收人密码，不要把密码和文件发在同一封邮件或同一个微信/聊天窗口里。\n")
    }

    static func require(_ password: String, archive: Vault) throws {
        try require(password, owner: archive.header.owner)
        if (try? archive.isRecentPassword(PasswordInput.secureBytes(password))) == true {
            throw CLIError(.passwordRejected, L("the workbook password is this archive's password (or a recent one): the recipient would learn it",
                                                "打开密码不能与档案密码（或最近用过的档案密码）相同，否则接收人就会知道您的档案密码"),
                           hint: L("choose a different password for the workbook and tell it to the recipient separately",
                                   "请为工作簿另设一个密码，并另行告知接收人"))
        }
    }

    /// The checks that need no archive: no control characters, and strong enough.
    static func require(_ password: String, owner: String) throws {
        guard !password.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
            throw CLIError(.passwordRejected, L("the workbook password contains control characters (tabs, line breaks, invisible characters), which Excel and WPS cannot type",
                                                "打开密码中含有制表符、换行符等不可见的控制字符，在 Excel 和 WPS 中无法输入"),
                           hint: L("remove them: use only characters you can type on the keyboard", "请去掉其中的不可见字符，只用能直接从键盘输入的字符（字母、数字、标点或汉字）"))
        }
        try NewPasswordCheck.require(password, owner: owner)
    }
}

enum NewPasswordCheck {
    static func require(_ password: String, owner: String?) throws {
        let verdict = PasswordStrength.evaluate(password, owner: owner)
        let message: L
        switch verdict {
        case .acceptable: return
        case .tooShort(let minimum):
            message = L("the password is too short (at least \(minimum) characters; Chinese characters count double)",
                        "密码太短（至少 \(minimum) 个字符，汉字按两个计）")
        case .common:
            message = L("the password is one of the most common passwords", "该密码属于最常见的密码之一")
        case .trivialPattern:
            message = L("the password is a trivial pattern (repeated or consecutive characters)", "密码过于简单（重复或连续的字符）")
        case .containsOwnerName:
            message = L("the password is the owner's name (or its pinyin or initials) with little beside it, such as digits in a row or a date",
                        "密码由档案所有人的姓名（或其拼音、拼音首字母）加上简单的数字、日期等组成，很容易被猜到")
        }
        throw CLIError(.passwordRejected, message,
                       hint: L("use a passphrase of several unrelated words, e.g. four words you will remember",
                               "建议使用由几个不相关的词组成的口令，例如四个容易记住的词"))
    }
}
