import Department
import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

/// The general manager's Friday screen (REPORTS.md §6): every sealed report of a week that the
/// manager's key opens, in one view: per salesperson, the department's totals and funnel, who has
/// not submitted, and customers that appear in more than one salesperson's report (撞单).
public struct DepartmentView: Sendable {
    public struct Person: Sendable {
        public var name: String
        /// submitted (on time), late, missing, or invalid (submissions that all fail the checks).
        public var status: String
        /// When the first valid version was submitted (on time or late by it).
        public var submittedAt: Int64?
        /// The version whose figures are shown, and when it was submitted when that is a later
        /// one than the first (its figures beside the first's time read as if submitted then:
        /// helper-179).
        public var version: Int?
        public var revisedAt: Int64?
        public var problem: String?
        public var problemZH: String?
        public var report: WeeklyReport?
        /// The submission's tag was checked through escrow (REPORTS.md §4.1).
        public var verified = false

        public var openComplaints: Int {
            report?.complaints.filter { ComplaintStatus.isOpen($0.status) }.count ?? 0
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
    /// Salespeople registered after the week's report was due: nothing was asked of them that
    /// week (said, so that an empty list is not read as everyone having submitted: helper-154).
    public var notAsked: [String] = []

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
            for (k, v) in c.wonAmount { t.wonAmount[k, default: 0] |+= v }
            t.complaintsOpened += c.complaintsOpened
            t.complaintsClosed += c.complaintsClosed
            for (stage, v) in c.pipeline {
                var s = t.pipeline[stage] ?? WeeklyReport.StageValue()
                s.projects += v.projects
                for (k, m) in v.value { s.value[k, default: 0] |+= m }
                t.pipeline[stage] = s
            }
        }
        return t
    }

    /// Opens the week's reports in `directory` (a department) with `identities` (REPORTS.md §6).
    /// The registry must be at least as new as every registered archive's pin (an older signed
    /// registry put back is refused); each submission must pass SubmissionCheck, its tag must
    /// not be wrong (checked through escrow when the keys can), and its summary must open and
    /// match its manifest; a salesperson whose submissions all fail is `invalid`, not submitted.
    public static func open(directory: String, week: ISOWeek, identities: [Curve25519.KeyAgreement.PrivateKey]) throws -> DepartmentView {
        let registry = try Registry.load(directory: directory)
        let layout = Layout(directory)
        let folder = ReportFolder(layout: layout, week: week)
        let due = registry.reportDue(week)
        let listing = folder.manifests()
        let manifests = listing.found.filter { $0.week == week.description }
        var people: [Person] = []
        var notAsked: [String] = []
        let names = Set(registry.salespeople.map { $0.name.precomposedStringWithCanonicalMapping })
        // Every archive of the department pins the registry it has seen: an older signed registry
        // put back (one that drops a salesperson) or another administrator's is refused.
        var escrowHolders = Set<String>()  // (keys that can check a report's tag through escrow)
        if let listing = try? DepartmentScan.files(in: directory) {
            for name in listing.names where name.hasSuffix(".svault") {
                let header = ((try? DepartmentScan.inspect(path: listing.directory + "/" + name)) ?? nil)?.header
                if let pin = header?.department {
                    try registry.check(against: pin)
                }
                for slot in header?.escrowSlots ?? [] { escrowHolders.insert(KeyFile.fingerprint(slot.holder.recipient.rawRepresentation)) }
            }
        }
        // Keys the week's reports are sealed to (the recipients' now, and those the manifests
        // name): with none of them, nothing can be opened and every report would be said
        // invalid or not submitted (helper-194: a department manager outside the report roles
        // saw that, exit 0). Said so instead, naming who receives them.
        // (A manager who holds escrow of the archives is shown who submitted, checked through
        // escrow, without the figures, as before.)
        let recipients = registry.reportRecipients
        if !recipients.isEmpty, !identities.isEmpty {
            var sealedTo = Set(manifests.flatMap { $0.recipients.map(\.fingerprint) })
            for m in recipients { if let key = try? KeyFile.parseRecipient(m.recipient) { sealedTo.insert(KeyFile.fingerprint(key.rawRepresentation)) } }
            let given = identities.map { KeyFile.fingerprint($0.publicKey.rawRepresentation) }
            if !given.contains(where: { sealedTo.contains($0) || escrowHolders.contains($0) }) {
                // A key of no manager at all: said so, with its fingerprint (it was told to have
                // its role added, which it has none of: helper-197).
                let managers = Set(registry.managers.compactMap { try? KeyFile.parseRecipient($0.recipient) }.map { KeyFile.fingerprint($0.rawRepresentation) })
                if !given.contains(where: { managers.contains($0) }) {
                    let prints = given.joined(separator: ", ")
                    throw InterchangeError(.report, "the key given (\(prints)) belongs to no manager of \(registry.name); the weekly reports are sealed to \(recipients.map { Registry.nameWithRole($0, zh: false) }.joined(separator: ", "))",
                                           zh: "您提供的密钥（指纹 \(prints)）不属于“\(registry.name)”的任何一位经理；该部门的周报只有\(recipients.map { Registry.nameWithRole($0, zh: true) }.joined(separator: "、"))能打开。",
                                           hint: "check that it is your key file; a manager is added by the administrator with salesvault dept add-manager",
                                           hintZH: "请确认使用的是您本人的密钥文件；如您是新任经理，请联系部门管理员用 salesvault dept add-manager 为您登记。")
                }
                throw InterchangeError(.report, "the weekly reports are sealed to \(recipients.map { Registry.nameWithRole($0, zh: false) }.joined(separator: ", ")), not to the key given: they cannot be opened with it",
                                       zh: "只有\(recipients.map { Registry.nameWithRole($0, zh: true) }.joined(separator: "、"))能打开本部门的周报，您提供的密钥无法打开。",
                                       hint: "use one of their keys, or ask the administrator to add your role to the report roles (salesvault dept policy --report-roles); reports handed in after that open with your key",
                                       hintZH: "请改用上述接收人之一的密钥；如您也应接收周报，请管理员运行 salesvault dept policy --report-roles，把您的角色加入周报接收角色（此后提交的周报才能用您的密钥打开）。")
            }
        }
        for person in registry.salespeople {
            if let since = SubmissionCheck.registered(person), since > due {  // nothing was asked of them that week
                notAsked.append(person.name)
                continue
            }
            let name = person.name.precomposedStringWithCanonicalMapping
            let archive = (try? DepartmentScan.inspect(path: layout.root + "/" + person.archive)) ?? nil
            let mine = manifests.filter { $0.owner.precomposedStringWithCanonicalMapping == name }.sorted { $0.version < $1.version }
            var problems: [(String, String)] = listing.problems.filter { $0.isOf(person.name) }.map { $0.problem }
            var valid: [(ReportManifest, WeeklyReport?, Bool)] = []  // manifest, summary, tag checked
            for m in mine {
                if let p = SubmissionCheck.problem(m, folder: folder, archive: archive, week: week, calendar: registry.calendar) {
                    problems.append(p)
                    continue
                }
                var verified = false
                switch archive.map({ a in m.mac.flatMap(hexBytes).map { a.checkReportMAC($0, over: m.macMessage, escrowIdentities: identities) } ?? .wrong }) {
                case .authentic?: verified = true
                case .cannotCheck?: break
                default:
                    problems.append(("version \(m.version) does not carry its archive's tag: not made with \(m.owner)'s archive (forged, or from before a data-key change)",
                                     "第 \(m.version) 版的校验码不符：不是用 \(m.owner) 的档案提交的（可能是伪造，或提交后档案更换过数据密钥）"))
                    continue
                }
                do {
                    let r = try openReport(m, folder: folder, identities: identities)
                    valid.append((m, r, verified))
                } catch let e as NotRecipient {
                    // Not opened with these keys: it counts only when its tag was checked (a
                    // file sealed to other keys proves nothing by itself).
                    problems.append((e.en, e.zh))
                    if verified { valid.append((m, nil, verified)) }
                } catch let e as InterchangeError {
                    problems.append((e.reason, e.reasonZH))
                }
            }
            // The figures of the latest version that opened (else the latest valid one).
            guard let first = valid.min(by: { $0.0.submittedAtUnix < $1.0.submittedAtUnix }),
                  let latest = valid.last(where: { $0.1 != nil }) ?? valid.last else {
                // (A manifest there but damaged is a submission that does not count, not none:
                // REPORTS.md §5; it was `missing`, helper-154.)
                var p = Person(name: person.name, status: mine.isEmpty && problems.isEmpty ? "missing" : "invalid")
                if !problems.isEmpty {
                    p.problem = problems.map(\.0).joined(separator: "; ")
                    p.problemZH = problems.map(\.1).joined(separator: "；")
                }
                people.append(p)
                continue
            }
            var p = Person(name: person.name, status: first.0.submittedAtUnix <= due ? "submitted" : "late", submittedAt: first.0.submittedAtUnix,
                           version: latest.0.version)
            p.report = latest.1
            p.verified = latest.2
            if latest.0.version != first.0.version { p.revisedAt = latest.0.submittedAtUnix }
            if latest.0.version != first.0.version && latest.0.submittedAtUnix > due && first.0.submittedAtUnix <= due {
                problems.append(("version \(latest.0.version) was revised after the deadline", "第 \(latest.0.version) 版为截止后修订"))
            }
            if !latest.2 && latest.1 != nil {
                problems.append(("its origin could not be checked (your keys do not open this archive's escrow)", "无法核实来源（您的密钥不能单独打开该档案的托管）"))
            }
            if !problems.isEmpty {
                p.problem = problems.map(\.0).joined(separator: "; ")
                p.problemZH = problems.map(\.1).joined(separator: "；")
            }
            people.append(p)
        }
        let strangers = Set(manifests.map(\.owner).filter { !names.contains($0.precomposedStringWithCanonicalMapping) }).sorted()
        return DepartmentView(department: registry.name, week: week, due: due, timeZone: registry.calendar.timeZone.identifier, people: people,
                              conflicts: conflicts(people), strangers: strangers, notAsked: notAsked)
    }

    struct NotRecipient: Error {
        let en: String
        let zh: String
    }

    static func hexBytes(_ hex: String) -> [UInt8]? {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            guard let b = UInt8(hex[i..<j], radix: 16) else { return nil }
            out.append(b)
            i = j
        }
        return out
    }

    /// The summary of a submission, opened and checked against its manifest.
    static func openReport(_ m: ReportManifest, folder: ReportFolder, identities: [Curve25519.KeyAgreement.PrivateKey]) throws -> WeeklyReport {
        let path = folder.path(m.owner, version: m.version, suffix: ".json.age")
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let listed = m.files.first(where: { $0.name == name }) else {
            throw InterchangeError(.report, "the manifest does not list \(name)", zh: "提交清单中没有 \(name)")
        }
        guard let sealed = SubmissionCheck.readRegular(path, limit: WeeklyReport.maxJSONBytes + (1 << 20)) else {
            throw InterchangeError(.report, "\(name) is missing, not a regular file or too large", zh: "\(name) 缺失、不是普通文件或过大")
        }
        guard try SHA256.hash(Array(sealed)).hexString == listed.sha256 else {
            throw InterchangeError(.report, "\(name) is not the file the manifest lists (changed after submission)", zh: "\(name) 与提交清单不符，提交后可能被改动过")
        }
        let plain: [UInt8]
        do {
            plain = try AgeFile.decrypt(Array(sealed), with: identities.map { .x25519($0) })
        } catch AgeFile.Failure.noMatchingIdentity {
            throw NotRecipient(en: "your key is not a recipient of \(name)", zh: "您的密钥无法打开 \(name)（该周报未发给您）")
        } catch {
            throw InterchangeError(.report, "\(name) is damaged and cannot be decrypted", zh: "\(name) 已损坏，无法解密")
        }
        let r = try WeeklyReport.decode(Data(plain))
        guard r.owner.precomposedStringWithCanonicalMapping == m.owner.precomposedStringWithCanonicalMapping, r.week == m.week,
              r.archiveID == m.archiveID
        else {
            throw InterchangeError(.report, "\(name) holds another person's or another week's report", zh: "\(name) 与提交清单不符（提交人、档案或周次不一致）")
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
