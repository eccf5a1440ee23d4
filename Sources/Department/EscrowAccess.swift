import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

/// A manager's access to an archive through escrow (DEPARTMENT.md §4): the one way the shell,
/// `escrow open`, `escrow reset-password` and the coming export and report open an archive
/// without its password. It refuses a manager the department removed, removes an interrupted
/// save first (keeping a full backup) so that the use can be recorded, and records the use in
/// the archive before anything is shown.
public enum EscrowAccess {
    /// An archive opened through escrow, its use recorded.
    public struct Opened {
        public let archive: CustomerArchive
        /// The managers whose keys opened it.
        public let holders: [EscrowSlot.Holder]
        /// Where the interrupted save was kept, when one had to be removed first.
        public let repairBackup: String?
        /// The holders' audit-log signing keys (DEPARTMENT.md §7.1), in the order of `holders`.
        public let signers: [Curve25519.Signing.PrivateKey]
        /// The department audit log the use was written to; nil outside a department.
        public let auditLog: String?
        /// Where the header copy that failed authentication was kept before the use rewrote both
        /// copies (FORMAT.md §7 step 4, DEPARTMENT.md §4); nil when both copies were authentic.
        public var alteredCopyKept: String? = nil
        /// The keyless owner-signature checks failed (FORMAT.md §5.6, §7 step 8: a manager's
        /// open is not refused, the failure is reported): what is wrong, English and Chinese.
        public var signatureProblem: (en: String, zh: String)? = nil
    }

    /// Keeps the bytes of the header copy `name` ("A" or "B") that failed authentication in a
    /// side file beside the archive, `<archive>.altered-copy-<A|B>-<unix time>` (mode 0600,
    /// never overwriting), before the escrow use's write replaces it: the evidence survives.
    static func keepAlteredCopy(_ name: String, path: String, now: Int64) throws -> String {
        let offset = FormatV1.prefixSize + (name == "A" ? 0 : FormatV1.headerCopySize)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DepartmentError(.io, "cannot read \(path) to keep its altered header copy", zh: "无法读取 \(path)，未能保留被改动的档案头副本作为证据")
        }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        let bytes = try handle.read(upToCount: FormatV1.headerCopySize) ?? Data()
        var side = "\(path).altered-copy-\(name)-\(now)"
        var n = 1
        while FileManager.default.fileExists(atPath: side) { n += 1; side = "\(path).altered-copy-\(name)-\(now)-\(n)" }
        let fd = Foundation.open(side, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DepartmentError.system(errno, "cannot keep the altered header copy in \(side)", zh: "无法将被改动的档案头副本保存到 \(side)")
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw DepartmentError(.io, "cannot keep the altered header copy in \(side)", zh: "无法将被改动的档案头副本保存到 \(side)")
        }
        return side
    }

    /// Opens `path` with the managers' `identities` and records `action` ("open",
    /// "resetPassword") as an escrow use at `now`. `admit` is asked about the vault before its
    /// records are read or anything is recorded (the tool's memory check): when it throws,
    /// nothing is opened, recorded or changed.
    public static func open(
        _ path: String, identities: [Curve25519.KeyAgreement.PrivateKey], action: String, now: Int64, departmentOverride: String? = nil,
        admit: (Vault) throws -> Void = { _ in }
    ) throws -> Opened {
        guard !identities.isEmpty else {
            throw DepartmentError(.invalid, "give your key file (--identity)", zh: "请用 --identity 指定您的密钥文件")
        }
        let vault = try Vault.open(path: path, escrowIdentities: identities, access: .readWrite)
        try admit(vault)
        let signers = try (vault.openedThroughEscrow ?? []).map { holder in
            guard let identity = identities.first(where: { $0.publicKey == holder.recipient }) else {
                throw DepartmentError(.invalid, "no key given for \(holder.name)", zh: "未提供 \(holder.name) 的密钥")
            }
            return try ManagerSigningKey.derive(from: identity)
        }
        return try recordUse(vault, path: path, action: action, now: now, signers: signers, departmentOverride: departmentOverride)
    }

    /// Opens `path` again with a data key an agent kept from an escrow open by `holders`
    /// (`escrow open --keep`, AGENT.md §10), with the same checks as `open`, and records the use
    /// like any escrow open: the owner sees every use made through a kept key.
    public static func reopen(
        _ path: String, dataKey: SymmetricKey, holders: [EscrowSlot.Holder], signers: [Curve25519.Signing.PrivateKey], action: String, now: Int64,
        departmentOverride: String? = nil, admit: (Vault) throws -> Void = { _ in }
    ) throws -> Opened {
        let vault = try Vault.open(path: path, escrowDataKey: dataKey, holders: holders, access: .readWrite)
        try admit(vault)
        return try recordUse(vault, path: path, action: action, now: now, signers: signers, departmentOverride: departmentOverride)
    }

    /// Whether an escrow open may be kept (`escrow open --keep`): only when one manager's key
    /// opened it alone. With shared escrow (k ≥ 2 together) a kept key would let one of them use
    /// it again without the others: dual control is never weakened, so it is refused.
    public static func checkKeepable(_ opened: Opened) throws {
        try checkKeepable(opened.archive.vault.header, holders: opened.holders.count)
    }

    /// The same check on a header (before the archive is opened, from the header as stored).
    public static func checkKeepable(_ header: ArchiveHeader, holders: Int = 1) throws {
        let k = header.escrowSlots.first?.threshold ?? 1
        guard k == 1, holders == 1 else {
            throw DepartmentError(.invalid, "this archive needs \(max(k, holders)) managers together; escrow access that needs several managers is never kept (each use needs all their keys)",
                                  zh: "本档案须 \(max(k, holders)) 名经理共同调阅；多人共同调阅的托管访问不能保留，每次使用都须各位经理的密钥")
        }
    }

    /// The checks and the record every escrow access goes through.
    private static func recordUse(_ vault: Vault, path: String, action: String, now: Int64, signers: [Curve25519.Signing.PrivateKey],
                                  departmentOverride: String?) throws -> Opened {
        let holders = vault.openedThroughEscrow ?? []
        // FORMAT.md §7 step 8: the keyless checks, before the use's own record is appended.
        var signatureProblem: (en: String, zh: String)?
        let registry = try? ArchiveDepartment.registry(forArchive: path, header: vault.header, override: departmentOverride)
        if let stripped = OwnerSignatureVerdict.strippedProblem(path: path, archiveID: vault.prefix.archiveIDHex, header: vault.header, registry: registry ?? nil,
                                                                   departmentOverride: departmentOverride) {
            signatureProblem = stripped
        } else if case .invalid(let why) = try vault.keylessOwnerSignatureCheck() {
            signatureProblem = (why, OwnerSignatureVerdict.chinese(why))
        }
        // Honest use: a manager the department removed is refused by this tool (their key still
        // opens old copies, THREAT-MODEL §7; that is what rekey is for).
        if let registry = try? ArchiveDepartment.registry(forArchive: path, header: vault.header, override: departmentOverride) {
            let managers = Set(registry.managers.map(\.recipient))
            let gone = holders.filter { !managers.contains(AgeKeys.recipientString($0.recipient)) }
            if !gone.isEmpty {
                throw DepartmentError(.invalid, "\(gone.map(\.name).joined(separator: ", ")) is no longer a manager of \(registry.name); nothing was opened (ask the department's administrator)",
                                      zh: "\(gone.map(\.name).joined(separator: "、")) 已不是 \(registry.name) 的经理，档案未打开；如有疑问，请联系部门管理员")
            }
        }
        let layout = ArchiveDepartment.layout(forArchive: path, override: departmentOverride)
        if layout != nil && signers.count != holders.count {
            throw DepartmentError(.invalid, "this escrow access has no signing key for the department's audit log; nothing was opened (open it again with your key file)",
                                  zh: "此托管访问没有用于部门审计日志的签名密钥，档案未打开；请重新用您的密钥文件打开")
        }
        // DEPARTMENT.md §7.2: the log is opened first; if it cannot be, nothing is recorded or shown.
        let writer: AuditLog.Writer?
        do { writer = try layout.map { try AuditLog.Writer(layout: $0, archiveID: vault.prefix.archiveIDHex) } } catch {
            let reason = (error as? DepartmentError).map { ($0.reason, $0.reasonZH) } ?? ("\(error)", "\(error)")
            throw DepartmentError(.io, "the department's audit log cannot be written (\(reason.0)); nothing was opened, recorded or changed. Ask the administrator to fix the audit folder",
                                  zh: "无法写入部门审计日志：\(reason.1)。档案未打开，也未记录或更改任何内容。请联系管理员修复审计文件夹")
        }
        var backup: String?
        if vault.unfinishedBytes > 0 {
            // An interrupted save: the owner may be the one who cannot unlock; remove it (keeping
            // a full backup) so that the use can be recorded.
            backup = try ArchiveRepair.run(vault, path: path, now: now).backup
        }
        // FORMAT.md §7 step 4: opened from the other copy because one failed authentication. The
        // use's write rewrites both copies, so the altered one is kept first; if it cannot be,
        // nothing is recorded or shown (the evidence is not destroyed).
        var kept: String?
        if let altered = vault.alteredCopy {
            do { kept = try keepAlteredCopy(altered, path: path, now: now) } catch {
                let reason = (error as? DepartmentError).map { ($0.reason, $0.reasonZH) } ?? ("\(error)", "\(error)")
                throw DepartmentError(.io, "header copy \(altered) fails authentication and could not be kept as evidence (\(reason.0)); nothing was opened, recorded or changed",
                                      zh: "档案头副本 \(altered) 未通过认证，且无法作为证据保留下来（\(reason.1)）；因此档案未打开，也未记录或更改任何内容")
            }
        }
        // FORMAT.md §7 step 8: the records after the owner's signature are held to the owner's
        // rule too (escrow uses only); a breach is reported, not refused (round 4, N2).
        if signatureProblem == nil, let tail = CustomerArchive.escrowTailProblem(vault) {
            signatureProblem = (tail.reason, tail.reasonZH ?? tail.reason)
        }
        let archive = try CustomerArchive(vault: vault, actor: holders.map(\.name).joined(separator: ", "))
        let before = vault.header
        try archive.recordEscrowUse(action: action, managers: holders.map(\.name),
                                    fingerprints: holders.map { KeyFile.fingerprint($0.recipient.rawRepresentation) }, now: now)
        // DEPARTMENT.md §7.2: the department's log, after the archive's record is committed and
        // before anything is shown or reset; fails closed.
        var logPath: String?
        if let writer {
            do {
                // A reset names the owner key the department enrolls now (DEPARTMENT.md §7.2): the
                // evidence that tells this reset from a data-key holder's stripped signature.
                let ownerKey = action == "resetPassword"
                    ? (registry ?? nil).flatMap { OwnerSignatureVerdict.salesperson(forArchive: path, header: before, registry: $0, layout: layout)?.signingKey }
                    : nil
                logPath = try logUse(vault, before: before, action: action, now: now, writer: writer,
                                     signers: zip(holders, signers).map { ($0.name, $1) }, ownerKey: ownerKey)
            } catch let e as DepartmentError where e.code == .busy {
                throw DepartmentError(.busy, "\(e.reason); nothing was shown, opened or reset. The escrow use's record stays in the archive (its owner will see it); nothing else changed. Wait a minute and try again; if it happens again, tell the department's administrator",
                                      zh: "\(e.reasonZH)；未显示任何内容，也未打开或重置。此次托管使用的记录已留在档案中（档案所有人会看到），其他均未更改。请稍等一分钟后重试；如仍出现此错误，请告知部门管理员")
            } catch {
                let reason = (error as? DepartmentError).map { ($0.reason, $0.reasonZH) } ?? ("\(error)", "\(error)")
                throw DepartmentError(.io, "the department's audit log could not be written (\(reason.0)); nothing was shown, opened or reset. The escrow use's record stays in the archive (its owner will see it); nothing else changed. Ask the administrator to fix the audit folder (or free disk space), then try again",
                                      zh: "无法写入部门审计日志：\(reason.1)。未显示任何内容，也未打开或重置。此次托管使用的记录已留在档案中（档案所有人会看到），其他均未更改。请联系管理员修复审计文件夹（或清理磁盘空间）后重试")
            }
        }
        return Opened(archive: archive, holders: holders, repairBackup: backup, signers: signers, auditLog: logPath, alteredCopyKept: kept, signatureProblem: signatureProblem)
    }

    /// The use just recorded (the archive's last record) as signed lines of the audit log.
    static func logUse(_ vault: Vault, before: ArchiveHeader, action: String, now: Int64, writer: AuditLog.Writer,
                       signers: [(manager: String, key: Curve25519.Signing.PrivateKey)], ownerKey: String? = nil) throws -> String {
        let h = vault.header
        let index = before.recordCount
        let offset = before.bodyLength
        let length = Int(h.bodyLength - before.bodyLength)
        let fd = Foundation.open(vault.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DepartmentError(.io, "cannot read back \(vault.path)", zh: "无法读回 \(vault.path)") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: length)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(FormatV1.bodyOffset) + off_t(offset)) }
        guard n == length else { throw DepartmentError(.io, "cannot read back \(vault.path)", zh: "无法读回 \(vault.path)") }
        let payload = try vault.record(at: index, offset: offset)
        let use = AuditLog.Use(archiveID: vault.prefix.archiveIDHex, action: action, generation: h.dekGeneration, record: index,
                               recordOffset: offset, recordBytes: bytes, payload: payload, time: now, ownerKey: ownerKey)
        return try writer.append(use, signers: signers)
    }
}
