import Foundation
import VaultCrypto
import VaultFormat
import XCTest

/// End-to-end: the built `salesvault` binary, its stdout, stderr, exit status and files left behind.
final class CLITests: XCTestCase {
    var dir: TempDir!
    var archive: String!
    var pw1: String!
    var pw2: String!

    override func setUpWithError() throws {
        dir = try TempDir()
        archive = dir.path("zhangwei.svault")
        pw1 = try dir.write("pw1", "horse battery staple 马\n")
        pw2 = try dir.write("pw2", "purple monkey dishwasher\n")
    }

    func initArchive() throws {
        let r = try runTool(["init", archive, "--owner", "张伟", "--password-file", pw1, "--insecure-kdf-cost", "10"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testInitCreatesA0600ArchiveAndStatusShowsItWithoutPassword() throws {
        try initArchive()
        let mode = try FileManager.default.attributesOfItem(atPath: archive)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o600)
        let status = try runTool(["status", archive])
        XCTAssertEqual(status.status, 0)
        XCTAssertTrue(status.stdout.contains("张伟"))
        XCTAssertTrue(status.stdout.contains("WEAK"), status.stdout)
        let json = try runTool(["status", archive, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(object?["owner"] as? String, "张伟")
        XCTAssertEqual((object?["kdf"] as? [String: Any])?["weak"] as? Bool, true)
        XCTAssertEqual(object?["records"] as? Int, 0)
        XCTAssertEqual(object?["headerCopies"] as? [String], ["current", "current"])
    }

    /// The password's age is counted in the department's zone (DEPARTMENT.md §5); when this
    /// machine's zone puts the change on another date, the department's time is shown beside it
    /// (20:00 UTC yesterday read as "today").
    func testStatusShowsTheDepartmentsDateWhenTheMachinesZoneDiffers() throws {
        let pw = try dir.write("pw-zone", "horse battery staple 9\n")
        let utc = ["TZ": "UTC", "SALESVAULT_NOW": "2026-12-05T20:00:00Z"]
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"], environment: utc).status, 0)
        func line(_ tz: String, _ lang: String) throws -> String {
            let r = try runTool(["status", archive, "--lang", lang], environment: ["TZ": tz, "SALESVAULT_NOW": "2026-12-06T01:00:00Z"])
            XCTAssertEqual(r.status, 0, r.stderr)
            return String(r.stdout.split(separator: "\n").first { $0.hasPrefix("密码修改") || $0.hasPrefix("Password changed") } ?? "")
        }
        let (zh, en, shanghai) = (try line("UTC", "zh"), try line("UTC", "en"), try line("Asia/Shanghai", "zh"))
        XCTAssertTrue(zh.hasSuffix("2026-12-05 20:00（本机时间；北京时间 2026-12-06 04:00，按北京时间为今天）"), zh)
        XCTAssertTrue(en.hasSuffix("2026-12-05 20:00 (this machine's time; 2026-12-06 04:00 in the department's zone, Asia/Shanghai, where it is today)"), en)
        XCTAssertTrue(shanghai.hasSuffix("2026-12-06 04:00（今天）"), shanghai)
        // The change on the same date in both zones, but today not (helper-158: "1 days ago"
        // beside a change made today on this machine's calendar).
        let pw2 = try dir.write("pw-zone2", "purple monkey dishwasher 7\n")
        XCTAssertEqual(try runTool(["passwd", archive, "--password-file", pw, "--new-password-file", pw2, "--insecure-kdf-cost", "10"],
                                   environment: ["TZ": "UTC", "SALESVAULT_NOW": "2026-12-06T15:30:00Z"]).status, 0)
        let evening = try runTool(["status", archive], environment: ["TZ": "UTC", "SALESVAULT_NOW": "2026-12-06T17:00:00Z"])
        XCTAssertTrue(evening.stdout.contains("2026-12-06 15:30 (this machine's time; 2026-12-06 23:30 in the department's zone, Asia/Shanghai, where it is 1 day ago)"), evening.stdout)
    }

    func testInitRefusesWeakPasswordsAndExistingFiles() throws {
        let weak = try dir.write("weak", "123456789\n")
        let r = try runTool(["init", archive, "--owner", "张伟", "--password-file", weak, "--insecure-kdf-cost", "10"])
        XCTAssertEqual(r.status, 7)
        XCTAssertTrue(r.stderr.hasPrefix("salesvault: error: the password is too short"), r.stderr)
        XCTAssertTrue(r.stderr.contains("hint: "))
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive))
        let common = try dir.write("common", "password123\n")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "x", "--password-file", common, "--insecure-kdf-cost", "10"]).status, 7)
        try initArchive()
        let before = try bytes(archive)
        let again = try runTool(["init", archive, "--owner", "李娜", "--password-file", pw2, "--insecure-kdf-cost", "10"])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
        XCTAssertEqual(try bytes(archive), before)
    }

    func testWrongPasswordHasItsOwnExitCodeAndLeavesTheFileByteIdentical() throws {
        try initArchive()
        let before = try bytes(archive)
        for command: [String] in [["verify"], ["passwd", "--new-password-file", pw1!], ["rekey"], ["repair", "--yes"]] {
            let r = try runTool([command[0], archive, "--password-file", pw2] + command.dropFirst())
            XCTAssertEqual(r.status, 3, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("wrong password"), r.stderr)
            XCTAssertEqual(try bytes(archive), before, "\(command) changed the file")
        }
        let zh = try runTool(["verify", archive, "--password-file", pw2, "--lang", "zh"])
        XCTAssertTrue(zh.stderr.hasPrefix("salesvault: 错误：密码错误"), zh.stderr)
        let zhEnv = try runTool(["verify", archive, "--password-file", pw2], environment: ["LANG": "zh_CN.UTF-8"])
        XCTAssertTrue(zhEnv.stderr.contains("密码错误"), zhEnv.stderr)
    }

    func testPasswdThenRekeyThenVerify() throws {
        try initArchive()
        do {
            let vault = try Vault.open(path: archive, password: SecureBytes(Array("horse battery staple 马".utf8)), access: .readWrite)
            try vault.append(Array("客户 A".utf8), now: 1)
        }
        let passwd = try runTool(["passwd", archive, "--password-file", pw1, "--new-password-file", pw2, "--insecure-kdf-cost", "10"],
                             environment: ["SALESVAULT_NOW": "1790000000"])
        XCTAssertEqual(passwd.status, 0, passwd.stderr)
        XCTAssertTrue(passwd.stdout.contains("rekey"), "passwd explains that old copies still open")
        XCTAssertEqual(try runTool(["verify", archive, "--password-file", pw1]).status, 3)
        let status = try runTool(["status", archive, "--json"])
        XCTAssertTrue(status.stdout.contains("\"passwordChangedAt\" : \"2026-09-21T"), status.stdout)
        let same = try runTool(["passwd", archive, "--password-file", pw2, "--new-password-file", pw2])
        XCTAssertEqual(same.status, 7)
        let rekey = try runTool(["rekey", archive, "--password-file", pw2])
        XCTAssertEqual(rekey.status, 0, rekey.stderr)
        XCTAssertTrue(rekey.stdout.contains("generation 2"), rekey.stdout)
        let verify = try runTool(["verify", archive, "--password-file", pw2])
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertTrue(verify.stdout.contains("1 records"), verify.stdout)
        XCTAssertTrue(verify.stdout.contains("Verified."))
    }

    func testPasswordFromAFileDescriptor() throws {
        try initArchive()
        let r = try runTool(["verify", archive, "--password-fd", "0"], stdin: "horse battery staple 马\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let both = try runTool(["verify", archive, "--password-fd", "0", "--password-file", pw1])
        XCTAssertEqual(both.status, 64)
        XCTAssertTrue(both.stderr.contains("cannot be used together"), both.stderr)
    }

    /// Runs `salesvault` on a pseudo-terminal (util-linux `script`), typing `lines` at its prompts.
    /// Skips the calling test (`XCTSkip`) when `script` is not installed.
    func runOnTerminal(_ arguments: [String], typing lines: [String]) throws -> RunResult {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("terminal prompt tests: /usr/bin/script (util-linux) is not installed")
        }
        let command = ([Binaries.url("salesvault").path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        // Type each line after a pause, as a person would (the prompt flushes typed-ahead input).
        let typing = lines.map { "sleep 0.4; printf '%s\\n' '\($0)'" }.joined(separator: "; ")
        return try runTool(["-c", "(\(typing)) | script -qec \"\(command)\" /dev/null"], binary: "", executable: "/bin/sh")
    }

    func testTerminalPromptAsksTwiceWithoutEchoing() throws {
        let r = try runOnTerminal(["init", archive, "--owner", "张伟", "--insecure-kdf-cost", "10"],
                                  typing: ["granite river lantern", "granite river lantern"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("Choose a password"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Repeat the password"), r.stdout)
        XCTAssertFalse(r.stdout.contains("granite"), "the password was echoed: \(r.stdout)")
        let pw = try dir.write("typed", "granite river lantern\n")
        XCTAssertEqual(try runTool(["verify", archive, "--password-file", pw]).status, 0)
    }

    func testTerminalPromptRefusesTwoDifferentEntries() throws {
        let r = try runOnTerminal(["init", archive, "--owner", "张伟", "--insecure-kdf-cost", "10"],
                                  typing: ["granite river lantern", "granite river lanterm"])
        XCTAssertEqual(r.status, 7, r.stdout + r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("the two passwords differ"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive))
    }

    func testTerminalPromptRefusesMoreThan4096BytesInsteadOfCuttingThem() throws {
        // FORMAT.md §2: at most 4,096 bytes from the terminal. (In the terminal's line mode the
        // kernel itself would silently drop what comes after 4,095 bytes.)
        var seed: UInt64 = 0x5EED
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let long = String((0..<5_000).map { _ -> Character in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return alphabet[Int(seed >> 33) % alphabet.count]
        })
        let refused = try runOnTerminal(["init", archive, "--owner", "张伟", "--insecure-kdf-cost", "10"], typing: [long, long])
        XCTAssertEqual(refused.status, 64, refused.stdout + refused.stderr)
        XCTAssertTrue((refused.stdout + refused.stderr).contains("longer than 4096 bytes"), refused.stdout + refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive))
        // Exactly 4,096 bytes is a password, all of it.
        let exact = String(long.prefix(4_096))
        let r = try runOnTerminal(["init", archive, "--owner", "张伟", "--insecure-kdf-cost", "10"], typing: [exact, exact])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        // (A file holds at most 4,096 bytes in all: this one has no line end.)
        XCTAssertEqual(try runTool(["verify", archive, "--password-file", try dir.write("exact", exact)]).status, 0)
        XCTAssertEqual(try runTool(["verify", archive, "--password-file", try dir.write("cut", String(exact.dropLast()) + "\n")]).status, 3)
    }

    func testPasswordFilesMayBePipes() throws {
        try initArchive()
        let bin = Binaries.url("salesvault").path
        // `--password-file <(…)` (a pipe from a password manager) works like a file.
        let good = try runTool(["-c", "'\(bin)' verify '\(archive!)' --password-file <(printf 'horse battery staple 马\\n')"], binary: "", executable: "/bin/bash")
        XCTAssertEqual(good.status, 0, good.stderr)
        let weak = try runTool(["-c", "'\(bin)' passwd '\(archive!)' --password-file '\(pw1!)' --new-password-file <(printf '12345678\\n')"], binary: "", executable: "/bin/bash")
        XCTAssertEqual(weak.status, 7, weak.stderr)
        XCTAssertTrue(weak.stderr.contains("most common passwords"), weak.stderr)
    }

    func testNoTerminalAndNoPasswordOptionGivesAClearError() throws {
        let tty = open("/dev/tty", O_RDWR)
        if tty >= 0 {
            close(tty)
            throw XCTSkip("this process has a controlling terminal, the prompt would wait for input")
        }
        try initArchive()
        let r = try runTool(["verify", archive])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("no terminal"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--password-file"), r.stderr)
    }

    func testDamagedArchivesGiveExitFourAndTheRecordIndex() throws {
        try initArchive()
        do {
            let vault = try Vault.open(path: archive, password: SecureBytes(Array("horse battery staple 马".utf8)), access: .readWrite)
            for n in 0..<3 { try vault.append([UInt8](repeating: UInt8(n), count: 64), now: 1) }
        }
        var data = try bytes(archive)
        let secondRecord = FormatV1.bodyOffset + 96 + 40
        data[secondRecord] ^= 1
        try data.write(to: URL(fileURLWithPath: archive))
        let r = try runTool(["verify", archive, "--password-file", pw1])
        XCTAssertEqual(r.status, 4)
        XCTAssertTrue(r.stderr.contains("record 1"), r.stderr)
        XCTAssertTrue(r.stderr.contains("hint: restore"), r.stderr)
        // repair, which reads no record, does not call it in order (helper-194).
        let repair = try runTool(["repair", archive, "--password-file", pw1, "--yes"])
        XCTAssertTrue(repair.stdout.contains("repair does not read every record: salesvault verify \(archive!) does"), repair.stdout)
        XCTAssertFalse(repair.stdout.contains("in order"), repair.stdout)
        try Data(data.prefix(FormatV1.bodyOffset + 100)).write(to: URL(fileURLWithPath: archive))
        let truncated = try runTool(["verify", archive, "--password-file", pw1])
        XCTAssertEqual(truncated.status, 4)
        XCTAssertTrue(truncated.stderr.contains("truncated"), truncated.stderr)
        let csv = try dir.write("customers.csv", "名称,等级\n华为,A\n")
        let notArchive = try runTool(["status", csv])
        XCTAssertEqual(notArchive.status, 2)
        XCTAssertTrue(notArchive.stderr.contains("not a SalesVault archive"), notArchive.stderr)
        XCTAssertEqual(try runTool(["status", dir.path("missing.svault")]).status, 2)
    }

    func testInterruptedSaveIsReportedAndRepairedWithABackup() throws {
        try initArchive()
        let committed = try bytes(archive)
        try (committed + Data([0, 0, 0, 50, 1, 2, 3])).write(to: URL(fileURLWithPath: archive))
        let status = try runTool(["status", archive])
        XCTAssertTrue(status.stdout.contains("interrupted save"), status.stdout)
        let verify = try runTool(["verify", archive, "--password-file", pw1])
        XCTAssertEqual(verify.status, 6)
        XCTAssertTrue(verify.stderr.contains("salesvault repair"), verify.stderr)
        let rekey = try runTool(["rekey", archive, "--password-file", pw1])
        XCTAssertEqual(rekey.status, 6, rekey.stderr)
        // Without a terminal and without --yes, nothing is changed.
        let declined = try runTool(["repair", archive, "--password-file", pw1])
        XCTAssertEqual(declined.status, 64, "a usage error: nothing was asked")
        XCTAssertTrue(declined.stderr.contains("there is no terminal to confirm on, so nothing was asked: nothing was repaired or changed"), declined.stderr)
        XCTAssertTrue(declined.stderr.contains("run it again with --yes"), declined.stderr)
        XCTAssertEqual(try bytes(archive), committed + Data([0, 0, 0, 50, 1, 2, 3]))
        let repair = try runTool(["repair", archive, "--password-file", pw1, "--yes"], environment: ["SALESVAULT_NOW": "1790000000"])
        XCTAssertEqual(repair.status, 0, repair.stderr)
        XCTAssertTrue(repair.stdout.contains("Removed 7 bytes"), repair.stdout)
        let backups = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.contains(".backup-") }
        XCTAssertEqual(backups.count, 1)
        XCTAssertEqual(try bytes(dir.path(backups[0])), committed + Data([0, 0, 0, 50, 1, 2, 3]))
        XCTAssertEqual(try runTool(["verify", archive, "--password-file", pw1]).status, 0)
        let again = try runTool(["repair", archive, "--password-file", pw1, "--yes"])
        XCTAssertTrue(again.stdout.contains("Nothing to repair"), again.stdout)
        // Interrupted again within the same second: a second backup beside the first (it was
        // refused as `…backup-… already exists; choose another file name`: helper-154).
        let repaired = try bytes(archive)
        for n in 2...3 {
            try (repaired + Data([0, 0, 0, 64, UInt8(n)])).write(to: URL(fileURLWithPath: archive))
            let twice = try runTool(["repair", archive, "--password-file", pw1, "--yes"], environment: ["SALESVAULT_NOW": "1790000000"])
            XCTAssertEqual(twice.status, 0, twice.stderr)
            XCTAssertTrue(twice.stdout.contains(".backup-2026-09-21T141320Z-\(n)"), twice.stdout)
            XCTAssertEqual(try bytes(dir.path(backups[0] + "-\(n)")), repaired + Data([0, 0, 0, 64, UInt8(n)]))
            XCTAssertEqual(try bytes(archive).count, repaired.count)
            XCTAssertEqual(try runTool(["verify", archive, "--password-file", pw1]).status, 0)
        }
        XCTAssertEqual(try bytes(dir.path(backups[0])), committed + Data([0, 0, 0, 50, 1, 2, 3]), "the first backup untouched")
    }

    func testSecondWriterIsToldTheArchiveIsBusy() throws {
        try initArchive()
        let vault = try Vault.open(path: archive, password: SecureBytes(Array("horse battery staple 马".utf8)), access: .readWrite)
        let r = try runTool(["rekey", archive, "--password-file", pw1])
        XCTAssertEqual(r.status, 5, r.stderr)
        XCTAssertTrue(r.stderr.contains("in use"), r.stderr)
        withExtendedLifetime(vault) {}
    }

    func testHelpDocumentsExitCodesAndEveryOptionHasHelp() throws {
        let help = try runTool(["--help"])
        XCTAssertTrue(help.stdout.contains("EXIT STATUS"))
        XCTAssertTrue(help.stdout.contains("3   wrong password"))
        for command in ["init", "status", "verify", "passwd", "rekey", "repair"] {
            let r = try runTool([command, "--help"])
            XCTAssertEqual(r.status, 0)
            XCTAssertTrue(r.stdout.contains("EXAMPLES"), command)
            XCTAssertFalse(r.stdout.contains("--password <"), "\(command) takes a password in argv")
        }
    }
}
