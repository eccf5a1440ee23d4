import Foundation
import VaultFormat
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way SalesVault writes an output file (exports, templates, rejects files, reports) and
/// reads an input file.
///
/// `write` never leaves a half-written file: the bytes go to a new temporary file in the same
/// directory (created with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600 whatever the umask, a random
/// name starting with `.`), which is fsynced and then linked into place (`link(2)`, which fails
/// atomically when the name is taken) or renamed over the old file (`rename(2)`, with
/// `replacing`); the directory is fsynced last. On any failure the temporary file is removed and
/// the destination is as it was.
public enum AtomicFile {
    /// Writes `data` to `path` atomically with mode 0600. Without `replacing`, an existing
    /// `path` is an `.exists` error; a destination that is a symbolic link, a directory, a FIFO,
    /// a device or a socket is always refused (`.badDestination`), and so is one that is the same
    /// file as any of `protecting` (the open archive, the input file), whatever `replacing` says.
    ///
    /// The data goes first to an unnamed file (`O_TMPFILE`) in the destination's folder, so that a
    /// process killed at any moment leaves no stray copy; where the file system has no unnamed
    /// files, to a named temporary file (`.NAME.RANDOM.tmp`) removed on every failure.
    /// `beforeCommit` runs once the bytes are complete and synced, just before the file gets its
    /// name: an export records itself there, so that no exported file ever exists unrecorded (a
    /// failure of `beforeCommit` leaves no file).
    public static func write(_ data: Data, to path: String, replacing: Bool, protecting: [String] = [],
                             beforeCommit: (() throws -> Void)? = nil) throws {
        try checkDestination(path, replacing: replacing, protecting: protecting, folder: false)
        let (directory, base) = split(path)
        removeLeftovers(directory, base)
        if let fd = unnamedFile(in: directory) {
            var linked = false
            do {
                defer { close(fd) }
                try writeAll(data, to: fd, path: path)
                guard fsync(fd) == 0 else { throw failure(path, errno) }
                try beforeCommit?()
                linked = try link(fd: fd, to: path, in: directory, base: base, replacing: replacing)
            }
            if linked {
                syncDirectory(directory)
                return
            }
            // No /proc to name an unnamed file by: write it again the named way (beforeCommit
            // has run; it is not run twice).
            try writeNamed(data, to: path, directory: directory, base: base, replacing: replacing, beforeCommit: nil)
            return
        }
        try writeNamed(data, to: path, directory: directory, base: base, replacing: replacing, beforeCommit: beforeCommit)
    }

    /// Throws when `path` is `-`, which many tools read as standard output: it made a file named
    /// "-" (helper-154). For commands that look at the name before `checkDestination` (a report's
    /// format from its extension said `-` had none).
    static func refuseStandardOutput(_ path: String) throws {
        guard path == "-" else { return }
        throw InterchangeError(.badDestination, "“-” is not taken as standard output: SalesVault writes its reports and exports to files, so nothing was written.",
                               zh: "不能用“-”把内容输出到屏幕。SalesVault 的周报和导出只能写入文件，本次未写入任何内容。",
                               hint: "Give a file name, for example 周报.md or 客户.xlsx.", hintZH: "请指定文件名，例如 周报.md 或 客户.xlsx。")
    }

    /// Throws what `write` refuses `path` for before writing anything: not a regular file (a
    /// link, a folder, a FIFO), a protected file or an archive, a file that exists when not
    /// `replacing`; with `folder`, also a folder that does not exist (`write` finds that when it
    /// creates the file). For a command that must know before it does anything that leaves a
    /// trace (a manager's export through escrow is recorded as a use).
    public static func checkDestination(_ path: String, replacing: Bool, protecting: [String] = [], folder: Bool = true) throws {
        try refuseStandardOutput(path)
        var st = stat()
        if lstat(path, &st) == 0 {
            if let kind = FileKind(st.st_mode), kind != .regular {
                throw notAFile(path, kind)
            }
            for other in protecting {
                var o = stat()
                if stat(other, &o) == 0, o.st_dev == st.st_dev, o.st_ino == st.st_ino { throw protected(path) }
            }
            // Whatever the caller protects: an output never replaces an archive (FORMAT.md magic).
            if isArchive(path) { throw anArchive(path) }
            if !replacing { throw exists(path) }
        } else if errno != ENOENT {
            throw failure(path, errno)
        } else if folder {
            var d = stat()
            if stat(split(path).directory, &d) != 0 { throw failure(path, errno) }
            if (d.st_mode & S_IFMT) != S_IFDIR { throw failure(path, ENOTDIR) }
            if access(split(path).directory, W_OK) != 0 { throw failure(path, errno) }
        }
    }

    /// Whether the file at `path` starts with a SalesVault archive's magic (`SVAULT\r\n`).
    static func isArchive(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: FormatV1.magic.count)
        let n = read(fd, &head, head.count)
        return n == FormatV1.magic.count && head == FormatV1.magic
    }

    /// An unnamed regular file in `directory` (Linux `O_TMPFILE`), or nil where unsupported.
    private static func unnamedFile(in directory: String) -> Int32? {
        #if os(Linux)
        let oTmpFile: Int32 = 0o20_000_000 | O_DIRECTORY  // __O_TMPFILE | O_DIRECTORY (x86-64, arm64)
        let fd = open(directory, oTmpFile | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard fchmod(fd, 0o600) == 0 else {
            close(fd)
            return nil
        }
        return fd
        #else
        return nil
        #endif
    }

    /// Gives the unnamed file `fd` its name: `linkat` through `/proc/self/fd` (fails with EEXIST
    /// when the name is taken), or for `replacing` a link to a temporary name renamed over the old
    /// file. False when `/proc` is not there to name it by.
    private static func link(fd: Int32, to path: String, in directory: String, base: String, replacing: Bool) throws -> Bool {
        let source = "/proc/self/fd/\(fd)"
        if !replacing {
            guard linkat(AT_FDCWD, source, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 else {
                if errno == EEXIST { throw exists(path) }
                if errno == ENOENT, access("/proc/self/fd", F_OK) != 0 { return false }
                throw failure(path, errno)
            }
            return true
        }
        for _ in 0..<16 {
            let temp = temporaryName(directory, base)
            if linkat(AT_FDCWD, source, AT_FDCWD, temp, AT_SYMLINK_FOLLOW) == 0 {
                guard rename(temp, path) == 0 else {
                    let err = errno
                    unlink(temp)
                    throw failure(path, err)
                }
                return true
            }
            if errno == ENOENT, access("/proc/self/fd", F_OK) != 0 { return false }
            if errno != EEXIST { throw failure(path, errno) }
        }
        throw failure(path, EEXIST)
    }

    /// The named way: a temporary file beside `path`, removed on every failure.
    private static func writeNamed(_ data: Data, to path: String, directory: String, base: String, replacing: Bool,
                                   beforeCommit: (() throws -> Void)?) throws {
        let (fd, temp) = try createTemporary(in: directory, base: base, for: path)
        var placed = false
        defer {
            if !placed { unlink(temp) }
        }
        do {
            defer { close(fd) }
            try writeAll(data, to: fd, path: path)
            guard fsync(fd) == 0 else { throw failure(path, errno) }
        }
        try beforeCommit?()
        if replacing {
            guard rename(temp, path) == 0 else { throw failure(path, errno) }
            placed = true
        } else {
            guard Glibc.link(temp, path) == 0 else {
                throw errno == EEXIST ? exists(path) : failure(path, errno)
            }
            placed = true
            unlink(temp)
        }
        syncDirectory(directory)
    }

    /// Makes a new name durable. The file itself is already complete and in place, so a directory
    /// that cannot be fsynced (EINVAL on some file systems) is not an error.
    private static func syncDirectory(_ directory: String) {
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// Removes what an earlier write to the same name left when its process was killed between
    /// naming its temporary file and renaming it (`.NAME.RANDOM.tmp`, ours alone: a regular file
    /// of this user, mode 0600, a base-36 middle). Found by the crash harness (CRASHTEST.md).
    static func removeLeftovers(_ directory: String, _ base: String) {
        let prefix = "." + shortened(base) + "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let middle = name.dropFirst(prefix.count).dropLast(4)
            guard !middle.isEmpty, middle.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLowercase) }) else { continue }
            let full = directory == "/" ? "/" + name : directory + "/" + name
            var st = stat()
            guard lstat(full, &st) == 0, FileKind(st.st_mode) == .regular, st.st_uid == getuid(), st.st_mode & 0o777 == 0o600 else { continue }
            unlink(full)
        }
    }

    static func temporaryName(_ directory: String, _ base: String) -> String {
        let random = String(UInt64.random(in: .min ... .max), radix: 36)
        let name = "." + shortened(base) + "." + random + ".tmp"
        return directory == "/" ? "/" + name : directory + "/" + name
    }

    /// The whole of the regular file at `path`, at most `limit` bytes. A missing file, a
    /// directory, a FIFO, a device, a socket or a larger file is an `.unreadableFile` error. A
    /// FIFO is never opened for blocking: the type is checked with `stat` before opening, and
    /// again with `fstat` on the descriptor, which is opened O_NONBLOCK.
    /// A file that changes while it is read (its size or modification time differ after the
    /// read: still being saved, or written to by another program) is refused, not read half-way.
    public static func readInput(_ path: String, limit: Int = 1 << 30) throws -> Data {
        try readInput(path, limit: limit, afterRead: nil)
    }

    /// `readInput`, with `afterRead` run between the read and the check that the file did not
    /// change (for tests).
    static func readInput(_ path: String, limit: Int, afterRead: (() -> Void)?) throws -> Data {
        var st = stat()
        guard stat(path, &st) == 0 else { throw unreadable(path, errno) }
        if let kind = FileKind(st.st_mode), kind != .regular { throw unreadable(path, kind) }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw unreadable(path, errno) }
        defer { close(fd) }
        guard fstat(fd, &st) == 0 else { throw unreadable(path, errno) }
        if let kind = FileKind(st.st_mode), kind != .regular { throw unreadable(path, kind) }
        if Int(st.st_size) > limit { throw tooLarge(path, size: Int(st.st_size), limit: limit) }

        let data = try readAll(fd, path: path, size: Int(st.st_size), limit: limit)
        afterRead?()
        var after = stat()
        guard fstat(fd, &after) == 0 else { throw unreadable(path, errno) }
        if after.st_size != st.st_size || after.st_mtim.tv_sec != st.st_mtim.tv_sec || after.st_mtim.tv_nsec != st.st_mtim.tv_nsec {
            throw changedWhileRead(path)
        }
        return data
    }

    /// The bytes of the open file `fd`, `size` long when it was looked at.
    private static func readAll(_ fd: Int32, path: String, size: Int, limit: Int) throws -> Data {
        if size >= 8 << 20, let data = try readLarge(fd, path: path, size: size) { return data }
        var data = Data(count: size)
        var total = 0
        while true {
            if total == data.count {
                // The file may have grown since fstat: look for more, within the limit.
                if total > limit { throw tooLarge(path, size: total, limit: limit) }
                data.count += max(64 << 10, min(total, limit + 1 - total))
            }
            let count = data.count - total
            let got = data.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw unreadable(path, errno)
            }
            if got == 0 { break }
            total += got
        }
        if total > limit { throw tooLarge(path, size: total, limit: limit) }
        data.count = total
        return data
    }

    /// A large file read into memory mapped for it with its pages made at once (`MAP_POPULATE`:
    /// one call instead of a page fault per 4 KiB, a tenth of a second for 100 MB); nil, with
    /// the file read from the start again, when it turns out longer than `size` (it grows).
    private static func readLarge(_ fd: Int32, path: String, size: Int) throws -> Data? {
        let memory = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)
        guard let memory, memory != MAP_FAILED else { return nil }
        var total = 0
        while total < size {
            let got = read(fd, memory + total, size - total)
            if got < 0 {
                if errno == EINTR { continue }
                let err = errno
                munmap(memory, size)
                throw unreadable(path, err)
            }
            if got == 0 { break }
            total += got
        }
        var probe: UInt8 = 0
        if total == size, read(fd, &probe, 1) != 0 {  // more than `size`: read it the general way
            munmap(memory, size)
            guard lseek(fd, 0, SEEK_SET) == 0 else { throw unreadable(path, errno) }
            return nil
        }
        return Data(bytesNoCopy: memory, count: total, deallocator: .custom { pointer, _ in munmap(pointer, size) })
    }

    // MARK: - Steps of `write`

    /// The directory part of `path` ("." for a bare name) and its last component.
    static func split(_ path: String) -> (directory: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    private static func createTemporary(in directory: String, base: String, for path: String) throws -> (Int32, String) {
        for _ in 0..<16 {
            let temp = temporaryName(directory, base)
            let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 {
                // The umask can only take bits away; set 0600 exactly in case it took too many.
                guard fchmod(fd, 0o600) == 0 else {
                    let err = errno
                    close(fd)
                    unlink(temp)
                    throw failure(path, err)
                }
                return (fd, temp)
            }
            if errno != EEXIST { throw failure(path, errno) }
        }
        throw failure(path, EEXIST)
    }

    /// At most 100 bytes of `name`, cut between characters, so the temporary name stays under
    /// NAME_MAX (255 bytes) for a long Chinese file name.
    private static func shortened(_ name: String) -> String {
        var out = ""
        var bytes = 0
        for ch in name {
            bytes += ch.utf8.count
            if bytes > 100 { break }
            out.append(ch)
        }
        return out
    }

    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure(path, errno)
                }
                if n == 0 { throw failure(path, EIO) }
                offset += n
            }
        }
    }
}

/// `write(2)`, reachable under another name inside `AtomicFile`, whose own `write` hides it.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
