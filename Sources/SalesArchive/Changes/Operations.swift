import Foundation

/// The everyday changes, each validated and saved as one batch (regulations ch. 6 and 7).
extension ChangeDraft {
    /// Adds a customer; the name must be new (compared without spaces and bracket width).
    @discardableResult
    func addCustomer(name: String, fields: [(String, String)] = [], now: Int64) throws -> Entity {
        let trimmed = try Self.name(name, of: .customer)
        if let duplicate = customer(sameNameAs: trimmed) { throw ArchiveError(.invalidValue, "\(trimmed) is already in the archive as \(duplicate.shortID)", zh: "客户“\(trimmed)”已存在（\(duplicate.shortID)），请勿重复添加") }
        var all = fields
        if !all.contains(where: { Schema.field(.customer, key: $0.0)?.key == "grade" }) { all.append(("grade", Grade.unrated.rawValue)) }
        let id = newID()
        let changes = [FieldChange(field: Schema.number(.customer, "name"), old: nil, new: .text(trimmed))]
            + (try self.changes(.customer, all, existing: nil, now: now, protected: ProtectedFields.newCustomer))
        let checked = try checkNames(changes, customer: id, before: nil)
        try checkCode(checked, customer: id, before: nil)
        try commit([ChangeEvent(.create, .customer, id, checked)], now: now)
        return state.entity(.customer, id)!  // just created
    }

    /// Changes fields of any record; grade and stage have their own commands (they need a reason).
    @discardableResult
    func edit(_ kind: EntityKind, _ query: String, fields given: [(String, String)], now: Int64) throws -> Entity {
        let e = try resolve(kind, query)
        var fields = given
        // `alias` adds one alias to a customer's aliases (field 22), kept if already there.
        let added = fields.filter { $0.0 == "alias" }.map(\.1)
        if !added.isEmpty {
            guard kind == .customer else { throw ArchiveError(.unknownField, "only customers have aliases", zh: "只有客户可以添加别名") }
            fields.removeAll { $0.0 == "alias" }
            fields.append(("aliases", try aliases(of: e, adding: added)))
        }
        var protected: Set<String> = ["customer", "lastContactAt"]
        switch kind {
        case .customer: protected.formUnion(["grade"])
        case .project: protected.formUnion(["stage", "stageSince"])
        case .complaint: protected.formUnion(["status", "number", "managerNotifiedAt", "directorNotifiedAt", "resolvedAt", "surveyedAt", "withdrawnAt"])
        case .contact, .activity: break
        case .escrowUse, .export:
            throw ArchiveError(.invalidValue, "\(kind.en) records are evidence and cannot be edited", zh: "\(kind.zh)属于审计留痕，不能修改")
        }
        var named = fields
        for (i, (key, value)) in fields.enumerated() where Schema.field(kind, key: key)?.key == "name" {
            guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ArchiveError(.missingValue, "a name cannot be cleared", zh: "名称不能清空") }
            let newName = try Self.name(value, of: kind)
            if kind == .customer {
                if let clash = customer(sameNameAs: newName), clash.id != e.id { throw ArchiveError(.invalidValue, "\(newName) is already in the archive as \(clash.shortID)", zh: "客户“\(newName)”已存在（\(clash.shortID)），不能重名") }
            }
            if kind == .contact {
                named[i].1 = newName  // (王敏、 is stored as 王敏, as `addContact` stores it)
                if let customerID = e["customer"]?.ref { try refuseJoinedPeople(newName, customer: customerID, besides: e.id) }
            }
        }
        var changes = try self.changes(kind, named, existing: e, now: now, protected: protected)
        if kind == .customer, let again = followUpSetAgain(e, named, changes: changes, now: now) { changes.append(again) }
        guard !changes.isEmpty else { return e }
        // The person a resolved complaint is about cannot be its coordinator, however the
        // complaint comes to be about them (an edit of 被投诉人: helper-100).
        if kind == .complaint, let who = e["coordinator"]?.text, !who.isEmpty,
           let subject = changes.first(where: { $0.field == Schema.number(.complaint, "subject") })?.new?.text,
           Self.isAbout(subject, who) {
            throw ArchiveError(.invalidValue, "the person the complaint is about cannot coordinate its handling, and \(who) coordinates it",
                               zh: "修改后的被投诉人包含\(who)，而\(who)是该投诉的协调人；被投诉人不能担任协调人，请核对被投诉人/部门")
        }
        let checked = kind == .customer ? try checkNames(changes, customer: e.id, before: e) : changes
        if kind == .customer { try checkCode(checked, customer: e.id, before: e) }
        guard !checked.isEmpty else { return e }  // (aliases the same once tidied)
        try commit([ChangeEvent(.update, kind, e.id, checked)], now: now, edit: true)
        return state.entity(kind, e.id)!
    }

    /// A follow-up set again to the day it already has, when a contact on or after that day has
    /// done it (a morning call, then `--set 下次跟进=今天` to call again): the setting is recorded
    /// (the same date, old and new) so that the agenda and the report count it from now. It
    /// wrote nothing, and the customer stayed off the day's list (helper-134's case, set again).
    /// Nil when the date is another, still to come, or still to do (`followUpCanBeSetAgain`).
    func followUpSetAgain(_ e: Entity, _ fields: [(String, String)], changes: [FieldChange], now: Int64) -> FieldChange? {
        guard let spec = Schema.field(.customer, key: "nextFollowUp"),
              fields.contains(where: { Schema.field(.customer, key: $0.0)?.number == spec.number }),
              !changes.contains(where: { $0.field == spec.number }),
              archive.followUpCanBeSetAgain(e, now: now), let current = e[number: spec.number] else { return nil }
        return FieldChange(field: spec.number, old: current, new: current)
    }

    /// A customer's aliases with `added` joined to them (、-separated): each trimmed, not empty, one
    /// name (no separator in it), not another customer's code (a lookup by it would find two).
    /// Names of other customers, short names and aliases are checked by `checkNames`.
    func aliases(of e: Entity, adding added: [String]) throws -> String {
        var list = Lookup.splitAliases(e["aliases"]?.text ?? "")
        for alias in added {
            guard !alias.trimmedWhitespace.isEmpty else {
                throw ArchiveError(.missingValue, "--alias is empty: give the alias to add", zh: "--alias 后的别名为空，请填写要添加的别名。")
            }
            let a = try Self.name(alias, of: .customer)
            guard CompanyName.splitAliases(a) == [a] else {
                throw ArchiveError(.invalidValue, "give one alias per --alias", zh: "每个 --alias 只填一个别名")
            }
            var clash: Entity?
            state.each(.customer) { c in
                if c.id != e.id && [c["code"]?.text, c["number"]?.text].contains(where: { $0?.lowercased() == a.lowercased() }) { clash = c }
            }
            if let clash {
                throw ArchiveError(.invalidValue, "\(a) is the code of \(clash.shortID) \(clash.displayName); choose another alias",
                                   zh: "“\(a)”是 \(clash.shortID) \(clash.displayName) 的客户编号，不能用作别名，请换一个别名",
                                   candidates: ["\(clash.shortID) \(clash.displayName)"])
            }
            if !Lookup.names(of: e).contains(a.lowercased()) && !list.contains(where: { $0.lowercased() == a.lowercased() }) { list.append(a) }
        }
        return list.joined(separator: "、")
    }

    /// Regrades a customer; the reason is required and kept in the history (regulation 6.2).
    @discardableResult
    func setGrade(_ query: String, to gradeText: String, reason: String, result: String = "", problem: String = "", now: Int64) throws -> Entity {
        let e = try resolve(.customer, query)
        guard let grade = Grade.parse(gradeText) else { throw ArchiveError(.invalidValue, "\(gradeText) is not a grade; use \(Grade.codes)", zh: "没有“\(gradeText)”这个等级，请填 \(Grade.labelsZH)") }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isPlaceholderReason else {
            let note = String.placeholderNote(why)
            throw ArchiveError(.missingValue, "a grade change needs a reason (regulation 6.2: it goes into the work report)\(note.en)",
                               zh: "调整客户等级须注明原因（--reason），按制度 6.2 要写入工作汇报\(note.zh)")
        }
        let field = Schema.number(.customer, "grade")
        let old = e[number: field]
        guard old?.text != grade.rawValue else { throw ArchiveError(.invalidValue, "\(e.displayName) is already grade \(grade.rawValue)", zh: "\(e.displayName) 当前已是 \(grade.rawValue) 级，无需调整") }
        var changes = [
            FieldChange(field: field, old: old, new: .text(grade.rawValue)),
            FieldChange(field: Schema.reasonField, old: nil, new: .text(why)),
        ]
        changes += Self.gradeNotes(result: result, problem: problem)
        try commit([ChangeEvent(.update, .customer, e.id, changes)], now: now, grade: true)
        return state.entity(.customer, e.id)!
    }

    /// The result and the problems of a customer's grade change, given afterwards: an update
    /// that carries only these notes (RECORDS.md §2); the weekly report joins it to the change of
    /// batch `change`, or without it to the customer's latest grade change before it.
    func noteGrade(_ query: String, result: String, problem: String, change: UInt64? = nil, now: Int64) throws -> Entity {
        let e = try resolve(.customer, query)
        var notes = Self.gradeNotes(result: result, problem: problem)
        guard !notes.isEmpty else {
            throw ArchiveError(.missingValue, "give the result (--result) or the problems met (--problem) of the grade change",
                               zh: "请填写等级调整的结果（--result）或遇到的问题（--problem）")
        }
        // A note with no grade change to complete completes nothing, and the weekly report shows
        // it nowhere (it was said to be noted for the report: helper-179).
        if change == nil, try archive.latestGradeChange(of: e.id) == nil {
            throw ArchiveError(.invalidTransition,
                               "the grade of \(e.displayName) has not been changed since it was added: there is no grade change to add a result or problems to; give them with the change (customer grade \(e.shortID) GRADE --reason … --result …)",
                               zh: "\(e.displayName)自添加以来还没有调整过等级，没有可补充结果或问题的等级调整。调整等级时可一并填写：salesvault customer grade \(e.shortID) 新等级 --reason … --result … --problem …")
        }
        if let change, change <= UInt64(Int64.max) { notes.append(FieldChange(field: Schema.gradeChangeField, old: nil, new: .int(Int64(change)))) }
        try commit([ChangeEvent(.update, .customer, e.id, notes)], now: now)
        return state.entity(.customer, e.id)!
    }

    static func gradeNotes(result: String, problem: String) -> [FieldChange] {
        var notes: [FieldChange] = []
        let r = result.trimmingCharacters(in: .whitespacesAndNewlines)
        let p = problem.trimmingCharacters(in: .whitespacesAndNewlines)
        if !r.isEmpty { notes.append(FieldChange(field: Schema.resultField, old: nil, new: .text(r))) }
        if !p.isEmpty { notes.append(FieldChange(field: Schema.problemField, old: nil, new: .text(p))) }
        return notes
    }

    /// Removes a record from view (its history stays), with an optional reason. A customer goes
    /// with its contacts, projects, contact-log entries and complaints, in the same change set
    /// (undo brings them back together): a record left live would name a customer no list shows,
    /// and an export would give rows no import can place (RECORDS.md §3). A customer with a
    /// complaint still to be resolved or surveyed (regulation 6.4) is not removed.
    func remove(_ kind: EntityKind, _ query: String, reason: String = "", now: Int64) throws -> Entity {
        let e = try resolve(kind, query)
        let q = query.trimmingCharacters(in: .whitespaces).lowercased()
        // (A record of this change set, @3, as an import names the person it adds and removes.)
        guard q == e.shortID.lowercased() || q == String(e.id) || q == e["name"]?.text?.lowercased() || q.hasPrefix("@") else {
            throw ArchiveError(.invalidValue, "to remove \(e.shortID) \(e.displayName), give its id or its full name", zh: "为防误删，移除 \(e.shortID) \(e.displayName) 须输入编号或完整名称", candidates: ["\(e.shortID) \(e.displayName)"])
        }
        var events: [ChangeEvent] = []
        if kind == .customer {
            try ensureContactLog()  // (its entries are among what goes with it)
            let dependents = state.dependents(ofCustomer: e.id)
            let unfinished = dependents.complaints.filter { c in
                let status = complaintStatus(c)
                return status.isOpen || status == .resolved
            }
            if !unfinished.isEmpty {
                let ids = unfinished.map { $0.displayName }
                throw ArchiveError(.invalidTransition,
                                   "\(e.shortID) \(e.displayName) has a complaint not closed yet (\(ids.joined(separator: ", "))); finish it (complaint route, resolve, survey) or withdraw it first (regulation 6.4)",
                                   zh: "客户 \(e.shortID) \(e.displayName)还有未结案的投诉 \(ids.joined(separator: "、"))，暂不能移除。按制度第 6.4 条，投诉须跟进至满意度回访。\(unfinished.allSatisfy { complaintStatus($0) == .resolved } ? "请先完成满意度回访（complaint survey）" : "请先办结（complaint route、resolve、survey）或撤销（complaint withdraw）该投诉")")
            }
            // A customer with business under way (an open project) goes only with a reason, as a
            // project lost or a log entry removed does (it went without a word, a bid at 招投标
            // with it: helper-127).
            let open = dependents.projects.filter { !(SalesStage(rawValue: $0["stage"]?.text ?? "")?.isClosed ?? false) }
            if !open.isEmpty, reason.isPlaceholderReason && !reason.namesATest {
                let listed = open.prefix(3).map { p in "\(p.displayName)（\(SalesStage(rawValue: p["stage"]?.text ?? "")?.zh ?? "")）" }.joined(separator: "、")
                let listedEN = open.prefix(3).map { p in "\(p.displayName) (\(SalesStage(rawValue: p["stage"]?.text ?? "")?.en ?? ""))" }.joined(separator: ", ")
                let note = String.placeholderNote(reason)
                throw ArchiveError(.missingValue,
                                   "\(e.shortID) \(e.displayName) has \(open.count) open \(open.count == 1 ? "project" : "projects") (\(listedEN)\(open.count > 3 ? ", …" : "")); removing it needs a reason (--reason)\(note.en)",
                                   zh: "客户 \(e.shortID) \(e.displayName)还有 \(open.count) 个进行中的项目（\(listed)\(open.count > 3 ? "等" : "")），移除须注明原因（--reason）\(note.zh)")
            }
            for d in dependents.log { events.append(ChangeEvent(.remove, .activity, d.id, [])) }
            for d in dependents.complaints { events.append(ChangeEvent(.remove, .complaint, d.id, [])) }
            for d in dependents.projects { events.append(ChangeEvent(.remove, .project, d.id, [])) }
            for d in dependents.contacts { events.append(ChangeEvent(.remove, .contact, d.id, [])) }
        }
        let why = reason.trimmedWhitespace
        events.append(ChangeEvent(.remove, kind, e.id, why.isEmpty ? [] : [FieldChange(field: Schema.reasonField, old: nil, new: .text(why))]))
        try commit(events, now: now)
        return e
    }

    /// Brings back a removed contact (`R3`, its id; its history and the records naming it as
    /// they were), with an optional reason: what an import does with a person another
    /// salesperson's file has live, whom an earlier import of theirs added as removed
    /// (INTERCHANGE.md §6). Its customer must be live, and no live contact of the customer may
    /// have its name unless the two have mobiles and not one in common (told apart so, as
    /// `contact add --force` adds a namesake).
    /// The numbers of a mobile cell, as digits without a leading 86 or 0086: parts split at
    /// `,，;；、/` and at spaces between numbers (`13900000009 13800000001` is two, `+86 138 0000
    /// 0001` one: a part ends once it holds a whole number). Coarser than the import's
    /// `Identity.phoneKeys`, which decides before it asks for a restore (helper-193 7: a live
    /// namesake's second number was not seen).
    static func mobileNumbers(_ text: String?) -> Set<String> {
        var out = Set<String>()
        func digits(_ s: Substring) -> String { String(s.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 }.map(Character.init)) }
        func whole(_ d: String) -> Bool { d.hasPrefix("0086") ? d.count >= 15 : d.hasPrefix("86") ? d.count >= 13 : d.count >= 11 }
        func add(_ d: String) {
            let plain = d.hasPrefix("0086") && d.count == 15 ? String(d.dropFirst(4)) : d.hasPrefix("86") && d.count == 13 ? String(d.dropFirst(2)) : d
            if plain.count >= 5 { out.insert(plain) }
        }
        for part in (text ?? "").split(whereSeparator: { ",，;；、/".contains($0) }) {
            var number = ""
            for word in part.split(whereSeparator: \.isWhitespace) {
                number += digits(word)
                if whole(number) { add(number); number = "" }
            }
            add(number)
        }
        return out
    }

    func restoreContact(_ query: String, reason: String = "", force: Bool = false, now: Int64) throws -> Entity {
        // (Ｒ２ as R2, as the other commands read an id: helper-193 8.)
        let q = CompanyName.halfWidth(query).trimmedSpaces
        guard !q.isEmpty else { throw ArchiveError(.missingValue, "which contact? give their id (R3) or name", zh: "请指定要恢复的联系人：编号（如 R3）或姓名。") }
        // Another kind's id (L3, C1, P4): said so, not "no removed contact is named L3".
        if let kind = EntityKind.allCases.first(where: { $0 != .contact && !$0.idPrefix.isEmpty && q.uppercased().hasPrefix($0.idPrefix) && UInt64(q.dropFirst($0.idPrefix.count)) != nil }) {
            throw ArchiveError(.invalidValue, "\(q.uppercased()) is the id of a \(kind.en), not of a contact; contact restore brings back contacts",
                               zh: "\(q.uppercased()) 是\(kind.zh)的编号，不是联系人的编号；contact restore 只能恢复联系人。")
        }
        let e: Entity
        if q.uppercased().hasPrefix(EntityKind.contact.idPrefix), let n = UInt64(q.dropFirst(EntityKind.contact.idPrefix.count)) {
            guard let found = state.entityIncludingRemoved(.contact, n) else {
                throw ArchiveError(.notFound, "no contact \(q.uppercased()) in the archive", zh: "档案中没有联系人 \(q.uppercased())。")
            }
            e = found
        } else {
            // By name (`contact restore 张伟`, in either script): the one removed person of it.
            let key = CompanyName.personKey(CompanyName.Simplified.fold(q))
            var gone: [Entity] = []
            state.eachIncludingRemoved(.contact) { c in
                if c.removed, CompanyName.personKey(CompanyName.Simplified.fold(c["name"]?.text ?? "")) == key { gone.append(c) }
            }
            guard !gone.isEmpty else {
                throw ArchiveError(.notFound, "no removed contact is named \(q); salesvault history lists what was removed",
                                   zh: "已移除的联系人中没有“\(q)”。可用 salesvault history 查看曾移除的联系人。")
            }
            guard gone.count == 1 else {
                throw ArchiveError(.ambiguous, "\(gone.count) removed contacts are named \(q); give the id of the one to bring back",
                                   zh: "已移除的联系人中有 \(gone.count) 位“\(q)”，请改用编号指定要恢复哪一位。",
                                   candidates: gone.sorted { $0.id < $1.id }.map { Lookup.candidate($0, in: state) })
            }
            e = gone[0]
        }
        guard e.removed else {
            throw ArchiveError(.invalidTransition, "\(e.shortID) \(e.displayName) is not removed", zh: "联系人 \(e.shortID) \(e.displayName)未被移除，无需恢复。")
        }
        guard let owner = e["customer"]?.ref, let customer = state.entity(.customer, owner) else {
            throw ArchiveError(.invalidTransition, "\(e.shortID) \(e.displayName) belongs to a removed customer; bring the customer back first (undo its removal)",
                               zh: "联系人 \(e.shortID) \(e.displayName)所属的客户已被移除，请先撤销当初移除该客户的批次。")
        }
        let key = CompanyName.personKey(CompanyName.Simplified.fold(e["name"]?.text ?? ""))
        let mobiles = Self.mobileNumbers(e["mobile"]?.text)
        let alike = force ? [] : state.children(.contact, ofCustomer: owner).filter { c in
            guard CompanyName.personKey(CompanyName.Simplified.fold(c["name"]?.text ?? "")) == key else { return false }
            let theirs = Self.mobileNumbers(c["mobile"]?.text)
            return mobiles.isEmpty || theirs.isEmpty || !mobiles.isDisjoint(with: theirs)
        }
        if let live = alike.first {
            // Why, naming who has no mobile, and what to do: nothing when they are one person;
            // otherwise the live one given their own number, or --force (helper-193 9, helper-195).
            let theirs = Self.mobileNumbers(live["mobile"]?.text)
            let (r, l) = (e.shortID, live.shortID)
            let why: (en: String, zh: String)
            let edit = (en: "give \(l) their own mobile (salesvault contact edit \(l) --set mobile=NUMBER) and restore \(r) again, or ",
                        zh: "请先为 \(l) 填写其本人的手机号（salesvault contact edit \(l) --set 手机=新手机号）再恢复 \(r)，或")
            var fix = (en: "", zh: "")
            if mobiles.isEmpty && theirs.isEmpty {
                why = ("neither has a mobile", "两人都未填写手机号，无法判断是否为同一人")  // (两人: \(l) and \(r))
            } else if mobiles.isEmpty {
                why = ("\(r) has no mobile", " \(r) 未填写手机号，无法判断是否为同一人")  // (且 R3: a space before an id)
            } else if theirs.isEmpty {
                why = ("\(l) has no mobile", " \(l) 未填写手机号，无法判断是否为同一人")
                fix = edit
            } else {
                why = ("they have the same mobile", "两人手机号相同，很可能是同一人")
                fix = (edit.en.replacingOccurrences(of: "give \(l) their own mobile", with: "change \(l)'s mobile to their own"),
                       edit.zh.replacingOccurrences(of: "请先为 \(l) 填写其本人的手机号", with: "请先将 \(l) 的手机号改为其本人的号码"))
            }
            // (Every one of them named: one was, and --force then made three: helper-197; said of
            // them all, not of the first one's mobile alone: helper-199.)
            if alike.count > 1 {
                let named = alike.map { "\($0.shortID) \($0.displayName)" }
                let whyAll = mobiles.isEmpty ? (en: "\(r) has no mobile to tell them apart", zh: " \(r) 未填写手机号，无法判断是否为其中一位")
                    : (en: "each of them has no mobile or \(r)'s", zh: "他们或未填写手机号，或与 \(r) 手机号相同，无法据此区分")
                throw ArchiveError(.invalidTransition, "\(customer.displayName) has \(alike.count) live contacts of that name, \(named.joined(separator: ", ")), and \(whyAll.en), so \(r) was not brought back; if \(r) is one of them, there is nothing to restore; if not, bring \(r) back anyway with salesvault contact restore \(r) --force (then tell them apart by their ids)",
                                   zh: "客户\(customer.displayName)名下已有 \(alike.count) 位与 \(r) 同名的联系人：\(named.joined(separator: "、"))。由于\(whyAll.zh)，因此未恢复 \(r)。如 \(r) 就是其中一位，无需恢复，继续使用那位联系人即可；如均不是，请加 --force 直接恢复（salesvault contact restore \(r) --force），恢复后请以编号区分同名联系人。")
            }
            throw ArchiveError(.invalidTransition, "\(customer.displayName) has a live contact of that name, \(l) \(live.displayName), and \(why.en), so \(r) was not brought back; if they are one person, there is nothing to restore: keep using \(l); if not, \(fix.en)bring \(r) back anyway with salesvault contact restore \(r) --force (then tell the two apart by their ids)",
                               zh: "客户\(customer.displayName)名下已有与 \(r) 同名的联系人 \(l) \(live.displayName)，且\(why.zh)，因此未恢复 \(r)。如是同一人，无需恢复，继续使用 \(l) 即可；如不是同一人，\(fix.zh)加 --force 直接恢复（salesvault contact restore \(r) --force），恢复后两人同名，请以编号区分。")
        }
        // Another person of the customer with this one's mobile: refused as contact edit refuses
        // it, --force to go on (two live people of one mobile came back without a word: helper-197).
        if !force, !mobiles.isEmpty, let other = state.children(.contact, ofCustomer: owner).first(where: { !Self.mobileNumbers($0["mobile"]?.text).isDisjoint(with: mobiles) }) {
            let number = mobiles.intersection(Self.mobileNumbers(other["mobile"]?.text)).sorted().first ?? ""
            let (r, o) = (e.shortID, other.shortID)
            throw ArchiveError(.invalidTransition, "\(customer.displayName)'s contact \(o) \(other.displayName) has the same mobile (\(number)) as \(r) \(e.displayName), so \(r) was not brought back; if they share it, bring \(r) back with salesvault contact restore \(r) --force; if not, correct \(o)'s mobile first (salesvault contact edit \(o) --set mobile=NUMBER)",
                               zh: "客户\(customer.displayName)下的联系人 \(o) \(other.displayName)与 \(r) \(e.displayName)的手机号相同（\(number)），因此未恢复 \(r)。如两人确实共用该号码，请加 --force 恢复（salesvault contact restore \(r) --force）；如是 \(o) 的号码有误，请先更正 \(o) 的手机号（salesvault contact edit \(o) --set 手机=新手机号），再恢复 \(r)；如是 \(r) 的号码有误，请加 --force 恢复后再更正 \(r) 的手机号。")
        }
        let why = reason.trimmedWhitespace
        try commit([ChangeEvent(.restore, .contact, e.id, why.isEmpty ? [] : [FieldChange(field: Schema.reasonField, old: nil, new: .text(why))])], now: now)
        return state.entity(.contact, e.id) ?? e
    }

    @discardableResult
    func addContact(customer: String, name: String, fields: [(String, String)] = [], now: Int64) throws -> Entity {
        let c = try resolve(.customer, customer)
        let trimmed = try Self.name(name, of: .contact)
        try refuseJoinedPeople(trimmed, customer: c.id)
        let id = newID()
        let changes = [
            FieldChange(field: Schema.number(.contact, "customer"), old: nil, new: .ref(c.id)),
            FieldChange(field: Schema.number(.contact, "name"), old: nil, new: .text(trimmed)),
        ] + (try self.changes(.contact, fields, existing: nil, now: now, protected: ProtectedFields.newContact))
        try commit([ChangeEvent(.create, .contact, id, changes)], now: now)
        return state.entity(.contact, id)!
    }

    /// Refuses `name` for a contact of customer `customerID` when it is people of that customer
    /// joined by 和, 与, 及 or 跟 (`王敏和李雷`, each already a contact), as a list of people reads
    /// it (RECORDS.md §4): it was added as a person of that name (helper-99). `besides`: the
    /// contact being renamed, not counted.
    func refuseJoinedPeople(_ name: String, customer customerID: UInt64, besides: UInt64? = nil) throws {
        guard let parts = Self.conjoinedPeople(name) else { return }
        var known = Set<String>()
        state.each(.contact) { p in
            if p.id != besides, p["customer"]?.ref == customerID, let n = p["name"]?.text { known.insert(CompanyName.personKey(n)) }
        }
        guard parts.allSatisfy({ known.contains(CompanyName.personKey($0)) }) else { return }
        throw ArchiveError(.invalidValue, "\(name) looks like several people (\(parts.joined(separator: ", ")) are each a contact of this customer); a contact's name is one person's",
                           zh: "“\(name)”看起来是多位联系人（\(parts.joined(separator: "、"))都已是该客户的联系人）。每条联系人记录只能填一个人的姓名，多位联系人请分别添加")
    }

    /// Logs a call, visit, activity…; updates the customer's (and the contacts') last contact.
    @discardableResult
    func logActivity(
        customer: String, type typeText: String, summary: String, at: Int64, contacts: [String] = [], project: String? = nil,
        nextStep: String? = nil, nextDate: String? = nil, location: String? = nil, now: Int64
    ) throws -> Entity {
        let id = try stageLogEntry(customer: customer, type: typeText, summary: summary, at: at, contacts: contacts, project: project,
                                   nextStep: nextStep, nextDate: nextDate, location: location, now: now)
        return state.entity(.activity, id)!
    }

    /// `logActivity` without its result: stages the entry's events and returns its id (what a
    /// draft of log entries only, `logEntriesOnly`, plans).
    func stageLogEntry(
        customer: String, type typeText: String, summary: String, at: Int64, contacts: [String] = [], project: String? = nil,
        nextStep: String? = nil, nextDate: String? = nil, location: String? = nil, now: Int64
    ) throws -> UInt64 {
        let c = try resolve(.customer, customer)
        guard let type = ActivityType.parse(typeText) else { throw ArchiveError(.invalidValue, "\(typeText) is not a contact type; use \(ActivityType.codes)", zh: "没有“\(typeText)”这种跟进方式，可选：\(ActivityType.labelsZH)") }
        let text = summary.trimmedWhitespace
        guard !text.isEmpty else { throw ArchiveError(.missingValue, "a contact log entry needs a summary", zh: "请填写跟进内容") }
        // (Each given text may name several people, as a log's 联系人 field does: 王敏/李雷.)
        var people: [Entity] = []
        for text in contacts {
            for e in try resolveList(.contact, text, customer: c.id) where !people.contains(where: { $0.id == e.id }) { people.append(e) }
        }
        for p in people where p["customer"]?.ref != c.id {
            throw ArchiveError(.invalidValue, "\(p.displayName) (\(p.shortID)) is not a contact of \(c.displayName)", zh: "“\(p.displayName)”（\(p.shortID)）是其他客户的联系人，不属于\(c.displayName)")
        }
        let proj = try project.map { try resolve(.project, $0) }
        if let proj, proj["customer"]?.ref != c.id {
            throw ArchiveError(.invalidValue, "project \(proj.displayName) belongs to another customer", zh: "项目 \(proj.displayName) 属于其他客户")
        }
        let next = try nextDate.map { try DateParser.parse($0, now: now, yearless: readsDatesWithoutYear ? .upcoming : .refused) }
        // Later than now, also later today (a file's 2026-12-04 晚上11点58分 at 23:26 was
        // logged, as the day alone was compared: helper-123).
        guard at <= now else { throw Self.contactNotYet(at, now: now) }
        let id = newID()
        let changes = Self.entryChanges(customer: c.id, type: type, at: at, summary: text, contacts: people.map(\.id), project: proj?.id,
                                        nextStep: nextStep, next: next, location: location)
        var events = [ChangeEvent(.create, .activity, id, changes)]
        let customerChanges = Self.lastContactChanges(last: c[number: FieldNumbers.customerLastContactAt],
                                                      followUp: c[number: FieldNumbers.customerNextFollowUp], at: at, next: next)
        if !customerChanges.isEmpty { events.append(ChangeEvent(.update, .customer, c.id, customerChanges)) }
        let contactLast = FieldNumbers.contactLastContactAt
        for p in people where (p[number: contactLast]?.int ?? .min) < at {
            events.append(ChangeEvent(.update, .contact, p.id, [FieldChange(field: contactLast, old: p[number: contactLast], new: .int(at))]))
        }
        // (Not when the project's progress already says it: a change from a text to the same
        // text was recorded, helper-110.)
        if let proj, let nextStep, !nextStep.isEmpty, proj[number: FieldNumbers.projectProgress] != .text(text) {
            let f = FieldNumbers.projectProgress
            events.append(ChangeEvent(.update, .project, proj.id, [FieldChange(field: f, old: proj[number: f], new: .text(text))]))
        }
        try commit(events, now: now)
        return id
    }

    /// The fields of a new contact-log entry (also `CustomerArchive.planLog`'s).
    static func entryChanges(customer: UInt64, type: ActivityType, at: Int64, summary: String, contacts: [UInt64] = [], project: UInt64? = nil,
                             nextStep: String?, next: Int32?, location: String?) -> [FieldChange] {
        var changes: [FieldChange] = [
            FieldChange(field: FieldNumbers.activityCustomer, old: nil, new: .ref(customer)),
            FieldChange(field: FieldNumbers.activityType, old: nil, new: .text(type.rawValue)),
            FieldChange(field: FieldNumbers.activityAt, old: nil, new: .int(at)),
            FieldChange(field: FieldNumbers.activitySummary, old: nil, new: .text(summary)),
        ]
        if !contacts.isEmpty { changes.append(FieldChange(field: FieldNumbers.activityContacts, old: nil, new: .refs(contacts))) }
        if let project { changes.append(FieldChange(field: FieldNumbers.activityProject, old: nil, new: .ref(project))) }
        if let nextStep, !nextStep.isEmpty { changes.append(FieldChange(field: FieldNumbers.activityNextStep, old: nil, new: .text(nextStep))) }
        if let next { changes.append(FieldChange(field: FieldNumbers.activityNextDate, old: nil, new: .day(next))) }
        if let location, !location.isEmpty { changes.append(FieldChange(field: FieldNumbers.activityLocation, old: nil, new: .text(location))) }
        return changes
    }

    /// What an entry at `at` (with next date `next`) changes of its customer, whose last contact
    /// and next follow-up are `last` and `followUp`: both, when it is the latest entry (a
    /// backdated entry moves neither; the same value is no change).
    static func lastContactChanges(last: FieldValue?, followUp: FieldValue?, at: Int64, next: Int32?) -> [FieldChange] {
        var changes: [FieldChange] = []
        let isLatest = (last?.int ?? .min) <= at
        if isLatest && last?.int != at { changes.append(FieldChange(field: FieldNumbers.customerLastContactAt, old: last, new: .int(at))) }
        if let next, isLatest, followUp != .day(next) {
            changes.append(FieldChange(field: FieldNumbers.customerNextFollowUp, old: followUp, new: .day(next)))
        }
        return changes
    }

    @discardableResult
    func addProject(customer: String, name: String, fields: [(String, String)] = [], since: Int64? = nil, now: Int64) throws -> Entity {
        let c = try resolve(.customer, customer)
        let trimmed = try Self.name(name, of: .project)
        let id = newID()
        let changes = [
            FieldChange(field: Schema.number(.project, "customer"), old: nil, new: .ref(c.id)),
            FieldChange(field: Schema.number(.project, "name"), old: nil, new: .text(trimmed)),
            FieldChange(field: Schema.number(.project, "stage"), old: nil, new: .text(SalesStage.infoDevelopment.rawValue)),
            FieldChange(field: Schema.number(.project, "stageSince"), old: nil, new: .int(min(since ?? now, now))),
        ] + (try self.changes(.project, fields, existing: nil, now: now, protected: ProtectedFields.newProject, customer: c.id))
        try commit([ChangeEvent(.create, .project, id, changes)], now: now)
        return state.entity(.project, id)!
    }

    /// Moves a project to another stage. The next stage needs nothing; going back, skipping a
    /// stage, leaving a closed project, or closing as lost/abandoned needs a reason.
    @discardableResult
    func setStage(_ query: String, to stageText: String, reason: String?, at: Int64? = nil, now: Int64) throws -> Entity {
        let p = try resolve(.project, query)
        guard let stage = SalesStage.read(stageText) else {
            if let disagreeing = ChangeDraft.disagreement(Schema.field(.project, key: "stage")!, .stage, stageText) { throw disagreeing }
            let shown = ChangeDraft.quoted(stageText)
            throw ArchiveError(.invalidValue, "\(shown) is not a stage; use 1–5 or \(SalesStage.codes)", zh: "没有“\(shown)”这个阶段，请填 1–5 或 \(SalesStage.labelsZH)")
        }
        let field = Schema.number(.project, "stage")
        let current = p[number: field]?.text.flatMap(SalesStage.init(rawValue:)) ?? .infoDevelopment
        guard stage != current else { throw ArchiveError(.invalidValue, "\(p.displayName) is already at \(stage.en)", zh: "\(p.displayName) 当前已是“\(stage.zh)”") }
        let why = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if current.moveNeedsReason(to: stage) && why.isPlaceholderReason {
            let what = current.isClosed ? "reopening a closed project (\(current.en))" :
                stage.isClosed ? "closing a project as \(stage.en)" :
                stage.order < current.order ? "going back from \(current.reference(zh: false)) to \(stage.reference(zh: false))"
                    : "skipping from \(current.reference(zh: false)) to \(stage.reference(zh: false))"
            let whatZH = current.isClosed ? "重新启动已\(current == .abandoned ? "放弃" : current.zh)的项目" :
                stage.isClosed ? "将项目关闭为“\(stage.zh)”" :
                stage.order < current.order ? "从\(current.reference(zh: true))退回\(stage.reference(zh: true))"
                    : "从\(current.reference(zh: true))跳到\(stage.reference(zh: true))"
            let note = String.placeholderNote(why)
            throw ArchiveError(.missingValue, "\(what) needs a reason (--reason)\(note.en)", zh: "\(whatZH)须注明原因（--reason）\(note.zh)")
        }
        // When it entered the stage: the change's time, or an earlier one given (a move made on
        // Friday typed in on Monday was dated Monday: helper-179), not before it entered the
        // stage it leaves, and not after the change.
        var since = at ?? now
        if let at {
            guard at <= now else {
                throw ArchiveError(.invalidValue, "the project cannot enter a stage later than now (\(DateParser.localMinute(at)))",
                                   zh: "进入阶段的时间（\(DateParser.localMinute(at))）不能晚于现在")
            }
            // Not before the move into the stage it leaves. A project not moved since it was
            // added (its first stage dated by its recording) may move at any earlier time: a
            // project first recorded on Monday moved last Friday (it was refused: helper-180).
            // A date alone on that move's day is recorded at the move's time, as a complaint's
            // steps are (09:00 was refused after a 15:00 move: helper-180).
            if let entered = p["stageSince"]?.int, at < entered, entered != p.createdAt {
                let start = DateParser.startOfDay(DateParser.localDay(at))
                let dateOnly = at == start || at == start + Int64(DateParser.dateOnlyHour) * 3_600
                guard dateOnly, DateParser.localDay(at) == DateParser.localDay(entered) else {
                    throw ArchiveError(.invalidValue, "\(p.displayName) entered \(current.reference(zh: false)) at \(DateParser.localMinute(entered)): it cannot leave it before that (\(DateParser.localMinute(at)))",
                                       zh: "\(p.displayName)于 \(DateParser.localMinute(entered)) 进入\(current.reference(zh: true))，不能早于这个时间离开（所填时间为 \(DateParser.localMinute(at))）")
                }
                since = entered
            }
        }
        var changes = [
            FieldChange(field: field, old: p[number: field], new: .text(stage.rawValue)),
            FieldChange(field: Schema.number(.project, "stageSince"), old: p["stageSince"], new: .int(since)),
        ]
        if !why.isEmpty { changes.append(FieldChange(field: Schema.reasonField, old: nil, new: .text(why))) }
        try commit([ChangeEvent(.update, .project, p.id, changes)], now: now)
        return state.entity(.project, p.id)!
    }
}

/// The fields a new record's operation does not take from its input, built once (an import
/// creates a record per row).
enum ProtectedFields {
    static let newCustomer: Set<String> = ["name", "lastContactAt"]
    static let newContact: Set<String> = ["customer", "name", "lastContactAt"]
    static let newProject: Set<String> = ["customer", "name", "stage", "stageSince"]
}

/// Field numbers of the contact log's operation, looked up by key once (it runs once per
/// imported row).
enum FieldNumbers {
    static let activityAt = Schema.number(.activity, "at")
    static let activityContacts = Schema.number(.activity, "contacts")
    static let activityCustomer = Schema.number(.activity, "customer")
    static let activityLocation = Schema.number(.activity, "location")
    static let activityNextDate = Schema.number(.activity, "nextDate")
    static let activityNextStep = Schema.number(.activity, "nextStep")
    static let activityProject = Schema.number(.activity, "project")
    static let activitySummary = Schema.number(.activity, "summary")
    static let activityType = Schema.number(.activity, "type")
    static let contactLastContactAt = Schema.number(.contact, "lastContactAt")
    static let customerLastContactAt = Schema.number(.customer, "lastContactAt")
    static let customerNextFollowUp = Schema.number(.customer, "nextFollowUp")
    static let projectProgress = Schema.number(.project, "progress")
}
