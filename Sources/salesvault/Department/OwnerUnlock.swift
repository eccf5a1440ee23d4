import Department
import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

/// What the owner is told (and what is kept in line) at every password unlock (DEPARTMENT.md §4, §5):
/// a forced password change after an escrow reset, the rotation reminder, escrow uses, changes of
/// the department's managers, a pending rekey. Never blocks work except the forced change.
enum OwnerUnlock {
    static func after(_ vault: Vault, path: String, allowMustChange: Bool = false) throws {
        let h = vault.header
        let zh = Language.current == .zh
        if h.flags.contains(.mustChangePassword) && !allowMustChange {
            throw CLIError(.passwordRejected,
                           L("a manager reset this archive's password through escrow on \(Format.date(h.passwordChangedAt)); choose your own password before anything else",
                             "经理于 \(Format.date(h.passwordChangedAt)) 通过托管重置了本档案的密码;请先设置您自己的密码"),
                           hint: L("run: salesvault passwd \(path) (the current password is the temporary one you were given)",
                                   "请运行:salesvault passwd \(path)(当前密码即您收到的临时密码)"))
        }
        var registry: Registry?
        if h.department != nil || DepartmentLookup.layout(forArchive: path) != nil {
            do {
                registry = try DepartmentLookup.registry(forArchive: path, header: h)
            } catch {
                let (message, _, _) = ErrorReport.describe(error)
                Terminal.stderr(Terminal.red(L("warning: the department registry was refused: \(message); escrow slots are unchanged",
                                               "警告:部门登记被拒绝:\(message);托管槽保持不变").text) + "\n")
            }
        }
        if let registry, h.department != nil { try syncEscrow(vault, registry: registry, path: path, zh: zh) }
        if let uses = vault.header.escrowUses {
            Terminal.stderr(Terminal.yellow(L("Escrow: managers opened or reset this archive \(uses.unacknowledged) time(s), last on \(Format.date(uses.lastUseAt)); the details follow when the archive is opened (`salesvault history`).",
                                              "托管:经理共 \(uses.unacknowledged) 次打开或重置本档案,最近一次在 \(Format.date(uses.lastUseAt));打开档案时将显示详情(salesvault history)。").text) + "\n")
        }
        let remaining = vault.header.escrowSlots
        if let k = remaining.first?.threshold, remaining.count < k {
            Terminal.stderr(Terminal.yellow(L("Escrow cannot open this archive any more (\(remaining.count) share(s) left, \(k) needed). Run: salesvault escrow update \(path)",
                                              "托管已无法打开本档案(剩余 \(remaining.count) 份,需要 \(k) 份)。请运行:salesvault escrow update \(path)").text) + "\n")
        } else if vault.header.flags.contains(.rekeyRequired) {
            Terminal.stderr(Terminal.yellow(L("A manager who could open this archive was removed: old copies of the file still open with their key. Run: salesvault rekey \(path)",
                                              "一名可打开本档案的经理已被移除:文件的旧副本仍可用其密钥打开。请运行:salesvault rekey \(path)").text) + "\n")
        }
        // DEPARTMENT.md §5: calendar days in the department's zone; days left = overdueDays − age.
        let policy = registry?.rotationPolicy ?? .standard
        let e = policy.evaluate(createdAt: h.createdAt, passwordChangedAt: h.passwordChangedAt, asOf: Clock.now)
        if e.status != .ok, let left = e.daysLeft {
            let rule = policy.ruleText
            let changed = DepartmentCalendar.dateString(e.changedDay)
            let when = left > 0 ? L("\(left) days left before it is overdue", "距逾期还有 \(left) 天") : L("overdue by \(-left) days", "已逾期 \(-left) 天")
            let never = e.status == .neverRotated ? L(" (never changed since the archive was created)", "(创建档案后从未更换)") : L("", "")
            Terminal.stderr(Terminal.yellow(L("Reminder: the password was last changed on \(changed)\(never.text), \(e.ageDays) days ago; the rule is to \(rule.en); \(when.text). Run: salesvault passwd \(path)",
                                              "提醒:密码上次更换于 \(changed)\(never.text),已 \(e.ageDays) 天;规定为\(rule.zh);\(when.text)。请运行:salesvault passwd \(path)").text) + "\n")
        }
    }

    /// Removed managers lose their slot at once (on a writing unlock); added ones are only
    /// announced, with fingerprints, until the owner runs `escrow update`.
    static func syncEscrow(_ vault: Vault, registry: Registry, path: String, zh: Bool) throws {
        let coverage = EscrowCoverage.evaluate(vault.header, registry: registry)
        let slots = vault.header.escrowSlots
        if !coverage.departed.isEmpty, vault.access == .readWrite {
            let gone = Set(coverage.departed.map(\.recipient.rawRepresentation))
            let kept = slots.map(\.holder).filter { !gone.contains($0.recipient.rawRepresentation) }
            var plan = try registry.escrowPlan()
            plan = Vault.EscrowPlan(holders: kept, threshold: slots.first?.threshold ?? 1, pin: plan.pin)
            try vault.updateEscrow(plan)
            Terminal.stderr(Terminal.yellow(L("The department removed \(coverage.departed.map(\.name).joined(separator: ", ")): their escrow slot was removed from this archive.",
                                              "部门已移除 \(coverage.departed.map(\.name).joined(separator: ", ")):其托管槽已从本档案删除。").text) + "\n")
        } else if !coverage.departed.isEmpty {
            Terminal.stderr(Terminal.yellow(L("The department removed \(coverage.departed.map(\.name).joined(separator: ", ")), who can still open this archive. Run: salesvault escrow update \(path)",
                                              "部门已移除 \(coverage.departed.map(\.name).joined(separator: ", ")),但其仍可打开本档案。请运行:salesvault escrow update \(path)").text) + "\n")
        }
        let threshold = slots.first?.threshold ?? registry.policy.escrowThreshold
        if !coverage.missing.isEmpty || threshold != registry.policy.escrowThreshold {
            var lines = [L("The department's escrow changed and is NOT yet applied to this archive:", "部门的托管设置已变更,尚未应用到本档案:").text]
            for m in coverage.missing {
                let fp = (try? KeyFile.parseRecipient(m.recipient)).map { KeyFile.fingerprint($0.rawRepresentation) } ?? "?"
                lines.append("  + \(m.name) (\(m.role))  \(fp)")
            }
            if threshold != registry.policy.escrowThreshold {
                lines.append(L("  threshold \(threshold) → \(registry.policy.escrowThreshold)", "  门限 \(threshold) → \(registry.policy.escrowThreshold)").text)
            }
            lines.append(L("Check the fingerprints with the managers, then run: salesvault escrow update \(path)", "请与经理核对指纹后运行:salesvault escrow update \(path)").text)
            Terminal.stderr(Terminal.yellow(lines.joined(separator: "\n")) + "\n")
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
            let what = action == "resetPassword" ? L("reset your password", "重置了您的密码") : L("opened the archive (read-only)", "打开了档案(只读)")
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
