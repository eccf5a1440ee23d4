import Foundation
import VaultCrypto
@testable import Department
@testable import VaultFormat
import XCTest

/// Issue 11: a registry put back, compliance evasion, names, directory modes (DEPARTMENT.md §1,
/// §3.4, §6).
final class DepartmentHardeningTests: XCTestCase {
    typealias Key = Curve25519.KeyAgreement.PrivateKey
    let base: Int64 = 1_768_471_200  // 2026-01-15T10:00:00Z
    let day: Int64 = 86_400
    var root: URL!
    var admin: Curve25519.Signing.PrivateKey!

    var dir: String { root.appendingPathComponent("dept").path }
    var seen: String { root.appendingPathComponent("admin.key.seen").path }
    func file(_ name: String) -> String { dir + "/" + name }
    func pw(_ s: String) -> SecureBytes { SecureBytes(Array(s.utf8)) }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("svharden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        admin = try Curve25519.Signing.PrivateKey()
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
    func write(_ data: Data, _ path: String) throws { try data.write(to: URL(fileURLWithPath: path)) }

    func assertCode<T>(_ code: DepartmentError.Code, _ expression: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            XCTAssertEqual((error as? DepartmentError)?.code, code, "got \(error)", file: file, line: line)
        }
    }

    /// A department with managers 李经理 and 王总 (serial 3), created and changed with the record.
    func makeDepartment() throws -> (li: Key, wang: Key) {
        let (li, wang) = (try Key(), try Key())
        try Registry.create(directory: dir, name: "华东区销售部", signer: admin, now: base, seen: seen)
        try Registry.change(directory: dir, signer: admin, now: base, seen: seen) { try $0.addManager(name: "李经理", recipient: li.publicKey, role: "m", now: self.base) }
        try Registry.change(directory: dir, signer: admin, now: base, seen: seen) { try $0.addManager(name: "王总", recipient: wang.publicKey, role: "gm", now: self.base) }
        return (li, wang)
    }

    // MARK: 1. A registry put back

    func testAnOlderRegistryPutBackIsNotSignedOnTop() throws {
        _ = try makeDepartment()
        let (oldJSON, oldSig) = (try read(file("department.json")), try read(file("department.sig")))
        try Registry.change(directory: dir, signer: admin, now: base + day, seen: seen) { try $0.removeManager(named: "王总") }
        XCTAssertEqual(try Registry.load(directory: dir).serial, 4)
        // The serial-3 pair (with 王总) put back; .prev is that same pair, so only the record sees it.
        try write(oldJSON, file("department.json"))
        try write(oldSig, file("department.sig"))
        assertCode(.olderRegistry, try Registry.change(directory: dir, signer: self.admin, now: base + 2 * day, seen: seen) { try $0.addSalesperson(named: "张伟", now: self.base) })
        XCTAssertEqual(try read(file("department.json")), oldJSON, "nothing is signed")
        XCTAssertEqual(try read(file("department.sig")), oldSig)
        let record = try SeenRegistries.load(path: seen)
        XCTAssertEqual(record.departments["华东区销售部"]?.serial, 4)
        var st = stat()
        XCTAssertEqual(stat(seen, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
    }

    func testAnOlderRegistryIsRefusedByThePreviousPairEvenWithoutTheRecord() throws {
        _ = try makeDepartment()
        let (oldJSON, oldSig) = (try read(file("department.json")), try read(file("department.sig")))
        try Registry.change(directory: dir, signer: admin, now: base + day) { try $0.addSalesperson(named: "张伟", now: self.base) }
        try Registry.change(directory: dir, signer: admin, now: base + day) { try $0.removeManager(named: "王总") }
        // department.json.prev is serial 4 now; serial 3 is put back.
        try write(oldJSON, file("department.json"))
        try write(oldSig, file("department.sig"))
        assertCode(.olderRegistry, try Registry.change(directory: dir, signer: self.admin, now: base + 2 * day) { try $0.addSalesperson(named: "李四", now: self.base) })
        XCTAssertEqual(try read(file("department.json")), oldJSON)
    }

    func testTheSameSerialWithOtherContentIsRefused() throws {
        _ = try makeDepartment()
        // Another registry with serial 3, validly signed (e.g. made from a copy elsewhere).
        var other = try Registry.load(directory: dir)
        other.managers.removeLast()
        try other.save(directory: dir, signer: admin)
        for suffix in [".prev"] {
            unlink(file("department.json" + suffix))
            unlink(file("department.sig" + suffix))
        }
        assertCode(.olderRegistry, try Registry.change(directory: dir, signer: self.admin, now: base + day, seen: seen) { try $0.addSalesperson(named: "张伟", now: self.base) })
    }

    func testAnInterruptedSaveStillRecoversWithTheRecordAndTheSerialIsNotReused() throws {
        _ = try makeDepartment()
        // The crash shape: the new JSON renamed, the signature not yet.
        try write(try read(file("department.json")), file("department.json.prev"))
        try write(try read(file("department.sig")), file("department.sig.prev"))
        var lost = try Registry.load(directory: dir).next(now: base + day)
        lost.salespeople = []
        try write(Data(try lost.encoded()), file("department.json"))
        let change = try Registry.change(directory: dir, signer: admin, now: base + day, seen: seen) { try $0.addSalesperson(named: "张伟", now: self.base) }
        XCTAssertTrue(change.recoveredFromInterruptedSave)
        XCTAssertEqual(change.registry.serial, 5)
        XCTAssertEqual(try SeenRegistries.load(path: seen).departments["华东区销售部"]?.serial, 5)
    }

    func testRecreatingADepartmentContinuesItsSerials() throws {
        _ = try makeDepartment()
        try FileManager.default.removeItem(atPath: dir)
        let again = try Registry.create(directory: dir, name: "华东区销售部", signer: admin, now: base + day, seen: seen)
        XCTAssertEqual(again.serial, 4)
    }

    // MARK: 2. Compliance evasion and spoofing

    /// A department with 张伟, 李娜 and 王芳 registered and managers' escrow; archives made by `make`.
    func complianceDepartment() throws -> Registry {
        _ = try makeDepartment()
        for name in ["张伟", "李娜", "王芳"] {
            try Registry.change(directory: dir, signer: admin, now: base, seen: seen) { try $0.addSalesperson(named: name, now: self.base) }
        }
        // The archives below use the insecure testing cost 2^10; this test department accepts it.
        try Registry.change(directory: dir, signer: admin, now: base, seen: seen) { $0.policy.minKDFLogN = 10 }
        return try Registry.load(directory: dir)
    }

    func makeArchive(_ name: String, owner: String, registry: Registry, now: Int64, changedAt: Int64? = nil) throws {
        let path = file("archives/\(name).svault")
        let vault = try Vault.create(path: path, owner: owner, password: pw("correct horse"), kdf: .insecureForTesting(logN: 10), now: now,
                                     escrow: try registry.escrowPlan())
        if let changedAt { try vault.changePassword(to: pw("battery staple"), kdf: .insecureForTesting(logN: 10), now: changedAt) }
    }

    /// `registry` with the owner key of each registered salesperson's signed archive enrolled
    /// (DEPARTMENT.md §3.8), as `dept enroll` would after checking the fingerprint.
    func enrolled(_ registry: Registry) throws -> Registry {
        var r = registry
        for i in r.salespeople.indices {
            // Never a blocking open: one of the tests puts a FIFO at an archive's path.
            guard let info = try? DepartmentScan.inspect(path: file(r.salespeople[i].archive)),
                  let key = info.header.ownerSignature?.publicKey else { continue }
            r.salespeople[i].signingKey = KeyFile.ownerKeyString(key)
        }
        return r
    }

    func testARegisteredSalespersonWithoutAnArchiveIsMissingAndNonCompliant() throws {
        let registry = try complianceDepartment()
        try makeArchive("张伟", owner: "张伟", registry: registry, now: base)
        try makeArchive("李娜", owner: "李娜", registry: registry, now: base)
        let report = try ComplianceReport.run(directory: dir, asOf: .instant(base + day), now: base + day, registry: try enrolled(registry))
        XCTAssertEqual(report.archives.map(\.archive), ["archives/张伟.svault", "archives/李娜.svault", "archives/王芳.svault"].sorted())
        let missing = try XCTUnwrap(report.archives.first { $0.archive == "archives/王芳.svault" })
        XCTAssertEqual(missing.owner, "王芳")
        XCTAssertTrue(missing.nonCompliant)
        XCTAssertTrue(missing.problem?.hasPrefix("missing:") == true, "\(String(describing: missing.problem))")
        XCTAssertEqual(report.summary.nonCompliant, 1)
        XCTAssertEqual(report.summary.missing, 1)
        XCTAssertFalse(report.isCompliant)
        // A file at her registered path that is not an archive: missing too, and named as hers
        // (its row's owner was empty).
        try write(Data("not an archive at all, just some text".utf8), file("archives/王芳.svault"))
        let foreign = try ComplianceReport.run(directory: dir, asOf: .instant(base + day), now: base + day, registry: try enrolled(registry))
        let row = try XCTUnwrap(foreign.archives.first { $0.archive == "archives/王芳.svault" })
        XCTAssertEqual(row.owner, "王芳")
        XCTAssertTrue(row.nonCompliant)
        XCTAssertTrue(row.problem?.hasPrefix("missing: 王芳 is registered but this is not an archive (foreign: ") == true, "\(String(describing: row.problem))")
        XCTAssertEqual(foreign.archives.count, 3, "one row for her path, not two")
        XCTAssertEqual(foreign.summary.nonCompliant, 1)
        XCTAssertEqual(foreign.summary.missing, 1)
        XCTAssertEqual(foreign.summary.foreign, 0, "counted once, as missing (helper-160: in both counts)")
        // A folder at her path is said as one (it read "has no archive file").
        try FileManager.default.removeItem(atPath: file("archives/王芳.svault"))
        try FileManager.default.createDirectory(atPath: file("archives/王芳.svault"), withIntermediateDirectories: false)
        let folder = try ComplianceReport.run(directory: dir, asOf: .instant(base + day), now: base + day, registry: try enrolled(registry))
        let folderRow = try XCTUnwrap(folder.archives.first { $0.archive == "archives/王芳.svault" })
        XCTAssertEqual(folderRow.problem, "missing: 王芳 is registered but archives/王芳.svault is a folder, not an archive file")
        XCTAssertEqual(folderRow.problemZH, "缺失：王芳已在部门登记，但 archives/王芳.svault 是文件夹，不是档案文件")
        XCTAssertEqual(folder.summary.missing, 1)
        XCTAssertEqual(folder.summary.archives, 2)
    }

    func testAPasswordDateInTheFutureIsFlagged() throws {
        let registry = try complianceDepartment()
        try makeArchive("张伟", owner: "张伟", registry: registry, now: base, changedAt: base + 400 * day)
        try makeArchive("李娜", owner: "李娜", registry: registry, now: base)
        try makeArchive("王芳", owner: "王芳", registry: registry, now: base)
        let report = try ComplianceReport.run(directory: dir, asOf: .instant(base + 200 * day), now: base + 200 * day, registry: registry)
        let row = try XCTUnwrap(report.archives.first { $0.owner == "张伟" })
        XCTAssertEqual(row.rotation, "future date")
        XCTAssertTrue(row.nonCompliant)
        XCTAssertEqual(report.summary.rotation["future date"], 1)
        // Judging an earlier date (--as-of) on a later day is not a future date.
        let later = try ComplianceReport.run(directory: dir, asOf: .date(DepartmentCalendar.standard.day(of: base + 100 * day)), now: base + 500 * day, registry: registry)
        XCTAssertNotEqual(try XCTUnwrap(later.archives.first { $0.owner == "张伟" }).rotation, "future date")
    }

    func testAnArchiveOfAnotherOwnerAndADuplicatedArchiveAreFlagged() throws {
        let registry = try complianceDepartment()
        try makeArchive("张伟", owner: "张伟", registry: registry, now: base)
        // 李娜's file is 王芳's archive under her name; 王芳's file is a copy of 张伟's.
        try makeArchive("李娜", owner: "王芳", registry: registry, now: base)
        try FileManager.default.copyItem(atPath: file("archives/张伟.svault"), toPath: file("archives/王芳.svault"))
        let report = try ComplianceReport.run(directory: dir, asOf: .instant(base + day), now: base + day, registry: try enrolled(registry))
        let rows = Dictionary(uniqueKeysWithValues: report.archives.map { ($0.archive, $0) })
        let li = try XCTUnwrap(rows["archives/李娜.svault"])
        XCTAssertTrue(li.nonCompliant)
        XCTAssertTrue(li.problem?.contains("owner mismatch") == true, "\(String(describing: li.problem))")
        let wang = try XCTUnwrap(rows["archives/王芳.svault"])
        let zhang = try XCTUnwrap(rows["archives/张伟.svault"])
        XCTAssertTrue(wang.nonCompliant)
        XCTAssertTrue(zhang.nonCompliant)
        XCTAssertTrue(wang.problem?.contains("duplicate archive id") == true)
        XCTAssertTrue(zhang.problem?.contains("duplicate archive id") == true)
        XCTAssertEqual(report.summary.nonCompliant, 3)
        XCTAssertEqual(zhang.kdfLogN, 10)
    }

    /// Links `source` as `archives/` + `name` + `suffix`, `name` being bytes that are not UTF-8.
    func linkUndecodable(_ source: String, name: [UInt8], suffix: String) {
        let path = Array(file("archives/").utf8) + name + Array(suffix.utf8) + [0]
        let linked = path.withUnsafeBufferPointer { p in p.withMemoryRebound(to: CChar.self) { link(source, $0.baseAddress!) } }
        XCTAssertEqual(linked, 0, "link: errno \(errno)")
    }

    // helper-154: Foundation's listing left out a name that is not UTF-8, and a copy so named hid
    // from the check (`0 archives … compliant`).
    func testAnArchiveWhoseNameIsNotUTF8IsListedAndNotCompliant() throws {
        let registry = try complianceDepartment()
        for name in ["张伟", "李娜", "王芳"] { try makeArchive(name, owner: name, registry: registry, now: base) }
        linkUndecodable(file("archives/张伟.svault"), name: [0x62, 0x61, 0x64, 0xFF, 0xFE], suffix: ".svault")
        linkUndecodable(file("archives/李娜.svault"), name: [0xC4, 0xE3, 0xBA, 0xC3], suffix: ".txt")  // 你好 in GBK
        let report = try ComplianceReport.run(directory: dir, asOf: .instant(base + day), now: base + day, registry: try enrolled(registry))
        let rows = Dictionary(uniqueKeysWithValues: report.archives.map { ($0.archive, $0) })
        let bad = try XCTUnwrap(rows["archives/bad\\xFF\\xFE.svault"], "\(rows.keys.sorted())")
        XCTAssertTrue(bad.nonCompliant)
        XCTAssertEqual(bad.problem, "unreadable: the file name is not valid UTF-8 (not opened): rename it (e.g. to OWNER.svault) and check again")
        XCTAssertEqual(bad.problemZH, "无法读取：文件名不是有效的 UTF-8 编码，无法核对（未打开）。请将其改名（例如“张伟.svault”）后重新检查")
        let other = try XCTUnwrap(rows["archives/\\xC4\\xE3\\xBA\\xC3.txt"], "\(rows.keys.sorted())")
        XCTAssertFalse(other.nonCompliant)
        XCTAssertEqual(report.summary.unreadable, 1)
        XCTAssertEqual(report.summary.foreign, 1)
        XCTAssertEqual(report.summary.nonCompliant, 1)
        XCTAssertFalse(report.isCompliant)
    }

    // helper-155: the table printed the problems in English to a Chinese manager.
    func testEveryProblemOfTheCheckIsSaidInChinese() throws {
        let registry = try complianceDepartment()
        try makeArchive("张伟", owner: "张伟", registry: registry, now: base)
        try makeArchive("李娜", owner: "王芳", registry: registry, now: base)  // another owner's archive
        try FileManager.default.copyItem(atPath: file("archives/张伟.svault"), toPath: file("archives/张伟2.svault"))  // a duplicate
        try write(Data("notes".utf8), file("archives/notes.txt"))
        try write(Data("not an archive at all, just some text".utf8), file("archives/x.svault"))
        var short = try read(file("archives/张伟.svault"))
        short.removeLast(100)
        try write(short, file("archives/cut.svault"))
        XCTAssertEqual(symlink(file("archives/张伟.svault"), file("archives/link.svault")), 0)
        linkUndecodable(file("archives/张伟.svault"), name: [0xFF], suffix: ".svault")
        // 王芳 registered without an archive; the policy's floor above the archives' cost.
        var strict = try enrolled(registry)
        strict.policy.minKDFLogN = 14
        let report = try ComplianceReport.run(directory: dir, asOf: .instant(base + day), now: base + day, registry: strict)
        let problems = report.archives.compactMap(\.problem)
        XCTAssertGreaterThanOrEqual(problems.count, 8, "\(problems)")
        for kind in ["owner mismatch", "duplicate archive id", "foreign: not a .svault", "foreign: not a regular file", "weak KDF", "missing:", "unreadable:"] {
            XCTAssertTrue(problems.contains { $0.contains(kind) }, "no \(kind) among \(problems)")
        }
        // What may stay in Latin letters: names of things, never an English sentence.
        let allowed: Set<String> = ["scrypt", "svault", "txt", "UTF", "salesvault", "dept", "enroll", "SalesVault", "xFF"]
        for row in report.archives {
            guard var zh = row.problemZH else { continue }
            // (File names and paths as they are.)
            zh = zh.replacingOccurrences(of: "“[^”]*”|archives/[^ ，；（）]+", with: "", options: .regularExpression)
            let words = zh.split { !($0.isASCII && $0.isLetter) }.map(String.init).filter { $0.count > 1 && !allowed.contains($0) }
            XCTAssertTrue(words.isEmpty, "\(row.archive): \(zh) keeps \(words)")
        }
    }

    // helper-156: problems whose own text holds "; " were cut in two and left half in English;
    // a fingerprint with spaces, a record's reason after `record N:`, an audit log that is not a
    // file and the stripped-signature texts were not said in Chinese.
    func testProblemsWithTheirOwnSeparatorsAreSaidWhollyInChinese() {
        let problems = [
            "owner signature INVALID: signed with 3FB3 1A2B 0C0D, not the key enrolled for 李娜 (AAAA BBBB CCCC), and no escrow password reset the department logged while that key was enrolled explains it: changed by someone holding the data key (e.g. through escrow), or an old copy put back",
            "new key: signed with 3FB3 1A2B 0C0D, not the key enrolled for 李娜 (AAAA BBBB CCCC), after an escrow password reset the department logged; once 李娜 confirms it is theirs, enroll it (salesvault dept enroll)",
            "owner signature INVALID: the records are not the ones the owner signed (a record was rewritten, removed or replaced): changed by someone holding the data key (e.g. through escrow), or damaged on disk (salesvault verify tells which)",
            "owner signature INVALID: the owner signature was removed and the archive made to look reset through escrow: the department's audit log has no escrow password reset of it made while 李娜's key 3FB3 1A2B was enrolled: changed by someone holding the data key (e.g. through escrow), or an old copy put back",
            "not enrolled: the owner key 3FB3 1A2B 0C0D is not in the registry (salesvault dept enroll)",
            "verify: record 0: record 0 failed authentication (altered, moved, or from another archive)",
            "audit log unreadable: the audit log dept/audit/ABCD.log is not a regular file (a FIFO, device or folder): refused",
            "weak KDF: scrypt 2^10 below 2^12",
        ]
        // (A data key due, whatever set it, said with both causes: it named a manager's removal alone: helper-197.)
        XCTAssertEqual(ComplianceText.escrowDetailZH("a removed manager's slot was dropped, or compromised stopped before its new key: the data key was not rotated since"),
                       "已删除离任经理的托管密钥，或上次执行 salesvault compromised 时在更换数据密钥前中断，之后一直未更换")
        let allowed: Set<String> = ["scrypt", "salesvault", "dept", "enroll", "verify", "FIFO", "log", "audit", "ab"]
        XCTAssertEqual(ComplianceText.parts(problems.joined(separator: "; ")), problems, "each problem whole")
        for problem in problems {
            let zh = ComplianceText.problemZH(problem)
            // (Fingerprints are hexadecimal groups: 3FB3 1A2B.)
            let words = zh.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.map(String.init)
                .filter { $0.count > 1 && !allowed.contains($0) && $0.range(of: "^[0-9A-F]+$", options: .regularExpression) == nil && $0.contains(where: \.isLetter) }
            XCTAssertTrue(words.isEmpty, "\(zh) keeps \(words)")
        }
        XCTAssertEqual(ComplianceText.problemZH(problems[0]), "所有人签名无效：签名密钥为 3FB3 1A2B 0C0D，不是李娜在部门登记的密钥（AAAA BBBB CCCC），且部门审计日志中没有在该密钥登记期间对本档案所做的托管重置可以解释：持有数据密钥的人（例如经托管打开）改动过档案，或放回了旧副本")
        XCTAssertEqual(ComplianceText.problemZH(problems[1]), "新密钥待登记：部门记录过对该档案的托管重置密码，之后档案改用新签名密钥 3FB3 1A2B 0C0D（部门登记的是 AAAA BBBB CCCC）。请与李娜本人核实后运行 salesvault dept enroll 登记")
    }

    func testAFIFOAmongTheArchivesIsSkippedWithoutOpeningIt() throws {
        let registry = try complianceDepartment()
        try makeArchive("张伟", owner: "张伟", registry: registry, now: base)
        try makeArchive("李娜", owner: "李娜", registry: registry, now: base)
        XCTAssertEqual(mkfifo(file("archives/王芳.svault"), 0o600), 0)
        XCTAssertEqual(symlink(file("archives/张伟.svault"), file("archives/link.svault")), 0)
        // Opening the FIFO would block for ever: the check runs on another thread with a deadline.
        let done = expectation(description: "compliance and reminders return")
        // Written by the watchdog thread before `done.fulfill()`, read only after `wait(for:)`.
        final class Box: @unchecked Sendable { var report: ComplianceReport?; var skipped: [String]? }
        let box = Box()
        let (directory, at) = (dir, base + day)
        let withKeys = try enrolled(registry)
        Thread.detachNewThread {
            box.report = try? ComplianceReport.run(directory: directory, asOf: .instant(at), registry: withKeys)
            box.skipped = (try? Reminders.collect([directory], now: at))?.skipped
            done.fulfill()
        }
        wait(for: [done], timeout: 20)
        let report = try XCTUnwrap(box.report)
        XCTAssertNotNil(box.skipped)
        let rows = Dictionary(uniqueKeysWithValues: report.archives.map { ($0.archive, $0) })
        XCTAssertEqual(rows["archives/link.svault"]?.problem, "foreign: not a regular file (not opened)")
        // The FIFO is not 王芳's archive: she is missing.
        let wang = try XCTUnwrap(rows["archives/王芳.svault"])
        XCTAssertTrue(wang.nonCompliant)
        XCTAssertTrue(wang.problem?.contains("not a regular file") == true || wang.problem?.hasPrefix("missing:") == true)
        XCTAssertFalse(report.isCompliant)
    }

    // MARK: 3. Names

    func testNamesThatArePathsOrHideControlsAreRefusedAndNamesAreStoredInNFC() throws {
        var r = Registry(name: "部", adminKey: admin.publicKey, now: base)
        for bad in ["", "../x", "a/b", "a\\b", "..", ".hidden", "-rf", "张\u{202E}伟", "x\u{7}", "a\u{200B}b", "a\u{2028}b"] {
            assertCode(.invalid, try r.addSalesperson(named: bad, now: base))
            assertCode(.invalid, try r.addManager(name: bad, recipient: try Key().publicKey, role: "m", now: base))
        }
        XCTAssertTrue(r.salespeople.isEmpty)
        try r.addSalesperson(named: "Zoe\u{301}", now: base)
        XCTAssertEqual(r.salespeople.map { Array($0.name.unicodeScalars) }, [Array("Zo\u{E9}".unicodeScalars)])
        XCTAssertEqual(Array(r.salespeople[0].archive.unicodeScalars), Array("archives/Zo\u{E9}.svault".unicodeScalars))
        XCTAssertEqual(Array(Layout("D").archive(of: "Zoe\u{301}").unicodeScalars), Array("D/archives/Zo\u{E9}.svault".unicodeScalars))
        // A signed registry naming a path is refused when read.
        var forged = r
        forged.salespeople.append(.init(addedAt: Registry.timestamp(base), archive: "archives/../x.svault", name: "../x"))
        assertCode(.invalid, try forged.validate())
    }

    // MARK: 4. Directory modes

    func testDeptInitCreatesItsDirectoriesWithoutGroupWriteOrWorldAccess() throws {
        let old = umask(0)
        defer { umask(old) }
        try Registry.create(directory: dir, name: "华东区销售部", signer: admin, now: base)
        for sub in ["", "/keys", "/archives", "/reports"] {
            var st = stat()
            XCTAssertEqual(stat(dir + sub, &st), 0)
            XCTAssertEqual(st.st_mode & 0o777, 0o750, sub)
        }
    }

    /// A department folder that cannot be made (its parent is a file): the Chinese reason says the
    /// cause in Chinese, not the system's English (`Not a directory`), which the English keeps.
    func testAFolderThatCannotBeMadeIsSaidInBothLanguages() throws {
        try write(Data("x".utf8), root.appendingPathComponent("plain").path)
        let inside = root.appendingPathComponent("plain/dept").path
        XCTAssertThrowsError(try Registry.create(directory: inside, name: "华东区销售部", signer: admin, now: base)) { error in
            guard let e = error as? DepartmentError else { return XCTFail("got \(error)") }
            XCTAssertEqual(e.code, .io)
            XCTAssertTrue(e.reasonZH.hasPrefix("无法创建目录 "), e.reasonZH)
            XCTAssertTrue(e.reasonZH.hasSuffix("：路径中有一部分不是文件夹"), e.reasonZH)
            XCTAssertFalse(e.reasonZH.contains("directory"), e.reasonZH)
            XCTAssertTrue(e.reason.contains("Not a directory"), e.reason)
        }
        let full = DepartmentError.system(ENOSPC, "cannot write x", zh: "无法写入 x")
        XCTAssertEqual(full.reasonZH, "无法写入 x：磁盘空间不足")
        XCTAssertEqual(full.reason, "cannot write x: No space left on device")
    }
}
