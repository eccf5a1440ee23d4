@testable import VaultCrypto
import XCTest

final class ShamirTests: XCTestCase {
    // MARK: GF(2^8)

    func testMultiplicationMatchesFIPS197Examples() {
        // FIPS-197 §4.2: {57}·{83} = {c1}; §4.2.1: {57}·{13} = {fe} by way of xtime.
        XCTAssertEqual(Shamir.mul(0x57, 0x83), 0xC1)
        XCTAssertEqual(Shamir.mul(0x57, 0x13), 0xFE)
        XCTAssertEqual(Shamir.mul(0x57, 0x02), 0xAE)
        XCTAssertEqual(Shamir.mul(0x57, 0x04), 0x47)
        XCTAssertEqual(Shamir.mul(0x57, 0x08), 0x8E)
        XCTAssertEqual(Shamir.mul(0x57, 0x10), 0x07)
    }

    func testMultiplicationMatchesCarrylessReference() {
        // Schoolbook: carry-less product into 16 bits, then reduce by 0x11B.
        func reference(_ a: UInt8, _ b: UInt8) -> UInt8 {
            var p: UInt16 = 0
            for bit in 0..<8 where (b >> bit) & 1 == 1 { p ^= UInt16(a) << bit }
            for bit in stride(from: 15, through: 8, by: -1) where (p >> bit) & 1 == 1 { p ^= 0x11B << (bit - 8) }
            return UInt8(p)
        }
        for a in 0...255 {
            for b in 0...255 where Shamir.mul(UInt8(a), UInt8(b)) != reference(UInt8(a), UInt8(b)) {
                return XCTFail("mul(\(a), \(b))")
            }
        }
    }

    func testEveryNonzeroElementHasAnInverse() {
        XCTAssertEqual(Shamir.inv(0x53), 0xCA)  // FIPS-197 §4.2
        XCTAssertEqual(Shamir.inv(0), 0)
        for a in UInt8(1)...255 {
            XCTAssertEqual(Shamir.mul(a, Shamir.inv(a)), 1, "a = \(a)")
        }
    }

    // MARK: Known answers

    func testTwoOfThreeKnownAnswer() throws {
        // f_i(x) = s_i + c_i·x. Byte 0: s = 57, c = 83, xtime(83) = 06 ^ 1b = 1d:
        //   f(1) = 57^83 = d4, f(2) = 57^1d = 4a, f(3) = 57^1d^83 = c9.
        // Byte 1: s = 01, c = 80, xtime(80) = 1b:
        //   f(1) = 81, f(2) = 01^1b = 1a, f(3) = 1a^80 = 9a.
        var requested: [Int] = []
        let shares = try Shamir.split([0x57, 0x01], threshold: 2, count: 3) { n in
            requested.append(n)
            return [0x83, 0x80]
        }
        XCTAssertEqual(requested, [2])
        XCTAssertEqual(shares.map(\.x), [1, 2, 3])
        XCTAssertEqual(shares.map(\.y), [[0xD4, 0x81], [0x4A, 0x1A], [0xC9, 0x9A]])
        XCTAssertEqual(try Shamir.combine([shares[2], shares[0]]), [0x57, 0x01])
    }

    func testThreeOfThreeKnownAnswerFixesCoefficientOrder() throws {
        // f(x) = 01 + 02·x + 03·x^2 (random bytes: x^1 coefficient, then x^2).
        //   f(1) = 01^02^03 = 00
        //   f(2) = 01 ^ 02·02 ^ 03·04 = 01^04^0c = 09
        //   f(3) = 01 ^ 02·03 ^ 03·05 = 01^06^0f = 08   (03·03 = 05)
        let shares = try Shamir.split([0x01], threshold: 3, count: 3) { _ in [0x02, 0x03] }
        XCTAssertEqual(shares.map(\.y), [[0x00], [0x09], [0x08]])
        XCTAssertEqual(try Shamir.combine(shares), [0x01])
    }

    // MARK: Thresholds

    func testThreeOfFiveRecoversFromEveryThresholdSubsetOnly() throws {
        let secret = try Random.bytes(32)
        let shares = try Shamir.split(secret, threshold: 3, count: 5)
        XCTAssertEqual(shares.map(\.x), [1, 2, 3, 4, 5])
        for mask in 1..<(1 << 5) {
            let subset = shares.indices.filter { mask >> $0 & 1 == 1 }.map { shares[$0] }
            let recovered = try Shamir.combine(subset)
            if subset.count >= 3 {
                XCTAssertEqual(recovered, secret, "subset \(subset.map(\.x))")
                XCTAssertEqual(try Shamir.combine(Array(subset.reversed())), secret, "order does not matter")
            } else {
                XCTAssertNotEqual(recovered, secret, "subset \(subset.map(\.x)) is below the threshold")
            }
        }
    }

    func testTwoOfTwoAndSixteenOfSixteen() throws {
        for n in [2, 16] {
            let secret = try Random.bytes(32)
            let shares = try Shamir.split(secret, threshold: n, count: n)
            XCTAssertEqual(shares.count, n)
            XCTAssertEqual(try Shamir.combine(shares), secret, "\(n)-of-\(n)")
            XCTAssertNotEqual(try Shamir.combine(Array(shares.dropLast())), secret, "\(n - 1) of \(n)-of-\(n)")
        }
    }

    func testSecretLengthLimits() throws {
        for length in [1, Shamir.maxSecretBytes] {
            let secret = try Random.bytes(length)
            XCTAssertEqual(try Shamir.combine(Array(Shamir.split(secret, threshold: 2, count: 4).suffix(2))), secret)
        }
    }

    // MARK: Refusals

    func testInvalidSplitParametersThrow() {
        let key = [UInt8](repeating: 7, count: 32)
        assertInvalidParameter(try Shamir.split(key, threshold: 1, count: 3), "threshold 1")
        assertInvalidParameter(try Shamir.split(key, threshold: 0, count: 3), "threshold 0")
        assertInvalidParameter(try Shamir.split(key, threshold: 17, count: 17), "threshold 17")
        assertInvalidParameter(try Shamir.split(key, threshold: 3, count: 2), "count below threshold")
        assertInvalidParameter(try Shamir.split(key, threshold: 2, count: 17), "count 17")
        assertInvalidParameter(try Shamir.split([], threshold: 2, count: 3), "empty secret")
        assertInvalidParameter(
            try Shamir.split([UInt8](repeating: 1, count: Shamir.maxSecretBytes + 1), threshold: 2, count: 3), "oversized secret")
        assertInvalidParameter(try Shamir.split(key, threshold: 2, count: 3) { _ in [1, 2, 3] }, "short random source")
    }

    func testInvalidShareSetsThrow() throws {
        let shares = try Shamir.split([UInt8](repeating: 9, count: 32), threshold: 2, count: 3)
        assertInvalidParameter(try Shamir.combine([]), "no shares")
        assertInvalidParameter(try Shamir.combine([Shamir.Share(x: 0, y: shares[0].y), shares[1]]), "x = 0")
        assertInvalidParameter(try Shamir.combine([shares[0], shares[1], shares[0]]), "duplicate x")
        assertInvalidParameter(try Shamir.combine([shares[0], Shamir.Share(x: 1, y: shares[1].y)]), "duplicate x, other y")
        assertInvalidParameter(try Shamir.combine([shares[0], Shamir.Share(x: 2, y: Array(shares[1].y.dropLast()))]), "lengths differ")
        assertInvalidParameter(try Shamir.combine([Shamir.Share(x: 1, y: []), Shamir.Share(x: 2, y: [])]), "empty shares")
    }

    func testAShareKeepsItsOwnCopySoTheCallersArrayIsWipedInPlace() throws {
        // Before, a share kept a reference to the caller's array: wiping that array then copied
        // it (copy-on-write) and wiped the copy, leaving the secret in the share's buffer.
        var secret = [UInt8](repeating: 0x5A, count: 32)
        let before = secret.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        let share = Shamir.Share(x: 1, y: secret)
        secureZero(&secret)
        XCTAssertEqual(secret.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }, before, "the wipe went to a copy")
        XCTAssertEqual(secret, [UInt8](repeating: 0, count: 32))
        XCTAssertEqual(share.y, [UInt8](repeating: 0x5A, count: 32))
    }

    func testSplitReadsAKeyInPlaceAndGivesTheSameSharesAsItsBytes() throws {
        let bytes = (0..<32).map { UInt8($0) }
        let coefficients = (0..<64).map { UInt8(255 - $0) }
        let fromKey = try Shamir.split(SymmetricKey(data: bytes), threshold: 3, count: 4) { _ in coefficients }
        let fromBytes = try Shamir.split(bytes, threshold: 3, count: 4) { _ in coefficients }
        XCTAssertEqual(fromKey, fromBytes)
        XCTAssertEqual(try Shamir.combine(Array(fromKey[1...3])), bytes)
    }

    func testEmptySecureBytesCountsZero() {
        XCTAssertEqual(SecureBytes([UInt8]()).count, 0)
        XCTAssertEqual(SymmetricKey(data: [UInt8]()).byteCount, 0)
    }

    func testShareDescriptionHidesTheValue() {
        let share = Shamir.Share(x: 4, y: [0xAB, 0xCD])
        XCTAssertEqual("\(share)", "Shamir.Share(x: 4, 2 bytes, redacted)")
        XCTAssertEqual(String(reflecting: share), "\(share)")
    }

    private func assertInvalidParameter<T>(
        _ body: @autoclosure () throws -> T, _ message: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), message, file: file, line: line) { error in
            if case .invalidParameter? = error as? CryptoError { return }
            XCTFail("\(message): unexpected \(error)", file: file, line: line)
        }
    }
}
