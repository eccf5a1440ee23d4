import Foundation
import VaultCrypto
import VaultFormat

/// Owner-signature rules that need the department (FORMAT.md §5.6 "stripped", DEPARTMENT.md §6):
/// shared by the compliance check, `escrow verify`, `escrow open` and the owner's unlock.
extension OwnerSignatureVerdict {
    /// An **unsigned** header (no 0x12, no 0x13) while the registry has enrolled an owner key for
    /// this salesperson is **stripped** (FORMAT.md §5.6, DEPARTMENT.md §6): the owner's fields were
    /// removed by someone holding the data key, or an older copy was put back. The one exception
    /// is an escrow password reset: the `mustChangePassword` flag set **and** `resetLogged()` —
    /// the department's audit log holds a trusted reset of this archive, still in it, naming the
    /// key enrolled now (`resetLogged(_:person:)`). The flag alone is the data-key holder's word.
    /// Nil when the rule does not apply; the reason in English and Chinese otherwise.
    public static func stripped(_ header: ArchiveHeader, person: Registry.Salesperson?, resetLogged: () -> Bool) -> (en: String, zh: String)? {
        guard header.ownerSecrets == nil, header.ownerSignature == nil,
              let person, let text = person.signingKey, let key = try? KeyFile.parseOwnerKey(text)
        else { return nil }
        let fingerprint = KeyFile.fingerprint(key)
        guard header.flags.contains(.mustChangePassword) else {
            return ("the owner signature was removed (no owner secrets, no signature, no escrow reset pending) although the department enrolled \(person.name)'s key \(fingerprint)",
                    "所有人签名已被删除（档案头中既没有所有人密钥数据和签名，也没有待完成的托管重置），而部门已为 \(person.name) 登记了签名密钥 \(fingerprint)")
        }
        if resetLogged() { return nil }
        return ("the owner signature was removed and the archive made to look reset through escrow: the department's audit log has no escrow password reset of it made while \(person.name)'s key \(fingerprint) was enrolled",
                "所有人签名已被删除，档案被伪装成经过托管重置：部门审计日志中没有在 \(person.name) 的签名密钥 \(fingerprint) 登记期间对本档案所做的托管重置记录")
    }

    /// Whether `audit` holds a trusted `resetPassword` entry whose record is still in the archive
    /// and whose `ownerKey` is the key the registry enrolls for `person` now (DEPARTMENT.md §7.2).
    public static func resetLogged(_ audit: ArchiveAudit, person: Registry.Salesperson) -> Bool {
        guard let enrolled = person.signingKey.flatMap({ try? KeyFile.parseOwnerKey($0) }) else { return false }
        return audit.items?.contains { item in
            // (Also a reset by a manager removed since, signed with the key the registry then
            // gave them: the owner was locked out, the reset read as a forgery: helper-156.)
            let present = item.line.trust == .trusted ? item.match : item.formerMatch
            guard let entry = item.line.entry, entry.action == "resetPassword",
                  present == .present || present == .presentOlderKey,
                  let named = entry.ownerKey.flatMap({ try? KeyFile.parseOwnerKey($0) })
            else { return false }
            return named == enrolled
        } ?? false
    }

    /// When `key` was last the salesperson's enrolled key by the department's audit log: the
    /// time of the latest trusted escrow password reset of this archive naming it (whether or not
    /// the archive still holds that reset's record: a copy from before the reset does not), or
    /// nil. An archive signed with it, once another key is enrolled, is a copy from before that
    /// reset put back, or changed by someone who has that key's password (helper-182 L3: it was
    /// said only "not the enrolled key").
    public static func formerlyEnrolled(_ audit: ArchiveAudit, key: [UInt8]) -> Int64? {
        var latest: Int64?
        for item in audit.items ?? [] {
            guard item.line.trust == .trusted || item.formerMatch != nil, let entry = item.line.entry, entry.action == "resetPassword",
                  let named = entry.ownerKey.flatMap({ try? KeyFile.parseOwnerKey($0) }), named == key else { continue }
            latest = max(latest ?? entry.time, entry.time)
        }
        return latest
    }

    /// What the "stripped" rule needs of an archive's department: its registered salesperson, and
    /// the department (folder and verified registry) whose audit log is read for a reset.
    public struct Context {
        public let person: Registry.Salesperson
        public let layout: Layout
        public let registry: Registry
        public init(person: Registry.Salesperson, layout: Layout, registry: Registry) {
            (self.person, self.layout, self.registry) = (person, layout, registry)
        }

        /// For the archive at `path`: its department's verified registry (the one given, or loaded
        /// here); nil outside a department, without a trusted registry, or without a salesperson.
        public static func of(path: String, header: ArchiveHeader, registry: Registry?, departmentOverride: String?) -> Context? {
            guard let layout = ArchiveDepartment.layout(forArchive: path, override: departmentOverride),
                  let registry = registry ?? (try? ArchiveDepartment.registry(forArchive: path, header: header, override: departmentOverride)) ?? nil,
                  let person = salesperson(forArchive: path, header: header, registry: registry, layout: layout)
            else { return nil }
            return Context(person: person, layout: layout, registry: registry)
        }
    }

    /// `stripped` for an open archive (`fd`, its header and id), its department's log read only
    /// when the reset flag is set.
    public static func stripped(_ header: ArchiveHeader, archiveID: String, file fd: Int32, department: Context?) -> (en: String, zh: String)? {
        guard let department else { return nil }
        return stripped(header, person: department.person) {
            resetLogged(ArchiveAudit.check(layout: department.layout, archiveID: archiveID, header: header, file: fd, registry: department.registry),
                        person: department.person)
        }
    }

    /// `stripped` for the archive at `path` (the owner's unlock, `escrow open`, `status`) with its
    /// department's verified registry (none, or one that cannot be trusted: nil, nothing to
    /// compare with).
    public static func strippedProblem(path: String, archiveID: String, header: ArchiveHeader, registry: Registry?, departmentOverride: String?) -> (en: String, zh: String)? {
        guard let department = Context.of(path: path, header: header, registry: registry, departmentOverride: departmentOverride) else { return nil }
        return stripped(header, person: department.person) {
            let fd = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            return resetLogged(ArchiveAudit.check(layout: department.layout, archiveID: archiveID, header: header, file: fd, registry: department.registry),
                               person: department.person)
        }
    }

    /// A keyless check's reason (FORMAT.md §5.6, the library's English) in Chinese; one it does
    /// not know stays as it is.
    public static func chinese(_ why: String) -> String {
        let table: [(String, String)] = [
            ("the owner's signature was removed", "所有人签名已被删除"),
            ("the owner's secrets were removed", "所有人密钥数据已被删除"),
            ("the header lists fewer records than the owner signed", "档案头记载的记录数少于所有人签名时的记录数（有记录被删除）"),
            ("the checkpoint lies beyond what the owner signed", "检查点超出了所有人签名所覆盖的范围"),
            ("the owner signed a checkpoint the header no longer has", "所有人签名时的检查点已不在档案头中"),
            ("the owner key is not a key", "所有人的签名公钥无效"),
            ("the owner key is a weak key", "所有人的签名公钥强度不足（小阶点或非规范编码），伪造的签名也能通过校验"),
            ("the owner's signature does not match the header", "所有人签名与档案头不符（档案头字段或密钥槽被改动）"),
            ("the file is shorter than the records the owner signed", "文件长度不足，缺少所有人签名时已有的记录"),
            ("the records before the checkpoint are not the ones the owner signed", "检查点之前的记录与所有人签名时不同"),
            ("the records are not the ones the owner signed", "记录与所有人签名时不同（有记录被改写、删除或替换）"),
            // The owner's own open (FORMAT.md §5.5): what `salesvault` tells the owner in Chinese.
            ("the owner's secrets do not open with the password", "所有人密钥数据无法用您的密码打开（已被持有数据密钥的人替换）"),
            ("the owner's secrets are too short", "所有人密钥数据长度不对"),
            ("the header is signed with a key that is not the owner's", "档案头的签名密钥不是所有人本人的密钥"),
            ("a record is not the one the owner signed", "有记录与所有人签名时不同（被改写、删除或替换）"),
        ]
        return table.first { why.hasPrefix($0.0) }?.1 ?? why
    }

    /// The registered salesperson of an archive outside the compliance listing (the owner's
    /// unlock, `escrow verify`, `escrow open`): the one whose `archive` is this file in the
    /// department folder, else the one named like the header's owner.
    public static func salesperson(forArchive path: String, header: ArchiveHeader, registry: Registry, layout: Layout?) -> Registry.Salesperson? {
        if let layout {
            let here = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
            if let p = registry.salespeople.first(where: {
                URL(fileURLWithPath: layout.root + "/" + $0.archive).standardizedFileURL.resolvingSymlinksInPath().path == here
            }) { return p }
        }
        let owner = header.owner.precomposedStringWithCanonicalMapping
        return registry.salespeople.first { $0.name == owner }
    }

    /// The `signature` column of one archive, from the descriptor the compliance check opened
    /// (DEPARTMENT.md §6): the header already parsed from it, the records read from the same
    /// open file, so that a file renamed in between cannot pair one header with another's records.
    public static func judge(_ file: DepartmentScan.OpenArchive, path: String, context: Context?) -> (value: String, problem: String?) {
        let check: RecordDigest.Check
        do { check = try RecordDigest.check(file.inspection.header, prefix: file.inspection.prefix, bodyAt: file.name) } catch {
            return ("INVALID", "owner signature INVALID: the records could not be read (\(error))".replacingOccurrences(of: file.name, with: path))
        }
        let header = file.inspection.header
        // (Read once, and only when a verdict asks.)
        var audit: ArchiveAudit?
        func read(_ context: Context) -> ArchiveAudit {
            if let audit { return audit }
            let read = ArchiveAudit.check(layout: context.layout, archiveID: file.inspection.prefix.archiveIDHex, header: header, file: file.fd, registry: context.registry)
            audit = read
            return read
        }
        return verdict(check, header: header, person: context?.person, stripped: {
            stripped(header, archiveID: file.inspection.prefix.archiveIDHex, file: file.fd, department: context)
        }, resetLogged: {
            guard let context else { return false }
            return resetLogged(read(context), person: context.person)
        }, formerlyEnrolled: { key in
            guard let context else { return nil }
            return formerlyEnrolled(read(context), key: key).map { context.registry.calendar.dateString(of: $0) }
        })
    }
}

extension DepartmentScan {
    /// An archive the compliance check opened once: every column of its row is read through this
    /// descriptor (DEPARTMENT.md §6), never through its name again.
    public final class OpenArchive {
        public let fd: Int32
        public let inspection: ArchiveInspection
        /// The descriptor as a path (`/dev/fd/N`: the same open file).
        public var name: String { "/dev/fd/\(fd)" }
        init(fd: Int32, inspection: ArchiveInspection) {
            self.fd = fd
            self.inspection = inspection
        }
        deinit { close(fd) }
    }

    /// As `inspect(path:)`, keeping the descriptor open for the other checks of the row.
    public static func open(path: String) throws -> OpenArchive? {
        let fd = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ELOOP { return nil }
            _ = try ArchiveInspection.inspect(path: path)  // reports the error as usual
            throw VaultError(.io, "cannot open \(path)")
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        do { return OpenArchive(fd: fd, inspection: try ArchiveInspection.inspect(path: "/dev/fd/\(fd)", locked: false)) } catch let e as VaultError {
            close(fd)
            throw VaultError(e.code, e.reason.replacingOccurrences(of: "/dev/fd/\(fd)", with: path), recordIndex: e.recordIndex)
        } catch {
            close(fd)
            throw error
        }
    }
}
