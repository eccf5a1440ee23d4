import Department
import Foundation
import VaultCrypto
import VaultFormat
import XCTest

/// Owner-signed archives through the built binary (FORMAT.md §5.5, §5.6; DEPARTMENT.md §3.8, §6):
/// a manager holding the data key (taken here with the library, from an escrow identity) rewrites
/// a record or changes a slot; the owner's next unlock and `compliance` with no key both catch it
/// (exit 4, the archive named). Enrollment, an escrow reset, and an archive written before.
final class OwnerSignatureCLITests: DepartmentCLITestCase {
    override func makeFixture() throws -> DepartmentFixture { try DepartmentFixture(managers: [.li]) }

    /// 张伟's archive in the department, with one customer; enrolled unless `enroll` is false.
    func signedArchive(enroll: Bool = true) throws -> String {
        try admin(["add-salesperson", dept, "张伟"])
        let created = try sv(["init", "--department", dept, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"] + adminFingerprintOption(dept))
        XCTAssertTrue(created.stderr.contains("not enrolled in the department"), created.stderr)
        let a = f.archive("张伟")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dept + "/enroll/张伟.json"))
        if enroll { try admin(["enroll", dept, "张伟", "--yes"]) }
        try sv(["customer", "add", "华为技术有限公司", "--grade", "A"] + owner(a))
        return a
    }

    /// The data-key holder: 李经理's escrow identity, through the library.
    func asManager(_ archive: String, _ edit: (Vault) throws -> Void) throws {
        let text = try KeyFile.open(try KeyFile.read(dir.path("k/li.key"))) { SecureBytes(Array("manager li passphrase".utf8)) }
        let vault = try Vault.open(path: archive, escrowIdentities: [try KeyFile.parseIdentity(text)], access: .readWrite)
        try edit(vault)
    }

    func testARecordRewrittenWithTheDataKeyIsCaughtByTheOwnerAndByComplianceWithoutAKey() throws {
        let a = try signedArchive()
        let clean = try sv(["compliance", dept, "--json"])
        XCTAssertTrue(clean.stdout.contains("\"signature\" : \"ok\""), clean.stdout)
        // 华为 becomes 中兴 (the same length), re-sealed under the DEK, chain rebuilt, header re-MAC'd.
        try asManager(a) { v in
            let records = try v.readAllRecords()
            let from = Array("华为技术有限公司".utf8), to = Array("中兴通讯有限公司".utf8)
            func find(_ r: [UInt8]) -> Int? { r.count < from.count ? nil : (0...(r.count - from.count)).first { Array(r[$0..<($0 + from.count)]) == from } }
            let index = try XCTUnwrap(records.indices.last { find(records[$0]) != nil })
            var changed = records[index]
            let at = find(changed)!
            changed.replaceSubrange(at..<(at + to.count), with: to)
            try v.rewriteRecordAsDataKeyHolder(index: UInt64(index), payload: changed)
        }
        let compliance = try sv(["compliance", dept], expect: 4)
        XCTAssertTrue(compliance.stdout.contains("archives/张伟.svault") && compliance.stdout.contains("INVALID"), compliance.stdout)
        XCTAssertTrue(compliance.stdout.contains("records are not the ones the owner signed"), compliance.stdout)
        let json = try sv(["compliance", dept, "--json"], expect: 4)
        XCTAssertTrue(json.stdout.contains("\"signature\" : \"INVALID\""), json.stdout)
        let unlock = try sv(["customer", "list"] + owner(a), expect: 4)
        XCTAssertTrue(unlock.stderr.contains("changed by someone holding the data key"), unlock.stderr)
        XCTAssertFalse(unlock.stdout.contains("中兴"), "nothing of the forged content is shown")
        let zh = try sv(["customer", "list", "--lang", "zh"] + owner(a), expect: 4)
        XCTAssertTrue(zh.stderr.contains("有人利用数据密钥"), zh.stderr)
        let verify = try sv(["verify", a, "--password-file", dir.path("pw")], expect: 4)
        XCTAssertTrue(verify.stderr.contains("data key"), verify.stderr)
    }

    func testASlotChangedWithTheDataKeyIsCaughtByTheOwnerAndByComplianceWithoutAKey() throws {
        let a = try signedArchive()
        // The manager removes the escrow slot (re-MAC'd header): no one else could open it any more.
        try asManager(a) { v in
            try v.rewriteHeaderAsDataKeyHolder { h in h.slots.removeAll { if case .escrow = $0 { return true } else { return false } } }
        }
        let compliance = try sv(["compliance", dept, "--csv"], expect: 4)
        XCTAssertTrue(compliance.stdout.contains("archives/张伟.svault") && compliance.stdout.contains(",INVALID"), compliance.stdout)
        XCTAssertTrue(compliance.stdout.contains("a header field or a key slot was changed"), compliance.stdout)
        try sv(["customer", "list"] + owner(a), expect: 4)
        let status = try sv(["status", a])
        XCTAssertTrue(status.stdout.contains("INVALID: changed by someone holding the data key"), status.stdout)
    }

    func testAnEscrowUseKeepsTheArchiveCompliantAndTheOwnerSignsItAtTheNextChange() throws {
        let a = try signedArchive()
        try sv(["escrow", "open", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp"), "--", "customer", "list"])
        try sv(["compliance", dept])
        try sv(["customer", "add", "中兴通讯", "--grade", "B"] + owner(a))
        try sv(["compliance", dept])
        let info = try ArchiveInspection.inspect(path: a)
        XCTAssertEqual(info.header.ownerSignature?.signedRecordCount, info.header.recordCount)
    }

    func testEnrollmentAndAnEscrowResetThenANewKeyEnrolledAgain() throws {
        let a = try signedArchive(enroll: false)
        let notYet = try sv(["compliance", dept, "--json"], expect: 9)
        XCTAssertTrue(notYet.stdout.contains("\"signature\" : \"not enrolled\""), notYet.stdout)
        XCTAssertTrue(try sv(["dept", "show", dept]).stdout.contains("signing key not enrolled; pending:"))
        let request = try EnrollmentRequest.load(path: dept + "/enroll/张伟.json")
        let fingerprint = KeyFile.fingerprint(try request.key())
        XCTAssertTrue(try sv(["status", a]).stdout.contains(fingerprint), "the owner reads the same fingerprint")
        let refused = try runTool(["dept", "enroll", dept, "张伟", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap")],
                                  stdin: "n\n", environment: ["SALESVAULT_NOW": String(t0)])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stdout.contains(fingerprint), refused.stdout)
        try admin(["enroll", dept, "张伟", "--yes"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dept + "/enroll/张伟.json"))
        XCTAssertTrue(try sv(["dept", "show", dept]).stdout.contains("signing key \(fingerprint)"))
        try sv(["compliance", dept])

        // A reset through escrow drops the owner's key; the forced passwd makes a new one, which
        // compliance flags until the administrator enrolls it.
        _ = try dir.write("tmp", "temporary river lantern 7\n")
        _ = try dir.write("new", "my own granite password\n")
        try sv(["escrow", "reset-password", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp"),
                "--new-password-file", dir.path("tmp"), "--insecure-kdf-cost", "10"])
        let unsigned = try sv(["compliance", dept, "--json"], expect: 9)
        XCTAssertTrue(unsigned.stdout.contains("\"signature\" : \"unsigned\""), unsigned.stdout)
        let passwd = try sv(["passwd", a, "--password-file", dir.path("tmp"), "--new-password-file", dir.path("new"), "--insecure-kdf-cost", "10"])
        XCTAssertTrue(passwd.stderr.contains("now has your signing key"), passwd.stderr)
        XCTAssertTrue(passwd.stderr.contains("not enrolled in the department"), passwd.stderr)
        let other = try sv(["compliance", dept], expect: 4)
        XCTAssertTrue(other.stdout.contains("not the key enrolled for 张伟"), other.stdout)
        XCTAssertTrue(try sv(["dept", "show", dept]).stdout.contains("; pending:"))
        try admin(["enroll", dept, "张伟", "--yes"])
        try sv(["compliance", dept])
        try sv(["customer", "list", "-a", a, "--password-file", dir.path("new")])
    }

    func testAnArchiveWrittenBeforeOwnerSignaturesOpensAndIsSignedAtTheNextChange() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/before-change-sets")
        let folder = dir.path("old")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let a = folder + "/legacy.svault"
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("archive.svault").path, toPath: a)
        let pw = ["--password-file", fixtures.appendingPathComponent("password.txt").path]
        XCTAssertTrue(try sv(["status", a]).stdout.contains("not signed (written by an earlier version"))
        let compliance = try sv(["compliance", folder, "--json", "--as-of", "2026-01-01"], expect: 9)
        XCTAssertTrue(compliance.stdout.contains("\"signature\" : \"unsigned\""), compliance.stdout)
        let read = try sv(["customer", "list", "-a", a] + pw)
        XCTAssertFalse(read.stderr.contains("now has your signing key"), "a read writes nothing")
        XCTAssertTrue(try sv(["verify", a] + pw).stdout.contains("not signed (written by an earlier version"))
        let write = try sv(["customer", "edit", "Acme", "--set", "region=上海", "-a", a] + pw)
        XCTAssertTrue(write.stderr.contains("was not signed (written by an earlier version"), write.stderr)
        let again = try sv(["customer", "edit", "Acme", "--set", "region=北京", "-a", a] + pw)
        XCTAssertFalse(again.stderr.contains("was not signed"), "said once")
        XCTAssertTrue(try sv(["status", a]).stdout.contains("signed, key fingerprint"))
        XCTAssertTrue(try sv(["verify", a] + pw).stdout.contains("owner signature: valid"))
        XCTAssertNil(try ArchiveInspection.inspect(path: a).header.passwordHistory, "the history moved under the password")
    }
}
