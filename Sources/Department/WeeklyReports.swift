import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

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
        // Four digits, an optional hyphen, W and two digits, as ISO 8601 writes a week (2026-W-1
        // was read as W01 and 2026-W048 as W48: helper-113); the year 1–9999 and the week 1–53
        // before any arithmetic: the text may come from a file someone else wrote.
        let t = Array(text.trimmingCharacters(in: .whitespaces).uppercased().utf8)
        let digits = { (r: Range<Int>) in t[r].allSatisfy { (0x30...0x39).contains($0) } }
        let w = t.count == 8 && t[4] == UInt8(ascii: "-") ? 5 : t.count == 7 ? 4 : 0
        guard w > 0, t[w] == UInt8(ascii: "W"), digits(0..<4), digits((w + 1)..<t.count),
              let y = Int(String(decoding: t[0..<4], as: UTF8.self)), let n = Int(String(decoding: t[(w + 1)...], as: UTF8.self)),
              (1...9999).contains(y), (1...53).contains(n)
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

    static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int64 { Int64(DateParser.daysFromCivil(year: y, month: m, day: d)) }

    /// The civil date of a day; days beyond what a 32-bit day holds are clamped (years 1–9999 fit).
    static func civil(_ day: Int64) -> (Int, Int, Int) {
        let c = DateParser.civil(Int32(clamping: day))
        return (c.year, c.month, c.day)
    }
}

extension ISOWeek {
    /// A week as a person names it in a command, `today` being the department's day: the ISO
    /// form (2026-W48); 本周, 上周, 上上周, 下周 (this week, last week, next week); 第48周, 48周,
    /// W48 (that week of today's ISO year) and 2026年第48周; or any day in it, as a command takes
    /// a date (11月27日, 2026-11-27, 上周五, 昨天). Nil for anything else. `--week 2026-W48` was the
    /// only way, and a manager asking for last week's report had to work out its number.
    public init?(named text: String, today: Int64) {
        if let week = ISOWeek(parsing: text) {
            self = week
            return
        }
        let t = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.asciiForm })).lowercased().filter { !$0.isWhitespace }
        let current = ISOWeek(containing: today)
        let relative: [String: Int64] = [
            "本周": 0, "这周": 0, "这个星期": 0, "本星期": 0, "这星期": 0, "这个礼拜": 0, "这礼拜": 0, "thisweek": 0,
            "上周": -1, "上个星期": -1, "上星期": -1, "上个礼拜": -1, "上礼拜": -1, "上一周": -1, "前一周": -1, "上一个星期": -1,
            "lastweek": -1, "previousweek": -1,
            "上上周": -2, "上上个星期": -2, "上上星期": -2, "上上个礼拜": -2,
            "下周": 1, "下个星期": 1, "下星期": 1, "下个礼拜": 1, "下一周": 1, "nextweek": 1,
        ]
        if let shift = relative[t] {
            self = ISOWeek(containing: current.monday + shift * 7)
            return
        }
        // 第48周, 48周, W48, 2026年第48周, 2026年48周, 2026第48周.
        if let re = try? NSRegularExpression(pattern: "^(?:([0-9]{4})年{0,1})?(?:第([0-9]{1,2})周|([0-9]{1,2})周|w([0-9]{1,2}))$"),
           let m = re.firstMatch(in: t, range: NSRange(t.startIndex..., in: t)) {
            func group(_ i: Int) -> String? { Range(m.range(at: i), in: t).map { String(t[$0]) } }
            guard let n = (group(2) ?? group(3) ?? group(4)).flatMap({ Int($0) }) else { return nil }
            // Without a year, a number of the year's end in its first weeks is last year's (第52周
            // in the first week of January is the week just gone: helper-134); else this year's
            // (第49周 in W48 is a week not begun, and refused as such: helper-138).
            let year = group(1).flatMap { Int($0) } ?? (n > current.week && current.week <= 8 && n >= 44 ? current.year - 1 : current.year)
            guard
                  let week = ISOWeek(parsing: String(format: "%04d-W%02d", year, n)) else { return nil }
            self = week
            return
        }
        // A day in the week. (DateParser reads relative days in the machine's zone: it is given
        // the department's day at noon there, as `--as-of` is.)
        guard let day = try? DateParser.parse(text, now: DateParser.startOfDay(Int32(clamping: today)) + 43_200, yearless: .past) else { return nil }
        self = ISOWeek(containing: Int64(day))
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

    /// The contact intervals in force for the agenda and the weekly report's attention list:
    /// the policy's (DEPARTMENT.md §3.1 `policy.contactDaysA`, `contactDaysB`), or 7 and 14 days.
    public var contactIntervals: ContactIntervals {
        ContactIntervals(a: policy.contactDaysA ?? ContactIntervals.standard.a, b: policy.contactDaysB ?? ContactIntervals.standard.b)
    }

    /// The managers whose role receives the weekly report, in registry order.
    public var reportRecipients: [Manager] {
        let roles = Set(reportRoles.map(Self.foldRole))
        return managers.filter { roles.contains(Self.foldRole($0.role)) }
    }

    /// A manager as a reader sees them beside their role: 王总（总经理）, 王总 (general manager). The
    /// common roles written in English, as the registry's examples write them, are said in
    /// Chinese to a Chinese reader; any other role as written.
    public static func nameWithRole(_ m: Manager, zh: Bool) -> String { nameWithRole(m.name, role: m.role, zh: zh) }

    /// `name` beside `role` as `nameWithRole` says a manager (`dept add-manager`'s default role,
    /// manager, read 赵总（manager） to a Chinese reader: helper-179).
    public static func nameWithRole(_ name: String, role: String, zh: Bool) -> String {
        guard zh else { return "\(name) (\(role))" }
        let chinese = ["general manager": "总经理", "sales director": "销售总监", "department manager": "部门经理", "sales manager": "销售经理", "manager": "经理"]
        return "\(name)（\(chinese[foldRole(role)] ?? role)）"
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
    /// HMAC-SHA-256 (hex) of `macMessage` under the archive's report key (FORMAT.md §4.3): made by
    /// someone who held the archive's data key, checked by managers through escrow.
    public var mac: String?

    /// What the tag covers (REPORTS.md §4.1): every field but the tag, one per line.
    public var macMessage: [UInt8] {
        var lines = ["SalesVault weekly report v1", "owner=\(owner)", "archive=\(archiveID)", "week=\(week)", "version=\(version)",
                     "submitted=\(submittedAtUnix)"]
        lines += files.map { "file=\($0.name) \($0.sha256) \($0.bytes)" }
        lines += recipients.map { "recipient=\($0.fingerprint)" }
        return Array(lines.joined(separator: "\n").utf8)
    }

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

    /// Every field in the one form a writer produces (REPORTS.md §4): so that the tag's lines
    /// (§4.1) cannot be read two ways — no control characters anywhere, hashes and the tag as 64
    /// lower-case hex digits, the archive id as 32, three files named after the owner and the
    /// version, the ISO time matching the seconds.
    var isCanonical: Bool {
        func hex(_ s: String, _ n: Int) -> Bool { s.utf8.count == n && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } }
        func plain(_ s: String) -> Bool { !s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) } }
        let base = ReportFolder.base(owner, version: version)
        let names = files.map(\.name)
        return hex(archiveID, 32) && (mac.map { hex($0, 64) } ?? true) && submittedAt == Registry.timestamp(submittedAtUnix)
            && plain(owner) && files.count == 3 && Set(names).count == 3
            && files.allSatisfy { f in hex(f.sha256, 64) && f.bytes >= 0 && ReportSubmissionNames.suffixes.contains { f.name == base + $0 } }
            && recipients.count <= 64 && recipients.allSatisfy { plain($0.name) && plain($0.role) && plain($0.fingerprint) }
    }

    public static func decode(_ data: Data) throws -> ReportManifest {
        guard data.count <= maxBytes else { throw DepartmentError(.invalid, "report manifest larger than 64 KiB", zh: "提交清单文件超过 64 KiB") }
        do {
            let m = try JSONDecoder().decode(ReportManifest.self, from: data)
            guard m.format == currentFormat, (1..<10_000).contains(m.version), ISOWeek(parsing: m.week)?.description == m.week else {
                throw DepartmentError(.invalid, "report manifest of an unknown format", zh: "提交清单格式无法识别")
            }
            guard m.isCanonical else {
                throw DepartmentError(.invalid, "report manifest with malformed fields", zh: "提交清单中有格式不正确的字段")
            }
            return m
        } catch let e as DepartmentError {
            throw e
        } catch {
            throw DepartmentError(.invalid, "report manifest is not valid JSON", zh: "提交清单不是有效的 JSON")
        }
    }
}

/// The sealed files of one submission, in the order they are written (the manifest last).
public enum ReportSubmissionNames {
    public static let suffixes = [".xlsx.age", ".html.age", ".json.age"]
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

    /// A manifest file that could not be read as one: its name and why.
    public struct UnreadableManifest: Sendable {
        public let name: String
        public let en: String
        public let zh: String
        /// Whether it is a manifest file of `owner` (`<owner>.manifest.json`, `<owner>.vN.manifest.json`).
        public func isOf(_ owner: String) -> Bool { name.hasPrefix(ReportFolder.stem(owner) + ".") }
        /// Why a submission of its owner does not count, as the check and the view say it.
        public var problem: (en: String, zh: String) { ("unreadable manifest \(en)", "提交清单无法读取：\(zh)") }
    }

    /// Every manifest in the folder, read and checked (names the folder holds that are not
    /// manifests are ignored; unreadable manifests are returned as problems).
    public func manifests() -> (found: [ReportManifest], problems: [UnreadableManifest]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return ([], []) }
        var found: [ReportManifest] = []
        var problems: [UnreadableManifest] = []
        for name in names.sorted() where name.hasSuffix(".manifest.json") {
            let path = directory + "/" + name
            func problem(_ en: String, _ zh: String) { problems.append(UnreadableManifest(name: name, en: "\(name): \(en)", zh: "\(name)：\(zh)")) }
            do {
                var st = stat()
                guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { problem("not a regular file", "不是普通文件"); continue }
                guard st.st_size <= ReportManifest.maxBytes else { problem("larger than 64 KiB", "超过 64 KiB"); continue }
                // Opened without following links or blocking on a FIFO swapped in after the check.
                guard let data = SubmissionCheck.readRegular(path, limit: ReportManifest.maxBytes) else { problem("unreadable", "无法读取"); continue }
                found.append(try ReportManifest.decode(data))
            } catch let e as DepartmentError {
                problem(e.reason, e.reasonZH)
            } catch {
                problem("unreadable", "无法读取")
            }
        }
        return (found, problems)
    }
}

/// The checks a submission passes without any key (REPORTS.md §4.2): its manifest names the
/// archive registered for its owner, was made after its week began, and lists sealed files that
/// are there with the SHA-256 it gives. Managers add the tag check (escrow) and the summary's.
public enum SubmissionCheck {
    /// Why a submission does not count, in English and Chinese; nil when it passes.
    public static func problem(_ m: ReportManifest, folder: ReportFolder, archive: ArchiveInspection?, week: ISOWeek,
                               calendar: DepartmentCalendar) -> (en: String, zh: String)? {
        guard let archive else {
            return ("the registered archive of \(m.owner) cannot be read, so the report cannot be matched to it",
                    "无法读取 \(m.owner) 登记的档案，无法核对这份周报")
        }
        guard m.archiveID == archive.prefix.archiveIDHex else {
            return ("version \(m.version) was made from another archive than the one registered for \(m.owner)",
                    "第 \(m.version) 版不是由 \(m.owner) 登记的档案提交的")
        }
        guard m.submittedAtUnix >= calendar.start(of: week.monday) else {
            return ("version \(m.version) says it was submitted before the week began", "第 \(m.version) 版的提交时间早于该周开始")
        }
        for f in m.files {
            let path = folder.directory + "/" + f.name
            // The listed size is checked before anything is read (a manifest cannot make the
            // check read a gigabyte): one open file, its size from fstat.
            let changed = ("\(f.name) is not the file version \(m.version)'s manifest lists (changed after submission)",
                           "\(f.name) 与第 \(m.version) 版提交清单不符，提交后可能被改动过")
            let data: Data
            do throws(RegularFile.Refusal) {
                guard f.name == URL(fileURLWithPath: f.name).lastPathComponent, !f.name.hasPrefix("."),
                      f.name.hasPrefix(ReportFolder.base(m.owner, version: m.version) + ".")
                else { throw .missing }
                data = Data(try RegularFile.read(path, limit: min(f.bytes, maxSealedBytes)))
            } catch .tooLarge {
                // There, but longer than listed (it was called missing), or than a check reads.
                guard f.bytes <= maxSealedBytes else {
                    return ("\(f.name), listed in version \(m.version)'s manifest, is larger than the \(maxSealedBytes >> 20) MB a check reads",
                            "第 \(m.version) 版提交清单中的 \(f.name) 超过 \(maxSealedBytes >> 20) MB，超出核对时可读取的上限，无法核对")
                }
                return changed
            } catch {
                return ("\(f.name), listed in version \(m.version)'s manifest, is missing or not a regular file",
                        "第 \(m.version) 版提交清单中的 \(f.name) 缺失或不是普通文件")
            }
            guard data.count == f.bytes, (try? SHA256.hash(Array(data)).hexString) == f.sha256 else { return changed }
        }
        guard m.files.contains(where: { $0.name.hasSuffix(".json.age") }) else {
            return ("version \(m.version)'s manifest lists no summary", "第 \(m.version) 版提交清单中没有周报摘要文件")
        }
        return nil
    }

    /// The largest sealed file a check reads (a report of 100,000 customers is some 20 MB).
    public static let maxSealedBytes = 256 << 20

    /// The bytes of a regular file (never through a symbolic link, never more than `limit`).
    public static func readRegular(_ path: String, limit: Int) -> Data? {
        (try? RegularFile.read(path, limit: limit)).map { Data($0) }
    }

    /// When a salesperson was registered (nil when the registry's date cannot be read).
    public static func registered(_ person: Registry.Salesperson) -> Int64? {
        ISO8601DateFormatter().date(from: person.addedAt).map { Int64($0.timeIntervalSince1970) }
    }
}

/// For the compliance check: who handed in the weekly report of a week, on time or late, and
/// who did not (REPORTS.md §5), from the manifests and the sealed files' hashes (no key needed).
public struct WeeklyReportCheck: Codable, Equatable, Sendable {
    public struct Row: Codable, Equatable, Sendable {
        public var salesperson: String
        /// `submitted`, `late`, `missing` or `invalid` (manifests that fail SubmissionCheck).
        public var status: String
        public var submittedAt: String?
        public var versions: Int
        /// The date and time of `submittedAt` in the department's zone, for tables.
        public var submittedLocal: String?
        /// Why submissions did not count.
        public var problem: String?
        /// `problem` in Chinese, for the table (not in JSON).
        public var problemZH: String? = nil

        enum CodingKeys: String, CodingKey { case salesperson, status, submittedAt, versions, submittedLocal, problem }
    }

    public var week: String
    public var due: String
    /// `due` in the department's zone.
    public var dueLocal: String
    public var rows: [Row]
    public var submitted: Int
    public var late: Int
    public var missing: Int
    public var invalid: Int
    /// Salespeople registered after the week's due time: nothing was asked of them that week, and
    /// they are not counted (JSON.md §6.2; absent when there are none).
    public var notAsked: [String]? = nil

    /// The week checked by default: the last one whose due time has passed at `now`.
    public static func lastDueWeek(registry: Registry, now: Int64) -> ISOWeek {
        var week = registry.calendar.week(of: now)
        while registry.reportDue(week) > now { week = week.previous }
        return week
    }

    public static func run(directory: String, registry: Registry, week: ISOWeek) -> WeeklyReportCheck {
        let layout = Layout(directory)
        let folder = ReportFolder(layout: layout, week: week)
        let due = registry.reportDue(week)
        let listing = folder.manifests()
        let manifests = listing.found.filter { $0.week == week.description }
        var rows: [Row] = []
        var notAsked: [String] = []
        for person in registry.salespeople {
            // Registered after the report was due: nothing was asked of them that week (named,
            // as the department view names them: the check said nothing of them).
            if let since = SubmissionCheck.registered(person), since > due {
                notAsked.append(person.name)
                continue
            }
            let name = person.name.precomposedStringWithCanonicalMapping
            let archive = try? DepartmentScan.inspect(path: layout.root + "/" + person.archive)
            let mine = manifests.filter { $0.owner.precomposedStringWithCanonicalMapping == name }.sorted { $0.version < $1.version }
            // A manifest of theirs there but damaged: a submission that does not count (`invalid`,
            // REPORTS.md §5), not none (it was `missing`, with nothing said: helper-154).
            var problems: [(en: String, zh: String)] = listing.problems.filter { $0.isOf(person.name) }.map(\.problem)
            let valid = mine.filter { m in
                guard let p = SubmissionCheck.problem(m, folder: folder, archive: archive ?? nil, week: week, calendar: registry.calendar) else { return true }
                problems.append(p)
                return false
            }
            guard let first = valid.min(by: { $0.submittedAtUnix < $1.submittedAtUnix }) else {
                rows.append(Row(salesperson: person.name, status: mine.isEmpty && problems.isEmpty ? "missing" : "invalid", submittedAt: nil, versions: 0,
                                submittedLocal: nil, problem: problems.isEmpty ? nil : problems.map(\.en).joined(separator: "; "),
                                problemZH: problems.isEmpty ? nil : problems.map(\.zh).joined(separator: "；")))
                continue
            }
            rows.append(Row(salesperson: person.name, status: first.submittedAtUnix <= due ? "submitted" : "late",
                            submittedAt: first.submittedAt, versions: valid.count, submittedLocal: registry.calendar.localTime(first.submittedAtUnix),
                            problem: problems.isEmpty ? nil : problems.map(\.en).joined(separator: "; "),
                            problemZH: problems.isEmpty ? nil : problems.map(\.zh).joined(separator: "；")))
        }
        return WeeklyReportCheck(week: week.description, due: Registry.timestamp(due), dueLocal: registry.calendar.localTime(due), rows: rows,
                                 submitted: rows.filter { $0.status == "submitted" }.count,
                                 late: rows.filter { $0.status == "late" }.count,
                                 missing: rows.filter { $0.status == "missing" }.count,
                                 invalid: rows.filter { $0.status == "invalid" }.count,
                                 notAsked: notAsked.isEmpty ? nil : notAsked)
    }
}
