import Department
import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

/// What the owner is told (and what is kept in line) at every password unlock (DEPARTMENT.md §4, §5):
/// a forced password change after an escrow reset, the rotation reminder, escrow uses, changes of
/// the department's managers, a pending rekey. Never blocks work except the forced change.
enum OwnerUnlock {
    /// `remindAlways`: the password reminder is shown even if it was shown today (the first unlock
    /// of a shell); otherwise at most once a day per archive (ReminderLog).
    /// A writing unlock that would remove managers' slots shows them and asks (DEPARTMENT.md §4);
    /// `askRemovals` false leaves them to the command (`escrow update`).
    /// `rekeyFollows`: the command rekeys next (`compromised`): its `rekeyRequired` is not said.
    static func after(_ vault: Vault, path: String, allowMustChange: Bool = false, remindAlways: Bool = false, askRemovals: Bool = true, rekeyFollows: Bool = false) throws {
        let review: UnlockReview
        do {
            review = try UnlockReview.run(vault, path: path, now: Clock.now, departmentOverride: departmentOverride, allowMustChange: allowMustChange,
                                          confirmRemoval: { askRemovals ? confirmRemoval($0, path: path, remaining: vault.header.escrowSlots.count) : .deferred })
        } catch let reset as UnlockReview.MustChangePassword {
            throw CLIError(.passwordRejected,
                           L("a manager reset this archive's password through escrow on \(Format.date(reset.resetAt)); choose your own password before anything else",
                             "经理于 \(Format.date(reset.resetAt)) 通过托管重置了本档案的密码；请先设置您自己的密码"),
                           hint: L("run: salesvault passwd \(path) (the current password is the temporary one you were given)",
                                   "请运行：salesvault passwd \(path)（当前密码即您收到的临时密码）"))
        } catch let stripped as UnlockReview.StrippedSignature {
            throw strippedError(stripped, path: path)
        }
        try signing(vault, path: path)
        for notice in review.notices {
            if rekeyFollows, case .rekeyRequired = notice { continue }
            if case .rotation(let r) = notice, let log = ReminderLog.standard(),
               !log.shouldShow(archiveID: vault.prefix.archiveIDHex, day: r.policy.calendar.day(of: Clock.now), force: remindAlways) {
                continue  // shown already today (issue 12: not on every command)
            }
            tell(notice, path: path)
        }
    }

    /// FORMAT.md §5.6: an archive whose owner signature was removed (exit 4); nothing was written.
    static func strippedError(_ stripped: UnlockReview.StrippedSignature, path: String) -> CLIError {
        CLIError(.damaged,
                 L("\(path) is not signed although your signing key is enrolled: \(stripped.en). Someone holding the data key (e.g. through escrow) changed it, or an old copy was put back; it was not opened and nothing was written",
                   "\(path) 没有签名，但您的签名密钥已在部门登记：\(stripped.zh)。有人利用数据密钥（例如通过托管）改动了档案，或换回了旧副本；档案未打开，也未写入任何内容"),
                 hint: L("do not use this copy: restore the archive from a backup and tell your department's administrator. If a manager checks through escrow that the content is right, an escrow reset (salesvault escrow reset-password) lets you choose a new password and a new signing key, which the administrator enrolls again",
                         "请勿使用此副本：请从备份恢复档案，并告知部门管理员。如经理通过托管核实内容无误，可由经理为您做一次托管重置（salesvault escrow reset-password）；之后您设置新密码、生成新的签名密钥，再由管理员重新登记"))
    }

    /// The same refusal where the session agent opens an archive with kept keys (no unlock review).
    static func refuseIfStripped(_ vault: Vault, path: String) throws {
        do { try UnlockReview.refuseStripped(vault, path: path, registry: nil, departmentOverride: departmentOverride) } catch let stripped as UnlockReview.StrippedSignature {
            throw strippedError(stripped, path: path)
        }
    }

    /// FORMAT.md §7 step 4: the copy that was current did not authenticate and the archive was
    /// opened from the other copy. Told loudly, every time (the owner's next write rewrites both
    /// copies from the authentic one; `verify` fails until then).
    static func warnIfAltered(_ vault: Vault, path: String) {
        guard let altered = vault.alteredCopy else {
            warnIfBackupOutOfDate(vault, path: path)
            return
        }
        let other = altered == "A" ? "B" : "A"
        Terminal.stderr(Terminal.red(L("warning: header copy \(altered) of \(path) failed authentication; opened from copy \(other). The file was altered or damaged: run `salesvault verify \(path)` and tell your manager.",
                                       "警告：\(path) 的档案头副本 \(altered) 未通过认证，已改用副本 \(other) 打开。文件已被改动或损坏：请运行 salesvault verify \(path)，并告知经理。").text) + "\n")
    }

    /// Set once the backup copy's warning was printed: once per command (the CLI's lock box, as
    /// the agent's state uses, rather than an unchecked static).
    private static let toldBackupOutOfDate = Locked(false)

    /// A new command in a long-lived process (the session agent serves many in one process).
    static func forgetBackupWarning() { toldBackupOutOfDate.withLock { $0 = false } }

    /// FORMAT.md §7 step 7: the other header copy is damaged, or intact with a lower sequence
    /// (a crash between the two writes of §8.1): the archive opens, with a warning, once per
    /// command; the next write (or `repair`) heals it.
    static func warnIfBackupOutOfDate(_ vault: Vault, path: String) {
        guard vault.copyStates.contains(where: { $0 != .current }),
              toldBackupOutOfDate.withLock({ told in defer { told = true }; return !told }) else { return }
        Terminal.stderr(Terminal.yellow(L("warning: the backup header copy of \(path) is out of date (damaged, or left behind by an interrupted save); the archive opened from the current copy. Your next save, or salesvault repair \(path), rewrites it.",
                                          "警告：\(path) 的备用档案头副本已过期（已损坏，或保存中断时未写完）；档案已用当前副本打开。下次保存或运行 salesvault repair \(path) 时会重写该副本。").text) + "\n")
    }

    /// Shows the managers the registry removes (name, fingerprint) and asks on the terminal;
    /// without one, nothing is removed (the notice then says to run `escrow update`).
    static func confirmRemoval(_ removed: [UnlockReview.PendingManager], path: String, remaining: Int) -> UnlockReview.RemovalAnswer {
        guard Terminal.canAsk else { return .noTerminal }
        Terminal.stderr(Terminal.yellow(L("The department's registry removes these managers from the escrow of \(path):",
                                          "部门名册将以下经理从 \(path) 的托管中移除：").text) + "\n")
        for m in removed { Terminal.stderr("  - \(Terminal.cell(m.name))  \(m.fingerprint)\n") }
        if removed.count >= remaining {
            Terminal.stderr(Terminal.red(L("No manager would be able to open this archive any more: if you forget your password, nobody can recover it.",
                                           "移除后将没有任何经理能打开本档案：一旦忘记密码，任何人都无法恢复。").text) + "\n")
        }
        return Terminal.confirm(L("Check with your manager that this is right. Remove their access? [y/N] ", "请先与经理核实此变更。确认移除其访问权限？[y/N] "))
            ? .apply : .decline
    }

    /// Owner signatures at the owner's unlock (FORMAT.md §5.6, §8.8; DEPARTMENT.md §3.8): the
    /// records a manager appended since the owner's last signature are checked to be escrow uses;
    /// an archive written by an earlier version is signed at a writing unlock (said once); a key
    /// the department has not enrolled leaves a request for the administrator.
    static func signing(_ vault: Vault, path: String) throws {
        guard vault.openedThroughEscrow == nil else { return }
        try CustomerArchive.checkRecordsAfterSignature(vault)
        if vault.access == .readWrite, vault.ownerSigning == .unsigned, !vault.header.flags.contains(.mustChangePassword), vault.unfinishedBytes == 0 {
            try vault.signAsOwnerNow()
        }
        if vault.migratedToSigned { tellSigned(vault, path: path) }
        requestEnrollment(vault, path: path)
    }

    /// Said once, when a write gave the archive its (first or new) signing key.
    static func tellSigned(_ vault: Vault, path: String) {
        guard case .signed(let key) = vault.ownerSigning else { return }
        Terminal.stderr(Terminal.yellow(L("\(path) was not signed (written by an earlier version, or after an escrow reset): it now has your signing key (fingerprint \(KeyFile.fingerprint(key))), and its password history is kept under your password only.",
                                          "\(path) 此前没有签名（由早期版本写入，或经过托管重置）：现已启用您的签名密钥（指纹 \(KeyFile.fingerprint(key))），密码历史今后只用您的密码加密保存。").text) + "\n")
    }

    /// Leaves `enroll/NAME.json` in the department when its registry does not list this key.
    static func requestEnrollment(_ vault: Vault, path: String) {
        guard case .signed(let key) = vault.ownerSigning,
              let layout = ArchiveDepartment.layout(forArchive: path, override: departmentOverride),
              let registry = try? ArchiveDepartment.registry(forArchive: path, header: vault.header, override: departmentOverride),
              let request = EnrollmentRequest.needed(header: vault.header, archiveID: vault.prefix.archiveIDHex, ownerKey: key, registry: registry, now: Clock.now)
        else { return }
        do {
            guard try request.write(layout) else { return }
            // After an escrow reset the registry still lists the old key: compliance then says
            // `new key` when the department logged the reset, INVALID when it did not, not "not
            // enrolled" (DEPARTMENT.md §6).
            let replacing = registry.salespeople.first(where: { $0.name == request.name })?.signingKey != nil
            Terminal.stderr(Terminal.yellow(replacing
                ? L("Your new signing key is not enrolled in the department \(Terminal.cell(registry.name)) yet: a request was left for the administrator (fingerprint \(KeyFile.fingerprint(key))). Until it is enrolled, compliance reports this archive's signature as a new key to be enrolled (new key), or as INVALID if the department has no record of an escrow password reset of it.",
                    "您的新签名密钥尚未在部门 \(Terminal.cell(registry.name)) 登记：已为管理员生成登记申请（指纹 \(KeyFile.fingerprint(key))）。在管理员登记之前，合规检查会将本档案的签名显示为“新密钥待登记”；如部门没有对本档案托管重置密码的记录，则显示为“无效”。").text
                : L("Your signing key is not enrolled in the department \(Terminal.cell(registry.name)) yet: a request was left for the administrator (fingerprint \(KeyFile.fingerprint(key))). Until then compliance reports this archive as not enrolled.",
                    "您的签名密钥尚未在部门 \(Terminal.cell(registry.name)) 登记：已为管理员生成登记申请（指纹 \(KeyFile.fingerprint(key))）。在管理员登记之前，合规检查会将本档案显示为“未登记”。").text) + "\n")
        } catch {
            // Round 4, N4: what it means and what to do.
            let reason = (error as? DepartmentError).map { L($0.reason, $0.reasonZH).text } ?? "\(error)"
            Terminal.stderr(L("warning: the enrollment request for your signing key could not be written (\(reason)). Until your key is enrolled, compliance reports this archive's signature as not enrolled or INVALID: tell the department's administrator, who can check the department folder's enroll/ folder; your tool writes the request again at your next unlock.\n",
                              "警告：无法写入签名密钥登记申请（\(reason)）。在您的签名密钥登记之前，合规检查会将本档案的签名显示为“未登记”或“无效”。请告知部门管理员检查部门文件夹中的 enroll/ 目录；下次解锁时会自动重新生成申请。\n").text)
        }
    }

    /// The department folder named by `SALESVAULT_DEPARTMENT`, if any.
    static var departmentOverride: String? { ProcessInfo.processInfo.environment["SALESVAULT_DEPARTMENT"] }

    /// Prints one notice of the unlock review (stderr, never blocking).
    static func tell(_ notice: UnlockReview.Notice, path: String) {
        let names = { (list: [String]) in list.joined(separator: Language.current == .zh ? "、" : ", ") }
        let text: String
        switch notice {
        case .registryRefused(let error):
            let (message, _, _) = ErrorReport.describe(error)
            Terminal.stderr(Terminal.red(L("warning: the department registry was refused: \(message); escrow slots are unchanged, and the audit log could not be checked against the managers' registered keys",
                                           "警告：部门名册未通过校验：\(message)；托管设置保持不变，审计日志也无法与经理登记的签名密钥核对").text) + "\n")
            return
        case .departedRemoved(let who):
            text = L("The department removed \(names(who)): their escrow slot was removed from this archive.",
                     "部门已移除 \(names(who))：其托管权限已从本档案删除。").text
        case .departedStillHold(let who, let removed, let asked):
            var lines = [L("The department removed \(names(who)), who can still open this archive (not applied: \(asked ? "you said no" : "removals are applied only when you confirm them")):",
                           "部门已移除 \(names(who))，但此人仍可打开本档案（未应用：\(asked ? "您选择了不移除" : "移除须经您本人确认")）：").text]
            for m in removed { lines.append("  - \(Terminal.cell(m.name))  \(m.fingerprint)") }
            lines.append(L("Check with your manager, then run: salesvault escrow update \(path) (it shows the change and asks)",
                           "请与经理核实后运行：salesvault escrow update \(path)（会再次显示变更并请您确认）").text)
            text = lines.joined(separator: "\n")
        case .administratorRotated(let from, let to, let repinned):
            text = repinned
                ? L("The department's administrator key was handed over (signed by the old key): \(from) → \(to). This archive now trusts the new key; compare its fingerprint with your administrator.",
                    "部门管理员密钥已交接（有原密钥签名）：\(from) → \(to)。本档案现已改为信任新密钥；请与管理员核对新指纹。").text
                : L("The department's administrator key was handed over (signed by the old key): \(from) → \(to). Your next change pins the new key; compare its fingerprint with your administrator.",
                    "部门管理员密钥已交接（有原密钥签名）：\(from) → \(to)。您下次修改档案时将改为信任新密钥；请与管理员核对新指纹。").text
        case .escrowChangePending(let added, let threshold):
            var lines = [L("The department's escrow changed and is NOT yet applied to this archive:", "部门名册中的托管设置已变更，但尚未应用到本档案：").text]
            for m in added { lines.append("  + \(Terminal.cell(Registry.nameWithRole(m.name, role: m.role, zh: Language.current == .zh)))  \(m.fingerprint)") }
            if let threshold {
                lines.append(L("  threshold \(threshold.from) → \(threshold.to)", "  所需经理人数 \(threshold.from) → \(threshold.to)").text)
            }
            lines.append(L("Check the fingerprints with the managers, then run: salesvault escrow update \(path)", "请与经理核对指纹后运行：salesvault escrow update \(path)").text)
            text = lines.joined(separator: "\n")
        case .escrowUses(let count, let lastAt):
            text = L("Escrow: managers opened or reset this archive \(Format.counted(count, "time")), last on \(Format.date(lastAt)); the details follow when the archive is opened (`salesvault history`).",
                     "托管提醒：经理已通过托管打开或重置本档案共 \(count) 次，最近一次为 \(Format.date(lastAt))；打开档案后可用 salesvault history 查看详情。").text
        case .escrowBroken(let left, let needed):
            text = L("Escrow cannot open this archive any more (\(Format.counted(left, "share")) left, \(needed) needed). Run: salesvault escrow update \(path)",
                     "现有托管已无法打开本档案（仅剩 \(left) 份份额，至少需要 \(needed) 份）。请运行：salesvault escrow update \(path)").text
        case .rekeyRequired:
            // (Set when a manager's slot was removed, and by a compromised stopped before its
            // new data key: helper-194.)
            text = L("This archive needs a new data key: a manager who could open it was removed, or salesvault compromised stopped before it changed the key; until then old copies of the file, with the old password or the manager's key, give the key of this one. Run: salesvault rekey \(path)",
                     "本档案须更换数据密钥：可能是某位有权打开本档案的经理已被移除，也可能是上次运行 salesvault compromised 时在更换数据密钥前中断了。在更换之前，持有档案旧副本（如备份）和旧密码的人，或已被移除的经理凭其密钥，仍可能打开本档案。请尽快运行 salesvault rekey \(path) 更换数据密钥。").text
        case .impossibleDates(let problems):
            let en = problems.map(\.rawValue).joined(separator: "; ")
            let zh = problems.map(\.zh).joined(separator: "、")
            Terminal.stderr(Terminal.red(L("warning: \(en) — the clock of the computer that wrote it was wrong, or the header was edited; this archive is not compliant until the password is changed (salesvault passwd \(path)) and, for the data key, salesvault rekey \(path)",
                                           "警告：\(zh)——写入时电脑时钟有误，或档案头被改动；在更换密码（salesvault passwd \(path)）之前本档案不合规；数据密钥日期有误时请运行 salesvault rekey \(path)").text) + "\n")
            return
        case .auditLog(let audit):
            tellAudit(audit)
            return
        case .auditLogMissing(let log, let uses, let lastAt):
            Terminal.stderr(Terminal.red(L("WARNING: this archive records \(Format.counted(uses, "escrow use")) you have not seen (the last on \(Format.date(lastAt))), but the department's audit log for it (\(log)) holds none of them: it may have been deleted or emptied, an escrow open may have been interrupted before it wrote the log, or the uses were made before the log existed or outside the department; tell the general manager",
                                           "警告：本档案记录了 \(uses) 次您尚未查看的托管调阅（最近一次为 \(Format.date(lastAt))），但部门的审计日志（\(log)）中没有相应记录：可能是日志被删除或清空，也可能是托管打开在写入日志之前中断，或这些调阅发生在审计日志启用之前、部门之外。请告知总经理").text) + "\n")
            return
        case .rotation(let r):
            // DEPARTMENT.md §5: calendar days in the department's zone; days left = overdueDays − age.
            let e = r.evaluation
            let left = e.daysLeft ?? 0
            let rule = r.policy.ruleText
            let changed = DepartmentCalendar.dateString(e.changedDay)
            let said = RotationPolicy.Evaluation.leftText(left)
            let when = L(said.en, said.zh)
            let never = r.neverChanged ? L(" (never changed since the archive was created)", "") : L("", "")
            // (Set then and never changed: not said "last changed … never changed": helper-203.)
            let since = r.neverChanged ? "密码设置于 \(changed)（创建档案时设置，此后从未更换）" : "密码上次更换于 \(changed)"
            text = L("Reminder: the password was last changed on \(changed)\(never.text), \(e.ageDays) days ago; the rule is to \(rule.en); \(when.text). Run: salesvault passwd \(path)",
                     "提醒：\(since)，距今已 \(e.ageDays) 天；规定为\(rule.zh)；\(when.text)。请运行：salesvault passwd \(path)").text
        }
        Terminal.stderr(Terminal.yellow(text) + "\n")
    }

    /// The audit log against the archive (DEPARTMENT.md §7.4): loud, shown at every unlock.
    static func tellAudit(_ audit: ArchiveAudit) {
        for e in audit.missing {
            let what = e.action == "resetPassword" ? L("password reset", "重置密码") : e.action == "export" ? L("plaintext export", "导出明文副本") : L("read-only open", "只读打开")
            let day = Format.date(e.time)
            Terminal.stderr(Terminal.red(L("WARNING: an escrow use by \(e.manager) on \(day) (\(what.en)) is in the department's audit log but missing from the archive: the archive was altered or put back (log entry \(e.entry), \(audit.path))",
                                           "警告：部门审计日志中记录了 \(e.manager) 于 \(day) 的托管调阅（\(what.zh)），但档案中没有这条记录：档案已被篡改或被换回旧副本（日志第 \(e.entry) 条，\(audit.path)）").text) + "\n")
        }
        if audit.altered > 0 {
            Terminal.stderr(Terminal.red(L("WARNING: the department's audit log \(audit.path) has \(Format.counted(audit.altered, "line")) that \(audit.altered == 1 ? "does" : "do") not verify (bad signature, malformed or out of chain): it was altered; tell the general manager",
                                           "警告：部门审计日志 \(audit.path) 中有 \(audit.altered) 行无法核验（签名错误、格式错误或链条断开），日志已被改动；请告知总经理").text) + "\n")
        }
        if let size = audit.oversize {
            Terminal.stderr(Terminal.red(L("WARNING: the department's audit log \(audit.path) is \(size) bytes, larger than \(AuditLog.maxBytes >> 20) MiB, far more than escrow uses write: it was padded, so it could not be compared with the archive; tell the general manager",
                                           "警告：部门审计日志 \(audit.path) 有 \(size) 字节，超过 \(AuditLog.maxBytes >> 20) MiB，远超托管调阅应有的大小：日志已被人为填充，无法与档案核对；请告知总经理").text) + "\n")
        }
        if !audit.registryTrusted, audit.unregistered > 0 {
            // DEPARTMENT.md §7.4: without a verified registry no line is trusted, but a use the
            // archive lacks is still told.
            for e in audit.unverifiedMissing {
                let what = e.action == "resetPassword" ? L("password reset", "重置密码") : e.action == "export" ? L("plaintext export", "导出明文副本") : L("read-only open", "只读打开")
                Terminal.stderr(Terminal.red(L("WARNING: the department's audit log names an escrow use by \(e.manager) on \(Format.date(e.time)) (\(what.en)) that is missing from the archive; the registry was refused, so the manager's signing key could not be checked (log entry \(e.entry), \(audit.path))",
                                               "警告：部门审计日志记录了 \(e.manager) 于 \(Format.date(e.time)) 的托管调阅（\(what.zh)），但档案中没有这条记录；部门名册未通过校验，无法核对该经理的签名密钥（日志第 \(e.entry) 条，\(audit.path)）").text) + "\n")
            }
            Terminal.stderr(Terminal.yellow(L("The department registry was refused, so the \(Format.counted(audit.unregistered, "entry", plural: "entries")) of the audit log could not be checked against the managers' registered keys: none is trusted (salesvault dept audit shows them once the registry is in order)",
                                              "部门名册未通过校验，审计日志中的 \(audit.unregistered) 条记录无法与经理登记的签名密钥核对，均不予采信（名册恢复正常后可运行 salesvault dept audit 查看）").text) + "\n")
        } else if audit.unregistered > 0 {
            Terminal.stderr(Terminal.yellow(L("The department's audit log has \(Format.counted(audit.unregistered, "entry", plural: "entries")) signed by keys the registry does not list for that manager: not trusted (run salesvault dept audit to see them)",
                                              "部门审计日志中有 \(audit.unregistered) 条记录的签名密钥不在部门名册中（或与该经理登记的不符），不予采信（可运行 salesvault dept audit 查看）").text) + "\n")
        }
        if let reason = audit.unreadable {
            Terminal.stderr(Terminal.red(L("WARNING: the department's audit log could not be read: \(reason)", "警告：无法读取部门审计日志：\(reason)").text) + "\n")
        }
    }

    /// With the archive open: the escrow uses the owner has not seen. They are marked seen by
    /// `acknowledgeEscrowUses` after a change succeeds.
    static func showEscrowUses(_ archive: CustomerArchive, writing: Bool) throws {
        guard archive.vault.openedThroughEscrow == nil else { return }
        let pending = archive.unacknowledgedEscrowUses
        guard !pending.isEmpty || archive.vault.header.escrowUses != nil else { return }
        for e in pending {
            let action = e["action"]?.text ?? "?"
            let what = action == "resetPassword" ? L("reset your password", "重置了您的密码")
                : action == "export" ? L("exported a plaintext (unencrypted) copy of the archive", "导出了本档案的明文（未加密）副本")
                : L("opened the archive (read-only)", "打开了档案（只读）")
            // Written by the manager's tool, or by whoever held the data key: escaped, newlines
            // included, so no line of this notice can be forged (DEPARTMENT.md §4).
            let who = Terminal.cell(e["managers"]?.text ?? e.createdBy), keys = Terminal.cell(e["fingerprints"]?.text ?? "")
            Terminal.stderr(Terminal.yellow(L("  \(Format.date(e.createdAt)) \(who) \(what.text) [\(keys)]",
                                              "  \(Format.date(e.createdAt)) \(who) \(what.text) [\(keys)]").text) + "\n")
        }
        if !writing && !pending.isEmpty {
            Terminal.stderr(L("(shown again until your next change)\n", "（在您下次修改档案之前，每次打开都会显示此提醒）\n").text)
        }
    }

    /// After a successful change by the owner: the escrow uses shown are marked seen.
    static func acknowledgeEscrowUses(_ archive: CustomerArchive) {
        guard archive.vault.openedThroughEscrow == nil, archive.vault.access == .readWrite,
              !archive.unacknowledgedEscrowUses.isEmpty || archive.vault.header.escrowUses != nil else { return }
        do { try archive.acknowledgeEscrowUses(now: Clock.now) } catch {
            Terminal.stderr(L("warning: the escrow uses could not be marked as seen (\(error)); they will be shown again\n",
                              "警告：无法将托管访问标记为已读（\(error)）；下次会再次显示\n").text)
        }
    }
}
