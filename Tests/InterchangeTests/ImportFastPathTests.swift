import Foundation
@testable import Interchange
@testable import SalesArchive
import VaultFormat
import XCTest

/// The import's fast paths (PERFORMANCE.md, "Import and export") give what the general code
/// gives: each shortcut against the code it short-cuts, over generated inputs, and a generated
/// import (duplicates written several ways, bad credit codes, +86 phones, log rows naming their
/// customer by name, code or credit code) with the problems, records and events it must give.
final class ImportFastPathTests: XCTestCase {
    /// A fixed-seed generator (the same inputs on every run).
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
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
        mutating func string(from scalars: [Unicode.Scalar], maxLength: Int) -> String {
            var s = String.UnicodeScalarView()
            for _ in 0..<int(maxLength + 1) { s.append(pick(scalars)) }
            return String(s)
        }
    }

    static func scalars(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }

    // MARK: The property shortcuts, over every scalar

    func testWhiteSpaceFastIsTheWhiteSpacePropertyAndFoundationsSets() {
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            XCTAssertEqual(s.isWhiteSpaceFast, s.properties.isWhitespace, "U+\(String(v, radix: 16))")
            // Foundation's set adds the zero-width space to White_Space; the trimming shortcuts ask this.
            XCTAssertEqual(s.isTrimmedByFoundation, CharacterSet.whitespacesAndNewlines.contains(s), "U+\(String(v, radix: 16))")
            XCTAssertEqual(s.isTrimmedByFoundation, s.isWhiteSpaceFast || v == 0x200B)
            if CharacterSet.whitespaces.contains(s) { XCTAssertTrue(s.isTrimmedByFoundation, "U+\(String(v, radix: 16))") }
        }
    }

    func testBasicCJKIdeographsAreLettersWithoutCaseOrFolding() {
        let alphabet = Set(CreditCode.alphabet)
        for v in UInt32(0x4E00)...0x9FEF {
            let s = Unicode.Scalar(v)!
            XCTAssertTrue(s.isBasicCJKIdeograph)
            XCTAssertEqual(s.properties.generalCategory, .otherLetter, "U+\(String(v, radix: 16))")
            XCTAssertFalse(s.properties.isWhitespace)
            XCTAssertEqual(s.properties.lowercaseMapping, String(s))
            XCTAssertEqual(s.properties.uppercaseMapping, String(s))
            XCTAssertEqual(s.asciiForm, s)
            XCTAssertFalse("《》·".unicodeScalars.contains(s))
            XCTAssertFalse(alphabet.contains(Character(s)))
        }
        XCTAssertFalse(Unicode.Scalar(0x4DFF)!.isBasicCJKIdeograph)
        XCTAssertFalse(Unicode.Scalar(0x9FF0)!.isBasicCJKIdeograph)
    }

    // MARK: Each shortcut against the code it short-cuts

    /// A value or the error's text, to compare two readings.
    func outcome<T>(_ body: () throws -> T) -> String {
        do { return "\(try body())" } catch let e as ArchiveError { return "error \(e.code) \(e.reason)" } catch let f as CellReading.Failure {
            return "failure \(f.reason) | \(f.reasonZH)"
        } catch { return "error \(error)" }
    }

    func testFastDatesAreWhatTheGeneralParserReads() {
        var r = Seeded(state: 1)
        var inputs = ["2026-03-05", "2026/3/5", "2026-3-05", "2026-02-29", "2028-02-29", "1900-01-01", "1899-12-31", "9999-12-31",
                      "2026-13-01", "2026-00-10", "2026-01-00", "2026-04-31", "2026/03-05", "2026-03/05", "26-03-05", "02026-03-05",
                      "2026-0003-05", "2026--03", "2026-03-", "-2026-03-05", "2026-03-05-", "2026.3.5", "03/05/2026", "2026年3月5日",
                      "２０２６-03-05", " 2026-03-05", "2026-03-05 ", "+3d", "-2d", "今天", "", "2026-03-05T10:00"]
        let pieces = ["2026", "1900", "0000", "9999", "202", "20261", "1", "01", "2", "02", "12", "13", "29", "30", "31", "32", "003", "-", "/", ".", " ", "年", "月", "日", "d", "+"]
        for _ in 0..<20_000 {
            var s = ""
            for _ in 0..<(1 + r.int(6)) { s += r.pick(pieces) }
            inputs.append(s)
        }
        let now: Int64 = 1_795_824_000
        for s in inputs {
            XCTAssertEqual(outcome { try DateParser.parse(s, now: now) }, outcome { try DateParser.parseGeneral(s, now: now) }, s)
        }
    }

    /// ISO instants with an offset from UTC, as other programs write them (they were refused:
    /// helper-100), are the same moment as in UTC.
    func testAnISOInstantWithAnOffsetIsThatMoment() throws {
        let utc = try XCTUnwrap(try CellReading.instant(.text("2026-11-23T01:00:00Z"), now: 0, dayOrder: nil))
        XCTAssertEqual(try CellReading.instant(.text("2026-11-23T09:00:00+08:00"), now: 0, dayOrder: nil), utc)
        XCTAssertEqual(try CellReading.instant(.text("2026-11-22T20:00:00-05:00"), now: 0, dayOrder: nil), utc)
        XCTAssertThrowsError(try CellReading.instant(.text("2026-11-23T09:00:00+25:00"), now: 0, dayOrder: nil))
    }

    /// A time after the date as a Chinese sales team writes it in a sheet (下午3点, 10时,
    /// 15时30分, 下午 3:30) and a fraction of a second are read as `--at` reads them: they were
    /// refused as no date and time. A time alone, a time that is no time of that part of the
    /// day, and a relative day stay refused.
    func testATimeWrittenInWordsAfterTheDateIsReadAsTheCommandReadsIt() throws {
        let now: Int64 = 1_795_824_000  // (2026-11-28)
        let day = DateParser.startOfDay(DateParser.day(year: 2026, month: 11, day: 3)!)
        let read: [(String, Int)] = [
            ("2026-11-03 下午3点", 15 * 3600), ("2026年11月3日10时", 10 * 3600), ("2026-11-03 15时30分", 15 * 3600 + 1800),
            ("2026/11/3 下午 3:30", 15 * 3600 + 1800), ("2026-11-03 10:00:00.5", 36_000), ("2026-11-03 10:00:05,250", 36_005),
            ("2026年11月3日上午10点半", 37_800), ("2026-11-03 晚上8点15分", 20 * 3600 + 900), ("2026-11-03T10:00:05.123", 36_005),
            ("２０２６年１１月３日　下午３点", 15 * 3600), ("2026年11月3日 星期二 14:30", 14 * 3600 + 1800),
        ]
        for (text, second) in read {
            XCTAssertEqual(try CellReading.instant(.text(text), now: now, dayOrder: nil), day + Int64(second), text)
        }
        XCTAssertEqual(try CellReading.instant(.text("03/11/2026 下午3点"), now: now, dayOrder: .dayMonthYear), day + 15 * 3600)
        for text in ["下午3点", "15:30", "2026-11-03 下午0点", "2026-11-03 25时", "昨天下午3点", "2026-11-03 10", "2026-11-03 10::00",
                     "2026-11-03 10:00:00.", "2026-11-03 晚上12点"] {
            XCTAssertThrowsError(try CellReading.instant(.text(text), now: now, dayOrder: nil), text)
        }
        // A long cell is no time (its reading took a third of a second per cell of 40,000 characters).
        for long in ["2026-11-03 " + String(repeating: "1", count: 40_000) + "点", "2026-11-03 下午" + String(repeating: " ", count: 40_000) + "3点",
                     String(repeating: "2", count: 40_000) + "时"] {
            XCTAssertThrowsError(try CellReading.instant(.text(long), now: now, dayOrder: nil))
            XCTAssertNil(try DateParser.splitTime(long).second)
        }
        XCTAssertEqual(try DateParser.splitTime("2026年12月31日 星期四 晚上11点45分").second, 23 * 3600 + 45 * 60, "the longest usual form is read")
        // helper-123: 3:00 PM and PM 3:00; 时 and 03点 are the 24-hour clock; 1–6点 alone are
        // refused in a file (a command takes them as the afternoon); invisible characters are
        // dropped; a long date with its weekday and no time is that day; a time-formatted cell
        // and 上午 10:30 are times without a date; two times are no date and time.
        let more: [(String, Int)] = [
            ("2026-11-03 3:00 PM", 15 * 3600), ("2026/11/3 PM 3:00", 15 * 3600), ("2026-11-03 11:30am", 11 * 3600 + 1800),
            ("2026-11-03 12:00 AM", 0), ("2026-11-03 12:15 p.m.", 12 * 3600 + 900), ("2026-11-03 8:00 PM", 20 * 3600),
            ("2026-11-03 03时", 3 * 3600), ("2026-11-03 3时30分", 3 * 3600 + 1800), ("2026-11-03 03点30分", 3 * 3600 + 1800),
            ("2026-11-03 下\u{200B}午3点", 15 * 3600), ("\u{FEFF}2026-11-03 下午3点\u{200F}", 15 * 3600),
            ("2026年11月3日 星期二", 0), ("2026-11-03 星期二", 0), ("2026/11/3 周二", 0), ("2026-11-03 0点", 0),
        ]
        for (text, second) in more {
            XCTAssertEqual(try CellReading.instant(.text(text), now: now, dayOrder: nil), day + Int64(second), text)
        }
        func reason(_ cell: CellValue) -> String? {
            do { _ = try CellReading.instant(cell, now: now, dayOrder: nil); return nil } catch let f as CellReading.Failure { return f.reasonZH } catch { return "\(error)" }
        }
        XCTAssertEqual(reason(.text("2026-11-03 3点")), "“2026-11-03 3点”无法判断是上午还是下午，请写成 03:00 或 15:00，也可在钟点前加“上午”或“下午”")
        XCTAssertEqual(reason(.text("上午 10:30")), "“上午 10:30”只有时间，没有日期；请在前面写上日期，如 2026-03-05 上午 10:30")
        XCTAssertEqual(reason(.date(CivilDateTime(year: 1899, month: 12, day: 31, secondOfDay: 15 * 3600))), "“15:00”只有时间，没有日期；请在前面写上日期，如 2026-03-05 15:00")
        XCTAssertEqual(reason(.text("2026-11-03 下午3点 下午4点")), "“2026-11-03 下午3点 下午4点”不是有效的日期时间，请写成 2026-03-05 14:30 或 2026-03-05")
        XCTAssertEqual(reason(.text("2026-11-03 15:00 下午4点")), "“2026-11-03 15:00 下午4点”不是有效的日期时间，请写成 2026-03-05 14:30 或 2026-03-05")
        XCTAssertEqual(reason(.text("2026-11-03 晚上12点")), "“2026-11-03 晚上12点”可能指当天凌晨 0 点，也可能指当天深夜（即第二天 0 点），无法确定；请直接写日期和时间，深夜 12 点请写成第二天的日期加 00:00")
        // 半夜12点 too (a command took it as that day's 00:00: refused there as well); 3点半 names its minutes;
        // a cell formatted as a time at 00:00 says 00:00 (it said 1899-12-31: helper-124).
        XCTAssertEqual(reason(.text("2026-11-03 半夜12点")), "“2026-11-03 半夜12点”可能指当天凌晨 0 点，也可能指当天深夜（即第二天 0 点），无法确定；请直接写日期和时间，深夜 12 点请写成第二天的日期加 00:00")
        XCTAssertEqual(reason(.text("2026-11-03 3点半")), "“2026-11-03 3点半”无法判断是上午还是下午，请写成 03:30 或 15:30，也可在钟点前加“上午”或“下午”")
        XCTAssertEqual(reason(.date(CivilDateTime(year: 1899, month: 12, day: 31, secondOfDay: 0))), "“00:00”只有时间，没有日期；请在前面写上日期，如 2026-03-05 00:00")
        XCTAssertEqual(CellReading.momentSample(day, input: "2026-11-03 0点"), "2026-11-03 00:00")
        XCTAssertEqual(CellReading.momentSample(day, input: "2026-11-03 12:00 AM"), "2026-11-03 00:00")
        XCTAssertEqual(CellReading.momentSample(day, input: "2026-11-03"), "2026-11-03")
        XCTAssertEqual(reason(.text("2026-11-03 下午8点")), "“2026-11-03 下午8点”对不上：下午是1点至7点（13:00–19:00）。请改用 24 小时制（如 20:00），或换成相应的时段（如“晚上8点”）")
        XCTAssertEqual(reason(.text("2026-11-03 24点")), "“2026-11-03 24点”：时间不能写成 24 点，请写成次日 0 点，即第二天的日期加 00:00")
        XCTAssertEqual(reason(.text("2026-11-03 13:00 PM")), "“2026-11-03 13:00 PM”中的小时应在 0 到 23 之间（带上午/下午时为 1 到 12）；请写成 15:30 或 下午3点半")
        // A command still takes 3点 as the afternoon, and 3时 as written.
        XCTAssertEqual(try DateParser.splitTime("昨天3点").second, 15 * 3600)
        XCTAssertEqual(try DateParser.splitTime("昨天3时").second, 3 * 3600)
        XCTAssertEqual(try DateParser.splitTime("昨天 3:00 pm").second, 15 * 3600)
        XCTAssertEqual(CellReading.droppingFraction("2026-11-03 10:00:05.5"), "2026-11-03 10:00:05")
        XCTAssertEqual(CellReading.droppingFraction("2026.11.03"), "2026.11.03", "a date's dots are no fraction")
        XCTAssertEqual(CellReading.droppingFraction("10:05.5"), "10:05.5", "minutes and seconds without hours are left as they are")
    }

    func testFastInstantsAreWhatTheGeneralReadingGives() {
        var r = Seeded(state: 2)
        var inputs = ["2026-06-01 10:00", "2026-06-01T10:00:05", "2026/6/1 9:5", "2026-06-01", "2026-06-01 24:00", "2026-06-01 23:60",
                      "2026-06-01 10:00:60", "2026-06-01 10", "2026-06-01 10:00:00:00", "2026-06-01 10::00", "2026-06-01 010:00",
                      "2026-06-01  10:00", "2026-06-01 10:00 ", " 2026-06-01 10:00", "2026-06-01T10:00:00Z", "2026-06-01 10:00Z", "2026-06-01T10:00:00+08:00", "2026-06-01T10:00:00-05:30",
                      "2026-06-01 :10", "2026-06-01 10:", "2026-02-30 10:00", "2026年6月1日 10:00", "２０２６-06-01 10:00", "today 10:00", ""]
        let pieces = ["2026", "-", "06", "6", "/", "01", "1", "31", " ", "T", "10", "9", "23", "24", "59", "60", ":", "Z", "5", "00", "x"]
        for _ in 0..<20_000 {
            var s = ""
            for _ in 0..<(1 + r.int(9)) { s += r.pick(pieces) }
            inputs.append(s)
        }
        let now: Int64 = 1_795_824_000
        for s in inputs {
            XCTAssertEqual(outcome { try CellReading.instant(.text(s), now: now, dayOrder: nil) },
                           outcome { try CellReading.instant(.text(s), now: now, dayOrder: nil, fast: false) }, s)
        }
    }

    func testTheScientificNotationMatcherIsTheRegularExpression() {
        var r = Seeded(state: 3)
        var inputs = ["1.23E+17", "1E5", "1e+05", "1.E5", ".5E3", "12E3", "1.2.3E4", "1.23E-17", "1.23E+", "1.23", "E5", "1.23E+17x", "", "1.23E++1", "9.99999E+14"]
        let alphabet = Self.scalars("0123456789.eE+-x ")
        for _ in 0..<30_000 { inputs.append(r.string(from: alphabet, maxLength: 9)) }
        for s in inputs {
            let byRegex = s.range(of: #"^[0-9](\.[0-9]+)?[eE][+]?[0-9]+$"#, options: .regularExpression) != nil
            XCTAssertEqual(CellReading.looksScientific(s), byRegex, s)
        }
    }

    func testCreditCodeShortcutsGiveTheGeneralCheck() {
        var r = Seeded(state: 4)
        var inputs = ["91350100M000100Y43", "91350100m000100y43", "91350100M000100Y44", "91350100M000100I43", " 91350100M000100Y43 ",
                      "9135 0100 M000 100Y 43", "9135\t0100\r\nM000100Y43", "９１350100M000100Y43", "91350100M000100Y4", "91350100M000100Y433",
                      "腾讯科技（深圳）有限公司", "9135010０M000100Y43", "91350100M000100Y4３", "913501 00M000100Y43中", "ﬀ", "", "\u{3000}91350100M000100Y43"]
        let alphabet = Self.scalars("0123456789ABCDEFGHJKLMNPQRTUWXYabcxyzIOZSV \t\r\n-") + [Unicode.Scalar(0xFF11)!, Unicode.Scalar(0x3000)!, "中", "é", Unicode.Scalar(0x131)!]
        for _ in 0..<20_000 {
            var s = r.pick(["91350100M000100Y43", "91440300708461136T", "", "9144030070846113"])
            for _ in 0..<r.int(4) {
                let i = s.unicodeScalars.index(s.unicodeScalars.startIndex, offsetBy: r.int(s.unicodeScalars.count + 1))
                s.unicodeScalars.insert(r.pick(alphabet), at: i)
            }
            inputs.append(s)
            inputs.append(r.string(from: alphabet, maxLength: 20))
        }
        for s in inputs { XCTAssertEqual(CreditCode.checkCode(s), CreditCode.checkGeneral(s), s) }
    }

    func testCompanyKeysRemoveTheLegalSuffixesAsTheFullComparisonDoes() {
        // The key as it was made before its shortcut (each suffix compared in full, the longest
        // first again after each one removed).
        func reference(_ name: String) -> String {
            var key = CompanyName.fold(name)
            var changed = true
            while changed {
                changed = false
                for suffix in CompanyName.foldedSuffixes where key.count > suffix.count && key.suffix(suffix.count).elementsEqual(suffix) {
                    key.removeLast(suffix.count)
                    changed = true
                    break
                }
            }
            return key.isEmpty ? "\u{0}" + name : String(String.UnicodeScalarView(key))
        }
        var r = Seeded(state: 11)
        let pieces = CompanyName.legalSuffixes + ["华为", "技术", "司", "公", "团", "Ltd", "（深圳）", " ", "A", "限"]
        for _ in 0..<20_000 {
            let name = (0..<r.int(5)).map { _ in r.pick(pieces) }.joined()
            XCTAssertEqual(CompanyName.key(name), reference(name), name)
        }
    }

    /// A value handed to `Background.release` is freed on another thread, even when the
    /// background block runs at once: the caller keeps no copy to free last.
    func testAReleasedValueIsFreedOnAnotherThread() {
        final class Tracer: @unchecked Sendable {
            let freed: (pthread_t) -> Void
            init(_ freed: @escaping (pthread_t) -> Void) { self.freed = freed }
            deinit { freed(pthread_self()) }
        }
        let caller = pthread_self()
        for _ in 0..<50 {
            let done = expectation(description: "freed")
            var values = (0..<1_000).map { _ in Tracer { thread in if thread == caller { XCTFail("freed on the caller's thread") } } }
            values.append(Tracer { _ in done.fulfill() })
            Background.release(&values, leaving: [])
            XCTAssertTrue(values.isEmpty)
            wait(for: [done], timeout: 30)
        }
    }

    func testPhoneKeysOfASCIIAreTheGeneralOnes() {
        var r = Seeded(state: 5)
        var inputs = ["+86 138-0000-0001", "008613800000001", "8613800000001", "86138000000012", "(0571) 8888 6666", "123456", "1234567", "", "0086"]
        let alphabet = Self.scalars("0123456789+-() 86xXeEl#/,;a") + [Unicode.Scalar(0xFF11)!, "电", "转"]
        for _ in 0..<20_000 { inputs.append(r.string(from: alphabet, maxLength: 16)) }
        for s in inputs { XCTAssertEqual(Identity.phoneKey(s), Identity.phoneKeyGeneral(s), s) }
    }

    func testNormalizedNamesAreTheGeneralOnes() {
        var r = Seeded(state: 6)
        // zh-punct: keep (the ASCII brackets are the point: both widths)
        let alphabet = Self.scalars("腾讯科技深圳有限公司AbCz09 \t()（）.-") + [Unicode.Scalar(0x3000)!, Unicode.Scalar(0xFF21)!, "É", "é", Unicode.Scalar(0x130)!, "Σ", Unicode.Scalar(0x2028)!, Unicode.Scalar(0x301)!]
        var inputs = ["腾讯科技（深圳）有限公司", "ACME Co. Ltd", "İstanbul", "ΟΔΟΣ", ""]
        for _ in 0..<20_000 { inputs.append(r.string(from: alphabet, maxLength: 14)) }
        for s in inputs { XCTAssertEqual(ChangeDraft.normalizedName(s), ChangeDraft.normalizedNameGeneral(s), s) }
    }

    /// Header folding without Foundation is the Foundation-based folding it replaced, and a cell
    /// folded once for every kind maps as each lookup of it did.
    func testHeaderFoldingIsTheFoundationBasedOne() {
        func reference(_ header: String) -> String {
            var s = Identity.halfWidth(header).lowercased()
            s = s.replacingOccurrences(of: "（", with: "(").replacingOccurrences(of: "）", with: ")")
            if s.hasSuffix(")"), let open = s.lastIndex(of: "("), open != s.startIndex { s = String(s[..<open]) }
            return String(s.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "*" && $0 != "_" && $0 != "-" }.map(Character.init))
        }
        var r = Seeded(state: 8)
        let spaces = (UInt32(0)...0x3000).compactMap(Unicode.Scalar.init).filter(\.properties.isWhitespace)
        // zh-punct: keep (both widths of brackets and separators are the point)
        let alphabet = spaces + Self.scalars("客户名称等级AbZz09*_-()（）/|／") + [Unicode.Scalar(0xFF21)!, Unicode.Scalar(0x130)!, "É", Unicode.Scalar(0x301)!, Unicode.Scalar(0xFF0A)!]
        var inputs = ["客户名称(必填)", "客户名称（必填）", "* 客户名称 *", "Company Name", "(备注)", "İ", "客户名称/Company", "手机 | Mobile", "x\u{3000}y", ""]
        for _ in 0..<20_000 { inputs.append(r.string(from: alphabet, maxLength: 10)) }
        let mapping = try! ColumnMapping(text: "客户全称（旧）= name\nx = -")
        for s in inputs {
            XCTAssertEqual(Columns.normalise(s), reference(s), s.debugDescription)
            let folded = Columns.HeaderText(s)
            for kind in ImportKind.allCases {
                // (The lookup as it was: the whole, then each part between separators.)
                let map = Columns.tables[kind]!
                let expected = mapping.target(s, kind: kind) ?? map[reference(s)]
                    ?? s.split(whereSeparator: { "/|／".contains($0) }).lazy.compactMap { map[reference(String($0))] }.first
                XCTAssertEqual(Columns.target(folded, kind: kind, mapping: mapping), expected, s.debugDescription)
            }
        }
    }

    func testTrimmingAndWhiteSpaceRemovalAreFoundationsAndTheCharacterFilter() {
        var r = Seeded(state: 7)
        let spaces = (UInt32(0)...0x3000).compactMap(Unicode.Scalar.init).filter(\.properties.isWhitespace)
        // (Scalars of one to four UTF-8 bytes at either end; texts short enough to be stored in
        // the String itself and long enough to be stored apart, which the shortcut reads alike.)
        let alphabet = spaces + Self.scalars("甲a1,é𠮷") + [Unicode.Scalar(0x301)!, Unicode.Scalar(0x200B)!, Unicode.Scalar(0xFEFF)!]
        for i in 0..<30_000 {
            let s = r.string(from: alphabet, maxLength: i % 3 == 0 ? 24 : 6)
            XCTAssertEqual(s.trimmedWhitespace, s.trimmingCharacters(in: .whitespacesAndNewlines), s.debugDescription)
            XCTAssertEqual(s.trimmedSpaces, s.trimmingCharacters(in: .whitespaces), s.debugDescription)
            XCTAssertEqual(s.removingWhitespaceCharacters, s.filter { !$0.isWhitespace }, s.debugDescription)
        }
    }

    // MARK: A generated import, end to end

    static func credit(_ i: Int, good: Bool = true) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let body = Array("9144030" + String(format: "%010d", i * 7919 % 10_000_000_000))
        let sum = (0..<17).reduce(0) { $0 + alphabet.firstIndex(of: body[$1])! * CreditCode.weights[$1] }
        let r = (31 - sum % 31) % 31
        return String(body) + String(alphabet[good ? r : (r + 1) % 31])
    }

    func testAGeneratedImportFindsTheSameDuplicatesProblemsRecordsAndEvents() throws {
        let n = 300
        var lines = ["客户名称,客户等级,统一社会信用代码,联系电话,客户编号"]
        for i in 1...n {
            lines.append("华东\(i)科技有限公司,\(["A", "b", "C级", "重要"][i % 4]),\(i % 3 == 0 ? Self.credit(i) : ""),1380000\(String(format: "%04d", i)),K\(String(format: "%04d", i))")
        }
        // Line n + 2 onwards: duplicates written several ways, bad codes, +86 phones.
        let extra = [
            "华东5科技 有限公司,A,,,",  // n + 2: line 6's name (customer 5) with a space
            "华东６科技有限责任公司,B,,,",  // n + 3: line 7's name, full-width digit, another legal suffix
            "另一家公司,A,\(Self.credit(3)),,",  // n + 4: line 4's credit code
            "新公司丙,A,,+86 138-0000-0007,",  // n + 5: line 8's phone with +86
            "坏代码公司,A,\(Self.credit(1000, good: false)),,",  // n + 6: wrong check character
            "短代码公司,A,12345,,",  // n + 7: not a credit code
            "科学计数公司,A,,1.38E+10,",  // n + 8: a phone Excel shortened
            "全新公司丁,D,\(Self.credit(1001)),0086 13912345678,",  // n + 9: new
        ]
        lines += extra
        let f = try ImportFixture()
        let csv = Data(("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n").utf8)
        let before = try f.bytes()
        let refused = try f.importing(csv, name: "客户.csv")  // all or nothing: refused
        XCTAssertFalse(refused.canCommit)
        XCTAssertEqual(try f.bytes(), before, "a refused import leaves the archive byte-identical")
        XCTAssertEqual(refused.problems.map(\.line), [n + 2, n + 3, n + 4, n + 5, n + 6, n + 7, n + 8].sorted())
        let byLine = Dictionary(grouping: refused.problems, by: \.line).mapValues { $0.map(\.reason) }
        XCTAssertEqual(byLine[n + 2], ["the same customer as line 6 of this file (the same name once the legal suffix, spaces and brackets are set aside)"])
        XCTAssertEqual(byLine[n + 3], ["the same customer as line 7 of this file (the same name once the legal suffix, spaces and brackets are set aside)"])
        XCTAssertEqual(byLine[n + 4], ["the same customer as line 4 of this file (same credit code)"])
        XCTAssertEqual(byLine[n + 5], ["the same customer as line 8 of this file (same phone)"])
        let expected: Character = { if case .wrongCheckDigit(let e) = CreditCode.check(Self.credit(1000, good: false)) { return e }; return "?" }()
        // (The domain's rule and words, on every path: the import no longer checks it a second way.)
        XCTAssertEqual(byLine[n + 6], ["creditCode: the check character of \(Self.credit(1000, good: false)) is wrong (GB 32100-2015 gives \(expected)); check the code for a typing mistake"])
        XCTAssertEqual(byLine[n + 7], ["creditCode: 12345 is not a unified social credit code: 18 digits or capitals (without I, O, Z, S, V)"])
        XCTAssertEqual(byLine[n + 8], ["1.38E+10 is a number Excel shortened to scientific notation; its last digits are lost. Format the column as text and type the number again"])
        XCTAssertEqual(refused.counts[.customers]?.new, n + 1)
        XCTAssertEqual(refused.counts[.customers]?.refused, 7)
        XCTAssertEqual(refused.duplicatesRefused, 4)
        let skipped = try f.importing(csv, name: "客户.csv", commit: false) { $0.onDuplicate = .skip }
        XCTAssertEqual(skipped.counts[.customers]?.duplicate, 4)
        XCTAssertEqual(skipped.counts[.customers]?.refused, 3)

        // The valid rows, committed: one create per customer (with its grade), no more.
        let committed = try f.importing(csv, name: "客户.csv") { $0.onlyValid = true }
        XCTAssertEqual(committed.plan?.events.count, n + 1)
        XCTAssertEqual(committed.plan?.events.allSatisfy { $0.operation == .create && $0.kind == .customer }, true)
        do {  // (the archive is closed again before the next import opens it)
        let a = try f.open()
        XCTAssertEqual(a.state.count(.customer), n + 1)
        let c9 = try a.resolve(.customer, "华东9科技有限公司")
        XCTAssertEqual(c9["phone"]?.text, "13800000009")
        XCTAssertEqual(c9["grade"]?.text, "B")
        XCTAssertEqual(c9["creditCode"]?.text, Self.credit(9))
        XCTAssertEqual(c9["code"]?.text, "K0009")
        XCTAssertEqual(try a.resolve(.customer, "华东4科技有限公司")["grade"]?.text, "A")
        XCTAssertEqual(try a.resolve(.customer, "全新公司丁")["phone"]?.text, "0086 13912345678")
        }

        // The contact log names its customers by full name, by name without the legal suffix,
        // by code (any case) and by credit code; a name that is no customer and a time that is
        // no time are refused with their line.
        var log = ["日期,客户,方式,跟进内容"]
        var expectedCustomer: [String] = []
        for i in 1...n {
            let (who, name): (String, String) = {
                switch i % 5 {
                case 0: return ("华东\(i)科技有限公司", "华东\(i)科技有限公司")
                case 1: return ("华东\(i)科技", "华东\(i)科技有限公司")
                case 2: return ("k\(String(format: "%04d", i))", "华东\(i)科技有限公司")
                case 3: return ("K\(String(format: "%04d", i))", "华东\(i)科技有限公司")
                default: return (Self.credit(3 * (i / 3 + 1)), "华东\(3 * (i / 3 + 1))科技有限公司")
                }
            }()
            log.append("2026-06-\(String(format: "%02d", i % 28 + 1)) 10:\(String(format: "%02d", i % 60)),\(who),\(["电话", "拜访", "微信", "visit"][i % 4]),第\(i)次 跟进")
            expectedCustomer.append(name)
        }
        log.append("2026-06-01 10:00,不存在的公司,电话,无")  // line n + 2
        log.append("2026-06-03 25:00,华东1科技有限公司,电话,无")  // line n + 3
        let logCSV = Data((log.joined(separator: "\n") + "\n").utf8)
        let logRefused = try f.importing(logCSV, name: "跟进.csv", commit: false)
        XCTAssertEqual(logRefused.problems.map(\.line), [n + 2, n + 3])
        XCTAssertEqual(logRefused.problems.map(\.reason), [
            "no customer 不存在的公司 in this file or in the archive; give the customer's full name, code or credit code",
            "2026-06-03 25:00 is not a date and time; write 2026-03-05 14:30 or 2026-03-05",
        ])
        XCTAssertEqual(logRefused.counts[.log]?.new, n)
        let logged = try f.importing(logCSV, name: "跟进.csv") { $0.onlyValid = true }
        let events = try XCTUnwrap(logged.plan?.events)
        XCTAssertEqual(events.filter { $0.kind == .activity && $0.operation == .create }.count, n)
        XCTAssertTrue(events.allSatisfy { ($0.kind == .activity && $0.operation == .create) || ($0.kind == .customer && $0.operation == .update) })
        do {
        let b = try f.open()
        try b.loadContactLog()
        let entries = b.state.all(.activity)
        XCTAssertEqual(entries.count, n)
        for (i, entry) in entries.enumerated() {
            let customer = try XCTUnwrap(entry["customer"]?.ref.flatMap { b.state.entity(.customer, $0) })
            XCTAssertEqual(customer["name"]?.text, expectedCustomer[i], "entry \(i + 1)")
            XCTAssertEqual(entry["summary"]?.text, "第\(i + 1)次 跟进")
            XCTAssertEqual(entry["type"]?.text, ["call", "visit", "im", "visit"][(i + 1) % 4])
        }
        // Each customer's last contact is its latest entry.
        var latest: [UInt64: Int64] = [:]
        for e in entries { latest[e["customer"]!.ref!] = max(latest[e["customer"]!.ref!] ?? .min, e["at"]!.int!) }
        for (id, at) in latest { XCTAssertEqual(b.state.entity(.customer, id)?["lastContactAt"]?.int, at) }
        }
        // Importing the same log again finds every entry in the archive as the file has it:
        // unchanged, nothing to import (they were refused as duplicates before).
        let again = try f.importing(logCSV, name: "跟进.csv", commit: false)
        XCTAssertEqual(again.duplicatesRefused, 0)
        XCTAssertEqual(again.counts[.log]?.unchanged, n)
        XCTAssertEqual(again.problems.map(\.line), [n + 2, n + 3])  // (the two bad rows, as before)
        XCTAssertFalse(again.canCommit)
        // With another way of contact, an entry is the archive's written otherwise: refused, as a duplicate.
        let changed = try f.importing(Data(String(decoding: logCSV, as: UTF8.self).replacingOccurrences(of: ",拜访,第1次 跟进\n", with: ",电话,第1次 跟进\n").utf8), name: "跟进.csv", commit: false)
        XCTAssertEqual(changed.duplicatesRefused, 1, "\(changed.problems)")
        XCTAssertTrue(changed.problems.contains { $0.reason == "already in the archive's contact log (same customer, time and content)" })
    }

    // MARK: The third optimisation: identity keys computed before the pass, on both cores

    /// `RowKeys.of` gives, for every row the pass plans, what the pass computed itself: the
    /// company key, credit code check and phone key of a customer row, the company key and
    /// credit code check of the customer another row names; nothing for excluded rows and rows
    /// with problems (over enough rows to be split between the cores).
    func testRowKeysAreTheKeysThePassComputed() {
        var r = Seeded(state: 9)
        let nameParts = ["华东", "腾讯科技", "（深圳）", "(深圳)", "有限公司", "有限责任公司", "集团", " ", "Ａ", "abc", "Co.,Ltd.", "·", "《》", "股份", "1", "Ⅻ", "ß", "İ"]  // zh-punct: keep (both bracket widths)
        var rows: [Importer.Row] = []
        var excluded = Set<Int>()
        for i in 0..<6_000 {
            let kind: ImportKind = [.customers, .log, .contacts, .projects, .complaints][r.int(5)]
            var row = Importer.Row(mapped: 0, table: 0, rowIndex: i, line: i + 2, kind: kind)
            let name = (0..<(1 + r.int(4))).map { _ in r.pick(nameParts) }.joined()
            let credit = r.pick([Self.credit(i), Self.credit(i, good: false), Self.credit(i).lowercased(), "12345", " " + Self.credit(i) + " ", ""])
            switch kind {
            case .customers:
                row.fields.append(("name", name))
                if r.int(3) > 0 { row.fields.append(("creditCode", credit)) }
                if r.int(3) > 0 { row.fields.append(("phone", r.pick(["+86 138-0000-\(String(format: "%04d", i))", "0086 13912345678", "021-6000", "１３８００００００００", "12"]))) }
            default:
                if r.int(10) > 0 { row.refs["customer"] = r.int(4) == 0 ? credit : name }
            }
            if r.int(20) == 0 { row.problems.append(ImportProblem(table: "t", line: i + 2, reason: "x", reasonZH: "x")) }
            if r.int(20) == 0 { excluded.insert(i) }
            rows.append(row)
        }
        let keys = Importer.RowKeys.of(rows, excluding: excluded)
        XCTAssertEqual(keys.count, rows.count)
        for (i, row) in rows.enumerated() {
            guard !excluded.contains(i) && row.problems.isEmpty else {
                XCTAssertNil(keys[i], "row \(i)")
                continue
            }
            let k = keys[i]
            switch row.kind {
            case .customers:
                XCTAssertEqual(k?.companyKey, TextKey(Identity.companyKey(row.field("name") ?? "")), "row \(i)")
                XCTAssertEqual(k?.credit, row.field("creditCode").map(CreditCode.check), "row \(i)")
                XCTAssertEqual(k?.phone, row.field("phone").flatMap(Identity.phoneKey), "row \(i)")
            default:
                XCTAssertEqual(k?.companyKey, row.refs["customer"].map { TextKey(Identity.companyKey($0)) }, "row \(i)")
                XCTAssertEqual(k?.credit, row.refs["customer"].map(CreditCode.check), "row \(i)")
                XCTAssertNil(k?.phone)
            }
        }
    }

    /// Keys of the import's tables are equal exactly when their texts are equal as `String`s
    /// (canonical equivalence), and equal keys hash alike: over pairs of ASCII, Chinese,
    /// full-width, precomposed and decomposed Latin, a compatibility ideograph and the ideograph
    /// it stands for, the Kelvin and Ångström signs, Hangul syllables and their jamo, ideographic
    /// tone marks, Greek question marks and Unicode 16 compositions (Tulu-Tigalari, Kirat Rai),
    /// each alone and inside a Chinese company name.
    func testTextKeysAreEqualExactlyWhenTheStringsAre() {
        let pieces = ["", "a", "K", "\u{212A}", "Å", "\u{212B}", "A\u{30A}", "é", "e\u{301}", "豈", "\u{F900}", "\u{8C48}", "한", "\u{1112}\u{1161}\u{11AB}",
                      "；", ";", "\u{37E}", "〪", "中\u{302A}", "（深圳）", "(深圳)", "腾讯", "ｔｅｎｃｅｎｔ", "tencent", "—", "…", "\u{0}", "a\u{301}\u{327}", "a\u{327}\u{301}",  // zh-punct: keep
                      "\u{11382}\u{113C9}", "\u{11383}", "\u{16D67}\u{16D67}", "\u{16D68}"]  // zh-punct: keep (and Unicode 16 compositions, which Foundation's ICU may not know)
        var texts = pieces
        for p in pieces { texts.append("上海\(p)科技有限公司") }
        for a in texts {
            for b in texts {
                XCTAssertEqual(TextKey(a) == TextKey(b), a == b, "\(a.debugDescription) against \(b.debugDescription)")
                if a == b { XCTAssertEqual(TextKey(a).hashValue, TextKey(b).hashValue, a.debugDescription) }
            }
        }
        // In a table, as the import uses them.
        var table: [TextKey: Int] = [:]
        for (i, t) in texts.enumerated() where table[TextKey(t)] == nil { table[TextKey(t)] = i }
        XCTAssertEqual(table.count, Set(texts).count)
    }

    /// An import large enough for the keys to be computed on both cores: duplicates of rows in
    /// either half of the file are found with their lines, and the contact log finds its
    /// customers by name, name without the legal suffix and credit code.
    func testALargeImportFindsDuplicatesAcrossTheFileWithTheirLines() throws {
        let n = 5_000
        var lines = ["客户名称,客户等级,统一社会信用代码,联系电话"]
        for i in 1...n {
            lines.append("华南\(i)贸易有限公司,B,\(i % 4 == 0 ? Self.credit(i) : ""),0755-6\(String(format: "%07d", i))")
        }
        lines.append("华南7贸易 有限公司,A,,")  // n + 2: line 8's name with a space
        lines.append("华南4990贸易有限责任公司,A,,")  // n + 3: line 4991's, another legal suffix
        lines.append("别的公司,A,\(Self.credit(4)),")  // n + 4: line 5's credit code
        lines.append("又一家公司,A,,0755 6\(String(format: "%07d", 4000))")  // n + 5: line 4001's phone
        let f = try ImportFixture()
        let csv = Data(lines.joined(separator: "\n").utf8)
        let refused = try f.importing(csv, name: "客户.csv", commit: false)
        XCTAssertEqual(refused.problems.map(\.line), [n + 2, n + 3, n + 4, n + 5])
        XCTAssertEqual(refused.problems.map(\.reason), [
            "the same customer as line 8 of this file (the same name once the legal suffix, spaces and brackets are set aside)", "the same customer as line 4991 of this file (the same name once the legal suffix, spaces and brackets are set aside)",
            "the same customer as line 5 of this file (same credit code)", "the same customer as line 4001 of this file (same phone)",
        ])
        XCTAssertEqual(refused.duplicatesRefused, 4)
        let committed = try f.importing(csv, name: "客户.csv") { $0.onlyValid = true }
        XCTAssertEqual(committed.plan?.events.count, n)

        var log = ["日期,客户,方式,跟进内容"]
        for i in 1...n {
            let who = i % 3 == 0 ? "华南\(i)贸易" : i % 4 == 0 ? Self.credit(i) : "华南\(i)贸易有限公司"
            log.append("2026-06-01 09:\(String(format: "%02d", i % 60)),\(who),电话,第\(i)次")
        }
        log.append("2026-06-01 09:01,华南1贸易有限公司,电话,第1次")  // n + 2: line 2 again
        log.append("2026-06-01 09:00,华南0贸易有限公司,电话,无")  // n + 3: no such customer
        let logRefused = try f.importing(Data(log.joined(separator: "\n").utf8), name: "跟进.csv", commit: false)
        XCTAssertEqual(logRefused.problems.map(\.line), [n + 2, n + 3])
        XCTAssertEqual(logRefused.problems.first?.reason, "the same entry as line 2 of this file (same customer, time and content)")
        XCTAssertEqual(logRefused.counts[.log]?.new, n)
        let events = try XCTUnwrap(try f.importing(Data(log.joined(separator: "\n").utf8), name: "跟进.csv") { $0.onlyValid = true }.plan?.events)
        XCTAssertEqual(events.filter { $0.kind == .activity }.count, n)
        let a = try f.open()
        try a.loadContactLog()
        for entry in a.state.all(.activity) {
            let i = Int(entry["summary"]!.text!.dropFirst().dropLast())!
            XCTAssertEqual(a.state.entity(.customer, entry["customer"]!.ref!)?["name"]?.text, "华南\(i)贸易有限公司")
        }
    }

    /// Rows read in chunks on both cores are the rows of one pass in file order: every row's
    /// values and problems, the date samples (the first of each column) and the warnings about
    /// numeric identifier cells (counted over the whole column), over sheets of several kinds
    /// with bad dates, credit codes, numbers where text belongs and empty required cells.
    func testRowsReadInChunksAreTheRowsOfOnePass() throws {
        var r = Seeded(state: 21)
        func cell(_ options: [CellValue]) -> CellValue { r.pick(options) }
        var customers = [TableRow(line: 1, cells: ["客户名称", "客户等级", "统一社会信用代码", "联系电话", "下次跟进", "客户编号"].map { .text($0) })]
        for i in 0..<3_000 {
            customers.append(TableRow(line: i + 2, cells: [
                r.int(50) == 0 ? .empty : .text("公司\(i)"),
                cell([.text("A"), .text("b"), .text("C级"), .text("重要"), .text("Z"), .empty, .number(1)]),
                cell([.text(Self.credit(i)), .text(Self.credit(i, good: false)), .text("12345"), .empty, .number(1e17)]),
                cell([.text("1380000\(String(format: "%04d", i))"), .text("1.38E+10"), .number(13_800_000_000 + Double(i)), .number(1.5e16), .empty]),
                cell([.text("2027-03-05"), .text("2027/3/5"), .text("03/05/2027"), .text("2027-02-30"), .text("明天"), .empty,
                      .date(CivilDateTime(year: 2027, month: 1, day: 2)), .number(46_000), .bool(true)]),
                cell([.text("K\(i)"), .number(Double(i)), .empty]),
            ]))
        }
        var log = [TableRow(line: 1, cells: ["日期", "客户", "方式", "跟进内容", "下次跟进"].map { .text($0) })]
        for i in 0..<3_000 {
            log.append(TableRow(line: i + 2, cells: [
                cell([.text("2026-06-01 10:00"), .text("2026/6/1 9:05"), .text("2026-06-01"), .text("2026-06-31 10:00"), .text("昨天"), .empty,
                      .text("2026-06-01 25:00"), .date(CivilDateTime(year: 2026, month: 6, day: 1, secondOfDay: 3_600)), .number(45_000.5)]),
                .text("公司\(r.int(3_000))"),
                cell([.text("电话"), .text("拜访"), .text("visit"), .text("飞鸽"), .empty]),
                r.int(30) == 0 ? .empty : .text("第\(i)次"),
                cell([.empty, .text("2026-12-01"), .text("x"), .date(CivilDateTime(year: 2026, month: 12, day: 1))]),
            ]))
        }
        let source = ImportSource(fileName: "客户.xlsx", sha256: "", format: .xlsx,
                                  tables: [Table(name: "客户", rows: customers), Table(name: "跟进记录", rows: log), Table(name: "客户2", rows: Array(customers.prefix(700)))])
        let f = try ImportFixture()
        let importer = Importer(archive: try f.open(), options: ImportOptions(now: testNow))
        var one = ImportPreview(source: source)
        let tables = importer.mapTables(source, into: &one)
        XCTAssertEqual(tables.count, 3)
        let mapped = one
        let whole = importer.readRows(tables, into: &one, chunk: .max)
        XCTAssertTrue(whole.contains { !$0.problems.isEmpty })
        XCTAssertFalse(one.dateSamples.isEmpty)
        let numeric = try XCTUnwrap(one.warnings.first { $0.reason.contains(" of this column are numbers") || $0.reason.contains("1 cell of this column is a number") })
        XCTAssertTrue(numeric.line == 0 && numeric.reasonZH.hasPrefix("第 ") && numeric.reasonZH.contains(" 行") && numeric.reasonZH.contains("个单元格是数字格式"),
                      "named by the rows that have them, once: \(numeric)")
        for chunk in [1, 7, 1_000, 2_999] {
            var p = mapped
            let rows = importer.readRows(tables, into: &p, chunk: chunk)
            XCTAssertEqual(rows.count, whole.count, "chunks of \(chunk)")
            for (a, b) in zip(rows, whole) { XCTAssertEqual("\(a)", "\(b)", "chunks of \(chunk)") }
            XCTAssertEqual(p.dateSamples, one.dateSamples, "chunks of \(chunk)")
            XCTAssertEqual(p.warnings, one.warnings, "chunks of \(chunk)")
            XCTAssertEqual(p.problems, one.problems, "chunks of \(chunk)")
        }
    }

    // MARK: Likely duplicates found by index

    /// A credit code with its check character (GB 32100-2015) after the 17 given.
    static func creditCode(_ first17: String) -> String {
        let sum = zip(first17, CreditCode.weights).reduce(0) { $0 + CreditCode.alphabet.firstIndex(of: $1.0)! * $1.1 }
        return first17 + String(CreditCode.alphabet[(31 - sum % 31) % 31])
    }

    /// The indexed finder an import uses for its renames gives what comparing every customer
    /// gives (`customer add`'s way), the same records for the same reasons in the same order:
    /// names in traditional characters, with and without legal suffixes, brackets, 省 and 市, one
    /// within another, branches, credit codes and phones (with +86), and generated names.
    func testTheIndexedDuplicateFinderFindsWhatComparingEveryCustomerFinds() throws {
        let f = try ImportFixture()
        let a = try f.open()
        let given: [(String, [(String, String)])] = [
            ("华为技术有限公司", [("phone", "0755-28780808")]),
            ("江苏恒瑞医药股份有限公司", [("creditCode", Self.creditCode("91320700134628394"))]),
            ("南京市地铁集团有限公司", []),
            ("腾讯科技（深圳）有限公司", [("phone", "13800138000")]),
            ("中国银行", []),
            ("中国银行股份有限公司南京河西支行", []),
            ("北京大学", []),
            ("東莞市長安電子廠", []),
            ("Acme Trading Co., Ltd.", [("phone", "+86 139 0000 1111")]),
            ("云帆", []),
        ]
        for (name, fields) in given { try a.addCustomer(name: name, fields: fields, now: testNow - 86_400) }
        var rng = Seeded(state: 42)
        let pieces = ["南京", "江苏", "省", "市", "恒瑞", "医药", "地铁", "集团", "华为", "技术", "華為", "技術", "科技", "（深圳）", "(深圳)", "有限公司",
                      "股份有限公司", "银行", "分行", "北京", "大学", "第一医院", "東莞", "长安", "長安", "电子", "電子", "厂", "Acme", " Trading", "云帆", "中国"]
        var generated: [String] = []
        for _ in 0..<300 {
            var name = ""
            for _ in 0..<(1 + rng.int(5)) { name += rng.pick(pieces) }
            generated.append(name)
        }
        for name in generated.prefix(120) where (try? a.addCustomer(name: name, now: testNow - 86_400)) != nil {}
        let customers = a.state.count(.customer)
        XCTAssertGreaterThan(customers, 80)
        let asked: [(String?, String?, String?)] = [
            ("华为技术", nil, nil), ("華為技術有限公司", nil, nil), ("恒瑞医药", nil, nil), ("江苏省恒瑞医药股份有限公司", nil, nil),
            ("南京地铁集团", nil, nil), ("腾讯科技(深圳)有限公司", nil, nil), ("中国银行上海分行", nil, nil), ("北京大学第一医院", nil, nil),
            ("东莞市长安电子厂", nil, nil), ("ACME TRADING", nil, nil), ("云帆", nil, nil), ("无关公司", Self.creditCode("91320700134628394"), nil),
            ("另一家", nil, "+86 13800138000"), (nil, nil, "075528780808"), ("acme trading co ltd", nil, "13900001111"),
        ] + generated.map { ($0, nil, nil) }
        let scan = Identity.DuplicateFinder(a.state, indexed: false)
        let index = Identity.DuplicateFinder(a.state, indexed: true)
        var found = 0
        for (name, credit, phone) in asked {
            let expected = scan.customers(like: name, creditCode: credit, phone: phone).map { "\($0.customer.id) \($0.reasonZH)" }
            XCTAssertEqual(index.customers(like: name, creditCode: credit, phone: phone).map { "\($0.customer.id) \($0.reasonZH)" }, expected, "\(name ?? "-")")
            XCTAssertEqual(Identity.likelyDuplicates(name: name, creditCode: credit, phone: phone, in: a.state).map { "\($0.customer.id) \($0.reasonZH)" }, expected)
            found += expected.count
        }
        XCTAssertGreaterThan(found, asked.count, "the names asked about find customers")
        // Each way a customer is found, found by the index.
        func reasons(_ name: String?, _ credit: String? = nil, _ phone: String? = nil) -> [String] {
            index.customers(like: name, creditCode: credit, phone: phone).filter { $0.customer.id <= UInt64(given.count) }.map { "\($0.customer.displayName) \($0.reasonZH)" }
        }
        XCTAssertEqual(reasons("華為技術有限公司"), ["华为技术有限公司 名称相同，仅繁简写法不同"])
        XCTAssertEqual(reasons("恒瑞医药"), ["江苏恒瑞医药股份有限公司 名称相近，一方名称包含另一方"])
        XCTAssertEqual(reasons("南京地铁集团"), ["南京市地铁集团有限公司 名称相同，仅“省”“市”二字不同"])
        XCTAssertEqual(reasons("中国银行南京河西支行"), ["中国银行股份有限公司南京河西支行 名称相同，仅“有限公司”等公司类型字样不同"])
        XCTAssertEqual(reasons("北京大学第一医院"), [], "an affiliated unit is another account")
        XCTAssertEqual(reasons("无关公司", Self.creditCode("91320700134628394")), ["江苏恒瑞医药股份有限公司 统一社会信用代码相同"])
        XCTAssertEqual(reasons("另一家", nil, "+86 138-0013-8000"), ["腾讯科技（深圳）有限公司 电话相同"])

        // Contacts: one customer's people, grouped once.
        let huawei = try a.resolve(.customer, "华为技术有限公司")
        for (name, mobile) in [("王敏", "13911112222"), ("張偉", nil), ("李雷", "13933334444")] as [(String, String?)] {
            try a.addContact(customer: "华为技术有限公司", name: name, fields: mobile.map { [("mobile", $0)] } ?? [], now: testNow - 86_400)
        }
        try a.addContact(customer: "中国银行", name: "王敏", now: testNow - 86_400)
        var finder = Identity.DuplicateFinder(a.state, indexed: true)
        for (name, mobile) in [("王敏", nil), ("张伟", nil), ("韩梅梅", "+86 139 3333 4444"), ("王 敏", "13911112222"), ("无名", nil)] as [(String, String?)] {
            XCTAssertEqual(finder.contacts(of: huawei.id, like: name, mobile: mobile).map { "\($0.customer.id) \($0.reasonZH)" },
                           Identity.likelyDuplicateContacts(customer: huawei.id, name: name, mobile: mobile, in: a.state).map { "\($0.customer.id) \($0.reasonZH)" }, name)
        }
        XCTAssertEqual(finder.contacts(of: huawei.id, like: "张伟", mobile: nil).map(\.reasonZH), ["姓名相同，仅繁简写法不同"])
        XCTAssertEqual(finder.contacts(of: huawei.id, like: "韩梅梅", mobile: "+86 139 3333 4444").map { $0.customer.displayName }, ["李雷"])
        XCTAssertEqual(finder.contacts(of: huawei.id, like: "王敏", mobile: nil).count, 1, "only that customer's people")
    }
}
