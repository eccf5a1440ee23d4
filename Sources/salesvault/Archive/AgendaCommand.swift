import ArgumentParser
import Department
import Foundation
import Interchange
import SalesArchive

struct AgendaCommand: ArchiveCommand {
    static let configuration = CommandConfiguration(
        commandName: "agenda",
        abstract: "Show whom to follow up today: overdue and due follow-ups, this week, bids and signings, surveys, silent A/B customers.",
        discussion: """
            Follow-ups (each customer's next follow-up date) overdue and due today, then
            the rest of this week (or the next --days N days); bids and signings expected
            within 30 days; resolved complaints waiting for their satisfaction survey; A
            customers not contacted for more than 7 days and B customers for more than 14,
            or the intervals the department sets (dept policy --contact-a/--contact-b; as
            in the weekly report); customers whose nearest expected date suggests another
            grade (regulation 6.1). The shell shows it first.

            EXAMPLES
              salesvault agenda
              salesvault agenda --days 14 --ics followups.ics
            """)
    @Option(parsing: .unconditional, help: "Look this many days ahead for follow-ups (default: to the end of this week).") var days: Int?
    @Option(help: ArgumentHelp("Also write the follow-ups as calendar events (iCalendar) to this file.", valueName: "file")) var ics: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: ArchiveOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let days, !(0...366).contains(days) { throw ValidationError("--days must be from 0 to 366") }
    }

    var capability: Capability { ics == nil ? .read : .export }
    /// (Its JSON needed more than 80 MB left for a 15.6 MB archive: black-box sweep.)
    var memoryTimesRecords: Int { 6 }

    /// The department's contact intervals (DEPARTMENT.md §3.1), or 7 and 14 days outside a
    /// department or when its registry cannot be read (the agenda still shows, with the defaults).
    static func intervals(of archive: CustomerArchive) -> ContactIntervals {
        ((try? ReportCommand.registry(of: archive))??.0.contactIntervals) ?? .standard
    }

    func run(in context: ArchiveContext) throws {
        let now = Clock.now
        context.noteMachineDay(at: now)
        let agenda = try context.archive.agenda(now: now, days: days, intervals: Self.intervals(of: context.archive))
        if json {  // (counted before the calendar file is written, not after)
            let items = agenda.overdue.count + agenda.dueToday.count + agenda.upcoming.count + agenda.expected.count + agenda.surveys.count + agenda.unrouted.count + agenda.dissatisfied.count
                + agenda.silent.count + agenda.gradeHints.count
            try Render.checkJSON(items: items, fieldsEach: 5)
        }
        if let ics {
            let text = Reminders.calendar(events: AgendaView.events(agenda, archive: context.archive), now: now)
            try AtomicFile.write(Data(text.utf8), to: ics, replacing: true, protecting: [context.archive.vault.path])
            Terminal.stderr(L("Wrote \(agenda.overdue.count + agenda.dueToday.count + agenda.upcoming.count) follow-ups to \(ics).\n",
                              "已将 \(agenda.overdue.count + agenda.dueToday.count + agenda.upcoming.count) 项跟进写入日历文件 \(ics)。\n").text)
        }
        if json { return try Render.printJSON(AgendaView.json(agenda, archive: context.archive)) }
        AgendaView.show(agenda, archive: context.archive, now: now)
    }
}

/// The agenda for people (tables), for scripts (JSON) and for calendars (events).
enum AgendaView {
    static func show(_ a: Agenda, archive: CustomerArchive, now: Int64) {
        let z = Render.zh
        let day = { (d: Int32) in DateParser.format(d) }
        let weekday = { (d: Int32) in
            z ? "周" + ["一", "二", "三", "四", "五", "六", "日"][DateParser.weekday(d) - 1] : ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][DateParser.weekday(d) - 1]
        }
        print(Terminal.bold(z ? "今日待办 \(day(a.today)) \(weekday(a.today))" : "Agenda for \(day(a.today)) (\(weekday(a.today)))"))
        if a.isEmpty {
            print(z ? "今天没有需要跟进的事项。" : "Nothing to follow up today.")
            return
        }
        func section(_ en: String, _ zh: String, _ header: [String], _ headerZH: [String], _ rows: [[String]]) {
            guard !rows.isEmpty else { return }
            print("\n" + Terminal.bold(z ? "\(zh)（\(rows.count)）" : "\(en) (\(rows.count))"))
            Render.table(z ? headerZH : header, rows)
        }
        let follow = { (f: Agenda.FollowUp) -> [String] in
            [f.customer.shortID, Render.truncate(f.customer.displayName, 24), Render.vocabulary(Grade.self, f.customer["grade"]?.text),
             "\(day(f.day)) \(weekday(f.day))", Render.truncate(f.nextStep ?? "", 30)]
        }
        let followHeader = (["id", "customer", "grade", "date", "next step"], ["编号", "客户", "等级", "日期", "下一步计划"])
        // A complaint's customer, as the complaint sections show it.
        func customerOf(_ t: Entity) -> String { Render.truncate(t["customer"]?.ref.flatMap { archive.state.entity(.customer, $0) }?.displayName ?? "", 24) }
        section("Overdue follow-ups", "已逾期的跟进", followHeader.0 + ["overdue"], followHeader.1 + ["逾期"],
                a.overdue.map { follow($0) + [z ? "\(a.today - $0.day) 天" : "\(a.today - $0.day) d"] })
        section("Due today", "今天要跟进", followHeader.0, followHeader.1, a.dueToday.map(follow))
        section(a.until == DateParser.monday(of: a.today) + 6 ? "Later this week" : "Coming up", a.until == DateParser.monday(of: a.today) + 6 ? "本周其他待跟进" : "近期跟进",
                followHeader.0, followHeader.1, a.upcoming.map(follow))
        section("Bids and signings within 30 days", "30 天内预计投标/签约", ["date", "", "project", "customer", "stage"], ["日期", "事项", "项目", "客户", "阶段"],
                a.expected.map { e in
                    ["\(day(e.day)) \(weekday(e.day))", e.isBid ? (z ? "投标" : "bid") : (z ? "签约" : "signing"), "\(e.project.shortID) \(Render.truncate(e.project.displayName, 20))",
                     Render.truncate(e.customer?.displayName ?? "", 20), Render.vocabulary(SalesStage.self, e.project["stage"]?.text)]
                })
        section("Complaints not yet passed to the managers (regulation 6.4)", "尚未通报经理的投诉（制度 6.4）", ["number", "customer", "received", "not yet told"], ["编号", "客户", "受理时间", "尚未通报"],
                a.unrouted.map { t in
                    let missing = [t["managerNotifiedAt"] == nil ? (z ? "销售经理" : "sales manager") : nil, t["directorNotifiedAt"] == nil ? (z ? "销售总监" : "sales director") : nil].compactMap { $0 }
                    return [t.displayName, customerOf(t),
                            t["receivedAt"]?.int.map(Format.date) ?? "", missing.joined(separator: z ? "、" : ", ")]
                })
        if !a.unrouted.isEmpty {
            print(z ? "（通报后请登记：complaint route 编号 --manager --director）" : "(once told, record it: complaint route NUMBER --manager --director)")
        }
        section("Complaints the customer was not satisfied with: handle them again", "客户不满意、待重新处理的投诉", ["number", "customer", "surveyed", "comment"], ["编号", "客户", "回访时间", "客户意见"],
                a.dissatisfied.map { t in
                    [t.displayName, customerOf(t),
                     t["surveyedAt"]?.int.map(Format.date) ?? "", Render.truncate(t["surveyComment"]?.text ?? "", 30)]
                })
        if !a.dissatisfied.isEmpty {
            print(z ? "（重新处理后请登记：complaint resolve 编号 --coordinator … --resolution …，再次回访）" : "(once handled again: complaint resolve NUMBER --coordinator … --resolution …, then survey again)")
        }
        section("Complaints waiting for their survey", "待回访的投诉", ["number", "customer", "resolved"], ["编号", "客户", "处理时间"],
                a.surveys.map { t in
                    [t.displayName, customerOf(t),
                     t["resolvedAt"]?.int.map(Format.date) ?? ""]
                })
        section("A and B customers not contacted in time (A \(a.intervals.a) days, B \(a.intervals.b))", "超期未联系的 A、B 类客户（A 类 \(a.intervals.a) 天，B 类 \(a.intervals.b) 天）",
                ["id", "customer", "grade", "last contact", "days"], ["编号", "客户", "等级", "最近联系", "未联系天数"],
                a.silent.map { s in
                    [s.customer.shortID, Render.truncate(s.customer.displayName, 24), s.grade, s.lastContact.map(Format.date) ?? (z ? "从未联系" : "never"),
                     s.days.map(String.init) ?? "-"]
                })
        section("Grade and expected date disagree (regulation 6.1)", "等级与预计日期不符（制度 6.1）",
                ["id", "customer", "grade", "nearest date", "suggests"], ["编号", "客户", "当前等级", "最近预计日期", "建议等级"],
                a.gradeHints.map { h in
                    [h.customer.shortID, Render.truncate(h.customer.displayName, 24), h.grade.label(zh: z), day(h.day), h.suggested.label(zh: z)]
                })
        if !a.gradeHints.isEmpty {
            print(z ? "（等级是否调整由您决定；调整须注明原因：customer grade 客户 等级 --reason …）"
                    : "(the grade is yours to change, with a reason: customer grade CUSTOMER GRADE --reason …)")
        }
    }

    static func json(_ a: Agenda, archive: CustomerArchive) -> [String: Any] {
        let follow = { (f: Agenda.FollowUp) -> [String: Any] in
            ["customer": f.customer.shortID, "name": f.customer.displayName, "date": DateParser.format(f.day), "nextStep": f.nextStep ?? ""]
        }
        return [
            "today": DateParser.format(a.today), "until": DateParser.format(a.until),
            "overdue": a.overdue.map(follow), "dueToday": a.dueToday.map(follow), "upcoming": a.upcoming.map(follow),
            "expected": a.expected.map { ["project": $0.project.shortID, "name": $0.project.displayName, "customer": $0.customer?.shortID ?? "",
                                          "kind": $0.isBid ? "bid" : "sign", "date": DateParser.format($0.day)] },
            "surveys": a.surveys.map { ["complaint": $0.shortID, "number": $0.displayName] },
            "dissatisfied": a.dissatisfied.map { ["complaint": $0.shortID, "number": $0.displayName] },
            "unrouted": a.unrouted.map { t -> [String: Any] in
                ["complaint": t.shortID, "number": t.displayName, "managerNotified": t["managerNotifiedAt"] != nil, "directorNotified": t["directorNotifiedAt"] != nil]
            },
            "silent": a.silent.map { s -> [String: Any] in
                ["customer": s.customer.shortID, "name": s.customer.displayName, "grade": s.grade, "days": s.days.map { $0 as Any } ?? NSNull()]
            },
            "gradeHints": a.gradeHints.map { ["customer": $0.customer.shortID, "grade": $0.grade.rawValue, "suggested": $0.suggested.rawValue,
                                              "date": DateParser.format($0.day)] },
        ]
    }

    /// The follow-ups as all-day events, one per customer: its UID is the archive's id and the
    /// customer's, so a calendar that imports the file again moves the event when the date moves.
    static func events(_ a: Agenda, archive: CustomerArchive) -> [Reminders.AllDayEvent] {
        let z = Render.zh
        let archiveID = archive.vault.prefix.archiveIDHex
        return (a.overdue + a.dueToday + a.upcoming).map { f in
            let name = f.customer.displayName
            let step = f.nextStep.map { z ? ":\($0)" : ": \($0)" } ?? ""
            return Reminders.AllDayEvent(
                uid: "\(archiveID)-followup-\(f.customer.shortID)@salesvault", day: Int64(f.day),
                summary: z ? "跟进 \(name)\(step)" : "Follow up \(name)\(step)",
                description: z ? "\(f.customer.shortID) \(name)，计划跟进日期 \(DateParser.format(f.day))" : "\(f.customer.shortID) \(name), follow-up planned for \(DateParser.format(f.day))")
        }
    }
}
