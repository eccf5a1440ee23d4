import Foundation
import VaultFormat

/// A change set being planned (RECORDS.md §8): the archive's state plus the events of the
/// operations planned so far, so that a later operation sees what an earlier one created. Every
/// operation (Operations.swift, Complaints.swift) runs against a draft; nothing reaches the disk
/// until `CustomerArchive.commit(_:)`.
public final class ChangeDraft {
    unowned let archive: CustomerArchive
    /// The state the operations see: the archive's, plus this draft's events.
    public private(set) var state: ArchiveState
    /// The time every event of the set is recorded at.
    public let now: Int64
    /// The events staged so far, in order (one flat array: a million operations do not need a
    /// million arrays).
    private(set) var staged: [ChangeEvent] = []
    /// The record each operation created, by operation number (from 1; index 0 unused), for
    /// `@n` references: an array, as operation numbers run 1, 2, 3….
    private var created: [(kind: EntityKind, id: UInt64)?] = [nil]
    /// Set by `CustomerArchive.plan` for a large change set of contact-log entries only whose
    /// results are not kept (an import of a contact log): the entries it creates are not put
    /// into the draft's state, only their ids counted (`nextID` stays right), because no
    /// operation of such a set looks one up; everything else (the customer's last contact, the
    /// checks) is as for any draft, and the commit applies every event to the archive as always.
    var logEntriesOnly = false
    /// The local day of `now` (looked up once, not once per log entry).
    lazy var today: Int32 = DateParser.localDay(now)
    /// The highest complaint number of each year, and the complaints (removed ones included)
    /// the state held when it was found: a complaint filed numbers the next without scanning
    /// every complaint again while no other has come (an import of 8,000 complaints took 7 s,
    /// each scanning all those before it: helper-143).
    var complaintNumbers: [Int: (highest: Int, complaints: Int)] = [:]
    /// Every complaint number's holders, and the complaints (removed ones included) the state
    /// held when they were read (`ComplaintNumbers`): a number a file gives is checked without a
    /// scan per complaint.
    var complaintHolders: (complaints: Int, numbers: ComplaintNumbers)?
    /// The numbers the change set's complaints are given (`ChangeOperation.fileComplaint`'s
    /// `number`): no complaint numbered by the next free number takes one of them.
    var reservedComplaintNumbers: Set<String> = []
    /// The number of the operation being planned (from 1).
    var operationNumber = 0
    /// Set by `CustomerArchive.plan` for an import's set: a record's edit staged when the last
    /// event that touched the record was an edit too, or its creation alone, is merged into that
    /// one (RECORDS.md §8), so that several rows of one record in a file record its net change
    /// (上海 → 北京, then 北京 → 广州, then 广州 → 上海 recorded three changes for none;
    /// helper-97, helper-99).
    var netsEdits = false
    /// The staged event that last touched each record, when it is an edit's or the record's
    /// creation alone (`netsEdits`).
    private var lastEdit: [RecordKey: Int] = [:]
    /// The staged grade change of each customer (`netsEdits`): a later one of the same customer
    /// is merged into it (A → B, then B → A recorded two grade changes for none, and the weekly
    /// report showed both).
    private var lastGrade: [UInt64: Int] = [:]
    /// Staged edits that a later one undid whole (left out of `events`).
    private var emptied: Set<Int> = []
    struct RecordKey: Hashable { let kind: EntityKind; let id: UInt64 }
    /// Whether a name that finds nothing is answered with the names close to it: for a command's
    /// few operations (`log add 南京地跌` said only "not found" while `customer show` named the
    /// near ones: helper-129), not for an import's, which may miss many names.
    var suggestsNames = false
    /// Whether dates may be a month and day alone (12月1日): a change typed in a command, not a
    /// file's (ChangeSet.plan).
    var readsDatesWithoutYear = false
    /// `ChangeSet.removedMayBeNamed`: removed contacts a record may name anew (`kept`).
    var removedMayBeNamed: Set<UInt64> = []
    /// Names of the draft's records, for lookups in constant time.
    var names = NameIndex()

    init(_ archive: CustomerArchive, now: Int64) {
        self.archive = archive
        self.state = archive.state
        self.now = now
    }

    public var events: [ChangeEvent] { emptied.isEmpty ? staged : staged.indices.filter { !emptied.contains($0) }.map { staged[$0] } }
    public var eventCount: Int { staged.count - emptied.count }

    /// Stages `events` for the current operation: checked against the draft's state (creates are
    /// new, changes target existing records, every value within RECORDS.md §2's limits), then
    /// applied to it. Nothing is staged when a check fails.
    /// `edit`: the events are an edit's (`ChangeDraft.edit`), which `netsEdits` may merge.
    /// `grade`: the event is a customer's grade change, which `netsEdits` merges with the
    /// customer's earlier one of the set (the grade from its first old value to its last new
    /// one, with the last reason and notes; none when that is no change).
    func commit(_ events: [ChangeEvent], now: Int64, edit: Bool = false, grade: Bool = false) throws {
        try Limits.check(events)
        let batch = ChangeBatch(at: now, actor: archive.actor, events: events)
        try state.check(batch)
        // The records before and after, only for kinds whose names the index holds so far.
        let before = events.map { names.tracks($0.kind) ? state.entities($0.kind, $0.id) : nil }
        if logEntriesOnly {
            try state.applyEvents(batch, countingOnly: .activity)
        } else {
            try state.applyEvents(batch)
        }
        for (e, old) in zip(events, before) where names.tracks(e.kind) { names.update(e.kind, before: old, after: state.entities(e.kind, e.id)) }
        if netsEdits {
            // (Applied to the state above as staged; the net event below gives the same state.)
            if grade, events.count == 1, let e = events.first, e.kind == .customer {
                if let at = lastGrade[e.id] {
                    staged[at] = Self.netGrade(staged[at], then: e)
                    if staged[at].changes.isEmpty { emptied.insert(at) } else { emptied.remove(at) }
                    return
                }
                lastGrade[e.id] = staged.count
                lastEdit[RecordKey(kind: e.kind, id: e.id)] = nil
                staged.append(e)
                return
            }
            if edit, events.count == 1, let e = events.first, e.operation == .update, let at = lastEdit[RecordKey(kind: e.kind, id: e.id)] {
                staged[at] = Self.net(staged[at], then: e)
                if staged[at].changes.isEmpty { emptied.insert(at) } else { emptied.remove(at) }
                return
            }
            for e in events { lastEdit[RecordKey(kind: e.kind, id: e.id)] = nil }
            if events.count == 1, let e = events.first, (edit && e.operation == .update) || e.operation == .create {
                lastEdit[RecordKey(kind: e.kind, id: e.id)] = staged.count
            }
        }
        staged.append(contentsOf: events)
        if operationNumber >= created.count { created.append(contentsOf: repeatElement(nil, count: operationNumber - created.count + 1)) }
        for e in events where e.operation == .create && created[operationNumber] == nil { created[operationNumber] = (e.kind, e.id) }
    }

    /// Two grade changes of one customer as one: the grade from the first's old value to the
    /// second's new one, with the second's reason and notes; no change at all when the grade
    /// ends where it started.
    static func netGrade(_ first: ChangeEvent, then: ChangeEvent) -> ChangeEvent {
        let field = Schema.number(.customer, "grade")
        let old = first.changes.first { $0.field == field }?.old
        guard let new = then.changes.first(where: { $0.field == field })?.new, new != old else {
            return ChangeEvent(first.operation, first.kind, first.id, [])
        }
        return ChangeEvent(then.operation, then.kind, then.id, then.changes.map { $0.field == field ? FieldChange(field: field, old: old, new: new) : $0 })
    }

    /// A record's creation or update, then an update of it, as one event: each field from its
    /// first old value to its last new one, and left out when that is no change (unless the
    /// later update set it again to what it had, which a follow-up set again records on purpose;
    /// a field a creation gave and the update cleared is left out of the creation).
    static func net(_ first: ChangeEvent, then: ChangeEvent) -> ChangeEvent {
        var changes = first.changes
        for c in then.changes {
            guard let i = changes.firstIndex(where: { $0.field == c.field }) else { changes.append(c); continue }
            let net = FieldChange(field: c.field, old: changes[i].old, new: c.new)
            if net.old == net.new && (c.old != c.new || net.new == nil) { changes.remove(at: i) } else { changes[i] = net }
        }
        return ChangeEvent(first.operation, first.kind, first.id, changes)
    }

    func newID() -> UInt64 { state.nextID }

    /// Hands the draft's state and events to a background thread to be freed there (a large
    /// change set's draft holds a record per row: freeing it took a second of the import);
    /// the draft is empty afterwards.
    func releaseInBackground() {
        var held = ArchiveState()
        swap(&held, &state)
        SalesArchive.releaseInBackground(consume held)
        var events: [ChangeEvent] = []
        swap(&events, &staged)
        SalesArchive.releaseInBackground(consume events)
    }

    /// Room for a change set's operations (tables that would grow step by step).
    func reserve(_ operations: [ChangeOperation]) {
        created.reserveCapacity(operations.count + 1)
        staged.reserveCapacity(operations.count)
        names.capacityHint = operations.count
        guard operations.count >= 1_000 else { return }
        var creates: [EntityKind: Int] = [:]
        for op in operations {
            switch op {
            case .addCustomer: creates[.customer, default: 0] += 1
            case .addContact: creates[.contact, default: 0] += 1
            case .addProject: creates[.project, default: 0] += 1
            case .logActivity: creates[.activity, default: 0] += 1
            case .fileComplaint: creates[.complaint, default: 0] += 1
            default: break
            }
        }
        for (kind, n) in creates where !(logEntriesOnly && kind == .activity) { state.reserve(kind, n) }  // (not stored then)
    }

    /// The numbers `operations` give their complaints (an import's, from its file).
    func reserveComplaintNumbers(_ operations: [ChangeOperation]) {
        for op in operations {
            switch op {
            case let .fileComplaint(_, _, _, _, _, receivedAt, number):
                if let parts = Self.keepableComplaintNumber(number, receivedAt: receivedAt) { reservedComplaintNumbers.insert(parts.number) }
            default: break
            }
        }
    }

    /// Loads the contact log into the archive (the draft's base) when an operation needs it,
    /// then replays the draft's staged events on the new base.
    func ensureContactLog() throws {
        guard !archive.contactLogLoaded else { return }
        try archive.loadContactLog()
        var s = archive.state
        try s.applyEvents(ChangeBatch(at: now, actor: archive.actor, events: events), countingOnly: logEntriesOnly ? .activity : nil)  // event by event, as staged
        state = s
        names = NameIndex()
    }

    /// A name as typed: trimmed, not empty, within the limit of any typed value.
    package static func name(_ input: String, of kind: EntityKind) throws -> String {
        let trimmed = input.trimmedWhitespace
        guard !trimmed.isEmpty else { throw ArchiveError(.missingValue, "a \(kind.en) needs a name", zh: "请填写\(kind.zh)名称") }
        guard trimmed.utf8.count <= 1024 else {
            throw ArchiveError(.invalidValue, "a name over 1 KiB is not a name (\(trimmed.prefix(40))…)", zh: "名称过长（超过 1 KiB），请检查是否粘贴有误：\(trimmed.prefix(40))……")
        }
        // NUL is no part of a name: binary data or a damaged file (it would also cut the name
        // short in any program reading it as a C string). Other control characters are kept
        // and shown escaped (THREAT-MODEL.md §13).
        guard !trimmed.unicodeScalars.contains("\u{0}") else {
            throw ArchiveError(.invalidValue, "a \(kind.en) name cannot contain the NUL character (U+0000): the text is damaged or binary; correct it and try again",
                               zh: "\(kind.zh)名称中不能含有空字符（U+0000），内容可能已损坏或是二进制数据，请更正后重试")
        }
        // 、 or - alone is no person's name (a placeholder).
        if kind == .contact, !trimmed.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) {
            throw ArchiveError(.invalidValue, "\(trimmed) is not a person's name: write the contact's name",
                               zh: "“\(trimmed)”只有符号，没有文字，不是有效的联系人姓名，请填写联系人的姓名")
        }
        // 王敏、, 、王敏, 王敏。 or 赵十、，/。: the person's name without the marks around it (they
        // were kept in the name, which was then another 王敏). (It has a letter: checked above.)
        var name = trimmed
        if kind == .contact {
            let mark = { (c: Character) in Self.personSeparators.contains(c) || c == "," || c == "。" || c.isWhitespace }
            name = String(name.drop(while: mark))
            while let end = name.last, mark(end) { name.removeLast() }
        }
        // A phone number in the name (王敏（13800138005）): the number has its own field.
        if kind == .contact {
            // (Counted over the whole name: 138-0013-8005 and 138 0013 8005 are a number too.)
            let digits = name.unicodeScalars.filter { ("0"..."9").contains($0) || ("\u{FF10}"..."\u{FF19}").contains($0) }.count
            if digits >= 7 {
                throw ArchiveError(.invalidValue, "\(name) has a phone number in the name; give the number as the mobile or phone, and the name alone",
                                   zh: "姓名“\(name)”中含有号码。请把号码填到“手机”或“电话”中，姓名只填姓名")
            }
        }
        // 王敏、李雷 in one cell or argument is two people, not a contact of that name; so is
        // 王敏 李雷, two Chinese names with a space between them (王 敏, spaced to line up
        // with three-character names, is one).
        if kind == .contact, Self.spacedPeople(name) != nil {
            throw ArchiveError(.invalidValue, "\(name) looks like several people separated by spaces; give one contact at a time (if it is one person's name, write it without the space)",
                               zh: "“\(name)”中间有空格，看起来是多位联系人。联系人姓名只能填一位，多位联系人请分别添加；如果这是一个人的姓名，请去掉空格（少数民族姓名请用“·”分隔，如“阿依古丽·买买提”）")
        }
        if kind == .contact, Self.severalPeople(name) {
            throw ArchiveError(.invalidValue, "\(name) looks like several people in one name; give one contact at a time (in a file: one per row, the others on rows of their own with the same customer)",
                               zh: "“\(name)”看起来是多位联系人。联系人姓名只能填一位，多位联系人请分别添加（导入文件中请每行填一位，其他联系人另起一行，并填写相同的客户名称）")
        }
        return name
    }

    /// `text` half-width (`CompanyName.halfWidth`) and without format characters (zero-width
    /// spaces, joiners, BOM, bidi marks): a code as it is stored and compared.
    package static func plainIdentifier(_ text: String) -> String {
        // (ASCII, nearly every code: no format character and nothing full width; the property
        // lookup of every scalar below was a cost of every customer of a large import.)
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.trimmedWhitespace }
        let visible = text.unicodeScalars.contains { $0.properties.generalCategory == .format }
            ? String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.properties.generalCategory != .format })) : text
        return CompanyName.halfWidth(visible).trimmedWhitespace
    }

    /// A phone as stored (RECORDS.md §3): full-width digits and letters as ASCII, and the signs
    /// within a number (＋ － （ ） ＃ ＊ ．), no format characters; other punctuation as written
    /// (`电话：…，…` was stored as `电话:…,…`: helper-158).
    package static func phoneForm(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.trimmedWhitespace }
        let kept = text.unicodeScalars.compactMap { u -> Unicode.Scalar? in
            if u.properties.generalCategory == .format { return nil }
            switch u.value {
            case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0xFF0B, 0xFF0D, 0xFF08, 0xFF09, 0xFF03, 0xFF0A, 0xFF0E:
                return Unicode.Scalar(u.value - 0xFEE0)
            default: return u
            }
        }
        return String(String.UnicodeScalarView(kept)).trimmedWhitespace
    }

    /// Whether a contact's name is a list of people: parts separated by 、 ， ； ; / ／ & ＆ + ＋ | ｜ \
    /// or a line break (and `,` in a name with Chinese characters: `Smith, John` is one person),
    /// at least two of them with a letter or ideograph.
    package static func severalPeople(_ name: String) -> Bool {
        if spacedPeople(name) != nil { return true }
        var separators = personSeparators
        if name.unicodeScalars.contains(where: isNameIdeograph) { separators.insert(",") }
        guard name.contains(where: separators.contains) else { return false }
        let parts = name.split(whereSeparator: separators.contains)
        return parts.filter { $0.unicodeScalars.contains { $0.properties.isAlphabetic } }.count >= 2
    }

    /// The people of `text` when it is Chinese names separated by spaces (王敏 李雷, 王敏　李雷
    /// 张伟, 王 敏 李雷, 王敏 欧阳 娜娜): nil when it is one name. A one-character part (王 敏,
    /// spaced to line up with longer names) or a compound surname (欧阳 娜娜) goes with the part
    /// after it; then two names or more, each of two to four ideographs, are several people.
    /// Names in Latin letters (John Smith) are one. Invisible format characters are not counted
    /// (赵六\u{200B} 钱七 is two).
    package static func spacedPeople(_ text: String) -> [String]? {
        // (A line break is a list's separator: `severalPeople` says so.)
        let space = { (c: Character) in c.isWhitespace && !c.isNewline }
        guard text.contains(where: space), !text.contains(where: \.isNewline) else { return nil }
        let tokens = text.split(whereSeparator: space).map { token in
            String(String.UnicodeScalarView(token.unicodeScalars.filter { $0.properties.generalCategory != .format }))
        }.filter { !$0.isEmpty }
        guard tokens.count >= 2, tokens.allSatisfy({ $0.unicodeScalars.allSatisfy(isNameIdeograph) }) else { return nil }
        var names: [(shown: String, letters: Int)] = []
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            if (token.count == 1 || compoundSurnames.contains(token)), i + 1 < tokens.count {
                names.append((token + " " + tokens[i + 1], token.count + tokens[i + 1].count))
                i += 2
            } else {
                names.append((token, token.count))
                i += 1
            }
        }
        guard names.count >= 2, names.allSatisfy({ (2...4).contains($0.letters) }) else { return nil }
        return names.map(\.shown)
    }

    /// The names to look up in `text`, a list of people (a log entry's 联系人, `--with`): parts
    /// separated by `personSeparators`, then in each part that is not one person's whole name
    /// (`isWhole`: `Smith, John`, `王和平`) the people it lists by `,` (each part again),
    /// spaces (`spacedPeople`: 王敏 李雷; ids too: R2 R3) or 和/与/及/跟 when each is a whole name
    /// (王敏和李雷). The command line and an import read a list alike (helper-97).
    package static func peopleNamed(_ text: String, isWhole: (String) -> Bool) -> [String] {
        func expand(_ part: String) -> [String] {
            if isWhole(part) { return [part] }
            if part.contains(",") {
                let subs = part.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return subs.flatMap(expand)  // (",,," names no one: the field cleared)
            }
            if let people = spacedPeople(part) { return people }
            let tokens = part.split(whereSeparator: { $0.isWhitespace })
            if tokens.count > 1, tokens.allSatisfy({ t in t.count > 1 && t.first!.isASCII && t.first!.isUppercase && t.dropFirst().allSatisfy(\.isASCIIDigit) }) {
                return tokens.map(String.init)  // R2 R3: ids
            }
            if let people = conjoinedPeople(part), people.allSatisfy(isWhole) { return people }
            return [part]
        }
        return text.split(whereSeparator: { personSeparators.contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .flatMap(expand)
    }

    /// The people of `text` when it is Chinese names joined by 和, 与, 及 or 跟 (王敏和李雷): each
    /// part two to four ideographs. Only a reading to try when no record has the whole name.
    package static func conjoinedPeople(_ text: String) -> [String]? {
        let joiners: Set<Character> = ["和", "与", "及", "跟"]
        guard text.contains(where: joiners.contains) else { return nil }
        let parts = text.split(whereSeparator: joiners.contains)
        guard parts.count >= 2, parts.count == text.filter(joiners.contains).count + 1 else { return nil }
        for part in parts {
            guard (2...4).contains(part.count), part.unicodeScalars.allSatisfy(isNameIdeograph) else { return nil }
        }
        return parts.map(String.init)
    }

    /// An ideograph a Chinese name is written in (the CJK Unified Ideographs and Extension A).
    static func isNameIdeograph(_ s: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(s.value) || (0x3400...0x4DBF).contains(s.value)
    }

    /// Chinese surnames of two characters (复姓), as people write them apart from the given name.
    static let compoundSurnames: Set<String> = [
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "司空",
        "夏侯", "轩辕", "令狐", "钟离", "闻人", "独孤", "南宫", "西门", "端木", "申屠", "澹台", "公冶", "太史",
        "万俟", "呼延", "拓跋", "百里", "东郭", "濮阳", "淳于", "单于", "赫连", "第五", "左丘", "公羊", "谷梁",
        "乐正", "漆雕", "壤驷", "公良", "梁丘", "巫马", "鲜于", "闾丘", "亓官", "仉督", "子车", "颛孙", "段干",
        "司寇", "微生", "羊舌", "东门", "南门", "哥舒", "宗政", "公西", "叱干", "完颜", "纳兰",
    ]

    /// What separates people listed in one text: 、 ， ； ; / ／ & ＆ + ＋ | ｜ \ and line breaks (and `,`
    /// where the names are Chinese).
    package static let personSeparators: Set<Character> = ["、", "，", "；", ";", "/", "／", "&", "＆", "+", "＋", "|", "｜", "\\", "\n", "\r", "\r\n", "\u{2028}", "\u{2029}"]

    package static func normalizedName(_ s: String) -> String {
        // Names of ASCII and basic CJK ideographs (nearly all): the same result in one pass over
        // the scalars, without `lowercased()` and the property tables.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var simple = true
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                if scalar.isWhiteSpaceFast { continue }
                bytes.append(v >= 0x41 && v <= 0x5A ? UInt8(v + 32) : UInt8(v))
            } else if scalar.isBasicCJKIdeograph {
                UTF8.encode(scalar) { bytes.append($0) }
            } else if v == 0xFF08 || v == 0xFF09 {  // （ ）
                bytes.append(v == 0xFF08 ? 0x28 : 0x29)
            } else {
                simple = false
                break
            }
        }
        if simple { return String(decoding: bytes, as: UTF8.self) }
        return normalizedNameGeneral(s)
    }

    /// `normalizedName` without its fast path (what the fast path is tested against).
    static func normalizedNameGeneral(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.lowercased().unicodeScalars where !scalar.isWhiteSpaceFast {
            out.append(scalar == "（" ? "(" : scalar == "）" ? ")" : scalar)
        }
        return String(out)
    }
}

// MARK: - Values from user input (RECORDS.md §4)

extension ChangeDraft {
    /// The longest text a user may type into one field.
    public static let maxInputText = 64 << 10

    /// An amount written with a sign or in accountants' brackets: the text without them, and
    /// whether that makes it negative. A sign (`-` `－` `−` `–` `+` `＋`) counts first in the
    /// text (`-¥5`, `-USD 5`), or with no digit before it and a digit after it (`¥-5`, `USD -5`,
    /// `- 5`; not `3-5万`, a range);
    /// brackets (`(5)`, `（5）`, and `(-5)` too) only around the whole. Nil for text with neither.
    static func signedAmount(_ text: String) -> (unsigned: String, negative: Bool)? {
        var s = Substring(text)
        var negative = false
        var changed = false
        if (s.hasPrefix("(") && s.hasSuffix(")")) || (s.hasPrefix("（") && s.hasSuffix("）")), s.count > 2 {
            s = s.dropFirst().dropLast()
            negative = true
            changed = true
        }
        let minus: Set<Character> = ["-", "－", "\u{2212}", "\u{2013}"]
        let plus: Set<Character> = ["+", "＋"]
        if let i = s.firstIndex(where: { minus.contains($0) || plus.contains($0) }),
           !s[..<i].unicodeScalars.contains(where: isDigit),
           let next = s[s.index(after: i)...].first(where: { !$0.isWhitespace }), next.unicodeScalars.contains(where: isDigit) || i == s.startIndex {
            if minus.contains(s[i]) { negative = true } else if negative { return nil }  // ((+5) is no form anyone writes)
            s.remove(at: i)
            changed = true
        }
        return changed ? (String(s), negative) : nil
    }

    /// What is wrong with a phone or mobile number as written (after `phoneForm`), or nil, the
    /// same in either field (people put a mobile under 电话 and a landline under 手机):
    /// - a masked number (`138****5678`, `138 xxxx 5678`, `138●●●●5678`: copied from a list that
    ///   hides digits; it was stored as a number: helper-182, helper-183);
    /// - a stray letter among its digits (138-1234-567a: the letter was dropped and the number
    ///   compared as another contact's: helper-179);
    /// - a mainland mobile number of the wrong length (10 or 12 digits, also after +86 or 86, or
    ///   with an extension after it, or as the second number of the cell: helper-179, helper-181,
    ///   helper-183), or of 11 digits not starting 13–19; under 电话 too (`1381234567` there was
    ///   taken: helper-182); 0 before a mobile (013800000001, as dialled from another city) is
    ///   the mobile;
    /// - a landline with its area code of the wrong length: 8 digits after 010 and 02X, 7 or 8
    ///   after a four-digit code (`025-8456300`, `025-845630001` were taken: helper-182), also
    ///   written after +86 without the code's 0 (`+86 25 8456300`: helper-183).
    /// An extension's x or ext, and words such as tel, are letters a cell may hold; numbers abroad
    /// (+1 …, 00852 …), numbers without an area code and service numbers are not judged.
    /// `mobile`: a mobile's field, where a number from 1 of 6 to 8 digits is no whole mobile
    /// (`1385678`, `138 5678` were taken: helper-184 N3).
    package static func phoneProblem(_ text: String, mobile: Bool = false) -> (en: String, zh: String)? {
        isPlainWholeNumber(text) ? nil : phoneProblemGeneral(text, mobile: mobile)
    }

    /// `phoneProblem` without its fast path (what the fast path is tested against).
    static func phoneProblemGeneral(_ text: String, mobile: Bool = false) -> (en: String, zh: String)? {
        if let masked = maskedDigits(text) {
            return ("has digits masked (\(masked)); write the whole number", "中有被隐藏的数字（“\(masked)”），像是从打码的名单中复制的；请填写完整号码")
        }
        let u = Array(text.utf8)
        func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
        func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
        var i = 0
        while i < u.count {
            guard isLetter(u[i]) else { i += 1; continue }
            var j = i
            while j < u.count && isLetter(u[j]) { j += 1 }
            let run = String(decoding: u[i..<j], as: UTF8.self)
            let touches = (i > 0 && isDigit(u[i - 1])) || (j < u.count && isDigit(u[j]))
            if touches, j - i <= 2, run.lowercased() != "x" {
                return ("has the letter \(run) among its digits; check the number", "中夹有字母“\(run)”，请核对号码")
            }
            i = j
        }
        // Each number of the cell (separated by / 、 , ; | and the like, or 或), its extension
        // (after x, ext, #, 转 or 分机) left out.
        let separators: Set<Character> = ["/", "／", "、", ",", "，", ";", "；", "|", "｜", "或", "\n"]
        // (A number of digits, -, spaces, brackets and + alone, as most cells are: one piece,
        // without looking for separators and extensions; an import reads 100,000 of them.)
        let plain = u.allSatisfy { isDigit($0) || $0 == 0x2D || $0 == 0x20 || $0 == 0x28 || $0 == 0x29 || $0 == 0x2B }
        for piece in plain ? [Substring(text)] : text.split(whereSeparator: { separators.contains($0) }) {
            var number = Substring(piece)
            for mark in plain ? [] : ["x", "X", "ext", "EXT", "Ext", "#", "转", "轉", "分机", "分機"] {
                if let r = number.range(of: mark), number[..<r.lowerBound].contains(where: \.isNumber) { number = number[..<r.lowerBound] }
            }
            // The digit groups as written (138 1234 5678, 138-1234-5678): an extension may follow
            // a whole number after a dash or space.
            var groups: [[UInt8]] = [], current: [UInt8] = []
            for b in number.utf8 {
                if isDigit(b) { current.append(b) } else if !current.isEmpty { groups.append(current); current = [] }
            }
            if !current.isEmpty { groups.append(current) }
            var digits = groups.flatMap { $0 }
            let plus = number.drop { !$0.isNumber && $0 != "+" }.first == "+"
            var country = false
            if plus {
                guard digits.starts(with: [0x38, 0x36]) else { continue }  // (a number abroad)
                digits.removeFirst(2)
                country = true
            } else if digits.starts(with: [0x30, 0x30, 0x38, 0x36]) {
                digits.removeFirst(4)
                country = true
            } else if digits.starts(with: [0x38, 0x36]), digits.count == 13 || (groups.first == [0x38, 0x36] && digits.count >= 11)
                        || ((11...12).contains(digits.count) && digits[2] == 0x31 && (0x33...0x39).contains(digits[3])) {
                // (86 joined to a mobile one digit or two short, 861381234567: helper-184 N3.)
                // (86 written apart before nine digits or more, 86 138…: the country code, as +86,
                // as duplicates are compared: helper-183.)
                digits.removeFirst(2)
                country = true
            }
            // After the country code, a landline without its area code's 0 (+86 25 8456300,
            // +86 10 6552 9988): judged as written with it (helper-183).
            if country, let first = digits.first, first != 0x30, first != 0x31 || (digits.count >= 2 && digits[1] == 0x30) { digits.insert(0x30, at: 0) }
            // (0 before a mobile, as it was dialled from another city: 013800000001; no area
            // code but 010 starts 01.)
            var zeroBefore = false
            if digits.starts(with: [0x30, 0x31]), digits.count >= 3, digits[2] != 0x30 {
                digits.removeFirst()
                zeroBefore = true
            }
            let tail = groups.count >= 2 ? groups[groups.count - 1].count : 0
            // (For messages only.)
            var shown: String { String(number.trimmingCharacters(in: .whitespaces)) }
            var whole: Bool { shown == text.trimmingCharacters(in: .whitespaces) }
            if digits.first == 0x30, digits.count >= 2, digits[1] != 0x30 {
                // A landline with its area code (00…: a number abroad).
                let threeDigitCode = digits[1] == 0x31 || digits[1] == 0x32
                func fits(_ n: Int) -> Bool { threeDigitCode ? n == 11 : (11...12).contains(n) }
                if fits(digits.count) { continue }
                // (0571-87654321-8001, 021 6888 8888 12: a whole number and its extension.)
                if (1...5).contains(tail), groups[groups.count - 2].count >= 3, fits(digits.count - tail) { continue }
                guard (9...13).contains(digits.count) else { continue }
                let which = whole ? ("", "") : (" (\(shown))", "中的“\(shown)”")
                // (02-2345-6789: Taipei's number as written there; no area code of the mainland
                // has two digits: it was said to be 022's: helper-183.)
                if !country, let code = groups.first, code.count == 2 {
                    let written = String(decoding: code, as: UTF8.self)
                    return ("\(which.0.isEmpty ? "" : "has a number\(which.0) whose ")area code \(written) is none of mainland China's (010, 02X, or four digits such as 0571); write a number in Taiwan as +886 \(written.dropFirst()) …",
                            which.1 + "区号“\(written)”不是大陆的区号（大陆区号为 010、02X 或四位数，如 0571）；如为台湾号码，请写成“+886 \(written.dropFirst()) …”")
                }
                let codeLength = threeDigitCode ? 3 : 4
                let code = String(decoding: digits.prefix(codeLength), as: UTF8.self)
                let after = digits.count - codeLength
                return ("has\(which.0) \(after) digits after the area code \(code), which takes \(threeDigitCode ? "8" : "7 or 8"): check for a digit left out or typed twice",
                        which.1 + "区号 \(code) 后是 \(after) 位号码，应为 \(threeDigitCode ? "8" : "7 或 8") 位，请核对是否少输或多输了一位")
            }
            // (Five digits are a service number: 10086, 12345.)
            if mobile, digits.first == 0x31, (6...8).contains(digits.count), !(groups.count >= 2 && groups[0] == [0x31]) {
                return ((whole ? "has only \(digits.count) digits" : "has a number of only \(digits.count) digits (\(shown))") + ": no whole mobile number (a mobile number in mainland China has 11); check for digits left out",
                        (whole ? "" : "中的“\(shown)”") + "只有 \(digits.count) 位数字，不是完整的手机号（大陆手机号为 11 位），请核对是否漏输")
            }
            guard digits.first == 0x31, (9...13).contains(digits.count) else { continue }
            // (1-212-555-0100, (1) 415 …: a country code 1 written alone before the number, as
            // North American numbers are; no mainland mobile is written so: helper-182.)
            if groups.count >= 2, groups[0] == [0x31] { continue }
            // (10 6552 9988: Beijing's number without its 0, no mobile.)
            if digits[1] == 0x30 && digits.count != 11 { continue }
            if digits.count == 11 {
                // (1381234567-1: ten digits and an extension read as eleven.)
                if (1...3).contains(tail), digits.count - tail == 10, groups[groups.count - 2].count >= 3 {
                    return ("has 10 digits before its extension; a mobile number in mainland China has 11: check for a digit left out",
                            "是 10 位数字（后面是分机号），大陆手机号应为 11 位，请核对是否少输了一位")
                }
                guard (0x33...0x39).contains(digits[1]) else {
                    return ("is not a mobile number in mainland China (they start 13 to 19); check the number, or write a number abroad with its country code (+1 212 555 0100)",
                            "不是有效的大陆手机号（应以 13–19 开头），请核对号码；如为境外号码，请写成“+国家代码 号码”，如 +1 212 555 0100")
                }
                continue
            }
            // (13812345678-1: a whole number and its extension.)
            if (1...4).contains(tail), digits.count - tail == 11 { continue }
            let counted = zeroBefore ? (" after its leading 0", "（不计开头的 0）") : country ? (" after the country code", "（不计国家代码 86）") : ("", "")
            return ((whole ? "has \(digits.count) digits" : "has a number of \(digits.count) digits (\(shown))") + counted.0 + "; a mobile number in mainland China has 11: check for a digit left out or typed twice",
                    (whole ? "" : "中的“\(shown)”") + counted.1 + "是 \(digits.count) 位数字，大陆手机号应为 11 位，请核对是否少输或多输了一位")
        }
        return nil
    }

    /// Whether `text` is, in one pass over its bytes, a whole mainland number that
    /// `phoneProblem` has nothing to say of: only digits, `-`, spaces and brackets, no +, and a
    /// landline with its area code of the right length (021-60000001, (0571) 8765 4321) or a
    /// mobile of 11 digits from 13 to 19. What it is not sure of goes the long way. (Every phone
    /// cell of an import is checked: the long way cost 60 ms for 100,000.)
    static func isPlainWholeNumber(_ text: String) -> Bool {
        var count = 0, first: UInt8 = 0, second: UInt8 = 0, third: UInt8 = 0
        var group = 0, last = 0  // (the digits of the group being read, and of the one before)
        for b in text.utf8 {
            if b >= 0x30 && b <= 0x39 {
                if count == 0 { first = b } else if count == 1 { second = b } else if count == 2 { third = b }
                count += 1
                group += 1
            } else if b != 0x2D && b != 0x20 && b != 0x28 && b != 0x29 {
                return false
            } else if group > 0 {
                last = group
                group = 0
            }
        }
        if group > 0 { last = group }
        if first == 0x30 {
            guard second != 0x30, !(second == 0x31 && third != 0x30) else { return false }
            return second == 0x31 || second == 0x32 ? count == 11 : (count == 11 || count == 12)
        }
        // (A mobile whose last group is short may be ten digits and an extension: 1381234567-1.)
        return first == 0x31 && count == 11 && second >= 0x33 && (last >= 4 || last == count)
    }

    /// The masking characters of a phone cell that has digits besides (`138****5678`, `138 xxxx
    /// 5678`, `138●●●●5678`, `138……5678`), as written; nil when none: any of * ● • ○ ■ □ × ※ ? …
    /// ✱ beside digits (one * after a whole number is its extension: 0571-88888888*8001), or two
    /// or more of x 〇 · # . in a row between digits (spaces set aside; three dots at least),
    /// or three right beside a digit. One x or # is an extension (x801, #801) (helper-183,
    /// helper-184 N2, N10).
    static func maskedDigits(_ text: String) -> String? {
        let always: Set<Unicode.Scalar> = ["*", "＊", "●", "•", "○", "◯", "■", "□", "×", "※", "?", "？", "…", "✱", "⁎", "∗"]
        let inRuns: Set<Unicode.Scalar> = ["x", "X", "ｘ", "Ｘ", "〇", "·", "#", "＃", ".", "．"]
        // (Most cells have none: no copy of their scalars then; an import reads 100,000.)
        if text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x2A && $0 != 0x3F && $0 != 0x23 && $0 != 0x2E && $0 | 0x20 != 0x78 }) { return nil }
        guard text.unicodeScalars.contains(where: { always.contains($0) || inRuns.contains($0) }) else { return nil }
        let scalars = Array(text.unicodeScalars)
        func digit(_ u: Unicode.Scalar?) -> Bool { u.map { ("0"..."9").contains($0) } ?? false }
        guard scalars.contains(where: { digit($0) }) else { return nil }
        var i = 0
        while i < scalars.count {
            let u = scalars[i]
            guard always.contains(u) || inRuns.contains(u) else { i += 1; continue }
            var j = i
            while j < scalars.count && (always.contains(scalars[j]) || inRuns.contains(scalars[j])) { j += 1 }
            let run = String(String.UnicodeScalarView(scalars[i..<j]))
            let before = scalars[..<i].last { $0 != " " }, after = scalars[j...].first { $0 != " " }
            if run.unicodeScalars.contains(where: { always.contains($0) }) {
                // (One * after seven digits or more, then digits: an extension.)
                let digitsBefore = scalars[..<i].filter { digit($0) }.count
                if run == "*" || run == "＊", digitsBefore >= 7, digit(after) { i = j; continue }
                if digit(before) || digit(after) { return run }
                i = j
                continue
            }
            let dots = run.unicodeScalars.allSatisfy { $0 == "." || $0 == "．" }
            let least = dots ? 3 : 2
            if j - i >= least {
                // (Between digits, spaces set aside; or three at least right after or before one:
                // 138XXXX, 0571-8765xxxx.)
                if digit(before) && digit(after) { return run }
                if j - i >= 3, digit(i > 0 ? scalars[i - 1] : nil) || digit(j < scalars.count ? scalars[j] : nil) { return run }
            }
            i = j
        }
        return nil
    }

    /// Whether a text field holds a phone number (at least one digit, ASCII or full width).
    @inline(__always) package static func isPhoneField(_ key: String) -> Bool { key == "phone" || key == "mobile" }
    package static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) || ("\u{FF10}"..."\u{FF19}").contains(s) }

    /// A typed value from user input for every type but references (which need the state):
    /// what an import checks cell by cell before planning, with the same rules as every command.
    /// `withoutYear`: a date may be a month and day alone (12月1日), as a command takes it: every
    /// date field is a day to come, so the next such day (`DateParser.YearlessDate.upcoming`);
    /// a file's cell must give its year.
    public static func value(for spec: FieldSpec, input: String, now: Int64, withoutYear: Bool = false) throws -> FieldValue? {
        let text = input.trimmedWhitespace
        if text.isEmpty { return nil }
        guard text.utf8.count <= Self.maxInputText else {
            throw ArchiveError(.invalidValue, "\(spec.key): text over 64 KiB", zh: "\(spec.zh)内容过长（上限 64 KiB），请精简")
        }
        switch spec.type {
        case .text:
            if Self.isPhoneField(spec.key), !text.unicodeScalars.contains(where: Self.isDigit) {
                // (选填, 见名片, 联系方式 taken as a phone: search and duplicates found nothing by it.)
                let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
                throw ArchiveError(.invalidValue, "\(spec.key): \(shown) is not a phone number (it has no digit 0–9); write the number, or leave it empty",
                                   zh: "\(spec.zh)填的是“\(shown)”，不是电话号码；请填写号码，没有可留空")
            }
            if Self.isPhoneField(spec.key) {
                // Digits typed in full width (１３８…, a Chinese input method's) stored as the ASCII
                // they stand for, as an import stores them: search found nothing by 138… (helper-110).
                let formed = Self.phoneForm(text)
                if let problem = Self.phoneProblem(formed, mobile: spec.key == "mobile") {
                    let shown = formed.count > 40 ? String(formed.prefix(40)) + "…" : formed
                    throw ArchiveError(.invalidValue, "\(spec.key): \(shown) \(problem.en)", zh: "\(spec.zh)“\(shown)”\(problem.zh)")
                }
                return .text(formed)
            }
            if spec.key == "code" || spec.key == "creditCode" {
                // A code as the import reads one: full-width letters and digits as ASCII, no
                // invisible characters (ＢＪ０１ or BJ\u{200B}01 beside BJ01 looked the same and
                // were two codes).
                let folded = Self.plainIdentifier(text)
                if spec.key == "creditCode", !folded.isEmpty {
                    let shown = folded.count > 40 ? String(folded.prefix(40)) + "…" : folded
                    // GB 32100-2015's check character, on every path (an import checked it,
                    // `customer add --set creditCode=` did not); stored as the standard writes it.
                    switch CreditCode.check(folded) {
                    case .valid(let code): return .text(code)
                    case .placeholder:
                        throw ArchiveError(.invalidValue, "\(spec.key): eighteen zeros is no company's code; leave it empty when it is not known",
                                           zh: "“\(shown)”是占位数字，不是真实的统一社会信用代码；如不清楚请留空")
                    case .malformed:
                        throw ArchiveError(.invalidValue, "\(spec.key): \(shown) is not a unified social credit code: 18 digits or capitals (without I, O, Z, S, V)",
                                           zh: "“\(shown)”不是有效的统一社会信用代码：应由 18 位数字或字母组成（字母不含 I、O、S、V、Z）")
                    case .wrongCheckDigit(let expected):
                        throw ArchiveError(.invalidValue, "\(spec.key): the check character of \(shown) is wrong (GB 32100-2015 gives \(expected)); check the code for a typing mistake",
                                           zh: "统一社会信用代码“\(shown)”的校验位（最后一位）有误，按 GB 32100-2015 应为 \(expected)，请对照营业执照逐位核对")
                    }
                }
                return folded.isEmpty ? nil : .text(folded)
            }
            return .text(text)
        case .integer:
            guard let v = Int64(text) else { throw ArchiveError(.invalidValue, "\(spec.key): \(input) is not a number", zh: "\(spec.zh)须填写数字，“\(input)”不是数字") }
            return .int(v)
        case .instant:
            throw ArchiveError(.invalidValue, "\(spec.key) is set by SalesVault, not typed in", zh: "\(spec.zh)由系统记录，不能手工填写")
        case .money:
            // (-5, －5, −5, –5, ¥-5, USD -5, (5), （5） and (-5) are negative amounts as people write
            // them: said so. +5 and -0 are amounts.)
            if let signed = Self.signedAmount(text), let m = Money.parse(signed.unsigned) {
                guard !signed.negative || m.minorUnits == 0 else {
                    throw ArchiveError(.invalidValue, "\(spec.key): an amount cannot be negative; write 0 or a positive amount, or leave it empty",
                                       zh: "\(spec.zh)不能为负数，请填写 0 或正数，或留空")
                }
                return .money(m)
            }
            guard let m = Money.parse(text) else {
                if let any = Money.parseAnyFraction(text), Money.zeroDecimal.contains(any.currency) {
                    throw ArchiveError(.invalidValue, "\(spec.key): \(text) has decimals, and 1 is the smallest amount in \(any.currency); write a whole amount",
                                       zh: "\(spec.zh)“\(text)”带有小数，但\(any.currency == "JPY" ? "日元" : any.currency == "KRW" ? "韩元" : any.currency)金额不能有小数，请填写整数金额")
                }
                switch Money.refusal(text) {
                case .finerThanHundredth?:
                    // (1E-07 in a 万元 column was stored as 0.00; 0.001 was "not an amount".)
                    throw ArchiveError(.invalidValue, "\(spec.key): \(text) is finer than a cent (0.01), the smallest amount kept; round it to the cent",
                                       zh: "\(spec.zh)“\(text)”小数位过多：金额最多精确到分，请四舍五入到分后再填")
                case .tooLarge?:
                    throw ArchiveError(.invalidValue, "\(spec.key): \(text) is too large to be kept as an amount; check the number for a typing mistake",
                                       zh: "\(spec.zh)“\(text)”过大，超出可保存的范围，请核对是否录错（如多输了 0 或单位填错）")
                case nil: break
                }
                if text.hasSuffix("%") || text.hasSuffix("％") {
                    // (A percentage cell in an amount column of a spreadsheet: 0.5 shown as 50%.)
                    throw ArchiveError(.invalidValue, "\(spec.key): \(text) is a percentage, not an amount; if a spreadsheet cell shows it, set the cell's format to General or Number and type the amount again",
                                       zh: "\(spec.zh)显示为“\(text)”，这是百分比，无法识别为金额。如果是 Excel 单元格被设成了百分比格式，请把格式改为“常规”或“数值”，再重新填写金额")
                }
                throw ArchiveError(.invalidValue, "\(spec.key): \(text) is not an amount (e.g. 300万, 3,000,000, ¥3000000.50, USD 1200)",
                                   zh: "\(spec.zh)“\(text)”无法识别为金额，请写成 300万、3,000,000、¥3000000.50 或 USD 1200 等形式")
            }
            guard m.minorUnits >= 0 else {
                throw ArchiveError(.invalidValue, "\(spec.key): an amount cannot be negative; write 0 or a positive amount, or leave it empty", zh: "\(spec.zh)不能为负数，请填写 0 或正数，或留空")
            }
            return .money(m)
        case .date: return .day(try DateParser.parse(text, now: now, yearless: withoutYear ? .upcoming : .refused))
        case .flag:
            switch Vocab.fold(text) {
            case "yes", "y", "true", "1", "是", "对", "√": return .flag(true)
            case "no", "n", "false", "0", "否", "不是", "×": return .flag(false)
            default: throw ArchiveError(.invalidValue, "\(spec.key): answer yes or no", zh: "\(spec.zh)请填“是”或“否”")
            }
        case .vocabulary(let vocabulary):
            guard let code = vocabulary.parse(text) else {
                if let disagreeing = disagreement(spec, vocabulary, text) { throw disagreeing }
                throw ArchiveError(.invalidValue, "\(spec.key): \(Self.quoted(text)) is not one of \(vocabulary.labels(zh: false).joined(separator: ", "))",
                                   zh: "无法识别\(spec.zh)“\(Self.quoted(text))”，请填以下之一：\(vocabulary.labels(zh: true).joined(separator: "、"))")
            }
            return .text(code)
        case .reference, .references:
            throw ArchiveError(.invalidValue, "\(spec.key) names another record; it is looked up when the change is planned",
                               zh: "\(spec.zh)关联其他记录，须在核对整批更改时查找")
        }
    }

    /// Converts user input to a value of the field's type; nil for an empty input (clears).
    /// `keeping`: the records the field names already (an edit's record): one of them removed
    /// since, named by its id, is kept (an unchanged export imported back, or a project's other
    /// decision makers edited, named a removed one: helper-185 F3 b); named anew, refused.
    public func value(for spec: FieldSpec, kind: EntityKind, input: String, now: Int64, customer: UInt64? = nil, keeping: [UInt64] = []) throws -> FieldValue? {
        let text = input.trimmedWhitespace
        if text.isEmpty { return nil }
        guard text.utf8.count <= Self.maxInputText else { return try Self.value(for: spec, input: input, now: now) }  // throws "over 64 KiB"
        switch spec.type {
        case .reference(let target):
            if let gone = kept(target, text, keeping) { return .ref(gone.id) }
            return .ref(try resolve(target, text).id)
        case .references(let target):
            let people = try resolveList(target, text, customer: target == .contact ? customer : nil, keeping: keeping)
            // A project's decision makers are its customer's people, as a log entry's are (another
            // customer's, named by its id, was taken: helper-170).
            if target == .contact, let customer, let c = state.entity(.customer, customer) {
                for p in people where p["customer"]?.ref != customer {
                    throw ArchiveError(.invalidValue, "\(spec.key): \(p.displayName) (\(p.shortID)) is not a contact of \(c.displayName)", zh: "\(spec.zh)：“\(p.displayName)”（\(p.shortID)）是其他客户的联系人，不属于\(c.displayName)")
                }
            }
            let ids = people.map(\.id)
            if ids.isEmpty { return nil }
            guard ids.count <= Limits.maxRefs else { throw ArchiveError(.invalidValue, "\(spec.key): more than \(Limits.maxRefs) references", zh: "\(spec.zh)最多关联 \(Limits.maxRefs) 条记录") }
            return .refs(ids)
        default:
            return try Self.value(for: spec, input: input, now: now, withoutYear: readsDatesWithoutYear)
        }
    }

    /// The removed record of `target` that `text` names by its id (`R3`, or `李工（R3）` as
    /// `project show` shows it, the name its own), when `keeping` holds it; nil otherwise.
    func kept(_ target: EntityKind, _ text: String, _ keeping: [UInt64]) -> Entity? {
        guard !keeping.isEmpty || (target == .contact && !removedMayBeNamed.isEmpty) else { return nil }
        let written = Self.nameWithID(text, prefix: target.idPrefix)
        let id = (written?.id ?? text.trimmingCharacters(in: .whitespaces).uppercased())
        guard id.hasPrefix(target.idPrefix), let n = UInt64(id.dropFirst(target.idPrefix.count)),
              keeping.contains(n) || (target == .contact && removedMayBeNamed.contains(n)),
              let e = state.entityIncludingRemoved(target, n), e.removed else { return nil }
        if let name = written?.name, CompanyName.personKey(e["name"]?.text ?? "") != CompanyName.personKey(name) { return nil }
        return e
    }

    /// Whether `name` holds `text` but for one character in its place (华为技术有限公司 holds
    /// 华伪技术 so): a typo's likely record.
    static func holdsButForOne(_ name: [Character], _ text: [Character]) -> Bool {
        guard name.count >= text.count else { return false }
        for start in 0...(name.count - text.count) {
            var differ = 0
            for (i, c) in text.enumerated() where name[start + i] != c {
                differ += 1
                if differ > 1 { break }
            }
            if differ == 1 { return true }
        }
        return false
    }

    /// `张总（R2）` or `张总(R2)` (an id of `prefix` in brackets after a name) as the name and
    /// the id; nil for any other text.
    /// A removed person as `project show` and `complaint show` show one, 李工（R3，已移除）, as
    /// 李工（R3）: the command line's lists and an import's references read it so.
    package static func removedShownPlain(_ text: String) -> String {
        var text = text
        for (shown, plain) in [("，已移除）", "）"), ("，已移除)", ")"), (", removed)", ")")] where text.contains(shown) {
            text = text.replacingOccurrences(of: shown, with: plain)
        }
        return text
    }

    package static func nameWithID(_ text: String, prefix: String) -> (name: String, id: String)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasSuffix("）") || t.hasSuffix(")"), let open = t.lastIndex(where: { $0 == "（" || $0 == "(" }) else { return nil }
        // (Ｒ３ as R3, as a bare id is read: helper-186 F8.)
        let id = CompanyName.halfWidth(String(t[t.index(after: open)..<t.index(before: t.endIndex)])).trimmingCharacters(in: .whitespaces).uppercased()
        let name = t[..<open].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, id.hasPrefix(prefix), id.count > prefix.count, id.dropFirst(prefix.count).allSatisfy(\.isASCIIDigit) else { return nil }
        return (name, id)
    }

    /// The records one text names (a log's 联系人, `log add --with`): parts separated by the marks
    /// a person's name cannot list people with (`personSeparators`: 王敏/李雷 is two, as 王敏、李雷
    /// is) or by `,`, each looked up, each record once. A part with `,` that is one record's whole
    /// name (`Smith, John`, a name `contact add` takes; also in `Smith, John、王敏`, as an export
    /// writes it) is that record (it was Smith and John). With `customer`, a contact is looked
    /// for among that customer's first (`log add 华为 … --with 王敏` was ambiguous with another
    /// customer's 王敏: helper-94).
    func resolveList(_ target: EntityKind, _ text: String, customer: UInt64? = nil, keeping: [UInt64] = []) throws -> [Entity] {
        var out: [Entity] = []
        func add(_ e: Entity) { if !out.contains(where: { $0.id == e.id }) { out.append(e) } }  // (named twice: once)
        func find(_ part: String) throws -> Entity {
            if let gone = kept(target, part, keeping) { return gone }
            // A name with its id in brackets, as `project show` shows a decision maker (张总（R2）):
            // that record, when the name is its (it was looked for as a person named so:
            // helper-183 F13).
            if let (name, id) = Self.nameWithID(part, prefix: target.idPrefix) {
                // (Another's id, removed: said so before "removed": helper-188.)
                if let n = UInt64(id.dropFirst(target.idPrefix.count)), let other = state.entityIncludingRemoved(target, n),
                   CompanyName.personKey(other["name"]?.text ?? "") != CompanyName.personKey(name) {
                    throw ArchiveError(.notFound, "\(part): \(id) is \(other.displayName)\(other.removed ? " (removed)" : ""), not \(name); check the name or the id",
                                       zh: "“\(part)”中的 \(id) 对应的是\(other.removed ? "已移除的" : "")\(target.zh)“\(other.displayName)”，而不是“\(name)”，请核对姓名或编号")
                }
                let e = try resolve(target, id)
                guard CompanyName.personKey(e["name"]?.text ?? "") == CompanyName.personKey(name) else {
                    throw ArchiveError(.notFound, "\(part): \(id) is \(e.displayName), not \(name); check the name or the id",
                                       zh: "“\(part)”中的 \(id) 对应的是\(target.zh)“\(e.displayName)”，而不是“\(name)”，请核对姓名或编号")
                }
                return e
            }
            // An id (R12) or a record of this change (@3): as `resolve` finds them (an import's
            // references), without looking at any name.
            let isID = part.hasPrefix("@") || (part.hasPrefix(target.idPrefix) && part.dropFirst(target.idPrefix.count).allSatisfy(\.isASCIIDigit) && part.count > target.idPrefix.count)
            if let customer, !isID {
                // This customer's people: the same name (as written alike), else the one whose
                // name holds the text.
                let key = CompanyName.personKey(part), folded = part.lowercased()
                var named: [Entity] = [], near: [Entity] = [], theirs: [Entity] = []
                state.each(target) { e in
                    guard e["customer"]?.ref == customer else { return }
                    theirs.append(e)  // (for the message when none is found: one pass, helper-138)
                    if CompanyName.personKey(e["name"]?.text ?? "") == key { named.append(e) }
                    else if Lookup.names(of: e).contains(where: { $0.contains(folded) }) { near.append(e) }
                }
                if named.isEmpty && near.isEmpty && !theirs.isEmpty {
                    // 張偉 for 张伟, 李华 for 李華: in simplified characters (helper-139).
                    let fold = CompanyName.Simplified.fold
                    if CompanyName.Simplified.hasTraditional(part) || theirs.contains(where: { CompanyName.Simplified.hasTraditional($0["name"]?.text ?? "") }) {
                        let key = CompanyName.personKey(fold(part))
                        named = theirs.filter { CompanyName.personKey(fold($0["name"]?.text ?? "")) == key }
                    }
                }
                if named.count == 1 { return named[0] }
                // This customer's people removed: one of the name is said removed, not another
                // whose name holds it taken (张伟 removed, 张伟明 took the log entry and the
                // project's decision: helper-184 N9); one whose name holds it is asked about.
                if named.isEmpty {
                    // (In simplified characters on both sides: 張偉 removed, 张伟 typed, took 张伟明:
                    // helper-185 F1.)
                    let fold = CompanyName.Simplified.fold
                    let simpleKey = CompanyName.personKey(fold(part)), simple = fold(folded)
                    var goneNamed: [Entity] = [], goneNear: [Entity] = []
                    state.eachIncludingRemoved(target) { e in
                        guard e.removed, e["customer"]?.ref == customer else { return }
                        if CompanyName.personKey(fold(e["name"]?.text ?? "")) == simpleKey { goneNamed.append(e) }
                        else if Lookup.names(of: e).contains(where: { fold($0).contains(simple) }) { goneNear.append(e) }
                    }
                    // (One the record names already, by name: kept, as by id: helper-186 F7.)
                    if let kept = goneNamed.last(where: { keeping.contains($0.id) }) { return kept }
                    if let gone = goneNamed.last {
                        let with = Lookup.removedWithCustomer(gone, in: state)
                        let back = Lookup.wayBack(gone, with: with)
                        throw ArchiveError(.notFound, "the \(target.en) \(gone.shortID) \(gone.displayName) was removed\(with?.en ?? ""); \(back.en)",
                                           zh: (target == .contact && with == nil ? Lookup.removedContact(gone, in: state) : "\(target.zh) \(gone.shortID) \(gone.displayName)已\(with?.zh ?? "被移除")。") + back.zh)
                    }
                    if near.count == 1, !goneNear.isEmpty {
                        let live = "\(near[0].shortID) \(near[0].displayName)"
                        let gone = goneNear.suffix(3).reversed().map { "\($0.shortID) \($0.displayName)" }
                        throw ArchiveError(.ambiguous, "\(part) is part of the name of \(live), and of \(gone.joined(separator: "; ")), removed; give more of the name or the id",
                                           zh: "“\(part)”匹配到 \(live)；另有已移除的\(target.zh) \(gone.joined(separator: "、"))，姓名中也含有“\(part)”，请输入更完整的姓名或编号",
                                           candidates: [live])
                    }
                }
                if named.isEmpty && near.count == 1 { return near[0] }
                // Several of this customer's, or none: said of this customer (other customers'
                // people were listed, to be refused when chosen: helper-96).
                let owner = state.entity(.customer, customer)?.displayName ?? ""
                let several = named.isEmpty ? near : named
                if several.count > 1 {
                    throw ArchiveError(.ambiguous, "\(part) matches \(several.count) contacts of \(owner); give more of the name or the id",
                                       zh: "“\(part)”匹配到 \(owner) 的 \(several.count) 位联系人，请输入更完整的姓名或编号",
                                       candidates: several.sorted { $0.id < $1.id }.prefix(20).map { "\($0.shortID) \($0.displayName)" })
                }
                // (Its people named, up to ten, those sharing most characters with the text first:
                // a name typed wrong, 王明 for 王敏, said only "no contact".)
                let typed = Set(part)
                let ranked = theirs.map { (shared: Set($0.displayName).intersection(typed).count, e: $0) }.sorted { ($1.shared, $0.e.id) < ($0.shared, $1.e.id) }
                let listed = ranked.prefix(10).map { "\($0.e.shortID) \($0.e.displayName)" }
                let many = theirs.count > 10
                var error = ArchiveError(.notFound, "\(owner) has no contact \(part)" + (theirs.isEmpty ? " (none yet: add one with salesvault contact add)"
                                       : "; their \(theirs.count) contact\(theirs.count == 1 ? "" : "s")\(many ? " include" : ":") " + listed.joined(separator: "; ") + (many ? " …" : "")),
                                   zh: "\(owner)没有名为“\(part)”的联系人" + (theirs.isEmpty ? "（该客户还没有联系人）"
                                       : "。该客户现有联系人 \(theirs.count) 位\(many ? "，包括 " : "：")" + listed.joined(separator: "、") + (many ? "等" : "")))
                error.contactsOf = state.entity(.customer, customer)?.shortID
                error.missingContact = part
                error.firstContactID = ranked.first?.e.shortID
                throw error
            }
            return try resolve(target, part)
        }
        // A removed person as `project show` shows one, 李工（R3，已移除）: read as 李工（R3）, which
        // is then said removed (its ，inside the brackets split the list: helper-185 F4).
        let text = Self.removedShownPlain(text)
        let names = Self.peopleNamed(text) { whole in
            (try? find(whole)).map { CompanyName.personKey($0["name"]?.text ?? "") == CompanyName.personKey(whole) } ?? false
        }
        for name in names { add(try find(name)) }
        return out
    }

    /// Field changes for `fields` (key → input) on `existing` (nil when creating).
    /// `customer`: a new project's (its decision makers are its customer's people).
    func changes(_ kind: EntityKind, _ fields: [(String, String)], existing: Entity?, now: Int64, protected: Set<String> = [], customer: UInt64? = nil) throws -> [FieldChange] {
        try Self.changes(kind, fields, existing: existing, now: now, protected: protected) { spec, input in
            // (A log entry's people looked for among its customer's first, as `log add` does:
            // `log edit --with 王敏` was ambiguous with another customer's 王敏: helper-96; and a
            // project's decision makers: another customer's were taken: helper-170.)
            let had: [UInt64]
            switch existing?[number: spec.number] {
            case .ref(let id)?: had = [id]
            case .refs(let ids)?: had = ids
            default: had = []
            }
            return try self.value(for: spec, kind: kind, input: input, now: now,
                                  customer: customer ?? (kind == .activity || kind == .project ? existing?["customer"]?.ref : nil), keeping: had)
        }
    }

    /// `changes` with each value read by `value` (a reference needs a draft to be looked up in;
    /// every other type is read by the static `value(for:input:now:)`, on any thread).
    static func changes(_ kind: EntityKind, _ fields: [(String, String)], existing: Entity?, now: Int64, protected: Set<String>,
                        value: (FieldSpec, String) throws -> FieldValue?) throws -> [FieldChange] {
        var out: [FieldChange] = []
        out.reserveCapacity(fields.count)
        var seen = FieldSet()  // (a set of field numbers without a hash table per call)
        for (key, input) in fields {
            guard let spec = Schema.field(kind, key: key) else {
                throw ArchiveError(
                    .unknownField, "\(kind.en) has no field \(key)", zh: "\(kind.zh)没有字段“\(key)”",
                    candidates: Schema.fields(kind).map(\.key))
            }
            let isProtected = protected.contains(spec.key)  // (looked up once for the three checks)
            guard !isProtected || spec.type != .instant else {
                throw ArchiveError(.invalidValue, "\(spec.key) is set by SalesVault (logging a contact, a complaint step), not by hand", zh: "“\(spec.zh)”由系统在登记跟进或办理投诉步骤时自动记录，不能手工修改")
            }
            guard !isProtected || !(spec.key == "customer") else {
                throw ArchiveError(.invalidValue, "a record cannot be moved to another customer; add it again under that customer", zh: "记录不能转到其他客户名下；请在该客户下重新添加")
            }
            guard !isProtected else {
                // Which command sets it (a name has no command of its own: "use its own command"
                // sent people looking for one: helper-92).
                switch (kind, spec.key) {
                case (_, "name"):
                    let example = kind == .contact ? "contact add 华为 王敏" : kind == .project ? "project add 华为 智慧园区" : "customer add 华为技术有限公司"
                    throw ArchiveError(.invalidValue, "the name is the command's own argument (\(example)), not a --set field",
                                       zh: "\(spec.zh)请直接写在命令中（如 salesvault \(example)），不能用 --set 填写")
                case (.customer, "grade"):
                    throw ArchiveError(.invalidValue, "a customer's grade is changed with customer grade, which records the reason",
                                       zh: "客户等级请用 salesvault customer grade 修改，并注明调整原因")
                case (.project, "stage"), (.project, "stageSince"):
                    throw ArchiveError(.invalidValue, "a project's stage is moved with project stage, which records the reason",
                                       zh: "项目阶段请用 salesvault project stage 修改，并注明调整原因")
                case (.complaint, _):
                    throw ArchiveError(.invalidValue, "\(spec.key) is recorded by the complaint's steps (complaint route, resolve, survey, withdraw)",
                                       zh: "“\(spec.zh)”随投诉处理各环节的命令（complaint route、resolve、survey、withdraw）自动更新，不能直接修改")
                default:
                    throw ArchiveError(.invalidValue, "\(spec.key) cannot be set here; use its own command (it needs a reason)", zh: "“\(spec.zh)”不能在这里改，请用专门的命令修改（须注明原因）")
                }
            }
            guard seen.insert(spec.number) else { throw ArchiveError(.invalidValue, "\(spec.key) given twice", zh: "“\(spec.zh)”填了两次，请只保留一个") }
            let new = try value(spec, input)
            let old = existing?[number: spec.number]
            if old != new { out.append(FieldChange(field: spec.number, old: old, new: new)) }
        }
        return out
    }
}

/// Folding shared by the vocabularies and yes/no answers.
enum Vocab {
    static func fold(_ text: String) -> String { Grade.fold(text) }
}

// MARK: - Looking things up

extension ChangeDraft {
    /// Finds an entity by short id (C12, 12), by `@n` (what operation n of this change set
    /// created), or by an unambiguous name: exact, then prefix; an ambiguous or unknown name lists
    /// the candidates.
    public func resolve(_ kind: EntityKind, _ query: String) throws -> Entity {
        let q = query.trimmedSpaces
        guard !q.isEmpty else { throw ArchiveError(.missingValue, "which \(kind.en)?", zh: "请指定\(kind.zh)") }
        if kind == .activity { try ensureContactLog() }
        // C12 (the id prefix as written, then digits) naming a live record: what the lookups
        // below find for it, without them (an import refers to archive records so). A command's
        // goes the lookups' way, which ask when it is also another record's code or name
        // (`customer edit C3` took C3 where `customer show C3` asked: helper-178 F8).
        if !suggestsNames, q.hasPrefix(kind.idPrefix), q.utf8.count > kind.idPrefix.utf8.count, q.utf8.dropFirst(kind.idPrefix.utf8.count).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
           let id = UInt64(q.dropFirst(kind.idPrefix.count)), let e = state.entity(kind, id) {
            return e
        }
        if q.hasPrefix("@"), let n = Int(q.dropFirst()) {
            guard n >= 0, n < created.count, let made = created[n], made.kind == kind, let e = state.entity(kind, made.id) else {
                var error = ArchiveError(.notFound, "operation \(n) of this change created no \(kind.en)", zh: "本批第 \(n) 项操作没有新建\(kind.zh)")
                error.unmadeReference = n
                error.unmadeKind = kind
                throw error
            }
            return e
        }
        // An exact name found in the index (the common case of a large change set).
        let idText = q.uppercased().hasPrefix(kind.idPrefix) ? String(q.dropFirst(kind.idPrefix.count)) : q
        if UInt64(idText) == nil {
            let ids = names.ids(kind, named: q.lowercased(), in: state)
            if ids.count == 1, let e = state.entity(kind, ids.first!) { return e }
        }
        return try Lookup.resolve(kind, q, in: state, suggest: suggestsNames)
    }

    /// The customer whose name is `name` once spaces and bracket width are ignored.
    func customer(sameNameAs name: String) -> Entity? {
        names.customer(normalized: Self.normalizedName(name), in: state).flatMap { state.entity(.customer, $0) }
    }
}

/// Name and id lookup over a state (shared by drafts and read-only queries).
enum Lookup {
    /// `suggest`: a name that finds nothing is answered with the names close to it (what a
    /// command says; an import's plan, which may miss many names, does not look).
    static func resolve(_ kind: EntityKind, _ q: String, in state: ArchiveState, suggest: Bool = false) throws -> Entity {
        if suggest, let found = try foldedPreference(kind, q, in: state) { return found }
        do {
            return try resolveAsWritten(kind, q, in: state, suggest: suggest)
        } catch var error as ArchiveError where error.code == .notFound {
            // A name typed in traditional characters (華為 for 华为, as a Hong Kong or Taiwan
            // input method writes it: found nothing), in a command: looked up in simplified
            // ones, and its near names are theirs.
            if suggest, CompanyName.Simplified.hasTraditional(q), case let simplified = CompanyName.Simplified.fold(q) {
                do { return try resolveAsWritten(kind, simplified, in: state, suggest: suggest) } catch let other as ArchiveError where other.code == .notFound {
                    // (Near names found: said with what was typed and how it was read, helper-140.)
                    if !other.candidates.isEmpty || other.reason.contains("; similar names: ") {
                        let en = other.reason.range(of: simplified).map { other.reason.replacingCharacters(in: $0, with: "\(q) (searched as \(simplified))") } ?? other.reason
                        error = ArchiveError(.notFound, en,
                                             zh: other.reasonZH?.replacingOccurrences(of: "“\(simplified)”", with: "“\(q)”（按简体“\(simplified)”查找）"),
                                             candidates: other.candidates)
                    }
                }
            }
            // A code typed in full width or with an invisible character (ＢＪ０１), as codes are
            // stored folded: found by its plain form.
            // (Asked as the text itself would be: a full-width ＴＣＬ was taken without the
            // question 惠州TCL科技 got: helper-133.)
            let plain = ChangeDraft.plainIdentifier(q)
            if plain != q, !plain.isEmpty {
                // (A removed record's id so written, Ｒ２: said removed, with the way back; it was
                // "not found" where R2 said removed.)
                do { return try resolveAsWritten(kind, plain, in: state, suggest: suggest) } catch let other as ArchiveError where other.code == .ambiguous || isRemovedID(kind, plain, in: state) { throw other } catch {}
            }
            // A person's name with its spaces left out or put in (张三 for 张 三, 欧阳娜娜 for
            // 欧阳 娜娜): the same name, as `contact add` says (helper-97).
            if kind == .contact {
                let squeezed = String(q.lowercased().filter { !$0.isWhitespace })
                var found: [Entity] = []
                if !squeezed.isEmpty {
                    state.each(.contact) { e in
                        if Self.names(of: e).contains(where: { String($0.filter { !$0.isWhitespace }) == squeezed }) { found.append(e) }
                    }
                }
                if found.count == 1 { return found[0] }
                if found.count > 1 {
                    throw ArchiveError(.ambiguous, "\(q) matches \(found.count) contact records; give more of the name or the id",
                                       zh: "“\(q)”匹配到 \(found.count) 位联系人",
                                       candidates: found.sorted { $0.id < $1.id }.prefix(20).map { Self.candidate($0, in: state) })
                }
            }
            // A customer's 统一社会信用代码, as an import names a customer by it (`customer show
            // 9131…` found nothing: helper-92).
            if kind == .customer, case .valid(let code) = CreditCode.check(q.replacingOccurrences(of: "-", with: "")) {  // (9135-0100-… as copied from a form)
                var found: [Entity] = []
                state.each(.customer) { c in
                    if let t = c["creditCode"]?.text, case .valid(code) = CreditCode.check(t) { found.append(c) }
                }
                if found.count == 1 { return found[0] }
                if found.count > 1 {  // (added with --force, or restored by an undo: said, not "not found")
                    throw ArchiveError(.ambiguous, "\(q) is the credit code of \(found.count) customers; give the name or the id",
                                       zh: "统一社会信用代码“\(code)”对应 \(found.count) 个客户，请改用客户名称或编号查找",
                                       candidates: found.prefix(20).map { "\($0.shortID) \($0.displayName)" })
                }
            }
            throw error
        }
    }

    /// In a command, when the names or the text have traditional characters: the one record whose
    /// name is the text once both are in simplified characters wins over one whose name only
    /// holds it as written (台湾积体电路制造 found C29 台湾积体电路制造南京分公司, not C2
    /// 臺灣積體電路製造), and a text that more names hold so than as written is asked about (张
    /// found 张伟 alone, not 張偉: helper-141). A name stored in traditional characters that
    /// alone holds a text no name holds as written is that record (台湾积体电路 for
    /// 臺灣積體電路製造: helper-139). Nil when the usual lookup decides (a name as written, or no
    /// traditional characters anywhere).
    static func foldedPreference(_ kind: EntityKind, _ q: String, in state: ArchiveState) throws -> Entity? {
        let lq = q.trimmedSpaces.lowercased()
        guard !lq.isEmpty, lq.unicodeScalars.contains(where: { $0.value >= 0x3400 }) else { return nil }
        var named: [(e: Entity, name: String)] = []
        state.each(kind) { e in for n in Self.names(of: e) { named.append((e, n)) } }
        guard !named.contains(where: { $0.name == lq }) else { return nil }
        guard CompanyName.Simplified.hasTraditional(lq) || named.contains(where: { CompanyName.Simplified.hasTraditional($0.name) }) else { return nil }
        let fold = CompanyName.Simplified.fold
        let fq = fold(lq)
        var exact: [Entity] = [], holding: [Entity] = [], asWritten = Set<UInt64>()
        for (e, n) in named {
            let f = fold(n)
            if f == fq, !exact.contains(where: { $0.id == e.id }) { exact.append(e) }
            if f.contains(fq), !holding.contains(where: { $0.id == e.id }) { holding.append(e) }
            if n.contains(lq) { asWritten.insert(e.id) }
        }
        if exact.count == 1 { return exact[0] }
        if exact.isEmpty, holding.count == 1, asWritten.isEmpty { return holding[0] }
        let several = exact.count > 1 ? exact : holding.count > 1 && Set(holding.map(\.id)) != asWritten ? holding : []
        guard !several.isEmpty else { return nil }
        throw ArchiveError(.ambiguous, "\(q) matches \(several.count) \(kind.en) records (traditional and simplified characters alike); give more of the name or the id",
                           zh: "“\(q)”匹配到 \(several.count) \(kind == .contact ? "位" : "个")\(kind.zh)（繁简写法视为相同）",
                           candidates: several.sorted { $0.id < $1.id }.prefix(20).map { Self.candidate($0, in: state) })
    }

    private static func resolveAsWritten(_ kind: EntityKind, _ q: String, in state: ArchiveState, suggest: Bool = false) throws -> Entity {
        let folded = q.lowercased()
        var idText = q
        if idText.uppercased().hasPrefix(kind.idPrefix) { idText = String(idText.dropFirst(kind.idPrefix.count)) }
        if let id = UInt64(idText), let e = state.entity(kind, id) {
            // A bare number that is also someone's exact name must not silently pick the id.
            if UInt64(q) != nil {
                var named: Entity?
                state.each(kind) { c in if c.id != e.id && c["name"]?.text?.lowercased() == folded { named = c } }
                if let named {
                    throw ArchiveError(.ambiguous, "\(q) is both the id \(e.shortID) and the name of \(named.shortID)",
                                       zh: "\(q) 既是编号 \(e.shortID)，又是 \(named.shortID) 的名称",
                                       candidates: ["\(e.shortID) \(e.displayName)", "\(named.shortID) \(named.displayName)"])
                }
            } else if suggest {
                // An id that is also another record's code, short name, alias or name as written
                // (C001 beside 西北能源, whose 客户编号 is C001): asked, as an import asks (the
                // record was taken, and a contact went to another customer: helper-171 F2). Only
                // in a command: a plan's references are ids.
                let written = q.trimmedSpaces.lowercased()
                var named: Entity?
                state.each(kind) { c in if named == nil, c.id != e.id, Self.names(of: c).contains(where: { $0.trimmedSpaces == written }) { named = c } }
                // (A record whose full name is the text itself, a customer named C1: its id, and
                // the other's full name; "give the full name" asked for the same text again.)
                if let named, (named["name"]?.text ?? "").trimmedSpaces.lowercased() == written {
                    throw ArchiveError(.ambiguous, "\(q) is both the id of \(e.shortID) \(e.displayName) and the name of \(named.shortID) \(named.displayName); for \(e.shortID), give its full name \(e.displayName); for \(named.shortID), give its id \(named.shortID)",
                                       zh: "“\(q)”既是 \(e.shortID) \(e.displayName)的编号，又是 \(named.shortID) 的名称，无法确定指的是哪一个。如指 \(e.shortID)，请改为输入其完整名称“\(e.displayName)”；如指 \(named.shortID)，请输入其编号 \(named.shortID)",
                                       candidates: ["\(e.shortID) \(e.displayName)", "\(named.shortID) \(named.displayName)"])
                }
                if let named {
                    throw ArchiveError(.ambiguous, "\(q) is both the id of \(e.shortID) \(e.displayName) and the code, short name, alias or name of \(named.shortID) \(named.displayName); give the full name of the one meant",
                                       zh: "“\(q)”既是 \(e.shortID) \(e.displayName)的编号，又是 \(named.shortID) \(named.displayName)的\(kind == .customer ? "客户编号、简称或名称" : "名称")，无法确定是哪一个。请改用全称",
                                       candidates: ["\(e.shortID) \(e.displayName)", "\(named.shortID) \(named.displayName)"])
                }
            }
            return e
        }
        // An id with its prefix (L31) of a record removed: said so, with the way back (it was
        // "no contact log entry matches L31", as if it had never been: helper-110).
        if q.uppercased().hasPrefix(kind.idPrefix), let id = UInt64(idText), let gone = state.entityIncludingRemoved(kind, id), gone.removed {
            // (A customer's, and a record that went with its customer, said as the name path
            // says them: 移除, the name, the customer: helper-182 F5.)
            if kind == .customer {
                throw ArchiveError(.notFound, "the customer \(gone.shortID) (\(gone.displayName)) was removed; to bring it back, undo the change that removed it (see salesvault history \(gone.shortID))",
                                   zh: "客户 \(gone.shortID)（\(gone.displayName)）已被移除。可用 salesvault history \(gone.shortID) 查看其记录；如需恢复，请在 salesvault history 中找到移除它的批次，再用 salesvault undo 撤销")
            }
            if let with = Self.removedWithCustomer(gone, in: state) {
                throw ArchiveError(.notFound, "\(kind.idPrefix)\(id) was removed\(with.en); to bring it back, undo the change that removed it (see salesvault history)",
                                   zh: "\(kind.zh) \(kind.idPrefix)\(id) 已\(with.zh)；如需恢复，请在 salesvault history 中找到移除该客户的批次，再用 salesvault undo 撤销")
            }
            if kind == .contact {
                let back = wayBack(gone, with: nil)
                throw ArchiveError(.notFound, "the contact \(gone.shortID) \(gone.displayName) was removed; \(back.en)", zh: "\(removedContact(gone, in: state))\(back.zh)")
            }
            throw ArchiveError(.notFound, "\(kind.idPrefix)\(id) was removed; to bring it back, undo the change that removed it (see salesvault history)",
                               // (移除, as `contact remove` says it; a log entry is 删除: helper-184 N11.)
                               zh: "\(kind.zh) \(kind.idPrefix)\(id) 已被\(kind == .activity ? "删除" : "移除")；如需恢复，请在 salesvault history 中找到\(kind == .activity ? "删除" : "移除")它的批次，再用 salesvault undo 撤销")
        }
        // Exact (name, short name, code, number or an alias) decides when one record has it;
        // otherwise every record one of whose names has it, at the start or anywhere, and more
        // than one is asked about. (The start of a name used to win over the rest: 恒瑞 found the
        // 恒瑞医药 just added, not 江苏恒瑞医药股份有限公司 it had found all week: helper-127.)
        // A customer's or project's names are compared without their spaces, an ideographic one
        // too (苏州工业园区 or 苏州 工业园区 find 苏州　工业园区管委会; helper-110, helper-111: the
        // spaces made a name unfindable, or another one found first). A person's are compared as
        // written first (张 三 and 张三 may be two people), then in `resolve`.
        let squeeze = kind != .contact
        // (Full-width forms as ASCII on both sides: 腾讯科技(深圳)有限公司 did not find 腾讯科技（深圳）
        // 有限公司, which customer add calls the same: helper-133.)
        func key(_ text: String) -> String {
            let t = CompanyName.halfWidth(text)
            return squeeze && t.contains(where: \.isWhitespace) ? String(t.filter { !$0.isWhitespace }) : t
        }
        let wanted = key(folded)
        let shown = ChangeDraft.quoted(q)  // (a 3,000-character name was said back in full: helper-129)
        var exact: [Entity] = []
        var prefixed: [Entity] = []
        var containing: [Entity] = []
        // A customer's name that holds it once place words and the legal forms inside names are
        // left out (`CompanyName.comparable`: 南京地铁 for 南京市地铁集团有限公司, as customer add
        // compares names), four characters at least, for a command's lookups (`suggest`), not
        // an import's. Such a name is never taken by itself: it is asked about beside the names
        // that hold the text as written (南京地铁 took 南京地铁运营 without asking about 南京市地铁
        // 集团: helper-130), and named as a near name when it is the only one (taken, 吉林市人民医院
        // wrote to 吉林省人民医院, 招商银行股份有限公司 to 招商银行信用卡中心: helper-132).
        let placeless = CompanyName.comparable(wanted)
        let byLikeness = suggest && kind == .customer && placeless.count >= 4
        var alike: [Entity] = []
        state.each(kind) { e in
            let names = Self.names(of: e).map(key)
            if names.contains(wanted) { exact.append(e) } else if names.contains(where: { $0.hasPrefix(wanted) }) { prefixed.append(e) }
            else if names.contains(where: { $0.contains(wanted) }) { containing.append(e) }
            else if byLikeness, names.contains(where: { CompanyName.comparable($0).contains(placeless) }) { alike.append(e) }
        }
        if exact.count == 1 { return exact[0] }
        let written = exact.isEmpty ? prefixed + containing : exact + prefixed
        let matches = (written.isEmpty ? [] : written + (exact.isEmpty ? alike : [])).sorted { $0.id < $1.id }
        // The whole name of a record removed (customer remove 甲公司, then complaint file 甲公司):
        // said so, with the way back, before any live record that only holds the text (it got an
        // unrelated near name, or went to 甲公司上海分公司 without a word: helper-180 N8,
        // helper-181 H1); the live ones holding it are named beside. The latest so named, in a
        // command only.
        if suggest && exact.isEmpty {
            var gone: Entity?
            // (A person's name written with a space, 李 雷 for the removed 李雷, when no live
            // person's is that name: said removed; it was "not found": helper-185.)
            let loose = kind == .contact ? String(wanted.filter { !$0.isWhitespace }) : wanted
            var looseLive = loose == wanted
            if !looseLive {
                state.each(kind) { e in if !looseLive, Self.names(of: e).contains(where: { key($0).filter { !$0.isWhitespace } == loose }) { looseLive = true } }
            }
            // (And in the other script, 張偉 for the removed 张伟, when no live person's is that
            // name so: it was "not found": helper-189.)
            let folded = kind == .contact && CompanyName.Simplified.hasTraditional(loose) ? CompanyName.Simplified.fold(loose) : nil
            var foldedLive = false
            if let folded {
                state.each(kind) { e in if !foldedLive, Self.names(of: e).contains(where: { CompanyName.Simplified.fold(key($0).filter { !$0.isWhitespace }) == folded }) { foldedLive = true } }
            }
            state.eachIncludingRemoved(kind) { e in
                guard e.removed, e.id > (gone?.id ?? 0) else { return }
                let names = Self.names(of: e).map(key)
                if names.contains(wanted) || (!looseLive && names.contains { $0.filter { !$0.isWhitespace } == loose })
                    || (folded != nil && !foldedLive && names.contains { CompanyName.Simplified.fold($0.filter { !$0.isWhitespace }) == folded }) { gone = e }
            }
            if let gone {
                let others = matches.prefix(5).map { "\($0.shortID) \($0.displayName)" }
                let see = kind == .customer ? ("salesvault history \(gone.shortID)", "可用 salesvault history \(gone.shortID) 查看其记录；") : ("salesvault history", "")
                let with = Self.removedWithCustomer(gone, in: state)
                let back = kind == .contact ? Self.wayBack(gone, with: with)
                    : (en: "to bring it back, undo the change that removed it (see \(see.0))", zh: "如需恢复，请用 salesvault history 查到移除该\(with == nil ? kind.zh : "客户")的批次，再用 salesvault undo 撤销该批次")
                throw ArchiveError(.notFound, "the \(kind.en) \(gone.shortID) \(gone.displayName) was removed\(with?.en ?? ""); \(back.en)"
                                       + (others.isEmpty ? "" : "; other names holding it: " + others.joined(separator: "; ")),
                                   zh: (kind == .contact && with == nil ? Self.removedContact(gone, in: state) : "\(kind.zh) \(gone.shortID) \(gone.displayName)已\(with?.zh ?? "被移除")。")
                                       + "\(see.1)\(back.zh)"
                                       // (The way back of a contact ends its sentence: 。。 was printed.)
                                       + (others.isEmpty ? "" : (back.zh.hasSuffix("。") ? "" : "。") + "名称中含有“\(shown)”的另有：" + others.joined(separator: "、") + "，如指其中之一，请改用编号或全称"),
                                   candidates: [])
            }
        }
        // Part of a name that a removed record's name holds too: asked, naming it, not the live
        // one taken (京东, with 北京京东… removed, added a contact to 京东方 without a word:
        // helper-183 F1). In a command only.
        // The removed records one of whose names holds the text, the latest three, latest first
        // (for the question below and the not-found message).
        func removedHolding() -> [String] {
            var removed: [Entity] = []
            state.eachIncludingRemoved(kind) { e in
                if e.removed, Self.names(of: e).map(key).contains(where: { $0.contains(wanted) }) { removed.append(e) }
            }
            return removed.suffix(3).reversed().map { "\($0.shortID) \($0.displayName)" }
        }
        if suggest && exact.isEmpty && !matches.isEmpty {
            let gone = removedHolding()
            if !gone.isEmpty {
                let live = matches.prefix(20).map { "\($0.shortID) \($0.displayName)" }
                throw ArchiveError(.ambiguous, "\(shown) is part of the name of \(live.count == 1 ? live[0] : "\(matches.count) \(kind.en) records"), and of \(gone.joined(separator: "; ")), removed; give more of the name or the id",
                                   zh: "“\(shown)”匹配到\(live.count == 1 ? " \(live[0])" : " \(matches.count) 个\(kind.zh)")；另有已移除的\(kind.zh) \(gone.joined(separator: "、"))，名称中也含有“\(shown)”，请输入更完整的名称或编号",
                                   candidates: live)
            }
        }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            // The id of another kind (log edit C4): said which it is (helper-127).
            let upper = CompanyName.halfWidth(q).trimmingCharacters(in: .whitespaces).uppercased()  // (Ｌ１ as L1: helper-129)
            // A batch's id (B3, from history) given for a record: said which it is (helper-129).
            if upper.hasPrefix("B"), UInt64(upper.dropFirst()) != nil {
                throw ArchiveError(.notFound, "\(shown) is the id of a batch of changes (see salesvault history); \(kind.en) ids start with \(kind.idPrefix) (\(kind.idPrefix)12)",
                                   zh: "“\(shown)”是变更批次号（可用 salesvault history 查看）；\(kind.zh)编号以 \(kind.idPrefix) 开头（如 \(kind.idPrefix)12）")
            }
            if let other = EntityKind.allCases.first(where: { $0 != kind && upper.hasPrefix($0.idPrefix) && UInt64(upper.dropFirst($0.idPrefix.count)) != nil }),
               [.customer, .contact, .project, .activity, .complaint].contains(other) {
                throw ArchiveError(.notFound, "\(shown) is the id of a \(other.en); \(kind.en) ids start with \(kind.idPrefix) (\(kind.idPrefix)12)",
                                   zh: "“\(shown)”是\(other.zh)编号；\(kind.zh)编号以 \(kind.idPrefix) 开头（如 \(kind.idPrefix)12）")
            }
            let plain = CompanyName.comparable(wanted)
            // Names close to a mistyped one (南京地跌): those holding the longest start of it
            // that any name holds, two characters at least (it said only "not found": helper-127).
            // (Compared for likeness on both sides, `CompanyName.comparable`: 南京地铁 for
            // 南京市地铁集团, as customer add compares names: helper-128.)
            var near: [Entity] = Array(alike.sorted { $0.id < $1.id }.prefix(5))
            // (Three characters at least of a longer text: 上海城建 suggested 上海市第一人民医院 by 上海: helper-132.)
            let shortest = max(plain.count >= 4 ? 3 : 2, plain.count - 2)
            if near.isEmpty && suggest && plain.count >= shortest {
                // Any part of it, not only its start: a typo in the first characters (南宁地铁集团
                // for 南京地铁集团) found none. The longest parts first; each record's names made
                // comparable once.
                var names: [(Entity, [String])] = []
                state.each(kind) { e in names.append((e, Self.names(of: e).map { CompanyName.comparable(key($0)) })) }
                let characters = Array(plain)
                // First the names with the whole text but for one character (华伪技术 for
                // 华为技术, 南京地跌集团: no part of four characters was left to find them:
                // helper-134), four characters or more.
                // (The shortest names first, the closest to what was typed: 华为技术有限公司 before
                // 北京华为技术 for 华伪技术, which were in record order: helper-137.)
                if characters.count >= 4 {
                    var one: [(length: Int, e: Entity)] = []
                    for (e, comparable) in names {
                        let lengths = comparable.filter { ChangeDraft.holdsButForOne(Array($0), characters) }.map(\.count)
                        if let closest = lengths.min() { one.append((closest, e)) }
                    }
                    one.sort { ($0.length, $0.e.id) < ($1.length, $1.e.id) }
                    near += one.prefix(5).map(\.e)
                }
                // Then those holding the longest part, down to the first length that adds one
                // (北京地铁集团: 南京地铁集团 but for one, and 北京地铁运营 by 北京地铁).
                // (Those of one length ranked by how many of the text's characters they have:
                // 北京地铁华东集团 before 重庆地铁集团 for 北京地铁集团, which were in record order: helper-136.)
                let typed = Set(characters)
                var length = plain.count
                while near.count < 5 && length >= shortest {
                    let parts = Set((0...(characters.count - length)).map { String(characters[$0..<($0 + length)]) })
                    var found: [(shared: Int, e: Entity)] = []
                    for (e, comparable) in names where !near.contains(where: { $0.id == e.id })
                        && comparable.contains(where: { name in parts.contains { name.contains($0) } }) {
                        found.append((comparable.map { Set($0).intersection(typed).count }.max() ?? 0, e))
                    }
                    found.sort { ($1.shared, $0.e.id) < ($0.shared, $1.e.id) }
                    near += found.prefix(5 - near.count).map(\.e)
                    if !found.isEmpty { break }
                    length -= 1
                }
            }
            let listed = near.map { "\($0.shortID) \($0.displayName)" }  // (closest first)
            // Removed records one of whose names holds it (part of a removed customer's name
            // got the plain "not found", where its whole name said it was removed: helper-182 F5).
            let gone = suggest ? removedHolding() : []
            let goneEN = gone.isEmpty ? "" : "; removed: " + gone.joined(separator: "; ") + " (see salesvault history; undo the change that removed one to bring it back)"
            let goneZH = gone.isEmpty ? "" : "。已移除的\(kind.zh)中有：" + gone.joined(separator: "、") + "（可用 salesvault history 查看；如需恢复，请撤销移除它的批次）"
            throw ArchiveError(.notFound, "no \(kind.en) matches \(shown)" + (near.isEmpty ? "" : "; similar names: " + listed.joined(separator: "; ")) + goneEN,
                               zh: "找不到“\(shown)”对应的\(kind.zh)" + (near.isEmpty ? "" : "，名称相近的有：" + listed.joined(separator: "、")) + goneZH)
        }
        throw ArchiveError(
            .ambiguous, "\(shown) matches \(matches.count) \(kind.en) records; give more of the name or the id",
            zh: "“\(shown)”匹配到 \(matches.count) \(kind == .contact ? "位" : "个")\(kind.zh)",
            candidates: matches.prefix(20).map { Self.candidate($0, in: state) })
    }
}

extension Lookup {
    /// For a removed record of a customer that was removed too: "随客户 C1 甲公司一并移除" (a
    /// contact of a removed customer was said removed as if on its own: helper-182 F5); nil
    /// otherwise.
    /// A record offered as a candidate: its id and name, and a contact's or project's customer
    /// (two 李雷 of two customers were listed as `R7 李雷`, `R8 李雷`: helper-184 N11).
    /// A removed contact said as `contact remove` says them: `联系人 R3 王敏（甲公司）已移除。`
    /// (helper-195).
    static func removedContact(_ e: Entity, in state: ArchiveState) -> String {
        let customer = e["customer"]?.ref.flatMap { state.entityIncludingRemoved(.customer, $0) }
        return "联系人 \(e.shortID) \(e.displayName)\(customer.map { "（\($0.displayName)）" } ?? "")已移除。"
    }

    /// Whether `q` is the id with its prefix (R2) of a removed record of `kind`.
    static func isRemovedID(_ kind: EntityKind, _ q: String, in state: ArchiveState) -> Bool {
        guard q.uppercased().hasPrefix(kind.idPrefix), let id = UInt64(q.dropFirst(kind.idPrefix.count)) else { return false }
        return state.entityIncludingRemoved(kind, id)?.removed == true
    }

    static func candidate(_ e: Entity, in state: ArchiveState) -> String {
        guard e.kind == .contact || e.kind == .project, let id = e["customer"]?.ref, let c = state.entityIncludingRemoved(.customer, id) else {
            return "\(e.shortID) \(e.displayName)"
        }
        return "\(e.shortID) \(e.displayName)（\(c.displayName)）"
    }

    /// How a removed contact comes back: `contact restore`, or, when they went with their
    /// customer (`with`), the undo of that customer's removal (an undo of a handover's import,
    /// which also removed the person, would take the whole import away: helper-191 7).
    static func wayBack(_ e: Entity, with: (en: String, zh: String)?) -> (en: String, zh: String) {
        guard with == nil else {
            return ("to bring it back, undo the change that removed the customer (see salesvault history)",
                    "如需恢复，请先用 salesvault history 查出移除该客户的批次编号，再用 salesvault undo 撤销该批次。")
        }
        return ("to bring them back: salesvault contact restore \(e.shortID)", "如需恢复，请运行 salesvault contact restore \(e.shortID)。")
    }

    static func removedWithCustomer(_ e: Entity, in state: ArchiveState) -> (en: String, zh: String)? {
        guard e.kind != .customer, let id = e["customer"]?.ref, let c = state.entityIncludingRemoved(.customer, id), c.removed else { return nil }
        return (" together with its customer \(c.shortID) \(c.displayName)", "随客户 \(c.shortID) \(c.displayName)一并移除")
    }

    /// The names a record is found by, lower case: its name, short name, code or number, and a
    /// customer's aliases (field 22, separated by 、 , ，; ；).
    static func names(of e: Entity) -> [String] {
        var out = [e["name"]?.text, e["shortName"]?.text, e["code"]?.text, e["number"]?.text].compactMap { $0?.lowercased() }
        if let aliases = e["aliases"]?.text { out += splitAliases(aliases).map { $0.lowercased() } }
        return out
    }

    static func splitAliases(_ text: String) -> [String] { CompanyName.splitAliases(text) }
}

extension Entity {
    /// A customer's short name and aliases (field 22), as written: the names besides its own
    /// name, code and number that a command finds it by (an import finds it by them too).
    public var otherNames: [String] {
        var out: [String] = []
        if let short = self["shortName"]?.text?.trimmedWhitespace, !short.isEmpty { out.append(short) }
        if let aliases = self["aliases"]?.text { out += Lookup.splitAliases(aliases) }
        return out
    }
}

/// The limits of RECORDS.md §2, checked when an operation is planned, so that nothing that
/// could not be read back is ever sealed.
enum Limits {
    static let maxText = 1 << 20
    static let maxRefs = 10_000
    static let maxChanges = 255

    @inline(__always)
    private static func check(_ v: FieldValue?) throws {
        switch v {
        case .text(let s)?:
            guard s.utf8.count <= maxText else {
                throw ArchiveError(.invalidValue, "a text over 1 MiB cannot be stored", zh: "内容超过 1 MiB，无法保存")
            }
        case .refs(let r)?:
            guard r.count <= maxRefs else { throw ArchiveError(.invalidValue, "more than \(maxRefs) references in one field", zh: "一个字段最多关联 \(maxRefs) 条记录") }
        default: break
        }
    }

    static func check(_ events: [ChangeEvent]) throws {
        for e in events {
            guard e.changes.count <= maxChanges else {
                throw ArchiveError(.invalidValue, "more than \(maxChanges) fields changed in one record", zh: "一条记录一次最多修改 \(maxChanges) 个字段")
            }
            for c in e.changes {
                try check(c.old)  // (old, then new: without an array of the two per change)
                try check(c.new)
            }
        }
    }
}

extension ChangeDraft {
    /// The refusal of a value whose number and words name different values of a vocabulary
    /// (`三、信息开发`, `III 商务谈判`), naming both; nil when they do not. `project stage` says
    /// it too (it said only that there is no such stage: helper-126).
    static func disagreement(_ spec: FieldSpec, _ vocabulary: VocabularyKind, _ text: String) -> ArchiveError? {
        guard let (number, words) = vocabulary.disagreement(text),
              let n = vocabulary.label(number, zh: true), let w = vocabulary.label(words, zh: true),
              let nEN = vocabulary.label(number, zh: false), let wEN = vocabulary.label(words, zh: false) else { return nil }
        return ArchiveError(.invalidValue, "\(spec.key) “\(quoted(text))” names two values: its number is \(nEN), its words \(wEN); keep the right one",
                            zh: "\(spec.zh)“\(quoted(text))”前后不一致：编号指“\(n)”，文字却是“\(w)”。请核对后只保留正确的一个")
    }

    /// A value quoted in a refusal: at most 40 characters, then … (a 15 KB value was said back
    /// in full: helper-126).
    public static func quoted(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "…"
    }
}
