import Department
import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat
import XCTest

/// Owner-signed archives through the built binary (FORMAT.md §5.5, §5.6; DEPARTMENT.md §3.8, §6):
/// a manager holding the data key (taken here with the library, from an escrow identity) rewrites
/// a record or changes a slot; the owner's next unlock and `compliance` with no key both catch it
/// (exit 4, the archive named). Enrollment, an escrow reset, and an archive written before.
final class OwnerSignatureCLITests: DepartmentCLITestCase {
    override func makeFixture() throws -> DepartmentFixture { try DepartmentFixture(managers: [.li]) }

    /// 张伟's archive in the department, with one customer; enrolled unless `enroll` is false.
    func signedArchive(enroll: Bool = true) throws -> String {
        try admin(["add-salesperson", dept, "张伟"])
        let created = try sv(["init", "--department", dept, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"] + adminFingerprintOption(dept))
        XCTAssertTrue(created.stderr.contains("not enrolled in the department"), created.stderr)
        let a = f.archive("张伟")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dept + "/enroll/张伟.json"))
        if enroll { try admin(["enroll", dept, "张伟", "--yes"]) }
        try sv(["customer", "add", "华为技术有限公司", "--grade", "A"] + owner(a))
        return a
    }

    /// The data-key holder: 李经理's escrow identity, through the library.
    func asManager(_ archive: String, _ edit: (Vault) throws -> Void) throws {
        let text = try KeyFile.open(try KeyFile.read(dir.path("k/li.key"))) { SecureBytes(Array("manager li passphrase".utf8)) }
        let vault = try Vault.open(path: archive, escrowIdentities: [try KeyFile.parseIdentity(text)], access: .readWrite)
        try edit(vault)
    }

    func testARecordRewrittenWithTheDataKeyIsCaughtByTheOwnerAndByComplianceWithoutAKey() throws {
        let a = try signedArchive()
        let clean = try sv(["compliance", dept, "--json"])
        XCTAssertTrue(clean.stdout.contains("\"signature\" : \"ok\""), clean.stdout)
        // 华为 becomes 中兴 (the same length), re-sealed under the DEK, chain rebuilt, header re-MAC'd.
        try asManager(a) { v in
            let records = try v.readAllRecords()
            let from = Array("华为技术有限公司".utf8), to = Array("中兴通讯有限公司".utf8)
            func find(_ r: [UInt8]) -> Int? { r.count < from.count ? nil : (0...(r.count - from.count)).first { Array(r[$0..<($0 + from.count)]) == from } }
            let index = try XCTUnwrap(records.indices.last { find(records[$0]) != nil })
            var changed = records[index]
            let at = find(changed)!
            changed.replaceSubrange(at..<(at + to.count), with: to)
            try v.rewriteRecordAsDataKeyHolder(index: UInt64(index), payload: changed)
        }
        let compliance = try sv(["compliance", dept], expect: 4)
        XCTAssertTrue(compliance.stdout.contains("archives/张伟.svault") && compliance.stdout.contains("INVALID"), compliance.stdout)
        XCTAssertTrue(compliance.stdout.contains("records are not the ones the owner signed"), compliance.stdout)
        let json = try sv(["compliance", dept, "--json"], expect: 4)
        XCTAssertTrue(json.stdout.contains("\"signature\" : \"INVALID\""), json.stdout)
        let unlock = try sv(["customer", "list"] + owner(a), expect: 4)
        XCTAssertTrue(unlock.stderr.contains("changed by someone holding the data key"), unlock.stderr)
        XCTAssertFalse(unlock.stdout.contains("中兴"), "nothing of the forged content is shown")
        let zh = try sv(["customer", "list", "--lang", "zh"] + owner(a), expect: 4)
        XCTAssertTrue(zh.stderr.contains("有人利用数据密钥"), zh.stderr)
        let verify = try sv(["verify", a, "--password-file", dir.path("pw")], expect: 4)
        XCTAssertTrue(verify.stderr.contains("data key"), verify.stderr)
    }

    func testASlotChangedWithTheDataKeyIsCaughtByTheOwnerAndByComplianceWithoutAKey() throws {
        let a = try signedArchive()
        // The manager removes the escrow slot (re-MAC'd header): no one else could open it any more.
        try asManager(a) { v in
            try v.rewriteHeaderAsDataKeyHolder { h in h.slots.removeAll { if case .escrow = $0 { return true } else { return false } } }
        }
        let compliance = try sv(["compliance", dept, "--csv"], expect: 4)
        XCTAssertTrue(compliance.stdout.contains("archives/张伟.svault") && compliance.stdout.contains(",INVALID"), compliance.stdout)
        XCTAssertTrue(compliance.stdout.contains("a header field or a key slot was changed"), compliance.stdout)
        try sv(["customer", "list"] + owner(a), expect: 4)
        let status = try sv(["status", a])
        // (The reason first, then the two causes a keyless check cannot tell apart: helper-194.)
        XCTAssertTrue(status.stdout.contains("INVALID: the owner's signature does not match the header (a header field or a key slot was changed): changed by someone holding the data key, or damaged on disk"), status.stdout)
    }

    func testAnEscrowUseKeepsTheArchiveCompliantAndTheOwnerSignsItAtTheNextChange() throws {
        let a = try signedArchive()
        try sv(["escrow", "open", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp"), "--", "customer", "list"])
        try sv(["compliance", dept])
        try sv(["customer", "add", "中兴通讯", "--grade", "B"] + owner(a))
        try sv(["compliance", dept])
        let info = try ArchiveInspection.inspect(path: a)
        XCTAssertEqual(info.header.ownerSignature?.signedRecordCount, info.header.recordCount)
    }

    func testEnrollmentAndAnEscrowResetThenANewKeyEnrolledAgain() throws {
        let a = try signedArchive(enroll: false)
        let notYet = try sv(["compliance", dept, "--json"], expect: 9)
        XCTAssertTrue(notYet.stdout.contains("\"signature\" : \"not enrolled\""), notYet.stdout)
        XCTAssertTrue(try sv(["dept", "show", dept]).stdout.contains("signing key not enrolled; pending:"))
        let request = try EnrollmentRequest.load(path: dept + "/enroll/张伟.json")
        let fingerprint = KeyFile.fingerprint(try request.key())
        XCTAssertTrue(try sv(["status", a]).stdout.contains(fingerprint), "the owner reads the same fingerprint")
        let refused = try runTool(["dept", "enroll", dept, "张伟", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap")],
                                  stdin: "n\n", environment: ["SALESVAULT_NOW": String(t0)])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stdout.contains(fingerprint), refused.stdout)
        XCTAssertEqual(refused.status, 64, "no terminal: nothing asked, --yes named (exit 1 without a hint: helper-164)")
        XCTAssertTrue(refused.stderr.contains("--yes"), refused.stderr)
        try admin(["enroll", dept, "张伟", "--yes"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dept + "/enroll/张伟.json"))
        XCTAssertTrue(try sv(["dept", "show", dept]).stdout.contains("signing key \(fingerprint)"))
        try sv(["compliance", dept])
        // (A copy as it stands now, signed with the key enrolled, to be put back at the end.)
        let copy = dir.path("old-copy.svault")
        try FileManager.default.copyItem(atPath: a, toPath: copy)

        // A reset through escrow drops the owner's key; the forced passwd makes a new one, which
        // compliance flags until the administrator enrolls it.
        try resetThroughEscrowLeavesItUnsigned(a)
        let passwd = try sv(["passwd", a, "--password-file", dir.path("tmp"), "--new-password-file", dir.path("new"), "--insecure-kdf-cost", "10"])
        XCTAssertTrue(passwd.stderr.contains("now has your signing key"), passwd.stderr)
        XCTAssertTrue(passwd.stderr.contains("not enrolled in the department"), passwd.stderr)
        XCTAssertTrue(passwd.stderr.contains("reports this archive's signature as a new key to be enrolled (new key)"), "after a reset the old key is enrolled: not \"not enrolled\"")
        // A new key after the logged reset: to enroll, non-compliant (9), not evidence of
        // tampering (it was INVALID, exit 4, after every ordinary reset: helper-179).
        let other = try sv(["compliance", dept], expect: 9)
        XCTAssertTrue(other.stdout.contains("new key: signed with") && other.stdout.contains("not the key enrolled for 张伟"), other.stdout)
        XCTAssertFalse(other.stdout.contains("INVALID"), other.stdout)
        XCTAssertTrue(try sv(["compliance", dept, "--json"], expect: 9).stdout.contains("\"signature\" : \"new key\""))
        let zh = try sv(["compliance", dept, "--lang", "zh"], expect: 9).stdout
        XCTAssertTrue(zh.contains("新密钥待登记") && !zh.contains("无效"), zh)
        XCTAssertTrue(try sv(["dept", "show", dept]).stdout.contains("; pending:"))
        try admin(["enroll", dept, "张伟", "--yes"])
        try sv(["compliance", dept])
        try sv(["customer", "list", "-a", a, "--password-file", dir.path("new")])
        // The copy from before the reset put back: INVALID, signed with the key enrolled until
        // that reset, said so (helper-182 L3: only "not the enrolled key"), in compliance and
        // --verify alike.
        try FileManager.default.removeItem(atPath: a)
        try FileManager.default.copyItem(atPath: copy, toPath: a)
        let back = try sv(["compliance", dept], expect: 4)
        XCTAssertTrue(back.stdout.contains("signed with \(fingerprint), the key enrolled for 张伟 until the escrow password reset of "), back.stdout)
        let backZH = try sv(["compliance", dept, "--lang", "zh"], expect: 4).stdout
        XCTAssertTrue(backZH.contains("签名密钥为 \(fingerprint)，是张伟在 ") && backZH.contains("托管重置密码之前登记的旧密钥"), backZH)
        let verified = try sv(["compliance", dept, "--verify", "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp")], expect: 4)
        XCTAssertTrue(verified.stdout.contains("the key enrolled for 张伟 until the escrow password reset of "), verified.stdout)
    }

    func testAnArchiveWrittenBeforeOwnerSignaturesOpensAndIsSignedAtTheNextChange() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/before-change-sets")
        let folder = dir.path("old")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let a = folder + "/legacy.svault"
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("archive.svault").path, toPath: a)
        let pw = ["--password-file", fixtures.appendingPathComponent("password.txt").path]
        XCTAssertTrue(try sv(["status", a]).stdout.contains("not signed (written by an earlier version"))
        let compliance = try sv(["compliance", folder, "--json", "--as-of", "2026-01-01"], expect: 9)
        XCTAssertTrue(compliance.stdout.contains("\"signature\" : \"unsigned\""), compliance.stdout)
        let read = try sv(["customer", "list", "-a", a] + pw)
        XCTAssertFalse(read.stderr.contains("now has your signing key"), "a read writes nothing")
        XCTAssertTrue(try sv(["verify", a] + pw).stdout.contains("not signed (written by an earlier version"))
        let write = try sv(["customer", "edit", "Acme", "--set", "region=上海", "-a", a] + pw)
        XCTAssertTrue(write.stderr.contains("was not signed (written by an earlier version"), write.stderr)
        let again = try sv(["customer", "edit", "Acme", "--set", "region=北京", "-a", a] + pw)
        XCTAssertFalse(again.stderr.contains("was not signed"), "said once")
        XCTAssertTrue(try sv(["status", a]).stdout.contains("signed, key fingerprint"))
        XCTAssertTrue(try sv(["verify", a] + pw).stdout.contains("owner signature: valid"))
        XCTAssertNil(try ArchiveInspection.inspect(path: a).header.passwordHistory, "the history moved under the password")
    }

    // MARK: Black-box round 3 (issue 13 follow-up)

    /// F1: the owner's fields removed by a data-key holder (no reset flag) while the owner's key is
    /// enrolled: INVALID (4) in compliance, `verify`, the owner's unlock, `escrow verify`; nothing
    /// migrated. An escrow reset (which drops them with the flag) still works.
    func testAStrippedSignatureIsInvalidEverywhereAndNeverSignedWithANewKey() throws {
        let a = try signedArchive()
        try asManager(a) { v in try v.rewriteHeaderAsDataKeyHolder { h in h.ownerSecrets = nil; h.ownerSignature = nil } }
        let compliance = try sv(["compliance", dept], expect: 4)
        XCTAssertTrue(compliance.stdout.contains("INVALID") && compliance.stdout.contains("owner signature was removed"), compliance.stdout)
        let unlock = try sv(["customer", "list"] + owner(a), expect: 4)
        XCTAssertTrue(unlock.stderr.contains("is not signed although your signing key is enrolled"), unlock.stderr)
        let zh = try sv(["customer", "add", "中兴通讯", "--lang", "zh"] + owner(a), expect: 4)
        XCTAssertTrue(zh.stderr.contains("签名密钥已在部门登记"), zh.stderr)
        try sv(["verify", a, "--password-file", dir.path("pw")], expect: 4)
        // `status` reads the department's registry too: not "an earlier version", INVALID.
        let status = try sv(["status", a])
        XCTAssertTrue(status.stdout.contains("INVALID") && status.stdout.contains("owner signature was removed"), status.stdout)
        XCTAssertFalse(status.stdout.contains("earlier version"), status.stdout)
        XCTAssertTrue(try sv(["status", a, "--lang", "zh"]).stdout.contains("所有人签名已被删除"))
        XCTAssertTrue(try sv(["status", a, "--json"]).stdout.contains("\"signature\" : \"invalid\""))
        _ = try dir.write("other", "another granite password 9\n")
        try sv(["passwd", a, "--password-file", dir.path("pw"), "--new-password-file", dir.path("other"), "--insecure-kdf-cost", "10"], expect: 4)
        let after = try ArchiveInspection.inspect(path: a).header
        XCTAssertNil(after.ownerSignature, "never signed with a new key")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dept + "/enroll/张伟.json"), "no new enrollment request")
        let verify = try sv(["escrow", "verify", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp")], expect: 4)
        XCTAssertTrue(verify.stderr.contains("owner signature was removed"), verify.stderr)
        // The way out: an escrow reset sets the flag; unsigned (9) until the owner's own password.
        try resetThroughEscrowLeavesItUnsigned(a)
        try sv(["passwd", a, "--password-file", dir.path("tmp"), "--new-password-file", dir.path("new"), "--insecure-kdf-cost", "10"])
        try admin(["enroll", dept, "张伟", "--yes"])
        try sv(["compliance", dept])
    }

    /// A data-key holder removes the owner's fields and sets the reset flag, with no reset at all.
    func stripAndFlagAsReset(_ archive: String) throws {
        try asManager(archive) { v in
            try v.rewriteHeaderAsDataKeyHolder { h in
                h.ownerSecrets = nil
                h.ownerSignature = nil
                h.flags.insert(.mustChangePassword)
            }
        }
    }

    /// Round 4, N1: the reset flag is the data-key holder's word. A record rewritten, the owner's
    /// fields removed and `mustChangePassword` set, with no escrow reset in the department's log,
    /// is INVALID everywhere and never signed with a new key; so is a later strip that points at
    /// an old, genuine reset made while another key was enrolled.
    func testAResetFlagWithoutALoggedResetOfTheEnrolledKeyIsStripped() throws {
        let a = try signedArchive()
        try stripAndFlagAsReset(a)
        let compliance = try sv(["compliance", dept], expect: 4)
        XCTAssertTrue(compliance.stdout.contains("INVALID") && compliance.stdout.contains("made to look reset through escrow"), compliance.stdout)
        let verify = try sv(["escrow", "verify", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp")], expect: 4)
        XCTAssertTrue(verify.stderr.contains("made to look reset through escrow"), verify.stderr)
        let unlock = try sv(["customer", "list"] + owner(a), expect: 4)
        XCTAssertTrue(unlock.stderr.contains("made to look reset through escrow"), unlock.stderr)
        XCTAssertFalse(unlock.stderr.contains("reset this archive's password through escrow on"), "no false reset notice: \(unlock.stderr)")
        let zh = try sv(["customer", "list", "--lang", "zh"] + owner(a), expect: 4)
        XCTAssertTrue(zh.stderr.contains("伪装成经过托管重置"), zh.stderr)
        _ = try dir.write("other", "another granite password 9\n")
        try sv(["passwd", a, "--password-file", dir.path("pw"), "--new-password-file", dir.path("other"), "--insecure-kdf-cost", "10"], expect: 4)
        XCTAssertNil(try ArchiveInspection.inspect(path: a).header.ownerSignature, "never signed with a new key")
        XCTAssertTrue(try sv(["status", a]).stdout.contains("made to look reset through escrow"))
    }

    func testAnOldGenuineResetDoesNotExcuseALaterStrip() throws {
        let a = try signedArchive()
        // A genuine reset: logged with the key enrolled then; unsigned (9) until the owner's passwd.
        try resetThroughEscrowLeavesItUnsigned(a)
        let line = try String(contentsOfFile: try f.logPath(a), encoding: .utf8)
        let enrolledBefore = try XCTUnwrap(try Registry.load(directory: dept).salespeople.first?.signingKey)
        XCTAssertTrue(line.contains("\"action\":\"resetPassword\"") && line.contains("\"ownerKey\":\"\(enrolledBefore)\""), line)
        try sv(["passwd", a, "--password-file", dir.path("tmp"), "--new-password-file", dir.path("new"), "--insecure-kdf-cost", "10"])
        try admin(["enroll", dept, "张伟", "--yes"])
        try sv(["compliance", dept])
        // Later, the owner's fields stripped and the flag set again: the logged reset named the
        // earlier key, not the one enrolled now.
        try stripAndFlagAsReset(a)
        let compliance = try sv(["compliance", dept], expect: 4)
        XCTAssertTrue(compliance.stdout.contains("made to look reset through escrow"), compliance.stdout)
        // A genuine second reset (logged, naming the key enrolled now) is the way out.
        _ = try dir.write("tmp", "temporary river lantern 8\n")
        try sv(["escrow", "reset-password", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp"),
                "--new-password-file", dir.path("tmp"), "--insecure-kdf-cost", "10"])
        let unsigned = try sv(["compliance", dept, "--json"], expect: 9)
        XCTAssertTrue(unsigned.stdout.contains("\"signature\" : \"unsigned\""), unsigned.stdout)
    }

    /// F1: an archive written before owner signatures, whose owner was never enrolled, stays
    /// unsigned (9) and is signed at the next change.
    func testALegacyUnsignedArchiveWithoutAnEnrolledKeyStaysUnsigned() throws {
        let a = try signedArchive(enroll: false)
        try asManager(a) { v in try v.rewriteHeaderAsDataKeyHolder { h in h.ownerSecrets = nil; h.ownerSignature = nil } }
        let compliance = try sv(["compliance", dept, "--json"], expect: 9)
        XCTAssertTrue(compliance.stdout.contains("\"signature\" : \"unsigned\""), compliance.stdout)
        try sv(["customer", "list"] + owner(a))
    }

    /// F2: `escrow verify` fails (4) on an invalid owner signature; `escrow open` is not refused
    /// but says what is wrong.
    func testEscrowVerifyFailsAndEscrowOpenWarnsOnAnInvalidOwnerSignature() throws {
        let a = try signedArchive()
        try asManager(a) { v in try v.rewriteHeaderAsDataKeyHolder { h in h.passwordChangedAt += 86_400 } }
        let verify = try sv(["escrow", "verify", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp")], expect: 4)
        XCTAssertTrue(verify.stderr.contains("owner signature INVALID") && verify.stderr.contains("a header field or a key slot was changed"), verify.stderr)
        let zh = try sv(["escrow", "verify", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp"), "--lang", "zh"], expect: 4)
        XCTAssertTrue(zh.stderr.contains("所有人签名无效：所有人签名与档案头不符"), zh.stderr)
        let open = try sv(["escrow", "open", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp"), "--", "customer", "list"])
        XCTAssertTrue(open.stderr.contains("WARNING: the owner signature of") && open.stderr.contains("is INVALID"), open.stderr)
        try sv(["compliance", dept, "--verify", "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp")], expect: 4)
    }

    /// F3: every column of a compliance row comes from the descriptor opened once: a file renamed
    /// over the path afterwards changes nothing of the verdict.
    func testTheSignatureVerdictReadsTheDescriptorOpenedNotThePathAgain() throws {
        let a = try signedArchive()
        let forged = a + ".forged"
        try FileManager.default.copyItem(atPath: a, toPath: forged)
        try asManager(forged) { v in try v.rewriteHeaderAsDataKeyHolder { h in h.passwordChangedAt += 86_400 } }
        let registry = try Registry.load(directory: dept)
        let person = try XCTUnwrap(registry.salespeople.first { $0.name == "张伟" })
        let context = OwnerSignatureVerdict.Context(person: person, layout: Layout(dept), registry: registry)
        let genuine = try XCTUnwrap(try DepartmentScan.open(path: a))
        let moved = a + ".genuine"
        XCTAssertEqual(rename(a, moved), 0)
        XCTAssertEqual(rename(forged, a), 0)
        XCTAssertEqual(OwnerSignatureVerdict.judge(genuine, path: a, context: context).value, "ok", "the genuine bytes opened")
        let forgedOpen = try XCTUnwrap(try DepartmentScan.open(path: a))
        XCTAssertEqual(rename(moved, a), 0)
        XCTAssertEqual(OwnerSignatureVerdict.judge(forgedOpen, path: a, context: context).value, "INVALID", "the forged bytes opened, whatever the path holds now")
    }

    /// F4: a request is checked against the archive before anything is shown.
    func testEnrollRefusesARequestThatDoesNotMatchTheArchiveOrHasControlCharacters() throws {
        let a = try signedArchive(enroll: false)
        let path = dept + "/enroll/张伟.json"
        let genuine = try EnrollmentRequest.load(path: path)
        func plant(_ r: EnrollmentRequest) throws {
            try Data(r.canonical).write(to: URL(fileURLWithPath: path))
        }
        func refused(_ r: EnrollmentRequest, _ text: String) throws {
            try plant(r)
            let out = try runTool(["dept", "enroll", dept, "张伟", "--yes", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap")],
                                  stdin: "", environment: ["SALESVAULT_NOW": String(t0)])
            XCTAssertNotEqual(out.status, 0)
            XCTAssertTrue(out.stderr.contains(text), out.stderr)
            XCTAssertFalse(out.stdout.contains("Owner key fingerprint"), "nothing shown before the checks")
        }
        var r = genuine
        r.archiveId = String(repeating: "0", count: 32)
        try refused(r, "is archive \(try ArchiveInspection.inspect(path: a).prefix.archiveIDHex)")
        r = genuine
        r.archiveId = "not hex"
        try refused(r, "no valid archive id")
        r = genuine
        r.requestedAt = "2026-01-08T09:00:00Z\nOwner key fingerprint: 0000"
        try refused(r, "control or invisible characters in requestedAt")
        r = genuine
        r.requestedAt = "yesterday"
        try refused(r, "no valid time")
        r = genuine
        r.requestedAt = "2099-01-08T09:00:00Z"  // round 4, N7
        try refused(r, "is dated 2099-01-08T09:00:00Z, after today")
        r = genuine
        r.signingKey = KeyFile.ownerKeyString(try Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        try refused(r, "is not the key that validly signs archives/张伟.svault")
        r = genuine
        r.signingKey = KeyFile.ownerKeyString([1] + [UInt8](repeating: 0, count: 31))
        try refused(r, "weak owner signing key")
        try plant(genuine)
        try admin(["enroll", dept, "张伟", "--yes"])
        try sv(["compliance", dept])
    }

    /// Round 4, N4 and N7: a request that is not exactly what the owner's tool writes (a member
    /// twice, an extra member never shown, a 200 KB file), or that is not a regular file (a
    /// symbolic link, a FIFO, a folder), is refused with a reason and nothing enrolled; the
    /// owner's tool writes no request through an `enroll` link, and says what to do when it
    /// cannot write one.
    func testEnrollTakesOnlyARequestAsTheOwnersToolWritesIt() throws {
        let a = try signedArchive(enroll: false)
        let path = dept + "/enroll/张伟.json"
        let genuine = try Data(contentsOf: URL(fileURLWithPath: path))
        let text = String(decoding: genuine, as: UTF8.self)
        XCTAssertEqual(Array(genuine), try EnrollmentRequest.load(path: path).canonical)
        func enroll() throws -> RunResult {
            try runTool(["dept", "enroll", dept, "张伟", "--yes", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap")],
                        stdin: "", environment: ["SALESVAULT_NOW": String(t0)])
        }
        let registryBefore = try Data(contentsOf: URL(fileURLWithPath: dept + "/department.json"))
        func refused(_ expected: String) throws {
            let out = try enroll()
            XCTAssertNotEqual(out.status, 0)
            XCTAssertTrue(out.stderr.contains(expected), out.stderr)
            XCTAssertFalse(out.stdout.contains("Owner key fingerprint"), "nothing shown")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dept + "/department.json")), registryBefore, "nothing enrolled")
        }
        func plant(_ s: String) throws {
            try? FileManager.default.removeItem(atPath: path)
            try Data(s.utf8).write(to: URL(fileURLWithPath: path))
        }
        let key = try XCTUnwrap(text.range(of: "\"signingKey\""))
        try plant(text.replacingCharacters(in: key, with: "\"signingKey\" : \"svowner1aaaa\",\n  \"signingKey\""))
        try refused("not an enrollment request as SalesVault writes it")
        try plant(text.replacingCharacters(in: key, with: "\"note\" : \"\\u001b[2J\",\n  \"signingKey\""))
        try refused("not an enrollment request as SalesVault writes it")
        try plant(text + String(repeating: " ", count: 200_000))
        try refused("far more than an enrollment request")
        try FileManager.default.removeItem(atPath: path)
        try Data(genuine).write(to: URL(fileURLWithPath: dir.path("elsewhere.json")))
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: dir.path("elsewhere.json"))
        try refused("is a symbolic link")
        try FileManager.default.removeItem(atPath: path)
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        try refused("is not a regular file")
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try refused("is not a regular file")
        try FileManager.default.removeItem(atPath: path)
        // The genuine request, as written, is taken.
        try Data(genuine).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try enroll().status, 0)

        // The owner's tool: `enroll` a link to another folder gets nothing; a file in its place
        // gets a warning that says what it means and what to do.
        try admin(["add-salesperson", dept, "王芳"])
        try FileManager.default.removeItem(atPath: dept + "/enroll")
        let outside = dir.path("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: dept + "/enroll", withDestinationPath: outside)
        let created = try sv(["init", "--department", dept, "--owner", "王芳", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"] + adminFingerprintOption(dept))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [], "nothing written through the link")
        XCTAssertTrue(created.stderr.contains("is not a folder") && created.stderr.contains("tell the department's administrator"), created.stderr)
        try FileManager.default.removeItem(atPath: dept + "/enroll")
        try Data("x".utf8).write(to: URL(fileURLWithPath: dept + "/enroll"))
        let zh = try sv(["customer", "list", "--lang", "zh"] + owner(f.archive("王芳")))
        XCTAssertTrue(zh.stderr.contains("请告知部门管理员检查部门文件夹中的 enroll/ 目录"), zh.stderr)
        _ = a
    }

    /// An escrow-use-shaped record appended after the owner's signature by the data-key holder.
    func appendEscrowUse(_ archive: String, id: UInt64? = nil, extra: [FieldChange] = [], managers: String = "李经理") throws {
        try asManager(archive) { v in
            let state = try CustomerArchive(vault: v).state
            let event = ChangeEvent(.create, .escrowUse, id ?? state.nextID, [
                FieldChange(field: 1, old: nil, new: .text("open")),
                FieldChange(field: 2, old: nil, new: .text(managers)),
                FieldChange(field: 3, old: nil, new: .text("AAAA")),
            ] + extra)
            let batch = ChangeBatch(at: t0, actor: "李经理", origin: .escrow, batch: v.header.recordCount, label: "escrow open", events: [event])
            try v.appendEscrowUse(BatchCodec.encode(batch), now: t0)
        }
    }

    /// Round 4, N2: a data-key holder's customer appended after the owner's signature is what
    /// the owner's open refuses; escrow verify and compliance --verify (which hold the data key)
    /// fail on it too, and escrow open shows it with the warning.
    func testRecordsAfterTheSignatureAreHeldToTheOwnersRuleByTheDataKeyChecks() throws {
        let a = try signedArchive()
        try asManager(a) { v in
            let state = try CustomerArchive(vault: v).state
            let event = ChangeEvent(.create, .customer, state.nextID, [FieldChange(field: 1, old: nil, new: .text("Evil Corp"))])
            let batch = ChangeBatch(at: t0, actor: "张伟", origin: .cli, batch: v.header.recordCount, label: "customer add", events: [event])
            try v.appendEscrowUse(BatchCodec.encode(batch), now: t0)
        }
        // Round 4, N4: the owner is told what to do, not only that nothing was changed.
        let ownerOpen = try sv(["customer", "list"] + owner(a), expect: 4)
        XCTAssertTrue(ownerOpen.stderr.contains("restore the archive from a backup and tell your department's administrator"), ownerOpen.stderr)
        let ownerOpenZH = try sv(["customer", "list", "--lang", "zh"] + owner(a), expect: 4)
        XCTAssertTrue(ownerOpenZH.stderr.contains("请从备份恢复档案，并告知部门管理员"), ownerOpenZH.stderr)
        let verify = try sv(["escrow", "verify", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp")], expect: 4)
        XCTAssertTrue(verify.stderr.contains("is not an escrow-use record"), verify.stderr)
        let full = try sv(["compliance", dept, "--verify", "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp"), "--json"], expect: 4)
        XCTAssertTrue(full.stdout.contains("\"signature\" : \"INVALID\"") && full.stdout.contains("is not an escrow-use record"), full.stdout)
        let open = try sv(["escrow", "open", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp"), "--", "customer", "list"])
        XCTAssertTrue(open.stderr.contains("is not an escrow-use record"), "reported, not refused: \(open.stderr)")
        // A genuine escrow use after the signature is not flagged.
        try setUpWithError()
        let b = try signedArchive()
        try appendEscrowUse(b)
        try sv(["escrow", "verify", b, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp")])
    }

    /// F5: ids out of range or already used, and F6: fields an escrow use may not set, are refused
    /// by the owner's tool (4) instead of crashing or being signed.
    func testEscrowUseRecordsWithHostileIdsOrFieldsAreRefusedByTheOwner() throws {
        for (what, id, extra) in [("out of range", UInt64.max, [FieldChange]()), ("not a new id", UInt64(1), []),
                                  ("acknowledged", nil, [FieldChange(field: 4, old: nil, new: .int(t0))]),
                                  ("extra field", nil, [FieldChange(field: 9, old: nil, new: .text("x"))])] as [(String, UInt64?, [FieldChange])] {
            try setUpWithError()
            let a = try signedArchive()
            try appendEscrowUse(a, id: id, extra: extra)
            let list = try sv(["customer", "list"] + owner(a), expect: 4)
            XCTAssertTrue(list.stderr.contains("comes after the owner's signature"), "\(what): \(list.stderr)")
            XCTAssertFalse(list.stderr.contains("overflow"), what)
            try sv(["verify", a, "--password-file", dir.path("pw")], expect: 4)
            _ = try dir.write("other", "another granite password 9\n")
        try sv(["passwd", a, "--password-file", dir.path("pw"), "--new-password-file", dir.path("other"), "--insecure-kdf-cost", "10"], expect: 4)
            try tearDownWithError()
        }
    }

    /// F6: the text of an escrow use is printed escaped in the owner's notice (no forged lines).
    func testTheEscrowNoticeEscapesNewlinesAndControls() throws {
        let a = try signedArchive()
        try appendEscrowUse(a, managers: "李经理\nAll escrow uses were acknowledged.\u{1B}[2J")
        let list = try sv(["customer", "list"] + owner(a))
        XCTAssertFalse(list.stderr.contains("\nAll escrow uses"), list.stderr)
        XCTAssertFalse(list.stderr.contains("\u{1B}[2J"), list.stderr)
        XCTAssertTrue(list.stderr.contains("李经理 All escrow uses were acknowledged.\\u{1B}[2J"), list.stderr)
    }

    /// Minor: the test clock in its RFC 3339 form is honoured by escrow open as by every command.
    func testTheTestClockInRFC3339FormIsHonouredByEscrowOpen() throws {
        let a = try signedArchive()
        let out = try runTool(["escrow", "open", a, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp"), "--", "customer", "list"],
                              environment: ["SALESVAULT_NOW": "2026-01-07T12:00:00Z"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertEqual(try ArchiveInspection.inspect(path: a).header.escrowUses?.lastUseAt, 1_767_787_200)
    }

    /// 李经理 resets `archive`'s password through escrow (temporary password in `tmp`, the owner's
    /// next one in `new`): the archive has no owner key until the owner's own passwd, and
    /// compliance says "unsigned" (exit 9).
    func resetThroughEscrowLeavesItUnsigned(_ archive: String, file: StaticString = #filePath, line: UInt = #line) throws {
        _ = try dir.write("tmp", "temporary river lantern 7\n")
        _ = try dir.write("new", "my own granite password\n")
        try sv(["escrow", "reset-password", archive, "--identity", dir.path("k/li.key"), "--passphrase-file", dir.path("lp"),
                "--new-password-file", dir.path("tmp"), "--insecure-kdf-cost", "10"], file: file, line: line)
        let unsigned = try sv(["compliance", dept, "--json"], expect: 9, file: file, line: line)
        XCTAssertTrue(unsigned.stdout.contains("\"signature\" : \"unsigned\""), unsigned.stdout, file: file, line: line)
    }
}
