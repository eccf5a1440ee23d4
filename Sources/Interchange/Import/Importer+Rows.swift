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
        var notices: [String: (ImportProblem, Int)] = [:]
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
            for part in parts {
                for (key, sample) in part.samples where sampled.insert(key).inserted { preview.dateSamples.append(sample) }
                for (column, n) in part.numericIdentifiers {
                    let k = "\(name)\u{0}\(column)"
                    let total = (notices[k]?.1 ?? 0) + n
                    notices[k] = (ImportProblem(
                        table: name, line: mapped.headerLine, column: column,
                        reason: "\(total) cell(s) of this column are numbers, not text: a leading 0 may have been lost; check them",
                        reasonZH: "此列有 \(total) 个单元格是数字格式（不是文本格式），开头的 0 可能已丢失，请核对"), total)
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
        var numericIdentifiers: [(String, Int)] = []
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

        /// One more numeric identifier cell in the column headed `header`.
        mutating func countNumericIdentifier(_ header: String) {
            if let i = numericIdentifiers.firstIndex(where: { $0.0 == header }) {
                numericIdentifiers[i].1 += 1
            } else {
                numericIdentifiers.append((header, 1))
            }
        }
    }

    /// Whether `name` (a contact person's) stands for "no one": empty once punctuation and
    /// brackets are dropped (—, （无）, --无--), or one of the words people write instead of a name
    /// (无, 暂无, 不详, 未知姓名, 暂无联系人, 待补充, x, 0).
    static func isPlaceholderName(_ name: String) -> Bool {
        var core = String.UnicodeScalarView()
        for s in name.unicodeScalars.lazy.map(\.asciiForm) {
            switch s.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
                 .otherPunctuation, .mathSymbol, .spaceSeparator, .format, .control: continue
            default: core.append(s.properties.lowercaseMapping.unicodeScalars.first ?? s)
            }
        }
        let text = String(core)
        if text.isEmpty || placeholderNames.contains(text) { return true }
        if text == "na" { return name.contains("/") || name.contains(".") }  // N/A, n.a. (Na is a name)
        for word in ["联系人", "姓名", "名字"] where text.hasSuffix(word) {
            if placeholderNames.contains(String(text.dropLast(word.count))) { return true }
        }
        return false
    }

    /// Whether `input` in the phone field `key` says there is none (无, 暂无, —, /, N/A): left
    /// empty. Other text without a digit is refused as no phone number (`ChangeDraft.value`).
    static func isNoPhone(_ key: String, _ input: String) -> Bool {
        ChangeDraft.isPhoneField(key) && !input.unicodeScalars.contains(where: ChangeDraft.isDigit) && isPlaceholderName(input)
    }

    /// What people write in a name cell for "no one" (after `isPlaceholderName` drops
    /// punctuation and lower-cases).
    static let placeholderNames: Set<String> = ["无", "暂无", "没有", "不详", "未知", "待定", "空", "未填", "待补充", "待补", "不清楚", "无人", "某某",
                                                "none", "null", "nil", "x", "xx", "0", "未提供", "待确认"]

    /// Whether `row` repeats the header: each of its cells in a mapped column is empty, that
    /// column's header as the file wrote it (either row of a two-row header) or another name of
    /// the same field (客户名称* for 客户名称, 所属行业 for 行业), and at least one is.
    static func repeatsHeader(_ row: TableRow, _ columns: [MappedColumn], _ headerTexts: [Set<String>], initials: Set<Unicode.Scalar>) -> Bool {
        var same = 0, other = 0, keyColumn = false
        for (k, column) in columns.enumerated() {
            let cell = column.index < row.cells.count ? row.cells[column.index] : .empty
            guard cell.hasContent else { continue }
            guard case .text(let t) = cell, t.utf8.count <= 60 else { return false }
            let key = column.target == .field("name") || column.target == .field("customer")
            // (Most rows are done here: a record's name starts as no header word does.)
            guard let initial = Columns.initial(t), initials.contains(initial) else {
                if key { return false }
                other += 1
                continue
            }
            let text = t.trimmedWhitespace
            if text.utf8.elementsEqual(column.header.utf8) || (k < headerTexts.count && headerTexts[k].contains(text)) {
                same += 1
                keyColumn = keyColumn || key
                continue
            }
            // The key column (the name) decides first: a record's name is no header word.
            // (A value is rarely a header word: asked after the cheap comparisons.)
            let header = Columns.HeaderText(text)
            if ImportKind.order.contains(where: { Columns.target(header, kind: $0, mapping: ColumnMapping()) == column.target }) {
                same += 1
                keyColumn = keyColumn || key
            } else {
                if key { return false }
                other += 1  // (所属行业 over 行业: another header word, or a value)
            }
        }
        return same > 0 && (other == 0 || (keyColumn && same >= 2 && other < same))
    }

    /// Words a sheet's instruction row puts under each header (必填, 选填), in their `asciiForm`
    /// as cells are compared: （必填） and (必填) alike.
    static let instructionWords: Set<String> = ["必填", "选填", "可选", "非必填", "必填项", "选填项", "可不填", "可空", "*必填", "必填*",
                                                // zh-punct: keep (as `asciiForm` makes （必填）)
                                                "(必填)", "(选填)", "required", "optional"]
    /// What a footer's first cell starts with (制表人：张伟, 注：以上数据截至3月底), folded.
    static let footerWords = ["制表人", "制表日期", "制表时间", "制表", "填表人", "填表日期", "审核人", "审核", "统计人", "统计日期", "统计时间",
                              "注", "备注", "说明", "数据来源", "截止日期", "截至日期"]

    /// Whether `row` is a sheet's note, not a record: an instruction row (必填, 选填 under the
    /// headers); a footer (制表人：张伟, 注：…: its first cell a footer word and a colon, the rest
    /// of the row empty); or a section heading (一、华东区, the rest empty).
    /// An instruction row is one anywhere (sheets pasted together repeat it under their
    /// header); units rows only right under the header (`MappedTable.noteLines`: further down
    /// such a row is a record's, a contact named 万).
    static func isNoteRow(_ row: TableRow, _ columns: [MappedColumn]) -> Bool {
        guard let i = row.cells.firstIndex(where: \.hasContent), case .text(let raw) = row.cells[i] else { return false }
        guard let first = raw.unicodeScalars.first(where: { !$0.isWhiteSpaceFast })?.asciiForm else { return false }
        if "必选可非*(（roRO".unicodeScalars.contains(first) {
            var any = false
            var all = true
            for column in columns {
                let cell = column.index < row.cells.count ? row.cells[column.index] : .empty
                guard cell.hasContent else { continue }
                guard case .text(let t) = cell, instructionWords.contains(CellReading.halfWidth(t.trimmedWhitespace).lowercased()) else { all = false; break }
                any = true
            }
            if any && all { return true }
        }
        let footer = "制填审统注备说数截".unicodeScalars.contains(first), section = "一二三四五六七八九十".unicodeScalars.contains(first)
        guard footer || section, row.cells[(i + 1)...].allSatisfy({ !$0.hasContent }) else { return false }
        let text = raw.trimmedWhitespace
        if footer {
            let folded = totalsFold(text)
            if let word = footerWords.first(where: { folded.hasPrefix($0) }), folded.dropFirst(word.count).first == ":" { return true }
        }
        if section {
            let numeral = text.unicodeScalars.prefix { "一二三四五六七八九十".unicodeScalars.contains($0) }
            let after = text.unicodeScalars.dropFirst(numeral.count).first
            if after == "、" || after == "." || after == "．" { return text.unicodeScalars.count <= 20 }
        }
        return false
    }

    /// Units a units row under the headers gives (in brackets or not, after 单位：), as
    /// `isUnitText` compares them (in their `asciiForm`, lower case).
    static let unitWords: Set<String> = ["元", "万元", "亿元", "千元", "百万元", "人民币", "人民币元", "人民币万元", "万", "亿", "rmb", "cny", "rmb万元",
                                         "%", "人", "个", "家", "天", "年", "月", "日", "次", "台", "套", "件", "平方米", "m2", "㎡",
                                         "yyyy-mm-dd", "yyyy/mm/dd", "年-月-日", "年/月/日"]

    /// Whether a cell of a units row says a unit: （万元）, [元], 单位：万元, RMB, %.
    static func isUnitText(_ text: String) -> Bool {
        guard let t = unitText(text), !t.isEmpty, !t.unicodeScalars.contains(where: { ("0"..."9").contains($0) }) else { return false }
        return unitWords.contains(t.lowercased()) || isAmountUnit(t)
    }

    /// A units cell's unit (（万元） and 单位：万元 give 万元, (USD) USD), in half width; nil for a
    /// long text.
    static func unitText(_ text: String) -> String? {
        var t = CellReading.halfWidth(text.trimmedWhitespace)
        guard t.utf8.count <= 40 else { return nil }
        if let open = t.first, let close = t.last, t.count >= 2,
           (open == "(" && close == ")") || (open == "[" && close == "]") || (open == "【" && close == "】") {
            t = String(t.dropFirst().dropLast()).trimmedWhitespace
        }
        let lower = t.lowercased()
        // zh-punct: keep (the prefixes as `asciiForm` makes them)
        for prefix in ["单位:", "单位", "units:", "unit:", "unit", "币种:"] where lower.hasPrefix(prefix) {
            t = String(t.dropFirst(prefix.count)).trimmedWhitespace
            break
        }
        return t
    }

    /// Whether a cell of a row under the header says how to fill the column in: 必填, 选填,
    /// (必填), required, or a unit.
    static func isHeaderNote(_ text: String) -> Bool {
        instructionWords.contains(CellReading.halfWidth(text.trimmedWhitespace).lowercased()) || isUnitText(text)
    }

    /// Whether `row` (right under the header) says how to fill the columns in, not a record:
    /// each cell with something in it in a mapped column is an instruction or a unit (必填,
    /// （万元）, in any mix), one at least; or, with none in a mapped column, each other cell is.
    static func isHeaderNoteRow(_ row: TableRow, _ columns: [MappedColumn]) -> Bool {
        var any = false
        for column in columns where column.index < row.cells.count && row.cells[column.index].hasContent {
            guard case .text(let t) = row.cells[column.index], isHeaderNote(t) else { return false }
            any = true
        }
        if any { return true }
        for cell in row.cells where cell.hasContent {
            guard case .text(let t) = cell, isHeaderNote(t) else { return false }
            any = true
        }
        return any
    }

    /// A field named as an import's column names it (`电话`, `预算（万元）`), and the value as the
    /// import reads it under that header: a plain number in the header's amount unit (`预算（万元）=5`
    /// is 5万元; the command line stored 5 元: helper-94). Nil when the name is no column's.
    public static func assignment(_ name: String, _ value: String, kind: ImportKind) throws -> (key: String, value: String)? {
        let header = name.trimmingCharacters(in: .whitespaces)
        guard case .field(let key)? = Columns.target(header, kind: kind) else { return nil }
        if let spec = Schema.field(kind.entity, key: key), case .money = spec.type, let unit = headerUnit(header), isAmountUnit(unit) {
            let read = withUnit(value, unit)
            // A value with its own unit or currency under a name with one: which is meant is not
            // clear (¥5 under 预算（万元） was 5 元 without a word: helper-96).
            if read == value, !value.trimmedWhitespace.isEmpty, Money.parse("1" + unit).map({ $0.minorUnits != 100 }) ?? false {
                throw ArchiveError(.invalidValue, "\(header) names the unit \(unit) and \(value) has its own; write the number alone (5), or give the field as \(key)=\(value)",
                                   zh: "“\(header)”已注明单位“\(unit)”，值“\(value)”又自带单位或币种，无法确定以哪个为准。请只写数字（如 5），或改用 \(key)=\(value)")
            }
            return (key, read)
        }
        return (key, value)
    }

    /// The unit a header gives its column in brackets at its end (预算（万元）, 金额(USD),
    /// 金额【万元】; the last part of 预算（含税，万元）) or after a slash (预算/万元).
    static func headerUnit(_ header: String) -> String? {
        let h = CellReading.halfWidth(header.trimmedWhitespace)
        if let close = h.last, close == ")" || close == "]" || close == "】" {
            let open: Character = close == ")" ? "(" : close == "]" ? "[" : "【"
            guard let i = h.lastIndex(of: open), i != h.startIndex else { return nil }
            let inner = String(h[h.index(after: i)..<h.index(before: h.endIndex)])
            let last = inner.split(whereSeparator: { ",，、;；".contains($0) }).last.map(String.init) ?? inner
            return unitText(last)
        }
        // (客户名称/Company is two names of a column: only a unit after the slash is one.)
        if let slash = h.lastIndex(where: { $0 == "/" || $0 == "／" }), slash != h.startIndex,
           let tail = unitText(String(h[h.index(after: slash)...])), !tail.isEmpty, isAmountUnit(tail) {
            return tail
        }
        return nil
    }

    /// The input of an amount column's cell that a unit changes: a number cell whose format
    /// shows a currency or unit (`shown`: USD 20, 120万元; it wins over the column's), or a plain
    /// number under the column's `unit` (120 → 120万元). Nil when neither applies.
    static func amountInput(_ cell: CellValue, unit: String?, shown: NumberFormat.AmountUnit?) -> String? {
        switch cell {
        case .number(let d):
            switch shown {
            case .currency(let code)?: return code + " " + fullNumber(d)  // (¥ 12345678901234.56 came back .60: helper-96)
            case .unit(let u)?: return fullNumber(d) + u
            case .percent?: return CellReading.number(d * 100) + "%"  // (no amount: refused, as shown)
            case .percentSign?: return CellReading.number(d) + "%"
            case nil: return unit.map { fullNumber(d) + $0 }
            }
        case .text(let t):
            guard let unit else { return nil }
            let with = withUnit(t, unit)
            return with == t ? nil : with
        default: return nil
        }
    }

    /// A number cell of an amount column as the digits the money type reads, with the column's
    /// unit after it where it has one (`1.2345678` `万元`: scaled by the money type, exactly, and
    /// refused as finer than a fen; it was rounded to the fen first: helper-94). The number as
    /// Excel shows it (15 significant digits: 0.1 + 0.2 is 0.3, not 0.30000000000000004), or, where
    /// that cuts an amount written to the fen, the shortest digits that are the stored number
    /// (12345678901234.56, shown 12345678901234.6: our own export came back 4 fen off), and in
    /// full where Excel shows an exponent (1E+22, 1E-07: refused as too large, finer than a fen).
    static func fullNumber(_ d: Double) -> String {
        let shown = CellReading.number(d)
        guard d.isFinite else { return shown }
        if shown.contains("E") { return Decimal(d).description }
        var exact = "\(d)"  // (Swift's shortest text that reads back as d)
        if exact.hasSuffix(".0") { exact.removeLast(2) }
        if exact != shown, !exact.contains("e"), let dot = exact.firstIndex(of: "."), exact.distance(from: dot, to: exact.endIndex) <= 3 {
            return exact
        }
        return shown
    }

    /// Whether `unit` written after a number makes an amount (万元, 万, 美元, USD, 元), and so is
    /// an amount column's unit.
    static func isAmountUnit(_ unit: String) -> Bool {
        !unit.isEmpty && Money.parse("1" + unit) != nil
    }

    /// `input` (an amount cell's text) with the column's unit after it when it is a plain
    /// number (120, 1,200.5); as it is when it has its own unit or currency (300万, $5).
    /// (Digits and separators in full width too, and spaces between digit groups: １２０, 1 200,
    /// 1，200 were read as yuan.)
    static func withUnit(_ input: String, _ unit: String?) -> String {
        guard let unit else { return input }
        let text = CellReading.halfWidth(input.trimmedWhitespace)
        guard text.unicodeScalars.contains(where: { ("0"..."9").contains($0) }),
              text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "." || $0 == "," || $0 == "，" || $0.properties.isWhitespace })
        else { return input }
        return text.filter { !$0.isWhitespace } + unit
    }

    /// Lines named in a message: runs of consecutive lines as ranges, at most `limit` items:
    /// "第 3–29、40 行", "第 3、5 行等" (zh); "line 3", "lines 3–29, 40, …".
    static func lineList(_ lines: [Int], zh: Bool, limit: Int = 20) -> String {
        var items: [String] = []
        var k = 0
        while k < lines.count && items.count < limit {
            var end = k
            while end + 1 < lines.count && lines[end + 1] == lines[end] + 1 { end += 1 }
            if end > k + 1 {
                items.append("\(lines[k])–\(lines[end])")
            } else {
                items += lines[k...end].map(String.init)
            }
            k = end + 1
        }
        let more = k < lines.count
        if zh { return "第 \(items.joined(separator: "、")) 行" + (more ? "等" : "") }
        return (lines.count > 1 ? "lines " : "line ") + items.joined(separator: ", ") + (more ? ", …" : "")
    }

    /// What a sheet's totals row says, folded (`totalsFold`): such a row sums up the others and
    /// is no record (black-box findings: 合计, then ＴＯＴＡＬ, 合計, 华北区小计 and 合计金额 became
    /// customers). The Chinese words longest first.
    static let totalsWordsCJK = ["合计数", "总合计", "总金额", "合计", "总计", "小计", "共计", "总数", "汇总", "累计", "总共", "总额", "小结"]
    static let totalsWordsASCII = ["grandtotal", "subtotals", "subtotal", "totals", "total", "sum"]
    /// What may follow a Chinese totals word in the same cell: 合计金额, 合计人民币, 汇总表.
    static let totalsTails: Set<String> = ["金额", "数", "数量", "额", "值", "行", "人民币", "表", "家"]
    /// What a count may be followed by: 合计 4家, 共15家.
    static let countUnits: Set<Unicode.Scalar> = ["家", "个", "条", "项", "行", "人", "户", "笔", "次", "元", "万"]
    /// What a region's 小计 ends with (华北区小计, 客户总数, 本月新增客户合计).
    static let totalsEndings = ["小计", "合计", "总计", "总数", "汇总", "累计"]
    /// The characters a totals row's label may start with (in full width, traditional or either
    /// case too), and the last ones of 华北区小计: every other row is done at once.
    static let totalsInitials: Set<Unicode.Scalar> = ["合", "总", "總", "小", "共", "汇", "彙", "累", "t", "T", "ｔ", "Ｔ", "s", "S", "ｓ", "Ｓ", "g", "G", "ｇ", "Ｇ"]
    static let totalsFinals: Set<Unicode.Scalar> = ["计", "計", "数", "數", "总", "總", ":", "："]

    /// Text as totals words are compared: full width made ASCII, white space, invisible
    /// characters, `-`, `_` and `·` dropped, lower case, and the traditional 計 總 彙 數 as 计 总
    /// 汇 数.
    static func totalsFold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars.lazy.map(\.asciiForm) {
            if s.isWhiteSpaceFast || s == "-" || s == "_" || s == "·" || s.properties.generalCategory == .format { continue }
            switch s {
            case "計": out.append("计")
            case "總": out.append("总")
            case "彙": out.append("汇")
            case "數": out.append("数")
            case "A"..."Z": out.append(Unicode.Scalar(s.value + 32)!)
            default: out.append(s)
            }
        }
        return String(out)
    }

    /// Whether a cell holds nothing or an amount or count: a number, or text that is one with
    /// a currency sign, thousands separators or a unit (¥1,700,000, 170万元, 15家, 12%). Not a
    /// phone (0755-…, 138…, +33 1 …), a date, an address (2 Place…) or other text: a record's
    /// row has such cells (black-box findings: a customer called Total with an address, a log
    /// entry of 3台设备, were skipped).
    static func isAmount(_ cell: CellValue) -> Bool {
        switch cell {
        case .empty, .number: return true
        case .text(let t):
            var text = Substring(t.trimmedWhitespace)
            if text.isEmpty { return true }
            while let first = text.first, "¥￥$€+-".contains(first) { text = text.dropFirst() }
            for unit in ["万元", "亿元", "元", "万", "亿", "家", "个", "条", "项", "行", "人", "户", "笔", "次", "%"] where text.hasSuffix(unit) {
                text = text.dropLast(unit.count)
                break
            }
            let digits = text.filter { $0 != "," && $0 != "，" }
            // (A leading 0 is a phone's or a code's, and eleven digits from 1 a mobile's.)
            if digits.count > 1 && digits.first == "0" && !digits.hasPrefix("0.") { return false }
            if digits.count == 11 && digits.first == "1" && digits.allSatisfy(\.isASCII) { return false }
            return !digits.isEmpty && digits.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }) && Double(digits) != nil
        default: return false
        }
    }

    /// The first non-empty cell of `row` when the row is a totals row, else nil. It is one when
    /// every other cell holds nothing or an amount (`isAmount`: a record has other text, a grade,
    /// a contact, a type), and its first cell, folded, is: a totals word alone, or followed by a
    /// colon and a few words (小计：华北区), by a bracketed note that ends the cell (合计（2家）), by a
    /// count (合计 4家), or by 金额, 人民币… (合计金额); 共 and a count (共15家); Total, Subtotal,
    /// Grand total or Sum followed by nothing with a letter (Total 12, Total:); or at most 14
    /// characters ending in 小计, 合计, 总数… (华北区小计, 本月新增客户合计：). 合计（北京）科技有限公司
    /// and 汇总1号便利店 are names (something follows the bracket, or the number), and so is Total
    /// Solutions or TOTAL 88 Trading (letters).
    static func totalsWord(_ row: TableRow) -> String? {
        guard let i = row.cells.firstIndex(where: { $0 != .empty }), case .text(let raw) = row.cells[i] else { return nil }
        // Most rows are done here, before the folding below (which, run on every row, was a
        // fifth of a 100,000-customer import's CPU).
        guard let first = raw.unicodeScalars.first(where: { !$0.isWhiteSpaceFast }),
              totalsInitials.contains(first) || raw.unicodeScalars.last(where: { !$0.isWhiteSpaceFast }).map(totalsFinals.contains) == true
        else { return nil }
        guard row.cells[(i + 1)...].allSatisfy(isAmount) else { return nil }
        let text = raw.trimmedWhitespace
        guard text.utf8.count <= 60 else { return nil }
        var folded = Substring(totalsFold(text))
        while let last = folded.last, last == ":" || last == "：" { folded.removeLast() }
        func isCount(_ tail: Substring) -> Bool {
            let digits = tail.unicodeScalars.prefix { ("0"..."9").contains($0) }
            guard !digits.isEmpty else { return false }
            return tail.unicodeScalars.dropFirst(digits.count).allSatisfy { countUnits.contains($0) }
        }
        func endsLabel(_ tail: Substring) -> Bool {
            guard let next = tail.first else { return true }
            if next == ":" || next == "：" { return tail.count <= 11 }
            let pairs: [Character: Character] = ["(": ")", "（": "）", "[": "]", "【": "】"]
            if let close = pairs[next] { return tail.last == close && !tail.dropFirst().dropLast().contains(close) }
            return isCount(tail)
        }
        if let word = totalsWordsCJK.first(where: { folded.hasPrefix($0) }) {
            let tail = folded.dropFirst(word.count)
            if endsLabel(tail) || totalsTails.contains(String(tail)) { return text }
        }
        if folded.hasPrefix("共"), isCount(folded.dropFirst()) { return text }
        if let word = totalsWordsASCII.first(where: { folded.hasPrefix($0) }),
           !folded.dropFirst(word.count).unicodeScalars.contains(where: { ("a"..."z").contains($0) }) {
            return text
        }
        if folded.count <= 14, totalsEndings.contains(where: { folded.hasSuffix($0) }) { return text }
        return nil
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
                        if notice == .numericIdentifier { out.countNumericIdentifier(column.header) }
                        row.contact.append((key, read))
                    } catch let f as CellReading.Failure {
                        problem(f.reason, f.reasonZH)
                    } catch let e as ArchiveError {
                        problem(e.reason, e.reasonZH ?? e.reason)
                    } catch {
                        problem("\(error)", "\(error)")
                    }
                case .computed, .skipped: break
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
                            if notice == .numericIdentifier { out.countNumericIdentifier(column.header) }
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

    // MARK: - Pass 2: identities, references, duplicates, operations

    /// Archive customers whose name holds a text no customer is named (合肥京东方 for 合肥京东方
    /// 光电科技有限公司, which the command line finds; 省 and 市 left out as customer add
    /// compares names): named in a refusal (it said only "not found": helper-127, helper-128),
    /// and in the note on a text taken as one of several. The archive's keys are made once and
    /// found by their pieces (`NameGrams`), not compared with each text (a file of many names
    /// each written otherwise scanned the archive once per row: a large import hung in CI; then
    /// 50 texts were looked for at most, and the 51st went without its note: helper-130).
    final class NearCustomers {
        private let state: ArchiveState
        private var keys: [(key: String, label: String)]?
        private var grams: NameGrams?
        private var shortGrams: NameGrams?
        private var found: [String: [String]] = [:]

        init(_ state: ArchiveState) { self.state = state }

        /// A name as compared here: its company key for likeness, in simplified characters (华为
        /// found no near name where 華為 found 華為技術有限公司: helper-144).
        static func key(_ name: String) -> String { CompanyName.comparable(Identity.companyKey(CompanyName.Simplified.fold(name))) }

        /// Up to six customers (`C4 南京地铁集团有限公司`) whose name holds `text`'s, in record order.
        func names(_ text: String) -> [String] {
            if let known = found[text] { return known }
            if keys == nil {
                var all: [(id: UInt64, key: String, label: String)] = []
                state.each(.customer) { c in
                    if let n = c["name"]?.text { all.append((c.id, Self.key(n), "\(c.shortID) \(c.displayName)")) }
                }
                keys = all.sorted { $0.id < $1.id }.map { ($0.key, $0.label) }  // (record order: the same answer every time)
            }
            let key = Self.key(text)
            var out: [String] = []
            let scalars = Array(key.unicodeScalars)
            if scalars.count >= 2 {
                // (Four-character pieces, or two for a text of two or three: the 51st short text
                // went without its note when they were compared with every name: helper-131.)
                let size = scalars.count >= 4 ? 4 : 2
                if size == 4 && grams == nil { grams = NameGrams(keys!.map { Array($0.key.unicodeScalars) }) }
                if size == 2 && shortGrams == nil { shortGrams = NameGrams(keys!.map { Array($0.key.unicodeScalars) }, short: true) }
                for k in (size == 4 ? grams! : shortGrams!).mayHold(scalars) where keys![k].key.contains(key) {
                    out.append(keys![k].label)
                    if out.count > 5 { break }
                }
            }
            found[text] = out
            return out
        }
    }

    enum RowStatus { case new, updated, unchanged, duplicate }

    struct Build {
        var set = ChangeSet(label: "")
        /// The row of each operation (by operation index from 0).
        var operationRows: [Int] = []
        var problems: [Int: [ImportProblem]] = [:]
        var status = RowStatuses()
        var warnings: [ImportProblem] = []
        var duplicatesRefused = 0
        /// The customer rows that add their contact person (counted as new contacts: a row whose
        /// customer was in the archive already said 新增 0 条 while it added the person).
        var inlineContacts = Set<Int>()
        /// The customer rows whose contact person the customer has already and whose values
        /// update it (`--on-duplicate update`): counted as updated contacts.
        var inlineContactUpdates = Set<Int>()
        /// The customer rows whose contact person the archive has as the row has it (update:
        /// `.unchanged`) or that leave it as it is (skip: `.duplicate`): counted so (they were
        /// not counted at all: helper-97).
        var inlineContactKept: [Int: RowStatus] = [:]
        /// The rows refused as duplicates of a record of the archive (`--on-duplicate refuse`):
        /// the ones `Importer.preview` asks whether they would change it at all.
        var archiveDuplicates = Set<Int>()
        /// The archive's index the rows were compared with.
        var index: ArchiveIndex?
    }

    /// What identifies a row, from its own text only (no table of the pass looks at it): a
    /// customer row's company key, valid credit code and phone key; the company key and credit
    /// code check of the customer another row names. Computed for all rows on both cores before
    /// the pass in file order, which uses them instead of computing them there.
    struct RowKeys: Sendable {
        /// Customers: of the name. Rows naming a customer: of that text.
        var companyKey: TextKey?
        /// Customers: the name's credit code when valid. Rows naming a customer: the check of that text.
        var credit: CreditCode.Check?
        /// Customers: of the phone.
        var phone: String?

        /// The keys of a text that names a customer, as computed elsewhere.
        init(companyKey: TextKey, credit: CreditCode.Check) {
            self.companyKey = companyKey
            self.credit = credit
        }

        init(_ r: Row) {
            switch r.kind {
            case .customers:
                companyKey = TextKey(Identity.companyKey(r.field("name") ?? ""))
                credit = r.field("creditCode").map(CreditCode.check)
                phone = r.field("phone").flatMap(Identity.phoneKey)
            default:
                if let text = r.refs["customer"] {
                    companyKey = TextKey(Identity.companyKey(text))
                    credit = CreditCode.check(text)
                }
            }
        }

        /// The keys of `rows` not excluded and without problems (the ones the pass plans).
        static func of(_ rows: [Row], excluding excluded: Set<Int>) -> [RowKeys?] {
            let wanted: @Sendable (Int, Row) -> Bool = { i, r in !excluded.contains(i) && r.problems.isEmpty }
            guard rows.count >= 2_048 else { return rows.enumerated().map { wanted($0, $1) ? RowKeys($1) : nil } }
            return Parallel.fill(rows.count, chunk: 8_192) { i in wanted(i, rows[i]) ? RowKeys(rows[i]) : nil }
        }
    }

    /// Each row's status by row index (nil: none given), in an array rather than a table of a
    /// million entries.
    struct RowStatuses {
        private var values: [RowStatus?] = []

        init(rows: Int = 0) { values = Array(repeating: nil, count: rows) }

        subscript(row: Int) -> RowStatus? {
            get { row < values.count ? values[row] : nil }
            set { values[row] = newValue }
        }
    }

    /// The archive's records by what identifies them (customers by their short id: all that the
    /// pass takes from them).
    struct ArchiveIndex: Sendable {
        var customerByKey: [TextKey: String] = [:]
        /// Customers by their exact name (canonically equal): found before their company key,
        /// which two customers' names may share (上海浦东发展银行 and …股份有限公司).
        var customerByName: [TextKey: String] = [:]
        var customerByCredit: [String: String] = [:]
        var customerByCode: [String: String] = [:]
        var customerByPhone: [String: String] = [:]
        /// Customers by their short names and aliases (compared as company names are), for a
        /// reference that names none by its name: "" when a name is another's too (ambiguous).
        var customerByOtherName: [TextKey: String] = [:]
        /// Company keys that two or more customers' names share (上海浦东发展银行 and
        /// 上海浦东发展银行股份有限公司), with those customers' short ids in record order: a
        /// reference that writes neither name exactly is ambiguous.
        var sharedKeys: [TextKey: [String]] = [:]
        var contacts: [UInt64: [Entity]] = [:]
        var projects: [UInt64: [Entity]] = [:]
        var logKeys = Set<LogKey>()
        var complaintKeys = Set<LogKey>()
        /// Customers whose names have traditional characters, by the company key of their names
        /// in simplified ones (臺灣積體電路製造 for a reference 台湾积体电路制造), in record order
        /// (two when 華為 and 華爲 share a key: a reference names neither, and both are said).
        /// (A scan of each name's scalars against a bit table: no ICU.)
        var customerBySimplifiedKey: [TextKey: [String]] = [:]

        /// What identifies one customer record (it depends on the record alone).
        struct CustomerKeys: Sendable {
            var name: String?
            var nameKey: TextKey?
            var exactName: TextKey?
            var credit: String?
            var code: String?
            var phone: String?
            var otherNames: [TextKey] = []

            init(_ c: Entity) {
                name = c["name"]?.text
                nameKey = name.map { TextKey(Identity.companyKey($0)) }
                exactName = name.map { TextKey($0.trimmedWhitespace) }
                if let code = c["creditCode"]?.text, case .valid(let v) = CreditCode.check(code) { credit = v }
                code = c["code"]?.text?.lowercased()
                phone = c["phone"]?.text.flatMap(Identity.phoneKey)
                otherNames = c.otherNames.map { TextKey(Identity.companyKey($0)) }.filter { !$0.text.isEmpty && $0 != nameKey }
            }
        }

        /// No table filled (one core's half of `init`'s tables).
        private init() {}

        /// With `customersOnly`, the customers' tables alone (contacts, projects and the log's
        /// keys left empty: what a list of customers is compared with).
        init(_ state: ArchiveState, customersOnly: Bool = false) {
            // The customers' keys on both cores, then the tables filled in the records' order
            // (a later customer with the same key takes it, as before).
            var held: [Entity] = []
            held.reserveCapacity(state.count(.customer))
            state.each(.customer) { held.append($0) }
            held.sort { $0.id < $1.id }  // the records' order: the same answer in every run
            let customers = held
            let keys = customers.count < 4_096 ? customers.map(CustomerKeys.init)
                : Parallel.fill(customers.count, chunk: 8_192) { CustomerKeys(customers[$0]) }
            // The tables are independent of each other: those of the names on one core, the
            // others on the other (each filled in the records' order).
            let ids = customers.map(\.shortID)
            let filled = Parallel.map(2) { part -> ArchiveIndex in
                var t = ArchiveIndex()
                if part == 0 {
                    t.customerByKey.reserveCapacity(ids.count)
                    t.customerByName.reserveCapacity(ids.count)
                    for (id, k) in zip(ids, keys) {
                        if let key = k.nameKey {
                            if let earlier = t.customerByKey[key] { t.sharedKeys[key, default: [earlier]].append(id) }
                            t.customerByKey[key] = id
                        }
                        if let exact = k.exactName { t.customerByName[exact] = id }
                        if let n = k.name, CompanyName.Simplified.hasTraditional(n) {
                            let folded = TextKey(Identity.companyKey(CompanyName.Simplified.fold(n)))
                            t.customerBySimplifiedKey[folded, default: []].append(id)
                        }
                    }
                } else {
                    t.customerByPhone.reserveCapacity(ids.count)
                    for (id, k) in zip(ids, keys) {
                        if let credit = k.credit { t.customerByCredit[credit] = id }
                        if let code = k.code { t.customerByCode[code] = id }
                        if let phone = k.phone { t.customerByPhone[phone] = id }
                        for other in k.otherNames where t.customerByOtherName[other] != id {
                            t.customerByOtherName[other] = t.customerByOtherName[other] == nil ? id : ""
                        }
                    }
                }
                return t
            }
            (customerByKey, customerByName, sharedKeys) = (filled[0].customerByKey, filled[0].customerByName, filled[0].sharedKeys)
            customerBySimplifiedKey = filled[0].customerBySimplifiedKey
            (customerByCredit, customerByCode, customerByPhone, customerByOtherName) = (filled[1].customerByCredit, filled[1].customerByCode, filled[1].customerByPhone, filled[1].customerByOtherName)
            if customersOnly { return }
            state.each(.contact) { p in if let c = p["customer"]?.ref { contacts[c, default: []].append(p) } }
            state.each(.project) { p in if let c = p["customer"]?.ref { projects[c, default: []].append(p) } }
            logKeys = Self.logKeys(state)
            state.each(.complaint) { t in
                if let c = t["customer"]?.ref, let at = t["receivedAt"]?.int {
                    complaintKeys.insert(Importer.complaintKey("C\(c)", at, t["description"]?.text ?? ""))
                }
            }
        }

        /// What makes each entry of the archive's contact log the same as another (`logKey`).
        static func logKeys(_ state: ArchiveState) -> Set<LogKey> {
            var keys = Set<LogKey>()
            state.each(.activity) { l in
                if let c = l["customer"]?.ref, let at = l["at"]?.int { keys.insert(Importer.logKey("C\(c)", at, l["summary"]?.text ?? "")) }
            }
            return keys
        }
    }

    /// The customer a reference names: a source id of this file, a credit code, a code or a
    /// name (compared as company names are), in the file first, then in the archive; nil when
    /// none. (Each lookup is skipped when its table is empty: the same answer, without the key.)
    static func customerRef(_ text: String, keys: RowKeys?, file customers: FileCustomers, sourceIDs: [String: String],
                            index: ArchiveIndex, state: ArchiveState) -> String? {
        if !sourceIDs.isEmpty, let r = sourceIDs[text.uppercased()], r.hasPrefix("@") || r.hasPrefix("C") { return r }
        if let found = customerByCode(text, keys: keys, file: customers, index: index) {
            return found.otherByName == nil ? found.ref : nil  // (ambiguous)
        }
        let key = keys?.companyKey ?? TextKey(Identity.companyKey(text))
        if !customers.byExactName.isEmpty, let f = customers.byExactName[TextKey(text.trimmedWhitespace)] { return f.ref }
        if let f = customers.byKey[key] { return f.ref }
        if let c = index.customerByName[TextKey(text.trimmedWhitespace)] { return c }
        if let c = index.customerByKey[key] { return index.sharedKeys.isEmpty || index.sharedKeys[key] == nil ? c : nil }  // (ambiguous)
        if !customers.byOtherName.isEmpty, let f = customers.byOtherName[key] { return f.ref.isEmpty ? nil : f.ref }
        if !index.customerByOtherName.isEmpty, let c = index.customerByOtherName[key], !c.isEmpty { return c }
        if let id = UInt64(text.uppercased().dropFirst(text.uppercased().hasPrefix("C") ? 1 : 0)), let c = state.entity(.customer, id),
           text.uppercased().hasPrefix("C") {
            return c.shortID
        }
        if case let found = customersInSimplified(text, file: customers, index: index), found.count == 1, let only = found.first { return only }
        return nil
    }

    /// The customers a name in traditional characters names, or that a name names whose own is
    /// stored in them (臺灣積體電路製造 and 台湾积体电路制造), compared in simplified ones as the
    /// commands' lookups compare them: what `customerRef` finds once nothing was found as written
    /// (a log row naming one found nothing). One ref alone is the customer; more name none, and
    /// are listed when the row is refused.
    static func customersInSimplified(_ text: String, file customers: FileCustomers, index: ArchiveIndex) -> Set<String> {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x3400 }) else { return [] }
        let folded = CompanyName.Simplified.fold(text)
        let key = TextKey(Identity.companyKey(folded))
        var found = Set<String>()
        if folded != text {
            if let f = customers.byKey[key] { found.insert(f.ref) }
            if let c = index.customerByKey[key] { found.formUnion(index.sharedKeys[key] ?? [c]) }
        }
        if !customers.bySimplifiedKey.isEmpty, let refs = customers.bySimplifiedKey[key] { found.formUnion(refs) }
        if !index.customerBySimplifiedKey.isEmpty, let refs = index.customerBySimplifiedKey[key] { found.formUnion(refs) }
        return found
    }

    /// The customer a text names by its credit code or customer code (in the file first, then in
    /// the archive), and the other customer whose name the text is (exactly, or as company names
    /// compare), if there is one: then
    /// the text names neither (`BJ01`, one customer's code and another's name; the code was
    /// taken, and a log's entries went to the other customer without a word: black-box finding).
    static func customerByCode(_ text: String, keys: RowKeys?, file customers: FileCustomers, index: ArchiveIndex) -> (ref: String, otherByName: String?)? {
        var ref: String?
        if case .valid(let code) = keys?.credit ?? CreditCode.check(text) {
            ref = customers.byCredit[code]?.ref ?? index.customerByCredit[code]
        }
        if ref == nil, !customers.byCode.isEmpty || !index.customerByCode.isEmpty {
            let lower = text.lowercased()
            ref = customers.byCode[lower]?.ref ?? index.customerByCode[lower]
        }
        guard let ref else { return nil }
        // (By exact name, or by company name: bj01 is BJ01's too.)
        let exact = TextKey(text.trimmedWhitespace)
        let key = keys?.companyKey ?? TextKey(Identity.companyKey(text))
        let byName = (customers.byExactName.isEmpty ? nil : customers.byExactName[exact]?.ref) ?? index.customerByName[exact]
            ?? customers.byKey[key]?.ref ?? index.customerByKey[key]
        return (ref, byName.flatMap { $0 != ref ? $0 : nil })
    }

    /// What makes two log entries (or complaints) the same: the customer (as referred to), the
    /// time, and the text without white space. (Equal exactly when the text `customer|at|text`
    /// is, which the key once was: `|` composes with nothing, so the three parts compare apart.)
    struct LogKey: Hashable, Sendable {
        let customer: String
        let at: Int64
        let text: TextKey
    }

    static func logKey(_ customer: String, _ at: Int64, _ text: String) -> LogKey {
        LogKey(customer: customer, at: at, text: TextKey(text.removingWhitespaceCharacters))
    }

    /// What makes a complaint the same as another: its customer, its text and the minute it
    /// was received (a complaint filed at 20:33:43 and a row's 20:33 were two: helper-120).
    static func complaintKey(_ customer: String, _ at: Int64, _ text: String) -> LogKey {
        logKey(customer, at.floorDiv(60) * 60, text)
    }

    /// A person's or project's name as compared: half-width, lower case, without white space or
    /// invisible characters (zero-width, bidi marks, U+034F, Hangul fillers).
    static func personKey(_ name: String) -> String { CompanyName.personKey(name) }

    /// Pass 2 over the rows not excluded: the change set, its operations' rows, each row's
    /// status, and the problems found here (duplicates, references that name nothing).
    /// `identical`: rows that duplicate a record of the archive and would change nothing in it
    /// (`Importer.identicalRows`); with `--on-duplicate refuse` they are counted unchanged, not
    /// refused.
    func buildChangeSet(_ rows: [Row], tables: [MappedTable], excluding excluded: Set<Int>, source: ImportSource, identical: Set<Int> = []) -> Build {
        var b = Build()
        b.set = ChangeSet(label: Self.label(source), origin: .importFile)
        let index = ArchiveIndex(archive.state)
        b.index = index
        let keys = RowKeys.of(rows, excluding: excluded)
        var customers = FileCustomers()
        // The file's customer rows refused already, by company key: a row that names one is told
        // so (it was told the customer is nowhere in the file, black-box finding).
        var refusedCustomers: [TextKey: (table: String, line: Int)] = [:]
        for i in excluded where rows[i].kind == .customers {
            if let name = rows[i].field("name") {
                let key = TextKey(Identity.companyKey(name))
                if refusedCustomers[key] == nil { refusedCustomers[key] = (tables[rows[i].mapped].table.name, rows[i].line) }
            }
        }
        var people: [String: (ref: String, line: Int)] = [:]  // customer ref | person key → ref
        var updatedPeople = Set<String>()  // archive contacts a customer row updates (counted once)
        var mobiles: [String: (ref: String, line: Int)] = [:]
        var projects: [String: (ref: String, line: Int)] = [:]
        var logKeys: [LogKey: Int] = [:]
        /// The row of each complaint new in the file, by its key; the first row of each archive
        /// complaint a row updates.
        var complaintRowOfKey: [LogKey: Int] = [:]
        var complaintUpdateRow: [UInt64: Int] = [:]
        var sourceIDs: [String: String] = [:]
        var sourceIDLines: [String: (table: String, line: Int)] = [:]
        var sourceIDOfRef: [String: String] = [:]  // the file's record id of each record it makes
        /// The values each record created or updated by this file was given (for `update` of a later row).
        var fileFields: [String: FileRecord] = [:]
        /// The stage each project created or moved by this file is at after its rows so far (a
        /// later row compares with that, not with the archive).
        var fileStages: [String: SalesStage] = [:]
        var updateWarnings: [ImportProblem] = []  // apart from `b`, which `add` changes meanwhile
        // Room for every row at once (the tables would otherwise be rehashed as they grow).
        b.status = RowStatuses(rows: rows.count)
        b.set.reserveCapacity(rows.count)
        b.operationRows.reserveCapacity(rows.count)
        if rows.contains(where: { $0.kind == .customers }) {
            customers.reserve(rows.count)
            fileFields.reserveCapacity(rows.count)
        }
        if rows.contains(where: { $0.kind == .log || $0.kind == .complaints }) { logKeys.reserveCapacity(rows.count) }
        // A handover: another salesperson's export; the new customers say where they came from.
        let handover = source.exportedFrom.flatMap { from in
            from.owner == archive.vault.header.owner ? nil : "交接导入：原为\(ChineseText.possessive(from.owner))客户（\(from.date) 导出，文件 \(source.fileName)）"
        }

        // Complaint steps given without their time (处理时间, 回访时间), by table: dated at the
        // import, and said (helper-99 M6: a survey of last month was dated today without a word).
        var undatedSteps: [String: (resolved: [Int], surveyed: [Int])] = [:]
        func noteUndated(_ r: Row, resolved: Bool) {
            let table = tables[r.mapped].table.name
            if resolved { undatedSteps[table, default: ([], [])].resolved.append(r.line) } else { undatedSteps[table, default: ([], [])].surveyed.append(r.line) }
        }
        // An export of this very archive (its 档案编号): its 记录号 are this archive's ids, and a
        // row whose text was edited in the sheet is still the record it was exported from.
        let ownIDs = recordIDs == .thisArchive
        // The file's times written in a time zone this machine does not know (a warning says
        // so): an entry's time is not changed by such a file. (One it knows: read in it.)
        let zoneShifted = source.exportedFrom?.timeZone.map { $0 != TimeZone.current.identifier && TimeZone(identifier: $0) == nil } ?? false

        // An export of this archive's owner whose 记录号 are not taken as this archive's: said,
        // as edited names and texts then come in as new records (nothing said so: helper-100).
        // (A file without 说明 whose ids are written as SalesVault writes them: a CSV export, or
        // a workbook whose 说明 was deleted; nothing was said: helper-101.)
        var notTrusted: RecordIDs.Why?
        if case .notThisArchive(let why) = recordIDs { notTrusted = why }
        if source.exportedFrom == nil, let t = tables.firstIndex(where: { $0.column(ofTarget: .sourceID) != nil }),
           rows.contains(where: { $0.mapped == t && $0.sourceID.flatMap(Self.recordID) != nil }) {
            notTrusted = .noAboutSheet
        }
        if let whyNot = notTrusted, let t = tables.first(where: { $0.column(ofTarget: .sourceID) != nil }) {
            let why: (String, String)
            switch whyNot {
            case .otherCopy: why = ("it was exported from another copy of this archive (a backup restored, or a copy that was changed on its own)",
                                    "文件是从本档案的另一个副本导出的（例如从备份恢复的档案，或在别处单独修改过的副本），记录号与本档案对不上")
            case .noArchiveID: why = ("it does not say which archive it was exported from (an older SalesVault's export, or its 说明 sheet changed)",
                                      "文件没有注明导出自哪个档案（可能是较早版本的 SalesVault 导出的文件，或“说明”工作表被改动过）")
            case .noVersion: why = ("its 说明 sheet gives no readable 档案版本 (changed or deleted)", "文件“说明”工作表中的“档案版本”缺失或被改动过")
            case .otherOwner: why = ("its 说明 sheet names another owner than this archive's", "文件“说明”工作表中的档案所有人与本档案不同")
            case .otherArchive: why = ("it was exported from another archive of yours", "文件是从您的另一个档案导出的")
            case .noAboutSheet: why = ("it has no 说明 sheet saying which archive it came from (a CSV file has none)", "文件没有注明导出自哪个档案的“说明”工作表（CSV 文件没有该工作表）")
            }
            updateWarnings.append(ImportProblem(
                table: t.table.name, line: 0, column: t.column(ofTarget: .sourceID)?.header,
                reason: "the column \(t.column(ofTarget: .sourceID)?.header ?? "ID") is not read as this archive's record ids: \(why.0). Rows are matched by their names, times and content, so a record renamed or edited in the file comes in as a new one. To edit records in a spreadsheet, export them again and edit the new file",
                reasonZH: "本文件中的记录号不能用来对应本档案的记录：\(why.1)。导入时将按名称、时间和内容与档案比对，表格中改过名称或内容的行可能作为新记录导入，也可能对应不上原记录。如需在表格中修改档案记录，请从本档案重新导出，在新文件中修改后再导入"))
        }

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
            }
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
            guard let sheet, sheet != here else { return ("line \(line) of this file", "本文件第 \(line) 行") }
            return ("\(sheet) line \(line)", "“\(sheet)”工作表第 \(line) 行")
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
        /// The archive's records rows the archive has as they are stood for, with the first such
        /// row's line.
        var unchangedRecords: [String: Int] = [:]
        /// A row the archive has as it is (`identical`): unchanged; but a later row of the file
        /// for the same record is refused as that row's duplicate, as the second of two rows of a
        /// new record is (both were counted unchanged: helper-116). False when refused.
        func unchangedOnce(_ i: Int, _ r: Row, record: String, column: String?, value: String?) -> Bool {
            if let line = unchangedRecords[record] {
                _ = duplicateHint()
                refuse(i, column, value, "the same \(r.kind.entity.en) as line \(line) of this file", "与本文件第 \(line) 行重复")
                return false
            }
            unchangedRecords[record] = r.line
            b.status[i] = .unchanged
            return true
        }
        /// Counts a duplicate refused (the CLI says once, after the list, how to skip or update).
        func duplicateHint() -> (String, String) {
            b.duplicatesRefused += 1
            return ("", "")
        }
        /// What a row that duplicates `match` becomes under `--on-duplicate`: refused (nil), or
        /// the record it stands for (skipped, or updated with the row's values).
        func settle(_ i: Int, _ r: Row, _ kind: EntityKind, _ match: (ref: String, line: Int?, why: MatchReason), value: String) -> String? {
            switch options.onDuplicate {
            case .refuse where identical.contains(i):
                // (The archive has it as the row has it.)
                guard unchangedOnce(i, r, record: match.ref, column: header(r, "name"), value: value) else { return nil }
            case .refuse:
                var why = match.why
                if match.line == nil, namedAsInArchive(kind, match.ref, r) {
                    b.archiveDuplicates.insert(i)
                    // Which values differ, when some do (a refusal of a row named as in the
                    // archive did not say why it was not unchanged: helper-116).
                    if let e = archiveID(match.ref).flatMap({ archive.state.entity(kind, $0) }) {
                        let d = differingFromArchive(kind, e, r)
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
                _ = duplicateHint()
                refuse(i, header(r, "name"), value, en, zh)
                return nil
            case .skip:
                b.status[i] = .duplicate
                sayOtherName(i, r, kind, match, updated: false)
            case .update:
                let status = update(kind, ref: match.ref, r, row: i, earlier: fileFields[match.ref], warnings: &updateWarnings,
                                    table: tables[r.mapped].table.name, fileName: source.fileName, add: add)
                // (Said before this row's fields are merged into the record's: a third row of a
                // contact taken by its mobile, under another name again, was compared with its
                // own name and not said: helper-146.)
                sayOtherName(i, r, kind, match, updated: true)
                fileFields[match.ref] = Self.merged(fileFields[match.ref], r, table: tables[r.mapped].table.name)
                b.status[i] = status
            }
            return match.ref
        }
        /// Says a row taken for a customer or contact of another name by its phone, mobile or
        /// credit code (skipped, or updating it with `--on-duplicate update`): 天津某某机械有限公司
        /// with 甲公司's phone updated 甲公司 without a word (helper-145). (Not a row found by its
        /// record id, which renames its record, or by a short name.) The first `nearNamesShown`
        /// are said one by one.
        var otherNamesSaid = 0
        var otherNameLines: [String: [Int]] = [:]
        func sayOtherName(_ i: Int, _ r: Row, _ kind: EntityKind, _ match: (ref: String, line: Int?, why: MatchReason), updated: Bool) {
            // (A record of the archive an earlier row was taken for: the archive's name, which
            // the file's record does not keep.)
            let archived = archiveID(match.ref).flatMap { archive.state.entity(kind, $0) }
            guard kind == .customer || kind == .contact, [.phone, .mobile, .creditCode].contains(match.why.kind), let name = r.field("name"),
                  let other = recordName(kind, match) ?? archived?["name"]?.text else { return }
            let same = kind == .customer ? Identity.companyKey(name) == Identity.companyKey(other) : Self.personKey(name) == Self.personKey(other)
            guard !same else { return }
            let table = tables[r.mapped].table.name
            guard otherNamesSaid < Self.nearNamesShown else { otherNameLines[table, default: []].append(r.line); return }
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
                shown = ("the archive's \(label)", "档案中的 \(label) ")  // (a space after a name without quotes)
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
            updateWarnings.append(ImportProblem(
                table: table, line: r.line, column: header(r, "name"), value: name,
                reason: "\(name) has the \(fieldEN) of \(shown.en) and is taken for that \(what.en), \(outcome.en). If it is another \(what.en), leave its \(fieldEN) out of the row and import it again",
                reasonZH: "“\(name)”与\(shown.zh)\(match.why.zh)，\(outcome.zh)。如并非同一\(what.zh)，请删除本行的\(field)后重新导入"))
        }

        /// Remembers the file's id of a row (记录号) for rows that refer to it; an id given twice
        /// is noted (references to it name the first row).
        func registerSourceID(_ r: Row, _ ref: String) {
            guard let id = r.sourceID?.uppercased(), !id.isEmpty else { return }
            if sourceIDOfRef[ref] == nil { sourceIDOfRef[ref] = id }
            let table = tables[r.mapped].table.name
            if sourceIDs[id] == nil {
                sourceIDs[id] = ref
                sourceIDLines[id] = (table, r.line)
            } else if let earlier = sourceIDLines[id] {
                // (The earlier row named with its sheet when another's: helper-100.)
                let at = earlier.table == table ? (en: "line \(earlier.line)", zh: "第 \(earlier.line) 行") : (en: "\(earlier.table) line \(earlier.line)", zh: "“\(earlier.table)”第 \(earlier.line) 行")
                updateWarnings.append(ImportProblem(
                    table: table, line: r.line, column: tables[r.mapped].column(ofTarget: .sourceID)?.header, value: r.sourceID,
                    reason: "the id \(id) was already given at \(at.en); references to it mean that earlier row",
                    reasonZH: "记录号 \(id) 已在\(at.zh)出现；其他行引用 \(id) 时，均指\(at.zh)的记录"))
            }
        }
        /// Whether row `r` and the record `ref` the file made earlier have different record ids
        /// (记录号): two records of the file however alike, not duplicates of each other (an export
        /// of an archive where one was added with --force beside the other).
        func distinctRecords(_ r: Row, _ ref: String) -> Bool {
            guard ref.hasPrefix("@"), let id = r.sourceID?.uppercased(), !id.isEmpty, let other = sourceIDOfRef[ref] else { return false }
            return id != other
        }
        /// The archive's record of `kind` a row's 记录号 names, when the file is an export of this
        /// archive (§4.1: its 档案编号, owner and 档案版本 are this archive's), `.none` when the
        /// file's ids are its own or the row has none (a row added in the sheet); a 记录号 that
        /// names no live record of that kind, of the row's customer (`customer`, for what belongs
        /// to one), or that an earlier row of the file gave, refuses the row (`.refused`).
        enum Own { case none, record(Entity), refused }
        var ownLines: [String: (table: String, line: Int)] = [:]
        func ownRecord(_ i: Int, _ r: Row, _ kind: EntityKind, customer: String? = nil) -> Own {
            guard ownIDs, let given = r.sourceID, !given.isEmpty else { return .none }
            let column = tables[r.mapped].column(ofTarget: .sourceID)?.header
            guard let (k, n) = Self.recordID(given) else {
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
                refuse(i, column, given, "\(id) \(e.displayName) was removed from the archive\(by.map { " (batch \($0))" } ?? ""); this row is not imported again. To bring it back, undo that batch\(by.map { " (salesvault undo \($0))" } ?? ""), or take the row out of the file",
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
                let at = earlier.table == table ? "第 \(earlier.line) 行" : "“\(earlier.table)”第 \(earlier.line) 行"
                let atEN = earlier.table == table ? "line \(earlier.line)" : "\(earlier.table) line \(earlier.line)"
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
        /// What happened to the archive after the export (by field), read once, when asked.
        var sinceExport: (batches: [FieldKey: UInt64], atVersion: [FieldKey: FieldValue?])?
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
                } else if e["customer"]?.ref == owner, Self.personKey(old) == Self.personKey(name) {
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
        /// The archive's customers and contacts as renames are compared with them, built at the first rename.
        var duplicateFinder: Identity.DuplicateFinder?
        /// Records of this archive that a row of the file renames (an export of this archive
        /// imported back with `--on-duplicate update`), with the new name and the row.
        var renamedInFile: [String: (name: String, row: Int)] = [:]
        if ownIDs && options.onDuplicate == .update {
            for (i, r) in rows.enumerated() where !excluded.contains(i) && r.problems.isEmpty && (r.kind == .customers || r.kind == .contacts) {
                guard let given = r.sourceID, let (k, n) = Self.recordID(given), k == r.kind.entity, let e = archive.state.entity(k, n),
                      let name = r.field("name"), !name.trimmedWhitespace.isEmpty, name.trimmedWhitespace != (e["name"]?.text ?? "").trimmedWhitespace else { continue }
                renamedInFile[e.shortID] = (name, i)
            }
        }
        /// Customers renamed so far, and renames waiting for a customer's (`renameAndClear`).
        var renamesDone = Set<String>(), renamesInterim = Set<String>()
        var renamesWaiting: [String: [(id: String, name: String, row: Int)]] = [:]
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
            default:
                others = []
            }
            // A record that another row of the file renames to another name is no clash (two
            // contacts' names swapped in an export were both refused, each for the other's old
            // name: helper-97); one that another row renames to this name is.
            func alike(_ a: String, _ b: String) -> Bool { kind == .customer ? Identity.companyKey(a) == Identity.companyKey(b) : Self.personKey(a) == Self.personKey(b) }
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
                let at = rows[to.row].line
                refuse(i, header(rows[i], "name"), name,
                       "line \(at) renames \(other.shortID) \(other.displayName) to \(to.name) too: two \(kind.en)s of one name; check which is meant",
                       "第 \(at) 行也把 \(other.shortID) \(other.displayName)改名为“\(to.name)”，与本行改名后重名。请核对哪一行的改名是正确的")
                return false
            }
            if let (other, why) = others.first {
                let command = kind == .customer ? "customer" : "contact"
                refuse(i, header(rows[i], "name"), name,
                       "renaming \(e.shortID) \(e.displayName) to \(name) would make it like \(other.shortID) \(other.displayName); if they are different, rename it with salesvault \(command) edit \(e.shortID) --set name=\(name) --force",
                       "把 \(e.shortID) \(e.displayName)改名为“\(name)”后，将与档案中的 \(other.shortID) \(other.displayName)\(why)。如确实是不同的\(kind.zh)，请先用 salesvault \(command) edit \(e.shortID) --set name=\(name) --force 改名，再重新导入本文件")
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
        // Archive customers whose name holds a text no customer is named, named in the refusal
        // (`NearCustomers`).
        let nearCustomers = NearCustomers(archive.state)
        func nearNames(_ text: String) -> [String] { nearCustomers.names(text) }
        /// The customer a reference names: a source id of this file, a credit code, a code or
        /// a name (compared as company names are), in the file first, then in the archive.
        func customerRef(_ text: String, keys: RowKeys? = nil) -> String? {
            Self.customerRef(text, keys: keys, file: customers, sourceIDs: sourceIDs, index: index, state: archive.state)
                ?? formerlyNamed(.customer, text)
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
        }
        var children: [EntityKind: [UInt64: Children]] = [:]
        func archiveChildren(_ kind: EntityKind, of id: UInt64) -> Children {
            if let made = children[kind]?[id] { return made }
            var t = Children()
            for e in (kind == .contact ? index.contacts : index.projects)[id] ?? [] {
                let name = e["name"]?.text ?? ""
                let key = Self.personKey(name)
                t.byKey[key, default: []].append(e)
                if kind == .contact {
                    let folded = CompanyName.Simplified.hasTraditional(name) ? CompanyName.personKey(CompanyName.Simplified.fold(name)) : key
                    t.byFolded[folded, default: []].append((e, key))
                    if let mobile = e["mobile"]?.text.flatMap(Identity.phoneKey), t.byMobile[mobile] == nil { t.byMobile[mobile] = e }
                }
            }
            children[kind, default: [:]][id] = t
            return t
        }
        func childRef(_ kind: EntityKind, customer: String, name: String, mobile: String? = nil) -> String? {
            if !sourceIDs.isEmpty, let r = sourceIDs[name.uppercased()], r.hasPrefix("@") || r.hasPrefix(kind.idPrefix) { return r }
            let key = "\(customer)|\(Self.personKey(name))"
            if let f = (kind == .contact ? people : projects)[key] { return f.ref }
            if let id = archiveID(customer) {
                let named = archiveChildren(kind, of: id).byKey[Self.personKey(name)] ?? []
                if named.count > 1, let mobile = mobile.flatMap(Identity.phoneKey),
                   let e = named.first(where: { $0["mobile"]?.text.flatMap(Identity.phoneKey) == mobile }) {
                    return e.shortID
                }
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
        // The file's new contacts by customer and the person key of their names in simplified
        // characters (the first of each): a new contact 張三 beside 张三 is said, as `contact add`
        // asks about it (it was added without a word: helper-144). The first `nearNamesShown`
        // are said one by one, the others together (20,000 printed 20,000 notes: helper-145).
        var foldedPeople: [String: (name: String, line: Int, table: String)] = [:]
        var namesakeLines: [String: [Int]] = [:]  // by table, beyond those said
        var namesakesSaid = 0
        func sayNamesake(_ r: Row, customer: String, name: String, column: String?) {
            let own = Self.personKey(name)
            let traditional = CompanyName.Simplified.hasTraditional(name)
            let folded = traditional ? CompanyName.personKey(CompanyName.Simplified.fold(name)) : own
            let key = "\(customer)|\(folded)"
            let table = tables[r.mapped].table.name
            defer { if foldedPeople[key] == nil { foldedPeople[key] = (name, r.line, table) } }
            // Every one the archive has (張偉 and 張伟 beside 张伟), in record order.
            let others = (archiveID(customer).map { archiveChildren(.contact, of: $0).byFolded[folded]?.filter { $0.key != own }.map(\.e) ?? [] } ?? []).sorted { $0.id < $1.id }
            let earlier = others.isEmpty ? foldedPeople[key].flatMap { Self.personKey($0.name) != own ? $0 : nil } : nil
            guard !others.isEmpty || earlier != nil else { return }
            guard namesakesSaid < Self.nearNamesShown else { namesakeLines[table, default: []].append(r.line); return }
            namesakesSaid += 1
            let how = (en: "the same name but for traditional and simplified characters", zh: "姓名仅繁简写法不同")
            // (The advice to name the row as the archive does with --on-duplicate, only when not given.)
            let asked = options.onDuplicate != .refuse
            if let earlier {
                let at = earlier.table == table ? (en: "line \(earlier.line)", zh: "本文件第 \(earlier.line) 行") : (en: "\(earlier.table) line \(earlier.line)", zh: "“\(earlier.table)”工作表第 \(earlier.line) 行")
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
        // The cell texts of the sheets --kind left out (made on the first row that needs them):
        // a customer found there is said to be in a sheet left out.
        var leftOutTexts: Set<String>?
        func inLeftOutSheet(_ text: String) -> Bool {
            guard options.kind != nil else { return false }
            if leftOutTexts == nil {
                let imported = Set(tables.map(\.table.name))
                leftOutTexts = Set(source.tables.filter { !imported.contains($0.name) }.flatMap { $0.rows.flatMap { $0.cells.map { Self.plain($0).trimmedWhitespace } } })
            }
            return leftOutTexts!.contains(text.trimmedWhitespace)
        }
        var notedNames: Set<String> = []  // (texts said taken as one customer of several)
        func customerOf(_ i: Int, _ r: Row) -> String? {
            guard let text = r.refs["customer"] else { return nil }  // a missing customer is already a problem
            guard let ref = customerRef(text, keys: keys[i]) else {
                let key = keys[i]?.companyKey ?? TextKey(Identity.companyKey(text))
                func shown(_ ref: String) -> String { archive.state.entity(.customer, archiveID(ref) ?? 0).map { "\($0.shortID) \($0.displayName)" } ?? ref }
                if let found = Self.customerByCode(text, keys: keys[i], file: customers, index: index), let other = found.otherByName {
                    refuse(i, header(r, "customer"), text, "\(text) is the code or credit code of one customer (\(shown(found.ref))) and the name of another (\(shown(other))); give the one meant by another of its names: full name, code or credit code",
                           "“\(text)”无法确定对应哪家客户：它与 \(shown(found.ref)) 的编号（或统一社会信用代码）相同，又与 \(shown(other)) 的客户名称相同。请改填客户全称、客户编号或统一社会信用代码，以便准确对应")
                } else if let shared = index.sharedKeys[key] {
                    let listed = shared.prefix(5).map { id in archive.state.entity(.customer, archiveID(id) ?? 0).map { "\($0.shortID) \($0.displayName)" } ?? id }
                    refuse(i, header(r, "customer"), text, "\(text) matches more than one customer in the archive (\(listed.joined(separator: "; "))); give the customer's full name as the archive writes it, its code or credit code",
                           "“\(text)”与档案中多个客户的名称相近（\(listed.joined(separator: "、"))），无法确定是哪一家。请按档案中的写法填写客户全称，也可改填客户编号或统一社会信用代码")
                } else if index.customerByOtherName[key] == "" || customers.byOtherName[key]?.ref == "" {
                    let inFile = customers.byOtherName[key]?.ref == ""
                    refuse(i, header(r, "customer"), text, "\(text) is the short name or alias of more than one customer in \(inFile ? "this file" : "the archive"); give the customer's full name, code or credit code",
                           "“\(text)”是\(inFile ? "本文件" : "档案")中多个客户的简称或别名，无法确定是哪一家。请改填客户全称、客户编号或统一社会信用代码")
                } else if case let found = Self.customersInSimplified(text, file: customers, index: index), found.count > 1 {
                    // (Written in neither way, with a customer of each in the archive or the
                    // file: 中興通讯. One of the file said by its line and name, not its
                    // placeholder: helper-144.)
                    func label(_ ref: String) -> (en: String, zh: String) {
                        guard ref.hasPrefix("@") else { let s = shown(ref); return (s, s) }
                        let line = fileFields[ref]?.line
                        let name = fileFields[ref]?.fields.first { $0.0 == "name" }?.1 ?? ""
                        return line.map { ("\(name) (line \($0) of this file)", "本文件第 \($0) 行的“\(name)”") } ?? (ref, ref)
                    }
                    let listed = found.sorted { (archiveID($0) ?? .max, fileFields[$0]?.line ?? 0, $0) < (archiveID($1) ?? .max, fileFields[$1]?.line ?? 0, $1) }.map(label)
                    refuse(i, header(r, "customer"), text, "\(text), compared in simplified characters, matches the names of more than one customer (\(listed.map(\.en).joined(separator: "; "))); give the customer's full name as written, its code or credit code",
                           "“\(text)”转为简体后与多个客户的名称相同（\(listed.map(\.zh).joined(separator: "、"))），无法确定是哪一家。请将客户全称改成与其中一家完全一致的写法，也可在此列改填客户编号或统一社会信用代码")
                } else if let refused = refusedCustomers[key] {
                    refuse(i, header(r, "customer"), text, "\(text) is on line \(refused.line) of \(refused.table) in this file, but that row was refused, so this one cannot be imported either; correct that row first",
                           "客户“\(text)”所在的行（本文件“\(refused.table)”第 \(refused.line) 行）有误，因此本行也无法导入。请先改正该行")
                } else if inLeftOutSheet(text) {
                    // (Sheets --kind left out may hold it: "in this file" would contradict the file.)
                    refuse(i, header(r, "customer"), text, "no customer \(text) in the archive or in the sheets imported (--kind left the others out); import the customer first, or import the whole workbook without --kind",
                           "找不到客户“\(text)”：档案中没有，本次按 --kind 导入的工作表中也没有（其他工作表已略过）。请先导入该客户，或去掉 --kind 导入整个工作簿")
                } else if case let found = nearNames(text), !found.isEmpty {
                    let listed = found.prefix(5).joined(separator: "、") + (found.count > 5 ? "等" : "")
                    refuse(i, header(r, "customer"), text, "no customer is named \(text); the archive has \(found.prefix(5).joined(separator: "; ")): write the customer's full name as the archive does, its code or credit code",
                           "档案中没有名为“\(text)”的客户，名称相近的有：\(listed)。请按档案中的写法填写客户全称，也可改填客户编号或统一社会信用代码")
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
                }
            }
            return ref
        }
        // The archive's log entries by what makes them the same (made once, for the first row
        // that updates one).
        var entriesByKey: [LogKey: UInt64]?
        func archiveEntry(_ key: LogKey) -> UInt64? {
            if entriesByKey == nil { entriesByKey = Self.recordsByKey(archive.state, .activity, at: "at", text: "summary") }
            return entriesByKey?[key]
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
                fields.append((key, input))
            }
            if own { fields += cleared(r, entry, except: ["contacts", "project"]) }
            if let contacts, !contacts.isEmpty {
                let ids = contacts.split(separator: ",").map { $0.hasPrefix("@") ? nil : UInt64($0.dropFirst()) }
                if ids.contains(nil) || Set(ids.compactMap { $0 }) != Set(entry["contacts"]?.refs ?? []) { fields.append(("contacts", contacts)) }
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
        var complaintsByKey: [LogKey: UInt64]?
        var complaintsByDay: [LogKey: LogKey?]?
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
            if complaintsByKey == nil { complaintsByKey = Self.recordsByKey(archive.state, .complaint, at: "receivedAt", text: "description", key: Importer.complaintKey) }
            return complaintsByKey?[key]
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
            let unfounded = Self.unfounded(r.refs["status"]) ?? headerSaysUnfounded(r) ?? false
            return .withdrawComplaint(ref, unfounded: unfounded, reason: "按导入文件“\(source.fileName)”记为：\(unfounded ? "投诉不成立" : "客户撤回投诉")", at: at)
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
            if let unfounded = Self.unfounded(r.refs["status"]), r.instants["withdrawnAt"] != nil, t["withdrawnAt"] != nil,
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
            let d = Self.complaintRowDiffering(rows[first], r, now: options.now)
            if d.isEmpty {
                b.status[i] = .duplicate
            } else {
                refuseSecondComplaintRow(i, r, first: first, differing: d)
            }
            return true
        }
        func refuseSecondComplaintRow(_ i: Int, _ r: Row, first: Int, differing d: [String]) {
            let specs = d.compactMap { Schema.field(.complaint, key: $0) }
            let otherTable = tables[rows[first].mapped].table.name, here = tables[r.mapped].table.name
            let at = (en: (otherTable == here ? "" : "\(otherTable) ") + "line \(rows[first].line)",
                      zh: (otherTable == here ? "本文件" : "“\(otherTable)”工作表") + "第 \(rows[first].line) 行")
            refuse(i, header(r, specs.first?.key ?? "description"), nil,
                   "the same complaint as \(at.en) of this file (same customer, time and content), but its \(specs.map(\.en).joined(separator: ", ")) differ\(specs.count > 1 ? "" : "s"): write one complaint in one row",
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
            }
            return added ? .updated : .unchanged
        }
        func contactRefs(_ i: Int, _ r: Row, key: String, customer: String) -> String? {
            guard let text = r.refs[key] else { return nil }
            var refs: [String] = []
            // (One person whose name has a comma, Smith, John, also in a list, Smith, John、王敏, as an
            // export writes it and the archive reads the field: it was Smith and John; 王敏 李雷
            // and 王敏和李雷 are two people, as on the command line.)
            let listed = ChangeDraft.peopleNamed(text) { childRef(.contact, customer: customer, name: $0) != nil }
            for name in listed {
                guard let ref = childRef(.contact, customer: customer, name: name) else {
                    refuse(i, header(r, key), text, "\(name) is not a contact of this customer in the file or the archive",
                           "该客户下没有联系人“\(name)”（本文件和档案中都没有）")
                    continue
                }
                refs.append(ref)
            }
            return refs.joined(separator: ",")
        }

        for (i, r) in rows.enumerated() where !excluded.contains(i) && r.problems.isEmpty {
            let before = b.problems[i]?.count ?? 0
            switch r.kind {
            case .customers:
                let name = r.field("name") ?? ""
                let rowKeys = keys[i]!  // computed for every row planned here
                let credit: String? = rowKeys.credit.flatMap { if case .valid(let v) = $0 { return v } else { return nil } }
                let key = rowKeys.companyKey!
                let phone = rowKeys.phone
                var match: (ref: String, line: Int?, why: MatchReason)?
                guard let own = ownNamed(i, r, .customer, name: name) else { continue }
                if let own {
                    match = (own.shortID, nil, MatchReason(.recordID, "same record id", "记录号相同"))
                    // (Its new name found by the rows that name it, also when this row is refused.)
                    customers.register(ref: own.shortID, line: r.line, key: key, credit: credit, code: r.field("code"), phone: phone)
                    customers.register(ref: own.shortID, line: r.line, traditionalName: name)
                }
                else if let credit, let c = index.customerByCredit[credit] {
                    // The name one archive customer's and the credit code another's: an update
                    // would not know which (it updated the credit code's without a word: helper-92).
                    if options.onDuplicate == .update,
                       let named = (index.sharedKeys[key] == nil ? index.customerByKey[key] : index.customerByName[TextKey(name.trimmedWhitespace)])
                           ?? index.customerByOtherName[key].flatMap({ $0.isEmpty ? nil : $0 }), named != c {  // (or its short name or alias: helper-94)
                        func shown(_ ref: String) -> String { archive.state.entity(.customer, archiveID(ref) ?? 0).map { "\($0.shortID) \($0.displayName)" } ?? ref }
                        refuse(i, header(r, "creditCode") ?? header(r, "name"), credit,
                               "the name is \(shown(named))'s (its name, short name or alias) in the archive and the credit code \(shown(c))'s: which to update is not clear; check the name and the credit code",
                               "客户名称对应档案中的 \(shown(named))，统一社会信用代码却属于 \(shown(c))，无法确定要更新哪一家。请核对名称和统一社会信用代码")
                        continue
                    }
                    match = (c, nil, MatchReason(.creditCode, "same credit code", "统一社会信用代码相同"))
                }
                else if let c = index.sharedKeys[key] == nil ? index.customerByKey[key] : index.customerByName[TextKey(name.trimmedWhitespace)] {
                    match = (c, nil, MatchReason(.name, "same name", "名称相同"))
                } else if let shared = index.sharedKeys[key] {
                    // Names written alike by two archive customers, neither exactly: a duplicate
                    // of both, and an update would not know which to change.
                    if options.onDuplicate == .update {
                        refuse(i, header(r, "name"), name, "\(name) matches more than one customer in the archive (\(shared.prefix(5).joined(separator: ", "))); write the name exactly as the archive does, or give the credit code, to say which to update",
                               "“\(name)”与档案中多个客户的名称相近（\(shared.prefix(5).joined(separator: "、"))），无法确定要更新哪一家。请按档案中的写法填写客户全称，或改填统一社会信用代码")
                        continue
                    }
                    let others = shared.dropLast().prefix(4)
                    match = (shared.last!, nil, MatchReason(.sharedName, "same name; also like \(others.joined(separator: ", "))", "名称相同；与 \(others.joined(separator: "、")) 的名称也相近"))
                }
                else if let c = index.customerByOtherName[key], !c.isEmpty { match = (c, nil, MatchReason(.otherName, "the same as its short name or an alias", "简称或别名相同")) }
                else if let phone, let c = index.customerByPhone[phone] { match = (c, nil, MatchReason(.phone, "same phone", "电话相同")) }
                else if let credit, let f = customers.byCredit[credit], !distinctRecords(r, f.ref) { match = (f.ref, f.line, MatchReason(.creditCode, "same credit code", "统一社会信用代码相同")) }
                else if let f = customers.byKey[key], !distinctRecords(r, f.ref) { match = (f.ref, f.line, MatchReason(.name, "same name", "名称相同")) }
                else if let phone, let f = customers.byPhone[phone], !distinctRecords(r, f.ref) { match = (f.ref, f.line, MatchReason(.phone, "same phone", "电话相同")) }
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
                    guard let settled = settle(i, row, .customer, match, value: name) else { continue }
                    ref = settled
                    if let own, renameAndClear(own, to: name, r, row: i) { b.status[i] = .updated }
                } else {
                    var fields = r.fields.filter { $0.0 != "name" }
                    if let handover {
                        let note = [r.field("note"), handover].compactMap { $0 }.joined(separator: "\n")
                        fields.removeAll { $0.0 == "note" }
                        fields.append(("note", note))
                    }
                    ref = "@\(add(.addCustomer(name: name, fields: fields), row: i))"
                    fileFields[ref] = FileRecord(r.line, r.fields, table: tables[r.mapped].table.name)
                    b.status[i] = .new
                }
                customers.register(ref: ref, line: r.line, key: key, credit: credit, code: r.field("code"), phone: phone)
                customers.register(ref: ref, line: r.line, exactName: TextKey(name.trimmedWhitespace), key: key)
                customers.register(ref: ref, line: r.line, traditionalName: name)
                for other in [r.field("shortName")].compactMap({ $0 }) + CompanyName.splitAliases(r.field("aliases") ?? "") {
                    customers.register(ref: ref, line: r.line, otherName: TextKey(Identity.companyKey(other)), besides: key)
                }
                registerSourceID(r, ref)
                // A contact person on the customer's row.
                if let person = r.contact.first(where: { $0.0 == "name" })?.1 {
                    let pkey = "\(ref)|\(Self.personKey(person))"
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
                            let status = update(.contact, ref: known, row, row: i, earlier: fileFields[known], warnings: &updateWarnings,
                                                table: tables[r.mapped].table.name, fileName: source.fileName, add: add)
                            fileFields[known] = Self.merged(fileFields[known], row, table: tables[r.mapped].table.name)
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
            case .contacts:
                guard let customer = customerOf(i, r) else { continue }
                let name = r.field("name") ?? ""
                let pkey = "\(customer)|\(Self.personKey(name))"
                let mobile = r.field("mobile").flatMap(Identity.phoneKey).map { "\(customer)|\($0)" }
                var match: (ref: String, line: Int?, why: MatchReason)?
                guard let own = ownNamed(i, r, .contact, customer: customer, name: name) else { continue }
                if let own {
                    match = (own.shortID, nil, MatchReason(.recordID, "same record id", "记录号相同"))
                    if people[pkey] == nil { people[pkey] = (own.shortID, r.line) }  // (as for a customer's above)
                } else if let existing = childRef(.contact, customer: customer, name: name, mobile: r.field("mobile")), !distinctRecords(r, existing) {
                    match = (existing, people[pkey]?.line, MatchReason(.personName, "same name at the same customer", "同一客户下姓名相同"))
                } else if let mobile, let f = mobiles[mobile], !distinctRecords(r, f.ref) {
                    match = (f.ref, f.line, MatchReason(.mobile, "same mobile", "手机号相同"))
                } else if let mobile, let id = archiveID(customer),
                          let p = r.field("mobile").flatMap(Identity.phoneKey).flatMap({ archiveChildren(.contact, of: id).byMobile[$0] }) {
                    match = (p.shortID, nil, MatchReason(.mobile, "same mobile", "手机号相同"))
                }
                var ref: String
                if let match {
                    guard let settled = settle(i, r, .contact, match, value: name) else { continue }
                    ref = settled
                    if let own, renameAndClear(own, to: name, r, row: i) { b.status[i] = .updated }
                } else {
                    sayNamesake(r, customer: customer, name: name, column: header(r, "name"))
                    ref = "@\(add(.addContact(customer: customer, name: name, fields: r.fields.filter { $0.0 != "name" }), row: i))"
                    fileFields[ref] = FileRecord(r.line, r.fields, table: tables[r.mapped].table.name)
                    b.status[i] = .new
                }
                if people[pkey] == nil { people[pkey] = (ref, r.line) }
                if let mobile, mobiles[mobile] == nil { mobiles[mobile] = (ref, r.line) }
                registerSourceID(r, ref)
            case .projects:
                guard let customer = customerOf(i, r) else { continue }
                let name = r.field("name") ?? ""
                var fields = r.fields.filter { $0.0 != "name" && $0.0 != "stage" }
                if let makers = contactRefs(i, r, key: "decisionMakers", customer: customer) { fields.append(("decisionMakers", makers)) }
                guard (b.problems[i]?.count ?? 0) == before else { continue }
                let stage = r.field("stage")
                var ref: String
                guard let own = ownNamed(i, r, .project, customer: customer, name: name) else { continue }
                if let own, projects["\(customer)|\(Self.personKey(name))"] == nil { projects["\(customer)|\(Self.personKey(name))"] = (own.shortID, r.line) }
                if let existing = own?.shortID ?? childRef(.project, customer: customer, name: name) {
                    switch options.onDuplicate {
                    case .refuse where identical.contains(i):
                        guard unchangedOnce(i, r, record: existing, column: header(r, "name"), value: name) else { continue }
                        ref = existing
                    case .refuse:
                        if !existing.hasPrefix("@"), namedAsInArchive(.project, existing, r) { b.archiveDuplicates.insert(i) }
                        let (en, zh) = duplicateText((existing, own == nil ? projects["\(customer)|\(Self.personKey(name))"]?.line : nil),
                                                     own == nil ? ("same name at the same customer", "同一客户下项目名称相同") : ("same record id", "记录号相同"), r)
                        let hint = duplicateHint()
                        refuse(i, header(r, "name"), name, en + hint.0, zh + hint.1)
                        continue
                    case .skip:
                        b.status[i] = .duplicate
                        ref = existing
                    case .update:
                        ref = existing
                        var row = r
                        row.fields = fields
                        // (The stage is compared below, with what an earlier row of the file set.)
                        let stageSpec = Schema.field(.project, key: "stage")!  // a schema literal
                        let otherStage = stage.flatMap { s in SalesStage.read(s.trimmedWhitespace).flatMap { w in fileStages[ref].map { w != $0 } } } == true
                        b.status[i] = update(.project, ref: ref, row, row: i, earlier: fileFields[ref], alsoDiffering: otherStage ? [(stageSpec.en, stageSpec.zh)] : [],
                                             warnings: &updateWarnings, table: tables[r.mapped].table.name, fileName: source.fileName, add: add)
                        if let own, renameAndClear(own, to: name, r, row: i) { b.status[i] = .updated }
                        fileFields[ref] = Self.merged(fileFields[ref], row, table: tables[r.mapped].table.name)
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
                    let n = add(.addProject(customer: customer, name: name, fields: fields), row: i)
                    ref = "@\(n)"
                    fileFields[ref] = FileRecord(r.line, fields, table: tables[r.mapped].table.name)
                    fileStages[ref] = .infoDevelopment
                    if let stage, SalesStage.read(stage.trimmedWhitespace) != .infoDevelopment {
                        _ = add(.setStage(ref, stage: stage, reason: "根据导入文件“\(source.fileName)”设定（新建项目）"), row: i)
                        if let wanted = SalesStage.read(stage.trimmedWhitespace) { fileStages[ref] = wanted }
                    }
                    b.status[i] = .new
                }
                let key = "\(customer)|\(Self.personKey(name))"
                if projects[key] == nil { projects[key] = (ref, r.line) }
                registerSourceID(r, ref)
            case .log:
                guard let customer = customerOf(i, r), let at = r.instants["at"] else { continue }
                let summary = r.field("summary") ?? ""
                let contacts = contactRefs(i, r, key: "contacts", customer: customer)
                var project: String?
                if let p = r.refs["project"] {
                    project = childRef(.project, customer: customer, name: p)
                    if project == nil {
                        refuse(i, header(r, "project"), p, "\(p) is not a project of this customer in the file or the archive", "该客户下没有项目“\(p)”（本文件和档案中都没有）")
                    }
                }
                guard (b.problems[i]?.count ?? 0) == before else { continue }
                // An entry of this archive by its 记录号 (of an export of it), its time or its text
                // the same: the row is that entry, its content edited in the sheet or not.
                let ownEntry: Entity?
                switch ownRecord(i, r, .activity, customer: customer) {
                case .refused: continue
                case .none: ownEntry = nil
                case .record(let e):
                    if refusesStale(i, r, e, fields: r.fields + cleared(r, e, except: ["contacts", "project"]), at: zoneShifted ? nil : at) { continue }
                    ownEntry = e
                }
                if let own = ownEntry {
                    switch options.onDuplicate {
                    case .refuse where identical.contains(i): _ = unchangedOnce(i, r, record: own.shortID, column: header(r, "summary"), value: summary)
                    case .refuse:
                        b.archiveDuplicates.insert(i)
                        _ = duplicateHint()
                        refuse(i, header(r, "summary"), summary, "already in the archive's contact log as \(own.shortID) (same record id)", "档案中已有这条跟进记录（\(own.shortID)，记录号相同）")
                    case .skip: b.status[i] = .duplicate
                    case .update: b.status[i] = updateLog(own.id, r, contacts: contacts, project: project, row: i, own: true)
                    }
                    continue
                }
                var key = Self.logKey(customer, at, summary)
                // One hash of the key when it is new (the common case): inserted at once, and the
                // earlier line put back when it was not.
                var inArchive = !index.logKeys.isEmpty && index.logKeys.contains(key)
                // A date without a time (midnight) is also the entry `log add --at` that date
                // made (09:00): the same entry (helper-99: it was added a second time).
                if !inArchive, !index.logKeys.isEmpty, let twin = Self.dateOnlyTwin(at), index.logKeys.contains(Self.logKey(customer, twin, summary)) {
                    key = Self.logKey(customer, twin, summary)
                    inArchive = true
                }
                let earlierLine = inArchive ? logKeys[key] : logKeys.updateValue(r.line, forKey: key)
                if inArchive || earlierLine != nil {
                    if let earlierLine, !inArchive { logKeys[key] = earlierLine }
                    if options.onDuplicate == .refuse, identical.contains(i) {
                        _ = unchangedOnce(i, r, record: archiveEntry(key).map { "L\($0)" } ?? "", column: header(r, "summary"), value: summary)
                    } else if options.onDuplicate == .refuse {
                        if inArchive && earlierLine == nil { b.archiveDuplicates.insert(i) }
                        let (en, zh) = earlierLine.map { ("the same entry as line \($0) of this file (same customer, time and content)", "与本文件第 \($0) 行重复（客户、时间、内容均相同）") }
                            ?? ("already in the archive's contact log (same customer, time and content)", "档案中已有这条跟进记录（客户、时间、内容均相同）")
                        let hint = duplicateHint()
                        refuse(i, header(r, "summary"), summary, en + hint.0, zh + hint.1)
                    } else if options.onDuplicate == .update, inArchive, earlierLine == nil, let id = archiveEntry(key) {
                        // The archive's entry with the row's other cells (next step, next date,
                        // way, place, people, project): they were dropped, and the file said to be
                        // in the archive already (helper-97).
                        b.status[i] = updateLog(id, r, contacts: contacts, project: project, row: i)
                    } else {
                        b.status[i] = .duplicate
                    }
                    continue
                }
                let entry = LogEntry(customer: customer, type: r.field("type") ?? "other", summary: summary, at: at,
                                     contacts: contacts.map { $0.split(separator: ",").map(String.init) } ?? [], project: project,
                                     nextStep: r.field("nextStep"), nextDate: r.field("nextDate"), location: r.field("location"))
                _ = add(.logActivity(entry), row: i)
                b.status[i] = .new
            case .complaints:
                guard let customer = customerOf(i, r), let received = r.instants["receivedAt"] else { continue }
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
                        continue
                    }
                    // (A status the column's header contradicts, 投诉不成立 under 撤诉时间: it was
                    // taken: helper-122.)
                    if withdrawal, r.instants["withdrawnAt"] != nil, let unfounded = headerSaysUnfounded(r), unfounded != (said == .unfounded) {
                        let h = tables[r.mapped].column("withdrawnAt")?.header ?? ""
                        refuse(i, column, text, "the status is \(text), but the column \(h) says the complaint was \(unfounded ? "found unfounded" : "withdrawn"): check the status, or name the column 撤诉/不成立时间",
                               "状态为“\(text)”，但列名“\(h)”表示\(unfounded ? "投诉不成立" : "客户撤诉")。请核对状态，或将列名改为“撤诉/不成立时间”")
                        continue
                    }
                    if r.instants["withdrawnAt"] == nil, withdrawal {
                        refuse(i, column, text, "the status is \(text), but the time withdrawn or found unfounded is not given: fill it in, or clear the status",
                               "状态为“\(text)”，但没有填写撤诉/不成立时间。请补填撤诉/不成立时间，或清空状态")
                        continue
                    }
                } else if r.instants["withdrawnAt"] != nil, headerSaysUnfounded(r) == nil {
                    // A time alone does not say which of the two (it made the complaint 已撤诉:
                    // helper-119).
                    let has = tables[r.mapped].column(ofTarget: .complaintStatus) != nil
                    refuse(i, header(r, "withdrawnAt"), nil,
                           "the time withdrawn or found unfounded is given, but not which: write 已撤诉 or 投诉不成立 in the column \(has ? "" : "(to add) ")状态",
                           "已填写撤诉/不成立时间，但未注明是已撤诉还是投诉不成立。请在\(has ? "" : "表中增加")“状态”列\(has ? "" : "，并")填写“已撤诉”或“投诉不成立”")
                    continue
                }
                let description = r.field("description") ?? ""
                var complainant: String?
                if let p = r.refs["complainant"] {
                    complainant = childRef(.contact, customer: customer, name: p)
                    if complainant == nil {
                        refuse(i, header(r, "complainant"), p, "\(p) is not a contact of this customer in the file or the archive", "该客户下没有联系人“\(p)”（本文件和档案中都没有）")
                        continue
                    }
                }
                // A complaint of this archive by its 记录号 (of an export of it), its number, time
                // or text the same: the row is that complaint, its text edited in the sheet or not.
                let ownComplaint: Entity?
                switch ownRecord(i, r, .complaint, customer: customer) {
                case .refused: continue
                case .none: ownComplaint = nil
                case .record(let e):
                    if refusesStale(i, r, e, fields: r.fields.filter { ["subject", "description", "channel"].contains($0.0) }) { continue }
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
                        continue
                    }
                    switch options.onDuplicate {
                    case .refuse where identical.contains(i): _ = unchangedOnce(i, r, record: own.shortID, column: header(r, "description"), value: description)
                    case .refuse:
                        b.archiveDuplicates.insert(i)
                        _ = duplicateHint()
                        let d = differingWords(complaintDiffering(own, r, complainant: complainant))
                        refuse(i, header(r, "description"), description, "already in the archive as \(own["number"]?.text ?? own.shortID) (same record id\(d.en))",
                               "档案中已有这条投诉（\(own["number"]?.text ?? own.shortID)，记录号相同\(d.zh)）")
                    case .skip: b.status[i] = .duplicate
                    case .update:
                        if secondRow(of: own.id, i, r) { continue }
                        // Its steps, then its words (被投诉人/部门, 投诉内容, 渠道) as the sheet now has them.
                        var fields: [(String, String)] = []
                        for key in ["subject", "description", "channel"] {
                            guard let input = r.field(key), let spec = Schema.field(.complaint, key: key) else { continue }
                            if let value = try? ChangeDraft.value(for: spec, input: input, now: options.now), value == own[number: spec.number] { continue }
                            fields.append((key, input))
                        }
                        guard let status = updateComplaint(own.id, r, row: i) else { continue }  // (a recorded step otherwise: refused)
                        if !fields.isEmpty { _ = add(.edit(.complaint, own.shortID, fields: fields), row: i) }
                        b.status[i] = fields.isEmpty ? status : .updated
                    }
                    continue
                }
                var key = Self.complaintKey(customer, received, description)
                // A date alone (read as midnight): the archive's complaint of that day, customer
                // and text, when there is one (a row's 2026-03-01 for one received at 09:00 was
                // added again: helper-120).
                if DateParser.startOfDay(DateParser.localDay(received)) == received, !index.complaintKeys.contains(key), let twin = complaintOfDay(key) { key = twin }
                if index.complaintKeys.contains(key) || logKeys[key] != nil {
                    if options.onDuplicate == .refuse, identical.contains(i) {
                        _ = unchangedOnce(i, r, record: archiveComplaint(key).map { "T\($0)" } ?? "", column: header(r, "description"), value: description)
                    } else if options.onDuplicate == .refuse {
                        _ = duplicateHint()
                        if let line = logKeys[key] {
                            let first = complaintRowOfKey[key].map { tables[rows[$0].mapped].table.name }
                            let other = first.flatMap { $0 == tables[r.mapped].table.name ? nil : $0 }  // (another sheet: named)
                            refuse(i, header(r, "description"), description, "the same complaint as \(other.map { "\($0) " } ?? "")line \(line) of this file (same customer, time and content)",
                                   "与\(other.map { "“\($0)”工作表" } ?? "本文件")第 \(line) 行是同一条投诉（客户、受理时间、投诉内容均相同）")
                        } else {
                            b.archiveDuplicates.insert(i)
                            let t = archiveComplaint(key).flatMap { archive.state.entity(.complaint, $0) }
                            let d: (en: String, zh: String) = t.map { differingWords(complaintDiffering($0, r, complainant: complainant)) } ?? ("", "")
                            refuse(i, header(r, "description"), description, "already in the archive as \(t.map { $0["number"]?.text ?? $0.shortID } ?? "a complaint") (same customer, time and content\(d.en))",
                                   "档案中已有这条投诉（\(t.map { ($0["number"]?.text ?? $0.shortID) + "，" } ?? "")客户、受理时间、投诉内容均相同\(d.zh)）")
                        }
                    } else if options.onDuplicate == .update, logKeys[key] == nil, let id = archiveComplaint(key) {
                        // The steps the archive's complaint has not had yet, from the row
                        // (通报, 处理, 回访): they were dropped without a word (helper-97); its
                        // 投诉人 as registered, and its 被投诉人/部门 and 渠道 as the sheet has them,
                        // as for a row with its record id (they were said unchanged: helper-116).
                        guard let t = archive.state.entity(.complaint, id) else { continue }
                        if secondRow(of: id, i, r) { continue }
                        if let c = complainant, archiveID(c) != t["complainant"]?.ref {
                            let number = t["number"]?.text ?? t.shortID
                            refuse(i, header(r, "complainant"), r.refs["complainant"],
                                   "complaint \(number) was registered with another complainant; what a complaint was registered with is not changed by an import: check the file",
                                   "文件中投诉 \(number) 的投诉人与登记时不一致。投诉登记后不能再更改投诉人，请在文件中改回登记时的内容，再重新导入")
                            continue
                        }
                        var fields: [(String, String)] = []
                        for key in ["subject", "channel"] {
                            guard let input = r.field(key), let spec = Schema.field(.complaint, key: key) else { continue }
                            if let value = try? ChangeDraft.value(for: spec, input: input, now: options.now), value == t[number: spec.number] { continue }
                            fields.append((key, input))
                        }
                        guard let status = updateComplaint(id, r, row: i) else { continue }  // (a recorded step otherwise: refused)
                        if !fields.isEmpty { _ = add(.edit(.complaint, t.shortID, fields: fields), row: i) }
                        b.status[i] = fields.isEmpty ? status : .updated
                    } else if let first = complaintRowOfKey[key], case let d = Self.complaintRowDiffering(rows[first], r, now: options.now), !d.isEmpty {
                        // A second row of a complaint new in this file, with other values: they
                        // were dropped without a word (the row counted as a skipped duplicate),
                        // under --on-duplicate skip too (a duplicate to skip is one that gives
                        // nothing more).
                        refuseSecondComplaintRow(i, r, first: first, differing: d)
                    } else {
                        b.status[i] = .duplicate
                    }
                    continue
                }
                if refusesStepGap(i, r, routed: (r.instants["managerNotifiedAt"] != nil, r.instants["directorNotifiedAt"] != nil), resolved: false) { continue }
                logKeys[key] = r.line
                complaintRowOfKey[key] = i
                let n = add(.fileComplaint(customer: customer, about: r.field("subject") ?? "", description: description, channel: r.field("channel"),
                                           complainant: complainant, receivedAt: received), row: i)
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
        // A rename that waited for a customer whose row was not imported: refused as the clash it is.
        for (id, waiting) in renamesWaiting.sorted(by: { $0.key < $1.key }) {
            let other = archiveID(id).flatMap { archive.state.entity(.customer, $0) }
            for w in waiting {
                let e = archiveID(w.id).flatMap { archive.state.entity(.customer, $0) }
                let shown = (e.map { "\($0.shortID) \($0.displayName)" } ?? w.id, other.map { "\($0.shortID) \($0.displayName)" } ?? id)
                refuse(w.row, header(rows[w.row], "name"), w.name,
                       "renaming \(shown.0) to \(w.name) would give it the name of \(shown.1), whose own rename in the file is not imported; correct that row, or import this one alone with salesvault customer edit",
                       "文件中给 \(shown.1)改名的那一行未能导入，\(other?.shortID ?? id) 仍叫“\(other?.displayName ?? id)”，因此不能把 \(shown.0)改为该名称。请先改正那一行，再重新导入")
            }
        }
        let today = DateParser.format(DateParser.localDay(options.now))
        for (table, steps) in undatedSteps.sorted(by: { $0.key < $1.key }) {
            for (lines, what, column, en) in [(steps.resolved, "处理结果", "处理时间", ("a resolution", "resolved")), (steps.surveyed, "满意度", "回访时间", ("a satisfaction", "surveyed"))] where !lines.isEmpty {
                updateWarnings.append(ImportProblem(
                    table: table, line: 0,
                    reason: "\(Self.lineList(lines, zh: false)) give\(lines.count > 1 ? "" : "s") \(en.0) but no time it was \(en.1): recorded as \(en.1) today (\(today)), the day of the import. If you know when, fill in the column \(column) and import again",
                    reasonZH: "\(Self.lineList(lines, zh: true))填写了\(what)，但没有填写\(column)，\(column)将记为今天（\(today)，即导入当天）。如知道实际日期，请在“\(column)”列补填后再导入"))
            }
        }
        for (table, lines) in otherNameLines.sorted(by: { $0.value[0] < $1.value[0] }) {
            updateWarnings.append(ImportProblem(
                table: table, line: 0,
                reason: "\(Self.lineList(lines, zh: false)) (\(lines.count) rows in all) were also taken for a record of another name by their phone, mobile or credit code: check each",
                reasonZH: "另有\(Self.lineList(lines, zh: true))（共 \(lines.count) 行）也是名称不同，但因电话、手机号或统一社会信用代码相同，将被视为同一客户或同一联系人，请逐一核实"))
        }
        for (table, lines) in namesakeLines.sorted(by: { $0.value[0] < $1.value[0] }) {
            updateWarnings.append(ImportProblem(
                table: table, line: 0,
                reason: "\(Self.lineList(lines, zh: false)) (\(lines.count) rows in all) also name new contacts whose names differ from another contact's of the same customer only in traditional and simplified characters: check each",
                reasonZH: "另有\(Self.lineList(lines, zh: true))（共 \(lines.count) 行）的联系人，与同一客户下其他联系人的姓名也仅繁简写法不同，请逐一核实"))
        }
        b.warnings += updateWarnings
        return b
    }

    /// The fields a complaint row gives otherwise than an earlier row of the same complaint
    /// (what the later row leaves empty aside), by key.
    static func complaintRowDiffering(_ first: Row, _ r: Row, now: Int64) -> [String] {
        var keys: [String] = []
        // (Values as read: 满意 and satisfied are the same satisfaction: helper-119.)
        func value(_ key: String, _ input: String) -> FieldValue? {
            Schema.field(.complaint, key: key).flatMap { try? ChangeDraft.value(for: $0, input: input, now: now) } ?? .text(input.trimmedWhitespace)
        }
        for (key, input) in r.fields where first.field(key).map({ value(key, $0) != value(key, input) }) ?? true { keys.append(key) }
        for (key, at) in r.instants.pairs where first.instants[key].map({ abs($0 - at) >= 60 }) ?? true { keys.append(key) }  // (10:00 and 10:00:30: the same)
        for (key, text) in r.refs.pairs where first.refs[key]?.trimmedWhitespace != text.trimmedWhitespace { keys.append(key) }
        var seen: Set<String> = ["customer", "description", "receivedAt"]  // (the complaint's key: the same)
        return keys.filter { seen.insert($0).inserted }.sorted()
    }

    /// Whether a complaint's status as written says it was found unfounded (不成立) rather than
    /// withdrawn (撤诉); nil when it says neither.
    static func unfounded(_ status: String?) -> Bool? {
        switch status.flatMap(ComplaintStatus.parse) {
        case .unfounded?: return true
        case .withdrawn?: return false
        default: return nil
        }
    }

    /// The record `given` names as SalesVault writes record ids (C12, R3, P8, L15, T1: a kind's
    /// prefix and a number; full-width, spaced or lower case alike), or nil.
    static func recordID(_ given: String) -> (EntityKind, UInt64)? {
        let id = Identity.halfWidth(ChangeDraft.plainIdentifier(given)).filter { !$0.isWhitespace }.uppercased()
        guard let k = [EntityKind.customer, .contact, .project, .activity, .complaint].first(where: { id.hasPrefix($0.idPrefix) }),
              let n = UInt64(id.dropFirst(k.idPrefix.count)) else { return nil }
        return (k, n)
    }

    /// The moment `log add --at DATE` gives a date (09:00, DateParser.dateOnlyHour) when `at` is
    /// local midnight, what a date without a time in a file reads as; nil otherwise. A log row
    /// at midnight is a duplicate of an entry of that day at 09:00 with its content too
    /// (INTERCHANGE.md §4).
    static func dateOnlyTwin(_ at: Int64) -> Int64? {
        DateParser.startOfDay(DateParser.localDay(at)) == at ? at + Int64(DateParser.dateOnlyHour) * 3_600 : nil
    }

    /// Whose record ids a file's 记录号 are (INTERCHANGE.md §4.1).
    public enum RecordIDs: Equatable, Sendable {
        /// The file's own (any file but those below).
        case file
        /// This archive's: an export of it (档案编号), by its owner, of its history (档案版本).
        case thisArchive
        /// Ids that look like this archive's, in a file that may be an export of it, but are
        /// not taken as its: the file's own, and the preview says why (edited names and texts
        /// come in as new records).
        case notThisArchive(Why)

        public enum Why: Equatable, Sendable {
            /// An export that does not say which archive (an older SalesVault's, or its 说明 edited).
            case noArchiveID
            /// This archive's id without a readable 档案版本.
            case noVersion
            /// This archive's id with another owner.
            case otherOwner
            /// A copy of this archive that went its own way (a restored backup).
            case otherCopy
            /// Another archive of this owner.
            case otherArchive
            /// No 说明 sheet (a CSV file, or the sheet deleted), with ids written as SalesVault's.
            case noAboutSheet
        }
    }

    /// Whose record ids the 记录号 of `source` are, going into `archive`.
    public static func recordIDs(of source: ImportSource, into archive: CustomerArchive) -> RecordIDs {
        let owner = archive.vault.header.owner
        guard let from = source.exportedFrom else { return .file }
        guard let id = from.archiveID else { return from.owner == owner ? .notThisArchive(.noArchiveID) : .file }
        guard id == archive.vault.prefix.archiveIDHex else { return from.owner == owner ? .notThisArchive(.otherArchive) : .file }
        guard from.owner == owner else { return .notThisArchive(.otherOwner) }
        guard let version = from.version else { return .notThisArchive(.noVersion) }
        return archive.descends(from: version) ? .thisArchive : .notThisArchive(.otherCopy)
    }

    /// The values the rows of the file have given a record once row `r` updates it too (what a
    /// later row is compared with): `earlier`'s, each field `r` gives replaced.
    static func merged(_ earlier: FileRecord?, _ r: Row, table: String) -> FileRecord {
        var record = earlier ?? FileRecord(r.line, [], table: table)
        for (key, input) in r.fields where key != "name" {
            if let i = record.fields.firstIndex(where: { $0.0 == key }) { record.fields[i].1 = input } else { record.fields.append((key, input)) }
            record.fieldSources[key] = (table, r.line)  // (the last row that gave it, the same value or not)
        }
        record.line = r.line
        record.table = table
        return record
    }

    /// A record the file made or changed: the line of the last row that did, its fields as the
    /// rows gave them, and the last line that gave each field (a row that repeats a person with
    /// another 职务 named the last row of the person, which had none: helper-145).
    struct FileRecord {
        var line: Int
        var fields: [(String, String)]
        /// The sheet (table) of the row of `line`.
        var table: String
        let first: (table: String, line: Int)
        var fieldSources: [String: (table: String, line: Int)] = [:]

        init(_ line: Int, _ fields: [(String, String)], table: String) {
            self.line = line
            self.fields = fields
            self.table = table
            first = (table, line)
        }

        /// The row (sheet and line) that gave field `key` its value.
        func source(of key: String) -> (table: String, line: Int) { fieldSources[key] ?? first }
    }

    /// The archive's log entries or complaints by what makes one the same as another (`logKey`:
    /// customer, time `at`, text `text`).
    static func recordsByKey(_ state: ArchiveState, _ kind: EntityKind, at: String, text: String,
                             key: (String, Int64, String) -> LogKey = Importer.logKey) -> [LogKey: UInt64] {
        var map: [LogKey: UInt64] = [:]
        state.each(kind) { e in
            if let c = e["customer"]?.ref, let time = e[at]?.int { map[key("C\(c)", time, e[text]?.text ?? "")] = e.id }
        }
        return map
    }

    /// Operations that fill record `ref` with the row's values that differ from what it holds
    /// (a grade change with its reason); `.unchanged` when nothing differs. For a record earlier
    /// rows of the file create or update (`earlier`: the values they gave, `merged`), the values
    /// are compared with theirs, the later row wins, and a note says so.
    /// `alsoDiffering`: fields the caller compares itself that differ from the earlier row's (a
    /// project's stage), named in the note too.
    /// 未评级, as an export writes a customer without a grade, does not take one's grade away (a
    /// colleague's export downgraded A to 未评级: helper-101).
    static func keepsGrade(_ kind: EntityKind, _ key: String, _ value: FieldValue?, had: String?) -> Bool {
        kind == .customer && key == "grade" && value == .text(Grade.unrated.rawValue) && had != nil && had != Grade.unrated.rawValue
    }

    /// The fields of row `r` whose values differ from archive record `e`'s, as `update` compares
    /// them (references left out): named when the row is refused as its duplicate.
    func differingFromArchive(_ kind: EntityKind, _ e: Entity, _ r: Row) -> [FieldSpec] {
        r.fields.compactMap { key, input -> FieldSpec? in
            guard key != "name", let spec = Schema.field(kind, key: key) else { return nil }
            switch spec.type {
            case .reference, .references: return nil
            default: break
            }
            let value = try? ChangeDraft.value(for: spec, input: input, now: options.now)
            if value != nil && value == e[number: spec.number] { return nil }
            return Self.keepsGrade(kind, key, value, had: e["grade"]?.text) ? nil : spec
        }
    }

    private func update(_ kind: EntityKind, ref: String, _ r: Row, row: Int, earlier: FileRecord?,
                        alsoDiffering: [(en: String, zh: String)] = [],
                        warnings: inout [ImportProblem], table: String, fileName: String, add: (ChangeOperation, Int) -> Int) -> RowStatus {
        let existing = ref.hasPrefix("@") ? nil : UInt64(ref.dropFirst()).flatMap { archive.state.entity(kind, $0) }
        var fields: [(String, String)] = []
        var grade: String?
        var differing = alsoDiffering
        // The rows that gave the differing values (the last row of the record for a stage), by sheet.
        var differingSources: [String: Set<Int>] = [:]
        if !alsoDiffering.isEmpty, let earlier { differingSources[earlier.table, default: []].insert(earlier.line) }
        for (key, input) in r.fields where key != "name" {
            guard let spec = Schema.field(kind, key: key) else { continue }
            let value: FieldValue?
            switch spec.type {
            case .reference, .references:
                // Resolved already (R3,R4; @5 for a record of the file): the archive's records
                // as they are compared by their ids (a project's 决策人 was an update each time).
                let ids = input.split(separator: ",").map { $0.hasPrefix("@") ? nil : UInt64($0.dropFirst()) }
                let one: Bool = { if case .reference = spec.type { return true } else { return false } }()
                value = ids.contains(nil) || ids.isEmpty ? nil : one && ids.count == 1 ? .ref(ids[0]!) : .refs(ids.compactMap { $0 })
            default: value = try? ChangeDraft.value(for: spec, input: input, now: options.now)
            }
            // (Compared with what an earlier row of the file gave the field, if one did: the
            // record holds that by now; else with the archive's record.)
            // (A phone written another way is the same phone, as rows are matched: +86 22 2345 6789
            // for 022-23456789 was an update, and said to differ: helper-146.)
            // (The whole cell compared, its extension and other numbers too: 转312 for 转311 is a
            // change: helper-148.)
            let phone = ChangeDraft.isPhoneField(key) ? Identity.phoneDigits(input) : nil
            if let before = earlier?.fields.last(where: { $0.0 == key })?.1 {
                let beforeValue = try? ChangeDraft.value(for: spec, input: before, now: options.now)
                if before == input || (value != nil && value == beforeValue) { continue }
                if let phone, Identity.phoneDigits(before) == phone { continue }
                differing.append((spec.en, spec.zh))
                if let source = earlier?.source(of: key) { differingSources[source.table, default: []].insert(source.line) }
            } else if let existing {
                if value != nil && value == existing[number: spec.number] { continue }
                if let phone, existing[number: spec.number]?.text.map(Identity.phoneDigits) == phone { continue }
            }
            if Self.keepsGrade(kind, key, value, had: existing?["grade"]?.text) { continue }
            if kind == .customer && key == "grade" { grade = input } else { fields.append((key, input)) }
        }
        if let earlier, !differing.isEmpty {
            // (Another sheet's row named with its sheet: the 联系人 sheet's line 2 was said to be
            // the same contact as line 2, the 客户 sheet's: helper-146.)
            if differingSources.isEmpty { differingSources[earlier.table] = [earlier.line] }
            let sources = differingSources.sorted { ($0.key == table ? 0 : 1, $0.key) < ($1.key == table ? 0 : 1, $1.key) }
            let en = sources.map { $0.key == table ? Self.lineList($0.value.sorted(), zh: false) : "\($0.key) \(Self.lineList($0.value.sorted(), zh: false))" }
            let zh = sources.map { $0.key == table ? Self.lineList($0.value.sorted(), zh: true) : "“\($0.key)”工作表\(Self.lineList($0.value.sorted(), zh: true))" }
            warnings.append(ImportProblem(
                table: table, line: r.line,
                reason: "the same record as \(en.joined(separator: " and ")) with other values (\(differing.map(\.en).joined(separator: ", "))): this later row's values are used",
                reasonZH: "与\(zh.joined(separator: "、"))是同一\(kind.zh)，但\(differing.map(\.zh).joined(separator: "、"))不同，将以本行内容为准"))
        }
        var changed = false
        if !fields.isEmpty {
            _ = add(.edit(kind, ref, fields: fields), row)
            changed = true
        }
        if let grade {
            let why = r.gradeReason.flatMap { $0.isPlaceholderReason ? nil : $0 } ?? "根据导入文件“\(fileName)”调整"
            _ = add(.setGrade(ref, grade: grade, reason: why), row)
            changed = true
            // A grade an archive customer had changed by a file without a reason of its own,
            // which regulation 6.2 asks for and `customer grade` requires: said, with the reason
            // recorded and where to give one (it changed without a word: helper-127).
            if let existing, (r.gradeReason ?? "").isPlaceholderReason, let to = Grade.parse(grade) {
                let from = Grade(rawValue: existing["grade"]?.text ?? "") ?? .unrated
                let name = existing.displayName
                // (A column that gives one saying nothing, 。 or 无, is said as such: the note
                // asked for the column it had: helper-129.)
                let given = (r.gradeReason ?? "").trimmedWhitespace
                let how = given.isEmpty
                    ? (en: "give it in a column 等级调整原因", zh: "可在文件中加一列“等级调整原因”填写")
                    : (en: "the column 等级调整原因 gives \"\(given)\", which says nothing: write what happened there", zh: "“等级调整原因”列填写的“\(given)”不能作为原因，请写明具体理由")
                warnings.append(ImportProblem(
                    table: table, line: r.line, value: grade,
                    reason: "the grade of \(name) goes from \(from.label(zh: false)) to \(to.label(zh: false)), with the reason: \(why); the rules ask for a reason: \(how.en), or change the grade with customer grade --reason; check that this is meant",
                    reasonZH: "客户“\(name)”的等级将从“\(from.label(zh: true))”调整为“\(to.label(zh: true))”，原因记为：\(why)。制度要求写明调整原因，\(how.zh)，或改用 salesvault customer grade … --reason 调整。请核实"))
            }
        }
        return changed ? .updated : .unchanged
    }
}

/// Why a row is taken for a record (`settle`): what matched, which the notes after it go by,
/// and how that is said. (The notes told it by the Chinese text until 2026-12-06.)
struct MatchReason {
    /// (name: a customer's company name; sharedName: one that two archive customers write
    /// alike; otherName: a short name or an alias; personName: a contact's at its customer.)
    enum Kind { case recordID, creditCode, name, sharedName, otherName, personName, phone, mobile }
    let kind: Kind
    var en: String
    var zh: String

    init(_ kind: Kind, _ en: String, _ zh: String) {
        self.kind = kind
        self.en = en
        self.zh = zh
    }
}

/// A map of a few keys (a row's references or instants: one to four), kept as an array: the
/// subscripts of a dictionary, without a hash table per row (a million log rows held two).
struct SmallMap<Value> {
    private var entries: [(key: String, value: Value)] = []

    /// The keys and values, in the order given.
    var pairs: [(key: String, value: Value)] { entries }

    subscript(key: String) -> Value? {
        get {
            for e in entries where e.key == key { return e.value }
            return nil
        }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }
}

/// The customers of the file so far, by what identifies them.
struct FileCustomers {
    var byKey: [TextKey: (ref: String, line: Int)] = [:]
    var byCredit: [String: (ref: String, line: Int)] = [:]
    var byCode: [String: (ref: String, line: Int)] = [:]
    var byPhone: [String: (ref: String, line: Int)] = [:]

    mutating func reserve(_ n: Int) {
        byKey.reserveCapacity(n)
        byPhone.reserveCapacity(n)
    }

    /// Customers of the file by their short names and aliases (compared as company names are):
    /// ref "" when the file gives one to two customers (ambiguous).
    var byOtherName: [TextKey: (ref: String, line: Int)] = [:]
    /// By exact name, only when two customers of the file share a company key (found by their
    /// exact names first, as the archive's are).
    var byExactName: [TextKey: (ref: String, line: Int)] = [:]
    private var sharedKeys = Set<TextKey>()
    private var exactOfKey: [TextKey: (name: TextKey, ref: String, line: Int)] = [:]

    /// Notes a customer's exact name; kept in `byExactName` once another shares its company key.
    mutating func register(ref: String, line: Int, exactName: TextKey, key: TextKey) {
        if let first = exactOfKey[key] {
            if first.ref != ref {
                if byExactName.isEmpty || !sharedKeys.contains(key) { byExactName[first.name] = (first.ref, first.line) }
                sharedKeys.insert(key)
                if byExactName[exactName] == nil { byExactName[exactName] = (ref, line) }
            }
        } else {
            exactOfKey[key] = (exactName, ref, line)
        }
    }

    mutating func register(ref: String, line: Int, otherName: TextKey, besides own: TextKey) {
        guard !otherName.text.isEmpty, otherName != own else { return }
        if let earlier = byOtherName[otherName] {
            if earlier.ref != ref { byOtherName[otherName] = ("", line) }
        } else {
            byOtherName[otherName] = (ref, line)
        }
    }

    /// Customers of the file whose names have traditional characters, by the company key of
    /// their names in simplified ones, in the file's order: a reference found in simplified
    /// characters finds them (`Importer.customersInSimplified`; two name neither).
    var bySimplifiedKey: [TextKey: [String]] = [:]

    /// Notes a customer of the file named `name`, when the name has traditional characters.
    mutating func register(ref: String, line: Int, traditionalName name: String) {
        guard CompanyName.Simplified.hasTraditional(name) else { return }
        let key = TextKey(Identity.companyKey(CompanyName.Simplified.fold(name)))
        if bySimplifiedKey[key]?.contains(ref) != true { bySimplifiedKey[key, default: []].append(ref) }
    }

    mutating func register(ref: String, line: Int, key: TextKey, credit: String?, code: String?, phone: String?) {
        if byKey[key] == nil { byKey[key] = (ref, line) }
        if let credit, byCredit[credit] == nil { byCredit[credit] = (ref, line) }
        if let code, byCode[code.lowercased()] == nil { byCode[code.lowercased()] = (ref, line) }
        if let phone, byPhone[phone] == nil { byPhone[phone] = (ref, line) }
    }
}

extension SmallMap: Sendable where Value: Sendable {}
