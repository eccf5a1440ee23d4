import Foundation
import VaultCrypto
import SalesArchive
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
        var st = stat()
        if lstat(folder, &st) != 0 {
            guard mkdir(folder, 0o750) == 0 || errno == EEXIST else {
                throw DepartmentError.system(errno, "cannot create \(folder)", zh: "无法创建目录 \(folder)")
            }
        } else if (st.st_mode & S_IFMT) != S_IFDIR {
            // Round 4, N7: a symbolic link (or a file) in its place is not followed.
            throw DepartmentError(.io, "\(folder) is not a folder (a symbolic link or a file is in its place): nothing was written there",
                                  zh: "\(folder) 不是文件夹，而是符号链接或文件，未写入任何内容")
        }
        let bytes = canonical
        let tmp = folder + "/.\(name).json.tmp-\(getpid())"
        unlink(tmp)
        defer { unlink(tmp) }
        try KeyFile.writeNew(bytes, to: tmp, mode: 0o640, shownAs: path)
        guard rename(tmp, path) == 0 else {
            throw DepartmentError.system(errno, "cannot write \(path)", zh: "无法写入 \(path)")
        }
        let dir = Foundation.open(folder, O_RDONLY | O_DIRECTORY)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
        return true
    }

    /// The most a request may take (one is some 300 bytes).
    static let maxSize = 4096

    /// Reads a request (round 4, N4 and N7): a regular file, not followed if it is a symbolic
    /// link, not waited on if it is a FIFO, refused unread above `maxSize`; exactly the form the
    /// owner's tool writes (the four members once each, sorted, nothing else: a member given
    /// twice or an extra one, never shown to the administrator, is refused).
    public static func load(path: String) throws -> EnrollmentRequest {
        let bytes: [UInt8]
        do { bytes = try RegularFile.read(path, limit: maxSize) } catch {
            switch error {
            case .missing: throw DepartmentError(.notFound, "\(path) does not exist", zh: "\(path) 不存在")
            case .symbolicLink:
                throw DepartmentError(.malformed, "\(path) is a symbolic link, not an enrollment request: refused", zh: "\(path) 是符号链接，不是登记申请，已拒绝")
            case .notRegular:
                throw DepartmentError(.malformed, "\(path) is not a regular file (a FIFO, device or folder), not an enrollment request: refused",
                                      zh: "\(path) 不是普通文件（是管道、设备或文件夹），不是登记申请，已拒绝")
            case .tooLarge(let size):
                throw DepartmentError(.malformed, "\(path) is \(size) bytes, far more than an enrollment request (at most \(maxSize)): refused unread",
                                      zh: "\(path) 有 \(size) 字节，远超登记申请的大小（最多 \(maxSize) 字节），未读取，已拒绝")
            case .io(let e):
                throw DepartmentError.system(e, "cannot read \(path)", zh: "无法读取 \(path)")
            }
        }
        guard let request = try? JSONDecoder().decode(EnrollmentRequest.self, from: Data(bytes)), request.canonical == bytes else {
            throw DepartmentError(.malformed, "\(path) is not an enrollment request as SalesVault writes it (it may have been altered); ask the salesperson to unlock their archive once: that writes a new request",
                                  zh: "\(path) 不是 SalesVault 生成的有效登记申请（可能被改动过）；请该销售人员重新解锁一次档案，会自动重新生成申请")
        }
        _ = try request.key()
        return request
    }

    /// The bytes `write` puts in the file (the only form `load` takes).
    public var canonical: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(self)).map(Array.init) ?? []) + [10]
    }

    /// The pending request of `name`, if any.
    public static func pending(_ layout: Layout, name: String) -> EnrollmentRequest? {
        try? load(path: path(layout, name: name))
    }

    /// The checks `dept enroll` makes before anything is shown (DEPARTMENT.md §3.8): every field
    /// free of control and invisible characters; `archiveId` 32 lowercase hex digits, equal to the
    /// id of the salesperson's archive in the department (`registry` gives its path); the key a
    /// strong owner key, equal to the key that validly signs that archive's header now (keyless
    /// checks of FORMAT.md §5.6 from record 0); `requestedAt` an RFC 3339 UTC time.
    /// Returns the key enrolled before, if any (the request replaces it).
    @discardableResult
    public func validate(layout: Layout, registry: Registry, now: Int64? = nil) throws -> [UInt8]? {
        for (field, value) in [("name", name), ("archiveId", archiveId), ("signingKey", signingKey), ("requestedAt", requestedAt)] {
            guard !value.unicodeScalars.contains(where: { FieldFormat.isTerminalUnsafe($0) || $0 == "\t" || $0 == "\n" }) else {
                throw DepartmentError(.malformed, "the enrollment request of \(name.debugDescription) has control or invisible characters in \(field): refused",
                                      zh: "登记申请（\(name.debugDescription)）的 \(field) 字段含有控制字符或不可见字符，已拒绝")
            }
        }
        let key = try key()
        guard archiveId.count == 2 * FormatV1.archiveIDSize, archiveId.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            throw DepartmentError(.malformed, "the enrollment request of \(name) has no valid archive id (32 lowercase hex digits): refused",
                                  zh: "\(name) 的登记申请中档案编号无效（应为 32 位小写十六进制数字），已拒绝")
        }
        guard requestedAt.count == 20, let t = ISO8601DateFormatter().date(from: requestedAt), Registry.timestamp(Int64(t.timeIntervalSince1970)) == requestedAt else {
            throw DepartmentError(.malformed, "the enrollment request of \(name) has no valid time (requestedAt, e.g. 2026-01-08T09:00:00Z): refused",
                                  zh: "\(name) 的登记申请中申请时间 requestedAt 无效（格式应如 2026-01-08T09:00:00Z），已拒绝")
        }
        // Round 4, N7: a request is made when the owner unlocks, so never later than now (a day
        // of clock difference between two computers allowed).
        if let now, Int64(t.timeIntervalSince1970) > now + 86_400 {
            throw DepartmentError(.malformed, "the enrollment request of \(name) is dated \(requestedAt), after today: the owner's computer clock is wrong, or the request was edited; refused",
                                  zh: "\(name) 的登记申请时间为 \(requestedAt)，晚于今天（可能是档案所有人电脑的时钟有误，或申请被改动过），已拒绝")
        }
        guard let person = registry.salespeople.first(where: { $0.name == name }) else {
            throw DepartmentError(.notFound, "\(name) is not a salesperson of this department", zh: "\(name) 不是本部门的销售人员")
        }
        let archive = layout.root + "/" + person.archive
        let inspection: ArchiveInspection
        do {
            guard let opened = try DepartmentScan.open(path: archive) else { throw VaultError(.notAnArchive, "\(archive) is not a regular file") }
            inspection = opened.inspection
            guard inspection.prefix.archiveIDHex == archiveId else {
                throw DepartmentError(.invalid, "the request names archive \(archiveId), but \(person.archive) is archive \(inspection.prefix.archiveIDHex): refused (a request must come from \(name)'s own archive)",
                                      zh: "登记申请中的档案编号为 \(archiveId)，但 \(person.archive) 的档案编号是 \(inspection.prefix.archiveIDHex)，已拒绝（登记申请必须来自 \(name) 本人的档案）")
            }
            guard case .valid(let signing) = try RecordDigest.check(inspection.header, prefix: inspection.prefix, bodyAt: opened.name), signing == key else {
                throw DepartmentError(.invalid, "the request's key \(KeyFile.fingerprint(key)) is not the key that validly signs \(person.archive) now: refused (the owner's tool writes the request after signing the archive; ask \(name) to unlock it once)",
                                      zh: "登记申请中的密钥（指纹 \(KeyFile.fingerprint(key))）与当前有效签署 \(person.archive) 的密钥不符，已拒绝（档案所有人的 SalesVault 在签署档案之后才会生成登记申请；请 \(name) 先解锁一次档案）")
            }
        } catch let e as VaultError {
            throw DepartmentError(.invalid, "\(person.archive) cannot be read to check the request (\(e.reason)): refused", zh: "无法读取 \(person.archive) 以核对登记申请（\(e.reason)），已拒绝")
        }
        return person.signingKey.flatMap { try? KeyFile.parseOwnerKey($0) }
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
