import Foundation
import VaultCrypto
import XCTest

/// Every rule of Docs/AGE.md §6, each broken on purpose in a file whose other parts are valid
/// (header MAC included, computed with the file key), and refused with its own failure.
final class AgeFileMalformedTests: XCTestCase {
    /// Builds age files by hand from a known file key, independently of AgeFile's writer.
    struct Forge {
        let identity: Curve25519.KeyAgreement.PrivateKey
        let fileKey: [UInt8]
        let nonce: [UInt8]

        init() throws {
            identity = try Curve25519.KeyAgreement.PrivateKey()
            fileKey = try Random.bytes(16)
            nonce = try Random.bytes(16)
        }

        /// `-> X25519 share` and its body line, the file key wrapped for `identity`.
        func x25519Stanza(share shareOverride: String? = nil, extraArgument: String? = nil, bodyBytes: Int = 32) throws -> [String] {
            let ephemeral = try Curve25519.KeyAgreement.PrivateKey()
            let share = ephemeral.publicKey.rawRepresentation
            let shared = try ephemeral.sharedSecretFromKeyAgreement(with: identity.publicKey)
            let wrap = try HKDF.deriveKey(inputKeyMaterial: shared, salt: share + identity.publicKey.rawRepresentation,
                                          info: Array("age-encryption.org/v1/X25519".utf8), outputByteCount: 32)
            var body = try ChaChaPoly.seal(fileKey, using: wrap, nonce: [UInt8](repeating: 0, count: 12))
            body = bodyBytes <= body.count ? Array(body.prefix(bodyBytes)) : body + [UInt8](repeating: 0, count: bodyBytes - body.count)
            let args = ["X25519", shareOverride ?? Base64.encode(share)] + (extraArgument.map { [$0] } ?? [])
            return ["-> " + args.joined(separator: " ")] + Self.bodyLines(body)
        }

        /// A body wrapped as the spec says: 64-column lines, then a shorter (possibly empty) one.
        static func bodyLines(_ body: [UInt8]) -> [String] {
            var text = Substring(Base64.encode(body))
            var lines: [String] = []
            while text.count >= 64 {
                lines.append(String(text.prefix(64)))
                text = text.dropFirst(64)
            }
            return lines + [String(text)]
        }

        /// The header: version line, `lines`, then `---` and its MAC (or `macLine` as given).
        func header(_ lines: [String], version: String = "age-encryption.org/v1", macLine: String? = nil) throws -> [UInt8] {
            let text = Array(([version] + lines).joined(separator: "\n").utf8) + Array("\n---".utf8)
            let key = try HKDF.deriveKey(inputKeyMaterial: fileKey, salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
            let mac = try HMACSHA256.authenticationCode(for: text, using: key)
            if let macLine { return Array(text.dropLast(3)) + Array((macLine + "\n").utf8) }
            return text + Array(" \(Base64.encode(mac))\n".utf8)
        }

        /// The nonce, then each chunk sealed with the flag given (a STREAM written by hand).
        func payload(_ chunks: [(plaintext: [UInt8], last: Bool)]) throws -> [UInt8] {
            let key = try HKDF.deriveKey(inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
            var out = nonce
            for (i, c) in chunks.enumerated() {
                let n: [UInt8] = [0, 0, 0] + (0..<8).map { UInt8(truncatingIfNeeded: UInt64(i) >> UInt64(56 - 8 * $0)) } + [c.last ? 1 : 0]
                out += try ChaChaPoly.seal(c.plaintext, using: key, nonce: n)
            }
            return out
        }

        func file(_ lines: [String]? = nil, chunks: [(plaintext: [UInt8], last: Bool)] = [(Array("age".utf8), true)]) throws -> [UInt8] {
            try header(lines ?? x25519Stanza()) + payload(chunks)
        }

        func open(_ file: [UInt8]) throws -> [UInt8] { try AgeFile.decrypt(file, with: [.x25519(identity)]) }
    }

    func assertRefused(_ file: [UInt8], _ expected: AgeFile.Failure, with identities: [AgeFile.Identity], _ what: String,
                       line: UInt = #line) {
        XCTAssertThrowsError(try AgeFile.decrypt(file, with: identities), what, line: line) {
            XCTAssertEqual($0 as? AgeFile.Failure, expected, what, line: line)
        }
    }

    let full = 64 * 1024

    // MARK: The forge itself

    func testTheForgedFileOpensSoThatEachCaseBreaksOneRule() throws {
        let f = try Forge()
        XCTAssertEqual(try f.open(try f.file()), Array("age".utf8))
        XCTAssertEqual(try f.open(try f.file(chunks: [([], true)])), [], "an empty payload is one empty final chunk")
        let exact = try Random.bytes(full)
        XCTAssertEqual(try f.open(try f.file(chunks: [(exact, true)])), exact, "a full final chunk")
        let two = try Random.bytes(10)
        XCTAssertEqual(try f.open(try f.file(chunks: [(exact, false), (two, true)])), exact + two)
    }

    // MARK: Header

    func testTheFirstLineMustBeTheV1VersionLine() throws {
        let f = try Forge()
        let id: [AgeFile.Identity] = [.x25519(f.identity)]
        assertRefused(Array("hello, world\n".utf8), .notAgeFile, with: id, "plain text")
        assertRefused([], .notAgeFile, with: id, "empty")
        assertRefused(Array("AGE-ENCRYPTION.ORG/v1\n".utf8), .notAgeFile, with: id, "another case")
    }

    func testVersionAndTruncation() throws {
        let f = try Forge()
        let id: [AgeFile.Identity] = [.x25519(f.identity)]
        assertRefused(try f.header(try f.x25519Stanza(), version: "age-encryption.org/v2") + (try f.payload([([1], true)])),
                      .unsupportedVersion, with: id, "another version")
        assertRefused(try f.header(try f.x25519Stanza(), version: "age-encryption.org/v1\r") + (try f.payload([([1], true)])),
                      .unsupportedVersion, with: id, "a CR after the version")
        let file = try f.file()
        let headerLength = file.count - 16 - 19
        for cut in [22, 30, headerLength - 10, headerLength - 1] {
            assertRefused(Array(file.prefix(cut)), .headerTruncated, with: id, "cut at \(cut)")
        }
    }

    func testStanzaLinesAndArguments() throws {
        let f = try Forge()
        let id: [AgeFile.Identity] = [.x25519(f.identity)]
        let good = try f.x25519Stanza()
        assertRefused(try f.file(good + ["-- stanza", ""]), .malformedStanzaLine, with: id, "-- instead of ->")
        assertRefused(try f.file(good + ["->stanza", ""]), .malformedStanzaLine, with: id, "no space after ->")
        assertRefused(try f.file(good + ["->", ""]), .malformedStanzaLine, with: id, "-> alone")
        for bad in ["-> ", "-> stanza  two", "-> stanza ", "-> stanza \u{E8}", "-> stanza\ttab", "-> stanza a\r"] {
            assertRefused(try f.file(good + [bad, ""]), .malformedStanzaArguments, with: id, "arguments \(bad.debugDescription)")
        }
    }

    func testStanzaBodiesAreWrappedAt64ColumnsAndEndWithAShortLine() throws {
        let f = try Forge()
        let id: [AgeFile.Identity] = [.x25519(f.identity)]
        let good = try f.x25519Stanza()
        let a64 = String(repeating: "A", count: 64)
        // Grease with well-formed bodies opens (and is MAC'd: see testGreaseIsIgnoredButAuthenticated).
        XCTAssertEqual(try f.open(try f.file(good + ["-> grease", a64, ""])), Array("age".utf8))
        XCTAssertEqual(try f.open(try f.file(good + ["-> grease", a64, "AAAA"])), Array("age".utf8))
        assertRefused(try f.file(good + ["-> grease", a64 + "AAAA"]), .malformedStanzaBody, with: id, "a 68-column line")
        assertRefused(try f.file(good + ["-> grease", a64]), .malformedStanzaBody, with: id, "a full line, then ---")
        assertRefused(try f.file(good + ["-> grease"]), .malformedStanzaBody, with: id, "no body line at all")
        assertRefused(try f.file(["-> grease", a64] + good), .malformedStanzaBody, with: id, "a full line, then the next stanza")
        assertRefused(try f.file(good + ["-> grease", String(repeating: "A", count: 32), String(repeating: "A", count: 32)]),
                      .malformedStanzaLine, with: id, "two short lines: the second is not a stanza")
    }

    func testBase64InTheHeaderIsCanonicalAndUnpadded() throws {
        let f = try Forge()
        let id: [AgeFile.Identity] = [.x25519(f.identity)]
        let good = try f.x25519Stanza()
        let a64 = String(repeating: "Q", count: 64)
        assertRefused(try f.file(good + ["-> grease", a64, "QUE="]), .nonCanonicalBase64, with: id, "padding")
        assertRefused(try f.file(good + ["-> grease", a64, "QUF"]), .nonCanonicalBase64, with: id, "non-zero trailing bits")
        assertRefused(try f.file(good + ["-> grease", "QU*B"]), .nonCanonicalBase64, with: id, "a character outside the alphabet")
        assertRefused(try f.file(good + ["-> grease", "QUFB\r"]), .nonCanonicalBase64, with: id, "a spurious CR")
        assertRefused(try f.file(good + ["-> grease", "Q"]), .nonCanonicalBase64, with: id, "one character")
        // The share: flip the last character to one with the same 4 leading bits.
        let share = String(good[0].dropFirst("-> X25519 ".count))
        let last = share.last!
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let sibling = alphabet[alphabet.firstIndex(of: last)! ^ 1]
        assertRefused(try f.file(["-> X25519 " + share.dropLast() + String(sibling), good[1]]), .nonCanonicalBase64, with: id,
                      "non-canonical share")
    }

    func testTheMACLineIsExactlyDashesSpaceAnd43Characters() throws {
        let f = try Forge()
        let id: [AgeFile.Identity] = [.x25519(f.identity)]
        let stanza = try f.x25519Stanza()
        let right: String = String(String(decoding: try f.header(stanza), as: UTF8.self).split(separator: "\n").last!.dropFirst(4))
        let payload = try f.payload([([1], true)])
        let bads: [String] = ["---", "--- ", "---" + right, "---  " + right, "--- " + right + " ", "--- " + right + "AAAA",
                              "--- " + String(right.prefix(4)), "--- " + String(right.dropLast()) + "=", "---- " + right]
        for bad in bads {
            assertRefused(try f.header(stanza, macLine: bad) + payload, .malformedHeaderMAC, with: id, "MAC line \(bad)")
        }
        // Canonical form, wrong value.
        var mac = Base64.decode(right)!
        mac[0] ^= 1
        assertRefused(try f.header(stanza, macLine: "--- " + Base64.encode(mac)) + payload, .headerMACMismatch, with: id, "wrong MAC")
        // Non-canonical trailing bits of the 43rd character.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let sibling = alphabet[alphabet.firstIndex(of: right.last!)! ^ 1]
        assertRefused(try f.header(stanza, macLine: "--- " + String(right.dropLast()) + String(sibling)) + payload,
                      .malformedHeaderMAC, with: id, "MAC not canonical")
        assertRefused(try f.header([], macLine: "--- " + right) + payload, .noStanzas, with: id, "no stanza")
    }

    func testGreaseIsIgnoredButAuthenticated() throws {
        let f = try Forge()
        let id: [AgeFile.Identity] = [.x25519(f.identity)]
        let lines = ["-> grease-\u{21}~ x y", "AAAA"] + (try f.x25519Stanza()) + ["-> example.com/enigma arg", ""]
        let file = try f.file(lines)
        XCTAssertEqual(try f.open(file), Array("age".utf8))
        var text = file
        let g = text.firstIndex(of: UInt8(ascii: "x"))!
        text[g] = UInt8(ascii: "z")
        assertRefused(text, .headerMACMismatch, with: id, "grease argument changed")
    }

    // MARK: X25519 and scrypt stanzas

    func testX25519StanzaForm() throws {
        let f = try Forge()
        let id: [AgeFile.Identity] = [.x25519(f.identity)]
        assertRefused(try f.file(try f.x25519Stanza(extraArgument: "1234")), .malformedX25519Stanza, with: id, "extra argument")
        assertRefused(try f.file(["-> X25519", ""]), .malformedX25519Stanza, with: id, "no share")
        assertRefused(try f.file(try f.x25519Stanza(share: Base64.encode([UInt8](repeating: 9, count: 31)))), .malformedX25519Stanza,
                      with: id, "31-byte share")
        assertRefused(try f.file(try f.x25519Stanza(share: Base64.encode([UInt8](repeating: 9, count: 33)))), .malformedX25519Stanza,
                      with: id, "33-byte share")
        assertRefused(try f.file(try f.x25519Stanza(bodyBytes: 48)), .malformedX25519Stanza, with: id, "48-byte body (a long file key)")
        assertRefused(try f.file(try f.x25519Stanza(bodyBytes: 31)), .malformedX25519Stanza, with: id, "31-byte body")
        // A lowercase type is another (unknown) type: ignored, so nothing opens the file.
        var lower = try f.x25519Stanza()
        lower[0] = lower[0].replacingOccurrences(of: "X25519", with: "x25519")
        assertRefused(try f.file(lower), .noMatchingIdentity, with: id, "x25519 in lowercase")
    }

    func testAnAllZeroSharedSecretIsRefused() throws {
        let f = try Forge()
        let id: [AgeFile.Identity] = [.x25519(f.identity)]
        for point in [[UInt8](repeating: 0, count: 32), [1] + [UInt8](repeating: 0, count: 31)] {
            assertRefused(try f.file(try f.x25519Stanza(share: Base64.encode(point))), .x25519LowOrderShare, with: id, "share \(point[0])")
        }
    }

    func testScryptStanzaForm() throws {
        let f = try Forge()
        let pass: [AgeFile.Identity] = [.passphrase(SecureBytes(Array("pw".utf8)))]
        let salt = Base64.encode([UInt8](repeating: 7, count: 16))
        let body = Base64.encode([UInt8](repeating: 7, count: 32))
        func scrypt(_ args: String, _ b: String = body) throws -> [UInt8] { try f.file(["-> scrypt " + args, b]) }
        for bad in ["\(salt) 010", "\(salt) 0", "\(salt) +10", "\(salt) 0xa", "\(salt) -1", "\(salt) 1a", "\(salt) 10 extra", salt,
                    "\(Base64.encode([UInt8](repeating: 7, count: 15))) 10", "\(Base64.encode([UInt8](repeating: 7, count: 17))) 10"] {
            assertRefused(try scrypt(bad), .malformedScryptStanza, with: pass, "scrypt \(bad)")
        }
        assertRefused(try f.file(["-> scrypt \(salt) 10"] + Forge.bodyLines([UInt8](repeating: 7, count: 48))), .malformedScryptStanza,
                      with: pass, "48-byte body (a long file key)")
        assertRefused(try scrypt("\(salt.dropLast())B 10"), .nonCanonicalBase64, with: pass, "non-canonical salt")
        assertRefused(try scrypt("\(salt) 23"), .scryptWorkFactorTooHigh(23), with: pass, "above age's cap of 22")
        assertRefused(try scrypt("\(salt) 99999999999999999999"), .scryptWorkFactorTooHigh(Int.max), with: pass, "overflowing")
        assertRefused(try scrypt("\(salt) 10"), .noMatchingIdentity, with: pass, "well formed, wrong key")
        assertRefused(try f.file(["-> scrypt \(salt) 10", body] + (try f.x25519Stanza())), .scryptNotAlone, with: pass, "with X25519")
        assertRefused(try f.file(["-> scrypt \(salt) 10", body, "-> scrypt \(salt) 10", body]), .scryptNotAlone, with: pass, "twice")
        assertRefused(try f.file(["-> Scrypt \(salt) 10", body]), .noMatchingIdentity, with: pass, "Scrypt is another type")
    }

    // MARK: Payload

    func testPayloadNonceAndChunks() throws {
        let f = try Forge()
        let id: [AgeFile.Identity] = [.x25519(f.identity)]
        let header = try f.header(try f.x25519Stanza())
        let big = try Random.bytes(full)
        let good = try f.payload([(big, false), (Array("tail".utf8), true)])

        assertRefused(header, .missingPayloadNonce, with: id, "no payload at all")
        assertRefused(header + f.nonce.prefix(15), .missingPayloadNonce, with: id, "15-byte nonce")
        assertRefused(header + f.nonce, .missingFinalChunk, with: id, "a nonce and no chunk")
        assertRefused(header + f.nonce + [1, 2, 3], .truncatedChunk, with: id, "a chunk shorter than its tag")
        assertRefused(header + good.prefix(16 + full + 16 + 5), .truncatedChunk, with: id, "second chunk shorter than its tag")
        assertRefused(header + good.prefix(16 + full + 16), .missingFinalChunk, with: id, "cut after a full non-final chunk")
        assertRefused(header + (try f.payload([([], false)])), .missingFinalChunk, with: id, "one empty chunk not marked final")
        assertRefused(header + (try f.payload([(big, false), (big, false)])), .missingFinalChunk, with: id, "two chunks, none final")
        assertRefused(header + (try f.payload([(big, true), (Array("tail".utf8), true)])), .dataAfterFinalChunk, with: id,
                      "a final chunk, then another")
        assertRefused(header + (try f.payload([(big, true), (big, false)])), .dataAfterFinalChunk, with: id, "final flag on the first of two")
        assertRefused(header + (try f.payload([(big, false), ([], true)])), .emptyFinalChunk, with: id, "an empty final chunk after data")
        var flipped = header + good
        flipped[header.count + 16 + 100] ^= 1
        assertRefused(flipped, .payloadDamaged, with: id, "a flipped byte in the first chunk")
        assertRefused(header + good.dropLast(1), .payloadDamaged, with: id, "the final chunk cut short")
        assertRefused(header + good + [0], .payloadDamaged, with: id, "a byte after the final chunk")
        var swapped = try f.payload([(big, false), (big, false), (Array("x".utf8), true)])
        let second = Array(swapped[(16 + full + 16)..<(16 + 2 * (full + 16))])
        swapped.replaceSubrange(16..<(16 + full + 16), with: second)
        assertRefused(header + swapped, .payloadDamaged, with: id, "chunks reordered")
        XCTAssertEqual(try f.open(header + good), big + Array("tail".utf8))
    }

    // MARK: Armor

    func testArmorRoundTripAndWhatTheDecoderAccepts() throws {
        let key = try Curve25519.KeyAgreement.PrivateKey()
        for size in [0, 1, 47, 48, 200, 70_000] {
            let plain = try Random.bytes(size)
            let armored = try AgeFile.encrypt(plain, to: [.x25519(key.publicKey)], armored: true)
            let text = String(decoding: armored, as: UTF8.self)
            XCTAssertTrue(text.hasPrefix("-----BEGIN AGE ENCRYPTED FILE-----\n"))
            XCTAssertTrue(text.hasSuffix("\n-----END AGE ENCRYPTED FILE-----\n"))
            let lines = text.split(separator: "\n").dropFirst().dropLast()
            XCTAssertTrue(lines.dropLast().allSatisfy { $0.count == 64 } && lines.last!.count <= 64, "size \(size)")
            XCTAssertEqual(try AgeFile.decrypt(armored, with: [.x25519(key)]), plain)
            XCTAssertEqual(try AgeFile.decrypt(Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8), with: [.x25519(key)]), plain,
                           "CRLF")
            XCTAssertEqual(try AgeFile.decrypt(Array(("\n \t\r\n" + text + "\n\n  \t").utf8), with: [.x25519(key)]), plain,
                           "whitespace outside")
            XCTAssertEqual(try AgeFile.summary(of: armored), AgeFile.Summary(armored: true, stanzaTypes: ["X25519"]))
        }
    }

    func testArmorRefusals() throws {
        let key = try Curve25519.KeyAgreement.PrivateKey()
        let id: [AgeFile.Identity] = [.x25519(key)]
        let text = String(decoding: try AgeFile.encrypt(try Random.bytes(101), to: [.x25519(key.publicKey)], armored: true), as: UTF8.self)
        // 168 bytes of header, 16 of nonce, 117 of chunk: 301 bytes, 404 characters ending in "==".
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)  // last is ""
        XCTAssertEqual(lines.count, 2 + 7 + 1, "\(lines)")
        let last = lines.count - 3
        XCTAssertTrue(lines[last].hasSuffix("=="))
        func joined(_ l: [String]) -> [UInt8] { Array(l.joined(separator: "\n").utf8) }
        assertRefused(joined(Array(lines.dropLast(2)) + [""]), .armorMissingEnd, with: id, "no END line")
        assertRefused(joined(lines.dropLast() + ["garbage"]), .armorTrailingData, with: id, "garbage after END")
        assertRefused(Array(("garbage\n" + text).utf8), .notAgeFile, with: id, "garbage before BEGIN")
        // Found by CI's fuzzing: a BEGIN line whose dashes run into an END line trapped.
        assertRefused(Array("-----BEGIN AGE ENCRYPTED FILE-------END AGE ENCRYPTED FILE-----\n".utf8), .armorMissingEnd, with: id,
                      "BEGIN and END sharing dashes")
        var l = lines
        l.insert("", at: 1)
        assertRefused(joined(l), .armorMalformedLine, with: id, "a blank line after BEGIN")
        l = lines
        l.insert("", at: lines.count - 2)
        assertRefused(joined(l), .armorMalformedLine, with: id, "a blank line before END")
        l = lines
        l.insert("Comment: hello", at: 1)
        assertRefused(joined(l), .armorMalformedLine, with: id, "a PEM header")
        l = lines
        l[2] = " " + l[2]
        assertRefused(joined(l), .armorMalformedLine, with: id, "a space at a line's start")
        l = lines
        l[2] += " "
        assertRefused(joined(l), .armorMalformedLine, with: id, "a space at a line's end")
        l = lines
        l[1] += String(l[2].prefix(4))
        l[2] = String(l[2].dropFirst(4))
        assertRefused(joined(l), .armorMalformedLine, with: id, "a 68-column line")
        l = lines
        l[1] = String(l[1].prefix(60))
        assertRefused(joined(l), .armorMalformedLine, with: id, "a short line before the last")
        l = lines
        l[last] = l[last].replacingOccurrences(of: "=", with: "")
        assertRefused(joined(l), .armorNonCanonicalBase64, with: id, "padding removed")
        l = lines
        l[last] += "="
        assertRefused(joined(l), .armorNonCanonicalBase64, with: id, "extra padding")
        l = lines
        l[1] = "-----BEGIN AGE ENCRYPTED MESSAGE-----"
        assertRefused(joined(Array(l.dropFirst())), .notAgeFile, with: id, "another label")
        l = lines
        l[0] += "\r"
        assertRefused(joined(l), .armorMalformedLine, with: id, "CRLF after BEGIN, LF after the others")
        l = lines
        l[2] += "\r"
        assertRefused(joined(l), .armorMalformedLine, with: id, "a stray CR")
    }

    func testStrictBase64Variants() {
        XCTAssertEqual(Base64.decode("QUE="), nil)
        XCTAssertEqual(Base64.decode("QUF"), nil)
        XCTAssertEqual(Base64.decode("QUE"), Array("AA".utf8))
        XCTAssertEqual(Base64.encodePadded(Array("AA".utf8)), "QUE=")
        XCTAssertEqual(Base64.decodePadded(Array("QUE=".utf8)), Array("AA".utf8))
        XCTAssertEqual(Base64.decodePadded(Array("QQ==".utf8)), Array("A".utf8))
        for bad in ["QUE", "QUF=", "QR==", "Q===", "=QUE", "QU=E", "QUE==", "QQ=", ""] where bad != "" {
            XCTAssertNil(Base64.decodePadded(Array(bad.utf8)), bad)
        }
        XCTAssertEqual(Base64.decodePadded(Array("".utf8)), [])
    }
}
