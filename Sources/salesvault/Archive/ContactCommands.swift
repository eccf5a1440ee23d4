import ArgumentParser
import Foundation
import SalesArchive
import Interchange

struct ContactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact",
        abstract: "Record the people at a customer: role in the decision, attitude, background.",
        discussion: """
            A contact's personal background (education, family, interests) is the most
            sensitive information in the archive: it is hidden in listings unless
            --include-secret is given.

            EXAMPLES
              salesvault contact add 华为 王敏 --title 采购经理 --role decisionMaker --attitude supportive
              salesvault contact edit 王敏 --set background="清华大学毕业，喜欢围棋"
              salesvault contact list 华为
              salesvault contact restore R3 --reason 重新入职
            """,
        subcommands: [Add.self, Edit.self, Show.self, List.self, Remove.self, Restore.self])

    struct Add: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Add a contact person to a customer.")
        @Argument(help: "Customer id (C12) or name (any part of it, or an alias).") var customer: String
        @Argument(help: "The person's name.") var name: String
        @Option(parsing: .unconditional, help: "Job title.") var title: String?
        @Option(parsing: .unconditional, help: "Department.") var department: String?
        @Option(parsing: .unconditional, help: "Role in the decision: \(DecisionRole.codes).") var role: String?
        @Option(parsing: .unconditional, help: "Attitude: \(Attitude.codes).") var attitude: String?
        @Option(parsing: .unconditional, help: "Mobile number (kept as text).") var mobile: String?
        @Option(parsing: .unconditional, help: "E-mail.") var email: String?
        @Option(name: .customLong("set"), help: ArgumentHelp("Any other field, as FIELD=VALUE (repeatable).", valueName: "field=value"))
        var assignments: [String] = []
        @Flag(help: "Add the person even if the customer has a contact of the same name or mobile number.") var force = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            let fields = fieldPairs([("title", title), ("department", department), ("role", role), ("attitude", attitude),
                                     ("mobile", mobile), ("email", email)]) + (try parseAssignments(assignments, kind: .contact))
            let e = try context.use { archive in
                if !force {
                    let c = try archive.resolve(.customer, customer)
                    let phone = fields.last { Schema.field(.contact, key: $0.0)?.key == "mobile" }?.1
                    let likely = Identity.likelyDuplicateContacts(customer: c.id, name: name, mobile: phone, in: archive.state)
                    if !likely.isEmpty {
                        throw FieldAssignments.likelyDuplicateRefusal(likely, L("\(c.displayName) may already have this contact: ", "\(c.displayName)可能已有该联系人："),
                                                                      hint: L("nothing was added; if it is another person, add them again with --force", "本次未添加。如确认不是同一个人，请加上 --force 重新添加。"))
                    }
                    // One removed: the way back said (helper-184 N5).
                    let removed = Identity.removedLikelyDuplicateContacts(customer: c.id, name: name, mobile: phone, in: archive.state)
                    if let gone = removed.last {
                        throw CLIError(.inputRefused, L("\(c.displayName) had this contact, removed since: " + removed.map { "\($0.customer.shortID) \($0.customer.displayName) (\($0.reason))" }.joined(separator: "; ")
                                                        + "; to bring them back: salesvault contact restore \(gone.customer.shortID)",
                                                        "\(c.displayName)曾有该联系人，已被移除：" + removed.map { "\($0.customer.shortID) \($0.customer.displayName)（\($0.reasonZH)）" }.joined(separator: "；")
                                                        + "。如需恢复此人，请运行 salesvault contact restore \(gone.customer.shortID)。"),
                                       hint: L("nothing was added; to add them as a new person, add them again with --force", "本次未添加。如确要作为新联系人添加，请加上 --force 重新添加。"))
                    }
                }
                return try archive.addContact(customer: customer, name: name, fields: fields, now: Clock.now)
            }
            let whose = context.customerName(of: e) ?? ""
            Terminal.print(L("Added contact \(e.shortID) \(e.displayName) for \(whose).", "已添加联系人 \(e.shortID) \(e.displayName)（客户：\(whose)）。").text)
        }
    }

    struct Edit: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Change a contact's fields.")
        @Argument(help: "Contact id (R3) or name (any part of it).") var contact: String
        @OptionGroup var fields: FieldAssignments
        @Flag(help: "Change it even if the customer has another contact of that name or mobile number.") var force = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }
        func run(in context: ArchiveContext) throws {
            try FieldAssignments.apply(try parseAssignments(fields.assignments, kind: .contact), to: .contact, contact, in: context, force: force)
        }
    }

    struct Show: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Show a contact.")
        @Argument(help: "Contact id (R3) or name (any part of it).") var contact: String
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Include the personal background (secret).") var includeSecret = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .read }


        func run(in context: ArchiveContext) throws {
            try context.use { archive in
                let e = try archive.resolve(.contact, contact)
                if json { return try Render.printJSON(Render.json(e, archive: archive, includeSecret: includeSecret)) }
                Render.show(e, archive: archive, includeSecret: includeSecret)
            }
        }
    }

    struct List: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "List contacts, of one customer or all.")
        @Argument(help: "Customer id or name (any part of it, or an alias) (default: all customers).") var customer: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .read }


        func run(in context: ArchiveContext) throws {
            try context.use { archive in
                let list = try customer.map { try archive.children(.contact, of: try archive.resolve(.customer, $0).id) } ?? archive.state.allOfLiveCustomers(.contact)
                if json { return try Render.printJSON(list, archive: archive) }
                let z = Render.zh
                let customerSpec = Schema.field(.contact, key: "customer")!  // a schema literal
                Render.table(z ? ["编号", "姓名", "客户", "职务", "决策角色", "态度"] : ["id", "name", "customer", "title", "role", "attitude"],
                             list.map { [$0.shortID, $0.displayName, Render.text(.contact, customerSpec, $0["customer"], archive: archive), $0["title"]?.text ?? "",
                                         Render.vocabulary(DecisionRole.self, $0["role"]?.text), Render.vocabulary(Attitude.self, $0["attitude"]?.text)] })
            }
        }
    }

    struct Remove: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a contact from lists (history is kept).")
        @Argument(help: "Contact id (R3) or its full name.") var contact: String
        @Option(parsing: .unconditional, help: "Why (kept in the history), e.g. 已离职.") var reason: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            // (The batch named, as `customer remove` names it: helper-185 F9; the way back a
            // contact has, as every hint about a removed one says: helper-193 9.)
            let (e, batch) = try context.use { archive in
                let batch = "B\(archive.vault.header.recordCount)"
                return (try archive.remove(.contact, contact, reason: reason ?? "", now: Clock.now), batch)
            }
            Terminal.print(L("Removed \(e.shortID) \(e.displayName) (batch \(batch)); the history is kept (to bring them back: salesvault contact restore \(e.shortID)).",
                             "已移除联系人 \(e.shortID) \(e.displayName)（批次 \(batch)），变更历史仍保留。如需恢复，请运行 salesvault contact restore \(e.shortID)。").text)
        }
    }

    /// Brings a removed contact back where they were, without undoing the batch that removed
    /// them (which may have done more: a handover's import, which added and removed the
    /// person, also brought the customer and its records: helper-191 7).
    struct Restore: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Bring a removed contact back (the records naming them name them again as live).")
        @Argument(help: "The removed contact's id (R3), or their name when one removed person has it.") var contact: String
        @Option(parsing: .unconditional, help: "Why (kept in the history), e.g. 重新入职.") var reason: String?
        @Flag(help: "Bring them back even beside a live contact of the same name that no mobile number tells apart.") var force = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }

        func validate() throws {
            // (An empty one was "no removed contact is named" with exit 8: helper-193 8.)
            if contact.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError(L("no contact given: give the removed contact's id or name, e.g. salesvault contact restore R3",
                                        "没有填写要恢复的联系人。请填写联系人编号（如 R3）或姓名，例如：salesvault contact restore R3。").text)
            }
        }

        func run(in context: ArchiveContext) throws {
            let (e, company, batch) = try context.use { archive in
                let batch = "B\(archive.vault.header.recordCount)"
                let e = try archive.restoreContact(contact, reason: reason ?? "", force: force, now: Clock.now)
                return (e, e["customer"]?.ref.flatMap { archive.state.entity(.customer, $0) }?.displayName ?? "", batch)
            }
            Terminal.print(L("Brought back \(e.shortID) \(e.displayName) of \(company) (to undo: salesvault undo \(batch)).",
                             "已恢复联系人 \(e.shortID) \(e.displayName)（\(company)）。如需撤销，请运行 salesvault undo \(batch)。").text)
        }
    }
}

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Log calls, visits and other contacts (every important contact updates the customer's record).",
        discussion: """
            Types: call 电话, visit 拜访, event 活动, meeting 会议, presales 售前支持,
            email 邮件, im 微信/IM, other.

            EXAMPLES
              salesvault log add 华为 visit "介绍解决方案，客户关注交付周期" --with 王敏 --next-step "发报价" --next-date 2026-12-03
              salesvault log list 华为
              salesvault log edit L40 --next-date 2026-12-05 --reason "客户改约"
              salesvault log remove L41 --reason "重复录入"

            A date-only --at is 09:00 that day (now, if that is still ahead today); a
            time may follow (--at "2026-12-03 15:00", 昨天下午3点, or 15:30 for today);
            a later day or time is refused.
            """,
        subcommands: [Add.self, Edit.self, Remove.self, List.self])

    struct Add: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Log one contact with a customer.")
        @Argument(help: "Customer id (C12) or name (any part of it, or an alias).") var customer: String
        @Argument(help: "Type: \(ActivityType.codes).") var type: String
        @Argument(help: "What happened.") var summary: String
        @Option(parsing: .unconditional, help: "When (a date, and a time if you like: 昨天下午3点; default now).") var at: String?
        @Option(parsing: .unconditional, help: "Contacts met, comma-separated ids or names.") var with: String?
        @Option(parsing: .unconditional, help: "The project it concerns.") var project: String?
        @Option(parsing: .unconditional, help: "Next step.") var nextStep: String?
        @Option(parsing: .unconditional, help: "Date of the next step.") var nextDate: String?
        @Option(parsing: .unconditional, help: "Where.") var location: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }


        func run(in context: ArchiveContext) throws {
            let now = Clock.now
            let when = try context.atTime(at, now: now) ?? now
            let people = with.map { [$0] } ?? []  // (split by the archive, as a log's 联系人 field is: 王敏/李雷, Smith, John)
            let e = try context.use {
                try $0.logActivity(customer: customer, type: type, summary: summary, at: when, contacts: people, project: project,
                                   nextStep: nextStep, nextDate: nextDate, location: location, now: now)
            }
            // The time as read, when --at gave one (七点 is 07:00, 三点 15:00: said, so that a
            // reading the user did not mean is seen at once: helper-117).
            let whose = context.customerName(of: e)
            // The people recorded, by id and name (--with 王明 recorded 王明远, whose name holds
            // it, and the line did not say so: helper-140).
            let met = (e["contacts"]?.refs ?? []).compactMap { context.archive.state.entity(.contact, $0) }.map { "\($0.shortID) \($0.displayName)" }
            var forEN = (whose.map { " for \($0)" } ?? "") + (met.isEmpty ? "" : ", with " + met.joined(separator: ", "))
            var forZH = (whose.map { "，客户：\($0)" } ?? "") + (met.isEmpty ? "" : "，联系人：" + met.joined(separator: "、"))
            // A type written as another word than its own (短信, 钉钉, 来访) is said as recorded
            // (短信 went in as 微信/IM without a word: helper-179).
            if let code = e["type"]?.text, let recorded = ActivityType(rawValue: code), case let typed = type.trimmingCharacters(in: .whitespaces),
               typed != recorded.zh, typed.lowercased() != recorded.rawValue, typed.lowercased() != recorded.en.lowercased() {
                forEN += ", as \(recorded.en)"
                forZH += "，跟进方式记为“\(recorded.zh)”"
            }
            if at != nil, let recorded = e["at"]?.int {
                let shown = DateParser.localMinute(recorded), there = context.departmentTime(recorded)
                Terminal.print(L("Logged \(e.shortID)\(forEN) at \(shown)\(there.map { " (\($0.en))" } ?? "").",
                                 "已记录 \(e.shortID)\(forZH)，时间为 \(shown)\(there.map { "（\($0.zh)）" } ?? "")。").text)
            } else {
                Terminal.print(L("Logged \(e.shortID)\(forEN).", "已记录 \(e.shortID)\(forZH)。").text)
            }
        }
    }

    struct Edit: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Correct a contact log entry (the old values stay in the history).")
        @Argument(help: "Log entry id (L40).") var entry: String
        @Option(parsing: .unconditional, help: "Type: \(ActivityType.codes).") var type: String?
        @Option(parsing: .unconditional, help: "What happened.") var summary: String?
        @Option(parsing: .unconditional, help: "When (a date, and a time if you like: 昨天下午3点).") var at: String?
        @Option(parsing: .unconditional, help: "Contacts met, comma-separated ids or names (empty clears).") var with: String?
        @Option(parsing: .unconditional, help: "The project it concerns (empty clears).") var project: String?
        @Option(parsing: .unconditional, help: "Next step (empty clears).") var nextStep: String?
        @Option(parsing: .unconditional, help: "Date of the next step (empty clears).") var nextDate: String?
        @Option(parsing: .unconditional, help: "Where (empty clears).") var location: String?
        @Option(parsing: .unconditional, help: "Why it is corrected (kept in the history).") var reason: String?
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }

        func validate() throws {
            if [type, summary, at, with, project, nextStep, nextDate, location].allSatisfy({ $0 == nil }) {
                throw ValidationError("say what to correct: --type, --summary, --at, --with, --project, --next-step, --next-date or --location")
            }
        }

        func run(in context: ArchiveContext) throws {
            let now = Clock.now
            let when = try context.atTime(at, now: now)
            let fields = fieldPairs([("type", type), ("summary", summary), ("contacts", with), ("project", project), ("nextStep", nextStep),
                                     ("nextDate", nextDate), ("location", location)])
            let before = context.archive.vault.header.recordCount
            let e = try context.use { try $0.editLog(entry, fields: fields, at: when, reason: reason, now: now) }
            // (With --at, the time as read, as `log add --at` says it: helper-126.)
            let recorded = at == nil ? nil : e["at"]?.int
            let shown = recorded.map { t in (DateParser.localMinute(t), context.departmentTime(t)) }
            Terminal.print(context.archive.vault.header.recordCount == before
                ? L("\(e.shortID) already says that: nothing changed, nothing saved.", "\(e.shortID) 内容与原来相同，无需修改，未保存。")
                : shown.map { time, there in
                    L("Corrected \(e.shortID), now at \(time)\(there.map { " (\($0.en))" } ?? ""); the old values stay in the history.",
                      "已修改 \(e.shortID)，时间为 \(time)\(there.map { "（\($0.zh)）" } ?? "")；原内容保留在变更历史中。")
                } ?? L("Corrected \(e.shortID); the old values stay in the history.", "已修改 \(e.shortID)，原内容保留在变更历史中。"))
        }
    }

    struct Remove: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a contact log entry entered by mistake (it stays in the history).")
        @Argument(help: "Log entry id (L40).") var entry: String
        @Option(help: "Why (required; kept in the history).") var reason: String
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .write }

        func run(in context: ArchiveContext) throws {
            let (e, batch) = try context.use { archive in
                let batch = "B\(archive.vault.header.recordCount)"
                return (try archive.removeLog(entry, reason: reason, now: Clock.now), batch)
            }
            Terminal.print(L("Removed \(e.shortID); it stays in the history with its reason (to bring it back: salesvault undo \(batch)).",
                             "已删除 \(e.shortID)，原记录和删除原因保留在变更历史中；如需恢复，请运行 salesvault undo \(batch)。"))
        }
    }

    struct List: ArchiveCommand {
        static let configuration = CommandConfiguration(abstract: "List the contact log, newest first.")
        @Argument(help: "Customer id or name (any part of it, or an alias) (default: all).") var customer: String?
        @Option(parsing: .unconditional, help: "Only entries on or after this date.") var since: String?
        // (Unconditional: `--limit -1` is a wrong number, not a missing one.)
        @Option(parsing: .unconditional, help: "At most this many entries.") var limit: Int = 50

        func validate() throws { if limit < 1 { throw ValidationError("--limit must be 1 or more") } }
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var options: ArchiveOptions
        @OptionGroup var global: GlobalOptions

        var capability: Capability { .read }


        func run(in context: ArchiveContext) throws {
            let from = try since.map { DateParser.startOfDay(try DateParser.parse($0, now: Clock.now, yearless: .notLater)) } ?? .min
            try context.use { archive in
                var list = try customer.map { try archive.children(.activity, of: try archive.resolve(.customer, $0).id) } ?? { try archive.loadContactLog(); return archive.state.allOfLiveCustomers(.activity) }()
                // (Newest first; of one time, the later entered first: --limit keeps the latest.)
                list = list.filter { ($0["at"]?.int ?? 0) >= from }.sorted { (($0["at"]?.int ?? 0), $0.id) > (($1["at"]?.int ?? 0), $1.id) }
                let total = list.count
                guard total > 0 || json else {
                    print(Render.zh ? "暂无跟进记录。" : "No contact-log entries.")
                    return
                }
                list = Array(list.prefix(limit))
                if json { return try Render.printJSON(list, archive: archive) }
                let z = Render.zh
                let customerSpec = Schema.field(.activity, key: "customer")!  // a schema literal
                // (The id first: log edit and log remove take it, and an export's 记录号 is it.)
                Render.table(z ? ["编号", "时间", "客户", "跟进方式", "跟进内容", "下一步计划", "下次跟进日期"] : ["id", "when", "customer", "type", "summary", "next step", "next date"],
                             list.map { [$0.shortID, Format.date($0["at"]?.int ?? 0), Render.text(.activity, customerSpec, $0["customer"], archive: archive),
                                         Render.vocabulary(ActivityType.self, $0["type"]?.text), Render.truncate($0["summary"]?.text ?? "", 40),
                                         $0["nextStep"]?.text ?? "", $0["nextDate"]?.day.map(DateParser.format) ?? ""] })
                // (How many, and that the oldest are left out when --limit cut them.)
                print(total > list.count
                      ? (z ? "共 \(total) 条跟进记录，仅显示最近 \(list.count) 条。如需全部显示，请加 --limit \(total)。" : "\(total) entries; the latest \(list.count) shown (add --limit \(total) to see all)")
                      : (z ? "共 \(total) 条跟进记录" : total == 1 ? "1 entry" : "\(total) entries"))
            }
        }
    }
}
