import Department
import Foundation
import SalesArchive

/// A salesperson's weekly report (周报, REPORTS.md §1): the week's work from the archive's
/// history, in the sections of data-model.md (d), and the archive itself as an appendix with the
/// week's additions and changes marked. Codes (grades, stages, activity types) are kept as codes
/// and shown in the reader's language by the renderers; the JSON form (without the appendix) is
/// what the department view reads from a sealed report.
public struct WeeklyReport: Codable, Sendable {
    public static let currentFormat = 1

    public struct Counts: Codable, Equatable, Sendable {
        public var newCustomers = 0
        public var newContacts = 0
        public var activities = 0
        /// Contact-log entries by type code (call, visit…).
        public var activitiesByType: [String: Int] = [:]
        public var customersTouched = 0
        /// A and B customers touched, and A and B customers owned at the end of the period.
        public var abTouched = 0
        public var abOwned = 0
        public var gradeUp = 0
        public var gradeDown = 0
        public var newProjects = 0
        public var stageForward = 0
        public var stageBack = 0
        public var won = 0
        public var lost = 0
        /// Won amounts by currency, in minor units.
        public var wonAmount: [String: Int64] = [:]
        public var complaintsOpened = 0
        public var complaintsClosed = 0
        /// Open projects by stage code at the end of the period: count and value (amount, else
        /// budget) by currency in minor units.
        public var pipeline: [String: StageValue] = [:]
    }

    /// Figures a real week can have: counts 0…10⁹, amounts within ±10¹⁷ minor units. A summary
    /// outside them is refused as damaged (the department view adds figures from many reports).
    static let maxCount = 1_000_000_000
    static let maxAmount: Int64 = 100_000_000_000_000_000

    public struct StageValue: Codable, Equatable, Sendable {
        public var projects = 0
        public var value: [String: Int64] = [:]
    }

    public struct GradeChange: Codable, Equatable, Sendable {
        public var customer: String
        public var customerID: String
        public var from: String
        public var to: String
        public var at: Int64
        public var reason: String
        public var result: String?
        public var problem: String?
        /// The nearest expected bidding or signing day of the customer's open projects.
        public var expectedDay: Int32?
        public var up: Bool
        /// The batch of the change (what a result given later names; not in the summary).
        public var batch: UInt64? = nil

        enum CodingKeys: String, CodingKey { case customer, customerID, from, to, at, reason, result, problem, expectedDay, up }

        /// Equal as the summary carries them (the batch aside).
        public static func == (a: GradeChange, b: GradeChange) -> Bool {
            (a.customer, a.customerID, a.from, a.to, a.at, a.reason) == (b.customer, b.customerID, b.from, b.to, b.at, b.reason)
                && (a.result, a.problem, a.expectedDay, a.up) == (b.result, b.problem, b.expectedDay, b.up)
        }
    }

    public struct NewCustomer: Codable, Equatable, Sendable {
        public var customer: String
        public var customerID: String
        public var source: String?
        public var grade: String
        public var by: String
        public var firstActivity: Int64?
    }

    public struct Activity: Codable, Equatable, Sendable {
        public var at: Int64
        public var customer: String
        public var contacts: String
        public var type: String
        public var summary: String
        public var nextStep: String?
        public var nextDay: Int32?
    }

    public struct StageMove: Codable, Equatable, Sendable {
        public var project: String
        public var projectID: String
        public var customer: String
        public var from: String
        public var to: String
        /// won, advanced, regressed, slipped (expected date pushed out) or changed.
        public var bucket: String
        public var valueBefore: MoneyValue?
        public var valueAfter: MoneyValue?
        public var expectedBefore: Int32?
        public var expectedAfter: Int32?
        public var daysInStage: Int?
        public var reason: String?
    }

    public struct MoneyValue: Codable, Equatable, Sendable {
        public var minorUnits: Int64
        public var currency: String
        public var money: Money? { Money(minorUnits: minorUnits, currency: currency) }
    }

    public struct Attention: Codable, Equatable, Sendable {
        /// stale (an A/B customer not contacted), overdueFollowUp, pastExpected (a project past its
        /// expected date), upcoming (a bid or signing within 30 days).
        public var kind: String
        public var customer: String
        public var subject: String
        public var day: Int32?
        public var days: Int?
    }

    public struct Complaint: Codable, Equatable, Sendable {
        public var number: String
        public var customer: String
        public var status: String
        public var receivedAt: Int64?
        public var managerNotifiedAt: Int64?
        public var directorNotifiedAt: Int64?
        public var coordinator: String?
        public var satisfaction: String?
        public var newThisWeek: Bool
        /// Steps recorded this week for a day before it (补录), by field key (`resolvedAt`,
        /// `surveyedAt`, `withdrawnAt`, `managerNotifiedAt`, `directorNotifiedAt`) with their
        /// time; nil when none (helper-181 M3: a survey typed in late showed as this week's).
        public var enteredLate: [String: Int64]? = nil
    }

    /// A contact-log entry of an earlier week corrected or deleted this week (REPORTS.md §1.2
    /// item 5): its week's report shows it as it stood at that week's end, so the correction is
    /// said here (helper-194: it was said nowhere, and the manager kept the earlier figure).
    public struct LogCorrection: Codable, Equatable, Sendable {
        public var id: String
        /// The entry as it stood at this week's start: its time, customer, type and summary.
        public var at: Int64
        public var customer: String
        public var type: String
        public var summary: String
        public var removed: Bool
        /// Its new time, when the correction moved it.
        public var movedTo: Int64?
        /// The keys of the other fields the correction changed (`summary`, `nextDate`, …).
        public var fields: [String]
        public var reason: String?
        public var correctedAt: Int64
        /// Brought back (an undo of its removal); nil when not.
        public var restored: Bool? = nil
        /// The batch the correction undoes (`undo B5`); nil when it is no undo.
        public var undoOf: UInt64? = nil
        /// Removed with its customer (the customer's removal, whose reason `reason` is); nil when not.
        public var withCustomer: Bool? = nil
    }

    public struct Plan: Codable, Equatable, Sendable {
        public var day: Int32
        public var customer: String
        public var what: String
    }

    /// A customer as the department view compares them across reports (撞单).
    public struct CustomerKey: Codable, Equatable, Sendable {
        public var id: String
        public var name: String
        public var creditCode: String?
        public var grade: String
    }

    public var format = WeeklyReport.currentFormat
    public var owner: String
    public var archiveID: String
    public var week: String
    public var periodStart: Int64
    public var periodEnd: Int64
    public var timeZone: String
    public var generatedAt: Int64
    public var recipients: [String]
    public var thisWeek: Counts
    public var lastWeek: Counts
    public var gradeChanges: [GradeChange]
    public var newCustomers: [NewCustomer]
    public var activities: [Activity]
    public var stageMoves: [StageMove]
    public var attention: [Attention]
    public var complaints: [Complaint]
    public var nextWeek: [Plan]
    public var customers: [CustomerKey]
    /// Entries of earlier weeks corrected or deleted this week (nil in a report written before
    /// 2026-12-07, and when there are none).
    public var logCorrections: [LogCorrection]? = nil
    /// The archive with the week's marks (not in the JSON form).
    public var appendix: [AppendixTable] = []
    public var changes: [ChangeRow] = []

    enum CodingKeys: String, CodingKey {
        case format, owner, archiveID, week, periodStart, periodEnd, timeZone, generatedAt, recipients, thisWeek, lastWeek
        case gradeChanges, newCustomers, activities, stageMoves, attention, complaints, nextWeek, customers, logCorrections
    }

    /// Grade changes that still lack the result or the problems met (regulation 6.2(2)).
    public var incompleteGradeChanges: [GradeChange] { gradeChanges.filter { ($0.result ?? "").isEmpty || ($0.problem ?? "").isEmpty } }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static let maxJSONBytes = 64 << 20

    public static func decode(_ data: Data) throws -> WeeklyReport {
        guard data.count <= maxJSONBytes else { throw ReportError.damaged("the report's summary is larger than 64 MiB") }
        guard let r = try? JSONDecoder().decode(WeeklyReport.self, from: data) else { throw ReportError.damaged("the report's summary is not valid JSON") }
        guard r.format == currentFormat, ISOWeek(parsing: r.week) != nil else { throw ReportError.damaged("the report's summary has an unknown format") }
        guard r.thisWeek.isSane, r.lastWeek.isSane else { throw ReportError.damaged("the report's summary holds impossible figures") }
        return r
    }
}

/// One appendix sheet: a kind's records as they were at the end of the week, new rows and
/// changed cells marked (REPORTS.md §1.3).
extension WeeklyReport.Counts {
    var isSane: Bool {
        let counts = [newCustomers, newContacts, activities, customersTouched, abTouched, abOwned, gradeUp, gradeDown, newProjects,
                      stageForward, stageBack, won, lost, complaintsOpened, complaintsClosed] + Array(activitiesByType.values)
            + pipeline.values.map(\.projects)
        let amounts = Array(wonAmount.values) + pipeline.values.flatMap { $0.value.values }
        return counts.allSatisfy { (0...WeeklyReport.maxCount).contains($0) }
            && amounts.allSatisfy { (-WeeklyReport.maxAmount...WeeklyReport.maxAmount).contains($0) }
            && activitiesByType.count <= 64 && pipeline.count <= 16 && wonAmount.count <= 64
    }
}

public struct AppendixTable: Sendable {
    public enum Mark: String, Sendable { case none, new, changed }
    public struct Row: Sendable {
        public var id: String
        public var values: [Exporter.Value]
        public var mark: Mark
        /// Indices into `values` of the cells changed this week (for a `changed` row).
        public var changed: Set<Int>
    }

    public var kind: EntityKind
    public var headers: [String]
    public var rows: [Row]
}

/// One field change of the week (the change-list sheet: Salesforce's RecentFieldChange shape).
public struct ChangeRow: Sendable {
    public var at: Int64
    public var actor: String
    public var record: String
    public var kind: EntityKind
    public var field: String
    public var old: String
    public var new: String
    public var operation: ChangeEvent.Operation
}

/// Report failures with their Chinese and English words.
public enum ReportError {
    static func damaged(_ en: String) -> InterchangeError {
        InterchangeError(.report, en, zh: "周报内容已损坏或格式无法识别", hint: "ask the salesperson to submit the report again",
                         hintZH: "请让该销售人员重新提交周报")
    }
}

infix operator |+=: AssignmentPrecedence

/// Adds without overflowing: sums of amounts stop at the largest value instead of trapping or
/// wrapping (the department view adds figures from reports it does not control).
func |+= (a: inout Int64, b: Int64) {
    let (sum, overflow) = a.addingReportingOverflow(b)
    a = overflow ? (b > 0 ? .max : .min) : sum
}
