import Foundation
import SalesArchive

extension Importer.ChangeSetBuilder {
    /// A row of the customers sheet (`Importer.buildChangeSet`): its record found or made, and its operations.
    func planCustomer(_ i: Int, _ r: Row, before: Int) {
        let name = r.field("name") ?? ""
        let rowKeys = keys[i]!  // computed for every row planned here
        let credit: String? = rowKeys.credit.flatMap { if case .valid(let v) = $0 { return v } else { return nil } }
        let key = rowKeys.companyKey!
        var match: (ref: String, line: Int?, why: MatchReason)?
        guard let own = ownNamed(i, r, .customer, name: name) else { return }
        if let own {
            match = (own.shortID, nil, MatchReason(.recordID, "same record id", "记录号相同"))
            // (Its new name found by the rows that name it, also when this row is refused.)
            customers.register(ref: own.shortID, line: r.line, key: key, credit: credit, code: r.field("code"), phone: rowKeys.phone, otherPhones: rowKeys.otherPhones)
            customers.register(ref: own.shortID, line: r.line, traditionalName: name)
        }
        else if let credit, var c = index.customerByCredit[credit] {
            // A credit code several archive customers give: the one the row names, else none
            // known (it was the last added, and an update overwrote it: helper-163).
            var also: [String] = []
            if let shared = index.sharedCredits[credit] {
                if let picked = namedAmong(shared, name: name, key: key) { c = picked } else {
                    // (A name that is a third customer's: said as the name and the code of others,
                    // not "write the name as one of them does": helper-164.)
                    if options.onDuplicate == .update, let named = namedOutside(shared, name: name, key: key) {
                        refuse(i, header(r, "creditCode") ?? header(r, "name"), credit,
                               "the name is \(customerLabel(named))'s in the archive and the credit code \(listed(shared, zh: false))'s: which to update is not clear; check the name and the credit code",
                               "客户名称对应档案中的 \(customerLabel(named))，统一社会信用代码却属于 \(listed(shared, zh: true))，无法确定要更新哪一家。请核对名称和统一社会信用代码")
                        return
                    }
                    guard options.onDuplicate != .update else {
                        refuse(i, header(r, "creditCode"), credit,
                               "the credit code \(credit) is given by more than one customer in the archive (\(listed(shared, zh: false))): which to update is not clear; write the name exactly as one of them does",
                               "档案中有多家客户（\(listed(shared, zh: true))）共用统一社会信用代码 \(credit)，无法确定要更新哪一家。请将客户名称改为与其中一家完全一致")
                        standsForNone(i, r, candidates: shared)
                        return
                    }
                    also = shared.filter { $0 != c }
                }
            }
            // The name one archive customer's and the credit code another's: an update
            // would not know which (it updated the credit code's without a word: helper-92).
            // (With skip or refuse too it stands for neither: rows naming it went to the credit
            // code's: helper-170.)
            var namedOther: String?
            if let named = (index.sharedKeys[key] == nil ? index.customerByKey[key] : index.customerByName[TextKey(name.trimmedWhitespace)])
                   ?? index.customerByOtherName[key].flatMap({ $0.isEmpty ? nil : $0 }), named != c {  // (or its short name or alias: helper-94)
                guard options.onDuplicate != .update else {
                    refuse(i, header(r, "creditCode") ?? header(r, "name"), credit,
                           "the name is \(customerLabel(named))'s (its name, short name or alias) in the archive and the credit code \(customerLabel(c))'s: which to update is not clear; check the name and the credit code",
                           "客户名称对应档案中的 \(customerLabel(named))，统一社会信用代码却属于 \(customerLabel(c))，无法确定要更新哪一家。请核对名称和统一社会信用代码")
                    standsForNone(i, r, candidates: [named, c])
                    return
                }
                namedOther = named
            }
            // The credit code one customer's and the first phone number another's: the credit
            // code decides, and the phone is said (it went to the credit code's without a word).
            // (Not when the credit code's customer gives that first number too: customers sharing
            // it were told their own phone was another's: helper-166.)
            if let p = archiveCustomer(byPhone: rowKeys), p != c, let phone = rowKeys.phone, !(index.sharedFirstPhones[phone] ?? []).contains(c) {
                let number = Identity.shownPhone(phone)
                updateWarnings.append(ImportProblem(
                    table: tables[r.mapped].table.name, line: r.line, column: header(r, "phone"), value: r.field("phone"),
                    reason: "\(name) is taken for \(customerLabel(c)) by its credit code, but its phone \(number) is \(customerLabel(p))'s; check the phone (the credit code decides which customer a row is)",
                    reasonZH: "“\(name)”的统一社会信用代码对应档案中的 \(customerLabel(c))，但所填电话 \(number) 属于 \(customerLabel(p))。客户归属以统一社会信用代码为准（即 \(customerLabel(c))），请核对电话是否填错"))
            }
            var why = also.isEmpty ? MatchReason(.creditCode, "same credit code", "统一社会信用代码相同")
                : MatchReason(.creditCode, "same credit code, which \(listed(also, zh: false)) also give\(also.count == 1 ? "s" : "")", "统一社会信用代码相同，而且 \(listed(also, zh: true))也使用这个代码")
            if !also.isEmpty { why.alsoEN = "which \(listed(also, zh: false)) also give\(also.count == 1 ? "s" : "")" }
            if let namedOther { why.candidates = [namedOther, c] }
            match = (c, nil, why)
        }
        else if let c = index.sharedKeys[key] == nil ? index.customerByKey[key] : index.customerByName[TextKey(name.trimmedWhitespace)] {
            match = (c, nil, MatchReason(.name, "same name", "名称相同"))
        } else if let shared = index.sharedKeys[key] {
            // Names written alike by two archive customers, neither exactly: a duplicate
            // of both, and an update would not know which to change.
            if options.onDuplicate == .update {
                refuse(i, header(r, "name"), name, "\(name) matches more than one customer in the archive (\(shared.prefix(5).joined(separator: ", "))); write the name exactly as the archive does, or give the credit code, to say which to update",
                       "“\(name)”与档案中多个客户的名称相近（\(shared.prefix(5).joined(separator: "、"))），无法确定要更新哪一家。请按档案中的写法填写客户全称，或改填统一社会信用代码")
                standsForNone(i, r, candidates: shared)
                return
            }
            let others = shared.dropLast().prefix(4)
            // (Written exactly as none of them: alike, not the same: helper-170 N12.)
            match = (shared.last!, nil, MatchReason(.sharedName, "a name alike once the legal suffix, spaces and brackets are set aside; also like \(others.joined(separator: ", "))",
                                                    "去掉“有限公司”等后缀、空格和括号后名称相同；与 \(others.joined(separator: "、")) 的名称也相近"))
        }
        else if let c = index.customerByOtherName[key], !c.isEmpty { match = (c, nil, MatchReason(.otherName, "the same as its short name or an alias", "简称或别名相同")) }
        else if case let several = index.customers(lostCharactersOf: name, key: key), several.count > 1 {
            // (Which of them is not clear: refused, naming them; rows naming it are refused too.)
            refuse(i, header(r, "name"), name,
                   "\(name) could be any of the archive's \(listed(several, zh: false)): the file was saved as GBK, where the characters GBK cannot hold became ?, so which it is is not clear and this row is not imported. Give its credit code, or save the file as CSV UTF-8 or as a workbook (.xlsx) and import it again",
                   "文件按 GBK 编码保存，表情符号等字符已变成“?”，因此无法确定“\(name)”是档案中的哪一家客户（可能是 \(listed(several, zh: true))），本行无法导入。如该客户在档案中已登记统一社会信用代码，可在本行填上该代码后重新导入；否则请将文件另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后重新导入")
            standsForNone(i, r, candidates: several)
            return
        }
        else if let c = index.customer(lostCharactersOf: name, key: key) {
            // (Björn AB saved by Excel as GBK: Bj?rn AB, which was added as a new customer.)
            match = (c, nil, MatchReason(.lostCharacters, "the same name but for the characters GBK cannot hold, which the file has as ?",
                                         "名称除已变成“?”的字符外完全一致（文件按 GBK 编码保存，表情符号等 GBK 不支持的字符会变成“?”）"))
        }
        else if let phone = rowKeys.phone, let shared = index.sharedFirstPhones[phone] {
            // A first number several archive customers give, none of them named by the row.
            let number = Identity.shownPhone(phone)
            guard options.onDuplicate != .update else {
                standsForNone(i, r, candidates: shared)
                refuse(i, header(r, "phone"), r.field("phone"),
                       "\(number) is the first phone number of more than one customer in the archive (\(listed(shared, zh: false))): which to update is not clear; write the name exactly as one of them does, or give the credit code",
                       "电话 \(number) 同时是档案中多家客户（\(listed(shared, zh: true))）电话栏里的第一个号码，无法确定要更新哪一家。请将客户名称改为与其中一家完全一致，或填写统一社会信用代码")
                return
            }
            let also = Array(shared.dropLast())
            var why = MatchReason(.phone, "same phone, which \(listed(also, zh: false)) also give\(also.count == 1 ? "s" : "") first",
                                  "电话相同，而且这个号码也是 \(listed(also, zh: true))电话栏里的第一个号码")
            why.alsoEN = "which \(listed(also, zh: false)) also give\(also.count == 1 ? "s" : "") first"
            match = (shared.last!, nil, why)
        }
        else if let c = archiveCustomer(byPhone: rowKeys) { match = (c, nil, MatchReason(.phone, "same phone", "电话相同")) }
        else if let credit, let f = customers.byCredit[credit], !distinctRecords(r, f.ref) { match = (f.ref, f.line, MatchReason(.creditCode, "same credit code", "统一社会信用代码相同")) }
        else if let f = customers.byKey[key], !distinctRecords(r, f.ref) { match = (f.ref, f.line, MatchReason(.name, "same name", "名称相同")) }
        else if let f = fileCustomer(byPhone: rowKeys, r) {
            match = (f.ref, f.line, MatchReason(.phone, "same phone", "电话相同"))
        }
        if match == nil { noteSharedSecondNumber(i, r, rowKeys) }
        var ref: String
        if let match {
            // A handover's row that updates a customer keeps the note of where it came
            // from, as a new one gets it: the same file imported again changes nothing
            // (helper-109 M3: the update took the handover note away).
            // A row without a note leaves the note as it is (the new owner's own note
            // was replaced by the handover line: helper-111); one with a note keeps the
            // handover line the customer already has (of an earlier import of this
            // export, or of the same export under another name), else this one.
            var row = r
            if let handover, options.onDuplicate == .update, let given = r.field("note") {
                let existing = archiveID(match.ref).flatMap { archive.state.entity(.customer, $0)?["note"]?.text } ?? ""
                let line = existing.split(separator: "\n").last { $0.hasPrefix("交接导入：") }.map(String.init) ?? handover
                row.fields.removeAll { $0.0 == "note" }
                row.fields.append(("note", [given, line].joined(separator: "\n")))
            }
            guard let settled = settle(i, row, .customer, match, value: name) else { return }
            ref = settled
            noteNumbersOfOthers(i, r, rowKeys, record: settled)
            if let own, renameAndClear(own, to: name, r, row: i) { b.status[i] = .updated; b.updateTargets[i] = ref }
        } else {
            // Two records of the file (other record ids) of one name: the archive holds one
            // customer per name (the plan refused the second as existing already, "（C1）", in an
            // empty archive: helper-163).
            let exact = name.trimmedWhitespace
            if let f = customers.byExactName[TextKey(exact)] ?? customers.byKey[key], f.ref.hasPrefix("@"),
               fileFields[f.ref]?.fields.first(where: { $0.0 == "name" })?.1.trimmedWhitespace == exact {
                let at = fileLine(f.ref, f.line, from: r)
                let ids = [sourceIDOfRef[f.ref], r.sourceID.map(Importer.idKey)].compactMap { $0 }
                let (earlierID, ownID) = ids.count == 2 ? (ids[0], ids[1]) : ("", "")
                refuse(i, header(r, "name"), name,
                       "\(name)\(ownID.isEmpty ? "" : " (record id \(ownID))") is also the name of the customer at \(at.en)\(earlierID.isEmpty ? "" : " (record id \(earlierID))"), another record: the archive holds one customer per name; if they are one customer delete one of the rows, else rename one",
                       "本行的“\(name)”\(ownID.isEmpty ? "" : "（记录号 \(ownID)）")与\(at.zh)的客户\(earlierID.isEmpty ? "" : "（记录号 \(earlierID)）")同名，但不是同一条记录。档案中一个名称只能对应一家客户：如是同一客户，请删去其中一行；如不是，请将其中一家改名")
                return
            }
            var fields = r.fields.filter { $0.0 != "name" }
            if let handover {
                let note = [r.field("note"), handover].compactMap { $0 }.joined(separator: "\n")
                fields.removeAll { $0.0 == "note" }
                fields.append(("note", note))
            }
            ref = "@\(add(.addCustomer(name: name, fields: fields), row: i))"
            // (The name in simplified characters, as the removed ones are keyed: 華為 for 华为.)
            if !removedCustomers.isEmpty, let gone = Identity.removedNamesake(key: Identity.companyKey(CompanyName.Simplified.fold(name)), in: removedCustomers) {
                updateWarnings.append(Identity.removedNamesakeWarning(table: tables[r.mapped].table.name, line: r.line, column: header(r, "name"), name: name, removed: gone))
            }
            fileFields[ref] = FileRecord(r.line, r.fields, table: tables[r.mapped].table.name)
            b.status[i] = .new
        }
        customers.register(ref: ref, line: r.line, key: key, credit: credit, code: r.field("code"), phone: rowKeys.phone, otherPhones: rowKeys.otherPhones)
        customers.register(ref: ref, line: r.line, exactName: TextKey(name.trimmedWhitespace), key: key)
        customers.register(ref: ref, line: r.line, traditionalName: name)
        for other in [r.field("shortName")].compactMap({ $0 }) + CompanyName.splitAliases(r.field("aliases") ?? "") {
            customers.register(ref: ref, line: r.line, otherName: TextKey(Identity.companyKey(other)), besides: key)
        }
        registerSourceID(r, ref)
        // A contact person on the customer's row.
        if let person = r.contact.first(where: { $0.0 == "name" })?.1 {
            let pkey = "\(ref)|\(Importer.personKey(person))"
            let mobile = r.contact.first(where: { $0.0 == "mobile" })?.1
            // The same mobile at the same customer is the same person, as in a contact
            // list (王小敏 with 王敏's mobile was added beside her: helper-88).
            let mobileKey = mobile.flatMap(Identity.phoneKey).map { "\(ref)|\($0)" }
            func byMobile() -> String? {
                guard let mobileKey else { return nil }
                if let f = mobiles[mobileKey] { return f.ref }
                guard let id = archiveID(ref) else { return nil }
                return mobile.flatMap(Identity.phoneKey).flatMap { archiveChildren(.contact, of: id).byMobile[$0] }?.shortID
            }
            if let known = people[pkey]?.ref ?? childRef(.contact, customer: ref, name: person, mobile: mobile) ?? byMobile() {
                // A person the customer has (in the archive or an earlier row): with
                // --on-duplicate update the row's values update it, as a contact list's
                // row would (its mobile was left as it was, without a word).
                if options.onDuplicate == .update {
                    var row = r
                    row.fields = r.contact
                    let status = importer.update(.contact, ref: known, row, row: i, earlier: fileFields[known], warnings: &updateWarnings,
                                        table: tables[r.mapped].table.name, fileName: source.fileName, format: source.format, add: add)
                    fileFields[known] = Importer.merged(fileFields[known], row, table: tables[r.mapped].table.name)
                    // (Counted once per archive contact: a person the file itself added is new.)
                    if status == .updated, !known.hasPrefix("@"), updatedPeople.insert(known).inserted { b.inlineContactUpdates.insert(i) }
                    if status == .unchanged, !known.hasPrefix("@"), people[pkey] == nil, !updatedPeople.contains(known) { b.inlineContactKept[i] = .unchanged }
                } else if !known.hasPrefix("@"), people[pkey] == nil {
                    // (skip: the person left as the archive has them; a row the archive
                    // has as it is: the person too)
                    b.inlineContactKept[i] = identical.contains(i) ? .unchanged : .duplicate
                }
                if people[pkey] == nil { people[pkey] = (known, r.line) }
                if let mobileKey, mobiles[mobileKey] == nil { mobiles[mobileKey] = (known, r.line) }
            } else {
                sayNamesake(r, customer: ref, name: person, column: tables[r.mapped].columns.first { $0.target == .inlineContact("name") }?.header)
                let n = add(.addContact(customer: ref, name: person, fields: r.contact.filter { $0.0 != "name" }), row: i)
                people[pkey] = ("@\(n)", r.line)
                if let mobileKey, mobiles[mobileKey] == nil { mobiles[mobileKey] = ("@\(n)", r.line) }
                fileFields["@\(n)"] = FileRecord(r.line, r.contact, table: tables[r.mapped].table.name)
                b.inlineContacts.insert(i)
            }
        }
    }

    /// A number of contact row `r`'s mobile cell that another contact of `customer` has (of the
    /// archive, or new in the file), not the one `match` stands for: the number, the other and
    /// the one, said (`档案中的 R3 赵六`, `本文件第 2 行的“钱一”`).
    func mobileOfAnother(_ r: Row, customer: String, match: String) -> (String, other: (en: String, zh: String), named: (en: String, zh: String))? {
        let named = archiveID(match).flatMap { archive.state.entity(.contact, $0) }
        let own = Set(Identity.allPhoneKeys(named?["mobile"]?.text))
        func said(_ ref: String, line: Int?) -> (en: String, zh: String) {
            if let e = archiveID(ref).flatMap({ archive.state.entity(.contact, $0) }) { return ("the archive's \(e.shortID) \(e.displayName)", "档案中 \(e.shortID) \(e.displayName)") }
            let name = fileFields[ref]?.fields.first { $0.0 == "name" }?.1 ?? ref
            guard let line else { return (name, "“\(name)”") }
            let at = fileLine(ref, line, from: r)
            return ("\(name) (\(at.en))", "\(at.zh)的“\(name)”")
        }
        let owner = archiveID(customer)
        for k in Identity.allPhoneKeys(r.field("mobile")) where !own.contains(k) {
            if let owner, let o = archiveChildren(.contact, of: owner).byMobile[k], o.shortID != match {
                return (k, said(o.shortID, line: nil), said(match, line: people.values.first { $0.ref == match }?.line))
            }
            if let f = mobiles["\(customer)|\(k)"], f.ref != match {
                return (k, said(f.ref, line: f.line), said(match, line: people.values.first { $0.ref == match }?.line))
            }
        }
        return nil
    }

    /// A row of the contacts sheet (`Importer.buildChangeSet`): its record found or made, and its operations.
    func planContact(_ i: Int, _ r: Row, before: Int) {
        guard let customer = customerOf(i, r) else { return }
        let name = r.field("name") ?? ""
        let pkey = "\(customer)|\(Importer.personKey(name))"
        if r.refs["removed"] != nil { return planRemovedContact(i, r, customer: customer, name: name, pkey: pkey) }
        // (Every number of the cell: Identity.phoneKeys.)
        let mobileKeys = Identity.allPhoneKeys(r.field("mobile")).map { "\(customer)|\($0)" }
        var match: (ref: String, line: Int?, why: MatchReason)?
        guard let own = ownNamed(i, r, .contact, customer: customer, name: name) else { return }
        let twin = own == nil ? namesakeTwin(i, r, .contact, customer: customer, name: name) : nil
        if twin == nil, own == nil, people[pkey] == nil, let owner = archiveID(customer),
           case let same = archiveChildren(.contact, of: owner).byKey[Importer.personKey(name)] ?? [], same.count > 1,
           childRef(.contact, customer: customer, name: name, mobile: r.field("mobile"), id: r.sourceID, reference: true) == nil {
            refuseNamesakes(i, r, .contact, column: header(r, "name"), value: name, customer: customer, name: name, same, reference: false)
            return
        }
        if let twin {
            if let ref = twin { match = (ref, nil, MatchReason(.personName, "same name at the same customer", "同一客户下姓名相同")) }
        } else if let own {
            match = (own.shortID, nil, MatchReason(.recordID, "same record id", "记录号相同"))
            if people[pkey] == nil { people[pkey] = (own.shortID, r.line) } else if people[pkey]?.ref != own.shortID { sharedNames.insert("R|\(pkey)") }  // (as for a customer's above)
        } else if let existing = childRef(.contact, customer: customer, name: name, mobile: r.field("mobile"), id: r.sourceID), !distinctRecords(r, existing) {
            // (A row refused as a duplicate by its mobile stands for that contact by its name
            // too, then told 姓名相同 under another name: helper-170 N9.)
            let record = archiveID(existing).flatMap { archive.state.entity(.contact, $0) }
            let byMobile = record.map { e in
                Importer.personKey(e["name"]?.text ?? "") != Importer.personKey(name)
                    && Identity.allPhoneKeys(e["mobile"]?.text).contains { Identity.allPhoneKeys(r.field("mobile")).contains($0) }
            } ?? false
            match = byMobile ? (existing, nil, MatchReason(.mobile, "same mobile", "手机号相同"))
                : (existing, people[pkey]?.line, MatchReason(.personName, "same name at the same customer", "同一客户下姓名相同"))
        } else if let f = mobileKeys.lazy.compactMap({ self.mobiles[$0] }).first(where: { !self.distinctRecords(r, $0.ref) }) {
            match = (f.ref, f.line, MatchReason(.mobile, "same mobile", "手机号相同"))
        } else if !mobileKeys.isEmpty, let id = archiveID(customer), case let theirs = archiveChildren(.contact, of: id),
                  let key = Identity.allPhoneKeys(r.field("mobile")).first(where: { theirs.byMobile[$0] != nil }), let p = theirs.byMobile[key] {
            // A mobile several of the customer's contacts share, under a name none has: none of
            // them (the first was updated: helper-178 F3).
            if let sharing = theirs.sharedMobiles[key] {
                let ids = sharing.map { "\($0.shortID) \($0.displayName)" }
                let shown = Identity.shownPhone(key)
                refuse(i, header(r, "mobile"), r.field("mobile"),
                       "the mobile \(shown) is shared by \(ids.joined(separator: ", ")) in the archive, and the name \(name) is none of theirs: which contact this is is not clear. If it is one of them, give its name or its id in a column 记录号 (e.g. \(sharing[0].shortID)); a new contact is added with salesvault contact add",
                       "手机号 \(shown) 是档案中 \(ids.joined(separator: "、")) 共用的，本行姓名“\(name)”与他们都不同，无法确定是哪一位。如是其中一位，请改填其姓名，或在“记录号”列填写其记录号（例如 \(sharing[0].shortID)）；如是一位新的联系人，请用 salesvault contact add 单独添加")
                return
            }
            match = (p.shortID, nil, MatchReason(.mobile, "same mobile", "手机号相同"))
        }
        // The name one archive contact's, a number of the mobile cell another's of the customer:
        // an update would give the one the other's mobile (`contact edit` refuses it; the import
        // did it without a word: helper-172, every number of the cell: helper-174), a skip took
        // it for the one (helper-174). By its record id, an update asks as `contact edit` does.
        // (A contact new in the file, on either side, too: helper-175.)
        // Two people of one name in the file, an earlier row's of another mobile than this one:
        // the archive's live person of the name with this row's mobile, not the earlier row's
        // (helper-191 2: two 王敏 of a handover were both taken for one).
        if let m = match, own == nil, m.why.kind == .personName, m.line != nil, let owner = archiveID(customer),
           case let theirs = archiveChildren(.contact, of: owner),
           let e = Identity.allPhoneKeys(r.field("mobile")).lazy.compactMap({ theirs.byMobile[$0] }).first, e.shortID != m.ref,
           CompanyName.personKey(CompanyName.Simplified.fold(e["name"]?.text ?? "")) == CompanyName.personKey(CompanyName.Simplified.fold(name)) {
            match = (e.shortID, nil, MatchReason(.mobile, "same mobile", "手机号相同"))
        }
        // A person this archive has removed, whom the row is (helper-189 F4; helper-191 1, 2):
        // refused, skipped, or brought back, not a second one beside them.
        switch own == nil ? removedOfRow(r, customer: customer, name: name, live: match) : .none {
        case .none: break
        case .several(let gone):
            let listed = gone.sorted { $0.id < $1.id }.map { "\($0.shortID) \($0.displayName)" + ($0["mobile"]?.text.map { "（\($0)）" } ?? "") }
            let listedEN = gone.sorted { $0.id < $1.id }.map { "\($0.shortID) \($0.displayName)" + ($0["mobile"]?.text.map { " (\($0))" } ?? "") }
            refuse(i, header(r, "name"), name,
                   "this archive has \(gone.count) removed contacts of this name at the customer (\(listedEN.joined(separator: "; "))), and the row does not tell which it is: give the person's mobile, or bring one back with salesvault contact restore and import again",
                   "档案中该客户下有 \(gone.count) 位已移除的同名联系人（\(listed.joined(separator: "、"))），无法确定本行是哪一位。请在本行填写此人的手机号，或先用 salesvault contact restore 恢复其中一位，然后重新导入")
            return
        case .one(let gone):
            guard let settled = planRestoredContact(i, r, gone, name: name, customer: customer) else { return }
            if people[pkey] == nil { people[pkey] = (settled, r.line) } else if people[pkey]?.ref != settled { sharedNames.insert("R|\(pkey)") }
            for mobile in mobileKeys where mobiles[mobile] == nil { mobiles[mobile] = (settled, r.line) }
            registerSourceID(r, settled)
            return
        }
        if let match, options.onDuplicate != .refuse, match.why.kind == .personName || (match.why.kind == .recordID && options.onDuplicate == .update),
           let (number, other, named) = mobileOfAnother(r, customer: customer, match: match.ref) {
            let shown = Identity.shownPhone(number)
            if match.why.kind == .recordID {
                let e = archiveID(match.ref).flatMap { archive.state.entity(.contact, $0) }.map { "\($0.shortID) \($0.displayName)" } ?? match.ref
                refuse(i, header(r, "mobile"), r.field("mobile"),
                       "\(shown) is the mobile of \(other.en): \(e) would share it; if that is right, change it with salesvault contact edit \(match.ref) --set mobile=… --force",
                       "手机号 \(shown) 是\(other.zh)的，改后 \(e)将与其共用一个手机号。如确需这样修改，请用 salesvault contact edit \(match.ref) --set mobile=… --force 修改")
            } else {
                refuse(i, header(r, "mobile"), r.field("mobile"),
                       "the name is that of \(named.en) and the mobile \(shown) that of \(other.en): which contact this is is not clear; check the name and the mobile",
                       "本行姓名对应\(named.zh)，手机号 \(shown) 却是\(other.zh)的，无法确定是哪一位。请核对姓名和手机号")
            }
            return
        }
        if let match, own == nil, idContradictsName(i, r, .contact, customer: customer, found: match.ref) { return }
        var ref: String
        if let match {
            guard let settled = settle(i, r, .contact, match, value: name, customer: customer) else { return }
            ref = settled
            if let own, renameAndClear(own, to: name, r, row: i) { b.status[i] = .updated; b.updateTargets[i] = ref }
        } else {
            sayNamesake(r, customer: customer, name: name, column: header(r, "name"))
            // A removed person of the name, of another mobile (`removedOfRow` took none): said,
            // with the way back if it is them (a copy was added without a word: helper-193 4).
            if own == nil, let owner = archiveID(customer),
               let gone = (removedContacts[owner]?[CompanyName.personKey(CompanyName.Simplified.fold(name))] ?? []).max(by: { $0.id < $1.id }) {
                updateWarnings.append(ImportProblem(
                    table: tables[r.mapped].table.name, line: r.line, column: header(r, "name"), value: name,
                    reason: "the customer has a removed contact of this name, \(gone.shortID) \(gone.displayName), of another mobile: the row is added as a new contact. If it is that person with a new mobile, bring them back first (salesvault contact restore \(gone.shortID)), give them the new number (salesvault contact edit \(gone.shortID) --set mobile=NUMBER), then import again; if not, nothing needs doing",
                    // (Brought back with the old number, the row was a new person again: the
                    // new number is given first: helper-195.)
                    reasonZH: "该客户下有已移除的同名联系人 \(gone.shortID) \(gone.displayName)（手机号不同），导入时本行将作为新联系人添加。如是同一人（已换手机号），请先恢复此人（salesvault contact restore \(gone.shortID)），再改为新号码（salesvault contact edit \(gone.shortID) --set 手机=新手机号），然后重新导入；如不是同一人，无需处理"))
            }
            ref = "@\(add(.addContact(customer: customer, name: name, fields: r.fields.filter { $0.0 != "name" }), row: i))"
            fileChildren[ref] = (customer, name, tables[r.mapped].table.name, r.line)
            fileFields[ref] = FileRecord(r.line, r.fields, table: tables[r.mapped].table.name)
            b.status[i] = .new
        }
        if people[pkey] == nil { people[pkey] = (ref, r.line) } else if people[pkey]?.ref != ref { sharedNames.insert("R|\(pkey)") }
        for mobile in mobileKeys where mobiles[mobile] == nil { mobiles[mobile] = (ref, r.line) }
        registerSourceID(r, ref)
    }

    /// Whether contact row `r`'s values, as the archive reads them, are other than record `e`'s:
    /// a field either gives that the other does not, or gives otherwise (not the name,
    /// references, times, or a secret field an export leaves out).
    func rowDiffers(_ r: Row, from e: Entity) -> Bool {
        var given: [Int: FieldValue?] = [:]
        for (key, input) in r.fields {
            guard let spec = Schema.field(.contact, key: key) else { continue }
            given[Int(spec.number)] = try? ChangeDraft.value(for: spec, input: input, now: options.now)
        }
        for spec in Schema.fields(.contact) where spec.key != "name" && spec.key != "customer" && spec.type != .instant && spec.sensitivity != .secret {
            if case .reference = spec.type { continue }
            if case .references = spec.type { continue }
            if (given[Int(spec.number)] ?? nil) != e[number: spec.number] { return true }
        }
        return false
    }

    /// What `removedOfRow` finds: no removed person, one, or several the row fits alike.
    enum RemovedOfRow { case none, one(Entity), several([Entity]) }

    /// The removed contact of `customer` a live contact row (not marked 已移除) is, by its name
    /// (in simplified characters): when no live contact is the row's (`live`), the latest of
    /// the name whose mobile is the row's, else one whose mobile neither contradicts (one of
    /// them has none) nor whose values differ; when the live one is taken by its name alone
    /// and has another mobile, the removed one with the row's mobile. A person brought back
    /// after a handover, then changed (a new title), was added again beside the removed one,
    /// the file's records moved to the copy; of two people of one name, the live one got the
    /// other's values (helper-191 1, 2).
    func removedOfRow(_ r: Row, customer: String, name: String, live match: (ref: String, line: Int?, why: MatchReason)?) -> RemovedOfRow {
        guard let owner = archiveID(customer),
              case let gone = (removedContacts[owner]?[CompanyName.personKey(CompanyName.Simplified.fold(name))] ?? []).sorted(by: { $0.id > $1.id }),
              !gone.isEmpty else { return .none }
        let rowMobiles = Set(Identity.allPhoneKeys(r.field("mobile")))
        func mobiles(_ e: Entity) -> Set<String> { Set(Identity.allPhoneKeys(e["mobile"]?.text)) }
        let sameMobile = rowMobiles.isEmpty ? [] : gone.filter { !mobiles($0).isDisjoint(with: rowMobiles) }
        if let match {
            // (Also beside a live namesake without a mobile: the row's mobile is the removed
            // one's, which is the stronger sign: helper-193 2.)
            guard match.why.kind == .personName, match.line == nil, !rowMobiles.isEmpty,
                  let taken = archiveID(match.ref).flatMap({ archive.state.entity(.contact, $0) }),
                  mobiles(taken).isDisjoint(with: rowMobiles), !sameMobile.isEmpty else { return .none }
            return sameMobile.count == 1 ? .one(sameMobile[0]) : .several(sameMobile)
        }
        if sameMobile.count == 1 { return .one(sameMobile[0]) }
        if sameMobile.count > 1 { return .several(sameMobile) }
        // Else one whose every value is the row's, or whose mobile does not contradict the
        // row's; of several such, none is taken (the latest was restored and given the row's
        // title, the row another's: helper-193 1).
        let same = gone.filter { !rowDiffers(r, from: $0) }
        if same.count == 1 { return .one(same[0]) }
        let fitting = gone.filter { rowMobiles.isEmpty || mobiles($0).isEmpty }
        return fitting.isEmpty ? .none : fitting.count == 1 ? .one(fitting[0]) : .several(fitting)
    }

    /// A live contact row of a person this archive has removed (`removedOfRow`; helper-189 F4:
    /// another salesperson brought a person back after a handover, and their new export added
    /// a second, live one beside the removed one, the records still naming the first). A
    /// duplicate of that person: refused, skipped (they stay removed; the file's records may
    /// name them, as a handover's do), or, with `--on-duplicate update`, brought back
    /// (`ChangeOperation.restoreContact`) and updated with the row's values, said in a warning.
    /// The record the row stands for; nil when refused.
    func planRestoredContact(_ i: Int, _ r: Row, _ gone: Entity, name: String, customer: String) -> String? {
        let table = tables[r.mapped].table.name
        let label = "\(gone.shortID) \(gone.displayName)"
        switch options.onDuplicate {
        case .refuse:
            _ = duplicateHint(i)
            refuse(i, header(r, "name"), name,
                   "the archive has this person, \(label), removed, where the file has them live: to bring them back, import with --on-duplicate update; to leave them removed, with --on-duplicate skip",
                   "此人（\(label)）在本档案中已移除，但在文件中未移除。如要按文件恢复此人，请加 --on-duplicate update；如要保持移除，请加 --on-duplicate skip")
            return nil
        case .skip:
            b.status[i] = .duplicate
            // (Said: the summary's "every row is in the archive already" left it unsaid: helper-191.)
            updateWarnings.append(ImportProblem(
                table: table, line: r.line, column: header(r, "name"), value: name,
                reason: "\(label) stays removed in this archive, as --on-duplicate skip asks; to bring them back, import with --on-duplicate update or run salesvault contact restore \(gone.shortID)",
                reasonZH: "联系人 \(label)已被移除；因本次按 --on-duplicate skip 导入，此人仍保持移除状态。如需恢复，请改用 --on-duplicate update 重新导入，或运行 salesvault contact restore \(gone.shortID)"))
        case .update:
            _ = add(.restoreContact(gone.shortID, reason: "根据导入文件“\(source.fileName)”恢复"), row: i)
            // The row's other values, as any update gives them (a new title given meanwhile).
            guard settle(i, r, .contact, (gone.shortID, nil, MatchReason(.personName, "same name at the same customer", "同一客户下姓名相同")), value: name, customer: customer) != nil else { return nil }
            b.status[i] = .updated
            b.updateTargets[i] = gone.shortID
            updateWarnings.append(ImportProblem(
                table: table, line: r.line, column: header(r, "name"), value: name,
                reason: "\(label) was removed from this archive and the file has them live: they are brought back, with the records that name them. If they should stay removed, import with --on-duplicate skip, or delete the row",
                reasonZH: "\(label)已从本档案中移除，但文件中此人未移除。导入后将恢复此人，原先与其关联的记录也会一并恢复关联。如需保持移除，请改用 --on-duplicate skip，或删去本行"))
        }
        // (Another's file: its new records may name them, as its first import did.)
        if !ownIDs && !idsReadAsHere { b.set.removedMayBeNamed.insert(gone.id) }
        return gone.shortID
    }

    /// A contact row the file marks removed (已移除: an export lists so a removed person its
    /// records name, INTERCHANGE.md §6.1). In an export of this archive, that person, removed or
    /// not (an import removes no one): unchanged. Otherwise (another salesperson's export, a
    /// handover) a new contact, removed at the end of the batch, so that the records naming them
    /// keep them, as removed (helper-186 F6: they were refused).
    func planRemovedContact(_ i: Int, _ r: Row, customer: String, name: String, pkey: String) {
        var theirs: Entity?
        let table = tables[r.mapped].table.name
        func differs(_ e: Entity) -> Bool { rowDiffers(r, from: e) }
        if let owner = archiveID(customer) {
            // By its id in this archive's file; else the customer's removed person of that name
            // whose every value the row gives is theirs (a handover imported twice, or the
            // successor's export imported back, added them once more: helper-188 H1, H2; another
            // removed person of the name, with other values, is not them: helper-189 F3). Never
            // a live person by name alone (they were linked to another 张伟 with another mobile:
            // helper-189 F1, F2): the file's records then name the person the file adds, and a
            // live namesake is said.
            if !othersIDs, ownIDs || idsReadAsHere, let id = r.sourceID, let (k, n) = Importer.recordID(id), k == .contact,
               let e = archive.state.entityIncludingRemoved(.contact, n), e["customer"]?.ref == owner {
                theirs = e
            } else if let e = removedContact(customer: customer, name: name), !differs(e) {
                theirs = e
                // (Another's file: its new records may name them, as its first import did.)
                if !ownIDs && !idsReadAsHere && e.removed { b.set.removedMayBeNamed.insert(e.id) }
            } else if case let live = (archiveChildren(.contact, of: owner).byFolded[CompanyName.personKey(CompanyName.Simplified.fold(name))] ?? []).map(\.e).sorted(by: { $0.id < $1.id }),
                      case let rowMobiles = Set(Identity.allPhoneKeys(r.field("mobile"))),
                      case let gives = r.fields.contains(where: { $0.0 != "name" && !$0.1.trimmedWhitespace.isEmpty }),
                      let same = live.first(where: { e in
                          !rowMobiles.isEmpty && !rowMobiles.isDisjoint(with: Identity.allPhoneKeys(e["mobile"]?.text)) || gives && !differs(e)
                      }) {
                // A live person of the name with the row's mobile, or every value the row's (it
                // gives some: a bare name is anyone's): that person (an older file of a person
                // brought back since, imported again, added a removed copy and moved the records
                // to it: helper-191 3). Unchanged, said below when the row gives other values; an
                // import removes no one.
                theirs = same
            } else if case let live = (archiveChildren(.contact, of: owner).byFolded[CompanyName.personKey(CompanyName.Simplified.fold(name))] ?? []).map(\.e).sorted(by: { $0.id < $1.id }),
                      !live.isEmpty {
                // (Also one written in the other script, 張偉 for 张伟: it was added beside them
                // without a word: helper-189 F6.)
                let listed = live.map { "\($0.shortID) \($0.displayName)" }
                let script = live.contains { Importer.personKey($0["name"]?.text ?? "") != Importer.personKey(name) }
                let same = script ? (en: "of the same name but for traditional and simplified characters", zh: "姓名相同（或仅繁简体不同）的联系人")
                    : (en: "of the same name", zh: "同名联系人")
                updateWarnings.append(ImportProblem(
                    table: table, line: r.line, column: header(r, "name"), value: name,
                    reason: "\(name), removed in the archive the file came from, is added as a removed person of their own; this archive's contact\(live.count > 1 ? "s" : "") \(listed.joined(separator: "; ")) \(same.en) \(live.count > 1 ? "are" : "is") not linked to the file's records. If they are one person, correct those records after the import",
                    reasonZH: "\(name)在原档案中已移除，导入后将作为已移除的联系人单独保存。本档案中该客户下另有\(same.zh) \(listed.joined(separator: "、"))，文件中的记录不会合并到\(live.count > 1 ? "这些" : "该")联系人。如两者确为同一人，请在导入后手动调整相关记录"))
            }
        }
        let ref: String
        if let theirs {
            ref = theirs.shortID
            b.status[i] = .unchanged
            // What the row gives otherwise than the archive's record: not updated, said (it was
            // "nothing to update": helper-188 M3).
            // (A live one marked 已移除 in this archive's file, edited: said alike: helper-189 F5.)
            // (A live one marked removed: said whatever the row gives, the mark being what is
            // left out: helper-193 3.)
            if !noteRemovedUnchanged.contains(theirs.id), !theirs.removed || options.onDuplicate == .update && differs(theirs) {
                noteRemovedUnchanged.insert(theirs.id)
                b.valuesLeftOut += 1
                updateWarnings.append(theirs.removed ? ImportProblem(
                    table: table, line: r.line, column: header(r, "name"), value: name,
                    reason: "\(theirs.shortID) \(theirs.displayName) was removed: a removed person is not updated, and the row's other values are left out; to change them, bring the person back first (undo the removal)",
                    reasonZH: "\(theirs.shortID) \(theirs.displayName)已移除，已移除的联系人不会被更新，本行中不同的内容将被忽略。如需修改，请先撤销移除该联系人的批次")
                    : ImportProblem(
                    table: table, line: r.line, column: header(r, "name"), value: name,
                    reason: "the row marks \(theirs.shortID) \(theirs.displayName) removed, which the archive's is not: an import removes no one, and the row is left out, its other values too; clear the mark to update the person",
                    reasonZH: "本行把 \(theirs.shortID) \(theirs.displayName)标为已移除，但档案中此人并未移除。导入不会移除联系人，因此整行将被忽略（其中与档案不同的内容也不会导入）。如需更新此人的信息，请清空“已移除”列后再导入"))
            }
        } else {
            ref = "@\(add(.addContact(customer: customer, name: name, fields: r.fields.filter { $0.0 != "name" }), row: i))"
            fileChildren[ref] = (customer, name, tables[r.mapped].table.name, r.line)
            fileFields[ref] = FileRecord(r.line, r.fields, table: tables[r.mapped].table.name)
            addedRemoved.append((ref, i))
            b.status[i] = .new
        }
        if people[pkey] == nil { people[pkey] = (ref, r.line) } else if people[pkey]?.ref != ref { sharedNames.insert("R|\(pkey)") }
        registerSourceID(r, ref)
    }

    /// Refuses row `i` under `--on-duplicate update` when its 记录号, not read as this archive's
    /// (a CSV export, a workbook without its 说明), is the id of another archive record of its
    /// customer than the one its name finds (`found`): two projects' names swapped in a CSV
    /// export updated each with the other's row (helper-176). Not for another archive's ids.
    func idContradictsName(_ i: Int, _ r: Row, _ kind: EntityKind, customer: String, found: String) -> Bool {
        guard options.onDuplicate == .update, !ownIDs, !othersIDs, let given = r.sourceID, let (k, n) = Importer.recordID(given), k == kind,
              let e = archive.state.entity(kind, n), e["customer"]?.ref == archiveID(customer), e.shortID != found,
              let other = archiveID(found).flatMap({ archive.state.entity(kind, $0) }) else { return false }
        let (en, zh) = kind == .contact ? ("contact", "联系人") : ("project", "项目")
        refuse(i, header(r, "name"), r.field("name"),
               "this row's record id \(e.shortID) is the archive's \(en) \(e.displayName), but its name is that of \(other.shortID) \(other.displayName): which to update is not clear; check the record id and the name",
               "本行的记录号 \(e.shortID) 是档案中\(zh)“\(e.displayName)”的，而本行的名称对应档案中的 \(other.shortID) \(other.displayName)，无法确定要更新哪一\(kind == .contact ? "位" : "个")。请核对记录号和名称")
        return true
    }

    /// For a row of another archive's export (`othersIDs`: its 说明 or JSON header says so)
    /// naming one of several archive records of its customer that share its name (one added
    /// with --force): the one its record id stands for: the one an earlier row of the id took;
    /// else of those no other id took, the one whose values are the row's, else the first when
    /// the file has a row for each of them (an export, its rows in the order of their records);
    /// `.some(nil)` when every one is taken (the file has more of them: a new one); nil when it
    /// is not clear, as for any other row (refused, naming them). The export imported again was
    /// refused as not saying which (helper-218 2); with a twin's row deleted, the other's took
    /// its place, and a log entry moved to it (helper-220 3).
    func namesakeTwin(_ i: Int, _ r: Row, _ kind: EntityKind, customer: String, name: String) -> String?? {
        guard othersIDs, !ownIDs, !idsReadAsHere, let fileID = fileRecordID(r), let owner = archiveID(customer) else { return nil }
        let same = (archiveChildren(kind, of: owner).byKey[Importer.personKey(name)] ?? []).sorted { $0.id < $1.id }
        guard same.count > 1 else { return nil }
        let key = Importer.logKey("\(kind.idPrefix)|\(customer)", 0, Importer.personKey(name))
        var byID = archiveRecordOfID[key] ?? [:]
        if let earlier = byID[fileID] { return .some(kind.idPrefix + String(earlier.record)) }
        let taken = Set(byID.values.map(\.record))
        let free = same.filter { !taken.contains($0.id) }
        guard !free.isEmpty else { return .some(nil) }
        let alike = free.filter { importer.differingFromArchive(kind, $0, r).isEmpty }
        let candidates = alike.isEmpty ? free : alike
        guard candidates.count == 1 || fileRows(r.kind, customer: r.refs["customer"] ?? "", name: name) >= same.count else { return nil }
        byID[fileID] = (candidates[0].id, i)
        archiveRecordOfID[key] = byID
        return .some(kind.idPrefix + String(candidates[0].id))
    }

    /// How many rows of the file's `kind` give the customer as `customer` and the name `name`
    /// (compared as people's names are); counted once.
    func fileRows(_ kind: ImportKind, customer: String, name: String) -> Int {
        if fileNameCounts == nil {
            var counts: [String: Int] = [:]
            for row in rows where row.kind == .contacts || row.kind == .projects {
                counts["\(row.kind.rawValue)|\(row.refs["customer"] ?? "")|\(Importer.personKey(row.field("name") ?? ""))", default: 0] += 1
            }
            fileNameCounts = counts
        }
        return fileNameCounts?["\(kind.rawValue)|\(customer)|\(Importer.personKey(name))"] ?? 0
    }

    /// A row of the projects sheet (`Importer.buildChangeSet`): its record found or made, and its operations.
    func planProject(_ i: Int, _ r: Row, before: Int) {
        guard let customer = customerOf(i, r) else { return }
        let name = r.field("name") ?? ""
        var fields = r.fields.filter { $0.0 != "name" && $0.0 != "stage" }
        if let makers = contactRefs(i, r, key: "decisionMakers", customer: customer) { fields.append(("decisionMakers", makers)) }
        guard (b.problems[i]?.count ?? 0) == before else { return }
        let stage = r.field("stage")
        var ref: String
        guard let own = ownNamed(i, r, .project, customer: customer, name: name) else { return }
        if let own, case let k = "\(customer)|\(Importer.personKey(name))" {
            if projects[k] == nil { projects[k] = (own.shortID, r.line) } else if projects[k]?.ref != own.shortID { sharedNames.insert("P|\(k)") }
        }
        // (Unless the row's 记录号 is one of them, as for a contact: a CSV export of the projects
        // was refused as not saying which.)
        let twin = own == nil ? namesakeTwin(i, r, .project, customer: customer, name: name) : nil
        if twin == nil, own == nil, projects["\(customer)|\(Importer.personKey(name))"] == nil, let owner = archiveID(customer),
           case let same = archiveChildren(.project, of: owner).byKey[Importer.personKey(name)] ?? [], same.count > 1,
           childRef(.project, customer: customer, name: name, id: r.sourceID, reference: true) == nil {
            refuseNamesakes(i, r, .project, column: header(r, "name"), value: name, customer: customer, name: name, same, reference: false)
            return
        }
        // (Two projects of one name the file gives distinct record ids, as an export of an
        // archive where one was added again with --force does, are two, as contacts are: its
        // import into a new archive was refused as a duplicate.)
        let found: String? = if let twin { twin } else { childRef(.project, customer: customer, name: name, id: r.sourceID).flatMap { distinctRecords(r, $0) ? nil : $0 } }
        if let existing = own?.shortID ?? found {
            if own == nil, idContradictsName(i, r, .project, customer: customer, found: existing) { return }
            switch options.onDuplicate {
            case .refuse where identical.contains(i):
                guard unchangedOnce(i, r, record: existing, column: header(r, "name"), value: name) else { return }
                ref = existing
            case .refuse:
                if !existing.hasPrefix("@"), namedAsInArchive(.project, existing, r) { b.archiveDuplicates.insert(i) }
                let (en, zh) = duplicateText((existing, own == nil ? projects["\(customer)|\(Importer.personKey(name))"]?.line : nil),
                                             own == nil ? ("same name at the same customer", "同一客户下项目名称相同") : ("same record id", "记录号相同"), r)
                let hint = duplicateHint(i)
                refuse(i, header(r, "name"), name, en + hint.0, zh + hint.1)
                refusedAsDuplicate(r, .project, of: existing, customer: customer)
                return
            case .skip:
                b.status[i] = .duplicate
                ref = existing
            case .update:
                ref = existing
                if refuseRemovedPeople(i, r, column: "decisionMakers", kept: archiveID(existing).flatMap { archive.state.entity(.project, $0)?["decisionMakers"]?.refs } ?? []) { return }
                var row = r
                row.fields = fields
                // (The stage is compared below, with what an earlier row of the file set.)
                let stageSpec = Schema.field(.project, key: "stage")!  // a schema literal
                let otherStage = stage.flatMap { s in SalesStage.read(s.trimmedWhitespace).flatMap { w in fileStages[ref].map { w != $0 } } } == true
                b.status[i] = importer.update(.project, ref: ref, row, row: i, earlier: fileFields[ref], alsoDiffering: otherStage ? [(stageSpec.en, stageSpec.zh)] : [],
                                     warnings: &updateWarnings, table: tables[r.mapped].table.name, fileName: source.fileName, format: source.format, add: add)
                b.updateTargets[i] = ref
                if let own, renameAndClear(own, to: name, r, row: i) { b.status[i] = .updated; b.updateTargets[i] = ref }
                fileFields[ref] = Importer.merged(fileFields[ref], row, table: tables[r.mapped].table.name)
                if let stage {
                    // Where the project is now: after an earlier row of this file, or in the archive.
                    let current = fileStages[ref] ?? archiveID(ref).flatMap { archive.state.entity(.project, $0) }
                        .flatMap { $0["stage"]?.text }.flatMap(SalesStage.init(rawValue:)) ?? .infoDevelopment
                    let wanted = SalesStage.read(stage.trimmedWhitespace)
                    if wanted != current {  // a stage that is none is refused by setStage, naming it
                        let why = r.gradeReason.flatMap { $0.isPlaceholderReason ? nil : $0 } ?? "根据导入文件“\(source.fileName)”调整"
                        _ = add(.setStage(ref, stage: stage, reason: why), row: i)
                        b.status[i] = .updated
                        if let wanted { fileStages[ref] = wanted }
                        // A closed project opened again, or closed otherwise, by a file (an
                        // older list?) is said.
                        if let wanted, current.isClosed {
                            updateWarnings.append(ImportProblem(
                                table: tables[r.mapped].table.name, line: r.line, column: header(r, "stage"), value: stage,
                                reason: wanted.isClosed ? "the project \(name) is closed (\(current.en)); this row changes its outcome to \(wanted.en), with the reason: \(why); check that this is meant"
                                    : "the project \(name) is closed (\(current.en)); this row opens it again at \(wanted.en), with the reason: \(why); check that this is meant",
                                reasonZH: wanted.isClosed ? "项目“\(name)”已结束（\(current.zh)），此行会将结果改为“\(wanted.zh)”，原因记为：\(why)。请核实"
                                    : "项目“\(name)”已结束（\(current.zh)），此行会将其重新开启，阶段改为“\(wanted.zh)”，原因记为：\(why)。请核实"))
                        } else if let wanted, current.moveNeedsReason(to: wanted) {
                            // A stage gone back, or a project lost or abandoned, which a command
                            // takes only with its reason (regulation 7.1): said, with the reason
                            // recorded for it (it changed without a word: helper-123).
                            updateWarnings.append(ImportProblem(
                                table: tables[r.mapped].table.name, line: r.line, column: header(r, "stage"), value: stage,
                                reason: wanted.isClosed ? "the project \(name) is to be closed as \(wanted.en) from \(current.en), with the reason: \(why); check that this is meant"
                                    : "the project \(name) \(wanted.order < current.order ? "goes back" : "skips") from \(current.en) to \(wanted.en), with the reason: \(why); check that this is meant",
                                reasonZH: wanted.isClosed ? "项目“\(name)”将从“\(current.zh)”直接标记为“\(wanted.zh)”，原因记为：\(why)。请核实"
                                    : "项目“\(name)”的阶段将从“\(current.zh)”\(wanted.order < current.order ? "退回" : "跳到")“\(wanted.zh)”，原因记为：\(why)。请核实"))
                        }
                    }
                }
            }
        } else {
            if refuseRemovedPeople(i, r, column: "decisionMakers", kept: []) { return }
            // (At its first stage, with no history, since when the file says: an export's
            // 进入阶段; it entered it at the import.)
            let staysAtFirst = r.refs["stageHistory"] == nil && stage.map { SalesStage.read($0.trimmedWhitespace) == .infoDevelopment } != false
            let n = add(.addProject(customer: customer, name: name, fields: fields, since: staysAtFirst ? r.instants["stageSince"] : nil), row: i)
            ref = "@\(n)"
            fileChildren[ref] = (customer, name, tables[r.mapped].table.name, r.line)
            fileFields[ref] = FileRecord(r.line, fields, table: tables[r.mapped].table.name)
            fileStages[ref] = .infoDevelopment
            let madeByImport = "根据导入文件“\(source.fileName)”设定（新建项目）"
            // Its moves between stages as the file's 阶段变更记录 gives them (an export's): made
            // again, each at its time with its reason, then a last one to the stage the row gives
            // if that is another (a handed-over project lost its way through the stages).
            let replayed = r.refs["stageHistory"].map { replayStageHistory($0, of: ref, named: name, row: i, r, stage: stage, madeByImport: madeByImport) } ?? false
            let moved = replayed || stage.map { SalesStage.read($0.trimmedWhitespace) != .infoDevelopment } == true
            if !replayed, let stage, SalesStage.read(stage.trimmedWhitespace) != .infoDevelopment {
                // (When the file says it entered the stage, then: an export's 进入阶段; they all
                // entered theirs at the import: helper-201 2.)
                _ = add(.setStage(ref, stage: stage, reason: madeByImport, at: r.instants["stageSince"]), row: i)
                if let wanted = SalesStage.read(stage.trimmedWhitespace) { fileStages[ref] = wanted }
            }
            if moved || staysAtFirst {
                // (Also beside a history: it went without a word: helper-209 4; and at the first
                // stage, since its 进入阶段 is read there too: helper-218 5.)
                if let bad = r.refs["stageSince"] {
                    updateWarnings.append(ImportProblem(
                        table: tables[r.mapped].table.name, line: r.line, column: tables[r.mapped].column(ofTarget: .stageSince)?.header, value: bad,
                        reason: "\(bad) is no time, or a time to come, so the project \(name) enters its stage at the import",
                        reasonZH: "“\(bad)”不是有效时间，或晚于当前时间，项目“\(name)”进入当前阶段的时间已按导入时间记录"))
                }
            }
            b.status[i] = .new
        }
        let key = "\(customer)|\(Importer.personKey(name))"
        if projects[key] == nil { projects[key] = (ref, r.line) } else if projects[key]?.ref != ref { sharedNames.insert("P|\(key)") }
        registerSourceID(r, ref)
    }

    /// The archive's customer a row's phone finds: the row's first number as a record's first.
    /// A number given after the first, on either side, is no sign of one customer (a group's
    /// switchboard that its companies write second, or first for the group itself): with
    /// --on-duplicate update one company was taken for another and overwritten, and rows chained
    /// several companies into one record (helper-158, helper-160, helper-161). Such a number is
    /// said in a note instead (`noteSharedSecondNumber`).
    func archiveCustomer(byPhone k: RowKeys) -> String? {
        k.phone.flatMap { index.customerByPhone[$0] }
    }

    /// Of archive customers that share a credit code or a first number, the one the row names:
    /// its exact name, or its company key when no other customer's name has that key.
    func namedAmong(_ refs: [String], name: String, key: TextKey) -> String? {
        if let exact = index.customerByName[TextKey(name.trimmedWhitespace)], refs.contains(exact) { return exact }
        if index.sharedKeys[key] == nil, let k = index.customerByKey[key], refs.contains(k) { return k }
        // (Or its short name or alias, as a shared phone's was: helper-164.)
        if let o = index.customerByOtherName[key], !o.isEmpty, refs.contains(o) { return o }
        return nil
    }

    /// The archive customer the row's name names, when it is one outside `refs` (its exact
    /// name, company key, short name or alias).
    func namedOutside(_ refs: [String], name: String, key: TextKey) -> String? {
        let named = index.customerByName[TextKey(name.trimmedWhitespace)] ?? (index.sharedKeys[key] == nil ? index.customerByKey[key] : nil)
            ?? index.customerByOtherName[key].flatMap { $0.isEmpty ? nil : $0 }
        return named.flatMap { refs.contains($0) ? nil : $0 }
    }

    /// An archive customer as messages name it (`C1 甲公司`), or the ref when there is none.
    func customerLabel(_ ref: String) -> String {
        archiveID(ref).flatMap { archive.state.entity(.customer, $0) }.map { "\($0.shortID) \($0.displayName)" } ?? ref
    }

    /// Archive customers as a list in a message: `C1 上海总公司、C2 浦东分公司` (the first five, then 等 N 家).
    func listed(_ refs: [String], zh: Bool) -> String {
        let labels = refs.prefix(5).map(customerLabel)
        let more = refs.count > 5 ? (zh ? "等 \(refs.count) 家" : " and \(refs.count - 5) more") : ""
        return labels.joined(separator: zh ? "、" : ", ") + more
    }

    /// `archiveCustomer(byPhone:)` among the file's earlier rows.
    func fileCustomer(byPhone k: RowKeys, _ r: Row) -> (ref: String, line: Int)? {
        guard let first = k.phone, let f = customers.byPhone[first], !distinctRecords(r, f.ref) else { return nil }
        return f
    }

    /// The customers, of the archive (no line) and of the file so far, that give `number` after
    /// their first number, each once.
    func secondPlaceHolders(_ number: String) -> [(ref: String, line: Int?)] {
        var out: [(ref: String, line: Int?)] = (index.customersBySecondPhone[number] ?? []).map { ($0, nil) }
        for f in customers.bySecondPhone[number] ?? [] where !out.contains(where: { $0.ref == f.ref }) { out.append((f.ref, f.line)) }
        return out
    }

    /// The customers, of the archive (no line) and of the file so far, that give `number` first.
    func firstPlaceHolders(_ number: String) -> [(ref: String, line: Int?)] {
        var out: [(ref: String, line: Int?)] = (index.sharedFirstPhones[number] ?? index.customerByPhone[number].map { [$0] } ?? []).map { ($0, nil) }
        if let f = customers.byPhone[number], !out.contains(where: { $0.ref == f.ref }) { out.append((f.ref, f.line)) }
        return out
    }

    /// A row taken for a record under --on-duplicate update whose phone gives a number another
    /// customer gives (first or after): said, naming them, since the two will then share it (C2's
    /// first number was written into C1 without a word: helper-163). Numbers the record has
    /// already are not said again.
    func noteNumbersOfOthers(_ i: Int, _ r: Row, _ k: RowKeys, record ref: String) {
        guard options.onDuplicate == .update, r.field("phone") != nil else { return }
        let own = Set(archiveID(ref).flatMap { archive.state.entity(.customer, $0) }.map { Identity.allPhoneKeys($0["phone"]?.text) } ?? [])
        for p in k.phones where !own.contains(p) {
            var holders: [(ref: String, line: Int?)] = []
            for h in firstPlaceHolders(p) + secondPlaceHolders(p) where h.ref != ref && !holders.contains(where: { $0.ref == h.ref }) { holders.append(h) }
            guard !holders.isEmpty else { continue }
            let (listEN, listZH) = holderList(holders, from: r)
            let name = r.field("name") ?? ""
            let number = Identity.shownPhone(p)
            // (A record of the file by the name it keeps, not the row's: helper-164.)
            let kept = fileFields[ref]?.fields.first { $0.0 == "name" }?.1 ?? name
            let record = archiveID(ref) == nil ? (en: kept, zh: "“\(kept)”") : (en: customerLabel(ref), zh: " " + customerLabel(ref))
            let all = holders.count + 1
            updateWarnings.append(ImportProblem(
                table: tables[r.mapped].table.name, line: r.line, column: header(r, "phone"), value: r.field("phone"),
                reason: "\(name) gives \(number), which \(listEN) also give\(holders.count == 1 ? "s" : ""): this row writes it into \(record.en), and \(all == 2 ? "both" : "all \(all)") will have it; check that it is not a mistake",
                reasonZH: "“\(name)”的电话 \(number) 也出现在\(listZH)的电话栏里。导入时该号码将写入\(record.zh)，导入后\(all == 2 ? "两" : "这 \(all) ")家客户的电话栏里都会有这个号码。请核对电话是否填错"))
            return
        }
    }

    /// Holders of a number as a list in a message: the archive's named once (`档案中的 C1 甲公司、C2
    /// 乙公司`), the file's by their rows, the first five, then how many (it repeated 档案中的 before
    /// each, and stopped at five without a word: helper-163).
    func holderList(_ holders: [(ref: String, line: Int?)], from r: Row) -> (en: String, zh: String) {
        let shownHolders = holders.prefix(5)
        let archived = shownHolders.filter { $0.line == nil }.map { customerLabel($0.ref) }
        // The file's rows by their sheet, said once each (本文件第 2、3 行: 本文件 was said for each).
        var sheets: [(table: String, lines: [Int])] = []
        for h in shownHolders {
            guard let line = h.line else { continue }
            let table = fileFields[h.ref].map { $0.first.line == line ? $0.first.table : $0.table } ?? tables[r.mapped].table.name
            if let k = sheets.firstIndex(where: { $0.table == table }) { sheets[k].lines.append(line) } else { sheets.append((table, [line])) }
        }
        let inFile = sheets.map { source.format.place($0.table, lines: $0.lines.sorted(), from: tables[r.mapped].table.name) }
        var en: [String] = [], zh: [String] = []
        if !archived.isEmpty {
            en.append("the archive's " + archived.joined(separator: ", "))
            zh.append("档案中的 " + archived.joined(separator: "、"))
        }
        en += inFile.map(\.en)
        zh += inFile.map(\.zh)
        let more = holders.count > 5 ? (en: " and \(holders.count - 5) more", zh: "等 \(holders.count) 家客户") : (en: "", zh: "")
        return (en.joined(separator: ", ") + more.en, zh.joined(separator: "、") + more.zh)
    }

    /// A row taken for no customer whose phone shares a number with others where it is not the
    /// first of both: said, so that a real duplicate can still be told (the row is imported as
    /// a new customer).
    func noteSharedSecondNumber(_ i: Int, _ r: Row, _ k: RowKeys) {
        let name = r.field("name") ?? ""
        for (position, p) in k.phones.enumerated() {
            // Its first number given second by others; any other number given anywhere by others.
            var holders = secondPlaceHolders(p)
            if position > 0 { for h in firstPlaceHolders(p) where !holders.contains(where: { $0.ref == h.ref }) { holders.append(h) } }
            guard !holders.isEmpty else { continue }
            let number = Identity.shownPhone(p)
            let (listEN, listZH) = holderList(holders, from: r)
            updateWarnings.append(ImportProblem(
                table: tables[r.mapped].table.name, line: r.line, column: header(r, "phone"), value: r.field("phone"),
                reason: "\(name) gives \(number), which \(listEN) also give\(holders.count == 1 ? "s" : ""), but not as the first number of both (a switchboard or a group's number?): that alone does not make them one customer, so this row is imported as a new customer. If it is the same customer, write this row's name exactly as that one's and import it again",
                reasonZH: "“\(name)”的电话 \(number) 也出现在\(listZH)的电话栏里（并非\(holders.count == 1 ? "双方" : "各家")电话栏里的第一个号码，可能是总机或集团电话）。仅凭这个号码无法认定为同一客户，本行将作为新客户导入。如确是同一客户，请把本行的客户名称改成与对方完全相同，再重新导入"))
            return
        }
    }

    /// Makes the moves of a project's 阶段变更记录 again (`history`, an export's), each at its time
    /// with its reason, then one more to the stage the row gives (`stage`) if that is another: a
    /// handed-over project lost its way through the stages. False, and said, when the history
    /// cannot be made again (the project then moves in one step). A workbook's mark of a history
    /// it cut or left out (`StageHistoryText.Mark`) is said too (helper-212 3).
    func replayStageHistory(_ history: String, of ref: String, named name: String, row i: Int, _ r: Row, stage: String?, madeByImport: String) -> Bool {
        var replayed = false
        let column = tables[r.mapped].column(ofTarget: .stageHistory)?.header
        let (mark, history) = StageHistoryText.mark(of: history)
        if let mark {
            // (Where the whole history is: the exporter when it is another's, one's own archive
            // otherwise: 向导出人索取 was said of one's own file: helper-215 4.)
            let whereEN = handover == nil ? "export it again from the archive it comes from with salesvault export --format json, and import that" : "ask whoever exported it for an export with --format json"
            let whereZH = handover == nil ? "请在原档案中运行 salesvault export --format json 导出后再导入" : "请向导出人索取 JSON 格式的导出文件（--format json）"
            let (en, zh) = mark == .cut
                ? ("the stage history of the project \(name) was cut in the workbook it comes from (reasons longer than 300 characters): the reasons imported are not whole. For all of them, \(whereEN)",
                   "项目“\(name)”的阶段变更记录在来源工作簿中已截断（超过 300 字的原因只保留前 300 字），导入后的原因不完整。如需完整记录，\(whereZH)")
                : ("the stage history of the project \(name) was too long for the workbook it comes from and is not in it: the project goes to the file's stage in one move. For its history, \(whereEN)",
                   "项目“\(name)”的阶段变更记录过长，来源工作簿中未写入，该项目将直接进入文件中填写的当前阶段。如需完整记录，\(whereZH)")
            let read = StageHistoryText.moves(history) { _ in 0 }
            // (Cut said only when a reason was: a mark typed after whole reasons said they were
            // not whole: helper-216 6.)
            let cutReasons = (try? read.get())?.contains { $0.reason?.hasSuffix("…") == true } ?? true
            if mark == .leftOut || cutReasons {
                updateWarnings.append(ImportProblem(table: tables[r.mapped].table.name, line: r.line, column: column, value: nil, reason: en, reasonZH: zh))
            }
            if mark == .leftOut { return false }
        }
        let read = StageHistoryText.moves(history) { text in
            try? CellReading.instant(.text(text), now: options.now, dayOrder: nil, startOfDay: options.startOfDay)
        }
        let unmade: StageHistoryText.Unreadable?
        switch read {
        case .success(let moves):
            unmade = StageHistoryText.problem(moves, now: options.now)
            if unmade == nil, let last = moves.last {
                for m in moves {
                    // (A reason as the archive had it, OK or aaa too: only a move that
                    // needs one and has none that says anything gets the import's, the
                    // file's beside it; OK was dropped everywhere: helper-212 1.)
                    var reason = m.reason
                    // (An undo's 撤销批次 B3 names a batch of the archive the file comes from: said
                    // so, as this archive's B3 is another or none: session 53's note.)
                    if importer.recordIDs != .thisArchive, let given = reason, given.range(of: #"^撤销批次 B[0-9]+$"#, options: .regularExpression) != nil {
                        reason = "撤销原档案中的批次 " + given.dropFirst(5)
                    }
                    if m.from.moveNeedsReason(to: m.to), (reason ?? "").isPlaceholderReason {
                        reason = madeByImport + (reason.map { $0.trimmedWhitespace.isEmpty ? "" : "；文件中的原因为“\($0.trimmedWhitespace)”" } ?? "")
                    }
                    _ = add(.setStage(ref, stage: m.to.rawValue, reason: reason, at: m.at), row: i)
                }
                fileStages[ref] = last.to
                replayed = true
                if let stage, let wanted = SalesStage.read(stage.trimmedWhitespace), wanted != last.to {
                    let since = r.instants["stageSince"].flatMap { $0 >= last.at ? $0 : nil }
                    _ = add(.setStage(ref, stage: wanted.rawValue, reason: madeByImport, at: since), row: i)
                    fileStages[ref] = wanted
                    // (Said: a history ending elsewhere than the row's stage got a move of its own
                    // without a word: helper-214 8.)
                    updateWarnings.append(ImportProblem(
                        table: tables[r.mapped].table.name, line: r.line, column: tables[r.mapped].column(ofTarget: .field("stage"))?.header ?? column, value: stage,
                        reason: "the stage history of the project \(name) ends at \(last.to.en), and the file gives its stage as \(wanted.en): the import records one more move, \(last.to.en) → \(wanted.en), after the history (its reason: \(madeByImport)); if the stage is wrong, correct the file and import it again",
                        reasonZH: "项目“\(name)”：“阶段变更记录”中最后一次变更为“\(last.to.zh)”，但当前阶段填的是“\(wanted.zh)”。导入时将在记录末尾补记一次变更（\(last.to.zh) → \(wanted.zh)），原因记为“\(madeByImport)”。如当前阶段填错了，请改正文件后重新导入"))
                    // (Before the history's last move: the import's time, said: helper-209 4.)
                    if let given = r.instants["stageSince"], given < last.at {
                        updateWarnings.append(ImportProblem(
                            table: tables[r.mapped].table.name, line: r.line, column: tables[r.mapped].column(ofTarget: .stageSince)?.header,
                            value: Exporter.csvText(.instant(given)),
                            reason: "the project \(name) entered its stage, the file says, before the last move of its stage history (\(Exporter.csvText(.instant(last.at)))), so it enters it at the import",
                            reasonZH: "项目“\(name)”在文件中填写的进入当前阶段时间，早于其阶段变更记录中最后一次变更的时间（\(Exporter.csvText(.instant(last.at)))），两者矛盾，故改以本次导入时间作为进入当前阶段的时间"))
                    }
                }
            }
        case .failure(let why):
            unmade = why
        }
        if let unmade {
            updateWarnings.append(ImportProblem(
                table: tables[r.mapped].table.name, line: r.line, column: column, value: nil,
                reason: "the stage history of the project \(name) cannot be made again, so the project goes to the file's stage in one move: \(unmade.reason)",
                reasonZH: "项目“\(name)”的阶段变更记录无法补记，该项目将直接进入文件中填写的当前阶段。原因：\(unmade.reasonZH)"))
        }
        return replayed
    }
}
