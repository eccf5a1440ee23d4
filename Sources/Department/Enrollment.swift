import Foundation
import VaultCrypto
import VaultFormat

/// Enrollment of owner keys (DEPARTMENT.md §3.8): the owner's tool leaves a request in the
/// department folder (`enroll/NAME.json`), the administrator checks its fingerprint and records
/// the key in the signed registry (`salespeople[].signingKey`) with `dept enroll`.
public struct EnrollmentRequest: Codable, Equatable, Sendable {
    public var name: String
    public var archiveId: String
    public var signingKey: String
    public var requestedAt: String

    public init(name: String, archiveId: String, signingKey: String, requestedAt: String) {
        self.name = name
        self.archiveId = archiveId
        self.signingKey = signingKey
        self.requestedAt = requestedAt
    }

    public static func folder(_ layout: Layout) -> String { layout.root + "/enroll" }
    public static func path(_ layout: Layout, name: String) -> String {
        folder(layout) + "/\(name.precomposedStringWithCanonicalMapping).json"
    }

    /// The 32-byte key.
    public func key() throws -> [UInt8] { try KeyFile.parseOwnerKey(signingKey) }

    /// The request an archive's owner makes when the registry does not list its owner key: nil
    /// when the archive is unsigned, outside a department, or the key is the enrolled one.
    public static func needed(header: ArchiveHeader, archiveID: String, ownerKey: [UInt8]?, registry: Registry?, now: Int64) -> EnrollmentRequest? {
        guard let ownerKey, let registry,
              let person = registry.salespeople.first(where: { $0.name == header.owner.precomposedStringWithCanonicalMapping })
        else { return nil }
        let key = KeyFile.ownerKeyString(ownerKey)
        guard person.signingKey != key else { return nil }
        return EnrollmentRequest(name: person.name, archiveId: archiveID, signingKey: key, requestedAt: Registry.timestamp(now))
    }

    /// Writes the request atomically (temporary file, mode 0640, `fsync`, rename); an identical
    /// pending request (same archive and key) is left as it is. Returns false when nothing was
    /// written because it was there already.
    @discardableResult
    public func write(_ layout: Layout) throws -> Bool {
        let path = Self.path(layout, name: name)
        if let existing = try? Self.load(path: path), existing.archiveId == archiveId, existing.signingKey == signingKey { return false }
        let folder = Self.folder(layout)
        if !FileManager.default.fileExists(atPath: folder) {
            guard mkdir(folder, 0o750) == 0 || errno == EEXIST else {
                throw DepartmentError(.io, "cannot create \(folder): \(String(cString: strerror(errno)))", zh: "无法创建目录 \(folder)：\(String(cString: strerror(errno)))")
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes = Array(try encoder.encode(self)) + [10]
        let tmp = folder + "/.\(name).json.tmp-\(getpid())"
        unlink(tmp)
        defer { unlink(tmp) }
        try KeyFile.writeNew(bytes, to: tmp, mode: 0o640)
        guard rename(tmp, path) == 0 else {
            throw DepartmentError(.io, "cannot write \(path): \(String(cString: strerror(errno)))", zh: "无法写入 \(path)：\(String(cString: strerror(errno)))")
        }
        let dir = Foundation.open(folder, O_RDONLY | O_DIRECTORY)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
        return true
    }

    public static func load(path: String) throws -> EnrollmentRequest {
        let bytes = try KeyFile.read(path)
        guard bytes.count <= 4096, let request = try? JSONDecoder().decode(EnrollmentRequest.self, from: Data(bytes)) else {
            throw DepartmentError(.malformed, "\(path) is not an enrollment request", zh: "\(path) 不是有效的登记申请")
        }
        _ = try request.key()
        return request
    }

    /// The pending request of `name`, if any.
    public static func pending(_ layout: Layout, name: String) -> EnrollmentRequest? {
        try? load(path: path(layout, name: name))
    }

    /// Records the request's key for its salesperson in the registry (a `Registry.change` edit).
    public func apply(to registry: inout Registry) throws {
        _ = try key()
        guard let i = registry.salespeople.firstIndex(where: { $0.name == name }) else {
            throw DepartmentError(.notFound, "\(name) is not a salesperson of this department", zh: "\(name) 不是本部门的销售人员")
        }
        registry.salespeople[i].signingKey = signingKey
    }
}
