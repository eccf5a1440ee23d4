import Foundation

/// Writes an `XLSXWorkbook` as the bytes of an .xlsx file (ECMA-376 SpreadsheetML, a ZIP
/// package built in memory by `ZIPWriter`, parts deflated on every core). The caller writes the bytes to
/// disk (through the atomic writer).
///
/// Each sheet: a bold header row (frozen, with filter buttons unless turned off), text as shared
/// strings, dates as date serials (1900 system) with a yyyy-mm-dd style, money as numbers with a
/// currency format, solid fills; styles are shared by every cell with the same (format, fill,
/// bold). Rows and deflate run on every core (INTERCHANGE.md §6.2; figures in PERFORMANCE.md,
/// "The weekly report").
public enum XLSXWriter {
    /// The most UTF-16 code units Excel keeps in a cell; longer text is refused (`.writeFailed`),
    /// so a caller that prefers a cut text cuts it first.
    public static let maxCellTextLength = 32_767

    /// The .xlsx bytes of `workbook`. Throws `.writeFailed` for a fill that is not a colour, text
    /// longer than `maxCellTextLength`, or a sheet beyond Excel's 1,048,576 rows or 16,384 columns.
    public static func write(_ workbook: XLSXWorkbook) throws -> Data {
        var styles = StyleTable()
        var strings = SharedStringTable()
        // Most cells of a large sheet are distinct texts (names, addresses): room for half of them.
        strings.reserve(min(workbook.sheets.reduce(0) { $0 + $1.rows.count * max($1.columns.count, 1) } / 2, 4_000_000))
        // Excel refuses a workbook without a sheet.
        let sheets = workbook.sheets.isEmpty ? [XLSXSheet(name: "Sheet1", columns: [], rows: [])] : workbook.sheets
        // First step, in order on this thread: shared strings and styles (SheetWriter).
        var plans: [SheetWriter.Plan] = []
        for sheet in sheets { plans.append(try SheetWriter.plan(sheet, styles: &styles, strings: &strings)) }
        let (sheetParts, sharedStrings) = render(sheets, plans: plans, strings: strings)
        defer { Background.release(strings); Background.release(plans) }
        let sheetNames = workbook.sheets.isEmpty ? ["Sheet1"] : SheetNames.sanitize(workbook.sheets.map(\.name))
        let created = workbook.created ?? Date()

        var parts: [(String, Data)] = [
            ("[Content_Types].xml", Package.contentTypes(sheets: sheetParts.count, sharedStrings: !strings.isEmpty)),
            ("_rels/.rels", Package.rootRelationships),
            ("docProps/core.xml", Package.core(title: workbook.title, creator: workbook.creator, created: created)),
            ("docProps/app.xml", Package.app(sheetNames: sheetNames)),
            ("xl/workbook.xml", Package.workbook(sheetNames: sheetNames, sheets: workbook.sheets)),
            ("xl/_rels/workbook.xml.rels", Package.workbookRelationships(sheets: sheetParts.count, sharedStrings: !strings.isEmpty)),
            ("xl/styles.xml", styles.xml()),
        ]
        if !strings.isEmpty { parts.append(("xl/sharedStrings.xml", sharedStrings)) }
        for (index, part) in sheetParts.enumerated() {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", part))
        }
        return try zip(parts, modified: created)
    }

    /// Rows per block and shared strings per block of the second step.
    static let rowsPerBlock = 4_096
    static let stringsPerBlock = 16_384

    /// Second step, on every core: each sheet's rows and the shared-string items in blocks,
    /// then each sheet's part and the shared-string part put together in order.
    private static func render(_ sheets: [XLSXSheet], plans: [SheetWriter.Plan], strings: SharedStringTable) -> (sheets: [Data], sharedStrings: Data) {
        enum Job: Sendable {
            case rows(sheet: Int, Range<Int>)
            case strings(Range<Int>)
        }
        var jobs: [Job] = []
        // The shared strings first: one part as long as the largest sheet.
        for start in stride(from: 0, to: strings.count, by: stringsPerBlock) {
            jobs.append(.strings(start..<min(strings.count, start + stringsPerBlock)))
        }
        for (i, sheet) in sheets.enumerated() {
            for start in stride(from: 0, to: sheet.rows.count, by: rowsPerBlock) {
                jobs.append(.rows(sheet: i, start..<min(sheet.rows.count, start + rowsPerBlock)))
            }
        }
        let work = jobs
        var results = Parallel.map(work.count) { j -> (bytes: [UInt8], widths: [Int]) in
            switch work[j] {
            case .strings(let range):
                return (strings.xmlItems(range), [])
            case .rows(let sheet, let range):
                return SheetWriter.rows(range, of: sheets[sheet], plan: plans[sheet])
            }
        }
        var sharedStrings = Data()
        var blocks = [[[UInt8]]](repeating: [], count: sheets.count)
        var widths = plans.map { [Int](repeating: 0, count: $0.columnCount) }
        for (j, job) in work.enumerated() {
            switch job {
            case .strings:
                if sharedStrings.isEmpty {
                    sharedStrings.reserveCapacity(work.indices.reduce(0) { $0 + results[$1].bytes.count } + 512)
                    sharedStrings.append(contentsOf: strings.xmlHead())
                }
                sharedStrings.append(contentsOf: results[j].bytes)
            case .rows(let sheet, _):
                blocks[sheet].append(results[j].bytes)
                for (c, w) in results[j].widths.enumerated() { widths[sheet][c] = max(widths[sheet][c], w) }
            }
            results[j] = ([], [])  // freed as soon as copied
        }
        if !sharedStrings.isEmpty { sharedStrings.append(contentsOf: SharedStringTable.xmlTail) }
        let parts = sheets.indices.map { i in
            SheetWriter.part(sheets[i], plan: plans[i], selected: i == 0, blocks: blocks[i], widths: widths[i])
        }
        return (parts, sharedStrings)
    }

    private static func zip(_ parts: [(String, Data)], modified: Date) throws -> Data {
        try ZIPWriter.archive(parts.map { ZIPWriter.Part(path: $0.0, data: $0.1) }, modified: modified)
    }
}
