import Foundation
import TestSupport
import XCTest

/// Runs the built executables as real processes.
enum Binaries {
    /// The build products folder: `$SALESVAULT_BIN_DIR`, or the folder holding the test bundle.
    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["SALESVAULT_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        var url = Bundle(for: Marker.self).bundleURL
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("salesvault").path) {
            url = url.deletingLastPathComponent()
        }
        return url
    }
    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
    private final class Marker {}
}

struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Where the tools run by the tests keep their once-a-day reminder record (one per test run).
let testStateDirectory: String = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("svstate-\(UUID().uuidString)")
    TempDirSweeper.shared.keep(url)
    return url.path
}()

/// Runs `salesvault` (or another product) with `arguments`, feeding `stdin`, and waits.
@discardableResult
func runTool(
    _ arguments: [String], binary: String = "salesvault", executable: String? = nil, stdin: String? = nil,
    stdinBytes: Data? = nil, environment: [String: String] = [:], cwd: URL? = nil
) throws -> RunResult {
    let process = Process()
    process.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? Binaries.url(binary)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    env["LANG"] = "C.UTF-8"
    env.removeValue(forKey: "LC_ALL")
    env["SALESVAULT_STATE_DIR"] = testStateDirectory  // reminders shown once a day: never the real home's record
    // The test clock (SALESVAULT_NOW) is honoured only with the testing switch (issue 13); a test
    // that checks the switch itself removes it by passing an empty value.
    env["SALESVAULT_TESTING"] = "1"
    for (k, v) in environment { env[k] = v }
    if env["SALESVAULT_TESTING"] == "" { env.removeValue(forKey: "SALESVAULT_TESTING") }
    process.environment = env
    if let cwd { process.currentDirectoryURL = cwd }
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    if let stdinBytes { input.fileHandleForWriting.write(stdinBytes) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

final class TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("svcli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        TempDirSweeper.shared.keep(url)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func write(_ name: String, _ text: String) throws -> String {
        let p = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }
    deinit { TempDirSweeper.remove(url) }
}

func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

/// A test with a fresh archive (owner 张伟, password in `pw`, test KDF cost) in a temporary
/// folder, and a clock that moves a minute per command.
class ArchiveCommandTestCase: XCTestCase {
    var dir: TempDir!
    var env: [String: String] = [:]
    var clock: Int64 = 1_795_392_000  // 2026-11-23 (a Monday) 00:00 UTC

    override func setUpWithError() throws {
        dir = try TempDir()
        _ = try dir.write("pw", "horse battery staple 9\n")
        env = ["SALESVAULT_ARCHIVE": dir.path("a.svault"), "TZ": "UTC"]
        let r = try runTool(["init", dir.path("a.svault"), "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Runs a command on the archive a minute after the previous one, with the password file.
    func runOnArchive(_ args: [String], stdin: String? = nil) throws -> RunResult {
        clock += 60
        var e = env
        e["SALESVAULT_NOW"] = String(clock)
        return try runTool(args + ["--password-file", dir.path("pw")], stdin: stdin, environment: e)
    }
}

/// An archive of 张伟 in a fresh folder, worked on day by day from Monday 2026-11-23 (UTC) with
/// the password in a file: the week of ArchiveCLITests, the day of EverydayCLITests.
class WeekArchiveTestCase: XCTestCase {
    var dir: TempDir!
    var env: [String: String] = [:]
    let monday: Int64 = 1_795_392_000  // 2026-11-23 (a Monday) 00:00 UTC
    /// The archive's file name in `dir`.
    var archiveName: String { "week.svault" }

    override func setUpWithError() throws {
        dir = try TempDir()
        let pw = try dir.write("pw", "horse battery staple\n")
        env = ["SALESVAULT_ARCHIVE": dir.path(archiveName), "TZ": "UTC"]
        let r = try runTool(["init", dir.path(archiveName), "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Runs a command at day `d` (0 = Monday) and `hour`, with the archive and password set.
    @discardableResult
    func sv(_ args: [String], day d: Int, hour: Int = 10, expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        var e = env
        e["SALESVAULT_NOW"] = String(monday + Int64(d) * 86_400 + Int64(hour) * 3600)
        let r = try runTool(args + ["--password-file", dir.path("pw")], environment: e)
        XCTAssertEqual(r.status, status, "\(args): \(r.stdout)\(r.stderr)", file: file, line: line)
        return r
    }
}

/// Mounts a tmpfs of `size` at `path` (made if missing), to fill; skips the test where that
/// cannot be done (not root). Returns what unmounts it.
func mountSmallDisk(at path: String, size: String) throws -> () -> Void {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let mount = Process()
    mount.executableURL = URL(fileURLWithPath: "/bin/mount")
    mount.arguments = ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path]
    try mount.run()
    mount.waitUntilExit()
    guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a small tmpfs here (needs root): the full-disk case is not exercised") }
    return {
        let umount = Process()
        umount.executableURL = URL(fileURLWithPath: "/bin/umount")
        umount.arguments = [path]
        try? umount.run()
        umount.waitUntilExit()
    }
}

/// Fills the small disk at `path` (from `mountSmallDisk`) with a file `fill`, a KiB at a time
/// until a write fails: the next write there finds the disk full. Removing `fill` makes room.
func fillSmallDisk(at path: String) throws {
    FileManager.default.createFile(atPath: path + "/fill", contents: nil)
    let filler = try XCTUnwrap(FileHandle(forWritingAtPath: path + "/fill"))
    while (try? filler.write(contentsOf: Data(count: 1024))) != nil {}
    try? filler.close()
}
