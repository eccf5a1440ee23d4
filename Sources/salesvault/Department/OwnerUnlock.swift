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
    static func after(_ vault: Vault, path: String, allowMustChange: Bool = false, remindAlways: Bool = false) throws {
        let review: UnlockReview
        do {
            review = try UnlockReview.run(vault, path: path, now: Clock.now, departmentOverride: departmentOverride, allowMustChange: allowMustChange)
        } catch let reset as UnlockReview.MustChangePassword {
            throw CLIError(.passwordRejected,
                           L("a manager reset this archive's password through escrow on \(Format.date(reset.resetAt)); choose your own password before anything else",
                             "经理于 \(Format.date(reset.resetAt)) 通过托管重置了本档案的密码;请先设置您自己的密码"),
                           hint: L("run: salesvault passwd \(path) (the current password is the temporary one you were given)",
                                   "请运行:salesvault passwd \(path)(当前密码即您收到的临时密码)"))
        }
        try signing(vault, path: path)
        for notice in review.notices {
            if case .rotation(let r) = notice, let log = ReminderLog.standard(),
               !log.shouldShow(archiveID: vault.prefix.archiveIDHex, day: r.policy.calendar.day(of: Clock.now), force: remindAlways) {
                continue  // shown already today (issue 12: not on every command)
            }
            tell(notice, path: path)
        }
    }

    /// Owner signatures at the owner's unlock (FORMAT.md §5.6, §8.8; DEPARTMENT.md §3.4): the
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
                                          "\(path) 此前没有签名(由早期版本写入,或经过托管重置):现已启用您的签名密钥(指纹 \(KeyFile.fingerprint(key))),密码历史只用您的密码保护。").text) + "\n")
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
            Terminal.stderr(Terminal.yellow(L("Your signing key is not enrolled in the department \(registry.name) yet: a request was left for the administrator (fingerprint \(KeyFile.fingerprint(key))). Until then compliance reports this archive as not enrolled.",
                                              "您的签名密钥尚未在部门 \(registry.name) 登记:已为管理员留下登记申请(指纹 \(KeyFile.fingerprint(key)))。登记前,合规检查会将本档案显示为“未登记”。").text) + "\n")
        } catch {
            Terminal.stderr(L("warning: the enrollment request could not be written (\(error))\n", "警告:无法写入签名密钥登记申请(\(error))\n").text)
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
            Terminal.stderr(Terminal.red(L("warning: the department registry was refused: \(message); escrow slots are unchanged",
                                           "警告:部门名册未通过校验:\(message);托管设置保持不变").text) + "\n")
            return
        case .departedRemoved(let who):
            text = L("The department removed \(names(who)): their escrow slot was removed from this archive.",
                     "部门已移除 \(names(who)):其托管权限已从本档案删除。").text
        case .departedStillHold(let who):
            text = L("The department removed \(names(who)), who can still open this archive. Run: salesvault escrow update \(path)",
                     "部门已移除 \(names(who)),但此人仍可打开本档案。请运行:salesvault escrow update \(path)").text
        case .escrowChangePending(let added, let threshold):
            var lines = [L("The department's escrow changed and is NOT yet applied to this archive:", "部门名册中的托管设置已变更,但尚未应用到本档案:").text]
            for m in added { lines.append("  + \(m.name) (\(m.role))  \(m.fingerprint)") }
            if let threshold {
                lines.append(L("  threshold \(threshold.from) → \(threshold.to)", "  所需经理人数 \(threshold.from) → \(threshold.to)").text)
            }
            lines.append(L("Check the fingerprints with the managers, then run: salesvault escrow update \(path)", "请与经理核对指纹后运行:salesvault escrow update \(path)").text)
            text = lines.joined(separator: "\n")
        case .escrowUses(let count, let lastAt):
            text = L("Escrow: managers opened or reset this archive \(count) time(s), last on \(Format.date(lastAt)); the details follow when the archive is opened (`salesvault history`).",
                     "托管提醒:经理已通过托管打开或重置本档案共 \(count) 次,最近一次为 \(Format.date(lastAt));打开档案后可用 salesvault history 查看详情。").text
        case .escrowBroken(let left, let needed):
            text = L("Escrow cannot open this archive any more (\(left) share(s) left, \(needed) needed). Run: salesvault escrow update \(path)",
                     "现有托管已无法打开本档案(仅剩 \(left) 份份额,至少需要 \(needed) 份)。请运行:salesvault escrow update \(path)").text
        case .rekeyRequired:
            text = L("A manager who could open this archive was removed: old copies of the file still open with their key. Run: salesvault rekey \(path)",
                     "一名可打开本档案的经理已被移除,但其密钥仍能打开本档案的旧副本。请运行:salesvault rekey \(path)").text
        case .rotation(let r):
            // DEPARTMENT.md §5: calendar days in the department's zone; days left = overdueDays − age.
            let e = r.evaluation
            let left = e.daysLeft ?? 0
            let rule = r.policy.ruleText
            let changed = DepartmentCalendar.dateString(e.changedDay)
            let when = left > 0 ? L("\(left) days left before it is overdue", "距逾期还有 \(left) 天") : L("overdue by \(-left) days", "已逾期 \(-left) 天")
            let never = r.neverChanged ? L(" (never changed since the archive was created)", "(创建档案后从未更换)") : L("", "")
            text = L("Reminder: the password was last changed on \(changed)\(never.text), \(e.ageDays) days ago; the rule is to \(rule.en); \(when.text). Run: salesvault passwd \(path)",
                     "提醒:密码上次更换于 \(changed)\(never.text),距今已 \(e.ageDays) 天;规定为\(rule.zh);\(when.text)。请运行:salesvault passwd \(path)").text
        }
        Terminal.stderr(Terminal.yellow(text) + "\n")
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
                : action == "export" ? L("exported a plaintext (unencrypted) copy of the archive", "导出了本档案的明文(未加密)副本")
                : L("opened the archive (read-only)", "打开了档案(只读)")
            Terminal.stderr(Terminal.yellow(L("  \(Format.date(e.createdAt)) \(e["managers"]?.text ?? e.createdBy) \(what.text) [\(e["fingerprints"]?.text ?? "")]",
                                              "  \(Format.date(e.createdAt)) \(e["managers"]?.text ?? e.createdBy) \(what.text) [\(e["fingerprints"]?.text ?? "")]").text) + "\n")
        }
        if !writing && !pending.isEmpty {
            Terminal.stderr(L("(shown again until your next change)\n", "(在您下次修改前会继续显示)\n").text)
        }
    }

    /// After a successful change by the owner: the escrow uses shown are marked seen.
    static func acknowledgeEscrowUses(_ archive: CustomerArchive) {
        guard archive.vault.openedThroughEscrow == nil, archive.vault.access == .readWrite,
              !archive.unacknowledgedEscrowUses.isEmpty || archive.vault.header.escrowUses != nil else { return }
        do { try archive.acknowledgeEscrowUses(now: Clock.now) } catch {
            Terminal.stderr(L("warning: the escrow uses could not be marked as seen (\(error)); they will be shown again\n",
                              "警告:无法将托管访问标记为已读(\(error));下次会再次显示\n").text)
        }
    }
}
