/// One customer, contact, project, contact-log entry or complaint: its current field values.
public struct Entity: Sendable {
    public let id: UInt64
    public internal(set) var createdAt: Int64
    public internal(set) var updatedAt: Int64
    public internal(set) var createdBy: String
    /// Only the fields that are set, packed as `u8 field number ‖ value` in the value encoding of
    /// RECORDS.md §2 (never absent), in the order they were first set: one small allocation per
    /// entity, so that a million contact-log entries fit in memory (RECORDS.md §5). Every byte
    /// string stored here was encoded by `BatchCodec.Encoder` or checked by `checkPacked`.
    private(set) var packed: [UInt8] = []
    public let kind: EntityKind
    public internal(set) var removed = false

    init(kind: EntityKind, id: UInt64, at: Int64, by: String) {
        self.kind = kind
        self.id = id
        createdAt = at
        createdBy = by
        updatedAt = at
    }

    /// An entity created with `changes`' new values (a create event), in one allocation.
    init(kind: EntityKind, id: UInt64, at: Int64, by: String, setting changes: [FieldChange]) {
        self.init(kind: kind, id: id, at: at, by: by)
        var seen = FieldSet()
        var simple = true
        for c in changes where !Schema.isNote(c.field) && c.new != nil {
            if !seen.insert(c.field) { simple = false }
        }
        guard simple else {  // the same field twice in one event: the last value counts
            for c in changes where !Schema.isNote(c.field) { self[number: c.field] = c.new }
            return
        }
        var w = BatchCodec.Encoder()
        w.bytes.reserveCapacity(changes.reduce(0) { $0 + 2 + Self.estimatedSize($1.new) })
        for c in changes where !Schema.isNote(c.field) {
            guard let value = c.new else { continue }
            w.u8(c.field)
            w.value(value)
        }
        packed = w.bytes
    }

    /// An entity read from a snapshot: `packed` has been checked by `checkPacked`.
    init(kind: EntityKind, id: UInt64, createdAt: Int64, updatedAt: Int64, by: String, removed: Bool, packed: [UInt8]) {
        self.init(kind: kind, id: id, at: createdAt, by: by)
        self.updatedAt = updatedAt
        self.removed = removed
        self.packed = packed
    }

    private static func estimatedSize(_ v: FieldValue?) -> Int {
        switch v {
        case .text(let s): return 5 + s.utf8.count
        case .refs(let r): return 5 + 10 * r.count
        case .money(let m): return 15 + m.currency.utf8.count
        default: return 11
        }
    }

    public subscript(number number: UInt8) -> FieldValue? {
        get {
            packed.withUnsafeBytes { raw in
                var r = BatchCodec.Decoder(raw)
                while !r.isAtEnd {
                    guard let field = try? r.u8() else { return nil }
                    if field == number { return (try? r.value()) ?? nil }
                    guard (try? r.skipValue()) != nil else { return nil }
                }
                return nil
            }
        }
        set {
            let range = fieldRange(number)
            var w = BatchCodec.Encoder()
            if let newValue {
                w.u8(number)
                w.value(newValue)
            }
            if let range {
                packed.replaceSubrange(range, with: w.bytes)
            } else {
                packed.append(contentsOf: w.bytes)
            }
        }
    }

    /// Where field `number` (its number byte and value) lies in `packed`.
    private func fieldRange(_ number: UInt8) -> Range<Int>? {
        packed.withUnsafeBytes { raw in
            var r = BatchCodec.Decoder(raw)
            while !r.isAtEnd {
                let start = r.offset
                guard let field = try? r.u8(), (try? r.skipValue()) != nil else { return nil }
                if field == number { return start..<r.offset }
            }
            return nil
        }
    }

    /// The fields that are set, as (number, value) pairs, in the order they were first set.
    var values: [(UInt8, FieldValue)] {
        packed.withUnsafeBytes { raw in
            var out: [(UInt8, FieldValue)] = []
            var r = BatchCodec.Decoder(raw)
            while !r.isAtEnd {
                guard let field = try? r.u8(), let value = (try? r.value()) ?? nil else { break }
                out.append((field, value))
            }
            return out
        }
    }

    /// The number of fields that are set.
    var fieldCount: Int {
        packed.withUnsafeBytes { raw in
            var r = BatchCodec.Decoder(raw)
            var n = 0
            while !r.isAtEnd {
                guard (try? r.u8()) != nil, (try? r.skipValue()) != nil else { break }
                n += 1
            }
            return n
        }
    }

    public subscript(key: String) -> FieldValue? {
        Schema.field(kind, key: key).flatMap { self[number: $0.number] }
    }

    /// The short stable id shown to users: C12, R3, P7, L40, T2.
    public var shortID: String { kind.idPrefix + String(id) }

    /// The name users know it by.
    public var displayName: String {
        switch kind {
        case .customer, .contact, .project: return self["name"]?.text ?? shortID
        case .activity: return self["summary"]?.text ?? shortID
        case .complaint: return self["number"]?.text ?? shortID
        case .escrowUse: return self["action"]?.text ?? shortID
        case .export: return self["file"]?.text ?? shortID
        }
    }
}

/// A set of field numbers (0…255) without allocating.
struct FieldSet {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// Inserts `field`; false when it was already there.
    mutating func insert(_ field: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(field & 63)
        switch field >> 6 {
        case 0: defer { bits.0 |= bit }; return bits.0 & bit == 0
        case 1: defer { bits.1 |= bit }; return bits.1 & bit == 0
        case 2: defer { bits.2 |= bit }; return bits.2 & bit == 0
        default: defer { bits.3 |= bit }; return bits.3 & bit == 0
        }
    }
}

extension BatchCodec.Decoder {
    /// Reads `count` packed fields (`u8 field ‖ value`, RECORDS.md §2) from a snapshot, checking
    /// each value as `value()` would (no absent value, days and money in range, every length
    /// within the payload) without building it; with `distinct`, a field number twice is refused.
    /// Returns the bytes (with `copy`), to be stored as they are in `Entity.packed`.
    mutating func checkPacked(count: Int, distinct: Bool, copy: Bool = true) throws -> [UInt8] {
        let start = offset
        var seen = FieldSet()
        for _ in 0..<count {
            let field = try u8()
            if distinct && !seen.insert(field) { throw ArchiveError(.corruptRecord, "snapshot: field \(field) twice") }
            try checkValue()
        }
        return copy ? Array(UnsafeRawBufferPointer(rebasing: base[start..<offset])) : []
    }

    /// Steps over a value that must be present and readable by `value()`.
    private mutating func checkValue() throws {
        let type = try u8()
        switch type {
        case 0: throw ArchiveError(.corruptRecord, "snapshot: an absent value")
        case 1:
            let n = try count(limit: BatchCodec.maxText)
            guard base.count - offset >= n else { throw ArchiveError(.corruptRecord, "text runs past the end") }
            offset += n
        case 2, 4: _ = try varint()
        case 3: guard try varint() <= UInt64(UInt32.max) else { throw ArchiveError(.corruptRecord, "day out of range") }
        case 5:
            let n = try count(limit: 10_000)
            for _ in 0..<n { _ = try varint() }
        case 6, 7: return
        case 8:
            _ = try varint()
            let n = try count(limit: 3)
            guard n == 3, base.count - offset >= 3, (0..<3).allSatisfy({ (65...90).contains(base[offset + $0]) }) else {
                throw ArchiveError(.corruptRecord, "a money value's currency is not three capital letters")
            }
            offset += 3
        default: throw ArchiveError(.corruptRecord, "unknown value type \(type)")
        }
    }
}
