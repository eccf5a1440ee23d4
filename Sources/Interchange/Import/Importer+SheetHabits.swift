import Foundation
import SalesArchive

/// The habits of people's sheets a row is read through: placeholders for no one, repeated
/// headers, instructions, notes, units, amounts and totals rows (INTERCHANGE.md §3).
extension Importer {
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
    /// `noun`: what a row is called in English (`row`/`rows` for a sheet's); `unit` in Chinese
    /// (`条记录` for a JSON export's records).
    static func lineList(_ lines: [Int], zh: Bool, limit: Int = 20, noun: (one: String, many: String) = ("line", "lines"), unit: String = "行") -> String {
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
        if zh { return "第 \(items.joined(separator: "、")) \(unit)" + (more ? "等" : "") }
        return (lines.count > 1 ? noun.many + " " : noun.one + " ") + items.joined(separator: ", ") + (more ? ", …" : "")
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
}
