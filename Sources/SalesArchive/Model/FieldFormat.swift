import Foundation

/// How field values are shown, from the schema (RECORDS.md §4): for people in either language,
/// and for JSON and exports. Every front end (tables, `show`, JSON, export, report) uses these.
public enum FieldFormat {
    /// A value as text for people: vocabularies by their label, money as an amount, instants
    /// and dates as dates, references by name and short id, flags as 是/否 or yes/no.
    /// `instant` formats a moment (the caller's time zone and style).
    public static func text(
        _ spec: FieldSpec, _ value: FieldValue?, zh: Bool, state: ArchiveState, instant: (Int64) -> String
    ) -> String {
        guard let value else { return "" }
        switch (spec.type, value) {
        case (.vocabulary(.grade), .text(let code)):
            // Grades are shown as their letter everywhere ("A"), labels in legends; no grade in words.
            return code == Grade.unrated.rawValue ? (zh ? Grade.unrated.zh : Grade.unrated.en) : code
        case (.vocabulary(let v), .text(let code)):
            return v.label(code, zh: zh) ?? code
        case (_, .text(let s)): return s
        case (.instant, .int(let i)): return instant(i)
        case (_, .int(let i)): return String(i)
        case (_, .day(let d)): return DateParser.format(d)
        case (_, .flag(let b)): return b ? (zh ? "是" : "yes") : (zh ? "否" : "no")
        case (_, .money(let m)): return m.display(zh: zh)
        case (_, .ref(let id)): return referenceName(id, spec: spec, state: state, zh: zh)
        case (_, .refs(let ids)): return ids.map { referenceName($0, spec: spec, state: state, zh: zh) }.joined(separator: zh ? "、" : ", ")
        }
    }

    /// Text made safe to print on a terminal (THREAT-MODEL: stored data must not control the
    /// reader's terminal). Every C0 and C1 control, DEL, bidi control (U+061C, U+200E–U+200F,
    /// U+202A–U+202E, U+2066–U+2069), zero-width or invisible format character (U+200B–U+200D,
    /// U+2060–U+2064, U+206A–U+206F, U+FEFF, U+FFF9–U+FFFB) and line/paragraph separator
    /// (U+2028, U+2029) is written as a visible Swift-style escape with upper-case hex:
    /// ESC → `\u{1B}`, CR → `\u{D}`, RLO → `\u{202E}`. A tab becomes one space; a line
    /// break (LF, or CR LF) is kept when `keepingNewlines` (messages, `show`) and otherwise
    /// (table cells, one-line fields) becomes one space. Everything else (Chinese, English,
    /// emoji, a backslash) is unchanged, and the result is unchanged by a second pass.
    /// A variation selector (U+FE00–U+FE0F, U+E0100–U+E01EF) is kept after the character it
    /// selects the look of (the emoji of "❤️") and escaped where it selects nothing: first, after
    /// white space, after an escaped character or after another selector (a name of U+FE0F
    /// alone printed as nothing at all).
    /// Human output only: JSON and CSV carry the exact text.
    public static func terminalSafe(_ text: String, keepingNewlines: Bool = false) -> String {
        let scalars = text.unicodeScalars
        var previous: Unicode.Scalar?
        let needed = scalars.contains { scalar in
            defer { previous = scalar }
            return scalar == "\t" || scalar == "\n" || isTerminalUnsafe(scalar) || (isVariationSelector(scalar) && !selects(after: previous))
        }
        guard needed else { return text }
        // Built as a String (an escape appended with `String.append`): appending a sequence to a
        // `UnicodeScalarView` built a new string each time, quadratic in a long field of
        // control characters (black-box finding: a 1 MiB cell of NUL bytes took 73 s).
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var iterator = scalars.makeIterator()
        var pending = iterator.next()
        var before: Unicode.Scalar?  // the scalar before as written, nil when it was escaped (or none)
        while let scalar = pending {
            pending = iterator.next()
            if scalar == "\r" && pending == "\n" { continue }  // CR LF is one line break
            if scalar == "\n" {
                out.append(keepingNewlines ? "\n" : " ")
                before = scalar
            } else if scalar == "\t" {
                out.append(" ")
                before = scalar
            } else if scalar == "\u{200D}", joinsEmoji(before, pending) {
                // (A zero-width joiner between two emoji makes one, 👨‍💼 as WeChat pastes it: kept;
                // it showed as 👨\u{200D}💼: helper-197. Elsewhere it is escaped, as it could make
                // two names look alike.)
                out.unicodeScalars.append(scalar)
                before = scalar
            } else if isTerminalUnsafe(scalar) || (isVariationSelector(scalar) && !selects(after: before)) {
                out.append("\\u{\(String(scalar.value, radix: 16, uppercase: true))}")
                before = nil
            } else {
                out.unicodeScalars.append(scalar)
                before = scalar
            }
        }
        return out
    }

    /// Whether a zero-width joiner between `previous` and `next` joins two emoji (an emoji, or
    /// the emoji selector U+FE0F or a skin tone after one, before it).
    public static func joinsEmoji(_ previous: Unicode.Scalar?, _ next: Unicode.Scalar?) -> Bool {
        func emoji(_ s: Unicode.Scalar?) -> Bool {
            guard let s else { return false }
            return s.value == 0xFE0F || s.properties.isEmojiPresentation || (s.properties.isEmoji && s.value >= 0x2000)
        }
        return emoji(previous) && emoji(next) && next?.value != 0xFE0F
    }

    static func isVariationSelector(_ scalar: Unicode.Scalar) -> Bool {
        (0xFE00...0xFE0F).contains(scalar.value) || (0xE0100...0xE01EF).contains(scalar.value)
    }

    /// Whether a variation selector after `previous` has a character to select the look of.
    static func selects(after previous: Unicode.Scalar?) -> Bool {
        guard let previous else { return false }
        return !previous.properties.isWhitespace && !isVariationSelector(previous) && !isTerminalUnsafe(previous)
    }

    /// Whether `scalar` is one `terminalSafe` escapes (tab and LF aside): a control, DEL, a bidi
    /// control, or a zero-width or invisible character (format characters, the soft hyphen, the
    /// combining grapheme joiner, the Hangul fillers, Mongolian variation selectors: what could
    /// make two names look alike on screen).
    public static func isTerminalUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFEFF, 0xFFF9...0xFFFB: return true
        case 0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B...0x180F, 0x2800, 0x3164, 0xFFA0, 0x1D173...0x1D17A, 0xE0000...0xE007F: return true
        default: return false
        }
    }

    /// "王敏 (R4)", in Chinese "王敏（R4）": the referenced record's name and short id ("#id" if
    /// it is unknown). (The Chinese tables had the half-width brackets: helper-140.)
    public static func referenceName(_ id: UInt64, spec: FieldSpec, state: ArchiveState, zh: Bool = false) -> String {
        let kinds: [EntityKind]
        switch spec.type {
        case .reference(let k), .references(let k): kinds = [k]
        default: kinds = EntityKind.allCases
        }
        // (A record removed since is said so: a removed decision maker read as a current one,
        // helper-184 N7.)
        for kind in kinds {
            if let e = state.entities(kind, id) {
                if e.removed { return zh ? "\(e.displayName)（\(e.shortID)，已移除）" : "\(e.displayName) (\(e.shortID), removed)" }
                return zh ? "\(e.displayName)（\(e.shortID)）" : "\(e.displayName) (\(e.shortID))"
            }
        }
        return "#\(id)"
    }

    /// A value for JSON (Docs/JSON.md): text, integers, booleans, ISO 8601 instants (UTC),
    /// `YYYY-MM-DD` dates, short ids, and money as `{"amount": "3000000.00", "currency": "CNY"}`.
    public static func json(_ spec: FieldSpec?, _ value: FieldValue, state: ArchiveState) -> Any {
        switch value {
        case .text(let s): return s
        case .int(let i): return spec?.type == .instant ? isoInstant(i) : i
        case .day(let d): return DateParser.format(d)
        case .flag(let b): return b
        case .money(let m): return ["amount": m.decimalString, "currency": m.currency]
        case .ref(let id): return shortID(id, state: state)
        case .refs(let ids): return ids.map { shortID($0, state: state) }
        }
    }

    /// The short id of any record ("#id" if unknown).
    public static func shortID(_ id: UInt64, state: ArchiveState) -> String {
        for kind in EntityKind.allCases { if let e = state.entities(kind, id) { return e.shortID } }
        return "#\(id)"
    }

    /// 2026-11-23T01:00:00Z.
    public static func isoInstant(_ seconds: Int64) -> String {
        let day = Int32(truncatingIfNeeded: seconds.floorDiv(86_400))
        let rest = seconds - Int64(day) * 86_400
        let (y, m, d) = DateParser.civil(day)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, Int(rest / 3600), Int(rest % 3600 / 60), Int(rest % 60))
    }

    /// The instant `isoInstant` writes, `2026-11-23T01:00:00Z` (UTC), or with an offset from UTC,
    /// `2026-11-23T09:00:00+08:00` (as other programs write them: it was refused, helper-100),
    /// or nil.
    public static func instant(iso given: String) -> Int64? {
        // Fractions of a second (`.000Z`, as JavaScript writes times; `,5` as ISO 8601 allows;
        // any number of digits) are dropped: the archive keeps whole seconds (they were no time at
        // all: helper-211 6; 30 digits were none: helper-212 2).
        var s = given
        if s.utf8.count > 20, let mark = s.dropFirst(19).first, mark == "." || mark == ",",
           case let digits = s.dropFirst(20).prefix(while: { ("0"..."9").contains($0) }), !digits.isEmpty {
            s = String(s.prefix(19)) + String(s.dropFirst(20 + digits.count))
        }
        // (RFC 3339 allows t and z in lower case.)
        if s.hasSuffix("z") { s = String(s.dropLast()) + "Z" }
        var offset = 0
        let time: Substring
        if s.hasSuffix("Z"), s.count == 20 {
            time = s.dropFirst(11).dropLast()
        } else if s.utf8.count == s.count, [22, 24, 25].contains(s.count), let sign = s.dropFirst(19).first, sign == "+" || sign == "-" {
            // +08:00, and ISO 8601's +0800 and +08.
            let zone = s.dropFirst(20)
            let parts: [Substring] = zone.count == 5 ? zone.split(separator: ":", omittingEmptySubsequences: false)
                : zone.count == 4 ? [zone.prefix(2), zone.suffix(2)] : [zone, "00"]
            let o = parts.map { $0.count == 2 && $0.allSatisfy({ ("0"..."9").contains($0) }) ? Int($0) : nil }
            guard o.count == 2, let h = o[0], let m = o[1], (0...14).contains(h), (0..<60).contains(m) else { return nil }
            offset = (sign == "+" ? 1 : -1) * (h * 3600 + m * 60)
            time = s.dropFirst(11).prefix(8)
        } else {
            return nil
        }
        guard let separator = s.dropFirst(10).first, separator == "T" || separator == "t" || separator == " ",
              let day = try? DateParser.parse(String(s.prefix(10)), now: 0) else { return nil }
        let t = time.split(separator: ":", omittingEmptySubsequences: false)
        guard t.count == 3, t.allSatisfy({ $0.count == 2 && $0.allSatisfy { ("0"..."9").contains($0) } }),
              let hour = Int(t[0]), let minute = Int(t[1]), let second = Int(t[2]),
              (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second) else { return nil }
        return Int64(day) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
    }

    /// The set fields of `e` that may be shown, in schema order, and the secret ones left out
    /// (RECORDS.md §4: secret fields only with `includeSecret`). Every front end filters here.
    public static func fields(of e: Entity, includeSecret: Bool) -> (shown: [FieldSpec], hidden: [FieldSpec]) {
        let set = Schema.fields(e.kind).filter { e[number: $0.number] != nil }
        return (set.filter { includeSecret || $0.sensitivity != .secret }, set.filter { !includeSecret && $0.sensitivity == .secret })
    }

    /// An entity as a JSON-ready dictionary (Docs/JSON.md); secret fields only when asked.
    public static func json(_ e: Entity, state: ArchiveState, includeSecret: Bool = false) -> [String: Any] {
        var out: [String: Any] = ["id": e.shortID, "kind": "\(e.kind)", "createdAt": isoInstant(e.createdAt), "createdBy": e.createdBy,
                                  "updatedAt": isoInstant(e.updatedAt)]
        for spec in fields(of: e, includeSecret: includeSecret).shown {
            out[spec.key] = json(spec, e[number: spec.number]!, state: state)  // `shown` holds set fields only
        }
        return out
    }
}

extension FieldFormat {
    /// A record's name for people: an escrow use by what the manager did, in the chosen language
    /// (never the stored code "open"); every other record by `displayName`.
    public static func displayName(_ e: Entity, zh: Bool) -> String {
        guard e.kind == .escrowUse else { return e.displayName }
        switch e["action"]?.text {
        case "open": return zh ? "经理托管调阅" : "escrow: opened by a manager"
        case "resetPassword": return zh ? "经理托管重置密码" : "escrow: password reset by a manager"
        case "export": return zh ? "经理导出明文副本" : "escrow: plaintext export by a manager"
        default: return e.displayName
        }
    }
}
