import Foundation
import VaultCrypto
import XCTest

/// THREAT-MODEL §9 (issue 13, finding 8): key buffers are on pages of their own, left out of
/// core dumps (`MADV_DONTDUMP`, the `dd` flag in /proc/self/smaps).
final class SecureMemoryTests: XCTestCase {
    func testSecureBytesAreExcludedFromCoreDumps() throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/smaps") else { throw XCTSkip("no /proc/self/smaps on this system") }
        let key = try SymmetricKey.generate(bitCount: 256)
        let secret = try SecureBytes.random(count: 100)
        for buffer in [key.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }, secret.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }] {
            XCTAssertEqual(buffer % UInt(sysconf(Int32(_SC_PAGESIZE))), 0, "page-aligned")
            XCTAssertTrue(try flags(of: buffer).contains("dd"), "MADV_DONTDUMP on the key's page")
        }
    }

    /// The VmFlags of the mapping that holds `address`.
    private func flags(of address: UInt) throws -> [Substring] {
        // Read line by line (a /proc file has no size for a whole-file read).
        guard let file = fopen("/proc/self/smaps", "r") else { return [] }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 4096)
        var lines: [Substring] = []
        while fgets(&buffer, Int32(buffer.count), file) != nil { lines.append(Substring(String(cString: buffer).trimmingCharacters(in: .newlines))) }
        var inside = false
        for line in lines {
            if let dash = line.firstIndex(of: "-"), let space = line.firstIndex(of: " "), dash < space,
               let start = UInt(line[..<dash], radix: 16), let end = UInt(line[line.index(after: dash)..<space], radix: 16) {
                inside = start <= address && address < end
            } else if inside, line.hasPrefix("VmFlags:") {
                return line.split(separator: " ")
            }
        }
        return []
    }
}
