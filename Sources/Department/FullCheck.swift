import Foundation
import VaultCrypto
import VaultFormat
import SalesArchive

/// The full check a manager runs with an escrow key (FORMAT.md §7.1, DEPARTMENT.md §4 `escrow
/// verify`, §6 `compliance --verify`): the library's outcome, in words for people (English and
/// Chinese) and in the `verified` codes of JSON.md §6.
public enum FullCheckText {
    /// The `verified` codes that are not failures.
    public static let passing: Set<String> = ["yes", "no slot"]
    /// The codes that are no evidence of tampering (exit 4): the passing ones, "too few keys"
    /// (fewer keys than a k-of-n archive needs: non-compliant, exit 9, FORMAT.md §5.2), and the
    /// archives that could not be checked at all ("in use" by its owner, "unreadable": not
    /// found, permission denied, not a regular file): non-compliant, never tampering.
    public static let noEvidence: Set<String> = passing.union(["too few keys", "in use", "unreadable"])

    /// Why an archive could not be checked (no evidence about its bytes either way).
    public enum Unchecked: Sendable, Equatable {
        /// The file could not be opened or read as an archive: not found, permission denied,
        /// in use by another process (`busy`), a folder, a FIFO or a device (`notAnArchive`).
        case file(VaultError)
        /// A k-of-n archive and fewer holders among the keys than k.
        case tooFewKeys(needed: Int, held: Int)
    }

    /// One archive checked: the `verified` code, the failure in English (nil when it passed),
    /// the same in Chinese, and the library's result when there was one. `unchecked` says the
    /// archive could not be checked (then `problem` says why, and it is no evidence of tampering);
    /// otherwise a `problem` is a failed check: evidence from the archive's bytes.
    public struct Result: Sendable {
        public let word: String
        public let problem: String?
        public let problemZH: String?
        public let check: Vault.FullCheck?
        public var unchecked: Unchecked? = nil
        /// The owner named by the header when the full check did not run (`check` gives it otherwise).
        public var owner: String? = nil
        /// The check ran and found the archive altered or damaged (exit 4).
        public var failed: Bool { problem != nil && unchecked == nil }
        /// The check could not run (not found, unreadable, in use, not a regular file, too few keys).
        public var couldNotCheck: Bool { unchecked != nil }
        /// The keyless owner-signature checks (FORMAT.md §5.6 checks 1–5, and "stripped" when
        /// the caller gave the enrolled salesperson) failed: what is wrong, English and Chinese.
        /// Evidence of tampering (exit 4) for `escrow verify`; compliance reports it in its own
        /// `signature` column.
        public var signatureProblem: (en: String, zh: String)? = nil
    }

    /// Runs the check on the regular file at `path`, opened without blocking (a FIFO must not
    /// hang it) and checked through its descriptor. `followLinks`: a symbolic link is followed
    /// (`escrow verify`, as `verify` and `status`); the compliance check passes false (a link
    /// under archives/ is listed as foreign, never opened). Each given key's own share is checked
    /// first (FORMAT.md §5.2 scheme 3): an inconsistent one is named; fewer holders than k are
    /// "too few keys", not a forgery.
    /// `context`: the archive's registered salesperson and department, for the "stripped" rule.
    public static func run(path: String, identities: [Curve25519.KeyAgreement.PrivateKey], followLinks: Bool = false,
                           context: OwnerSignatureVerdict.Context? = nil) -> Result {
        let fd = Foundation.open(path, O_RDONLY | O_NONBLOCK | (followLinks ? 0 : O_NOFOLLOW) | O_CLOEXEC)
        guard fd >= 0 else {
            func unchecked(_ e: VaultError) -> Result { Self.unchecked(e) }
            let code = errno
            switch code {
            case ENOENT: return unchecked(VaultError(.notFound, "\(path): no such file"))
            case EACCES, EPERM: return unchecked(VaultError(.permissionDenied, "open \(path): \(String(cString: strerror(code)))", systemError: code, operation: "open", path: path))
            case ELOOP: return unchecked(VaultError(.notAnArchive, "\(path) is not a regular file"))
            default: return unchecked(VaultError(.io, "open \(path): \(String(cString: strerror(code)))", systemError: code, operation: "open", path: path))
            }
        }
        defer { close(fd) }
        var result = run(open: fd, path: path, identities: identities)
        guard result.unchecked == nil, let inspection = try? ArchiveInspection.inspect(path: "/dev/fd/\(fd)", locked: false) else { return result }
        // FORMAT.md §7 step 8, §7.1: the keyless owner-signature checks, from the same descriptor.
        let person = context?.person
        if let stripped = OwnerSignatureVerdict.stripped(inspection.header, archiveID: inspection.prefix.archiveIDHex, file: fd, department: context) {
            result.signatureProblem = stripped
        } else {
            switch try? RecordDigest.check(inspection.header, prefix: inspection.prefix, bodyAt: "/dev/fd/\(fd)") {
            case .invalid(let why)?: result.signatureProblem = (why, OwnerSignatureVerdict.chinese(why))
            case .valid(let key)?:
                // DEPARTMENT.md §6: against the key the registry enrolled, as compliance does.
                // (After a logged escrow reset, a new key to enroll: the keyless verdict says so,
                // `new key`, and it is no breach: helper-179.)
                if let person, let context, let enrolled = person.signingKey.flatMap({ try? KeyFile.parseOwnerKey($0) }), enrolled != key {
                    let audit = ArchiveAudit.check(layout: context.layout, archiveID: inspection.prefix.archiveIDHex, header: inspection.header, file: fd, registry: context.registry)
                    if !OwnerSignatureVerdict.resetLogged(audit, person: person) {
                        // (A key enrolled before a logged reset: said so, helper-182 L3.)
                        let until = OwnerSignatureVerdict.formerlyEnrolled(audit, key: key).map { context.registry.calendar.dateString(of: $0) }
                        result.signatureProblem = OwnerSignatureVerdict.otherKey(key, enrolled: enrolled, person: person, until: until)
                    }
                }
            default: break
            }
        }
        return result
    }

    static func unchecked(_ e: VaultError) -> Result {
        let word = e.code == .busy ? "in use" : "unreadable"
        var en = "", zh = ""
        switch e.code {
        case .busy:
            en = "in use: the owner has it open (another SalesVault process holds it); run the check again when the owner has closed it"
            zh = "正在使用：所有人正打开着该档案（另一个 SalesVault 进程正在使用）；请在所有人关闭档案后重新校验"
        case .notFound: (en, zh) = ("cannot open: no such file", "无法打开：文件不存在")
        case .permissionDenied: (en, zh) = ("cannot open: permission denied", "无法打开：没有权限")
        case .notAnArchive where e.reason.hasSuffix(" is a folder"): (en, zh) = ("not an archive: a folder", "不是档案：这是文件夹")
        case .notAnArchive: (en, zh) = ("not an archive (not a regular file)", "不是档案（不是普通文件）")
        default: (en, zh) = ("cannot read: \(e.reason)", "无法读取：\(e.reason)")
        }
        return Result(word: word, problem: en, problemZH: zh, check: nil, unchecked: .file(e))
    }

    /// The full check through a descriptor already open (the compliance check reads every column
    /// of a row from one open file, DEPARTMENT.md §6); `path` names it in messages.
    public static func run(open fd: Int32, path: String, identities: [Curve25519.KeyAgreement.PrivateKey]) -> Result {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            return unchecked(VaultError(.notAnArchive, (st.st_mode & S_IFMT) == S_IFDIR ? "\(path) is a folder" : "\(path) is not a regular file"))
        }
        let name = "/dev/fd/\(fd)"
        func named(_ e: VaultError) -> VaultError { VaultError(e.code, e.reason.replacingOccurrences(of: name, with: path), recordIndex: e.recordIndex) }
        // Each key's own share, from the header read without the lock (FORMAT.md §5.2 scheme 3).
        if let inspection = try? ArchiveInspection.inspect(path: name, locked: false) {
            let bad = inspection.checkShares(identities: identities).filter(\.isTamperEvidence)
            if !bad.isEmpty {
                let names = bad.map(\.holder.name)
                return Result(word: "share inconsistent",
                              problem: "share inconsistent: the escrow share of \(names.joined(separator: ", ")) does not match the archive's commitments (dealt wrongly or altered)",
                              problemZH: "份额不符：\(names.joined(separator: "、")) 的托管份额与档案的承诺值不符（分发有误或已被改动）", check: nil,
                              owner: inspection.header.owner)
            }
            let (held, needed) = inspection.escrowHolders(among: identities)
            if needed >= 2, held < needed, held > 0 {
                return Result(word: "too few keys",
                              problem: "too few keys: \(needed) managers' keys are needed together, \(held) given: the header was not authenticated",
                              problemZH: "密钥不足：须 \(needed) 位经理的密钥共同核验，只给了 \(held) 位的；档案头未能核验", check: nil,
                              unchecked: .tooFewKeys(needed: needed, held: held), owner: inspection.header.owner)
            }
        }
        let check: Vault.FullCheck
        do {
            check = try Vault.fullCheck(path: name, escrowIdentities: identities)
        } catch let raw as VaultError {
            let e = named(raw)
            guard [.headerDamaged, .truncated, .kdfRefused].contains(e.code) else { return unchecked(e) }
            return Result(word: "FORGED", problem: e.reason, problemZH: "档案头无法读取：\(chineseReason(e.reason))", check: nil)
        } catch {
            return unchecked(VaultError(.io, "\(error)"))
        }
        var result = describe(check, path: path, fd: fd)
        // FORMAT.md §7.1: the records after the owner's signature must be escrow uses, as the
        // owner's open requires (round 4, N2); checked when the archive can be opened for reading.
        if result.word == "yes", let vault = try? Vault.open(path: name, escrowIdentities: identities, access: .readOnly),
           let tail = CustomerArchive.escrowTailProblem(vault) {
            result.signatureProblem = (tail.reason.replacingOccurrences(of: name, with: path), (tail.reasonZH ?? tail.reason).replacingOccurrences(of: name, with: path))
        }
        return result
    }

    static func describe(_ check: Vault.FullCheck, path: String, fd: Int32) -> Result {
        switch check.outcome {
        case .verified: return Result(word: "yes", problem: nil, problemZH: nil, check: check)
        case .noSlot: return Result(word: "no slot", problem: nil, problemZH: nil, check: check)
        case .failed(let failures):
            let word = code(failures)
            let en = failures.map { $0.text.replacingOccurrences(of: "/dev/fd/\(fd)", with: path) }.joined(separator: "; ")
            let zh = failures.map { chinese($0).replacingOccurrences(of: "/dev/fd/\(fd)", with: path) }.joined(separator: "；")
            return Result(word: word, problem: en, problemZH: zh, check: check)
        }
    }

    /// The `verified` code of the worst failure (JSON.md §6.2).
    static func code(_ failures: [Vault.FullCheck.Failure]) -> String {
        if failures.contains(.copiesDisagree) { return "copies disagree" }
        if failures.contains(where: { if case .copyForged = $0 { return true } else { return $0 == .noAuthenticCopy } }) { return "FORGED" }
        if failures.contains(where: { if case .records = $0 { return true } else { return false } }) { return "records damaged" }
        if failures.contains(where: { if case .truncated = $0 { return true } else { return false } }) { return "truncated" }
        return "unfinished append"
    }

    /// A failure in Chinese.
    public static func chinese(_ f: Vault.FullCheck.Failure) -> String {
        switch f {
        case .copyForged(let c): return "档案头副本 \(c) 认证失败（在没有密钥的情况下被改动）"
        case .copiesDisagree: return "两个档案头副本不一致：分别用两个不同的数据密钥认证"
        case .noAuthenticCopy: return "没有任何档案头副本能用其托管槽给出的密钥通过认证"
        case .truncated(let size, let committed): return "档案被截断：文件 \(size) 字节，档案头登记 \(committed) 字节"
        case .unfinishedAppend(let bytes): return "已登记的记录之后还有 \(bytes) 字节未完成的保存"
        case .records(_, let reason): return chineseReason(reason)
        }
    }

    /// The library's English reasons (records, checkpoint, escrow slots and shares) in Chinese;
    /// a reason it does not know stays as it is.
    public static func chineseReason(_ text: String) -> String {
        // A header's two copies, each with its own reason (the Chinese message kept this English:
        // 档案头已损坏：both header copies are damaged (copy A: …)).
        if let m = ComplianceText.match(text, #"^both header copies are damaged \(copy A: (.*); copy B: (.*)\)$"#) {
            return "两个档案头副本均已损坏（副本 A：\(chineseReason(m[0]))；副本 B：\(chineseReason(m[1]))）"
        }
        let rules: [(String, String)] = [
            (#"^header copy checksum does not match \(torn write or damage\)$"#, "档案头副本的校验值不符（写入中断或文件损坏）"),
            (#"^fails authentication \(altered without the key\)$"#, "未通过认证（被不持有密钥的人改动过）"),
            (#"^the two header copies disagree at the same sequence number$"#, "两个档案头副本序号相同，内容却不一致"),
            // (A copy whose checksum holds but whose fields do not: what only a crafted file gives.)
            (#"^(header|header copy|file prefix): .*$"#, "档案头格式不正确（技术信息：$0）"),
            (#"^record (\d+) failed authentication \(altered, moved, or from another archive\)$"#, "第 $1 条记录未通过认证（被改动、被移动或来自其他档案）"),
            (#"^record (\d+) is cut short at the end of the body$"#, "第 $1 条记录在正文末尾被截断"),
            (#"^record (\d+) claims (\d+) bytes, over the limit$"#, "第 $1 条记录声称有 $2 字节，超出上限"),
            (#"^record (\d+) runs past the end of the body$"#, "第 $1 条记录超出正文末尾"),
            (#"^record (\d+) is not in the archive at offset (\d+)$"#, "第 $1 条记录不在档案的偏移 $2 处"),
            (#"^the header's checkpoint does not match record (\d+); records were removed, reordered or replaced$"#,
             "档案头的检查点与第 $1 条记录不符；记录被删除、调换顺序或替换"),
            (#"^records do not match the header(.*)$"#, "记录与档案头不符"),
            (#"^(\d+) of the (\d+) holders must act together; the keys given hold (\d+) \((.*)\)$"#,
             "须 $2 位托管人中的 $1 位共同操作；所给密钥只持有 $3 份（$4）"),
            (#"^the escrow slot of (.+) does not open with this key$"#, "$1 的托管槽无法用此密钥打开"),
            (#"^this key does not hold the slot of (.+)$"#, "此密钥不持有 $1 的托管槽"),
            (#"^none of the given keys holds an escrow slot of this archive \(holders: (.*)\)$"#, "所给密钥都不持有本档案的托管槽（持有人：$1）"),
            (#"^none of the given keys holds an escrow slot of this archive$"#, "所给密钥都不持有本档案的托管槽"),
            (#"^this archive has no escrow slots$"#, "本档案没有托管槽"),
            (#"^the file does not start with the SalesVault signature$"#, "文件开头缺少 SalesVault 标识"),
            (#"^the file ends inside its prefix$"#, "文件过短，开头部分就不完整"),
            (#"^(.+) ends inside its header \((\d+) bytes\)$"#, "“$1”只有 $2 字节，档案头不完整"),
            (#"^the file ends inside record (\d+)$"#, "文件在第 $1 条记录处中断，该记录不完整"),
            (#"^the escrow slot of (.+) has an unusable ephemeral key$"#, "“$1”的托管槽中临时公钥无效"),
            (#"^the slot of (.+) holds (\d+) bytes$"#, "“$1”的托管槽长度异常（$2 字节）"),
            (#"^X25519 gave an all-zero secret$"#, "密钥协商结果全为零，无法使用"),
            (#"^(.+) is (\d+) bytes but its header commits (\d+)$"#, "“$1”只有 $2 字节，而档案头登记为 $3 字节"),
        ]
        let out = ComplianceText.translate(text, rules) ?? text
        // Wherever it appears (a share check's reason in parentheses).
        return out.replacingOccurrences(of: "the committed secret does not unwrap the data key", with: "承诺的秘密无法解开数据密钥")
            .replacingOccurrences(of: "（承诺的秘密无法解开数据密钥）", with: "（承诺的秘密无法解开数据密钥）")
    }
}
