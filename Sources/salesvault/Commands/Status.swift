import ArgumentParser
import Department
import Foundation
import VaultFormat

struct Status: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an archive's owner, dates, protection and size, without its password.",
        discussion: """
            Reads only the plaintext header, so no password is needed. These fields are
            not authenticated here: `verify` checks them with the password. The password's
            age is counted in calendar days in the department's time zone (Asia/Shanghai
            by default). Exit status 4 when the archive is truncated, with or without
            --json.

            EXAMPLES
              salesvault status zhangwei.svault
              salesvault status zhangwei.svault --json
            """)

    @OptionGroup var target: ArchivePath
    var archive: String { target.path }

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    /// JSON.md §6.1.
    struct Report: Encodable {
        struct KDF: Encodable { let algorithm = "scrypt"; let logN: Int; let r: Int; let p: Int; let memoryBytes: UInt64; let weak: Bool }
        let jsonVersion = JSONOutput.version
        let path: String
        let owner: String
        let archiveId: String
        let createdAt: String
        let passwordChangedAt: String
        let passwordAgeDays: Int
        let dekRotatedAt: String
        let dekGeneration: UInt32
        let kdf: KDF
        let slots: [String]
        let records: UInt64
        let bodyBytes: UInt64
        let headerCopies: [String]
        let unfinishedBytes: Int
        let truncated: Bool
        let flags: [String]
        let administratorFingerprint: String?
        let escrowUsesUnacknowledged: UInt32
        let lastEscrowUseAt: String?
        /// Issue 13: `passwordChanges` (absent in headers written before the field); the rotation
        /// status word of DEPARTMENT.md §5; dates that cannot be true; the test clock (only when in use).
        var passwordChanges: UInt32? = nil
        var rotation: String? = nil
        var dateProblems: [String]? = nil
        var testClock: Bool? = nil
        /// FORMAT.md §5.6, header only: `signed`, `unsigned` or `invalid` (JSON.md §6.1).
        let signature: String
        let ownerKeyFingerprint: String?
    }

    /// The password's change time as this machine shows times, and its age in days as the rule
    /// counts them, in the department's zone (DEPARTMENT.md §5). When the two zones put the
    /// change, or today, on different dates, the time is labelled as this machine's and the
    /// department's is shown beside it, with the age said to be counted there (a change at 20:00
    /// UTC read as "today" beside yesterday's date; helper-158/159).
    func passwordChangedText(_ instant: Int64, ageDays: Int, calendar: DepartmentCalendar, now: Int64, zh: Bool) -> String {
        let age = ageDays == 0 ? (zh ? "今天" : "today") : zh ? "\(ageDays) 天前" : ageDays == 1 ? "1 day ago" : "\(ageDays) days ago"
        let here = Format.date(instant)
        let there = calendar.localTime(instant)
        let machineDay = { (t: Int64) in DepartmentCalendar(timeZone: .current).day(of: t) }
        guard machineDay(instant) != calendar.day(of: instant) || machineDay(now) != calendar.day(of: now) else {
            return here + (zh ? "（\(age)）" : " (\(age))")
        }
        let name = calendar.timeZone.identifier
        let zoneZH = name == DepartmentCalendar.defaultZoneName ? "北京时间" : "部门时区 \(name)"
        return here + (zh ? "（本机时间；\(zoneZH) \(there)，按\(name == DepartmentCalendar.defaultZoneName ? "北京时间" : "部门时区")为\(ageDays == 0 ? "" : " ")\(age)）"
                          : " (this machine's time; \(there) in the department's zone, \(name), where it is \(age))")
    }

    /// A key slot in Chinese: 密码, 托管给王芳, or a share of a k-of-n escrow.
    static func slotZH(_ slot: KeySlot) -> String {
        switch slot {
        case .password: return "密码"
        case .escrow(let e):
            return "托管给" + Terminal.cell(e.holder.name) + (e.scheme == .whole ? "" : "（第 \(e.x) 份，须 \(e.threshold) 位经理共同打开）")
        }
    }

    func execute() throws {
        let info = try ArchiveInspection.inspect(path: archive)
        let h = info.header
        let now = Clock.now
        let kdf = info.kdf
        func copyText(_ state: ArchiveInspection.CopyState) -> String {
            switch state {
            case .current: return "current"
            case .outOfDate(let seq): return "out-of-date (sequence \(seq))"
            case .damaged(let reason): return "damaged (\(reason))"
            }
        }
        // DEPARTMENT.md §5: calendar days in the department's zone, the same rule as `compliance`.
        let registry = try? ArchiveDepartment.registry(forArchive: archive, header: h, override: OwnerUnlock.departmentOverride)
        // The counter decides "never changed"; dates in the future or before creation are named.
        let rotation = (registry?.rotationPolicy ?? .standard).evaluate(h, now: now)
        // FORMAT.md §5.6 checks 1–4 (no key, the body is not read: `verify` and compliance do).
        var signature = (try? RecordDigest.check(path: archive, readBody: false)) ?? .invalid("the header could not be read again")
        // FORMAT.md §5.6 "stripped": unsigned while the department enrolled this owner's key. Without
        // a readable registry it cannot be told from an earlier version's archive (compliance can).
        var strippedZH: String?
        if case .unsigned = signature,
           let stripped = OwnerSignatureVerdict.strippedProblem(path: archive, archiveID: info.prefix.archiveIDHex, header: h, registry: registry,
                                                                   departmentOverride: OwnerUnlock.departmentOverride) {
            signature = .invalid(stripped.en)
            strippedZH = stripped.zh
        }
        var flags: [String] = []
        if h.flags.contains(.mustChangePassword) { flags.append("mustChangePassword") }
        if h.flags.contains(.rekeyRequired) { flags.append("rekeyRequired") }
        let report = Report(
            path: archive, owner: h.owner, archiveId: info.prefix.archiveIDHex, createdAt: Format.isoDate(h.createdAt),
            passwordChangedAt: Format.isoDate(h.passwordChangedAt), passwordAgeDays: rotation.ageDays,
            dekRotatedAt: Format.isoDate(h.dekRotatedAt), dekGeneration: h.dekGeneration,
            kdf: .init(logN: kdf.logN, r: kdf.r, p: kdf.p, memoryBytes: kdf.memoryBytes, weak: kdf.isWeak),
            slots: h.slots.map {
                switch $0 {
                case .password: return "password"
                case .escrow(let e): return "escrow: \(e.holder.name)" + (e.scheme == .whole ? "" : " (share \(e.x), \(e.threshold) needed)")
                }
            },
            records: h.recordCount, bodyBytes: h.bodyLength, headerCopies: [copyText(info.copyA), copyText(info.copyB)],
            unfinishedBytes: info.unfinishedBytes, truncated: info.isTruncated, flags: flags,
            administratorFingerprint: h.department.map { KeyFile.fingerprint($0.adminKey) },
            escrowUsesUnacknowledged: h.escrowUses?.unacknowledged ?? 0, lastEscrowUseAt: h.escrowUses.map { Format.isoDate($0.lastUseAt) },
            passwordChanges: h.passwordChanges, rotation: rotation.status.rawValue,
            dateProblems: rotation.dateProblems.isEmpty ? nil : rotation.dateProblems.map(\.rawValue), testClock: Clock.isTest ? true : nil,
            signature: { switch signature { case .valid: "signed"; case .unsigned: "unsigned"; case .invalid: "invalid" } }(),
            ownerKeyFingerprint: h.ownerSignature.map { KeyFile.fingerprint($0.publicKey) })
        if json {
            try JSONOutput.print(report)
            // JSON.md §6.1: the same exit status as the table (4 for a truncated archive).
            if info.isTruncated { throw ExitCode(ExitStatus.damaged.rawValue) }
            return
        }
        let zh = Language.current == .zh
        var rows: [(String, String)] = [
            (zh ? "档案" : "Archive", Terminal.cell(archive)),
            (zh ? "所有人" : "Owner", Terminal.cell(h.owner)),
            (zh ? "档案编号" : "Archive ID", report.archiveId),
            (zh ? "创建时间" : "Created", Format.date(h.createdAt)),
            (zh ? "密码修改" : "Password changed", passwordChangedText(h.passwordChangedAt, ageDays: report.passwordAgeDays, calendar: (registry?.rotationPolicy ?? .standard).calendar, now: now, zh: zh)),
            (zh ? "数据密钥轮换" : "Data key rotated",
             Format.date(h.dekRotatedAt) + (zh ? "（第 \(h.dekGeneration) 代）" : " (generation \(h.dekGeneration))")),
            (zh ? "密码派生" : "Key derivation",
             "scrypt N=2^\(kdf.logN) r=\(kdf.r) p=\(kdf.p)" + (zh ? "（\(Format.bytes(kdf.memoryBytes))）" : " (\(Format.bytes(kdf.memoryBytes)))")
                + (kdf.isWeak ? (zh ? "，" : " ") + Terminal.red(zh ? "强度弱：测试参数，不安全" : "WEAK: insecure testing cost") : "")),
            (zh ? "密钥槽" : "Key slots", zh ? h.slots.map(Self.slotZH).joined(separator: "，") : report.slots.map(Terminal.cell).joined(separator: ", ")),
            // (The records' bytes on disk; verify counts what they hold, without the sealing.)
            (zh ? "记录" : "Records", zh ? "\(h.recordCount) 条（加密后共 \(Format.bytes(h.bodyLength))）" : "\(h.recordCount) (\(Format.bytes(h.bodyLength)) with their sealing)"),
            (zh ? "档案头副本" : "Header copies", zh ? "A：\(localized(info.copyA))；B：\(localized(info.copyB))" : "A \(localized(info.copyA)), B \(localized(info.copyB))"),
        ]
        switch signature {
        case .valid(let key):
            rows.append((zh ? "所有人签名" : "Owner signature", zh ? "已签名，签名密钥指纹 \(KeyFile.fingerprint(key))" : "signed, key fingerprint \(KeyFile.fingerprint(key))"))
        case .unsigned:
            rows.append((zh ? "所有人签名" : "Owner signature", Terminal.yellow(zh ? "未签名（由早期版本写入，或经过托管重置；您下次修改档案时会自动签名）"
                                                                         : "not signed (written by an earlier version, or after an escrow reset; signed at your next change)")))
        case .invalid(let why):
            rows.append((zh ? "所有人签名" : "Owner signature", Terminal.red(zh ? "无效：\(Terminal.cell(strippedZH ?? OwnerSignatureVerdict.chinese(why)))，可能是持有数据密钥的人（例如经托管打开档案的经理）改动过档案，也可能是文件在磁盘上损坏。运行 salesvault verify \(archive) 可查明原因。" : "INVALID: \(Terminal.cell(why)): changed by someone holding the data key, or damaged on disk; salesvault verify \(archive) tells which")))
        }
        if let fp = report.administratorFingerprint, let pin = h.department {
            // The key pinned now: set at creation, replaced by a hand-over (DEPARTMENT.md §3.7).
            rows.append((zh ? "部门管理员" : "Department key", zh ? "\(fp)（本档案当前固定信任的管理员密钥；名册版本 \(pin.registrySerial)）"
                                                              : "\(fp) (the administrator key this archive is pinned to now; registry serial \(pin.registrySerial))"))
        }
        if h.escrowScheme == .shamir {  // FORMAT.md §5.2 scheme 2
            rows.append((zh ? "托管份额" : "Escrow shares", Terminal.yellow(zh ? "份额无法核验（由旧版本写入）；运行 salesvault escrow update 或 rekey 可重新分发"
                                                                          : "shares cannot be checked (written by an earlier version); salesvault escrow update or rekey re-deals them")))
        } else if h.escrowScheme == .verifiable {
            rows.append((zh ? "托管份额" : "Escrow shares", zh ? "可核验（每位经理可运行 escrow check-share 单独核验）" : "verifiable (each manager can check theirs: escrow check-share)"))
        }
        if let uses = h.escrowUses {
            rows.append((zh ? "托管访问" : "Escrow uses", Terminal.yellow(zh ? "\(uses.unacknowledged) 次未确认，最近一次 \(Format.date(uses.lastUseAt))"
                                                                        : "\(uses.unacknowledged) not yet seen by the owner, last on \(Format.date(uses.lastUseAt))")))
        }
        if let held = AgentClient.held(archive) {  // Docs/AGENT.md §7
            rows.append((zh ? "解锁状态" : "Unlocked", Terminal.green(zh ? "已解锁，至 \(AgentTime.text(held.until))（如无操作，将于 \(AgentTime.text(held.idleUntil)) 自动锁定）"
                                                                     : "unlocked until \(AgentTime.text(held.until)) (locks at \(AgentTime.text(held.idleUntil)) if idle)")))
        }
        let flagNames = ["mustChangePassword": "须修改密码", "rekeyRequired": "须更换数据密钥"]
        if !flags.isEmpty { rows.append((zh ? "标记" : "Flags", flags.map { zh ? flagNames[$0] ?? $0 : $0 }.joined(separator: ", "))) }
        if Clock.isTest {
            rows.insert((zh ? "时钟" : "Clock", Terminal.yellow(zh ? "正在使用测试时钟（SALESVAULT_TESTING=1 与 SALESVAULT_NOW），显示的日期并非真实日期"
                                                                  : "test clock in use (SALESVAULT_TESTING=1 and SALESVAULT_NOW): the dates are not the real ones")), at: 0)
        }
        // FORMAT.md §4.2 0x10; an earlier version's header has no count: the old rule, said so.
        if let count = h.passwordChanges {
            rows.append((zh ? "密码更换次数" : "Password changes", count == 0 ? (zh ? "0（创建后从未更换）" : "0 (never changed since creation)") : "\(count)"))
        } else {
            rows.append((zh ? "密码更换次数" : "Password changes", zh
                ? "未记录（旧版本写入的档案：按“修改日期等于创建日期”判断是否从未更换" + (rotation.neverChanged ? "，判断为从未更换" : "") + "；下次修改密码后开始记录）"
                : "not recorded (written by an earlier version: \"never changed\" is judged by the change date equalling the creation date" + (rotation.neverChanged ? ", so never changed" : "") + "; counted from the next password change)"))
        }
        for problem in rotation.dateProblems {  // DEPARTMENT.md §5: not compliant
            rows.append((zh ? "错误" : "Error", Terminal.red(zh ? "\(problem.zh)（时钟有误或档案头被改动），不合规" : "\(problem.rawValue) (a wrong clock or an edited header): not compliant")))
        }
        if rotation.status != .ok, let left = rotation.daysLeft, rotation.dateProblems.isEmpty {  // always here, whatever was shown today
            let said = RotationPolicy.Evaluation.leftText(left)
            rows.append((zh ? "提醒" : "Reminder", Terminal.yellow(zh ? "\(said.zh)，请运行 salesvault passwd" : "\(said.en); run salesvault passwd")))
        }
        if info.unfinishedBytes > 0 {
            rows.append((zh ? "警告" : "Warning", Terminal.yellow(zh
                ? "末尾有 \(info.unfinishedBytes) 字节未完成的保存；请运行 salesvault repair"
                : "\(info.unfinishedBytes) bytes of an interrupted save at the end; run salesvault repair")))
        }
        if info.isTruncated {
            rows.append((zh ? "错误" : "Error", Terminal.red(zh ? "档案被截断，请从备份恢复" : "the archive is truncated; restore it from a backup")))
        }
        func localized(_ state: ArchiveInspection.CopyState) -> String {
            guard zh else { return copyText(state) }
            switch state {
            case .current: return "最新"
            case .outOfDate(let seq): return "过期（序号 \(seq)）"
            case .damaged(let reason): return "已损坏，\(FullCheckText.chineseReason(reason))"
            }
        }
        let width = rows.map { displayWidth($0.0) }.max() ?? 0
        for (label, value) in rows { print("\(padded(label, to: width))  \(value)") }
        if info.isTruncated { throw ExitCode(ExitStatus.damaged.rawValue) }
    }
}
