import ArgumentParser
import Foundation
import Interchange
import SalesArchive
import VaultFormat

#if canImport(Glibc)
import Glibc
#endif

struct Shell: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Unlock an archive once and run many commands; locks itself when idle.",
        discussion: """
            Type the same commands as on the command line, without `salesvault` and
            without the archive: `customer list`, `log add 华为 call "…"`, `history
            --since today` (a command pasted with `salesvault` before it runs too). `exit`
            or Ctrl-D leaves and wipes the keys. Commands can also come on standard input
            (scripts).

            EXAMPLES
              salesvault shell zhangwei.svault
              printf 'customer list\\nstale --days 7\\n' | salesvault shell zhangwei.svault --password-file pw.txt
            """)
    // (The archive as every command takes it: -a was refused here: helper-183.)
    @OptionGroup var target: ArchivePath
    var archive: String { target.path }
    @Option(help: "Lock (and leave) after this many minutes without input.") var idleMinutes: Double = 10

    func validate() throws {
        if !(idleMinutes.isFinite && idleMinutes > 0 && idleMinutes <= 1440) {
            throw ValidationError("--idle-minutes must be more than 0 and at most 1440")
        }
    }
    @OptionGroup var password: PasswordOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        // Unlocked with `salesvault unlock`: no password; each line is run by the agent
        // (Docs/AGENT.md §4.2), which keeps the keys.
        if password.passwordFile == nil, password.passwordFd == nil, AgentServing.request == nil, AgentClient.held(archive) != nil {
            let owner = (try? ArchiveInspection.inspect(path: archive).header.owner) ?? "?"
            try Self.loop(nil, name: archive, owner: owner, idleMinutes: idleMinutes, agent: true)
            return
        }
        let vault = try password.unlock(archive, access: .readWrite, remindAlways: true)
        try MemoryBudget.check(opening: vault)
        let context = ArchiveContext(try CustomerArchive(vault: vault), allowed: [.read, .write, .export])
        try OwnerUnlock.showEscrowUses(context.archive, writing: true)
        OwnerUnlock.acknowledgeEscrowUses(context.archive)  // the owner opened the shell: seen
        try Self.loop(context, name: archive, owner: vault.header.owner, idleMinutes: idleMinutes)
    }

    /// Commands that never run inside a session (they unlock or change keys and files themselves).
    // (status too: inside the shell the archive is open, and status said it was used by another
    // program, the shell itself: helper-174.)
    // (unlock too: the shell has the archive open already, and it failed asking for a file:
    // helper-181.)
    static let outsideOnly: Set<String> = ["shell", "init", "passwd", "rekey", "repair", "verify", "escrow", "compromised", "dept", "keys", "compliance", "reminders", "status", "unlock"]

    /// What `help` says inside the shell: the commands it runs, each with its purpose, and how
    /// to leave; not those of `outsideOnly`.
    static func overview() -> String {
        let zh = Language.current == .zh
        var commands: [(name: String, abstract: String)] = []
        // (Those to run from the command line, in the order of the command line's help: the
        // list was written out by hand and had lost unlock and compromised.)
        var outside: [String] = []
        for command in SalesVault.configuration.subcommands {
            let configuration = command.configuration
            let name = command._commandName
            guard configuration.shouldDisplay, name != "lock" else { continue }
            if outsideOnly.contains(name) {
                if name != "shell" { outside.append(name) }
                continue
            }
            commands.append((name, configuration.abstract))
        }
        var width = 0
        for c in commands { width = max(width, c.name.count + 2) }
        var lines = [zh ? "shell 中可用的命令（直接输入，不用写 salesvault 和档案名）：" : "Commands in the shell (type them without salesvault and the archive):", ""]
        for c in commands {
            lines.append("  " + c.name + String(repeating: " ", count: width - c.name.count) + (zh ? HelpZH.text(c.abstract) : c.abstract))
        }
        lines += ["", zh ? "help 命令名：查看该命令的用法（如 help log add）。exit、quit 或 lock：锁定档案并退出。"
                          : "help COMMAND: how to use it (help log add). exit, quit or lock: lock the archive and leave.",
                  zh ? "以下命令不能在 shell 中使用，请在命令行中运行：" + outside.joined(separator: "、") + "。"
                     : "Run " + outside.dropLast().joined(separator: ", ") + " and " + (outside.last ?? "") + " from the command line."]
        return lines.joined(separator: "\n")
    }

    /// Reads commands (a terminal with line editing, or standard input) and runs them against
    /// the context's archive until exit, end of input or the idle timeout. With `agent`, there is
    /// no context: each archive command goes to the session agent that holds the archive.
    static func loop(_ context: ArchiveContext?, name archive: String, owner: String, idleMinutes: Double, agent: Bool = false) throws {
        let interactive = isatty(STDIN_FILENO) == 1
        if interactive {
            Terminal.print(L("Unlocked \(archive) (\(owner)). Type `help` for commands, `exit` to lock.",
                    "已解锁 \(archive)（\(owner)）。输入 help 查看命令，exit 锁定退出。").text)
            // What the salesperson asks first: whom to follow up today.
            if let context, let agenda = try? context.archive.agenda(now: Clock.now, intervals: AgendaCommand.intervals(of: context.archive)) {
                AgendaView.show(agenda, archive: context.archive, now: Clock.now)
                print("")
            } else if agent, (try? AgentClient.forwardShellLine(archive, words: ["agenda"])) != nil {
                print("")
            }
        }
        let editor = LineEditor()
        var firstFailure: Int32?
        // A script's lines: a lone carriage return ends one too (a file saved with old Mac line
        // ends was one line, and a comment in its first hid the rest: helper-178).
        var pending: [String] = []
        func scriptLine() -> String? {
            if !pending.isEmpty { return pending.removeFirst() }
            guard let text = Swift.readLine() else { return nil }
            guard text.contains("\r") else { return text }
            var parts = text.split(separator: "\r", omittingEmptySubsequences: false).map(String.init)
            if parts.count > 1, parts[parts.count - 1].isEmpty { parts.removeLast() }
            let first = parts.removeFirst()
            pending = parts
            return first
        }
        var lineNumber = 0
        var nextLine = 1  // (a script's: the first line of the next command)
        session: while true {
            let line: String
            if interactive {
                switch editor.read(prompt: "salesvault> ", idleMilliseconds: Int(idleMinutes * 60_000)) {
                case .line(let text):
                    line = text
                case .endOfInput:
                    break session
                case .idle:
                    Terminal.print(L("Idle for \(Format.minutes(idleMinutes)) minutes: locked.", "空闲 \(Format.minutes(idleMinutes)) 分钟：已锁定。").text)
                    break session
                }
            } else {
                guard var text = scriptLine() else { break }
                // A script saved by Notepad starts with a byte order mark (its first line was
                // an unknown command: helper-174).
                if nextLine == 1, text.hasPrefix("\u{FEFF}") { text.removeFirst() }
                // A line ending in a backslash goes on on the next, as in a POSIX shell (half
                // the command was run: helper-174); errors name its first line.
                var joined = 0
                // (At the end of the last line it is dropped, as POSIX drops it: helper-175.)
                while ShellWords.continues(text) {
                    text.removeLast()
                    guard let next = scriptLine() else { break }
                    text += next
                    joined += 1
                }
                line = text
                lineNumber = nextLine
                nextLine += 1 + joined
            }
            if interactive { lineNumber += 1 }
            // A comment (# …), as a shell script has them (it was an unknown command: helper-172).
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("#") { continue }
            var words: [String]
            do {
                words = try ShellWords.split(line)
                // (A command pasted whole, `salesvault customer list`, as a hint writes it.)
                if words.count > 1, words[0] == "salesvault" { words.removeFirst() }
            } catch {
                // A script's line named, and its failure its status (the line was skipped
                // without either, and the script ended 0: helper-166).
                let at = interactive ? "" : L("line \(lineNumber) of the script: ", "脚本第 \(lineNumber) 行：").text
                let (message, hint, status) = ErrorReport.describe(error)
                // (With the lead every other error has: helper-172.)
                let lead = L("salesvault: error: ", "salesvault: 错误：").text
                Terminal.stderr(lead + at + message + "\n" + (hint.map { L("hint: ", "提示：").text + $0 + "\n" } ?? ""))
                if firstFailure == nil { firstFailure = status.rawValue }
                continue
            }
            guard let first = words.first else { continue }
            if first == "exit" || first == "quit" || first == "lock" { break }
            if Language.current == .zh, words.contains("--help") || words.contains("-h") {
                print(HelpZH.help(for: Array(words.prefix { !$0.hasPrefix("-") })))
                continue
            }
            // A group alone (customer): its help in Chinese, as on the command line (helper-99).
            // (Not one the shell refuses: bare keys, dept or escrow printed their help where
            // keys list was refused: helper-183.)
            if Language.current == .zh, first != "help", !outsideOnly.contains(first), let group = HelpZH.helpRequest(words), !group.isEmpty {
                print(HelpZH.help(for: group))
                continue
            }
            if first == "help" {
                // `help` alone: the commands the shell runs (it listed init, passwd and the other
                // commands it refuses: helper-179).
                guard words.count > 1 else { print(overview()); continue }
                // (A word that names no command: said, with the shell's commands; a command the
                // shell refuses: its help, said to run from the command line. Both printed the
                // whole command line's help or went without a word: helper-181.)
                let asked = words[1]
                // (The shell's own words: exit, quit and lock leave it; help is this.)
                if ["exit", "quit", "lock"].contains(asked) {
                    print(L("\(asked): in the shell, locks the archive and leaves the shell (as exit, quit and lock all do).", "\(asked)：在 shell 中用于锁定档案并退出 shell（exit、quit、lock 作用相同）。").text)
                    continue
                }
                if asked == "help" { print(overview()); continue }
                guard SalesVault.configuration.subcommands.contains(where: { $0._commandName == asked }) else {
                    print(L("There is no command \(ErrorReport.oneLine(asked)).", "没有“\(ErrorReport.oneLine(asked))”这个命令。").text + "\n")
                    print(overview())
                    continue
                }
                if asked == "shell" {
                    print(L("(You are in the shell already.)", "（您已在 shell 中，无需再次运行 shell。）").text + "\n")
                } else if outsideOnly.contains(asked) {
                    print(L("(\(asked) runs from the command line, not inside the shell.)", "（\(asked) 不能在 shell 中使用，请在命令行中运行。）").text + "\n")
                }
                // (`help complaint visit`: the word below the command that names none of its
                // commands is said, before the command's help; it was shown as if asked for.)
                let askedWords = Array(words.dropFirst().prefix { !$0.hasPrefix("-") })
                let known = HelpZH.command(for: askedWords).path
                if known.count < askedWords.count {
                    let word = ErrorReport.oneLine(askedWords[known.count]), under = known.joined(separator: " ")
                    print(L("\(under) has no command \(word).", "\(under) 下没有“\(word)”这个命令。").text + "\n")
                }
                if Language.current == .zh { print(HelpZH.help(for: Array(words.dropFirst()))); continue }
                // (In English too the command's own help: it printed the overview for any words.)
                print(SalesVault.helpMessage(for: HelpZH.command(for: Array(words.dropFirst())).command))
                continue
            }
            let at = interactive ? "" : L("line \(lineNumber) of the script: ", "脚本第 \(lineNumber) 行：").text
            if outsideOnly.contains(first) {
                Terminal.stderr(at + L("\(first) is not available inside the shell; run it from the command line\n", "shell 中不能使用 \(first)；请在命令行中运行\n").text)
                if firstFailure == nil { firstFailure = ExitStatus.usage.rawValue }
                continue
            }
            // An unknown command said as one, with the nearest (helper-97: the parser said
            // "2 unexpected arguments").
            let commandWords = UnknownCommand.movingLanguage(words, root: SalesVault.self)
            if let problem = UnknownCommand.problem(commandWords, root: SalesVault.self, program: "", hidden: outsideOnly) {
                Terminal.stderr(ErrorReport.atLine(at, problem) + "\n")
                if firstFailure == nil { firstFailure = ExitStatus.usage.rawValue }
                continue
            }
            do {
                var command = try SalesVault.parseAsRoot(commandWords)
                if command is any ArchiveCommand, agent {
                    guard let status = try AgentClient.forwardShellLine(archive, words: commandWords) else {
                        Terminal.stderr(Terminal.red(L("\(archive) is no longer unlocked (locked, or idle for too long): leaving the shell. Run salesvault unlock or salesvault shell again.",
                                                       "\(archive) 已不再处于解锁状态（已锁定或闲置超时），退出 shell。请重新运行 salesvault unlock 或 salesvault shell。").text) + "\n")
                        if firstFailure == nil { firstFailure = ExitStatus.failure.rawValue }
                        break session
                    }
                    if status != 0 { throw ExitCode(status) }
                } else if command is any ArchiveCommand, let context {
                    // (A hint that repeats the command repeats this line, not `salesvault shell …`.)
                    // (A script's errors name its line.)
                    try ErrorReport.$scriptLine.withValue(interactive ? nil : lineNumber) {
                        try CLIError.$runningWords.withValue(commandWords) { try context.run(parsed: command, words: commandWords) }
                    }
                } else {
                    try command.run()  // status, help texts: they need no open archive
                }
            } catch let exit as ExitCode {
                // The command has reported its error already.
                if exit != .success && firstFailure == nil { firstFailure = exit.rawValue }
            } catch {
                let code = SalesVault.exitCode(for: error)
                let message = Language.current == .zh && code == .validationFailure
                    ? HelpZH.usageError(SalesVault.fullMessage(for: error)) : HelpZH.usageErrorEN(SalesVault.fullMessage(for: error))
                if code == .success { Terminal.print(message) } else {
                    Terminal.stderr(ErrorReport.atLine(at, message) + "\n")
                    if firstFailure == nil { firstFailure = code.rawValue }
                }
            }
        }
        if interactive { Terminal.print(L("Locked.", "已锁定。").text) }
        // A script learns that something failed (the first failure's status); a person saw it.
        if !interactive, let firstFailure { throw ExitCode(firstFailure) }
    }
}

/// Splits a shell line into words: spaces separate, single or double quotes group, and a
/// backslash outside single quotes takes the next character as it is, as a POSIX shell reads
/// them: a command a hint quoted for the shell (`'Acme Co'\''s Ltd'`, ShellWord.quote) pasted
/// into the shell was an unclosed quote (helper-164). Chinese quotes (“…”, ‘…’) group only at
/// the start of a word, up to the first closing mark, as a POSIX shell's quotes do (`“乙 二”公司`
/// is 乙 二公司; `“乙二` is an unclosed quote); inside a word they are its own characters
/// (`北京“星火”科技有限公司` was searched as 北京星火科技有限公司: helper-166; `“北京”“星火”` was
/// 北京”“星火 and `“乙二` a customer of that name: helper-168).
enum ShellWords {
    /// Whether `line` ends in a backslash that escapes the line's end (an odd number of them,
    /// outside single quotes): the command goes on on the next line.
    static func continues(_ line: String) -> Bool {
        guard line.hasSuffix("\\") else { return false }
        var single = false, double = false, escaped = false, inWord = false
        for ch in line {
            if escaped { escaped = false; inWord = true; continue }
            if ch == "'" && !double { single.toggle() } else if ch == "\"" && !single { double.toggle() } else if ch == "\\" && !single { escaped = true }
            // (A backslash in a comment is the comment's: `split` ends the line at its #.)
            else if ch == "#" && !single && !double && !inWord { return false }
            inWord = single || double || !(ch == " " || ch == "\t" || ch == "\u{3000}")
        }
        return escaped
    }

    static func split(_ line: String) throws -> [String] {
        // Bytes that are not UTF-8 (a script saved as GBK) and NUL were taken into the values
        // as � and as themselves (helper-178).
        if line.contains("\u{FFFD}") {
            throw CLIError(.usage, L("the line is not UTF-8 text (a script saved in another encoding, such as GBK?)", "这一行不是 UTF-8 编码的文字（脚本可能是按 GBK 等其他编码保存的）"),
                           hint: L("save the script as UTF-8 (Notepad: Save As, Encoding UTF-8) and run it again", "请把脚本另存为 UTF-8 编码（记事本：“另存为”，编码选“UTF-8”）后重新运行"))
        }
        if line.contains("\u{0}") {
            throw CLIError(.usage, L("the line contains a NUL character", "这一行含有空字符（NUL），不是正常的文字"),
                           hint: L("check the script file: it may not be a text file", "请检查脚本文件，它可能不是纯文本文件"))
        }
        var words: [String] = []
        var current = ""
        var quote: (open: Character, close: Character)?
        var inWord = false
        var escaped = false
        func isSpace(_ ch: Character) -> Bool { ch == " " || ch == "\t" || ch == "\u{3000}" }
        for ch in line {
            if escaped {
                // (Within double quotes only " \ $ ` are escaped, within Chinese quotes the quote
                // marks and \ (`“乙\”丙”`: helper-170); another keeps its backslash.)
                if quote?.open == "\"" && !"\"\\$`".contains(ch) { current.append("\\") }
                if let q = quote, q.open != "\"", q.open != "'", !"“”‘’\\".contains(ch) { current.append("\\") }
                current.append(ch)
                escaped = false
            } else if let q = quote {
                if ch == q.close {
                    quote = nil
                } else if ch == "\\" && q.open != "'" { escaped = true } else { current.append(ch) }
            } else if ch == "\\" {
                escaped = true
                inWord = true
            } else if ch == "\"" || ch == "'" {
                quote = (ch, ch)
                inWord = true
            } else if (ch == "“" || ch == "‘") && !inWord {
                quote = (ch, ch == "“" ? "”" : "’")
                inWord = true
            } else if isSpace(ch) {
                if inWord { words.append(current); current = ""; inWord = false }
            } else if ch == "#" && !inWord {
                // A comment after a command, from a word's start to the line's end, as a POSIX
                // shell reads it (`customer list  # 本周` was refused as extra arguments:
                // helper-174 L1); inside a word it is the word's (合同#3).
                // A Chinese quote opened inside a word before it and not closed meant the # as
                // text (`note=“甲 # 乙”` kept “甲 without a word: helper-178).
                let said = (words + [current]).joined()
                if said.filter({ $0 == "“" }).count > said.filter({ $0 == "”" }).count {
                    throw CLIError(.usage, L("a # after an unclosed “ starts a comment: what follows it would be left out", "“#”前面的中文引号“没有配对，“#”及其后的内容会被当作注释而略去"),
                                   hint: L("if the # is part of the text, put the whole value in straight quotes (--set \"note=甲 # 乙\")", "如“#”是内容的一部分，请把整段内容用英文引号括起来（例如 --set \"note=甲 # 乙\"）"))
                }
                break
            } else {
                current.append(ch)
                inWord = true
            }
        }
        if let q = quote {
            // (A usage mistake, as an unknown command is: it ended a script with 1: helper-175 F6.)
            throw CLIError(.usage, L("unclosed quote: \(q.open) has no closing \(q.close)", "引号未闭合（\(q.open) 缺少对应的结束引号 \(q.close)）"),
                           hint: L("add the closing \(q.close); if the quote is part of the text, put a backslash before it (\\\(q.open))",
                                   "请补上结束引号 \(q.close)；如引号本身是内容的一部分，请在它前面加反斜杠（\\\(q.open)）"))
        }
        if escaped { current.append("\\") }  // (a backslash at the end is itself)
        if inWord { words.append(current) }
        return words
    }
}
