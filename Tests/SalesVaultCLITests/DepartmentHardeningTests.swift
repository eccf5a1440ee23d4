import Foundation
import XCTest

/// Issue 11 through the built binary: a registry put back is not signed on top of, names that
/// would be paths or hide controls are refused, `dept init`'s directory modes, a FIFO among the
/// archives (DEPARTMENT.md §1, §3.1, §3.4, §6).
final class DepartmentHardeningCLITests: XCTestCase {
    var dir: TempDir!
    var dept: String { dir.path("D") }
    let t0: Int64 = 1_767_261_600  // 2026-01-01 10:00 UTC

    override func setUpWithError() throws {
        dir = try TempDir()
        _ = try dir.write("pw", "horse battery staple\n")
        _ = try dir.write("ap", "admin pass phrase 2026\n")
        _ = try dir.write("lp", "manager li passphrase\n")
        _ = try dir.write("wp", "general wang passphrase\n")
        try sv(["dept", "init", dept, "--name", "华东区销售部", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap"), "--insecure-kdf-cost", "10"])
        try sv(["keys", "generate", "li", "--dir", dir.path("k"), "--passphrase-file", dir.path("lp"), "--insecure-kdf-cost", "10"])
        try sv(["keys", "generate", "wang", "--dir", dir.path("k"), "--passphrase-file", dir.path("wp"), "--insecure-kdf-cost", "10"])
        try admin(["add-manager", dept, "李经理", "--pub", dir.path("k/li.pub")])
        try admin(["add-manager", dept, "王总", "--pub", dir.path("k/wang.pub")])
    }

    @discardableResult
    func sv(_ args: [String], now: Int64? = nil, expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let r = try runTool(args, environment: ["TZ": "UTC", "SALESVAULT_NOW": String(now ?? t0)])
        XCTAssertEqual(r.status, status, "\(args.joined(separator: " ")): \(r.stdout)\(r.stderr)", file: file, line: line)
        return r
    }

    @discardableResult
    func admin(_ args: [String], expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        try sv(["dept"] + args + ["--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap")], expect: status, file: file, line: line)
    }

    func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func testARegistryPutBackIsRefusedAndNoSerialIsSignedTwice() throws {
        let (json, sig) = (dept + "/department.json", dept + "/department.sig")
        let (oldJSON, oldSig) = (try read(json), try read(sig))  // serial 3, with 王总
        try admin(["remove-manager", dept, "王总"])  // serial 4
        try oldJSON.write(to: URL(fileURLWithPath: json))
        try oldSig.write(to: URL(fileURLWithPath: sig))
        let refused = try admin(["add-salesperson", dept, "张伟"], expect: 4)
        XCTAssertTrue(refused.stderr.contains("older than the newest registry this administrator key signed (serial 4)"), refused.stderr)
        XCTAssertEqual(try read(json), oldJSON, "nothing signed")
        var st = stat()
        XCTAssertEqual(stat(dir.path("admin.key.seen"), &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
    }

    func testDeptInitCreatesItsDirectoriesIndependentlyOfTheUmask() throws {
        for sub in ["", "/keys", "/archives", "/reports"] {
            var st = stat()
            XCTAssertEqual(stat(dept + sub, &st), 0)
            XCTAssertEqual(st.st_mode & 0o777, 0o750, sub)
        }
    }

    func testNamesThatArePathsOrHideControlsAreRefusedInEnglishAndChinese() throws {
        for bad in ["../evil", "a/b", ".hidden", "-rf", "张\u{202E}伟", "x\u{7}"] {
            let r = try sv(["dept", "add-salesperson", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap"), "--", dept, bad], expect: 8)
            XCTAssertTrue(r.stderr.contains("the name"), "\(bad): \(r.stderr)")
            let i = try sv(["init", "--department", dept, "--owner=\(bad)", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"], expect: 64)
            XCTAssertTrue(i.stderr.contains("--owner"), "\(bad): \(i.stderr)")
        }
        let zh = try sv(["--lang", "zh", "dept", "add-salesperson", dept, "../evil", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap")], expect: 8)
        XCTAssertTrue(zh.stderr.contains("不能包含路径"), zh.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("evil.svault")))
        // NFD in, NFC everywhere: the registry, the file name and the header.
        let nfd = "Zoe\u{301}"
        try admin(["add-salesperson", dept, nfd])
        try sv(["init", "--department", dept, "--owner", nfd, "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"] + adminFingerprintOption(dept))
        let names = try FileManager.default.contentsOfDirectory(atPath: dept + "/archives")
        XCTAssertEqual(names.map { Array($0.unicodeScalars) }, [Array("Zo\u{E9}.svault".unicodeScalars)])
        let registry = String(decoding: try read(dept + "/department.json"), as: UTF8.self)
        XCTAssertTrue(registry.unicodeScalars.map(\.value).contains(0xE9))
        XCTAssertFalse(registry.unicodeScalars.map(\.value).contains(0x301))
        let status = try sv(["status", dept + "/archives/Zo\u{E9}.svault", "--json"])
        XCTAssertTrue(status.stdout.unicodeScalars.map(\.value).contains(0xE9), status.stdout)
        XCTAssertFalse(status.stdout.unicodeScalars.map(\.value).contains(0x301), status.stdout)
    }

    func testAFIFOAmongTheArchivesDoesNotHangComplianceOrReminders() throws {
        XCTAssertEqual(mkfifo(dept + "/archives/fifo.svault", 0o600), 0)
        let report = try sv(["compliance", dept, "--json"])
        XCTAssertTrue(report.stdout.contains("not a regular file"), report.stdout)
        try sv(["reminders", "--ics", dept])
    }
}
