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

    public init(archive: CustomerArchive, options: ImportOptions) {
        self.archive = archive
        self.options = options
    }

    /// Plans the import of `source`; nothing is written.
    public func preview(_ source: ImportSource) throws -> ImportPreview {
        var preview = ImportPreview(source: source)
        options.fileTimeZone = Self.fileZone(source)
        recordIDs = Self.recordIDs(of: source, into: archive)
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
        for _ in 0..<50 {
            built = buildChangeSet(rows, tables: tables, excluding: excluded, source: source, identical: identical)
            if options.onDuplicate == .refuse, identical.isEmpty, !built.archiveDuplicates.isEmpty {
                // Rows the archive has as the file has them are not refused: the same list
                // imported again (a salesperson's sheet that grows week by week) imports what is
                // new in it, and says the rest is unchanged (every earlier row was refused).
                identical = identicalRows(rows, tables: tables, excluding: excluded, source: source, among: built.archiveDuplicates)
                if !identical.isEmpty { built = buildChangeSet(rows, tables: tables, excluding: excluded, source: source, identical: identical) }
            }
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
                        let at = (en: (otherTable == here ? "" : "\(otherTable) ") + "line \(rows[other].line)",
                                  zh: (otherTable == here ? "" : "“\(otherTable)”") + "第 \(rows[other].line) 行")
                        rows[row].problems.append(ImportProblem(
                            table: here, line: rows[row].line, column: nil, value: nil,
                            reason: "the \(kind.en) of \(at.en) was not imported, so neither is this row: correct \(at.en) first",
                            reasonZH: "\(at.zh)的\(kind.zh)未能导入，因此本行也无法导入。请先改正\(at.zh)"))
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
                case .updated: c.updated += 1
                case .unchanged: c.unchanged += 1
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

    /// Of `candidates` (rows refused as duplicates of a record of the archive), the ones that
    /// would change nothing in it: planned with `--on-duplicate update`, they are unchanged, add
    /// nothing (a contact person on a customer's row neither) and are not refused.
    func identicalRows(_ rows: [Row], tables: [MappedTable], excluding excluded: Set<Int>, source: ImportSource, among candidates: Set<Int>) -> Set<Int> {
        let chosen = options.onDuplicate
        options.onDuplicate = .update
        defer { options.onDuplicate = chosen }
        let probe = buildChangeSet(rows, tables: tables, excluding: excluded, source: source)
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
            throw InterchangeError(.mapping, "nothing was imported: \(n) problem(s)" + (rows > 0 ? " in \(rows) row(s) of the file" : " in the file's tables"), zh: "未导入任何数据：文件中有 \(n) 处问题" + (rows > 0 ? "（涉及 \(rows) 行）" : "（涉及表头或整张表）"),
                                   hint: "fix the file as listed above and import it again (--rejects FILE writes those rows with the reasons), or import only the rows without problems with --only-valid",
                                   hintZH: "请按上面的问题清单修改文件后重新导入（可加 --rejects 文件名，把这些行连同原因单独导出）；如只想先导入没有问题的行，请加 --only-valid")
        }
        return try archive.commit(plan)
    }

    // MARK: - Tables and columns

    struct MappedColumn {
        let index: Int
        let header: String
        let target: ColumnTarget
        /// An amount column's unit, from its header (预算（万元）) or a units row under it
        /// (（万元）): written after each plain number of the column (120 → 120万元).
        var unit: String? = nil
    }

    struct MappedTable {
        let table: Table
        let kind: ImportKind
        let headerLine: Int
        /// Rows after the header.
        let dataRows: ArraySlice<TableRow>
        let columns: [MappedColumn]
        var problems: [ImportProblem] = []
        /// Each column's header texts as the file wrote them (both rows of a two-row header), by
        /// column as in `columns`: a data row that repeats them is no record.
        var headerTexts: [Set<String>] = []
        /// The lines of the rows right under the header that say how to fill it in (必填,
        /// （万元）): not records.
        var noteLines: Set<Int> = []

        func column(_ key: String) -> MappedColumn? {
            columns.first { if case .field(let k) = $0.target { return k == key } else { return false } }
        }
        func column(ofTarget target: ColumnTarget) -> MappedColumn? { columns.first { $0.target == target } }
    }

    /// A note for each moment column (跟进时间, 受理时间…) with cells formatted to show a date
    /// alone that hold a time too (`CivilDateTime.timeHidden`): the time is imported, and a
    /// refusal that quotes it (晚于现在, 早于受理时间) quoted a time the sheet does not show
    /// (helper-125).
    static func hiddenTimes(_ tables: [MappedTable]) -> [ImportProblem] {
        var out: [ImportProblem] = []
        for mapped in tables {
            for column in mapped.columns {
                guard case .field(let key) = column.target, Schema.field(mapped.kind.entity, key: key)?.type == .instant else { continue }
                var count = 0
                var first: (line: Int, date: CivilDateTime)?
                for row in mapped.dataRows where column.index < row.cells.count {
                    guard case .date(let c) = row.cells[column.index], c.timeHidden else { continue }
                    count += 1
                    if first == nil { first = (row.line, c) }
                }
                guard let first else { continue }
                let full = CellReading.dateText(first.date), shown = String(full.prefix(10))
                out.append(ImportProblem(
                    table: mapped.table.name, line: first.line, column: column.header, value: full,
                    reason: "\(count) cell(s) of this column are formatted to show a date alone but hold a time too (this one shows \(shown) and holds \(full)); the time they hold is imported. To see it, format the column as a date and time in Excel",
                    reasonZH: "该列有 \(count) 个单元格的格式只显示日期，但其中还含有时间（如本格显示为 \(shown)，实际为 \(full)）。导入时按实际时间记录；如需查看，可在 Excel 中把该列的单元格格式改为“日期时间”"))
            }
        }
        return out
    }

    /// Finds each table's kind and header row and maps its columns.
    func mapTables(_ source: ImportSource, into preview: inout ImportPreview) -> [MappedTable] {
        var out: [MappedTable] = []
        var headers: [(kind: ImportKind, normalised: Set<String>)] = []
        var otherHeaders = Set<String>()  // cells that may be headers of tables not imported
        // SalesVault's own JSON names its fields itself: a mapping is not used (its keys would
        // map beside the fields they are).
        let mapping = source.format == .json ? ColumnMapping() : options.mapping
        if source.format == .json && options.mapping.given {
            preview.warnings.append(ImportProblem(
                table: "--mapping", line: 0,
                reason: "a mapping file is not used for a SalesVault JSON export, whose fields have their own names; it was ignored",
                reasonZH: "SalesVault 导出的 JSON 文件字段名固定，无需对照表，已忽略 --mapping。"))
        }
        var leftOut: [(sheet: String, kind: ImportKind?)] = []  // by --kind
        let dataSheets = source.dataSheetCount
        for table in source.tables {
            if table.name == ImportSource.aboutSheet.zh || table.name == ImportSource.aboutSheet.en { continue }
            guard table.rows.contains(where: \.hasContent) else { continue }
            // A hidden sheet (an old copy, the lists behind a drop-down) is not what the user sees
            // as the data: imported without a word, or refused as having no known columns, it
            // surprised (black-box finding).
            if table.hidden {
                preview.warnings.append(ImportProblem(
                    table: table.name, line: 0,
                    reason: "the sheet \(table.name) is hidden in the workbook and was not imported; to import it, unhide it in Excel and import again",
                    reasonZH: "工作表“\(table.name)”在工作簿中处于隐藏状态，未导入；如需导入，请在 Excel 中取消隐藏后重新导入"))
                continue
            }
            // --kind on a workbook of several sheets: the sheets that can be read as that kind,
            // unless their headers say another kind more clearly (a sheet named 客户 holding log
            // columns is the log's: helper-103); the others are left out, and said (they were read
            // as the kind given, and every row refused: helper-101). Customers and contacts share
            // their columns (a customer list with contact persons): between them the kind given
            // stands.
            if let only = options.kind, dataSheets > 1 {
                let given = header(of: table, named: only, mapping: mapping, missingOne: true)
                let plain = header(of: table, named: nil, mapping: mapping)
                let clearer = plain.map { p in p.kind != only && p.score > (given?.score ?? 0) && Set([p.kind, only]) != [.customers, .contacts] } ?? false
                // (Between customers and contacts a sheet named as the other is the other's: a
                // 联系人 sheet of 客户名称, 联系人, 手机 read as customers was every row a
                // duplicate of the 客户 sheet: helper-105. So is a sheet named as the kind its
                // headers have but for one column: a 投诉 sheet without 被投诉人/部门 was read as
                // customers by its 客户: helper-119.)
                // (Read as that kind, in full or but for one column, at least as well as as the
                // kind given: a sheet named 客户 of log columns stays in --kind log: helper-103.)
                let sheetKind = ImportKind(name: table.name)
                let namedOther = sheetKind.map { $0 != only && Set([$0, only]) == [.customers, .contacts] } ?? false
                    || sheetKind.map { k in k != only && (self.header(of: table, named: k, mapping: mapping, missingOne: true)?.score ?? 0) >= max(given?.score ?? 0, 1) } ?? false
                if given == nil || clearer || namedOther {
                    leftOut.append((table.name, namedOther ? ImportKind(name: table.name) : plain?.kind ?? ImportKind(name: table.name)))
                    continue
                }
            }
            let named = options.kind ?? ImportKind(name: table.name)
            var best = header(of: table, named: named, mapping: mapping, missingOne: true)
            // --kind on one table whose headers say another kind more clearly (log columns read
            // as customers made every entry a customer: helper-103): read as told, and said.
            if let only = options.kind, dataSheets == 1, let plain = header(of: table, named: nil, mapping: mapping),
               plain.kind != only, plain.score > (best?.score ?? 0), Set([plain.kind, only]) != [.customers, .contacts] {
                preview.warnings.append(ImportProblem(
                    table: table.name, line: table.rows[best?.row ?? plain.row].line,
                    reason: "read as \(only.sheetName(zh: false).lowercased()) as --kind \(only.rawValue) says, but its headers look like \(plain.kind.sheetName(zh: false).lowercased()); if that is what it holds, import it again with --kind \(plain.kind.rawValue) or without --kind",
                    reasonZH: "已按 --kind \(only.rawValue) 作为\(only.sheetName(zh: true))读取，但表头看起来是\(plain.kind.sheetName(zh: true))；如果确实如此，请改用 --kind \(plain.kind.rawValue) 或去掉 --kind 后重新导入"))
            }
            let headerIndex = best?.row ?? table.rows.firstIndex(where: \.hasContent)!
            // 客户名称, 联系人, 手机 reads as contacts and as a customer list with its contact
            // persons. A file of one table whose customers the archive has none of is the list
            // (every row was refused as naming no customer, black-box finding); said, with --kind.
            // (Only without a mapping; when every column is the customer's name or a contact
            // person's (联系人, 手机, 职务, 微信: a 电话 or 邮箱 would go to the company instead of
            // the person), with 联系人 among them; and when no customer is named twice, as a
            // contact list of several people a customer does.)
            if named == nil, mapping.isEmpty, best?.kind == .contacts,
               source.tables.filter({ !$0.hidden && $0.rows.contains(where: \.hasContent) }).count == 1,
               // (With a header of two rows the two readings may find its upper and its lower row.)
               let list = header(of: table, named: .customers, mapping: mapping), abs(list.row - headerIndex) <= 1,
               let reading = customerListReading(table, list.row, mapping: mapping),
               reading == .grouped || (list.row == headerIndex && namesNoArchiveCustomer(table, headerRow: headerIndex, mapping: mapping))
                   || (list.row == headerIndex && hasCustomerWithoutPerson(table, headerRow: headerIndex, mapping: mapping)) {
                let withoutPerson = reading != .grouped && hasCustomerWithoutPerson(table, headerRow: headerIndex, mapping: mapping)
                best = list
                if withoutPerson {
                    // (A customer list imported again, its customers now in the archive, was read
                    // as contacts, and its rows without a person refused: black-box finding.)
                    preview.warnings.append(ImportProblem(
                        table: table.name, line: table.rows[headerIndex].line,
                        reason: "\(table.name) could hold contacts or customers; some rows name a customer but no contact person, so it is read as a customer list with each customer's contact person. If it holds contacts, fill in every person's name, or use --kind contacts",
                        reasonZH: "“\(table.name)”既可以按联系人导入，也可以按客户名单导入。由于部分行只填了客户名称、没有填联系人，系统将按客户名单导入（每行是一家客户及其联系人）。如果这其实是联系人数据，请补全联系人姓名，或在导入命令末尾加上 --kind contacts（表示按联系人导入）后重新导入"))
                } else if reading == .grouped {
                    // (The header groups the person's columns under 联系人: the others are the
                    // company's, whether or not the archive has the customers.)
                    preview.warnings.append(ImportProblem(
                        table: table.name, line: table.rows[headerIndex].line,
                        reason: "\(table.name) groups the contact person's columns under one header beside the company's, so it is read as a customer list with each customer's contact person. If it holds contacts, use --kind contacts",
                        reasonZH: "“\(table.name)”中，联系人相关的列在表头里单独成组，其余列是客户本身的信息，因此按客户名单导入（每行为一家客户及其联系人）。如果这是联系人数据，请加 --kind contacts 重新导入"))
                } else {
                    preview.warnings.append(ImportProblem(
                        table: table.name, line: table.rows[headerIndex].line,
                        reason: "\(table.name) could hold contacts or customers; the archive has none of its customers, so it is read as a customer list with each customer's contact person. If it holds contacts, import their customers first, or use --kind contacts",
                        reasonZH: "“\(table.name)”既可视为联系人数据，也可视为客户名单；表中的客户在档案里都找不到，因此按客户名单导入（每行为一家客户及其联系人）。如果这是联系人数据，请先导入对应客户，或加 --kind contacts 重新导入"))
                }
            }
            // A mapping line for every kind can make a table read as another kind (`传真 = name`
            // beside 客户名称: a customer list read as contacts, every row then refused): said.
            if named == nil, !mapping.isEmpty, let kind = best?.kind,
               let plain = header(of: table, named: nil, mapping: ColumnMapping())?.kind, plain != kind {
                preview.warnings.append(ImportProblem(
                    table: table.name, line: table.rows[headerIndex].line,
                    reason: "with the mapping file, \(table.name) reads as \(kind.sheetName(zh: false).lowercased()) (without it, as \(plain.sheetName(zh: false).lowercased())). "
                        + "If it holds \(plain.sheetName(zh: false).lowercased()), import it again with --kind \(plain.rawValue), and check the mapping file",
                    reasonZH: "按对照表，“\(table.name)”被识别为“\(kind.sheetName(zh: true))”数据（不用对照表时为“\(plain.sheetName(zh: true))”数据）。"
                        + "如果该表是\(plain.sheetName(zh: true))数据，请加上 --kind \(plain.rawValue) 后重新导入，并核对对照表。"))
            }
            guard let kind = best?.kind ?? named else {
                for row in table.rows.prefix(21) {
                    for cell in row.cells { otherHeaders.insert(Columns.normalise(Self.plain(cell).trimmedWhitespace)) }
                }
                preview.warnings.append(ImportProblem(
                    table: table.name, line: table.rows[headerIndex].line,
                    reason: "\(table.name) was not imported: the columns a kind of record needs are missing (such as 客户名称), so it is not clear what it holds",
                    reasonZH: "“\(table.name)”未导入：找不到必需的列（如“客户名称”），无法判断是哪类数据"))
                continue
            }
            var header = table.rows[headerIndex]
            var dataStart = headerIndex + 1
            // A header of two rows: the row found and the one below it, or the one above it and
            // the row found (a workbook whose merged header cells fill the lower row).
            var combined: (header: TableRow, lowerIndex: Int)?
            var upperIndex = headerIndex
            if headerIndex > 0, let above = twoRowHeader(table, headerIndex - 1, kind: kind, mapping: mapping), above.lowerIndex == headerIndex {
                combined = above
                upperIndex = headerIndex - 1
            } else {
                combined = twoRowHeader(table, headerIndex, kind: kind, mapping: mapping)
            }
            if let combined { header = combined.header; dataStart = combined.lowerIndex + 1 }
            headers.append((kind, Set(header.cells.map { Columns.normalise(Self.plain($0).trimmedWhitespace) })))
            var columns: [MappedColumn] = []
            var problems: [ImportProblem] = []
            var seen: [ColumnTarget: (text: String, column: Int)] = [:]
            for (c, cell) in header.cells.enumerated() {
                let text = Self.plain(cell).trimmedWhitespace
                guard !text.isEmpty else {
                    if table.rows[dataStart...].contains(where: { c < $0.cells.count && $0.cells[c].hasContent }) {
                        preview.unused.append(.init(table: table.name, header: "(\(Self.columnLetter(c)))", computed: false, headerless: true))
                    }
                    continue
                }
                // A header with a NUL (damaged or binary text): the table refused, naming the column
                // (its column was left out as a header no field has: helper-114).
                if text.utf8.contains(0) {
                    problems.append(ImportProblem(
                        table: table.name, line: header.line, column: Self.columnLetter(c),
                        reason: "the header of column \(Self.columnLetter(c)) \(CellReading.nulCharacter.reason)",
                        reasonZH: "\(Self.columnLetter(c)) 列的表头\(CellReading.nulCharacter.reasonZH)"))
                    continue
                }
                guard let target = Columns.target(text, kind: kind, mapping: mapping) else {
                    preview.unused.append(.init(table: table.name, header: text, computed: false))
                    continue
                }
                switch target {
                case .computed: preview.unused.append(.init(table: table.name, header: text, computed: true)); continue
                case .complaintStatus: preview.unused.append(.init(table: table.name, header: text, computed: true, statusOnly: true))  // (and read)
                case .skipped: continue
                default: break
                }
                if let other = seen[target] {
                    let a = "\(Self.columnLetter(other.column))", b = "\(Self.columnLetter(c))"
                    problems.append(ImportProblem(
                        table: table.name, line: header.line, column: text,
                        reason: "columns \(a) (\(other.text)) and \(b) (\(text)) both mean the same field; keep one, or map one elsewhere with --mapping",
                        reasonZH: "\(a) 列“\(other.text)”和 \(b) 列“\(text)”对应同一个字段，请删除其中一列，或用 --mapping 另行指定"))
                    continue
                }
                seen[target] = (text, c)
                columns.append(MappedColumn(index: c, header: text, target: target))
            }
            // A contact person's mobile, title or WeChat in a customer list without the person's
            // name column has no contact to go to: listed as not imported, and why (they were
            // dropped without a word).
            if kind == .customers, !columns.contains(where: { $0.target == .inlineContact("name") }) {
                let orphans = columns.filter { if case .inlineContact = $0.target { true } else { false } }
                if !orphans.isEmpty {
                    columns.removeAll { if case .inlineContact = $0.target { true } else { false } }
                    for o in orphans { preview.unused.append(.init(table: table.name, header: o.header, computed: false)) }
                    let names = orphans.map(\.header)
                    preview.warnings.append(ImportProblem(
                        table: table.name, line: header.line,
                        reason: "the contact person's columns \(names.joined(separator: ", ")) were not imported: the table has no column with the person's name (联系人); to import them, add a 联系人 column with the names",
                        reasonZH: "\(names.map { "“\($0)”" }.joined())列属于联系人信息，但表中没有“联系人”（姓名）列，因此\(names.count > 1 ? "这些列" : "该列")未导入。如需导入，请在表中增加“联系人”列并填写姓名"))
                }
            }
            // The rows right under the header that say how to fill it in, not records: 必填/选填
            // and units (（万元）), in any mix, at most three (elsewhere such a row is read as a
            // record: a contact named 万 further down was skipped).
            var noteLines = Set<Int>()
            var unitsRows: [TableRow] = []
            for row in table.rows[dataStart...] where row.hasContent {
                guard noteLines.count < 3, Self.isHeaderNoteRow(row, columns) else { break }
                noteLines.insert(row.line)
                if row.cells.contains(where: { if case .text(let t) = $0 { Self.isUnitText(t) } else { false } }) { unitsRows.append(row) }
            }
            // The unit of an amount column: 预算（万元） or a units row under the header gives
            // 万元, and 120 in it is 1,200,000 元 (it was read as 120 元).
            for k in columns.indices {
                guard case .field(let key) = columns[k].target, let spec = Schema.field(kind.entity, key: key), spec.type == .money else { continue }
                let column = columns[k].index, headerText = columns[k].header
                let fromHeader = Self.headerUnit(headerText)
                var fromRow: (unit: String, line: Int)?
                for row in unitsRows where column < row.cells.count {
                    // (必填 under 预算（万元） is an instruction, not a unit that disagrees.)
                    if case .text(let t) = row.cells[column], Self.isUnitText(t), let u = Self.unitText(t) { fromRow = (u, row.line); break }
                }
                if let h = fromHeader, let r = fromRow, Money.parse("1" + h) != Money.parse("1" + r.unit) {
                    // (Which one is meant decides a factor of 10,000: asked, not guessed.)
                    problems.append(ImportProblem(
                        table: table.name, line: r.line, column: headerText, value: r.unit,
                        reason: "the header says \(h), the units row under it \(r.unit): write one unit for the column and import again",
                        reasonZH: "表头写的是“\(h)”，表头下方的单位行写的是“\(r.unit)”，两者不一致，请统一单位后重新导入"))
                    continue
                }
                guard let unit = fromHeader ?? fromRow?.unit else { continue }
                let source = fromHeader != nil ? (en: "its header", zh: "表头") : (en: "the units row on line \(fromRow!.line)", zh: "第 \(fromRow!.line) 行")
                guard Self.isAmountUnit(unit) else {
                    // 预算（个）: no amount's unit; the numbers are read as yuan, and said so.
                    if Self.unitWords.contains(unit.lowercased()) {
                        preview.warnings.append(ImportProblem(
                            table: table.name, line: header.line, column: headerText,
                            reason: "\(unit) (\(source.en)) is no unit of an amount; the column's numbers are read as yuan",
                            reasonZH: "\(source.zh)中的单位“\(unit)”不是金额单位，该列数字已按“元”处理，请核对"))
                    }
                    continue
                }
                columns[k].unit = unit
                guard let one = Money.parse("1" + unit), one != Money(minorUnits: 100, currency: Money.defaultCurrency) else { continue }
                // The example is the column's first plain number, so that the user checks it
                // against the sheet (120 when there is none).
                // (A cell whose format shows its own unit is not the column's: not an example.)
                let first = table.rows[dataStart...].prefix(1_000).lazy.compactMap { row -> (line: Int, text: String, input: String)? in
                    guard column < row.cells.count, !noteLines.contains(row.line),
                          table.amountUnits[CellPosition(line: row.line, column: column)] == nil,
                          let input = Self.amountInput(row.cells[column], unit: unit, shown: nil),
                          let m = Money.parse(input), m.minorUnits > 0 else { return nil }  // (0 made a poor example: 0 即 0万元)
                    let cell = row.cells[column]
                    return (row.line, { if case .number(let d) = cell { CellReading.number(d) } else { Self.plain(cell).trimmedWhitespace } }(), input)
                }.first
                let number = first?.text ?? "120"
                guard let m = Money.parse(first?.input ?? Self.withUnit(number, unit)) else { continue }
                let scaled = one.minorUnits != 100  // (万元, 万美元; USD alone only names the currency)
                let valueEN = m.description, valueZH = m.currency == "CNY" ? m.grouped + " 元" : m.description
                let cell = first.map { (en: "\(number) on line \($0.line)", zh: "如第 \($0.line) 行的 \(number)") } ?? (en: "120", zh: "如 120")
                // A cell with its own currency or unit keeps it (¥5 under 万元 is 5 元): said, with
                // the first such cell, where the header's unit scales (it was taken without a word).
                var own: (en: String, zh: String) = ("", "")
                if scaled, let mine = table.rows[dataStart...].prefix(10_000).lazy.compactMap({ row -> (line: Int, text: String, money: Money)? in
                    guard column < row.cells.count, !noteLines.contains(row.line), case .text(let raw) = row.cells[column] else { return nil }
                    let t = raw.trimmedWhitespace
                    guard !t.isEmpty, Self.withUnit(t, unit) == t, let m = Money.parse(t), m.minorUnits > 0 else { return nil }
                    return (row.line, t, m)
                }).first {
                    let shownZH = mine.money.currency == "CNY" ? mine.money.grouped + " 元" : mine.money.description
                    own = ("; a cell with its own unit or currency keeps it: \(mine.text) on line \(mine.line) is \(mine.money.description)",
                           "。单元格中自带单位或币种的，按其自身单位读取，如第 \(mine.line) 行的“\(mine.text)”即 \(shownZH)，请核对")
                }
                preview.warnings.append(ImportProblem(
                    table: table.name, line: header.line, column: headerText,
                    reason: "the column's amounts are read in \(unit), as \(source.en) says (\(cell.en) is \(scaled ? "\(number)\(unit), " : "")\(valueEN))" + own.en,
                    reasonZH: "本列金额按\(source.zh)所注单位“\(unit)”读取（\(cell.zh) 即 " + (scaled ? "\(number)\(unit)，合 \(valueZH)）" : "\(valueZH)）") + own.zh))
            }
            // Formulas whose result the file does not hold are empty cells here: said, with where.
            let mappedIndexes = Set(columns.map(\.index))
            let uncomputed = table.uncomputedFormulas.filter { $0.line > header.line && mappedIndexes.contains($0.column) && !noteLines.contains($0.line) }
            if !uncomputed.isEmpty {
                // The cells by their names (C2、D3): lines and columns listed apart read as every
                // column of every line (helper-96).
                let cells = uncomputed.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
                let named = cells.prefix(10).map { CellReference.name(column: $0.column + 1, row: $0.line) }
                let more = cells.count > 10 ? (en: " and \(cells.count - 10) more", zh: " 等共 \(cells.count) 个") : (en: "", zh: " ")
                preview.warnings.append(ImportProblem(
                    table: table.name, line: 0,  // (the cells are in the text, as hidden rows' lines are)
                    reason: "cells \(named.joined(separator: ", "))\(more.en) are formulas whose results the file does not hold (a program wrote it, and no spreadsheet saved it); they are read as empty. Open the file in Excel or WPS, save it, and import it again",
                    reasonZH: "单元格 \(named.joined(separator: "、"))\(more.zh)是公式，但文件中没有保存计算结果（文件可能是从其他系统导出的，未经 Excel 或 WPS 保存），这些单元格将按空白处理。请用 Excel 或 WPS 打开该文件并保存后再导入"))
            }
            // Columns the sheet hides are imported like the others (a user who hid 内部备注 may
            // not expect it in the archive): named, with what to do.
            let hiddenColumns = Set(table.hiddenColumns)
            let hiddenMapped = hiddenColumns.isEmpty ? [] : columns.filter { column in
                hiddenColumns.contains(column.index)
                    && table.rows[dataStart...].contains { column.index < $0.cells.count && $0.cells[column.index].hasContent }
            }
            // (A column the table cannot be without, 客户名称 hidden as column A, is said to be
            // imported, not to be deleted: that would refuse the whole table.)
            let required = Set(Self.requiredColumns[kind] ?? [])
            let isRequired = { (c: MappedColumn) in if case .field(let key) = c.target { return required.contains(key) } else { return false } }
            for (columns, optional) in [(hiddenMapped.filter { !isRequired($0) }, true), (hiddenMapped.filter(isRequired), false)] where !columns.isEmpty {
                let en = columns.map { "\(Self.columnLetter($0.index)) (\($0.header))" }.joined(separator: ", ")
                let zh = columns.map { "\(Self.columnLetter($0.index)) 列“\($0.header)”" }.joined(separator: "、")
                let many = columns.count > 1
                preview.warnings.append(ImportProblem(
                    table: table.name, line: header.line,
                    reason: "column\(many ? "s" : "") \(en) \(many ? "are" : "is") hidden in the sheet and imported like the others"
                        + (optional ? "; if \(many ? "they" : "it") should not be, leave \(many ? "them" : "it") out with a --mapping line `\(columns[0].header) = -`, or delete \(many ? "them" : "it") from the sheet" : ""),
                    reasonZH: "\(zh)在表格中是隐藏列，其内容也会一并导入"
                        + (optional ? "；如不需要导入，可在 --mapping 对照表中写一行“\(columns[0].header) = -”，或先在表格中删除\(many ? "这些列" : "该列")" : "")))
            }
            // Cells to the right of the header's last cell: columns without a header, listed
            // as such (not read, and not dropped without a word).
            var beyond = Set<Int>()
            for row in table.rows[dataStart...] where row.cells.count > header.cells.count {
                for c in header.cells.count..<row.cells.count where row.cells[c].hasContent { beyond.insert(c) }
            }
            for c in beyond.sorted() {
                preview.unused.append(.init(table: table.name, header: "(\(Self.columnLetter(c)))", computed: false, headerless: true))
            }
            var mapped = MappedTable(table: table, kind: kind, headerLine: header.line, dataRows: table.rows[dataStart...], columns: columns,
                                     problems: problems)
            mapped.noteLines = noteLines
            let headerRows = [table.rows[upperIndex]] + (combined.map { [table.rows[$0.lowerIndex]] } ?? [])
            mapped.headerTexts = columns.map { column in
                Set(headerRows.compactMap { row in
                    guard column.index < row.cells.count else { return nil }
                    let text = Self.plain(row.cells[column.index]).trimmedWhitespace
                    return text.isEmpty ? nil : text
                })
            }
            for key in Self.requiredColumns[kind]! where mapped.column(key) == nil {
                let spec = Schema.field(kind.entity, key: key)!
                mapped.problems.append(ImportProblem(
                    table: table.name, line: header.line,
                    reason: "the required column \(spec.en) (\(spec.zh)) is missing",
                    reasonZH: "缺少必填列“\(spec.zh)”"))
            }
            // Rows with something in them (`TableRow.hasContent`: a row of empty cells, `,,,`, or of white
            // space or invisible characters alone, ` , `, is no row: it is not read).
            // (Counted on both cores for a large table: the first touch of each row's cells.)
            let dataRows = mapped.dataRows
            let contentRows = dataRows.count < 20_000 ? dataRows.count(where: \.hasContent)
                : Parallel.chunks(dataRows.count, chunk: (dataRows.count + 1) / 2) { r in
                    [dataRows[(dataRows.startIndex + r.lowerBound)..<(dataRows.startIndex + r.upperBound)].count(where: \.hasContent)]
                }.reduce(0, +)
            var summary = ImportPreview.TableSummary(name: table.name, kind: kind, headerLine: header.line, rows: contentRows)
            if let combined {
                summary.subHeaderLine = table.rows[combined.lowerIndex].line
                summary.combinedHeader = header
            }
            // (The first row that is read as a record: not a totals row, a note or the header again.)
            if let first = mapped.dataRows.first(where: { Self.isRecordRow($0, mapped) }) {
                // (A secret field's value is not shown, as listings hide it without --include-secret:
                // a contact's 个人背景 was printed here: helper-118.)
                summary.sample = columns.prefix(4).compactMap { c in
                    let value = c.index < first.cells.count ? Self.plain(first.cells[c.index]) : ""
                    if case .field(let key) = c.target, Schema.field(kind.entity, key: key)?.sensitivity == .secret, !value.isEmpty {
                        return (c.header, nil)
                    }
                    return value.isEmpty ? nil : (c.header, value.count > 30 ? String(value.prefix(29)) + "…" : value)
                }
            }
            preview.tables.append(summary)
            out.append(mapped)
        }
        if let only = options.kind, !leftOut.isEmpty {
            // (Its kind beside a sheet's name, unless the name is the kind's: “联系人”, not “联系人”（联系人）.)
            let named = leftOut.map { l in (l.sheet, l.kind.flatMap { ImportKind(name: l.sheet) == $0 ? nil : $0 }) }
            let en = named.map { "\($0.0)" + ($0.1.map { " (\($0.sheetName(zh: false).lowercased()))" } ?? "") }
            let zh = named.map { "“\($0.0)”" + ($0.1.map { "（\($0.sheetName(zh: true))）" } ?? "") }
            preview.warnings.append(ImportProblem(
                table: "--kind \(only.rawValue)", line: 0,
                reason: "only the sheets of \(only.sheetName(zh: false).lowercased()) are imported; left out: \(en.joined(separator: ", ")). To import the whole workbook, leave --kind out",
                reasonZH: "只导入\(only.sheetName(zh: true))，以下工作表已略过：\(zh.joined(separator: "、"))。如需导入整个工作簿，请去掉 --kind"))
        }
        // A mapping line naming a header no imported table has (a typo, or another file's
        // header) is said, not ignored.
        let unused = mapping.unused(imported: headers, others: otherHeaders)
        for u in unused.prefix(Self.mappingWarningsShown) {
            let check = (en: " (check that the header is written exactly as in the file)", zh: "请核对写法是否与导入文件表头一致。")
            var en: String
            var zh: String
            // (A header as written, cut: a line of 900,000 characters was echoed whole.)
            let written = u.header.count > 60 ? String(u.header.prefix(60)) + "…" : u.header
            if let kind = u.kind, let field = u.field {
                let spec = ImportKind.allCases.lazy.compactMap { Schema.field($0.entity, key: field) }.first
                let shown = spec.map { "\($0.zh)（\($0.key)）" } ?? field
                en = "line \(u.line) of the mapping file maps the column \(written) to \(spec?.key ?? field), which \(kind.sheetName(zh: false).lowercased()) do not have; that line was ignored"
                zh = "对照表第 \(u.line) 行把列名“\(written)”对应到“\(shown)”，但“\(kind.sheetName(zh: true))”数据没有这个字段，该行已忽略。"
            } else if let kind = u.kind, u.kindMissing {
                en = "line \(u.line) of the mapping file is for \(kind.sheetName(zh: false).lowercased()) only, and the file has none; that line was ignored"
                zh = "对照表第 \(u.line) 行只用于“\(kind.sheetName(zh: true))”数据，而导入文件中没有这类数据，该行已忽略。"
            } else if let kind = u.kind {
                en = "line \(u.line) of the mapping file names the column \(written), which the file's \(kind.sheetName(zh: false).lowercased()) do not have; that line was ignored" + check.en
                zh = "对照表第 \(u.line) 行的列名“\(written)”在导入文件的“\(kind.sheetName(zh: true))”表头中找不到，该行已忽略。" + check.zh
            } else {
                en = "line \(u.line) of the mapping file names the column \(written), which the file does not have; that line was ignored" + check.en
                zh = "对照表第 \(u.line) 行的列名“\(written)”在导入文件的表头中找不到，该行已忽略。" + check.zh
                if u.header.contains(where: { $0 == ":" || $0 == "：" }) {
                    en += "; to give a kind of record before the colon, write customers, contacts, projects, log or complaints (or 客户, 联系人, 项目, 跟进记录, 投诉)"
                    zh += "如果冒号前是要指定数据类型，请写“客户”“联系人”“项目”“跟进记录”或“投诉”。"
                }
            }
            preview.warnings.append(ImportProblem(table: "--mapping", line: 0, reason: en, reasonZH: zh))
        }
        if unused.count > Self.mappingWarningsShown {
            let more = unused.count - Self.mappingWarningsShown
            preview.warnings.append(ImportProblem(table: "--mapping", line: 0,
                                                  reason: "\(more) more line(s) of the mapping file did nothing and were ignored (check that it is the mapping meant for this file)",
                                                  reasonZH: "对照表另有 \(more) 行同样未起作用，已忽略；请确认对照表与导入文件是否对应。"))
        }
        return out.sorted { ImportKind.order.firstIndex(of: $0.kind)! < ImportKind.order.firstIndex(of: $1.kind)! }
    }

    /// Columns a table of a kind cannot do without.
    static let requiredColumns: [ImportKind: [String]] = [
        .customers: ["name"], .contacts: ["customer", "name"], .projects: ["customer", "name"],
        .log: ["customer", "at", "summary"], .complaints: ["customer", "receivedAt", "subject", "description"],
    ]

    /// The header of `table`: among the first ten non-empty rows (up to 21 while none maps), the
    /// one whose cells map best to a kind (`named`, or any), with its kind (a title row above the
    /// header is common); nil when no row has the columns a kind needs.
    /// With `missingOne`, a table without one of a kind's required columns may still be read
    /// as that kind (below): where the kind is found, and for `--kind` in a workbook, not where
    /// the kinds a sheet's headers fully have are compared.
    private func header(of table: Table, named: ImportKind?, mapping: ColumnMapping, missingOne: Bool = false) -> (row: Int, kind: ImportKind, score: Int)? {
        var best: (row: Int, kind: ImportKind, score: Int)?
        var partial: (row: Int, kind: ImportKind, score: Int)?
        for (i, row) in table.rows.enumerated().prefix(while: { $0.offset < 10 || best == nil }) where row.hasContent {
            let kinds = named.map { [$0] } ?? ImportKind.order
            let texts = row.cells.map { cell -> Columns.HeaderText? in if case .text(let t) = cell { Columns.HeaderText(t) } else { nil } }
            for kind in kinds {
                let score = headerScore(texts, kind: kind, mapping: mapping)
                if score > (best?.score ?? 0) { best = (i, kind, score) }
                // A tie on the same row: the kind more of whose columns no other kind reads (a
                // project list of 客户名称, 联系人, 电话, 项目名称, 销售阶段 was read as contacts,
                // the first kind in order: 项目名称 and 销售阶段 are the projects' alone, 联系人
                // and 电话 a customer list's too: helper-120).
                else if named == nil, let b = best, b.row == i, score == b.score, score > 0,
                        exclusiveColumns(texts, kind, mapping) > exclusiveColumns(texts, b.kind, mapping) { best = (i, kind, score) }
                if missingOne {
                    let some = headerScore(texts, kind: kind, mapping: mapping, requiringAll: false)
                    if some > (partial?.score ?? 0) { partial = (i, kind, some) }
                }
            }
            if i > 20 { break }
        }
        // A table with more of one kind's columns than another kind has, but without one column
        // the first kind needs: read as that kind, so that the missing column is named (a
        // complaint list without 被投诉人/部门 was read as customers by its 客户 and 状态, and
        // every row refused as a duplicate of its customer).
        // (Only when exactly one needed column is missing, and either at least two others it
        // needs are columns the kind found does not read (受理时间 and 投诉内容 beside a
        // contact's 联系人 and 电话), or at least two of its columns are and at most one of
        // the kind found's is not its own (跟进时间 and 跟进方式 without 跟进内容; 项目阶段 and
        // 项目预算 without 项目名称): a customer list with 客户等级, 行业 and 地区 beside a deal's
        // 阶段, 预算 and 金额 stays a customer list, a callback list with 满意度 and 回访时间
        // too (three complaint columns missing), and a mapping's 公司 = name beside 项目进展 =
        // progress: helper-119, helper-120, helper-122.)
        // (A kind named, by --kind or the sheet's name, that no row fully has: the same, when one
        // needed column is missing: `--kind complaints` said the workbook had no complaint sheet.)
        if let p = partial, p.kind != best?.kind, p.score > (best?.score ?? 0), best != nil || named != nil {
            let texts = table.rows[p.row].cells.map { cell -> Columns.HeaderText? in if case .text(let t) = cell { Columns.HeaderText(t) } else { nil } }
            func read(_ kind: ImportKind) -> [Int: ColumnTarget] {
                var out: [Int: ColumnTarget] = [:]
                for (c, text) in texts.enumerated() {
                    guard let text, let target = Columns.target(text, kind: kind, mapping: mapping) else { continue }
                    switch target {
                    case .field, .inlineContact: out[c] = target
                    default: break
                    }
                }
                return out
            }
            let other = best.map { read($0.kind) } ?? [:], all = read(p.kind)
            let needed = Self.requiredColumns[p.kind]!
            let present = Set(all.values.compactMap { if case .field(let key) = $0 { key } else { nil } })
            let own = Set(all.filter { other[$0.key] == nil }.values.compactMap { if case .field(let key) = $0 { key } else { nil } })
            let ownColumns = all.filter { other[$0.key] == nil }.count, otherOwn = other.filter { all[$0.key] == nil }.count
            if needed.filter({ !present.contains($0) }).count == 1, needed.contains(where: present.contains),
               best == nil || needed.filter(own.contains).count >= 2 || (ownColumns >= 2 && otherOwn <= 1) { return p }
        }
        return best
    }

    /// A header of two rows, as a sheet groups columns (联系方式 over 电话 and 邮箱, 联系人 over
    /// 姓名, 手机 and 职务; 客户名称 beside them, merged down over both rows or not): the row at
    /// `upperIndex` and the next row with content (at most one empty line between) read as one
    /// header row, with the lower row's index; nil when the lower row is not such a second row.
    ///
    /// Each upper cell with text spans itself and the empty upper cells right of it; one that
    /// spans several columns is a group. Under a group, each lower cell names its column (a
    /// name word, 姓名, takes the group's own field: 联系人 over 姓名 is the contact person's
    /// name); under a single upper cell, a lower cell must name the same field (the header merged
    /// down) or be empty; under no upper cell it names its column. It is a second row when the
    /// upper row names a field, the lower row has only text, some of it under a group or no
    /// upper cell naming a field, and fewer of its cells name nothing than name a field, at least
    /// two (those are then columns not imported, listed as such). (Read as data, the second row was refused
    /// for its empty customer name, and the columns under the group were not imported.)
    func twoRowHeader(_ table: Table, _ upperIndex: Int, kind: ImportKind, mapping: ColumnMapping) -> (header: TableRow, lowerIndex: Int)? {
        let upper = table.rows[upperIndex]
        guard upper.hasContent,
              let lowerIndex = table.rows.indices.dropFirst(upperIndex + 1).prefix(2).first(where: { table.rows[$0].hasContent })
        else { return nil }
        let lower = table.rows[lowerIndex]
        guard lower.line - upper.line <= 2 else { return nil }
        func target(_ cell: CellValue) -> ColumnTarget? {
            guard case .text(let t) = cell else { return nil }
            return Columns.target(Columns.HeaderText(t), kind: kind, mapping: mapping)
        }
        func up(_ c: Int) -> CellValue { c < upper.cells.count ? upper.cells[c] : .empty }
        // A group's field: its own, or for a group of the contact person (联系人信息, 联系人资料,
        // Contact info) the person's name (its 姓名 was lost, and the person with it).
        func groupTarget(_ o: Int) -> ColumnTarget? {
            if let own = target(up(o)) { return own }
            guard case .text(let t) = up(o) else { return nil }
            let n = Columns.normalise(t.trimmedWhitespace)
            return n.hasPrefix("联系人") || n.hasPrefix("contact") ? target(.text("联系人")) : nil
        }
        // (Not a title row: a cell names a field, or a group of the person or of the company.)
        guard upper.cells.indices.contains(where: { c in
            upper.cells[c].hasContent && (target(upper.cells[c]) != nil || groupTarget(c) != nil || Self.isCompanyGroup(upper.cells[c]))
        }) else { return nil }
        let width = max(upper.cells.count, lower.cells.count)
        // Where each upper cell's span ends (exclusive).
        var owner = [Int?](repeating: nil, count: width)
        var spanEnd: [Int: Int] = [:]
        var current: Int?
        for c in 0..<width {
            if up(c).hasContent {
                if let o = current { spanEnd[o] = c }
                current = c
            }
            owner[c] = current
        }
        if let o = current { spanEnd[o] = width }
        var cells = upper.cells + Array(repeating: CellValue.empty, count: width - upper.cells.count)
        var named = 0, unnamed = 0, adds = false
        for (c, cell) in lower.cells.enumerated() where cell.hasContent {
            guard case .text(let text) = cell else { return nil }
            let below = target(cell)
            guard let o = owner[c] else {
                if below != nil { named += 1; adds = true } else { unnamed += 1 }
                cells[c] = cell
                continue
            }
            // (An upper cell that names no field is a group even over one column: 公司信息 over 电话.)
            let group = spanEnd[o]! - o > 1 || target(up(o)) == nil
            if !group {
                guard let below, below == target(up(o)) else { return nil }  // the header merged down
                named += 1
                continue
            }
            adds = true
            if kind == .contacts, Self.isCompanyGroup(up(o)), Self.nameWords.contains(Columns.normalise(text.trimmedWhitespace)) {
                named += 1
                cells[c] = .text("客户名称")  // 公司信息 over 名称: the contact's customer
            } else if kind == .contacts, Self.isCompanyGroup(up(o)), below != .field("customer"),
                      below != nil || Columns.target(Columns.HeaderText(text), kind: .customers, mapping: mapping) != nil {
                // In a contact list, 公司信息 over 电话 and 地址 is the company's, not the person's
                // (its phone became the contact's): listed as not imported.
                named += 1
                cells[c] = .text(Self.plain(up(o)).trimmedWhitespace + "·" + text.trimmedWhitespace)
            } else if let below {
                named += 1
                cells[c] = cell
                // 联系人 over 电话 and 邮箱 in a customer list: the person's, not the company's
                // (联系人 over 姓名/电话 beside 公司 over 电话 were refused as the same column twice).
                if groupTarget(o) == .inlineContact("name"), let key = Self.contactKey(below),
                   let name = Columns.inlineContact[key]?.first(where: { $0.hasPrefix("联系人") }) {
                    cells[c] = .text(name)
                }
            } else if Self.nameWords.contains(Columns.normalise(text.trimmedWhitespace)), groupTarget(o) != nil {
                named += 1
                // 联系人 over 姓名: the group's field (联系人信息 over 姓名: the person's name too).
                cells[c] = target(up(o)) != nil ? up(o) : .text("联系人")
            } else {
                // (Under the group's own first cell when that names a field, text that names
                // nothing is that field's value: a data row.)
                if c == o && target(up(o)) != nil { return nil }
                unnamed += 1
                cells[c] = cell
            }
        }
        guard adds, named > 0, unnamed == 0 || (named >= 2 && unnamed < named) else { return nil }
        return (TableRow(line: upper.line, cells: cells), lowerIndex)
    }

    /// Whether a group of a two-row header is the company's (公司信息, 单位信息, 客户信息, 企业…).
    static func isCompanyGroup(_ cell: CellValue) -> Bool {
        guard case .text(let t) = cell else { return false }
        let n = Columns.normalise(t.trimmedWhitespace)
        return ["公司", "单位", "客户", "企业", "company", "customer", "organisation", "organization"].contains { n.hasPrefix($0) }
    }

    /// The contact person's field a customer list's column under 联系人 stands for: 电话 (the
    /// customer's phone elsewhere) is the person's phone there.
    static func contactKey(_ target: ColumnTarget) -> String? {
        switch target {
        case .inlineContact(let key) where key != "name": return key
        case .field(let key) where Columns.inlineContact[key] != nil && key != "name": return key
        default: return nil
        }
    }

    /// The words of a name column under a group (联系人 over 姓名), as `Columns.normalise` gives them.
    static let nameWords: Set<String> = Set(["姓名", "名字", "名称", "name", "全名"].map { Columns.normalise($0) })

    /// How the header at `headerIndex` reads as a customer list (nil: it does not): `.plain`
    /// when its columns are the customer's name and a contact person's; `.grouped` when a
    /// header of two rows groups the person's columns under 联系人 (or 联系人信息…) and the
    /// company's fields stand beside them (电话, 地址 merged over both rows).
    enum CustomerListReading { case plain, grouped }

    private func customerListReading(_ table: Table, _ headerIndex: Int, mapping: ColumnMapping) -> CustomerListReading? {
        // (The header found may be the lower row, merged header cells filling it.)
        let combined = twoRowHeader(table, headerIndex, kind: .customers, mapping: mapping)?.header
            ?? (headerIndex > 0 ? twoRowHeader(table, headerIndex - 1, kind: .customers, mapping: mapping).flatMap { $0.lowerIndex == headerIndex ? $0.header : nil } : nil)
        var person = false, personField = false, companyField = false
        for cell in (combined ?? table.rows[headerIndex]).cells {
            guard case .text(let t) = cell, !t.trimmedWhitespace.isEmpty else { continue }
            switch Columns.target(Columns.HeaderText(t), kind: .customers, mapping: mapping) {
            case .field("name")?: continue
            case .inlineContact(let key)?: if key == "name" { person = true } else { personField = true }
            case .field?: if combined == nil { return nil } else { companyField = true }
            default: return nil
            }
        }
        guard person else { return nil }
        return combined != nil && personField && companyField ? .grouped : .plain
    }

    /// Whether the first 20 customers the customer column of `table` names (read as contacts)
    /// are none of them in the archive, and none of the first 200 is named twice.
    /// Whether a table read as contacts has a row that names a customer but no person (in its
    /// first 200 rows), no customer being named twice (as a contact list of several people of one
    /// customer does): then it is a customer list, some of whose customers have no contact person.
    private func hasCustomerWithoutPerson(_ table: Table, headerRow: Int, mapping: ColumnMapping) -> Bool {
        let header = table.rows[headerRow].cells
        func column(_ target: ColumnTarget) -> Int? {
            header.indices.first { c in
                guard case .text(let t) = header[c] else { return false }
                return Columns.target(Columns.HeaderText(t), kind: .contacts, mapping: mapping) == target
            }
        }
        guard let customer = column(.field("customer")), let person = column(.field("name")) else { return false }
        var seen = Set<String>()
        var without = false
        for row in table.rows[(headerRow + 1)...].prefix(200) where customer < row.cells.count {
            let name = Self.plain(row.cells[customer]).trimmedWhitespace
            guard !name.isEmpty else { continue }
            guard seen.insert(CompanyName.key(name)).inserted else { return false }  // several people of one customer
            if person >= row.cells.count || Self.plain(row.cells[person]).trimmedWhitespace.isEmpty { without = true }
        }
        return without
    }

    private func namesNoArchiveCustomer(_ table: Table, headerRow: Int, mapping: ColumnMapping) -> Bool {
        let header = table.rows[headerRow].cells
        guard let column = header.indices.first(where: { c in
            guard case .text(let t) = header[c] else { return false }
            return Columns.target(Columns.HeaderText(t), kind: .contacts, mapping: mapping) == .field("customer")
        }) else { return false }
        var seen = Set<String>()
        for row in table.rows[(headerRow + 1)...].prefix(200) where column < row.cells.count {
            let name = Self.plain(row.cells[column]).trimmedWhitespace
            guard !name.isEmpty else { continue }
            guard seen.insert(CompanyName.key(name)).inserted else { return false }  // several people of one customer
        }
        var sampled = 0
        for row in table.rows[(headerRow + 1)...] where column < row.cells.count {
            let name = Self.plain(row.cells[column]).trimmedWhitespace
            guard !name.isEmpty else { continue }
            do {
                _ = try archive.resolve(.customer, name)
                return false
            } catch let e as ArchiveError where e.code == .notFound {
                sampled += 1
            } catch {
                return false  // (several match: the archive has it)
            }
            if sampled == 20 { break }
        }
        return sampled > 0
    }

    /// How many of a mapping's lines that did nothing are named one by one.
    static let mappingWarningsShown = 20

    /// How many of a header row's cells name a field of `kind` and of no other kind.
    private func exclusiveColumns(_ texts: [Columns.HeaderText?], _ kind: ImportKind, _ mapping: ColumnMapping) -> Int {
        texts.filter { text in
            guard let text else { return false }
            func reads(_ k: ImportKind) -> Bool {
                switch Columns.target(text, kind: k, mapping: mapping) {
                case .field?, .inlineContact?: return true
                default: return false
                }
            }
            return reads(kind) && !ImportKind.order.contains { $0 != kind && reads($0) }
        }.count
    }

    /// How many of a row's cells name a field of `kind` (required fields count double); 0 when a
    /// column the kind needs is missing, unless `requiringAll` is false.
    private func headerScore(_ texts: [Columns.HeaderText?], kind: ImportKind, mapping: ColumnMapping, requiringAll: Bool = true) -> Int {
        var score = 0
        var targets = Set<String>()
        for text in texts {
            guard let text, let target = Columns.target(text, kind: kind, mapping: mapping) else { continue }
            switch target {
            case .field(let key):
                if targets.insert(key).inserted { score += Self.requiredColumns[kind]!.contains(key) ? 2 : 1 }
            case .inlineContact(let key):
                if targets.insert("contact.\(key)").inserted { score += 1 }  // 客户名称, 联系人, 手机: a customer list
            default: break
            }
        }
        let required = Self.requiredColumns[kind]!
        return !requiringAll || required.allSatisfy(targets.contains) ? score : 0
    }

    static func columnLetter(_ index: Int) -> String {
        var n = index + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// A cell as plain text (headers, rejects files, messages).
    static func plain(_ cell: CellValue) -> String {
        switch cell {
        case .empty: return ""
        case .text(let s): return s
        case .number(let d): return CellReading.number(d)
        case .date(let c): return CellReading.dateText(c)
        case .bool(let b): return b ? "TRUE" : "FALSE"
        }
    }
}
