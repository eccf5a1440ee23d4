import Foundation
import Interchange
import SalesArchive

/// Labels, tables and JSON for customer-archive output.
enum Render {
    static var zh: Bool { Language.current == .zh }

    static func label(_ spec: FieldSpec) -> String { zh ? spec.zh : spec.en }

    /// A grade as shown in tables: its letter, or 未评级 / unrated.
    static func grade(_ code: String?) -> String {
        FieldFormat.text(Schema.field(.customer, key: "grade")!, .text(code ?? Grade.unrated.rawValue), zh: zh, state: ArchiveState(), instant: { _ in "" })
    }

    /// "补录于 …" for a change that happened (`happened`) before the minute it was typed in
    /// (`recorded`), as shown; nil when it was recorded as it happened.
    static func lateEntryNote(happened: Int64?, recorded: Int64) -> String? {
        guard let happened, Format.date(happened) != Format.date(recorded) else { return nil }
        return zh ? "补录于 \(Format.date(recorded))" : "entered on \(Format.date(recorded))"
    }

    static func vocabulary<V: Vocabulary>(_ type: V.Type, _ code: String?) -> String {
        guard let code, let v = V(rawValue: code) else { return code ?? "" }
        return zh ? v.zh : v.en
    }

    /// A field value as text for people (the schema decides how: FieldFormat).
    static func text(_ kind: EntityKind, _ spec: FieldSpec, _ value: FieldValue?, archive: CustomerArchive) -> String {
        FieldFormat.text(spec, value, zh: zh, state: archive.state, instant: Format.date)
    }

    /// JSON-ready dictionary of an entity; secret fields only when asked.
    static func json(_ e: Entity, archive: CustomerArchive, includeSecret: Bool = false) -> [String: Any] {
        FieldFormat.json(e, state: archive.state, includeSecret: includeSecret)
    }

    static func jsonValue(_ v: FieldValue, spec: FieldSpec?, archive: CustomerArchive) -> Any {
        FieldFormat.json(spec, v, state: archive.state)
    }

    static func idString(_ id: UInt64, archive: CustomerArchive) -> String {
        FieldFormat.shortID(id, state: archive.state)
    }

    /// Refuses a JSON listing of `items` records of about `fieldsEach` values that would not fit
    /// in memory, before it is built (`MemoryBudget.check(listingOf:cells:)`).
    static func checkJSON(items: Int, fieldsEach: Int) throws {
        try MemoryBudget.check(listingOf: items, cells: items * fieldsEach)
    }

    /// Prints `list` as a JSON array of its entities, counted first (`checkJSON`).
    static func printJSON(_ list: [Entity], archive: CustomerArchive) throws {
        try checkJSON(items: list.count, fieldsEach: list.first.map { Schema.fields($0.kind).count + 4 } ?? 0)
        try printJSON(list.map { json($0, archive: archive) })
    }

    static func printJSON(_ object: Any) throws {
        let data = try SortedJSON.data(object)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Prints rows aligned by display width (Chinese characters are two columns wide). Every
    /// cell is made safe for the terminal first (Terminal.cell: controls, bidi and zero-width
    /// characters as visible escapes, tabs and line breaks as spaces).
    static func table(_ header: [String], _ rows: [[String]]) {
        let header = header.map(Terminal.cell)
        let rows = rows.map { $0.map(Terminal.cell) }
        var widths = header.map(displayWidth)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(cell)) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : padded(c, to: widths[i]) }.joined(separator: "  ")
        }
        print(Terminal.bold(line(header)))
        for row in rows { print(line(row)) }
    }

    /// At most `width` columns of `s` made one-line and safe (Terminal.cell), "…" when cut.
    static func truncate(_ s: String, _ width: Int) -> String {
        // Only the start is shown: escaped from a prefix (every character takes a column or
        // more once escaped), not the whole of a long value.
        let head = s.prefix(max(0, width) * 2 + 8)
        let cut = head.endIndex != s.endIndex
        var out = ""
        var w = 0
        let escaped = Terminal.cell(String(head))
        // Character by character, each escaped on its own when any is (an escape such as
        // `\u{202E}` is kept whole or left out, never cut in the middle).
        for ch in escaped == String(head) ? escaped.map(String.init) : head.map({ Terminal.cell(String($0)) }) {
            let cw = displayWidth(ch)
            if w + cw > width - 1 { return out + "…" }
            out += ch
            w += cw
        }
        return cut ? out + "…" : out
    }

    /// Prints one entity as label: value lines, made safe for the terminal (Terminal.safe); a
    /// value's later lines are indented under its first.
    static func show(_ e: Entity, archive: CustomerArchive, includeSecret: Bool) {
        print(Terminal.bold(Terminal.cell("\(e.shortID)  \(e.displayName)")))
        let (visible, hidden) = FieldFormat.fields(of: e, includeSecret: includeSecret)
        let width = visible.map { displayWidth(label($0)) }.max() ?? 0
        for spec in visible {
            var value = Terminal.safe(text(e.kind, spec, e[number: spec.number], archive: archive))
                .replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: width + 4))
            if spec.sensitivity == .confidential { value += zh ? "  [机密]" : "  [confidential]" }
            print("  \(padded(Terminal.cell(label(spec)), to: width))  \(value)")
        }
        if !hidden.isEmpty {
            print(zh ? "  （已隐藏绝密字段：\(hidden.map(label).joined(separator: "、"))；使用 --include-secret 显示）"
                     : "  (secret fields hidden: \(hidden.map(label).joined(separator: ", ")); --include-secret shows them)")
        }
    }
}
