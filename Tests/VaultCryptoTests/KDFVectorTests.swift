import VaultCrypto
import XCTest

final class KDFVectorTests: XCTestCase {
    func testWycheproofHMACSHA256() throws {
        let tally = VectorTally("wycheproof hmac_sha256_test")
        for t in try Vectors.wycheproof("hmac_sha256_test") {
            let id = t["tcId"] as! Int
            let key = SymmetricKey(data: hex(t["key"] as! String))
            let msg = hex(t["msg"] as! String)
            let tag = hex(t["tag"] as! String)
            let full = try HMACSHA256.authenticationCode(for: msg, using: key)
            let verifies = try HMACSHA256.isValid(tag, for: msg, using: key)
            let valid = (t["result"] as! String) == "valid"
            if tag.count != HMACSHA256.byteCount {
                // `isValid` takes full 32-byte tags only: a truncated tag is always refused.
                if verifies { tally.fail("tcId \(id) truncated tag of \(tag.count) bytes accepted"); continue }
                if valid {
                    XCTAssertEqual(Array(full.prefix(tag.count)), tag, "tcId \(id): the tag's prefix")
                    tally.skip(reason: "valid vector with a \(tag.count)-byte tag: isValid accepts full 32-byte tags only (refused)")
                } else {
                    tally.pass()
                }
                continue
            }
            if valid {
                if full == tag && verifies { tally.pass() } else { tally.fail("tcId \(id) valid mismatch") }
            } else {
                if !verifies { tally.pass() } else { tally.fail("tcId \(id) invalid tag accepted") }
            }
        }
        tally.report()
    }

    func testTruncatedOrOverlongHMACTagIsRefused() throws {
        let key = SymmetricKey(data: [UInt8](repeating: 7, count: 32))
        let message = Array("header".utf8)
        let tag = try HMACSHA256.authenticationCode(for: message, using: key)
        XCTAssertTrue(try HMACSHA256.isValid(tag, for: message, using: key))
        for length in [0, 1, 16, 31] {
            XCTAssertFalse(try HMACSHA256.isValid(Array(tag.prefix(length)), for: message, using: key), "\(length)-byte prefix")
        }
        XCTAssertFalse(try HMACSHA256.isValid(tag + [0], for: message, using: key))
    }

    func testWycheproofHKDFSHA256() throws {
        let tally = VectorTally("wycheproof hkdf_sha256_test")
        for t in try Vectors.wycheproof("hkdf_sha256_test") {
            let id = t["tcId"] as! Int
            let size = t["size"] as! Int
            let okm = try? HKDF.deriveKey(
                inputKeyMaterial: hex(t["ikm"] as! String), salt: hex(t["salt"] as! String),
                info: hex(t["info"] as! String), outputByteCount: size)
            if (t["result"] as! String) == "valid" {
                if let okm, okm.withUnsafeBytes({ Array($0) }) == hex(t["okm"] as! String) { tally.pass() } else { tally.fail("tcId \(id) valid mismatch") }
            } else {
                if okm == nil { tally.pass() } else { tally.fail("tcId \(id) invalid size accepted") }
            }
        }
        tally.report()
    }

    func testRFC5869HKDF() throws {
        let tally = VectorTally("rfc5869_hkdf")
        for v in try Vectors.load("rfc/rfc5869_hkdf.json")["vectors"] as! [[String: Any]] {
            guard (v["hash"] as! String) == "SHA-256" else {
                tally.skip(reason: "\(v["hash"] as! String) vector: SalesVault implements HKDF-SHA-256 only")
                continue
            }
            let okm = try HKDF.deriveKey(
                inputKeyMaterial: hex(v["ikm"] as! String), salt: hex(v["salt"] as? String ?? ""),
                info: hex(v["info"] as! String), outputByteCount: v["L"] as! Int)
            if okm.withUnsafeBytes({ Array($0) }) == hex(v["okm"] as! String) { tally.pass() } else { tally.fail("vector \(v["id"]!) mismatch") }
        }
        tally.report()
    }

    func testWycheproofPBKDF2() throws {
        let tally = VectorTally("wycheproof pbkdf2_hmacsha256_test")
        for t in try Vectors.wycheproof("pbkdf2_hmacsha256_test") {
            let dk = try PBKDF2.deriveKey(
                password: hex(t["password"] as! String), salt: hex(t["salt"] as! String),
                iterations: t["iterationCount"] as! Int, outputByteCount: t["dkLen"] as! Int)
            if dk.withUnsafeBytes({ Array($0) }) == hex(t["dk"] as! String) { tally.pass() } else { tally.fail("tcId \(t["tcId"]!) mismatch") }
        }
        tally.report()
    }

    func testRFC7914PBKDF2() throws {
        let tally = VectorTally("rfc7914_pbkdf2_hmac_sha256")
        for v in try Vectors.load("rfc/rfc7914_pbkdf2_hmac_sha256.json")["vectors"] as! [[String: Any]] {
            let dk = try PBKDF2.deriveKey(
                password: Array((v["password"] as! String).utf8), salt: Array((v["salt"] as! String).utf8),
                iterations: v["c"] as! Int, outputByteCount: v["dkLen"] as! Int)
            if dk.withUnsafeBytes({ Array($0) }) == hex(v["dk"] as! String) { tally.pass() } else { tally.fail("vector \(v["id"]!) mismatch") }
        }
        tally.report()
    }

    func testRFC7914Scrypt() throws {
        let tally = VectorTally("rfc7914_scrypt")
        for v in try Vectors.load("rfc/rfc7914_scrypt.json")["vectors"] as! [[String: Any]] {
            let n = v["N"] as! Int
            let logN = n.trailingZeroBitCount
            XCTAssertEqual(1 << logN, n)
            // The N=2^20 vector needs about 1 GiB and a few seconds; this machine has the memory.
            let dk = try Scrypt.deriveKey(
                password: Array((v["password"] as! String).utf8), salt: Array((v["salt"] as! String).utf8),
                logN: logN, r: v["r"] as! Int, p: v["p"] as! Int, outputByteCount: v["dkLen"] as! Int)
            if dk.withUnsafeBytes({ Array($0) }) == hex(v["dk"] as! String) { tally.pass() } else { tally.fail("vector \(v["id"]!) mismatch") }
        }
        tally.report()
    }

    func testScryptRefusesOutOfRangeParameters() {
        XCTAssertThrowsError(try Scrypt.deriveKey(password: [1], salt: [2], logN: 0, r: 8, p: 1, outputByteCount: 32))
        XCTAssertThrowsError(try Scrypt.deriveKey(password: [1], salt: [2], logN: 10, r: 0, p: 1, outputByteCount: 32))
    }
}
