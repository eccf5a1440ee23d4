import Foundation
import VaultFormat

/// How long the session agent may keep an archive unlocked (AGENT.md §6), and a manager's kept
/// escrow access (AGENT.md §10): the department's policy (DEPARTMENT.md §3.1,
/// `policy.unlockIdleMinutes`, `policy.unlockMaxMinutes`) or the defaults. A limit the policy
/// sets is both the default of `unlock` and the longest it may ask for; without it, 8 hours (at
/// most 24) and 15 minutes idle (at most the absolute limit). All times in seconds.
public struct SessionLimits: Equatable, Sendable {
    public static let defaultIdle: Int64 = 15 * 60
    public static let defaultAbsolute: Int64 = 8 * 3_600
    /// However the department sets it.
    public static let maxAbsolute: Int64 = 24 * 3_600
    public static let minimum: Int64 = 60
    /// Kept escrow access: 10 minutes unless asked, at most the idle limit and never over an hour.
    public static let defaultEscrowKeep: Int64 = 10 * 60
    public static let maxEscrowKeep: Int64 = 3_600

    /// The default idle and absolute limits of an unlock.
    public let idle: Int64
    public let absolute: Int64
    /// True when the department's policy sets the idle limit: then it is also the longest allowed
    /// (otherwise the idle limit may be up to the absolute one).
    public let idleFromDepartment: Bool
    /// True when the policy sets the absolute limit: then it is also the longest allowed
    /// (otherwise 24 hours).
    public let absoluteFromDepartment: Bool

    public static let standard = SessionLimits(idle: defaultIdle, absolute: defaultAbsolute, idleFromDepartment: false, absoluteFromDepartment: false)

    public init(idle: Int64, absolute: Int64, idleFromDepartment: Bool, absoluteFromDepartment: Bool) {
        self.idle = idle
        self.absolute = absolute
        self.idleFromDepartment = idleFromDepartment
        self.absoluteFromDepartment = absoluteFromDepartment
    }

    /// The limits of a registry's policy (the defaults for fields left out).
    public init(policy: Registry.Policy) {
        let absolute = policy.unlockMaxMinutes.map { Int64($0) * 60 } ?? Self.defaultAbsolute
        let idle = policy.unlockIdleMinutes.map { Int64($0) * 60 } ?? min(Self.defaultIdle, absolute)
        self.init(idle: idle, absolute: absolute, idleFromDepartment: policy.unlockIdleMinutes != nil, absoluteFromDepartment: policy.unlockMaxMinutes != nil)
    }

    /// The longest `unlock --for` allowed.
    public var absoluteCeiling: Int64 { absoluteFromDepartment ? absolute : Self.maxAbsolute }

    /// The limits for the archive at `path`: its department's verified registry, else (outside a
    /// department, or a registry that cannot be trusted, which the unlock review reports) the
    /// defaults. A refused registry never lifts a limit above the defaults.
    public static func forArchive(_ path: String, header: ArchiveHeader, departmentOverride: String? = nil) -> SessionLimits {
        guard let registry = try? ArchiveDepartment.registry(forArchive: path, header: header, override: departmentOverride) else { return .standard }
        return SessionLimits(policy: registry.policy)
    }

    /// DEPARTMENT.md §3.1: 1 ≤ idle ≤ absolute ≤ 1,440 minutes.
    static func validate(_ policy: Registry.Policy) throws {
        let maxMinutes = policy.unlockMaxMinutes ?? Int(defaultAbsolute / 60)
        guard (1...Int(maxAbsolute / 60)).contains(maxMinutes) else {
            throw DepartmentError(.invalid, "the unlock limit must be 1 minute to 24 hours (got \(maxMinutes) minutes)",
                                  zh: "解锁时长上限须在 1 分钟到 24 小时之间（填写的是 \(maxMinutes) 分钟）")
        }
        if let idle = policy.unlockIdleMinutes, !(1...maxMinutes).contains(idle) {
            throw DepartmentError(.invalid, "the idle limit must be 1 minute up to the unlock limit of \(maxMinutes) minutes (got \(idle) minutes)",
                                  zh: "闲置锁定时间须在 1 分钟到解锁时长上限 \(maxMinutes) 分钟之间（填写的是 \(idle) 分钟）")
        }
    }

    /// The limits of one `unlock`: what the salesperson asked (nil: the default), never longer
    /// than allowed. The idle limit is at most the absolute one.
    public func resolve(absolute asked: Int64?, idle askedIdle: Int64?) throws -> (absolute: Int64, idle: Int64) {
        let whose = { (department: Bool) in department ? ("the department allows", "部门规定") : ("SalesVault allows", "SalesVault 规定") }
        let absolute = asked ?? self.absolute
        guard absolute >= Self.minimum else {
            throw DepartmentError(.invalid, "an unlock lasts at least 1 minute", zh: "解锁时长至少为 1 分钟")
        }
        guard absolute <= absoluteCeiling else {
            let (en, zh) = whose(absoluteFromDepartment)
            throw DepartmentError(.invalid, "\(en) unlocking for at most \(Self.text(absoluteCeiling).en); \(Self.text(absolute).en) was asked. Choose a shorter --for",
                                  zh: "\(zh)解锁时长最多 \(Self.text(absoluteCeiling).zh)，您设定的是 \(Self.text(absolute).zh)。请用 --for 指定更短的时长")
        }
        let idle = askedIdle ?? min(self.idle, absolute)
        guard idle >= Self.minimum else {
            throw DepartmentError(.invalid, "the idle limit is at least 1 minute", zh: "闲置锁定时间至少为 1 分钟")
        }
        guard !idleFromDepartment || idle <= self.idle else {
            let (en, zh) = whose(true)
            throw DepartmentError(.invalid, "\(en) at most \(Self.text(self.idle).en) without use before locking; \(Self.text(idle).en) was asked. Choose a shorter --idle",
                                  zh: "\(zh)闲置超过 \(Self.text(self.idle).zh)必须自动锁定，您设定的是 \(Self.text(idle).zh)。请用 --idle 指定更短的时间")
        }
        guard idle <= absolute else {
            throw DepartmentError(.invalid, "the idle limit (\(Self.text(idle).en)) cannot be longer than the unlock (\(Self.text(absolute).en))",
                                  zh: "闲置锁定时间（\(Self.text(idle).zh)）不能超过解锁时长（\(Self.text(absolute).zh)）")
        }
        return (absolute, idle)
    }

    /// The longest a manager's escrow access may be kept: the idle limit, and never over an hour.
    public var escrowKeepCeiling: Int64 { min(idle, Self.maxEscrowKeep) }

    /// How long to keep a manager's escrow access: asked (nil: 10 minutes, or the ceiling when
    /// that is shorter), never longer than `escrowKeepCeiling`.
    public func resolveEscrowKeep(_ asked: Int64?) throws -> Int64 {
        let keep = asked ?? min(Self.defaultEscrowKeep, escrowKeepCeiling)
        guard keep >= Self.minimum else {
            throw DepartmentError(.invalid, "escrow access is kept at least 1 minute", zh: "托管访问的保留时间至少为 1 分钟")
        }
        guard keep <= escrowKeepCeiling else {
            throw DepartmentError(.invalid, "escrow access may be kept at most \(Self.text(escrowKeepCeiling).en) (the department's idle limit, and never over an hour); \(Self.text(keep).en) was asked",
                                  zh: "托管访问最多只能保留 \(Self.text(escrowKeepCeiling).zh)（以部门规定的闲置锁定时间为限，且不超过 1 小时），您设定的是 \(Self.text(keep).zh)")
        }
        return keep
    }

    /// A duration for people: `1 h 30 min`, `5 min`, `90 s`; `1 小时 30 分钟`.
    public static func text(_ seconds: Int64) -> (en: String, zh: String) {
        let h = seconds / 3_600, m = (seconds % 3_600) / 60, s = seconds % 60
        var en: [String] = [], zh: [String] = []
        if h > 0 { en.append("\(h) h"); zh.append("\(h) 小时") }
        if m > 0 { en.append("\(m) min"); zh.append("\(m) 分钟") }
        if s > 0 || (h == 0 && m == 0) { en.append("\(s) s"); zh.append("\(s) 秒") }
        return (en.joined(separator: " "), zh.joined(separator: " "))
    }
}
