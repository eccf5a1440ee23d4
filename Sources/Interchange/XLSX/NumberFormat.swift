import Foundation
import SalesArchive

/// Whether a number format shows a date or a time (so a number cell styled with it is a date).
enum NumberFormat {
    /// What a number format shows around a number that says what amount it is: a currency
    /// (`[$USD] #,##0.00`, `[$€-407]`, `"¥"#,##0.00`) before it, or a unit (`0.00"万元"`,
    /// `#,##0"万"`) after it.
    enum AmountUnit: Equatable, Sendable {
        case currency(String)
        case unit(String)

        /// The number `text` (as `CellReading.number` writes it) with the currency or unit, as
        /// the money type reads it: USD 120, 120万元.
        func text(_ number: String) -> String {
            switch self {
            case .currency(let c): return c + " " + number
            case .unit(let u): return number + u
            }
        }
    }

    /// The currency or unit of a format's first section, when the money type reads it as one
    /// (`Money.parse`): `[$USD-409]` gives USD, `0.00"万元"` 万元, `"¥"#,##0` ¥ (yuan, as a
    /// number cell is anyway: nil). Nil for every other format (dates, %, 0"人").
    static func amountUnit(_ code: String) -> AmountUnit? {
        let section = code.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? code
        guard section.utf8.count <= 200 else { return nil }
        // [$USD], [$USD-409], [$€-407]: the text between "[$" and "-" or "]".
        if let open = section.range(of: "[$") , let close = section[open.upperBound...].firstIndex(where: { $0 == "]" || $0 == "-" }) {
            let symbol = String(section[open.upperBound..<close])
            if !symbol.isEmpty, let m = Money.parse(symbol + " 1"), m.currency != Money.defaultCurrency { return .currency(m.currency) }
        }
        // Quoted literals: a unit after the digits ("万元"), a currency before them ("US$").
        var literals: [(text: String, afterDigits: Bool)] = []
        var seenDigit = false
        // A comma after the last digit placeholder divides what is shown by 1,000 (#,##0.0,"万"
        // shows 12,345 元 as 12.3万), as does a literal decimal point (0!.0,"万"): the cell holds
        // yuan, and the unit is only how it is shown.
        var scaled = false, commaAfterDigits = false
        var i = section.startIndex
        while i < section.endIndex {
            let ch = section[i]
            if ch == "\"", let end = section[section.index(after: i)...].firstIndex(of: "\"") {
                literals.append((String(section[section.index(after: i)..<end]), seenDigit))
                i = section.index(after: end)
                continue
            }
            if ch == "!" || ch == "\\" {  // an escaped character: a literal
                let next = section.index(after: i)
                if next < section.endIndex, section[next] == "." { scaled = true }
                i = next < section.endIndex ? section.index(after: next) : next
                continue
            }
            if ch == "[", let end = section[i...].firstIndex(of: "]") {  // colours, conditions, locales
                i = section.index(after: end)
                continue
            }
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
        if scaled { return nil }
        for literal in literals {
            let t = literal.text.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty else { continue }
            if literal.afterDigits, let m = Money.parse("1" + t), m != Money(minorUnits: 100, currency: Money.defaultCurrency) { return .unit(t) }
            if !literal.afterDigits, let m = Money.parse(t + "1"), m.currency != Money.defaultCurrency { return .currency(m.currency) }
        }
        return nil
    }

    /// Built-in formats that show dates or times: 14–22 and 45–47 everywhere; 27–36 and 50–58
    /// are the dates of the Chinese, Japanese and Korean locales (ECMA-376 Part 1, 18.8.30).
    static func isBuiltInDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
    }

    /// A custom format code is a date or time when its first section has y, m, d, h or s outside
    /// quoted text, backslash escapes, `_x` and `*x` spacing, and `[…]` (colours, locales,
    /// conditions); elapsed times like `[h]:mm` count as times.
    static func isDateCode(_ code: String) -> Bool {
        var inQuote = false
        var chars = code.unicodeScalars.makeIterator()
        while let c = chars.next() {
            if inQuote {
                if c == "\"" { inQuote = false }
                continue
            }
            switch c {
            case "\"": inQuote = true
            case "\\", "_", "*": _ = chars.next()
            case ";": return false
            case "[":
                var inside = ""
                while let d = chars.next(), d != "]" { inside.unicodeScalars.append(d) }
                let lower = inside.lowercased()
                if !lower.isEmpty, lower.allSatisfy({ "hms".contains($0) }) { return true }
            case "y", "Y", "m", "M", "d", "D", "h", "H", "s", "S": return true
            default: continue
            }
        }
        return false
    }
}
