import Foundation
import XCTest

/// Issue 11 through the built binary: a registry put back is not signed on top of, names that
/// would be paths or hide controls are refused, `dept init`'s directory modes, a FIFO among the
/// archives (DEPARTMENT.md §1, §3.1, §3.4, §6).
final class DepartmentHardeningCLITests: DepartmentCLITestCase {
    /// Managers without roles, and the department's default KDF floor.
    override func makeFixture() throws -> DepartmentFixture {
        try DepartmentFixture(managers: [DepartmentFixture.Manager.li.withoutRole(), DepartmentFixture.Manager.wang.withoutRole()], lowerKDFFloor: false)
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
