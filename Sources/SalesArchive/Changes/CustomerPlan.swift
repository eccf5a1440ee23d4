/// One new customer of a bulk plan (`CustomerArchive.planCustomers`): what `.addCustomer` takes.
public struct BulkCustomer: Sendable {
    public var name: String
    /// The fields given, as keys and input texts, in the order given.
    public var fields: [(String, String)]
    /// Each field's value as its reader made it (`ChangeDraft.value` of the field's spec and its
    /// input: an import reads every cell so before it plans), one per field: not read again.
    /// Empty: read by the plan. (Of another count: the list is planned the general way.)
    public var values: [FieldValue?]
    /// The place in `fields` of a pair the plan passes over (a row's list of fields holds the
    /// name too, given as `name`); -1 for none.
    public var skip: Int

    public init(name: String, fields: [(String, String)], values: [FieldValue?] = [], skip: Int = -1) {
        self.name = name
        self.fields = fields
        self.values = values
        self.skip = skip
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
    /// Nil when any customer would be refused (its name empty, without any text, over 1 KiB, with NUL, or another
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
            guard customer.values.isEmpty || customer.values.count == customer.fields.count else { return nil }
            for (j, (key, _)) in customer.fields.enumerated() where j != customer.skip && !keys.contains(key) {
                guard keys.count < 64 else { return nil }
                keys.append(key)
            }
        }
        let otherNames: Set<String> = ["shortName", "aliases"]
        let gradeKey = "grade"
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
        // What `ChangeDraft.changes` asks of a field by its key alone (known, not protected),
        // asked once per key: any key it would refuse plans the list the general way.
        var specs: [FieldSpec] = []
        for key in keys {
            guard let spec = Schema.field(.customer, key: key), !ProtectedFields.newCustomer.contains(spec.key) else { return nil }
            specs.append(spec)
        }
        // A customer without a grade is unrated (as `addCustomer` makes it).
        guard let gradeSpec = Schema.field(.customer, key: gradeKey),
              let unrated = try? ChangeDraft.value(for: gradeSpec, input: Grade.unrated.rawValue, now: now) else { return nil }
        // Each customer's event and its name as compared (`ChangeDraft.normalizedName`): its
        // changes as `ChangeDraft.changes` makes them (the name's first, then each field given
        // and not empty in the order given, a field given twice refused), each value read by
        // `ChangeDraft.value`.
        // (Each chunk's events are written into their place in the plan's list.)
        let fieldKeys = keys, fieldSpecs = specs
        // A list that gives codes: each customer's code and name, lower case as a lookup compares
        // them, for the rule of `checkCode`.
        let codeNumber = Schema.number(.customer, "code")
        let givesCodes = specs.contains { $0.number == codeNumber }
        let (events, parts) = Concurrent.emitting(customers.count, chunk: 8_192) { range, emit -> (names: [TextKey], codes: [(String, String)], lowered: [String])? in
            var names: [TextKey] = []
            names.reserveCapacity(range.count)
            var codes: [(String, String)] = [], lowered: [String] = []
            var k = 0  // the key of the field before (fields come in the same order row after row)
            for i in range {
                let customer = customers[i]
                guard let name = try? ChangeDraft.name(customer.name, of: .customer), !CompanyName.hasNoText(name) else { return nil }
                var changes: [FieldChange] = []
                changes.reserveCapacity(customer.fields.count + 2)
                changes.append(FieldChange(field: nameField, old: nil, new: .text(name)))
                var seen = FieldSet()
                var graded = false
                for (j, (key, input)) in customer.fields.enumerated() where j != customer.skip {
                    if k + 1 < fieldKeys.count && fieldKeys[k + 1] == key { k += 1 } else if fieldKeys[k] != key { k = fieldKeys.firstIndex(of: key)! }
                    let number = fieldSpecs[k].number
                    guard seen.insert(number) else { return nil }
                    if number == gradeSpec.number { graded = true }  // (every spelling of the grade is its field)
                    let value: FieldValue?
                    if customer.values.isEmpty {
                        do { value = try ChangeDraft.value(for: fieldSpecs[k], input: input, now: now) } catch { return nil }
                    } else {
                        value = customer.values[j]  // (read already, by the same rule)
                    }
                    if let value { changes.append(FieldChange(field: number, old: nil, new: value)) }  // (empty: no change)
                    if givesCodes && number == codeNumber, let code = value?.text, !code.isEmpty { codes.append((code.lowercased(), name.lowercased())) }
                }
                if !graded {
                    guard seen.insert(gradeSpec.number) else { return nil }
                    changes.append(FieldChange(field: gradeSpec.number, old: nil, new: unrated))
                }
                emit(ChangeEvent(.create, .customer, first + UInt64(i), changes))
                names.append(TextKey(ChangeDraft.normalizedName(name)))
                if givesCodes { lowered.append(name.lowercased()) }
            }
            return (names, codes, lowered)
        }
        guard events.count == customers.count, parts.allSatisfy({ $0 != nil }) else { return nil }
        // A name the archive or an earlier customer of the list has (as `addCustomer` refuses it).
        var seen = Set<TextKey>(minimumCapacity: state.count(.customer) + customers.count)
        state.each(.customer) { e in seen.insert(TextKey(ChangeDraft.normalizedName(e["name"]?.text ?? ""))) }
        for part in parts {
            for name in part!.names { guard seen.insert(name).inserted else { return nil } }
        }
        // A code that is another customer's code, name or short name, or a name that is another
        // customer's code: planned the general way, which names it (`checkCode`).
        if givesCodes {
            var codes = Set<String>(), listNames = Set<String>()
            var archiveNames = Set<String>(), archiveCodes = Set<String>()
            state.each(.customer) { e in
                for key in ["name", "shortName"] { if let t = e[key]?.text { archiveNames.insert(t.lowercased()) } }
                for alias in Lookup.splitAliases(e["aliases"]?.text ?? "") {
                    archiveNames.insert(alias.lowercased())
                    archiveNames.insert(ChangeDraft.plainIdentifier(alias).lowercased())
                }
                if let t = e["code"]?.text { archiveCodes.insert(t.lowercased()); archiveNames.insert(t.lowercased()) }
            }
            for part in parts { listNames.formUnion(part!.lowered) }
            for part in parts {
                for (code, own) in part!.codes {
                    guard codes.insert(code).inserted, !archiveNames.contains(code) else { return nil }
                    if code != own && listNames.contains(code) { return nil }
                }
            }
            guard listNames.isDisjoint(with: archiveCodes) else { return nil }
        }
        // (The table of names is freed off the plan's path: a hundred thousand texts.)
        releaseInBackground(consume seen)
        releaseInBackground(consume parts)
        guard (try? Limits.check(events)) != nil else { return nil }
        return ChangePlan(label: label, origin: origin, now: now, results: [:], problems: [], events: events, generation: generation)
    }
}
