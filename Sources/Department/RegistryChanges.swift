import Foundation
import VaultCrypto
import VaultFormat

/// The registry's change rules (DEPARTMENT.md §3.3): every administrator change goes through
/// `Registry.change`, which continues from the last signed registry, applies one edit to the
/// next serial, validates, signs and saves. The command line only parses and prints.
extension Registry {
    /// What a change did, for the administrator to read.
    public struct Change: Sendable {
        public let registry: Registry
        /// True when the last change had been interrupted and this one started again from the
        /// last signed registry (the managers must be checked).
        public let recoveredFromInterruptedSave: Bool
    }

    /// Loads `directory`'s registry for a change, applies `edit` to its next version (serial + 1),
    /// checks it and saves it signed by `signer`. Nothing is written when `edit` or a check throws.
    @discardableResult
    public static func change(directory: String, signer: Curve25519.Signing.PrivateKey, now: Int64, _ edit: (inout Registry) throws -> Void) throws -> Change {
        let (current, recovered) = try loadForChange(directory: directory)
        var registry = current.next(now: now)
        try edit(&registry)
        try registry.validate()
        try registry.save(directory: directory, signer: signer)
        return Change(registry: registry, recoveredFromInterruptedSave: recovered)
    }

    /// Creates a department folder (registry, keys/, archives/, reports/) with an empty registry
    /// signed by `signer`; refused when a registry is there already.
    @discardableResult
    public static func create(directory: String, name: String, signer: Curve25519.Signing.PrivateKey, now: Int64) throws -> Registry {
        let layout = Layout(directory)
        guard !FileManager.default.fileExists(atPath: layout.registry) else {
            throw DepartmentError(.alreadyExists, "\(layout.registry) exists already", zh: "\(layout.registry) 已存在")
        }
        for dir in [layout.root, layout.keys, layout.archives, layout.reports] {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw DepartmentError(.io, "cannot create \(dir): \(error.localizedDescription)", zh: "无法创建目录 \(dir):\(error.localizedDescription)")
            }
        }
        let registry = Registry(name: name, adminKey: signer.publicKey, now: now)
        try registry.validate()
        try registry.save(directory: directory, signer: signer)
        return registry
    }

    /// Adds a manager (an escrow holder); the name and the key must both be new.
    public mutating func addManager(name: String, recipient: Curve25519.KeyAgreement.PublicKey, role: String, now: Int64) throws {
        let recipientString = AgeKeys.recipientString(recipient)
        guard !managers.contains(where: { $0.name == name || $0.recipient == recipientString }) else {
            throw DepartmentError(.invalid, "\(name) or this key is already a manager", zh: "\(name) 或此密钥已登记为经理")
        }
        managers.append(.init(addedAt: Registry.timestamp(now), name: name, recipient: recipientString, role: role))
    }

    /// Removes a manager; refused when the escrow threshold would then need more managers than
    /// remain (dual control is never weakened silently: lower the threshold first).
    public mutating func removeManager(named name: String) throws {
        guard let i = managers.firstIndex(where: { $0.name == name }) else {
            throw DepartmentError(.notFound, "\(name) is not a manager of this department", zh: "\(name) 不是本部门的经理")
        }
        guard policy.escrowThreshold == 1 || policy.escrowThreshold <= managers.count - 1 else {
            throw DepartmentError(.invalid, "the policy needs \(policy.escrowThreshold) managers together; removing \(name) would leave \(managers.count - 1). Lower the threshold first (dept policy --threshold N)",
                                  zh: "现行政策须 \(policy.escrowThreshold) 名经理共同调阅,移除 \(name) 后只剩 \(managers.count - 1) 名;请先降低所需人数(dept policy --threshold N)")
        }
        managers.remove(at: i)
    }

    /// Registers a salesperson, whose archive is `archives/NAME.svault`.
    public mutating func addSalesperson(named name: String, now: Int64) throws {
        guard !salespeople.contains(where: { $0.name == name }) else {
            throw DepartmentError(.invalid, "\(name) is already registered", zh: "\(name) 已在部门名册中")
        }
        salespeople.append(.init(addedAt: Registry.timestamp(now), archive: "archives/\(name).svault", name: name))
    }
}
