import Department
import Foundation
import VaultCrypto
import VaultFormat
import XCTest

/// The second attack round on the registry (issue 13, DEPARTMENT.md §3.1, §3.7, §4): names and
/// roles cannot carry terminal controls into the owner's trust prompt and are bounded; the rotation
/// statement refuses a name its length field cannot hold; without a terminal, `init --department`
/// refuses before showing the folder's unconfirmed fingerprint.
final class RegistryRoundCLITests: XCTestCase {
    var f: DepartmentFixture!

    override func setUpWithError() throws { f = try DepartmentFixture(managers: [.li]) }
    override func tearDown() { f = nil }

    func adminKey() throws -> Curve25519.Signing.PrivateKey {
        try KeyFile.parseAdmin(try KeyFile.open(try KeyFile.read(f.dir.path("admin.key"))) { SecureBytes(Array("admin pass phrase 2026".utf8)) })
    }

    /// Finding 5: refused when set, with a clear error, whatever the length or the characters.
    func testNamesAndRolesWithControlsOrTooLongAreRefusedWhenSet() throws {
        for name in ["华东\n销售部", "销售\u{1B}[2J部", "销售\u{202E}部", String(repeating: "a", count: 70_000)] {
            let r = try f.sv(["dept", "init", f.dir.path("D2"), "--name", name, "--admin-key", f.dir.path("admin2.key"), "--admin-passphrase-file", f.dir.path("ap"),
                              "--insecure-kdf-cost", "10"], expect: 8)
            XCTAssertTrue(r.stderr.contains("the department's name") && r.stderr.contains("refused"), r.stderr)
            XCTAssertFalse(r.stderr.contains("\u{1B}") || r.stderr.contains("\u{202E}"), "the refusal itself is terminal-safe")
            XCTAssertFalse(FileManager.default.fileExists(atPath: f.dir.path("D2/department.json")))
        }
        _ = try f.dir.write("wp", "wang key passphrase 2026\n")
        try f.sv(["keys", "generate", "wang", "--dir", f.dir.path("k"), "--passphrase-file", f.dir.path("wp"), "--insecure-kdf-cost", "10"])
        for role in ["general manager\nAdministrator fingerprint: 0000", "总经理\u{202E}", String(repeating: "r", count: 101)] {
            let r = try f.admin(["add-manager", f.dept, "王总", "--pub", f.dir.path("k/wang.pub"), "--role", role], expect: 8)
            XCTAssertTrue(r.stderr.contains("a manager's role"), r.stderr)
        }
        let zh = try f.admin(["add-manager", f.dept, "王总", "--pub", f.dir.path("k/wang.pub"), "--role", "总经理\u{1B}", "--lang", "zh"], expect: 8)
        XCTAssertTrue(zh.stderr.contains("经理职务") && zh.stderr.contains("已拒绝"), zh.stderr)
        try f.admin(["add-manager", f.dept, "王总", "--pub", f.dir.path("k/wang.pub"), "--role", String(repeating: "r", count: 100)])
    }

    /// Finding 5: a 70,000-byte name was cut to its low 16 bits in the signed statement.
    func testTheRotationStatementRefusesANameItsLengthFieldCannotHold() throws {
        let key = try adminKey()
        let long = String(repeating: "a", count: 70_000)
        XCTAssertThrowsError(try Registry.rotationMessage(department: long, from: key.publicKey.rawRepresentation, to: key.publicKey.rawRepresentation, serial: 2)) {
            XCTAssertTrue("\($0)".contains("16-bit length field"), "\($0)")
        }
        XCTAssertThrowsError(try Registry.rotation(department: long, from: key, to: try Curve25519.Signing.PrivateKey().publicKey, serial: 2))
        XCTAssertEqual(try Registry.rotationMessage(department: String(repeating: "a", count: 65_535), from: [UInt8](repeating: 1, count: 32),
                                                    to: [UInt8](repeating: 2, count: 32), serial: 2).count, 29 + 2 + 65_535 + 64 + 8)
    }

    /// Finding 5: a registry signed by an earlier version with controls in its name and a role
    /// (the administrator's tool now refuses them) is shown escaped in the owner's trust prompt,
    /// one line each: nothing can forge a line of the prompt or clear the screen.
    func testTheTrustPromptEscapesNamesAndRoles() throws {
        try f.admin(["add-salesperson", f.dept, "张伟"])
        let old = try Registry.load(directory: f.dept)
        var r = try old.next(now: f.t0)
        r.previous = .init(serial: old.serial, sha256: Registry.digestHex(Array(try Data(contentsOf: URL(fileURLWithPath: f.dept + "/department.json")))))
        r.name = "华东\nAdministrator fingerprint: 0000 0000\u{1B}[2J"
        r.managers[0].role = "manager\u{202E}\nfake line"
        try r.save(directory: f.dept, signer: try adminKey())
        let out = try f.sv(["init", "--department", f.dept, "--owner", "张伟", "--password-file", f.dir.path("pw"), "--insecure-kdf-cost", "10"] + adminFingerprintOption(f.dept))
        let text = out.stdout + out.stderr
        XCTAssertFalse(text.contains("\u{1B}") || text.contains("\u{202E}"), text)
        XCTAssertFalse(text.split(separator: "\n").contains { $0.hasPrefix("Administrator fingerprint: 0000") }, text)
        XCTAssertFalse(text.split(separator: "\n").contains { $0.hasPrefix("fake line") }, text)
        XCTAssertTrue(text.contains("华东 Administrator fingerprint: 0000 0000\\u{1B}[2J"), text)
        XCTAssertTrue(text.contains("manager\\u{202E} fake line"), text)
        // status prints the escrow holder's name escaped as well.
        let status = try f.sv(["status", f.dept + "/archives/张伟.svault"])
        XCTAssertFalse(status.stdout.contains("\u{1B}") || status.stdout.contains("\u{202E}"), status.stdout)
    }

    /// Finding 6: without a terminal and without --admin-fingerprint the folder's fingerprint was
    /// printed before the refusal; now the refusal comes first and nothing of the folder is shown.
    func testWithoutATerminalInitRefusesBeforeShowingTheFingerprint() throws {
        try f.admin(["add-salesperson", f.dept, "张伟"])
        let fingerprint = try XCTUnwrap(adminFingerprintOption(f.dept).last)
        let r = try f.sv(["init", "--department", f.dept, "--owner", "张伟", "--password-file", f.dir.path("pw"), "--insecure-kdf-cost", "10"], expect: 64)
        XCTAssertFalse((r.stdout + r.stderr).contains(fingerprint), r.stdout + r.stderr)
        XCTAssertFalse(r.stdout.contains("Administrator fingerprint"), r.stdout)
        XCTAssertTrue(r.stderr.contains("no terminal to ask on") && r.stderr.contains("--admin-fingerprint"), r.stderr)
        let zh = try f.sv(["init", "--department", f.dept, "--owner", "张伟", "--password-file", f.dir.path("pw"), "--insecure-kdf-cost", "10", "--lang", "zh"], expect: 64)
        XCTAssertTrue(zh.stderr.contains("没有可供核对的终端"), zh.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.dept + "/archives/张伟.svault"))
    }

    /// Finding 8: a serial written `6.0` or `6e0` (re-signed by the administrator) was read as 6.
    func testASerialWithAFractionOrExponentIsRefused() throws {
        let path = f.dept + "/department.json"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let regex = try NSRegularExpression(pattern: "(\"serial\"\\s*:\\s*)(\\d+)")
        let match = try XCTUnwrap(regex.firstMatch(in: original, range: NSRange(original.startIndex..., in: original)))
        let number = (original as NSString).substring(with: match.range(at: 2))
        for written in ["\(number).0", "\(number)e0", "\(number)E+0"] {
            let json = (original as NSString).replacingCharacters(in: match.range(at: 2), with: written)
            try json.write(toFile: path, atomically: false, encoding: .utf8)
            let signature = try adminKey().signature(for: Array(json.utf8))
            try (Base64.encode(signature) + "\n").write(toFile: f.dept + "/department.sig", atomically: false, encoding: .utf8)
            let r = try f.sv(["dept", "show", f.dept], expect: 2)  // malformed, as any registry that does not parse
            XCTAssertTrue(r.stderr.contains("the number \(written) is not an integer written as digits"), r.stderr)
        }
    }

    /// Finding 8: `status` said "pinned at creation" after the archive followed a hand-over.
    func testStatusSaysWhichAdministratorKeyTheArchiveIsPinnedToNow() throws {
        let a = try f.newArchive("张伟", customer: true)
        XCTAssertFalse(try f.sv(["status", a]).stdout.contains("pinned at creation"))
        _ = try f.dir.write("ap2", "second admin pass phrase 2027\n")
        try f.admin(["rotate-admin", f.dept, "--new-admin-key", f.dir.path("admin2.key"), "--new-admin-passphrase-file", f.dir.path("ap2"),
                     "--insecure-kdf-cost", "10"], now: f.at(day: 1))
        try f.sv(["customer", "add", "小米"] + f.owner(a), now: f.at(day: 2))  // a writing unlock pins the new key
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try f.sv(["status", a, "--json"]).stdout.utf8)) as? [String: Any])
        let pinned = try XCTUnwrap(json["administratorFingerprint"] as? String)
        let status = try f.sv(["status", a]).stdout
        XCTAssertTrue(status.contains("\(pinned) (the administrator key this archive is pinned to now; registry serial"), status)
        XCTAssertFalse(status.contains("pinned at creation"), status)
        XCTAssertTrue(try f.sv(["status", a, "--lang", "zh"]).stdout.contains("本档案当前固定信任的管理员密钥"))
    }
}
