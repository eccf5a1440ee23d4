import VaultCrypto
import XCTest

/// Strict Ed25519 verification for owner keys (FORMAT.md §5.6 check 4): small-order and
/// non-canonical public keys and R values are refused.
final class Ed25519StrictTests: XCTestCase {
    let identity = [UInt8(1)] + [UInt8](repeating: 0, count: 31)

    func testTheIdentityKeyVerifiesAnythingUnderOpenSSLAndIsRefusedStrictly() throws {
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: identity)
        let forged = identity + [UInt8](repeating: 0, count: 32)  // R = identity, S = 0
        let message = Array("any header at all".utf8)
        // What OpenSSL's cofactorless verification does (the reason for the strict check):
        XCTAssertTrue(key.isValidSignature(forged, for: message), "OpenSSL accepts R = identity, S = 0 under the identity key")
        XCTAssertFalse(key.isStrict)
        XCTAssertFalse(key.isStrictlyValidSignature(forged, for: message))
    }

    func testEverySmallOrderAndNonCanonicalEncodingIsWeakAndRealKeysAreNot() throws {
        func hex(_ s: String) -> [UInt8] { stride(from: 0, to: s.count, by: 2).map { UInt8(s.dropFirst($0).prefix(2), radix: 16)! } }
        let weak = [
            [UInt8](repeating: 0, count: 32), identity,
            hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // p − 1, order 2
            hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // p (= 0)
            hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // p + 1 (= 1)
            hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),  // order 8
            hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),  // order 8
            hex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // y ≥ p
        ]
        for w in weak {
            XCTAssertTrue(Curve25519.Signing.isWeakPointEncoding(w), w.map { String(format: "%02x", $0) }.joined())
            var signed = w
            signed[31] |= 0x80  // the sign bit does not help
            XCTAssertTrue(Curve25519.Signing.isWeakPointEncoding(signed))
        }
        for _ in 0..<20 {
            let key = try Curve25519.Signing.PrivateKey()
            XCTAssertTrue(key.publicKey.isStrict)
            let message = Array("header".utf8)
            let signature = try key.signature(for: message)
            XCTAssertTrue(key.publicKey.isStrictlyValidSignature(signature, for: message))
        }
    }
}
