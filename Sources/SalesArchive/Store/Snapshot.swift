import Dispatch

/// The state of customers, contacts, projects, complaints and escrow uses as of a record index,
/// written as a run of records the first of which is the vault's checkpoint (RECORDS.md §6,
/// FORMAT.md §6.4): an open decodes the snapshot and the records after it instead of every record
/// since creation. The contact log is carried apart, as segments read only when needed
/// (LogSnapshot.swift, RECORDS.md §6.1).
enum Snapshot {
    static let payloadType: UInt8 = 2
    /// Kinds of the entity parts: the contact log is in log parts (§6.1).
    static let kinds: [EntityKind] = [.customer, .contact, .project, .complaint, .escrowUse, .export]
    static let partBytes = 4 << 20
    static let maxParts = 100_000

    struct Meta: Equatable {
        let at: Int64
        /// The record index of the snapshot's first record (= the records it summarises).
        let covers: UInt64
        /// Records in the snapshot, this one included.
        let parts: Int
        let nextID: UInt64
        let batchTimes: [Int64]
    }

    static func isSnapshot(_ payload: [UInt8]) -> Bool { payload.first == payloadType }

    // MARK: Writing

    /// The records of a snapshot of `state` without the contact log, which has replayed `covers`
    /// records: the meta record first, then each (kind, shard)'s entities in id order, a few MiB
    /// per record. (The snapshots written before the log was carried, RECORDS.md §6; the tool
    /// writes `encode(_:covers:at:log:offset:)`.)
    static func encode(_ state: ArchiveState, covers: UInt64, at: Int64) -> [[UInt8]] {
        let parts = entityRecords(state, at: at)
        return [metaRecord(state, covers: covers, parts: parts.count + 1, at: at)] + parts
    }

    /// Each (kind, shard)'s entities in id order, cut at `partBytes`.
    static func entityRecords(_ state: ArchiveState, at: Int64) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        for kind in kinds {
            for shard in 0..<ArchiveState.shardCount {
                let entities = state.shardEntities(kind, shard: shard).sorted { $0.id < $1.id }
                var start = 0
                while start < entities.count {
                    var body = BatchCodec.Encoder()
                    var actors = ActorTable()
                    var end = start
                    while end < entities.count && body.bytes.count < partBytes {
                        let e = entities[end]
                        body.varint(e.id)
                        body.varint(zigzag(e.createdAt))
                        let actor = actors.index(of: e.createdBy)
                        body.varint(UInt64(actor))
                        body.varint(zigzag(e.updatedAt &- e.createdAt))
                        body.u8(e.removed ? 1 : 0)
                        body.u8(UInt8(e.fieldCount))
                        body.bytes.append(contentsOf: e.packed)
                        end += 1
                    }
                    var w = header(at: at)
                    w.u8(kind.rawValue)
                    w.u8(UInt8(shard))
                    w.varint(UInt64(actors.list.count))
                    for a in actors.list { w.text(a) }
                    w.varint(UInt64(end - start))
                    w.bytes.append(contentsOf: body.bytes)
                    parts.append(w.bytes)
                    start = end
                }
            }
        }
        return parts
    }

    /// The meta record of a snapshot of `parts` records (itself included).
    static func metaRecord(_ state: ArchiveState, covers: UInt64, parts: Int, at: Int64) -> [UInt8] {
        var meta = header(at: at)
        meta.u8(0)
        meta.varint(covers)
        meta.varint(UInt64(parts))
        meta.varint(state.nextID)
        let times = state.batchTimes
        meta.varint(UInt64(times.count))
        var previous: Int64 = 0
        for t in times {
            meta.varint(zigzag(t &- previous))
            previous = t
        }
        return meta.bytes
    }

    static func header(at: Int64) -> BatchCodec.Encoder {
        var w = BatchCodec.Encoder()
        w.u8(payloadType)
        w.varint(UInt64(bitPattern: at))
        return w
    }

    @inline(__always) static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) << 1 ^ UInt64(bitPattern: v >> 63) }
    @inline(__always) static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

    // MARK: Reading

    /// The meta record; anything else at the checkpoint means the archive was not written by
    /// SalesVault.
    static func decodeMeta(_ payload: [UInt8]) throws -> Meta {
        try payload.withUnsafeBytes { raw in
            var r = BatchCodec.Decoder(raw)
            let (at, part) = try partHeader(&r)
            guard part == 0 else { throw ArchiveError(.corruptRecord, "the checkpoint record is not the start of a snapshot") }
            let covers = try r.varint()
            let parts = try r.count(limit: maxParts)
            let nextID = try r.varint()
            let count = try r.varint()
            guard parts >= 1, nextID >= 1, count == covers, count <= UInt64(raw.count) else { throw ArchiveError(.corruptRecord, "snapshot: inconsistent counts") }
            var times: [Int64] = []
            times.reserveCapacity(Int(count))
            var previous: Int64 = 0
            for _ in 0..<count {
                previous = previous &+ unzigzag(try r.varint())
                times.append(previous)
            }
            guard r.isAtEnd else { throw ArchiveError(.corruptRecord, "snapshot: trailing bytes") }
            return Meta(at: at, covers: covers, parts: parts, nextID: nextID, batchTimes: times)
        }
    }

    static func partHeader(_ r: inout BatchCodec.Decoder) throws -> (at: Int64, part: UInt8) {
        guard try r.u8() == payloadType else { throw ArchiveError(.corruptRecord, "expected a snapshot record") }
        return (Int64(bitPattern: try r.varint()), try r.u8())
    }

    /// What a snapshot record after the meta is (RECORDS.md §6, §6.1).
    enum PartKind: Equatable {
        case entities(EntityKind, shard: Int)
        case log(shard: Int)
        case directory
    }

    /// The kind (and shard) of a snapshot part, read without decoding it.
    static func peekPart(_ payload: [UInt8], at expected: Int64) throws -> PartKind {
        try payload.withUnsafeBytes { raw in
            var r = BatchCodec.Decoder(raw)
            let (at, part) = try partHeader(&r)
            guard at == expected else { throw ArchiveError(.corruptRecord, "snapshot: a part of another snapshot") }
            if part == directoryPart { return .directory }
            let kind = EntityKind(rawValue: part)
            guard let kind, kinds.contains(kind) || kind == .activity else {
                throw ArchiveError(.corruptRecord, "snapshot: unexpected part \(part)")
            }
            let shard = Int(try r.u8())
            guard shard < ArchiveState.shardCount else { throw ArchiveError(.corruptRecord, "snapshot: shard \(shard)") }
            return kind == .activity ? .log(shard: shard) : .entities(kind, shard: shard)
        }
    }

    /// Calls `body` with each entity of an entity part.
    static func visitPart(_ payload: [UInt8], _ body: (Entity) throws -> Void) throws {
        try payload.withUnsafeBytes { raw in
            var r = BatchCodec.Decoder(raw)
            let (_, part) = try partHeader(&r)
            guard let kind = EntityKind(rawValue: part), kinds.contains(kind) else {
                throw ArchiveError(.corruptRecord, "snapshot: unexpected part \(part)")
            }
            let shard = try r.u8()
            let actorCount = try r.count(limit: 1 << 16)
            var actors: [String] = []
            for _ in 0..<actorCount { actors.append(try r.text()) }
            let count = try r.varint()
            guard count <= UInt64(raw.count) else { throw ArchiveError(.corruptRecord, "snapshot: entity count") }
            var previousID: UInt64 = 0
            for _ in 0..<count {
                let id = try r.varint()
                guard id > previousID, ArchiveState.shard(id) == Int(shard) else { throw ArchiveError(.corruptRecord, "snapshot: entity ids out of order") }
                previousID = id
                let createdAt = unzigzag(try r.varint())
                let actor = Int(try r.varint())
                guard actor < actors.count else { throw ArchiveError(.corruptRecord, "snapshot: actor index") }
                let updatedAt = createdAt &+ unzigzag(try r.varint())
                let removed: Bool
                switch try r.u8() {
                case 0: removed = false
                case 1: removed = true
                default: throw ArchiveError(.corruptRecord, "snapshot: removed flag")
                }
                let packed = try r.checkPacked(count: Int(try r.u8()), distinct: false)
                try body(Entity(kind: kind, id: id, createdAt: createdAt, updatedAt: updatedAt, by: actors[actor], removed: removed, packed: packed))
            }
            guard r.isAtEnd else { throw ArchiveError(.corruptRecord, "snapshot: trailing bytes") }
        }
    }
}

/// The actors of a snapshot part, each written once and referred to by its position.
struct ActorTable {
    private(set) var list: [String] = []
    private var positions: [String: Int] = [:]

    mutating func index(of actor: String) -> Int {
        if let i = positions[actor] { return i }
        list.append(actor)
        positions[actor] = list.count - 1
        return list.count - 1
    }
}
