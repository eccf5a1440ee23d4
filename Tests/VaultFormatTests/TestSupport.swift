import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

/// A temporary directory removed at the end of the test.
final class TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("svtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

func pw(_ s: String) -> SecureBytes { SecureBytes(Array(s.utf8)) }

let fastKDF = KDFParameters.Choice.insecureForTesting(logN: 10)
let t0: Int64 = 1_780_000_000

func readFile(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
func writeFile(_ path: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

/// Makes an archive with `payloads` appended, closed again.
@discardableResult
func makeArchive(_ path: String, password: String = "correct horse", payloads: [[UInt8]]) throws -> [UInt8] {
    let vault = try Vault.create(path: path, owner: "张伟 Zhang Wei", password: pw(password), kdf: fastKDF, now: t0)
    for (i, p) in payloads.enumerated() { try vault.append(p, now: t0 + Int64(i)) }
    return try readFile(path)
}

func XCTAssertVaultError<T>(_ code: VaultError.Code, _ expression: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        XCTAssertEqual((error as? VaultError)?.code, code, "got \(error)", file: file, line: line)
    }
}
