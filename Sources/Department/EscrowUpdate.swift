import Foundation
import VaultCrypto
import VaultFormat

/// `escrow update` (DEPARTMENT.md §4): the owner gives the department's current managers access.
/// Prepared first (what would change, with fingerprints for the owner to check), then applied:
/// new slots for the same data key, or a rekey when the threshold or the holders of shares change.
public struct EscrowUpdatePlan {
    public let registry: Registry
    public let plan: Vault.EscrowPlan
    /// Managers without a slot yet, and holders who are no longer managers.
    public let added: [Registry.Manager]
    public let departed: [EscrowSlot.Holder]
    /// True when the slots already hold exactly the registry's managers with its threshold.
    public let upToDate: Bool
    /// True when applying takes a new data key (threshold changed, shares given to others).
    public let needsRekey: Bool
    /// True when the shares were dealt by an earlier version (scheme 2, not checkable): applying
    /// re-deals them as verifiable shares (FORMAT.md §5.2), with the same data key unless
    /// `needsRekey`.
    public let redealsLegacyShares: Bool

    /// What `escrow update` would do for the archive in `vault`; throws when the archive is not
    /// in a department or its registry cannot be trusted.
    public static func prepare(_ vault: Vault, path: String, departmentOverride: String? = nil) throws -> EscrowUpdatePlan {
        guard vault.header.department != nil,
              let registry = try ArchiveDepartment.registry(forArchive: path, header: vault.header, override: departmentOverride) else {
            throw DepartmentError(.invalid, "\(path) was not created in a department; create archives with init --department DIR",
                                  zh: "\(path) 不是在部门中创建的；请使用 init --department 目录 创建档案")
        }
        let coverage = EscrowCoverage.evaluate(vault.header, registry: registry)
        let plan = try registry.escrowPlan()
        let current = vault.header.escrowSlots
        let threshold = current.first?.threshold ?? plan.threshold
        let sameHolders = Set(current.map { AgeKeys.recipientString($0.holder.recipient) }) == Set(registry.managers.map(\.recipient))
        let legacy = current.first?.scheme == .shamir
        // A pinned serial beyond the bound (DEPARTMENT.md §3.6) is re-pinned by an update too.
        let upToDate = sameHolders && threshold == plan.threshold && current.count >= threshold && !legacy
            && (vault.header.department?.registrySerial ?? 0) <= Registry.maxSerial
        let shares = current.first.map { $0.scheme != .whole } ?? false
        let needsRekey = threshold != plan.threshold || (plan.threshold > 1 && !coverage.missing.isEmpty)
            || (shares && (!coverage.departed.isEmpty || current.count < threshold))
        return EscrowUpdatePlan(registry: registry, plan: plan, added: coverage.missing, departed: coverage.departed, upToDate: upToDate, needsRekey: needsRekey,
                                redealsLegacyShares: legacy && plan.threshold > 1)
    }

    /// Applies the update (nothing when up to date); a rekey re-encrypts every record.
    public func apply(to vault: Vault, now: Int64, progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        guard !upToDate else { return }
        if needsRekey {
            try vault.rekey(now: now, escrow: plan, progress: progress)
        } else {
            try vault.updateEscrow(plan)
        }
    }
}

/// Removing an interrupted save (FORMAT.md §8): the owner's `repair` and escrow access both go
/// through here, so the backup is always kept and named the same way.
public enum ArchiveRepair {
    /// `ARCHIVE.backup-YYYY-MM-DDTHHMMSSZ`, or the first of `…Z-2`, `…Z-3`… that is free when
    /// a backup of the same second is there (a second repair within the second was refused,
    /// `choose another file name`, which the command cannot be told: helper-154). The copy
    /// itself is still made with `O_EXCL`.
    public static func backupPath(for path: String, now: Int64) -> String {
        let base = "\(path).backup-\(Registry.timestamp(now).replacingOccurrences(of: ":", with: ""))"
        var st = stat()
        guard lstat(base, &st) == 0 else { return base }
        for n in 2...999 where lstat("\(base)-\(n)", &st) != 0 { return "\(base)-\(n)" }
        return base
    }

    /// Copies the whole file to a backup, then removes the unfinished bytes and rewrites an
    /// out-of-date header copy; returns the bytes removed and the backup's path.
    public static func run(_ vault: Vault, path: String, now: Int64) throws -> (removed: Int, backup: String) {
        let backup = backupPath(for: path, now: now)
        return (try vault.repair(backupPath: backup), backup)
    }
}
