import CAgentShim
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The agent's Unix socket and its frames (Docs/AGENT.md §3, §4.1): a 4-byte big-endian length,
/// then that many bytes of one JSON object; descriptors as SCM_RIGHTS on a frame's first byte.
enum AgentSocket {
    static let maxFrameBytes = 65_536
    /// Receiving a request or sending a reply must finish within this many seconds (§3).
    static let ioTimeoutSeconds = 5

    struct Failure: Error {
        let reason: String
    }

    static func address(_ path: String) throws -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count <= AgentPaths.maxSocketPathBytes else { throw Failure(reason: "socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            raw.copyBytes(from: bytes)
        }
        return address
    }

    static func newSocket() throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(reason: "socket: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Connects to the agent at `path`; nil when no agent listens there (no socket, or a killed
    /// agent's socket: the connection is refused).
    static func connect(_ path: String) throws -> Int32? {
        var address = try address(path)
        let fd = try newSocket()
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if result != 0 {
            let error = errno
            close(fd)
            if error == ENOENT || error == ECONNREFUSED { return nil }
            throw Failure(reason: "connect \(path): \(String(cString: strerror(error)))")
        }
        return fd
    }

    /// Binds and listens at `path` (the caller removed a stale socket), mode 0600.
    static func listen(_ path: String) throws -> Int32 {
        var address = try address(path)
        let fd = try newSocket()
        let old = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(old)
        guard bound == 0, chmod(path, 0o600) == 0, Glibc.listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(reason: "bind/listen \(path): \(reason)")
        }
        return fd
    }

    /// The connected peer's uid and pid (`SO_PEERCRED`).
    static func peer(_ fd: Int32) throws -> (uid: uid_t, pid: pid_t) {
        var uid: uid_t = 0
        var pid: pid_t = 0
        guard sv_peer_credentials(fd, &uid, &pid) == 0 else { throw Failure(reason: "SO_PEERCRED: \(String(cString: strerror(errno)))") }
        return (uid, pid)
    }

    /// True when the other end has closed or shut down its side (a client that gave up).
    static func peerHasLeft(_ fd: Int32) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(sv_pollrdhup()), revents: 0)
        guard poll(&pfd, 1, 0) > 0 else { return false }
        return pfd.revents & (Int16(sv_pollrdhup()) | Int16(POLLHUP) | Int16(POLLERR)) != 0
    }

    static func setTimeouts(_ fd: Int32, seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    // MARK: Frames

    /// Sends one frame holding `object`, with `fds` attached to its first byte.
    static func send(_ fd: Int32, _ object: [String: Any], fds: [Int32] = []) throws {
        let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        guard !json.isEmpty, json.count <= maxFrameBytes else { throw Failure(reason: "frame of \(json.count) bytes") }
        var frame = [UInt8](repeating: 0, count: 4)
        let n = UInt32(json.count)
        frame[0] = UInt8(n >> 24); frame[1] = UInt8((n >> 16) & 0xFF); frame[2] = UInt8((n >> 8) & 0xFF); frame[3] = UInt8(n & 0xFF)
        frame += json
        // The descriptors travel with the first bytes; the rest follows as plain bytes.
        var first = 0
        while first == 0 {
            first = frame.withUnsafeBytes { raw in
                fds.withUnsafeBufferPointer { sv_send_with_fds(fd, raw.baseAddress, raw.count, $0.baseAddress, Int32($0.count)) }
            }
            if first < 0 && errno == EINTR { first = 0; continue }
            guard first > 0 else { throw Failure(reason: "send: \(String(cString: strerror(errno)))") }
        }
        try frame.withUnsafeBytes { try sendRaw(fd, UnsafeRawBufferPointer(rebasing: $0[first...])) }
    }

    /// Sends raw bytes (the 64 key bytes after an `unlock` frame), from where they are kept.
    static func sendRaw(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw Failure(reason: "send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Reads exactly `buffer.count` bytes; fails at end of stream or timeout.
    static func readExactly(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, deadline: Int64? = nil) throws {
        var offset = 0
        while offset < buffer.count {
            if let deadline {
                let left = deadline - monotonicMilliseconds()
                guard left > 0 else { throw Failure(reason: "the request was not complete within \(ioTimeoutSeconds) s") }
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&pfd, 1, Int32(clamping: left))
                if ready < 0 && errno == EINTR { continue }
                guard ready > 0 else { throw Failure(reason: "the request was not complete within \(ioTimeoutSeconds) s") }
            }
            let n = recv(fd, buffer.baseAddress! + offset, buffer.count - offset, 0)
            if n < 0 && errno == EINTR { continue }
            if n == 0 { throw Failure(reason: "connection closed") }
            guard n > 0 else { throw Failure(reason: "recv: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// Reads one frame: the JSON object and the descriptors that came with its first byte
    /// (close-on-exec; the caller owns and closes them).
    /// Milliseconds on the monotonic clock, for request deadlines.
    static func monotonicMilliseconds() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Int64(t.tv_sec) * 1000 + Int64(t.tv_nsec) / 1_000_000
    }

    /// Receives one frame. `deadline` (monotonic milliseconds): the whole frame must have arrived
    /// by then (§3: a request is received within 5 s in all, however slowly its bytes trickle in).
    static func receive(_ fd: Int32, deadline: Int64? = nil) throws -> (object: [String: Any], fds: [Int32]) {
        var length = [UInt8](repeating: 0, count: 4)
        var fds = [Int32](repeating: -1, count: Int(SV_MAX_FDS))
        var count: Int32 = 0
        var got = 0
        while got == 0 {
            let n = length.withUnsafeMutableBytes { raw in fds.withUnsafeMutableBufferPointer { sv_recv_with_fds(fd, raw.baseAddress, 4, $0.baseAddress, &count) } }
            if n < 0 && errno == EINTR { continue }
            if n == 0 { throw Failure(reason: "connection closed") }
            guard n > 0 else { throw Failure(reason: "recvmsg: \(String(cString: strerror(errno)))") }
            got = n
        }
        let received = Array(fds.prefix(Int(count)))
        do {
            if got < 4 { try length.withUnsafeMutableBytes { try readExactly(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[got...]), deadline: deadline) } }
            let n = Int(length[0]) << 24 | Int(length[1]) << 16 | Int(length[2]) << 8 | Int(length[3])
            guard n >= 1, n <= maxFrameBytes else { throw Failure(reason: "frame length \(n)") }
            var body = [UInt8](repeating: 0, count: n)
            try body.withUnsafeMutableBytes { try readExactly(fd, into: $0, deadline: deadline) }
            guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw Failure(reason: "not a JSON object")
            }
            return (object, received)
        } catch {
            for d in received { close(d) }
            throw error
        }
    }
}
