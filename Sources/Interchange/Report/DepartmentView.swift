import Department
import Foundation
import SalesArchive
import VaultCrypto

/// The general manager's Friday screen (REPORTS.md §6): every sealed report of a week that the
/// manager's key opens, in one view: per salesperson, the department's totals and funnel, who has
/// not submitted, and customers that appear in more than one salesperson's report (撞单).
public struct DepartmentView: Sendable {
    public struct Person: Sendable {
        public var name: String
        /// submitted (on time), late, missing, or unreadable (a report the key does not open or
        /// that does not match its manifest).
        public var status: String
        public var submittedAt: Int64?
        public var version: Int?
        public var problem: String?
        public var problemZH: String?
        public var report: WeeklyReport?

        public var openComplaints: Int {
            report?.complaints.filter { !["resolved", "surveyed", "closed"].contains($0.status) }.count ?? 0
        }
    }

    /// A customer found in several reports: who has it, under which name and grade.
    public struct Conflict: Sendable {
        public var key: String
        public var holders: [(salesperson: String, customer: String, grade: String, creditCode: String?)]
    }

    public var department: String
    public var week: ISOWeek
    public var due: Int64
    public var timeZone: String
    public var people: [Person]
    public var conflicts: [Conflict]
    /// Reports in the folder from people who are not in the registry (shown, not counted).
    public var strangers: [String]

    public var totals: WeeklyReport.Counts {
        var t = WeeklyReport.Counts()
        for p in people {
            guard let c = p.report?.thisWeek else { continue }
            t.newCustomers += c.newCustomers
            t.newContacts += c.newContacts
            t.activities += c.activities
            for (k, v) in c.activitiesByType { t.activitiesByType[k, default: 0] += v }
            t.customersTouched += c.customersTouched
            t.abTouched += c.abTouched
            t.abOwned += c.abOwned
            t.gradeUp += c.gradeUp
            t.gradeDown += c.gradeDown
            t.newProjects += c.newProjects
            t.stageForward += c.stageForward
            t.stageBack += c.stageBack
            t.won += c.won
            t.lost += c.lost
            for (k, v) in c.wonAmount { t.wonAmount[k, default: 0] &+= v }
            t.complaintsOpened += c.complaintsOpened
            t.complaintsClosed += c.complaintsClosed
            for (stage, v) in c.pipeline {
                var s = t.pipeline[stage] ?? WeeklyReport.StageValue()
                s.projects += v.projects
                for (k, m) in v.value { s.value[k, default: 0] &+= m }
                t.pipeline[stage] = s
            }
        }
        return t
    }

    /// Opens the week's reports in `directory` (a department) with `identities`.
    public static func open(directory: String, week: ISOWeek, identities: [Curve25519.KeyAgreement.PrivateKey]) throws -> DepartmentView {
        let registry = try Registry.load(directory: directory)
        let folder = ReportFolder(layout: Layout(directory), week: week)
        let due = registry.reportDue(week)
        let manifests = folder.manifests().found.filter { $0.week == week.description }
        var people: [Person] = []
        let names = Set(registry.salespeople.map { $0.name.precomposedStringWithCanonicalMapping })
        for person in registry.salespeople {
            let mine = manifests.filter { $0.owner.precomposedStringWithCanonicalMapping == person.name.precomposedStringWithCanonicalMapping }
            guard let first = mine.min(by: { $0.submittedAtUnix < $1.submittedAtUnix }), let latest = mine.max(by: { $0.version < $1.version }) else {
                people.append(Person(name: person.name, status: "missing"))
                continue
            }
            var p = Person(name: person.name, status: first.submittedAtUnix <= due ? "submitted" : "late", submittedAt: first.submittedAtUnix,
                           version: latest.version)
            do {
                p.report = try openReport(latest, folder: folder, identities: identities)
            } catch let e as InterchangeError {
                p.problem = e.reason
                p.problemZH = e.reasonZH
            }
            people.append(p)
        }
        let strangers = Set(manifests.map(\.owner).filter { !names.contains($0.precomposedStringWithCanonicalMapping) }).sorted()
        return DepartmentView(department: registry.name, week: week, due: due, timeZone: registry.calendar.timeZone.identifier, people: people,
                              conflicts: conflicts(people), strangers: strangers)
    }

    /// The summary of a submission, opened and checked against its manifest.
    static func openReport(_ m: ReportManifest, folder: ReportFolder, identities: [Curve25519.KeyAgreement.PrivateKey]) throws -> WeeklyReport {
        let path = folder.path(m.owner, version: m.version, suffix: ".json.age")
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let listed = m.files.first(where: { $0.name == name }) else {
            throw InterchangeError(.report, "the manifest does not list \(name)", zh: "提交清单中没有 \(name)")
        }
        let sealed: Data
        do { sealed = try AtomicFile.readInput(path, limit: WeeklyReport.maxJSONBytes + (1 << 20)) } catch {
            throw InterchangeError(.report, "\(name) is missing or unreadable", zh: "\(name) 缺失或无法读取")
        }
        guard try SHA256.hash(Array(sealed)).hexString == listed.sha256 else {
            throw InterchangeError(.report, "\(name) is not the file the manifest lists (changed after submission)", zh: "\(name) 与提交清单不符,提交后可能被改动过")
        }
        let plain: [UInt8]
        do {
            plain = try AgeFile.decrypt(Array(sealed), with: identities.map { .x25519($0) })
        } catch AgeFile.Failure.noMatchingIdentity {
            throw InterchangeError(.report, "your key is not a recipient of \(name)", zh: "您的密钥无法打开 \(name)(该周报未发给您)")
        } catch {
            throw InterchangeError(.report, "\(name) is damaged (\(error))", zh: "\(name) 已损坏,无法解密")
        }
        let r = try WeeklyReport.decode(Data(plain))
        guard r.owner.precomposedStringWithCanonicalMapping == m.owner.precomposedStringWithCanonicalMapping, r.week == m.week,
              r.archiveID == m.archiveID
        else {
            throw InterchangeError(.report, "\(name) holds another person's or another week's report", zh: "\(name) 与提交清单不符(提交人、档案或周次不一致)")
        }
        return r
    }

    /// Customers in more than one person's report: the same 统一社会信用代码 or the same name
    /// after the import's duplicate folding (INTERCHANGE.md §4).
    static func conflicts(_ people: [Person]) -> [Conflict] {
        var byKey: [String: [(String, String, String, String?)]] = [:]
        var order: [String] = []
        for p in people {
            guard let r = p.report else { continue }
            var seen: Set<String> = []
            for c in r.customers {
                var keys = ["name:" + Identity.companyKey(c.name)]
                if let code = c.creditCode.map(Identity.halfWidth)?.uppercased().filter({ !$0.isWhitespace }), !code.isEmpty { keys.append("code:" + code) }
                for k in keys where seen.insert(k).inserted {
                    if byKey[k] == nil { order.append(k) }
                    byKey[k, default: []].append((p.name, c.name, c.grade, c.creditCode))
                }
            }
        }
        var out: [Conflict] = []
        var reported: Set<String> = []
        for k in order {
            let holders = byKey[k]!
            guard Set(holders.map(\.0)).count > 1 else { continue }
            // One conflict per group of holders and names (a name and a code match alike).
            let id = holders.map { "\($0.0)|\($0.1)" }.sorted().joined(separator: ";")
            guard reported.insert(id).inserted else { continue }
            out.append(Conflict(key: k, holders: holders.map { (salesperson: $0.0, customer: $0.1, grade: $0.2, creditCode: $0.3) }))
        }
        return out
    }
}
