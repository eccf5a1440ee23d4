import Foundation
import SalesArchive

extension Importer.ChangeSetBuilder {
    func nearNames(_ text: String) -> [String] { nearCustomers.names(text) }

    /// The removed customers (the latest three) whose name holds `text`, two characters at least.
    func removedHolding(_ text: String) -> [Entity] {
        let wanted = CompanyName.halfWidth(text.trimmedWhitespace)
        guard wanted.count >= 2, !removedCustomers.isEmpty else { return [] }
        var found: [Entity] = []
        archive.state.eachIncludingRemoved(.customer) { e in
            if e.removed, let name = e["name"]?.text, CompanyName.halfWidth(name).contains(wanted) { found.append(e) }
        }
        return Array(found.suffix(3).reversed())
    }

    /// The customer a reference names: a source id of this file, a credit code, a code or
    /// a name (compared as company names are), in the file first, then in the archive.
    func customerRef(_ text: String, keys: RowKeys? = nil) -> String? {
        // A customer of the sheet named like an id (`C2`): its name, as a sheet's references are
        // names (its contacts went to the customer whose 记录号 is C2: helper-168). A JSON
        // file's references are ids.
        if source.format != .json, Importer.recordID(text) != nil, let f = customers.byKey[keys?.companyKey ?? TextKey(Identity.companyKey(text))] { return f.ref }
        // An export of this archive names its customers by their ids, whatever code another has
        // (C2's code C3 made a fresh export's contacts of C3 ambiguous: helper-171).
        if ownIDs, let byID = Importer.archiveCustomerID(text, state: archive.state) { return byID }
        if !idsGivenTwice.isEmpty, idsGivenTwice[Importer.idKey(text)] != nil { return nil }
        if !ownIDs, unmadeFileRow(text, .customers) != nil { return nil }
        if foreignID(text, .customer) { return nil }
        if !ambiguousCustomers.isEmpty, ambiguousCustomers[TextKey(text.trimmedWhitespace)] != nil { return nil }
        if !refusedNames.isEmpty, case let exact = TextKey(text.trimmedWhitespace), refusedNames.contains(exact), index.customerByName[exact] == nil,
           importer.archiveRecordOfFileName["C|\(Identity.companyKey(text))"] == nil,
           !customers.hasExactName(exact, key: keys?.companyKey ?? TextKey(Identity.companyKey(text))) {
            return nil  // (the refused row's: `refusedNames`)
        }
        return Importer.customerRef(text, keys: keys, file: customers, sourceIDs: sourceIDs, index: index, state: archive.state)
            ?? formerlyNamed(.customer, text)
            ?? (importer.archiveRecordOfFileName.isEmpty ? nil : importer.archiveRecordOfFileName["C|\(Identity.companyKey(text))"])
    }

    /// A contact or project of `customer` named `name` (file first, then the archive); of
    /// archive contacts of that name, the one with the mobile number `mobile` first (two
    /// people of one name at a customer, added with --force, are told apart so).
    // The archive's contacts and projects of a customer by the person key of their names (the
    // contacts also by that key in simplified characters), made on the first row that asks:
    // each row compared every one of its customer's (a dry run of 2,000 new contacts of a
    // customer with 4,000 took 7 s, with the namesakes below 21 s: helper-145).
    struct Children {
        var byKey: [String: [Entity]] = [:]
        var byFolded: [String: [(e: Entity, key: String)]] = [:]
        /// The contacts by their mobiles' keys (the first in the archive's order).
        var byMobile: [String: Entity] = [:]
        /// The mobiles' keys several contacts share, with them all (in the archive's order).
        var sharedMobiles: [String: [Entity]] = [:]
    }

    func archiveChildren(_ kind: EntityKind, of id: UInt64) -> Children {
        if let made = children[kind]?[id] { return made }
        var t = Children()
        for e in (kind == .contact ? index.contacts : index.projects)[id] ?? [] {
            let name = e["name"]?.text ?? ""
            let key = Importer.personKey(name)
            t.byKey[key, default: []].append(e)
            if kind == .contact {
                let folded = CompanyName.Simplified.hasTraditional(name) ? CompanyName.personKey(CompanyName.Simplified.fold(name)) : key
                t.byFolded[folded, default: []].append((e, key))
                for mobile in Identity.allPhoneKeys(e["mobile"]?.text) {
                    if let first = t.byMobile[mobile] {
                        if first.id != e.id { t.sharedMobiles[mobile, default: [first]].append(e) }
                    } else {
                        t.byMobile[mobile] = e
                    }
                }
            }
        }
        children[kind, default: [:]][id] = t
        return t
    }

    /// `id`: the row's own record id; of archive records of one name, the one of that id is the
    /// row's (an unedited export of two contacts of one name, re-imported from a CSV, was refused
    /// as two ids for one record: helper-166).
    /// `reference`: the row names it (a log entry's people, a project's decision makers, a
    /// complainant): of archive records of that name at the customer, none when no mobile or id
    /// tells which (it picked one without a word, as `log add --with` does not: helper-168).
    func childRef(_ kind: EntityKind, customer: String, name: String, mobile: String? = nil, id: String? = nil, reference: Bool = false) -> String? {
        if !sourceIDs.isEmpty, let r = sourceIDs[Importer.idKey(name)], r.hasPrefix("@") || r.hasPrefix(kind.idPrefix) {
            return otherCustomersChild(r, customer: customer) == nil ? r : nil
        }
        if !idsGivenTwice.isEmpty, idsGivenTwice[Importer.idKey(name)] != nil { return nil }
        if !ownIDs, unmadeFileRow(name, kind == .contact ? .contacts : .projects) != nil { return nil }
        if reference, let e = exportedChild(kind, customer: customer, text: name) { return e }
        // A name with its id in brackets, as `project show` shows a decision maker (张总（R6））:
        // that record of the row's customer when the name is its, as the command line takes it
        // (it was looked for as a person named so: helper-185). In another archive's file, the
        // name alone.
        if reference, let (plain, id) = ChangeDraft.nameWithID(name, prefix: kind.idPrefix) {
            if foreignIDs || othersIDs { return childRef(kind, customer: customer, name: plain, mobile: mobile, id: nil, reference: true) }
            guard let (k, n) = Importer.recordID(id), k == kind, let e = archive.state.entity(kind, n), e["customer"]?.ref == archiveID(customer),
                  Importer.personKey(e["name"]?.text ?? "") == Importer.personKey(plain) else { return nil }
            return e.shortID
        }
        // (Not even an archive contact of the row's customer: another owner's R4 is not ours,
        // and was linked to ours without a word: helper-171.)
        if foreignID(name, kind) { return nil }
        if !othersIDs, let givenID = id.map(Importer.idKey), !givenID.isEmpty, let owner = archiveID(customer),
           case let named = archiveChildren(kind, of: owner).byKey[Importer.personKey(name)] ?? [], named.count > 1,
           let e = named.first(where: { $0.shortID == givenID }) {
            return e.shortID
        }
        // In an export of this archive, a name one record had when the file was written and that
        // the file renames away, while another record of the file takes it, names neither (the
        // references followed the new name, and with the old one the edits that followed the
        // rename: helper-175, helper-176); `renameAmbiguity` says which.
        if reference, renameAmbiguity(kind, customer: customer, name: name) != nil { return nil }
        let key = "\(customer)|\(Importer.personKey(name))"
        if reference, !sharedNames.isEmpty, sharedNames.contains("\(kind.idPrefix)|\(key)") { return nil }
        if let f = (kind == .contact ? people : projects)[key] { return f.ref }
        if !importer.archiveRecordOfFileName.isEmpty, let r = importer.archiveRecordOfFileName["\(kind.idPrefix)|\(key)"] { return r }
        if let id = archiveID(customer) {
            let named = archiveChildren(kind, of: id).byKey[Importer.personKey(name)] ?? []
            if named.count > 1, let mobile = mobile.flatMap(Identity.phoneKey),
               let e = named.first(where: { $0["mobile"]?.text.flatMap(Identity.phoneKey) == mobile }) {
                return e.shortID
            }
            if named.count > 1 && reference { return nil }
            if let e = named.first { return e.shortID }
            if let former = formerlyNamed(kind, name, customer: customer) { return former }
            // Its id (R3, P8), as `log add --with R3` takes it (helper-99): this customer's.
            let plain = ChangeDraft.plainIdentifier(name).uppercased()
            if plain.hasPrefix(kind.idPrefix), let n = UInt64(plain.dropFirst(kind.idPrefix.count)), let e = archive.state.entity(kind, n), e["customer"]?.ref == id {
                return e.shortID
            }
        }
        return nil
    }

    /// A reference written as the id of an archive contact or project of `customer`, in a file
    /// whose references written as ids are this archive's (`idsReadAsHere`): that record, as the
    /// export writes a contact that shares its name with another of its customer's, or whose name
    /// reads as an id (`Exporter.byIDContacts`); nil for any other text, and for an id a row of
    /// the file gives its own record.
    func exportedChild(_ kind: EntityKind, customer: String, text: String) -> String? {
        guard let e = archiveRecordOfID(kind, text), e["customer"]?.ref == archiveID(customer) else { return nil }
        return e.shortID
    }

    /// The archive's `kind` record of the id `text`, when the file's references written as ids
    /// are this archive's (`idsReadAsHere`) and no row of the file gives its own record that id.
    func archiveRecordOfID(_ kind: EntityKind, _ text: String) -> Entity? {
        guard idsReadAsHere, kind == .contact || kind == .project, let (k, n) = Importer.recordID(text), k == kind,
              sourceIDs[Importer.idKey(text)] == nil else { return nil }
        return archive.state.entity(kind, n)
    }

    /// In an export of this archive (`ownIDs`), the record of `customer` that had `name` when
    /// the file was written and that the file renames away, and the one that takes the name in
    /// the file: a reference by the name could be either.
    func renameAmbiguity(_ kind: EntityKind, customer: String, name: String) -> (old: Entity, new: String)? {
        guard ownIDs, !renamedInFile.isEmpty, let owner = archiveID(customer) else { return nil }
        let key = Importer.personKey(name)
        guard let old = (archiveChildren(kind, of: owner).byKey[key] ?? []).first(where: { e in
            renamedInFile[e.shortID].map { Importer.personKey($0.name) != key } ?? false
        }), let new = (kind == .contact ? people : projects)["\(customer)|\(key)"]?.ref, new != old.shortID else { return nil }
        return (old, new)
    }

    func sayNamesake(_ r: Row, customer: String, name: String, column: String?) {
        let own = Importer.personKey(name)
        let traditional = CompanyName.Simplified.hasTraditional(name)
        let folded = traditional ? CompanyName.personKey(CompanyName.Simplified.fold(name)) : own
        let key = "\(customer)|\(folded)"
        let table = tables[r.mapped].table.name
        defer { if foldedPeople[key] == nil { foldedPeople[key] = (name, r.line, table) } }
        // Every one the archive has (張偉 and 張伟 beside 张伟), in record order.
        let others = (archiveID(customer).map { archiveChildren(.contact, of: $0).byFolded[folded]?.filter { $0.key != own }.map(\.e) ?? [] } ?? []).sorted { $0.id < $1.id }
        let earlier = others.isEmpty ? foldedPeople[key].flatMap { Importer.personKey($0.name) != own ? $0 : nil } : nil
        guard !others.isEmpty || earlier != nil else { return }
        guard namesakesSaid < Importer.nearNamesShown else { namesakeLines[table, default: []].append(r.line); return }
        namesakesSaid += 1
        let how = (en: "the same name but for traditional and simplified characters", zh: "姓名仅繁简写法不同")
        // (The advice to name the row as the archive does with --on-duplicate, only when not given.)
        let asked = options.onDuplicate != .refuse
        if let earlier {
            let at = place(earlier.table, earlier.line, from: r)
            updateWarnings.append(ImportProblem(
                table: table, line: r.line, column: column, value: name,
                reason: "contact \(name) and \(earlier.name) of the same customer at \(at.en) have \(how.en): perhaps the same person; both are new contacts. If they are one, delete one of the rows",
                reasonZH: "联系人“\(name)”与\(at.zh)的联系人“\(earlier.name)”同属一个客户，\(how.zh)，可能是同一人；两行都将作为新联系人导入。如确为同一人，请删除其中一行"))
        } else {
            let company = archiveID(customer).flatMap { archive.state.entity(.customer, $0) }.map { "\($0.shortID) \($0.displayName)" } ?? customer
            let listed = others.map { "“\($0["name"]?.text ?? "")”（\($0.shortID)）" }
            let listedEN = others.map { "\($0["name"]?.text ?? "") (\($0.shortID))" }
            updateWarnings.append(ImportProblem(
                table: table, line: r.line, column: column, value: name,
                reason: "contact \(name) and \(company)'s contact\(others.count > 1 ? "s" : "") \(listedEN.joined(separator: " and ")) in the archive have \(how.en): perhaps the same person; the row will be a new contact. If it is "
                    + (others.count > 1 ? "one of them" : "that one") + ", delete the row, or write the name as the archive does and import again" + (asked ? "" : " with --on-duplicate skip (leave the archive's) or update (the file's values win)"),
                reasonZH: "联系人“\(name)”与档案中 \(company) 的联系人\(listed.joined(separator: "、"))\(how.zh)，可能是同一人；本行将作为新联系人导入。如确为同一人，请删除本行，"
                    + "或将姓名改成与档案中\(others.count > 1 ? "其中一位" : "该联系人")完全一致的写法，"
                    + (asked ? "然后重新导入" : "再加上 --on-duplicate skip（跳过本行）或 --on-duplicate update（用本行内容更新档案）重新导入")))
        }
    }

    func inLeftOutSheet(_ text: String) -> Bool {
        guard options.kind != nil else { return false }
        if leftOutTexts == nil {
            let imported = Set(tables.map(\.table.name))
            leftOutTexts = Set(source.tables.filter { !imported.contains($0.name) }.flatMap { $0.rows.flatMap { $0.cells.map { Importer.plain($0).trimmedWhitespace } } })
        }
        return leftOutTexts!.contains(text.trimmedWhitespace)
    }

    func customerOf(_ i: Int, _ r: Row) -> String? {
        guard let text = r.refs["customer"] else { return nil }  // a missing customer is already a problem
        guard let ref = customerRef(text, keys: keys[i]) else {
            let key = keys[i]?.companyKey ?? TextKey(Identity.companyKey(text))
            func shown(_ ref: String) -> String { archive.state.entity(.customer, archiveID(ref) ?? 0).map { "\($0.shortID) \($0.displayName)" } ?? ref }
            if refuseIDGivenTwice(i, r, column: header(r, "customer"), text: text) { return nil }
            if refuseUnmade(i, r, .customers, column: header(r, "customer"), text: text) { return nil }
            if refuseForeignID(i, r, .customer, column: header(r, "customer"), text: text) { return nil }
            if let j = ambiguousCustomers[TextKey(text.trimmedWhitespace)], refuseAmbiguous(i, r, row: j, column: header(r, "customer"), text: text) { return nil }
            if let byID = Importer.archiveCustomerID(text, state: archive.state),
               let byNames = Importer.customerRefByNames(text, keys: keys[i], file: customers, index: index), byNames != byID {
                let other = archiveID(byNames) != nil ? shown(byNames) : customerName(byNames)
                refuse(i, header(r, "customer"), text, "\(text) is the record id of the archive's \(shown(byID)) and the code, short name, alias or name of \(other): which is meant is not clear; give the customer's full name or credit code",
                       "“\(text)”既是档案中 \(shown(byID))的记录号，又与 \(other)的客户编号、简称或名称相同，无法确定是哪一家。请改填客户全称或统一社会信用代码")
                return nil
            }
            if case .valid(let code) = CreditCode.check(text), let shared = index.sharedCredits[code] {
                refuse(i, header(r, "customer"), text, "the credit code \(code) is given by more than one customer in the archive (\(listed(shared, zh: false))); give the customer's full name or code",
                       "档案中有多家客户（\(listed(shared, zh: true))）共用统一社会信用代码 \(code)，无法确定是哪一家。请改填客户全称或客户编号")
            } else if let found = Importer.customerByCode(text, keys: keys[i], file: customers, index: index), let other = found.otherByName {
                refuse(i, header(r, "customer"), text, "\(text) is the code or credit code of one customer (\(shown(found.ref))) and the name of another (\(shown(other))); give the one meant by another of its names: full name, code or credit code",
                       "“\(text)”无法确定对应哪家客户：它与 \(shown(found.ref)) 的编号（或统一社会信用代码）相同，又与 \(shown(other)) 的客户名称相同。请改填客户全称、客户编号或统一社会信用代码，以便准确对应")
            } else if customers.sharedKeys.contains(key) {
                refuse(i, header(r, "customer"), text, "\(text) is written alike to the names of more than one customer of this file; give the customer's full name as the file writes it, its code or credit code",
                       "“\(text)”与本文件中多个客户的名称相近，无法确定是哪一家。请填写与其中一家完全一致的客户全称，也可改填客户编号或统一社会信用代码")
            } else if let shared = index.sharedKeys[key] {
                let listed = shared.prefix(5).map { id in archive.state.entity(.customer, archiveID(id) ?? 0).map { "\($0.shortID) \($0.displayName)" } ?? id }
                refuse(i, header(r, "customer"), text, "\(text) matches more than one customer in the archive (\(listed.joined(separator: "; "))); give the customer's full name as the archive writes it, its code or credit code",
                       "“\(text)”与档案中多个客户的名称相近（\(listed.joined(separator: "、"))），无法确定是哪一家。请按档案中的写法填写客户全称，也可改填客户编号或统一社会信用代码")
            } else if index.customerByOtherName[key] == "" || customers.byOtherName[key]?.ref == "" {
                let inFile = customers.byOtherName[key]?.ref == ""
                refuse(i, header(r, "customer"), text, "\(text) is the short name or alias of more than one customer in \(inFile ? "this file" : "the archive"); give the customer's full name, code or credit code",
                       "“\(text)”是\(inFile ? "本文件" : "档案")中多个客户的简称或别名，无法确定是哪一家。请改填客户全称、客户编号或统一社会信用代码")
            } else if case let found = Importer.customersInSimplified(text, file: customers, index: index), found.count > 1 {
                // (Written in neither way, with a customer of each in the archive or the
                // file: 中興通讯. One of the file said by its line and name, not its
                // placeholder: helper-144.)
                func label(_ ref: String) -> (en: String, zh: String) {
                    guard ref.hasPrefix("@") else { let s = shown(ref); return (s, s) }
                    guard let record = fileFields[ref] else { return (ref, ref) }
                    let name = record.fields.first { $0.0 == "name" }?.1 ?? ""
                    let at = place(record.table, record.line, from: r)
                    return ("\(name) (\(at.en))", "\(at.zh)的“\(name)”")
                }
                let listed = found.sorted { (archiveID($0) ?? .max, fileFields[$0]?.line ?? 0, $0) < (archiveID($1) ?? .max, fileFields[$1]?.line ?? 0, $1) }.map(label)
                refuse(i, header(r, "customer"), text, "\(text), compared in simplified characters, matches the names of more than one customer (\(listed.map(\.en).joined(separator: "; "))); give the customer's full name as written, its code or credit code",
                       "“\(text)”转为简体后与多个客户的名称相同（\(listed.map(\.zh).joined(separator: "、"))），无法确定是哪一家。请将客户全称改成与其中一家完全一致的写法，也可在此列改填客户编号或统一社会信用代码")
            } else if case let lost = index.customers(lostCharactersOf: text, key: key), lost.count > 1 {
                // (A GBK name with ? that two archive customers' names could be: said so, naming
                // them, not "no such customer": helper-214 3.)
                refuse(i, header(r, "customer"), text,
                       "\(text) could be any of the archive's \(listed(lost, zh: false)): the file was saved as GBK, where the characters GBK cannot hold became ?; give the customer's code or credit code, or save the file as CSV UTF-8 or as a workbook (.xlsx) and import it again",
                       "文件按 GBK 编码保存，表情符号等字符已变成“?”，因此无法确定“\(text)”是档案中的哪一家客户（可能是 \(listed(lost, zh: true))），本行无法导入。请在此列改填该客户的记录号（如 \(lost.prefix(2).joined(separator: " 或 "))）或已登记的统一社会信用代码；也可以将文件另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后重新导入")
            } else if let refused = refusedCustomers[key] {
                let at = place(refused.table, refused.line, from: r)
                refuse(i, header(r, "customer"), text, "\(text) is at \(at.en), but that row was refused, so this one cannot be imported either; correct that row first",
                       "客户“\(text)”所在的行（\(at.zh)）有误，因此本行也无法导入。请先改正该行")
            } else if inLeftOutSheet(text) {
                // (Sheets --kind left out may hold it: "in this file" would contradict the file.)
                refuse(i, header(r, "customer"), text, "no customer \(text) in the archive or in the sheets imported (--kind left the others out); import the customer first, or import the whole workbook without --kind",
                       "找不到客户“\(text)”：档案中没有，本次按 --kind 导入的工作表中也没有（其他工作表已略过）。请先导入该客户，或去掉 --kind 导入整个工作簿")
            } else if let gone = archive.state.removedCustomer(named: text) {
                // (A customer removed from the archive, by any of its names or its code: said so,
                // as commands say it; it was "not in this file or the archive", or another
                // company was suggested: helper-181 M4, helper-182 F1.)
                let full = gone["name"]?.text ?? text
                let which = full == text ? "客户“\(text)”（\(gone.shortID)）" : "“\(text)”所指的客户 \(gone.shortID) \(full)"
                refuse(i, header(r, "customer"), text, "the customer \(text) (\(gone.shortID)\(full == text ? "" : " " + full)) was removed from the archive; to bring it back, undo the change that removed it (see salesvault history), then import again",
                       "\(which)已从档案中移除，本行无法导入。如需恢复该客户，请在 salesvault history 中找到移除它的批次，用 salesvault undo 撤销后再导入")
            } else if case let found = nearNames(text), !found.isEmpty {
                let listed = found.prefix(5).joined(separator: "、") + (found.count > 5 ? "等" : "")
                // (A removed customer whose name holds it too: named, as the command line names it;
                // the near live one was taken for it: helper-184 N6.)
                let gone = removedHolding(text).map { "\($0.shortID) \($0.displayName)" }
                refuse(i, header(r, "customer"), text, "no customer is named \(text); the archive has \(found.prefix(5).joined(separator: "; "))"
                           + (gone.isEmpty ? "" : ", and removed from it \(gone.joined(separator: "; ")) (to bring one back, undo the change that removed it)")
                           + ": write the customer's full name as the archive does, its code or credit code",
                       "档案中没有名为“\(text)”的客户，名称相近的有：\(listed)"
                           + (gone.isEmpty ? "" : "；另有已从档案中移除的 \(gone.joined(separator: "、"))（如指该客户，请先在 salesvault history 中找到移除它的批次，用 salesvault undo 撤销）")
                           + "。请按档案中的写法填写客户全称，也可改填客户编号或统一社会信用代码")
            } else if case let gone = removedHolding(text), !gone.isEmpty {
                // (Part of a removed customer's name: named, as commands name it: helper-183 F9.)
                let listed = gone.map { "\($0.shortID) \($0.displayName)" }
                refuse(i, header(r, "customer"), text, "no customer \(text) in this file or in the archive; removed from the archive: \(listed.joined(separator: "; ")) (to bring one back, undo the change that removed it, see salesvault history, then import again)",
                       "找不到客户“\(text)”（本文件和档案中都没有）；已从档案中移除的客户中有：\(listed.joined(separator: "、"))。如指该客户，请在 salesvault history 中找到移除它的批次，用 salesvault undo 撤销后再导入")
            } else {
                refuse(i, header(r, "customer"), text, "no customer \(text) in this file or in the archive; give the customer's full name, code or credit code",
                       "找不到客户“\(text)”（本文件和档案中都没有），请填写客户全称、客户编号或统一社会信用代码")
            }
            return nil
        }
        // A name that is not the archive customer's own (南京地铁 for 南京地铁集团有限公司,
        // the same once 集团 and 有限公司 are left out) while another customer's name holds it
        // too: said which one it went to, once per text (it went without a word: helper-128).
        if let id = archiveID(ref), let c = archive.state.entity(.customer, id), c["name"]?.text != text, !notedNames.contains(text) {
            let others = nearNames(text).filter { !$0.hasPrefix("\(c.shortID) ") }
            if !others.isEmpty {
                notedNames.insert(text)
                updateWarnings.append(ImportProblem(
                    table: tables[r.mapped].table.name, line: r.line, column: header(r, "customer"), value: text,
                    reason: "\(text) was taken as \(c.shortID) \(c.displayName); the archive also has \(others.joined(separator: "; ")): if it is another, give the full name or the id",
                    reasonZH: "“\(text)”已按名称对应到 \(c.shortID) \(c.displayName)；档案中名称相近的还有 \(others.joined(separator: "、"))。如不是 \(c.shortID)，请改填客户全称或编号"))
            } else if Importer.namedAlikeOnly(text, c) {
                // 华东电力集团 for 华东电力: said, as a customer row so written is (it went
                // without a word from a contacts list: helper-171 F4).
                notedNames.insert(text)
                // (Once imported, adding the customer and importing again imported the rows a
                // second time: the undo comes first: helper-172. A name starting with - after --.)
                let named = ShellWord.quote(text.trimmedWhitespace)
                let add = text.trimmedWhitespace.hasPrefix("-") ? "salesvault customer add --force -- \(named)" : "salesvault customer add \(named) --force"
                updateWarnings.append(ImportProblem(
                    table: tables[r.mapped].table.name, line: r.line, column: header(r, "customer"), value: text,
                    reason: "\(text) is not the archive's name of \(c.shortID) \(c.displayName), only alike once the legal suffix, spaces and brackets are set aside; it was taken as that customer. If it is another, add that customer first (\(add)) and import again; once this file is imported, undo its import first (salesvault undo)",
                    reasonZH: "“\(text)”与档案中 \(c.shortID) \(c.displayName)的名称相近（去掉“集团”“有限公司”等后缀、空格和括号后相同），已按同一客户处理。如实际是另一家客户，请先添加该客户（\(add)）再导入；如本文件已经导入，须先用 salesvault undo 撤销本次导入，再添加该客户后重新导入"))
            }
        }
        return ref
    }
}
