import Foundation

/// Complaints (regulation 6.4): received → routed to the sales manager and the sales director
/// (both recorded) → resolved under a coordinator → satisfaction survey. No step is skipped.
extension ChangeDraft {
    /// What is wrong with a complaint's steps (regulation 6.4: routed only with both
    /// notifications, resolved with a coordinator and a result, surveyed with a satisfaction), or nil.
    static func complaintStepProblem(_ e: Entity) -> (en: String, zh: String)? {
        let status = e["status"]?.text.flatMap(ComplaintStatus.init(rawValue:)) ?? .received
        // (Withdrawn or found unfounded may be before routing: regulation 6.4 closes it so.)
        if ![.received, .withdrawn, .unfounded].contains(status) && (e["managerNotifiedAt"] == nil || e["directorNotifiedAt"] == nil) {
            return ("\(status.en) without both the manager and the director notified", "状态为“\(status.zh)”，但尚未同时通报经理和总监")
        }
        if [.resolved, .surveyed, .closed].contains(status) && (e["coordinator"] == nil || e["resolution"] == nil) {
            return ("\(status.en) without a coordinator and a resolution", "状态为“\(status.zh)”，但未填写协调人或处理结果")
        }
        if [.surveyed, .closed].contains(status) && e["satisfaction"] == nil {
            return ("\(status.en) without a satisfaction survey", "状态为“\(status.zh)”，但尚未做满意度回访")
        }
        return nil
    }

    func complaintStatus(_ e: Entity) -> ComplaintStatus {
        e["status"]?.text.flatMap(ComplaintStatus.init(rawValue:)) ?? .received
    }

    func set(_ kind: EntityKind, _ e: Entity, _ values: [(String, FieldValue?)]) -> [FieldChange] {
        values.map { key, value in
            let n = Schema.number(kind, key)
            return FieldChange(field: n, old: e[number: n], new: value)
        }
    }

    @discardableResult
    func fileComplaint(
        customer: String, about subject: String, description: String, channel: String? = nil, complainant: String? = nil,
        receivedAt: Int64, number given: String? = nil, now: Int64
    ) throws -> Entity {
        let c = try resolve(.customer, customer)
        let about = subject.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = description.trimmingCharacters(in: .whitespacesAndNewlines)
        // (Said without the command's option: an import's row without 被投诉人/部门 was told
        // --about: helper-119.)
        guard !about.isEmpty else { throw ArchiveError(.missingValue, "say who or which department the complaint is about (被投诉人/部门)", zh: "请填写被投诉人/部门（被投诉人员的姓名或部门名称）") }
        // (A complaint received in the future was taken: helper-119.)
        guard receivedAt <= now else {
            throw Self.notYet(receivedAt, now: now, time: ("the time received", "受理时间"), day: ("the day received", "受理时间"), zhTail: "只能登记已经收到的投诉")
        }
        guard !text.isEmpty else { throw ArchiveError(.missingValue, "a complaint needs a description", zh: "请填写投诉内容") }
        // The complainant among this customer's people, as a log entry's are (another customer's
        // was stored, and this customer's own 王芳 was ambiguous with others': helper-185 F2).
        let person = try complainant.map { text -> Entity in
            let found = try resolveList(.contact, text, customer: c.id)
            guard found.count == 1, let p = found.first else {
                throw ArchiveError(.invalidValue, "the complainant is one person; \(text) names \(found.count)", zh: "投诉人只能填一位，目前填了 \(found.count) 位：“\(text)”。请只保留一位")
            }
            guard p["customer"]?.ref == c.id else {
                throw ArchiveError(.invalidValue, "\(p.displayName) (\(p.shortID)) is not a contact of \(c.displayName)", zh: "“\(p.displayName)”（\(p.shortID)）是其他客户的联系人，不属于\(c.displayName)")
            }
            return p
        }
        let complaints = state.countIncludingRemoved(.complaint)
        // The number a file gives, when it is free (an export's: the customer was given it); or
        // the number of this very complaint removed (an import undone and made again); else the
        // next of its year that no complaint of the set is given.
        if complaintHolders?.complaints != complaints { complaintHolders = (complaints, ComplaintNumbers(state)) }
        let holders = complaintHolders!.numbers  // (set just above)
        let kept = Self.keepableComplaintNumber(given, receivedAt: receivedAt).flatMap { holders.free($0.number, receivedAt: receivedAt, description: text) ? $0 : nil }
            ?? holders.removedNumber(receivedAt: receivedAt, description: text).flatMap { n in
                reservedComplaintNumbers.contains(n) ? nil : Self.complaintNumberParts(n).flatMap { holders.free($0.number, receivedAt: receivedAt, description: text) ? $0 : nil }
            }
        let year = kept?.year ?? DateParser.civil(DateParser.localDay(receivedAt)).year
        var highest = 0
        if let known = complaintNumbers[year], known.complaints == complaints {
            highest = known.highest
        } else {
            let prefix = "TS-\(year)-"
            state.eachIncludingRemoved(.complaint) { e in
                if let n = e["number"]?.text, n.hasPrefix(prefix), let k = Int(n.dropFirst(8)) { highest = max(highest, k) }
            }
        }
        var next = highest + 1
        while kept == nil, reservedComplaintNumbers.contains(String(format: "TS-%04d-%04d", year, next)) { next += 1 }
        // Past 9999 (a file kept TS-2025-9999; TS-2025-10000 followed, which no import takes:
        // helper-204 7): the lowest serial of the year no complaint has.
        if kept == nil, next > 9_999 {
            next = 1
            while next <= 9_999, case let n = String(format: "TS-%04d-%04d", year, next), holders.taken(n) || reservedComplaintNumbers.contains(n) { next += 1 }
            guard next <= 9_999 else {
                throw ArchiveError(.invalidValue, "every complaint number of \(year) is taken (TS-\(year)-0001 to 9999)", zh: "\(year) 年的投诉编号（TS-\(year)-0001 至 TS-\(year)-9999）已全部用完，无法再登记新投诉")
            }
        }
        let number = kept?.number ?? String(format: "TS-%04d-%04d", year, next)
        let serial = kept.map { max(highest, $0.serial) } ?? max(highest, next)
        let id = newID()
        var changes = [
            FieldChange(field: Schema.number(.complaint, "customer"), old: nil, new: .ref(c.id)),
            FieldChange(field: Schema.number(.complaint, "number"), old: nil, new: .text(number)),
            FieldChange(field: Schema.number(.complaint, "receivedAt"), old: nil, new: .int(receivedAt)),
            FieldChange(field: Schema.number(.complaint, "subject"), old: nil, new: .text(about)),
            FieldChange(field: Schema.number(.complaint, "description"), old: nil, new: .text(text)),
            FieldChange(field: Schema.number(.complaint, "status"), old: nil, new: .text(ComplaintStatus.received.rawValue)),
        ]
        if let channel, !channel.isEmpty { changes.append(FieldChange(field: Schema.number(.complaint, "channel"), old: nil, new: .text(Self.channelText(channel)))) }
        if let person { changes.append(FieldChange(field: Schema.number(.complaint, "complainant"), old: nil, new: .ref(person.id))) }
        try commit([ChangeEvent(.create, .complaint, id, changes)], now: now)
        complaintNumbers[year] = (serial, complaints + 1)
        complaintHolders?.numbers.add(number, removed: false, customer: c.id, receivedAt: receivedAt, description: text)
        complaintHolders?.complaints = complaints + 1
        return state.entity(.complaint, id)!
    }

    /// A complaint number as this archive writes them, `TS-2025-0001` (full width, lower case,
    /// spaces around it and zeros before the serial aside: `TS-2025-00004` is `TS-2025-0004`,
    /// which it was kept beside: helper-202 5), with its year and serial (1–9999); nil for
    /// anything else.
    package static func complaintNumberParts(_ text: String?) -> (number: String, year: Int, serial: Int)? {
        guard let text else { return nil }
        let s = String(String.UnicodeScalarView(text.unicodeScalars.map(\.asciiForm))).trimmingCharacters(in: .whitespaces).uppercased()
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "TS", parts[1].count == 4, parts[2].count >= 1, parts[2].count <= 8,
              parts[1].allSatisfy({ ("0"..."9").contains($0) }), parts[2].allSatisfy({ ("0"..."9").contains($0) }),
              let year = Int(parts[1]), let serial = Int(parts[2]), year >= 1900, (1...9_999).contains(serial) else { return nil }
        return (String(format: "TS-%04d-%04d", year, serial), year, serial)
    }

    /// `complaintNumberParts` of a number a complaint received at `receivedAt` may keep: of the
    /// year it was received (or the year beside it, a file's time zone aside; TS-9999-0001 was
    /// kept for a complaint of 2025: helper-202 5).
    package static func keepableComplaintNumber(_ text: String?, receivedAt: Int64) -> (number: String, year: Int, serial: Int)? {
        guard let parts = complaintNumberParts(text) else { return nil }
        return abs(parts.year - DateParser.civil(DateParser.localDay(receivedAt)).year) <= 1 ? parts : nil
    }



    /// Records that the sales manager and/or the sales director were told; when both were, the
    /// complaint is routed.
    @discardableResult
    func routeComplaint(_ query: String, manager: Bool, director: Bool, at: Int64? = nil, now: Int64) throws -> Entity {
        let e = try resolve(.complaint, query)
        let when = try stepTime(e, at: at, now: now, after: ["receivedAt"])
        guard manager || director else { throw ArchiveError(.missingValue, "say who was notified: --manager, --director, or both", zh: "请注明已通报的对象：经理（--manager）、总监（--director），或两者都选") }
        guard complaintStatus(e) == .received else {
            throw ArchiveError(.invalidTransition, "\(e.displayName) is \(complaintStatus(e).en); only a received complaint is routed", zh: "\(e.displayName) 当前状态为“\(complaintStatus(e).zh)”，只有“已受理”的投诉才能登记通报")
        }
        var values: [(String, FieldValue?)] = []
        if manager && e["managerNotifiedAt"] == nil { values.append(("managerNotifiedAt", .int(when))) }
        if director && e["directorNotifiedAt"] == nil { values.append(("directorNotifiedAt", .int(when))) }
        guard !values.isEmpty else { throw ArchiveError(.invalidValue, "already recorded", zh: "该通报已登记过，无需重复") }
        let bothDone = (manager || e["managerNotifiedAt"] != nil) && (director || e["directorNotifiedAt"] != nil)
        if bothDone { values.append(("status", .text(ComplaintStatus.routed.rawValue))) }
        try commit([ChangeEvent(.update, .complaint, e.id, set(.complaint, e, values))], now: now)
        return state.entity(.complaint, e.id)!
    }

    /// Records the coordinated handling and its result; needs both notifications first.
    @discardableResult
    func resolveComplaint(_ query: String, coordinator: String, resolution: String, at: Int64? = nil, now: Int64) throws -> Entity {
        let e = try resolve(.complaint, query)
        // A customer not satisfied with the handling: handled again, then surveyed again (it was
        // a dead end, refused as surveyed: helper-179); the first handling and survey stay in
        // the history.
        let again = complaintStatus(e) == .surveyed && e["satisfaction"]?.text == Satisfaction.dissatisfied.rawValue
        guard complaintStatus(e) == .routed || again else {
            let status = complaintStatus(e)
            if status == .surveyed {
                throw ArchiveError(.invalidTransition, "\(e.displayName) has been surveyed and the customer was satisfied: its handling is closed",
                                   zh: "\(e.displayName) 已回访，客户对处理结果满意，无需再次处理")
            }
            guard status == .received else {
                throw ArchiveError(.invalidTransition, "\(e.displayName) is \(status.en): its handling can no longer be recorded",
                                   zh: "\(e.displayName) 当前状态为“\(status.zh)”，不能再登记处理结果")
            }
            // Who is still to be notified, and the command that records it (helper-155: it said
            // both must be notified when the manager had been).
            let (manager, director) = (e["managerNotifiedAt"] != nil, e["directorNotifiedAt"] != nil)
            let route = "salesvault complaint route \(e.displayName)" + (manager ? "" : " --manager") + (director ? "" : " --director")
            let done = manager ? ("the sales manager is notified, the sales director not yet", "已通报销售经理，尚未通报销售总监")
                : director ? ("the sales director is notified, the sales manager not yet", "已通报销售总监，尚未通报销售经理")
                : ("neither the sales manager nor the sales director is notified yet", "尚未通报销售经理和销售总监")
            throw ArchiveError(
                .invalidTransition,
                "\(e.displayName): \(done.0); both must be notified before its handling is recorded: run \(route) first",
                zh: "\(e.displayName)：\(done.1)。两位都通报后才能登记处理结果，请先运行 \(route)")
        }
        let who = coordinator.trimmingCharacters(in: .whitespacesAndNewlines)
        let result = resolution.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !who.isEmpty, !result.isEmpty else { throw ArchiveError(.missingValue, "give the coordinator and the resolution", zh: "请填写协调人和处理结果") }
        guard !Self.isAbout(e["subject"]?.text ?? "", who) else {
            throw ArchiveError(.invalidValue, "the person the complaint is about cannot coordinate its handling", zh: "被投诉人不能担任该投诉的协调人")
        }
        let when = try stepTime(e, at: at, now: now, after: ["receivedAt", "managerNotifiedAt", "directorNotifiedAt"] + (again ? ["surveyedAt"] : []))
        var values: [(String, FieldValue?)] = [
            ("coordinator", .text(who)), ("resolution", .text(result)), ("resolvedAt", .int(when)),
            ("status", .text(ComplaintStatus.resolved.rawValue)),
        ]
        // (The survey to come is the new handling's.)
        if again { values += ["satisfaction", "surveyedAt", "surveyComment", "surveyedBy"].filter { e[$0] != nil }.map { ($0, nil) } }
        try commit([ChangeEvent(.update, .complaint, e.id, set(.complaint, e, values))], now: now)
        return state.entity(.complaint, e.id)!
    }

    /// Records the satisfaction survey of a resolved complaint.
    @discardableResult
    func surveyComplaint(_ query: String, satisfaction text: String, comment: String?, by surveyor: String? = nil, at: Int64? = nil, now: Int64) throws -> Entity {
        let e = try resolve(.complaint, query)
        guard complaintStatus(e) == .resolved else {
            // Surveyed already, or closed without one: said as such (helper-110: "the survey
            // follows the resolution" read as if it had not been resolved).
            switch complaintStatus(e) {
            case .surveyed:
                throw ArchiveError(.invalidTransition, "\(e.displayName) has been surveyed already; there is no second survey",
                                   zh: "\(e.displayName) 已做过满意度回访，无需再次回访")
            case .closed:
                throw ArchiveError(.invalidTransition, "\(e.displayName) is closed; it takes no survey any more",
                                   zh: "\(e.displayName) 已关闭，不能再做满意度回访")
            case .withdrawn, .unfounded:
                throw ArchiveError(.invalidTransition, "\(e.displayName) is \(complaintStatus(e).en): there is nothing to survey",
                                   zh: "\(e.displayName) 当前状态为“\(complaintStatus(e).zh)”，无需满意度回访")
            default:
                throw ArchiveError(.invalidTransition, "\(e.displayName) is \(complaintStatus(e).en); the survey follows the resolution",
                                   zh: "\(e.displayName) 当前状态为“\(complaintStatus(e).zh)”，投诉处理完毕后才能做满意度回访")
            }
        }
        guard let s = Satisfaction.parse(text) else { throw ArchiveError(.invalidValue, "\(text) is not one of \(Satisfaction.codes)", zh: "没有“\(text)”这个满意度选项，可选：\(Satisfaction.labelsZH)") }
        let when = try stepTime(e, at: at, now: now, after: ["resolvedAt"])
        var values: [(String, FieldValue?)] = [("satisfaction", .text(s.rawValue)), ("surveyedAt", .int(when))]
        if let comment, !comment.isEmpty { values.append(("surveyComment", .text(comment))) }
        if let surveyor = surveyor?.trimmingCharacters(in: .whitespacesAndNewlines), !surveyor.isEmpty { values.append(("surveyedBy", .text(surveyor))) }
        values.append(("status", .text(ComplaintStatus.surveyed.rawValue)))
        try commit([ChangeEvent(.update, .complaint, e.id, set(.complaint, e, values))], now: now)
        return state.entity(.complaint, e.id)!
    }

    /// Whether a complaint whose 被投诉人/部门 is `subject` is about `person` (who then cannot
    /// coordinate it: regulation 6.4), names compared as RECORDS.md §4 compares them.
    static func isAbout(_ subject: String, _ person: String) -> Bool {
        normalizedName(subject).contains(normalizedName(person))
    }

    /// A complaint's channel as it is kept: the words the English help offers (phone, visit,
    /// letter, email, IM) in Chinese, as the Chinese help lists them (电话、来访、信函、邮件、即时通讯);
    /// the 投诉 sheet showed phone and email among Chinese words (helper-100). Any other text as
    /// given.
    static func channelText(_ given: String) -> String {
        let words = ["phone": "电话", "telephone": "电话", "call": "电话", "visit": "来访", "letter": "信函", "mail": "信函",
                     "email": "邮件", "e-mail": "邮件", "im": "即时通讯", "wechat": "微信"]
        return words[given.trimmedWhitespace.lowercased()] ?? given
    }

    /// A moment later than now, said as a day after today or a time later today (a time later
    /// today was said to be a date after today: 日期不能晚于今天).
    /// `time` and `day` name the moment in each case (时间, 日期).
    static func notYet(_ at: Int64, now: Int64, time: (en: String, zh: String), day: (en: String, zh: String), zhTail: String) -> ArchiveError {
        let d = DateParser.localDay(at)
        if d > DateParser.localDay(now) {
            return ArchiveError(.invalidValue, "\(day.en) (\(DateParser.format(d))) is in the future: only what has happened can be recorded",
                                zh: "\(day.zh)（\(DateParser.format(d))）晚于今天，\(zhTail)")
        }
        // HH:mm, and HH:mm:ss when both fall in the same minute (今天 00:13 晚于现在 00:13: helper-124).
        let sameMinute = DateParser.localMinute(at) == DateParser.localMinute(now)
        func clock(_ t: Int64) -> String {
            let hm = String(DateParser.localMinute(t).suffix(5))
            guard sameMinute else { return hm }
            let local = t + Int64(TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
            return hm + String(format: ":%02d", Int(((local % 60) + 60) % 60))
        }
        return ArchiveError(.invalidValue, "\(time.en) (\(clock(at)) today) is later than now (\(clock(now))): only what has happened can be recorded",
                            zh: "\(time.zh)（今天 \(clock(at))）晚于现在（\(clock(now))），\(zhTail)")
    }

    /// A contact logged later than now: on a day after today, or later today.
    static func contactNotYet(_ at: Int64, now: Int64) -> ArchiveError {
        notYet(at, now: now, time: ("the contact's time", "跟进时间"), day: ("the contact's date", "跟进日期"), zhTail: "不能提前记录")
    }

    /// When a step happened: `at` (a date given with --at, DateParser.parseInstant) or now; never
    /// in the future, never on a day before the steps it follows (regulation 6.4: nothing skips or
    /// reorders a step); a date alone on the day of the step before is that step's time, a time of day
    /// before it is refused.
    func stepTime(_ e: Entity, at: Int64?, now: Int64, after fields: [String]) throws -> Int64 {
        guard var at else { return now }
        guard at <= now else { throw Self.notYet(at, now: now, time: ("the time", "时间"), day: ("the date", "日期"), zhTail: "只能登记已经发生的处理环节") }
        // A date alone is midnight from a file and 09:00 from --at: decided once, before it is
        // moved to a step's time (moved to the receipt's 15:00, it was then refused as a time
        // before the 16:00 notification: helper-124).
        let start = DateParser.startOfDay(DateParser.localDay(at))
        let dateOnly = at == start || at == start + Int64(DateParser.dateOnlyHour) * 3_600
        for key in fields {
            guard let earlier = e[key]?.int, at < earlier else { continue }
            let step = Self.stepWords[key] ?? (en: key, zh: Schema.field(.complaint, key: key)?.zh ?? key)
            // A date-only step on the day of the step before it is recorded at that step's time.
            guard DateParser.localDay(at) == DateParser.localDay(earlier) else {
                throw ArchiveError(.invalidTransition, "the date (\(DateParser.format(DateParser.localDay(at)))) is before an earlier step of this complaint (\(step.en): \(DateParser.format(DateParser.localDay(earlier))))",
                                   zh: "所填日期（\(DateParser.format(DateParser.localDay(at)))）早于\(step.zh)（\(DateParser.format(DateParser.localDay(earlier)))），投诉各环节须按先后顺序登记，请核对日期")
            }
            // A time of day before that step is refused: it was moved to that step's time
            // without a word (处理 at 08:00 after 通报 at 09:00 was recorded at 09:00: helper-123).
            guard dateOnly else {
                throw ArchiveError(.invalidTransition, "the time (\(DateParser.localMinute(at))) is before an earlier step of this complaint (\(step.en): \(DateParser.localMinute(earlier)))",
                                   zh: "所填时间（\(DateParser.localMinute(at))）早于\(step.zh)（\(DateParser.localMinute(earlier))），投诉各环节须按先后顺序登记，请核对时间")
            }
            at = earlier
        }
        return at
    }

    /// A step's time as a refusal names it (已通报销售经理 read as "the manager was told": helper-124).
    static let stepWords: [String: (en: String, zh: String)] = [
        "receivedAt": ("received", "该投诉的受理时间"), "managerNotifiedAt": ("sales manager notified", "通报销售经理的时间"),
        "directorNotifiedAt": ("sales director notified", "通报销售总监的时间"), "resolvedAt": ("resolved", "该投诉的处理时间"),
        "surveyedAt": ("surveyed", "回访时间"), "withdrawnAt": ("withdrawn", "撤诉/不成立时间"),
    ]
}

/// The complaint numbers of an archive, with what each complaint that has one is (whether
/// removed, its customer, when received, its text): whether a number may be given (`free`), and
/// the number a removed complaint had (`removedNumber`), without a scan per complaint.
package struct ComplaintNumbers {
    struct Holder { let removed: Bool; let customer: UInt64?; let receivedAt: Int64?; let description: String? }
    private var byNumber: [String: [Holder]] = [:]
    private var removedByKey: [String: String] = [:]

    package init(_ state: ArchiveState) {
        state.eachIncludingRemoved(.complaint) { e in
            guard let n = e["number"]?.text else { return }
            add(n, removed: e.removed, customer: e["customer"]?.ref, receivedAt: e["receivedAt"]?.int, description: e["description"]?.text)
        }
    }

    mutating func add(_ number: String, removed: Bool, customer: UInt64?, receivedAt: Int64?, description: String?) {
        byNumber[number, default: []].append(Holder(removed: removed, customer: customer, receivedAt: receivedAt, description: description))
        if removed, let receivedAt, let description { removedByKey["\(receivedAt)|\(description)"] = number }
    }

    /// Whether `number` may be given to a complaint received at `receivedAt` with `description`:
    /// no complaint has it, or only removed ones received then with that text (the same
    /// complaint, its import undone and made again: it was renumbered: helper-201 4). A number
    /// once given to another complaint is never given again.
    package func free(_ number: String, receivedAt: Int64, description: String) -> Bool {
        (byNumber[number] ?? []).allSatisfy { $0.removed && $0.receivedAt == receivedAt && $0.description == description }
    }

    /// Whether a complaint, removed or not, has `number`.
    func taken(_ number: String) -> Bool { byNumber[number] != nil }

    /// The number of a removed complaint received then with that text (its customer may be
    /// another record of the same company: an undone import removed its customers too).
    func removedNumber(receivedAt: Int64, description: String) -> String? {
        removedByKey["\(receivedAt)|\(description)"]
    }
}
