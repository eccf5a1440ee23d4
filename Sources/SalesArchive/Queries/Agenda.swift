import Foundation

/// How often A and B customers must be contacted, and how far ahead expected bids and signings
/// are listed: the rule the weekly report's attention list (REPORTS.md §1.1, 风险预警) and the
/// agenda share. A customer is past its interval when it was never contacted or not for more than
/// its grade's number of days.
public struct ContactIntervals: Sendable, Equatable {
    public var a: Int
    public var b: Int
    /// Bids and signings expected within this many days are listed.
    public var horizon: Int

    public static let standard = ContactIntervals(a: 7, b: 14, horizon: 30)

    public init(a: Int, b: Int, horizon: Int = 30) {
        self.a = a
        self.b = b
        self.horizon = horizon
    }

    /// The days an A or B customer may go without contact; nil for other grades.
    public func limit(for grade: String?) -> Int? { grade == "A" ? a : grade == "B" ? b : nil }

    /// Calendar days from `last` to `asOf` (`day` gives an instant's day: the machine's, or the
    /// department's for the report), or nil when never contacted. A call on Monday afternoon is
    /// 8 days before the next Tuesday's morning, as a salesperson counts; whole 24-hour periods
    /// made it 7 until the afternoon (helper-127).
    public static func silentDays(last: Int64?, asOf: Int64, day: (Int64) -> Int64 = { Int64(DateParser.localDay($0)) }) -> Int? {
        last.map { Int(clamping: max(0, day(asOf) - day($0))) }
    }

    /// Whether a customer of `grade` last contacted at `last` is past its interval at `asOf`;
    /// one never contacted counts from when it was added (`since`): a customer added today is not
    /// overdue (black-box finding: every customer of a list imported today was).
    public func isPast(grade: String?, last: Int64?, since added: Int64, asOf: Int64,
                       day: (Int64) -> Int64 = { Int64(DateParser.localDay($0)) }) -> Bool {
        guard let limit = limit(for: grade) else { return false }
        return (Self.silentDays(last: last, asOf: asOf, day: day) ?? Self.silentDays(last: added, asOf: asOf, day: day)!) > limit
    }

    /// A follow-up planned for `next` is overdue on `today` when no contact was made on or after
    /// that day (`lastContactDay`, nil when never).
    public static func isOverdue(next: Int32, lastContactDay: Int32?, today: Int32) -> Bool {
        next < today && (lastContactDay.map { $0 < next } ?? true)
    }

    /// What a follow-up planned for `next` is once its day has come, given the day of the
    /// customer's latest contact and whether that contact is the one that set this follow-up.
    public enum FollowUpState: Sendable, Equatable {
        /// Still to do: due today, or overdue.
        case open
        /// Done: a contact was made after its day, or on it (when known to follow the setting).
        case done
        /// Contacted on its day only, not by the contact that set it: still to do if it was set
        /// after that contact (`customer edit --set 下次跟进=今天` after a morning call),
        /// done if before. The changes say which (CustomerArchive.followUpsSetAfterContact).
        case askWhenSet
    }

    /// The rule the agenda and the weekly report share for a follow-up whose day has come.
    /// A contact on the follow-up's day that set it ("call back this afternoon") leaves it to do.
    public static func followUp(next: Int32, lastContactDay: Int32?, setByLatestContact: Bool) -> FollowUpState {
        guard let last = lastContactDay, last >= next else { return .open }
        if last > next { return .done }
        return setByLatestContact ? .open : .askWhenSet
    }

    /// Whether a customer's follow-up day has come (by `now`, the machine's day) and its latest
    /// contact was made on that day: what setting it again to the same day records, to be done
    /// again (`followUp`'s `askWhenSet`).
    static func followUpContacted(_ customer: Entity, now: Int64) -> Bool {
        guard let day = customer["nextFollowUp"]?.day, day <= DateParser.localDay(now),
              let last = customer["lastContactAt"]?.int else { return false }
        return DateParser.localDay(last) == day
    }
}

/// A follow-up whose customer was contacted on its day by another contact than the one that set
/// it (ContactIntervals.FollowUpState.askWhenSet).
public struct PendingFollowUp: Sendable {
    public let customer: UInt64
    public let day: Int32
    /// The customer's latest contact: its entry, and when it happened.
    public let contactID: UInt64?
    public let contactAt: Int64
    /// The log entry that set this follow-up's date, and when that contact happened, if one did.
    public let setter: (id: UInt64, at: Int64)?

    public init(customer: UInt64, day: Int32, contactID: UInt64?, contactAt: Int64, setter: (id: UInt64, at: Int64)?) {
        self.customer = customer
        self.day = day
        self.contactID = contactID
        self.contactAt = contactAt
        self.setter = setter
    }
}

extension CustomerArchive {
    /// Whether setting a customer's follow-up again to the day it has would put it back on the
    /// agenda: its day has come, a contact on that day did it, and it was not set again since
    /// (the agenda's rule for this one customer). Reads the contact log and, for a follow-up
    /// set otherwise than by its contact, the changes since that contact.
    public func followUpCanBeSetAgain(_ c: Entity, now: Int64) -> Bool {
        guard ContactIntervals.followUpContacted(c, now: now), let next = c["nextFollowUp"]?.day else { return false }
        guard (try? loadContactLog()) != nil else { return false }
        let entries = followUpEntries(of: c.id)
        let latest = entries.latest[c.id]
        let setter = entries.dated[c.id].flatMap { $0.day == next ? (id: $0.id, at: $0.at) : nil }
        let lastDay = c["lastContactAt"]?.int.map(DateParser.localDay)
        switch ContactIntervals.followUp(next: next, lastContactDay: lastDay, setByLatestContact: setter.map { $0.id == latest?.id } ?? false) {
        case .open: return false
        case .done: return true
        case .askWhenSet:
            let pending = PendingFollowUp(customer: c.id, day: next, contactID: latest?.id, contactAt: latest?.at ?? .min, setter: setter)
            return followUpsSetAfterContact([pending]).isEmpty
        }
    }

    /// Each customer's latest contact-log entry, and its latest entry with a next date (which
    /// gives a follow-up its date and next step, when that is the follow-up's day), by the
    /// entries' times then ids; of one customer, or of all. (The agenda's and
    /// `followUpCanBeSetAgain`'s one rule.) The contact log must be loaded.
    func followUpEntries(of customer: UInt64? = nil) -> (latest: [UInt64: (at: Int64, id: UInt64, nextStep: String?)],
                                                          dated: [UInt64: (at: Int64, id: UInt64, day: Int32, nextStep: String?)]) {
        var latest: [UInt64: (at: Int64, id: UInt64, nextStep: String?)] = [:]
        var dated: [UInt64: (at: Int64, id: UInt64, day: Int32, nextStep: String?)] = [:]
        state.each(.activity) { e in
            guard let c = e["customer"]?.ref, customer.map({ $0 == c }) ?? true else { return }
            let at = e["at"]?.int ?? e.createdAt
            if let day = e["nextDate"]?.day, dated[c].map({ ($0.at, $0.id) < (at, e.id) }) ?? true {
                dated[c] = (at, e.id, day, e["nextStep"]?.text)
            }
            if let l = latest[c], (l.at, l.id) > (at, e.id) { return }
            latest[c] = (at, e.id, e["nextStep"]?.text)
        }
        return (latest, dated)
    }

    /// Of `waiting`, the customers whose follow-up was last set after their latest contact
    /// (still to do), read in one pass over the changes saved since the earliest of those
    /// contacts, until `until`. Set by a log entry of the same change, it counts from when that
    /// contact happened, not when it was typed in (the day's calls logged in the evening:
    /// helper-138); set otherwise, from when the change was saved (a call logged after the
    /// setting with an earlier --at did not do it: helper-136). No limit on how long ago: a
    /// follow-up set again after its day's call stays overdue until a contact (it dropped off
    /// after 31 days: helper-139). A history that cannot be read leaves them as done.
    public func followUpsSetAfterContact(_ waiting: [PendingFollowUp], until: Int64 = .max,
                                         day: (Int64) -> Int64 = { Int64(DateParser.localDay($0)) }) -> Set<UInt64> {
        guard let since = waiting.map(\.contactAt).min(), let field = Schema.field(.customer, key: "nextFollowUp")?.number else { return [] }
        var dayOf: [UInt64: Int64] = [:]
        var setters: [UInt64: (id: UInt64, at: Int64)] = [:]
        var contacts: [UInt64: UInt64] = [:], contactOf: [UInt64: UInt64] = [:]  // customer → its latest contact, and back
        for w in waiting {
            dayOf[w.customer] = Int64(w.day)
            if let s = w.setter { setters[w.customer] = s }
            if let c = w.contactID { contacts[w.customer] = c; contactOf[c] = w.customer }
        }
        let wanted = Set(waiting.map(\.customer))
        // Each customer's settings in the order saved, with their batch: an undo takes back the
        // setting of the batch it undoes and is none itself (undoing a follow-up set again left
        // it due); an undo of that undo brings it back (helper-139).
        typealias Setting = (order: Int, batch: UInt64, at: Int64)
        var settings: [UInt64: [Setting]] = [:]
        var contactOrder: [UInt64: Int] = [:]  // a customer → the batch that saved its latest contact
        var takenBack: [UInt64: [(customer: UInt64, setting: Setting)]] = [:]  // an undo batch → what it took back
        for (order, (index, batch)) in ((try? batches(since: since, until: until)) ?? []).enumerated() {
            let id = batch.batch ?? index
            if let undone = batch.undoes {
                for (customer, setting) in takenBack[undone] ?? [] {
                    settings[customer, default: []].append(setting)
                    settings[customer]?.sort { $0.order < $1.order }
                }
                for customer in wanted {
                    guard let list = settings[customer] else { continue }
                    for s in list where s.batch == undone { takenBack[id, default: []].append((customer, s)) }
                    settings[customer] = list.filter { $0.batch != undone }
                }
                continue
            }
            for e in batch.events where e.kind == .activity && e.operation == .create {
                if let customer = contactOf[e.id] { contactOrder[customer] = order }
            }
            for e in batch.events where e.kind == .customer && wanted.contains(e.id) && e.changes.contains(where: { $0.field == field }) {
                // (Saved with the contact itself, an import's row of the customer beside its log
                // rows: not after it.)
                if let c = contacts[e.id], batch.events.contains(where: { $0.kind == .activity && $0.id == c }) { continue }
                let setAt = setters[e.id].flatMap { s in batch.events.contains { $0.kind == .activity && $0.id == s.id } ? s.at : nil }
                // A date set after its day had passed (an import of last week's plans, a date
                // corrected later): that day's contacts did it, as they happened before anyone
                // could ask for more (a customer imported with 下次跟进 11-20 and its 11-20 call
                // stayed overdue: helper-141). Not when it sets again the date it had: that asks
                // for another contact.
                let change = e.changes.first { $0.field == field }
                let late = change.map { $0.old != $0.new } == true && day(batch.at) > (dayOf[e.id] ?? .max)
                settings[e.id, default: []].append((order, id, late ? .min : setAt ?? batch.at))
            }
        }
        var open = Set<UInt64>()
        for w in waiting {
            // (In the same second as the contact: after it if saved after it, `customer edit`
            // right after `log add` in a script: helper-140.)
            guard let last = settings[w.customer]?.last else { continue }
            if last.at > w.contactAt || (last.at == w.contactAt && last.order > contactOrder[w.customer] ?? .max) { open.insert(w.customer) }
        }
        return open
    }
}

/// What a salesperson asks every morning (issue 12): whom to follow up today, what is overdue,
/// what comes later this week, bids and signings ahead, complaints waiting for their survey,
/// A and B customers past their contact interval, and grades their expected dates contradict.
public struct Agenda: Sendable {
    public struct FollowUp: Sendable {
        public let customer: Entity
        public let day: Int32
        /// The next step of the customer's latest contact-log entry, if it has one.
        public let nextStep: String?
    }

    public struct Expected: Sendable {
        public let project: Entity
        public let customer: Entity?
        /// True for an expected bidding date, false for an expected signing date.
        public let isBid: Bool
        public let day: Int32
    }

    public struct Silent: Sendable {
        public let customer: Entity
        public let grade: String
        public let lastContact: Int64?
        public let days: Int?
    }

    public struct GradeHint: Sendable {
        public let customer: Entity
        public let grade: Grade
        public let suggested: Grade
        public let day: Int32
    }

    public let today: Int32
    /// The last day of "coming up": this week's Sunday, or today + `days`.
    public let until: Int32
    /// The contact intervals `silent` was judged by (the department's, or 7 and 14 days).
    public var intervals: ContactIntervals = .standard
    public var overdue: [FollowUp] = []
    public var dueToday: [FollowUp] = []
    public var upcoming: [FollowUp] = []
    public var expected: [Expected] = []
    public var surveys: [Entity] = []
    /// Open complaints not yet passed to the sales manager or the sales director (regulation
    /// 6.4: every complaint goes to both; one never routed showed nowhere: helper-179).
    public var unrouted: [Entity] = []
    /// Complaints surveyed with the customer not satisfied: to be handled again (they dropped
    /// off every list once surveyed: helper-180).
    public var dissatisfied: [Entity] = []
    public var silent: [Silent] = []
    public var gradeHints: [GradeHint] = []

    public var isEmpty: Bool {
        overdue.isEmpty && dueToday.isEmpty && upcoming.isEmpty && expected.isEmpty && surveys.isEmpty && unrouted.isEmpty && dissatisfied.isEmpty && silent.isEmpty && gradeHints.isEmpty
    }
}

extension CustomerArchive {
    /// The agenda at `now` (the local calendar day of DateParser): follow-ups overdue and due
    /// today, then up to this week's Sunday (or the next `days` days); bids and signings within
    /// `intervals.horizon` days; resolved complaints not yet surveyed; A and B customers past
    /// their interval; grade hints (regulation 6.1). Reads the contact log (for next steps).
    public func agenda(now: Int64, days: Int? = nil, intervals: ContactIntervals = .standard) throws -> Agenda {
        try loadContactLog()
        let today = DateParser.localDay(now)
        let until = days.map { today + Int32(clamping: $0) } ?? DateParser.monday(of: today) + 6
        var agenda = Agenda(today: today, until: until)
        agenda.intervals = intervals

        // The next step of a follow-up is the one given with its date: of the customer's latest
        // entry with a next date, when that is the follow-up's day; else the latest entry's. (A
        // later entry without a next date left the follow-up as it was but showed its own empty
        // next step: helper-110.)
        let (latest, dated) = followUpEntries()
        // Follow-ups whose customer was last contacted on their day, not by the contact that set
        // them: due (or overdue) still when set after that contact (`customer edit --set
        // 下次跟进=今天` after a morning call left the day's list at once, and the next day the
        // follow-up was gone: helper-134), looked up in the changes since that day below.
        var setByHand: [(item: Agenda.FollowUp, pending: PendingFollowUp)] = []
        let ordered = customers()
        var projectsOf: [UInt64: [Entity]] = [:]
        state.each(.project) { p in if let c = p["customer"]?.ref { projectsOf[c, default: []].append(p) } }
        for c in ordered {
            let last = c["lastContactAt"]?.int
            if let next = c["nextFollowUp"]?.day {
                let setter = dated[c.id].flatMap { $0.day == next ? $0 : nil }  // the entry that set this follow-up, if one did
                let step = setter.map { $0.nextStep ?? "" } ?? latest[c.id]?.nextStep
                let item = Agenda.FollowUp(customer: c, day: next, nextStep: step?.isEmpty == true ? nil : step)
                if next > today {
                    if next <= until { agenda.upcoming.append(item) }
                } else {
                    // (Done once a contact is logged on its day: a call at 09:30 left the customer
                    // on the day's list: helper-127. Not by the contact that set it for that day:
                    // a morning call asking to call back in the afternoon took it off at once:
                    // helper-129; and the next day it was gone, not overdue.)
                    let setByLatest = setter.map { s in latest[c.id]?.id == s.id } ?? false
                    switch ContactIntervals.followUp(next: next, lastContactDay: last.map(DateParser.localDay), setByLatestContact: setByLatest) {
                    case .open:
                        if next == today { agenda.dueToday.append(item) } else { agenda.overdue.append(item) }
                    case .askWhenSet:
                        setByHand.append((item, PendingFollowUp(customer: c.id, day: next, contactID: latest[c.id]?.id, contactAt: latest[c.id]?.at ?? .min,
                                                                setter: setter.map { ($0.id, $0.at) })))
                    case .done:
                        break
                    }
                }
            }
            let grade = c["grade"]?.text
            if intervals.isPast(grade: grade, last: last, since: c.createdAt, asOf: now) {
                agenda.silent.append(Agenda.Silent(customer: c, grade: grade ?? "", lastContact: last, days: ContactIntervals.silentDays(last: last, asOf: now)))
            }
            if let hint = Self.gradeHint(c, projects: projectsOf[c.id] ?? [], now: now) {
                agenda.gradeHints.append(Agenda.GradeHint(customer: c, grade: grade.flatMap(Grade.init(rawValue:)) ?? .unrated, suggested: hint.suggested, day: hint.date))
            }
        }
        if !setByHand.isEmpty {
            let open = followUpsSetAfterContact(setByHand.map(\.pending))
            for (item, _) in setByHand where open.contains(item.customer.id) {
                if item.day == today { agenda.dueToday.append(item) } else { agenda.overdue.append(item) }
            }
            // (In the order of the others: by grade, then name.)
            var position: [UInt64: Int] = [:]
            for (i, c) in ordered.enumerated() { position[c.id] = i }
            agenda.dueToday.sort { position[$0.customer.id] ?? 0 < position[$1.customer.id] ?? 0 }
        }
        agenda.overdue.sort { ($0.day, $0.customer.id) < ($1.day, $1.customer.id) }
        agenda.upcoming.sort { ($0.day, $0.customer.id) < ($1.day, $1.customer.id) }
        agenda.silent.sort { ($0.grade, $0.lastContact ?? .min, $0.customer.id) < ($1.grade, $1.lastContact ?? .min, $1.customer.id) }

        state.each(.project) { p in
            let stage = p["stage"]?.text.flatMap(SalesStage.init(rawValue:)) ?? .infoDevelopment
            guard !stage.isClosed else { return }
            for (key, isBid) in [("expectedBid", true), ("expectedSign", false)] {
                guard let d = p[key]?.day, d >= today, Int(d - today) <= intervals.horizon else { continue }
                agenda.expected.append(Agenda.Expected(project: p, customer: p["customer"]?.ref.flatMap { state.entity(.customer, $0) }, isBid: isBid, day: d))
            }
        }
        agenda.expected.sort { ($0.day, $0.project.id) < ($1.day, $1.project.id) }
        state.each(.complaint) { t in
            if t["status"]?.text == ComplaintStatus.resolved.rawValue { agenda.surveys.append(t) }
            if ComplaintStatus.isOpen(t["status"]?.text), t["managerNotifiedAt"] == nil || t["directorNotifiedAt"] == nil { agenda.unrouted.append(t) }
            if t["status"]?.text == ComplaintStatus.surveyed.rawValue, t["satisfaction"]?.text == Satisfaction.dissatisfied.rawValue { agenda.dissatisfied.append(t) }
        }
        agenda.surveys.sort { $0.id < $1.id }
        agenda.dissatisfied.sort { $0.id < $1.id }
        agenda.unrouted.sort { ($0["receivedAt"]?.int ?? 0, $0.id) < ($1["receivedAt"]?.int ?? 0, $1.id) }
        return agenda
    }
}
