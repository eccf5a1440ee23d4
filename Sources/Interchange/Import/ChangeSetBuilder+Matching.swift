import Foundation
import SalesArchive

extension Importer.ChangeSetBuilder {
    func add(_ op: ChangeOperation, row: Int) -> Int {
        b.operationRows.append(row)
        return b.set.append(op)
    }

    func refuse(_ i: Int, _ column: String?, _ value: String?, _ en: String, _ zh: String) {
        let r = rows[i]
        b.problems[i, default: []].append(ImportProblem(table: tables[r.mapped].table.name, line: r.line, column: column, value: value, reason: en, reasonZH: zh))
        // (A customer row refused in this pass, as a duplicate of another row: rows naming it
        // are told so, not that it is nowhere in the file.)
        if r.kind == .customers, let name = r.field("name") {
            let key = TextKey(Identity.companyKey(name))
            if refusedCustomers[key] == nil { refusedCustomers[key] = (tables[r.mapped].table.name, r.line) }
            refusedNames.insert(TextKey(name.trimmedWhitespace))
        }
        if r.kind == .contacts || r.kind == .projects { noteRefusedChild(r) }
    }

    /// A contact's or project's row refused: its name noted for the rows that name it.
    func noteRefusedChild(_ r: Row) {
        guard let name = r.field("name") else { return }
        let key = "\(r.kind == .contacts ? "R" : "P")|\(Importer.personKey(name))"
        if refusedChildren[key] == nil { refusedChildren[key] = (tables[r.mapped].table.name, r.line) }
    }

    /// A row naming a contact or project (`kind`) found nowhere: refused, naming the row of that
    /// name which was refused, when there is one (it said the person was in neither the file nor
    /// the archive, while the 联系人 sheet had the row: helper-164).
    func refuseUnknownChild(_ i: Int, _ r: Row, _ kind: EntityKind, column key: String, name: String, given: String, customer: String) {
        if refuseIDGivenTwice(i, r, column: header(r, key), text: name) { return }
        if refuseUnmade(i, r, kind == .contact ? .contacts : .projects, column: header(r, key), text: name) { return }
        let (en, zh, named) = kind == .contact ? ("contact", "联系人", "联系人姓名") : ("project", "项目", "项目名称")
        // A name with another record's id in brackets (张伟（R3）, R3 being 王敏): said so, as the
        // command line says it (helper-186 F8).
        if !foreignIDs && !othersIDs, let (plain, id) = ChangeDraft.nameWithID(name, prefix: kind.idPrefix), let (k, n) = Importer.recordID(id), k == kind,
           let e = archive.state.entityIncludingRemoved(kind, n), e["customer"]?.ref == archiveID(customer),
           Importer.personKey(e["name"]?.text ?? "") != Importer.personKey(plain) {
            refuse(i, header(r, key), given, "\(name): \(id) is \(e.displayName)\(e.removed ? " (removed)" : ""), not \(plain); check the name or the id",
                   "“\(name)”中的 \(id) 对应的是\(e.removed ? "已移除的" : "")\(zh)“\(e.displayName)”，而不是“\(plain)”，请核对姓名或编号")
            return
        }
        // (An id read as this archive's of another customer's record is said so: it was said to
        // name nothing here, beside rows whose ids were read as this archive's: helper-178.)
        let here = archiveRecordOfID(kind, name).map(\.shortID)
        if here == nil, refuseForeignID(i, r, kind, column: header(r, key), text: name) { return }
        if let ref = sourceIDs[Importer.idKey(name)] ?? here, let owner = otherCustomersChild(ref, customer: customer) {
            // (A record, by the file's id, of another customer than the row's; the row's named too:
            // a project's name was said “” and the row's customer not at all: helper-168.)
            let id = Importer.idKey(name)
            let what: (en: String, zh: String)
            if let made = fileChildren[ref] {
                let at = place(made.table, made.line, from: r)
                what = ("\(made.name) at \(at.en)", "\(at.zh)的“\(made.name)”")
            } else if let e = archiveID(ref).flatMap({ archive.state.entity(kind, $0) }) {
                what = ("\(e.displayName) (the archive's \(e.shortID))", "档案中的“\(e.displayName)”（\(e.shortID)）")
            } else {
                what = (id, id)
            }
            let mine = customerName(customer)
            refuse(i, header(r, key), given, "the record id \(id) is the \(en) \(what.en), of the customer \(owner), not of this row's customer \(mine): check the id, or give the \(en)'s name",
                   "记录号 \(id) 对应的是\(what.zh)，属于客户“\(owner)”，不是本行所填客户“\(mine)”的\(zh)。请核对记录号，或改填\(named)")
            return
        }
        // A name one record had and another takes in this export (`renameAmbiguity`).
        if let (old, new) = renameAmbiguity(kind, customer: customer, name: name) {
            let newID = archiveID(new) != nil ? new : (fileChildren[new].map { "\(place($0.table, $0.line, from: r).zh)的\(zh)" } ?? new)
            let newEN = archiveID(new) != nil ? new : (fileChildren[new].map { "the \(en) at \(place($0.table, $0.line, from: r).en)" } ?? new)
            refuse(i, header(r, key), given, "\(name) was the name of \(old.shortID) when the file was exported, and this file gives it to \(newEN): which is meant is not clear; give its id instead (e.g. \(old.shortID))",
                   "“\(name)”是 \(old.shortID) 导出时的\(named)，本文件又把它改给了 \(newID)，无法确定指哪一\(kind == .contact ? "位" : "个")。请在此处改填其记录号（例如 \(old.shortID)）")
            return
        }
        // Two records of the file of that name (`sharedNames`).
        if !sharedNames.isEmpty, sharedNames.contains("\(kind.idPrefix)|\(customer)|\(Importer.personKey(name))") {
            let same = (archiveID(customer).flatMap { archiveChildren(kind, of: $0).byKey[Importer.personKey(name)] }) ?? []
            if same.count > 1 {
                refuseNamesakes(i, r, kind, column: header(r, key), value: given, customer: customer, name: name, same, reference: true)
            } else {
                refuse(i, header(r, key), given, "two \(en)s of this customer in the file are named \(name): which is meant is not clear; give its id instead",
                       "本文件中该客户有两个名为“\(name)”的\(zh)，无法确定指哪一\(kind == .contact ? "位" : "个")。请在此处改填其记录号")
            }
            return
        }
        // Several archive records of that name at the customer (`childRef(reference:)`).
        if let owner = archiveID(customer), case let same = archiveChildren(kind, of: owner).byKey[Importer.personKey(name)] ?? [], same.count > 1 {
            refuseNamesakes(i, r, kind, column: header(r, key), value: given, customer: customer, name: name, same, reference: true)
            return
        }
        if let refused = refusedChildren["\(kind == .contact ? "R" : "P")|\(Importer.personKey(name))"] {
            let at = place(refused.table, refused.line, from: r)
            let (en, zh) = kind == .contact ? ("contact", "联系人") : ("project", "项目")
            refuse(i, header(r, key), given, "the \(en) \(name) is at \(at.en), but that row was refused, so this one cannot be imported either; correct that row first",
                   "\(zh)“\(name)”所在的行（\(at.zh)）有误，因此本行也无法导入。请先改正该行")
        } else if let other = namedUnderAnother(kind, name, customer: customer) {
            let (en, zh) = kind == .contact ? ("contact", "联系人") : ("project", "项目")
            refuse(i, header(r, key), given, "\(customerName(customer)) has no \(en) \(name); the \(en) \(name) is \(other)'s: check this row's customer and \(en)",
                   "本行所填客户“\(customerName(customer))”下没有\(zh)“\(name)”；名为“\(name)”的\(zh)属于客户“\(other)”。请核对本行的客户和\(zh)是否填对")
        } else if kind == .contact, let from = source.exportedFrom, !ownIDs {
            // Another archive's export (a handover) lists its live contacts only: a person its
            // records name who was removed there is in neither (helper-186 F6). Said, with the ways on.
            refuse(i, header(r, key), given, "\(name) is not a contact of this customer in the file or the archive; if \(from.owner)'s archive removed them, the export lists them no more: bring them back there (undo the removal) and export again, or add them here first (salesvault contact add), or clear the name in this row",
                   "该客户下没有联系人“\(name)”（本文件和本档案中均未找到）。如该联系人已在\(from.owner)的档案中移除，导出文件中就不会包含此人。可在原档案中撤销移除后重新导出，或先在本档案中添加该联系人（salesvault contact add），或从本行中删去这个姓名")
        } else if kind == .contact {
            refuse(i, header(r, key), given, "\(name) is not a contact of this customer in the file or the archive", "该客户下没有联系人“\(name)”（本文件和档案中都没有）")
        } else {
            refuse(i, header(r, key), given, "\(name) is not a project of this customer in the file or the archive", "该客户下没有项目“\(name)”（本文件和档案中都没有）")
        }
    }

    /// The row of the file whose own record id (记录号) `text` is, of `kind`, when that row made
    /// no record (`fileIDRows`).
    func unmadeFileRow(_ text: String, _ kind: ImportKind) -> Int? {
        guard !fileIDRows.isEmpty else { return nil }
        let id = Importer.idKey(text)
        guard let j = fileIDRows[id], rows[j].kind == kind, sourceIDs[id] == nil else { return nil }
        return j
    }

    /// Refuses row `i` for referring by its record id to a row of the file that made no record
    /// (`unmadeFileRow`), naming that row; false when `text` is no such id.
    func refuseUnmade(_ i: Int, _ r: Row, _ kind: ImportKind, column: String?, text: String) -> Bool {
        guard let j = unmadeFileRow(text, kind) else { return false }
        if refuseAmbiguous(i, r, row: j, column: column, text: text) { return true }
        let id = Importer.idKey(text)
        let at = place(ofRow: j, from: r)
        let (unit, this) = source.format == .json ? ("记录", "本条记录") : ("行", "本行")
        let en = source.format == .json ? "record" : "row"
        refuse(i, column, text, "the record id \(id) is that of \(at.en), which was not imported, so neither is this \(en): correct \(at.en) first",
               "记录号为 \(id) 的\(unit)（\(at.zh)）未能导入，因此\(this)也无法导入。请先改正\(at.zh)的问题")
        return true
    }

    /// Row `r`, refused as a duplicate of record `ref` (of the archive, or made by an earlier
    /// row): rows referring to it by the file's own record id are that record's, as rows naming
    /// it are (`fileIDRows`), also after --only-valid left it out.
    func refusedAsDuplicate(_ r: Row, _ kind: EntityKind, of ref: String, customer: String? = nil) {
        if !ref.hasPrefix("@"), let name = r.field("name") {
            // (By name too, in this pass and after --only-valid left the row out: helper-168.)
            switch kind {
            case .customer: importer.archiveRecordOfFileName["C|\(Identity.companyKey(name))"] = ref
            case .contact, .project:
                if let customer, !customer.hasPrefix("@") { importer.archiveRecordOfFileName["\(kind.idPrefix)|\(customer)|\(Importer.personKey(name))"] = ref }
            default: break
            }
        }
        guard !ownIDs, let id = r.sourceID.map(Importer.idKey), !id.isEmpty else { return }
        registerSourceID(r, ref)
        if !ref.hasPrefix("@") { importer.archiveRecordOfFileID[id] = ref }
    }

    /// Customer row `i`, taken for a record several archive customers could be (`MatchReason.ambiguous`):
    /// skipped or refused, it stands for none of them; rows naming it are refused (`refuseAmbiguous`).
    func standsForNone(_ i: Int, _ r: Row, _ why: MatchReason) {
        guard r.kind == .customers else { return }
        standsForNone(i, r, candidates: candidates(i, r, why))
    }

    /// The archive customers customer row `i`, matched for `why`, could be.
    func candidates(_ i: Int, _ r: Row, _ why: MatchReason) -> [String] {
        guard why.candidates.isEmpty else { return why.candidates }
        let key = keys[i]?.companyKey ?? TextKey(Identity.companyKey(r.field("name") ?? ""))
        switch why.kind {
        case .sharedName: return index.sharedKeys[key] ?? []
        case .creditCode: return keys[i]?.credit.flatMap { if case .valid(let v) = $0 { return index.sharedCredits[v] } else { return nil } } ?? []
        default: return keys[i]?.phone.flatMap { index.sharedFirstPhones[$0] } ?? []
        }
    }

    /// Refuses customer row `i`, which several archive customers could be (`MatchReason.ambiguous`),
    /// under `--on-duplicate skip`: it stands for none of them (`standsForNone`), and the reason
    /// names them and what to write.
    func refuseStandingForNone(_ i: Int, _ r: Row, _ why: MatchReason) {
        let all = candidates(i, r, why)
        standsForNone(i, r, candidates: all)
        let name = r.field("name") ?? ""
        let follows = (en: "so this row is not imported, nor the rows of the file naming its customer", zh: "因此本行无法导入，文件中与该客户相关的其他行也无法导入")
        if !why.candidates.isEmpty, all.count == 2 {
            // (The name one's, the credit code another's: deleting the credit code made it the
            // name's, which the advice to delete it did not say: helper-172.)
            refuse(i, header(r, "creditCode") ?? header(r, "name"), r.field("creditCode") ?? name,
                   "the name is \(customerLabel(all[0]))'s in the archive and the credit code \(customerLabel(all[1]))'s: which customer this is is not clear, \(follows.en). Check the name and the credit code",
                   "客户名称对应档案中的 \(customerLabel(all[0]))，统一社会信用代码却属于 \(customerLabel(all[1]))，无法确定是哪一家，\(follows.zh)。请核对名称和统一社会信用代码")
            return
        }
        let shared: (column: String?, value: String?, en: String, zh: String, drop: (en: String, zh: String)?)
        switch why.kind {
        case .sharedName:
            shared = (header(r, "name"), name, "a name written alike to those of", "的名称相近", nil)
        case .creditCode:
            shared = (header(r, "creditCode"), r.field("creditCode"), "the credit code shared by", "共用的统一社会信用代码相同", ("credit code", "统一社会信用代码"))
        default:
            shared = (header(r, "phone"), r.field("phone"), "the first phone number of", "电话栏里的第一个号码相同", ("phone", "电话"))
        }
        let neither = shared.drop.map { (en: "; if it is none of them, leave its \($0.en) out of the row", zh: "；如都不是，请删除本行的\($0.zh)") } ?? (en: "", zh: "")
        refuse(i, shared.column, shared.value,
               "\(name) has \(shared.en) more than one customer in the archive (\(listed(all, zh: false))): which it is is not clear, \(follows.en). If it is one of them, write its name exactly as that one does, or its credit code\(neither.en)",
               "“\(name)”与档案中多家客户（\(listed(all, zh: true))）\(shared.zh)，无法确定是哪一家，\(follows.zh)。如是其中一家，请在本行填写与该客户完全一致的客户名称或统一社会信用代码\(neither.zh)")
    }

    /// (By its exact name: another row's name alike but for a suffix, the archive's own, is
    /// still that one's: helper-170.)
    func standsForNone(_ i: Int, _ r: Row, candidates: [String]) {
        ambiguousRows[i] = candidates
        b.namingUnclearRows.insert(i)
        let exact = TextKey((r.field("name") ?? "").trimmedWhitespace)
        if ambiguousCustomers[exact] == nil { ambiguousCustomers[exact] = i }
    }

    /// Refuses row `i` for naming customer row `j` (by name or by its record id), which several
    /// archive customers could be (`standsForNone`); false when `j` is none such.
    func refuseAmbiguous(_ i: Int, _ r: Row, row j: Int, column: String?, text: String) -> Bool {
        guard let candidates = ambiguousRows[j] else { return false }
        b.namingUnclearRows.insert(i)
        let at = place(ofRow: j, from: r)
        let name = rows[j].field("name") ?? text
        refuse(i, column, text,
               "the customer \(name) at \(at.en) could be any of \(listed(candidates, zh: false)) in the archive (a shared phone, credit code or name), so which customer this row belongs to is not clear: at \(at.en), write the name exactly as one of them does, or its credit code",
               "\(at.zh)的客户“\(name)”与档案中多家客户（\(listed(candidates, zh: true))）的电话、统一社会信用代码或名称相同，无法确定是哪一家，因此本行也无法导入。请在\(at.zh)填写与其中一家完全一致的客户名称或统一社会信用代码")
        return true
    }

    /// Whether the file's record ids are another archive's (an export of another owner's archive,
    /// or of another of this owner's): none of them is this archive's record, not even one of
    /// two namesakes a row names (`childRef`'s `id`).
    var othersIDs: Bool {
        source.exportedFrom != nil && (importer.recordIDs == .file || importer.recordIDs == .notThisArchive(.otherArchive))
    }

    /// In another archive's export (`foreignIDs`), `text` is a record id of `kind` that no row of
    /// the file registered: it names nothing (this archive's record of that number is another).
    func foreignID(_ text: String, _ kind: EntityKind) -> Bool {
        guard foreignIDs, let (k, _) = Importer.recordID(text), k == kind else { return false }
        return sourceIDs[Importer.idKey(text)] == nil
    }

    /// Refuses row `i` for a reference that is a record id of `kind` the file (another archive's
    /// export) does not have (`foreignID`); false when `text` is none.
    func refuseForeignID(_ i: Int, _ r: Row, _ kind: EntityKind, column: String?, text: String) -> Bool {
        guard foreignID(text, kind), unmadeFileRow(text, kind == .customer ? .customers : kind == .contact ? .contacts : .projects) == nil else { return false }
        let id = Importer.idKey(text)
        let name = kind == .customer ? (en: "the customer's full name (or credit code)", zh: "客户全称（或统一社会信用代码）") : kind == .contact ? (en: "the contact's name", zh: "联系人姓名") : (en: "the project's name", zh: "项目名称")
        // (A file that does not say where it came from is not said to come from elsewhere: this
        // archive's own CSV export was: helper-170.)
        var whence = source.exportedFrom != nil ? (en: "it was not exported from this archive", zh: "本文件并非从本档案导出")
            : (en: "it does not say it was exported from this archive", zh: "本文件没有注明是从本档案导出的")
        // The row that keeps the file's ids its own, when a row would otherwise have made them
        // this archive's (a row added by hand with a 记录号 of its own: helper-180 N7).
        if let n = notHere, !idsReadAsHere, let given = rows[n].sourceID {
            let at = place(tables[rows[n].mapped].table.name, rows[n].line, from: r)
            whence.en += ", and the record id \(Importer.idKey(given)) at \(at.en) is not this archive's record of its customer"
            whence.zh += "，且\(at.zh)的记录号 \(Importer.idKey(given)) 不是本档案中该客户的记录（如该行是新加的，请清空其记录号）"
        }
        // A CSV of one kind naming a record another file holds, as an export names one of two
        // people of the same name (another archive's log.csv after its contacts.csv: helper-201
        // 3): the way that works named too.
        let list: ImportKind = kind == .customer ? .customers : kind == .contact ? .contacts : .projects
        var elsewhere = (en: "", zh: "")
        if case .csv = source.format, !tables.contains(where: { $0.kind == list }) {
            elsewhere = (en: "; a CSV file holds one kind: if it was exported from another archive (which names one of two \(kind.en)s of the same name by the record id), import that archive's export as one workbook (salesvault export --format xlsx) or JSON file instead",
                         zh: "。一个 CSV 文件只能包含一类数据，所指的\(kind.zh)不在本文件中。如本文件是从另一份档案导出的（导出时同名\(kind.zh)以记录号区分），请改为从该档案导出 Excel 工作簿（salesvault export --format xlsx）或 JSON 文件（salesvault export --format json），再整份导入")
        }
        refuse(i, column, text,
               "the file has no \(kind.en) with the record id \(id); \(whence.en), so its ids name only its own records, whatever this archive's \(id) is: give \(name.en) instead" + elsewhere.en,
               "本文件中没有记录号为 \(id) 的\(kind.zh)。\(whence.zh)，文件中的记录号只指文件内的记录，与本档案的 \(id) 无关，请在此处改填\(name.zh)" + elsewhere.zh)
        return true
    }

    /// The customer (its label) of `ref`, a contact or project the file makes, when it is another
    /// than `customer`; nil when the same, or not one of the file's.
    /// (An archive record a row of another archive's export stands for is checked too: a
    /// project's 决策人 was another customer's contact: helper-168.)
    func otherCustomersChild(_ ref: String, customer: String) -> String? {
        let owner: String
        if ref.hasPrefix("@") {
            guard let made = fileChildren[ref] else { return nil }
            owner = made.customer
        } else {
            guard !ownIDs, let id = archiveID(ref), let kind = ref.hasPrefix("R") ? EntityKind.contact : ref.hasPrefix("P") ? .project : nil,
                  let c = archive.state.entity(kind, id)?["customer"]?.ref else { return nil }
            owner = "C\(c)"
        }
        return owner == customer ? nil : customerName(owner)
    }

    /// A customer reference (`C5`, `@3`) as its name: the archive's, or the one the file gives it.
    func customerName(_ ref: String) -> String {
        if let id = archiveID(ref), let c = archive.state.entity(.customer, id) { return c.displayName }
        return fileFields[ref]?.fields.first { $0.0 == "name" }?.1 ?? ref
    }

    func header(_ r: Row, _ key: String) -> String? { tables[r.mapped].column(key)?.header }

    func archiveID(_ ref: String) -> UInt64? { ref.hasPrefix("C") || ref.hasPrefix("R") || ref.hasPrefix("P") ? UInt64(ref.dropFirst()) : nil }

    /// Where in the file the row at `line` of the file's record `ref` is, said from row `r`:
    /// its sheet named when it is another's (“客户2”工作表第 2 行 read as its own line: helper-148).
    func fileLine(_ ref: String, _ line: Int, from r: Row) -> (en: String, zh: String) {
        let here = tables[r.mapped].table.name
        var sheet: String?
        if let record = fileFields[ref] {
            if record.first.line == line { sheet = record.first.table }
            else if record.line == line { sheet = record.table }
            else { sheet = record.fieldSources.values.first { $0.line == line }?.table }
        }
        return place(sheet ?? here, line, from: r)
    }

    /// Row `line` of `table` said from row `r`: a CSV file's line, a sheet's row, a JSON
    /// export's record (`ImportSource.Format.place`).
    func place(_ table: String, _ line: Int, from r: Row) -> (en: String, zh: String) {
        source.format.place(table, line: line, from: tables[r.mapped].table.name)
    }

    /// Row `i` of the file said from row `r`.
    func place(ofRow i: Int, from r: Row) -> (en: String, zh: String) {
        place(tables[rows[i].mapped].table.name, rows[i].line, from: r)
    }

    func duplicateText(_ where_: (ref: String, line: Int?), _ what: (en: String, zh: String), _ r: Row) -> (String, String) {
        if let line = where_.line {
            let at = fileLine(where_.ref, line, from: r)
            return ("the same \(r.kind.entity.en) as \(at.en) (\(what.en))", "与\(at.zh)重复（\(what.zh)）")
        }
        let e = archive.state.entities(r.kind.entity, archiveID(where_.ref) ?? 0)
        let name = e.map { "\($0.shortID) \($0.displayName)" } ?? where_.ref
        return ("already in the archive as \(name) (\(what.en))", "档案中已有 \(name)（\(what.zh)）")
    }

    /// The name of the record a row matched: the archive's, or the earlier row's of the file.
    func recordName(_ kind: EntityKind, _ match: (ref: String, line: Int?, why: MatchReason)) -> String? {
        if match.line == nil { return archiveID(match.ref).flatMap { archive.state.entity(kind, $0) }?["name"]?.text }
        return fileFields[match.ref]?.fields.first { $0.0 == "name" }?.1
    }

    /// Whether row `r` names archive record `ref` exactly as the archive does: only then may
    /// it count as unchanged rather than refused (腾讯科技（深圳） for 腾讯科技（深圳）有限公司
    /// is still shown as a duplicate, for the user to say which it is).
    func namedAsInArchive(_ kind: EntityKind, _ ref: String, _ r: Row) -> Bool {
        guard let id = archiveID(ref), let e = archive.state.entity(kind, id), let name = r.field("name") else { return false }
        return e["name"]?.text?.trimmedWhitespace == name.trimmedWhitespace
    }

    /// A row the archive has as it is (`identical`): unchanged; but a later row of the file
    /// for the same record is refused as that row's duplicate, as the second of two rows of a
    /// new record is (both were counted unchanged: helper-116). False when refused.
    func unchangedOnce(_ i: Int, _ r: Row, record: String, column: String?, value: String?) -> Bool {
        if let line = unchangedRecords[record] {
            _ = duplicateHint(i)
            let at = place(tables[r.mapped].table.name, line, from: r)
            refuse(i, column, value, "the same \(r.kind.entity.en) as \(at.en)", "与\(at.zh)重复")
            return false
        }
        unchangedRecords[record] = r.line
        b.status[i] = .unchanged
        return true
    }

    /// Counts a duplicate refused (the CLI says once, after the list, how to skip or update).
    func duplicateHint(_ i: Int) -> (String, String) {
        b.duplicatesRefused += 1
        b.duplicateRows.insert(i)
        return ("", "")
    }

    /// What a row that duplicates `match` becomes under `--on-duplicate`: refused (nil), or
    /// the record it stands for (skipped, or updated with the row's values).
    /// `customer`: a contact's (its row's customer), for the rows that name it.
    func settle(_ i: Int, _ r: Row, _ kind: EntityKind, _ match: (ref: String, line: Int?, why: MatchReason), value: String, customer: String? = nil) -> String? {
        if options.onDuplicate != .refuse, match.why.kind == .lostCharacters, let given = r.field("name"), let label = recordName(kind, match) ?? archiveID(match.ref).flatMap({ archive.state.entity(kind, $0)?.displayName }) {
            // (Said, as a refusal says it: with skip and update nothing told why Bj?rn AB was
            // C1 Björn AB: helper-215 1.)
            updateWarnings.append(ImportProblem(
                table: tables[r.mapped].table.name, line: r.line, column: header(r, "name"), value: given,
                reason: "\(given) is taken for the archive's \(match.ref) \(label): the file was saved as GBK, where the characters GBK cannot hold became ?; the archive's name is kept",
                reasonZH: "“\(given)”即档案中的 \(match.ref) \(label)：文件按 GBK 编码保存，名称中 GBK 无法表示的字符已变成“?”。档案中的客户名称保持不变，不会改成“?”"))
        }
        switch options.onDuplicate {
        case .refuse where identical.contains(i):
            // (The archive has it as the row has it.)
            guard unchangedOnce(i, r, record: match.ref, column: header(r, "name"), value: value) else { return nil }
        case .refuse:
            var why = match.why
            // (A GBK name with ? is the archive's name as the file has it: which values differ
            // said as for the name itself, helper-215 1.)
            if match.line == nil, namedAsInArchive(kind, match.ref, r) || match.why.kind == .lostCharacters {
                b.archiveDuplicates.insert(i)
                // Which values differ, when some do (a refusal of a row named as in the
                // archive did not say why it was not unchanged: helper-116).
                if let e = archiveID(match.ref).flatMap({ archive.state.entity(kind, $0) }) {
                    let d = importer.differingFromArchive(kind, e, r)
                    if !d.isEmpty {
                        why.en += "; its \(d.map(\.en).joined(separator: ", ")) differ\(d.count > 1 ? "" : "s")"
                        why.zh += "，但\(d.map(\.zh).joined(separator: "、"))与档案记录不一致"
                    }
                }
            } else if why.kind == .name, r.field("name")?.trimmedWhitespace != recordName(kind, match)?.trimmedWhitespace {
                // (Names alike once the legal suffix, spaces and brackets are set aside, not
                // the same: 华为技术 for 华为技术有限公司 was said 名称相同: helper-116.)
                why = MatchReason(.name, "the same name once the legal suffix, spaces and brackets are set aside", "去掉“有限公司”等后缀、空格和括号后，两者名称相同")
            }
            let (en, zh) = duplicateText((match.ref, match.line), (why.en, why.zh), r)
            _ = duplicateHint(i)
            refuse(i, header(r, "name"), value, en, zh)
            if match.why.ambiguous { standsForNone(i, r, match.why) } else { refusedAsDuplicate(r, kind, of: match.ref, customer: customer) }
            return nil
        case .skip:
            // A row several archive customers could be is no duplicate to skip: refused, saying
            // which they are, as rows naming it are (it was counted skipped, and the import said
            // every record was in the archive already; its rejects lacked it: helper-172).
            if match.why.ambiguous {
                refuseStandingForNone(i, r, match.why)
                return nil
            }
            b.status[i] = .duplicate
            sayOtherName(i, r, kind, match, updated: false)
        case .update:
            if let id = r.sourceID.map(Importer.idKey), !id.isEmpty, !match.ref.hasPrefix("@") {
                let table = tables[r.mapped].table.name
                if let other = sourceIDOfArchiveRecord[match.ref], other.id != id {
                    let at = place(other.table, other.line, from: r)
                    let label = archiveID(match.ref).flatMap { archive.state.entity(kind, $0) }.map { "\($0.shortID) \($0.displayName)" } ?? match.ref
                    refuse(i, header(r, "name"), value,
                           "this row (record id \(id)) and \(at.en) (record id \(other.id)) both stand for the archive's \(label): two records of the file for one, and which is right is not clear; correct or delete one of them",
                           "本行（记录号 \(id)）与\(at.zh)（记录号 \(other.id)）都对应档案中的 \(label)，但记录号不同，无法确定以哪一行为准。请核对这两行，改正或删去其中一行")
                    return nil
                }
                if sourceIDOfArchiveRecord[match.ref] == nil { sourceIDOfArchiveRecord[match.ref] = (id, table, r.line) }
            }
            let status = importer.update(kind, ref: match.ref, r, row: i, earlier: fileFields[match.ref], gradeColumn: header(r, "grade"), warnings: &updateWarnings,
                                table: tables[r.mapped].table.name, fileName: source.fileName, format: source.format, add: add)
            // (Said before this row's fields are merged into the record's: a third row of a
            // contact taken by its mobile, under another name again, was compared with its
            // own name and not said: helper-146.)
            sayOtherName(i, r, kind, match, updated: true, unchanged: status == .unchanged)
            fileFields[match.ref] = Importer.merged(fileFields[match.ref], r, table: tables[r.mapped].table.name)
            b.status[i] = status
            b.updateTargets[i] = match.ref
        }
        return match.ref
    }

    func sayOtherName(_ i: Int, _ r: Row, _ kind: EntityKind, _ match: (ref: String, line: Int?, why: MatchReason), updated: Bool, unchanged: Bool = false) {
        // (A record of the archive an earlier row was taken for: the archive's name, which
        // the file's record does not keep.)
        let archived = archiveID(match.ref).flatMap { archive.state.entity(kind, $0) }
        guard kind == .customer || kind == .contact, [.phone, .mobile, .creditCode].contains(match.why.kind), let name = r.field("name"),
              let other = recordName(kind, match) ?? archived?["name"]?.text else { return }
        let same = kind == .customer ? Identity.companyKey(name) == Identity.companyKey(other) : Importer.personKey(name) == Importer.personKey(other)
        guard !same else { return }
        let table = tables[r.mapped].table.name
        guard otherNamesSaid < Importer.nearNamesShown else { otherNameLines[table, default: []].append(r.line); return }
        otherNamesSaid += 1
        let what = kind == .customer ? (en: "customer", zh: "客户") : (en: "contact", zh: "联系人")
        let shown: (en: String, zh: String)
        if let line = match.line {
            let at = fileLine(match.ref, line, from: r)
            if let archived, recordName(kind, match) == nil {
                shown = ("\(at.en) (the archive's \(archived.shortID) \(archived.displayName))", "\(at.zh)（即档案中的 \(archived.shortID) \(archived.displayName)）")
            } else {
                shown = ("\(other) (\(at.en))", "\(at.zh)的“\(other)”")
            }
        } else {
            let e = archiveID(match.ref).flatMap { archive.state.entity(kind, $0) }
            let label = e.map { "\($0.shortID) \($0.displayName)" } ?? other
            shown = ("the archive's \(label)" + (match.why.alsoEN.map { " (\($0))" } ?? ""), "档案中的 \(label)")
        }
        let (fieldEN, field) = match.why.kind == .phone ? ("phone", "电话") : match.why.kind == .mobile ? ("mobile", "手机号") : ("credit code", "统一社会信用代码")
        let nameZH = kind == .customer ? "客户名称" : "联系人姓名"
        let outcome: (en: String, zh: String)
        switch (updated, match.line != nil) {
        case (true, false): outcome = ("and updated by this row (the archive's name left as it is)", "将视为同一\(what.zh)，并用本行内容更新该\(what.zh)（档案中的\(nameZH)保持不变）")
        case (true, true) where archived != nil && recordName(kind, match) == nil:
            outcome = ("and updated by this row", "将视为同一\(what.zh)，并以本行内容更新该\(what.zh)")
        case (true, true): outcome = ("and this row's values are used", "将与该行视为同一\(what.zh)，以本行内容为准")
        case (false, false): outcome = ("and this row is skipped", "将视为同一\(what.zh)，本行不导入")
        case (false, true): outcome = ("and this row is skipped", "将与该行视为同一\(what.zh)，本行不导入")
        }
        // (Nothing to update: it said "updated by this row" beside the count of unchanged rows: helper-158.)
        // (But for the name, which is kept: it said the row was the same: helper-168.)
        let result = unchanged ? (en: "and but for the name nothing in this row differs from it, so nothing is updated (the archive's name is kept)",
                                  zh: "将视为同一\(what.zh)；除\(nameZH)外，本行内容与其一致，无需更新（档案中的\(nameZH)保持不变）") : outcome
        updateWarnings.append(ImportProblem(
            table: table, line: r.line, column: header(r, "name"), value: name,
            reason: "\(name) has the \(fieldEN) of \(shown.en) and is taken for that \(what.en), \(result.en). If it is another \(what.en), leave its \(fieldEN) out of the row and import it again",
            reasonZH: "“\(name)”与\(shown.zh)\(match.why.zh)，\(result.zh)。如并非同一\(what.zh)，请删除本行的\(field)后重新导入"))
    }

    /// Remembers the file's id of a row (记录号) for rows that refer to it; an id given twice
    /// is noted (references to it name the first row).
    func registerSourceID(_ r: Row, _ ref: String) {
        guard let id = r.sourceID.map(Importer.idKey), !id.isEmpty else { return }
        // An id written as another kind's (R3 on a customer's row) names nothing: refused as a
        // reference of its kind, it took a customer's row for a contact (helper-167).
        if let (k, _) = Importer.recordID(id), k != r.kind.entity {
            if !ownIDs {
                let (en, zh) = (k.en, k.zh)
                updateWarnings.append(ImportProblem(
                    table: tables[r.mapped].table.name, line: r.line, column: tables[r.mapped].column(ofTarget: .sourceID)?.header, value: r.sourceID,
                    reason: "the record id \(id) is written as a \(en)'s, not a \(r.kind.entity.en)'s: no other row can refer to this one by it; refer to it by its name",
                    reasonZH: "本行的记录号 \(id) 是\(zh)记录号的格式，而本行是\(r.kind.entity.zh)，其他行无法用它引用本行；其他行如需引用本行，请填写本行的名称"))
            }
            return
        }
        if sourceIDOfRef[ref] == nil { sourceIDOfRef[ref] = id }
        let table = tables[r.mapped].table.name
        if sourceIDs[id] == nil && idsGivenTwice[id] == nil {
            sourceIDs[id] = ref
            sourceIDLines[id] = (table, r.line)
        } else if let earlier = sourceIDLines[id], sourceIDs[id] != ref || idsGivenTwice[id] != nil {
            // Two records of one id: a row giving it names neither (it named the first, a guess:
            // helper-168). (The earlier row named with its sheet when another's: helper-100.)
            let at = place(earlier.table, earlier.line, from: r)
            idsGivenTwice[id, default: [(earlier.table, earlier.line)]].append((table, r.line))
            sourceIDs[id] = nil
            updateWarnings.append(ImportProblem(
                table: table, line: r.line, column: tables[r.mapped].column(ofTarget: .sourceID)?.header, value: r.sourceID,
                reason: "the id \(id) was already given at \(at.en), to another record: a row referring to \(id) cannot say which, and is refused; give each record its own id",
                reasonZH: "记录号 \(id) 已在\(at.zh)用过，两条记录用了同一个记录号；其他行如用 \(id) 引用，将无法确定指哪一条，因而不能导入。请给每条记录不同的记录号"))
        }
    }

    /// Refuses row `i`, which names `name` that several archive contacts or projects (`same`) of
    /// `customer` have, none told by a mobile or an id: which is meant is not clear (a reference
    /// picked one; a contact's row updated one, its mobile overwritten: helper-168, helper-170).
    func refuseNamesakes(_ i: Int, _ r: Row, _ kind: EntityKind, column: String?, value: String?, customer: String, name: String, _ same: [Entity], reference: Bool) {
        let ids = same.sorted { $0.id < $1.id }.map(\.shortID)
        let who = customerName(customer)
        let (en, count, which) = kind == .contact ? ("contacts", "位名叫", "哪一位") : ("projects", "个名为", "哪一个")
        // (A file whose ids are its own cannot name an archive record by its id: the record renamed
        // apart first; the rejects of a JSON file asked for an id, then refused it: helper-170.)
        let rename = kind == .contact ? "salesvault contact edit \(ids[0]) --set name=…" : "salesvault project edit \(ids[0]) --set name=…"
        // (A row's own id picks one of the namesakes unless the file's ids are another
        // archive's; a reference's only in a file whose ids are this archive's: helper-172.)
        let idColumn = source.format == .json ? (en: "its id field", zh: "本条记录的 id 字段") : (en: "a column 记录号", zh: "“记录号”列")
        let how = (reference ? foreignIDs && !idsReadAsHere : othersIDs) ? (en: "this file cannot name an archive record by its id: rename one of them apart first (\(rename)) and import again",
                                zh: "本文件中的记录号不能指定档案中的记录，请先把档案中其中一\(kind == .contact ? "位" : "个")的名称改得可以区分（\(rename)），再重新导入")
            : reference ? (en: "give the id of the one meant (e.g. \(ids[0]))", zh: "请改填其中一\(kind == .contact ? "位" : "个")的记录号（例如 \(ids[0])）")
            : kind == .contact ? (en: "give its mobile, or its id in \(idColumn.en), in this row", zh: "请在本行填写其手机号，或在\(idColumn.zh)填写其记录号（例如 \(ids[0])）")
            : (en: "give its id in \(idColumn.en) in this row", zh: "请在\(idColumn.zh)填写其记录号（例如 \(ids[0])）")
        // A mobile the row gives that is none of theirs: said as why, and not asked for again
        // (helper-170 N12).
        // (Also in a JSON file or a CSV one, whose id of one of the namesakes is taken: helper-172.)
        if kind == .contact, !reference, !othersIDs, r.field("mobile") != nil {
            let these = same.count == 2 ? "这两位" : "这几位"
            refuse(i, column, value, "the customer \(who) has \(same.count) \(en) named \(name) (\(ids.joined(separator: ", "))), and the mobile this row gives is none of theirs: which is meant is not clear. If it is one of them, give its id in \(idColumn.en) (e.g. \(ids[0])); a new contact of that name is added with salesvault contact add",
                   "客户“\(who)”下有 \(same.count) \(count)“\(name)”的\(kind.zh)（\(ids.joined(separator: "、"))），本行的手机号与\(these)都不一致，无法确定是\(which)。如是其中一位，请在\(idColumn.zh)填写其记录号（例如 \(ids[0])）；如是一位新的联系人，请用 salesvault contact add 单独添加")
            return
        }
        refuse(i, column, value, "the customer \(who) has \(same.count) \(en) named \(name) (\(ids.joined(separator: ", "))): which is meant is not clear; \(how.en)",
               "客户“\(who)”有 \(same.count) \(count)“\(name)”的\(kind.zh)（\(ids.joined(separator: "、"))），无法确定是\(which)。\(how.zh)")
    }

    /// Refuses row `i` for referring by `text` to an id two records of the file give
    /// (`idsGivenTwice`); false when `text` is none such.
    func refuseIDGivenTwice(_ i: Int, _ r: Row, column: String?, text: String) -> Bool {
        guard !idsGivenTwice.isEmpty, case let id = Importer.idKey(text), let places = idsGivenTwice[id] else { return false }
        let first = places[0].table
        let shown = places.allSatisfy({ $0.table == first }) ? [source.format.place(first, lines: places.map(\.line), from: tables[r.mapped].table.name)]
            : places.map { source.format.place($0.table, line: $0.line, from: tables[r.mapped].table.name) }
        refuse(i, column, text, "the record id \(id) is given to more than one record of the file (\(shown.map(\.en).joined(separator: "; "))): which one is meant is not clear; give each record its own id, or refer to it by its name",
               "本文件中有多条记录的记录号都是 \(id)（\(shown.map(\.zh).joined(separator: "、"))），无法确定指哪一条。请给每条记录不同的记录号，或在此处改填名称")
        return true
    }

    /// Of the file's contacts (or projects) named `name`, the customer of one under another
    /// customer than `customer` (for the note that the row's customer has none: it said the
    /// person was in neither the file nor the archive: helper-168).
    func namedUnderAnother(_ kind: EntityKind, _ name: String, customer: String) -> String? {
        let person = Importer.personKey(name)
        let suffix = "|\(person)"
        for (key, _) in (kind == .contact ? people : projects) where key.hasSuffix(suffix) {
            let owner = String(key.dropLast(suffix.count))
            if owner != customer { return customerName(owner) }
        }
        // (And the archive's: 李四 of 华南电网 was said to be nowhere: helper-171. Indexed once,
        // on the first row that asks.)
        if archiveOwners[kind] == nil {
            var owners: [String: [UInt64]] = [:]
            for (owner, list) in kind == .contact ? index.contacts : index.projects {
                for e in list { owners[Importer.personKey(e["name"]?.text ?? ""), default: []].append(owner) }
            }
            archiveOwners[kind] = owners
        }
        return archiveOwners[kind]?[person]?.sorted().first { "C\($0)" != customer }.map { customerName("C\($0)") }
    }

    /// Whether row `r` and the record `ref` the file made earlier have different record ids
    /// (记录号): two records of the file however alike, not duplicates of each other (an export
    /// of an archive where one was added with --force beside the other).
    func distinctRecords(_ r: Row, _ ref: String) -> Bool {
        guard ref.hasPrefix("@"), let id = r.sourceID.map(Importer.idKey), !id.isEmpty, let other = sourceIDOfRef[ref] else { return false }
        return id != other
    }

    /// The archive's record of `kind` a row's 记录号 names, when the file is an export of this
    /// archive (§4.1: its 档案编号, owner and 档案版本 are this archive's), `.none` when the
    /// file's ids are its own or the row has none (a row added in the sheet); a 记录号 that
    /// names no live record of that kind, of the row's customer (`customer`, for what belongs
    /// to one), or that an earlier row of the file gave, refuses the row (`.refused`).
    enum Own { case none, record(Entity), refused }

    func ownRecord(_ i: Int, _ r: Row, _ kind: EntityKind, customer: String? = nil) -> Own {
        guard ownIDs, let given = r.sourceID, !given.isEmpty else { return .none }
        let column = tables[r.mapped].column(ofTarget: .sourceID)?.header
        guard let (k, n) = Importer.recordID(given) else {
            refuse(i, column, given, "\(given) is not a record id of this archive (C12, R3…); leave it empty for a new \(kind.en)",
                   "“\(given)”不是本档案的记录号（本档案的记录号形如 C12、R3）。请核对；如果是新增的\(kind.zh)，请将记录号留空")
            return .refused
        }
        let id = k.idPrefix + String(n)
        guard k == kind else {
            refuse(i, column, given, "\(id) is the id of a \(k.en), not of a \(kind.en); check it, and leave it empty for a new \(kind.en)",
                   "\(id) 是\(k.zh)的记录号，不是\(kind.zh)的记录号。请核对；如果是新增的\(kind.zh)，请将记录号留空")
            return .refused
        }
        guard let e = archive.state.entities(kind, n) else {
            refuse(i, column, given, "the archive has no \(kind.en) \(id); check it, and leave it empty for a new \(kind.en)",
                   "档案中没有记录号为 \(id) 的\(kind.zh)。请核对；如果是新增的\(kind.zh)，请将记录号留空")
            return .refused
        }
        guard archive.state.entity(kind, n) != nil else {
            // Removed since (it was added again as new, without a word: helper-100).
            let by = (try? readSinceExport())?.batches[FieldKey(kind, n, nil)].map { "B\($0)" }
            // A contact comes back by `contact restore`, on their own (the batch that removed them
            // may be a handover's import, whose undo takes all of it away: helper-193 3).
            if kind == .contact, e["customer"]?.ref.flatMap({ archive.state.entity(.customer, $0) }) != nil {
                refuse(i, column, given, "\(id) \(e.displayName) was removed from the archive\(by.map { " (batch \($0))" } ?? ""); this row is not imported again. To bring them back, run salesvault contact restore \(id), then import again; or take the row out of the file",
                       "\(id) \(e.displayName)已从档案中移除\(by.map { "（批次 \($0)）" } ?? "")，本行不能导入。如需恢复，请先运行 salesvault contact restore \(id)，然后重新导入；否则请从文件中删去本行")
                return .refused
            }
            refuse(i, column, given, "\(id) \(e.displayName) was removed from the archive\(by.map { " (batch \($0))" } ?? ""); this row is not imported again. To bring it back, undo \(by.map { "that batch (salesvault undo \($0))" } ?? "the batch that removed it (salesvault history lists it)"), or take the row out of the file",
                   "\(id) \(e.displayName)已从档案中移除\(by.map { "（批次 \($0)）" } ?? "")，本行不能导入。如需恢复，请先撤销移除它的批次\(by.map { "（salesvault undo \($0)）" } ?? "（批次号可用 salesvault history 查看）")后再导入；否则请从文件中删去本行")
            return .refused
        }
        if let customer, let owner = e["customer"]?.ref, owner != archiveID(customer) {
            let ownerName = archive.state.entity(.customer, owner).map { "\($0.shortID) \($0.displayName)" } ?? "C\(owner)"
            refuse(i, header(r, "customer"), r.refs["customer"], "\(id) \(e.displayName) is \(ownerName)'s; a record does not move to another customer: check the customer, or add it again under that customer without the id",
                   "\(id) \(e.displayName)属于 \(ownerName)，不能转到其他客户名下。请核对客户名称；如确属其他客户，请清空本行记录号，作为新的\(kind.zh)导入")
            return .refused
        }
        let table = tables[r.mapped].table.name
        if let earlier = ownLines[id] {
            let (atEN, at) = place(earlier.table, earlier.line, from: r)
            refuse(i, column, given, "\(id) was given at \(atEN) already: one record twice in the file. If this row is a new \(kind.en), leave its id empty",
                   "记录号 \(id) 在\(at)已经出现过，同一条记录不能在文件中出现两次。如果本行是新增的\(kind.zh)，请清空本行的记录号；否则请删去重复的一行")
            return .refused
        }
        ownLines[id] = (table, r.line)
        return .record(e)
    }

    /// The record a customer, contact or project row of an export of this archive is by its
    /// 记录号 (`ownRecord`), its name and fields not older than the archive's (`refusesStale`):
    /// `.some(nil)` for none, nil when the row is refused.
    func ownNamed(_ i: Int, _ r: Row, _ kind: EntityKind, customer: String? = nil, name: String) -> Entity?? {
        switch ownRecord(i, r, kind, customer: customer) {
        case .refused: return nil
        case .none: return .some(nil)
        case .record(let e): return refusesStale(i, r, e, fields: r.fields.filter { $0.0 != "name" } + cleared(r, e), name: name) ? nil : e
        }
    }

    func readSinceExport() throws -> (batches: [FieldKey: UInt64], atVersion: [FieldKey: FieldValue?]) {
        if let sinceExport { return sinceExport }
        let found = try source.exportedFrom?.version.map { try archive.changes(since: $0) } ?? ([:], [:])
        sinceExport = found
        return found
    }

    /// The record of `kind` that had the name `name` at the export and was renamed since
    /// (an export's other sheets name it so: a second import of the file found no such
    /// customer: helper-100); `customer` for a contact or project, its customer's ref.
    func formerlyNamed(_ kind: EntityKind, _ name: String, customer: String? = nil) -> String? {
        guard ownIDs, let then = try? readSinceExport().atVersion, !then.isEmpty else { return nil }
        let owner = customer.flatMap(archiveID)
        let nameField = Schema.field(kind, key: "name")?.number
        for (key, value) in then where key.kind == kind && key.field == nameField {
            guard let old = value?.text, let e = archive.state.entity(kind, key.id) else { continue }
            if kind == .customer {
                if Identity.companyKey(old) == Identity.companyKey(name) { return e.shortID }
            } else if e["customer"]?.ref == owner, Importer.personKey(old) == Importer.personKey(name) {
                return e.shortID
            }
        }
        return nil
    }

    /// Refuses the row of record `e` (an export of this archive) when it would change a field
    /// that was changed after the export: the file's value is the older one (an old export
    /// undid later edits without a word: helper-100). `fields`: the row's typed values;
    /// `name`, `at`: its name and time, when they are compared too.
    func refusesStale(_ i: Int, _ r: Row, _ e: Entity, fields: [(String, String)], name: String? = nil, at: Int64? = nil) -> Bool {
        guard options.onDuplicate == .update, let since = try? readSinceExport(), !since.batches.isEmpty else { return false }
        var stale: [(spec: FieldSpec, batch: UInt64)] = []
        // (Changed since and not back to what it was then: after an undo it is the export's
        // value again, and the row is no older than the archive: helper-101.)
        func check(_ spec: FieldSpec, differs: Bool) {
            let key = FieldKey(e.kind, e.id, spec.number)
            if differs, let batch = since.batches[key], let then = since.atVersion[key], then != e[number: spec.number] { stale.append((spec, batch)) }
        }
        for (key, input) in fields {
            guard let spec = Schema.field(e.kind, key: key) else { continue }
            switch spec.type {
            case .reference, .references: continue
            default: check(spec, differs: (try? ChangeDraft.value(for: spec, input: input, now: options.now)) != e[number: spec.number])
            }
        }
        if let name, let spec = Schema.field(e.kind, key: "name") { check(spec, differs: name.trimmedWhitespace != (e["name"]?.text ?? "").trimmedWhitespace) }
        if let at, let spec = Schema.field(e.kind, key: "at") { check(spec, differs: at != e["at"]?.int) }
        guard !stale.isEmpty else { return false }
        let batches = Set(stale.map(\.batch)).sorted().map { "B\($0)" }.joined(separator: "、")
        refuse(i, header(r, stale[0].spec.key), nil,
               "\(e.shortID) \(e.displayName): \(stale.map(\.spec.en).joined(separator: ", ")) changed after this file was exported (\(batches)); the file has the older value and would undo that change. Export again and edit the new file",
               "\(e.shortID) \(e.displayName)的\(stale.map(\.spec.zh).joined(separator: "、"))在本文件导出后已在档案中修改过（批次 \(batches)），与文件中的内容不同，导入会覆盖那次修改。请重新导出，在新文件中修改后再导入")
        return true
    }
}
