import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

/// Runs every file of the format testkit (FORMAT.md §10) and checks its `expect:` outcome.
final class TestkitTests: XCTestCase {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Testkit")
    }

    struct Case {
        let name: String
        let fields: [String: String]
        let archive: [UInt8]
    }

    func loadCases() throws -> [Case] { try Self.loadCases() }

    static func loadCases() throws -> [Case] {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".svtest") }.sorted()
        return try files.map { name in
            let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(name)))
            guard let split = (0..<(bytes.count - 1)).first(where: { bytes[$0] == 10 && bytes[$0 + 1] == 10 }) else {
                throw VaultError(.invalidArgument, "\(name): no blank line after the preamble")
            }
            var fields: [String: String] = [:]
            for line in String(decoding: bytes[..<split], as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                fields[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            return Case(name: name, fields: fields, archive: Array(bytes[(split + 2)...]))
        }
    }

    /// The outcome of opening an archive, in the testkit's words.
    static func outcome(path: String, password: String, ownerKey: String? = nil, checkSigning: Bool = false) -> (String, [[UInt8]]) {
        do {
            let vault = try Vault.open(path: path, password: SecureBytes(Array(password.utf8)))
            let records = try vault.readAllRecords()
            // FORMAT.md §10: a signed success vector names its owner key; the others are unsigned.
            let signing: Vault.OwnerSigning = ownerKey.map { .signed(publicKey: [UInt8](hex: $0)) } ?? .unsigned
            guard !checkSigning || vault.ownerSigning == signing else { return ("owner signing \(vault.ownerSigning)", records) }
            return (vault.unfinishedBytes > 0 ? "unfinished append" : "success", records)
        } catch let error as VaultError {
            switch error.code {
            case .notAnArchive: return ("not an archive", [])
            case .unsupportedVersion: return ("unsupported version", [])
            case .headerDamaged, .headerAuthenticationFailed: return ("header failure", [])
            case .wrongPassword: return ("wrong password", [])
            case .kdfRefused: return ("kdf refused", [])
            case .truncated: return ("truncated", [])
            case .recordDamaged, .recordsMismatch: return ("record failure", [])
            case .ownerSignatureInvalid: return ("owner signature invalid", [])
            default: return ("error: \(error)", [])
            }
        } catch {
            return ("error: \(error)", [])
        }
    }

    func testEveryTestkitFileGivesItsExpectedOutcome() throws {
        let cases = try loadCases()
        XCTAssertGreaterThanOrEqual(cases.count, 20, "testkit missing; run Scripts/gen-testkit")
        let dir = try TempDir()
        var passed = 0
        for c in cases {
            let path = dir.path(c.name)
            try writeFile(path, c.archive)
            let (got, records) = Self.outcome(path: path, password: c.fields["password"] ?? "", ownerKey: c.fields["owner-key"],
                                              checkSigning: c.fields["expect"] == "success")
            if c.fields["signature"] == "stripped" {
                // FORMAT.md §4.2: unsigned, no mustChangePassword, a key enrolled: invalid. The
                // format layer alone opens it as unsigned; the rule needs the registry's key.
                let header = try ArchiveInspection.inspect(path: path).header
                XCTAssertEqual(got, "success", "\(c.name): the archive itself opens, unsigned")
                XCTAssertEqual([UInt8](hex: c.fields["enrolled-key"] ?? "").count, 32, c.name)
                let stripped = header.ownerSecrets == nil && header.ownerSignature == nil && !header.flags.contains(.mustChangePassword)
                XCTAssertEqual(stripped ? "owner signature invalid" : "unsigned", c.fields["expect"], c.name)
                XCTAssertEqual(try RecordDigest.check(path: path, readBody: true), .unsigned, c.name)
                passed += 1
                continue
            }
            if c.fields["signature"] == "keyless" {
                // FORMAT.md §5.6 checks 1–5 need no key: the same verdict without the password.
                guard case .invalid = try RecordDigest.check(path: path, readBody: true) else { XCTFail("\(c.name): keyless check passed"); continue }
            } else if c.fields["signature"] == "valid" {
                XCTAssertEqual(try RecordDigest.check(path: path, readBody: true), .valid(publicKey: [UInt8](hex: c.fields["owner-key"] ?? "")), c.name)
            }
            let expected = c.fields["expect"] ?? "?"
            XCTAssertEqual(got, expected, "\(c.name): \(c.fields["comment"] ?? "")")
            if expected == "success" {
                XCTAssertEqual(records.count, Int(c.fields["records"] ?? "") ?? -1, c.name)
                XCTAssertEqual(try SHA256.hash(records.flatMap { $0 }).hexString, c.fields["payload-sha256"], c.name)
            }
            if let changes = c.fields["password-changes"] {
                // FORMAT.md §4.2 0x10: the owner's password changes, as the vector states.
                XCTAssertEqual(try ArchiveInspection.inspect(path: path).header.passwordChanges, UInt32(changes), c.name)
            }
            if let ids = c.fields["identities"], let k = c.fields["threshold"].flatMap({ Int($0) }) {
                // Scheme 3 vectors (FORMAT.md §10): each holder's own check, then every group of k.
                let keys = try ids.split(separator: " ").map { try AgeKeys.parseIdentity(String($0)) }
                let bad = Set((c.fields["inconsistent"] ?? "").split(separator: " ").compactMap { Int($0) })
                let inspection = try ArchiveInspection.inspect(path: path)
                var escrowOK = true
                for (i, key) in keys.enumerated() {
                    let result = inspection.checkShares(identities: [key]).map(\.result)
                    escrowOK = escrowOK && result == [bad.contains(i + 1) ? .inconsistent : .consistent]
                    XCTAssertThrowsError(try Vault.open(path: path, escrowIdentities: [key]), "\(c.name): one share alone")
                }
                for group in Self.subsets(Array(keys.indices), k) {
                    let ids = group.map { keys[$0] }
                    if group.contains(where: { bad.contains($0 + 1) }) {
                        XCTAssertThrowsError(try Vault.open(path: path, escrowIdentities: ids), "\(c.name): \(group) includes an inconsistent share")
                    } else {
                        let records = try Vault.open(path: path, escrowIdentities: ids).readAllRecords()
                        let hash = try SHA256.hash(records.flatMap { $0 }).hexString
                        escrowOK = escrowOK && hash == c.fields["payload-sha256"]
                    }
                }
                XCTAssertTrue(escrowOK, "\(c.name): escrow")
                if !escrowOK { passed -= 1 }
            } else if let ids = c.fields["identities"] {
                // Escrow vectors: the listed identities open the archive without the password.
                let keys = try ids.split(separator: " ").map { try AgeKeys.parseIdentity(String($0)) }
                let threshold = c.name.contains("two_of_three") ? 2 : 1
                var escrowOK = true
                for group in (threshold == 1 ? keys.map { [$0] } : [keys]) {
                    let records = try Vault.open(path: path, escrowIdentities: group).readAllRecords()
                    let hash = try SHA256.hash(records.flatMap { $0 }).hexString
                    escrowOK = escrowOK && hash == c.fields["payload-sha256"]
                }
                if threshold > 1 {
                    XCTAssertThrowsError(try Vault.open(path: path, escrowIdentities: [keys[0]]), "\(c.name): one share alone")
                }
                XCTAssertTrue(escrowOK, "\(c.name): escrow open")
                if !escrowOK { passed -= 1 }
            }
            if got == expected { passed += 1 }
            try? FileManager.default.removeItem(atPath: path)
        }
        print("[testkit] \(passed) passed, \(cases.count - passed) failed of \(cases.count) files")
    }

    static func subsets(_ items: [Int], _ k: Int) -> [[Int]] {
        guard k > 0 else { return [[]] }
        guard items.count >= k else { return [] }
        let rest = Array(items.dropFirst())
        return subsets(rest, k - 1).map { [items[0]] + $0 } + subsets(rest, k)
    }

    func testDamagedCopyIsReportedByVerify() throws {
        let c = try XCTUnwrap(try loadCases().first { $0.name == "success_copy_b_damaged.svtest" })
        let dir = try TempDir()
        try writeFile(dir.path("a"), c.archive)
        let report = try Vault.open(path: dir.path("a"), password: SecureBytes(Array(c.fields["password"]!.utf8))).verify()
        XCTAssertEqual(report.copyA, .authentic)
        guard case .damaged = report.copyB else { return XCTFail("copy B: \(report.copyB)") }
        XCTAssertFalse(report.isClean)
    }
}

extension Array where Element == UInt8 {
    /// Bytes from hexadecimal digits (the testkit's `owner-key:`); invalid digits give no bytes.
    init(hex: String) {
        var out: [UInt8] = []
        var chars = Array(hex.utf8)
        if chars.count % 2 == 1 { chars = [] }
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let b = UInt8(String(decoding: chars[i...i + 1], as: UTF8.self), radix: 16) else { self = []; return }
            out.append(b)
        }
        self = out
    }
}
