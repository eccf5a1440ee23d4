@testable import Department
import Foundation
import VaultCrypto
import VaultFormat
import XCTest

/// The department's owner-signature rules (FORMAT.md §4.2 "stripped", §5.6 check 4) on the
/// testkit's stripped vector, without the command line.
final class OwnerSignatureRulesTests: XCTestCase {
    /// The header of `owner_stripped.svtest` and the key its `enrolled-key:` line names.
    func strippedVector() throws -> (header: ArchiveHeader, enrolled: [UInt8]) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("VaultFormatTests/Testkit/owner_stripped.svtest")
        let data = [UInt8](try Data(contentsOf: url))
        let split = try XCTUnwrap((0..<(data.count - 1)).first { data[$0] == 10 && data[$0 + 1] == 10 })
        let preamble = String(decoding: data[..<split], as: UTF8.self)
        let hex = try XCTUnwrap(preamble.split(separator: "\n").first { $0.hasPrefix("enrolled-key: ") }).dropFirst("enrolled-key: ".count)
        let enrolled = stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stripped-\(getpid()).svault").path
        try Data(data[(split + 2)...]).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        return (try ArchiveInspection.inspect(path: path).header, enrolled)
    }

    func testAStrippedHeaderIsInvalidOnlyWithAnEnrolledKeyAndWithoutALoggedReset() throws {
        var (header, enrolled) = try strippedVector()
        let person = Registry.Salesperson(addedAt: "2026-01-01T00:00:00Z", archive: "archives/a.svault", name: "testkit owner",
                                          signingKey: KeyFile.ownerKeyString(enrolled))
        var asked = 0
        let logged = { asked += 1; return true }
        let stripped = try XCTUnwrap(OwnerSignatureVerdict.stripped(header, person: person, resetLogged: logged))
        XCTAssertTrue(stripped.en.hasPrefix("the owner signature was removed") && stripped.zh.hasPrefix("所有人签名已被删除"), "\(stripped)")
        XCTAssertEqual(asked, 0, "without the reset flag, no log can excuse it")
        var unenrolled = person
        unenrolled.signingKey = nil
        XCTAssertNil(OwnerSignatureVerdict.stripped(header, person: unenrolled, resetLogged: logged), "never enrolled: unsigned, not stripped")
        XCTAssertNil(OwnerSignatureVerdict.stripped(header, person: nil, resetLogged: logged))
        // The reset flag: unsigned, not stripped, only with a logged reset naming the enrolled key.
        header.flags.insert(.mustChangePassword)
        XCTAssertNil(OwnerSignatureVerdict.stripped(header, person: person, resetLogged: logged), "a logged escrow reset pending")
        XCTAssertEqual(asked, 1)
        let forged = try XCTUnwrap(OwnerSignatureVerdict.stripped(header, person: person) { false }, "the flag alone is the data-key holder's word")
        XCTAssertTrue(forged.en.contains("made to look reset through escrow") && forged.zh.contains("伪装成经过托管重置"), "\(forged)")
    }

    /// DEPARTMENT.md §7.2: only a trusted reset line whose record is in the archive and whose
    /// `ownerKey` is the key enrolled now counts as a reset.
    func testOnlyATrustedResetNamingTheEnrolledKeyIsALoggedReset() throws {
        let enrolled = try Curve25519.Signing.PrivateKey().publicKey.rawRepresentation
        let earlier = try Curve25519.Signing.PrivateKey().publicKey.rawRepresentation
        let person = Registry.Salesperson(addedAt: "2026-01-01T00:00:00Z", archive: "archives/a.svault", name: "张伟",
                                          signingKey: KeyFile.ownerKeyString(enrolled))
        func entry(_ action: String, _ key: [UInt8]?) -> AuditEntry {
            AuditEntry(action: action, archive: String(repeating: "a", count: 32), entry: 1, generation: 1, manager: "李经理",
                       payloadSHA256: String(repeating: "0", count: 64), prev: String(repeating: "0", count: 64), record: 3, recordLength: 40,
                       recordOffset: 0, recordSHA256: String(repeating: "0", count: 64), signingKey: "k", time: 1, ownerKey: key.map(KeyFile.ownerKeyString))
        }
        func audit(_ e: AuditEntry, _ trust: AuditLog.Line.Trust = .trusted, _ match: AuditLog.Match = .present) -> ArchiveAudit {
            ArchiveAudit(path: "log", items: [ArchiveAudit.Item(line: AuditLog.Line(number: 1, entry: e, trust: trust), match: match)], unreadable: nil)
        }
        XCTAssertTrue(OwnerSignatureVerdict.resetLogged(audit(entry("resetPassword", enrolled)), person: person))
        XCTAssertFalse(OwnerSignatureVerdict.resetLogged(audit(entry("resetPassword", earlier)), person: person), "a reset of an earlier key")
        XCTAssertFalse(OwnerSignatureVerdict.resetLogged(audit(entry("resetPassword", nil)), person: person), "a reset naming no key")
        XCTAssertFalse(OwnerSignatureVerdict.resetLogged(audit(entry("open", enrolled)), person: person), "not a reset")
        XCTAssertFalse(OwnerSignatureVerdict.resetLogged(audit(entry("resetPassword", enrolled), .unregisteredKey), person: person), "not trusted")
        // Signed by the key an earlier registry gave that manager (removed since: helper-156).
        func former(_ match: AuditLog.Match?) -> ArchiveAudit {
            ArchiveAudit(path: "log", items: [ArchiveAudit.Item(line: AuditLog.Line(number: 1, entry: entry("resetPassword", enrolled), trust: .unregisteredKey),
                                                                match: nil, formerMatch: match)], unreadable: nil)
        }
        XCTAssertTrue(OwnerSignatureVerdict.resetLogged(former(.present), person: person), "a reset by a manager removed since")
        XCTAssertFalse(OwnerSignatureVerdict.resetLogged(former(nil), person: person), "a key no earlier registry gave")
        XCTAssertFalse(OwnerSignatureVerdict.resetLogged(former(.missing), person: person), "its record gone")
        XCTAssertFalse(OwnerSignatureVerdict.resetLogged(audit(entry("resetPassword", enrolled), .trusted, .missing), person: person), "its record gone")
        XCTAssertFalse(OwnerSignatureVerdict.resetLogged(ArchiveAudit(path: "log", items: nil, unreadable: nil), person: person), "no log")
    }

    /// A valid signature under a key other than the enrolled one is a `new key` to enroll after
    /// a logged escrow reset (it was INVALID after every ordinary reset: helper-179), and INVALID
    /// without one; the enrolled key is `ok`, whatever the log says.
    func testAnotherKeyIsANewKeyOnlyAfterALoggedReset() throws {
        let (header, _) = try strippedVector()
        let enrolled = try Curve25519.Signing.PrivateKey().publicKey.rawRepresentation
        let other = try Curve25519.Signing.PrivateKey().publicKey.rawRepresentation
        let person = Registry.Salesperson(addedAt: "2026-01-01T00:00:00Z", archive: "archives/a.svault", name: "张伟",
                                          signingKey: KeyFile.ownerKeyString(enrolled))
        let afterReset = OwnerSignatureVerdict.verdict(.valid(publicKey: other), header: header, person: person, stripped: { nil }, resetLogged: { true })
        XCTAssertEqual(afterReset.value, "new key")
        XCTAssertTrue(afterReset.problem?.hasPrefix("new key: signed with \(KeyFile.fingerprint(other))") == true, "\(afterReset)")
        let noReset = OwnerSignatureVerdict.verdict(.valid(publicKey: other), header: header, person: person, stripped: { nil }, resetLogged: { false })
        XCTAssertEqual(noReset.value, "INVALID")
        XCTAssertTrue(noReset.problem?.contains("no escrow password reset the department logged while that key was enrolled explains it") == true, "\(noReset)")
        // A key enrolled before a logged reset: named so (helper-182 L3), in Chinese too.
        let former = OwnerSignatureVerdict.verdict(.valid(publicKey: other), header: header, person: person, stripped: { nil }, resetLogged: { false },
                                                   formerlyEnrolled: { $0 == other ? "2026-11-20" : nil })
        XCTAssertEqual(former.value, "INVALID")
        let problem = try XCTUnwrap(former.problem)
        XCTAssertTrue(problem.contains("the key enrolled for 张伟 until the escrow password reset of 2026-11-20, not the key enrolled now (\(KeyFile.fingerprint(enrolled)))"), problem)
        XCTAssertTrue(ComplianceText.problemZH(problem).contains("是张伟在 2026-11-20 托管重置密码之前登记的旧密钥，不是现在登记的密钥（\(KeyFile.fingerprint(enrolled))）：档案可能是重置之前的旧副本"),
                      ComplianceText.problemZH(problem))
        XCTAssertEqual(OwnerSignatureVerdict.verdict(.valid(publicKey: enrolled), header: header, person: person, stripped: { nil }, resetLogged: { true }).value, "ok")
        XCTAssertEqual(OwnerSignatureVerdict.verdict(.valid(publicKey: other), header: header, person: nil, stripped: { nil }, resetLogged: { true }).value, "not enrolled")
    }

    func testAWeakOwnerKeyIsRefusedWhereverOneIsRead() {
        let identity = KeyFile.ownerKeyString([1] + [UInt8](repeating: 0, count: 31))
        XCTAssertThrowsError(try KeyFile.parseOwnerKey(identity))
        XCTAssertNoThrow(try KeyFile.parseOwnerKey(KeyFile.ownerKeyString(try Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)))
    }
}
