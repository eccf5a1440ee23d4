import Foundation
import VaultCrypto
import VaultFormat

/// Owner-signature rules that need the department (FORMAT.md §5.6 "stripped", DEPARTMENT.md §6):
/// shared by the compliance check, `escrow verify`, `escrow open` and the owner's unlock.
extension OwnerSignatureVerdict {
    /// An **unsigned** header (no 0x12, no 0x13) without the `mustChangePassword` flag, while the
    /// registry has enrolled an owner key for this salesperson: the owner's fields were removed
    /// by someone holding the data key (a legitimate escrow reset always sets the flag, FORMAT.md
    /// §5.5), or an older copy was put back. Nil when the rule does not apply.
    public static func strippedProblem(_ header: ArchiveHeader, person: Registry.Salesperson?) -> String? {
        guard header.ownerSecrets == nil, header.ownerSignature == nil, !header.flags.contains(.mustChangePassword),
              let person, let text = person.signingKey, let key = try? KeyFile.parseOwnerKey(text)
        else { return nil }
        return "the owner signature was removed (no owner secrets, no signature, no escrow reset pending) although the department enrolled \(person.name)'s key \(KeyFile.fingerprint(key))"
    }

    /// The same in Chinese.
    public static func strippedProblemZH(_ header: ArchiveHeader, person: Registry.Salesperson?) -> String? {
        guard strippedProblem(header, person: person) != nil, let person, let key = person.signingKey.flatMap({ try? KeyFile.parseOwnerKey($0) }) else { return nil }
        return "所有人签名已被删除（档案头中既没有所有人密钥数据和签名，也没有待完成的托管重置），而部门已为 \(person.name) 登记了签名密钥 \(KeyFile.fingerprint(key))"
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

    /// `strippedProblem` for the archive at `path` with its department's verified registry
    /// (none, or one that cannot be trusted: nil, nothing to compare with).
    public static func strippedProblem(path: String, header: ArchiveHeader, registry: Registry?, departmentOverride: String?) -> (en: String, zh: String)? {
        let layout = ArchiveDepartment.layout(forArchive: path, override: departmentOverride)
        guard let registry = registry ?? (try? ArchiveDepartment.registry(forArchive: path, header: header, override: departmentOverride)) ?? nil
        else { return nil }
        let person = salesperson(forArchive: path, header: header, registry: registry, layout: layout)
        guard let en = strippedProblem(header, person: person), let zh = strippedProblemZH(header, person: person) else { return nil }
        return (en, zh)
    }

    /// The `signature` column of one archive, from the descriptor the compliance check opened
    /// (DEPARTMENT.md §6): the header already parsed from it, the records read from the same
    /// open file, so that a file renamed in between cannot pair one header with another's records.
    public static func judge(_ file: DepartmentScan.OpenArchive, path: String, person: Registry.Salesperson?) -> (value: String, problem: String?) {
        let check: RecordDigest.Check
        do { check = try RecordDigest.check(file.inspection.header, prefix: file.inspection.prefix, bodyAt: file.name) } catch {
            return ("INVALID", "owner signature INVALID: the records could not be read (\(error))".replacingOccurrences(of: file.name, with: path))
        }
        return verdict(check, header: file.inspection.header, person: person)
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
