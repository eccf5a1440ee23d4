import Department
import Foundation
import SalesArchive

/// Builds a weekly report from an archive's history (REPORTS.md §1): the week is an ISO week of
/// the department's calendar; what happened in it is read from the change batches saved in it
/// (never from `updatedAt`, which cannot say which field changed); values are shown as they were
/// at the week's end, later changes reverted from their recorded old values.
public enum WeeklyReportBuilder {
    public struct Options: Sendable {
        public var week: ISOWeek
        public var calendar: DepartmentCalendar
        public var now: Int64
        public var includeSecret = false
        public var zh = true
        /// Names (and roles) the report is addressed to, for its header.
        public var recipients: [String] = []
        /// A customers not contacted for more than this many days are listed; B after `staleB`
        /// (ContactIntervals.standard, shared with the agenda).
        public var staleA = ContactIntervals.standard.a
        public var staleB = ContactIntervals.standard.b
        /// Bids and signings expected within this many days are listed.
        public var horizon = ContactIntervals.standard.horizon
        /// At most this many items of each kind in the attention list, then how many more.
        public var attentionLimit = 100

        public init(week: ISOWeek, calendar: DepartmentCalendar, now: Int64) {
            self.week = week
            self.calendar = calendar
            self.now = now
        }
    }

    /// The archive's values at an earlier moment: current values with later changes undone.
    /// Record ids are unique across kinds (RECORDS.md §3), so one key suffices.
    struct Overlay {
        var fields: [UInt64: [UInt8: FieldValue?]] = [:]
        var exists: [UInt64: Bool] = [:]

        mutating func revert(_ e: ChangeEvent) {
            switch e.operation {
            case .create: exists[e.id] = false
            case .remove: exists[e.id] = true
            case .restore: exists[e.id] = false
            case .update:
                for c in e.changes where !Schema.isNote(c.field) { fields[e.id, default: [:]][c.field] = .some(c.old) }
            }
        }

        func value(_ e: Entity, _ field: UInt8) -> FieldValue? {
            if let f = fields[e.id], let v = f[field] { return v }
            return e[number: field]
        }

        func value(_ e: Entity, _ key: String) -> FieldValue? {
            guard let spec = Schema.field(e.kind, key: key) else { return nil }
            return value(e, spec.number)
        }

        func exists(_ e: Entity) -> Bool { exists[e.id] ?? !e.removed }
    }

    public static func build(_ archive: CustomerArchive, options o: Options) throws -> WeeklyReport {
        // A week that ended before the archive was made has nothing in it (a report counts what
        // was entered that week, imported history included): refused, as a submission of it is,
        // naming the archive's first week (`report weekly` built it empty and recorded an export).
        let madeAt = archive.vault.header.createdAt
        guard madeAt < o.calendar.start(of: o.week.monday + 7) else {
            let first = o.calendar.week(of: madeAt), made = String(o.calendar.localTime(madeAt).prefix(10))
            throw InterchangeError(.report, "the archive did not exist in \(o.week) (it was created on \(made)): there is nothing to report for that week",
                                   zh: "\(ReportText.weekZH(o.week.description))时本档案尚未创建（创建于 \(made)），那一周没有可汇报的内容",
                                   hint: "its first week is \(first) (--week \(first)); leave --week out for this week",
                                   hintZH: "档案的第一周是 \(ReportText.weekZH(first.description))（--week \(first)）；不加 --week 则生成本周周报")
        }
        try archive.loadContactLog()
        let state = archive.state
        let week = o.calendar.bounds(of: o.week)
        let lastStart = o.calendar.start(of: o.week.monday - 7)
        let batches = try archive.batches(since: lastStart)

        var atEnd = Overlay()
        for (_, b) in batches.reversed() where b.at >= week.upperBound { for e in b.events.reversed() { atEnd.revert(e) } }
        var atStart = atEnd
        for (_, b) in batches.reversed() where b.at >= week.lowerBound && b.at < week.upperBound {
            for e in b.events.reversed() { atStart.revert(e) }
        }
        var atLastStart = atStart
        for (_, b) in batches.reversed() where b.at >= lastStart && b.at < week.lowerBound {
            for e in b.events.reversed() { atLastStart.revert(e) }
        }
        // A batch undone within the same week, and its undo, count for nothing: what was made and
        // taken back that week happened for nobody (helper-109 M2: an import undone the same
        // week still counted its complaints resolved, and each grade change twice, up and down).
        // The change list keeps them (what was done and undone, and by whom).
        let cancelledThis = Self.cancelled(batches, in: week), cancelledLast = Self.cancelled(batches, in: lastStart..<week.lowerBound)
        let weekBatches = batches.filter { week.contains($0.batch.at) }
        let thisBatches = weekBatches.filter { !cancelledThis.contains($0.batch.batch ?? $0.index) }.map(\.batch)
        let lastBatches = batches.filter { $0.batch.at >= lastStart && $0.batch.at < week.lowerBound && !cancelledLast.contains($0.batch.batch ?? $0.index) }
            .map(\.batch)

        // Names as at the week's end too (a customer renamed the Monday after keeps this week's name).
        func name(_ id: UInt64?) -> String {
            guard let id else { return "" }
            for kind in [EntityKind.customer, .contact, .project] {
                if let e = state.entities(kind, id) { return atEnd.value(e, "name")?.text ?? e.displayName }
            }
            return "#\(id)"
        }
        func shortID(_ kind: EntityKind, _ id: UInt64) -> String { kind.idPrefix + String(id) }

        // The reference day for "overdue" and "within 30 days": the report's day, at most the
        // week's last day.
        let endDay = o.week.monday + 6
        let refDay = Int32(clamping: min(o.calendar.day(of: o.now), endDay))
        let endInstant = min(o.now, week.upperBound)

        var report = WeeklyReport(
            owner: archive.vault.header.owner, archiveID: archive.vault.prefix.archiveIDHex, week: o.week.description,
            periodStart: week.lowerBound, periodEnd: week.upperBound, timeZone: o.calendar.timeZone.identifier, generatedAt: o.now,
            recipients: o.recipients,
            thisWeek: counts(thisBatches, overlay: atEnd, state: state),
            lastWeek: counts(lastBatches, overlay: atStart, state: state),
            gradeChanges: [], newCustomers: [], activities: [], stageMoves: [], attention: [], complaints: [], nextWeek: [], customers: [])

        // Grade changes, with their result and problems (in the change, or noted afterwards). A
        // note names the batch of the change it completes (as the report's prompt writes it);
        // one that names none (`customer grade C12 --result …`) completes the customer's latest
        // grade change before it. (Every note used to complete every earlier change of the
        // customer: answers typed for one change showed on another, black-box finding.)
        let gradeField = Schema.field(.customer, key: "grade")!.number
        // Keyed by the change's batch and customer: one batch (an import) changes the grades
        // of many customers (black-box finding: one customer's result showed on every change of
        // its batch). A note that names a batch without a grade change of its customer made
        // before the note completes nothing.
        struct ChangeKey: Hashable { let batch: UInt64, customer: UInt64 }
        var latestChange: [UInt64: UInt64] = [:]  // customer → batch of its latest grade change so far
        var changed = Set<ChangeKey>()  // the grade changes met so far
        var notesFor: [ChangeKey: [(result: String?, problem: String?)]] = [:]  // a change → its notes, in order
        for (index, b) in batches {
            let batch = b.batch ?? index
            for e in b.events where e.kind == .customer && e.operation == .update {
                if e.changes.contains(where: { $0.field == gradeField }) {
                    latestChange[e.id] = batch
                    changed.insert(ChangeKey(batch: batch, customer: e.id))
                    continue
                }
                // Only updates that carry notes and no field change.
                guard e.changes.allSatisfy({ Schema.isNote($0.field) }) else { continue }
                let r = e.changes.first { $0.field == Schema.resultField }?.new?.text
                let p = e.changes.first { $0.field == Schema.problemField }?.new?.text
                guard r != nil || p != nil else { continue }
                let key: ChangeKey
                if let named = e.changes.first(where: { $0.field == Schema.gradeChangeField })?.new {
                    guard let n = named.int, n >= 0, changed.contains(ChangeKey(batch: UInt64(n), customer: e.id)) else { continue }
                    key = ChangeKey(batch: UInt64(n), customer: e.id)
                } else {
                    guard let latest = latestChange[e.id] else { continue }
                    key = ChangeKey(batch: latest, customer: e.id)
                }
                notesFor[key, default: []].append((r, p))
            }
        }
        for (index, b) in batches where week.contains(b.at) && !cancelledThis.contains(b.batch ?? index) {
            let id = b.batch ?? index
            for e in b.events where e.kind == .customer && e.operation == .update {
                guard let c = e.changes.first(where: { $0.field == gradeField }) else { continue }
                let from = c.old?.text ?? Grade.unrated.rawValue
                let to = c.new?.text ?? Grade.unrated.rawValue
                var result = e.changes.first { $0.field == Schema.resultField }?.new?.text
                var problem = e.changes.first { $0.field == Schema.problemField }?.new?.text
                // The change's own result and problems; what it lacks, from the latest notes given for it.
                for n in notesFor[ChangeKey(batch: id, customer: e.id)] ?? [] {
                    if (e.changes.first { $0.field == Schema.resultField }) == nil, let r = n.result { result = r }
                    if (e.changes.first { $0.field == Schema.problemField }) == nil, let p = n.problem { problem = p }
                }
                let rank = { (g: String) in Grade(rawValue: g)?.rank ?? 4 }
                report.gradeChanges.append(WeeklyReport.GradeChange(
                    customer: name(e.id), customerID: shortID(.customer, e.id), from: from, to: to, at: b.at,
                    reason: e.changes.first { $0.field == Schema.reasonField }?.new?.text ?? "", result: result, problem: problem,
                    expectedDay: nil, up: rank(to) < rank(from), batch: id))
            }
        }

        // Projects by customer, their nearest expected date, and first activity per customer.
        var firstActivity: [UInt64: Int64] = [:]
        // The last entry of a customer: the latest time, and of entries at the same time the
        // one logged last (the highest id), so that every run gives the same one.
        var lastActivity: [UInt64: (at: Int64, id: UInt64, nextStep: String?, summary: String?)] = [:]
        // The latest entry with a next date: its next step goes with the follow-up it set (as
        // the agenda shows it), not an empty one of a later entry without a date (helper-110).
        var lastDated: [UInt64: (at: Int64, id: UInt64, day: Int32, nextStep: String?)] = [:]
        state.eachIncludingRemoved(.activity) { a in
            guard atEnd.exists(a), let c = atEnd.value(a, "customer")?.ref else { return }
            let at = atEnd.value(a, "at")?.int ?? a.createdAt
            guard at < week.upperBound else { return }
            if at < firstActivity[c] ?? .max { firstActivity[c] = at }
            if let day = atEnd.value(a, "nextDate")?.day, lastDated[c].map({ ($0.at, $0.id) < (at, a.id) }) ?? true {
                lastDated[c] = (at, a.id, day, atEnd.value(a, "nextStep")?.text)
            }
            if lastActivity[c].map({ ($0.at, $0.id) < (at, a.id) }) ?? true {
                lastActivity[c] = (at, a.id, atEnd.value(a, "nextStep")?.text, atEnd.value(a, "summary")?.text)
            }
        }
        var nearest: [UInt64: Int32] = [:]
        state.eachIncludingRemoved(.project) { p in
            guard atEnd.exists(p), let c = atEnd.value(p, "customer")?.ref else { return }
            let stage = atEnd.value(p, "stage")?.text.flatMap(SalesStage.init(rawValue:)) ?? .infoDevelopment
            guard !stage.isClosed else { return }
            for key in ["expectedBid", "expectedSign"] {
                guard let d = atEnd.value(p, key)?.day else { continue }
                if d >= refDay && d < nearest[c] ?? .max { nearest[c] = d }
                if d >= refDay && Int(d - refDay) <= o.horizon {
                    report.attention.append(WeeklyReport.Attention(kind: "upcoming", customer: name(c),
                                                                   subject: "\(name(p.id)) · \(key == "expectedBid" ? "bid" : "sign")", day: d, days: Int(d - refDay)))
                } else if d < refDay && key == "expectedSign" {
                    report.attention.append(WeeklyReport.Attention(kind: "pastExpected", customer: name(c), subject: name(p.id), day: d,
                                                                   days: Int(refDay - d)))
                }
            }
        }
        for i in report.gradeChanges.indices {
            if let id = UInt64(report.gradeChanges[i].customerID.dropFirst()) { report.gradeChanges[i].expectedDay = nearest[id] }
        }

        // New customers, the week's contact log, stage moves and complaints, from the events.
        var created: Set<UInt64> = []
        var stageEvents: [UInt64: [StageEvent]] = [:]
        var projectTouched: [UInt64] = []
        var complaintTouched: Set<UInt64> = []
        var lateComplaintSteps: [UInt64: [String: Int64]] = [:]
        var complaintStepKeys: [UInt8: String] = [:]
        for key in ["managerNotifiedAt", "directorNotifiedAt", "resolvedAt", "surveyedAt", "withdrawnAt"] {
            if let f = Schema.field(.complaint, key: key) { complaintStepKeys[f.number] = key }
        }
        let stageField = Schema.field(.project, key: "stage")!.number
        let stageSinceField = Schema.field(.project, key: "stageSince")!.number
        let budgetField = Schema.field(.project, key: "budget")!.number
        let amountField = Schema.field(.project, key: "amount")!.number
        let expectedSignField = Schema.field(.project, key: "expectedSign")!.number
        let expectedBidField = Schema.field(.project, key: "expectedBid")!.number
        // A project created this week: its value and expected date as it was created, the
        // "before" of its row (they were shown as "- → 300万元", a change that never happened,
        // for a project won or lost the week it was added: helper-110).
        var createdWith: [UInt64: (money: WeeklyReport.MoneyValue?, expected: Int32?)] = [:]
        for b in thisBatches {
            for e in b.events {
                if e.operation == .create { created.insert(e.id) }
                switch (e.kind, e.operation) {
                case (.customer, .create):
                    guard let c = state.entities(.customer, e.id), atEnd.exists(c) else { continue }
                    report.newCustomers.append(WeeklyReport.NewCustomer(
                        customer: name(c.id), customerID: c.shortID, source: atEnd.value(c, "source")?.text,
                        grade: atEnd.value(c, "grade")?.text ?? Grade.unrated.rawValue, by: b.actor, firstActivity: firstActivity[c.id]))
                case (.activity, .create):
                    guard let a = state.entities(.activity, e.id), atEnd.exists(a) else { continue }
                    report.activities.append(WeeklyReport.Activity(
                        at: atEnd.value(a, "at")?.int ?? b.at, customer: name(atEnd.value(a, "customer")?.ref),
                        contacts: (atEnd.value(a, "contacts")?.refs ?? []).map { name($0) }.joined(separator: o.zh ? "、" : ", "),
                        type: atEnd.value(a, "type")?.text ?? "other", summary: atEnd.value(a, "summary")?.text ?? "",
                        nextStep: atEnd.value(a, "nextStep")?.text, nextDay: atEnd.value(a, "nextDate")?.day))
                case (.project, _):
                    if !projectTouched.contains(e.id) { projectTouched.append(e.id) }
                    if e.operation == .create {
                        let given = { (field: UInt8) in e.changes.first { $0.field == field }?.new }
                        createdWith[e.id] = ((given(amountField)?.money ?? given(budgetField)?.money).map { .init(minorUnits: $0.minorUnits, currency: $0.currency) },
                                             given(expectedSignField)?.day ?? given(expectedBidField)?.day)
                    }
                    if e.operation == .update, let c = e.changes.first(where: { $0.field == stageField }) {
                        // (When it entered the stage: a move typed in later with --at is of its day.
                        // An undo's move back is of the undo's time: its stageSince is the earlier
                        // entry it puts back, helper-181 M1.)
                        let entered = b.undoes != nil ? b.at : e.changes.first { $0.field == stageSinceField }?.new?.int ?? b.at
                        stageEvents[e.id, default: []].append((min(entered, b.at), c.old?.text ?? "", c.new?.text ?? "",
                                                               e.changes.first { $0.field == Schema.reasonField }?.new?.text, b.origin == .importFile))
                    }
                case (.complaint, _):
                    complaintTouched.insert(e.id)
                    // A step recorded this week for a day before it (补录), of a complaint not
                    // new this week (a new one's 补录 is said by its number).
                    if e.operation == .update {
                        for change in e.changes {
                            guard let key = complaintStepKeys[change.field], let at = change.new?.int, at < week.lowerBound else { continue }
                            lateComplaintSteps[e.id, default: [:]][key] = at
                        }
                    }
                default: break
                }
            }
        }
        report.activities.sort { $0.at < $1.at }

        // Entries of earlier weeks corrected or deleted this week: their week's report shows them
        // as they stood at its end, so the correction is said in this one (helper-194: a
        // duplicate deleted on Monday stayed in last week's figures and was said nowhere).
        let atField = Schema.field(.activity, key: "at")!.number
        var corrections: [WeeklyReport.LogCorrection] = []
        // (The customer as named at the week's start, as the entry is shown.)
        func nameAtStart(_ id: UInt64?) -> String {
            guard let id, let c = state.entities(.customer, id) else { return name(id) }
            return atStart.value(c, "name")?.text ?? c.displayName
        }
        for b in thisBatches {
            // Customers this batch removes, with its reason: their entries go with them (said so,
            // not as bare deletions: helper-197).
            var customersRemoved: [UInt64: String] = [:], customersRestored = Set<UInt64>()
            for e in b.events where e.kind == .customer && e.operation == .remove {
                customersRemoved[e.id] = e.changes.first { $0.field == Schema.reasonField }?.new?.text ?? ""
            }
            // (And back with them: an undo of the customer's removal, said as one item: helper-199.)
            for e in b.events where e.kind == .customer && e.operation == .restore { customersRestored.insert(e.id) }
            for e in b.events where e.kind == .activity && e.operation != .create {
                guard let a = state.entities(.activity, e.id), a.createdAt < week.lowerBound else { continue }
                let fields = e.changes.filter { !Schema.isNote($0.field) }
                guard e.operation != .update || !fields.isEmpty else { continue }
                let customer = atStart.value(a, "customer")?.ref
                let withCustomer = (e.operation == .remove && customer.map { customersRemoved[$0] != nil } == true)
                    || (e.operation == .restore && customer.map { customersRestored.contains($0) } == true)
                var reason = e.changes.first { $0.field == Schema.reasonField }?.new?.text
                if reason == nil, withCustomer, let why = customer.flatMap({ customersRemoved[$0] }), !why.isEmpty { reason = why }
                var c = WeeklyReport.LogCorrection(
                    id: a.shortID, at: atStart.value(a, atField)?.int ?? a.createdAt, customer: nameAtStart(customer),
                    type: atStart.value(a, "type")?.text ?? "other", summary: atStart.value(a, "summary")?.text ?? "",
                    removed: e.operation == .remove, movedTo: e.operation == .update ? e.changes.first { $0.field == atField }?.new?.int : nil,
                    fields: e.operation == .update ? fields.filter { $0.field != atField }.compactMap { Schema.field(.activity, number: $0.field)?.key } : [],
                    reason: reason, correctedAt: b.at)
                if e.operation == .restore { c.restored = true }  // (an undo of its removal: it was said nowhere, helper-197)
                c.undoOf = b.undoes
                if withCustomer { c.withCustomer = true }
                corrections.append(c)
            }
        }
        if !corrections.isEmpty { report.logCorrections = corrections }

        func money(_ p: Entity, _ overlay: Overlay) -> WeeklyReport.MoneyValue? {
            (overlay.value(p, amountField)?.money ?? overlay.value(p, budgetField)?.money).map { .init(minorUnits: $0.minorUnits, currency: $0.currency) }
        }
        func expected(_ p: Entity, _ overlay: Overlay) -> Int32? { overlay.value(p, "expectedSign")?.day ?? overlay.value(p, "expectedBid")?.day }
        for id in projectTouched {
            guard let p = state.entities(.project, id), atEnd.exists(p) else { continue }
            let moves = stageEvents[id] ?? []
            let isNew = created.contains(id)
            let from = isNew ? "" : (atStart.value(p, stageField)?.text ?? SalesStage.infoDevelopment.rawValue)
            let to = atEnd.value(p, stageField)?.text ?? SalesStage.infoDevelopment.rawValue
            let before = isNew ? createdWith[id]?.money : money(p, atStart)
            let after = money(p, atEnd)
            let expBefore = isNew ? createdWith[id]?.expected : expected(p, atStart)
            let expAfter = expected(p, atEnd)
            guard isNew || !moves.isEmpty || before != after || expBefore != expAfter else { continue }
            let order = { (s: String) in SalesStage(rawValue: s)?.order ?? 0 }
            let bucket: String
            if to == SalesStage.won.rawValue && from != to { bucket = "won" }
            else if (to == SalesStage.lost.rawValue || to == SalesStage.abandoned.rawValue) && from != to { bucket = "lost" }
            else if isNew { bucket = "new" }
            else if (SalesStage(rawValue: from)?.isClosed ?? false) && !(SalesStage(rawValue: to)?.isClosed ?? false) { bucket = "advanced" }  // reopened
            else if order(to) > order(from) { bucket = "advanced" }
            else if order(to) < order(from) { bucket = "regressed" }
            else if let b = expBefore, let a = expAfter, a > b { bucket = "slipped" }
            else { bucket = "changed" }
            let since = atEnd.value(p, "stageSince")?.int
            report.stageMoves.append(WeeklyReport.StageMove(
                project: name(p.id), projectID: p.shortID, customer: name(atEnd.value(p, "customer")?.ref), from: from, to: to, bucket: bucket,
                valueBefore: before, valueAfter: after, expectedBefore: expBefore, expectedAfter: expAfter,
                daysInStage: since.map { Int(max(0, endInstant - $0) / 86_400) }, reason: Self.stageReasons(moves, zh: o.zh, calendar: o.calendar, periodStart: week.lowerBound)))
        }

        // Complaints: new this week, touched this week, or still open.
        state.eachIncludingRemoved(.complaint) { t in
            guard atEnd.exists(t) else { return }
            let status = atEnd.value(t, "status")?.text ?? "received"
            let open = ComplaintStatus.isOpen(status)
            // One still open and not passed to both managers (regulation 6.4) is a warning (one
            // never routed showed in neither the agenda nor the warnings: helper-179).
            // One surveyed with the customer not satisfied waits to be handled again (helper-180).
            if status == ComplaintStatus.surveyed.rawValue, atEnd.value(t, "satisfaction")?.text == Satisfaction.dissatisfied.rawValue {
                let surveyed = atEnd.value(t, "surveyedAt")?.int
                report.attention.append(WeeklyReport.Attention(
                    kind: "dissatisfiedComplaint", customer: name(atEnd.value(t, "customer")?.ref), subject: atEnd.value(t, "number")?.text ?? t.shortID,
                    day: surveyed.map { Int32(clamping: o.calendar.day(of: $0)) }, days: surveyed.map { Int(max(0, endInstant - $0) / 86_400) }))
            }
            if open, atEnd.value(t, "managerNotifiedAt") == nil || atEnd.value(t, "directorNotifiedAt") == nil {
                let received = atEnd.value(t, "receivedAt")?.int
                let missing = [atEnd.value(t, "managerNotifiedAt") == nil ? "manager" : nil, atEnd.value(t, "directorNotifiedAt") == nil ? "director" : nil].compactMap { $0 }
                report.attention.append(WeeklyReport.Attention(
                    kind: "unroutedComplaint", customer: name(atEnd.value(t, "customer")?.ref),
                    subject: (atEnd.value(t, "number")?.text ?? t.shortID) + " · " + missing.joined(separator: ","),
                    day: received.map { Int32(clamping: o.calendar.day(of: $0)) },
                    days: received.map { Int(max(0, endInstant - $0) / 86_400) }))
            }
            guard open || complaintTouched.contains(t.id) else { return }
            report.complaints.append(WeeklyReport.Complaint(
                number: atEnd.value(t, "number")?.text ?? t.shortID, customer: name(atEnd.value(t, "customer")?.ref), status: status,
                receivedAt: atEnd.value(t, "receivedAt")?.int, managerNotifiedAt: atEnd.value(t, "managerNotifiedAt")?.int,
                directorNotifiedAt: atEnd.value(t, "directorNotifiedAt")?.int, coordinator: atEnd.value(t, "coordinator")?.text,
                satisfaction: atEnd.value(t, "satisfaction")?.text, newThisWeek: created.contains(t.id),
                enteredLate: {
                    // One recorded this week for a day before it: each of its steps before the
                    // week, its receipt too (helper-183: only the number said 补录, not when).
                    if created.contains(t.id) {
                        var late: [String: Int64] = [:]
                        for key in ["receivedAt"] + complaintStepKeys.values {
                            if let at = atEnd.value(t, key)?.int, at < week.lowerBound { late[key] = at }
                        }
                        return late.isEmpty ? nil : late
                    }
                    // (Only the steps it still has at the week's end: an undone one is no step.)
                    let kept = lateComplaintSteps[t.id]?.filter { atEnd.value(t, $0.key)?.int == $0.value } ?? [:]
                    return kept.isEmpty ? nil : kept
                }()))
        }
        report.complaints.sort { ($0.receivedAt ?? 0, $0.number) < ($1.receivedAt ?? 0, $1.number) }

        // Attention (A/B not contacted, overdue follow-ups) and next week's plan; customer keys.
        let nextMonday = Int32(clamping: o.week.monday + 7)
        let intervals = ContactIntervals(a: o.staleA, b: o.staleB, horizon: o.horizon)
        var setAfterContact: [(WeeklyReport.Attention, PendingFollowUp)] = []
        state.eachIncludingRemoved(.customer) { c in
            guard atEnd.exists(c) else { return }
            let grade = atEnd.value(c, gradeField)?.text ?? Grade.unrated.rawValue
            report.customers.append(WeeklyReport.CustomerKey(id: c.shortID, name: name(c.id), creditCode: atEnd.value(c, "creditCode")?.text, grade: grade))
            let last = atEnd.value(c, "lastContactAt")?.int
            // The rules the agenda shares (SalesArchive's ContactIntervals).
            if intervals.isPast(grade: grade, last: last, since: c.createdAt, asOf: endInstant, day: o.calendar.day(of:)) {
                report.attention.append(WeeklyReport.Attention(kind: "stale", customer: name(c.id), subject: grade, day: last.map { Int32(clamping: o.calendar.day(of: $0)) },
                                                               days: ContactIntervals.silentDays(last: last, asOf: endInstant, day: o.calendar.day(of:))))
            }
            if let next = atEnd.value(c, "nextFollowUp")?.day {
                // The next step given with this follow-up's date (by the latest entry with a next
                // date, when that is this day), else the latest entry's.
                let step = lastDated[c.id].flatMap { $0.day == next ? $0.nextStep ?? "" : nil } ?? lastActivity[c.id]?.nextStep
                let nextStep = step?.isEmpty == false ? step : nil
                if next < refDay {
                    // The agenda's rule (ContactIntervals.followUp): a contact on the follow-up's
                    // day does it only when it came after the follow-up was set (the report said
                    // done where the agenda said overdue).
                    let overdue = WeeklyReport.Attention(kind: "overdueFollowUp", customer: name(c.id), subject: nextStep ?? "", day: next, days: Int(refDay - next))
                    let setter = lastDated[c.id].flatMap { $0.day == next ? $0 : nil }
                    let setByLatest = setter.map { s in lastActivity[c.id]?.id == s.id } ?? false
                    switch ContactIntervals.followUp(next: next, lastContactDay: last.map { Int32(clamping: o.calendar.day(of: $0)) }, setByLatestContact: setByLatest) {
                    case .open:
                        report.attention.append(overdue)
                    case .askWhenSet:
                        setAfterContact.append((overdue, PendingFollowUp(customer: c.id, day: next, contactID: lastActivity[c.id]?.id, contactAt: lastActivity[c.id]?.at ?? .min,
                                                                         setter: setter.map { ($0.id, $0.at) })))
                    case .done:
                        break
                    }
                }
                if next >= nextMonday && next < nextMonday + 7 {
                    let summary = lastActivity[c.id]?.summary
                    let what = nextStep ?? summary.map { o.zh ? "继续跟进（上次：\($0)）" : "follow up (last: \($0))" } ?? (o.zh ? "继续跟进" : "follow up")
                    report.nextWeek.append(WeeklyReport.Plan(day: next, customer: name(c.id), what: what))
                }
            }
        }
        if !setAfterContact.isEmpty {
            let open = archive.followUpsSetAfterContact(setAfterContact.map(\.1), until: week.upperBound, day: o.calendar.day(of:))
            report.attention += setAfterContact.filter { open.contains($0.1.customer) }.map(\.0)
        }
        // In id order (C2 before C10), by the number, not the text.
        report.customers = report.customers.map { (UInt64($0.id.dropFirst()) ?? 0, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        // Most urgent first within each kind (the longest silent, the most overdue, the soonest),
        // at most `attentionLimit` of a kind and a line saying how many more (a report lists
        // what a manager can act on, not an archive's worth of rows).
        let attentionOrder = ["unroutedComplaint": -2, "dissatisfiedComplaint": -1, "stale": 0, "overdueFollowUp": 1, "pastExpected": 2, "upcoming": 3]
        var grouped: [String: [WeeklyReport.Attention]] = Dictionary(grouping: report.attention, by: \.kind)
        report.attention = []
        for kind in attentionOrder.sorted(by: { $0.value < $1.value }).map(\.key) {
            guard var items = grouped.removeValue(forKey: kind) else { continue }
            if kind == "upcoming" {
                items.sort { ($0.days ?? 0, $0.customer) < ($1.days ?? 0, $1.customer) }
            } else {
                items.sort { ($0.days ?? .max, $1.customer) > ($1.days ?? .max, $0.customer) }
            }
            report.attention += items.prefix(o.attentionLimit)
            if items.count > o.attentionLimit {
                report.attention.append(WeeklyReport.Attention(kind: "more", customer: "", subject: kind, day: nil, days: items.count - o.attentionLimit))
            }
        }
        report.nextWeek.sort { ($0.day, $0.customer) < ($1.day, $1.customer) }

        report.appendix = appendix(state: state, overlayEnd: atEnd, overlayStart: atStart, created: created, batches: thisBatches, options: o)
        report.changes = changeList(weekBatches.map(\.batch), state: state, created: created, options: o)
        return report
    }

    /// The reasons of a project's stage moves of the week: the one move's, or, when it moved
    /// more than once and some move had a reason, each move with its reason (3 招投标 → 2 项目立项：
    /// 招标文件延期；2 项目立项 → 3 招投标). Only the last move's reason was shown, so a move back
    /// and its reason were lost when the project went forward again (helper-127).
    /// `periodStart`: a move of a day before it, typed in this week (`project stage --at`), is
    /// said to be entered late, with its day, as a log entry's 补录 is.
    /// A stage move of the period: when it happened, the stages, its reason, and whether an
    /// import made it (a handed-over project's history, made again: not entered late by the
    /// importer, as it was said: helper-209 6).
    typealias StageEvent = (at: Int64, from: String, to: String, reason: String?, imported: Bool)

    static func stageReasons(_ moves: [StageEvent], zh: Bool, calendar: DepartmentCalendar, periodStart: Int64 = .min) -> String? {
        let late = moves.last { $0.at < periodStart }.map { m in
            let day = calendar.dateString(of: m.at).dropFirst(5)
            return m.imported
                ? (zh ? "据导入文件：于 \(day) 进入“\(ReportText.stage(m.to, zh: true))”" : "from an imported file: it moved to \(ReportText.stage(m.to, zh: false)) on \(day)")
                : (zh ? "补录：实际于 \(day) 进入“\(ReportText.stage(m.to, zh: true))”" : "entered late: it moved to \(ReportText.stage(m.to, zh: false)) on \(day)")
        }
        func withLate(_ text: String?) -> String? {
            guard let late else { return text }
            guard let text, !text.isEmpty else { return late }
            return text + (zh ? "（\(late)）" : " (\(late))")
        }
        guard moves.count > 1 else { return withLate(moves.last?.reason) }
        guard moves.contains(where: { !($0.reason ?? "").isEmpty }) else { return withLate(nil) }
        return moves.map { m in
            // (Each move's day, MM-DD: helper-128; each late one marked: only the last was, helper-180.)
            String(calendar.dateString(of: m.at).dropFirst(5)) + (m.at < periodStart ? (m.imported ? (zh ? "（据导入文件）" : " (imported)") : (zh ? "（补录）" : " (entered late)")) : "") + " "
                + "\(ReportText.stage(m.from, zh: zh)) → \(ReportText.stage(m.to, zh: zh))" + ((m.reason ?? "").isEmpty ? "" : (zh ? "：" : ": ") + m.reason!)
        }.joined(separator: zh ? "；" : "; ")
    }

    /// The ids of the batches of `period` that an undo in the same period took back, with those
    /// undos. (An undo of an undo stands: it brought the first batch's changes back.)
    static func cancelled(_ batches: [(index: UInt64, batch: ChangeBatch)], in period: Range<Int64>) -> Set<UInt64> {
        var seen = Set<UInt64>(), cancelled = Set<UInt64>()
        var partner: [UInt64: UInt64] = [:]  // each cancelled batch → the one it cancels with
        for (index, b) in batches where period.contains(b.at) {
            let id = b.batch ?? index
            guard seen.insert(id).inserted, let undone = b.undoes, seen.contains(undone) else { continue }
            if let first = partner[undone] {
                // An undo of an undo: the first batch stands again (helper-111: an entry added,
                // undone and brought back counted for nothing), and the two undos cancel.
                cancelled.remove(first)
                partner[first] = nil
            }
            cancelled.formUnion([undone, id])
            partner[undone] = id
            partner[id] = undone
        }
        return cancelled
    }

    /// The counts of a period's batches; `overlay` gives the values at the period's end. A
    /// record counts as new only when it still exists at the period's end, as in the lists: one
    /// imported, undone and imported again, or added and removed, was counted each time
    /// (black-box finding: 5 new customers against 2 listed).
    static func counts(_ batches: [ChangeBatch], overlay: WeeklyReportBuilder.Overlay, state: ArchiveState) -> WeeklyReport.Counts {
        var n = WeeklyReport.Counts()
        func alive(_ e: ChangeEvent) -> Bool { state.entities(e.kind, e.id).map(overlay.exists) ?? false }
        var touched: Set<UInt64> = []
        var moves: [UInt64: (from: SalesStage, to: SalesStage)] = [:]
        var order: [UInt64] = []
        let gradeField = Schema.field(.customer, key: "grade")!.number
        let stageField = Schema.field(.project, key: "stage")!.number
        let statusField = Schema.field(.complaint, key: "status")!.number
        let typeField = Schema.field(.activity, key: "type")!.number
        let customerRef = Schema.field(.activity, key: "customer")!.number
        // A project's stage as the batch that created it left it: an import that creates a
        // project at 3 招投标 sets the stage after creating it, and that was counted as a move
        // forward (helper-127); a new project is counted as new, its later moves from there.
        var createdAt: [UInt64: SalesStage] = [:]
        for b in batches {
            var createdHere: Set<UInt64> = []
            for e in b.events {
                if e.operation == .create && !alive(e) { continue }
                switch (e.kind, e.operation) {
                case (.customer, .create): n.newCustomers += 1
                case (.contact, .create): n.newContacts += 1
                case (.project, .create):
                    n.newProjects += 1
                    createdHere.insert(e.id)
                    createdAt[e.id] = e.changes.last { $0.field == stageField }?.new?.text.flatMap(SalesStage.init(rawValue:)) ?? .infoDevelopment
                case (.complaint, .create): n.complaintsOpened += 1
                case (.activity, .create):
                    n.activities += 1
                    let type = e.changes.last { $0.field == typeField }?.new?.text ?? "other"
                    n.activitiesByType[type, default: 0] += 1
                    if let c = e.changes.last(where: { $0.field == customerRef })?.new?.ref { touched.insert(c) }
                case (.customer, .update):
                    if let c = e.changes.first(where: { $0.field == gradeField }) {
                        let from = Grade(rawValue: c.old?.text ?? "")?.rank ?? 4
                        let to = Grade(rawValue: c.new?.text ?? "")?.rank ?? 4
                        if to < from { n.gradeUp += 1 } else if to > from { n.gradeDown += 1 }
                    }
                case (.project, .update):
                    // Per project, from its stage before its first move of the period to its last.
                    if let c = e.changes.first(where: { $0.field == stageField }) {
                        let to = SalesStage(rawValue: c.new?.text ?? "") ?? .infoDevelopment
                        if createdHere.contains(e.id) { createdAt[e.id] = to; break }
                        let from = createdAt[e.id] ?? SalesStage(rawValue: c.old?.text ?? "") ?? .infoDevelopment
                        if moves[e.id] == nil { order.append(e.id) }
                        moves[e.id] = (moves[e.id]?.from ?? from, to)
                    }
                case (.complaint, .update):
                    if let c = e.changes.first(where: { $0.field == statusField }), c.new?.text == "resolved" { n.complaintsClosed += 1 }
                default: break
                }
            }
        }
        for id in order {
            guard let (from, to) = moves[id], from != to else { continue }
            if to == .won {
                n.won += 1
                if let p = state.entities(.project, id), let m = overlay.value(p, "amount")?.money ?? overlay.value(p, "budget")?.money {
                    n.wonAmount[m.currency, default: 0] |+= m.minorUnits
                }
            } else if to == .lost || to == .abandoned {
                n.lost += 1
            } else if to.order > from.order || (from.isClosed && !to.isClosed) {
                n.stageForward += 1
            } else if to.order < from.order {
                n.stageBack += 1
            }
        }
        n.customersTouched = touched.count
        state.eachIncludingRemoved(.customer) { c in
            guard overlay.exists(c) else { return }
            let g = overlay.value(c, gradeField)?.text
            if g == "A" || g == "B" {
                n.abOwned += 1
                if touched.contains(c.id) { n.abTouched += 1 }
            }
        }
        state.eachIncludingRemoved(.project) { p in
            guard overlay.exists(p) else { return }
            let stage = overlay.value(p, stageField)?.text.flatMap(SalesStage.init(rawValue:)) ?? .infoDevelopment
            guard !stage.isClosed else { return }
            var v = n.pipeline[stage.rawValue] ?? WeeklyReport.StageValue()
            v.projects += 1
            if let m = overlay.value(p, "amount")?.money ?? overlay.value(p, "budget")?.money { v.value[m.currency, default: 0] |+= m.minorUnits }
            n.pipeline[stage.rawValue] = v
        }
        return n
    }

    /// Customers, contacts and projects as at the week's end, with the week's marks.
    static func appendix(state: ArchiveState, overlayEnd: Overlay, overlayStart: Overlay, created: Set<UInt64>, batches: [ChangeBatch],
                         options o: Options) -> [AppendixTable] {
        var touched: [UInt64: Set<UInt8>] = [:]
        for b in batches {
            for e in b.events where e.operation == .update || e.operation == .restore {
                for c in e.changes where !Schema.isNote(c.field) { touched[e.id, default: []].insert(c.field) }
            }
        }
        return [EntityKind.customer, .contact, .project].map { kind in
            let specs = Schema.fields(kind).filter { o.includeSecret || $0.sensitivity != .secret }
            let headers = [o.zh ? "编号" : "ID"] + specs.map { Columns.header($0, zh: o.zh) }
            var entities: [Entity] = []
            state.eachIncludingRemoved(kind) { e in if overlayEnd.exists(e) { entities.append(e) } }
            entities.sort { $0.id < $1.id }
            // Each row reads only the state and the overlays: written on every core.
            let sorted = entities
            let touched = touched
            let rows = Parallel.chunks(sorted.count, chunk: 4_096) { range -> [AppendixTable.Row] in
                var rows: [AppendixTable.Row] = []
                rows.reserveCapacity(range.count)
                for e in sorted[range] {
                    let values = specs.map { Exporter.value($0, overlayEnd.value(e, $0.number), state: state, zh: o.zh) }
                    if created.contains(e.id) {
                        rows.append(AppendixTable.Row(id: e.shortID, values: values, mark: .new, changed: []))
                        continue
                    }
                    var changed: Set<Int> = []
                    if let fields = touched[e.id] {
                        for (i, spec) in specs.enumerated() where fields.contains(spec.number) {
                            if overlayStart.value(e, spec.number) != overlayEnd.value(e, spec.number) { changed.insert(i) }
                        }
                    }
                    rows.append(AppendixTable.Row(id: e.shortID, values: values, mark: changed.isEmpty ? .none : .changed, changed: changed))
                }
                return rows
            }
            return AppendixTable(kind: kind, headers: headers, rows: rows)
        }
    }

    /// Every field change of the week, oldest first (secret fields only when asked).
    static func changeList(_ batches: [ChangeBatch], state: ArchiveState, created: Set<UInt64>, options o: Options) -> [ChangeRow] {
        var out: [ChangeRow] = []
        for b in batches {
            for e in b.events where [.customer, .contact, .project, .activity, .complaint].contains(e.kind) {
                let record = state.entities(e.kind, e.id).map { "\($0.shortID) \($0.displayName)" } ?? e.kind.idPrefix + String(e.id)
                switch e.operation {
                case .create, .remove, .restore:
                    let what: String
                    switch e.operation {
                    case .create: what = o.zh ? "新增" : "added"
                    case .remove: what = o.zh ? "移除" : "removed"
                    default: what = o.zh ? "恢复" : "restored"
                    }
                    out.append(ChangeRow(at: b.at, actor: b.actor, record: record, kind: e.kind, field: what, old: "", new: "", operation: e.operation))
                case .update:
                    for c in e.changes where !Schema.isNote(c.field) {
                        guard let spec = Schema.field(e.kind, number: c.field), o.includeSecret || spec.sensitivity != .secret else { continue }
                        out.append(ChangeRow(at: b.at, actor: b.actor, record: record, kind: e.kind, field: Columns.header(spec, zh: o.zh),
                                             old: ReportText.value(Exporter.value(spec, c.old, state: state, zh: o.zh), o.calendar, zh: o.zh),
                                             new: ReportText.value(Exporter.value(spec, c.new, state: state, zh: o.zh), o.calendar, zh: o.zh),
                                             operation: .update))
                    }
                }
            }
        }
        return out
    }
}
