import Foundation
@testable import SalesArchive
import VaultCrypto
import VaultFormat
import XCTest

/// The commit's shortcuts (PERFORMANCE.md, "After the third optimisation") give what the code
/// they short-cut gives: a record read back event by event is `decode(bytes) == batch`; the
/// records of a large change set applied per shard on both cores are the state of applying them
/// one by one; records encoded and checked concurrently come back in order, errors included.
final class CommitFastPathTests: XCTestCase {
    struct Seeded {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func value() -> FieldValue? {
            switch int(8) {
            case 0: return nil
            case 1: return .text(["", "华东科技", "a b", "客户\(int(100))", String(repeating: "备", count: int(50))][int(5)])
            case 2: return .int(Int64(bitPattern: next()))
            case 3: return .day(Int32(truncatingIfNeeded: Int64(int(200_000)) - 100_000))
            case 4: return .ref(UInt64(int(1000)))
            case 5: return .refs((0..<int(4)).map { _ in UInt64(int(1000)) })
            case 6: return .flag(int(2) == 0)
            default: return .money(Money(minorUnits: Int64(int(1_000_000)), currency: ["CNY", "USD"][int(2)])!)
            }
        }
        mutating func event() -> ChangeEvent {
            let op = [ChangeEvent.Operation.create, .update, .remove, .restore][int(4)]
            let kind = EntityKind.allCases[int(EntityKind.allCases.count)]
            let changes = (0..<int(5)).map { _ in FieldChange(field: UInt8(1 + int(30)), old: value(), new: value()) }
            return ChangeEvent(op, kind, UInt64(1 + int(5000)), changes)
        }
    }

    func batch(_ r: inout Seeded, events n: Int, label: String = "import 客户.csv") -> ChangeBatch {
        ChangeBatch(at: day(0), actor: "张伟", origin: .importFile, batch: 7, label: label, part: 0, parts: 1, events: (0..<n).map { _ in r.event() })
    }

    /// `decodes(_:as:)` against decoding and comparing, on records and on every way of not being one.
    func testReadingBackEventByEventIsDecodingAndComparing() throws {
        var r = Seeded(state: 3)
        func same(_ bytes: [UInt8], _ b: ChangeBatch, _ what: String) {
            XCTAssertEqual(BatchCodec.decodes(bytes, as: b), (try? BatchCodec.decode(bytes)) == b, what)
        }
        for round in 0..<300 {
            let b = batch(&r, events: r.int(12))
            let bytes = BatchCodec.encode(b)
            XCTAssertTrue(BatchCodec.decodes(bytes, as: b), "round \(round)")
            same(bytes, b, "round \(round)")
            // Another batch's events, one event more or less, one event changed, another head.
            let other = batch(&r, events: b.events.count)
            same(bytes, other, "round \(round): other events")
            same(bytes, ChangeBatch(at: b.at, actor: b.actor, origin: b.origin, batch: b.batch, label: b.label, events: b.events + [r.event()]), "round \(round): one more")
            if !b.events.isEmpty {
                same(bytes, ChangeBatch(at: b.at, actor: b.actor, origin: b.origin, batch: b.batch, label: b.label, events: Array(b.events.dropLast())), "round \(round): one less")
                var changed = b.events
                let k = r.int(changed.count)
                let e = changed[k]
                changed[k] = ChangeEvent(e.operation, e.kind, e.id, e.changes + [FieldChange(field: 1, old: nil, new: .text("x"))])
                same(bytes, ChangeBatch(at: b.at, actor: b.actor, origin: b.origin, batch: b.batch, label: b.label, events: changed), "round \(round): changed")
            }
            // A text of the batch changed in its last character, or to one as long (the bytes
            // compared where they lie).
            if let k = b.events.firstIndex(where: { $0.changes.contains { if case .text(let t)? = $0.new { !t.isEmpty } else { false } } }) {
                let e = b.events[k]
                let j = e.changes.firstIndex { if case .text(let t)? = $0.new { !t.isEmpty } else { false } }!
                guard case .text(let t)? = e.changes[j].new else { preconditionFailure() }
                for other in [String(t.dropLast()) + "Z", String(t.dropLast()) + "\u{FFFD}", String(repeating: "x", count: t.utf8.count)] where other != t {
                    var changes = e.changes
                    changes[j] = FieldChange(field: changes[j].field, old: changes[j].old, new: .text(other))
                    var events = b.events
                    events[k] = ChangeEvent(e.operation, e.kind, e.id, changes)
                    let meant = ChangeBatch(at: b.at, actor: b.actor, origin: b.origin, batch: b.batch, label: b.label, part: b.part, parts: b.parts, events: events)
                    XCTAssertFalse(BatchCodec.decodes(bytes, as: meant), "round \(round): text \(other)")
                    same(bytes, meant, "round \(round): text \(other)")
                }
            }
            same(bytes, ChangeBatch(at: b.at, actor: b.actor, origin: b.origin, batch: b.batch, label: b.label + "x", events: b.events), "round \(round): label")
            same(bytes, ChangeBatch(at: b.at + 1, actor: b.actor, origin: b.origin, batch: b.batch, label: b.label, events: b.events), "round \(round): time")
            same(bytes, ChangeBatch(at: b.at, actor: b.actor, origin: b.origin, batch: b.batch, label: b.label, part: 1, parts: 2, events: b.events), "round \(round): part")
            // Damaged bytes: cut, extended, one byte changed.
            same(Array(bytes.prefix(r.int(bytes.count))), b, "round \(round): cut")
            same(bytes + [0], b, "round \(round): trailing byte")
            var flipped = bytes
            flipped[r.int(flipped.count)] ^= UInt8(1 + r.int(255))
            same(flipped, b, "round \(round): flipped")
        }
        // What cannot be read back: a text over the codec's limit, a change of more than 255 fields.
        let long = ChangeBatch(at: day(0), actor: "张伟", batch: 0, events: [ChangeEvent(.create, .customer, 1, [FieldChange(field: 2, old: nil, new: .text(String(repeating: "a", count: (1 << 20) + 1)))])])
        XCTAssertFalse(BatchCodec.decodes(BatchCodec.encode(long), as: long))
        same(BatchCodec.encode(long), long, "long text")
        let wide = ChangeBatch(at: day(0), actor: "张伟", batch: 0, events: [ChangeEvent(.update, .customer, 1, (0..<300).map { FieldChange(field: UInt8($0 % 30 + 1), old: nil, new: .int(Int64($0))) })])
        same(BatchCodec.encode(wide), wide, "256 fields")
    }

    /// A state as comparable lines: every entity of every kind (removed ones too), its bytes and times.
    func lines(_ s: ArchiveState) -> [String] {
        var out: [String] = []
        for kind in EntityKind.allCases {
            var es: [Entity] = []
            s.eachIncludingRemoved(kind) { es.append($0) }
            for e in es.sorted(by: { $0.id < $1.id }) {
                out.append("\(kind) \(e.id) \(e.createdAt) \(e.updatedAt) \(e.createdBy) \(e.removed) \(e.packed)")
            }
        }
        out.append("nextID \(s.nextID) events \(s.eventCount) times \(s.batchTimes)")
        return out
    }

    /// The check of a large batch (fresh creates noted in an array from `nextID`, others in a
    /// table) accepts and refuses exactly what checking its events one by one against the state
    /// and the creates before them does: creates of fresh, held, repeated and far-off ids (beyond
    /// the array), under one kind or two; updates and removes of held ids, of ids the batch
    /// created under the same or another kind, and of ids nobody holds; restores.
    func testTheCheckOfALargeBatchIsTheCheckOfItsEventsInOrder() throws {
        var base = ArchiveState()
        try base.apply(ChangeBatch(at: day(0), actor: "张伟", events: (1...200).map { ChangeEvent(.create, .customer, UInt64($0), [FieldChange(field: 2, old: nil, new: .text("客户\($0)"))]) }
            + (201...220).map { ChangeEvent(.create, .contact, UInt64($0), []) }))
        try base.apply(ChangeBatch(at: day(1), actor: "张伟", events: [ChangeEvent(.remove, .customer, 7, [])]))
        let fresh = base.nextID
        func expected(_ events: [ChangeEvent]) -> Bool {
            var created: [UInt64: EntityKind] = [:]
            for e in events {
                switch e.operation {
                case .create:
                    guard e.id >= 1, e.id <= ArchiveState.maxEntityID, created[e.id] == nil,
                          !EntityKind.allCases.contains(where: { base.holds($0, e.id) }) else { return false }
                    created[e.id] = e.kind
                case .update, .remove:
                    guard base.holds(e.kind, e.id) || created[e.id] == e.kind else { return false }
                case .restore:
                    guard base.entityIncludingRemoved(e.kind, e.id)?.removed == true else { return false }
                }
            }
            return true
        }
        var r = Seeded(state: 31)
        var outcomes = Set<Bool>()
        for round in 0..<2_000 {
            var events: [ChangeEvent] = []
            var made: [(EntityKind, UInt64)] = []
            let careful = round % 2 == 0  // (mostly batches that pass: fresh creates, then changes of what they made)
            for n in 0..<(9 + r.int(40)) {
                let kind: EntityKind = [.customer, .contact, .activity][r.int(3)]
                if careful && r.int(40) != 0 {
                    if made.isEmpty || r.int(2) == 0 {
                        made.append((kind, fresh + UInt64(n)))
                        events.append(ChangeEvent(.create, kind, fresh + UInt64(n), []))
                    } else {
                        let (k, id) = r.int(4) == 0 ? (EntityKind.customer, UInt64(1 + r.int(200))) : made[r.int(made.count)]
                        events.append(ChangeEvent(.update, k, id, []))
                    }
                    continue
                }
                let id: UInt64
                switch r.int(10) {
                case 0: id = UInt64(1 + r.int(230))  // held (or just above what is held)
                case 1: id = fresh + (1 << 26) + UInt64(r.int(3))  // beyond the array
                case 2: id = made.isEmpty ? fresh : made[r.int(made.count)].1  // created by the batch
                case 3: id = ArchiveState.maxEntityID + UInt64(r.int(2))
                default: id = fresh + UInt64(r.int(60))
                }
                let op: ChangeEvent.Operation = r.int(20) == 0 ? .restore : r.int(3) == 0 ? [.update, .remove][r.int(2)] : .create
                if op == .create { made.append((kind, id)) }
                events.append(ChangeEvent(op, r.int(4) == 0 && !made.isEmpty ? made[r.int(made.count)].0 : kind, id, []))
            }
            let batch = ChangeBatch(at: day(2), actor: "张伟", events: events)
            let accepted = (try? base.check(batch)) != nil
            XCTAssertEqual(accepted, expected(events), "round \(round): \(events.map { "\($0.operation) \($0.kind) \($0.id)" })")
            outcomes.insert(accepted)
        }
        XCTAssertEqual(outcomes, [true, false], "both accepted and refused batches were checked")
    }

    /// The records of one change set (creates, updates of the same record several times,
    /// removes and restores of both shards, contact-log entries) applied on both cores are the
    /// state of applying them in order one by one.
    func testRecordsAppliedPerShardAreTheStateOfApplyingThemInOrder() throws {
        var r = Seeded(state: 11)
        var base = ArchiveState()
        try base.apply(ChangeBatch(at: day(0), actor: "张伟", events: (1...200).map { ChangeEvent(.create, .customer, UInt64($0), [FieldChange(field: 2, old: nil, new: .text("客户\($0)"))]) }))
        var next = 1000
        var live = Set(1...200)
        var removed = Set<Int>()
        for round in 0..<3 {
            var events: [ChangeEvent] = []
            while events.count < 9_000 {
                switch r.int(6) {
                case 0, 1:
                    next += 1
                    let kind: EntityKind = r.int(2) == 0 ? .activity : .contact
                    events.append(ChangeEvent(.create, kind, UInt64(next), [FieldChange(field: 2, old: nil, new: r.value() ?? .int(1)), FieldChange(field: 3, old: nil, new: r.value())]))
                case 2, 3:
                    guard let id = live.randomElement(using: &r) else { continue }
                    events.append(ChangeEvent(.update, .customer, UInt64(id), [FieldChange(field: UInt8(2 + r.int(20)), old: nil, new: r.value()), FieldChange(field: 100, old: nil, new: .text("note"))]))
                case 4:
                    guard let id = live.randomElement(using: &r) else { continue }
                    live.remove(id); removed.insert(id)
                    events.append(ChangeEvent(.remove, .customer, UInt64(id), []))
                default:
                    guard let id = removed.randomElement(using: &r) else { continue }
                    removed.remove(id); live.insert(id)
                    events.append(ChangeEvent(.restore, .customer, UInt64(id), []))
                }
            }
            let batches = stride(from: 0, to: events.count, by: 2_500).enumerated().map { part, start in
                ChangeBatch(at: day(round + 1), actor: "张伟", origin: .importFile, batch: UInt64(base.batchTimes.count), label: "import", part: part, parts: (events.count + 2_499) / 2_500,
                            events: Array(events[start..<min(events.count, start + 2_500)]))
            }
            var oneByOne = base
            for b in batches { try oneByOne.apply(b) }
            var perShard = base
            try perShard.apply(batches: batches)
            XCTAssertEqual(lines(perShard), lines(oneByOne), "round \(round)")
            base = oneByOne
        }
        // A batch that does not apply (an update before the create) is refused either way.
        let bad = [ChangeBatch(at: day(9), actor: "张伟", batch: UInt64(base.batchTimes.count), label: "x", events: (0..<5_000).map { ChangeEvent(.update, .contact, UInt64(900_000 + $0), []) })]
        var s = base
        XCTAssertThrowsError(try s.apply(batches: bad))
    }

    func testSizesOfARunOfEventsAreTheirSizesInTheWhole() {
        var r = Seeded(state: 5)
        let events = (0..<2_000).map { _ in r.event() }
        let all = BatchCodec.encodedSizes(events)
        // Counted, not written: the count is what the encoder writes, for every kind of value and
        // at every varint length (ids, counts and text lengths across 2^7, 2^14, … 2^63).
        func written(_ e: ChangeEvent) -> Int {
            var w = BatchCodec.Encoder()
            w.event(e)
            return w.bytes.count
        }
        XCTAssertEqual(all, events.map(written))
        var edges: [ChangeEvent] = []
        for bits in [0, 1, 6, 7, 8, 13, 14, 15, 20, 21, 27, 28, 34, 35, 41, 42, 48, 49, 55, 56, 62, 63, 64] {
            let v: UInt64 = bits == 64 ? .max : bits == 0 ? 0 : (1 << UInt64(bits)) - 1
            let values: [FieldValue?] = [.ref(v), .int(Int64(bitPattern: v)), .int(-Int64(bitPattern: v >> 1)), .day(Int32(truncatingIfNeeded: Int64(bitPattern: v))),
                                         .refs([v, v >> 3]), .text(String(repeating: "客", count: min(Int(v % 50_000), 20_000))), .text(String(repeating: "a", count: min(Int(v % 20_000), 16_385))),
                                         .money(Money(minorUnits: Int64(bitPattern: v >> 1), currency: "CNY")!), .flag(bits % 2 == 0), nil]
            edges.append(ChangeEvent(.update, .customer, v, values.enumerated().map { FieldChange(field: UInt8($0.offset + 1), old: $0.element, new: Array(values.reversed())[$0.offset]) }))
        }
        for length in [126, 127, 128, 129, 16_383, 16_384, 16_385] {
            edges.append(ChangeEvent(.create, .activity, 1, [FieldChange(field: 3, old: nil, new: .text(String(repeating: "x", count: length)))]))
            edges.append(ChangeEvent(.create, .activity, 1, (0..<length % 300).map { FieldChange(field: UInt8($0 % 250 + 1), old: nil, new: .ref(UInt64($0))) }))
        }
        XCTAssertEqual(BatchCodec.encodedSizes(edges), edges.map(written))
        for (a, b) in [(0, 1_000), (1_000, 2_000), (17, 1_234), (0, 0)] {
            XCTAssertEqual(BatchCodec.encodedSizes(events[a..<b]), Array(all[a..<b]))
        }
    }

    /// Reading a record back compares texts byte for byte: a canonically equivalent spelling (that
    /// `==` calls equal) is not what was written.
    func testAReadBackComparesTextsByTheirBytes() throws {
        let composed = [FieldChange(field: 6, old: nil, new: .text("Café 客户"))]
        let decomposed = [FieldChange(field: 6, old: nil, new: .text("Cafe\u{301} 客户"))]
        XCTAssertEqual(composed, decomposed, "equal as Strings")
        XCTAssertFalse(FieldChange.identical(composed, decomposed))
        XCTAssertTrue(FieldChange.identical(composed, [FieldChange(field: 6, old: nil, new: .text("Café 客户"))]))
        XCTAssertFalse(FieldChange.identical(composed, [FieldChange(field: 7, old: nil, new: .text("Café 客户"))]))
        XCTAssertFalse(FieldChange.identical(composed, [FieldChange(field: 6, old: .text(""), new: .text("Café 客户"))]))
        XCTAssertFalse(FieldChange.identical(composed, composed + composed))
        XCTAssertTrue(FieldChange.identical([FieldChange(field: 1, old: .int(3), new: .ref(4))], [FieldChange(field: 1, old: .int(3), new: .ref(4))]))
        XCTAssertFalse(FieldChange.identical([FieldChange(field: 1, old: .int(3), new: .ref(4))], [FieldChange(field: 1, old: .int(3), new: .ref(5))]))
        let event = ChangeEvent(.create, .activity, 9, composed)
        let batch = ChangeBatch(at: 1, actor: "张伟", events: [event])
        XCTAssertTrue(BatchCodec.decodes(BatchCodec.encode(batch), as: batch))
        XCTAssertFalse(BatchCodec.decodes(BatchCodec.encode(batch), as: ChangeBatch(at: 1, actor: "张伟", events: [ChangeEvent(.create, .activity, 9, decomposed)])))
    }

    func testConcurrentMapKeepsTheOrderAndThrowsTheFirstError() throws {
        for n in [0, 1, 2, 3, 17, 1000] {
            XCTAssertEqual(try Concurrent.map(n) { $0 * $0 }, (0..<n).map { $0 * $0 })
        }
        struct Failure: Error, Equatable { let i: Int }
        XCTAssertThrowsError(try Concurrent.map(50) { i -> Int in if i % 7 == 3 { throw Failure(i: i) }; return i }) { error in
            XCTAssertEqual(error as? Failure, Failure(i: 3))
        }
    }

    /// Chunks that emit into place: the items of every chunk in order with no gap where a chunk
    /// emitted fewer than it had indices (or none), each chunk's own result in order, values that
    /// hold references kept whole, and one chunk for a chunk size of Int.max.
    func testConcurrentEmittingJoinsTheChunksItemsInOrderWithoutGaps() {
        for (count, chunk) in [(0, 4), (1, 4), (10, 3), (1_000, 7), (5_000, 1_024), (37, .max)] {
            // Index i is emitted unless i % 5 == 2, and every index of the chunks whose number is a multiple of 4 is dropped.
            let (items, results) = Concurrent.emitting(count, chunk: chunk) { range, emit -> [Int] in
                let c = range.lowerBound / max(1, chunk)
                for i in range where i % 5 != 2 && c % 4 != 1 { emit(("项\(i)", [i, i * i])) }
                return [range.lowerBound, range.count]
            }
            let expected = (0..<count).filter { $0 % 5 != 2 && ($0 / max(1, chunk)) % 4 != 1 }
            XCTAssertEqual(items.map(\.0), expected.map { "项\($0)" }, "count \(count), chunk \(chunk)")
            XCTAssertEqual(items.map(\.1), expected.map { [$0, $0 * $0] })
            let starts = Array(stride(from: 0, to: count, by: max(1, min(chunk, count))))
            XCTAssertEqual(results.map { $0[0] }, starts)
            XCTAssertEqual(results.map { $0[1] }.reduce(0, +), count)
        }
    }

    /// A large change set committed through both cores: the archive as this session holds it is
    /// the archive as opened again from its records, and a change set whose record cannot be
    /// read back leaves the archive byte-identical.
    func testALargeCommitIsTheArchiveReadBackAndARefusedOneChangesNoByte() throws {
        let fixture = try ArchiveFixture()
        var a: CustomerArchive! = try fixture.open()
        var set = ChangeSet(label: "import 客户.csv", origin: .importFile)
        let note = String(repeating: "备", count: 5_000)
        for i in 0..<12_000 {
            set.append(.addCustomer(name: "华东\(i)科技有限公司", fields: [("phone", "138000\(String(format: "%05d", i))"), ("grade", ["A", "B", "C"][i % 3]), ("note", i % 10 == 0 ? note : "")]))
        }
        for i in stride(from: 0, to: 12_000, by: 2) {
            set.append(.logActivity(LogEntry(customer: "@\(i + 1)", type: "电话", summary: "第\(i)次", at: day(-1, hour: i % 20))))
        }
        let done = try a.commit(try a.plan(set, now: day(0)))
        XCTAssertGreaterThan(done.records, 2)
        XCTAssertGreaterThan(done.events, 20_000)  // sizes computed in halves, records checked and applied on both cores
        XCTAssertFalse(a.contactLogLoaded, "the new log entries are saved, not applied (all creates)")
        try a.loadContactLog()  // read back from the records just written
        let held = lines(a.state)
        a = nil
        let b = try fixture.open()
        try b.loadContactLog()
        XCTAssertEqual(lines(b.state), held)

        // A change set refused at commit (a text over the limit in its last record): nothing written.
        let before = try fixture.bytes()
        var tooLong = ChangeSet(label: "import", origin: .importFile)
        for i in 0..<3_000 { tooLong.append(.addCustomer(name: "新客户\(i)", fields: [("note", note)])) }
        let plan = try b.plan(tooLong, now: day(1))
        var events = plan.events
        events.append(ChangeEvent(.update, .customer, events.last!.id, [FieldChange(field: 100, old: nil, new: .text(String(repeating: "a", count: (1 << 20) + 1)))]))
        XCTAssertThrowsError(try b.write(events, label: "import", origin: .importFile, now: day(1)))
        XCTAssertEqual(try fixture.bytes(), before)
    }

    /// A large change set is applied to the state when the state is next read (an import whose
    /// command ends after it never spends the time): whatever reads it first (a query, the next
    /// change's check, an undo, the contact log's loading, a snapshot) sees the archive as opened
    /// again from its records; the escrow uses an import does not change are listed without
    /// applying it.
    func testALargeSetIsAppliedWhenTheStateIsNextRead() throws {
        let fixture = try ArchiveFixture()
        var a: CustomerArchive! = try fixture.open()
        try a.perform(.addCustomer(name: "老客户科技有限公司", fields: [("grade", "B")]), now: day(0))
        try a.recordEscrowUse(action: "open", managers: ["李经理"], fingerprints: ["fp"], now: day(0))
        func customers(_ n: Int, from first: Int) -> ChangeSet {
            var set = ChangeSet(label: "import 客户.csv", origin: .importFile)
            for i in first..<(first + n) { set.append(.addCustomer(name: "华东\(i)科技有限公司", fields: [("grade", ["A", "B", "C"][i % 3])])) }
            return set
        }
        // Read first by a query.
        let small = try a.commit(try a.plan(customers(CustomerArchive.appliedLaterMinimum - 1, from: 0), now: day(1)))
        XCTAssertEqual(small.events, CustomerArchive.appliedLaterMinimum - 1)
        XCTAssertFalse(a.hasUnappliedChanges, "a smaller set is applied at once")
        try a.commit(try a.plan(customers(5_000, from: 10_000), now: day(1)))
        XCTAssertTrue(a.hasUnappliedChanges)
        XCTAssertEqual(a.unacknowledgedEscrowUses.count, 1)
        XCTAssertTrue(a.hasUnappliedChanges, "escrow uses are listed without applying an import")
        XCTAssertEqual(a.state.count(.customer), 1 + CustomerArchive.appliedLaterMinimum - 1 + 5_000)
        XCTAssertFalse(a.hasUnappliedChanges)
        try assertSame(a, try CustomerArchive(vault: a.vault))

        // Two sets in a row, then a change to one of them: the second's check and the change see
        // the first.
        try a.commit(try a.plan(customers(5_000, from: 20_000), now: day(2)))
        try a.commit(try a.plan(customers(5_000, from: 30_000), now: day(2)))
        XCTAssertTrue(a.hasUnappliedChanges)
        XCTAssertThrowsError(try a.commit(try a.plan(customers(5_000, from: 30_000), now: day(2))), "the names are taken")
        let id = try XCTUnwrap(a.state.all(.customer).first { $0["name"] == .text("华东30007科技有限公司") }?.id)
        try a.commit(try a.plan(customers(5_000, from: 40_000), now: day(3)))
        try a.perform(.edit(.customer, "华东30007科技有限公司", fields: [("note", "改过")]), now: day(3))
        XCTAssertFalse(a.hasUnappliedChanges)
        XCTAssertEqual(a.state.entity(.customer, id)?["note"], .text("改过"))
        try assertSame(a, try CustomerArchive(vault: a.vault))

        // An undo of a set not applied yet; a log import (its entries counted, not built) then
        // the log loaded; a snapshot.
        let undone = try a.commit(try a.plan(customers(5_000, from: 50_000), now: day(4)))
        XCTAssertTrue(a.hasUnappliedChanges)
        try a.undo(batch: undone.batch, now: day(4))
        var log = ChangeSet(label: "import 跟进记录.csv", origin: .importFile)
        for i in 0..<6_000 { log.append(.logActivity(LogEntry(customer: "华东30007科技有限公司", type: "电话", summary: "第\(i)次", at: day(3, hour: i % 20)))) }
        try a.commit(try a.plan(log, now: day(4)))
        XCTAssertTrue(a.hasUnappliedChanges)
        XCTAssertFalse(a.contactLogLoaded)
        try a.loadContactLog()
        XCTAssertFalse(a.hasUnappliedChanges)
        try assertSame(a, try CustomerArchive(vault: a.vault))
        try a.commit(try a.plan(customers(5_000, from: 60_000), now: day(5)))
        try a.writeSnapshot(now: day(5))
        XCTAssertFalse(a.hasUnappliedChanges)
        XCTAssertEqual(a.state.count(.customer), 1 + CustomerArchive.appliedLaterMinimum - 1 + 5_000 * 5)
        // (Opened from the snapshot, the state counts no events: its records, not the times.)
        let held = lines(a.state).dropLast()
        a = nil
        let b = try fixture.open()
        try b.loadContactLog()
        assertSame(Array(lines(b.state).dropLast()), Array(held))
    }

    /// The two states' lines are the same (the first difference said, not both lists).
    func assertSame(_ a: CustomerArchive, _ b: CustomerArchive, line: UInt = #line) throws {
        try a.loadContactLog()
        try b.loadContactLog()
        assertSame(lines(a.state), lines(b.state), line: line)
    }

    func assertSame(_ x: [String], _ y: [String], line: UInt = #line) {
        guard x != y else { return }
        let i = (0..<min(x.count, y.count)).first { x[$0] != y[$0] } ?? min(x.count, y.count)
        XCTFail("\(x.count) and \(y.count) lines, first difference at \(i): \(i < x.count ? String(x[i].prefix(300)) : "-") | \(i < y.count ? String(y[i].prefix(300)) : "-")", line: line)
    }

    /// A large set of log entries planned without results (an import of a contact log) does not
    /// store the entries in its draft (`ChangeDraft.logEntriesOnly`): the same events and the
    /// same problems, in the same order, as the general draft (results kept), over entries that
    /// move and do not move the customer's last contact, follow-up dates, unknown customers,
    /// contact types and dates in the future; and the committed archive reads back the same.
    func testALogOnlyPlanIsThePlanOfTheGeneralDraft() throws {
        let fixture = try ArchiveFixture()
        var a: CustomerArchive! = try fixture.open()
        var customers = ChangeSet(label: "customers", origin: .cli)
        for i in 0..<50 { customers.append(.addCustomer(name: "华东\(i)科技有限公司", fields: [])) }
        try a.commit(try a.plan(customers, now: day(-10)))
        var r = Seeded(state: 42)
        var set = ChangeSet(label: "import 跟进记录.csv", origin: .importFile)
        for i in 0..<3_000 {
            let customer = r.int(40) == 0 ? "不存在的公司" : "C\(1 + r.int(50))"
            let type = ["电话", "拜访", "微信", "飞鸽传书", "other"][r.int(5)]
            let at = r.int(60) == 0 ? day(3) : day(-9 + r.int(9), hour: r.int(24))
            let next: String? = r.int(4) == 0 ? "2027-0\(1 + r.int(9))-1\(r.int(9))" : nil
            set.append(.logActivity(LogEntry(customer: customer, type: type, summary: r.int(30) == 0 ? " " : "第\(i)次跟进", at: at, nextDate: next)))
        }
        let general = try a.plan(set, now: day(0), keepingResults: true)
        let logOnly = try a.plan(set, now: day(0), keepingResults: false)
        XCTAssertEqual(logOnly.events, general.events)
        XCTAssertEqual(logOnly.problems.map(\.operation), general.problems.map(\.operation))
        XCTAssertEqual(logOnly.problems.map(\.error.reason), general.problems.map(\.error.reason))
        XCTAssertGreaterThan(general.problems.count, 100)
        XCTAssertGreaterThan(general.events.count, 2_000)
        XCTAssertTrue(general.events.contains { $0.kind == .customer && $0.operation == .update })
        // Without the refused operations, it commits; the archive opened again holds the same.
        var valid = ChangeSet(label: set.label, origin: set.origin)
        let refused = Set(general.problems.map(\.operation))
        for (i, op) in set.operations.enumerated() where !refused.contains(i + 1) { valid.append(op) }
        let plan = try a.plan(valid, now: day(0), keepingResults: false)
        XCTAssertEqual(plan.problems.count, 0)
        try a.commit(plan)
        let held = lines(a.state)
        a = nil
        let b = try fixture.open()
        try b.loadContactLog()
        XCTAssertEqual(lines(b.state), held)
        XCTAssertEqual(b.state.count(.activity), set.operations.count - refused.count)
    }
}

extension CommitFastPathTests.Seeded: RandomNumberGenerator {}
