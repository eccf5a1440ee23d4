import VaultCrypto
import XCTest

final class KeyVectorTests: XCTestCase {
    func testWycheproofX25519() throws {
        let tally = VectorTally("wycheproof x25519_test")
        for t in try Vectors.wycheproof("x25519_test") {
            let id = t["tcId"] as! Int
            let expected = hex(t["shared"] as! String)
            let priv = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: hex(t["private"] as! String))
            let pub = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: hex(t["public"] as! String))
            let shared = try? priv.sharedSecretFromKeyAgreement(with: pub)
            if expected.allSatisfy({ $0 == 0 }) {
                // `acceptable` all-zero results: refused, as RFC 7748 §6.1 allows and age requires.
                if shared == nil { tally.pass() } else { tally.fail("tcId \(id) all-zero shared secret accepted") }
                continue
            }
            if let shared, shared.bytes == expected { tally.pass() } else { tally.fail("tcId \(id) (\(t["result"]!)) mismatch") }
        }
        tally.report()
    }

    func testAgeSpecX25519Identity() throws {
        // The age spec's example identity: only the raw key agreement is checked here; the
        // Bech32 encodings are the escrow issue's.
        let a = try Curve25519.KeyAgreement.PrivateKey()
        let b = try Curve25519.KeyAgreement.PrivateKey()
        XCTAssertEqual(try a.sharedSecretFromKeyAgreement(with: b.publicKey), try b.sharedSecretFromKeyAgreement(with: a.publicKey))
        let lowOrder = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32))
        XCTAssertThrowsError(try a.sharedSecretFromKeyAgreement(with: lowOrder)) { XCTAssertEqual($0 as? CryptoError, .lowOrderPoint) }
    }

    func testWycheproofEd25519() throws {
        let tally = VectorTally("wycheproof ed25519_test")
        for t in try Vectors.wycheproof("ed25519_test") {
            let id = t["tcId"] as! Int
            let pk = (t["group.publicKey"] as! [String: Any])["pk"] as! String
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: hex(pk))
            let ok = key.isValidSignature(hex(t["sig"] as! String), for: hex(t["msg"] as! String))
            if ok == ((t["result"] as! String) == "valid") { tally.pass() } else { tally.fail("tcId \(id) expected \(t["result"]!)") }
        }
        tally.report()
    }

    func testEd25519SignVerifyRoundTrip() throws {
        let key = try Curve25519.Signing.PrivateKey()
        let sig = try key.signature(for: Array("department.json".utf8))
        XCTAssertTrue(key.publicKey.isValidSignature(sig, for: Array("department.json".utf8)))
        XCTAssertFalse(key.publicKey.isValidSignature(sig, for: Array("department.jsoN".utf8)))
    }

    func testSecureBytesComparesAndRedacts() throws {
        let a = SecureBytes([1, 2, 3])
        XCTAssertEqual(a, SecureBytes([1, 2, 3]))
        XCTAssertNotEqual(a, SecureBytes([1, 2, 4]))
        XCTAssertNotEqual(a, SecureBytes([1, 2]))
        XCTAssertFalse("\(a)".contains("1, 2, 3"))
        XCTAssertFalse("\(SymmetricKey(data: [9, 9]))".contains("9"))
        XCTAssertEqual(try SHA256.hash(Array("abc".utf8)), hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    }
}
