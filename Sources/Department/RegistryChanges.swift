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
        var registry = try current.next(now: now)
        // Each version names the one it was made from (DEPARTMENT.md §3.5).
        registry.previous = Previous(serial: baseSerial, sha256: digestHex(baseBytes))
        let serial = registry.serial
        try edit(&registry)
        // The tool never signs a jump (§3.6): one above the version it continues from (two
        // after an interrupted save, whose serial is not reused).
        guard registry.serial == serial, registry.serial == baseSerial + (recovered ? 2 : 1) else {
            throw DepartmentError(.invalid, "a change must take the next serial (\(baseSerial + 1)); nothing was signed", zh: "每次修改只能使用下一个版本号（\(baseSerial + 1)）；未签名任何内容")
        }
        try registry.validate()
        let baseSignature = try KeyFile.read(recovered ? layout.signature + ".prev" : layout.signature)
        let written = try registry.save(directory: directory, signer: signer)
        if let seenPath, var record = seen {
            record.record(name: registry.name, serial: registry.serial, bytes: written)
            try record.save(path: seenPath)
        }
        // History (§3.5): the version continued from (if not kept yet) and the new one. A
        // failure here leaves the registry signed; the next change keeps what is missing.
        try keepInHistory(layout, serial: baseSerial, json: baseBytes, signature: baseSignature)
        try keepInHistory(layout, serial: registry.serial, json: written, signature: try KeyFile.read(layout.signature))
        return Change(registry: registry, recoveredFromInterruptedSave: recovered)
    }

    /// Hands the department over to a new administrator key (DEPARTMENT.md §3.7): the current
    /// key `old` signs a statement naming `new` and the serial of the first registry `new`
    /// signs; that registry (the next version, with the statement added to `adminRotations`)
    /// is signed by `new`. Refused when `old` is not the key that signs the registry, or when
    /// `new` is the key or an earlier one. `seenOld` is checked as for any change; the new
    /// version is recorded in both records.
    @discardableResult
    public static func rotateAdmin(directory: String, old: Curve25519.Signing.PrivateKey, new newSigner: Curve25519.Signing.PrivateKey, now: Int64,
                                   seenOld: String? = nil, seenNew: String? = nil) throws -> Change {
        let new = newSigner.publicKey
        let change = try change(directory: directory, signer: newSigner, now: now, seen: seenOld) { r in
            guard r.adminKey == KeyFile.adminPublicString(old.publicKey) else {
                throw DepartmentError(.forgedRegistry, "this administrator key is not the department's (\(KeyFile.fingerprint(old.publicKey.rawRepresentation))): only the current key can hand the department over",
                                      zh: "此管理员密钥不属于本部门（\(KeyFile.fingerprint(old.publicKey.rawRepresentation))）：只有现任管理员密钥才能交接")
            }
            let newString = KeyFile.adminPublicString(new)
            guard newString != r.adminKey, !(r.adminRotations ?? []).contains(where: { $0.from == newString }) else {
                throw DepartmentError(.invalid, "the new administrator key is the current one or an earlier one; generate a new key", zh: "新的管理员密钥与当前或以前用过的密钥相同；请生成一把新密钥")
            }
            let statement = try rotation(department: r.name, from: old, to: new, serial: r.serial)
            r.adminRotations = (r.adminRotations ?? []) + [statement]
            r.adminKey = newString
        }
        if let seenNew {
            var record = try SeenRegistries.load(path: seenNew)
            record.record(name: change.registry.name, serial: change.registry.serial, bytes: try KeyFile.read(Layout(directory).registry))
            try record.save(path: seenNew)
        }
        return change
    }

    /// Creates a department folder (registry, keys/, archives/, reports/, each created mode 0750,
    /// DEPARTMENT.md §1) with an empty registry signed by `signer`; refused when a registry is
    /// there already. With `seen`, the serial continues after any registry of the same name this
    /// key signed before (a serial is never reused), and the new one is recorded.
    @discardableResult
    public static func create(directory: String, name: String, signer: Curve25519.Signing.PrivateKey, now: Int64, seen seenPath: String? = nil) throws -> Registry {
        let layout = Layout(directory)
        try PersonName.checkText(name, department: true)
        guard !FileManager.default.fileExists(atPath: layout.registry) else {
            throw DepartmentError(.alreadyExists, "\(layout.registry) exists already", zh: "\(layout.registry) 已存在")
        }
        let seen = try seenPath.map(SeenRegistries.load(path:))
        // What this call makes is taken away again when it fails (a full disk): no half-made
        // department is left behind (helper-103), only what was there before.
        var made: [String] = []
        let hadSignature = FileManager.default.fileExists(atPath: layout.signature)
        let hadHistory = FileManager.default.fileExists(atPath: layout.historyDirectory)
        var historyFiles: [String] = []
        do {
            let parent = URL(fileURLWithPath: directory).deletingLastPathComponent().path
            try makeFolders(parent, made: &made)
            for dir in [layout.root, layout.keys, layout.archives, layout.reports, layout.audit] {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue { continue }
                // Not by umask: the department's files are for its members only.
                guard mkdir(dir, 0o750) == 0 else {
                    throw DepartmentError.system(errno, "cannot create \(dir)", zh: "无法创建目录 \(dir)")
                }
                made.append(dir)
                guard chmod(dir, 0o750) == 0 else {
                    throw DepartmentError.system(errno, "cannot create \(dir)", zh: "无法创建目录 \(dir)")
                }
            }
            var registry = Registry(name: name, adminKey: signer.publicKey, now: now)
            if let last = seen?.departments[name] {
                guard last.serial < maxSerial else {
                    throw DepartmentError(.invalid, "this administrator key signed serial \(last.serial) of \(name), the bound (\(maxSerial)): no further version can be signed",
                                          zh: "此管理员密钥已为 \(name) 签署到版本 \(last.serial)，已达上限（\(maxSerial)），无法再签署新版本")
                }
                registry.serial = last.serial + 1
            }
            try registry.validate()
            // A registry of this serial kept from before is not written over (helper-107: it
            // was, silently), and one this call writes is taken away if it fails.
            let kept = layout.history(serial: registry.serial)
            let keptFiles = [kept, String(kept.dropLast(5)) + ".sig"]
            if let there = keptFiles.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                throw DepartmentError(.alreadyExists, "\(there) exists already: \(directory) holds part of another department; nothing was created. Choose an empty folder, or move that one away",
                                      zh: "文件夹 \(directory) 中已有其他部门的文件（\(there)），未创建任何内容。请换一个空文件夹，或先把该文件夹移走。")
            }
            historyFiles = keptFiles
            let written = try registry.save(directory: directory, signer: signer)
            try keepInHistory(layout, serial: registry.serial, json: written, signature: try KeyFile.read(layout.signature))
            // Last: a record of a registry that a failure then took away would make the next
            // try's serial 2 (helper-106).
            if let seenPath, var record = seen {
                record.record(name: registry.name, serial: registry.serial, bytes: written)
                try record.save(path: seenPath)
            }
            return registry
        } catch {
            // Files first (in folders that were there), then the folders made, innermost first
            // (each held only what this call wrote).
            try? FileManager.default.removeItem(atPath: layout.registry)
            if !hadSignature { try? FileManager.default.removeItem(atPath: layout.signature) }
            for file in historyFiles { unlink(file) }
            if !hadHistory { try? FileManager.default.removeItem(atPath: layout.historyDirectory) }
            for dir in made.reversed() { try? FileManager.default.removeItem(atPath: dir) }
            throw error
        }
    }

    /// Adds a manager (an escrow holder); the name and the key must both be new.
    public mutating func addManager(name: String, recipient: Curve25519.KeyAgreement.PublicKey, role: String, now: Int64,
                                    signingKey: Curve25519.Signing.PublicKey? = nil) throws {
        let name = try PersonName.normalized(name)
        try PersonName.checkText(role, department: false)
        let recipientString = AgeKeys.recipientString(recipient)
        guard !managers.contains(where: { $0.name == name || $0.recipient == recipientString }) else {
            throw DepartmentError(.invalid, "\(name) or this key is already a manager", zh: "\(name) 或此密钥已登记为经理")
        }
        let signing = signingKey.map(ManagerSigningKey.string)
        if let signing, managers.contains(where: { $0.signingKey == signing }) {
            throw DepartmentError(.invalid, "this signing key is already a manager's", zh: "此签名密钥已登记给其他经理")
        }
        managers.append(.init(addedAt: Registry.timestamp(now), name: name, recipient: recipientString, role: role, signingKey: signing))
    }

    /// Sets the audit-log signing key of a manager (DEPARTMENT.md §7.1).
    public mutating func setSigningKey(manager name: String, key: Curve25519.Signing.PublicKey) throws {
        guard let i = managers.firstIndex(where: { $0.name == name }) else {
            throw DepartmentError(.notFound, "\(name) is not a manager of this department", zh: "\(name) 不是本部门的经理")
        }
        let signing = ManagerSigningKey.string(key)
        if managers.contains(where: { $0.name != name && $0.signingKey == signing }) {
            throw DepartmentError(.invalid, "this signing key is already another manager's", zh: "此签名密钥已登记给其他经理")
        }
        managers[i].signingKey = signing
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
        // Names that differ in case alone name one file on a Windows share or a Mac (archives/
        // NAME.svault, the reports): one salesperson's archive would be the other's.
        if let other = salespeople.first(where: { $0.name.lowercased() == name.lowercased() }) {
            throw DepartmentError(.invalid, "\(name) differs from the registered \(other.name) only in upper and lower case: on a Windows share or a Mac their archives and reports would be one file; choose another name (e.g. add a staff number)",
                                  zh: "“\(name)”与已登记的“\(other.name)”仅大小写不同：在 Windows 共享盘或 Mac 上，两人的档案和周报会被当作同一个文件。请换一个名字（例如加上工号）。")
        }
        salespeople.append(.init(addedAt: Registry.timestamp(now), archive: "archives/\(name).svault", name: name))
    }
}

extension Registry {
    /// `mkdir -p` of the folder a department goes into, each failure said with its cause in both
    /// languages (Foundation's error on Linux is English only, "A file with the same name already
    /// exists" for a file where a folder belongs).
    /// The folders it creates are added to `made`, outermost first.
    static func makeFolders(_ path: String, made: inout [String]) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw DepartmentError.system(ENOTDIR, "cannot create \(path)", zh: "无法创建目录 \(path)") }
            return
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if parent != path { try makeFolders(parent, made: &made) }
        if mkdir(path, 0o755) == 0 { made.append(path); return }
        guard errno == EEXIST else {
            throw DepartmentError.system(errno, "cannot create \(path)", zh: "无法创建目录 \(path)")
        }
    }
}
