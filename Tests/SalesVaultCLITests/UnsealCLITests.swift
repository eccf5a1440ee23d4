import Foundation
import VaultCrypto
import XCTest

/// `salesvault unseal` through the built binary: files written by the real `age` (key,
/// passphrase, armor), managers' key files, and every refusal with its message, exit status and
/// no file left behind.
final class UnsealCLITests: XCTestCase {
    var dir: TempDir!
    let plain = Array("客户名单 2026 Q4\nacme,上海,A\n".utf8) + (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    override func setUpWithError() throws { dir = try TempDir() }

    func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func requireAge() throws -> (age: String, keygen: String) {
        guard let age = tool("age"), let keygen = tool("age-keygen") else {
            throw XCTSkip("unseal interop: the age tool is not installed (Scripts/test installs Debian's age)")
        }
        return (age, keygen)
    }

    func unseal(_ args: [String], lang: String = "zh") throws -> RunResult {
        try runTool(["--lang", lang, "unseal"] + args)
    }

    func put(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = dir.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    func contents(_ path: String) throws -> [UInt8] { [UInt8](try bytes(path)) }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    // MARK: age's files

    func testOpensFilesThatAgeEncryptedToAKeyBinaryAndArmored() throws {
        let (age, keygen) = try requireAge()
        let key = dir.path("key.txt")
        XCTAssertEqual(try runTool(["-o", key], executable: keygen).status, 0)
        let recipient = try runTool(["-y", key], executable: keygen).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let input = try put("plain.bin", plain)
        XCTAssertEqual(try runTool(["-r", recipient, "-o", dir.path("b.age"), input], executable: age).status, 0)
        XCTAssertEqual(try runTool(["-a", "-r", recipient, "-o", dir.path("a.age"), input], executable: age).status, 0)
        XCTAssertTrue(String(decoding: try contents(dir.path("a.age")), as: UTF8.self).hasPrefix("-----BEGIN AGE ENCRYPTED FILE-----\n"))
        for name in ["b.age", "a.age"] {
            let out = dir.path("\(name).out")
            let r = try unseal([dir.path(name), "--identity", key, "--out", out])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try contents(out), plain, name)
            XCTAssertEqual(try mode(out), 0o600, "written 0600")
            XCTAssertTrue(r.stderr.contains("已将"), r.stderr)
        }
        // To standard output when it is not a terminal (here a pipe); text compared as UTF-8.
        let text = try put("t.txt", Array("第一行\nline 2\n".utf8))
        XCTAssertEqual(try runTool(["-r", recipient, "-o", dir.path("t.age"), text], executable: age).status, 0)
        let piped = try unseal([dir.path("t.age"), "--identity", key])
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout, "第一行\nline 2\n")
        // An identity file with several keys and comments, the right one last.
        let other = dir.path("other.txt")
        XCTAssertEqual(try runTool(["-o", other], executable: keygen).status, 0)
        let both = try dir.write("both.txt", (try String(contentsOfFile: other, encoding: .utf8)) + "\n" + (try String(contentsOfFile: key, encoding: .utf8)))
        XCTAssertEqual(try unseal([dir.path("t.age"), "--identity", both]).stdout, "第一行\nline 2\n")
        // Another key: refused, exit 3, in Chinese and in English.
        let wrong = try unseal([dir.path("b.age"), "--identity", other, "--out", dir.path("no.out")])
        XCTAssertEqual(wrong.status, 3)
        XCTAssertTrue(wrong.stderr.contains("您的密钥不是此文件的收件人"), wrong.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("no.out")))
        let wrongEN = try unseal([dir.path("b.age"), "--identity", other], lang: "en")
        XCTAssertTrue(wrongEN.stderr.contains("your key is not a recipient"), wrongEN.stderr)
    }

    func testOpensPassphraseFilesThatAgeWrote() throws {
        let (age, _) = try requireAge()
        guard let script = tool("script") else { throw XCTSkip("age -p interop: util-linux script is not installed") }
        let input = try put("plain.bin", plain)
        let out = dir.path("p.age")
        // age reads the passphrase (twice) from the terminal only; `script` gives it one.
        let feed = "(sleep 1; printf 'correct horse 马 battery\\r'; sleep 1; printf 'correct horse 马 battery\\r')"
        let r = try runTool(["-c", "\(feed) | \(script) -qec \"\(age) -p -o \(out) \(input)\" /dev/null"], executable: "/bin/sh")
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(String(decoding: try contents(out).prefix(40), as: UTF8.self).contains("-> scrypt "))
        let pw = try dir.write("pw", "correct horse 马 battery\n")
        let opened = try unseal([out, "--password-file", pw, "--out", dir.path("p.out")])
        XCTAssertEqual(opened.status, 0, opened.stderr)
        XCTAssertEqual(try contents(dir.path("p.out")), plain)
        let bad = try dir.write("bad", "correct horse battery\n")
        let refused = try unseal([out, "--password-file", bad, "--out", dir.path("bad.out")])
        XCTAssertEqual(refused.status, 3)
        XCTAssertTrue(refused.stderr.contains("口令错误"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("bad.out")))
        // With a key instead of the passphrase: told to drop --identity.
        let withKey = try unseal([out, "--identity", pw])
        XCTAssertEqual(withKey.status, 8)
        XCTAssertTrue(withKey.stderr.contains("是用口令加密的"), withKey.stderr)
    }

    func testOpensFilesForAManagersKeyFile() throws {
        let (age, _) = try requireAge()
        let lp = try dir.write("lp", "manager li passphrase\n")
        let g = try runTool(["keys", "generate", "li", "--dir", dir.path("k"), "--passphrase-file", lp, "--insecure-kdf-cost", "10"])
        XCTAssertEqual(g.status, 0, g.stderr)
        let recipient = try pubRecipient(dir.path("k/li.pub"))
        let input = try put("plain.bin", plain)
        XCTAssertEqual(try runTool(["-r", recipient, "-o", dir.path("m.age"), input], executable: age).status, 0)
        let r = try unseal([dir.path("m.age"), "--identity", dir.path("k/li.key"), "--passphrase-file", lp, "--out", dir.path("m.out")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try contents(dir.path("m.out")), plain)
        let wrong = try dir.write("wrong", "not the passphrase at all\n")
        let refused = try unseal([dir.path("m.age"), "--identity", dir.path("k/li.key"), "--passphrase-file", wrong, "--out", dir.path("x.out")])
        XCTAssertEqual(refused.status, 3, refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("x.out")))
    }

    // MARK: Refusals (no age tool needed)

    func testEachDamageIsRefusedWithItsMessageAndNothingIsWritten() throws {
        let key = try Curve25519.KeyAgreement.PrivateKey()
        let keyFile = try dir.write("key.txt", "# test key\n" + AgeKeys.identityString(key) + "\n")
        let good = try AgeFile.encrypt(plain, to: [.x25519(key.publicKey)])
        // Another recipient's stanza first: ours still gives the file key, and the MAC fails.
        let share = 22 + "-> X25519 ".count + 5  // a character of the first stanza's share
        var tamperedHeader = try AgeFile.encrypt(plain, to: [.x25519(try Curve25519.KeyAgreement.PrivateKey().publicKey), .x25519(key.publicKey)])
        tamperedHeader[share] = tamperedHeader[share] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        var flipped = good
        flipped[flipped.count - 100] ^= 1
        let cases: [(String, [UInt8], Int32, String)] = [
            ("not-age.txt", Array("hello\n".utf8), 2, "这不是 age 加密文件"),
            ("truncated.age", Array(good.prefix(good.count - (plain.count - 65_536 + 16))), 4, "文件被截断"),  // after the first chunk
            ("cut-in-chunk.age", Array(good.prefix(good.count - 1000)), 4, "不完整"),
            ("header-cut.age", Array(good.prefix(40)), 4, "文件被截断"),
            ("flipped.age", flipped, 4, "文件内容校验失败"),
            ("trailing.age", good + [0], 4, "文件内容校验失败"),
            ("v2.age", Array("age-encryption.org/v2\n".utf8) + good.dropFirst(22), 2, "v1 以外版本"),
            ("padded.age", Array(String(decoding: good.prefix(through: good.firstIndex(of: 10)!), as: UTF8.self).utf8)
                + Array("-> grease\nQUE=\n".utf8) + good.dropFirst(22), 4, "base64 编码不规范"),
        ]
        for (name, bytes, status, message) in cases {
            let path = try put(name, bytes)
            let out = dir.path(name + ".out")
            let r = try unseal([path, "--identity", keyFile, "--out", out])
            XCTAssertEqual(r.status, status, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("提示："), "\(name): a hint follows")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(name): nothing written")
        }
        // A stanza altered: the header MAC catches it (the grease stanza still parses).
        let tampered = try put("tampered.age", tamperedHeader)
        let r = try unseal([tampered, "--identity", keyFile])
        XCTAssertEqual(r.status, 4, r.stderr)
        XCTAssertTrue(r.stderr.contains("文件头校验失败：文件被改动或损坏") && r.stdout.isEmpty, r.stderr)
        // The same damage in English.
        let en = try unseal([dir.path("flipped.age"), "--identity", keyFile], lang: "en")
        XCTAssertTrue(en.stderr.contains("the contents do not verify"), en.stderr)
        XCTAssertTrue(en.stdout.isEmpty, "no partial plaintext on stdout")
    }

    func testOutputRules() throws {
        let key = try Curve25519.KeyAgreement.PrivateKey()
        let keyFile = try dir.write("key.txt", AgeKeys.identityString(key) + "\n")
        let file = try put("f.age", try AgeFile.encrypt(plain, to: [.x25519(key.publicKey)], armored: true))
        let existing = try dir.write("existing.bin", "keep me\n")
        let r = try unseal([file, "--identity", keyFile, "--out", existing])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("已存在"), r.stderr)
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "keep me\n")
        XCTAssertEqual(try unseal([file, "--identity", keyFile, "--out", existing, "--force"]).status, 0)
        XCTAssertEqual(try contents(existing), plain)
        XCTAssertEqual(try mode(existing), 0o600)
        let overInput = try unseal([file, "--identity", keyFile, "--out", file, "--force"])
        XCTAssertNotEqual(overInput.status, 0, "never over the input")
        XCTAssertTrue(String(decoding: try contents(file).prefix(10), as: UTF8.self).hasPrefix("-----BEGIN"))
        let noKey = try unseal([file])
        XCTAssertEqual(noKey.status, 64)
        XCTAssertTrue(noKey.stderr.contains("--identity"), noKey.stderr)
        XCTAssertEqual(try unseal([file, "--force"]).status, 64, "--force without --out")
        // `--out -` is standard output, the default (it was refused as no file, exit 2); a blank
        // name is a usage error suggesting a name of the sealed file's kind.
        let bin = Binaries.url("salesvault").path
        let dash = try runTool(["-c", "'\(bin)' unseal '\(file)' --identity '\(keyFile)' --out - > '\(dir.path("dash.bin"))'"], executable: "/bin/sh")
        XCTAssertEqual(dash.status, 0, dash.stderr)
        XCTAssertEqual(try contents(dir.path("dash.bin")), plain)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("-")))
        let blank = try unseal([file, "--identity", keyFile, "--out", " "])
        XCTAssertEqual(blank.status, 64, blank.stderr)
        XCTAssertTrue(blank.stderr.contains("--out f"), blank.stderr)
        let notKeys = try dir.write("notes.txt", "hello\nworld\n")
        let badKey = try unseal([file, "--identity", notKeys])
        XCTAssertEqual(badKey.status, 2, badKey.stderr)
        XCTAssertTrue(badKey.stderr.contains("不是 age 身份文件"), badKey.stderr)
        // Standard output on a terminal is refused (script gives the command one).
        if let script = tool("script") {
            let bin = Binaries.url("salesvault").path
            let t = try runTool(["-qec", "\(bin) --lang zh unseal \(file) --identity \(keyFile)", "/dev/null"], executable: script)
            XCTAssertTrue(t.stdout.contains("拒绝把解密后的内容直接输出到终端"), t.stdout)
            XCTAssertFalse(t.stdout.contains("acme"), "nothing printed")
        }
    }
}
