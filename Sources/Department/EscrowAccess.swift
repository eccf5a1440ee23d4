import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

/// A manager's access to an archive through escrow (DEPARTMENT.md §4): the one way the shell,
/// `escrow open`, `escrow reset-password` and the coming export and report open an archive
/// without its password. It refuses a manager the department removed, removes an interrupted
/// save first (keeping a full backup) so that the use can be recorded, and records the use in
/// the archive before anything is shown.
public enum EscrowAccess {
    /// An archive opened through escrow, its use recorded.
    public struct Opened {
        public let archive: CustomerArchive
        /// The managers whose keys opened it.
        public let holders: [EscrowSlot.Holder]
        /// Where the interrupted save was kept, when one had to be removed first.
        public let repairBackup: String?
    }

    /// Opens `path` with the managers' `identities` and records `action` ("open",
    /// "resetPassword") as an escrow use at `now`.
    public static func open(
        _ path: String, identities: [Curve25519.KeyAgreement.PrivateKey], action: String, now: Int64, departmentOverride: String? = nil
    ) throws -> Opened {
        guard !identities.isEmpty else {
            throw DepartmentError(.invalid, "give your key file (--identity)", zh: "请用 --identity 指定您的密钥文件")
        }
        let vault = try Vault.open(path: path, escrowIdentities: identities, access: .readWrite)
        return try recordUse(vault, path: path, action: action, now: now, departmentOverride: departmentOverride)
    }

    /// Opens `path` again with a data key an agent kept from an escrow open by `holders`
    /// (`escrow open --keep`, AGENT.md §10), with the same checks as `open`, and records the use
    /// like any escrow open: the owner sees every use made through a kept key.
    public static func reopen(
        _ path: String, dataKey: SymmetricKey, holders: [EscrowSlot.Holder], action: String, now: Int64, departmentOverride: String? = nil
    ) throws -> Opened {
        let vault = try Vault.open(path: path, escrowDataKey: dataKey, holders: holders, access: .readWrite)
        return try recordUse(vault, path: path, action: action, now: now, departmentOverride: departmentOverride)
    }

    /// Whether an escrow open may be kept (`escrow open --keep`): only when one manager's key
    /// opened it alone. With shared escrow (k ≥ 2 together) a kept key would let one of them use
    /// it again without the others: dual control is never weakened, so it is refused.
    public static func checkKeepable(_ opened: Opened) throws {
        try checkKeepable(opened.archive.vault.header, holders: opened.holders.count)
    }

    /// The same check on a header (before the archive is opened, from the header as stored).
    public static func checkKeepable(_ header: ArchiveHeader, holders: Int = 1) throws {
        let k = header.escrowSlots.first?.threshold ?? 1
        guard k == 1, holders == 1 else {
            throw DepartmentError(.invalid, "this archive needs \(max(k, holders)) managers together; escrow access that needs several managers is never kept (each use needs all their keys)",
                                  zh: "本档案须 \(max(k, holders)) 名经理共同调阅；多人共同调阅的托管访问不能保留，每次使用都须各位经理的密钥")
        }
    }

    /// The checks and the record every escrow access goes through.
    private static func recordUse(_ vault: Vault, path: String, action: String, now: Int64, departmentOverride: String?) throws -> Opened {
        let holders = vault.openedThroughEscrow ?? []
        // Honest use: a manager the department removed is refused by this tool (their key still
        // opens old copies, THREAT-MODEL §7; that is what rekey is for).
        if let registry = try? ArchiveDepartment.registry(forArchive: path, header: vault.header, override: departmentOverride) {
            let managers = Set(registry.managers.map(\.recipient))
            let gone = holders.filter { !managers.contains(AgeKeys.recipientString($0.recipient)) }
            if !gone.isEmpty {
                throw DepartmentError(.invalid, "\(gone.map(\.name).joined(separator: ", ")) is no longer a manager of \(registry.name); nothing was opened (ask the department's administrator)",
                                      zh: "\(gone.map(\.name).joined(separator: "、")) 已不是 \(registry.name) 的经理，档案未打开；如有疑问，请联系部门管理员")
            }
        }
        var backup: String?
        if vault.unfinishedBytes > 0 {
            // An interrupted save: the owner may be the one who cannot unlock; remove it (keeping
            // a full backup) so that the use can be recorded.
            backup = try ArchiveRepair.run(vault, path: path, now: now).backup
        }
        let archive = try CustomerArchive(vault: vault, actor: holders.map(\.name).joined(separator: ", "))
        try archive.recordEscrowUse(action: action, managers: holders.map(\.name),
                                    fingerprints: holders.map { KeyFile.fingerprint($0.recipient.rawRepresentation) }, now: now)
        return Opened(archive: archive, holders: holders, repairBackup: backup)
    }
}
