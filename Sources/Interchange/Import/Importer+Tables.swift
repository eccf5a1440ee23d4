import Foundation
import SalesArchive

extension Importer {
    // MARK: - Tables and columns

    struct MappedColumn {
        let index: Int
        let header: String
        let target: ColumnTarget
        /// An amount column's unit, from its header (预算（万元）) or a units row under it
        /// (（万元）): written after each plain number of the column (120 → 120万元).
        var unit: String? = nil
    }

    struct MappedTable {
        let table: Table
        let kind: ImportKind
        let headerLine: Int
        /// Rows after the header.
        let dataRows: ArraySlice<TableRow>
        let columns: [MappedColumn]
        var problems: [ImportProblem] = []
        /// Each column's header texts as the file wrote them (both rows of a two-row header), by
        /// column as in `columns`: a data row that repeats them is no record.
        var headerTexts: [Set<String>] = []
        /// The lines of the rows right under the header that say how to fill it in (必填,
        /// （万元）): not records.
        var noteLines: Set<Int> = []

        func column(_ key: String) -> MappedColumn? {
            columns.first { if case .field(let k) = $0.target { return k == key } else { return false } }
        }
        func column(ofTarget target: ColumnTarget) -> MappedColumn? { columns.first { $0.target == target } }
    }

    /// A note for each moment column (跟进时间, 受理时间…) with cells formatted to show a date
    /// alone that hold a time too (`CivilDateTime.timeHidden`): the time is imported, and a
    /// refusal that quotes it (晚于现在, 早于受理时间) quoted a time the sheet does not show
    /// (helper-125).
    static func hiddenTimes(_ tables: [MappedTable]) -> [ImportProblem] {
        var out: [ImportProblem] = []
        for mapped in tables {
            for column in mapped.columns {
                guard case .field(let key) = column.target, Schema.field(mapped.kind.entity, key: key)?.type == .instant else { continue }
                var count = 0
                var first: (line: Int, date: CivilDateTime)?
                for row in mapped.dataRows where column.index < row.cells.count {
                    guard case .date(let c) = row.cells[column.index], c.timeHidden else { continue }
                    count += 1
                    if first == nil { first = (row.line, c) }
                }
                guard let first else { continue }
                let full = CellReading.dateText(first.date), shown = String(full.prefix(10))
                out.append(ImportProblem(
                    table: mapped.table.name, line: first.line, column: column.header, value: full,
                    reason: "\(count == 1 ? "1 cell of this column is" : "\(count) cells of this column are") formatted to show a date alone but hold\(count == 1 ? "s" : "") a time too (this one shows \(shown) and holds \(full)); the time they hold is imported. To see it, format the column as a date and time in Excel",
                    reasonZH: "该列有 \(count) 个单元格的格式只显示日期，但其中还含有时间（如本格显示为 \(shown)，实际为 \(full)）。导入时按实际时间记录；如需查看，可在 Excel 中把该列的单元格格式改为“日期时间”"))
            }
        }
        return out
    }

    /// Finds each table's kind and header row and maps its columns.
    func mapTables(_ source: ImportSource, into preview: inout ImportPreview) -> [MappedTable] {
        var out: [MappedTable] = []
        var headers: [(kind: ImportKind, normalised: Set<String>)] = []
        var otherHeaders = Set<String>()  // cells that may be headers of tables not imported
        // SalesVault's own JSON names its fields itself: a mapping is not used (its keys would
        // map beside the fields they are).
        let mapping = source.format == .json ? ColumnMapping() : options.mapping
        if source.format == .json && options.mapping.given {
            preview.warnings.append(ImportProblem(
                table: "--mapping", line: 0,
                reason: "a mapping file is not used for a SalesVault JSON export, whose fields have their own names; it was ignored",
                reasonZH: "SalesVault 导出的 JSON 文件字段名固定，无需对照表，已忽略 --mapping。"))
        }
        var leftOut: [(sheet: String, kind: ImportKind?)] = []  // by --kind
        let dataSheets = source.dataSheetCount
        for table in source.tables {
            if table.name == ImportSource.aboutSheet.zh || table.name == ImportSource.aboutSheet.en { continue }
            guard table.rows.contains(where: \.hasContent) else { continue }
            // A hidden sheet (an old copy, the lists behind a drop-down) is not what the user sees
            // as the data: imported without a word, or refused as having no known columns, it
            // surprised (black-box finding).
            if table.hidden {
                preview.warnings.append(ImportProblem(
                    table: table.name, line: 0,
                    reason: "the sheet \(table.name) is hidden in the workbook and was not imported; to import it, unhide it in Excel and import again",
                    reasonZH: "工作表“\(table.name)”在工作簿中处于隐藏状态，未导入；如需导入，请在 Excel 中取消隐藏后重新导入"))
                continue
            }
            // --kind on a workbook of several sheets: the sheets that can be read as that kind,
            // unless their headers say another kind more clearly (a sheet named 客户 holding log
            // columns is the log's: helper-103); the others are left out, and said (they were read
            // as the kind given, and every row refused: helper-101). Customers and contacts share
            // their columns (a customer list with contact persons): between them the kind given
            // stands.
            if let only = options.kind, dataSheets > 1 {
                let given = header(of: table, named: only, mapping: mapping, missingOne: true)
                let plain = header(of: table, named: nil, mapping: mapping)
                let clearer = plain.map { p in p.kind != only && p.score > (given?.score ?? 0) && Set([p.kind, only]) != [.customers, .contacts] } ?? false
                // (Between customers and contacts a sheet named as the other is the other's: a
                // 联系人 sheet of 客户名称, 联系人, 手机 read as customers was every row a
                // duplicate of the 客户 sheet: helper-105. So is a sheet named as the kind its
                // headers have but for one column: a 投诉 sheet without 被投诉人/部门 was read as
                // customers by its 客户: helper-119.)
                // (Read as that kind, in full or but for one column, at least as well as as the
                // kind given: a sheet named 客户 of log columns stays in --kind log: helper-103.)
                let sheetKind = ImportKind(name: table.name)
                let namedOther = sheetKind.map { $0 != only && Set([$0, only]) == [.customers, .contacts] } ?? false
                    || sheetKind.map { k in k != only && (self.header(of: table, named: k, mapping: mapping, missingOne: true)?.score ?? 0) >= max(given?.score ?? 0, 1) } ?? false
                if given == nil || clearer || namedOther {
                    leftOut.append((table.name, namedOther ? ImportKind(name: table.name) : plain?.kind ?? ImportKind(name: table.name)))
                    continue
                }
            }
            let named = options.kind ?? ImportKind(name: table.name)
            var best = header(of: table, named: named, mapping: mapping, missingOne: true)
            // --kind on one table whose headers say another kind more clearly (log columns read
            // as customers made every entry a customer: helper-103): read as told, and said.
            if let only = options.kind, dataSheets == 1, let plain = header(of: table, named: nil, mapping: mapping),
               plain.kind != only, plain.score > (best?.score ?? 0), Set([plain.kind, only]) != [.customers, .contacts] {
                preview.warnings.append(ImportProblem(
                    table: table.name, line: table.rows[best?.row ?? plain.row].line,
                    reason: "read as \(only.sheetName(zh: false).lowercased()) as --kind \(only.rawValue) says, but its headers look like \(plain.kind.sheetName(zh: false).lowercased()); if that is what it holds, import it again with --kind \(plain.kind.rawValue) or without --kind",
                    reasonZH: "已按 --kind \(only.rawValue) 作为\(only.sheetName(zh: true))读取，但表头看起来是\(plain.kind.sheetName(zh: true))；如果确实如此，请改用 --kind \(plain.kind.rawValue) 或去掉 --kind 后重新导入"))
            }
            let headerIndex = best?.row ?? table.rows.firstIndex(where: \.hasContent)!
            // 客户名称, 联系人, 手机 reads as contacts and as a customer list with its contact
            // persons. A file of one table whose customers the archive has none of is the list
            // (every row was refused as naming no customer, black-box finding); said, with --kind.
            // (Only without a mapping; when every column is the customer's name or a contact
            // person's (联系人, 手机, 职务, 微信: a 电话 or 邮箱 would go to the company instead of
            // the person), with 联系人 among them; and when no customer is named twice, as a
            // contact list of several people a customer does.)
            if named == nil, mapping.isEmpty, best?.kind == .contacts,
               source.tables.filter({ !$0.hidden && $0.rows.contains(where: \.hasContent) }).count == 1,
               // (With a header of two rows the two readings may find its upper and its lower row.)
               let list = header(of: table, named: .customers, mapping: mapping), abs(list.row - headerIndex) <= 1,
               let reading = customerListReading(table, list.row, mapping: mapping),
               reading == .grouped || (list.row == headerIndex && namesNoArchiveCustomer(table, headerRow: headerIndex, mapping: mapping))
                   || (list.row == headerIndex && hasCustomerWithoutPerson(table, headerRow: headerIndex, mapping: mapping)) {
                let withoutPerson = reading != .grouped && hasCustomerWithoutPerson(table, headerRow: headerIndex, mapping: mapping)
                best = list
                if withoutPerson {
                    // (A customer list imported again, its customers now in the archive, was read
                    // as contacts, and its rows without a person refused: black-box finding.)
                    preview.warnings.append(ImportProblem(
                        table: table.name, line: table.rows[headerIndex].line,
                        reason: "\(table.name) could hold contacts or customers; some rows name a customer but no contact person, so it is read as a customer list with each customer's contact person. If it holds contacts, fill in every person's name, or use --kind contacts",
                        reasonZH: "“\(table.name)”既可以按联系人导入，也可以按客户名单导入。由于部分行只填了客户名称、没有填联系人，系统将按客户名单导入（每行是一家客户及其联系人）。如果这其实是联系人数据，请补全联系人姓名，或在导入命令末尾加上 --kind contacts（表示按联系人导入）后重新导入"))
                } else if reading == .grouped {
                    // (The header groups the person's columns under 联系人: the others are the
                    // company's, whether or not the archive has the customers.)
                    preview.warnings.append(ImportProblem(
                        table: table.name, line: table.rows[headerIndex].line,
                        reason: "\(table.name) groups the contact person's columns under one header beside the company's, so it is read as a customer list with each customer's contact person. If it holds contacts, use --kind contacts",
                        reasonZH: "“\(table.name)”中，联系人相关的列在表头里单独成组，其余列是客户本身的信息，因此按客户名单导入（每行为一家客户及其联系人）。如果这是联系人数据，请加 --kind contacts 重新导入"))
                } else {
                    preview.warnings.append(ImportProblem(
                        table: table.name, line: table.rows[headerIndex].line,
                        reason: "\(table.name) could hold contacts or customers; the archive has none of its customers, so it is read as a customer list with each customer's contact person. If it holds contacts, import their customers first, or use --kind contacts",
                        reasonZH: "“\(table.name)”既可视为联系人数据，也可视为客户名单；表中的客户在档案里都找不到，因此按客户名单导入（每行为一家客户及其联系人）。如果这是联系人数据，请先导入对应客户，或加 --kind contacts 重新导入"))
                }
            }
            // A mapping line for every kind can make a table read as another kind (`传真 = name`
            // beside 客户名称: a customer list read as contacts, every row then refused): said.
            if named == nil, !mapping.isEmpty, let kind = best?.kind,
               let plain = header(of: table, named: nil, mapping: ColumnMapping())?.kind, plain != kind {
                preview.warnings.append(ImportProblem(
                    table: table.name, line: table.rows[headerIndex].line,
                    reason: "with the mapping file, \(table.name) reads as \(kind.sheetName(zh: false).lowercased()) (without it, as \(plain.sheetName(zh: false).lowercased())). "
                        + "If it holds \(plain.sheetName(zh: false).lowercased()), import it again with --kind \(plain.rawValue), and check the mapping file",
                    reasonZH: "按对照表，“\(table.name)”被识别为“\(kind.sheetName(zh: true))”数据（不用对照表时为“\(plain.sheetName(zh: true))”数据）。"
                        + "如果该表是\(plain.sheetName(zh: true))数据，请加上 --kind \(plain.rawValue) 后重新导入，并核对对照表。"))
            }
            guard let kind = best?.kind ?? named else {
                for row in table.rows.prefix(21) {
                    for cell in row.cells { otherHeaders.insert(Columns.normalise(Self.plain(cell).trimmedWhitespace)) }
                }
                preview.warnings.append(ImportProblem(
                    table: table.name, line: table.rows[headerIndex].line,
                    reason: "\(table.name) was not imported: the columns a kind of record needs are missing (such as 客户名称), so it is not clear what it holds",
                    reasonZH: "“\(table.name)”未导入：找不到必需的列（如“客户名称”），无法判断是哪类数据"))
                continue
            }
            var header = table.rows[headerIndex]
            var dataStart = headerIndex + 1
            // A header of two rows: the row found and the one below it, or the one above it and
            // the row found (a workbook whose merged header cells fill the lower row).
            var combined: (header: TableRow, lowerIndex: Int)?
            var upperIndex = headerIndex
            if headerIndex > 0, let above = twoRowHeader(table, headerIndex - 1, kind: kind, mapping: mapping), above.lowerIndex == headerIndex {
                combined = above
                upperIndex = headerIndex - 1
            } else {
                combined = twoRowHeader(table, headerIndex, kind: kind, mapping: mapping)
            }
            if let combined { header = combined.header; dataStart = combined.lowerIndex + 1 }
            headers.append((kind, Set(header.cells.map { Columns.normalise(Self.plain($0).trimmedWhitespace) })))
            var columns: [MappedColumn] = []
            var problems: [ImportProblem] = []
            var seen: [ColumnTarget: (text: String, column: Int)] = [:]
            for (c, cell) in header.cells.enumerated() {
                let text = Self.plain(cell).trimmedWhitespace
                guard !text.isEmpty else {
                    if table.rows[dataStart...].contains(where: { c < $0.cells.count && $0.cells[c].hasContent }) {
                        preview.unused.append(.init(table: table.name, header: "(\(Self.columnLetter(c)))", computed: false, headerless: true))
                    }
                    continue
                }
                // A header with a NUL (damaged or binary text): the table refused, naming the column
                // (its column was left out as a header no field has: helper-114).
                if text.utf8.contains(0) {
                    problems.append(ImportProblem(
                        table: table.name, line: header.line, column: Self.columnLetter(c),
                        reason: "the header of column \(Self.columnLetter(c)) \(CellReading.nulCharacter.reason)",
                        reasonZH: "\(Self.columnLetter(c)) 列的表头\(CellReading.nulCharacter.reasonZH)"))
                    continue
                }
                guard let target = Columns.target(text, kind: kind, mapping: mapping) else {
                    preview.unused.append(.init(table: table.name, header: text, computed: false))
                    continue
                }
                switch target {
                case .computed: preview.unused.append(.init(table: table.name, header: text, computed: true)); continue
                case .complaintStatus: preview.unused.append(.init(table: table.name, header: text, computed: true, statusOnly: true))  // (and read)
                case .stageSince: preview.unused.append(.init(table: table.name, header: text, computed: true, stageSinceOnly: true))  // (and read)
                case .stageHistory: preview.unused.append(.init(table: table.name, header: text, computed: true, stageHistoryOnly: true))  // (and read)
                case .complaintNumber: preview.unused.append(.init(table: table.name, header: text, computed: true, numberOnly: true))  // (and read)
                case .skipped: continue
                default: break
                }
                if let other = seen[target] {
                    let a = "\(Self.columnLetter(other.column))", b = "\(Self.columnLetter(c))"
                    problems.append(ImportProblem(
                        table: table.name, line: header.line, column: text,
                        reason: "columns \(a) (\(other.text)) and \(b) (\(text)) both mean the same field; keep one, or map one elsewhere with --mapping",
                        reasonZH: "\(a) 列“\(other.text)”和 \(b) 列“\(text)”对应同一个字段，请删除其中一列，或用 --mapping 另行指定"))
                    continue
                }
                seen[target] = (text, c)
                columns.append(MappedColumn(index: c, header: text, target: target))
            }
            // A contact person's mobile, title or WeChat in a customer list without the person's
            // name column has no contact to go to: listed as not imported, and why (they were
            // dropped without a word).
            if kind == .customers, !columns.contains(where: { $0.target == .inlineContact("name") }) {
                let orphans = columns.filter { if case .inlineContact = $0.target { true } else { false } }
                if !orphans.isEmpty {
                    columns.removeAll { if case .inlineContact = $0.target { true } else { false } }
                    for o in orphans { preview.unused.append(.init(table: table.name, header: o.header, computed: false)) }
                    let names = orphans.map(\.header)
                    preview.warnings.append(ImportProblem(
                        table: table.name, line: header.line,
                        reason: "the contact person's columns \(names.joined(separator: ", ")) were not imported: the table has no column with the person's name (联系人); to import them, add a 联系人 column with the names",
                        reasonZH: "\(names.map { "“\($0)”" }.joined())列属于联系人信息，但表中没有“联系人”（姓名）列，因此\(names.count > 1 ? "这些列" : "该列")未导入。如需导入，请在表中增加“联系人”列并填写姓名"))
                }
            }
            // The rows right under the header that say how to fill it in, not records: 必填/选填
            // and units (（万元）), in any mix, at most three (elsewhere such a row is read as a
            // record: a contact named 万 further down was skipped).
            var noteLines = Set<Int>()
            var unitsRows: [TableRow] = []
            for row in table.rows[dataStart...] where row.hasContent {
                guard noteLines.count < 3, Self.isHeaderNoteRow(row, columns) else { break }
                noteLines.insert(row.line)
                if row.cells.contains(where: { if case .text(let t) = $0 { Self.isUnitText(t) } else { false } }) { unitsRows.append(row) }
            }
            // The unit of an amount column: 预算（万元） or a units row under the header gives
            // 万元, and 120 in it is 1,200,000 元 (it was read as 120 元).
            for k in columns.indices {
                guard case .field(let key) = columns[k].target, let spec = Schema.field(kind.entity, key: key), spec.type == .money else { continue }
                let column = columns[k].index, headerText = columns[k].header
                let fromHeader = Self.headerUnit(headerText)
                var fromRow: (unit: String, line: Int)?
                for row in unitsRows where column < row.cells.count {
                    // (必填 under 预算（万元） is an instruction, not a unit that disagrees.)
                    if case .text(let t) = row.cells[column], Self.isUnitText(t), let u = Self.unitText(t) { fromRow = (u, row.line); break }
                }
                if let h = fromHeader, let r = fromRow, Money.parse("1" + h) != Money.parse("1" + r.unit) {
                    // (Which one is meant decides a factor of 10,000: asked, not guessed.)
                    problems.append(ImportProblem(
                        table: table.name, line: r.line, column: headerText, value: r.unit,
                        reason: "the header says \(h), the units row under it \(r.unit): write one unit for the column and import again",
                        reasonZH: "表头写的是“\(h)”，表头下方的单位行写的是“\(r.unit)”，两者不一致，请统一单位后重新导入"))
                    continue
                }
                guard let unit = fromHeader ?? fromRow?.unit else { continue }
                let source = fromHeader != nil ? (en: "its header", zh: "表头") : (en: "the units row on line \(fromRow!.line)", zh: "第 \(fromRow!.line) 行")
                guard Self.isAmountUnit(unit) else {
                    // 预算（个）: no amount's unit; the numbers are read as yuan, and said so.
                    if Self.unitWords.contains(unit.lowercased()) {
                        preview.warnings.append(ImportProblem(
                            table: table.name, line: header.line, column: headerText,
                            reason: "\(unit) (\(source.en)) is no unit of an amount; the column's numbers are read as yuan",
                            reasonZH: "\(source.zh)中的单位“\(unit)”不是金额单位，该列数字已按“元”处理，请核对"))
                    }
                    continue
                }
                columns[k].unit = unit
                guard let one = Money.parse("1" + unit), one != Money(minorUnits: 100, currency: Money.defaultCurrency) else { continue }
                // The example is the column's first plain number, so that the user checks it
                // against the sheet (120 when there is none).
                // (A cell whose format shows its own unit is not the column's: not an example.)
                let first = table.rows[dataStart...].prefix(1_000).lazy.compactMap { row -> (line: Int, text: String, input: String)? in
                    guard column < row.cells.count, !noteLines.contains(row.line),
                          table.amountUnits[CellPosition(line: row.line, column: column)] == nil,
                          let input = Self.amountInput(row.cells[column], unit: unit, shown: nil),
                          let m = Money.parse(input), m.minorUnits > 0 else { return nil }  // (0 made a poor example: 0 即 0万元)
                    let cell = row.cells[column]
                    return (row.line, { if case .number(let d) = cell { CellReading.number(d) } else { Self.plain(cell).trimmedWhitespace } }(), input)
                }.first
                let number = first?.text ?? "120"
                guard let m = Money.parse(first?.input ?? Self.withUnit(number, unit)) else { continue }
                let scaled = one.minorUnits != 100  // (万元, 万美元; USD alone only names the currency)
                let valueEN = m.description, valueZH = m.currency == "CNY" ? m.grouped + " 元" : m.description
                let cell = first.map { (en: "\(number) on line \($0.line)", zh: "如第 \($0.line) 行的 \(number)") } ?? (en: "120", zh: "如 120")
                // A cell with its own currency or unit keeps it (¥5 under 万元 is 5 元): said, with
                // the first such cell, where the header's unit scales (it was taken without a word).
                var own: (en: String, zh: String) = ("", "")
                if scaled, let mine = table.rows[dataStart...].prefix(10_000).lazy.compactMap({ row -> (line: Int, text: String, money: Money)? in
                    guard column < row.cells.count, !noteLines.contains(row.line), case .text(let raw) = row.cells[column] else { return nil }
                    let t = raw.trimmedWhitespace
                    guard !t.isEmpty, Self.withUnit(t, unit) == t, let m = Money.parse(t), m.minorUnits > 0 else { return nil }
                    return (row.line, t, m)
                }).first {
                    let shownZH = mine.money.currency == "CNY" ? mine.money.grouped + " 元" : mine.money.description
                    own = ("; a cell with its own unit or currency keeps it: \(mine.text) on line \(mine.line) is \(mine.money.description)",
                           "。单元格中自带单位或币种的，按其自身单位读取，如第 \(mine.line) 行的“\(mine.text)”即 \(shownZH)，请核对")
                }
                preview.warnings.append(ImportProblem(
                    table: table.name, line: header.line, column: headerText,
                    reason: "the column's amounts are read in \(unit), as \(source.en) says (\(cell.en) is \(scaled ? "\(number)\(unit), " : "")\(valueEN))" + own.en,
                    reasonZH: "本列金额按\(source.zh)所注单位“\(unit)”读取（\(cell.zh) 即 " + (scaled ? "\(number)\(unit)，合 \(valueZH)）" : "\(valueZH)）") + own.zh))
            }
            // Formulas whose result the file does not hold are empty cells here: said, with where.
            let mappedIndexes = Set(columns.map(\.index))
            let uncomputed = table.uncomputedFormulas.filter { $0.line > header.line && mappedIndexes.contains($0.column) && !noteLines.contains($0.line) }
            if !uncomputed.isEmpty {
                // The cells by their names (C2、D3): lines and columns listed apart read as every
                // column of every line (helper-96).
                let cells = uncomputed.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
                let named = cells.prefix(10).map { CellReference.name(column: $0.column + 1, row: $0.line) }
                let more = cells.count > 10 ? (en: " and \(cells.count - 10) more", zh: " 等共 \(cells.count) 个") : (en: "", zh: " ")
                preview.warnings.append(ImportProblem(
                    table: table.name, line: 0,  // (the cells are in the text, as hidden rows' lines are)
                    reason: "cells \(named.joined(separator: ", "))\(more.en) are formulas whose results the file does not hold (a program wrote it, and no spreadsheet saved it); they are read as empty. Open the file in Excel or WPS, save it, and import it again",
                    reasonZH: "单元格 \(named.joined(separator: "、"))\(more.zh)是公式，但文件中没有保存计算结果（文件可能是从其他系统导出的，未经 Excel 或 WPS 保存），这些单元格将按空白处理。请用 Excel 或 WPS 打开该文件并保存后再导入"))
            }
            // Columns the sheet hides are imported like the others (a user who hid 内部备注 may
            // not expect it in the archive): named, with what to do.
            let hiddenColumns = Set(table.hiddenColumns)
            let hiddenMapped = hiddenColumns.isEmpty ? [] : columns.filter { column in
                hiddenColumns.contains(column.index)
                    && table.rows[dataStart...].contains { column.index < $0.cells.count && $0.cells[column.index].hasContent }
            }
            // (A column the table cannot be without, 客户名称 hidden as column A, is said to be
            // imported, not to be deleted: that would refuse the whole table.)
            let required = Set(Self.requiredColumns[kind] ?? [])
            let isRequired = { (c: MappedColumn) in if case .field(let key) = c.target { return required.contains(key) } else { return false } }
            for (columns, optional) in [(hiddenMapped.filter { !isRequired($0) }, true), (hiddenMapped.filter(isRequired), false)] where !columns.isEmpty {
                let en = columns.map { "\(Self.columnLetter($0.index)) (\($0.header))" }.joined(separator: ", ")
                let zh = columns.map { "\(Self.columnLetter($0.index)) 列“\($0.header)”" }.joined(separator: "、")
                let many = columns.count > 1
                preview.warnings.append(ImportProblem(
                    table: table.name, line: header.line,
                    reason: "column\(many ? "s" : "") \(en) \(many ? "are" : "is") hidden in the sheet and imported like the others"
                        + (optional ? "; if \(many ? "they" : "it") should not be, leave \(many ? "them" : "it") out with a --mapping line `\(columns[0].header) = -`, or delete \(many ? "them" : "it") from the sheet" : ""),
                    reasonZH: "\(zh)在表格中是隐藏列，其内容也会一并导入"
                        + (optional ? "；如不需要导入，可在 --mapping 对照表中写一行“\(columns[0].header) = -”，或先在表格中删除\(many ? "这些列" : "该列")" : "")))
            }
            // Cells to the right of the header's last cell: columns without a header, listed
            // as such (not read, and not dropped without a word).
            var beyond = Set<Int>()
            for row in table.rows[dataStart...] where row.cells.count > header.cells.count {
                for c in header.cells.count..<row.cells.count where row.cells[c].hasContent { beyond.insert(c) }
            }
            for c in beyond.sorted() {
                preview.unused.append(.init(table: table.name, header: "(\(Self.columnLetter(c)))", computed: false, headerless: true))
            }
            var mapped = MappedTable(table: table, kind: kind, headerLine: header.line, dataRows: table.rows[dataStart...], columns: columns,
                                     problems: problems)
            mapped.noteLines = noteLines
            let headerRows = [table.rows[upperIndex]] + (combined.map { [table.rows[$0.lowerIndex]] } ?? [])
            mapped.headerTexts = columns.map { column in
                Set(headerRows.compactMap { row in
                    guard column.index < row.cells.count else { return nil }
                    let text = Self.plain(row.cells[column.index]).trimmedWhitespace
                    return text.isEmpty ? nil : text
                })
            }
            for key in Self.requiredColumns[kind]! where mapped.column(key) == nil {
                let spec = Schema.field(kind.entity, key: key)!
                mapped.problems.append(ImportProblem(
                    table: table.name, line: header.line,
                    reason: "the required column \(spec.en) (\(spec.zh)) is missing",
                    reasonZH: "缺少必填列“\(spec.zh)”"))
            }
            // Rows with something in them (`TableRow.hasContent`: a row of empty cells, `,,,`, or of white
            // space or invisible characters alone, ` , `, is no row: it is not read).
            // (Counted on both cores for a large table: the first touch of each row's cells.)
            let dataRows = mapped.dataRows
            let contentRows = dataRows.count < 20_000 ? dataRows.count(where: \.hasContent)
                : Parallel.chunks(dataRows.count, chunk: (dataRows.count + 1) / 2) { r in
                    [dataRows[(dataRows.startIndex + r.lowerBound)..<(dataRows.startIndex + r.upperBound)].count(where: \.hasContent)]
                }.reduce(0, +)
            var summary = ImportPreview.TableSummary(name: table.name, kind: kind, headerLine: header.line, rows: contentRows)
            if let combined {
                summary.subHeaderLine = table.rows[combined.lowerIndex].line
                summary.combinedHeader = header
            }
            // (The first row that is read as a record: not a totals row, a note or the header again.)
            if let first = mapped.dataRows.first(where: { Self.isRecordRow($0, mapped) }) {
                // (A secret field's value is not shown, as listings hide it without --include-secret:
                // a contact's 个人背景 was printed here: helper-118.)
                summary.sample = columns.prefix(4).compactMap { c in
                    let value = c.index < first.cells.count ? Self.plain(first.cells[c.index]) : ""
                    if case .field(let key) = c.target, Schema.field(kind.entity, key: key)?.sensitivity == .secret, !value.isEmpty {
                        return (c.header, nil)
                    }
                    return value.isEmpty ? nil : (c.header, value.count > 30 ? String(value.prefix(29)) + "…" : value)
                }
            }
            preview.tables.append(summary)
            out.append(mapped)
        }
        if let only = options.kind, !leftOut.isEmpty {
            // (Its kind beside a sheet's name, unless the name is the kind's: “联系人”, not “联系人”（联系人）.)
            let named = leftOut.map { l in (l.sheet, l.kind.flatMap { ImportKind(name: l.sheet) == $0 ? nil : $0 }) }
            let en = named.map { "\($0.0)" + ($0.1.map { " (\($0.sheetName(zh: false).lowercased()))" } ?? "") }
            let zh = named.map { "“\($0.0)”" + ($0.1.map { "（\($0.sheetName(zh: true))）" } ?? "") }
            preview.warnings.append(ImportProblem(
                table: "--kind \(only.rawValue)", line: 0,
                reason: "only the sheets of \(only.sheetName(zh: false).lowercased()) are imported; left out: \(en.joined(separator: ", ")). To import the whole workbook, leave --kind out",
                reasonZH: "只导入\(only.sheetName(zh: true))，以下工作表已略过：\(zh.joined(separator: "、"))。如需导入整个工作簿，请去掉 --kind"))
        }
        // A mapping line naming a header no imported table has (a typo, or another file's
        // header) is said, not ignored.
        let unused = mapping.unused(imported: headers, others: otherHeaders)
        for u in unused.prefix(Self.mappingWarningsShown) {
            let check = (en: " (check that the header is written exactly as in the file)", zh: "请核对写法是否与导入文件表头一致。")
            var en: String
            var zh: String
            // (A header as written, cut: a line of 900,000 characters was echoed whole.)
            let written = u.header.count > 60 ? String(u.header.prefix(60)) + "…" : u.header
            if let kind = u.kind, let field = u.field {
                let spec = ImportKind.allCases.lazy.compactMap { Schema.field($0.entity, key: field) }.first
                let shown = spec.map { "\($0.zh)（\($0.key)）" } ?? field
                en = "line \(u.line) of the mapping file maps the column \(written) to \(spec?.key ?? field), which \(kind.sheetName(zh: false).lowercased()) do not have; that line was ignored"
                zh = "对照表第 \(u.line) 行把列名“\(written)”对应到“\(shown)”，但“\(kind.sheetName(zh: true))”数据没有这个字段，该行已忽略。"
            } else if let kind = u.kind, u.kindMissing {
                en = "line \(u.line) of the mapping file is for \(kind.sheetName(zh: false).lowercased()) only, and the file has none; that line was ignored"
                zh = "对照表第 \(u.line) 行只用于“\(kind.sheetName(zh: true))”数据，而导入文件中没有这类数据，该行已忽略。"
            } else if let kind = u.kind {
                en = "line \(u.line) of the mapping file names the column \(written), which the file's \(kind.sheetName(zh: false).lowercased()) do not have; that line was ignored" + check.en
                zh = "对照表第 \(u.line) 行的列名“\(written)”在导入文件的“\(kind.sheetName(zh: true))”表头中找不到，该行已忽略。" + check.zh
            } else {
                en = "line \(u.line) of the mapping file names the column \(written), which the file does not have; that line was ignored" + check.en
                zh = "对照表第 \(u.line) 行的列名“\(written)”在导入文件的表头中找不到，该行已忽略。" + check.zh
                if u.header.contains(where: { $0 == ":" || $0 == "：" }) {
                    en += "; to give a kind of record before the colon, write customers, contacts, projects, log or complaints (or 客户, 联系人, 项目, 跟进记录, 投诉)"
                    zh += "如果冒号前是要指定数据类型，请写“客户”“联系人”“项目”“跟进记录”或“投诉”。"
                }
            }
            preview.warnings.append(ImportProblem(table: "--mapping", line: 0, reason: en, reasonZH: zh))
        }
        if unused.count > Self.mappingWarningsShown {
            let more = unused.count - Self.mappingWarningsShown
            preview.warnings.append(ImportProblem(table: "--mapping", line: 0,
                                                  reason: "\(more) more \(more == 1 ? "line" : "lines") of the mapping file did nothing and \(more == 1 ? "was" : "were") ignored (check that it is the mapping meant for this file)",
                                                  reasonZH: "对照表另有 \(more) 行同样未起作用，已忽略；请确认对照表与导入文件是否对应。"))
        }
        return out.sorted { ImportKind.order.firstIndex(of: $0.kind)! < ImportKind.order.firstIndex(of: $1.kind)! }
    }

    /// Columns a table of a kind cannot do without.
    static let requiredColumns: [ImportKind: [String]] = [
        .customers: ["name"], .contacts: ["customer", "name"], .projects: ["customer", "name"],
        .log: ["customer", "at", "summary"], .complaints: ["customer", "receivedAt", "subject", "description"],
    ]
}
