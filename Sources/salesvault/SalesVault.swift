import ArgumentParser
import Foundation
import Glibc
import SalesArchive
import CAgentShim
import VaultCrypto

@main
struct SalesVault: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "salesvault",
        abstract: "Keep a salesperson's customer archive encrypted, with a password they choose.",
        discussion: """
            Each archive is one encrypted file (AES-256-GCM under a random data key,
            wrapped by a key derived from your password with scrypt). Passwords are never
            taken on the command line: you are asked on the terminal, or scripts pass
            --password-file / --password-fd.

            EXAMPLES
              salesvault init zhangwei.svault --owner 张伟
              salesvault status zhangwei.svault
              salesvault verify zhangwei.svault
              salesvault passwd zhangwei.svault

            \(ExitStatus.help)
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Status.self, Verify.self, Passwd.self, Rekey.self, Repair.self,
            CustomerCommand.self, ContactCommand.self, LogCommand.self, ProjectCommand.self, ComplaintCommand.self,
            AgendaCommand.self, History.self, Search.self, Stale.self, Undo.self, Import.self, Export.self, ReportCommand.self, Shell.self,
            KeysCommand.self, DeptCommand.self, EscrowCommand.self, Compromised.self, ComplianceCommand.self, RemindersCommand.self, Unseal.self,
            Unlock.self, Lock.self, AgentCommand.self,
        ]
    )

    /// The first argument (counted from 1) whose bytes are not UTF-8, escaped: ASCII as it is,
    /// other bytes `\xHH`.
    static func undecodableArgument() -> (Int, String)? {
        for k in 1..<Int(CommandLine.argc) {
            guard let p = CommandLine.unsafeArgv[k] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p))
            guard String(validating: bytes, as: UTF8.self) == nil else { continue }
            return (k, bytes.map { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined())
        }
        return nil
    }

    /// Accepts `--lang zh|en` before the subcommand too (`salesvault --lang zh status …`).
    static func main() {
        // TZ=CST-8 and TZ=:Asia/Shanghai, which Foundation would read as UTC, named as it reads
        // them, before anything asks for this machine's zone (MachineZone).
        // (The value as given kept first, for the notes that explain it: ArchiveContext.noteUnknownTZ.)
        if let tz = ArchiveContext.givenTZ, let zone = MachineZone.identifier(forTZ: tz) { setenv("TZ", zone, 1) }
        // A TZ naming a FIFO, a device or standard input: never read (the C library's read of it
        // never ended: helper-160); UTC, and the note says it names no zone.
        else if let tz = ArchiveContext.givenTZ, MachineZone.isNoZoneFile(tz) { setenv("TZ", "UTC", 1) }
        // No core dumps: they would write keys and plaintext to disk (Docs/THREAT-MODEL.md).
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
        // Under `ulimit -v`, one malloc arena for every thread (agent_shim.h).
        sv_fit_malloc_to_address_space_limit()
        // Not dumpable (THREAT-MODEL §9): no core dump even if a limit is raised again, no ptrace
        // attach and no /proc/PID/mem by other processes of the same user.
        _ = sv_set_not_dumpable()
        if Clock.isTest, ProcessInfo.processInfo.environment["SALESVAULT_DEBUG_DUMPABLE"] != nil {
            // For the test that checks the flag in a running CLI (only with the testing switch).
            Terminal.stderr("salesvault-debug: dumpable=\(sv_get_dumpable())\n")
        }
        Terminal.guardStandardStreams()
        if ProcessInfo.processInfo.environment["SALESVAULT_DEBUG_KDF_COUNT"] != nil {
            // Docs/AGENT.md §9: the scrypt runs of this process, for tests.
            atexit { Terminal.stderr("salesvault-debug: kdf-runs=\(Scrypt.derivationCount)\n") }
        }
        var arguments = Array(CommandLine.arguments.dropFirst())
        // `--lang fr` before the subcommand was taken silently (after it, the parser refuses it).
        let leading = arguments.first == "--lang" ? arguments.dropFirst().first : arguments.first.flatMap { $0.hasPrefix("--lang=") ? String($0.dropFirst(7)) : nil }
        // (`salesvault --lang` alone: "Unknown option '--lang'".)
        if arguments == ["--lang"] {
            Terminal.stderr(Language.current == .zh ? "salesvault: 用法错误：--lang 后面缺少语言\n提示：--lang 可用 zh（中文）或 en（英文）\n"
                                                    : "salesvault: usage error: --lang needs a language\nhint: --lang takes zh (Chinese) or en (English)\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        if let given = leading, Language(argument: given) == nil {
            Terminal.stderr(Language.current == .zh
                ? "salesvault: 用法错误：不支持语言“\(ErrorReport.oneLine(given))”\n提示：--lang 可用 zh（中文）或 en（英文）\n"
                : "salesvault: usage error: the language '\(ErrorReport.oneLine(given))' is not supported\nhint: --lang takes zh (Chinese) or en (English)\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        if arguments.count >= 2, arguments[0] == "--lang" {
            if let lang = Language(argument: arguments[1]) { Language.current = lang }
            arguments.removeFirst(2)
        } else if let first = arguments.first, first.hasPrefix("--lang="), let lang = Language(argument: String(first.dropFirst(7))) {
            Language.current = lang
            arguments.removeFirst()
        }
        // `--lang` anywhere on the line, read before parsing: help and usage errors follow it too.
        if let i = arguments.firstIndex(of: "--lang"), i + 1 < arguments.count, let lang = Language(argument: arguments[i + 1]) {
            Language.current = lang
        } else if let item = arguments.first(where: { $0.hasPrefix("--lang=") }), let lang = Language(argument: String(item.dropFirst(7))) {
            Language.current = lang
        }
        if let problem = Clock.testClockProblem(ProcessInfo.processInfo.environment) {
            Terminal.stderr((Language.current == .zh ? "错误：" : "error: ") + problem + "\n")
            Foundation.exit(ExitStatus.usage.rawValue)
        }
        // An argument that is not UTF-8 (a file name in another encoding, GBK say): Swift read it
        // with U+FFFD for its bytes, and another file was written, or said not found (helper-154).
        if let (k, shown) = Self.undecodableArgument() {
            Terminal.stderr(Language.current == .zh
                ? "salesvault: 用法错误：第 \(k) 个参数“\(shown)”不是有效的 UTF-8 文本（多半是用 GBK 等其他编码保存的文件名）。SalesVault 只能处理 UTF-8 编码的名称：请先在文件管理器中把该文件或文件夹改为能正常显示的名称，再重新运行；也可以在它所在的文件夹中运行 convmv -f gbk -t utf-8 --notest 文件名，把名称转换为 UTF-8\n"
                : "salesvault: usage error: argument \(k), \(shown), is not valid UTF-8 (likely a file name in another encoding, such as GBK). SalesVault handles UTF-8 names only: rename the file or folder in the file manager so that it displays properly, then run the command again; or, in its folder, run convmv -f gbk -t utf-8 --notest NAME to turn the name into UTF-8\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        arguments = UnknownCommand.movingLanguage(arguments, root: Self.self)
        // `--industry=` is an empty value (which clears), not "take the next word": the parser
        // took `--force` after it as the industry and saved it (helper-139).
        arguments = UnknownCommand.emptyAttachedValues(arguments)
        // `salesvault help custmer`, `help complaint visit`: a word that names no command said as
        // one, as `salesvault custmer` says it (the parser printed the nearest command's help and
        // exited 0); `--lang` after them is read above, not an option of help's (it was refused).
        if arguments.first == "help" {
            var words: [String] = []
            var i = 1
            while i < arguments.count {
                if arguments[i] == "--lang", i + 1 < arguments.count { i += 2; continue }
                if !arguments[i].hasPrefix("--lang=") { words.append(arguments[i]) }
                i += 1
            }
            if let problem = UnknownCommand.problem(Array(words.prefix { !$0.hasPrefix("-") }), root: Self.self, help: true) {
                Terminal.stderr((Language.current == .zh ? problem : HelpZH.usageErrorEN(problem)) + "\n")
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
            arguments = ["help"] + words
        }
        // `salesvault customer bogus`: an unknown command, said as one (the parser named an option).
        if let problem = UnknownCommand.problem(arguments, root: Self.self) {
            Terminal.stderr((Language.current == .zh ? problem : HelpZH.usageErrorEN(problem)) + "\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        let zh = Language.current == .zh
        // `salesvault --version extra` printed the version and exited 0, the extra word unsaid.
        if arguments.first == "--version", arguments.count > 1 {
            Terminal.stderr(zh ? "salesvault: 用法错误：--version 后面不能再跟其他内容（多了“\(ErrorReport.oneLine(arguments[1]))”）\n提示：查看版本只需输入 salesvault --version\n"
                               : "salesvault: usage error: --version takes nothing after it (got '\(ErrorReport.oneLine(arguments[1]))')\nhint: run salesvault --version alone\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        // `log add 华为 call "-h对方"`: a text read as an option (it printed the help, exit 0).
        if let problem = UnknownCommand.missingValue(arguments, root: Self.self) ?? UnknownCommand.dashText(arguments, root: Self.self) {
            Terminal.stderr((zh ? HelpZH.usageError(problem) : HelpZH.usageErrorEN(problem)) + "\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        // swift-argument-parser has no localisation: help and usage errors in Chinese (HelpZH).
        if zh, let words = HelpZH.helpRequest(arguments) {
            print(HelpZH.help(for: words))
            Foundation.exit(0)
        }
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            guard exitCode(for: error) == .validationFailure else { Self.exit(withError: error) }
            // An option the command does not have, said before its own rules' complaint.
            let message = UnknownCommand.unknownOption(arguments, root: Self.self) ?? fullMessage(for: error)
            Terminal.stderr((zh ? HelpZH.usageError(message) : HelpZH.usageErrorEN(message)) + "\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        YearlessDates.note(arguments, now: Clock.now)
        ArchiveContext.noteUnknownTZ()
        do {
            try command.run()
        } catch let exit as ExitCode {
            Self.exit(withError: exit)
        } catch {
            guard exitCode(for: error) == .validationFailure else { Self.exit(withError: error) }
            Terminal.stderr((zh ? HelpZH.usageError(fullMessage(for: error)) : HelpZH.usageErrorEN(fullMessage(for: error))) + "\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
    }
}

/// The shape of every subcommand: apply the language, run, turn errors into messages and codes.
protocol VaultCommand: ParsableCommand {
    var global: GlobalOptions { get }
    func execute() throws
}

extension VaultCommand {
    func run() throws {
        global.apply()
        do {
            try execute()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw ErrorReport.exitCode(for: error)
        }
    }
}
