import Dispatch

/// The entities whose id has one parity: the state is split in two so that opening a large
/// archive applies events on both cores without sharing anything (RECORDS.md §5).
struct ArchiveShard: Sendable {
    /// One table per kind, indexed by `EntityKind.rawValue - 1`, mutated in place.
    var tables: [[UInt64: Entity]] = Array(repeating: [:], count: EntityKind.allCases.count)
    var maxID: UInt64 = 0
    var eventCount = 0
    /// The contact log's bookkeeping when it is partly loaded or carried by snapshots.
    var log = ShardLog()

    /// Counts an event that is not applied now (its kind is loaded later) so ids stay unique.
    mutating func note(_ id: UInt64) {
        if id > maxID { maxID = id }
    }

    /// Applies one event. `tracking: false` for a change set being planned: only what is
    /// committed counts for the next snapshot's log segment.
    mutating func apply(
        _ operation: ChangeEvent.Operation, _ kind: EntityKind, _ id: UInt64, _ changes: [FieldChange], at: Int64, actor: String,
        tracking: Bool = true
    ) throws {
        eventCount += 1
        let t = kind.index
        if kind == .activity {
            if log.tracking && tracking { log.note(operation, id, changes) }
            if log.partial && operation != .create && tables[t][id] == nil {
                // An entry the snapshot's log holds, not read yet: the change waits (RECORDS.md §5).
                log.pending.append(PendingLogEvent(operation: operation, id: id, changes: changes, at: at))
                return
            }
        }
        switch operation {
        case .create:
            let e = Entity(kind: kind, id: id, at: at, by: actor, setting: changes)  // one allocation per entity
            if let previous = tables[t].updateValue(e, forKey: id) {  // one hash lookup on the hot path
                tables[t][id] = previous
                throw ArchiveError(.corruptRecord, "\(kind) \(id) created twice")
            }
            if id > maxID { maxID = id }
        case .update, .remove, .restore:
            guard tables[t][id] != nil else { throw ArchiveError(.corruptRecord, "\(kind) \(id) changed before it was created") }
            if kind == .activity && log.tracking && tracking {
                try log.change(&tables[t][id]!, operation, changes, at: at)
            } else {
                try Self.change(&tables[t][id]!, operation, changes, at: at)
            }
        }
    }

    /// Applies an update, remove or restore to `e`.
    static func change(_ e: inout Entity, _ operation: ChangeEvent.Operation, _ changes: [FieldChange], at: Int64) throws {
        if operation == .restore && !e.removed { throw ArchiveError(.corruptRecord, "\(e.kind) \(e.id) restored but not removed") }
        for c in changes where !Schema.isNote(c.field) { e[number: c.field] = c.new }
        e.updatedAt = at
        if operation == .remove { e.removed = true }
        if operation == .restore { e.removed = false }
    }
}

/// The archive's current state, rebuilt by replaying every batch in order (RECORDS.md §5).
public struct ArchiveState: Sendable {
    static let shardCount = 2
    /// Internal for the contact log's loading (ContactLog.swift); nothing else touches it.
    var shards = [ArchiveShard](repeating: ArchiveShard(), count: shardCount)
    /// The time of each batch, by record index: history scans start where `since` begins.
    public private(set) var batchTimes: [Int64] = []
    /// The change set whose records are being read (RECORDS.md §8): its id, the next part
    /// expected and its record count. Nil between change sets.
    private var openSet: (batch: UInt64, next: Int, parts: Int)?
    /// The contact log of the snapshot at the checkpoint, or of the last snapshot this session
    /// wrote (RECORDS.md §6.1); nil when the log is only in the records.
    var logDirectory: LogDirectory?
    /// The `nextID` of that snapshot: every id its log holds is below it.
    var logIDLimit: UInt64 = 0
    /// Customers whose log entries are all in the state while the rest of the log is not.
    var loadedCustomers: Set<UInt64> = []

    public init() {}

    /// The largest entity id a change may create (RECORDS.md §3): 2^53 − 1, exact in JSON
    /// numbers, so that `nextID` can never overflow on ids a hostile record carries.
    public static let maxEntityID: UInt64 = (1 << 53) - 1

    /// One above the largest id seen; saturates (never traps) on a hostile id, and `check`
    /// refuses to create an id above `maxEntityID`.
    public var nextID: UInt64 {
        var m: UInt64 = 0
        for i in shards.indices where shards[i].maxID > m { m = shards[i].maxID }
        let (next, overflow) = m.addingReportingOverflow(1)
        return overflow ? .max : next
    }
    public var eventCount: Int { shards.reduce(0) { $0 + $1.eventCount } }

    @inline(__always) static func shard(_ id: UInt64) -> Int { Int(id % UInt64(shardCount)) }

    package func entityIncludingRemoved(_ kind: EntityKind, _ id: UInt64) -> Entity? {
        shards[Self.shard(id)].tables[kind.index][id]
    }

    /// Whether a record of `kind` has `id`, removed or not: `entityIncludingRemoved(kind, id) != nil`
    /// without copying the record out of its table.
    @inline(__always)
    func holds(_ kind: EntityKind, _ id: UInt64) -> Bool {
        shards[Self.shard(id)].tables[kind.index].index(forKey: id) != nil
    }

    public func entity(_ kind: EntityKind, _ id: UInt64) -> Entity? {
        guard let e = entityIncludingRemoved(kind, id), !e.removed else { return nil }
        return e
    }

    /// Live (not removed) entities of a kind, in id order.
    public func all(_ kind: EntityKind) -> [Entity] {
        var out: [Entity] = []
        each(kind) { out.append($0) }
        return out.sorted { $0.id < $1.id }
    }

    /// The live records of a kind that belong to a live customer (or to none), by id: what
    /// listings and exports show. An archive written before a customer's removal took its
    /// records along (RECORDS.md §3, 2026-12-03) may hold them live under a removed customer:
    /// their rows would name a customer no import could find (INTERCHANGE.md §6).
    public func allOfLiveCustomers(_ kind: EntityKind) -> [Entity] {
        let records = all(kind)
        guard kind != .customer else { return records }
        return records.filter { e in e["customer"]?.ref.map { entity(.customer, $0) != nil } ?? true }
    }

    /// Live entities of a kind, unordered (for scans).
    public func each(_ kind: EntityKind, _ body: (Entity) throws -> Void) rethrows {
        for shard in shards {
            for e in shard.tables[kind.index].values where !e.removed { try body(e) }
        }
    }

    /// A customer's live records of the other kinds, each in id order: what goes with it when it
    /// is removed (`customer remove`).
    public func dependents(ofCustomer id: UInt64) -> CustomerDependents {
        CustomerDependents(contacts: children(.contact, ofCustomer: id), projects: children(.project, ofCustomer: id),
                           log: children(.activity, ofCustomer: id), complaints: children(.complaint, ofCustomer: id))
    }

    /// The live records of a kind that name customer `id`, by id (the log only as far as loaded).
    func children(_ kind: EntityKind, ofCustomer id: UInt64) -> [Entity] {
        var out: [Entity] = []
        each(kind) { if $0["customer"]?.ref == id { out.append($0) } }
        return out.sorted { $0.id < $1.id }
    }

    /// The time of the latest live contact-log entry of each of `customers` and naming each of
    /// `contacts` (absent for one with none): what their last contact is (RECORDS.md §3, §8).
    func latestEntries(customers: Set<UInt64>, contacts: Set<UInt64>) -> (customers: [UInt64: Int64], contacts: [UInt64: Int64]) {
        var ofCustomer: [UInt64: Int64] = [:], ofContact: [UInt64: Int64] = [:]
        each(.activity) { entry in
            guard let at = entry[number: FieldNumbers.activityAt]?.int else { return }
            if let c = entry[number: FieldNumbers.activityCustomer]?.ref, customers.contains(c) { ofCustomer[c] = max(ofCustomer[c] ?? .min, at) }
            for p in entry[number: FieldNumbers.activityContacts]?.refs ?? [] where contacts.contains(p) { ofContact[p] = max(ofContact[p] ?? .min, at) }
        }
        return (ofCustomer, ofContact)
    }

    /// Every entity of a kind, removed ones included (numbering must never reuse theirs).
    public func eachIncludingRemoved(_ kind: EntityKind, _ body: (Entity) throws -> Void) rethrows {
        for shard in shards {
            for e in shard.tables[kind.index].values { try body(e) }
        }
    }

    /// One shard's entities of a kind, removed ones included (for a snapshot).
    func shardEntities(_ kind: EntityKind, shard: Int) -> [Entity] {
        Array(shards[shard].tables[kind.index].values)
    }

    /// Starts from a snapshot's meta record (RECORDS.md §6): the times of the records it covers
    /// and of its own records, and the next id.
    mutating func start(from meta: Snapshot.Meta) {
        batchTimes = meta.batchTimes + Array(repeating: meta.at, count: meta.parts)
        shards[0].note(meta.nextID - 1)
    }

    /// Records the times of a snapshot just written after the current records.
    mutating func noteSnapshot(at: Int64, records: Int) {
        batchTimes.append(contentsOf: Array(repeating: at, count: records))
    }

    /// Inserts the entities of snapshot parts, each shard's parts on its own core.
    mutating func apply(snapshotParts parts: [(kind: EntityKind, shard: Int, payload: [UInt8])]) throws {
        let errors = ErrorBox(Self.shardCount)
        shards.withUnsafeMutableBufferPointer { buffer in
            let box = PerShard(buffer)
            DispatchQueue.concurrentPerform(iterations: Self.shardCount) { s in
                do {
                    for part in parts where part.shard == s {
                        let t = part.kind.index
                        try Snapshot.visitPart(part.payload) { e in
                            guard box.buffer[s].tables[t].updateValue(e, forKey: e.id) == nil else {
                                throw ArchiveError(.corruptRecord, "snapshot: \(part.kind) \(e.id) twice")
                            }
                            box.buffer[s].note(e.id)
                        }
                    }
                } catch {
                    errors.store(s, error)
                }
            }
        }
        if let error = errors.first { throw error }
    }

    /// How many records of a kind it holds, removed ones included (a count per shard, not a scan).
    func countIncludingRemoved(_ kind: EntityKind) -> Int {
        shards.reduce(0) { $0 + $1.tables[kind.index].count }
    }

    public func count(_ kind: EntityKind) -> Int {
        var n = 0
        each(kind) { _ in n += 1 }
        return n
    }

    /// Follows the parts of change sets in record order (RECORDS.md §8): a part must follow the
    /// previous part of the same batch, part 0 must carry its own record index as the batch id.
    mutating func follow(_ head: BatchHead, index: Int?) throws {
        guard let batch = head.batch else {
            if openSet != nil { throw ArchiveError(.corruptRecord, "a change set is interrupted by another batch") }
            return
        }
        if let open = openSet {
            guard batch == open.batch, head.part == open.next, head.parts == open.parts else {
                throw ArchiveError(.corruptRecord, "change set B\(open.batch) ends before its part \(open.next) of \(open.parts)")
            }
        } else {
            guard head.part == 0 else { throw ArchiveError(.corruptRecord, "change set B\(batch) starts at part \(head.part)") }
            if let index, batch != UInt64(index) { throw ArchiveError(.corruptRecord, "record \(index) says it starts batch B\(batch)") }
        }
        openSet = head.part + 1 == head.parts ? nil : (batch, head.part + 1, head.parts)
    }

    /// Throws when the records read so far end inside a change set.
    func checkComplete() throws {
        if let open = openSet { throw ArchiveError(.corruptRecord, "change set B\(open.batch) ends before its part \(open.next) of \(open.parts)") }
    }

    /// Checks that `batch` applies cleanly (creates are new, changes target existing records)
    /// without copying the state, so a large archive validates in time proportional to the batch.
    public func check(_ batch: ChangeBatch) throws {
        if batch.events.count <= 8 { return try checkSmall(batch) }
        // Ids from `fresh` up are held by no kind (every id stored or counted raises `nextID`
        // above it): a create of such an id needs no lookup in the tables, and the batch's
        // creates of such ids (all of them, in a change set just planned) are noted by kind in
        // an array indexed from `fresh` (0: not created). Other created ids, with their kind, in
        // one table (an id is created once, of one kind).
        let fresh = nextID
        var top = fresh
        for event in batch.events where event.operation == .create && event.id > top && event.id <= Self.maxEntityID { top = event.id }
        var createdFresh = [UInt8](repeating: 0, count: top - fresh < 1 << 26 ? Int(top - fresh) + 1 : 0)
        var created: [UInt64: EntityKind] = [:]
        for event in batch.events {
            let slot = event.id >= fresh && event.id - fresh < UInt64(createdFresh.count) ? Int(event.id - fresh) : nil
            switch event.operation {
            case .create:
                try Self.checkNewID(event)
                if let slot {
                    guard createdFresh[slot] == 0 else { throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) created twice") }
                    createdFresh[slot] = event.kind.rawValue
                    continue
                }
                guard created[event.id] == nil, event.id >= fresh || !EntityKind.allCases.contains(where: { holds($0, event.id) }) else {
                    throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) created twice")
                }
                created[event.id] = event.kind
            case .update, .remove:
                let exists = slot.map { createdFresh[$0] == event.kind.rawValue } ?? (holds(event.kind, event.id) || created[event.id] == event.kind)
                guard exists else { throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) changed before it was created") }
            case .restore:
                guard entityIncludingRemoved(event.kind, event.id)?.removed == true else {
                    throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) restored but not removed")
                }
            }
        }
    }

    /// A created id is in 1...maxEntityID (FORMAT.md §5.6): above it, the archive has no more ids.
    private static func checkNewID(_ event: ChangeEvent) throws {
        guard event.id >= 1, event.id <= maxEntityID else {
            throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id): no more ids can be given in this archive (ids above \(maxEntityID) are refused); it holds a record with an id out of range",
                               zh: "\(event.kind) \(event.id)：本档案已无编号可用（大于 \(maxEntityID) 的编号一律拒绝）；档案中有编号超出范围的记录")
        }
    }

    /// `check` of a batch of a few events (one operation of a change set being planned): the
    /// same rules, the ids created so far in a small array instead of a table per kind.
    private func checkSmall(_ batch: ChangeBatch) throws {
        var created: [(kind: EntityKind, id: UInt64)] = []
        for event in batch.events {
            let exists = holds(event.kind, event.id) || created.contains { $0.kind == event.kind && $0.id == event.id }
            switch event.operation {
            case .create:
                try Self.checkNewID(event)
                guard !exists, !EntityKind.allCases.contains(where: { holds($0, event.id) }) else {
                    throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) created twice")
                }
                created.append((event.kind, event.id))
            case .update, .remove:
                guard exists else { throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) changed before it was created") }
            case .restore:
                guard entityIncludingRemoved(event.kind, event.id)?.removed == true else {
                    throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) restored but not removed")
                }
            }
        }
    }

    /// Room for `count` more records of `kind` (split over the shards as ids are), before a
    /// large change set is applied: the tables do not grow step by step.
    mutating func reserve(_ kind: EntityKind, _ count: Int) {
        guard count > 0 else { return }
        for s in shards.indices {
            let held = shards[s].tables[kind.index].count
            shards[s].tables[kind.index].reserveCapacity(held + count / Self.shardCount + 1)
        }
    }

    /// Applies a batch's events without recording it as a record (a change set being planned).
    /// With `countingOnly`, the records of that kind it creates are not stored, only their ids
    /// noted (`nextID` counts them): a draft whose set never looks them up (`ChangeDraft.logEntriesOnly`).
    mutating func applyEvents(_ batch: ChangeBatch, countingOnly skipped: EntityKind? = nil) throws {
        for event in batch.events {
            if let skipped, event.kind == skipped, event.operation == .create {
                shards[Self.shard(event.id)].note(event.id)
                continue
            }
            try shards[Self.shard(event.id)].apply(event.operation, event.kind, event.id, event.changes, at: batch.at, actor: batch.actor,
                                                   tracking: false)
        }
    }

    /// Applies one batch; events that contradict the state (an update to an unknown entity) mean
    /// the archive was not written by SalesVault and are refused.
    public mutating func apply(_ batch: ChangeBatch) throws {
        try follow(BatchHead(at: batch.at, actor: batch.actor, origin: batch.origin, batch: batch.batch, label: batch.label,
                             part: batch.part, parts: batch.parts), index: batchTimes.count)
        batchTimes.append(batch.at)
        for event in batch.events {
            try shards[Self.shard(event.id)].apply(event.operation, event.kind, event.id, event.changes, at: batch.at, actor: batch.actor)
        }
    }

    /// Applies the records of one change set just written, as `apply(_:)` of each in order
    /// does: the parts followed in order, then each shard's events on its own core (an event
    /// changes only its own shard, in the same order as one by one); a few events without threads.
    /// With `counting`, the records of that kind it creates are not stored, only their ids noted
    /// (`nextID` counts them), as opening does for a kind it defers.
    mutating func apply(batches: [ChangeBatch], counting skipped: EntityKind? = nil) throws {
        let total = batches.reduce(0) { $0 + $1.events.count }
        guard total >= 4_096 || skipped != nil else {
            for batch in batches { try apply(batch) }
            return
        }
        for batch in batches {
            try follow(BatchHead(at: batch.at, actor: batch.actor, origin: batch.origin, batch: batch.batch, label: batch.label,
                                 part: batch.part, parts: batch.parts), index: batchTimes.count)
            batchTimes.append(batch.at)
        }
        let errors = ErrorBox(Self.shardCount)
        shards.withUnsafeMutableBufferPointer { buffer in
            let box = PerShard(buffer)
            DispatchQueue.concurrentPerform(iterations: Self.shardCount) { s in
                do {
                    for batch in batches {
                        for event in batch.events where ArchiveState.shard(event.id) == s {
                            if let skipped, event.kind == skipped, event.operation == .create {
                                box.buffer[s].note(event.id)
                                continue
                            }
                            try box.buffer[s].apply(event.operation, event.kind, event.id, event.changes, at: batch.at, actor: batch.actor)
                        }
                    }
                } catch {
                    errors.store(s, error)
                }
            }
        }
        if let error = errors.first { throw error }
    }

    /// Applies encoded batches straight from their bytes, in order: each shard's events on its
    /// own core, each core decoding only the values of its own events (the fast path for
    /// opening an archive). Events of `deferred` kinds are only counted (their ids noted);
    /// with `onlyKind`, just that kind's events are applied (loading a deferred kind later).
    public mutating func apply(encoded payloads: [[UInt8]], deferring deferred: Set<EntityKind> = [], onlyKind: EntityKind? = nil) throws {
        let heads = try payloads.map { try BatchCodec.peekHeader($0) }  // once, for both shards
        if onlyKind == nil {
            for head in heads {
                try follow(head, index: batchTimes.count)
                batchTimes.append(head.at)
            }
        }
        let errors = ErrorBox(Self.shardCount)
        shards.withUnsafeMutableBufferPointer { buffer in
            let box = PerShard(buffer)
            let work: @Sendable (Int) -> Void = { s in
                do {
                    for (payload, head) in zip(payloads, heads) {
                        let filter: (EntityKind, UInt64) -> Bool = { kind, id in
                            guard ArchiveState.shard(id) == s else { return false }
                            if let onlyKind { return kind == onlyKind }
                            if deferred.contains(kind) {
                                box.buffer[s].note(id)
                                return false
                            }
                            return true
                        }
                        try BatchCodec.visit(payload, only: filter) { op, kind, id, changes in
                            try box.buffer[s].apply(op, kind, id, changes, at: head.at, actor: head.actor)
                        }
                    }
                } catch {
                    errors.store(s, error)
                }
            }
            if payloads.count == 1 && payloads[0].count < 64 << 10 {
                for s in 0..<Self.shardCount { work(s) }  // a small save: no threads
            } else {
                DispatchQueue.concurrentPerform(iterations: Self.shardCount, execute: work)
            }
        }
        if let error = errors.first { throw error }
    }
}

/// A buffer shared by the per-shard workers of `concurrentPerform`, each of which touches only
/// its own element (its shard, its shard's table, its shard's load): the one unchecked type
/// for all of them.
struct PerShard<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}

/// The first error of each worker, each in its own preallocated slot, read after
/// `concurrentPerform` returns.
final class ErrorBox: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Error?>
    private let count: Int
    init(_ n: Int) {
        count = n
        slots = UnsafeMutablePointer<Error?>.allocate(capacity: n)
        slots.initialize(repeating: nil, count: n)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func store(_ i: Int, _ e: Error) { if slots[i] == nil { slots[i] = e } }
    var first: Error? { (0..<count).lazy.compactMap { self.slots[$0] }.first }
}

/// A customer's live contacts, projects, contact-log entries and complaints.
public struct CustomerDependents: Sendable {
    public let contacts: [Entity]
    public let projects: [Entity]
    public let log: [Entity]
    public let complaints: [Entity]

    public var isEmpty: Bool { contacts.isEmpty && projects.isEmpty && log.isEmpty && complaints.isEmpty }
}
