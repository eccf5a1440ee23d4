import Foundation
import VaultCrypto
import VaultFormat
import SalesArchive

/// How an archive's escrow slots compare with the registry (DEPARTMENT.md §6).
public struct EscrowCoverage: Sendable, Equatable {
    public enum Status: String, Codable, Sendable, Comparable {
        case ok, missing, stale, rekeyRequired = "rekey required"
        var rank: Int { [.ok: 0, .missing: 1, .stale: 2, .rekeyRequired: 3][self]! }
        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    }

    public let status: Status
    /// Managers in the registry without a slot.
    public let missing: [Registry.Manager]
    /// Slots whose recipient is no longer a manager.
    public let departed: [EscrowSlot.Holder]
    public let detail: String

    public static func evaluate(_ header: ArchiveHeader, registry: Registry) -> EscrowCoverage {
        let slots = header.escrowSlots
        let slotKeys = Set(slots.map { AgeKeys.recipientString($0.holder.recipient) })
        let managerKeys = Set(registry.managers.map(\.recipient))
        let missing = registry.managers.filter { !slotKeys.contains($0.recipient) }
        let departed = slots.map(\.holder).filter { !managerKeys.contains(AgeKeys.recipientString($0.recipient)) }
        var status = Status.ok
        var notes: [String] = []
        if !missing.isEmpty {
            status = .missing
            notes.append("no slot for " + missing.map(\.name).joined(separator: ", "))
        }
        // An archive with no escrow at all is `missing` (above); one pinned to another
        // administrator, or with slots but no pin, or made for another threshold is `stale`.
        let adminKey = (try? registry.adminPublicKey.rawRepresentation) ?? []
        // A key the pinned one handed over to (DEPARTMENT.md §3.7) is not stale: the owner's
        // next writing unlock pins it.
        if let pin = header.department, !constantTimeEquals(pin.adminKey, adminKey),
           registry.rotation(from: pin.adminKey).map({ pin.registrySerial >= $0.serial }) ?? true {
            status = max(status, .stale)
            notes.append("pins another administrator key")
        } else if header.department == nil && !slots.isEmpty {
            status = max(status, .stale)
            notes.append("not created in this department")
        }
        if let pin = header.department, pin.registrySerial > Registry.maxSerial {
            status = max(status, .stale)
            notes.append("pins registry serial \(pin.registrySerial), beyond 2^31: the owner runs escrow update")
        } else if let pin = header.department, registry.serial < pin.registrySerial {
            status = max(status, .stale)
            notes.append("the registry (serial \(registry.serial)) is older than one this archive has seen (\(pin.registrySerial))")
        }
        if let threshold = slots.first?.threshold, threshold != registry.policy.escrowThreshold {
            status = max(status, .stale)
            notes.append("threshold \(threshold), policy \(registry.policy.escrowThreshold)")
        }
        if header.escrowScheme == .shamir { notes.append(EscrowShareReview.legacyNote) }  // FORMAT.md §5.2 scheme 2
        if header.flags.contains(.rekeyRequired) || !departed.isEmpty {
            status = .rekeyRequired
            // (Set by a manager's slot dropped, and by a compromised stopped before its new key:
            // both said; it named the manager's alone: helper-197.)
            notes.append(departed.isEmpty ? "a removed manager's slot was dropped, or compromised stopped before its new key: the data key was not rotated since"
                         : "still open to " + departed.map(\.name).joined(separator: ", "))
        }
        return EscrowCoverage(status: status, missing: missing, departed: departed, detail: notes.joined(separator: "; "))
    }
}

/// The compliance check (DEPARTMENT.md §6): every archive's header, no password.
public struct ComplianceReport: Codable, Sendable {
    public struct Row: Codable, Sendable, Equatable {
        public var archive: String
        public var owner: String?
        public var passwordChangedAt: String?
        public var passwordAgeDays: Int?
        public var rotation: String?
        public var mustChangePassword: Bool?
        public var dekRotatedAt: String?
        public var escrow: String?
        public var escrowDetail: String?
        public var escrowUsesUnacknowledged: Int?
        public var lastEscrowUseAt: String?
        public var verified: String?
        /// The owner signature (FORMAT.md §5.6, DEPARTMENT.md §6), checked with no key: `ok`,
        /// `not enrolled`, `unsigned` or `INVALID`.
        public var signature: String?
        /// The password slot's scrypt cost, log2 N (FORMAT.md §5.1 floor: `FormatV1.minScryptLogN`).
        public var kdfLogN: Int?
        /// True when `kdfLogN` is below the department's floor (`Registry.Policy.kdfFloor`):
        /// non-compliant (DEPARTMENT.md §6).
        public var kdfWeak: Bool?
        /// `foreign`, `unreadable`, `missing`, `owner mismatch` or `duplicate archive id`, with the reason.
        public var problem: String?
        public var nonCompliant: Bool
        /// `problem` in Chinese (`ComplianceText`), for the table and a Chinese user's CSV; not in JSON.
        /// (Its instants in the department's zone, as the table's dates are: `2026-11-30T23:30:00Z`
        /// stood in a Chinese sentence beside 最近 2026-12-01: helper-182.)
        public var problemZH: String? { problem.map(chinese) }

        /// A problem of this row (or part of one) in Chinese, its instants in the department's zone.
        public func chinese(_ problem: String) -> String {
            var zh = ComplianceText.problemZH(problem)
            if let at = lastEscrowUseAt, let local = lastEscrowUseLocal { zh = zh.replacingOccurrences(of: at, with: local) }
            return zh
        }
        /// For the table, not in JSON or CSV: `D(passwordChangedAt)`, the date of `dekRotatedAt`
        /// and of the last escrow use, `YYYY-MM-DD` in the department's zone (DEPARTMENT.md §5, §6).
        public var passwordChangedDate: String?
        public var dekRotatedDate: String?
        public var lastEscrowUseDate: String?
        /// The last escrow use's minute in the department's zone (`2026-12-01 07:30`), for
        /// `problemZH`; not in JSON or CSV.
        public var lastEscrowUseLocal: String? = nil
        /// The department audit log against the archive (DEPARTMENT.md §7.4): trusted logged uses,
        /// and `ok`, `none` (no log), `escrow use removed`, `altered` or `unreadable`.
        public var escrowUsesLogged: Int?
        public var auditLog: String?

        /// The keys of JSON.md §6.2.
        enum CodingKeys: String, CodingKey {
            case archive, owner, passwordChangedAt, passwordAgeDays, rotation, mustChangePassword, dekRotatedAt, escrow, escrowDetail
            case escrowUsesUnacknowledged, lastEscrowUseAt, verified, kdfLogN, kdfWeak, problem, nonCompliant
            case escrowUsesLogged, auditLog, signature
        }

        /// Evidence of tampering in the audit comparison (exit 4).
        public var auditTampered: Bool { auditLog == "escrow use removed" || auditLog == "altered" }
    }

    public struct Summary: Codable, Sendable, Equatable {
        public var archives = 0
        public var rotation: [String: Int] = [:]
        public var escrow: [String: Int] = [:]
        public var escrowUsesUnacknowledged = 0
        public var unreadable = 0
        public var foreign = 0
        /// Temporary files an interrupted save left (`A.svault.rekey-0123456789ab.tmp`): listed
        /// with a `foreign:` problem but counted here, not in `foreign` (helper-199; JSON.md §6.2).
        public var temporaryFiles = 0
        /// Archives whose password slot is below the cost floor.
        public var weakKDF = 0
        /// Registered salespeople without an archive at their path (JSON.md §6.2; counted in
        /// `nonCompliant`, not in `archives`).
        public var missing = 0
        public var nonCompliant = 0
        /// Trusted uses in the department's audit logs, and archives whose log shows tampering.
        public var escrowUsesLogged = 0
        public var auditTampered = 0
        /// Archives by owner-signature verdict (DEPARTMENT.md §6).
        public var signature: [String: Int] = [:]
    }

    /// Now, or a date given with `--as-of` at `00:00:00Z` (JSON.md §6.2).
    public var asOf: String
    public var department: String?
    public var policy: String
    public var archives: [Row]
    public var summary: Summary
    /// The weekly reports (REPORTS.md §5) of the last week whose reports were due, for a
    /// department folder: shown beside the archives, not counted in `nonCompliant`.
    public var weeklyReports: WeeklyReportCheck?
    /// For the table, not in JSON: the date judged, `YYYY-MM-DD` (DEPARTMENT.md §5).
    public var asOfDate = ""

    /// The keys of JSON.md §6.2.
    enum CodingKeys: String, CodingKey { case asOf, department, policy, archives, summary, weeklyReports }

    public var isCompliant: Bool { summary.nonCompliant == 0 }
    /// An owner signature is INVALID somewhere: evidence of tampering (exit status 4).
    public var isTampered: Bool { (summary.signature["INVALID"] ?? 0) > 0 }

    /// True when `--verify` found evidence that an archive was altered or damaged (any `verified`
    /// other than `yes` and `no slot`): the tools exit 4, not 9 (DEPARTMENT.md §6).
    public var verifyFailed: Bool { archives.contains { $0.verified != nil && !FullCheckText.noEvidence.contains($0.verified!) } }

    /// Checks every `*.svault` under `directory/archives` (or `directory`), in name order, as of
    /// an instant (now): the date judged is its date in the department's zone.
    public static func run(
        directory: String, asOf: Int64, registry: Registry?, identities: [Curve25519.KeyAgreement.PrivateKey] = [],
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> ComplianceReport {
        try run(directory: directory, asOf: .instant(asOf), now: asOf, registry: registry, identities: identities, progress: progress)
    }

    /// Checks every `*.svault` under `directory/archives` (or `directory`), in name order, as of
    /// an instant or a calendar date (`--as-of DATE`). With `identities`, each header is also
    /// authenticated through escrow. A password changed after `now` (the day the check runs;
    /// by default the instant or date judged) is flagged `future date`.
    public static func run(
        directory: String, asOf: RotationPolicy.AsOf, now: Int64? = nil, registry: Registry?, identities: [Curve25519.KeyAgreement.PrivateKey] = [],
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> ComplianceReport {
        let scan = try DepartmentScan.files(in: directory)
        let (scanDir, names) = (scan.directory, scan.names)
        let policy = registry?.rotationPolicy ?? .standard
        let prefix = scan.prefix
        let today: Int64
        switch (now, asOf) {
        case (let now?, _), (nil, .instant(let now)): today = policy.calendar.day(of: now)
        case (nil, .date(let day)): today = day
        }
        // The registered salesperson for each archive path (DEPARTMENT.md §6).
        var registered: [String: String] = [:]
        for person in registry?.salespeople ?? [] { registered[person.archive] = person.name }
        var enrolled: [String: Registry.Salesperson] = [:]
        for person in registry?.salespeople ?? [] { enrolled[person.archive] = person }
        var rows: [Row] = []
        var summary = Summary()
        var byArchiveID: [String: Int] = [:]
        for name in scan.irregular {
            rows.append(Row(archive: prefix + name, problem: "foreign: not a regular file (not opened)", nonCompliant: false))
            summary.foreign += 1
        }
        for name in scan.undecodable {
            if name.hasSuffix(".svault") {
                rows.append(Row(archive: prefix + name, problem: "unreadable: the file name is not valid UTF-8 (not opened): rename it (e.g. to OWNER.svault) and check again", nonCompliant: true))
                summary.unreadable += 1
                summary.nonCompliant += 1
            } else {
                rows.append(Row(archive: prefix + name, problem: "foreign: the file name is not valid UTF-8 (not opened)", nonCompliant: false))
                summary.foreign += 1
            }
        }
        for (i, name) in names.enumerated() {
            progress?(i, names.count)
            let path = scanDir + "/" + name
            guard name.hasSuffix(".svault") else {
                // (An interrupted save's temporary, `A.svault.rekey-0123456789ab.tmp`: said as
                // such, not as a stranger's file: helper-197. Only the names an archive's writer
                // makes, rekey- and new-, beside an archive of the folder, whose owner's next
                // change removes them (ArchiveFile.removeAbandonedTemporaries); any other is a
                // stranger's: helper-201 7.)
                let leftover = ArchiveTemporaries.archive(ofTemporary: name).flatMap { $0.hasSuffix(".svault") && names.contains($0) ? $0 : nil }
                rows.append(Row(archive: prefix + name, problem: leftover.map { "temporary file: left by an interrupted save of \($0) (its owner's next change removes it)" } ?? "foreign: not a .svault file",
                                nonCompliant: false))
                if leftover != nil { summary.temporaryFiles += 1 } else { summary.foreign += 1 }
                continue
            }
            let inspection: ArchiveInspection
            // One open file for the whole row (DEPARTMENT.md §6): header, audit, signature, full check.
            let file: DepartmentScan.OpenArchive
            do {
                guard let opened = try DepartmentScan.open(path: path) else {
                    rows.append(Row(archive: prefix + name, problem: "foreign: not a regular file (not opened)", nonCompliant: false))
                    summary.foreign += 1
                    continue
                }
                (file, inspection) = (opened, opened.inspection)
            } catch let e as VaultError {
                let foreign = e.code == .notAnArchive
                rows.append(Row(archive: prefix + name, problem: (foreign ? "foreign: " : "unreadable: ") + e.reason, nonCompliant: !foreign))
                if foreign { summary.foreign += 1 } else { summary.unreadable += 1; summary.nonCompliant += 1 }
                continue
            }
            let h = inspection.header
            // DEPARTMENT.md §5: never-changed from the counter, dates that cannot be true flagged
            // against the real day (`future date`, `before creation`; the data key's date too).
            let rotation = policy.evaluate(h, asOf: asOf, today: today)
            var row = Row(
                archive: prefix + name, owner: h.owner, passwordChangedAt: Registry.timestamp(h.passwordChangedAt), passwordAgeDays: rotation.ageDays,
                rotation: rotation.status.rawValue, mustChangePassword: h.flags.contains(.mustChangePassword),
                dekRotatedAt: Registry.timestamp(h.dekRotatedAt), escrowUsesUnacknowledged: Int(h.escrowUses?.unacknowledged ?? 0),
                lastEscrowUseAt: h.escrowUses.map { Registry.timestamp($0.lastUseAt) }, nonCompliant: rotation.nonCompliant,
                passwordChangedDate: DepartmentCalendar.dateString(rotation.changedDay), dekRotatedDate: policy.calendar.dateString(of: h.dekRotatedAt),
                lastEscrowUseDate: h.escrowUses.map { policy.calendar.dateString(of: $0.lastUseAt) },
                lastEscrowUseLocal: h.escrowUses.map { policy.calendar.localTime($0.lastUseAt) })
            var problems: [String] = rotation.dateProblems.map(\.rawValue)
            // A password slot below the floor (the insecure testing cost, or an old writer) makes
            // guessing the password cheap: non-compliant (FORMAT.md §5.1, DEPARTMENT.md §6).
            row.kdfLogN = inspection.kdf.logN
            let floor = registry?.policy.kdfFloor ?? FormatV1.minScryptLogN
            row.kdfWeak = inspection.kdf.logN < floor
            if inspection.kdf.logN < floor {
                row.nonCompliant = true
                summary.weakKDF += 1
                problems.append("weak KDF: scrypt 2^\(inspection.kdf.logN) below 2^\(floor)")
            }
            // A header copy that fails its checksum (a torn write, or damage): the archive opens
            // with the other, but needs `repair` (`verify` exits 6); the check said nothing, even
            // with --verify ("verified yes": helper-160). Non-compliant until repaired (it was
            // listed beside "compliant": helper-161); the command names the file as given, quoted
            // for a shell where it needs to be.
            for (label, state) in [("A", inspection.copyA), ("B", inspection.copyB)] {
                if case .damaged(let reason) = state {
                    row.nonCompliant = true
                    problems.append("header copy \(label) damaged (\(reason)): the owner runs salesvault repair on \(ShellWord.quote(path))")
                }
            }
            if let expected = registered[prefix + name], expected != h.owner {
                row.nonCompliant = true
                problems.append("owner mismatch: registered for \(expected)")
            }
            let id = inspection.prefix.archiveIDHex
            if let first = byArchiveID[id] {
                row.nonCompliant = true
                problems.append("duplicate archive id: same as \(rows[first].archive)")
                if !rows[first].nonCompliant { summary.nonCompliant += 1 }
                rows[first].nonCompliant = true
                rows[first].problem = (rows[first].problem.map { $0 + "; " } ?? "") + "duplicate archive id: same as \(prefix + name)"
            } else {
                byArchiveID[id] = rows.count
            }
            if let registry {
                let coverage = EscrowCoverage.evaluate(h, registry: registry)
                row.escrow = coverage.status.rawValue
                row.escrowDetail = coverage.detail.isEmpty ? nil : coverage.detail
                if coverage.status != .ok { row.nonCompliant = true }
                summary.escrow[coverage.status.rawValue, default: 0] += 1
            } else {
                let slots = h.escrowSlots
                row.escrow = slots.isEmpty ? "none" : "\(slots.count) \(slots.count == 1 ? "slot" : "slots"), no registry to compare"
            }
            // DEPARTMENT.md §7.4: the department's audit log against this archive.
            if let registry, prefix == "archives/" {
                do {
                    let audit = ArchiveAudit.check(layout: Layout(directory), archiveID: id, header: h, file: file.fd, registry: registry)
                    row.escrowUsesLogged = audit.logged
                    row.auditLog = audit.word
                    problems += audit.problems
                    if audit.tampered || audit.unreadable != nil { row.nonCompliant = true }
                    // A log deleted while the archive still counts escrow uses (DEPARTMENT.md §6).
                    if audit.holdsNoLine, let uses = h.escrowUses {
                        row.auditLog = "missing"
                        row.nonCompliant = true
                        problems.append("audit log missing: the archive records \(uses.unacknowledged) escrow \(uses.unacknowledged == 1 ? "use" : "uses"), the last on \(Registry.timestamp(uses.lastUseAt)), but the department has no audit log for it (deleted or emptied, an escrow open interrupted before it wrote the log, or uses made before the log existed or outside the department)")
                    }
                    if audit.tampered { summary.auditTampered += 1 }
                    summary.escrowUsesLogged += audit.logged
                }
            }
            // The owner signature, no key (FORMAT.md §5.6 checks 1–5; DEPARTMENT.md §6).
            let context = registry.flatMap { registry in
                enrolled[prefix + name].map { OwnerSignatureVerdict.Context(person: $0, layout: Layout(directory), registry: registry) }
            }
            let verdict = OwnerSignatureVerdict.judge(file, path: path, context: context)
            row.signature = verdict.value
            summary.signature[verdict.value, default: 0] += 1
            // Without a registered salesperson for the file there is nothing to enroll into: `not
            // enrolled` is shown, not counted (DEPARTMENT.md §6).
            if let problem = verdict.problem, enrolled[prefix + name] != nil || verdict.value != "not enrolled" {
                row.nonCompliant = true
                problems.append(problem)
            }
            if inspection.isTruncated {
                problems.insert("unreadable: truncated", at: 0)
                row.nonCompliant = true
                summary.unreadable += 1
            }
            if !identities.isEmpty {
                // The full check (FORMAT.md §7.1, DEPARTMENT.md §6): both copies, size, every record.
                let check = FullCheckText.run(open: file.fd, path: path, identities: identities)
                row.verified = check.word
                // A failure (evidence: exit 4), or an archive that could not be checked: in use by
                // its owner, unreadable, too few keys for a k-of-n archive (non-compliant, exit 9).
                if let problem = check.problem {
                    row.nonCompliant = true
                    problems.append("verify: " + problem)
                }
                // With the data key, the records after the owner's signature are checked too
                // (escrow uses only, FORMAT.md §7.1): a breach makes the signature INVALID.
                if let tail = check.signatureProblem {
                    if row.signature != "INVALID" {
                        if let old = row.signature {
                            summary.signature[old, default: 1] -= 1
                            if summary.signature[old] == 0 { summary.signature[old] = nil }
                        }
                        row.signature = "INVALID"
                        summary.signature["INVALID", default: 0] += 1
                    }
                    row.nonCompliant = true
                    problems.append("owner signature INVALID: \(tail.en)")
                }
            }
            if !problems.isEmpty { row.problem = problems.joined(separator: "; ") }
            summary.archives += 1
            summary.rotation[row.rotation ?? rotation.status.rawValue, default: 0] += 1
            summary.escrowUsesUnacknowledged += row.escrowUsesUnacknowledged ?? 0
            if row.nonCompliant { summary.nonCompliant += 1 }
            rows.append(row)
        }
        // Registered salespeople without an archive there (no file, or a file whose header could
        // not be read as an archive: foreign, a FIFO…) are not compliant. Only for a department
        // folder (its archives/ listed), where the registry's paths point.
        for person in registry?.salespeople ?? [] where prefix == "archives/" {
            if let i = rows.firstIndex(where: { $0.archive == person.archive }) {
                guard rows[i].owner == nil, !rows[i].nonCompliant else { continue }
                rows[i].nonCompliant = true
                // (Counted as missing, no longer as foreign: the same person was in both counts: helper-160.)
                if rows[i].problem?.hasPrefix("foreign: ") == true { summary.foreign -= 1 }
                // (Whose it is, as for a file that is not there: the row's owner was empty.)
                rows[i].owner = person.name
                rows[i].problem = "missing: \(person.name) is registered but this is not an archive (\(rows[i].problem ?? ""))"
            } else {
                // (A folder at the path is said as one: it read "has no archive file".)
                var st = stat()
                let folder = lstat(directory + "/" + person.archive, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
                rows.append(Row(archive: person.archive, owner: person.name,
                                problem: folder ? "missing: \(person.name) is registered but \(person.archive) is a folder, not an archive file"
                                                : "missing: \(person.name) is registered but has no archive file", nonCompliant: true))
            }
            summary.missing += 1
            summary.nonCompliant += 1
        }
        rows.sort { $0.archive < $1.archive }
        progress?(names.count, names.count)
        let rule = policy.ruleText.en
        let asOfText: String
        switch asOf {
        case .instant(let t): asOfText = Registry.timestamp(t)
        case .date(let day): asOfText = Registry.timestamp(DepartmentCalendar.utcMidnight(day))
        }
        var report = ComplianceReport(asOf: asOfText, department: registry?.name, policy: rule, archives: rows, summary: summary,
                                      asOfDate: DepartmentCalendar.dateString(policy.day(asOf)))
        if let registry, prefix == "archives/" {
            // The instant judged: the one given, or the end of the date given.
            let instant: Int64
            switch asOf {
            case .instant(let t): instant = t
            case .date(let day): instant = registry.calendar.start(of: day + 1) - 1
            }
            report.weeklyReports = WeeklyReportCheck.run(directory: directory, registry: registry,
                                                         week: WeeklyReportCheck.lastDueWeek(registry: registry, now: instant))
        }
        return report
    }
}

/// The `signature` column of the compliance check (DEPARTMENT.md §6): the owner signature
/// checked with no key, from record 0, against the key the registry enrolled.
public enum OwnerSignatureVerdict {
    /// A valid signature under a key other than the enrolled one with no logged escrow reset
    /// that would explain it (the keyless check and `--verify` say it alike).
    /// `until`: the day of the escrow password reset up to which `key` was the enrolled one
    /// (`formerlyEnrolled`).
    static func otherKey(_ key: [UInt8], enrolled: [UInt8], person: Registry.Salesperson, until: String? = nil) -> (en: String, zh: String) {
        if let until {
            return ("signed with \(KeyFile.fingerprint(key)), the key enrolled for \(person.name) until the escrow password reset of \(until), not the key enrolled now (\(KeyFile.fingerprint(enrolled))): a copy from before that reset",
                    "签名密钥为 \(KeyFile.fingerprint(key))，是\(person.name)在 \(until) 托管重置密码之前登记的旧密钥，不是现在登记的密钥（\(KeyFile.fingerprint(enrolled))）：档案可能是重置之前的旧副本")
        }
        return ("signed with \(KeyFile.fingerprint(key)), not the key enrolled for \(person.name) (\(KeyFile.fingerprint(enrolled))), and no escrow password reset the department logged while that key was enrolled explains it",
         "签名密钥为 \(KeyFile.fingerprint(key))，不是\(person.name)在部门登记的密钥（\(KeyFile.fingerprint(enrolled))），且部门审计日志中没有在该密钥登记期间对本档案所做的托管重置可以解释")
    }

    /// The verdict of a keyless check against the registry's enrolled key.
    static func verdict(_ check: RecordDigest.Check, header: ArchiveHeader, person: Registry.Salesperson?,
                        stripped: () -> (en: String, zh: String)?, resetLogged: () -> Bool = { false },
                        formerlyEnrolled: ([UInt8]) -> String? = { _ in nil }) -> (value: String, problem: String?) {
        let enrolledKey = person?.signingKey.flatMap { try? KeyFile.parseOwnerKey($0) }
        switch check {
        case .unsigned:
            // FORMAT.md §5.6: unsigned, no logged reset pending, and a key enrolled: stripped.
            if let stripped = stripped() {
                return ("INVALID", "owner signature INVALID: \(stripped.en): changed by someone holding the data key (e.g. through escrow), or an old copy put back")
            }
            return ("unsigned", "unsigned: no owner signature (written by an earlier version, or after an escrow reset until the owner's new password)"
                    + (enrolledKey == nil ? "" : "; \(person!.name) has an enrolled key"))
        case .invalid(let why):
            // (A bit flipped on disk fails the same keyless check: said beside, with what tells
            // them apart; it was said to be a manager's change: helper-194.)
            return ("INVALID", "owner signature INVALID: \(why): changed by someone holding the data key (e.g. through escrow), or damaged on disk (salesvault verify tells which)")
        case .valid(let key):
            guard let enrolledKey else {
                return ("not enrolled", "not enrolled: the owner key \(KeyFile.fingerprint(key)) is not in the registry (salesvault dept enroll)")
            }
            guard enrolledKey == key else {
                // After an escrow password reset the department logged (a trusted entry naming the
                // enrolled key, its record still in the archive), the owner's new password made a
                // new key: to be enrolled, not evidence of tampering (it read as 被改动 and exit 4
                // after every ordinary reset: helper-179). DEPARTMENT.md §6.
                if resetLogged() {
                    return ("new key", "new key: signed with \(KeyFile.fingerprint(key)), not the key enrolled for \(person!.name) (\(KeyFile.fingerprint(enrolledKey))), after an escrow password reset the department logged; once \(person!.name) confirms it is theirs, enroll it (salesvault dept enroll)")
                }
                return ("INVALID", "owner signature INVALID: \(OwnerSignatureVerdict.otherKey(key, enrolled: enrolledKey, person: person!, until: formerlyEnrolled(key)).en): changed by someone holding the data key (e.g. through escrow), or an old copy put back")
            }
            return ("ok", nil)
        }
    }
}

/// The files of a department folder (or of any folder) that the compliance check and the
/// reminders look at: one listing rule for both (JSON.md §6.2).
public enum DepartmentScan {
    public struct Listing: Sendable {
        /// The folder listed: `DIR/archives` when it exists, else `DIR`.
        public let directory: String
        /// How a file is named in reports: "archives/" or "".
        public let prefix: String
        /// Regular files in name order, without hidden files, a writer's temporaries and the
        /// backups that `repair` and `escrow open` leave (ARCHIVE.backup-DATE).
        public let names: [String]
        /// Entries that are not regular files (FIFOs, sockets, devices, symbolic links…), by
        /// `lstat`, never opened; directories are not listed.
        public let irregular: [String]
        /// Names that are not UTF-8, escaped (`escaped`): never opened; one ending in `.svault`
        /// is an archive the check cannot name, so not compliant until it is renamed.
        public let undecodable: [String]
    }

    /// Inspects an archive's header, opening it without blocking and without following a
    /// symbolic link; nil when it is not a regular file (a FIFO must not hang the check).
    public static func inspect(path: String) throws -> ArchiveInspection? {
        let fd = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ELOOP { return nil }
            return try ArchiveInspection.inspect(path: path)  // reports the error as usual
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        // The same open file, by descriptor, so it cannot be swapped after the check.
        // Without the lock: an archive its owner has open is still read (DEPARTMENT.md §6).
        do { return try ArchiveInspection.inspect(path: "/dev/fd/\(fd)", locked: false) } catch let e as VaultError {
            throw VaultError(e.code, e.reason.replacingOccurrences(of: "/dev/fd/\(fd)", with: path), recordIndex: e.recordIndex)
        }
    }

    public static func files(in directory: String) throws -> Listing {
        let layout = Layout(directory)
        var isDir: ObjCBool = false
        let scanDir = FileManager.default.fileExists(atPath: layout.archives, isDirectory: &isDir) && isDir.boolValue ? layout.archives : directory
        // Names as the directory holds them: one that is not UTF-8 is listed (escaped), never
        // dropped (Foundation's listing left it out, and a copy so named hid from the check:
        // helper-154).
        guard let handle = opendir(scanDir) else {
            throw DepartmentError(.notFound, "cannot read the directory \(scanDir)", zh: "无法读取目录 \(scanDir)")
        }
        var all: [String] = []
        var undecodable: [String] = []
        while let entry = readdir(handle) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
            if bytes.first == UInt8(ascii: ".") { continue }
            if let name = String(validating: bytes, as: UTF8.self) { all.append(name) } else { undecodable.append(Self.escaped(bytes)) }
        }
        closedir(handle)
        all.sort()
        var names: [String] = []
        var irregular: [String] = []
        for name in all {
            if name.hasPrefix(".") || name.contains(".tmp-") || name.hasSuffix(".backup") || name.contains(".backup-") { continue }
            var st = stat()
            guard lstat(scanDir + "/" + name, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFREG: names.append(name)
            case S_IFDIR: continue
            default: irregular.append(name)
            }
        }
        return Listing(directory: scanDir, prefix: scanDir == directory ? "" : "archives/", names: names, irregular: irregular,
                       undecodable: undecodable.sorted())
    }

    /// A file name that is not UTF-8 as shown: its ASCII as it is, every other byte `\xHH`.
    static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
    }
}

/// `reminders --ics` (DEPARTMENT.md §5): all-day events on each archive's reminder and overdue dates.
public enum Reminders {
    /// The entries for archive files and department folders (listed as the compliance check
    /// lists them), each judged by its department's rule; files that cannot be read are
    /// returned as skipped.
    public static func collect(_ paths: [String], now: Int64, departmentOverride: String? = nil) throws -> (entries: [Entry], skipped: [String]) {
        var entries: [Entry] = []
        var skipped: [String] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw DepartmentError(.notFound, "\(path) does not exist", zh: "\(path) 不存在")
            }
            var files: [(String, Registry?)] = []
            if isDir.boolValue {
                let registry = FileManager.default.fileExists(atPath: Layout(path).registry) ? try Registry.load(directory: path) : nil
                let listing = try DepartmentScan.files(in: path)
                files = listing.names.filter { $0.hasSuffix(".svault") }.map { (listing.directory + "/" + $0, registry) }
            } else {
                guard let h = try DepartmentScan.inspect(path: path)?.header else {
                    skipped.append(path)
                    continue
                }
                files = [(path, try? ArchiveDepartment.registry(forArchive: path, header: h, override: departmentOverride))]
            }
            for (file, registry) in files {
                guard let info = (try? DepartmentScan.inspect(path: file)) ?? nil else {
                    skipped.append(file)
                    continue
                }
                let h = info.header
                // DEPARTMENT.md §5: D(passwordChangedAt) + remindDays and + overdueDays, in the department's zone.
                let e = (registry?.rotationPolicy ?? .standard).evaluate(h, now: now)
                entries.append(Entry(archiveID: info.prefix.archiveIDHex, owner: h.owner, path: file, evaluation: e,
                                     weeklyReportDue: registry.map { ($0.calendar, $0.reportDueHour) }))
            }
        }
        return (entries, skipped)
    }

    public struct Entry: Sendable {
        public let archiveID: String
        public let owner: String
        public let path: String
        public let evaluation: RotationPolicy.Evaluation
        /// For an archive of a department: its calendar and the hour on Friday the weekly report
        /// is due (REPORTS.md §5), for the weekly reminder.
        public let weeklyReportDue: (calendar: DepartmentCalendar, hour: Int)?
        public init(archiveID: String, owner: String, path: String, evaluation: RotationPolicy.Evaluation,
                    weeklyReportDue: (calendar: DepartmentCalendar, hour: Int)? = nil) {
            self.archiveID = archiveID
            self.owner = owner
            self.path = path
            self.evaluation = evaluation
            self.weeklyReportDue = weeklyReportDue
        }
    }

    public static func calendar(_ entries: [Entry], now: Int64, zh: Bool) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//SalesVault//reminders//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
        let stamp = icsTime(now)
        for e in entries {
            // The dates of DEPARTMENT.md §5: D(passwordChangedAt) + remindDays, + overdueDays.
            for (kind, day) in [("remind", e.evaluation.remindDay), ("overdue", e.evaluation.overdueDay)] {
                guard let day else { continue }
                let summary = kind == "remind"
                    ? (zh ? "更换 SalesVault 密码：\(e.owner)" : "Change the SalesVault password: \(e.owner)")
                    : (zh ? "SalesVault 密码已逾期：\(e.owner)" : "SalesVault password overdue: \(e.owner)")
                let description = zh ? "档案 \(e.path)。请运行：salesvault passwd \(e.path)" : "Archive \(e.path). Run: salesvault passwd \(e.path)"
                lines += AllDayEvent(uid: "\(e.archiveID)-\(kind)@salesvault", day: day, summary: summary, description: description).lines(stamp: stamp)
            }
        }
        // The Friday report (regulation 6.5(6)): a weekly event from the coming Friday, two hours
        // before it is due, in the department's zone: given as UTC instants where the zone keeps
        // one offset (Shanghai), in the zone's local time with its VTIMEZONE where it has summer
        // time, so that the weekly event stays at the local hour (helper-194: as UTC it moved an
        // hour after the change and ended before the deadline).
        var zones: [String: [String]] = [:]
        for e in entries {
            guard let (calendar, _) = e.weeklyReportDue, zones[calendar.timeZone.identifier] == nil,
                  let observances = vtimezone(calendar.timeZone, around: now) else { continue }
            zones[calendar.timeZone.identifier] = observances
        }
        for id in zones.keys.sorted() { lines += zones[id]! }
        for e in entries {
            guard let (calendar, hour) = e.weeklyReportDue else { continue }
            var week = calendar.week(of: now)
            let due = { (w: ISOWeek) in calendar.start(of: w.friday) + Int64(hour) * 3_600 }
            if due(week) <= now { week = week.next }
            let start = due(week) - 7_200
            let summary = zh ? "\(e.owner)：请于周五 \(hour):00 前提交本周销售周报" : "Hand in the weekly report: \(e.owner) (Friday by \(hour):00)"
            // The path quoted for a shell: a name with spaces or `|` stays one argument.
            let quoted = ShellWord.quote(e.path)
            let description = zh ? "按制度 6.5（6），每周五下班前须向总经理和销售总监提交本周销售周报（本周新增内容标色）。请运行：salesvault report submit -a \(quoted)"
                : "Regulation 6.5(6): every Friday, the week's archive goes to the general manager and the sales director. Run: salesvault report submit -a \(quoted)"
            let zone = calendar.timeZone
            let (dtstart, dtend) = zones[zone.identifier] == nil ? ("DTSTART:\(icsTime(start))", "DTEND:\(icsTime(due(week)))")
                : ("DTSTART;TZID=\(zone.identifier):\(localTime(start, zone))", "DTEND;TZID=\(zone.identifier):\(localTime(due(week), zone))")
            lines += [
                "BEGIN:VEVENT", "UID:\(e.archiveID)-weekly-report@salesvault", "DTSTAMP:\(stamp)",
                dtstart, dtend, "RRULE:FREQ=WEEKLY",
                "SUMMARY:\(escape(summary))", "DESCRIPTION:\(escape(description))", "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// An all-day event: its UID stays the same when it is written again (a calendar that
    /// imports the file again updates the event instead of adding one).
    public struct AllDayEvent: Sendable, Equatable {
        public var uid: String
        public var day: Int64
        public var summary: String
        public var description: String

        public init(uid: String, day: Int64, summary: String, description: String) {
            self.uid = uid
            self.day = day
            self.summary = summary
            self.description = description
        }

        func lines(stamp: String) -> [String] {
            ["BEGIN:VEVENT", "UID:\(uid)", "DTSTAMP:\(stamp)",
             "DTSTART;VALUE=DATE:\(DepartmentCalendar.dateString(day, compact: true))",
             "DTEND;VALUE=DATE:\(DepartmentCalendar.dateString(day + 1, compact: true))",
             "SUMMARY:\(escape(summary))", "DESCRIPTION:\(escape(description))", "END:VEVENT"]
        }
    }

    /// An iCalendar file of all-day events (the agenda's follow-ups, `agenda --ics`), written as
    /// the reminders are.
    public static func calendar(events: [AllDayEvent], now: Int64) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//SalesVault//agenda//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
        let stamp = icsTime(now)
        for e in events { lines += e.lines(stamp: stamp) }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// A VTIMEZONE (RFC 5545 §3.6.5) for a zone with summer time: each change of offset from a
    /// year before `now` to ten years after, as an observance of its own; nil for a zone that
    /// keeps one offset (its events are written in UTC).
    static func vtimezone(_ zone: TimeZone, around now: Int64) -> [String]? {
        var at = Date(timeIntervalSince1970: TimeInterval(now - 366 * 86_400))
        let end = Date(timeIntervalSince1970: TimeInterval(now + 3_660 * 86_400))
        var observances: [String] = []
        while let next = zone.nextDaylightSavingTimeTransition(after: at), next < end, observances.count < 400 {
            let t = Int64(next.timeIntervalSince1970)
            let from = zone.secondsFromGMT(for: next.addingTimeInterval(-1)), to = zone.secondsFromGMT(for: next)
            let kind = zone.isDaylightSavingTime(for: next) ? "DAYLIGHT" : "STANDARD"
            func offset(_ s: Int) -> String { String(format: "%@%02d%02d", s < 0 ? "-" : "+", abs(s) / 3_600, abs(s) % 3_600 / 60) }
            // (DTSTART: the local time before the change, in the offset it leaves.)
            observances += ["BEGIN:\(kind)", "DTSTART:\(String(icsTime(t + Int64(from)).dropLast()))", "TZOFFSETFROM:\(offset(from))", "TZOFFSETTO:\(offset(to))",
                            "END:\(kind)"]
            at = next
        }
        guard !observances.isEmpty else { return nil }
        return ["BEGIN:VTIMEZONE", "TZID:\(zone.identifier)"] + observances + ["END:VTIMEZONE"]
    }

    /// An instant as a zone's local time, without the Z (`20261204T160000`).
    static func localTime(_ t: Int64, _ zone: TimeZone) -> String {
        String(icsTime(t + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))).dropLast())
    }

    static func icsTime(_ t: Int64) -> String {
        var tm = tm()
        var time = time_t(t)
        gmtime_r(&time, &tm)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)
    }

    /// RFC 5545 §3.3.11 text escaping.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// RFC 5545 §3.1: lines over 75 octets are folded, never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var out: [String] = []
        var current = ""
        var octets = 0
        for ch in line {
            let n = String(ch).utf8.count
            if octets + n > (out.isEmpty ? 75 : 74) {
                out.append(current)
                current = ""
                octets = 0
            }
            current.append(ch)
            octets += n
        }
        out.append(current)
        return out.joined(separator: "\r\n ")
    }
}
