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
              !rows.isEmpty, rows.allSatisfy({ $0.problems.isEmpty })
        else { return false }
        // Duplicates, as the general reading finds them: of an archive customer (credit code,
        // company name, phone), then of an earlier row of the file.
        let keys = RowKeys.of(rows, excluding: [])
        let index = ArchiveIndex(archive.state, customersOnly: true)
        var credits = Set<String>(), names = Set<TextKey>(minimumCapacity: rows.count), phones = Set<String>(minimumCapacity: rows.count)
        // (An archive table that is empty is not asked: the same answer, without hashing the key.)
        let archiveCredits = !index.customerByCredit.isEmpty, archiveNames = !index.customerByKey.isEmpty || !index.customerByOtherName.isEmpty
        let archivePhones = !index.customerByPhone.isEmpty
        for i in keys.indices {
            guard let key = keys[i]?.companyKey else { return false }
            let credit: String? = keys[i]!.credit.flatMap { if case .valid(let v) = $0 { return v } else { return nil } }
            let phone = keys[i]!.phone
            if archiveCredits, let credit, index.customerByCredit[credit] != nil { return false }
            if archiveNames && (index.customerByKey[key] != nil || index.customerByOtherName[key] != nil) { return false }
            if archivePhones, let phone, index.customerByPhone[phone] != nil { return false }
            if let credit, !credits.insert(credit).inserted { return false }
            if !names.insert(key).inserted { return false }
            if let phone, !phones.insert(phone).inserted { return false }
        }
        let customers = rows.count < 8_192 ? rows.map(BulkCustomer.init)
            : Parallel.chunks(rows.count, chunk: 8_192) { range in range.map { BulkCustomer(rows[$0]) } }
        guard let plan = archive.planCustomers(customers, label: Self.label(source), origin: .importFile, now: options.now) else { return false }
        if customers.count >= 10_000 { Background.release(customers) }
        var counts = ImportPreview.Counts()
        counts.new = rows.count
        preview.counts[.customers] = counts
        preview.plan = plan
        preview.plannedInBulk = true
        preview.canCommit = !plan.events.isEmpty
        return true
    }
}

extension BulkCustomer {
    /// A customer row of the file as `planCustomers` takes it.
    init(_ row: Importer.Row) {
        self.init(name: row.field("name") ?? "", fields: row.fields.filter { $0.0 != "name" })
    }
}
