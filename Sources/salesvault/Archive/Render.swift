import Foundation
import SalesArchive

/// Labels, tables and JSON for customer-archive output.
enum Render {
    static var zh: Bool { Language.current == .zh }

    static func label(_ spec: FieldSpec) -> String { zh ? spec.zh : spec.en }

    static func vocabulary<V: Vocabulary>(_ type: V.Type, _ code: String?) -> String {
        guard let code, let v = V(rawValue: code) else { return code ?? "" }
        return zh ? v.zh : v.en
    }

    /// A field value as text for people.
    static func text(_ kind: EntityKind, _ spec: FieldSpec, _ value: FieldValue?, archive: CustomerArchive) -> String {
        guard let value else { return "" }
        switch (kind, spec.key) {
        case (.customer, "grade"): return value.text ?? ""
        case (.project, "stage"): return vocabulary(SalesStage.self, value.text)
        case (.activity, "type"): return vocabulary(ActivityType.self, value.text)
        case (.contact, "role"): return vocabulary(DecisionRole.self, value.text)
        case (.contact, "attitude"): return vocabulary(Attitude.self, value.text)
        case (.complaint, "status"): return vocabulary(ComplaintStatus.self, value.text)
        case (.complaint, "satisfaction"): return vocabulary(Satisfaction.self, value.text)
        default: break
        }
        switch value {
        case .text(let s): return s
        case .int(let v): return spec.key.hasSuffix("At") || spec.key == "at" || spec.key == "stageSince" ? Format.date(v) : String(v)
        case .day(let d): return DateParser.format(d)
        case .flag(let b): return b ? (zh ? "是" : "yes") : (zh ? "否" : "no")
        case .ref(let id): return refName(id, spec: spec, archive: archive)
        case .refs(let ids): return ids.map { refName($0, spec: spec, archive: archive) }.joined(separator: ", ")
        }
    }

    static func refName(_ id: UInt64, spec: FieldSpec, archive: CustomerArchive) -> String {
        for kind in [EntityKind.customer, .contact, .project] {
            if let e = archive.state.entities(kind, id),
               (spec.key == "customer" && kind == .customer) || (spec.key == "project" && kind == .project)
                || (["contacts", "decisionMakers", "complainant"].contains(spec.key) && kind == .contact) {
                return "\(e.displayName) (\(e.shortID))"
            }
        }
        return "#\(id)"
    }

    /// JSON-ready dictionary of an entity; secret fields only when asked.
    static func json(_ e: Entity, archive: CustomerArchive, includeSecret: Bool = false) -> [String: Any] {
        var out: [String: Any] = ["id": e.shortID, "kind": "\(e.kind)", "createdAt": Format.isoDate(e.createdAt), "createdBy": e.createdBy,
                                  "updatedAt": Format.isoDate(e.updatedAt)]
        for spec in Schema.fields(e.kind) {
            guard let v = e[number: spec.number], includeSecret || spec.sensitivity != .secret else { continue }
            out[spec.key] = jsonValue(v, spec: spec, archive: archive)
        }
        return out
    }

    static func jsonValue(_ v: FieldValue, spec: FieldSpec?, archive: CustomerArchive) -> Any {
        switch v {
        case .text(let s): return s
        case .int(let i): return spec.map { $0.key.hasSuffix("At") || $0.key == "at" || $0.key == "stageSince" } == true ? Format.isoDate(i) : i
        case .day(let d): return DateParser.format(d)
        case .flag(let b): return b
        case .ref(let id): return idString(id, archive: archive)
        case .refs(let ids): return ids.map { idString($0, archive: archive) }
        }
    }

    static func idString(_ id: UInt64, archive: CustomerArchive) -> String {
        for kind in EntityKind.allCases { if let e = archive.state.entities(kind, id) { return e.shortID } }
        return "#\(id)"
    }

    static func printJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }

    /// Prints rows aligned by display width (Chinese characters are two columns wide).
    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(displayWidth)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(cell)) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : padded(c, to: widths[i]) }.joined(separator: "  ")
        }
        print(Terminal.bold(line(header)))
        for row in rows { print(line(row.map { $0.replacingOccurrences(of: "\n", with: " ") })) }
    }

    static func truncate(_ s: String, _ width: Int) -> String {
        var out = ""
        var w = 0
        for ch in s {
            let cw = displayWidth(String(ch))
            if w + cw > width - 1 { return out + "…" }
            out.append(ch)
            w += cw
        }
        return out
    }

    /// Prints one entity as label: value lines.
    static func show(_ e: Entity, archive: CustomerArchive, includeSecret: Bool) {
        print(Terminal.bold("\(e.shortID)  \(e.displayName)"))
        let specs = Schema.fields(e.kind)
        let visible = specs.filter { e[number: $0.number] != nil && (includeSecret || $0.sensitivity != .secret) }
        let width = visible.map { displayWidth(label($0)) }.max() ?? 0
        for spec in visible {
            var value = text(e.kind, spec, e[number: spec.number], archive: archive)
            if spec.sensitivity == .confidential { value += zh ? "  [机密]" : "  [confidential]" }
            print("  \(padded(label(spec), to: width))  \(value)")
        }
        let hidden = specs.filter { e[number: $0.number] != nil && $0.sensitivity == .secret && !includeSecret }
        if !hidden.isEmpty {
            print(zh ? "  (已隐藏绝密字段:\(hidden.map(label).joined(separator: "、"));使用 --include-secret 显示)"
                     : "  (secret fields hidden: \(hidden.map(label).joined(separator: ", ")); --include-secret shows them)")
        }
    }
}
