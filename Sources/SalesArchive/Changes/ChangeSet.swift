import Foundation
import VaultFormat

/// One operation of a change set: what a command or an import row asks for, in the user's words
/// (names, codes or labels, dates as typed). References to records may name a record created by
/// an earlier operation of the same set, by name or as `@n` (RECORDS.md §8).
public enum ChangeOperation: Sendable {
    case addCustomer(name: String, fields: [(String, String)])
    case edit(EntityKind, String, fields: [(String, String)])
    case setGrade(String, grade: String, reason: String, result: String = "", problem: String = "")
    /// The result of a customer's last grade change and the problems met, given afterwards.
    case noteGrade(String, result: String, problem: String, change: UInt64? = nil)
    /// A record removed from view (its history stays), with an optional reason; a customer with
    /// its contacts, projects, log entries and closed complaints (RECORDS.md §4).
    case remove(EntityKind, String, reason: String = "")
    /// A removed contact brought back, by id (`R3`), with an optional reason (an import of a
    /// file that has them live: INTERCHANGE.md §6).
    case restoreContact(String, reason: String = "", force: Bool = false)
    case addContact(customer: String, name: String, fields: [(String, String)])
    case logActivity(LogEntry)
    /// `since`: when it entered its first stage, if before now (an import of an export: its 进入阶段).
    case addProject(customer: String, name: String, fields: [(String, String)], since: Int64? = nil)
    /// `at`: when the project entered the stage, when earlier than the change (a move made on
    /// Friday typed in on Monday); the change's time otherwise.
    case setStage(String, stage: String, reason: String?, at: Int64? = nil)
    /// `number`: the number a file gives it (`keptComplaintNumber`), nil for the next one.
    case fileComplaint(customer: String, about: String, description: String, channel: String?, complainant: String?, receivedAt: Int64, number: String? = nil)
    case routeComplaint(String, manager: Bool, director: Bool, at: Int64?)
    case resolveComplaint(String, coordinator: String, resolution: String, at: Int64?)
    case surveyComplaint(String, satisfaction: String, comment: String?, by: String?, at: Int64?)
    /// A contact-log entry corrected: typed fields, a new time, an optional reason.
    case editLog(String, fields: [(String, String)], at: Int64?, reason: String?)
    /// A contact-log entry removed, with its reason.
    case removeLog(String, reason: String)
    /// A complaint withdrawn by the customer (撤诉) or found unfounded (不成立), with its reason.
    case withdrawComplaint(String, unfounded: Bool, reason: String, at: Int64?)
}

/// A contact-log entry as given: the customer, how, what, when, and optional details.
public struct LogEntry: Sendable {
    public var customer: String
    public var type: String
    public var summary: String
    public var at: Int64
    public var contacts: [String]
    public var project: String?
    public var nextStep: String?
    public var nextDate: String?
    public var location: String?

    public init(
        customer: String, type: String, summary: String, at: Int64, contacts: [String] = [], project: String? = nil,
        nextStep: String? = nil, nextDate: String? = nil, location: String? = nil
    ) {
        self.customer = customer
        self.type = type
        self.summary = summary
        self.at = at
        self.contacts = contacts
        self.project = project
        self.nextStep = nextStep
        self.nextDate = nextDate
        self.location = location
    }
}

/// Operations to plan, validate and commit together, with a label that says what made them.
public struct ChangeSet: Sendable {
    public var label: String
    public var origin: ChangeBatch.Origin
    public private(set) var operations: [ChangeOperation] = []
    /// Removed contacts the set's records may name anew, by id: those another salesperson's
    /// export marks removed, matched to the ones an earlier import of it added (a new record of
    /// a handover names them as its first import did: helper-189 F3). None otherwise: a removed
    /// person is named anew by no record (RECORDS.md).
    public var removedMayBeNamed: Set<UInt64> = []

    public init(label: String, origin: ChangeBatch.Origin = .cli) {
        self.label = label
        self.origin = origin
    }

    /// Room for `n` operations (an import knows its row count: the list does not grow step by step).
    public mutating func reserveCapacity(_ n: Int) { operations.reserveCapacity(n) }

    /// Adds an operation; returns its number (from 1), by which later operations may refer to
    /// what it creates (`@n`).
    @discardableResult
    public mutating func append(_ operation: ChangeOperation) -> Int {
        operations.append(operation)
        return operations.count
    }
}

/// A planned change set: what each operation would do, every problem found, and the events that
/// `CustomerArchive.commit(_:)` writes when there are no problems.
public struct ChangePlan {
    /// A refused operation: its number (from 1) and why.
    public struct Problem: Sendable {
        public let operation: Int
        public let error: ArchiveError
    }

    public let label: String
    public let origin: ChangeBatch.Origin
    public let now: Int64
    /// The record each operation created or changed, by operation number, as it would be.
    public let results: [Int: Entity]
    public let problems: [Problem]
    public let events: [ChangeEvent]
    /// The archive generation the plan was made against (a plan commits only onto it).
    let generation: Int

    public var isValid: Bool { problems.isEmpty }

    /// Events by kind and operation, for a preview ("3 customers created, 12 updated").
    public var counts: [EntityKind: [ChangeEvent.Operation: Int]] {
        var out: [EntityKind: [ChangeEvent.Operation: Int]] = [:]
        for e in events { out[e.kind, default: [:]][e.operation, default: 0] += 1 }
        return out
    }
}

/// A committed change set: its batch id and the records it took.
public struct CommittedBatch: Sendable, Equatable {
    public let batch: UInt64
    public let records: Int
    public let events: Int
    /// How users name it: B and the id.
    public var name: String { "B\(batch)" }
}

extension ChangeDraft {
    /// Plans one operation against the draft.
    public func perform(_ operation: ChangeOperation) throws -> Entity {
        switch operation {
        case let .addCustomer(name, fields): return try addCustomer(name: name, fields: fields, now: now)
        case let .edit(kind, query, fields): return try edit(kind, query, fields: fields, now: now)
        case let .setGrade(query, grade, reason, result, problem):
            return try setGrade(query, to: grade, reason: reason, result: result, problem: problem, now: now)
        case let .noteGrade(query, result, problem, change): return try noteGrade(query, result: result, problem: problem, change: change, now: now)
        case let .remove(kind, query, reason): return try remove(kind, query, reason: reason, now: now)
        case let .restoreContact(query, reason, force): return try restoreContact(query, reason: reason, force: force, now: now)
        case let .addContact(customer, name, fields): return try addContact(customer: customer, name: name, fields: fields, now: now)
        case let .logActivity(l):
            return try logActivity(customer: l.customer, type: l.type, summary: l.summary, at: l.at, contacts: l.contacts, project: l.project,
                                   nextStep: l.nextStep, nextDate: l.nextDate, location: l.location, now: now)
        case let .addProject(customer, name, fields, since): return try addProject(customer: customer, name: name, fields: fields, since: since, now: now)
        case let .setStage(query, stage, reason, at): return try setStage(query, to: stage, reason: reason, at: at, now: now)
        case let .fileComplaint(customer, about, description, channel, complainant, receivedAt, number):
            return try fileComplaint(customer: customer, about: about, description: description, channel: channel, complainant: complainant,
                                     receivedAt: receivedAt, number: number, now: now)
        case let .routeComplaint(query, manager, director, at): return try routeComplaint(query, manager: manager, director: director, at: at, now: now)
        case let .resolveComplaint(query, coordinator, resolution, at):
            return try resolveComplaint(query, coordinator: coordinator, resolution: resolution, at: at, now: now)
        case let .surveyComplaint(query, satisfaction, comment, by, at):
            return try surveyComplaint(query, satisfaction: satisfaction, comment: comment, by: by, at: at, now: now)
        case let .editLog(query, fields, at, reason): return try editLog(query, fields: fields, at: at, reason: reason, now: now)
        case let .removeLog(query, reason): return try removeLog(query, reason: reason, now: now)
        case let .withdrawComplaint(query, unfounded, reason, at):
            return try withdrawComplaint(query, unfounded: unfounded, reason: reason, at: at, now: now)
        }
    }
}

extension CustomerArchive {
    /// Plans `set` against the current state: every operation is tried in order on a draft
    /// that holds the earlier ones' changes; a refused operation is recorded with its number and
    /// the next ones are still checked. Nothing is written.
    /// With `keepingResults: false` (an import: a large set that needs only the problems and
    /// the events), `results` stays empty.
    public func plan(_ set: ChangeSet, now: Int64, keepingResults: Bool = true) throws -> ChangePlan {
        let draft = ChangeDraft(self, now: now)
        // A large set of log entries only, results not kept (an import of a contact log): the
        // entries are not stored in the draft (ChangeDraft.logEntriesOnly).
        draft.logEntriesOnly = !keepingResults && set.operations.count >= 1_000
            && set.operations.allSatisfy { if case .logActivity = $0 { return true } else { return false } }
        draft.reserve(set.operations)
        draft.reserveComplaintNumbers(set.operations)
        draft.suggestsNames = set.origin == .cli && set.operations.count <= 10
        draft.readsDatesWithoutYear = set.origin == .cli
        draft.netsEdits = set.origin == .importFile
        draft.removedMayBeNamed = set.removedMayBeNamed
        var results: [Int: Entity] = [:]
        var problems: [ChangePlan.Problem] = []
        for (i, operation) in set.operations.enumerated() {
            draft.operationNumber = i + 1
            do {
                if draft.logEntriesOnly, case let .logActivity(l) = operation {
                    _ = try draft.stageLogEntry(customer: l.customer, type: l.type, summary: l.summary, at: l.at, contacts: l.contacts, project: l.project,
                                                nextStep: l.nextStep, nextDate: l.nextDate, location: l.location, now: now)
                    continue
                }
                let result = try draft.perform(operation)
                if keepingResults { results[i + 1] = result }
            } catch let error as ArchiveError {
                problems.append(ChangePlan.Problem(operation: i + 1, error: error))
            }
        }
        let plan = ChangePlan(label: set.label, origin: set.origin, now: now, results: results, problems: problems, events: draft.events,
                              generation: generation)
        if set.operations.count >= 10_000 { draft.releaseInBackground() }
        return plan
    }

    /// Writes a valid plan as one batch (RECORDS.md §8): refused when it has problems or the
    /// archive changed since it was planned.
    @discardableResult
    public func commit(_ plan: ChangePlan) throws -> CommittedBatch {
        guard plan.problems.isEmpty else {
            let first = plan.problems[0]
            throw ArchiveError(
                first.error.code, "\(plan.problems.count) \(plan.problems.count == 1 ? "operation" : "operations") refused; the first, operation \(first.operation): \(first.error.reason)",
                zh: "\(plan.problems.count) 项操作未通过检查，首个问题在第 \(first.operation) 项：\(first.error.reasonZH ?? first.error.reason)")
        }
        guard plan.generation == generation else {
            throw ArchiveError(.invalidTransition, "the archive changed after this change set was planned; plan it again",
                               zh: "核对这批更改之后档案又有变动，请重新操作一次")
        }
        return try write(plan.events, label: plan.label, origin: plan.origin, now: plan.now)
    }

    /// Plans and commits a single operation, throwing its problem if it has one; returns the
    /// record as saved. Every command goes through here.
    @discardableResult
    public func perform(_ operation: ChangeOperation, now: Int64) throws -> Entity {
        var set = ChangeSet(label: label)
        set.append(operation)
        let plan = try plan(set, now: now)
        if let problem = plan.problems.first { throw problem.error }
        let planned = plan.results[1]!  // one operation, no problem: it has a result
        if !plan.events.isEmpty { try commit(plan) }
        return state.entities(planned.kind, planned.id) ?? planned
    }

    // MARK: The one way records are written

    /// Fewest events of a change set whose new log entries are saved without being applied.
    static let deferredLogMinimum = 4_096
    /// Fewest events of a change set applied to the state when it is next read, not at once.
    static let appliedLaterMinimum = 4_096

    /// Most events and bytes in one record of a change set.
    static let maxEventsPerRecord = 50_000
    static let maxBytesPerRecord = 4 << 20

    /// Encodes `events` as the records of one change set (batch id = the next record index),
    /// decodes each again (nothing unreadable is sealed), appends them with one header update,
    /// then applies them (a large set when the state is next read: `CustomerArchive.unapplied`).
    @discardableResult
    func write(_ events: [ChangeEvent], label: String, origin: ChangeBatch.Origin, now: Int64) throws -> CommittedBatch {
        guard !events.isEmpty else { throw ArchiveError(.missingValue, "nothing to change", zh: "没有需要保存的更改") }
        // Changes to entries written before this session, or to entries of this session saved
        // without being applied: those entries first. (A new entry needs none: its id is new.)
        if !contactLogLoaded && events.contains(where: { $0.kind == .activity && ($0.id < firstSessionID || ($0.operation != .create && !deferredLog.isEmpty)) }) {
            try loadContactLog()
        }
        try Limits.check(events)
        let cleanLabel = Self.boundedLabel(label)
        // Each event's size depends on it alone: a large set's sizes are computed in halves on both cores.
        let sizes = events.count < 20_000 ? BatchCodec.encodedSizes(events)
            : try Concurrent.map(2) { half in BatchCodec.encodedSizes(events[half == 0 ? 0..<events.count / 2 : events.count / 2..<events.count]) }.flatMap { $0 }
        // Where each record starts: a record takes events while it has fewer than the most
        // events and their bytes fit (at least one event each); then each record's events are
        // copied out at once.
        var starts = [0]
        var bytes = 0
        for (i, size) in sizes.enumerated() {
            if i > starts[starts.count - 1] && (i - starts[starts.count - 1] >= Self.maxEventsPerRecord || bytes + size > Self.maxBytesPerRecord) {
                starts.append(i)
                bytes = 0
            }
            bytes += size
        }
        let groups: [[ChangeEvent]] = starts.indices.map { g in Array(events[starts[g]..<(g + 1 < starts.count ? starts[g + 1] : events.count)]) }
        guard groups.count <= BatchCodec.maxParts else {
            throw ArchiveError(.invalidValue, "the change is too large for one batch", zh: "这次更改量太大，无法作为一个批次保存，请拆成几次操作")
        }
        let id = vault.header.recordCount
        let batches = groups.enumerated().map { i, group in
            ChangeBatch(at: now, actor: actor, origin: origin, batch: id, label: cleanLabel, part: i, parts: groups.count, events: group)
        }
        PhaseClock.mark("sizes and records")
        // One check over all the records' events (creates before the updates that follow them).
        try state.check(ChangeBatch(at: now, actor: actor, events: events))
        // A large set whose log events are all new entries (an import of a contact log) saves
        // them without applying them: their ids are counted, and `loadContactLog()` reads them
        // back from these records when a command needs the log (most imports end first).
        // (Creates counted by kind, and whether every log event is a create, in one pass.)
        var creates = [Int](repeating: 0, count: 256)  // by raw value
        var logChanges = false
        var kinds: UInt32 = 0  // the kinds changed, a bit per raw value
        for e in events {
            if e.operation == .create { creates[Int(e.kind.rawValue)] += 1 } else if e.kind == .activity { logChanges = true }
            kinds |= 1 << UInt32(e.kind.rawValue & 31)
        }
        PhaseClock.mark("batch checked")
        let deferLog = events.count >= Self.deferredLogMinimum && !logChanges && creates[Int(EntityKind.activity.rawValue)] > 0
        // A large set is applied when the state is next read (`CustomerArchive.unapplied`).
        let later = events.count >= Self.appliedLaterMinimum
        if events.count >= 1_000 && !later {  // room for the records created, before they are applied
            for kind in EntityKind.allCases where creates[Int(kind.rawValue)] > 0 && !(deferLog && kind == .activity) {
                state.reserve(kind, creates[Int(kind.rawValue)])
            }
        }
        // Each record encoded and read back on its own, on both cores when there are several
        // (a record depends only on its own events: the same bytes in the same order).
        let payloads = try Concurrent.map(batches.count) { i in
            let encoded = BatchCodec.encode(batches[i])
            // Never seal what could not be read back (limits of RECORDS.md §2).
            guard BatchCodec.decodes(encoded, as: batches[i]) else {
                throw ArchiveError(.invalidValue, "the change is too large to store (a text over 1 MiB, or too many fields or references)",
                                   zh: "这次更改过大，无法保存（某项内容超过 1 MiB，或字段、关联记录过多）")
            }
            return encoded
        }
        PhaseClock.mark("encoded and read back")
        try vault.append(contentsOf: payloads, now: now)
        PhaseClock.mark("sealed and written")
        if later {
            applyLater(batches, counting: deferLog ? .activity : nil, creates: creates, kinds: kinds)
        } else {
            try state.apply(batches: batches, counting: deferLog ? .activity : nil)  // cannot fail after `check`
        }
        PhaseClock.mark("applied")
        if deferLog { noteDeferredLog(id..<(id + UInt64(batches.count))) }
        generation += 1
        return CommittedBatch(batch: id, records: batches.count, events: events.count)
    }

    /// A label fits the format's limit (RECORDS.md §2), cut at a character boundary.
    static func boundedLabel(_ label: String) -> String {
        var out = ""
        // No control, bidi or invisible character: a label is shown on terminals (THREAT-MODEL §13).
        for ch in label where !ch.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || FieldFormat.isTerminalUnsafe($0) }) {
            guard out.utf8.count + String(ch).utf8.count <= BatchCodec.maxLabel else { break }
            out.append(ch)
        }
        return out
    }
}
