import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

/// Every parser path under attack (STYLE 24): flips, truncations, moved and foreign records,
/// forged headers, huge lengths, unknown versions.
final class AdversarialTests: XCTestCase {
    let password = "correct horse"
    let payloads: [[UInt8]] = [Array("alpha".utf8), Array("客户资料 beta".utf8), [UInt8](repeating: 0x42, count: 40)]

    /// True when opening `path` and reading it fully gives the original records with no warning.
    func opensCleanly(_ path: String) -> Bool {
        guard let inspection = try? ArchiveInspection.inspect(path: path),
              inspection.copyA == .current, inspection.copyB == .current, inspection.unfinishedBytes == 0
        else { return false }
        guard let vault = try? Vault.open(path: path, password: pw(password)),
              let report = try? vault.verify(), report.isClean,
              let records = try? vault.readAllRecords()
        else { return false }
        return records == payloads
    }

    func testEveryFlippedByteIsDetected() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let original = try makeArchive(path, password: password, payloads: payloads)
        XCTAssertTrue(opensCleanly(path))
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var undetected: [Int] = []
        for offset in 0..<original.count {
            for mask: UInt8 in [0x01] {
                try handle.seek(toOffset: UInt64(offset))
                try handle.write(contentsOf: [original[offset] ^ mask])
                if opensCleanly(path) { undetected.append(offset) }
                try handle.seek(toOffset: UInt64(offset))
                try handle.write(contentsOf: [original[offset]])
            }
        }
        print("[adversarial] flipped each of \(original.count) bytes: \(original.count - undetected.count) detected, \(undetected.count) undetected")
        XCTAssertEqual(undetected, [], "flips not detected at offsets \(undetected.prefix(20))")
        XCTAssertTrue(opensCleanly(path))
    }

    func testEveryTruncationIsDetected() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let original = try makeArchive(path, password: password, payloads: payloads)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var accepted: [Int] = []
        for length in stride(from: original.count - 1, through: 0, by: -1) {
            try handle.truncate(atOffset: UInt64(length))
            do {
                let vault = try Vault.open(path: path, password: pw(password))
                _ = try vault.readAllRecords()
                accepted.append(length)
            } catch let error as VaultError {
                XCTAssertEqual(error.code, Self.expectedTruncationCode(length), "length \(length): \(error)")
            }
        }
        print("[adversarial] truncated at each of \(original.count) lengths: \(original.count - accepted.count) refused")
        XCTAssertEqual(accepted, [])
    }

    /// The error a file cut to `length` bytes gives: not an archive while the signature is
    /// incomplete, a damaged header while the version field is cut (ArchivePrefix reads it before
    /// checking the prefix's length), truncated from there on.
    static func expectedTruncationCode(_ length: Int) -> VaultError.Code {
        switch length {
        case ..<FormatV1.magic.count: return .notAnArchive
        case ..<(FormatV1.magic.count + 2): return .headerDamaged
        default: return .truncated
        }
    }

    func recordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var offset = FormatV1.bodyOffset
        while offset < bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            ranges.append(offset..<(offset + 32 + length))
            offset += 32 + length
        }
        return ranges
    }

    func testReorderedDuplicatedAndDroppedRecordsAreDetected() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let original = try makeArchive(path, password: password, payloads: [[1, 1], [2, 2], [3, 3]])
        let r = recordRanges(original)
        XCTAssertEqual(r.count, 3)
        let head = Array(original[..<FormatV1.bodyOffset])
        // Swapped (same lengths, so offsets still line up): the index in the AAD catches it.
        try writeFile(path, head + original[r[1]] + original[r[0]] + original[r[2]])
        XCTAssertVaultError(.recordDamaged, try Vault.open(path: path, password: pw(password)).readAllRecords())
        // Duplicated in place of another.
        try writeFile(path, head + original[r[0]] + original[r[0]] + original[r[2]])
        XCTAssertVaultError(.recordDamaged, try Vault.open(path: path, password: pw(password)).readAllRecords())
        // Last record dropped: the header commits more bytes than the file has.
        try writeFile(path, head + original[r[0]] + original[r[1]])
        XCTAssertVaultError(.truncated, try Vault.open(path: path, password: pw(password)))
        // An extra copy of the last record appended: reported as unfinished data, never read.
        try writeFile(path, original + original[r[2]])
        let vault = try Vault.open(path: path, password: pw(password))
        XCTAssertEqual(vault.unfinishedBytes, r[2].count)
        XCTAssertEqual(try vault.readAllRecords(), [[1, 1], [2, 2], [3, 3]])
    }

    func testRecordsSplicedFromAnotherArchiveWithTheSamePasswordAreDetected() throws {
        let dir = try TempDir()
        let a = try makeArchive(dir.path("a.svault"), password: password, payloads: [[1, 1], [2, 2]])
        let b = try makeArchive(dir.path("b.svault"), password: password, payloads: [[1, 1], [2, 2]])
        let ra = recordRanges(a)
        let rb = recordRanges(b)
        try writeFile(dir.path("a.svault"), Array(a[..<ra[1].lowerBound]) + b[rb[1]])
        XCTAssertVaultError(.recordDamaged, try Vault.open(path: dir.path("a.svault"), password: pw(password)).readAllRecords())
        // B's header on A's body: the header MAC is keyed by B's key, the prefix is A's.
        try writeFile(dir.path("a.svault"), Array(a[..<32]) + b[32..<FormatV1.bodyOffset] + a[FormatV1.bodyOffset...])
        XCTAssertVaultError(.wrongPassword, try Vault.open(path: dir.path("a.svault"), password: pw(password)))
    }

    /// Re-serialises copy `index` after `edit` with a correct checksum but an attacker's MAC key.
    func forgeHeader(_ bytes: [UInt8], edit: (inout ArchiveHeader) -> Void) throws -> [UInt8] {
        let prefix = try ArchivePrefix(parsing: bytes)
        var out = bytes
        let attackerKey = try SymmetricKey.generate()
        for index in 0..<2 {
            let start = 32 + index * FormatV1.headerCopySize
            let copy = try HeaderCopy(parsing: Array(bytes[start..<(start + FormatV1.headerCopySize)]))
            var header = copy.header
            edit(&header)
            let forged = try HeaderCopy(header: header, prefix: prefix, headerKey: attackerKey)
            out.replaceSubrange(start..<(start + FormatV1.headerCopySize), with: forged.bytes)
        }
        return out
    }

    func testHandEditedHeaderFieldsAreCaughtByTheMAC() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let original = try makeArchive(path, password: password, payloads: payloads)
        let edits: [(String, (inout ArchiveHeader) -> Void)] = [
            ("password date", { $0.passwordChangedAt += 86_400 * 100 }),
            ("owner", { $0.owner = "李娜" }),
            ("flags", { $0.flags.insert(.rekeyRequired) }),
            ("record count", { $0.recordCount -= 1 }),
        ]
        for (name, edit) in edits {
            try writeFile(path, try forgeHeader(original, edit: edit))
            XCTAssertNotNil(try? ArchiveInspection.inspect(path: path), "\(name): plaintext fields stay readable")
            XCTAssertVaultError(.headerAuthenticationFailed, try Vault.open(path: path, password: pw(password)))
        }
    }

    func testOneForgedCopyWithAHigherSequenceFallsBackToTheAuthenticCopy() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let original = try makeArchive(path, password: password, payloads: payloads)
        // Forge copy A only (sequence + 5, a changed date), with a correct checksum.
        let prefix = try ArchivePrefix(parsing: original)
        let a = try HeaderCopy(parsing: Array(original[32..<(32 + FormatV1.headerCopySize)]))
        var header = a.header
        header.sequence += 5
        header.passwordChangedAt += 86_400 * 200
        let forged = try HeaderCopy(header: header, prefix: prefix, headerKey: SymmetricKey.generate())
        var bytes = original
        bytes.replaceSubrange(32..<(32 + FormatV1.headerCopySize), with: forged.bytes)
        try writeFile(path, bytes)
        // Without the key, the forged copy looks current (its sequence is higher) ...
        XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.passwordChangedAt, header.passwordChangedAt)
        // ... with the key, the archive opens from copy B and reports copy A.
        let vault = try Vault.open(path: path, password: pw(password))
        XCTAssertEqual(vault.header.passwordChangedAt, a.header.passwordChangedAt)
        guard case .damaged = vault.copyStates[0] else { return XCTFail("copy A: \(vault.copyStates[0])") }
        XCTAssertEqual(vault.copyStates[1], .current)
        XCTAssertEqual(try vault.readAllRecords(), payloads)
        let report = try vault.verify()
        XCTAssertEqual(report.copyA, .forged)
        XCTAssertFalse(report.isClean)
    }

    func testUnknownVersionMagicAndSizesAreRefusedClearly() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let original = try makeArchive(path, password: password, payloads: payloads)
        var v2 = original
        v2[9] = 2
        try writeFile(path, v2)
        XCTAssertVaultError(.unsupportedVersion, try ArchiveInspection.inspect(path: path))
        var notOurs = original
        notOurs[0] = UInt8(ascii: "P")
        try writeFile(path, notOurs)
        XCTAssertVaultError(.notAnArchive, try ArchiveInspection.inspect(path: path))
        try writeFile(path, Array("name,grade\n".utf8))
        XCTAssertVaultError(.notAnArchive, try ArchiveInspection.inspect(path: path))
        var hugeRecord = original
        hugeRecord.replaceSubrange(FormatV1.bodyOffset..<(FormatV1.bodyOffset + 4), with: [0xFF, 0xFF, 0xFF, 0xFF])
        try writeFile(path, hugeRecord)
        XCTAssertVaultError(.recordDamaged, try Vault.open(path: path, password: pw(password)).readAllRecords())
    }

    func testHeaderEncodingIsCanonical() throws {
        let dir = try TempDir()
        let original = try makeArchive(dir.path("a.svault"), password: password, payloads: payloads)
        let copy = try HeaderCopy(parsing: Array(original[32..<(32 + FormatV1.headerCopySize)]))
        XCTAssertEqual(copy.header.serialized, copy.body)
        XCTAssertEqual(try ArchiveHeader(parsing: copy.body), copy.header)
        // Walk the fields to build non-canonical variants.
        var fields: [[UInt8]] = []
        var offset = 0
        while offset < copy.body.count {
            let length = copy.body[(offset + 1)..<(offset + 5)].reduce(0) { $0 << 8 | Int($1) }
            fields.append(Array(copy.body[offset..<(offset + 5 + length)]))
            offset += 5 + length
        }
        XCTAssertEqual(fields.count, 14, "eleven required fields, the password-change count (0x10), the owner's secrets and signature (FORMAT.md §4.2, §5.5, §5.6)")
        var swapped = fields
        swapped.swapAt(2, 3)
        let variants: [String: [UInt8]] = [
            "out of order": swapped.flatMap { $0 },
            "duplicate field": (fields[0...1] + [fields[1]] + fields[2...]).flatMap { $0 },
            "missing field": (fields[0...3] + fields[5...]).flatMap { $0 },
            "unknown field": fields.flatMap { $0 } + [0x7F, 0, 0, 0, 0],
            "trailing byte": fields.flatMap { $0 } + [0],
            "huge length": [0x01, 0xFF, 0xFF, 0xFF, 0xFF] + fields.dropFirst().flatMap { $0 },
        ]
        for (name, body) in variants {
            // A well-formed field this version does not know means a newer writer.
            XCTAssertVaultError(name == "unknown field" ? .unsupportedVersion : .headerDamaged, try ArchiveHeader(parsing: body))
        }
        // Every prefix is refused, except those that end exactly before an optional field at the
        // end (the password-change count, the owner's secrets or signature, FORMAT.md §4.2): those
        // parse, to a different header, whose MAC (computed over the body) then fails.
        let signatureStart = copy.body.count - fields[13].count
        let secretsStart = signatureStart - fields[12].count
        let countStart = secretsStart - fields[11].count
        let optionalStarts = [countStart, secretsStart, signatureStart]
        for cut in 0..<copy.body.count {
            if optionalStarts.contains(cut) {
                let shorter = try ArchiveHeader(parsing: Array(copy.body[..<cut]))
                XCTAssertNil(shorter.ownerSignature)
                XCTAssertEqual(shorter.passwordChanges == nil, cut == countStart)
                XCTAssertEqual(shorter.ownerSecrets == nil, cut != signatureStart)
                XCTAssertNotEqual(shorter, copy.header)
            } else {
                XCTAssertVaultError(.headerDamaged, try ArchiveHeader(parsing: Array(copy.body[..<cut])))
            }
        }
    }

    func testKDFCostAboveTheCapIsRefusedBeforeDeriving() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        let original = try makeArchive(path, password: password, payloads: [])
        // Rewrite logN (first byte of the password slot value) to 23 in both copies, fixing checksums.
        var bytes = original
        for index in 0..<2 {
            let start = 32 + index * FormatV1.headerCopySize
            var copy = Array(bytes[start..<(start + FormatV1.headerCopySize)])
            let body = copy[4..<(4 + (copy[0..<4].reduce(0) { $0 << 8 | Int($1) }))]
            // Find the slots field (tag 0x0B): tag(1) len(4) count(1) type(1) len(2) then logN.
            var slotsField = 0
            while body[body.startIndex + slotsField] != 0x0B {
                slotsField += 5 + body[(body.startIndex + slotsField + 1)..<(body.startIndex + slotsField + 5)].reduce(0) { $0 << 8 | Int($1) }
            }
            copy[4 + slotsField + 9] = 23
            copy.replaceSubrange((FormatV1.headerCopySize - 32)..., with: try SHA256.hash(Array(copy[..<(FormatV1.headerCopySize - 32)])))
            bytes.replaceSubrange(start..<(start + FormatV1.headerCopySize), with: copy)
        }
        try writeFile(path, bytes)
        XCTAssertVaultError(.kdfRefused, try ArchiveInspection.inspect(path: path))
    }
}
