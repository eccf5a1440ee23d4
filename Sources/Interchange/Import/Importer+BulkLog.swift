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
    /// the two). Nil for any other file, and as soon as one row is not of that kind (a problem, a
    /// duplicate, a cell that is not text): the general reading then plans the file and names
    /// every problem.
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
        let count = mapped.dataRows.count
        let chunk = 16_384
        let parts: [BulkChunk?] = count <= chunk
            ? [Self.readBulkChunk(mapped, specs: specs, options: options, 0..<count)]
            : Parallel.map((count + chunk - 1) / chunk) { i in
                Self.readBulkChunk(mapped, specs: specs, options: options, i * chunk..<min(count, (i + 1) * chunk))
            }
        // Each chunk's entries (customers not yet found), joined in file order.
        var entries: [BulkLogEntry] = []
        var samples: [ImportPreview.DateSample] = []
        var sampled = Set<String>()
        entries.reserveCapacity(count)
        for part in parts {
            guard let part else { return false }
            entries.append(contentsOf: part.entries)
            for (key, sample) in part.samples where sampled.insert(key).inserted { samples.append(sample) }
        }
        guard !entries.isEmpty else { return false }
        // The customers, by the exact text of the cell (a log names each customer many times);
        // then duplicates, by what makes two entries the same.
        let index = ArchiveIndex(archive.state)
        let state = archive.state
        var customers: [ExactText: (ref: String, id: UInt64)] = [:]
        var seen = Set<LogKey>()
        seen.reserveCapacity(entries.count)
        var i = 0
        for part in parts {
            for (text, summaryKey) in zip(part!.customers, part!.summaryKeys) {
                let customer: (ref: String, id: UInt64)
                if let known = customers[ExactText(text)] {
                    customer = known
                } else {
                    guard let ref = Self.customerRef(text, keys: nil, file: FileCustomers(), sourceIDs: [:], index: index, state: state),
                          ref.hasPrefix("C"), let id = UInt64(ref.dropFirst()) else { return false }
                    customer = (ref, id)
                    // (A copy of the text as the key: the keys then lie together in memory, not
                    // across the cells of a whole file, and the lookups that compare them stay fast.)
                    customers[ExactText(String(decoding: Array(text.utf8), as: UTF8.self))] = customer
                }
                let key = LogKey(customer: customer.ref, at: entries[i].at, text: summaryKey)
                guard index.logKeys.isEmpty || !index.logKeys.contains(key), seen.insert(key).inserted else { return false }
                entries[i].customer = customer.id
                i += 1
            }
        }
        Background.release(parts)
        guard let plan = archive.planLog(entries, label: Self.label(source), origin: .importFile, now: options.now) else { return false }
        Background.release(entries)
        if let warning = Self.noTypeColumnWarning(mapped) { preview.warnings.append(warning) }
        preview.dateSamples += samples
        var counts = ImportPreview.Counts()
        counts.new = entries.count
        preview.counts[.log] = counts
        preview.plan = plan
        preview.canCommit = !plan.events.isEmpty
        preview.plannedInBulk = true
        return true
    }

    /// Rows of a log read in bulk: each row's entry (its customer not yet found), the customer
    /// as written, and the summary as `logKey` compares it.
    struct BulkChunk: Sendable {
        var entries: [BulkLogEntry] = []
        var customers: [String] = []
        var summaryKeys: [TextKey] = []
        var samples: [(String, ImportPreview.DateSample)] = []
    }

    /// The rows at `offsets` of `mapped`, read as `readRowChunk` reads them; nil when one of them
    /// has a problem or a cell that is not text.
    static func readBulkChunk(_ mapped: MappedTable, specs: [FieldSpec?], options: ImportOptions, _ offsets: Range<Int>) -> BulkChunk? {
        var out = BulkChunk()
        out.entries.reserveCapacity(offsets.count)
        out.customers.reserveCapacity(offsets.count)
        out.summaryKeys.reserveCapacity(offsets.count)
        let name = mapped.table.name
        var sampled = Set<String>()
        var types: [ExactText: String] = [:]  // a few values, each read once
        for offset in offsets {
            let tableRow = mapped.dataRows[mapped.dataRows.startIndex + offset]
            guard tableRow.cells.contains(where: { $0 != .empty }) else { continue }
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
                    do { read = try CellReading.instant(cell, now: options.now, dayOrder: options.dayOrder) } catch { return nil }
                    guard let at = read else { continue }
                    row.at = at
                    has.at = true
                    if sampled.insert(key).inserted {
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
                    if spec.type == .date, case .day(let d) = value, sampled.insert(key).inserted {
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
            out.summaryKeys.append(logKey("", 0, row.summary).text)
            out.customers.append(customer)
            out.entries.append(row)
        }
        return out
    }
}
