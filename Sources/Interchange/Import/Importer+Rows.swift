import Foundation
import SalesArchive

extension Importer {
    /// One data row, read cell by cell.
    struct Row {
        /// Index of its table among the mapped tables, and of the row among the table's rows.
        let mapped: Int
        let table: Int
        let rowIndex: Int
        let line: Int
        let kind: ImportKind
        /// Typed fields as input text (not references, not instants), in column order.
        var fields: [(String, String)] = []
        /// The value of each of `fields` as read (`ChangeDraft.value`), kept for a customer list
        /// that may be planned in bulk (`ImportOptions.keepsValues`); empty otherwise.
        var values: [FieldValue?] = []
        /// Reference fields as written (customer, contacts, project, complainant, decision makers),
        /// and a complaint's status as written (`ColumnTarget.complaintStatus`).
        var refs = SmallMap<String>()
        var instants = SmallMap<Int64>()
        var sourceID: String?
        var gradeReason: String?
        var contact: [(String, String)] = []
        var problems: [ImportProblem] = []

        func field(_ key: String) -> String? { fields.first { $0.0 == key }?.1 }

        /// The row without its values: where it is, its kind and its problems (what the preview
        /// reports once the rows are planned).
        var located: Row {
            var r = Row(mapped: mapped, table: table, rowIndex: rowIndex, line: line, kind: kind)
            r.problems = problems
            return r
        }
    }

    /// Pass 1: every cell read by its column's field type; a cell that cannot be read is a
    /// problem naming the line, the column and the value. A row's reading depends only on its
    /// own cells, so a large table is read in chunks on both cores; the chunks' rows, date
    /// samples and counts are joined in file order, as one pass over the rows gives them.
    /// Refuses the rows (of `rows[start...]`, of table `mapped`) with a mapped cell whose
    /// formula depends on the day (=TODAY()+3): its value is of the day the file was last saved
    /// (INTERCHANGE.md §3).
    static func refuseVolatile(_ mapped: MappedTable, in rows: inout [Row], from start: Int) {
        let columns = Dictionary(mapped.columns.map { ($0.index, $0.header) }, uniquingKeysWith: { a, _ in a })
        // (A date column asks for a date; another column for the value itself: 客户名称 was told
        // to write a date: helper-116.)
        let dated = Set(mapped.columns.compactMap { column -> Int? in
            guard case .field(let key) = column.target, let spec = Schema.field(mapped.kind.entity, key: key) else { return nil }
            switch spec.type {
            case .date, .instant: return column.index
            default: return nil
            }
        })
        for k in start..<rows.count {
            for index in columns.keys.sorted() {
                guard let formula = mapped.table.volatileFormulas[CellPosition(line: rows[k].line, column: index)] else { continue }
                let cell = CellReference.name(column: index + 1, row: rows[k].line)
                let date = dated.contains(index)
                rows[k].problems.append(ImportProblem(
                    table: mapped.table.name, line: rows[k].line, column: columns[index], value: "=\(formula)",
                    reason: "cell \(cell) is a formula of the day the file is opened (=\(formula)): the file holds its value of the day it was last saved, not a fixed \(date ? "date" : "value"). Replace it with the \(date ? "date" : "value") itself (in Excel or WPS: copy, then Paste Special → Values) and import again",
                    reasonZH: "单元格 \(cell) 是会随当天日期自动变化的公式（=\(FormulaDays.chinese(formula))），文件里保存的只是上次保存当天算出的结果，并不是固定\(date ? "日期" : "内容")。请改成具体\(date ? "日期" : "内容")（可在 Excel 或 WPS 中复制该单元格，再“选择性粘贴→数值”），然后重新导入"))
            }
        }
    }

    func readRows(_ tables: [MappedTable], into preview: inout ImportPreview, chunk: Int = 16_384) -> [Row] {
        var rows: [Row] = []
        var notices: [String: (ImportProblem, Int, [Int])] = [:]
        let options = self.options
        for (t, mapped) in tables.enumerated() {
            let name = mapped.table.name
            let tableIndex = preview.source.tables.firstIndex { $0.name == name } ?? t
            // Each field column's spec, looked up once per table (mapped columns name fields of their kind).
            let specs: [FieldSpec?] = mapped.columns.map { column in
                if case .field(let key) = column.target { return Schema.field(mapped.kind.entity, key: key) }
                return nil
            }
            let (read, parts) = Parallel.emitting(mapped.dataRows.count, chunk: chunk) { range, emit in
                Importer.readRowChunk(mapped, t: t, tableIndex: tableIndex, specs: specs, options: options, range, emit)
            }
            if rows.isEmpty { rows = read } else { rows += read }
            if !mapped.table.volatileFormulas.isEmpty { Self.refuseVolatile(mapped, in: &rows, from: rows.count - read.count) }
            // (Warnings about many rows name them in the text, the table alone before it.)
            func skipped(_ lines: [Int], _ en: (_ s: String) -> String, _ zh: String) {
                guard !lines.isEmpty else { return }
                preview.warnings.append(ImportProblem(table: name, line: 0, reason: "\(Self.lineList(lines, zh: false)) " + en(lines.count > 1 ? "" : "s"),
                                                      reasonZH: Self.lineList(lines, zh: true) + zh + (lines.count > 1 ? "（共 \(lines.count) 行）" : "")))
            }
            let totals = parts.flatMap(\.totals)
            if let first = totals.first {
                let more = totals.count > 1
                skipped(totals.map(\.line), { "look\($0) like totals (\"\(first.word)\"\(more ? "…" : "")), not records; skipped (\(totals.count) in all)" },
                        "看起来是合计/小计行（“\(first.word)”\(more ? "等" : "")），已跳过")
            }
            skipped(parts.flatMap(\.noteRows),
                    { "look\($0) like the sheet's notes (a footer such as 制表人：, a heading such as 一、华东区, or 必填/选填 or units such as （万元） under the headers), not records; skipped" },
                    "看起来是说明性内容（如“制表人：”等表尾说明、“一、华东区”等分组标题，或表头下注明“必填/选填”“（万元）”的行），不是数据，已跳过")
            skipped(parts.flatMap(\.repeatedHeaders), { "repeat\($0) the header (sheets pasted together?); skipped" },
                    "与表头重复（可能是复制时带上的表头），已跳过")
            // The table's data rows as the preview counts them: the rows it accounts for (new,
            // updated, duplicate, refused), without those skipped (a units row was counted).
            let left = totals.count + parts.reduce(0) { $0 + $1.noteRows.count + $1.repeatedHeaders.count }
            if left > 0, let k = preview.tables.firstIndex(where: { $0.name == name && $0.kind == mapped.kind }) {
                preview.tables[k].rows = max(0, preview.tables[k].rows - left)
            }
            if !mapped.table.hiddenRows.isEmpty {
                let hiddenLines = Set(mapped.table.hiddenRows)
                let lines = read.map(\.line).filter { hiddenLines.contains($0) }
                if !lines.isEmpty {
                    preview.warnings.append(ImportProblem(
                        table: name, line: 0,
                        reason: "\(Self.lineList(lines, zh: false)) \(lines.count > 1 ? "are" : "is") hidden in the sheet (by a filter, or by hand; \(lines.count) in all) "
                            + "and \(lines.count > 1 ? "are" : "is") read like the others; if they should not be imported, delete them from the sheet first",
                        reasonZH: "\(Self.lineList(lines, zh: true))为隐藏行（可能是筛选时隐藏的，共 \(lines.count) 行），也会一并导入；如不需要，请先在表格中删除"))
                }
            }
            let nameless = parts.flatMap(\.namelessContacts)
            if !nameless.isEmpty {
                var headers: [String] = []
                for part in parts { for h in part.namelessHeaders where !headers.contains(h) { headers.append(h) } }
                preview.warnings.append(ImportProblem(
                    table: name, line: 0,
                    reason: "\(Self.lineList(nameless, zh: false)) give\(nameless.count > 1 ? "" : "s") a contact person's \(headers.joined(separator: ", ")) but no name (联系人 empty, or 无 and the like): "
                        + "those cells were not imported (\(nameless.count) row\(nameless.count > 1 ? "s" : "")). To keep them, add the names and import the file again with --on-duplicate skip",
                    reasonZH: "\(Self.lineList(nameless, zh: true))有联系人的\(headers.map { $0.hasPrefix("联系人") && $0.count > 3 ? String($0.dropFirst(3)) : $0 }.joined(separator: "、"))，但联系人姓名为空或写的是“无”等，这些信息未导入\(nameless.count > 1 ? "（共 \(nameless.count) 行）" : "")。"
                        + "如需保留，请补上姓名后加 --on-duplicate skip 重新导入"))
            }
            var sampled = Set<String>()
            // The landlines given back their 0, per column, over the parts.
            var restored: [String: (count: Int, first: String)] = [:]
            for part in parts {
                for (column, r) in part.restoredZeros { restored[column] = ((restored[column]?.count ?? 0) + r.count, restored[column]?.first ?? r.first) }
            }
            for part in parts {
                for (key, sample) in part.samples where sampled.insert(key).inserted { preview.dateSamples.append(sample) }
                for (column, n, lines) in part.numericIdentifiers {
                    let k = "\(name)\u{0}\(column)"
                    let total = (notices[k]?.1 ?? 0) + n
                    // (Said at the rows that have them: it named the header's line alone, helper-179.)
                    let all = Array(((notices[k]?.2 ?? []) + lines).sorted().prefix(21))  // (as each part keeps them)
                    var (en, zh) = (Self.lineList(all, zh: false), Self.lineList(all, zh: true))
                    if total > all.count && !zh.hasSuffix("等") { (en, zh) = (en + ", …", zh + "等") }
                    // (Of the column, its rows in the text: named once, helper-181.)
                    // (Landlines given back their 0 said so, with one as the cell had it: helper-183 F14.)
                    let back = restored[column]
                    let backEN = back.map { b in
                        "; " + (b.count == total ? (total == 1 ? "it is a landline number" : "they are landline numbers") : b.count == 1 ? "1 of them is a landline number" : "\(b.count) of them are landline numbers")
                            + " whose area code lost its 0, imported with it (\(b.first) as 0\(b.first))"
                    } ?? ""
                    let backZH = back.map { b in "；\(b.count == total ? "这些" : "其中 \(b.count) 个")是区号丢了开头 0 的固定电话，已补回 0 导入（如 \(b.first) 记为 0\(b.first)）" } ?? ""
                    notices[k] = (ImportProblem(
                        table: name, line: 0, column: column,
                        reason: "\(en.prefix(1).uppercased() + en.dropFirst()): \(total == 1 ? "1 cell of this column is a number" : "\(total) cells of this column are numbers"), not text: a leading 0 may have been lost\(backEN); check \(total == 1 ? "it" : "them")",
                        reasonZH: "\(zh)共 \(total) 个单元格是数字格式（不是文本格式），开头的 0 可能已丢失\(backZH)，请核对"), total, all)
                }
            }
            if let warning = Self.noTypeColumnWarning(mapped) { preview.warnings.append(warning) }
        }
        preview.warnings += notices.values.map(\.0).sorted { ($0.table, $0.column ?? "") < ($1.table, $1.column ?? "") }
        return rows
    }

    /// A warning when a contact log has no contact-type column.
    static func noTypeColumnWarning(_ mapped: MappedTable) -> ImportProblem? {
        guard mapped.kind == .log && mapped.column("type") == nil && !mapped.dataRows.isEmpty else { return nil }
        return ImportProblem(table: mapped.table.name, line: 0,
                             reason: "no contact-type column: every entry will be recorded as \"other\"",
                             reasonZH: "表中没有“跟进方式”列，所有记录的跟进方式将记为“其他”")
    }

    /// What reading a run of a table's data rows finds besides the rows: the first date sample
    /// of each column (by field key, in the order met) and the count of numeric identifier
    /// cells per column (by header, in the order first met).
    struct RowChunk: Sendable {
        var samples: [(String, ImportPreview.DateSample)] = []
        var numericIdentifiers: [(String, Int, lines: [Int])] = []
        /// Of those, the landlines read with their 0 given back, per column: how many, and the
        /// first as the cell had it.
        var restoredZeros: [String: (count: Int, first: String)] = [:]
        /// Rows left out as totals (`totalsWord`): their line and first cell.
        var totals: [(line: Int, word: String)] = []
        /// Lines of a customer list whose contact-person cells (手机, 职务, 微信) have no person's
        /// name beside them, and the headers of those cells: not imported, and said so (they went
        /// without a word).
        var namelessContacts: [Int] = []
        var namelessHeaders: [String] = []
        /// Lines that repeat the header (sheets pasted together, a print title copied).
        var repeatedHeaders: [Int] = []
        /// Lines that are a sheet's notes, not records (`isNoteRow`).
        var noteRows: [Int] = []

        /// One more numeric identifier cell in the column headed `header`, on `line` (the first
        /// 21 lines are kept, to name them).
        mutating func countNumericIdentifier(_ header: String, line: Int, restored: String? = nil) {
            if let restored { restoredZeros[header, default: (0, restored)].count += 1 }
            if let i = numericIdentifiers.firstIndex(where: { $0.0 == header }) {
                numericIdentifiers[i].1 += 1
                if numericIdentifiers[i].lines.count <= 20 { numericIdentifiers[i].lines.append(line) }
            } else {
                numericIdentifiers.append((header, 1, [line]))
            }
        }
    }

    /// Whether a data row of `mapped` is read as a record: it has something in it and is no
    /// totals row, repeated header or note (the rows `readRowChunk` skips with a warning).
    static func isRecordRow(_ row: TableRow, _ mapped: MappedTable) -> Bool {
        guard row.hasContent, !mapped.noteLines.contains(row.line), totalsWord(row) == nil, !isNoteRow(row, mapped.columns) else { return false }
        let initials = Columns.initials.union(mapped.headerTexts.flatMap { $0.compactMap(Columns.initial) })
        return !repeatsHeader(row, mapped.columns, mapped.headerTexts, initials: initials)
    }

    /// Reads the data rows at `offsets` of `mapped` (what `readRows` does for each row), giving
    /// each row that has something in it to `emit`, in order.
    static func readRowChunk(_ mapped: MappedTable, t: Int, tableIndex: Int, specs: [FieldSpec?], options: ImportOptions,
                             _ offsets: Range<Int>, _ emit: (Row) -> Void) -> RowChunk {
        var out = RowChunk()
        let name = mapped.table.name
        var sampled = Set<String>()
        // What each row asks of the columns, found once: whether a column holds identifiers,
        // and the required columns the table has (with their headers).
        let columns = mapped.columns
        let identifiers = specs.map { $0.map { CellReading.identifierFields.contains($0.key) } ?? false }
        let identifierColumns = columns.indices.map { c in
            switch columns[c].target {
            case .field(let key), .inlineContact(let key): CellReading.identifierFields.contains(key)
            default: false
            }
        }
        // A customer list's contact-person columns read as the contact's fields (text ones).
        let contactSpecs: [FieldSpec?] = columns.map { column in
            guard case .inlineContact(let key) = column.target, let spec = Schema.field(.contact, key: key) else { return nil }
            switch spec.type {
            case .reference, .references, .instant: return nil
            default: return spec
            }
        }
        let required: [(key: String, header: String)] = Self.requiredColumns[mapped.kind]!.compactMap { key in mapped.column(key).map { (key, $0.header) } }
        // The first characters of the header words and of this table's own headers.
        let headerInitials = Columns.initials.union(mapped.headerTexts.flatMap { $0.compactMap(Columns.initial) })
        // The values read are kept for a customer list that gives only customers' fields (what
        // `bulkCustomers` plans): its plan takes them instead of reading each cell again.
        let keepValues = options.planInBulk && mapped.kind == .customers
            && columns.allSatisfy { if case .field = $0.target { return true } else { return false } }
        for offset in offsets {
            let tableRow = mapped.dataRows[mapped.dataRows.startIndex + offset]
            guard tableRow.hasContent else { continue }
            if mapped.noteLines.contains(tableRow.line) {
                out.noteRows.append(tableRow.line)
                continue
            }
            if let word = totalsWord(tableRow) {
                out.totals.append((tableRow.line, word))
                continue
            }
            if repeatsHeader(tableRow, columns, mapped.headerTexts, initials: headerInitials) {
                out.repeatedHeaders.append(tableRow.line)
                continue
            }
            if isNoteRow(tableRow, columns) {
                out.noteRows.append(tableRow.line)
                continue
            }
            var row = Row(mapped: t, table: tableIndex, rowIndex: mapped.dataRows.startIndex + offset, line: tableRow.line, kind: mapped.kind)
            row.fields.reserveCapacity(columns.count)
            if keepValues { row.values.reserveCapacity(columns.count) }
            for c in columns.indices {
                let column = columns[c]
                var cell = column.index < tableRow.cells.count ? tableRow.cells[column.index] : .empty
                if cell == .empty { continue }
                // A code or phone number the sheet shows through a digit pattern (C001, 00123)
                // is read as shown.
                if case .number = cell, !mapped.table.shownNumbers.isEmpty, identifierColumns[c],
                   let shown = mapped.table.shownNumbers[CellPosition(line: tableRow.line, column: column.index)] {
                    cell = shown.isEmpty ? .empty : .text(shown)
                    if cell == .empty { continue }
                }
                func problem(_ en: String, _ zh: String) {
                    row.problems.append(ImportProblem(table: name, line: row.line, column: column.header, value: Self.plain(cell), reason: en, reasonZH: zh))
                }
                switch column.target {
                case .sourceID: row.sourceID = FormulaGuard.restore(Self.plain(cell)).trimmingCharacters(in: .whitespaces)
                case .gradeReason: row.gradeReason = FormulaGuard.restore(Self.plain(cell)).trimmedWhitespace
                case .complaintStatus:
                    // (Kept with the references: read only to tell a withdrawal from an unfounded complaint.)
                    let text = Self.plain(cell).trimmedWhitespace
                    if !text.isEmpty { row.refs["status"] = text }
                case .inlineContact(let key):
                    // Read and checked as in a contact list (a mobile in scientific notation, an
                    // Excel error value): it was taken as it was (black-box finding).
                    guard let spec = contactSpecs[c] else {
                        let value = FormulaGuard.restore(Self.plain(cell)).trimmedWhitespace
                        if !value.isEmpty { row.contact.append((key, value)) }
                        continue
                    }
                    do {
                        let (input, notice) = try CellReading.input(cell, spec, dayOrder: options.dayOrder)
                        guard let input else { continue }
                        // 无, -, 不详 in place of a name: no person (they became contacts named 无).
                        if key == "name" && Self.isPlaceholderName(input) { continue }
                        if Self.isNoPhone(key, input) { continue }
                        _ = try ChangeDraft.value(for: spec, input: input, now: options.now)
                        // The person's name as a contact list's is read (王敏、李雷 refused in
                        // the column's words; 王敏、 is 王敏).
                        if key == "name", ChangeDraft.severalPeople(input) {
                            // (A customer list carries one person a row: "另起一行" there made a
                            // duplicate customer row.)
                            problem("\(input) looks like several people; a customer list takes one contact person a row: list the others in a contact list (one a row, with the customer's name)",
                                    "“\(input)”看起来是多位联系人。客户名单每行只能填一位联系人，其余联系人请通过联系人名单导入（每行一位，并填写所属客户名称）")
                            continue
                        }
                        let read = key == "name" ? try ChangeDraft.name(input, of: .contact) : input
                        if let notice { out.countNumericIdentifier(column.header, line: row.line, restored: notice == .restoredLeadingZero ? String(read.dropFirst()) : nil) }
                        row.contact.append((key, read))
                    } catch let f as CellReading.Failure {
                        problem(f.reason, f.reasonZH)
                    } catch let e as ArchiveError {
                        problem(e.reason, e.reasonZH ?? e.reason)
                    } catch {
                        problem("\(error)", "\(error)")
                    }
                case .computed, .skipped: break
                case .complaintNumber:
                    let text = Self.plain(cell).trimmedWhitespace
                    if !text.isEmpty { row.refs["number"] = text }
                case .stageSince:
                    // (Read for a project the file adds; a value that is no time, or a time to
                    // come, is kept as written, to be said where it would be used: helper-202 4.)
                    if let at = try? CellReading.instant(cell, now: options.now, dayOrder: options.dayOrder, startOfDay: options.startOfDay), at <= options.now {
                        row.instants["stageSince"] = at
                    } else if case let text = Self.plain(cell).trimmedWhitespace, !text.isEmpty {
                        row.refs["stageSince"] = text
                    }
                case .stageHistory:
                    // (Read where it is used, for a project the file adds; a NUL refused as in
                    // any cell: it was stored: helper-209 5.)
                    let text = Self.plain(cell).trimmedWhitespace
                    if text.unicodeScalars.contains("\u{0}") {
                        problem(CellReading.nulCharacter.reason, CellReading.nulCharacter.reasonZH)
                    } else if text.hasPrefix("[") || text.hasPrefix("{") || { if case .number = cell { return true }; if case .bool = cell { return true }; return false }() {
                        // (A JSON file's list that is not one of moves: `StageHistoryText.cell(fromJSON:)`.)
                        // (Said of the project by its name, without the list's first 40 characters
                        // as the value: nobody counts JSON objects: helper-215 3.)
                        let why = StageHistoryText.jsonProblem(text)
                        let project = row.fields.first { $0.0 == "name" }?.1
                        row.problems.append(ImportProblem(table: name, line: row.line, column: column.header, value: nil,
                                                          reason: (project.map { "project \($0): " } ?? "") + why.en,
                                                          reasonZH: (project.map { "项目“\($0)”的" } ?? "") + why.zh))
                    } else if !text.isEmpty {
                        row.refs["stageHistory"] = text
                    }
                case .removedMark:
                    // 是 (an export's flag), true, 1, 已移除; empty, 否, false, 0: a live person.
                    let text = Self.plain(cell).trimmedWhitespace
                    switch text.lowercased() {
                    case "是", "yes", "y", "true", "1", "√", "已移除", "removed": row.refs["removed"] = "1"
                    case "", "否", "no", "n", "false", "0", "×": break
                    default:
                        problem("write 是 (yes) for a person removed in the archive the file came from; 否 (no) or nothing for one who is not (in JSON, true or false)",
                                "此列只能填“是”（表示该联系人已移除）、“否”或留空（表示未移除）；JSON 文件中请填 true 或 false")
                    }
                case .field(let key):
                    let spec = specs[c]!  // mapped columns name fields of their kind
                    switch spec.type {
                    case .reference, .references:
                        let value = FormulaGuard.restore(Self.plain(cell)).trimmedWhitespace
                        if let error = CellReading.excelError(value) {  // (a failed VLOOKUP, most often)
                            let f = CellReading.excelErrorFailure(error)
                            problem(f.reason, f.reasonZH)
                            continue
                        }
                        if !value.isEmpty { row.refs[key] = value }
                    case .instant:
                        do {
                            if let at = try CellReading.instant(cell, now: options.now, dayOrder: options.dayOrder, startOfDay: options.startOfDay) {
                                row.instants[key] = at
                                if sampled.insert(key).inserted {
                                    let input = Self.plain(cell)
                                    out.samples.append((key, .init(table: name, column: column.header, input: input, read: CellReading.momentSample(at, input: input))))
                                }
                            }
                        } catch let f as CellReading.Failure {
                            problem(f.reason, f.reasonZH)
                        } catch {
                            problem("\(error)", "\(error)")
                        }
                    default:
                        do {
                            let (input, notice) = try CellReading.input(cell, spec, identifier: identifiers[c], dayOrder: options.dayOrder)
                            guard var input else { continue }
                            if Self.isNoPhone(key, input) { continue }
                            if spec.type.isMoney, !input.contains(where: \.isNumber), Money.parse(input) == nil {
                                // 面议, 待定: no amount; the examples fit the column's unit (3,000,000
                                // in a 万元 column would be 3,000,000万元).
                                let example = column.unit.map { (en: "120 (120\($0))", zh: "120（即 120\($0)）") } ?? (en: "300万 or 3000000", zh: "300万 或 3000000")
                                problem("\(input) is not an amount: write a number, e.g. \(example.en), or leave the cell empty if it is not known yet",
                                        "\(spec.zh)“\(input)”不是有效金额，请填写数字，如 \(example.zh)；\(spec.zh)尚未确定的请留空")
                                continue
                            }
                            if spec.type.isMoney, let amount = Self.amountInput(cell, unit: column.unit,
                                                                                   shown: mapped.table.amountUnits[CellPosition(line: tableRow.line, column: column.index)]) {
                                input = amount
                            }
                            let value = try ChangeDraft.value(for: spec, input: input, now: options.now)
                            if key == "name" && mapped.kind == .contacts && Self.isPlaceholderName(input) {
                                // (无, 暂无 became a contact named 无.)
                                problem("\(input) is not a person's name: write the contact's name, or delete the row",
                                        "“\(input)”不是有效的联系人姓名，请填写联系人姓名，或删除该行")
                                continue
                            }
                            if key == "name" && mapped.kind == .contacts {
                                input = try ChangeDraft.name(input, of: .contact)  // (王敏、 is 王敏; 王敏、李雷 refused here, in the column)
                            }
                            if key == "name" && mapped.kind == .customers && CompanyName.hasNoText(input) {
                                // (Refused as the row's own problem: also when the row is another customer's duplicate.)
                                problem(CompanyName.notANameReason.en, CompanyName.notANameReason.zh)
                                continue
                            }
                            if spec.type.isDate, case .day(let d) = value, sampled.insert(key).inserted {
                                out.samples.append((key, .init(table: name, column: column.header, input: Self.plain(cell), read: DateParser.format(d))))
                            }
                            if let notice { out.countNumericIdentifier(column.header, line: row.line, restored: notice == .restoredLeadingZero ? String(input.dropFirst()) : nil) }
                            row.fields.append((key, input))
                            if keepValues { row.values.append(value) }
                        } catch let f as CellReading.Failure {
                            problem(f.reason, f.reasonZH)
                        } catch let e as ArchiveError where e.code == .invalidDate && !e.reason.contains(DateParser.relativeFormsEN) {
                            // (What is wrong with a date written out, said as such: 2026-02-29 has 28
                            // days, 2026年3月5日 was a Thursday, 12月1日 has no year.)
                            problem(e.reason, e.reasonZH ?? e.reason)
                        } catch let e as ArchiveError where e.code == .ambiguousDate && DateParser.onlyReading(DateParser.numbers(Self.plain(cell))) != nil {
                            // (13/05/2027 can only be day/month: said, with the option that reads it.)
                            let only = DateParser.onlyReading(DateParser.numbers(Self.plain(cell)))!
                            let (order, orderZH) = only.dayFirst ? ("dd/mm/yyyy", "日/月/年") : ("mm/dd/yyyy", "月/日/年")
                            let c = DateParser.civil(only.day)
                            problem("can only be \(DateParser.format(only.day)) (\(order)); say how the file writes dates with --date-format \(order), or write \(DateParser.format(only.day))",
                                    "只能理解为 \(c.year) 年 \(c.month) 月 \(c.day) 日（\(orderZH)写法）。如文件中的日期都是这种写法，请加上 --date-format \(order)；也可改写成 \(DateParser.format(only.day))")
                        } catch let e as ArchiveError where e.code == .ambiguousDate || e.code == .invalidDate {
                            problem(e.code == .ambiguousDate
                                        ? "could be day/month or month/day: write 2026-03-05, or say how to read it with --date-format dd/mm/yyyy or mm/dd/yyyy"
                                        : "not a date: write 2026-03-05, 2026/3/5 or 2026年3月5日",
                                    e.code == .ambiguousDate
                                        ? "无法确定月和日的顺序。请写成 2026-03-05，或加 --date-format dd/mm/yyyy（日/月/年）或 mm/dd/yyyy（月/日/年）"
                                        : "不是有效日期，请写成 2026-03-05、2026/3/5 或 2026年3月5日")
                        } catch let e as ArchiveError {
                            problem(e.reason, e.reasonZH ?? e.reason)
                        } catch {
                            problem("\(error)", "\(error)")
                        }
                    }
                }
            }
            // (A name refused, 王敏、李雷, is the row's problem: not a person without a name.)
            let nameHeader = columns.first(where: { $0.target == .inlineContact("name") })?.header
            if !row.contact.isEmpty && !row.contact.contains(where: { $0.0 == "name" }) && !row.problems.contains(where: { $0.column != nil && $0.column == nameHeader }) {
                out.namelessContacts.append(row.line)
                for (key, _) in row.contact {
                    if let header = columns.first(where: { $0.target == .inlineContact(key) })?.header, !out.namelessHeaders.contains(header) {
                        out.namelessHeaders.append(header)
                    }
                }
                row.contact = []
            }
            for (key, header) in required {
                if row.field(key) == nil && row.refs[key] == nil && row.instants[key] == nil
                    && !row.problems.contains(where: { $0.column == header }) {
                    row.problems.append(ImportProblem(table: name, line: row.line, column: header, value: "",
                                                      reason: "required, but empty", reasonZH: "必填，不能为空"))
                }
            }
            emit(row)
        }
        return out
    }
}
