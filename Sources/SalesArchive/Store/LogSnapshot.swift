import VaultCrypto
import VaultFormat

/// The contact log in snapshots (RECORDS.md §6.1): each snapshot that carries the log writes a
/// **segment** (log parts holding the entries changed since the previous snapshot, grouped by
/// customer) and a **log directory** listing every segment's parts, so that the log is read
/// from compact parts instead of every record since the archive began, and one customer's
/// entries from one or two parts per segment.
struct LogDirectory: Equatable, Sendable {
    /// One log part, read at its record index and body offset and pinned by its digest.
    struct Part: Equatable, Sendable {
        let index: UInt64
        let offset: UInt64
        /// SHA-256 of the part's payload.
        let digest: [UInt8]
        let shard: Int
        /// The customer of its first and of its last item.
        let first: UInt64
        let last: UInt64

        func covers(_ customer: UInt64) -> Bool { first <= customer && customer <= last }
    }

    /// The parts one snapshot wrote, named by the record index of its meta record.
    struct Segment: Equatable, Sendable {
        let snapshot: UInt64
        let parts: [Part]
    }

    /// Distinct entries (removed ones included) once every segment is applied.
    var entries: UInt64
    /// Oldest first: a later segment's version of an entry replaces an earlier one.
    var segments: [Segment]

    var allParts: [Part] { segments.flatMap(\.parts) }
}

/// One item of a log part: an entry of `customer`, or (`entry` nil) a stub saying that entry `id`
/// no longer belongs to `customer`.
struct LogItem {
    let customer: UInt64
    let id: UInt64
    let entry: Entity?
}

/// What the next snapshot writes of the contact log (`ArchiveState.logPlan`).
struct LogPlan {
    /// Per shard, the entries of the new segment (removed ones included) and the stubs.
    var entries: [[Entity]]
    var stubs: [[(id: UInt64, customer: UInt64)]]
    /// The segments the new directory keeps before the new one (none for a full segment).
    var previous: [LogDirectory.Segment]
    /// The entries of the whole log once the new segment is applied.
    var total: UInt64
}

extension Snapshot {
    static let logPart: UInt8 = 4
    static let directoryPart: UInt8 = 7
    /// Log parts are cut small, so that one customer's entries cost one or two small reads per
    /// segment (RECORDS.md §6.1).
    static let logPartBytes = 64 << 10
    static let maxSegments = 100_000
    static let maxDirectoryParts = 1_000_000
    /// A writer writes a full segment again (the whole log, replacing every segment) once the
    /// directory holds this many (a writer's choice, RECORDS.md §6.1).
    static let compactAfterSegments = 64

    /// The customer a log entry belongs to: its field 1 when that is a reference, else 0.
    static func customer(of entry: Entity) -> UInt64 {
        entry[number: 1]?.ref ?? 0
    }

    // MARK: Writing

    /// The log parts of `plan`'s new segment, per shard in (customer, id) order, about
    /// `logPartBytes` each.
    static func encodeLogParts(_ plan: LogPlan, at: Int64) -> [(payload: [UInt8], shard: Int, first: UInt64, last: UInt64)] {
        var out: [(payload: [UInt8], shard: Int, first: UInt64, last: UInt64)] = []
        let total = plan.entries.reduce(0) { $0 + $1.count }
        // Never more parts than a snapshot may have: larger parts for a huge log.
        let target = max(logPartBytes, total * 128 / 50_000)
        for shard in 0..<ArchiveState.shardCount {
            var items: [(customer: UInt64, id: UInt64, entry: Entity?)] = plan.entries[shard].map { (customer(of: $0), $0.id, $0) }
            items += plan.stubs[shard].map { ($0.customer, $0.id, nil) }
            items.sort { ($0.customer, $0.id) < ($1.customer, $1.id) }
            var start = 0
            while start < items.count {
                var body = BatchCodec.Encoder()
                body.bytes.reserveCapacity(target + 1024)
                var actors = ActorTable()
                var end = start
                while end < items.count && body.bytes.count < target {
                    let item = items[end]
                    body.varint(item.customer)
                    body.varint(item.id)
                    if let e = item.entry {
                        body.u8(e.removed ? 2 : 1)
                        body.varint(zigzag(e.createdAt))
                        let actor = actors.index(of: e.createdBy)
                        body.varint(UInt64(actor))
                        body.varint(zigzag(e.updatedAt &- e.createdAt))
                        body.u8(UInt8(e.fieldCount))
                        body.bytes.append(contentsOf: e.packed)
                    } else {
                        body.u8(0)
                    }
                    end += 1
                }
                var w = header(at: at)
                w.u8(logPart)
                w.u8(UInt8(shard))
                w.varint(UInt64(actors.list.count))
                for a in actors.list { w.text(a) }
                w.varint(UInt64(end - start))
                w.bytes.append(contentsOf: body.bytes)
                out.append((w.bytes, shard, items[start].customer, items[end - 1].customer))
                start = end
            }
        }
        return out
    }

    static func encodeDirectory(_ directory: LogDirectory, at: Int64) -> [UInt8] {
        var w = header(at: at)
        w.u8(directoryPart)
        w.varint(directory.entries)
        w.varint(UInt64(directory.segments.count))
        for segment in directory.segments {
            w.varint(segment.snapshot)
            w.varint(UInt64(segment.parts.count))
            for p in segment.parts {
                w.varint(p.index)
                w.varint(p.offset)
                w.bytes.append(contentsOf: p.digest)
                w.u8(UInt8(p.shard))
                w.varint(p.first)
                w.varint(p.last)
            }
        }
        return w.bytes
    }

    /// The records of a snapshot that carries the contact log: meta, entity parts, the new
    /// segment's log parts, then the directory (RECORDS.md §6.1). `offset` is where the snapshot
    /// will start in the body (the vault's `bodyLength`), so the directory can name the offsets.
    static func encode(
        _ state: ArchiveState, covers: UInt64, at: Int64, log plan: LogPlan, offset: UInt64
    ) throws -> (records: [[UInt8]], directory: LogDirectory) {
        let entityParts = entityRecords(state, at: at)
        let logParts = encodeLogParts(plan, at: at)
        let parts = 1 + entityParts.count + logParts.count + 1
        let meta = metaRecord(state, covers: covers, parts: parts, at: at)
        var position = offset + UInt64(meta.count + FormatV1.recordOverhead)
        for p in entityParts { position += UInt64(p.count + FormatV1.recordOverhead) }
        var index = covers + 1 + UInt64(entityParts.count)
        var segmentParts: [LogDirectory.Part] = []
        for p in logParts {
            segmentParts.append(LogDirectory.Part(index: index, offset: position, digest: try SHA256.hash(p.payload), shard: p.shard,
                                                  first: p.first, last: p.last))
            index += 1
            position += UInt64(p.payload.count + FormatV1.recordOverhead)
        }
        var segments = plan.previous
        if !segmentParts.isEmpty { segments.append(LogDirectory.Segment(snapshot: covers, parts: segmentParts)) }
        let directory = LogDirectory(entries: plan.total, segments: segments)
        return ([meta] + entityParts + logParts.map(\.payload) + [encodeDirectory(directory, at: at)], directory)
    }

    // MARK: Reading

    /// A log directory, checked against the snapshot that holds it (RECORDS.md §6.1): its meta's
    /// index `covers`, record count `parts` and `nextID`, and the body's length.
    static func decodeDirectory(_ payload: [UInt8], meta: Meta, bodyLength: UInt64) throws -> LogDirectory {
        try payload.withUnsafeBytes { raw in
            var r = BatchCodec.Decoder(raw)
            let (at, part) = try partHeader(&r)
            guard at == meta.at, part == directoryPart else { throw ArchiveError(.corruptRecord, "snapshot: not a log directory") }
            let entries = try r.varint()
            guard entries < meta.nextID else { throw ArchiveError(.corruptRecord, "log directory: more entries than ids") }
            let segmentCount = try r.count(limit: maxSegments)
            var segments: [LogDirectory.Segment] = []
            var total = 0
            var previousSnapshot: UInt64?
            var previousIndex: UInt64 = 0
            var previousOffset: UInt64?
            for s in 0..<segmentCount {
                let snapshot = try r.varint()
                guard snapshot <= meta.covers, previousSnapshot.map({ snapshot > $0 }) ?? true else {
                    throw ArchiveError(.corruptRecord, "log directory: segments out of order")
                }
                if let previousSnapshot, previousIndex >= snapshot {
                    throw ArchiveError(.corruptRecord, "log directory: segment \(previousSnapshot) runs into the next one")
                }
                previousSnapshot = snapshot
                let count = try r.count(limit: maxDirectoryParts)
                total += count
                // A part takes at least 36 bytes (two varints, the digest, the shard, two varints).
                guard count >= 1, total <= maxDirectoryParts, count <= (r.base.count - r.offset) / 36 else {
                    throw ArchiveError(.corruptRecord, "log directory: part count")
                }
                var parts: [LogDirectory.Part] = []
                parts.reserveCapacity(count)
                for _ in 0..<count {
                    let index = try r.varint()
                    let offset = try r.varint()
                    guard index > snapshot, index > previousIndex, previousOffset.map({ offset > $0 }) ?? true, offset < bodyLength else {
                        throw ArchiveError(.corruptRecord, "log directory: parts out of order or outside the archive")
                    }
                    (previousIndex, previousOffset) = (index, offset)
                    guard r.base.count - r.offset >= SHA256.byteCount else { throw ArchiveError(.corruptRecord, "record payload ends early") }
                    let digest = Array(UnsafeRawBufferPointer(rebasing: r.base[r.offset..<(r.offset + SHA256.byteCount)]))
                    r.offset += SHA256.byteCount
                    let shard = Int(try r.u8())
                    let first = try r.varint()
                    let last = try r.varint()
                    guard shard < ArchiveState.shardCount, first <= last else {
                        throw ArchiveError(.corruptRecord, "log directory: shard or customers")
                    }
                    parts.append(LogDirectory.Part(index: index, offset: offset, digest: digest, shard: shard, first: first, last: last))
                }
                // The last segment's parts end with this snapshot (when it wrote them) or before it.
                let end = s == segmentCount - 1 && snapshot == meta.covers ? meta.covers + UInt64(meta.parts) : meta.covers
                guard previousIndex < end else { throw ArchiveError(.corruptRecord, "log directory: a part outside its snapshot") }
                segments.append(LogDirectory.Segment(snapshot: snapshot, parts: parts))
            }
            guard r.isAtEnd else { throw ArchiveError(.corruptRecord, "snapshot: trailing bytes") }
            if entries > 0 && segments.isEmpty { throw ArchiveError(.corruptRecord, "log directory: entries but no parts") }
            return LogDirectory(entries: entries, segments: segments)
        }
    }

    /// Reads a log part whose directory entry is `expected`, checking every item (RECORDS.md
    /// §6.1); calls `body` with the items `wanted` picks (by customer and id; entries of the
    /// others are checked but not built).
    static func visitLogPart(
        _ payload: [UInt8], expected: LogDirectory.Part, nextID: UInt64, wanted: ((UInt64) -> Bool)? = nil, _ body: (LogItem) throws -> Void
    ) throws {
        try payload.withUnsafeBytes { raw in
            var r = BatchCodec.Decoder(raw)
            let (_, part) = try partHeader(&r)
            guard part == logPart else { throw ArchiveError(.corruptRecord, "snapshot: record \(expected.index) is not a log part") }
            let shard = Int(try r.u8())
            guard shard == expected.shard else { throw ArchiveError(.corruptRecord, "log part \(expected.index): shard \(shard)") }
            let actorCount = try r.count(limit: 1 << 16)
            var actors: [String] = []
            actors.reserveCapacity(actorCount)
            for _ in 0..<actorCount { actors.append(try r.text()) }
            let count = try r.varint()
            guard count >= 1, count <= UInt64(raw.count) else { throw ArchiveError(.corruptRecord, "log part: item count") }
            var previous: (UInt64, UInt64)?
            for _ in 0..<count {
                let customer = try r.varint()
                let id = try r.varint()
                guard id >= 1, id < nextID, ArchiveState.shard(id) == shard, previous.map({ (customer, id) > $0 }) ?? true else {
                    throw ArchiveError(.corruptRecord, "log part \(expected.index): items out of order or of another shard")
                }
                if previous == nil && customer != expected.first { throw ArchiveError(.corruptRecord, "log part \(expected.index): first customer") }
                previous = (customer, id)
                let form = try r.u8()
                let take = wanted?(customer) ?? true
                switch form {
                case 0:
                    guard customer != 0 else { throw ArchiveError(.corruptRecord, "log part \(expected.index): a stub without a customer") }
                    if take { try body(LogItem(customer: customer, id: id, entry: nil)) }
                case 1, 2:
                    let createdAt = unzigzag(try r.varint())
                    let actor = Int(try r.varint())
                    guard actor < actors.count else { throw ArchiveError(.corruptRecord, "snapshot: actor index") }
                    let updatedAt = createdAt &+ unzigzag(try r.varint())
                    let n = Int(try r.u8())
                    if take {
                        let packed = try r.checkPacked(count: n, distinct: true)
                        let e = Entity(kind: .activity, id: id, createdAt: createdAt, updatedAt: updatedAt, by: actors[actor],
                                       removed: form == 2, packed: packed)
                        guard Self.customer(of: e) == customer else {
                            throw ArchiveError(.corruptRecord, "log part \(expected.index): entry \(id) is filed under another customer")
                        }
                        try body(LogItem(customer: customer, id: id, entry: e))
                    } else {
                        try r.checkFields(count: n, customer: customer)
                    }
                default:
                    throw ArchiveError(.corruptRecord, "log part \(expected.index): item form \(form)")
                }
            }
            guard previous?.0 == expected.last else { throw ArchiveError(.corruptRecord, "log part \(expected.index): last customer") }
            guard r.isAtEnd else { throw ArchiveError(.corruptRecord, "snapshot: trailing bytes") }
        }
    }
}

extension BatchCodec.Decoder {
    /// Checks `count` packed fields without keeping them, and that field 1 is a reference to
    /// `customer` (or absent, or not a reference, for customer 0).
    mutating func checkFields(count: Int, customer: UInt64) throws {
        let start = offset
        _ = try checkPacked(count: count, distinct: true, copy: false)
        var r = BatchCodec.Decoder(UnsafeRawBufferPointer(rebasing: base[start..<offset]))
        var found: UInt64 = 0
        while !r.isAtEnd {
            let field = try r.u8()
            if field == 1 {
                if case .ref(let c)? = try r.value() { found = c }
                break
            }
            try r.skipValue()
        }
        guard found == customer else { throw ArchiveError(.corruptRecord, "log part: an entry is filed under another customer") }
    }
}
