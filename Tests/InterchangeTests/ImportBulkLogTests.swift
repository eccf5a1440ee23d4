import Foundation
@testable import Interchange
@testable import SalesArchive
import XCTest

/// The bulk reading of a contact log (`Importer.bulkLog`, `CustomerArchive.planLog`) gives what
/// the general reading gives the same file: the same plan (every event, id and old value), counts,
/// date samples, warnings and problems; and a file with anything the bulk reading does not
/// take (a problem, a duplicate, a reference to contacts) goes the general way.
final class ImportBulkLogTests: XCTestCase {
    typealias Seeded = ImportFastPathTests.Seeded

    /// An archive of 60 customers (codes, credit codes, next follow-ups on some, a name with a
    /// decomposed accent) and a few log entries, so that last contacts have old values.
    func fixture() throws -> ImportFixture {
        let f = try ImportFixture()
        var lines = ["客户名称,客户等级,统一社会信用代码,客户编号,下次跟进"]
        for i in 1...60 {
            lines.append("华南\(i)电子有限公司,\(["A", "B", "C", "D"][i % 4]),\(i % 3 == 0 ? ImportFastPathTests.credit(i) : ""),K\(i),\(i % 4 == 0 ? "2026-12-1\(i % 10)" : "")")
        }
        lines.append("Café贸易有限公司,B,,,")
        XCTAssertTrue(try f.importing(Data(lines.joined(separator: "\n").utf8), name: "客户.csv").canCommit)
        let earlier = "日期,客户,方式,跟进内容\n2026-06-15 09:00,华南1电子有限公司,电话,首次联系\n2026-06-20,华南2电子,拜访,上门\n"
        XCTAssertTrue(try f.importing(Data(earlier.utf8), name: "早先.csv").canCommit)
        return f
    }

    /// Previews `data` both ways (nothing committed).
    func previews(_ data: Data, in f: ImportFixture, name: String = "跟进.csv") throws -> (bulk: ImportPreview, general: ImportPreview) {
        let bulk = try f.importing(data, name: name, commit: false)
        let general = try f.importing(data, name: name, commit: false) { $0.planInBulk = false }
        XCTAssertFalse(general.plannedInBulk)
        // Read in chunks of 97 rows on both cores (a duplicate then lies in another chunk).
        let chunked = try f.importing(data, name: name, commit: false) { $0.bulkChunk = 97 }
        XCTAssertEqual(chunked.plannedInBulk, bulk.plannedInBulk)
        Self.assertSame(chunked, bulk, "in chunks of 97 rows")
        return (bulk, general)
    }

    static func assertSame(_ a: ImportPreview, _ b: ImportPreview, _ what: String, line: UInt = #line) {
        XCTAssertEqual(a.counts, b.counts, what, line: line)
        XCTAssertEqual(a.problems, b.problems, what, line: line)
        XCTAssertEqual(a.warnings, b.warnings, what, line: line)
        XCTAssertEqual(a.dateSamples, b.dateSamples, what, line: line)
        XCTAssertEqual(a.tables.map(\.rows), b.tables.map(\.rows), what, line: line)
        XCTAssertEqual(a.canCommit, b.canCommit, what, line: line)
        XCTAssertEqual(a.duplicatesRefused, b.duplicatesRefused, what, line: line)
        XCTAssertEqual(a.refused.count, b.refused.count, what, line: line)
        XCTAssertEqual(a.plan?.label, b.plan?.label, what, line: line)
        XCTAssertEqual(a.plan?.problems.count, b.plan?.problems.count, what, line: line)
        XCTAssertEqual(a.plan?.events.count, b.plan?.events.count, what, line: line)
        XCTAssertTrue(a.plan?.events == b.plan?.events, "\(what): the events differ", line: line)
    }

    /// A contact log saved by Excel in GBK whose summaries hold ? (an emoji or ¥ lost) goes the
    /// general way, which says so once for the file; the bulk path said nothing (session 52's
    /// known gap). Without ?, or in UTF-8, it stays on the bulk path.
    func testAGBKLogWithQuestionMarksIsSaidAsTheGeneralReadingSaysIt() throws {
        let f = try fixture()
        let text = "日期,客户,方式,跟进内容\r\n2026-11-02 10:00,华南3电子有限公司,电话,报价 ?5万，客户说好?\r\n2026-11-03 10:00,华南4电子有限公司,拜访,面谈\r\n"
        let gbk = try Tool.run("iconv", ["-f", "UTF-8", "-t", "CP936"], input: Data(text.utf8))
        let (bulk, general) = try previews(gbk, in: f)
        XCTAssertFalse(bulk.plannedInBulk, "the ? of a GBK save: the general reading")
        Self.assertSame(bulk, general, "GBK with ?")
        XCTAssertTrue(bulk.warnings.contains { $0.line == 2 && $0.reasonZH.contains("第 2 行含有问号。如果这些问号原本是这类字符，导入后新增或修改的内容中也会是问号") }, "\(bulk.warnings.map(\.reasonZH))")
        let plain = try Tool.run("iconv", ["-f", "UTF-8", "-t", "CP936"], input: Data(text.replacingOccurrences(of: "?", with: "").utf8))
        XCTAssertTrue(try f.importing(plain, name: "跟进.csv", commit: false).plannedInBulk, "no ?: the bulk path")
        XCTAssertTrue(try f.importing(Data(("\u{FEFF}" + text).utf8), name: "跟进.csv", commit: false).plannedInBulk, "UTF-8: its ? were typed")
    }

    /// A row may name an archive customer by its short name or an alias, as `log add` may (both
    /// readings alike); a short name or alias of two customers (an archive written before such
    /// pairs were refused) is refused as ambiguous, with what to write instead; a customer's own
    /// name still wins over another's alias. A file cannot give two customers one short name.
    func testARowFindsACustomerByItsShortNameOrAliasAndRefusesOneThatNamesTwo() throws {
        let f = try ImportFixture()
        let customers = """
            客户名称,简称,别名
            深圳华为技术有限公司,华为,老华、HW
            星光电子有限公司,星光,
            星光照明有限公司,,
            北方重工集团,,
            华南1电子有限公司,,

            """
        XCTAssertTrue(try f.importing(Data(customers.utf8), name: "客户.csv").canCommit)
        let twice = try f.importing(Data("客户名称,简称\n星光灯具有限公司,星 光\n".utf8), name: "客户.csv", commit: false)
        XCTAssertEqual(twice.problems.map(\.line), [2], "the short name of another customer, written alike")
        XCTAssertTrue(twice.problems.first?.reasonZH.contains("与客户 C2 星光电子有限公司 的名称、简称或别名相同或相近") == true, "\(twice.problems)")
        let (huawei, south) = try { () throws -> (UInt64, UInt64) in
            let a = try f.open()  // closed before the imports below
            // 星光 given to a second customer, and another's name as an alias, as an archive of
            // before the rule holds them.
            let lighting = try a.resolve(.customer, "星光照明有限公司")
            let north = try a.resolve(.customer, "北方重工集团")
            try a.commit([ChangeEvent(.update, .customer, lighting.id, [FieldChange(field: Schema.number(.customer, "shortName"), old: nil, new: .text("星光"))]),
                          ChangeEvent(.update, .customer, north.id, [FieldChange(field: Schema.number(.customer, "aliases"), old: nil, new: .text("华南1电子"))])],
                         now: testNow - 60)
            return (try a.resolve(.customer, "深圳华为技术有限公司").id, try a.resolve(.customer, "华南1电子有限公司").id)
        }()
        let clean = "日期,客户,方式,跟进内容\n2026-11-02,华为,电话,报价\n2026-11-03,老华,拜访,演示\n2026-11-04,ｈｗ,电话,回访\n2026-11-05,华南1电子,电话,首次联系\n"
        let (bulk, general) = try previews(Data(clean.utf8), in: f)
        XCTAssertTrue(bulk.plannedInBulk)
        Self.assertSame(bulk, general, "names by short name and alias")
        XCTAssertEqual(bulk.counts[.log]?.new, 4, "\(bulk.problems)")
        let refs = (bulk.plan?.events ?? []).filter { $0.kind == .activity && $0.operation == .create }
            .compactMap { e in e.changes.first { $0.field == Schema.field(.activity, key: "customer")?.number }?.new?.ref }
        XCTAssertEqual(refs, [huawei, huawei, huawei, south], "the short name, both aliases; a customer's own name before another's alias")
        let ambiguous = "日期,客户,方式,跟进内容\n2026-11-02,星光,电话,报价\n"
        let (b2, g2) = try previews(Data(ambiguous.utf8), in: f)
        Self.assertSame(b2, g2, "a short name of two customers")
        XCTAssertFalse(b2.canCommit)
        XCTAssertEqual(b2.problems.count, 1)
        XCTAssertEqual(b2.problems.first?.line, 2)
        XCTAssertTrue(b2.problems.first?.reason.contains("short name or alias of more than one customer") == true, "\(b2.problems)")
        XCTAssertTrue(b2.problems.first?.reasonZH.contains("多个客户的简称或别名") == true, "\(b2.problems)")
        // Contacts name their customer the same way.
        let people = "客户,姓名,手机\n老华,王敏,13800000001\n"
        let p = try f.importing(Data(people.utf8), name: "联系人.csv")
        XCTAssertTrue(p.problems.isEmpty, "\(p.problems)")
        XCTAssertEqual(try f.open().state.all(.contact).first?["customer"]?.ref, huawei)
    }

    /// A generated log: its customers named every way a log names them (full name, without the
    /// legal suffix, with a space, code in either case, credit code, record id, a canonically
    /// equivalent spelling), contact types and their synonyms, dates with and without times in
    /// several forms, before and after the archive's entries, with optional next steps, next
    /// dates and places; with and without a type column, and in another column order.
    func testACleanLogIsPlannedInBulkAsTheGeneralReadingPlansIt() throws {
        let f = try fixture()
        let ids: [Int: UInt64] = try {
            let a = try f.open()
            var out: [Int: UInt64] = [:]
            for i in 1...60 { out[i] = try a.resolve(.customer, "华南\(i)电子有限公司").id }
            return out
        }()
        var r = Seeded(state: 77)
        func who() -> String {
            let i = r.int(60) + 1
            switch r.int(8) {
            case 0: return "华南\(i)电子有限公司"
            case 1: return "华南\(i)电子"
            case 2: return "华南\(i)电子 有限公司"
            case 3: return r.int(2) == 0 ? "K\(i)" : "k\(i)"
            case 4: return i % 3 == 0 ? ImportFastPathTests.credit(i) : "华南\(i)电子有限公司"
            case 5: return "C\(ids[i]!)"
            case 6: return r.int(2) == 0 ? "Café贸易有限公司" : "Cafe\u{301}贸易有限公司"
            default: return " 华南\(i)电子有限公司 "
            }
        }
        func when(_ n: Int) -> String {
            let day = n % 28 + 1
            switch r.int(5) {
            case 0: return "2026-0\(n % 9 + 1)-\(String(format: "%02d", day))"
            case 1: return "2026/\(n % 9 + 1)/\(day) \(n % 24):\(String(format: "%02d", n % 60))"
            case 2: return "2025年\(n % 12 + 1)月\(day)日"
            case 3: return "2026-06-15 09:00"  // the time of an archive entry (another text)
            default: return "2026-11-\(String(format: "%02d", n % 27 + 1))T08:30"
            }
        }
        let types = ["电话", "拜访", "微信", "visit", "电话沟通", "上门拜访", "展会", "邮件", "其他", "call"]
        var full = ["日期,客户,方式,跟进内容,下一步,下次跟进,地点"]
        var noType = ["客户,跟进内容,日期"]
        for n in 0..<3_000 {
            let summary = "第\(n)次 跟进 \(["", "  ", "（深圳）", "\t"][r.int(4)])内容\(n % 7)"
            full.append("\(when(n)),\(who()),\(r.pick(types)),\"\(summary)\",\(r.int(3) == 0 ? "再联系" : ""),\(r.int(4) == 0 ? "2026-12-\(String(format: "%02d", r.int(28) + 1))" : ""),\(r.int(5) == 0 ? "深圳" : "")")
            noType.append("\(who()),\(summary),\(when(n))")
        }
        for (name, lines) in [("full", full), ("no type column", noType)] {
            let (bulk, general) = try previews(Data(("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n").utf8), in: f)
            XCTAssertTrue(bulk.plannedInBulk, name)
            XCTAssertTrue(bulk.canCommit, name)
            XCTAssertEqual(bulk.counts[.log]?.new, 3_000, name)
            XCTAssertTrue(bulk.plan?.events.contains { $0.kind == .customer && $0.changes.contains { $0.old != nil } } == true, "\(name): last contacts with old values")
            Self.assertSame(bulk, general, name)
        }
        // Committed in bulk, the archive holds what the general commit would hold.
        let g = try fixture()
        let data = Data(full.joined(separator: "\n").utf8)
        XCTAssertTrue(try f.importing(data, name: "跟进.csv").plannedInBulk)
        XCTAssertFalse(try g.importing(data, name: "跟进.csv") { $0.planInBulk = false }.plannedInBulk)
        let (a, b) = (try f.open(), try g.open())
        try a.loadContactLog()
        try b.loadContactLog()
        for kind in [EntityKind.customer, .activity] {
            XCTAssertEqual(a.state.all(kind).map { "\($0.id) \($0.packed) \($0.createdAt) \($0.updatedAt)" }, b.state.all(kind).map { "\($0.id) \($0.packed) \($0.createdAt) \($0.updatedAt)" }, "\(kind)")
        }
    }

    /// Anything the bulk reading does not take sends the whole file the general way, with the
    /// same result: an unknown customer, a time that is no time, a date after today, a duplicate
    /// in the file and of the archive, an empty summary, an unknown type, a next date that is
    /// no date, a required cell left empty, a record id that names no customer, a contacts
    /// column; also under --only-valid and --on-duplicate skip.
    func testALogWithAnythingElseIsPlannedTheGeneralWay() throws {
        let f = try fixture()
        let header = "日期,客户,方式,跟进内容,下次跟进"
        var clean: [String] = []
        for n in 0..<200 { clean.append("2026-07-\(String(format: "%02d", n % 28 + 1)) 10:\(String(format: "%02d", n % 60)),华南\(n % 60 + 1)电子有限公司,电话,第\(n)次,") }
        let bad = [
            ("an unknown customer", "2026-07-01 10:00,不存在的公司,电话,无,"),
            ("a time that is no time", "2026-07-01 25:00,华南1电子有限公司,电话,无,"),
            ("a date after today", "2027-01-05,华南1电子有限公司,电话,未来,"),
            ("a duplicate in the file", clean[7]),
            ("a duplicate of the archive", "2026-06-15 09:00,华南1电子有限公司,电话,首次联系,"),
            // (Found by customer and time first, then by text: the customer named another way, the
            // text with spaces.)
            ("a duplicate of the archive, its customer named without the legal suffix", "2026-06-15 09:00,华南1电子,电话,首次联系,"),
            ("a duplicate in the file, its customer named without the legal suffix", "2026-07-08 10:07,华南8电子,电话,第7次,"),
            ("a duplicate in the file, its text with spaces", "2026-07-08 10:07,华南8电子有限公司,电话,第 7 次,"),
            ("an empty summary", "2026-07-01 10:00，华南1电子有限公司，电话，，"),
            ("an unknown type", "2026-07-01 10:00,华南1电子有限公司,飞鸽传书,无,"),
            ("a next date that is no date", "2026-07-01 10:00,华南1电子有限公司,电话,无,2026-02-30"),
            ("an empty customer", "2026-07-01 10:00,,电话,无,"),
            ("a record id of no customer", "2026-07-01 10:00,C999999,电话,无,"),
        ]
        for (what, row) in bad {
            let data = Data(([header] + clean.prefix(100) + [row] + clean.suffix(100)).joined(separator: "\n").utf8)
            let (bulk, general) = try previews(data, in: f)
            XCTAssertFalse(bulk.plannedInBulk, what)
            if what.hasPrefix("a duplicate of the archive") {
                // The archive has the entry as the row has it: unchanged, not refused.
                XCTAssertTrue(bulk.problems.isEmpty, "\(what): \(bulk.problems)")
                XCTAssertEqual(bulk.counts[.log]?.unchanged, 1, what)
            } else {
                XCTAssertFalse(bulk.problems.isEmpty, what)
            }
            Self.assertSame(bulk, general, what)
            for configure in [{ (o: inout ImportOptions) in o.onlyValid = true }, { $0.onDuplicate = .skip }, { $0.onDuplicate = .update }] {
                let a = try f.importing(data, name: "跟进.csv", commit: false, configure: configure)
                let b = try f.importing(data, name: "跟进.csv", commit: false) { configure(&$0); $0.planInBulk = false }
                Self.assertSame(a, b, "\(what), options")
            }
        }
        // Contacts refer to other records by name: the general way, even when clean.
        let withContacts = "日期,客户,方式,跟进内容,联系人\n2026-07-01 10:00,华南1电子有限公司,电话,无,\n"
        let (bulk, general) = try previews(Data(withContacts.utf8), in: f)
        XCTAssertFalse(bulk.plannedInBulk)
        Self.assertSame(bulk, general, "a contacts column")
        // The clean rows alone are planned in bulk.
        XCTAssertTrue(try f.importing(Data(([header] + clean).joined(separator: "\n").utf8), name: "跟进.csv", commit: false).plannedInBulk)
    }

    /// `planLog` refuses (nil) exactly what planning the entries as operations refuses, and
    /// otherwise gives the same events: entries of live, removed and unknown customers, every
    /// contact type and some that are not, empty summaries, next dates good and bad, times
    /// before and after today.
    func testPlanLogIsThePlanOfTheOperations() throws {
        let f = try fixture()
        let a = try f.open()
        let removed = try a.resolve(.customer, "华南60电子有限公司").id
        try a.perform(.remove(.customer, "C\(removed)"), now: testNow - 3_600)
        let near = a.state.all(.customer).map(\.id)
        // A customer whose id is millions above the others: the entries naming it are followed
        // in a table, the others in arrays indexed by id (`FollowUps`).
        let far = a.state.nextID + 5_000_000
        try a.commit([ChangeEvent(.create, .customer, far, [FieldChange(field: 2, old: nil, new: .text("远方贸易有限公司"))])], now: testNow - 3_000)
        var r = Seeded(state: 5)
        for round in 0..<40 {
            var entries: [BulkLogEntry] = []
            let bad = round % 2 == 1
            let live = round % 4 < 2 ? near : near + [far]
            for n in 0..<60 {
                var e = BulkLogEntry(customer: r.pick(live), type: r.pick(["call", "电话", "拜访", "Visit", "其他"]), summary: r.pick(["约见", " 报价 ", "a b"]),
                                     at: testNow - Int64(r.int(400)) * 86_400 + Int64(r.int(86_400)),
                                     nextStep: r.int(3) == 0 ? "再联系" : nil, nextDate: r.int(3) == 0 ? "2026-12-2\(r.int(10))" : nil, location: r.int(4) == 0 ? "广州" : nil)
                if bad && n == r.int(60) {
                    switch r.int(6) {
                    case 0: e.customer = removed
                    case 1: e.customer = 999_999
                    case 2: e.type = "飞鸽"
                    case 3: e.summary = "  "
                    case 4: e.nextDate = "2026-13-01"
                    default: e.at = testNow + 2 * 86_400
                    }
                }
                entries.append(e)
            }
            var set = ChangeSet(label: "log", origin: .importFile)
            for e in entries {
                set.append(.logActivity(LogEntry(customer: "C\(e.customer)", type: e.type, summary: e.summary, at: e.at, nextStep: e.nextStep, nextDate: e.nextDate, location: e.location)))
            }
            let general = try a.plan(set, now: testNow, keepingResults: false)
            let bulk = a.planLog(entries, label: "log", origin: .importFile, now: testNow)
            XCTAssertEqual(bulk == nil, !general.problems.isEmpty, "round \(round)")
            if let bulk {
                XCTAssertTrue(bulk.events == general.events, "round \(round): the events differ")
                XCTAssertEqual(bulk.label, general.label)
            }
            // The same entries in chunks (as the bulk reading gives them) plan the same.
            let cut = [0, r.int(20), 20 + r.int(20), 60]
            let chunked = a.planLog(chunks: (0..<3).map { Array(entries[cut[$0]..<cut[$0 + 1]]) }, label: "log", origin: .importFile, now: testNow)
            XCTAssertEqual(chunked == nil, bulk == nil, "round \(round)")
            XCTAssertTrue(chunked?.events == bulk?.events, "round \(round): in chunks")
        }
    }
}
