import Foundation
import ArgumentParser
import SalesArchive

/// The words of a command line before the parser reads them: a word where a command expects one
/// of its subcommands (`salesvault customer bogus`, `salesvault custmer list`) is said to be an
/// unknown command, with the commands there are and the nearest one (swift-argument-parser said
/// the next option, `-a`, was unknown, or that the word was an unexpected argument); an option
/// before the command (`salesvault -a a.svault customer list`) is said to go after it.
enum UnknownCommand {
    /// The message for `arguments` (without the program's name and a leading `--lang`), or nil
    /// when every word before the first option names a command (the parser then reads the rest).
    /// `program`: what the user types before the command (`salesvault`; nothing in the shell);
    /// `hidden`: commands not to list (those the shell does not run); `help`: the words were
    /// asked after `help` (`salesvault help custmer`), and the nearest is suggested after it.
    static func problem(_ arguments: [String], root: ParsableCommand.Type, program: String = "salesvault", hidden: Set<String> = [], help asked: Bool = false) -> String? {
        var command = root
        var path = program.isEmpty ? [] : [program]
        let zh = Language.current == .zh
        for (index, word) in arguments.enumerated() {
            let subcommands = command.configuration.subcommands
            // (`help`, or a command without subcommands: the parser's to read.)
            guard !subcommands.isEmpty, word != "help", command.configuration.defaultSubcommand == nil else { return nil }
            let shown = subcommands.filter { $0.configuration.shouldDisplay && !hidden.contains(name(of: $0)) }.map(name(of:))
            if word.hasPrefix("-") {
                if ["--help", "-h", "--version", "--lang"].contains(word) || word.hasPrefix("--lang=") { return nil }
                // An option before the command: where it goes, with the command named after it
                // when the line has one.
                let rest = Array(arguments[index...])
                let (commands, options) = split(rest, from: command)
                let option = FieldFormat.terminalSafe(word)
                if !commands.isEmpty {
                    let line = (path + commands + options).map(shownWord).joined(separator: " ")
                    return zh ? "salesvault: 用法错误：选项 \(option) 要写在命令之后，例如：\(line)"
                              : "Error: the option \(option) goes after the command, as in: \(line)"
                }
                let example = (path + (command == root ? ["customer", "list"] : [shown.first ?? ""]) + options).map(shownWord).joined(separator: " ")
                return zh ? "salesvault: 用法错误：选项 \(option) 要写在命令之后，例如：\(example)\n可用的命令：" + shown.joined(separator: "、")
                          : "Error: the option \(option) goes after the command, as in: \(example)\nCommands: " + shown.joined(separator: ", ")
            }
            if let next = subcommands.first(where: { names(of: $0).contains(word) }), !hidden.contains(name(of: next)) {
                command = next
                path.append(word)
                continue
            }
            // (A complaint's visit or 回访 is its survey, not the nearest spelling, list: helper-203.)
            let near = path.last == "complaint" && ["visit", "回访", "满意度回访", "callback", "调查"].contains(word.lowercased()) && shown.contains("survey")
                ? "survey" : nearest(word, among: shown)
            let whereText = path.joined(separator: " ")
            let said = shownWord(word)
            // The line with the nearest command in place of the word, up to the first option.
            let tail = arguments[(index + 1)...].prefix { !$0.hasPrefix("-") }.map(shownWord)
            var suggestion = near.map { (path.prefix(program.isEmpty ? 0 : 1) + (asked ? ["help"] : []) + path.dropFirst(program.isEmpty ? 0 : 1) + [$0] + tail).joined(separator: " ") }
            // A contact's type after log (log visit, log 拜访): an entry to add, not a command
            // near it (it suggested log list: helper-201 8).
            if path.last == "log", let type = ActivityType.parse(word) {
                suggestion = (path + ["add", zh ? "客户名称" : "CUSTOMER", type.rawValue, zh ? "\"跟进内容\"" : "\"SUMMARY\""]).joined(separator: " ")
            }
            let help = path.isEmpty ? "help" : (path + ["--help"]).joined(separator: " ")
            if zh {
                var lines = ["salesvault: 用法错误：\(path.count > (program.isEmpty ? 0 : 1) ? whereText + " 下" : "")没有“\(said)”这个命令"]
                if let suggestion { lines.append("您是不是要输入：\(suggestion)") }
                lines.append("可用的命令：" + shown.joined(separator: "、"))
                lines.append("查看帮助：\(help)")
                return lines.joined(separator: "\n")
            }
            var lines = ["Error: Unknown command '\(said)'\(path.count > (program.isEmpty ? 0 : 1) ? " for '\(whereText)'" : "")"]
            if let suggestion { lines.append("Did you mean: \(suggestion)") }
            lines.append("Commands: " + shown.joined(separator: ", "))
            lines.append("  See '\(help)' for more information.")
            return lines.joined(separator: "\n")
        }
        return nil
    }

    /// `--lang X` written among the commands (`customer --lang zh list`), moved after them: every
    /// command takes it, no group does (the parser said there was no --lang option); after a
    /// group alone (`customer --lang zh`), left out as a leading one is.
    static func movingLanguage(_ arguments: [String], root: ParsableCommand.Type) -> [String] {
        var command = root
        var words: [String] = [], moved: [String] = []
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            guard !command.configuration.subcommands.isEmpty else { break }
            if word == "--lang", i + 1 < arguments.count {
                moved += [word, arguments[i + 1]]
                i += 2
                continue
            }
            if word.hasPrefix("--lang=") {
                moved.append(word)
                i += 1
                continue
            }
            guard let next = command.configuration.subcommands.first(where: { names(of: $0).contains(word) }) else { break }
            command = next
            words.append(word)
            i += 1
        }
        guard !moved.isEmpty else { return arguments }
        // A group alone (`customer --lang zh`): left out, as before the commands (the language
        // is read from anywhere on the line before parsing); the group's help follows it.
        guard command.configuration.subcommands.isEmpty else { return words + Array(arguments[i...]) }
        return words + Array(arguments[i...]) + moved
    }

    /// The words of `rest` that name commands below `command`, in order, and the others.
    private static func split(_ rest: [String], from command: ParsableCommand.Type) -> (commands: [String], options: [String]) {
        var current = command
        var commands: [String] = [], options: [String] = []
        for word in rest {
            if !word.hasPrefix("-"), let next = current.configuration.subcommands.first(where: { names(of: $0).contains(word) }) {
                current = next
                commands.append(word)
            } else {
                options.append(word)
            }
        }
        return (commands, options)
    }

    /// A word as the message shows it: control characters escaped, at most 40 characters, in
    /// quotes when it has a space.
    private static func shownWord(_ word: String) -> String {
        var text = FieldFormat.terminalSafe(word)
        if text.count > 40 { text = String(text.prefix(40)) + "…" }
        return text.contains(" ") || text.isEmpty ? "\"\(text)\"" : text
    }

    /// The parser's message for the first `--option` of `arguments` that the command they name
    /// does not have, or nil. The parser checks a command's own rules (`validate`) before it
    /// looks for unknown options, so `customer edit 浦发 --bogus 1` was told to give something
    /// to change, not that --bogus does not exist (helper-110): asked when `validate` refused.
    static func unknownOption(_ arguments: [String], root: ParsableCommand.Type) -> String? {
        let (command, path) = commandPath(arguments, root: root)
        let help = SalesVault.helpMessage(for: command, columns: 10_000)
        var known: Set<String> = ["--help", "--version", "--lang", "--serve"]
        if let re = try? NSRegularExpression(pattern: "--[A-Za-z0-9][A-Za-z0-9-]*") {
            for m in re.matches(in: help, range: NSRange(help.startIndex..., in: help)) {
                if let r = Range(m.range, in: help) { known.insert(String(help[r])) }
            }
        }
        for word in arguments.prefix(while: { $0 != "--" }) where word.hasPrefix("--") && word.count > 2 {
            let name = String(word.prefix { $0 != "=" })
            guard !known.contains(name) else { continue }
            let usage = help.components(separatedBy: "\n").first { $0.hasPrefix("USAGE: ") }.map { String($0.dropFirst(7)) } ?? path.joined(separator: " ")
            // (The option meant under another name: contact add --phone for --mobile: helper-155.)
            // (`reminders --out` for --output and `export --output` for --out: helper-179.)
            let instead = ["--phone": "--mobile", "--mobile": "--phone", "--tel": "--phone", "--telephone": "--phone", "--cellphone": "--mobile",
                           "--out": "--output", "--output": "--out"][name]
                .flatMap { known.contains($0) ? $0 : name == "--tel" && known.contains("--mobile") ? "--mobile" : nil }
            return "Error: Unknown option '\(name)'" + (instead.map { "\nHelp:  use \($0) instead" } ?? "")
                + "\nUsage: \(usage)\n  See '\(path.joined(separator: " ")) --help' for more information."
        }
        return dashText(arguments, root: root)
    }

    /// An option that takes a value followed by another of the command's options, not a value
    /// (`customer edit C1 --industry --force` saved "--force" as the industry, as the options
    /// that take a text starting with "-" take the next word whatever it is: helper-141): the
    /// parser's message for a missing value, or nil.
    static func missingValue(_ arguments: [String], root: ParsableCommand.Type) -> String? {
        let (command, path) = commandPath(arguments, root: root)
        let help = SalesVault.helpMessage(for: command, columns: 10_000)
        var takesValue: Set<String> = [], known: Set<String> = ["--help", "--version", "--lang"]
        if let re = try? NSRegularExpression(pattern: "(--[A-Za-z0-9][A-Za-z0-9-]*|-[A-Za-z])( <[^>]+>)?") {
            for m in re.matches(in: help, range: NSRange(help.startIndex..., in: help)) {
                guard let r = Range(m.range(at: 1), in: help) else { continue }
                known.insert(String(help[r]))
                if m.range(at: 2).location != NSNotFound { takesValue.insert(String(help[r])) }
            }
        }
        let words = Array(arguments.prefix(while: { $0 != "--" }))
        for (i, word) in words.enumerated() where takesValue.contains(word) && i + 1 < words.count {
            let next = words[i + 1]
            // (`--next-step -h` is the text "-h", as helper-111 had it: not the help's -h.)
            guard next.hasPrefix("-"), next != "-h", known.contains(String(next.prefix { $0 != "=" })) else { continue }
            let usage = help.components(separatedBy: "\n").first { $0.hasPrefix("USAGE: ") }.map { String($0.dropFirst(7)) } ?? path.joined(separator: " ")
            return "Error: Missing value for '\(word)'\nHelp:  \(word) takes a value; to leave it empty write \(word)=\nUsage: \(usage)"
        }
        return nil
    }

    /// `--option=` with nothing after `=` (before a `--`) as `--option ""`: the parser reads
    /// an attached empty value as none and takes the next word for it.
    static func emptyAttachedValues(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var options = true
        for word in arguments {
            if word == "--" { options = false }
            if options, word.count > 3, word.hasPrefix("--"), word.hasSuffix("="), word.dropLast().dropFirst(2).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                out += [String(word.dropLast()), ""]
            } else {
                out.append(word)
            }
        }
        return out
    }

    /// A text that starts with "-" (a summary "-对方同意下周见面", "-5%折扣", "--对方") is read as
    /// an option: the parser then said a text was missing, or printed the help for "-h对方" and
    /// exited 0 having saved nothing (helper-114). No option has a character beyond ASCII, so
    /// such a word, not an option's value (after a word that starts with "-"), is said to go
    /// after `--`; asked before the line is parsed.
    static func dashText(_ arguments: [String], root: ParsableCommand.Type) -> String? {
        let words = Array(arguments.prefix(while: { $0 != "--" }))
        for (i, word) in words.enumerated() where word.hasPrefix("-") && word.unicodeScalars.contains(where: { !$0.isASCII }) {
            if i > 0, words[i - 1].hasPrefix("-"), !words[i - 1].contains("=") { continue }  // (an option's value)
            // (An option with its value after `=`: `--set=下次跟进=1月6日`, `--summary=-5%折扣`.)
            if word.hasPrefix("--"), let eq = word.firstIndex(of: "="), word[..<eq].unicodeScalars.allSatisfy(\.isASCII) { continue }
            let (command, path) = commandPath(arguments, root: root)
            let help = SalesVault.helpMessage(for: command, columns: 10_000)
            let usage = help.components(separatedBy: "\n").first { $0.hasPrefix("USAGE: ") }.map { String($0.dropFirst(7)) } ?? path.joined(separator: " ")
            return "Error: Text starting with '-' is read as an option: '\(word)'\nHelp:  put -- before it: \(path.joined(separator: " ")) … -- \"\(word)\" (options go before --)\nUsage: \(usage)"
        }
        return nil
    }

    /// The command the leading words of `arguments` name, and those words after `salesvault`.
    static func commandPath(_ arguments: [String], root: ParsableCommand.Type) -> (ParsableCommand.Type, [String]) {
        var command = root
        var path = ["salesvault"]
        for word in arguments {
            guard let next = command.configuration.subcommands.first(where: { names(of: $0).contains(word) }) else { break }
            command = next
            path.append(word)
        }
        return (command, path)
    }

    /// The command `words` name from `root` (`customer` → Customer), or nil when a word names none.
    static func command(named words: [String], root: ParsableCommand.Type) -> ParsableCommand.Type? {
        var command = root
        for word in words {
            guard let next = command.configuration.subcommands.first(where: { names(of: $0).contains(word) }) else { return nil }
            command = next
        }
        return command
    }

    static func name(of command: ParsableCommand.Type) -> String {
        command.configuration.commandName ?? command._commandName
    }

    static func names(of command: ParsableCommand.Type) -> [String] {
        [name(of: command)] + command.configuration.aliases
    }

    /// Words people use for a command, English and Chinese (a suggestion, never run as it).
    static let synonyms: [String: [String]] = [
        "ls": ["list"], "rm": ["remove"], "del": ["remove"], "delete": ["remove"], "new": ["add", "init"], "create": ["add", "init"],
        "view": ["show"], "get": ["show"], "modify": ["edit"], "change": ["edit"],
        "添加": ["add"], "新增": ["add"], "新建": ["add", "init"], "列表": ["list"], "列出": ["list"], "查看": ["show"], "显示": ["show"],
        "修改": ["edit"], "编辑": ["edit"], "删除": ["remove"], "移除": ["remove"], "评级": ["grade"], "等级": ["grade"],
        "恢复": ["restore"], "还原": ["restore"], "undelete": ["restore"],
        "客户": ["customer"], "联系人": ["contact"], "跟进": ["log"], "跟进记录": ["log"], "项目": ["project"], "投诉": ["complaint"],
        "导入": ["import"], "导出": ["export"], "报表": ["report"], "周报": ["report"], "撤销": ["undo"], "搜索": ["search"], "查找": ["search"],
        "状态": ["status"], "历史": ["history"], "改密码": ["passwd"], "密码": ["passwd"], "部门": ["dept"], "托管": ["escrow"],
    ]

    /// The shown command nearest to `word`: one people mean by it (ls → list, 客户 → customer),
    /// else the nearest by spelling (two edits at most, and fewer than half its letters).
    static func nearest(_ word: String, among names: [String]) -> String? {
        if let meant = synonyms[word.lowercased()]?.first(where: names.contains) { return meant }
        let w = Array(word.lowercased())
        var best: (String, Int)?
        for name in names {
            let d = distance(w, Array(name))
            if d <= 2 && d * 2 < max(w.count, 2), best == nil || d < best!.1 { best = (name, d) }
        }
        // (escrow reset → reset-password, log ad → add: the one command that starts so.)
        if best == nil, w.count >= 2, case let prefixed = names.filter({ $0.hasPrefix(String(w)) }), prefixed.count == 1 { return prefixed[0] }
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
