import Foundation
@testable import SalesArchive
import XCTest

/// Names match anywhere in the name and in aliases (issue 12); ambiguous text lists candidates.
final class NameMatchTests: XCTestCase {
    func testAnAliasAndAnyPartOfANameFindACustomer() throws {
        let fixture = try ArchiveFixture()
        let a = try fixture.open()
        try a.addCustomer(name: "上海浦东发展银行", now: day(0))
        try a.addCustomer(name: "中国工商银行", fields: [("shortName", "工行")], now: day(0))
        try a.addCustomer(name: "华为技术有限公司", now: day(0))
        XCTAssertThrowsError(try a.resolve(.customer, "浦发")) { XCTAssertEqual(($0 as? ArchiveError)?.code, .notFound) }
        try a.edit(.customer, "上海浦东", fields: [("alias", "浦发"), ("alias", "SPDB")], now: day(0))
        XCTAssertEqual(try a.resolve(.customer, "浦发").displayName, "上海浦东发展银行")
        XCTAssertEqual(try a.resolve(.customer, "spdb").displayName, "上海浦东发展银行")
        XCTAssertEqual(try a.resolve(.customer, "浦发")["aliases"]?.text, "浦发、SPDB")
        XCTAssertEqual(try a.resolve(.customer, "技术").displayName, "华为技术有限公司", "anywhere in the name")
        XCTAssertThrowsError(try a.resolve(.customer, "银行")) { error in
            let e = error as? ArchiveError
            XCTAssertEqual(e?.code, .ambiguous)
            XCTAssertEqual(e?.candidates, ["C1 上海浦东发展银行", "C2 中国工商银行"])
        }
        // The same alias again changes nothing; another customer's name or alias is refused.
        let before = try fixture.bytes()
        try a.edit(.customer, "C1", fields: [("alias", "浦发")], now: day(1))
        XCTAssertEqual(try fixture.bytes(), before)
        XCTAssertThrowsError(try a.edit(.customer, "华为", fields: [("alias", "浦发")], now: day(1))) { XCTAssertEqual(($0 as? ArchiveError)?.code, .ambiguous) }
        XCTAssertThrowsError(try a.edit(.customer, "华为", fields: [("alias", "工行")], now: day(1))) { XCTAssertEqual(($0 as? ArchiveError)?.code, .ambiguous) }
        XCTAssertEqual(try fixture.bytes(), before)
        // A prefix still wins over a match inside another name (what worked before still works).
        try a.addCustomer(name: "银行卡中心", now: day(1))
        XCTAssertEqual(try a.resolve(.customer, "银行").displayName, "银行卡中心")
    }

    /// A short name or alias names one customer, however it is given (`--alias`, `--set
    /// shortName=` or `aliases=`, a new customer's fields, an import): one written like another
    /// customer's name, short name or alias (zero-width characters, full-width letters, a legal
    /// suffix) is refused, as are one over 1 KiB and one with NUL; the archive is unchanged.
    /// A pair an older archive already holds does not stop edits of other fields.
    func testAShortNameOrAliasThatWouldNameTwoCustomersIsRefusedHoweverGiven() throws {
        let fixture = try ArchiveFixture()
        let a = try fixture.open()
        let spdb = try a.addCustomer(name: "上海浦东发展银行", fields: [("aliases", "浦发、SPDB")], now: day(0))
        let icbc = try a.addCustomer(name: "中国工商银行", fields: [("shortName", "工行")], now: day(0))
        let huawei = try a.addCustomer(name: "华为技术有限公司", now: day(0))
        let before = try fixture.bytes()
        func refused(_ what: String, _ body: () throws -> Any, naming owner: Entity, line: UInt = #line) {
            XCTAssertThrowsError(try body(), what, line: line) { error in
                let e = error as? ArchiveError
                XCTAssertEqual(e?.code, .ambiguous, "\(what): \(error)", line: line)
                XCTAssertEqual(e?.candidates, ["\(owner.shortID) \(owner.displayName)"], what, line: line)
                XCTAssertTrue(e?.reasonZH?.contains("不能再用作本客户的") == true, "\(what): \(String(describing: e?.reasonZH))", line: line)
            }
        }
        refused("--set shortName= another's alias", { try a.edit(.customer, "华为", fields: [("shortName", "浦发")], now: day(1)) }, naming: spdb)
        refused("--set aliases= with a zero-width space", { try a.edit(.customer, "华为", fields: [("aliases", "老华、浦\u{200B}发")], now: day(1)) }, naming: spdb)
        refused("--alias in full-width letters", { try a.edit(.customer, "华为", fields: [("alias", "ＳＰＤＢ")], now: day(1)) }, naming: spdb)
        refused("another's short name", { try a.edit(.customer, "华为", fields: [("alias", "工 行")], now: day(1)) }, naming: icbc)
        refused("another's name without its suffix", { try a.edit(.customer, "工商", fields: [("alias", "华为技术")], now: day(1)) }, naming: huawei)
        refused("a new customer's short name", { try a.addCustomer(name: "浦发硅谷银行", fields: [("shortName", "浦发")], now: day(1)) }, naming: spdb)
        XCTAssertThrowsError(try a.edit(.customer, "华为", fields: [("aliases", String(repeating: "华", count: 400))], now: day(1))) { error in
            XCTAssertEqual((error as? ArchiveError)?.code, .invalidValue)
            XCTAssertTrue((error as? ArchiveError)?.reasonZH?.contains("别名过长") == true, "\(error)")
        }
        XCTAssertThrowsError(try a.edit(.customer, "华为", fields: [("shortName", "华\u{0}为")], now: day(1))) { error in
            XCTAssertTrue((error as? ArchiveError)?.reasonZH?.contains("简称中不能含有空字符") == true, "\(error)")
        }
        XCTAssertEqual(try fixture.bytes(), before, "nothing refused was saved")
        // Its own name, or a name of its own again, is no clash; nor is a name nobody has.
        try a.edit(.customer, "华为", fields: [("shortName", "华为"), ("aliases", "华为技术、HW")], now: day(1))
        try a.edit(.customer, "华为", fields: [("aliases", "华为技术、HW、老华")], now: day(1))
        XCTAssertEqual(try a.resolve(.customer, "老华").id, huawei.id)
        // A pair written before the rule: other edits of either customer still work, and the
        // pair's name is found as ambiguous.
        try a.commit([ChangeEvent(.update, .customer, huawei.id, [FieldChange(field: Schema.number(.customer, "shortName"), old: .text("华为"), new: .text("工行"))])], now: day(2))
        try a.edit(.customer, "华为技术有限公司", fields: [("note", "老档案")], now: day(2))
        try a.edit(.customer, "中国工商银行", fields: [("aliases", "ICBC")], now: day(2))
        XCTAssertThrowsError(try a.resolve(.customer, "工行")) { XCTAssertEqual(($0 as? ArchiveError)?.code, .ambiguous) }
        // Once C1 is removed, its alias is free for another customer.
        try a.remove(.customer, spdb.shortID, now: day(3))
        try a.edit(.customer, "华为技术有限公司", fields: [("alias", "浦发")], now: day(3))
    }
}
