import Foundation
@testable import Interchange
@testable import SalesArchive
import XCTest

/// The bulk planning of a list of new customers (`Importer.bulkCustomers`,
/// `CustomerArchive.planCustomers`) gives what the general reading gives the same file: the
/// same plan (every event and id), counts, warnings, date samples and problems, and the same
/// archive once committed; a file with anything the bulk planning does not take (a problem, a
/// duplicate, a short name, a contact person, a handover) goes the general way.
final class ImportBulkCustomerTests: XCTestCase {
    typealias Seeded = ImportFastPathTests.Seeded
    let header = "客户名称,客户等级,统一社会信用代码,联系电话,行业,地区,地址,备注,下次跟进,客户编号,客户来源,邮箱"

    /// `n` generated customers: grades written every way, valid credit codes on some, phones
    /// with and without +86, notes with commas, quotes and line breaks, dates in several forms,
    /// codes, sources, e-mails, empty cells.
    func rows(_ n: Int, from start: Int = 0, seed: UInt64 = 5) -> [String] {
        var r = Seeded(state: seed)
        return (start..<start + n).map { i in
            let grade = r.pick(["A", "b", "B类", "C", "D", "未评级", "", "a级"])
            let credit = i % 3 == 0 ? ImportFastPathTests.credit(i + 1) : ""
            let phone = r.pick(["", "021-\(60_000_000 + i)", "+86 139\(String(format: "%08d", i))", "139 \(String(format: "%08d", i))"])
            let note = r.pick(["", "需要报价单", "\"含逗号,和\"\"引号\"\"\"", "\"两行\n备注\""])  // zh-punct: keep
            let next = r.pick(["", "2027-02-\(i % 28 + 1)", "2027/3/\(i % 28 + 1)", "2027年4月\(i % 28 + 1)日"])
            return "华东\(i)号精密机械有限公司,\(grade),\(credit),\(phone),\(r.pick(["制造业", "", "医疗"])),\(r.pick(["上海", "苏州", ""])),"
                + "\(r.pick(["", "上海市浦东新区\(i)号"])),\(note),\(next),\(r.pick(["", "K\(i)"])),\(r.pick(["", "展会", "转介绍"])),\(r.pick(["", "x\(i)@example.cn"]))"
        }
    }

    /// A phone of one of `rows`, written another way (+86 before it).
    func phone(of rows: [String]) -> String {
        let phone = rows.lazy.map { $0.split(separator: ",", omittingEmptySubsequences: false)[3] }.first { $0.hasPrefix("021-") }!
        return "+86 " + phone
    }

    func data(_ lines: [String], header: String? = nil) -> Data { Data(([header ?? self.header] + lines).joined(separator: "\n").utf8) }

    /// Previews `data` both ways (nothing committed) and holds them to the same result.
    @discardableResult
    func previews(_ data: Data, in f: ImportFixture, _ what: String, configure: @escaping (inout ImportOptions) -> Void = { _ in },
                  line: UInt = #line) throws -> (bulk: ImportPreview, general: ImportPreview) {
        let bulk = try f.importing(data, name: "客户.csv", commit: false, configure: configure)
        let general = try f.importing(data, name: "客户.csv", commit: false) { configure(&$0); $0.planInBulk = false }
        XCTAssertFalse(general.plannedInBulk, what, line: line)
        ImportBulkLogTests.assertSame(bulk, general, what, line: line)
        return (bulk, general)
    }

    /// Names within the file that differ by 省 or 市 or in script alone are said by the bulk
    /// planning, into an empty archive, whichever core's rows hold them (each tells for every
    /// other row whether a name asks for the check).
    func testNamesLikeEachOtherWithinTheFileAreSaidInBulk() throws {
        for (first, second, at) in [("江苏省南京地铁有限公司", "江苏南京地铁有限公司", 10), ("華東精密儀器有限公司", "华东精密仪器股份有限公司", 11),
                                    ("东莞市长安电子厂", "东莞长安电子厂", 13)] {
            var lines = rows(30)
            lines.insert("\(second),B,,,,,,,", at: at + 6)
            lines.insert("\(first),A,,,,,,,", at: at)
            let (bulk, _) = try previews(data(lines), in: try ImportFixture(), first)
            XCTAssertTrue(bulk.plannedInBulk, first)
            XCTAssertEqual(bulk.warnings.filter { $0.reasonZH.contains(first) || $0.reasonZH.contains(second) }.count, 1, "\(first): \(bulk.warnings.map(\.reasonZH))")
        }
    }

    func testACleanCustomerListIsPlannedInBulkAsTheGeneralReadingPlansIt() throws {
        let f = try ImportFixture()
        // Into an empty archive, then (later ids, an archive to compare with) into one holding some.
        let first = data(rows(300))
        let (bulk, _) = try previews(first, in: f, "300 new customers")
        XCTAssertTrue(bulk.plannedInBulk)
        XCTAssertEqual(bulk.counts[.customers]?.new, 300)
        XCTAssertTrue(bulk.canCommit)
        XCTAssertFalse(bulk.dateSamples.isEmpty, "the date column's reading is shown")
        let g = try ImportFixture()
        XCTAssertTrue(try f.importing(first, name: "客户.csv").plannedInBulk)
        XCTAssertFalse(try g.importing(first, name: "客户.csv") { $0.planInBulk = false }.plannedInBulk)
        let more = data(rows(200, from: 300, seed: 9))
        let (bulk2, _) = try previews(more, in: f, "200 more customers")
        XCTAssertTrue(bulk2.plannedInBulk)
        XCTAssertEqual(bulk2.plan?.events.first?.id, try f.open().state.nextID, "ids follow the archive's")
        XCTAssertTrue(try f.importing(more, name: "客户.csv").plannedInBulk)
        XCTAssertFalse(try g.importing(more, name: "客户.csv") { $0.planInBulk = false }.plannedInBulk)
        // The two archives hold the same customers, field by field, and the same next id.
        let (a, b) = (try f.open(), try g.open())
        XCTAssertEqual(a.state.nextID, b.state.nextID)
        let left = a.state.all(.customer).sorted { $0.id < $1.id }
        let right = b.state.all(.customer).sorted { $0.id < $1.id }
        XCTAssertEqual(left.count, 500)
        XCTAssertEqual(left.map(\.id), right.map(\.id))
        for (x, y) in zip(left, right) {
            for spec in Schema.fields(.customer) { XCTAssertEqual(x[number: spec.number], y[number: spec.number], "\(x.shortID) \(spec.key)") }
        }
        XCTAssertEqual(left.first { $0.displayName == "华东0号精密机械有限公司" }?["creditCode"]?.text, ImportFastPathTests.credit(1))
    }

    /// Anything the bulk planning does not take sends the file the general way, with the same
    /// result; also under --only-valid and --on-duplicate skip and update.
    func testAListWithAnythingElseIsPlannedTheGeneralWay() throws {
        let f = try ImportFixture()
        try f.importing(data(rows(20, from: 1_000, seed: 3)), name: "旧客户.csv")
        let clean = rows(120)
        let bad = [
            ("the same company twice, written alike", "华东7号 精密机械（有限公司）,B,,,,,,,,,,"),
            ("the same credit code twice", "别的公司,B,\(ImportFastPathTests.credit(1)),,,,,,,,,"),
            ("the same phone twice", "电话相同的公司,B,,\(phone(of: clean)),,,,,,,,"),
            ("an archive customer", "华东1005号精密机械有限公司,A,,,,,,,,,,"),
            ("a grade that is none", "等级不对的公司,Z,,,,,,,,,,"),
            ("a wrong check digit", "校验位错的公司,B,\(ImportFastPathTests.credit(5, good: false)),,,,,,,,,"),
            ("a name with NUL", "坏\u{0}名字,B,,,,,,,,,,"),
            ("a date that is no date", "日期错的公司,B,,,,,,,2027-02-30,,,"),
        ]
        for (what, row) in bad {
            let file = data(Array(clean.prefix(60)) + [row] + Array(clean.suffix(60)))
            let (bulk, _) = try previews(file, in: f, what)
            XCTAssertFalse(bulk.plannedInBulk, what)
            for configure in [{ (o: inout ImportOptions) in o.onlyValid = true }, { $0.onDuplicate = .skip }, { $0.onDuplicate = .update }] {
                try previews(file, in: f, "\(what), options", configure: configure)
            }
        }
        // Columns that make more than a customer, or check it against every other: the general way.
        for (what, header, row) in [
            ("a short name", "客户名称,简称", "甲公司,甲"), ("aliases", "客户名称,别名", "甲公司,甲、甲甲"),  // zh-punct: keep
            ("a contact person", "客户名称,客户等级,行业,联系人,手机", "甲公司,B,制造业,王敏,13800000001"), ("a record id", "客户名称,记录号", "甲公司,X1"),  // zh-punct: keep
        ] {
            let (bulk, general) = try previews(data([row], header: header), in: f, what)
            XCTAssertFalse(bulk.plannedInBulk, what)
            XCTAssertTrue(general.canCommit, "\(what): \(general.problems) \(general.tables) \(general.counts) \(general.warnings)")
        }
        // The clean rows alone are planned in bulk.
        XCTAssertTrue(try f.importing(data(clean), name: "客户.csv", commit: false).plannedInBulk)
    }

    /// A handover (another salesperson's export) notes on each new customer where it came from:
    /// the general way.
    func testAHandoverIsPlannedTheGeneralWay() throws {
        let f = try ImportFixture()
        let table = Table(name: "客户", rows: [TableRow(line: 1, cells: [.text("客户名称")]), TableRow(line: 2, cells: [.text("交接来的公司")])])
        let source = ImportSource(fileName: "李四.xlsx", sha256: "x", format: .xlsx, tables: [table],
                                  exportedFrom: ImportSource.Origin(owner: "李四", date: "2026-11-20", timeZone: nil))
        let preview = try Importer(archive: try f.open(), options: ImportOptions(now: testNow)).preview(source)
        XCTAssertFalse(preview.plannedInBulk)
        XCTAssertTrue(preview.plan?.events.first?.changes.contains { $0.new?.text?.contains("交接导入：原为李四的客户") == true } == true)
    }

    /// `planCustomers` refuses (nil) exactly what planning the customers as operations refuses,
    /// and otherwise gives the same events: names empty, blank, too long, with NUL, written like
    /// another's in the list or the archive; fields unknown, given twice, protected, unreadable;
    /// every grade; a short name or alias (always the general way).
    func testPlanCustomersIsThePlanOfTheOperations() throws {
        let f = try ImportFixture()
        try f.importing(data(rows(10, from: 500)), name: "旧客户.csv")
        let a = try f.open()
        var r = Seeded(state: 11)
        var bulkPlans = 0
        for round in 0..<60 {
            var customers: [BulkCustomer] = []
            let bad = round % 2 == 1
            for n in 0..<40 {
                var fields: [(String, String)] = []
                if r.int(2) == 0 { fields.append(("grade", r.pick(["A", "b", "未评级", "D类"]))) }
                if r.int(2) == 0 { fields.append(("phone", "0755-\(round * 100 + n)")) }
                if r.int(3) == 0 { fields.append(("nextFollowUp", r.pick(["2027-01-05", "2027年2月3日"]))) }
                if r.int(3) == 0 { fields.append(("note", r.pick(["多行\n备注", " 两边有空格 "]))) }
                var c = BulkCustomer(name: "第\(round)轮\(n)号公司", fields: fields)
                if bad && n == r.int(40) {
                    switch r.int(12) {
                    case 0: c.name = ""
                    case 1: c.name = "   "
                    case 2: c.name = String(repeating: "长", count: 400)
                    case 3: c.name = "坏\u{0}名"
                    case 4: c.name = customers.first?.name.replacingOccurrences(of: "公司", with: " 公司") ?? "华东500号精密机械有限公司"
                    case 5: c.name = "华东500号精密机械有限公司"
                    case 6: c.fields.append(("colour", "红"))
                    case 7: c.fields += [("industry", "一"), ("industry", "二")]
                    case 8: c.fields.append(("lastContactAt", "2026-01-01"))
                    case 9: c.fields.append(("grade", "Z"))
                    case 10: c.fields.append(("shortName", "简称"))
                    default: c.fields.append(("note", String(repeating: "注", count: 30_000)))
                    }
                }
                customers.append(c)
            }
            let bulk = a.planCustomers(customers, label: "t", origin: .importFile, now: testNow)
            var set = ChangeSet(label: "t", origin: .importFile)
            for c in customers { set.append(.addCustomer(name: c.name, fields: c.fields)) }
            let general = try a.plan(set, now: testNow, keepingResults: false)
            let shortName = customers.contains { $0.fields.contains { $0.0 == "shortName" } }
            if general.problems.isEmpty && !shortName {
                let plan = try XCTUnwrap(bulk, "round \(round): planned by operations, not in bulk")
                XCTAssertTrue(plan.events == general.events, "round \(round): the events differ")
                bulkPlans += 1
                // The same customers as an import gives them: the name among the fields (passed
                // over) and each field's value as read, which the plan takes instead of reading.
                let read = try customers.map { c in
                    let fields = [("name", c.name)] + c.fields
                    let values = try fields.map { key, input in try ChangeDraft.value(for: XCTUnwrap(Schema.field(.customer, key: key)), input: input, now: testNow) }
                    return BulkCustomer(name: c.name, fields: fields, values: values, skip: 0)
                }
                let withValues = try XCTUnwrap(a.planCustomers(read, label: "t", origin: .importFile, now: testNow), "round \(round): values given")
                XCTAssertTrue(withValues.events == general.events, "round \(round): the events differ with the values given")
                // The values are what the plan takes: a value given otherwise is planned as given.
                var changed = read
                if let k = changed[0].fields.firstIndex(where: { $0.0 == "phone" }) {
                    changed[0].values[k] = .text("0755-1")
                    let plan = try XCTUnwrap(a.planCustomers(changed, label: "t", origin: .importFile, now: testNow))
                    XCTAssertTrue(plan.events[0].changes.contains { $0.new == .text("0755-1") }, "round \(round): the value given is planned")
                }
                // Values of another count than the fields: planned the general way (nil), no trap.
                // (One more: one fewer may leave none, which the plan reads itself.)
                var other = read
                other[0].values.append(nil)
                XCTAssertNil(a.planCustomers(other, label: "t", origin: .importFile, now: testNow))
            } else {
                XCTAssertNil(bulk, "round \(round): \(general.problems.first.map { "\($0.error)" } ?? "a short name")")
            }
        }
        XCTAssertGreaterThan(bulkPlans, 25)
        // A list that spells its field keys more than 64 ways (each case of "industry" is the
        // field) is planned the general way, and plans there.
        let fresh = try ImportFixture().open()
        let spellings = (0..<70).map { n in String("industry".enumerated().map { n >> $0.offset & 1 == 1 ? Character($0.element.uppercased()) : $0.element }) }
        XCTAssertEqual(Set(spellings).count, 70)
        let customers = spellings.enumerated().map { BulkCustomer(name: "拼写\($0.offset)号科技有限公司", fields: [($0.element, "制造业")]) }
        XCTAssertNil(fresh.planCustomers(customers, label: "t", origin: .importFile, now: testNow))
        XCTAssertNotNil(fresh.planCustomers(Array(customers.prefix(64)), label: "t", origin: .importFile, now: testNow))
        var set = ChangeSet(label: "t", origin: .importFile)
        for c in customers { set.append(.addCustomer(name: c.name, fields: c.fields)) }
        XCTAssertEqual(try fresh.plan(set, now: testNow, keepingResults: false).problems.count, 0)
    }

    /// A code names one customer (`checkCode`) in bulk as in the general way: a code given
    /// twice, another customer's code or name (in the list or the archive, any case), or a name
    /// that is another's code is refused by the general plan, naming it, and `planCustomers`
    /// gives nil; a code equal to its own customer's name is no clash.
    func testACodeNamesOneCustomerInBulkAsInTheGeneralWay() throws {
        let f = try ImportFixture()
        try f.importing(Data("客户名称,客户编号\n档案里的公司,ARC1\n".utf8), name: "档案.csv")
        try checkCodes(try f.open())
        // An archive customer's alias as a new customer's code: refused too (a one-row list is
        // planned in bulk; the bulk plan had not looked at aliases: helper-90).
        let aliased = try f.importing(Data("客户名称,别名\n别名公司,浦发\n".utf8), name: "别名.csv")
        XCTAssertTrue(aliased.canCommit || aliased.problems.isEmpty, "\(aliased.problems)")
        for (name, code) in [("新一公司", "浦发"), ("新二公司", "ＡＲＣ１")] {
            let q = try f.importing(Data("客户名称,客户编号\n\(name),\(code)\n".utf8), name: "c.csv", commit: false)
            XCTAssertFalse(q.canCommit, "\(code): \(q.problems)")
            XCTAssertTrue(q.problems.first?.reasonZH.contains("不能用作客户编号") == true || q.problems.first?.reasonZH.contains("已被客户") == true, "\(code): \(q.problems)")
        }
        // Through the import: a list whose code is an archive customer's is refused on its row.
        let before = try f.bytes()
        let p = try f.importing(Data("客户名称,客户编号\n新来的公司,ARC1\n".utf8), name: "客户.csv", commit: false)
        XCTAssertFalse(p.canCommit)
        XCTAssertEqual(p.problems.map(\.line), [2])
        XCTAssertTrue(p.problems.first?.reasonZH.contains("客户编号“ARC1”已被客户 C1（档案里的公司）使用") == true, "\(p.problems)")
        XCTAssertEqual(try f.bytes(), before)
    }

    private func checkCodes(_ a: CustomerArchive) throws {
        let base = (1...5).map { BulkCustomer(name: "编号\($0)号科技有限公司", fields: [("code", "Q\($0)")]) }
        func plans(_ customers: [BulkCustomer]) throws -> (bulk: ChangePlan?, general: ChangePlan) {
            var set = ChangeSet(label: "t", origin: .importFile)
            for c in customers { set.append(.addCustomer(name: c.name, fields: c.fields)) }
            return (a.planCustomers(customers, label: "t", origin: .importFile, now: testNow), try a.plan(set, now: testNow, keepingResults: false))
        }
        let clean = try plans(base)
        XCTAssertTrue(clean.general.problems.isEmpty, "\(clean.general.problems)")
        XCTAssertTrue(try XCTUnwrap(clean.bulk).events == clean.general.events)
        var own = base
        own[0].fields = [("code", "编号1号科技有限公司")]
        let ownName = try plans(own)
        XCTAssertTrue(ownName.general.problems.isEmpty, "its own name as its code: \(ownName.general.problems)")
        XCTAssertNotNil(ownName.bulk)
        let cases: [(String, (inout [BulkCustomer]) -> Void, String)] = [
            ("a code given twice", { $0[3].fields = [("code", "q1")] }, "客户编号“q1”已被本次同时新增的客户“编号1号科技有限公司”使用"),
            ("an archive customer's code", { $0[2].fields = [("code", "arc1")] }, "客户编号“arc1”已被客户 C1（档案里的公司）使用"),
            ("an archive customer's name", { $0[2].fields = [("code", "档案里的公司")] }, "“档案里的公司”是客户 C1（档案里的公司）的名称、简称或别名，不能用作客户编号"),
            ("another customer's name in the list", { $0[4].fields = [("code", "编号2号科技有限公司")] }, "不能用作客户编号"),
            ("a name that is an archive customer's code", { $0[1].name = "Arc1" }, "“Arc1”是客户 C1（档案里的公司）的客户编号，不能用作客户名称"),
            ("a name that is an earlier code in the list", { $0[4].name = "Q2" }, "“Q2”是本次同时新增的客户“编号2号科技有限公司”的客户编号，不能用作客户名称"),
        ]
        for (what, change, message) in cases {
            var customers = base
            change(&customers)
            let (bulk, general) = try plans(customers)
            XCTAssertNil(bulk, what)
            XCTAssertEqual(general.problems.count, 1, "\(what): \(general.problems)")
            let reason = general.problems.first?.error.reasonZH ?? ""
            XCTAssertTrue(reason.contains(message), "\(what): \(reason)")
        }
    }
}
