import Foundation

/// The password-rotation rule (DEPARTMENT.md §5).
public struct RotationPolicy: Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case ok, due, overdue, neverRotated = "never rotated" }

    public let periodic: Bool
    public let remindDays: Int
    public let overdueDays: Int

    public init(_ r: Registry.Rotation) {
        periodic = r.periodic
        remindDays = r.remindDays
        overdueDays = r.overdueDays
    }

    /// The regulation's default: a reminder from three months, overdue at six.
    public static let standard = RotationPolicy(.standard)

    public struct Evaluation: Sendable, Equatable {
        public let status: Status
        /// Whole days since the password was last set.
        public let ageDays: Int
        /// The dates (seconds) the reminder starts and the password becomes overdue (nil when
        /// rotation is not periodic).
        public let remindAt: Int64?
        public let overdueAt: Int64?
        /// True when this must fail a compliance check (DEPARTMENT.md §6).
        public var nonCompliant: Bool { status == .overdue || (status == .neverRotated && ageDays >= overdueLimit) }
        let overdueLimit: Int
    }

    public func evaluate(createdAt: Int64, passwordChangedAt: Int64, asOf: Int64) -> Evaluation {
        let age = Int(floor(Double(asOf - passwordChangedAt) / 86_400))
        guard periodic else { return Evaluation(status: .ok, ageDays: age, remindAt: nil, overdueAt: nil, overdueLimit: .max) }
        let remindAt = passwordChangedAt + Int64(remindDays) * 86_400
        let overdueAt = passwordChangedAt + Int64(overdueDays) * 86_400
        let status: Status
        if age < remindDays {
            status = .ok
        } else if passwordChangedAt == createdAt {
            status = .neverRotated
        } else {
            status = age >= overdueDays ? .overdue : .due
        }
        return Evaluation(status: status, ageDays: age, remindAt: remindAt, overdueAt: overdueAt, overdueLimit: overdueDays)
    }

    public var ruleText: (en: String, zh: String) {
        periodic
            ? ("change the password every \(remindDays)–\(overdueDays) days", "每 \(remindDays)–\(overdueDays) 天更换一次密码")
            : ("no periodic rotation (department policy)", "不要求定期更换(部门政策)")
    }
}
