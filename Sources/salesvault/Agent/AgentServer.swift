import ArgumentParser
import CAgentShim
import Department
import Foundation
import VaultCrypto
import VaultFormat

#if canImport(Glibc)
import Glibc
#endif

/// The agent process (Docs/AGENT.md §2–§6): one connection at a time, one request per connection.
final class AgentServer {
    struct Entry {
        let archive: String
        let cell: Int
        let unlockedAtWall: Int64
        let unlockedAtMono: Int64
        let absolute: Int64
        let idle: Int64
        var lastUseMono: Int64
        var uses: Int
        /// Set for a manager's kept escrow access (§10): who opened it. The cell then holds 32 zero
        /// bytes and the data key.
        var escrow: [EscrowSlot.Holder]? = nil

        /// The owner's unlock and a manager's kept escrow access of one archive are two entries.
        var key: String { AgentServer.key(archive, escrow: escrow != nil) }
    }

    static func key(_ archive: String, escrow: Bool) -> String { escrow ? "escrow:" + archive : archive }

    /// Exit when nothing was unlocked this long after start (§2).
    static let startGraceSeconds: Int64 = 60
    /// A test-clock agent also leaves after this many real seconds without a request.
    static let testInactivitySeconds: Int64 = 600
    /// Environment values a `run` request may carry (§4.2).
    static let forwardedEnvironment = ["SALESVAULT_NOW", "SALESVAULT_TESTING", "SALESVAULT_DEPARTMENT", "SALESVAULT_ARCHIVE", "NO_COLOR", "TZ"]
    static let maxWords = 256

    private let store: KeyStore
    private let clock: AgentClock
    private let listenFD: Int32
    private let socketPath: String
    private var entries: [String: Entry] = [:]
    private var served = 0
    private var refusedPeers = 0
    private var everHeld = false
    private let startedMono: Int64
    /// The socket file this agent listens on (device, inode): when it is removed or replaced
    /// (a cleaner of /tmp, the end of the login session), no client can reach the agent any
    /// more, so it forgets everything and exits (§3).
    private let socketIdentity: (dev_t, ino_t)?
    private var lastRequestReal = AgentClock.realMonotonic
    private let baseLanguage = Language.fromEnvironment()

    /// Sets the process up (§2), takes the directory's lock, binds, and serves until it holds
    /// nothing. Never returns.
    static func run() -> Never {
        _ = sv_set_not_dumpable()
        umask(0o077)
        _ = chdir("/")
        sv_line_buffer_stdout()  // the client's prompts follow what was printed before
        do {
            let store = try KeyStore()
            guard let dir = try AgentPaths.directory(create: true) else { exit(1) }
            let path = try AgentPaths.socketPath(in: dir)
            // One agent per directory: the one holding the lock. A killed agent's lock is gone
            // with it, so its socket is stale and is removed here.
            let dirFD = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard dirFD >= 0, flock(dirFD, LOCK_EX | LOCK_NB) == 0 else { exit(0) }
            unlink(path)
            let fd = try AgentSocket.listen(path)
            AgentSignals.install(socketPath: path)
            let server = AgentServer(store: store, clock: AgentClock(environment: ProcessInfo.processInfo.environment), listenFD: fd, socketPath: path)
            server.loop()
        } catch {
            exit(1)
        }
    }

    private init(store: KeyStore, clock: AgentClock, listenFD: Int32, socketPath: String) {
        self.store = store
        self.clock = clock
        self.listenFD = listenFD
        self.socketPath = socketPath
        startedMono = AgentClock.realMonotonic
        var st = stat()
        socketIdentity = lstat(socketPath, &st) == 0 ? (st.st_dev, st.st_ino) : nil
    }

    private func loop() -> Never {
        while true {
            expire()
            let idleReal = AgentClock.realMonotonic - (everHeld ? lastRequestReal : startedMono)
            if entries.isEmpty && (everHeld || idleReal >= Self.startGraceSeconds) { shutdown() }
            if clock.isTest && idleReal >= Self.testInactivitySeconds { shutdown() }
            if !socketStillOurs() { shutdown(removingSocket: false) }
            var pfd = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, nextWakeMilliseconds())
            guard ready > 0 else { continue }
            let conn = sv_accept(listenFD)
            guard conn >= 0 else { continue }
            lastRequestReal = AgentClock.realMonotonic
            handle(conn)
            close(conn)
        }
    }

    private func socketStillOurs() -> Bool {
        guard let (dev, ino) = socketIdentity else { return true }
        var st = stat()
        return lstat(socketPath, &st) == 0 && st.st_dev == dev && st.st_ino == ino
    }

    /// Until the next deadline, at most 10 seconds (to notice a removed socket; also with a test
    /// clock, which does not move by itself).
    private func nextWakeMilliseconds() -> Int32 {
        let now = clock.now.mono
        var wait: Int64 = 10
        if !clock.isTest {
            for e in entries.values { wait = min(wait, deadline(e) - now) }
        }
        return Int32(max(0, wait) * 1000 + (wait >= 0 ? 50 : 0))
    }

    private func deadline(_ e: Entry) -> Int64 {
        min(e.unlockedAtMono + e.absolute, e.lastUseMono + e.idle)
    }

    private func expire() {
        let now = clock.now.mono
        for e in entries.values where now >= deadline(e) { forget(e.key) }
    }

    private func forget(_ key: String) {
        guard let e = entries.removeValue(forKey: key) else { return }
        store.release(e.cell)
    }

    private func shutdown(removingSocket: Bool = true) -> Never {
        for archive in Array(entries.keys) { forget(archive) }
        store.wipeAll()
        if removingSocket { unlink(socketPath) }  // never a socket another agent has put there since
        exit(0)
    }

    // MARK: Requests

    /// Serves one connection. `busy`: a command is waiting at a prompt for its client (§4.2);
    /// only `lock` and `status` are served meanwhile.
    private func handle(_ conn: Int32, busy: Bool = false) {
        AgentSocket.setTimeouts(conn, seconds: AgentSocket.ioTimeoutSeconds)
        let deadline = AgentSocket.monotonicMilliseconds() + Int64(AgentSocket.ioTimeoutSeconds) * 1000
        guard let peer = try? AgentSocket.peer(conn), peer.uid == getuid() else {
            refusedPeers += 1
            reply(conn, ["ok": false, "error": "refused", "message": "the agent serves only its own user"])
            return
        }
        let request: [String: Any]
        var fds: [Int32]
        do {
            (request, fds) = try AgentSocket.receive(conn, deadline: deadline)
        } catch {
            reply(conn, ["ok": false, "error": "malformed", "message": "\((error as? AgentSocket.Failure)?.reason ?? "unreadable request")"])
            return
        }
        defer { for fd in fds { close(fd) } }
        guard (request["v"] as? NSNumber)?.intValue == 1, let op = request["op"] as? String else {
            reply(conn, malformed("v and op are required"))
            return
        }
        clock.observe(requestTime: (request["now"] as? NSNumber)?.int64Value)
        expire()
        if op != "run" {
            for fd in fds { close(fd) }
            fds = []
        }
        // A client that gave up waiting (its timeout, Ctrl-C) is gone: its request is not carried
        // out behind its back (§3).
        guard !AgentSocket.peerHasLeft(conn) else { return }
        if busy && op != "lock" && op != "status" {
            reply(conn, ["ok": false, "error": "busy", "message": "a command is waiting for its user's answer in another terminal"])
            return
        }
        switch op {
        case "run": reply(conn, run(request, fds: fds, conn: conn))
        case "unlock": reply(conn, unlock(request, conn: conn, deadline: deadline))
        case "keepEscrow": reply(conn, keepEscrow(request, conn: conn, deadline: deadline))
        case "lock": reply(conn, lock(request))
        case "status": reply(conn, status())
        default: reply(conn, malformed("unknown op"))
        }
        if entries.isEmpty && everHeld && !busy { shutdown() }
    }

    /// While a command waits at a prompt: one waiting connection served (`lock`, `status`).
    private func serveWhileBusy() {
        let conn = sv_accept(listenFD)
        guard conn >= 0 else { return }
        handle(conn, busy: true)
        close(conn)
    }

    private func reply(_ conn: Int32, _ object: [String: Any]) {
        try? AgentSocket.send(conn, object)
    }

    private func malformed(_ reason: String) -> [String: Any] { ["ok": false, "error": "malformed", "message": reason] }

    /// A canonical archive path: absolute, no NUL, of a sane length.
    private func archivePath(_ request: [String: Any]) -> String? {
        guard let path = request["archive"] as? String, path.hasPrefix("/"), !path.contains("\0"), path.utf8.count <= 4096 else { return nil }
        return path
    }

    private func unlock(_ request: [String: Any], conn: Int32, deadline: Int64) -> [String: Any] {
        guard let archive = archivePath(request),
              let absolute = (request["absolute"] as? NSNumber)?.int64Value, (60...86_400).contains(absolute),
              let idle = (request["idle"] as? NSNumber)?.int64Value, (60...absolute).contains(idle) else {
            return malformed("archive, absolute (60…86400) and idle (60…absolute) are required")
        }
        guard let cell = store.allocate() else {
            return ["ok": false, "error": "full", "message": "\(KeyStore.capacity) archives are unlocked already"]
        }
        do {
            try AgentSocket.readExactly(conn, into: store.cell(cell), deadline: deadline)
        } catch {
            store.release(cell)
            return malformed("the 64 key bytes did not arrive")
        }
        forget(archive)
        let now = clock.now
        let entry = Entry(archive: archive, cell: cell, unlockedAtWall: now.wall, unlockedAtMono: now.mono, absolute: absolute, idle: idle, lastUseMono: now.mono, uses: 0)
        entries[archive] = entry
        everHeld = true
        return ["ok": true] + times(entry)
    }

    /// A manager's escrow access to keep (§10): `archive`, `keep` (60…3600 s), `holders` (one
    /// `{name, recipient}`), then 64 bytes: the manager's signing seed and the data key.
    private func keepEscrow(_ request: [String: Any], conn: Int32, deadline: Int64) -> [String: Any] {
        guard let archive = archivePath(request),
              let keep = (request["keep"] as? NSNumber)?.int64Value, (SessionLimits.minimum...SessionLimits.maxEscrowKeep).contains(keep),
              let list = request["holders"] as? [[String: Any]], list.count == 1,
              let holders = try? list.map({ h -> EscrowSlot.Holder in
                  guard let name = h["name"] as? String, let recipient = h["recipient"] as? String else { throw AgentSocket.Failure(reason: "holder") }
                  return EscrowSlot.Holder(name: name, recipient: try KeyFile.parseRecipient(recipient))
              }) else {
            return malformed("archive, keep (60…3600) and one holder {name, recipient} are required")
        }
        guard let cell = store.allocate() else {
            return ["ok": false, "error": "full", "message": "\(KeyStore.capacity) archives are unlocked already"]
        }
        do {
            // The manager's audit-log signing seed, then the data key (DEPARTMENT.md §7.1).
            try AgentSocket.readExactly(conn, into: store.cell(cell), deadline: deadline)
        } catch {
            store.release(cell)
            return malformed("the 64 key bytes did not arrive")
        }
        forget(Self.key(archive, escrow: true))
        let now = clock.now
        let entry = Entry(archive: archive, cell: cell, unlockedAtWall: now.wall, unlockedAtMono: now.mono, absolute: keep, idle: keep,
                          lastUseMono: now.mono, uses: 0, escrow: holders)
        entries[entry.key] = entry
        everHeld = true
        return ["ok": true] + times(entry)
    }

    private func times(_ e: Entry) -> [String: Any] {
        let now = clock.now
        let toWall = { (mono: Int64) in now.wall + (mono - now.mono) }
        return ["until": toWall(e.unlockedAtMono + e.absolute), "idleUntil": toWall(min(e.unlockedAtMono + e.absolute, e.lastUseMono + e.idle))]
    }

    private func lock(_ request: [String: Any]) -> [String: Any] {
        if (request["all"] as? NSNumber)?.boolValue == true {
            let count = entries.count
            for archive in Array(entries.keys) { forget(archive) }
            return ["ok": true, "forgot": count]
        }
        guard let archive = archivePath(request) else { return malformed("archive or all is required") }
        // The owner's unlock and any kept escrow access of the archive.
        let keys = [Self.key(archive, escrow: false), Self.key(archive, escrow: true)].filter { entries[$0] != nil }
        for key in keys { forget(key) }
        return ["ok": true, "forgot": keys.count]
    }

    private func status() -> [String: Any] {
        let list: [[String: Any]] = entries.values.sorted { $0.key < $1.key }.map { e in
            var item: [String: Any] = ["archive": e.archive, "unlockedAt": e.unlockedAtWall, "uses": e.uses] + times(e)
            if let holders = e.escrow { item["escrow"] = ["managers": holders.map(\.name)] }
            return item
        }
        return ["ok": true, "pid": Int(getpid()), "dumpable": Int(sv_get_dumpable()), "kdfRuns": Scrypt.derivationCount,
                "served": served, "refusedPeers": refusedPeers, "testClock": clock.isTest, "archives": list]
    }

    // MARK: Running a command (§4.2)

    private func run(_ request: [String: Any], fds: [Int32], conn: Int32) -> [String: Any] {
        guard let archive = archivePath(request), let words = request["words"] as? [String], words.count <= Self.maxWords,
              let langText = request["lang"] as? String, let lang = Language(rawValue: langText) else {
            return malformed("archive, words and lang are required")
        }
        guard fds.count == 4 else { return malformed("run takes four descriptors: input, output, error, directory") }
        var st = stat()
        guard fstat(fds[3], &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return malformed("the fourth descriptor is not a directory") }
        let escrow = (request["escrow"] as? NSNumber)?.boolValue == true
        guard let entry = entries[Self.key(archive, escrow: escrow)] else { return ["ok": false, "error": "notHeld"] }
        let command: ParsableCommand
        do {
            command = try SalesVault.parseAsRoot(words)
        } catch {
            return ["ok": false, "error": "refused", "message": "the command line does not parse"]
        }
        let keys: AgentServing.Keys
        if let holders = entry.escrow {
            // Kept escrow access (§10): only `escrow open ARCHIVE --manager NAME -- COMMAND`, by
            // the manager who opened it, for one customer-archive command (checked read-only
            // by the command's capability, as any escrow open). Another manager's name: held
            // for none of theirs, said as such (helper-194: "the agent refused", and to give a
            // password a manager does not have).
            if let open = command as? EscrowOpen, let manager = open.manager, manager != holders.first?.name { return ["ok": false, "error": "notHeld"] }
            guard let open = command as? EscrowOpen, open.identities.identity.isEmpty, open.manager == holders.first?.name,
                  !open.command.isEmpty, let inner = try? SalesVault.parseAsRoot(open.command), inner is any ArchiveCommand else {
                return ["ok": false, "error": "refused", "message": "kept escrow access runs one customer-archive command through escrow open by the manager who opened it"]
            }
            keys = .escrow(dataKey: store.dataKey(entry.cell), holders: holders, signers: store.signingKey(entry.cell).map { [$0] } ?? [])
            do {
                _ = try Vault.open(path: archive, escrowDataKey: store.dataKey(entry.cell), holders: holders, access: .readOnly)
            } catch let e as VaultError where e.code == .wrongPassword || e.code == .headerAuthenticationFailed {
                forget(entry.key)
                return ["ok": false, "error": "forgotten"]
            } catch {}
        } else {
            guard command is any ArchiveCommand else {
                return ["ok": false, "error": "refused", "message": "the agent runs customer-archive commands only"]
            }
            let kept = store.keys(entry.cell)
            keys = .owner(kept)
            // The archive may have changed since the unlock (§5): the kept keys must still open it.
            do {
                _ = try Vault.open(path: archive, keptKeys: kept, access: .readOnly)
            } catch let e as VaultError where e.code == .wrongPassword || e.code == .headerAuthenticationFailed {
                forget(entry.key)
                return ["ok": false, "error": "forgotten"]
            } catch {
                // Busy, missing, damaged: the command itself reports it as on the command line.
            }
        }
        let environment = request["env"] as? [String: Any] ?? [:]
        var saved: [String: String?] = [:]
        for key in Self.forwardedEnvironment {
            saved[key] = getenv(key).map { String(cString: $0) }
            if let value = environment[key] as? String, !value.contains("\0") { setenv(key, value, 1) } else { unsetenv(key) }
        }
        NSTimeZone.resetSystemTimeZone()
        fflush(nil)
        for i in 0..<3 { dup2(fds[i], Int32(i)) }
        _ = fchdir(fds[3])
        Language.current = lang
        AgentServing.setTerminal(isatty(STDIN_FILENO) == 1 ? "/proc/self/fd/0" : nil)
        AgentServing.request = AgentServing.Request(archive: archive, keys: keys, words: words)
        // Called back on this thread, from the prompt's wait.
        AgentServing.setClient(conn, serveOthers: { [unowned self] in serveWhileBusy() }, listening: listenFD)

        var status: Int32 = 0
        do {
            var command = command
            try command.run()
        } catch let exit as ExitCode {
            status = exit.rawValue
        } catch {
            Terminal.stderr(SalesVault.fullMessage(for: error) + "\n")
            status = SalesVault.exitCode(for: error).rawValue
        }
        let rejected = AgentServing.takeRejection()
        // Output that could not be written (a full disk) fails the command, as on the command line.
        if fflush(nil) != 0 || sv_stdout_error() != 0 {
            Terminal.stderr(L("salesvault: error: the output could not be written (disk full or output closed); what was saved is saved\n",
                              "salesvault: 错误：输出内容未能完整写出（磁盘已满或输出目标已关闭）；已保存到档案的内容不受影响\n").text)
            if status == 0 { status = ExitStatus.failure.rawValue }
        }

        // Back to the agent's own state before anything else (§4.2).
        AgentServing.setClient(nil, serveOthers: nil, listening: nil)
        fflush(nil)
        AgentServing.request = nil
        AgentServing.setTerminal(nil)
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        for i in 0..<3 { dup2(null, Int32(i)) }
        if null > 2 { close(null) }
        sv_reset_standard_streams()
        _ = chdir("/")
        for (key, value) in saved {
            if let value { setenv(key, value, 1) } else { unsetenv(key) }
        }
        NSTimeZone.resetSystemTimeZone()
        Language.current = baseLanguage
        served += 1
        if rejected {
            forget(entry.key)
        } else if var e = entries[entry.key] {
            e.lastUseMono = clock.now.mono
            e.uses += 1
            entries[e.key] = e
        }
        return ["ok": true, "status": Int(status)]
    }
}

private func + (lhs: [String: Any], rhs: [String: Any]) -> [String: Any] {
    lhs.merging(rhs) { _, new in new }
}
