import Foundation
import VaultCrypto
@testable import Department
@testable import VaultFormat
import XCTest

/// A temporary directory removed at the end of the test.
private final class TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("svdept-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    var path: String { url.path }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

private func pw(_ s: String) -> SecureBytes { SecureBytes(Array(s.utf8)) }
private let fastKDF = KDFParameters.Choice.insecureForTesting(logN: 10)
private let day: Int64 = 86_400
/// 2026-01-15T10:00:00Z.
private let base: Int64 = 1_768_471_200

private func XCTAssertDepartmentError<T>(_ code: DepartmentError.Code, _ expression: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        XCTAssertEqual((error as? DepartmentError)?.code, code, "got \(error)", file: file, line: line)
    }
}

final class DepartmentTests: XCTestCase {
    typealias Key = Curve25519.KeyAgreement.PrivateKey

    // MARK: Helpers

    func manager(_ name: String, _ key: Key, role: String = "department manager") -> Registry.Manager {
        Registry.Manager(addedAt: Registry.timestamp(base), name: name, recipient: AgeKeys.recipientString(key.publicKey), role: role)
    }

    /// A registry with two managers (any one opens), signed and saved in `dir`.
    func makeRegistry(in dir: String?, admin: Curve25519.Signing.PrivateKey, managers: [Registry.Manager]) throws -> Registry {
        var r = Registry(name: "华东区销售部", adminKey: admin.publicKey, now: base)
        r.managers = managers
        r.salespeople = [Registry.Salesperson(addedAt: Registry.timestamp(base), archive: "archives/张伟.svault", name: "张伟")]
        r.policy.minKDFLogN = 10  // the test archives use the fast, insecure testing cost (DEPARTMENT.md §6)
        if let dir { try r.save(directory: dir, signer: admin) }
        return r
    }

    func makeArchive(_ path: String, owner: String = "张伟", now: Int64, plan: Vault.EscrowPlan?, changedAt: Int64? = nil) throws {
        let vault = try Vault.create(path: path, owner: owner, password: pw("correct horse"), kdf: fastKDF, now: now, escrow: plan)
        try vault.append(Array("record".utf8), now: now)
        if let changedAt { try vault.changePassword(to: pw("battery staple"), kdf: fastKDF, now: changedAt) }
    }

    // MARK: 1. Key files

    /// A machine whose zone is not the department's is said, with how far apart they are (a
    /// machine left in UTC moved every time of the weekly report by 8 hours: helper-123).
    func testAMachineZoneOtherThanTheDepartmentsIsSaid() throws {
        let t: Int64 = 1_795_392_000
        XCTAssertNil(DepartmentCalendar.standard.machineZoneNote(at: t, machine: TimeZone(identifier: "Asia/Shanghai")!))
        XCTAssertNil(DepartmentCalendar.standard.machineZoneNote(at: t, machine: TimeZone(identifier: "Asia/Hong_Kong")!), "the same offset")
        let utc = try XCTUnwrap(DepartmentCalendar.standard.machineZoneNote(at: t, machine: TimeZone(identifier: "UTC")!))
        XCTAssertTrue(utc.zh.hasPrefix("本机时区（\(TimeZone(identifier: "UTC")!.identifier)）比部门时区（北京时间）慢 8 小时"), utc.zh)  // (GMT on Linux)
        XCTAssertTrue(utc.zh.contains("export TZ=Asia/Shanghai"), utc.zh)
        let india = try XCTUnwrap(DepartmentCalendar.standard.machineZoneNote(at: t, machine: TimeZone(identifier: "Asia/Kolkata")!))
        XCTAssertTrue(india.en.contains("2 hours 30 minutes behind"), india.en)
        XCTAssertTrue(india.zh.contains("慢 2 小时 30 分"), india.zh)
        let tokyo = try XCTUnwrap(DepartmentCalendar.standard.machineZoneNote(at: t, machine: TimeZone(identifier: "Asia/Tokyo")!))
        XCTAssertTrue(tokyo.zh.contains("快 1 小时"), tokyo.zh)
    }

    func testIdentityTextRoundTripsAndIsChecked() throws {
        let key = try Key()
        let other = try Key()
        let created = Date(timeIntervalSince1970: TimeInterval(base))
        let text = KeyFile.identityText(key, created: created)
        XCTAssertTrue(text.hasPrefix("# created: 2026-01-15T10:00:00Z\n# public key: age1"))
        XCTAssertEqual(text.split(separator: "\n").last.map(String.init)?.hasPrefix("AGE-SECRET-KEY-1"), true)
        XCTAssertEqual(try KeyFile.parseIdentity(text).publicKey, key.publicKey)
        // Comments and blank lines are ignored; without a public key comment it still parses.
        let bare = "\n# a note\n\n" + AgeKeys.identityString(key) + "\n\n"
        XCTAssertEqual(try KeyFile.parseIdentity(bare).publicKey, key.publicKey)

        let wrongComment = text.replacingOccurrences(of: AgeKeys.recipientString(key.publicKey), with: AgeKeys.recipientString(other.publicKey))
        XCTAssertNotEqual(wrongComment, text)
        XCTAssertDepartmentError(.malformed, try KeyFile.parseIdentity(wrongComment))
        let twoKeys = text + AgeKeys.identityString(other) + "\n"
        XCTAssertDepartmentError(.malformed, try KeyFile.parseIdentity(twoKeys))
        XCTAssertDepartmentError(.malformed, try KeyFile.parseIdentity("# public key: \(AgeKeys.recipientString(key.publicKey))\n"))
        XCTAssertDepartmentError(.malformed, try KeyFile.parseIdentity(AgeKeys.recipientString(key.publicKey)))
        XCTAssertDepartmentError(.malformed, try KeyFile.parseIdentity("AGE-SECRET-KEY-1QQQQQQQQ"))
    }

    func testAdminTextRoundTripsAndIsChecked() throws {
        let admin = try Curve25519.Signing.PrivateKey()
        let other = try Curve25519.Signing.PrivateKey()
        let text = KeyFile.adminText(admin, created: Date(timeIntervalSince1970: TimeInterval(base)))
        XCTAssertTrue(text.contains("# public key: svadmin1"))
        XCTAssertTrue(text.contains("\nSVADMIN-SECRET-KEY-1"))
        let parsed = try KeyFile.parseAdmin(text)
        XCTAssertEqual(parsed.publicKey, admin.publicKey)
        XCTAssertEqual(parsed.rawRepresentation.withUnsafeBytes { Array($0) }, admin.rawRepresentation.withUnsafeBytes { Array($0) })
        XCTAssertEqual(try KeyFile.parseAdminPublic(KeyFile.adminPublicString(admin.publicKey)), admin.publicKey)

        let wrongComment = text.replacingOccurrences(of: KeyFile.adminPublicString(admin.publicKey), with: KeyFile.adminPublicString(other.publicKey))
        XCTAssertNotEqual(wrongComment, text)
        XCTAssertDepartmentError(.malformed, try KeyFile.parseAdmin(wrongComment))
        let otherText = KeyFile.adminText(other, created: Date())
        let otherLine = try XCTUnwrap(otherText.split(separator: "\n").last)
        XCTAssertDepartmentError(.malformed, try KeyFile.parseAdmin(text + otherLine + "\n"))
        // An age identity is not an administrator key, nor the other way round.
        XCTAssertDepartmentError(.malformed, try KeyFile.parseAdmin(KeyFile.identityText(try Key(), created: Date())))
        XCTAssertDepartmentError(.malformed, try KeyFile.parseIdentity(text))
        XCTAssertDepartmentError(.malformed, try KeyFile.parseAdminPublic(AgeKeys.recipientString(try Key().publicKey)))
    }

    func testFingerprintsAreEightGroupsOfFourUpperCaseHexDigits() throws {
        let a = try Key().publicKey.rawRepresentation
        let b = try Key().publicKey.rawRepresentation
        let admin = try Curve25519.Signing.PrivateKey().publicKey.rawRepresentation
        for key in [a, b, admin] {
            let fp = KeyFile.fingerprint(key)
            XCTAssertNotNil(fp.range(of: "^[0-9A-F]{4}( [0-9A-F]{4}){7}$", options: .regularExpression), fp)
            XCTAssertEqual(fp.count, 39)
            XCTAssertEqual(KeyFile.fingerprint(key), fp, "deterministic")
        }
        XCTAssertNotEqual(KeyFile.fingerprint(a), KeyFile.fingerprint(b))
        // The rule of DEPARTMENT.md §2: SHA-256("SalesVault fingerprint v1" ‖ key), first 16 bytes.
        let digest = try SHA256.hash(Array("SalesVault fingerprint v1".utf8) + a)
        let hex = digest.prefix(16).map { String(format: "%02X", $0) }.joined()
        XCTAssertEqual(KeyFile.fingerprint(a).replacingOccurrences(of: " ", with: ""), hex)
        // A known value: 32 zero bytes.
        let zero = try SHA256.hash(Array("SalesVault fingerprint v1".utf8) + [UInt8](repeating: 0, count: 32))
        XCTAssertEqual(KeyFile.fingerprint([UInt8](repeating: 0, count: 32)).replacingOccurrences(of: " ", with: ""),
                       zero.prefix(16).map { String(format: "%02X", $0) }.joined())
    }

    func testSealedKeyFilesOpenOnlyWithTheirPassphrase() throws {
        let text = KeyFile.identityText(try Key(), created: Date(timeIntervalSince1970: TimeInterval(base)))
        let sealed = try KeyFile.seal(text, passphrase: pw("a long passphrase"), logN: 10)
        XCTAssertTrue(KeyFile.isEncrypted(sealed))
        XCTAssertTrue(sealed.starts(with: Array("age-encryption.org/v1\n".utf8)))
        XCTAssertNil(String(decoding: sealed, as: UTF8.self).range(of: "AGE-SECRET-KEY-1"), "the secret is not in clear")
        var asked = 0
        XCTAssertEqual(try KeyFile.open(sealed) { asked += 1; return pw("a long passphrase") }, text)
        XCTAssertEqual(asked, 1)
        XCTAssertDepartmentError(.wrongPassphrase, try KeyFile.open(sealed) { pw("a long passphrasE") })
        XCTAssertDepartmentError(.wrongPassphrase, try KeyFile.open(sealed) { pw("") })
        // A damaged or cut key file is said in words, never by the library's case names
        // (`(payloadDamaged)`, `(malformedHeaderMAC)` were shown: helper-154).
        var flipped = sealed
        flipped[flipped.count - 5] ^= 0x01
        var headerFlipped = sealed  // its MAC line's "---" made "+--"
        let macLine = try XCTUnwrap(String(decoding: sealed, as: UTF8.self).utf8.indices(of: Array("\n---".utf8)))
        headerFlipped[macLine + 1] = UInt8(ascii: "+")
        for (bytes, words) in [(flipped, "damaged"), (headerFlipped, "damaged"), (Array(sealed.prefix(40)), "cut short"), (Array(sealed.prefix(sealed.count - 20)), "damaged")] {
            XCTAssertThrowsError(try KeyFile.open(bytes) { pw("a long passphrase") }) { error in
                let e = error as? DepartmentError
                XCTAssertTrue(e?.reason.contains(words) == true && e?.reason.contains("backup copy") == true, "\(error)")
                XCTAssertNil(e?.reason.range(of: "[a-z][A-Z]", options: .regularExpression), "a case name in \(error)")
                XCTAssertTrue(e?.reasonZH.contains("备份副本") == true, "\(error)")
            }
        }
        // A public key where the secret one is needed is named.
        let recipient = AgeKeys.recipientString(try Key().publicKey)
        XCTAssertThrowsError(try KeyFile.parseIdentity(recipient + "\n")) { error in
            XCTAssertTrue((error as? DepartmentError)?.reasonZH.hasPrefix("这是公钥（age1") == true, "\(error)")
        }
        // A plaintext key file is returned as is, without asking.
        let plain = Array(text.utf8)
        XCTAssertFalse(KeyFile.isEncrypted(plain))
        XCTAssertEqual(try KeyFile.open(plain) {
            XCTFail("a plaintext key file must not ask for a passphrase")
            return pw("x")
        }, text)
    }

    // MARK: 2. Registry

    func testRegistrySaveLoadAndForgeries() throws {
        let dir = try TempDir()
        let admin = try Curve25519.Signing.PrivateKey()
        let mallory = try Curve25519.Signing.PrivateKey()
        let li = try Key(), wang = try Key(), eve = try Key()
        var registry = try makeRegistry(in: nil, admin: admin, managers: [manager("李经理", li), manager("王总", wang, role: "general manager")])
        registry.policy.escrowThreshold = 1
        try registry.save(directory: dir.path, signer: admin)
        let loaded = try Registry.load(directory: dir.path)
        XCTAssertEqual(loaded, registry)
        XCTAssertEqual(loaded.serial, 1)
        XCTAssertEqual(loaded.policy.rotation, .standard)
        let json = try Data(contentsOf: URL(fileURLWithPath: dir.path("department.json")))
        let sig = try Data(contentsOf: URL(fileURLWithPath: dir.path("department.sig")))
        XCTAssertEqual(json.last, 10)
        XCTAssertEqual(sig.last, 10)
        XCTAssertEqual(Base64.decode(String(decoding: sig, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))?.count, 64)
        // Sorted keys: "adminKey" first, "updatedAt" last.
        let text = String(decoding: json, as: UTF8.self)
        let keys = ["\"adminKey\"", "\"format\"", "\"managers\"", "\"name\"", "\"policy\"", "\"salespeople\"", "\"serial\"", "\"updatedAt\""]
        let positions = keys.compactMap { text.range(of: $0)?.lowerBound }
        XCTAssertEqual(positions.count, keys.count)
        XCTAssertEqual(positions, positions.sorted())

        func restore() throws { try json.write(to: URL(fileURLWithPath: dir.path("department.json"))); try sig.write(to: URL(fileURLWithPath: dir.path("department.sig"))) }
        func writeJSON(_ s: String) throws { try Data(s.utf8).write(to: URL(fileURLWithPath: dir.path("department.json"))) }

        // One byte changed: the threshold.
        let thresholdEdit = text.replacingOccurrences(of: "\"escrowThreshold\" : 1", with: "\"escrowThreshold\" : 2")
        XCTAssertEqual(thresholdEdit.utf8.count, text.utf8.count)
        XCTAssertNotEqual(thresholdEdit, text, "the edit applied")
        try writeJSON(thresholdEdit)
        XCTAssertDepartmentError(.forgedRegistry, try Registry.load(directory: dir.path))
        // A manager's recipient replaced by another valid key.
        let recipientEdit = text.replacingOccurrences(of: AgeKeys.recipientString(wang.publicKey), with: AgeKeys.recipientString(eve.publicKey))
        XCTAssertNotEqual(recipientEdit, text)
        try writeJSON(recipientEdit)
        XCTAssertDepartmentError(.forgedRegistry, try Registry.load(directory: dir.path))
        try restore()
        XCTAssertEqual(try Registry.load(directory: dir.path), registry)

        // Signed by another key (the file still names the administrator's).
        try Data((Base64.encode(try mallory.signature(for: Array(json))) + "\n").utf8).write(to: URL(fileURLWithPath: dir.path("department.sig")))
        XCTAssertDepartmentError(.forgedRegistry, try Registry.load(directory: dir.path))
        // Not a signature, or none.
        try Data("bm90IGEgc2lnbmF0dXJl\n".utf8).write(to: URL(fileURLWithPath: dir.path("department.sig")))
        XCTAssertDepartmentError(.forgedRegistry, try Registry.load(directory: dir.path))
        try FileManager.default.removeItem(atPath: dir.path("department.sig"))
        XCTAssertDepartmentError(.forgedRegistry, try Registry.load(directory: dir.path))
        try restore()

        // Save with a key that is not the registry's: refused, files unchanged.
        var changed = try registry.next(now: base + day)
        changed.policy.escrowThreshold = 2
        XCTAssertDepartmentError(.forgedRegistry, try changed.save(directory: dir.path, signer: mallory))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir.path("department.json"))), json)
        XCTAssertEqual(try Registry.load(directory: dir.path), registry)
        try changed.save(directory: dir.path, signer: admin)
        let reloaded = try Registry.load(directory: dir.path)
        XCTAssertEqual(reloaded.serial, 2)
        XCTAssertEqual(reloaded.policy.escrowThreshold, 2)
        XCTAssertEqual(reloaded.updatedAt, Registry.timestamp(base + day))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
                       ["department.json", "department.json.prev", "department.sig", "department.sig.prev"], "no temporaries left; the previous pair kept")
        // A change interrupted between its two renames (new JSON, old signature): readers refuse
        // it; the administrator's next change continues from the previous signed pair.
        try FileManager.default.removeItem(atPath: dir.path("department.sig"))
        try FileManager.default.copyItem(atPath: dir.path("department.sig.prev"), toPath: dir.path("department.sig"))
        XCTAssertThrowsError(try Registry.load(directory: dir.path)) { XCTAssertEqual(($0 as? DepartmentError)?.code, .forgedRegistry) }
        let (recovered, wasRecovered) = try Registry.loadForChange(directory: dir.path)
        XCTAssertTrue(wasRecovered)
        var expected = registry
        expected.serial = changed.serial  // the lost change's serial is not reused: the next is 3
        XCTAssertEqual(recovered, expected, "the previous signed registry")
        XCTAssertEqual(try recovered.next(now: base).serial, changed.serial + 1)
        try changed.save(directory: dir.path, signer: admin)
        XCTAssertEqual(try Registry.load(directory: dir.path), changed)
        // Any other mismatch (an edited department.json under its own signature) is not
        // "recovered" but reported as forged, also to the administrator.
        let edited = try String(contentsOfFile: dir.path("department.json"), encoding: .utf8).replacingOccurrences(of: "\"escrowThreshold\" : 2", with: "\"escrowThreshold\" : 1")
        try edited.write(toFile: dir.path("department.json"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Registry.loadForChange(directory: dir.path)) { XCTAssertEqual(($0 as? DepartmentError)?.code, .forgedRegistry) }
        try changed.save(directory: dir.path, signer: admin)

        // Mallory re-signs a registry naming her own key: it loads, but no archive pinned her key.
        var hijacked = try reloaded.next(now: base + 2 * day)
        hijacked.adminKey = KeyFile.adminPublicString(mallory.publicKey)
        hijacked.managers.append(manager("Eve", eve))
        try hijacked.save(directory: dir.path, signer: mallory)
        let loadedHijack = try Registry.load(directory: dir.path)
        let pin = ArchiveHeader.DepartmentPin(adminKey: admin.publicKey.rawRepresentation, registrySerial: 1)
        XCTAssertDepartmentError(.forgedRegistry, try loadedHijack.check(against: pin))
        XCTAssertNoThrow(try reloaded.check(against: pin))
        XCTAssertNoThrow(try reloaded.check(against: ArchiveHeader.DepartmentPin(adminKey: admin.publicKey.rawRepresentation, registrySerial: 2)))
        XCTAssertDepartmentError(.olderRegistry, try reloaded.check(against: ArchiveHeader.DepartmentPin(adminKey: admin.publicKey.rawRepresentation, registrySerial: 3)))
    }

    func testRegistryValidationRules() throws {
        let admin = try Curve25519.Signing.PrivateKey()
        let li = try Key(), wang = try Key()
        let good = try makeRegistry(in: nil, admin: admin, managers: [manager("李经理", li), manager("王总", wang)])
        XCTAssertNoThrow(try good.validate())

        func refused(_ edit: (inout Registry) -> Void, file: StaticString = #filePath, line: UInt = #line) {
            var r = good
            edit(&r)
            XCTAssertDepartmentError(.invalid, try r.validate(), file: file, line: line)
        }
        func accepted(_ edit: (inout Registry) -> Void, file: StaticString = #filePath, line: UInt = #line) {
            var r = good
            edit(&r)
            XCTAssertNoThrow(try r.validate(), file: file, line: line)
        }
        refused { $0.managers[1].name = "李经理" }
        refused { $0.managers[1].recipient = $0.managers[0].recipient }
        refused { $0.policy.escrowThreshold = 3 }
        refused { $0.policy.escrowThreshold = 0 }
        accepted { $0.policy.escrowThreshold = 2 }
        refused { $0.policy.rotation.remindDays = 180 }  // = overdue
        refused { $0.policy.rotation.remindDays = 200 }  // > overdue
        refused { $0.policy.rotation.overdueDays = 731 }
        accepted { $0.policy.rotation.overdueDays = 730 }
        refused { $0.policy.rotation.remindDays = 6 }
        accepted { $0.policy.rotation.remindDays = 7 }
        refused { $0.managers[0].name = "" }
        refused { $0.managers[0].name = String(repeating: "a", count: 65) }
        refused { $0.managers[0].name = "tab\there" }
        refused { $0.salespeople.append($0.salespeople[0]) }
        // periodic = false: the day bounds are not checked.
        accepted { r in
            r.policy.rotation.periodic = false
            r.policy.rotation.remindDays = 1_000
            r.policy.rotation.overdueDays = 2
        }
        // Threshold 1 needs no manager at all (a new department).
        accepted { r in r.managers = [] }
        var badKey = good
        badKey.managers[0].recipient = "age1notakey"
        XCTAssertDepartmentError(.malformed, try badKey.validate())
        var badFormat = good
        badFormat.format = 2
        XCTAssertDepartmentError(.malformed, try badFormat.validate())
    }

    // MARK: 3. Rotation

    /// Issue 13: never-changed from the `passwordChanges` counter (the old timestamp rule only
    /// without it), `overdue (never changed)` past the limit, and dates that cannot be true.
    func testRotationFromTheCounterAndImpossibleDates() {
        let p = RotationPolicy.standard
        let created = base
        func eval(changed: Int64, count: UInt32?, dek: Int64? = nil, days: Int64) -> RotationPolicy.Evaluation {
            p.evaluate(createdAt: created, passwordChangedAt: changed, passwordChanges: count, dekRotatedAt: dek ?? created, asOf: .instant(created + days * day))
        }
        // Changed in the same second as the creation: the counter says changed.
        XCTAssertEqual(eval(changed: created, count: 1, days: 100).status, .due)
        XCTAssertFalse(eval(changed: created, count: 1, days: 100).neverChanged)
        // Without the counter (an earlier version's header): the old rule, and it says so.
        XCTAssertEqual(eval(changed: created, count: nil, days: 100).status, .neverRotated)
        XCTAssertFalse(eval(changed: created, count: nil, days: 100).counted)
        XCTAssertEqual(eval(changed: created + day, count: nil, days: 100).status, .due)
        // Never changed by the owner (an escrow reset moved the date, the counter stayed 0).
        XCTAssertEqual(eval(changed: created + 2 * day, count: 0, days: 100).status, .neverRotated)
        XCTAssertFalse(eval(changed: created + 2 * day, count: 0, days: 100).nonCompliant)
        XCTAssertEqual(eval(changed: created, count: 0, days: 180).status, .overdueNeverChanged)
        XCTAssertTrue(eval(changed: created, count: 0, days: 180).nonCompliant)
        XCTAssertEqual(RotationPolicy.Status.overdueNeverChanged.rawValue, "overdue (never changed)")
        // A change dated after the real day, or before the creation: named, non-compliant.
        let future = eval(changed: created + 40 * day, count: 1, days: 10)
        XCTAssertEqual(future.status, .futureDate)
        XCTAssertEqual(future.dateProblems, [.passwordFuture])
        XCTAssertTrue(future.nonCompliant)
        XCTAssertEqual(eval(changed: created - 1, count: 1, days: 10).status, .beforeCreation)
        XCTAssertTrue(eval(changed: created - 1, count: 1, days: 10).nonCompliant)
        // The date judged (--as-of) in the past does not hide a future date: the real day counts.
        let asOfPast = p.evaluate(createdAt: created, passwordChangedAt: created + 40 * day, passwordChanges: 1, dekRotatedAt: created,
                                  asOf: .date(p.calendar.day(of: created)), today: p.calendar.day(of: created + 10 * day))
        XCTAssertEqual(asOfPast.status, .futureDate)
        // The data key's date too, whatever the rotation policy.
        let off = RotationPolicy(Registry.Rotation(overdueDays: 180, periodic: false, remindDays: 90))
        let dek = off.evaluate(createdAt: created, passwordChangedAt: created, passwordChanges: 0, dekRotatedAt: created + 300 * day,
                               asOf: .instant(created + 10 * day))
        XCTAssertEqual(dek.status, .ok)
        XCTAssertEqual(dek.dateProblems, [.dekFuture])
        XCTAssertTrue(dek.nonCompliant)
        XCTAssertEqual(off.evaluate(createdAt: created, passwordChangedAt: created, passwordChanges: 0, dekRotatedAt: created - day,
                                    asOf: .instant(created + day)).dateProblems, [.dekBeforeCreation])
    }

    func testRotationStatusesAtTheBoundaries() {
        let p = RotationPolicy.standard
        XCTAssertEqual(p.remindDays, 90)
        XCTAssertEqual(p.overdueDays, 180)
        let created = base
        let changed = base + 30 * day
        func eval(_ days: Int64, changed c: Int64, plus seconds: Int64 = 0) -> RotationPolicy.Evaluation {
            p.evaluate(createdAt: created, passwordChangedAt: c, asOf: c + days * day + seconds)
        }
        // Changed before.
        XCTAssertEqual(eval(0, changed: changed).status, .ok)
        XCTAssertEqual(eval(89, changed: changed).status, .ok)
        // Calendar days in Shanghai: `changed` is 18:00 there, so the 90th day starts 6 hours after
        // 89 × 24 hours (DEPARTMENT.md §5).
        XCTAssertEqual(eval(89, changed: changed, plus: 6 * 3_600 - 1).status, .ok, "day 89 at 23:59:59 in Shanghai")
        XCTAssertEqual(eval(89, changed: changed, plus: 6 * 3_600 - 1).ageDays, 89)
        XCTAssertEqual(eval(89, changed: changed, plus: 6 * 3_600).ageDays, 90, "midnight in Shanghai")
        XCTAssertEqual(eval(89, changed: changed, plus: 6 * 3_600).status, .due)
        XCTAssertEqual(eval(90, changed: changed).status, .due)
        XCTAssertEqual(eval(90, changed: changed).ageDays, 90)
        XCTAssertFalse(eval(90, changed: changed).nonCompliant)
        XCTAssertEqual(eval(179, changed: changed).status, .due)
        XCTAssertFalse(eval(179, changed: changed).nonCompliant)
        XCTAssertEqual(eval(180, changed: changed).status, .overdue)
        XCTAssertTrue(eval(180, changed: changed).nonCompliant)
        XCTAssertEqual(eval(1_000, changed: changed).status, .overdue)
        XCTAssertEqual(eval(90, changed: changed).remindDay.map { DepartmentCalendar.dateString($0) }, "2026-05-15")  // 2026-02-14 + 90
        XCTAssertEqual(eval(90, changed: changed).overdueDay.map { DepartmentCalendar.dateString($0) }, "2026-08-13")  // + 180
        XCTAssertEqual(eval(90, changed: changed).daysLeft, 90)
        XCTAssertEqual(eval(200, changed: changed).daysLeft, -20)
        // Never changed since creation.
        XCTAssertEqual(eval(89, changed: created).status, .ok)
        XCTAssertFalse(eval(89, changed: created).nonCompliant)
        XCTAssertEqual(eval(90, changed: created).status, .neverRotated)
        XCTAssertFalse(eval(90, changed: created).nonCompliant)
        XCTAssertEqual(eval(179, changed: created).status, .neverRotated)
        XCTAssertFalse(eval(179, changed: created).nonCompliant)
        XCTAssertEqual(eval(180, changed: created).status, .neverRotated)
        XCTAssertTrue(eval(180, changed: created).nonCompliant)
        XCTAssertEqual(RotationPolicy.Status.neverRotated.rawValue, "never rotated")
        // A clock behind the change: not negative days of trouble.
        XCTAssertEqual(p.evaluate(createdAt: created, passwordChangedAt: changed, asOf: changed - day).status, .ok)

        // No periodic rotation.
        let off = RotationPolicy(Registry.Rotation(overdueDays: 180, periodic: false, remindDays: 90))
        let e = off.evaluate(createdAt: created, passwordChangedAt: created, asOf: created + 1_000 * day)
        XCTAssertEqual(e.status, .ok)
        XCTAssertEqual(e.ageDays, 1_000)
        XCTAssertFalse(e.nonCompliant)
        XCTAssertNil(e.remindDay)
        XCTAssertNil(e.overdueDay)
        XCTAssertNil(e.daysLeft)
        XCTAssertEqual(off.ruleText.en, "no periodic rotation (department policy)")
        // Another policy's days.
        let short = RotationPolicy(Registry.Rotation(overdueDays: 60, periodic: true, remindDays: 30))
        XCTAssertEqual(short.evaluate(createdAt: created, passwordChangedAt: changed, asOf: changed + 29 * day).status, .ok)
        XCTAssertEqual(short.evaluate(createdAt: created, passwordChangedAt: changed, asOf: changed + 30 * day).status, .due)
        XCTAssertEqual(short.evaluate(createdAt: created, passwordChangedAt: changed, asOf: changed + 60 * day).status, .overdue)
    }

    func testAgeIsCountedInCalendarDaysOfTheDepartmentsZone() {
        // DEPARTMENT.md §5: a password set on 2026-03-01 at 23:30 Shanghai time (15:30 UTC) has
        // age 100 during the whole of 2026-06-09 Shanghai time, and `--as-of 2026-06-09` says 100.
        let changed: Int64 = 1_772_379_000  // 2026-03-01T15:30:00Z
        let created = changed - 30 * day
        let p = RotationPolicy.standard
        XCTAssertEqual(p.calendar.timeZone.identifier, "Asia/Shanghai")
        func age(_ t: Int64) -> Int { p.evaluate(createdAt: created, passwordChangedAt: changed, asOf: t).ageDays }
        XCTAssertEqual(age(1_780_934_400 - 1), 99, "2026-06-08 23:59:59 in Shanghai")
        XCTAssertEqual(age(1_780_934_400), 100, "2026-06-09 00:00:00 in Shanghai")
        XCTAssertEqual(age(1_780_977_600), 100, "2026-06-09 12:00 in Shanghai")
        XCTAssertEqual(age(1_781_020_799), 100, "2026-06-09 23:59:59 in Shanghai")
        XCTAssertEqual(age(1_781_020_800), 101)
        let june9: Int64 = 20_613  // days from 1970-01-01 to 2026-06-09
        let asOf = p.evaluate(createdAt: created, passwordChangedAt: changed, asOf: .date(june9))
        XCTAssertEqual(asOf.ageDays, 100)
        XCTAssertEqual(asOf.status, .due)
        XCTAssertEqual(asOf.daysLeft, 80)
        XCTAssertEqual(DepartmentCalendar.dateString(asOf.changedDay), "2026-03-01")
        XCTAssertEqual(asOf.remindDay.map { DepartmentCalendar.dateString($0) }, "2026-05-30")
        XCTAssertEqual(asOf.overdueDay.map { DepartmentCalendar.dateString($0) }, "2026-08-28")
        XCTAssertEqual(p.evaluate(createdAt: created, passwordChangedAt: changed, asOf: .date(june9 - 200)).ageDays, -100, "before the change")
        XCTAssertEqual(p.evaluate(createdAt: created, passwordChangedAt: changed, asOf: .date(june9 - 200)).status, .ok)

        // Another department zone, with daylight saving time: New York counts from 2026-03-01
        // (10:30 EST) and 2026-06-09 starts at 04:00 UTC (EDT).
        let ny = RotationPolicy(.standard, calendar: DepartmentCalendar(zoneName: "America/New_York")!)
        func nyAge(_ t: Int64) -> Int { ny.evaluate(createdAt: created, passwordChangedAt: changed, asOf: t).ageDays }
        XCTAssertEqual(nyAge(1_780_977_600 - 1), 99)
        XCTAssertEqual(nyAge(1_780_977_600), 100)
        XCTAssertEqual(ny.evaluate(createdAt: created, passwordChangedAt: changed, asOf: .date(june9)).ageDays, 100)
        // Absurd (unauthenticated) header times do not trap.
        _ = p.evaluate(createdAt: .min, passwordChangedAt: .max, asOf: .min)
        _ = p.evaluate(createdAt: .max, passwordChangedAt: .min, asOf: .date(.max))
    }

    func testTheTimeZoneFieldIsOptionalAndUnknownNamesAreRefused() throws {
        let dir = try TempDir()
        let admin = try Curve25519.Signing.PrivateKey()
        let registry = try makeRegistry(in: dir.path, admin: admin, managers: [manager("李经理", try Key())])
        // Without a zone: no field, and parse-then-serialize gives the signed bytes exactly.
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Layout(dir.path).registry)))
        XCTAssertFalse(String(decoding: written, as: UTF8.self).contains("timeZone"))
        let loaded = try Registry.load(directory: dir.path)
        XCTAssertNil(loaded.policy.timeZone)
        XCTAssertEqual(try loaded.encoded(), written)
        XCTAssertEqual(loaded.calendar, .standard)
        // A registry written before the field existed (these bytes) still verifies and parses.
        XCTAssertEqual(try JSONDecoder().decode(Registry.self, from: Data(written)), registry)

        var hk = try registry.next(now: base + day)
        hk.policy.timeZone = "Asia/Hong_Kong"
        try hk.save(directory: dir.path, signer: admin)
        let text = try String(contentsOfFile: Layout(dir.path).registry, encoding: .utf8)
        XCTAssertTrue(text.contains("\"timeZone\" : \"Asia/Hong_Kong\""), text)
        let reloaded = try Registry.load(directory: dir.path)
        XCTAssertEqual(reloaded.policy.timeZone, "Asia/Hong_Kong")
        XCTAssertEqual(reloaded.rotationPolicy.calendar.timeZone.identifier, "Asia/Hong_Kong")
        XCTAssertEqual(try reloaded.encoded(), [UInt8](try Data(contentsOf: URL(fileURLWithPath: Layout(dir.path).registry))))

        // Names the reader does not know are refused, also abbreviations the system would take.
        for name in ["Mars/Olympus_Mons", "asia/shanghai", "CST", "GMT+8", "", "Asia/Shanghai "] {
            var bad = registry
            bad.policy.timeZone = name
            XCTAssertDepartmentError(.invalid, try bad.validate())
            XCTAssertNil(DepartmentCalendar(zoneName: name), name)
        }
        for name in ["Asia/Shanghai", "Asia/Taipei", "Europe/Berlin", "UTC", "Etc/UTC", "Asia/Kolkata", "Asia/Calcutta"] {  // (Kolkata: helper-197)
            XCTAssertNotNil(DepartmentCalendar(zoneName: name), name)
        }
        // A signed registry naming an unknown zone is refused by the reader.
        var unknown = try hk.next(now: base + 2 * day)
        unknown.policy.timeZone = "Mars/Olympus_Mons"
        let json = try unknown.encoded()
        try Data(json).write(to: URL(fileURLWithPath: Layout(dir.path).registry))
        try Data((Base64.encode(try admin.signature(for: json)) + "\n").utf8).write(to: URL(fileURLWithPath: Layout(dir.path).signature))
        XCTAssertDepartmentError(.invalid, try Registry.load(directory: dir.path))
    }

    // MARK: 4. Escrow coverage

    func testEscrowCoverageAgainstTheRegistry() throws {
        let dir = try TempDir()
        let admin = try Curve25519.Signing.PrivateKey()
        let otherAdmin = try Curve25519.Signing.PrivateKey()
        let li = try Key(), wang = try Key(), chen = try Key()
        let registry = try makeRegistry(in: dir.path, admin: admin, managers: [manager("李经理", li), manager("王总", wang)])
        let path = dir.path("a.svault")
        try makeArchive(path, now: base, plan: try registry.escrowPlan())
        let header = try ArchiveInspection.inspect(path: path).header
        XCTAssertEqual(header.department?.adminKey, admin.publicKey.rawRepresentation)
        XCTAssertEqual(header.department?.registrySerial, registry.serial)

        let ok = EscrowCoverage.evaluate(header, registry: registry)
        XCTAssertEqual(ok.status, .ok)
        XCTAssertEqual(ok.missing, [])
        XCTAssertEqual(ok.departed, [])
        XCTAssertEqual(ok.detail, "")

        var added = try registry.next(now: base + day)
        added.managers.append(manager("陈审计", chen))
        let missing = EscrowCoverage.evaluate(header, registry: added)
        XCTAssertEqual(missing.status, .missing)
        XCTAssertEqual(missing.missing.map(\.name), ["陈审计"])
        XCTAssertEqual(missing.departed, [])

        var removed = try registry.next(now: base + day)
        removed.managers.removeAll { $0.name == "王总" }
        let departed = EscrowCoverage.evaluate(header, registry: removed)
        XCTAssertEqual(departed.status, .rekeyRequired)
        XCTAssertEqual(departed.departed.map(\.name), ["王总"])
        XCTAssertEqual(departed.missing, [])

        var threshold = try registry.next(now: base + day)
        threshold.policy.escrowThreshold = 2
        XCTAssertEqual(EscrowCoverage.evaluate(header, registry: threshold).status, .stale)

        var otherKey = registry
        otherKey.adminKey = KeyFile.adminPublicString(otherAdmin.publicKey)
        let stale = EscrowCoverage.evaluate(header, registry: otherKey)
        XCTAssertEqual(stale.status, .stale)
        XCTAssertTrue(stale.detail.contains("another administrator key"), stale.detail)

        // Worst wins: added and removed at once → rekey required, with both lists.
        var both = removed
        both.managers.append(manager("陈审计", chen))
        let worst = EscrowCoverage.evaluate(header, registry: both)
        XCTAssertEqual(worst.status, .rekeyRequired)
        XCTAssertEqual(worst.missing.map(\.name), ["陈审计"])
        XCTAssertEqual(worst.departed.map(\.name), ["王总"])

        // After the owner applies the removal: the slot is gone, but rekeyRequired remains until rekey.
        do {
            let vault = try Vault.open(path: path, password: pw("correct horse"), access: .readWrite)
            try vault.updateEscrow(try removed.escrowPlan())
        }
        let afterUpdate = try ArchiveInspection.inspect(path: path).header
        let flagged = EscrowCoverage.evaluate(afterUpdate, registry: removed)
        XCTAssertEqual(flagged.status, .rekeyRequired)
        XCTAssertEqual(flagged.departed, [])
        do {
            let vault = try Vault.open(path: path, password: pw("correct horse"), access: .readWrite)
            try vault.rekey(now: base + 2 * day)
        }
        XCTAssertEqual(EscrowCoverage.evaluate(try ArchiveInspection.inspect(path: path).header, registry: removed).status, .ok)

        // A 2-of-2 registry and an archive made from it.
        let sharedPath = dir.path("b.svault")
        try makeArchive(sharedPath, now: base, plan: try threshold.escrowPlan())
        let sharedHeader = try ArchiveInspection.inspect(path: sharedPath).header
        XCTAssertEqual(sharedHeader.escrowSlots.map(\.threshold), [2, 2])
        XCTAssertEqual(EscrowCoverage.evaluate(sharedHeader, registry: threshold).status, .ok)
        XCTAssertEqual(EscrowCoverage.evaluate(sharedHeader, registry: registry).status, .stale)
    }

    /// DEPARTMENT.md §6: `missing` is "a current manager has no slot (including an archive with no
    /// escrow at all)".
    func testArchiveWithoutEscrowIsMissing() throws {
        let dir = try TempDir()
        let admin = try Curve25519.Signing.PrivateKey()
        let registry = try makeRegistry(in: nil, admin: admin, managers: [manager("李经理", try Key())])
        let path = dir.path("a.svault")
        try makeArchive(path, now: base, plan: nil)
        let coverage = EscrowCoverage.evaluate(try ArchiveInspection.inspect(path: path).header, registry: registry)
        XCTAssertEqual(coverage.missing.map(\.name), ["李经理"])
        XCTAssertEqual(coverage.status, .missing, coverage.detail)
    }

    // MARK: 5. Compliance report

    func testComplianceReportOverADepartment() throws {
        let dir = try TempDir()
        let admin = try Curve25519.Signing.PrivateKey()
        let li = try Key(), wang = try Key()
        var registry = try makeRegistry(in: dir.path, admin: admin, managers: [manager("李经理", li), manager("王总", wang)])
        registry.salespeople = []  // registered salespeople without a file: DepartmentHardeningTests
        let archives = dir.path("archives")
        try FileManager.default.createDirectory(atPath: archives, withIntermediateDirectories: true)
        let asOf = base + 400 * day
        let plan = try registry.escrowPlan()
        try makeArchive(archives + "/a_ok.svault", owner: "甲", now: asOf - 10 * day, plan: plan)
        try makeArchive(archives + "/b_due.svault", owner: "乙", now: asOf - 200 * day, plan: plan, changedAt: asOf - 100 * day)
        try makeArchive(archives + "/c_overdue.svault", owner: "丙", now: asOf - 300 * day, plan: plan, changedAt: asOf - 200 * day)
        try makeArchive(archives + "/d_never.svault", owner: "丁", now: asOf - 200 * day, plan: plan)
        try makeArchive(archives + "/e_noescrow.svault", owner: "戊", now: asOf - 5 * day, plan: nil)
        // An escrow use on a_ok, not yet seen by its owner.
        do {
            let vault = try Vault.open(path: archives + "/a_ok.svault", escrowIdentities: [li], access: .readWrite)
            let before = vault.header
            try vault.appendEscrowUse(Array("escrow open".utf8), now: asOf - day)
            // As the tool does, the use is also in the department's audit log (DEPARTMENT.md §7.2);
            // without it, compliance says the log is missing (§6).
            _ = try EscrowAccess.logUse(vault, before: before, action: "open", now: asOf - day,
                                        writer: try AuditLog.Writer(layout: Layout(dir.path), archiveID: vault.prefix.archiveIDHex),
                                        signers: [("李经理", try ManagerSigningKey.derive(from: li))])
        }
        // The magic and a valid prefix, then garbage in both header copies.
        let prefix = Array(try Data(contentsOf: URL(fileURLWithPath: archives + "/a_ok.svault")).prefix(32))
        var garbage = SystemRandomNumberGenerator()
        let junk = (0..<(2 * 16_384)).map { _ in UInt8.random(in: 0...255, using: &garbage) }
        try Data(prefix + junk).write(to: URL(fileURLWithPath: archives + "/x.svault"))
        try Data("call 张三 on Monday\n".utf8).write(to: URL(fileURLWithPath: archives + "/notes.txt"))

        let report = try ComplianceReport.run(directory: dir.path, asOf: asOf, registry: registry)
        XCTAssertEqual(report.asOf, Registry.timestamp(asOf))
        XCTAssertEqual(report.department, "华东区销售部")
        XCTAssertEqual(report.policy, "change the password every 90–180 days")
        XCTAssertEqual(report.archives.map(\.archive), [
            "archives/a_ok.svault", "archives/b_due.svault", "archives/c_overdue.svault", "archives/d_never.svault",
            "archives/e_noescrow.svault", "archives/notes.txt", "archives/x.svault",
        ])
        let rows = Dictionary(uniqueKeysWithValues: report.archives.map { ($0.archive.replacingOccurrences(of: "archives/", with: ""), $0) })
        func row(_ name: String) throws -> ComplianceReport.Row { try XCTUnwrap(rows[name], name) }

        let a = try row("a_ok.svault")
        XCTAssertEqual(a.owner, "甲")
        XCTAssertEqual(a.rotation, "ok")
        XCTAssertEqual(a.passwordAgeDays, 10)
        XCTAssertEqual(a.passwordChangedAt, Registry.timestamp(asOf - 10 * day))
        XCTAssertEqual(a.escrow, "ok")
        XCTAssertEqual(a.escrowUsesUnacknowledged, 1)
        XCTAssertEqual(a.lastEscrowUseAt, Registry.timestamp(asOf - day))
        XCTAssertEqual(a.mustChangePassword, false)
        XCTAssertNil(a.problem)
        XCTAssertNil(a.verified)
        XCTAssertFalse(a.nonCompliant)

        let b = try row("b_due.svault")
        XCTAssertEqual(b.rotation, "due")
        XCTAssertEqual(b.passwordAgeDays, 100)
        XCTAssertEqual(b.passwordChangedAt, Registry.timestamp(asOf - 100 * day))
        XCTAssertEqual(b.dekRotatedAt, Registry.timestamp(asOf - 200 * day))
        XCTAssertEqual(b.escrow, "ok")
        XCTAssertEqual(b.escrowUsesUnacknowledged, 0)
        XCTAssertNil(b.lastEscrowUseAt)
        XCTAssertNil(b.problem)
        XCTAssertFalse(b.nonCompliant, "due alone is not a failure")

        let c = try row("c_overdue.svault")
        XCTAssertEqual(c.rotation, "overdue")
        XCTAssertEqual(c.passwordAgeDays, 200)
        XCTAssertEqual(c.escrow, "ok")
        XCTAssertNil(c.problem)
        XCTAssertTrue(c.nonCompliant)

        let d = try row("d_never.svault")
        XCTAssertEqual(d.rotation, "overdue (never changed)", "issue 13: past the limit, never changed is overdue")
        XCTAssertEqual(d.passwordAgeDays, 200)
        XCTAssertEqual(d.escrow, "ok")
        XCTAssertNil(d.problem)
        XCTAssertTrue(d.nonCompliant, "never rotated for 180 days or more")

        let e = try row("e_noescrow.svault")
        XCTAssertEqual(e.rotation, "ok")
        XCTAssertEqual(e.passwordAgeDays, 5)
        XCTAssertEqual(e.escrow, "missing", e.escrowDetail ?? "")
        XCTAssertNil(e.problem)
        XCTAssertTrue(e.nonCompliant, "escrow not ok")

        let notes = try row("notes.txt")
        XCTAssertEqual(notes.problem, "foreign: not a .svault file")
        XCTAssertNil(notes.owner)
        XCTAssertFalse(notes.nonCompliant)

        let x = try row("x.svault")
        XCTAssertEqual(x.problem?.hasPrefix("unreadable: "), true, x.problem ?? "nil")
        XCTAssertNil(x.owner)
        XCTAssertNil(x.rotation)
        XCTAssertTrue(x.nonCompliant)

        XCTAssertEqual(report.summary.archives, 5)
        XCTAssertEqual(report.summary.rotation, ["ok": 2, "due": 1, "overdue": 1, "overdue (never changed)": 1])
        XCTAssertEqual(report.summary.escrow, ["ok": 4, "missing": 1])
        XCTAssertEqual(report.summary.escrowUsesUnacknowledged, 1)
        XCTAssertEqual(report.summary.unreadable, 1)
        XCTAssertEqual(report.summary.foreign, 1)
        XCTAssertEqual(report.summary.nonCompliant, 4)
        XCTAssertFalse(report.isCompliant)

        // With a manager's key: every header with a slot is verified.
        let verified = try ComplianceReport.run(directory: dir.path, asOf: asOf, registry: registry, identities: [wang])
        XCTAssertEqual(verified.archives.map(\.verified), ["yes", "yes", "yes", "yes", "no slot", nil, nil])
        XCTAssertEqual(verified.summary.nonCompliant, 4)

        // A hand-edited date (old MAC, fixed checksum) makes that archive FORGED.
        let bPath = archives + "/b_due.svault"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: bPath)))
        for index in 0..<2 {
            let start = 32 + index * 16_384
            let copy = try HeaderCopy(parsing: Array(bytes[start..<(start + 16_384)]))
            var h = copy.header
            h.passwordChangedAt = asOf - day
            let body = h.serialized
            var w = [UInt8].be32(UInt32(body.count)) + body + copy.mac
            w += [UInt8](repeating: 0, count: 16_384 - 32 - w.count)
            w += try SHA256.hash(w)
            bytes.replaceSubrange(start..<(start + 16_384), with: w)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: bPath))
        let forged = try ComplianceReport.run(directory: dir.path, asOf: asOf, registry: registry, identities: [li])
        let fb = try XCTUnwrap(forged.archives.first { $0.archive == "archives/b_due.svault" })
        XCTAssertEqual(fb.rotation, "ok", "the forged date is what the plain header says")
        XCTAssertEqual(fb.verified, "FORGED")
        XCTAssertTrue(fb.nonCompliant)
        XCTAssertEqual(forged.summary.nonCompliant, 5)

        // Without a registry: the standard policy, escrow not compared.
        let bare = try ComplianceReport.run(directory: dir.path, asOf: asOf, registry: nil)
        XCTAssertNil(bare.department)
        XCTAssertEqual(bare.summary.escrow, [:])
        XCTAssertEqual(bare.archives.first { $0.archive == "archives/e_noescrow.svault" }?.escrow, "none")
        XCTAssertEqual(bare.archives.first { $0.archive == "archives/c_overdue.svault" }?.escrow, "2 slots, no registry to compare")
        // …and the creation floor 2^17 (no registry lowers it): every test archive (2^10) is weak.
        XCTAssertEqual(bare.summary.weakKDF, 5)
        XCTAssertEqual(bare.archives.first { $0.archive == "archives/a_ok.svault" }?.kdfWeak, true)
        XCTAssertEqual(report.archives.first { $0.archive == "archives/a_ok.svault" }?.kdfWeak, false, "the test department's floor is 2^10")
    }

    func testComplianceWithoutPeriodicRotationAndOnAPlainDirectory() throws {
        let dir = try TempDir()
        let admin = try Curve25519.Signing.PrivateKey()
        let li = try Key()
        var registry = try makeRegistry(in: nil, admin: admin, managers: [manager("李经理", li)])
        registry.policy.rotation.periodic = false
        try registry.save(directory: dir.path, signer: admin)
        // No archives/ directory: DIR itself is scanned.
        try makeArchive(dir.path("old.svault"), now: base, plan: try registry.escrowPlan())
        let report = try ComplianceReport.run(directory: dir.path, asOf: base + 1_000 * day, registry: registry)
        XCTAssertEqual(report.policy, "no periodic rotation (department policy)")
        let rows = report.archives.filter { $0.archive.hasSuffix(".svault") }
        XCTAssertEqual(rows.map(\.archive), ["old.svault"])
        XCTAssertEqual(rows.first?.rotation, "ok")
        XCTAssertEqual(rows.first?.passwordAgeDays, 1_000)
        XCTAssertEqual(rows.first?.escrow, "ok")
        XCTAssertEqual(rows.first?.nonCompliant, false)
        XCTAssertEqual(report.summary.nonCompliant, 0)
        XCTAssertTrue(report.isCompliant)
        XCTAssertThrowsError(try ComplianceReport.run(directory: dir.path("nonexistent"), asOf: base, registry: nil))

        // A password reset through escrow shows in the report.
        do {
            let vault = try Vault.open(path: dir.path("old.svault"), escrowIdentities: [li], access: .readWrite)
            try vault.appendEscrowUse(Array("reset".utf8), now: base + 999 * day)
            try vault.resetPassword(temporary: pw("temporary"), kdf: fastKDF, now: base + 999 * day)
        }
        let reset = try ComplianceReport.run(directory: dir.path, asOf: base + 1_000 * day, registry: registry)
        let row = try XCTUnwrap(reset.archives.first { $0.archive == "old.svault" })
        XCTAssertEqual(row.mustChangePassword, true)
        XCTAssertEqual(row.passwordAgeDays, 1)
        XCTAssertEqual(row.escrowUsesUnacknowledged, 1)
        XCTAssertEqual(row.lastEscrowUseAt, Registry.timestamp(base + 999 * day))
        XCTAssertEqual(reset.summary.escrowUsesUnacknowledged, 1)
    }

    func testComplianceCountsCalendarDaysAndSkipsBackupsAndTemporaries() throws {
        let dir = try TempDir()
        let created: Int64 = 1_772_379_000 - 30 * day
        let changed: Int64 = 1_772_379_000  // 2026-03-01 23:30 in Shanghai
        try makeArchive(dir.path("张伟.svault"), now: created, plan: nil, changedAt: changed)
        // What `repair` and `escrow open` leave, and a writer's temporary file: not listed.
        for name in ["张伟.svault.backup-2026-06-01T101010Z", "张伟.svault.backup", "张伟.svault.tmp-4242", "x.tmp-1.svault", "y.backup-1.svault"] {
            try FileManager.default.copyItem(atPath: dir.path("张伟.svault"), toPath: dir.path(name))
        }
        let june9: Int64 = 20_613
        let report = try ComplianceReport.run(directory: dir.path, asOf: .date(june9), registry: nil)
        XCTAssertEqual(report.archives.map(\.archive), ["张伟.svault"])
        XCTAssertEqual(report.summary.foreign, 0)
        XCTAssertEqual(report.asOf, "2026-06-09T00:00:00Z")
        XCTAssertEqual(report.asOfDate, "2026-06-09")
        let row = try XCTUnwrap(report.archives.first)
        XCTAssertEqual(row.passwordAgeDays, 100)
        XCTAssertEqual(row.passwordChangedAt, "2026-03-01T15:30:00Z")
        XCTAssertEqual(row.passwordChangedDate, "2026-03-01")
        // Now (an instant): the same age during the whole of 2026-06-09 in Shanghai.
        for now: Int64 in [1_780_934_400, 1_781_020_799] {
            let today = try ComplianceReport.run(directory: dir.path, asOf: now, registry: nil)
            XCTAssertEqual(today.archives.first?.passwordAgeDays, 100)
            XCTAssertEqual(today.asOfDate, "2026-06-09")
            XCTAssertEqual(today.asOf, Registry.timestamp(now))
        }
        // The table's dates are not JSON keys (JSON.md §6.2).
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        for key in ["asOfDate", "passwordChangedDate", "dekRotatedDate", "lastEscrowUseDate"] { XCTAssertFalse(json.contains(key), json) }
    }

    // MARK: 6. Reminders

    func testRemindersCalendar() throws {
        let changed = base  // 2026-01-15T10:00:00Z
        let evaluation = RotationPolicy.standard.evaluate(createdAt: base - 10 * day, passwordChangedAt: changed, asOf: changed + day)
        let longOwner = String(repeating: "张伟", count: 20)
        let entries = [
            Reminders.Entry(archiveID: "00112233445566778899aabbccddeeff", owner: "张伟", path: "archives/张伟.svault", evaluation: evaluation),
            Reminders.Entry(archiveID: "ffeeddccbbaa99887766554433221100", owner: longOwner, path: "archives/\(longOwner);x,y.svault", evaluation: evaluation),
        ]
        let ics = Reminders.calendar(entries, now: changed + day, zh: false)

        XCTAssertTrue(ics.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        XCTAssertTrue(ics.hasSuffix("END:VCALENDAR\r\n"))
        // CRLF only: no bare LF or CR.
        let withoutCRLF = ics.replacingOccurrences(of: "\r\n", with: "")
        XCTAssertFalse(withoutCRLF.contains("\n"))
        XCTAssertFalse(withoutCRLF.contains("\r"))
        let physical = ics.components(separatedBy: "\r\n").dropLast()
        for line in physical { XCTAssertLessThanOrEqual(line.utf8.count, 75, line) }
        XCTAssertTrue(physical.contains { $0.hasPrefix(" ") }, "the long summary is folded")
        // Unfolded, each folded line is intact (no UTF-8 sequence split).
        let logical = ics.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").dropLast()
        XCTAssertEqual(logical.filter { $0 == "BEGIN:VEVENT" }.count, 4)
        XCTAssertEqual(logical.filter { $0 == "END:VEVENT" }.count, 4)
        XCTAssertEqual(logical.filter { $0 == "DTSTART;VALUE=DATE:20260415" }.count, 2, "+90 days")
        XCTAssertEqual(logical.filter { $0 == "DTEND;VALUE=DATE:20260416" }.count, 2)
        XCTAssertEqual(logical.filter { $0 == "DTSTART;VALUE=DATE:20260714" }.count, 2, "+180 days")
        XCTAssertEqual(logical.filter { $0 == "DTEND;VALUE=DATE:20260715" }.count, 2)
        XCTAssertTrue(logical.contains("SUMMARY:Change the SalesVault password: \(longOwner)"))
        XCTAssertTrue(logical.contains("DESCRIPTION:Archive archives/\(longOwner)\\;x\\,y.svault. Run: salesvault passwd archives/\(longOwner)\\;x\\,y.svault"))
        XCTAssertTrue(logical.contains("DTSTAMP:20260116T100000Z"))
        let uids = logical.filter { $0.hasPrefix("UID:") }
        XCTAssertEqual(uids, [
            "UID:00112233445566778899aabbccddeeff-remind@salesvault", "UID:00112233445566778899aabbccddeeff-overdue@salesvault",
            "UID:ffeeddccbbaa99887766554433221100-remind@salesvault", "UID:ffeeddccbbaa99887766554433221100-overdue@salesvault",
        ])
        // Stable: another day, the same UIDs and dates.
        let later = Reminders.calendar(entries, now: changed + 50 * day, zh: true)
        let laterLogical = later.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n")
        XCTAssertEqual(laterLogical.filter { $0.hasPrefix("UID:") }, uids)
        XCTAssertEqual(laterLogical.filter { $0.hasPrefix("DTSTART") }, logical.filter { $0.hasPrefix("DTSTART") })
        for line in later.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 75) }
        // No periodic rotation: no events.
        let off = RotationPolicy(Registry.Rotation(overdueDays: 180, periodic: false, remindDays: 90))
            .evaluate(createdAt: base, passwordChangedAt: base, asOf: base + day)
        let empty = Reminders.calendar([Reminders.Entry(archiveID: "aa", owner: "x", path: "x.svault", evaluation: off)], now: base, zh: false)
        XCTAssertFalse(empty.contains("BEGIN:VEVENT"))
        XCTAssertTrue(empty.contains("END:VCALENDAR"))
    }
}

private extension String.UTF8View {
    /// The offset of the first occurrence of `needle`, or nil.
    func indices(of needle: [UInt8]) -> Int? {
        let bytes = Array(self)
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle }
    }
}
