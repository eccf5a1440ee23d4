import Department
import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

/// The `age1…` line of a manager's `.pub` file (its other line is the signing-key comment, DEPARTMENT.md §7.1).
func pubRecipient(_ path: String) throws -> String {
    try XCTUnwrap(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("age1") }).description
}

/// The department audit log of escrow uses (DEPARTMENT.md §7, issue 13) through the built binary:
/// a data-key holder who deletes the record of their use, or puts back an older copy, is caught by
/// the owner's next unlock and by `compliance` without any manager key; forged lines are reported,
/// not trusted; a log that cannot be written stops the use; age still reads the .pub files.
final class AuditLogCLITests: XCTestCase {
    /// The department, 李经理 and the test clock (DepartmentFixture.swift).
    var f: DepartmentFixture!
    var dir: TempDir { f.dir }
    var dept: String { f.dept }
    var t0: Int64 { f.t0 }
    func at(day: Int) -> Int64 { f.at(day: day) }

    override func setUpWithError() throws { f = try DepartmentFixture(managers: [.li]) }
    override func tearDown() { f = nil }

    @discardableResult
    func sv(_ args: [String], now: Int64? = nil, expect status: Int32 = 0, executable: String? = nil, prefix: [String] = [],
            file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        try f.sv(args, now: now, expect: status, executable: executable, prefix: prefix, file: file, line: line)
    }

    func admin(_ args: [String], now: Int64? = nil) throws { try f.admin(args, now: now) }
    func newArchive(_ owner: String) throws -> String { try f.newArchive(owner, customer: true) }
    func li() -> [String] { f.key("li") }
    func owner(_ archive: String) -> [String] { f.owner(archive) }
    func liKey() throws -> Curve25519.KeyAgreement.PrivateKey { try f.identity("li") }
    func logPath(_ archive: String) throws -> String { try f.logPath(archive) }
    func complianceRow(now: Int64, expect: Int32) throws -> [String: Any] { try f.complianceRow(now: now, expect: expect) }

    func testAnEscrowUseIsSignedIntoTheDepartmentLog() throws {
        let a = try newArchive("张伟")
        let opened = try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 1))
        XCTAssertTrue(opened.stderr.contains("signed into the department's audit log"), opened.stderr)
        let log = try String(contentsOfFile: try logPath(a), encoding: .utf8)
        XCTAssertEqual(log.split(separator: "\n").count, 1)
        XCTAssertTrue(log.contains("\"manager\":\"李经理\"") && log.contains("\"action\":\"open\"") && log.contains("\"record\":1"), log)
        let listing = try sv(["dept", "audit", dept, "--lang", "zh"], now: at(day: 1))
        XCTAssertTrue(listing.stdout.contains("李经理  只读查看  第 1 条记录  档案中有此记录"), listing.stdout)
        // The time in the department's zone, said in the heading (it was a UTC instant).
        let beijing = DateFormatter()
        beijing.timeZone = TimeZone(identifier: "Asia/Shanghai")
        beijing.dateFormat = "yyyy-MM-dd HH:mm"
        let when = beijing.string(from: Date(timeIntervalSince1970: TimeInterval(at(day: 1))))
        XCTAssertTrue(listing.stdout.contains("（时间均为北京时间）") && listing.stdout.contains("#1  \(when)  李经理"), listing.stdout)
        XCTAssertTrue(try sv(["dept", "audit", dept], now: at(day: 1)).stdout.contains("(times in Asia/Shanghai)"))
        let row = try complianceRow(now: at(day: 1), expect: 0)
        XCTAssertEqual(row["escrowUsesLogged"] as? Int, 1)
        XCTAssertEqual(row["auditLog"] as? String, "ok")
        // The owner's unlock finds every logged use in the archive: no warning.
        let list = try sv(["customer", "list"] + owner(a), now: at(day: 2))
        XCTAssertFalse(list.stderr.contains("audit log"), list.stderr)
        // A reset is logged too, before it takes effect.
        _ = try dir.write("tmp", "temporary river lantern 7\n")
        try sv(["escrow", "reset-password", a] + li() + ["--new-password-file", dir.path("tmp"), "--insecure-kdf-cost", "10"], now: at(day: 3))
        XCTAssertTrue(try String(contentsOfFile: try logPath(a), encoding: .utf8).contains("\"action\":\"resetPassword\",\"archive\""))
        // The reset leaves the archive unsigned until the owner's own password change (FORMAT.md
        // §5.5): non-compliant (9), not tampering.
        let afterReset = try complianceRow(now: at(day: 3), expect: 9)
        XCTAssertEqual(afterReset["escrowUsesLogged"] as? Int, 2)
        XCTAssertEqual(afterReset["signature"] as? String, "unsigned")
        // dept show gives the signing key's fingerprint.
        XCTAssertTrue(try sv(["dept", "show", dept]).stdout.contains("audit signing key: "))
    }

    /// helper-156 (HIGH): a manager resets the owner's password and is then removed from the
    /// registry. The reset's log line, signed by the key an earlier registry gave that manager,
    /// still counts: the archive is unsigned (9), not a stripped signature (4), and the owner can
    /// open it and choose a password (they were locked out).
    func testAResetByAManagerRemovedSinceStillCounts() throws {
        f = try DepartmentFixture(managers: [.li, .wang])
        let a = try newArchive("李娜")
        _ = try dir.write("tmp", "temporary river lantern 7\n")
        try sv(["escrow", "reset-password", a] + li() + ["--new-password-file", dir.path("tmp"), "--insecure-kdf-cost", "10"], now: at(day: 1))
        XCTAssertEqual(try complianceRow(now: at(day: 1), expect: 9)["signature"] as? String, "unsigned")
        try admin(["remove-manager", dept, "李经理"], now: at(day: 2))
        let row = try complianceRow(now: at(day: 2), expect: 9)
        XCTAssertEqual(row["signature"] as? String, "unsigned", "\(row)")
        XCTAssertFalse((row["problem"] as? String ?? "").contains("INVALID"), "\(row)")
        _ = try dir.write("mine", "my own new passphrase 2026\n")
        let changed = try sv(["passwd", a, "--password-file", dir.path("tmp"), "--new-password-file", dir.path("mine"), "--insecure-kdf-cost", "10"], now: at(day: 3))
        XCTAssertEqual(changed.status, 0, changed.stderr)
        // (A line signed by a key no registry ever gave that manager still does not count:
        // testForgedLinesAreReportedNotTrusted and OwnerSignatureRulesTests.)
    }

    /// The attack of issue 13: a manager with the data key removes the record of their use (the
    /// body cut back, the header's recordCount, bodyLength, recordChain and escrowUses rewritten and
    /// re-MACed with the data key, as their own tool would). The archive verifies; the log catches it.
    func testADeletedEscrowUseRecordIsCaughtByTheOwnerAndByCompliance() throws {
        let a = try newArchive("张伟")
        let before = try ArchiveInspection.inspect(path: a).header
        try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 1))
        XCTAssertEqual(try ArchiveInspection.inspect(path: a).header.recordCount, before.recordCount + 1)
        try f.removeLastEscrowUse(a, before: before, manager: "li")
        // The archive itself is consistent: its own checks pass and it shows no escrow use.
        try sv(["verify", a, "--password-file", dir.path("pw")], now: at(day: 2))
        XCTAssertNil(try ArchiveInspection.inspect(path: a).header.escrowUses)
        // The owner's next unlock: loud, in both languages.
        let list = try sv(["customer", "list"] + owner(a), now: at(day: 2))
        XCTAssertTrue(list.stderr.contains("an escrow use by 李经理 on 2026-01-02 10:00 (read-only open) is in the department's audit log but missing from the archive: the archive was altered or put back"), list.stderr)
        let zh = try sv(["customer", "list", "--lang", "zh"] + owner(a), now: at(day: 2))
        XCTAssertTrue(zh.stderr.contains("部门审计日志中记录了 李经理 于 2026-01-02 10:00 的托管调阅（只读打开），但档案中没有这条记录"), zh.stderr)
        // A change by the owner does not acknowledge it away: shown again.
        try sv(["customer", "add", "小米"] + owner(a), now: at(day: 3))
        XCTAssertTrue(try sv(["customer", "list"] + owner(a), now: at(day: 3)).stderr.contains("missing from the archive"))
        // compliance, with no key at all: exit 4 (tampering), the row names it.
        let row = try complianceRow(now: at(day: 3), expect: 4)
        XCTAssertEqual(row["auditLog"] as? String, "escrow use removed")
        XCTAssertEqual(row["nonCompliant"] as? Bool, true)
        XCTAssertTrue((row["problem"] as? String)?.contains("escrow use removed") == true, "\(row)")
        let table = try sv(["compliance", dept], now: at(day: 3), expect: 4)
        XCTAssertTrue(table.stdout.contains("REMOVED") && table.stdout.contains("escrow use removed"), table.stdout)
        XCTAssertTrue(try sv(["dept", "audit", dept], now: at(day: 3), expect: 4).stdout.contains("MISSING from the archive"))
    }

    func testAnOlderCopyPutBackIsCaughtByTheOwnerAndByCompliance() throws {
        let a = try newArchive("张伟")
        try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 1))
        let copy = try bytes(a)  // has the first use
        try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 2))
        try copy.write(to: URL(fileURLWithPath: a))
        let list = try sv(["customer", "list"] + owner(a), now: at(day: 3))
        XCTAssertTrue(list.stderr.contains("an escrow use by 李经理 on 2026-01-03 10:00 (read-only open) is in the department's audit log but missing from the archive"), list.stderr)
        XCTAssertFalse(list.stderr.contains("on 2026-01-02 10:00 (read-only open) is in the department's audit log"), "the first use is in the copy")
        XCTAssertEqual(try complianceRow(now: at(day: 3), expect: 4)["auditLog"] as? String, "escrow use removed")
    }

    /// Lines signed by a key the registry does not list are reported and not trusted; an altered
    /// line fails its signature and is tampering.
    func testForgedLinesAreReportedNotTrusted() throws {
        let a = try newArchive("张伟")
        try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 1))
        let id = try ArchiveInspection.inspect(path: a).prefix.archiveIDHex
        // An outsider's line, well formed and well chained, naming a use that never happened.
        let outsider = try Curve25519.Signing.PrivateKey()
        let use = AuditLog.Use(archiveID: id, action: "open", generation: 1, record: 99, recordOffset: 9_999, recordBytes: [UInt8](repeating: 1, count: 40),
                               payload: [1, 2, 3], time: at(day: 2))
        try AuditLog.append(use, layout: Layout(dept), signers: [("李经理", outsider)])
        let list = try sv(["customer", "list"] + owner(a), now: at(day: 2))
        XCTAssertTrue(list.stderr.contains("1 entry signed by keys the registry does not list"), list.stderr)
        XCTAssertFalse(list.stderr.contains("missing from the archive"), "an untrusted line is not believed")
        let row = try complianceRow(now: at(day: 2), expect: 0)
        XCTAssertEqual(row["escrowUsesLogged"] as? Int, 1, "only the genuine line counts")
        XCTAssertTrue(try sv(["dept", "audit", dept], now: at(day: 2)).stdout.contains("key not in the registry: not trusted"))
        // Now a genuine line altered (its record index changed): the signature fails.
        let path = try logPath(a)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"record\":1,", with: "\"record\":0,")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let audit = try sv(["dept", "audit", dept], now: at(day: 2), expect: 4)
        XCTAssertTrue(audit.stdout.contains("BAD SIGNATURE"), audit.stdout)
        XCTAssertEqual(try complianceRow(now: at(day: 2), expect: 4)["auditLog"] as? String, "altered")
        XCTAssertTrue(try sv(["customer", "list"] + owner(a), now: at(day: 2)).stderr.contains("do not verify"))
    }

    /// A log that cannot be written stops the use: a read-only audit folder (the first use) and a
    /// read-only log (a later one). Permissions do not bind root, so as root the tool runs as nobody.
    func testALogThatCannotBeWrittenStopsTheUse() throws {
        let a = try newArchive("张伟")
        var runAs: (String?, [String]) = (nil, [])
        if getuid() == 0 {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { throw XCTSkip("running as root without setpriv: permissions cannot be tested") }
            runAs = ("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups"])
            try chownTree(dir.url.path, to: 65534)
        }
        chmod(dept + "/audit", 0o555)
        let before = try bytes(a)
        let refused = try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 1), expect: 1, executable: runAs.0, prefix: runAs.1)
        XCTAssertTrue(refused.stderr.contains("the department's audit log cannot be written") && refused.stderr.contains("nothing was opened, recorded or changed"), refused.stderr)
        XCTAssertFalse(refused.stdout.contains("华为"), "nothing shown")
        XCTAssertEqual(try bytes(a), before, "nothing recorded: the log is opened first")
        // A log that exists but is read-only.
        chmod(dept + "/audit", 0o750)
        try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 1), executable: runAs.0, prefix: runAs.1)
        chmod(try logPath(a), 0o440)
        let after = try bytes(a)
        let again = try sv(["escrow", "open", a] + li() + ["--lang", "zh", "--", "customer", "list"], now: at(day: 2), expect: 1, executable: runAs.0, prefix: runAs.1)
        XCTAssertTrue(again.stderr.contains("无法写入部门审计日志"), again.stderr)
        XCTAssertFalse(again.stdout.contains("华为"))
        XCTAssertEqual(try bytes(a), after)
        // A reset is refused the same way: the password still opens the archive.
        _ = try dir.write("tmp", "temporary river lantern 7\n")
        try sv(["escrow", "reset-password", a] + li() + ["--new-password-file", dir.path("tmp"), "--insecure-kdf-cost", "10"], now: at(day: 2), expect: 1,
               executable: runAs.0, prefix: runAs.1)
        chmod(try logPath(a), 0o640)
        try sv(["customer", "list"] + owner(a), now: at(day: 3))
    }

    func chownTree(_ path: String, to id: UInt32) throws {
        chown(path, id, id)
        let e = try XCTUnwrap(FileManager.default.enumerator(atPath: path))
        for case let name as String in e { chown(path + "/" + name, id, id) }
    }

    func testASymbolicLinkOrAFIFOInPlaceOfTheLogIsRefused() throws {
        let a = try newArchive("张伟")
        let log = try logPath(a)
        // A link to a file elsewhere: never followed, never written.
        _ = try dir.write("elsewhere", "")
        try FileManager.default.createSymbolicLink(atPath: log, withDestinationPath: dir.path("elsewhere"))
        let before = try bytes(a)
        let linked = try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 1), expect: 1)
        XCTAssertTrue(linked.stderr.contains("is a symbolic link: refused"), linked.stderr)
        XCTAssertEqual(try String(contentsOfFile: dir.path("elsewhere"), encoding: .utf8), "")
        XCTAssertEqual(try bytes(a), before)
        // A FIFO: refused at once (no hang).
        try FileManager.default.removeItem(atPath: log)
        XCTAssertEqual(mkfifo(log, 0o640), 0)
        let fifo = try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 1), expect: 1)
        XCTAssertTrue(fifo.stderr.contains("is not a regular file"), fifo.stderr)
        XCTAssertEqual(try bytes(a), before)
        // The owner and compliance say the log cannot be read.
        XCTAssertTrue(try sv(["customer", "list"] + owner(a), now: at(day: 1)).stderr.contains("the department's audit log could not be read"))
        XCTAssertEqual(try complianceRow(now: at(day: 1), expect: 9)["auditLog"] as? String, "unreadable")
        // Round 4, N4: a FIFO in place of the writers' lock is named as such (not a raw errno).
        try FileManager.default.removeItem(atPath: log)
        let lock = String(log.dropLast(4)) + ".lock"
        try? FileManager.default.removeItem(atPath: lock)
        XCTAssertEqual(mkfifo(lock, 0o600), 0)
        let fifoLock = try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 1), expect: 1)
        XCTAssertTrue(fifoLock.stderr.contains("the audit log's lock") && fifoLock.stderr.contains("is not a regular file"), fifoLock.stderr)
        XCTAssertEqual(try bytes(a), before)
    }

    /// Outside a department there is no log, and the tool says so.
    func testOutsideADepartmentTheUseIsOnlyInTheArchive() throws {
        let a = try newArchive("张伟")
        let loose = dir.path("loose.svault")
        try FileManager.default.copyItem(atPath: a, toPath: loose)
        let r = try sv(["escrow", "open", loose] + li() + ["--", "customer", "list"], now: at(day: 1))
        XCTAssertTrue(r.stderr.contains("No department folder: this use is recorded only in the archive (no audit log)"), r.stderr)
    }

    /// The `.pub` file carries the signing key as a comment that the real age ignores.
    func testAgeAcceptsThePubFileWithItsSigningKeyComment() throws {
        let pub = try String(contentsOfFile: dir.path("k/li.pub"), encoding: .utf8)
        let lines = pub.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[1].hasPrefix("# signing key: svmanager1"), pub)
        // The comment is the key derived from the identity (DEPARTMENT.md §7.1).
        XCTAssertEqual(String(lines[1].dropFirst("# signing key: ".count)), ManagerSigningKey.string(try ManagerSigningKey.derive(from: try liKey()).publicKey))
        guard let age = ["/usr/bin/age", "/usr/local/bin/age"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("age is not installed (apt-get install age)")
        }
        _ = try dir.write("plain", "hello audit\n")
        let enc = try runTool(["-R", dir.path("k/li.pub"), "-o", dir.path("plain.age"), dir.path("plain")], executable: age)
        XCTAssertEqual(enc.status, 0, enc.stderr)
        // And it decrypts with the manager's key through the tool (unseal).
        let dec = try runTool(["unseal", dir.path("plain.age")] + li(), environment: ["SALESVAULT_NOW": String(t0)])
        XCTAssertEqual(dec.status, 0, dec.stderr)
        XCTAssertEqual(dec.stdout, "hello audit\n")
        // keys show prints it; set-signing-key registers it for a manager added without one.
        XCTAssertTrue(try sv(["keys", "show", dir.path("k/li.pub")]).stdout.contains("Signing key: svmanager1"))
    }

    func testSetSigningKeyForAManagerAddedWithout() throws {
        _ = try dir.write("wp", "general wang passphrase\n")
        try sv(["keys", "generate", "wang", "--dir", dir.path("k"), "--passphrase-file", dir.path("wp"), "--insecure-kdf-cost", "10"])
        let recipient = try XCTUnwrap(try String(contentsOfFile: dir.path("k/wang.pub"), encoding: .utf8).split(separator: "\n").first).description
        try admin(["add-manager", dept, "王总", "--recipient", recipient, "--role", "general manager"])
        XCTAssertTrue(try sv(["dept", "show", dept]).stdout.contains("audit signing key: none"))
        let json = try String(contentsOfFile: dept + "/department.json", encoding: .utf8)
        XCTAssertEqual(json.components(separatedBy: "\"signingKey\"").count - 1, 1, "left out when absent")
        try admin(["set-signing-key", dept, "王总", "--pub", dir.path("k/wang.pub")])
        XCTAssertEqual(try String(contentsOfFile: dept + "/department.json", encoding: .utf8).components(separatedBy: "\"signingKey\"").count - 1, 2)
        XCTAssertFalse(try sv(["dept", "show", dept]).stdout.contains("audit signing key: none"))
    }
}
