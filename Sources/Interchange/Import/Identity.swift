import Foundation
import SalesArchive
import VaultFormat

/// What makes two rows the same customer or person (INTERCHANGE.md §4): company names compared
/// without the differences people type, the 统一社会信用代码 with its check digit, and phone
/// numbers without their punctuation and country code.
public enum Identity {
    /// A company name as compared for duplicates (`CompanyName.key`, which the domain owns).
    public static func companyKey(_ name: String) -> String { CompanyName.key(name) }

    /// Full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space as their ASCII forms.
    public static func halfWidth(_ text: String) -> String { CompanyName.halfWidth(text) }

    /// A phone number as compared (INTERCHANGE.md §4): its digits, up to an extension (转, 分机,
    /// ext, x, #, or a dash after a whole number) or a second number (/, 、, ;, ，, 或, 传真, or
    /// a space after a whole number) once seven digits are read, then `-` and the extension's
    /// digits when there is one (022-23456789转801 is `02223456789-801`, as ext. 801 and x801
    /// are; a number with another extension, or none, is another phone); without the
    /// country code +86 or 0086, a landline so written given its area code's 0 back
    /// (`+86 22 2345 6789` is `022-23456789`); 86 without + is the country code before a
    /// mobile, or before nine digits or more written apart from it (`86-10-65529988`), or as one
    /// number without an extension (Excel's `862223456789` for a typed `+8622…`; `8610 1234 转
    /// 5678` is a local number). Another country's number keeps its + (`+1 381…`
    /// is no Chinese mobile). nil when fewer than 7 digits remain.
    public static func phoneKey(_ phone: String) -> String? { scan(phone).key() }

    /// Every number of a phone cell as compared: `phoneKey` of the whole cell first, then, from
    /// each place the scan of the text before stopped (、, ;, ，, 或, 传真, a slash before a whole
    /// number, a space after one), the next number when it is whole by itself (a mobile, a
    /// landline with its area code, or one with + or 86): `021-55556666/13912345678` is
    /// `02155556666` and `13912345678` (only the first was compared, so a row giving both was not
    /// taken for the record with the mobile). What is no whole number adds nothing (`021/55556666`
    /// is one number; `/801` after a whole number is its extension). Without repeats.
    public static func phoneKeys(_ phone: String) -> (first: String?, others: [String]) {
        var scanned = scan(phone)
        let first = scanned.key()
        var others: [String] = []
        // Each number after the first begins where the scan of the text before it stopped (at
        // /, 、, ;, ，, 或, 传真, or a space after a whole number; not within an extension).
        var text = phone
        for _ in 0..<8 {
            guard let next = scanned.nextNumberAt else { break }
            text = next(text)
            scanned = scan(text)
            if scanned.whole || scanned.plus, let key = scanned.key(), key != first, !others.contains(key) { others.append(key) }
        }
        return (first, others)
    }

    /// A phone key as people write it, for messages: the area code apart (`021-50000000`,
    /// `0571-80000001`), a mobile or a service number as it is, an extension after a dash.
    public static func shownPhone(_ key: String) -> String {
        let parts = key.split(separator: "-", maxSplits: 1).map(String.init)
        var number = parts.first ?? key
        let digits = Array(number.utf8)
        if digits.count >= 10, digits[0] == UInt8(ascii: "0") {
            let area = digits[1] == UInt8(ascii: "1") || digits[1] == UInt8(ascii: "2") ? 3 : 4
            number = String(number.prefix(area)) + "-" + String(number.dropFirst(area))
        } else if digits.count == 10, digits[0] == UInt8(ascii: "4") || digits[0] == UInt8(ascii: "8"), digits[1] == UInt8(ascii: "0"), digits[2] == UInt8(ascii: "0") {
            // A 400 or 800 number as people write it (`4006001234-802` was shown: helper-168).
            number = String(number.prefix(3)) + "-" + String(number.dropFirst(3).prefix(3)) + "-" + String(number.dropFirst(6))
        }
        return parts.count > 1 ? number + "-" + parts[1] : number
    }

    /// `phoneKeys` as one list, the first first (none for no cell).
    public static func allPhoneKeys(_ phone: String?) -> [String] {
        guard let phone else { return [] }
        let k = phoneKeys(phone)
        return (k.first.map { [$0] } ?? []) + k.others
    }

    /// A phone cell as compared for a change (`--on-duplicate update`): `phoneKey` and the digits
    /// after it (an extension, other numbers), so that a number written another way is no
    /// change and another extension or a number added is (转312 for 转311 was none: helper-148).
    /// Its words count too (（总机） for （前台）, 传真 for /: a change, said 完全一致: helper-149).
    public static func phoneDigits(_ phone: String) -> String {
        let s = scan(phone)
        var words = String.UnicodeScalarView()
        for u in halfWidth(phone).unicodeScalars {
            switch u.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                words.append(contentsOf: u.properties.lowercaseMapping.unicodeScalars)
            default: continue
            }
        }
        return (s.key() ?? String(decoding: s.digits, as: UTF8.self)) + "|" + String(decoding: s.rest, as: UTF8.self) + "|" + String(words)
    }

    static func scan(_ phone: String) -> PhoneScan {
        guard phone.utf8.allSatisfy({ $0 < 0x80 }) else { return scanGeneral(phone) }
        // ASCII: the same digits without building Characters.
        var scan = PhoneScan()
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        var offset = 0
        for b in phone.utf8 {
            if b >= 0x30 && b <= 0x39 {
                scan.digit(b)
            } else {
                let lower = b | 0x20
                // (x of ext, or x alone, after the number, and #: an extension; ; , /: another number)
                let ext = lower == 0x78 || b == 0x23
                    || (lower == 0x65 && previous != 0 && !(previous >= 0x61 && previous <= 0x7A) && !(previous >= 0x41 && previous <= 0x5A))
                let marker: PhoneScan.Marker? = ext ? .extension : b == 0x2F ? .slash : b == 0x3B || b == 0x2C ? .another
                    : b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 ? .space : b == 0x2D ? .dash : nil
                // (Before any digit, # and an x that starts a word or the word ext begin an
                // extension: `ext 1234567` and `x1234567` hold none of the numbers; `Fax 0…` and
                // `Alex 138…` do.)
                func letter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
                let leading = b == 0x23 || (lower == 0x78 && (!letter(previous) || (previous | 0x20 == 0x65 && !letter(beforePrevious))))
                scan.other(plus: b == 0x2B, marker: marker, leading: leading)
                if scan.stopsHere { scan.nextNumberAt = { [offset] in String(decoding: $0.utf8.dropFirst(offset + 1), as: UTF8.self) } }
            }
            offset += 1
            beforePrevious = previous
            previous = b
        }
        return scan
    }

    /// `phoneKey` without its ASCII path (what that path is tested against).
    static func phoneKeyGeneral(_ phone: String) -> String? { scanGeneral(phone).key() }

    static func scanGeneral(_ phone: String) -> PhoneScan {
        var scan = PhoneScan()
        let scalars = Array(halfWidth(phone).unicodeScalars)
        for (k, u) in scalars.enumerated() {
            if ("0"..."9").contains(u) {
                scan.digit(UInt8(u.value))
            } else {
                let lower = u.properties.lowercaseMapping
                let before = k > 0 ? scalars[k - 1] : nil
                let afterLetter = before.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } ?? true
                let ext = lower == "x" || u == "#" || (lower == "e" && !afterLetter) || ["转", "轉", "分"].contains(u)
                let another = [";", ",", "、", "；", "，", "或", "传", "傳"].contains(u)
                let marker: PhoneScan.Marker? = ext ? .extension : u == "/" ? .slash : another ? .another
                    : u.properties.isWhitespace ? .space : u == "-" ? .dash : nil
                let after = k + 1 < scalars.count ? scalars[k + 1] : nil
                func letter(_ s: Unicode.Scalar?) -> Bool { s.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } ?? false }
                let leading = u == "#" || u == "转" || u == "轉" || (u == "分" && (after == "机" || after == "機"))
                    || (lower == "x" && (!letter(before) || ((before == "e" || before == "E") && !letter(k > 1 ? scalars[k - 2] : nil))))
                scan.other(plus: u == "+", marker: marker, leading: leading)
                if scan.stopsHere { scan.nextNumberAt = { _ in String(String.UnicodeScalarView(scalars[(k + 1)...])) } }
            }
        }
        return scan
    }

    /// A phone number's digits as `phoneKey` reads them, and how they were written.
    struct PhoneScan {
        var digits: [UInt8] = []
        /// A + before the first digit.
        var plus = false
        /// Read no further: an extension or a second number begins (`extended`: the first).
        var done = false, extended = false
        /// The digits after (an extension's, another number's).
        var rest: [UInt8] = []
        /// The extension's digits (up to the first other character after them): part of the
        /// number as compared, so that two people or companies on one switchboard are not one
        /// (021-55556666-801 and -802 were, and an import updated the one with the other's row:
        /// helper-150).
        var ext: [UInt8] = []
        private var extClosed = false, extClosedBySeparator = false
        /// The cell starts with an extension (转, 分机, #, x or ext before any digit): it holds
        /// no number unless a whole one follows (`转 010-65529988`; `Xu 138…`, a name, too).
        var leadingExtension = false
        /// What a character other than a digit may say: an extension begins, another number
        /// does; a space (another number after a whole one) or a dash (an extension after a
        /// whole landline: 020-87654321-8001) when the digits so far are a whole number.
        enum Marker { case `extension`, another, space, dash, slash }
        /// Where the next number of the cell begins: the rest of the text after the mark this
        /// scan stopped at (`phoneKeys`); set by the scanning loop when `stopsHere`.
        var nextNumberAt: ((String) -> String)?
        /// The mark just read ends this number and may begin another (a separator, or a space
        /// after a whole number; a separator after an extension too).
        var stopsHere = false
        /// A slash after a whole number: an extension (021-44443333/802, one switchboard's line:
        /// it was another number, so that /802 and /803 were one company's phone: helper-156),
        /// unless a whole number follows (021-55556666/13912345678: two numbers).
        var slashed = false
        /// Stopped at a space after a whole number (a slash may follow: `slashed` then).
        private var stoppedAtSpace = false

        /// The digits read are a whole number: a mobile, a landline with its area code, either
        /// with 86 or 0086 before it, the landline then with its area code's 0 or without
        /// (`86 10 6552 9988`: ten digits after 86 from 1 to 9, or eleven from 2 to 9).
        var whole: Bool { Self.isWhole(digits[...]) }

        static func isWhole(_ digits: ArraySlice<UInt8>) -> Bool {
            let country = digits.starts(with: [0x30, 0x30, 0x38, 0x36]) ? 4 : digits.starts(with: [0x38, 0x36]) ? 2 : 0
            let d = digits.dropFirst(country)
            guard let first = d.first else { return false }
            if (first == 0x31 && d.count == 11) || (first == 0x30 && (11...12).contains(d.count)) { return true }
            // A 400 or 800 service number: whole, so that /802 after it is its extension (400-600-
            // 1234/803 was taken for …/802: helper-164).
            if country == 0 && d.count == 10 && (first == 0x34 || first == 0x38) && d.dropFirst().starts(with: [0x30, 0x30]) { return true }
            return country > 0 && ((first != 0x30 && d.count == 10) || (first >= 0x32 && d.count == 11))
        }
        /// Something else than a digit between two digits; and right after the first two.
        var apart = false, apartAfterTwo = false
        private var gap = false

        mutating func digit(_ b: UInt8) {
            if done {
                rest.append(b)
                if extended && !extClosed { ext.append(b) }
                if slashed && !slashTailClosed { slashTail.append(b) }
                return
            }
            if gap && !digits.isEmpty {
                apart = true
                if digits.count == 2 { apartAfterTwo = true }
            }
            gap = false
            digits.append(b)
        }

        /// `leading`: the character begins an extension when it comes before any digit (转,
        /// 分机, #, x or ext), so that a cell with only an extension holds no number.
        mutating func other(plus sign: Bool, marker: Marker?, leading: Bool = false) {
            stopsHere = false
            if done {
                if slashed && !slashTail.isEmpty && (marker == .another || marker == .slash || marker == .extension) { slashTailClosed = true }
                // (After an extension, a separator begins another number.)
                if extended && (marker == .another || marker == .slash) && !ext.isEmpty && !extClosedBySeparator {
                    extClosedBySeparator = true
                    stopsHere = !slashed || !extensionDigits.isEmpty
                }
                if extended && !ext.isEmpty { extClosed = true }
                // (A space after a whole number, then 转 801: an extension, not a second number.)
                // (Fax: after a number is no extension: its x follows a letter.)
                if !extended && rest.isEmpty && marker == .extension && leading { extended = true }
                // (A space, then a slash: `400-600-1234 /802` is `/802`'s phone, not another
                // number's first digits: a duplicate was missed: helper-166.)
                if !extended && rest.isEmpty && marker == .slash && stoppedAtSpace {
                    extended = true
                    slashed = true
                    stopsHere = true
                }
                return
            }
            if sign && digits.isEmpty { plus = true }
            if leading && digits.isEmpty { leadingExtension = true }
            if let marker, digits.count >= 7 {
                switch marker {
                case .extension, .another: done = true; extended = marker == .extension; stopsHere = marker == .another; return
                case .slash where whole: done = true; extended = true; slashed = true; stopsHere = true; return
                case .slash: done = true; stopsHere = true; return
                case .space where whole: done = true; stopsHere = true; stoppedAtSpace = true; return
                case .dash where whole: done = true; extended = true; return
                default: break
                }
            }
            gap = true
        }

        func key() -> String? {
            if leadingExtension && !whole { return nil }
            guard let base = numberKey() else { return nil }
            return extensionDigits.isEmpty ? base : base + "-" + String(decoding: extensionDigits, as: UTF8.self)
        }

        /// The digits after a slash, up to the next separator or extension, across dashes and
        /// spaces: `021-50000000/021-33333333` has `02133333333`, so `021` is no extension (it
        /// was, and a duplicate of `021-50000000` was missed: helper-162).
        private var slashTail: [UInt8] = []
        private var slashTailClosed = false

        /// The extension's digits. After a slash, an extension is a few digits alone (`/802`);
        /// seven or more, or digits that go on after a dash or a space (`/021-3333333`, a second
        /// number mistyped: helper-163), are another number, not an extension.
        var extensionDigits: [UInt8] { slashed && (ext.count >= 7 || slashTail.count > ext.count) ? [] : ext }

        /// The number's key without its extension.
        private func numberKey() -> String? {
            var d = digits[...]
            // (0086 and 86 compared as bytes: two arrays made per phone were a third of this.)
            var international = false
            let after86 = d.count >= 3 ? d[d.startIndex + 2] : 0
            if d.count >= 4 && d[0] == 0x30 && d[1] == 0x30 && d[2] == 0x38 && d[3] == 0x36 {
                d = d.dropFirst(4)
                international = true
            } else if d.count >= 2 && d[0] == 0x38 && d[1] == 0x36
                        && (plus || (d.count == 13 && after86 == 0x31) || (d.count >= 11 && (apartAfterTwo || (!apart && extensionDigits.isEmpty)))) {
                d = d.dropFirst(2)
                international = true
            } else if plus {
                // Another country's: kept with its + (never a Chinese number's key).
                return d.count >= 7 ? "+" + String(decoding: d, as: UTF8.self) : nil
            }
            // A Chinese number after the country code drops its trunk 0 (+86 10 6552 9988 is
            // 010-65529988); a mobile (11 digits from 1) and 400/800 numbers (10) have none.
            // (+86 (0)22… keeps its own.)
            if international, let first = d.first, first != 0x30, !(first == 0x31 && d.count == 11) {
                let service = d.count == 10 && (first == 0x34 || first == 0x38) && d.dropFirst().first == 0x30 && d.dropFirst(2).first == 0x30
                if !service { return d.count + 1 >= 7 ? "0" + String(decoding: d, as: UTF8.self) : nil }
            }
            // (0 before a mobile, as dialled from another city: 013800000001 is 13800000001, as
            // +86 13800000001 is; it was another person's number: helper-183 F8.)
            // (After +86 too: +86 (0)138 0000 0001, helper-184 N1.)
            if d.count == 12, d[d.startIndex] == 0x30, d[d.startIndex + 1] == 0x31, (0x33...0x39).contains(d[d.startIndex + 2]) { d = d.dropFirst() }
            return d.count >= 7 ? String(decoding: d, as: UTF8.self) : nil
        }
    }
}

/// A record that may be the same company (or person) as a new one: the record and why.
public struct LikelyDuplicate: Sendable {
    /// The customer (or, for `likelyDuplicateContacts`, the contact) already in the archive.
    public let customer: Entity
    public let reason: String
    public let reasonZH: String
    /// The same name written the same way: a customer's is refused by the archive's rule of
    /// one customer per name, `--force` or not.
    public var sameName = false
}

extension Identity {
    /// Customers of `state` that look like the company about to be added (INTERCHANGE.md §4):
    /// the same name once width, spaces, brackets and legal suffixes are ignored, the same
    /// credit code, or the same phone number. `customer add` asks for `--force` when any is found.
    public static func likelyDuplicates(name: String?, creditCode: String?, phone: String?, in state: ArchiveState) -> [LikelyDuplicate] {
        DuplicateFinder(state, indexed: false).customers(like: name, creditCode: creditCode, phone: phone)
    }

    /// The removed customers that look like the company about to be added, as `likelyDuplicates`
    /// compares the live ones (names in traditional characters, one name within the other, the
    /// credit code, the phone): adding it makes a new customer without the removed one's records,
    /// where undoing the removal brings those back (helper-183 F2, helper-184 N4: only the name
    /// keyed alike was said).
    public static func removedLikelyDuplicates(name: String?, creditCode: String?, phone: String?, in state: ArchiveState) -> [LikelyDuplicate] {
        DuplicateFinder(state, indexed: false, removed: true).customers(like: name, creditCode: creditCode, phone: phone)
    }

    /// The customers an undo brought back (`restored`, their ids) each with the live customers
    /// named alike (`likelyDuplicates` by name): the archive refuses only the same name, and an
    /// undo of a removal after the company was added again under a name alike left two without
    /// a word (helper-183 F7).
    public static func alikeAfterRestore(_ restored: [UInt64], in state: ArchiveState) -> [(customer: Entity, alike: [LikelyDuplicate])] {
        restored.compactMap { id in
            guard let c = state.entityIncludingRemoved(.customer, id), let name = c["name"]?.text else { return nil }
            let alike = likelyDuplicates(name: name, creditCode: nil, phone: nil, in: state).filter { $0.customer.id != id }
            return alike.isEmpty ? nil : (c, alike)
        }
    }

    /// The contacts among `restored` (an undo brought them back) beside a live contact of their
    /// customer they look like (`likelyDuplicateContacts`: the same name or mobile), with those:
    /// a person removed, added again with --force, then the removal undone, left two without a
    /// word (helper-184 N5b).
    public static func contactsAlikeAfterRestore(_ restored: [UInt64], in state: ArchiveState) -> [(contact: Entity, alike: [LikelyDuplicate])] {
        restored.compactMap { id in
            guard let p = state.entityIncludingRemoved(.contact, id), let customer = p["customer"]?.ref else { return nil }
            let alike = likelyDuplicateContacts(customer: customer, name: p["name"]?.text, mobile: p["mobile"]?.text, in: state).filter { $0.customer.id != id }
            return alike.isEmpty ? nil : (p, alike)
        }
    }

    /// The removed customer of a company key in `removed` (`removedCustomersByKey`): what an
    /// import says a new customer's name is (helper-182 F5); also one the same once place words
    /// and legal forms inside are set aside (`CompanyName.comparable`, four characters at least:
    /// 杭州海康威视数字技术股份 beside 杭州海康威视数字技术股份有限公司, helper-183 F2).
    static func removedNamesake(key: String, in removed: [String: Entity]) -> Entity? {
        if let same = removed[key] { return same }
        let plain = CompanyName.comparable(key)
        return plain.count >= 4 ? removed["~" + plain] : nil
    }

    /// The removed customers by their company key (`companyKey`), and by "~" and that key as
    /// compared for likeness (`CompanyName.comparable`, four characters at least); the latest
    /// of each.
    static func removedCustomersByKey(in state: ArchiveState) -> [String: Entity] {
        var found: [String: Entity] = [:]
        state.eachIncludingRemoved(.customer) { e in
            guard e.removed, let name = e["name"]?.text else { return }
            let key = companyKey(CompanyName.Simplified.fold(name))
            guard !key.isEmpty else { return }
            if e.id > (found[key]?.id ?? 0) { found[key] = e }
            let plain = CompanyName.comparable(key)
            if plain.count >= 4, e.id > (found["~" + plain]?.id ?? 0) { found["~" + plain] = e }
        }
        return found
    }

    /// What an import says of a new customer named as a removed one (`removedNamesake`).
    static func removedNamesakeWarning(table: String, line: Int, column: String?, name: String, removed gone: Entity) -> ImportProblem {
        let same = gone.displayName == name.trimmedWhitespace
        return ImportProblem(table: table, line: line, column: column, value: name,
                      reason: "\(name) is \(same ? "" : "once spaces and legal suffixes are set aside ")the name of \(gone.shortID) \(gone.displayName), which was removed from the archive: it is added as a new customer, without the removed one's records; to bring that one back instead, undo the change that removed it (see salesvault history \(gone.shortID)) and leave this row out",
                      reasonZH: "“\(name)”与已从档案中移除的客户 \(gone.shortID) \(gone.displayName)\(same ? "同名" : "名称相同（不计空格和“有限公司”等后缀）")，将作为新客户添加，不含原客户的记录。如要恢复原客户，请删去本行，并在 salesvault history \(gone.shortID) 中找到移除它的批次，用 salesvault undo 撤销")
    }

    /// The archive's customers as `likelyDuplicates` compares them, each name folded and keyed
    /// once; `indexed`, also found by their keys, codes, phones and four-character pieces, rather
    /// than compared one by one with every name asked about. An import asks once per customer
    /// it renames: 500 renames in an archive of 5,000 customers took 12 s, 2,000 took 40 s, each
    /// folding and keying every name again. Both ways give the same answer, in the same order.
    public struct DuplicateFinder {
        struct Held {
            let entity: Entity
            let name: String?
            /// The name in simplified characters, its company key, and that key as compared for likeness.
            let folded: String?, key: String?, plain: String?
            let credit: String?
            /// Every number of its phone cell (`phoneKeys`).
            let phones: [String]

            /// What `customers(like:)` compares, each part only when asked for (nil otherwise).
            init(_ c: Entity, names: Bool = true, credit: Bool = true, phone: Bool = true) {
                entity = c
                name = names ? c["name"]?.text : nil
                folded = name.map(CompanyName.Simplified.fold)
                key = folded.map(Identity.companyKey)
                plain = key.map(CompanyName.comparable)
                self.credit = credit ? c["creditCode"]?.text.flatMap { if case .valid(let v) = CreditCode.check($0) { return v } else { return nil } } : nil
                self.phones = phone ? Identity.allPhoneKeys(c["phone"]?.text) : []
            }
        }
        /// In id order; not indexed, none: each question reads the customers with what it asks
        /// about alone (a phone changed by `customer edit` keyed every customer's name, each edit
        /// of a `shell` session: helper-143).
        private let held: [Held]
        private let indexed: Bool
        private var byKey: [String: [Int]] = [:], byPlain: [String: [Int]] = [:]
        private var byCredit: [String: [Int]] = [:], byPhone: [String: [Int]] = [:]
        private var grams: NameGrams?
        private let state: ArchiveState
        /// Each customer's contacts, in id order (built at the first contact asked about).
        private var people: [UInt64: [Entity]]?
        /// The removed customers are compared instead of the live ones (not indexed).
        private var removedOnly = false

        /// `removed`: the removed customers compared (`Identity.removedLikelyDuplicates`), not indexed.
        public init(_ state: ArchiveState, indexed: Bool, removed: Bool) {
            self.init(state, indexed: false)
            removedOnly = removed
        }

        public init(_ state: ArchiveState, indexed: Bool) {
            self.state = state
            self.indexed = indexed
            // (Names in traditional characters, 華為技術有限公司 or one stored so, compared in
            // simplified ones, character by character: they were added beside each other without
            // a word, helper-139. By the table made from ICU's transform: a folder over every
            // name took a tenth of a second per 100,000 names, for each `customer edit`.)
            guard indexed else { held = []; return }
            held = state.all(.customer).map { Held($0) }
            for (i, h) in held.enumerated() {
                if let k = h.key { byKey[k, default: []].append(i) }
                if let k = h.plain { byPlain[k, default: []].append(i) }
                if let k = h.credit { byCredit[k, default: []].append(i) }
                for k in h.phones { byPhone[k, default: []].append(i) }
            }
            grams = NameGrams(held.map { Array(($0.plain ?? "").unicodeScalars) })
        }

        /// `Identity.likelyDuplicates`.
        public func customers(like name: String?, creditCode: String?, phone: String?) -> [LikelyDuplicate] {
            let key = name.map { companyKey(CompanyName.Simplified.fold($0)) }
            let credit: String? = creditCode.flatMap { if case .valid(let v) = CreditCode.check($0) { return v } else { return nil } }
            let phoneKeys = Identity.allPhoneKeys(phone)
            let shortKey = key.map(CompanyName.comparable)
            func match(_ c: Held) -> LikelyDuplicate? {
                if let key, c.key == key, let n = c.name, let folded = c.folded {
                    // (The same name written the same way is said so: 名称相近 read as a guess.)
                    let same = n.trimmedWhitespace == name?.trimmedWhitespace
                    // (Not the same: what makes them alike is said; it was only 名称相近 for 华为技术
                    // beside 华为技术有限公司. An import's refusal says it in its own words.)
                    if !same, let name, folded.trimmedWhitespace == CompanyName.Simplified.fold(name).trimmedWhitespace {
                        return LikelyDuplicate(customer: c.entity, reason: "the same name, differing only in traditional and simplified characters",
                                               reasonZH: "名称相同，仅繁简写法不同")
                    }
                    return same ? LikelyDuplicate(customer: c.entity, reason: "the same name", reasonZH: "名称相同", sameName: true)
                        : LikelyDuplicate(customer: c.entity, reason: "the same name once the legal suffix, spaces and brackets are set aside",
                                          reasonZH: "名称相近：去掉“有限公司”等后缀、空格和括号后相同")
                } else if let shortKey, let other = c.plain, let otherKey = c.key, shortKey == other || Identity.namesOneAnother(shortKey, other) {
                    // 恒瑞医药 beside 江苏恒瑞医药股份有限公司, 南京市地铁集团 beside 南京地铁集团:
                    // one name within the other once 省 and 市 are left out (added without a word,
                    // and 恒瑞 then found the new one: helper-127). The same but for 省/市 said as
                    // such (一个名称包含另一个 was not what they are: helper-129).
                    let words = Identity.differingWords(key ?? "", otherKey)
                    return shortKey == other
                        ? LikelyDuplicate(customer: c.entity, reason: "the same name but for \(words.en)", reasonZH: "名称相同，仅\(words.zh)不同")
                        : LikelyDuplicate(customer: c.entity, reason: "a similar name: one within the other", reasonZH: "名称相近，一方名称包含另一方")
                } else if let credit, c.credit == credit {
                    return LikelyDuplicate(customer: c.entity, reason: "the same credit code", reasonZH: "统一社会信用代码相同")
                } else if c.phones.contains(where: phoneKeys.contains) {
                    return LikelyDuplicate(customer: c.entity, reason: "the same phone number", reasonZH: "电话相同")
                }
                return nil
            }
            guard indexed else {
                var out: [LikelyDuplicate] = []
                if removedOnly {
                    state.eachIncludingRemoved(.customer) { c in
                        if c.removed, let d = match(Held(c, names: key != nil, credit: credit != nil, phone: !phoneKeys.isEmpty)) { out.append(d) }
                    }
                } else {
                    state.each(.customer) { c in
                        if let d = match(Held(c, names: key != nil, credit: credit != nil, phone: !phoneKeys.isEmpty)) { out.append(d) }
                    }
                }
                return out.sorted { $0.customer.id < $1.customer.id }
            }
            var found = Set<Int>()
            if let key { found.formUnion(byKey[key] ?? []) }
            if let shortKey {
                found.formUnion(byPlain[shortKey] ?? [])
                // (One name within the other: four characters or more, `namesOneAnother`.)
                let scalars = Array(shortKey.unicodeScalars)
                if let grams { found.formUnion(grams.mayHold(scalars)); found.formUnion(grams.mayBeHeld(by: scalars)) }
            }
            if let credit { found.formUnion(byCredit[credit] ?? []) }
            for k in phoneKeys { found.formUnion(byPhone[k] ?? []) }
            return found.sorted().compactMap { match(held[$0]) }
        }

        /// `Identity.likelyDuplicateContacts`, the contacts grouped by customer once.
        public mutating func contacts(of customer: UInt64, like name: String?, mobile: String?) -> [LikelyDuplicate] {
            if people == nil {
                var groups: [UInt64: [Entity]] = [:]
                for p in state.all(.contact) { if let c = p["customer"]?.ref { groups[c, default: []].append(p) } }
                people = groups
            }
            return Identity.contactDuplicates(among: people?[customer] ?? [], name: name, mobile: mobile)
        }
    }

    /// What two company keys that `CompanyName.comparable` makes equal differ by: 省 and 市, or
    /// a legal form inside one (中国银行股份有限公司南京河西支行).
    static func differingWords(_ a: String, _ b: String) -> (en: String, zh: String) {
        func withoutForms(_ t: String) -> String {
            ["股份有限公司", "有限责任公司", "有限公司"].reduce(t) { $0.replacingOccurrences(of: $1, with: "") }
        }
        if CompanyName.withoutPlaceWords(a) == CompanyName.withoutPlaceWords(b) { return ("省/市", "“省”“市”二字") }
        if withoutForms(a) == withoutForms(b) { return ("a legal form such as 有限公司", "“有限公司”等公司类型字样") }
        return ("省/市 and a legal form", "“省”“市”和公司类型字样")  // (国网江苏省电力有限公司… and 国网江苏电力…: helper-132)
    }

    /// Two company keys of which one holds the other, the shorter of four characters or more
    /// (京东 within 北京东方 is no sign; 恒瑞医药 within 江苏恒瑞医药 is).
    /// A longer name that adds a branch or an affiliated unit (中国银行上海分行, 北京大学第一医院)
    /// is another account: no sign (helper-128).
    static func namesOneAnother(_ a: String, _ b: String) -> Bool {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        guard short.count >= 4, let range = long.range(of: short) else { return false }
        // A unit is one the longer adds after the shorter (北京大学 → 北京大学第一医院); text
        // before it names the shorter's parent (复旦大学附属 + 中山医院, 中国医学科学院 + 北京协和医院:
        // the same unit, said: helper-131, helper-132). A company key has lost the 公司 of 分公司
        // and 支公司 with the legal suffix (中国电信南京分公司 is 中国电信南京分: helper-130).
        // (A unit word the shorter has too counts after it: 四川大学华西医院上锦医院 is another
        // hospital; 股分, a typo of 股份, is no 分公司: helper-133.)
        let after = long[range.upperBound...]
        if after.count >= 3 && (after.hasSuffix("分") || after.hasSuffix("支")) { return false }
        return !["分行", "支行", "分理处", "营业所", "分公司", "子公司", "分院", "附属", "医院", "门诊部", "分校", "学院", "办事处", "代表处", "研究所",
                 "研究院", "设计院", "营业部", "项目部", "事业部", "分部", "分中心"].contains { after.contains($0) }
    }

    /// Contacts of the customer `customer` that look like the person about to be added to it:
    /// the same name once width, case, spaces and invisible characters are ignored, or the same
    /// mobile number. `contact add` asks for `--force` when any is found (two people of one
    /// company may share a name; usually it is the same person entered twice).
    public static func likelyDuplicateContacts(customer: UInt64, name: String?, mobile: String?, in state: ArchiveState) -> [LikelyDuplicate] {
        contactDuplicates(among: state.all(.contact).filter { $0["customer"]?.ref == customer }, name: name, mobile: mobile)
    }

    /// The removed contacts of `customer` that look like the person about to be added, as
    /// `likelyDuplicateContacts` compares the live ones: undoing the removal brings that one back
    /// with its place in the log and projects (helper-184 N5: added as a new, empty person, and
    /// an undo then left two).
    public static func removedLikelyDuplicateContacts(customer: UInt64, name: String?, mobile: String?, in state: ArchiveState) -> [LikelyDuplicate] {
        var removed: [Entity] = []
        state.eachIncludingRemoved(.contact) { e in if e.removed, e["customer"]?.ref == customer { removed.append(e) } }
        return contactDuplicates(among: removed, name: name, mobile: mobile)
    }

    /// The projects of `customer` a new project named `name` is likely one of: the same name
    /// (spaces, width and traditional characters aside). `project add` asks for --force before
    /// a second one (it took it without a word).
    public static func likelyDuplicateProjects(customer: UInt64, name: String, in state: ArchiveState) -> [LikelyDuplicate] {
        let fold = CompanyName.Simplified.fold
        let stored = (try? ChangeDraft.name(name, of: .project)) ?? name
        let key = CompanyName.personKey(fold(stored))
        return state.all(.project).filter { $0["customer"]?.ref == customer }.compactMap { p in
            guard let n = p["name"]?.text, CompanyName.personKey(fold(n)) == key else { return nil }
            return CompanyName.personKey(n) == CompanyName.personKey(stored)
                ? LikelyDuplicate(customer: p, reason: "the same name", reasonZH: "项目名称相同")
                : LikelyDuplicate(customer: p, reason: "the same name, differing only in traditional and simplified characters", reasonZH: "项目名称仅繁简体不同")
        }.sorted { $0.customer.id < $1.customer.id }
    }

    /// `likelyDuplicateContacts` among `people`, one customer's contacts in id order.
    static func contactDuplicates(among people: [Entity], name: String?, mobile: String?) -> [LikelyDuplicate] {
        // (The name as it will be stored: 王敏、 is 王敏, and was added beside her.)
        // (In simplified characters: 張偉 beside 张伟 was added without a word: helper-139.)
        let stored = name.map { (try? ChangeDraft.name($0, of: .contact)) ?? $0 }
        let fold = CompanyName.Simplified.fold
        let key = stored.map { CompanyName.personKey(fold($0)) }
        let mobileKeys = Self.allPhoneKeys(mobile)
        var out: [LikelyDuplicate] = []
        for p in people {
            if let key, let n = p["name"]?.text, CompanyName.personKey(fold(n)) == key {
                let same = CompanyName.personKey(n) == CompanyName.personKey(stored ?? "")
                out.append(same ? LikelyDuplicate(customer: p, reason: "the same name", reasonZH: "姓名相同")
                    : LikelyDuplicate(customer: p, reason: "the same name, differing only in traditional and simplified characters", reasonZH: "姓名相同，仅繁简写法不同"))
            } else if !mobileKeys.isEmpty, Self.allPhoneKeys(p["mobile"]?.text).contains(where: mobileKeys.contains) {
                out.append(LikelyDuplicate(customer: p, reason: "the same mobile number", reasonZH: "手机号相同"))
            }
        }
        return out.sorted { $0.customer.id < $1.customer.id }
    }
}

extension Importer {
    /// A new customer of an import, as `nearNameWarnings` compares it.
    struct NewCustomer {
        let table: String
        let line: Int
        let column: String?
        let name: String
        /// Its company key (`Identity.companyKey`).
        let key: String
    }

    /// Most rows a near name is said of one by one; the others are said together.
    static let nearNamesShown = 20

    /// The new customers of an import that look like another customer by their name, as
    /// `customer add` asks about them (INTERCHANGE.md §4): an archive customer's name that holds
    /// theirs or that theirs holds (four characters or more, not a branch or affiliated unit:
    /// `Identity.namesOneAnother`), or that is theirs but for 省 and 市; and an earlier new
    /// customer of the file whose name is theirs but for 省 and 市. Said, not refused: such a
    /// row may be another account (an import added them without a word, while `customer add`
    /// asked for --force: helper-129). Names that hold one another within the file are not
    /// compared (a hundred thousand names, each with each).
    /// The archive's names are found by four-character pieces, not each compared with each row.
    static func nearNameWarnings(_ new: [NewCustomer], index: ArchiveIndex, state: ArchiveState) -> [ImportProblem] {
        guard !new.isEmpty else { return [] }
        // (same: what the two names differ by when they are the same once compared for likeness.)
        // (other: the other customer as said, or the others: two that fold alike are both said.)
        var found: [(row: Int, other: (en: String, zh: String, many: Bool), same: (en: String, zh: String)?, earlierLine: Int?)] = []
        func label(_ refs: [String]) -> (en: String, zh: String, many: Bool) {
            var seen = Set<String>()
            let shown = refs.filter { seen.insert($0).inserted }.map { ref in
                guard let id = UInt64(ref.dropFirst()), let c = state.entity(.customer, id) else { return ref }
                return "\(c.shortID) \(c.displayName)"
            }
            return (shown.joined(separator: " and "), shown.joined(separator: "、"), shown.count > 1)
        }
        // Within the file: the same once 省 and 市 are left out (only when a name has them).
        let placed = new.indices.filter { CompanyName.hasLikenessNoise(new[$0].key) }
        if !placed.isEmpty {
            var first: [String: Int] = [:]
            first.reserveCapacity(new.count)
            for i in new.indices {
                let plain = CompanyName.comparable(new[i].key)
                if let j = first[plain] {
                    found.append((i, (new[j].name, new[j].name, false), Identity.differingWords(new[i].key, new[j].key), new[j].line))
                } else {
                    first[plain] = i
                }
            }
        }
        // Against the archive.
        if !index.customerByKey.isEmpty {
            var keys: [(plain: [Unicode.Scalar], key: String, ref: String)] = []
            keys.reserveCapacity(index.customerByKey.count)
            for (key, ref) in index.customerByKey where !ref.isEmpty { keys.append((Array(CompanyName.comparable(key.text).unicodeScalars), key.text, ref)) }
            for (key, refs) in index.sharedKeys { for ref in refs { keys.append((Array(CompanyName.comparable(key.text).unicodeScalars), key.text, ref)) } }
            keys.sort { (Int($0.ref.dropFirst()) ?? 0) < (Int($1.ref.dropFirst()) ?? 0) }  // (record order: the same answer every time)
            var byPlain: [String: [Int]] = [:]
            for (k, entry) in keys.enumerated() { byPlain[String(String.UnicodeScalarView(entry.plain)), default: []].append(k) }
            let grams = NameGrams(keys.map(\.plain))
            for (i, customer) in new.enumerated() {
                let plainText = CompanyName.comparable(customer.key)
                let plain = Array(plainText.unicodeScalars)
                if let same = byPlain[plainText], let one = same.first {
                    found.append((i, label(same.map { keys[$0].ref }), Identity.differingWords(customer.key, keys[one].key), nil))
                    continue
                }
                guard plain.count >= 4 else { continue }
                // The names that hold it (those with its first piece), and those it holds: each
                // of its runs of four characters or more looked up as a whole name (every name
                // sharing a first piece with it was compared: 20,000 new names each holding an
                // archive name took a minute: helper-148).
                var candidates = Set(grams.mayHold(plain))
                if plain.count > 4 {
                    for start in 0...(plain.count - 4) {
                        for end in (start + 4)...plain.count where end - start < plain.count {
                            if let held = byPlain[String(String.UnicodeScalarView(plain[start..<end]))] { candidates.formUnion(held) }
                        }
                    }
                }
                let text = plainText
                if let k = candidates.sorted().first(where: { Identity.namesOneAnother(text, String(String.UnicodeScalarView(keys[$0].plain))) }) {
                    found.append((i, label([keys[k].ref]), nil, nil))
                }
            }
        }
        // In simplified characters (臺灣積體電路製造 beside 台湾积体电路制造, as `customer add` compares
        // them: added without a word): a name with a traditional character against the archive's
        // names and the file's earlier ones, and any name against the archive's names stored in
        // traditional characters. The names are scanned on both cores; the archive's when its
        // index is made.
        let traditional = new.count < 8_192 ? new.map { CompanyName.Simplified.hasTraditional($0.name) }
            : Parallel.fill(new.count, chunk: 8_192) { CompanyName.Simplified.hasTraditional(new[$0].name) }
        let anyTraditional = traditional.contains(true)
        if anyTraditional || !index.customerBySimplifiedKey.isEmpty {
            let scripts = (en: "traditional and simplified characters", zh: "繁简写法")
            var first: [String: Int] = [:]
            for i in new.indices {
                let folded = traditional[i] ? Identity.companyKey(CompanyName.Simplified.fold(new[i].name)) : new[i].key
                // Every archive customer of that name in simplified characters: its own written
                // in them, and those written in traditional ones (both when there are two).
                var others: [String] = []
                if traditional[i], let c = index.customerByKey[TextKey(folded)] { others += index.sharedKeys[TextKey(folded)] ?? [c] }
                if !index.customerBySimplifiedKey.isEmpty, let refs = index.customerBySimplifiedKey[TextKey(folded)] {
                    others += refs.filter { !others.contains($0) }
                }
                if !others.isEmpty {
                    found.append((i, label(others.sorted { (UInt64($0.dropFirst()) ?? 0) < (UInt64($1.dropFirst()) ?? 0) }), scripts, nil))
                }
                guard anyTraditional else { continue }
                if let j = first[folded] {
                    if new[j].key != new[i].key { found.append((i, (new[j].name, new[j].name, false), scripts, new[j].line)) }
                } else {
                    first[folded] = i
                }
            }
        }
        found.sort { ($0.row, $0.earlierLine == nil ? 1 : 0) < ($1.row, $1.earlierLine == nil ? 1 : 0) }
        var out: [ImportProblem] = []
        var more: [Int] = []
        var said = Set<Int>()
        for f in found where said.insert(f.row).inserted {
            let c = new[f.row]
            guard out.count < nearNamesShown else { more.append(c.line); continue }
            let how = f.same.map { (en: "the same name but for \($0.en)", zh: "名称仅\($0.zh)不同") }
                ?? (en: "a similar name (one within the other)", zh: "名称相近（一方名称包含另一方）")
            if let line = f.earlierLine {
                out.append(ImportProblem(
                    table: c.table, line: c.line, column: c.column, value: c.name,
                    reason: "\(c.name) and line \(line)'s \(f.other.en) have \(how.en): perhaps the same customer; both are new customers. If they are one, keep one row",
                    reasonZH: "“\(c.name)”与第 \(line) 行的“\(f.other.zh)”\(how.zh)，可能是同一客户；两行都将作为新客户导入。如确为同一客户，请只保留一行"))
            } else {
                out.append(ImportProblem(
                    table: c.table, line: c.line, column: c.column, value: c.name,
                    reason: "\(c.name) and the archive's \(f.other.en) have \(how.en): perhaps the same customer; the row will be a new customer. If it is that one, delete the row, or write its name as the archive does and import with --on-duplicate skip (leave the archive's) or update (the file's values win)",
                    reasonZH: "“\(c.name)”与档案中的 \(f.other.zh) \(how.zh)，可能是同一客户；本行将作为新客户导入。如确为同一客户，请删除本行，或将名称改成与\(f.other.many ? "其中一家" : "该客户")在档案中完全一致的写法，"
                        + "再加上 --on-duplicate skip（跳过本行）或 --on-duplicate update（用本行内容更新档案）重新导入"))
            }
        }
        if !more.isEmpty, let table = new.first?.table {
            out.append(ImportProblem(
                table: table, line: 0,
                reason: "\(lineList(more, zh: false)) (\(more.count) rows in all) also have names like other customers' or other rows': check each",
                reasonZH: "\(lineList(more, zh: true))（共 \(more.count) 行）的客户名称也与已有客户或文件中其他行相同或相近，请逐一核实"))
        }
        return out
    }
}

/// Names found by their pieces of four characters (of two with `short`, for texts of two or
/// three): those that may
/// hold a text, and those a text may hold, without comparing the text with every name (an
/// import's rows with an archive of a hundred thousand customers). Candidates only: the caller
/// compares them.
struct NameGrams {
    struct Piece: Hashable { let a, b, c, d: UInt32 }
    let size: Int
    /// Each piece of each name: the names (by index, in order) that have it.
    private var having: [Piece: [Int]] = [:]
    /// Each name's first piece.
    private var starting: [Piece: [Int]] = [:]

    init(_ names: [[Unicode.Scalar]], short: Bool = false) {
        size = short ? 2 : 4
        for (k, name) in names.enumerated() where name.count >= size {
            starting[piece(name, 0), default: []].append(k)
            var seen = Set<Piece>()
            for i in 0...(name.count - size) where seen.insert(piece(name, i)).inserted { having[piece(name, i), default: []].append(k) }
        }
    }

    func piece(_ s: [Unicode.Scalar], _ i: Int) -> Piece {
        Piece(a: s[i].value, b: s[i + 1].value, c: size > 2 ? s[i + 2].value : 0, d: size > 3 ? s[i + 3].value : 0)
    }

    /// The names that may hold `text` (`size` characters or more), in order: those with its first piece.
    func mayHold(_ text: [Unicode.Scalar]) -> [Int] {
        text.count >= size ? having[piece(text, 0)] ?? [] : []
    }

    /// The names `text` may hold: those whose first piece it has.
    func mayBeHeld(by text: [Unicode.Scalar]) -> Set<Int> {
        guard text.count >= size else { return [] }
        var out = Set<Int>()
        for i in 0...(text.count - size) { out.formUnion(starting[piece(text, i)] ?? []) }
        return out
    }
}
