import Foundation
import VaultFormat

/// The password-rotation rule (DEPARTMENT.md §5), with the calendar its days are counted in.
public struct RotationPolicy: Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case ok, due, overdue, neverRotated = "never rotated"
        /// Never changed by the owner and `age` ≥ `overdueDays` (DEPARTMENT.md §5).
        case overdueNeverChanged = "overdue (never changed)"
        /// `D(passwordChangedAt)` after the real day, or the change before the archive's creation.
        case futureDate = "future date", beforeCreation = "before creation"
    }

    /// A header date that cannot be true (DEPARTMENT.md §5 "Dates that cannot be true"):
    /// non-compliant whatever the rotation policy.
    public enum DateProblem: String, Codable, Sendable, Equatable {
        case passwordFuture = "password change: future date"
        case passwordBeforeCreation = "password change: before creation"
        case dekFuture = "data key rotation: future date"
        case dekBeforeCreation = "data key rotation: before creation"

        public var zh: String {
            switch self {
            case .passwordFuture: return "密码修改日期在未来"
            case .passwordBeforeCreation: return "密码修改日期早于档案创建"
            case .dekFuture: return "数据密钥更换日期在未来"
            case .dekBeforeCreation: return "数据密钥更换日期早于档案创建"
            }
        }
    }

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

        /// `daysLeft` said: 1 day (it said "1 days left"), overdue from today at 0 (it said
        /// "overdue by 0 days"): helper-201 8.
        public static func leftText(_ left: Int) -> (en: String, zh: String) {
            switch left {
            case 2...: return ("\(left) days left before the password is overdue", "距密码逾期还有 \(left) 天")
            case 1: return ("1 day left before the password is overdue", "距密码逾期还有 1 天")
            case 0: return ("the password is overdue from today", "密码今天到期，自今天起算作逾期")
            case -1: return ("the password is overdue by 1 day", "密码已逾期 1 天")
            default: return ("the password is overdue by \(-left) days", "密码已逾期 \(-left) 天")
            }
        }
        /// The owner never changed the password: `passwordChanges` = 0, or, for a header written
        /// before that field existed, `passwordChangedAt` = `createdAt` (the old rule).
        public var neverChanged: Bool = false
        /// False when the header has no `passwordChanges` field and the old rule decided.
        public var counted: Bool = true
        /// Dates that cannot be true (future, or before creation), password and data key.
        public var dateProblems: [DateProblem] = []
        /// True when this must fail a compliance check (DEPARTMENT.md §6).
        public var nonCompliant: Bool {
            [.overdue, .overdueNeverChanged, .futureDate, .beforeCreation].contains(status) || (status == .neverRotated && ageDays >= overdueLimit)
                || !dateProblems.isEmpty
        }
        let overdueLimit: Int
    }

    /// Evaluates the rule for a header (DEPARTMENT.md §5): never-changed from the
    /// `passwordChanges` counter when the header has it, dates that cannot be true flagged.
    /// `today` is the real day the check runs (by default the day considered), never `--as-of`.
    public func evaluate(_ h: ArchiveHeader, asOf: AsOf, today: Int64? = nil) -> Evaluation {
        evaluate(createdAt: h.createdAt, passwordChangedAt: h.passwordChangedAt, passwordChanges: h.passwordChanges, dekRotatedAt: h.dekRotatedAt,
                 asOf: asOf, today: today)
    }

    /// The same for an instant (now): the day considered and the real day are its day.
    public func evaluate(_ h: ArchiveHeader, now: Int64) -> Evaluation { evaluate(h, asOf: .instant(now)) }

    /// The dates of a header that cannot be true on the real day `today`.
    public func dateProblems(createdAt: Int64, passwordChangedAt: Int64, dekRotatedAt: Int64?, today: Int64) -> [DateProblem] {
        var problems: [DateProblem] = []
        if calendar.day(of: passwordChangedAt) > today { problems.append(.passwordFuture) }
        if passwordChangedAt < createdAt { problems.append(.passwordBeforeCreation) }
        if let dekRotatedAt {
            if calendar.day(of: dekRotatedAt) > today { problems.append(.dekFuture) }
            if dekRotatedAt < createdAt { problems.append(.dekBeforeCreation) }
        }
        return problems
    }

    public func evaluate(
        createdAt: Int64, passwordChangedAt: Int64, passwordChanges: UInt32?, dekRotatedAt: Int64?, asOf: AsOf, today: Int64? = nil
    ) -> Evaluation {
        let base = evaluate(createdAt: createdAt, passwordChangedAt: passwordChangedAt, asOf: asOf)
        let never = passwordChanges.map { $0 == 0 } ?? (passwordChangedAt == createdAt)
        let problems = dateProblems(createdAt: createdAt, passwordChangedAt: passwordChangedAt, dekRotatedAt: dekRotatedAt, today: today ?? day(asOf))
        var status = base.status
        if problems.contains(.passwordFuture) {
            status = .futureDate
        } else if problems.contains(.passwordBeforeCreation) {
            status = .beforeCreation
        } else if periodic, base.ageDays >= remindDays {
            if never {
                status = base.ageDays >= overdueDays ? .overdueNeverChanged : .neverRotated
            } else {
                status = base.ageDays >= overdueDays ? .overdue : .due
            }
        }
        var e = Evaluation(status: status, ageDays: base.ageDays, changedDay: base.changedDay, remindDay: base.remindDay, overdueDay: base.overdueDay,
                           overdueLimit: base.overdueLimit)
        e.neverChanged = never
        e.counted = passwordChanges != nil
        e.dateProblems = problems
        return e
    }

    /// Evaluates the rule for an archive's header dates on the date considered; "now" is always
    /// given (STYLE 17), never read here. The old rule only (no counter, no date checks): use
    /// `evaluate(_:asOf:today:)` for a header.
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
            : ("no periodic rotation (department policy)", "不要求定期更换（部门政策）")
    }
}
