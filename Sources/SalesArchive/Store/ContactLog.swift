import Dispatch

/// A change to a contact-log entry that the state does not hold yet (the entry is in the
/// snapshot's log, not read yet): applied when the entry is read (RECORDS.md §5).
struct PendingLogEvent: Sendable {
    let operation: ChangeEvent.Operation
    let id: UInt64
    let changes: [FieldChange]
    let at: Int64
}

/// One shard's contact-log bookkeeping (RECORDS.md §5, §6.1).
struct ShardLog: Sendable {
    /// The table holds only part of the log (opened from a snapshot that carries it): entries
    /// created after the snapshot, and those read for a customer. Changes to the others wait.
    var partial = false
    /// Changes are tracked for the next snapshot's segment (the log is carried by snapshots).
    var tracking = false
    /// The `nextID` of the last snapshot: an entry with an id at or above it was created since
    /// (ids are assigned in increasing order, RECORDS.md §2), so it goes into the next segment
    /// without being tracked.
    var idLimit: UInt64 = 0
    /// Changes to entries not read yet, in record order.
    var pending: [PendingLogEvent] = []
    /// Older entries (ids below `idLimit`) changed since the last snapshot: true for one created
    /// since (which SalesVault never does).
    var touched: [UInt64: Bool] = [:]
    /// Customers older entries left since the last snapshot (the old value of their field 1).
    var left: [(id: UInt64, customer: UInt64)] = []
    /// Entries in the table that are in the snapshot's log (read for a customer, or written by
    /// a snapshot of this session).
    var fromSnapshot: Set<UInt64> = []

    mutating func note(_ operation: ChangeEvent.Operation, _ id: UInt64, _ changes: [FieldChange]) {
        guard id < idLimit else { return }
        if operation == .create {
            touched[id] = true
        } else if touched[id] == nil {
            touched[id] = false
        }
        for c in changes where c.field == 1 {
            if case .ref(let old)? = c.old { left.append((id, old)) }
        }
    }

    /// Applies a change to an entry, noting the customer it leaves (whatever the event's old
    /// value says), for the stubs of the next segment.
    mutating func change(_ e: inout Entity, _ operation: ChangeEvent.Operation, _ changes: [FieldChange], at: Int64) throws {
        let before = Snapshot.customer(of: e)
        try ArchiveShard.change(&e, operation, changes, at: at)
        if e.id < idLimit && before != 0 && Snapshot.customer(of: e) != before { left.append((e.id, before)) }
    }
}

/// Per-shard state of a whole-log read, shared with the worker of that shard only.
private struct LogLoad {
    /// The (customer, id) of the last item of this segment and shard: items increase across parts.
    var last: (UInt64, UInt64)?
    /// Ids of the entries of this segment and shard, to refuse one entry twice.
    var ids: [UInt64] = []
}


extension ArchiveState {
    static let activityTable = EntityKind.activity.index

    /// Opened from a snapshot that carries the log: the records after it apply their log events
    /// to the entries they create; events on older entries wait (RECORDS.md §5).
    /// `tail` is the number of records after the snapshot (room is made for their entries).
    mutating func beginPartialLog(_ directory: LogDirectory, idLimit: UInt64, tail: UInt64) {
        logDirectory = directory
        logIDLimit = idLimit
        for s in shards.indices {
            shards[s].log.partial = true
            shards[s].log.tracking = true
            shards[s].log.idLimit = idLimit
            shards[s].tables[Self.activityTable].reserveCapacity(Int(min(tail, 1 << 22)) / Self.shardCount)
        }
    }

    /// True while only part of the log carried by the snapshot is in the state.
    var logIsPartial: Bool { shards[0].log.partial }

    /// True when records after the snapshot changed entries that are not read yet.
    var hasPendingLog: Bool { shards.contains { !$0.log.pending.isEmpty } }

    // MARK: The whole log

    /// Reads every part of the snapshot's log (`read` returns a part's payload, checked against
    /// its digest), oldest segment first, each shard's parts on its own core; then applies the
    /// changes that waited and keeps the entries already in the state (RECORDS.md §5, §6.1).
    /// Nothing changes when it throws.
    mutating func loadWholeLog(reading read: (LogDirectory.Part) throws -> [UInt8]) throws {
        guard let directory = logDirectory, logIsPartial else { return }
        let t = Self.activityTable
        let limit = logIDLimit
        var fresh = [[UInt64: Entity]](repeating: [:], count: Self.shardCount)
        for s in fresh.indices { fresh[s].reserveCapacity(Int(min(directory.entries, 1 << 26)) / Self.shardCount + 1024) }
        var loads = [LogLoad](repeating: LogLoad(), count: Self.shardCount)
        let errors = ErrorBox(Self.shardCount)
        for segment in directory.segments {
            for s in loads.indices { loads[s] = LogLoad() }
            // A window takes about 4 MiB of each shard's parts, so that both cores have work.
            var byShard = [[LogDirectory.Part]](repeating: [], count: Self.shardCount)
            for part in segment.parts { byShard[part.shard].append(part) }
            var next = [Int](repeating: 0, count: Self.shardCount)
            while zip(next, byShard).contains(where: { $0 < $1.count }) {
                var window: [(LogDirectory.Part, [UInt8])] = []
                for s in byShard.indices {
                    var bytes = 0
                    while next[s] < byShard[s].count && bytes < 4 << 20 {
                        let part = byShard[s][next[s]]
                        let payload = try read(part)
                        bytes += payload.count
                        window.append((part, payload))
                        next[s] += 1
                    }
                }
                let parts = window
                loads.withUnsafeMutableBufferPointer { loadBuffer in
                    let loadBox = PerShard(loadBuffer)
                    fresh.withUnsafeMutableBufferPointer { tableBuffer in
                        let tables = PerShard(tableBuffer)
                        DispatchQueue.concurrentPerform(iterations: Self.shardCount) { s in
                            do {
                                for (part, payload) in parts where part.shard == s {
                                    try Snapshot.visitLogPart(payload, expected: part, nextID: limit) { item in
                                        if let last = loadBox.buffer[s].last, (item.customer, item.id) <= last {
                                            throw ArchiveError(.corruptRecord, "log part \(part.index): items out of order with the part before")
                                        }
                                        loadBox.buffer[s].last = (item.customer, item.id)
                                        guard let e = item.entry else { return }
                                        loadBox.buffer[s].ids.append(item.id)
                                        tables.buffer[s][item.id] = e  // a later segment's version replaces an earlier one
                                    }
                                }
                            } catch {
                                errors.store(s, error)
                            }
                        }
                    }
                }
                if let error = errors.first { throw error }
            }
            for s in loads.indices {
                loads[s].ids.sort()
                for i in loads[s].ids.indices.dropFirst() where loads[s].ids[i] == loads[s].ids[i - 1] {
                    throw ArchiveError(.corruptRecord, "log segment of snapshot \(segment.snapshot): entry \(loads[s].ids[i]) twice")
                }
            }
        }
        let found = fresh.reduce(0) { $0 + $1.count }
        guard UInt64(found) == directory.entries else {
            throw ArchiveError(.corruptRecord, "the snapshot's log holds \(found) entries, its directory says \(directory.entries)")
        }
        var logs = shards.map(\.log)
        for s in shards.indices {
            for event in logs[s].pending {
                guard var e = fresh[s].removeValue(forKey: event.id) else {
                    throw ArchiveError(.corruptRecord, "contact log entry \(event.id) changed before it was created")
                }
                try logs[s].change(&e, event.operation, event.changes, at: event.at)
                fresh[s][event.id] = e
            }
            for (id, e) in shards[s].tables[t] {
                if logs[s].fromSnapshot.contains(id) {
                    fresh[s][id] = e  // read for a customer (its waiting changes applied) or written by this session
                } else if fresh[s].updateValue(e, forKey: id) != nil {
                    throw ArchiveError(.corruptRecord, "contact log entry \(id) created twice (in the snapshot's log and after it)")
                }
            }
        }
        for s in shards.indices {
            shards[s].tables[t] = fresh[s]
            fresh[s] = [:]
            shards[s].log = logs[s]
            shards[s].log.partial = false
            shards[s].log.pending = []
            shards[s].log.fromSnapshot = []
        }
        loadedCustomers = []
    }

    // MARK: One customer's entries

    /// Reads the entries of `customer` from the snapshot's log: in each segment only the parts
    /// whose customers include it. Returns false when that is not enough (an entry the snapshot
    /// files under another customer was moved to this one after it): the caller reads the whole
    /// log instead. Nothing changes when it throws.
    mutating func loadLog(customer: UInt64, reading read: (LogDirectory.Part) throws -> [UInt8]) throws -> Bool {
        guard let directory = logDirectory, logIsPartial else { return false }
        if loadedCustomers.contains(customer) { return true }
        for shard in shards {
            for event in shard.log.pending where event.changes.contains(where: { $0.field == 1 && $0.new?.ref == customer }) { return false }
        }
        var found: [UInt64: Entity] = [:]
        for segment in directory.segments {
            var seen: Set<UInt64> = []
            for part in segment.parts where part.covers(customer) {
                let payload = try read(part)
                try Snapshot.visitLogPart(payload, expected: part, nextID: logIDLimit, wanted: { $0 == customer }) { item in
                    if let e = item.entry {
                        guard seen.insert(item.id).inserted else {
                            throw ArchiveError(.corruptRecord, "log segment of snapshot \(segment.snapshot): entry \(item.id) twice")
                        }
                        found[item.id] = e
                    } else {
                        found[item.id] = nil  // it left this customer
                    }
                }
            }
        }
        let t = Self.activityTable
        var logs = shards.map(\.log)
        var inserts = [[Entity]](repeating: [], count: Self.shardCount)
        for s in shards.indices {
            let mine = found.filter { Self.shard($0.key) == s }
            guard !mine.isEmpty else { continue }
            var waiting: [UInt64: [PendingLogEvent]] = [:]
            var rest: [PendingLogEvent] = []
            for event in logs[s].pending {
                if mine[event.id] != nil { waiting[event.id, default: []].append(event) } else { rest.append(event) }
            }
            for (id, entry) in mine {
                if shards[s].tables[t][id] != nil {
                    if logs[s].fromSnapshot.contains(id) { continue }
                    throw ArchiveError(.corruptRecord, "contact log entry \(id) created twice (in the snapshot's log and after it)")
                }
                var e = entry
                for event in waiting[id] ?? [] { try logs[s].change(&e, event.operation, event.changes, at: event.at) }
                inserts[s].append(e)
                logs[s].fromSnapshot.insert(id)
            }
            logs[s].pending = rest
        }
        for s in shards.indices {
            for e in inserts[s] { shards[s].tables[t][e.id] = e }
            shards[s].log = logs[s]
        }
        loadedCustomers.insert(customer)
        return true
    }

    // MARK: Writing the next segment

    /// What the next snapshot writes of the log: with `full`, every entry (the directory then
    /// lists only this segment); otherwise the entries changed since the last snapshot, and a
    /// stub for each customer one of them left. Needs every such entry in the state (no change
    /// waiting).
    func logPlan(full: Bool) throws -> LogPlan {
        let t = Self.activityTable
        var plan = LogPlan(entries: Array(repeating: [], count: Self.shardCount), stubs: Array(repeating: [], count: Self.shardCount),
                           previous: [], total: 0)
        if full {
            for s in shards.indices { plan.entries[s] = Array(shards[s].tables[t].values) }
            plan.total = UInt64(plan.entries.reduce(0) { $0 + $1.count })
            return plan
        }
        guard let directory = logDirectory, !hasPendingLog else {
            throw ArchiveError(.corruptRecord, "internal: a snapshot's log segment needs the changed entries")
        }
        var created: UInt64 = 0
        for s in shards.indices {
            let log = shards[s].log
            for e in shards[s].tables[t].values where e.id >= log.idLimit {
                plan.entries[s].append(e)
                created += 1
            }
            for (id, isNew) in log.touched {
                guard let e = shards[s].tables[t][id] else {
                    throw ArchiveError(.corruptRecord, "internal: contact log entry \(id) changed but not in the state")
                }
                plan.entries[s].append(e)
                if isNew { created += 1 }
            }
            var stubs: Set<[UInt64]> = []
            for (id, customer) in shards[s].log.left where customer != 0 {
                guard let e = shards[s].tables[t][id], Snapshot.customer(of: e) != customer else { continue }
                if stubs.insert([id, customer]).inserted { plan.stubs[s].append((id, customer)) }
            }
        }
        plan.previous = directory.segments
        plan.total = directory.entries + created
        return plan
    }

    /// A snapshot carrying `directory` was just written: changes are tracked from here. While
    /// the log is partial, the entries it wrote are now in the snapshot's log like those read
    /// for a customer (a later read of the whole log keeps them, it does not refuse them).
    mutating func noteLogSnapshot(_ directory: LogDirectory, idLimit: UInt64) {
        logDirectory = directory
        logIDLimit = idLimit
        for s in shards.indices {
            if shards[s].log.partial { shards[s].log.fromSnapshot = Set(shards[s].tables[Self.activityTable].keys) }
            shards[s].log.tracking = true
            shards[s].log.idLimit = idLimit
            shards[s].log.touched = [:]
            shards[s].log.left = []
        }
    }
}
