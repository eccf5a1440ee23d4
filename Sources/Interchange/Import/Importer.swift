import Foundation
import SalesArchive

/// Turns tables into one change set (INTERCHANGE.md §2–§5): columns mapped to fields, every
/// cell read by its field's type, rows of one table referring to rows of another by name, code,
/// credit code or source id, duplicates found within the file and against the archive, and the
/// whole planned as one change set, so that a dry run shows exactly what a commit would do.
public final class Importer {
    let archive: CustomerArchive
    private(set) var options: ImportOptions
    /// Whose record ids the file's 记录号 are (`recordIDs(of:into:)`), found once per preview.
    private(set) var recordIDs: RecordIDs = .file
    /// The file's own record ids (记录号) of rows refused as duplicates of an archive record,
    /// with that record: a row referring to one by its id is that record's, also after
    /// `--only-valid` left the duplicate out (ChangeSetBuilder `fileIDRows`). Found per preview.
    var archiveRecordOfFileID: [String: String] = [:]
    /// The same by the names rows give those records (`C|company key`, `R|customer|person key`,
    /// `P|customer|person key`): rows naming a refused duplicate are its record too, as rows
    /// giving its id are (they were refused as naming a row that was refused: helper-168).
    var archiveRecordOfFileName: [String: String] = [:]
    /// The file may have been saved in code page 936 (`ImportSource.mayBeCodePage936`): a ? where
    /// the archive has a character GBK cannot hold is that character lost. Found per preview.
    var mayBeCodePage936 = false
    /// The fields a GBK file's ? left as the archive has them, the file's change not made
    /// (counted in `ImportPreview.valuesLeftOut`: the summary said "nothing to update").
    var fieldsKeptForQuestionMarks = 0

    public init(archive: CustomerArchive, options: ImportOptions) {
        self.archive = archive
        self.options = options
    }

    /// Whether `text`, a reference taken for customer `c`, names a group (集团) where the
    /// archive's name does not, and is its name only once the legal suffix, spaces and brackets
    /// are set aside (华东电力集团 for 华东电力: the group may be another customer, the parent):
    /// not its name as written (case, width and spaces aside), nor its short name or an alias,
    /// nor a code. (A suffix left out, 华南电子 for 华南电子有限公司, is how names are written
    /// short, and is not said.)
    static func namedAlikeOnly(_ text: String, _ c: Entity) -> Bool {
        guard let name = c["name"]?.text, text.contains("集团"), !name.contains("集团") else { return false }
        let written = ChangeDraft.normalizedName(text)
        guard written != ChangeDraft.normalizedName(name), !c.otherNames.contains(where: { ChangeDraft.normalizedName($0) == written }) else { return false }
        guard Importer.recordID(text) == nil else { return false }
        if case .valid = CreditCode.check(text) { return false }
        if let code = c["code"]?.text, ChangeDraft.normalizedName(code) == written { return false }
        return Identity.companyKey(text) == Identity.companyKey(name)
    }

    /// In a file Excel may have saved in GBK (Chinese, GB18030 without a four-byte character),
    /// the rows whose values hold ?: a character GBK lacks (an emoji, ¥) became one, also in the
    /// records the file adds, which no archive text can give back (helper-205 4). Said once.
    static func questionMarksOfGBK(_ source: ImportSource, _ rows: [Row]) -> ImportProblem? {
        guard source.mayBeCodePage936, case .csv(.gb18030, _) = source.format, let table = source.tables.first?.name else { return nil }
        // (A stage history's reasons too: helper-209 10.)
        let lines = rows.filter { r in
            r.fields.contains { $0.1.utf8.contains(UInt8(ascii: "?")) } || r.contact.contains { $0.1.utf8.contains(UInt8(ascii: "?")) }
                || r.refs["stageHistory"]?.utf8.contains(UInt8(ascii: "?")) == true
        }.map(\.line)
        guard let first = lines.first else { return nil }
        return ImportProblem(
            table: table, line: first, column: nil, value: nil,
            reason: "the file was saved as GBK (Excel's CSV on Chinese Windows), where emoji, ¥ and other characters GBK lacks become ?; \(lineList(lines, zh: false)) \(lines.count == 1 ? "holds" : "hold") ?: if they stood for such characters, they are imported as ?. Save the file as \"CSV UTF-8\" or as a workbook (.xlsx) and import it again",
            reasonZH: "该文件以 GBK 编码保存（在中文版 Windows 上用 Excel 另存为“CSV（逗号分隔）”即为此编码），表情符号、¥ 等字符保存后会变成问号。\(lineList(lines, zh: true))含有问号。如果这些问号原本是这类字符，导入后新增或修改的内容中也会是问号（已与档案记录匹配的名称和跟进记录除外，这些内容保留档案中的原样）。请将文件另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后重新导入")
    }

    /// A file whose bytes read as UTF-8 and as GBK: which it was taken as, why, and how to say
    /// otherwise (helper-205 3: it was read as UTF-8, 山峡实业 imported as ɽϿʵҵ, without a word).
    static func gbkReadingNote(_ source: ImportSource) -> ImportProblem? {
        guard let seen = source.gbkReading, let table = source.tables.first?.name else { return nil }
        if seen.sure {
            return ImportProblem(
                table: table, line: seen.line, column: nil, value: nil,
                reason: "the file reads both as UTF-8 and as GBK; this line as UTF-8 is \"\(seen.utf8)\", which is garbled, and as GBK \"\(seen.gbk)\", so the whole file is read as GBK (Excel's CSV on Chinese Windows). If that is wrong, import it again with --encoding utf-8",
                reasonZH: "该文件可按 UTF-8 编码读取，也可按 GBK 编码读取。本行按 UTF-8 读作“\(seen.utf8)”，是乱码；按 GBK 读作“\(seen.gbk)”，因此整个文件按 GBK 编码读取（在中文版 Windows 上用 Excel 另存为“CSV（逗号分隔）”即为此编码）。如读取结果有误，请加上 --encoding utf-8 重新导入")
        }
        return ImportProblem(
            table: table, line: seen.line, column: nil, value: nil,
            reason: "this line reads as UTF-8 \"\(seen.utf8)\", which may be garbled: if the file was saved as GBK (Excel's CSV on Chinese Windows), it reads \"\(seen.gbk)\"; then import it again with --encoding gbk",
            reasonZH: "本行按 UTF-8 编码读出的内容为“\(seen.utf8)”，可能是乱码。若该文件为 GBK 编码（在中文版 Windows 上用 Excel 另存为“CSV（逗号分隔）”的文件即是此编码），正确内容应为“\(seen.gbk)”，请在导入命令后加上 --encoding gbk 重新导入")
    }

    /// Plans the import of `source`; nothing is written. A JSON file's records are said as
    /// records (本条记录), not rows (`ImportProblem.saidOfRecords`).
    public func preview(_ source: ImportSource) throws -> ImportPreview {
        var preview = try plannedPreview(source)
        if source.format == .json { preview.sayRecords() }
        return preview
    }

    private func plannedPreview(_ source: ImportSource) throws -> ImportPreview {
        var preview = ImportPreview(source: source)
        if let note = Self.gbkReadingNote(source) { preview.warnings.append(note) }
        options.fileTimeZone = Self.fileZone(source)
        mayBeCodePage936 = source.mayBeCodePage936
        recordIDs = Self.recordIDs(of: source, into: archive)
        archiveRecordOfFileID = [:]
        archiveRecordOfFileName = [:]
        preview.recordIDs = recordIDs
        let tables = mapTables(source, into: &preview)
        if source.format == .xlsx { preview.warnings += Self.hiddenTimes(tables) }  // (only a sheet has formats)
        preview.hasRecordIDs = tables.contains { $0.column(ofTarget: .sourceID) != nil }
        if try bulkLog(source, tables: tables, into: &preview) {
            if let warning = Self.zoneWarning(source) { preview.warnings.append(warning) }
            return preview
        }
        PhaseClock.mark("tables mapped")
        var rows = readRows(tables, into: &preview)
        PhaseClock.mark("rows read")
        if let note = Self.questionMarksOfGBK(source, rows) { preview.warnings.append(note) }
        if bulkCustomers(source, tables: tables, rows: rows, into: &preview) {
            if let warning = Self.zoneWarning(source) { preview.warnings.append(warning) }
            if rows.count >= 10_000 { Background.release(&rows, leaving: []) }
            return preview
        }
        if tables.contains(where: { $0.kind == .log }) || tables.contains(where: { $0.kind == .customers }) {
            try archive.loadContactLog()  // duplicates of log entries, and customers' logs
        }
        var excluded = Set<Int>()
        for (i, r) in rows.enumerated() where !r.problems.isEmpty { excluded.insert(i) }
        // Plans the rows not excluded; with `onlyValid`, a row refused by the plan is excluded
        // and the rest planned again (a row referring to it then fails too), until none is.
        var built = Build()
        var plan: ChangePlan?
        var customerNames: [(row: Int, name: String)] = []
        var identical = Set<Int>()
        var updateRefuses: [Int: [ImportProblem]]?  // (the duplicates' problems under update, asked once)
        var namingUnclear = Set<Int>()  // (over every pass: --only-valid leaves them out of the last)
        var keptForQuestionMarks = 0  // (of the last build: a probe's are not the import's)
        for _ in 0..<50 {
            fieldsKeptForQuestionMarks = 0
            built = buildChangeSet(rows, tables: tables, excluding: excluded, source: source, identical: identical)
            keptForQuestionMarks = fieldsKeptForQuestionMarks
            if options.onDuplicate == .refuse, identical.isEmpty, !built.archiveDuplicates.isEmpty {
                // Rows the archive has as the file has them are not refused: the same list
                // imported again (a salesperson's sheet that grows week by week) imports what is
                // new in it, and says the rest is unchanged (every earlier row was refused).
                let probe = probeUpdate(rows, tables: tables, excluding: excluded, source: source)
                identical = identicalRows(probe, among: built.archiveDuplicates)
                updateRefuses = probe.problems
                if !identical.isEmpty {
                    fieldsKeptForQuestionMarks = 0
                    built = buildChangeSet(rows, tables: tables, excluding: excluded, source: source, identical: identical)
                    keptForQuestionMarks = fieldsKeptForQuestionMarks
                }
            }
            if options.onDuplicate == .refuse, updateRefuses == nil, !built.duplicateRows.isEmpty {
                updateRefuses = probeUpdate(rows, tables: tables, excluding: excluded, source: source).problems
            }
            namingUnclear.formUnion(built.namingUnclearRows)
            for (i, problems) in built.problems { rows[i].problems += problems }
            // The names of the new customers (for `nearNameWarnings`), before the rows' values go.
            customerNames = rows.indices.compactMap { i in
                rows[i].kind == .customers && (built.status[i] ?? .new) == .new && rows[i].problems.isEmpty ? rows[i].field("name").map { (i, $0) } : nil
            }
            if !options.onlyValid && rows.count >= 10_000 {
                // Planned once (nothing is planned again without `onlyValid`): the rows' values
                // as read are not needed any more, only where each row is and its problems. They
                // are freed off the import's path while the plan runs, so that the plan's records
                // take their room (a million log rows held 0.4 GB of them).
                var read = rows.map { $0.located }
                swap(&read, &rows)
                Background.release(&read, leaving: [])
            }
            plan = built.set.operations.isEmpty ? nil : try archive.plan(built.set, now: options.now, keepingResults: false)
            var newlyRefused = Set(built.problems.keys)
            var refusedByPlan = Set<Int>()
            for p in plan?.problems ?? [] {
                let row = built.operationRows[p.operation - 1]
                // A step of a row's complaint refused because an earlier step of the same row was
                // (处理 after a 通报 dated before 受理): the earlier problem is the one to fix (it
                // also said TS-2026-0001 当前状态为“已受理”, a number the complaint never got).
                if p.error.code == .invalidTransition, rows[row].kind == .complaints, refusedByPlan.contains(row) { continue }
                refusedByPlan.insert(row)
                if let n = p.error.unmadeReference, n >= 1, n <= built.operationRows.count {
                    // A record of a row that was refused, referred to: that row's problem is the
                    // one to fix (it said 本批第 5 项操作没有新建客户).
                    let other = built.operationRows[n - 1]
                    if other != row {
                        let kind = p.error.unmadeKind ?? .customer
                        let otherTable = tables[rows[other].mapped].table.name, here = tables[rows[row].mapped].table.name
                        let at = source.format.place(otherTable, line: rows[other].line, from: here)
                        rows[row].problems.append(ImportProblem(
                            table: here, line: rows[row].line, column: nil, value: nil,
                            reason: "the \(kind.en) of \(at.en) was not imported, so neither is this row: correct \(at.en) first",
                            reasonZH: "\(at.zh)的\(kind.zh)未能导入，因此本行也无法导入。请先改正\(at.zh)的问题，再重新导入"))
                    }
                    newlyRefused.insert(row)
                    continue
                }
                rows[row].problems.append(ImportProblem(
                    table: tables[rows[row].mapped].table.name, line: rows[row].line,
                    column: Self.column(of: built.set.operations[p.operation - 1], in: tables[rows[row].mapped]), value: nil,
                    reason: p.error.reason + candidates(p.error), reasonZH: (p.error.reasonZH ?? p.error.reason) + candidates(p.error, zh: true)))
                newlyRefused.insert(row)
            }
            if newlyRefused.isEmpty || !options.onlyValid { break }
            excluded.formUnion(newlyRefused)
            plan = nil
        }
        // The preview: counts by kind and status, problems in file order.
        preview.problems += tables.flatMap(\.problems)  // whole-table problems first
        preview.duplicatesRefused = built.duplicatesRefused
        preview.valuesLeftOut = built.valuesLeftOut + keptForQuestionMarks
        preview.namingUnclearCustomer = namingUnclear.count
        if let updateRefuses {
            preview.duplicatesUpdateRefuses = built.duplicateRows.sorted().compactMap { updateRefuses[$0]?.first }
        }
        var updatedRecords: [ImportKind: Set<String>] = [:], unchangedRecords: [ImportKind: Set<String>] = [:]
        var updatedRows: [ImportKind: [String: Int]] = [:]  // (rows per record, for those whose rows undo each other)
        var mergedIntoNew: [ImportKind: Int] = [:]
        var rowsOfOneRecord = false  // (only then can rows undo each other: the plan is read for it)
        for (i, r) in rows.enumerated() {
            var c = preview.counts[r.kind] ?? ImportPreview.Counts()
            if !tables[r.mapped].problems.isEmpty && r.problems.isEmpty {
                c.refused += 1  // its table cannot be imported
            } else if !r.problems.isEmpty {
                c.refused += 1
                preview.refused.append(ImportPreview.Refused(table: r.table, row: r.rowIndex, reasons: r.problems))
                preview.problems += r.problems
            } else {
                switch built.status[i] ?? .new {
                case .new: c.new += 1
                case .updated:
                    c.updated += 1
                    switch built.updateTargets[i] {
                    case let target? where target.hasPrefix("@"): mergedIntoNew[r.kind, default: 0] += 1
                    case let target?:
                        if !updatedRecords[r.kind, default: []].insert(target).inserted { rowsOfOneRecord = true }
                        updatedRows[r.kind, default: [:]][target, default: 0] += 1
                    case nil: updatedRecords[r.kind, default: []].insert("#\(i)")  // (a row of its own record)
                    }
                case .unchanged:
                    c.unchanged += 1
                    unchangedRecords[r.kind, default: []].insert(built.updateTargets[i] ?? "#\(i)")
                case .duplicate: c.duplicate += 1
                }
                if built.inlineContacts.contains(i) { preview.counts[.contacts, default: .init()].new += 1 }
                if built.inlineContactUpdates.contains(i) { preview.counts[.contacts, default: .init()].updated += 1 }
                switch built.inlineContactKept[i] {
                case .unchanged?: preview.counts[.contacts, default: .init()].unchanged += 1
                case .duplicate?: preview.counts[.contacts, default: .init()].duplicate += 1
                default: break
                }
            }
            preview.counts[r.kind] = c
        }
        // Records, beside rows: an archive record whose rows leave it as it was (北京, then 上海
        // again) is no record updated but one unchanged, and one updated is not also unchanged
        // (`更新 2 条` was said with one record changed, and 另有 3 条与档案一致 beside it: helper-163).
        let changed = rowsOfOneRecord ? plan.map { Self.recordsChanged($0, archive.state) } : nil
        for (kind, c) in preview.counts where c.updated > 0 || c.unchanged > 0 {
            let touched = updatedRecords[kind] ?? [], merged = mergedIntoNew[kind] ?? 0
            let records = changed.map { net in touched.filter { $0.hasPrefix("#") || net.contains($0) } } ?? touched
            let unchanged = (unchangedRecords[kind] ?? []).union(touched.subtracting(records)).filter { !$0.hasPrefix("@") }.subtracting(records)
            let cancelled = touched.subtracting(records).reduce(0) { $0 + (updatedRows[kind]?[$1] ?? 0) }
            if records.count + merged < c.updated || merged > 0 {
                preview.counts[kind]?.updatedRecords = records.count
                preview.counts[kind]?.mergedIntoNew = merged
                preview.counts[kind]?.cancelledRows = cancelled
            }
            if unchanged.count != c.unchanged { preview.counts[kind]?.unchangedRecords = unchanged.count }
        }
        preview.warnings += built.warnings
        // New customers named like others (as customer add asks about them).
        if let index = built.index {
            let new = customerNames.compactMap { i, name -> NewCustomer? in
                let r = rows[i]
                guard r.problems.isEmpty, tables[r.mapped].problems.isEmpty else { return nil }
                return NewCustomer(table: tables[r.mapped].table.name, line: r.line, column: tables[r.mapped].column("name")?.header, name: name, key: Identity.companyKey(name))
            }
            preview.warnings += Self.nearNameWarnings(new, index: index, state: archive.state)
        }
        if let warning = Self.zoneWarning(source) { preview.warnings.append(warning) }  // (last, as after a plan in bulk)
        preview.plan = plan
        let refusedAny = !preview.problems.isEmpty
        preview.canCommit = plan.map { $0.isValid && !$0.events.isEmpty } == true && (!refusedAny || options.onlyValid)
            && tables.allSatisfy { $0.problems.isEmpty }
        if rows.count >= 10_000 { Background.release((rows, built.set, built.operationRows, built.status)) }  // freed off the import's path
        return preview
    }

    /// The archive's records the plan changes, by their ids (C1, L15): a change of a field
    /// SalesVault keeps up itself (last contact, next follow-up, status, stage since) alone is
    /// no update of the record, a complaint's status is.
    static func recordsChanged(_ plan: ChangePlan, _ state: ArchiveState) -> Set<String> {
        let automatic = ImportPreview.automaticFields
        var out = Set<String>()
        for event in plan.events where event.operation == .update {
            guard let e = state.entity(event.kind, event.id) else { continue }  // (made by this import)
            if event.changes.contains(where: { c in
                !Schema.isNote(c.field) && (Schema.field(event.kind, number: c.field).map { !automatic.contains($0.key) || event.kind == .complaint } ?? true)
            }) { out.insert(e.shortID) }
        }
        return out
    }

    /// The rows planned with `--on-duplicate update` (what `identicalRows` reads, and whether
    /// update would refuse a duplicate too).
    func probeUpdate(_ rows: [Row], tables: [MappedTable], excluding excluded: Set<Int>, source: ImportSource) -> Build {
        let chosen = options.onDuplicate
        options.onDuplicate = .update
        defer { options.onDuplicate = chosen }
        return buildChangeSet(rows, tables: tables, excluding: excluded, source: source)
    }

    /// Of `candidates` (rows refused as duplicates of a record of the archive), the ones that
    /// would change nothing in it: planned with `--on-duplicate update` (`probe`), they are
    /// unchanged, add nothing (a contact person on a customer's row neither) and are not refused.
    func identicalRows(_ probe: Build, among candidates: Set<Int>) -> Set<Int> {
        let changing = Set(probe.operationRows)
        return candidates.filter { i in
            probe.status[i] == .unchanged && probe.problems[i] == nil && !changing.contains(i)
                && !probe.inlineContacts.contains(i) && !probe.inlineContactUpdates.contains(i)
        }
    }

    /// The column of a complaint row that a step refused by the archive's rules comes from (its
    /// time's, else its value's), nil for other operations (helper-99: a step's date error named
    /// no column).
    static func column(of operation: ChangeOperation, in table: MappedTable) -> String? {
        let keys: [String]
        switch operation {
        case .routeComplaint(_, let manager, _, _): keys = [manager ? "managerNotifiedAt" : "directorNotifiedAt"]
        case .resolveComplaint: keys = ["resolvedAt", "resolution"]
        case .surveyComplaint: keys = ["surveyedAt", "satisfaction"]
        case .withdrawComplaint: keys = ["withdrawnAt"]  // (its problem named no column)
        default: return nil
        }
        return keys.lazy.compactMap { table.column($0)?.header }.first
    }

    /// The zone an export's times were written in (its 时区), when it is another than this
    /// machine's and a zone this machine knows: they are read in it.
    static func fileZone(_ source: ImportSource) -> TimeZone? {
        guard let id = source.exportedFrom?.timeZone, id != TimeZone.current.identifier, let zone = TimeZone(identifier: id),
              zone.secondsFromGMT(for: Date()) != TimeZone.current.secondsFromGMT(for: Date()) || zone.nextDaylightSavingTimeTransition != TimeZone.current.nextDaylightSavingTimeTransition
        else { return nil }
        return zone
    }

    /// A note when an export's times were written in another time zone than this machine's:
    /// read in that zone when it is known, else a warning that they may be hours off.
    static func zoneWarning(_ source: ImportSource) -> ImportProblem? {
        guard let zone = source.exportedFrom?.timeZone, zone != TimeZone.current.identifier else { return nil }
        if fileZone(source) != nil {
            return ImportProblem(
                table: source.fileName, line: 0,
                reason: "the export's times are in \(zone) (this machine's in \(TimeZone.current.identifier)): they are read in \(zone), the same moments as exported",
                reasonZH: "导出文件中的时间按 \(zone) 时区记录（本机时区为 \(TimeZone.current.identifier)），已按 \(zone) 时区读取，与导出时的时间一致。")
        }
        guard TimeZone(identifier: zone) == nil else { return nil }  // (another name of this machine's offset)
        return ImportProblem(
            table: source.fileName, line: 0,
            reason: "the export's times are in \(zone), this machine's in \(TimeZone.current.identifier): imported times may be off by some hours; to keep them, import with TZ=\(zone)",
            reasonZH: "导出文件中的时间按 \(zone) 时区记录，本机时区为 \(TimeZone.current.identifier)，导入后的时间可能相差几个小时。如需保持一致，请先设置 TZ=\(zone) 再导入。")
    }

    /// The label of an import's batch: the file's name and SHA-256.
    static func label(_ source: ImportSource) -> String { "import \(source.fileName) sha256:\(source.sha256)" }

    private func candidates(_ error: ArchiveError, zh: Bool = false) -> String {
        if error.candidates.isEmpty || error.candidates.allSatisfy(error.reason.contains) { return "" }  // (named already)
        return zh ? "（" + error.candidates.prefix(5).joined(separator: "；") + "）" : " (" + error.candidates.prefix(5).joined(separator: "; ") + ")"
    }

    /// Commits a preview's plan as one batch (labelled with the file's name and SHA-256).
    public func commit(_ preview: ImportPreview) throws -> CommittedBatch {
        guard preview.canCommit, let plan = preview.plan else {
            let n = preview.problems.count
            let rows = preview.refused.count
            throw InterchangeError(.mapping, "nothing was imported: \(n) \(n == 1 ? "problem" : "problems")" + (rows > 0 ? " in \(rows) \(rows == 1 ? "row" : "rows") of the file" : " in the file's tables"), zh: "未导入任何数据：文件中有 \(n) 处问题" + (rows > 0 ? "（涉及 \(rows) 行）" : "（涉及表头或整张表）"),
                                   hint: "fix the file as listed above and import it again (--rejects FILE writes those rows with the reasons), or import only the rows without problems with --only-valid",
                                   hintZH: "请按上面的问题清单修改文件后重新导入（加 --rejects 文件名，可把这些行连同原因另存到该文件）；如只想先导入没有问题的行，请加 --only-valid")
        }
        return try archive.commit(plan)
    }

}
