import Foundation
import ZIPFoundation

/// Writes an `XLSXWorkbook` as the bytes of an .xlsx file (ECMA-376 SpreadsheetML, a ZIP
/// package built in memory with ZIPFoundation, parts deflated). The caller writes the bytes to
/// disk (through the atomic writer).
///
/// Each sheet: a bold header row (frozen, with filter buttons unless turned off), text as shared
/// strings, dates as date serials (1900 system) with a yyyy-mm-dd style, money as numbers with a
/// currency format, solid fills; styles are shared by every cell with the same (format, fill,
/// bold). Measured once on the project's 2-core Linux machine: 100,000 rows × 10 columns in
/// 1.8–2.0 s optimised (-O), 3.7 s in a debug build (XLSXTests.testLargeSheetRoundTrip with
/// SALESVAULT_XLSX_BENCH=1).
public enum XLSXWriter {
    public static func write(_ workbook: XLSXWorkbook) throws -> Data {
        var styles = StyleTable()
        var strings = SharedStringTable()
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

/// Excel's rules for sheet names, applied without failing.
enum SheetNames {
    static let maxLength = 31

    static func sanitize(_ names: [String]) -> [String] {
        var used = Set<String>()
        var result: [String] = []
        for (index, original) in names.enumerated() {
            var name = String(original.map { "[]:*?/\\".contains($0) ? "_" : $0 })
            name = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0xFFFE && $0.value != 0xFFFF })
            while name.hasPrefix("'") { name.removeFirst() }
            while name.hasSuffix("'") { name.removeLast() }
            name = name.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || name.lowercased() == "history" { name = name.isEmpty ? "Sheet\(index + 1)" : name + "_" }
            name = cut(name, to: maxLength)
            var candidate = name
            var counter = 2
            while used.contains(candidate.lowercased()) {
                let suffix = " (\(counter))"
                candidate = cut(name, to: maxLength - suffix.utf16.count) + suffix
                counter += 1
            }
            used.insert(candidate.lowercased())
            result.append(candidate)
        }
        return result
    }

    /// The longest prefix of whole characters within `limit` UTF-16 units (Excel counts those).
    static func cut(_ s: String, to limit: Int) -> String {
        var out = ""
        var count = 0
        for ch in s {
            let n = String(ch).utf16.count
            if count + n > limit { break }
            out.append(ch)
            count += n
        }
        return out
    }
}

/// The shared string table being built: each distinct text once.
struct SharedStringTable {
    private var index: [String: Int] = [:]
    private var ordered: [String] = []
    private(set) var references = 0

    var isEmpty: Bool { ordered.isEmpty }

    mutating func add(_ s: String) -> Int {
        references += 1
        if let i = index[s] { return i }
        index[s] = ordered.count
        ordered.append(s)
        return ordered.count - 1
    }

    func xml() -> Data {
        var x = XMLBuffer()
        x.raw(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n")
        x.raw(#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count=""#)
        x.raw("\(references)\" uniqueCount=\"\(ordered.count)\">")
        for s in ordered {
            x.raw("<si>")
            x.textElement("t", s)
            x.raw("</si>")
        }
        x.raw("</sst>")
        return x.data
    }
}
