import Foundation
import SalesArchive

extension Importer {
    // MARK: - Pass 2: identities, references, duplicates, operations

    /// Archive customers whose name holds a text no customer is named (合肥京东方 for 合肥京东方
    /// 光电科技有限公司, which the command line finds; 省 and 市 left out as customer add
    /// compares names): named in a refusal (it said only "not found": helper-127, helper-128),
    /// and in the note on a text taken as one of several. The archive's keys are made once and
    /// found by their pieces (`NameGrams`), not compared with each text (a file of many names
    /// each written otherwise scanned the archive once per row: a large import hung in CI; then
    /// 50 texts were looked for at most, and the 51st went without its note: helper-130).
    final class NearCustomers {
        private let state: ArchiveState
        private var keys: [(key: String, label: String)]?
        private var grams: NameGrams?
        private var shortGrams: NameGrams?
        private var found: [String: [String]] = [:]

        init(_ state: ArchiveState) { self.state = state }

        /// A name as compared here: its company key for likeness, in simplified characters (华为
        /// found no near name where 華為 found 華為技術有限公司: helper-144).
        static func key(_ name: String) -> String { CompanyName.comparable(Identity.companyKey(CompanyName.Simplified.fold(name))) }

        /// Up to six customers (`C4 南京地铁集团有限公司`) whose name holds `text`'s, in record order.
        func names(_ text: String) -> [String] {
            if let known = found[text] { return known }
            if keys == nil {
                var all: [(id: UInt64, key: String, label: String)] = []
                state.each(.customer) { c in
                    if let n = c["name"]?.text { all.append((c.id, Self.key(n), "\(c.shortID) \(c.displayName)")) }
                }
                keys = all.sorted { $0.id < $1.id }.map { ($0.key, $0.label) }  // (record order: the same answer every time)
            }
            let key = Self.key(text)
            var out: [String] = []
            let scalars = Array(key.unicodeScalars)
            if scalars.count >= 2 {
                // (Four-character pieces, or two for a text of two or three: the 51st short text
                // went without its note when they were compared with every name: helper-131.)
                let size = scalars.count >= 4 ? 4 : 2
                if size == 4 && grams == nil { grams = NameGrams(keys!.map { Array($0.key.unicodeScalars) }) }
                if size == 2 && shortGrams == nil { shortGrams = NameGrams(keys!.map { Array($0.key.unicodeScalars) }, short: true) }
                for k in (size == 4 ? grams! : shortGrams!).mayHold(scalars) where keys![k].key.contains(key) {
                    out.append(keys![k].label)
                    if out.count > 5 { break }
                }
            }
            found[text] = out
            return out
        }
    }

    enum RowStatus { case new, updated, unchanged, duplicate }

    struct Build {
        var set = ChangeSet(label: "")
        /// The row of each operation (by operation index from 0).
        var operationRows: [Int] = []
        var problems: [Int: [ImportProblem]] = [:]
        var status = RowStatuses()
        var warnings: [ImportProblem] = []
        var duplicatesRefused = 0
        /// `ImportPreview.valuesLeftOut`.
        var valuesLeftOut = 0
        /// The rows refused as duplicates (`duplicatesRefused`).
        var duplicateRows = Set<Int>()
        /// The customer rows that several archive customers could be (`standsForNone`), and the
        /// rows refused for naming one (`refuseAmbiguous`): `--on-duplicate skip` leaves them refused.
        var namingUnclearRows = Set<Int>()
        /// The customer rows that add their contact person (counted as new contacts: a row whose
        /// customer was in the archive already said 新增 0 条 while it added the person).
        var inlineContacts = Set<Int>()
        /// The customer rows whose contact person the customer has already and whose values
        /// update it (`--on-duplicate update`): counted as updated contacts.
        var inlineContactUpdates = Set<Int>()
        /// The customer rows whose contact person the archive has as the row has it (update:
        /// `.unchanged`) or that leave it as it is (skip: `.duplicate`): counted so (they were
        /// not counted at all: helper-97).
        var inlineContactKept: [Int: RowStatus] = [:]
        /// The rows refused as duplicates of a record of the archive (`--on-duplicate refuse`):
        /// the ones `Importer.preview` asks whether they would change it at all.
        var archiveDuplicates = Set<Int>()
        /// The record each updated or unchanged row stands for (customers, contacts, projects, log
        /// entries): an archive record's id, or a record new in this file (`@…`); rows of one
        /// record are counted as one record beside the rows (`ImportPreview.Counts.updatedRecords`).
        var updateTargets: [Int: String] = [:]
        /// The archive's index the rows were compared with.
        var index: ArchiveIndex?
    }

    /// What identifies a row, from its own text only (no table of the pass looks at it): a
    /// customer row's company key, valid credit code and phone key; the company key and credit
    /// code check of the customer another row names. Computed for all rows on both cores before
    /// the pass in file order, which uses them instead of computing them there.
    struct RowKeys: Sendable {
        /// Customers: of the name. Rows naming a customer: of that text.
        var companyKey: TextKey?
        /// Customers: the name's credit code when valid. Rows naming a customer: the check of that text.
        var credit: CreditCode.Check?
        /// Customers: of the phone cell's first number, and of its other numbers (`Identity.phoneKeys`).
        var phone: String?
        var otherPhones: [String] = []
        /// Every phone key of the row, the first first.
        var phones: [String] { (phone.map { [$0] } ?? []) + otherPhones }

        /// The keys of a text that names a customer, as computed elsewhere.
        init(companyKey: TextKey, credit: CreditCode.Check) {
            self.companyKey = companyKey
            self.credit = credit
        }

        init(_ r: Row) {
            switch r.kind {
            case .customers:
                companyKey = TextKey(Identity.companyKey(r.field("name") ?? ""))
                credit = r.field("creditCode").map(CreditCode.check)
                if let cell = r.field("phone") { (phone, otherPhones) = Identity.phoneKeys(cell) }
            default:
                if let text = r.refs["customer"] {
                    companyKey = TextKey(Identity.companyKey(text))
                    credit = CreditCode.check(text)
                }
            }
        }

        /// The keys of `rows` not excluded and without problems (the ones the pass plans).
        static func of(_ rows: [Row], excluding excluded: Set<Int>) -> [RowKeys?] {
            let wanted: @Sendable (Int, Row) -> Bool = { i, r in !excluded.contains(i) && r.problems.isEmpty }
            guard rows.count >= 2_048 else { return rows.enumerated().map { wanted($0, $1) ? RowKeys($1) : nil } }
            return Parallel.fill(rows.count, chunk: 8_192) { i in wanted(i, rows[i]) ? RowKeys(rows[i]) : nil }
        }
    }

    /// Each row's status by row index (nil: none given), in an array rather than a table of a
    /// million entries.
    struct RowStatuses {
        private var values: [RowStatus?] = []

        init(rows: Int = 0) { values = Array(repeating: nil, count: rows) }

        subscript(row: Int) -> RowStatus? {
            get { row < values.count ? values[row] : nil }
            set { values[row] = newValue }
        }
    }

    /// The archive's records by what identifies them (customers by their short id: all that the
    /// pass takes from them).
    struct ArchiveIndex: Sendable {
        var customerByKey: [TextKey: String] = [:]
        /// Customers by their exact name (canonically equal): found before their company key,
        /// which two customers' names may share (上海浦东发展银行 and …股份有限公司).
        var customerByName: [TextKey: String] = [:]
        var customerByCredit: [String: String] = [:]
        var customerByCode: [String: String] = [:]
        /// Customers by the first number of their phone cells.
        var customerByPhone: [String: String] = [:]
        /// Customers by the other numbers of their phone cells (`Identity.phoneKeys`), in record
        /// order: they find no record (a number after the first is no sign of one customer), only
        /// the note that names who else gives it (`noteSharedSecondNumber`).
        var customersBySecondPhone: [String: [String]] = [:]
        /// First phone numbers and credit codes two or more customers give (added with `customer
        /// add --force`: a branch and its head office), with those customers in record order: a
        /// row found by one of them alone is not known to be either (it was taken for the last
        /// one added, and --on-duplicate update overwrote it: helper-163).
        var sharedFirstPhones: [String: [String]] = [:]
        var sharedCredits: [String: [String]] = [:]
        /// Customers by their short names and aliases (compared as company names are), for a
        /// reference that names none by its name: "" when a name is another's too (ambiguous).
        var customerByOtherName: [TextKey: String] = [:]
        /// Company keys that two or more customers' names share (上海浦东发展银行 and
        /// 上海浦东发展银行股份有限公司), with those customers' short ids in record order: a
        /// reference that writes neither name exactly is ambiguous.
        var sharedKeys: [TextKey: [String]] = [:]
        var contacts: [UInt64: [Entity]] = [:]
        var projects: [UInt64: [Entity]] = [:]
        var logKeys = Set<LogKey>()
        var complaintKeys = Set<LogKey>()
        /// Customers whose names have traditional characters, by the company key of their names
        /// in simplified ones (臺灣積體電路製造 for a reference 台湾积体电路制造), in record order
        /// (two when 華為 and 華爲 share a key: a reference names neither, and both are said).
        /// (A scan of each name's scalars against a bit table: no ICU.)
        var customerBySimplifiedKey: [TextKey: [String]] = [:]
        /// Customers whose names have characters code page 936 lacks (Björn AB, 上海😀科技), by the
        /// company key of their names as a GBK file saves them (bj?rn ab), in record order: filled
        /// by `addLostCharacterKeys` for a file that may be GBK, and looked up only for a name with
        /// `?` that names no customer as written (Bj?rn AB was a new customer: session 53's note).
        var customerByLostKey: [TextKey: [String]] = [:]

        /// What identifies one customer record (it depends on the record alone).
        struct CustomerKeys: Sendable {
            var name: String?
            var nameKey: TextKey?
            var exactName: TextKey?
            var credit: String?
            var code: String?
            var phone: String?
            var otherPhones: [String] = []
            var otherNames: [TextKey] = []

            init(_ c: Entity) {
                name = c["name"]?.text
                nameKey = name.map { TextKey(Identity.companyKey($0)) }
                exactName = name.map { TextKey($0.trimmedWhitespace) }
                if let code = c["creditCode"]?.text, case .valid(let v) = CreditCode.check(code) { credit = v }
                code = c["code"]?.text?.lowercased()
                if let cell = c["phone"]?.text { (phone, otherPhones) = Identity.phoneKeys(cell) }
                otherNames = c.otherNames.map { TextKey(Identity.companyKey($0)) }.filter { !$0.text.isEmpty && $0 != nameKey }
            }
        }

        /// No table filled (one core's half of `init`'s tables).
        private init() {}

        /// With `customersOnly`, the customers' tables alone (contacts, projects and the log's
        /// keys left empty: what a list of customers is compared with).
        init(_ state: ArchiveState, customersOnly: Bool = false) {
            // The customers' keys on both cores, then the tables filled in the records' order
            // (a later customer with the same key takes it, as before).
            var held: [Entity] = []
            held.reserveCapacity(state.count(.customer))
            state.each(.customer) { held.append($0) }
            held.sort { $0.id < $1.id }  // the records' order: the same answer in every run
            let customers = held
            let keys = customers.count < 4_096 ? customers.map(CustomerKeys.init)
                : Parallel.fill(customers.count, chunk: 8_192) { CustomerKeys(customers[$0]) }
            // The tables are independent of each other: those of the names on one core, the
            // others on the other (each filled in the records' order).
            let ids = customers.map(\.shortID)
            let filled = Parallel.map(2) { part -> ArchiveIndex in
                var t = ArchiveIndex()
                if part == 0 {
                    t.customerByKey.reserveCapacity(ids.count)
                    t.customerByName.reserveCapacity(ids.count)
                    for (id, k) in zip(ids, keys) {
                        if let key = k.nameKey {
                            if let earlier = t.customerByKey[key] { t.sharedKeys[key, default: [earlier]].append(id) }
                            t.customerByKey[key] = id
                        }
                        if let exact = k.exactName { t.customerByName[exact] = id }
                        if let n = k.name, CompanyName.Simplified.hasTraditional(n) {
                            let folded = TextKey(Identity.companyKey(CompanyName.Simplified.fold(n)))
                            t.customerBySimplifiedKey[folded, default: []].append(id)
                        }
                    }
                } else {
                    t.customerByPhone.reserveCapacity(ids.count)
                    for (id, k) in zip(ids, keys) {
                        if let credit = k.credit {
                            if let earlier = t.customerByCredit[credit] { t.sharedCredits[credit, default: [earlier]].append(id) }
                            t.customerByCredit[credit] = id
                        }
                        if let code = k.code { t.customerByCode[code] = id }
                        if let phone = k.phone {
                            if let earlier = t.customerByPhone[phone] { t.sharedFirstPhones[phone, default: [earlier]].append(id) }
                            t.customerByPhone[phone] = id
                        }
                        for other in k.otherPhones where t.customersBySecondPhone[other]?.last != id { t.customersBySecondPhone[other, default: []].append(id) }
                        for other in k.otherNames where t.customerByOtherName[other] != id {
                            t.customerByOtherName[other] = t.customerByOtherName[other] == nil ? id : ""
                        }
                    }
                }
                return t
            }
            (customerByKey, customerByName, sharedKeys) = (filled[0].customerByKey, filled[0].customerByName, filled[0].sharedKeys)
            customerBySimplifiedKey = filled[0].customerBySimplifiedKey
            (customerByCredit, customerByCode, customerByPhone, customerByOtherName) = (filled[1].customerByCredit, filled[1].customerByCode, filled[1].customerByPhone, filled[1].customerByOtherName)
            customersBySecondPhone = filled[1].customersBySecondPhone
            (sharedFirstPhones, sharedCredits) = (filled[1].sharedFirstPhones, filled[1].sharedCredits)
            if customersOnly { return }
            state.each(.contact) { p in if let c = p["customer"]?.ref { contacts[c, default: []].append(p) } }
            state.each(.project) { p in if let c = p["customer"]?.ref { projects[c, default: []].append(p) } }
            logKeys = Self.logKeys(state)
            state.each(.complaint) { t in
                if let c = t["customer"]?.ref, let at = t["receivedAt"]?.int {
                    complaintKeys.insert(Importer.complaintKey("C\(c)", at, t["description"]?.text ?? ""))
                }
            }
        }

        /// Fills `customerByLostKey` (customers in record order; a name's two masks, of one `?`
        /// per character and per UTF-16 unit, both count).
        mutating func addLostCharacterKeys(_ state: ArchiveState) {
            var held: [Entity] = []
            state.each(.customer) { c in
                if let n = c["name"]?.text, n.unicodeScalars.contains(where: { $0.value >= 0x80 && !(0x4E00...0x9FA5).contains($0.value) }) { held.append(c) }
            }
            for c in held.sorted(by: { $0.id < $1.id }) {
                for mask in CodePage936.masks(of: c["name"]?.text ?? "") {
                    let key = TextKey(Identity.companyKey(mask))
                    if customerByLostKey[key]?.last != c.shortID { customerByLostKey[key, default: []].append(c.shortID) }
                }
            }
        }

        /// The one archive customer whose name, as a GBK file saves it, `text` (with its `?`) is;
        /// nil when none or several.
        func customer(lostCharactersOf text: String, key: TextKey) -> String? {
            let refs = customers(lostCharactersOf: text, key: key)
            return refs.count == 1 ? refs[0] : nil
        }

        /// Every archive customer whose name, as a GBK file saves it, `text` is (two: 甲?公司 for
        /// 甲😀公司 and 甲😁公司, which named neither and added a third: helper-214 3).
        func customers(lostCharactersOf text: String, key: TextKey) -> [String] {
            guard !customerByLostKey.isEmpty, text.utf8.contains(UInt8(ascii: "?")) else { return [] }
            return customerByLostKey[key] ?? []
        }

        /// What makes each entry of the archive's contact log the same as another (`logKey`).
        static func logKeys(_ state: ArchiveState) -> Set<LogKey> {
            var keys = Set<LogKey>()
            state.each(.activity) { l in
                if let c = l["customer"]?.ref, let at = l["at"]?.int { keys.insert(Importer.logKey("C\(c)", at, l["summary"]?.text ?? "")) }
            }
            return keys
        }
    }

    /// The customer a reference names: a source id of this file, a credit code, a code or a
    /// name (compared as company names are), in the file first, then in the archive; nil when
    /// none. (Each lookup is skipped when its table is empty: the same answer, without the key.)
    /// A text that is an archive customer's record id (`C3`, `c03`, `Ｃ３`) and another's code,
    /// short name, alias or name names neither (the code's was taken, and `contact add C3` takes
    /// the record's: helper-170).
    static func customerRef(_ text: String, keys: RowKeys?, file customers: FileCustomers, sourceIDs: [String: String],
                            index: ArchiveIndex, state: ArchiveState) -> String? {
        if !sourceIDs.isEmpty, let r = sourceIDs[Importer.idKey(text)], r.hasPrefix("@") || r.hasPrefix("C") { return r }
        let byID = archiveCustomerID(text, state: state)
        let byNames = customerRefByNames(text, keys: keys, file: customers, index: index)
        if let byID, let byNames, byNames != byID { return nil }  // (ambiguous: `idAndNameClash`)
        return byNames ?? byID ?? {
            if case let found = customersInSimplified(text, file: customers, index: index), found.count == 1, let only = found.first { return only }
            return index.customer(lostCharactersOf: text, key: keys?.companyKey ?? TextKey(Identity.companyKey(text)))
        }()
    }

    /// The archive customer whose record id `text` is (`C3`, `c03`, `Ｃ３`), if any.
    static func archiveCustomerID(_ text: String, state: ArchiveState) -> String? {
        // (Only a text that starts with C can be one: no key is made for names.)
        guard let first = text.unicodeScalars.first(where: { !$0.properties.isWhitespace }), "CcＣｃ".unicodeScalars.contains(first),
              let (k, n) = Importer.recordID(text), k == .customer, let c = state.entity(.customer, n) else { return nil }
        return c.shortID
    }

    /// `customerRef` by codes and names alone (not by an archive record id).
    static func customerRefByNames(_ text: String, keys: RowKeys?, file customers: FileCustomers, index: ArchiveIndex) -> String? {
        if let found = customerByCode(text, keys: keys, file: customers, index: index) {
            return found.otherByName == nil ? found.ref : nil  // (ambiguous)
        }
        let key = keys?.companyKey ?? TextKey(Identity.companyKey(text))
        if !customers.byExactName.isEmpty, let f = customers.byExactName[TextKey(text.trimmedWhitespace)] { return f.ref }
        if let f = customers.byKey[key] {
            guard !customers.sharedKeys.contains(key) else {
                // Two customers of the file written alike, the text exactly neither: which is
                // not clear (it was the first, after a refused row was corrected to the other's
                // name as its reason asked: helper-174); an archive customer's exact name is that.
                return index.customerByName[TextKey(text.trimmedWhitespace)]
            }
            return f.ref
        }
        if let c = index.customerByName[TextKey(text.trimmedWhitespace)] { return c }
        if let c = index.customerByKey[key] { return index.sharedKeys.isEmpty || index.sharedKeys[key] == nil ? c : nil }  // (ambiguous)
        if !customers.byOtherName.isEmpty, let f = customers.byOtherName[key] { return f.ref.isEmpty ? nil : f.ref }
        if !index.customerByOtherName.isEmpty, let c = index.customerByOtherName[key], !c.isEmpty { return c }
        return nil
    }

    /// The customers a name in traditional characters names, or that a name names whose own is
    /// stored in them (臺灣積體電路製造 and 台湾积体电路制造), compared in simplified ones as the
    /// commands' lookups compare them: what `customerRef` finds once nothing was found as written
    /// (a log row naming one found nothing). One ref alone is the customer; more name none, and
    /// are listed when the row is refused.
    static func customersInSimplified(_ text: String, file customers: FileCustomers, index: ArchiveIndex) -> Set<String> {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x3400 }) else { return [] }
        let folded = CompanyName.Simplified.fold(text)
        let key = TextKey(Identity.companyKey(folded))
        var found = Set<String>()
        if folded != text {
            if let f = customers.byKey[key] { found.insert(f.ref) }
            if let c = index.customerByKey[key] { found.formUnion(index.sharedKeys[key] ?? [c]) }
        }
        if !customers.bySimplifiedKey.isEmpty, let refs = customers.bySimplifiedKey[key] { found.formUnion(refs) }
        if !index.customerBySimplifiedKey.isEmpty, let refs = index.customerBySimplifiedKey[key] { found.formUnion(refs) }
        return found
    }

    /// The customer a text names by its credit code or customer code (in the file first, then in
    /// the archive), and the other customer whose name the text is (exactly, or as company names
    /// compare), if there is one: then
    /// the text names neither (`BJ01`, one customer's code and another's name; the code was
    /// taken, and a log's entries went to the other customer without a word: black-box finding).
    static func customerByCode(_ text: String, keys: RowKeys?, file customers: FileCustomers, index: ArchiveIndex) -> (ref: String, otherByName: String?)? {
        var ref: String?
        if case .valid(let code) = keys?.credit ?? CreditCode.check(text) {
            // (A code several archive customers give names none: it picked the last: helper-166.)
            ref = customers.byCredit[code]?.ref ?? (index.sharedCredits[code] == nil ? index.customerByCredit[code] : nil)
        }
        if ref == nil, !customers.byCode.isEmpty || !index.customerByCode.isEmpty {
            let lower = text.lowercased()
            ref = customers.byCode[lower]?.ref ?? index.customerByCode[lower]
        }
        guard let ref else { return nil }
        // (By exact name, or by company name: bj01 is BJ01's too.)
        let exact = TextKey(text.trimmedWhitespace)
        let key = keys?.companyKey ?? TextKey(Identity.companyKey(text))
        let byName = (customers.byExactName.isEmpty ? nil : customers.byExactName[exact]?.ref) ?? index.customerByName[exact]
            ?? customers.byKey[key]?.ref ?? index.customerByKey[key]
        return (ref, byName.flatMap { $0 != ref ? $0 : nil })
    }

    /// What makes two log entries (or complaints) the same: the customer (as referred to), the
    /// time, and the text without white space. (Equal exactly when the text `customer|at|text`
    /// is, which the key once was: `|` composes with nothing, so the three parts compare apart.)
    struct LogKey: Hashable, Sendable {
        let customer: String
        let at: Int64
        let text: TextKey
    }

    static func logKey(_ customer: String, _ at: Int64, _ text: String) -> LogKey {
        LogKey(customer: customer, at: at, text: TextKey(text.removingWhitespaceCharacters))
    }

    /// What makes a complaint the same as another: its customer, its text and the minute it
    /// was received (a complaint filed at 20:33:43 and a row's 20:33 were two: helper-120).
    static func complaintKey(_ customer: String, _ at: Int64, _ text: String) -> LogKey {
        logKey(customer, at.floorDiv(60) * 60, text)
    }

    /// A person's or project's name as compared: half-width, lower case, without white space or
    /// invisible characters (zero-width, bidi marks, U+034F, Hangul fillers).
    static func personKey(_ name: String) -> String { CompanyName.personKey(name) }

    /// Pass 2 over the rows not excluded: the change set, its operations' rows, each row's
    /// status, and the problems found here (duplicates, references that name nothing).
    /// `identical`: rows that duplicate a record of the archive and would change nothing in it
    /// (`Importer.identicalRows`); with `--on-duplicate refuse` they are counted unchanged, not
    /// refused.
    func buildChangeSet(_ rows: [Row], tables: [MappedTable], excluding excluded: Set<Int>, source: ImportSource, identical: Set<Int> = []) -> Build {
        ChangeSetBuilder(self, rows: rows, tables: tables, excluding: excluded, source: source, identical: identical).build()
    }
}
