import Foundation
import SalesArchive

/// How an import treats what it finds (INTERCHANGE.md §3–§5).
public struct ImportOptions: Sendable {
    /// What to do with a row that is already in the archive or earlier in the file.
    public enum OnDuplicate: String, Sendable, CaseIterable {
        /// Refuse the import and list the duplicates (the default).
        case refuse
        /// Leave the existing record as it is; later rows may still refer to it.
        case skip
        /// Fill the existing record with the row's non-empty values.
        case update
    }

    /// How `03/05/2026` is read: only when the user says (`--date-format`).
    public enum DayOrder: Sendable {
        case dayMonthYear, monthDayYear

        /// `dd/mm/yyyy`, `mm/dd/yyyy` (any separator), 日/月/年, 月/日/年.
        public init?(name: String) {
            let n = name.lowercased().filter { $0.isLetter || $0.isNumber || "日月年".contains($0) }
            switch n {
            case "ddmmyyyy", "dmy", "ddmmyy", "日月年": self = .dayMonthYear
            case "mmddyyyy", "mdy", "mmddyy", "月日年": self = .monthDayYear
            default: return nil
            }
        }
    }

    public var onDuplicate: OnDuplicate = .refuse
    /// Import the valid rows and leave the refused ones out (said explicitly; the default is
    /// all or nothing).
    public var onlyValid = false
    public var dayOrder: DayOrder?
    public var mapping = ColumnMapping()
    /// The kind of a CSV file (or of every table), when its headers do not say it clearly.
    public var kind: ImportKind?
    /// The time the import is planned at (and "today" for dates).
    public var now: Int64
    /// Whether a contact log that imports as it is may be planned in bulk (`Importer.bulkLog`);
    /// false only to compare it with the general reading.
    var planInBulk = true
    /// Rows a core reads at a time in bulk (smaller only to test the joining of chunks).
    var bulkChunk = 16_384
    /// The time zone the file's wall-clock times are in, when an export says so (its 时区) and
    /// it is not this machine's: they are read in it (INTERCHANGE.md §6.2; they were read in
    /// this machine's, hours off: helper-101). Set by `Importer.preview`.
    var fileTimeZone: TimeZone?

    /// Midnight at the start of `day` where the file's times are.
    func startOfDay(_ day: Int32) -> Int64 {
        fileTimeZone.map { DateParser.startOfDay(day, in: $0) } ?? DateParser.startOfDay(day)
    }

    public init(now: Int64) { self.now = now }
}

/// A problem with one row, or with a whole table (line of its header), as users see it: the
/// file's line (header counted) or the sheet's row number, the column, the value, the reason.
extension ImportPreview {
    /// Its reasons said of records (a JSON file's), not rows (`ImportProblem.saidOfRecords`).
    mutating func sayRecords() {
        problems = problems.map(\.saidOfRecords)
        warnings = warnings.map(\.saidOfRecords)
        duplicatesUpdateRefuses = duplicatesUpdateRefuses.map(\.saidOfRecords)
        refused = refused.map { Refused(table: $0.table, row: $0.row, reasons: $0.reasons.map(\.saidOfRecords)) }
    }
}

public struct ImportProblem: Sendable, Equatable {
    /// The problem said of a JSON file's records: its reasons are written for sheets and CSV
    /// files, whose records are rows (本行, 该行, this row), and a JSON file has none (its
    /// notes said 本行 beside “客户”第 2 条记录: helper-166, helper-167). Quoted values (“…”) are
    /// left as they are.
    var saidOfRecords: ImportProblem {
        ImportProblem(table: table, line: line, column: column, value: value,
                      reason: Self.outsideQuotes(reason, open: "\"", close: "\"") { text in
                          text.replacingOccurrences(of: #"\b([Rr])ows\b"#, with: "$1ecords", options: .regularExpression)
                              .replacingOccurrences(of: #"\b([Rr])ow\b"#, with: "$1ecord", options: .regularExpression)
                      },
                      reasonZH: Self.outsideQuotes(reasonZH, open: "“", close: "”") { text in
                          var t = text
                          for (row, record) in [("这两行", "这两条记录"), ("其中一行", "其中一条记录"), ("其他行", "其他记录"), ("本行", "本条记录"), ("该行", "该记录"), ("此行", "这条记录"),
                                                ("这些行", "这些记录"), ("重复的行", "重复的记录"), ("每行", "每条记录"), ("同一行", "同一条记录"), ("整行", "整条记录"),
                                                ("这一行", "这一条记录"), ("两行", "两条记录"), ("各行", "各条记录"), ("多行", "多条记录")] {
                              t = t.replacingOccurrences(of: row, with: record)
                          }
                          return t
                      })
    }

    /// `text` with `change` applied to its parts outside `open`…`close` quotes.
    static func outsideQuotes(_ text: String, open: Character, close: Character, _ change: (String) -> String) -> String {
        var out = "", part = ""
        var quoted = false
        for ch in text {
            if !quoted && ch == open {
                out += change(part) + String(ch)
                part = ""
                quoted = true
            } else if quoted && ch == close {
                out.append(ch)
                quoted = false
            } else if quoted {
                out.append(ch)
            } else {
                part.append(ch)
            }
        }
        return out + change(part)
    }


    public let table: String
    public let line: Int
    public let column: String?
    public let value: String?
    public let reason: String
    public let reasonZH: String

    public init(table: String, line: Int, column: String? = nil, value: String? = nil, reason: String, reasonZH: String) {
        self.table = table
        self.line = line
        self.column = column
        self.value = value
        self.reason = reason
        self.reasonZH = reasonZH
    }
}

/// What an import would do, shown before anything is written (`--dry-run`, and before the
/// question on a terminal), and the plan to commit.
public struct ImportPreview {
    public struct Counts: Sendable, Equatable {
        public var new = 0
        public var updated = 0
        /// Rows that stand for a record already there and change nothing in it
        /// (`--on-duplicate update`: the record is as the row has it).
        public var unchanged = 0
        /// Rows left out as the same record as one already there or earlier in the file
        /// (`--on-duplicate skip`, and an identical log entry or complaint under `update`).
        public var duplicate = 0
        public var refused = 0
        /// The records the `updated` rows update, when fewer than the rows: rows of one record
        /// are merged into one update (`1 new, 3 updated` was said for one customer updated by
        /// two rows and a third row merged into the new one). nil when each row is its own record.
        public var updatedRecords: Int?
        /// Of the `updated` rows, those merged into a record new in this file (a second row of
        /// a new customer): no record of the archive changes by them.
        public var mergedIntoNew = 0
        /// Of the `updated` rows, those of archive records they leave as they were (行业 IT, then
        /// 制造 again): such a record is counted unchanged, and these rows update nothing.
        public var cancelledRows = 0
        public init() {}

        /// The records the `unchanged` rows stand for, when another number: rows of one record
        /// counted once, and none of a record other rows update (nil: one per row).
        public var unchangedRecords: Int?

        /// The records updated: `updatedRecords`, or one per row.
        public var recordsUpdated: Int { updatedRecords ?? updated }
        /// The records left as they were: `unchangedRecords`, or one per row.
        public var recordsUnchanged: Int { unchangedRecords ?? unchanged }
    }

    /// A table as it was read: its name, what it holds, its header's line and its data rows.
    public struct TableSummary: Sendable {
        public let name: String
        public let kind: ImportKind?
        public let headerLine: Int
        public internal(set) var rows: Int
        /// A header of two rows (联系方式 over 手机 and 电话): the second row's line, and the
        /// header as read, each column by its lower cell where it has one.
        public var subHeaderLine: Int?
        public var combinedHeader: TableRow?
        /// The first data row's first values by header, so that the user sees the text as read
        /// (mojibake from a wrong encoding shows here).
        /// The first record's first cells; a secret field's value nil (not shown).
        public var sample: [(header: String, value: String?)] = []
    }

    /// A column the import did not use: no field has its name, or SalesVault computes it.
    public struct Column: Sendable, Equatable {
        public let table: String
        public let header: String
        public let computed: Bool
        /// A column without a header (`header` is its letter in brackets, "(E)"): one that
        /// `--mapping` cannot name.
        public var headerless = false
        /// A complaint's status column: read only for a withdrawal (已撤诉, 投诉不成立); the
        /// other statuses follow from the steps' times.
        public var statusOnly = false
        /// A project's 进入阶段: read only for the projects the file adds (`ColumnTarget.stageSince`).
        public var stageSinceOnly = false
        /// A project's 阶段变更记录: read only for the projects the file adds (`ColumnTarget.stageHistory`).
        public var stageHistoryOnly = false
        /// A complaint's 编号: kept for the complaints the file adds (`ColumnTarget.complaintNumber`).
        public var numberOnly = false
    }

    /// How a date column's first value was read ("2026/3/5 → 2026-03-05").
    public struct DateSample: Sendable, Equatable {
        public let table: String
        public let column: String
        public let input: String
        public let read: String
    }

    /// A refused row, for the rejects file: its table, its index among the table's rows, and why.
    public struct Refused: Sendable {
        public let table: Int
        public let row: Int
        public let reasons: [ImportProblem]
    }

    public let source: ImportSource
    /// Whether a table of the file has a record id column (记录号).
    public var hasRecordIDs = false
    /// Whose record ids the file's 记录号 are (INTERCHANGE.md §4.1).
    public internal(set) var recordIDs: Importer.RecordIDs = .file
    public internal(set) var tables: [TableSummary] = []
    public internal(set) var counts: [ImportKind: Counts] = [:]
    /// Why rows are refused (every one, in file order).
    public internal(set) var problems: [ImportProblem] = []
    /// What is worth checking but does not stop the import.
    public internal(set) var warnings: [ImportProblem] = []
    public internal(set) var unused: [Column] = []
    public internal(set) var dateSamples: [DateSample] = []
    public internal(set) var refused: [Refused] = []
    /// Rows refused only because they duplicate a record (the CLI then says how to skip or update).
    public internal(set) var duplicatesRefused = 0
    /// Rows counted unchanged whose other values were left out, each said in a warning (a
    /// removed person's row, which updates no one): the CLI does not then say that the archive
    /// is as the file has it (it did: helper-189).
    public internal(set) var valuesLeftOut = 0
    /// Of those, the rows `--on-duplicate update` would refuse too, with why (a number several
    /// archive customers share, two rows of one log entry…): the CLI does not offer `update`
    /// for them (it did: helper-164).
    public internal(set) var duplicatesUpdateRefuses: [ImportProblem] = []
    /// Customer rows that several archive customers could be, and rows refused for naming one:
    /// skipping the duplicates leaves them refused (the hint offered `skip` as if it did:
    /// helper-170 N8).
    public internal(set) var namingUnclearCustomer = 0
    /// The change set's plan, when something can be imported.
    public internal(set) var plan: ChangePlan?
    /// Whether the plan was made by the bulk reading of a contact log (`Importer.bulkLog`).
    var plannedInBulk = false

    /// True when committing would import every row (or, with `onlyValid`, the valid ones) and
    /// there is something to import.
    public internal(set) var canCommit = false

    /// Rows that update records, and nothing else, whose changes undo each other: several rows of
    /// one record that, taken in order, leave it as the archive has it (北京, then 上海 again;
    /// RECORDS.md §8 records the net change, here none). Nothing to commit, and nothing wrong.
    public var updatesUndoEachOther: Bool {
        let t = total
        return problems.isEmpty && t.updated > 0 && t.new == 0 && plan.map { $0.isValid && $0.events.isEmpty } == true
    }

    public var total: Counts {
        var t = Counts()
        for c in counts.values {
            t.new += c.new
            t.updated += c.updated
            t.unchanged += c.unchanged
            t.duplicate += c.duplicate
            t.refused += c.refused
            t.mergedIntoNew += c.mergedIntoNew
            t.cancelledRows += c.cancelledRows
        }
        if counts.values.contains(where: { $0.updatedRecords != nil }) { t.updatedRecords = counts.values.reduce(0) { $0 + $1.recordsUpdated } }
        if counts.values.contains(where: { $0.unchangedRecords != nil }) { t.unchangedRecords = counts.values.reduce(0) { $0 + $1.recordsUnchanged } }
        return t
    }

    init(source: ImportSource) { self.source = source }
}

extension ImportPreview {
    /// What the import changes in records the archive has (`--on-duplicate update`), field by
    /// field, old → new (`C1 华为技术有限公司：客户名称 华为技术有限公司 → 华为终端有限公司`): the
    /// preview showed only counts, not which record would change how (helper-100). Fields kept
    /// up by SalesVault itself (last contact, next follow-up, status, stage since) are left out,
    /// but for a complaint's status (the withdrawal a row gives, and the steps' status).
    public func updates(in state: ArchiveState, zh: Bool) -> [String] {
        guard let plan else { return [] }
        let automatic = Self.automaticFields
        var out: [String] = []
        // (A removed contact the import brings back, and its values: helper-193 5.)
        let restored = Set(plan.events.lazy.filter { $0.operation == .restore }.map(\.id))
        for event in plan.events where event.operation == .update || event.operation == .restore {
            guard let e = state.entity(event.kind, event.id) ?? (restored.contains(event.id) ? state.entityIncludingRemoved(event.kind, event.id) : nil) else { continue }  // (made by this import)
            if event.operation == .restore {
                out.append(zh ? "\(e.shortID) \(Self.short(e.displayName, 30))：恢复（已移除的联系人）" : "\(e.shortID) \(Self.short(e.displayName, 30)): brought back (a removed contact)")
                continue
            }
            for c in event.changes where !Schema.isNote(c.field) {
                // (A complaint's status is shown: a withdrawal's 投诉不成立 or 已撤诉 was not.)
                guard let spec = Schema.field(event.kind, number: c.field), !automatic.contains(spec.key) || (event.kind == .complaint && spec.key == "status")
                else { continue }
                // (A secret field's values are not shown, as `contact show` hides them without
                // --include-secret: the archive's old value was printed: helper-116.)
                let secret = spec.sensitivity == .secret
                let show = { (v: FieldValue?) in
                    v == nil ? (zh ? "（空）" : "(empty)") : secret ? (zh ? "（绝密内容，不显示）" : "(secret, not shown)")
                        : Self.short(FieldFormat.text(spec, v, zh: zh, state: state, instant: { DateParser.localMinute($0) }), 40)
                }
                let name = event.kind == .activity ? "" : " " + Self.short(e.displayName, 30)
                // (No space before a bracket: 行业 （空） → 硬件: helper-213 20.)
                out.append(zh ? "\(e.shortID)\(name)：\(spec.zh)\(c.old == nil ? "" : " ")\(show(c.old)) → \(show(c.new))"
                              : "\(e.shortID)\(name): \(spec.en) \(show(c.old)) → \(show(c.new))")
            }
        }
        return out
    }

    /// The fields SalesVault keeps up itself: a change of them alone is no update shown or counted.
    static let automaticFields: Set<String> = ["lastContactAt", "nextFollowUp", "status", "stageSince"]

    /// `text` on one line (line breaks as spaces), at most `limit` characters (…).
    static func short(_ text: String, _ limit: Int) -> String {
        let one = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return one.count > limit ? String(one.prefix(limit - 1)) + "…" : one
    }
}
