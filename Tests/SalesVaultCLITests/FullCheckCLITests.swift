import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat
import XCTest

/// Issue 13, findings 1, 3, 6, 8 through the built binary: the split-header file built from the
/// spec (FORMAT.md §3.2, §4, §5.2, §6), the full check a manager runs (`escrow verify`,
/// `compliance --verify`), the owner's warning, `escrow open` falling back to an authentic copy,
/// dates that cannot be true, the test clock's switch, the password-change counter, and the
/// process not being dumpable.
final class FullCheckCLITests: DepartmentCLITestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        _ = try dir.write("pw2", "granite lantern river 7\n")
        _ = try dir.write("pw3", "copper meadow thistle 4\n")
        _ = try dir.write("pw4", "walnut harbour cinder 8\n")
    }

    func json(_ text: String) throws -> [String: Any] { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) }
    func firstRow(_ text: String) throws -> [String: Any] { try XCTUnwrap((try json(text)["archives"] as? [[String: Any]])?.first) }

    // MARK: The split header (finding 1)

    /// Builds the file of finding 1 from the spec over a genuine archive at `path`: copy A (the
    /// higher sequence) is MAC'd under a second data key, its escrow slots wrap that key, and its
    /// checkpoint points past the real records to decoy records sealed under it; copy B stays the
    /// genuine header. The decoy's payloads come from `decoy`, another archive whose checkpoint
    /// (a snapshot) is at the index of the real archive's record count.
    func splitHeader(_ path: String, decoy: Vault) throws {
        var file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let copySize = 16_384, bodyOffset = 32 + 2 * copySize
        let prefix = Array(file[0..<32])
        let archiveID = Array(prefix[16..<32])
        let copyB = Array(file[(32 + copySize)..<bodyOffset])
        // §4.1: tag ‖ u32 length ‖ value.
        let length = copyB[0..<4].reduce(0) { $0 << 8 | Int($1) }
        var fields: [(UInt8, [UInt8])] = []
        var at = 4
        while at < 4 + length {
            let n = copyB[(at + 1)..<(at + 5)].reduce(0) { $0 << 8 | Int($1) }
            fields.append((copyB[at], Array(copyB[(at + 5)..<(at + 5 + n)])))
            at += 5 + n
        }
        func field(_ tag: UInt8) -> [UInt8] { fields.first { $0.0 == tag }!.1 }
        func u64(_ b: [UInt8]) -> UInt64 { b.reduce(0) { $0 << 8 | UInt64($1) } }
        func be64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) } }
        func be32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
        let realCount = u64(field(0x07)), realLength = u64(field(0x08)), realChain = field(0x09)
        let generation = UInt32(u64(field(0x06)))
        XCTAssertEqual(file.count, bodyOffset + Int(realLength))
        // The second data key and what derives from it (§4.3).
        let dek2 = try SymmetricKey.generate(bitCount: 256)
        func derive(_ info: String) throws -> SymmetricKey {
            try HKDF.deriveKey(inputKeyMaterial: dek2, salt: archiveID, info: Array(info.utf8), outputByteCount: 32)
        }
        let headerKey = try derive("SalesVault v1 header MAC"), recordKey = try derive("SalesVault v1 record key")
        // The decoy records from the decoy's checkpoint on, sealed at the indices after the real
        // records (§6.2), the chain continued from the real one (§6.3).
        let decoyPayloads = try decoy.readAllRecords()
        let start = Int(try XCTUnwrap(decoy.header.checkpoint).index)
        XCTAssertEqual(UInt64(start), realCount, "the decoy's snapshot sits at the real record count")
        var chain = realChain
        var index = realCount
        var body: [UInt8] = []
        for payload in decoyPayloads[start...] {
            let nonce = try AES.GCM.Nonce.random()
            let aad = Array("SalesVault v1 record".utf8) + archiveID + be32(generation) + be64(index) + be32(UInt32(payload.count))
            let box = try AES.GCM.seal(payload, using: recordKey, nonce: nonce, authenticating: aad)
            body += be32(UInt32(payload.count)) + nonce.bytes + box.ciphertext + box.tag
            chain = try SHA256.hash(chain + be64(index) + nonce.bytes + box.tag)
            index += 1
        }
        // Escrow slots wrapping the second key for the same holders (§5.2), the password slot kept.
        var slotValue = field(0x0B)
        var slots: [[UInt8]] = []
        var cursor = 1
        for _ in 0..<Int(slotValue[0]) {
            let type = slotValue[cursor]
            let n = Int(slotValue[cursor + 1]) << 8 | Int(slotValue[cursor + 2])
            let value = Array(slotValue[(cursor + 3)..<(cursor + 3 + n)])
            if type == 0x01 {
                slots.append([type] + slotValue[(cursor + 1)..<(cursor + 3)] + value)
            } else {
                let nameLength = Int(value[3])
                let head = Array(value[0..<(4 + nameLength)])  // scheme ‖ k ‖ x ‖ n ‖ name
                let recipient = Array(value[(4 + nameLength)..<(36 + nameLength)])
                let e = try Curve25519.KeyAgreement.PrivateKey()
                let shared = try e.sharedSecretFromKeyAgreement(with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient))
                let ephemeral = e.publicKey.rawRepresentation
                let wrapKey = try HKDF.deriveKey(inputKeyMaterial: shared, salt: ephemeral + recipient, info: Array("SalesVault v1 escrow slot".utf8), outputByteCount: 32)
                let nonce = try AES.GCM.Nonce.random()
                let aad = Array("SalesVault v1 escrow slot".utf8) + archiveID + head + recipient + ephemeral
                let box = try AES.GCM.seal(dek2, using: wrapKey, nonce: nonce, authenticating: aad)
                let newValue = head + recipient + ephemeral + nonce.bytes + box.ciphertext + box.tag
                XCTAssertEqual(newValue.count, value.count)
                slots.append([type, UInt8(newValue.count >> 8), UInt8(newValue.count & 0xFF)] + newValue)
            }
            cursor += 3 + n
        }
        slotValue = [slotValue[0]] + slots.flatMap { $0 }
        // Copy A's fields: a higher sequence, the decoy's count, length and chain, the new slots,
        // and a checkpoint at the first decoy record with the real chain before it (§6.4).
        var fieldsA = fields.filter { $0.0 != 0x0C }
        func set(_ tag: UInt8, _ value: [UInt8]) { fieldsA[fieldsA.firstIndex { $0.0 == tag }!].1 = value }
        set(0x01, be64(u64(field(0x01)) + 1))
        set(0x07, be64(index))
        set(0x08, be64(realLength + UInt64(body.count)))
        set(0x09, chain)
        set(0x0B, slotValue)
        fieldsA.append((0x0C, be64(realCount) + be64(realLength) + realChain))
        fieldsA.sort { $0.0 < $1.0 }
        let bodyA = fieldsA.flatMap { [$0.0] + be32(UInt32($0.1.count)) + $0.1 }
        // §3.2: L ‖ body ‖ HMAC(headerKey, prefix ‖ L ‖ body) ‖ zeros ‖ SHA-256 of the rest.
        var copyA = be32(UInt32(bodyA.count)) + bodyA
        copyA += try HMACSHA256.authenticationCode(for: prefix + be32(UInt32(bodyA.count)) + bodyA, using: headerKey)
        copyA += [UInt8](repeating: 0, count: copySize - 32 - copyA.count)
        copyA += try SHA256.hash(copyA)
        file.replaceSubrange(32..<(32 + copySize), with: copyA)
        file += body
        try Data(file).write(to: URL(fileURLWithPath: path))
    }

    /// A decoy archive of the same owner whose checkpoint (a snapshot) is at record `index`.
    func decoyArchive(checkpointAt index: Int) throws -> Vault {
        let path = dir.path("decoy.svault")
        try sv(["init", path, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"])
        for i in 0..<index { try sv(["customer", "add", "填充公司\(i)", "-a", path, "--password-file", dir.path("pw")]) }
        do {
            let vault = try Vault.open(path: path, password: SecureBytes(Array("horse battery staple".utf8)), access: .readWrite)
            try CustomerArchive(vault: vault).writeSnapshot(now: t0)
        }
        try sv(["customer", "add", "诱饵贸易公司", "-a", path, "--password-file", dir.path("pw")])
        return try Vault.open(path: path, password: SecureBytes(Array("horse battery staple".utf8)))
    }

    func testTheSplitHeaderFileIsCaughtByTheFullCheckAndTheOwnerIsWarned() throws {
        let a = try newArchive("张伟")
        try sv(["customer", "add", "华为技术有限公司", "--grade", "A"] + owner(a))
        try sv(["customer", "add", "小米科技"] + owner(a))
        // A clean archive passes both checks first, and the check writes nothing.
        let clean = try bytes(a)
        let ok = try sv(["escrow", "verify", a] + li(), now: at(day: 1))
        XCTAssertTrue(ok.stdout.contains("all 2 records authentic from record 0"), ok.stdout)
        XCTAssertEqual(try bytes(a), clean, "escrow verify is read-only: no escrow use recorded")
        XCTAssertEqual(try firstRow(try sv(["compliance", dept, "--verify", "--json"] + li(), now: at(day: 1)).stdout)["verified"] as? String, "yes")

        let decoy = try decoyArchive(checkpointAt: 2)
        try splitHeader(a, decoy: decoy)
        // Today's attack, shown on a copy (an escrow open records its use, rewriting both copies):
        // the manager's open reads copy A and shows the decoy, not the real customers.
        let shown = dir.path("shown.svault")
        try FileManager.default.copyItem(atPath: a, toPath: shown)
        let opened = try sv(["escrow", "open", shown] + li() + ["--", "customer", "list"], now: at(day: 2))
        XCTAssertTrue(opened.stdout.contains("填充公司0") && !opened.stdout.contains("华为"), opened.stdout)

        // The owner reads the real archive (copy B) and is told, loudly, in English and Chinese.
        let read = try sv(["customer", "list"] + owner(a), now: at(day: 2))
        XCTAssertTrue(read.stdout.contains("华为技术有限公司"), read.stdout)
        XCTAssertTrue(read.stderr.contains("header copy A of \(a) failed authentication; opened from copy B"), read.stderr)
        XCTAssertTrue(read.stderr.contains("run `salesvault verify \(a)`"), read.stderr)
        let readZH = try sv(["customer", "list", "--lang", "zh"] + owner(a), now: at(day: 2))
        XCTAssertTrue(readZH.stderr.contains("档案头副本 A 未通过认证，已改用副本 B 打开"), readZH.stderr)
        let verify = try sv(["verify", a, "--password-file", dir.path("pw")], now: at(day: 2), expect: 4)
        XCTAssertTrue(verify.stdout.contains("header copy A: fails authentication"), verify.stdout)

        // The manager's full check: exit 4, the archive named, the reason in English and Chinese.
        let before = try bytes(a)
        let check = try sv(["escrow", "verify", a] + li(), now: at(day: 2), expect: 4)
        XCTAssertTrue(check.stderr.contains("\(a) (张伟) failed the full check"), check.stderr)
        XCTAssertTrue(check.stderr.contains("header copies disagree"), check.stderr)
        XCTAssertTrue(check.stderr.contains("record 0"), "every record from index 0: \(check.stderr)")
        let checkZH = try sv(["escrow", "verify", a, "--lang", "zh"] + li(), now: at(day: 2), expect: 4)
        XCTAssertTrue(checkZH.stderr.contains("未通过完整校验") && checkZH.stderr.contains("两个档案头副本不一致"), checkZH.stderr)
        XCTAssertEqual(try bytes(a), before, "the check wrote nothing")

        // compliance --verify: exit 4, the table and the JSON name it.
        let table = try sv(["compliance", dept, "--verify"] + li(), now: at(day: 2), expect: 4)
        XCTAssertTrue(table.stdout.contains("archives/张伟.svault") && table.stdout.contains("copies disagree"), table.stdout)
        let row = try firstRow(try sv(["compliance", dept, "--verify", "--json"] + li(), now: at(day: 2), expect: 4).stdout)
        XCTAssertEqual(row["verified"] as? String, "copies disagree")
        XCTAssertEqual(row["nonCompliant"] as? Bool, true)
        XCTAssertTrue((row["problem"] as? String)?.contains("verify: header copies disagree") == true, "\(row)")
        let zh = try sv(["compliance", dept, "--verify", "--lang", "zh"] + li(), now: at(day: 2), expect: 4)
        XCTAssertTrue(zh.stdout.contains("副本不一致"), zh.stdout)
        // Without --verify no MAC is checked, but copy A's slots and checkpoint are not the ones the
        // owner signed: the owner signature catches it with no key (FORMAT.md §5.6), exit 4.
        let keyless = try firstRow(try sv(["compliance", dept, "--json"], now: at(day: 2), expect: 4).stdout)
        XCTAssertEqual(keyless["signature"] as? String, "INVALID")
    }

    /// Finding 6: copy A forged (a higher sequence, its MAC and its slot garbage): `escrow open`
    /// falls back to the authentic copy B and says "header altered", not "does not open".
    func testEscrowOpenFallsBackToTheAuthenticCopyAndSaysHeaderAltered() throws {
        let a = try newArchive("张伟")
        try sv(["customer", "add", "华为技术有限公司"] + owner(a))
        var file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: a)))
        let copySize = 16_384
        var copyA = Array(file[32..<(32 + copySize)])
        let length = copyA[0..<4].reduce(0) { $0 << 8 | Int($1) }
        copyA[4 + 5 + 7] &+= 1  // the sequence (first field, its last byte): now higher than B's
        // The slots field (0x0B): count, the password slot, then 李经理's slot, whose tag is garbled.
        var pos = 4
        while copyA[pos] != 0x0B { pos += 5 + copyA[(pos + 1)..<(pos + 5)].reduce(0) { $0 << 8 | Int($1) } }
        var slot = pos + 5 + 1
        slot += 3 + (Int(copyA[slot + 1]) << 8 | Int(copyA[slot + 2]))  // past the password slot
        XCTAssertEqual(copyA[slot], 0x02, "an escrow slot")
        let end = slot + 3 + (Int(copyA[slot + 1]) << 8 | Int(copyA[slot + 2]))
        for i in (end - 16)..<end { copyA[i] ^= 0x5A }
        for i in (4 + length)..<(4 + length + 32) { copyA[i] ^= 0xFF }  // the MAC
        copyA.replaceSubrange((copySize - 32)..<copySize, with: try SHA256.hash(Array(copyA[0..<(copySize - 32)])))
        file.replaceSubrange(32..<(32 + copySize), with: copyA)
        try Data(file).write(to: URL(fileURLWithPath: a))
        let status = try sv(["status", a, "--json"], now: at(day: 1))
        XCTAssertTrue(status.stdout.contains("\"current\""), "copy A is current by its sequence: \(status.stdout)")
        let opened = try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], now: at(day: 1))
        XCTAssertTrue(opened.stdout.contains("华为技术有限公司"), opened.stdout)
        XCTAssertTrue(opened.stderr.contains("header altered: copy A of \(a) does not authenticate under your key; opened from copy B"), opened.stderr)
        XCTAssertFalse(opened.stderr.contains("do not open"), opened.stderr)
        // Attack round 2 (b): recording the use rewrote both copies, so the forged copy A was kept
        // first, byte for byte, beside the archive (mode 0600), and the manager is told where.
        let kept = "\(a).altered-copy-A-\(at(day: 1))"
        XCTAssertTrue(opened.stderr.contains("the altered copy A was kept first as evidence in \(kept)"), opened.stderr)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: kept))), copyA)
        XCTAssertEqual(((try FileManager.default.attributesOfItem(atPath: kept))[.posixPermissions] as? Int), 0o600)
        XCTAssertNotEqual(Array([UInt8](try Data(contentsOf: URL(fileURLWithPath: a)))[32..<(32 + copySize)]), copyA, "the copy itself was rewritten")
    }

    // MARK: Honest dates (finding 3)

    func testAPasswordChangeDatedInTheFutureOrBeforeCreationIsNonCompliant() throws {
        let a = try newArchive("张伟", now: at(day: 10))
        // A clock 30 days ahead at the password change.
        try sv(["passwd", a, "--password-file", dir.path("pw"), "--new-password-file", dir.path("pw2"), "--insecure-kdf-cost", "10"], now: at(day: 40))
        let row = try firstRow(try sv(["compliance", dept, "--json"], now: at(day: 11), expect: 9).stdout)
        XCTAssertEqual(row["rotation"] as? String, "future date")
        XCTAssertEqual(row["nonCompliant"] as? Bool, true)
        XCTAssertTrue((row["problem"] as? String)?.contains("password change: future date") == true, "\(row)")
        let status = try sv(["status", a], now: at(day: 11))
        XCTAssertTrue(status.stdout.contains("password change: future date"), status.stdout)
        let reminder = try sv(["customer", "list", "-a", a, "--password-file", dir.path("pw2")], now: at(day: 11))
        XCTAssertTrue(reminder.stderr.contains("password change: future date"), reminder.stderr)
        // --as-of in the past does not hide it: the real day counts.
        XCTAssertEqual(try firstRow(try sv(["compliance", dept, "--json", "--as-of", "2026-01-05"], now: at(day: 11), expect: 9).stdout)["rotation"] as? String, "future date")

        // A clock 5 days behind the creation at the change: before creation.
        try sv(["passwd", a, "--password-file", dir.path("pw2"), "--new-password-file", dir.path("pw3"), "--insecure-kdf-cost", "10"], now: at(day: 5))
        let before = try firstRow(try sv(["compliance", dept, "--json"], now: at(day: 12), expect: 9).stdout)
        XCTAssertEqual(before["rotation"] as? String, "before creation")
        XCTAssertTrue((before["problem"] as? String)?.contains("password change: before creation") == true, "\(before)")
        let zh = try sv(["compliance", dept, "--lang", "zh"], now: at(day: 12), expect: 9)
        XCTAssertTrue(zh.stdout.contains("早于档案创建"), zh.stdout)
        let status2 = try sv(["status", a, "--lang", "zh"], now: at(day: 12))
        XCTAssertTrue(status2.stdout.contains("密码修改日期早于档案创建"), status2.stdout)

        // A data key rotated "in the future" is named too.
        try sv(["passwd", a, "--password-file", dir.path("pw3"), "--new-password-file", dir.path("pw4"), "--insecure-kdf-cost", "10"], now: at(day: 12))
        try sv(["rekey", a, "--password-file", dir.path("pw4")], now: at(day: 300))
        let dek = try firstRow(try sv(["compliance", dept, "--json"], now: at(day: 13), expect: 9).stdout)
        XCTAssertTrue((dek["problem"] as? String)?.contains("data key rotation: future date") == true, "\(dek)")
    }

    /// "Never changed" comes from the counter, not from two equal timestamps; beyond the overdue
    /// limit the status is `overdue (never changed)`.
    func testNeverChangedComesFromTheCounterAndBecomesOverdue() throws {
        let a = try newArchive("张伟")
        // A change in the same second as the creation: changed (the old rule said never).
        try sv(["passwd", a, "--password-file", dir.path("pw"), "--new-password-file", dir.path("pw2"), "--insecure-kdf-cost", "10"], now: t0)
        let changed = try json(try sv(["status", a, "--json"], now: at(day: 100)).stdout)
        XCTAssertEqual(changed["passwordChanges"] as? Int, 1)
        XCTAssertEqual(changed["rotation"] as? String, "due")
        XCTAssertEqual(try firstRow(try sv(["compliance", dept, "--json"], now: at(day: 100)).stdout)["rotation"] as? String, "due")

        let b = try newArchive("李娜")
        let fresh = try json(try sv(["status", b, "--json"], now: at(day: 1)).stdout)
        XCTAssertEqual(fresh["passwordChanges"] as? Int, 0)
        // An escrow reset does not count as the owner's change.
        _ = try dir.write("tmp", "temporary river lantern 7\n")
        try sv(["escrow", "reset-password", b] + li() + ["--new-password-file", dir.path("tmp"), "--insecure-kdf-cost", "10"], now: at(day: 2))
        XCTAssertEqual(try json(try sv(["status", b, "--json"], now: at(day: 2)).stdout)["passwordChanges"] as? Int, 0)
        // After the reset 李娜's archive is unsigned until her own password change (FORMAT.md §5.5):
        // non-compliant (9) for that reason alone, its rotation still `never rotated`.
        let due = try json(try sv(["compliance", dept, "--json"], now: at(day: 100), expect: 9).stdout)
        let rowB = try XCTUnwrap((due["archives"] as? [[String: Any]])?.first { ($0["owner"] as? String) == "李娜" })
        XCTAssertEqual(rowB["rotation"] as? String, "never rotated")
        XCTAssertEqual(rowB["signature"] as? String, "unsigned")
        let late = try json(try sv(["compliance", dept, "--json"], now: at(day: 200), expect: 9).stdout)
        let lateB = try XCTUnwrap((late["archives"] as? [[String: Any]])?.first { ($0["owner"] as? String) == "李娜" })
        XCTAssertEqual(lateB["rotation"] as? String, "overdue (never changed)")
        XCTAssertEqual(lateB["nonCompliant"] as? Bool, true)
        let zh = try sv(["compliance", dept, "--lang", "zh"], now: at(day: 200), expect: 9)
        XCTAssertTrue(zh.stdout.contains("已逾期（从未改过密码）"), zh.stdout)
    }

    /// An archive written before the counter existed (Fixtures/before-change-sets): the old rule,
    /// and `status` says so; the owner's next password change adds the count.
    func testAnArchiveWithoutTheCounterUsesTheOldRuleAndSaysSo() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/before-change-sets")
        let path = dir.path("old.svault")
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("archive.svault").path, toPath: path)
        let old = fixtures.appendingPathComponent("password.txt").path
        let before = try json(try sv(["status", path, "--json"], now: 1_795_564_800).stdout)
        XCTAssertNil(before["passwordChanges"], "no field in an earlier version's header")
        XCTAssertTrue(try sv(["status", path], now: 1_795_564_800).stdout.contains("not recorded (written by an earlier version"))
        try sv(["passwd", path, "--password-file", old, "--new-password-file", dir.path("pw4"), "--insecure-kdf-cost", "10"], now: 1_795_564_900)
        XCTAssertGreaterThanOrEqual(try json(try sv(["status", path, "--json"], now: 1_795_565_000).stdout)["passwordChanges"] as? Int ?? 0, 1)
        try sv(["verify", path, "--password-file", dir.path("pw4")], now: 1_795_565_000)
    }

    // MARK: The test clock's switch

    func testTheTestClockIsIgnoredWithoutTheTestingSwitch() throws {
        let path = dir.path("clock.svault")
        let noSwitch = ["TZ": "UTC", "SALESVAULT_NOW": "1000000000", "SALESVAULT_TESTING": ""]
        let made = try runTool(["init", path, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"], environment: noSwitch)
        XCTAssertEqual(made.status, 0, made.stderr)
        let status = try runTool(["status", path, "--json"], environment: noSwitch)
        let report = try json(status.stdout)
        let created = try XCTUnwrap(report["createdAt"] as? String)
        XCTAssertFalse(created.hasPrefix("2001-"), "SALESVAULT_NOW (2001-09-09) ignored without the switch: \(created)")
        XCTAssertNil(report["testClock"])
        XCTAssertFalse(try runTool(["status", path], environment: noSwitch).stdout.contains("test clock"))
        // With the switch the test clock is used, and status says so.
        let with = try runTool(["status", path], environment: ["TZ": "UTC", "SALESVAULT_NOW": String(t0)])
        XCTAssertTrue(with.stdout.contains("test clock in use"), with.stdout)
        XCTAssertTrue(try runTool(["status", path, "--lang", "zh"], environment: ["SALESVAULT_NOW": String(t0)]).stdout.contains("正在使用测试时钟"))
        XCTAssertEqual(try json(try runTool(["status", path, "--json"], environment: ["SALESVAULT_NOW": String(t0)]).stdout)["testClock"] as? Bool, true)
    }

    // MARK: Process hardening (finding 8)

    /// The CLI makes itself not dumpable first thing: prctl(PR_GET_DUMPABLE) in the running process
    /// says 0 (reported by the process itself, only with the testing switch), and a process that
    /// waits for input is not dumpable either (its /proc entries then belong to root).
    func testTheCLIIsNotDumpable() throws {
        let r = try runTool(["status", dir.path("none.svault")], environment: ["SALESVAULT_DEBUG_DUMPABLE": "1", "SALESVAULT_NOW": String(t0)])
        XCTAssertTrue(r.stderr.contains("salesvault-debug: dumpable=0"), r.stderr)
        // Without the testing switch the hook says nothing.
        let quiet = try runTool(["status", dir.path("none.svault")], environment: ["SALESVAULT_DEBUG_DUMPABLE": "1", "SALESVAULT_TESTING": ""])
        XCTAssertFalse(quiet.stderr.contains("salesvault-debug"), quiet.stderr)
    }
}
