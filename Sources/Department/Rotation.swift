import Foundation

/// The password-rotation rule (DEPARTMENT.md §5), with the calendar its days are counted in.
public struct RotationPolicy: Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case ok, due, overdue, neverRotated = "never rotated" }

    public let periodic: Bool
    public let remindDays: Int
    public let overdueDays: Int
    /// Where days are counted: the department's time zone (DEPARTMENT.md §5 "Counting days").
    public let calendar: DepartmentCalendar

    public init(_ r: Registry.Rotation, calendar: DepartmentCalendar = .standard) {
        periodic = r.periodic
        remindDays = r.remindDays
        overdueDays = r.overdueDays
        self.calendar = calendar
    }

    /// The regulation's default: a reminder from three months, overdue at six, days in Shanghai.
    public static let standard = RotationPolicy(.standard)

    /// The date considered (DEPARTMENT.md §5).
    public enum AsOf: Sendable, Equatable {
        /// An instant, normally now: the date considered is its date in the department's zone.
        case instant(Int64)
        /// A calendar date (days since 1970-01-01), as `--as-of DATE` gives it: taken as written.
        case date(Int64)
    }

    /// The date considered, as a day.
    public func day(_ asOf: AsOf) -> Int64 {
        switch asOf {
        case .instant(let t): return calendar.day(of: t)
        case .date(let day): return day
        }
    }

    public struct Evaluation: Sendable, Equatable {
        public let status: Status
        /// `age`: the date considered minus `D(passwordChangedAt)`, in days (negative when the
        /// date considered is before the change).
        public let ageDays: Int
        /// `D(passwordChangedAt)`, the day the password was last set.
        public let changedDay: Int64
        /// The reminder date `D(passwordChangedAt) + remindDays` and the overdue date
        /// `D(passwordChangedAt) + overdueDays` (nil when rotation is not periodic).
        public let remindDay: Int64?
        public let overdueDay: Int64?
        /// `overdueDays − age`: days left before the password is overdue; 0 or less from the
        /// overdue date on (nil when rotation is not periodic).
        public var daysLeft: Int? { overdueDay.map { _ in overdueLimit - ageDays } }
        /// True when this must fail a compliance check (DEPARTMENT.md §6).
        public var nonCompliant: Bool { status == .overdue || (status == .neverRotated && ageDays >= overdueLimit) }
        let overdueLimit: Int
    }

    /// Evaluates the rule for an archive's header dates on the date considered; "now" is always
    /// given (STYLE 17), never read here.
    public func evaluate(createdAt: Int64, passwordChangedAt: Int64, asOf: AsOf) -> Evaluation {
        let changed = calendar.day(of: passwordChangedAt)
        let (difference, overflow) = day(asOf).subtractingReportingOverflow(changed)
        let age = overflow ? (changed < 0 ? Int.max : Int.min) : Int(clamping: difference)
        guard periodic else {
            return Evaluation(status: .ok, ageDays: age, changedDay: changed, remindDay: nil, overdueDay: nil, overdueLimit: .max)
        }
        let status: Status
        if age < remindDays {
            status = .ok
        } else if passwordChangedAt == createdAt {
            status = .neverRotated
        } else {
            status = age >= overdueDays ? .overdue : .due
        }
        return Evaluation(status: status, ageDays: age, changedDay: changed, remindDay: changed + Int64(remindDays),
                          overdueDay: changed + Int64(overdueDays), overdueLimit: overdueDays)
    }

    /// The same for an instant (now).
    public func evaluate(createdAt: Int64, passwordChangedAt: Int64, asOf instant: Int64) -> Evaluation {
        evaluate(createdAt: createdAt, passwordChangedAt: passwordChangedAt, asOf: .instant(instant))
    }

    public var ruleText: (en: String, zh: String) {
        periodic
            ? ("change the password every \(remindDays)–\(overdueDays) days", "每 \(remindDays)–\(overdueDays) 天更换一次密码")
            : ("no periodic rotation (department policy)", "不要求定期更换(部门政策)")
    }
}
