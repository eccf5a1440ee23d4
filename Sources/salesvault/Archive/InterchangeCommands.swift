import ArgumentParser
import Department
import Foundation
import Interchange
import SalesArchive
import VaultFormat

extension ImportKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}

extension ImportOptions.OnDuplicate: ExpressibleByArgument {}
extension Exporter.Format: ExpressibleByArgument {}
extension Templates.Format: ExpressibleByArgument {}

/// `--kind` as users give it: a kind, several, or `all`.
func kinds(_ given: [String]) throws -> [ImportKind] {
    if given.isEmpty || given.contains(where: { $0.lowercased() == "all" || $0 == "全部" }) { return ImportKind.order }
    // (Each kind once: `--kind customers --kind customers` was refused as several kinds for CSV.)
    var seen = Set<ImportKind>()
    return try given.map { word in
        guard let kind = ImportKind(name: word) else {
            throw CLIError(.usage, L("\(word) is not a kind of record", "不支持的数据类别“\(word)”"),
                           hint: L("use customers, contacts, projects, log, complaints or all", "可选：customers（客户）、contacts（联系人）、projects（项目）、log（跟进记录）、complaints（投诉）或 all（全部）"))
        }
        return kind
    }.filter { seen.insert($0).inserted }
}

func textEncoding(_ name: String?) throws -> TextEncoding? {
    guard let name else { return nil }
    guard let e = TextEncoding(name: name) else {
        throw CLIError(.usage, L("unknown encoding \(name)", "不支持的编码“\(name)”"),
                       hint: L("use utf-8, utf-8-bom, utf-16le, utf-16be or gb18030 (gbk)", "可选：utf-8、utf-8-bom、utf-16le、utf-16be、gb18030（即 GBK）"))
    }
    return e
}

struct Import: ArchiveCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import customers, contacts, projects, contact log and complaints from Excel (XLSX), CSV/TSV or a SalesVault JSON export.",
        discussion: """
            A preview comes first: what is new, updated, unchanged, skipped or refused,
            and every problem with its line, column and value. The import is all or
            nothing (one bad row and nothing is imported, unless --only-valid), saved
            as one change that `salesvault undo` removes. Encodings are detected
            (UTF-8, UTF-16, GB18030/GBK as Chinese Excel writes CSV). A
            password-encrypted workbook (Excel, WPS, LibreOffice) is decrypted in
            memory: its password is asked (no echo) or read with
            --workbook-password-file.

            To correct many records at once: export them (XLSX or JSON), edit the
            file, import it back with --on-duplicate update. Each row is then the
            record its ID (记录号) names: renamed, its texts changed; nothing new
            is added beside it. Only an export of this very archive is read so.

            EXAMPLES
              salesvault import 客户.xlsx -a 张伟.svault --dry-run
              salesvault import 导出.xlsx -a 张伟.svault --on-duplicate update
              salesvault import 客户档案.xlsx -a 张伟.svault --workbook-password-file 工作簿密码.txt
              salesvault import 客户.csv -a 张伟.svault --rejects 未导入.csv
              salesvault import 旧客户.csv -a 张伟.svault --on-duplicate skip
              salesvault import --template all --out 导入模板.xlsx
            """)
    @Argument(help: "The file to import (.xlsx, .csv, .tsv, .txt or .json).") var file: String?
    // (A dry run with --rejects writes the refused rows: the way to get them before importing,
    // helper-109 read "save nothing" as the opposite.)
    @Flag(help: "Only show what would be imported; the archive is not changed (a --rejects file is still written).") var dryRun = false
    @Option(help: ArgumentHelp("An encrypted workbook's password, from the first line of this file (default: asked, no echo).", valueName: "file"))
    var workbookPasswordFile: String?
    @Option(help: ArgumentHelp("The text file's encoding (utf-8, utf-8-bom, utf-16le, utf-16be, gb18030/gbk); default: detected.", valueName: "name"))
    var encoding: String?
    @Option(help: ArgumentHelp("What a CSV file holds when its headers do not say it; in a workbook, import only the sheets of this kind: customers, contacts, projects, log, complaints (all: every sheet, as without it).", valueName: "kind"))
    var kind: [String] = []
    @Option(help: ArgumentHelp("A file of `header = field` lines for columns not recognised.", valueName: "file")) var mapping: String?
    @Option(help: "A row already in the archive or earlier in the file: refuse (default), skip, or update the existing record.")
    var onDuplicate: ImportOptions.OnDuplicate = .refuse
    @Flag(help: "Import the valid rows and leave the refused ones out (default: nothing is imported while any row is refused).")
    var onlyValid = false
    @Option(help: ArgumentHelp("How to read dates like 03/05/2026: dd/mm/yyyy or mm/dd/yyyy.", valueName: "order")) var dateFormat: String?
    @Option(help: ArgumentHelp("Write the refused rows, with the reason, to this file (same format and encoding as the input; a JSON file's as an .xlsx workbook).", valueName: "file"))
    var rejects: String?
    @Flag(help: "Do not ask before importing (scripts; a terminal asks by default).") var yes = false
    @Flag(help: "With --rejects or --template: replace an existing file.") var force = false
    @Option(help: ArgumentHelp("Write an empty template instead: customers, contacts, projects, log, complaints or all.", valueName: "kind"))
    var template: String?
    @Option(help: "The template's format: xlsx (default, or as --out's name ends) or csv.") var format: Templates.Format?
    @Option(help: ArgumentHelp("Where to write the template.", valueName: "file")) var out: String?
    @OptionGroup var options: ArchiveOptions
    @OptionGroup var global: GlobalOptions

    var capability: Capability { dryRun ? .read : .write }

    func validate() throws {
        if template == nil && file == nil { throw ValidationError("give the file to import, or --template KIND") }
        if template != nil && file != nil { throw ValidationError("--template writes an empty template; give no file to import with it") }
        if let dateFormat, ImportOptions.DayOrder(name: dateFormat) == nil { throw ValidationError(L("--date-format takes dd/mm/yyyy or mm/dd/yyyy", "--date-format 只能设为 dd/mm/yyyy（日/月/年）或 mm/dd/yyyy（月/日/年）").text) }
        // (An empty name was ignored when no row was refused, and "Cannot write :" when one was.)
        try OutputOption.check(rejects, option: "--rejects", example: "未导入.csv")
        try OutputOption.check(out, option: "--out", example: "导入模板.\((format ?? .xlsx).rawValue)")
        _ = try importKind(kind)
    }

    /// The one kind `--kind` asks an import for; nil for none or `all` (every sheet). Several
    /// are refused (`validate`, before the password is asked): only the last was imported,
    /// without a word (helper-189 F9), and `all` was read as customers.
    func importKind(_ given: [String]) throws -> ImportKind? {
        let all = given.filter { $0.lowercased() == "all" || $0 == "全部" }
        guard !given.isEmpty, all.count < given.count else { return nil }
        // (A word no kind has, said as a usage error: it printed the error's Swift form, exit 1,
        // from `validate`: helper-191 5.)
        let chosen: [ImportKind]
        do {
            chosen = try kinds(given.filter { !all.contains($0) })
        } catch let e as CLIError {
            throw ValidationError(e.message.text + (e.hint.map { L("; ", "。").text + $0.text + L("", "。").text } ?? ""))
        }
        // (all beside a kind imported every sheet: helper-191 6.)
        if !all.isEmpty {
            throw ValidationError(L("--kind all imports every sheet; give it alone, or give one kind",
                                    "--kind all 表示导入全部数据，不能与其他类别同时指定；请只写 all，或只指定一种类别。").text)
        }
        guard chosen.count == 1 else {
            let listed = chosen.map(\.rawValue)
            throw ValidationError(L("an import takes one --kind (given: \(listed.joined(separator: ", "))); leave --kind out to import every sheet of a workbook in one go, or import one kind at a time",
                                    "导入时 --kind 只能指定一种数据类型（当前指定了 \(listed.joined(separator: "、"))）。如需一次导入工作簿中的全部数据，请去掉 --kind；否则请每次指定一种，分次导入。").text)
        }
        return chosen[0]
    }

    func execute() throws {
        if let template {
            try writeTemplate(template)
            return
        }
        try executeOnArchive()
    }

    /// Keeps glibc's allocator, for the rest of this process, from mapping every large array
    /// afresh and from handing freed memory back to the system only to fault it in again: an
    /// import of a million log rows allocates and frees gigabytes of row, operation and event
    /// arrays, and that churn of page faults was about 8% of its time. No-op where there is no
    /// `mallopt` (found at run time, as the Swift Glibc module does not declare it).
    static func tuneAllocator() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3, 256 << 20)  // M_MMAP_THRESHOLD: arrays up to 256 MiB from the heap, reused
        _ = mallopt(-1, 1 << 30)  // M_TRIM_THRESHOLD: freed memory kept for the next allocations
        _ = mallopt(-2, 64 << 20)  // M_TOP_PAD: the heap grown 64 MiB at a time
        #endif
    }

    private func writeTemplate(_ word: String) throws {
        let chosen = try kinds([word])
        // The format as --out's name says when --format is not given (log.csv got a workbook:
        // helper-130); the two disagreeing are refused.
        let ext = out.map { URL(fileURLWithPath: $0).pathExtension.lowercased() } ?? ""
        let named: Templates.Format? = ext == "csv" ? .csv : ext == "xlsx" ? .xlsx : nil
        // Another ending (x.tsv, x.txt, none) got a workbook under that name (helper-131).
        if let out, named == nil {
            throw CLIError(.usage, L("a template is written as .xlsx or .csv; \(out) ends otherwise", "模板只能保存为 .xlsx 或 .csv 文件，“\(out)”的扩展名不是这两种"),
                           hint: L("name it e.g. template.xlsx or template.csv", "请改用如 导入模板.xlsx 或 导入模板.csv 的文件名"))
        }
        if let format, let named, format != named {
            // (Said as export says it.)
            throw CLIError(.usage, L("--format \(format.rawValue) but \(out!) ends in .\(named.rawValue)", "已指定 --format \(format.rawValue)，但文件名 \(out!) 的扩展名为 .\(named.rawValue)"),
                           hint: L("name the file .\(format.rawValue), or use --format \(named.rawValue)", "请将扩展名改为 .\(format.rawValue)，或改用 --format \(named.rawValue)"))
        }
        let format = format ?? named ?? .xlsx
        let path = out ?? (format == .csv ? "导入模板-\(chosen[0].sheetName(zh: true)).csv" : "导入模板.xlsx")
        try AtomicFile.write(try Templates.data(chosen, format: format), to: path, replacing: force)
        Terminal.print(L("Template written to \(path): fill it in (one row per record) and import it with salesvault import \(path).",
                         "模板已保存到 \(path)。请每行填写一条记录，填好后运行：salesvault import \(path)"))
    }

    func run(in context: ArchiveContext) throws {
        Self.tuneAllocator()
        var workbookPassword: String?
        let source = try ImportSource.load(file!, encoding: try textEncoding(encoding)) {  // validate: a file unless --template
            workbookPassword = try PasswordInput.read(
                file: workbookPasswordFile, fd: nil,
                prompt: L("\(file!) is an encrypted workbook. Its password (the one that opens it in Excel or WPS): ",
                          "“\(file!)”设有打开密码，请输入该密码（即在 Excel 或 WPS 中打开此文件时输入的密码；输入时不显示）："),
                confirm: false, options: "--workbook-password-file FILE")
            return workbookPassword
        }
        // A password given for a file that has none: said, not ignored without a word (helper-194).
        if workbookPasswordFile != nil, workbookPassword == nil {
            Terminal.stderr(L("note: \(file!) is not an encrypted workbook: --workbook-password-file was not needed and was not used.",
                              "提示：“\(file!)”未设置打开密码，无需使用 --workbook-password-file，本次已忽略该密码文件。").text + "\n")
        }
        if let rejects {
            let ext = URL(fileURLWithPath: rejects).pathExtension.lowercased()
            let wanted: [String]
            switch source.format {
            case .csv: wanted = ["csv", "tsv", "txt"]
            case .xlsx, .json: wanted = ["xlsx"]
            }
            if !ext.isEmpty && !wanted.contains(ext) {
                // (A JSON file's rows go to a workbook: it was said to be the input's format: helper-167.)
                let json = source.format == .json
                throw CLIError(.usage, L(json ? "the rows of a JSON file are written as an Excel workbook (.xlsx); \(rejects) ends in .\(ext)" : "the rejects file is written like the input (\(wanted[0])); \(rejects) ends in .\(ext)",
                                         json ? "JSON 文件中无法导入的记录将保存为 Excel 工作簿（.xlsx），但文件名 \(rejects) 的扩展名为 .\(ext)，两者不一致" : "无法导入的行将按原文件格式（\(wanted[0])）保存，但文件名 \(rejects) 的扩展名为 .\(ext)，两者不一致"),
                               hint: L("name it e.g. rejects.\(wanted[0])", "请改用 .\(wanted[0]) 扩展名，例如 未导入.\(wanted[0])"))
            }
            // Where the rejects would go, checked before anything is imported (a folder given as
            // --rejects was found only when a row was refused: helper-113 F5).
            try AtomicFile.checkDestination(rejects, replacing: force, protecting: [context.archive.vault.path, file!]
                                                + [options.password.passwordFile, workbookPasswordFile, mapping].compactMap { $0 })
        }
        var opts = ImportOptions(now: Clock.now)
        opts.onDuplicate = onDuplicate
        opts.onlyValid = onlyValid
        opts.dayOrder = dateFormat.flatMap(ImportOptions.DayOrder.init(name:))
        opts.kind = try importKind(kind)
        // (SalesVault's own JSON uses no mapping: not read, so nothing in it stops the import.)
        if let mapping { opts.mapping = source.format == .json ? .notRead : try ColumnMapping(contentsOf: mapping) }
        let importer = Importer(archive: context.archive, options: opts)
        PhaseClock.mark("file read")
        let preview = try importer.preview(source)
        PhaseClock.mark("preview")
        ImportReport.show(preview, owner: context.archive.vault.header.owner, thisArchive: preview.recordIDs == .thisArchive,
                          state: context.archive.state)
        // Times of a log or complaints read in this machine's zone, which the weekly report does
        // not use (helper-123): said, unless the file says its own zone.
        context.noteMachineZone(if: (preview.counts[.log] != nil || preview.counts[.complaints] != nil)
                                    && source.exportedFrom?.timeZone == nil && source.format != .json)  // (JSON's times carry their offset)
        // (A JSON file's records are records, not rows: helper-167.)
        let json = preview.source.format == .json
        let row = json ? "条记录" : "行", rows1 = json ? "记录" : "行"
        func rowsEN(_ k: Int) -> String { json ? (k == 1 ? "record" : "records") : (k == 1 ? "row" : "rows") }
        if let rejects, var data = try Rejects.data(preview, zh: Render.zh) {
            // The rejects of an encrypted workbook are encrypted with its password: no plaintext on disk.
            if source.encrypted, let workbookPassword { data = Data(try OfficeCrypto.encrypt(package: Array(data), password: workbookPassword)) }
            try AtomicFile.write(data, to: rejects, replacing: force, protecting: [context.archive.vault.path, file!] + [options.password.passwordFile, workbookPasswordFile, mapping].compactMap { $0 })
            if onlyValid || dryRun {
                Terminal.print(L("The \(preview.refused.count) refused \(rowsEN(preview.refused.count)) \(preview.refused.count == 1 ? "is" : "are") in \(rejects), with the reason in the last column: fix \(preview.refused.count == 1 ? "it" : "them") there and import that file\(dryRun ? " after importing the others" : "").",
                                 "有 \(preview.refused.count) \(row)无法导入，已保存到 \(rejects)（最后一列为原因）\(dryRun ? "" : "，改正后可直接导入该文件")。"))
            } else {
                Terminal.print(L("The \(preview.refused.count) refused \(rowsEN(preview.refused.count)) are listed in \(rejects), with the reason in the last column. Nothing was imported: correct them in \(file!) and import it again.",
                                 "有 \(preview.refused.count) \(row)无法导入，已连同原因列在 \(rejects) 中。本次未导入任何数据：请在原文件 \(file!) 中改正后重新导入。"))
            }
        }
        let z = Render.zh
        if dryRun {
            Terminal.print(L("Dry run: nothing was imported.", "以上为预览，未导入任何数据。"))
            if preview.tables.allSatisfy({ $0.rows == 0 }) && preview.problems.isEmpty { throw nothingToImport(preview) }
            let refused = preview.tables.allSatisfy({ $0.rows == 0 })
                || (!preview.canCommit && !preview.updatesUndoEachOther && (!preview.problems.isEmpty || preview.total.new + preview.total.updated > 0))
            if preview.updatesUndoEachOther { Terminal.print(Self.undoEachOther(notes: !preview.warnings.isEmpty)) }
            Background.release(consume preview)  // its plan and the file's cells, freed off the command's path (its last use here)
            if refused { throw ExitCode(ExitStatus.inputRefused.rawValue) }
            return
        }
        guard preview.canCommit else {
            if preview.tables.allSatisfy({ $0.rows == 0 }) && preview.problems.isEmpty { throw nothingToImport(preview) }
            if preview.updatesUndoEachOther {
                Terminal.print(Self.undoEachOther(notes: !preview.warnings.isEmpty))
                return
            }
            if preview.total.new + preview.total.updated == 0 && preview.problems.isEmpty {
                if preview.total.duplicate == 0 && preview.total.unchanged > 0 && preview.valuesLeftOut > 0 {
                    Terminal.print(L("Nothing to update: but for the values the notes above say are left out, the archive's records are as the file has them.",
                                     "无需更新：除上述提醒中注明不导入的内容外，档案中的记录与文件一致。"))
                } else if preview.total.duplicate == 0 && preview.total.unchanged > 0 {
                    Terminal.print(L("Nothing to update: the archive's records are already as the file has them.", "无需更新：档案中的记录与文件内容完全一致。"))
                } else if preview.total.duplicate + preview.total.unchanged > 0 {
                    Terminal.print(L("Nothing to import: every row is already in the archive.", "无需导入：文件中的记录在档案中均已存在。"))
                } else {
                    // (Every row left out as totals, notes or a repeated header: not "already there".)
                    Terminal.print(L("Nothing to import: every row was left out (see the notes above); if some are records, change the file and import it again.",
                                     "没有可导入的数据：文件中的行都已跳过（见上面的提醒）。如果其中有真实记录，请修改文件后重新导入。"))
                }
                return
            }
            let n = preview.problems.count, rows = preview.refused.count
            // --only-valid, and the rows without problems change nothing: said so (it said to fix
            // the file, as though they had been refused too: helper-97).
            // (Also when their updates undo each other, RECORDS.md §8: it said 文件中有 2 处问题…
            // 未导入任何数据 beside 更新 2: helper-150.)
            let undone = preview.total.new == 0 && preview.total.updated > 0 && preview.plan.map { $0.isValid && $0.events.isEmpty } == true
            if onlyValid, (preview.total.new + preview.total.updated == 0 && preview.total.unchanged + preview.total.duplicate > 0) || undone {
                throw CLIError(.inputRefused, L("nothing to import: the rows without problems are already in the archive as the file has them\(undone ? " once applied in order" : ""); \(Format.counted(rows, "row")) \(rows == 1 ? "has" : "have") problems (listed above)",
                                                (undone ? "没有需要导入的内容：其余没有问题的\(rows1)即使导入，档案也不会有任何变化（内容与档案相同或已跳过）" : "没有需要导入的内容：没有问题的\(rows1)与档案一致或已跳过") + "；另有 \(rows) \(row)无法导入（见上面的问题清单）"),
                               hint: L("fix those \(rowsEN(2)) and import the file again", "请修改这些\(rows1)后重新导入"))
            }
            var hintEN = "fix the file as listed above and import it again"
            var hintZH = "请按上面的问题清单修改文件后重新导入"
            if rejects == nil { hintEN += " (--rejects FILE writes those \(rowsEN(2)) with the reasons)"; hintZH += "（加 --rejects 文件名，可把这些\(rows1)连同原因另存到该文件）" }
            if !onlyValid && preview.total.new + preview.total.updated > 0 {
                hintEN += "; or import only the \(rowsEN(2)) without problems with --only-valid"
                hintZH += "；如只想先导入没有问题的\(rows1)，请加 --only-valid"
            }
            throw CLIError(.inputRefused, L("nothing was imported: \(Format.counted(n, "problem"))" + (rows > 0 ? " in \(rows) \(rowsEN(rows)) of the file" : " in the file's tables"), "文件中有 \(n) 处问题" + (rows > 0 ? "（涉及 \(rows) \(row)）" : "（涉及表头或整张表）") + "，未导入任何数据"),
                           hint: L(hintEN, hintZH))
        }
        let t = preview.total
        if !yes && isatty(STDIN_FILENO) == 1 {
            // (The rows --only-valid leaves out said in the question too: helper-163.)
            let left = t.refused > 0 ? L(" (\(t.refused) \(rowsEN(t.refused)) with problems left out)", "（另有 \(t.refused) \(row)有问题，不会导入）") : L("", "")
            let question = L("Import \(t.new) new and \(t.recordsUpdated) updated \(t.new + t.recordsUpdated == 1 ? "record" : "records") into \(context.archive.vault.path)\(left.en)? [y/N] ",
                             "即将导入到档案 \(context.archive.vault.path)：新增 \(t.new) 条，更新 \(t.recordsUpdated) 条\(left.zh)。确认导入吗？输入 y 确认，直接按回车取消 [y/N] ")
            guard Terminal.confirm(question) else {
                Terminal.print(L("Cancelled: nothing was imported.", "已取消，未导入任何数据。"))
                return
            }
        }
        let batch = try importer.commit(preview)
        PhaseClock.mark("commit")
        let split = ImportReport.newByKind(preview)
        let leftOut = preview.valuesLeftOut > 0
        // The plan's events and the file's cells, freed off the command's path: this function
        // gives up the preview (a copy kept for a later use here was the last one dropped, and
        // it freed a hundred thousand events on this thread: 50 ms).
        Background.release(consume preview)
        // (Rows that changed nothing said as such; duplicates left out only when there are some.)
        // (Records, not rows: rows of one record are one update, the rows said beside.)
        let archiveRows = t.updated - t.mergedIntoNew - t.cancelledRows
        let rowsNote = archiveRows <= t.recordsUpdated ? (zh: "", en: "")
            : (zh: json ? "（来自文件中的 \(archiveRows) 条记录，对应同一档案记录的多条已合并为一次更新）" : "（来自文件中的 \(archiveRows) 行，同一记录的多行已合并为一次更新）",
               en: " (from \(archiveRows) \(rowsEN(archiveRows)): \(rowsEN(2)) of one record are merged)")
        var zhParts = ["新增 \(t.new) 条\(split)", "更新 \(t.recordsUpdated) 条\(rowsNote.zh)"]
        var enParts = ["\(t.new) new\(split)", "\(t.recordsUpdated) updated\(rowsNote.en)"]
        if t.mergedIntoNew > 0 {
            zhParts.append("另有 \(t.mergedIntoNew) \(row)并入了本次新增的记录")
            enParts.append("\(t.mergedIntoNew) \(rowsEN(t.mergedIntoNew)) merged into records new in this file")
        }
        if t.duplicate > 0 { zhParts.append("跳过重复记录 \(t.duplicate) 条"); enParts.append("\(t.duplicate) \(t.duplicate == 1 ? "duplicate" : "duplicates") skipped") }
        if t.refused > 0 { zhParts.append("未导入 \(t.refused) \(row)"); enParts.append("\(t.refused) \(rowsEN(t.refused)) left out") }
        // (Records, as the updated ones: rows of a record another row updates are not said again.)
        // (But for the values notes say are left out: "as the file does" was said of a row whose
        // change was not made: helper-207 9.)
        if t.recordsUnchanged > 0 {
            zhParts.append(leftOut ? "未改动 \(t.recordsUnchanged) 条（除上述提醒中注明不导入的内容外，与档案一致）"
                                   : "\(t.mergedIntoNew > 0 ? "" : "另有 ")\(t.recordsUnchanged) 条与档案一致，未作改动")
            enParts.append("\(t.recordsUnchanged) unchanged (the archive has them as the file does\(leftOut ? ", but for the values the notes above say are left out" : ""))")
        }
        // (With the archive as it was given: copied without it, the command asked which archive: helper-213 8.)
        let again = options.archive.map { given in
            given.contains(where: { $0.isWhitespace || "\"'$`\\".contains($0) }) ? " -a '\(given.replacingOccurrences(of: "'", with: "'\\''"))'" : " -a \(given)"
        }.map { Terminal.cell($0) } ?? ""
        Terminal.print(z ? "导入完成：" + zhParts.joined(separator: "，") + "。本次导入已记为批次 \(batch.name)，如需整批撤销，请运行：salesvault undo \(batch.name)\(again)"
                         : "Imported: " + enParts.joined(separator: ", ") + "; saved as \(batch.name). To undo it all: salesvault undo \(batch.name)\(again)")
    }

    /// What an import whose rows of one record undo each other says (`ImportPreview.updatesUndoEachOther`).
    /// (Also one row whose cell says the same thing otherwise, `R4、R4` for R4: it pointed to
    /// notes above that were not there, helper-178 F6; "see the notes" only when there are.)
    static func undoEachOther(notes: Bool) -> L {
        L("Nothing to update: the file's changes, taken together, leave the archive as it is (rows of one record that undo each other, or a cell that says the same otherwise, such as one person named twice)\(notes ? " (see the notes above)" : "").",
          "无需更新：文件中的改动前后抵消，档案内容不变（如同一客户、联系人或项目的几行按顺序更新后又改回原样，或某一格换了写法但含义不变，如同一人写了两次）。\(notes ? "详见上面的提醒。" : "")")
    }
}

/// A file with no rows under a header SalesVault recognises (empty, blank, or a BOM alone).
private func nothingToImport(_ preview: ImportPreview) -> CLIError {
    // Every sheet left out by --kind: the workbook has none of that kind (its headers were read).
    if let left = preview.warnings.first(where: { $0.table.hasPrefix("--kind ") }), let kind = ImportKind(name: String(left.table.dropFirst("--kind ".count))) {
        return CLIError(.inputRefused, L("\(preview.source.fileName) has no sheet of \(kind.sheetName(zh: false).lowercased()) to import with \(left.table)",
                                         "“\(preview.source.fileName)”中没有\(kind.sheetName(zh: true))工作表，按 \(left.table) 没有可导入的数据"),
                        hint: L("leave --kind out to import the whole workbook, or give the kind its sheets hold", "如需导入整个工作簿，请去掉 --kind；或按工作表的实际内容换用其他 --kind"))
    }
    // A header read, and nothing under it (an empty template, a header copied alone): said so,
    // not "no header found" (helper-109).
    if let t = preview.tables.first(where: { $0.kind != nil }) {
        return CLIError(.inputRefused, L("\(preview.source.fileName) has a header (line \(t.headerLine)) but no rows under it to import",
                                         "“\(preview.source.fileName)”只有表头（第 \(t.headerLine) 行），表头下面没有数据"),
                        hint: L("fill in one row per record under the header, then import the file again", "请在表头下每行填写一条记录，再重新导入"))
    }
    return CLIError(.inputRefused, L("\(preview.source.fileName) has nothing to import: no rows under a header SalesVault recognises",
                              "“\(preview.source.fileName)”中没有可导入的数据：找不到可识别的表头，或表头下没有数据"),
             hint: L("the first row must name the columns (客户名称, 客户等级…); salesvault import --template customers writes an example",
                     "第一行应为列名，如“客户名称”“客户等级”；可运行 salesvault import --template customers 生成模板作参考"))
}

/// The preview as people read it.
enum ImportReport {
    static let shownProblems = 50

    /// The new records by kind when they are of more than one kind (a customer list's contact
    /// persons are contacts of their own): "（其中客户 2 家、联系人 2 位）", " (2 customers, 2 contacts)".
    /// The records a kind's updated rows update, when rows were merged (`Counts.updatedRecords`).
    static func mergedRows(_ k: ImportKind, _ c: ImportPreview.Counts) -> (zh: String, en: String)? {
        guard let records = c.updatedRecords else { return nil }
        let (measure, one, many): (String, String, String)
        switch k {
        case .customers: (measure, one, many) = ("家客户", "customer", "customers")
        case .contacts: (measure, one, many) = ("位联系人", "contact", "contacts")
        case .projects: (measure, one, many) = ("个项目", "project", "projects")
        case .log: (measure, one, many) = ("条跟进记录", "log entry", "log entries")
        case .complaints: (measure, one, many) = ("条投诉", "complaint", "complaints")
        }
        // (Rows that change a record, rows that change one and change it back, rows of a record
        // new in the file: "2 行更新的是…0 家客户" was said for two rows that undid each other:
        // helper-166.)
        let inArchive = c.updated - c.mergedIntoNew - c.cancelledRows
        var zh: [String] = [], en: [String] = []
        if inArchive > 0 {
            zh.append("有 \(inArchive) 行更新的是档案中已有的 \(records) \(measure)" + (inArchive > records ? "（同一记录的多行已合并为一次更新）" : ""))
            en.append("\(inArchive) update\(inArchive == 1 ? "s" : "") \(records) \(records == 1 ? one : many) of the archive")
        }
        if c.cancelledRows > 0 {
            zh.append("\(zh.isEmpty ? "有 " : "另 ")\(c.cancelledRows) 行改动后又改回了原值，相应的\(measure.dropFirst())保持不变")
            en.append("\(c.cancelledRows) change\(c.cancelledRows == 1 ? "s" : "") a value and change\(c.cancelledRows == 1 ? "s" : "") it back, leaving the \(many) as they were")
        }
        if c.mergedIntoNew > 0 {
            zh.append("\(zh.isEmpty ? "有 " : "另 ")\(c.mergedIntoNew) 行并入了本文件中新增的\(measure.dropFirst())")
            en.append("\(c.mergedIntoNew) add\(c.mergedIntoNew == 1 ? "s" : "") to \(c.mergedIntoNew == 1 ? "a \(one)" : many) new in this file")
        }
        return ("说明：计为“更新”的 \(c.updated) 行\(k.sheetName(zh: true))数据中，" + zh.joined(separator: "，") + "。",
                "\(k.rawValue): of the \(c.updated) updated \(c.updated == 1 ? "row" : "rows"), " + en.joined(separator: ", ") + ".")
    }

    static func newByKind(_ p: ImportPreview) -> String {
        let parts = ImportKind.order.compactMap { k -> (ImportKind, Int)? in
            guard let n = p.counts[k]?.new, n > 0 else { return nil }
            return (k, n)
        }
        guard parts.count > 1 else { return "" }
        return Render.zh ? "（" + counted(parts, zh: true) + "）" : " (" + counted(parts, zh: false) + ")"
    }

    /// Records by kind, each with its measure word: "客户 2 家、联系人 2 位", "2 customers, 2 contacts".
    static func counted(_ parts: [(ImportKind, Int)], zh: Bool) -> String {
        if zh {
            return parts.map { k, n in
                switch k {
                case .customers: return "客户 \(n) 家"
                case .contacts: return "联系人 \(n) 位"
                case .projects: return "项目 \(n) 个"
                case .log: return "跟进记录 \(n) 条"
                case .complaints: return "投诉 \(n) 条"
                }
            }.joined(separator: "、")
        }
        return parts.map { k, n in
            let one: String, many: String
            switch k {
            case .customers: (one, many) = ("customer", "customers")
            case .contacts: (one, many) = ("contact", "contacts")
            case .projects: (one, many) = ("project", "projects")
            case .log: (one, many) = ("log entry", "log entries")
            case .complaints: (one, many) = ("complaint", "complaints")
            }
            return "\(n) \(n == 1 ? one : many)"
        }.joined(separator: ", ")
    }

    /// `owner`: the archive's; an export of the owner's own archive is no handover.
    /// `thisArchive`: the file is an export of the archive it goes into (INTERCHANGE.md §4.1).
    /// `state`: the archive's, to say which records an update changes and how.
    static func show(_ p: ImportPreview, owner: String, thisArchive: Bool = false, state: ArchiveState? = nil) {
        let z = Render.zh
        let format: String
        switch p.source.format {
        case .xlsx where p.source.encrypted: format = z ? "加密的 Excel 工作簿，已在内存中解密" : "encrypted Excel workbook, decrypted in memory"
        case .xlsx: format = z ? "Excel 工作簿" : "Excel workbook"
        case .json: format = z ? "SalesVault JSON 导出文件" : "SalesVault JSON export"
        case .csv(let e, let d):
            let delimiter = d == UInt8(ascii: "\t") ? (z ? "制表符分隔" : "tab-separated") : d == UInt8(ascii: ";") ? (z ? "分号分隔" : "semicolon-separated")
                : d == UInt8(ascii: "|") ? (z ? "竖线（|）分隔" : "pipe-separated (|)") : (z ? "逗号分隔" : "comma-separated")
            format = z ? "CSV 文本，\(delimiter)，\(e.phraseZH())" : "text file, \(delimiter), \(e.displayName)"
        }
        Terminal.print(z ? "文件：\(Terminal.cell(p.source.fileName))（\(format)）" : "File: \(Terminal.cell(p.source.fileName)) (\(format))")
        if let from = p.source.exportedFrom {
            // (The note is written only for another salesperson's export: Importer's handover.)
            if thisArchive && p.hasRecordIDs {
                Terminal.print(z ? "来源：本档案（\(from.date) 导出）。各行按“记录号”与档案中的原记录一一对应。"
                                 : "From: this archive, exported \(from.date); each row is the record its ID names")
            } else if thisArchive {
                // (The 记录号 column deleted: it said each row is the record its 记录号 names: helper-101.)
                Terminal.print(z ? "来源：本档案（\(from.date) 导出）。文件中没有“记录号”列，各行按名称、时间和内容与档案比对。"
                                 : "From: this archive, exported \(from.date); the file has no ID column: rows are matched by their names, times and content")
            } else if from.owner == owner {
                Terminal.print(z ? "来源：您本人的另一份客户档案（\(from.date) 导出），不是本档案。" : "From: another archive of yours (not this one), exported \(from.date)")
            } else {
                Terminal.print(z ? "来源：\(ChineseText.possessive(from.owner))客户档案（\(from.date) 导出）。新增客户的备注中将注明交接来源。" : "From: the archive of \(from.owner), exported \(from.date) (the customers added will say so in their notes)")
            }
        }
        for t in p.tables where t.rows > 0 {
            let kind = t.kind.map { z ? $0.sheetName(zh: true) : $0.rawValue } ?? "?"
            if p.source.format == .json {
                Terminal.print(z ? "  \(kind)：\(t.rows) 条" : "  \(kind): \(Format.counted(t.rows, "record"))")
            } else {
                let lines = t.subHeaderLine.map { "\(t.headerLine)–\($0)" } ?? "\(t.headerLine)"
                Terminal.print(z ? "  “\(Terminal.cell(t.name))”：\(kind)数据，表头在第 \(lines) 行，共 \(t.rows) 条数据" : "  \(Terminal.cell(t.name)): \(kind), header on line\(t.subHeaderLine == nil ? "" : "s") \(lines), \(Format.counted(t.rows, "data row"))")
            }
            if !t.sample.isEmpty {
                let pairs = t.sample.map { "\(Terminal.cell(p.source.format == .json && !z ? Self.jsonName($0.header, table: t.name) : $0.header))=\(Terminal.cell($0.value ?? (z ? "（绝密内容，不显示）" : "(secret, not shown)")))" }.joined(separator: z ? "，" : ", ")
                Terminal.print(z ? "    第一条数据：\(pairs)" : "    first row: \(pairs)")
            }
        }
        // (A JSON file has fields, not columns: helper-119, helper-120.)
        let json = p.source.format == .json
        // A column of row numbers (序号), as most sheets kept in Excel have: said ignored, not
        // listed as one to map (helper-179).
        let rowNumberHeaders: Set<String> = ["序号", "行号", "序", "no", "no.", "#", "编号（序号）"]
        let isRowNumber = { (c: ImportPreview.Column) in !json && rowNumberHeaders.contains(c.header.trimmingCharacters(in: .whitespaces).lowercased()) }
        let unmapped = p.unused.filter { !$0.computed && !$0.headerless && !isRowNumber($0) }
        let rowNumbers = p.unused.filter { !$0.computed && !$0.headerless && isRowNumber($0) }
        var seenNumbers = Set<String>()
        let numberHeaders = rowNumbers.map(\.header).filter { seenNumbers.insert($0).inserted }
        if !numberHeaders.isEmpty {
            Terminal.print(z ? numberHeaders.map { "“\(Terminal.cell($0))”" }.joined(separator: "、") + "列为行号，导入时忽略。"
                             : "Row numbers, ignored: " + numberHeaders.map { Terminal.cell($0) }.joined(separator: ", "))
        }
        let headerless = p.unused.filter(\.headerless)
        if !headerless.isEmpty {
            // (--mapping names columns by their header: these have none to name.)
            Terminal.printPainted(Terminal.yellow(z ? "以下列没有表头，不会导入（如需导入，请在表头行中为这些列填写列名，如“备注”）："
                                             : "These columns have no header and will not be imported (to import one, write its name in the header row, such as 备注):"))
            let list = headerless.prefix(30).map { c in
                let letter = c.header.trimmingCharacters(in: CharacterSet(charactersIn: "()"))  // "(C)"
                return z ? "  \(Terminal.cell(c.table))：\(letter) 列" : "  \(Terminal.cell(c.table)): column \(letter)"
            }
            for line in list { Terminal.print(line) }
            if headerless.count > 30 { Terminal.print(z ? "  ……另有 \(headerless.count - 30) 列" : "  … and \(headerless.count - 30) more") }
        }
        if !unmapped.isEmpty {
            Terminal.printPainted(Terminal.yellow(json ? (z ? "以下字段无法识别，不会导入：" : "These fields are not SalesVault's and will not be imported:")
                                                  : z ? "下面这些列无法识别，不会导入（如需导入，请用 --mapping 指明对应的字段）：" : "These columns match no field and will not be imported (map them with --mapping):"))
            for c in unmapped.prefix(30) { Terminal.print(z ? "  \(Terminal.cell(c.table))：“\(Terminal.cell(c.header))”" : "  \(Terminal.cell(json ? Self.jsonName(c.table) : c.table)): \(Terminal.cell(c.header))") }
            if unmapped.count > 30 { Terminal.print(z ? "  ……另有 \(unmapped.count - 30) 列" : "  … and \(unmapped.count - 30) more") }
        }
        var seen = Set<String>()
        let computed = p.unused.filter { $0.computed && !$0.statusOnly && !$0.stageSinceOnly && !$0.stageHistoryOnly && !$0.numberOnly && seen.insert($0.header).inserted }
        if !computed.isEmpty {
            Terminal.print(z ? "下列\(json ? "字段" : "各列")由系统自动生成，导入时将忽略：" + computed.map { "“\($0.header)”" }.joined(separator: "、")
                             : "Computed by SalesVault, ignored: " + computed.map { json ? Self.jsonName($0.header, table: $0.table) : $0.header }.joined(separator: ", "))
        }
        // (Said of tables with rows alone: a JSON file's empty list of complaints got both of
        // the complaints' notes: helper-213 11.)
        let filled = Set(p.tables.filter { $0.rows > 0 }.map(\.name))
        // (A complaint's status was listed as ignored, though a withdrawal is read from it.)
        for c in p.unused where c.statusOnly && filled.contains(c.table) && seen.insert(c.header).inserted {
            Terminal.print(z ? "“\(Terminal.cell(c.header))”\(json ? "字段" : "列")只识别“已撤诉”和“投诉不成立”两种；其他状态由系统根据受理、通报、处理、回访时间自动判定。"
                             : "\(json ? "Field" : "Column") \(Terminal.cell(json ? Self.jsonName(c.header, table: c.table) : c.header)) is read only for 已撤诉 (withdrawn) and 投诉不成立 (unfounded); the other statuses follow from the times of the steps (受理, 通报, 处理, 回访).")
        }
        // (A complaint's 编号 was listed as ignored, and every complaint numbered again: helper-201 4.)
        for c in p.unused where c.numberOnly && filled.contains(c.table) && seen.insert(c.header).inserted {
            Terminal.print(z ? "“\(Terminal.cell(c.header))”\(json ? "字段" : "列")：文件中新增的投诉，编号格式如 TS-2025-0001 的，导入后沿用原编号（本档案中已有该编号的，另编新号）；其他格式的编号不导入，由系统重新编号。"
                             : "\(json ? "Field" : "Column") \(Terminal.cell(json ? Self.jsonName(c.header, table: c.table) : c.header)): the complaints the file adds keep numbers written as TS-2025-0001 (a number another complaint already has gets the next one instead); numbers written otherwise are not imported, and SalesVault numbers those complaints.")
        }
        // (A project's 进入阶段 was listed as ignored: it dates a new project's stage: helper-201 2.)
        for c in p.unused where c.stageSinceOnly && filled.contains(c.table) && seen.insert(c.header).inserted {
            Terminal.print(z ? "“\(Terminal.cell(c.header))”\(json ? "字段" : "列")（即进入当前阶段的时间）仅用于文件中新增的项目；档案中已有项目的阶段时间不会被修改。"
                             : "\(json ? "Field" : "Column") \(Terminal.cell(json ? Self.jsonName(c.header, table: c.table) : c.header)) is read only for the projects the file adds, as when they entered their stage; an existing project's stage dates are not changed.")
        }
        for c in p.unused where c.stageHistoryOnly && filled.contains(c.table) && seen.insert(c.header).inserted {
            Terminal.print(z ? "“\(Terminal.cell(c.header))”\(json ? "字段" : "列")只对档案中尚未有的新项目生效：按其中记录的时间和原因补记该项目的各次阶段变更；档案中已有项目的阶段变更记录保持不变。"
                             : "\(json ? "Field" : "Column") \(Terminal.cell(json ? Self.jsonName(c.header, table: c.table) : c.header)) is read only for the projects the file adds, whose moves between stages are made again at their times with their reasons; an existing project's history is not changed.")
        }
        // (Only a date written otherwise than it reads: 2025-03-15 → 2025-03-15 showed nothing: helper-213 20.)
        for d in p.dateSamples where Terminal.cell(d.input).trimmingCharacters(in: .whitespaces) != d.read {
            // (A line break in the cell broke the line: helper-123.)
            Terminal.print(z ? "日期读取示例：“\(Terminal.cell(d.table))”的“\(Terminal.cell(d.column))”\(json ? "字段" : "列")，\(Terminal.cell(d.input)) → \(d.read)"
                             : "Dates as read: \(Terminal.cell(json ? Self.jsonName(d.table) : d.table)), \(json ? "field" : "column") \(Terminal.cell(json ? Self.jsonName(d.column, table: d.table) : d.column)): \(Terminal.cell(d.input)) → \(d.read)")
        }
        let kinds = ImportKind.order.filter { p.counts[$0] != nil }
        if !kinds.isEmpty {
            // (无变化, rows that change nothing under --on-duplicate update, only when there are some.)
            let unchanged = kinds.contains { p.counts[$0]!.unchanged > 0 }
            Render.table(z ? ["", "新增", "更新"] + (unchanged ? ["无变化"] : []) + ["跳过", "无法导入"]
                           : ["", "new", "updated"] + (unchanged ? ["unchanged"] : []) + ["skipped", "refused"],
                         kinds.map { k in
                             let c = p.counts[k]!
                             return [z ? k.sheetName(zh: true) : k.rawValue, "\(c.new)", "\(c.updated)"] + (unchanged ? ["\(c.unchanged)"] : [])
                                 + ["\(c.duplicate)", "\(c.refused)"]
                         })
            // Rows of one record are one update: said beside the rows' count (3 updated rows
            // for one customer were read as three customers).
            for k in kinds { if let text = ImportReport.mergedRows(k, p.counts[k]!) { Terminal.print(z ? text.zh : text.en) } }
        }
        // Which records change how (only counts were shown: helper-100).
        let changes = state.map { p.updates(in: $0, zh: z) } ?? []
        if !changes.isEmpty, p.problems.isEmpty || p.canCommit {
            Terminal.print(z ? "将修改的内容：" : "Changes to records:")
            for c in changes.prefix(20) { Terminal.print("  " + Terminal.cell(c)) }
            if changes.count > 20 { Terminal.print(z ? "  ……另有 \(changes.count - 20) 项" : "  … and \(changes.count - 20) more") }
        }
        if !p.problems.isEmpty {
            Terminal.printPainted(Terminal.red(z ? "问题（共 \(p.problems.count) 处）：" : "Problems (\(p.problems.count)):"))
            for problem in p.problems.prefix(shownProblems) { Terminal.print("  " + line(problem, z, json: p.source.format == .json, sheet: p.source.format == .xlsx && p.source.tables.contains { $0.name == problem.table })) }
            if p.problems.count > shownProblems {
                Terminal.print(z ? "  ……另有 \(p.problems.count - shownProblems) 处未列出。如需查看全部，请加 --rejects 文件名，把这些\(p.source.format == .json ? "记录" : "行")另存到该文件" : "  … and \(p.problems.count - shownProblems) more; write them all out with --rejects FILE")
            }
            if p.duplicatesRefused > 0 {
                // (Not `update` for rows it would refuse too: a number several customers share,
                // two rows of one log entry; it was offered for them: helper-164.)
                let refusing = p.duplicatesUpdateRefuses
                let json = p.source.format == .json, sheet = p.source.format == .xlsx
                let rows1 = json ? "记录" : "行"
                if refusing.count >= p.duplicatesRefused {
                    Terminal.print(z ? "重复的\(rows1)如要跳过，请加 --on-duplicate skip。但这些\(rows1)即使加 --on-duplicate update 也无法导入，原因如下："
                                     : "Duplicates: to leave them out use --on-duplicate skip. --on-duplicate update would refuse them too:")
                } else {
                    Terminal.print(z ? "重复的\(rows1)如要跳过，请加 --on-duplicate skip；如要用文件内容更新已有记录（以文件为准），请加 --on-duplicate update。"
                                     : "Duplicates: to leave them out use --on-duplicate skip; to update the existing records with the file's values (the file's values win) use --on-duplicate update.")
                    if !refusing.isEmpty {
                        Terminal.print(z ? "但以下 \(refusing.count) \(json ? "条记录" : "行")即使加 --on-duplicate update 也无法导入：" : "But --on-duplicate update would refuse \(refusing.count) of them:")
                    }
                }
                for problem in refusing.prefix(5) {
                    Terminal.print("  " + line(problem, z, json: json, sheet: sheet && p.source.tables.contains { $0.name == problem.table }))
                }
                if refusing.count > 5 { Terminal.print(z ? "  ……另有 \(refusing.count - 5) \(json ? "条记录" : "行")" : "  … and \(refusing.count - 5) more") }
                // (Skipping leaves the rows naming a customer several archive customers could be
                // refused: helper-170 N8.)
                // (Not counted: rows refused for a row naming it are refused too: helper-172.)
                if p.namingUnclearCustomer > 0 {
                    Terminal.print(z ? "注意：无法确定是哪一家的客户\(json ? "记录" : "行")，以及文件中与这些客户相关的\(json ? "记录" : "行")，即使加上 --on-duplicate skip 也无法导入，请先按上述说明修改文件。"
                                     : "Note: a customer \(json ? "record" : "row") that could be more than one customer, and the \(json ? "records" : "rows") of the file naming it, stay refused with --on-duplicate skip too; correct the file as said above first.")
                }
            }
        }
        if !p.warnings.isEmpty {
            Terminal.printPainted(Terminal.yellow(z ? "提醒：" : "Notes:"))
            for w in p.warnings { Terminal.print("  " + line(w, z, json: p.source.format == .json, sheet: p.source.format == .xlsx && p.source.tables.contains { $0.name == w.table })) }
        }
    }

    /// A JSON file's list and key as the file writes them (`projects`, `decisionMakers`), for
    /// the English output: the import reads a JSON export as tables named and headed in Chinese
    /// (项目, 决策人), which an English reader of the file does not find in it (helper-186).
    /// Anything else as it is.
    static func jsonName(_ text: String, table: String? = nil) -> String {
        if table == nil, let kind = ImportKind(name: text), kind.sheetName(zh: true) == text { return kind.rawValue }
        guard let table, let kind = ImportKind(name: table) else { return text }
        if text == "记录号" { return "id" }
        return Schema.fields(kind.entity).first { $0.zh == text }?.key ?? text
    }

    /// `sheet`: the table is a workbook's sheet, said as a sheet and its row (a CSV file's
    /// lines are lines; a sheet's rows were "客户 line 2").
    static func line(_ p: ImportProblem, _ z: Bool, json: Bool = false, sheet: Bool = false) -> String {
        var parts: [String] = []
        let table = Terminal.cell(json && !z ? jsonName(p.table) : p.table)
        if p.line == 0 {
            parts.append(sheet ? (z ? "“\(table)”工作表" : "sheet \(table)") : table)
        } else if json {
            parts.append(z ? "“\(table)”第 \(p.line) 条记录" : "\(table) record \(p.line)")
        } else if sheet {
            parts.append(z ? "“\(table)”工作表第 \(p.line) 行" : "sheet \(table) row \(p.line)")
        } else {
            parts.append(z ? "\(table) 第 \(p.line) 行" : "\(table) line \(p.line)")
        }
        // (A JSON record has fields, not columns.)
        if let c = p.column { parts.append(z ? "“\(Terminal.cell(c))”\(json ? "字段" : "列")" : "\(json ? "field" : "column") \(Terminal.cell(json ? jsonName(c, table: p.table) : c))") }
        // (The value once: not again when the reason quotes it, 无法识别客户等级“Z”.)
        let reason = z ? p.reasonZH : p.reason
        if let v = p.value, !v.isEmpty, !reason.contains("“\(v)”"), !reason.contains("\"\(v)\"") { parts.append(z ? "值“\(Terminal.cell(Render.truncate(v, 40)))”" : "value \"\(Terminal.cell(Render.truncate(v, 40)))\"") }
        // (The reason made one line: a name with a line break in it printed a line of its own.)
        return parts.joined(separator: z ? "，" : ", ") + (z ? "：" : ": ") + Terminal.cell(z ? fullStop(p.reasonZH) : p.reason)
    }

    /// A Chinese reason as a sentence: a full stop at its end unless it has one.
    static func fullStop(_ s: String) -> String {
        guard let last = s.last, !"。！？…".contains(last) else { return s }
        return s + "。"
    }
}

struct Export: ArchiveCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the archive to Excel (XLSX, default), CSV or JSON: plaintext that leaves the vault, recorded in the history.",
        discussion: """
            With --encrypt the workbook is encrypted with a password you choose (AES-256,
            as Excel 2010 and later do; Excel, WPS and LibreOffice open it with the
            password): the plaintext exists only in memory. Tell the recipient the
            password separately, never with the file, and do not use the archive's
            password. The file is written with permissions 0600, all at once (never
            half-written), and an existing file is only replaced with --force. Secret
            fields (a contact's personal background) only with --include-secret. The
            export is recorded in the archive (what, how many rows, the file's SHA-256),
            and a manager's export through escrow is recorded as an escrow use.

            EXAMPLES
              salesvault export -a 张伟.svault                          (every kind, one workbook)
              salesvault export -a 张伟.svault --kind customers --format csv --out 客户.csv
              salesvault export -a 张伟.svault --format csv --kind log --encoding gb18030
              salesvault export -a 张伟.svault --encrypt --out 张伟-客户档案.xlsx     (asks for the workbook's password)
              salesvault escrow open 张伟.svault --identity 李经理.key -- export --out 张伟-交接.xlsx
            """)
    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("What to export (repeatable): customers, contacts, projects, log, complaints or all (default).", valueName: "kind"))
    var kind: [String] = []
    @Option(help: "xlsx (the default, or what --out's name ends in), csv or json.") var format: Exporter.Format?
    @Option(help: ArgumentHelp("The file to write (default: the owner's name, the date and the format).", valueName: "file")) var out: String?
    @Option(help: ArgumentHelp("CSV only: utf-8-bom (default, opens in Excel) or gb18030.", valueName: "name")) var encoding: String?
    @Flag(help: "Include secret fields (a contact's personal background).") var includeSecret = false
    @Flag(help: "Encrypt the workbook with a password you choose (XLSX only; the password is asked twice, no echo).")
    var encrypt = false
    @Option(help: ArgumentHelp("With --encrypt: the workbook's password, from the first line of this file.", valueName: "file"))
    var workbookPasswordFile: String?
    @Flag(help: "Replace the file if it exists.") var force = false
    @OptionGroup var options: ArchiveOptions
    @OptionGroup var global: GlobalOptions

    var capability: Capability { .export }

    func validate() throws {
        // (The example a name of the kind and format asked for, and one that works: a CSV holds
        // one kind, so without --kind it says which: 客户.csv was suggested for contacts, and
        // without --kind then failed: helper-163.)
        let kindNamed = kind.first.flatMap { ImportKind(name: $0) }
        let fmt = format ?? .xlsx
        let example = fmt == .csv && kind.isEmpty ? "客户.csv --kind customers"
            : (kindNamed?.sheetName(zh: true) ?? (fmt == .json ? "客户档案" : kind.isEmpty ? "客户档案" : "客户")) + "." + fmt.rawValue
        try OutputOption.check(out, option: "--out", example: example)
        if workbookPasswordFile != nil && !encrypt { throw ValidationError(L("--workbook-password-file goes with --encrypt", "--workbook-password-file 须与 --encrypt 一起使用").text) }
        if encrypt, let format, format != .xlsx {
            throw ValidationError(L("--encrypt writes an encrypted Excel workbook: use --format xlsx, not --format \(format.rawValue)",
                                    "--encrypt 只能生成加密的 Excel 工作簿，请使用 --format xlsx，而不是 --format \(format.rawValue)").text)
        }
        if encrypt, let out, let named = Exporter.Format(rawValue: URL(fileURLWithPath: out).pathExtension.lowercased()), named != .xlsx {
            throw ValidationError(L("--encrypt writes an encrypted Excel workbook: name the --out file .xlsx", "--encrypt 只能生成加密的 Excel 工作簿，--out 文件名须以 .xlsx 结尾").text)
        }
        // A CSV of several kinds: said before the password is asked and the archive opened.
        let named = out.flatMap { Exporter.Format(rawValue: URL(fileURLWithPath: $0).pathExtension.lowercased()) }
        if (format ?? named) == .csv, let kinds = try? kinds(kind), kinds.count != 1 {
            throw ValidationError(L("a CSV file holds one kind; choose one with --kind (e.g. --kind customers), or export everything as one workbook with --format xlsx",
                                    "CSV 文件只能包含一类数据，请用 --kind 指定（例如 --kind customers）；如需全部导出，请用 --format xlsx 导出为一个工作簿").text)
        }
    }

    /// Refuses an output inside the department's own folders or over its registry (the audit
    /// log, the sealed reports, the keys, department.json): a manager's `--force` export
    /// replaced the signed audit log with plaintext customers (black-box finding).
    /// Compared by device and inode, not by spelling: a path in another case on a
    /// case-insensitive volume, `..` after a link or a bind mount name the same folder.
    static func checkNotDepartmentFile(_ path: String, archive: String) throws {
        guard let layout = ArchiveDepartment.layout(forArchive: archive, override: OwnerUnlock.departmentOverride) else { return }
        func identity(_ p: String) -> [UInt64]? {
            var st = stat()
            return stat(p, &st) == 0 ? [UInt64(st.st_dev), UInt64(st.st_ino)] : nil
        }
        let folders = Set([layout.audit, layout.reports, layout.keys].compactMap(identity))
        let files = Set([layout.registry, layout.signature].compactMap(identity))
        var inside = identity(path).map(files.contains) ?? false
        // The output's folder and every folder above it, from the folder as the kernel resolves it.
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !inside, let resolved = realpath(parent.isEmpty ? "." : parent, nil) {
            var folder = URL(fileURLWithPath: String(cString: resolved))
            free(resolved)
            while true {
                if let id = identity(folder.path), folders.contains(id) { inside = true; break }
                if folder.path == "/" { break }
                folder.deleteLastPathComponent()
            }
        }
        guard inside else { return }
        throw CLIError(.fileProblem, L("\(path) is in the department's own folders (audit log, reports, keys, registry); an export is never written there",
                                       "\(path) 位于部门专用的位置（审计日志、周报、密钥文件夹或部门名册），导出文件不能写在这里"),
                       hint: L("write it elsewhere, e.g. --out ~/交接/客户.xlsx", "请改为保存到其他位置，例如 --out ~/交接/客户.xlsx"))
    }

    /// The file an export writes: `--out`, or the owner's name, 客户档案, the day and the format.
    static func defaultPath(owner: String, format: Exporter.Format, now: Int64) -> String {
        let day = DateParser.format(DateParser.localDay(now))
        let owner = String(owner.unicodeScalars.filter { !FieldFormat.isTerminalUnsafe($0) && $0 != "/" })
        return "\(owner)-客户档案-\(day).\(format.rawValue)"
    }

    /// What can be refused before the archive at `archive` is opened: through escrow the opening
    /// is recorded as a use of kind "export", and an export refused afterwards (the file exists,
    /// is the archive, the workbook password is weak) left a recorded export of no file.
    func preflight(archive: String, keyFiles: [String]) throws {
        let format = try checkedOptions().format
        let owner = (try? ArchiveInspection.inspect(path: archive))?.header.owner ?? ""
        let path = out ?? Self.defaultPath(owner: owner, format: format, now: Clock.now)
        try Self.checkNotDepartmentFile(path, archive: archive)
        try AtomicFile.checkDestination(path, replacing: force, protecting: [archive] + [options.password.passwordFile, workbookPasswordFile].compactMap { $0 } + keyFiles)
        // (A regular file only: a pipe, `<(pass show …)`, can be read once, by the export itself.)
        var st = stat()
        if encrypt, let workbookPasswordFile, stat(workbookPasswordFile, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
            let secret = try PasswordInput.read(file: workbookPasswordFile, fd: nil, prompt: L("", ""), confirm: false, options: "--workbook-password-file FILE")
            try WorkbookPasswordCheck.require(secret, owner: owner)
        }
    }

    /// The options read and checked against each other, without the archive: the format (given,
    /// or what `--out` ends in), the kinds and the CSV encoding.
    func checkedOptions() throws -> (format: Exporter.Format, kinds: [ImportKind], encoding: TextEncoding?) {
        if let out, out.trimmingCharacters(in: .whitespaces).isEmpty {
            throw CLIError(.usage, L("--out names no file", "--out 后的文件名为空"), hint: L("give a file name, e.g. --out 客户.xlsx", "请填写文件名，例如 --out 客户.xlsx"))
        }
        let ext = out.map { URL(fileURLWithPath: $0).pathExtension.lowercased() } ?? ""
        let named = Exporter.Format(rawValue: ext)
        // (`--out x.tsv` wrote a workbook named .tsv: a name whose ending says no format needs --format.)
        if format == nil, named == nil, !ext.isEmpty {
            throw CLIError(.usage, L("\(out!) ends in .\(ext), which is not a format SalesVault writes", "文件名 \(out!) 的扩展名 .\(ext) 不是可导出的格式"),
                           hint: L("name the file .xlsx, .csv or .json, or give the format with --format", "请将扩展名改为 .xlsx、.csv 或 .json，或用 --format 指定格式"))
        }
        if let format, let named, format != named {
            throw CLIError(.usage, L("--format \(format.rawValue) but \(out!) ends in .\(named.rawValue)", "已指定 --format \(format.rawValue)，但文件名 \(out!) 的扩展名为 .\(named.rawValue)"),
                           hint: L("name the file .\(format.rawValue), or use --format \(named.rawValue)", "请将扩展名改为 .\(format.rawValue)，或改用 --format \(named.rawValue)"))
        }
        let format = format ?? named ?? .xlsx
        let e = try textEncoding(encoding)
        if e != nil, format != .csv { throw CLIError(.usage, L("--encoding is for CSV files", "--encoding 只用于 CSV 文件"), hint: L("add --format csv", "请加上 --format csv")) }
        return (format, try kinds(kind), e)
    }

    func run(in context: ArchiveContext) throws {
        let archive = context.archive
        let (format, chosen, encoding) = try checkedOptions()
        var opts = Exporter.Options(kinds: chosen, format: format, now: Clock.now)
        opts.includeSecret = includeSecret
        opts.zh = Render.zh
        if let encoding { opts.encoding = encoding }
        let path = out ?? Self.defaultPath(owner: archive.vault.header.owner, format: format, now: opts.now)
        try Self.checkNotDepartmentFile(path, archive: archive.vault.path)
        if encrypt {
            opts.workbookPassword = try WorkbookPasswordCheck.ask(file: workbookPasswordFile, archive: archive.vault)
        }
        let output = try Exporter.write(archive, options: opts)
        // The export is recorded once the file is complete and just before it gets its name: no
        // exported file exists unrecorded (a manager's export is recorded as an escrow use).
        // Never over the archive, nor over a file this command read a password from.
        let read = [options.password.passwordFile, workbookPasswordFile].compactMap { $0 } + context.keyFiles
        try AtomicFile.write(output.data, to: path, replacing: force, protecting: [archive.vault.path] + read) {
            guard !context.throughEscrow else { return }
            let note = ExportNote(format: encrypt ? "xlsx-encrypted" : format.rawValue, kinds: opts.kinds.map(\.rawValue), rows: output.rows,
                                  file: URL(fileURLWithPath: path).lastPathComponent, sha256: output.sha256, includeSecret: includeSecret)
            try archive.recordExport(note, now: opts.now)
        }
        let shown = Terminal.cell(path)
        if encrypt {
            Terminal.stderr(WorkbookPasswordCheck.note(shown).text)
        } else {
            Terminal.stderr(L("Note: \(shown) is a plaintext copy of customer data, not encrypted and not protected by the archive's password. Keep it safe, do not pass it on, and delete it when done.\n",
                              "注意：\(shown) 是客户资料的明文副本，没有加密，不受档案密码保护。请妥善保管，勿外传，用完及时删除。\n").text)
        }
        if let note = StageHistoryText.exportNote(shortened: output.shortenedHistories.map { Terminal.cell($0) },
                                                  emptied: output.emptiedHistories.map { Terminal.cell($0) }) {
            Terminal.stderr(L(note.en, note.zh).text + "\n")
        }
        // (The name as the note above shows it: a newline in it was printed raw, helper-109.)
        // Each kind with its measure word (已导出 13 条记录 counted one customer and 12 projects
        // alike: helper-213 18).
        let kinds = ImportKind.order.compactMap { k in output.counts[k].flatMap { $0 > 0 ? (k, $0) : nil } }
        let what = kinds.isEmpty ? (en: Format.counted(output.rows, "record"), zh: " \(output.rows) 条记录")
            : kinds.count == 1 ? (en: ImportReport.counted(kinds, zh: false), zh: ImportReport.counted(kinds, zh: true))
            : (en: ImportReport.counted(kinds, zh: false) + " (\(Format.counted(output.rows, "record")))", zh: ImportReport.counted(kinds, zh: true) + "（共 \(output.rows) 条记录）")
        Terminal.print(L("Exported \(what.en) to \(shown) (SHA-256 \(output.sha256.prefix(16))…)\(context.throughEscrow ? "; recorded as an escrow use, which the owner will see" : "; recorded in the archive's history").",
                         "已导出\(what.zh)到 \(shown)（SHA-256 \(output.sha256.prefix(16))…）\(context.throughEscrow ? "，本次导出已记为一次托管访问，档案所有人会看到" : "，本次导出已记入档案历史")。"))
    }
}
