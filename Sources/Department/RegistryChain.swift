import Foundation
import VaultCrypto
import VaultFormat

/// The registry's chain of versions, its bounded serials and the administrator key's rotations
/// (DEPARTMENT.md §3.5–§3.7): what lets an archive accept a newer registry only when it follows
/// from what the archive has seen.
extension Registry {
    /// `previous` (DEPARTMENT.md §3.5): the serial and SHA-256 of the version this one was made from.
    public struct Previous: Codable, Equatable, Sendable {
        public var serial: UInt64
        /// Lower-case hex of SHA-256 over that version's department.json bytes.
        public var sha256: String
        public init(serial: UInt64, sha256: String) {
            self.serial = serial
            self.sha256 = sha256
        }
    }

    /// One hand-over of the administrator key (DEPARTMENT.md §3.7): `from` signs that `to` signs
    /// the department's registries from serial `serial` on.
    public struct AdminRotation: Codable, Equatable, Sendable {
        public var from: String
        public var serial: UInt64
        /// Base64 (unpadded, 86 characters) of `from`'s Ed25519 signature over `message`.
        public var signature: String
        public var to: String
        public init(from: String, serial: UInt64, signature: String, to: String) {
            self.from = from
            self.serial = serial
            self.signature = signature
            self.to = to
        }
    }

    /// Serials are 1 … 2^31 (DEPARTMENT.md §3.6): readers refuse a registry above, and the
    /// administrator's tool never signs one.
    public static let maxSerial: UInt64 = 1 << 31
    /// How far above the serial an archive has seen a registry may be without its history
    /// linking the two (DEPARTMENT.md §3.6).
    public static let maxDirectStep: UInt64 = 256
    /// At most this many rotations in one registry.
    public static let maxAdminRotations = 32

    /// The bytes `from` signs to hand the department over to `to` from `serial` on:
    /// `"SalesVault admin rotation v1"` ‖ 0x00 ‖ u16 length of the department name (UTF-8,
    /// big-endian) ‖ name ‖ from (32) ‖ to (32) ‖ u64 serial (big-endian). A name longer than
    /// the u16 field holds is refused, never truncated (DEPARTMENT.md §3.7).
    public static func rotationMessage(department: String, from: [UInt8], to: [UInt8], serial: UInt64) throws -> [UInt8] {
        let name = Array(department.utf8)
        guard name.count <= Int(UInt16.max) else {
            throw DepartmentError(.invalid, "the department's name is \(name.count) bytes, more than a rotation statement's 16-bit length field holds (65,535): refused",
                                  zh: "部门名称长达 \(name.count) 字节，超出管理员交接声明中 16 位长度字段的上限（65535 字节）：已拒绝")
        }
        var m = Array("SalesVault admin rotation v1".utf8) + [0]
        m += [UInt8(truncatingIfNeeded: name.count >> 8), UInt8(truncatingIfNeeded: name.count)] + name + from + to
        for shift in stride(from: 56, through: 0, by: -8) { m.append(UInt8(truncatingIfNeeded: serial >> UInt64(shift))) }
        return m
    }

    /// The statement the current key `from` signs for the hand-over to `to` at `serial`.
    public static func rotation(department: String, from: Curve25519.Signing.PrivateKey, to: Curve25519.Signing.PublicKey, serial: UInt64) throws -> AdminRotation {
        let message = try rotationMessage(department: department, from: from.publicKey.rawRepresentation, to: to.rawRepresentation, serial: serial)
        return AdminRotation(from: KeyFile.adminPublicString(from.publicKey), serial: serial,
                             signature: Base64.encode(try from.signature(for: message)), to: KeyFile.adminPublicString(to))
    }

    /// Lower-case hex SHA-256 (the `previous` digest and the administrator's record, §3.4).
    public static func digestHex(_ bytes: [UInt8]) -> String {
        ((try? SHA256.hash(bytes)) ?? []).map { String(format: "%02x", $0) }.joined()
    }

    /// The rules of §3.5–§3.7 that need nothing but the registry: called by `validate()`.
    func validateChain() throws {
        guard serial >= 1, serial <= Self.maxSerial else {
            throw DepartmentError(.forgedRegistry, "the registry's serial \(serial) is outside 1…\(Self.maxSerial): refused",
                                  zh: "部门名册的版本号 \(serial) 超出 1…\(Self.maxSerial) 的范围：已拒绝")
        }
        if let previous {
            guard previous.serial >= 1, previous.serial < serial, previous.sha256.count == 64,
                  previous.sha256.allSatisfy({ "0123456789abcdef".contains($0) }) else {
                throw DepartmentError(.malformed, "department.json: \"previous\" must name a lower serial and a SHA-256 in lower-case hex",
                                      zh: "department.json 中的 previous 须为更小的版本号和小写十六进制的 SHA-256")
            }
        }
        guard let rotations = adminRotations else { return }
        guard !rotations.isEmpty, rotations.count <= Self.maxAdminRotations else {
            throw DepartmentError(.malformed, "department.json: adminRotations must list 1 to \(Self.maxAdminRotations) rotations",
                                  zh: "department.json 中的 adminRotations 须有 1 至 \(Self.maxAdminRotations) 条")
        }
        var keys: [String] = []
        var lastSerial: UInt64 = 0
        for (i, r) in rotations.enumerated() {
            let from = try KeyFile.parseAdminPublic(r.from)
            let to = try KeyFile.parseAdminPublic(r.to)
            guard r.serial > lastSerial, r.serial <= serial, i == 0 || rotations[i - 1].to == r.from, !keys.contains(r.from) else {
                throw DepartmentError(.forgedRegistry, "the administrator key rotations in department.json do not form one chain: refused",
                                      zh: "department.json 中的管理员密钥交接记录前后不衔接：已拒绝")
            }
            let signature = Base64.decode(Array(r.signature.utf8))
            guard let signature, signature.count == Curve25519.Signing.signatureByteCount,
                  from.isValidSignature(signature, for: try Self.rotationMessage(department: name, from: from.rawRepresentation, to: to.rawRepresentation, serial: r.serial))
            else {
                throw DepartmentError(.forgedRegistry, "a rotation of the administrator key (\(KeyFile.fingerprint(from.rawRepresentation)) → \(KeyFile.fingerprint(to.rawRepresentation))) is not signed by the key it hands over: refused",
                                      zh: "管理员密钥交接（\(KeyFile.fingerprint(from.rawRepresentation)) → \(KeyFile.fingerprint(to.rawRepresentation))）没有原密钥的有效签名：已拒绝")
            }
            keys.append(r.from)
            lastSerial = r.serial
        }
        guard rotations.last?.to == adminKey, !keys.contains(adminKey) else {
            throw DepartmentError(.forgedRegistry, "the last rotation of the administrator key does not name the key that signs this registry: refused",
                                  zh: "最后一次管理员密钥交接所指定的密钥，并不是签署本部门名册的密钥：已拒绝")
        }
    }

    /// The rotation that hands the department over from `key` (an earlier administrator key).
    public func rotation(from key: [UInt8]) -> AdminRotation? {
        adminRotations?.first { (try? KeyFile.parseAdminPublic($0.from).rawRepresentation) == key }
    }

    /// Checks the registry against what an archive pinned (DEPARTMENT.md §3.2, §3.6, §3.7): the
    /// pinned administrator key, or a key it handed over to through the rotations listed; a
    /// serial not lower than the pinned one, and, more than `maxDirectStep` above it, linked to it
    /// by `previous` through `layout`'s history.
    public func check(against pin: ArchiveHeader.DepartmentPin, layout: Layout?) throws {
        if !constantTimeEquals(try adminPublicKey.rawRepresentation, pin.adminKey) {
            guard let handover = rotation(from: pin.adminKey) else {
                throw DepartmentError(.forgedRegistry, "the registry is signed by another administrator key than the one this archive trusts (\(KeyFile.fingerprint(pin.adminKey))), and that key did not hand the department over to it",
                                      zh: "部门名册的签名密钥不是本档案信任的管理员密钥（\(KeyFile.fingerprint(pin.adminKey))），且该密钥并未将部门交接给它")
            }
            // The pinned key handed over at `handover.serial`: it cannot have signed a registry
            // at or after that serial that this archive then saw.
            guard pin.registrySerial < handover.serial else {
                throw DepartmentError(.forgedRegistry, "this archive saw serial \(pin.registrySerial) signed by the administrator key \(KeyFile.fingerprint(pin.adminKey)), which handed over at serial \(handover.serial): refused",
                                      zh: "本档案见过由管理员密钥 \(KeyFile.fingerprint(pin.adminKey)) 签署的版本 \(pin.registrySerial)，但该密钥已在版本 \(handover.serial) 交接：已拒绝")
            }
        }
        // A pinned serial beyond the bound was written by an earlier version from a registry
        // every reader now refuses (§3.6): it names no registry, so the serial checks restart
        // from this one, which the next escrow change pins (`repinSerial`).
        if pin.registrySerial > Self.maxSerial { return }
        guard serial >= pin.registrySerial else {
            throw DepartmentError(.olderRegistry, "the registry (serial \(serial)) is older than the one this archive has seen (serial \(pin.registrySerial))",
                                  zh: "部门名册（序号 \(serial)）比本档案见过的（序号 \(pin.registrySerial)）更旧")
        }
        if serial - pin.registrySerial > Self.maxDirectStep, !linksBack(to: pin.registrySerial, layout: layout) {
            throw DepartmentError(.forgedRegistry,
                                  "the registry (serial \(serial)) jumps \(serial - pin.registrySerial) versions past the one this archive has seen (serial \(pin.registrySerial)), and the department's history/ does not link them: refused",
                                  zh: "部门名册（版本 \(serial)）比本档案见过的（版本 \(pin.registrySerial)）跳过了 \(serial - pin.registrySerial) 个版本，且部门的 history/ 中没有把两者连起来的记录：已拒绝")
        }
    }

    /// The serial an archive pinned at `pinned` records when it is pinned to this registry: the
    /// higher of the two, or this one when the pinned serial is beyond the bound (§3.6).
    public func repinSerial(from pinned: UInt64) -> UInt64 {
        pinned > Self.maxSerial ? serial : max(pinned, serial)
    }

    /// True when the `previous` links, through `history/department.<serial>.json` (each
    /// authenticated by the digest the later version names), reach a version at most
    /// `maxDirectStep` above `pinned` (and not below it). Every link goes one version back (two
    /// after an interrupted save, §3.3) and every version it reaches is read from the history and
    /// checked against its digest, the last one included: a `previous` is never trusted on its
    /// own (a black-box round found one file with a `previous` naming a serial near the pin, or a
    /// far-away one, accepted without any history).
    func linksBack(to pinned: UInt64, layout: Layout?) -> Bool {
        guard let layout else { return false }
        struct Link: Decodable { let serial: UInt64; let previous: Previous? }
        var link = previous
        var current = serial
        var steps = 0
        while let p = link, steps < 1 << 20 {
            guard p.serial >= pinned, p.serial < current, current - p.serial <= 2,
                  let bytes = FileManager.default.contents(atPath: layout.history(serial: p.serial)),
                  Self.digestHex(Array(bytes)) == p.sha256,
                  let decoded = try? JSONDecoder().decode(Link.self, from: bytes), decoded.serial == p.serial
            else { return false }
            if p.serial - pinned <= Self.maxDirectStep { return true }
            link = decoded.previous
            current = p.serial
            steps += 1
        }
        return false
    }

    /// The managers' audit-log keys of the earlier versions `previous` links back to through
    /// `history/` (each version checked against the digest the later one names, as `linksBack`
    /// reads them), as `name|svmanager1…`: a key one of them gave a manager removed since.
    public func formerSigningKeys(layout: Layout) -> Set<String> {
        struct Past: Decodable {
            struct Manager: Decodable { let name: String; let signingKey: String? }
            let serial: UInt64
            let previous: Previous?
            let managers: [Manager]?
        }
        var keys = Set<String>()
        var link = previous
        var current = serial
        var steps = 0
        while let p = link, steps < 4_096 {
            guard p.serial < current, current - p.serial <= 2,
                  let bytes = FileManager.default.contents(atPath: layout.history(serial: p.serial)),
                  Self.digestHex(Array(bytes)) == p.sha256,
                  let past = try? JSONDecoder().decode(Past.self, from: bytes), past.serial == p.serial
            else { break }
            for m in past.managers ?? [] { if let key = m.signingKey { keys.insert("\(m.name)|\(key)") } }
            link = past.previous
            current = p.serial
            steps += 1
        }
        return keys
    }

    /// Keeps a signed version in `history/` (DEPARTMENT.md §3.5): `department.<serial>.json` and
    /// `.sig`, each written to a temporary file and renamed. A version already kept with the
    /// same bytes is left alone.
    static func keepInHistory(_ layout: Layout, serial: UInt64, json: [UInt8], signature: [UInt8]) throws {
        var isDir: ObjCBool = false
        if !(FileManager.default.fileExists(atPath: layout.historyDirectory, isDirectory: &isDir) && isDir.boolValue) {
            guard mkdir(layout.historyDirectory, 0o750) == 0 || errno == EEXIST, chmod(layout.historyDirectory, 0o750) == 0 else {
                throw DepartmentError.system(errno, "cannot create \(layout.historyDirectory)", zh: "无法创建目录 \(layout.historyDirectory)")
            }
        }
        let path = layout.history(serial: serial)
        for (target, bytes) in [(path, json), (String(path.dropLast(5)) + ".sig", signature)] {
            if let existing = FileManager.default.contents(atPath: target), Array(existing) == bytes { continue }
            let tmp = target + ".tmp-\(getpid())"
            unlink(tmp)
            defer { unlink(tmp) }
            try KeyFile.writeNew(bytes, to: tmp, mode: 0o644, shownAs: target)
            guard rename(tmp, target) == 0 else {
                throw DepartmentError.system(errno, "cannot write \(target)", zh: "无法写入 \(target)")
            }
        }
    }
}

extension Layout {
    /// Earlier versions of the registry (DEPARTMENT.md §3.5).
    public var historyDirectory: String { root + "/history" }
    public func history(serial: UInt64) -> String { historyDirectory + "/department.\(serial).json" }
}
