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
        try r.addManager(name: "李经理", recipient: li.publicKey, role: "department manager", now: base, signingKey: try ManagerSigningKey.derive(from: li).publicKey)
        try r.addManager(name: "王总", recipient: wang.publicKey, role: "general manager", now: base, signingKey: try ManagerSigningKey.derive(from: wang).publicKey)
        try r.addSalesperson(named: "张伟", now: base)
        try r.save(directory: root.path, signer: admin)
        let vault = try Vault.create(path: path, owner: "张伟", password: pw("correct horse"), kdf: .insecureForTesting(logN: 10), now: base,
                                     escrow: try r.escrowPlan())
        _ = try CustomerArchive(vault: vault).addCustomer(name: "华为", now: base)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// Black-box finding: `zhang` was registered beside `Zhang`; on a Windows share or a Mac
    /// their archives (archives/NAME.svault) and reports are one file. Refused, naming both.
    func testASalespersonWhoseNameDiffersOnlyInCaseIsRefused() throws {
        var r = Registry(name: "华东区销售部", adminKey: admin.publicKey, now: base)
        try r.addSalesperson(named: "Zhang Wei", now: base)
        XCTAssertThrowsError(try r.addSalesperson(named: "zhang wei", now: base)) { error in
            XCTAssertEqual((error as? DepartmentError)?.reasonZH,
                           "“zhang wei”与已登记的“Zhang Wei”仅大小写不同：在 Windows 共享盘或 Mac 上，两人的档案和周报会被当作同一个文件。请换一个名字（例如加上工号）。")
        }
        XCTAssertNoThrow(try r.addSalesperson(named: "Zhang Wei 2", now: base))
        XCTAssertEqual(r.salespeople.map(\.name), ["Zhang Wei", "Zhang Wei 2"])
    }

    func ownerUnlock(at now: Int64, access: Vault.Access = .readWrite, removal: UnlockReview.RemovalAnswer? = nil) throws -> (Vault, UnlockReview) {
        let vault = try Vault.open(path: path, password: pw("correct horse"), access: access)
        return (vault, try UnlockReview.run(vault, path: path, now: now, confirmRemoval: removal.map { answer in { _ in answer } }))
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
        XCTAssertTrue(reading.notices.contains { if case .departedStillHold(["王总"], _, _) = $0 { return true } else { return false } }, "\(reading.notices)")
        XCTAssertEqual(try bytes(), before)
        // Writing, without a yes (no terminal, or the owner said no): nothing is removed; the
        // owner is shown who (with the fingerprint).
        for answer in [nil, UnlockReview.RemovalAnswer.decline, .noTerminal] {
            let (_, unconfirmed) = try ownerUnlock(at: base + day, removal: answer)
            XCTAssertTrue(unconfirmed.notices.contains {
                if case .departedStillHold(["王总"], let removed, let asked) = $0 {
                    return removed.first?.fingerprint == KeyFile.fingerprint(wang.publicKey.rawRepresentation) && asked == (answer == .decline)
                } else { return false }
            }, "\(unconfirmed.notices)")
            XCTAssertEqual(try bytes(), before)
        }
        // Writing with the owner's yes: the slot goes, the new manager waits for `escrow update`
        // (with the fingerprint).
        let (vault, writing) = try ownerUnlock(at: base + day, removal: .apply)
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

        // The rekey plan keeps the archive's holders, never anyone new; a removal the owner has
        // not confirmed stays (named), applied only by the owner's yes (DEPARTMENT.md §4).
        try Registry.change(directory: root.path, signer: admin, now: base + 2 * day) { r in
            r.policy.escrowThreshold = 1
            try r.removeManager(named: "王总")
            try r.addManager(name: "陈审计", recipient: chen.publicKey, role: "auditor", now: base)
        }
        let vault = try Vault.open(path: path, password: pw("correct horse"), access: .readWrite)
        let plan = try ArchiveDepartment.rekeyPlan(vault, path: path)
        XCTAssertEqual(plan.plan?.holders.map(\.name), ["李经理", "王总"])
        XCTAssertEqual(plan.departedKept.map(\.name), ["王总"])
        XCTAssertNil(plan.refusedRegistry)
        // A registry that cannot be trusted never blocks a rekey: the current holders stay.
        try Data("{}".utf8).write(to: root.appendingPathComponent("department.json"))
        let refused = try ArchiveDepartment.rekeyPlan(vault, path: path)
        XCTAssertNil(refused.plan)
        XCTAssertNotNil(refused.refusedRegistry)
    }

    // MARK: The session agent's limits and kept escrow access (AGENT.md §6, §10; DEPARTMENT.md §3.1)

    func testSessionLimitsAreDefaultsAndCeilingsWithClearMessages() throws {
        let standard = SessionLimits.standard
        XCTAssertEqual(try standard.resolve(absolute: nil, idle: nil).absolute, 8 * 3_600)
        XCTAssertEqual(try standard.resolve(absolute: nil, idle: nil).idle, 15 * 60)
        XCTAssertEqual(try standard.resolve(absolute: 24 * 3_600, idle: 900).absolute, 24 * 3_600, "without a department, up to 24 hours")
        XCTAssertEqual(try standard.resolve(absolute: 2 * 3_600, idle: 3_600).idle, 3_600, "and an idle limit up to the absolute one")
        XCTAssertThrowsError(try standard.resolve(absolute: 25 * 3_600, idle: nil)) { error in
            XCTAssertEqual((error as? DepartmentError)?.reason, "SalesVault allows unlocking for at most 24 h; 25 h was asked. Choose a shorter --for")
        }
        // A policy that sets only the absolute limit: the idle limit is the default, up to it.
        let onlyMax = SessionLimits(policy: Registry.Policy(escrowThreshold: 1, rotation: .standard, unlockMaxMinutes: 10))
        XCTAssertEqual(try onlyMax.resolve(absolute: nil, idle: nil).idle, 600)
        XCTAssertThrowsError(try onlyMax.resolve(absolute: 3_600, idle: nil))

        let policy = Registry.Policy(escrowThreshold: 1, rotation: .standard, unlockIdleMinutes: 5, unlockMaxMinutes: 60)
        let limits = SessionLimits(policy: policy)
        XCTAssertTrue(limits.idleFromDepartment && limits.absoluteFromDepartment)
        let chosen = try limits.resolve(absolute: nil, idle: nil)
        XCTAssertEqual(chosen.absolute, 3_600)
        XCTAssertEqual(chosen.idle, 300)
        XCTAssertEqual(try limits.resolve(absolute: 1_800, idle: 120).idle, 120, "shorter is always allowed")
        XCTAssertEqual(try limits.resolve(absolute: 120, idle: nil).idle, 120, "the default idle limit never exceeds the unlock")
        XCTAssertThrowsError(try limits.resolve(absolute: 2 * 3_600, idle: nil)) { error in
            let e = try? XCTUnwrap(error as? DepartmentError)
            XCTAssertEqual(e?.reason, "the department allows unlocking for at most 1 h; 2 h was asked. Choose a shorter --for")
            XCTAssertEqual(e?.reasonZH, "部门规定解锁时长最多 1 小时，您设定的是 2 小时。请用 --for 指定更短的时长")
        }
        XCTAssertThrowsError(try limits.resolve(absolute: nil, idle: 600)) { error in
            XCTAssertTrue((error as? DepartmentError)?.reasonZH.contains("闲置超过 5 分钟必须自动锁定") == true, "\(error)")
        }
        XCTAssertThrowsError(try limits.resolve(absolute: 600, idle: 900))

        // Kept escrow access: 10 minutes, at most the idle limit and an hour.
        XCTAssertEqual(try standard.resolveEscrowKeep(nil), 600)
        XCTAssertEqual(standard.escrowKeepCeiling, 900)
        XCTAssertThrowsError(try standard.resolveEscrowKeep(1_200))
        XCTAssertEqual(try limits.resolveEscrowKeep(nil), 300, "a 5-minute department keeps 5 minutes by default")
        XCTAssertThrowsError(try limits.resolveEscrowKeep(600))
        let long = SessionLimits(policy: Registry.Policy(escrowThreshold: 1, rotation: .standard, unlockIdleMinutes: 120, unlockMaxMinutes: 480))
        XCTAssertEqual(long.escrowKeepCeiling, 3_600, "never over an hour")
    }

    func testUnlockLimitsInTheRegistryAreOptionalSignedAndIgnoredByOlderReaders() throws {
        let layout = Layout(root.path)
        let before = try Data(contentsOf: URL(fileURLWithPath: layout.registry))
        XCTAssertFalse(String(decoding: before, as: UTF8.self).contains("unlock"), "the defaults are no field: older registries keep their bytes")
        XCTAssertEqual(SessionLimits(policy: try Registry.load(directory: root.path).policy), .standard)

        XCTAssertThrowsError(try Registry.change(directory: root.path, signer: admin, now: base) { $0.policy.unlockMaxMinutes = 1_441 })
        XCTAssertThrowsError(try Registry.change(directory: root.path, signer: admin, now: base) { $0.policy.unlockIdleMinutes = 0 })
        XCTAssertThrowsError(try Registry.change(directory: root.path, signer: admin, now: base) { r in
            r.policy.unlockMaxMinutes = 60
            r.policy.unlockIdleMinutes = 61
        }, "the idle limit is at most the unlock limit")
        XCTAssertThrowsError(try Registry.change(directory: root.path, signer: admin, now: base) { $0.policy.unlockIdleMinutes = 481 },
                             "without a field, the unlock limit is 8 hours")
        try Registry.change(directory: root.path, signer: admin, now: base + day) { r in
            r.policy.unlockMaxMinutes = 60
            r.policy.unlockIdleMinutes = 5
        }
        let json = try Data(contentsOf: URL(fileURLWithPath: layout.registry))
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains("\"unlockIdleMinutes\" : 5"))
        let loaded = try Registry.load(directory: root.path)
        XCTAssertEqual(SessionLimits(policy: loaded.policy), SessionLimits(idle: 300, absolute: 3_600, idleFromDepartment: true, absoluteFromDepartment: true))
        let header = try ArchiveInspection.inspect(path: path).header
        XCTAssertEqual(SessionLimits.forArchive(path, header: header).absolute, 3_600)

        // A reader of the previous version decodes the policy without the new fields (Codable
        // ignores unknown members) and verifies the same signature: it applies its defaults.
        struct OldPolicy: Decodable { let escrowThreshold: Int; let rotation: Registry.Rotation; let timeZone: String? }
        struct OldRegistry: Decodable { let format: Int; let policy: OldPolicy; let serial: UInt64 }
        let old = try JSONDecoder().decode(OldRegistry.self, from: json)
        XCTAssertEqual(old.policy.escrowThreshold, 1)
        XCTAssertEqual(old.format, Registry.currentFormat, "no new format: older tools still read the registry")
    }

    func testKeptEscrowAccessRecordsEveryUseStaysReadOnlyAndEndsWithANewDataKey() throws {
        let (dataKey, holders, signers) = try { () throws -> (SymmetricKey, [EscrowSlot.Holder], [Curve25519.Signing.PrivateKey]) in
            let first = try EscrowAccess.open(path, identities: [li], action: "open", now: base + day)
            XCTAssertNoThrow(try EscrowAccess.checkKeepable(first))
            return (try XCTUnwrap(first.archive.vault.escrowDataKey), first.holders, first.signers)
        }()
        XCTAssertNil(try Vault.open(path: path, password: pw("correct horse")).escrowDataKey, "the owner's unlock is not escrow access")
        for i in 1...2 {
            let again = try EscrowAccess.reopen(path, dataKey: dataKey, holders: holders, signers: signers, action: "open", now: base + day + Int64(i) * 60)
            XCTAssertEqual(again.archive.state.count(.escrowUse), 1 + i, "each use through the kept key is recorded")
            XCTAssertEqual(again.archive.state.count(.customer), 1)
            XCTAssertThrowsError(try again.archive.addCustomer(name: "X", now: base + day), "kept escrow access is read-only")
        }
        // Another holder's name with the same key, or a renewed data key: refused.
        XCTAssertThrowsError(try Vault.open(path: path, escrowDataKey: dataKey, holders: [EscrowSlot.Holder(name: "王总", recipient: li.publicKey)]))
        do {
            let (vault, review) = try ownerUnlock(at: base + 2 * day)
            XCTAssertTrue(review.notices.contains { if case .escrowUses(3, _) = $0 { return true } else { return false } }, "\(review.notices)")
            try vault.rekey(now: base + 2 * day, escrow: try ArchiveDepartment.rekeyPlan(vault, path: path).plan)
        }
        // DEPARTMENT.md §7.4: after a rekey the logged uses are still found (by their contents).
        do {
            let (_, review) = try ownerUnlock(at: base + 2 * day)
            XCTAssertFalse(review.notices.contains { if case .auditLog = $0 { return true } else { return false } }, "\(review.notices)")
        }
        XCTAssertThrowsError(try EscrowAccess.reopen(path, dataKey: dataKey, holders: holders, signers: signers, action: "open", now: base + 3 * day)) { error in
            XCTAssertEqual((error as? VaultError)?.code, .wrongPassword)
        }
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
