import SalesArchive

/// A project's moves between stages as one cell of an export (阶段历程 / stage history,
/// INTERCHANGE.md §2): a line per move, oldest first,
///
///     2026-11-02 10:00:30 1 信息开发 → 2 项目立项
///     2026-11-20 15:04:05 2 项目立项 → 4 商务谈判：客户已立项，直接议标
///
/// the time as the export's other times (local, the 说明 sheet's zone), the stages as the stage
/// column writes them, and the move's reason, if it has one, after `：` (`: ` in English); a
/// reason of several lines goes on over the next lines, which hold no →. An import reads it back
/// for a project the file adds.
enum StageHistoryText {
    /// The cell for `moves`, in the export's language.
    static func text(_ moves: [StageMove], zh: Bool) -> String {
        moves.map { m in
            var line = "\(Exporter.csvText(.instant(m.at))) \(zh ? m.from.zh : m.from.en) → \(zh ? m.to.zh : m.to.en)"
            if let reason = m.reason?.trimmedWhitespace, !reason.isEmpty {
                // (Its lines without an arrow, which would make them a move: 客户说→下月 is 客户说->下月.)
                let lines = reason.split(whereSeparator: { $0.isNewline }).map { String($0).trimmedWhitespace }.filter { !$0.isEmpty }
                line += (zh ? "：" : ": ") + lines.enumerated().map { $0 == 0 ? $1 : $1.replacingOccurrences(of: "→", with: "->") }.joined(separator: "\n")
            }
            return line
        }.joined(separator: "\n")
    }

    /// Why a cell cannot be read as moves: the line (from 1) and what is wrong there.
    struct Unreadable: Error, Equatable {
        let line: Int
        let reason: String
        let reasonZH: String
    }

    /// The moves a cell gives, each line read as `text` writes it; `instant` reads a line's time
    /// (date and time of day) as the import reads a time cell, nil when it is none.
    static func moves(_ text: String, instant: (String) -> Int64?) -> Result<[StageMove], Unreadable> {
        var out: [StageMove] = []
        let lines = text.split(whereSeparator: { $0.isNewline }).map { String($0).trimmedWhitespace }.filter { !$0.isEmpty }
        for (i, line) in lines.enumerated() {
            let n = i + 1
            func bad(_ en: String, _ zh: String) -> Result<[StageMove], Unreadable> { .failure(Unreadable(line: n, reason: en, reasonZH: zh)) }
            guard let arrow = line.range(of: "→") else {
                // (A line of the reason before it.)
                if let last = out.popLast() {
                    out.append(StageMove(at: last.at, from: last.from, to: last.to, reason: (last.reason.map { $0 + "\n" } ?? "") + line))
                    continue
                }
                return bad("line \(n) has no → between two stages", "第 \(n) 行没有用“→”连接的两个阶段")
            }
            let left = line[..<arrow.lowerBound].split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard left.count == 3, let at = instant("\(left[0]) \(left[1])") else {
                return bad("line \(n) does not start with a date and time (2026-11-02 10:00:30)", "第 \(n) 行开头不是日期和时间（如 2026-11-02 10:00:30）")
            }
            let right = line[arrow.upperBound...]
            let cut = right.firstIndex(where: { $0 == "：" || $0 == ":" })
            let toText = String(right[..<(cut ?? right.endIndex)]).trimmedWhitespace
            let reason = cut.map { String(right[right.index(after: $0)...]).trimmedWhitespace }.flatMap { $0.isEmpty ? nil : $0 }
            let fromText = String(left[2]).trimmedWhitespace
            guard let from = SalesStage.read(fromText) else {
                return bad("line \(n): \(fromText) is not a stage", "第 \(n) 行：“\(fromText)”不是项目阶段")
            }
            guard let to = SalesStage.read(toText) else {
                return bad("line \(n): \(toText) is not a stage", "第 \(n) 行：“\(toText)”不是项目阶段")
            }
            out.append(StageMove(at: at, from: from, to: to, reason: reason))
        }
        return .success(out)
    }

    /// Why `moves` cannot be made again for a project the import adds (which starts at stage 1,
    /// and moves only forward in time, and not after `now`), nil when they can.
    static func problem(_ moves: [StageMove], now: Int64) -> Unreadable? {
        guard let first = moves.first else { return nil }
        if first.from != .infoDevelopment {
            return Unreadable(line: 1, reason: "the first move starts from \(first.from.en), not from stage 1, where a project starts",
                              reasonZH: "第 1 行的变更不是从第 1 阶段开始的，而新项目都从第 1 阶段开始")
        }
        for (i, m) in moves.enumerated() {
            let n = i + 1
            if m.from == m.to {
                return Unreadable(line: n, reason: "line \(n) moves from a stage to itself", reasonZH: "第 \(n) 行的前后两个阶段相同")
            }
            if m.at > now {
                return Unreadable(line: n, reason: "line \(n) is dated later than now", reasonZH: "第 \(n) 行的时间晚于当前时间")
            }
            guard i > 0 else { continue }
            let before = moves[i - 1]
            if m.from != before.to {
                return Unreadable(line: n, reason: "line \(n) starts from \(m.from.en), but line \(i) ends at \(before.to.en)",
                                  reasonZH: "第 \(n) 行从“\(m.from.zh)”开始，但第 \(i) 行结束于“\(before.to.zh)”，前后不衔接")
            }
            if m.at < before.at {
                return Unreadable(line: n, reason: "line \(n) is dated before line \(i)", reasonZH: "第 \(n) 行的时间早于第 \(i) 行")
            }
        }
        return nil
    }
}
