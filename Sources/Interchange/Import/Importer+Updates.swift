import Foundation
import SalesArchive

extension Importer {
    /// The fields a complaint row gives otherwise than an earlier row of the same complaint
    /// (what the later row leaves empty aside), by key.
    static func complaintRowDiffering(_ first: Row, _ r: Row, now: Int64) -> [String] {
        rowDiffering(.complaint, first, r, key: ["customer", "description", "receivedAt"], now: now)
    }

    /// The same for two rows of one contact-log entry (customer, time and content alike): a
    /// second row with another next step was left out without a word (helper-163).
    static func logRowDiffering(_ first: Row, _ r: Row, now: Int64) -> [String] {
        rowDiffering(.activity, first, r, key: ["customer", "summary", "at"], now: now)
    }

    /// The fields of `r` that differ from `first`'s, but for the record's `key` fields.
    static func rowDiffering(_ kind: EntityKind, _ first: Row, _ r: Row, key: Set<String>, now: Int64) -> [String] {
        var keys: [String] = []
        // (Values as read: 满意 and satisfied are the same satisfaction: helper-119.)
        func value(_ key: String, _ input: String) -> FieldValue? {
            Schema.field(kind, key: key).flatMap { try? ChangeDraft.value(for: $0, input: input, now: now) } ?? .text(input.trimmedWhitespace)
        }
        for (key, input) in r.fields where first.field(key).map({ value(key, $0) != value(key, input) }) ?? true { keys.append(key) }
        for (key, at) in r.instants.pairs where first.instants[key].map({ abs($0 - at) >= 60 }) ?? true { keys.append(key) }  // (10:00 and 10:00:30: the same)
        for (key, text) in r.refs.pairs where first.refs[key]?.trimmedWhitespace != text.trimmedWhitespace { keys.append(key) }
        var seen = key  // (the record's key: the same)
        return keys.filter { seen.insert($0).inserted }.sorted()
    }

    /// Whether a complaint's status as written says it was found unfounded (不成立) rather than
    /// withdrawn (撤诉); nil when it says neither.
    static func unfounded(_ status: String?) -> Bool? {
        switch status.flatMap(ComplaintStatus.parse) {
        case .unfounded?: return true
        case .withdrawn?: return false
        default: return nil
        }
    }

    /// The record `given` names as SalesVault writes record ids (C12, R3, P8, L15, T1: a kind's
    /// prefix and a number; full-width, spaced or lower case alike), or nil.
    /// A file's record id as compared (its 记录号, and references to it): `C01`, `Ｃ２`, `c 2` are
    /// `C1`, `C2`, `C2` (they were text apart from the row's `C1`, and a reference `C01` fell to
    /// this archive's C1: helper-167); an id of another form is its plain text in capitals.
    static func idKey(_ text: String) -> String {
        if let (k, n) = recordID(text) { return k.idPrefix + String(n) }
        return ChangeDraft.plainIdentifier(text).uppercased()
    }

    static func recordID(_ given: String) -> (EntityKind, UInt64)? {
        let id = Identity.halfWidth(ChangeDraft.plainIdentifier(given)).filter { !$0.isWhitespace }.uppercased()
        guard let k = [EntityKind.customer, .contact, .project, .activity, .complaint].first(where: { id.hasPrefix($0.idPrefix) }),
              let n = UInt64(id.dropFirst(k.idPrefix.count)) else { return nil }
        return (k, n)
    }

    /// The moment `log add --at DATE` gives a date (09:00, DateParser.dateOnlyHour) when `at` is
    /// local midnight, what a date without a time in a file reads as; nil otherwise. A log row
    /// at midnight is a duplicate of an entry of that day at 09:00 with its content too
    /// (INTERCHANGE.md §4).
    static func dateOnlyTwin(_ at: Int64) -> Int64? {
        DateParser.startOfDay(DateParser.localDay(at)) == at ? at + Int64(DateParser.dateOnlyHour) * 3_600 : nil
    }

    /// Whose record ids a file's 记录号 are (INTERCHANGE.md §4.1).
    public enum RecordIDs: Equatable, Sendable {
        /// The file's own (any file but those below).
        case file
        /// This archive's: an export of it (档案编号), by its owner, of its history (档案版本).
        case thisArchive
        /// Ids that look like this archive's, in a file that may be an export of it, but are
        /// not taken as its: the file's own, and the preview says why (edited names and texts
        /// come in as new records).
        case notThisArchive(Why)

        public enum Why: Equatable, Sendable {
            /// An export that does not say which archive (an older SalesVault's, or its 说明 edited).
            case noArchiveID
            /// This archive's id without a readable 档案版本.
            case noVersion
            /// This archive's id with another owner.
            case otherOwner
            /// A copy of this archive that went its own way (a restored backup).
            case otherCopy
            /// Another archive of this owner.
            case otherArchive
            /// No 说明 sheet (a CSV file, or the sheet deleted), with ids written as SalesVault's.
            case noAboutSheet
        }
    }

    /// Whose record ids the 记录号 of `source` are, going into `archive`.
    public static func recordIDs(of source: ImportSource, into archive: CustomerArchive) -> RecordIDs {
        let owner = archive.vault.header.owner
        guard let from = source.exportedFrom else { return .file }
        guard let id = from.archiveID else { return from.owner == owner ? .notThisArchive(.noArchiveID) : .file }
        guard id == archive.vault.prefix.archiveIDHex else { return from.owner == owner ? .notThisArchive(.otherArchive) : .file }
        guard from.owner == owner else { return .notThisArchive(.otherOwner) }
        guard let version = from.version else { return .notThisArchive(.noVersion) }
        return archive.descends(from: version) ? .thisArchive : .notThisArchive(.otherCopy)
    }

    /// The values the rows of the file have given a record once row `r` updates it too (what a
    /// later row is compared with): `earlier`'s, each field `r` gives replaced.
    static func merged(_ earlier: FileRecord?, _ r: Row, table: String) -> FileRecord {
        var record = earlier ?? FileRecord(r.line, [], table: table)
        for (key, input) in r.fields where key != "name" {
            if let i = record.fields.firstIndex(where: { $0.0 == key }) { record.fields[i].1 = input } else { record.fields.append((key, input)) }
            record.fieldSources[key] = (table, r.line)  // (the last row that gave it, the same value or not)
        }
        record.line = r.line
        record.table = table
        return record
    }

    /// A record the file made or changed: the line of the last row that did, its fields as the
    /// rows gave them, and the last line that gave each field (a row that repeats a person with
    /// another 职务 named the last row of the person, which had none: helper-145).
    struct FileRecord {
        var line: Int
        var fields: [(String, String)]
        /// The sheet (table) of the row of `line`.
        var table: String
        let first: (table: String, line: Int)
        var fieldSources: [String: (table: String, line: Int)] = [:]

        init(_ line: Int, _ fields: [(String, String)], table: String) {
            self.line = line
            self.fields = fields
            self.table = table
            first = (table, line)
        }

        /// The row (sheet and line) that gave field `key` its value.
        func source(of key: String) -> (table: String, line: Int) { fieldSources[key] ?? first }
    }

    /// The archive's log entries or complaints by what makes one the same as another (`logKey`:
    /// customer, time `at`, text `text`): the last of each key, and, for a key several have (one
    /// logged or filed twice), all of them in id order (`twins`).
    static func recordsByKey(_ state: ArchiveState, _ kind: EntityKind, at: String, text: String,
                             key: (String, Int64, String) -> LogKey = Importer.logKey) -> (last: [LogKey: UInt64], twins: [LogKey: [UInt64]]) {
        var map: [LogKey: UInt64] = [:], twins: [LogKey: [UInt64]] = [:]
        state.each(kind) { e in
            guard let c = e["customer"]?.ref, let time = e[at]?.int else { return }
            let k = key("C\(c)", time, e[text]?.text ?? "")
            if let other = map.updateValue(e.id, forKey: k) { twins[k, default: [other]].append(e.id) }
        }
        return (map, twins.mapValues { $0.sorted() })
    }

    /// Operations that fill record `ref` with the row's values that differ from what it holds
    /// (a grade change with its reason); `.unchanged` when nothing differs. For a record earlier
    /// rows of the file create or update (`earlier`: the values they gave, `merged`), the values
    /// are compared with theirs, the later row wins, and a note says so.
    /// `alsoDiffering`: fields the caller compares itself that differ from the earlier row's (a
    /// project's stage), named in the note too.
    /// 未评级, as an export writes a customer without a grade, does not take one's grade away (a
    /// colleague's export downgraded A to 未评级: helper-101).
    static func keepsGrade(_ kind: EntityKind, _ key: String, _ value: FieldValue?, had: String?) -> Bool {
        kind == .customer && key == "grade" && value == .text(Grade.unrated.rawValue) && had != nil && had != Grade.unrated.rawValue
    }

    /// The fields of row `r` whose values differ from archive record `e`'s, as `update` compares
    /// them (references left out): named when the row is refused as its duplicate.
    func differingFromArchive(_ kind: EntityKind, _ e: Entity, _ r: Row) -> [FieldSpec] {
        r.fields.compactMap { key, input -> FieldSpec? in
            guard key != "name", let spec = Schema.field(kind, key: key) else { return nil }
            switch spec.type {
            case .reference, .references: return nil
            default: break
            }
            let value = try? ChangeDraft.value(for: spec, input: input, now: options.now)
            if value != nil && value == e[number: spec.number] { return nil }
            return Self.keepsGrade(kind, key, value, had: e["grade"]?.text) ? nil : spec
        }
    }

    /// Whether `new` names the people of `old` but for ones removed since, each in their place
    /// by another of the same name (in simplified characters): what an export of a record naming
    /// a removed person reads back as.
    static func samePeopleBut(removed old: FieldValue?, _ new: FieldValue?, in state: ArchiveState) -> Bool {
        let before: [UInt64], after: [UInt64]
        switch (old, new) {
        case (.ref(let a)?, .ref(let b)?): (before, after) = ([a], [b])
        case (.refs(let a)?, .refs(let b)?): (before, after) = (a, b)
        default: return false
        }
        guard before.count == after.count, before != after else { return false }
        let fold = CompanyName.Simplified.fold
        for (a, b) in zip(before, after) where a != b {
            guard let gone = state.entities(.contact, a), gone.removed, let other = state.entities(.contact, b),
                  CompanyName.personKey(fold(gone["name"]?.text ?? "")) == CompanyName.personKey(fold(other["name"]?.text ?? "")) else { return false }
        }
        return true
    }

    func update(_ kind: EntityKind, ref: String, _ r: Row, row: Int, earlier: FileRecord?,
                        alsoDiffering: [(en: String, zh: String)] = [], gradeColumn: String? = nil,
                        warnings: inout [ImportProblem], table: String, fileName: String, format: ImportSource.Format, add: (ChangeOperation, Int) -> Int) -> RowStatus {
        // (A removed contact an import brings back too: `planRestoredContact`.)
        let existing = ref.hasPrefix("@") ? nil : UInt64(ref.dropFirst()).flatMap { archive.state.entityIncludingRemoved(kind, $0) }
        var fields: [(String, String)] = []
        var grade: String?
        var differing = alsoDiffering
        // The rows that gave the differing values (the last row of the record for a stage), by sheet.
        var differingSources: [String: Set<Int>] = [:]
        if !alsoDiffering.isEmpty, let earlier { differingSources[earlier.table, default: []].insert(earlier.line) }
        for (key, input) in r.fields where key != "name" {
            guard let spec = Schema.field(kind, key: key) else { continue }
            let value: FieldValue?
            switch spec.type {
            case .reference, .references:
                // Resolved already (R3,R4; @5 for a record of the file): the archive's records
                // as they are compared by their ids (a project's 决策人 was an update each time).
                // (A person named twice, R2、R2, is one: it was counted as an update that changed
                // nothing: helper-182.)
                var seen = Set<String>()
                let ids = input.split(separator: ",").filter { seen.insert(String($0)).inserted }.map { $0.hasPrefix("@") ? nil : UInt64($0.dropFirst()) }
                let one: Bool = { if case .reference = spec.type { return true } else { return false } }()
                value = ids.contains(nil) || ids.isEmpty ? nil : one && ids.count == 1 ? .ref(ids[0]!) : .refs(ids.compactMap { $0 })
            default: value = try? ChangeDraft.value(for: spec, input: input, now: options.now)
            }
            // (Compared with what an earlier row of the file gave the field, if one did: the
            // record holds that by now; else with the archive's record.)
            // (A phone written another way is the same phone, as rows are matched: +86 22 2345 6789
            // for 022-23456789 was an update, and said to differ: helper-146.)
            // (The whole cell compared, its extension and other numbers too: 转312 for 转311 is a
            // change: helper-148.)
            let phone = ChangeDraft.isPhoneField(key) ? Identity.phoneDigits(input) : nil
            if let before = earlier?.fields.last(where: { $0.0 == key })?.1 {
                let beforeValue = try? ChangeDraft.value(for: spec, input: before, now: options.now)
                if before == input || (value != nil && value == beforeValue) { continue }
                if let phone, Identity.phoneDigits(before) == phone { continue }
                differing.append((spec.en, spec.zh))
                if let source = earlier?.source(of: key) { differingSources[source.table, default: []].insert(source.line) }
            } else if let existing {
                if value != nil && value == existing[number: spec.number] { continue }
                if let phone, existing[number: spec.number]?.text.map(Identity.phoneDigits) == phone { continue }
                // A person removed since, named by the row as the export wrote them: the live one
                // of that name is not them (an unchanged export gave a removed 张伟's visits to
                // the new 张伟: helper-185 F3).
                if Self.samePeopleBut(removed: existing[number: spec.number], value, in: archive.state) { continue }
                // A text Excel saved in code page 936 (GBK), its emoji and ¥ turned into ?: the
                // archive's characters are kept where the ? stand, the rest of an edit made, and
                // both said (they were written over: helper-201 5, helper-202 1). Not for a file
                // with characters GBK does not have: its ? were typed (helper-202 2).
                if mayBeCodePage936, let old = existing[number: spec.number]?.text, let reading = CodePage936.reading(input, from: old) {
                    let said = (en: "the \(spec.en) of \(existing.displayName) has ? where the archive has characters GBK cannot hold (\(old)): the file was saved as GBK (Excel's CSV on Chinese Windows), which lost them",
                                zh: "\(existing.displayName)的“\(spec.zh)”在文件中为“\(input)”，档案中为“\(old)”。该文件以 GBK 编码保存（在中文版 Windows 上用 Excel 另存为“CSV（逗号分隔）”即为此编码），表情符号、¥ 等字符保存后会变成问号")
                    let utf8 = (en: ". To change this field, save the file as \"CSV UTF-8\" or as a workbook (.xlsx) and import it again",
                                zh: "。如确需修改“\(spec.zh)”，请将文件另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后重新导入")
                    let how: (en: String, zh: String)
                    switch reading {
                    case .restored(let restored) where restored == old:
                        how = (en: "; the archive's text is kept" + utf8.en, zh: "。“\(spec.zh)”导入时保留档案中的原内容" + utf8.zh)
                    case .restored(let restored):
                        how = (en: "; those characters are kept where the ? stand, and the rest of the change is made: \(restored)",
                               zh: "。问号处保留档案中的原字符，其余修改照常导入，导入后为“\(restored)”")
                        fields.append((key, restored))
                    case .ambiguous:
                        // (Not sure which ? stand for which: nothing the user did not type is
                        // written, and nothing lost: helper-204 1, 2.)
                        fieldsKeptForQuestionMarks += 1
                        how = (en: "; which ? stand for them cannot be told, so the archive's text is kept and the file's change to this field is not made" + utf8.en,
                               zh: "。无法确定其中的问号是原本就有的，还是由表情符号等字符变成的，因此“\(spec.zh)”保留档案中的原内容，文件中对“\(spec.zh)”的修改未导入" + utf8.zh)
                    }
                    warnings.append(ImportProblem(table: table, line: r.line, column: nil, value: input, reason: said.en + how.en, reasonZH: said.zh + how.zh))
                    continue
                }
            }
            if Self.keepsGrade(kind, key, value, had: existing?["grade"]?.text) { continue }
            if kind == .customer && key == "grade" { grade = input } else { fields.append((key, input)) }
        }
        if let earlier, !differing.isEmpty {
            // (Another sheet's row named with its sheet: the 联系人 sheet's line 2 was said to be
            // the same contact as line 2, the 客户 sheet's: helper-146.)
            if differingSources.isEmpty { differingSources[earlier.table] = [earlier.line] }
            let sources = differingSources.sorted { ($0.key == table ? 0 : 1, $0.key) < ($1.key == table ? 0 : 1, $1.key) }
            // (Said as the file's kind says its rows: 本工作表第 2 行 in a workbook, it was 第 2 行.)
            let places = sources.map { format.place($0.key, lines: $0.value.sorted(), from: table) }
            let (en, zh) = (places.map(\.en), places.map(\.zh))
            warnings.append(ImportProblem(
                table: table, line: r.line,
                reason: "the same record as \(en.joined(separator: " and ")) with other values (\(differing.map(\.en).joined(separator: ", "))): this later row's values are used",
                reasonZH: "本行与\(zh.joined(separator: "、"))是同一\(kind.zh)，但\(differing.map(\.zh).joined(separator: "、"))不一致，导入时将以本行内容为准"))
        }
        var changed = false
        if !fields.isEmpty {
            _ = add(.edit(kind, ref, fields: fields), row)
            changed = true
        }
        if let grade {
            let why = r.gradeReason.flatMap { $0.isPlaceholderReason ? nil : $0 } ?? "根据导入文件“\(fileName)”调整"
            _ = add(.setGrade(ref, grade: grade, reason: why), row)
            changed = true
            // A grade an archive customer had changed by a file without a reason of its own,
            // which regulation 6.2 asks for and `customer grade` requires: said, with the reason
            // recorded and where to give one (it changed without a word: helper-127).
            // An earlier row's note on the record's grade gives way to this row's: the import
            // records one change, from the archive's grade to the last row's (A → B, then B → A
            // said the grade would go from A to A: CustomerArchive's netsEdits).
            if existing != nil, let earlier, earlier.fields.contains(where: { $0.0 == "grade" }) {
                let source = earlier.source(of: "grade")
                warnings.removeAll { $0.table == source.table && $0.line == source.line && $0.value != nil && $0.reasonZH.contains("的等级将从") }
            }
            if let existing, (r.gradeReason ?? "").isPlaceholderReason, let to = Grade.parse(grade),
               case let from = Grade(rawValue: existing["grade"]?.text ?? "") ?? .unrated, from != to {
                let name = existing.displayName
                // (A column that gives one saying nothing, 。 or 无, is said as such: the note
                // asked for the column it had: helper-129.)
                let given = (r.gradeReason ?? "").trimmedWhitespace
                let how = given.isEmpty
                    ? (en: "give it in a column 等级调整原因", zh: "可在文件中加一列“等级调整原因”填写")
                    : (en: "the column 等级调整原因 gives \"\(given)\", which says nothing: write what happened there", zh: "“等级调整原因”列填写的“\(given)”不能作为原因，请写明具体理由")
                // (Its column named: a JSON file's note said only “客户”第 1 条记录，值“A”: helper-167.)
                warnings.append(ImportProblem(
                    table: table, line: r.line, column: gradeColumn, value: grade,
                    reason: "the grade of \(name) goes from \(from.label(zh: false)) to \(to.label(zh: false)), with the reason: \(why); the rules ask for a reason: \(how.en), or change the grade with customer grade --reason; check that this is meant",
                    reasonZH: "客户“\(name)”的等级将从“\(from.label(zh: true))”调整为“\(to.label(zh: true))”，原因记为：\(why)。制度要求写明调整原因，\(how.zh)，或改用 salesvault customer grade … --reason 调整。请核实"))
            }
        }
        return changed ? .updated : .unchanged
    }
}
