import Foundation
import XCTest

/// Loads the test vectors kept in the repository (`Tests/VaultCryptoTests/Vectors`, copied from
/// the shared folder with their licence; see `Vectors/SOURCE.md`).
enum Vectors {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")
    }

    static func load(_ relativePath: String) throws -> [String: Any] {
        let url = directory.appendingPathComponent(relativePath)
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NSError(domain: "vectors", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a JSON object: \(url.path)"])
        }
        return object
    }

    /// Every Wycheproof test with its group's fields merged in (`group.*`).
    static func wycheproof(_ name: String) throws -> [[String: Any]] {
        let root = try load("wycheproof/\(name).json")
        var tests: [[String: Any]] = []
        for group in root["testGroups"] as? [[String: Any]] ?? [] {
            for test in group["tests"] as? [[String: Any]] ?? [] {
                var merged = test
                for (key, value) in group where key != "tests" { merged["group.\(key)"] = value }
                tests.append(merged)
            }
        }
        let declared = root["numberOfTests"] as? Int ?? -1
        XCTAssertEqual(tests.count, declared, "\(name): test count differs from numberOfTests")
        return tests
    }
}

func hex(_ string: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(string.count / 2)
    var iterator = string.utf8.makeIterator()
    while let hi = iterator.next(), let lo = iterator.next() {
        out.append(UInt8(nibble(hi) << 4 | nibble(lo)))
    }
    return out
}

private func nibble(_ c: UInt8) -> Int {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c - UInt8(ascii: "A") + 10)
    default: return 0
    }
}

/// Counts outcomes of a vector file and prints a one-line summary; skipped vectors need a reason.
final class VectorTally {
    let name: String
    private(set) var passed = 0
    private(set) var failed = 0
    private var skipped: [String: Int] = [:]

    init(_ name: String) { self.name = name }

    func pass() { passed += 1 }

    func fail(_ message: String, file: StaticString = #filePath, line: UInt = #line) {
        failed += 1
        XCTFail("\(name): \(message)", file: file, line: line)
    }

    func skip(reason: String) { skipped[reason, default: 0] += 1 }

    func report(file: StaticString = #filePath, line: UInt = #line) {
        var text = "[vectors] \(name): \(passed) passed, \(failed) failed"
        let skippedCount = skipped.values.reduce(0, +)
        if skippedCount > 0 {
            text += ", \(skippedCount) skipped ("
            text += skipped.sorted { $0.key < $1.key }.map { "\($0.value): \($0.key)" }.joined(separator: "; ") + ")"
        }
        print(text)
        XCTAssertGreaterThan(passed, 0, "\(name): no vector ran", file: file, line: line)
    }
}
