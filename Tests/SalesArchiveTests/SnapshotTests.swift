import Foundation
@testable import SalesArchive
import VaultCrypto
import VaultFormat
import XCTest

/// RECORDS.md §6: a snapshot at the vault's checkpoint gives exactly the state a full replay gives.
final class SnapshotTests: XCTestCase {
    var dir: TempDir!

    override func setUpWithError() throws { dir = try TempDir() }

    func create(_ name: String) throws -> String { try ArchiveFixture.create(name, in: dir) }
    func open(_ path: String) throws -> CustomerArchive { try ArchiveFixture.open(path) }

    /// Everything about every entity, removed ones included, in a comparable form.
    func dump(_ a: CustomerArchive, without skipped: EntityKind? = nil) -> [String] {
        var out: [String] = []
        for kind in EntityKind.allCases where kind != skipped {
            a.state.eachIncludingRemoved(kind) { e in
                let values = e.values.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
                out.append("\(kind) \(e.id) \(e.createdAt) \(e.createdBy) \(e.updatedAt) \(e.removed) \(values)")
            }
        }
        return out.sorted()
    }

    /// Part of a week: every kind of entity, a removal, grade and stage changes, a complaint.
    func firstDays(_ a: CustomerArchive) throws {
        try a.addCustomer(name: "华为技术有限公司", fields: [("grade", "C"), ("industry", "通信")], now: day(0))
        try a.addCustomer(name: "Acme Trading Ltd", now: day(0, hour: 11))
        try a.addCustomer(name: "Temp Co", now: day(0, hour: 12))
        try a.addContact(customer: "华为", name: "王敏", fields: [("role", "decisionMaker"), ("background", "清华毕业")], now: day(0))
        try a.logActivity(customer: "华为", type: "visit", summary: "介绍方案", at: day(1), contacts: ["王敏"], now: day(1))
        try a.setGrade("华为", to: "B", reason: "预算已批", now: day(1, hour: 14))
        _ = try a.remove(.customer, "Temp Co", now: day(1, hour: 15))
        try a.addProject(customer: "华为", name: "园区网络", now: day(1, hour: 16))
        try a.setStage("园区", to: "2", reason: nil, now: day(1, hour: 17))
        try a.fileComplaint(customer: "华为", about: "售后 李强", description: "迟到", receivedAt: day(1), now: day(1, hour: 18))
    }

    func laterDays(_ a: CustomerArchive) throws {
        try a.logActivity(customer: "Acme", type: "call", summary: "first call", at: day(2), now: day(2))
        try a.setStage("园区", to: "3", reason: nil, now: day(2, hour: 11))
        try a.routeComplaint("TS", manager: true, director: true, now: day(2, hour: 12))
        try a.edit(.contact, "王敏", fields: [("title", "CIO")], now: day(2, hour: 13))
        try a.addCustomer(name: "Beta 公司", now: day(3))
    }

    func testOpeningFromASnapshotGivesExactlyTheReplayedState() throws {
        let plain = try create("plain.svault")
        let snap = try create("snap.svault")
        try firstDays(try open(plain))
        do {
            let a = try open(snap)
            try firstDays(a)
            try a.writeSnapshot(now: day(1, hour: 20))
        }
        try laterDays(try open(plain))
        try laterDays(try open(snap))

        let p = try open(plain)
        let s = try open(snap)
        let checkpoint = try XCTUnwrap(s.vault.header.checkpoint, "the snapshot is the vault's checkpoint")
        XCTAssertEqual(checkpoint.index, 10, "after the ten records of the first days")
        XCTAssertNil(p.vault.header.checkpoint)
        XCTAssertEqual(dump(s, without: .activity), dump(p, without: .activity), "customers, contacts, projects, complaints as of now")
        XCTAssertEqual(s.state.nextID, p.state.nextID)
        XCTAssertEqual(s.state.batchTimes.count, Int(s.vault.header.recordCount), "one time per record, snapshot records included")
        XCTAssertEqual(s.state.count(.activity), 1, "only the entry logged after the snapshot is read at open")
        try s.loadContactLog()
        try p.loadContactLog()
        XCTAssertEqual(dump(s), dump(p), "the contact log is read from the records, before and after the snapshot")
        XCTAssertEqual(s.state.count(.activity), 2)

        // History skips the snapshot's records and is the same as without one.
        func lines(_ a: CustomerArchive, since: Int64) throws -> [String] {
            try a.history(since: since).map { "\($0.at) \($0.actor) \($0.operation) \($0.kind) \($0.id) \($0.field?.key ?? "-") \(String(describing: $0.old)) \(String(describing: $0.new)) \($0.reason ?? "")" }
        }
        XCTAssertEqual(try lines(s, since: .min), try lines(p, since: .min))
        XCTAssertEqual(try lines(s, since: day(1, hour: 16)), try lines(p, since: day(1, hour: 16)))
        XCTAssertFalse(try lines(s, since: day(2)).isEmpty)

        // New ids continue after the snapshot's.
        let next = try s.addCustomer(name: "Gamma", now: day(4))
        let nextPlain = try p.addCustomer(name: "Gamma", now: day(4))
        XCTAssertEqual(next.id, nextPlain.id)
        XCTAssertTrue(try s.vault.verify().isClean)
    }

    func testASnapshotIsDueAfterEnoughRecordsAndAgainOnlyAfterTwiceItsBytes() throws {
        let path = try create("due.svault")
        var id: UInt64 = 0
        do {
        let a = try open(path)
        try a.addCustomer(name: "华为", now: day(0))
        XCTAssertFalse(a.snapshotDue)
        let customer = try a.resolve(.customer, "华为").id
        var batches: [ChangeBatch] = []
        id = a.state.nextID
        for i in 0..<Int(CustomerArchive.snapshotMinRecords) {
            batches.append(ChangeBatch(at: day(1) + Int64(i), actor: "张伟", events: [
                ChangeEvent(.create, .activity, id, [FieldChange(field: 1, old: nil, new: .ref(customer)), FieldChange(field: 4, old: nil, new: .text("call")),
                                                    FieldChange(field: 6, old: nil, new: .text("call \(i)"))]),
            ]))
            id += 1
        }
        try a.commit(each: Array(batches.dropLast(2)))
        XCTAssertEqual(a.vault.header.recordCount, CustomerArchive.snapshotMinRecords - 1)
        XCTAssertFalse(a.snapshotDue, "one record short")
        try a.commit(each: batches.suffix(2))
        XCTAssertTrue(a.snapshotDue)
        try a.writeSnapshot(now: day(2))
        XCTAssertFalse(a.snapshotDue)
        XCTAssertEqual(a.vault.header.checkpoint?.index, CustomerArchive.snapshotMinRecords + 1)
        // The next one waits for twice the bytes this snapshot's summary took (all but its log
        // parts, RECORDS.md §6), even after many records.
        let snapshotBytes = a.vault.header.bodyLength - a.vault.header.checkpoint!.offset
        let directory = try XCTUnwrap(a.state.logDirectory)
        XCTAssertEqual(directory.entries, CustomerArchive.snapshotMinRecords)
        let directoryBytes = UInt64(Snapshot.encodeDirectory(directory, at: day(2)).count + FormatV1.recordOverhead)
        let logBytes = a.vault.header.bodyLength - directoryBytes - directory.allParts[0].offset
        let summaryBytes = snapshotBytes - logBytes
        XCTAssertLessThan(summaryBytes, snapshotBytes / 4, "the log segment is most of this snapshot")
        var more: [ChangeBatch] = []
        for i in 0..<Int(CustomerArchive.snapshotMinRecords) {
            more.append(ChangeBatch(at: day(3) + Int64(i), actor: "张伟", events: [ChangeEvent(.update, .customer, customer, [FieldChange(field: 17, old: nil, new: .text("n\(i % 10)"))])]))
        }
        try a.commit(each: more)
        let bytesSince = a.vault.header.bodyLength - a.vault.header.checkpoint!.offset - snapshotBytes
        XCTAssertEqual(a.snapshotDue, bytesSince >= 2 * summaryBytes)
        }

        let reopened = try open(path)
        XCTAssertEqual(reopened.state.count(.customer), 1)
        XCTAssertEqual(reopened.state.nextID, id)
        try reopened.loadContactLog()
        XCTAssertEqual(reopened.state.count(.activity), Int(CustomerArchive.snapshotMinRecords))
    }

    func testACheckpointThatIsNotASnapshotIsRefused() throws {
        let path = try create("bad.svault")
        do {
            let a = try open(path)
            try a.addCustomer(name: "华为", now: day(0))
            let batch = BatchCodec.encode(ChangeBatch(at: day(1), actor: "x", events: [ChangeEvent(.create, .customer, 99, [])]))
            try a.vault.append(contentsOf: [batch], now: day(1), checkpoint: true)
        }
        XCTAssertThrowsError(try open(path)) { XCTAssertEqual(($0 as? ArchiveError)?.code, .corruptRecord) }

        // A snapshot cut short (its meta promises more parts than follow) is refused too.
        let short = try create("short.svault")
        do {
            let a = try open(short)
            try a.addCustomer(name: "华为", now: day(0))
            let parts = Snapshot.encode(a.state, covers: a.vault.header.recordCount, at: day(1))
            XCTAssertEqual(parts.count, 2, "meta and one customer part")
            try a.vault.append(contentsOf: [parts[0]], now: day(1), checkpoint: true)
        }
        XCTAssertThrowsError(try open(short)) { XCTAssertEqual(($0 as? ArchiveError)?.code, .corruptRecord) }
    }

    func testSnapshotPartRoundTripAndEveryTruncationRefused() throws {
        let path = try create("rt.svault")
        let a = try open(path)
        try firstDays(a)
        let parts = Snapshot.encode(a.state, covers: a.vault.header.recordCount, at: day(2))
        let meta = try Snapshot.decodeMeta(parts[0])
        XCTAssertEqual(meta.covers, 10)
        XCTAssertEqual(meta.parts, parts.count)
        XCTAssertEqual(meta.batchTimes, a.state.batchTimes)
        for part in parts.dropFirst() {
            for n in 0..<part.count {
                XCTAssertThrowsError(try Snapshot.visitPart(Array(part.prefix(n))) { _ in }, "prefix \(n)")
            }
            XCTAssertThrowsError(try Snapshot.visitPart(part + [0]) { _ in })
        }
        for n in 0..<parts[0].count { XCTAssertThrowsError(try Snapshot.decodeMeta(Array(parts[0].prefix(n)))) }
    }
}

/// Hostile entity ids (FORMAT.md §5.6, RECORDS.md §3): no arithmetic trap, a clear refusal.
final class EntityIDBoundTests: XCTestCase {
    func testNextIDSaturatesAndCreatingAboveTheBoundIsRefused() throws {
        var state = ArchiveState()
        let hostile = ChangeBatch(at: 1, actor: "x", events: [ChangeEvent(.create, .customer, UInt64.max, [FieldChange(field: 1, old: nil, new: .text("A"))])])
        XCTAssertThrowsError(try state.check(hostile)) { XCTAssertTrue("\($0)".contains("no more ids"), "\($0)") }
        try state.apply(hostile)  // a record already in an (unsigned) archive: applied, no trap
        XCTAssertEqual(state.nextID, UInt64.max)
        let next = ChangeBatch(at: 2, actor: "x", events: [ChangeEvent(.create, .customer, state.nextID, [FieldChange(field: 1, old: nil, new: .text("B"))])])
        XCTAssertThrowsError(try state.check(next))
    }

    func testTheEscrowUsesAfterTheSignatureMustTakeTheNextIds() throws {
        XCTAssertNoThrow(try CustomerArchive.checkTailIDs([7, 8], signedCount: 3, firstID: 7))
        XCTAssertThrowsError(try CustomerArchive.checkTailIDs([6], signedCount: 3, firstID: 7), "an id already used") { error in
            XCTAssertEqual((error as? ArchiveError)?.writtenWithoutOwner, true, "told apart from damage by a flag, not by its English text")
        }
        XCTAssertThrowsError(try CustomerArchive.checkTailIDs([7, 9], signedCount: 3, firstID: 7), "out of order")
        XCTAssertThrowsError(try CustomerArchive.checkTailIDs([UInt64.max], signedCount: 3, firstID: UInt64.max - 1))
    }
}
