import ArgumentParser
import Department
import Foundation
import VaultFormat

/// `salesvault unlock ARCHIVE [--for 8h] [--idle 15m]` (Docs/AGENT.md §1, §6).
struct Unlock: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Unlock an archive for a while: later commands on it need no password.",
        discussion: """
            Asks for the password once, shows the usual reminders, and hands the unlocked
            archive to your session agent (a background process of yours that keeps it in
            locked memory). Until you run `salesvault lock`, or the archive is idle for
            --idle, or --for has passed, customer, contact, log, project, complaint,
            history, search, stale, undo, import, export and report commands on it run
            without the password, from any of your terminals. passwd, rekey, compromised
            and escrow always ask for the password again. In a department, its policy sets
            the defaults and the longest you may choose (salesvault dept show).

            EXAMPLES
              salesvault unlock zhangwei.svault              # the morning: until 8 hours from now
              salesvault unlock zhangwei.svault --for 2h --idle 30m
              salesvault lock                                 # the evening (or: lock --all)
            """)

    @Argument(help: ArgumentHelp("The archive file (default: $SALESVAULT_ARCHIVE).", valueName: "file"))
    var archive: String?

    @Option(name: .customLong("for"), parsing: .unconditional, help: ArgumentHelp("Forget it after this long, however it is used: 30m, 2h, 1h30m (default 8h, at most 24h; in a department, its policy's limit).", valueName: "duration"))
    var duration: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Forget it after this long without a command (default 15m, at least 1m; in a department, its policy's limit).", valueName: "duration"))
    var idle: String?

    @OptionGroup var password: PasswordOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let duration, AgentDuration.seconds(duration).map({ (60...86_400).contains($0) }) != true {
            throw ValidationError("--for takes a duration from 1m to 24h, such as 30m, 2h or 1h30m")
        }
        if let idle, AgentDuration.seconds(idle).map({ $0 >= 60 }) != true {
            throw ValidationError("--idle takes a duration of at least 1m, such as 15m")
        }
    }

    /// The limits of this unlock (Docs/AGENT.md §6): the department's policy (or the defaults)
    /// as defaults and ceilings.
    private func limits(_ path: String, header: ArchiveHeader) throws -> (absolute: Int64, idle: Int64) {
        let allowed = SessionLimits.forArchive(path, header: header, departmentOverride: OwnerUnlock.departmentOverride)
        return try allowed.resolve(absolute: duration.flatMap(AgentDuration.seconds), idle: idle.flatMap(AgentDuration.seconds))
    }

    func execute() throws {
        guard let given = archive ?? ProcessInfo.processInfo.environment["SALESVAULT_ARCHIVE"] else {
            throw CLIError(.usage, L("which archive? none was given", "未指定档案文件"),
                           hint: L("salesvault unlock FILE, or set SALESVAULT_ARCHIVE", "请运行 salesvault unlock 档案文件，或设置环境变量 SALESVAULT_ARCHIVE"))
        }
        // Refused before the password is asked when the department allows less (the header's
        // pin is read unauthenticated here; checked again below once the archive is open).
        if let header = try? ArchiveInspection.inspect(path: given).header { _ = try limits(given, header: header) }
        // One KDF and the unlock review (reminders, a forced change after an escrow reset), here,
        // once per agent unlock (§7). The keys go to the agent; this process's copies are wiped
        // when `vault` is released.
        // The archive is closed (its lock released) before the agent is asked, so that a command
        // the agent is running on it meanwhile is not kept waiting for this process.
        let (path, keys, absolute, idleSeconds) = try { () throws -> (String, Vault.KeptKeys, Int64, Int64) in
            let vault = try password.unlock(given, access: .readWrite)
            guard let keys = vault.keptKeys else { throw CLIError(.failure, L("this archive was not opened with its password", "该档案不是用密码打开的")) }
            let chosen = try limits(given, header: vault.header)
            return (vault.path, keys, chosen.absolute, chosen.idle)
        }()
        let times = try AgentClient.unlock(path, keys: keys, absolute: absolute, idle: idleSeconds)
        let until = AgentTime.text(times.until)
        Terminal.print(L("Unlocked \(Terminal.cell(given)) until \(until): no password needed until then (locked after \(AgentDuration.text(idleSeconds, .en)) without use). When you are done: salesvault lock",
                         "档案 \(Terminal.cell(given)) 已解锁，至 \(until) 前无需再输入密码（闲置 \(AgentDuration.text(idleSeconds, .zh))后自动锁定）。用完请运行：salesvault lock"))
    }
}

/// `salesvault lock [ARCHIVE] [--all]`.
struct Lock: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lock an unlocked archive now: the agent wipes its keys.",
        discussion: """
            Without ARCHIVE: the archive in $SALESVAULT_ARCHIVE. With --all: every archive
            the agent holds; the agent then exits.

            EXAMPLES
              salesvault lock zhangwei.svault
              salesvault lock --all
            """)

    @Argument(help: ArgumentHelp("The archive file (default: $SALESVAULT_ARCHIVE).", valueName: "file"))
    var archive: String?

    @Flag(help: "Lock every unlocked archive.")
    var all = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if all && archive != nil { throw ValidationError("give an archive or --all, not both") }
    }

    func execute() throws {
        var request: [String: Any] = ["op": "lock"]
        var name = ""
        if all {
            request["all"] = true
        } else {
            guard let given = archive ?? ProcessInfo.processInfo.environment["SALESVAULT_ARCHIVE"] else {
                throw CLIError(.usage, L("which archive? none was given", "未指定档案文件"),
                               hint: L("salesvault lock FILE, or salesvault lock --all", "请运行 salesvault lock 档案文件，或 salesvault lock --all"))
            }
            name = given
            request["archive"] = Vault.canonicalPath(given)
        }
        guard let reply = try AgentClient.exchange(request) else {
            Terminal.print(L("Nothing is unlocked.", "当前没有已解锁的档案。"))
            return
        }
        guard reply["ok"] as? Bool == true, let forgot = (reply["forgot"] as? NSNumber)?.intValue else { throw AgentClient.refusal(reply) }
        if all {
            Terminal.print(L("Locked \(Format.counted(forgot, "archive")); the agent has wiped the keys and stopped.", "已锁定 \(forgot) 个档案；会话代理已清除密钥并退出。"))
        } else if forgot > 0 {
            Terminal.print(L("Locked \(Terminal.cell(name)): the next command asks for the password again.", "已锁定 \(Terminal.cell(name))：之后的命令需要重新输入密码。"))
        } else {
            Terminal.print(L("\(Terminal.cell(name)) was not unlocked.", "\(Terminal.cell(name)) 未处于解锁状态。"))
        }
    }
}

/// `salesvault agent [--json]`: what the agent holds; `--serve` is the agent itself (hidden).
struct AgentCommand: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Show which archives are unlocked, and until when.",
        discussion: """
            The agent is started by `salesvault unlock` and stops when nothing is unlocked
            (Docs/AGENT.md).

            EXAMPLES
              salesvault agent
              salesvault agent --json
            """)

    @Flag(help: "Print the agent's status as JSON (Docs/AGENT.md §4.4).")
    var json = false

    @Flag(help: .hidden)
    var serve = false

    @OptionGroup var global: GlobalOptions

    func execute() throws {
        if serve { AgentServer.run() }
        guard let reply = try AgentClient.status() else {
            if json { print("{\"running\":false}") } else { Terminal.print(L("No agent is running: nothing is unlocked.", "会话代理未运行：没有已解锁的档案。")) }
            return
        }
        if json {
            var object = reply
            object["running"] = true
            object.removeValue(forKey: "ok")
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let list = reply["archives"] as? [[String: Any]] ?? []
        let pid = (reply["pid"] as? NSNumber)?.intValue ?? 0
        Terminal.print(L("Agent (process \(pid)): \(Format.counted(list.count, "archive")) unlocked.", "会话代理（进程 \(pid)）：已解锁 \(list.count) 个档案。"))
        for e in list {
            let path = e["archive"] as? String ?? "?"
            let until = AgentTime.text((e["until"] as? NSNumber)?.int64Value ?? 0)
            let idle = AgentTime.text((e["idleUntil"] as? NSNumber)?.int64Value ?? 0)
            let uses = (e["uses"] as? NSNumber)?.intValue ?? 0
            if let managers = (e["escrow"] as? [String: Any])?["managers"] as? [String] {
                let names = managers.joined(separator: Language.current == .zh ? "、" : ", ")
                Terminal.print(L("  \(path)  escrow access by \(names) (read-only) until \(idle); \(Format.counted(uses, "command")), each recorded in the archive",
                                 "  \(path)  \(names) 的托管访问（只读），至 \(idle)；已执行 \(uses) 条命令，每次均记入档案"))
                continue
            }
            Terminal.print(L("  \(path)  until \(until); locks at \(idle) if unused; \(Format.counted(uses, "command"))",
                             "  \(path)  有效至 \(until)；如无操作，将于 \(idle) 自动锁定；已执行 \(uses) 条命令"))
        }
    }
}

/// Durations on the command line: `90s`, `30m`, `2h`, `1h30m`; a bare number is minutes.
enum AgentDuration {
    static func seconds(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty, t.utf8.count <= 16 else { return nil }
        if let minutes = Int64(t) { return minutes <= 100_000 ? minutes * 60 : nil }
        var total: Int64 = 0
        var number: Int64?
        for ch in t {
            if let d = ch.wholeNumberValue, ch.isASCII {
                number = (number ?? 0) * 10 + Int64(d)
                if number! > 100_000 { return nil }
            } else {
                guard let n = number else { return nil }
                switch ch {
                case "h": total += n * 3600
                case "m": total += n * 60
                case "s": total += n
                default: return nil
                }
                number = nil
            }
        }
        return number == nil ? total : nil
    }

    static func text(_ seconds: Int64, _ language: Language) -> String {
        let h = seconds / 3600, m = (seconds % 3600) / 60
        switch language {
        case .zh: return h > 0 ? (m > 0 ? "\(h) 小时 \(m) 分钟" : "\(h) 小时") : "\(max(m, 1)) 分钟"
        case .en: return h > 0 ? (m > 0 ? "\(h) h \(m) min" : "\(h) h") : "\(max(m, 1)) min"
        }
    }
}

/// Times the agent gives, for people: HH:MM today, with the date otherwise.
enum AgentTime {
    static func text(_ seconds: Int64) -> String {
        let full = Format.date(seconds)
        return full.prefix(10) == Format.date(Clock.now).prefix(10) ? String(full.suffix(5)) : full
    }
}
