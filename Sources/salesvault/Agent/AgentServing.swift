import CAgentShim
import Department
import Foundation
import Interchange
import VaultCrypto
import VaultFormat

#if canImport(Glibc)
import Glibc
#endif

/// What the archive commands see of the agent while it runs one of them for a client
/// (Docs/AGENT.md §4.2): the archive it may open and the kept keys to open it with, the client's
/// words (for the change's label) and its terminal. Nil outside the agent.
enum AgentServing {
    struct Request {
        /// The canonical path of the archive the client asked for.
        let archive: String
        let keys: Keys
        let words: [String]
    }

    /// The owner's kept keys, or a manager's kept escrow access (§10).
    enum Keys {
        case owner(Vault.KeptKeys)
        case escrow(dataKey: SymmetricKey, holders: [EscrowSlot.Holder], signers: [Curve25519.Signing.PrivateKey])
    }

    static var request: Request? {
        get { state.withLock { $0.request } }
        set { state.withLock { $0.request = newValue } }
    }

    /// The terminal prompts go to: the client's, while the agent runs its command.
    static var terminalPath: String {
        state.withLock { $0.terminalPath } ?? "/dev/tty"
    }
    static func setTerminal(_ path: String?) { state.withLock { $0.terminalPath = path } }

    /// Opens `path` with the request's kept keys; only the archive the client named.
    static func open(_ request: Request, path: String, access: Vault.Access) throws -> Vault {
        guard Vault.canonicalPath(path) == request.archive else {
            throw CLIError(.failure, L("the agent was asked about \(request.archive), not \(path)", "会话代理收到的请求针对 \(request.archive)，而不是 \(path)"),
                           hint: L("name one archive per command", "每条命令只指定一个档案"))
        }
        guard case .owner(let keys) = request.keys else {
            throw CLIError(.failure, L("kept escrow access runs only through salesvault escrow open", "保留的托管访问只能通过 salesvault escrow open 使用"))
        }
        do {
            let vault = try Vault.open(path: path, keptKeys: keys, access: access)
            OwnerUnlock.forgetBackupWarning()  // once per served command, not once per agent
            OwnerUnlock.warnIfAltered(vault, path: path)
            try OwnerUnlock.refuseIfStripped(vault, path: path)
            return vault
        } catch let e as VaultError where e.code == .wrongPassword {
            // Changed between the agent's check and this open (§4.2): forgotten after the command.
            state.withLock { $0.rejected = true }
            throw CLIError(.wrongKey, L("the password or the data key of \(path) was changed since it was unlocked; the agent has forgotten it",
                                        "\(path) 解锁后密码或数据密钥已更改；会话代理已清除该档案的密钥"),
                           hint: L("run the command again and enter the password, or run: salesvault unlock \(path)",
                                   "请重新运行该命令并输入密码，或运行：salesvault unlock \(path)"))
        }
    }

    /// While the agent runs a client's command: the client's connection (readable only once the
    /// client is gone: it sends nothing during a command) and what serves other clients while a
    /// prompt waits (`lock` and `status`; AGENT.md §4.2).
    static func setClient(_ fd: Int32?, serveOthers: (() -> Void)?, listening: Int32?) {
        state.withLock {
            $0.clientFD = fd
            $0.serveOthers = serveOthers
            $0.listenFD = listening
        }
    }

    /// Waits until `fd` (the terminal a prompt reads) has input; false when the client went away
    /// first (Ctrl-C, a closed terminal): the prompt then ends as if its input had closed, so
    /// nothing typed later in the user's shell reaches the agent. Outside the agent: true at once.
    static func waitForInput(_ fd: Int32) -> Bool {
        let (client, serve, listening) = state.withLock { ($0.clientFD, $0.serveOthers, $0.listenFD) }
        guard let client else { return true }
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: client, events: Int16(POLLIN) | Int16(sv_pollrdhup()), revents: 0),
                   pollfd(fd: listening ?? -1, events: Int16(POLLIN), revents: 0)]
        while true {
            for i in fds.indices { fds[i].revents = 0 }
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { return true }  // let the read report it
            if fds[1].revents != 0 { return false }
            if fds[2].revents != 0 { serve?() }
            if fds[0].revents != 0 { return true }
        }
    }

    /// Opens `path` with the request's kept escrow access and records the use (§10); nil when the
    /// request is the owner's.
    static func openThroughKeptEscrow(_ request: Request, path: String, action: String, memoryTimes: Int = 3) throws -> EscrowAccess.Opened? {
        guard case .escrow(let dataKey, let holders, let signers) = request.keys else { return nil }
        guard Vault.canonicalPath(path) == request.archive else {
            throw CLIError(.failure, L("the agent was asked about \(request.archive), not \(path)", "会话代理收到的请求针对 \(request.archive)，而不是 \(path)"))
        }
        do {
            return try EscrowAccess.reopen(path, dataKey: dataKey, holders: holders, signers: signers, action: action, now: Clock.now,
                                           departmentOverride: OwnerUnlock.departmentOverride, admit: { try MemoryBudget.check(opening: $0, times: memoryTimes) })
        } catch let e as VaultError where e.code == .wrongPassword || e.code == .headerAuthenticationFailed {
            state.withLock { $0.rejected = true }
            throw CLIError(.wrongKey, L("the kept escrow access no longer opens \(path) (its data key was renewed or the escrow changed); the agent has forgotten it",
                                        "保留的托管访问已无法打开 \(path)（数据密钥已更换或托管设置已变更）；会话代理已清除该访问"),
                           hint: L("open it again with your key: salesvault escrow open \(path) --identity KEY", "请重新用您的密钥打开：salesvault escrow open \(path) --identity 密钥文件"))
        }
    }

    /// True once if the kept keys were refused during the last command.
    static func takeRejection() -> Bool {
        state.withLock { s in defer { s.rejected = false }; return s.rejected }
    }

    private struct State {
        var request: Request?
        var terminalPath: String?
        var rejected = false
        var clientFD: Int32?
        /// Runs on the agent's one thread only (set and called there; `state` only carries it).
        var serveOthers: (() -> Void)?
        var listenFD: Int32?
    }
    private static let state = Locked(State())
}

/// A value behind a lock (the CLI's statics are checked by Swift 6 concurrency).
final class Locked<Value>: @unchecked Sendable {  // every access goes through `lock`
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
