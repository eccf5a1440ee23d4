import Department
import Foundation
import SalesArchive

/// The weekly report as a file: a self-contained HTML page, an XLSX workbook (real cell fills)
/// or Markdown text (REPORTS.md §1.4). All three show the same sections; HTML and XLSX mark the
/// appendix with the same colours and the 本周变更 column.
public enum ReportRender {
    public enum Format: String, Sendable, CaseIterable {
        case html, xlsx, md
    }

    public static func data(_ r: WeeklyReport, format: Format, zh: Bool) throws -> Data {
        switch format {
        case .html: return Data(html(r, zh: zh).utf8)
        case .md: return Data(markdown(r, zh: zh).utf8)
        case .xlsx:
            let book = workbook(r, zh: zh)
            defer { Background.release(book) }
            return try XLSXWriter.write(book)
        }
    }

    // MARK: HTML

    static func escape(_ s: String, into out: inout String) {
        let scalars = Array(s.unicodeScalars)
        for (k, ch) in scalars.enumerated() {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n": out += "<br>"
            default:
                // Controls other than the line feed are shown as their code, never passed on.
                if ch.value < 0x20 || (0x7F...0x9F).contains(ch.value) || ch.value == 0x2028 || ch.value == 0x2029 {
                    out += String(format: "&#x%X;", 0x2400 + min(ch.value, 0x20))
                } else if isBidiControl(ch) && !joinsEmoji(scalars, k) {
                    // Shown, never obeyed: a name cannot reorder the text around it.
                    out += String(format: "\\u{%X}", ch.value)
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
    }

    /// Direction marks and overrides, and the zero-width and invisible characters the terminal
    /// shows escaped (`FieldFormat.isTerminalUnsafe`): shown in a report as their code, never
    /// obeyed or hidden (a manager saw "Acme\u{200B}Trading" and "AcmeTrading" as one name).
    static func isBidiControl(_ ch: Unicode.Scalar) -> Bool {
        ch.value >= 0xA0 && FieldFormat.isTerminalUnsafe(ch)
    }

    /// A zero-width joiner at `k` between two emoji (👨‍💼): one picture, kept as the terminal
    /// keeps it (it showed as 👨\u{200D}💼 in the report managers open: helper-199).
    static func joinsEmoji(_ scalars: [Unicode.Scalar], _ k: Int) -> Bool {
        scalars[k] == "\u{200D}" && FieldFormat.joinsEmoji(k > 0 ? scalars[k - 1] : nil, k + 1 < scalars.count ? scalars[k + 1] : nil)
    }

    static func e(_ s: String) -> String {
        var out = ""
        escape(s, into: &out)
        return out
    }

    public static func html(_ r: WeeklyReport, zh: Bool) -> String {
        let calendar = DepartmentCalendar(zoneName: r.timeZone) ?? .standard
        var out = ""
        out.reserveCapacity(4096 + r.appendix.reduce(0) { $0 + $1.rows.count * 200 })
        out += "<!DOCTYPE html>\n<html lang=\"\(zh ? "zh-CN" : "en")\"><head><meta charset=\"utf-8\">"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        out += "<title>\(e(ReportText.title(r, zh: zh)))</title><style>"
        out += """
            body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:24px;color:#222}
            h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:2px solid #4472C4;padding-bottom:4px}
            table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left}
            th{background:#D9E1F2}tr.new td{background:#\(ReportText.newFill)}td.changed{background:#\(ReportText.changedFill)}
            td.missing{background:#\(ReportText.missingFill)}.legend span{display:inline-block;width:28px;height:14px;border:1px solid #999;margin-right:6px;vertical-align:middle}
            p.empty{color:#666}
            """
        out += "</style></head><body>\n"
        out += "<h1>\(e(ReportText.title(r, zh: zh)))</h1>\n"
        for section in ReportSection.sections(r, zh: zh) {
            out += "<h2>\(e(section.title))</h2>\n"
            if section.rows.isEmpty {
                out += "<p class=\"empty\">\(e(section.empty))</p>\n"
                if let note = section.note { out += "<p>\(e(note))</p>\n" }  // (corrections of earlier weeks)
                continue
            }
            out += "<table><tr>" + section.headers.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
            for row in section.rows {
                out += "<tr>"
                for cell in row {
                    out += cell.fill == ReportText.missingFill ? "<td class=\"missing\">" : "<td>"
                    escape(cell.text, into: &out)
                    out += "</td>"
                }
                out += "</tr>\n"
            }
            out += "</table>\n"
            if let note = section.note { out += "<p>\(e(note))</p>\n" }
        }
        out += "<h2>\(zh ? ReportText.appendixTitle : "10. Appendix: the archive, this week's additions and changes in colour")</h2>\n"
        out += "<div class=\"legend\">"
        for item in ReportSection.legend(zh: zh) { out += "<p><span style=\"background:#\(item.fill)\"></span>\(e(item.text))</p>" }
        out += "</div>\n"
        for table in r.appendix {
            out += "<h3>\(e(ReportText.sheetName(table.kind, zh: zh)))\(zh ? "（\(table.rows.count)）" : " (\(table.rows.count))")</h3>\n"
            out += "<table class=\"appendix\"><tr><th>\(e(table.headers[0]))</th><th>\(e(ReportSection.changeColumn(zh: zh)))</th>"
            for h in table.headers.dropFirst() { out += "<th>\(e(h))</th>" }
            out += "</tr>\n"
            for row in table.rows {
                out += row.mark == .new ? "<tr class=\"new\">" : "<tr>"
                out += "<td>\(row.id)</td><td>\(ReportText.markWord(row.mark, zh: zh))</td>"
                for (i, v) in row.values.enumerated() {
                    out += row.changed.contains(i) ? "<td class=\"changed\">" : "<td>"
                    escape(ReportText.value(v, calendar, zh: zh), into: &out)
                    out += "</td>"
                }
                out += "</tr>\n"
            }
            out += "</table>\n"
        }
        if !r.changes.isEmpty {
            out += "<h3>\(zh ? "变更明细" : "Changes in detail")</h3>\n<table><tr>"
            out += changeHeaders(zh: zh).map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
            for c in r.changes {
                out += "<tr>" + changeCells(c, calendar).map { "<td>\(e($0))</td>" }.joined() + "</tr>\n"
            }
            out += "</table>\n"
        }
        out += "</body></html>\n"
        return out
    }

    static func changeHeaders(zh: Bool) -> [String] {
        zh ? ["时间", "操作人", "记录", "字段", "修改前", "修改后"] : ["When", "By", "Record", "Field", "Old value", "New value"]
    }

    static func changeCells(_ c: ChangeRow, _ calendar: DepartmentCalendar) -> [String] {
        [ReportText.dateTime(c.at, calendar), c.actor, c.record, c.field, c.old, c.new]
    }

    // MARK: Markdown

    /// Whether `rest` (after an `&`) is the rest of an HTML entity: `amp;`, `#38;`, `#x26;`.
    static func startsEntity(_ rest: ArraySlice<Unicode.Scalar>) -> Bool {
        var n = 0
        for u in rest.prefix(33) {
            if u == ";" { return n > 0 }
            guard u.isASCII, u.properties.isAlphabetic || ("0"..."9").contains(u) || (u == "#" && n == 0) else { return false }
            n += 1
        }
        return false
    }

    static func md(_ s: String) -> String {
        var out = ""
        let scalars = Array(s.unicodeScalars)
        for (k, ch) in scalars.enumerated() {
            switch ch {
            // (Only an & that begins an entity: `&amp;` written in a field showed as `&`; R&D stays.)
            case "&" where startsEntity(scalars[(k + 1)...]): out += "&amp;"
            case "|": out += "\\|"
            case "\n", "\r": out += "<br>"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "*", "_", "`", "[", "]": out += "\\" + String(ch)
            default:
                if ch.value < 0x20 || (0x7F...0x9F).contains(ch.value) {
                    out += " "
                } else if isBidiControl(ch) && !joinsEmoji(scalars, k) {
                    out += String(format: "\\u{%X}", ch.value)
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out
    }

    public static func markdown(_ r: WeeklyReport, zh: Bool) -> String {
        let calendar = DepartmentCalendar(zoneName: r.timeZone) ?? .standard
        var out = "# \(md(ReportText.title(r, zh: zh)))\n"
        func table(_ headers: [String], _ rows: [[String]], escaped: Bool = false) {
            out += "\n| " + headers.map(md).joined(separator: " | ") + " |\n|" + String(repeating: " --- |", count: headers.count) + "\n"
            for row in rows { out += "| " + (escaped ? row : row.map(md)).joined(separator: " | ") + " |\n" }
        }
        for section in ReportSection.sections(r, zh: zh) {
            out += "\n## \(md(section.title))\n"
            if section.rows.isEmpty {
                out += "\n\(md(section.empty))\n"
                if let note = section.note { out += "\n\(md(note))\n" }  // (corrections of earlier weeks)
                continue
            }
            table(section.headers, section.rows.map { $0.map(\.text) })
            if let note = section.note { out += "\n\(md(note))\n" }
        }
        out += "\n## \(zh ? ReportText.appendixTitle : "10. Appendix: the archive")\n\n"
        out += zh ? "“本周变更”列中，“新增”表示本周新增的记录，“修改”表示本周修改过的记录，修改过的字段以粗体标出。\n"
            : "The “This week” column: new = added this week, changed = changed this week, changed fields in **bold**.\n"
        for t in r.appendix {
            out += "\n### \(md(ReportText.sheetName(t.kind, zh: zh)))\n"
            table([t.headers[0], ReportSection.changeColumn(zh: zh)] + t.headers.dropFirst(), t.rows.map { row in
                [row.id, ReportText.markWord(row.mark, zh: zh)] + row.values.enumerated().map { i, v in
                    let text = md(ReportText.value(v, calendar, zh: zh))
                    return row.changed.contains(i) && !text.isEmpty ? "**\(text)**" : text
                }
            }, escaped: true)
        }
        return out
    }

    // MARK: XLSX

    static func cell(_ v: Exporter.Value, _ calendar: DepartmentCalendar, fill: String?) -> XLSXCell {
        var c: XLSXCell
        switch v {
        case .instant(let i):
            let day = calendar.day(of: i)
            let (y, m, d) = DateParser.civil(Int32(clamping: day))
            c = XLSXCell(.dateTime(CivilDateTime(year: y, month: m, day: d, secondOfDay: Int((i - calendar.start(of: day)) % 86_400))))
        case .text(let s):
            c = Exporter.xlsxCell(.text(ReportText.visible(s)))
        default:
            c = Exporter.xlsxCell(v)
        }
        c.fill = fill
        return c
    }

    /// A whole number as a count is written: digits alone, no leading zero, at most 15.
    static func isCount(_ text: String) -> Bool {
        let u = text.utf8
        return !u.isEmpty && u.count <= 15 && u.allSatisfy { (0x30...0x39).contains($0) } && (u.count == 1 || u.first != 0x30)
    }

    public static func workbook(_ r: WeeklyReport, zh: Bool) -> XLSXWorkbook {
        let calendar = DepartmentCalendar(zoneName: r.timeZone) ?? .standard
        var sheets: [XLSXSheet] = []
        // The report sheet: sections one below the other.
        var rows: [[XLSXCell]] = [[XLSXCell(.text(ReportText.title(r, zh: zh)), bold: true)], []]
        var widest = 2
        for section in ReportSection.sections(r, zh: zh) {
            rows.append([XLSXCell(.text(section.title), bold: true)])
            if section.rows.isEmpty {
                rows.append([.text(section.empty)])
                if let note = section.note { rows.append([.guardedText(ReportText.visible(note))]) }  // (corrections of earlier weeks)
            } else {
                rows.append(section.headers.map { XLSXCell(.text($0), fill: "D9E1F2", bold: true) })
                // A count (跟进次数 9) as a number, which Excel sums (it was text: helper-127).
                for row in section.rows {
                    rows.append(row.map {
                        Self.isCount($0.text) ? XLSXCell(.number(Double($0.text)!), fill: $0.fill)
                            : XLSXCell.guardedText(ReportText.visible($0.text), fill: $0.fill)
                    })
                }
                widest = max(widest, section.headers.count)
                if let note = section.note { rows.append([.guardedText(ReportText.visible(note))]) }
            }
            rows.append([])
        }
        sheets.append(XLSXSheet(name: zh ? "周报" : "Report", columns: [], rows: rows, freezeHeader: false, autoFilter: false))
        // The appendix: one sheet per kind.
        for t in r.appendix {
            let columns = [XLSXColumn(t.headers[0]), XLSXColumn(ReportSection.changeColumn(zh: zh))] + t.headers.dropFirst().map { XLSXColumn($0) }
            // Rows of 100,000 customers: built on every core.
            let body: [[XLSXCell]] = Parallel.chunks(t.rows.count, chunk: 4_096) { range in
                t.rows[range].map { row in
                    let rowFill = row.mark == .new ? ReportText.newFill : nil
                    var cells = [XLSXCell(.text(row.id), fill: rowFill), XLSXCell(row.mark == .none ? .empty : .text(ReportText.markWord(row.mark, zh: zh)), fill: rowFill)]
                    cells.reserveCapacity(row.values.count + 2)
                    for (i, v) in row.values.enumerated() {
                        cells.append(cell(v, calendar, fill: rowFill ?? (row.changed.contains(i) ? ReportText.changedFill : nil)))
                    }
                    return cells
                }
            }
            sheets.append(XLSXSheet(name: ReportText.sheetName(t.kind, zh: zh), columns: columns, rows: body))
        }
        sheets.append(XLSXSheet(
            name: zh ? "变更明细" : "Changes", columns: changeHeaders(zh: zh).map { XLSXColumn($0) },
            rows: r.changes.map { c in changeCells(c, calendar).map { XLSXCell.guardedText(ReportText.visible($0)) } }))
        sheets.append(XLSXSheet(
            name: zh ? "图例" : "Legend", columns: [XLSXColumn(zh ? "颜色" : "Colour", width: 10), XLSXColumn(zh ? "含义" : "Meaning", width: 70)],
            rows: ReportSection.legend(zh: zh).map { [XLSXCell(.empty, fill: $0.fill), .text($0.text)] }, freezeHeader: false, autoFilter: false))
        for i in sheets.indices { sheets[i].cutMarker = ReportText.cutMarker(zh: zh) }
        return XLSXWorkbook(sheets: sheets, title: ReportText.title(r, zh: zh), creator: r.owner,
                            created: Date(timeIntervalSince1970: TimeInterval(r.generatedAt)))
    }
}
