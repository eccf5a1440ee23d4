import Foundation

/// Undo of a committed change set (RECORDS.md §8): the inverse events written as a new batch,
/// refused when later changes touched what the batch changed, or when the result would break a
/// rule of §3 that every change obeys.
extension CustomerArchive {
    /// The batch named by `text`: `B12`, `b12` or `12` (ASCII digits only).
    public static func batchID(_ text: String) -> UInt64? {
        let t = CompanyName.halfWidth(text).trimmingCharacters(in: .whitespacesAndNewlines)  // (Ｂ１ typed with a Chinese input method is B1)
        let digits = t.uppercased().hasPrefix("B") ? String(t.dropFirst()) : t
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return UInt64(digits)
    }

    /// Writes the inverse of batch `id` as a new change set labelled "undo B<id>".
    @discardableResult
    public func undo(batch id: UInt64, now: Int64) throws -> CommittedBatch {
        try undo(planUndo(batch: id), now: now)
    }

    /// An undo worked out and checked (`planUndo`): shown by a dry run, written by `undo(_:now:)`.
    public struct PlannedUndo {
        /// The batch undone.
        public let batch: UInt64
        /// The events the undo writes.
        public let events: [ChangeEvent]
        /// The archive's record count when planned: a plan of an archive changed since is worked out again.
        let recordCount: UInt64
    }

    /// The undo of batch `id`, after every check (RECORDS.md §8), not yet written.
    public func planUndo(batch id: UInt64) throws -> PlannedUndo {
        PlannedUndo(batch: id, events: try undoEvents(batch: id), recordCount: vault.header.recordCount)
    }

    /// Writes `plan` as a new change set labelled "undo B<id>" (worked out again when the archive
    /// has changed since it was planned: the CLI shows a plan, then writes it, without checking
    /// the whole history twice).
    @discardableResult
    public func undo(_ plan: PlannedUndo, now: Int64) throws -> CommittedBatch {
        let events = plan.recordCount == vault.header.recordCount ? plan.events : try undoEvents(batch: plan.batch)
        return try write(events, label: "undo B\(plan.batch)", origin: .cli, now: now)
    }

    /// One batch as read for an undo: its id, label and events (all its records).
    private struct ReadBatch {
        let id: UInt64
        let label: String
        let origin: ChangeBatch.Origin
        var events: [ChangeEvent]
    }

    /// The events that undo batch `id`, after every check (RECORDS.md §8).
    public func undoEvents(batch id: UInt64) throws -> [ChangeEvent] {
        let name = "B\(id)"
        guard id < vault.header.recordCount else {
            throw ArchiveError(.notFound, "there is no batch \(name) in this archive (history lists them)", zh: "档案中没有批次 \(name)（可用 history 查看）")
        }
        try loadContactLog()  // the batch may have touched contact-log entries
        var target: ReadBatch?
        var later: [ReadBatch] = []
        try vault.forEachRecord(from: id) { index, payload in
            if Snapshot.isSnapshot(payload) {
                if index == id { throw ArchiveError(.invalidValue, "\(name) is a snapshot, not a change", zh: "\(name) 是档案快照，不是一次更改，无法撤销") }
                return
            }
            let batch = try BatchCodec.decode(payload)
            let batchID = batch.batch ?? index
            if index == id && batchID != id {
                throw ArchiveError(.invalidValue, "\(name) is part of batch B\(batchID); undo that batch", zh: "\(name) 属于批次 B\(batchID)，请直接撤销该批次")
            }
            if batchID == id {
                if target == nil { target = ReadBatch(id: id, label: batch.label, origin: batch.origin, events: []) }
                target!.events += batch.events  // just set
            } else if let last = later.last, last.id == batchID {
                later[later.count - 1].events += batch.events
            } else {
                later.append(ReadBatch(id: batchID, label: batch.label, origin: batch.origin, events: batch.events))
            }
        }
        guard let target else { throw ArchiveError(.notFound, "there is no batch \(name) in this archive (history lists them)", zh: "档案中没有批次 \(name)（可用 history 查看）") }
        guard target.origin != .system && target.origin != .escrow, !target.events.contains(where: { $0.kind == .escrowUse }) else {
            throw ArchiveError(.invalidValue, "\(name) records an escrow use; evidence is never undone", zh: "\(name) 是经理通过托管访问档案的记录，属于审计留痕，不能撤销")
        }
        guard !target.events.contains(where: { $0.kind == .export }) else {
            throw ArchiveError(.invalidValue, "\(name) records an export (plaintext that left the archive); evidence is never undone",
                               zh: "\(name) 是导出记录（资料已以明文离开档案），属于审计留痕，不能撤销")
        }
        try checkNothingLaterTouches(target, later: later)
        let inverse = Self.inverse(of: target.events, name: name)
        guard !inverse.isEmpty else { throw ArchiveError(.invalidValue, "\(name) changed nothing", zh: "批次 \(name) 没有实际更改，无需撤销") }
        let after = try checkRules(after: inverse, name: name, restoredContacts: Set(target.events.lazy.filter { $0.kind == .contact && $0.operation == .restore }.map(\.id)))
        return inverse + Self.logDates(following: inverse, before: state, after: after)
    }

    /// The dates the log gives that an undo leaves to follow (RECORDS.md §8): the last contact
    /// of the customers and contacts of the entries it brings back, removes or changes, and of
    /// the customers and contacts it brings back, is the time of their latest entry left (absent
    /// when none); the follow-up of the customers of those entries that have a next date is the
    /// next date of their latest entry that has one. Each only where it is not that after the
    /// inverse, which writes back the values the batch replaced: later batches may have moved on
    /// from them (helper-106: a person on an entry brought back left without a last contact;
    /// helper-107: an undone entry took the follow-up away with it).
    static func logDates(following inverse: [ChangeEvent], before: ArchiveState, after: ArchiveState) -> [ChangeEvent] {
        let customerField = FieldNumbers.activityCustomer, contactsField = FieldNumbers.activityContacts
        let nextField = FieldNumbers.activityNextDate
        var customers = Set<UInt64>(), contacts = Set<UInt64>()
        var followUps = Set<UInt64>()  // customers of a touched entry with a next date
        for e in inverse {
            switch e.kind {
            case .customer where e.operation == .restore: customers.insert(e.id)
            case .contact where e.operation == .restore: contacts.insert(e.id)
            case .activity:
                for entry in [before.entityIncludingRemoved(.activity, e.id), after.entityIncludingRemoved(.activity, e.id)].compactMap({ $0 }) {
                    if let c = entry[number: customerField]?.ref {
                        customers.insert(c)
                        if entry[number: nextField] != nil { followUps.insert(c) }
                    }
                    contacts.formUnion(entry[number: contactsField]?.refs ?? [])
                }
            default: break
            }
        }
        guard !customers.isEmpty || !contacts.isEmpty else { return [] }
        let (latestOfCustomer, latestOfContact) = after.latestEntries(customers: customers, contacts: contacts)
        // The next date of each such customer's latest entry that has one (by time, then id), as
        // `log remove` gives it.
        var nextOf: [UInt64: (at: Int64, id: UInt64, next: FieldValue)] = [:]
        if !followUps.isEmpty {
            after.each(.activity) { entry in
                guard let c = entry[number: customerField]?.ref, followUps.contains(c), let at = entry[number: FieldNumbers.activityAt]?.int,
                      let next = entry[number: nextField], nextOf[c].map({ ($0.at, $0.id) < (at, entry.id) }) ?? true else { return }
                nextOf[c] = (at, entry.id, next)
            }
        }
        // (One update per record: a customer's last contact and follow-up together.)
        var changes: [EntityKey: [FieldChange]] = [:]
        for (kind, ids, latest, field) in [(EntityKind.customer, customers, latestOfCustomer, FieldNumbers.customerLastContactAt),
                                           (.contact, contacts, latestOfContact, FieldNumbers.contactLastContactAt)] {
            for id in ids {
                guard let record = after.entity(kind, id) else { continue }
                let wanted = latest[id].map(FieldValue.int)
                if record[number: field] != wanted { changes[EntityKey(kind, id), default: []].append(FieldChange(field: field, old: record[number: field], new: wanted)) }
            }
        }
        for id in followUps {
            guard let record = after.entity(.customer, id) else { continue }
            let field = FieldNumbers.customerNextFollowUp
            if record[number: field] != nextOf[id]?.next {
                changes[EntityKey(.customer, id), default: []].append(FieldChange(field: field, old: record[number: field], new: nextOf[id]?.next))
            }
        }
        return changes.keys.sorted { ($0.kind.rawValue, $0.id) < ($1.kind.rawValue, $1.id) }.map { ChangeEvent(.update, $0.kind, $0.id, changes[$0]!) }
    }

    /// Refuses when a later batch changed a field `target` changed, changed or removed a record it
    /// created, removed or restored, or refers to a record it created or restored. A later batch
    /// and its own later undo cancel out (so batches can be undone one after another, newest first).
    private func checkNothingLaterTouches(_ target: ReadBatch, later: [ReadBatch]) throws {
        let name = "B\(target.id)"
        let laterIDs = Set(later.map(\.id))
        var cancelled = Set<UInt64>()
        for b in later where b.origin == .cli && b.label.hasPrefix("undo B") {
            if let undone = UInt64(b.label.dropFirst("undo B".count)), laterIDs.contains(undone), !cancelled.contains(undone) {
                cancelled.formUnion([undone, b.id])
            }
        }
        var fields: [EntityKey: Set<UInt8>] = [:]
        var whole: Set<EntityKey> = []
        var made: Set<UInt64> = []  // created or restored: later records may now refer to them
        for e in target.events {
            let key = EntityKey(e.kind, e.id)
            switch e.operation {
            case .create, .restore:
                whole.insert(key)
                made.insert(e.id)
            case .remove: whole.insert(key)
            case .update: fields[key, default: []].formUnion(e.changes.map(\.field).filter { !Schema.isNote($0) })
            }
        }
        // Undone already (and that undo not undone): said so, not "changed again by" the undo
        // itself (helper-96).
        if let done = later.first(where: { $0.label == "undo \(name)" && !cancelled.contains($0.id) }) {
            throw ArchiveError(.invalidTransition, "\(name) was undone already, by B\(done.id); to bring its changes back, undo B\(done.id)",
                               zh: "批次 \(name) 已经由批次 B\(done.id) 撤销过了；如需恢复其中的更改，请撤销 B\(done.id)")
        }
        // Every later batch that changed a record of this one: all named, newest first (only
        // the first was, and undoing it led to the next refusal: helper-127).
        var blocking: [(id: UInt64, record: String, what: String)] = []
        for b in later where !cancelled.contains(b.id) {
            let what = b.label.isEmpty ? "" : " (\(b.label))"
            for e in b.events {
                let key = EntityKey(e.kind, e.id)
                let changed = Set(e.changes.map(\.field).filter { !Schema.isNote($0) })
                var touched = whole.contains(key)
                if let f = fields[key], e.operation != .update || !f.isDisjoint(with: changed) { touched = true }
                if touched {
                    if !blocking.contains(where: { $0.id == b.id }) { blocking.append((b.id, Self.describe(key, state: state), what)) }
                    continue
                }
                if !made.isEmpty, let target = e.changes.lazy.compactMap({ c in c.new?.refs.first(where: made.contains) }).first {
                    let record = Self.describe(key, state: state)
                    let referred = EntityKind.allCases.lazy.compactMap { self.state.entities($0, target) }.first.map { "\($0.shortID) \($0.displayName)" } ?? "#\(target)"
                    throw ArchiveError(
                        .invalidTransition,
                        "\(name) cannot be undone: \(record), saved later by B\(b.id)\(what), refers to \(referred), which \(name) created or brought back; undo B\(b.id) first",
                        zh: "无法撤销批次 \(name)：之后由批次 B\(b.id) 保存的 \(record) 关联了本批次新建或恢复的 \(referred)；请先撤销 B\(b.id)")
                }
            }
        }
        if let first = blocking.first {
            let ids = blocking.map(\.id).sorted(by: >).map { "B\($0)" }
            let others = blocking.count > 1 ? " (and \(blocking.count - 1) later \(blocking.count == 2 ? "batch" : "batches"))" : ""
            throw ArchiveError(
                .invalidTransition,
                "\(name) cannot be undone: \(first.record) was changed again by B\(first.id)\(first.what)\(others); undo \(ids.joined(separator: ", ")) first, newest first, or change the record by hand",
                zh: "无法撤销批次 \(name)：\(first.record) 之后又被批次 B\(first.id) 改过\(blocking.count > 1 ? "（另有 \(blocking.count - 1) 个批次也改过本批次的记录）" : "")；请先依次撤销 \(ids.joined(separator: "、"))（从最新的批次开始），或直接手工修改该记录")
        }
    }

    static let gradeField = Schema.number(.customer, "grade"), stageField = Schema.number(.project, "stage")

    /// The opposite of `events`, in reverse order (RECORDS.md §8).
    static func inverse(of events: [ChangeEvent], name: String) -> [ChangeEvent] {
        var inverse: [ChangeEvent] = []
        for e in events.reversed() {
            switch e.operation {
            case .create, .restore: inverse.append(ChangeEvent(.remove, e.kind, e.id, []))
            case .remove: inverse.append(ChangeEvent(.restore, e.kind, e.id, []))
            case .update:
                var changes = e.changes.filter { !Schema.isNote($0.field) }.map { FieldChange(field: $0.field, old: $0.new, new: $0.old) }
                // (Also a grade or stage change made without one: its undo showed in the stage
                // history as a move back with no word of the undo, helper-180 N4.)
                if e.changes.contains(where: { $0.field == Schema.reasonField || $0.field == Self.gradeField && e.kind == .customer || $0.field == Self.stageField && e.kind == .project }) {
                    changes.append(FieldChange(field: Schema.reasonField, old: nil, new: .text("撤销批次 \(name)")))
                }
                if !changes.isEmpty { inverse.append(ChangeEvent(.update, e.kind, e.id, changes)) }
            }
        }
        return inverse
    }

    /// The state after the undo must obey RECORDS.md §3 like any change: a complaint's steps in
    /// order, customer names unique, no live record referring to a record the undo removes.
    /// Returns the state after the inverse. `restoredContacts`: contacts the batch brought back,
    /// which the undo removes again; the records that named them before it still may (a removed
    /// person is kept where named), and a later batch naming them anew is refused before this
    /// (`checkNothingLaterTouches`). (Undoing an import that brought back a person, or the undo
    /// of a contact's removal, was refused: a record named them.)
    private func checkRules(after inverse: [ChangeEvent], name: String, restoredContacts: Set<UInt64> = []) throws -> ArchiveState {
        var after = state
        let batch = ChangeBatch(at: 0, actor: actor, events: inverse)
        try after.check(batch)
        try after.applyEvents(batch)
        let refuse = { (en: String, zh: String) in
            ArchiveError(.invalidTransition, "\(name) cannot be undone: \(en)", zh: "无法撤销批次 \(name)：\(zh)")
        }
        var removed = Set<UInt64>()
        // Customers by their names as compared (`ChangeDraft.normalizedName`), built at the first
        // customer the undo touches.
        var names: [String: [UInt64]]?
        // Customers by the company keys of their names (CustomerNames), built when a customer's
        // names come back: a short name or alias another customer took meanwhile is a clash.
        var keys: [TextKey: [UInt64]]?
        // Customers by their names, short names and codes in lower case (`checkCode`), built
        // when a customer's code or names come back.
        var lowered: [String: [(id: UInt64, code: Bool)]]?
        let codeRuleFields: Set<UInt8> = [Schema.number(.customer, "code"), Schema.number(.customer, "name"), Schema.number(.customer, "shortName"),
                                          Schema.number(.customer, "aliases")]
        for e in inverse {
            if e.operation == .remove, !(e.kind == .contact && restoredContacts.contains(e.id)) { removed.insert(e.id) }
            guard let entity = after.entity(e.kind, e.id) else { continue }
            // A record brought back (or moved) under a customer removed meanwhile would be listed
            // and exported under a customer no list shows (helper-103: a contact's removal undone
            // after its customer's).
            if e.kind != .customer, let field = Schema.field(e.kind, key: "customer"),
               e.operation == .restore || e.changes.contains(where: { $0.field == field.number }),
               let owner = entity["customer"]?.ref, after.entity(.customer, owner) == nil {
                let gone = after.entityIncludingRemoved(.customer, owner).map { "\($0.shortID) \($0.displayName)" } ?? "C\(owner)"
                throw refuse("\(entity.shortID) \(entity.displayName) would come back under \(gone), which has been removed since; undo that customer's removal first (history lists it)",
                             "撤销后 \(entity.shortID) \(entity.displayName) 将恢复，但其所属客户 \(gone) 已被移除。请先撤销移除该客户的批次（可用 history 查看），再撤销本批次")
            }
            if e.kind == .complaint, let problem = ChangeDraft.complaintStepProblem(entity) {
                throw refuse("\(entity.displayName) would be left \(problem.en)", "撤销后投诉 \(entity.displayName) 将不合规：\(problem.zh)")
            }
            if e.kind == .customer, let own = entity["name"]?.text {
                if names == nil {
                    var table: [String: [UInt64]] = [:]
                    after.each(.customer) { c in table[ChangeDraft.normalizedName(c["name"]?.text ?? ""), default: []].append(c.id) }
                    names = table
                }
                // (The last other customer in the state's order, as a scan of all of them for each
                // event named it; that scan made an undo of 5,000 updates take 25 s: helper-142.)
                if let other = names?[ChangeDraft.normalizedName(own)]?.last(where: { $0 != entity.id }), let clash = after.entity(.customer, other) {
                    throw refuse("two customers would be named \(own) (\(entity.shortID) and \(clash.shortID)); rename \(clash.shortID) first, then undo again",
                                 "将出现两个同名客户“\(own)”（\(entity.shortID) 与 \(clash.shortID)）。请先将 \(clash.shortID) 改名，再撤销")
                }
                if e.operation == .restore || e.changes.contains(where: { CustomerNames.fields.contains($0.field) }) {
                    if keys == nil {
                        var table: [TextKey: [UInt64]] = [:]
                        after.each(.customer) { c in for k in Set(NameIndex.companyKeys(of: c)) { table[k, default: []].append(c.id) } }
                        keys = table
                    }
                    let (name, others) = CustomerNames.names(of: entity)
                    let before = e.operation == .restore ? nil : state.entity(.customer, e.id)
                    if let c = CustomerNames.clash(id: e.id, name: name, others: others, before: before, in: after, candidates: { (keys?[TextKey($0)] ?? []).sorted() }) {
                        let given = c.given.field == "name" ? ("its name \(c.given.text)", "其名称“\(c.given.text)”") : ("\(c.given.text)", "“\(c.given.text)”")
                        throw refuse("\(entity.shortID) \(entity.displayName) would get back \(given.0), which now also names \(c.other.shortID) \(c.other.displayName) (a lookup would find two); change that customer's names first",
                                     "\(entity.shortID) \(entity.displayName) 将恢复\(given.1)，但该名称现已被 \(c.other.shortID) \(c.other.displayName) 使用，按此名称查找会同时找到两个客户。请先修改 \(c.other.shortID) 的名称、简称或别名，再重试")
                    }
                }
                if e.operation == .restore || e.changes.contains(where: { codeRuleFields.contains($0.field) }) {
                    if lowered == nil {
                        var table: [String: [(id: UInt64, code: Bool)]] = [:]
                        after.each(.customer) { c in
                            for key in ["name", "shortName", "code"] {
                                if let t = c[key]?.text?.trimmedWhitespace.lowercased(), !t.isEmpty { table[t, default: []].append((c.id, key == "code")) }
                            }
                            for alias in Lookup.splitAliases(c["aliases"]?.text ?? "") {
                                table[ChangeDraft.plainIdentifier(alias).lowercased(), default: []].append((c.id, false))
                            }
                        }
                        lowered = table
                    }
                    let before = e.operation == .restore ? nil : state.entity(.customer, e.id)
                    let hadAliases = Set(Lookup.splitAliases(before?["aliases"]?.text ?? "").map { $0.lowercased() })
                    let texts: [(String, String)] = ["code", "name", "shortName"].compactMap { key -> (String, String)? in entity[key]?.text.map { (key, $0.trimmedWhitespace) } }
                        + Lookup.splitAliases(entity["aliases"]?.text ?? "").filter { !hadAliases.contains($0.lowercased()) }.map { ("aliases", $0) }
                    for (key, text) in texts {
                        guard !text.isEmpty, key == "aliases" || text.lowercased() != before?[key]?.text?.trimmedWhitespace.lowercased(),
                              let other = lowered?[ChangeDraft.plainIdentifier(text).lowercased()]?.first(where: { $0.id != entity.id && (key == "code" || $0.code) }),
                              let c = after.entity(.customer, other.id) else { continue }
                        let fieldZH = key == "code" ? "客户编号" : key == "name" ? "名称" : key == "shortName" ? "简称" : "别名"
                        throw refuse("\(entity.shortID) \(entity.displayName) would get back \(text), which is now \(c.shortID) \(c.displayName)'s \(other.code ? "code" : "name") (a lookup would find two); change that customer's code or name first",
                                     "撤销后，客户 \(entity.shortID)（\(entity.displayName)）的\(fieldZH)会改回“\(text)”，但“\(text)”现已是客户 \(c.shortID)（\(c.displayName)）的\(other.code ? "客户编号" : "名称、简称或别名")，按此查找时会同时找到两个客户。请先修改 \(c.shortID) 的客户编号或名称，再重新撤销")
                    }
                }
            }
        }
        guard !removed.isEmpty else { return after }
        for kind in EntityKind.allCases where kind != .escrowUse && kind != .export {
            let refFields = Schema.fields(kind).filter { if case .reference = $0.type { return true }; if case .references = $0.type { return true }; return false }
            guard !refFields.isEmpty else { continue }
            var holder: (Entity, UInt64)?
            after.each(kind) { e in
                guard holder == nil else { return }
                for f in refFields { if let r = e[number: f.number]?.refs.first(where: removed.contains) { holder = (e, r) } }
            }
            if let (e, r) = holder {
                let gone = EntityKind.allCases.lazy.compactMap { self.state.entity($0, r) }.first.map { "\($0.shortID) \($0.displayName)" } ?? "#\(r)"
                throw refuse("\(e.shortID) \(e.displayName) still refers to \(gone), which the undo would remove",
                             "\(e.shortID) \(e.displayName) 仍关联 \(gone)，而撤销会删除该记录；请先解除关联")
            }
        }
        return after
    }

    static func describe(_ key: EntityKey, state: ArchiveState) -> String {
        let e = state.entities(key.kind, key.id)
        return e.map { "\($0.shortID) \($0.displayName)" } ?? key.kind.idPrefix + String(key.id)
    }
}

/// A record of the archive: its kind and id.
struct EntityKey: Hashable {
    let kind: EntityKind
    let id: UInt64
    init(_ kind: EntityKind, _ id: UInt64) {
        self.kind = kind
        self.id = id
    }
}
