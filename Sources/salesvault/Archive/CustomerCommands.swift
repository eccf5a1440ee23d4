import ArgumentParser
import Foundation
import Interchange
import SalesArchive

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Add, change, grade, show, list and remove customers.",
        discussion: """
            Grades (regulation 6.1): A important (sign or bid within 1 month), B intent
            (2–3 months), C potential (3–6 months, no date yet), D development (has plans
            we may join), unrated.

            EXAMPLES
              salesvault customer add 华为技术有限公司 --grade B --industry 通信 -a zhangwei.svault
              salesvault customer grade 华为 A --reason "招标文件已发布" -a zhangwei.svault
              salesvault customer list --grade A,B -a zhangwei.svault
            """,
        subcommands: [Add.self, Edit.self, Show.self, List.self, GradeCmd.self, Remove.self])

    struct Add: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Add a customer.")
        @Argument(help: "The customer's full name.") var name: String
        @Option(parsing: .unconditional, help: "Grade: A, B, C, D or unrated (default unrated).") var grade: String?
        @OptionGroup var named: CustomerFieldOptions
        @Option(name: .customLong("set"), help: ArgumentHelp("Any other field, as FIELD=VALUE (repeatable).", valueName: "field=value"))
        var assignments: [String] = []
        @Flag(help: "Add it even if a customer with a similar name, the same credit code or the same phone exists.") var force = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            let fields = fieldPairs([("grade", grade)]) + named.pairs + (try parseAssignments(assignments, kind: .customer))
            let credit = fields.first { Schema.field(.customer, key: $0.0)?.key == "creditCode" }?.1
            let likely = Identity.likelyDuplicates(name: name, creditCode: credit, phone: named.phone, in: context.archive.state)
            // A removed customer's name: undoing the removal brings it back with its records,
            // where adding it makes a new one without them (helper-182 F5); said beside live
            // customers alike too (helper-183 F6: only those were said).
            // (Also a removed one named alike, in traditional characters, one name within the
            // other, or with the same credit code or phone: helper-183 F2, helper-184 N4.)
            let removed = force ? [] : Identity.removedLikelyDuplicates(name: name, creditCode: credit, phone: named.phone, in: context.archive.state)
            if let gone = removed.first {
                let lead: L
                if removed.count == 1, gone.sameName {
                    lead = L("\(gone.customer.shortID) \(gone.customer.displayName), of the same name, was removed from the archive",
                             "同名客户 \(gone.customer.shortID) \(gone.customer.displayName)已从档案中移除")
                } else {
                    lead = L("a customer removed from the archive may be this one: " + removed.map { "\($0.customer.shortID) \($0.customer.displayName) (\($0.reason))" }.joined(separator: "; "),
                             "已从档案中移除的客户中可能有该客户：" + removed.map { "\($0.customer.shortID) \($0.customer.displayName)（\($0.reasonZH)）" }.joined(separator: "；"))
                }
                let back = L("; to bring it back with its records, undo the change that removed it (see salesvault history \(gone.customer.shortID))",
                             "。如要恢复该客户及其全部记录，请在 salesvault history \(gone.customer.shortID) 中找到移除它的批次，用 salesvault undo 撤销")
                let also = likely.isEmpty ? L("", "")
                    : L("; the archive may also have it: " + likely.map { "\($0.customer.shortID) \($0.customer.displayName) (\($0.reason))" }.joined(separator: "; "),
                        "。另外，档案中可能已有该客户：" + likely.map { "\($0.customer.shortID) \($0.customer.displayName)（\($0.reasonZH)）" }.joined(separator: "；"))
                throw CLIError(.inputRefused, L(lead.en + back.en + also.en, lead.zh + back.zh + also.zh),
                               hint: L("nothing was added; to add it as a new customer without the removed one's records, add it again with --force",
                                       "本次未添加。如确要作为新客户添加（不含原客户的记录），请加上 --force 重新添加。"))
            }
            if !force, !likely.isEmpty {
                throw FieldAssignments.likelyDuplicateRefusal(likely, L("\(name) may already be in the archive: ", "档案中可能已有该客户："),
                                                              hint: L("nothing was added; if it is another customer (a branch, a subsidiary, an affiliated unit too), add it again with --force",
                                                                      "本次未添加。如确认是不同客户（包括分行、分公司、附属单位），请加上 --force 重新添加。"))
            }
            let e = try context.use { try $0.addCustomer(name: name, fields: fields, now: Clock.now) }
            let grade = e["grade"]?.text ?? Grade.unrated.rawValue
            Terminal.print(L("Added \(e.shortID) \(Terminal.cell(e.displayName)) (grade \(grade)).",
                    "已添加 \(e.shortID) \(Terminal.cell(e.displayName))（\(grade == Grade.unrated.rawValue ? "未评级" : "等级 \(grade)")）。").text)
        }
    }

    struct Edit: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Change a customer's fields (not the grade: use `customer grade`).")
        @Argument(help: "Customer id (C12), name, alias, or part of one.") var customer: String
        @Option(name: .customLong("set"), help: ArgumentHelp("FIELD=VALUE to change (repeatable; an empty VALUE clears).", valueName: "field=value"))
        var assignments: [String] = []
        @Option(help: ArgumentHelp("Add another name the customer is found by, e.g. 浦发 (repeatable).", valueName: "name")) var alias: [String] = []
        // The options `customer add` has (`customer edit 华夏 --phone …` was refused as giving no --set).
        @OptionGroup var named: CustomerFieldOptions
        @Flag(help: "Change it even if another customer then has a similar name, the same credit code or the same phone.") var force = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if assignments.isEmpty && alias.isEmpty && named.pairs.isEmpty {
                throw ValidationError("give at least one --set FIELD=VALUE, --phone, --address … or --alias NAME")
            }
        }

        var capability: Capability { .write }
        func run(in context: ArchiveContext) throws {
            try FieldAssignments.apply(named.pairs + (try parseAssignments(assignments, kind: .customer)) + alias.map { ("alias", $0) }, to: .customer, customer,
                                       in: context, force: force)
        }
    }

    struct Show: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Show a customer with its contacts, projects, recent contacts and complaints.")
        @Argument(help: "Customer id (C12) or name (any part of it, or an alias).") var customer: String
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Include contacts' personal background (secret).") var includeSecret = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .read }


        func run(in context: ArchiveContext) throws {
            try context.use { archive in
                let c = try archive.resolve(.customer, customer)
                let contacts = try archive.children(.contact, of: c.id)
                let projects = try archive.children(.project, of: c.id)
                let log = try archive.children(.activity, of: c.id).sorted { ($0["at"]?.int ?? 0) > ($1["at"]?.int ?? 0) }
                let complaints = try archive.children(.complaint, of: c.id)
                let hint = archive.gradeHint(c, now: Clock.now)
                if json {
                    try Render.checkJSON(items: 1 + contacts.count + projects.count + log.count + complaints.count, fieldsEach: 16)
                    var object = Render.json(c, archive: archive, includeSecret: includeSecret)
                    object["contacts"] = contacts.map { Render.json($0, archive: archive, includeSecret: includeSecret) }
                    object["projects"] = projects.map { Render.json($0, archive: archive) }
                    object["log"] = log.map { Render.json($0, archive: archive) }
                    object["complaints"] = complaints.map { Render.json($0, archive: archive) }
                    if let hint { object["gradeHint"] = ["suggested": hint.suggested.rawValue, "date": DateParser.format(hint.date)] }
                    try Render.printJSON(object)
                    return
                }
                Render.show(c, archive: archive, includeSecret: includeSecret)
                if let g = Grade(rawValue: c["grade"]?.text ?? "") {
                    print("  " + (Render.zh ? "等级说明：\(g.definitionZH)" : "grade means: \(g.definitionEN)"))
                }
                if let hint {
                    print(Terminal.yellow("  " + L(
                        "hint: the nearest expected date (\(DateParser.format(hint.date))) suggests grade \(hint.suggested.rawValue); the grade is yours to change",
                        "提示：最近的预计日期（\(DateParser.format(hint.date))）对应等级 \(hint.suggested.rawValue)；是否调整由您决定").text))
                }
                func section(_ en: String, _ zh: String, _ rows: [[String]], _ header: [String]) {
                    guard !rows.isEmpty else { return }
                    print("\n" + Terminal.bold(Render.zh ? zh : en))
                    Render.table(header, rows)
                }
                let z = Render.zh
                section("Contacts", "联系人", contacts.map { [$0.shortID, $0.displayName, $0["title"]?.text ?? "", Render.vocabulary(DecisionRole.self, $0["role"]?.text), Render.vocabulary(Attitude.self, $0["attitude"]?.text)] },
                        z ? ["编号", "姓名", "职务", "决策角色", "态度"] : ["id", "name", "title", "role", "attitude"])
                section("Projects", "项目", projects.map { [$0.shortID, $0.displayName, Render.vocabulary(SalesStage.self, $0["stage"]?.text), $0["expectedSign"]?.day.map(DateParser.format) ?? ""] },
                        z ? ["编号", "项目", "阶段", "预计签约"] : ["id", "project", "stage", "expected signing"])
                section("Recent contact log", "最近跟进", log.prefix(10).map { [Format.date($0["at"]?.int ?? 0), Render.vocabulary(ActivityType.self, $0["type"]?.text), Render.truncate($0["summary"]?.text ?? "", 50), $0["nextStep"]?.text ?? ""] },
                        z ? ["时间", "跟进方式", "跟进内容", "下一步计划"] : ["when", "type", "summary", "next step"])
                section("Complaints", "投诉", complaints.map { [$0.displayName, Render.vocabulary(ComplaintStatus.self, $0["status"]?.text), Render.truncate($0["subject"]?.text ?? "", 20)] },
                        z ? ["编号", "状态", "被投诉"] : ["number", "status", "about"])
            }
        }
    }

    struct List: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "List customers, A first.")
        @Option(parsing: .unconditional, help: "Only these grades, e.g. A or A,B.") var grade: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .read }


        func run(in context: ArchiveContext) throws {
            var grades: Set<Grade>?
            if let grade {
                grades = Set(try grade.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" }).map { text -> Grade in
                    guard let g = Grade.parse(String(text)) else {
                        throw ArchiveError(.invalidValue, "\(text) is not a grade; use \(Grade.codes)", zh: "没有“\(text)”这个等级，请填 \(Grade.labelsZH)")
                    }
                    return g
                })
            }
            try context.use { archive in
                let list = archive.customers(grades: grades)
                if json { return try Render.printJSON(list, archive: archive) }
                let z = Render.zh
                Render.table(z ? ["编号", "等级", "客户", "行业", "最近联系"] : ["id", "grade", "customer", "industry", "last contact"],
                             list.map { [$0.shortID, Render.grade($0["grade"]?.text), $0.displayName, $0["industry"]?.text ?? "", $0["lastContactAt"]?.int.map(Format.date) ?? "-"] })
                print(z ? "共 \(list.count) 家客户" : list.count == 1 ? "1 customer" : "\(list.count) customers")
            }
        }
    }

    struct GradeCmd: ArchiveCommand {
        static let configuration = CommandConfiguration(
            commandName: "grade", abstract: "Change a customer's grade, with the reason, the result and the problems met (for the work report).",
            discussion: """
                Regulation 6.2(2): every grade change, its result and the problems met go into
                the work report. Give --result and --problem with the change, or later without
                a grade.

                EXAMPLES
                  salesvault customer grade 华东电力 A --reason "已确认 12 月招标" --result "已入围" --problem "价格压力大"
                  salesvault customer grade 华东电力 --result "技术交流通过" --problem "对方预算未批"
                """)
        @Argument(help: "Customer id (C12) or name (any part of it, or an alias).") var customer: String
        @Argument(help: "New grade: A, B, C, D or unrated (leave out to add the result or problems of the last change).") var grade: String?
        @Option(parsing: .unconditional, help: "Why the grade changes (required with a new grade).") var reason: String?
        @Option(parsing: .unconditional, help: "The result of the change (for the weekly report).") var result: String?
        @Option(parsing: .unconditional, help: "Problems met (for the weekly report).") var problem: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            guard let grade else {
                let (e, change) = try context.use { a -> (Entity, HistoryEntry?) in
                    let e = try a.noteGrade(customer, result: result ?? "", problem: problem ?? "", now: Clock.now)
                    return (e, try a.latestGradeChange(of: e.id))
                }
                // What was given, and the change it completes (it said 结果及存在的问题 for a
                // result alone: helper-179).
                let given = (result ?? "").trimmedWhitespace.isEmpty ? L("the problems met", "存在的问题")
                    : (problem ?? "").trimmedWhitespace.isEmpty ? L("the result", "调整结果") : L("the result and the problems met", "调整结果及存在的问题")
                let which = change.map { c in
                    let day = DateParser.format(DateParser.localDay(c.at))
                    let (from, to) = (c.old?.text ?? Grade.unrated.rawValue, c.new?.text ?? Grade.unrated.rawValue)
                    return (en: " (\(from) → \(to) on \(day))", zh: "（\(day) \(from) → \(to)）")
                } ?? (en: "", zh: "")
                Terminal.print(L("Noted \(given.en) of \(e.shortID) \(e.displayName)'s latest grade change\(which.en), for the weekly report of its week.",
                                 "已补充 \(e.shortID) \(e.displayName)最近一次等级调整\(which.zh)的\(given.zh)，将写入该次调整所在周的周报。").text)
                return
            }
            let e = try context.use {
                try $0.setGrade(customer, to: grade, reason: reason ?? "", result: result ?? "", problem: problem ?? "", now: Clock.now)
            }
            Terminal.print(L("\(e.shortID) \(e.displayName) is now grade \(Render.grade(e["grade"]?.text)).", "\(e.shortID) \(e.displayName)的等级已改为 \(Render.grade(e["grade"]?.text))。").text)
            if (result ?? "").isEmpty || (problem ?? "").isEmpty {
                Terminal.stderr(L("The weekly report asks for the result and the problems met: add them with `customer grade \(e.shortID) --result … --problem …`.\n",
                                  "本次调整尚未填写调整结果或存在的问题（周报中须写明），可用 salesvault customer grade \(e.shortID) --result … --problem … 补充。\n").text)
            }
        }
    }

    struct Remove: ArchiveCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a customer from lists (its history is kept).",
            discussion: """
                Its contacts, projects, contact-log entries and closed complaints go with it, in
                one change that `salesvault undo` brings back. A customer with a complaint not
                closed yet (not surveyed or withdrawn) is not removed; one with a project still
                open (not won, lost or abandoned) needs --reason.
                """)
        @Argument(help: "Customer id (C12) or its full name.") var customer: String
        @Option(parsing: .unconditional, help: "Why (kept in the history).") var reason: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            let (e, gone, batch) = try context.use { archive -> (Entity, CustomerDependents, String) in
                let found = try archive.resolve(.customer, customer)
                try archive.loadContactLog(customer: found.id)  // (its log read, to count it)
                let gone = archive.state.dependents(ofCustomer: found.id)
                let batch = "B\(archive.vault.header.recordCount)"
                return (try archive.remove(.customer, customer, reason: reason ?? "", now: Clock.now), gone, batch)
            }
            let counts = [(gone.contacts.count, "contact", "contacts", "位联系人"), (gone.projects.count, "project", "projects", "个项目"),
                          (gone.log.count, "contact-log entry", "contact-log entries", "条跟进记录"),
                          (gone.complaints.count, "complaint", "complaints", "条投诉")].filter { $0.0 > 0 }
            let en = counts.map { "\($0.0) \($0.0 == 1 ? $0.1 : $0.2)" }
            let zh = counts.map { "\($0.0) \($0.3)" }
            let zhList = zh.count > 1 ? zh.dropLast().joined(separator: "、") + "和 " + zh.last! : zh.joined()
            Terminal.print(L(counts.isEmpty ? "Removed \(e.shortID) \(e.displayName); its history is kept (to bring it back: salesvault undo \(batch))."
                               : "Removed \(e.shortID) \(e.displayName) with its \(en.joined(separator: ", ")); the history is kept (to bring them back: salesvault undo \(batch)).",
                             counts.isEmpty ? "已移除客户 \(e.shortID) \(e.displayName)。变更历史仍保留；如需恢复，请运行 salesvault undo \(batch)。"
                               : "已移除客户 \(e.shortID) \(e.displayName)，及其名下 \(zhList)。变更历史仍保留；如需恢复，请运行 salesvault undo \(batch)。").text)
        }
    }
}

/// A customer's fields that have options of their own (`customer add` and `customer edit`).
struct CustomerFieldOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Customer code.") var code: String?
    @Option(parsing: .unconditional, help: "Industry.") var industry: String?
    @Option(parsing: .unconditional, help: "Region.") var region: String?
    @Option(parsing: .unconditional, help: "Phone.") var phone: String?
    @Option(parsing: .unconditional, help: "Address.") var address: String?
    @Option(parsing: .unconditional, help: "Where the customer came from.") var source: String?

    /// The fields given, as key and input.
    var pairs: [(String, String)] {
        fieldPairs([("code", code), ("industry", industry), ("region", region), ("phone", phone), ("address", address), ("source", source)])
    }
}
