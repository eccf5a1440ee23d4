import Foundation

/// One field's change inside an event: old value (nil for a create or a newly set field) and new
/// value (nil when cleared).
/// (The field number is stored last: 48 bytes a change instead of 72, for the million events of
/// a large import.)
public struct FieldChange: Equatable, Sendable {
    public let old: FieldValue?
    public let new: FieldValue?
    public let field: UInt8

    public init(field: UInt8, old: FieldValue?, new: FieldValue?) {
        self.field = field
        self.old = old
        self.new = new
    }
}

/// A change to one entity (RECORDS.md §2).
public struct ChangeEvent: Equatable, Sendable {
    public enum Operation: UInt8, Sendable { case create = 1, update = 2, remove = 3, restore = 4 }
    public let operation: Operation
    public let kind: EntityKind
    public let id: UInt64
    public let changes: [FieldChange]

    public init(_ operation: Operation, _ kind: EntityKind, _ id: UInt64, _ changes: [FieldChange]) {
        self.operation = operation
        self.kind = kind
        self.id = id
        self.changes = changes
    }
}

/// One save: every event of one command, by one person, at one time. A change set is committed
/// as one batch, split into records of bounded size that share its batch id and are appended
/// with one header update, so a save is atomic (RECORDS.md §2, §8; FORMAT.md §6).
public struct ChangeBatch: Equatable, Sendable {
    public enum Origin: UInt8, Sendable { case cli = 0, importFile = 1, system = 2, escrow = 3 }
    public let at: Int64
    public let actor: String
    public let origin: Origin
    /// The batch id (the record index of the change set's first record); nil for a batch of
    /// payload type 1, whose id is its own record index.
    public let batch: UInt64?
    /// What made the change ("customer add", "import 客户.xlsx"); empty for type-1 batches.
    public let label: String
    /// This record's position in its change set, and the set's record count.
    public let part: Int
    public let parts: Int
    public let events: [ChangeEvent]

    /// The batch this one undoes (labelled `undo B<id>` by `undo`, RECORDS.md §8); nil for any other.
    public var undoes: UInt64? {
        guard origin == .cli, label.hasPrefix("undo B") else { return nil }
        return UInt64(label.dropFirst("undo B".count))
    }

    public init(
        at: Int64, actor: String, origin: Origin = .cli, batch: UInt64? = nil, label: String = "", part: Int = 0, parts: Int = 1,
        events: [ChangeEvent]
    ) {
        self.at = at
        self.actor = actor
        self.origin = origin
        self.batch = batch
        self.label = label
        self.part = part
        self.parts = parts
        self.events = events
    }
}

/// What a record says about its batch, read before (or without) its events.
struct BatchHead: Equatable, Sendable {
    let at: Int64
    let actor: String
    let origin: ChangeBatch.Origin
    let batch: UInt64?
    let label: String
    let part: Int
    let parts: Int
}

/// The binary encoding of a batch (RECORDS.md §2): compact, canonical, decoded without a general
/// parser so that a million events open in well under a second.
public enum BatchCodec {
    /// Payload types (RECORDS.md §2): 1 a batch written before change sets, 3 a change-set record.
    static let version: UInt8 = 1
    static let changeSetType: UInt8 = 3
    static let maxEvents = 10_000_000
    static let maxText = 1 << 20
    static let maxLabel = 1024
    static let maxParts = 65_536

    public static func encode(_ batch: ChangeBatch) -> [UInt8] {
        var w = Encoder()
        w.bytes.reserveCapacity(64 + batch.events.count * 48)
        w.u8(batch.batch == nil ? version : changeSetType)
        w.varint(UInt64(bitPattern: batch.at))
        w.text(batch.actor)
        w.u8(batch.origin.rawValue)
        if let id = batch.batch {
            w.varint(id)
            w.text(batch.label)
            w.varint(UInt64(batch.part))
            w.varint(UInt64(batch.parts))
        }
        w.varint(UInt64(batch.events.count))
        for e in batch.events { w.event(e) }
        return w.bytes
    }

    /// The bytes one event takes in a record (for splitting a change set into records).
    /// Counted as `Encoder.event` writes it, without writing it (a commit sizes every event to
    /// split its records; `CommitFastPathTests` holds the count to the encoder's bytes).
    static func encodedSize(_ e: ChangeEvent) -> Int {
        var n = 2 + varintSize(e.id) + varintSize(UInt64(e.changes.count))
        for c in e.changes { n += 1 + valueSize(c.old) + valueSize(c.new) }
        return n
    }

    /// The bytes of each event.
    static func encodedSizes(_ events: [ChangeEvent]) -> [Int] { encodedSizes(events[...]) }

    /// The same for a run of the events.
    static func encodedSizes(_ events: ArraySlice<ChangeEvent>) -> [Int] { events.map(encodedSize) }

    /// A signed value as its varint is written (RECORDS.md §2: zigzag, small magnitudes short).
    @inline(__always)
    static func zigzag(_ i: Int64) -> UInt64 { UInt64(bitPattern: i) << 1 ^ UInt64(bitPattern: i >> 63) }

    @inline(__always)
    static func varintSize(_ v: UInt64) -> Int { max(1, (64 - v.leadingZeroBitCount + 6) / 7) }

    static func textSize(_ s: String) -> Int {
        let n = s.utf8.count
        return varintSize(UInt64(n)) + n
    }

    static func valueSize(_ v: FieldValue?) -> Int {
        switch v {
        case nil, .flag: return 1
        case .text(let s): return 1 + textSize(s)
        case .int(let i): return 1 + varintSize(zigzag(i))
        case .day(let d): return 1 + varintSize(UInt64(UInt32(bitPattern: d)))
        case .ref(let r): return 1 + varintSize(r)
        case .refs(let rs): return 1 + varintSize(UInt64(rs.count)) + rs.reduce(0) { $0 + varintSize($1) }
        case .money(let m): return 1 + varintSize(zigzag(m.minorUnits)) + textSize(m.currency)
        }
    }

    public static func decode(_ bytes: [UInt8]) throws -> ChangeBatch {
        var events: [ChangeEvent] = []
        let head = try visit(bytes) { op, kind, id, changes in events.append(ChangeEvent(op, kind, id, changes)) }
        return ChangeBatch(at: head.at, actor: head.actor, origin: head.origin, batch: head.batch, label: head.label,
                           part: head.part, parts: head.parts, events: events)
    }

    /// True when `bytes` decode to exactly `batch`: `(try? decode(bytes)) == batch`, with texts
    /// compared by their bytes (`FieldChange.identical`). A commit checks every record it is
    /// about to seal so: the bytes are read against the batch as they go, each text compared where
    /// it lies instead of being made into a `String` (the same answer: a text whose bytes are
    /// the meant text's UTF-8 decodes to that text, and any other does not match it).
    static func decodes(_ bytes: [UInt8], as batch: ChangeBatch) -> Bool {
        bytes.withUnsafeBytes { raw in
            var r = Decoder(raw)
            guard let head = try? readHead(&r),
                  head == BatchHead(at: batch.at, actor: batch.actor, origin: batch.origin, batch: batch.batch, label: batch.label,
                                    part: batch.part, parts: batch.parts),
                  let count = try? r.count(limit: maxEvents), count == batch.events.count else { return false }
            for e in batch.events {
                // (The reading's own refusals: a restore in a type-1 batch, counts over their limits.)
                guard e.operation != .restore || head.batch != nil,
                      (try? r.u8()) == e.operation.rawValue, (try? r.u8()) == e.kind.rawValue, (try? r.varint()) == e.id,
                      (try? r.count(limit: 255)) == e.changes.count else { return false }
                for c in e.changes {
                    guard (try? r.u8()) == c.field, r.reads(c.old), r.reads(c.new) else { return false }
                }
            }
            return r.isAtEnd
        }
    }

    /// The batch's time, actor, id and label, read without decoding its events.
    static func peekHeader(_ bytes: [UInt8]) throws -> BatchHead {
        try bytes.withUnsafeBytes { raw in
            var r = Decoder(raw)
            return try readHead(&r)
        }
    }

    private static func readHead(_ r: inout Decoder) throws -> BatchHead {
        let type = try r.u8()
        guard type == version || type == changeSetType else {
            throw ArchiveError(.unsupportedRecord, "record payload type \(type) is not a batch (1) or a change-set record (3)")
        }
        let at = Int64(bitPattern: try r.varint())
        let actor = try r.text()
        guard let origin = ChangeBatch.Origin(rawValue: try r.u8()) else { throw ArchiveError(.corruptRecord, "unknown origin") }
        guard type == changeSetType else { return BatchHead(at: at, actor: actor, origin: origin, batch: nil, label: "", part: 0, parts: 1) }
        let batch = try r.varint()
        let label = try r.text(limit: maxLabel)
        let part = try r.count(limit: maxParts - 1)
        let parts = try r.count(limit: maxParts)
        guard part < parts else { throw ArchiveError(.corruptRecord, "change-set part \(part) of \(parts)") }
        return BatchHead(at: at, actor: actor, origin: origin, batch: batch, label: label, part: part, parts: parts)
    }

    /// Decodes a batch event by event without building it: `body` gets each event's fields in a
    /// buffer that is reused for the next event. Opening a large archive goes through here.
    /// `only` picks the events whose values are decoded (by kind and id); the others are skipped
    /// cheaply.
    @discardableResult
    static func visit(
        _ bytes: [UInt8], only wanted: ((EntityKind, UInt64) -> Bool)? = nil,
        _ body: (ChangeEvent.Operation, EntityKind, UInt64, [FieldChange]) throws -> Void
    ) throws -> BatchHead {
        try bytes.withUnsafeBytes { raw in try visit(raw, only: wanted, body) }
    }

    private static func visit(
        _ raw: UnsafeRawBufferPointer, only wanted: ((EntityKind, UInt64) -> Bool)?,
        _ body: (ChangeEvent.Operation, EntityKind, UInt64, [FieldChange]) throws -> Void
    ) throws -> BatchHead {
        var r = Decoder(raw)
        let head = try readHead(&r)
        let count = try r.count(limit: maxEvents)
        var changes: [FieldChange] = []
        changes.reserveCapacity(32)
        for _ in 0..<count {
            guard let op = ChangeEvent.Operation(rawValue: try r.u8()), let kind = EntityKind(rawValue: try r.u8()) else {
                throw ArchiveError(.corruptRecord, "unknown event operation or kind")
            }
            guard op != .restore || head.batch != nil else { throw ArchiveError(.corruptRecord, "a restore in a type-1 batch") }
            let id = try r.varint()
            let n = try r.count(limit: 255)
            if let wanted, !wanted(kind, id) {
                for _ in 0..<n {
                    _ = try r.u8()
                    try r.skipValue()
                    try r.skipValue()
                }
                continue
            }
            changes.removeAll(keepingCapacity: true)
            for _ in 0..<n {
                let field = try r.u8()
                changes.append(FieldChange(field: field, old: try r.value(), new: try r.value()))
            }
            try body(op, kind, id, changes)
        }
        guard r.isAtEnd else { throw ArchiveError(.corruptRecord, "trailing bytes after the last event") }
        return head
    }

    struct Encoder {
        var bytes: [UInt8] = []
        mutating func u8(_ v: UInt8) { bytes.append(v) }
        mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }
        mutating func text(_ s: String) {
            var s = s
            s.withUTF8 { utf8 in
                varint(UInt64(utf8.count))
                bytes.append(contentsOf: utf8)
            }
        }
        mutating func event(_ e: ChangeEvent) {
            u8(e.operation.rawValue)
            u8(e.kind.rawValue)
            varint(e.id)
            varint(UInt64(e.changes.count))
            for c in e.changes {
                u8(c.field)
                value(c.old)
                value(c.new)
            }
        }
        mutating func value(_ v: FieldValue?) {
            switch v {
            case nil: u8(0)
            case .text(let s): u8(1); text(s)
            case .int(let i): u8(2); varint(zigzag(i))
            case .day(let d): u8(3); varint(UInt64(UInt32(bitPattern: d)))
            case .ref(let r): u8(4); varint(r)
            case .refs(let rs): u8(5); varint(UInt64(rs.count)); for r in rs { varint(r) }
            case .flag(let b): u8(b ? 7 : 6)
            case .money(let m): u8(8); varint(zigzag(m.minorUnits)); text(m.currency)
            }
        }
    }

    /// Reads the encoding from a raw buffer (no array bounds or reference-count traffic per byte);
    /// every read is checked against the end.
    struct Decoder {
        let base: UnsafeRawBufferPointer
        var offset = 0
        init(_ base: UnsafeRawBufferPointer) { self.base = base }
        var isAtEnd: Bool { offset == base.count }

        @inline(__always)
        mutating func u8() throws -> UInt8 {
            guard offset < base.count else { throw ArchiveError(.corruptRecord, "record payload ends early") }
            defer { offset += 1 }
            return base[offset]
        }
        @inline(__always)
        mutating func varint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try u8()
                guard shift < 63 || (shift == 63 && b <= 1) else { throw ArchiveError(.corruptRecord, "varint too long") }
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
        mutating func count(limit: Int) throws -> Int {
            let n = try varint()
            guard n <= UInt64(limit) else { throw ArchiveError(.corruptRecord, "count \(n) over the limit \(limit)") }
            return Int(n)
        }
        mutating func text(limit: Int = BatchCodec.maxText) throws -> String {
            let n = try count(limit: limit)
            guard base.count - offset >= n else { throw ArchiveError(.corruptRecord, "text runs past the end") }
            defer { offset += n }
            // Records are authenticated before decoding, so the bytes are what SalesVault wrote;
            // `decoding` (which would repair, not reject, invalid UTF-8) is the fast path.
            return String(decoding: UnsafeRawBufferPointer(rebasing: base[offset..<(offset + n)]), as: UTF8.self)
        }
        /// Whether the next value is `v` (`FieldValue.identical`), read past it: a text compared
        /// with the bytes where it lies, without making a `String`. False for bytes `value()`
        /// would refuse.
        mutating func reads(_ v: FieldValue?) -> Bool {
            guard case .text(let t)? = v else {
                do { return try value() == v } catch { return false }  // (not `try?`, which would take a refusal for nil)
            }
            guard (try? u8()) == 1, let n = try? count(limit: BatchCodec.maxText), base.count - offset >= n else { return false }
            var text = t
            let same = text.withUTF8 { utf8 in
                utf8.count == n && (n == 0 || memcmp(utf8.baseAddress!, base.baseAddress! + offset, n) == 0)
            }
            offset += n
            return same
        }
        /// Steps over a value without building it.
        mutating func skipValue() throws {
            switch try u8() {
            case 0, 6, 7: return
            case 1:
                let n = try count(limit: BatchCodec.maxText)
                guard base.count - offset >= n else { throw ArchiveError(.corruptRecord, "text runs past the end") }
                offset += n
            case 2, 3, 4: _ = try varint()
            case 8:
                _ = try varint()
                let n = try count(limit: 3)
                guard base.count - offset >= n else { throw ArchiveError(.corruptRecord, "text runs past the end") }
                offset += n
            case 5:
                let n = try count(limit: 10_000)
                for _ in 0..<n { _ = try varint() }
            case let t: throw ArchiveError(.corruptRecord, "unknown value type \(t)")
            }
        }

        mutating func value() throws -> FieldValue? {
            switch try u8() {
            case 0: return nil
            case 1: return .text(try text())
            case 2:
                let z = try varint()
                return .int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
            case 3:
                let d = try varint()
                guard d <= UInt64(UInt32.max) else { throw ArchiveError(.corruptRecord, "day out of range") }
                return .day(Int32(bitPattern: UInt32(d)))
            case 4: return .ref(try varint())
            case 5:
                let n = try count(limit: 10_000)
                var refs: [UInt64] = []
                refs.reserveCapacity(n)
                for _ in 0..<n { refs.append(try varint()) }
                return .refs(refs)
            case 6: return .flag(false)
            case 7: return .flag(true)
            case 8:
                let z = try varint()
                let amount = Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
                guard let money = Money(minorUnits: amount, currency: try text(limit: 3)) else {
                    throw ArchiveError(.corruptRecord, "a money value's currency is not three capital letters")
                }
                return .money(money)
            case let t: throw ArchiveError(.corruptRecord, "unknown value type \(t)")
            }
        }
    }
}

extension FieldChange {
    /// The same changes with the same bytes: texts compared byte for byte (a `memcmp`), not by
    /// canonical equivalence as `==` compares `String`s: what reading a record back must give.
    static func identical(_ a: [FieldChange], _ b: [FieldChange]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            guard x.field == y.field, FieldValue.identical(x.old, y.old), FieldValue.identical(x.new, y.new) else { return false }
        }
        return true
    }
}

extension FieldValue {
    /// Equal, with texts of the same bytes (see `FieldChange.identical`).
    static func identical(_ a: FieldValue?, _ b: FieldValue?) -> Bool {
        if case .text(let x)? = a {
            guard case .text(let y)? = b else { return false }
            return sameBytes(x, y)
        }
        return a == b
    }
}
