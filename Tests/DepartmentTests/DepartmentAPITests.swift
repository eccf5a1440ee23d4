import Foundation
import SalesArchive
import VaultCrypto
@testable import Department
@testable import VaultFormat
import XCTest

/// The department's rules as library APIs, without the command line: the unlock review, escrow
/// access, the registry's change rules and the rekey plan (DEPARTMENT.md §3–§5).
final class DepartmentAPITests: XCTestCase {
    typealias Key = Curve25519.KeyAgreement.PrivateKey
    let base: Int64 = 1_768_471_200  // 2026-01-15T10:00:00Z
    let day: Int64 = 86_400
    var root: URL!
    var admin: Curve25519.Signing.PrivateKey!
    var li: Key!, wang: Key!, chen: Key!
    var path: String { root.appendingPathComponent("archives/张伟.svault").path }

    func pw(_ s: String) -> SecureBytes { SecureBytes(Array(s.utf8)) }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("svdeptapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("archives"), withIntermediateDirectories: true)
        admin = try Curve25519.Signing.PrivateKey()
        (li, wang, chen) = (try Key(), try Key(), try Key())
        var r = Registry(name: "华东区销售部", adminKey: admin.publicKey, now: base)
        try r.addManager(name: "李经理", recipient: li.publicKey, role: "department manager", now: base)
        try r.addManager(name: "王总", recipient: wang.publicKey, role: "general manager", now: base)
        try r.addSalesperson(named: "张伟", now: base)
        try r.save(directory: root.path, signer: admin)
        let vault = try Vault.create(path: path, owner: "张伟", password: pw("correct horse"), kdf: .insecureForTesting(logN: 10), now: base,
                                     escrow: try r.escrowPlan())
        _ = try CustomerArchive(vault: vault).addCustomer(name: "华为", now: base)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func ownerUnlock(at now: Int64, access: Vault.Access = .readWrite) throws -> (Vault, UnlockReview) {
        let vault = try Vault.open(path: path, password: pw("correct horse"), access: access)
        return (vault, try UnlockReview.run(vault, path: path, now: now))
    }

    func bytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func testAFreshArchiveNeedsNoNoticeAndTheRotationReminderComesWhenDue() throws {
        XCTAssertTrue(try ownerUnlock(at: base + day).1.notices.isEmpty)
        XCTAssertNotNil(try ownerUnlock(at: base).1.registry)
        let review = try ownerUnlock(at: base + 100 * day).1
        guard case .rotation(let r)? = review.notices.first else { return XCTFail("\(review.notices)") }
        XCTAssertTrue(r.neverChanged)
        XCTAssertEqual(r.evaluation.ageDays, 100)
        XCTAssertEqual(r.evaluation.daysLeft, 80)
    }

    func testARemovedManagerLosesTheSlotOnAWritingUnlockAndANewOneIsAnnounced() throws {
        try Registry.change(directory: root.path, signer: admin, now: base + day) { r in
            try r.removeManager(named: "王总")
            try r.addManager(name: "陈审计", recipient: chen.publicKey, role: "auditor", now: base + day)
        }
        // Reading: nothing changes, the owner is told.
        let before = try bytes()
        let (_, reading) = try ownerUnlock(at: base + day, access: .readOnly)
        XCTAssertTrue(reading.notices.contains { if case .departedStillHold(["王总"]) = $0 { return true } else { return false } }, "\(reading.notices)")
        XCTAssertEqual(try bytes(), before)
        // Writing: the slot goes, the new manager waits for `escrow update` (with the fingerprint).
        let (vault, writing) = try ownerUnlock(at: base + day)
        XCTAssertTrue(writing.notices.contains { if case .departedRemoved(["王总"]) = $0 { return true } else { return false } }, "\(writing.notices)")
        let pending = writing.notices.compactMap { n -> [UnlockReview.PendingManager]? in if case .escrowChangePending(let added, _) = n { return added } else { return nil } }
        XCTAssertEqual(pending.first?.map(\.name), ["陈审计"])
        XCTAssertEqual(pending.first?.first?.fingerprint, KeyFile.fingerprint(chen.publicKey.rawRepresentation))
        XCTAssertEqual(vault.header.escrowSlots.map(\.holder.name), ["李经理"])
        XCTAssertTrue(writing.notices.contains { if case .rekeyRequired = $0 { return true } else { return false } })
    }

    func testAForgedRegistryIsReportedAndTheSlotsAreUntouched() throws {
        let json = root.appendingPathComponent("department.json")
        let edited = try String(contentsOf: json, encoding: .utf8).replacingOccurrences(of: "王总", with: "王总X")
        try Data(edited.utf8).write(to: json)
        let before = try ArchiveInspection.inspect(path: path).header.escrowSlots.map(\.holder.name)
        let (vault, review) = try ownerUnlock(at: base + day)
        XCTAssertTrue(review.notices.contains { if case .registryRefused = $0 { return true } else { return false } })
        XCTAssertNil(review.registry)
        XCTAssertEqual(vault.header.escrowSlots.map(\.holder.name), before)
    }

    func testEscrowAccessRecordsTheUseWhichTheOwnerIsShownAndAResetForcesAPasswordChange() throws {
        do {
            let opened = try EscrowAccess.open(path, identities: [li], action: "open", now: base + day)
            XCTAssertEqual(opened.holders.map(\.name), ["李经理"])
            XCTAssertNil(opened.repairBackup)
            XCTAssertEqual(opened.archive.state.count(.customer), 1)
            XCTAssertThrowsError(try opened.archive.addCustomer(name: "X", now: base + day), "escrow access is read-only")
        }
        do {
            let (vault, review) = try ownerUnlock(at: base + 2 * day)
            XCTAssertTrue(review.notices.contains { if case .escrowUses(1, let at) = $0 { return at == base + day } else { return false } }, "\(review.notices)")
            let archive = try CustomerArchive(vault: vault)
            XCTAssertEqual(archive.unacknowledgedEscrowUses.map { $0["managers"]?.text }, ["李经理"])
        }

        do {
            let opened = try EscrowAccess.open(path, identities: [wang], action: "resetPassword", now: base + 3 * day)
            try opened.archive.vault.resetPassword(temporary: pw("temporary pass 1"), kdf: .insecureForTesting(logN: 10), now: base + 3 * day)
        }
        let reset = try Vault.open(path: path, password: pw("temporary pass 1"), access: .readWrite)
        XCTAssertThrowsError(try UnlockReview.run(reset, path: path, now: base + 3 * day)) { error in
            XCTAssertEqual((error as? UnlockReview.MustChangePassword)?.resetAt, base + 3 * day)
        }
        XCTAssertNoThrow(try UnlockReview.run(reset, path: path, now: base + 3 * day, allowMustChange: true))
    }

    func testARemovedManagerIsRefusedAndAnInterruptedSaveIsRemovedWithABackupBeforeTheUse() throws {
        try Registry.change(directory: root.path, signer: admin, now: base + day) { try $0.removeManager(named: "王总") }
        let before = try bytes()
        XCTAssertThrowsError(try EscrowAccess.open(path, identities: [wang], action: "open", now: base + day)) { error in
            XCTAssertEqual((error as? DepartmentError)?.code, .invalid)
        }
        XCTAssertEqual(try bytes(), before, "nothing recorded, nothing changed")
        XCTAssertThrowsError(try EscrowAccess.open(path, identities: [], action: "open", now: base + day))

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0xAB, count: 100))  // a save cut short
        try handle.close()
        let opened = try EscrowAccess.open(path, identities: [li], action: "open", now: base + day)
        let backup = try XCTUnwrap(opened.repairBackup)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: backup)).count, before.count + 100, "the backup keeps every byte")
        XCTAssertEqual(opened.archive.state.count(.escrowUse), 1)
    }

    func testRegistryChangeRulesAndTheRekeyPlan() throws {
        XCTAssertThrowsError(try Registry.change(directory: root.path, signer: admin, now: base) { r in
            try r.addManager(name: "李经理", recipient: chen.publicKey, role: "x", now: base)
        })
        XCTAssertThrowsError(try Registry.change(directory: root.path, signer: admin, now: base) { try $0.addSalesperson(named: "张伟", now: base) })
        XCTAssertThrowsError(try Registry.change(directory: root.path, signer: admin, now: base) { try $0.removeManager(named: "无此人") })
        let serial = try Registry.load(directory: root.path).serial
        let change = try Registry.change(directory: root.path, signer: admin, now: base + day) { r in
            r.policy.escrowThreshold = 2
        }
        XCTAssertEqual(change.registry.serial, serial + 1)
        XCTAssertFalse(change.recoveredFromInterruptedSave)
        XCTAssertThrowsError(try Registry.change(directory: root.path, signer: admin, now: base + day) { try $0.removeManager(named: "王总") },
                             "two managers together cannot become one")
        let mallory = try Curve25519.Signing.PrivateKey()
        XCTAssertThrowsError(try Registry.change(directory: root.path, signer: mallory, now: base + day) { try $0.addSalesperson(named: "李四", now: base) })

        // The rekey plan keeps the holders who are still managers, never anyone new.
        try Registry.change(directory: root.path, signer: admin, now: base + 2 * day) { r in
            r.policy.escrowThreshold = 1
            try r.removeManager(named: "王总")
            try r.addManager(name: "陈审计", recipient: chen.publicKey, role: "auditor", now: base)
        }
        let vault = try Vault.open(path: path, password: pw("correct horse"), access: .readWrite)
        let plan = try ArchiveDepartment.rekeyPlan(vault, path: path)
        XCTAssertEqual(plan.plan?.holders.map(\.name), ["李经理"])
        XCTAssertNil(plan.refusedRegistry)
        // A registry that cannot be trusted never blocks a rekey: the current holders stay.
        try Data("{}".utf8).write(to: root.appendingPathComponent("department.json"))
        let refused = try ArchiveDepartment.rekeyPlan(vault, path: path)
        XCTAssertNil(refused.plan)
        XCTAssertNotNil(refused.refusedRegistry)
    }
}

final class ReminderLogTests: XCTestCase {
    func testTheReminderIsShownOnceADayPerArchiveUnlessForced() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("svrem-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try XCTUnwrap(ReminderLog.standard(environment: ["SALESVAULT_STATE_DIR": dir]))
        XCTAssertEqual(log.path, dir + "/reminders")
        XCTAssertTrue(log.shouldShow(archiveID: "ab01", day: 100))
        XCTAssertFalse(log.shouldShow(archiveID: "ab01", day: 100), "the second command of the day")
        XCTAssertTrue(log.shouldShow(archiveID: "cd02", day: 100), "another archive")
        XCTAssertTrue(log.shouldShow(archiveID: "ab01", day: 100, force: true), "status, the first unlock of a shell")
        XCTAssertTrue(log.shouldShow(archiveID: "ab01", day: 101), "the next day")
        XCTAssertFalse(log.shouldShow(archiveID: "cd02", day: 100))
        let attributes = try FileManager.default.attributesOfItem(atPath: log.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(ReminderLog.standard(environment: ["HOME": "/h"])?.path, "/h/.local/state/salesvault/reminders")
        XCTAssertNil(ReminderLog.standard(environment: [:]))
    }
}
