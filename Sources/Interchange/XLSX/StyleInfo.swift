import Foundation

/// Which cell styles (`cellXfs` indexes) show numbers as dates or times.
struct StyleInfo {
    var isDateStyle: [Bool]
    /// By style, a date format that shows no time of day (yyyy-mm-dd, 14, 31): a time in such a
    /// cell is hidden.
    var hidesTime: [Bool] = []
    /// By style, the amount a number format shows a number as (`NumberFormat.amountUnit`): a
    /// currency or a unit such as 万元; nil for most.
    var amountUnits: [NumberFormat.AmountUnit?] = []
    /// By style, the digit pattern its format shows a whole number with (`NumberFormat.digitPattern`).
    var digitPatterns: [NumberFormat.DigitPattern?] = []
    /// Excel's quote prefix of each cell format (`quotePrefix="1"`), when any has one.
    var quotePrefixes: [Bool] = []
    static let empty = StyleInfo(isDateStyle: [])

    init(isDateStyle: [Bool]) { self.isDateStyle = isDateStyle }

    init(_ xml: Data, part: String) throws {
        var customUnits: [Int: NumberFormat.AmountUnit] = [:]
        var customPatterns: [Int: NumberFormat.DigitPattern] = [:]
        var customDates: [Int: Bool] = [:]
        var customDateOnly: Set<Int> = []
        var xfFormats: [Int] = []
        var xfQuoted: [Bool] = []
        var inCellXfs = false
        try XMLEvents.parse(xml, part: part, start: { name, attributes in
            switch name {
            case "numFmt":
                if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
                    customDates[id] = NumberFormat.isDateCode(code)
                    if NumberFormat.isDateCode(code) && !NumberFormat.showsTime(code) { customDateOnly.insert(id) }
                    if let unit = NumberFormat.amountUnit(code) { customUnits[id] = unit }
                    if let pattern = NumberFormat.digitPattern(code) { customPatterns[id] = pattern }
                }
            case "cellXfs": inCellXfs = true
            case "xf" where inCellXfs:
                xfFormats.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
                xfQuoted.append(attributes["quotePrefix"].map { $0 == "1" || $0.lowercased() == "true" } ?? false)
            default: break
            }
        }, end: { name in
            if name == "cellXfs" { inCellXfs = false }
        })
        isDateStyle = xfFormats.map { customDates[$0] ?? NumberFormat.isBuiltInDate($0) }
        hidesTime = xfFormats.map { customDates[$0] == nil ? NumberFormat.isBuiltInDateOnly($0) : customDateOnly.contains($0) }
        if !customPatterns.isEmpty { digitPatterns = xfFormats.map { customPatterns[$0] } }
        if xfQuoted.contains(true) { quotePrefixes = xfQuoted }
        // (Built-in formats 9 and 10 are 0% and 0.00%.)
        if !customUnits.isEmpty || xfFormats.contains(where: { $0 == 9 || $0 == 10 }) {
            amountUnits = xfFormats.map { customUnits[$0] ?? ($0 == 9 || $0 == 10 ? .percent : nil) }
        }
    }

    func digitPattern(_ style: Int) -> NumberFormat.DigitPattern? { style >= 0 && style < digitPatterns.count ? digitPatterns[style] : nil }

    func amountUnit(_ style: Int) -> NumberFormat.AmountUnit? { style >= 0 && style < amountUnits.count ? amountUnits[style] : nil }

    func hasQuotePrefix(_ style: Int) -> Bool { style >= 0 && style < quotePrefixes.count && quotePrefixes[style] }

    func isDate(_ style: Int) -> Bool { style >= 0 && style < isDateStyle.count && isDateStyle[style] }

    func hidesTime(_ style: Int) -> Bool { style >= 0 && style < hidesTime.count && hidesTime[style] }
}
