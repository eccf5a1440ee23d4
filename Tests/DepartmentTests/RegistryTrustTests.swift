import Foundation
import SalesArchive
import VaultCrypto
@testable import Department
@testable import VaultFormat
import XCTest

/// Registry trust (DEPARTMENT.md §3.5–§3.7, issue 13): each version names the one before it,
/// serials are bounded and a jump is refused unless the history links it, and the administrator
/// key is handed over by a statement the old key signs.
final class RegistryTrustTests: XCTestCase {
    typealias Key = Curve25519.KeyAgreement.PrivateKey
    let base: Int64 = 1_768_471_200  // 2026-01-15T10:00:00Z
    let day: Int64 = 86_400
    var root: URL!
    var admin: Curve25519.Signing.PrivateKey!
    var li: Key!, wang: Key!
    var dir: String { root.path }
    var path: String { root.appendingPathComponent("archives/张伟.svault").path }

    func pw(_ s: String) -> SecureBytes { SecureBytes(Array(s.utf8)) }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("svregtrust-\(UUID().uuidString)")
        admin = try Curve25519.Signing.PrivateKey()
        (li, wang) = (try Key(), try Key())
        try Registry.create(directory: dir, name: "华东区销售部", signer: admin, now: base)
        try Registry.change(directory: dir, signer: admin, now: base) { r in
            try r.addManager(name: "李经理", recipient: li.publicKey, role: "department manager", now: base)
            try r.addManager(name: "王总", recipient: wang.publicKey, role: "general manager", now: base)
            try r.addSalesperson(named: "张伟", now: base)
        }
        let r = try Registry.load(directory: dir)
        let vault = try Vault.create(path: path, owner: "张伟", password: pw("correct horse"), kdf: .insecureForTesting(logN: 10), now: base,
                                     escrow: try r.escrowPlan())
        _ = try CustomerArchive(vault: vault).addCustomer(name: "华为", now: base)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func header() throws -> ArchiveHeader { try ArchiveInspection.inspect(path: path).header }

    /// Signs `registry` as it is (a hand-made version, as an attacker with the key would).
    func sign(_ registry: Registry, with key: Curve25519.Signing.PrivateKey? = nil) throws {
        let json = try registry.encoded()
        try Data(json).write(to: URL(fileURLWithPath: dir + "/department.json"))
        try Data((Base64.encode(try (key ?? admin).signature(for: json)) + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/department.sig"))
    }

    /// Round 4, N3: an older signed version put back in place (un-enrolling an owner key, bringing
    /// back a removed manager) is refused while history/ holds the next version the same key signed.
    func testAnOlderVersionPutBackIsRefused() throws {
        try Registry.change(directory: dir, signer: admin, now: base + day) { r in try r.addSalesperson(named: "王芳", now: base + day) }
        XCTAssertEqual(try Registry.load(directory: dir).serial, 3)
        for ext in ["json", "sig"] {
            let current = URL(fileURLWithPath: dir + "/department.\(ext)")
            try FileManager.default.removeItem(at: current)
            try FileManager.default.copyItem(at: URL(fileURLWithPath: dir + "/history/department.2.\(ext)"), to: current)
        }
        XCTAssertThrowsError(try Registry.load(directory: dir)) { error in
            XCTAssertEqual((error as? DepartmentError)?.code, .olderRegistry)
            XCTAssertTrue("\(error)".contains("an older registry was put back"), "\(error)")
        }
        XCTAssertThrowsError(try ArchiveDepartment.registry(forArchive: path, header: try header()))
        // Only the same key's next version counts: without it (history lost), version 2 loads.
        try FileManager.default.removeItem(atPath: dir + "/history/department.3.json")
        try FileManager.default.removeItem(atPath: dir + "/department.json.prev")
        XCTAssertEqual(try Registry.load(directory: dir).serial, 2)
    }

    func testEachVersionNamesThePreviousOneAndIsKeptInHistory() throws {
        let first = try Array(Data(contentsOf: URL(fileURLWithPath: dir + "/history/department.1.json")))
        XCTAssertNil(try JSONDecoder().decode(Registry.self, from: Data(first)).previous, "the first version names none")
        let second = try Registry.load(directory: dir)
        XCTAssertEqual(second.serial, 2)
        XCTAssertEqual(second.previous, Registry.Previous(serial: 1, sha256: Registry.digestHex(first)))
        let kept = try Data(contentsOf: URL(fileURLWithPath: dir + "/history/department.2.json"))
        XCTAssertEqual(kept, try Data(contentsOf: URL(fileURLWithPath: dir + "/department.json")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/history/department.2.sig"))
        // A registry written before `previous` existed (none at serial 2) still loads: absent is
        // "no link" (only a jump then needs one).
        var old = second
        old.previous = nil
        try sign(old)
        XCTAssertNoThrow(try Registry.load(directory: dir))
    }

    func testSerialsAreBoundedAndTheBoundNeverTraps() throws {
        var r = try Registry.load(directory: dir)
        // 2^64 − 1: refused when read, without a trap; and nothing signs past the bound.
        r.serial = UInt64.max
        XCTAssertThrowsError(try r.validate()) { XCTAssertEqual(($0 as? DepartmentError)?.code, .forgedRegistry) }
        XCTAssertThrowsError(try r.next(now: base))
        try sign(r)
        XCTAssertThrowsError(try Registry.load(directory: dir)) { XCTAssertEqual(($0 as? DepartmentError)?.code, .forgedRegistry) }
        r.serial = Registry.maxSerial
        r.previous = nil
        XCTAssertNoThrow(try r.validate())
        XCTAssertThrowsError(try r.next(now: base)) { XCTAssertTrue(($0 as? DepartmentError)?.reason.contains("bound") == true) }
        r.serial = 0
        XCTAssertThrowsError(try r.validate())
        // An archive that pinned 2^64 − 1 (pushed before this version) is not a trap either:
        // nothing overflows, and the genuine registry is read again (next test).
        let genuine = try XCTUnwrap(try? JSONDecoder().decode(Registry.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/history/department.2.json"))))
        let pushed = ArchiveHeader.DepartmentPin(adminKey: admin.publicKey.rawRepresentation, registrySerial: UInt64.max)
        XCTAssertNoThrow(try genuine.check(against: pushed, layout: Layout(dir)))
        XCTAssertEqual(genuine.repinSerial(from: UInt64.max), 2)
    }

    func testAnArchivePushedTo2To64Minus1BeforeThisVersionRecovers() throws {
        // What an earlier version allowed: a registry with serial 2^64 − 1 pinned by the owner.
        let vault = try Vault.open(path: path, password: pw("correct horse"), access: .readWrite)
        let pinned = try XCTUnwrap(vault.header.department)
        try vault.updateEscrow(Vault.EscrowPlan(holders: vault.header.escrowSlots.map(\.holder), threshold: 1,
                                                pin: ArchiveHeader.DepartmentPin(adminKey: pinned.adminKey, registrySerial: UInt64.max)))
        // The genuine registry is read again (the pinned serial names no registry a reader accepts)…
        let registry = try XCTUnwrap(try ArchiveDepartment.registry(forArchive: path, header: vault.header))
        XCTAssertEqual(EscrowCoverage.evaluate(vault.header, registry: registry).status, .stale)
        // …and `escrow update` pins it again: the serial checks start over from there.
        let update = try EscrowUpdatePlan.prepare(vault, path: path)
        XCTAssertFalse(update.upToDate)
        try update.apply(to: vault, now: base + day)
        XCTAssertEqual(vault.header.department?.registrySerial, registry.serial)
        XCTAssertEqual(EscrowCoverage.evaluate(vault.header, registry: registry).status, .ok)
    }

    func testAJumpIsRefusedUnlessTheHistoryLinksIt() throws {
        let pinned = try XCTUnwrap(try header().department)
        XCTAssertEqual(pinned.registrySerial, 2)
        // One signed file far ahead (as the administrator key could make): refused, slots untouched.
        var jump = try Registry.load(directory: dir)
        jump.serial = pinned.registrySerial + Registry.maxDirectStep + 1
        jump.managers.removeAll()
        try sign(jump)
        XCTAssertThrowsError(try ArchiveDepartment.registry(forArchive: path, header: try header())) { error in
            XCTAssertEqual((error as? DepartmentError)?.code, .forgedRegistry)
            XCTAssertTrue((error as? DepartmentError)?.reason.contains("jumps") == true, "\(error)")
        }
        // Within the direct step: accepted (registries written before the chain existed).
        jump.serial = pinned.registrySerial + Registry.maxDirectStep
        try sign(jump)
        XCTAssertNoThrow(try ArchiveDepartment.registry(forArchive: path, header: try header()))
    }

    func testALongButLinkedHistoryIsAccepted() throws {
        // 300 real changes by the tool: each names the one before and is kept in history/.
        for i in 0..<300 { try Registry.change(directory: dir, signer: admin, now: base + Int64(i)) { $0.updatedAt = $0.updatedAt } }
        let r = try XCTUnwrap(try ArchiveDepartment.registry(forArchive: path, header: try header()))
        XCTAssertEqual(r.serial, 302)
        // A gap in the history (one version deleted) breaks the link: refused.
        try FileManager.default.removeItem(atPath: dir + "/history/department.280.json")
        XCTAssertThrowsError(try ArchiveDepartment.registry(forArchive: path, header: try header()))
        // A version put back with other bytes does not link either.
        try Data("{\"serial\": 280}".utf8).write(to: URL(fileURLWithPath: dir + "/history/department.280.json"))
        XCTAssertThrowsError(try ArchiveDepartment.registry(forArchive: path, header: try header()))
    }

    func testAPreviousIsNeverTrustedWithoutItsHistoryAndLinksGoOneVersionBack() throws {
        // Found by a black-box round: one signed file whose `previous` names a serial near the
        // pin (no such history file, or a wrong digest) jumped the pin to 2^31.
        let pinned = try XCTUnwrap(try header().department).registrySerial
        let genuine = try [".json", ".sig"].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/department" + $0)) }
        var far = try Registry.load(directory: dir)
        far.serial = Registry.maxSerial - 1
        for named in [pinned + 4, pinned + Registry.maxDirectStep, pinned] {
            far.previous = Registry.Previous(serial: named, sha256: String(repeating: "a", count: 64))
            try sign(far)
            XCTAssertThrowsError(try ArchiveDepartment.registry(forArchive: path, header: try header()), "previous \(named) without its history") { error in
                XCTAssertEqual((error as? DepartmentError)?.code, .forgedRegistry)
            }
        }
        // A correct link to the current version (kept in history/) but a jump of thousands in one
        // step: refused too, since each link goes one version back (two after an interrupted save).
        for (data, suffix) in zip(genuine, [".json", ".sig"]) { try data.write(to: URL(fileURLWithPath: dir + "/department" + suffix)) }
        try Registry.change(directory: dir, signer: admin, now: base + 1) { $0.updatedAt = $0.updatedAt }
        let current = try Registry.load(directory: dir)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/history/department.\(current.serial).json"))
        far.previous = Registry.Previous(serial: current.serial, sha256: Registry.digestHex(Array(bytes)))
        try sign(far)
        XCTAssertThrowsError(try ArchiveDepartment.registry(forArchive: path, header: try header()), "a linked jump of \(far.serial - current.serial)")
        // The same link one version up is an ordinary change: accepted.
        var next = current
        next.serial = current.serial + 1
        next.previous = far.previous
        try sign(next)
        XCTAssertNoThrow(try ArchiveDepartment.registry(forArchive: path, header: try header()))
    }

    func testTheToolNeverSignsAJump() throws {
        XCTAssertThrowsError(try Registry.change(directory: dir, signer: admin, now: base) { $0.serial += 1_000 }) { error in
            XCTAssertTrue((error as? DepartmentError)?.reason.contains("next serial") == true, "\(error)")
        }
        XCTAssertEqual(try Registry.load(directory: dir).serial, 2, "nothing signed")
    }

    func testTheAdministratorKeyIsRotatedAndTheOldOneIsThenRefused() throws {
        let newAdmin = try Curve25519.Signing.PrivateKey()
        let rotated = try Registry.rotateAdmin(directory: dir, old: admin, new: newAdmin, now: base + day).registry
        XCTAssertEqual(rotated.serial, 3)
        XCTAssertEqual(rotated.adminKey, KeyFile.adminPublicString(newAdmin.publicKey))
        XCTAssertEqual(rotated.adminRotations?.count, 1)
        XCTAssertEqual(rotated.adminRotations?.first?.serial, 3)
        // The archive pinning the old key follows the statement; the owner's writing unlock pins
        // the new key and says so.
        XCTAssertNoThrow(try ArchiveDepartment.registry(forArchive: path, header: try header()))
        XCTAssertEqual(EscrowCoverage.evaluate(try header(), registry: rotated).status, .ok, "not stale: the next unlock pins it")
        let reading = try UnlockReview.run(try Vault.open(path: path, password: pw("correct horse"), access: .readOnly), path: path, now: base + day)
        XCTAssertTrue(reading.notices.contains { if case .administratorRotated(_, _, false) = $0 { return true } else { return false } }, "\(reading.notices)")
        let writing = try UnlockReview.run(try Vault.open(path: path, password: pw("correct horse"), access: .readWrite), path: path, now: base + day)
        XCTAssertTrue(writing.notices.contains {
            if case .administratorRotated(let from, let to, true) = $0 {
                return from == KeyFile.fingerprint(admin.publicKey.rawRepresentation) && to == KeyFile.fingerprint(newAdmin.publicKey.rawRepresentation)
            } else { return false }
        }, "\(writing.notices)")
        XCTAssertEqual(try header().department?.adminKey, newAdmin.publicKey.rawRepresentation)
        XCTAssertEqual(try header().department?.registrySerial, 3)
        XCTAssertEqual(try Vault.open(path: path, password: pw("correct horse")).header.escrowSlots.count, 2, "the same holders")

        // The old key can no longer change the department…
        XCTAssertThrowsError(try Registry.change(directory: dir, signer: admin, now: base + 2 * day) { try $0.addSalesperson(named: "李四", now: base) })
        // …and a registry it signs (an old version put back, or a new one) is refused by the archive.
        let oldVersion = try Data(contentsOf: URL(fileURLWithPath: dir + "/history/department.2.json"))
        var forged = try JSONDecoder().decode(Registry.self, from: oldVersion)
        forged.serial = 4
        forged.managers.removeAll()
        try sign(forged, with: admin)
        XCTAssertThrowsError(try ArchiveDepartment.registry(forArchive: path, header: try header())) { error in
            XCTAssertEqual((error as? DepartmentError)?.code, .forgedRegistry)
        }
        // A forged statement (not signed by the pinned key) is refused too.
        var fake = rotated
        let mallory = try Curve25519.Signing.PrivateKey()
        fake.adminRotations = [try Registry.rotation(department: fake.name, from: mallory, to: newAdmin.publicKey, serial: 3)]
        fake.adminRotations![0].from = KeyFile.adminPublicString(admin.publicKey)
        XCTAssertThrowsError(try fake.validate()) { XCTAssertEqual(($0 as? DepartmentError)?.code, .forgedRegistry) }
    }

    func testAnArchiveThatSawTheOldKeyAfterItsHandOverRefusesIt() throws {
        let newAdmin = try Curve25519.Signing.PrivateKey()
        let rotated = try Registry.rotateAdmin(directory: dir, old: admin, new: newAdmin, now: base + day).registry
        // The archive claims it saw serial 3 signed by the old key, which handed over at 3.
        let pin = ArchiveHeader.DepartmentPin(adminKey: admin.publicKey.rawRepresentation, registrySerial: 3)
        XCTAssertThrowsError(try rotated.check(against: pin, layout: Layout(dir)))
        // A statement's bytes are fixed (FORMAT of the message in DEPARTMENT.md §3.7).
        let m = try Registry.rotationMessage(department: "D", from: [UInt8](repeating: 1, count: 32), to: [UInt8](repeating: 2, count: 32), serial: 258)
        XCTAssertEqual(m.count, 28 + 1 + 2 + 1 + 64 + 8)
        XCTAssertEqual(Array(m.suffix(8)), [0, 0, 0, 0, 0, 0, 1, 2])
    }
    /// The testkit vector (Sources/svault-testkit/RegistryVectors.swift, built from the spec alone):
    /// the library makes the same message and statement, and accepts it in a registry.
    func testTheAdminRotationVector() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("VaultFormatTests/Testkit/registry_admin_rotation.json")
        let v = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        func bytes(_ hex: String) -> [UInt8] { stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! } }
        let from = try Curve25519.Signing.PrivateKey(rawRepresentation: bytes(try XCTUnwrap(v["fromSeedHex"] as? String)))
        let to = try Curve25519.Signing.PrivateKey(rawRepresentation: bytes(try XCTUnwrap(v["toSeedHex"] as? String)))
        let name = try XCTUnwrap(v["department"] as? String)
        let serial = UInt64(try XCTUnwrap(v["serial"] as? Int))
        XCTAssertEqual(try Registry.rotationMessage(department: name, from: from.publicKey.rawRepresentation, to: to.publicKey.rawRepresentation, serial: serial),
                       bytes(try XCTUnwrap(v["messageHex"] as? String)))
        let statement = try Registry.rotation(department: name, from: from, to: to.publicKey, serial: serial)
        let expected = try XCTUnwrap(v["statement"] as? [String: Any])
        XCTAssertEqual(statement.from, expected["from"] as? String)
        XCTAssertEqual(statement.to, expected["to"] as? String)
        XCTAssertEqual(statement.signature, expected["signature"] as? String)
        XCTAssertEqual(statement.serial, serial)
        var r = Registry(name: name, adminKey: to.publicKey, now: base)
        r.serial = serial
        r.adminRotations = [statement]
        XCTAssertNoThrow(try r.validate())
        let version1 = try XCTUnwrap(Base64.decode(Array(try XCTUnwrap(v["version1"] as? String).utf8)))
        XCTAssertEqual(Registry.digestHex(version1), (v["previousOf"] as? [String: Any])?["sha256"] as? String)
    }
}
