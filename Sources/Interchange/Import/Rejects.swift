import Foundation
import SalesArchive

/// The refused rows of an import, to fix and import again (INTERCHANGE.md §5.3): in the input's
/// own format and encoding (a CSV keeps its delimiter; a JSON export's rows become a workbook),
/// from its header row on, with one more column that says why each row was refused.
public enum Rejects {
    /// The file's bytes, or nil when no row was refused.
    public static func data(_ preview: ImportPreview, zh: Bool) throws -> Data? {
        guard !preview.refused.isEmpty else { return nil }
        let reasonHeader = zh ? "未导入原因" : "Why not imported"
        let byTable = Dictionary(grouping: preview.refused, by: \.table)
        // The reason is a message to read: a refused value's invisible or control characters (a
        // zero-width space, a right-to-left override) are shown escaped, as on the terminal; the
        // row's own cells stay exactly as they were.
        // A line named as the imported file's (本文件第 2 行) is the original's: read in the rejects
        // file, 本文件 was that one, where line 2 is another row (helper-213 7).
        let name = preview.source.fileName
        func original(_ text: String) -> String {
            guard text.contains("本文件") || text.contains("本工作表") || text.contains(" of this file") || text.contains(" of this sheet") else { return text }
            return text.replacingOccurrences(of: "本文件", with: "原文件“\(name)”")
                .replacingOccurrences(of: "本工作表", with: "原文件“\(name)”中同名工作表的")
                .replacingOccurrences(of: " of this file", with: " of the original file \(name)")
                .replacingOccurrences(of: " of this sheet", with: " of this sheet in the original file \(name)")
        }
        func reasons(_ r: ImportPreview.Refused) -> String {
            FieldFormat.terminalSafe(r.reasons.map { p in
                let text = zh ? p.reasonZH : p.reason
                // (A reason that names its field already, `grade: Z is not …`, is not named
                // again: it read grade: grade: Z …: helper-207.)
                // (Nor a Chinese reason that names its column: “客户等级”：无法识别客户等级“E”: helper-213 20.)
                let named = zh ? p.column.map { !$0.isEmpty && text.contains($0) } ?? false
                    : text.prefix(while: { $0 != ":" }).allSatisfy { $0.isASCII && $0.isLetter } && text.contains(": ")
                let column = named ? "" : p.column.map { zh ? "“\($0)”：" : "\($0): " } ?? ""
                return column + original(text)
            }.joined(separator: zh ? "；" : "; "))
        }
        func headerRow(_ t: Int) -> TableRow? {
            let table = preview.source.tables[t]
            guard let summary = preview.tables.first(where: { $0.name == table.name }) else { return nil }
            // (A header of two rows is written as the one row it was read as: it imports the same.)
            return summary.combinedHeader ?? table.rows.first { $0.line == summary.headerLine }
        }
        switch preview.source.format {
        case .csv(let encoding, let delimiter):
            var writer = CSVWriter(delimiter: delimiter, encoding: encoding, guardsFormulas: false)
            for (t, refused) in byTable.sorted(by: { $0.key < $1.key }) {
                let table = preview.source.tables[t]
                let header = headerRow(t)?.cells.map(Importer.plain) ?? []
                let width = max(header.count, refused.map { table.rows[$0.row].cells.count }.max() ?? 0)
                func padded(_ cells: [String]) -> [String] { cells + Array(repeating: "", count: width - cells.count) }
                if !header.isEmpty { writer.append(padded(header) + [reasonHeader]) }
                for r in refused.sorted(by: { $0.row < $1.row }) {
                    writer.append(padded(table.rows[r.row].cells.map(Importer.plain)) + [reasons(r)])
                }
            }
            return try writer.data()
        case .xlsx, .json:
            var sheets: [XLSXSheet] = []
            let named = preview.source.format == .json && preview.recordIDs != .thisArchive ? referencesByName(preview.source) : [:]
            for (t, refused) in byTable.sorted(by: { $0.key < $1.key }) {
                let table = preview.source.tables[t]
                var header = headerRow(t)?.cells.map(Importer.plain) ?? []
                let width = max(header.count, refused.map { table.rows[$0.row].cells.count }.max() ?? 0)
                while header.count < width { header.append("") }
                let rows = refused.sorted(by: { $0.row < $1.row }).map { r in
                    let row = table.rows[r.row]
                    var cells = row.cells.enumerated().map { c, value in
                        named[NamedCell(table: t, column: c)].flatMap { $0(value) }.map { XLSXCell(.text($0)) } ?? shown(value, table, CellPosition(line: row.line, column: c))
                    }
                    while cells.count < width { cells.append(.empty) }
                    return cells + [XLSXCell(.text(reasons(r)), fill: "FFFFC7CE")]
                }
                sheets.append(XLSXSheet(name: table.name, columns: (header + [reasonHeader]).map { XLSXColumn($0) }, rows: rows))
            }
            // An export's 说明, with what says whose and which archive it came from: the rows,
            // corrected, import as the export's would (its 记录号 were read as the file's own, and
            // edited records came back as new ones: helper-100).
            if let from = preview.source.exportedFrom {
                let lines: [(String, String?)] = [
                    ("档案所有人", from.owner), ("导出时间", from.date), ("时区", from.timeZone), ("档案编号", from.archiveID), ("档案版本", from.version?.text),
                    ("注意", zh ? "本文件列出导入时未能导入的行，原因见各表最后一列“未导入原因”。本文件是客户资料的明文副本，没有加密，请妥善保管。改正后可直接重新导入（请勿改动本“说明”工作表，否则记录号无法对应）；用完请及时删除。"
                                : "The rows an import refused: a plaintext copy of customer data. Correct and import them again; delete the file after use."),
                ]
                sheets.append(XLSXSheet(name: ImportSource.aboutSheet.zh, columns: [XLSXColumn("事项"), XLSXColumn("内容", width: 80)],
                                        rows: lines.compactMap { k, v in v.map { [.text(k), .text($0)] } }, freezeHeader: false, autoFilter: false))
            }
            return try XLSXWriter.write(XLSXWorkbook(sheets: sheets, title: zh ? "未导入的行" : "Rows not imported"))
        }
    }

    struct NamedCell: Hashable { let table: Int, column: Int }

    /// For a JSON export of another archive, the reference columns of each table (客户, 联系人,
    /// 项目, 决策人, 投诉人) with what writes a cell's record ids (C1, R4,R5) as the names of
    /// the file's records they are: the rejects workbook names them, so that, corrected, it
    /// imports as the export would (it kept `C1`, a record of the export only; the customer
    /// imported meanwhile is another record here, and the row went to this archive's C1:
    /// helper-167). An id the file has no record of stays as it is (the import refuses it).
    static func referencesByName(_ source: ImportSource) -> [NamedCell: (CellValue) -> String?] {
        var names: [EntityKind: [String: String]] = [:]
        for table in source.tables {
            guard let kind = ImportKind.order.first(where: { $0.sheetName(zh: true) == table.name }), [.customers, .contacts, .projects].contains(kind),
                  let header = table.rows.first?.cells.map(Importer.plain),
                  let id = header.firstIndex(of: "记录号"), let name = Schema.field(kind.entity, key: "name").flatMap({ header.firstIndex(of: $0.zh) }) else { continue }
            for row in table.rows.dropFirst() where row.cells.count > max(id, name) {
                let key = Importer.idKey(Importer.plain(row.cells[id])), value = Importer.plain(row.cells[name])
                if !key.isEmpty && !value.isEmpty && names[kind.entity, default: [:]][key] == nil { names[kind.entity, default: [:]][key] = value }
            }
        }
        var out: [NamedCell: (CellValue) -> String?] = [:]
        for (t, table) in source.tables.enumerated() {
            guard let kind = ImportKind.order.first(where: { $0.sheetName(zh: true) == table.name }), let header = table.rows.first?.cells.map(Importer.plain) else { continue }
            for spec in Schema.fields(kind.entity) {
                let target: EntityKind
                switch spec.type {
                case .reference(let k), .references(let k): target = k
                default: continue
                }
                guard let c = header.firstIndex(of: spec.zh), let byID = names[target], !byID.isEmpty else { continue }
                out[NamedCell(table: t, column: c)] = { value in
                    let ids = Importer.plain(value).split(separator: ",").map { String($0) }
                    guard !ids.isEmpty else { return nil }
                    let shown = ids.map { byID[Importer.idKey($0)] ?? $0 }
                    return shown == ids ? nil : shown.joined(separator: "、")
                }
            }
        }
        return out
    }

    /// A number cell whose format said what it is (50% of a percentage, JPY 100.5, 120万元, a code
    /// C001 through a digit pattern) written as the text it showed: the rejects workbook has no
    /// number formats, and the bare number imported again would read otherwise (0.5 元, 100.5 元).
    static func shown(_ value: CellValue, _ table: Table, _ position: CellPosition) -> XLSXCell {
        guard case .number = value else { return cell(value) }
        if let text = table.shownNumbers[position] { return XLSXCell(.text(text)) }
        if let unit = table.amountUnits[position], let text = Importer.amountInput(value, unit: nil, shown: unit) { return XLSXCell(.text(text)) }
        return cell(value)
    }

    /// A cell written back as the file had it (text as text, dates as dates).
    static func cell(_ value: CellValue) -> XLSXCell {
        switch value {
        case .empty: return .empty
        // (As read, with the quote prefix where it reads as a formula once edited: what Excel
        // keeps for a cell typed '=…, which the file may have had.)
        case .text(let s): return XLSXCell(.text(s), quotePrefix: FormulaGuard.needsGuard(s) && s.unicodeScalars.first != "'")
        case .number(let d): return XLSXCell(.number(d))
        case .date(let c): return XLSXCell(c.secondOfDay == 0 ? .date(c) : .dateTime(c))
        case .bool(let b): return XLSXCell(.bool(b))
        }
    }
}
