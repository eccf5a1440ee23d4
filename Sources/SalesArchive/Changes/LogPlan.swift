/// One contact-log entry of a bulk plan (`CustomerArchive.planLog`): what `.logActivity` takes,
/// with its customer as a record id, and no contacts or project.
public struct BulkLogEntry: Sendable {
    public var customer: UInt64
    public var type: String
    public var summary: String
    public var at: Int64
    public var nextStep: String?
    public var nextDate: String?
    public var location: String?

    public init(customer: UInt64, type: String, summary: String, at: Int64, nextStep: String? = nil, nextDate: String? = nil, location: String? = nil) {
        self.customer = customer
        self.type = type
        self.summary = summary
        self.at = at
        self.nextStep = nextStep
        self.nextDate = nextDate
        self.location = location
    }
}

extension CustomerArchive {
    /// Plans `entries` as `plan` plans a change set of their `.logActivity` operations (customer
    /// `C<id>`, no contacts, no project), with the same rules and the same events in the same
    /// order (the entry, then its customer's last contact and next follow-up when it is the
    /// latest), in one pass over the entries instead of one draft operation each: an import of
    /// a large contact log. The draft's work per entry (a copy of the customer record, a check
    /// and an application of its events, the name index) is what a log's entries do not need:
    /// they create nothing another entry refers to, and change only their customer's two
    /// fields, which are followed here by id.
    /// Nil when any entry would be refused (its customer is not a live record, its type is not
    /// a contact type, its summary is empty, its next date is not a date, it is dated after
    /// today, or a value is over RECORDS.md §2's limits): planning the change set then names the
    /// problem. `CommitFastPathTests` compares the two plans.
    public func planLog(_ entries: [BulkLogEntry], label: String, origin: ChangeBatch.Origin, now: Int64) -> ChangePlan? {
        let lastField = FieldNumbers.customerLastContactAt
        let followUpField = FieldNumbers.customerNextFollowUp
        let today = DateParser.localDay(now)
        // Two days before today's start, every zone's offsets (−12 to +14 hours) keep an
        // instant within an earlier local day: those need no look-up of the zone.
        let surelyPast = DateParser.startOfDay(today) - 2 * 86_400
        var nextID = state.nextID
        var events: [ChangeEvent] = []
        events.reserveCapacity(entries.count + entries.count / 2)
        /// Each customer's last contact and next follow-up as the entries so far left them, by id.
        var customers: [UInt64: (last: FieldValue?, followUp: FieldValue?)] = [:]
        var types: [ExactText: ActivityType] = [:]
        for e in entries {
            var customer: (last: FieldValue?, followUp: FieldValue?)
            let slot = customers.index(forKey: e.customer)
            if let slot {
                customer = customers.values[slot]
            } else {
                guard let c = state.entity(.customer, e.customer) else { return nil }
                customer = (c[number: lastField], c[number: followUpField])
            }
            let type: ActivityType
            if let known = types[ExactText(e.type)] {
                type = known
            } else {
                guard let parsed = ActivityType.parse(e.type) else { return nil }
                types[ExactText(e.type)] = parsed
                type = parsed
            }
            let text = e.summary.trimmedWhitespace
            guard !text.isEmpty else { return nil }
            var next: Int32?
            if let nextDate = e.nextDate {
                guard let day = try? DateParser.parse(nextDate, now: now) else { return nil }
                next = day
            }
            guard e.at < surelyPast || DateParser.localDay(e.at) <= today else { return nil }
            let id = nextID
            nextID += 1
            var changes: [FieldChange] = [
                FieldChange(field: FieldNumbers.activityCustomer, old: nil, new: .ref(e.customer)),
                FieldChange(field: FieldNumbers.activityType, old: nil, new: .text(type.rawValue)),
                FieldChange(field: FieldNumbers.activityAt, old: nil, new: .int(e.at)),
                FieldChange(field: FieldNumbers.activitySummary, old: nil, new: .text(text)),
            ]
            if let nextStep = e.nextStep, !nextStep.isEmpty { changes.append(FieldChange(field: FieldNumbers.activityNextStep, old: nil, new: .text(nextStep))) }
            if let next { changes.append(FieldChange(field: FieldNumbers.activityNextDate, old: nil, new: .day(next))) }
            if let location = e.location, !location.isEmpty { changes.append(FieldChange(field: FieldNumbers.activityLocation, old: nil, new: .text(location))) }
            events.append(ChangeEvent(.create, .activity, id, changes))
            // The customer's fields, as `stageLogEntry` changes them.
            var customerChanges: [FieldChange] = []
            let isLatest = (customer.last?.int ?? .min) <= e.at
            if isLatest && customer.last?.int != e.at {
                customerChanges.append(FieldChange(field: lastField, old: customer.last, new: .int(e.at)))
                customer.last = .int(e.at)
            }
            if let next, isLatest, customer.followUp != .day(next) {
                customerChanges.append(FieldChange(field: followUpField, old: customer.followUp, new: .day(next)))
                customer.followUp = .day(next)
            }
            if !customerChanges.isEmpty { events.append(ChangeEvent(.update, .customer, e.customer, customerChanges)) }
            if let slot { customers.values[slot] = customer } else { customers[e.customer] = customer }
        }
        guard (try? Limits.check(events)) != nil else { return nil }
        return ChangePlan(label: label, origin: origin, now: now, results: [:], problems: [], events: events, generation: generation)
    }
}
