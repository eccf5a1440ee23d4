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
              mapped.columns.allSatisfy({ column in
                  switch column.target {
                  case .field(let key): return Self.bulkLogFields.contains(key)
                  case .sourceID: return true  // (a log entry is referred to by nothing: not read)
                  default: return false
                  }
              })
        else { return false }
        try archive.loadContactLog()  // duplicates of entries already logged
        let name = mapped.table.name
        let specs: [FieldSpec?] = mapped.columns.map { column in
            if case .field(let key) = column.target { return Schema.field(mapped.kind.entity, key: key) }
            return nil
        }
        let options = self.options
        // The archive's customers by what identifies them, and the customer each of their names
        // refers to (a log names its customers mostly as the archive holds their names).
        let index = ArchiveIndex(archive.state)
        let state = archive.state
        let named = Self.customersByName(index: index, state: state)
        let count = mapped.dataRows.count
        let chunk = max(1, options.bulkChunk)
        var parts: [BulkChunk?] = count <= chunk
            ? [Self.readBulkChunk(mapped, specs: specs, options: options, index: index, state: state, named: named, 0..<count)]
            : Parallel.map((count + chunk - 1) / chunk) { i in
                Self.readBulkChunk(mapped, specs: specs, options: options, index: index, state: state, named: named, i * chunk..<min(count, (i + 1) * chunk))
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
        // Duplicates within the file: equal keys have equal texts, so the keys are split between
        // the cores by their text's hash, each core looking for duplicates among its own.
        let keys = parts.map { $0!.keys }
        let unique = Parallel.map(2) { half in
            var seen = Set<LogKey>()
            seen.reserveCapacity(count / 2 + 1)
            for part in keys {
                for key in part where key.text.bytesHash & 1 == half {
                    guard seen.insert(key).inserted else { return false }
                }
            }
            return true
        }
        guard unique.allSatisfy({ $0 }) else { return false }
        var chunks = parts.map { $0!.entries }
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

    /// Rows of a log read in bulk: each row's entry and what makes it the same as another.
    struct BulkChunk: Sendable {
        var entries: [BulkLogEntry] = []
        var keys: [LogKey] = []
        var samples: [(String, ImportPreview.DateSample)] = []
    }

    /// The customer each archive customer's name refers to, as `customerRef` finds it for a
    /// log row that writes the name so (by its exact text), found on both cores.
    static func customersByName(index: ArchiveIndex, state: ArchiveState) -> [ExactText: (ref: String, id: UInt64)] {
        let names = index.names
        let found: [(ref: String, id: UInt64)?] = Parallel.fill(names.count, chunk: 8_192) { i in
            customer(names[i].name, keys: RowKeys(companyKey: names[i].key, credit: CreditCode.check(names[i].name)), index: index, state: state)
        }
        var out = [ExactText: (ref: String, id: UInt64)](minimumCapacity: names.count)
        for (name, f) in zip(names, found) { if let f { out[ExactText(name.name)] = f } }
        return out
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
    static func readBulkChunk(_ mapped: MappedTable, specs: [FieldSpec?], options: ImportOptions, index: ArchiveIndex, state: ArchiveState,
                              named: [ExactText: (ref: String, id: UInt64)], _ offsets: Range<Int>) -> BulkChunk? {
        var out = BulkChunk()
        out.entries.reserveCapacity(offsets.count)
        out.keys.reserveCapacity(offsets.count)
        var found: [ExactText: (ref: String, id: UInt64)] = [:]  // names not written as the archive holds them
        let name = mapped.table.name
        var sampled = [Bool](repeating: false, count: mapped.columns.count)  // (a column per field)
        var types: [ExactText: String] = [:]  // a few values, each read once
        var days: [Int32: Int64] = [:]  // the start of each day met, asked of the time zone once
        func startOfDay(_ day: Int32) -> Int64 {
            if let known = days[day] { return known }
            let start = DateParser.startOfDay(day)
            days[day] = start
            return start
        }
        for offset in offsets {
            let tableRow = mapped.dataRows[mapped.dataRows.startIndex + offset]
            guard tableRow.hasContent else { continue }
            var row = BulkLogEntry(customer: 0, type: "other", summary: "", at: 0)
            var customer = ""
            var has = (customer: false, at: false, summary: false)
            for (c, column) in mapped.columns.enumerated() {
                let cell = column.index < tableRow.cells.count ? tableRow.cells[column.index] : .empty
                guard case .text(let raw) = cell else {
                    if cell == .empty { continue }
                    return nil
                }
                guard case .field(let key) = column.target, let spec = specs[c] else { continue }  // a source id
                switch spec.type {
                case .reference, .references:
                    let value = FormulaGuard.restore(raw).trimmedWhitespace
                    if !value.isEmpty {
                        customer = value
                        has.customer = true
                    }
                case .instant:
                    let read: Int64?
                    do { read = try CellReading.instant(cell, now: options.now, dayOrder: options.dayOrder, startOfDay: startOfDay) } catch { return nil }
                    guard let at = read else { continue }
                    row.at = at
                    has.at = true
                    if !sampled[c] {
                        sampled[c] = true
                        out.samples.append((key, .init(table: name, column: column.header, input: raw, read: CellReading.dateText(CellReading.civil(at)))))
                    }
                default:
                    if key == "type", let known = types[ExactText(raw)] {
                        row.type = known
                        continue
                    }
                    let input: String?
                    let value: FieldValue?
                    do {
                        input = try CellReading.input(cell, spec, dayOrder: options.dayOrder).0
                        guard let input else { continue }
                        value = try ChangeDraft.value(for: spec, input: input, now: options.now)
                    } catch {
                        return nil
                    }
                    guard let input else { continue }
                    if spec.type == .date, case .day(let d) = value, !sampled[c] {
                        sampled[c] = true
                        out.samples.append((key, .init(table: name, column: column.header, input: raw, read: DateParser.format(d))))
                    }
                    switch key {
                    case "type":
                        row.type = input
                        types[ExactText(raw)] = input
                    case "summary":
                        row.summary = input
                        has.summary = true
                    case "nextStep": row.nextStep = input
                    case "nextDate": row.nextDate = input
                    default: row.location = input
                    }
                }
            }
            guard has.customer, has.at, has.summary else { return nil }  // required, but empty
            // (The archive's names once: most rows write the name as the archive has it.)
            let text = ExactText(customer)
            let c: (ref: String, id: UInt64)
            if let known = named[text] ?? found[text] {
                c = known
            } else {
                guard let other = Self.customer(customer, index: index, state: state) else { return nil }
                found[text] = other
                c = other
            }
            row.customer = c.id
            let key = logKey(c.ref, row.at, row.summary)
            guard index.logKeys.isEmpty || !index.logKeys.contains(key) else { return nil }  // already in the archive's log
            out.keys.append(key)
            out.entries.append(row)
        }
        return out
    }
}
