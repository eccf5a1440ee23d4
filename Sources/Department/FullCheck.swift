import Foundation
import VaultCrypto
import VaultFormat

/// The full check a manager runs with an escrow key (FORMAT.md §7.1, DEPARTMENT.md §4 `escrow
/// verify`, §6 `compliance --verify`): the library's outcome, in words for people (English and
/// Chinese) and in the `verified` codes of JSON.md §6.
public enum FullCheckText {
    /// The `verified` codes that are not failures.
    public static let passing: Set<String> = ["yes", "no slot"]
    /// The codes that are no evidence of tampering (exit 4): the passing ones and "too few
    /// keys" (fewer keys than a k-of-n archive needs: non-compliant, exit 9, FORMAT.md §5.2).
    public static let noEvidence: Set<String> = passing.union(["too few keys"])

    /// One archive checked: the `verified` code, the failure in English (nil when it passed or
    /// could not be checked), the same in Chinese, and the library's result when there was one.
    public struct Result: Sendable {
        public let word: String
        public let problem: String?
        public let problemZH: String?
        public let check: Vault.FullCheck?
        public var failed: Bool { problem != nil }
    }

    /// Runs the check on the regular file at `path` (never a symbolic link or a FIFO: opened
    /// without following links and without blocking, then checked through its descriptor).
    public static func run(path: String, identities: [Curve25519.KeyAgreement.PrivateKey]) -> Result {
        let fd = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            return Result(word: "unreadable", problem: "cannot open: \(reason)", problemZH: "无法打开：\(reason)", check: nil)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            return Result(word: "unreadable", problem: "not a regular file", problemZH: "不是普通文件", check: nil)
        }
        let check: Vault.FullCheck
        do {
            check = try Vault.fullCheck(path: "/dev/fd/\(fd)", escrowIdentities: identities)
        } catch let e as VaultError {
            let reason = e.reason.replacingOccurrences(of: "/dev/fd/\(fd)", with: path)
            let damaged = [.headerDamaged, .truncated, .kdfRefused].contains(e.code)
            return Result(word: damaged ? "FORGED" : "unreadable", problem: reason, problemZH: "档案头无法读取：\(reason)", check: nil)
        } catch {
            return Result(word: "unreadable", problem: "\(error)", problemZH: "无法读取：\(error)", check: nil)
        }
        return describe(check, path: path, fd: fd)
    }

    static func describe(_ check: Vault.FullCheck, path: String, fd: Int32) -> Result {
        switch check.outcome {
        case .verified: return Result(word: "yes", problem: nil, problemZH: nil, check: check)
        case .noSlot: return Result(word: "no slot", problem: nil, problemZH: nil, check: check)
        case .failed(let failures):
            let word = code(failures)
            let en = failures.map { $0.text.replacingOccurrences(of: "/dev/fd/\(fd)", with: path) }.joined(separator: "; ")
            let zh = failures.map { chinese($0).replacingOccurrences(of: "/dev/fd/\(fd)", with: path) }.joined(separator: ";")
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
        case .records(let index, let reason): return index.map { "第 \($0) 条记录未通过认证：\(reason)" } ?? "记录与档案头不符：\(reason)"
        }
    }
}
