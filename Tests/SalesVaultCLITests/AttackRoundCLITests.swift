import Department
import Foundation
import VaultCrypto
import VaultFormat
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The attack round on the full check and the compliance check (issue 13 fixes): failures that
/// are not tampering (missing, unreadable, in use, a folder, a FIFO) never exit 4; an archive its
/// owner has open; k-of-n shares named; `--identity` without `--verify`; key names; the problems
/// below the table; the backup copy's warning; Chinese texts of the full check.
final class AttackRoundCLITests: XCTestCase {
    /// The department, its three managers and the test clock (DepartmentFixture.swift).
    var f: DepartmentFixture!
    var dir: TempDir { f.dir }
    var dept: String { f.dept }
    var t0: Int64 { f.t0 }

    override func setUpWithError() throws {
        f = try DepartmentFixture(managers: [.li, .wang, .chen])
    }

    override func tearDown() { f = nil }

    @discardableResult
    func sv(_ args: [String], expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        try f.sv(args, expect: status, file: file, line: line)
    }

    /// As `sv`, killed after 20 s (exit 124): a command that would hang on a FIFO fails the test.
    @discardableResult
    func svTimed(_ args: [String], expect status: Int32, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let r = try runTool(["20", Binaries.url("salesvault").path] + args, executable: "/usr/bin/timeout",
                            environment: ["TZ": "UTC", "SALESVAULT_NOW": String(t0)])
        XCTAssertEqual(r.status, status, "\(args.joined(separator: " ")): \(r.stdout)\(r.stderr)", file: file, line: line)
        return r
    }

    func admin(_ args: [String]) throws { try f.admin(args) }

    func key(_ file: String) -> [String] { f.key(file) }

    @discardableResult
    func newArchive(_ owner: String) throws -> String { try f.newArchive(owner) }

    func rows(_ json: String) throws -> [[String: Any]] {
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try XCTUnwrap(report["archives"] as? [[String: Any]])
    }

    /// The owner's `shell` holds the archive's exclusive lock for the whole session: so does this.
    func holdLock(_ path: String) -> Int32 {
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        return fd
    }

    // 1. Failures that are not tampering.
    func testEscrowVerifyExitsWithTheFilesOwnStatusWhenItCannotCheck() throws {
        let a = try newArchive("张伟")
        let missing = try sv(["escrow", "verify", dept + "/archives/nobody.svault"] + key("li"), expect: 2)
        XCTAssertTrue(missing.stderr.contains("file not found"), missing.stderr)
        XCTAssertFalse(missing.stderr.contains("altered"), missing.stderr)
        let folder = try sv(["escrow", "verify", dept] + key("li"), expect: 2)
        XCTAssertTrue(folder.stderr.contains("is a folder"), folder.stderr)
        XCTAssertEqual(try sv(["escrow", "check-share", dept] + key("li"), expect: 2).status, 2)
        if getuid() != 0 {
            chmod(a, 0)
            let denied = try sv(["escrow", "verify", a] + key("li"), expect: 1)
            XCTAssertTrue(denied.stderr.contains("permission denied"), denied.stderr)
            chmod(a, 0o600)
        }
        // A symbolic link is followed, as verify, status and check-share do.
        XCTAssertEqual(symlink(a, dir.path("link.svault")), 0)
        try sv(["escrow", "verify", dir.path("link.svault")] + key("li"))
        try sv(["escrow", "check-share", dir.path("link.svault")] + key("li"))
        // compliance still lists a link under archives/ as foreign, never opened.
        XCTAssertEqual(symlink(a, dept + "/archives/link.svault"), 0)
        let report = try sv(["compliance", dept, "--json", "--verify"] + key("li"))
        let link = try XCTUnwrap(try rows(report.stdout).first { ($0["archive"] as? String) == "archives/link.svault" })
        XCTAssertTrue((link["problem"] as? String)?.hasPrefix("foreign: not a regular file") == true, "\(link)")
    }

    // 2. An archive its owner has open.
    func testAnArchiveInUseIsReadByComplianceAndSaidInUseByTheFullCheck() throws {
        let a = try newArchive("张伟")
        let fd = holdLock(a)
        defer { close(fd) }
        let plain = try sv(["compliance", dept, "--json"])
        let row = try XCTUnwrap(try rows(plain.stdout).first)
        XCTAssertNil(row["problem"], "\(row)")
        XCTAssertEqual(row["owner"] as? String, "张伟")
        let verify = try sv(["compliance", dept, "--json", "--verify"] + key("li"), expect: 9)
        let v = try XCTUnwrap(try rows(verify.stdout).first)
        XCTAssertEqual(v["verified"] as? String, "in use")
        XCTAssertTrue((v["problem"] as? String)?.contains("run the check again when the owner has closed it") == true, "\(v)")
        let escrow = try sv(["escrow", "verify", a] + key("li"), expect: 5)
        XCTAssertTrue(escrow.stderr.contains("is in use"), escrow.stderr)
        XCTAssertFalse(escrow.stderr.contains("altered"), escrow.stderr)
    }

    // 3. k-of-n: an inconsistent share named; too few keys.
    func testEscrowVerifyNamesAnInconsistentShareAndSaysTooFewKeys() throws {
        try admin(["policy", dept, "--threshold", "2"])
        let a = try newArchive("张伟")
        do {
            let vault = try Vault.open(path: a, password: SecureBytes(Array("horse battery staple".utf8)), access: .readWrite)
            try vault.redealEscrowForTesting(legacy: false, inconsistentShare: 3)  // 陈审计
        }
        let bad = try sv(["escrow", "verify", a] + key("li") + key("chen"), expect: 4)
        XCTAssertTrue(bad.stderr.contains("陈审计") && bad.stderr.contains("share inconsistent"), bad.stderr)
        XCTAssertFalse(bad.stderr.contains("no header copy authenticates"), bad.stderr)
        let few = try sv(["escrow", "verify", a] + key("li"), expect: 3)
        XCTAssertTrue(few.stderr.contains("too few keys: 2 managers' keys are needed"), few.stderr)
        let zh = try sv(["escrow", "verify", a, "--lang", "zh"] + key("li"), expect: 3)
        XCTAssertTrue(zh.stderr.contains("密钥不足"), zh.stderr)
        try sv(["escrow", "verify", a] + key("li") + key("wang"))
    }

    // 4. A FIFO in place of an archive.
    func testAFIFOInPlaceOfAnArchiveIsRefusedWithoutHanging() throws {
        try newArchive("张伟")
        let fifo = dir.path("fifo.svault")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for args in [["status", fifo], ["verify", fifo, "--password-file", dir.path("pw")], ["escrow", "list", fifo],
                     ["escrow", "check-share", fifo] + key("li"), ["escrow", "verify", fifo] + key("li"),
                     ["escrow", "reset-password", fifo] + key("li"), ["customer", "list", "-a", fifo, "--password-file", dir.path("pw")]] {
            let r = try svTimed(args, expect: 2)
            XCTAssertTrue(r.stderr.contains("not a regular file"), "\(args): \(r.stderr)")
        }
    }

    // 5. --identity without --verify.
    func testComplianceRefusesAKeyWithoutVerify() throws {
        try newArchive("张伟")
        let r = try sv(["compliance", dept] + key("li"), expect: 64)
        XCTAssertTrue(r.stderr.contains("--identity needs --verify"), r.stderr)
        let zh = try sv(["compliance", dept, "--lang", "zh"] + key("li"), expect: 64)
        XCTAssertTrue(zh.stderr.contains("--identity 须与 --verify 一起使用"), zh.stderr)
    }

    // 6. Key names with control or bidi characters.
    func testKeysGenerateRefusesControlAndBidiCharacters() throws {
        for name in ["li\u{1B}[31m", "li\u{202E}gnp", "a\nb"] {
            let r = try sv(["keys", "generate", name, "--dir", dir.path("k2"), "--passphrase-file", dir.path("lp"), "--insecure-kdf-cost", "10"], expect: 8)
            XCTAssertTrue(r.stderr.contains("control, bidi or zero-width"), r.stderr)
        }
        XCTAssertTrue(((try? FileManager.default.contentsOfDirectory(atPath: dir.path("k2"))) ?? []).isEmpty)
    }

    // 7. Problems below the table.
    func testComplianceTablePrintsProblemsBelowTheTable() throws {
        try newArchive("张伟")
        _ = try dir.write("D/archives/notes.txt", "hello")
        let r = try sv(["compliance", dept])
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let problems = try XCTUnwrap(lines.firstIndex(of: "Problems:"), r.stdout)
        XCTAssertTrue(lines[problems + 1].contains("archives/notes.txt: foreign: not a .svault file"), r.stdout)
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("archive") })
        XCTAssertFalse(lines[header..<problems].contains { $0.contains("foreign") }, r.stdout)
    }

    // 8. The backup copy's warning.
    func testTheOwnerIsWarnedOnceWhenTheBackupHeaderCopyIsDamaged() throws {
        let a = try newArchive("张伟")
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: a))
        let offset = UInt64(FormatV1.prefixSize + FormatV1.headerCopySize + 200)
        try handle.seek(toOffset: offset)
        let byte = try XCTUnwrap(handle.readData(ofLength: 1).first)
        try handle.seek(toOffset: offset)
        handle.write(Data([byte ^ 0xFF]))
        try handle.close()
        let r = try sv(["customer", "list", "-a", a, "--password-file", dir.path("pw")])
        XCTAssertEqual(r.stderr.components(separatedBy: "backup header copy").count - 1, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("is out of date"), r.stderr)
        let zh = try sv(["customer", "list", "-a", a, "--password-file", dir.path("pw"), "--lang", "zh"])
        XCTAssertTrue(zh.stderr.contains("备用档案头副本已过期"), zh.stderr)
    }

    // 9. Chinese texts of the full check.
    func testChineseReasonsOfTheFullCheck() {
        XCTAssertEqual(FullCheckText.chineseReason("record 0 failed authentication (altered, moved, or from another archive)"),
                       "第 0 条记录未通过认证（被改动、被移动或来自其他档案）")
        XCTAssertEqual(FullCheckText.chineseReason("2 of the 3 holders must act together; the keys given hold 1 (li)"),
                       "须 3 位托管人中的 2 位共同操作；所给密钥只持有 1 份（li）")
        XCTAssertEqual(FullCheckText.chineseReason("the escrow slot of zhao does not open with this key"), "zhao 的托管槽无法用此密钥打开")
        XCTAssertTrue(FullCheckText.chineseReason("the header's checkpoint does not match record 3; records were removed, reordered or replaced").hasPrefix("档案头的检查点与第 3 条记录不符"))
        XCTAssertFalse(FullCheckText.chineseReason("x (the committed secret does not unwrap the data key)").contains("committed"))
    }
}
