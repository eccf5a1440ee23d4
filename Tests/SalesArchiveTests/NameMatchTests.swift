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
}
