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

    /// Applies one batch; events that contradict the state (an update to an unknown entity) mean
    /// the archive was not written by SalesVault and are refused.
    public mutating func apply(_ batch: ChangeBatch) throws {
        batchTimes.append(batch.at)
        for event in batch.events {
            eventCount += 1
            let t = Int(event.kind.rawValue) - 1
            switch event.operation {
            case .create:
                guard tables[t][event.id] == nil else { throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) created twice") }
                var e = Entity(kind: event.kind, id: event.id, at: batch.at, by: batch.actor)
                for c in event.changes where c.field != Schema.reasonField { e[number: c.field] = c.new }
                tables[t][event.id] = e
                if event.id >= nextID { nextID = event.id + 1 }
            case .update, .remove:
                guard tables[t][event.id] != nil else {
                    throw ArchiveError(.corruptRecord, "\(event.kind) \(event.id) changed before it was created")
                }
                for c in event.changes where c.field != Schema.reasonField { tables[t][event.id]![number: c.field] = c.new }
                tables[t][event.id]!.updatedAt = batch.at
                if event.operation == .remove { tables[t][event.id]!.removed = true }
            }
        }
    }
}
