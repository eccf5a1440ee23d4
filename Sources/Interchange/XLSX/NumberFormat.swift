import Foundation
import SalesArchive

/// Whether a number format shows a date or a time (so a number cell styled with it is a date).
enum NumberFormat {
    /// What a number format shows around a number that says what amount it is: a currency
    /// (`[$USD] #,##0.00`, `[$€-407]`, `"¥"#,##0.00`) before it, or a unit (`0.00"万元"`,
    /// `#,##0"万"`) after it.
    /// (`Importer.amountInput` writes a cell's number with it as the money type reads it.)
    enum AmountUnit: Equatable, Sendable {
        case currency(String)
        case unit(String)
        /// A percentage (`0%`, `0.00%`): the cell's number is a share, no amount (0.5 shows 50%).
        case percent
        /// A percent sign written as a literal (`0\%`, `0"%"`): the number shown as it is, with
        /// a percent sign (50 shows 50%), no amount either.
        case percentSign
    }

    /// The currency or unit a format shows its numbers with, when the money type reads it as
    /// one (`Money.parse`): `[$USD-409]`, `$#,##0` or `"US$"0.00` give USD, `"¥"#,##0` CNY,
    /// `0.00"万元"` 万元, `0.0%` a percentage; a format that divides what it shows (`#,##0.0,"万"`, `0!.0,"万"`) its
    /// currency, yuan unless it says another (the cell holds yuan). Of the sections (positive;
    /// negative), one that shows no currency or unit says nothing; nil when two show different
    /// ones, when a unit after the number is shown by one section only, for a format with
    /// conditions (`[>100]0"万";0"元"`) and for every other format (dates, 0"人"). `¥` of a
    /// Japanese locale (`[$¥-411]`, `[$¥-ja-JP]`) is JPY.
    static func amountUnit(_ code: String) -> AmountUnit? {
        guard code.utf8.count <= 400 else { return nil }
        var units: [AmountUnit?] = []
        for section in code.split(separator: ";", omittingEmptySubsequences: false).prefix(3) {
            guard let unit = sectionUnit(String(section)) else { return nil }
            if unit.digits && units.count < 2 { units.append(unit.value) }  // (a zero's section shows 0 or "-", in any unit)
        }
        // A section that shows no currency or unit says nothing ([$¥-411]0.00;-0.00: the negative
        // section without the sign of yen is still yen); two that show different ones, nil.
        // (A unit on one section only, 0.00"万元";-0.00, says nothing of what the other shows.)
        let shown = units.compactMap { $0 }
        guard let first = shown.first, shown.allSatisfy({ $0 == first }) else { return nil }
        if shown.count < units.count, case .unit = first { return nil }
        return first
    }

    /// One section's currency or unit (the inner nil when it shows none), and whether it shows a
    /// number; nil when the section has a condition.
    private static func sectionUnit(_ section: String) -> (value: AmountUnit?, digits: Bool)? {
        var literals: [(text: String, afterDigits: Bool)] = []
        var currency: String?
        var seenDigit = false
        // A comma after the last digit placeholder divides what is shown by 1,000 (#,##0.0,"万"
        // shows 12,345 元 as 12.3万), as does a literal decimal point (0!.0,"万"): the cell holds
        // yuan, and the unit is only how it is shown.
        var commaAfterDigits = false, scaled = false, percent = false
        var i = section.startIndex
        while i < section.endIndex {
            let ch = section[i]
            if ch == "\"", let end = section[section.index(after: i)...].firstIndex(of: "\"") {
                literals.append((String(section[section.index(after: i)..<end]), seenDigit))
                i = section.index(after: end)
                continue
            }
            if ch == "_" || ch == "*" {  // the width of the next character, or it repeated as a fill: not shown as such
                let next = section.index(after: i)
                guard next < section.endIndex else { break }
                i = section.index(after: next)
                continue
            }
            if ch == "!" || ch == "\\" {  // an escaped character: a literal
                let next = section.index(after: i)
                guard next < section.endIndex else { break }
                if section[next] == "." { scaled = true }
                literals.append((String(section[next]), seenDigit))
                i = section.index(after: next)
                continue
            }
            if ch == "[", let end = section[i...].firstIndex(of: "]") {  // colours, conditions, locales, currencies
                let inner = section[section.index(after: i)..<end]
                if let c = inner.first, "<>=".contains(c) { return nil }
                if inner.hasPrefix("$") {
                    let symbol = inner.dropFirst().prefix { $0 != "-" }
                    let locale = inner.dropFirst().drop { $0 != "-" }.dropFirst().lowercased()
                    if (symbol == "¥" || symbol == "￥") && (locale == "411" || locale.hasPrefix("ja")) {
                        currency = "JPY"  // the yen of a Japanese locale ([$¥-411], [$¥-ja-JP]); ¥ alone is the yuan
                    } else if !symbol.isEmpty, let m = Money.parse(symbol + " 1") { currency = m.currency }
                }
                i = section.index(after: end)
                continue
            }
            if "$¥￥€£".contains(ch), let m = Money.parse(String(ch) + "1") { currency = currency ?? m.currency }
            if ch == "%" { percent = true }
            if ch == "0" || ch == "#" || ch == "?" {
                seenDigit = true
                commaAfterDigits = false
            } else if ch == ",", seenDigit {
                commaAfterDigits = true
            } else if commaAfterDigits {
                scaled = true
            }
            i = section.index(after: i)
        }
        if commaAfterDigits { scaled = true }
        if percent { return (.percent, seenDigit) }
        if literals.contains(where: { $0.text.contains("%") || $0.text.contains("％") }) { return (.percentSign, seenDigit) }
        // (Divided, the number shown is not the cell's: a unit after it says nothing of the
        // cell; a currency still does, the cell's number being in it.)
        for literal in literals {
            let t = literal.text.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty else { continue }
            if scaled && literal.afterDigits {
                // (#,##0.0,"万" shows 1,200,000 as 1,200.0万: the cell holds yuan, its own unit,
                // also under a 预算（万元） header.)
                if Money.parse("1" + t) != nil { currency = currency ?? Money.defaultCurrency }
                continue
            }
            if literal.afterDigits, Money.parse("1" + t) != nil, t.unicodeScalars.contains(where: { $0.value > 0x7F || $0.properties.isAlphabetic }) {
                return (.unit(t), seenDigit)
            }
            if !literal.afterDigits, let m = Money.parse(t + "1") { currency = currency ?? m.currency }
        }
        return (currency.map { .currency($0) }, seenDigit)
    }

    /// A format that shows a whole number through digit placeholders and literal text alone
    /// (`000000`, `"C"000`, `000-0000-0000`, `"010-"0`, `\C000`): how Excel users keep a code's
    /// leading zeros or write a phone number. An identifier column reads such a cell as it shows
    /// (`C001`, not 1).
    struct DigitPattern: Equatable, Sendable {
        enum Part: Equatable, Sendable {
            case literal(String)
            /// `0` (a zero when there is no digit for it) or `#` (nothing).
            case digit(zero: Bool)
        }
        let parts: [Part]
        /// Whether the format has a section of its own for zero (a third: `"C"000;"N"000;"无"`).
        var zeroHasOwnSection = false

        /// A whole number cell as the format shows it; nil for what the pattern does not show
        /// (a negative number, a fraction, more than 15 digits, zero when its section is another).
        func text(_ d: Double) -> String? {
            guard d >= 0, d < 1e15, d == d.rounded(), !(d == 0 && zeroHasOwnSection) else { return nil }
            return render(UInt64(d))
        }

        /// `n` as the format shows it: digits fill the placeholders from the right, the
        /// leftmost takes every digit left over.
        func render(_ n: UInt64) -> String {
            var digits = n == 0 ? [] : Array(String(n))
            var filled = [String](repeating: "", count: parts.count)
            let placeholders = parts.indices.filter { if case .digit = parts[$0] { true } else { false } }
            for p in placeholders.reversed() {
                guard case .digit(let zero) = parts[p] else { continue }
                if p == placeholders.first {
                    filled[p] = digits.isEmpty ? (zero ? "0" : "") : String(digits)
                    digits = []
                } else if let last = digits.popLast() {
                    filled[p] = String(last)
                } else if zero {
                    filled[p] = "0"
                }
            }
            return parts.indices.map { i in if case .literal(let t) = parts[i] { t } else { filled[i] } }.joined()
        }
    }

    /// The digit pattern of a format's first section (what positive numbers show); nil for any
    /// other format (decimals, thousands separators, %, dates, conditions, `@`, an amount's unit
    /// or currency: `0"万"`), and for one that
    /// shows a number as plain digits do (`0`, `#`, `##0`).
    static func digitPattern(_ code: String) -> DigitPattern? {
        let sections = code.split(separator: ";", omittingEmptySubsequences: false)
        guard code.utf8.count <= 200, let section = sections.first else { return nil }
        var parts: [DigitPattern.Part] = []
        var i = section.startIndex
        while i < section.endIndex {
            let ch = section[i]
            switch ch {
            case "\"":
                guard let end = section[section.index(after: i)...].firstIndex(of: "\"") else { return nil }
                parts.append(.literal(String(section[section.index(after: i)..<end])))
                i = section.index(after: end)
                continue
            case "\\", "!":
                let next = section.index(after: i)
                guard next < section.endIndex else { return nil }
                parts.append(.literal(String(section[next])))
                i = section.index(after: next)
                continue
            case "[":
                // A colour (`[Red]`, `[Color10]`) or a locale without a currency (`[$-804]`, what
                // WPS adds) changes nothing shown; conditions, currencies, `[DBNum1]` do.
                guard let end = section[i...].firstIndex(of: "]") else { return nil }
                let inner = section[section.index(after: i)..<end].lowercased()
                let colours = ["black", "blue", "cyan", "green", "magenta", "red", "white", "yellow"]
                guard colours.contains(inner) || (inner.hasPrefix("color") && Int(inner.dropFirst(5)) != nil) || inner.hasPrefix("$-") else { return nil }
                i = section.index(after: end)
                continue
            case "_":  // (the width of the next character, as a space)
                let next = section.index(after: i)
                guard next < section.endIndex else { return nil }
                parts.append(.literal(" "))
                i = section.index(after: next)
                continue
            case "0": parts.append(.digit(zero: true))
            case "#": parts.append(.digit(zero: false))
            case "-", "(", ")", " ", "+": parts.append(.literal(String(ch)))
            default: return nil
            }
            i = section.index(after: i)
        }
        let zeros = parts.filter { $0 == .digit(zero: true) }.count
        // (No control, invisible or bidi character: a phone number is shown on terminals.)
        guard !parts.contains(where: { part in
            if case .literal(let t) = part { t.unicodeScalars.contains { [.control, .format, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory) } } else { false }
        }) else { return nil }
        let texts = parts.compactMap { if case .literal(let t) = $0 { t.trimmingCharacters(in: .whitespaces) } else { nil } }.filter { !$0.isEmpty }
        // (A unit or currency (0"万", "¥"000) shows an amount: a phone shown as 13800000000万 is its digits.)
        guard !texts.contains(where: { t in t.unicodeScalars.contains { $0.value > 0x7F || $0.properties.isAlphabetic }
                                            && (Money.parse("1" + t) != nil || Money.parse(t + "1") != nil) }) else { return nil }
        let literals = parts.contains { if case .literal(let t) = $0 { !t.isEmpty } else { false } }
        guard parts.contains(where: { if case .digit = $0 { true } else { false } }), literals || zeros > 1 else { return nil }
        return DigitPattern(parts: parts, zeroHasOwnSection: sections.count >= 3)
    }

    /// Built-in formats that show dates or times: 14–22 and 45–47 everywhere; 27–36 and 50–58
    /// are the dates of the Chinese, Japanese and Korean locales (ECMA-376 Part 1, 18.8.30).
    static func isBuiltInDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
    }

    /// The built-in date formats that show no time of day: 14–17 (m/d/yyyy, d-mmm-yy, d-mmm,
    /// mmm-yy), and of the Chinese locale's 27–31, 36, 50–54, 57, 58 (yyyy"年"m"月"d"日",
    /// m"月"d"日"…; 32–35 and 55–56 are times).
    static func isBuiltInDateOnly(_ id: Int) -> Bool {
        (14...17).contains(id) || (27...31).contains(id) || id == 36 || (50...54).contains(id) || id == 57 || id == 58
    }

    /// Whether a date format code (`isDateCode`) shows a time of day: h or s outside quoted
    /// text, escapes and `[…]`, or an elapsed `[h]`, `[m]`, `[s]`, or AM/PM. (m alone is the month.)
    static func showsTime(_ code: String) -> Bool { tokens(code).showsTime }

    /// A custom format code is a date or time when its first section has y, m, d, h or s outside
    /// quoted text, backslash escapes, `_x` and `*x` spacing, and `[…]` (colours, locales,
    /// conditions); elapsed times like `[h]:mm` count as times.
    static func isDateCode(_ code: String) -> Bool { tokens(code).isDate }

    /// One walk over a code's first section, outside quoted text, escapes, spacing and `[…]`:
    /// whether it has date or time letters, and whether time ones (h, s, elapsed `[h]`, AM/PM).
    private static func tokens(_ code: String) -> (isDate: Bool, showsTime: Bool) {
        var inQuote = false, isDate = false
        let scalars = Array(code.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            if inQuote {
                if c == "\"" { inQuote = false }
                continue
            }
            switch c {
            case "\"": inQuote = true
            case "\\", "_", "*": i += 1
            case ";": return (isDate, false)
            case "[":
                var inside = ""
                while i < scalars.count, scalars[i] != "]" { inside.unicodeScalars.append(scalars[i]); i += 1 }
                i += 1
                let lower = inside.lowercased()
                if !lower.isEmpty, lower.allSatisfy({ "hms".contains($0) }) { return (true, true) }
            case "h", "H", "s", "S": return (true, true)
            case "y", "Y", "m", "M", "d", "D": isDate = true
            case "A", "a":
                // AM/PM, A/P (上午/下午 is quoted text or a locale): peeked, not taken.
                if i < scalars.count, ["M", "m", "/"].contains(scalars[i]) { return (true, true) }
            default: continue
            }
        }
        return (isDate, false)
    }
}
