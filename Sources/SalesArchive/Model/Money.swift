import Foundation

/// An amount of money (RECORDS.md §4): hundredths of a currency unit, exactly, and an ISO 4217
/// currency code. Budgets and contract amounts are money, so pipeline values can be added up.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// Hundredths of the unit (fen for CNY).
    public let minorUnits: Int64
    /// Three ASCII capital letters, e.g. "CNY".
    public let currency: String

    public static let defaultCurrency = "CNY"

    /// Validates the currency code (three ASCII capital letters).
    public init?(minorUnits: Int64, currency: String) {
        guard currency.utf8.count == 3, currency.utf8.allSatisfy({ (65...90).contains($0) }) else { return nil }
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// "3000000.50": the amount with exactly two decimals (JSON, CSV, export).
    public var decimalString: String {
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        let units = magnitude / 100
        let cents = magnitude % 100
        return (negative ? "-" : "") + String(units) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// "CNY 3,000,000.50" for people; whole amounts without decimals.
    public var description: String { "\(currency) \(grouped)" }

    /// "3,000,000" or "3,000,000.50".
    public var grouped: String {
        let magnitude = minorUnits.magnitude
        var digits = String(magnitude / 100)
        var out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits.removeLast(3)
        }
        out = digits + out
        if magnitude % 100 != 0 { out += "." + (magnitude % 100 < 10 ? "0" : "") + String(magnitude % 100) }
        return (minorUnits < 0 ? "-" : "") + out
    }

    /// "300万元" / "1.2亿元" style for Chinese readers when the amount is a round number of 万;
    /// otherwise the grouped amount with the currency.
    public func display(zh: Bool) -> String {
        if zh && currency == "CNY" {
            let m = minorUnits.magnitude
            if m >= 100_000_000_00, m % 1_000_000_00 == 0 { return trimmed(m / 1_000_000_00, scale: 2) + "亿元" }
            if m >= 10_000_00, m % 100_00 == 0 { return String(m / 10_000_00) + (m % 10_000_00 == 0 ? "" : "." + trimmedFraction(m % 10_000_00 / 100_00, width: 2)) + "万元" }
            return grouped + "元"
        }
        return description
    }

    private func trimmed(_ hundredths: UInt64, scale: Int) -> String {
        let whole = hundredths / 100
        let frac = hundredths % 100
        return frac == 0 ? String(whole) : String(whole) + "." + trimmedFraction(frac, width: scale)
    }

    private func trimmedFraction(_ value: UInt64, width: Int) -> String {
        var s = String(value)
        while s.count < width { s = "0" + s }
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}

extension Money {
    /// Currency words and symbols users write around an amount.
    private static let currencyWords: [(String, String)] = [
        ("人民币", "CNY"), ("RMB", "CNY"), ("CNY", "CNY"), ("¥", "CNY"), ("￥", "CNY"), ("元", "CNY"),
        ("US$", "USD"), ("USD", "USD"), ("美元", "USD"), ("$", "USD"),
        ("HK$", "HKD"), ("HKD", "HKD"), ("港币", "HKD"), ("港元", "HKD"),
        ("EUR", "EUR"), ("€", "EUR"), ("欧元", "EUR"),
        ("GBP", "GBP"), ("£", "GBP"), ("英镑", "GBP"),
        ("JPY", "JPY"), ("JP¥", "JPY"), ("日元", "JPY"), ("円", "JPY"),  // (¥ alone is the yuan here)
    ]
    /// The currency words, longest first: 美元 is found before 元 (120万美元 was no amount).
    private static let currencyWordsLongestFirst = currencyWords.sorted { $0.0.count > $1.0.count }
    /// Multipliers written after the number (upper case: 5k is 5K).
    private static let multipliers: [(String, Int)] = [("百万", 6), ("千万", 7), ("万", 4), ("亿", 8), ("千", 3), ("K", 3), ("M", 6)]

    /// Parses what people write for an amount: `3000000`, `3,000,000`, `¥3000000`, `300万`,
    /// `1.2亿`, `3000000.50`, `USD 1,200`, `300万元`. Refuses anything else (nil): other words,
    /// negative amounts, more than two decimals after scaling, amounts that do not fit.
    public static func parse(_ input: String, defaultCurrency: String = Money.defaultCurrency) -> Money? {
        guard let m = parseAnyFraction(input, defaultCurrency: defaultCurrency) else { return nil }
        return zeroDecimal.contains(m.currency) && m.minorUnits % 100 != 0 ? nil : m
    }

    /// Currencies without a minor unit in use (ISO 4217 exponent 0): an amount in them has no
    /// decimals (JPY 100.5 is no amount).
    static let zeroDecimal: Set<String> = ["JPY", "KRW"]

    /// Why a text written as an amount is none, when it is one but for its size: finer than a
    /// hundredth of its currency (0.001, 1E-07万元), or more than the 2^63 hundredths an amount
    /// is stored in (an amount of nineteen digits).
    enum Refusal: Equatable { case finerThanHundredth, tooLarge }

    static func refusal(_ input: String) -> Refusal? {
        var why: Refusal?
        _ = parseAnyFraction(input, refusal: &why)
        return why
    }

    /// `parse` without the rule of `zeroDecimal` (to say why an amount was refused).
    static func parseAnyFraction(_ input: String, defaultCurrency: String = Money.defaultCurrency) -> Money? {
        var why: Refusal?
        return parseAnyFraction(input, defaultCurrency: defaultCurrency, refusal: &why)
    }

    private static func parseAnyFraction(_ input: String, defaultCurrency: String = Money.defaultCurrency, refusal: inout Refusal?) -> Money? {
        let halfWidth = input.applyingTransform(.fullwidthToHalfwidth, reverse: false) ?? input
        var s = halfWidth.filter { !$0.isWhitespace }.uppercased()
        guard !s.isEmpty else { return nil }
        var currency: String?
        var before = 0, after = 0
        // Currency words before or after the number: at most one before and one after, of one currency.
        var changed = true
        while changed {
            changed = false
            for (word, code) in currencyWordsLongestFirst {
                let w = word.uppercased()
                if s.hasPrefix(w) || s.hasSuffix(w) {
                    guard currency == nil || currency == code else { return nil }
                    if s.hasPrefix(w) {
                        before += 1
                        s = String(s.dropFirst(w.count))
                    } else {
                        after += 1
                        s = String(s.dropLast(w.count))
                    }
                    guard before <= 1, after <= 1 else { return nil }
                    currency = code
                    changed = true
                }
            }
        }
        var exponent = 0
        for (word, power) in multipliers where s.hasSuffix(word) {
            s.removeLast(word.count)
            exponent = power
            break
        }
        // Digits, optional thousands separators in groups of three, optional decimals.
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let integerPart = parts.first, !integerPart.isEmpty else { return nil }
        let groups = integerPart.split(whereSeparator: { $0 == "," || $0 == "，" }).map(String.init)
        let separators = integerPart.filter { $0 == "," || $0 == "，" }.count
        guard groups.count == separators + 1, groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        if groups.count > 1 { guard groups[0].count <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil } }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty else { return nil }
        // value = digits × 10^(exponent + 2 − fraction digits) hundredths.
        var digits = (groups.joined() + fraction).drop { $0 == "0" }
        var shift = exponent + 2 - fraction.count
        while shift < 0, digits.last == "0" {
            digits.removeLast()
            shift += 1
        }
        guard shift >= 0 else { refusal = .finerThanHundredth; return nil }
        var value: Int64 = 0
        for ch in digits {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(ch.asciiValue! - 48))  // checked digit
            guard !o1, !o2 else { refusal = .tooLarge; return nil }
            value = a
        }
        for _ in 0..<shift {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            guard !o else { refusal = .tooLarge; return nil }
            value = m
        }
        return Money(minorUnits: value, currency: currency ?? defaultCurrency)
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { (48...57).contains($0) } ?? false }
}
