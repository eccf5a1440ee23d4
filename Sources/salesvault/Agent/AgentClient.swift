import CAgentShim
import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

#if canImport(Glibc)
import Glibc
#endif

/// The client side of the agent (Docs/AGENT.md §4): hands a command to the agent, unlocks, locks,
/// asks for the status. Every connection checks that the agent runs as the same user.
enum AgentClient {
    /// Connects to the running agent; nil when there is none (no directory, no socket, or a
    /// killed agent's socket).
    static func connect() throws -> Int32? {
        guard let dir = try AgentPaths.directory(create: false) else { return nil }
        let path = try AgentPaths.socketPath(in: dir)
        let fd: Int32?
        do { fd = try AgentSocket.connect(path) } catch { throw failure(error) }
        guard let fd else { return nil }
        guard let peer = try? AgentSocket.peer(fd), peer.uid == getuid() else {
            close(fd)
            throw CLIError(.failure, L("the agent's socket \(path) is served by another user; nothing was sent", "会话代理的通信文件 \(path) 被其他用户占用；为安全起见，未发送任何内容"),
                           hint: L("remove the directory \(dir) and run salesvault unlock again", "请删除目录 \(dir) 后重新运行 salesvault unlock"))
        }
        return fd
    }

    /// One request and its reply.
    static func exchange(_ request: [String: Any], fds: [Int32] = [], secret: Vault.KeptKeys? = nil, dataKey: SymmetricKey? = nil, timeout: Bool = true) throws -> [String: Any]? {
        guard let fd = try connect() else { return nil }
        defer { close(fd) }
        if timeout { AgentSocket.setTimeouts(fd, seconds: AgentSocket.ioTimeoutSeconds) }
        do {
            var message = request
            message["v"] = 1
            message["now"] = Clock.now
            try AgentSocket.send(fd, message, fds: fds)
            if let secret {
                try secret.kek.withUnsafeBytes { try AgentSocket.sendRaw(fd, $0) }
                try secret.dek.withUnsafeBytes { try AgentSocket.sendRaw(fd, $0) }
            }
            if let dataKey { try dataKey.withUnsafeBytes { try AgentSocket.sendRaw(fd, $0) } }
            return try AgentSocket.receive(fd).object
        } catch {
            throw failure(error)
        }
    }

    private static func failure(_ error: Error) -> CLIError {
        let reason = (error as? AgentSocket.Failure)?.reason ?? "\(error)"
        return CLIError(.failure, L("the session agent did not answer (\(reason))", "会话代理没有响应（\(reason)）"),
                        hint: L("run salesvault lock --all, or give the password (--password-file) to work without the agent",
                                "请运行 salesvault lock --all；或提供密码（--password-file），不经会话代理直接操作"))
    }

    static func refusal(_ reply: [String: Any]) -> CLIError {
        if reply["error"] as? String == "busy" {
            return CLIError(.failure, L("the session agent is waiting for an answer to a question in another terminal",
                                        "另一个终端窗口中有提问尚未回答，会话代理正在等待"),
                            hint: L("answer it there (or press Ctrl-C there), then run this again; or give the password (--password-file)",
                                    "请先在那个窗口里回答（或按 Ctrl-C 取消），再重新运行本命令；也可以直接提供密码（--password-file）"))
        }
        let message = reply["message"] as? String ?? reply["error"] as? String ?? "?"
        return CLIError(.failure, L("the session agent refused the request: \(message)", "会话代理拒绝了请求：\(message)"),
                        hint: L("give the password (--password-file), or run salesvault lock --all and unlock again",
                                "请提供密码（--password-file），或运行 salesvault lock --all 后重新解锁"))
    }

    // MARK: Commands through the agent (§4.2)

    /// Runs the current command line in the agent when it holds the archive: the exit status,
    /// or nil when the command must unlock the archive itself (a password source was given, no
    /// agent, or the agent does not hold the archive).
    static func forward(_ options: ArchiveOptions) throws -> Int32? {
        guard AgentServing.request == nil,  // inside the agent: never forward
              options.password.passwordFile == nil, options.password.passwordFd == nil,
              let given = options.archive ?? ProcessInfo.processInfo.environment["SALESVAULT_ARCHIVE"],
              FileManager.default.fileExists(atPath: given) else { return nil }
        return try run(given, escrow: false)
    }

    /// Runs `escrow open ARCHIVE --manager NAME -- COMMAND` in the agent with the manager's kept
    /// escrow access (§10): the exit status, or nil when the agent keeps none for the archive.
    static func forwardEscrow(_ given: String) throws -> Int32? {
        guard AgentServing.request == nil, FileManager.default.fileExists(atPath: given) else { return nil }
        return try run(given, escrow: true)
    }

    /// Runs one line of `shell ARCHIVE` in the agent (the shell's words, the archive passed as
    /// `SALESVAULT_ARCHIVE`): the exit status, or nil when the agent no longer holds it.
    static func forwardShellLine(_ given: String, words: [String]) throws -> Int32? {
        guard AgentServing.request == nil, FileManager.default.fileExists(atPath: given) else { return nil }
        return try run(given, escrow: false, words: words)
    }

    private static func run(_ given: String, escrow: Bool, words: [String]? = nil) throws -> Int32? {
        let archive = Vault.canonicalPath(given)
        let cwd = sv_open_current_directory()
        guard cwd >= 0 else { return nil }
        defer { close(cwd) }
        var environment: [String: String] = [:]
        let env = ProcessInfo.processInfo.environment
        for key in AgentServer.forwardedEnvironment { if let value = env[key] { environment[key] = value } }
        fflush(nil)
        if words != nil { environment["SALESVAULT_ARCHIVE"] = archive }
        var request: [String: Any] = ["op": "run", "archive": archive, "words": words ?? commandWords, "lang": Language.current.rawValue, "env": environment]
        if escrow { request["escrow"] = true }
        do {
            _ = try AgentPaths.directory(create: false)
        } catch let e as CLIError {
            // A socket directory that is not the user's own (§3) is never used; the password works as before.
            Terminal.stderr(Terminal.yellow(L("warning: \(e.message.en); the agent is not used", "警告：\(e.message.zh)；本次不通过会话代理，改为输入密码").text) + "\n")
            return nil
        }
        // No timeout on the reply: the command may wait for the user (an import confirmation).
        let answer: [String: Any]?
        do {
            answer = try exchange(request, fds: [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO, cwd], timeout: false)
        } catch {
            // The agent stopped during the command: it may have saved a change before.
            throw CLIError(.failure, L("the session agent stopped while running the command; it may have been saved or not",
                                       "会话代理在执行命令时意外停止，本次修改可能已保存，也可能未保存"),
                           hint: L("check with salesvault history (or list) before running it again; the next command asks for the password",
                                   "请先用 salesvault history（或相应的 list 命令）查看，确认后再决定是否重做；之后的命令会要求输入密码"))
        }
        guard let reply = answer else { return nil }
        if reply["ok"] as? Bool == true, let status = (reply["status"] as? NSNumber)?.int32Value { return status }
        switch reply["error"] as? String {
        case "notHeld":
            return nil
        case "forgotten" where escrow:
            Terminal.stderr(Terminal.yellow(L("The data key or the escrow of \(given) was changed since your access was kept: the agent has forgotten it.",
                                              "保留托管访问后，\(given) 的数据密钥或托管设置已变更，会话代理已清除该访问。").text) + "\n")
            return nil
        case "forgotten":
            Terminal.stderr(Terminal.yellow(L("The password or the data key of \(given) was changed since it was unlocked: the agent has forgotten it.",
                                              "\(given) 解锁后密码或数据密钥已更改，会话代理已清除该档案的密钥。").text) + "\n")
            return nil
        default:
            throw refusal(reply)
        }
    }

    /// The command line after `salesvault`, without a leading `--lang` (SalesVault.main).
    static var commandWords: [String] {
        var words = Array(CommandLine.arguments.dropFirst())
        if words.count >= 2, words[0] == "--lang" { words.removeFirst(2) } else if words.first?.hasPrefix("--lang=") == true { words.removeFirst() }
        return words
    }

    // MARK: Unlock, lock, status (§4.3, §4.4)

    /// Hands the keys of an archive just unlocked with its password to the agent, starting it
    /// if needed. Returns (until, idleUntil) on the agent's clock.
    static func unlock(_ archive: String, keys: Vault.KeptKeys, absolute: Int64, idle: Int64) throws -> (until: Int64, idleUntil: Int64) {
        try ensureRunning()
        let request: [String: Any] = ["op": "unlock", "archive": archive, "absolute": absolute, "idle": idle]
        guard let reply = try exchange(request, secret: keys) else {
            throw CLIError(.failure, L("the session agent stopped before it took the archive", "会话代理在接管档案前意外停止，档案未能解锁"),
                           hint: L("run salesvault unlock again", "请重新运行 salesvault unlock"))
        }
        guard reply["ok"] as? Bool == true, let until = (reply["until"] as? NSNumber)?.int64Value,
              let idleUntil = (reply["idleUntil"] as? NSNumber)?.int64Value else { throw refusal(reply) }
        return (until, idleUntil)
    }

    /// Hands a manager's escrow access just opened (one holder) to the agent for `keep` seconds
    /// (§10), starting it if needed. Returns the time it is kept until, on the agent's clock.
    static func keepEscrow(_ archive: String, dataKey: SymmetricKey, holder: EscrowSlot.Holder, signer: Curve25519.Signing.PrivateKey, keep: Int64) throws -> Int64 {
        try ensureRunning()
        let request: [String: Any] = ["op": "keepEscrow", "archive": archive, "keep": keep,
                                      "holders": [["name": holder.name, "recipient": AgeKeys.recipientString(holder.recipient)]]]
        // The audit-log signing seed first, then the data key: the cell's two halves.
        guard let reply = try exchange(request, secret: Vault.KeptKeys(kek: SymmetricKey(secureBytes: signer.rawRepresentation), dek: dataKey)) else {
            throw CLIError(.failure, L("the session agent stopped before it took the escrow access", "会话代理在接管托管访问前意外停止，该访问未能保留"))
        }
        guard reply["ok"] as? Bool == true, let until = (reply["until"] as? NSNumber)?.int64Value else { throw refusal(reply) }
        return until
    }

    /// The agent's status, or nil without an agent.
    static func status() throws -> [String: Any]? {
        try exchange(["op": "status"])
    }

    /// The times an archive is unlocked until, if the agent holds it (for `status`); never fails.
    static func held(_ path: String) -> (until: Int64, idleUntil: Int64)? {
        guard let reply = try? status(), let list = reply["archives"] as? [[String: Any]] else { return nil }
        let archive = Vault.canonicalPath(path)
        guard let e = list.first(where: { $0["archive"] as? String == archive && $0["escrow"] == nil }),
              let until = (e["until"] as? NSNumber)?.int64Value, let idle = (e["idleUntil"] as? NSNumber)?.int64Value else { return nil }
        return (until, idle)
    }

    /// Starts the agent unless one answers (§2): the same executable, `agent --serve`, in a
    /// new session, on /dev/null, no other descriptor, a minimal environment.
    static func ensureRunning() throws {
        if let fd = try connect() { close(fd); return }
        var exe = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &exe, exe.count - 1)
        guard n > 0 else { throw CLIError(.failure, L("cannot find the salesvault executable to start the agent", "找不到 salesvault 程序，无法启动会话代理")) }
        let path = String(decoding: exe[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let env = ProcessInfo.processInfo.environment
        var environment: [String] = []
        for key in ["XDG_RUNTIME_DIR", "TZ", "LANG", "SALESVAULT_NOW", "SALESVAULT_TESTING"] { if let value = env[key] { environment.append("\(key)=\(value)") } }

        let words: [String] = ["salesvault", "agent", "--serve"]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid = pid_t()
        let rc = sv_spawn_detached(path, argv, envp, &pid)
        guard rc == 0 else {
            throw CLIError(.failure, L("the session agent could not be started (\(String(cString: strerror(rc))))", "会话代理无法启动（\(SystemCause(rc).chinese)）"))
        }
        // Ready once it listens (at most 5 s).
        for _ in 0..<250 {
            if let fd = try? connect() { close(fd); return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { break }  // it exited: another agent won, or it failed
            usleep(20_000)
        }
        if let fd = try connect() { close(fd); return }
        throw CLIError(.failure, L("the session agent did not start (its key memory could not be locked, or its directory is refused)",
                                   "会话代理未能启动（系统不允许锁定存放密钥的内存，或其目录未通过安全检查）"),
                       hint: L("work with the password as before; `ulimit -l` shows how much memory may be locked", "请照常输入密码使用；可用 ulimit -l 查看可锁定的内存上限"))
    }
}
