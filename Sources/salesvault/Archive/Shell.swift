import ArgumentParser
import Foundation
import SalesArchive
import VaultFormat

#if canImport(Glibc)
import Glibc
#endif

struct Shell: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Unlock an archive once and run many commands; locks itself when idle.",
        discussion: """
            Type the same commands as on the command line, without `salesvault` and without the
            archive: `customer list`, `log add 华为 call "…"`, `history --since today`. `exit` or
            Ctrl-D leaves and wipes the keys. Commands can also come on standard input (scripts).

            EXAMPLES
              salesvault shell zhangwei.svault
              printf 'customer list\\nstale --days 7\\n' | salesvault shell zhangwei.svault --password-file pw.txt
            """)
    @Argument(help: "The archive file.") var archive: String
    @Option(help: "Lock (and leave) after this many minutes without input.") var idleMinutes: Int = 10
    @OptionGroup var password: PasswordOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let secret = try password.read(prompt: L("Password for \(archive): ", "\(archive) 的密码:"))
        let vault = try Vault.open(path: archive, password: PasswordInput.secureBytes(secret), access: .readWrite)
        ArchiveSession.shared = try CustomerArchive(vault: vault)
        defer { ArchiveSession.shared = nil }
        let interactive = isatty(STDIN_FILENO) == 1
        if interactive {
            print(L("Unlocked \(archive) (\(vault.header.owner)). Type `help` for commands, `exit` to lock.",
                    "已解锁 \(archive)(\(vault.header.owner))。输入 help 查看命令,exit 锁定退出。").text)
        }
        while true {
            if interactive { Terminal.prompt("salesvault> ") }
            guard let line = readLine(idleSeconds: interactive ? idleMinutes * 60 : 0) else { break }
            let words = try ShellWords.split(line)
            guard let first = words.first else { continue }
            if first == "exit" || first == "quit" || first == "lock" { break }
            if first == "help" {
                print(SalesVault.helpMessage())
                continue
            }
            if ["shell", "init", "passwd", "rekey", "repair"].contains(first) {
                Terminal.stderr(L("\(first) is not available inside the shell; run it from the command line\n", "shell 中不能使用 \(first);请在命令行中运行\n").text)
                continue
            }
            do {
                var command = try SalesVault.parseAsRoot(words)
                try command.run()
            } catch is ExitCode {
                continue  // the command has reported its error already
            } catch {
                let message = SalesVault.fullMessage(for: error)
                if SalesVault.exitCode(for: error) == .success { print(message) } else { Terminal.stderr(message + "\n") }
            }
        }
        if interactive { print(L("Locked.", "已锁定。").text) }
    }

    /// Reads a line; nil at end of input or after `idleSeconds` without input (0 = no limit).
    func readLine(idleSeconds: Int) -> String? {
        if idleSeconds > 0 {
            var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, Int32(min(idleSeconds, Int(Int32.max / 1000)) * 1000)) == 0 {
                print(L("\nIdle for \(idleMinutes) minutes: locked.", "\n空闲 \(idleMinutes) 分钟:已锁定。").text)
                return nil
            }
        }
        return Swift.readLine()
    }
}

/// Splits a shell line into words: spaces separate, single or double quotes group.
enum ShellWords {
    static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
            } else if ch == "\"" || ch == "'" {
                quote = ch
                inWord = true
            } else if ch == " " || ch == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(ch)
                inWord = true
            }
        }
        if quote != nil { throw CLIError(.failure, L("unclosed quote", "引号未闭合"), hint: L("close the quote", "请补全引号")) }
        if inWord { words.append(current) }
        return words
    }
}
