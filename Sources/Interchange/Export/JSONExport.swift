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
            "format": marker, "jsonVersion": 1, "owner": archive.vault.header.owner, "archiveID": archive.vault.prefix.archiveIDHex, "archiveVersion": try archive.version().text,
            "exportedBy": archive.actor,
            "exportedAt": FieldFormat.isoInstant(options.now), "includeSecret": options.includeSecret,
        ]
        for kind in options.kinds {
            let entities = archive.state.allOfLiveCustomers(kind.entity)
            var records = entities.map { FieldFormat.json($0, state: archive.state, includeSecret: options.includeSecret) }
            // (The removed people the records name, `"removed": true`, as the sheets mark them.)
            if kind == .contacts {
                for e in Exporter.removedNamed(archive.state, kinds: options.kinds) {
                    var record = FieldFormat.json(e, state: archive.state, includeSecret: options.includeSecret)
                    record["removed"] = true
                    records.append(record)
                }
            }
            // (A project's moves between stages, kept in the history: a list, its times instants.)
            if kind == .projects {
                let moves = try archive.stageMoves(projects: Set(entities.map(\.id)))
                for (i, e) in entities.enumerated() {
                    if let m = moves[e.id] { records[i]["stageHistory"] = StageHistoryText.json(m) }
                }
            }
            // (A complaint's withdrawal reason, kept in the history: helper-201 1.)
            if kind == .complaints {
                let reasons = try archive.withdrawalReasons()
                for (i, e) in entities.enumerated() {
                    if let reason = reasons[e.id] { records[i]["withdrawalReason"] = reason }
                }
            }
            out[key(kind)] = records
        }
        return try SortedJSON.data(out)
    }

    /// The tables of a JSON export: one per kind present, columns 记录号 and the fields' Chinese
    /// labels in schema order, each record a row (its line is its position in its list, from 1).
    /// `bytesBefore`: how many bytes of the file come before `data`'s first (its BOM), nil when
    /// its bytes are not the file's (another encoding): a problem is then named by its line only.
    static func tables(from data: Data, fileName: String, bytesBefore: Int? = 0) throws -> ([Table], ImportSource.Origin?) {
        let bad = { (why: String, zh: String) in
            InterchangeError(.malformedText, "\(fileName) is not a SalesVault JSON export: \(why).", zh: "“\(fileName)”不是 SalesVault 导出的 JSON 文件：\(zh)。",
                             hint: "SalesVault imports only the JSON files it exports. Import the XLSX or CSV file instead; for SalesVault's own data, export it again with salesvault export --format json.",
                             hintZH: "SalesVault 只能导入自己导出的 JSON 文件。请改为导入 XLSX 或 CSV 文件；如果要导入的是 SalesVault 的数据，请用 salesvault export --format json 重新导出。")
        }
        // A file that says it is an export but is not one whole (edited by hand, cut off): made
        // again from the archive, not replaced by a spreadsheet. (Anywhere in the file: the keys
        // are written sorted, "format" after the lists of records.)
        let claimsExport = data.range(of: Data("\"\(marker)\"".utf8)) != nil
        let damaged = { (why: String, zh: String) in
            claimsExport
                ? InterchangeError(.malformedText, "\(fileName) is a SalesVault JSON export, but damaged: \(why).", zh: "“\(fileName)”是 SalesVault 的 JSON 导出文件，但已损坏：\(zh)。",
                                   hint: "It may have been changed by hand, or not copied whole. Copy it again from where it came from, or export it again from the archive (salesvault export --format json), then import it.",
                                   hintZH: "文件可能被手动修改过，或者没有完整复制。请从原处重新复制该文件，或从档案重新导出（salesvault export --format json）后再导入。")
                : bad(why, zh)
        }
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            throw InterchangeError(.malformedText, "\(fileName) is empty: there is nothing to import.", zh: "“\(fileName)”是空文件，无法导入。",
                                   hint: "Check that you chose the right file; if it was copied, copy it again from where it came from, or export it again from the archive (salesvault export --format json).",
                                   hintZH: "请确认选对了文件；如果文件是复制来的，请从原处重新复制，或从档案重新导出（salesvault export --format json）。")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) } catch {
            // A file that ends in the middle is not complete, whatever it is (a cut export was
            // said to be no SalesVault file, and to be imported as XLSX instead: helper-213 17).
            if ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String)?.contains("end of file") == true {
                throw InterchangeError(.malformedText, "\(fileName) is not complete: it ends in the middle.", zh: "“\(fileName)”内容不完整：文件在中途就结束了。",
                                       hint: "It may not have been copied or downloaded whole. Copy it again, or export it again (salesvault export --format json), then import it.",
                                       hintZH: "文件可能没有复制或下载完整。请重新拷贝，或从档案重新导出（salesvault export --format json）后再导入。")
            }
            let (why, zh) = syntaxError(error, in: data, bytesBefore: bytesBefore)
            throw damaged(why, zh)
        }
        guard let root = object as? [String: Any] else { throw damaged("its outermost value is not a JSON object ({…})", "文件最外层不是 JSON 对象（{…}）") }
        // JSON keeps only one of a key given twice in an object: the other's records would be
        // lost without a word (also a second "format" that would hide the first).
        if let (key, line) = duplicateKey(in: data) {
            throw damaged("line \(line.withThousandsSeparators) gives the field \"\(key)\" a second time (it may appear only once at the same level)",
                          "第 \(line.withThousandsSeparators) 行重复出现了“\(key)”字段（同一层级中只能出现一次）")
        }
        guard root["format"] as? String == marker else { throw bad("no \"format\": \"\(marker)\"", "缺少 \"format\": \"\(marker)\"") }
        guard let given = root["jsonVersion"] else { throw bad("no \"jsonVersion\" (version number)", "缺少“jsonVersion”（版本号）") }
        guard let version = given as? Int else { throw damaged("its \"jsonVersion\" (version number) is not a number", "“jsonVersion”（版本号）应为数字") }
        guard version <= 1 else {
            throw InterchangeError(.malformedText, "\(fileName) was exported by a newer SalesVault (jsonVersion \(version)), which this one cannot read.",
                                   zh: "“\(fileName)”由更新版本的 SalesVault 导出（jsonVersion \(version)），本程序无法读取。",
                                   hint: "Update SalesVault, then import the file again.", hintZH: "请升级 SalesVault 后再导入。")
        }
        // A list an export does not hold ("logs", "Customers"): its records would be left out.
        let header: Set<String> = ["format", "jsonVersion", "owner", "archiveID", "archiveVersion", "exportedBy", "exportedAt", "includeSecret"]
        if let other = root.keys.sorted().first(where: { !header.contains($0) && !ImportKind.order.map(key).contains($0) }) {
            throw damaged("\"\(other)\" is not the name of a list it can hold (only \(ImportKind.order.map(key).joined(separator: ", "))), so its content could not be imported",
                          "其中的“\(other)”不是可识别的数据列表名称（只能是 \(ImportKind.order.map(key).joined(separator: "、")) 之一），这部分内容无法导入")
        }
        // (JSON's true and false are NSNumbers of type c; 0 and 1, also Bool to `is`, are of type i.)
        if let given = root["includeSecret"], (given as? NSNumber).map({ String(cString: $0.objCType) }) != "c" {
            throw damaged("its \"includeSecret\" is not true or false", "其中“includeSecret”的值应为 true 或 false")
        }
        var tables: [Table] = []
        for kind in ImportKind.order {
            guard let list = root[key(kind)] else { continue }
            guard let records = list as? [[String: Any]] else { throw damaged("\"\(key(kind))\" is not a list of records", "“\(key(kind))”不是记录列表") }
            // Secret fields an export left out (no --include-secret) are not columns: as columns
            // they read as emptied, and `--on-duplicate update` cleared them (a contact's
            // background was lost by importing the archive's own export back: helper-116). One a
            // record gives anyway (written in by hand) is a column.
            // (Not given: as an export without them, a hand-made file most likely; a value that is
            // no true or false is refused below, before any table: helper-116.)
            let withSecret = root["includeSecret"] as? Bool ?? false
            let specs = Schema.fields(kind.entity).filter { spec in
                withSecret || spec.sensitivity != .secret || records.contains { $0[spec.key] != nil }
            }
            let keys = ["id"] + specs.map(\.key)
            // A key no field has ("remark", "Grade"): a column of its own, which the import maps
            // like a spreadsheet's header or lists as not imported (never dropped unseen).
            let known = Set(keys + ["kind", "createdAt", "createdBy", "updatedAt"])
            var extra: [String] = []
            for record in records {
                for key in record.keys.sorted() where !known.contains(key) && !extra.contains(key) { extra.append(key) }
            }
            // Headers as the Chinese labels, which map back like any spreadsheet's (and read well in
            // the preview); the values are looked up by key.
            // (A stage history is 阶段变更记录 as in a workbook: messages and a rejects workbook
            // said stageHistory: helper-213 2.)
            var rows = [TableRow(line: 0, cells: (["记录号"] + specs.map(\.zh) + extra.map { $0 == "stageHistory" ? "阶段变更记录" : $0 }).map { .text($0) })]
            // Codes of a vocabulary as their Chinese labels, which read back as the codes do (the
            // preview and a rejects workbook showed 销售阶段=bidding: helper-213 10).
            var vocabularies: [String: VocabularyKind] = [:]
            for spec in specs { if case .vocabulary(let v) = spec.type { vocabularies[spec.key] = v } }
            for (i, record) in records.enumerated() {
                // (`"removed": []` read as an empty cell, a live person: a list or an object there
                // is written as JSON writes it, and refused as no flag: helper-189 F8.)
                rows.append(TableRow(line: i + 1, cells: (keys + extra).map { key in
                    if key == "stageHistory", let v = record[key], let text = StageHistoryText.cell(fromJSON: v) { return .text(text) }
                    // (A number or true for a history: a cell of that type, which the import refuses
                    // as no list; as text, 5 was read as a history that failed, and the project moved
                    // in one step: helper-212 2.)
                    if key == "stageHistory", let n = record[key] as? NSNumber {
                        return String(cString: n.objCType) == "c" ? .bool(n.boolValue) : .number(n.doubleValue)
                    }
                    if key == "removed" || key == "stageHistory", let v = record[key], v is [Any] || v is [String: Any],
                       let data = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .withoutEscapingSlashes]) {
                        return .text(String(decoding: data, as: UTF8.self))
                    }
                    if let v = vocabularies[key], let code = record[key] as? String, let label = v.label(code, zh: true) { return .text(label) }
                    return cell(record[key])
                }))
            }
            tables.append(Table(name: kind.sheetName(zh: true), rows: rows))
        }
        // (The day of this machine, as a workbook's 导出时间 gives it: the UTC day was a day off
        // for eight hours of a Beijing day.)
        let exportedAt = (root["exportedAt"] as? String) ?? ""
        let day = FieldFormat.instant(iso: exportedAt).map { DateParser.format(DateParser.localDay($0)) } ?? String(exportedAt.prefix(10))
        let origin = (root["owner"] as? String).flatMap { ImportSource.Origin(owner: $0, date: day,
                                                                                   archiveID: root["archiveID"] as? String, version: root["archiveVersion"] as? String) }
        return (tables, origin)
    }

    /// Where and why `data` is not JSON, from the parser's error ("… around character N.", N
    /// counted in bytes from 0), as a line and a byte of the file.
    static func syntaxError(_ error: Error, in data: Data, bytesBefore: Int?) -> (String, String) {
        let debug = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? ""
        if debug.contains("end of file") {
            return ("it ends in the middle: its content is not complete", "文件在中途就结束了，内容不完整")
        }
        // (Valid JSON nested deeper than the parser goes: it was said not to be JSON at the
        // 513th byte: helper-167. No export nests more than four levels.)
        if debug.contains("Too many nested") {
            return ("its lists and objects are nested more than 512 levels deep, far deeper than any export's", "其中的数据嵌套超过 512 层，远超正常导出文件的层数，无法读取")
        }
        guard let range = debug.range(of: "character ", options: .backwards),
              let offset = Int(debug[range.upperBound...].prefix(while: \.isNumber)), offset >= 0, offset <= data.count
        else { return ("it is not valid JSON", "内容不是有效的 JSON") }
        // (Lines end in LF, CRLF or CR alone, as everywhere in the import.)
        let line = data.withUnsafeBytes { TextEncoding.line(ofByte: offset, in: $0.bindMemory(to: UInt8.self), encoding: .utf8) }
        let l = line.withThousandsSeparators
        guard let bytesBefore else { return ("line \(l) is not valid JSON", "第 \(l) 行不符合 JSON 格式") }
        let p = (bytesBefore + offset + 1).withThousandsSeparators
        return ("line \(l) (byte \(p) of the file) is not valid JSON", "第 \(l) 行（文件第 \(p) 个字节处）不符合 JSON 格式")
    }

    /// The first key given twice in one object of `data` (well-formed JSON), with its line.
    static func duplicateKey(in data: Data) -> (String, Int)? {
        data.withUnsafeBytes { raw -> (String, Int)? in
            let b = raw.bindMemory(to: UInt8.self)
            let (quote, backslash) = (UInt8(ascii: "\""), UInt8(ascii: "\\"))
            var objects: [Set<String>?] = []  // the keys of each open object; nil for an array
            var expectKey = false
            var line = 1
            var i = 0
            while i < b.count {
                switch b[i] {
                case 0x0A: line += 1
                case 0x0D: if i + 1 >= b.count || b[i + 1] != 0x0A { line += 1 }  // (a line ending in CR alone)
                case UInt8(ascii: "{"): objects.append([]); expectKey = true
                case UInt8(ascii: "["): objects.append(nil); expectKey = false
                case UInt8(ascii: "}"), UInt8(ascii: "]"): if !objects.isEmpty { objects.removeLast() }; expectKey = false
                case UInt8(ascii: ","): expectKey = objects.last.map { $0 != nil } ?? false
                case UInt8(ascii: ":"): expectKey = false
                case quote:
                    let start = i + 1
                    var escaped = false
                    i += 1
                    while i < b.count && b[i] != quote {
                        if b[i] == backslash { escaped = true; i += 1 }
                        i += 1
                    }
                    if expectKey, objects.last != nil, i <= b.count {
                        let token = UnsafeBufferPointer(rebasing: b[start..<min(i, b.count)])
                        // (An escaped key read as JSON reads it: "\u0063ustomers" is "customers".)
                        let key = escaped
                            ? ((try? JSONSerialization.jsonObject(with: Data("[\"".utf8) + Data(token) + Data("\"]".utf8))) as? [String])?.first ?? String(decoding: token, as: UTF8.self)
                            : String(decoding: token, as: UTF8.self)
                        if !objects[objects.count - 1]!.insert(key).inserted { return (key, line) }
                    }
                    expectKey = false
                default: break
                }
                i += 1
            }
            return nil
        }
    }

    private static func itemText(_ item: Any) -> String {
        switch item {
        case let s as String: return s
        case is NSNull: return ""
        case let n as NSNumber: return String(cString: n.objCType) == "c" ? (n.boolValue ? "true" : "false") : n.stringValue
        default:
            guard JSONSerialization.isValidJSONObject(item), let data = try? JSONSerialization.data(withJSONObject: item, options: [.sortedKeys]) else { return "" }
            return String(decoding: data, as: UTF8.self)
        }
    }

    private static func cell(_ value: Any?) -> CellValue {
        switch value {
        case nil, is NSNull: return .empty
        // The import takes a leading apostrophe off every text cell before = + - @ (what a
        // spreadsheet export adds, `FormulaGuard`); JSON adds none, so its texts get one here for
        // that to take off again: `'=SUM(A1)` stays as written (helper-109 H2: it lost it).
        case let s as String: return .text(FormulaGuard.neutralise(s))
        // (A JSON number is an NSNumber, which `as Bool` would take for 0 and 1: only true and
        // false, NSNumbers of type "c", are flags.)
        case let n as NSNumber: return String(cString: n.objCType) == "c" ? .bool(n.boolValue) : .text(n.stringValue)
        case let b as Bool: return .bool(b)
        // (Each item as JSON writes it: a null or an object inside showed Swift's own text,
        // `5,<null>,["x": 1]`: helper-167.)
        case let list as [Any]: return .text(list.map(itemText).joined(separator: ","))
        case let money as [String: Any]:
            if let amount = money["amount"] as? String, let currency = money["currency"] as? String { return .text("\(currency) \(amount)") }
            // (An amount edited into a number: read as written, not shown as ["currency": …, …]
            // in an order that changed from run to run: helper-94.)
            if let amount = money["amount"] as? NSNumber, let currency = money["currency"] as? String { return .text("\(currency) \(amount.stringValue)") }
            // Anything else as JSON text, its keys sorted.
            if let data = try? JSONSerialization.data(withJSONObject: money, options: [.sortedKeys, .withoutEscapingSlashes]) {
                return .text(String(decoding: data, as: UTF8.self))
            }
            return .text("\(money)")
        default: return .text("\(value!)")
        }
    }
}
