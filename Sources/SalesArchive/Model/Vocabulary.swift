import Foundation
import VaultFormat

/// A code with labels in both languages (codes are fixed; labels may be edited later).
public protocol Vocabulary: CaseIterable, RawRepresentable, Sendable where RawValue == String {
    var en: String { get }
    var zh: String { get }
    /// Other words people use for a value (宴请 for an event, 很满意 for very satisfied), folded
    /// to lower case; the codes and labels are matched without being listed here.
    static var synonyms: [String: Self] { get }
}

/// The traditional characters of the vocabularies' words (grades, stages, contact types, ways of
/// contact, complaint steps, satisfaction) and their simplified forms, for `fold`.
let simplified: [Unicode.Scalar: Unicode.Scalar] = {
    let pairs = "階阶標标項项務务談谈簽签訂订開开發发資资訊讯執执電电話话訪访議议會会郵邮單单級级類类戶户見见門门"
        + "滿满意意較较們们爭争贏赢輸输終终棄弃敗败贈赠宴宴請请視视頻频約约絡络溝沟通通處处決决轉转辦办觀观結结與与"
        + "動动術术來来丟丢響响評评採采購购練练內内線线關关對对態态參参設设備备應应責责負负興兴樂乐險险報报價价"
        + "測测試试隨随詳详暫暂沒没無无補补確确認认題题"
    let scalars = Array(pairs.unicodeScalars)
    var map: [Unicode.Scalar: Unicode.Scalar] = [:]
    for i in stride(from: 0, to: scalars.count - 1, by: 2) where scalars[i] != scalars[i + 1] { map[scalars[i]] = scalars[i + 1] }
    return map
}()

extension Vocabulary {
    public static var synonyms: [String: Self] { [:] }

    /// Text folded for matching: lower case, no spaces, full-width ASCII forms (U+FF01–U+FF5E)
    /// and the ideographic space made ASCII, `-` `_` `/` `.` `、` `!` and round brackets dropped
    /// (A（重要客户）, 3、招投标, 1.信息开发, 招投标！). One pass over the scalars (it
    /// runs for every vocabulary cell of an import).
    /// Traditional characters are their simplified forms (三階段, 電話, 拜訪, 簽約: typed with a
    /// traditional input method, they were refused).
    static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars.lazy.map(\.asciiForm) {
            if s.isBasicCJKIdeograph { out.append(simplified[s] ?? s); continue }  // no case, not white space
            if s.isWhiteSpaceFast || s == "-" || s == "_" || s == "/" || s == "(" || s == ")" || s == "、" || s == "." || s == "。" || s == "!" { continue }
            if ("A"..."Z").contains(s) {
                out.append(Unicode.Scalar(s.value + 32)!)
            } else if s.isASCII {
                out.append(s)
            } else {
                out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    /// Every folded form a value is known by (its code, both labels with and without their
    /// leading number or letter, "A 重要客户" and "重要客户", and the synonyms), built once per
    /// vocabulary (`VocabularyIndex`).
    static func index() -> [String: String] {
        var out: [String: String] = [:]
        for v in allCases {
            for word in [v.rawValue, v.en, v.zh] where out[fold(word)] == nil { out[fold(word)] = v.rawValue }
        }
        for (word, v) in synonyms where out[fold(word)] == nil { out[fold(word)] = v.rawValue }
        for v in allCases {
            for label in [v.en, v.zh] {
                // "1 信息开发" → "信息开发", "A (important)" → "important"
                let parts = label.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let short = fold(String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "()")))
                if out[short] == nil { out[short] = v.rawValue }
            }
        }
        // The upper-case form of an ASCII word (B, VIP, QQ: what sheets write), whose folding is
        // that word: found without folding it (`parse` takes a key as its own folded form).
        for (word, code) in out where word.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }) {
            let upper = word.uppercased()
            if out[upper] == nil { out[upper] = code }
        }
        return out
    }

    /// Parses a code, either label (with or without its leading number or letter, "A 重要客户",
    /// "重要客户"), or a synonym, ignoring case, spaces and character width.
    public static func parse(_ text: String) -> Self? {
        let index = VocabularyIndex.all[ObjectIdentifier(Self.self)] ?? Self.index()
        // Text already in folded form (微信, b, 重要客户: what most cells of an import hold) is
        // its own key, as folding it again would give it back; only other text is folded.
        if let code = index[text] { return Self(rawValue: code) }
        // A code with a plus or minus after it (A+, B-) names no value: the grades are A to D,
        // nothing between (A- was A, as folding drops the dash, while A+ was refused: helper-113).
        if let last = text.unicodeScalars.last(where: { !$0.isWhiteSpaceFast }), ["+", "-", "＋", "－"].contains(last) { return nil }
        // A sign or point before a number (-3, --3, .3) names no value either: folding dropped
        // them, and -3 was stage 3 (helper-123).
        let lead = text.unicodeScalars.drop(while: { $0.isWhiteSpaceFast })
        if let first = lead.first, ["-", "－", ".", "．", "—", "–"].contains(first),
           let next = lead.first(where: { !["-", "－", ".", "．", "—", "–"].contains($0) && !$0.isWhiteSpaceFast }), ("0"..."9").contains(next.asciiForm) {
            return nil
        }
        let t = fold(numbered(text))
        guard !t.isEmpty else { return nil }
        if let code = index[t] { return Self(rawValue: code) }
        return compound(t, index)
    }

    /// A value numbered as Chinese lists number them, with a Chinese numeral and a separator
    /// (三、招投标, 一．信息开发, 五 合同签订与执行, （三）招投标, 三）招投标), written with its digit
    /// (3、招投标): the number is then checked against the words as a digit is (三、信息开发 names
    /// no value). A numeral without a separator is part of the words (一般).
    static func numbered(_ text: String) -> String {
        // (第三階段: the traditional 階 as 阶, which `fold` makes it after.)
        let text = text.contains("階") ? text.replacingOccurrences(of: "階", with: "阶") : text
        var rest = text.drop(while: { $0.isWhitespace })
        let separators = "、.．。 　)）,，:：-－—–"
        func digit(_ c: Character?) -> Character? {
            guard let c else { return nil }
            if let d = chineseNumerals[c] { return d }
            let ascii = c.unicodeScalars.count == 1 ? Character(c.unicodeScalars.first!.asciiForm) : c  // (第３阶段)
            return ("1"..."9").contains(ascii) ? ascii : nil
        }
        // 第三阶段：招投标, 第3阶段 招投标, 第三阶段, and 阶段三：招投标: the number, then the words if any.
        // (第 3 阶段 with spaces too: helper-124.)
        let afterDi = rest.dropFirst().drop(while: { $0.isWhitespace })
        if rest.first == "第", let d = digit(afterDi.first), afterDi.dropFirst().drop(while: { $0.isWhitespace }).hasPrefix("阶段") {
            return String(d) + "、" + afterDi.dropFirst().drop(while: { $0.isWhitespace }).dropFirst(2).drop(while: { $0.isWhitespace || separators.contains($0) })
        }
        if rest.hasPrefix("阶段"), let d = digit(rest.dropFirst(2).first), let after = rest.dropFirst(3).first, separators.contains(after) {
            return String(d) + "、" + rest.dropFirst(3).drop(while: { $0.isWhitespace || separators.contains($0) })
        }
        // ③招投标, ⑶ 招投标, ⒊招投标, Ⅲ 招投标, Ⅲ: a numeral that is a list's mark by itself,
        // with or without a separator after it.
        if let first = rest.first, let digit = markDigit(first) {
            return String(digit) + "、" + rest.dropFirst().drop(while: { $0.isWhitespace || separators.contains($0) })
        }
        // III 招投标, IV、商务谈判, III: Roman numerals in ASCII letters, as a sheet types Ⅲ, when
        // nothing ASCII follows them (VIP and IM are words, not numbers).
        // (Full-width letters too, ＩＩＩ, as a Chinese input method types them; and in brackets,
        // (III) as （三）: helper-126.)
        func roman(_ c: Character) -> Character? {
            guard c.unicodeScalars.count == 1, let a = c.unicodeScalars.first?.asciiForm, "IVXivx".unicodeScalars.contains(a) else { return nil }
            return Character(a)
        }
        let bracketed = rest.first == "(" || rest.first == "（"
        let from = bracketed ? rest.dropFirst() : rest
        let letters = String(from.prefix { roman($0) != nil }.compactMap(roman))
        let after = from.dropFirst(letters.count)
        let next = after.first.map { $0.unicodeScalars.count == 1 ? Character($0.unicodeScalars.first!.asciiForm) : $0 }
        if !letters.isEmpty, !bracketed || next == ")", next.map({ !($0.isASCII && ($0.isLetter || $0.isNumber)) }) ?? true,
           let value = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"].firstIndex(of: letters.uppercased()) {
            return String(value + 1) + "、" + after.drop(while: { $0.isWhitespace || separators.contains($0) })
        }
        if let open = rest.first, open == "(" || open == "（" { rest = rest.dropFirst() }
        guard let first = rest.first, let digit = chineseNumerals[first],
              let separator = rest.dropFirst().first, separators.contains(separator) else { return text }
        // (三，招投标, 三：招投标 and 三—招投标: the separators folding keeps, as 、.)
        return String(digit) + "、" + rest.dropFirst(2)
    }

    /// The two values a text names when its number and its words name different ones
    /// (`三、信息开发`, `③信息开发`, `第三阶段：信息开发`), for a refusal that says so (it said only
    /// that the text was not one: helper-123); nil otherwise.
    static func disagreement(_ text: String) -> (number: Self, words: Self)? {
        let n = numbered(text).drop(while: { $0.isWhitespace })
        var digits = String(n.prefix(while: { $0.isASCII && $0.isNumber }))
        var words = n.dropFirst(digits.count).drop(while: { $0.isWhitespace || "、.．。 　)）,，:：-－—–".contains($0) })
        // (A numeral written against its words, 三信息开发: as `compound` reads 三招投标.)
        if digits.isEmpty, let first = n.first, let d = chineseNumerals[first], n.count > 1 { digits = String(d); words = n.dropFirst() }
        // (Words, not another number: 3.5 is no stage, not two.)
        guard !digits.isEmpty, words.contains(where: { !($0.isASCII && $0.isNumber) }), let a = parse(String(digits)), let b = parse(String(words)), a != b else { return nil }
        return (a, b)
    }

    /// The digit of a numeral that marks a list's item by itself: ①–⑨, ⑴–⑼, ⒈–⒐, Ⅰ–Ⅸ and ⅰ–ⅸ.
    static func markDigit(_ c: Character) -> Character? {
        guard c.unicodeScalars.count == 1, let v = c.unicodeScalars.first?.value else { return nil }
        for base: UInt32 in [0x2460, 0x2474, 0x2488, 0x2160, 0x2170] where (base..<base + 9).contains(v) {
            return Character(Unicode.Scalar(UInt8(0x31 + v - base)))
        }
        return nil
    }

    /// A code written with a label or synonym of the same value after it, as sheets write them
    /// (C 潜在客户, B类意向客户, A级（重点客户）, and a numeral that is a code, 三招投标): that value. The code and the words naming
    /// different values (A 潜力客户) name none. `t` is folded.
    static func compound(_ t: String, _ index: [String: String]) -> Self? {
        var found: String?
        for (head, code) in index where head.unicodeScalars.count <= 2 && t.count > head.count && t.hasPrefix(head) {
            // (A code, or a Chinese numeral alone written against its words: 三招投标.)
            guard head.unicodeScalars.first.map({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }) == true
                || (head.count == 1 && chineseNumerals[head.first!] != nil) else { continue }
            let words = String(t.dropFirst(head.count))
            // (Words, not a second code: A A and AB name no value.)
            guard words.unicodeScalars.count > 2 || words.unicodeScalars.first?.isASCII == false, let rest = index[words] else { continue }
            if rest != code { return nil }
            found = code
        }
        return found.flatMap(Self.init(rawValue:))
    }

    public static var codes: String { allCases.map(\.rawValue).joined(separator: ", ") }
    /// The Chinese labels, for messages in Chinese.
    public static var labelsZH: String { allCases.map(\.zh).joined(separator: "、") }

    /// The label in the chosen language.
    public func label(zh: Bool) -> String { zh ? self.zh : en }
}

/// The folded words of every vocabulary, built once (a global `let` is initialised once,
/// thread-safely): what `parse` looks up instead of folding every label on every call.
enum VocabularyIndex {
    static let all: [ObjectIdentifier: [String: String]] = [
        ObjectIdentifier(Grade.self): Grade.index(), ObjectIdentifier(SalesStage.self): SalesStage.index(),
        ObjectIdentifier(ActivityType.self): ActivityType.index(), ObjectIdentifier(ComplaintStatus.self): ComplaintStatus.index(),
        ObjectIdentifier(Satisfaction.self): Satisfaction.index(), ObjectIdentifier(DecisionRole.self): DecisionRole.index(),
        ObjectIdentifier(Attitude.self): Attitude.index(), ObjectIdentifier(CompetitorPosition.self): CompetitorPosition.index(),
    ]
}

/// The vocabularies a field can have (RECORDS.md §4), for code that works from the schema.
public enum VocabularyKind: String, CaseIterable, Sendable {
    case grade, stage, activityType, complaintStatus, satisfaction, decisionRole, attitude

    /// The vocabulary's operations, bound to its type.
    private struct Table: Sendable {
        let parse: @Sendable (String) -> String?
        let label: @Sendable (String, Bool) -> String?
        let codes: [String]
        let labels: @Sendable (Bool) -> [String]
        let disagreement: @Sendable (String) -> (String, String)?

        init<V: Vocabulary>(_: V.Type) {
            parse = { V.parse($0)?.rawValue }
            disagreement = { V.disagreement($0).map { ($0.number.rawValue, $0.words.rawValue) } }
            label = { code, zh in V(rawValue: code)?.label(zh: zh) }
            codes = V.allCases.map(\.rawValue)
            labels = { zh in V.allCases.map { $0.label(zh: zh) } }
        }
    }

    /// Each vocabulary's table, built once (not four closures and an array per cell read).
    private static let gradeTable = Table(Grade.self), stageTable = Table(SalesStage.self), activityTypeTable = Table(ActivityType.self),
                       complaintStatusTable = Table(ComplaintStatus.self), satisfactionTable = Table(Satisfaction.self),
                       decisionRoleTable = Table(DecisionRole.self), attitudeTable = Table(Attitude.self)

    private var table: Table {
        switch self {
        case .grade: return Self.gradeTable
        case .stage: return Self.stageTable
        case .activityType: return Self.activityTypeTable
        case .complaintStatus: return Self.complaintStatusTable
        case .satisfaction: return Self.satisfactionTable
        case .decisionRole: return Self.decisionRoleTable
        case .attitude: return Self.attitudeTable
        }
    }

    /// The code for `text` (a code, label or synonym), or nil.
    public func parse(_ text: String) -> String? { table.parse(text) }

    /// The label of `code` in the chosen language; nil for a code the vocabulary does not have.
    public func label(_ code: String, zh: Bool) -> String? { table.label(code, zh) }

    /// The codes a text's number and words name when they differ (`三、信息开发`), or nil.
    public func disagreement(_ text: String) -> (number: String, words: String)? { table.disagreement(text).map { (number: $0.0, words: $0.1) } }

    /// Every code, in order.
    public var codes: [String] { table.codes }

    /// Every label in one language, in order.
    public func labels(zh: Bool) -> [String] { table.labels(zh) }
}

/// 客户等级 (regulations 6.1).
public enum Grade: String, Vocabulary {
    public static let synonyms: [String: Grade] = [
        "a级": .a, "a类": .a, "重要": .a, "重点": .a, "important": .a, "b级": .b, "b类": .b, "意向": .b, "intent": .b,
        "c级": .c, "c类": .c, "潜力": .c, "潜在": .c, "潜在客户": .c, "potential": .c, "d级": .d, "d类": .d, "发展": .d, "development": .d,
        "未分级": .unrated, "无": .unrated, "none": .unrated, "暂无": .unrated, "未定级": .unrated, "待定": .unrated, "n/a": .unrated, "na": .unrated,
        // What sheets write (black-box finding: 重点客户 and B类客户 were refused while 重要 was taken).
        "a级客户": .a, "a类客户": .a, "重点客户": .a, "重要客户": .a, "b级客户": .b, "b类客户": .b, "意向客户": .b,
        "c级客户": .c, "c类客户": .c, "d级客户": .d, "d类客户": .d, "发展客户": .d,
    ]
    case a = "A", b = "B", c = "C", d = "D", unrated

    public var en: String {
        switch self {
        case .a: return "A (important)"
        case .b: return "B (intent)"
        case .c: return "C (potential)"
        case .d: return "D (development)"
        case .unrated: return "unrated"
        }
    }
    public var zh: String {
        switch self {
        case .a: return "A 重要客户"
        case .b: return "B 意向客户"
        case .c: return "C 潜力客户"
        case .d: return "D 发展客户"
        case .unrated: return "未评级"
        }
    }
    /// The regulation's definition of the grade.
    public var definitionEN: String {
        switch self {
        case .a: return "clear need; can sign or start bidding within 1 month"
        case .b: return "clear need; intends to sign or bid within 2–3 months; good relationship, some agreement on cooperation"
        case .c: return "some potential; 3–6 months of follow-up; no clear date of need yet"
        case .d: return "has project plans the company may take part in"
        case .unrated: return "not graded yet"
        }
    }
    public var definitionZH: String {
        switch self {
        case .a: return "有明确的需求，并在1个月内可以签约或开始投标"
        case .b: return "有明确的需求，2-3个月内有意向签约或开始投标，关系较好并达成一定的合作共识"
        case .c: return "有一定潜力，需3-6个月的跟进时间，但尚未有明确的需求日期"
        case .d: return "目前有项目规划，我公司有机会参与"
        case .unrated: return "尚未评级"
        }
    }
    /// Sort order: A first, unrated last.
    public var rank: Int { ["A": 0, "B": 1, "C": 2, "D": 3][rawValue] ?? 4 }

    /// The grade a date `days` ahead suggests (A ≤ 30, B 31–90, C 91–180), or nil beyond.
    public static func hint(daysAhead days: Int) -> Grade? {
        switch days {
        case ..<0: return nil
        case 0...30: return .a
        case 31...90: return .b
        case 91...180: return .c
        default: return nil
        }
    }
}

/// 销售阶段 (regulations 7.1; stage 5 assumed, the source is cut off).
public enum SalesStage: String, Vocabulary {
    public static let synonyms: [String: SalesStage] = {
        var words: [String: SalesStage] = [
            "1": .infoDevelopment, "信息": .infoDevelopment, "线索": .infoDevelopment, "information": .infoDevelopment, "lead": .infoDevelopment,
            "2": .projectInitiation, "立项": .projectInitiation, "initiation": .projectInitiation,
            "3": .bidding, "招标": .bidding, "投标": .bidding, "招投标": .bidding, "bid": .bidding, "tender": .bidding,
            "4": .businessNegotiation, "谈判": .businessNegotiation, "商务谈判": .businessNegotiation, "negotiation": .businessNegotiation,
            "5": .contract, "签约": .contract, "合同": .contract, "合同签订": .contract, "合同执行": .contract, "contractsigning": .contract,
            "成交": .won, "中标": .won, "赢": .won, "丢标": .lost, "失败": .lost, "输单": .lost, "放弃": .abandoned, "终止": .abandoned,
        ]
        // A stage as sheets also write it: its words with 阶段 after them (招投标阶段,
        // 项目立项阶段), and its number alone or with 阶段 before or after it (三, 阶段三, 阶段3,
        // 三阶段). They
        // were refused (第三阶段 and Ⅲ are read as numbered: `numbered`).
        let open = Array(allCases.prefix(5))
        var more: [String: SalesStage] = [:]
        for (word, stage) in words where stage.order < 5 && word.unicodeScalars.first.map({ !$0.isASCII }) == true { more[word + "阶段"] = stage }
        for (i, stage) in open.enumerated() {
            let numeral = ["一", "二", "三", "四", "五"][i]
            more[stage.name(zh: true) + "阶段"] = stage
            more[numeral] = stage
            more["阶段" + numeral] = stage
            more["阶段\(i + 1)"] = stage
            more[numeral + "阶段"] = stage  // (三阶段, 3阶段: 第 left out, as people say it)
            more["\(i + 1)阶段"] = stage
        }
        words.merge(more) { given, _ in given }
        return words
    }()
    case infoDevelopment, projectInitiation, bidding, businessNegotiation, contract, won, lost, abandoned

    public var en: String {
        switch self {
        case .infoDevelopment: return "1 information development"
        case .projectInitiation: return "2 project initiation"
        case .bidding: return "3 bidding"
        case .businessNegotiation: return "4 business negotiation"
        case .contract: return "5 contract signing and execution"
        case .won: return "won"
        case .lost: return "lost"
        case .abandoned: return "abandoned"
        }
    }
    public var zh: String {
        switch self {
        case .infoDevelopment: return "1 信息开发"
        case .projectInitiation: return "2 项目立项"
        case .bidding: return "3 招投标"
        case .businessNegotiation: return "4 商务谈判"
        case .contract: return "5 合同签订与执行"
        case .won: return "赢单"
        case .lost: return "丢单"
        case .abandoned: return "放弃"
        }
    }
    /// A stage as a user writes it: a name or synonym (`立项`, `won`) or its number 1–5 (`2`,
    /// `02`), as `project stage` and an import read it.
    public static func read(_ text: String) -> SalesStage? {
        parse(text) ?? Int(text.trimmingCharacters(in: .whitespaces)).flatMap { (1...5).contains($0) ? allCases[$0 - 1] : nil }
    }

    /// Position in the five-stage sequence; terminal outcomes come after.
    public var order: Int { SalesStage.allCases.firstIndex(of: self)! }  // allCases holds every case
    public var isClosed: Bool { self == .won || self == .lost || self == .abandoned }

    /// Whether moving a project from this stage to `stage` needs a reason (regulation 7.1):
    /// anything but the next open stage, or won from 5 (going back, skipping, closing otherwise,
    /// reopening). `project stage` refuses such a move without one; an import says it.
    public func moveNeedsReason(to stage: SalesStage) -> Bool {
        let isNextStep = !isClosed && !stage.isClosed && stage.order == order + 1
        let winning = stage == .won && self == .contract
        return !(isNextStep || winning)
    }

    /// The stage's name without its number: "项目立项", "project initiation".
    public func name(zh: Bool) -> String {
        let label = zh ? self.zh : en
        return isClosed ? label : String(label.drop { $0 != " " }.dropFirst())
    }

    /// Where a project now is, as a sales manager says it: "已进入第 2 阶段(项目立项)", "已赢单";
    /// "is now at stage 2 (project initiation)", "is won".
    public func arrival(zh: Bool) -> String {
        if isClosed { return zh ? "已\(self == .abandoned ? "放弃" : self.zh)" : "is \(en)" }
        return zh ? "已进入第 \(order + 1) 阶段（\(name(zh: true))）" : "is now at stage \(order + 1) (\(name(zh: false)))"
    }

    /// "第 2 阶段" or "“丢单”" inside a sentence; "stage 2" or "lost".
    func reference(zh: Bool) -> String {
        isClosed ? (zh ? "“\(self.zh)”" : en) : (zh ? "第 \(order + 1) 阶段" : "stage \(order + 1)")
    }
}

/// 跟进方式.
public enum ActivityType: String, Vocabulary {
    public static let synonyms: [String: ActivityType] = [
        "电话沟通": .call, "打电话": .call, "来电": .call, "去电": .call, "phone": .call, "phonecall": .call, "tel": .call, "回访": .call,
        "上门拜访": .visit, "拜访客户": .visit, "走访": .visit, "面谈": .visit, "上门": .visit, "见面": .visit, "会见": .visit,
        "宴请": .event, "商务宴请": .event, "活动": .event, "参观": .event, "考察": .event, "展会": .event, "entertainment": .event,
        "开会": .meeting, "会谈": .meeting, "视频会议": .meeting, "交流会": .meeting, "腾讯会议": .meeting, "视频": .meeting, "线上会议": .meeting, "线下会议": .meeting, "网络会议": .meeting, "电话会议": .meeting,
        "来访": .meeting,  // (the customer came to us: not our 拜访)
        "售前": .presales, "技术交流": .presales, "方案演示": .presales, "演示": .presales, "demo": .presales,
        "电子邮件": .email, "电邮": .email, "邮件": .email, "mail": .email, "微信": .im, "微信电话": .im, "vx": .im, "wx": .im, "企业微信": .im, "钉钉": .im, "qq": .im, "短信": .im, "wechat": .im,
        "其它": .other,
    ]
    case call, visit, event, meeting, presales, email, im, other
    public var en: String { ["call": "call", "visit": "visit", "event": "activity/event", "meeting": "meeting", "presales": "presales support", "email": "e-mail", "im": "IM/WeChat", "other": "other"][rawValue]! }
    public var zh: String { ["call": "电话", "visit": "拜访", "event": "活动", "meeting": "会议", "presales": "售前支持", "email": "邮件", "im": "微信/IM", "other": "其他"][rawValue]! }
}

/// 投诉状态: received → routed (manager and director both notified) → handling → resolved → surveyed → closed;
/// or, before it is resolved, withdrawn by the customer (撤诉) or found unfounded (不成立).
public enum ComplaintStatus: String, Vocabulary {
    public static let synonyms: [String: ComplaintStatus] = [
        "受理": .received, "新建": .received, "已通知": .routed, "处理": .handling, "已解决": .resolved, "已完成": .resolved,
        "回访": .surveyed, "关闭": .closed, "撤诉": .withdrawn, "撤销": .withdrawn, "不成立": .unfounded, "投诉不成立": .unfounded,
    ]
    case received, routed, handling, resolved, surveyed, closed, withdrawn, unfounded
    public var en: String { rawValue }
    public var zh: String {
        ["received": "已受理", "routed": "已通报", "handling": "处理中", "resolved": "已处理", "surveyed": "已回访", "closed": "已关闭",
         "withdrawn": "已撤诉", "unfounded": "投诉不成立"][rawValue]!
    }

    /// Still needs work (a step of regulation 6.4): neither resolved nor withdrawn.
    public var isOpen: Bool { ![.resolved, .surveyed, .closed, .withdrawn, .unfounded].contains(self) }

    /// Whether a status (a code as stored) still needs work; an unknown code counts as open.
    public static func isOpen(_ code: String?) -> Bool { code.flatMap(Self.init(rawValue:))?.isOpen ?? true }
}

/// 满意度.
public enum Satisfaction: String, Vocabulary {
    public static let synonyms: [String: Satisfaction] = [
        "很满意": .verySatisfied, "十分满意": .verySatisfied, "非常满意": .verySatisfied, "veryhappy": .verySatisfied,
        "比较满意": .satisfied, "较满意": .satisfied, "基本满意": .neutral, "happy": .satisfied, "一般般": .neutral, "中立": .neutral, "还行": .neutral,
        "不太满意": .dissatisfied, "很不满意": .dissatisfied, "非常不满意": .dissatisfied, "unhappy": .dissatisfied,
    ]
    case verySatisfied, satisfied, neutral, dissatisfied
    public var en: String { ["verySatisfied": "very satisfied", "satisfied": "satisfied", "neutral": "neutral", "dissatisfied": "dissatisfied"][rawValue]! }
    public var zh: String { ["verySatisfied": "非常满意", "satisfied": "满意", "neutral": "一般", "dissatisfied": "不满意"][rawValue]! }
}

/// 决策角色.
public enum DecisionRole: String, Vocabulary {
    public static let synonyms: [String: DecisionRole] = [
        "决策人": .decisionMaker, "拍板人": .decisionMaker, "决策": .decisionMaker, "decider": .decisionMaker,
        "影响人": .influencer, "评估者": .evaluator, "技术评估人": .evaluator, "技术": .evaluator,
        "用户": .user, "使用人": .user, "最终用户": .user, "采购": .purchaser, "采购人": .purchaser, "buyer": .purchaser,
        "教练": .coach, "线人": .coach, "支持者": .coach, "把关人": .gatekeeper, "守门人": .gatekeeper, "反对": .opponent,
    ]
    case decisionMaker, influencer, evaluator, user, purchaser, coach, gatekeeper, opponent
    public var en: String { rawValue }
    public var zh: String {
        ["decisionMaker": "决策者", "influencer": "影响者", "evaluator": "技术评估", "user": "使用者", "purchaser": "采购执行",
         "coach": "内线", "gatekeeper": "把关者", "opponent": "反对者"][rawValue]!
    }
}

/// 态度.
public enum Attitude: String, Vocabulary {
    public static let synonyms: [String: Attitude] = [
        "支持者": .supportive, "积极": .supportive, "友好": .supportive, "support": .supportive, "一般": .neutral, "观望": .neutral,
        "反对者": .opposed, "消极": .opposed, "against": .opposed, "不清楚": .unknown, "不详": .unknown,
    ]
    case supportive, neutral, opposed, unknown
    public var en: String { rawValue }
    public var zh: String { ["supportive": "支持", "neutral": "中立", "opposed": "反对", "unknown": "未知"][rawValue]! }
}

/// 竞争对手位置.
public enum CompetitorPosition: String, Vocabulary {
    case leading, shortlisted, weak, unknown
    public var en: String { rawValue }
    public var zh: String { ["leading": "领先", "shortlisted": "入围", "weak": "弱势", "unknown": "未知"][rawValue]! }
}

/// The Chinese numerals 一–九 and their digits (三、招投标, 第三阶段, 三招投标).
private let chineseNumerals: [Character: Character] = ["一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"]
