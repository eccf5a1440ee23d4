import ArgumentParser
import Department
import Foundation
import Interchange
import SalesArchive
import VaultCrypto

/// `salesvault report weekly|submit|department` (REPORTS.md): the Friday report. The rules are
/// in the Interchange library (WeeklyReportBuilder, ReportSubmission, DepartmentView); this
/// layer parses, asks and prints.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The weekly report (周报): build it, hand it in sealed to the managers, and the department's view.",
        discussion: """
            Regulation 6.5(6): every Friday the week's archive goes to the general manager
            and the sales director, with the week's additions marked in colour.

            EXAMPLES
              salesvault report weekly -a 张伟.svault                      (this week, an XLSX file)
              salesvault report weekly -a 张伟.svault --week 2026-W48 --format html --out 周报.html
              salesvault report submit -a 华东销售部/archives/张伟.svault   (sealed to the managers)
              salesvault report department 华东销售部 --identity 王总.key
            """,
        subcommands: [Weekly.self, Submit.self, Department.self])

    /// The week asked for, or the current one in the department's calendar.
    static func week(_ text: String?, calendar: DepartmentCalendar) throws -> ISOWeek {
        guard let text else { return calendar.week(of: Clock.now) }
        guard let week = ISOWeek(named: text, today: calendar.day(of: Clock.now)) else {
            // A week 53 of a year of 52 weeks: said as such, not as a format to follow.
            let t = text.trimmingCharacters(in: .whitespaces).uppercased().replacingOccurrences(of: "-", with: "")
            if t.hasSuffix("W53"), let year = ISOWeek(parsing: t.replacingOccurrences(of: "W53", with: "W52"))?.year {
                throw CLIError(.usage, L("\(year) has 52 ISO weeks: there is no \(year)-W53", "\(year) 年只有 52 周，没有第 53 周（\(year)-W53）"),
                               hint: L("its last week is \(year)-W52; the week after it is \(year + 1)-W01", "该年最后一周是 \(year)-W52，其后一周是 \(year + 1)-W01"))
            }
            throw CLIError(.usage, L("\(text) is not a week; write it as 2026-W48, 第48周, 上周 (last week), or a day in it (11月27日)",
                                     "“\(text)”不是有效的周次。可以写成 2026-W48（即 2026年第48周）、第48周、上周，或这一周中的任意一天（如 11月27日）"))
        }
        // A week not begun has nothing to report (2099-W01 was built, empty, and recorded as
        // an export: helper-109).
        let current = calendar.week(of: Clock.now)
        guard week.monday <= current.monday else {
            throw CLIError(.inputRefused, L("\(week) has not begun yet: there is nothing to report (this week is \(current))",
                                            "\(ReportText.weekZH(week.description))尚未开始，暂无可汇报的内容（本周为 \(ReportText.weekZH(current.description))）"),
                           hint: L("leave --week out for this week's report", "不加 --week 即为本周周报"))
        }
        return week
    }

    /// The archive's department registry, verified; nil outside a department.
    static func registry(of archive: CustomerArchive) throws -> (Registry, Layout)? {
        guard let layout = ArchiveDepartment.layout(forArchive: archive.vault.path, override: OwnerUnlock.departmentOverride),
              let registry = try ArchiveDepartment.registry(forArchive: archive.vault.path, header: archive.vault.header, override: OwnerUnlock.departmentOverride)
        else { return nil }
        return (registry, layout)
    }

    /// Builds the report; on a terminal, first asks for the result and problems the regulation
    /// requires of each grade change that lacks them, and records them.
    /// `zh`: the report's language (the terminal's, unless the caller says otherwise).
    static func build(_ context: ArchiveContext, week: String?, includeSecret: Bool, prompt: Bool, zh: Bool = Render.zh) throws -> WeeklyReport {
        let archive = context.archive
        let department = try registry(of: archive)
        let calendar = department?.0.calendar ?? .standard
        var options = WeeklyReportBuilder.Options(week: try Self.week(week, calendar: calendar), calendar: calendar, now: Clock.now)
        options.includeSecret = includeSecret
        options.zh = zh
        options.recipients = (department?.0.reportRecipients ?? []).map { Registry.nameWithRole($0, zh: zh) }
        let intervals = department?.0.contactIntervals ?? .standard
        (options.staleA, options.staleB) = (intervals.a, intervals.b)
        var report = try WeeklyReportBuilder.build(archive, options: options)
        if let note = calendar.machineZoneNote(at: Clock.now) { Terminal.stderr(L("Note: \(note.en).\n", "提示：\(note.zh)。\n").text) }
        let missing = report.incompleteGradeChanges
        guard !missing.isEmpty else { return report }
        if prompt && !context.throughEscrow && isatty(STDIN_FILENO) == 1 {
            Terminal.stderr(L("Regulation 6.2(2): each grade change needs its result and the problems met in the work report.\n",
                              "按制度 6.2（2），客户等级调整后须在周报中写明调整结果及存在的问题，请逐项补填：\n").text)
            var noted = false
            for g in missing {
                let head = "\(g.customerID) \(g.customer) \(ReportText.grade(g.from, zh: Render.zh)) → \(ReportText.grade(g.to, zh: Render.zh))"
                let result = (g.result ?? "").isEmpty ? Terminal.ask(L("\(head): result (Enter to skip): ", "\(head)：调整结果（直接回车跳过）：")) : nil
                let problem = (g.problem ?? "").isEmpty ? Terminal.ask(L("\(head): problems met (Enter to skip): ", "\(head)：存在的问题（直接回车跳过）：")) : nil
                if result != nil || problem != nil {
                    try archive.noteGrade(g.customerID, result: result ?? "", problem: problem ?? "", change: g.batch, now: Clock.now)
                    noted = true
                }
            }
            if noted { report = try WeeklyReportBuilder.build(archive, options: options) }
        }
        return report
    }

    /// Whether `text` holds a CJK ideograph.
    static func hasIdeograph(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) || (0x20000...0x2FFFF).contains($0.value) }
    }

    /// Said once the report is written (it was said before, and then the writing could fail:
    /// helper-110): grade changes still without their result or problems, marked red.
    static func sayIncomplete(_ report: WeeklyReport) {
        let still = report.incompleteGradeChanges.count
        guard still > 0 else { return }
        Terminal.stderr(L("Note: \(Format.counted(still, "grade change")) still lack the result or the problems met; they are marked 待补充 (missing) in the report. Add them with: salesvault customer grade CUSTOMER --result … --problem …\n",
                          "注意：仍有 \(still) 项等级调整缺少调整结果或存在的问题，已在周报中标为“待补充”。可用 salesvault customer grade <客户编号或名称> --result … --problem … 补充。\n").text)
    }

    struct Weekly: ArchiveCommand {
        static let configuration = CommandConfiguration(
            commandName: "weekly", abstract: "Build the week's report as an Excel workbook, a web page or Markdown (plaintext, recorded in the history).",
            discussion: """
                The week is an ISO week (Monday to Sunday) in the department's time zone
                (Asia/Shanghai unless the department says otherwise); what it shows comes from
                the archive's history. The appendix is the archive as at the week's end: rows
                added this week in green, cells changed this week in amber, and a 本周变更
                column (新增 / 修改) for black-and-white print. To hand the report in, use
                `report submit`: it seals it to the managers instead.

                With --encrypt the workbook is encrypted with a password you choose (AES-256,
                as Excel and WPS do), for a manager who opens it in Excel instead of with
                `salesvault unseal`; the plaintext stays in memory. Tell the password
                separately, never with the file.

                EXAMPLES
                  salesvault report weekly -a 张伟.svault
                  salesvault report weekly -a 张伟.svault --week 2026-W48 --format html --out 周报.html
                  salesvault report weekly -a 张伟.svault --encrypt --out 周报-给王总.xlsx
                """)
        @Option(help: ArgumentHelp("The week: 2026-W48, 第48周, 上周 (last week), or a day in it such as 11月27日 (default: this week).", valueName: "week")) var week: String?
        @Option(help: "xlsx (default, or what --out's name ends in), html or md.") var format: ReportRender.Format?
        @Option(help: ArgumentHelp("The file to write (default: the owner's name, 周报, the week).", valueName: "file")) var out: String?
        @Flag(help: "Include secret fields (a contact's personal background).") var includeSecret = false
        @Flag(help: "Do not ask for missing grade-change results on the terminal.") var noPrompt = false
        @Flag(help: "Replace the file if it exists.") var force = false
        @Flag(help: "Encrypt the workbook with a password you choose (XLSX only; opens in Excel, WPS, LibreOffice).") var encrypt = false
        @Option(help: ArgumentHelp("With --encrypt: the workbook's password, from the first line of this file.", valueName: "file"))
        var workbookPasswordFile: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .export }
        /// The week's report and its file built in memory: a 15.6 MB archive of 100,000
        /// customers, under `ulimit -v`, needed more than 350 MB left for Markdown, 530 MB for
        /// HTML and 870 MB for XLSX (sweeps before this count; Markdown and XLSX raised from 24
        /// and 66 when a black-box sweep crashed them just above where they were refused).
        var memoryTimesRecords: Int {
            switch format ?? out.flatMap({ ReportRender.Format(fileName: $0) }) ?? .xlsx {
            case .md: return 28
            case .html: return 36
            case .xlsx: return 80
            }
        }

        func validate() throws {
            // (The example in the format asked for: `--format markdown --out -` suggested 周报.xlsx.)
            try OutputOption.check(out, option: "--out", example: "周报.\((format ?? .xlsx).rawValue)")
            if workbookPasswordFile != nil && !encrypt { throw ValidationError(L("--workbook-password-file goes with --encrypt", "--workbook-password-file 须与 --encrypt 一起使用").text) }
            if encrypt, let format, format != .xlsx { throw ValidationError(L("--encrypt writes an encrypted Excel workbook: use --format xlsx", "--encrypt 只能生成加密的 Excel 工作簿，请使用 --format xlsx").text) }
        }

        func run(in context: ArchiveContext) throws {
            let named = out.flatMap { ReportRender.Format(fileName: $0) }
            if let format, let named, format != named {
                throw CLIError(.usage, L("--format \(format.rawValue) but \(out!) ends in .\(named.rawValue)", "已指定 --format \(format.rawValue)，但文件名 \(out!) 的扩展名为 .\(named.rawValue)"),
                               hint: L("name the file .\(format.rawValue), or use --format \(named.rawValue)", "请将扩展名改为 .\(format.rawValue)，或改用 --format \(named.rawValue)"))
            }
            if format == nil, let out, named == nil {
                throw CLIError(.usage, L("\(out) does not end in .xlsx, .html or .md", "文件名 \(out) 的扩展名不是 .xlsx、.html 或 .md"),
                               hint: L("name the file .xlsx, .html or .md, or give --format", "请使用 .xlsx、.html 或 .md 扩展名，或用 --format 指定格式"))
            }
            let format = format ?? named ?? .xlsx
            if encrypt && format != .xlsx {
                throw CLIError(.usage, L("--encrypt writes an encrypted Excel workbook: name the --out file .xlsx", "--encrypt 只能生成加密的 Excel 工作簿，--out 文件名须以 .xlsx 结尾"))
            }
            let workbookPassword = encrypt ? try WorkbookPasswordCheck.ask(file: workbookPasswordFile, archive: context.archive.vault) : nil
            let report = try ReportCommand.build(context, week: week, includeSecret: includeSecret, prompt: !noPrompt)
            defer { Background.release(report) }
            var data = try ReportRender.data(report, format: format, zh: Render.zh)
            if let workbookPassword { data = Data(try OfficeCrypto.encrypt(package: Array(data), password: workbookPassword)) }
            let owner = ReportFolder.stem(report.owner)
            let path = out ?? "\(owner)-周报-\(report.week).\(format.rawValue)"
            let digest = try SHA256.hash(Array(data)).hexString
            let archive = context.archive
            // Never over the archive, nor over the department's signed registry.
            let department = ArchiveDepartment.layout(forArchive: archive.vault.path, override: OwnerUnlock.departmentOverride)
            let protected = [archive.vault.path] + (department.map { [$0.registry, $0.signature] } ?? [])
                + [options.password.passwordFile, workbookPasswordFile].compactMap { $0 } + context.keyFiles
            try AtomicFile.write(data, to: path, replacing: force, protecting: protected) {
                guard !context.throughEscrow else { return }
                let note = ExportNote(format: "weekly-report-\(format.rawValue)\(encrypt ? "-encrypted" : "")", kinds: [report.week], rows: report.customers.count,
                                      file: URL(fileURLWithPath: path).lastPathComponent, sha256: digest, includeSecret: includeSecret)
                try archive.recordExport(note, label: "report weekly", now: Clock.now)
            }
            let shown = Terminal.cell(path)
            if encrypt {
                Terminal.stderr(WorkbookPasswordCheck.note(shown).text)
            } else {
            Terminal.stderr(L("Note: \(shown) is a plaintext copy of customer data. To hand the report in, use `salesvault report submit`, which seals it to the managers.\n",
                              "注意：\(shown) 是客户资料的明文副本，没有加密，请妥善保管、用完及时删除。正式提交周报请用 salesvault report submit（加密后只有总经理和销售总监能打开）。\n").text)
            }
            Terminal.print(L("Wrote the report of \(report.week) to \(shown): \(Format.counted(report.gradeChanges.count, "grade change")), \(Format.counted(report.newCustomers.count, "new customer")), \(Format.counted(report.activities.count, "contact-log entry", plural: "contact-log entries")); recorded in the history.",
                             "已生成 \(ReportText.weekZH(report.week))周报：\(shown)。等级调整 \(report.gradeChanges.count) 项，新增客户 \(report.newCustomers.count) 家，跟进记录 \(report.activities.count) 条；本次导出已记入档案历史。"))
            ReportCommand.sayIncomplete(report)
        }
    }

    struct Submit: ArchiveCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit", abstract: "Hand in the week's report, sealed (age format) to the managers whose role receives reports.",
            discussion: """
                The report (XLSX and HTML, and a summary for the department view) is encrypted
                in memory to the public keys of the department's general manager and sales
                director (or the roles the department's policy names) and written to
                <department>/reports/<week>/. Nothing in plaintext touches the disk. What was
                sent is frozen: its SHA-256 is recorded in your archive's history, and
                submitting again makes a new version beside it.

                EXAMPLES
                  salesvault report submit -a 华东销售部/archives/张伟.svault
                  salesvault report submit -a 华东销售部/archives/张伟.svault --week 2026-W48
                """)
        @Option(help: ArgumentHelp("The week: 2026-W48, 第48周, 上周 (last week), or a day in it such as 11月27日 (default: this week).", valueName: "week")) var week: String?
        @Flag(help: "Do not ask for missing grade-change results on the terminal.") var noPrompt = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .export }
        /// Both files of the report (XLSX and HTML) built in memory (`Weekly.memoryTimesRecords`).
        var memoryTimesRecords: Int { 80 + 36 }

        func run(in context: ArchiveContext) throws {
            guard !context.throughEscrow else {
                throw CLIError(.failure, L("only the owner hands in their weekly report", "周报只能由档案所有人本人提交"))
            }
            let archive = context.archive
            guard let (registry, layout) = try ReportCommand.registry(of: archive) else {
                throw CLIError(.failure, L("\(archive.vault.path) is not in a department folder: there is no one to send the report to",
                                           "\(archive.vault.path) 不在部门文件夹中，找不到周报接收人"),
                               hint: L("keep the archive in <department>/archives/, or set SALESVAULT_DEPARTMENT; `report weekly` makes a report for yourself",
                                       "请将档案放在 <部门>/archives/ 下，或设置 SALESVAULT_DEPARTMENT；只想自己查看，可用 salesvault report weekly"))
            }
            // The report is the managers': in Chinese for a department named in Chinese, unless
            // --lang says otherwise (a terminal without a Chinese locale sealed an English
            // report to Chinese managers: helper-179).
            let zh = global.lang.map { $0 == .zh } ?? (Render.zh || ([registry.name] + registry.managers.map(\.name)).contains { ReportCommand.hasIdeograph($0) })
            let report = try ReportCommand.build(context, week: week, includeSecret: false, prompt: !noPrompt, zh: zh)
            defer { Background.release(report) }
            let xlsx = try ReportRender.data(report, format: .xlsx, zh: zh)
            let html = try ReportRender.data(report, format: .html, zh: zh)
            let result = try ReportSubmission.submit(report, xlsx: xlsx, html: html, registry: registry, layout: layout, archive: archive, now: Clock.now)
            let to = registry.reportRecipients.map { Registry.nameWithRole($0, zh: zh) }.joined(separator: zh ? "、" : ", ")
            let due = registry.reportDue(ISOWeek(parsing: report.week)!)
            let late = Clock.now > due
            Terminal.print(L("Submitted the report of \(report.week) (version \(result.version)), sealed to \(to):",
                             "已提交 \(report.week) 周报（第 \(result.version) 版），已加密存入部门周报文件夹，仅 \(to)可以打开："))
            for p in result.paths { Terminal.print("  " + p) }
            Terminal.print(L("SHA-256 of the manifest \(result.manifestSHA256.prefix(16))… recorded in your archive's history.",
                             "提交清单的校验值（SHA-256）\(result.manifestSHA256.prefix(16))… 已记入档案历史，已提交的内容不会再被改动。"))
            ReportCommand.sayIncomplete(report)
            if late, let first = result.firstSubmittedAt, first <= due, let v = result.firstVersion {
                // A revision of a report first submitted on time: the department counts that one.
                Terminal.stderr(L("Note: this version was revised after the deadline (Friday \(registry.reportDueHour):00); the submission still counts as on time, by version \(v) (\(registry.calendar.localTime(first))), and the department sees this version's figures, marked revised after the deadline.\n",
                                  "注意：本版为截止时间（周五 \(registry.reportDueHour):00）之后的修订；提交情况仍按第 \(v) 版（\(registry.calendar.localTime(first)) 提交）记为按时提交，部门汇总显示本版数据，并注明“截止后修订”。\n").text)
            } else if late {
                Terminal.stderr(L("Note: submitted after the deadline (Friday \(registry.reportDueHour):00); it counts as late.\n",
                                  "注意：已超过截止时间（周五 \(registry.reportDueHour):00），记为逾期提交。\n").text)
            }
        }
    }

    struct Department: VaultCommand {
        static let configuration = CommandConfiguration(
            commandName: "department", abstract: "The department's view of a week: every sealed report your key opens, in one table.",
            discussion: """
                Per salesperson: submitted on time, late or not at all, new customers, grade
                moves, contacts logged, pipeline, open complaints; the department's funnel;
                who has not submitted; customers that appear in more than one salesperson's
                report (撞单).

                EXAMPLES
                  salesvault report department 华东销售部 --identity 王总.key
                  salesvault report department 华东销售部 --week 2026-W48 --identity 王总.key --out 汇总.xlsx
                """)
        @Argument(help: "The department directory.") var directory: String
        @Option(help: ArgumentHelp("The week: 2026-W48, 第48周, 上周 (last week), or a day in it such as 11月27日 (default: the last week whose reports are due).", valueName: "week")) var week: String?
        /// What the view is written as (not Markdown: its help listed md, then refused it).
        enum ViewFormat: String, ExpressibleByArgument, CaseIterable { case html, xlsx }
        @Option(help: "html or xlsx (default: what --out's name ends in).") var format: ViewFormat?
        func validate() throws {
            // (`--out -` is the terminal, the default.)
            let file = try OutputOption.standardOutputOrFile(out, option: "--out", example: "部门周报.html")
            if format != nil && file == nil {
                throw ValidationError(L("--format needs --out FILE (--out - shows the view on the terminal, where there is no format to choose)",
                                        "--format 须与 --out 文件名一起使用（--out - 表示在屏幕上显示，无需指定格式）").text)
            }
            if identities.identity.isEmpty { throw ValidationError(L("give your key with --identity KEYFILE", "请用 --identity 指定您的密钥文件").text) }
        }
        @Option(help: ArgumentHelp("Write the view to this file instead of the terminal.", valueName: "file")) var out: String?
        @Flag(help: "Replace the file if it exists.") var force = false
        @OptionGroup var identities: IdentityOptions
        @OptionGroup var global: GlobalOptions

        func execute() throws {
            let registry = try Registry.load(directory: directory)
            let w = try week.map { try ReportCommand.week($0, calendar: registry.calendar) } ?? WeeklyReportCheck.lastDueWeek(registry: registry, now: Clock.now)
            let view = try DepartmentView.open(directory: directory, week: w, identities: try identities.load())
            let zh = Render.zh
            // A key that opens none of the week's reports: say so, after showing what is known.
            let handedIn = view.people.filter { $0.status == "submitted" || $0.status == "late" }
            defer {
                if !handedIn.isEmpty && !handedIn.contains(where: { $0.report != nil }) {
                    Terminal.stderr(L("Your key opened none of the \(Format.counted(handedIn.count, "report")) of \(w): it is not a recipient (reports go to the roles the department's policy names).\n",
                                      "您的密钥打不开 \(ReportText.weekZH(w.description)) 的 \(handedIn.count) 份周报中的任何一份：周报未发给此密钥（接收人由部门政策规定的角色决定）。\n").text)
                }
            }
            if let out = try OutputOption.standardOutputOrFile(out, option: "--out", example: "部门周报.html") {
                let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
                if format == nil, ext == "md" { throw CLIError(.usage, L("the department view is written as html or xlsx", "部门汇总只能保存为 html 或 xlsx")) }
                let data: Data
                switch format ?? ViewFormat(rawValue: ext) ?? .html {
                case .html: data = Data(DepartmentRender.html(view, zh: zh).utf8)
                case .xlsx: data = try XLSXWriter.write(DepartmentRender.workbook(view, zh: zh))
                }
                try AtomicFile.write(data, to: out, replacing: force)
                Terminal.stderr(L("Note: \(Terminal.cell(out)) is plaintext; keep it safe.\n", "注意：\(Terminal.cell(out)) 是汇总的明文副本，没有加密，请妥善保管，勿外传。\n").text)
                Terminal.print(L("Wrote the department view of \(w) to \(out).", "已将 \(w) 部门周报汇总写入 \(out)。"))
                return
            }
            let tables = DepartmentRender.tables(view, zh: zh)
            Terminal.printPainted(Terminal.bold(tables.title))
            for section in tables.all {
                Terminal.print("")
                Terminal.printPainted(Terminal.bold(section.title))
                if section.rows.isEmpty { Terminal.print(section.empty) } else {
                    Render.table(section.headers, section.rows.map { $0.map(\.text) })
                }
                if let note = section.note { Terminal.print(note) }
            }
        }
    }
}

extension ReportRender.Format {
    /// The format a file's name gives: .md or .markdown, .html or .htm, .xlsx (`--out 周报.markdown`
    /// was refused while `--format markdown` was read: helper-124).
    init?(fileName: String) {
        switch URL(fileURLWithPath: fileName).pathExtension.lowercased() {
        case "md", "markdown": self = .md
        case "html", "htm": self = .html
        case "xlsx": self = .xlsx
        default: return nil
        }
    }
}

extension ReportRender.Format: ExpressibleByArgument {
    /// `md`, `html`, `xlsx`, in any case, and the names people also type for them (markdown,
    /// htm, excel): `--format markdown` was refused.
    public init?(argument: String) {
        let given = argument.trimmingCharacters(in: .whitespaces).lowercased()
        switch given {
        case "markdown": self = .md
        case "htm": self = .html
        case "excel": self = .xlsx
        default: self.init(rawValue: given)
        }
    }
}

extension ArchiveContext {
    /// Says on stderr, when `given`, that a time typed here is read in this machine's zone and the
    /// weekly report shows it in the department's, if the two differ (`--at` of the log and
    /// complaint commands, times of an imported log or complaints: helper-123).
    /// `at`: the moment the offsets are compared at (the time given: New York is 13 hours behind
    /// Beijing in December, 12 in July: helper-126).
    /// `instant` in the department's zone, when this machine's offset differs there (the time as
    /// the weekly report will show it: helper-128): "北京时间 2026-03-02 04:00"; nil otherwise.
    /// The name of the customer a record belongs to, for a confirmation that names it (a name
    /// written in part finds one, and the user sees which: helper-132).
    func customerName(of e: Entity) -> String? {
        e["customer"]?.ref.flatMap { archive.state.entity(.customer, $0)?.displayName }
    }

    func departmentTime(_ instant: Int64) -> L? {
        let calendar = ((try? ReportCommand.registry(of: archive))??.0.calendar ?? .standard)
        let date = Date(timeIntervalSince1970: TimeInterval(instant))
        guard calendar.timeZone.secondsFromGMT(for: date) != TimeZone.current.secondsFromGMT(for: date) else { return nil }
        let name = calendar.timeZone.identifier, shown = DateParser.localMinute(instant, in: calendar.timeZone)
        return L("\(shown) in \(name)", "\(name == DepartmentCalendar.defaultZoneName ? "北京时间" : name) \(shown)")
    }

    /// The time given with `--at` (nil without it), by the one rule of DateParser.parseInstant
    /// (a date alone is 09:00 that day, never later than now; a future day refused); the zone
    /// note said first, before a refusal too (今天上午9点 "not yet" on a machine in UTC is what
    /// the note explains: helper-126).
    func atTime(_ text: String?, now: Int64 = Clock.now) throws -> Int64? {
        // (Empty, `--at=`: refused; it was 09:00 today, and `log edit L32 --at=` moved a week-old
        // entry to this morning: helper-141.)
        if let text, text.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ArchiveError(.invalidDate, "--at is empty: give the time (e.g. 2026-03-05 14:30 or 昨天下午3点), or leave --at out for now",
                               zh: "--at 后面的时间为空：请写明时间（如 2026-03-05 14:30 或 昨天下午3点）；不写 --at 则按现在记录")
        }
        let read = Result { try text.map { try DateParser.parseInstant($0, now: now) } }
        noteMachineZone(if: text != nil, at: (try? read.get()) ?? nil)
        return try read.get()
    }

    func noteMachineZone(if given: Bool, at instant: Int64? = nil) {
        guard given, let note = ((try? ReportCommand.registry(of: archive))??.0.calendar ?? .standard).machineZoneNote(at: instant ?? Clock.now) else { return }
        Terminal.stderr(L("Note: \(note.en).\n", "提示：\(note.zh)。\n").text)
    }

    /// `TZ` as this process was given it, before `main` names a POSIX form as Foundation reads it.
    static let givenTZ = ProcessInfo.processInfo.environment["TZ"]

    /// A `TZ` that names no zone (TZ=Asia/Shanghaii), which the C library and Foundation take
    /// as UTC: said, after a zone note that named UTC without saying why (helper-129); so is a
    /// bare abbreviation such as CST, which is UTC too (MachineZone). And a `TZ` such as
    /// `UTC+8`, read as POSIX (and `date`) read it, eight hours behind UTC: said why, after a
    /// note that named Etc/GMT+8 without a word on it.
    static func noteUnknownTZ() {
        // (Said once, by `main` before any command runs: not only beside the zone note, as
        // times listed under TZ=CST were UTC's without a word.)
        // (Only for a + sign, the mistake: TZ=JST-9 is right, and got the note too: helper-138.)
        if let tz = givenTZ, let minutes = MachineZone.signedPOSIXMinutesWest(tz), minutes > 0 {
            let shown = ChangeDraft.quoted(tz)
            // (Wording of helper-140 and helper-153: what it is, and how far from Beijing time. With minutes,
            // UTC+8:30, since 2026-12-06: it was read as 8:30 ahead of UTC without a word.)
            let west = minutes % 60 == 0 ? "\(minutes / 60)" : "\(minutes / 60):\(minutes % 60 < 10 ? "0" : "")\(minutes % 60)"
            let behind = minutes + 480
            let behindEN = behind % 60 == 0 ? "\(behind / 60) hours" : "\(behind / 60) hours \(behind % 60) minutes"
            let behindZH = behind % 60 == 0 ? "\(behind / 60) 小时" : "\(behind / 60) 小时 \(behind % 60) 分钟"
            Terminal.stderr(L("Note: TZ=\(shown) means UTC-\(west) under POSIX rules (as the date command reads it), \(behindEN) behind Beijing time; times here are in UTC-\(west). For Beijing time: export TZ=Asia/Shanghai\n",
                              "提示：本机时区设置 TZ=\(shown) 并不是北京时间。按 POSIX 规则（与 date 命令一致），它实际表示 UTC-\(west)，比北京时间慢 \(behindZH)；目前所有时间都按 UTC-\(west) 显示。如需改用北京时间，请执行：export TZ=Asia/Shanghai\n").text)
            return
        }
        guard let tz = givenTZ, !tz.isEmpty,
              MachineZone.isAbbreviationOnly(tz) || MachineZone.isNoZoneFile(tz) || (TimeZone(identifier: tz) == nil && MachineZone.identifier(forTZ: tz) == nil),
              TimeZone.current.secondsFromGMT() == 0 else { return }
        let shown = ChangeDraft.quoted(tz)
        if tz.uppercased() == "CST" {
            Terminal.stderr(L("Note: TZ=CST is not a valid time zone name (it may mean China or US Central time), so this machine keeps UTC, 8 hours behind Beijing time. For Beijing time: export TZ=Asia/Shanghai\n",
                              "提示：TZ=CST 不是有效的时区名称（CST 可指中国标准时间，也可指美国中部时间），本机按 UTC 计时，比北京时间慢 8 小时。如需北京时间，请执行：export TZ=Asia/Shanghai\n").text)
            return
        }
        Terminal.stderr(L("Note: TZ=\(shown) names no time zone this machine knows, so it keeps UTC; write a zone's name, e.g. export TZ=Asia/Shanghai\n",
                          "提示：环境变量 TZ=\(shown) 不是可识别的时区名称，因此本机按 UTC（格林尼治时间）计时；请改为正确的时区名称，例如执行 export TZ=Asia/Shanghai\n").text)
    }

    /// A note when this machine's date is not the department's now (a laptop abroad): a
    /// command that counts days (agenda, stale) counts them by this machine's date, and said so
    /// (the agenda listed tomorrow's follow-ups in Beijing as later this week: helper-129).
    func noteMachineDay(at now: Int64) {
        let calendar = (try? ReportCommand.registry(of: archive))??.0.calendar ?? .standard
        let here = DateParser.format(DateParser.localDay(now)), there = calendar.dateString(of: now)
        guard here != there else { return }
        let zone = calendar.timeZone.identifier, shown = zone == DepartmentCalendar.defaultZoneName ? "北京时间" : zone
        let machine = MachineZone.shownName(TimeZone.current.identifier)
        Terminal.stderr(L("Note: it is \(here) on this machine (\(machine)) and \(there) in the department's zone (\(zone)); dates and days below are counted by this machine's date. If this machine's zone is wrong, set it (e.g. export TZ=\(zone))\n",
                          "提示：本机时区（\(machine)）现在是 \(here)，\(shown)为 \(there)；以下日期和天数按本机日期计算。如本机时区设置有误，请执行 export TZ=\(zone) 后重试\n").text)
    }
}
