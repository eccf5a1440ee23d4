import Foundation
import VaultFormat

extension String {
    /// Whether the text shows nothing: white space and invisible characters alone (format
    /// characters such as U+200B, U+2060 and a BOM, the Hangul fillers, the braille blank:
    /// `CompanyName.isInvisible`), or no text. What an import reads as an empty cell when it
    /// looks for rows and columns that hold something.
    public var showsNothing: Bool {
        // (Most texts start with a visible ASCII character or a CJK ideograph, U+4000–U+9FFF,
        // lead bytes E4–E9: told from the first byte, without the Unicode properties that
        // made a million-row log a tenth of a second slower per pass.)
        if let first = utf8.first, (0x21...0x7E).contains(first) || (0xE4...0xE9).contains(first) { return false }
        for scalar in unicodeScalars where !CompanyName.isInvisible(scalar) { return false }
        return true
    }

    /// The text without white space or line breaks at either end, as
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives it, without the round trip through
    /// Foundation when there is nothing to trim (every cell of an import goes through here).
    public var trimmedWhitespace: String {
        // (`withUTF8` reads a small string, up to 15 bytes, from a copy on the stack, where
        // `utf8.withContiguousStorageIfAvailable` gives none and the scalars were decoded.)
        var text = self
        return text.withUTF8 { Self.edgeIsTrimmed($0) } ? trimmingCharacters(in: .whitespacesAndNewlines) : self
    }

    /// Whether the first or the last scalar of valid UTF-8 `b` is one `trimmedWhitespace`
    /// removes (false for no bytes), read from the bytes: an ASCII byte at either end is
    /// checked as it is, another end decoded (the `unicodeScalars` view's `last` was a tenth of
    /// reading an import's cells).
    @inline(__always)
    static func edgeIsTrimmed(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        guard n > 0 else { return false }
        @inline(__always) func scalar(at i: Int) -> Unicode.Scalar {
            let lead = UInt32(b[i])
            var v: UInt32, k: Int
            if lead < 0xE0 { v = lead & 0x1F; k = 1 } else if lead < 0xF0 { v = lead & 0x0F; k = 2 } else { v = lead & 0x07; k = 3 }
            for j in 1...k where i + j < n { v = v << 6 | UInt32(b[i + j] & 0x3F) }
            return Unicode.Scalar(v) ?? " "  // (valid UTF-8 always decodes)
        }
        let first = b[0]
        if first < 0x80 {
            if first == 0x20 || (first >= 0x09 && first <= 0x0D) { return true }
        } else if scalar(at: 0).isTrimmedByFoundation {
            return true
        }
        let last = b[n - 1]
        if last < 0x80 { return last == 0x20 || (last >= 0x09 && last <= 0x0D) }
        var i = n - 1
        while i > 0 && b[i] & 0xC0 == 0x80 { i -= 1 }
        return scalar(at: i).isTrimmedByFoundation
    }

    /// The text without spaces and tabs at either end, as `trimmingCharacters(in: .whitespaces)`
    /// gives it (general category Zs and U+0009), without Foundation when there is nothing to trim.
    public var trimmedSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        // Foundation's `whitespaces` is within its `whitespacesAndNewlines`.
        if !first.isTrimmedByFoundation && !last.isTrimmedByFoundation { return self }
        return trimmingCharacters(in: .whitespaces)
    }

    /// `filter { !$0.isWhitespace }` (characters whose first scalar is White_Space removed), without
    /// walking grapheme clusters when the text has no white space at all (the common case).
    public var removingWhitespaceCharacters: String {
        if !unicodeScalars.contains(where: { $0.isWhiteSpaceFast }) { return self }
        return filter { !$0.isWhitespace }
    }
}

extension Unicode.Scalar {
    /// Whether Foundation's `whitespacesAndNewlines` holds the scalar: White_Space and, in
    /// Foundation's tables, the zero-width space U+200B (checked over every scalar by
    /// ImportFastPathTests).
    @inline(__always)
    var isTrimmedByFoundation: Bool { isWhiteSpaceFast || value == 0x200B }
}

extension String {
    /// A reason's letters and digits alone, lower case (无。, N/A., n.a., 无 无 as 无, na, 无无),
    /// full-width letters as ASCII (Ｎ／Ａ, ｎｏｎｅ: helper-131), traditional characters as
    /// simplified (無, 測試: helper-136): what `isPlaceholderReason` and `namesATest` compare.
    var reasonCore: String {
        var core = String.UnicodeScalarView()
        for s in unicodeScalars.lazy.map(\.asciiForm) where !(s.properties.generalCategory.isPunctuationOrSymbol || s.properties.isWhitespace) {
            core.append(simplified[s] ?? s.properties.lowercaseMapping.unicodeScalars.first ?? s)
        }
        return String(core)
    }

    /// A reason that says nothing: no text, punctuation or symbols alone (。, -, /, ……), or
    /// 无, 没有, 暂无, 略, none, n/a, 同上, with punctuation or not (无。), said twice (无无) or with
    /// 原因/理由 (没有原因). A grade change, a stage moved back, or a customer removed with an
    /// open project took "。" and "-" as their reasons (helper-128).
    public var isPlaceholderReason: Bool {
        var t = reasonCore
        if t.isEmpty { return true }
        // (Traditional forms are folded to these: 不詳, 沒有, 暫無, 見上.)
        let words: Set<String> = ["无", "没有", "暂无", "略", "none", "na", "nil", "null", "tbd", "todo", "待定", "不详",
                                  "空", "同上", "见上", "原因", "理由",
                                  // (What is typed to get past a required field: xx, test, 测试.)
                                  "x", "test", "testing", "tset", "测试", "测试一下", "asdf", "asd", "qwer", "qwerty", "dummy", "foo", "sample",
                                  "示例", "reason", "noreason", "占位", "待补充", "待填", "随便", "随便了", "随便吧", "哈哈", "嗯", "好的", "收到",
                                  "lol", "不知道", "不清楚", "未知", "其他", "其它", "如题", "同前",
                                  "ok", "okay", "ok了", "好", "行", "是", "对", "可以", "没问题"]
        // The word 原因 or 理由 around one (无原因, 没有原因, 原因不详, 無理由: helper-131).
        for word in ["原因", "理由"] {
            if t.hasSuffix(word) && t.count > word.count { t.removeLast(word.count) } else if t.hasPrefix(word) && t.count > word.count { t.removeFirst(word.count) }
        }
        if words.contains(t) { return true }
        // One of them with digits after it (test1, 测试2).
        let undigited = String(String.UnicodeScalarView(t.unicodeScalars.reversed().drop { ("0"..."9").contains($0) }.reversed()))
        if undigited != t, words.contains(undigited) { return true }
        // Digits typed as filler: one digit repeated (1, 000, 111) or counted up (123, 0123),
        // not a number that says something (618, 315, 2027, 50%, 11.11: helper-134).
        let digits = t.unicodeScalars.map { Int($0.value) - 0x30 }
        if !digits.isEmpty, digits.allSatisfy({ (0...9).contains($0) }),
           unicodeScalars.lazy.map(\.asciiForm).allSatisfy({ ("0"..."9").contains($0) || $0.properties.isWhitespace }),
           digits.allSatisfy({ $0 == digits[0] }) || (digits.count >= 3 && digits[0] <= 1 && zip(digits, digits.dropFirst()).allSatisfy { $1 == $0 + 1 }) {
            return true
        }
        if t.unicodeScalars.count >= 2, let first = t.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic,
           t.unicodeScalars.allSatisfy({ $0 == first }) { return true }
        // One of them said twice or more (无无, 略略).
        return words.contains { w in t.count > w.count && t.count % w.count == 0 && String(repeating: w, count: t.count / w.count) == t }
    }
}

extension String {
    /// Whether a reason says the record was a test (测试, test, 测试数据): a reason to remove or
    /// withdraw it, though it says nothing as a grade's or a correction's (helper-138).
    public var namesATest: Bool {
        ["测试", "test", "testing", "测试数据", "测试记录", "测试客户", "测试投诉", "测试用", "testdata", "testentry"].contains(reasonCore)
    }

    /// What a refusal for a missing reason adds when one was given that says nothing (`。`,
    /// `无`): said as such (it read as though none had been given: helper-129). Empty for none.
    public static func placeholderNote(_ reason: String?) -> (en: String, zh: String) {
        guard let given = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !given.isEmpty else { return ("", "") }
        let shown = given.count > 20 ? String(given.prefix(20)) + "…" : given
        return ("; \"\(shown)\" says nothing: write what happened", "；“\(shown)”不能作为原因，请写明具体理由")
    }
}

private extension Unicode.GeneralCategory {
    var isPunctuationOrSymbol: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
             .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol, .format, .control:
            return true
        default: return false
        }
    }
}
