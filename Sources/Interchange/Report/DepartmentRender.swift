import Department
import Foundation
import SalesArchive

/// The department view as tables (terminal, HTML, XLSX): the same cells everywhere.
public enum DepartmentRender {
    public struct Tables: Sendable {
        public var title: String
        public var people: ReportSection
        public var funnel: ReportSection
        public var missing: ReportSection
        public var conflicts: ReportSection
        public var all: [ReportSection] { [people, funnel, missing, conflicts] }
    }

    public static func status(_ s: String, zh: Bool) -> String {
        let words = ["submitted": ("on time", "按时提交"), "late": ("late", "逾期提交"), "missing": ("missing", "未提交"),
                     "invalid": ("invalid", "校验未通过")]
        return words[s].map { zh ? $0.1 : $0.0 } ?? s
    }

    public static func tables(_ v: DepartmentView, zh: Bool) -> Tables {
        let calendar = DepartmentCalendar(zoneName: v.timeZone) ?? .standard
        typealias C = ReportSection.Cell
        let dueText = ReportText.dateTime(v.due, calendar)
        let title = zh ? "\(v.department)销售周报汇总（\(ReportText.weekZH(v.week.description))，提交截止：\(dueText)）" : "\(v.department): weekly reports \(v.week) (due \(dueText))"
        var rows: [[C]] = []
        for p in v.people {
            let fill: String? = p.status == "missing" || p.status == "invalid" ? ReportText.missingFill : p.status == "late" ? ReportText.changedFill : nil
            var cells = [C(p.name), C(status(p.status, zh: zh), fill: fill), C(ReportText.dateTime(p.submittedAt, calendar))]
            if let r = p.report {
                let t = r.thisWeek
                let open = ReportText.openStages.map { t.pipeline[$0] ?? WeeklyReport.StageValue() }
                var value: [String: Int64] = [:]
                for s in open { for (k, m) in s.value { value[k, default: 0] |+= m } }
                var notes: [String] = []
                if !r.incompleteGradeChanges.isEmpty {
                    notes.append(zh ? "\(r.incompleteGradeChanges.count) 项等级调整未写结果或存在的问题" : "\(r.incompleteGradeChanges.count) grade \(r.incompleteGradeChanges.count == 1 ? "change lacks" : "changes lack") result/problems")
                }
                if let v = p.version, v > 1 {
                    let when = p.revisedAt.map { ReportText.dateTime($0, calendar) }
                    notes.append(zh ? "第 \(v) 版" + (when.map { "（\($0) 修订，数据以此版为准）" } ?? "") : "version \(v)" + (when.map { " (revised \($0); its figures shown)" } ?? ""))
                }
                if let problem = zh ? p.problemZH : p.problem { notes.append(problem) }
                cells += [C("\(t.newCustomers)"), C("\(t.gradeUp)/\(t.gradeDown)"), C("\(t.activities)"),
                          C("\(open.reduce(0) { $0 + $1.projects })"), C(ReportText.amounts(value, zh: zh)), C("\(p.openComplaints)"),
                          C(notes.joined(separator: zh ? "；" : "; "), fill: notes.isEmpty ? nil : ReportText.missingFill)]
            } else {
                let why = (zh ? p.problemZH : p.problem) ?? ""
                cells += Array(repeating: C(""), count: 6) + [C(why, fill: why.isEmpty ? nil : ReportText.missingFill)]
            }
            rows.append(cells)
        }
        let t = v.totals
        let openReports = v.people.filter { $0.report != nil }.count
        var total: [String: Int64] = [:]
        var totalProjects = 0
        for s in ReportText.openStages {
            let x = t.pipeline[s] ?? WeeklyReport.StageValue()
            totalProjects += x.projects
            for (k, m) in x.value { total[k, default: 0] |+= m }
        }
        rows.append([C(zh ? "合计（\(openReports) 份周报）" : openReports == 1 ? "Total (1 report)" : "Total (\(openReports) reports)"), C(""), C(""), C("\(t.newCustomers)"), C("\(t.gradeUp)/\(t.gradeDown)"),
                     C("\(t.activities)"), C("\(totalProjects)"), C(ReportText.amounts(total, zh: zh)),
                     C("\(v.people.reduce(0) { $0 + $1.openComplaints })"), C("")])
        let people = ReportSection(
            title: zh ? "一、各销售人员周报情况" : "1. Salespeople this week",
            headers: zh ? ["销售人员", "提交情况", "提交时间", "新增客户", "等级上调/下调", "跟进次数", "在谈项目数", "在谈项目金额", "未结案投诉", "备注"]
                : ["Salesperson", "Report", "Submitted", "New customers", "Grades up/down", "Contacts logged", "Open projects", "Pipeline value", "Open complaints", "Note"],
            rows: rows, empty: zh ? "部门名册中没有销售人员。" : "The registry lists no salespeople.")

        let funnel = ReportSection(
            title: zh ? "二、部门销售漏斗" : "2. The department's funnel by stage",
            headers: zh ? ["阶段", "项目数", "金额"] : ["Stage", "Projects", "Value"],
            rows: ReportText.openStages.map { s in
                let x = t.pipeline[s] ?? WeeklyReport.StageValue()
                return [C(ReportText.stage(s, zh: zh)), C("\(x.projects)"), C(ReportText.amounts(x.value, zh: zh))]
            } + [[C(zh ? "本周赢单" : "Won this week"), C("\(t.won)"), C(ReportText.amounts(t.wonAmount, zh: zh))]],
            empty: "")

        let missingPeople = v.people.filter { $0.status == "missing" || $0.status == "invalid" }
        var notes: [String] = []
        if !v.notAsked.isEmpty {
            notes.append(zh ? "以下人员在本周周报截止之后才登记，本周不要求提交，也不计入统计：\(v.notAsked.joined(separator: "、"))。"
                            : "Registered after this week's report was due, so not asked this week and not counted: \(v.notAsked.joined(separator: ", ")).")
        }
        if !v.strangers.isEmpty {
            notes.append((zh ? "另有不在部门名册中的人员提交了周报：" : "Reports from people not in the registry: ") + v.strangers.joined(separator: zh ? "、" : ", ")
                         + (zh ? "。" : "."))
        }
        let missing = ReportSection(
            title: zh ? "三、未提交周报人员" : "3. Not submitted",
            headers: zh ? ["销售人员"] : ["Salesperson"],
            rows: missingPeople.map { [C($0.name + ($0.status == "invalid" ? (zh ? "（提交内容校验未通过）" : " (submission invalid)") : ""), fill: ReportText.missingFill)] },
            empty: v.people.isEmpty ? (zh ? "本周没有应提交周报的人员。" : "No one was due to submit this week.") : (zh ? "全员已提交。" : "Everyone has submitted."),
            note: notes.isEmpty ? nil : notes.joined(separator: zh ? "" : " "))

        let conflicts = ReportSection(
            title: zh ? "四、撞单提示（同一客户出现在多名销售人员的档案中）" : "4. Customers in more than one salesperson's archive",
            headers: zh ? ["判定依据", "销售人员", "客户名称", "等级", "统一社会信用代码"] : ["Matched by", "Salesperson", "Customer", "Grade", "Credit code"],
            rows: v.conflicts.flatMap { c in
                c.holders.enumerated().map { i, h in
                    [C(i == 0 ? (c.key.hasPrefix("code:") ? (zh ? "统一社会信用代码相同" : "same credit code") : (zh ? "客户名称相同" : "same name")) : ""),
                     C(h.salesperson), C(h.customer), C(ReportText.grade(h.grade, zh: zh)), C(h.creditCode ?? "")]
                }
            },
            empty: zh ? "未发现撞单。" : "No customer appears in more than one report.")
        return Tables(title: title, people: people, funnel: funnel, missing: missing, conflicts: conflicts)
    }

    public static func html(_ v: DepartmentView, zh: Bool) -> String {
        let t = tables(v, zh: zh)
        var out = "<!DOCTYPE html>\n<html lang=\"\(zh ? "zh-CN" : "en")\"><head><meta charset=\"utf-8\">"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        out += "<title>\(ReportRender.e(t.title))</title><style>"
        out += "body{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",sans-serif;margin:24px}table{border-collapse:collapse;font-size:13px}"
        out += "th,td{border:1px solid #999;padding:4px 8px;text-align:left}th{background:#D9E1F2}h2{font-size:17px;margin-top:24px}</style></head><body>\n"
        out += "<h1>\(ReportRender.e(t.title))</h1>\n"
        for s in t.all {
            out += "<h2>\(ReportRender.e(s.title))</h2>\n"
            if s.rows.isEmpty {
                out += "<p>\(ReportRender.e(s.empty))</p>\n"
            } else {
                out += "<table><tr>" + s.headers.map { "<th>\(ReportRender.e($0))</th>" }.joined() + "</tr>\n"
                for row in s.rows {
                    out += "<tr>" + row.map { c in (c.fill.map { "<td style=\"background:#\($0)\">" } ?? "<td>") + ReportRender.e(c.text) + "</td>" }.joined() + "</tr>\n"
                }
                out += "</table>\n"
            }
            if let note = s.note { out += "<p>\(ReportRender.e(note))</p>\n" }
        }
        return out + "</body></html>\n"
    }

    public static func workbook(_ v: DepartmentView, zh: Bool) -> XLSXWorkbook {
        let t = tables(v, zh: zh)
        let sheets = t.all.map { s in
            var sheet = XLSXSheet(name: String(s.title.drop { $0 != "、" && $0 != " " }.dropFirst().prefix(28)), columns: s.headers.map { XLSXColumn($0) },
                                  // (Counts as numbers, which Excel sums and sorts, as the weekly report's: all text before, helper-194.)
                                  rows: s.rows.map { $0.map { ReportRender.isCount($0.text) ? XLSXCell(.number(Double($0.text)!), fill: $0.fill)
                                                                 : XLSXCell.guardedText(ReportText.visible($0.text), fill: $0.fill) } })
            sheet.cutMarker = ReportText.cutMarker(zh: zh)
            return sheet
        }
        return XLSXWorkbook(sheets: sheets, title: t.title, creator: v.department)
    }
}
