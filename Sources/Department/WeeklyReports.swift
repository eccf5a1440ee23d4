import Foundation
import VaultCrypto

/// An ISO 8601 week (Monday to Sunday) of the department's calendar: `2026-W48` (REPORTS.md §2).
public struct ISOWeek: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let week: Int

    /// The week that holds `day` (days since 1970-01-01 in the department's zone).
    public init(containing day: Int64) {
        // 1970-01-01 was a Thursday: weekday 1 (Monday) … 7 (Sunday).
        let weekday = Int(((day + 3) % 7 + 7) % 7) + 1
        let thursday = day - Int64(weekday) + 4
        let (y, _, _) = Self.civil(thursday)
        year = y
        week = Int((thursday - Self.daysFromCivil(y, 1, 1)) / 7) + 1
    }

    /// `2026-W48`, `2026W48` or `2026-w48`; nil when it is not a week that exists.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased().replacingOccurrences(of: "-", with: "")
        guard t.count >= 6, let w = t.firstIndex(of: "W"), let y = Int(t[..<w]), let n = Int(t[t.index(after: w)...]),
              (1...9999).contains(y), n >= 1
        else { return nil }
        let candidate = ISOWeek(year: y, week: n)
        guard ISOWeek(containing: candidate.monday) == candidate else { return nil }  // W53 only in long years
        self = candidate
    }

    private init(year: Int, week: Int) {
        self.year = year
        self.week = week
    }

    /// The week's Monday (days since 1970-01-01).
    public var monday: Int64 {
        let jan4 = Self.daysFromCivil(year, 1, 4)
        let weekday = ((jan4 + 3) % 7 + 7) % 7  // 0 = Monday
        return jan4 - weekday + Int64(week - 1) * 7
    }

    /// Friday, the day the report is due (regulation 6.5(6)).
    public var friday: Int64 { monday + 4 }
    public var next: ISOWeek { ISOWeek(containing: monday + 7) }
    public var previous: ISOWeek { ISOWeek(containing: monday - 7) }

    public var description: String { String(format: "%04d-W%02d", year, week) }

    public static func < (a: ISOWeek, b: ISOWeek) -> Bool { (a.year, a.week) < (b.year, b.week) }

    static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int64 {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int64(era * 146_097 + doe - 719_468)
    }

    static func civil(_ day: Int64) -> (Int, Int, Int) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (Int(yoe + era * 400) + (m <= 2 ? 1 : 0), m, d)
    }
}

extension DepartmentCalendar {
    /// The instant this zone's day `day` begins (its local midnight).
    public func start(of day: Int64) -> Int64 {
        let utc = day * 86_400
        // The offset at the guess, then again at the corrected instant (a daylight-saving change).
        var t = utc - Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc))))
        t = utc - Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
        return t
    }

    /// `YYYY-MM-DD hh:mm` of an instant in this zone.
    public func localTime(_ instant: Int64) -> String {
        let d = day(of: instant)
        let seconds = Int((instant - start(of: d)) % 86_400)
        return Self.dateString(d) + String(format: " %02d:%02d", seconds / 3600, seconds / 60 % 60)
    }

    /// The week's bounds as instants: Monday 00:00 up to the next Monday 00:00.
    public func bounds(of week: ISOWeek) -> Range<Int64> { start(of: week.monday)..<start(of: week.monday + 7) }

    /// The week an instant falls in.
    public func week(of instant: Int64) -> ISOWeek { ISOWeek(containing: day(of: instant)) }
}

/// Who receives weekly reports and when they are due (REPORTS.md §3; regulation 6.5(6)).
extension Registry {
    /// The roles that receive reports when the policy names none: the general manager and the
    /// sales director, in English or Chinese.
    public static let defaultReportRoles = ["general manager", "总经理", "sales director", "销售总监"]
    /// Reports are due on Friday at this hour of the department's day unless the policy says.
    public static let defaultReportDueHour = 18

    public var reportRoles: [String] { policy.reportRoles ?? Self.defaultReportRoles }
    public var reportDueHour: Int { policy.reportDueHour ?? Self.defaultReportDueHour }

    /// The managers whose role receives the weekly report, in registry order.
    public var reportRecipients: [Manager] {
        let roles = Set(reportRoles.map(Self.foldRole))
        return managers.filter { roles.contains(Self.foldRole($0.role)) }
    }

    static func foldRole(_ role: String) -> String {
        role.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The instant a week's report is due: its Friday at `reportDueHour` in the department's zone.
    public func reportDue(_ week: ISOWeek) -> Int64 { calendar.start(of: week.friday) + Int64(reportDueHour) * 3_600 }
}

/// What `report submit` leaves beside the sealed files: who sent which files when, in the clear
/// so that the compliance check needs no key (REPORTS.md §4). Its claims are the sender's: the
/// department view checks them against the sealed report itself.
public struct ReportManifest: Codable, Equatable, Sendable {
    public struct File: Codable, Equatable, Sendable {
        public var name: String
        public var sha256: String
        public var bytes: Int
        public init(name: String, sha256: String, bytes: Int) {
            self.name = name
            self.sha256 = sha256
            self.bytes = bytes
        }
    }

    public struct Recipient: Codable, Equatable, Sendable {
        public var name: String
        public var role: String
        public var fingerprint: String
        public init(name: String, role: String, fingerprint: String) {
            self.name = name
            self.role = role
            self.fingerprint = fingerprint
        }
    }

    public static let currentFormat = 1
    public var format = ReportManifest.currentFormat
    public var owner: String
    public var archiveID: String
    public var week: String
    public var version: Int
    /// ISO 8601 UTC, and the same instant in seconds.
    public var submittedAt: String
    public var submittedAtUnix: Int64
    public var files: [File]
    public var recipients: [Recipient]

    public init(owner: String, archiveID: String, week: ISOWeek, version: Int, submittedAt: Int64, files: [File], recipients: [Recipient]) {
        self.owner = owner
        self.archiveID = archiveID
        self.week = week.description
        self.version = version
        self.submittedAt = Registry.timestamp(submittedAt)
        self.submittedAtUnix = submittedAt
        self.files = files
        self.recipients = recipients
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    public static let maxBytes = 64 << 10

    public static func decode(_ data: Data) throws -> ReportManifest {
        guard data.count <= maxBytes else { throw DepartmentError(.invalid, "report manifest larger than 64 KiB", zh: "提交清单文件超过 64 KiB") }
        do {
            let m = try JSONDecoder().decode(ReportManifest.self, from: data)
            guard m.format == currentFormat, m.version >= 1, ISOWeek(parsing: m.week) != nil else {
                throw DepartmentError(.invalid, "report manifest of an unknown format", zh: "提交清单格式无法识别")
            }
            return m
        } catch let e as DepartmentError {
            throw e
        } catch {
            throw DepartmentError(.invalid, "report manifest is not valid JSON", zh: "提交清单不是有效的 JSON")
        }
    }
}

/// Where the sealed weekly reports live: `<department>/reports/<week>/` (REPORTS.md §4).
public struct ReportFolder: Sendable {
    public let directory: String

    public init(layout: Layout, week: ISOWeek) {
        directory = layout.reports + "/" + week.description
    }

    /// A file-name stem for an owner: their name in NFC, without path separators or controls.
    public static func stem(_ owner: String) -> String {
        let cleaned = String(owner.precomposedStringWithCanonicalMapping.unicodeScalars.filter {
            $0.value >= 0x20 && $0.value != 0x7F && $0 != "/" && $0 != "\\" && !(0x80...0x9F).contains($0.value)
        }.map(Character.init))
        let trimmed = cleaned.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed.hasPrefix(".") ? "_" + trimmed : trimmed
    }

    /// `<owner>` for version 1, `<owner>.v2` for the next, and so on.
    public static func base(_ owner: String, version: Int) -> String { version == 1 ? stem(owner) : "\(stem(owner)).v\(version)" }

    public func manifestPath(_ owner: String, version: Int) -> String { directory + "/" + Self.base(owner, version: version) + ".manifest.json" }
    public func path(_ owner: String, version: Int, suffix: String) -> String { directory + "/" + Self.base(owner, version: version) + suffix }

    /// The versions an owner has submitted, in order (manifests that exist).
    public func versions(of owner: String) -> [Int] {
        var out: [Int] = []
        var v = 1
        while v < 10_000, FileManager.default.fileExists(atPath: manifestPath(owner, version: v)) {
            out.append(v)
            v += 1
        }
        return out
    }

    /// Every manifest in the folder, read and checked (names the folder holds that are not
    /// manifests are ignored; unreadable manifests are returned as problems).
    public func manifests() -> (found: [ReportManifest], problems: [String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return ([], []) }
        var found: [ReportManifest] = []
        var problems: [String] = []
        for name in names.sorted() where name.hasSuffix(".manifest.json") {
            let path = directory + "/" + name
            do {
                var st = stat()
                guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { problems.append("\(name): not a regular file"); continue }
                found.append(try ReportManifest.decode(try Data(contentsOf: URL(fileURLWithPath: path))))
            } catch let e as DepartmentError {
                problems.append("\(name): \(e.reason)")
            } catch {
                problems.append("\(name): unreadable")
            }
        }
        return (found, problems)
    }
}

/// For the compliance check: who handed in the weekly report of a week, on time or late, and
/// who did not (REPORTS.md §5), from the manifests alone (no key needed).
public struct WeeklyReportCheck: Codable, Equatable, Sendable {
    public struct Row: Codable, Equatable, Sendable {
        public var salesperson: String
        /// `submitted`, `late` or `missing`.
        public var status: String
        public var submittedAt: String?
        public var versions: Int
        /// The date and time of `submittedAt` in the department's zone, for tables.
        public var submittedLocal: String?
    }

    public var week: String
    public var due: String
    /// `due` in the department's zone.
    public var dueLocal: String
    public var rows: [Row]
    public var submitted: Int
    public var late: Int
    public var missing: Int

    /// The week checked by default: the last one whose due time has passed at `now`.
    public static func lastDueWeek(registry: Registry, now: Int64) -> ISOWeek {
        var week = registry.calendar.week(of: now)
        while registry.reportDue(week) > now { week = week.previous }
        return week
    }

    public static func run(directory: String, registry: Registry, week: ISOWeek) -> WeeklyReportCheck {
        let folder = ReportFolder(layout: Layout(directory), week: week)
        let due = registry.reportDue(week)
        let manifests = folder.manifests().found.filter { $0.week == week.description }
        var rows: [Row] = []
        for person in registry.salespeople {
            let mine = manifests.filter { $0.owner.precomposedStringWithCanonicalMapping == person.name.precomposedStringWithCanonicalMapping }
            guard let first = mine.min(by: { $0.submittedAtUnix < $1.submittedAtUnix }) else {
                rows.append(Row(salesperson: person.name, status: "missing", submittedAt: nil, versions: 0, submittedLocal: nil))
                continue
            }
            rows.append(Row(salesperson: person.name, status: first.submittedAtUnix <= due ? "submitted" : "late",
                            submittedAt: first.submittedAt, versions: mine.count, submittedLocal: registry.calendar.localTime(first.submittedAtUnix)))
        }
        return WeeklyReportCheck(week: week.description, due: Registry.timestamp(due), dueLocal: registry.calendar.localTime(due), rows: rows,
                                 submitted: rows.filter { $0.status == "submitted" }.count,
                                 late: rows.filter { $0.status == "late" }.count,
                                 missing: rows.filter { $0.status == "missing" }.count)
    }
}
