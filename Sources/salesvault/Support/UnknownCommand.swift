import ArgumentParser

/// A word where a command expects one of its subcommands (`salesvault customer bogus`,
/// `salesvault custmer list`): said as an unknown command, with the commands there are and the
/// nearest one (swift-argument-parser said the next option, `-a`, was unknown, or that the word
/// was an unexpected argument).
enum UnknownCommand {
    /// The message for `arguments` (without the program's name and a leading `--lang`), or nil
    /// when every word before the first option names a command (the parser then reads the rest).
    static func problem(_ arguments: [String], root: ParsableCommand.Type) -> String? {
        var command = root
        var path = ["salesvault"]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            // (An option, `help`, or a command without subcommands: the parser's to read.)
            guard !subcommands.isEmpty, !word.hasPrefix("-"), word != "help", command.configuration.defaultSubcommand == nil else { return nil }
            if let next = subcommands.first(where: { names(of: $0).contains(word) }) {
                command = next
                path.append(word)
                continue
            }
            let shown = subcommands.filter { $0.configuration.shouldDisplay }.map(name(of:))
            let near = nearest(word, among: shown)
            let where_ = path.joined(separator: " ")
            if Language.current == .zh {
                var lines = ["salesvault: 用法错误：\(path.count > 1 ? where_ + " 下" : "")没有“\(word)”这个命令"]
                if let near { lines.append("您要输入的是不是：\(where_) \(near)") }
                lines.append("可用的命令：" + shown.joined(separator: "、"))
                lines.append("查看帮助：\(where_) --help")
                return lines.joined(separator: "\n")
            }
            var lines = ["Error: Unknown command '\(word)'\(path.count > 1 ? " for '\(where_)'" : "")"]
            if let near { lines.append("Did you mean: \(where_) \(near)") }
            lines.append("Commands: " + shown.joined(separator: ", "))
            lines.append("  See '\(where_) --help' for more information.")
            return lines.joined(separator: "\n")
        }
        return nil
    }

    static func name(of command: ParsableCommand.Type) -> String {
        command.configuration.commandName ?? command._commandName
    }

    static func names(of command: ParsableCommand.Type) -> [String] {
        [name(of: command)] + command.configuration.aliases
    }

    /// The shown command nearest to `word` (two edits at most, and fewer than half its letters).
    static func nearest(_ word: String, among names: [String]) -> String? {
        let w = Array(word.lowercased())
        var best: (String, Int)?
        for name in names {
            let d = distance(w, Array(name))
            if d <= 2 && d * 2 < max(w.count, 2), best == nil || d < best!.1 { best = (name, d) }
        }
        return best?.0
    }

    /// Edits from `a` to `b`: a letter added, dropped, changed, or two swapped (lsit → list is one).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
