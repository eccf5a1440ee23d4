import Foundation
import VaultCrypto
import VaultFormat

/// The department an archive belongs to (DEPARTMENT.md §2): its folder, its verified registry,
/// and the escrow plan a new data key gets.
public enum ArchiveDepartment {
    /// The department folder of the archive at `path`: `override` (the `SALESVAULT_DEPARTMENT`
    /// setting) when given, else the folder whose `archives/` holds the file; nil outside one.
    public static func layout(forArchive path: String, override: String? = nil) -> Layout? {
        if let override, !override.isEmpty { return Layout(override) }
        return Layout.containing(archive: path)
    }

    /// The registry of the archive's department, verified against the archive's pin (the
    /// administrator key and the registry serial); nil outside a department. Throws when a
    /// registry is there but cannot be trusted.
    public static func registry(forArchive path: String, header: ArchiveHeader, override: String? = nil) throws -> Registry? {
        guard let layout = layout(forArchive: path, override: override) else { return nil }
        let registry = try Registry.load(directory: layout.root)
        if let pin = header.department { try registry.check(against: pin, layout: layout) }
        return registry
    }

    /// The escrow plan for a new data key (`rekey`, `compromised`, DEPARTMENT.md §4).
    public struct RekeyPlan: Sendable {
        /// The holders the archive has now, with the same threshold; nil outside a department or
        /// when the current slots are kept as they are.
        public let plan: Vault.EscrowPlan?
        /// Holders the verified registry no longer lists whose removal the owner has not
        /// confirmed: they keep a slot for the new key (the owner is told to run `escrow update`).
        public let departedKept: [EscrowSlot.Holder]
        /// Set when a registry was found but refused: the current holders are kept (a broken
        /// department folder must never block a key rotation).
        public let refusedRegistry: Error?
    }

    /// The holders the archive has now (never anyone new), with the same threshold, pinned to
    /// the verified registry. A removal is applied only with the owner's yes (at a writing
    /// unlock or by `escrow update`), never by a key rotation: holders still in the slots whose
    /// removal was not confirmed keep a slot for the new key and are named in `departedKept`.
    public static func rekeyPlan(_ vault: Vault, path: String, override: String? = nil) throws -> RekeyPlan {
        let slots = vault.header.escrowSlots
        guard let pin = vault.header.department, !slots.isEmpty else { return RekeyPlan(plan: nil, departedKept: [], refusedRegistry: nil) }
        let registry: Registry
        do {
            guard let r = try Self.registry(forArchive: path, header: vault.header, override: override) else { return RekeyPlan(plan: nil, departedKept: [], refusedRegistry: nil) }
            registry = r
        } catch {
            return RekeyPlan(plan: nil, departedKept: [], refusedRegistry: error)
        }
        let managers = Set(registry.managers.map(\.recipient))
        let holders = slots.map(\.holder)
        let departed = holders.filter { !managers.contains(AgeKeys.recipientString($0.recipient)) }
        let threshold = slots[0].threshold
        guard threshold == 1 || holders.count >= threshold else {
            throw DepartmentError(.invalid, "this archive has \(holders.count) escrow shares left, \(threshold) needed; run escrow update (it shows the department's managers and rekeys)",
                                  zh: "本档案只剩 \(holders.count) 份托管份额，至少需要 \(threshold) 份；请运行 escrow update（会列出部门现有经理并更换数据密钥）")
        }
        let plan = Vault.EscrowPlan(holders: holders, threshold: threshold,
                                    pin: ArchiveHeader.DepartmentPin(adminKey: try registry.adminPublicKey.rawRepresentation, registrySerial: registry.repinSerial(from: pin.registrySerial)))
        return RekeyPlan(plan: plan, departedKept: departed, refusedRegistry: nil)
    }
}
