import Foundation
import VaultCrypto
import VaultFormat

/// The department's signed registry (DEPARTMENT.md §3): policy, managers and salespeople.
public struct Registry: Codable, Equatable, Sendable {
    public struct Manager: Codable, Equatable, Sendable {
        public var addedAt: String
        public var name: String
        public var recipient: String
        public var role: String
        /// The manager's Ed25519 key for the audit log, `svmanager1…` (DEPARTMENT.md §7.1);
        /// optional, left out of the file when absent (older registries keep their signature).
        public var signingKey: String?
        public init(addedAt: String, name: String, recipient: String, role: String, signingKey: String? = nil) {
            self.addedAt = addedAt
            self.name = name
            self.recipient = recipient
            self.role = role
            self.signingKey = signingKey
        }
    }

    public struct Salesperson: Codable, Equatable, Sendable {
        public var addedAt: String
        public var archive: String
        public var name: String
        /// The owner key (FORMAT.md §5.6) the administrator enrolled for this salesperson's
        /// archive, `svowner1…` (DEPARTMENT.md §3.1, §3.8); nil until enrolled, and then left out
        /// of the file.
        public var signingKey: String?
        public init(addedAt: String, archive: String, name: String, signingKey: String? = nil) {
            self.addedAt = addedAt
            self.archive = archive
            self.name = name
            self.signingKey = signingKey
        }
    }

    public struct Rotation: Codable, Equatable, Sendable {
        public var overdueDays: Int
        public var periodic: Bool
        public var remindDays: Int
        public static let standard = Rotation(overdueDays: 180, periodic: true, remindDays: 90)
    }

    public struct Policy: Codable, Equatable, Sendable {
        public var escrowThreshold: Int
        public var rotation: Rotation
        /// The IANA name of the zone the department counts days in (DEPARTMENT.md §3.1, §5);
        /// nil means Asia/Shanghai and is left out of the file, so that registries written before
        /// the field existed keep their bytes and signature.
        public var timeZone: String?
        /// The lowest password-slot scrypt cost (log2 N) an archive may have and still be
        /// compliant (DEPARTMENT.md §6); nil means FORMAT.md §5.1's creation floor, 17, and is
        /// left out of the file (registries written before the field keep their signature).
        /// Only test and demo departments set it lower.
        public var minKDFLogN: Int?
        /// The manager roles that receive the weekly reports (REPORTS.md §3); nil means the
        /// general manager and the sales director, and is left out of the file.
        public var reportRoles: [String]?
        /// The hour of Friday (department time) the weekly report is due; nil means 18:00.
        public var reportDueHour: Int?
        /// The session agent's idle limit in minutes (AGENT.md §6): the default and the longest a
        /// salesperson may choose with `unlock --idle`; nil means 15 and is left out of the file.
        public var unlockIdleMinutes: Int?
        /// The session agent's absolute limit in minutes: the default and the longest `unlock
        /// --for`; nil means 480 (8 hours) and is left out of the file. At most 1,440 (24 hours).
        public var unlockMaxMinutes: Int?
        /// The most days an A customer may go without a contact before the agenda and the weekly
        /// report's attention list name it; nil means 7 and is left out of the file.
        public var contactDaysA: Int?
        /// The same for B customers; nil means 14 and is left out of the file.
        public var contactDaysB: Int?

        /// The cost floor in force.
        public var kdfFloor: Int { minKDFLogN ?? FormatV1.minScryptLogN }
    }

    public var adminKey: String
    public var format: Int
    public var managers: [Manager]
    public var name: String
    public var policy: Policy
    public var salespeople: [Salesperson]
    public var serial: UInt64
    public var updatedAt: String
    /// The version this one was made from (DEPARTMENT.md §3.5); nil in a department's first
    /// version and in registries written before the field existed (then left out of the file).
    public var previous: Previous?
    /// The administrator key's hand-overs, oldest first (DEPARTMENT.md §3.7); nil (left out of
    /// the file) when the key was never rotated.
    public var adminRotations: [AdminRotation]?

    public static let currentFormat = 1
    public static let maxManagers = FormatV1.maxEscrowSlots

    public init(name: String, adminKey: Curve25519.Signing.PublicKey, now: Int64) {
        self.adminKey = KeyFile.adminPublicString(adminKey)
        format = Self.currentFormat
        managers = []
        self.name = name
        policy = Policy(escrowThreshold: 1, rotation: .standard)
        salespeople = []
        serial = 1
        updatedAt = Self.timestamp(now)
    }

    // MARK: Rules (DEPARTMENT.md §3.1)

    public func validate() throws {
        guard format == Self.currentFormat else {
            throw DepartmentError(.malformed, "department.json format \(format) is not known to this SalesVault", zh: "此版本 SalesVault 不认识 department.json 格式 \(format)")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw DepartmentError(.invalid, "the department needs a name", zh: "部门需要名称") }
        _ = try KeyFile.parseAdminPublic(adminKey)
        try validateChain()  // bounded serial, previous, key rotations (DEPARTMENT.md §3.5–§3.7)
        guard managers.count <= Self.maxManagers else {
            throw DepartmentError(.invalid, "at most \(Self.maxManagers) managers", zh: "经理最多 \(Self.maxManagers) 名")
        }
        guard Set(managers.map(\.name)).count == managers.count, Set(managers.map(\.recipient)).count == managers.count else {
            throw DepartmentError(.invalid, "a manager name or key is listed twice", zh: "经理姓名或密钥重复")
        }
        for m in managers {
            _ = try KeyFile.parseRecipient(m.recipient)
            if let key = m.signingKey { _ = try ManagerSigningKey.parse(key) }
            let n = m.name.utf8.count
            guard n >= 1, n <= FormatV1.maxHolderNameBytes, !m.name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw DepartmentError(.invalid, "manager names are 1 to 64 bytes without control characters", zh: "经理姓名须为 1 至 64 字节且不含控制字符")
            }
        }
        for s in salespeople {
            try PersonName.check(s.name)
            if let key = s.signingKey { _ = try KeyFile.parseOwnerKey(key) }
            guard s.archive == "archives/\(s.name).svault" else {
                throw DepartmentError(.invalid, "the archive of \(s.name) must be archives/\(s.name).svault", zh: "\(s.name) 的档案必须是 archives/\(s.name).svault")
            }
        }
        guard Set(salespeople.map(\.name)).count == salespeople.count else {
            throw DepartmentError(.invalid, "a salesperson is listed twice", zh: "销售人员重复")
        }
        let k = policy.escrowThreshold
        guard k >= 1 else {
            throw DepartmentError(.invalid, "the escrow threshold is the number of managers who must act together: 1 or more (got \(k))",
                                  zh: "托管门限指需要共同操作才能调阅档案的经理人数，至少为 1（填写的是 \(k)）")
        }
        guard k == 1 || k <= managers.count else {
            throw DepartmentError(.invalid, "an escrow threshold of \(k) needs at least \(k) managers (there are \(managers.count))",
                                  zh: "托管门限 \(k) 需要至少 \(k) 名经理（现有 \(managers.count) 名）")
        }
        let r = policy.rotation
        if r.periodic {
            guard r.remindDays >= 7, r.remindDays < r.overdueDays, r.overdueDays <= 730 else {
                throw DepartmentError(.invalid, "rotation days must satisfy 7 ≤ reminder < overdue ≤ 730 (got \(r.remindDays) and \(r.overdueDays))",
                                      zh: "轮换天数须满足 7 ≤ 提醒 < 逾期 ≤ 730（填写的是提醒 \(r.remindDays) 天、逾期 \(r.overdueDays) 天）")
            }
        }
        if let floor = policy.minKDFLogN, !(FormatV1.minTestingScryptLogN...FormatV1.maxScryptLogN).contains(floor) {
            throw DepartmentError(.invalid, "the minimum scrypt cost must be 2^\(FormatV1.minTestingScryptLogN)…2^\(FormatV1.maxScryptLogN) (got 2^\(floor))",
                                  zh: "密码保护成本下限须在 2^\(FormatV1.minTestingScryptLogN) 到 2^\(FormatV1.maxScryptLogN) 之间（填写的是 2^\(floor)）")
        }
        for (grade, days) in [("A", policy.contactDaysA), ("B", policy.contactDaysB)] {
            if let days, !(1...365).contains(days) {
                throw DepartmentError(.invalid, "the contact interval of \(grade) customers must be 1…365 days (got \(days))",
                                      zh: "\(grade) 类客户的联系间隔须为 1 至 365 天（填写的是 \(days) 天）")
            }
        }
        if let hour = policy.reportDueHour, !(1...24).contains(hour) {
            throw DepartmentError(.invalid, "the weekly report's due hour must be 1…24 (got \(hour))", zh: "周报截止时间须为 1 至 24 点（填写的是 \(hour)）")
        }
        if let roles = policy.reportRoles, roles.isEmpty || roles.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw DepartmentError(.invalid, "name at least one role that receives the weekly reports", zh: "请至少指定一个接收周报的经理角色")
        }
        try SessionLimits.validate(policy)
        if let zone = policy.timeZone, DepartmentCalendar(zoneName: zone) == nil {
            throw DepartmentError(.invalid, "unknown time zone \"\(zone)\"; give an IANA name such as Asia/Shanghai or Asia/Hong_Kong (not an abbreviation like CST)",
                                  zh: "未知的时区“\(zone)”；请使用 IANA 名称，例如 Asia/Shanghai 或 Asia/Hong_Kong（不要用 CST 之类的缩写）")
        }
    }

    public var adminPublicKey: Curve25519.Signing.PublicKey {
        get throws { try KeyFile.parseAdminPublic(adminKey) }
    }

    /// The escrow holders and threshold archives should have (DEPARTMENT.md §4).
    public func escrowPlan() throws -> Vault.EscrowPlan {
        let holders = try managers.map { EscrowSlot.Holder(name: $0.name, recipient: try KeyFile.parseRecipient($0.recipient)) }
        return Vault.EscrowPlan(holders: holders, threshold: policy.escrowThreshold,
                                pin: ArchiveHeader.DepartmentPin(adminKey: try adminPublicKey.rawRepresentation, registrySerial: serial))
    }

    /// The department's days (DEPARTMENT.md §5): `policy.timeZone`, or Asia/Shanghai.
    public var calendar: DepartmentCalendar {
        policy.timeZone.flatMap(DepartmentCalendar.init(zoneName:)) ?? .standard
    }

    public var rotationPolicy: RotationPolicy { RotationPolicy(policy.rotation, calendar: calendar) }

    // MARK: Encoding and signature (DEPARTMENT.md §3.2)

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [10]
    }

    /// Reads `department.json` and `department.sig` of `directory`, verifying the signature with
    /// the key the file names before trusting anything else in it.
    public static func load(directory: String) throws -> Registry {
        let layout = Layout(directory)
        let registry = try load(json: layout.registry, signature: layout.signature)
        try refusePutBack(registry, layout: layout)
        return registry
    }

    /// DEPARTMENT.md §3.5: a registry older than a version the same administrator key already
    /// signed — `history/department.<serial + 1>.json`, or a `.prev` pair with a higher serial —
    /// was put back (which un-enrolls keys, brings back removed managers…): refused. The tool
    /// keeps a version in history/ only after its save completed, so an interrupted save never
    /// leaves one.
    static func refusePutBack(_ registry: Registry, layout: Layout) throws {
        let next = layout.history(serial: registry.serial + 1)
        let candidates = [(next, String(next.dropLast(5)) + ".sig"), (layout.registry + ".prev", layout.signature + ".prev")]
        for (json, signature) in candidates where FileManager.default.fileExists(atPath: json) {
            guard let newer = try? load(json: json, signature: signature), newer.serial > registry.serial, newer.adminKey == registry.adminKey
            else { continue }
            let name = URL(fileURLWithPath: json).lastPathComponent
            throw DepartmentError(.olderRegistry,
                "department.json (serial \(registry.serial)) is older than a version the administrator already signed (\(name), serial \(newer.serial)): an older registry was put back; refused. The administrator restores the latest version from history/ (department.<serial>.json and .sig)",
                zh: "department.json（版本 \(registry.serial)）比管理员已签署的版本（\(name)，版本 \(newer.serial)）旧：有人换回了旧的部门名册，已拒绝。请管理员从 history/ 恢复最新版本（department.<版本>.json 及 .sig）")
        }
    }

    /// For the administrator's own changes: the current pair, or, when it does not verify (a
    /// save interrupted between its two renames, DEPARTMENT.md §3.3), the previous pair kept by
    /// `save`, with `recovered` set so the tool can say so. Readers never fall back.
    public static func loadForChange(directory: String) throws -> (registry: Registry, recovered: Bool) {
        let layout = Layout(directory)
        do {
            // The administrator's own checks of a put-back version (the key's record and the
            // previous pair, DEPARTMENT.md §3.3) come after this, with their own message.
            return (try load(json: layout.registry, signature: layout.signature), false)
        } catch let error as DepartmentError where error.code == .forgedRegistry {
            // Only the one shape a crash leaves: the new JSON renamed, the signature not yet, so
            // department.sig is still the previous one, byte for byte, and the unsigned JSON
            // claims the next serial under the same key. Anything else is reported as forged.
            guard let previous = try? load(json: layout.registry + ".prev", signature: layout.signature + ".prev"),
                  let sig = FileManager.default.contents(atPath: layout.signature),
                  let prevSig = FileManager.default.contents(atPath: layout.signature + ".prev"), sig == prevSig,
                  let json = FileManager.default.contents(atPath: layout.registry),
                  let unsigned = try? JSONDecoder().decode(Registry.self, from: json),
                  unsigned.serial == previous.serial + 1, unsigned.adminKey == previous.adminKey
            else { throw error }
            // The lost change's serial is never reused.
            var recovered = previous
            recovered.serial = unsigned.serial
            return (recovered, true)
        }
    }

    static func load(json jsonPath: String, signature signaturePath: String) throws -> Registry {
        let json = try KeyFile.read(jsonPath)
        let layout = (registry: jsonPath, signature: signaturePath)
        guard let sigData = FileManager.default.contents(atPath: layout.signature) else {
            throw DepartmentError(.forgedRegistry, "\(layout.signature) is missing: the registry is not signed", zh: "缺少 \(layout.signature)：部门名册未签名")
        }
        guard let signature = Base64.decode(String(decoding: sigData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              signature.count == Curve25519.Signing.signatureByteCount
        else { throw DepartmentError(.forgedRegistry, "department.sig is not a signature", zh: "department.sig 不是有效签名") }
        // Only the key is read before the signature is checked.
        struct KeyOnly: Decodable { let adminKey: String }
        guard let keyOnly = try? JSONDecoder().decode(KeyOnly.self, from: Data(json)) else {
            throw DepartmentError(.malformed, "department.json is not a registry", zh: "department.json 不是部门名册文件")
        }
        let key = try KeyFile.parseAdminPublic(keyOnly.adminKey)
        guard key.isValidSignature(signature, for: json) else {
            throw DepartmentError(.forgedRegistry, "department.json does not match its signature: it was changed without the administrator's key",
                                  zh: "department.json 与签名不符：在没有管理员密钥的情况下被修改")
        }
        try integersOnly(json)
        let registry: Registry
        do { registry = try JSONDecoder().decode(Registry.self, from: Data(json)) } catch {
            throw DepartmentError(.malformed, "department.json: \(error)", zh: "department.json 格式错误：\(error)")
        }
        try registry.validate()
        return registry
    }

    /// Every number in department.json is an integer written as digits (DEPARTMENT.md §3.1): a
    /// fraction or an exponent (`6.0`, `6e0`) is refused, even where it equals an integer, so one
    /// signed version has one reading.
    static func integersOnly(_ json: [UInt8]) throws {
        var inString = false
        var escaped = false
        var i = 0
        while i < json.count {
            let c = json[i]
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if c == UInt8(ascii: "\"") { inString = true; i += 1; continue }
            if c == UInt8(ascii: "-") || (48...57).contains(c) {
                var j = i
                while j < json.count, json[j] == UInt8(ascii: "-") || json[j] == UInt8(ascii: "+") || json[j] == UInt8(ascii: ".")
                        || json[j] == UInt8(ascii: "e") || json[j] == UInt8(ascii: "E") || (48...57).contains(json[j]) { j += 1 }
                let token = json[i..<j]
                if token.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "+") }) {
                    let text = String(decoding: token, as: UTF8.self)
                    throw DepartmentError(.malformed, "department.json: the number \(text) is not an integer written as digits (no fraction or exponent): refused",
                                          zh: "department.json 中的数值 \(text) 不是只用数字书写的整数（不得带小数点或指数）：已拒绝")
                }
                i = j
                continue
            }
            i += 1
        }
    }

    /// Checks the registry against what an archive pinned (DEPARTMENT.md §3.2), without the
    /// department's history: see `check(against:layout:)` (RegistryChain.swift).
    public func check(against pin: ArchiveHeader.DepartmentPin) throws {
        try check(against: pin, layout: nil)
    }

    /// Signs and writes the registry: both files to temporaries, `fsync`, then renamed, the
    /// signature last (DEPARTMENT.md §3.3). Returns the bytes of department.json written.
    @discardableResult
    public func save(directory: String, signer: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        try validate()
        guard signer.publicKey == (try adminPublicKey) else {
            if let handover = rotation(from: signer.publicKey.rawRepresentation), let to = try? KeyFile.parseAdminPublic(handover.to) {
                // A key rotated away (DEPARTMENT.md §3.7) signs nothing any more.
                throw DepartmentError(.invalid, "this administrator key (\(KeyFile.fingerprint(signer.publicKey.rawRepresentation))) handed the department over to \(KeyFile.fingerprint(to.rawRepresentation)) at serial \(handover.serial): sign with the new key",
                                      zh: "此管理员密钥（\(KeyFile.fingerprint(signer.publicKey.rawRepresentation))）已于版本 \(handover.serial) 将部门交接给 \(KeyFile.fingerprint(to.rawRepresentation))：请改用新密钥签名")
            }
            throw DepartmentError(.forgedRegistry, "this administrator key is not the department's (\(KeyFile.fingerprint(signer.publicKey.rawRepresentation)))",
                                  zh: "此管理员密钥不属于本部门（\(KeyFile.fingerprint(signer.publicKey.rawRepresentation))）")
        }
        let layout = Layout(directory)
        let json = try encoded()
        let signature = Array((Base64.encode(try signer.signature(for: json)) + "\n").utf8)
        let tmpJSON = layout.registry + ".tmp-\(getpid())"
        let tmpSig = layout.signature + ".tmp-\(getpid())"
        defer {
            unlink(tmpJSON)
            unlink(tmpSig)
        }
        try KeyFile.writeNew(json, to: tmpJSON, mode: 0o644, shownAs: layout.registry)
        try KeyFile.writeNew(signature, to: tmpSig, mode: 0o644, shownAs: layout.signature)
        // Keep the current pair (if it verifies) for recovery from a crash between the renames.
        if (try? Registry.load(directory: directory)) != nil {
            for (from, to) in [(layout.registry, layout.registry + ".prev"), (layout.signature, layout.signature + ".prev")] {
                unlink(to)
                guard link(from, to) == 0 else { throw DepartmentError(.io, "cannot keep \(from) as \(to)", zh: "无法保留 \(from) 为 \(to)") }
            }
        }
        guard rename(tmpJSON, layout.registry) == 0, rename(tmpSig, layout.signature) == 0 else {
            throw DepartmentError(.io, "cannot replace the registry in \(directory)", zh: "无法更新 \(directory) 中的部门名册")
        }
        let dir = Foundation.open(directory, O_RDONLY | O_DIRECTORY)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
        return json
    }

    /// The same registry with the next serial and time, for a change; refused at the bound
    /// (DEPARTMENT.md §3.6), never wrapped or trapped.
    public func next(now: Int64) throws -> Registry {
        guard serial < Self.maxSerial else {
            throw DepartmentError(.invalid, "the registry's serial \(serial) has reached the bound \(Self.maxSerial): no further version can be signed",
                                  zh: "部门名册的版本号 \(serial) 已达上限 \(Self.maxSerial)，无法再签署新版本")
        }
        var r = self
        r.serial += 1
        r.updatedAt = Self.timestamp(now)
        return r
    }

    /// RFC 3339 in UTC (`2026-01-01T10:00:00Z`), without a date formatter (the compliance check
    /// formats three per archive).
    public static func timestamp(_ t: Int64) -> String {
        var tm = tm()
        var time = time_t(t)
        gmtime_r(&time, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)
    }
}

/// The department's files (DEPARTMENT.md §1).
public struct Layout: Sendable {
    public let root: String
    public init(_ root: String) { self.root = root }
    public var registry: String { root + "/department.json" }
    public var signature: String { root + "/department.sig" }
    public var keys: String { root + "/keys" }
    public var archives: String { root + "/archives" }
    public var reports: String { root + "/reports" }
    /// The escrow audit logs (DEPARTMENT.md §7.2).
    public var audit: String { root + "/audit" }
    /// The archive of a salesperson, the name in NFC (DEPARTMENT.md §3.1).
    public func archive(of owner: String) -> String { archives + "/\(owner.precomposedStringWithCanonicalMapping).svault" }

    /// The department an archive belongs to: the directory above `archives/` holding a
    /// `department.json`, if any.
    public static func containing(archive path: String) -> Layout? {
        // The archive's real place: a symbolic link to it, or to its folder, still finds its
        // department (and so its policy: unlock limits, registry checks).
        let dir = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().deletingLastPathComponent()
        for candidate in [dir.deletingLastPathComponent(), dir] where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("department.json").path) {
            return Layout(candidate.path)
        }
        return nil
    }
}
