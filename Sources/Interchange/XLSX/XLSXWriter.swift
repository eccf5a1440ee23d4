import Foundation
import ZIPFoundation

/// Writes an `XLSXWorkbook` as the bytes of an .xlsx file (ECMA-376 SpreadsheetML, a ZIP
/// package built in memory with ZIPFoundation, parts deflated). The caller writes the bytes to
/// disk (through the atomic writer).
///
/// Each sheet: a bold header row (frozen, with filter buttons unless turned off), text as shared
/// strings, dates as date serials (1900 system) with a yyyy-mm-dd style, money as numbers with a
/// currency format, solid fills; styles are shared by every cell with the same (format, fill,
/// bold). Measured on the project's 2-core Linux machine, shared with other builds: 100,000 rows
/// × 10 columns in 1.8–2.7 s optimised (-O), 4–6 s in a debug build
/// (XLSXTests.testLargeSheetRoundTrip with SALESVAULT_XLSX_BENCH=1); a quarter of it is deflate.
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
        let names = SheetNames.sanitize(workbook.sheets.map(\.name))
        var sheetParts: [Data] = []
        for (index, sheet) in workbook.sheets.enumerated() {
            sheetParts.append(try SheetWriter.write(sheet, selected: index == 0, styles: &styles, strings: &strings))
        }
        if workbook.sheets.isEmpty {
            // Excel refuses a workbook without a sheet.
            sheetParts.append(try SheetWriter.write(XLSXSheet(name: "Sheet1", columns: [], rows: []), selected: true,
                                                    styles: &styles, strings: &strings))
        }
        let sheetNames = workbook.sheets.isEmpty ? ["Sheet1"] : names
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
        if !strings.isEmpty { parts.append(("xl/sharedStrings.xml", strings.xml())) }
        for (index, part) in sheetParts.enumerated() {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", part))
        }
        return try zip(parts, modified: created)
    }

    private static func zip(_ parts: [(String, Data)], modified: Date) throws -> Data {
        do {
            let archive = try Archive(accessMode: .create)
            for (path, data) in parts {
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified,
                    compressionMethod: .deflate, bufferSize: 256 << 10,
                    provider: { position, size in
                        let start = data.startIndex + Int(position)
                        return data.subdata(in: start..<min(data.endIndex, start + size))
                    })
            }
            guard let data = archive.data else { throw XLSXErrors.zipFailed() }
            return data
        } catch let error as InterchangeError {
            throw error
        } catch {
            throw XLSXErrors.zipFailed()
        }
    }
}
