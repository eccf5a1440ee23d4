/// The archive's current state, rebuilt by replaying every batch in order (RECORDS.md §5).
public struct ArchiveState: Sendable {
    /// One table per kind, indexed by `EntityKind.rawValue - 1`, mutated in place.
    private var tables: [[UInt64: Entity]] = Array(repeating: [:], count: EntityKind.allCases.count)
    /// The time of each batch, by record index: history scans start where `since` begins.
    public private(set) var batchTimes: [Int64] = []
    public private(set) var nextID: UInt64 = 1
    public private(set) var eventCount = 0

    public init() {}

    public func entity(_ kind: EntityKind, _ id: UInt64) -> Entity? {
        guard let e = tables[Int(kind.rawValue) - 1][id], !e.removed else { return nil }
        return e
    }

    func entityIncludingRemoved(_ kind: EntityKind, _ id: UInt64) -> Entity? {
        tables[Int(kind.rawValue) - 1][id]
    }

    /// Live (not removed) entities of a kind, in id order.
    public func all(_ kind: EntityKind) -> [Entity] {
        tables[Int(kind.rawValue) - 1].values.filter { !$0.removed }.sorted { $0.id < $1.id }
    }

    /// Live entities of a kind, unordered (for scans).
    public func each(_ kind: EntityKind, _ body: (Entity) throws -> Void) rethrows {
        for e in tables[Int(kind.rawValue) - 1].values where !e.removed { try body(e) }
    }

    public func count(_ kind: EntityKind) -> Int {
        tables[Int(kind.rawValue) - 1].values.reduce(0) { $0 + ($1.removed ? 0 : 1) }
    }

    /// Checks that `batch` applies cleanly (creates are new, changes target existing records)
    /// without copying the state, so a large archive validates in time proportional to the batch.
    public func check(_ batch: ChangeBatch) throws {
        var created = Set<UInt64>()
        for event in batch.events {
            let exists = tables[Int(event.kind.rawValue) - 1][event.id] != nil || created.contains(event.id)
            switch event.operation {
            case .create:
                guard !exists else { throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) created twice") }
                created.insert(event.id)
            case .update, .remove:
                guard exists else { throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) changed before it was created") }
            }
        }
    }

    /// Applies one batch; events that contradict the state (an update to an unknown entity) mean
    /// the archive was not written by SalesVault and are refused.
    public mutating func apply(_ batch: ChangeBatch) throws {
        batchTimes.append(batch.at)
        for event in batch.events { try apply(event.operation, event.kind, event.id, event.changes, at: batch.at, actor: batch.actor) }
    }

    /// Applies an encoded batch straight from its bytes (no intermediate events): the fast path
    /// for opening an archive.
    public mutating func apply(encoded bytes: [UInt8]) throws {
        let head = try BatchCodec.peekHeader(bytes)
        batchTimes.append(head.at)
        try BatchCodec.visit(bytes) { op, kind, id, changes in
            try apply(op, kind, id, changes, at: head.at, actor: head.actor)
        }
    }

    private mutating func apply(
        _ operation: ChangeEvent.Operation, _ kind: EntityKind, _ id: UInt64, _ changes: [FieldChange], at: Int64, actor: String
    ) throws {
        eventCount += 1
        let t = Int(kind.rawValue) - 1
        switch operation {
        case .create:
            var e = Entity(kind: kind, id: id, at: at, by: actor)
            e.values.reserveCapacity(changes.count)  // one allocation per record
            for c in changes where c.field != Schema.reasonField { e[number: c.field] = c.new }
            if let previous = tables[t].updateValue(e, forKey: id) {  // one hash lookup on the hot path
                tables[t][id] = previous
                throw ArchiveError(.corruptRecord, "\(kind) \(id) created twice")
            }
            if id >= nextID { nextID = id + 1 }
        case .update, .remove:
            guard tables[t][id] != nil else { throw ArchiveError(.corruptRecord, "\(kind) \(id) changed before it was created") }
            for c in changes where c.field != Schema.reasonField { tables[t][id]![number: c.field] = c.new }
            tables[t][id]!.updatedAt = at
            if operation == .remove { tables[t][id]!.removed = true }
        }
    }
}
