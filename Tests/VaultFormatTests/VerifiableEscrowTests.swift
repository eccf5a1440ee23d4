import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

/// Scheme 3 escrow: verifiable (Feldman) shares and the `shareCommitments` field (FORMAT.md §4.2
/// 0x11, §5.2), against the scheme 2 of earlier versions.
final class VerifiableEscrowTests: XCTestCase {
    typealias Key = Curve25519.KeyAgreement.PrivateKey
    let password = "correct horse"
    let payloads: [[UInt8]] = [Array("客户 A".utf8), [1, 2, 3]]
    let names = ["李经理", "王总", "陈审计", "赵总监"]

    func makeArchive(_ path: String, keys: [Key], threshold: Int) throws {
        let plan = Vault.EscrowPlan(holders: zip(names, keys).map { EscrowSlot.Holder(name: $0, recipient: $1.publicKey) }, threshold: threshold,
                                    pin: .init(adminKey: [UInt8](repeating: 0xA7, count: 32), registrySerial: 1))
        let vault = try Vault.create(path: path, owner: "张伟", password: pw(password), kdf: fastKDF, now: t0, escrow: plan)
        for (i, p) in payloads.enumerated() { try vault.append(p, now: t0 + 1 + Int64(i)) }
    }

    func subsets<T>(_ items: [T], _ k: Int) -> [[T]] {
        guard k > 0 else { return [[]] }
        guard items.count >= k else { return [] }
        let rest = Array(items.dropFirst())
        return subsets(rest, k - 1).map { [items[0]] + $0 } + subsets(rest, k)
    }

    // MARK: Honest archives

    func testEveryKSubsetOfHonestTwoOfThreeAndThreeOfFourArchivesOpens() throws {
        for (k, n) in [(2, 3), (3, 4)] {
            let dir = try TempDir()
            let path = dir.path("a.svault")
            let keys = try (0..<n).map { _ in try Key() }
            try makeArchive(path, keys: keys, threshold: k)
            let inspection = try ArchiveInspection.inspect(path: path)
            let h = inspection.header
            XCTAssertEqual(h.escrowSlots.map(\.scheme), Array(repeating: .verifiable, count: n))
            XCTAssertEqual(h.escrowSlots.map(\.x), (1...n).map(UInt8.init))
            XCTAssertEqual(h.shareCommitments?.threshold, k)
            XCTAssertEqual(h.shareCommitments?.points.count, k)
            // Each holder alone: consistent.
            for (i, key) in keys.enumerated() {
                let checks = inspection.checkShares(identities: [key])
                XCTAssertEqual(checks.map(\.result), [.consistent], "\(k)-of-\(n) holder \(i)")
                XCTAssertEqual(checks.first?.threshold, k)
                XCTAssertEqual(checks.first?.holder.name, names[i])
            }
            XCTAssertEqual(inspection.checkShares(identities: keys).map(\.result), Array(repeating: .consistent, count: n))
            XCTAssertEqual(inspection.checkShares(identities: [try Key()]), [], "a stranger holds nothing")
            for group in subsets(keys, k) {
                XCTAssertEqual(try Vault.open(path: path, escrowIdentities: group).readAllRecords(), payloads, "\(k)-of-\(n)")
                XCTAssertEqual(inspection.authenticate(escrowIdentities: group), .authentic)
            }
            for group in subsets(keys, k - 1) {
                XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: group))
                XCTAssertEqual(inspection.escrowHolders(among: group).held, k - 1)
                XCTAssertEqual(inspection.escrowHolders(among: group).needed, k)
            }
        }
    }

    // MARK: A dishonest dealer

    /// A malicious writer deals share 3 off the committed polynomial (the owner's tool has the
    /// DEK, so the header MAC is valid): the holder of share 3 sees it alone; pairs without it open.
    func testAnInconsistentShareIsCaughtByItsHoldersOwnCheck() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let keys = try (0..<3).map { _ in try Key() }
        try makeArchive(path, keys: keys, threshold: 2)
        try Vault.open(path: path, password: pw(password), access: .readWrite).redealEscrowForTesting(inconsistentShare: 3)
        let inspection = try ArchiveInspection.inspect(path: path)
        XCTAssertEqual(inspection.header.escrowScheme, .verifiable)
        XCTAssertEqual(inspection.checkShares(identities: [keys[0]]).map(\.result), [.consistent])
        XCTAssertEqual(inspection.checkShares(identities: [keys[1]]).map(\.result), [.consistent])
        let bad = inspection.checkShares(identities: [keys[2]])
        XCTAssertEqual(bad.map(\.result), [.inconsistent], "the holder's own check, no other key")
        XCTAssertTrue(bad[0].isTamperEvidence)
        // Opening: the good pair opens; a pair with the bad share is refused, naming it.
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [keys[0], keys[1]]).readAllRecords(), payloads)
        for group in [[keys[0], keys[2]], [keys[2], keys[1]]] {
            XCTAssertThrowsError(try Vault.open(path: path, escrowIdentities: group)) { error in
                XCTAssertEqual((error as? VaultError)?.code, .escrowShareInconsistent)
                XCTAssertTrue((error as? VaultError)?.reason.contains("陈审计") == true, "\(error)")
            }
            XCTAssertEqual(inspection.authenticate(escrowIdentities: group), .forged)
        }
        // The write-time test-open refuses such a dealing (FORMAT.md §5.2).
        let id = inspection.prefix.archiveID
        let sealing = try EscrowSealing(dek: try SymmetricKey.generate(), holders: inspection.header.escrowSlots.map(\.holder), threshold: 2,
                                        archiveID: id, dealer: .inconsistentShare(x: 2))
        var h = inspection.header
        h.slots = [.password(h.passwordSlot)] + sealing.slots.map { .escrow($0) }
        h.shareCommitments = sealing.commitments
        XCTAssertVaultError(.escrowVerificationFailed, try sealing.verify(h, archiveID: id))
    }

    /// Scheme 2 (earlier versions) had no such check: with the same bad dealing every holder's
    /// check says only "cannot be checked", and a pair with the bad share fails exactly like a
    /// forged header, without naming anyone.
    func testSchemeTwoHadNoSuchCheck() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let keys = try (0..<3).map { _ in try Key() }
        try makeArchive(path, keys: keys, threshold: 2)
        try Vault.open(path: path, password: pw(password), access: .readWrite).redealEscrowForTesting(legacy: true, inconsistentShare: 3)
        let inspection = try ArchiveInspection.inspect(path: path)
        XCTAssertEqual(inspection.header.escrowScheme, .shamir)
        XCTAssertNil(inspection.header.shareCommitments)
        XCTAssertEqual(inspection.checkShares(identities: keys).map(\.result), [.uncheckable, .uncheckable, .uncheckable])
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [keys[0], keys[1]]).readAllRecords(), payloads)
        XCTAssertVaultError(.headerAuthenticationFailed, try Vault.open(path: path, escrowIdentities: [keys[0], keys[2]]))
    }

    // MARK: Moving to scheme 3

    func testEscrowUpdateAndRekeyRedealSchemeTwoShares() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let keys = try (0..<3).map { _ in try Key() }
        try makeArchive(path, keys: keys, threshold: 2)
        // The owner's writes, each with the archive closed afterwards (escrow opens need the lock).
        func owner<T>(_ body: (Vault) throws -> T) throws -> T {
            try body(try Vault.open(path: path, password: pw(password), access: .readWrite))
        }
        try owner { try $0.redealEscrowForTesting(legacy: true) }
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.escrowScheme, .shamir)
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [keys[1], keys[2]]).readAllRecords(), payloads, "scheme 2 still opens")
        let plan = try owner { Vault.EscrowPlan(holders: $0.header.escrowSlots.map(\.holder), threshold: 2, pin: $0.header.department!) }
        // escrow update: same holders, same DEK, new verifiable shares.
        let updated = try owner { vault -> ArchiveHeader in
            try vault.updateEscrow(plan)
            return vault.header
        }
        XCTAssertEqual(updated.escrowScheme, .verifiable)
        XCTAssertEqual(updated.dekGeneration, 1, "no new data key")
        XCTAssertEqual(updated.escrowSlots.map(\.holder.name), Array(names.prefix(3)), "header order kept")
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).checkShares(identities: keys).map(\.result), [.consistent, .consistent, .consistent])
        for group in subsets(keys, 2) { XCTAssertEqual(try Vault.open(path: path, escrowIdentities: group).readAllRecords(), payloads) }
        // rekey: scheme 3 again under the new key.
        try owner { try $0.redealEscrowForTesting(legacy: true) }
        let rekeyed = try owner { vault -> ArchiveHeader in
            try vault.rekey(now: t0 + 100)
            return vault.header
        }
        XCTAssertEqual(rekeyed.escrowScheme, .verifiable)
        XCTAssertEqual(rekeyed.dekGeneration, 2)
        for group in subsets(keys, 2) { XCTAssertEqual(try Vault.open(path: path, escrowIdentities: group).readAllRecords(), payloads) }
        // A holder removed without a new key: the others keep their shares and the commitments.
        let dropped = try owner { vault -> ArchiveHeader in
            try vault.updateEscrow(Vault.EscrowPlan(holders: Array(plan.holders.prefix(2)), threshold: 2, pin: plan.pin))
            return vault.header
        }
        XCTAssertEqual(dropped.shareCommitments, rekeyed.shareCommitments)
        XCTAssertTrue(dropped.flags.contains(.rekeyRequired))
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [keys[0], keys[1]]).readAllRecords(), payloads)
    }

    // MARK: Damaged commitments

    /// Replaces the value of header field `tag` in both copies (the MAC kept: an edit without the
    /// key), fixing the body length and the checksum so that only the field's rules can refuse it.
    func rawEdit(_ bytes: [UInt8], tag: UInt8, value: [UInt8]?) throws -> [UInt8] {
        var out = bytes
        for index in 0..<2 {
            let start = FormatV1.prefixSize + index * FormatV1.headerCopySize
            let length = Int(bytes[start..<(start + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            var body = Array(bytes[(start + 4)..<(start + 4 + length)])
            let mac = Array(bytes[(start + 4 + length)..<(start + 4 + length + 32)])
            var offset = 0
            while body[offset] != tag {
                offset += 5 + Int(body[(offset + 1)..<(offset + 5)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            }
            let old = Int(body[(offset + 1)..<(offset + 5)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            let replacement = value.map { [tag] + [UInt8].be32(UInt32($0.count)) + $0 } ?? []
            body.replaceSubrange(offset..<(offset + 5 + old), with: replacement)
            var copy = [UInt8].be32(UInt32(body.count)) + body + mac
            copy += [UInt8](repeating: 0, count: FormatV1.headerCopySize - 32 - copy.count)
            copy += try SHA256.hash(copy)
            out.replaceSubrange(start..<(start + FormatV1.headerCopySize), with: copy)
        }
        return out
    }

    func testTamperedCommitmentsAreRefusedAsDamaged() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let keys = try (0..<3).map { _ in try Key() }
        try makeArchive(path, keys: keys, threshold: 2)
        let original = try readFile(path)
        let field = try XCTUnwrap(try ArchiveInspection.inspect(path: path).header.shareCommitments).serialized
        XCTAssertEqual(field.count, 1 + 2 * 33 + 60)
        let g: [UInt8] = [0x03, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
                          0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96]
        func withPoint(_ j: Int, _ point: [UInt8]) -> [UInt8] {
            var f = field
            f.replaceSubrange((1 + 33 * j)..<(1 + 33 * (j + 1)), with: point)
            return f
        }
        let cases: [(String, [UInt8]?)] = [
            ("C_1 off the curve (x = 1)", withPoint(1, [2] + [UInt8](repeating: 0, count: 31) + [1])),
            ("C_0 the point at infinity (zero bytes)", withPoint(0, [UInt8](repeating: 0, count: 33))),
            ("C_0 uncompressed prefix", withPoint(0, [4] + g.dropFirst())),
            ("C_1 with x = p", withPoint(1, [2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 12) + [UInt8](repeating: 0xff, count: 12))),
            ("k = 3 with two points", [3] + field.dropFirst()),
            ("k = 3, three valid points, slots of k = 2", [3] + field[1..<67] + g + field[67...]),
            ("k = 1 with one point", [1] + field[1..<34] + field[67...]),
            ("one byte short", Array(field.dropLast())),
            ("the field removed while the slots are scheme 3", nil),
        ]
        for (what, value) in cases {
            try writeFile(path, try rawEdit(original, tag: 0x11, value: value))
            XCTAssertThrowsError(try ArchiveInspection.inspect(path: path), what) { XCTAssertEqual(($0 as? VaultError)?.code, .headerDamaged, what) }
            XCTAssertThrowsError(try Vault.open(path: path, escrowIdentities: keys), what) { XCTAssertEqual(($0 as? VaultError)?.code, .headerDamaged, what) }
        }
        // A valid point that is not the one committed (G for C_1): parses, so the MAC refuses it,
        // and each holder's own check already fails.
        try writeFile(path, try rawEdit(original, tag: 0x11, value: withPoint(1, g)))
        let inspection = try ArchiveInspection.inspect(path: path)
        XCTAssertEqual(inspection.checkShares(identities: keys).map(\.result), [.inconsistent, .inconsistent, .inconsistent])
        XCTAssertThrowsError(try Vault.open(path: path, escrowIdentities: [keys[0], keys[1]]))
        XCTAssertVaultError(.headerAuthenticationFailed, try Vault.open(path: path, password: pw(password)))
        // Commitments on an archive whose slots are not scheme 3: damaged.
        let plain = dir.path("b.svault")
        try makeArchive(plain, keys: keys, threshold: 1)
        var h = try ArchiveInspection.inspect(path: plain).header
        h.shareCommitments = try ShareCommitments(parsing: field)
        XCTAssertVaultError(.headerDamaged, try ArchiveHeader(parsing: h.serialized))
        h.slots = [.password(h.passwordSlot)]
        XCTAssertVaultError(.headerDamaged, try ArchiveHeader(parsing: h.serialized))  // commitments without escrow
    }
}
