import Foundation
import VaultCrypto
import XCTest

/// age-format files against the real `age` tool (Debian's package), both directions.
final class AgeFileTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("svage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @discardableResult
    func run(_ path: String, _ args: [String], stdin: [UInt8] = []) throws -> (Int32, [UInt8], String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        input.fileHandleForWriting.write(Data(stdin))
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, [UInt8](o), String(decoding: e, as: UTF8.self))
    }

    let sizes = [0, 1, 65_535, 65_536, 65_537, 200_000]

    func testRoundTripAndDamageDetectionWithoutTheTool() throws {
        let key = try Curve25519.KeyAgreement.PrivateKey()
        let other = try Curve25519.KeyAgreement.PrivateKey()
        for size in sizes {
            let plain = try Random.bytes(size)
            let file = try AgeFile.encrypt(plain, to: [.x25519(key.publicKey), .x25519(other.publicKey)])
            XCTAssertEqual(try AgeFile.decrypt(file, with: [.x25519(other)]), plain, "size \(size)")
            var flipped = file
            flipped[flipped.count - 1] ^= 1
            XCTAssertThrowsError(try AgeFile.decrypt(flipped, with: [.x25519(key)]))
            XCTAssertThrowsError(try AgeFile.decrypt(Array(file.dropLast(17)), with: [.x25519(key)]), "truncated, size \(size)")
        }
        let stranger = try Curve25519.KeyAgreement.PrivateKey()
        let file = try AgeFile.encrypt([1, 2, 3], to: [.x25519(key.publicKey)])
        XCTAssertThrowsError(try AgeFile.decrypt(file, with: [.x25519(stranger)])) { XCTAssertEqual($0 as? AgeFile.Failure, .noMatchingIdentity) }
        // The header MAC covers the stanzas: change the case of a letter in the other recipient's
        // stanza argument; the identity's own stanza still unwraps the file key, and the file is
        // refused by the header MAC.
        let two = try AgeFile.encrypt([7], to: [.x25519(key.publicKey), .x25519(other.publicKey)])
        let text = String(decoding: two, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let stanzas = lines.indices.filter { lines[$0].hasPrefix("-> X25519 ") }
        XCTAssertEqual(stanzas.count, 2)
        var edited = lines
        let second = edited[stanzas[1]]
        let argStart = second.index(second.startIndex, offsetBy: "-> X25519 ".count)
        guard let letter = second[argStart...].firstIndex(where: { $0.isLetter }) else { return XCTFail("no letter in \(second)") }
        let flipped = second[letter].isUppercase ? second[letter].lowercased() : second[letter].uppercased()
        edited[stanzas[1]] = String(second[..<letter]) + flipped + String(second[second.index(after: letter)...])
        // The header is text; the payload after it is binary and kept byte for byte.
        let headerEnd = text.range(of: "\n--- ")!.lowerBound
        let headerBytes = Array(edited.joined(separator: "\n").utf8.prefix(text[..<headerEnd].utf8.count))
        let tampered = headerBytes + Array(two[text[..<headerEnd].utf8.count...])
        XCTAssertNotEqual(tampered, two)
        XCTAssertEqual(try AgeFile.decrypt(two, with: [.x25519(key)]), [7])
        XCTAssertThrowsError(try AgeFile.decrypt(tampered, with: [.x25519(key)])) { XCTAssertEqual($0 as? AgeFile.Failure, .headerMACMismatch, "\($0)") }
        let pass = try AgeFile.encrypt([9], to: [.scrypt(passphrase: SecureBytes(Array("pw".utf8)), logN: 10)])
        XCTAssertEqual(try AgeFile.decrypt(pass, with: [.passphrase(SecureBytes(Array("pw".utf8)))]), [9])
        XCTAssertThrowsError(try AgeFile.decrypt(pass, with: [.passphrase(SecureBytes(Array("pw".utf8)), maxLogN: 9)])) {
            XCTAssertEqual($0 as? AgeFile.Failure, .scryptWorkFactorTooHigh(10))
        }
    }

    func testFilesWeWriteOpenWithAgeAndAgeFilesOpenHere() throws {
        guard let age = tool("age"), let keygen = tool("age-keygen") else {
            throw XCTSkip("age interop: the age tool is not installed (Scripts/test installs Debian's age)")
        }
        let keyFile = dir.appendingPathComponent("key.txt").path
        XCTAssertEqual(try run(keygen, ["-o", keyFile]).0, 0)
        let keyText = try String(contentsOfFile: keyFile, encoding: .utf8)
        let identityLine = try XCTUnwrap(keyText.split(separator: "\n").first { $0.hasPrefix("AGE-SECRET-KEY-1") })
        let identity = try AgeKeys.parseIdentity(String(identityLine))
        let recipient = AgeKeys.recipientString(identity.publicKey)
        XCTAssertTrue(keyText.contains("# public key: \(recipient)"), "our recipient encoding matches age-keygen's")
        for size in sizes {
            let plain = try Random.bytes(size)
            // Ours → age (files, not pipes: age streams, and a pipe both ways would deadlock).
            let ours = dir.appendingPathComponent("ours-\(size).age").path
            let opened = dir.appendingPathComponent("ours-\(size).out").path
            try Data(try AgeFile.encrypt(plain, to: [.x25519(identity.publicKey)])).write(to: URL(fileURLWithPath: ours))
            let (status, _, err) = try run(age, ["-d", "-i", keyFile, "-o", opened, ours])
            XCTAssertEqual(status, 0, "age -d refused our file of \(size) bytes: \(err)")
            // age creates its output file lazily: an empty plaintext leaves no file.
            let openedBytes = FileManager.default.fileExists(atPath: opened) ? [UInt8](try Data(contentsOf: URL(fileURLWithPath: opened))) : []
            XCTAssertEqual(openedBytes, plain, "size \(size)")
            // age → ours.
            let input = dir.appendingPathComponent("plain-\(size)").path
            let theirs = dir.appendingPathComponent("theirs-\(size).age").path
            try Data(plain).write(to: URL(fileURLWithPath: input))
            let (s2, _, e2) = try run(age, ["-r", recipient, "-o", theirs, input])
            XCTAssertEqual(s2, 0, e2)
            XCTAssertEqual(try AgeFile.decrypt([UInt8](try Data(contentsOf: URL(fileURLWithPath: theirs))), with: [.x25519(identity)]), plain,
                           "age's file of \(size) bytes")
        }
        print("[interop] age \(sizes.count) sizes each way (0 B to 200 kB, chunk boundaries included)")
    }

    func testArmorBothWaysWithAge() throws {
        guard let age = tool("age"), let keygen = tool("age-keygen") else {
            throw XCTSkip("age armor interop: the age tool is not installed (Scripts/test installs Debian's age)")
        }
        let keyFile = dir.appendingPathComponent("key.txt").path
        XCTAssertEqual(try run(keygen, ["-o", keyFile]).0, 0)
        let keyText = try String(contentsOfFile: keyFile, encoding: .utf8)
        let identity = try AgeKeys.parseIdentity(String(try XCTUnwrap(keyText.split(separator: "\n").first { $0.hasPrefix("AGE-SECRET-KEY-1") })))
        let recipient = AgeKeys.recipientString(identity.publicKey)
        for size in [0, 1, 47, 48, 65_536, 100_000] {
            let plain = try Random.bytes(size)
            // Ours, armored → age -d.
            let ours = dir.appendingPathComponent("ours-\(size).asc").path
            let opened = dir.appendingPathComponent("ours-\(size).out").path
            try Data(try AgeFile.encrypt(plain, to: [.x25519(identity.publicKey)], armored: true)).write(to: URL(fileURLWithPath: ours))
            let (status, _, err) = try run(age, ["-d", "-i", keyFile, "-o", opened, ours])
            XCTAssertEqual(status, 0, "age -d refused our armored file of \(size) bytes: \(err)")
            let openedBytes = FileManager.default.fileExists(atPath: opened) ? [UInt8](try Data(contentsOf: URL(fileURLWithPath: opened))) : []
            XCTAssertEqual(openedBytes, plain, "size \(size)")
            // age -a → ours.
            let input = dir.appendingPathComponent("plain-\(size)").path
            let theirs = dir.appendingPathComponent("theirs-\(size).asc").path
            try Data(plain).write(to: URL(fileURLWithPath: input))
            let (s2, _, e2) = try run(age, ["-a", "-r", recipient, "-o", theirs, input])
            XCTAssertEqual(s2, 0, e2)
            let armored = [UInt8](try Data(contentsOf: URL(fileURLWithPath: theirs)))
            XCTAssertTrue(AgeArmor.isArmored(armored))
            XCTAssertEqual(try AgeFile.decrypt(armored, with: [.x25519(identity)]), plain, "age -a file of \(size) bytes")
        }
    }

    func testPassphraseFilesWrittenByAgeOpenHere() throws {
        guard let age = tool("age"), FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("age passphrase interop: age or util-linux script is not installed")
        }
        let plain = try Random.bytes(70_000)
        let input = dir.appendingPathComponent("plain").path
        try Data(plain).write(to: URL(fileURLWithPath: input))
        let file = dir.appendingPathComponent("p.age").path
        // age asks twice, on the terminal only; `script` gives it one.
        let feed = "(sleep 1; printf 'correct horse battery\\r'; sleep 1; printf 'correct horse battery\\r')"
        let (status, _, _) = try run("/bin/sh", ["-c", "\(feed) | script -qec \"\(age) -p -o \(file) \(input)\" /dev/null"])
        XCTAssertEqual(status, 0)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        XCTAssertEqual(try AgeFile.summary(of: bytes), AgeFile.Summary(armored: false, stanzaTypes: ["scrypt"]))
        XCTAssertEqual(try AgeFile.decrypt(bytes, with: [.passphrase(SecureBytes(Array("correct horse battery".utf8)))]), plain)
        XCTAssertThrowsError(try AgeFile.decrypt(bytes, with: [.passphrase(SecureBytes(Array("correct horse".utf8)))])) {
            XCTAssertEqual($0 as? AgeFile.Failure, .noMatchingIdentity)
        }
    }

    func testPassphraseFilesOpenWithAgeOnATerminal() throws {
        guard let age = tool("age"), FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("age passphrase interop: age or util-linux script is not installed")
        }
        let plain = Array("AGE-SECRET-KEY-1 manager key, passphrase protected".utf8)
        let file = dir.appendingPathComponent("secret.age").path
        try Data(try AgeFile.encrypt(plain, to: [.scrypt(passphrase: SecureBytes(Array("correct horse battery".utf8)), logN: 12)]))
            .write(to: URL(fileURLWithPath: file))
        let out = dir.appendingPathComponent("out.txt").path
        // age asks for the passphrase on the terminal only; `script` gives it one.
        let (status, _, _) = try run("/bin/sh", ["-c", "(sleep 1; printf 'correct horse battery\\r') | script -qec \"\(age) -d -o \(out) \(file)\" /dev/null"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))), plain)
    }
}
