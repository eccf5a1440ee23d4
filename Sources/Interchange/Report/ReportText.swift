import Department
import Foundation
import SalesArchive

/// The words, dates and amounts of the reports, in the reader's language (REPORTS.md §1).
/// Dates and times are the department's (its time zone), never the machine's.
public enum ReportText {
    /// A text of a report's workbook with its invisible characters (zero-width, direction
    /// marks, controls) shown as their code, as on the terminal; line breaks kept.
    public static func visible(_ s: String) -> String { FieldFormat.terminalSafe(s, keepingNewlines: true) }

    /// The end of a text cut to fit an Excel cell in a report's workbook (XLSXSheet.cutMarker).
    public static func cutMarker(zh: Bool) -> String {
        zh ? "……（内容过长，Excel 单元格放不下，已截断；全文请在档案中查看）" : "… (cut: too long for an Excel cell; the whole text is in the archive)"
    }

    /// The fills of the marks (the same in HTML and XLSX): new rows green, changed cells amber.
    public static let newFill = "C6EFCE"
    public static let changedFill = "FFEB9C"
    /// Missing text the regulation asks for (a grade change's result or problems).
    public static let missingFill = "FFC7CE"

    /// `2026 年第 48 周` for `2026-W48` (the form written in Chinese documents).
    /// `1 day ago`, `3 days ago`.
    static func daysAgo(_ n: Int) -> String { n == 1 ? "1 day ago" : "\(n) days ago" }

    public static func weekZH(_ week: String) -> String {
        guard let w = ISOWeek(parsing: week) else { return week }
        return "\(w.year) 年第 \(w.week) 周"
    }

    /// The appendix's title, the same in HTML, Markdown and the workbook's legend.
    public static let appendixTitle = "十、附录：客户档案（本周新增、修改内容已标色）"

    public static func day(_ d: Int32?) -> String { d.map { DateParser.format($0) } ?? "" }

    /// A complaint's steps entered late (`WeeklyReport.Complaint.enteredLate`), after its status,
    /// each with its day, in the order of the steps: `（补录：11月9日受理，11月10日通报销售经理、销售总监，
    /// 11月13日回访）`; "" for none. A withdrawal is said as the status says it (撤诉 or 认定不成立).
    static func lateComplaintSteps(_ late: [String: Int64]?, status: String, zh: Bool, _ calendar: DepartmentCalendar) -> String {
        guard let late, !late.isEmpty else { return "" }
        let withdrawal = status == ComplaintStatus.unfounded.rawValue ? ("found unfounded", "认定不成立") : ("withdrawn", "撤诉")
        let steps: [(key: String, en: String, zh: String)] = [
            ("receivedAt", "received", "受理"), ("managerNotifiedAt", "sales manager told", "通报销售经理"), ("directorNotifiedAt", "sales director told", "通报销售总监"),
            ("resolvedAt", "resolved", "处理"), ("withdrawnAt", withdrawal.0, withdrawal.1), ("surveyedAt", "surveyed", "回访"),
        ]
        var said: [(day: String, en: String, zh: String)] = []
        for step in steps {
            guard let at = late[step.key] else { continue }
            let date = calendar.dateString(of: at)  // YYYY-MM-DD
            let parts = date.split(separator: "-").compactMap { Int($0) }
            let day = zh && parts.count == 3 ? "\(parts[1])月\(parts[2])日" : String(date.dropFirst(5))
            // (Both managers told the same day: one step, 通报销售经理、销售总监.)
            if step.key == "directorNotifiedAt", let last = said.last, last.day == day, last.zh == "通报销售经理" {
                said[said.count - 1] = (day, "sales manager and sales director told", "通报销售经理、销售总监")
                continue
            }
            said.append((day, step.en, step.zh))
        }
        return zh ? "（补录：" + said.map { $0.day + $0.zh }.joined(separator: "，") + "）"
            : " (entered late: " + said.map { $0.en + " " + $0.day }.joined(separator: ", ") + ")"
    }

    /// Sentences of a section's note, nil when there are none.
    static func joined(_ sentences: [String?], zh: Bool) -> String? {
        let said = sentences.compactMap { $0 }
        return said.isEmpty ? nil : said.joined(separator: zh ? "" : " ")
    }

    /// The contact-log entries of earlier weeks corrected, deleted or brought back this week, as
    /// one sentence under the week's log (`WeeklyReport.logCorrections`); nil when there are
    /// none. Entries removed with their customer in one change are said together (a customer's
    /// 400 entries filled the workbook's cell: helper-197), and at most `listed` are said one by one.
    static func logCorrections(_ corrections: [WeeklyReport.LogCorrection], zh: Bool, _ calendar: DepartmentCalendar, listed: Int = 40) -> String? {
        guard !corrections.isEmpty else { return nil }
        func quoted(_ s: String) -> String {
            let t = s.count > 30 ? String(s.prefix(30)) + "…" : s
            return t.isEmpty ? "" : (zh ? "，“\(t)”" : ": “\(t)”")
        }
        func because(_ c: WeeklyReport.LogCorrection) -> String {
            let reason = (c.reason ?? "").isEmpty ? "" : (zh ? "，原因为\(c.reason!)" : ", reason: \(c.reason!)")
            // (An undo that brings an entry back says it as the cause: 因撤销批次 B12 而恢复.)
            return reason + (c.restored == true ? "" : c.undoOf.map { zh ? "（撤销批次 B\($0)）" : " (undo of B\($0))" } ?? "")
        }
        // Removed with their customer in one change: one item per customer and change.
        struct Group: Hashable { let customer: String, at: Int64, restored: Bool }
        func key(of c: WeeklyReport.LogCorrection) -> Group { Group(customer: c.customer, at: c.correctedAt, restored: c.restored == true) }
        var groups: [Group: [WeeklyReport.LogCorrection]] = [:]
        for c in corrections where c.withCustomer == true { groups[key(of: c), default: []].append(c) }
        var items: [String] = []
        var said = Set<Group>()
        for c in corrections {
            if c.withCustomer == true, let members = groups[key(of: c)], members.count > 1 {
                // (In id order: an undo brings them back last first, L12、L11.)
                let group = members.sorted { (Int($0.id.dropFirst()) ?? 0, $0.id) < (Int($1.id.dropFirst()) ?? 0, $1.id) }
                guard said.insert(key(of: c)).inserted else { continue }
                // (A range only when the ids run on, L5～L11 as GB/T 15834 writes a range: L5…L11 hid that L6 was another customer's: helper-199.)
                let numbers = group.compactMap { Int($0.id.dropFirst()) }
                let runs = numbers.count == group.count && numbers.last! - numbers.first! + 1 == numbers.count
                let ids = group.count <= 3 ? group.map(\.id).joined(separator: zh ? "、" : ", ")
                    : runs ? "\(group.first!.id)\(zh ? "～" : "–")\(group.last!.id)" : group.prefix(3).map(\.id).joined(separator: zh ? "、" : ", ") + (zh ? " 等" : " …")
                let days = (group.map(\.at).min().map { date($0, calendar) } ?? "", group.map(\.at).max().map { date($0, calendar) } ?? "")
                let span = days.0 == days.1 ? days.0 : (zh ? "\(days.0) 至 \(days.1)" : "\(days.0) to \(days.1)")
                if c.restored == true {
                    items.append(zh ? "\(c.customer)的 \(group.count) 条跟进记录（\(ids)，\(span)）\(c.undoOf.map { "因撤销批次 B\($0) 而" } ?? "")随客户一并恢复"
                                 : "\(group.count) entries of \(c.customer) (\(ids), \(span)) brought back with the customer" + (c.undoOf.map { " (undo of B\($0))" } ?? ""))
                } else {
                    items.append(zh ? "\(c.customer)的 \(group.count) 条跟进记录（\(ids)，\(span)）随客户一并移除" + because(c)
                                 : "\(group.count) entries of \(c.customer) (\(ids), \(span)) deleted with the customer" + because(c))
                }
                continue
            }
            let entry = zh ? "\(c.id)（\(dateTime(c.at, calendar)) \(activityType(c.type, zh: true))，\(c.customer)\(quoted(c.summary))）"
                : "\(c.id) (\(dateTime(c.at, calendar)) \(activityType(c.type, zh: false)), \(c.customer)\(quoted(c.summary)))"
            var what: [String] = []
            if c.removed { what.append(zh ? (c.withCustomer == true ? "随客户一并移除" : "已删除") : (c.withCustomer == true ? "deleted with the customer" : "deleted")) }
            if c.restored == true {
                what.append(zh ? (c.undoOf.map { "因撤销批次 B\($0) 而恢复" } ?? "已恢复") : "brought back" + (c.undoOf.map { " (undo of B\($0))" } ?? ""))
            }
            if let to = c.movedTo { what.append(zh ? "的时间改为 \(dateTime(to, calendar))" : "moved to \(dateTime(to, calendar))") }
            let fields = c.fields.compactMap { Schema.field(.activity, key: $0) }.map { zh ? $0.zh : $0.en }
            if !fields.isEmpty { what.append(zh ? fields.joined(separator: "、") + (c.movedTo == nil ? "已修改" : "也已修改") : fields.joined(separator: ", ") + " changed") }
            // (L4（…）的时间改为 …; L4（…）的跟进内容已修改; L3（…）已删除: helper-196.)
            let joined = zh ? what.enumerated().map { $0 == 0 && c.movedTo == nil && !c.removed && c.restored != true ? "的" + $1 : $1 }.joined(separator: "，")
                : what.joined(separator: ", ")
            items.append(entry + (zh ? "" : " ") + joined + because(c))
        }
        let more = items.count - listed
        if more > 0 { items = Array(items.prefix(listed)) + [zh ? "另有 \(more) 项更正未逐条列出" : "\(more) more not listed one by one"] }
        return zh ? "本周更正了以往各周的跟进记录：" + items.joined(separator: "；") + "。以上更正不计入本周跟进次数；原记录所在周的周报仍按该周结束时的记录统计。"
            : "Entries of earlier weeks corrected this week: " + items.joined(separator: "; ") + ". They are not counted in this week's figures; their own week's report shows them as they stood at its end."
    }

    public static func date(_ instant: Int64?, _ calendar: DepartmentCalendar) -> String {
        instant.map { calendar.dateString(of: $0) } ?? ""
    }

    public static func dateTime(_ instant: Int64?, _ calendar: DepartmentCalendar) -> String {
        instant.map(calendar.localTime) ?? ""
    }

    public static func grade(_ code: String, zh: Bool) -> String {
        Grade(rawValue: code).map { $0 == .unrated ? $0.label(zh: zh) : $0.rawValue } ?? code
    }

    public static func stage(_ code: String, zh: Bool) -> String {
        code.isEmpty ? (zh ? "（新增）" : "(new)") : (VocabularyKind.stage.label(code, zh: zh) ?? code)
    }

    public static func activityType(_ code: String, zh: Bool) -> String { VocabularyKind.activityType.label(code, zh: zh) ?? code }
    public static func complaintStatus(_ code: String, zh: Bool) -> String { VocabularyKind.complaintStatus.label(code, zh: zh) ?? code }
    public static func satisfaction(_ code: String?, zh: Bool) -> String { code.flatMap { VocabularyKind.satisfaction.label($0, zh: zh) } ?? "" }

    public static func bucket(_ code: String, zh: Bool) -> String {
        let words: [String: (String, String)] = [
            "won": ("won", "赢单"), "lost": ("lost / abandoned", "丢单/放弃"), "new": ("new", "新增"), "advanced": ("advanced", "推进"),
            "regressed": ("went back", "回退"), "slipped": ("slipped", "延期"), "changed": ("changed", "信息变更"),
        ]
        return words[code].map { zh ? $0.1 : $0.0 } ?? code
    }

    public static func attention(_ a: WeeklyReport.Attention, zh: Bool) -> (what: String, detail: String) {
        switch a.kind {
        case "stale":
            let days = a.days.map { zh ? "已 \($0) 天未跟进" : "not contacted for \($0) days" } ?? (zh ? "无跟进记录" : "never contacted")
            return (zh ? "\(a.subject) 类客户超期未跟进" : "\(a.subject) customer not contacted", days)
        case "overdueFollowUp":
            return (zh ? "计划跟进已逾期" : "follow-up overdue",
                    (zh ? "原定 \(day(a.day))，已逾期 \(a.days ?? 0) 天" : "planned \(day(a.day)), \(daysAgo(a.days ?? 0))") + (a.subject.isEmpty ? "" : " · " + a.subject))
        case "unroutedComplaint":
            let parts = a.subject.components(separatedBy: " · ")
            let who = (parts.count > 1 ? parts[1] : "").split(separator: ",").map { $0 == "manager" ? (zh ? "销售经理" : "the sales manager") : (zh ? "销售总监" : "the sales director") }
            let since = a.day.map { zh ? "\(day($0)) 受理" : "received \(day($0))" } ?? ""
            return (zh ? "投诉尚未通报" : "complaint not yet passed on",
                    "\(parts[0]) · \(since)" + (zh ? "，尚未通报\(who.joined(separator: "、"))（已 \(a.days ?? 0) 天）" : ", not yet told to \(who.joined(separator: " and ")) (\(daysAgo(a.days ?? 0)))"))
        case "dissatisfiedComplaint":
            let since = a.day.map { zh ? "\(day($0)) 回访" : "surveyed \(day($0))" } ?? ""
            return (zh ? "客户对投诉处理不满意" : "customer not satisfied with a complaint's handling",
                    "\(a.subject) · \(since)" + (zh ? "，待重新处理（已 \(a.days ?? 0) 天）" : ", to be handled again (\(daysAgo(a.days ?? 0)))"))
        case "more":
            let what = ["stale": zh ? "A/B 类客户超期未跟进" : "A/B customers not contacted", "overdueFollowUp": zh ? "计划跟进已逾期" : "overdue follow-ups",
                        "unroutedComplaint": zh ? "投诉尚未通报" : "complaints not yet passed on",
                        "dissatisfiedComplaint": zh ? "客户对投诉处理不满意" : "complaints to handle again",
                        "pastExpected": zh ? "已过预计签约日期仍未签约" : "projects past their expected signing",
                        "upcoming": zh ? "即将投标或签约" : "bids and signings ahead"][a.subject] ?? a.subject
            return (zh ? "……另有 \(a.days ?? 0) 项" : "… \(a.days ?? 0) more", what)
        case "pastExpected":
            return (zh ? "已过预计签约日期仍未签约" : "project past its expected signing", "\(a.subject) · \(day(a.day))" + (zh ? "（已过 \(a.days ?? 0) 天）" : " (\(daysAgo(a.days ?? 0)))"))
        default:
            let what = a.subject.hasSuffix("bid") ? (zh ? "即将投标" : "bid expected") : (zh ? "即将签约" : "signing expected")
            let project = a.subject.components(separatedBy: " · ").first ?? a.subject
            return (what, "\(project) · \(day(a.day))" + (zh ? "（\(a.days ?? 0) 天后）" : " (in \(a.days ?? 0) days)"))
        }
    }

    /// Sums by currency, e.g. "300万元" or "CNY 1,200.00 + USD 5,000.00".
    public static func amounts(_ byCurrency: [String: Int64], zh: Bool) -> String {
        guard !byCurrency.isEmpty else { return zh ? "0元" : "0" }
        return byCurrency.keys.sorted { ($0 != Money.defaultCurrency ? 1 : 0, $0) < ($1 != Money.defaultCurrency ? 1 : 0, $1) }
            .compactMap { c in Money(minorUnits: byCurrency[c]!, currency: c)?.display(zh: zh) }.joined(separator: " + ")
    }

    public static func money(_ m: WeeklyReport.MoneyValue?, zh: Bool) -> String { m?.money?.display(zh: zh) ?? "" }

    /// An export value as text in the department's calendar.
    public static func value(_ v: Exporter.Value, _ calendar: DepartmentCalendar, zh: Bool) -> String {
        switch v {
        case .empty: return ""
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .money(let m): return m.display(zh: zh)
        case .day(let d): return DateParser.format(d)
        case .instant(let i): return dateTime(i, calendar)
        case .flag(let b): return b ? (zh ? "是" : "yes") : (zh ? "否" : "no")
        }
    }

    /// The stage codes in funnel order, open stages only.
    public static let openStages: [String] = SalesStage.allCases.filter { !$0.isClosed }.map(\.rawValue)

    /// The summary table: (label, this week, last week) in the report's order.
    public static func summaryRows(_ r: WeeklyReport, zh: Bool) -> [(String, String, String)] {
        let t = r.thisWeek
        let l = r.lastWeek
        func types(_ c: WeeklyReport.Counts) -> String {
            guard c.activities > 0 else { return "0" }
            let parts = c.activitiesByType.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\(activityType($0.key, zh: zh)) \($0.value)" }
            return "\(c.activities)" + (zh ? "（" : " (") + parts.joined(separator: zh ? "、" : ", ") + (zh ? "）" : ")")
        }
        func coverage(_ c: WeeklyReport.Counts) -> String { c.abOwned == 0 ? "-" : "\(c.abTouched)/\(c.abOwned)" }
        var rows: [(String, String, String)] = [
            (zh ? "新增客户" : "New customers", "\(t.newCustomers)", "\(l.newCustomers)"),
            (zh ? "新增联系人" : "New contacts", "\(t.newContacts)", "\(l.newContacts)"),
            (zh ? "跟进次数" : "Contact-log entries", types(t), types(l)),
            (zh ? "跟进客户数" : "Customers contacted", "\(t.customersTouched)", "\(l.customersTouched)"),
            (zh ? "A/B 类客户跟进覆盖（已跟进/总数）" : "A/B customers contacted / owned", coverage(t), coverage(l)),
            (zh ? "等级上调" : "Grades raised", "\(t.gradeUp)", "\(l.gradeUp)"),
            (zh ? "等级下调" : "Grades lowered", "\(t.gradeDown)", "\(l.gradeDown)"),
            (zh ? "新增项目" : "New projects", "\(t.newProjects)", "\(l.newProjects)"),
            (zh ? "项目阶段推进" : "Projects advanced", "\(t.stageForward)", "\(l.stageForward)"),
            (zh ? "项目阶段回退" : "Projects gone back", "\(t.stageBack)", "\(l.stageBack)"),
            // (Full-width brackets in Chinese: “1(1200万元)”: helper-179.)
            (zh ? "赢单" : "Won", "\(t.won)" + (t.won > 0 ? (zh ? "（\(amounts(t.wonAmount, zh: zh))）" : " (\(amounts(t.wonAmount, zh: zh)))") : ""),
             "\(l.won)" + (l.won > 0 ? (zh ? "（\(amounts(l.wonAmount, zh: zh))）" : " (\(amounts(l.wonAmount, zh: zh)))") : "")),
            (zh ? "丢单/放弃" : "Lost / abandoned", "\(t.lost)", "\(l.lost)"),
            (zh ? "新增投诉" : "Complaints received", "\(t.complaintsOpened)", "\(l.complaintsOpened)"),
            (zh ? "投诉已处理" : "Complaints resolved", "\(t.complaintsClosed)", "\(l.complaintsClosed)"),
        ]
        for stage in openStages {
            let a = t.pipeline[stage] ?? WeeklyReport.StageValue()
            let b = l.pipeline[stage] ?? WeeklyReport.StageValue()
            let label = (zh ? "在谈项目 · " : "Pipeline · ") + ReportText.stage(stage, zh: zh)
            func cell(_ v: WeeklyReport.StageValue) -> String { zh ? "\(v.projects) 个，\(amounts(v.value, zh: zh))" : "\(v.projects), \(amounts(v.value, zh: zh))" }
            rows.append((label, cell(a), cell(b)))
        }
        return rows
    }

    /// The report's title line.
    public static func title(_ r: WeeklyReport, zh: Bool) -> String {
        zh ? "\(r.owner)销售周报（\(weekZH(r.week))）" : "Weekly report of \(r.owner), \(r.week)"
    }

    public static func period(_ r: WeeklyReport, zh: Bool) -> String {
        let calendar = DepartmentCalendar(zoneName: r.timeZone) ?? .standard
        let from = calendar.dateString(of: r.periodStart)
        let to = calendar.dateString(of: r.periodEnd - 1)
        return zh ? "\(from) 至 \(to)（\(r.timeZone == "Asia/Shanghai" ? "北京时间" : r.timeZone)）" : "\(from) to \(to) (\(r.timeZone))"
    }

    public static func markWord(_ m: AppendixTable.Mark, zh: Bool) -> String {
        switch m {
        case .none: return ""
        case .new: return zh ? "新增" : "new"
        case .changed: return zh ? "修改" : "changed"
        }
    }

    public static func sheetName(_ kind: EntityKind, zh: Bool) -> String {
        switch kind {
        case .customer: return zh ? "客户档案" : "Customers"
        case .contact: return zh ? "联系人" : "Contacts"
        case .project: return zh ? "项目" : "Projects"
        default: return zh ? kind.zh : kind.en
        }
    }
}
