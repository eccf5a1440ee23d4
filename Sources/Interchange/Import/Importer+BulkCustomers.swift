import SalesArchive

extension Importer {
    /// A list of new customers planned in bulk (INTERCHANGE.md §5.2): one table of customers
    /// whose every row is read without a problem, is new (no duplicate in the file or the
    /// archive) and gives only fields of the customer (no source id, grade reason or contact
    /// person, which the general reading plans as more than one operation), and which is not a
    /// handover (whose customers get a note), is planned by `CustomerArchive.planCustomers`
    /// instead of the general reading's pass and draft. It gives exactly what the general
    /// reading gives such a file: the same plan, counts and warnings (`ImportBulkCustomerTests`
    /// compares the two). False (the preview untouched) for any other file; the general reading
    /// then plans it and names every problem.
    func bulkCustomers(_ source: ImportSource, tables: [MappedTable], rows: [Row], into preview: inout ImportPreview) -> Bool {
        guard options.planInBulk, tables.count == 1, let mapped = tables.first, mapped.kind == .customers, mapped.problems.isEmpty,
              mapped.columns.allSatisfy({ if case .field = $0.target { return true } else { return false } }),
              source.exportedFrom.map({ $0.owner == archive.vault.header.owner }) ?? true,
              !rows.isEmpty, rows.allSatisfy({ $0.problems.isEmpty }),
              // (A GBK file's name with ? may be an archive customer's whose characters GBK lacks:
              // the general reading looks for it, `ArchiveIndex.customerByLostKey`.)
              !(mayBeCodePage936 && archive.state.count(.customer) > 0 && rows.contains(where: { $0.field("name")?.utf8.contains(UInt8(ascii: "?")) == true }))
        else { return false }
        // Duplicates, as the general reading finds them: of an archive customer (credit code,
        // company name, phone), then of an earlier row of the file.
        var keys = RowKeys.of(rows, excluding: [])
        let index = ArchiveIndex(archive.state, customersOnly: true)
        // (An archive table that is empty is not asked: the same answer, without hashing the key.)
        let archiveCredits = !index.customerByCredit.isEmpty, archiveNames = !index.customerByKey.isEmpty || !index.customerByOtherName.isEmpty
        let archivePhones = !index.customerByPhone.isEmpty || !index.customersBySecondPhone.isEmpty
        guard keys.allSatisfy({ $0?.companyKey != nil }) else { return false }
        // Equal keys fall in the same half (names by their hash, credit codes and phones by
        // their last byte), so each core looks for duplicates among its half of each key alone.
        // (Each core also tells, for its every other row, whether a name has what the near-name
        // check below compares: 省, 市 or 公司 in its key, or a traditional character; asked of
        // 100,000 names one after the other, that took 45 ms.)
        let unique = Parallel.map(2) { [keys] half -> (unique: Bool, likeness: Bool) in
            var likeness = false
            var credits = Set<String>(minimumCapacity: keys.count / 2 + 1), names = Set<TextKey>(minimumCapacity: keys.count / 2 + 1)
            var phones = Set<String>(minimumCapacity: keys.count / 2 + 1)
            for i in keys.indices {
                // (The row's keys read once: each `keys[i]!` copied them all, four retains and releases.)
                guard let k = keys[i] else { continue }
                let key = k.companyKey!
                let credit: String? = k.credit.flatMap { if case .valid(let v) = $0 { return v } else { return nil } }
                let phone = k.phone, otherPhones = k.otherPhones
                if key.bytesHash & 1 == half {
                    if archiveNames && (index.customerByKey[key] != nil || index.customerByOtherName[key] != nil) { return (false, false) }
                    if !names.insert(key).inserted { return (false, false) }
                }
                if let credit, Int(credit.utf8.last ?? 0) & 1 == half {
                    if archiveCredits, index.customerByCredit[credit] != nil { return (false, false) }
                    if !credits.insert(credit).inserted { return (false, false) }
                }
                if let phone, Int(phone.utf8.last ?? 0) & 1 == half {
                    if archivePhones, index.customerByPhone[phone] != nil || index.customersBySecondPhone[phone] != nil { return (false, false) }
                    if !phones.insert(phone).inserted { return (false, false) }
                }
                for other in otherPhones where Int(other.utf8.last ?? 0) & 1 == half {
                    if archivePhones, index.customerByPhone[other] != nil || index.customersBySecondPhone[other] != nil { return (false, false) }
                    if !phones.insert(other).inserted { return (false, false) }
                }
                if !likeness && i & 1 == half {
                    likeness = CompanyName.hasLikenessNoise(key.text) || rows[i].hasTraditionalName
                }
            }
            Background.release(&credits, leaving: [])  // (freed off the import's path)
            Background.release(&names, leaving: [])
            Background.release(&phones, leaving: [])
            return (true, likeness)
        }
        guard unique.allSatisfy({ $0.unique }) else { return false }
        PhaseClock.mark("duplicate keys and duplicates")
        // New customers named like others, said as the general reading says them (an archive
        // to compare with, or a name with 省, 市 or 公司 inside, or a traditional character, to
        // compare within the file).
        var warnings: [ImportProblem] = []
        if !index.customerByKey.isEmpty || unique.contains(where: { $0.likeness }) {
            let column = mapped.column("name")?.header
            let new = rows.indices.map { i in
                NewCustomer(table: mapped.table.name, line: rows[i].line, column: column, name: rows[i].field("name") ?? "", key: keys[i]!.companyKey!.text)
            }
            warnings = Self.nearNameWarnings(new, index: index, state: archive.state)
        }
        // New customers named as removed ones (helper-182 F5).
        let removed = Identity.removedCustomersByKey(in: archive.state)
        if !removed.isEmpty {
            let column = mapped.column("name")?.header
            for i in rows.indices {
                if let gone = Identity.removedNamesake(key: Identity.companyKey(CompanyName.Simplified.fold(rows[i].field("name") ?? "")), in: removed) {
                    warnings.append(Identity.removedNamesakeWarning(table: mapped.table.name, line: rows[i].line, column: column, name: rows[i].field("name") ?? "", removed: gone))
                }
            }
        }
        if keys.count >= 10_000 { Background.release(&keys, leaving: []) }
        var customers = rows.count < 8_192 ? rows.map(BulkCustomer.init)
            : Parallel.fill(rows.count, chunk: 8_192) { BulkCustomer(rows[$0]) }
        PhaseClock.mark("bulk customers")
        guard let plan = archive.planCustomers(customers, label: Self.label(source), origin: .importFile, now: options.now) else { return false }
        if customers.count >= 10_000 { Background.release(&customers, leaving: []) }
        PhaseClock.mark("planCustomers")
        var counts = ImportPreview.Counts()
        counts.new = rows.count
        preview.counts[.customers] = counts
        preview.warnings += warnings
        preview.plan = plan
        preview.plannedInBulk = true
        preview.canCommit = !plan.events.isEmpty
        return true
    }
}

extension Importer.Row {
    /// Whether the row's name has a traditional character (`CompanyName.Simplified`).
    var hasTraditionalName: Bool {
        for (field, value) in fields where field == "name" { return CompanyName.Simplified.hasTraditional(value) }
        return false
    }
}

extension BulkCustomer {
    /// A customer row of the file as `planCustomers` takes it: its fields and their values as
    /// read (not copied), the name passed over.
    init(_ row: Importer.Row) {
        let at = row.fields.firstIndex { $0.0 == "name" }
        self.init(name: at.map { row.fields[$0].1 } ?? "", fields: row.fields, values: row.values.count == row.fields.count ? row.values : [],
                  skip: at ?? -1)
    }
}
