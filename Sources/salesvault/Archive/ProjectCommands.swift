import ArgumentParser
import Foundation
import SalesArchive
import Interchange

struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Follow projects through the five sales stages.",
        discussion: """
            Stages (regulation 7.1): 1 infoDevelopment 信息开发, 2 projectInitiation
            项目立项, 3 bidding 招投标, 4 businessNegotiation 商务谈判, 5 contract
            合同签订与执行; then won, lost or abandoned. Moving to the next stage needs
            nothing; going back, skipping a stage, closing as lost/abandoned or reopening
            needs --reason.

            EXAMPLES
              salesvault project add 华为 "园区网络改造" --budget "300万" --expected-sign 2027-01-15
              salesvault project stage 园区 2
              salesvault project stage 园区 1 --reason "客户预算冻结"
            """,
        subcommands: [Add.self, Stage.self, Edit.self, Show.self, List.self])

    struct Add: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Add a project (it starts at stage 1).")
        @Argument(help: "Customer id (C12) or name (any part of it, or an alias).") var customer: String
        @Argument(help: "Project name.") var name: String
        @Option(parsing: .unconditional, help: "Budget.") var budget: String?
        @Option(parsing: .unconditional, help: "Expected bidding date.") var expectedBid: String?
        @Option(parsing: .unconditional, help: "Expected signing date.") var expectedSign: String?
        @Option(parsing: .unconditional, help: "Bid method (public tender, negotiated bid, …).") var bidMethod: String?
        @Option(parsing: .unconditional, help: "Requirements.") var requirements: String?
        @Option(parsing: .unconditional, help: "Decision makers: contact ids or names, comma-separated.") var decisionMakers: String?
        @Option(parsing: .unconditional, help: "Competition: competitors and their position, e.g. \"思科:leading; 新华三:shortlisted\".") var competition: String?
        @Option(name: .customLong("set"), help: ArgumentHelp("Any other field, as FIELD=VALUE (repeatable).", valueName: "field=value"))
        var assignments: [String] = []
        @Flag(help: "Add the project even if the customer has a project of the same name.") var force = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            let fields = fieldPairs([("budget", budget), ("expectedBid", expectedBid), ("expectedSign", expectedSign), ("bidMethod", bidMethod),
                                     ("requirements", requirements), ("decisionMakers", decisionMakers), ("competition", competition)])
                + (try parseAssignments(assignments, kind: .project))
            let e = try context.use { archive in
                // (A second project of one name was taken without a word, where a contact's
                // namesake asks for --force.)
                if !force {
                    let c = try archive.resolve(.customer, customer)
                    let likely = Identity.likelyDuplicateProjects(customer: c.id, name: name, in: archive.state)
                    if !likely.isEmpty {
                        throw FieldAssignments.likelyDuplicateRefusal(likely, L("\(c.displayName) may already have this project: ", "客户“\(c.displayName)”下可能已有该项目："),
                                                                      hint: L("nothing was added; if it is another project, add it again with --force", "本次未添加。如确认是不同的项目，请加上 --force 后重新执行该命令。"))
                    }
                }
                return try archive.addProject(customer: customer, name: name, fields: fields, now: Clock.now)
            }
            let whose = context.customerName(of: e) ?? ""
            Terminal.print(L("Added project \(e.shortID) \(e.displayName) for \(whose), at stage 1.", "已添加项目 \(e.shortID) \(e.displayName)（客户：\(whose)），处于第 1 阶段。").text)
        }
    }

    struct Stage: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Move a project to another stage.")
        @Argument(help: "Project id (P3) or name (any part of it).") var project: String
        @Argument(help: "Stage: 1–5, or \(SalesStage.codes).") var stage: String
        @Option(parsing: .unconditional, help: "Why (required to go back, skip a stage, close as lost/abandoned, or reopen).") var reason: String?
        // (A move made on Friday and typed in on Monday was of Monday: helper-179.)
        @Option(parsing: .unconditional, help: "When it moved, if earlier than now (a date, and a time if you like: 上周五下午3点).") var at: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            var before: SalesStage?
            let clock = Clock.now
            let when = try context.atTime(at, now: clock)
            let e = try context.use { archive -> Entity in
                before = (try? archive.resolve(.project, project))?["stage"]?.text.flatMap(SalesStage.init(rawValue:))
                return try archive.setStage(project, to: stage, reason: reason, at: when, now: clock)
            }
            let now = e["stage"]?.text.flatMap(SalesStage.init(rawValue:)) ?? .infoDevelopment
            // A move back or a reopening said as such, and the reason given repeated (它“已进入”一个
            //更早的阶段, and 已丢单 said no reason: helper-127, helper-128).
            // (A reason ending in ；，、 ends in 。 instead: 预算冻结；。 read as two stops: helper-130.)
            var why = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            // (And 预算冻结；。 as 预算冻结: helper-131.)
            while let last = why.last, "；;，,、：:。.".contains(last) { why.removeLast() }
            let because = why.isEmpty ? L("", "") : L("; reason: \(why)", "，原因：\(why)")
            // (A reason that ends its own sentence gets no second full stop: 原因：客户预算冻结。。: helper-129.)
            let stop = why.last.map { "！？!?…".contains($0) } ?? false ? L("", "") : L(".", "。")
            if let before, !before.isClosed, !now.isClosed, now.order < before.order {
                Terminal.print(L("\(e.shortID) \(e.displayName) went back to stage \(now.order + 1) (\(now.name(zh: false)))\(because.en)\(stop.en)",
                                 "\(e.shortID) 已退回第 \(now.order + 1) 阶段（\(now.name(zh: true))）\(because.zh)\(stop.zh)"))
            } else if let before, before.isClosed, !now.isClosed {
                Terminal.print(L("\(e.shortID) \(e.displayName) is open again, at stage \(now.order + 1) (\(now.name(zh: false)))\(because.en)\(stop.en)",
                                 "\(e.shortID) 已重新开启，回到第 \(now.order + 1) 阶段（\(now.name(zh: true))）\(because.zh)\(stop.zh)"))
            } else {
                Terminal.print(L("\(e.shortID) \(e.displayName) \(now.arrival(zh: false))\(because.en)\(stop.en)", "\(e.shortID) \(now.arrival(zh: true))\(because.zh)\(stop.zh)"))
            }
            if let when {
                let minute = DateParser.localMinute(when)
                Terminal.print(L("It entered the stage at \(minute).", "进入该阶段的时间记为 \(minute)。"))
            }
        }
    }

    struct Edit: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Change a project's fields (not its stage).")
        @Argument(help: "Project id (P3) or name (any part of it).") var project: String
        @OptionGroup var fields: FieldAssignments
        @Flag(help: "Change it even if the customer has another project of that name.") var force = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }
        func run(in context: ArchiveContext) throws {
            try FieldAssignments.apply(try parseAssignments(fields.assignments, kind: .project), to: .project, project, in: context, force: force)
        }
    }

    struct Show: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Show a project with its stage history.")
        @Argument(help: "Project id (P3) or name (any part of it).") var project: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .read }


        func run(in context: ArchiveContext) throws {
            try context.use { archive in
                let p = try archive.resolve(.project, project)
                let stageNumber = Schema.field(.project, key: "stage")!.number  // a schema literal
                let stages = try archive.history().filter { $0.kind == .project && $0.id == p.id && $0.field?.number == stageNumber }
                if json {
                    var object = Render.json(p, archive: archive)
                    // ("at": when the move happened; "recordedAt": when it was typed in.)
                    object["stageHistory"] = stages.map { h -> [String: Any] in
                        ["at": Format.isoDate(h.happenedAt ?? h.at), "recordedAt": Format.isoDate(h.at), "by": h.actor,
                         "from": h.old?.text ?? "", "to": h.new?.text ?? "", "reason": h.reason ?? ""]
                    }
                    return try Render.printJSON(object)
                }
                Render.show(p, archive: archive, includeSecret: false)
                guard !stages.isEmpty else { return }
                print("\n" + Terminal.bold(Render.zh ? "阶段变更" : "Stage history"))
                Render.table(Render.zh ? ["时间", "人员", "从", "到", "原因"] : ["when", "by", "from", "to", "reason"],
                             stages.map { h in
                                 // A move typed in later (--at) at its own time, said entered late (it
                                 // showed the typing time only: helper-180 N2).
                                 let late = Render.lateEntryNote(happened: h.happenedAt, recorded: h.at)
                                 return [Format.date(h.happenedAt ?? h.at), h.actor, Render.vocabulary(SalesStage.self, h.old?.text),
                                         Render.vocabulary(SalesStage.self, h.new?.text),
                                         [h.reason, late].compactMap { $0 }.joined(separator: Render.zh ? "；" : "; ")]
                             })
            }
        }
    }

    struct List: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "List projects, of one customer or all.")
        @Argument(help: "Customer id or name (any part of it, or an alias) (default: all).") var customer: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .read }


        func run(in context: ArchiveContext) throws {
            try context.use { archive in
                let list = try customer.map { try archive.children(.project, of: try archive.resolve(.customer, $0).id) } ?? archive.state.allOfLiveCustomers(.project)
                if json { return try Render.printJSON(list, archive: archive) }
                let customerSpec = Schema.field(.project, key: "customer")!  // a schema literal
                Render.table(Render.zh ? ["编号", "项目", "客户", "阶段", "预计签约"] : ["id", "project", "customer", "stage", "expected signing"],
                             list.map { [$0.shortID, $0.displayName, Render.text(.project, customerSpec, $0["customer"], archive: archive),
                                         Render.vocabulary(SalesStage.self, $0["stage"]?.text), $0["expectedSign"]?.day.map(DateParser.format) ?? ""] })
            }
        }
    }
}

struct ComplaintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complaint",
        abstract: "Carry a customer complaint from filing to the satisfaction survey (regulation 6.4).",
        discussion: """
            file → route (the sales manager AND the sales director must both be notified)
            → resolve (under a coordinator, not the person complained about) → survey.

            EXAMPLES
              salesvault complaint file 华为 --about "售后部 李强" --description "上门维修迟到两天"
              salesvault complaint route TS-2026-0001 --manager --director
              salesvault complaint resolve TS-2026-0001 --coordinator 刘经理 --resolution "更换工程师并致歉"
              salesvault complaint survey TS-2026-0001 --satisfaction satisfied
              salesvault complaint withdraw TS-2026-0002 --reason "客户来电撤诉，误会已澄清"
              salesvault complaint withdraw TS-2026-0003 --unfounded --reason "经核实，工程师按时到场"
            """,
        subcommands: [File.self, Route.self, Resolve.self, Survey.self, Withdraw.self, Show.self, List.self])

    struct File: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Record a complaint about any person or department of the company.")
        @Argument(help: "Customer id (C12) or name (any part of it, or an alias).") var customer: String
        @Option(help: "Who or which department the complaint is about.") var about: String
        @Option(help: "What the customer complains about.") var description: String
        @Option(parsing: .unconditional, help: "How it came in: phone, visit, letter, email, IM.") var channel: String?
        @Option(parsing: .unconditional, help: "The contact who complained.") var complainant: String?
        // (A complaint received yesterday could not be filed as such, nor its steps dated after
        // it: helper-125.)
        @Option(parsing: .unconditional, help: "When (a date, and a time if you like: 昨天下午3点; default now).") var at: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            let now = Clock.now
            let received = try context.atTime(at, now: now) ?? now
            let e = try context.use {
                try $0.fileComplaint(customer: customer, about: about, description: description, channel: channel, complainant: complainant,
                                     receivedAt: received, now: now)
            }
            let when = at == nil ? "" : DateParser.localMinute(received)
            Terminal.print(L("Filed complaint \(e.displayName)\(when.isEmpty ? "" : ", received \(when)"). Next: notify the sales manager and the sales director (complaint route).",
                    "已登记投诉 \(e.displayName)\(when.isEmpty ? "" : "（受理时间 \(when)）")。下一步：通报销售经理和销售总监（complaint route）。").text)
        }
    }

    struct Route: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Record that the sales manager and/or the sales director were notified.")
        @Argument(help: "Complaint number (TS-2026-0001) or id.") var complaint: String
        @Flag(help: "The sales manager was notified.") var manager = false
        @Flag(help: "The sales director was notified.") var director = false
        @Option(parsing: .unconditional, help: "When it was done, if not today (2026-03-05, 2026/3/5, 2026年3月5日).") var at: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if !manager && !director { throw ValidationError("say who was notified: --manager, --director, or both") }
        }

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            let when = try context.atTime(at)
            let e = try context.use { try $0.routeComplaint(complaint, manager: manager, director: director, at: when, now: Clock.now) }
            let (m, d) = (e["managerNotifiedAt"] != nil, e["directorNotifiedAt"] != nil)
            Terminal.print(m && d ? L("\(e.displayName): the sales manager and the sales director are both notified (routed). Next: resolve it (complaint resolve).",
                                      "\(e.displayName) 已通报销售经理和销售总监。下一步：协调处理（complaint resolve）。")
                : m ? L("\(e.displayName): the sales manager is notified; the sales director is still to be notified.", "\(e.displayName) 已通报销售经理，待通报销售总监。")
                : L("\(e.displayName): the sales director is notified; the sales manager is still to be notified.", "\(e.displayName) 已通报销售总监，待通报销售经理。"))
        }
    }

    struct Resolve: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Record how the complaint was handled and resolved.")
        @Argument(help: "Complaint number or id.") var complaint: String
        @Option(help: "Who coordinated the handling (the sales manager).") var coordinator: String
        @Option(help: "What was done.") var resolution: String
        @Option(parsing: .unconditional, help: "When it was resolved, if not today.") var at: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            let when = try context.atTime(at)
            let e = try context.use { try $0.resolveComplaint(complaint, coordinator: coordinator, resolution: resolution, at: when, now: Clock.now) }
            Terminal.print(L("\(e.displayName) resolved. Next: the satisfaction survey (complaint survey).", "\(e.displayName) 已处理。下一步：满意度回访（complaint survey）。").text)
        }
    }

    struct Survey: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Record the satisfaction survey of a resolved complaint.")
        @Argument(help: "Complaint number or id.") var complaint: String
        @Option(help: "Satisfaction: \(Satisfaction.codes).") var satisfaction: String
        @Option(parsing: .unconditional, help: "The customer's comment.") var comment: String?
        @Option(parsing: .unconditional, help: "Who ran the survey.") var by: String?
        @Option(parsing: .unconditional, help: "When the survey was made, if not today.") var at: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            let when = try context.atTime(at)
            let e = try context.use { try $0.surveyComplaint(complaint, satisfaction: satisfaction, comment: comment, by: by, at: when, now: Clock.now) }
            Terminal.print(L("\(e.displayName): survey recorded (\(Render.vocabulary(Satisfaction.self, e["satisfaction"]?.text))).",
                    "\(e.displayName)：已记录回访（\(Render.vocabulary(Satisfaction.self, e["satisfaction"]?.text))）。").text)
            // What follows a customer not satisfied: handled again, then surveyed again (helper-179).
            if e["satisfaction"]?.text == Satisfaction.dissatisfied.rawValue {
                Terminal.print(L("The customer is not satisfied: handle it again and survey again (salesvault complaint resolve \(e.displayName) --coordinator … --resolution …).",
                                 "客户不满意：请重新处理后再次回访（salesvault complaint resolve \(e.displayName) --coordinator … --resolution …）。").text)
            }
        }
    }

    struct Withdraw: ArchiveCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a complaint not yet resolved, or one the customer was not satisfied with: withdrawn by the customer (撤诉), or --unfounded (不成立).")
        @Argument(help: "Complaint number or id.") var complaint: String
        @Flag(help: "The complaint was found unfounded (不成立) rather than withdrawn by the customer.") var unfounded = false
        @Option(help: "Why (required; kept in the history).") var reason: String
        @Option(parsing: .unconditional, help: "When, if not today.") var at: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }

        func run(in context: ArchiveContext) throws {
            let when = try context.atTime(at)
            let e = try context.use { try $0.withdrawComplaint(complaint, unfounded: unfounded, reason: reason, at: when, now: Clock.now) }
            Terminal.print(unfounded ? L("\(e.displayName) closed as unfounded; the reason is kept in the history.", "投诉 \(e.displayName) 已认定不成立并结案，原因已记入变更历史。")
                                     : L("\(e.displayName) withdrawn by the customer; the reason is kept in the history.", "投诉 \(e.displayName) 已结案（客户撤诉），原因已记入变更历史。"))
        }
    }

    struct Show: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Show a complaint: what, who was notified when, the handling and the survey.")
        @Argument(help: "Complaint number (TS-2026-0001) or id.") var complaint: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .read }


        func run(in context: ArchiveContext) throws {
            try context.use { archive in
                let e = try archive.resolve(.complaint, complaint)
                // The reason it was withdrawn or found unfounded, kept in the history (it showed
                // only there: helper-181).
                let reason = try archive.withdrawalReasons(customer: e["customer"]?.ref)[e.id]
                if json {
                    var object = Render.json(e, archive: archive)
                    if let reason { object["withdrawalReason"] = reason }
                    return try Render.printJSON(object)
                }
                Render.show(e, archive: archive, includeSecret: false)
                if let reason { print("  " + (Render.zh ? (e["status"]?.text == ComplaintStatus.unfounded.rawValue ? "不成立原因：" : "撤诉原因：") : "reason: ") + Terminal.safe(reason)) }
            }
        }
    }

    struct List: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "List complaints.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .read }


        func run(in context: ArchiveContext) throws {
            try context.use { archive in
                let list = archive.state.allOfLiveCustomers(.complaint)
                if json { return try Render.printJSON(list, archive: archive) }
                let customerSpec = Schema.field(.complaint, key: "customer")!  // a schema literal
                Render.table(Render.zh ? ["编号", "客户", "被投诉", "状态", "通报销售经理日期", "通报销售总监日期", "满意度"]
                                         : ["number", "customer", "about", "status", "manager notified", "director notified", "satisfaction"],
                             list.map { [$0.displayName, Render.text(.complaint, customerSpec, $0["customer"], archive: archive), Render.truncate($0["subject"]?.text ?? "", 16),
                                         Render.vocabulary(ComplaintStatus.self, $0["status"]?.text), $0["managerNotifiedAt"]?.int.map(Format.date) ?? "-",
                                         $0["directorNotifiedAt"]?.int.map(Format.date) ?? "-", Render.vocabulary(Satisfaction.self, $0["satisfaction"]?.text)] })
            }
        }
    }
}

