import Department
import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The second attack round on the department audit log (issue 13, DEPARTMENT.md §6, §7): a
/// reader's lock cannot deny escrow; a padded log is tampering, not "unreadable"; `dept audit`
/// never exits 0 on a log it could not read; a refused registry does not hide a removed use;
/// untrusted lines are not "ok"; a deleted log is flagged.
final class AuditRoundCLITests: XCTestCase {
    var f: DepartmentFixture!

    override func setUpWithError() throws { f = try DepartmentFixture(managers: [.li]) }
    override func tearDown() { f = nil }

    func open(_ a: String, day: Int, expect: Int32 = 0) throws -> RunResult {
        try f.sv(["escrow", "open", a] + f.key("li") + ["--", "customer", "list"], now: f.at(day: day), expect: expect)
    }

    /// Finding 3: any process that can read the log took `flock(LOCK_SH)` on it, and every escrow
    /// use waited 5 s and failed. Writers now lock only `audit/<id>.lock` (write-only).
    func testAReaderHoldingALockOnTheLogCannotDenyEscrowUse() throws {
        let a = try f.newArchive("张伟", customer: true)
        try open(a, day: 1)
        let log = try f.logPath(a)
        let fd = Glibc.open(log, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        XCTAssertEqual(flock(fd, LOCK_SH | LOCK_NB), 0, "a reader holds a shared lock on the log")
        let start = Date()
        let opened = try open(a, day: 2)
        XCTAssertLessThan(Date().timeIntervalSince(start), 4, "the use did not wait on the reader's lock")
        XCTAssertTrue(opened.stdout.contains("华为"), opened.stdout)
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count, 2)
        // The writers' lock: a regular file, write-only, beside the log.
        var st = stat()
        XCTAssertEqual(lstat(f.dept + "/audit/\(URL(fileURLWithPath: log).deletingPathExtension().lastPathComponent).lock", &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o200)
        // Readers take no lock and still see both uses while the reader holds its lock.
        XCTAssertEqual(try f.complianceRow(now: f.at(day: 2), expect: 0)["escrowUsesLogged"] as? Int, 2)
        try f.sv(["dept", "audit", f.dept], now: f.at(day: 2))
        // Another process holding LOCK_SH (util-linux flock), and LOCK_EX as well: the same.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") else { throw XCTSkip("/usr/bin/flock (util-linux) is not installed") }
        XCTAssertEqual(flock(fd, LOCK_UN), 0)  // this process's reader steps aside for the other process
        for mode in ["-s", "-x"] {
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
            holder.arguments = ["-w", "10", mode, "-o", log, "sleep", "5"]  // holds the lock 5 s, then ends by itself (never waits over 10 s)
            try holder.run()
            defer { holder.waitUntilExit() }
            let probe = Glibc.open(log, O_RDONLY)
            defer { close(probe) }
            var held = false
            for _ in 0..<100 where !held {  // until the other process holds its lock
                if flock(probe, LOCK_EX | LOCK_NB) == 0 { flock(probe, LOCK_UN); usleep(20_000) } else { held = true }
            }
            XCTAssertTrue(held, "flock \(mode) holds the log")
            let start = Date()
            try open(a, day: mode == "-s" ? 3 : 4)
            XCTAssertLessThan(Date().timeIntervalSince(start), 4, "flock \(mode): the use did not wait")
        }
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count, 4)
    }

    /// A writers' lock held past the 5 s wait: the use stops with "busy" (exit 5), says that
    /// nothing was shown and to try again, and the log is as it was; with the lock free, it works.
    func testAWritersLockHeldTooLongSaysBusyAndTryAgain() throws {
        let a = try f.newArchive("张伟", customer: true)
        try open(a, day: 1)
        let log = try f.logPath(a)
        let before = try Data(contentsOf: URL(fileURLWithPath: log))
        let lock = f.dept + "/audit/\(URL(fileURLWithPath: log).deletingPathExtension().lastPathComponent).lock"
        let fd = Glibc.open(lock, O_WRONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0, "this test holds the writers' lock")
        let refused = try open(a, day: 2, expect: 5)
        XCTAssertTrue(refused.stderr.contains("more than 5 seconds") && refused.stderr.contains("try again"), refused.stderr)
        XCTAssertFalse(refused.stdout.contains("华为"), "nothing shown: \(refused.stdout)")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: log)), before, "the log is as it was")
        let zh = try f.sv(["--lang", "zh", "escrow", "open", a] + f.key("li") + ["--", "customer", "list"], now: f.at(day: 3), expect: 5)
        XCTAssertTrue(zh.stderr.contains("超过 5 秒") && zh.stderr.contains("请稍等一分钟后重试"), zh.stderr)
        XCTAssertEqual(flock(fd, LOCK_UN), 0)
        XCTAssertTrue(try open(a, day: 4).stdout.contains("华为"))
    }

    /// A reader that meets a last line still being written (no LF yet) does not call it tampering.
    func testAnUnfinishedLastLineIsNotTrustedNorTampering() throws {
        let a = try f.newArchive("张伟", customer: true)
        try open(a, day: 1)
        let log = try f.logPath(a)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: log))
        try handle.seekToEnd()
        handle.write(Data("{\"action\":\"open\",\"archive\":".utf8))
        try handle.close()
        let audit = try f.sv(["dept", "audit", f.dept], now: f.at(day: 2))
        XCTAssertTrue(audit.stdout.contains("incomplete last line"), audit.stdout)
        let row = try f.complianceRow(now: f.at(day: 2), expect: 0)
        XCTAssertEqual(row["auditLog"] as? String, "incomplete last line")
        XCTAssertEqual(row["escrowUsesLogged"] as? Int, 1)
        // Round 4, N5: the next use cuts the dead writer's torn line off instead of ending it,
        // so the log is whole again (before, it was "altered", exit 4, for good).
        try open(a, day: 3)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 3, "two whole lines and the final LF")
        XCTAssertFalse(lines.contains { $0.hasPrefix("{\"action\":\"open\",\"archive\":") && !$0.contains("\t") })
        let after = try f.sv(["dept", "audit", f.dept], now: f.at(day: 3))
        XCTAssertFalse(after.stdout.contains("incomplete") || after.stdout.contains("ALTERED"), after.stdout)
        let whole = try f.complianceRow(now: f.at(day: 3), expect: 0)
        XCTAssertEqual(whole["escrowUsesLogged"] as? Int, 2)
    }

    /// Round 4, N5: a use whose line would take the log past 64 MiB is refused ("full", fails
    /// closed) instead of written, after which every reader called the log padded.
    func testAUseThatWouldOverfillTheLogIsRefused() throws {
        let a = try f.newArchive("张伟", customer: true)
        try open(a, day: 1)
        let log = try f.logPath(a)
        XCTAssertEqual(truncate(log, off_t(AuditLog.maxBytes - 1)), 0)  // sparse: fast
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: log))
        try handle.seekToEnd()
        handle.write(Data("\n".utf8))
        try handle.close()
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
        XCTAssertEqual(size, AuditLog.maxBytes)
        let refused = try open(a, day: 2, expect: 1)
        XCTAssertTrue(refused.stderr.contains("is full (64 MiB"), refused.stderr)
        XCTAssertFalse(refused.stdout.contains("华为"), "nothing shown")
        XCTAssertEqual(try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int), AuditLog.maxBytes, "nothing written")
    }

    /// Finding 4: a log padded past 64 MiB turned "escrow use removed" (4) into "unreadable" (9).
    func testAPaddedLogIsTamperingEverywhere() throws {
        let a = try f.newArchive("张伟", customer: true)
        let before = try ArchiveInspection.inspect(path: a).header
        try open(a, day: 1)
        try f.removeLastEscrowUse(a, before: before, manager: "li")
        let log = try f.logPath(a)
        XCTAssertEqual(truncate(log, off_t(AuditLog.maxBytes + 1)), 0)  // sparse: fast
        let row = try f.complianceRow(now: f.at(day: 2), expect: 4)
        XCTAssertEqual(row["auditLog"] as? String, "altered")
        XCTAssertTrue((row["problem"] as? String)?.contains("audit log altered: 67108865 bytes, larger than 64 MiB") == true, "\(row)")
        let audit = try f.sv(["dept", "audit", f.dept], now: f.at(day: 2), expect: 4)
        XCTAssertTrue(audit.stdout.contains("audit log ALTERED: 67108865 bytes"), audit.stdout)
        let zh = try f.sv(["dept", "audit", f.dept, "--lang", "zh"], now: f.at(day: 2), expect: 4)
        XCTAssertTrue(zh.stdout.contains("已被人为填充"), zh.stdout)
        let list = try f.sv(["customer", "list"] + f.owner(a), now: f.at(day: 2))
        XCTAssertTrue(list.stderr.contains("larger than 64 MiB") && list.stderr.contains("it was padded"), list.stderr)
        // A further use is refused, naming the padding (nothing shown).
        let refused = try open(a, day: 3, expect: 1)
        XCTAssertTrue(refused.stderr.contains("it was padded"), refused.stderr)
        XCTAssertFalse(refused.stdout.contains("华为"))
    }

    /// Finding 4: `dept audit` said "unreadable" and exited 0.
    func testDeptAuditNeverExitsZeroOnALogItCannotRead() throws {
        let a = try f.newArchive("张伟", customer: true)
        let log = try f.logPath(a)
        XCTAssertEqual(mkfifo(log, 0o640), 0)
        let r = try f.sv(["dept", "audit", f.dept], expect: 1)
        XCTAssertTrue(r.stdout.contains("audit log unreadable"), r.stdout)
        XCTAssertEqual(try f.complianceRow(expect: 9)["auditLog"] as? String, "unreadable")
    }

    /// Finding 7: with the registry refused, the owner's warning about a removed use disappeared.
    func testARefusedRegistryDoesNotHideAUseMissingFromTheArchive() throws {
        let a = try f.newArchive("张伟", customer: true)
        let before = try ArchiveInspection.inspect(path: a).header
        try open(a, day: 1)
        try f.removeLastEscrowUse(a, before: before, manager: "li")
        let json = f.dept + "/department.json"
        try (try String(contentsOfFile: json, encoding: .utf8) + " ").write(toFile: json, atomically: false, encoding: .utf8)
        let list = try f.sv(["customer", "list"] + f.owner(a), now: f.at(day: 2))
        XCTAssertTrue(list.stderr.contains("the department registry was refused"), list.stderr)
        XCTAssertTrue(list.stderr.contains("the audit log could not be checked against the managers' registered keys"), list.stderr)
        XCTAssertTrue(list.stderr.contains("names an escrow use by 李经理 on 2026-01-02 10:00 (read-only open) that is missing from the archive"), list.stderr)
        let zh = try f.sv(["customer", "list", "--lang", "zh"] + f.owner(a), now: f.at(day: 2))
        XCTAssertTrue(zh.stderr.contains("但档案中没有这条记录；部门名册未通过校验"), zh.stderr)
    }

    /// Finding 8: untrusted lines were `auditLog: ok`; a deleted log was not flagged.
    func testUntrustedLinesAreNotOkAndADeletedLogIsFlagged() throws {
        let a = try f.newArchive("张伟", customer: true)
        try open(a, day: 1)
        let id = try ArchiveInspection.inspect(path: a).prefix.archiveIDHex
        let outsider = try Curve25519.Signing.PrivateKey()
        let use = AuditLog.Use(archiveID: id, action: "open", generation: 1, record: 99, recordOffset: 9_999, recordBytes: [UInt8](repeating: 1, count: 40),
                               payload: [1, 2, 3], time: f.at(day: 2))
        try AuditLog.append(use, layout: Layout(f.dept), signers: [("李经理", outsider)])
        XCTAssertEqual(try f.complianceRow(now: f.at(day: 2), expect: 0)["auditLog"] as? String, "untrusted lines")
        // The log deleted while the archive still counts the use.
        try FileManager.default.removeItem(atPath: try f.logPath(a))
        let row = try f.complianceRow(now: f.at(day: 2), expect: 9)
        XCTAssertEqual(row["auditLog"] as? String, "missing")
        XCTAssertTrue((row["problem"] as? String)?.contains("audit log missing: the archive records 1 escrow use,") == true, "\(row)")
        // In Chinese, the last use's time in the department's zone, as the table's dates are
        // (a UTC instant stood in the sentence, its day not the table's: helper-182).
        let table = try f.sv(["compliance", f.dept, "--lang", "zh"], now: f.at(day: 2), expect: 9).stdout
        let said = try XCTUnwrap(table.split(separator: "\n").first { $0.contains("审计日志缺失") }, table)
        XCTAssertNil(said.range(of: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"#, options: .regularExpression), String(said))
        XCTAssertNotNil(said.range(of: #"最近一次 \d{4}-\d{2}-\d{2} \d{2}:\d{2}"#, options: .regularExpression), String(said))
        // A log cut to part of its first line is the same (it read as an incomplete last line,
        // compliant, exit 0: helper-156).
        let full = Data(String(repeating: "{\"v\":1,\"entry\":1,\"archive\":\"\(id)\"", count: 8).utf8)  // (a line's start, no LF)
        for cut in [1, 300] {
            _ = FileManager.default.createFile(atPath: try f.logPath(a), contents: full.prefix(cut))
            let partial = try f.complianceRow(now: f.at(day: 2), expect: 9)
            XCTAssertEqual(partial["auditLog"] as? String, "missing", "cut to \(cut) bytes: \(partial)")
        }
        // A log emptied of every line (not deleted) is the same: missing, for compliance and the owner.
        _ = FileManager.default.createFile(atPath: try f.logPath(a), contents: Data())
        let emptied = try f.complianceRow(now: f.at(day: 2), expect: 9)
        XCTAssertEqual(emptied["auditLog"] as? String, "missing")
        XCTAssertTrue((emptied["problem"] as? String)?.contains("deleted or emptied") == true, "\(emptied)")
        let emptiedUnlock = try f.sv(["customer", "list"] + f.owner(a), now: f.at(day: 2))
        XCTAssertTrue(emptiedUnlock.stderr.contains("but the department's audit log for it") && emptiedUnlock.stderr.contains("an escrow open may have been interrupted before it wrote the log"), emptiedUnlock.stderr)
        try FileManager.default.removeItem(atPath: try f.logPath(a))
        // The owner's unlock says so too (in red), until the use is seen.
        let list = try f.sv(["customer", "list"] + f.owner(a), now: f.at(day: 2))
        XCTAssertTrue(list.stderr.contains("this archive records 1 escrow use you have not seen") && list.stderr.contains("but the department's audit log for it"), list.stderr)
        let zh = try f.sv(["customer", "list", "--lang", "zh"] + f.owner(a), now: f.at(day: 2))
        XCTAssertTrue(zh.stderr.contains("但部门的审计日志") && zh.stderr.contains("中没有相应记录：可能是日志被删除或清空，也可能是托管打开在写入日志之前中断"), zh.stderr)
        // Once the owner has seen the use (the counter cleared), no log is expected.
        try f.sv(["customer", "add", "小米"] + f.owner(a), now: f.at(day: 3))
        XCTAssertEqual(try f.complianceRow(now: f.at(day: 3), expect: 0)["auditLog"] as? String, "none")
        XCTAssertFalse(try f.sv(["customer", "list"] + f.owner(a), now: f.at(day: 3)).stderr.contains("no audit log"))
    }
}

/// If time remains (a) of the attack round: a checkpoint naming an ordinary record passed
/// `verify`, and only opening failed (FORMAT.md §6.4).
final class CheckpointVerifyCLITests: XCTestCase {
    func testACheckpointNamingAnOrdinaryRecordFailsVerify() throws {
        let f = try DepartmentFixture(managers: [.li])
        let a = try f.newArchive("张伟", customer: true)
        try f.sv(["verify", a, "--password-file", f.dir.path("pw")])
        do {
            let vault = try Vault.open(path: a, password: SecureBytes(Array("horse battery staple".utf8)), access: .readWrite)
            let ordinary = try vault.record(at: 0, offset: 0)  // a batch of changes, not a snapshot
            try vault.append(contentsOf: [ordinary], now: f.t0 + 60, checkpoint: true)  // re-signed as the owner's tool would
        }
        let r = try f.sv(["verify", a, "--password-file", f.dir.path("pw")], expect: 4)
        XCTAssertTrue(r.stderr.contains("the header's checkpoint names record") && r.stderr.contains("not the start of a snapshot"), r.stderr)
        let zh = try f.sv(["verify", a, "--password-file", f.dir.path("pw"), "--lang", "zh"], expect: 4)
        XCTAssertTrue(zh.stderr.contains("不是快照的开头"), zh.stderr)
        // Opening fails the same way (it always did).
        try f.sv(["customer", "list"] + f.owner(a), expect: 4)
    }
}
