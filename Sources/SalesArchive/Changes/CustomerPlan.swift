/// One new customer of a bulk plan (`CustomerArchive.planCustomers`): what `.addCustomer` takes.
public struct BulkCustomer: Sendable {
    public var name: String
    public var fields: [(String, String)]

    public init(name: String, fields: [(String, String)]) {
        self.name = name
        self.fields = fields
    }
}

extension CustomerArchive {
    /// Plans `customers` as `plan` plans a change set of their `.addCustomer` operations, with
    /// the same rules and the same events in the same order, without a draft operation each: an
    /// import of a customer list. A new customer's event depends on its own name and fields and
    /// on its place (its id), so the events are made on both cores; only the names are then
    /// compared, with each other and with the archive's, in order. The draft's work per
    /// customer (a check and an application of its event, the name index, the record looked up
    /// again) is what a list of new customers does not need: nothing in it refers to another.
    /// Nil when any customer would be refused (its name empty, over 1 KiB, with NUL, or another
    /// customer's once spaces and bracket width are ignored; a field unknown, given twice,
    /// protected or not readable; a value over RECORDS.md §2's limits), and for a list that
    /// gives a short name or an alias (checked against every other customer's names one by one,
    /// the general way): planning the change set then names the problem. `CustomerPlanTests`
    /// compares the two plans.
    public func planCustomers(_ customers: [BulkCustomer], label: String, origin: ChangeBatch.Origin, now: Int64) -> ChangePlan? {
        // The keys the list gives its fields by: a few texts, the same row after row, each
        // looked up in the schema once (not once per field of each row). More spellings than a
        // customer has fields twice over: planned the general way (the same answer).
        var keys: [String] = []
        for customer in customers {
            for (key, _) in customer.fields where !keys.contains(key) {
                guard keys.count < 64 else { return nil }
                keys.append(key)
            }
        }
        let otherNames: Set<String> = ["shortName", "aliases"]
        let gradeKey = "grade"
        let gradeSpellings = keys.filter { Schema.field(.customer, key: $0)?.key == gradeKey }
        guard !keys.contains(where: { otherNames.contains(Schema.field(.customer, key: $0)?.key ?? "") }),
              Schema.fields(.customer).allSatisfy({ spec in
                  switch spec.type {
                  case .reference, .references: return false  // (needs a draft to look up; customers have none)
                  default: return true
                  }
              })
        else { return nil }
        let first = state.nextID
        guard !customers.isEmpty, first + UInt64(customers.count) - 1 <= ArchiveState.maxEntityID else { return nil }
        let nameField = Schema.number(.customer, "name")
        // Each customer's event and its name as compared (`ChangeDraft.normalizedName`).
        let chunk = 8_192
        let parts = (try? Concurrent.map((customers.count + chunk - 1) / chunk) { c -> ([ChangeEvent], [TextKey])? in
            let range = c * chunk..<min(customers.count, (c + 1) * chunk)
            var events: [ChangeEvent] = []
            var names: [TextKey] = []
            events.reserveCapacity(range.count)
            names.reserveCapacity(range.count)
            for i in range {
                let customer = customers[i]
                guard let name = try? ChangeDraft.name(customer.name, of: .customer) else { return nil }
                var all = customer.fields
                if !all.contains(where: { gradeSpellings.contains($0.0) }) { all.append((gradeKey, Grade.unrated.rawValue)) }
                guard let changes = try? ChangeDraft.changes(.customer, all, existing: nil, now: now, protected: ProtectedFields.newCustomer, value: { spec, input in
                    try ChangeDraft.value(for: spec, input: input, now: now)
                }) else { return nil }
                events.append(ChangeEvent(.create, .customer, first + UInt64(i), [FieldChange(field: nameField, old: nil, new: .text(name))] + changes))
                names.append(TextKey(ChangeDraft.normalizedName(name)))
            }
            return (events, names)
        }) ?? []
        guard parts.count == (customers.count + chunk - 1) / chunk, parts.allSatisfy({ $0 != nil }) else { return nil }
        // A name the archive or an earlier customer of the list has (as `addCustomer` refuses it).
        var seen = Set<TextKey>(minimumCapacity: state.count(.customer) + customers.count)
        state.each(.customer) { e in seen.insert(TextKey(ChangeDraft.normalizedName(e["name"]?.text ?? ""))) }
        for part in parts {
            for name in part!.1 { guard seen.insert(name).inserted else { return nil } }
        }
        var events: [ChangeEvent] = []
        events.reserveCapacity(customers.count)
        for part in parts { events += part!.0 }
        guard (try? Limits.check(events)) != nil else { return nil }
        return ChangePlan(label: label, origin: origin, now: now, results: [:], problems: [], events: events, generation: generation)
    }
}
