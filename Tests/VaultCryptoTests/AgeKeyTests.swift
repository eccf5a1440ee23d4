import VaultCrypto
import XCTest

final class AgeKeyTests: XCTestCase {
    func testBIP173Vectors() throws {
        let root = try Vectors.load("rfc/bip173_bech32.json")
        let tally = VectorTally("bip173_bech32")
        for v in root["valid"] as! [[String: Any]] {
            let bytes = hex(v["bytes_hex"] as! String)
            if (try? Bech32.decodeValues(bytes, maxLength: 90)) != nil { tally.pass() } else { tally.fail("valid \(v["string"]!) refused") }
        }
        for v in root["invalid"] as! [[String: Any]] {
            let bytes = hex(v["bytes_hex"] as! String)
            if (try? Bech32.decodeValues(bytes, maxLength: 90)) == nil { tally.pass() } else { tally.fail("invalid \(v["string"]!) accepted") }
            if v["age_differs"] != nil {
                // age drops the 90-character limit: the same string must decode without it.
                XCTAssertNotNil(try? Bech32.decodeValues(bytes, maxLength: nil), "\(v["string"]!) without the length limit")
            }
        }
        tally.report()
    }

    func testAgeSpecIdentityGivesItsRecipient() throws {
        let tally = VectorTally("age_spec_x25519_keys")
        for v in try Vectors.load("rfc/age_spec_x25519_keys.json")["vectors"] as! [[String: Any]] {
            let identity = try AgeKeys.parseIdentity(v["identity"] as! String)
            let recipient = AgeKeys.recipientString(identity.publicKey)
            XCTAssertEqual(recipient, v["recipient"] as? String)
            XCTAssertEqual(AgeKeys.identityString(identity), v["identity"] as? String, "encoding round-trips")
            XCTAssertEqual(try AgeKeys.parseRecipient(recipient), identity.publicKey)
            if recipient == v["recipient"] as? String { tally.pass() } else { tally.fail("vector \(v["id"]!)") }
        }
        tally.report()
    }

    func testMalformedKeysAreRefused() {
        XCTAssertThrowsError(try AgeKeys.parseIdentity("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"))
        XCTAssertThrowsError(try AgeKeys.parseRecipient("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwx"))
        XCTAssertThrowsError(try AgeKeys.parseRecipient("AGE1ZVKYG2LQZRAA2LNJVQEJ32NKUU0UES2S82HZRYE869XEEXVN73EQUNUJWJ"))
        XCTAssertThrowsError(try AgeKeys.parseIdentity("AGE-SECRET-KEY-1gfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpq4egaex"))
    }
}
