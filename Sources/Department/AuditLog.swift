import Foundation
import VaultCrypto
import VaultFormat

#if canImport(Glibc)
import Glibc
#endif

/// A manager's signing key (DEPARTMENT.md §7.1): an Ed25519 key derived from the manager's X25519
/// escrow identity with HKDF, so no new key file; its public form is `svmanager1…`.
public enum ManagerSigningKey {
    public static let hrp = "svmanager"
    public static let info = "SalesVault v1 manager signing key"
    /// The comment line a `.pub` file carries it in (age ignores `#` lines of a recipients file).
    public static let pubComment = "# signing key: "

    /// Ed25519 seed = HKDF-SHA-256(ikm = the 32-byte X25519 secret, salt = empty, info).
    public static func derive(from identity: Curve25519.KeyAgreement.PrivateKey) throws -> Curve25519.Signing.PrivateKey {
        let seed = try HKDF.deriveKey(inputKeyMaterial: identity.rawRepresentation, salt: [UInt8](), info: Array(info.utf8), outputByteCount: 32)
        return try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    public static func string(_ key: Curve25519.Signing.PublicKey) -> String {
        Bech32.encode(hrp: hrp, data: key.rawRepresentation)
    }

    public static func parse(_ text: String) throws -> Curve25519.Signing.PublicKey {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.hasPrefix(hrp + "1"), let decoded = try? Bech32.decode(t), decoded.hrp == hrp, decoded.data.count == 32,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: decoded.data)
        else { throw DepartmentError(.malformed, "not a manager signing key (svmanager1…): \(t.prefix(20))", zh: "不是经理签名公钥（svmanager1…）：\(t.prefix(20))") }
        return key
    }

    /// A manager's `.pub` file (DEPARTMENT.md §2): one `age1…` line, and optionally the comment
    /// `# signing key: svmanager1…`; other comments and blank lines are ignored.
    public static func parsePubFile(_ text: String) throws -> (recipient: Curve25519.KeyAgreement.PublicKey, signingKey: Curve25519.Signing.PublicKey?) {
        var recipients: [String] = []
        var signing: [String] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                if line.hasPrefix(pubComment) { signing.append(String(line.dropFirst(pubComment.count))) }
                continue
            }
            recipients.append(line)
        }
        guard recipients.count == 1, signing.count <= 1 else {
            throw DepartmentError(.malformed, "a .pub file holds one age1… line and at most one \(pubComment.trimmingCharacters(in: .whitespaces)) comment",
                                  zh: ".pub 文件应只有一行 age1… 公钥，以及至多一行“\(pubComment.trimmingCharacters(in: .whitespaces))”注释")
        }
        return (try KeyFile.parseRecipient(recipients[0]), try signing.first.map(parse))
    }

    /// The `.pub` file's text for an identity: the recipient, then the signing-key comment.
    public static func pubText(_ identity: Curve25519.KeyAgreement.PrivateKey) throws -> String {
        "\(AgeKeys.recipientString(identity.publicKey))\n\(pubComment)\(string(try derive(from: identity).publicKey))\n"
    }
}

/// One entry of a department audit log (DEPARTMENT.md §7.2): a signed statement by a manager that
/// they used escrow on an archive, naming the archive's record of that use.
public struct AuditEntry: Equatable, Sendable {
    public var action: String
    public var archive: String
    public var entry: Int
    public var format: Int = 1
    public var generation: UInt32
    public var manager: String
    public var payloadSHA256: String
    public var prev: String
    public var record: UInt64
    public var recordLength: UInt64
    public var recordOffset: UInt64
    public var recordSHA256: String
    public var signingKey: String
    public var time: Int64
    /// For a `resetPassword`: the owner key (`svowner1…`) the registry enrolled for the archive's
    /// salesperson when the manager reset it (DEPARTMENT.md §7.2), left out otherwise. It binds
    /// the reset to that key, so that an old reset cannot excuse a later stripped signature.
    public var ownerKey: String?

    public init(action: String, archive: String, entry: Int, generation: UInt32, manager: String, payloadSHA256: String, prev: String,
                record: UInt64, recordLength: UInt64, recordOffset: UInt64, recordSHA256: String, signingKey: String, time: Int64,
                ownerKey: String? = nil) {
        (self.action, self.archive, self.entry, self.generation, self.manager) = (action, archive, entry, generation, manager)
        (self.payloadSHA256, self.prev, self.record, self.recordLength) = (payloadSHA256, prev, record, recordLength)
        (self.recordOffset, self.recordSHA256, self.signingKey, self.time) = (recordOffset, recordSHA256, signingKey, time)
        self.ownerKey = ownerKey
    }

    /// The JSON text signed: keys sorted, no white space, non-ASCII as UTF-8.
    public func json() throws -> [UInt8] {
        var object: [String: Any] = [
            "action": action, "archive": archive, "entry": entry, "format": format, "generation": Int(generation), "manager": manager,
            "payloadSHA256": payloadSHA256, "prev": prev, "record": record, "recordLength": recordLength, "recordOffset": recordOffset,
            "recordSHA256": recordSHA256, "signingKey": signingKey, "time": time,
        ]
        if let ownerKey { object["ownerKey"] = ownerKey }
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    static func parse(_ json: ArraySlice<UInt8>) -> AuditEntry? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { return nil }
        // Fourteen members, and `ownerKey` (a valid owner key) only on a password reset.
        let ownerKey = object["ownerKey"] as? String
        guard object.count == (object["ownerKey"] == nil ? 14 : 15), ownerKey.map({ (try? KeyFile.parseOwnerKey($0)) != nil }) ?? true,
              ownerKey == nil || object["action"] as? String == "resetPassword"
        else { return nil }
        func int(_ k: String) -> Int64? {
            guard let n = object[k] as? NSNumber, n.doubleValue == Double(n.int64Value) else { return nil }
            return n.int64Value
        }
        func hex(_ k: String, _ count: Int) -> String? {
            guard let s = object[k] as? String, s.utf8.count == count, s.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
            return s
        }
        guard let action = object["action"] as? String, let archive = hex("archive", 32), let entry = int("entry"), entry >= 1,
              int("format") == 1, let generation = int("generation"), (1...Int64(UInt32.max)).contains(generation),
              let manager = object["manager"] as? String, let payload = hex("payloadSHA256", 64), let prev = hex("prev", 64),
              let record = int("record"), record >= 0, let length = int("recordLength"), length >= Int64(FormatV1.recordOverhead),
              let offset = int("recordOffset"), offset >= 0, let recordHash = hex("recordSHA256", 64),
              let key = object["signingKey"] as? String, let time = int("time")
        else { return nil }
        let parsed = AuditEntry(action: action, archive: archive, entry: Int(entry), generation: UInt32(generation), manager: manager, payloadSHA256: payload,
                               prev: prev, record: UInt64(record), recordLength: UInt64(length), recordOffset: UInt64(offset), recordSHA256: recordHash,
                               signingKey: key, time: time, ownerKey: ownerKey)
        // Only the form the writer signs (round 4, N6): keys sorted, no white space, integers
        // as digits — not `1e3`, `1000.0` or a key given twice, which JSON readers take alike.
        guard let canonical = try? parsed.json(), canonical.elementsEqual(json) else { return nil }
        return parsed
    }
}

/// The department's append-only audit log of escrow uses (DEPARTMENT.md §7.2): one file per
/// archive, `audit/<archive id>.log`, one signed line per entry, each naming the previous line's hash.
public enum AuditLog {
    public static let signaturePrefix = Array("SalesVault v1 audit entry\n".utf8)
    public static let firstPrev = String(repeating: "0", count: 64)
    public static let maxBytes = 64 << 20

    public static func directory(_ layout: Layout) -> String { layout.root + "/audit" }
    public static func path(_ layout: Layout, archiveID: String) -> String { directory(layout) + "/\(archiveID).log" }

    /// A use to log: the archive's record of it (FORMAT.md §5.3, §6.1).
    public struct Use: Sendable {
        public let archiveID: String
        public let action: String
        public let generation: UInt32
        public let record: UInt64
        public let recordOffset: UInt64
        /// The whole record: length ‖ nonce ‖ ciphertext ‖ tag.
        public let recordBytes: [UInt8]
        public let payload: [UInt8]
        public let time: Int64
        /// A reset's enrolled owner key (`AuditEntry.ownerKey`).
        public let ownerKey: String?
        public init(archiveID: String, action: String, generation: UInt32, record: UInt64, recordOffset: UInt64, recordBytes: [UInt8], payload: [UInt8], time: Int64,
                    ownerKey: String? = nil) {
            (self.archiveID, self.action, self.generation, self.record) = (archiveID, action, generation, record)
            (self.recordOffset, self.recordBytes, self.payload, self.time) = (recordOffset, recordBytes, payload, time)
            self.ownerKey = ownerKey
        }
    }

    /// One line, signed by `signer` for `manager`.
    public static func line(_ use: Use, entry: Int, prev: String, manager: String, signer: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        let e = AuditEntry(action: use.action, archive: use.archiveID, entry: entry, generation: use.generation, manager: manager,
                           payloadSHA256: try SHA256.hash(use.payload).hexString, prev: prev, record: use.record,
                           recordLength: UInt64(use.recordBytes.count), recordOffset: use.recordOffset,
                           recordSHA256: try SHA256.hash(use.recordBytes).hexString, signingKey: ManagerSigningKey.string(signer.publicKey), time: use.time,
                           ownerKey: use.ownerKey)
        let json = try e.json()
        let signature = try signer.signature(for: signaturePrefix + json)
        return json + [9] + Array(Base64.encode(signature).utf8) + [10]
    }

    static func ioError(_ what: String, _ path: String, _ err: Int32) -> DepartmentError {
        DepartmentError.system(err, "cannot \(what) the audit log \(path)", zh: "无法\(what == "write" ? "写入" : what == "lock" ? "锁定" : "打开")审计日志 \(path)")
    }

    /// Opens `path` inside the audit folder without following links and without blocking; refuses
    /// anything but a regular file (DEPARTMENT.md §7.2).
    static func openLog(_ layout: Layout, archiveID: String, create: Bool) throws -> Int32? {
        let dirPath = directory(layout)
        let path = self.path(layout, archiveID: archiveID)
        if create {
            var st = stat()
            if lstat(dirPath, &st) != 0 {
                guard errno == ENOENT, mkdir(dirPath, 0o750) == 0 || errno == EEXIST else { throw ioError("create", dirPath, errno) }
                _ = chmod(dirPath, 0o750)
            }
        }
        let dir = open(dirPath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dir >= 0 else {
            if !create && errno == ENOENT { return nil }
            if errno == ELOOP || errno == ENOTDIR {
                throw DepartmentError(.io, "\(dirPath) is not a folder (a symbolic link or another file): refused", zh: "\(dirPath) 不是文件夹（是符号链接或其他文件），已拒绝")
            }
            throw ioError("open", dirPath, errno)
        }
        defer { close(dir) }
        let flags = (create ? O_RDWR | O_APPEND | O_CREAT : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
        return try openRegular(at: dir, "\(archiveID).log", flags: flags, mode: 0o640, path: path, missingOK: !create,
                               what: ("the audit log", "审计日志"))
    }

    /// Opens `name` in the folder `dir` without following a link and refuses anything but a
    /// regular file (a FIFO would block, a device or folder is not ours); nil only when
    /// `missingOK` and it does not exist.
    private static func openRegular(at dir: Int32, _ name: String, flags: Int32, mode: mode_t, path: String, missingOK: Bool,
                                    what: (en: String, zh: String)) throws -> Int32? {
        let fd = openat(dir, name, flags, mode)
        guard fd >= 0 else {
            if missingOK && errno == ENOENT { return nil }
            // ENXIO: a FIFO opened write-only without blocking (no reader): not a regular file.
            if errno == ENXIO {
                throw DepartmentError(.io, "\(what.en) \(path) is not a regular file (a FIFO, device or folder): refused", zh: "\(what.zh) \(path) 不是普通文件（是管道、设备或文件夹），已拒绝")
            }
            if errno == ELOOP {
                throw DepartmentError(.io, "\(what.en) \(path) is a symbolic link: refused", zh: "\(what.zh) \(path) 是符号链接，已拒绝")
            }
            throw ioError("open", path, errno)
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw DepartmentError(.io, "\(what.en) \(path) is not a regular file (a FIFO, device or folder): refused", zh: "\(what.zh) \(path) 不是普通文件（是管道、设备或文件夹），已拒绝")
        }
        return fd
    }

    /// A log larger than `maxBytes`: far more than escrow uses ever write (some 600 bytes a use),
    /// so it was padded. Evidence of tampering, like an altered line (DEPARTMENT.md §7.3).
    public struct Oversize: Error, Sendable {
        public let path: String
        public let size: Int64
    }

    static func readAll(_ fd: Int32, path: String) throws -> [UInt8] {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ioError("open", path, errno) }
        guard Int(st.st_size) <= maxBytes else { throw Oversize(path: path, size: Int64(st.st_size)) }
        var out = [UInt8](repeating: 0, count: Int(st.st_size))
        var done = 0
        while done < out.count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            done += n
        }
        out.removeLast(out.count - done)
        return out
    }

    /// Appends one signed line per signer for `use` (DEPARTMENT.md §7.2): the log is locked, the
    /// next entry number and the previous line's hash read, the lines written with one `write`
    /// (O_APPEND) and `fsync`ed. On any failure the file is cut back to its size before. Returns
    /// the log's path.
    @discardableResult
    public static func append(_ use: Use, layout: Layout, signers: [(manager: String, key: Curve25519.Signing.PrivateKey)]) throws -> String {
        try Writer(layout: layout, archiveID: use.archiveID).append(use, signers: signers)
    }

    /// The log opened for appending before the use is recorded in the archive, so that a log that
    /// cannot be opened (no permission, a symbolic link, a FIFO) stops the use before anything is written.
    public final class Writer {
        let fd: Int32
        let lockFD: Int32
        let layout: Layout
        public let path: String

        public init(layout: Layout, archiveID: String) throws {
            self.layout = layout
            path = AuditLog.path(layout, archiveID: archiveID)
            guard let fd = try openLog(layout, archiveID: archiveID, create: true) else { throw ioError("open", path, ENOENT) }
            do { lockFD = try openWriterLock(layout, archiveID: archiveID) } catch { close(fd); throw error }
            self.fd = fd
        }

        deinit { close(fd); close(lockFD) }

        @discardableResult
        public func append(_ use: Use, signers: [(manager: String, key: Curve25519.Signing.PrivateKey)]) throws -> String {
            try AuditLog.append(use, fd: fd, lockFD: lockFD, path: path, layout: layout, signers: signers)
        }
    }

    /// The writers' lock of a log (DEPARTMENT.md §7.2): `audit/<archive id>.lock`, opened
    /// write-only (created mode 0200), so that only someone who may write the department's logs can
    /// open it, let alone lock it. The log itself is never locked: readers read it without a lock,
    /// and no lock a reader takes on it (`flock`, `fcntl`) can make an escrow use wait or fail.
    public static func lockPath(_ layout: Layout, archiveID: String) -> String { directory(layout) + "/\(archiveID).lock" }

    static func openWriterLock(_ layout: Layout, archiveID: String) throws -> Int32 {
        let path = lockPath(layout, archiveID: archiveID)
        let dir = open(directory(layout), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dir >= 0 else { throw ioError("open", directory(layout), errno) }
        defer { close(dir) }
        guard let fd = try openRegular(at: dir, "\(archiveID).lock", flags: O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
                                       mode: 0o200, path: path, missingOK: false, what: ("the audit log's lock", "审计日志的锁文件"))
        else { throw ioError("open", path, ENOENT) }
        return fd
    }

    static func append(_ use: Use, fd: Int32, lockFD: Int32, path: String, layout: Layout, signers: [(manager: String, key: Curve25519.Signing.PrivateKey)]) throws -> String {
        var waited = 0
        while flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            let err = errno
            guard err == EWOULDBLOCK || err == EINTR, waited < 500 else {
                let lock = lockPath(layout, archiveID: use.archiveID)
                if err == EWOULDBLOCK || err == EINTR {
                    throw DepartmentError(.busy, "the audit log's lock \(lock) was held by another process for more than 5 seconds (another escrow use, or a stuck process)",
                                          zh: "审计日志的锁文件 \(lock) 被其他进程占用超过 5 秒（可能有另一次托管访问正在进行，或有进程卡住）")
                }
                throw ioError("lock", lock, err)
            }
            usleep(10_000)
            waited += 1
        }
        defer { flock(lockFD, LOCK_UN) }
        var existing: [UInt8]
        do { existing = try readAll(fd, path: path) } catch let big as Oversize {
            throw DepartmentError(.io, "the audit log \(path) is larger than \(maxBytes >> 20) MiB (\(big.size) bytes): it was padded; tell the administrator",
                                  zh: "审计日志 \(path) 超过 \(maxBytes >> 20) MiB（\(big.size) 字节），已被人为填充；请告知管理员")
        }
        // A last line without its LF, while this writer holds the lock, is what a writer that
        // died left (DEPARTMENT.md §7.2): cut off, so that a crash never becomes a malformed
        // line ("altered") once the next line follows it (round 4, N5).
        if let end = existing.last, end != 10 {
            let whole = existing.lastIndex(of: 10).map { $0 + 1 } ?? 0
            guard ftruncate(fd, off_t(whole)) == 0 else { throw ioError("write", path, errno) }
            existing.removeSubrange(whole...)
        }
        var lines = existing.split(separator: 10, omittingEmptySubsequences: false)
        var out: [UInt8] = []
        if let last = lines.last, last.isEmpty { lines.removeLast() }
        var prev = try lines.last.map { try SHA256.hash(Array($0)).hexString } ?? firstPrev
        var number = lines.count + 1
        for (manager, key) in signers {
            let line = try self.line(use, entry: number, prev: prev, manager: manager, signer: key)
            prev = try SHA256.hash(Array(line.dropLast())).hexString
            number += 1
            out += line
        }
        // A use whose lines would take the log past its limit is refused (round 4, N5): every
        // reader would then call the log padded.
        guard existing.count + out.count <= maxBytes else {
            throw DepartmentError(.io, "the audit log \(path) is full (\(maxBytes >> 20) MiB, some 100,000 uses): nothing was shown, opened or reset; tell the administrator",
                                  zh: "审计日志 \(path) 已满（已达 \(maxBytes >> 20) MiB，约 10 万次托管访问）：未显示任何内容，也未打开或重置；请告知管理员")
        }
        let written = out.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let err = errno
        guard written == out.count, fsync(fd) == 0 else {
            _ = ftruncate(fd, off_t(existing.count))
            _ = fsync(fd)
            throw ioError("write", path, written < 0 ? err : ENOSPC)
        }
        let dir = open(directory(layout), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { fsync(dir); close(dir) }
        return path
    }

    // MARK: Reading and verifying (DEPARTMENT.md §7.3)

    /// One line as read and checked.
    public struct Line: Sendable {
        public enum Trust: String, Sendable {
            /// Well formed, signature good, the key is the registered manager's, chain intact.
            case trusted
            /// A valid signature by a key the registry does not give to that manager (or no registry).
            case unregisteredKey = "key not in the registry"
            case badSignature = "bad signature"
            case malformed
            /// The line does not name the previous line's hash or the next number, or another archive.
            case brokenChain = "chain broken"
            /// The last line, without its LF, that does not verify: a write in progress (readers
            /// take no lock) or cut short. Neither trusted nor counted as an alteration.
            case incomplete = "incomplete last line"
        }
        public let number: Int
        public let entry: AuditEntry?
        public let trust: Trust
    }

    public struct Checked: Sendable {
        public let path: String
        public let lines: [Line]
        public var trusted: [AuditEntry] { lines.compactMap { $0.trust == .trusted ? $0.entry : nil } }
        /// Lines whose signature or form is wrong, or that break the chain: the log was altered.
        public var altered: [Line] { lines.filter { $0.trust == .badSignature || $0.trust == .malformed || $0.trust == .brokenChain } }
        public var unregistered: [Line] { lines.filter { $0.trust == .unregisteredKey } }
    }

    /// Checks the bytes of a log (the test vector's rules, DEPARTMENT.md §7.3).
    public static func verify(_ bytes: [UInt8], archiveID: String, registry: Registry?, path: String = "") -> Checked {
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        let unterminated = lines.last?.isEmpty == false
        if !unterminated { lines.removeLast() }
        var out: [Line] = []
        var prev = firstPrev
        for (i, raw) in lines.enumerated() {
            let number = i + 1
            defer { prev = (try? SHA256.hash(Array(raw)).hexString) ?? "" }
            let last = unterminated && i == lines.count - 1
            let parts = raw.split(separator: 9, omittingEmptySubsequences: false)
            guard parts.count == 2, let entry = AuditEntry.parse(parts[0]), let signature = Base64.decode(parts[1]), signature.count == 64,
                  let key = try? ManagerSigningKey.parse(entry.signingKey)
            else { out.append(Line(number: number, entry: nil, trust: last ? .incomplete : .malformed)); continue }
            guard key.isValidSignature(signature, for: signaturePrefix + Array(parts[0])) else {
                out.append(Line(number: number, entry: entry, trust: last ? .incomplete : .badSignature)); continue
            }
            guard entry.prev == prev, entry.entry == number, entry.archive == archiveID else {
                out.append(Line(number: number, entry: entry, trust: .brokenChain)); continue
            }
            let registered = registry?.managers.first { $0.name == entry.manager }?.signingKey
            out.append(Line(number: number, entry: entry, trust: registered == entry.signingKey ? .trusted : .unregisteredKey))
        }
        return Checked(path: path, lines: out)
    }

    /// Reads and checks the log of `archiveID` in `layout`; nil when there is none. No lock is
    /// taken (DEPARTMENT.md §7.2): a last line without its LF is read again a few times (a write
    /// in progress), then judged `incomplete`.
    public static func read(_ layout: Layout, archiveID: String, registry: Registry?) throws -> Checked? {
        guard let fd = try openLog(layout, archiveID: archiveID, create: false) else { return nil }
        defer { close(fd) }
        let path = self.path(layout, archiveID: archiveID)
        var bytes = try readAll(fd, path: path)
        for _ in 0..<5 where !bytes.isEmpty && bytes.last != 10 {
            usleep(20_000)
            bytes = try readAll(fd, path: path)
        }
        return verify(bytes, archiveID: archiveID, registry: registry, path: path)
    }

    // MARK: Comparison with the archive (DEPARTMENT.md §7.4)

    /// How one trusted entry compares with the archive.
    public enum Match: String, Sendable {
        /// The record at that index and offset hashes to the logged value.
        case present
        /// Written under an older data key (a rekey since): the record's length matches; its content
        /// is checked only with the data key (the owner).
        case presentOlderKey = "present (older data key)"
        /// The record is not in the archive: removed, or the archive put back.
        case missing
    }

    /// Compares a trusted entry with the archive's bytes, without any key (`compliance`).
    /// `file` is an open archive descriptor, `header` its current header.
    public static func match(_ e: AuditEntry, header: ArchiveHeader, file fd: Int32) -> Match {
        guard e.record < header.recordCount, e.generation <= header.dekGeneration, e.recordOffset < header.bodyLength,
              header.bodyLength - e.recordOffset >= e.recordLength, e.recordLength <= UInt64(FormatV1.maxRecordBytes + FormatV1.recordOverhead)
        else { return .missing }
        var bytes = [UInt8](repeating: 0, count: Int(e.recordLength))
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(FormatV1.bodyOffset) + off_t(e.recordOffset)) }
        guard n == bytes.count else { return .missing }
        let length = bytes.prefix(4).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length + UInt64(FormatV1.recordOverhead) == e.recordLength else { return .missing }
        if e.generation == header.dekGeneration {
            return (try? SHA256.hash(bytes).hexString) == e.recordSHA256 ? .present : .missing
        }
        return .presentOlderKey
    }

    /// With the data key (the owner's unlock): the record's payload must hash to the logged value
    /// whatever key sealed it; the sealed bytes too when it is the current key.
    public static func match(_ e: AuditEntry, vault: Vault) -> Match {
        let h = vault.header
        guard e.record < h.recordCount, e.generation <= h.dekGeneration,
              let payload = try? vault.record(at: e.record, offset: e.recordOffset),
              (try? SHA256.hash(payload).hexString) == e.payloadSHA256 else { return .missing }
        if e.generation == h.dekGeneration {
            let fd = open(vault.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { return .missing }
            defer { close(fd) }
            return match(e, header: h, file: fd)
        }
        return .present
    }
}

/// An archive's audit log compared with the archive (DEPARTMENT.md §7.4).
public struct ArchiveAudit: Sendable {
    public struct Item: Sendable {
        public let line: AuditLog.Line
        /// For trusted entries (and, without a trusted registry, for well-signed entries in
        /// chain): whether the archive still holds the record.
        public let match: AuditLog.Match?
        /// For an entry signed by the key an earlier registry of the department gave that manager
        /// (`Registry.formerSigningKeys`: a manager removed since): whether the archive still holds
        /// the record. Only an escrow password reset is judged by it (`OwnerSignatureVerdict`).
        public var formerMatch: AuditLog.Match? = nil
        public init(line: AuditLog.Line, match: AuditLog.Match?, formerMatch: AuditLog.Match? = nil) {
            self.line = line
            self.match = match
            self.formerMatch = formerMatch
        }
    }
    public let path: String
    /// Nil when the department has no log for this archive (no escrow use logged), or it could
    /// not be read, or it is oversize.
    public let items: [Item]?
    /// Set when the log could not be read (a symbolic link, a FIFO, no permission).
    public let unreadable: String?
    /// Set when the log is larger than `AuditLog.maxBytes`: padded, evidence of tampering.
    public var oversize: Int64? = nil
    /// Whether the lines were checked against a verified registry. Without one (no registry, or
    /// one refused), no line is trusted; `unverifiedMissing` still names the uses missing.
    public var registryTrusted: Bool = true

    /// No log, or a log without a single line (emptied): read, not oversize. With escrow uses
    /// counted in the header this is `missing` (DEPARTMENT.md §6, §7.4).
    /// No complete line: none at all, or only a last line cut short (a log cut to a partial
    /// line read as complete-but-for-its-end, and the check said compliant: helper-156).
    public var holdsNoLine: Bool { unreadable == nil && oversize == nil && (items?.allSatisfy { $0.line.trust == .incomplete } ?? true) }
    public var logged: Int { items?.filter { $0.line.trust == .trusted }.count ?? 0 }
    public var missing: [AuditEntry] { items?.compactMap { $0.line.trust == .trusted && $0.match == .missing ? $0.line.entry : nil } ?? [] }
    /// Without a trusted registry: entries with a valid signature, in chain, whose use the archive
    /// lacks. Not trusted (the signer's key could not be checked), but never hidden.
    public var unverifiedMissing: [AuditEntry] {
        items?.compactMap { $0.line.trust == .unregisteredKey && $0.match == .missing ? $0.line.entry : nil } ?? []
    }
    public var altered: Int { items?.filter { [.badSignature, .malformed, .brokenChain].contains($0.line.trust) }.count ?? 0 }
    public var unregistered: Int { items?.filter { $0.line.trust == .unregisteredKey }.count ?? 0 }
    /// A last line still being written (or cut short): not trusted, not an alteration.
    public var incomplete: Int { items?.filter { $0.line.trust == .incomplete }.count ?? 0 }
    /// Evidence of tampering: a logged use missing from the archive, a line altered, or a log
    /// padded past the size bound.
    public var tampered: Bool { !missing.isEmpty || altered > 0 || oversize != nil }

    /// The compliance word (DEPARTMENT.md §6): `escrow use removed`, `altered`, `unreadable`,
    /// `none`, `ok`.
    public var word: String {
        !missing.isEmpty ? "escrow use removed" : (altered > 0 || oversize != nil) ? "altered" : unreadable != nil ? "unreadable" : items == nil ? "none"
            : unregistered > 0 ? "untrusted lines" : incomplete > 0 ? "incomplete last line" : "ok"
    }

    /// The compliance problem words (DEPARTMENT.md §6, §7.4).
    public var problems: [String] {
        var out: [String] = []
        if !missing.isEmpty {
            out.append("escrow use removed: \(missing.count) logged \(missing.count == 1 ? "use" : "uses") missing from the archive (entries \(missing.map { String($0.entry) }.joined(separator: ", ")))")
        }
        if altered > 0 { out.append("audit log altered: \(altered) \(altered == 1 ? "line" : "lines") with a bad signature, malformed or out of chain") }
        if let oversize {
            out.append("audit log altered: \(oversize) bytes, larger than \(AuditLog.maxBytes >> 20) MiB (padded; escrow uses write some 600 bytes each)")
        }
        if let unreadable { out.append("audit log unreadable: \(unreadable)") }
        return out
    }

    /// Compares the log of the archive `archiveID` with its bytes, no key needed (`compliance`,
    /// `dept audit`): `file` is the open archive, `header` its header.
    public static func check(layout: Layout, archiveID: String, header: ArchiveHeader, file: Int32, registry: Registry?) -> ArchiveAudit {
        check(layout: layout, archiveID: archiveID, registry: registry) { AuditLog.match($0, header: header, file: file) }
    }

    /// The same with the data key (the owner's unlock): record contents are compared too.
    public static func check(layout: Layout, vault: Vault, registry: Registry?) -> ArchiveAudit {
        check(layout: layout, archiveID: vault.prefix.archiveIDHex, registry: registry) { AuditLog.match($0, vault: vault) }
    }

    static func check(layout: Layout, archiveID: String, registry: Registry?, match: (AuditEntry) -> AuditLog.Match) -> ArchiveAudit {
        let path = AuditLog.path(layout, archiveID: archiveID)
        do {
            guard let checked = try AuditLog.read(layout, archiveID: archiveID, registry: registry) else {
                return ArchiveAudit(path: path, items: nil, unreadable: nil, registryTrusted: registry != nil)
            }
            // Keys earlier registries gave the managers: read from the history only when a line
            // is signed by a key the registry does not give now.
            let former = registry.map { r in checked.lines.contains { $0.trust == .unregisteredKey } ? r.formerSigningKeys(layout: layout) : [] } ?? []
            let items = checked.lines.map { line in
                Item(line: line, match: line.trust == .trusted || (registry == nil && line.trust == .unregisteredKey) ? line.entry.map(match) : nil,
                     formerMatch: line.trust == .unregisteredKey && registry != nil
                        ? line.entry.flatMap { former.contains("\($0.manager)|\($0.signingKey)") ? match($0) : nil } : nil)
            }
            return ArchiveAudit(path: path, items: items, unreadable: nil, registryTrusted: registry != nil)
        } catch let big as AuditLog.Oversize {
            return ArchiveAudit(path: path, items: nil, unreadable: nil, oversize: big.size, registryTrusted: registry != nil)
        } catch {
            let reason = (error as? DepartmentError)?.reason ?? "\(error)"
            return ArchiveAudit(path: path, items: nil, unreadable: reason, registryTrusted: registry != nil)
        }
    }
}
