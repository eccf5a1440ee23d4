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
            // The month's and the year's ends and starts, months ahead (helper-179).
            ("月底", d(2026, 11, 30)), ("本月底", d(2026, 11, 30)), ("下月底", d(2026, 12, 31)), ("下个月初", d(2026, 12, 1)),
            ("年底", d(2026, 12, 31)), ("半个月后", d(2026, 12, 10)), ("下个月5号", d(2026, 12, 5)), ("下月二十日", d(2026, 12, 20)),
            ("一个月后", d(2026, 12, 25)), ("3个月后", d(2027, 2, 25)), ("两个月后", d(2027, 1, 25)),
        ]
        for (text, day) in expected {
            XCTAssertEqual(try DateParser.parse(text, now: now), day, text)
        }
        for text in ["下周", "周八", "next week", "next", "+3", "3天", "+d", "+99999999d", "in days", "下周三下午", "下个月32号", "0个月后", "下月号"] {
            XCTAssertThrowsError(try DateParser.parse(text, now: now), text) { XCTAssertEqual(($0 as? ArchiveError)?.code, .invalidDate, text) }
        }
    }

    /// A date written in Chinese numerals is the date its digits give (十二月八日 was "not a
    /// date": helper-179); without its year only where a month and day alone are read.
    func testADateInChineseNumerals() throws {
        XCTAssertEqual(try DateParser.parse("十二月八日", now: now, yearless: .upcoming), d(2026, 12, 8))
        XCTAssertEqual(try DateParser.parse("十二月八号", now: now, yearless: .upcoming), d(2026, 12, 8))
        XCTAssertEqual(try DateParser.parse("一月五日", now: now, yearless: .upcoming), d(2027, 1, 5))
        XCTAssertEqual(try DateParser.parse("二〇二六年十二月三十一日", now: now), d(2026, 12, 31))
        XCTAssertEqual(try DateParser.parse("二零二七年二月二十八日", now: now), d(2027, 2, 28))
        XCTAssertEqual(try DateParser.parse("2026年十一月二十日", now: now), d(2026, 11, 20))
        XCTAssertEqual(try DateParser.parse("十二月八日星期二", now: now, yearless: .upcoming), d(2026, 12, 8))
        for text in ["十三月一日", "二月三十日", "十二月", "二〇二六年十二月八", "二〇二年十二月八日", "十二月八日后"] {
            XCTAssertThrowsError(try DateParser.parse(text, now: now, yearless: .upcoming), text) { XCTAssertEqual(($0 as? ArchiveError)?.code, .invalidDate, text) }
        }
        XCTAssertThrowsError(try DateParser.parse("十二月八日", now: now), "a file's cell gives its year") {
            XCTAssertEqual(($0 as? ArchiveError)?.code, .invalidDate)
            XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").hasPrefix("“十二月八日”（即 12月8日）"), "said as typed: \($0)")
        }
    }

    /// `isRelative`'s fast answer (digits and date separators name no relative day) is the
    /// general reading's answer for every relative form above, dates written out, and texts
    /// that mix the two kinds of character.
    func testIsRelativeAnswersAsTheGeneralReadingDoes() {
        func general(_ s: String) -> Bool {
            let text = String(String.UnicodeScalarView(s.unicodeScalars.map { $0.asciiForm })).trimmingCharacters(in: .whitespaces)
            return DateParser.relativeDay(text, today: 0) != nil
        }
        let relative = ["今天", "today", "Today", "明天", "tomorrow", "后天", "大后天", "昨天", "前天", "今日", "明日", "本周五", "周五", "周日",
                        "下周三", "上周一", "next wed", "this fri", "3天后", "3 天后", "三天后", "两周后", "2个星期后", "3天前", "3日后", "3日前",
                        "+3d", "-2d", "+1w", "＋３ｄ", "in 3 days", "2 days ago", " 明天 ", "\u{3000}3天后",
                        "月底", "下月初", "年底", "半个月后", "下个月5号", "3个月后"]
        let plain = ["2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日", "2026年12月1号", "２０２６／３／５", "2026-03-05 14:30", "2026-03-05T14:30",
                     "", " ", "-3", "+3", "3", "12月1日", "日", "年月日", "T", "３日"]
        let mixed = ["2026-03-05x", "+3d ", "3d", "-3w", "3w", "2026/3/5 明天", "3号后", "Tt", "d", "五日后"]
        for s in relative { XCTAssertTrue(DateParser.isRelative(s), s) }
        for s in plain { XCTAssertFalse(DateParser.isRelative(s), s) }
        for s in relative + plain + mixed { XCTAssertEqual(DateParser.isRelative(s), general(s), s) }
        // Every text of the fast answer's characters is answered no by the general reading too.
        let alphabet = Array("0123456789-/.:T 年月日号０９／")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let s = String((0..<Int.random(in: 1...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            XCTAssertFalse(general(s), s)
            XCTAssertFalse(DateParser.isRelative(s), s)
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
    /// `--at` takes a time of day after the date, or alone for today (helper-110 M8: 昨天下午3点,
    /// 昨天 15:00 and 2026-12-03 15:00 were "not a date"); a month and day without the year is
    /// said to lack it. The clock: Wednesday 2026-11-25 12:00 in the machine's zone. (下午13点 is
    /// 13:00, as written.)
    func testAMomentTakesATimeOfDayAndAMissingYearIsSaid() throws {
        let today = DateParser.localDay(self.now)
        let now = DateParser.startOfDay(today) + 12 * 3600  // (noon in the machine's zone, whatever it is)
        // A part of the day without its hour asks for the hour (helper-181: "not a date").
        for (text, example) in [("昨天上午", "“昨天上午10点”或“昨天 10:00”"), ("12月4号下午", "“12月4号下午3点”或“12月4号 15:00”"), ("十二月四号上午", "“十二月四号上午10点”")] {
            XCTAssertThrowsError(try DateParser.parseInstant(text, now: now), text) {
                XCTAssertEqual(($0 as? ArchiveError)?.code, .invalidDate, text)
                XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("只写了时段，没有写几点") && (($0 as? ArchiveError)?.reasonZH ?? "").contains(example), "\($0)")
            }
        }
        func at(_ d: Int32, _ h: Int, _ m: Int = 0) -> Int64 { DateParser.startOfDay(d) + Int64(h * 3600 + m * 60) }
        let cases: [(String, Int64)] = [
            ("昨天 15:00", at(today - 1, 15)), ("昨天15:00", at(today - 1, 15)), ("昨天下午3点", at(today - 1, 15)),
            ("2026-11-24 15:30", at(today - 1, 15, 30)), ("2026-11-24T08:05:30", at(today - 1, 8, 5) + 30),
            ("２０２６－１１－２４　１５：３０", at(today - 1, 15, 30)), ("前天上午10点半", at(today - 2, 10, 30)),
            ("昨天晚上8点15分", at(today - 1, 20, 15)), ("昨天下午3点一刻", at(today - 1, 15, 15)), ("昨天中午1点", at(today - 1, 13)), ("昨天下午13点", at(today - 1, 13)),
            ("十点", at(today, 10)), ("上午9:45", at(today, 9, 45)), ("11:59", at(today, 11, 59)),
            ("2026年11月24号", at(today - 1, 9)), ("昨天", at(today - 1, 9)),
            // A minute under ten said with its 零 (it was refused while 3点05 was read).
            ("昨天下午三点零五分", at(today - 1, 15, 5)), ("昨天三点零五", at(today - 1, 15, 5)), ("昨天10点零九分", at(today - 1, 10, 9)),
            ("昨天九点二十分", at(today - 1, 9, 20)), ("昨天两点三十五", at(today - 1, 14, 35)),
            // helper-113 F8: the traditional 點, a space before 点, and 1刻/3刻.
            ("昨天下午3點半", at(today - 1, 15, 30)), ("昨天下午 3 点", at(today - 1, 15)), ("昨天3点1刻", at(today - 1, 15, 15)), ("昨天3点3刻", at(today - 1, 15, 45)),
            // 1–6点 without a part of the day are the afternoon (三点 was 03:00: helper-113); the
            // night is said (凌晨三点), 7–12点 and 3:00 with a colon are as written.
            ("昨天三点", at(today - 1, 15)), ("昨天6点", at(today - 1, 18)), ("昨天一点半", at(today - 1, 13, 30)), ("昨天凌晨三点", at(today - 1, 3)),
            ("昨天上午6点", at(today - 1, 6)), ("昨天7点", at(today - 1, 7)), ("昨天十二点", at(today - 1, 12)), ("昨天零点", at(today - 1, 0)),
            ("昨天 3:00", at(today - 1, 3)), ("2026-11-24 3点", at(today - 1, 15)),
            // helper-116: 钟 and 整 after the hour, 晚 and 早 for 晚上 and 早上, 昨晚, 今早, 半夜.
            ("昨天3点钟", at(today - 1, 15)), ("昨天三点整", at(today - 1, 15)), ("昨天晚9点", at(today - 1, 21)), ("昨晚11点", at(today - 1, 23)),
            ("昨天早8点", at(today - 1, 8)), ("昨天半夜3点", at(today - 1, 3)), ("今早8点", at(today, 8)), ("前晚8点半", at(today - 2, 20, 30)),
            // helper-118: 早上11点, 晚上5点, 夜里11点 and 深夜11点 (the night before midnight).
            ("昨天早上11点", at(today - 1, 11)), ("昨天晚上5点", at(today - 1, 17)), ("昨天夜里11点", at(today - 1, 23)), ("昨天深夜11点", at(today - 1, 23)),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(try DateParser.parseInstant(input, now: now), expected, input)
        }
        for future in ["下午3点", "12:01", "明天 9:00"] {
            XCTAssertThrowsError(try DateParser.parseInstant(future, now: now), future) {
                XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("还没到"), "\(future): \($0)")
            }
        }
        XCTAssertEqual(try DateParser.parseInstant("昨天凌晨12点", now: now), at(today - 1, 0))
        // Each refusal says what is wrong with the time (it said only 时间不对: helper-123).
        for (bad, words) in [("昨天 25:00", "中的小时应在 0 到 23 之间"), ("昨天 10:61", "中的分、秒应在 0 到 59 之间"), ("昨天 24:00", "时间不能写成 24 点"),
                             ("昨天晚上12点", "可能指当天凌晨 0 点，也可能指当天深夜"), ("昨天夜里12点", "可能指当天凌晨 0 点，也可能指当天深夜"), ("昨天半夜12点", "可能指当天凌晨 0 点，也可能指当天深夜"), ("昨天中午6点", "对不上：中午是11点至下午2点"), ("昨天上午13点", "对不上：上午是0点至12点"),
                             ("昨天下午0点", "对不上：下午是1点至7点"), ("昨天三点零十分", "中的分、秒应在 0 到 59 之间"), ("昨天三点七十分", "中的分、秒应在 0 到 59 之间"),
                             ("昨天夜里7点", "对不上：夜里是晚上9点至凌晨5点")] {
            XCTAssertThrowsError(try DateParser.parseInstant(bad, now: now), bad) {
                XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").hasPrefix("“\(bad)”" + (words.hasPrefix("时间不能") ? "：" : "") + words), "\(bad): \($0)")
            }
        }
        // 整 ends the time: 3点整半 is none (it was 15:30: helper-118).
        XCTAssertThrowsError(try DateParser.parseInstant("昨天3点整半", now: now))
        // A day the month does not have is said so (helper-113: "not a date").
        for (text, words) in [("2026-02-29", "2026 年 2 月只有 28 天"), ("2026年4月31日", "2026 年 4 月只有 30 天"), ("2028/2/30", "2028 年 2 月只有 29 天")] {
            XCTAssertThrowsError(try DateParser.parse(text, now: now), text) {
                XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains(words), "\(text): \($0)")
            }
        }
        XCTAssertEqual(try DateParser.parse("2028-02-29", now: now), DateParser.day(year: 2028, month: 2, day: 29))
        // A long date with its weekday (Excel's 2026年3月5日星期四), the weekday checked.
        XCTAssertEqual(try DateParser.parse("2026年3月5日星期四", now: now), DateParser.day(year: 2026, month: 3, day: 5))
        XCTAssertEqual(try DateParser.parse("2026-03-05（周四）", now: now), DateParser.day(year: 2026, month: 3, day: 5))
        XCTAssertEqual(try DateParser.parse("2026/3/5 礼拜四", now: now), DateParser.day(year: 2026, month: 3, day: 5))
        XCTAssertThrowsError(try DateParser.parse("2026年3月5日星期五", now: now)) {
            XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("2026年3月5日是星期四，不是星期五"), "\($0)")
        }
        for noYear in ["12月1日", "12月1号", "12/1"] {
            XCTAssertThrowsError(try DateParser.parse(noYear, now: now), noYear) {
                XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("没有写年份；请写全，如 2026年12月1日"), "\(noYear): \($0)")
            }
        }
        // Typed in a command, a month and day are read without the year (they were refused
        // for it): when something happened, the latest such day up to a month ahead; a day to
        // come, the earliest from a month back. The slash form stays refused (1 December or
        // 12 January).
        for (text, past, upcoming) in [("12月1日", d(2026, 12, 1), d(2026, 12, 1)), ("11月20号", d(2026, 11, 20), d(2026, 11, 20)),
                                       ("1月5日", d(2026, 1, 5), d(2027, 1, 5)), ("5月20日", d(2026, 5, 20), d(2027, 5, 20)),
                                       ("６月１日", d(2026, 6, 1), d(2027, 6, 1)), ("12月1日星期二", d(2026, 12, 1), d(2026, 12, 1)),
                                       ("10月30日", d(2026, 10, 30), d(2026, 10, 30)), ("10月24日", d(2026, 10, 24), d(2027, 10, 24)),
                                       ("12月25日", d(2026, 12, 25), d(2026, 12, 25)), ("12月27日", d(2025, 12, 27), d(2026, 12, 27))] {
            XCTAssertEqual(try DateParser.parse(text, now: now, yearless: .past), past, text)
            XCTAssertEqual(try DateParser.parse(text, now: now, yearless: .upcoming), upcoming, text)
        }
        XCTAssertThrowsError(try DateParser.parse("12月1日星期三", now: now, yearless: .past)) {
            XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("不是星期三"), "\($0)")
        }
        XCTAssertThrowsError(try DateParser.parse("12/1", now: now, yearless: .past)) {
            XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("“12/1”有歧义（可能指 12月1日，也可能指 1月12日），请写成 12月1日 或 2026-12-01"), "\($0)")
        }
        // 2月29日 in a year without it (it went back to 2024 unsaid: helper-135).
        XCTAssertThrowsError(try DateParser.parse("2月29日", now: now, yearless: .past)) {
            XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("2026 年 2 月只有 28 天；如指闰年，请写明年份，如 2028-02-29"), "\($0)")
        }
        XCTAssertThrowsError(try DateParser.parse("2月30日", now: now, yearless: .upcoming)) {
            XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("2 月最多只有 29 天"), "\($0)")
        }
        // A month alone (a planned signing's 2027年3月): the day asked for, with the month's ends.
        for month in ["2027年3月", "2027-03", "2027/3", "２０２７年３月"] {
            XCTAssertThrowsError(try DateParser.parse(month, now: now, yearless: .upcoming), month) {
                XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("只写到月份，请写明具体哪一天，如 2027-03-01 或月底 2027-03-31"), "\(month): \($0)")
            }
        }
        XCTAssertThrowsError(try DateParser.parse("2028年2月", now: now)) {
            XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("月底 2028-02-29"), "\($0)")
        }
        // Across the year's end both ways, and 2月29日 in the leap year that fits.
        XCTAssertEqual(DateParser.monthDay(month: 12, day: 30, today: d(2027, 1, 3), reading: .past), d(2026, 12, 30))
        XCTAssertEqual(DateParser.monthDay(month: 12, day: 30, today: d(2027, 1, 3), reading: .upcoming), d(2026, 12, 30))
        XCTAssertEqual(DateParser.monthDay(month: 1, day: 3, today: d(2026, 12, 30), reading: .upcoming), d(2027, 1, 3))
        XCTAssertEqual(DateParser.monthDay(month: 1, day: 3, today: d(2026, 12, 30), reading: .past), d(2027, 1, 3), "a month ahead is still this one")
        XCTAssertNil(DateParser.monthDay(month: 2, day: 29, today: d(2027, 1, 10), reading: .upcoming), "not 2028's, fourteen months on (helper-136)")
        XCTAssertEqual(DateParser.monthDay(month: 2, day: 29, today: d(2027, 12, 10), reading: .upcoming), d(2028, 2, 29), "the coming February's (helper-137)")
        XCTAssertEqual(DateParser.monthDay(month: 2, day: 29, today: d(2029, 1, 10), reading: .past), d(2028, 2, 29), "within a year back")
        XCTAssertNil(DateParser.monthDay(month: 2, day: 29, today: d(2029, 3, 10), reading: .past), "more than a year back")
        // The notes a command says (DateParser.readingNotes).
        XCTAssertEqual(DateParser.readingNotes("1月5日", now: now, reading: .upcoming).map(\.zh), ["“1月5日”未写年份，按 2027-01-05 理解"])
        XCTAssertEqual(DateParser.readingNotes("周一", now: now, reading: .upcoming).map(\.zh), ["“周一”指本周的这一天（2026-11-23），已经过去，将按这一天记录；如指下周，请写“下周一”"])
        XCTAssertEqual(DateParser.readingNotes("2026-11-01", now: now, reading: .upcoming).map(\.zh), ["2026-11-01 早于今天"])
        XCTAssertEqual(DateParser.readingNotes("12月1日 下午3点", now: now, reading: .past).map(\.zh), [])
        XCTAssertEqual(DateParser.readingNotes("1月5日开会", now: now, reading: .upcoming).map(\.zh), [], "not a date")
        // A look back starts no later than today (history --since 1月5日 in December: helper-137).
        XCTAssertEqual(DateParser.monthDay(month: 1, day: 5, today: d(2026, 12, 13), reading: .notLater), d(2026, 1, 5))
        XCTAssertEqual(DateParser.monthDay(month: 1, day: 5, today: d(2026, 12, 13), reading: .past), d(2027, 1, 5))
        XCTAssertEqual(DateParser.monthDay(month: 12, day: 13, today: d(2026, 12, 13), reading: .notLater), d(2026, 12, 13))
        XCTAssertEqual(DateParser.monthDay(month: 2, day: 29, today: d(2028, 11, 1), reading: .past), d(2028, 2, 29))
        XCTAssertEqual(DateParser.monthDay(month: 2, day: 29, today: d(2028, 2, 10), reading: .past), d(2028, 2, 29), "this year's, within a month")
        XCTAssertNil(DateParser.monthDay(month: 12, day: 1, today: d(2026, 11, 1), reading: .refused))
        // When something happened: 12月1日 typed on 2026-11-25 has not come, and says its date.
        XCTAssertThrowsError(try DateParser.parseInstant("12月1日", now: now)) {
            XCTAssertTrue((($0 as? ArchiveError)?.reasonZH ?? "").contains("12月1日（2026-12-01）还没到"), "\($0)")
        }
        XCTAssertEqual(try DateParser.parseInstant("11月20日 下午3点", now: now), DateParser.startOfDay(d(2026, 11, 20)) + 15 * 3600)
        // With a time of day, the moment it was read as (helper-134: no date was said).
        XCTAssertThrowsError(try DateParser.parseInstant("11月25日 下午3点", now: now)) {
            XCTAssertEqual(($0 as? ArchiveError)?.reasonZH, "“11月25日 下午3点”（2026-11-25 15:00）还没到，只能登记已经发生的事")
        }
        XCTAssertThrowsError(try DateParser.parseInstant("12月1日 上午10点", now: now)) {
            XCTAssertEqual(($0 as? ArchiveError)?.reasonZH, "12月1日（2026-12-01）还没到，只能登记已经发生的事")
        }
        // A date alone is still 09:00 and a moment only in a file's own forms is unchanged.
        XCTAssertEqual(try DateParser.parse("2026年3月5号", now: now), try DateParser.parse("2026-03-05", now: now))
    }

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

    /// The RFC 3339 time `history --json` writes is what `ISO8601DateFormatter` writes (in UTC),
    /// at the edges of days, months, leap years and the clock's range, and at 5,000 times between.
    func testRFC3339ByArithmeticIsWhatTheFormatterWrites() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var times: [Int64] = [0, 1, 59, 60, 3_599, 3_600, 86_399, 86_400, 951_782_400, 951_868_799, 1_796_000_000, 4_107_542_399, 253_402_300_799,
                              -1, -86_400, -86_401, -1_000_000_000]
        var state: UInt64 = 7
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            times.append(Int64(state >> 16) % 253_402_300_800)
        }
        for t in times {
            XCTAssertEqual(DateParser.rfc3339UTC(t), formatter.string(from: Date(timeIntervalSince1970: TimeInterval(t))), "\(t)")
        }
    }
}
