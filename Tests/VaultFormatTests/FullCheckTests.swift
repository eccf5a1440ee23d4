import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

/// The full check through escrow (FORMAT.md §7.1) in the library: each failure named, nothing
/// written, keys without a slot checking nothing.
final class FullCheckTests: XCTestCase {
    let li = try! Curve25519.KeyAgreement.PrivateKey()
    let stranger = try! Curve25519.KeyAgreement.PrivateKey()

    func makeArchive(_ path: String) throws -> [UInt8] {
        let plan = Vault.EscrowPlan(holders: [EscrowSlot.Holder(name: "李经理", recipient: li.publicKey)], threshold: 1,
                                    pin: ArchiveHeader.DepartmentPin(adminKey: [UInt8](repeating: 7, count: 32), registrySerial: 1))
        let vault = try Vault.create(path: path, owner: "张伟", password: pw("correct horse"), kdf: fastKDF, now: t0, escrow: plan)
        for i in 0..<3 { try vault.append([UInt8(i), 1, 2, 3], now: t0 + Int64(i)) }
        return try readFile(path)
    }

    func testAnAuthenticArchivePassesAndNothingIsWritten() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let bytes = try makeArchive(path)
        let check = try Vault.fullCheck(path: path, escrowIdentities: [li])
        XCTAssertEqual(check.outcome, .verified)
        XCTAssertEqual(check.records, 3)
        XCTAssertEqual(check.copies, [.authentic, .authentic])
        XCTAssertEqual(try readFile(path), bytes)
        guard case .noSlot = try Vault.fullCheck(path: path, escrowIdentities: [stranger]).outcome else { return XCTFail("a key without a slot checks nothing") }
    }

    func testEachFailureIsNamed() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let bytes = try makeArchive(path)
        // A record flipped: named by its index, from record 0 on.
        var flipped = bytes
        flipped[FormatV1.bodyOffset + 4 + 12 + 1] ^= 1
        try writeFile(path, flipped)
        XCTAssertEqual(try Vault.fullCheck(path: path, escrowIdentities: [li]).failures.first.map { if case .records(let i, _) = $0 { return i ?? -2 } else { return -1 } }, 0)
        // Truncated, and an unfinished append.
        try writeFile(path, Array(bytes.dropLast(3)))
        XCTAssertTrue(try Vault.fullCheck(path: path, escrowIdentities: [li]).failures.contains { if case .truncated = $0 { return true } else { return false } })
        try writeFile(path, bytes + [0, 0, 0, 9])
        XCTAssertEqual(try Vault.fullCheck(path: path, escrowIdentities: [li]).failures, [.unfinishedAppend(bytes: 4)])
        // Copy A edited without the key (a higher sequence, old MAC): it is current and forged;
        // the check names it, still authenticating copy B and every record.
        var forged = bytes
        forged[FormatV1.prefixSize + 4 + 5 + 7] &+= 1
        let end = FormatV1.prefixSize + FormatV1.headerCopySize
        forged.replaceSubrange((end - 32)..<end, with: try SHA256.hash(Array(forged[FormatV1.prefixSize..<(end - 32)])))
        try writeFile(path, forged)
        let check = try Vault.fullCheck(path: path, escrowIdentities: [li])
        XCTAssertEqual(check.failures, [.copyForged("A")])
        XCTAssertEqual(check.copies, [.forged, .authentic])
        XCTAssertEqual(check.records, 3)
    }
}
