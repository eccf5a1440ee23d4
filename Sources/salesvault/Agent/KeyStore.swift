import VaultCrypto
import VaultFormat

#if canImport(Glibc)
import Glibc
#endif

/// The agent's key store (Docs/AGENT.md §5): one page from `mmap`, locked in RAM (`mlock`),
/// left out of core dumps (`MADV_DONTDUMP`), cut into 64-byte cells (KEK ‖ DEK). A cell is wiped
/// when its archive is forgotten; the whole page before a normal exit, and by the signal handler.
final class KeyStore {
    static let cellBytes = 64
    static let capacity = 32

    private let region: UnsafeMutableRawPointer
    private let size: Int
    private var used = [Bool](repeating: false, count: capacity)

    struct Unavailable: Error { let reason: String }

    init() throws {
        size = max(Int(sysconf(Int32(_SC_PAGESIZE))), Self.cellBytes * Self.capacity)
        guard let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw Unavailable(reason: "mmap: \(String(cString: strerror(errno)))")
        }
        region = mapped
        guard mlock(region, size) == 0 else {
            let reason = String(cString: strerror(errno))
            munmap(region, size)
            throw Unavailable(reason: "mlock: \(reason) (RLIMIT_MEMLOCK)")
        }
        guard madvise(region, size, 16 /* MADV_DONTDUMP, linux/mman.h */) == 0 else {
            let reason = String(cString: strerror(errno))
            munmap(region, size)
            throw Unavailable(reason: "madvise(MADV_DONTDUMP): \(reason)")
        }
        secureZero(UnsafeMutableRawBufferPointer(start: region, count: size))
        AgentSignals.register(keys: region, size: size)
    }

    /// A free cell, or nil when all are used.
    func allocate() -> Int? {
        guard let i = used.firstIndex(of: false) else { return nil }
        used[i] = true
        return i
    }

    /// The cell's bytes, to receive the 64 key bytes straight from the socket.
    func cell(_ i: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: region + i * Self.cellBytes, count: Self.cellBytes)
    }

    /// Wipes a cell and frees it.
    func release(_ i: Int) {
        secureZero(cell(i))
        used[i] = false
    }

    /// The kept keys of a cell, as keys for one request: copies on the heap (SecureBytes),
    /// wiped when the request releases them.
    func keys(_ i: Int) -> Vault.KeptKeys {
        let c = UnsafeRawBufferPointer(cell(i))
        return Vault.KeptKeys(kek: SymmetricKey(data: UnsafeRawBufferPointer(rebasing: c[0..<32])),
                              dek: SymmetricKey(data: UnsafeRawBufferPointer(rebasing: c[32..<64])))
    }

    /// The data key of a cell holding kept escrow access (its first 32 bytes are the manager's
    /// audit-log signing seed, DEPARTMENT.md §7.1).
    func dataKey(_ i: Int) -> SymmetricKey {
        SymmetricKey(data: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(cell(i))[32..<64]))
    }

    /// The manager's signing key kept with escrow access (the cell's first 32 bytes).
    func signingKey(_ i: Int) -> Curve25519.Signing.PrivateKey? {
        try? Curve25519.Signing.PrivateKey(rawRepresentation: SecureBytes(copying: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(cell(i))[0..<32])))
    }

    func wipeAll() {
        secureZero(UnsafeMutableRawBufferPointer(start: region, count: size))
        used = used.map { _ in false }
    }

    deinit {
        wipeAll()
        munlock(region, size)
        munmap(region, size)
    }
}

/// SIGTERM, SIGINT and SIGHUP end the agent at once: the handler wipes the key page, removes the
/// socket and exits, using only async-signal-safe calls (memset, unlink, _exit). A command cut off this way leaves the archive as after a crash (FORMAT.md §8).
enum AgentSignals {
    // A signal handler is a C function that cannot capture anything: what it wipes and removes
    // must be in statics, set once before the handler is installed and only read by it.
    nonisolated(unsafe) private static var keys: UnsafeMutableRawPointer?
    nonisolated(unsafe) private static var keysSize = 0
    nonisolated(unsafe) private static var socketPath: UnsafeMutablePointer<CChar>?

    static func register(keys region: UnsafeMutableRawPointer, size: Int) {
        keys = region
        keysSize = size
    }

    static func install(socketPath path: String) {
        socketPath = strdup(path)
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in AgentSignals.terminate() }
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
        signal(SIGPIPE, SIG_IGN)
    }

    private static func terminate() {
        if let keys { memset(keys, 0, keysSize) }  // the page escaped to the kernel (mlock): not a dead store
        if let socketPath { unlink(socketPath) }
        _exit(0)
    }
}
