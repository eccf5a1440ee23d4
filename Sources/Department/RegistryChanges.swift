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
    /// With `seen` (the record beside the administrator key file, DEPARTMENT.md §3.4), a registry
    /// older than the newest this key signed is refused, and the new one is recorded.
    @discardableResult
    public static func change(directory: String, signer: Curve25519.Signing.PrivateKey, now: Int64, seen seenPath: String? = nil,
                              _ edit: (inout Registry) throws -> Void) throws -> Change {
        let (current, recovered) = try loadForChange(directory: directory)
        let layout = Layout(directory)
        // The signed bytes the change continues from: department.json, or after an interrupted
        // save the previous pair (whose serial is one below the lost change's).
        let basePath = recovered ? layout.registry + ".prev" : layout.registry
        let baseBytes = try KeyFile.read(basePath)
        let baseSerial = recovered ? current.serial - 1 : current.serial
        if !recovered, let previous = try? load(json: layout.registry + ".prev", signature: layout.signature + ".prev"),
           previous.adminKey == current.adminKey,
           previous.serial > current.serial
            || (previous.serial == current.serial && (try? KeyFile.read(layout.registry + ".prev")) != baseBytes) {
            throw DepartmentError(.olderRegistry,
                                  "department.json (serial \(current.serial)) is older than department.json.prev (serial \(previous.serial)): an older copy was put back. Restore the newest registry; nothing was signed",
                                  zh: "department.json（版本 \(current.serial)）比 department.json.prev（版本 \(previous.serial)）更旧：有人放回了旧副本。请恢复最新的部门名册；未签名任何内容")
        }
        let seen = try seenPath.map(SeenRegistries.load(path:))
        try seen?.check(name: current.name, serial: baseSerial, bytes: baseBytes)
        var registry = current.next(now: now)
        try edit(&registry)
        try registry.validate()
        let written = try registry.save(directory: directory, signer: signer)
        if let seenPath, var record = seen {
            record.record(name: registry.name, serial: registry.serial, bytes: written)
            try record.save(path: seenPath)
        }
        return Change(registry: registry, recoveredFromInterruptedSave: recovered)
    }

    /// Creates a department folder (registry, keys/, archives/, reports/, each created mode 0750,
    /// DEPARTMENT.md §1) with an empty registry signed by `signer`; refused when a registry is
    /// there already. With `seen`, the serial continues after any registry of the same name this
    /// key signed before (a serial is never reused), and the new one is recorded.
    @discardableResult
    public static func create(directory: String, name: String, signer: Curve25519.Signing.PrivateKey, now: Int64, seen seenPath: String? = nil) throws -> Registry {
        let layout = Layout(directory)
        guard !FileManager.default.fileExists(atPath: layout.registry) else {
            throw DepartmentError(.alreadyExists, "\(layout.registry) exists already", zh: "\(layout.registry) 已存在")
        }
        let seen = try seenPath.map(SeenRegistries.load(path:))
        let parent = URL(fileURLWithPath: directory).deletingLastPathComponent().path
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw DepartmentError(.io, "cannot create \(parent): \(error.localizedDescription)", zh: "无法创建目录 \(parent)：\(error.localizedDescription)")
        }
        for dir in [layout.root, layout.keys, layout.archives, layout.reports] {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue { continue }
            // Not by umask: the department's files are for its members only.
            guard mkdir(dir, 0o750) == 0, chmod(dir, 0o750) == 0 else {
                let reason = String(cString: strerror(errno))
                throw DepartmentError(.io, "cannot create \(dir): \(reason)", zh: "无法创建目录 \(dir)：\(reason)")
            }
        }
        var registry = Registry(name: name, adminKey: signer.publicKey, now: now)
        if let last = seen?.departments[name] { registry.serial = last.serial + 1 }
        try registry.validate()
        let written = try registry.save(directory: directory, signer: signer)
        if let seenPath, var record = seen {
            record.record(name: registry.name, serial: registry.serial, bytes: written)
            try record.save(path: seenPath)
        }
        return registry
    }

    /// Adds a manager (an escrow holder); the name and the key must both be new.
    public mutating func addManager(name: String, recipient: Curve25519.KeyAgreement.PublicKey, role: String, now: Int64) throws {
        let name = try PersonName.normalized(name)
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
                                  zh: "现行政策须 \(policy.escrowThreshold) 名经理共同调阅，移除 \(name) 后只剩 \(managers.count - 1) 名；请先降低所需人数（dept policy --threshold N）")
        }
        managers.remove(at: i)
    }

    /// Registers a salesperson, whose archive is `archives/NAME.svault`.
    /// The name is checked and stored in NFC (`PersonName`).
    public mutating func addSalesperson(named name: String, now: Int64) throws {
        let name = try PersonName.normalized(name)
        guard !salespeople.contains(where: { $0.name == name }) else {
            throw DepartmentError(.invalid, "\(name) is already registered", zh: "\(name) 已在部门名册中")
        }
        salespeople.append(.init(addedAt: Registry.timestamp(now), archive: "archives/\(name).svault", name: name))
    }
}
