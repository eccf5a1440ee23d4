import Foundation

/// Reads the sheets of an XLSX workbook into tables (ECMA-376 SpreadsheetML).
///
/// Each worksheet becomes a `Table` named as its tab, in workbook order (chart sheets are
/// skipped). A row's `line` is the row number Excel shows; its cells sit at their columns, gaps
/// filled with `.empty`; trailing empty cells are dropped and rows left with no cells are omitted.
/// Shared, inline and formula strings are `.text` (`_xHHHH_` escapes decoded), errors like `#N/A`
/// are `.text("#N/A")`, booleans `.bool`, numbers `.number`, and numbers whose style is a date or
/// time format `.date` (1900 or 1904 system, to the nearest second).
///
/// Hostile files end in an `InterchangeError`, never a crash or a hang: parts inflate against
/// caps (`XLSXPackage.Limits`), cell references beyond XFD or row 1,048,576 are refused, and the
/// total of cells is capped. Measured on the project's 2-core Linux machine, shared with other
/// builds: a 100,000-row × 10-column sheet written by XLSXWriter (5.3 MB) reads in 3.0–4.4 s
/// optimised (-O), 8–11 s in a debug build (XLSXTests.testLargeSheetRoundTrip with
/// SALESVAULT_XLSX_BENCH=1); most of it is Foundation's XMLParser (see XMLEvents).
public enum XLSXReader {
    /// Excel's largest row and column (1,048,576 and XFD).
    static let maxRow = 1_048_576
    static let maxColumn = 16_384

    /// Reads every worksheet of the workbook in `data`.
    public static func read(_ data: Data) throws -> [Table] {
        try read(data, limits: .standard)
    }

    static func read(_ data: Data, limits: XLSXPackage.Limits) throws -> [Table] {
        var package = try XLSXPackage(data, limits: limits)
        let workbookPath = try officeDocumentPath(&package)
        if workbookPath.lowercased().hasSuffix(".bin") { throw XLSXErrors.binaryWorkbook() }
        guard let workbookXML = try package.read(workbookPath) else {
            if package.contains("xl/workbook.bin") { throw XLSXErrors.binaryWorkbook() }
            throw XLSXErrors.missingPart(workbookPath)
        }
        let workbook = try WorkbookInfo(workbookXML, part: workbookPath)
        let relations = try relationships(of: workbookPath, in: &package)

        var styles = StyleInfo.empty
        if let stylesPath = relations.values.first(where: { $0.type.hasSuffix("/styles") })?.target,
           let stylesXML = try package.read(stylesPath) {
            styles = try StyleInfo(stylesXML, part: stylesPath)
        }
        var sharedStrings: [String] = []
        if let path = relations.values.first(where: { $0.type.hasSuffix("/sharedStrings") })?.target,
           let xml = try package.read(path) {
            sharedStrings = try SharedStrings.parse(xml, part: path, limit: limits.maxCells)
        }

        var tables: [Table] = []
        var sheetFormulas: [[CellPosition: FormulaDays.Formula]] = []
        var cellBudget = limits.maxCells
        for sheet in workbook.sheets {
            guard let relation = relations[sheet.relationshipID] else {
                throw XLSXErrors.missingPart("\(workbookPath) → \(sheet.relationshipID) (\(sheet.name))")
            }
            guard relation.type.hasSuffix("/worksheet") else { continue }
            guard let xml = try package.read(relation.target) else { throw XLSXErrors.missingPart(relation.target) }
            var hiddenRows: [Int] = [], hiddenColumns: [Int] = []
            var amountUnits: [CellPosition: NumberFormat.AmountUnit] = [:]
            var shownNumbers: [CellPosition: String] = [:]
            var uncomputed: [CellPosition] = []
            var volatile: [CellPosition: String] = [:]
            var formulas: [CellPosition: FormulaDays.Formula] = [:]
            let rows = try SheetParser.parse(
                xml, part: relation.target, sharedStrings: sharedStrings, styles: styles,
                date1904: workbook.date1904, cellBudget: &cellBudget, hiddenRows: &hiddenRows, hiddenColumns: &hiddenColumns,
                amountUnits: &amountUnits, shownNumbers: &shownNumbers, uncomputed: &uncomputed, volatile: &volatile, formulaCells: &formulas)
            var table = Table(name: sheet.name, rows: rows)
            table.hidden = sheet.hidden
            table.hiddenRows = hiddenRows
            table.hiddenColumns = hiddenColumns
            table.amountUnits = amountUnits
            table.shownNumbers = shownNumbers
            table.uncomputedFormulas = uncomputed
            table.volatileFormulas = volatile
            tables.append(table)
            sheetFormulas.append(formulas)
        }
        // The cells that refer to a cell of the day, on any sheet, or to a name that is one.
        if sheetFormulas.contains(where: { !$0.isEmpty }) {
            let found = FormulaDays.resolve(sheets: tables.map(\.name), formulas: sheetFormulas, direct: tables.map(\.volatileFormulas),
                                            definedNames: workbook.definedNames)
            for i in tables.indices { tables[i].volatileFormulas = found[i] }
        }
        return tables
    }

    /// The workbook part named by the package relationships (`_rels/.rels`), or the usual name.
    private static func officeDocumentPath(_ package: inout XLSXPackage) throws -> String {
        guard let rels = try package.read("_rels/.rels") else {
            if package.contains("xl/workbook.bin") { throw XLSXErrors.binaryWorkbook() }
            return "xl/workbook.xml"
        }
        let all = try parseRelationships(rels, part: "_rels/.rels", base: "")
        return all.values.first(where: { $0.type.hasSuffix("/officeDocument") })?.target ?? "xl/workbook.xml"
    }

    struct Relationship {
        let type: String
        let target: String
    }

    /// The relationships of `part` (from `dir/_rels/name.rels`), targets resolved to part paths.
    private static func relationships(of part: String, in package: inout XLSXPackage) throws -> [String: Relationship] {
        let dir = part.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let name = part.split(separator: "/").last.map(String.init) ?? part
        let relsPath = (dir.isEmpty ? "" : dir + "/") + "_rels/" + name + ".rels"
        guard let xml = try package.read(relsPath) else { throw XLSXErrors.missingPart(relsPath) }
        return try parseRelationships(xml, part: relsPath, base: dir)
    }

    private static func parseRelationships(_ xml: Data, part: String, base: String) throws -> [String: Relationship] {
        var result: [String: Relationship] = [:]
        try XMLEvents.parse(xml, part: part, start: { name, attributes in
            guard name == "Relationship", let id = attributes["Id"], let type = attributes["Type"],
                  let target = attributes["Target"], attributes["TargetMode"] != "External" else { return }
            result[id] = Relationship(type: type, target: resolve(target, base: base))
        })
        return result
    }

    /// A relationship target as a part path: absolute ("/xl/…") or relative to `base` with ".." steps.
    static func resolve(_ target: String, base: String) -> String {
        var components: [Substring] = target.hasPrefix("/") ? [] : base.split(separator: "/")
        for piece in target.split(separator: "/") {
            if piece == ".." { _ = components.popLast() } else if piece != "." { components.append(piece) }
        }
        return components.joined(separator: "/")
    }
}
