import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

/// An archive's content as tables and files (INTERCHANGE.md §6): one table per kind, in the
/// user's language, secret fields only when asked, every value in its type (dates as dates,
/// money as amounts), references by name so that the file reads on its own and imports back.
public enum Exporter {
    public enum Format: String, Sendable, CaseIterable {
        case xlsx, csv, json
    }

    public struct Options: Sendable {
        public var kinds: [ImportKind]
        public var format: Format
        public var includeSecret = false
        public var zh = true
        /// CSV only: the encoding (UTF-8 with BOM unless asked otherwise).
        public var encoding: TextEncoding = .utf8BOM
        /// XLSX only: encrypt the workbook with this password (§6.5, agile encryption); the
        /// plaintext workbook then exists only in memory. The caller checks its strength.
        public var workbookPassword: String?
        public var now: Int64

        public init(kinds: [ImportKind], format: Format, now: Int64) {
            self.kinds = kinds
            self.format = format
            self.now = now
        }
    }

    /// A value as the archive holds it, for any writer.
    public enum Value: Equatable, Sendable {
        case empty
        case text(String)
        case integer(Int64)
        case money(Money)
        case day(Int32)
        case instant(Int64)
        case flag(Bool)
    }

    /// One kind's rows, with the header in the chosen language.
    public struct ExportTable: Sendable {
        public let kind: ImportKind
        public let name: String
        public let headers: [String]
        public let rows: [[Value]]
        /// The projects whose stage history a workbook's cell could not hold whole (`StageHistoryText.cell`).
        public var shortenedHistories: [String] = []
        /// Those of them whose cell is left empty (too long even with reasons cut).
        public var emptiedHistories: [String] = []
    }

    /// What an export produced: the file's bytes, its rows and the record to keep.
    public struct Output: Sendable {
        public let data: Data
        public let rows: Int
        public let sha256: String
        /// The projects whose stage history the workbook holds shortened (said by the command:
        /// `StageHistoryText.exportNote`), and those of them it leaves out.
        public var shortenedHistories: [String] = []
        public var emptiedHistories: [String] = []
        /// The rows of each kind written (the removed people the records name among the contacts).
        public var counts: [ImportKind: Int] = [:]
    }

    /// The tables of `kinds` in `archive` (the contact log is loaded when asked for).
    public static func tables(_ archive: CustomerArchive, options: Options) throws -> [ExportTable] {
        if options.kinds.contains(.log) { try archive.loadContactLog() }
        let state = archive.state
        let byID = byIDContacts(state)
        return try options.kinds.map { kind in
            let specs = Schema.fields(kind.entity).filter { options.includeSecret || $0.sensitivity != .secret }
            var headers = [options.zh ? "记录号" : "ID"] + specs.map { Columns.header($0, zh: options.zh) }
            let entities = state.allOfLiveCustomers(kind.entity)
            var rows: [[Value]] = entities.map { e in
                [.text(e.shortID)] + specs.map { value($0, e[number: $0.number], state: state, zh: options.zh, byID: byID) }
            }
            // A withdrawn or unfounded complaint's reason, which the history keeps: read back by
            // an import as the withdrawal's (helper-201 1).
            if kind == .complaints {
                let reasons = try archive.withdrawalReasons()
                headers.append(Columns.withdrawalReasonHeader(zh: options.zh))
                rows = zip(rows, entities).map { row, e in row + [reasons[e.id].map(Value.text) ?? .empty] }
            }
            // Each project's moves between stages, which the history keeps: made again by an
            // import of a project the file adds (a handed-over project lost its way through them).
            var shortened: [String] = [], emptied: [String] = []
            if kind == .projects {
                let moves = try archive.stageMoves(projects: Set(entities.map(\.id)))
                headers.append(Columns.stageHistoryHeader(zh: options.zh))
                rows = zip(rows, entities).map { row, e in
                    guard let m = moves[e.id] else { return row + [.empty] }
                    // (A workbook's cell holds 32,767 characters: one project's long reasons
                    // failed the export: helper-209 9; said, not silent: helper-211 2.)
                    let cell = StageHistoryText.cell(m, zh: options.zh, fitted: options.format == .xlsx)
                    // (By id and name: two customers' 机房 were said 机房, 机房: helper-212 3.)
                    if cell.shortened { shortened.append("\(e.shortID) \(e.displayName)") }
                    if cell.shortened && StageHistoryText.mark(of: cell.text).mark == .leftOut { emptied.append("\(e.shortID) \(e.displayName)") }
                    return row + [cell.text.isEmpty ? .empty : .text(cell.text)]
                }
            }
            // The removed people the exported records name, marked so (已移除: §6.1), after the
            // others: read back into another archive, the records keep them, as removed.
            if kind == .contacts, case let removed = removedNamed(state, kinds: options.kinds), !removed.isEmpty {
                headers.append(options.zh ? "已移除" : "Removed")
                rows = rows.map { $0 + [.empty] }
                rows += removed.map { e in [.text(e.shortID)] + specs.map { value($0, e[number: $0.number], state: state, zh: options.zh, byID: byID) } + [.text(options.zh ? "是" : "yes")] }
            }
            return ExportTable(kind: kind, name: kind.sheetName(zh: options.zh), headers: headers, rows: rows, shortenedHistories: shortened, emptiedHistories: emptied)
        }
    }

    /// The removed contacts of live customers that a live record of `kinds` names (a log entry's
    /// people, a project's decision makers, a complaint's complainant), in id order; none when
    /// the export holds no contacts.
    static func removedNamed(_ state: ArchiveState, kinds: [ImportKind]) -> [Entity] {
        guard kinds.contains(.contacts) else { return [] }
        var ids = Set<UInt64>()
        for (kind, entity, key) in [(ImportKind.log, EntityKind.activity, "contacts"), (.projects, .project, "decisionMakers"), (.complaints, .complaint, "complainant")] where kinds.contains(kind) {
            for e in state.allOfLiveCustomers(entity) {
                switch e[key] {
                case .ref(let id)?: ids.insert(id)
                case .refs(let list)?: ids.formUnion(list)
                default: break
                }
            }
        }
        return ids.sorted().compactMap { id in
            guard let p = state.entityIncludingRemoved(.contact, id), p.removed, let c = p["customer"]?.ref, state.entity(.customer, c) != nil else { return nil }
            return p
        }
    }

    /// Contacts and projects whose name another of their customer shares (one added with
    /// --force), or whose name reads as a record id (a contact named R25): referred to by their
    /// record id (R7, P9), which the file's 记录号 column resolves on import, not by a name that
    /// would find the first of them, or another record (an unchanged export moved a reference to
    /// the contact whose id the name was: helper-178; a log entry's project of a shared name
    /// refused the import of the export as ambiguous).
    static func byIDContacts(_ state: ArchiveState) -> Set<UInt64> {
        var shared = Set<UInt64>()
        for kind in [EntityKind.contact, .project] {
            var seen: [String: UInt64] = [:]
            // (Removed ones too: a removed person and another of the name, live or removed, named
            // by a record were read back as the other, or as none: helper-186 F3, F4.)
            state.eachIncludingRemoved(kind) { p in
                guard let c = p["customer"]?.ref else { return }
                let name = p["name"]?.text ?? ""
                if Importer.recordID(name) != nil { shared.insert(p.id) }
                let key = "\(c)|\(CompanyName.personKey(name))"
                if let other = seen[key] { shared.formUnion([other, p.id]) } else { seen[key] = p.id }
            }
        }
        return shared
    }

    /// A field's value for export: references by name (by record id for the ids of `byID`),
    /// vocabularies by label.
    static func value(_ spec: FieldSpec, _ v: FieldValue?, state: ArchiveState, zh: Bool, byID: Set<UInt64> = []) -> Value {
        guard let v else { return .empty }
        switch (spec.type, v) {
        case (.instant, .int(let i)): return .instant(i)
        case (_, .int(let i)): return .integer(i)
        case (_, .day(let d)): return .day(d)
        case (_, .money(let m)): return .money(m)
        case (_, .flag(let b)): return .flag(b)
        case (.vocabulary(.grade), .text(let s)): return .text(s == Grade.unrated.rawValue ? (Grade.unrated.label(zh: zh)) : s)
        case (.vocabulary(let vocab), .text(let s)): return .text(vocab.label(s, zh: zh) ?? s)
        case (_, .text(let s)): return .text(s)
        case (_, .ref(let id)): return .text(byID.contains(id) ? recordID(id, state) : name(id, state))
        case (_, .refs(let ids)): return .text(ids.map { byID.contains($0) ? recordID($0, state) : name($0, state) }.joined(separator: zh ? "、" : ", "))
        }
    }

    /// The record id (R7, P9) of a contact or project of `byIDContacts`.
    private static func recordID(_ id: UInt64, _ state: ArchiveState) -> String {
        (state.entityIncludingRemoved(.project, id) != nil ? EntityKind.project : .contact).idPrefix + String(id)
    }

    private static func name(_ id: UInt64, _ state: ArchiveState) -> String {
        for kind in [EntityKind.customer, .contact, .project] { if let e = state.entities(kind, id) { return e.displayName } }
        return "#\(id)"
    }

    /// The file's bytes in `options.format`.
    public static func write(_ archive: CustomerArchive, options: Options) throws -> Output {
        if options.format == .csv && options.kinds.count != 1 {
            throw InterchangeError(.mapping, "a CSV file holds one kind; choose one with --kind", zh: "CSV 文件只能包含一类数据，请用 --kind 指定",
                                   hint: "e.g. --kind customers, or export everything as one workbook with --format xlsx",
                                   hintZH: "例如 --kind customers；如需全部导出，请用 --format xlsx 导出为一个工作簿")
        }
        // Whether the memory it needs is there, asked once the archive (and the log, if asked
        // for) is open and before the tables are built.
        if options.kinds.contains(.log) { try archive.loadContactLog() }
        var rows = 0
        var cells = 0
        var withRows = 0  // kinds that have records (one at a time helps only for several)
        var counts: [ImportKind: Int] = [:]
        for kind in options.kinds {
            let n = archive.state.count(kind.entity)
            counts[kind] = n
            rows += n
            cells += (n + 1) * (Schema.fields(kind.entity).count + 1)
            if n > 0 { withRows += 1 }
        }
        // (The removed people the records name, written too: the count said one less: helper-188 L3.)
        let removed = removedNamed(archive.state, kinds: options.kinds).count
        rows += removed
        if removed > 0 { counts[.contacts, default: 0] += removed }
        try MemoryBudget.check(exportOf: rows, cells: cells, format: options.format, kinds: options.kinds.count, withRecords: withRows,
                               encrypted: options.workbookPassword != nil)
        let data: Data
        var shortened: [String] = [], emptied: [String] = []
        switch options.format {
        case .csv:
            let table = try tables(archive, options: options)[0]  // (one kind, checked above)
            var writer = CSVWriter(encoding: options.encoding)
            writer.append(table.headers)
            for row in table.rows { writer.append(row.map { csvText($0) }) }
            data = try writer.data()
        case .xlsx:
            let tables = try tables(archive, options: options)
            shortened = tables.flatMap(\.shortenedHistories)
            emptied = tables.flatMap(\.emptiedHistories)
            try checkCellTexts(tables, zh: options.zh)
            let book = workbook(tables, archive: archive, options: options)
            defer { Background.release(book) }
            if let password = options.workbookPassword {
                var plain = Array(try XLSXWriter.write(book))
                defer { secureZero(&plain) }
                data = Data(try OfficeCrypto.encrypt(package: plain, password: password))
            } else {
                data = try XLSXWriter.write(book)
            }
        case .json:
            data = try JSONExport.data(archive, options: options)
        }
        let digest = try SHA256.hash(Array(data)).hexString
        var output = Output(data: data, rows: rows, sha256: digest, shortenedHistories: shortened, emptiedHistories: emptied)
        output.counts = counts
        return output
    }

    /// A value as CSV text: dates `2026-03-05`, instants `2026-03-05 14:30:05` (local time),
    /// CNY amounts as plain numbers, other currencies with their code, flags 是/否.
    static func csvText(_ v: Value) -> String {
        switch v {
        case .empty: return ""
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .money(let m): return m.currency == Money.defaultCurrency ? m.decimalString : "\(m.currency) \(m.decimalString)"
        case .day(let d): return DateParser.format(d)
        case .instant(let i):
            let c = CellReading.civil(i)
            return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day, c.secondOfDay / 3600, c.secondOfDay % 3600 / 60, c.secondOfDay % 60)
        case .flag(let b): return b ? "是" : "否"
        }
    }

    static func xlsxCell(_ v: Value) -> XLSXCell {
        switch v {
        case .empty: return .empty
        case .text(let s): return .guardedText(s)
        case .integer(let i): return XLSXCell(.integer(i))
        case .money(let m): return XLSXCell(.money(amount: Decimal(string: m.decimalString) ?? 0, currency: m.currency))
        case .day(let d):
            let c = DateParser.civil(d)
            return XLSXCell(.date(CivilDateTime(year: c.year, month: c.month, day: c.day)))
        case .instant(let i): return XLSXCell(.dateTime(CellReading.civil(i)))
        case .flag(let b): return XLSXCell(.text(b ? "是" : "否"))
        }
    }

    /// Refuses an export whose text would not fit an Excel cell (32,767 characters; a note may
    /// have 64 KiB), naming the record, the field and a format that holds it, before the
    /// workbook is built (the writer named only a cell, such as S2).
    static func checkCellTexts(_ tables: [ExportTable], zh: Bool) throws {
        let limit = XLSXWriter.maxCellTextLength
        for t in tables {
            for (r, row) in t.rows.enumerated() {
                for (c, value) in row.enumerated() {
                    // (Measured as written: a text that starts like a formula gets a leading ').
                    guard case .text(let s) = value, s.utf8.count >= limit, FormulaGuard.neutralise(s).utf16.count > limit else { continue }
                    // The record: its first two texts other than this one (its id and its name).
                    let record = row.lazy.compactMap { v -> String? in if case .text(let t) = v, t != s, !t.isEmpty { return t } else { return nil } }.prefix(2)
                    let named = FieldFormat.terminalSafe(record.map { String($0.prefix(40)) }.joined(separator: " "))
                    let header = c < t.headers.count ? t.headers[c] : ""
                    throw InterchangeError(
                        .writeFailed,
                        "\(t.name), row \(r + 2)\(named.isEmpty ? "" : " (\(named))"): \(header) has \(s.utf16.count) characters, more than the 32,767 an Excel cell holds; the workbook was not written",
                        zh: "“\(t.name)”表第 \(r + 2) 行\(named.isEmpty ? "" : "（\(named)）")的“\(header)”有 \(s.utf16.count) 个字符，超过了 Excel 单元格最多能放的 32767 个字符，因此未生成工作簿。",
                        hint: "export as JSON or CSV (--format json or --format csv), which hold it whole, or shorten that text",
                        hintZH: "请改用 JSON 或 CSV 格式导出（--format json 或 --format csv），可完整保留这段文字；或者把这段文字改短。")
                }
            }
        }
    }

    /// The workbook: a sheet per kind (header frozen, widths fitted) and the 说明 sheet that
    /// says whose archive this is, when and by whom it was exported, and that it is plaintext.
    static func workbook(_ tables: [ExportTable], archive: CustomerArchive, options: Options) -> XLSXWorkbook {
        var sheets = tables.map { t in
            XLSXSheet(name: t.name, columns: t.headers.map { XLSXColumn($0) }, rows: t.rows.map { $0.map(xlsxCell) })
        }
        sheets.append(aboutSheet(archive, options: options, tables: tables))
        let owner = archive.vault.header.owner
        return XLSXWorkbook(sheets: sheets, title: options.zh ? "\(ChineseText.possessive(owner))客户档案（导出）" : "Customer archive of \(owner) (export)",
                            creator: archive.actor, created: Date(timeIntervalSince1970: TimeInterval(options.now)))
    }

    static func aboutSheet(_ archive: CustomerArchive, options: Options, tables: [ExportTable]) -> XLSXSheet {
        let zh = options.zh
        let at = CellReading.civil(options.now)
        let kinds = tables.map { zh ? "\($0.name) \($0.rows.count) 条" : "\($0.name) \($0.rows.count)" }.joined(separator: zh ? "、" : ", ")
        let lines: [(String, XLSXCell)] = [
            (zh ? "档案所有人" : "Exported from", .text(archive.vault.header.owner)),
            // (Which archive: its rows' 记录号 are that archive's record ids, §4.1.)
            (zh ? "档案编号" : "Archive ID", .text(archive.vault.prefix.archiveIDHex)),
            (zh ? "档案版本" : "Archive version", .text((try? archive.version().text) ?? "")),
            (zh ? "导出时间" : "Exported at", XLSXCell(.dateTime(at))),
            (zh ? "时区" : "Time zone", .text(TimeZone.current.identifier)),
            (zh ? "导出人" : "Exported by", .text(archive.actor)),
            (zh ? "各类记录数" : "Records", .text(kinds)),
            (zh ? "含绝密字段" : "Secret fields included", .text(options.includeSecret ? (zh ? "是" : "yes") : (zh ? "否" : "no"))),
            options.workbookPassword != nil
                ? (zh ? "注意" : "Warning", .text(zh ? "本文件是客户资料的副本，已离开档案，只受工作簿打开密码保护（不是档案密码）。请妥善保管，仅交给有权查看的人，密码另行告知，不要另存为无密码的副本，用完及时删除。"
                                                    : "This file is a copy of customer data that has left the archive, protected only by the workbook's password (not the archive's). Keep it safe, give it only to those entitled to it, tell them the password separately, do not save a copy without the password, and delete it after use."))
                : (zh ? "注意" : "Warning", .text(zh ? "本文件是客户资料的明文副本，没有加密，不受档案密码保护。请妥善保管，仅交给有权查看的人，用完及时删除。"
                                                    : "This file is a plaintext copy of customer data that has left the encrypted archive. Keep it safe, give it only to those entitled to it, and delete it after use.")),
        ]
        // The projects whose stage history the workbook holds cut or not at all, said where a
        // recipient reads first (helper-215 4: only the exporting terminal said it).
        let shortened = tables.flatMap(\.shortenedHistories), emptied = Set(tables.flatMap(\.emptiedHistories))
        var histories: [(String, XLSXCell)] = []
        if !shortened.isEmpty {
            let cut = shortened.filter { !emptied.contains($0) }, left = shortened.filter { emptied.contains($0) }
            var zhText: [String] = [], enText: [String] = []
            if !cut.isEmpty {
                zhText.append("项目 \(cut.joined(separator: "、")) 的阶段变更记录超出单元格上限，超过 300 字的原因已截断")
                enText.append("the stage history of \(cut.joined(separator: ", ")) is longer than a cell holds: reasons longer than 300 characters are cut")
            }
            if !left.isEmpty {
                zhText.append("项目 \(left.joined(separator: "、")) 的阶段变更记录即使截断也放不下，未写入")
                enText.append("that of \(left.joined(separator: ", ")) does not fit even so and is not written")
            }
            histories.append((zh ? "阶段变更记录" : "Stage histories",
                              .text(zh ? zhText.joined(separator: "；") + "。见“项目”工作表；完整记录请用 salesvault export --format json 导出。"
                                       : enText.joined(separator: "; ") + ". See the projects sheet; salesvault export --format json writes all of it.")))
        }
        return XLSXSheet(name: zh ? ImportSource.aboutSheet.zh : ImportSource.aboutSheet.en,
                         columns: [XLSXColumn(zh ? "事项" : "Item"), XLSXColumn(zh ? "内容" : "Value", width: 80)],
                         rows: (lines + histories).map { [.text($0.0), $0.1] }, freezeHeader: false, autoFilter: false)
    }
}
