import Foundation
import SalesArchive

/// A project's moves between stages as one cell of an export (阶段变更记录 / stage history,
/// INTERCHANGE.md §2): a line per move, oldest first,
///
///     2026-11-02 10:00:30 1 信息开发 → 2 项目立项
///     2026-11-20 15:04:05 2 项目立项 → 4 商务谈判：客户决定议标
///     （续）下周提交报价
///
/// the time as the export's other times (local, the 说明 sheet's zone), the stages as the stage
/// column writes them, and the move's reason, if it has one, after `：` (`: ` in English); a
/// reason's further lines each after `（续）` (`(cont.) `; a line of a reason that looked like a
/// move was read as one: helper-209 1). An import reads it back for a project the file adds. (JSON writes the
/// moves as a list, its times as instants: `json`.)
public enum StageHistoryText {
    /// What starts each further line of a reason (（续）, as Chinese forms mark a line that goes
    /// on: helper-210; ↳ was read as a box in some fonts). An import also reads (续), (cont.) and ↳.
    static let continuedZH = "（续）", continuedEN = "(cont.) "
    static let continuedMarks = ["（续）", "(" + "\u{7EED}" + ")", "(cont.)", "↳"]  // (the second with half-width brackets, as typed)

    /// The longest cell an export writes (XLSX holds 32,767 characters in a cell: one project
    /// with long reasons failed the whole export: helper-209 9).
    static let maxCharacters = 32_000

    /// The cell for `moves`, in the export's language: all of it (CSV holds any length), or,
    /// `fitted` (XLSX), with reasons cut to 300 characters when the whole would be longer than
    /// `maxCharacters`, and nothing when it still would; `shortened` says which.
    static func cell(_ moves: [StageMove], zh: Bool, fitted: Bool) -> (text: String, shortened: Bool) {
        let whole = text(moves, zh: zh, reasonLimit: nil)
        if !fitted || whole.utf16.count <= maxCharacters { return (whole, false) }
        let cut = text(moves, zh: zh, reasonLimit: 300)
        // (Marked in the cell, so that an import of the workbook says what it lacks: a successor
        // got cut reasons as whole ones, and one move for a history left out: helper-212 3.)
        let mark = Mark.cut.text(zh: zh)
        return (cut.utf16.count + mark.utf16.count + 1 <= maxCharacters ? cut + "\n" + mark : Mark.leftOut.text(zh: zh), true)
    }

    /// What a workbook's cell says of a history it could not hold whole: its last line, which an
    /// import reads as no move (`mark(of:)`).
    enum Mark: Equatable {
        /// The reasons above were cut to 300 characters.
        case cut
        /// No move is written.
        case leftOut

        func text(zh: Bool) -> String {
            switch self {
            case .cut: return zh ? "（全部记录合计超出 Excel 单元格上限，超过 300 字的原因已截断，以“…”结尾；完整记录请用 salesvault export --format json 导出）"
                                 : "(the whole history is longer than an Excel cell holds: reasons longer than 300 characters are cut, ending in …; salesvault export --format json writes all of it)"
            case .leftOut: return zh ? "（阶段变更记录超出 Excel 单元格上限，即使截断原因也放不下，因此未写入工作簿；完整记录请用 salesvault export --format json 导出）"
                                     : "(the stage history is longer than an Excel cell holds even with its reasons cut, so it is not in this workbook; salesvault export --format json writes all of it)"
            }
        }
    }

    /// The mark a cell ends with, if any, and the cell without it.
    static func mark(of text: String) -> (mark: Mark?, rest: String) {
        let trimmed = text.trimmedWhitespace
        for mark in [Mark.cut, .leftOut] {
            for zh in [true, false] where trimmed.hasSuffix(mark.text(zh: zh)) {
                let rest = String(trimmed.dropLast(mark.text(zh: zh).count)).trimmedWhitespace
                // (Left out is a cell of the mark alone: after moves it says nothing of them, which
                // are made again; it threw them away: helper-214 4.)
                return mark == .leftOut && !rest.isEmpty ? (nil, rest) : (mark, rest)
            }
        }
        return (nil, text)
    }

    /// What an XLSX export says of the projects whose history it cut (`shortened`, names as the
    /// terminal shows them) and of those it left out (`emptied`, a part of them): nil when none.
    /// (One sentence said both, and 仍然过长的未导出 read as the project not exported: helper-213 3;
    /// more than ten names were all listed, and 项目 said twice: helper-213 4.)
    public static func exportNote(shortened: [String], emptied: [String]) -> (en: String, zh: String)? {
        guard !shortened.isEmpty else { return nil }
        let cut = shortened.filter { !emptied.contains($0) }
        func named(_ names: [String], zh: Bool) -> String {
            if zh {
                return names.count > 3 ? "有 \(names.count) 个项目（\(names.prefix(3).map { "“\($0)”" }.joined())等）" : "项目\(names.map { "“\($0)”" }.joined())"
            }
            let shown = names.prefix(3).joined(separator: ", ")
            return names.count > 3 ? "\(names.count) projects (\(shown) and others)" : shown
        }
        var en: [String] = [], zh: [String] = []
        if !cut.isEmpty {
            en.append("the stage history of \(named(cut, zh: false)) is longer than a workbook cell holds (32,767 characters): the workbook keeps the first 300 characters of each reason (ending in …)")
            zh.append("\(named(cut, zh: true))的阶段变更记录超出了 Excel 单元格的上限（32767 个字符），工作簿中每条变更原因只保留前 300 个字（以“…”结尾）")
        }
        if !emptied.isEmpty {
            en.append("the stage history of \(named(emptied, zh: false)) does not fit even so: its stage history cell only says it is not there")
            zh.append("\(named(emptied, zh: true))的阶段变更记录即使每条原因缩短到 300 字仍超出该上限，工作簿中\(emptied.count == 1 ? "该项目" : "这些项目")的“阶段变更记录”一栏没有写入记录，只有一句说明")
        }
        return ("Note: " + en.joined(separator: "; ") + ". For all of it, export once more with salesvault export --format json.",
                "注意：" + zh.joined(separator: "；") + "。如需完整记录，请另用 salesvault export --format json 导出一份。")
    }

    /// The cell for `moves` as a workbook holds it (`cell(fitted: true)`).
    static func text(_ moves: [StageMove], zh: Bool) -> String { cell(moves, zh: zh, fitted: true).text }

    private static func text(_ moves: [StageMove], zh: Bool, reasonLimit: Int?) -> String {
        moves.map { m in
            var reason = m.reason
            if let limit = reasonLimit, let r = reason, r.count > limit { reason = String(r.prefix(limit)) + "…" }
            return line(at: Exporter.csvText(.instant(m.at)), from: zh ? m.from.zh : m.from.en, to: zh ? m.to.zh : m.to.en, reason: reason, zh: zh)
        }.joined(separator: "\n")
    }

    /// One move's line (and its reason's further lines).
    static func line(at: String, from: String, to: String, reason: String?, zh: Bool) -> String {
        var line = "\(at) \(from) → \(to)"
        if let reason = reason?.trimmedWhitespace, !reason.isEmpty {
            // Each further line as it is, a blank or indented one too, and only a line feed breaks
            // a line (blank lines were dropped, indentation trimmed, U+2028 made a break: helper-211 4).
            let lines = reason.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
            line += (zh ? "：" : ": ") + lines.joined(separator: "\n" + (zh ? continuedZH : continuedEN))
        }
        return line
    }

    /// A JSON export's list for `moves`: each move's time as an instant (the sheet's local
    /// times moved by the zone between export and import: helper-209 2), stages as codes.
    static func json(_ moves: [StageMove]) -> [[String: Any]] {
        moves.map { m in
            var o: [String: Any] = ["at": FieldFormat.isoInstant(m.at), "from": m.from.rawValue, "to": m.to.rawValue]
            if let reason = m.reason { o["reason"] = reason }
            return o
        }
    }

    /// A JSON file's `stageHistory` as the cell an import reads: a list of moves as `json`
    /// writes them (a reason text or null); nil for anything else, which the import refuses as
    /// JSON (a reason 42 was dropped without a word: helper-211 1).
    /// (Each move's time an ISO instant with its offset, as JSON writes times, its stages stages,
    /// and no key but these four: a time that was none, or a "Reason", moved the project in one
    /// step with a note, or dropped the reason: helper-212 2.)
    static func cell(fromJSON value: Any) -> String? {
        if let list = value as? [[String: Any]], list.allSatisfy({ move in
            guard let at = move["at"] as? String, FieldFormat.instant(iso: at.trimmedWhitespace) != nil,
                  let from = move["from"] as? String, SalesStage.read(from.trimmedWhitespace) != nil,
                  let to = move["to"] as? String, SalesStage.read(to.trimmedWhitespace) != nil else { return false }
            return (move["reason"] == nil || move["reason"] is String || move["reason"] is NSNull) && move.keys.allSatisfy(moveKeys.contains)
        }) {
            return list.map { o in
                line(at: o["at"] as! String, from: o["from"] as! String, to: o["to"] as! String, reason: o["reason"] as? String, zh: true)  // (checked above)
            }.joined(separator: "\n")
        }
        return nil
    }

    /// What is wrong with a JSON file's `stageHistory` that `cell(fromJSON:)` does not read (as
    /// the JSON table holds it: the value as JSON text): the first move that is not one, and what
    /// it lacks or has wrong, in both languages (it was one text for every case, and said neither
    /// which move nor what: helper-213 1).
    static let moveKeys: Set<String> = ["at", "from", "to", "reason"]

    static func jsonProblem(_ text: String) -> (en: String, zh: String) {
        let what = (en: "in a JSON file the stage history (stageHistory) is a list of moves, each with \"at\" (when, such as \"2026-03-05T14:30:00+08:00\"), \"from\" and \"to\" (the stages before and after, such as \"bidding\") and, if it has a reason, a text \"reason\"",
                    zh: "阶段变更记录（stageHistory）应是若干条变更，每条须有 \"at\"（变更时间，如 \"2026-03-05T14:30:00+08:00\"）、\"from\" 和 \"to\"（变更前后的阶段，如 \"bidding\"）；填了原因的，\"reason\" 须为文字")
        guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return what }
        guard let list = value as? [Any] else {
            // (What it is first: helper-215 3.)
            return ("the stage history (stageHistory) is \(shown(value).en), not a list in [ ] of moves such as {\"at\": \"2026-03-05T14:30:00+08:00\", \"from\": \"bidding\", \"to\": \"businessNegotiation\"}, each with a text \"reason\" if it has one",
                    "阶段变更记录（stageHistory）填的是\(shown(value).zh)，应为用 [ ] 括起的若干条变更，每条形如 {\"at\": \"2026-03-05T14:30:00+08:00\", \"from\": \"bidding\", \"to\": \"businessNegotiation\"}，填了原因的可加 \"reason\"（文字）")
        }
        for (i, item) in list.enumerated() {
            let n = i + 1
            guard let move = item as? [String: Any] else {
                return ("move \(n) of the stage history (stageHistory) is no move in { } with \"at\", \"from\" and \"to\"",
                        "阶段变更记录（stageHistory）第 \(n) 条不是一条变更：每条应用 { } 括起，写明 \"at\"、\"from\" 和 \"to\"")
            }
            for (key, en, zh) in [("at", "when", "变更时间"), ("from", "the stage before", "变更前的阶段"), ("to", "the stage after", "变更后的阶段")] {
                guard let v = move[key] else {
                    return ("move \(n) of the stage history (stageHistory) has no \"\(key)\" (\(en)); add it, e.g. \"\(key)\": \(key == "at" ? "\"2026-03-05T14:30:00+08:00\"" : "\"bidding\"")",
                            "阶段变更记录（stageHistory）第 \(n) 条缺少 \"\(key)\"（\(zh)），请补上，如 \"\(key)\": \(key == "at" ? "\"2026-03-05T14:30:00+08:00\"" : "\"bidding\"")")
                }
                guard v is String else {
                    return ("move \(n) of the stage history (stageHistory) has \(shown(v).en) as \"\(key)\" (\(en)), which is to be a text in double quotes",
                            "阶段变更记录（stageHistory）第 \(n) 条的 \"\(key)\"（\(zh)）填的是\(shown(v).zh)，应为用英文双引号括起的文字")
                }
            }
            if let at = move["at"] as? String, FieldFormat.instant(iso: at.trimmedWhitespace) == nil {
                let shown = String(at.prefix(40))
                // (What is wrong in it when that can be told: a day February lacks is no matter of
                // format: helper-215 2.)
                if let why = DateParser.isoProblem(at.trimmedWhitespace) {
                    return ("move \(n) of the stage history (stageHistory) has \"at\" \"\(shown)\": \(why.en)",
                            "阶段变更记录（stageHistory）第 \(n) 条的 \"at\"（变更时间）“\(shown)”有误：\(why.zh)")
                }
                return ("move \(n) of the stage history (stageHistory) has \"at\" \"\(shown)\", which is no time as JSON writes one, with its offset: e.g. \"2026-03-05T14:30:00+08:00\" or \"2026-03-05T06:30:00Z\"",
                        "阶段变更记录（stageHistory）第 \(n) 条的 \"at\"（变更时间）“\(shown)”不是有效的时间，应写成带时区的格式，如 \"2026-03-05T14:30:00+08:00\" 或 \"2026-03-05T06:30:00Z\"")
            }
            for key in ["from", "to"] {
                if let stage = move[key] as? String, SalesStage.read(stage.trimmedWhitespace) == nil {
                    let shown = String(stage.prefix(40))
                    return ("move \(n) of the stage history (stageHistory) has \"\(key)\" \"\(shown)\", which is no stage; write 1–5, \(SalesStage.codes)",
                            "阶段变更记录（stageHistory）第 \(n) 条的 \"\(key)\"（\(key == "from" ? "变更前的阶段" : "变更后的阶段")）“\(shown)”不是有效的项目阶段，请填 1–5 或 \(SalesStage.labelsZH)")
                }
            }
            if let other = move.keys.sorted().first(where: { !moveKeys.contains($0) }) {
                let shown = String(other.prefix(40))
                return ("move \(n) of the stage history (stageHistory) has \"\(shown)\", which a move does not hold (only \"at\", \"from\", \"to\" and \"reason\", in lower case)",
                        "阶段变更记录（stageHistory）第 \(n) 条中的 \"\(shown)\" 无法识别：每条只能有 \"at\"、\"from\"、\"to\" 和 \"reason\"（均为小写）")
            }
            if let r = move["reason"], !(r is String), !(r is NSNull) {
                return ("move \(n) of the stage history (stageHistory) has \(shown(r).en) as \"reason\", which is to be a text in double quotes, e.g. \"reason\": \"客户决定议标\"",
                        "阶段变更记录（stageHistory）第 \(n) 条的 \"reason\"（原因）填的是\(shown(r).zh)，应为用英文双引号括起的文字，如 \"reason\": \"客户决定议标\"")
            }
        }
        return what
    }

    /// A JSON value as a message names it, in both languages.
    private static func shown(_ v: Any) -> (en: String, zh: String) {
        switch v {
        case is NSNull: return ("null", " null（空值）")
        case let n as NSNumber where String(cString: n.objCType) == "c": return n.boolValue ? ("true", " true") : ("false", " false")
        case let n as NSNumber: return ("the number \(n)", "数字 \(n)")
        case is [Any]: return ("a list", "一个列表")
        case is [String: Any]: return ("an object", "一个对象")
        default: return ("a value", "其他值")
        }
    }

    /// Why a cell cannot be read as moves: the move (from 1) and what is wrong there.
    struct Unreadable: Error, Equatable {
        let move: Int
        let reason: String
        let reasonZH: String
    }

    /// The moves a cell gives, each line read as `text` writes it (→ or -> between the stages,
    /// as a user may type it; a time of two parts or an instant, 2026-11-02T10:00:30Z);
    /// `instant` reads a line's time as the import reads a time cell, nil when it is none. A
    /// line after （续） (`continuedMarks`) goes on the reason of the move before it.
    static func moves(_ text: String, instant: (String) -> Int64?) -> Result<[StageMove], Unreadable> {
        var out: [StageMove] = []
        // (Lines broken by a line feed alone, as `line` writes them; a further line of a reason
        // read as it is after its mark, blank or indented: `line`.)
        let raw = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        for whole in raw {
            let line = whole.trimmedWhitespace
            if let mark = continuedMarks.first(where: { line.hasPrefix($0) }), let last = out.popLast() {
                var more = String(whole.drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }).dropFirst(mark.count))
                // (The export writes （续） right before the line; a space after another mark, as
                // (cont.) is written or (续) typed, is the mark's.)
                if mark != continuedZH, more.hasPrefix(" ") { more.removeFirst() }
                while let c = more.last, c == " " || c == "\t" || c == "\u{3000}" { more.removeLast() }
                out.append(StageMove(at: last.at, from: last.from, to: last.to, reason: (last.reason.map { $0 + "\n" } ?? "") + more))
                continue
            }
            if line.isEmpty { continue }
            let n = out.count + 1
            func bad(_ en: String, _ zh: String) -> Result<[StageMove], Unreadable> { .failure(Unreadable(move: n, reason: en, reasonZH: zh)) }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            // (A date and a time, or one instant.)
            var at: Int64?
            var rest = Substring("")
            if parts.count >= 2, let t = instant("\(parts[0]) \(parts[1])") {
                at = t
                rest = line[parts[1].endIndex...]
            } else if parts.count >= 2, parts[1].first?.isASCII == true, parts[1].first?.isNumber == true,
                      parts[1].allSatisfy({ $0.isASCII && ($0.isNumber || ":.,".contains($0)) }), parts[1].contains(":") {
                // (A date and a time that are no moment, 2025-02-02 24:00:00: said as that, not
                // as the date's move to the stage "24:00:00 2 项目立项": helper-211 2, helper-212.)
                return bad("move \(n): \(parts[0]) \(parts[1]) is no time", "第 \(n) 条的时间“\(parts[0]) \(parts[1])”无效")
            } else if let first = parts.first, let t = instant(String(first)) {
                at = t
                rest = line[first.endIndex...]
            }
            guard let at else {
                return bad("move \(n) does not start with a date and time (2026-11-02 10:00:30), or the date is none", "第 \(n) 条开头不是有效的日期和时间（格式如 2026-11-02 10:00:30）")
            }
            guard let arrow = rest.range(of: "→") ?? rest.range(of: "->") else {
                return bad("move \(n) has no → between two stages (1 information development → 2 project initiation)", "第 \(n) 条缺少用“→”连接的原阶段和新阶段（如“1 信息开发 → 2 项目立项”）")
            }
            let right = rest[arrow.upperBound...]
            let cut = right.firstIndex(where: { $0 == "：" || $0 == ":" })
            let toText = String(right[..<(cut ?? right.endIndex)]).trimmedWhitespace
            let reason = cut.map { String(right[right.index(after: $0)...]).trimmedWhitespace }.flatMap { $0.isEmpty ? nil : $0 }
            let fromText = String(rest[..<arrow.lowerBound]).trimmedWhitespace
            for stage in [fromText, toText] where SalesStage.read(stage) == nil {
                return bad("move \(n): \(stage) is not a stage", "第 \(n) 条中的“\(stage)”不是有效的项目阶段")
            }
            out.append(StageMove(at: at, from: SalesStage.read(fromText)!, to: SalesStage.read(toText)!, reason: reason))  // (read above)
        }
        return .success(out)
    }

    /// Why `moves` cannot be made again for a project the import adds (which starts at stage 1,
    /// and moves only forward in time, and not after `now`), nil when they can.
    static func problem(_ moves: [StageMove], now: Int64) -> Unreadable? {
        guard let first = moves.first else { return nil }
        if first.from != .infoDevelopment {
            return Unreadable(move: 1, reason: "the first move starts from \(first.from.en), not from stage 1, where a project starts",
                              reasonZH: "第 1 条不是从第 1 阶段开始的，而新项目一律从第 1 阶段开始")
        }
        for (i, m) in moves.enumerated() {
            let n = i + 1
            if m.from == m.to {
                return Unreadable(move: n, reason: "move \(n) goes from a stage to the same stage", reasonZH: "第 \(n) 条的原阶段与新阶段相同")
            }
            if m.at > now {
                return Unreadable(move: n, reason: "move \(n) is dated later than now", reasonZH: "第 \(n) 条的时间晚于当前时间")
            }
            guard i > 0 else { continue }
            let before = moves[i - 1]
            if m.from != before.to {
                return Unreadable(move: n, reason: "move \(i) goes to \(before.to.en), but move \(n) starts from \(m.from.en)",
                                  reasonZH: "第 \(i) 条变更后为“\(before.to.zh)”，第 \(n) 条却从“\(m.from.zh)”开始，前后接不上")
            }
            if m.at < before.at {
                return Unreadable(move: n, reason: "move \(n) is dated before move \(i): put them in time order", reasonZH: "第 \(n) 条的时间早于第 \(i) 条，请按时间先后排列")
            }
        }
        return nil
    }
}
