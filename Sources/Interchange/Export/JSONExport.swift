import Foundation
import SalesArchive

/// SalesVault's own JSON export (INTERCHANGE.md §6.3, Docs/JSON.md): the records as `--json`
/// shows them (short ids, ISO instants, money as amount and currency), grouped by kind, under a
/// header that says whose archive it is; and the way back, as tables for the importer.
enum JSONExport {
    static let marker = "salesvault-export"

    static func key(_ kind: ImportKind) -> String { kind.rawValue }

    static func data(_ archive: CustomerArchive, options: Exporter.Options) throws -> Data {
        if options.kinds.contains(.log) { try archive.loadContactLog() }
        var out: [String: Any] = [
            "format": marker, "jsonVersion": 1, "owner": archive.vault.header.owner, "exportedBy": archive.actor,
            "exportedAt": FieldFormat.isoInstant(options.now), "includeSecret": options.includeSecret,
        ]
        for kind in options.kinds {
            out[key(kind)] = archive.state.all(kind.entity).map { FieldFormat.json($0, state: archive.state, includeSecret: options.includeSecret) }
        }
        return try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// The tables of a JSON export: one per kind present, columns 记录号 and the fields' Chinese
    /// labels in schema order, each record a row (its line is its position in its list, from 1).
    static func tables(from data: Data, fileName: String) throws -> ([Table], ImportSource.Origin?) {
        let bad = { (why: String, zh: String) in
            InterchangeError(.malformedText, "\(fileName) is not a SalesVault JSON export: \(why)", zh: "“\(fileName)”不是 SalesVault 导出的 JSON 文件：\(zh)",
                             hint: "import the XLSX or CSV file instead, or export again with --format json",
                             hintZH: "请改为导入 XLSX 或 CSV 文件，或重新用 --format json 导出")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw bad("not a JSON object", "内容不是 JSON 对象")
        }
        guard root["format"] as? String == marker else { throw bad("no \"format\": \"\(marker)\"", "缺少 \"format\": \"\(marker)\"") }
        guard (root["jsonVersion"] as? Int).map({ $0 <= 1 }) == true else { throw bad("a newer jsonVersion", "jsonVersion 比本程序新，请升级 SalesVault") }
        var tables: [Table] = []
        for kind in ImportKind.order {
            guard let list = root[key(kind)] else { continue }
            guard let records = list as? [[String: Any]] else { throw bad("\"\(key(kind))\" is not a list of records", "“\(key(kind))”不是记录列表") }
            let specs = Schema.fields(kind.entity)
            let keys = ["id"] + specs.map(\.key)
            // Headers as the Chinese labels, which map back like any spreadsheet's (and read well in
            // the preview); the values are looked up by key.
            var rows = [TableRow(line: 0, cells: (["记录号"] + specs.map(\.zh)).map { .text($0) })]
            for (i, record) in records.enumerated() {
                rows.append(TableRow(line: i + 1, cells: keys.map { cell(record[$0]) }))
            }
            tables.append(Table(name: kind.sheetName(zh: true), rows: rows))
        }
        let origin = (root["owner"] as? String).map { ImportSource.Origin(owner: $0, date: String(((root["exportedAt"] as? String) ?? "").prefix(10))) }
        return (tables, origin)
    }

    private static func cell(_ value: Any?) -> CellValue {
        switch value {
        case nil, is NSNull: return .empty
        case let s as String: return .text(s)
        case let b as Bool: return .bool(b)
        case let n as NSNumber: return .text(n.stringValue)
        case let list as [Any]: return .text(list.map { "\($0)" }.joined(separator: ","))
        case let money as [String: Any]:
            if let amount = money["amount"] as? String, let currency = money["currency"] as? String { return .text("\(currency) \(amount)") }
            return .text("\(money)")
        default: return .text("\(value!)")
        }
    }
}
