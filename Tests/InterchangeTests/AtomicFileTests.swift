import Foundation
import Synchronization
import XCTest
@testable import Interchange
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The atomic 0600 writer and the safe reader, on real files, FIFOs, symlinks and a real full
/// disk (a 64 KiB tmpfs; the tests run as root, and skip with the reason when mount fails).
final class AtomicFileTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func entries(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    private func mode(_ path: String) -> mode_t {
        var st = stat()
        XCTAssertEqual(lstat(path, &st), 0)
        return st.st_mode & 0o7777
    }

    private func assertError(
        _ code: InterchangeError.Code, _ expression: @autoclosure () throws -> some Any,
        contains english: String, zh: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            guard let e = error as? InterchangeError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(e.code, code, file: file, line: line)
            XCTAssertTrue(e.reason.contains(english), e.reason, file: file, line: line)
            XCTAssertTrue(e.reasonZH.contains(zh), e.reasonZH, file: file, line: line)
            XCTAssertNotNil(e.hint, file: file, line: line)
            XCTAssertNotNil(e.hintZH, file: file, line: line)
        }
    }

    // MARK: - write

    func testNewFileIsMode0600WhateverTheUmask() throws {
        for mask: mode_t in [0, 0o022, 0o777] {
            let old = umask(mask)
            defer { umask(old) }
            let path = "\(dir)/out-\(mask).csv"
            try AtomicFile.write(Data("客户\n".utf8), to: path, replacing: false)
            XCTAssertEqual(mode(path), 0o600, "umask \(String(mask, radix: 8))")
            XCTAssertEqual(FileManager.default.contents(atPath: path), Data("客户\n".utf8))
        }
        XCTAssertEqual(try entries(dir), ["out-0.csv", "out-18.csv", "out-511.csv"], "no temporary file left")
    }

    func testExistingFileIsKeptWithoutReplacingAndReplacedWithIt() throws {
        let path = "\(dir)/report.csv"
        try AtomicFile.write(Data("old".utf8), to: path, replacing: false)
        assertError(.exists, try AtomicFile.write(Data("new".utf8), to: path, replacing: false),
                    contains: "already exists; add --force to replace it", zh: "已存在")
        XCTAssertEqual(FileManager.default.contents(atPath: path), Data("old".utf8))

        chmod(path, 0o644)
        try AtomicFile.write(Data("new".utf8), to: path, replacing: true)
        XCTAssertEqual(FileManager.default.contents(atPath: path), Data("new".utf8))
        XCTAssertEqual(mode(path), 0o600, "the replacement is a new 0600 file")
        XCTAssertEqual(try entries(dir), ["report.csv"])
    }

    func testEmptyDataAndARelativePathAreWritten() throws {
        let cwd = FileManager.default.currentDirectoryPath
        defer { _ = FileManager.default.changeCurrentDirectoryPath(cwd) }
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
        try AtomicFile.write(Data(), to: "empty.csv", replacing: false)
        XCTAssertEqual(FileManager.default.contents(atPath: "\(dir)/empty.csv"), Data())
    }

    /// 80 Chinese characters are 240 bytes: the temporary name must still fit NAME_MAX.
    func testLongChineseFileNameIsWritten() throws {
        let name = String(repeating: "客户档案", count: 20) + ".csv"
        try AtomicFile.write(Data("x".utf8), to: "\(dir)/\(name)", replacing: false)
        try AtomicFile.write(Data("y".utf8), to: "\(dir)/\(name)", replacing: true)
        XCTAssertEqual(FileManager.default.contents(atPath: "\(dir)/\(name)"), Data("y".utf8))
        XCTAssertEqual(try entries(dir), [name])
    }

    func testSymlinkDestinationIsRefusedAndItsTargetUntouched() throws {
        let target = "\(dir)/target.csv"
        try AtomicFile.write(Data("target".utf8), to: target, replacing: false)
        XCTAssertEqual(symlink(target, "\(dir)/link.csv"), 0)
        XCTAssertEqual(symlink("\(dir)/nowhere.csv", "\(dir)/dangling.csv"), 0)
        for replacing in [false, true] {
            assertError(.badDestination, try AtomicFile.write(Data("x".utf8), to: "\(dir)/link.csv", replacing: replacing),
                        contains: "symbolic link", zh: "符号链接")
            assertError(.badDestination, try AtomicFile.write(Data("x".utf8), to: "\(dir)/dangling.csv", replacing: replacing),
                        contains: "symbolic link", zh: "符号链接")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: target), Data("target".utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(dir)/nowhere.csv"))
        XCTAssertEqual(try entries(dir), ["dangling.csv", "link.csv", "target.csv"])
    }

    func testDirectoryAndFIFODestinationsAreRefused() throws {
        try FileManager.default.createDirectory(atPath: "\(dir)/folder.csv", withIntermediateDirectories: false)
        XCTAssertEqual(mkfifo("\(dir)/fifo.csv", 0o600), 0)
        for replacing in [false, true] {
            assertError(.badDestination, try AtomicFile.write(Data("x".utf8), to: "\(dir)/folder.csv", replacing: replacing),
                        contains: "a folder (directory), not a regular file", zh: "文件夹")
            assertError(.badDestination, try AtomicFile.write(Data("x".utf8), to: "\(dir)/fifo.csv", replacing: replacing),
                        contains: "a pipe (FIFO)", zh: "管道")
        }
        assertError(.badDestination, try AtomicFile.write(Data("x".utf8), to: "/dev/null", replacing: true),
                    contains: "a device", zh: "设备文件")
        XCTAssertEqual(try entries(dir), ["fifo.csv", "folder.csv"])
        XCTAssertEqual(try entries("\(dir)/folder.csv"), [])
    }

    func testMissingFolderIsNamedInBothLanguages() throws {
        assertError(.badDestination, try AtomicFile.write(Data("x".utf8), to: "\(dir)/no/such/out.csv", replacing: false),
                    contains: "\(dir)/no/such/out.csv: the file or folder does not exist", zh: "文件或文件夹不存在")
    }

    /// A real full disk: a 64 KiB tmpfs holding an old report; writing 1 MiB fails with "the
    /// disk is full" in both languages, the old report is untouched and no temporary file is left.
    func testDiskFullLeavesOldFileAndNoTemporaryFile() throws {
        let mountPoint = "\(dir)/tiny"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        do {
            _ = try Tool.run("mount", ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mountPoint])
        } catch let skip as XCTSkip {
            throw skip
        } catch {
            throw XCTSkip("cannot mount a 64 KiB tmpfs to fill a disk (needs root or CAP_SYS_ADMIN): \(error)")
        }
        defer { _ = try? Tool.run("umount", [mountPoint]) }

        let path = "\(mountPoint)/weekly.csv"
        let old = Data("客户名称,客户等级\r\n甲公司,A\r\n".utf8)
        try AtomicFile.write(old, to: path, replacing: false)
        let big = Data(repeating: 0x41, count: 1 << 20)
        for replacing in [true, false] {
            assertError(replacing ? .writeFailed : .exists, try AtomicFile.write(big, to: path, replacing: replacing),
                        contains: replacing ? "\(path): the disk is full" : "already exists", zh: replacing ? "磁盘空间不足" : "已存在")
            XCTAssertEqual(FileManager.default.contents(atPath: path), old)
            XCTAssertEqual(try entries(mountPoint), ["weekly.csv"])
        }
        assertError(.writeFailed, try AtomicFile.write(big, to: "\(mountPoint)/new.csv", replacing: false),
                    contains: "the disk is full", zh: "磁盘空间不足")
        XCTAssertEqual(try entries(mountPoint), ["weekly.csv"], "neither the new file nor a temporary file is left")
    }

    // MARK: - readInput

    func testReadInputReadsARegularFile() throws {
        let path = "\(dir)/in.csv"
        let data = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: data))
        XCTAssertEqual(try AtomicFile.readInput(path), data)
        XCTAssertEqual(try AtomicFile.readInput(path, limit: data.count), data)
        // The size shown rounded down, so never as more than it is.
        assertError(.unreadableFile, try AtomicFile.readInput(path, limit: 1 << 20),
                    contains: "larger than the 1 MB that a file to import may have (at least 2.8 MB)", zh: "文件大小超过了 1 MB 的上限（至少有 2.8 MB）")
        // Just over the limit: no size that would read as the limit itself ("1.0 MB").
        let justOver = "\(dir)/just-over.csv"
        XCTAssertTrue(FileManager.default.createFile(atPath: justOver, contents: Data(count: (1 << 20) + 1)))
        XCTAssertThrowsError(try AtomicFile.readInput(justOver, limit: 1 << 20)) {
            let e = $0 as? InterchangeError
            XCTAssertEqual(e?.reasonZH, "无法导入“\(justOver)”：文件大小超过了 1 MB 的上限。")
            XCTAssertFalse(e?.reason.contains("at least") ?? true)
        }
        XCTAssertTrue(FileManager.default.createFile(atPath: "\(dir)/empty.csv", contents: Data()))
        XCTAssertEqual(try AtomicFile.readInput("\(dir)/empty.csv"), Data())
    }

    /// A missing input is a file problem (exit 2); one that is there but cannot be read
    /// (permissions, a failing disk) is a failure of reading (exit 1, as for an archive), with a
    /// hint about access rather than about choosing a folder to write to. (The tests run as
    /// root, who may read any file: the errors are made from the errno the read would give.)
    func testAnInputThatCannotBeReadIsAFailureOfReadingNotAMissingFile() throws {
        assertError(.unreadableFile, try AtomicFile.readInput("\(dir)/nope.csv"), contains: "does not exist", zh: "不存在")
        for err in [EACCES, EPERM] {
            let e = AtomicFile.unreadable("in.csv", err)
            XCTAssertEqual(e.code, .readFailed)
            XCTAssertEqual(e.reasonZH, "无法读取“in.csv”：没有访问权限。")
            XCTAssertTrue(e.hintZH?.contains("开通读取权限") == true, e.hintZH ?? "")
        }
        XCTAssertEqual(AtomicFile.unreadable("in.csv", EIO).code, .readFailed)
        for err in [ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP] { XCTAssertEqual(AtomicFile.unreadable("in.csv", err).code, .unreadableFile) }
    }

    /// A name that reached the program with U+FFFD (its bytes were not UTF-8) is said to be so,
    /// not "missing"; a name with a line break or an escape is shown on one line, escaped, in
    /// errors and as the import's file name (it cannot print a line of its own).
    func testFileNamesInMessagesAreOneLineAndANonUTF8NameIsNamedSo() throws {
        assertError(.unreadableFile, try AtomicFile.readInput("\(dir)/\u{FFFD}\u{FFFD}.csv"), contains: "not written in UTF-8", zh: "文件名不是 UTF-8 编码")
        let forged = "x\n导入完成：新增 3 条。\n\u{1B}[2J.csv"
        XCTAssertThrowsError(try AtomicFile.readInput("\(dir)/no/\(forged)")) { error in
            let e = error as? InterchangeError
            XCTAssertFalse((e?.reason ?? "\n").contains("\n") || (e?.reasonZH ?? "\n").contains("\n") || (e?.reason ?? "\u{1B}").contains("\u{1B}"), "\(error)")
        }
        let path = "\(dir)/\(forged)"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("客户名称\n甲公司\n".utf8)))
        let source = try ImportSource.load(path)
        XCTAssertFalse(source.fileName.contains("\n") || source.fileName.contains("\u{1B}"), source.fileName)
        XCTAssertTrue(source.fileName.contains("导入完成"), source.fileName)
    }

    /// A file of 8 MiB and more is read into memory mapped for it (its pages made at once): the
    /// same bytes, kept valid in copies after the first value is gone, and the same limit.
    func testReadInputReadsALargeFileThroughItsOwnMapping() throws {
        for size in [8 << 20, (9 << 20) + 3] {
            let path = "\(dir)/large-\(size).csv"
            let data = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 12) })
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: data))
            var read: Data? = try AtomicFile.readInput(path, limit: size)
            let copy = read!.subdata(in: 5..<(size - 5))
            XCTAssertEqual(read, data)
            read = nil
            XCTAssertEqual(copy, data.subdata(in: 5..<(size - 5)))
            assertError(.unreadableFile, try AtomicFile.readInput(path, limit: size - 1), contains: "larger than", zh: "超过")
        }
    }

    /// A file that grows, shrinks or is rewritten while it is read is refused (a half-written
    /// last row must not be imported), small and large alike.
    func testReadInputRefusesAFileThatChangesWhileItIsRead() throws {
        for size in [1_000, (8 << 20) + 1] {
            let path = "\(dir)/changing-\(size).csv"
            let data = Data(repeating: UInt8(ascii: "x"), count: size)
            let changes: [() -> Void] = [
                { let h = FileHandle(forWritingAtPath: path)!; h.seekToEndOfFile(); h.write(Data("甲,备注前半".utf8)); h.closeFile() },  // appended
                { _ = truncate(path, off_t(size / 2)) },  // truncated
                { var t = [timespec(tv_sec: 1_700_000_000, tv_nsec: 5), timespec(tv_sec: 1_700_000_000, tv_nsec: 5)]; _ = utimensat(AT_FDCWD, path, &t, 0) },  // rewritten in place
            ]
            for change in changes {
                XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: data))
                XCTAssertEqual(try AtomicFile.readInput(path, limit: 1 << 30, afterRead: nil), data)
                assertError(.unreadableFile, try AtomicFile.readInput(path, limit: 1 << 30, afterRead: change),
                            contains: "it changed while it was being read", zh: "读取过程中文件发生了变化")
            }
        }
    }

    /// A FIFO with no writer would block a plain open() for ever; readInput must return an error
    /// at once. Should it block, the test opens the FIFO for writing to free it, then fails.
    func testReadInputOnAFIFOFailsAtOnce() throws {
        guard #available(macOS 15.0, *) else { throw XCTSkip("Mutex needs macOS 15") }
        let fifo = "\(dir)/pipe.csv"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        Thread {
            do { _ = try AtomicFile.readInput(fifo) } catch { result.set(error) }
            done.signal()
        }.start()
        if done.wait(timeout: .now() + 5) == .timedOut {
            let fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            _ = done.wait(timeout: .now() + 5)
            return XCTFail("readInput blocked on a FIFO")
        }
        let e = result.get() as? InterchangeError
        XCTAssertEqual(e?.code, .unreadableFile)
        XCTAssertTrue(e?.reason.contains("a pipe (FIFO), not a regular file") ?? false, "\(String(describing: result.get()))")
        XCTAssertTrue(e?.reasonZH.contains("管道") ?? false)
    }

    func testReadInputRefusesDirectoryMissingFileDeviceAndSocket() throws {
        assertError(.unreadableFile, try AtomicFile.readInput(dir), contains: "a folder (directory)", zh: "文件夹")
        assertError(.unreadableFile, try AtomicFile.readInput("\(dir)/missing.csv"),
                    contains: "\(dir)/missing.csv: the file or folder does not exist", zh: "不存在")
        assertError(.unreadableFile, try AtomicFile.readInput("/dev/zero"), contains: "a device", zh: "设备文件")
        let socketPath = "\(dir)/s.sock"
        _ = try Tool.python("import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", input: Data(), arguments: [socketPath])
        assertError(.unreadableFile, try AtomicFile.readInput(socketPath), contains: "a socket", zh: "套接字")
    }

    func testReadInputFollowsASymlinkToARegularFile() throws {
        let path = "\(dir)/real.csv"
        try AtomicFile.write(Data("a,b\n".utf8), to: path, replacing: false)
        XCTAssertEqual(symlink(path, "\(dir)/link.csv"), 0)
        XCTAssertEqual(try AtomicFile.readInput("\(dir)/link.csv"), Data("a,b\n".utf8))
    }
}

/// The outcome of the FIFO test's reader thread, handed back under a lock.
@available(macOS 15.0, *)
private final class ResultBox: Sendable {
    private let value = Mutex<(any Error)?>(nil)
    func set(_ error: any Error) { value.withLock { $0 = error } }
    func get() -> (any Error)? { value.withLock { $0 } }
}

/// The memory an import needs is asked for before the file becomes tables: a clear refusal,
/// not a process stopped by a failed allocation.
final class MemoryBudgetTests: XCTestCase {
    func testTheBudgetIsWhatTheSystemAndTheAddressSpaceLimitLeave() {
        let meminfo = "MemTotal:       24000000 kB\nMemAvailable:    2000000 kB\nSwapFree:         500000 kB\n"
        XCTAssertEqual(MemoryBudget.available(meminfo: meminfo, status: "VmSize:  300000 kB\n", addressSpaceLimit: nil), 2_500_000 << 10)
        XCTAssertEqual(MemoryBudget.available(meminfo: meminfo, status: "VmSize:  300000 kB\n", addressSpaceLimit: 1_000_000 << 10, threadReserve: 0), 700_000 << 10)
        // Under a limit of the address space, the import's threads' stacks are left out first
        // (without it, a 3 MB list under `ulimit -v` 300000 was let in and hung or crashed).
        XCTAssertEqual(MemoryBudget.available(meminfo: meminfo, status: "VmSize:  300000 kB\n", addressSpaceLimit: 1_000_000 << 10,
                                              threadReserve: MemoryBudget.threadReserve(cores: 2, stack: 8 << 20)), (700_000 << 10) - 5 * (9 << 20))
        XCTAssertEqual(MemoryBudget.available(meminfo: meminfo, status: "VmSize:  300000 kB\n", addressSpaceLimit: nil, threadReserve: 1 << 30), 2_500_000 << 10,
                       "without a limit, the threads' address space is not memory")
        XCTAssertNil(MemoryBudget.available(meminfo: nil, status: nil, addressSpaceLimit: nil))
        XCTAssertNotNil(MemoryBudget.available(), "this machine's /proc/meminfo is read")
    }

    func testAnImportThatWouldNotFitIsRefusedWithTheFiguresAndOneThatFitsIsNot() throws {
        XCTAssertNoThrow(try MemoryBudget.check(importOf: 100 << 20, name: "log.csv", available: 4 << 30))
        XCTAssertNoThrow(try MemoryBudget.check(importOf: 100 << 20, name: "log.csv", available: nil))
        XCTAssertThrowsError(try MemoryBudget.check(importOf: 1 << 30, name: "大.csv", available: 8 << 30, underLimit: false)) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.code, .readFailed)
            XCTAssertEqual(e?.reasonZH, "导入“大.csv”（1.0 GB）大约需要 16.1 GB 内存，但本机目前只有 8.0 GB 可用内存。")
        }
        XCTAssertThrowsError(try MemoryBudget.check(importOf: 147 << 20, name: "宽.csv", available: 2 << 30, underLimit: false)) { error in
            XCTAssertEqual((error as? InterchangeError)?.reasonZH, "导入“宽.csv”（147 MB）大约需要 2.4 GB 内存，但本机目前只有 2.0 GB 可用内存。")
            // The part size the hint gives fits: (2 GiB - 64 MiB) / 16, with a fifth to spare.
            XCTAssertEqual((error as? InterchangeError)?.hintZH, "请将文件拆分为几个较小的文件（每个不超过 99 MB）后分别导入。")
            XCTAssertLessThanOrEqual(MemoryBudget.need(forImportOf: 99 << 20), 2 << 30)
        }
        // Under `ulimit -v`: the limit is named as what leaves no memory, not the computer (which
        // has plenty), and raising it is the advice; a small file's size is not rounded to 3 MB
        // (black-box finding: "这台电脑目前只有 0 MB 可用内存", "每个不超过 0 MB" for a 4.1 MB log).
        XCTAssertThrowsError(try MemoryBudget.check(importOf: 4_138_312, name: "log.csv", available: 0, underLimit: true)) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.reasonZH, "导入“log.csv”（3.9 MB）大约需要 127 MB 内存，但本程序受内存上限（ulimit -v）限制，剩余可用内存不足 1 MB。")
            XCTAssertEqual(e?.hintZH, "请提高内存上限（ulimit -v）后重试。")
            XCTAssertEqual(e?.hint, "Raise the limit (ulimit -v) and try again.")
        }
        XCTAssertThrowsError(try MemoryBudget.check(importOf: 30 << 20, name: "客户.csv", available: 300 << 20, underLimit: true)) { error in
            XCTAssertEqual((error as? InterchangeError)?.reasonZH, "导入“客户.csv”（30 MB）大约需要 544 MB 内存，但本程序受内存上限（ulimit -v）限制，最多还能使用 300 MB。")
            XCTAssertEqual((error as? InterchangeError)?.hintZH, "请提高内存上限（ulimit -v）后重试，或将文件拆分为几个较小的文件（每个不超过 11 MB）后分别导入。")
        }
        XCTAssertThrowsError(try MemoryBudget.check(importOf: 30 << 20, name: "客户.csv", available: 70 << 20, underLimit: false)) { error in
            XCTAssertEqual((error as? InterchangeError)?.hintZH, "请关闭其他程序、释放内存后重试。")
        }
    }

    /// An export is counted before its tables are built (black-box finding: an XLSX export of
    /// 100,000 customers under `ulimit -v` 400000 stopped with SIGABRT, exit 134, no message).
    func testAnExportThatWouldNotFitIsRefusedWithTheFiguresAndAWayOut() throws {
        let cells = 100_001 * 23  // 100,000 customers of 22 fields and the record id, the header
        XCTAssertNoThrow(try MemoryBudget.check(exportOf: 100_000, cells: cells, format: .xlsx, available: 4 << 30))
        XCTAssertNoThrow(try MemoryBudget.check(exportOf: 100_000, cells: cells, format: .xlsx, available: nil))
        // What such an export took under `ulimit -v` (PERFORMANCE.md: it ran with 110 MB left
        // for CSV, 450 MB for XLSX, 430 MB for JSON, and stopped with less) is within the count.
        XCTAssertGreaterThan(MemoryBudget.need(forExportOf: cells, format: .csv), 110 << 20)
        XCTAssertGreaterThan(MemoryBudget.need(forExportOf: cells, format: .xlsx), 450 << 20)
        XCTAssertGreaterThan(MemoryBudget.need(forExportOf: cells, format: .json), 430 << 20)
        XCTAssertThrowsError(try MemoryBudget.check(exportOf: 100_000, cells: cells, format: .xlsx, available: 300 << 20, underLimit: true)) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.code, .readFailed)
            XCTAssertEqual(e?.reasonZH, "导出 100000 条记录（XLSX 格式）大约需要 503 MB 内存，但本程序受内存上限（ulimit -v）限制，最多还能使用 300 MB。")
            XCTAssertEqual(e?.hintZH, "请提高内存上限（ulimit -v）后重试；也可以改为导出 CSV（--format csv，占用内存较少）。")
        }
        XCTAssertThrowsError(try MemoryBudget.check(exportOf: 100_000, cells: cells, format: .csv, available: 100 << 20, underLimit: false)) { error in
            XCTAssertEqual((error as? InterchangeError)?.reasonZH, "导出 100000 条记录（CSV 格式）大约需要 152 MB 内存，但本机目前只有 100 MB 可用内存。")
            XCTAssertEqual((error as? InterchangeError)?.hintZH, "请关闭其他程序、释放内存后重试。", "one kind already: no advice to export one kind at a time")
        }
        // Several kinds: one at a time; an encrypted workbook is not advised to become a CSV
        // (plaintext) (black-box findings).
        XCTAssertThrowsError(try MemoryBudget.check(exportOf: 100_000, cells: cells, format: .xlsx, kinds: 5, available: 100 << 20, underLimit: true)) { error in
            XCTAssertEqual((error as? InterchangeError)?.hintZH, "请提高内存上限（ulimit -v）后重试；也可以用 --kind 按记录类型（客户、联系人、项目等）分别导出。")
        }
        XCTAssertThrowsError(try MemoryBudget.check(exportOf: 100_000, cells: cells, format: .xlsx, encrypted: true, available: 100 << 20, underLimit: true)) { error in
            XCTAssertEqual((error as? InterchangeError)?.hintZH, "请提高内存上限（ulimit -v）后重试。")
        }
        // Several kinds asked for, one with records: neither a CSV (of several kinds, refused)
        // nor one kind at a time helps.
        XCTAssertThrowsError(try MemoryBudget.check(exportOf: 100_000, cells: cells, format: .xlsx, kinds: 5, withRecords: 1, available: 100 << 20, underLimit: true)) { error in
            XCTAssertEqual((error as? InterchangeError)?.hintZH, "请提高内存上限（ulimit -v）后重试。")
        }
        // Amounts: a maximum is rounded down in GB too; just under 1 MB is not "1024 KB".
        XCTAssertEqual(MemoryBudget.amount(Int(2.06 * Double(1 << 30)), down: true), "2.0 GB")
        XCTAssertEqual(MemoryBudget.amount(Int(2.06 * Double(1 << 30))), "2.1 GB")
        XCTAssertEqual(MemoryBudget.amount((1 << 20) - 100), "1.0 MB")
        XCTAssertEqual(MemoryBudget.amount((1 << 20) - 100, down: true), "1023 KB")
    }

    /// Opening an archive is counted before its records are read (black-box findings: under
    /// `ulimit -v` 150000–175000 a 100,000-customer archive stopped the process with SIGABRT
    /// while its records were applied; under 120000 even a 2-customer archive waited for ever
    /// for a thread, holding the archive's lock).
    func testOpeningAnArchiveThatWouldNotFitIsRefusedBeforeItsRecordsAreRead() throws {
        XCTAssertNoThrow(try MemoryBudget.check(openingArchiveOf: 15_600_000, name: "a.svault", available: 55 << 20, underLimit: true),
                         "what that archive opened with before the check")
        XCTAssertGreaterThan(MemoryBudget.need(forOpening: 15_600_000), 35 << 20, "what it stopped with")
        XCTAssertThrowsError(try MemoryBudget.check(openingArchiveOf: 15_600_000, name: "张伟.svault", available: 40 << 20, underLimit: true)) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.code, .readFailed)
            XCTAssertEqual(e?.reasonZH, "打开档案“张伟.svault”（记录数据 15 MB）大约需要 53 MB 内存，但本程序受内存上限（ulimit -v）限制，最多还能使用 40 MB。")
            XCTAssertEqual(e?.hintZH, "请提高内存上限（ulimit -v）后重试。档案未作任何改动。")
        }
        // A command that builds more (history, undo, a report) counts more; never less than opening.
        XCTAssertEqual(MemoryBudget.need(forOpening: 15_600_000, times: 32), 15_600_000 * 32 + (8 << 20))
        XCTAssertEqual(MemoryBudget.need(forOpening: 15_600_000, times: 1), MemoryBudget.need(forOpening: 15_600_000))
        XCTAssertThrowsError(try MemoryBudget.check(openingArchiveOf: 15_600_000, name: "a.svault", times: 13, available: 190 << 20, underLimit: true)) { error in
            XCTAssertEqual((error as? InterchangeError)?.reasonZH, "打开档案“a.svault”（记录数据 15 MB）并执行此命令大约需要 201 MB 内存，但本程序受内存上限（ulimit -v）限制，最多还能使用 190 MB。")
        }
        // What a command needs besides its records (a new password's scrypt) is counted with them.
        XCTAssertNoThrow(try MemoryBudget.check(openingArchiveOf: 2_000, name: "a.svault", available: 200 << 20, underLimit: true))
        XCTAssertThrowsError(try MemoryBudget.check(openingArchiveOf: 2_000, name: "a.svault", extra: 257 << 20, available: 200 << 20, underLimit: true)) { error in
            XCTAssertEqual((error as? InterchangeError)?.reasonZH, "打开档案“a.svault”并执行此命令大约需要 265 MB 内存，但本程序受内存上限（ulimit -v）限制，最多还能使用 200 MB。")
        }
        XCTAssertThrowsError(try MemoryBudget.check(openingArchiveOf: 2_000, name: "a.svault", available: -(5 << 20), underLimit: true)) { error in
            XCTAssertEqual((error as? InterchangeError)?.reasonZH, "打开档案“a.svault”大约需要 8.0 MB 内存，但本程序受内存上限（ulimit -v）限制，剩余可用内存不足 1 MB。")
            XCTAssertEqual((error as? InterchangeError)?.reason, "opening a.svault would need about 8.0 MB of memory, and this program's memory is limited (ulimit -v): less than 1 MB is left.",
                           "(under 1 MB, the records' size is not said: \"0 KB of records\" read oddly)")
        }
    }

    /// `--json` of a listing is counted before it is built, as an export's JSON (black-box sweep:
    /// `customer list --json` of 100,000 customers stopped with SIGABRT or SIGSEGV between
    /// 250,000 and 500,000 KB of `ulimit -v`, where the table ran).
    func testAJSONListingThatWouldNotFitIsRefusedBeforeItIsBuilt() throws {
        let cells = 100_000 * 26
        XCTAssertNoThrow(try MemoryBudget.check(listingOf: 100_000, cells: cells, available: 700 << 20, underLimit: true))
        XCTAssertNoThrow(try MemoryBudget.check(listingOf: 10, cells: 260, available: 20 << 20, underLimit: true), "a short listing where little is left")
        XCTAssertThrowsError(try MemoryBudget.check(listingOf: 100_000, cells: cells, available: 300 << 20, underLimit: true)) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.code, .readFailed)
            XCTAssertEqual(e?.reasonZH, "以 JSON 格式输出 100000 条记录大约需要 512 MB 内存，但本程序受内存上限（ulimit -v）限制，最多还能使用 300 MB。")
            XCTAssertEqual(e?.hintZH, "请提高内存上限（ulimit -v）后重试，或去掉 --json（以表格显示，占用内存较少）。")
            XCTAssertEqual(e?.hint, "Raise the limit (ulimit -v) and try again, or leave out --json (a table needs less).")
        }
    }

}
