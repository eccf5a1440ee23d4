import Foundation

/// Which cell styles (`cellXfs` indexes) show numbers as dates or times.
struct StyleInfo {
    var isDateStyle: [Bool]
    static let empty = StyleInfo(isDateStyle: [])

    init(isDateStyle: [Bool]) { self.isDateStyle = isDateStyle }

    init(_ xml: Data, part: String) throws {
        var customDates: [Int: Bool] = [:]
        var xfFormats: [Int] = []
        var inCellXfs = false
        try XMLEvents.parse(xml, part: part, start: { name, attributes in
            switch name {
            case "numFmt":
                if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
                    customDates[id] = NumberFormat.isDateCode(code)
                }
            case "cellXfs": inCellXfs = true
            case "xf" where inCellXfs:
                xfFormats.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
            default: break
            }
        }, end: { name in
            if name == "cellXfs" { inCellXfs = false }
        })
        isDateStyle = xfFormats.map { customDates[$0] ?? NumberFormat.isBuiltInDate($0) }
    }

    func isDate(_ style: Int) -> Bool { style >= 0 && style < isDateStyle.count && isDateStyle[style] }
}
