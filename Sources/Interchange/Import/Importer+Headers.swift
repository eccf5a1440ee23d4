import Foundation
import SalesArchive

/// How a table's header row and kind are found (INTERCHANGE.md §2).
extension Importer {
    /// The header of `table`: among the first ten non-empty rows (up to 21 while none maps), the
    /// one whose cells map best to a kind (`named`, or any), with its kind (a title row above the
    /// header is common); nil when no row has the columns a kind needs.
    /// With `missingOne`, a table without one of a kind's required columns may still be read
    /// as that kind (below): where the kind is found, and for `--kind` in a workbook, not where
    /// the kinds a sheet's headers fully have are compared.
    func header(of table: Table, named: ImportKind?, mapping: ColumnMapping, missingOne: Bool = false) -> (row: Int, kind: ImportKind, score: Int)? {
        var best: (row: Int, kind: ImportKind, score: Int)?
        var partial: (row: Int, kind: ImportKind, score: Int)?
        for (i, row) in table.rows.enumerated().prefix(while: { $0.offset < 10 || best == nil }) where row.hasContent {
            let kinds = named.map { [$0] } ?? ImportKind.order
            let texts = row.cells.map { cell -> Columns.HeaderText? in if case .text(let t) = cell { Columns.HeaderText(t) } else { nil } }
            for kind in kinds {
                let score = headerScore(texts, kind: kind, mapping: mapping)
                if score > (best?.score ?? 0) { best = (i, kind, score) }
                // A tie on the same row: the kind more of whose columns no other kind reads (a
                // project list of 客户名称, 联系人, 电话, 项目名称, 销售阶段 was read as contacts,
                // the first kind in order: 项目名称 and 销售阶段 are the projects' alone, 联系人
                // and 电话 a customer list's too: helper-120).
                else if named == nil, let b = best, b.row == i, score == b.score, score > 0,
                        exclusiveColumns(texts, kind, mapping) > exclusiveColumns(texts, b.kind, mapping) { best = (i, kind, score) }
                if missingOne {
                    let some = headerScore(texts, kind: kind, mapping: mapping, requiringAll: false)
                    if some > (partial?.score ?? 0) { partial = (i, kind, some) }
                }
            }
            if i > 20 { break }
        }
        // A table with more of one kind's columns than another kind has, but without one column
        // the first kind needs: read as that kind, so that the missing column is named (a
        // complaint list without 被投诉人/部门 was read as customers by its 客户 and 状态, and
        // every row refused as a duplicate of its customer).
        // (Only when exactly one needed column is missing, and either at least two others it
        // needs are columns the kind found does not read (受理时间 and 投诉内容 beside a
        // contact's 联系人 and 电话), or at least two of its columns are and at most one of
        // the kind found's is not its own (跟进时间 and 跟进方式 without 跟进内容; 项目阶段 and
        // 项目预算 without 项目名称): a customer list with 客户等级, 行业 and 地区 beside a deal's
        // 阶段, 预算 and 金额 stays a customer list, a callback list with 满意度 and 回访时间
        // too (three complaint columns missing), and a mapping's 公司 = name beside 项目进展 =
        // progress: helper-119, helper-120, helper-122.)
        // (A kind named, by --kind or the sheet's name, that no row fully has: the same, when one
        // needed column is missing: `--kind complaints` said the workbook had no complaint sheet.)
        if let p = partial, p.kind != best?.kind, p.score > (best?.score ?? 0), best != nil || named != nil {
            let texts = table.rows[p.row].cells.map { cell -> Columns.HeaderText? in if case .text(let t) = cell { Columns.HeaderText(t) } else { nil } }
            func read(_ kind: ImportKind) -> [Int: ColumnTarget] {
                var out: [Int: ColumnTarget] = [:]
                for (c, text) in texts.enumerated() {
                    guard let text, let target = Columns.target(text, kind: kind, mapping: mapping) else { continue }
                    switch target {
                    case .field, .inlineContact: out[c] = target
                    default: break
                    }
                }
                return out
            }
            let other = best.map { read($0.kind) } ?? [:], all = read(p.kind)
            let needed = Self.requiredColumns[p.kind]!
            let present = Set(all.values.compactMap { if case .field(let key) = $0 { key } else { nil } })
            let own = Set(all.filter { other[$0.key] == nil }.values.compactMap { if case .field(let key) = $0 { key } else { nil } })
            let ownColumns = all.filter { other[$0.key] == nil }.count, otherOwn = other.filter { all[$0.key] == nil }.count
            if needed.filter({ !present.contains($0) }).count == 1, needed.contains(where: present.contains),
               best == nil || needed.filter(own.contains).count >= 2 || (ownColumns >= 2 && otherOwn <= 1) { return p }
        }
        return best
    }

    /// A header of two rows, as a sheet groups columns (联系方式 over 电话 and 邮箱, 联系人 over
    /// 姓名, 手机 and 职务; 客户名称 beside them, merged down over both rows or not): the row at
    /// `upperIndex` and the next row with content (at most one empty line between) read as one
    /// header row, with the lower row's index; nil when the lower row is not such a second row.
    ///
    /// Each upper cell with text spans itself and the empty upper cells right of it; one that
    /// spans several columns is a group. Under a group, each lower cell names its column (a
    /// name word, 姓名, takes the group's own field: 联系人 over 姓名 is the contact person's
    /// name); under a single upper cell, a lower cell must name the same field (the header merged
    /// down) or be empty; under no upper cell it names its column. It is a second row when the
    /// upper row names a field, the lower row has only text, some of it under a group or no
    /// upper cell naming a field, and fewer of its cells name nothing than name a field, at least
    /// two (those are then columns not imported, listed as such). (Read as data, the second row was refused
    /// for its empty customer name, and the columns under the group were not imported.)
    func twoRowHeader(_ table: Table, _ upperIndex: Int, kind: ImportKind, mapping: ColumnMapping) -> (header: TableRow, lowerIndex: Int)? {
        let upper = table.rows[upperIndex]
        guard upper.hasContent,
              let lowerIndex = table.rows.indices.dropFirst(upperIndex + 1).prefix(2).first(where: { table.rows[$0].hasContent })
        else { return nil }
        let lower = table.rows[lowerIndex]
        guard lower.line - upper.line <= 2 else { return nil }
        func target(_ cell: CellValue) -> ColumnTarget? {
            guard case .text(let t) = cell else { return nil }
            return Columns.target(Columns.HeaderText(t), kind: kind, mapping: mapping)
        }
        func up(_ c: Int) -> CellValue { c < upper.cells.count ? upper.cells[c] : .empty }
        // A group's field: its own, or for a group of the contact person (联系人信息, 联系人资料,
        // Contact info) the person's name (its 姓名 was lost, and the person with it).
        func groupTarget(_ o: Int) -> ColumnTarget? {
            if let own = target(up(o)) { return own }
            guard case .text(let t) = up(o) else { return nil }
            let n = Columns.normalise(t.trimmedWhitespace)
            return n.hasPrefix("联系人") || n.hasPrefix("contact") ? target(.text("联系人")) : nil
        }
        // (Not a title row: a cell names a field, or a group of the person or of the company.)
        guard upper.cells.indices.contains(where: { c in
            upper.cells[c].hasContent && (target(upper.cells[c]) != nil || groupTarget(c) != nil || Self.isCompanyGroup(upper.cells[c]))
        }) else { return nil }
        let width = max(upper.cells.count, lower.cells.count)
        // Where each upper cell's span ends (exclusive).
        var owner = [Int?](repeating: nil, count: width)
        var spanEnd: [Int: Int] = [:]
        var current: Int?
        for c in 0..<width {
            if up(c).hasContent {
                if let o = current { spanEnd[o] = c }
                current = c
            }
            owner[c] = current
        }
        if let o = current { spanEnd[o] = width }
        var cells = upper.cells + Array(repeating: CellValue.empty, count: width - upper.cells.count)
        var named = 0, unnamed = 0, adds = false
        for (c, cell) in lower.cells.enumerated() where cell.hasContent {
            guard case .text(let text) = cell else { return nil }
            let below = target(cell)
            guard let o = owner[c] else {
                if below != nil { named += 1; adds = true } else { unnamed += 1 }
                cells[c] = cell
                continue
            }
            // (An upper cell that names no field is a group even over one column: 公司信息 over 电话.)
            let group = spanEnd[o]! - o > 1 || target(up(o)) == nil
            if !group {
                guard let below, below == target(up(o)) else { return nil }  // the header merged down
                named += 1
                continue
            }
            adds = true
            if kind == .contacts, Self.isCompanyGroup(up(o)), Self.nameWords.contains(Columns.normalise(text.trimmedWhitespace)) {
                named += 1
                cells[c] = .text("客户名称")  // 公司信息 over 名称: the contact's customer
            } else if kind == .contacts, Self.isCompanyGroup(up(o)), below != .field("customer"),
                      below != nil || Columns.target(Columns.HeaderText(text), kind: .customers, mapping: mapping) != nil {
                // In a contact list, 公司信息 over 电话 and 地址 is the company's, not the person's
                // (its phone became the contact's): listed as not imported.
                named += 1
                cells[c] = .text(Self.plain(up(o)).trimmedWhitespace + "·" + text.trimmedWhitespace)
            } else if let below {
                named += 1
                cells[c] = cell
                // 联系人 over 电话 and 邮箱 in a customer list: the person's, not the company's
                // (联系人 over 姓名/电话 beside 公司 over 电话 were refused as the same column twice).
                if groupTarget(o) == .inlineContact("name"), let key = Self.contactKey(below),
                   let name = Columns.inlineContact[key]?.first(where: { $0.hasPrefix("联系人") }) {
                    cells[c] = .text(name)
                }
            } else if Self.nameWords.contains(Columns.normalise(text.trimmedWhitespace)), groupTarget(o) != nil {
                named += 1
                // 联系人 over 姓名: the group's field (联系人信息 over 姓名: the person's name too).
                cells[c] = target(up(o)) != nil ? up(o) : .text("联系人")
            } else {
                // (Under the group's own first cell when that names a field, text that names
                // nothing is that field's value: a data row.)
                if c == o && target(up(o)) != nil { return nil }
                unnamed += 1
                cells[c] = cell
            }
        }
        guard adds, named > 0, unnamed == 0 || (named >= 2 && unnamed < named) else { return nil }
        return (TableRow(line: upper.line, cells: cells), lowerIndex)
    }

    /// Whether a group of a two-row header is the company's (公司信息, 单位信息, 客户信息, 企业…).
    static func isCompanyGroup(_ cell: CellValue) -> Bool {
        guard case .text(let t) = cell else { return false }
        let n = Columns.normalise(t.trimmedWhitespace)
        return ["公司", "单位", "客户", "企业", "company", "customer", "organisation", "organization"].contains { n.hasPrefix($0) }
    }

    /// The contact person's field a customer list's column under 联系人 stands for: 电话 (the
    /// customer's phone elsewhere) is the person's phone there.
    static func contactKey(_ target: ColumnTarget) -> String? {
        switch target {
        case .inlineContact(let key) where key != "name": return key
        case .field(let key) where Columns.inlineContact[key] != nil && key != "name": return key
        default: return nil
        }
    }

    /// The words of a name column under a group (联系人 over 姓名), as `Columns.normalise` gives them.
    static let nameWords: Set<String> = Set(["姓名", "名字", "名称", "name", "全名"].map { Columns.normalise($0) })

    /// How the header at `headerIndex` reads as a customer list (nil: it does not): `.plain`
    /// when its columns are the customer's name and a contact person's; `.grouped` when a
    /// header of two rows groups the person's columns under 联系人 (or 联系人信息…) and the
    /// company's fields stand beside them (电话, 地址 merged over both rows).
    enum CustomerListReading { case plain, grouped }

    func customerListReading(_ table: Table, _ headerIndex: Int, mapping: ColumnMapping) -> CustomerListReading? {
        // (The header found may be the lower row, merged header cells filling it.)
        let combined = twoRowHeader(table, headerIndex, kind: .customers, mapping: mapping)?.header
            ?? (headerIndex > 0 ? twoRowHeader(table, headerIndex - 1, kind: .customers, mapping: mapping).flatMap { $0.lowerIndex == headerIndex ? $0.header : nil } : nil)
        var person = false, personField = false, companyField = false
        for cell in (combined ?? table.rows[headerIndex]).cells {
            guard case .text(let t) = cell, !t.trimmedWhitespace.isEmpty else { continue }
            switch Columns.target(Columns.HeaderText(t), kind: .customers, mapping: mapping) {
            case .field("name")?: continue
            case .inlineContact(let key)?: if key == "name" { person = true } else { personField = true }
            case .field?: if combined == nil { return nil } else { companyField = true }
            default: return nil
            }
        }
        guard person else { return nil }
        return combined != nil && personField && companyField ? .grouped : .plain
    }

    /// Whether the first 20 customers the customer column of `table` names (read as contacts)
    /// are none of them in the archive, and none of the first 200 is named twice.
    /// Whether a table read as contacts has a row that names a customer but no person (in its
    /// first 200 rows), no customer being named twice (as a contact list of several people of one
    /// customer does): then it is a customer list, some of whose customers have no contact person.
    func hasCustomerWithoutPerson(_ table: Table, headerRow: Int, mapping: ColumnMapping) -> Bool {
        let header = table.rows[headerRow].cells
        func column(_ target: ColumnTarget) -> Int? {
            header.indices.first { c in
                guard case .text(let t) = header[c] else { return false }
                return Columns.target(Columns.HeaderText(t), kind: .contacts, mapping: mapping) == target
            }
        }
        guard let customer = column(.field("customer")), let person = column(.field("name")) else { return false }
        var seen = Set<String>()
        var without = false
        for row in table.rows[(headerRow + 1)...].prefix(200) where customer < row.cells.count {
            let name = Self.plain(row.cells[customer]).trimmedWhitespace
            guard !name.isEmpty else { continue }
            guard seen.insert(CompanyName.key(name)).inserted else { return false }  // several people of one customer
            if person >= row.cells.count || Self.plain(row.cells[person]).trimmedWhitespace.isEmpty { without = true }
        }
        return without
    }

    func namesNoArchiveCustomer(_ table: Table, headerRow: Int, mapping: ColumnMapping) -> Bool {
        let header = table.rows[headerRow].cells
        guard let column = header.indices.first(where: { c in
            guard case .text(let t) = header[c] else { return false }
            return Columns.target(Columns.HeaderText(t), kind: .contacts, mapping: mapping) == .field("customer")
        }) else { return false }
        var seen = Set<String>()
        for row in table.rows[(headerRow + 1)...].prefix(200) where column < row.cells.count {
            let name = Self.plain(row.cells[column]).trimmedWhitespace
            guard !name.isEmpty else { continue }
            guard seen.insert(CompanyName.key(name)).inserted else { return false }  // several people of one customer
        }
        var sampled = 0
        for row in table.rows[(headerRow + 1)...] where column < row.cells.count {
            let name = Self.plain(row.cells[column]).trimmedWhitespace
            guard !name.isEmpty else { continue }
            do {
                _ = try archive.resolve(.customer, name)
                return false
            } catch let e as ArchiveError where e.code == .notFound {
                sampled += 1
            } catch {
                return false  // (several match: the archive has it)
            }
            if sampled == 20 { break }
        }
        return sampled > 0
    }

    /// How many of a mapping's lines that did nothing are named one by one.
    static let mappingWarningsShown = 20

    /// How many of a header row's cells name a field of `kind` and of no other kind.
    func exclusiveColumns(_ texts: [Columns.HeaderText?], _ kind: ImportKind, _ mapping: ColumnMapping) -> Int {
        texts.filter { text in
            guard let text else { return false }
            func reads(_ k: ImportKind) -> Bool {
                switch Columns.target(text, kind: k, mapping: mapping) {
                case .field?, .inlineContact?: return true
                default: return false
                }
            }
            return reads(kind) && !ImportKind.order.contains { $0 != kind && reads($0) }
        }.count
    }

    /// How many of a row's cells name a field of `kind` (required fields count double); 0 when a
    /// column the kind needs is missing, unless `requiringAll` is false.
    func headerScore(_ texts: [Columns.HeaderText?], kind: ImportKind, mapping: ColumnMapping, requiringAll: Bool = true) -> Int {
        var score = 0
        var targets = Set<String>()
        for text in texts {
            guard let text, let target = Columns.target(text, kind: kind, mapping: mapping) else { continue }
            switch target {
            case .field(let key):
                if targets.insert(key).inserted { score += Self.requiredColumns[kind]!.contains(key) ? 2 : 1 }
            case .inlineContact(let key):
                if targets.insert("contact.\(key)").inserted { score += 1 }  // 客户名称, 联系人, 手机: a customer list
            default: break
            }
        }
        let required = Self.requiredColumns[kind]!
        return !requiringAll || required.allSatisfy(targets.contains) ? score : 0
    }

    static func columnLetter(_ index: Int) -> String {
        var n = index + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// A cell as plain text (headers, rejects files, messages).
    static func plain(_ cell: CellValue) -> String {
        switch cell {
        case .empty: return ""
        case .text(let s): return s
        case .number(let d): return CellReading.number(d)
        case .date(let c): return CellReading.dateText(c)
        case .bool(let b): return b ? "TRUE" : "FALSE"
        }
    }
}
