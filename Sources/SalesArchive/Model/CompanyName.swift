import Foundation
import VaultFormat

/// Company and person names as compared for "the same one" (INTERCHANGE.md §4): what an import
/// finds duplicates and references by, and what keeps two customers from sharing a short name
/// or an alias. The domain owns it; `Identity` (Interchange) uses it.
public enum CompanyName {
    /// Texts in simplified characters, one ideograph at a time as ICU's Traditional-Simplified
    /// transform folds each alone, from a table made from the transform
    /// (`simplifiedPairs`, SimplifiedTable.swift): no call of ICU, and a text without a
    /// traditional character told by one pass over its scalars (100,000 names in milliseconds).
    /// What commands and imports compare in simplified characters: a name typed with a Hong Kong
    /// or Taiwan input method (華為技術) looked up, `search`, likely duplicates, a row's customer
    /// that finds nothing as written, an import's new customers and contacts against the others.
    public enum Simplified {
        /// Where ICU's table folds a character otherwise than names in mainland China are written
        /// (the 通用规范汉字表): 諮 to 谘, where 諮詢 is 咨询 (裡程碑諮詢 was not said beside
        /// 里程碑咨询: helper-149), and 谘 itself, the older form, written 咨 today.
        static let corrections: [Unicode.Scalar: Unicode.Scalar] = ["諮": "咨", "谘": "咨"]
        /// Each ideograph that folds, by its scalar value, and what it folds to.
        static let table: [UInt32: Unicode.Scalar] = {
            var t: [UInt32: Unicode.Scalar] = [:]
            let scalars = Array(simplifiedPairs.unicodeScalars)
            t.reserveCapacity(scalars.count / 2)
            for i in stride(from: 0, to: scalars.count - 1, by: 2) { t[scalars[i].value] = scalars[i + 1] }
            for (from, to) in corrections { t[from.value] = to }
            return t
        }()
        /// The same ideographs as bits, from U+3400.
        static let bits: [UInt64] = {
            var b = [UInt64](repeating: 0, count: (0x32400 - 0x3400) / 64)
            for v in table.keys { let i = Int(v) - 0x3400; b[i >> 6] |= 1 << UInt64(i & 63) }
            return b
        }()

        @inline(__always)
        static func folds(_ u: Unicode.Scalar) -> Bool {
            let i = Int(u.value) - 0x3400
            return i >= 0 && i < 0x32400 - 0x3400 && bits[i >> 6] & (1 << UInt64(i & 63)) != 0
        }

        /// Whether `text` has a character that folds to another.
        public static func hasTraditional(_ text: String) -> Bool {
            let b = bits
            for u in text.unicodeScalars where u.value >= 0x3400 {
                let i = Int(u.value) - 0x3400
                if i < 0x32400 - 0x3400 && b[i >> 6] & (1 << UInt64(i & 63)) != 0 { return true }
            }
            return false
        }

        /// `text` with each such character folded (the text itself when it has none).
        public static func fold(_ text: String) -> String {
            guard hasTraditional(text) else { return text }
            var out = String.UnicodeScalarView()
            for u in text.unicodeScalars { out.append(folds(u) ? table[u.value]! : u) }
            return String(out)
        }
    }

    /// The legal suffixes that do not distinguish one company from another, longest first.
    static let legalSuffixes = ["股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司", "集团公司", "集团", "公司",
                                "co.,ltd.", "co.,ltd", "co.ltd", "corporation", "limited", "company", "corp.", "corp", "inc.", "inc", "ltd.", "ltd", "llc", "gmbh"]
    /// The suffixes as `key` compares them (folded once).
    static let foldedSuffixes: [[Unicode.Scalar]] = legalSuffixes.map { Array(fold($0)) }.sorted { $0.count > $1.count }

    /// A company name as compared for duplicates: full-width forms folded to half-width, case
    /// folded, spaces, punctuation and brackets removed (their content kept: 腾讯科技（深圳）有限公司
    /// and 腾讯科技(深圳)有限公司 match), invisible characters removed, and the legal suffixes above
    /// removed from the end. A name that folds to nothing ("……", "()") is compared as written.
    public static func key(_ name: String) -> String {
        var key = fold(name)
        removeSuffixes(&key, leavingSomething: true)
        if key.isEmpty { return "\u{0}" + name }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(key.count * 3)
        for scalar in key { UTF8.encode(scalar) { bytes.append($0) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Removes the legal suffixes from the end of a folded name, the longest first each time
    /// (有限公司有限公司 loses 有限公司 twice, not 有限公司 and then 公司, which left 有限);
    /// `leavingSomething`: never the whole name (a key), else down to nothing.
    static func removeSuffixes(_ folded: inout [Unicode.Scalar], leavingSomething: Bool) {
        var changed = true
        while changed {
            changed = false
            // (The last scalars compared first: most names end in none of the suffixes' ends,
            // or in 司, which only the suffixes ending in 公司 share.)
            for suffix in foldedSuffixes where folded.count > suffix.count - (leavingSomething ? 0 : 1) && folded.last == suffix.last
                && folded.suffix(suffix.count).elementsEqual(suffix) {
                folded.removeLast(suffix.count)
                changed = true
                break
            }
        }
    }

    /// Half-width, lower case, without white space, punctuation, brackets, `<>《》·` and invisible
    /// characters: format characters (zero-width spaces and joiners, bidi marks, a stray BOM
    /// pasted from a web page or a chat) and the other default-ignorable ones (the combining
    /// grapheme joiner U+034F, the Hangul fillers U+3164 and U+FFA0, variation selectors), which
    /// no font shows.
    static func fold(_ name: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(name.unicodeScalars.count)
        for scalar in name.unicodeScalars.lazy.map(\.asciiForm) {
            if scalar.isBasicCJKIdeograph { out.append(scalar); continue }  // what the checks below keep as it is
            if scalar.isASCII {
                let v = scalar.value
                if (0x30...0x39).contains(v) || (0x61...0x7A).contains(v) { out.append(scalar); continue }
                if (0x41...0x5A).contains(v) { out.append(Unicode.Scalar(v + 32)!); continue }
                continue  // ASCII punctuation, spaces and controls
            }
            let p = scalar.properties
            switch p.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
                 .otherPunctuation, .spaceSeparator, .control, .format:  // format: zero-width and bidi marks, BOM
                continue
            default: break
            }
            if p.isWhitespace || p.isDefaultIgnorableCodePoint || scalar.value == 0x2800 || "《》·".unicodeScalars.contains(scalar) { continue }
            if p.changesWhenNFKCCaseFolded {
                // A compatibility form (ℭ𝕄𝔹 as CMB, ① as 1, 兀 of the compatibility block as 兀):
                // compared as its NFKC form, folded the same way.
                let mapped = String(Character(scalar)).precomposedStringWithCompatibilityMapping
                if mapped.unicodeScalars.count != 1 || mapped.unicodeScalars.first != scalar {
                    out.append(contentsOf: fold(mapped))
                    continue
                }
            }
            out.append(contentsOf: p.lowercaseMapping.unicodeScalars)
        }
        return out
    }

    /// Whether a scalar is invisible in a name: white space, a format character or another
    /// default-ignorable one (what `personKey` leaves out).
    @inline(__always)
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let p = scalar.properties
        return p.isWhitespace || p.generalCategory == .format || p.isDefaultIgnorableCodePoint || scalar.value == 0x2800
    }

    /// A name or company key without the 省 and 市 that end a place's name at its start
    /// (南京市地铁 and 南京地铁 alike; 江苏省南京市 as 江苏南京; 石家庄市, 黑龙江省): how a likely
    /// duplicate, a lookup's near names and an import's near customers compare names. Only
    /// such a 省 or 市: two to four characters after the start or after a 省 left out, and not,
    /// after three or four, the end of a word (城市, 都市, 超市, 门市…), nor the start of 市场.
    /// 市一医院 was 一医院 (helper-130); 上海城市建设 was 上海城建设, and 上海城建 found it
    /// (helper-131); 成都市 and 北京市民政局 kept theirs (helper-132).
    public static func withoutPlaceWords(_ text: String) -> String {
        guard hasPlaceWords(text) else { return text }
        let chars = Array(text)
        var out = ""
        var since = 0  // characters since the start, or since a 省 left out
        var dropped = false
        for (i, ch) in chars.enumerated() {
            let isProvince = ch == "省", isCity = ch == "市"
            if (isProvince || isCity) && (2...4).contains(since) && !(isProvince && dropped) {
                // (A two-character place's name is one whatever its end: 成都市, 厦门市, 盐城市;
                // after three or four, 城市 and 都市 are words: helper-132.)
                let before = chars[i - 1], after = i + 1 < chars.count ? chars[i + 1] : nil
                let word = isCity && ((since >= 3 && "城都超门夜股菜闹上集".contains(before)) || after == "场")
                if !word {
                    dropped = true
                    since = isProvince ? 0 : 99  // (after a 市, no more place words)
                    continue
                }
            }
            out.append(ch)
            since += 1
        }
        return out
    }

    /// A name or company key as names are compared for likeness (likely duplicates, near
    /// names, near customers): without its place words (`withoutPlaceWords`) and without the
    /// legal forms inside it (中国银行股份有限公司南京河西支行 as 中国银行南京河西支行, the form a
    /// branch's name puts between its company's and its own: the two were no likely duplicate,
    /// and the first was not found by the second: helper-131).
    public static func comparable(_ text: String) -> String {
        guard hasLikenessNoise(text) else { return text }
        var t = withoutPlaceWords(text)
        for form in ["股份有限公司", "有限责任公司", "有限公司"] where t.contains(form) { t = t.replacingOccurrences(of: form, with: "") }
        return t
    }

    /// Whether `comparable` may change `text`: it has 省, 市 or 公司 (one pass over its scalars).
    public static func hasLikenessNoise(_ text: String) -> Bool {
        var previous: Unicode.Scalar = " "
        for s in text.unicodeScalars {
            if s == "省" || s == "市" || (previous == "公" && s == "司") { return true }
            previous = s
        }
        return false
    }

    /// Whether `text` has 省 or 市 (what `withoutPlaceWords` leaves out), by its scalars.
    public static func hasPlaceWords(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: { $0 == "市" || $0 == "省" })
    }

    /// A person's or project's name as compared: half-width, lower case, without white space or
    /// invisible characters.
    public static func personKey(_ name: String) -> String {
        let folded = halfWidth(name).lowercased()
        guard folded.unicodeScalars.contains(where: isInvisible) else { return folded }
        return String(String.UnicodeScalarView(folded.unicodeScalars.filter { !isInvisible($0) }))
    }

    /// Full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space as their ASCII forms.
    public static func halfWidth(_ text: String) -> String {
        if !text.unicodeScalars.contains(where: { $0.value == 0x3000 || (0xFF01...0xFF5E).contains($0.value) }) { return text }  // nothing to fold
        return String(String.UnicodeScalarView(text.unicodeScalars.map(\.asciiForm)))
    }

    /// A text as `search` compares it: its compatibility forms as their plain ones (NFKC:
    /// full-width ＡＢＣ as ABC, ﬁ as fi, ㈱ as (株), half-width ｶﾀｶﾅ as カタカナ, Ⅱ as II, the
    /// CJK compatibility ideographs), lower case, traditional characters as simplified
    /// (`Simplified`). ASCII and text without such a form go without Foundation's mapping.
    public static func searchable(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        // (A combining mark too: é written as e and U+0301, as macOS pastes it, is the é typed:
        // helper-152.)
        let compatible = text.unicodeScalars.contains { u in
            guard u.value >= 0x80 && !u.isBasicCJKIdeograph else { return false }
            let p = u.properties
            switch p.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return true
            default: return p.changesWhenNFKCCaseFolded
            }
        }
        // (Composed again: Foundation's mapping leaves ﾌﾟ as フ and a combining mark, which
        // `search` compares byte for byte with a typed プ.)
        return Simplified.fold((compatible ? text.precomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping : text).lowercased())
    }

    /// A customer's aliases field (别名) as its aliases: separated by 、 , ， ; ； (and their
    /// half-width and small forms ､ ﹑ ﹐) or a line break (Alt+Enter in an Excel cell, NEL, the
    /// Unicode line and paragraph separators), each trimmed, empty ones left out.
    public static func splitAliases(_ text: String) -> [String] {
        text.split(whereSeparator: { "、,，;；､﹑﹐\n\r\u{85}\u{2028}\u{2029}".contains($0) || $0 == "\r\n" }).map { String($0).trimmedWhitespace }.filter { !$0.isEmpty }
    }

    /// Whether a name has no letter, digit or character once `fold` has left out punctuation,
    /// white space and invisible characters and the legal suffixes are removed from its end:
    /// "——", "（）", a Hangul filler, "★", a combining accent alone, "有限公司", "Co., Ltd. 集团".
    /// No customer can be named so, however the name is given (`customer add`, an import), and
    /// no short name or alias can be such a name.
    public static func hasNoText(_ name: String) -> Bool {
        // (Most names hold a digit, or a character that is in no legal suffix: found at once.)
        for scalar in name.unicodeScalars {
            if scalar.isBasicCJKIdeograph && !suffixCharacters.contains(scalar) { return false }
            if (0x30...0x39).contains(scalar.value) { return false }
        }
        var folded = fold(name)
        removeSuffixes(&folded, leavingSomething: false)
        return !folded.contains { scalar in
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .decimalNumber, .letterNumber, .otherNumber: return true
            default: return false  // marks, symbols, modifier letters alone
            }
        }
    }

    /// The characters of the Chinese legal suffixes.
    static let suffixCharacters = Set(legalSuffixes.joined().unicodeScalars.filter(\.isBasicCJKIdeograph))

    /// Why a name that `hasNoText` is refused, without the name (an import's problem shows the
    /// value beside it).
    public static let notANameReason = (
        en: "not a company name: without punctuation, symbols and legal suffixes such as 有限公司 no letter, digit or character is left; give the customer's full name",
        zh: "不是有效的客户名称（去掉标点符号和“有限公司”等后缀后已无任何文字），请填写客户全称")

    /// The refusal of a customer name that `hasNoText`.
    public static func notAName(_ name: String) -> ArchiveError {
        ArchiveError(.invalidValue, "\(name) is \(notANameReason.en)", zh: "“\(name)”\(notANameReason.zh)")
    }
}

extension String {
    /// Whether the text's UTF-8 holds `needle`'s, byte for byte: what `search` compares (a
    /// match followed by a combining mark, 华为 in 华为ﾟ项目 once NFKC made ﾟ one, is found; a
    /// comparison of Characters saw 为 and the mark as one and found nothing: helper-150).
    func holds(_ needle: String) -> Bool {
        var hay = self, pin = needle
        return hay.withUTF8 { h in
            pin.withUTF8 { n in
                guard !n.isEmpty else { return true }
                guard h.count >= n.count, let first = n.first else { return false }
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first && memcmp(h.baseAddress! + i, n.baseAddress!, n.count) == 0 { return true }
                    i += 1
                }
                return false
            }
        }
    }
}
