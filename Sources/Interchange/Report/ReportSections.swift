import Department
import Foundation
import SalesArchive

/// The report's sections as tables, in the order of data-model.md (d), for every renderer: the
/// HTML page, the workbook's first sheet and the Markdown text show the same cells.
public struct ReportSection: Sendable {
    public struct Cell: Sendable, Equatable {
        public var text: String
        public var fill: String?
        public init(_ text: String, fill: String? = nil) {
            self.text = text
            self.fill = fill
        }
    }

    public var title: String
    public var headers: [String]
    public var rows: [[Cell]]
    /// Said when the table is empty ("本周无等级变动").
    public var empty: String
    public var note: String?

    public static func sections(_ r: WeeklyReport, zh: Bool) -> [ReportSection] {
        let calendar = DepartmentCalendar(zoneName: r.timeZone) ?? .standard
        func c(_ s: String) -> Cell { Cell(s) }
        var out: [ReportSection] = []

        out.append(ReportSection(
            title: zh ? "一、基本信息" : "1. Report", headers: [zh ? "栏目" : "Item", zh ? "内容" : "Value"],
            rows: [
                [c(zh ? "销售人员" : "Salesperson"), c(r.owner)],
                [c(zh ? "周次" : "Week"), c(zh ? ReportText.weekZH(r.week) : r.week)],
                [c(zh ? "统计周期" : "Period"), c(ReportText.period(r, zh: zh))],
                [c(zh ? "生成时间" : "Generated"), c(ReportText.dateTime(r.generatedAt, calendar))],
                [c(zh ? "接收人" : "Addressed to"), c(r.recipients.isEmpty ? (zh ? "总经理、销售总监" : "the general manager and the sales director") : r.recipients.joined(separator: zh ? "、" : ", "))],
            ], empty: ""))

        out.append(ReportSection(
            title: zh ? "二、本周工作概况（与上周对比）" : "2. This week against last week", headers: [zh ? "指标" : "Measure", zh ? "本周" : "This week", zh ? "上周" : "Last week"],
            rows: ReportText.summaryRows(r, zh: zh).map { [c($0.0), c($0.1), c($0.2)] }, empty: ""))

        let missing = zh ? "待补充" : "(missing)"
        out.append(ReportSection(
            title: zh ? "三、客户等级调整" : "3. Grade changes (regulation 6.2: result and problems required)",
            headers: zh ? ["客户", "调整情况", "日期", "调整原因", "调整结果", "存在的问题", "最近预计投标/签约日期"]
                : ["Customer", "Change", "Date", "Reason", "Result", "Problems met", "Next bid / signing"],
            rows: r.gradeChanges.map { g in
                let arrow = "\(ReportText.grade(g.from, zh: zh)) → \(ReportText.grade(g.to, zh: zh))" + (g.up ? (zh ? "（上调）" : " (up)") : (zh ? "（下调）" : " (down)"))
                return [c(g.customer), c(arrow), c(ReportText.date(g.at, calendar)), c(g.reason),
                        (g.result ?? "").isEmpty ? Cell(missing, fill: ReportText.missingFill) : c(g.result!),
                        (g.problem ?? "").isEmpty ? Cell(missing, fill: ReportText.missingFill) : c(g.problem!),
                        c(ReportText.day(g.expectedDay))]
            }, empty: zh ? "本周无客户等级调整。" : "No grade changes this week."))

        out.append(ReportSection(
            title: zh ? "四、本周新增客户" : "4. New customers",
            headers: zh ? ["客户名称", "客户来源", "等级", "录入人", "首次跟进日期"] : ["Customer", "Source", "Grade", "Added by", "First contact"],
            rows: r.newCustomers.map { [c($0.customer), c($0.source ?? ""), c(ReportText.grade($0.grade, zh: zh)), c($0.by), c(ReportText.date($0.firstActivity, calendar))] },
            empty: zh ? "本周无新增客户。" : "No new customers this week."))

        out.append(ReportSection(
            title: zh ? "五、本周跟进记录" : "5. Contact log",
            headers: zh ? ["时间", "客户", "联系人", "跟进方式", "跟进内容", "下一步计划", "下次跟进日期"] : ["When", "Customer", "With", "Type", "Summary", "Next step", "Next date"],
            rows: r.activities.map {
                // Recorded this week for a day before it (补录): said in the cell, so a late entry
                // is not read as this week's work.
                [c(ReportText.dateTime($0.at, calendar) + ($0.at < r.periodStart ? (zh ? "（补录）" : " (entered late)") : "")),
                 c($0.customer), c($0.contacts), c(ReportText.activityType($0.type, zh: zh)), c($0.summary),
                 c($0.nextStep ?? ""), c(ReportText.day($0.nextDay))]
            }, empty: zh ? "本周无跟进记录。" : "No contact-log entries this week.",
            note: ReportText.joined([r.activities.contains { $0.at < r.periodStart }
                    ? (zh ? "标“补录”的记录于本周录入，跟进发生在本周之前。" : "Entries marked “entered late” were recorded this week for a day before it.") : nil,
                   ReportText.logCorrections(r.logCorrections ?? [], zh: zh, calendar)], zh: zh)))

        out.append(ReportSection(
            title: zh ? "六、项目进展" : "6. Pipeline movement",
            headers: zh ? ["项目", "客户", "阶段变化", "变化类型", "金额", "预计签约日期", "本阶段停留天数", "变化原因"]
                : ["Project", "Customer", "Stage", "Bucket", "Value", "Expected date", "Days in stage", "Reason"],
            rows: r.stageMoves.map { m in
                let stage = m.from == m.to ? ReportText.stage(m.to, zh: zh) : "\(ReportText.stage(m.from, zh: zh)) → \(ReportText.stage(m.to, zh: zh))"
                // (A new project's "before" is what it was created with: unchanged, one value.)
                let value = m.valueBefore == m.valueAfter ? ReportText.money(m.valueAfter, zh: zh)
                    : "\(ReportText.money(m.valueBefore, zh: zh).isEmpty ? "-" : ReportText.money(m.valueBefore, zh: zh)) → \(ReportText.money(m.valueAfter, zh: zh).isEmpty ? "-" : ReportText.money(m.valueAfter, zh: zh))"
                let expected = m.expectedBefore == m.expectedAfter ? ReportText.day(m.expectedAfter)
                    : "\(m.expectedBefore.map { DateParser.format($0) } ?? "-") → \(m.expectedAfter.map { DateParser.format($0) } ?? "-")"
                return [c(m.project), c(m.customer), c(stage), c(ReportText.bucket(m.bucket, zh: zh)), c(value), c(expected),
                        c(m.daysInStage.map(String.init) ?? ""), c(m.reason ?? "")]
            }, empty: zh ? "本周无项目进展或变化。" : "No project moved this week."))

        out.append(ReportSection(
            title: zh ? "七、风险预警" : "7. Attention",
            headers: zh ? ["事项", "客户", "说明"] : ["What", "Customer", "Detail"],
            rows: r.attention.map { a in
                let t = ReportText.attention(a, zh: zh)
                return [c(t.what), c(a.customer), c(t.detail)]
            }, empty: zh ? "本周无预警事项。" : "Nothing needs attention."))

        out.append(ReportSection(
            title: zh ? "八、客户投诉及回访" : "8. Complaints and surveys",
            headers: zh ? ["投诉编号", "客户", "状态", "受理日期", "通报销售经理日期", "通报销售总监日期", "协调人", "回访满意度"]
                : ["Number", "Customer", "Status", "Received", "Manager told", "Director told", "Coordinator", "Satisfaction"],
            rows: r.complaints.map { t in
                // (One recorded this week but received before it is entered late, as a log entry
                // is: it was said 本周新增: helper-179.)
                [c(t.number + (t.newThisWeek ? ((t.receivedAt ?? .max) < r.periodStart ? (zh ? "（补录）" : " (entered late)") : (zh ? "（本周新增）" : " (new)")) : "")),
                 c(t.customer), c(ReportText.complaintStatus(t.status, zh: zh) + ReportText.lateComplaintSteps(t.enteredLate, status: t.status, zh: zh, calendar)),
                 c(ReportText.date(t.receivedAt, calendar)), c(ReportText.date(t.managerNotifiedAt, calendar)),
                 c(ReportText.date(t.directorNotifiedAt, calendar)), c(t.coordinator ?? ""), c(ReportText.satisfaction(t.satisfaction, zh: zh))]
            }, empty: zh ? "本周无新增或未结案的投诉。" : "No complaints.",
            // (A step typed in this week for a day before it showed as this week's: helper-181 M3.)
            note: r.complaints.contains { $0.enteredLate != nil || ($0.newThisWeek && ($0.receivedAt ?? .max) < r.periodStart) }
                ? (zh ? "标“补录”的投诉或处理步骤于本周录入，实际发生在本周之前。" : "Complaints or steps marked “entered late” were recorded this week for a day before it.") : nil))

        out.append(ReportSection(
            title: zh ? "九、下周工作计划" : "9. Next week's plan",
            headers: zh ? ["计划日期", "客户", "工作内容"] : ["Date", "Customer", "Plan"],
            rows: r.nextWeek.map { [c(ReportText.day($0.day)), c($0.customer), c($0.what)] },
            empty: zh ? "下周暂无跟进计划。" : "No follow-ups planned for next week yet."))
        return out
    }

    /// The legend of the appendix's colours (also said in words, for black-and-white printing).
    public static func legend(zh: Bool) -> [(fill: String, text: String)] {
        [(ReportText.newFill, zh ? "绿色整行：本周新增的记录（“本周变更”列显示“新增”）" : "Green row: added this week (“new” in the change column)"),
         (ReportText.changedFill, zh ? "黄色单元格：本周修改过的内容（“本周变更”列显示“修改”）" : "Amber cell: changed this week (“changed” in the change column)"),
         (ReportText.missingFill, zh ? "红色单元格：制度要求填写但尚未填写的内容" : "Red: required by the regulation but not filled in")]
    }

    public static func changeColumn(zh: Bool) -> String { zh ? "本周变更" : "This week" }
}
