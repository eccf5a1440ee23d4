import Department
import Foundation
import VaultCrypto
import VaultFormat
import XCTest

/// The audit log's test vector (DEPARTMENT.md §7.6): `Vectors/audit-log-v1.json` gives a manager's
/// X25519 secret, the signing key derived from it, and logs with the verification result of each
/// line, so that a second implementation can check its derivation, its line parser and its
/// signature and chain rules. Everything in it is deterministic (Ed25519 signatures are), so this
/// test also rebuilds the file and compares (SV_WRITE_VECTORS=1 rewrites it).
final class AuditLogVectorTests: XCTestCase {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/audit-log-v1.json")

    /// The vector's inputs: fixed secret, archive id and uses.
    static func build() throws -> [String: Any] {
        let secret = (0..<32).map { UInt8($0 + 1) }
        let identity = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: secret)
        let signer = try ManagerSigningKey.derive(from: identity)
        let archive = (0..<16).map { UInt8(0xA0 + $0) }.hexString
        func use(_ record: UInt64, _ offset: UInt64, _ action: String, _ time: Int64, ownerKey: String? = nil) -> AuditLog.Use {
            AuditLog.Use(archiveID: archive, action: action, generation: 1, record: record, recordOffset: offset,
                         recordBytes: [0, 0, 0, 16] + [UInt8](repeating: UInt8(record), count: 12 + 16 + 16), payload: Array("record \(record) payload".utf8), time: time,
                         ownerKey: ownerKey)
        }
        // A reset names the owner key the registry enrolled (DEPARTMENT.md §7.2 `ownerKey`).
        let ownerKey = KeyFile.ownerKeyString(try Curve25519.Signing.PrivateKey(rawRepresentation: (0..<32).map { UInt8(0x60 + $0) }).publicKey.rawRepresentation)
        let line1 = try AuditLog.line(use(3, 400, "open", 1_767_261_600), entry: 1, prev: AuditLog.firstPrev, manager: "李经理", signer: signer)
        let line2 = try AuditLog.line(use(5, 900, "resetPassword", 1_767_348_000), entry: 2, prev: try SHA256.hash(Array(line1.dropLast())).hexString,
                                      manager: "李经理", signer: signer)
        var altered = line2
        // "record":5 → "record":6 (one digit of the signed JSON).
        let needle = Array("\"record\":5,".utf8)
        let at = try XCTUnwrap((0...(altered.count - needle.count)).first { Array(altered[$0..<$0 + needle.count]) == needle })
        altered[at + needle.count - 2] = UInt8(ascii: "6")
        let text = { (lines: [[UInt8]]) in String(decoding: lines.joined(), as: UTF8.self) }
        let stranger = try ManagerSigningKey.derive(from: try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: (0..<32).map { UInt8(0x40 + $0) }))
        let foreign = try AuditLog.line(use(7, 1_500, "open", 1_767_400_000), entry: 3, prev: try SHA256.hash(Array(line2.dropLast())).hexString,
                                        manager: "李经理", signer: stranger)
        let reset = try AuditLog.line(use(5, 900, "resetPassword", 1_767_348_000, ownerKey: ownerKey), entry: 2,
                                      prev: try SHA256.hash(Array(line1.dropLast())).hexString, manager: "李经理", signer: signer)
        let openNamingAKey = try AuditLog.line(use(3, 400, "open", 1_767_261_600, ownerKey: ownerKey), entry: 1, prev: AuditLog.firstPrev,
                                               manager: "李经理", signer: signer)
        // Round 4, N6: the first line with its time written 1.7672616e9 and signed as written:
        // JSON readers take it as the same number, but only the canonical form is a line.
        let json1 = Array(line1.prefix { $0 != 9 })
        let canonicalTime = Array("\"time\":1767261600".utf8)
        let t = try XCTUnwrap((0...(json1.count - canonicalTime.count)).first { Array(json1[$0..<$0 + canonicalTime.count]) == canonicalTime })
        let exponentJSON = Array(json1[..<t]) + Array("\"time\":1.7672616e9".utf8) + Array(json1[(t + canonicalTime.count)...])
        let exponent = exponentJSON + [9] + Array(Base64.encode(try signer.signature(for: AuditLog.signaturePrefix + exponentJSON)).utf8) + [10]
        return [
            "ownerKey": ownerKey,
            "about": "SalesVault department audit log, DEPARTMENT.md §7. Verify each case's log with registry {manager: signingKey}; expect one result per line.",
            "managerX25519SecretHex": secret.hexString,
            "managerRecipient": AgeKeys.recipientString(identity.publicKey),
            "signingSeedHex": signer.rawRepresentation.bytes.hexString,
            "signingKey": ManagerSigningKey.string(signer.publicKey),
            "manager": "李经理",
            "archive": archive,
            "cases": [
                ["name": "two genuine lines", "log": text([line1, line2]), "expect": ["trusted", "trusted"]],
                ["name": "second line altered (record 5 changed to 6)", "log": text([line1, altered]), "expect": ["trusted", "bad signature"]],
                ["name": "first line removed", "log": text([line2]), "expect": ["chain broken"]],
                ["name": "a line by a key the registry does not list", "log": text([line1, line2, foreign]),
                 "expect": ["trusted", "trusted", "key not in the registry"]],
                ["name": "a torn line", "log": text([line1]) + String(decoding: line2.prefix(40), as: UTF8.self) + "\n", "expect": ["trusted", "malformed"]],
                // DEPARTMENT.md §7.3: readers take no lock; a last line without its LF that does
                // not verify is a write in progress (or cut short), not an alteration.
                ["name": "a last line being written", "log": text([line1]) + String(decoding: line2.prefix(40), as: UTF8.self),
                 "expect": ["trusted", "incomplete last line"]],
                ["name": "a reset naming the owner key it replaces (ownerKey, 15 members)", "log": text([line1, reset]), "expect": ["trusted", "trusted"]],
                ["name": "ownerKey on a line that is not a reset", "log": text([openNamingAKey]), "expect": ["malformed"]],
                ["name": "a number not in canonical form (time 1.7672616e9, signed as written)", "log": text([exponent]), "expect": ["malformed"]],
            ],
        ]
    }

    func testTheVectorFileIsWhatTheRulesGive() throws {
        let built = try JSONSerialization.data(withJSONObject: try Self.build(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) + Data("\n".utf8)
        if ProcessInfo.processInfo.environment["SV_WRITE_VECTORS"] == "1" {
            try FileManager.default.createDirectory(at: Self.file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try built.write(to: Self.file)
        }
        XCTAssertEqual(try Data(contentsOf: Self.file), built, "Vectors/audit-log-v1.json differs from the rules (SV_WRITE_VECTORS=1 rewrites it)")
    }

    /// What a second implementation does: read the file, derive, verify each case.
    func testEveryCaseVerifiesAsExpected() throws {
        let v = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.file)) as? [String: Any])
        let secret = try XCTUnwrap(hex(v["managerX25519SecretHex"] as? String))
        let identity = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: secret)
        let signer = try ManagerSigningKey.derive(from: identity)
        XCTAssertEqual(signer.rawRepresentation.bytes.hexString, v["signingSeedHex"] as? String)
        XCTAssertEqual(ManagerSigningKey.string(signer.publicKey), v["signingKey"] as? String)
        XCTAssertEqual(AgeKeys.recipientString(identity.publicKey), v["managerRecipient"] as? String)
        var registry = Registry(name: "vector", adminKey: try Curve25519.Signing.PrivateKey().publicKey, now: 0)
        try registry.addManager(name: try XCTUnwrap(v["manager"] as? String), recipient: identity.publicKey, role: "department manager", now: 0,
                                signingKey: signer.publicKey)
        let cases = try XCTUnwrap(v["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 9)
        for c in cases {
            let log = try XCTUnwrap(c["log"] as? String)
            let checked = AuditLog.verify(Array(log.utf8), archiveID: try XCTUnwrap(v["archive"] as? String), registry: registry)
            XCTAssertEqual(checked.lines.map(\.trust.rawValue), c["expect"] as? [String], "\(c["name"] ?? "")")
            if (c["name"] as? String)?.hasPrefix("a reset naming") == true {
                XCTAssertEqual(checked.lines.last?.entry?.ownerKey, v["ownerKey"] as? String)
            }
        }
    }

    func hex(_ s: String?) -> [UInt8]? {
        guard let s, s.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            guard let b = UInt8(s[i..<j], radix: 16) else { return nil }
            out.append(b)
            i = j
        }
        return out
    }
}
