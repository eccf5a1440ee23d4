import Foundation
@testable import VaultCrypto
import XCTest

final class KeyVectorTests: XCTestCase {
    func testWycheproofX25519() throws {
        let tally = VectorTally("wycheproof x25519_test")
        for t in try Vectors.wycheproof("x25519_test") {
            let id = t["tcId"] as! Int
            let expected = hex(t["shared"] as! String)
            let priv = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: hex(t["private"] as! String))
            let pub = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: hex(t["public"] as! String))
            if expected.allSatisfy({ $0 == 0 }) {
                // `acceptable` all-zero results: refused as low-order points, as RFC 7748 §6.1
                // allows and age requires.
                do {
                    _ = try priv.sharedSecretFromKeyAgreement(with: pub)
                    tally.fail("tcId \(id) all-zero shared secret accepted")
                } catch CryptoError.lowOrderPoint {
                    tally.pass()
                } catch {
                    tally.fail("tcId \(id) all-zero shared secret refused with \(error), not lowOrderPoint")
                }
                continue
            }
            let shared = try? priv.sharedSecretFromKeyAgreement(with: pub)
            if let shared, shared.bytes == expected { tally.pass() } else { tally.fail("tcId \(id) (\(t["result"]!)) mismatch") }
        }
        tally.report()
    }

    func testAgeSpecX25519Identity() throws {
        // The age spec's example identity (C2SP age.md), from the vector file.
        let vector = try XCTUnwrap((try Vectors.load("rfc/age_spec_x25519_keys.json")["vectors"] as? [[String: Any]])?.first)
        let spec = try AgeKeys.parseIdentity(try XCTUnwrap(vector["identity"] as? String))
        XCTAssertEqual(AgeKeys.recipientString(spec.publicKey), vector["recipient"] as? String)
        XCTAssertEqual(spec.publicKey, try AgeKeys.parseRecipient(try XCTUnwrap(vector["recipient"] as? String)))
        let other = try Curve25519.KeyAgreement.PrivateKey()
        XCTAssertEqual(try spec.sharedSecretFromKeyAgreement(with: other.publicKey), try other.sharedSecretFromKeyAgreement(with: spec.publicKey))
        let lowOrder = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32))
        XCTAssertThrowsError(try spec.sharedSecretFromKeyAgreement(with: lowOrder)) { XCTAssertEqual($0 as? CryptoError, .lowOrderPoint) }
    }

    func testX25519LowOrderPeersAreLowOrderAndOtherFailuresAreOpenSSLErrors() throws {
        let key = try Curve25519.KeyAgreement.PrivateKey()
        for point in X25519Derivation.lowOrderPoints {
            for peer in [point, Array(point.dropLast()) + [point[31] | 0x80]] {  // bit 255 is ignored
                XCTAssertThrowsError(try key.sharedSecretFromKeyAgreement(with: .init(rawRepresentation: peer))) {
                    XCTAssertEqual($0 as? CryptoError, .lowOrderPoint)
                }
            }
        }
        // A failure of EVP_PKEY_derive for an ordinary peer key is OpenSSL's, not a low-order point.
        let ordinary = try Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation
        XCTAssertThrowsError(try X25519Derivation.check(returnCode: 0, length: 32, shared: SecureBytes.random(count: 32), peer: ordinary)) {
            guard case .openSSLFailure(let function, _)? = $0 as? CryptoError else { return XCTFail("got \($0)") }
            XCTAssertEqual(function, "EVP_PKEY_derive")
        }
        XCTAssertNoThrow(try X25519Derivation.check(returnCode: 1, length: 32, shared: SecureBytes.random(count: 32), peer: ordinary))
        XCTAssertThrowsError(try X25519Derivation.check(returnCode: 1, length: 32, shared: SecureBytes(count: 32) { _ in }, peer: ordinary)) {
            XCTAssertEqual($0 as? CryptoError, .lowOrderPoint)
        }
    }

    func testFoundationContiguousBytesIsNotShadowed() {
        // Foundation and VaultCrypto imported together: `ContiguousBytes` is Foundation's.
        let data: any ContiguousBytes = Data([1, 2, 3])
        XCTAssertEqual(data.withUnsafeBytes { Array($0) }, [1, 2, 3])
        let bytes: any ByteSequence = [UInt8]([4, 5])
        XCTAssertEqual(bytes.withUnsafeBytes { $0.count }, 2)
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
