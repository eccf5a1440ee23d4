import ArgumentParser
import Department
import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

struct DeptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dept",
        abstract: "The department: a signed registry of managers (escrow holders), salespeople and policy.",
        discussion: """
            department.json is signed by the administrator's Ed25519 key (department.sig);
            every change is re-signed. Archives pin that key when they are created and
            refuse a registry it did not sign.

            EXAMPLES
              salesvault dept init 华东销售部 --name 华东区销售部 --admin-key admin.key
              salesvault dept add-manager 华东销售部 李经理 --pub keys/李经理.pub --role "department manager" --admin-key admin.key
              salesvault dept add-salesperson 华东销售部 张伟 --admin-key admin.key
              salesvault dept policy 华东销售部 --threshold 2 --admin-key admin.key
              salesvault dept enroll 华东销售部 张伟 --admin-key admin.key
              salesvault dept show 华东销售部
              salesvault dept rotate-admin 华东销售部 --admin-key admin.key --new-admin-key admin-2027.key
            """,
        subcommands: [DeptInit.self, DeptAddManager.self, DeptRemoveManager.self, DeptSetSigningKey.self, DeptAddSalesperson.self, DeptPolicy.self,
                      DeptEnroll.self, DeptShow.self, DeptAudit.self, DeptRotateAdmin.self])
}

/// Loads, changes, re-signs and saves the registry, then shows it.
private func change(_ directory: String, admin: AdminKeyOptions, _ edit: (inout Registry) throws -> L) throws {
    let signer = try admin.load()
    var message = L("", "")
    let change = try Registry.change(directory: directory, signer: signer, now: Clock.now, seen: SeenRegistries.path(forAdminKey: admin.adminKey)) {
        message = try edit(&$0)
    }
    let registry = change.registry
    if change.recoveredFromInterruptedSave {
        Terminal.stderr(Terminal.yellow(L("department.json was not signed (the last change was interrupted); this change started again from the last signed registry. Check the managers below.",
                                          "department.json 未签名（上次修改被中断）；本次修改已从上一版已签名的部门名册重新开始。请核对下列经理。").text) + "\n")
    }
    Terminal.print(message.text)
    let managers = registry.managers.map { m -> String in
        let fp = (try? KeyFile.parseRecipient(m.recipient)).map { KeyFile.fingerprint($0.rawRepresentation) } ?? "?"
        return "  \(Terminal.cell(Registry.nameWithRole(m.name, role: m.role, zh: Language.current == .zh)))  \(fp)"
    }
    Terminal.print(L("Managers (escrow holders) now:", "当前经理（托管持有人）：").text)
    for line in managers { Terminal.print(line) }
    Terminal.print(L("Registry signed (serial \(registry.serial)).", "部门名册已签名（版本 \(registry.serial)）。").text)
}

struct DeptInit: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a department directory, and the administrator's signing key if the file does not exist.")
    @Argument(help: "The department directory to create.") var directory: String
    @Option(name: .long, help: "The department's name.") var name: String
    @OptionGroup var admin: AdminKeyOptions
    @Option(name: .long, help: ArgumentHelp("INSECURE, for tests only: scrypt cost 2^N (10–17) for a new admin key file.", valueName: "N"))
    var insecureKdfCost: Int?
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let layout = Layout(directory)
        guard !FileManager.default.fileExists(atPath: layout.registry) else {
            throw DepartmentError(.alreadyExists, "\(layout.registry) exists already", zh: "\(layout.registry) 已存在")
        }
        // A file where the department's folder belongs: said before a new administrator key is
        // written (helper-105: the key was left behind by the failed init).
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), !isFolder.boolValue {
            throw DepartmentError(.alreadyExists, "\(directory) exists already and is not a folder; nothing was created",
                                  zh: "“\(directory)”已存在，且不是文件夹；未创建任何内容")
        }
        let newKey = !FileManager.default.fileExists(atPath: admin.adminKey)
        let seen = SeenRegistries.path(forAdminKey: admin.adminKey)
        let hadSeen = FileManager.default.fileExists(atPath: seen)
        let signer = try adminKeyOrNew(path: admin.adminKey, passphraseFile: admin.adminPassphraseFile, option: "--admin-passphrase-file", insecureKdfCost: insecureKdfCost)
        do {
            try Registry.create(directory: directory, name: name, signer: signer, now: Clock.now, seen: seen)
        } catch {
            // Nothing of the department is left (`Registry.create` took it away): a key this run
            // made signs nothing, and is taken away too (helper-105: the failed run left one).
            if newKey && !FileManager.default.fileExists(atPath: layout.registry) {
                unlink(admin.adminKey)
                if !hadSeen { unlink(seen) }
                Terminal.stderr(L("The new administrator key \(admin.adminKey) was removed again: the department was not created.",
                                  "部门创建失败，刚生成的管理员密钥 \(admin.adminKey) 也已删除。").text + "\n")
            }
            throw error
        }
        if newKey { sayNewAdminKey(admin.adminKey) }
        Terminal.print(L("Created the department \(name) in \(directory).", "已在 \(directory) 创建部门 \(name)。").text)
        Terminal.print(L("Administrator fingerprint: \(KeyFile.fingerprint(signer.publicKey.rawRepresentation))",
                "管理员指纹：\(KeyFile.fingerprint(signer.publicKey.rawRepresentation))").text)
    }
}

/// The administrator key in `path`, or a new one written there (passphrase-protected) when the
/// file does not exist (`dept init`, `dept rotate-admin`).
private func adminKeyOrNew(path: String, passphraseFile: String?, option: String, insecureKdfCost: Int?) throws -> Curve25519.Signing.PrivateKey {
    if FileManager.default.fileExists(atPath: path) {
        return try AdminKeyOptions.load(path, passphraseFile: passphraseFile, option: option)
    }
    let signer = try Curve25519.Signing.PrivateKey()
    let passphrase = try PasswordInput.read(file: passphraseFile, fd: nil,
                                            prompt: L("Passphrase for the new administrator key: ", "新管理员密钥的口令："), confirm: true, options: option + " FILE")
    try NewPasswordCheck.require(passphrase, owner: nil)
    let text = KeyFile.adminText(signer, created: Date(timeIntervalSince1970: TimeInterval(Clock.now)))
    try KeyFile.writeNew(try KeyFile.seal(text, passphrase: PasswordInput.secureBytes(passphrase), logN: insecureKdfCost ?? KeyFile.passphraseLogN),
                         to: path, mode: 0o600)
    return signer
}

/// Said once the command that made a new administrator key has done its work (helper-106: said
/// before a `dept init` that then failed and took the key away).
private func sayNewAdminKey(_ path: String) {
    Terminal.print(L("Administrator key: \(path) (passphrase-protected; keep it away from the department directory)",
                     "管理员密钥：\(path)（受口令保护；请勿与部门目录放在一起）").text)
}

struct DeptRotateAdmin: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-admin", abstract: "Hand the department over to a new administrator key (signed by the current one).",
        discussion: """
            The current key (--admin-key) signs a statement naming the new key
            (--new-admin-key, created when the file does not exist) and the serial from
            which it signs; the registry's next version carries the statement and is
            signed by the new key. Archives that trust the current key follow the
            statement: each shows the new fingerprint to its owner and pins it at the
            owner's next change. From then on the old key signs nothing the department's
            archives accept: keep it offline or destroy it. A key that may have been
            stolen is not revoked by this (DEPARTMENT.md §3.7).
            """)
    @Argument(help: "The department directory.") var directory: String
    @OptionGroup var admin: AdminKeyOptions
    @Option(name: .long, help: ArgumentHelp("The new administrator key file (created if it does not exist).", valueName: "file"))
    var newAdminKey: String
    @Option(name: .long, help: ArgumentHelp("Read the new administrator key's passphrase from the first line of this file.", valueName: "file"))
    var newAdminPassphraseFile: String?
    @Option(name: .long, help: ArgumentHelp("INSECURE, for tests only: scrypt cost 2^N (10–17) for a new admin key file.", valueName: "N"))
    var insecureKdfCost: Int?
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let old = try admin.load()
        // The department's registry is checked before a new key file is written.
        let current = try Registry.loadForChange(directory: directory).registry
        guard current.adminKey == KeyFile.adminPublicString(old.publicKey) else {
            throw DepartmentError(.forgedRegistry, "\(admin.adminKey) is not the department's administrator key (\(KeyFile.fingerprint(old.publicKey.rawRepresentation))); only the current key can hand it over",
                                  zh: "\(admin.adminKey) 不是本部门的管理员密钥（\(KeyFile.fingerprint(old.publicKey.rawRepresentation))），只有现任管理员密钥才能交接")
        }
        let newKey = !FileManager.default.fileExists(atPath: newAdminKey)
        let new = try adminKeyOrNew(path: newAdminKey, passphraseFile: newAdminPassphraseFile, option: "--new-admin-passphrase-file", insecureKdfCost: insecureKdfCost)
        if newKey { sayNewAdminKey(newAdminKey) }  // (kept whatever follows: the registry may already trust it)
        let change = try Registry.rotateAdmin(directory: directory, old: old, new: new, now: Clock.now,
                                              seenOld: SeenRegistries.path(forAdminKey: admin.adminKey), seenNew: SeenRegistries.path(forAdminKey: newAdminKey))
        let (from, to) = (KeyFile.fingerprint(old.publicKey.rawRepresentation), KeyFile.fingerprint(new.publicKey.rawRepresentation))
        Terminal.print(L("The department \(change.registry.name) is now signed by the new administrator key \(to) (from serial \(change.registry.serial)); the old key \(from) signed the hand-over.",
                         "部门 \(change.registry.name) 自版本 \(change.registry.serial) 起由新管理员密钥 \(to) 签名；原密钥 \(from) 已签署交接声明。").text)
        Terminal.print(L("Tell the salespeople the new fingerprint: their archives show it and pin it at their next change. Keep the old key offline or destroy it; use \(newAdminKey) from now on.",
                         "请把新指纹告知各销售人员：其档案会显示新指纹，并在下次修改时改为信任新密钥。请将原密钥离线保存或销毁，今后使用 \(newAdminKey)。").text)
    }
}

struct DeptAddManager: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-manager", abstract: "Add a manager who can open archives through escrow.",
        discussion: """
            Archives give the new manager access at their owner's next `salesvault
            escrow update` (never silently).
            """)
    @Argument(help: "The department directory.") var directory: String
    @Argument(help: "The manager's name.") var name: String
    @Option(name: .long, help: ArgumentHelp("The manager's public key file (NAME.pub).", valueName: "file")) var pub: String?
    @Option(name: .long, help: ArgumentHelp("The manager's public key (age1…).", valueName: "age1…")) var recipient: String?
    @Option(name: .long, help: "The manager's role, e.g. \"department manager\" or \"general manager\".") var role: String = "manager"
    @Option(name: .long, help: ArgumentHelp("The manager's audit-log signing key (svmanager1…), when the .pub file has none.", valueName: "svmanager1…"))
    var signingKey: String?
    @OptionGroup var admin: AdminKeyOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if (pub == nil) == (recipient == nil) { throw ValidationError("give exactly one of --pub FILE and --recipient age1…") }
    }

    func execute() throws {
        let parsed = try recipient.map { (try KeyFile.parseRecipient($0), nil) } ?? ManagerSigningKey.parsePubFile(String(decoding: KeyFile.read(pub!), as: UTF8.self))
        let key = parsed.0
        let given = try signingKey.map(ManagerSigningKey.parse)
        if let given, let inFile = parsed.1, given != inFile {
            throw DepartmentError(.invalid, "--signing-key differs from the signing key in \(pub ?? "")", zh: "--signing-key 与 \(pub ?? "") 中的签名公钥不一致")
        }
        let signing = given ?? parsed.1
        let recipientString = AgeKeys.recipientString(key)
        try change(directory, admin: admin) { r in
            try r.addManager(name: name, recipient: key, role: role, now: Clock.now, signingKey: signing)
            let pubPath = Layout(directory).keys + "/\(name).pub"
            let pubText = recipientString + "\n" + (signing.map { ManagerSigningKey.pubComment + ManagerSigningKey.string($0) + "\n" } ?? "")
            if !FileManager.default.fileExists(atPath: pubPath) { try KeyFile.writeNew(Array(pubText.utf8), to: pubPath, mode: 0o644) }
            let note = signing == nil ? L( " No audit-log signing key: add it with dept set-signing-key (until then this manager's escrow uses are logged but cannot be verified).",
                                          "未登记审计日志签名公钥：请用 dept set-signing-key 添加（在此之前，该经理的托管调阅虽会记入审计日志，但无法核验）。") : L("", "")
            return L("Added \(name) (\(role)), fingerprint \(KeyFile.fingerprint(key.rawRepresentation)).\(note.en)",
                     "已添加 \(Registry.nameWithRole(name, role: role, zh: true))，指纹 \(KeyFile.fingerprint(key.rawRepresentation))。\(note.zh)")
        }
    }
}

struct DeptSetSigningKey: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-signing-key", abstract: "Register a manager's audit-log signing key (from their .pub file or svmanager1…).",
        discussion: """
            For a manager added before signing keys existed: `salesvault keys show
            NAME.key` prints it.
            """)
    @Argument(help: "The department directory.") var directory: String
    @Argument(help: "The manager's name.") var name: String
    @Option(name: .long, help: ArgumentHelp("The manager's public key file (NAME.pub) with its signing-key line.", valueName: "file")) var pub: String?
    @Option(name: .long, help: ArgumentHelp("The signing key itself.", valueName: "svmanager1…")) var signingKey: String?
    @OptionGroup var admin: AdminKeyOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if (pub == nil) == (signingKey == nil) { throw ValidationError("give exactly one of --pub FILE and --signing-key svmanager1…") }
    }

    func execute() throws {
        let key: Curve25519.Signing.PublicKey
        if let signingKey {
            key = try ManagerSigningKey.parse(signingKey)
        } else {
            let parsed = try ManagerSigningKey.parsePubFile(String(decoding: KeyFile.read(pub!), as: UTF8.self))
            guard let k = parsed.signingKey else {
                throw DepartmentError(.malformed, "\(pub!) has no \"# signing key:\" line (salesvault keys show NAME.key prints the key)",
                                      zh: "\(pub!) 中没有“# signing key:”一行（可用 salesvault keys show 密钥文件 查看）")
            }
            let registry = try Registry.load(directory: directory)
            if let m = registry.managers.first(where: { $0.name == name }), m.recipient != AgeKeys.recipientString(parsed.recipient) {
                throw DepartmentError(.invalid, "\(pub!) is not \(name)'s key file (another age1… key)", zh: "\(pub!) 不是 \(name) 的公钥文件（age1… 公钥不同）")
            }
            key = k
        }
        try change(directory, admin: admin) { r in
            try r.setSigningKey(manager: name, key: key)
            return L("\(name)'s audit-log signing key: \(ManagerSigningKey.string(key)), fingerprint \(KeyFile.fingerprint(key.rawRepresentation)).",
                     "\(name) 的审计日志签名公钥：\(ManagerSigningKey.string(key))，指纹 \(KeyFile.fingerprint(key.rawRepresentation))。")
        }
    }
}

struct DeptRemoveManager: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-manager", abstract: "Remove a manager; each archive then needs a rekey (an old copy still opens with their key).")
    @Argument(help: "The department directory.") var directory: String
    @Argument(help: "The manager's name.") var name: String
    @OptionGroup var admin: AdminKeyOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        try change(directory, admin: admin) { r in
            try r.removeManager(named: name)
            return L("Removed \(name). Every archive is marked \"rekey required\" at its owner's next unlock until `salesvault rekey` runs; the compliance check shows it.",
                     "已移除 \(name)。各档案将在档案所有人下次解锁时标记为“须更换数据密钥”，直到运行 salesvault rekey 为止；合规检查会显示此状态。")
        }
    }
}

struct DeptAddSalesperson: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-salesperson", abstract: "Register a salesperson (their archive is archives/NAME.svault, created by `salesvault init --department`).")
    @Argument(help: "The department directory.") var directory: String
    @Argument(help: "The salesperson's name (the archive's owner).") var name: String
    @OptionGroup var admin: AdminKeyOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        try change(directory, admin: admin) { r in
            try r.addSalesperson(named: name, now: Clock.now)
            return L("Registered \(name); they create their archive with: salesvault init --department \(directory) --owner \(name)",
                     "已登记 \(name)；其本人可用以下命令创建档案：salesvault init --department \(directory) --owner \(name)")
        }
    }
}

struct DeptPolicy: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Set the escrow threshold and the password-rotation rule.",
        discussion: """
            --threshold 1: any one manager can open an archive alone (the default).
            --threshold 2 with two managers: both must act together (dual control).
            Rotation: reminder after --remind-days (default 90), overdue after
            --overdue-days (default 180), or --no-periodic-rotation. Days are calendar
            days in the department's time zone: --time-zone with an IANA name (default
            Asia/Shanghai), whatever the zone of the machine that runs a command.
            `salesvault unlock`: --unlock-for (default 8h, at most 24h) and --unlock-idle
            (default 15m) are both its defaults and the longest a salesperson may choose.
            --contact-a and --contact-b: after how many days without a contact A and B
            customers are listed by the agenda and the weekly report's attention list
            (default 7 and 14).

            EXAMPLES
              salesvault dept policy 华东销售部 --remind-days 90 --overdue-days 180 --admin-key admin.key
              salesvault dept policy 香港销售部 --time-zone Asia/Hong_Kong --admin-key admin.key
              salesvault dept policy 华东销售部 --unlock-for 4h --unlock-idle 10m --admin-key admin.key
              salesvault dept policy 华东销售部 --contact-a 5 --contact-b 10 --admin-key admin.key
            """)
    @Argument(help: "The department directory.") var directory: String
    @Option(name: .long, parsing: .unconditional, help: "Managers needed together to open an archive (1 = any one alone).") var threshold: Int?
    @Option(name: .long, parsing: .unconditional, help: "Days after a password change when reminders start (7–729).") var remindDays: Int?
    @Option(name: .long, parsing: .unconditional, help: "Days after a password change when it is overdue (up to 730).") var overdueDays: Int?
    @Flag(name: .long, help: "No periodic rotation (every compliance report says so).") var noPeriodicRotation = false
    @Flag(name: .long, help: "Periodic rotation again (with the days given or the defaults).") var periodicRotation = false
    @Option(name: .long, help: ArgumentHelp("The time zone the department counts days in: an IANA name such as Asia/Shanghai (the default) or Asia/Hong_Kong.", valueName: "name"))
    var timeZone: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The lowest scrypt cost 2^N an archive may have and be compliant (default and recommended 17; lower only for test departments).", valueName: "N"))
    var minKdfCost: Int?
    @Option(name: .long, help: ArgumentHelp("The manager roles that receive the weekly reports, separated by commas (default: general manager, sales director / 总经理, 销售总监).", valueName: "roles"))
    var reportRoles: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The hour on Friday (department time) the weekly report is due (default 18).", valueName: "hour"))
    var reportDueHour: Int?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The longest a salesperson may keep an archive unlocked (salesvault unlock --for), and the default: 30m, 4h (default 8h, at most 24h).", valueName: "duration"))
    var unlockFor: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The longest an unlocked archive may stay unused before it locks (salesvault unlock --idle), and the default (default 15m).", valueName: "duration"))
    var unlockIdle: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The most days an A customer may go without a contact before the agenda and the weekly report list it (default 7).", valueName: "days"))
    var contactA: Int?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The same for B customers (default 14).", valueName: "days"))
    var contactB: Int?
    @OptionGroup var admin: AdminKeyOptions
    @OptionGroup var global: GlobalOptions

    /// What the command line alone shows wrong, before the administrator's key is asked for: a
    /// due hour out of range was refused after it, as exit 8 (helper-158).
    func validate() throws {
        if let reportDueHour, !(1...24).contains(reportDueHour) {
            throw ValidationError(L("--report-due-hour takes an hour from 1 to 24 (got \(reportDueHour))", "--report-due-hour 须为 1 至 24 之间的整点（填写的是 \(reportDueHour)）").text)
        }
    }

    /// Whole minutes of a duration option (the registry keeps minutes).
    private func minutes(_ text: String?, _ option: String) throws -> Int? {
        guard let text else { return nil }
        if text.trimmingCharacters(in: .whitespaces).hasPrefix("-") {  // (-1h: below a minute, not "whole minutes")
            throw CLIError(.usage, L("\(option) must be at least 1 minute (1m); nothing was changed", "\(option) 至少为 1 分钟（1m）；未做任何更改"))
        }
        guard let seconds = AgentDuration.seconds(text), seconds % 60 == 0 else {
            throw CLIError(.usage, L("\(option) takes whole minutes, such as 10m, 4h or 1h30m; nothing was changed", "\(option) 须为整分钟数，例如 10m、4h 或 1h30m；未做任何更改"))
        }
        guard seconds >= 60 else {
            throw CLIError(.usage, L("\(option) must be at least 1 minute (1m); nothing was changed", "\(option) 至少为 1 分钟（1m）；未做任何更改"))
        }
        return Int(seconds / 60)
    }

    func execute() throws {
        let unlockMax = try minutes(unlockFor, "--unlock-for")
        let unlockIdleMinutes = try minutes(unlockIdle, "--unlock-idle")
        try change(directory, admin: admin) { r in
            // The defaults are written as no field at all (DEPARTMENT.md §3.1).
            if let unlockMax { r.policy.unlockMaxMinutes = Int64(unlockMax) * 60 == SessionLimits.defaultAbsolute ? nil : unlockMax }
            if let unlockIdleMinutes { r.policy.unlockIdleMinutes = Int64(unlockIdleMinutes) * 60 == SessionLimits.defaultIdle ? nil : unlockIdleMinutes }
            if let threshold { r.policy.escrowThreshold = threshold }
            if noPeriodicRotation { r.policy.rotation.periodic = false }
            if periodicRotation { r.policy.rotation.periodic = true }
            if let remindDays { r.policy.rotation.remindDays = remindDays }
            if let overdueDays { r.policy.rotation.overdueDays = overdueDays }
            if let timeZone {
                // The default is written as no field at all (DEPARTMENT.md §3.1); an unknown name
                // is refused by validate().
                r.policy.timeZone = timeZone == DepartmentCalendar.defaultZoneName ? nil : timeZone
            }
            if let minKdfCost { r.policy.minKDFLogN = minKdfCost == FormatV1.minScryptLogN ? nil : minKdfCost }
            if let reportRoles {
                let roles = reportRoles.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" }).map { $0.trimmingCharacters(in: .whitespaces) }
                r.policy.reportRoles = roles == Registry.defaultReportRoles ? nil : roles
            }
            if let reportDueHour { r.policy.reportDueHour = reportDueHour == Registry.defaultReportDueHour ? nil : reportDueHour }
            if let contactA { r.policy.contactDaysA = contactA == ContactIntervals.standard.a ? nil : contactA }
            if let contactB { r.policy.contactDaysB = contactB == ContactIntervals.standard.b ? nil : contactB }
            try r.validate()
            let rule = r.rotationPolicy.ruleText
            let zone = r.policy.timeZone ?? DepartmentCalendar.defaultZoneName
            let escrow = r.policy.escrowThreshold == 1 ? L("any one manager", "任一经理可单独调阅") : L("\(r.policy.escrowThreshold) managers together", "须 \(r.policy.escrowThreshold) 名经理共同调阅")
            let floor = r.policy.kdfFloor
            let weakNote = floor < FormatV1.minScryptLogN
                ? L(" Archives need a password cost of at least 2^\(floor): INSECURE, for test departments only.", "档案密码保护成本下限为 2^\(floor)：安全性不足，仅可用于测试。")
                : L("", "")
            let session = SessionLimits(policy: r.policy)
            let (most, idle) = (SessionLimits.text(session.absolute), SessionLimits.text(session.idle))
            let contact = r.contactIntervals
            // Report roles no manager has: said, since every submission is then refused (helper-194).
            let noRecipient = reportRoles != nil && r.reportRecipients.isEmpty
                ? L(" No manager has one of the report roles (\(r.reportRoles.joined(separator: ", "))): weekly reports cannot be submitted until one is added (dept add-manager … --role ROLE) or the roles name theirs.",
                    "注意：目前没有任何经理的角色是周报接收角色（\(r.reportRoles.joined(separator: "、"))）。在添加该角色的经理（salesvault dept add-manager ... --role \(r.reportRoles.first ?? "角色")）或修改周报接收角色（salesvault dept policy --report-roles）之前，销售员都无法提交周报。")
                : L("", "")
            return L("Policy: escrow by \(escrow.text); \(rule.en); days counted in \(zone); unlock for at most \(most.en), locked after \(idle.en) without use; A customers contacted at least every \(contact.a) days, B every \(contact.b).\(weakNote.en)\(noRecipient.en)",
                     "政策：\(escrow.text)；\(rule.zh)；按 \(zone) 时区计日；解锁最长 \(most.zh)，闲置 \(idle.zh)后自动锁定；A 类客户至少每 \(contact.a) 天联系一次，B 类每 \(contact.b) 天。\(weakNote.zh)\(noRecipient.zh)")
        }
    }
}

struct DeptEnroll: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll", abstract: "Enroll a salesperson's archive signing key from their request (enroll/NAME.json), after checking its fingerprint.",
        discussion: """
            The salesperson's tool writes the request when the archive is created in the
            department, and again after an escrow password reset (a new signing key).
            Compare the fingerprint shown with the one the salesperson reads from
            `salesvault status` before confirming. DEPARTMENT.md §3.8.
            """)
    @Argument(help: "The department directory.") var directory: String
    @Argument(help: "The salesperson's name (the archive's owner).") var name: String
    @Flag(name: .long, help: "Do not ask for confirmation.") var yes = false
    @OptionGroup var admin: AdminKeyOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let layout = Layout(directory)
        let person = try PersonName.normalized(name)
        let path = EnrollmentRequest.path(layout, name: person)
        guard FileManager.default.fileExists(atPath: path) else {
            throw DepartmentError(.notFound, "no enrollment request from \(person) (\(path)); it is written when \(person) creates the archive or unlocks it with a new signing key",
                                  zh: "没有 \(person) 的登记申请（\(path)）；登记申请会在 \(person) 于部门中创建档案，或以新的签名密钥解锁档案时自动生成")
        }
        let request = try EnrollmentRequest.load(path: path)
        guard request.name == person else {
            throw DepartmentError(.malformed, "\(path) is a request for \(request.name), not \(person)", zh: "\(path) 是 \(request.name) 的登记申请，不是 \(person) 的")
        }
        let fingerprint = KeyFile.fingerprint(try request.key())
        // DEPARTMENT.md §3.8: checked against the archive before anything is shown; every field
        // printed escaped (a newline cannot forge a line of this screen).
        let previous = try request.validate(layout: layout, registry: try Registry.load(directory: directory), now: Clock.now)
        Terminal.print(L("Enrollment request of \(Terminal.cell(person)): archive \(Terminal.cell(request.archiveId)), requested \(Terminal.cell(request.requestedAt))",
                         "\(Terminal.cell(person)) 的登记申请：档案编号 \(Terminal.cell(request.archiveId))，申请时间 \(Terminal.cell(shownTime(request.requestedAt)))").text)
        Terminal.print(L("Owner key fingerprint: \(fingerprint) (the key that signs archive \(Terminal.cell(request.archiveId)) now)",
                         "档案签名密钥指纹：\(fingerprint)（即当前签署档案 \(Terminal.cell(request.archiveId)) 的密钥）").text)
        if let previous, previous != (try request.key()) {
            Terminal.printPainted(Terminal.red(L("This REPLACES the key enrolled for \(Terminal.cell(person)) (fingerprint \(KeyFile.fingerprint(previous))). A new key is expected only after an escrow password reset: check with \(Terminal.cell(person)) and in the audit log (salesvault dept audit) that there was one.",
                                          "注意：此操作将替换 \(Terminal.cell(person)) 已登记的签名密钥（指纹 \(KeyFile.fingerprint(previous))）。正常情况下，只有经托管重置密码后才会出现新密钥：请与 \(Terminal.cell(person)) 核实，并在审计日志（salesvault dept audit）中确认确有这次重置。").text))
        }
        guard try Terminal.confirmOrNeedYes(L("Compare it with the fingerprint \(person) reads from `salesvault status`. Enroll? [y/N] ",
                                              "请与 \(person) 在 salesvault status 中看到的指纹核对。确认登记？[y/N] "), yes: yes,
                                            what: L("nothing was enrolled; the registry is unchanged", "未登记，部门名册未改动"),
                                            check: L("compare the fingerprint above with the one \(person) reads from salesvault status", "请先与 \(person) 核对上面的指纹（对方可用 salesvault status 查看）")) else {
            throw CLIError(.cancelled, L("not enrolled; the registry is unchanged", "未登记；部门名册未改动"))
        }
        try change(directory, admin: admin) { r in
            try request.apply(to: &r)
            return L("Enrolled the signing key of \(person) (fingerprint \(fingerprint)); compliance now checks \(person)'s archive against it.",
                     "已登记 \(person) 的签名密钥（指纹 \(fingerprint)）；今后合规检查将据此核验 \(person) 的档案。")
        }
        unlink(path)
    }
}

struct DeptShow: VaultCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the registry (after checking its signature).")
    @Argument(help: "The department directory.") var directory: String
    @Flag(name: .long, help: "Print JSON.") var json = false
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let r = try Registry.load(directory: directory)
        if json {
            print(String(decoding: try r.encoded(), as: UTF8.self), terminator: "")
            return
        }
        let zh = Language.current == .zh
        // (Full-width colons and brackets in Chinese, as every other line: helper-109, helper-110.)
        let fingerprint = KeyFile.fingerprint(try r.adminPublicKey.rawRepresentation)
        Terminal.print(zh ? "部门：\(r.name)（版本 \(r.serial)，更新于 \(shownTime(r.updatedAt))）" : "Department: \(r.name)  (serial \(r.serial), \(r.updatedAt))")
        Terminal.print(zh ? "管理员指纹：\(fingerprint)（部门信息由此密钥签名；请与管理员告知的指纹核对）"
                          : "Administrator fingerprint: \(fingerprint)  (signed by this key; compare it with your administrator's fingerprint)")
        for rot in r.adminRotations ?? [] {
            let (from, to) = ((try? KeyFile.parseAdminPublic(rot.from)).map { KeyFile.fingerprint($0.rawRepresentation) } ?? "?",
                              (try? KeyFile.parseAdminPublic(rot.to)).map { KeyFile.fingerprint($0.rawRepresentation) } ?? "?")
            Terminal.print(zh ? "  管理员密钥交接：\(from) → \(to)（自版本 \(rot.serial) 起，有原密钥签名）" : "  administrator key handed over: \(from) → \(to) (from serial \(rot.serial), signed by the old key)")
        }
        let rule = r.rotationPolicy.ruleText
        Terminal.print(zh ? "密码轮换：\(rule.zh)" : "Rotation: \(rule.en)")
        Terminal.print("\(zh ? "计日时区：" : "Days counted in: ")\(r.policy.timeZone ?? DepartmentCalendar.defaultZoneName)")
        let receivers = r.reportRecipients.map { Registry.nameWithRole($0, zh: zh) }.joined(separator: zh ? "、" : ", ")
        Terminal.print("\(zh ? "周报接收人：" : "Weekly reports to: ")\(receivers.isEmpty ? (zh ? "（无：请添加角色为 总经理 或 销售总监 的经理）" : "(none: add a manager whose role is general manager or sales director)") : receivers)"
                       + (zh ? "；每周五 \(r.reportDueHour):00 前提交" : "; due Fridays by \(r.reportDueHour):00"))
        Terminal.print("\(zh ? "密码保护成本下限：" : "Minimum password cost: ")2^\(r.policy.kdfFloor)" + (r.policy.kdfFloor < FormatV1.minScryptLogN ? (zh ? "（安全性不足，仅限测试）" : " (INSECURE, tests only)") : ""))
        let session = SessionLimits(policy: r.policy)
        let (most, idle) = (SessionLimits.text(session.absolute), SessionLimits.text(session.idle))
        Terminal.print(zh ? "解锁（会话代理）：最长 \(most.zh)，闲置 \(idle.zh)后自动锁定" : "Unlock (session agent): at most \(most.en), locked after \(idle.en) without use")
        let contact = r.contactIntervals
        Terminal.print(zh ? "客户联系间隔：A 类至少每 \(contact.a) 天联系一次，B 类每 \(contact.b) 天" : "Contact intervals: A customers at least every \(contact.a) days, B every \(contact.b)")
        let k = r.policy.escrowThreshold
        Terminal.print((zh ? "托管：" : "Escrow: ") + (k == 1 ? (zh ? "任一经理可单独调阅" : "any one manager alone") : (zh ? "须 \(k) 名经理共同调阅" : "\(k) managers together")))
        Terminal.print(zh ? "经理：" : "Managers:")
        for m in r.managers {
            let fp = (try? KeyFile.parseRecipient(m.recipient)).map { KeyFile.fingerprint($0.rawRepresentation) } ?? "?"
            Terminal.print("  \(Terminal.cell(Registry.nameWithRole(m.name, role: m.role, zh: Language.current == .zh)))  \(fp)")
            // DEPARTMENT.md §7.1: the audit-log signing key.
            let signing = (m.signingKey.flatMap { try? ManagerSigningKey.parse($0) }).map { KeyFile.fingerprint($0.rawRepresentation) }
            Terminal.print("      " + (signing.map { zh ? "审计签名：\($0)" : "audit signing key: \($0)" } ?? (zh ? "审计签名：未登记（dept set-signing-key）" : "audit signing key: none (dept set-signing-key)")))
        }
        Terminal.print(zh ? "销售人员：" : "Salespeople:")
        for s in r.salespeople {
            // DEPARTMENT.md §3.8: the enrolled owner key, and any request waiting for `dept enroll`.
            var key = s.signingKey.flatMap { try? KeyFile.parseOwnerKey($0) }.map {
                (zh ? "签名密钥 " : "signing key ") + KeyFile.fingerprint($0)
            } ?? (zh ? "签名密钥未登记" : "signing key not enrolled")
            if let request = EnrollmentRequest.pending(Layout(directory), name: s.name), request.signingKey != s.signingKey,
               let raw = try? request.key() {
                key += zh ? "；待登记：\(KeyFile.fingerprint(raw))（salesvault dept enroll）" : "; pending: \(KeyFile.fingerprint(raw)) (salesvault dept enroll)"
            }
            Terminal.print("  \(s.name)  \(s.archive)  \(key)")
        }
    }
}

/// A registry's time (RFC 3339, UTC) as a Chinese reader reads times: this machine's local minute
/// (“2026-12-06T19:04:32Z” was shown as it is stored: helper-179); in English, as stored.
func shownTime(_ stored: String) -> String {
    guard Language.current == .zh, let t = ISO8601DateFormatter().date(from: stored) else { return stored }
    return DateParser.localMinute(Int64(t.timeIntervalSince1970))
}
