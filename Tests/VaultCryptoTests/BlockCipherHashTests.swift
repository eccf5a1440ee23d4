import XCTest
@testable import VaultCrypto

/// AES-CBC and AES-ECB without padding, SHA-1/SHA-512, HMAC-SHA-512 and the iterated hash of
/// Office encryption, against published vectors (NIST SP 800-38A, FIPS 180-4, RFC 4231) and,
/// for the iterated hash, against Python's hashlib (values computed once, written here).
final class BlockCipherHashTests: XCTestCase {
    func testAESECBMatchesSP80038A() throws {
        let key = SymmetricKey(data: hex("2b7e151628aed2a6abf7158809cf4f3c"))
        let pt = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
        let ct = hex("3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf")
        XCTAssertEqual(try AES.ECB.encrypt(pt, using: key), ct)
        XCTAssertEqual(try AES.ECB.decrypt(ct, using: key), pt)
    }

    func testAES256CBCMatchesSP80038A() throws {
        let key = SymmetricKey(data: hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"))
        let iv = hex("000102030405060708090a0b0c0d0e0f")
        let pt = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
        let ct = hex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d")
        XCTAssertEqual(try AES.CBC.encrypt(pt, using: key, iv: iv), ct)
        XCTAssertEqual(try AES.CBC.decrypt(ct, using: key, iv: iv), pt)
        // A reused context gives the same answer for each IV.
        let context = try AES.CBC.Context(key: key, encrypting: false)
        for _ in 0..<3 {
            var out = [UInt8](repeating: 0, count: ct.count)
            try ct.withUnsafeBytes { c in try out.withUnsafeMutableBytes { try context.process(c, iv: iv, into: $0) } }
            XCTAssertEqual(out, pt)
        }
    }

    func testBlockModesRefuseWrongSizes() {
        let key = SymmetricKey(data: [UInt8](repeating: 1, count: 16))
        XCTAssertThrowsError(try AES.CBC.encrypt([UInt8](repeating: 0, count: 15), using: key, iv: [UInt8](repeating: 0, count: 16)))
        XCTAssertThrowsError(try AES.CBC.encrypt([UInt8](repeating: 0, count: 16), using: key, iv: [UInt8](repeating: 0, count: 12)))
        XCTAssertThrowsError(try AES.ECB.decrypt([UInt8](repeating: 0, count: 16), using: SymmetricKey(data: [UInt8](repeating: 1, count: 20))))
    }

    func testSHAFamilyMatchesFIPS1804() throws {
        let abc = Array("abc".utf8)
        XCTAssertEqual(try HashFunction.sha1.hash(abc), hex("a9993e364706816aba3e25717850c26c9cd0d89d"))
        XCTAssertEqual(try HashFunction.sha512.hash(abc), hex(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"))
        XCTAssertEqual(try HashFunction.sha512.hash(Array("a".utf8), Array("bc".utf8)), try HashFunction.sha512.hash(abc))
    }

    func testHMACSHA512MatchesRFC4231() throws {
        let tag = hex("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")
        let message = Array("what do ya want for nothing?".utf8)
        XCTAssertEqual(try HMACSHA512.authenticationCode(for: message, keyBytes: Array("Jefe".utf8)), tag)
        XCTAssertTrue(try HMACSHA512.isValid(tag, for: message, keyBytes: Array("Jefe".utf8)))
        XCTAssertFalse(try HMACSHA512.isValid(Array(tag.prefix(32)), for: message, keyBytes: Array("Jefe".utf8)))
    }

    func testIteratedHashMatchesHashlib() throws {
        let salt = Array(0..<16).map(UInt8.init)
        let sha512 = try IteratedHash.derive(password: Array("Password1".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
                                            salt: salt, iterations: 1000, hash: .sha512)
        XCTAssertEqual(sha512.bytes, hex("aebf922ff3ce6202c58665c3a748dc77e7fb921044563ad327f26a8cf43329150568ddbd39fa5075bd659c9fa32079bd162e31c01a02c3485ba6235c86733bc3"))
        let sha1 = try IteratedHash.derive(password: Array("销售部".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
                                          salt: salt, iterations: 50_000, hash: .sha1)
        XCTAssertEqual(sha1.bytes, hex("1a342670a93b71135763f7665ef6ad4dcfc6b430"))
        XCTAssertThrowsError(try IteratedHash.derive(password: [UInt8](), salt: salt, iterations: IteratedHash.maxIterations + 1, hash: .sha1))
    }
}
