import Foundation

/// Reading a small file of the department folder that anyone with write access could replace
/// (a sealed report, an enrollment request): a regular file only, opened without following a
/// symbolic link and without waiting on a FIFO, refused unread above `limit`.
enum RegularFile {
    enum Refusal: Error, Sendable {
        case missing
        case symbolicLink
        /// A FIFO, device or folder.
        case notRegular
        case tooLarge(size: Int64)
        case io(errno: Int32)
    }

    static func read(_ path: String, limit: Int) throws(Refusal) -> [UInt8] {
        let fd = Foundation.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ELOOP: throw .symbolicLink
            case ENOENT: throw .missing
            case let e: throw .io(errno: e)
            }
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .notRegular }
        guard st.st_size <= limit else { throw .tooLarge(size: Int64(st.st_size)) }
        // One byte more than the size: a file that grew meanwhile is read up to the limit + 1.
        var out = [UInt8](repeating: 0, count: min(limit, Int(st.st_size)) + 1)
        var done = 0
        while done < out.count {
            let n = out.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw .io(errno: errno) }
            if n == 0 { break }
            done += n
        }
        guard done <= limit else { throw .tooLarge(size: Int64(done)) }
        out.removeLast(out.count - done)
        return out
    }
}
