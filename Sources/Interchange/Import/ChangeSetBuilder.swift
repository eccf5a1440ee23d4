import Foundation
import SalesArchive

extension Importer {
    /// Pass 2 over the rows not excluded (`Importer.buildChangeSet`): the change set, its
    /// operations' rows, each row's status, and the problems found here (duplicates, references
    /// that name nothing). One builder makes one `Build`; what the rows so far made, refused or
    /// said is kept in its properties, and each kind of row is planned by its own method
    /// (`ChangeSetBuilder+Customers`, `+Log`, `+Complaints`), with what they share in
    /// `+Matching`, `+References` and `+Renames`.
    final class ChangeSetBuilder {
        let importer: Importer
        let rows: [Row]
        let tables: [MappedTable]
        let excluded: Set<Int>
        let source: ImportSource
        /// Rows that duplicate a record of the archive and would change nothing in it
        /// (`Importer.identicalRows`): with `--on-duplicate refuse` counted unchanged, not refused.
        let identical: Set<Int>
        var archive: CustomerArchive { importer.archive }
        var options: ImportOptions { importer.options }
        var recordIDs: RecordIDs { importer.recordIDs }
        // (The importer's types by their short names, as in its own extensions.)
        typealias Row = Importer.Row
        typealias RowStatus = Importer.RowStatus
        typealias RowKeys = Importer.RowKeys
        typealias LogKey = Importer.LogKey
        typealias FileRecord = Importer.FileRecord

        /// What is built (returned by `build`).
        var b = Build()
        let index: ArchiveIndex
        let keys: [RowKeys?]
        var customers = FileCustomers()
        // The file's customer rows refused already, by company key: a row that names one is told
        // so (it was told the customer is nowhere in the file, black-box finding).
        var refusedCustomers: [TextKey: (table: String, line: Int)] = [:]
        /// Their exact names: a row giving one is that row's, not an archive customer's alike but
        /// for a suffix (华东电力集团's contact, its row refused, went to 华东电力: helper-170).
        var refusedNames = Set<TextKey>()
        /// Contacts and projects of rows refused, by kind and name (`Importer.personKey`): a row
        /// naming one is told which row to correct (it was told the person is nowhere: helper-164).
        var refusedChildren: [String: (table: String, line: Int)] = [:]
        /// The file's record id (记录号) of the first row taken for each archive record under
        /// --on-duplicate update: a row of another id taken for it too is refused (two records
        /// of a CSV, whose ids are its own, were merged into one, the second overwriting it:
        /// helper-164).
        var sourceIDOfArchiveRecord: [String: (id: String, table: String, line: Int)] = [:]
        /// The first row of the file that updates each archive log entry: a later one with other
        /// values is refused (the earlier row's value was kept without a word: helper-164).
        var logUpdateRow: [UInt64: Int] = [:]

        var people: [String: (ref: String, line: Int)] = [:]  // customer ref | person key → ref
        var updatedPeople = Set<String>()  // archive contacts a customer row updates (counted once)
        var mobiles: [String: (ref: String, line: Int)] = [:]
        var projects: [String: (ref: String, line: Int)] = [:]
        var logKeys: [LogKey: Int] = [:]
        /// The rows of one log or complaint key (customer, time and content) that the file gives
        /// distinct record ids or complaint numbers, by that id (`recordOfItsOwn`).
        var rowsOfKeyByID: [LogKey: [String: Int]] = [:]
        /// The archive's log entry or complaint each record id of the file stands for, with its
        /// first row, by key (`archiveTwin`).
        var archiveRecordOfID: [LogKey: [String: (record: UInt64, row: Int)]] = [:]
        /// `fileRows`, once counted.
        var fileNameCounts: [String: Int]?
        /// The row of each complaint new in the file, by its key; the first row of each archive
        /// complaint a row updates.
        var complaintRowOfKey: [LogKey: Int] = [:]
        var complaintUpdateRow: [UInt64: Int] = [:]
        /// The complaint numbers (编号) that rows of the file new to the archive keep.
        var fileComplaintNumbers = Set<String>()
        /// The archive's complaint numbers, read once when a row gives one.
        var archiveComplaintNumbers: ComplaintNumbers?
        /// The archive's withdrawal reasons (`CustomerArchive.withdrawalReasons`), read once when a
        /// row gives one for a complaint the archive has.
        var archiveWithdrawalReasons: [UInt64: String]?
        var sourceIDs: [String: String] = [:]
        /// The customer, contact and project rows of the file by their record id (记录号), when
        /// the ids are the file's own (not this archive's, `ownIDs`): a reference to one whose
        /// row made no record (refused, or left out by --only-valid) is refused naming that row,
        /// never taken for this archive's record of that number (another archive's export
        /// imported with --only-valid attached its refused customer's contacts, projects and
        /// log to this archive's C2: helper-166).
        var fileIDRows: [String: Int] = [:]
        /// Another archive's export (its 说明, or its JSON header, names another archive or
        /// owner), a JSON file (SalesVault's export, its header taken out), or a file whose
        /// 记录号 are written as SalesVault's but not read as this archive's (`notTrusted`): a
        /// reference written as a record id (C2, R4) is the file's, found among its rows or
        /// nowhere, never this archive's record of that number (a row deleted from the file, or
        /// an id written `C 2`, sent its contacts to this archive's C2: helper-167; a JSON file
        /// without its owner sent them there still, below a note saying its ids were not this
        /// archive's: helper-168).
        var foreignIDs = false
        /// The customer rows taken for a record several archive customers could be (a first
        /// number or a credit code they share, a name they write alike), with those customers:
        /// skipped or refused, they stand for none of them, and the rows naming them are refused
        /// (with --on-duplicate skip, the contacts, projects and log of such a row went to the
        /// last of them: helper-168).
        var ambiguousRows: [Int: [String]] = [:]
        var ambiguousCustomers: [TextKey: Int] = [:]
        /// The customer, name and row of each contact and project the file makes (`@n`): a row
        /// naming one by its record id under another customer is refused here, naming both (the
        /// plan said “王敏（R10）不是 上海B公司 的联系人”, an id the import had only planned:
        /// helper-167; a project's name was said “”: helper-168).
        var fileChildren: [String: (customer: String, name: String, table: String, line: Int)] = [:]
        var sourceIDLines: [String: (table: String, line: Int)] = [:]
        /// The file's ids two records give, with where (`registerSourceID`): a reference to one is refused.
        var idsGivenTwice: [String: [(table: String, line: Int)]] = [:]
        /// The archive's customers of each contact's (or project's) name (`namedUnderAnother`), made when asked.
        var archiveOwners: [EntityKind: [String: [UInt64]]] = [:]
        var sourceIDOfRef: [String: String] = [:]  // the file's record id of each record it makes
        /// The values each record created or updated by this file was given (for `update` of a later row).
        var fileFields: [String: FileRecord] = [:]
        /// The stage each project created or moved by this file is at after its rows so far (a
        /// later row compares with that, not with the archive).
        var fileStages: [String: SalesStage] = [:]
        var updateWarnings: [ImportProblem] = []  // apart from `b`, which `add` changes meanwhile
        /// The archive's removed customers by company key (`Identity.removedCustomersByKey`):
        /// a new customer of such a name is said (helper-182 F5).
        lazy var removedCustomers = Identity.removedCustomersByKey(in: archive.state)
        /// The archive's removed contacts by customer and by the person key of their names in
        /// simplified characters (`removedContact`), made on the first row that asks.
        lazy var removedContacts: [UInt64: [String: [Entity]]] = {
            var t: [UInt64: [String: [Entity]]] = [:]
            archive.state.eachIncludingRemoved(.contact) { e in
                guard e.removed, let owner = e["customer"]?.ref else { return }
                t[owner, default: [:]][CompanyName.personKey(CompanyName.Simplified.fold(e["name"]?.text ?? "")), default: []].append(e)
            }
            return t
        }()
        /// The removed contacts each row names (a log entry's people, a project's decision
        /// makers), by the row: kept only where the record the row updates names them already
        /// (`refuseRemovedPeople`).
        var removedNamed: [Int: [Entity]] = [:]
        // A handover: another salesperson's export; the new customers say where they came from.
        let handover: String?
        // Complaint steps given without their time (处理时间, 回访时间), by table: dated at the
        // import, and said (helper-99 M6: a survey of last month was dated today without a word).
        var undatedSteps: [String: (resolved: [Int], surveyed: [Int])] = [:]
        // An export of this very archive (its 档案编号): its 记录号 are this archive's ids, and a
        // row whose text was edited in the sheet is still the record it was exported from.
        let ownIDs: Bool
        /// A file that may be an export of this archive but does not say so (a CSV file has no
        /// 说明 sheet), every row of which that gives its own record id names this archive's
        /// record of that id at the row's customer: its references written as the ids of this
        /// archive's contacts and projects of the row's customer are those (`exportedChild`).
        var idsReadAsHere = false
        /// The first row whose own record id kept `idsReadAsHere` false (not this archive's record
        /// at the row's customer): named when a reference by an id is refused (helper-180).
        var notHere: Int?
        // The file's times written in a time zone this machine does not know (a warning says
        // so): an entry's time is not changed by such a file. (One it knows: read in it.)
        let zoneShifted: Bool
        // An export of this archive's owner whose 记录号 are not taken as this archive's: said,
        // as edited names and texts then come in as new records (nothing said so: helper-100).
        // (A file without 说明 whose ids are written as SalesVault writes them: a CSV export, or
        // a workbook whose 说明 was deleted; nothing was said: helper-101.)
        var notTrusted: RecordIDs.Why?
        /// The archive's records rows the archive has as they are stood for, with the first such
        /// row's line.
        var unchangedRecords: [String: Int] = [:]
        /// Says a row taken for a customer or contact of another name by its phone, mobile or
        /// credit code (skipped, or updating it with `--on-duplicate update`): 天津某某机械有限公司
        /// with 甲公司's phone updated 甲公司 without a word (helper-145). (Not a row found by its
        /// record id, which renames its record, or by a short name.) The first `nearNamesShown`
        /// are said one by one.
        var otherNamesSaid = 0
        var otherNameLines: [String: [Int]] = [:]
        var ownLines: [String: (table: String, line: Int)] = [:]
        /// What happened to the archive after the export (by field), read once, when asked.
        var sinceExport: (batches: [FieldKey: UInt64], atVersion: [FieldKey: FieldValue?])?
        /// The archive's customers and contacts as renames are compared with them, built at the first rename.
        var duplicateFinder: Identity.DuplicateFinder?
        /// Records of this archive that a row of the file renames (an export of this archive
        /// imported back with `--on-duplicate update`), with the new name and the row.
        var renamedInFile: [String: (name: String, row: Int)] = [:]
        /// The names (`R|customer|person key`, `P|…`) two records of the file have: a reference
        /// by the name names neither (it named the first row's: helper-176).
        var sharedNames = Set<String>()
        /// Customers renamed so far, and renames waiting for a customer's (`renameAndClear`).
        var renamesDone = Set<String>(), renamesInterim = Set<String>()
        var renamesWaiting: [String: [(id: String, name: String, row: Int)]] = [:]
        /// The contacts the file marks removed (已移除) that the import adds, with their rows:
        /// removed again at the end of the batch, after the records that name them.
        var addedRemoved: [(ref: String, row: Int)] = []
        /// The removed people a row of the file gave other values than theirs (said once each).
        var noteRemovedUnchanged = Set<UInt64>()
        // Archive customers whose name holds a text no customer is named, named in the refusal
        // (`NearCustomers`).
        let nearCustomers: NearCustomers
        var children: [EntityKind: [UInt64: Children]] = [:]
        // The file's new contacts by customer and the person key of their names in simplified
        // characters (the first of each): a new contact 張三 beside 张三 is said, as `contact add`
        // asks about it (it was added without a word: helper-144). The first `nearNamesShown`
        // are said one by one, the others together (20,000 printed 20,000 notes: helper-145).
        var foldedPeople: [String: (name: String, line: Int, table: String)] = [:]
        var namesakeLines: [String: [Int]] = [:]  // by table, beyond those said
        var namesakesSaid = 0
        // The cell texts of the sheets --kind left out (made on the first row that needs them):
        // a customer found there is said to be in a sheet left out.
        var leftOutTexts: Set<String>?
        var notedNames: Set<String> = []  // (texts said taken as one customer of several)
        // The archive's log entries by what makes them the same (made once, for the first row
        // that updates one).
        var entriesByKey: [LogKey: UInt64]?
        /// The archive's entries of each key that several have (an entry logged twice at one
        /// time), in id order; made with `entriesByKey`.
        var entryTwins: [LogKey: [UInt64]] = [:]
        /// `lostLogKeys()`, once made.
        var lostLogKeysMade: [LogKey: LogKey]?
        var complaintsByKey: [LogKey: UInt64]?
        /// The archive's complaints of each key that several have (one filed twice), in id
        /// order; made with `complaintsByKey`.
        var complaintTwins: [LogKey: [UInt64]] = [:]
        var complaintsByDay: [LogKey: LogKey?]?

        init(_ importer: Importer, rows: [Row], tables: [MappedTable], excluding excluded: Set<Int>, source: ImportSource, identical: Set<Int>) {
            self.importer = importer
            self.rows = rows
            self.tables = tables
            self.excluded = excluded
            self.source = source
            self.identical = identical
            var index = ArchiveIndex(importer.archive.state)
            if importer.mayBeCodePage936 { index.addLostCharacterKeys(importer.archive.state) }
            self.index = index
            keys = RowKeys.of(rows, excluding: excluded)
            handover = source.exportedFrom.flatMap { from in
                from.owner == importer.archive.vault.header.owner ? nil : "交接导入：原为\(ChineseText.possessive(from.owner))客户（\(from.date) 导出，文件 \(source.fileName)）"
            }
            ownIDs = importer.recordIDs == .thisArchive
            for (i, r) in rows.enumerated() where r.kind == .customers || r.kind == .contacts || r.kind == .projects {
                guard let id = r.sourceID.map(Importer.idKey), !id.isEmpty, fileIDRows[id] == nil else { continue }
                if let (k, _) = Importer.recordID(id), k != r.kind.entity { continue }  // (another kind's: `registerSourceID`)
                fileIDRows[id] = i
            }
            if !ownIDs { for (id, ref) in importer.archiveRecordOfFileID { sourceIDs[id] = ref } }
            zoneShifted = source.exportedFrom?.timeZone.map { $0 != TimeZone.current.identifier && TimeZone(identifier: $0) == nil } ?? false
            nearCustomers = NearCustomers(importer.archive.state)
            b.set = ChangeSet(label: Importer.label(source), origin: .importFile)
            b.index = index
            for i in excluded where rows[i].kind == .customers {
                if let name = rows[i].field("name") {
                    let key = TextKey(Identity.companyKey(name))
                    if refusedCustomers[key] == nil { refusedCustomers[key] = (tables[rows[i].mapped].table.name, rows[i].line) }
                    refusedNames.insert(TextKey(name.trimmedWhitespace))
                }
            }
            for i in excluded where rows[i].kind == .contacts || rows[i].kind == .projects { noteRefusedChild(rows[i]) }

            // Room for every row at once (the tables would otherwise be rehashed as they grow).
            b.status = RowStatuses(rows: rows.count)
            b.set.reserveCapacity(rows.count)
            b.operationRows.reserveCapacity(rows.count)
            if rows.contains(where: { $0.kind == .customers }) {
                customers.reserve(rows.count)
                fileFields.reserveCapacity(rows.count)
            }
            if rows.contains(where: { $0.kind == .log || $0.kind == .complaints }) { logKeys.reserveCapacity(rows.count) }
            if case .notThisArchive(let why) = recordIDs { notTrusted = why }
            if source.exportedFrom == nil, let t = tables.firstIndex(where: { $0.column(ofTarget: .sourceID) != nil }),
               rows.contains(where: { $0.mapped == t && $0.sourceID.flatMap(Importer.recordID) != nil }) {
                notTrusted = .noAboutSheet
            }
            foreignIDs = !ownIDs && (source.exportedFrom != nil || source.format == .json || notTrusted != nil)
            (idsReadAsHere, notHere) = Self.readsIDsAsHere(notTrusted, others: source.exportedFrom != nil && (importer.recordIDs == .file || importer.recordIDs == .notThisArchive(.otherArchive)),
                                                           rows: rows, excluding: excluded, state: importer.archive.state)
            if let whyNot = notTrusted, let t = tables.first(where: { $0.column(ofTarget: .sourceID) != nil }) {
                let isCSV: Bool = { if case .csv = source.format { return true } else { return false } }()
                let why: (String, String)
                switch whyNot {
                case .otherCopy: why = ("it was exported from another copy of this archive (a backup restored, or a copy that was changed on its own)",
                                        "文件是从本档案的另一个副本导出的（例如从备份恢复的档案，或在别处单独修改过的副本），记录号与本档案对不上")
                // (A JSON file's header, not a 说明 sheet: helper-167.)
                case .noArchiveID where source.format == .json:
                    why = ("it does not say which archive it was exported from (an older SalesVault's export, or its archiveID removed)", "文件没有注明是从哪个档案导出的（可能由较早版本的 SalesVault 导出，或其中的“archiveID”字段已被删除）")
                case .noArchiveID: why = ("it does not say which archive it was exported from (an older SalesVault's export, or its 说明 sheet changed)",
                                          "文件没有注明是从哪个档案导出的（可能由较早版本的 SalesVault 导出，或“说明”工作表被改动过）")
                case .noVersion where source.format == .json: why = ("its archiveVersion is missing or unreadable", "文件中的“archiveVersion”（档案版本）缺失或无法识别")
                case .noVersion: why = ("its 说明 sheet gives no readable 档案版本 (changed or deleted)", "文件“说明”工作表中的“档案版本”缺失或无法识别")
                case .otherOwner where source.format == .json: why = ("its owner is another than this archive's", "文件中的“owner”（档案所有人）与本档案的所有人不同")
                case .otherOwner: why = ("its 说明 sheet names another owner than this archive's", "文件“说明”工作表中的档案所有人与本档案的所有人不同")
                case .otherArchive: why = ("it was exported from another archive of yours", "文件是从您的另一个档案导出的")
                case .noAboutSheet where source.format == .json:
                    why = ("it does not say which archive it came from (its owner and archiveID are missing)", "文件没有注明是从哪个档案导出的（缺少“owner”“archiveID”等字段）")
                case .noAboutSheet where source.format != .xlsx:
                    why = ("it has no 说明 sheet saying which archive it came from (a CSV file has none)", "CSV 文件不含“说明”工作表，无法得知是从哪个档案导出的")
                case .noAboutSheet:
                    // (A workbook was told "CSV 文件没有该工作表": helper-166.)
                    why = ("it has no 说明 sheet saying which archive it came from (deleted, or a workbook SalesVault did not write)", "文件中没有“说明”工作表，无法得知是从哪个档案导出的（该表可能已被删除，或此工作簿并非 SalesVault 导出）")
                }
                updateWarnings.append(ImportProblem(
                    table: t.table.name, line: 0, column: t.column(ofTarget: .sourceID)?.header,
                    reason: "the column \(t.column(ofTarget: .sourceID)?.header ?? "ID") is not read as this archive's record ids: \(why.0). Rows are matched by their names, times and content, so a record renamed or edited in the file comes in as a new one. To edit records in a spreadsheet, export them again\(isCSV ? " as a workbook (.xlsx: a CSV file cannot say where it came from)" : "") and edit the new file",
                    reasonZH: "本文件中的记录号不能用来对应本档案的记录：\(why.1)。导入时将按名称、时间和内容与档案比对，表格中改过名称或内容的行可能作为新记录导入，也可能对应不上原记录。如需在表格中修改档案记录，请从本档案重新导出\(isCSV ? "为 Excel 工作簿（.xlsx，CSV 文件无法注明来源）" : "")，在新文件中修改后再导入"))
            }
            if ownIDs && options.onDuplicate == .update {
                for (i, r) in rows.enumerated() where !excluded.contains(i) && r.problems.isEmpty && (r.kind == .customers || r.kind == .contacts || r.kind == .projects) {
                    guard let given = r.sourceID, let (k, n) = Importer.recordID(given), k == r.kind.entity, let e = archive.state.entity(k, n),
                          let name = r.field("name"), !name.trimmedWhitespace.isEmpty, name.trimmedWhitespace != (e["name"]?.text ?? "").trimmedWhitespace else { continue }
                    renamedInFile[e.shortID] = (name, i)
                }
            }
        }

        /// Whether the file's references written as record ids are read as this archive's
        /// (`idsReadAsHere`): its ids are not trusted for a reason that leaves it possibly an export
        /// of this archive (no 说明 sheet, no archive id or version, a copy that went its own way),
        /// and at least one row gives its own record id, each such row naming a record of this
        /// archive of its kind and of its customer. (A CSV export of an archive with two contacts of
        /// one name, which writes them by their ids, was refused on import: helper-177; another
        /// archive's CSV had its ids read as this one's namesakes: helper-178.)
        static func readsIDsAsHere(_ why: RecordIDs.Why?, others: Bool, rows: [Row], excluding excluded: Set<Int>, state: ArchiveState) -> (Bool, Int?) {
            guard let why, why != .otherArchive, why != .otherOwner, !others else { return (false, nil) }
            var seen = false
            for (i, r) in rows.enumerated() where !excluded.contains(i) {
                guard let given = r.sourceID, let (k, n) = Importer.recordID(given), k == r.kind.entity else { continue }
                guard let e = state.entity(k, n) else { return (false, i) }
                let customerText = r.kind == .customers ? r.field("name") : r.refs["customer"]
                let customer = k == .customer ? e : e["customer"]?.ref.flatMap { state.entity(.customer, $0) }
                guard let customer, let text = customerText?.trimmedWhitespace, !text.isEmpty else { return (false, i) }
                let named: Bool
                if let (ck, cn) = Importer.recordID(text), ck == .customer {
                    named = cn == customer.id
                } else {
                    named = Identity.companyKey(text) == Identity.companyKey(customer["name"]?.text ?? "")
                }
                guard named else { return (false, i) }
                seen = true
            }
            return (seen, nil)
        }

        func build() -> Build {
            for (i, r) in rows.enumerated() where !excluded.contains(i) && r.problems.isEmpty {
                let before = b.problems[i]?.count ?? 0
                switch r.kind {
                case .customers: planCustomer(i, r, before: before)
                case .contacts: planContact(i, r, before: before)
                case .projects: planProject(i, r, before: before)
                case .log: planLogEntry(i, r, before: before)
                case .complaints: planComplaint(i, r, before: before)
                }
            }
            // The people the file says were removed in its archive: added above, named by the
            // records that name them, removed here (helper-186 F6: such records were refused).
            for (ref, i) in addedRemoved where b.problems[i] == nil {
                _ = add(.remove(.contact, ref, reason: "导入文件“\(source.fileName)”中标为已移除"), row: i)
                let name = rows[i].field("name") ?? ""
                updateWarnings.append(ImportProblem(
                    table: tables[rows[i].mapped].table.name, line: rows[i].line, column: header(rows[i], "name"), value: name,
                    reason: "\(name) was removed in the archive the file came from: added and removed again in this import, kept only on the log entries, projects and complaints that name them",
                    reasonZH: "\(name)在原档案中已移除，导入后在本档案中同样为已移除状态，仅保留在引用此人的跟进记录、项目和投诉中"))
            }
        // A rename that waited for a customer whose row was not imported: refused as the clash it is.
        for (id, waiting) in renamesWaiting.sorted(by: { $0.key < $1.key }) {
            let other = archiveID(id).flatMap { archive.state.entity(.customer, $0) }
            for w in waiting {
                let e = archiveID(w.id).flatMap { archive.state.entity(.customer, $0) }
                let shown = (e.map { "\($0.shortID) \($0.displayName)" } ?? w.id, other.map { "\($0.shortID) \($0.displayName)" } ?? id)
                refuse(w.row, header(rows[w.row], "name"), w.name,
                       "renaming \(shown.0) to \(w.name) would give it the name of \(shown.1), whose own rename in the file is not imported; correct that row, or import this one alone with salesvault customer edit",
                       "文件中给 \(shown.1)改名的那一行未能导入，\(other?.shortID ?? id) 仍叫“\(other?.displayName ?? id)”，因此不能把 \(shown.0)改为该名称。请先改正那一行，再重新导入")
            }
        }
        let today = DateParser.format(DateParser.localDay(options.now))
        for (table, steps) in undatedSteps.sorted(by: { $0.key < $1.key }) {
            for (lines, what, column, en) in [(steps.resolved, "处理结果", "处理时间", ("a resolution", "resolved")), (steps.surveyed, "满意度", "回访时间", ("a satisfaction", "surveyed"))] where !lines.isEmpty {
                updateWarnings.append(ImportProblem(
                    table: table, line: 0,
                    reason: "\(Importer.lineList(lines, zh: false)) give\(lines.count > 1 ? "" : "s") \(en.0) but no time it was \(en.1): recorded as \(en.1) today (\(today)), the day of the import. If you know when, fill in the column \(column) and import again",
                    reasonZH: "\(Importer.lineList(lines, zh: true))填写了\(what)，但没有填写\(column)，\(column)将记为今天（\(today)，即导入当天）。如知道实际日期，请在“\(column)”列补填后再导入"))
            }
        }
        for (table, lines) in otherNameLines.sorted(by: { $0.value[0] < $1.value[0] }) {
            updateWarnings.append(ImportProblem(
                table: table, line: 0,
                reason: "\(Importer.lineList(lines, zh: false)) (\(lines.count) rows in all) were also taken for a record of another name by their phone, mobile or credit code: check each",
                reasonZH: "另有\(Importer.lineList(lines, zh: true))（共 \(lines.count) 行）也是名称不同，但因电话、手机号或统一社会信用代码相同，将被视为同一客户或同一联系人，请逐一核实"))
        }
        for (table, lines) in namesakeLines.sorted(by: { $0.value[0] < $1.value[0] }) {
            updateWarnings.append(ImportProblem(
                table: table, line: 0,
                reason: "\(Importer.lineList(lines, zh: false)) (\(lines.count) rows in all) also name new contacts whose names differ from another contact's of the same customer only in traditional and simplified characters: check each",
                reasonZH: "另有\(Importer.lineList(lines, zh: true))（共 \(lines.count) 行）的联系人，与同一客户下其他联系人的姓名也仅繁简写法不同，请逐一核实"))
        }
        b.warnings += updateWarnings
        return b
        }
    }
}
