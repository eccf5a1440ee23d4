import ArgumentParser
import Department
import Foundation
import Interchange
import SalesArchive
import VaultFormat

struct ComplianceCommand: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance",
        abstract: "Check every archive of a department without any password: rotation, escrow, escrow uses.",
        discussion: """
            Reads only the headers. Exit status 0 when everything is compliant, 9 when an
            archive is overdue, never changed past the limit, has a password or data-key
            date in the future or before its creation, lacks escrow or needs a rekey, or
            cannot be read; `due` alone is not a failure. With --verify each archive also
            gets the full check (both header copies, the size, every record) through your
            escrow key: 4 when one was altered or damaged. The owner signature of every
            archive is checked with no key (the body read up to the signed records):
            INVALID is 4 with or without --verify; unsigned or not enrolled is 9. Suitable
            for cron.

            Days are calendar days in the department's time zone (`dept policy
            --time-zone`, Asia/Shanghai by default), never the machine's: --as-of takes a
            date as written.

            EXAMPLES
              salesvault compliance 华东销售部
              salesvault compliance 华东销售部 --as-of 2027-03-31 --csv > rotation.csv
              salesvault compliance 华东销售部 --verify --identity 李经理.key
            """)
    @Argument(help: "The department directory (or any directory of .svault files).") var directory: String
    @Option(name: .long, help: "Judge as of this calendar date (default: today in the department's time zone).") var asOf: String?
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Flag(name: .long, help: "Print CSV (for spreadsheets).") var csv = false
    @Flag(name: .long, help: "Also run the full check on each archive through escrow with --identity: both header copies, the size, every record (not recorded as an escrow use).") var verify = false
    @OptionGroup var identities: IdentityOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be used together") }
        if verify && identities.identity.isEmpty { throw ValidationError("--verify needs --identity KEYFILE") }
        // A key without --verify would be silently ignored (no header is authenticated without it).
        if !verify && !identities.identity.isEmpty {
            throw ValidationError(L("--identity needs --verify (the keys are used only for the full check: salesvault compliance DIR --verify --identity KEY)",
                                    "--identity 须与 --verify 一起使用（密钥只用于完整校验：salesvault compliance 目录 --verify --identity 密钥文件）").text)
        }
    }

    func execute() throws {
        let registry: Registry? = FileManager.default.fileExists(atPath: Layout(directory).registry) ? try Registry.load(directory: directory) : nil
        // DEPARTMENT.md §5: the date considered is the date given, or today in the department's zone.
        let calendar = registry?.calendar ?? .standard
        let judged = try asOf.map { RotationPolicy.AsOf.date(try DepartmentDate.parse($0, calendar: calendar, now: Clock.now)) } ?? .instant(Clock.now)
        let keys = verify ? try identities.load() : []
        let progress = Terminal.Progress(L("Checking", "正在检查"))
        let report = try ComplianceReport.run(directory: directory, asOf: judged, now: Clock.now, registry: registry, identities: keys) { done, total in
            progress.update(UInt64(done), UInt64(total))
        }
        progress.finish()
        if json {
            try JSONOutput.printReport(report)
        } else if csv {
            try printCSV(report)
        } else {
            printTable(report, verify: verify)
        }
        // FORMAT.md §5.2 scheme 3: --verify with fewer keys than an archive needs fails loudly, and a
        // share that fails its own check is evidence of tampering (exit 4).
        let tooFew = report.archives.filter { $0.verified == "too few keys" }
        if !tooFew.isEmpty {
            Terminal.stderr(Terminal.safe(L("--verify: \(Format.counted(tooFew.count, "archive")) \(tooFew.count == 1 ? "needs" : "need") several managers' keys together (k-of-n escrow); the keys given are too few, so their headers were not authenticated: give --identity for k managers\n",
                                            "--verify:\(tooFew.count) 个档案须多位经理的密钥共同核验（k-of-n 共同托管）；所给密钥不足，档案头未能核验，请用 --identity 提供 k 位经理的密钥\n").text))
        }
        // Evidence that an archive was altered or damaged (--verify) is 4, as in verify and escrow
        // verify; plain non-compliance 9 (DEPARTMENT.md §6).
        if report.verifyFailed { throw ExitCode(ExitStatus.damaged.rawValue) }
        // DEPARTMENT.md §7.4: an escrow use logged but removed from the archive is tampering.
        if report.archives.contains(where: \.auditTampered) { throw ExitCode(ExitStatus.damaged.rawValue) }
        // DEPARTMENT.md §6: an INVALID owner signature is evidence of tampering (4), not only non-compliance.
        if report.isTampered { throw ExitCode(ExitStatus.damaged.rawValue) }
        if !report.isCompliant { throw ExitCode(ExitStatus.nonCompliant.rawValue) }
    }

    /// JSON.md §6.3: through the one CSV writer (Interchange): a UTF-8 BOM so that Excel on
    /// Chinese Windows opens it, CRLF line ends, RFC 4180 quoting, cells that start like a
    /// formula neutralised; headers in the user's language, values as the JSON's codes.
    private func printCSV(_ report: ComplianceReport) throws {
        var writer = CSVWriter(encoding: .utf8BOM)
        writer.append(Language.current == .zh ? Self.csvHeaderZH : Self.csvHeader)
        for r in report.archives { writer.append(Self.csvLine(r)) }
        try Terminal.write(writer.data())
    }

    static let csvHeader = ["archive", "owner", "password_changed", "password_age_days", "rotation", "must_change_password", "dek_rotated", "escrow",
                            "escrow_detail", "escrow_uses_unacknowledged", "last_escrow_use", "verified", "kdf_log_n", "problem", "non_compliant",
                            "escrow_uses_logged", "audit_log", "signature"]
    static let csvHeaderZH = ["档案", "所有人", "上次改密码", "密码已用天数", "换密码状态", "须改密码", "数据密钥更换时间", "托管", "托管说明",
                              "未确认的托管访问", "最近托管访问", "已验证", "密码保护成本（log2）", "问题", "不合规",
                              "审计日志中的托管访问", "审计日志", "所有人签名"]

    private static func csvLine(_ r: ComplianceReport.Row) -> [String] {
        // Yes and no in the reader's language (是/否), like the header; the other values are codes.
        let yes = { (b: Bool) in Language.current == .zh ? (b ? "是" : "否") : (b ? "yes" : "no") }
        // Status words, notes and problems too (in Chinese they were the JSON's English codes
        // under Chinese headers: helper-155); the instants stay ISO 8601 UTC, as in JSON.
        let zh = Language.current == .zh
        let status = { (v: String?) in zh ? v.map { statusWord($0, zh: true) } : v }
        return [r.archive, r.owner, r.passwordChangedAt, r.passwordAgeDays.map(String.init), status(r.rotation), r.mustChangePassword.map(yes),
                r.dekRotatedAt, status(r.escrow), zh ? r.escrowDetail.map(ComplianceText.escrowDetailZH) : r.escrowDetail,
                r.escrowUsesUnacknowledged.map(String.init), r.lastEscrowUseAt, verifiedWord(r.verified),
                r.kdfLogN.map(String.init), zh ? r.problemZH : r.problem,
                yes(r.nonCompliant), r.escrowUsesLogged.map(String.init), zh ? r.auditLog.map(auditWordZH) : r.auditLog,
                zh ? r.signature.map { signatureWordZH[$0] ?? $0 } : r.signature].map { $0 ?? "" }
    }

    static let signatureWordZH = ["ok": "有效", "not enrolled": "未登记", "unsigned": "未签名", "INVALID": "无效（被改动）", "new key": "新密钥待登记"]

    /// The audit-log word (DEPARTMENT.md §7.4) in Chinese.
    static func auditWordZH(_ v: String) -> String {
        ["ok": "正常", "none": "无日志", "missing": "缺失", "escrow use removed": "托管记录被删", "altered": "被改动", "unreadable": "无法读取",
         "untrusted lines": "含未经认可的行", "incomplete last line": "最后一行不完整"][v] ?? v
    }

    /// The owner-signature verdict (DEPARTMENT.md §6), coloured, in the reader's language.
    static func signatureCell(_ v: String?, zh: Bool) -> String {
        guard let v else { return "" }
        let text = zh ? (signatureWordZH[v] ?? v) : v
        switch v {
        case "ok": return Terminal.green(text)
        case "INVALID": return Terminal.red(text)
        default: return Terminal.yellow(text)
        }
    }

    /// The verification result in the reader's language.
    /// An English count with its noun (`1 archive`, `2 archives`; "1 foreign files" was printed).
    static func counted(_ n: Int, _ noun: String) -> String { Format.counted(n, noun) }

    private static func verifiedWord(_ v: String?) -> String? {
        guard Language.current == .zh, let v else { return v }
        return ["yes": "是", "FORGED": "伪造", "no slot": "无托管槽", "too few keys": "密钥不足", "share inconsistent": "份额不符", "copies disagree": "副本不一致", "records damaged": "记录损坏",
                "truncated": "被截断", "unfinished append": "未完成的保存", "unreadable": "无法读取", "in use": "正在使用"][v] ?? v
    }

    private func printTable(_ report: ComplianceReport, verify: Bool) {
        let zh = Language.current == .zh
        print((zh ? "合规检查" : "Compliance check") + (report.department.map { " — \(Terminal.cell($0))" } ?? "") + (zh ? "，截至 " : ", as of ") + report.asOfDate)
        var header = zh ? ["档案", "所有人", "上次改密码", "密码已用天数", "换密码", "数据密钥更换", "密码保护成本", "托管", "托管访问"]
            : ["archive", "owner", "password changed", "days", "rotation", "data key", "KDF", "escrow", "escrow uses"]
        if verify { header.append(zh ? "验证" : "verified") }
        header.append(zh ? "所有人签名" : "signature")
        var rows: [[String]] = []
        // Problems are printed below the table, one line per archive (a column would be hundreds
        // of characters wide); JSON and CSV keep their `problem` member and column.
        var problems: [(archive: String, problem: String, nonCompliant: Bool)] = []
        for r in report.archives {
            if let problem = zh ? r.problemZH : r.problem, r.owner == nil {
                rows.append([Terminal.cell(r.archive)] + Array(repeating: "", count: header.count - 1))
                problems.append((r.archive, problem, r.nonCompliant))
                continue
            }
            var rotation = word(r.rotation ?? "", zh)
            if r.mustChangePassword == true { rotation += zh ? "（须修改）" : " (must change)" }
            // (A weak KDF is said in its own column.)
            if let parts = r.problem.map(ComplianceText.parts)?.filter({ !$0.hasPrefix("weak KDF") }), !parts.isEmpty {
                let problem = parts.joined(separator: "; ")
                problems.append((r.archive, zh ? r.chinese(problem) : problem, r.nonCompliant))
            }
            let kdf = r.kdfLogN.map { "2^\($0)" } ?? ""
            let kdfCell = r.kdfWeak == true ? Terminal.red(kdf + (zh ? "（过低）" : " weak")) : kdf
            // Dates in the department's zone (DEPARTMENT.md §5, §6); JSON and CSV give UTC instants.
            // (No count without a header that was read: a registered salesperson without an archive.)
            // (Full-width brackets in Chinese, and what each number counts: “0，日志 2 次” and “1 (2026-12-07)”
            // read oddly: helper-179.)
            var uses = r.escrowUsesUnacknowledged.map { n in
                zh ? (n == 0 ? "未确认 0 次" : "未确认 \(n) 次（最近 \(r.lastEscrowUseDate ?? "")）") : n == 0 ? "0" : "\(n) (\(r.lastEscrowUseDate ?? ""))"
            } ?? ""
            if let logged = r.escrowUsesLogged, logged > 0 { uses += zh ? "，审计日志共 \(logged) 次" : ", \(logged) logged" }
            // (“审计日志共 1 次 记录被删” read as two broken phrases: helper-182.)
            if r.auditTampered { uses = Terminal.red(uses + (zh ? "，其中有访问记录已从档案中删除" : " REMOVED")) }
            // (A password changed after the date asked, --as-of in the past: the header keeps only
            // the last change, so its age then is not known; it printed -2500: helper-194.)
            let days = r.passwordAgeDays.map { $0 < 0 ? (zh ? "晚于查询日期" : "after --as-of") : String($0) } ?? ""
            var row = [Terminal.cell(r.archive), Terminal.cell(r.owner ?? ""), r.passwordChangedDate ?? "", days,
                       paint(rotation, r.rotation ?? ""), r.dekRotatedDate ?? "", kdfCell,
                       paint(word(r.escrow ?? "", zh), r.escrow ?? "")
                        + (r.escrowDetail.map { zh ? "（\(Terminal.cell(ComplianceText.escrowDetailZH($0)))）" : " (\(Terminal.cell($0)))" } ?? ""), uses]
            if verify {
                let failed = r.verified.map { !FullCheckText.passing.contains($0) || $0 == "too few keys" } ?? false
                row.append(failed ? Terminal.red(Self.verifiedWord(r.verified) ?? "") : (Self.verifiedWord(r.verified) ?? ""))
            }
            row.append(Self.signatureCell(r.signature, zh: zh))
            rows.append(row)
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map { displayWidth(stripANSI($0)) }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c + String(repeating: " ", count: max(0, widths[i] - displayWidth(stripANSI(c)))) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        print(line(header.map { Terminal.bold($0) }))
        for r in rows { print(line(r)) }
        if report.archives.contains(where: { ($0.passwordAgeDays ?? 0) < 0 }) {
            print(zh ? "注：标为“晚于查询日期”的档案，在 --as-of 指定的日期之后修改过密码。档案只保存最近一次修改密码的时间，无法判断其在该日期的状态，表中暂按正常列出。"
                     : "Note: archives marked “after --as-of” changed their password after the date asked; an archive keeps only its last change, so their state on that date is not known and they are listed as ok.")
        }
        if !problems.isEmpty {
            print(zh ? "问题：" : "Problems:")
            for p in problems {
                let text = "  \(Terminal.cell(p.archive))\(zh ? "：" : ": ")\(Terminal.cell(p.problem))"
                print(p.nonCompliant ? Terminal.red(text) : text)
            }
        }
        let s = report.summary
        let rotation = ["ok", "due", "overdue", "never rotated", "overdue (never changed)", "future date", "before creation"].compactMap { k in s.rotation[k].map { "\($0) \(word(k, zh))" } }.joined(separator: ", ")
        let escrow = ["ok", "missing", "stale", "rekey required"].compactMap { k in s.escrow[k].map { "\($0) \(word(k, zh))" } }.joined(separator: ", ")
        // (In Chinese each count with its measure word: 共 3 份档案：换密码 2 份正常、1 份应更换…)
        let rotationZH = ["ok", "due", "overdue", "never rotated", "overdue (never changed)", "future date", "before creation"].compactMap { k in s.rotation[k].map { "\($0) 份\(word(k, true))" } }.joined(separator: "、")
        let escrowZH = ["ok", "missing", "stale", "rekey required"].compactMap { k in s.escrow[k].map { "\($0) 份\(word(k, true))" } }.joined(separator: "、")
        var summary = zh
            ? "共 \(s.archives) 份档案。换密码：\(rotationZH.isEmpty ? "无" : rotationZH)；托管：\(escrowZH.isEmpty ? "无部门名册，未核对" : escrowZH)；托管访问："
                + (s.escrowUsesUnacknowledged == 0 ? "均已经本人确认" : "\(s.escrowUsesUnacknowledged) 次尚未经本人确认")
            : "\(Self.counted(s.archives, "archive")): rotation \(rotation.isEmpty ? "-" : rotation); escrow \(escrow.isEmpty ? "-" : escrow); \(s.escrowUsesUnacknowledged) unacknowledged \(s.escrowUsesUnacknowledged == 1 ? "escrow use" : "escrow uses")"
        if s.escrowUsesLogged > 0 { summary += zh ? "；审计日志记有 \(s.escrowUsesLogged) 次托管访问" : "; \(Self.counted(s.escrowUsesLogged, "escrow use")) in the audit logs" }
        if s.auditTampered > 0 { summary += zh ? "；\(s.auditTampered) 份档案缺少审计日志中的托管记录或日志被改动" : "; \(s.auditTampered) with logged escrow uses removed or the log altered" }
        if s.weakKDF > 0 { summary += zh ? "；\(s.weakKDF) 份档案的密码保护强度不足" : "; \(s.weakKDF) with a weak KDF" }
        if s.unreadable > 0 { summary += zh ? "；\(s.unreadable) 份无法读取" : "; \(s.unreadable) unreadable" }
        if s.foreign > 0 { summary += zh ? "；另有 \(s.foreign) 个非档案文件" : "; \(Self.counted(s.foreign, "foreign file"))" }
        if s.temporaryFiles > 0 {
            summary += zh ? "；另有 \(s.temporaryFiles) 个保存中断时留下的临时文件（将在所属销售人员下次修改档案时自动删除，无需处理）"
                : "; \(Self.counted(s.temporaryFiles, "temporary file")) of an interrupted save (the owner's next change removes \(s.temporaryFiles == 1 ? "it" : "them"))"
        }
        // (Counted apart from the archives: "4 archives … 4 ok … 4 NOT compliant" read as all four failing.)
        if s.missing > 0 { summary += zh ? "；\(s.missing) 位已登记人员没有档案" : "; \(s.missing) registered without an archive" }
        if report.policy.hasPrefix("no periodic") { summary += zh ? "；不要求定期更换密码（部门政策）" : "; no periodic rotation (department policy)" }
        summary += s.nonCompliant == 0 ? (zh ? "。结论：全部合规" : " — compliant") : (zh ? "。结论：\(s.nonCompliant) 份不合规" : " — \(s.nonCompliant) NOT compliant")
        print(s.nonCompliant == 0 ? Terminal.green(summary) : Terminal.red(summary))
        if let w = report.weeklyReports, !w.rows.isEmpty || w.notAsked != nil {
            let due = w.dueLocal
            print("")
            if w.rows.isEmpty {
                // Everyone registered after the due time: said, not dropped (the section vanished).
                print(zh ? "销售周报 \(ReportText.weekZH(w.week))（\(w.week)，截止 \(due)）：该周无人需要提交" : "Weekly reports \(w.week) (due \(due)): no one was due to hand one in")
            } else {
                print(zh ? "销售周报 \(ReportText.weekZH(w.week))（\(w.week)，截止 \(due)）：按时提交 \(w.submitted) 人，逾期提交 \(w.late) 人，未提交 \(w.missing) 人" + (w.invalid > 0 ? "，校验未通过 \(w.invalid) 人" : "")
                         : "Weekly reports \(w.week) (due \(due)): \(w.submitted) on time, \(w.late) late, \(w.missing) missing" + (w.invalid > 0 ? ", \(w.invalid) invalid" : ""))
            }
            for r in w.rows {
                let word = zh ? ["submitted": "按时提交", "late": "逾期提交", "missing": "未提交", "invalid": "提交内容校验未通过"][r.status] ?? r.status : r.status
                let at = r.submittedLocal.map { " " + $0 } ?? ""
                let line = "  \(Terminal.cell(r.salesperson))  \(word)\(at)" + ((zh ? r.problemZH ?? r.problem : r.problem).map { zh ? "（" + Terminal.cell($0) + "）" : "  (" + Terminal.cell($0) + ")" } ?? "")
                print(r.status == "submitted" ? line : r.status == "late" ? Terminal.yellow(line) : Terminal.red(line))
            }
            if let names = w.notAsked {
                let shown = names.map(Terminal.cell)
                print(zh ? "  以下人员在该周周报截止后才加入部门名册，该周无需提交，也不计入统计：\(shown.joined(separator: "、"))"
                         : "  Registered after this week's report was due, so not asked this week and not counted: \(shown.joined(separator: ", "))")
            }
        }
    }

    private func paint(_ text: String, _ status: String) -> String {
        if status.hasPrefix("ok") { return Terminal.green(text) }
        if status.hasPrefix("due") { return Terminal.yellow(text) }
        return text.isEmpty ? text : Terminal.red(text)
    }

    private func word(_ status: String, _ zh: Bool) -> String { statusWord(status, zh: zh) }

    private func stripANSI(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
}

struct RemindersCommand: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "reminders", abstract: "Calendar events (iCalendar, .ics) for the password-change dates of archives.",
        discussion: """
            One all-day event on each archive's reminder date and one on its overdue date,
            under the department's rule. Importing the file again updates the events
            (stable UIDs).

            EXAMPLES
              salesvault reminders --ics 华东销售部 --output rotation.ics
              salesvault reminders --ics zhangwei.svault
            """)
    @Flag(name: .long, help: "Write iCalendar (the only format).") var ics = false
    @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var output: String?
    @Argument(help: "Archives or department directories.") var paths: [String]
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if !ics { throw ValidationError("give --ics (iCalendar is the only format)") }
        if paths.isEmpty { throw ValidationError("give at least one archive or department directory") }
        _ = try OutputOption.standardOutputOrFile(output, option: "--output", example: "换密码提醒.ics")
    }

    func execute() throws {
        let (entries, skipped) = try Reminders.collect(paths, now: Clock.now, departmentOverride: OwnerUnlock.departmentOverride)
        for file in skipped { Terminal.stderr(Terminal.safe(L("skipped \(file): not a readable archive", "已跳过 \(file)：不是可读的档案").text) + "\n") }
        let text = Reminders.calendar(entries, now: Clock.now, zh: Language.current == .zh)
        if let output = try OutputOption.standardOutputOrFile(output, option: "--output", example: "换密码提醒.ics") {
            // Atomically (a full disk leaves the old calendar, never a 0-byte one); a calendar is
            // regenerated, so it replaces the previous file.
            try AtomicFile.write(Data(text.utf8), to: output, replacing: true, protecting: paths)
            let events = text.components(separatedBy: "BEGIN:VEVENT").count - 1
            print(L("Wrote \(ComplianceCommand.counted(events, "event")) for \(ComplianceCommand.counted(entries.count, "archive")) to \(output).", "已将 \(entries.count) 个档案的 \(events) 个事件写入 \(output)。").text)
        } else {
            print(text, terminator: "")
        }
    }
}

/// `--as-of DATE` (DEPARTMENT.md §5): a calendar date taken as written; `today`, `yesterday`
/// and `tomorrow` are dates in the department's zone, not the machine's.
enum DepartmentDate {
    static func parse(_ text: String, calendar: DepartmentCalendar, now: Int64) throws -> Int64 {
        // DateParser resolves the relative words in the machine's zone: give it a "now" that falls
        // there on the department's date (at its noon, clear of any daylight-saving change).
        let today = Int32(clamping: calendar.day(of: now))
        return Int64(try DateParser.parse(text, now: DateParser.startOfDay(today) + 43_200, yearless: .past))
    }
}

/// Status words in the output's language (JSON and CSV keep the English codes, DEPARTMENT.md §6).
func statusWord(_ status: String, zh: Bool) -> String {
    guard zh else { return status }
    return ["ok": "正常", "due": "应更换", "overdue": "已逾期", "never rotated": "应更换（从未改过密码）", "missing": "缺失", "stale": "不一致",
            "rekey required": "须更换数据密钥", "future date": "日期在未来",
            "overdue (never changed)": "已逾期（从未改过密码）", "before creation": "早于档案创建", "none": "无托管"][status]
        ?? ComplianceText.escrowDetailZH(status)
}
