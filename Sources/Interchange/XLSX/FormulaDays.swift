import Foundation

/// Which formula cells of a workbook give a value of the day they are computed (INTERCHANGE.md
/// §3): those that call TODAY() or NOW() (`SheetParser.isVolatile`), and those that refer to such
/// a cell, on their sheet or another (`=G1+3` under `G1 =TODAY()`, `=Sheet2!A1`, a range
/// holding one), or to a defined name that is such a formula (`今天 = TODAY()`), however many
/// steps away (they were imported as fixed values: helper-116). Read from the formulas' text
/// alone: nothing is computed.
enum FormulaDays {
    /// A formula cell's text; a shared formula's other cells carry the first cell's text and how
    /// far they are from it (their relative references move with them).
    struct Formula: Sendable {
        let text: String
        var rowShift = 0
        var columnShift = 0

        /// The cell's own formula as a spreadsheet shows it (a shared formula's other cells
        /// showed the first cell's: =TODAY()-A2 in row 5).
        var shown: String { rowShift == 0 && columnShift == 0 ? text : FormulaDays.shifted(text, rowShift: rowShift, columnShift: columnShift) }
    }

    /// `formula` with its relative cell references moved by `rowShift` and `columnShift` (`$`
    /// parts stay), as a shared formula's cell other than the first has it; quoted text and
    /// whole rows or columns as they are.
    static func shifted(_ formula: String, rowShift: Int, columnShift: Int) -> String {
        let masked = code(formula)
        let ns = masked as NSString
        var out = formula as NSString
        // (From the last match back, so that earlier ranges stay where they are.)
        for m in referencePattern.matches(in: masked, range: NSRange(location: 0, length: ns.length)).reversed() {
            for (dollarColumn, letters, dollarRow, digits) in [(7, 8, 9, 10), (3, 4, 5, 6)] {
                guard m.range(at: letters).location != NSNotFound, m.range(at: digits).location != NSNotFound,
                      let (column, row) = CellReference.parse(ns.substring(with: m.range(at: letters)) + ns.substring(with: m.range(at: digits)))
                else { continue }
                let fixedColumn = m.range(at: dollarColumn).length > 0, fixedRow = m.range(at: dollarRow).length > 0
                let c = fixedColumn ? column : column + columnShift, r = fixedRow ? row : row + rowShift
                guard c >= 1, r >= 1 else { continue }
                out = out.replacingCharacters(in: m.range(at: digits), with: String(r)) as NSString
                out = out.replacingCharacters(in: m.range(at: letters), with: CellReference.letters(c)) as NSString
            }
        }
        return out as String
    }

    /// A reference a formula makes: its sheet (nil: the formula's own) and the cells, rows from
    /// 1 and columns from 0 as `CellPosition` counts them.
    struct Reference: Equatable {
        let sheet: String?
        let rows: ClosedRange<Int>
        let columns: ClosedRange<Int>

        func contains(_ p: CellPosition) -> Bool { rows.contains(p.line) && columns.contains(p.column) }
    }

    /// Most formula cells of a workbook looked at (a larger one: its direct TODAY() cells only).
    static let maxFormulas = 500_000

    private static let referencePattern = try! NSRegularExpression(pattern:
        #"(?<![\p{L}\p{N}_.$])(?:'((?:[^']|'')+)'!|([\p{L}\p{N}_.]+)!)?(\$?)([A-Za-z]{1,3})(\$?)([0-9]{1,7})(?::(\$?)([A-Za-z]{1,3})(\$?)([0-9]{1,7}))?(?![\p{L}\p{N}_(!])"#)
    /// Whole columns (`Z:Z`, `参数!A:B`) and whole rows (`3:3`).
    private static let columnsPattern = try! NSRegularExpression(pattern:
        #"(?<![\p{L}\p{N}_.$])(?:'((?:[^']|'')+)'!|([\p{L}\p{N}_.]+)!)?\$?([A-Za-z]{1,3}):\$?([A-Za-z]{1,3})(?![\p{L}\p{N}_(!])"#)
    private static let rowsPattern = try! NSRegularExpression(pattern:
        #"(?<![\p{L}\p{N}_.$:])(?:'((?:[^']|'')+)'!|([\p{L}\p{N}_.]+)!)?\$?([0-9]{1,7}):\$?([0-9]{1,7})(?![\p{L}\p{N}_(!:])"#)
    private static let wordPattern = try! NSRegularExpression(pattern: #"(?<![\p{L}\p{N}_.!$'])([\p{L}_][\p{L}\p{N}_.]*)(?![\p{L}\p{N}_.(!])"#)

    /// A cell's text as `resolve` gives it, said in Chinese: `G1+3；其中 G1 为 =TODAY()`.
    static func chinese(_ shown: String) -> String {
        guard let split = shown.range(of: "; ") else { return shown }
        let via = shown[split.upperBound...]
        guard let colon = via.range(of: ": =") else { return shown }
        return shown[..<split.lowerBound] + "；其中 " + via[..<colon.lowerBound] + " 为 =" + via[colon.upperBound...]
    }

    /// The formula with its quoted texts blanked ("TODAY()" in quotes is no call, 'a!b' no sheet).
    static func code(_ formula: String) -> String {
        var out = ""
        var inText = false
        for ch in formula {
            if ch == "\"" { inText.toggle(); out.append(ch); continue }
            out.append(inText ? " " : ch)
        }
        return out
    }

    /// The cell references of `formula`, its relative parts moved by `rowShift` and `columnShift`.
    static func references(in formula: String, rowShift: Int = 0, columnShift: Int = 0) -> [Reference] {
        let text = code(formula)
        let ns = text as NSString
        var out: [Reference] = []
        for m in referencePattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            func group(_ i: Int) -> String? { m.range(at: i).location == NSNotFound ? nil : ns.substring(with: m.range(at: i)) }
            let sheet = group(1).map { $0.replacingOccurrences(of: "''", with: "'") } ?? group(2)
            func cell(_ dollarColumn: Int, _ letters: Int, _ dollarRow: Int, _ digits: Int) -> (row: Int, column: Int)? {
                guard let l = group(letters), let d = group(digits), let (column, row) = CellReference.parse(l + d) else { return nil }
                let c = column - 1 + (group(dollarColumn)?.isEmpty == false ? 0 : columnShift)
                let r = row + (group(dollarRow)?.isEmpty == false ? 0 : rowShift)
                return (r, c)
            }
            guard let from = cell(3, 4, 5, 6) else { continue }
            let to = cell(7, 8, 9, 10) ?? from
            out.append(Reference(sheet: sheet, rows: min(from.row, to.row)...max(from.row, to.row),
                                 columns: min(from.column, to.column)...max(from.column, to.column)))
        }
        // Whole columns and rows (=MAX(Z:Z), =SUM(3:3): they were missed: helper-118).
        for (pattern, columns) in [(columnsPattern, true), (rowsPattern, false)] {
            for m in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                func group(_ i: Int) -> String? { m.range(at: i).location == NSNotFound ? nil : ns.substring(with: m.range(at: i)) }
                let sheet = group(1).map { $0.replacingOccurrences(of: "''", with: "'") } ?? group(2)
                guard let a = group(3), let b = group(4) else { continue }
                if columns {
                    guard let (x, _) = CellReference.parse(a + "1"), let (y, _) = CellReference.parse(b + "1") else { continue }
                    out.append(Reference(sheet: sheet, rows: 1...XLSXReader.maxRow, columns: (min(x, y) - 1)...(max(x, y) - 1)))
                } else {
                    guard let x = Int(a), let y = Int(b), x >= 1, y >= 1 else { continue }
                    out.append(Reference(sheet: sheet, rows: min(x, y)...max(x, y), columns: 0...(XLSXReader.maxColumn - 1)))
                }
            }
        }
        return out
    }

    /// Whether a formula reaches cells by a text computed when it runs (INDIRECT): any cell of
    /// the workbook, as far as reading its text can tell.
    static func readsCellsByText(_ formula: String) -> Bool {
        let text = code(formula).uppercased()
        return text.contains("INDIRECT(") || text.contains("INDIRECT (")
    }

    /// The words of `formula` that may be defined names (not calls, cells or sheets), upper case.
    static func words(in formula: String) -> Set<String> {
        let text = code(formula)
        let ns = text as NSString
        return Set(wordPattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)).uppercased() })
    }

    /// Every cell of the sheets (by their order) that gives a value of the day, with the text to
    /// show: its formula, and for one that refers to such a cell, which cell that is
    /// (`G1+3; G1: =TODAY()`, said in Chinese by `chinese`). `direct`: the cells found by their own text (`SheetParser`).
    static func resolve(sheets: [String], formulas: [[CellPosition: Formula]], direct: [[CellPosition: String]],
                        definedNames: [String: String]) -> [[CellPosition: String]] {
        var found = direct
        let total = formulas.reduce(0) { $0 + $1.count }
        guard total <= maxFormulas, total > 0 else { return found }
        let index = Dictionary(sheets.enumerated().map { ($1.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })
        // Defined names whose formula is of the day, directly or not (upper case).
        var names: [String: String] = [:]
        for (name, text) in definedNames where SheetParser.isVolatile(text) { names[name.uppercased()] = text }
        // No formula of the day anywhere: nothing can reach one (a workbook of 100,000 formulas
        // is not read a second time for nothing).
        guard !names.isEmpty || direct.contains(where: { !$0.isEmpty }) else { return found }
        // Each formula's references and names, read once.
        struct Parsed { let references: [Reference]; let words: Set<String>; let indirect: Bool }
        var parsed: [[CellPosition: Parsed]] = formulas.map { sheet in
            sheet.mapValues { Parsed(references: references(in: $0.text, rowShift: $0.rowShift, columnShift: $0.columnShift), words: words(in: $0.text),
                                     indirect: readsCellsByText($0.text)) }
        }
        let nameRefs = definedNames.mapValues { references(in: $0) }
        // What a reference reaches that is of the day, and how to say it.
        // Cells looked at, at most: a workbook built to make the search long gives up on the
        // cells not yet found rather than keep the import waiting.
        var budget = 50_000_000
        func reached(_ ref: Reference, from sheet: Int) -> String? {
            let s = ref.sheet.flatMap { index[$0.uppercased()] } ?? (ref.sheet == nil ? sheet : nil)
            guard let s, s < found.count, !found[s].isEmpty else { return nil }
            func said(_ p: CellPosition, _ text: String) -> String {
                // (The cell with TODAY() itself, however many steps away: a chain named the cell
                // between: helper-118.)
                if let root = text.range(of: "; ") { return String(text[root.upperBound...]) }
                return (ref.sheet.map { "\($0)!" } ?? "") + CellReference.name(column: p.column + 1, row: p.line) + ": =\(text)"
            }
            // The range's cells looked up when it has fewer than the sheet's cells of the day
            // (one cell, most often: a lookup, not a pass over every such cell, which made
            // 100,000 rows of =B2+1 under 100,000 of TODAY() ten billion steps), else those cells.
            let area = ref.rows.count * ref.columns.count
            if area <= found[s].count {
                budget -= area
                for row in ref.rows {
                    for column in ref.columns {
                        let p = CellPosition(line: row, column: column)
                        if let text = found[s][p] { return said(p, text) }
                    }
                }
                return nil
            }
            budget -= found[s].count
            for (p, text) in found[s] where ref.contains(p) { return said(p, text) }
            return nil
        }
        for _ in 0..<32 {
            var changed = false
            for (name, refs) in nameRefs where names[name.uppercased()] == nil {
                if let via = refs.lazy.compactMap({ reached($0, from: 0) }).first { names[name.uppercased()] = via; changed = true }
            }
            for s in parsed.indices where budget > 0 {
                for (p, f) in parsed[s] where found[s][p] == nil && budget > 0 {
                    let via = f.references.lazy.compactMap { reached($0, from: s) }.first
                        ?? f.words.lazy.compactMap { w in names[w].map { "\(w): =\($0)" } }.first
                        ?? (f.indirect ? found.lazy.compactMap { sheet in sheet.first.map { p in
                            let text = p.value
                            if let root = text.range(of: "; ") { return String(text[root.upperBound...]) }
                            return "INDIRECT → \(CellReference.name(column: p.key.column + 1, row: p.key.line)): =\(text)"
                        } }.first : nil)
                    guard let via else { continue }
                    found[s][p] = "\(formulas[s][p]!.shown); \(via)"
                    changed = true
                }
            }
            if !changed || budget <= 0 { break }
        }
        parsed.removeAll()
        return found
    }
}
