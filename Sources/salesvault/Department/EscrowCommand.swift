import ArgumentParser
import Department
import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

struct EscrowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escrow",
        abstract: "Managers' access without the password (key escrow): open read-only, reset a password, list, update.",
        discussion: """
            Every use is recorded in the archive and shown to its owner at the next unlock.

            EXAMPLES
              salesvault escrow list archives/张伟.svault
              salesvault escrow open archives/张伟.svault --identity 李经理.key -- customer list --grade A
              salesvault escrow open archives/张伟.svault --identity 李经理.key --identity 王总.key   (2-of-2: a shell)
              salesvault escrow open archives/张伟.svault --identity 李经理.key --keep 10m   (kept by your session agent)
              salesvault escrow open archives/张伟.svault --manager 李经理 -- customer list   (no key while kept)
              salesvault escrow reset-password archives/张伟.svault --identity 李经理.key
              salesvault escrow update archives/张伟.svault          (the owner, after the managers changed)
            """,
        subcommands: [EscrowOpen.self, EscrowResetPassword.self, EscrowList.self, EscrowUpdate.self])
}

/// Opens `path` through escrow (the Department's one way: removed managers refused, an
/// interrupted save removed first with a backup, the use recorded before anything is shown).
private func openThroughEscrow(_ path: String, identities: IdentityOptions, action: String) throws -> CustomerArchive {
    try openedThroughEscrow(path, identities: identities, action: action).archive
}

/// As `openThroughEscrow`, with what the opening found (the holders, for `--keep`).
private func openedThroughEscrow(_ path: String, identities: IdentityOptions, action: String) throws -> EscrowAccess.Opened {
    let keys = try identities.load()
    guard !keys.isEmpty else {
        throw CLIError(.passwordSource, L("give your key file with --identity", "请用 --identity 指定您的密钥文件"), hint: L("e.g. --identity 李经理.key", "例如 --identity 李经理.key"))
    }
    let opened = try EscrowAccess.open(path, identities: keys, action: action, now: Clock.now, departmentOverride: OwnerUnlock.departmentOverride)
    if let backup = opened.repairBackup {
        Terminal.stderr(L("The archive ended with an interrupted save; it was removed first (backup: \(backup)).\n",
                          "档案末尾有一次未完成的保存,已先删除(备份:\(backup))。\n").text)
    }
    tellAuditLog(opened)
    return opened
}

/// Where the use was logged besides the archive (DEPARTMENT.md §7.2).
func tellAuditLog(_ opened: EscrowAccess.Opened) {
    if let log = opened.auditLog {
        Terminal.stderr(L("This use is also signed into the department's audit log (\(log)).\n", "此次使用已同时签名记入部门审计日志(\(log))。\n").text)
    } else {
        Terminal.stderr(L("No department folder: this use is recorded only in the archive (no audit log).\n", "未找到部门文件夹:此次使用仅记入档案,没有审计日志。\n").text)
    }
}

struct EscrowOpen: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open an archive read-only with a manager's key (or k managers' keys); the use is recorded.",
        discussion: """
            After `--`, one read command to run (customer list, history, search, …); without it, a read-only shell.
            --keep 10m: your session agent keeps this escrow access (one manager's key only) for that long
            (default 10m, at most the department's idle limit and 1 hour); meanwhile
            `escrow open ARCHIVE --manager NAME -- COMMAND` runs read commands without your key. Every use
            is still recorded in the archive; `salesvault lock ARCHIVE` forgets the access at once.
            """)
    @Argument(help: "The archive file.") var archive: String
    @OptionGroup var identities: IdentityOptions
    @Option(help: ArgumentHelp("Use the escrow access your session agent keeps for this manager (escrow open --keep) instead of a key file.", valueName: "name"))
    var manager: String?
    @Option(help: ArgumentHelp("Have your session agent keep this escrow access for this long: 10m (the default), 30m …", valueName: "duration"))
    var keep: String?
    @Option(help: "Lock (and leave) the shell after this many minutes without input.") var idleMinutes: Double = 10
    @Argument(parsing: .postTerminator, help: "A read command to run, after --.") var command: [String] = []
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if manager != nil && !identities.identity.isEmpty { throw ValidationError("give --manager (kept access) or --identity, not both") }
        if manager != nil && keep != nil { throw ValidationError("--keep needs the manager's key (--identity)") }
        if manager != nil && command.isEmpty { throw ValidationError("with --manager, give one read command after --, e.g. -- customer list") }
        if let keep, AgentDuration.seconds(keep).map({ $0 >= 60 }) != true { throw ValidationError("--keep takes a duration of at least 1m, such as 10m") }
    }

    func execute() throws {
        // A manager's export (a handover) is recorded as an escrow use of its own kind.
        let exporting = command.first == "export"
        let action = exporting ? "export" : "open"
        let opened: EscrowAccess.Opened
        if let manager {
            // Kept escrow access (Docs/AGENT.md §10): run by the agent, which opens the archive
            // with the kept data key and records the use like any escrow open.
            guard let request = AgentServing.request else {
                if let status = try AgentClient.forwardEscrow(archive) {
                    if status != 0 { throw ExitCode(status) }
                    return
                }
                throw CLIError(.passwordSource, L("your session agent keeps no escrow access to \(archive) for \(manager)", "会话代理中没有为 \(manager) 保留的 \(archive) 托管访问"),
                               hint: L("open it with your key: salesvault escrow open \(archive) --identity KEY [--keep 10m]",
                                       "请用您的密钥打开:salesvault escrow open \(archive) --identity 密钥文件 [--keep 10m]"))
            }
            guard let kept = try AgentServing.openThroughKeptEscrow(request, path: archive, action: action) else {
                throw CLIError(.failure, L("the agent holds no escrow access for this command", "会话代理没有可用于此命令的托管访问"))
            }
            opened = kept
            tellAuditLog(kept)
        } else {
            // --keep beyond the limits is refused before the archive is opened (and checked again
            // once its header is authentic).
            if let keep, let header = try? ArchiveInspection.inspect(path: archive).header {
                try EscrowAccess.checkKeepable(header)
                _ = try SessionLimits.forArchive(archive, header: header, departmentOverride: OwnerUnlock.departmentOverride).resolveEscrowKeep(AgentDuration.seconds(keep))
            }
            opened = try openedThroughEscrow(archive, identities: identities, action: action)
        }
        let archiveOpened = opened.archive
        let by = archiveOpened.vault.openedThroughEscrow?.map(\.name).joined(separator: ", ") ?? "?"
        let owner = archiveOpened.vault.header.owner
        Terminal.stderr(L("Opened \(archive) (\(owner)) through escrow as \(by), read-only. This use is recorded and shown to \(owner).\n",
                          "已通过托管以 \(by) 的身份只读打开 \(archive)(\(owner))。此次使用已记录,并会告知 \(owner)。\n").text)
        if let keep { try keepAccess(opened, keep: keep) }
        let context = ArchiveContext(archiveOpened, allowed: exporting ? [.read, .export] : [.read], throughEscrow: true)
        if command.isEmpty {
            if keep != nil { return }  // kept: no shell; later commands name --manager
            try Shell.loop(context, name: archive, owner: owner, idleMinutes: idleMinutes)
            return
        }
        guard let first = command.first, !Shell.outsideOnly.contains(first) || ["compliance", "reminders"].contains(first) else {
            throw CLIError(.failure, L("\(command.first ?? "") cannot run through escrow", "\(command.first ?? "") 不能通过托管运行"), hint: L("run a read command: customer list, history, search …", "请运行读取命令:customer list、history、search 等"))
        }
        var parsed = try SalesVault.parseAsRoot(command)
        if parsed is any ArchiveCommand {
            try context.run(parsed: parsed, words: command)
        } else {
            try parsed.run()
        }
    }


    /// `--keep`: one manager's access, for at most the department's idle limit and an hour.
    private func keepAccess(_ opened: EscrowAccess.Opened, keep: String) throws {
        try EscrowAccess.checkKeepable(opened)
        let vault = opened.archive.vault
        let limits = SessionLimits.forArchive(archive, header: vault.header, departmentOverride: OwnerUnlock.departmentOverride)
        let seconds = try limits.resolveEscrowKeep(AgentDuration.seconds(keep))
        guard let dataKey = vault.escrowDataKey, let holder = opened.holders.first, let signer = opened.signers.first else { return }
        let until = try AgentClient.keepEscrow(vault.path, dataKey: dataKey, holder: holder, signer: signer, keep: seconds)
        Terminal.stderr(L("Your session agent keeps this escrow access until \(AgentTime.text(until)); meanwhile: salesvault escrow open \(archive) --manager \(holder.name) -- COMMAND (each use is recorded). To forget it now: salesvault lock \(archive)\n",
                          "会话代理将保留此托管访问至 \(AgentTime.text(until));在此之前可运行:salesvault escrow open \(archive) --manager \(holder.name) -- 命令(每次使用都会记入档案)。如需提前清除,请运行:salesvault lock \(archive)\n").text)
    }
}

struct EscrowResetPassword: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-password", abstract: "Set a temporary password that the owner must change at the next unlock; the reset is recorded.")
    @Argument(help: "The archive file.") var archive: String
    @OptionGroup var identities: IdentityOptions
    @OptionGroup var newPassword: NewPasswordOptions
    @OptionGroup var kdf: KDFOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let owner = try ArchiveInspection.inspect(path: archive).header.owner
        let temporary = try PasswordInput.read(file: newPassword.newPasswordFile, fd: newPassword.newPasswordFd,
                                               prompt: L("Temporary password for \(owner): ", "\(owner) 的临时密码:"), confirm: true)
        try NewPasswordCheck.require(temporary, owner: owner)
        let opened = try openThroughEscrow(archive, identities: identities, action: "resetPassword")
        try opened.vault.resetPassword(temporary: PasswordInput.secureBytes(temporary), kdf: kdf.choice, now: Clock.now)
        Terminal.print(L("Temporary password set for \(archive) (\(owner)). Give it to \(owner) in person; they must choose their own password at the next unlock. The reset is recorded in the archive.",
                "已为 \(archive)(\(owner))设置临时密码。请当面交给 \(owner);其下次解锁时必须设置自己的密码。此次重置已记录在档案中。").text)
    }
}

struct EscrowList: VaultCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Who can open an archive through escrow (no password needed).")
    @Argument(help: "The archive file.") var archive: String
    @Flag(name: .long, help: "Print JSON.") var json = false
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let h = try ArchiveInspection.inspect(path: archive).header
        let slots = h.escrowSlots
        var registryNote: String?
        var coverage: EscrowCoverage?
        do {
            if let r = try ArchiveDepartment.registry(forArchive: archive, header: h, override: OwnerUnlock.departmentOverride) {
                coverage = EscrowCoverage.evaluate(h, registry: r)
                registryNote = r.name
            }
        } catch {
            registryNote = L("registry refused: \(ErrorReport.describe(error).0)", "部门名册被拒绝:\(ErrorReport.describe(error).0)").text
        }
        if json {
            let rows: [[String: Any]] = slots.map {
                ["name": $0.holder.name, "recipient": AgeKeys.recipientString($0.holder.recipient),
                 "fingerprint": KeyFile.fingerprint($0.holder.recipient.rawRepresentation), "threshold": $0.threshold, "share": Int($0.x)]
            }
            // JSON.md §6.3.
            var out: [String: Any] = ["archive": archive, "owner": h.owner, "holders": rows, "jsonVersion": JSONOutput.version]
            if let coverage { out["coverage"] = coverage.status.rawValue }
            if let pin = h.department { out["administratorFingerprint"] = KeyFile.fingerprint(pin.adminKey) }
            print(String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
            return
        }
        Terminal.print(L("\(archive) (\(h.owner))", "\(archive)(\(h.owner))").text)
        if slots.isEmpty {
            Terminal.print(L("No escrow: only the password opens this archive.", "无托管:只有密码能打开此档案。").text)
        } else {
            let k = slots[0].threshold
            if slots.count < k {
                print(Terminal.yellow(L("Escrow cannot open it: \(slots.count) share(s) left of the \(k) needed (the owner runs salesvault escrow update):",
                                        "托管无法打开:仅剩 \(slots.count) 份,需要 \(k) 份(所有人需运行 salesvault escrow update):").text))
            } else {
                Terminal.print(k == 1 ? L("Any one of these can open it:", "以下任一人可打开:").text : L("\(k) of these together can open it:", "以下 \(k) 人共同可打开:").text)
            }
            for s in slots { Terminal.print("  \(s.holder.name)  \(KeyFile.fingerprint(s.holder.recipient.rawRepresentation))") }
        }
        if let pin = h.department { Terminal.print(L("Pinned administrator: \(KeyFile.fingerprint(pin.adminKey))", "固定的管理员:\(KeyFile.fingerprint(pin.adminKey))").text) }
        if let registryNote { Terminal.print(L("Department: \(registryNote)", "部门:\(registryNote)").text) }
        if let coverage {
            Terminal.print(L("Against the registry: \(coverage.status.rawValue)", "与部门名册比较:\(statusWord(coverage.status.rawValue, zh: true))").text
                  + (coverage.detail.isEmpty ? "" : " (\(coverage.detail))"))
        }
    }
}

struct EscrowUpdate: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "The owner gives the department's current managers access (shows names and fingerprints first).",
        discussion: "A change of threshold, or of the holders of shares, takes a new data key: update then runs a rekey.")
    @Argument(help: "The archive file.") var archive: String
    @Flag(name: .long, help: "Do not ask for confirmation.") var yes = false
    @OptionGroup var password: PasswordOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let vault = try password.unlock(archive, access: .readWrite)
        let update = try EscrowUpdatePlan.prepare(vault, path: archive, departmentOverride: OwnerUnlock.departmentOverride)
        let registry = update.registry
        if update.upToDate {
            Terminal.print(L("Escrow already has exactly the registry's managers.", "托管设置已与部门名册上的经理一致,无需更新。").text)
            if vault.header.flags.contains(.rekeyRequired) {
                print(Terminal.yellow(L("A removed manager could still open old copies: run salesvault rekey \(archive)", "已移除的经理仍可打开本档案的旧副本。请运行:salesvault rekey \(archive)").text))
            }
            return
        }
        Terminal.print(L("New escrow for \(archive), from the registry of \(registry.name) (serial \(registry.serial)):", "\(archive) 的新托管设置(来自 \(registry.name) 的部门名册,版本 \(registry.serial)):").text)
        for m in registry.managers {
            let fp = (try? KeyFile.parseRecipient(m.recipient)).map { KeyFile.fingerprint($0.rawRepresentation) } ?? "?"
            Terminal.print("  \(update.added.contains(m) ? "+" : " ") \(m.name) (\(m.role))  \(fp)")
        }
        for d in update.departed { Terminal.print("  - \(d.name)  \(KeyFile.fingerprint(d.recipient.rawRepresentation))") }
        Terminal.print(update.plan.threshold == 1 ? L("Any one of them will be able to open it alone.", "其中任意一位经理即可单独打开本档案。").text
              : L("\(update.plan.threshold) of them will have to act together.", "须其中 \(update.plan.threshold) 位经理共同操作才能打开本档案。").text)
        if !yes {
            guard Terminal.confirm(L("Compare the fingerprints with the managers. Apply? [y/N] ", "请先与经理核对指纹。确认应用?[y/N] ")) else {
                throw CLIError(.cancelled, L("nothing was changed", "未做任何更改"), hint: L("run again with --yes in scripts", "在脚本中运行时请加上 --yes"))
            }
        }
        try update.apply(to: vault, now: Clock.now)
        Terminal.print(update.needsRekey
              ? L("Escrow updated with a new data key (rekey): the old shares no longer open this file.", "托管已更新,并已更换数据密钥(rekey):旧份额已无法打开本档案。").text
              : L("Escrow updated; every new slot was written and test-opened.", "托管已更新;每个新的托管权限均已写入,并已验证可以打开本档案。").text)
        if vault.header.flags.contains(.rekeyRequired) {
            print(Terminal.yellow(L("A removed manager could still open old copies: run salesvault rekey \(archive)", "已移除的经理仍可打开本档案的旧副本。请运行:salesvault rekey \(archive)").text))
        }
    }
}

struct Compromised: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "The password may have leaked: choose a new one and rotate the data key (rekey) at once.",
        discussion: """
            Old copies of the file (backups, e-mail attachments) keep opening with the old password and
            data key; nothing can change that. From now on this file needs the new password, and its new
            data key is wrapped again for the department's escrow holders.
            """)
    @Argument(help: "The archive file.") var archive: String
    @OptionGroup var password: PasswordOptions
    @OptionGroup var newPassword: NewPasswordOptions
    @OptionGroup var kdf: KDFOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let (vault, next) = try newPassword.unlockAndChoose(archive, with: password)  // every check before any write
        // The leaked password first (what matters most), then the data key.
        try vault.changePassword(to: PasswordInput.secureBytes(next), kdf: kdf.choice, now: Clock.now)
        Terminal.print(L("New password set for \(archive).", "\(archive) 已设置新密码。").text)
        try OwnerUnlock.after(vault, path: archive, allowMustChange: true)
        let plan: Vault.EscrowPlan?
        do { plan = try rekeyPlan(vault, path: archive) } catch {
            let (message, hint, _) = ErrorReport.describe(error)
            throw CLIError(.failure, L("the password was changed, but the data key was not rotated: \(message)", "密码已修改,但数据密钥未更换:\(message)"),
                           hint: hint.map { L($0, $0) })
        }
        let progress = Terminal.Progress(L("Rekeying", "正在更换数据密钥"))
        try vault.rekey(now: Clock.now, escrow: plan) { done, total in progress.update(done, total) }
        progress.finish()
        Terminal.print(L("New data key (generation \(vault.header.dekGeneration)) for \(archive). Copies made before today still open with the old password: delete the ones you can.",
                "\(archive) 已更换数据密钥(第 \(vault.header.dekGeneration) 代)。今天之前的副本仍可用旧密码打开:请删除能删除的副本。").text)
    }
}
