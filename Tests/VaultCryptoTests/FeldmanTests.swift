@testable import VaultCrypto
import XCTest

/// Feldman verifiable secret sharing over P-256 (FORMAT.md §5.2 scheme 3). The known answers were
/// computed by an independent affine-coordinate P-256 in Python (textbook formulas, SEC 2 domain
/// parameters), not by this code.
final class FeldmanTests: XCTestCase {
    func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    func scalar(_ s: String) -> SecureBytes { SecureBytes(hex(s)) }

    let g = "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
    let q = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
    let qMinus1 = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550"
    let qMinus2 = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f"
    let one = String(repeating: "0", count: 63) + "1"
    let two = String(repeating: "0", count: 63) + "2"

    // MARK: Known answers

    func testCommitmentsOfKnownScalars() throws {
        XCTAssertEqual(try Feldman.commitment(to: scalar(one)), hex(g), "1·G is the generator (SEC 2)")
        XCTAssertEqual(try Feldman.commitment(to: scalar(two)), hex("037cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978"))
        XCTAssertEqual(try Feldman.commitment(to: scalar(qMinus1)), hex("026b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"), "−G")
        XCTAssertThrowsError(try Feldman.commitment(to: scalar(q)), "q is not a scalar")
        XCTAssertThrowsError(try Feldman.commitment(to: SecureBytes([UInt8](repeating: 0, count: 32))), "0·G is infinity")
    }

    func testKnownThreeOfFourDealing() throws {
        let coefficients = ["0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
                            "1111111111111111111111111111111111111111111111111111111111111111", qMinus2]
        let dealing = try Feldman.deal(coefficients: coefficients.map(scalar), count: 4)
        XCTAssertEqual(dealing.secret.bytes, hex(coefficients[0]))
        XCTAssertEqual(dealing.commitments, [
            hex("02515c3d6eb9e396b904d3feca7f54fdcd0cc1e997bf375dca515ad0a6c3b4035f"),
            hex("020217e617f0b6443928278f96999e69a23a4f2c152bdf6d6cdf66e5b80282d4ed"),
            hex("027cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978"),
        ])
        XCTAssertEqual(dealing.shares.map(\.x), [1, 2, 3, 4])
        XCTAssertEqual(dealing.shares.map(\.y), [
            hex("12131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f302f"),
            hex("232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40413a"),
            hex("3435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f50515241"),
            hex("45464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f6061626344"),
        ])
        for share in dealing.shares { XCTAssertTrue(try Feldman.verify(share: share, commitments: dealing.commitments), "x = \(share.x)") }
        XCTAssertEqual(try Feldman.combine(Array(dealing.shares.suffix(3))).bytes, hex(coefficients[0]))
    }

    // MARK: Every k-subset, and fewer

    func subsets<T>(_ items: [T], _ k: Int) -> [[T]] {
        guard k > 0 else { return [[]] }
        guard items.count >= k else { return [] }
        let rest = Array(items.dropFirst())
        return subsets(rest, k - 1).map { [items[0]] + $0 } + subsets(rest, k)
    }

    func testEveryKSubsetRecombinesAndFewerDoNot() throws {
        for (k, n) in [(2, 3), (3, 4), (3, 5), (2, 2), (5, 5)] {
            let dealing = try Feldman.deal(threshold: k, count: n)
            XCTAssertEqual(dealing.commitments.count, k)
            XCTAssertTrue(try Feldman.matches(secret: dealing.secret, commitment: dealing.commitments[0]))
            for share in dealing.shares {
                XCTAssertEqual(share.value.count, 32)
                XCTAssertTrue(try Feldman.verify(share: share, commitments: dealing.commitments), "\(k)-of-\(n) x = \(share.x)")
            }
            for subset in subsets(dealing.shares, k) {
                let s = try Feldman.combine(subset)
                XCTAssertEqual(s, dealing.secret, "\(k)-of-\(n) \(subset.map(\.x))")
                XCTAssertTrue(try Feldman.matches(secret: s, commitment: dealing.commitments[0]))
            }
            for subset in subsets(dealing.shares, k - 1) where !subset.isEmpty {
                let s = try Feldman.combine(subset)
                XCTAssertFalse(try Feldman.matches(secret: s, commitment: dealing.commitments[0]), "k − 1 shares must not give s")
            }
        }
    }

    // MARK: A dishonest dealer

    /// A dealer who gives one holder a share off the committed polynomial: that holder's own check
    /// fails; subsets with the bad share give another secret (caught by s·G ≠ C_0), the others open.
    func testAnInconsistentShareIsCaughtByItsHoldersOwnCheck() throws {
        let dealing = try Feldman.deal(threshold: 2, count: 3)
        var shares = dealing.shares
        shares[2] = try Feldman.deal(threshold: 2, count: 3).shares[2]  // a valid scalar of another polynomial
        XCTAssertTrue(try Feldman.verify(share: shares[0], commitments: dealing.commitments))
        XCTAssertTrue(try Feldman.verify(share: shares[1], commitments: dealing.commitments))
        XCTAssertFalse(try Feldman.verify(share: shares[2], commitments: dealing.commitments), "the holder of x = 3 sees it alone")
        XCTAssertEqual(try Feldman.combine([shares[0], shares[1]]), dealing.secret)
        for pair in [[shares[0], shares[2]], [shares[1], shares[2]]] {
            XCTAssertFalse(try Feldman.matches(secret: try Feldman.combine(pair), commitment: dealing.commitments[0]))
        }
        // A share moved to another x, or commitments of another dealing, fail as well.
        XCTAssertFalse(try Feldman.verify(share: Shamir.Share(x: 3, value: shares[0].value), commitments: dealing.commitments))
        let other = try Feldman.deal(threshold: 2, count: 3)
        XCTAssertFalse(try Feldman.verify(share: dealing.shares[0], commitments: other.commitments))
        XCTAssertFalse(try Feldman.verify(share: dealing.shares[0], commitments: [dealing.commitments[0]]), "a commitment left out")
    }

    // MARK: Refusals

    func testMalformedPointsAreRefused() throws {
        XCTAssertNoThrow(try Feldman.validatePoint(hex(g)))
        let bad: [(String, [UInt8])] = [
            ("infinity, SEC1 encoding", [0]),
            ("infinity padded to 33 bytes", [UInt8](repeating: 0, count: 33)),
            ("uncompressed prefix", [4] + hex(g).dropFirst()),
            ("hybrid prefix", [6] + hex(g).dropFirst()),
            ("x = 1 is not on P-256", [2] + [UInt8](repeating: 0, count: 31) + [1]),
            ("x = p", [2] + hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")),
            ("x = 2^256 − 1", [3] + [UInt8](repeating: 0xFF, count: 32)),
            ("too short", Array(hex(g).dropLast())),
            ("too long", hex(g) + [0]),
            ("empty", []),
        ]
        for (what, bytes) in bad {
            XCTAssertThrowsError(try Feldman.validatePoint(bytes), what)
            XCTAssertThrowsError(try Feldman.verify(share: Shamir.Share(x: 1, y: hex(one)), commitments: [bytes]), what)
        }
        XCTAssertNoThrow(try Feldman.validatePoint([2] + hex(g).dropFirst()), "−G")
    }

    func testMalformedSharesAreRefused() throws {
        let dealing = try Feldman.deal(threshold: 2, count: 3)
        let c = dealing.commitments
        XCTAssertThrowsError(try Feldman.verify(share: Shamir.Share(x: 1, y: hex(q)), commitments: c), "y = q")
        XCTAssertThrowsError(try Feldman.verify(share: Shamir.Share(x: 1, y: [1, 2, 3]), commitments: c), "short y")
        XCTAssertThrowsError(try Feldman.verify(share: Shamir.Share(x: 0, y: hex(one)), commitments: c), "x = 0")
        XCTAssertNoThrow(try Feldman.verify(share: Shamir.Share(x: 1, y: hex(qMinus1)), commitments: c), "q − 1 is a scalar")
        XCTAssertThrowsError(try Feldman.combine([]))
        XCTAssertThrowsError(try Feldman.combine([dealing.shares[0], dealing.shares[0]]), "duplicate x")
        XCTAssertThrowsError(try Feldman.combine([Shamir.Share(x: 0, y: hex(one)), dealing.shares[1]]), "x = 0")
        XCTAssertThrowsError(try Feldman.combine([Shamir.Share(x: 1, y: hex(q)), dealing.shares[1]]), "y = q")
        XCTAssertThrowsError(try Feldman.deal(threshold: 1, count: 3))
        XCTAssertThrowsError(try Feldman.deal(threshold: 3, count: 2))
        XCTAssertThrowsError(try Feldman.deal(threshold: 2, count: 17))
        XCTAssertThrowsError(try Feldman.deal(coefficients: [scalar(one), SecureBytes([UInt8](repeating: 0, count: 32))], count: 2), "zero coefficient")
        XCTAssertThrowsError(try Feldman.deal(coefficients: [scalar(one), scalar(q)], count: 2), "coefficient q")
    }

    func testDealingsAreRandom() throws {
        let a = try Feldman.deal(threshold: 2, count: 2)
        let b = try Feldman.deal(threshold: 2, count: 2)
        XCTAssertNotEqual(a.secret, b.secret)
        XCTAssertNotEqual(a.commitments, b.commitments)
        XCTAssertEqual(String(describing: a.shares[0]), "Shamir.Share(x: 1, 32 bytes, redacted)")
    }
}
