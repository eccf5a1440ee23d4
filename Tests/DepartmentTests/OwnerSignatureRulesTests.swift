import Department
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

    func testAStrippedHeaderIsInvalidOnlyWithAnEnrolledKeyAndWithoutTheResetFlag() throws {
        var (header, enrolled) = try strippedVector()
        let person = Registry.Salesperson(addedAt: "2026-01-01T00:00:00Z", archive: "archives/a.svault", name: "testkit owner",
                                          signingKey: KeyFile.ownerKeyString(enrolled))
        XCTAssertNotNil(OwnerSignatureVerdict.strippedProblem(header, person: person))
        XCTAssertNotNil(OwnerSignatureVerdict.strippedProblemZH(header, person: person))
        var unenrolled = person
        unenrolled.signingKey = nil
        XCTAssertNil(OwnerSignatureVerdict.strippedProblem(header, person: unenrolled), "never enrolled: unsigned, not stripped")
        XCTAssertNil(OwnerSignatureVerdict.strippedProblem(header, person: nil))
        header.flags.insert(.mustChangePassword)
        XCTAssertNil(OwnerSignatureVerdict.strippedProblem(header, person: person), "an escrow reset pending: unsigned, not stripped")
    }

    func testAWeakOwnerKeyIsRefusedWhereverOneIsRead() {
        let identity = KeyFile.ownerKeyString([1] + [UInt8](repeating: 0, count: 31))
        XCTAssertThrowsError(try KeyFile.parseOwnerKey(identity))
        XCTAssertNoThrow(try KeyFile.parseOwnerKey(KeyFile.ownerKeyString(try Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)))
    }
}
