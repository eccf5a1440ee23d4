import Foundation
import VaultCrypto
import XCTest

/// The department through the built binary (DEPARTMENT.md): escrow open and reset, a forged
/// registry, a hand-edited header caught by --verify, manager changes, the compliance table for a
/// fixed date, key interop with the real `age` tools, reminders.
final class DepartmentCLITests: DepartmentCLITestCase {
    /// A scrypt that cannot get its memory (a tight `ulimit -v`) is said as such: an owner's
    /// password was reported as a "cryptographic failure", a manager's key file as "not a valid
    /// age file (scryptWorkFactorTooHigh(18))" (black-box finding). Swept where the program
    /// starts but 2^18's 256 MB do not fit: each run works or names the memory.
    func testScryptShortOfMemoryIsSaidAsSuchForPasswordsAndKeyFiles() throws {
        try sv(["keys", "generate", "strong", "--dir", dir.path("k"), "--passphrase-file", dir.path("lp")])  // the default cost, 2^18
        let archive = dir.path("own.svault")
        try sv(["init", archive, "--owner", "张伟", "--password-file", dir.path("pw")])  // the default cost
        var said = (key: 0, password: 0)
        for limit in stride(from: 150_000, through: 350_000, by: 50_000) {
            func run(_ args: [String]) throws -> RunResult {
                let r = try runTool(["60", "/bin/sh", "-c", "ulimit -v \(limit); exec \"$0\" \"$@\"", Binaries.url("salesvault").path] + args,
                                    executable: "/usr/bin/timeout", environment: f.environment.merging(["SALESVAULT_NOW": String(t0)]) { $1 })
                XCTAssertLessThan(r.status, 124, "ulimit -v \(limit) \(args[0]): \(r.stderr)")
                return r
            }
            let key = try run(["escrow", "open", archive, "--identity", dir.path("k/strong.key"), "--passphrase-file", dir.path("lp"), "--", "customer", "list"])
            if key.stderr.contains("not enough memory to open the key file: its passphrase protection (scrypt 2^18) needs about 257 MB") { said.key += 1 }
            XCTAssertFalse(key.stderr.contains("not a valid age file"), key.stderr)
            let owner = try run(["customer", "list", "-a", archive, "--password-file", dir.path("pw")])
            if owner.stderr.contains("not enough memory for the password protection (scrypt needs about") { said.password += 1 } else {
                XCTAssertEqual(owner.status, 0, "ulimit -v \(limit): \(owner.stderr)")
            }
            XCTAssertFalse(owner.stderr.contains("cryptographic failure"), owner.stderr)
        }
        XCTAssertGreaterThan(said.key, 0)
        XCTAssertGreaterThan(said.password, 0)
    }

    /// Opening through escrow counts the memory the records need before reading them, as the
    /// owner's opening does (it was not counted: under a tight `ulimit -v` the owner's opening
    /// stopped with SIGABRT or waited for ever, the archive locked). Swept over limits around
    /// where the program can start at all: never a signal, never a hang; a refusal names the
    /// memory and leaves the archive and the department's audit log exactly as they were.
    func testEscrowOpenUnderAMemoryLimitIsRefusedBeforeReadingNeverCrashes() throws {
        let archive = try f.newArchive("张伟", customer: true)
        let env = f.environment.merging(["SALESVAULT_NOW": String(t0 + 60)]) { $1 }
        var refused = 0, opened = 0
        for limit in stride(from: 100_000, through: 400_000, by: 10_000) {
            let before = try bytes(archive)
            let log = try? bytes(try f.logPath(archive))
            let r = try runTool(["60", "/bin/sh", "-c", "ulimit -v \(limit); exec \"$0\" \"$@\"", Binaries.url("salesvault").path,
                                 "escrow", "open", archive] + f.key("li") + ["--", "customer", "list"],
                                executable: "/usr/bin/timeout", environment: env)
            XCTAssertNotEqual(r.status, 124, "ulimit -v \(limit): hung")
            XCTAssertLessThan(r.status, 128, "ulimit -v \(limit): stopped by a signal: \(r.stderr)")
            if r.stderr.contains("ulimit -v") && r.stderr.contains("memory") {
                refused += 1
                XCTAssertEqual(r.status, 1, r.stderr)
                XCTAssertTrue(r.stderr.contains("the archive is unchanged"), r.stderr)
                XCTAssertEqual(try bytes(archive), before, "ulimit -v \(limit): refused, and the archive as it was")
                XCTAssertEqual(try? bytes(try f.logPath(archive)), log, "ulimit -v \(limit): nothing recorded in the audit log")
            } else if r.status == 0 {
                opened += 1
                XCTAssertTrue(r.stdout.contains("华为技术有限公司"), r.stdout)
            }
        }
        XCTAssertGreaterThan(refused, 0, "some limit between 100 and 400 MB leaves the program started but without the memory to open")
        XCTAssertGreaterThan(opened, 0, "and a larger one opens it")
    }

    /// A manager's password reset counts the new password's scrypt (the calibrated cost, 128 MB
    /// to 1 GB) with the records before the archive is opened: short of memory, it is refused
    /// before the escrow use is recorded. (It was counted only when scrypt ran, after the use had
    /// been recorded in the archive and the department's audit log.) Swept upwards until a
    /// reset goes through: every refusal leaves the archive and the audit log as they were.
    func testEscrowResetShortOfMemoryForTheNewPasswordIsRefusedBeforeTheUseIsRecorded() throws {
        let archive = try f.newArchive("张伟", customer: true)
        try Data("Temp-Reset-2026-xyz".utf8).write(to: URL(fileURLWithPath: dir.path("tmp")))
        let env = f.environment.merging(["SALESVAULT_NOW": String(t0 + 60)]) { $1 }
        var refused = 0, reset = false
        for limit in stride(from: 150_000, through: 1_400_000, by: 50_000) {
            let before = try bytes(archive)
            let log = try? bytes(try f.logPath(archive))
            let r = try runTool(["120", "/bin/sh", "-c", "ulimit -v \(limit); exec \"$0\" \"$@\"", Binaries.url("salesvault").path,
                                 "escrow", "reset-password", archive] + f.key("li") + ["--new-password-file", dir.path("tmp")],
                                executable: "/usr/bin/timeout", environment: env)
            XCTAssertNotEqual(r.status, 124, "ulimit -v \(limit): hung")
            XCTAssertLessThan(r.status, 128, "ulimit -v \(limit): stopped by a signal: \(r.stderr)")
            if r.status == 0 {
                reset = true
                break
            }
            XCTAssertTrue(r.stderr.contains("memory"), "ulimit -v \(limit): \(r.stderr)")
            XCTAssertEqual(try bytes(archive), before, "ulimit -v \(limit): refused, and the archive as it was: \(r.stderr)")
            XCTAssertEqual(try? bytes(try f.logPath(archive)), log, "ulimit -v \(limit): nothing recorded in the audit log: \(r.stderr)")
            if r.stderr.contains("running this command") { refused += 1 }
        }
        XCTAssertGreaterThan(refused, 0, "some limit lets the archive open but leaves too little for the new password's scrypt")
        XCTAssertTrue(reset, "and a larger one resets it")
    }

    // The archives of these tests use the insecure testing cost 2^10 (fast); the shared test
    // department accepts it (DEPARTMENT.md §6). `testAWeakKDFIsNonCompliantUnderTheDefaultFloor`
    // checks the real floor.

    func testAWeakKDFIsNonCompliantUnderTheDefaultFloor() throws {
        try newArchive("张伟", now: t0)
        try admin(["policy", dept, "--min-kdf-cost", "17"], now: at(day: 1))
        XCTAssertFalse(try String(contentsOfFile: dept + "/department.json", encoding: .utf8).contains("minKDFLogN"), "the default is no field")
        let json = try sv(["compliance", dept, "--json"], now: at(day: 2), expect: 9)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let row = try XCTUnwrap((report["archives"] as? [[String: Any]])?.first)
        XCTAssertEqual(row["kdfLogN"] as? Int, 10)
        XCTAssertEqual(row["kdfWeak"] as? Bool, true)
        XCTAssertEqual(row["nonCompliant"] as? Bool, true)
        XCTAssertTrue((row["problem"] as? String)?.contains("weak KDF: scrypt 2^10 below 2^17") == true, json.stdout)
        XCTAssertEqual((report["summary"] as? [String: Any])?["weakKDF"] as? Int, 1)
        let table = try sv(["compliance", dept, "--lang", "zh"], now: at(day: 2), expect: 9)
        XCTAssertTrue(table.stdout.contains("2^10（过低）") && table.stdout.contains("1 份档案的密码保护强度不足"), table.stdout)
        XCTAssertTrue(table.stdout.contains("张伟.svault: 密码保护强度不足：scrypt 2^10，低于部门要求的 2^17") == false, "said in its column, not again below: \(table.stdout)")
        let csv = try sv(["compliance", dept, "--csv"], now: at(day: 2), expect: 9)
        XCTAssertTrue(csv.stdout.contains(",10,weak KDF: scrypt 2^10 below 2^17,yes"), csv.stdout)
        // The test floor makes the same archive compliant again.
        try admin(["policy", dept, "--min-kdf-cost", "10"], now: at(day: 3))
        XCTAssertTrue(try sv(["dept", "show", dept], now: at(day: 3)).stdout.contains("Minimum password cost: 2^10 (INSECURE, tests only)"))
        try sv(["compliance", dept], now: at(day: 4))
    }


    func testAManagerOpensThroughEscrowWithoutThePasswordAndTheOwnerIsTold() throws {
        let a = try newArchive("张伟")
        try sv(["customer", "add", "华为技术有限公司", "--grade", "A"] + owner(a))
        let opened = try sv(["escrow", "open", a] + li() + ["--", "customer", "list", "--json"], now: at(day: 1))
        XCTAssertTrue(opened.stdout.contains("华为技术有限公司"), opened.stdout)
        XCTAssertTrue(opened.stderr.contains("through escrow as 李经理"), opened.stderr)
        // Read-only: a change is refused before the archive is opened, as a usage error, and
        // nothing is written (no use is recorded for an open that did not happen).
        let before = try bytes(a)
        let write = try sv(["escrow", "open", a] + wang() + ["--", "customer", "add", "Acme"], now: at(day: 1), expect: 64)
        XCTAssertTrue(write.stderr.contains("read-only"), write.stderr)
        XCTAssertEqual(try bytes(a), before, "refused before opening: nothing recorded")
        try sv(["escrow", "open", a] + wang() + ["--", "search", "华为"], now: at(day: 1))
        let list = try sv(["customer", "list", "--json"] + owner(a), now: at(day: 2))
        XCTAssertFalse(list.stdout.contains("Acme"))
        // A key that is not a manager's opens nothing.
        _ = try dir.write("sp", "stranger pass phrase\n")
        try sv(["keys", "generate", "stranger", "--dir", dir.path("k"), "--passphrase-file", dir.path("sp"), "--insecure-kdf-cost", "10"])
        let stranger = try sv(["escrow", "open", a, "--identity", dir.path("k/stranger.key"), "--passphrase-file", dir.path("sp"), "--", "customer", "list"], expect: 3)
        XCTAssertTrue(stranger.stderr.contains("do not open"), stranger.stderr)
        // Two keys, one passphrase file, no terminal: said which key has none (it said only to use
        // --passphrase-file, which was used: helper-164).
        let two = try sv(["escrow", "open", a, "--identity", dir.path("k/stranger.key"), "--identity", dir.path("k/stranger.key"), "--passphrase-file", dir.path("sp"),
                          "--lang", "zh", "--", "customer", "list"], expect: 64)
        XCTAssertTrue(two.stderr.contains("（第 2 个 --identity）也需要口令，但当前无法在终端中输入口令"), two.stderr)
        XCTAssertTrue(two.stderr.contains("提示：请为每个 --identity 各提供一个 --passphrase-file，顺序与 --identity 相同（目前只提供了 1 个）"), two.stderr)
        // The owner sees both uses, with who and when, until a change acknowledges them.
        XCTAssertTrue(list.stderr.contains("2026-01-02 10:00 李经理 opened the archive"), list.stderr)
        XCTAssertTrue(list.stderr.contains("王总 opened the archive"), list.stderr)
        let compliance = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sv(["compliance", dept, "--json"], now: at(day: 2)).stdout.utf8)) as? [String: Any])
        let row = try XCTUnwrap((compliance["archives"] as? [[String: Any]])?.first)
        XCTAssertEqual(row["escrowUsesUnacknowledged"] as? Int, 2)
        try sv(["customer", "add", "小米"] + owner(a), now: at(day: 3))
        let after = try sv(["customer", "list"] + owner(a), now: at(day: 3))
        XCTAssertFalse(after.stderr.contains("opened the archive"), after.stderr)
        let history = try sv(["history", "--json"] + owner(a), now: at(day: 3))
        XCTAssertTrue(history.stdout.contains("李经理"), "escrow uses stay in the history")
    }

    func testAnEscrowResetForcesAPasswordChange() throws {
        let a = try newArchive("张伟")
        _ = try dir.write("tmp", "temporary river lantern 7\n")
        _ = try dir.write("new", "my own granite password\n")
        try sv(["escrow", "reset-password", a] + wang() + ["--new-password-file", dir.path("tmp"), "--insecure-kdf-cost", "10"], now: at(day: 5))
        try sv(["customer", "list"] + owner(a), now: at(day: 6), expect: 3)  // the old password is gone
        let blocked = try sv(["customer", "list", "-a", a, "--password-file", dir.path("tmp")], now: at(day: 6), expect: 7)
        XCTAssertTrue(blocked.stderr.contains("reset this archive's password"), blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("salesvault passwd"), blocked.stderr)
        try sv(["passwd", a, "--password-file", dir.path("tmp"), "--new-password-file", dir.path("new"), "--insecure-kdf-cost", "10"], now: at(day: 6))
        let back = try sv(["customer", "list", "-a", a, "--password-file", dir.path("new")], now: at(day: 6))
        XCTAssertTrue(back.stderr.contains("王总 reset your password"), back.stderr)
        // The history lives under the owner's password (FORMAT.md §5.5), which the reset could not
        // re-seal: it starts again with the new password, so that one is refused and the password
        // from before the reset is not (the documented cost).
        let reused = try sv(["passwd", a, "--password-file", dir.path("new"), "--new-password-file", dir.path("new"), "--insecure-kdf-cost", "10"], now: at(day: 7), expect: 7)
        XCTAssertTrue(reused.stderr.contains("same as the current"), reused.stderr)
        // The manager's temporary password entered the new history at the forced change: it
        // cannot be chosen later (helper-194: accepted).
        let temporary = try sv(["passwd", a, "--password-file", dir.path("new"), "--new-password-file", dir.path("tmp"), "--insecure-kdf-cost", "10"], now: at(day: 7), expect: 7)
        XCTAssertTrue(temporary.stderr.contains("one of the last"), temporary.stderr)
        try sv(["passwd", a, "--password-file", dir.path("new"), "--new-password-file", dir.path("pw"), "--insecure-kdf-cost", "10"], now: at(day: 7))
    }

    func testEscrowShellIsReadOnlyAndCompromisedRotatesKeyAndPassword() throws {
        let a = try newArchive("张伟")
        try sv(["customer", "add", "华为"] + owner(a))
        // A scripted read-only shell: reads work, the change fails, the status is the first failure.
        let shell = try runTool(["escrow", "open", a] + li(), stdin: "customer list\ncustomer add Acme\nsearch 华为\n", environment: ["SALESVAULT_NOW": String(t0)])
        XCTAssertEqual(shell.status, 64, shell.stderr)
        XCTAssertTrue(shell.stdout.contains("华为"), shell.stdout)
        XCTAssertTrue(shell.stderr.contains("read-only"), shell.stderr)
        // compromised: a new data key (escrow slots re-made for the same managers) and a new password.
        _ = try dir.write("c2", "fresh granite lantern 42\n")
        let before = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sv(["status", a, "--json"]).stdout.utf8)) as? [String: Any])
        try sv(["compromised", a, "--password-file", dir.path("pw"), "--new-password-file", dir.path("c2"), "--insecure-kdf-cost", "10"], now: at(day: 3))
        let after = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sv(["status", a, "--json"]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual(before["dekGeneration"] as? Int, 1)
        XCTAssertEqual(after["dekGeneration"] as? Int, 2)
        XCTAssertEqual(after["passwordChangedAt"] as? String, after["dekRotatedAt"] as? String)
        XCTAssertNotEqual(after["passwordChangedAt"] as? String, before["passwordChangedAt"] as? String)
        try sv(["customer", "list"] + owner(a), expect: 3)
        try sv(["customer", "list", "-a", a, "--password-file", dir.path("c2")])
        try sv(["escrow", "open", a] + wang() + ["--", "customer", "list"])
        XCTAssertTrue(try sv(["compliance", dept], now: at(day: 3)).stdout.contains("compliant"))
    }

    func testARemovedManagerGetsNoSlotForANewDataKey() throws {
        // Any one: `compromised` right after the owner confirmed the removal (escrow update;
        // a removal is never applied without the owner's yes, DEPARTMENT.md §4).
        let a = try newArchive("张伟")
        try admin(["remove-manager", dept, "王总"])
        try sv(["escrow", "update", a, "--yes", "--password-file", dir.path("pw")])
        _ = try dir.write("c3", "fresh granite lantern 43\n")
        try sv(["compromised", a, "--password-file", dir.path("pw"), "--new-password-file", dir.path("c3"), "--insecure-kdf-cost", "10"])
        try sv(["escrow", "open", a] + wang() + ["--", "customer", "list"], expect: 3)
        try sv(["escrow", "open", a] + li() + ["--", "customer", "list"])
        XCTAssertFalse(try sv(["escrow", "list", a]).stdout.contains("王总"))
        XCTAssertTrue(try sv(["compliance", dept]).stdout.contains("compliant"))
        // A new password that is one of the last five is refused before anything is written.
        let before = try bytes(a)
        try sv(["compromised", a, "--password-file", dir.path("c3"), "--new-password-file", dir.path("pw"), "--insecure-kdf-cost", "10"], expect: 7)
        XCTAssertEqual(try bytes(a), before, "no rekey happened")
    }

    func testARemovedShareHolderGetsNoShareOfTheNewKey() throws {
        try admin(["add-manager", dept, "赵总", "--recipient", try anotherRecipient()])
        try admin(["policy", dept, "--threshold", "2"])
        let a = try newArchive("李娜")
        try admin(["remove-manager", dept, "赵总"])
        // A share is taken out only by `escrow update`, which shows the removal, asks (--yes) and rekeys.
        try sv(["escrow", "update", a, "--yes", "--password-file", dir.path("pw")])
        let list = try sv(["escrow", "list", a]).stdout
        XCTAssertFalse(list.contains("赵总"), list)
        XCTAssertTrue(list.contains("2 of these together"), list)
        // status names the shares in Chinese (it kept "(share 1, 2 needed)" in English).
        let status = try sv(["status", a, "--lang", "zh"]).stdout
        let slots = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("密钥槽") }, status)
        XCTAssertTrue(slots.contains("密码，托管给") && slots.contains("（第 1 份，须 2 位经理共同打开）") && slots.contains("（第 2 份，须 2 位经理共同打开）"), String(slots))
        XCTAssertFalse(slots.contains("share") || slots.contains("needed"), String(slots))
        try sv(["escrow", "open", a] + li() + wang() + ["--", "customer", "list"])
        XCTAssertTrue(try sv(["compliance", dept]).stdout.contains("compliant"))
        // Dual control is never weakened silently: removing another manager would leave one.
        try sv(["dept", "remove-manager", dept, "王总", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap")], expect: 8)
    }

    /// The department as a Chinese reader reads it (helper-179): a manager added without a role
    /// is 经理, not “manager”, beside the name in full-width brackets; the registry's time is a
    /// local minute, not 2026-12-06T19:04:32Z; the help of --dir is Chinese only.
    func testTheDepartmentInChinese() throws {
        let added = try admin(["add-manager", dept, "赵总", "--recipient", try anotherRecipient(), "--lang", "zh"])
        XCTAssertTrue(added.stdout.contains("已添加 赵总（经理），指纹 "), added.stdout)
        let shown = try sv(["--lang", "zh", "dept", "show", dept]).stdout
        XCTAssertTrue(shown.contains("赵总（经理）"), shown)
        XCTAssertFalse(shown.contains("(manager)") || shown.contains(" ("), shown)
        let head = try XCTUnwrap(shown.split(separator: "\n").first { $0.hasPrefix("部门：") }, shown)
        XCTAssertTrue(head.contains("更新于 20") && !head.contains("T") && !head.contains("Z）"), String(head))
        let help = try sv(["--lang", "zh", "keys", "generate", "--help"]).stdout
        XCTAssertTrue(help.contains("姓名.key 和 姓名.pub 存放的文件夹（默认当前文件夹）。"), help)
        XCTAssertFalse(help.contains("the current one") || help.contains("（默认：.）"), help)
    }

    func testAManagerCanOpenAnArchiveWithAnInterruptedSave() throws {
        let a = try newArchive("张伟")
        try sv(["customer", "add", "华为"] + owner(a))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: a))
        handle.seekToEndOfFile()
        handle.write(Data([0, 0, 0, 64] + [UInt8](repeating: 0xAB, count: 20)))
        try handle.close()
        let r = try sv(["escrow", "open", a] + li() + ["--", "customer", "list"])
        XCTAssertTrue(r.stdout.contains("华为"), r.stdout)
        XCTAssertTrue(r.stderr.contains("interrupted save"), r.stderr)
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: dept + "/archives").contains { $0.hasPrefix("张伟.svault.backup-") })
    }

    func testCompromisedWorksAfterAResetAndRekeyDespiteABrokenRegistry() throws {
        let a = try newArchive("张伟")
        _ = try dir.write("tmp", "temporary river lantern 8\n")
        _ = try dir.write("c4", "fresh granite lantern 44\n")
        try sv(["escrow", "reset-password", a] + li() + ["--new-password-file", dir.path("tmp"), "--insecure-kdf-cost", "10"])
        // The temporary password is known to a manager: `compromised` is exactly what to run.
        try sv(["compromised", a, "--password-file", dir.path("tmp"), "--new-password-file", dir.path("c4"), "--insecure-kdf-cost", "10"])
        try sv(["customer", "list", "-a", a, "--password-file", dir.path("c4")])
        // Someone breaks department.json: rekey still runs, keeping the archive's holders.
        let json = try String(contentsOfFile: dept + "/department.json", encoding: .utf8)
        try json.replacingOccurrences(of: "华东区销售部", with: "华东区销售部X").write(toFile: dept + "/department.json", atomically: true, encoding: .utf8)
        let r = try sv(["rekey", a, "--password-file", dir.path("c4")])
        XCTAssertTrue(r.stderr.contains("registry was refused"), r.stderr)
        try sv(["escrow", "open", a] + wang() + ["--", "customer", "list"])
    }

    func testTwoOfTwoNeedsBothManagers() throws {
        try admin(["policy", dept, "--threshold", "2"])
        let a = try newArchive("李娜")
        XCTAssertTrue(try sv(["escrow", "list", a]).stdout.contains("2 of these together"))
        let one = try sv(["escrow", "open", a] + li() + ["--", "customer", "list"], expect: 3)
        XCTAssertTrue(one.stderr.contains("2 of the 2 holders must act together"), one.stderr)
        try sv(["escrow", "open", a] + li() + wang() + ["--", "customer", "list"])
    }

    func testAForgedRegistryIsRefused() throws {
        let a = try newArchive("张伟")
        // An attacker swaps 李经理's key in department.json for their own (the signature stays).
        _ = try dir.write("xp", "attacker pass phrase 1\n")
        try sv(["keys", "generate", "attacker", "--dir", dir.path("k"), "--passphrase-file", dir.path("xp"), "--insecure-kdf-cost", "10"])
        let attackerKey = try pubRecipient(dir.path("k/attacker.pub"))
        let liKey = try pubRecipient(dir.path("k/li.pub"))
        let json = try String(contentsOfFile: dept + "/department.json", encoding: .utf8)
        try json.replacingOccurrences(of: liKey, with: attackerKey).write(toFile: dept + "/department.json", atomically: true, encoding: .utf8)
        let show = try sv(["dept", "show", dept], expect: 4)
        XCTAssertTrue(show.stderr.contains("does not match its signature"), show.stderr)
        let unlock = try sv(["customer", "add", "华为"] + owner(a))
        XCTAssertTrue(unlock.stderr.contains("registry was refused"), unlock.stderr)
        XCTAssertFalse(try sv(["escrow", "list", a]).stdout.contains(KeyFileFingerprint.of(attackerKey)), "the attacker got no slot")
        try sv(["escrow", "update", a, "--yes", "--password-file", dir.path("pw")], expect: 4)
        try sv(["compliance", dept], expect: 4)
        // A registry re-signed by another administrator key is refused as well.
        let other = dir.path("other")
        try sv(["dept", "init", other, "--name", "冒充", "--admin-key", dir.path("other.key"), "--admin-passphrase-file", dir.path("ap"), "--insecure-kdf-cost", "10"])
        try sv(["dept", "add-manager", other, "攻击者", "--pub", dir.path("k/attacker.pub"), "--admin-key", dir.path("other.key"), "--admin-passphrase-file", dir.path("ap")])
        for f in ["department.json", "department.sig"] {
            try FileManager.default.removeItem(atPath: dept + "/" + f)
            try FileManager.default.copyItem(atPath: other + "/" + f, toPath: dept + "/" + f)
        }
        let pinned = try sv(["customer", "list"] + owner(a))
        XCTAssertTrue(pinned.stderr.contains("another administrator key"), pinned.stderr)
        XCTAssertFalse(try sv(["escrow", "list", a]).stdout.contains("攻击者"))
    }

    func testManagerChangesAreShownAndRemovalRequiresARekey() throws {
        let a = try newArchive("张伟")
        try admin(["remove-manager", dept, "王总"])
        XCTAssertTrue(try sv(["compliance", dept], expect: 9).stdout.contains("rekey required"))
        let unlock = try sv(["customer", "add", "华为"] + owner(a))
        XCTAssertTrue(unlock.stderr.contains("removed 王总") && unlock.stderr.contains("escrow update"), unlock.stderr)
        try sv(["escrow", "update", a, "--yes", "--password-file", dir.path("pw")])  // the owner's yes (no terminal here)
        try sv(["escrow", "open", a] + wang() + ["--", "customer", "list"], expect: 3)
        XCTAssertTrue(try sv(["compliance", dept], expect: 9).stdout.contains("rekey required"), "until the rekey")
        try sv(["rekey", a, "--password-file", dir.path("pw")])
        XCTAssertTrue(try sv(["compliance", dept]).stdout.contains("compliant"))
        // A new manager is announced with a fingerprint and added only by `escrow update`.
        try admin(["add-manager", dept, "赵总", "--pub", dir.path("k/wang.pub"), "--role", "general manager"])
        let announced = try sv(["customer", "list"] + owner(a))
        XCTAssertTrue(announced.stderr.contains("+ 赵总"), announced.stderr)
        XCTAssertTrue(announced.stderr.contains(KeyFileFingerprint.of(try pubRecipient(dir.path("k/wang.pub")))), announced.stderr)
        XCTAssertTrue(try sv(["compliance", dept], expect: 9).stdout.contains("missing"))
        try sv(["escrow", "open", a] + wang() + ["--", "customer", "list"], expect: 3)
        try sv(["escrow", "update", a, "--yes", "--password-file", dir.path("pw")])
        try sv(["escrow", "open", a] + wang() + ["--", "customer", "list"])
        XCTAssertTrue(try sv(["compliance", dept]).stdout.contains("compliant"))
    }

    func testAHandEditedHeaderDateIsCaughtByVerify() throws {
        let a = try newArchive("张伟")
        try sv(["passwd", a, "--password-file", dir.path("pw"), "--new-password-file", try dir.write("n2", "second granite password\n"), "--insecure-kdf-cost", "10"], now: at(day: 10))
        try sv(["compliance", dept, "--verify"] + li(), now: at(day: 200), expect: 9)  // overdue, but authentic
        XCTAssertTrue(try sv(["compliance", dept, "--verify"] + li(), now: at(day: 200), expect: 9).stdout.contains(" yes"))
        // Someone moves "password changed" forward by 190 days in both header copies.
        var file = [UInt8](try bytes(a))
        for copy in 0..<2 { try HeaderEdit.setPasswordChangedAt(&file, copy: copy, to: at(day: 200)) }
        try Data(file).write(to: URL(fileURLWithPath: a))
        // The owner signature covers the date: caught with no key at all, as tampering (exit 4).
        let plain = try sv(["compliance", dept, "--csv"], now: at(day: 200), expect: 4)
        XCTAssertTrue(plain.stdout.contains(",INVALID"), "the owner signature no longer matches: \(plain.stdout)")
        let verified = try sv(["compliance", dept, "--verify", "--csv"] + li(), now: at(day: 200), expect: 4)
        XCTAssertTrue(verified.stdout.contains(",FORGED,"), verified.stdout)
    }

    func testTheComplianceTableForAFixedDate() throws {
        let names = ["刘洋", "李娜", "王芳", "赵强", "陈静"]
        for n in names { try newArchive(n, now: t0) }
        // 赵总 joins; every owner but 刘洋 accepts the change.
        try admin(["add-manager", dept, "赵总", "--recipient", try anotherRecipient()], now: at(day: 1))
        for n in ["李娜", "王芳", "赵强", "陈静"] { try sv(["escrow", "update", dept + "/archives/\(n).svault", "--yes", "--password-file", dir.path("pw")], now: at(day: 1)) }
        let passwd: [(String, Int)] = [("刘洋", 150), ("李娜", 60), ("王芳", 150), ("赵强", 10)]
        for (n, day) in passwd {
            try sv(["passwd", dept + "/archives/\(n).svault", "--password-file", dir.path("pw"), "--new-password-file", try dir.write("p-\(n)", "new password for \(n) 2026\n"), "--insecure-kdf-cost", "10"], now: at(day: day))
        }
        // A copy of a real archive whose two header copies were both overwritten in the middle.
        var broken = [UInt8](try bytes(dept + "/archives/王芳.svault"))
        for start in [32 + 100, 32 + 16_384 + 100] { broken.replaceSubrange(start..<(start + 64), with: [UInt8](repeating: 0x41, count: 64)) }
        try Data(broken).write(to: URL(fileURLWithPath: dept + "/archives/broken.svault"))
        try Data("meeting notes".utf8).write(to: URL(fileURLWithPath: dept + "/archives/notes.txt"))
        let csv = try sv(["compliance", dept, "--as-of", "2026-07-20", "--csv"], now: at(day: 300), expect: 9)
        // Ages in calendar days in Shanghai (DEPARTMENT.md §5): 2026-07-20 − 2026-05-31 = 50.
        let expected = """
            archive,owner,password_changed,password_age_days,rotation,must_change_password,dek_rotated,escrow,escrow_detail,escrow_uses_unacknowledged,last_escrow_use,verified,kdf_log_n,problem,non_compliant,escrow_uses_logged,audit_log,signature
            archives/broken.svault,,,,,,,,,,,,,unreadable: both header copies are damaged (copy A: header copy checksum does not match (torn write or damage); copy B: header copy checksum does not match (torn write or damage)),yes,,,
            archives/notes.txt,,,,,,,,,,,,,foreign: not a .svault file,no,,,
            archives/刘洋.svault,刘洋,2026-05-31T10:00:00Z,50,ok,no,2026-01-01T10:00:00Z,missing,no slot for 赵总,0,,,10,,yes,0,none,ok
            archives/李娜.svault,李娜,2026-03-02T10:00:00Z,140,due,no,2026-01-01T10:00:00Z,ok,,0,,,10,,no,0,none,ok
            archives/王芳.svault,王芳,2026-05-31T10:00:00Z,50,ok,no,2026-01-01T10:00:00Z,ok,,0,,,10,,no,0,none,ok
            archives/赵强.svault,赵强,2026-01-11T10:00:00Z,190,overdue,no,2026-01-01T10:00:00Z,ok,,0,,,10,,yes,0,none,ok
            archives/陈静.svault,陈静,2026-01-01T10:00:00Z,200,overdue (never changed),no,2026-01-01T10:00:00Z,ok,,0,,,10,,yes,0,none,ok

            """
        // The one CSV writer (JSON.md §6.2): a BOM for Excel, CRLF line ends.
        XCTAssertEqual(csv.stdout, "\u{FEFF}" + expected.replacingOccurrences(of: "\n", with: "\r\n"))
        let zh = try sv(["compliance", dept, "--as-of", "2026-07-20", "--csv", "--lang", "zh"], now: at(day: 300), expect: 9)
        XCTAssertTrue(zh.stdout.hasPrefix("\u{FEFF}档案,所有人,上次改密码,"), zh.stdout)
        // Yes and no in Chinese (issue 12): 是/否, never yes/no.
        // Status words, notes and problems in Chinese too (helper-155: English codes under Chinese headers).
        XCTAssertTrue(zh.stdout.contains("archives/赵强.svault,赵强,2026-01-11T10:00:00Z,190,已逾期,否,2026-01-01T10:00:00Z,正常,,0,,,10,,是,0,无日志,有效"), zh.stdout)
        XCTAssertTrue(zh.stdout.contains("archives/刘洋.svault,刘洋,2026-05-31T10:00:00Z,50,正常,否,2026-01-01T10:00:00Z,缺失,缺少赵总的托管槽（这些经理无法通过托管打开此档案）,"), zh.stdout)
        XCTAssertTrue(zh.stdout.contains("archives/陈静.svault,陈静,2026-01-01T10:00:00Z,200,已逾期（从未改过密码）,"), zh.stdout)
        XCTAssertTrue(zh.stdout.contains("archives/notes.txt,,,,,,,,,,,,,非档案文件：扩展名不是 .svault,否,,,"), zh.stdout)
        XCTAssertTrue(zh.stdout.contains("archives/broken.svault,,,,,,,,,,,,,无法读取："), zh.stdout)
        XCTAssertFalse(zh.stdout.contains(",yes") || zh.stdout.contains(",no,"), zh.stdout)
        // A date judged before a change gives a negative age, written as a number Excel reads as
        // one (it was '-6, a text, by the formula guard).
        let before = try sv(["compliance", dept, "--as-of", "2026-01-05", "--csv"], now: at(day: 300), expect: 9)
        XCTAssertTrue(before.stdout.contains("archives/赵强.svault,赵强,2026-01-11T10:00:00Z,-6,"), before.stdout)
        XCTAssertFalse(before.stdout.contains("'-"), before.stdout)
        // In the table, not as a negative count of days: said, with what it means (helper-194:
        // -6, ok).
        let beforeTable = try sv(["compliance", dept, "--as-of", "2026-01-05", "--lang", "zh"], now: at(day: 300), expect: 9).stdout
        let zhao = beforeTable.split(separator: "\n").first { $0.contains("赵强") }.map(String.init) ?? ""
        XCTAssertTrue(zhao.contains("晚于查询日期") && !zhao.contains("-6"), beforeTable)
        XCTAssertTrue(beforeTable.contains("注：标为“晚于查询日期”的档案，在 --as-of 指定的日期之后修改过密码。"), beforeTable)
        let table = try sv(["compliance", dept, "--as-of", "2026-07-20"], now: at(day: 300), expect: 9)
        XCTAssertTrue(table.stdout.contains("5 archives: rotation 2 ok, 1 due, 1 overdue, 1 overdue (never changed); escrow 4 ok, 1 missing; 0 unacknowledged escrow uses; 1 unreadable; 1 foreign file — 4 NOT compliant"), table.stdout)
        XCTAssertFalse(table.stdout.contains("after --as-of"), table.stdout)
        // An interrupted save's temporary file is said as one, not as a stranger's (helper-197).
        let temporary = dept + "/archives/刘洋.svault.rekey-0123456789ab.tmp"
        try Data().write(to: URL(fileURLWithPath: temporary))
        let leftover = try sv(["compliance", dept, "--as-of", "2026-07-20", "--csv", "--lang", "zh"], now: at(day: 300), expect: 9).stdout
        XCTAssertTrue(leftover.contains("archives/刘洋.svault.rekey-0123456789ab.tmp,,,,,,,,,,,,,临时文件：档案 刘洋.svault 上次保存中断时留下的临时文件，将在该档案所属销售人员下次修改档案时自动删除，无需处理,否"), leftover)
        // …and counted as one, not among the foreign files (helper-199).
        let leftoverTable = try sv(["compliance", dept, "--as-of", "2026-07-20"], now: at(day: 300), expect: 9).stdout
        XCTAssertTrue(leftoverTable.contains("; 1 unreadable; 1 foreign file; 1 temporary file of an interrupted save (the owner's next change removes it) — 4 NOT compliant"), leftoverTable)
        let leftoverZH = try sv(["compliance", dept, "--as-of", "2026-07-20", "--lang", "zh"], now: at(day: 300), expect: 9).stdout
        XCTAssertTrue(leftoverZH.contains("；另有 1 个非档案文件；另有 1 个保存中断时留下的临时文件（将在所属销售人员下次修改档案时自动删除，无需处理）。结论：4 份不合规"), leftoverZH)
        let leftoverJSON = try sv(["compliance", dept, "--as-of", "2026-07-20", "--json"], now: at(day: 300), expect: 9).stdout
        let counts = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(leftoverJSON.utf8)) as? [String: Any])?["summary"] as? [String: Any])
        XCTAssertEqual(counts["foreign"] as? Int, 1, leftoverJSON)
        XCTAssertEqual(counts["temporaryFiles"] as? Int, 1, leftoverJSON)
        let leftoverRows = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(leftoverJSON.utf8)) as? [String: Any])?["archives"] as? [[String: Any]])
        XCTAssertEqual(leftoverRows.first { ($0["archive"] as? String)?.hasSuffix(".tmp") == true }?["problem"] as? String,
                       "temporary file: left by an interrupted save of 刘洋.svault (its owner's next change removes it)", leftoverJSON)
        // Only the names an archive's writer makes, beside an archive of the folder: another is a
        // stranger's file, which nobody's next change removes (helper-201 7).
        try FileManager.default.moveItem(atPath: temporary, toPath: dept + "/archives/刘洋.svault.save-0123456789ab.tmp")
        try Data().write(to: URL(fileURLWithPath: dept + "/archives/李四.svault.rekey-0123456789ab.tmp"))
        let strangers = try sv(["compliance", dept, "--as-of", "2026-07-20", "--json"], now: at(day: 300), expect: 9).stdout
        let strangerCounts = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(strangers.utf8)) as? [String: Any])?["summary"] as? [String: Any])
        XCTAssertEqual(strangerCounts["foreign"] as? Int, 3, strangers)
        XCTAssertEqual(strangerCounts["temporaryFiles"] as? Int, 0, strangers)
        try FileManager.default.removeItem(atPath: dept + "/archives/刘洋.svault.save-0123456789ab.tmp")
        try FileManager.default.removeItem(atPath: dept + "/archives/李四.svault.rekey-0123456789ab.tmp")
        // On 2026-03-01 nothing is overdue yet: only 刘洋's missing slot and the broken file fail.
        let early = try sv(["compliance", dept, "--as-of", "2026-03-01", "--json"], now: at(day: 300), expect: 9)
        let summary = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(early.stdout.utf8)) as? [String: Any])?["summary"] as? [String: Any])
        XCTAssertEqual(summary["nonCompliant"] as? Int, 2)
        // With no periodic rotation, only escrow and unreadable files count, and the report says so.
        try admin(["policy", dept, "--no-periodic-rotation"], now: at(day: 300))
        let none = try sv(["compliance", dept, "--as-of", "2026-07-20"], now: at(day: 300), expect: 9)
        XCTAssertTrue(none.stdout.contains("no periodic rotation (department policy)"), none.stdout)
        XCTAssertTrue(none.stdout.contains("2 NOT compliant"), none.stdout)
        // A registered salesperson without an archive is counted apart from the archives
        // (helper-158: "4 archives … 4 ok … 4 NOT compliant" read as every archive failing).
        try admin(["add-salesperson", dept, "孙磊"], now: at(day: 300))
        let missing = try sv(["compliance", dept, "--as-of", "2026-07-20"], now: at(day: 300), expect: 9)
        XCTAssertTrue(missing.stdout.contains("; 1 registered without an archive;") && missing.stdout.contains("— 3 NOT compliant"), missing.stdout)
        // Its row has no escrow count (it showed 0, as if its archive had been read).
        let row = missing.stdout.split(separator: "\n").first { $0.contains("孙磊") && !$0.contains("registered") }.map(String.init) ?? ""
        XCTAssertFalse(row.isEmpty, missing.stdout)
        XCTAssertFalse(row.split(separator: " ").contains("0"), row)
        let missingZH = try sv(["compliance", dept, "--as-of", "2026-07-20", "--lang", "zh"], now: at(day: 300), expect: 9)
        XCTAssertTrue(missingZH.stdout.contains("；1 位已登记人员没有档案；") && missingZH.stdout.contains("结论：3 份不合规"), missingZH.stdout)
    }

    func testTheDepartmentSetsTheContactIntervalsOfTheAgendaAndTheWeeklyReport() throws {
        let a = try newArchive("张伟", now: t0)
        try sv(["customer", "add", "华为", "--grade", "A"] + owner(a), now: t0)
        try sv(["log", "add", "华为", "call", "沟通方案"] + owner(a), now: t0)
        // Five days without a contact: within the default seven.
        let quiet = try sv(["agenda", "--json"] + owner(a), now: at(day: 5))
        XCTAssertFalse(quiet.stdout.contains("华为"), quiet.stdout)
        XCTAssertFalse(try String(contentsOfFile: dept + "/department.json", encoding: .utf8).contains("contactDays"), "the default is no field")
        try sv(["report", "weekly", "--format", "md", "--no-prompt", "--lang", "zh", "--out", dir.path("r0.md")] + owner(a), now: at(day: 5))

        try admin(["policy", dept, "--contact-a", "3", "--contact-b", "10"], now: at(day: 5))
        let registry = try String(contentsOfFile: dept + "/department.json", encoding: .utf8)
        XCTAssertTrue(registry.contains("\"contactDaysA\" : 3") && registry.contains("\"contactDaysB\" : 10"), registry)
        XCTAssertTrue(try sv(["dept", "show", dept, "--lang", "zh"], now: at(day: 5)).stdout.contains("A 类至少每 3 天联系一次，B 类每 10 天"))
        let agenda = try sv(["agenda", "--lang", "zh"] + owner(a), now: at(day: 5))
        XCTAssertTrue(agenda.stdout.contains("华为") && agenda.stdout.contains("A 类 3 天，B 类 10 天"), "past the department's three days: \(agenda.stdout)")
        try sv(["report", "weekly", "--format", "md", "--no-prompt", "--lang", "zh", "--out", dir.path("r1.md")] + owner(a), now: at(day: 5))
        // --format markdown (and Markdown) is md: it was refused.
        try sv(["report", "weekly", "--format", "Markdown", "--no-prompt", "--lang", "zh", "--out", dir.path("r2.md")] + owner(a), now: at(day: 5))
        XCTAssertEqual(try String(contentsOfFile: dir.path("r2.md"), encoding: .utf8).split(separator: "\n").first,
                       try String(contentsOfFile: dir.path("r1.md"), encoding: .utf8).split(separator: "\n").first)
        // And a file named .markdown is Markdown, without --format (it was refused).
        try sv(["report", "weekly", "--no-prompt", "--lang", "zh", "--out", dir.path("r3.markdown")] + owner(a), now: at(day: 5))
        XCTAssertEqual(try String(contentsOfFile: dir.path("r3.markdown"), encoding: .utf8).split(separator: "\n").first,
                       try String(contentsOfFile: dir.path("r1.md"), encoding: .utf8).split(separator: "\n").first)
        // The attention list (风险预警) gains the customer silent for five days.
        func attention(_ file: String) throws -> String {
            let text = try String(contentsOfFile: dir.path(file), encoding: .utf8)
            guard let start = text.range(of: "风险预警") else { return "" }
            let rest = text[start.upperBound...]
            return String(rest[..<(rest.range(of: "\n#")?.lowerBound ?? rest.endIndex)])
        }
        let (before, after) = (try attention("r0.md"), try attention("r1.md"))
        XCTAssertFalse(before.contains("华为"), before)
        XCTAssertTrue(after.contains("华为"), after)
        // Back to the default: the field goes away; out of range is refused, nothing signed.
        try admin(["policy", dept, "--contact-a", "7"], now: at(day: 6))
        XCTAssertFalse(try String(contentsOfFile: dept + "/department.json", encoding: .utf8).contains("contactDaysA"))
        let signed = try bytes(dept + "/department.json")
        try sv(["dept", "policy", dept, "--contact-b", "0", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap")], now: at(day: 6), expect: 8)
        XCTAssertEqual(try bytes(dept + "/department.json"), signed)
    }

    func testTheDepartmentsTimeZoneCountsTheDaysEverywhere() throws {
        // A registry without a time zone: Asia/Shanghai, no field, and `dept show --json` gives
        // the signed bytes exactly.
        let registryPath = dept + "/department.json"
        XCTAssertFalse(try String(contentsOfFile: registryPath, encoding: .utf8).contains("timeZone"))
        XCTAssertEqual(Data(try sv(["dept", "show", dept, "--json"]).stdout.utf8), try bytes(registryPath))
        XCTAssertFalse(try sv(["dept", "show", dept, "--json"]).stdout.contains("jsonVersion"), "JSON.md §6.4")
        XCTAssertTrue(try sv(["dept", "show", dept]).stdout.contains("Days counted in: Asia/Shanghai"))

        // The password set on 2026-03-01 at 15:30 UTC (10:30 in New York, 23:30 in Shanghai).
        let changed: Int64 = 1_772_379_000
        let a = try newArchive("张伟", now: changed - 30 * 86_400)
        try sv(["passwd", a, "--password-file", dir.path("pw"), "--new-password-file", try dir.write("n", "second granite password\n"), "--insecure-kdf-cost", "10"], now: changed)
        func ages(_ now: Int64) throws -> (status: Int?, compliance: Int?) {
            let status = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sv(["status", a, "--json"], now: now).stdout.utf8)) as? [String: Any])
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sv(["compliance", dept, "--json"], now: now).stdout.utf8)) as? [String: Any])
            let row = (report["archives"] as? [[String: Any]])?.first
            return (status["passwordAgeDays"] as? Int, row?["passwordAgeDays"] as? Int)
        }
        // Shanghai: 2026-06-09 runs from 2026-06-08T16:00Z to 2026-06-09T15:59:59Z.
        XCTAssertEqual(try ages(1_780_934_400).status, 100)
        XCTAssertEqual(try ages(1_780_934_400).compliance, 100)

        // The administrator moves the department to New York: 2026-06-09 there starts at 04:00Z (EDT).
        try admin(["policy", dept, "--time-zone", "America/New_York"], now: changed)
        let json = try String(contentsOfFile: registryPath, encoding: .utf8)
        XCTAssertTrue(json.contains("\"timeZone\" : \"America/New_York\""), json)
        XCTAssertTrue(try sv(["dept", "show", dept]).stdout.contains("Days counted in: America/New_York"))
        for (now, age) in [(Int64(1_780_977_600 - 1), 99), (1_780_977_600, 100)] {
            let (status, compliance) = try ages(now)
            XCTAssertEqual(status, age, "status at \(now)")
            XCTAssertEqual(compliance, age, "compliance at \(now)")
        }
        XCTAssertTrue(try sv(["compliance", dept, "--as-of", "2026-06-09", "--json"], now: 1_780_977_600 - 1).stdout.contains("\"passwordAgeDays\" : 100"))
        // `today` is the department's date, not the machine's (TZ=UTC here says 2026-06-09).
        XCTAssertTrue(try sv(["compliance", dept, "--as-of", "today", "--json"], now: 1_780_977_600 - 1).stdout.contains("\"passwordAgeDays\" : 99"))
        // The reminder at unlock counts the same days: 180 − 190 = overdue by 10.
        let unlock = try sv(["customer", "list", "-a", a, "--password-file", dir.path("n")], now: 1_780_977_600 + 90 * 86_400)
        XCTAssertTrue(unlock.stderr.contains("last changed on 2026-03-01, 190 days ago"), unlock.stderr)
        XCTAssertTrue(unlock.stderr.contains("overdue by 10 days"), unlock.stderr)

        // An unknown name is refused and the registry is unchanged; Asia/Shanghai is written as no field.
        let before = try bytes(registryPath)
        for name in ["CST", "Mars/Olympus_Mons"] {
            let refused = try sv(["dept", "policy", dept, "--time-zone", name, "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap")], expect: 8)
            XCTAssertTrue(refused.stderr.contains("unknown time zone"), refused.stderr)
        }
        XCTAssertEqual(try bytes(registryPath), before)
        try admin(["policy", dept, "--time-zone", "Asia/Shanghai"])
        XCTAssertFalse(try String(contentsOfFile: registryPath, encoding: .utf8).contains("timeZone"))
    }

    func testJSONReportsCarryTheirVersion() throws {
        let a = try newArchive("张伟")
        for args in [["status", a, "--json"], ["compliance", dept, "--json"], ["escrow", "list", a, "--json"]] {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sv(args).stdout.utf8)) as? [String: Any], "\(args)")
            XCTAssertEqual(object["jsonVersion"] as? Int, 1, "\(args)")
        }
    }

    /// A fresh recipient that no one else uses.
    func anotherRecipient() throws -> String {
        _ = try dir.write("zp", "manager zhao passphrase\n")
        try sv(["keys", "generate", "zhao", "--dir", dir.path("k"), "--passphrase-file", dir.path("zp"), "--insecure-kdf-cost", "10"])
        return try pubRecipient(dir.path("k/zhao.pub"))
    }

    func testReminderAtUnlockAndCalendarEvents() throws {
        let a = try newArchive("张伟")
        let early = try sv(["customer", "list"] + owner(a), now: at(day: 30))
        XCTAssertFalse(early.stderr.contains("Reminder"), early.stderr)
        let due = try sv(["customer", "list"] + owner(a), now: at(day: 100))
        // The change date is D(passwordChangedAt) in the department's zone (DEPARTMENT.md §5).
        XCTAssertTrue(due.stderr.contains("Reminder: the password was last changed on 2026-01-01 (never changed since the archive was created), 100 days ago"), due.stderr)
        XCTAssertTrue(due.stderr.contains("80 days left"), due.stderr)
        // Once a day per archive (issue 12), always in `status`, again the next day.
        let again = try sv(["customer", "list"] + owner(a), now: at(day: 100) + 3_600)
        XCTAssertFalse(again.stderr.contains("Reminder"), again.stderr)
        let status = try sv(["status", a, "--lang", "zh"], now: at(day: 100) + 7_200)
        XCTAssertTrue(status.stdout.contains("距密码逾期还有 80 天"), status.stdout)
        let nextDay = try sv(["customer", "list"] + owner(a), now: at(day: 101))
        XCTAssertTrue(nextDay.stderr.contains("79 days left"), nextDay.stderr)
        // The last day and the first overdue one said as such (helper-201 8: "1 days left",
        // "overdue by 0 days").
        let overdueToday = try sv(["customer", "list"] + owner(a), now: at(day: 180))
        XCTAssertTrue(overdueToday.stderr.contains("the password is overdue from today.") && !overdueToday.stderr.contains("overdue by 0"), overdueToday.stderr)
        XCTAssertTrue(try sv(["status", a], now: at(day: 179)).stdout.contains("1 day left before the password is overdue; run salesvault passwd"))
        XCTAssertTrue(try sv(["status", a, "--lang", "zh"], now: at(day: 180)).stdout.contains("密码今天到期，自今天起算作逾期，请运行 salesvault passwd"))
        XCTAssertTrue(try sv(["status", a], now: at(day: 181)).stdout.contains("the password is overdue by 1 day; run"))
        try sv(["reminders", "--ics", dept, "--output", dir.path("r.ics")], now: at(day: 100))
        let ics = try String(contentsOfFile: dir.path("r.ics"), encoding: .utf8)
        XCTAssertTrue(ics.hasPrefix("BEGIN:VCALENDAR\r\n"))
        XCTAssertTrue(ics.contains("DTSTART;VALUE=DATE:20260401\r\n"), ics)  // 2026-01-01 + 90 days
        XCTAssertTrue(ics.contains("DTSTART;VALUE=DATE:20260630\r\n"), ics)  // + 180 days
        // The two rotation dates and the weekly report (REPORTS.md §5).
        XCTAssertEqual(ics.components(separatedBy: "BEGIN:VEVENT").count - 1, 3)
        XCTAssertTrue(ics.contains("RRULE:FREQ=WEEKLY\r\n"), ics)
        XCTAssertTrue(ics.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
    }

    func testKeysInteropWithTheRealAgeTools() throws {
        guard let age = which("age"), let keygen = which("age-keygen"), FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("age interop: age, age-keygen or util-linux script is not installed (Scripts/test installs them)")
        }
        // A key file written by SalesVault opens with `age -d` and its passphrase.
        let out = dir.path("li.txt")
        let r = try runTool(["-c", "(sleep 1; printf 'manager li passphrase\\r') | script -qec \"\(age) -d -o \(out) \(dir.path("k/li.key"))\" /dev/null"], binary: "", executable: "/bin/sh")
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let identity = try String(contentsOfFile: out, encoding: .utf8)
        let pub = try pubRecipient(dir.path("k/li.pub"))
        XCTAssertTrue(identity.contains("# public key: \(pub)\n"), identity)
        XCTAssertTrue(identity.contains("AGE-SECRET-KEY-1"))
        // …and that plain identity encrypts/decrypts with age against the .pub.
        let msg = try dir.write("msg", "报价单\n")
        XCTAssertEqual(try runTool(["-r", pub, "-o", dir.path("msg.age"), msg], binary: "", executable: age).status, 0)
        let dec = try runTool(["-d", "-i", out, dir.path("msg.age")], binary: "", executable: age)
        XCTAssertEqual(dec.stdout, "报价单\n")
        // An age-keygen key imports, joins the department and opens an archive.
        let generated = try runTool(["-o", dir.path("ext.txt")], binary: "", executable: keygen)
        XCTAssertEqual(generated.status, 0, generated.stderr)
        let agePub = try XCTUnwrap(try String(contentsOfFile: dir.path("ext.txt"), encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("# public key: ") })
            .dropFirst("# public key: ".count)
        _ = try dir.write("ep", "external manager passphrase\n")
        try sv(["keys", "import", dir.path("ext.txt"), "--name", "ext", "--dir", dir.path("k"), "--passphrase-file", dir.path("ep"), "--insecure-kdf-cost", "10"])
        XCTAssertTrue(try String(contentsOfFile: dir.path("k/ext.pub"), encoding: .utf8).hasPrefix("\(agePub)\n# signing key: svmanager1"))  // DEPARTMENT.md §7.1
        try admin(["add-manager", dept, "外部经理", "--pub", dir.path("k/ext.pub")])
        let a = try newArchive("张伟")
        try sv(["escrow", "open", a, "--identity", dir.path("ext.txt"), "--", "customer", "list"])  // the plain age-keygen file
        try sv(["escrow", "open", a, "--identity", dir.path("k/ext.key"), "--passphrase-file", dir.path("ep"), "--", "customer", "list"])
        XCTAssertTrue(try sv(["keys", "show", dir.path("k/ext.pub")]).stdout.contains(String(agePub)))
    }

    func which(_ name: String) -> String? {
        ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// The fingerprint rule of DEPARTMENT.md §2, computed independently of the tool.
enum KeyFileFingerprint {
    static func of(_ recipient: String) -> String {
        let (_, data) = try! Bech32.decode(recipient.trimmingCharacters(in: .whitespacesAndNewlines))
        let digest = try! SHA256.hash(Array("SalesVault fingerprint v1".utf8) + data)
        let hex = digest.prefix(16).map { String(format: "%02X", $0) }.joined()
        return stride(from: 0, to: 32, by: 4).map { i in String(hex.dropFirst(i).prefix(4)) }.joined(separator: " ")
    }
}

/// Hand-edits a header field the way someone with a hex editor would (FORMAT.md §3.2, §4.1):
/// the value changed, the keyless checksum recomputed; the MAC cannot be.
enum HeaderEdit {
    static func setPasswordChangedAt(_ file: inout [UInt8], copy: Int, to value: Int64) throws {
        let start = 32 + copy * 16_384
        let length = file[start..<(start + 4)].reduce(0) { $0 << 8 | Int($1) }
        var i = start + 4
        while i < start + 4 + length {
            let tag = file[i]
            let n = file[(i + 1)..<(i + 5)].reduce(0) { $0 << 8 | Int($1) }
            if tag == 4 {
                for k in 0..<8 { file[i + 5 + k] = UInt8(truncatingIfNeeded: UInt64(bitPattern: value) >> (56 - 8 * UInt64(k))) }
            }
            i += 5 + n
        }
        let sum = try SHA256.hash(Array(file[start..<(start + 16_352)]))
        file.replaceSubrange((start + 16_352)..<(start + 16_384), with: sum)
    }
}
