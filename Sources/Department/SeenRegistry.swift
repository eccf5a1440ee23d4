import Foundation
import VaultCrypto

/// The administrator's record of the newest registry it signed, per department (DEPARTMENT.md
/// §3.4): kept beside the administrator's key file (`KEYFILE.seen`), so that a registry put back
/// from an older copy is never signed on top of (which would reuse a serial for other content).
public struct SeenRegistries: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        /// The serial of the newest registry signed.
        public var serial: UInt64
        /// SHA-256 of its department.json bytes, lower-case hex.
        public var sha256: String
        public init(serial: UInt64, sha256: String) {
            self.serial = serial
            self.sha256 = sha256
        }
    }

    /// By department name.
    public var departments: [String: Entry] = [:]
    public var format = 1

    public init() {}

    /// The record beside an administrator key file.
    public static func path(forAdminKey keyPath: String) -> String { keyPath + ".seen" }

    /// Reads the record; an absent file is an empty record.
    public static func load(path: String) throws -> SeenRegistries {
        guard FileManager.default.fileExists(atPath: path) else { return SeenRegistries() }
        let bytes = try KeyFile.read(path)
        guard let record = try? JSONDecoder().decode(SeenRegistries.self, from: Data(bytes)), record.format == 1 else {
            throw DepartmentError(.malformed, "\(path) is not a record of signed registries; restore it from a backup (do not delete it)",
                                  zh: "\(path) 不是有效的部门名册签名记录；请从备份恢复该文件（不要删除）")
        }
        return record
    }

    /// Writes the record atomically (a temporary file, mode 0600, `fsync`, rename).
    public func save(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes = Array(try encoder.encode(self)) + [10]
        let tmp = path + ".tmp-\(getpid())"
        unlink(tmp)
        defer { unlink(tmp) }
        try KeyFile.writeNew(bytes, to: tmp, mode: 0o600, shownAs: path)
        guard rename(tmp, path) == 0 else {
            throw DepartmentError.system(errno, "cannot write \(path)", zh: "无法写入 \(path)")
        }
        let dir = Foundation.open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }

    /// Refuses a registry (its signed bytes and serial) older than the newest one recorded for
    /// its department, or another registry with the same serial.
    public func check(name: String, serial: UInt64, bytes: [UInt8]) throws {
        guard let seen = departments[name] else { return }
        guard serial >= seen.serial else {
            throw DepartmentError(.olderRegistry,
                                  "department.json (serial \(serial)) is older than the newest registry this administrator key signed (serial \(seen.serial)): an older copy was put back. Restore the newest department.json and department.sig; nothing was signed",
                                  zh: "department.json（版本 \(serial)）比此管理员密钥签过的最新部门名册（版本 \(seen.serial)）更旧，说明有人放回了旧副本。请恢复最新的 department.json 和 department.sig；本次未签名任何内容")
        }
        if serial == seen.serial, Self.digest(bytes) != seen.sha256 {
            throw DepartmentError(.olderRegistry,
                                  "department.json (serial \(serial)) is not the registry this administrator key signed with that serial: restore the one signed last; nothing was signed",
                                  zh: "department.json（版本 \(serial)）与此管理员密钥以该版本号签过的部门名册不一致：请恢复最后签名的那一份；本次未签名任何内容")
        }
    }

    /// Records `bytes` (serial `serial`) as the newest registry of `name`.
    public mutating func record(name: String, serial: UInt64, bytes: [UInt8]) {
        departments[name] = Entry(serial: serial, sha256: Self.digest(bytes))
    }

    static func digest(_ bytes: [UInt8]) -> String {
        ((try? SHA256.hash(bytes)) ?? []).map { String(format: "%02x", $0) }.joined()
    }
}
