import Foundation
@testable import SalesArchive
import VaultCrypto
import VaultFormat
import XCTest

/// RECORDS.md §5, §6.1: the contact log read from the segments snapshots carry (the whole log,
/// or one customer's entries) is exactly the log a full replay of the records gives.
final class ContactLogTests: XCTestCase {
    var dir: TempDir!

    override func setUpWithError() throws { dir = try TempDir() }

    func create(_ name: String) throws -> String { try ArchiveFixture.create(name, in: dir) }
    func open(_ path: String) throws -> CustomerArchive { try ArchiveFixture.open(path) }

    /// A reading session (several may be open at once).
    func read(_ path: String) throws -> CustomerArchive {
        try CustomerArchive(vault: Vault.open(path: path, password: SecureBytes(Array("pw".utf8)), access: .readOnly))
    }

    /// The log entries in the state (removed ones included), optionally one customer's, in a
    /// comparable form.
    func entries(_ a: CustomerArchive, of customer: UInt64? = nil) -> [String] {
        var out: [String] = []
        a.state.eachIncludingRemoved(.activity) { e in
            if let customer, e["customer"]?.ref != customer { return }
            let values = e.values.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
            out.append("L\(e.id) \(e.createdAt) \(e.createdBy) \(e.updatedAt) \(e.removed) \(values)")
        }
        return out.sorted()
    }

    // MARK: A workload made on two archives alike, one of them with snapshots

    var customers: [UInt64] = []

    func addCustomers(_ a: CustomerArchive, _ n: Int) throws {
        var events: [ChangeEvent] = []
        customers = []
        for i in 0..<n {
            let id = a.state.nextID + UInt64(i)
            customers.append(id)
            events.append(ChangeEvent(.create, .customer, id, [FieldChange(field: 2, old: nil, new: .text("客户\(i)"))]))
        }
        try a.commit(events, now: day(0))
    }

    /// Logs `count` calls, one record each, spread over the customers; returns their ids.
    @discardableResult
    func logCalls(_ a: CustomerArchive, _ count: Int, at: Int64, seed: Int) throws -> [UInt64] {
        var batches: [ChangeBatch] = []
        var ids: [UInt64] = []
        for i in 0..<count {
            let id = a.state.nextID + UInt64(i)
            ids.append(id)
            let customer = customers[(i * 7 + seed) % customers.count]
            var changes = [FieldChange(field: 1, old: nil, new: .ref(customer)), FieldChange(field: 4, old: nil, new: .text(i % 2 == 0 ? "call" : "visit")),
                           FieldChange(field: 6, old: nil, new: .text("第\(seed)-\(i)次跟进"))]
            if i % 3 == 0 { changes.append(FieldChange(field: 8, old: nil, new: .day(20_000 + Int32(i)))) }
            batches.append(ChangeBatch(at: at + Int64(i), actor: i % 5 == 0 ? "经理 李" : "张伟", events: [ChangeEvent(.create, .activity, id, changes)]))
        }
        try a.commit(each: batches)
        return ids
    }

    func move(_ a: CustomerArchive, _ id: UInt64, from: UInt64?, to: UInt64?, at: Int64) throws {
        try a.commit([ChangeEvent(.update, .activity, id, [FieldChange(field: 1, old: from.map { .ref($0) }, new: to.map { .ref($0) })])], now: at)
    }

    func change(_ a: CustomerArchive, _ operation: ChangeEvent.Operation, _ id: UInt64, summary: String? = nil, at: Int64) throws {
        let changes = summary.map { [FieldChange(field: 6, old: nil, new: .text($0))] } ?? []
        try a.commit([ChangeEvent(operation, .activity, id, changes)], now: at)
    }

    /// Three sessions of calls, moves between customers, edits, a removal and its restore, with a
    /// snapshot after each (on `path` only when `snapshots`), then a fourth session whose records
    /// follow the last snapshot: new calls, and changes to entries the snapshots hold.
    func workload(_ path: String, snapshots: Bool) throws {
        var first: [UInt64] = []
        do {
            let a = try open(path)
            try addCustomers(a, 6)
            first = try logCalls(a, 40, at: day(1), seed: 1)
            if snapshots { try a.writeSnapshot(now: day(1, hour: 20)) }
        }
        do {
            let a = try open(path)
            try logCalls(a, 30, at: day(2), seed: 2)
            try move(a, first[0], from: customers[1], to: customers[2], at: day(2, hour: 12))
            try change(a, .update, first[1], summary: "改过的内容", at: day(2, hour: 13))
            try change(a, .remove, first[2], at: day(2, hour: 14))
            if snapshots { try a.writeSnapshot(now: day(2, hour: 20)) }
        }
        do {
            let a = try open(path)
            try change(a, .restore, first[2], at: day(3, hour: 9))
            try move(a, first[0], from: customers[2], to: customers[3], at: day(3, hour: 10))
            try move(a, first[3], from: customers[(3 * 7 + 1) % 6], to: nil, at: day(3, hour: 11))
            let third = try logCalls(a, 12, at: day(3, hour: 12), seed: 3)
            try move(a, third[0], from: customers[3], to: customers[0], at: day(3, hour: 13))
            if snapshots { try a.writeSnapshot(now: day(3, hour: 20)) }
        }
        do {
            let a = try open(path)
            let fourth = try logCalls(a, 9, at: day(4), seed: 4)
            try move(a, first[5], from: customers[(5 * 7 + 1) % 6], to: customers[4], at: day(4, hour: 12))  // into customer 4
            try change(a, .update, first[6], summary: "快照之后改的", at: day(4, hour: 13))
            try change(a, .remove, first[7], at: day(4, hour: 14))
            try move(a, fourth[1], from: customers[(1 * 7 + 4) % 6], to: customers[0], at: day(4, hour: 15))
        }
    }

    func testTheLogReadFromSnapshotsEqualsTheFullReplayEntryByEntry() throws {
        let plainPath = try create("plain.svault")
        let snapPath = try create("snap.svault")
        try workload(plainPath, snapshots: false)
        try workload(snapPath, snapshots: true)

        let plain = try read(plainPath)
        try plain.loadContactLog()
        XCTAssertEqual(plain.state.logDirectory, nil, "no snapshot: the log comes from the records")
        let expected = Set(entries(plain))
        XCTAssertEqual(expected.count, 91)

        // The whole log, in a fresh session.
        let s = try read(snapPath)
        let directory = try XCTUnwrap(s.state.logDirectory)
        XCTAssertEqual(directory.segments.count, 3, "one segment per snapshot")
        XCTAssertEqual(directory.entries, 82, "the entries that existed at the last snapshot")
        XCTAssertTrue(s.state.hasPendingLog, "records after the snapshot change entries it holds")
        XCTAssertEqual(s.state.count(.activity), 9, "at open, only the entries logged after the last snapshot")
        try s.loadContactLog()
        XCTAssertEqual(Set(entries(s)), expected)
        XCTAssertEqual(entries(s).count, expected.count, "no entry twice")
        XCTAssertEqual(s.state.nextID, plain.state.nextID)

        // One customer at a time, each in a fresh session: exactly that customer's entries.
        for customer in customers where customer != customers[4] {
            let c = try read(snapPath)
            let children = try c.children(.activity, of: customer)
            XCTAssertFalse(c.contactLogLoaded, "one customer's entries do not read the whole log")
            XCTAssertEqual(children.map(\.id), try plain.children(.activity, of: customer).map(\.id))
            XCTAssertEqual(entries(c, of: customer), entries(plain, of: customer), "removed entries included")
            XCTAssertTrue(Set(entries(c)).isSubset(of: expected), "every entry read is as the full replay has it")
            XCTAssertLessThan(entries(c).count, 40, "not the whole log")
        }
        // An entry moved to customer 4 after the snapshot is filed under its former customer
        // there: that customer's entries need the whole log.
        let c4 = try read(snapPath)
        XCTAssertEqual(try c4.children(.activity, of: customers[4]).map(\.id), try plain.children(.activity, of: customers[4]).map(\.id))
        XCTAssertTrue(c4.contactLogLoaded)
        XCTAssertEqual(Set(entries(c4)), expected)

        // Every customer in one session, then the whole log.
        let all = try read(snapPath)
        for customer in customers.reversed() {
            XCTAssertEqual(try all.children(.activity, of: customer).map(\.id), try plain.children(.activity, of: customer).map(\.id))
        }
        try all.loadContactLog()
        XCTAssertEqual(Set(entries(all)), expected)

        // History of one customer names its entries the same way.
        func lines(_ a: CustomerArchive, _ customer: UInt64) throws -> [String] {
            try a.history(customer: customer).map { "\($0.at) \($0.kind) \($0.id) \($0.field?.key ?? "-") \(String(describing: $0.new))" }
        }
        for customer in customers { XCTAssertEqual(try lines(try read(snapPath), customer), try lines(plain, customer)) }
        XCTAssertTrue(try s.vault.verify().isClean)
    }

    func testSnapshotsWithoutTheLogStillOpenAsBeforeAndTheNextSnapshotCarriesIt() throws {
        let plainPath = try create("plain.svault")
        let oldPath = try create("old.svault")
        for path in [plainPath, oldPath] {
            let a = try open(path)
            try addCustomers(a, 4)
            try logCalls(a, 20, at: day(1), seed: 1)
            if path == oldPath {
                // A snapshot as written before snapshots carried the log (RECORDS.md §6).
                let records = Snapshot.encode(a.state, covers: a.vault.header.recordCount, at: day(1, hour: 20))
                try a.vault.append(contentsOf: records, now: day(1, hour: 20), checkpoint: true)
            }
        }
        for path in [plainPath, oldPath] { try logCalls(try open(path), 5, at: day(2), seed: 2) }
        let plain = try open(plainPath)
        try plain.loadContactLog()

        do {
            let old = try open(oldPath)
            XCTAssertNil(old.state.logDirectory)
            XCTAssertEqual(old.state.count(.activity), 0, "deferred, as before")
            XCTAssertEqual(try old.children(.activity, of: customers[1]).map(\.id), try plain.children(.activity, of: customers[1]).map(\.id))
            XCTAssertTrue(old.contactLogLoaded, "read from the records, as before")
            XCTAssertEqual(entries(old), entries(plain))

            // The next snapshot carries the whole log in one segment.
            try old.writeSnapshot(now: day(3))
            try logCalls(old, 3, at: day(3, hour: 12), seed: 3)
            try logCalls(plain, 3, at: day(3, hour: 12), seed: 3)
        }
        let reopened = try read(oldPath)
        XCTAssertEqual(reopened.state.logDirectory?.segments.count, 1)
        XCTAssertEqual(reopened.state.logDirectory?.entries, 25)
        let one = try read(oldPath)
        XCTAssertEqual(try one.children(.activity, of: customers[2]).map(\.id), try plain.children(.activity, of: customers[2]).map(\.id))
        XCTAssertFalse(one.contactLogLoaded)
        XCTAssertEqual(entries(one, of: customers[2]), entries(plain, of: customers[2]))
        try reopened.loadContactLog()
        XCTAssertEqual(entries(reopened), entries(plain))
    }

    func testSnapshotsWrittenWhileTheLogIsPartlyReadStayExact() throws {
        let plainPath = try create("plain.svault")
        let snapPath = try create("snap.svault")
        try workload(plainPath, snapshots: false)
        try workload(snapPath, snapshots: true)
        let plain = try open(plainPath)

        // Changes to older entries are waiting: the snapshot reads the whole log first.
        do {
            let a = try open(snapPath)
            XCTAssertTrue(a.state.hasPendingLog)
            _ = try a.children(.activity, of: customers[0])
            try a.writeSnapshot(now: day(5))
            XCTAssertTrue(a.contactLogLoaded)
            XCTAssertEqual(a.state.logDirectory?.segments.count, 4)
        }
        // Nothing waits now: a session reads one customer, logs calls, writes a snapshot of only
        // what changed, then reads the whole log.
        let before = try plain.children(.activity, of: customers[1]).map(\.id)
        try logCalls(plain, 6, at: day(6), seed: 6)
        try plain.loadContactLog()
        do {
            let a = try open(snapPath)
            XCTAssertFalse(a.state.hasPendingLog)
            XCTAssertEqual(try a.children(.activity, of: customers[1]).map(\.id), before)
            try logCalls(a, 6, at: day(6), seed: 6)
            try a.writeSnapshot(now: day(6, hour: 20))
            XCTAssertFalse(a.contactLogLoaded)
            XCTAssertEqual(a.state.logDirectory?.segments.count, 5)
            XCTAssertEqual(a.state.logDirectory?.segments.last?.parts.count, 2, "six new entries, both shards")
            try a.loadContactLog()
            XCTAssertEqual(entries(a), entries(plain))
        }
        let b = try read(snapPath)
        try b.loadContactLog()
        XCTAssertEqual(entries(b), entries(plain))
    }

    func testAfterManySegmentsTheNextSnapshotWritesTheWholeLogAgain() throws {
        let path = try create("many.svault")
        var expected: [String] = []
        do {
            let a = try open(path)
            try addCustomers(a, 3)
            for i in 0..<Snapshot.compactAfterSegments {
                try logCalls(a, 2, at: day(1) + Int64(i) * 60, seed: i)
                try a.writeSnapshot(now: day(1) + Int64(i) * 60 + 30)
            }
            XCTAssertEqual(a.state.logDirectory?.segments.count, Snapshot.compactAfterSegments)
        }
        do {
            let b = try read(path)
            try b.loadContactLog()
            expected = entries(b)
            XCTAssertEqual(expected.count, 2 * Snapshot.compactAfterSegments)
        }
        do {
            let a = try open(path)
            try logCalls(a, 2, at: day(2), seed: 99)
            try a.writeSnapshot(now: day(2, hour: 1))
            XCTAssertEqual(a.state.logDirectory?.segments.count, 1, "one full segment replaces them")
            XCTAssertTrue(a.contactLogLoaded)
            expected = entries(a)
        }
        let b = try read(path)
        try b.loadContactLog()
        XCTAssertEqual(entries(b), expected)
        XCTAssertEqual(expected.count, 2 * Snapshot.compactAfterSegments + 2)
    }

    func testAnEntryMovedToAnotherCustomerLeavesAStubEvenWhenItsEventOmitsTheOldCustomer() throws {
        let path = try create("stub.svault")
        var moved: UInt64 = 0
        do {
            let a = try open(path)
            try addCustomers(a, 3)
            moved = try logCalls(a, 6, at: day(1), seed: 0)[0]  // filed under customer 0
            try a.writeSnapshot(now: day(1, hour: 20))
        }
        do {
            let a = try open(path)
            try move(a, moved, from: nil, to: customers[1], at: day(2))  // a writer that left out the old value
            try a.writeSnapshot(now: day(2, hour: 20))
            let part = try XCTUnwrap(a.state.logDirectory?.segments.last?.parts.first)
            XCTAssertEqual([part.first, part.last], [customers[0], customers[1]], "a stub under the customer it left, the entry under its new one")
        }
        XCTAssertFalse(try read(path).children(.activity, of: customers[0]).map(\.id).contains(moved))
        XCTAssertTrue(try read(path).children(.activity, of: customers[1]).map(\.id).contains(moved))
    }

    // MARK: Adversarial: the parts themselves

    /// A small archive (three customers, twelve calls) whose log is read, the records of a
    /// snapshot of it (meta, entity parts, one log part per shard, directory) and their time.
    struct Crafted {
        let archive: CustomerArchive
        let records: [[UInt8]]
        let directory: LogDirectory
        let at: Int64
        var covers: UInt64 { archive.vault.header.recordCount }
        var logParts: Range<Int> { (records.count - 1 - directory.allParts.count)..<(records.count - 1) }
    }

    /// Makes the archive `name`, lets `body` append what it makes of the snapshot, and closes it.
    func craft(_ name: String, _ body: (Crafted) throws -> Void) throws -> String {
        let path = try create(name)
        let a = try open(path)
        try addCustomers(a, 3)
        try logCalls(a, 12, at: day(1), seed: 1)
        try a.loadContactLog()
        let at = day(1, hour: 20)
        let (records, directory) = try Snapshot.encode(a.state, covers: a.vault.header.recordCount, at: at, log: a.state.logPlan(full: true),
                                                       offset: a.vault.header.bodyLength)
        try body(Crafted(archive: a, records: records, directory: directory, at: at))
        return path
    }

    /// Appends `records` as a snapshot at the checkpoint, then `after` as raw change sets
    /// (without the writer's checks).
    func append(_ c: Crafted, _ records: [[UInt8]], after: [[ChangeEvent]] = []) throws {
        let vault = c.archive.vault
        try vault.append(contentsOf: records, now: c.at, checkpoint: true)
        for events in after {
            let index = vault.header.recordCount
            try vault.append(BatchCodec.encode(ChangeBatch(at: c.at + 1, actor: "x", batch: index, label: "raw", events: events)), now: c.at + 1)
        }
    }

    /// `c`'s records with the directory replaced by `directory`.
    func with(_ c: Crafted, _ directory: LogDirectory) -> [[UInt8]] {
        var records = c.records
        records[records.count - 1] = Snapshot.encodeDirectory(directory, at: c.at)
        return records
    }

    func replacing(_ directory: LogDirectory, part n: Int, with part: LogDirectory.Part) -> LogDirectory {
        var parts = directory.segments[0].parts
        parts[n] = part
        return LogDirectory(entries: directory.entries, segments: [.init(snapshot: directory.segments[0].snapshot, parts: parts)])
    }

    func testEveryPrefixOfALogPartOrOfADirectoryIsRefused() throws {
        _ = try craft("parts.svault") { c in
            let parts = c.directory.allParts
            XCTAssertEqual(parts.count, 2, "one part per shard")
            let nextID = c.archive.state.nextID
            for (part, payload) in zip(parts, c.records[c.logParts]) {
                var items: [LogItem] = []
                try Snapshot.visitLogPart(payload, expected: part, nextID: nextID) { items.append($0) }
                XCTAssertEqual(items.count, 6)
                for k in 0..<payload.count {
                    XCTAssertThrowsError(try Snapshot.visitLogPart(Array(payload.prefix(k)), expected: part, nextID: nextID) { _ in }, "prefix \(k)")
                }
                XCTAssertThrowsError(try Snapshot.visitLogPart(payload + [0], expected: part, nextID: nextID) { _ in }, "trailing bytes")
                XCTAssertThrowsError(try Snapshot.visitLogPart(payload, expected: part, nextID: items.map(\.id).max()!) { _ in }, "an id from the future")
                let otherShard = LogDirectory.Part(index: part.index, offset: part.offset, digest: part.digest, shard: 1 - part.shard, first: part.first, last: part.last)
                XCTAssertThrowsError(try Snapshot.visitLogPart(payload, expected: otherShard, nextID: nextID) { _ in }, "another shard")
            }
            let meta = try Snapshot.decodeMeta(c.records[0])
            let encoded = c.records[c.records.count - 1]
            let body = UInt64.max >> 2
            XCTAssertEqual(try Snapshot.decodeDirectory(encoded, meta: meta, bodyLength: body), c.directory)
            for k in 0..<encoded.count {
                XCTAssertThrowsError(try Snapshot.decodeDirectory(Array(encoded.prefix(k)), meta: meta, bodyLength: body), "prefix \(k)")
            }
            XCTAssertThrowsError(try Snapshot.decodeDirectory(encoded + [0], meta: meta, bodyLength: body), "trailing bytes")
            XCTAssertThrowsError(try Snapshot.decodeDirectory(encoded, meta: meta, bodyLength: c.directory.allParts[1].offset), "a part past the body")
            XCTAssertEqual(try Snapshot.peekPart(encoded, at: c.at), .directory)
            XCTAssertEqual(try Snapshot.peekPart(c.records[c.logParts.last!], at: c.at), .log(shard: 1))
        }
    }

    func testDuplicatesAreRefused() throws {
        // The same part twice, or a segment twice, in a directory: refused when it is decoded.
        _ = try craft("dup.svault") { c in
            let meta = try Snapshot.decodeMeta(c.records[0])
            let segment = c.directory.segments[0]
            for bad in [
                LogDirectory(entries: c.directory.entries, segments: [.init(snapshot: segment.snapshot, parts: segment.parts + [segment.parts[1]])]),
                LogDirectory(entries: c.directory.entries, segments: [segment, segment]),
            ] {
                XCTAssertThrowsError(try Snapshot.decodeDirectory(Snapshot.encodeDirectory(bad, at: meta.at), meta: meta, bodyLength: UInt64.max >> 2))
            }
        }
        // Two directories in one snapshot: refused at open.
        let two = try craft("two.svault") { c in
            var twice = c.records + [c.records.last!]
            twice[0] = Snapshot.metaRecord(c.archive.state, covers: c.covers, parts: twice.count, at: c.at)
            try append(c, twice)
        }
        XCTAssertThrowsError(try read(two)) { XCTAssertEqual(($0 as? ArchiveError)?.code, .corruptRecord) }
        // One entry twice in a segment (filed under two customers): refused when the whole log
        // is read.
        let entry = try craft("entry.svault") { c in
            var plan = try c.archive.state.logPlan(full: true)
            var copy = plan.entries[0][0]
            copy[number: 1] = .ref(customers.first { $0 != Snapshot.customer(of: copy) }!)
            plan.entries[0].append(copy)
            try append(c, try Snapshot.encode(c.archive.state, covers: c.covers, at: c.at, log: plan, offset: c.archive.vault.header.bodyLength).records)
        }
        XCTAssertThrowsError(try read(entry).loadContactLog()) { XCTAssertEqual(($0 as? ArchiveError)?.code, .corruptRecord) }
    }

    // MARK: Adversarial: a snapshot that disagrees with the records

    func assertCorrupt(_ body: () throws -> Void, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), message, file: file, line: line) { error in
            XCTAssertTrue((error as? ArchiveError)?.code == .corruptRecord || error is VaultError, "\(error)", file: file, line: line)
        }
    }

    func testADirectoryThatDoesNotPinItsPartsIsCaughtWhenAPartIsRead() throws {
        // A digest that does not match the part.
        var first: UInt64 = 0
        let digest = try craft("digest.svault") { c in
            let p = c.directory.allParts[0]
            first = p.first
            var d = p.digest
            d[0] ^= 1
            try append(c, with(c, replacing(c.directory, part: 0, with: .init(index: p.index, offset: p.offset, digest: d, shard: p.shard, first: p.first, last: p.last))))
        }
        let opened = try read(digest)  // parts are not read at open
        assertCorrupt({ _ = try opened.children(.activity, of: first) }, "one customer's entries")
        assertCorrupt({ try read(digest).loadContactLog() }, "the whole log")

        // An offset where another record starts (the directory's own): its tag names another index.
        let offset = try craft("offset.svault") { c in
            let p = c.directory.allParts[1]
            let directoryOffset = p.offset + UInt64(c.records[c.logParts.last!].count + FormatV1.recordOverhead)
            first = p.first
            try append(c, with(c, replacing(c.directory, part: 1, with: .init(index: p.index, offset: directoryOffset, digest: p.digest, shard: p.shard, first: p.first, last: p.last))))
        }
        XCTAssertNoThrow(try read(offset))
        assertCorrupt({ try read(offset).loadContactLog() }, "the whole log")
        XCTAssertThrowsError(try read(offset).children(.activity, of: first)) { XCTAssertTrue($0 is VaultError, "\($0)") }
    }

    func testASnapshotThatDisagreesWithTheRecordsIsCaughtWhereTheSpecSays() throws {
        // The directory's entry count is not what its parts hold: when the whole log is read.
        let count = try craft("count.svault") { c in
            try append(c, with(c, LogDirectory(entries: c.directory.entries + 1, segments: c.directory.segments)))
        }
        XCTAssertNoThrow(try read(count).children(.activity, of: customers[0]))
        let session = try read(count)
        let before = entries(session)
        assertCorrupt({ try session.loadContactLog() }, "count")
        XCTAssertFalse(session.contactLogLoaded)
        XCTAssertTrue(session.state.logIsPartial, "a refused read leaves the state as it was")
        XCTAssertEqual(entries(session), before)

        // The segment leaves out an entry that a record after the snapshot changes: when the
        // whole log is read (one customer's entries cannot tell).
        let missing = try craft("missing.svault") { c in
            var plan = try c.archive.state.logPlan(full: true)
            let left = plan.entries[1].removeFirst()
            plan.total -= 1
            let records = try Snapshot.encode(c.archive.state, covers: c.covers, at: c.at, log: plan, offset: c.archive.vault.header.bodyLength).records
            try append(c, records, after: [[ChangeEvent(.update, .activity, left.id, [FieldChange(field: 6, old: nil, new: .text("x"))])]])
        }
        XCTAssertTrue(try read(missing).state.hasPendingLog)
        assertCorrupt({ try read(missing).loadContactLog() }, "changed before it was created")

        // An entry created after the snapshot that its log already holds: when either read
        // meets it.
        var held: UInt64 = 0
        let twice = try craft("twice.svault") { c in
            let e = try c.archive.state.logPlan(full: true).entries[0][0]
            held = Snapshot.customer(of: e)
            try append(c, c.records, after: [[ChangeEvent(.create, .activity, e.id, [FieldChange(field: 1, old: nil, new: .ref(held))])]])
        }
        assertCorrupt({ _ = try read(twice).children(.activity, of: held) }, "one customer's entries")
        assertCorrupt({ try read(twice).loadContactLog() }, "the whole log")

        // An entry filed under a customer its field 1 does not name: when its part is read.
        let filed = try craft("filed.svault") { c in
            var records = c.records
            let n = c.logParts.first!
            var part = records[n]
            let at = part.withUnsafeBytes { raw -> Int in
                var d = BatchCodec.Decoder(raw)
                _ = try? Snapshot.partHeader(&d)
                _ = try? d.u8()
                for _ in 0..<((try? d.varint()) ?? 0) { _ = try? d.text() }
                _ = try? d.varint()
                return d.offset
            }
            XCTAssertLessThan(part[at], 0x80, "a one-byte customer id")
            part[at] = 0  // the first item now claims no customer
            records[n] = part
            let p = c.directory.allParts[0]
            records[records.count - 1] = Snapshot.encodeDirectory(
                replacing(c.directory, part: 0, with: .init(index: p.index, offset: p.offset, digest: try SHA256.hash(part), shard: p.shard, first: 0, last: p.last)), at: c.at)
            try append(c, records)
        }
        assertCorrupt({ try read(filed).loadContactLog() }, "filed under another customer")

        // A directory that does not list the snapshot's own log parts, and log parts without a
        // directory: at open.
        let unlisted = try craft("unlisted.svault") { c in try append(c, with(c, LogDirectory(entries: 0, segments: []))) }
        assertCorrupt({ _ = try read(unlisted) }, "own parts not listed")
        let bare = try craft("bare.svault") { c in
            var records = Array(c.records.dropLast())
            records[0] = Snapshot.metaRecord(c.archive.state, covers: c.covers, parts: records.count, at: c.at)
            try append(c, records)
        }
        assertCorrupt({ _ = try read(bare) }, "log parts without a directory")
    }
}

// MARK: - New entries saved without being applied (a large import of a contact log)

extension ContactLogTests {
    /// One change set of `count` new entries over the customers, and the last contact of the
    /// first customer (as an import of a contact log writes it); returns the entries' ids.
    @discardableResult
    func importLog(_ a: CustomerArchive, _ count: Int, at: Int64, seed: Int) throws -> [UInt64] {
        let first = a.state.nextID
        var events: [ChangeEvent] = []
        for i in 0..<count {
            let customer = customers[(i * 5 + seed) % customers.count]
            events.append(ChangeEvent(.create, .activity, first + UInt64(i), [
                FieldChange(field: 1, old: nil, new: .ref(customer)), FieldChange(field: 4, old: nil, new: .text("call")),
                FieldChange(field: 6, old: nil, new: .text("导入\(seed)-\(i)")),
            ]))
        }
        events.append(ChangeEvent(.update, .customer, customers[0], [FieldChange(field: 18, old: nil, new: .int(at))]))
        try a.commit(events, now: at)
        return (0..<count).map { first + UInt64($0) }
    }

    func customerDump(_ a: CustomerArchive) -> [String] {
        a.state.all(.customer).map { e in "\(e.id) \(e.updatedAt) " + e.values.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",") }
    }

    /// A large set of new entries is saved without being applied: the session counts their ids
    /// (new entries after it take the next ones), reads them back from the records when a
    /// change or a query needs them, and then holds exactly what a new session reads.
    func testALargeImportOfNewEntriesIsReadBackWhenNeededAndEqualsTheRecords() throws {
        let path = try create("a.svault")
        do {
            let a = try open(path)
            try addCustomers(a, 6)
            try logCalls(a, 10, at: day(1), seed: 1)
        }
        /// What a session holds, then what a new session reads (the session closed first).
        func assertAsReadAgain(_ a: inout CustomerArchive?, _ what: String, line: UInt = #line) throws {
            let held = (entries(a!), customerDump(a!), a!.state.nextID, a!.state.batchTimes)
            a = nil
            let b = try read(path)
            try b.loadContactLog()
            XCTAssertEqual(held.0, entries(b), what, line: line)
            XCTAssertEqual(held.1, customerDump(b), what, line: line)
            XCTAssertEqual(held.2, b.state.nextID, what, line: line)
            XCTAssertEqual(held.3, b.state.batchTimes, what, line: line)
        }
        var a: CustomerArchive? = try open(path)
        _ = try a!.children(.activity, of: customers[2])  // the older log read
        XCTAssertTrue(a!.contactLogLoaded)
        let before = a!.state.count(.activity)
        let imported = try importLog(a!, 5_000, at: day(2), seed: 2)
        XCTAssertFalse(a!.contactLogLoaded, "saved, not applied")
        XCTAssertEqual(a!.deferredLog.count, 1)
        XCTAssertEqual(a!.state.count(.activity), before)
        XCTAssertEqual(a!.state.nextID, imported.last! + 1, "their ids are counted")
        XCTAssertEqual(a!.state.entity(.customer, customers[0])?["lastContactAt"], .int(day(2)), "the other events are applied")
        // New entries need none of them, and take the next ids.
        let later = try logCalls(a!, 3, at: day(3), seed: 3)
        XCTAssertEqual(later.first, imported.last! + 1)
        XCTAssertFalse(a!.deferredLog.isEmpty)
        // A change to one of them reads them back first.
        try change(a!, .update, imported[10], summary: "导入后修改", at: day(3, hour: 12))
        XCTAssertTrue(a!.contactLogLoaded)
        XCTAssertEqual(a!.state.count(.activity), before + 5_000 + 3)
        XCTAssertEqual(a!.state.entity(.activity, imported[10])?["summary"]?.text, "导入后修改")
        try assertAsReadAgain(&a, "after a change to an entry saved without being applied")

        // Queries read them back too: one customer's entries.
        a = try open(path)
        try importLog(a!, 4_100, at: day(4), seed: 4)
        XCTAssertFalse(a!.deferredLog.isEmpty)
        let of1 = try a!.children(.activity, of: customers[1]).map(\.id)
        XCTAssertTrue(a!.deferredLog.isEmpty)
        XCTAssertGreaterThan(of1.count, 800, "the imported entries are there")
        try assertAsReadAgain(&a, "after one customer's entries were asked for")
        do {
            let b = try read(path)
            XCTAssertEqual(of1, try b.children(.activity, of: customers[1]).map(\.id))
        }
        // Undoing the import in the same session.
        a = try open(path)
        try a!.loadContactLog()
        let liveBefore = a!.state.all(.activity).count
        try importLog(a!, 4_200, at: day(5), seed: 5)
        XCTAssertFalse(a!.deferredLog.isEmpty)
        try a!.undo(batch: a!.vault.header.recordCount - 1, now: day(5, hour: 12))
        XCTAssertTrue(a!.contactLogLoaded)
        XCTAssertEqual(a!.state.all(.activity).count, liveBefore, "the live entries: as before the import")
        try assertAsReadAgain(&a, "after the import was undone in its session")
        // A small set is applied at once.
        a = try open(path)
        try a!.loadContactLog()
        let held = a!.state.count(.activity)
        try importLog(a!, 100, at: day(6), seed: 6)
        XCTAssertTrue(a!.contactLogLoaded)
        XCTAssertEqual(a!.state.count(.activity), held + 100)
    }

    /// With a snapshot that carries the log: one customer's entries, a snapshot written in the
    /// same session, and the next session's log all hold the entries saved without being applied.
    func testEntriesSavedWithoutBeingAppliedAreInTheNextSnapshotAndInACustomersLog() throws {
        let plainPath = try create("plain.svault")
        let snapPath = try create("snap.svault")
        try workload(plainPath, snapshots: false)
        try workload(snapPath, snapshots: true)
        var snapshotAt: UInt64 = 0
        let plain = try open(plainPath)
        try importLog(plain, 4_500, at: day(5), seed: 7)
        try plain.loadContactLog()
        do {
            let a = try open(snapPath)
            XCTAssertTrue(a.state.logIsPartial)
            try importLog(a, 4_500, at: day(5), seed: 7)
            XCTAssertFalse(a.deferredLog.isEmpty)
            XCTAssertEqual(try a.children(.activity, of: customers[3]).map(\.id), try plain.children(.activity, of: customers[3]).map(\.id))
        }
        do {
            let a = try open(snapPath)
            try importLog(a, 4_400, at: day(6), seed: 8)
            snapshotAt = a.vault.header.recordCount
            try a.writeSnapshot(now: day(6, hour: 20))
            XCTAssertTrue(a.deferredLog.isEmpty, "read back for the snapshot")
        }
        try importLog(plain, 4_400, at: day(6), seed: 8)
        try plain.loadContactLog()
        let b = try read(snapPath)
        XCTAssertEqual(b.vault.header.checkpoint?.index, snapshotAt, "opened from the new snapshot")
        XCTAssertTrue(b.state.logIsPartial)
        try b.loadContactLog()
        XCTAssertEqual(entries(b), entries(plain))
        XCTAssertEqual(customerDump(b), customerDump(plain))
    }
}
