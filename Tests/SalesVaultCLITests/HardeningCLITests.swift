import Foundation
import XCTest

/// Issue 11 findings reproduced through the binary, then fixed.
final class HardeningCLITests: XCTestCase {
    /// FORMAT.md §2 (a MUST): passwords are UTF-8 after NFC, so the same password typed as
    /// precomposed (é, U+00E9) or decomposed (e + U+0301, as macOS and some input methods give it)
    /// opens the archive; a different password does not.
    func testAPasswordOpensWhetherTypedPrecomposedOrDecomposed() throws {
        let dir = try TempDir()
        let archive = dir.path("a.svault")
        let precomposed = try dir.write("pre", "Caf\u{E9} au lait 2026 行\n")
        let decomposed = try dir.write("dec", "Cafe\u{301} au lait 2026 行\n")
        XCTAssertNotEqual(try bytes(precomposed), try bytes(decomposed), "the two files differ byte by byte")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", precomposed, "--insecure-kdf-cost", "10"]).status, 0)
        XCTAssertEqual(try runTool(["verify", archive, "--password-file", decomposed]).status, 0)
        let other = try dir.write("other", "Cafe au lait 2026 行\n")
        XCTAssertEqual(try runTool(["verify", archive, "--password-file", other]).status, 3)
    }

    /// helper-154: an argument that is not UTF-8 (a GBK file name) was read with U+FFFD for its
    /// bytes: `init` made another file, `status` said a file that exists was not found. Refused
    /// (exit 64) in both languages, nothing written.
    func testAnArgumentThatIsNotUTF8IsRefusedAndNothingIsWritten() throws {
        let dir = try TempDir()
        let pw = try dir.write("pw", "horse battery staple 9\n")
        // (Process takes Strings: the bytes go through the shell's printf.)
        let script = #"exec "$0" init "$(printf 'x\377.svault')" --owner 张伟 --password-file "$1" --insecure-kdf-cost 10 "$2""#
        for (lang, expected) in [("--lang=en", "argument 2, x\\xFF.svault, is not valid UTF-8"), ("--lang=zh", "第 2 个参数“x\\xFF.svault”不是有效的 UTF-8 文本")] {
            let r = try runTool(["-c", script, Binaries.url("salesvault").path, pw, lang], executable: "/bin/sh", cwd: dir.url)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), ["pw"], "nothing written")
        }
    }

    /// helper-154: `--out -` wrote a file named "-" (exit 0); refused, nothing written.
    func testADashAsTheOutputIsRefusedAndNothingIsWritten() throws {
        let dir = try TempDir()
        let pw = try dir.write("pw", "horse battery staple 9\n")
        let archive = dir.path("a.svault")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"]).status, 0)
        // A usage error (64), said before the password is asked: a wrong password file does not
        // come first (export asked, ran scrypt, then refused with exit 2; template said 64).
        let wrong = try dir.write("wrong", "not the password at all\n")
        for args in [["export", "-a", archive, "--format", "csv", "--kind", "customers", "--out", "-"],
                     ["report", "weekly", "-a", archive, "--format", "md", "--out", "-"],
                     ["report", "weekly", "-a", archive, "--out", "-"],  // (without --format: "- does not end in .xlsx")
                     ["import", "--template", "customers", "--out", "-"],
                     ["import", dir.path("none.csv"), "-a", archive, "--rejects", "-"]] {
            let r = try runTool(args + ["--password-file", wrong, "--lang", "zh"], cwd: dir.url)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("不能用“-”把内容输出到屏幕") && r.stderr.contains("请指定文件名"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("-")), "\(args)")
            // The example names a file of the format asked for (周报.xlsx was suggested for md).
            if let f = args.firstIndex(of: "--format") {
                XCTAssertTrue(r.stderr.contains(".\(args[f + 1])"), "\(args): \(r.stderr)")
            }
        }
        // The example is of the kind asked for, and works (a CSV without --kind then failed).
        for (args, example) in [(["--format", "csv", "--kind", "contacts"], "--out 联系人.csv"), (["--format", "csv"], "--out 客户.csv --kind customers")] {
            let r = try runTool(["export", "-a", archive, "--out", "-", "--password-file", wrong, "--lang", "zh"] + args, cwd: dir.url)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains(example), "\(args): \(r.stderr)")
        }
        // A blank name alike (report weekly said "Cannot write :", and " " wrote a file so named).
        for name in ["", " "] {
            let r = try runTool(["report", "weekly", "-a", archive, "--format", "md", "--out", name, "--password-file", pw, "--lang", "zh"], cwd: dir.url)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains("--out 后面缺少文件名"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path(" ")))
        }
        // Where standard output is the default, `-` is that default (it was refused as no file).
        let ics = try runTool(["reminders", "--ics", archive, "--output", "-"], cwd: dir.url)
        XCTAssertEqual(ics.status, 0, ics.stderr)
        XCTAssertTrue(ics.stdout.hasPrefix("BEGIN:VCALENDAR"), ics.stdout)
        XCTAssertEqual(try runTool(["reminders", "--ics", archive, "--output", " "], cwd: dir.url).status, 64)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("-")))
    }

    /// A TZ naming a FIFO is never read: the command runs in UTC and says the value names no
    /// zone (every command, even --version, hung: helper-160).
    func testATZNamingAFIFOIsNeverRead() throws {
        let dir = try TempDir()
        let pw = try dir.write("pw", "horse battery staple 9\n")
        let archive = dir.path("a.svault")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"],
                                   environment: ["TZ": "UTC", "SALESVAULT_NOW": "2026-12-06T01:00:00Z"]).status, 0)
        XCTAssertEqual(mkfifo(dir.path("fifo"), 0o600), 0)
        let r = try runTool(["status", archive], environment: ["TZ": ":" + dir.path("fifo"), "SALESVAULT_NOW": "2026-12-06T01:00:00Z"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("names no time zone this machine knows, so it keeps UTC"), r.stderr)
        XCTAssertTrue(r.stdout.contains("Created           2026-12-06 01:00"), r.stdout)
        XCTAssertEqual(try runTool(["--version"], environment: ["TZ": ":" + dir.path("fifo"), "SALESVAULT_NOW": "2026-12-06T01:00:00Z"]).status, 0)
    }

    /// Usage mistakes read as usage mistakes, in the user's language, exit 64: a language that is
    /// not one given before the command (taken silently), words after --version (exit 0), and
    /// the command's own usage errors (a blank search said `error:` beside `usage error:`).
    func testUsageMistakesAreSaidAsUsageErrors() throws {
        let dir = try TempDir()
        let pw = try dir.write("pw", "horse battery staple 9\n")
        let archive = dir.path("a.svault")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"]).status, 0)
        for lang in [["--lang", "fr"], ["--lang=xx"]] {
            let r = try runTool(lang + ["status", archive])
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("salesvault: usage error: the language"), r.stderr)
            XCTAssertTrue(r.stdout.isEmpty, r.stdout)
        }
        let zh = try runTool(["--lang", "fr", "status", archive], environment: ["LC_ALL": "zh_CN.UTF-8"])
        XCTAssertEqual(zh.status, 64)
        XCTAssertTrue(zh.stderr.contains("用法错误：不支持语言“fr”") && zh.stderr.contains("--lang 可用 zh（中文）或 en（英文）"), zh.stderr)
        let version = try runTool(["--version", "extra"])
        XCTAssertEqual(version.status, 64, version.stdout)
        XCTAssertTrue(version.stderr.contains("--version takes nothing after it (got 'extra')"), version.stderr)
        XCTAssertEqual(try runTool(["--version"]).status, 0)
        let blank = try runTool(["search", "  ", "-a", archive, "--password-file", pw, "--lang", "zh"])
        XCTAssertEqual(blank.status, 64, blank.stderr)
        XCTAssertTrue(blank.stderr.hasPrefix("salesvault: 用法错误：请输入要查找的内容"), blank.stderr)
        let en = try runTool(["search", "", "-a", archive, "--password-file", pw, "--lang", "en"])
        XCTAssertTrue(en.stderr.hasPrefix("salesvault: usage error: give the text to find"), en.stderr)
        // A value out of range is said before the administrator's key is asked (exit 8 after it).
        let hour = try runTool(["dept", "policy", dir.path("D"), "--report-due-hour", "25", "--admin-key", dir.path("none.key"), "--lang", "zh"])
        XCTAssertEqual(hour.status, 64, hour.stderr)
        XCTAssertTrue(hour.stderr.contains("--report-due-hour 须为 1 至 24 之间的整点（填写的是 25）"), hour.stderr)
        // No terminal for a key's passphrase: the passphrase's own option is named (the password's,
        // which these commands do not take, were: helper-163).
        for (args, option) in [(["keys", "generate", "赵敏", "--dir", dir.url.path], "--passphrase-file"),
                               (["passwd", archive, "--password-file", pw], "--new-password-file")] {
            let r = try runTool(args + ["--lang", "en"], stdin: "")
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("use \(option) FILE"), "\(args): \(r.stderr)")
            if option.contains("passphrase") { XCTAssertTrue(r.stderr.contains("no terminal to ask for the passphrase"), r.stderr) }
        }
        // Not a usage mistake: still an error.
        let wrong = try runTool(["status", dir.path("none.svault"), "--lang", "en"])
        XCTAssertTrue(wrong.stderr.hasPrefix("salesvault: error: "), wrong.stderr)
    }

    /// A file that is not an archive, a truncated archive and an archive without escrow are said
    /// wholly in Chinese under --lang zh (helper-110 M4: the format layer's English was kept
    /// inside the Chinese sentence, e.g. 档案被截断：a.svault is 43152 bytes but its header …).
    func testArchiveProblemsAreSaidWhollyInChinese() throws {
        let dir = try TempDir()
        let pw = try dir.write("pw", "horse battery staple 9\n")
        let archive = dir.path("a.svault")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"]).status, 0)
        XCTAssertEqual(try runTool(["customer", "add", "华为", "-a", archive, "--password-file", pw]).status, 0)
        let latin = try NSRegularExpression(pattern: "[A-Za-z]+(?: [A-Za-z]+){2,}")
        func chinese(_ r: RunResult, _ expected: String, _ status: Int32, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(r.status, status, r.stderr, file: file, line: line)
            XCTAssertTrue(r.stderr.contains(expected), r.stderr, file: file, line: line)
            let first = String(r.stderr.split(separator: "\n").first ?? "")
            XCTAssertNil(latin.firstMatch(in: first, range: NSRange(first.startIndex..., in: first)), "English left: \(first)", file: file, line: line)
        }
        let empty = try dir.write("empty.svault", "这不是档案\n")
        chinese(try runTool(["--lang", "zh", "customer", "list", "-a", empty, "--password-file", pw]), "文件开头缺少 SalesVault 标识", 2)
        let cut = dir.path("cut.svault")
        try FileManager.default.copyItem(atPath: archive, toPath: cut)
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: cut)[.size] as? Int)
        XCTAssertEqual(truncate(cut, off_t(size - 100)), 0)
        chinese(try runTool(["--lang", "zh", "customer", "list", "-a", cut, "--password-file", pw]), "档案头不完整", 4)
        // Damaged header copies: one (status, verify) and both (every command, compliance) were
        // said with the format layer's English inside the Chinese.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: archive)))
        bytes.replaceSubrange((32 + 100)..<(32 + 164), with: [UInt8](repeating: 0x41, count: 64))
        let one = dir.path("one.svault")
        try Data(bytes).write(to: URL(fileURLWithPath: one))
        for args in [["status", one], ["verify", one, "--password-file", pw]] {
            let r = try runTool(["--lang", "zh"] + args)
            let line = r.stdout.split(separator: "\n").first { $0.contains("档案头副本") && $0.contains("A") } ?? ""
            XCTAssertTrue(line.contains("已损坏，档案头副本的校验值不符（写入中断或文件损坏）"), "\(args[0]): \(r.stdout)")
            XCTAssertNil(latin.firstMatch(in: String(line), range: NSRange(line.startIndex..., in: line)), "English left: \(line)")
        }
        bytes.replaceSubrange((32 + 16_384 + 100)..<(32 + 16_384 + 164), with: [UInt8](repeating: 0x41, count: 64))
        let both = dir.path("both.svault")
        try Data(bytes).write(to: URL(fileURLWithPath: both))
        chinese(try runTool(["--lang", "zh", "customer", "list", "-a", both, "--password-file", pw]),
                "档案头已损坏：两个档案头副本均已损坏（副本 A：档案头副本的校验值不符（写入中断或文件损坏）；副本 B：", 4)
        let folder = dir.path("dept/archives")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: both, toPath: folder + "/both.svault")
        // One damaged copy is named too, with what to do (helper-160: compliance said nothing,
        // --verify said "verified yes").
        try FileManager.default.copyItem(atPath: one, toPath: folder + "/one.svault")
        let check = try runTool(["--lang", "zh", "compliance", dir.path("dept")])
        XCTAssertTrue(check.stdout.contains("无法读取：两个档案头副本均已损坏（副本 A：档案头副本的校验值不符"), check.stdout)
        XCTAssertTrue(check.stdout.contains("档案头副本 A 已损坏（档案头副本的校验值不符（写入中断或文件损坏））：请档案所有人对 \(folder)/one.svault 运行 salesvault repair"), check.stdout)
        XCTAssertEqual(check.status, 9, "non-compliant until repaired (it was listed beside 'compliant': helper-161)")
        let json = try runTool(["compliance", dir.path("dept"), "--json"])
        XCTAssertTrue(json.stdout.contains("header copy A damaged (header copy checksum does not match (torn write or damage)): the owner runs salesvault repair on \(folder)/one.svault"), json.stdout)
        // A name that needs quoting for a shell is quoted (it was given bare: helper-161).
        try FileManager.default.moveItem(atPath: folder + "/one.svault", toPath: folder + "/b copy.svault")
        let spaced = try runTool(["compliance", dir.path("dept")])
        XCTAssertTrue(spaced.stdout.contains("salesvault repair on '\(folder)/b copy.svault'"), spaced.stdout)
        let key = dir.path("k")
        _ = try dir.write("kp", "manager pass phrase 1\n")
        XCTAssertEqual(try runTool(["keys", "generate", "li", "--dir", key, "--passphrase-file", dir.path("kp"), "--insecure-kdf-cost", "10"]).status, 0)
        chinese(try runTool(["--lang", "zh", "escrow", "open", archive, "--identity", key + "/li.key", "--passphrase-file", dir.path("kp"), "--", "customer", "list"]),
                "本档案没有托管槽", 3)
        // An interrupted save: the hint names this archive, not an example (helper-109).
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: archive))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("中断".utf8))
        try handle.close()
        let unfinished = try runTool(["--lang", "zh", "customer", "add", "小米", "-a", archive, "--password-file", pw])
        XCTAssertEqual(unfinished.status, 6, unfinished.stderr)
        XCTAssertTrue(unfinished.stderr.contains("请运行 salesvault repair \(archive) 进行修复"), unfinished.stderr)
    }

    /// Finding 6: `reminders --ics` on a full disk left a 0-byte calendar and a raw Cocoa error;
    /// now the file is written atomically: the old calendar stays, the error says the disk is full.
    func testRemindersOnAFullDiskKeepTheOldCalendarAndSaySo() throws {
        let dir = try TempDir()
        let archive = dir.path("a.svault")
        let pw = try dir.write("pw", "horse battery staple 9\n")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"]).status, 0)
        let small = dir.path("small")
        let unmount = try mountSmallDisk(at: small, size: "16k")
        defer { unmount() }
        let calendar = small + "/r.ics"
        XCTAssertEqual(try runTool(["reminders", "--ics", archive, "--output", calendar]).status, 0)
        let old = try Data(contentsOf: URL(fileURLWithPath: calendar))
        XCTAssertTrue(String(decoding: old, as: UTF8.self).hasPrefix("BEGIN:VCALENDAR"))
        // Fill the disk, then write again.
        try fillSmallDisk(at: small)
        let full = try runTool(["reminders", "--ics", archive, "--output", calendar, "--lang", "zh"])
        XCTAssertEqual(full.status, 1, full.stderr)
        XCTAssertTrue(full.stderr.contains("磁盘空间不足"), full.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: calendar)), old, "the old calendar is untouched")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: small).sorted(), ["fill", "r.ics"], "no temporary file left")
    }

    /// helper-101: a save on a full disk said `磁盘已满：write …/a.svault: No space left on
    /// device` (the system's English inside the Chinese); now the cause and what to do are
    /// Chinese, the file is named, and the archive is byte for byte as before.
    func testASaveOnAFullDiskIsSaidInChineseAndTheArchiveIsAsBefore() throws {
        let dir = try TempDir()
        let small = dir.path("small")
        let unmount = try mountSmallDisk(at: small, size: "64k")
        defer { unmount() }
        let archive = small + "/a.svault"
        let pw = try dir.write("pw", "horse battery staple 9\n")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"]).status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: archive))
        try fillSmallDisk(at: small)
        // (Enough to need new pages: a small change can fit in the last page the file has.)
        let rows = (1...300).map { "测试公司\($0)有限公司,B,\(String(repeating: "备注", count: 40))" }
        let csv = try dir.write("c.csv", "客户名称,等级,备注\n" + rows.joined(separator: "\n") + "\n")
        let zh = try runTool(["import", csv, "-a", archive, "--password-file", pw, "--yes", "--lang", "zh"])
        XCTAssertEqual(zh.status, 1, zh.stderr)
        XCTAssertTrue(zh.stderr.contains("磁盘空间不足，无法写入“\(archive)”。档案未做任何更改"), zh.stderr)
        XCTAssertTrue(zh.stderr.contains("请清理磁盘空间"), zh.stderr)
        XCTAssertFalse(zh.stderr.contains("No space"), "no English of the system in the Chinese message: \(zh.stderr)")
        let en = try runTool(["import", csv, "-a", archive, "--password-file", pw, "--yes", "--lang", "en"])
        XCTAssertEqual(en.status, 1, en.stderr)
        XCTAssertTrue(en.stderr.contains("the disk is full"), en.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: archive)), before, "the archive is byte for byte as before")
    }

    /// helper-194: `compromised` stopped after the new password and before the new data key
    /// (killed, or here the disk full for the rekey's new file) left an archive that looked done
    /// (`status` and `compliance` fine) with the leaked password's data key. The password's header
    /// now says a new data key is due until a rekey gives it.
    func testACompromisedStoppedBeforeItsNewDataKeySaysTheKeyIsDue() throws {
        let dir = try TempDir()
        let small = dir.path("small")
        let unmount = try mountSmallDisk(at: small, size: "256k")
        defer { unmount() }
        let archive = small + "/a.svault"
        let pw = try dir.write("pw", "horse battery staple 9\n")
        let fresh = try dir.write("new", "fresh granite lantern 42\n")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"]).status, 0)
        XCTAssertEqual(try runTool(["customer", "add", "华为技术有限公司", "-a", archive, "--password-file", pw]).status, 0)
        try fillSmallDisk(at: small)
        let stopped = try runTool(["compromised", archive, "--password-file", pw, "--new-password-file", fresh, "--insecure-kdf-cost", "10", "--lang", "zh"])
        XCTAssertEqual(stopped.status, 1, stopped.stderr)
        XCTAssertTrue(stopped.stdout.contains("已设置新密码"), stopped.stdout)
        XCTAssertTrue(stopped.stderr.contains("密码已修改，但数据密钥未能更换：磁盘空间不足") && stopped.stderr.contains("档案内容未受影响。") && stopped.stderr.contains("尽快用新密码运行 salesvault rekey \(archive)，完成数据密钥的更换"), stopped.stderr)
        // Said without the password, and at the next unlock.
        let status = try runTool(["status", archive, "--json"])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["dekGeneration"] as? Int, 1)
        XCTAssertTrue("\(json["flags"] ?? "")".contains("rekeyRequired"), status.stdout)
        XCTAssertTrue(try runTool(["status", archive, "--lang", "zh"]).stdout.contains("须更换数据密钥"))
        let opened = try runTool(["customer", "list", "-a", archive, "--password-file", fresh, "--lang", "zh"])
        XCTAssertEqual(opened.status, 0, opened.stderr)
        XCTAssertTrue(opened.stderr.contains("本档案须更换数据密钥") && opened.stderr.contains("salesvault compromised 时在更换数据密钥前中断了"), opened.stderr)
        // With room again, the rekey the message names finishes it.
        try FileManager.default.removeItem(atPath: small + "/fill")
        let rekey = try runTool(["rekey", archive, "--password-file", fresh])
        XCTAssertEqual(rekey.status, 0, rekey.stderr)
        XCTAssertFalse(rekey.stderr.contains("needs a new data key"), "the rekey does not tell itself to run (helper-197): \(rekey.stderr)")
        let done = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try runTool(["status", archive, "--json"]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual(done["dekGeneration"] as? Int, 2)
        XCTAssertFalse("\(done["flags"] ?? "")".contains("rekeyRequired"), "\(done)")
        // Uninterrupted, the flag never shows.
        let again = try dir.write("again", "quiet meadow harbour 77\n")
        XCTAssertEqual(try runTool(["compromised", archive, "--password-file", fresh, "--new-password-file", again, "--insecure-kdf-cost", "10"]).status, 0)
        let after = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try runTool(["status", archive, "--json"]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual(after["dekGeneration"] as? Int, 3)
        XCTAssertFalse("\(after["flags"] ?? "")".contains("rekeyRequired"), "\(after)")
    }

    /// helper-103: `dept init` on a full disk left a half-made department folder (no
    /// department.json) and the new administrator key behind; now neither is left, and the cause
    /// is said in Chinese. Run again once there is room, it creates the department.
    func testADepartmentThatCannotBeWrittenLeavesNoFolderAndNoKey() throws {
        let dir = try TempDir()
        let small = dir.path("small")
        let unmount = try mountSmallDisk(at: small, size: "64k")
        defer { unmount() }
        try fillSmallDisk(at: small)
        let department = small + "/销售/华东区销售部"
        let key = dir.path("admin.key")
        let passphrase = try dir.write("ap", "admin passphrase 2026\n")
        let args = ["dept", "init", department, "--name", "华东区销售部", "--admin-key", key, "--admin-passphrase-file", passphrase,
                    "--insecure-kdf-cost", "10", "--lang", "zh"]
        let r = try runTool(args)
        XCTAssertNotEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stderr.contains("磁盘空间不足"), r.stderr)
        XCTAssertFalse(r.stderr.contains("No space"), r.stderr)
        XCTAssertTrue(r.stderr.contains("部门创建失败，刚生成的管理员密钥 \(key) 也已删除"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: small + "/销售"), "no half-made department")
        XCTAssertFalse(FileManager.default.fileExists(atPath: key), "no key left behind")
        XCTAssertFalse(FileManager.default.fileExists(atPath: key + ".seen"))
        try FileManager.default.removeItem(atPath: small + "/fill")
        let again = try runTool(args)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: department + "/department.json"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: key))

        // A key that was there is kept, and no record of a registry that was taken away is
        // written beside it (helper-106: KEY.seen named serial 1, and the next try made serial 2),
        // wherever the disk fills up.
        try FileManager.default.removeItem(atPath: small + "/销售")
        let kept = dir.path("kept.key")
        try FileManager.default.copyItem(atPath: key, toPath: kept)
        let keyBytes = try Data(contentsOf: URL(fileURLWithPath: kept))
        var failures = 0
        for kib in stride(from: 24, through: 60, by: 2) {
            FileManager.default.createFile(atPath: small + "/fill", contents: Data(count: kib * 1024))
            let r = try runTool(["dept", "init", small + "/D", "--name", "华南区销售部", "--admin-key", kept, "--admin-passphrase-file", passphrase, "--lang", "zh"])
            if r.status == 0 {
                try FileManager.default.removeItem(atPath: small + "/D")
                try FileManager.default.removeItem(atPath: kept + ".seen")
            } else {
                failures += 1
                XCTAssertTrue(r.stderr.contains("磁盘空间不足"), "\(kib) KiB: \(r.stderr)")
                XCTAssertFalse(FileManager.default.fileExists(atPath: small + "/D"), "\(kib) KiB: no half-made department")
                XCTAssertFalse(FileManager.default.fileExists(atPath: kept + ".seen"), "\(kib) KiB: no record of a registry taken away")
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: kept)), keyBytes, "\(kib) KiB: the key is kept as it was")
            try FileManager.default.removeItem(atPath: small + "/fill")
        }
        XCTAssertGreaterThan(failures, 0, "the disk filled up at some size")

        // A history folder that was there: the files written into it are taken away too
        // (helper-107: department.1.json was left), and one there before is never written over.
        failures = 0
        for kib in stride(from: 24, through: 60, by: 2) {
            try FileManager.default.createDirectory(atPath: small + "/E/history", withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: small + "/fill", contents: Data(count: kib * 1024))
            let r = try runTool(["dept", "init", small + "/E", "--name", "华北区销售部", "--admin-key", kept, "--admin-passphrase-file", passphrase, "--lang", "zh"])
            if r.status != 0 {
                failures += 1
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: small + "/E"), ["history"], "\(kib) KiB: \(r.stderr)")
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: small + "/E/history"), [], "\(kib) KiB: \(r.stderr)")
            }
            try FileManager.default.removeItem(atPath: small + "/E")
            try? FileManager.default.removeItem(atPath: kept + ".seen")
            try FileManager.default.removeItem(atPath: small + "/fill")
        }
        XCTAssertGreaterThan(failures, 0, "the disk filled up at some size")
        try FileManager.default.createDirectory(atPath: dir.path("F/history"), withIntermediateDirectories: true)
        let old = try dir.write("F/history/department.1.json", "old registry\n")
        let refused = try runTool(["dept", "init", dir.path("F"), "--name", "华北区销售部", "--admin-key", kept, "--admin-passphrase-file", passphrase, "--lang", "zh"])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("中已有其他部门的文件（"), refused.stderr)
        XCTAssertEqual(try String(contentsOfFile: old, encoding: .utf8), "old registry\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("F/department.json")))
    }

    /// helper-105: `dept init F` where F is a file wrote a new administrator key, then failed
    /// with the system's `File exists`; now it is refused first, in Chinese, and no key is left.
    func testADepartmentWhereAFileIsIsRefusedBeforeAKeyIsWritten() throws {
        let dir = try TempDir()
        let file = try dir.write("F", "hi\n")
        let passphrase = try dir.write("ap", "admin passphrase 2026\n")
        let r = try runTool(["dept", "init", file, "--name", "华东区销售部", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", passphrase,
                             "--insecure-kdf-cost", "10", "--lang", "zh"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("“\(file)”已存在，且不是文件夹；未创建任何内容"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("admin.key")), "no key left behind")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "hi\n")
    }

    /// Finding 4: `rekey` and `compromised` on a symbolic link replaced the link with a new file
    /// and left the real file with the old, compromised data key.
    func testRekeyAndCompromisedThroughASymlinkRotateTheRealFileAndKeepTheLink() throws {
        let dir = try TempDir()
        let real = dir.path("real.svault"), link = dir.path("link.svault")
        let pw = try dir.write("pw", "horse battery staple 9\n")
        let env = ["TZ": "UTC"]
        XCTAssertEqual(try runTool(["init", real, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"], environment: env).status, 0)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let rekey = try runTool(["rekey", link, "--password-file", pw], environment: env)
        XCTAssertEqual(rekey.status, 0, rekey.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), real, "still a link to the real file")
        let status = try runTool(["status", real, "--json"], environment: env)
        let generation = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["dekGeneration"] as? Int
        XCTAssertEqual(generation, 2, status.stdout)

        let next = try dir.write("next", "seven quiet mountains 4\n")
        let compromised = try runTool(["compromised", link, "--password-file", pw, "--new-password-file", next, "--insecure-kdf-cost", "10"], environment: env)
        XCTAssertEqual(compromised.status, 0, compromised.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), real)
        XCTAssertEqual(try runTool(["verify", real, "--password-file", next], environment: env).status, 0)
        XCTAssertNotEqual(try runTool(["verify", real, "--password-file", pw], environment: env).status, 0, "the old password no longer opens the real file")
    }

    /// Finding 8: a file longer than its header says (an older header copied over a newer body)
    /// was read as fewer records without a word; FORMAT.md §7 step 5 says the bytes are reported.
    func testBytesAfterWhatTheHeaderCommitsAreReportedOnEveryUnlock() throws {
        let dir = try TempDir()
        let archive = dir.path("a.svault")
        let pw = try dir.write("pw", "horse battery staple 9\n")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"]).status, 0)
        let header = try Data(contentsOf: URL(fileURLWithPath: archive))  // the header before any record
        XCTAssertEqual(try runTool(["customer", "add", "甲", "-a", archive, "--password-file", pw]).status, 0)
        XCTAssertEqual(try runTool(["customer", "add", "乙", "-a", archive, "--password-file", pw]).status, 0)
        var body = try Data(contentsOf: URL(fileURLWithPath: archive))
        body.replaceSubrange(0..<header.count, with: header)  // the older header put back
        try body.write(to: URL(fileURLWithPath: archive))
        let r = try runTool(["customer", "list", "-a", archive, "--password-file", pw])
        XCTAssertTrue(r.stderr.contains("bytes after the 0 records its header commits"), r.stderr)
        XCTAssertTrue(r.stderr.contains("salesvault repair"), r.stderr)
    }

    /// Finding 9: `SALESVAULT_NOW` out of range crashed the tool (SIGILL). Round 4, N6: it was
    /// then silently ignored (the real clock used, `status` saying nothing), as was any value
    /// not understood, and 2026-02-30 became March 2. Now, with the testing switch, such a value
    /// stops every command with an error naming it (exit 64, nothing written); without the
    /// switch the variable is ignored, as always.
    func testATestClockThatIsNotATimeStopsTheToolWithoutACrash() throws {
        let dir = try TempDir()
        let pw = try dir.write("pw", "horse battery staple 9\n")
        for (i, value) in ["9223372036854775807", "-9223372036854775808", "99999999999999", "abc", "1e9", " 1767790000", "1767790000.5",
                           "2026-02-30T00:00:00Z", "2026-01-07T12:00:60Z", "10000-01-01T00:00:00Z", "253402300800", ""].enumerated() {
            let path = dir.path("a\(i).svault")
            let r = try runTool(["init", path, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"], environment: ["SALESVAULT_NOW": value])
            XCTAssertEqual(r.status, 64, "\(value.debugDescription): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("SALESVAULT_NOW=") && r.stderr.contains("is not a time"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), value)
            let zh = try runTool(["--lang", "zh", "status", path], environment: ["SALESVAULT_NOW": value])
            XCTAssertEqual(zh.status, 64)
            XCTAssertTrue(zh.stderr.contains("不是有效时间"), zh.stderr)
            // Without the testing switch the variable means nothing.
            let plain = try runTool(["init", path, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"],
                                    environment: ["SALESVAULT_NOW": value, "SALESVAULT_TESTING": ""])
            XCTAssertEqual(plain.status, 0, "\(value.debugDescription): \(plain.stderr)")
            let add = try runTool(["customer", "add", "甲", "-a", path, "--password-file", pw], environment: ["SALESVAULT_NOW": value, "SALESVAULT_TESTING": ""])
            XCTAssertEqual(add.status, 0, "\(value.debugDescription): \(add.stderr)")
        }
        // The forms it takes: seconds, and RFC 3339 UTC naming a real day.
        let ok = try runTool(["init", dir.path("ok.svault"), "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"],
                             environment: ["SALESVAULT_NOW": "2028-02-29T08:00:00Z"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(try runTool(["status", dir.path("ok.svault")], environment: ["SALESVAULT_NOW": "1767790000"]).stdout.contains("test clock in use"))
    }

    /// Finding 6: with stderr full the tool died (SIGILL) even after saving a change; with stdout
    /// full it said nothing and exited 0; a closed stdout could become an archive's descriptor.
    func testFullOrClosedOutputsNeverCrashOrLoseAChange() throws {
        let dir = try TempDir()
        let archive = dir.path("a.svault")
        let pw = try dir.write("pw", "horse battery staple 9\n")
        XCTAssertEqual(try runTool(["init", archive, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"]).status, 0)
        let bin = Binaries.url("salesvault").path
        func sh(_ script: String) throws -> RunResult { try runTool(["-c", script], executable: "/bin/sh", environment: ["BIN": bin, "A": archive, "PW": pw]) }
        let full = try sh(#""$BIN" status "$A" > /dev/full"#)
        XCTAssertEqual(full.status, 1, full.stderr)
        XCTAssertTrue(full.stderr.contains("could not be written"), full.stderr)
        let fullErr = try sh(#""$BIN" status "$A.missing" 2> /dev/full"#)
        XCTAssertEqual(fullErr.status, 2, "the documented status, not a crash")
        let saved = try sh(#""$BIN" customer add 甲 -a "$A" --password-file "$PW" >&- 2> /dev/full"#)
        XCTAssertEqual(saved.status, 0)
        let list = try runTool(["customer", "list", "-a", archive, "--password-file", pw])
        XCTAssertTrue(list.stdout.contains("甲"), "the change is saved")
        XCTAssertEqual(try runTool(["verify", archive, "--password-file", pw]).status, 0, "and the archive is intact")
    }
}
