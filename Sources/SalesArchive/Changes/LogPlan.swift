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
        let halves = entries.count >= 20_000 ? [Array(entries[..<(entries.count / 2)]), Array(entries[(entries.count / 2)...])] : [entries]
        return planLog(chunks: halves, label: label, origin: origin, now: now)
    }

    /// `planLog` of the entries of `chunks` in order (as read in parts, not joined into one
    /// array first); each chunk's own events are made on both cores.
    public func planLog(chunks: [[BulkLogEntry]], label: String, origin: ChangeBatch.Origin, now: Int64) -> ChangePlan? {
        let today = DateParser.localDay(now)
        var ids: [UInt64] = []
        var next = state.nextID
        for chunk in chunks {
            ids.append(next)
            next += UInt64(chunk.count)
        }
        let firstIDs = ids
        let total = Int(next - state.nextID)
        // Each entry's own event (it depends on the entry alone, its id on its place: one id
        // per entry), on both cores for a large log; nil as soon as one entry is refused.
        let parts = (try? Concurrent.map(chunks.count) { c -> OwnEvents? in
            Self.ownEvents(chunks[c], chunks[c].indices, firstID: firstIDs[c], today: today, now: now)
        }) ?? []
        guard parts.count == chunks.count, parts.allSatisfy({ $0 != nil }) else { return nil }
        // Then, in order, each customer's last contact and next follow-up, as `stageLogEntry`
        // changes them when the entry is the latest (followed here by id).
        let lastField = FieldNumbers.customerLastContactAt
        let followUpField = FieldNumbers.customerNextFollowUp
        var customers = FollowUps(ids: parts.map { $0!.customers })
        var events: [ChangeEvent] = []
        events.reserveCapacity(total + total / 2)
        for (part, chunk) in zip(parts, chunks) {
            // By index, reading only each entry's customer and time (a copy of the entry would
            // take and drop a reference to each of its texts: a million entries' worth).
            let own = part!.events, nextDays = part!.nextDays
            for i in own.indices {
                events.append(own[i])
                let id = chunk[i].customer, at = chunk[i].at
                var customer: (last: FieldValue?, followUp: FieldValue?)
                if let held = customers[id] {
                    customer = held
                } else {
                    guard let c = state.entity(.customer, id) else { return nil }
                    customer = (c[number: lastField], c[number: followUpField])
                }
                let changes = ChangeDraft.lastContactChanges(last: customer.last, followUp: customer.followUp, at: at, next: nextDays[i])
                for change in changes {
                    if change.field == lastField { customer.last = change.new } else { customer.followUp = change.new }
                }
                if !changes.isEmpty { events.append(ChangeEvent(.update, .customer, id, changes)) }
                customers[id] = customer
            }
        }
        guard (try? Limits.check(events)) != nil else { return nil }
        return ChangePlan(label: label, origin: origin, now: now, results: [:], problems: [], events: events, generation: generation)
    }

    /// The create events of `entries[range]` (ids from `firstID`) and their next dates, and the
    /// smallest and largest customer id they name.
    struct OwnEvents: Sendable {
        var events: [ChangeEvent] = []
        var nextDays: [Int32?] = []
        var customers: ClosedRange<UInt64>?
    }

    /// Each customer's last contact and next follow-up as the entries change them, by id: in
    /// arrays indexed by id when the ids the entries name span few more than there are entries
    /// (a lookup is then an index, not a hash-table probe), otherwise in a table.
    struct FollowUps {
        typealias Held = (last: FieldValue?, followUp: FieldValue?)
        private let low: UInt64
        private var dense: [Held?]
        private var table: [UInt64: Held] = [:]

        init(ids ranges: [ClosedRange<UInt64>?]) {
            let met = ranges.compactMap { $0 }
            guard let low = met.map(\.lowerBound).min(), let high = met.map(\.upperBound).max(), high - low < 1 << 22 else {
                (self.low, dense) = (0, [])
                return
            }
            self.low = low
            dense = [Held?](repeating: nil, count: Int(high - low) + 1)
        }

        subscript(id: UInt64) -> Held? {
            get { dense.isEmpty ? table[id] : dense[Int(id - low)] }
            set { if dense.isEmpty { table[id] = newValue } else { dense[Int(id - low)] = newValue } }
        }
    }

    /// The events `stageLogEntry` makes for the entries themselves, with its checks of the
    /// type, summary, next date and day; nil when one of them is refused.
    static func ownEvents(_ entries: [BulkLogEntry], _ range: Range<Int>, firstID: UInt64, today: Int32, now: Int64) -> OwnEvents? {
        var out = OwnEvents()
        out.events.reserveCapacity(range.count)
        out.nextDays.reserveCapacity(range.count)
        var types: [ExactText: ActivityType] = [:]
        var id = firstID
        for e in entries[range] {
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
            guard e.at <= now else { return nil }  // (later than now: planned the general way, which names it)
            let changes = ChangeDraft.entryChanges(customer: e.customer, type: type, at: e.at, summary: text, nextStep: e.nextStep, next: next, location: e.location)
            out.events.append(ChangeEvent(.create, .activity, id, changes))
            out.nextDays.append(next)
            out.customers = out.customers.map { min($0.lowerBound, e.customer)...max($0.upperBound, e.customer) } ?? e.customer...e.customer
            id += 1
        }
        return out
    }
}
