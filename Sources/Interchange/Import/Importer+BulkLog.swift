import SalesArchive

extension Importer {
    /// The fields of a contact log that `bulkLog` reads (no contacts, no project: those refer
    /// to other records by name and go the general way).
    static let bulkLogFields: Set<String> = ["customer", "at", "summary", "type", "nextStep", "nextDate", "location"]

    /// A contact log read and planned in bulk (INTERCHANGE.md §5.2): one table of log entries
    /// whose every row can be imported as it is (each cell readable, the customer found in the
    /// archive, no duplicate in the file or the archive) is planned straight from its cells by
    /// `CustomerArchive.planLog`, without the rows, operations and draft of the general reading
    /// (a million rows held four times over). It gives exactly what the general reading gives such
    /// a file: the same plan, counts, date samples and warnings (`ImportBulkLogTests` compares
    /// the two). False (the preview untouched) for any other file, and as soon as one row is not
    /// of that kind (a problem, a duplicate, a cell that is not text): the general reading then
    /// plans the file and names every problem.
    func bulkLog(_ source: ImportSource, tables: [MappedTable], into preview: inout ImportPreview) throws -> Bool {
        guard options.planInBulk, tables.count == 1, let mapped = tables.first, mapped.kind == .log, mapped.problems.isEmpty,
              mapped.table.volatileFormulas.isEmpty,  // (=TODAY() refuses its row: the general reading says so)
              // (A GBK save whose cells hold ?: the general reading says what GBK may have lost
              // (`questionMarksOfGBK`; the bulk path said nothing).)
              !(source.mayBeCodePage936 && mapped.table.rows.contains { $0.cells.contains { if case .text(let t) = $0 { t.utf8.contains(UInt8(ascii: "?")) } else { false } } }),
              mapped.columns.allSatisfy({ column in
                  switch column.target {
                  case .field(let key): return Self.bulkLogFields.contains(key)
                  // (A log entry is referred to by nothing: not read, but in an export of this
                  // archive, where it names the entry the row is: §4.1.)
                  case .sourceID: return recordIDs == .file
                  default: return false
                  }
              })
        else { return false }
        try archive.loadContactLog()  // duplicates of entries already logged
        let specs: [FieldSpec?] = mapped.columns.map { column in
            if case .field(let key) = column.target { return Schema.field(mapped.kind.entity, key: key) }
            return nil
        }
        let options = self.options
        // The customer each archive customer's exact name refers to (a log names its customers
        // mostly as the archive holds their names); the archive's customers by all that
        // identifies them (every name's company key) only for the names written otherwise.
        let state = archive.state
        let named = Self.customersByExactName(state)
        // The archive's log entries, and by customer and time: an entry's text is compared with
        // theirs only when both are the same (most differ in them).
        let logKeys = ArchiveIndex.logKeys(state)
        let logged = Set(logKeys.compactMap { key in UInt64(key.customer.dropFirst()).map { EntryTime(customer: $0, at: key.at) } })
        let count = mapped.dataRows.count
        let chunk = max(1, options.bulkChunk)
        var parts: [BulkChunk?] = count <= chunk
            ? [Self.readBulkChunk(mapped, specs: specs, options: options, named: named, logKeys: logKeys, logged: logged, 0..<count)]
            : Parallel.map((count + chunk - 1) / chunk) { i in
                Self.readBulkChunk(mapped, specs: specs, options: options, named: named, logKeys: logKeys, logged: logged, i * chunk..<min(count, (i + 1) * chunk))
            }
        // The customers of the rows that do not write an archive customer's name exactly, found
        // as the general reading finds them; any not found, and the file goes that way.
        let missed = Array(Set(parts.flatMap { $0?.missed.map(\.name) ?? [] }))
        if !missed.isEmpty {
            let index = ArchiveIndex(state, customersOnly: true)
            let found: [(ref: String, id: UInt64)?] = Parallel.fill(missed.count, chunk: 1_024) { Self.customer(missed[$0], index: index, state: state) }
            var customers: [String: (ref: String, id: UInt64)] = [:]
            for (name, c) in zip(missed, found) {
                guard let c else { return false }
                customers[name] = c
            }
            // A name taken as one customer while another's name holds it too (南京地铁 as C1
            // 南京地铁集团有限公司 beside 南京地铁运营有限公司): the general reading says so in a
            // note (it went without a word here: helper-129).
            let near = NearCustomers(state)
            for name in missed where near.names(name).contains(where: { !$0.hasPrefix("\(customers[name]!.ref) ") }) { return false }
            // (Or written alike only, 华东电力集团 for 华东电力: the general reading's note: helper-171 F4.)
            for name in missed {
                if let c = UInt64(customers[name]!.ref.dropFirst()).flatMap({ state.entity(.customer, $0) }), Self.namedAlikeOnly(name, c) { return false }
            }
            for p in parts.indices {
                guard let part = parts[p] else { return false }
                for (entry, name) in part.missed {
                    let c = customers[name]!
                    let e = part.entries[entry]
                    if !logged.isEmpty, logged.contains(EntryTime(customer: c.id, at: e.at)), logKeys.contains(Self.logKey(c.ref, e.at, e.summary)) { return false }
                    if !logged.isEmpty, Self.loggedAtNine(c, at: e.at, summary: e.summary, logged: logged, logKeys: logKeys) { return false }
                    parts[p]!.entries[entry].customer = c.id
                }
            }
        }
        // Each chunk's entries, in file order (planned as they are, not joined).
        var samples: [ImportPreview.DateSample] = []
        var sampled = Set<String>()
        var entryCount = 0
        for part in parts {
            guard let part else { return false }
            entryCount += part.entries.count
            for (key, sample) in part.samples where sampled.insert(key).inserted { samples.append(sample) }
        }
        guard entryCount > 0 else { return false }
        // Duplicates within the file: two entries are the same when their customer, time and
        // text without white space are. Entries that share customer and time are found first
        // (split between the cores by the two, each core looking among its own), and the texts
        // compared of those alone: no text key is made for the others.
        var chunks = parts.map { $0!.entries }
        let sharing = Parallel.map(2) { [chunks, entryCount] half -> [EntryTime] in
            var seen = Set<EntryTime>(minimumCapacity: entryCount / 2 + 1)
            var again: [EntryTime] = []
            for part in chunks {
                for e in part {
                    let time = EntryTime(customer: e.customer, at: e.at)
                    if time.half == half && !seen.insert(time).inserted { again.append(time) }
                }
            }
            return again
        }
        if sharing.contains(where: { !$0.isEmpty }) {
            let times = Set(sharing.joined())
            var texts = Set<LogKey>()
            for part in chunks {
                for e in part where times.contains(EntryTime(customer: e.customer, at: e.at)) {
                    guard texts.insert(Self.logKey("C\(e.customer)", e.at, e.summary)).inserted else { return false }
                }
            }
        }
        Background.release(&parts, leaving: [])
        guard let plan = archive.planLog(chunks: chunks, label: Self.label(source), origin: .importFile, now: options.now) else { return false }
        Background.release(&chunks, leaving: [])
        if let warning = Self.noTypeColumnWarning(mapped) { preview.warnings.append(warning) }
        preview.dateSamples += samples
        var counts = ImportPreview.Counts()
        counts.new = entryCount
        preview.counts[.log] = counts
        preview.plan = plan
        preview.canCommit = !plan.events.isEmpty
        preview.plannedInBulk = true
        return true
    }

    /// A log entry's customer and time: two entries that differ in them are not the same.
    struct EntryTime: Hashable, Sendable {
        let customer: UInt64
        let at: Int64
        /// Which core looks at it for duplicates (equal ones on the same).
        var half: Int { Int((customer ^ UInt64(bitPattern: at) ^ UInt64(bitPattern: at) >> 6) & 1) }
    }

    /// What a column of a log read in bulk gives its row.
    enum BulkRole { case none, customer, at, type, summary, nextStep, nextDate, location }

    /// Rows of a log read in bulk: each row's entry, and the dates sampled.
    struct BulkChunk: Sendable {
        var entries: [BulkLogEntry] = []
        /// The entries (by index) whose customer is written otherwise than an archive customer's
        /// exact name, with that text: their customer is still 0, and not yet compared with the
        /// archive's log.
        var missed: [(entry: Int, name: String)] = []
        var samples: [(String, ImportPreview.DateSample)] = []
    }

    /// The customer each archive customer's exact name refers to, as `customerRef` finds it for a
    /// log row that writes the name so: the last customer in the records' order whose name is
    /// canonically that one (`ArchiveIndex.customerByName`). Names that `customerRef` would find
    /// otherwise first, a valid credit code or a customer's code, are left out (the general
    /// lookup finds them). No company key is made: it costs as much as the rest of this.
    static func customersByExactName(_ state: ArchiveState) -> [ExactText: (ref: String, id: UInt64)] {
        var held: [Entity] = []
        held.reserveCapacity(state.count(.customer))
        state.each(.customer) { held.append($0) }
        held.sort { $0.id < $1.id }
        let customers = held
        // What each name is looked up by, on both cores; the tables in the records' order.
        struct Keys: Sendable {
            var exact: ExactText?
            var trimmed: TextKey?
            var lowercased: String?
            var code: String?
        }
        let keys: [Keys] = Parallel.fill(customers.count, chunk: 8_192) { i in
            let c = customers[i]
            var k = Keys(code: c["code"]?.text?.lowercased())
            if let name = c["name"]?.text {
                k.trimmed = TextKey(name.trimmedWhitespace)
                if case .valid = CreditCode.check(name) {} else {
                    k.exact = ExactText(name)
                    k.lowercased = name.lowercased()
                }
            }
            return k
        }
        var codes = Set<String>()
        var byName = [TextKey: Int](minimumCapacity: customers.count)  // (the index of the last)
        for (i, k) in keys.enumerated() {
            if let code = k.code { codes.insert(code) }
            if let trimmed = k.trimmed { byName[trimmed] = i }
        }
        var out = [ExactText: (ref: String, id: UInt64)](minimumCapacity: customers.count)
        for k in keys {
            guard let exact = k.exact, let trimmed = k.trimmed, let i = byName[trimmed] else { continue }
            if !codes.isEmpty, let lower = k.lowercased, codes.contains(lower) { continue }
            out[exact] = (customers[i].shortID, customers[i].id)
        }
        return out
    }

    /// Whether the archive has, at 09:00 of the date of midnight `at`, the entry of customer `c`
    /// with `summary` (a date-only row's twin: `dateOnlyTwin`); the time zone is asked only for
    /// a customer with an entry at that moment.
    static func loggedAtNine(_ c: (ref: String, id: UInt64), at: Int64, summary: String, logged: Set<EntryTime>, logKeys: Set<LogKey>) -> Bool {
        let nine = at + Int64(DateParser.dateOnlyHour) * 3_600
        guard logged.contains(EntryTime(customer: c.id, at: nine)), dateOnlyTwin(at) == nine else { return false }
        return logKeys.contains(logKey(c.ref, nine, summary))
    }

    /// The archive customer a log row of a file of log entries only names (no customer, source
    /// id or code of the file to look at first), with its id.
    static func customer(_ text: String, keys: RowKeys? = nil, index: ArchiveIndex, state: ArchiveState) -> (ref: String, id: UInt64)? {
        guard let ref = customerRef(text, keys: keys, file: FileCustomers(), sourceIDs: [:], index: index, state: state),
              ref.hasPrefix("C"), let id = UInt64(ref.dropFirst()) else { return nil }
        return (ref, id)
    }

    /// The rows at `offsets` of `mapped`, read as `readRowChunk` reads them; nil when one of them
    /// has a problem or a cell that is not text.
    static func readBulkChunk(_ mapped: MappedTable, specs: [FieldSpec?], options: ImportOptions, named: [ExactText: (ref: String, id: UInt64)],
                              logKeys: Set<LogKey>, logged: Set<EntryTime>, _ offsets: Range<Int>) -> BulkChunk? {
        var out = BulkChunk()
        out.entries.reserveCapacity(offsets.count)
        let name = mapped.table.name
        var sampled = [Bool](repeating: false, count: mapped.columns.count)  // (a column per field)
        var types: [ExactText: String] = [:]  // a few values, each read once
        var days: [Int32: Int64] = [:]  // the start of each day met, asked of the time zone once
        func startOfDay(_ day: Int32) -> Int64 {
            if let known = days[day] { return known }
            let start = options.startOfDay(day)
            days[day] = start
            return start
        }
        // What each column gives, found once (not a column's header and field spec per cell: a
        // million rows' worth of references taken and dropped).
        let columns = mapped.columns
        let roles: [BulkRole] = columns.indices.map { c in
            guard case .field(let key) = columns[c].target, let spec = specs[c] else { return .none }
            switch spec.type {
            case .reference, .references: return .customer
            case .instant: return .at
            default:
                switch key {
                case "type": return .type
                case "summary": return .summary
                case "nextStep": return .nextStep
                case "nextDate": return .nextDate
                default: return .location
                }
            }
        }
        let cellIndexes = columns.map(\.index)
        let dateColumns = specs.map { $0?.type == .date }
        func sample(_ c: Int, _ raw: String, _ read: String) {
            sampled[c] = true
            guard case .field(let key) = columns[c].target else { return }
            out.samples.append((key, .init(table: name, column: columns[c].header, input: raw, read: read)))
        }
        for offset in offsets {
            let tableRow = mapped.dataRows[mapped.dataRows.startIndex + offset]
            guard tableRow.hasContent else { continue }
            var row = BulkLogEntry(customer: 0, type: "other", summary: "", at: 0)
            var customer = ""
            var has = (customer: false, at: false, summary: false)
            for c in roles.indices {
                let index = cellIndexes[c]
                let cell = index < tableRow.cells.count ? tableRow.cells[index] : .empty
                guard case .text(let raw) = cell else {
                    if cell == .empty { continue }
                    return nil
                }
                let role = roles[c]
                switch role {
                case .none: continue  // a source id
                case .customer:
                    let value = FormulaGuard.restore(raw).trimmedWhitespace
                    if !value.isEmpty {
                        customer = value
                        has.customer = true
                    }
                case .at:
                    let read: Int64?
                    do { read = try CellReading.instant(cell, now: options.now, dayOrder: options.dayOrder, startOfDay: startOfDay) } catch { return nil }
                    guard let at = read else { continue }
                    row.at = at
                    has.at = true
                    if !sampled[c] { sample(c, raw, CellReading.momentSample(at, input: raw)) }
                default:
                    if role == .type, let known = types[ExactText(raw)] {
                        row.type = known
                        continue
                    }
                    let input: String?
                    let value: FieldValue?
                    do {
                        input = try CellReading.input(cell, specs[c]!, dayOrder: options.dayOrder).0
                        guard let input else { continue }
                        value = try ChangeDraft.value(for: specs[c]!, input: input, now: options.now)
                    } catch {
                        return nil
                    }
                    guard let input else { continue }
                    if dateColumns[c], case .day(let d) = value, !sampled[c] { sample(c, raw, DateParser.format(d)) }
                    switch role {
                    case .type:
                        row.type = input
                        types[ExactText(raw)] = input
                    case .summary:
                        row.summary = input
                        has.summary = true
                    case .nextStep: row.nextStep = input
                    case .nextDate: row.nextDate = input
                    default: row.location = input
                    }
                }
            }
            guard has.customer, has.at, has.summary else { return nil }  // required, but empty
            // (Most rows write the name as the archive has it; the others are found later.)
            guard let c = named[ExactText(customer)] else {
                out.missed.append((out.entries.count, customer))
                out.entries.append(row)
                continue
            }
            row.customer = c.id
            if !logged.isEmpty, logged.contains(EntryTime(customer: c.id, at: row.at)),
               logKeys.contains(logKey(c.ref, row.at, row.summary)) { return nil }  // already in the archive's log
            if !logged.isEmpty, loggedAtNine(c, at: row.at, summary: row.summary, logged: logged, logKeys: logKeys) { return nil }  // (at 09:00 of a date)
            out.entries.append(row)
        }
        return out
    }
}
