import Foundation
import SalesArchive

/// Empty files to fill in and import (INTERCHANGE.md §2.4): every importable column with its
/// Chinese and English name ("客户名称* / name"; `*` marks what a row needs), and, in a workbook,
/// a 说明 sheet saying what each column takes.
public enum Templates {
    /// Fields a template offers for a kind: what an import reads (computed fields left out).
    static func specs(_ kind: ImportKind) -> [FieldSpec] {
        Schema.fields(kind.entity).filter { !Columns.computed[kind]!.contains($0.key) }
    }

    static func header(_ spec: FieldSpec, kind: ImportKind) -> String {
        let required = Importer.requiredColumns[kind]!.contains(spec.key)
        return "\(spec.zh)\(required ? "*" : "") / \(spec.key)"
    }

    /// What a column takes, in Chinese (the template's reader is a Chinese salesperson).
    static func explanation(_ spec: FieldSpec, kind: ImportKind) -> String {
        var parts: [String] = []
        if Importer.requiredColumns[kind]!.contains(spec.key) { parts.append("必填") }
        switch spec.type {
        case .text: parts.append(CellReading.identifierFields.contains(spec.key) ? "文本（请把该列设为“文本”格式，以免 Excel 去掉开头的 0，或把长数字改成科学计数法）" : "文本")
        case .integer: parts.append("整数")
        case .money: parts.append("金额，如 300万、3,000,000、¥3000000.50、USD 1200")
        case .date: parts.append("日期，如 2026-03-05、2026/3/5、2026年3月5日")
        case .instant: parts.append("日期时间，如 2026-03-05 14:30")
        case .flag: parts.append("填“是”或“否”")
        case .vocabulary(let v): parts.append("可选：" + v.labels(zh: true).joined(separator: "、"))
        case .reference(.customer): parts.append("客户名称、客户编号或统一社会信用代码")
        case .reference(.project): parts.append("该客户名下的项目名称")
        case .reference: parts.append("该客户的联系人姓名")
        case .references: parts.append("同一客户下的姓名，多个用顿号（、）或逗号分隔")
        }
        if spec.key == "creditCode" { parts.append("18 位，校验位按 GB 32100-2015 检查") }
        if spec.sensitivity == .secret { parts.append("绝密字段") }
        return parts.joined(separator: "；")  // (a Chinese text, its semicolon full width: helper-127)
    }

    public enum Format: String, Sendable, CaseIterable { case xlsx, csv }

    /// The template of `kinds` (a CSV holds one kind).
    public static func data(_ kinds: [ImportKind], format: Format) throws -> Data {
        switch format {
        case .csv:
            guard kinds.count == 1, let kind = kinds.first else {
                throw InterchangeError(.mapping, "a CSV template holds one kind; choose one (customers, contacts, projects, log, complaints)",
                                       zh: "CSV 模板只能包含一类数据，请用 --template 指定一类：customers（客户）、contacts（联系人）、projects（项目）、log（跟进记录）、complaints（投诉）",
                                       hint: "or write a workbook, one sheet per kind: a file name ending .xlsx, without --format csv", hintZH: "或生成工作簿（每类一个工作表）：文件名以 .xlsx 结尾，且不加 --format csv")
            }
            var writer = CSVWriter(encoding: .utf8BOM)
            writer.append(specs(kind).map { header($0, kind: kind) })
            return try writer.data()
        case .xlsx:
            var sheets = kinds.map { kind in
                XLSXSheet(name: kind.sheetName(zh: true), columns: specs(kind).map { XLSXColumn(header($0, kind: kind)) }, rows: [])
            }
            var notes: [[XLSXCell]] = []
            for kind in kinds {
                for spec in specs(kind) {
                    notes.append([.text(kind.sheetName(zh: true)), .text(header(spec, kind: kind)), .text(explanation(spec, kind: kind))])
                }
            }
            notes.append([.text(""), .text(""), .text("带 * 的列为必填。表头可用中文或英文，列的顺序不限；无法识别的列不会导入，预览时会列出。")])
            sheets.append(XLSXSheet(name: ImportSource.aboutSheet.zh, columns: [XLSXColumn("工作表"), XLSXColumn("列"), XLSXColumn("填写说明", width: 90)],
                                    rows: notes, freezeHeader: true, autoFilter: false))
            return try XLSXWriter.write(XLSXWorkbook(sheets: sheets, title: "SalesVault 导入模板"))
        }
    }
}
