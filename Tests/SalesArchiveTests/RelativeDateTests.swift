import Foundation
@testable import SalesArchive
import XCTest

/// Relative dates for every date option (issue 12), read against a fixed clock: Wednesday
/// 2026-11-25 at noon (the same calendar day in any zone within ±11 hours).
final class RelativeDateTests: XCTestCase {
    let now = day(2, hour: 12)

    func d(_ y: Int, _ m: Int, _ dd: Int) -> Int32 { DateParser.day(year: y, month: m, day: dd)! }

    func testChineseAndEnglishRelativeDatesForAFixedClock() throws {
        XCTAssertEqual(DateParser.weekday(d(2026, 11, 25)), 3, "a Wednesday")
        XCTAssertEqual(DateParser.weekday(d(2026, 11, 29)), 7, "a Sunday")
        XCTAssertEqual(DateParser.monday(of: d(2026, 11, 29)), d(2026, 11, 23))
        let expected: [(String, Int32)] = [
            ("今天", d(2026, 11, 25)), ("today", d(2026, 11, 25)), ("Today", d(2026, 11, 25)),
            ("明天", d(2026, 11, 26)), ("tomorrow", d(2026, 11, 26)), ("后天", d(2026, 11, 27)),
            ("昨天", d(2026, 11, 24)), ("yesterday", d(2026, 11, 24)), ("前天", d(2026, 11, 23)),
            ("本周五", d(2026, 11, 27)), ("这周五", d(2026, 11, 27)), ("周五", d(2026, 11, 27)), ("星期一", d(2026, 11, 23)),
            ("本周日", d(2026, 11, 29)), ("礼拜天", d(2026, 11, 29)),
            ("下周三", d(2026, 12, 2)), ("下星期一", d(2026, 11, 30)), ("下个礼拜五", d(2026, 12, 4)), ("上周一", d(2026, 11, 16)),
            ("next wed", d(2026, 12, 2)), ("Next Wednesday", d(2026, 12, 2)), ("this fri", d(2026, 11, 27)), ("last mon", d(2026, 11, 16)),
            ("3天后", d(2026, 11, 28)), ("3 天后", d(2026, 11, 28)), ("三天后", d(2026, 11, 28)), ("十天后", d(2026, 12, 5)),
            ("两周后", d(2026, 12, 9)), ("2个星期后", d(2026, 12, 9)), ("3天前", d(2026, 11, 22)),
            ("+3d", d(2026, 11, 28)), ("-2d", d(2026, 11, 23)), ("+1w", d(2026, 12, 2)), ("＋３ｄ", d(2026, 11, 28)),
            ("in 3 days", d(2026, 11, 28)), ("2 days ago", d(2026, 11, 23)),
        ]
        for (text, day) in expected {
            XCTAssertEqual(try DateParser.parse(text, now: now), day, text)
        }
        for text in ["下周", "周八", "next week", "next", "+3", "3天", "+d", "+99999999d", "in days", "下周三下午"] {
            XCTAssertThrowsError(try DateParser.parse(text, now: now), text) { XCTAssertEqual(($0 as? ArchiveError)?.code, .invalidDate, text) }
        }
    }

    func testEveryDateFieldAndOptionTakesRelativeDates() throws {
        let fixture = try ArchiveFixture()
        let a = try fixture.open()
        try a.addCustomer(name: "华为", now: now)
        let p = try a.addProject(customer: "华为", name: "园区", fields: [("expectedSign", "下周三"), ("expectedBid", "3天后")], now: now)
        XCTAssertEqual(p["expectedSign"]?.day, d(2026, 12, 2))
        XCTAssertEqual(p["expectedBid"]?.day, d(2026, 11, 28))
        let l = try a.logActivity(customer: "华为", type: "call", summary: "约", at: try DateParser.parseInstant("昨天", now: now), nextDate: "明天", now: now)
        XCTAssertEqual(l["nextDate"]?.day, d(2026, 11, 26))
        XCTAssertEqual(DateParser.localDay(l["at"]!.int!), d(2026, 11, 24))
        XCTAssertThrowsError(try DateParser.parseInstant("明天", now: now), "what has not happened is not logged")
    }

    /// `localMinute` writes what a `DateFormatter` with `yyyy-MM-dd HH:mm` writes, in zones with
    /// daylight saving, half- and quarter-hour offsets, before 1970 and around the changes.
    func testLocalMinuteIsWhatADateFormatterWrites() throws {
        for id in ["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Europe/London", "UTC"] {
            let zone = try XCTUnwrap(TimeZone(identifier: id))
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = zone
            f.dateFormat = "yyyy-MM-dd HH:mm"
            var r = CommitFastPathTests.Seeded(state: 7)
            var instants: [Int64] = [0, -1, -86_400 * 365 * 50, 1_795_392_000, 253_402_200_000, 1_710_054_000, 1_730_613_600]
            for _ in 0..<3_000 { instants.append(Int64(r.next() % 8_000_000_000) - 2_000_000_000) }
            for t in instants {
                XCTAssertEqual(DateParser.localMinute(t, in: zone), f.string(from: Date(timeIntervalSince1970: TimeInterval(t))), "\(id) \(t)")
            }
        }
    }
}
