import Foundation

/// The sheet list and the date system of `xl/workbook.xml`.
struct WorkbookInfo {
    struct Sheet {
        let name: String
        let relationshipID: String
        /// `state="hidden"` or `"veryHidden"`: a tab the user does not see.
        var hidden = false
    }
    var sheets: [Sheet] = []
    var date1904 = false
    /// The workbook's defined names and their formulas (`今天` = `TODAY()`): `FormulaDays`.
    var definedNames: [String: String] = [:]

    init(_ xml: Data, part: String) throws {
        var sheets: [Sheet] = []
        var date1904 = false
        var names: [String: String] = [:]
        var name: String?
        var text = ""
        try XMLEvents.parse(xml, part: part, start: { element, attributes in
            switch element {
            case "definedName":
                name = attributes["name"].map(OOXMLString.decode)
                text = ""
            case "workbookPr":
                let flag = attributes["date1904"]?.lowercased()
                date1904 = flag == "1" || flag == "true"
            case "sheet":
                guard let sheetName = attributes["name"], let id = attributes["id"] else {
                    throw XLSXErrors.badContent(part, "a sheet has no name or no part", zh: "有一个工作表缺少名称或内容")
                }
                let state = attributes["state"]
                sheets.append(Sheet(name: OOXMLString.decode(sheetName), relationshipID: id, hidden: state == "hidden" || state == "veryHidden"))
            default: break
            }
        }, end: { element in
            if element == "definedName", let n = name, names.count < 10_000 { names[n] = text }
            if element == "definedName" { name = nil }
        }, text: { t in
            if name != nil && text.utf8.count < 8_192 { text += t }
        })
        self.sheets = sheets
        self.date1904 = date1904
        self.definedNames = names
    }
}
