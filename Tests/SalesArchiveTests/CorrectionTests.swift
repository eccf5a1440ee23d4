import Foundation
@testable import SalesArchive
import XCTest

/// Corrections with the history kept (issue 12): a log entry edited or removed, a complaint
/// withdrawn or found unfounded; a change that changes nothing writes nothing.
final class CorrectionTests: XCTestCase {
    var fixture: ArchiveFixture!

    override func setUpWithError() throws { fixture = try ArchiveFixture() }

    func testEditingALogEntryKeepsTheOldValueInHistoryAndMovesTheFollowUp() throws {
        var a: CustomerArchive! = try fixture.open()
        try a.addCustomer(name: "华为技术有限公司", now: day(0))
        try a.logActivity(customer: "华为", type: "call", summary: "约拜访", at: day(0), now: day(0))
        let visit = try a.logActivity(customer: "华为", type: "visit", summary: "介绍方案", at: day(1), nextStep: "发报价", nextDate: "2026-12-03", now: day(1))
        XCTAssertEqual(try a.resolve(.customer, "华为")["nextFollowUp"]?.day, DateParser.day(year: 2026, month: 12, day: 3))

        try a.editLog(visit.shortID, fields: [("nextDate", "2026-12-05"), ("summary", "介绍方案，客户关注交付周期")], reason: "客户改约", now: day(2))
        let c = try a.resolve(.customer, "华为")
        XCTAssertEqual(c["nextFollowUp"]?.day, DateParser.day(year: 2026, month: 12, day: 5), "the latest entry's date is the follow-up")
        XCTAssertEqual(try a.resolve(.activity, visit.shortID)["summary"]?.text, "介绍方案，客户关注交付周期")

        let history = try a.history(since: day(2, hour: 0))
        let summary = history.filter { $0.kind == .activity }.map { "\($0.field?.key ?? "")|\($0.old?.text ?? "")|\($0.new?.text ?? "")|\($0.reason ?? "")" }
        XCTAssertEqual(summary, ["nextDate|||客户改约", "summary|介绍方案|介绍方案，客户关注交付周期|客户改约"])
        XCTAssertTrue(history.contains { $0.kind == .customer && $0.field?.key == "nextFollowUp" })
        a = nil
        XCTAssertEqual(try fixture.open(.readOnly).resolve(.activity, visit.shortID)["nextDate"]?.day, DateParser.day(year: 2026, month: 12, day: 5), "read back from disk")
    }

    /// A person added to an entry by an edit has it as their last contact when it is later than
    /// theirs (it stayed as it was: helper-99); one taken out goes back to their latest entry.
    func testAPersonAddedToAnEntryByAnEditGetsItAsTheirLastContact() throws {
        let a = try fixture.open()
        try a.addCustomer(name: "华为", now: day(0))
        try a.addContact(customer: "华为", name: "王敏", now: day(0))
        try a.addContact(customer: "华为", name: "李雷", now: day(0))
        try a.logActivity(customer: "华为", type: "call", summary: "与李雷通话", at: day(0), contacts: ["李雷"], now: day(0))
        let visit = try a.logActivity(customer: "华为", type: "visit", summary: "拜访", at: day(2), contacts: ["李雷"], now: day(2))
        // A reason that says nothing is refused as such (helper-136, helper-137).
        XCTAssertThrowsError(try a.editLog(visit.shortID, fields: [("contacts", "王敏")], reason: "好", now: day(3))) {
            XCTAssertEqual(($0 as? ArchiveError)?.reasonZH, "更正原因不能只写“好”，请写明具体理由（如“客户改约”“录入有误”），或不写原因")
        }
        try a.editLog(visit.shortID, fields: [("contacts", "王敏")], reason: "记错了人", now: day(3))
        XCTAssertEqual(try a.resolve(.contact, "王敏")["lastContactAt"]?.int, day(2))
        XCTAssertEqual(try a.resolve(.contact, "李雷")["lastContactAt"]?.int, day(0), "taken out: his latest remaining entry's")
        // An earlier entry does not move a later last contact back.
        let first = try a.history().first { $0.kind == .activity }!.id
        try a.editLog("L\(first)", fields: [("contacts", "王敏、李雷")], reason: "补记", now: day(3))
        XCTAssertEqual(try a.resolve(.contact, "王敏")["lastContactAt"]?.int, day(2))
    }

    /// Contacts' last contacts follow an entry that set them, as the customer's does: an entry
    /// moved later or earlier, or removed; undo puts them back (they stayed where the entry had
    /// put them, and a visit dated a week wrong left its people "contacted" that day).
    func testContactsLastContactFollowsAnEntryMovedOrRemoved() throws {
        var a: CustomerArchive! = try fixture.open()
        try a.addCustomer(name: "华为", now: day(0))
        try a.addContact(customer: "华为", name: "王敏", now: day(0))
        try a.addContact(customer: "华为", name: "李雷", now: day(0))
        try a.logActivity(customer: "华为", type: "call", summary: "电话", at: day(1), contacts: ["王敏"], now: day(1))
        let visit = try a.logActivity(customer: "华为", type: "visit", summary: "拜访", at: day(2), contacts: ["王敏", "李雷"], now: day(2))
        func last(_ name: String) throws -> Int64? { try a.resolve(.contact, name)["lastContactAt"]?.int }

        try a.editLog(visit.shortID, fields: [], at: day(4), reason: "日期录错", now: day(5))
        XCTAssertEqual(try last("王敏"), day(4))
        XCTAssertEqual(try last("李雷"), day(4))
        try a.editLog(visit.shortID, fields: [], at: day(0), reason: "日期又录错", now: day(5))
        XCTAssertEqual(try last("王敏"), day(1), "back to her latest remaining entry")
        XCTAssertEqual(try last("李雷"), day(0))
        XCTAssertEqual(try a.resolve(.customer, "华为")["lastContactAt"]?.int, day(1))

        let before = try fixture.bytes()
        try a.removeLog(visit.shortID, reason: "重复录入", now: day(5))
        XCTAssertNotEqual(try fixture.bytes(), before)
        XCTAssertEqual(try last("王敏"), day(1))
        XCTAssertNil(try last("李雷"), "no entry left: none")
        let removal = try XCTUnwrap(try a.history().last { $0.kind == .activity && $0.operation == .remove }).batch
        XCTAssertTrue(try a.history().contains { $0.batch == removal && $0.kind == .contact }, "in the same change set as the removal")
        try a.undo(batch: removal, now: day(6))
        XCTAssertEqual(try last("李雷"), day(0), "undo puts it back")
        XCTAssertEqual(try last("王敏"), day(1))

        try a.editLog(visit.shortID, fields: [], at: day(1, hour: 15), reason: "更正时间", now: day(6))
        a = nil
        let reopened: CustomerArchive! = try fixture.open(.readOnly)
        XCTAssertEqual(try reopened.resolve(.contact, "李雷")["lastContactAt"]?.int, day(1, hour: 15), "read back from disk")
        XCTAssertEqual(try reopened.resolve(.contact, "王敏")["lastContactAt"]?.int, day(1, hour: 15))
    }

    /// helper-106 H1, H2: an undo writes back the values its batch replaced, which later
    /// batches may have moved on from. The last contacts of what it touches follow the entries
    /// left after it: an older removal undone gives the people on the entry brought back, and
    /// the customer, its time; a contact brought back gets the time its entry has now.
    func testAnOlderUndoLeavesTheLastContactsTheEntriesGive() throws {
        let a = try fixture.open()
        try a.addCustomer(name: "甲公司", now: day(0))
        for name in ["甲一", "甲二", "甲三"] { try a.addContact(customer: "甲", name: name, now: day(0)) }
        try a.logActivity(customer: "甲", type: "call", summary: "x", at: day(0), now: day(0))
        let visit = try a.logActivity(customer: "甲", type: "visit", summary: "s1", at: day(2), contacts: ["甲一", "甲二"], now: day(2))
        let call = try a.logActivity(customer: "甲", type: "call", summary: "s2", at: day(2), contacts: ["甲二"], now: day(2))
        func last(_ kind: EntityKind, _ name: String) throws -> Int64? { try a.resolve(kind, name)["lastContactAt"]?.int }
        func latestBatch() throws -> UInt64 { try a.history().map(\.batch).max()! }

        try a.removeLog(visit.shortID, reason: "重复", now: day(3))
        let removedVisit = try latestBatch()
        try a.removeLog(call.shortID, reason: "重复", now: day(3))
        XCTAssertNil(try last(.contact, "甲二"))
        XCTAssertEqual(try last(.customer, "甲"), day(0))
        try a.undo(batch: removedVisit, now: day(4))
        XCTAssertEqual(try last(.contact, "甲一"), day(2))
        XCTAssertEqual(try last(.contact, "甲二"), day(2), "on the entry brought back (it was left without one)")
        XCTAssertEqual(try last(.customer, "甲"), day(2), "the entry brought back is its latest")

        // A contact removed, its entry moved meanwhile, then brought back: the entry's time now.
        let third = try a.logActivity(customer: "甲", type: "call", summary: "s3", at: day(3), contacts: ["甲三"], now: day(4))
        try a.remove(.contact, "甲三", reason: "已离职", now: day(4))
        let removedContact = try latestBatch()
        try a.editLog(third.shortID, fields: [], at: day(1), reason: "日期录错", now: day(4))
        try a.undo(batch: removedContact, now: day(5))
        XCTAssertEqual(try last(.contact, "甲三"), day(1), "it had day 3, which no entry has any more")
        XCTAssertEqual(try last(.customer, "甲"), day(2))
        let undoBatch = try latestBatch()
        XCTAssertTrue(try a.history().contains { $0.batch == undoBatch && $0.kind == .contact && $0.field?.key == "lastContactAt" },
                      "in the undo's own change set")
    }

    /// helper-107 F1: undoing an older entry took the customer's follow-up away although a
    /// remaining entry has a next date; it is that entry's, as `log remove` gives it.
    func testAnUndoneEntryLeavesTheFollowUpOfTheLatestEntryWithOne() throws {
        let a = try fixture.open()
        try a.addCustomer(name: "华为", now: day(0))
        try a.logActivity(customer: "华为", type: "visit", summary: "a", at: day(5), nextStep: "s", nextDate: "2026-12-08", now: day(5))
        let first = try a.history().map(\.batch).max()!
        try a.logActivity(customer: "华为", type: "visit", summary: "b", at: day(3), nextStep: "s2", nextDate: "2026-12-20", now: day(5))
        XCTAssertEqual(try a.resolve(.customer, "华为")["nextFollowUp"]?.day, DateParser.day(year: 2026, month: 12, day: 8))
        try a.undo(batch: first, now: day(6))
        let c = try a.resolve(.customer, "华为")
        XCTAssertEqual(c["nextFollowUp"]?.day, DateParser.day(year: 2026, month: 12, day: 20))
        XCTAssertEqual(c["lastContactAt"]?.int, day(3))
        let undo = try a.history().map(\.batch).max()!
        let fields = try a.history().filter { $0.batch == undo && $0.kind == .customer }.map { "\($0.field?.key ?? ""):\($0.new.map { "\($0)" } ?? "-")" }
        XCTAssertEqual(fields.filter { $0.hasPrefix("nextFollowUp") }.count, 2, "set back by the inverse, then to the entry left's, in the undo's change set: \(fields)")
    }

    /// helper-106 M1: a summary corrected moved the customer's follow-up to the date of an older
    /// entry (a backdated one, which had not set it); only a change of an entry's time, people
    /// or next date moves what it set.
    func testCorrectingASummaryMovesNoFollowUpAndNoLastContact() throws {
        let a = try fixture.open()
        try a.addCustomer(name: "丁公司", now: day(0))
        try a.addContact(customer: "丁", name: "丁一", now: day(0))
        try a.logActivity(customer: "丁", type: "call", summary: "a", at: day(0), nextStep: "报价", nextDate: "2026-12-10", now: day(0))
        let b = try a.logActivity(customer: "丁", type: "call", summary: "b", at: day(2), now: day(2))
        try a.logActivity(customer: "丁", type: "call", summary: "c", at: day(1), contacts: ["丁一"], nextStep: "演示", nextDate: "2026-12-20", now: day(2))
        let before = try a.resolve(.customer, "丁")
        XCTAssertEqual(before["nextFollowUp"]?.day, DateParser.day(year: 2026, month: 12, day: 10))
        try a.editLog(b.shortID, fields: [("summary", "b2")], reason: "错别字", now: day(3))
        let after = try a.resolve(.customer, "丁")
        XCTAssertEqual(after["nextFollowUp"], before["nextFollowUp"])
        XCTAssertEqual(after["lastContactAt"], before["lastContactAt"])
        XCTAssertEqual(try a.resolve(.activity, b.shortID)["summary"]?.text, "b2")
    }

    func testRemovingALogEntryNeedsAReasonAndTheCustomerFallsBackToTheEntryBefore() throws {
        var a: CustomerArchive! = try fixture.open()
        try a.addCustomer(name: "华为", now: day(0))
        try a.logActivity(customer: "华为", type: "call", summary: "约拜访", at: day(0), nextDate: "2026-11-30", now: day(0))
        let wrong = try a.logActivity(customer: "华为", type: "visit", summary: "录错客户了", at: day(1), nextDate: "2026-12-03", now: day(1))
        let before = try fixture.bytes()
        XCTAssertThrowsError(try a.removeLog(wrong.shortID, reason: "  ", now: day(2))) { XCTAssertEqual(($0 as? ArchiveError)?.code, .missingValue) }
        // A reason that says nothing is none here too (helper-134: 其他 was taken); 测试 says the
        // entry was a test, a reason to remove it (helper-138).
        XCTAssertThrowsError(try a.removeLog(wrong.shortID, reason: "其他", now: day(2))) {
            XCTAssertEqual(($0 as? ArchiveError)?.reasonZH, "删除跟进记录须注明原因（--reason），原记录仍保留在变更历史中；“其他”不能作为原因，请写明具体理由")
        }
        XCTAssertTrue("测试".namesATest && "Test.".namesATest && "测试数据".namesATest && "測試".namesATest)
        XCTAssertFalse("测试1".namesATest || "其他".namesATest || "测试阶段未通过".namesATest)
        XCTAssertEqual(try fixture.bytes(), before)

        try a.removeLog(wrong.shortID, reason: "重复录入", now: day(2))
        a = nil
        let reopened: CustomerArchive! = try fixture.open()
        try reopened.loadContactLog()
        XCTAssertNotNil(reopened.state.entities(.activity, wrong.id), "kept, marked removed")
        XCTAssertNil(reopened.state.entity(.activity, wrong.id))
        let c = try reopened.resolve(.customer, "华为")
        XCTAssertEqual(c["lastContactAt"]?.int, day(0))
        XCTAssertEqual(c["nextFollowUp"]?.day, DateParser.day(year: 2026, month: 11, day: 30))
        let removal = try XCTUnwrap(try reopened.history().first { $0.kind == .activity && $0.operation == .remove })
        XCTAssertEqual(removal.id, wrong.id)
        XCTAssertEqual(removal.reason, "重复录入")
        // Undo brings it back.
        try reopened.undo(batch: removal.batch, now: day(3))
        XCTAssertEqual(reopened.state.entity(.activity, wrong.id)?["summary"]?.text, "录错客户了")
    }

    func testAChangeThatChangesNothingWritesNothing() throws {
        let a = try fixture.open()
        try a.addCustomer(name: "华为", fields: [("nextFollowUp", "2026-12-03")], now: day(0))
        let entry = try a.logActivity(customer: "华为", type: "call", summary: "约拜访", at: day(0), now: day(0))
        var before = try fixture.bytes()
        try a.edit(.customer, "华为", fields: [("nextFollowUp", "2026/12/3")], now: day(1))
        try a.editLog(entry.shortID, fields: [("summary", "约拜访"), ("type", "电话")], reason: "无", now: day(1))
        XCTAssertEqual(try fixture.bytes(), before, "the same values: the file is byte-identical")

        // Logging a contact with the follow-up date the customer already has records no
        // "2026-12-03 → 2026-12-03".
        try a.logActivity(customer: "华为", type: "call", summary: "确认", at: day(1), nextDate: "2026-12-03", now: day(1))
        XCTAssertFalse(try a.history(since: day(1, hour: 0)).contains { $0.field?.key == "nextFollowUp" })
        before = try fixture.bytes()
        XCTAssertThrowsError(try a.editLog(entry.shortID, fields: [("summary", "")], now: day(2)))
        XCTAssertEqual(try fixture.bytes(), before)
    }

    func testAComplaintIsWithdrawnOrFoundUnfoundedWithAReasonOnlyBeforeItIsResolved() throws {
        var a: CustomerArchive! = try fixture.open()
        try a.addCustomer(name: "华为", now: day(0))
        try a.fileComplaint(customer: "华为", about: "售后 李强", description: "迟到", receivedAt: day(0), now: day(0))
        try a.fileComplaint(customer: "华为", about: "销售 王五", description: "报价错", receivedAt: day(0), now: day(0))
        XCTAssertThrowsError(try a.withdrawComplaint("TS-2026-0001", reason: "", now: day(1))) { XCTAssertEqual(($0 as? ArchiveError)?.code, .missingValue) }
        XCTAssertThrowsError(try a.withdrawComplaint("TS-2026-0001", reason: "其他", now: day(1))) { XCTAssertEqual(($0 as? ArchiveError)?.code, .missingValue) }
        let t1 = try a.withdrawComplaint("TS-2026-0001", reason: "客户来电撤诉", now: day(1))
        XCTAssertEqual(t1["status"]?.text, "withdrawn")
        XCTAssertEqual(t1["withdrawnAt"]?.int, day(1))
        XCTAssertFalse(ComplaintStatus.isOpen(t1["status"]?.text))
        try a.routeComplaint("TS-2026-0002", manager: true, director: true, now: day(1))
        let t2 = try a.withdrawComplaint("TS-2026-0002", unfounded: true, reason: "经核实报价无误", now: day(2))
        XCTAssertEqual(t2["status"]?.text, "unfounded")
        XCTAssertThrowsError(try a.withdrawComplaint("TS-2026-0002", reason: "again", now: day(2))) { XCTAssertEqual(($0 as? ArchiveError)?.code, .invalidTransition) }
        a = nil
        let reasons = try fixture.open(.readOnly).history().filter { $0.kind == .complaint && $0.field?.key == "status" }.compactMap(\.reason)
        XCTAssertEqual(reasons, ["客户来电撤诉", "经核实报价无误"])
        XCTAssertEqual(ComplaintStatus.parse("撤诉"), .withdrawn)
        XCTAssertEqual(ComplaintStatus.unfounded.zh, "投诉不成立")
    }

    func testADateOnlyAtIsNineInTheMorningForEveryStepAndAFutureDayIsRefused() throws {
        let now = day(2, hour: 15)
        XCTAssertEqual(try DateParser.parseInstant("2026-11-24", now: now), day(1, hour: 9))
        // An ISO instant, as a JSON export writes times, is that moment; one that is none is said
        // whole (helper-212 4: all were refused, quoted cut at the offset).
        XCTAssertEqual(try DateParser.parseInstant(FieldFormat.isoInstant(day(1, hour: 9)), now: now), day(1, hour: 9))
        XCTAssertEqual(try DateParser.parseInstant(FieldFormat.isoInstant(day(1, hour: 9)).replacingOccurrences(of: "Z", with: ".000Z"), now: now), day(1, hour: 9))
        XCTAssertThrowsError(try DateParser.parseInstant(FieldFormat.isoInstant(now + 3_600), now: now), "in the future")
        XCTAssertThrowsError(try DateParser.parseInstant("2026-11-24T03:00:00+99:00", now: now)) {
            XCTAssertEqual(($0 as? ArchiveError)?.reasonZH, "“2026-11-24T03:00:00+99:00”有误：没有“+99:00”这个时区（时区应在 -12:00 到 +14:00 之间，北京时间为 +08:00）。也可以不写时区，直接写成 2026-11-24 09:00（按本机时间），或写“上周五下午3点”")
        }
        XCTAssertThrowsError(try DateParser.parseInstant("2025-02-30T03:00:00Z", now: now)) {
            XCTAssertTrue(($0 as? ArchiveError)?.reasonZH?.contains("2025 年 2 月只有 28 天") == true, "\($0)")
        }
        XCTAssertThrowsError(try DateParser.parseInstant("2026-11-24T25:00:00Z", now: now)) {
            XCTAssertTrue(($0 as? ArchiveError)?.reasonZH?.contains("一天没有 25 点，小时应在 0 到 23 之间") == true, "\($0)")
        }
        XCTAssertEqual(try DateParser.parseInstant(DateParser.format(DateParser.localDay(day(1, hour: 9))) + " 09:00:00.5", now: now), day(1, hour: 9))
        XCTAssertEqual(try DateParser.parseInstant("2026-11-25", now: day(2, hour: 8)), day(2, hour: 8), "today before 09:00: now")
        XCTAssertThrowsError(try DateParser.parseInstant("2026-11-26", now: now)) {
            XCTAssertEqual(($0 as? ArchiveError)?.code, .invalidValue)
            XCTAssertEqual(($0 as? ArchiveError)?.reasonZH, "2026-11-26 还没到，只能登记已经发生的事", "the date once (helper-106)")
        }
        XCTAssertThrowsError(try DateParser.parseInstant("2026/11/26", now: now)) {
            XCTAssertEqual(($0 as? ArchiveError)?.reasonZH, "2026/11/26（2026-11-26）还没到，只能登记已经发生的事")
        }

        let a = try fixture.open()
        try a.addCustomer(name: "华为", now: day(0))
        try a.fileComplaint(customer: "华为", about: "售后", description: "迟到", receivedAt: day(1, hour: 14), now: day(1, hour: 14))
        // Routed "on the day it came in": recorded just after it came in, not at 09:00 before it.
        let t = try a.routeComplaint("TS", manager: true, director: false, at: try DateParser.parseInstant("2026-11-24", now: now), now: now)
        XCTAssertEqual(t["managerNotifiedAt"]?.int, day(1, hour: 14))
    }

    /// An undo planned (what `undo --dry-run` shows and `undo` then writes without checking the
    /// history again) writes exactly the events shown; a plan of an archive changed since is
    /// worked out again, and refused when the change touched what the batch changed.
    func testAPlannedUndoWritesWhatWasShownAndIsWorkedOutAgainAfterAChange() throws {
        let a = try fixture.open()
        try a.addCustomer(name: "华为技术有限公司", now: day(0))
        try a.addCustomer(name: "中兴通讯股份有限公司", now: day(0))
        try a.edit(.customer, "华为", fields: [("industry", "通信设备")], now: day(1))
        let industry = a.vault.header.recordCount - 1
        let plan = try a.planUndo(batch: industry)
        XCTAssertEqual(plan.batch, industry)
        XCTAssertEqual(plan.events.map { "\($0.operation) \($0.kind) \($0.changes.map(\.new))" }, ["update customer [nil]"])
        let written = try a.undo(plan, now: day(2))
        XCTAssertEqual(written.events, plan.events.count)
        XCTAssertNil(try a.resolve(.customer, "华为")["industry"])

        try a.edit(.customer, "中兴", fields: [("industry", "通信")], now: day(3))
        let zte = a.vault.header.recordCount - 1
        let stale = try a.planUndo(batch: zte)
        try a.edit(.customer, "中兴", fields: [("industry", "通信设备")], now: day(3))
        let kept = try fixture.bytes()
        XCTAssertThrowsError(try a.undo(stale, now: day(4)), "planned before the record changed again") { error in
            XCTAssertTrue((error as? ArchiveError)?.reasonZH?.contains("之后又被批次") == true, "\(error)")
        }
        XCTAssertEqual(try fixture.bytes(), kept, "refused: the archive as it was")
        XCTAssertEqual(try a.resolve(.customer, "中兴")["industry"]?.text, "通信设备")
    }
}
