import Foundation
import VaultCrypto
import VaultFormat
import XCTest

/// Verifiable escrow shares through the built binary (FORMAT.md §5.2 scheme 3, DEPARTMENT.md §4,
/// §6): `escrow check-share`, `compliance --verify` with too few keys or an inconsistent share,
/// and archives whose shares an earlier version dealt (scheme 2).
final class VerifiableSharesCLITests: DepartmentCLITestCase {
    override func makeFixture() throws -> DepartmentFixture {
        try DepartmentFixture(managers: [.li, .wang, .chen], policy: ["--threshold", "2"])
    }

    func key(_ file: String) -> [String] { f.key(file) }

    /// The owner's tool re-dealing the escrow as a malicious or an old writer would.
    func redeal(_ archive: String, legacy: Bool = false, inconsistentShare x: UInt8? = nil) throws {
        let vault = try Vault.open(path: archive, password: SecureBytes(Array("horse battery staple".utf8)), access: .readWrite)
        try vault.redealEscrowForTesting(legacy: legacy, inconsistentShare: x)
    }

    func verifiedColumn(_ json: String) throws -> String? {
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return (report["archives"] as? [[String: Any]])?.first?["verified"] as? String
    }

    func testEachManagerChecksTheirShareAloneAndTooFewKeysFailVerify() throws {
        let a = try newArchive("张伟")
        XCTAssertTrue(try sv(["escrow", "list", a]).stdout.contains("Verifiable shares: each manager can check their own"))
        XCTAssertTrue(try sv(["status", a]).stdout.contains("verifiable"))
        for m in ["li", "wang", "chen"] {
            let r = try sv(["escrow", "check-share", a] + key(m))
            XCTAssertTrue(r.stdout.contains("your share is consistent with the archive's commitments (2 managers are needed to open)"), r.stdout)
        }
        let zh = try sv(["escrow", "check-share", a, "--lang", "zh"] + key("li"))
        XCTAssertTrue(zh.stdout.contains("您的份额与档案的承诺值一致（需 2 位经理共同才能打开）"), zh.stdout)
        // --verify with one key of a 2-of-3 archive fails loudly instead of "no slot".
        let one = try sv(["compliance", dept, "--verify"] + key("li"), expect: 9)
        XCTAssertTrue(one.stderr.contains("needs several managers' keys together"), one.stderr)
        XCTAssertTrue(one.stdout.contains("too few keys"), one.stdout)
        let json = try sv(["compliance", dept, "--verify", "--json"] + key("li"), expect: 9)
        XCTAssertEqual(try verifiedColumn(json.stdout), "too few keys")
        XCTAssertTrue(json.stdout.contains("2 managers' keys are needed together, 1 given"), json.stdout)
        // Two holders: authenticated, compliant.
        let two = try sv(["compliance", dept, "--verify", "--json"] + key("li") + key("chen"))
        XCTAssertEqual(try verifiedColumn(two.stdout), "yes")
        try sv(["escrow", "open", a] + key("wang") + key("chen") + ["--", "customer", "list"])
    }

    func testAnInconsistentShareIsNamedAndExits4() throws {
        let a = try newArchive("张伟")
        try redeal(a, inconsistentShare: 3)  // 陈审计, third in the registry
        try sv(["escrow", "check-share", a] + key("li"))
        let bad = try sv(["escrow", "check-share", a] + key("chen"), expect: 4)
        XCTAssertTrue(bad.stdout.contains("your share does NOT match the archive's commitments"), bad.stdout)
        let verify = try sv(["compliance", dept, "--verify", "--json"] + key("chen"), expect: 4)
        XCTAssertEqual(try verifiedColumn(verify.stdout), "share inconsistent")
        XCTAssertTrue(verify.stdout.contains("the escrow share of 陈审计 does not match"), verify.stdout)
        let open = try sv(["escrow", "open", a] + key("li") + key("chen") + ["--", "customer", "list"], expect: 4)
        XCTAssertTrue(open.stderr.contains("陈审计") && open.stderr.contains("commitments"), open.stderr)
        try sv(["escrow", "open", a] + key("li") + key("wang") + ["--", "customer", "list"])
    }

    func testSharesOfAnEarlierVersionAreSaidUncheckableAndReDealtByEscrowUpdate() throws {
        let a = try newArchive("张伟")
        try redeal(a, legacy: true)
        let note = "shares cannot be checked (written by an earlier version)"
        let check = try sv(["escrow", "check-share", a] + key("li"), expect: 1)
        XCTAssertTrue(check.stdout.contains(note), check.stdout)
        XCTAssertTrue(try sv(["escrow", "list", a]).stdout.contains("The shares cannot be checked (written by an earlier version)"))
        XCTAssertTrue(try sv(["status", a]).stdout.contains(note))
        XCTAssertTrue(try sv(["compliance", dept, "--json"]).stdout.contains(note))
        try sv(["escrow", "open", a] + key("li") + key("wang") + ["--", "customer", "list"])
        let update = try sv(["escrow", "update", a, "--yes", "--password-file", dir.path("pw")])
        XCTAssertTrue(update.stdout.contains("dealt again as verifiable shares"), update.stdout)
        try sv(["escrow", "check-share", a] + key("li"))
        XCTAssertFalse(try sv(["compliance", dept, "--json"]).stdout.contains(note))
        try sv(["escrow", "open", a] + key("wang") + key("chen") + ["--", "customer", "list"])
    }
}
