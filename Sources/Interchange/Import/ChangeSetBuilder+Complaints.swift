import Foundation
import SalesArchive

extension Importer.ChangeSetBuilder {
    func noteUndated(_ r: Row, resolved: Bool) {
        let table = tables[r.mapped].table.name
        if resolved { undatedSteps[table, default: ([], [])].resolved.append(r.line) } else { undatedSteps[table, default: ([], [])].surveyed.append(r.line) }
    }

    /// The key of the archive's one complaint received on the day of `key` (its customer and
    /// text), nil when none is or several are.
    func complaintOfDay(_ key: LogKey) -> LogKey? {
        if complaintsByDay == nil {
            var map: [LogKey: LogKey?] = [:]
            archive.state.each(.complaint) { t in
                guard let c = t["customer"]?.ref, let at = t["receivedAt"]?.int else { return }
                let own = Importer.complaintKey("C\(c)", at, t["description"]?.text ?? "")
                let day = LogKey(customer: own.customer, at: DateParser.startOfDay(DateParser.localDay(at)), text: own.text)
                if let seen = map[day], seen != own { map[day] = .some(nil) } else { map[day] = own }
            }
            complaintsByDay = map
        }
        return complaintsByDay?[key] ?? nil
    }

    func archiveComplaint(_ key: LogKey) -> UInt64? {
        if complaintsByKey == nil {
            (complaintsByKey, complaintTwins) = Importer.recordsByKey(archive.state, .complaint, at: "receivedAt", text: "description", key: Importer.complaintKey)
        }
        return complaintsByKey?[key]
    }

    /// The archive's complaint of `key` row `r` stands for: of several of that key (one filed
    /// twice), the one of the row's number (编号), else the first no earlier row of the file
    /// stands for (`taken`), as the archive's export writes them (its second row was refused as
    /// the first's duplicate, its number said to differ, on import into the archive it came from).
    func archiveComplaint(_ key: LogKey, for r: Row, taken: (UInt64) -> Bool) -> UInt64? {
        let last = archiveComplaint(key)
        guard let twins = complaintTwins[key] else { return last }
        let number = r.refs["number"].map { $0.trimmedWhitespace.uppercased() }
        return twins.first { !taken($0) && archive.state.entity(.complaint, $0)?["number"]?.text?.uppercased() == number }
            ?? twins.first { !taken($0) } ?? last
    }

    /// Which of the two the row's 撤诉/不成立时间 column says by its header alone (撤诉时间:
    /// withdrawn; 不成立时间: unfounded); nil when it names both or neither.
    func headerSaysUnfounded(_ r: Row) -> Bool? {
        guard let h = tables[r.mapped].column("withdrawnAt")?.header else { return nil }
        let withdrawn = h.contains("撤诉") || h.lowercased().contains("withdraw"), unfounded = h.contains("不成立") || h.lowercased().contains("unfounded")
        return withdrawn == unfounded ? nil : unfounded
    }

    /// The withdrawal a complaint row gives (撤诉/不成立时间, and its status for which).
    func withdrawal(_ ref: String, _ r: Row, at: Int64) -> ChangeOperation {
        let unfounded = Importer.unfounded(r.refs["status"]) ?? headerSaysUnfounded(r) ?? false
        // (The file's reason, as an export writes it in 撤诉/不成立原因: helper-201 1.)
        let given = r.gradeReason.flatMap { $0.isEmpty || $0.isPlaceholderReason ? nil : $0 }
        return .withdrawComplaint(ref, unfounded: unfounded, reason: given ?? "\(unfounded ? "投诉不成立" : "客户撤回投诉")（导入文件“\(source.fileName)”未注明原因，按此记录）", at: at)
    }

    /// A complaint's time as the file gives it against the archive's: to the minute (10:30
    /// for 10:00 was said unchanged: helper-119), by day when the cell gave a date alone
    /// (local midnight), and within a day either way when the file's times may be hours off
    /// (`zoneShifted`: they may fall on the next day: helper-120).
    func same(_ given: Int64, _ had: Int64) -> Bool {
        if zoneShifted { return abs(Int(DateParser.localDay(given)) - Int(DateParser.localDay(had))) <= 1 }
        if DateParser.startOfDay(DateParser.localDay(given)) == given { return DateParser.localDay(given) == DateParser.localDay(had) }
        return abs(given - had) < 60
    }

    /// The steps archive complaint `t` has recorded that row `r` gives otherwise (`same`),
    /// with who coordinated and what the survey said: what an import does not change.
    func recordedStepsDiffering(_ t: Entity, _ r: Row) -> [String] {
        var differs: [String] = []
        if let m = r.instants["managerNotifiedAt"], let had = t["managerNotifiedAt"]?.int, !same(m, had) { differs.append("managerNotifiedAt") }
        if let d = r.instants["directorNotifiedAt"], let had = t["directorNotifiedAt"]?.int, !same(d, had) { differs.append("directorNotifiedAt") }
        if let resolution = r.field("resolution"), t["resolvedAt"] != nil, t["resolution"]?.text != resolution.trimmedWhitespace { differs.append("resolution") }
        // The days of the steps it had, as the file gives them (a 处理时间 or 回访时间 otherwise
        // was said unchanged: helper-116); a withdrawal's day, and whether the complaint was
        // withdrawn at all.
        for key in ["resolvedAt", "surveyedAt", "withdrawnAt"] {
            if let given = r.instants[key], let had = t[key]?.int, !same(given, had) { differs.append(key) }
        }
        if r.instants["withdrawnAt"] != nil, t["withdrawnAt"] == nil, t["resolvedAt"] != nil { differs.append("withdrawnAt") }
        if let unfounded = Importer.unfounded(r.refs["status"]), r.instants["withdrawnAt"] != nil, t["withdrawnAt"] != nil,
           (t["status"]?.text == ComplaintStatus.unfounded.rawValue) != unfounded { differs.append("status") }
        // A withdrawn complaint that the file says is not (已受理, 处理中: a status of its own).
        if t["withdrawnAt"] != nil, r.instants["withdrawnAt"] == nil, let said = r.refs["status"].flatMap(ComplaintStatus.parse),
           said != .withdrawn, said != .unfounded { differs.append("status") }
        // (Who coordinated and what the survey said, recorded with their step: the same; they
        // were left as they were without a word: helper-101.)
        if let coordinator = r.field("coordinator"), t["resolvedAt"] != nil, t["coordinator"]?.text != coordinator.trimmedWhitespace { differs.append("coordinator") }
        if t["surveyedAt"] != nil {
            for key in ["surveyComment", "surveyedBy"] {
                if let given = r.field(key), let had = t[key]?.text, had != given.trimmedWhitespace { differs.append(key) }
            }
        }
        if let satisfaction = r.field("satisfaction"), t["surveyedAt"] != nil, let had = t["satisfaction"]?.text,
           (try? ChangeDraft.value(for: Schema.field(.complaint, key: "satisfaction")!, input: satisfaction, now: options.now))?.text != had {
            differs.append("satisfaction")
        }
        return differs
    }

    /// What row `r` gives otherwise than archive complaint `t`, as the fields' names: its
    /// recorded steps, the steps it would add, 被投诉人/部门, 渠道 and the complainant. Named
    /// when the row is refused as the complaint's duplicate (the refusal did not say why the
    /// row was not unchanged, as a customer's now does).
    func complaintDiffering(_ t: Entity, _ r: Row, complainant: String?) -> [FieldSpec] {
        var keys = recordedStepsDiffering(t, r)
        for key in ["managerNotifiedAt", "directorNotifiedAt", "withdrawnAt"] where r.instants[key] != nil && t[key] == nil && !keys.contains(key) { keys.append(key) }
        if r.field("resolution") != nil, r.field("coordinator") != nil, t["resolvedAt"] == nil { keys.append("resolution") }
        if r.field("satisfaction") != nil, t["surveyedAt"] == nil { keys.append("satisfaction") }
        for key in ["subject", "channel"] {
            guard let input = r.field(key), let spec = Schema.field(.complaint, key: key) else { continue }
            if let value = try? ChangeDraft.value(for: spec, input: input, now: options.now), value == t[number: spec.number] { continue }
            keys.append(key)
        }
        if let c = complainant, archiveID(c) != t["complainant"]?.ref { keys.append("complainant") }
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted }.compactMap { Schema.field(.complaint, key: $0) }
    }

    /// Whether row `i` gives a step that cannot be recorded as given, refused with the
    /// columns to fill in: a resolution without its coordinator or the other way round (the
    /// one given was dropped without a word), or a resolution for a complaint the managers
    /// were not told of (the problem named the command `complaint route`). `routed` and
    /// `resolved`: what the complaint has (the archive's, with the row's own times).
    func refusesStepGap(_ i: Int, _ r: Row, routed: (manager: Bool, director: Bool), resolved: Bool) -> Bool {
        guard !resolved else { return false }
        let resolution = r.field("resolution"), coordinator = r.field("coordinator")
        if (resolution == nil) != (coordinator == nil) {
            let (given, missing) = resolution != nil ? ("resolution", "coordinator") : ("coordinator", "resolution")
            let g = Schema.field(.complaint, key: given)!, m = Schema.field(.complaint, key: missing)!
            refuse(i, header(r, missing) ?? header(r, given), nil,
                   "\(g.en) is given but not the \(m.en): fill in the \(m.en), or clear the \(g.en)",
                   "填写了\(g.zh)，但没有填写\(m.zh)。请补填\(m.zh)，或清空\(g.zh)")
            return true
        }
        let unrouted = [("managerNotifiedAt", routed.manager), ("directorNotifiedAt", routed.director)].filter { !$0.1 }.compactMap { Schema.field(.complaint, key: $0.0) }
        if resolution != nil, !unrouted.isEmpty {
            refuse(i, header(r, unrouted[0].key) ?? header(r, "resolution"), nil,
                   "a resolution is given, but not when the \(unrouted.map { $0.en.replacingOccurrences(of: " notified", with: "") }.joined(separator: " and ")) \(unrouted.count > 1 ? "were" : "was") notified: a complaint is resolved after both are told; fill in \(unrouted.map(\.en).joined(separator: " and "))",
                   "填写了处理结果，但没有填写\(unrouted.map { "“\($0.zh)”" }.joined())的时间。投诉须先通报销售经理和销售总监，才能登记处理结果，请补填通报时间")
            return true
        }
        if r.instants["surveyedAt"] != nil, resolution != nil, r.instants["resolvedAt"] == nil {
            // (The resolution was dated today, and the callback then refused as before it, a
            // date the file never gave: helper-124.)
            refuse(i, header(r, "resolvedAt") ?? header(r, "surveyedAt"), nil,
                   "a callback time is given, but not when the complaint was resolved: fill in the resolved time (处理时间)",
                   "填写了回访时间，但没有填写处理时间。请补填处理时间（回访须在处理之后）")
            return true
        }
        if r.field("satisfaction") != nil, resolution == nil, r.instants["withdrawnAt"] == nil {
            // (It was the domain's message, with the number the new complaint would have got
            // and the state it would have had: TS-2026-0003 当前状态为“已通报”.)
            refuse(i, header(r, "satisfaction"), nil,
                   "a satisfaction is given, but the complaint has no resolution: a complaint is surveyed after it is resolved; fill in the coordinator, the resolution and when it was resolved, or clear the satisfaction",
                   "填写了满意度，但该投诉还没有处理结果。投诉处理完毕后才能做满意度回访，请补填协调人、处理结果和处理时间，或清空满意度")
            return true
        }
        return false
    }

    /// Whether row `i` is a later row of the file for archive complaint `id` under
    /// `--on-duplicate update`: counted as a duplicate when it gives what the first row gave,
    /// refused naming what differs otherwise (each row was applied in turn, 渠道 邮件 → 微信
    /// → QQ, and counted as an update: helper-119).
    func secondRow(of id: UInt64, _ i: Int, _ r: Row) -> Bool {
        guard let first = complaintUpdateRow[id] else {
            complaintUpdateRow[id] = i
            return false
        }
        let d = Importer.complaintRowDiffering(rows[first], r, now: options.now)
        if d.isEmpty {
            b.status[i] = .duplicate
        } else {
            refuseSecondComplaintRow(i, r, first: first, differing: d)
        }
        return true
    }

    func refuseSecondComplaintRow(_ i: Int, _ r: Row, first: Int, differing d: [String]) {
        let specs = d.compactMap { Schema.field(.complaint, key: $0) }
        let at = place(ofRow: first, from: r)
        refuse(i, header(r, specs.first?.key ?? "description"), nil,
               "the same complaint as \(at.en) (same customer, time and content), but its \(specs.map(\.en).joined(separator: ", ")) differ\(specs.count > 1 ? "" : "s"): write one complaint in one row",
               "与\(at.zh)是同一条投诉（客户、受理时间、投诉内容均相同），但\(specs.map(\.zh).joined(separator: "、"))不同。同一条投诉只能占一行，请合并后重新导入")
    }

    /// The refusal's words for a complaint row that duplicates `t` but differs in `d`.
    func differingWords(_ d: [FieldSpec]) -> (en: String, zh: String) {
        // (Quoted: 已通报销售经理 unquoted read as "the manager was told": helper-121.)
        d.isEmpty ? ("", "") : ("; its \(d.map(\.en).joined(separator: ", ")) differ\(d.count > 1 ? "" : "s")", "，但\(d.map { "“\($0.zh)”" }.joined())与档案记录不一致")
    }

    /// The archive's complaint `id` taken on by the steps of the row it has not had (the
    /// managers told, resolved, surveyed); `.unchanged` when nothing is added. A step it has
    /// that the row gives otherwise refuses the row (nil): a recorded step is not changed
    /// (it was warned about and the row then counted as unchanged: helper-99).
    func updateComplaint(_ id: UInt64, _ r: Row, row i: Int) -> RowStatus? {
        guard let t = archive.state.entity(.complaint, id) else { return .duplicate }
        let ref = t.shortID
        // A withdrawal the file gives a complaint that was resolved (it said the archive had
        // another withdrawal time, though it had none: helper-120).
        if r.instants["withdrawnAt"] != nil, t["withdrawnAt"] == nil, t["resolvedAt"] != nil {
            let number = t["number"]?.text ?? ref
            refuse(i, header(r, "withdrawnAt"), nil,
                   "complaint \(number) was resolved already, so it cannot be withdrawn or found unfounded now: check the file, or clear the row's withdrawal",
                   "投诉 \(number) 已处理完毕，不能再登记撤诉或认定不成立。请核对文件，或清空该行的撤诉/不成立时间和状态")
            return nil
        }
        let differs = recordedStepsDiffering(t, r)
        if differs.isEmpty, refusesStepGap(i, r, routed: (t["managerNotifiedAt"] != nil || r.instants["managerNotifiedAt"] != nil,
                                                          t["directorNotifiedAt"] != nil || r.instants["directorNotifiedAt"] != nil),
                                           resolved: t["resolvedAt"] != nil) { return nil }
        if !differs.isEmpty {
            let specs = differs.compactMap { Schema.field(.complaint, key: $0) }
            let number = t["number"]?.text ?? ref
            refuse(i, specs.first.flatMap { header(r, $0.key) }, nil,
                   "complaint \(number) has \(specs.map(\.en).joined(separator: ", ")) recorded otherwise; a complaint's recorded steps are not changed by an import: check the file and import it again",
                   "投诉 \(number) 在档案中的\(specs.map { "“\($0.zh)”" }.joined())与文件不一致。已记录的处理进度不能通过导入修改，请核对文件后重新导入")
            return nil
        }
        var added = false
        let manager = t["managerNotifiedAt"] == nil ? r.instants["managerNotifiedAt"] : nil
        let director = t["directorNotifiedAt"] == nil ? r.instants["directorNotifiedAt"] : nil
        if let m = manager, let d = director, m == d {
            _ = add(.routeComplaint(ref, manager: true, director: true, at: m), row: i)
            added = true
        } else {
            for (isManager, at) in [(true, manager), (false, director)].compactMap({ $0.1 == nil ? nil : ($0.0, $0.1!) }).sorted(by: { $0.1 < $1.1 }) {
                _ = add(.routeComplaint(ref, manager: isManager, director: !isManager, at: at), row: i)
                added = true
            }
        }
        if let coordinator = r.field("coordinator"), let resolution = r.field("resolution"), t["resolvedAt"] == nil {
            _ = add(.resolveComplaint(ref, coordinator: coordinator, resolution: resolution, at: r.instants["resolvedAt"]), row: i)
            if r.instants["resolvedAt"] == nil { noteUndated(r, resolved: true) }
            added = true
        }
        if let satisfaction = r.field("satisfaction"), t["surveyedAt"] == nil {
            _ = add(.surveyComplaint(ref, satisfaction: satisfaction, comment: r.field("surveyComment"), by: r.field("surveyedBy"), at: r.instants["surveyedAt"]), row: i)
            if r.instants["surveyedAt"] == nil { noteUndated(r, resolved: false) }
            added = true
        }
        if let at = r.instants["withdrawnAt"], t["withdrawnAt"] == nil {
            _ = add(withdrawal(ref, r, at: at), row: i)
            added = true
        } else if let given = r.gradeReason, !given.isEmpty, !given.isPlaceholderReason {
            // A reason the file gives a complaint withdrawn already, or one not withdrawn at all:
            // not taken, and said (it was "unchanged", and the import said the archive was as the
            // file has it: helper-202 3).
            if archiveWithdrawalReasons == nil { archiveWithdrawalReasons = (try? archive.withdrawalReasons()) ?? [:] }
            let recorded = archiveWithdrawalReasons?[id]
            if recorded != given {
                let number = t["number"]?.text ?? ref
                let column = tables[r.mapped].column(ofTarget: .gradeReason)?.header
                updateWarnings.append(ImportProblem(
                    table: tables[r.mapped].table.name, line: r.line, column: column, value: given,
                    reason: recorded.map { "complaint \(number) was withdrawn or found unfounded with the reason \($0); an import does not change a recorded reason, so this one is not taken" }
                        ?? "complaint \(number) is not withdrawn or found unfounded, so this reason is not taken",
                    reasonZH: recorded.map { "投诉 \(number) 已登记撤诉/不成立，原因为“\($0)”；导入不会修改已登记的原因，文件中的原因未导入" }
                        ?? "投诉 \(number) 既未撤诉，也未认定为不成立，因此文件中填写的撤诉/不成立原因未导入"))
            }
        }
        return added ? .updated : .unchanged
    }

    /// A row of the complaints sheet (`Importer.buildChangeSet`): its record found or made, and its operations.
    func planComplaint(_ i: Int, _ r: Row, before: Int) {
        guard let customer = customerOf(i, r), let received = r.instants["receivedAt"] else { return }
        // The status, as far as a withdrawal goes: 已撤诉 or 投诉不成立 with its time, and
        // a time with one of them (a status without its time was dropped, and any text with
        // a time was read as 已撤诉: helper-118). Other statuses follow from the steps.
        if let text = r.refs["status"] {
            let said = ComplaintStatus.parse(text)
            let withdrawal = said == .withdrawn || said == .unfounded
            let column = tables[r.mapped].column(ofTarget: .complaintStatus)?.header
            if r.instants["withdrawnAt"] != nil, !withdrawal {
                refuse(i, column, text, "the time withdrawn or found unfounded is given, but the status is \(text): write 已撤诉 or 投诉不成立, or clear that time",
                       "已填写撤诉/不成立时间，但状态为“\(text)”。请将状态写为“已撤诉”或“投诉不成立”，或清空撤诉/不成立时间")
                return
            }
            // (A status the column's header contradicts, 投诉不成立 under 撤诉时间: it was
            // taken: helper-122.)
            if withdrawal, r.instants["withdrawnAt"] != nil, let unfounded = headerSaysUnfounded(r), unfounded != (said == .unfounded) {
                let h = tables[r.mapped].column("withdrawnAt")?.header ?? ""
                refuse(i, column, text, "the status is \(text), but the column \(h) says the complaint was \(unfounded ? "found unfounded" : "withdrawn"): check the status, or name the column 撤诉/不成立时间",
                       "状态为“\(text)”，但列名“\(h)”表示\(unfounded ? "投诉不成立" : "客户撤诉")。请核对状态，或将列名改为“撤诉/不成立时间”")
                return
            }
            if r.instants["withdrawnAt"] == nil, withdrawal {
                refuse(i, column, text, "the status is \(text), but the time withdrawn or found unfounded is not given: fill it in, or clear the status",
                       "状态为“\(text)”，但没有填写撤诉/不成立时间。请补填撤诉/不成立时间，或清空状态")
                return
            }
        } else if r.instants["withdrawnAt"] != nil, headerSaysUnfounded(r) == nil {
            // A time alone does not say which of the two (it made the complaint 已撤诉:
            // helper-119).
            let has = tables[r.mapped].column(ofTarget: .complaintStatus) != nil
            refuse(i, header(r, "withdrawnAt"), nil,
                   "the time withdrawn or found unfounded is given, but not which: write 已撤诉 or 投诉不成立 in the column \(has ? "" : "(to add) ")状态",
                   "已填写撤诉/不成立时间，但未注明是已撤诉还是投诉不成立。请在\(has ? "" : "表中增加")“状态”列\(has ? "" : "，并")填写“已撤诉”或“投诉不成立”")
            return
        }
        let description = r.field("description") ?? ""
        var complainant: String?
        if let given = r.refs["complainant"] {
            let p = ChangeDraft.removedShownPlain(given)  // (张伟（R2，已移除）, as complaint show shows one: helper-186 F5)
            complainant = childRef(.contact, customer: customer, name: p, reference: true)
            // (A complainant removed since, as an export names them: kept on their complaint,
            // refused on a new one: helper-185 F3 b.)
            if complainant == nil, let gone = removedContact(customer: customer, name: p) {
                complainant = gone.shortID
                removedNamed[i] = [gone]
            }
            if complainant == nil {
                refuseUnknownChild(i, r, .contact, column: "complainant", name: p, given: given, customer: customer)
                return
            }
        }
        // A complaint of this archive by its 记录号 (of an export of it), its number, time
        // or text the same: the row is that complaint, its text edited in the sheet or not.
        let ownComplaint: Entity?
        switch ownRecord(i, r, .complaint, customer: customer) {
        case .refused: return
        case .none: ownComplaint = nil
        case .record(let e):
            if refusesStale(i, r, e, fields: r.fields.filter { ["subject", "description", "channel"].contains($0.0) }) { return }
            ownComplaint = e
        }
        if let own = ownComplaint {
            // Its 受理时间 and 投诉人 as registered (they were dropped without a word: helper-100).
            var fixed: [FieldSpec] = []
            // (To the minute, as the steps: a row's 20:33 for 20:33:43 was refused: helper-120.)
            if let had = own["receivedAt"]?.int, !same(received, had) { fixed.append(Schema.field(.complaint, key: "receivedAt")!) }
            if let c = complainant, archiveID(c) != own["complainant"]?.ref { fixed.append(Schema.field(.complaint, key: "complainant")!) }
            if options.onDuplicate == .update, !fixed.isEmpty {
                let number = own["number"]?.text ?? own.shortID
                refuse(i, header(r, fixed[0].key), nil,
                       "complaint \(number) was registered with another \(fixed.map(\.en).joined(separator: " and ")); what a complaint was registered with is not changed by an import: check the file",
                       "文件中投诉 \(number) 的\(fixed.map(\.zh).joined(separator: "、"))与登记时不一致。投诉登记后，\(fixed.map(\.zh).joined(separator: "、"))不能再修改。请在文件中改回登记时的内容，再重新导入")
                return
            }
            switch options.onDuplicate {
            case .refuse where identical.contains(i): _ = unchangedOnce(i, r, record: own.shortID, column: header(r, "description"), value: description)
            case .refuse:
                b.archiveDuplicates.insert(i)
                _ = duplicateHint(i)
                let d = differingWords(complaintDiffering(own, r, complainant: complainant))
                refuse(i, header(r, "description"), description, "already in the archive as \(own["number"]?.text ?? own.shortID) (same record id\(d.en))",
                       "档案中已有这条投诉（\(own["number"]?.text ?? own.shortID)，记录号相同\(d.zh)）")
            case .skip: b.status[i] = .duplicate
            case .update:
                if secondRow(of: own.id, i, r) { return }
                // Its steps, then its words (被投诉人/部门, 投诉内容, 渠道) as the sheet now has them.
                var fields: [(String, String)] = []
                for key in ["subject", "description", "channel"] {
                    guard let input = r.field(key), let spec = Schema.field(.complaint, key: key) else { continue }
                    if let value = try? ChangeDraft.value(for: spec, input: input, now: options.now), value == own[number: spec.number] { continue }
                    fields.append((key, input))
                }
                guard let status = updateComplaint(own.id, r, row: i) else { return }  // (a recorded step otherwise: refused)
                if !fields.isEmpty { _ = add(.edit(.complaint, own.shortID, fields: fields), row: i) }
                b.status[i] = fields.isEmpty ? status : .updated
            }
            return
        }
        var key = Importer.complaintKey(customer, received, description)
        // A date alone (read as midnight): the archive's complaint of that day, customer
        // and text, when there is one (a row's 2026-03-01 for one received at 09:00 was
        // added again: helper-120).
        if DateParser.startOfDay(DateParser.localDay(received)) == received, !index.complaintKeys.contains(key), let twin = complaintOfDay(key) { key = twin }
        // (A complaint's own id in a file: its number, else its 记录号.)
        let complaintID: (Row) -> String? = { row in row.refs["number"].flatMap { $0.trimmedWhitespace.isEmpty ? nil : $0 } ?? row.sourceID }
        var inArchive = index.complaintKeys.contains(key)
        var assigned: (record: UInt64, repeatOf: Int?)?
        if inArchive, let fileID = fileRecordID(r, complaintID(r)) {
            let last = archiveComplaint(key)
            let number = r.refs["number"]?.trimmedWhitespace.uppercased()
            assigned = archiveTwin(key, fileID, i, among: complaintTwins[key] ?? last.map { [$0] } ?? []) { [archive] in
                archive.state.entity(.complaint, $0)?["number"]?.text?.uppercased() == number
            }
            if assigned == nil { inArchive = false }
        }
        var earlierRow = inArchive ? nil : logKeys[key]
        if let first = earlierRow {
            earlierRow = earlierRecord(of: key, first: first, i, r, id: complaintID)
        }
        if inArchive || earlierRow != nil {
            if options.onDuplicate == .refuse, identical.contains(i) {
                _ = unchangedOnce(i, r, record: (assigned?.record ?? archiveComplaint(key, for: r, taken: { unchangedRecords["T\($0)"] != nil })).map { "T\($0)" } ?? "", column: header(r, "description"), value: description)
            } else if options.onDuplicate == .refuse {
                _ = duplicateHint(i)
                if let earlier = earlierRow ?? assigned?.repeatOf {
                    // (The earlier row's own sheet, a log row's too: it was said as this file's.)
                    let at = place(ofRow: earlier, from: r)
                    refuse(i, header(r, "description"), description, "the same complaint as \(at.en) (same customer, time and content)",
                           "与\(at.zh)是同一条投诉（客户、受理时间、投诉内容均相同）")
                } else {
                    b.archiveDuplicates.insert(i)
                    let t = (assigned?.record ?? archiveComplaint(key, for: r, taken: { _ in false })).flatMap { archive.state.entity(.complaint, $0) }
                    let d: (en: String, zh: String) = t.map { differingWords(complaintDiffering($0, r, complainant: complainant)) } ?? ("", "")
                    refuse(i, header(r, "description"), description, "already in the archive as \(t.map { $0["number"]?.text ?? $0.shortID } ?? "a complaint") (same customer, time and content\(d.en))",
                           "档案中已有这条投诉（\(t.map { ($0["number"]?.text ?? $0.shortID) + "，" } ?? "")客户、受理时间、投诉内容均相同\(d.zh)）")
                }
            } else if options.onDuplicate == .update, earlierRow == nil, let id = assigned?.record ?? archiveComplaint(key, for: r, taken: { complaintUpdateRow[$0] != nil }) {
                // The steps the archive's complaint has not had yet, from the row
                // (通报, 处理, 回访): they were dropped without a word (helper-97); its
                // 投诉人 as registered, and its 被投诉人/部门 and 渠道 as the sheet has them,
                // as for a row with its record id (they were said unchanged: helper-116).
                guard let t = archive.state.entity(.complaint, id) else { return }
                if secondRow(of: id, i, r) { return }
                if let c = complainant, archiveID(c) != t["complainant"]?.ref {
                    let number = t["number"]?.text ?? t.shortID
                    refuse(i, header(r, "complainant"), r.refs["complainant"],
                           "complaint \(number) was registered with another complainant; what a complaint was registered with is not changed by an import: check the file",
                           "文件中投诉 \(number) 的投诉人与登记时不一致。投诉登记后不能再更改投诉人，请在文件中改回登记时的内容，再重新导入")
                    return
                }
                var fields: [(String, String)] = []
                for key in ["subject", "channel"] {
                    guard let input = r.field(key), let spec = Schema.field(.complaint, key: key) else { continue }
                    if let value = try? ChangeDraft.value(for: spec, input: input, now: options.now), value == t[number: spec.number] { continue }
                    fields.append((key, input))
                }
                guard let status = updateComplaint(id, r, row: i) else { return }  // (a recorded step otherwise: refused)
                if !fields.isEmpty { _ = add(.edit(.complaint, t.shortID, fields: fields), row: i) }
                b.status[i] = fields.isEmpty ? status : .updated
            } else if let first = earlierRow.flatMap({ rows[$0].kind == .complaints ? $0 : nil }) ?? complaintRowOfKey[key],
                      case let d = Importer.complaintRowDiffering(rows[first], r, now: options.now), !d.isEmpty {
                // A second row of a complaint new in this file, with other values: they
                // were dropped without a word (the row counted as a skipped duplicate),
                // under --on-duplicate skip too (a duplicate to skip is one that gives
                // nothing more).
                refuseSecondComplaintRow(i, r, first: first, differing: d)
            } else {
                b.status[i] = .duplicate
            }
            return
        }
        if refuseRemovedPeople(i, r, column: "complainant", kept: []) { return }
        if refusesStepGap(i, r, routed: (r.instants["managerNotifiedAt"] != nil, r.instants["directorNotifiedAt"] != nil), resolved: false) { return }
        if logKeys[key] == nil {  // (the first row of a key; the others are records of their own)
            logKeys[key] = i
            complaintRowOfKey[key] = i
        }
        // The number the file gives it, when free (the customer was given it; they were all
        // numbered again: helper-201 4); said when another complaint has it.
        var number: String?
        if let given = r.refs["number"], ChangeDraft.keepableComplaintNumber(given, receivedAt: received) == nil,
           CellReading.halfWidth(given).uppercased().hasPrefix("TS") {
            // (Written as ours, but not one a complaint of that time can have: TS-2025-0000,
            // TS-2025-12345, TS-9999-0001 for 2025. They were kept, or dropped unsaid: helper-202 5.)
            updateWarnings.append(ImportProblem(
                table: tables[r.mapped].table.name, line: r.line, column: tables[r.mapped].column(ofTarget: .complaintNumber)?.header, value: given,
                reason: "\(given) is not a complaint number of its year as SalesVault writes them (TS-\(DateParser.civil(DateParser.localDay(received)).year)-0001 to 9999): SalesVault numbers this complaint",
                reasonZH: "编号“\(given)”不是该投诉受理年份的有效编号（应为 TS-\(DateParser.civil(DateParser.localDay(received)).year)-0001 至 TS-\(DateParser.civil(DateParser.localDay(received)).year)-9999），导入后由系统自动编号"))
        }
        if let given = r.refs["number"], let parts = ChangeDraft.keepableComplaintNumber(given, receivedAt: received) {
            if archiveComplaintNumbers == nil { archiveComplaintNumbers = ComplaintNumbers(archive.state) }
            if !fileComplaintNumbers.contains(parts.number), archiveComplaintNumbers?.free(parts.number, receivedAt: received, description: description) == true {
                number = parts.number
                fileComplaintNumbers.insert(parts.number)
            } else {
                updateWarnings.append(ImportProblem(
                    table: tables[r.mapped].table.name, line: r.line, column: tables[r.mapped].column(ofTarget: .complaintNumber)?.header, value: given,
                    reason: "another complaint \(fileComplaintNumbers.contains(parts.number) ? "of this file" : "of this archive") has the number \(parts.number): this one gets the next number of its year; if the customer was given \(parts.number), say so when you follow it up",
                    reasonZH: "编号 \(parts.number) 已被\(fileComplaintNumbers.contains(parts.number) ? "本文件中的另一条投诉" : "本档案中的另一条投诉")使用，本条投诉导入后将按其受理年份重新编号。如已将原编号告知客户，跟进时请向客户说明编号变更"))
            }
        }
        // (A reason for a complaint the file does not withdraw: not taken, and said: helper-204 8.)
        if r.instants["withdrawnAt"] == nil, let given = r.gradeReason, !given.isEmpty, !given.isPlaceholderReason {
            updateWarnings.append(ImportProblem(
                table: tables[r.mapped].table.name, line: r.line, column: tables[r.mapped].column(ofTarget: .gradeReason)?.header, value: given,
                reason: "the complaint is not withdrawn or found unfounded in the file, so this reason is not taken",
                reasonZH: "文件中该投诉既未撤诉，也未认定为不成立，因此文件中填写的撤诉/不成立原因未导入"))
        }
        let n = add(.fileComplaint(customer: customer, about: r.field("subject") ?? "", description: description, channel: r.field("channel"),
                                   complainant: complainant, receivedAt: received, number: number), row: i)
        let ref = "@\(n)"
        let manager = r.instants["managerNotifiedAt"]
        let director = r.instants["directorNotifiedAt"]
        if let m = manager, let d = director, m == d {
            _ = add(.routeComplaint(ref, manager: true, director: true, at: m), row: i)
        } else {
            for (isManager, at) in [(true, manager), (false, director)].compactMap({ $0.1 == nil ? nil : ($0.0, $0.1!) }).sorted(by: { $0.1 < $1.1 }) {
                _ = add(.routeComplaint(ref, manager: isManager, director: !isManager, at: at), row: i)
            }
        }
        if let coordinator = r.field("coordinator"), let resolution = r.field("resolution") {
            _ = add(.resolveComplaint(ref, coordinator: coordinator, resolution: resolution, at: r.instants["resolvedAt"]), row: i)
            if r.instants["resolvedAt"] == nil { noteUndated(r, resolved: true) }
        }
        if let satisfaction = r.field("satisfaction") {
            _ = add(.surveyComplaint(ref, satisfaction: satisfaction, comment: r.field("surveyComment"), by: r.field("surveyedBy"), at: r.instants["surveyedAt"]), row: i)
            if r.instants["surveyedAt"] == nil { noteUndated(r, resolved: false) }
        }
        // Withdrawn by the customer, or found unfounded (its status says which): so again
        // (a withdrawn complaint came back open, to be routed and resolved: black-box finding).
        if let at = r.instants["withdrawnAt"] { _ = add(withdrawal(ref, r, at: at), row: i) }
        b.status[i] = .new
    }
}
