import ArgumentParser
import Department
import Foundation
import Interchange
import SalesArchive
import VaultCrypto
import VaultFormat

struct EscrowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escrow",
        abstract: "Managers' access without the password (key escrow): open read-only, reset a password, list, update.",
        discussion: """
            Every use is recorded in the archive and shown to its owner at the next
            unlock.

            EXAMPLES
              salesvault escrow list archives/张伟.svault
              salesvault escrow open archives/张伟.svault --identity 李经理.key -- customer list --grade A
              salesvault escrow open archives/张伟.svault --identity 李经理.key --identity 王总.key   (2-of-2: a shell)
              salesvault escrow open archives/张伟.svault --identity 李经理.key --keep 10m   (kept by your session agent)
              salesvault escrow open archives/张伟.svault --manager 李经理 -- customer list   (no key while kept)
              salesvault escrow verify archives/张伟.svault --identity 李经理.key   (full check, nothing recorded)
              salesvault escrow reset-password archives/张伟.svault --identity 李经理.key
              salesvault escrow update archives/张伟.svault          (the owner, after the managers changed)
              salesvault escrow check-share archives/张伟.svault --identity 李经理.key   (k-of-n: your share alone)
            """,
        subcommands: [EscrowOpen.self, EscrowVerify.self, EscrowResetPassword.self, EscrowList.self, EscrowUpdate.self, EscrowCheckShare.self])
}

/// Opens `path` through escrow (the Department's one way: removed managers refused, an
/// interrupted save removed first with a backup, the use recorded before anything is shown).
private func openThroughEscrow(_ path: String, identities: IdentityOptions, action: String, extraMemory: Int = 0) throws -> CustomerArchive {
    try openedThroughEscrow(path, identities: identities, action: action, extraMemory: extraMemory).archive
}

/// As `openThroughEscrow`, with what the opening found (the holders, for `--keep`).
private func openedThroughEscrow(_ path: String, identities: IdentityOptions, action: String, memoryTimes: Int = 3,
                                 extraMemory: Int = 0) throws -> EscrowAccess.Opened {
    let keys = try identities.loadRequired()
    // (The memory its records need is counted before they are read, as for the owner: under a
    // tight limit the process stopped with SIGABRT while reading them, the archive locked.)
    let opened = try EscrowAccess.open(path, identities: keys, action: action, now: Clock.now, departmentOverride: OwnerUnlock.departmentOverride,
                                       admit: { try MemoryBudget.check(opening: $0, times: memoryTimes, extra: extraMemory) })
    warnIfHeaderAltered(opened, path: path)
    warnIfSignatureInvalid(opened, path: path)
    if let backup = opened.repairBackup {
        Terminal.stderr(L("The archive ended with an interrupted save; it was removed first (backup: \(backup)).\n",
                          "档案末尾有一次未完成的保存，已先删除（备份：\(backup)）。\n").text)
    }
    tellAuditLog(opened)
    return opened
}

/// FORMAT.md §7 step 8: a manager's open is not refused; the keyless owner-signature checks are
/// reported before anything is shown.
private func warnIfSignatureInvalid(_ opened: EscrowAccess.Opened, path: String) {
    guard let signature = opened.signatureProblem else { return }
    Terminal.stderr(Terminal.red(L("WARNING: the owner signature of \(path) is INVALID: \(signature.en). Someone holding the data key changed the archive: what follows may not be what the owner wrote. Run: salesvault escrow verify \(path) --identity KEY, and tell the owner and the department's administrator.",
                                   "警告：\(path) 的所有人签名无效：\(signature.zh)。有人利用数据密钥改动了档案，下面显示的内容可能并非所有人本人所写。请运行 salesvault escrow verify \(path) --identity 密钥文件，并告知档案所有人和部门管理员。").text) + "\n")
}

/// FORMAT.md §7 step 4 (issue 13, finding 6): opened from the other copy because the current one
/// does not authenticate under the manager's key: not "wrong key" but an altered header.
private func warnIfHeaderAltered(_ opened: EscrowAccess.Opened, path: String) {
    guard let altered = opened.archive.vault.alteredCopy else { return }
    let other = altered == "A" ? "B" : "A"
    Terminal.stderr(Terminal.red(L("header altered: copy \(altered) of \(path) does not authenticate under your key; opened from copy \(other), which does. Run: salesvault escrow verify \(path) --identity KEY, and tell the owner.",
                                   "档案头被改动：\(path) 的档案头副本 \(altered) 无法用您的密钥通过认证，已改用可通过认证的副本 \(other) 打开。请运行 salesvault escrow verify \(path) --identity 密钥文件，并告知档案所有人。").text) + "\n")
    if let kept = opened.alteredCopyKept {
        Terminal.stderr(Terminal.red(L("Recording this use rewrote both header copies; the altered copy \(altered) was kept first as evidence in \(kept). Keep that file and show it to the owner and the general manager.",
                                       "记录本次托管访问时，两份档案头副本均已重写；被改动的副本 \(altered) 已事先作为证据保存到 \(kept)。请妥善保留该文件，并交给档案所有人和总经理查看。").text) + "\n")
    }
}

/// Where the use was logged besides the archive (DEPARTMENT.md §7.2).
func tellAuditLog(_ opened: EscrowAccess.Opened) {
    if let log = opened.auditLog {
        Terminal.stderr(L("This use is also signed into the department's audit log (\(log)).\n", "此次使用已同时签名记入部门审计日志（\(log)）。\n").text)
    } else {
        Terminal.stderr(L("No department folder: this use is recorded only in the archive (no audit log).\n", "未找到部门文件夹：此次使用仅记入档案，没有审计日志。\n").text)
    }
}

struct EscrowOpen: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open an archive read-only with a manager's key (or k managers' keys); the use is recorded.",
        discussion: """
            After `--`, one read command to run (customer list, history, search, …);
            without it, a read-only shell. --keep 10m: your session agent keeps this
            escrow access (one manager's key only) for that long (default 10m, at most the
            department's idle limit and 1 hour); meanwhile `escrow open ARCHIVE --manager
            NAME -- COMMAND` runs read commands without your key. Every use is still
            recorded in the archive; `salesvault lock ARCHIVE` forgets the access at once.
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
        // The command after `--` is read and checked before the archive is opened: a usage error,
        // a command that cannot run here, or an export refused for its options, its file or its
        // password opens nothing and records no use (a recorded "export" of no file misled the
        // owner, and a usage error printed a raw parser object).
        var parsed: ParsableCommand?
        if let first = command.first {
            // (A usage error, exit 64, as a write command is: it was exit 1.)
            let notThroughEscrow = CLIError(.usage, L("\(first) cannot run through escrow", "\(first) 不能通过托管运行"),
                                            hint: L("run a read command: customer list, history, search …", "请运行读取命令：customer list、history、search 等"))
            guard !Shell.outsideOnly.contains(first) || ["compliance", "reminders"].contains(first) else { throw notThroughEscrow }
            do { parsed = try SalesVault.parseAsRoot(command) } catch {
                guard SalesVault.exitCode(for: error) == .validationFailure else { SalesVault.exit(withError: error) }  // (--help: shown, exit 0)
                let message = SalesVault.fullMessage(for: error)
                Terminal.stderr((Language.current == .zh ? HelpZH.usageError(message) : HelpZH.usageErrorEN(message)) + "\n")
                throw ExitCode.validationFailure
            }
            // A command that would change the archive is refused here, before the archive is
            // opened: refused after it, each attempt was recorded and shown to the owner as a use.
            if let command = parsed as? any ArchiveCommand, ![.read, .export].contains(command.capability) || (command.capability == .export && !exporting) {
                throw ArchiveContext.readOnlyEscrow
            }
            // Nor a command that is not one of the archive's (a group named alone, `report`;
            // `unlock`): refused before the opening was recorded (helper-111: a use was
            // recorded, then the command failed).
            if !(parsed is any ArchiveCommand), !["compliance", "reminders"].contains(first) { throw notThroughEscrow }
            if let export = parsed as? Export { try export.preflight(archive: archive, keyFiles: keyFiles) }
        }
        // What the command counts on besides opening the archive (3 for a shell or a command
        // that is not an archive's), counted before the records are read and the use recorded.
        let times = (parsed as? any ArchiveCommand)?.memoryTimesRecords ?? 3
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
                                       "请用您的密钥打开：salesvault escrow open \(archive) --identity 密钥文件 [--keep 10m]"))
            }
            guard let kept = try AgentServing.openThroughKeptEscrow(request, path: archive, action: action, memoryTimes: times) else {
                throw CLIError(.failure, L("the agent holds no escrow access for this command", "会话代理没有可用于此命令的托管访问"))
            }
            opened = kept
            warnIfHeaderAltered(kept, path: archive)
            warnIfSignatureInvalid(kept, path: archive)
            tellAuditLog(kept)
        } else {
            // --keep beyond the limits is refused before the archive is opened (and checked again
            // once its header is authentic).
            if let keep, let header = try? ArchiveInspection.inspect(path: archive).header {
                try EscrowAccess.checkKeepable(header)
                _ = try SessionLimits.forArchive(archive, header: header, departmentOverride: OwnerUnlock.departmentOverride).resolveEscrowKeep(AgentDuration.seconds(keep))
            }
            opened = try openedThroughEscrow(archive, identities: identities, action: action, memoryTimes: times)
        }
        let archiveOpened = opened.archive
        let by = archiveOpened.vault.openedThroughEscrow?.map(\.name).joined(separator: ", ") ?? "?"
        let owner = archiveOpened.vault.header.owner
        Terminal.stderr(L("Opened \(archive) (\(owner)) through escrow as \(by), read-only. This use is recorded and shown to \(owner).\n",
                          "已通过托管以 \(by) 的身份只读打开 \(archive)（\(owner)）。此次使用已记录，并会告知 \(owner)。\n").text)
        if let keep { try keepAccess(opened, keep: keep) }
        let context = ArchiveContext(archiveOpened, allowed: exporting ? [.read, .export] : [.read], throughEscrow: true)
        context.countedTimes = times
        context.keyFiles = keyFiles
        if command.isEmpty {
            if keep != nil { return }  // kept: no shell; later commands name --manager
            try Shell.loop(context, name: archive, owner: owner, idleMinutes: idleMinutes)
            return
        }
        guard var parsed else { return }
        if parsed is any ArchiveCommand {
            try context.run(parsed: parsed, words: command)
        } else {
            try parsed.run()
        }
    }


    /// The manager's key and passphrase files given: never written over by an export.
    var keyFiles: [String] { identities.identity + identities.passphraseFile }

    /// `--keep`: one manager's access, for at most the department's idle limit and an hour.
    private func keepAccess(_ opened: EscrowAccess.Opened, keep: String) throws {
        try EscrowAccess.checkKeepable(opened)
        let vault = opened.archive.vault
        let limits = SessionLimits.forArchive(archive, header: vault.header, departmentOverride: OwnerUnlock.departmentOverride)
        let seconds = try limits.resolveEscrowKeep(AgentDuration.seconds(keep))
        guard let dataKey = vault.escrowDataKey, let holder = opened.holders.first, let signer = opened.signers.first else { return }
        let until = try AgentClient.keepEscrow(vault.path, dataKey: dataKey, holder: holder, signer: signer, keep: seconds)
        Terminal.stderr(L("Your session agent keeps this escrow access until \(AgentTime.text(until)); meanwhile: salesvault escrow open \(archive) --manager \(holder.name) -- COMMAND (each use is recorded). To forget it now: salesvault lock \(archive)\n",
                          "会话代理将保留此托管访问至 \(AgentTime.text(until))；在此之前可运行：salesvault escrow open \(archive) --manager \(holder.name) -- 命令（每次使用都会记入档案）。如需提前清除，请运行：salesvault lock \(archive)\n").text)
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
                                               prompt: L("Temporary password for \(owner): ", "\(owner) 的临时密码："), confirm: true,
                                               options: "--new-password-file FILE or --new-password-fd N")
        try NewPasswordCheck.require(temporary, owner: owner)
        // The new password's cost is chosen, and its scrypt memory counted, before the archive is
        // opened: short of memory, the reset is refused before the escrow use is recorded.
        let cost = try KDFParameters.resolve(kdf.choice)
        let choice: KDFParameters.Choice = cost.isWeak ? .insecureForTesting(logN: cost.logN) : .fixed(logN: cost.logN)
        let opened = try openThroughEscrow(archive, identities: identities, action: "resetPassword", extraMemory: Int(clamping: cost.memoryBytes))
        try opened.vault.resetPassword(temporary: PasswordInput.secureBytes(temporary), kdf: choice, now: Clock.now)
        Terminal.print(L("Temporary password set for \(archive) (\(owner)). Give it to \(owner) in person; they must choose their own password at the next unlock. The reset is recorded in the archive.",
                "已为 \(archive)（\(owner)）设置临时密码。请当面交给 \(owner)；其下次解锁时必须设置自己的密码。此次重置已记录在档案中。").text)
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
            registryNote = L("registry refused: \(ErrorReport.describe(error).0)", "部门名册被拒绝：\(ErrorReport.describe(error).0)").text
        }
        if json {
            let rows: [[String: Any]] = slots.map {
                ["name": $0.holder.name, "recipient": AgeKeys.recipientString($0.holder.recipient),
                 "fingerprint": KeyFile.fingerprint($0.holder.recipient.rawRepresentation), "threshold": $0.threshold, "share": Int($0.x),
                 "scheme": Int($0.scheme.rawValue)]
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
            Terminal.print(L("No escrow: only the password opens this archive.", "无托管：只有密码能打开此档案。").text)
        } else {
            let k = slots[0].threshold
            if slots.count < k {
                print(Terminal.yellow(L("Escrow cannot open it: \(Format.counted(slots.count, "share")) left of the \(k) needed (the owner runs salesvault escrow update):",
                                        "托管无法打开：仅剩 \(slots.count) 份，需要 \(k) 份（所有人需运行 salesvault escrow update）：").text))
            } else {
                Terminal.print(k == 1 ? L("Any one of these can open it:", "以下任一人可打开：").text : L("\(k) of these together can open it:", "以下 \(k) 人共同可打开：").text)
            }
            for s in slots { Terminal.print("  \(s.holder.name)  \(KeyFile.fingerprint(s.holder.recipient.rawRepresentation))") }
            // FORMAT.md §5.2: scheme 3 shares can each be checked by their holder; scheme 2 cannot.
            if h.escrowScheme == .verifiable {
                Terminal.print(L("Verifiable shares: each manager can check their own (salesvault escrow check-share \(archive) --identity KEY).",
                                 "份额可核验：每位经理都可以单独核验自己的份额（salesvault escrow check-share \(archive) --identity 密钥文件）。").text)
            } else if h.escrowScheme == .shamir {
                print(Terminal.yellow(L("The shares cannot be checked (written by an earlier version); `escrow update` or `rekey` re-deals them.",
                                        "这些份额无法核验（由旧版本写入）；由档案本人运行 salesvault escrow update 或 salesvault rekey 即可重新分发。").text))
            }
        }
        if let pin = h.department { Terminal.print(L("Pinned administrator: \(KeyFile.fingerprint(pin.adminKey))", "固定的管理员：\(KeyFile.fingerprint(pin.adminKey))").text) }
        if let registryNote { Terminal.print(L("Department: \(registryNote)", "部门：\(registryNote)").text) }
        if let coverage {
            Terminal.print(L("Against the registry: \(coverage.status.rawValue)", "与部门名册比较：\(statusWord(coverage.status.rawValue, zh: true))").text
                  + (coverage.detail.isEmpty ? "" : " (\(coverage.detail))"))
        }
    }
}

struct EscrowUpdate: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "The owner gives the department's current managers access (shows names and fingerprints first).",
        discussion: """
            A change of threshold, or of the holders of shares, takes a new data key:
            update then runs a rekey.
            """)
    @Argument(help: "The archive file.") var archive: String
    @Flag(name: .long, help: "Do not ask for confirmation.") var yes = false
    @OptionGroup var password: PasswordOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let vault = try password.unlock(archive, access: .readWrite, askRemovals: false)  // shown and asked below
        let update = try EscrowUpdatePlan.prepare(vault, path: archive, departmentOverride: OwnerUnlock.departmentOverride)
        let registry = update.registry
        if update.upToDate {
            Terminal.print(L("Escrow already has exactly the registry's managers.", "托管设置已与部门名册上的经理一致，无需更新。").text)
            if vault.header.flags.contains(.rekeyRequired) {
                print(Terminal.yellow(L("A removed manager could still open old copies: run salesvault rekey \(archive)", "已移除的经理仍可打开本档案的旧副本。请运行：salesvault rekey \(archive)").text))
            }
            return
        }
        Terminal.print(L("New escrow for \(archive), from the registry of \(registry.name) (serial \(registry.serial)):", "\(archive) 的新托管设置（来自 \(registry.name) 的部门名册，版本 \(registry.serial)）：").text)
        for m in registry.managers {
            let fp = (try? KeyFile.parseRecipient(m.recipient)).map { KeyFile.fingerprint($0.rawRepresentation) } ?? "?"
            Terminal.print("  \(update.added.contains(m) ? "+" : " ") \(Terminal.cell(Registry.nameWithRole(m.name, role: m.role, zh: Language.current == .zh)))  \(fp)")
        }
        for d in update.departed { Terminal.print("  - \(d.name)  \(KeyFile.fingerprint(d.recipient.rawRepresentation))") }
        if update.plan.holders.isEmpty {
            print(Terminal.red(L("The registry lists no manager: after this, no manager can open this archive, and a forgotten password cannot be recovered.",
                                 "部门名册中没有任何经理：应用后将没有经理能打开本档案，一旦忘记密码将无法恢复。").text))
        }
        Terminal.print(update.plan.threshold == 1 ? L("Any one of them will be able to open it alone.", "其中任意一位经理即可单独打开本档案。").text
              : L("\(update.plan.threshold) of them will have to act together.", "须其中 \(update.plan.threshold) 位经理共同操作才能打开本档案。").text)
        if !yes {
            guard try Terminal.confirmOrNeedYes(L("Compare the fingerprints with the managers. Apply? [y/N] ", "请先与经理核对指纹。确认应用？[y/N] "), yes: yes,
                                                what: L("nothing was changed", "未做任何更改"), check: L("compare the fingerprints above with the managers", "请先与经理核对上面的指纹")) else {
                throw CLIError(.cancelled, L("nothing was changed", "未做任何更改"), hint: L("run again with --yes in scripts", "在脚本中运行时请加上 --yes"))
            }
        }
        try update.apply(to: vault, now: Clock.now)
        if update.redealsLegacyShares {
            Terminal.print(L("The shares were dealt again as verifiable shares: each manager can now check their own (escrow check-share).",
                             "份额已重新分发为可核验份额：每位经理现在都可以核验自己的份额（escrow check-share）。").text)
        }
        Terminal.print(update.needsRekey
              ? L("Escrow updated with a new data key (rekey): the old shares no longer open this file.", "托管已更新，并已更换数据密钥（rekey）：旧份额已无法打开本档案。").text
              : L("Escrow updated; every new slot was written and test-opened.", "托管已更新；每个新的托管权限均已写入，并已验证可以打开本档案。").text)
        if vault.header.flags.contains(.rekeyRequired) {
            print(Terminal.yellow(L("A removed manager could still open old copies: run salesvault rekey \(archive)", "已移除的经理仍可打开本档案的旧副本。请运行：salesvault rekey \(archive)").text))
        }
    }
}

struct Compromised: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "The password may have leaked: choose a new one and rotate the data key (rekey) at once.",
        discussion: """
            Old copies of the file (backups, e-mail attachments) keep opening with the old
            password and data key; nothing can change that. From now on this file needs
            the new password, and its new data key is wrapped again for the department's
            escrow holders.
            """)
    @Argument(help: "The archive file.") var archive: String
    @OptionGroup var password: PasswordOptions
    @OptionGroup var newPassword: NewPasswordOptions
    @OptionGroup var kdf: KDFOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let (vault, next, current) = try newPassword.unlockAndChoose(archive, with: password)  // every check before any write
        // The leaked password first (what matters most), then the data key. The password's
        // header also says a new data key is due (rekeyRequired), which the rekey clears: a
        // process stopped in between leaves an archive that says so (helper-194: it looked done,
        // with the old data key).
        try vault.changePassword(to: PasswordInput.secureBytes(next), kdf: kdf.choice, now: Clock.now, rekeyFollows: true, current: PasswordInput.secureBytes(current))
        Terminal.print(L("New password set for \(archive).", "\(archive) 已设置新密码。").text)
        try OwnerUnlock.after(vault, path: archive, allowMustChange: true, rekeyFollows: true)
        // (The cause's own "the archive was not changed" left out: the password was; its own
        // hint, to run the command again, is the rekey here: helper-196.)
        func unfinished(_ error: Error) -> CLIError {
            var (message, _, _) = ErrorReport.describe(error)
            for tail in ["。档案未做任何更改", "；档案保持原样", "; the archive is as it was before"] where message.hasSuffix(tail) { message = String(message.dropLast(tail.count)) }
            return CLIError(.failure, L("the password was changed, but the data key was not replaced: \(message); the archive's content is unaffected",
                                        "密码已修改，但数据密钥未能更换：\(message)，档案内容未受影响。"),
                            hint: L("deal with that first, then run salesvault rekey \(archive) with the NEW password soon; until then, opening the archive says a new data key is due",
                                    "请先解决上述问题，然后尽快用新密码运行 salesvault rekey \(archive)，完成数据密钥的更换。在此之前，打开档案时会一直提示须更换数据密钥。"))
        }
        let plan: Vault.EscrowPlan?
        do { plan = try rekeyPlan(vault, path: archive) } catch { throw unfinished(error) }
        let progress = Terminal.Progress(L("Rekeying", "正在更换数据密钥"))
        do { try vault.rekey(now: Clock.now, escrow: plan) { done, total in progress.update(done, total) } } catch { throw unfinished(error) }
        progress.finish()
        Terminal.print(L("New data key (generation \(vault.header.dekGeneration)) for \(archive). Copies made before today still open with the old password: delete the ones you can.",
                "\(archive) 已更换数据密钥（第 \(vault.header.dekGeneration) 代）。今天之前的副本仍可用旧密码打开：请删除能删除的副本。").text)
    }
}

/// `escrow check-share` (DEPARTMENT.md §4, FORMAT.md §5.2 scheme 3): a manager checks their own
/// share of a k-of-n archive against its commitments, alone, without opening it (nothing is
/// recorded: no data key is recovered).
struct EscrowCheckShare: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-share", abstract: "Check your own escrow share of a k-of-n archive, alone (nothing is opened or recorded).",
        discussion: """
            Exit 0 when your share is consistent with the archive's commitments: with any
            k-1 other managers whose shares are consistent too, you will recover the same
            secret. Exit 4 when it is not (the escrow was dealt wrongly or altered: tell
            the department's administrator). Exit 1 when the shares cannot be checked
            (written by an earlier version: the owner runs `escrow update` or `rekey`).
            Opening the data key and checking the header need k managers together: `escrow
            open`, or `compliance --verify` with k keys.
            """)
    @Argument(help: "The archive file.") var archive: String
    @OptionGroup var identities: IdentityOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let keys = try identities.loadRequired()
        let inspection = try ArchiveInspection.inspect(path: archive)
        let checks = inspection.checkShares(identities: keys)
        guard !checks.isEmpty else {
            throw VaultError(.noEscrowSlot, "none of the given keys holds an escrow slot of \(archive) (holders: \(inspection.header.escrowSlots.map(\.holder.name).joined(separator: ", ")))")
        }
        var status = ExitStatus.ok
        for c in checks {
            let name = Terminal.cell(c.holder.name)
            switch c.result {
            case .consistent:
                Terminal.print(L("\(name): your share is consistent with the archive's commitments (\(c.threshold) managers are needed to open)",
                                 "\(name)：您的份额与档案的承诺值一致（需 \(c.threshold) 位经理共同才能打开）").text)
            case .inconsistent, .unopenable:
                print(Terminal.red(L("\(name): your share does NOT match the archive's commitments: the escrow was dealt wrongly or altered; tell the department's administrator",
                                     "\(name)：您的份额与档案的承诺值不符：托管份额分发有误或已被改动，请告知部门管理员").text))
                status = .damaged
            case .uncheckable:
                print(Terminal.yellow(L("\(name): the shares cannot be checked (written by an earlier version); `escrow update` or `rekey` re-deals them",
                                        "\(name)：份额无法核验（由旧版本写入）；由档案本人运行 salesvault escrow update 或 salesvault rekey 即可重新分发").text))
                if status == .ok { status = .failure }
            case .wholeKey:
                Terminal.print(L("\(name): your slot holds the data key itself (any one manager opens this archive): nothing to check alone; escrow open checks it",
                                 "\(name)：您的托管槽保存的是数据密钥本身（任一经理即可打开本档案），无需单独核验；escrow open 时会一并校验").text)
            }
        }
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

/// `escrow verify` (DEPARTMENT.md §4, FORMAT.md §7.1): the full check with a manager's key, read-only.
struct EscrowVerify: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check a whole archive with a manager's key: both header copies, its size, every record (read-only, not recorded).",
        discussion: """
            Authenticates both header copies under the data key your escrow slot gives
            (they must agree), the file's size against what the header commits, and every
            record from the first one (checkpoint included). Nothing is shown of the
            archive's content and nothing is written, so this is not recorded as an escrow
            use. Exit status 0 when everything is authentic; 4 when the archive was
            altered or damaged, or a given key's share is inconsistent (the reason is
            printed); 3 when your keys hold no slot, or fewer than the k managers' keys
            needed. When it could not be checked: 2 not found or not an archive file, 1
            permission denied, 5 in use (its owner has it open: run the check again when
            it is closed).

            EXAMPLES
              salesvault escrow verify archives/张伟.svault --identity 李经理.key
              salesvault escrow verify archives/张伟.svault --identity 李经理.key --identity 王总.key   (2-of-n)
            """)
    @Argument(help: "The archive file.") var archive: String
    @OptionGroup var identities: IdentityOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let keys = try identities.loadRequired()
        // A symbolic link is followed, as verify, status and check-share do.
        // The registered salesperson, for the "stripped" rule (FORMAT.md §5.6): the department's
        // verified registry, when there is one.
        let context = (try? ArchiveInspection.inspect(path: archive, locked: false)).flatMap {
            OwnerSignatureVerdict.Context.of(path: archive, header: $0.header, registry: nil, departmentOverride: OwnerUnlock.departmentOverride)
        }
        let result = FullCheckText.run(path: archive, identities: keys, followLinks: true, context: context)
        let zh = Language.current == .zh
        let owner = result.check?.owner ?? result.owner ?? "?"
        // Could not check: the file's own exit status (2 not found or not an archive, 1 permission,
        // 5 in use), or 3 for too few keys; never 4, which is evidence from the archive's bytes.
        switch result.unchecked {
        case .file(let e) where e.code == .busy:
            throw CLIError(.busy, L("\(archive) is in use (its owner has it open, or another SalesVault process): it was not checked",
                                    "\(archive) 正在使用中（所有人正打开着它，或另一个 SalesVault 进程正在使用）：未能校验"),
                           hint: L("run the check again when the owner has closed it", "请在所有人关闭档案后重新校验"))
        case .file(let e): throw e
        case .tooFewKeys(let needed, let held):
            throw CLIError(.wrongKey, L("too few keys: \(needed) managers' keys are needed to check \(archive), \(held) given",
                                        "密钥不足：校验 \(archive) 须 \(needed) 位经理的密钥，只给了 \(held) 位的"),
                           hint: L("give --identity for \(needed) managers' keys together", "请用 --identity 同时提供 \(needed) 位经理的密钥"))
        case nil: break
        }
        if let problem = result.problem {
            throw CLIError(.damaged, L("\(archive) (\(owner)) failed the full check: \(problem)", "\(archive)（\(owner)）未通过完整校验：\(result.problemZH ?? problem)"),
                           hint: L("the file was altered or damaged: do not rely on what escrow open shows for it; tell the owner and the department's administrator",
                                   "文件已被改动或损坏：请勿相信通过托管打开时看到的内容；请告知档案所有人和部门管理员"))
        }
        guard let check = result.check else { throw CLIError(.failure, L("\(archive) could not be checked", "无法校验 \(archive)")) }
        // FORMAT.md §5.6, §7.1: the keyless owner-signature checks are part of the full check.
        if let signature = result.signatureProblem {
            throw CLIError(.damaged, L("\(archive) (\(owner)): owner signature INVALID: \(signature.en): changed by someone holding the data key (e.g. through escrow)",
                                       "\(archive)（\(owner)）：所有人签名无效：\(signature.zh)；有人利用数据密钥（例如通过托管）改动了档案"),
                           hint: L("do not rely on what escrow open shows for it; tell the owner and the department's administrator",
                                   "请勿相信通过托管打开时看到的内容；请告知档案所有人和部门管理员"))
        }
        if case .noSlot(let reason) = check.outcome {
            throw CLIError(.wrongKey, L("these keys check nothing in \(archive): \(reason)", "这些密钥无法校验 \(archive)：\(FullCheckText.chineseReason(reason))"),
                           hint: L("give your own key file (and, for shared escrow, enough managers' keys)", "请使用您本人的密钥文件（共同托管时需足够多位经理的密钥）"))
        }
        for (name, copy) in zip(["A", "B"], check.copies ?? []) {
            switch copy {
            case .outOfDate(let seq):
                Terminal.stderr(Terminal.yellow(L("note: header copy \(name) is authentic but out of date (sequence \(seq)), as after a crash; the owner's next save or repair rewrites it",
                                                  "注意：档案头副本 \(name) 通过认证但已过期（序号 \(seq)），通常由崩溃造成；所有人下次保存或运行 repair 时会重写").text) + "\n")
            case .damaged(let reason):
                Terminal.stderr(Terminal.yellow(L("note: header copy \(name) is damaged (\(reason)), as after a crash during a save; the other copy was checked; the owner runs repair",
                                                  "注意：档案头副本 \(name) 已损坏（\(reason)），通常由保存时崩溃造成；已校验另一副本；请档案所有人运行 salesvault repair").text) + "\n")
            default: break
            }
        }
        print(Terminal.green(zh ? "\(archive)（\(owner)）：两个档案头副本用同一数据密钥通过认证，文件大小与登记一致，第 0 条起全部 \(check.records) 条记录均通过认证。此次校验未记入档案（不显示任何内容）。"
                                : "\(archive) (\(owner)): header copies authentic under one data key, size as committed, all \(check.records) records authentic from record 0. Not recorded as an escrow use (nothing of the content is shown)."))
    }
}
