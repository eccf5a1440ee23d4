import Foundation
import SalesArchive

extension Importer.ChangeSetBuilder {
    func markRenamed(_ id: String) {
        renamesDone.insert(id)
        for w in renamesWaiting.removeValue(forKey: id) ?? [] {
            _ = add(.edit(.customer, w.id, fields: [("name", w.name)]), row: w.row)
            markRenamed(w.id)
        }
    }

    /// What the row of an export of this archive changes in its record `e` beside its other
    /// fields (`update`), as one edit, with `--on-duplicate update`: its name when the file
    /// renamed it, the fields whose cells it emptied (`cleared`); false when nothing.
    /// A rename to a name like another record's (a customer's similar name, a contact of the
    /// same customer of that name) refuses the row, as `customer edit` and `contact edit` ask
    /// for --force before it (the import made it without a word: helper-100).
    func renameAndClear(_ e: Entity, to name: String, _ r: Row, row i: Int) -> Bool {
        let kind = e.kind
        var fields = cleared(r, e)
        let renamed = options.onDuplicate == .update && !name.isEmpty && name.trimmedWhitespace != (e["name"]?.text ?? "").trimmedWhitespace
        var others: [(Entity, String)]
        switch (renamed, kind) {
        case (true, .customer):
            if duplicateFinder == nil { duplicateFinder = Identity.DuplicateFinder(archive.state, indexed: true) }
            others = duplicateFinder!.customers(like: name, creditCode: nil, phone: nil).filter { $0.customer.id != e.id }.map { ($0.customer, $0.reasonZH) }
        case (true, .contact):
            if duplicateFinder == nil { duplicateFinder = Identity.DuplicateFinder(archive.state, indexed: true) }
            others = e["customer"]?.ref.map { c in
                duplicateFinder!.contacts(of: c, like: name, mobile: nil).filter { $0.customer.id != e.id }.map { ($0.customer, "姓名相同") }
            } ?? []
        case (true, .project):
            // (A project renamed to another's of its customer went in without a word, where
            // `project edit` asks: helper-174.)
            others = e["customer"]?.ref.map { c in
                Identity.likelyDuplicateProjects(customer: c, name: name, in: archive.state).filter { $0.customer.id != e.id }.map { ($0.customer, $0.reasonZH) }
            } ?? []
        default:
            others = []
        }
        // A record that another row of the file renames to another name is no clash (two
        // contacts' names swapped in an export were both refused, each for the other's old
        // name: helper-97); one that another row renames to this name is.
        func alike(_ a: String, _ b: String) -> Bool { kind == .customer ? Identity.companyKey(a) == Identity.companyKey(b) : Importer.personKey(a) == Importer.personKey(b) }
        // (Two records alike already, 甲公司 and 甲公司有限公司 added with --force, that swap
        // their names are no new likeness: helper-152.)
        let current = e["name"]?.text ?? ""
        func alreadyAlike(_ o: Entity) -> Bool { alike(current, o["name"]?.text ?? "") }
        let leaving = renamed ? others.filter { o in renamedInFile[o.0.shortID].map { !alike($0.name, name) || alreadyAlike(o.0) } ?? false }.map(\.0) : []
        others.removeAll { o in leaving.contains { $0.id == o.0.id } }
        if renamed, others.isEmpty, let (id, to) = renamedInFile.first(where: { id, to in
            guard id != e.shortID, alike(to.name, name), let o = archiveID(id).flatMap({ archive.state.entity(kind, $0) }), !alreadyAlike(o) else { return false }
            return kind == .customer || o["customer"]?.ref == e["customer"]?.ref
        }), let other = archiveID(id).flatMap({ archive.state.entity(kind, $0) }) {
            let at = place(ofRow: to.row, from: rows[i])
            refuse(i, header(rows[i], "name"), name,
                   "\(at.en) renames \(other.shortID) \(other.displayName) to \(to.name) too: two \(kind.en)s of the same or alike names; check which is meant",
                   "\(at.zh)也把 \(other.shortID) \(other.displayName)改名为“\(to.name)”，与本行改名后的名称相同或相近。请核对哪一行的改名是正确的")
            return false
        }
        if let (other, why) = others.first {
            let command = kind == .customer ? "customer" : kind == .project ? "project" : "contact"
            // A customer's name may not be another's as written (case, width and spaces aside),
            // not even with --force: the advice named a command the archive refuses (helper-170 N10).
            if kind == .customer, ChangeDraft.normalizedName(name) == ChangeDraft.normalizedName(other["name"]?.text ?? "") {
                refuse(i, header(rows[i], "name"), name,
                       "renaming \(e.shortID) \(e.displayName) to \(name) would give it the name of \(other.shortID) \(other.displayName), and two customers may not share a name; if they are different customers, give this row a name that tells them apart (a region or branch, say)",
                       "把 \(e.shortID) \(e.displayName)改名为“\(name)”后，将与档案中的 \(other.shortID) \(other.displayName)重名，而两家客户不能同名。如确实是不同的客户，请在本行改用能区分两家的名称（例如加上地区或分公司名称），再重新导入本文件")
                return false
            }
            refuse(i, header(rows[i], "name"), name,
                   "renaming \(e.shortID) \(e.displayName) to \(name) would make it like \(other.shortID) \(other.displayName); if they are different, rename it with salesvault \(command) edit \(e.shortID) --set \(ShellWord.quote("name=" + name)) --force",
                   "把 \(e.shortID) \(e.displayName)改名为“\(name)”后，将与档案中的 \(other.shortID) \(other.displayName)\(why)。如确实是不同的\(kind.zh)，请先用 salesvault \(command) edit \(e.shortID) --set \(ShellWord.quote("name=" + name)) --force 改名，再重新导入本文件")
            return false
        }
        // A customer's name is one customer's at every step of the set: while a customer it
        // takes the name of is not renamed yet, this one takes a name of its own for the
        // while, and the name once that one is renamed (each customer's edits of the set are
        // then one event, RECORDS.md §8: the interim name is never recorded).
        if renamed, kind == .customer, let waiting = leaving.first(where: { !renamesDone.contains($0.shortID) && !renamesInterim.contains($0.shortID) }) {
            fields.append(("name", "\(e.displayName)（\(e.shortID) 改名中）"))
            renamesInterim.insert(e.shortID)
            _ = add(.edit(kind, e.shortID, fields: fields), row: i)
            renamesWaiting[waiting.shortID, default: []].append((e.shortID, name, i))
            return true
        }
        if renamed { fields.append(("name", name)) }
        guard !fields.isEmpty else { return false }
        _ = add(.edit(kind, e.shortID, fields: fields), row: i)
        if renamed { markRenamed(e.shortID) }
        return true
    }

    /// The fields of record `e` whose cells the row of an export of this archive leaves empty
    /// (cleared in the sheet), as `key = ""` (a clear); not the name, the grade, the stage,
    /// references or what `except` names. An empty cell of any other file changes nothing
    /// (§4); in an export of this archive it was the field's value (helper-101: a cleared
    /// 行业 or 职务 was said 无变化).
    func cleared(_ r: Row, _ e: Entity, except: Set<String> = []) -> [(String, String)] {
        guard options.onDuplicate == .update else { return [] }
        let given = Set(r.fields.map(\.0))
        return tables[r.mapped].columns.compactMap { column -> (String, String)? in
            guard case .field(let key) = column.target, !given.contains(key), !except.contains(key),
                  !["name", "grade", "stage", "customer", "summary", "type", "at"].contains(key),
                  let spec = Schema.field(e.kind, key: key), r.refs[key] == nil, r.instants[key] == nil, e[number: spec.number] != nil else { return nil }
            switch spec.type {
            case .reference, .references, .instant: return nil
            default: return (key, "")
            }
        }
    }
}
