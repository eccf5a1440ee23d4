import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

/// Escrow slots (FORMAT.md §5.2), escrow uses (§5.3) and the password history (§5.4).
final class EscrowTests: XCTestCase {
    typealias Holder = EscrowSlot.Holder
    typealias Key = Curve25519.KeyAgreement.PrivateKey

    let password = "correct horse"
    let payloads: [[UInt8]] = [Array("客户 A".utf8), [], [1, 2, 3]]
    let adminKey = [UInt8](repeating: 0xA7, count: 32)

    func plan(_ holders: [(String, Key)], threshold: Int, serial: UInt64 = 4) -> Vault.EscrowPlan {
        Vault.EscrowPlan(
            holders: holders.map { Holder(name: $0.0, recipient: $0.1.publicKey) }, threshold: threshold,
            pin: ArchiveHeader.DepartmentPin(adminKey: adminKey, registrySerial: serial))
    }

    /// Creates an archive with `plan`, appends `payloads` with the password vault and closes it.
    @discardableResult
    func makeEscrowArchive(_ path: String, plan: Vault.EscrowPlan?) throws -> [UInt8] {
        let vault = try Vault.create(path: path, owner: "张伟", password: pw(password), kdf: fastKDF, now: t0, escrow: plan)
        XCTAssertNil(vault.openedThroughEscrow)
        for (i, p) in payloads.enumerated() { try vault.append(p, now: t0 + 1 + Int64(i)) }
        return try readFile(path)
    }

    /// Rewrites header copies after `edit` keeping each copy's original MAC (an edit made without
    /// the key), with a recomputed checksum so that the copy is still intact.
    func handEdit(_ bytes: [UInt8], copies: [Int] = [0, 1], edit: (inout ArchiveHeader) throws -> Void) throws -> [UInt8] {
        var out = bytes
        for index in copies {
            let start = FormatV1.prefixSize + index * FormatV1.headerCopySize
            let copy = try HeaderCopy(parsing: Array(bytes[start..<(start + FormatV1.headerCopySize)]))
            var header = copy.header
            try edit(&header)
            let body = header.serialized
            var w = [UInt8].be32(UInt32(body.count)) + body + copy.mac
            w += [UInt8](repeating: 0, count: FormatV1.headerCopySize - FormatV1.checksumSize - w.count)
            w += try SHA256.hash(w)
            XCTAssertEqual(w.count, FormatV1.headerCopySize)
            out.replaceSubrange(start..<(start + FormatV1.headerCopySize), with: w)
        }
        return out
    }

    /// Bytes that differ in header copy `copy`, not counting its checksum.
    func changedBytes(_ a: [UInt8], _ b: [UInt8], copy: Int) -> Int {
        let start = FormatV1.prefixSize + copy * FormatV1.headerCopySize
        let range = start..<(start + FormatV1.headerCopySize - FormatV1.checksumSize)
        return zip(a[range], b[range]).filter { $0 != $1 }.count
    }

    func ephemerals(_ header: ArchiveHeader) -> [[UInt8]] { header.escrowSlots.map(\.ephemeral) }

    // MARK: 1. Any one holder

    func testAnyOneHolderOpensAloneAndReadsTheRecords() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key(), wang = try Key(), stranger = try Key()
        let p = plan([("李经理", li), ("王总", wang)], threshold: 1)
        try makeEscrowArchive(path, plan: p)

        for (key, name) in [(li, "李经理"), (wang, "王总")] {
            let vault = try Vault.open(path: path, escrowIdentities: [key])
            XCTAssertEqual(vault.openedThroughEscrow?.map(\.name), [name])
            XCTAssertEqual(vault.openedThroughEscrow?.map(\.recipient), [key.publicKey])
            XCTAssertEqual(vault.access, .readOnly)
            XCTAssertEqual(try vault.readAllRecords(), payloads)
            XCTAssertTrue(try vault.verify().isClean)
            XCTAssertVaultError(.invalidArgument, try vault.append([9], now: t0 + 50))  // a read-only escrow open
        }
        // Both identities: the first slot in header order opens it.
        do {
            let vault = try Vault.open(path: path, escrowIdentities: [stranger, wang, li])
            XCTAssertEqual(vault.openedThroughEscrow?.count, 1)
            XCTAssertEqual(try vault.readAllRecords(), payloads)
        }
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [stranger]))
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: []))

        let header = try ArchiveInspection.inspect(path: path).header
        let slots = header.escrowSlots
        XCTAssertEqual(slots.count, 2)
        XCTAssertEqual(slots.map(\.scheme), [.whole, .whole])
        XCTAssertEqual(slots.map(\.threshold), [1, 1])
        XCTAssertEqual(slots.map(\.x), [0, 0])
        XCTAssertEqual(slots.map(\.holder.name), ["李经理", "王总"])
        XCTAssertEqual(slots.map(\.holder.recipient), [li.publicKey, wang.publicKey])
        XCTAssertEqual(header.slots.count, 3, "the password slot and two escrow slots")
        guard case .password = header.slots[0] else { return XCTFail("the password slot comes first") }
        XCTAssertEqual(header.department, ArchiveHeader.DepartmentPin(adminKey: adminKey, registrySerial: 4))
        XCTAssertNil(header.escrowUses)
        XCTAssertEqual(header.flags, [])

        // The password still opens it, and it is not an escrow open.
        let owner = try Vault.open(path: path, password: pw(password))
        XCTAssertNil(owner.openedThroughEscrow)
        XCTAssertEqual(try owner.readAllRecords(), payloads)
    }

    func testEscrowOpenedVaultCannotChangeAnyKeyOrFlag() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key(), wang = try Key()
        try makeEscrowArchive(path, plan: plan([("李经理", li)], threshold: 1))
        let before = try readFile(path)
        do {
            let vault = try Vault.open(path: path, escrowIdentities: [li], access: .readWrite)
            XCTAssertVaultError(.invalidArgument, try vault.rekey(now: t0 + 10))
            XCTAssertVaultError(.invalidArgument, try vault.updateEscrow(plan([("李经理", li), ("王总", wang)], threshold: 1)))
            XCTAssertVaultError(.invalidArgument, try vault.changePassword(to: pw("a manager's own choice"), kdf: fastKDF, now: t0 + 10))
            XCTAssertVaultError(.invalidArgument, try vault.setFlags(remove: [.rekeyRequired]))
            XCTAssertVaultError(.invalidArgument, try vault.append(Array("x".utf8), now: t0 + 10))
        }
        XCTAssertEqual(try readFile(path), before, "nothing written")
    }

    // MARK: 2. k of n

    func testTwoOfThreeSharesOpenOnlyTogether() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let keys = [try Key(), try Key(), try Key()]
        let names = ["李经理", "王总", "陈审计"]
        let stranger = try Key()
        try makeEscrowArchive(path, plan: plan(Array(zip(names, keys)), threshold: 2))

        let header = try ArchiveInspection.inspect(path: path).header
        XCTAssertEqual(header.escrowSlots.map(\.scheme), [.verifiable, .verifiable, .verifiable])
        XCTAssertEqual(header.escrowSlots.map(\.threshold), [2, 2, 2])
        XCTAssertEqual(header.escrowSlots.map(\.x), [1, 2, 3])
        XCTAssertEqual(header.escrowSlots.map(\.holder.name), names)

        for i in 0..<3 {
            XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [keys[i]]))
            XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [keys[i], stranger]))
            for j in 0..<3 where j != i {
                let vault = try Vault.open(path: path, escrowIdentities: [keys[i], keys[j]])
                XCTAssertEqual(Set(vault.openedThroughEscrow?.map(\.name) ?? []), [names[i], names[j]])
                XCTAssertEqual(try vault.readAllRecords(), payloads)
            }
        }
        do {
            let vault = try Vault.open(path: path, escrowIdentities: keys)
            XCTAssertEqual(vault.openedThroughEscrow?.count, 2, "k shares are enough")
            XCTAssertEqual(try vault.readAllRecords(), payloads)
        }
        // The same identity twice is still one holder.
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [keys[1], keys[1]]))

        // The compliance check's --verify: k holders authenticate the header.
        let inspection = try ArchiveInspection.inspect(path: path)
        XCTAssertEqual(inspection.authenticate(escrowIdentities: [keys[0], keys[2]]), .authentic)
        XCTAssertEqual(inspection.authenticate(escrowIdentities: keys), .authentic)
        XCTAssertEqual(inspection.authenticate(escrowIdentities: [stranger]), .noSlot)
    }

    /// One holder of a 2-of-3 archive cannot check the header MAC; the untouched header must not
    /// be called forged (DEPARTMENT.md §6: `FORGED` makes the compliance check fail).
    func testOneShareHolderDoesNotReportAnAuthenticHeaderAsForged() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let keys = [try Key(), try Key(), try Key()]
        try makeEscrowArchive(path, plan: plan(Array(zip(["李经理", "王总", "陈审计"], keys)), threshold: 2))
        let inspection = try ArchiveInspection.inspect(path: path)
        XCTAssertEqual(inspection.authenticate(escrowIdentities: [keys[0], keys[1]]), .authentic)
        for key in keys {
            XCTAssertNotEqual(inspection.authenticate(escrowIdentities: [key]), .forged, "an authentic header reported FORGED to one share holder")
        }
    }

    /// FORMAT.md §5.2: scheme 2 slots MUST be at least `k`; otherwise the header is damaged.
    func testAKeyWithNoSlotInTheCurrentCopyNeverFallsBackToTheOlderCopy() throws {
        // A crash between the two header writes of updateEscrow: copy A already without 王总's
        // slot (the current one), copy B still the older header that had it.
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key(), wang = try Key()
        let old = try makeEscrowArchive(path, plan: plan([("李经理", li), ("王总", wang)], threshold: 1))
        do {
            let vault = try Vault.open(path: path, password: pw("correct horse"), access: .readWrite)
            try vault.updateEscrow(plan([("李经理", li)], threshold: 1))
        }
        var crashed = try readFile(path)
        let b = FormatV1.prefixSize + FormatV1.headerCopySize
        crashed.replaceSubrange(b..<(b + FormatV1.headerCopySize), with: old[b..<(b + FormatV1.headerCopySize)])
        try writeFile(path, crashed)
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [wang], access: .readWrite))
        XCTAssertEqual(try readFile(path), crashed, "nothing recorded, nothing undone")
        XCTAssertNoThrow(try Vault.open(path: path, escrowIdentities: [li]))
    }

    func testFewerSharesThanTheThresholdIsValidButOpensNothing() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        try makeEscrowArchive(path, plan: nil)
        let inspection = try ArchiveInspection.inspect(path: path)
        let id = inspection.prefix.archiveID
        let holders = try ["李经理", "王总", "陈审计"].map { Holder(name: $0, recipient: try Key().publicKey) }
        let sealing = try EscrowSealing(dek: try SymmetricKey.generate(), holders: holders, threshold: 3, archiveID: id)
        var h = inspection.header
        h.slots = [.password(h.passwordSlot)] + sealing.slots.map { .escrow($0) }
        h.shareCommitments = sealing.commitments
        XCTAssertNoThrow(try ArchiveHeader(parsing: h.serialized), "three shares of a 3-of-3")
        // FORMAT.md §5.2: fewer than k shares (a holder's slot removed) is a valid header that
        // no set of holders can open through escrow.
        h.slots = [.password(h.passwordSlot)] + sealing.slots.prefix(2).map { .escrow($0) }
        let short = try ArchiveHeader(parsing: h.serialized)
        XCTAssertEqual(short.escrowSlots.count, 2)
        XCTAssertThrowsError(try Vault.escrowDEK(short, identities: [], archiveID: id))
        // The other rules of the same paragraph, refused.
        let whole = try EscrowSealing(dek: try SymmetricKey.generate(), holders: holders, threshold: 1, archiveID: id)
        h.slots = [.password(h.passwordSlot), .escrow(sealing.slots[0]), .escrow(whole.slots[1])]
        XCTAssertVaultError(.headerDamaged, try ArchiveHeader(parsing: h.serialized))
        h.slots = [.password(h.passwordSlot), .escrow(whole.slots[0]), .escrow(whole.slots[0])]
        XCTAssertVaultError(.headerDamaged, try ArchiveHeader(parsing: h.serialized))
    }

    // MARK: 3. Altered headers

    func testAlteredSlotOrDateIsCaughtThroughEscrow() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key(), wang = try Key(), mallory = try Key(), stranger = try Key()
        let original = try makeEscrowArchive(path, plan: plan([("李经理", li), ("王总", wang)], threshold: 1))
        let prefix = try ArchivePrefix(parsing: original)

        // Untouched.
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [li]), .authentic)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [wang]), .authentic)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [stranger, li]), .authentic)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [stranger]), .noSlot)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: []), .noSlot)

        // (a) 李经理's slot replaced by one for Mallory, same name, wrapping a key of Mallory's own.
        let bogus = try SymmetricKey.generate().withUnsafeBytes { Array($0) }
        let forgedSlot = try EscrowSlot.seal(
            bogus, scheme: .whole, threshold: 1, x: 0, holder: Holder(name: "李经理", recipient: mallory.publicKey),
            archiveID: prefix.archiveID
        ).slot
        let swapped = try handEdit(original) { h in
            h.slots = h.slots.map { slot in
                if case .escrow(let s) = slot, s.holder.name == "李经理" { return .escrow(forgedSlot) }
                return slot
            }
        }
        try writeFile(path, swapped)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.escrowSlots.map(\.holder.recipient), [mallory.publicKey, wang.publicKey])
        XCTAssertVaultError(.headerAuthenticationFailed, try Vault.open(path: path, escrowIdentities: [mallory]))
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [li]))
        XCTAssertVaultError(.headerAuthenticationFailed, try Vault.open(path: path, escrowIdentities: [wang]))
        XCTAssertVaultError(.headerAuthenticationFailed, try Vault.open(path: path, password: pw(password)))
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [mallory]), .forged)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [wang]), .forged)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [li]), .noSlot)

        // (b) One byte of 李经理's wrapped key flipped (checksum fixed).
        let flipped = try handEdit(original) { h in
            h.slots = h.slots.map { slot in
                guard case .escrow(let s) = slot, s.holder.name == "李经理" else { return slot }
                var wrapped = s.wrapped
                wrapped[5] ^= 0x01
                return .escrow(EscrowSlot(scheme: s.scheme, threshold: s.threshold, x: s.x, holder: s.holder, ephemeral: s.ephemeral,
                                          nonce: s.nonce, wrapped: wrapped, tag: s.tag))
            }
        }
        XCTAssertEqual([0, 1].map { changedBytes(flipped, original, copy: $0) }, [1, 1], "one byte per copy, besides the checksum")
        try writeFile(path, flipped)
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [li]))
        XCTAssertVaultError(.headerAuthenticationFailed, try Vault.open(path: path, escrowIdentities: [wang]))
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [li]), .forged)

        // (c) passwordChangedAt hand-edited (8 bytes of the body, MAC kept, checksum fixed).
        let dated = try handEdit(original) { $0.passwordChangedAt += 86_400 * 100 }
        for copy in 0..<2 {
            XCTAssertTrue((1...8).contains(changedBytes(dated, original, copy: copy)), "only the date's bytes change, besides the checksum")
        }
        try writeFile(path, dated)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.passwordChangedAt, t0 + 86_400 * 100, "plaintext, readable without a key")
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [li]), .forged)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [wang]), .forged)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [stranger]), .noSlot)
        XCTAssertVaultError(.headerAuthenticationFailed, try Vault.open(path: path, escrowIdentities: [li]))
        XCTAssertVaultError(.headerAuthenticationFailed, try Vault.open(path: path, password: pw(password)))

        // Back to the original bytes: authentic again.
        try writeFile(path, original)
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).authenticate(escrowIdentities: [li]), .authentic)
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [li]).readAllRecords(), payloads)
    }

    func testEscrowOpenFallsBackToTheAuthenticCopy() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key()
        let original = try makeEscrowArchive(path, plan: plan([("李经理", li)], threshold: 1))
        // Copy A only: a higher sequence (so it looks current) and a later date, old MAC.
        try writeFile(path, try handEdit(original, copies: [0]) { h in
            h.sequence += 5
            h.passwordChangedAt += 86_400 * 200
        })
        let inspection = try ArchiveInspection.inspect(path: path)
        XCTAssertEqual(inspection.header.passwordChangedAt, t0 + 86_400 * 200)
        XCTAssertEqual(inspection.authenticate(escrowIdentities: [li]), .forged, "the current copy is forged")
        let vault = try Vault.open(path: path, escrowIdentities: [li])
        XCTAssertEqual(vault.header.passwordChangedAt, t0)
        guard case .damaged = vault.copyStates[0] else { return XCTFail("copy A: \(vault.copyStates[0])") }
        XCTAssertEqual(vault.copyStates[1], .current)
        XCTAssertEqual(try vault.readAllRecords(), payloads)
        XCTAssertEqual(try vault.verify().copyA, .forged)
    }

    // MARK: 4. Rekey

    func testRekeyRewrapsTheNewKeyForTheSameHoldersAndCanSwitchToShares() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key(), wang = try Key(), chen = try Key()
        try makeEscrowArchive(path, plan: plan([("李经理", li), ("王总", wang)], threshold: 1))
        let before = try ArchiveInspection.inspect(path: path)
        let oldDEK = try Vault.escrowDEK(before.header, identities: [li], archiveID: before.prefix.archiveID).dek

        do {
            let vault = try Vault.open(path: path, password: pw(password), access: .readWrite)
            try vault.rekey(now: t0 + 1_000)
            XCTAssertEqual(vault.header.dekGeneration, 2)
        }
        let after = try ArchiveInspection.inspect(path: path)
        XCTAssertEqual(after.prefix.archiveID, before.prefix.archiveID)
        XCTAssertEqual(after.header.dekGeneration, before.header.dekGeneration + 1)
        XCTAssertEqual(after.header.dekRotatedAt, t0 + 1_000)
        XCTAssertEqual(after.header.escrowSlots.map(\.holder), before.header.escrowSlots.map(\.holder))
        XCTAssertEqual(after.header.escrowSlots.map(\.scheme), [.whole, .whole])
        XCTAssertEqual(after.header.escrowSlots.map(\.threshold), [1, 1])
        XCTAssertEqual(after.header.department, before.header.department)
        for (new, old) in zip(ephemerals(after.header), ephemerals(before.header)) { XCTAssertNotEqual(new, old, "new ephemeral keys") }
        for key in [li, wang] {
            let newDEK = try Vault.escrowDEK(after.header, identities: [key], archiveID: after.prefix.archiveID).dek
            XCTAssertNotEqual(newDEK, oldDEK, "the slots hold the new key")
            let vault = try Vault.open(path: path, escrowIdentities: [key])
            XCTAssertEqual(try vault.readAllRecords(), payloads)
            XCTAssertEqual(vault.header.dekGeneration, 2)
        }
        XCTAssertEqual(try Vault.open(path: path, password: pw(password)).readAllRecords(), payloads, "the password is kept")
        // The password history was re-sealed under the new key (FORMAT.md §5.4).
        do {
            let vault = try Vault.open(path: path, password: pw(password), access: .readWrite)
            XCTAssertVaultError(.passwordReused, try vault.changePassword(to: pw(password), kdf: fastKDF, now: t0 + 1_500))
        }

        // A new plan with a threshold of 2: shares for three holders, with the new pin.
        do {
            let vault = try Vault.open(path: path, password: pw(password), access: .readWrite)
            try vault.rekey(now: t0 + 2_000, escrow: plan([("李经理", li), ("王总", wang), ("陈审计", chen)], threshold: 2, serial: 5))
        }
        let shared = try ArchiveInspection.inspect(path: path).header
        XCTAssertEqual(shared.dekGeneration, 3)
        XCTAssertEqual(shared.escrowSlots.map(\.scheme), [.verifiable, .verifiable, .verifiable])
        XCTAssertEqual(shared.escrowSlots.map(\.threshold), [2, 2, 2])
        XCTAssertEqual(shared.escrowSlots.map(\.holder.name), ["李经理", "王总", "陈审计"])
        XCTAssertEqual(shared.department?.registrySerial, 5)
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [li]))
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [chen]))
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [li, chen]).readAllRecords(), payloads)
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [wang, chen]).readAllRecords(), payloads)
    }

    // MARK: 5. Escrow update

    func testUpdateEscrowAddsAndRemovesHoldersWithoutANewKey() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key(), wang = try Key(), chen = try Key()
        try makeEscrowArchive(path, plan: plan([("李经理", li)], threshold: 1))
        let first = try ArchiveInspection.inspect(path: path).header
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [wang]))

        do {
            let vault = try Vault.open(path: path, password: pw(password), access: .readWrite)
            try vault.updateEscrow(plan([("李经理", li), ("王总", wang)], threshold: 1, serial: 5))
            XCTAssertEqual(vault.header.escrowSlots.map(\.holder.name), ["李经理", "王总"])
        }
        let added = try ArchiveInspection.inspect(path: path).header
        XCTAssertEqual(added.dekGeneration, 1, "no rekey")
        XCTAssertEqual(added.flags, [])
        XCTAssertEqual(added.department?.registrySerial, 5)
        XCTAssertEqual(added.escrowSlots.first, first.escrowSlots.first, "the kept slot is unchanged")
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [wang]).readAllRecords(), payloads)
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [li]).readAllRecords(), payloads)

        // Removing 李经理: the slot goes, and the archive needs a rekey (old copies still open with it).
        do {
            let vault = try Vault.open(path: path, password: pw(password), access: .readWrite)
            try vault.updateEscrow(plan([("王总", wang)], threshold: 1, serial: 6))
        }
        let removed = try ArchiveInspection.inspect(path: path).header
        XCTAssertEqual(removed.escrowSlots.map(\.holder.name), ["王总"])
        XCTAssertTrue(removed.flags.contains(.rekeyRequired))
        XCTAssertEqual(removed.department?.registrySerial, 6)
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [li]))
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [wang]).readAllRecords(), payloads)

        // A threshold change needs a new key: refused, nothing written.
        do {
            let vault = try Vault.open(path: path, password: pw(password), access: .readWrite)
            let sequence = vault.header.sequence
            XCTAssertVaultError(.invalidArgument, try vault.updateEscrow(plan([("王总", wang), ("陈审计", chen)], threshold: 2, serial: 7)))
            XCTAssertEqual(vault.header.sequence, sequence)
            // The rekey clears rekeyRequired.
            try vault.rekey(now: t0 + 500)
            XCTAssertFalse(vault.header.flags.contains(.rekeyRequired))
        }
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.flags, [])
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.escrowSlots.map(\.holder.name), ["王总"])
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [wang]).readAllRecords(), payloads)
    }

    /// `updateEscrow` must never write slots whose threshold differs from the plan's: a plan
    /// asking for 2-of-3 on an archive without escrow slots either is refused (a threshold change
    /// needs `rekey`) or gives shares, never three whole-key slots (any one manager alone).
    func testUpdateEscrowNeverWritesWholeKeySlotsForAThresholdPlan() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let keys = [try Key(), try Key(), try Key()]
        try makeEscrowArchive(path, plan: Vault.EscrowPlan(holders: [], threshold: 1, pin: .init(adminKey: adminKey, registrySerial: 1)))
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.escrowSlots, [])
        do {
            let vault = try Vault.open(path: path, password: pw(password), access: .readWrite)
            let sequence = vault.header.sequence
            XCTAssertVaultError(.invalidArgument, try vault.updateEscrow(plan(Array(zip(["李经理", "王总", "陈审计"], keys)), threshold: 2)))
            XCTAssertEqual(vault.header.sequence, sequence, "nothing written")
            // Through rekey instead: shares.
            try vault.rekey(now: t0 + 10, escrow: plan(Array(zip(["李经理", "王总", "陈审计"], keys)), threshold: 2))
        }
        let slots = try ArchiveInspection.inspect(path: path).header.escrowSlots
        XCTAssertEqual(slots.count, 3)
        XCTAssertTrue(slots.allSatisfy { $0.threshold == 2 && $0.scheme == .verifiable },
                      "plan threshold 2 but slots written as \(slots.map { "\($0.scheme) k=\($0.threshold)" })")
        // One manager alone must not open a 2-of-3 archive.
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [keys[0]]))
        XCTAssertEqual(try Vault.open(path: path, escrowIdentities: [keys[0], keys[2]]).readAllRecords(), payloads)
    }

    // MARK: 6. Escrow uses

    func testEscrowUsesAreCountedAndOnlyTheOwnerAcknowledgesThem() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key()
        try makeEscrowArchive(path, plan: plan([("李经理", li)], threshold: 1))
        let firstAudit = UInt64(payloads.count)

        do {
            let vault = try Vault.open(path: path, escrowIdentities: [li], access: .readWrite)
            try vault.appendEscrowUse(Array("escrow open by 李经理".utf8), now: t0 + 100)
            XCTAssertEqual(vault.header.escrowUses, ArchiveHeader.EscrowUses(unacknowledged: 1, lastUseAt: t0 + 100, firstIndex: firstAudit))
            XCTAssertEqual(vault.header.recordCount, firstAudit + 1)
            // Not the owner: a no-op.
            let sequence = vault.header.sequence
            try vault.acknowledgeEscrowUses()
            XCTAssertEqual(vault.header.sequence, sequence)
            XCTAssertNotNil(vault.header.escrowUses)
            try vault.appendEscrowUse(Array("escrow reset by 李经理".utf8), now: t0 + 200)
            XCTAssertEqual(vault.header.escrowUses, ArchiveHeader.EscrowUses(unacknowledged: 2, lastUseAt: t0 + 200, firstIndex: firstAudit))
        }
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.escrowUses,
                       ArchiveHeader.EscrowUses(unacknowledged: 2, lastUseAt: t0 + 200, firstIndex: firstAudit))

        // A reading owner cannot clear it.
        do {
            let vault = try Vault.open(path: path, password: pw(password))
            XCTAssertVaultError(.invalidArgument, try vault.acknowledgeEscrowUses())
        }
        do {
            let vault = try Vault.open(path: path, password: pw(password), access: .readWrite)
            let records = try vault.readAllRecords()
            XCTAssertEqual(records.count, payloads.count + 2)
            XCTAssertEqual(records[Int(firstAudit)], Array("escrow open by 李经理".utf8))
            try vault.acknowledgeEscrowUses()
            XCTAssertNil(vault.header.escrowUses)
        }
        XCTAssertNil(try ArchiveInspection.inspect(path: path).header.escrowUses)
        XCTAssertTrue(try Vault.open(path: path, password: pw(password)).verify().isClean)

        // The next use starts a new count at its own record.
        do {
            let vault = try Vault.open(path: path, escrowIdentities: [li], access: .readWrite)
            try vault.appendEscrowUse([0x45], now: t0 + 300)
        }
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.escrowUses,
                       ArchiveHeader.EscrowUses(unacknowledged: 1, lastUseAt: t0 + 300, firstIndex: firstAudit + 2))
    }

    func testEscrowUseCounterSaturatesInsteadOfWrappingToZero() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key()
        try makeEscrowArchive(path, plan: plan([("李经理", li)], threshold: 1))
        do {
            // An archive whose counter is at its maximum (FORMAT.md §4.2: u32).
            let vault = try Vault.open(path: path, escrowIdentities: [li], access: .readWrite)
            var full = vault.header
            full.escrowUses = ArchiveHeader.EscrowUses(unacknowledged: .max, lastUseAt: t0 + 100, firstIndex: 0)
            try vault.writeHeader(full)
            // One more use: recorded, the counter stays at its maximum, never 0 (a damaged header).
            try vault.appendEscrowUse(Array("escrow open by 李经理".utf8), now: t0 + 200)
            XCTAssertEqual(vault.header.escrowUses, ArchiveHeader.EscrowUses(unacknowledged: .max, lastUseAt: t0 + 200, firstIndex: 0))
            XCTAssertEqual(vault.header.recordCount, UInt64(payloads.count) + 1)
        }
        let header = try ArchiveInspection.inspect(path: path).header
        XCTAssertEqual(header.escrowUses?.unacknowledged, .max)
        XCTAssertTrue(try Vault.open(path: path, password: pw(password)).verify().isClean)
    }

    // MARK: 7. Password history

    func testPasswordHistoryRefusesTheLastFivePasswords() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key()
        try makeEscrowArchive(path, plan: plan([("李经理", li)], threshold: 1))
        // In the owner's secrets, under the password (FORMAT.md §5.5), no longer under the DEK.
        XCTAssertNil(try ArchiveInspection.inspect(path: path).header.passwordHistory)
        XCTAssertNotNil(try ArchiveInspection.inspect(path: path).header.ownerSecrets)

        let vault = try Vault.open(path: path, password: pw(password), access: .readWrite)
        XCTAssertVaultError(.passwordReused, try vault.changePassword(to: pw(password), kdf: fastKDF, now: t0 + 10))
        let news = (1...5).map { "new password \($0)" }
        for (i, new) in news.enumerated() {
            try vault.changePassword(to: pw(new), kdf: fastKDF, now: t0 + 100 + Int64(i))
            XCTAssertEqual(vault.header.passwordChangedAt, t0 + 100 + Int64(i))
            XCTAssertVaultError(.passwordReused, try vault.changePassword(to: pw(new), kdf: fastKDF, now: t0 + 200))
            if i < 4 {  // the creation password is refused for the first four changes
                XCTAssertVaultError(.passwordReused, try vault.changePassword(to: pw(password), kdf: fastKDF, now: t0 + 200))
            }
            XCTAssertVaultError(.passwordReused, try vault.changePassword(to: pw(news[0]), kdf: fastKDF, now: t0 + 200))
        }
        XCTAssertEqual(vault.header.passwordChangedAt, t0 + 104, "refused changes wrote nothing")
        // Five changes later the creation password has left the history.
        try vault.changePassword(to: pw(password), kdf: fastKDF, now: t0 + 300)
        XCTAssertEqual(vault.header.passwordChangedAt, t0 + 300)
        // History now: password, 5, 4, 3, 2; "new password 1" is free again.
        XCTAssertVaultError(.passwordReused, try vault.changePassword(to: pw(news[1]), kdf: fastKDF, now: t0 + 301))
        try vault.changePassword(to: pw(news[0]), kdf: fastKDF, now: t0 + 302)

        // A reset through escrow: temporary password, mustChangePassword, not in the history.
        try vault.resetPassword(temporary: pw("temporary 1"), kdf: fastKDF, now: t0 + 400)
        XCTAssertTrue(vault.header.flags.contains(.mustChangePassword))
        XCTAssertEqual(vault.header.passwordChangedAt, t0 + 400)
        // The history was sealed under the owner's password with the signing key, which the reset
        // could not re-seal (FORMAT.md §5.5): it is gone, and the owner's old passwords are free.
        XCTAssertNil(vault.header.ownerSecrets)
        XCTAssertFalse(try vault.isRecentPassword(pw(news[0])))
        XCTAssertTrue(vault.header.flags.contains(.mustChangePassword))
        // The temporary password was not entered: the code accepts it as the owner's next password.
        try vault.changePassword(to: pw("temporary 1"), kdf: fastKDF, now: t0 + 402)
        XCTAssertFalse(vault.header.flags.contains(.mustChangePassword))
        XCTAssertEqual(vault.header.passwordChangedAt, t0 + 402)
        // Now it is the owner's own, so it is in the history.
        XCTAssertVaultError(.passwordReused, try vault.changePassword(to: pw("temporary 1"), kdf: fastKDF, now: t0 + 403))
        try vault.resetPassword(temporary: pw("temporary 2"), kdf: fastKDF, now: t0 + 500)
        try vault.changePassword(to: pw("own again"), kdf: fastKDF, now: t0 + 501)
        XCTAssertFalse(vault.header.flags.contains(.mustChangePassword))
    }

    func testResetPasswordOpensWithTheTemporaryPasswordAndPersistsTheFlag() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key()
        try makeEscrowArchive(path, plan: plan([("李经理", li)], threshold: 1))
        do {
            let vault = try Vault.open(path: path, escrowIdentities: [li], access: .readWrite)
            try vault.appendEscrowUse(Array("reset".utf8), now: t0 + 50)
            try vault.resetPassword(temporary: pw("temporary"), kdf: fastKDF, now: t0 + 60)
        }
        let header = try ArchiveInspection.inspect(path: path).header
        XCTAssertTrue(header.flags.contains(.mustChangePassword))
        XCTAssertEqual(header.passwordChangedAt, t0 + 60)
        XCTAssertEqual(header.escrowUses?.unacknowledged, 1)
        XCTAssertVaultError(.wrongPassword, try Vault.open(path: path, password: pw(password)))
        do {
            let vault = try Vault.open(path: path, password: pw("temporary"), access: .readWrite)
            XCTAssertEqual(try vault.readAllRecords().count, payloads.count + 1)
            // The reset dropped the history with the owner's secrets (FORMAT.md §5.5): the password
            // from before the reset is accepted again (the documented cost); the new one is entered.
            try vault.changePassword(to: pw(password), kdf: fastKDF, now: t0 + 70)
            XCTAssertVaultError(.passwordReused, try vault.changePassword(to: pw(password), kdf: fastKDF, now: t0 + 71))
            try vault.changePassword(to: pw("mine now"), kdf: fastKDF, now: t0 + 72)
        }
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.flags, [])
        XCTAssertVaultError(.wrongPassword, try Vault.open(path: path, password: pw("temporary")))
        XCTAssertEqual(try Vault.open(path: path, password: pw("mine now")).readAllRecords().count, payloads.count + 1)
    }

    // MARK: 8. The test-open

    func testSealingVerifyRefusesSlotsOfAnotherSealing() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        try makeEscrowArchive(path, plan: nil)
        let inspection = try ArchiveInspection.inspect(path: path)
        let id = inspection.prefix.archiveID
        let holders = [Holder(name: "李经理", recipient: try Key().publicKey), Holder(name: "王总", recipient: try Key().publicKey),
                       Holder(name: "陈审计", recipient: try Key().publicKey)]
        var commitments: ShareCommitments?
        func header(_ slots: [EscrowSlot]) throws -> ArchiveHeader {
            var h = inspection.header
            h.slots = [.password(h.passwordSlot)] + slots.map { .escrow($0) }
            h.shareCommitments = slots.isEmpty ? nil : commitments
            try h.validate()
            return h
        }
        for threshold in [1, 2] {
            let a = try EscrowSealing(dek: try SymmetricKey.generate(), holders: holders, threshold: threshold, archiveID: id)
            let b = try EscrowSealing(dek: try SymmetricKey.generate(), holders: holders, threshold: threshold, archiveID: id)
            commitments = b.commitments
            XCTAssertNoThrow(try b.verify(try header(b.slots), archiveID: id))
            commitments = a.commitments
            XCTAssertNoThrow(try a.verify(try header(a.slots), archiveID: id))
            XCTAssertVaultError(.escrowVerificationFailed, try a.verify(try header(b.slots), archiveID: id))
            XCTAssertVaultError(.escrowVerificationFailed, try b.verify(try header(a.slots), archiveID: id))
            // One slot of the other sealing among the right ones.
            XCTAssertVaultError(.escrowVerificationFailed, try a.verify(try header([a.slots[0], b.slots[1], a.slots[2]]), archiveID: id))
            // a's ephemeral and nonce, b's ciphertext: the tag fails.
            let s = a.slots[1], o = b.slots[1]
            let spliced = EscrowSlot(scheme: s.scheme, threshold: s.threshold, x: s.x, holder: s.holder, ephemeral: s.ephemeral,
                                     nonce: s.nonce, wrapped: o.wrapped, tag: o.tag)
            XCTAssertVaultError(.escrowVerificationFailed, try a.verify(try header([a.slots[0], spliced, a.slots[2]]), archiveID: id))
            // A slot missing, slots reordered, another archive id.
            XCTAssertVaultError(.escrowVerificationFailed, try a.verify(try header(Array(a.slots.prefix(2))), archiveID: id))
            XCTAssertVaultError(.escrowVerificationFailed, try a.verify(try header(Array(a.slots.reversed())), archiveID: id))
            var otherID = id
            otherID[0] ^= 1
            XCTAssertVaultError(.escrowVerificationFailed, try a.verify(try header(a.slots), archiveID: otherID))
        }
    }

    func testInvalidPlansAreRefusedAndLeaveNoFile() throws {
        let dir = try TempDir()
        let li = try Key(), wang = try Key()
        let bad: [Vault.EscrowPlan] = [
            plan([("李经理", li), ("李经理 again", li)], threshold: 1),
            plan([("李经理", li), ("王总", wang)], threshold: 3),
            plan([("李经理", li)], threshold: 0),
            plan([("", li)], threshold: 1),
            plan([(String(repeating: "名", count: 30), li)], threshold: 1),
        ]
        for (i, p) in bad.enumerated() {
            XCTAssertVaultError(.invalidArgument, try Vault.create(path: dir.path("\(i).svault"), owner: "张伟", password: pw(password), kdf: fastKDF, now: t0, escrow: p))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), [])
        let many = (0...FormatV1.maxEscrowSlots).map { ("m\($0)", try! Key()) }
        XCTAssertVaultError(.limitExceeded, try Vault.create(path: dir.path("m.svault"), owner: "张伟", password: pw(password), kdf: fastKDF, now: t0, escrow: plan(many, threshold: 1)))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), [])
    }

    // MARK: 9. No escrow

    func testArchiveWithoutEscrowHasNoSlots() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let li = try Key()
        try makeEscrowArchive(path, plan: nil)
        let inspection = try ArchiveInspection.inspect(path: path)
        XCTAssertEqual(inspection.header.escrowSlots, [])
        XCTAssertEqual(inspection.header.slots.count, 1)
        XCTAssertNil(inspection.header.department)
        XCTAssertEqual(inspection.authenticate(escrowIdentities: [li]), .noSlot)
        XCTAssertVaultError(.noEscrowSlot, try Vault.open(path: path, escrowIdentities: [li]))
        XCTAssertEqual(try Vault.open(path: path, password: pw(password)).readAllRecords(), payloads)
    }
}
