import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

/// Owner-signed archives (FORMAT.md §5.5, §5.6, §6.5, §8.8): what a holder of the data key (here
/// a manager, through an escrow identity and the library) can and cannot change undetected.
final class OwnerSignatureTests: XCTestCase {
    let password = "correct horse"
    let payloads: [[UInt8]] = [Array("客户 华为 A".utf8), Array("call：张经理".utf8), [1, 2, 3, 4]]
    let manager = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: 0x42, count: 32))

    var plan: Vault.EscrowPlan {
        Vault.EscrowPlan(holders: [EscrowSlot.Holder(name: "李经理", recipient: manager.publicKey)], threshold: 1,
                         pin: ArchiveHeader.DepartmentPin(adminKey: [UInt8](repeating: 0xA7, count: 32), registrySerial: 2))
    }

    /// A signed archive with escrow, `payloads` appended (optionally the last two after a checkpoint).
    func makeSigned(_ path: String, checkpoint: Bool = false) throws {
        let vault = try Vault.create(path: path, owner: "张伟", password: pw(password), kdf: fastKDF, now: t0, escrow: plan)
        try vault.append(payloads[0], now: t0 + 1)
        try vault.append(contentsOf: Array(payloads[1...]), now: t0 + 2, checkpoint: checkpoint)
    }

    func ownerOpen(_ path: String, access: Vault.Access = .readOnly) throws -> Vault {
        try Vault.open(path: path, password: pw(password), access: access)
    }

    /// The data-key holder: a manager's escrow identity, through the library.
    func asManager(_ path: String, _ edit: (Vault) throws -> Void) throws {
        let vault = try Vault.open(path: path, escrowIdentities: [manager], access: .readWrite)
        XCTAssertNotNil(vault.escrowDataKey, "the manager holds the data key")
        try edit(vault)
    }

    func keyless(_ path: String) throws -> RecordDigest.Check { try RecordDigest.check(path: path, readBody: true) }

    func testANewArchiveIsSignedAndTheSignatureChecksWithoutAKey() throws {
        let dir = try TempDir()
        let a = dir.path("a.svault")
        try makeSigned(a)
        let vault = try ownerOpen(a)
        guard case .signed(let key) = vault.ownerSigning else { return XCTFail("\(vault.ownerSigning)") }
        XCTAssertEqual(try vault.readAllRecords(), payloads)
        XCTAssertEqual(vault.header.ownerSignature?.signedRecordCount, 3)
        XCTAssertNil(vault.header.passwordHistory, "the history is in the owner's secrets, not under the DEK")
        XCTAssertNotNil(vault.header.ownerSecrets)
        XCTAssertEqual(try keyless(a), .valid(publicKey: key))
        // The history still refuses the current password (FORMAT.md §5.4, §5.5).
        XCTAssertTrue(try vault.isRecentPassword(pw(password)))
    }

    func testAnEscrowUseLeavesTheSignatureValidAndTheOwnerSignsItAtTheNextWrite() throws {
        let dir = try TempDir()
        let a = dir.path("a.svault")
        try makeSigned(a)
        try asManager(a) { try $0.appendEscrowUse(Array("escrow use".utf8), now: t0 + 100) }
        guard case .valid = try keyless(a) else { return XCTFail("an escrow use must keep the owner signature valid") }
        do {
            let vault = try ownerOpen(a, access: .readWrite)
            XCTAssertEqual(vault.ownerSignedRecordCount, 3, "record 3 is after the signature: the archive layer checks it")
            XCTAssertEqual(try vault.readAllRecords().count, 4)
            vault.acceptRecordsAfterSignature()
            try vault.append([9], now: t0 + 200)
            XCTAssertEqual(vault.header.ownerSignature?.signedRecordCount, 5)
            XCTAssertNil(vault.ownerSignedRecordCount)
        }
        guard case .valid = try keyless(a) else { return XCTFail() }
        XCTAssertEqual(try ownerOpen(a).readAllRecords().count, 5)
    }

    func testUncheckedRecordsAfterTheSignatureAreNotSignedByAHeaderOnlyWrite() throws {
        let dir = try TempDir()
        let a = dir.path("a.svault")
        try makeSigned(a)
        try asManager(a) { try $0.appendEscrowUse([7], now: t0 + 100) }
        do {
            let vault = try ownerOpen(a, access: .readWrite)
            try vault.setFlags(insert: .rekeyRequired)  // a header write without the records checked
            XCTAssertEqual(vault.header.ownerSignature?.signedRecordCount, 3, "the unchecked record stays outside the signature")
            XCTAssertVaultError(.invalidArgument, try vault.append([1], now: t0 + 200))
            // A rekey signs the re-sealed records up to the old signed count only.
            try vault.rekey(now: t0 + 300)
            XCTAssertEqual(vault.header.ownerSignature?.signedRecordCount, 3)
            XCTAssertEqual(vault.ownerSignedRecordCount, 3)
        }
        guard case .valid = try keyless(a) else { return XCTFail() }
        XCTAssertEqual(try ownerOpen(a).readAllRecords().count, 4)
    }

    func testARecordRewrittenByADataKeyHolderIsCaughtByTheOwnerAndWithoutAKey() throws {
        for checkpoint in [false, true] {
            let dir = try TempDir()
            let a = dir.path("a.svault")
            try makeSigned(a, checkpoint: checkpoint)
            // Re-sealed under the DEK, the record chain rebuilt, the header re-MAC'd: every tag and
            // the chain verify (what the MAC alone cannot catch).
            try asManager(a) { try $0.rewriteRecordAsDataKeyHolder(index: 2, payload: [4, 3, 2, 1]) }
            XCTAssertEqual(try Vault.open(path: a, escrowIdentities: [manager]).readAllRecords()[2], [4, 3, 2, 1], "the manager's own view verifies")
            do {
                let vault = try ownerOpen(a)
                XCTAssertVaultError(.ownerSignatureInvalid, try vault.readAllRecords())
                XCTAssertVaultError(.ownerSignatureInvalid, try vault.forEachRecord(from: vault.header.checkpoint?.index ?? 0) { _, _ in })
                XCTAssertVaultError(.ownerSignatureInvalid, try vault.verify())
            }
            guard case .invalid(let why) = try keyless(a) else { return XCTFail("keyless check passed (checkpoint \(checkpoint))") }
            XCTAssertTrue(why.contains("records are not the ones the owner signed"), why)
        }
    }

    func testARecordBeforeTheCheckpointRewrittenIsCaughtByAFullRead() throws {
        let dir = try TempDir()
        let a = dir.path("a.svault")
        try makeSigned(a, checkpoint: true)
        try asManager(a) { try $0.rewriteRecordAsDataKeyHolder(index: 0, payload: Array("客户 华为 B".utf8)) }
        // A new nonce and tag change the checkpoint's record chain, which the owner signed: the
        // owner's open refuses it before reading a record. (A tag kept equal, which a DEK holder
        // can compute for GCM, leaves the chain alone: then the whole-record digest from record 0,
        // checked by verify and compliance, tells, as in the test above.)
        XCTAssertVaultError(.ownerSignatureInvalid, try ownerOpen(a))
        guard case .invalid = try keyless(a) else { return XCTFail() }
    }

    func testASlotOrDateChangedByADataKeyHolderIsCaught() throws {
        let edits: [(String, (inout ArchiveHeader) -> Void)] = [
            ("slot removed", { $0.slots.removeAll { if case .escrow = $0 { return true } else { return false } } }),
            ("password date", { $0.passwordChangedAt += 86_400 }),
            ("flag set", { $0.flags.insert(.mustChangePassword) }),
            ("pin", { $0.department?.registrySerial = 99 }),
            ("signature dropped", { $0.ownerSignature = nil }),
            ("records dropped from the count", { h in h.recordCount = 2 }),
        ]
        for (name, edit) in edits {
            let dir = try TempDir()
            let a = dir.path("a.svault")
            try makeSigned(a)
            try asManager(a) { v in
                try v.rewriteHeaderAsDataKeyHolder { h in
                    edit(&h)
                    if h.recordCount == 2 { h.bodyLength = UInt64(FormatV1.recordOverhead * 2 + payloads[0].count + payloads[1].count) }
                }
            }
            if name.hasPrefix("records") {
                // The header's chain no longer matches either, but the keyless check names the cut first.
                guard case .invalid = try keyless(a) else { XCTFail(name); continue }
                continue
            }
            XCTAssertThrowsError(try ownerOpen(a), name) { XCTAssertEqual(($0 as? VaultError)?.code, .ownerSignatureInvalid, "\(name): \($0)") }
            guard case .invalid = try keyless(a) else { XCTFail("\(name): keyless check passed"); continue }
        }
    }

    func testAReplacedSigningKeyIsRefusedByTheOwner() throws {
        let dir = try TempDir()
        let a = dir.path("a.svault")
        try makeSigned(a)
        // The DEK holder signs with a key of their own (a valid signature): only the owner's
        // secrets, or the enrolled key in the registry, tell.
        try asManager(a) { v in
            let mine = try Curve25519.Signing.PrivateKey()
            try v.rewriteHeaderAsDataKeyHolder { h in
                h.passwordChangedAt += 1
                h.ownerSignature = try OwnerSignature.sign(h, prefix: v.prefix, key: mine, signed: RecordDigest.Position(
                    count: h.ownerSignature!.signedRecordCount, bodyLength: h.ownerSignature!.signedBodyLength, digest: h.ownerSignature!.signedDigest),
                    checkpointDigest: h.ownerSignature!.checkpointDigest)
            }
        }
        guard case .valid = try keyless(a) else { return XCTFail("valid under its own key: compliance compares with the enrolled key") }
        XCTAssertVaultError(.ownerSignatureInvalid, try ownerOpen(a))
    }

    func testAnEscrowResetDropsTheOwnerFieldsAndThePasswordChangeMakesANewKey() throws {
        let dir = try TempDir()
        let a = dir.path("a.svault")
        try makeSigned(a)
        let before = try ownerOpen(a).ownerSigning
        try asManager(a) { try $0.resetPassword(temporary: pw("temporary 2026!"), kdf: fastKDF, now: t0 + 500) }
        XCTAssertEqual(try keyless(a), .unsigned)
        let key: [UInt8]
        do {
            let reset = try Vault.open(path: a, password: pw("temporary 2026!"), access: .readWrite)
            XCTAssertEqual(reset.ownerSigning, .unsigned)
            XCTAssertNil(reset.header.ownerSecrets)
            XCTAssertNoThrow(try reset.signAsOwnerNow())
            XCTAssertEqual(reset.ownerSigning, .unsigned, "nothing is signed under the manager's temporary password")
            try reset.changePassword(to: pw(password), kdf: fastKDF, now: t0 + 600)
            guard case .signed(let k) = reset.ownerSigning, case .signed(let old) = before else { return XCTFail() }
            XCTAssertNotEqual(k, old, "a new signing key after the reset")
            XCTAssertTrue(reset.migratedToSigned)
            key = k
        }
        let after = try ownerOpen(a)
        XCTAssertEqual(try after.readAllRecords().count, 3)
        XCTAssertFalse(try after.isRecentPassword(pw("temporary 2026!")), "the temporary password is not in the history")
        XCTAssertEqual(try keyless(a), .valid(publicKey: key))
    }

    func testPasswdAndRekeyKeepTheSigningKeyAndTheHistory() throws {
        let dir = try TempDir()
        let a = dir.path("a.svault")
        try makeSigned(a, checkpoint: true)
        let key: [UInt8]
        do {
            let vault = try ownerOpen(a, access: .readWrite)
            guard case .signed(let k) = vault.ownerSigning else { return XCTFail() }
            key = k
            try vault.changePassword(to: pw("second password 2"), kdf: fastKDF, now: t0 + 10)
            try vault.rekey(now: t0 + 20)
            XCTAssertEqual(vault.ownerSigning, .signed(publicKey: key))
        }
        let again = try Vault.open(path: a, password: pw("second password 2"))
        XCTAssertEqual(try again.readAllRecords(), payloads)
        XCTAssertTrue(try again.isRecentPassword(pw(password)), "the history moved with the secrets")
        XCTAssertEqual(try keyless(a), .valid(publicKey: key))
    }

    func testKeptKeysSignLikeThePassword() throws {
        let dir = try TempDir()
        let a = dir.path("a.svault")
        try makeSigned(a)
        let kept = try XCTUnwrap(try ownerOpen(a).keptKeys)
        do {
            let vault = try Vault.open(path: a, keptKeys: kept, access: .readWrite)
            try vault.append([5], now: t0 + 40)
            XCTAssertEqual(vault.header.ownerSignature?.signedRecordCount, 4)
        }
        guard case .valid = try keyless(a) else { return XCTFail() }
    }

    /// A copy of a testkit file written before owner signatures (FORMAT.md §10 `legacy_*`).
    func testAnArchiveWrittenBeforeOwnerSignaturesOpensAndIsSignedAtTheNextWrite() throws {
        let cases = try TestkitTests.loadCases().filter { $0.name.hasPrefix("legacy_unsigned_") }
        XCTAssertEqual(cases.count, 3)
        for c in cases {
            let dir = try TempDir()
            let a = dir.path("a.svault")
            try writeFile(a, c.archive)
            let password = c.fields["password"]!
            XCTAssertEqual(try keyless(a), .unsigned, c.name)
            var records: [[UInt8]] = []
            var key: [UInt8] = []
            do {
                let vault = try Vault.open(path: a, password: pw(password), access: .readWrite)
                XCTAssertEqual(vault.ownerSigning, .unsigned)
                XCTAssertNotNil(vault.header.passwordHistory)
                records = try vault.readAllRecords()
                XCTAssertTrue(try vault.isRecentPassword(pw(password)), "the old history still refuses the password")
                try vault.append([0xEE], now: t0)
                XCTAssertTrue(vault.migratedToSigned, c.name)
                guard case .signed(let k) = vault.ownerSigning else { XCTFail(c.name); continue }
                key = k
                XCTAssertNil(vault.header.passwordHistory, "0x0F removed")
                XCTAssertNotNil(vault.header.ownerSecrets)
            }
            let reopened = try Vault.open(path: a, password: pw(password))
            XCTAssertEqual(try reopened.readAllRecords(), records + [[0xEE]])
            XCTAssertTrue(try reopened.isRecentPassword(pw(password)), "the history moved into the owner's secrets")
            XCTAssertEqual(try keyless(a), .valid(publicKey: key), c.name)
        }
    }
}

/// The cost of the keyless body check (DEPARTMENT.md §6, PERFORMANCE): run with
/// `SALESVAULT_MEASURE=1` (it writes a 512 MiB archive).
final class OwnerSignatureCostTests: XCTestCase {
    func testTheKeylessBodyCheckOfALargeArchive() throws {
        guard ProcessInfo.processInfo.environment["SALESVAULT_MEASURE"] == "1" else { throw XCTSkip("set SALESVAULT_MEASURE=1 to measure (writes 512 MiB)") }
        let dir = try TempDir()
        let a = dir.path("big.svault")
        let small = dir.path("small.svault")
        do {
            let vault = try Vault.create(path: a, owner: "张伟", password: pw("correct horse"), kdf: fastKDF, now: t0)
            let record = try Random.bytes(1 << 20)
            for i in 0..<8 { try vault.append(contentsOf: Array(repeating: record, count: 64), now: t0 + Int64(i)) }
            let many = try Vault.create(path: small, owner: "张伟", password: pw("correct horse"), kdf: fastKDF, now: t0)
            try many.append(contentsOf: (0..<200_000).map { _ in [UInt8](repeating: 7, count: 200) }, now: t0)
        }
        for (name, path) in [("512 MiB in 1 MiB records", a), ("200,000 records of 200 bytes (46 MiB)", small)] {
            var best = Double.infinity, header = Double.infinity
            for _ in 0..<3 {
                var start = Date()
                guard case .valid = try RecordDigest.check(path: path, readBody: true) else { return XCTFail() }
                best = min(best, Date().timeIntervalSince(start))
                start = Date()
                _ = try RecordDigest.check(path: path, readBody: false)
                header = min(header, Date().timeIntervalSince(start))
            }
            print("[measure] keyless owner-signature check, \(name): body \(String(format: "%.3f", best)) s, header only \(String(format: "%.4f", header)) s")
        }
    }
}
