import Foundation
import SalesArchive

/// Calendar days in the department's time zone (DEPARTMENT.md §5 "Counting days"): every age and
/// date of the rotation rule and of the compliance check is counted here, never in the time zone
/// of the machine that runs the tool. A day is a number: days since 1970-01-01.
public struct DepartmentCalendar: Sendable, Equatable {
    /// The zone when the registry names none, or when there is no registry (DEPARTMENT.md §3.1).
    public static let defaultZoneName = "Asia/Shanghai"

    /// Asia/Shanghai: UTC+8 without daylight saving time (also if the system lacks the name).
    public static let standard = DepartmentCalendar(timeZone: TimeZone(identifier: defaultZoneName) ?? TimeZone(secondsFromGMT: 8 * 3_600)!)

    public let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// The zone named `name` (an IANA name such as `Asia/Shanghai`), or nil when it is not one this
    /// system knows. Abbreviations and custom offsets are refused although the system's time zone
    /// library accepts some ("CST" would be US Central time, not China's; "GMT+8").
    public init?(zoneName name: String) {
        // (A name of the form Area/City the system's zone data has is one, also when the list
        // of known names lacks it: Asia/Kolkata, the current name of Asia/Calcutta, was refused:
        // helper-197.)
        guard TimeZone.knownTimeZoneIdentifiers.contains(name) || name == "UTC" || name.hasPrefix("Etc/")
                || (name.contains("/") && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "/_-+0123456789".unicodeScalars.contains($0)) }),
              let zone = TimeZone(identifier: name)
        else { return nil }
        timeZone = zone
    }

    /// `D(t)`: the calendar date of the instant `t` (seconds since 1970) in this zone.
    public func day(of instant: Int64) -> Int64 {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
        // Header times are not authenticated without the key: never trap on an absurd one.
        let (local, overflow) = instant.addingReportingOverflow(offset)
        let t = overflow ? (offset > 0 ? Int64.max : Int64.min) : local
        return t >= 0 ? t / 86_400 : -((-(t + 1)) / 86_400) - 1
    }

    /// What to say when `machine` (this machine's zone) is not this calendar's zone at `instant`:
    /// times typed here (`--at`, times in imported files) are read in the machine's zone, while
    /// the weekly report counts and shows them in the department's, so a machine left in UTC
    /// moved every time of the report by 8 hours (helper-123). Nil when the two agree.
    public func machineZoneNote(at instant: Int64, machine: TimeZone = .current) -> (en: String, zh: String)? {
        let date = Date(timeIntervalSince1970: TimeInterval(instant))
        let apart = timeZone.secondsFromGMT(for: date) - machine.secondsFromGMT(for: date)
        guard apart != 0 else { return nil }
        let h = abs(apart) / 3_600, m = abs(apart) % 3_600 / 60
        let hours = m == 0 ? "\(h) hours" : "\(h) hours \(m) minutes", hoursZH = m == 0 ? "\(h) 小时" : "\(h) 小时 \(m) 分"
        let name = timeZone.identifier, shown = name == Self.defaultZoneName ? "北京时间" : name
        let here = MachineZone.shownName(machine.identifier)
        return ("this machine's time zone (\(here)) is \(hours) \(apart > 0 ? "behind" : "ahead of") the department's (\(name)): times typed here (--at, times in imported files) are read in this machine's zone, while the weekly report counts and shows them in \(name). If this machine's zone is wrong, set it (export TZ=\(name)) and check the times recorded",
                "本机时区（\(here)）比部门时区（\(shown)）\(apart > 0 ? "慢" : "快") \(hoursZH)：在本机录入的时间（--at、导入文件中的时间）按本机时区理解，周报则按\(shown)统计和显示。如本机时区设置有误，请改为 \(name)（export TZ=\(name)），并核对所录时间")
    }

    /// `YYYY-MM-DD` of `D(t)`.
    public func dateString(of instant: Int64) -> String {
        Self.dateString(day(of: instant))
    }

    /// `YYYY-MM-DD HH:MM` of the instant in this zone (listings a manager reads, `dept audit`).
    public func dateTimeString(of instant: Int64) -> String {
        let d = day(of: instant)
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
        let (local, overflow) = instant.addingReportingOverflow(offset)
        guard !overflow else { return Self.dateString(d) }
        let second = local - d * 86_400
        return Self.dateString(d) + String(format: " %02d:%02d", Int(second / 3_600), Int(second % 3_600 / 60))
    }

    /// What the zone is called in a heading: 北京时间 for Asia/Shanghai, else its name.
    public var shownName: (en: String, zh: String) {
        let name = timeZone.identifier
        return (name, name == Self.defaultZoneName ? "北京时间" : name)
    }

    /// `YYYY-MM-DD` of a day, or with `compact` `YYYYMMDD` (iCalendar dates).
    public static func dateString(_ day: Int64, compact: Bool = false) -> String {
        let (seconds, overflow) = day.multipliedReportingOverflow(by: 86_400)
        var tm = tm()
        var time = time_t(overflow ? (day > 0 ? Int64.max : Int64.min) : seconds)
        gmtime_r(&time, &tm)
        return String(format: compact ? "%04d%02d%02d" : "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday)
    }

    /// The instant `00:00:00Z` of a day (`asOf` of JSON.md §6.2 for a date given with `--as-of`).
    public static func utcMidnight(_ day: Int64) -> Int64 {
        let (seconds, overflow) = day.multipliedReportingOverflow(by: 86_400)
        return overflow ? (day > 0 ? Int64.max : Int64.min) : seconds
    }
}
