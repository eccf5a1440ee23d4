import VaultCrypto
import XCTest

final class AEADVectorTests: XCTestCase {
    func testWycheproofAESGCM() throws {
        let tally = VectorTally("wycheproof aes_gcm_test")
        for t in try Vectors.wycheproof("aes_gcm_test") {
            let id = t["tcId"] as! Int
            let result = t["result"] as! String
            let iv = hex(t["iv"] as! String)
            let tagBits = t["group.tagSize"] as! Int
            if iv.count != AES.GCM.nonceByteCount {
                // Our API takes 96-bit nonces only, by design (FORMAT.md §2).
                if result == "valid" {
                    tally.skip(reason: "valid vector with a \(iv.count)-byte IV: the API accepts 12-byte nonces only")
                } else {
                    XCTAssertThrowsError(try AES.GCM.Nonce(data: iv))
                    tally.pass()
                }
                continue
            }
            if tagBits != 128 {
                tally.skip(reason: "tag of \(tagBits) bits: the API uses 128-bit tags only")
                continue
            }
            let key = SymmetricKey(data: hex(t["key"] as! String))
            let nonce = try AES.GCM.Nonce(data: iv)
            let aad = hex(t["aad"] as! String)
            let msg = hex(t["msg"] as! String)
            let ct = hex(t["ct"] as! String)
            let tag = hex(t["tag"] as! String)
            let sealed = try AES.GCM.seal(msg, using: key, nonce: nonce, authenticating: aad)
            let opened = try? AES.GCM.open(AES.GCM.SealedBox(nonce: nonce, ciphertext: ct, tag: tag), using: key, authenticating: aad)
            switch result {
            case "valid":
                if sealed.ciphertext == ct, sealed.tag == tag, opened == msg { tally.pass() } else { tally.fail("tcId \(id) valid vector mismatch") }
            default:
                if opened == nil { tally.pass() } else { tally.fail("tcId \(id) invalid vector opened") }
            }
        }
        tally.report()
    }

    func testWycheproofChaCha20Poly1305() throws {
        let tally = VectorTally("wycheproof chacha20_poly1305_test")
        for t in try Vectors.wycheproof("chacha20_poly1305_test") {
            let id = t["tcId"] as! Int
            let result = t["result"] as! String
            let key = SymmetricKey(data: hex(t["key"] as! String))
            let iv = hex(t["iv"] as! String)
            let aad = hex(t["aad"] as! String)
            let msg = hex(t["msg"] as! String)
            let expected = hex(t["ct"] as! String) + hex(t["tag"] as! String)
            let sealed = try? ChaChaPoly.seal(msg, using: key, nonce: iv, authenticating: aad)
            let opened = try? ChaChaPoly.open(expected, using: key, nonce: iv, authenticating: aad)
            switch result {
            case "valid":
                if sealed == expected, opened == msg { tally.pass() } else { tally.fail("tcId \(id) valid vector mismatch") }
            default:
                if opened == nil { tally.pass() } else { tally.fail("tcId \(id) invalid vector opened") }
            }
        }
        tally.report()
    }

    func testWrongTagThrowsAndReleasesNothing() throws {
        let key = try SymmetricKey.generate()
        let box = try AES.GCM.seal(Array("secret customer list".utf8), using: key, authenticating: Array("ad".utf8))
        var tag = box.tag
        tag[0] ^= 1
        let bad = try AES.GCM.SealedBox(nonce: box.nonce, ciphertext: box.ciphertext, tag: tag)
        XCTAssertThrowsError(try AES.GCM.open(bad, using: key, authenticating: Array("ad".utf8))) { error in
            XCTAssertEqual(error as? CryptoError, .authenticationFailure)
        }
        XCTAssertThrowsError(try AES.GCM.open(box, using: key, authenticating: Array("AD".utf8)))
        XCTAssertEqual(try AES.GCM.open(box, using: key, authenticating: Array("ad".utf8)), Array("secret customer list".utf8))
    }

    func testCombinedRoundTripAndShortInput() throws {
        let key = try SymmetricKey.generate()
        let box = try AES.GCM.seal([1, 2, 3], using: key)
        XCTAssertEqual(try AES.GCM.SealedBox(combined: box.combined), box)
        XCTAssertThrowsError(try AES.GCM.SealedBox(combined: [UInt8](repeating: 0, count: 27)))
        XCTAssertThrowsError(try AES.GCM.seal([1], using: SymmetricKey(data: [UInt8](repeating: 0, count: 31))))
    }
}
