import Foundation

/// Corrections with the history kept (RECORDS.md §3): a contact-log entry edited or removed, a
/// complaint withdrawn or found unfounded. Each is an event of its own, with its reason as a note;
/// nothing already written is changed.
extension ChangeDraft {
    /// Changes a contact-log entry: `fields` are typed values of its fields (type, summary,
    /// contacts, project, nextStep, nextDate, location), `at` a new time. The customer's last
    /// contact and next follow-up follow the change when this entry set them.
    @discardableResult
    func editLog(_ query: String, fields: [(String, String)], at: Int64?, reason: String?, now: Int64) throws -> Entity {
        let entry = try resolve(.activity, query)
        guard let customerID = entry["customer"]?.ref else {
            throw ArchiveError(.invalidValue, "\(entry.shortID) belongs to no customer", zh: "\(entry.shortID) 未关联客户")
        }
        var changes = try self.changes(.activity, fields, existing: entry, now: now, protected: ["customer", "at"])
        for c in changes {
            switch Schema.field(.activity, number: c.field)?.key {
            case "contacts":
                for id in c.new?.refs ?? [] {
                    if let p = state.entity(.contact, id), p["customer"]?.ref != customerID {
                        throw ArchiveError(.invalidValue, "\(p.displayName) (\(p.shortID)) is a contact of another customer",
                                           zh: "\(p.displayName)（\(p.shortID)）不是该客户的联系人")
                    }
                }
            case "project":
                if let id = c.new?.ref, let p = state.entity(.project, id), p["customer"]?.ref != customerID {
                    throw ArchiveError(.invalidValue, "project \(p.displayName) belongs to another customer", zh: "项目 \(p.displayName) 属于其他客户")
                }
            case "type", "summary":
                if c.new == nil { throw ArchiveError(.missingValue, "a contact log entry keeps its type and summary", zh: "跟进记录的方式和内容不能清空") }
            default: break
            }
        }
        if let at {
            guard at <= now else { throw Self.contactNotYet(at, now: now) }
            let f = Schema.number(.activity, "at")
            if entry[number: f]?.int != at { changes.append(FieldChange(field: f, old: entry[number: f], new: .int(at))) }
        }
        guard !changes.isEmpty else { return entry }  // nothing changes: nothing is written
        if let why = reason?.trimmedWhitespace, !why.isEmpty {
            // (A reason given that says nothing, 其他 or 测试1, is refused as elsewhere: helper-136.)
            guard !why.isPlaceholderReason else {
                // (Said as what it is: a reason was given, and says nothing: helper-137.)
                let shown = why.count > 20 ? String(why.prefix(20)) + "…" : why
                throw ArchiveError(.missingValue, "\"\(shown)\" says nothing as the correction's reason: write what happened (the customer moved the date, a typing error), or leave --reason out",
                                   zh: "更正原因不能只写“\(shown)”，请写明具体理由（如“客户改约”“录入有误”），或不写原因")
            }
            changes.append(FieldChange(field: Schema.reasonField, old: nil, new: .text(why)))
        }
        try commit([ChangeEvent(.update, .activity, entry.id, changes)], now: now)
        // Only a change of its time, people or next date moves what the entry set (helper-106:
        // a summary corrected moved the customer's follow-up to an older entry's date).
        let moved = Set(changes.map(\.field))
        if !moved.isDisjoint(with: [FieldNumbers.activityAt, FieldNumbers.activityContacts]) { try followContacts(after: entry, now: now) }
        if !moved.isDisjoint(with: [FieldNumbers.activityAt, FieldNumbers.activityNextDate]) { try followCustomer(customerID, after: entry, now: now) }
        return state.entity(.activity, entry.id)!
    }

    /// Removes a contact-log entry (it stays in the history with its reason).
    @discardableResult
    func removeLog(_ query: String, reason: String, now: Int64) throws -> Entity {
        let why = reason.trimmedWhitespace
        // (A reason that says nothing, xx or 其他, is none here too, as for a grade: helper-134;
        // 测试, an entry made to try the tool, is a reason to remove it: helper-138.)
        guard !why.isPlaceholderReason || why.namesATest else {
            let note = String.placeholderNote(why)
            throw ArchiveError(.missingValue, "removing a contact log entry needs a reason (--reason); it stays in the history\(note.en)",
                               zh: "删除跟进记录须注明原因（--reason），原记录仍保留在变更历史中\(note.zh)")
        }
        let entry = try resolve(.activity, query)
        try commit([ChangeEvent(.remove, .activity, entry.id, [FieldChange(field: Schema.reasonField, old: nil, new: .text(why))])], now: now)
        try followContacts(after: entry, now: now)
        if let customerID = entry["customer"]?.ref { try followCustomer(customerID, after: entry, now: now) }
        return entry
    }

    /// After `entry` (as it was before) was edited or removed: the last contact of each person it
    /// named before or names now is the time of their latest remaining entry, when this entry
    /// set it (it was this entry's time) or a remaining entry is later (a person the edit adds,
    /// an entry moved later); a time this entry did not set otherwise stays, and a person with no
    /// entry left whose last contact was this entry's has none (RECORDS.md §3).
    private func followContacts(after entry: Entity, now: Int64) throws {
        let contactsField = FieldNumbers.activityContacts, last = FieldNumbers.contactLastContactAt
        let current = state.entity(.activity, entry.id)
        var people: [UInt64] = entry[number: contactsField]?.refs ?? []
        for id in current?[number: contactsField]?.refs ?? [] where !people.contains(id) { people.append(id) }
        guard !people.isEmpty else { return }
        let latest = state.latestEntries(customers: [], contacts: Set(people)).contacts
        let before = entry["at"]?.int
        var events: [ChangeEvent] = []
        for id in people {
            guard let p = state.entity(.contact, id) else { continue }
            let had = p[number: last]?.int
            let setByEntry = had != nil && had == before && (entry[number: contactsField]?.refs ?? []).contains(id)
            let new: Int64? = latest[id]
            guard setByEntry ? new != had : (new ?? .min) > (had ?? .min) else { continue }
            events.append(ChangeEvent(.update, .contact, id, [FieldChange(field: last, old: p[number: last], new: new.map(FieldValue.int))]))
        }
        if !events.isEmpty { try commit(events, now: now) }
    }

    /// After `entry` (as it was before) was edited or removed: the customer's last contact and
    /// next follow-up are those of its latest remaining entry, when they were this entry's
    /// (values typed by hand or imported stay as they are). Contacts follow in `followContacts`.
    private func followCustomer(_ customerID: UInt64, after entry: Entity, now: Int64) throws {
        guard let c = state.entity(.customer, customerID) else { return }
        var entries: [Entity] = []
        state.each(.activity) { e in if e["customer"]?.ref == customerID { entries.append(e) } }
        entries.sort { ($0["at"]?.int ?? .min, $0.id) < ($1["at"]?.int ?? .min, $1.id) }
        let latest = entries.last
        let wasLatest = latest?.id == entry.id || (c["lastContactAt"]?.int).map { $0 == entry["at"]?.int } ?? false
        var changes: [FieldChange] = []
        let lastField = Schema.number(.customer, "lastContactAt")
        if wasLatest || latest?.id == entry.id {
            let last = latest?["at"]
            if last != c[number: lastField] { changes.append(FieldChange(field: lastField, old: c[number: lastField], new: last)) }
        }
        let nextField = Schema.number(.customer, "nextFollowUp")
        let setByEntry = entry["nextDate"] != nil && entry["nextDate"] == c[number: nextField]
        if setByEntry || latest?.id == entry.id {
            let next = entries.last { $0["nextDate"] != nil }?["nextDate"]
            if next != c[number: nextField] { changes.append(FieldChange(field: nextField, old: c[number: nextField], new: next)) }
        }
        if !changes.isEmpty { try commit([ChangeEvent(.update, .customer, customerID, changes)], now: now) }
    }

    /// Closes a complaint that is not resolved yet, or whose customer was not satisfied with its
    /// handling: the customer withdrew it (撤诉) or it was found unfounded (不成立). The reason is required and kept in the history (regulation 6.4).
    @discardableResult
    func withdrawComplaint(_ query: String, unfounded: Bool, reason: String, at: Int64?, now: Int64) throws -> Entity {
        let e = try resolve(.complaint, query)
        let why = reason.trimmedWhitespace
        guard !why.isPlaceholderReason || why.namesATest else {
            let note = String.placeholderNote(why)
            throw ArchiveError(.missingValue, "withdrawing a complaint needs a reason (--reason)\(note.en)", zh: "撤诉或认定投诉不成立须注明原因（--reason）\(note.zh)")
        }
        let status = complaintStatus(e)
        // A complaint the customer was not satisfied with is open again (to be handled anew), so
        // it can be withdrawn too (helper-180 N6: it was refused as surveyed); its handling and
        // survey stay in the history.
        let again = status == .surveyed && e["satisfaction"]?.text == Satisfaction.dissatisfied.rawValue
        guard [.received, .routed, .handling].contains(status) || again else {
            throw ArchiveError(.invalidTransition, "\(e.displayName) is \(status.en); only a complaint not yet resolved, or one the customer was not satisfied with, can be withdrawn",
                               zh: "\(e.displayName) 当前状态为“\(status.zh)”，只有尚未处理完毕或客户不满意、待重新处理的投诉才能撤诉或认定不成立")
        }
        let when = try stepTime(e, at: at, now: now, after: ["receivedAt", "managerNotifiedAt", "directorNotifiedAt"] + (again ? ["resolvedAt", "surveyedAt"] : []))
        var changes = set(.complaint, e, [
            ("status", .text((unfounded ? ComplaintStatus.unfounded : .withdrawn).rawValue)), ("withdrawnAt", .int(when)),
        ])
        changes.append(FieldChange(field: Schema.reasonField, old: nil, new: .text(why)))
        try commit([ChangeEvent(.update, .complaint, e.id, changes)], now: now)
        return state.entity(.complaint, e.id)!
    }
}
