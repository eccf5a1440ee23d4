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
        let holders = vault.openedThroughEscrow ?? []
        // Honest use: a manager the department removed is refused by this tool (their key still
        // opens old copies, THREAT-MODEL §7; that is what rekey is for).
        if let registry = try? ArchiveDepartment.registry(forArchive: path, header: vault.header, override: departmentOverride) {
            let managers = Set(registry.managers.map(\.recipient))
            let gone = holders.filter { !managers.contains(AgeKeys.recipientString($0.recipient)) }
            if !gone.isEmpty {
                throw DepartmentError(.invalid, "\(gone.map(\.name).joined(separator: ", ")) is no longer a manager of \(registry.name); nothing was opened (ask the department's administrator)",
                                      zh: "\(gone.map(\.name).joined(separator: "、")) 已不是 \(registry.name) 的经理,档案未打开;如有疑问,请联系部门管理员")
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
