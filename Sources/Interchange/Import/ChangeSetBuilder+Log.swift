import Foundation
import SalesArchive

extension Importer.ChangeSetBuilder {
    func archiveEntry(_ key: LogKey) -> UInt64? {
        if entriesByKey == nil { (entriesByKey, entryTwins) = Importer.recordsByKey(archive.state, .activity, at: "at", text: "summary") }
        return entriesByKey?[key]
    }

    /// The archive's entry of `key` a row stands for: of several of that key (an entry logged
    /// twice at one time), the first no earlier row of the file stands for (`taken`), each row
    /// one of them, as the archive's export writes them (its second row was refused as the
    /// first's duplicate on import into the archive it came from).
    func archiveEntry(_ key: LogKey, taken: (UInt64) -> Bool) -> UInt64? {
        let last = archiveEntry(key)
        return entryTwins[key]?.first { !taken($0) } ?? last
    }

    /// The log entry `id` given the row's cells that differ from it (`.editLog`, the file
    /// named as the reason); `.unchanged` when none does.
    /// `own`: the row is the entry by its 记录号 (§4.1), so its text (跟进内容) and time are
    /// compared too.
    func updateLog(_ id: UInt64, _ r: Row, contacts: String?, project: String?, row: Int, own: Bool = false) -> RowStatus {
        guard let entry = archive.state.entity(.activity, id) else { return .duplicate }
        var fields: [(String, String)] = []
        for key in (own ? ["type", "summary", "nextStep", "nextDate", "location"] : ["type", "nextStep", "nextDate", "location"]) {
            guard let input = r.field(key), let spec = Schema.field(.activity, key: key) else { continue }
            let value = try? ChangeDraft.value(for: spec, input: input, now: options.now)
            if value != nil && value == entry[number: spec.number] { continue }
            // (A text a GBK file has with ? for what GBK lacks: the archive's kept, or given back
            // beside an edit, as a customer's fields are; 发报价😀 became 发报价?: helper-216 3.)
            if importer.mayBeCodePage936, let old = entry[number: spec.number]?.text, let reading = CodePage936.reading(input, from: old) {
                switch reading {
                case .restored(let text) where text == old: continue
                case .restored(let text): fields.append((key, text)); continue
                case .ambiguous:
                    b.valuesLeftOut += 1
                    updateWarnings.append(ImportProblem(
                        table: tables[r.mapped].table.name, line: r.line, column: tables[r.mapped].column(ofTarget: .field(key))?.header, value: input,
                        reason: "the \(spec.en) of \(entry.shortID) is \(input) in the file and \(old) in the archive; the file was saved as GBK, and which ? stand for lost characters is not clear, so the archive's text is kept",
                        reasonZH: "跟进记录 \(entry.shortID) 的“\(spec.zh)”在文件中为“\(input)”，档案中为“\(old)”。文件按 GBK 编码保存，无法确定其中的问号是原本就有的，还是由表情符号等字符变成的，因此保留档案中的原内容"))
                    continue
                }
            }
            fields.append((key, input))
        }
        if own { fields += cleared(r, entry, except: ["contacts", "project"]) }
        if let contacts, !contacts.isEmpty {
            let ids = contacts.split(separator: ",").map { $0.hasPrefix("@") ? nil : UInt64($0.dropFirst()) }
            // (A person removed since, written by name, is not the live one of that name:
            // helper-185 F3.)
            if ids.contains(nil) || (Set(ids.compactMap { $0 }) != Set(entry["contacts"]?.refs ?? [])
                                     && !Importer.samePeopleBut(removed: entry["contacts"], .refs(ids.compactMap { $0 }), in: archive.state)) {
                fields.append(("contacts", contacts))
            }
        }
        if let project {
            if project.hasPrefix("@") || UInt64(project.dropFirst()) != entry["project"]?.ref { fields.append(("project", project)) }
        }
        // (Not when the file's times are another zone's: each would move by hours: helper-100.)
        let at = own && !zoneShifted ? r.instants["at"].flatMap { $0 == entry["at"]?.int ? nil : $0 } : nil
        guard !fields.isEmpty || at != nil else { return .unchanged }
        _ = add(.editLog(entry.shortID, fields: fields, at: at, reason: "根据导入文件“\(source.fileName)”更新"), row: row)
        return .updated
    }

    func contactRefs(_ i: Int, _ r: Row, key: String, customer: String) -> String? {
        guard let given = r.refs[key] else { return nil }
        let text = ChangeDraft.removedShownPlain(given)
        var refs: [String] = []
        // (One person whose name has a comma, Smith, John, also in a list, Smith, John、王敏, as an
        // export writes it and the archive reads the field: it was Smith and John; 王敏 李雷
        // and 王敏和李雷 are two people, as on the command line.)
        let listed = ChangeDraft.peopleNamed(text) { childRef(.contact, customer: customer, name: $0) != nil || removedContact(customer: customer, name: $0) != nil }
        for name in listed {
            guard let ref = childRef(.contact, customer: customer, name: name, reference: true) else {
                // A person removed since, as an export of the archive names them: theirs, kept
                // where the record names them already (`refuseRemovedPeople`); an unchanged
                // export was refused whole, the person said to be nowhere (helper-185 F3 b).
                if let gone = removedContact(customer: customer, name: name) {
                    refs.append(gone.shortID)
                    removedNamed[i, default: []].append(gone)
                    continue
                }
                refuseUnknownChild(i, r, .contact, column: key, name: name, given: text, customer: customer)
                continue
            }
            refs.append(ref)
        }
        return refs.joined(separator: ",")
    }

    /// The removed contact of `customer` that `name` names: by id (`R3`, `李工（R3）`) in a file
    /// whose ids are this archive's, else by name (compared as people's names are, in simplified
    /// characters; the latest of several); nil for a customer of the file.
    func removedContact(customer: String, name: String) -> Entity? {
        guard let owner = archiveID(customer) else { return nil }
        // (R3, as a JSON export and an export naming people who share a name write them: that
        // removed person of the customer: helper-186 F1, F2.)
        if idsReadAsHere || (!foreignIDs && !othersIDs), sourceIDs[Importer.idKey(name)] == nil, let (k, n) = Importer.recordID(name), k == .contact {
            guard let e = archive.state.entityIncludingRemoved(.contact, n), e.removed, e["customer"]?.ref == owner else { return nil }
            return e
        }
        // (李工（R3）: that removed person of the customer, when the name is theirs.)
        if !foreignIDs && !othersIDs, let (plain, id) = ChangeDraft.nameWithID(name, prefix: EntityKind.contact.idPrefix) {
            guard let (k, n) = Importer.recordID(id), k == .contact, let e = archive.state.entityIncludingRemoved(.contact, n), e.removed,
                  e["customer"]?.ref == owner, Importer.personKey(e["name"]?.text ?? "") == Importer.personKey(plain) else { return nil }
            return e
        }
        // (Several removed of the name: the latest, whom a new row naming them is refused for as
        // removed; an export names each by id: helper-186 F4.)
        return (removedContacts[owner]?[CompanyName.personKey(CompanyName.Simplified.fold(name))] ?? []).max { $0.id < $1.id }
    }

    /// Refuses row `i` when it names a removed contact (`removedNamed`) that the record it
    /// updates does not name already (`kept`, the record's people; none for a new record): a
    /// removed person is kept where they were, never given a new entry or project.
    func refuseRemovedPeople(_ i: Int, _ r: Row, column key: String, kept: [UInt64]) -> Bool {
        guard let named = removedNamed[i], let gone = named.first(where: { !kept.contains($0.id) }) else { return false }
        let name = gone["name"]?.text ?? ""
        let role = key == "decisionMakers" ? (en: "a decision maker", zh: "决策人") : key == "complainant" ? (en: "a complainant", zh: "投诉人")
            : (en: "a person of the entry", zh: "跟进记录的联系人")
        refuse(i, header(r, key), r.refs[key] ?? name,
               "the contact \(name) (\(gone.shortID)) was removed from the archive and cannot be named as \(role.en) anew; to bring them back, run salesvault contact restore \(gone.shortID), then import again; or name another contact",
               "联系人 \(gone.shortID) \(name)已从档案中移除，不能再填为\(role.zh)。如需恢复，请先运行 salesvault contact restore \(gone.shortID)，然后重新导入；如不恢复，请改填其他联系人或留空")
        return true
    }

    /// A second row of one contact-log entry with other values than the first's: refused, naming
    /// the first and what differs.
    func refuseSecondLogRow(_ i: Int, _ r: Row, first: Int, differing d: [String]) {
        let specs = d.compactMap { Schema.field(.activity, key: $0) }
        let at = place(ofRow: first, from: r)
        refuse(i, header(r, specs.first?.key ?? "summary"), nil,
               "the same entry as \(at.en) (same customer, time and content), but its \(specs.map(\.en).joined(separator: ", ")) differ\(specs.count > 1 ? "" : "s"): write one entry in one row",
               "本行与\(at.zh)是同一条跟进记录（客户、时间、内容均相同），但\(specs.map { "“\($0.zh)”" }.joined(separator: "、"))不同。同一条跟进记录只能占一行，请将两行合并为一行后重新导入")
    }

    /// A row of the log sheet (`Importer.buildChangeSet`): its record found or made, and its operations.
    func planLogEntry(_ i: Int, _ r: Row, before: Int) {
        guard let customer = customerOf(i, r), let at = r.instants["at"] else { return }
        let summary = r.field("summary") ?? ""
        let contacts = contactRefs(i, r, key: "contacts", customer: customer)
        var project: String?
        if let p = r.refs["project"] {
            project = childRef(.project, customer: customer, name: p, reference: true)
            if project == nil { refuseUnknownChild(i, r, .project, column: "project", name: p, given: p, customer: customer) }
        }
        guard (b.problems[i]?.count ?? 0) == before else { return }
        // An entry of this archive by its 记录号 (of an export of it), its time or its text
        // the same: the row is that entry, its content edited in the sheet or not.
        let ownEntry: Entity?
        switch ownRecord(i, r, .activity, customer: customer) {
        case .refused: return
        case .none: ownEntry = nil
        case .record(let e):
            if refusesStale(i, r, e, fields: r.fields + cleared(r, e, except: ["contacts", "project"]), at: zoneShifted ? nil : at) { return }
            ownEntry = e
        }
        if let own = ownEntry {
            switch options.onDuplicate {
            case .refuse where identical.contains(i): _ = unchangedOnce(i, r, record: own.shortID, column: header(r, "summary"), value: summary)
            case .refuse:
                b.archiveDuplicates.insert(i)
                _ = duplicateHint(i)
                refuse(i, header(r, "summary"), summary, "already in the archive's contact log as \(own.shortID) (same record id)", "档案中已有这条跟进记录（\(own.shortID)，记录号相同）")
            case .skip: b.status[i] = .duplicate
            case .update:
                if refuseRemovedPeople(i, r, column: "contacts", kept: own["contacts"]?.refs ?? []) { return }
                b.status[i] = updateLog(own.id, r, contacts: contacts, project: project, row: i, own: true)
                b.updateTargets[i] = own.shortID
            }
            return
        }
        var key = Importer.logKey(customer, at, summary)
        // One hash of the key when it is new (the common case): inserted at once, and the
        // earlier line put back when it was not.
        var inArchive = !index.logKeys.isEmpty && index.logKeys.contains(key)
        // A date without a time (midnight) is also the entry `log add --at` that date
        // made (09:00): the same entry (helper-99: it was added a second time).
        if !inArchive, !index.logKeys.isEmpty, let twin = Importer.dateOnlyTwin(at), index.logKeys.contains(Importer.logKey(customer, twin, summary)) {
            key = Importer.logKey(customer, twin, summary)
            inArchive = true
        }
        // An entry whose text a GBK file has with ? for what GBK lacks (客户很满意? for 客户很满意😀):
        // that entry (helper-214 5: it was added a second time).
        if !inArchive, importer.mayBeCodePage936, !index.logKeys.isEmpty, summary.utf8.contains(UInt8(ascii: "?")), let original = lostLogKeys()[key] {
            key = original
            inArchive = true
        }
        var assigned: (record: UInt64, repeatOf: Int?)?
        if inArchive, let fileID = fileRecordID(r) {
            _ = archiveEntry(key)
            assigned = archiveTwin(key, fileID, i, among: entryTwins[key] ?? archiveEntry(key).map { [$0] } ?? [])
            if assigned == nil { inArchive = false }
        }
        var earlierRow = inArchive ? (assigned == nil ? logKeys[key] : nil) : logKeys.updateValue(i, forKey: key)
        if let first = earlierRow, !inArchive {
            logKeys[key] = first
            earlierRow = earlierRecord(of: key, first: first, i, r) { $0.sourceID }
        }
        if inArchive || earlierRow != nil {
            if options.onDuplicate == .refuse, identical.contains(i) {
                _ = unchangedOnce(i, r, record: (assigned?.record ?? archiveEntry(key, taken: { unchangedRecords["L\($0)"] != nil })).map { "L\($0)" } ?? "", column: header(r, "summary"), value: summary)
            } else if options.onDuplicate == .refuse {
                if inArchive && earlierRow == nil && assigned?.repeatOf == nil { b.archiveDuplicates.insert(i) }
                let (en, zh) = (earlierRow ?? assigned?.repeatOf).map { place(ofRow: $0, from: r) }.map { ("the same entry as \($0.en) (same customer, time and content)", "与\($0.zh)重复（客户、时间、内容均相同）") }
                    ?? ("already in the archive's contact log (same customer, time and content)", "档案中已有这条跟进记录（客户、时间、内容均相同）")
                let hint = duplicateHint(i)
                refuse(i, header(r, "summary"), summary, en + hint.0, zh + hint.1)
            } else if options.onDuplicate == .update, inArchive, earlierRow == nil, let id = assigned?.record ?? archiveEntry(key, taken: { logUpdateRow[$0] != nil }) {
                // The archive's entry with the row's other cells (next step, next date,
                // way, place, people, project): they were dropped, and the file said to be
                // in the archive already (helper-97).
                // A second row for the same entry: with other values, refused naming the first, as
                // for an entry new in the file (the first row's value was kept without a word:
                // helper-164); with the same, a duplicate.
                if let first = logUpdateRow[id] {
                    let d = Importer.logRowDiffering(rows[first], r, now: options.now)
                    if d.isEmpty { b.status[i] = .duplicate } else { refuseSecondLogRow(i, r, first: first, differing: d) }
                    return
                }
                if refuseRemovedPeople(i, r, column: "contacts", kept: archive.state.entity(.activity, id)?["contacts"]?.refs ?? []) { return }
                logUpdateRow[id] = i
                b.status[i] = updateLog(id, r, contacts: contacts, project: project, row: i)
                b.updateTargets[i] = "L\(id)"  // (rows of one entry: one entry updated)
            } else if let earlierRow, !inArchive, rows[earlierRow].kind == .log,
                      case let d = Importer.logRowDiffering(rows[earlierRow], r, now: options.now), !d.isEmpty {
                // A second row of an entry new in this file, with other values: they were left
                // out without a word (helper-163), as a complaint's were (a duplicate to skip
                // is one that gives nothing more).
                refuseSecondLogRow(i, r, first: earlierRow, differing: d)
            } else {
                b.status[i] = .duplicate
            }
            return
        }
        if refuseRemovedPeople(i, r, column: "contacts", kept: []) { return }
        let entry = LogEntry(customer: customer, type: r.field("type") ?? "other", summary: summary, at: at,
                             contacts: contacts.map { $0.split(separator: ",").map(String.init) } ?? [], project: project,
                             nextStep: r.field("nextStep"), nextDate: r.field("nextDate"), location: r.field("location"))
        _ = add(.logActivity(entry), row: i)
        b.status[i] = .new
    }

    /// The earlier row that row `i`, of the same customer, time and content as row `first`, is
    /// a second row of; nil when it is a record of its own: the file gives the two distinct
    /// record ids (`id`: 记录号, or a complaint's 编号), as an export of an archive where an entry
    /// was logged twice, or a complaint filed twice, does (its import into a new archive was
    /// refused as a duplicate: the round trip broke).
    func earlierRecord(of key: LogKey, first: Int, _ i: Int, _ r: Row, id: (Row) -> String?) -> Int? {
        func given(_ row: Row) -> String? { fileRecordID(row, id(row)) }
        guard rows[first].kind == r.kind, let own = given(r), let firsts = given(rows[first]), own != firsts else { return first }
        var byID = rowsOfKeyByID[key] ?? [firsts: first]
        if let earlier = byID[own] { return earlier }
        byID[own] = i
        rowsOfKeyByID[key] = byID
        return nil
    }

    /// A row's record id (记录号) as the file gives it, compared as ids are; nil when it has none.
    func fileRecordID(_ r: Row, _ given: String? = nil) -> String? {
        (given ?? r.sourceID).map { Importer.idKey($0.trimmedWhitespace) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The archive's record (of `among`: the log entries or complaints of `key`) that the file's
    /// record id `fileID`, on row `i`, stands for: the one an earlier row of that id took (the row
    /// repeats it: `repeatOf`), else the first none took (`prefer`: of the row's complaint
    /// number, if free); nil when every one is taken: the archive has fewer of them than the file
    /// (helper-218 3: a third twin logged since was skipped; 4: a row repeating an id took the
    /// next twin, and the row after it was refused).
    func archiveTwin(_ key: LogKey, _ fileID: String, _ i: Int, among: [UInt64], prefer: ((UInt64) -> Bool)? = nil) -> (record: UInt64, repeatOf: Int?)? {
        var byID = archiveRecordOfID[key] ?? [:]
        if let earlier = byID[fileID] { return (earlier.record, earlier.row) }
        let taken = Set(byID.values.map(\.record))
        guard let free = prefer.flatMap({ p in among.first { !taken.contains($0) && p($0) } }) ?? among.first(where: { !taken.contains($0) }) else { return nil }
        byID[fileID] = (free, i)
        archiveRecordOfID[key] = byID
        return (free, nil)
    }

    /// The archive's log entries whose text has characters code page 936 lacks, by the key of
    /// their text as a GBK file saves it (`CodePage936.masks`), to their own key; made once.
    func lostLogKeys() -> [LogKey: LogKey] {
        if let made = lostLogKeysMade { return made }
        var out: [LogKey: LogKey] = [:], shared = Set<LogKey>()
        archive.state.each(.activity) { l in
            guard let c = l["customer"]?.ref, let at = l["at"]?.int, let text = l["summary"]?.text,
                  text.unicodeScalars.contains(where: { $0.value >= 0x80 && !(0x4E00...0x9FA5).contains($0.value) }) else { return }
            for mask in CodePage936.masks(of: text) {
                let key = Importer.logKey("C\(c)", at, mask), own = Importer.logKey("C\(c)", at, text)
                if let other = out[key], other != own { shared.insert(key) }
                out[key] = own
            }
        }
        // (Two entries a masked text could be, 好😀 and 好😁 at one time: neither; one was
        // taken, and an update changed the other: helper-216 4.)
        for key in shared { out[key] = nil }
        lostLogKeysMade = out
        return out
    }
}
