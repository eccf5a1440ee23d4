import Department
import Foundation
import VaultCrypto
import XCTest

/// Registry trust through the built binary (DEPARTMENT.md §3.5–§3.7, §4; issue 13): the owner
/// confirms the administrator's fingerprint before `init --department` creates anything; a
/// removal of managers is shown and applied only with the owner's yes; serials are bounded and a
/// jump is refused; the administrator key is handed over, and the old one then refused.
final class RegistryTrustCLITests: XCTestCase {
    var dir: TempDir!
    var dept: String { dir.path("D") }
    let t0: Int64 = 1_767_261_600  // 2026-01-01 10:00 UTC
    func at(day: Int) -> Int64 { t0 + Int64(day) * 86_400 }
    var archive: String { dept + "/archives/张伟.svault" }

    override func setUpWithError() throws {
        dir = try TempDir()
        _ = try dir.write("pw", "horse battery staple\n")
        _ = try dir.write("ap", "admin pass phrase 2026\n")
        _ = try dir.write("ap2", "second admin pass phrase 2027\n")
        _ = try dir.write("lp", "manager li passphrase\n")
        _ = try dir.write("wp", "general wang passphrase\n")
        try sv(["dept", "init", dept, "--name", "华东区销售部", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap"), "--insecure-kdf-cost", "10"])
        try sv(["keys", "generate", "li", "--dir", dir.path("k"), "--passphrase-file", dir.path("lp"), "--insecure-kdf-cost", "10"])
        try sv(["keys", "generate", "wang", "--dir", dir.path("k"), "--passphrase-file", dir.path("wp"), "--insecure-kdf-cost", "10"])
        try admin(["add-manager", dept, "李经理", "--pub", dir.path("k/li.pub"), "--role", "department manager"])
        try admin(["add-manager", dept, "王总", "--pub", dir.path("k/wang.pub"), "--role", "general manager"])
        try admin(["policy", dept, "--min-kdf-cost", "10"])
        try admin(["add-salesperson", dept, "张伟"])
    }

    @discardableResult
    func sv(_ args: [String], now: Int64? = nil, expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let r = try runTool(args, environment: ["TZ": "UTC", "SALESVAULT_NOW": String(now ?? t0)])
        XCTAssertEqual(r.status, status, "\(args.joined(separator: " ")): \(r.stdout)\(r.stderr)", file: file, line: line)
        return r
    }

    func admin(_ args: [String], key: String = "admin.key", passphrase: String = "ap", now: Int64? = nil, expect: Int32 = 0) throws {
        try sv(["dept"] + args + ["--admin-key", dir.path(key), "--admin-passphrase-file", dir.path(passphrase)], now: now, expect: expect)
    }

    func owner() -> [String] { ["-a", archive, "--password-file", dir.path("pw")] }

    /// The fingerprint of the administrator key file, as the administrator reads it out.
    func fingerprint(_ key: String = "admin.key", _ passphrase: String = "ap") throws -> String {
        let shown = try sv(["keys", "show", dir.path(key), "--passphrase-file", dir.path(passphrase), "--lang", "en"]).stdout
        return try XCTUnwrap(shown.split(separator: "\n").first { $0.hasPrefix("Fingerprint:") }).dropFirst("Fingerprint:".count).trimmingCharacters(in: .whitespaces)
    }

    func initArchive() throws {
        try sv(["init", "--department", dept, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10", "--admin-fingerprint", try fingerprint()])
    }

    func holders() throws -> [String] {
        let json = try sv(["escrow", "list", archive, "--json"]).stdout
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return (list["holders"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    /// Runs `salesvault` on a pseudo-terminal (util-linux `script`), typing `lines`.
    func runOnTerminal(_ arguments: [String], typing lines: [String], now: Int64) throws -> RunResult {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("terminal prompt tests: /usr/bin/script (util-linux) is not installed")
        }
        let command = ([Binaries.url("salesvault").path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let typing = lines.map { "sleep 0.4; printf '%s\\n' '\($0)'" }.joined(separator: "; ")
        return try runTool(["-c", "(\(typing)) | script -qec \"\(command)\" /dev/null"], binary: "", executable: "/bin/sh",
                           environment: ["TZ": "UTC", "SALESVAULT_NOW": String(now)])
    }

    // MARK: 1. The administrator's fingerprint before anything is created

    func testInitInADepartmentConfirmsTheAdministratorsFingerprintFirst() throws {
        let right = try fingerprint()
        // A wrong fingerprint: refused (exit 4), nothing created, the real one named.
        let wrong = try sv(["init", "--department", dept, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10",
                            "--admin-fingerprint", "0000 1111 2222 3333 4444 5555 6666 7777"], expect: 4)
        XCTAssertTrue(wrong.stderr.contains("not signed by the administrator key 0000 1111"), wrong.stderr)
        // The folder's own fingerprint is never shown beside a wrong one (helper-163: ready to be copied).
        XCTAssertFalse((wrong.stdout + wrong.stderr).contains(right), wrong.stdout + wrong.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive))
        // No terminal and no option: refused, with how to get the fingerprint (in Chinese too).
        let none = try sv(["init", "--department", dept, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"], expect: 64)
        XCTAssertTrue(none.stderr.contains("--admin-fingerprint") && none.stderr.contains("by phone"), none.stderr)
        XCTAssertTrue(none.stderr.hasPrefix("salesvault: usage error:"), none.stderr)
        XCTAssertFalse(none.stderr.contains(right), "the hint never offers the folder's own fingerprint to copy")
        let zh = try sv(["--lang", "zh", "init", "--department", dept, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"], expect: 64)
        XCTAssertTrue(zh.stderr.contains("须先核对管理员的密钥指纹") && zh.stderr.contains("打电话"), zh.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive))
        // The right one, without spaces and in lower case: created and pinned.
        let ok = try sv(["init", "--department", dept, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10",
                         "--admin-fingerprint", right.replacingOccurrences(of: " ", with: "").lowercased()])
        XCTAssertTrue(ok.stdout.contains("Created"), ok.stdout)
        XCTAssertEqual(try holders(), ["李经理", "王总"])
    }

    func testOnATerminalTheOwnerConfirmsTheFingerprint() throws {
        let no = try runOnTerminal(["init", "--department", dept, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"], typing: ["n"], now: t0)
        XCTAssertEqual(no.status, 1, no.stdout)
        XCTAssertTrue(no.stdout.contains("Is it the same?"), no.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive))
        let yes = try runOnTerminal(["init", "--department", dept, "--owner", "张伟", "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"], typing: ["y"], now: t0)
        XCTAssertEqual(yes.status, 0, yes.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: archive))
    }

    // MARK: 2. A removal is shown before it applies

    func testARemovalIsShownAndAppliedOnlyWithTheOwnersYes() throws {
        try initArchive()
        try admin(["remove-manager", dept, "王总"], now: at(day: 1))
        let wangFP = try XCTUnwrap(try sv(["keys", "show", dir.path("k/wang.pub")]).stdout.split(separator: "\n").first { $0.hasPrefix("Fingerprint:") })
            .dropFirst("Fingerprint:".count).trimmingCharacters(in: .whitespaces)
        // A writing command without a terminal: the change is saved, the removal is not applied.
        let before = try holders()
        let add = try sv(["customer", "add", "华为"] + owner(), now: at(day: 2))
        XCTAssertTrue(add.stderr.contains("The department removed 王总") && add.stderr.contains(wangFP), add.stderr)
        XCTAssertTrue(add.stderr.contains("salesvault escrow update"), add.stderr)
        XCTAssertEqual(try holders(), before)
        let zh = try sv(["--lang", "zh", "customer", "list"] + owner(), now: at(day: 2))
        XCTAssertTrue(zh.stderr.contains("部门已移除 王总"), zh.stderr)
        // rekey keeps the unconfirmed holder and says so.
        let rekey = try sv(["rekey", archive, "--password-file", dir.path("pw")], now: at(day: 2))
        XCTAssertTrue(rekey.stderr.contains("you have not confirmed it"), rekey.stderr)
        XCTAssertEqual(try holders(), before)
        // escrow update without a terminal and without --yes: nothing; with --yes: applied.
        let asked = try sv(["escrow", "update", archive, "--password-file", dir.path("pw")], now: at(day: 3), expect: 64)
        XCTAssertTrue(asked.stderr.contains("no terminal to confirm on") && asked.stderr.contains("--yes"), asked.stderr)
        XCTAssertEqual(try holders(), before)
        let update = try sv(["escrow", "update", archive, "--password-file", dir.path("pw"), "--yes"], now: at(day: 3))
        XCTAssertTrue(update.stdout.contains("- 王总  \(wangFP)"), update.stdout)
        XCTAssertEqual(try holders(), ["李经理"])
    }

    func testARegistryThatRemovesEveryManagerIsNeverAppliedWithoutAYes() throws {
        try initArchive()
        try admin(["remove-manager", dept, "王总"], now: at(day: 1))
        try admin(["remove-manager", dept, "李经理"], now: at(day: 1))
        try sv(["customer", "add", "华为"] + owner(), now: at(day: 2))
        XCTAssertEqual(try holders(), ["李经理", "王总"])
        // On a terminal: shown with a warning, and "n" keeps them.
        let no = try runOnTerminal(["customer", "add", "小米"] + owner(), typing: ["n"], now: at(day: 2))
        XCTAssertEqual(no.status, 0, no.stdout)
        XCTAssertTrue(no.stdout.contains("No manager would be able to open this archive"), no.stdout)
        XCTAssertEqual(try holders(), ["李经理", "王总"])
        let yes = try runOnTerminal(["customer", "add", "中兴"] + owner(), typing: ["y"], now: at(day: 2))
        XCTAssertEqual(yes.status, 0, yes.stdout)
        XCTAssertEqual(try holders(), [])
    }

    // MARK: 3. Bounded serials, refused jumps

    /// Signs `registry` with the administrator key file, as someone holding it could (the tool
    /// itself refuses to sign these).
    func signByHand(_ edit: (inout Registry) -> Void, key: String = "admin.key", passphrase: String = "ap") throws {
        let text = try KeyFile.open(try KeyFile.read(dir.path(key))) { SecureBytes(Array(try String(contentsOfFile: self.dir.path(passphrase), encoding: .utf8).trimmingCharacters(in: .newlines).utf8)) }
        let signer = try KeyFile.parseAdmin(text)
        var r = try JSONDecoder().decode(Registry.self, from: Data(contentsOf: URL(fileURLWithPath: dept + "/department.json")))
        r.adminKey = KeyFile.adminPublicString(signer.publicKey)
        edit(&r)
        let json = try r.encoded()
        try Data(json).write(to: URL(fileURLWithPath: dept + "/department.json"))
        try Data((Base64.encode(try signer.signature(for: json)) + "\n").utf8).write(to: URL(fileURLWithPath: dept + "/department.sig"))
    }

    func testASerialJumpAndTheLargestSerialAreRefusedWithoutATrap() throws {
        try initArchive()
        let json = try Data(contentsOf: URL(fileURLWithPath: dept + "/department.json"))
        let sig = try Data(contentsOf: URL(fileURLWithPath: dept + "/department.sig"))
        // 2^64 − 1, signed with the real key: every reader refuses it; the tool does not trap.
        try signByHand { $0.serial = UInt64.max; $0.managers.removeAll() }
        let show = try sv(["dept", "show", dept], expect: 4)
        XCTAssertTrue(show.stderr.contains("outside 1…2147483648"), show.stderr)
        try admin(["add-salesperson", dept, "李四"], expect: 4)
        let unlock = try sv(["customer", "add", "华为"] + owner(), now: at(day: 1))
        XCTAssertTrue(unlock.stderr.contains("registry was refused"), unlock.stderr)
        XCTAssertEqual(try holders(), ["李经理", "王总"])
        // A jump past what the archive has seen, with no history linking it: refused.
        try json.write(to: URL(fileURLWithPath: dept + "/department.json"))
        try sig.write(to: URL(fileURLWithPath: dept + "/department.sig"))
        try signByHand { $0.serial += 1_000; $0.managers.removeAll() }
        let jump = try sv(["escrow", "update", archive, "--password-file", dir.path("pw"), "--yes"], now: at(day: 2), expect: 4)
        XCTAssertTrue(jump.stderr.contains("jumps 1000 versions"), jump.stderr)
        XCTAssertEqual(try holders(), ["李经理", "王总"])
        let zh = try sv(["--lang", "zh", "customer", "list"] + owner(), now: at(day: 2))
        XCTAssertTrue(zh.stderr.contains("跳过了 1000 个版本"), zh.stderr)
    }

    // MARK: 4. The administrator key handed over

    func testTheAdministratorKeyIsRotatedAndTheOldOneIsThenRefused() throws {
        try initArchive()
        try admin(["enroll", dept, "张伟", "--yes"])  // DEPARTMENT.md §3.8: compliance below needs the owner key enrolled
        let oldFP = try fingerprint()
        try sv(["dept", "rotate-admin", dept, "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap"),
                "--new-admin-key", dir.path("admin2.key"), "--new-admin-passphrase-file", dir.path("ap2"), "--insecure-kdf-cost", "10"], now: at(day: 1))
        let newFP = try fingerprint("admin2.key", "ap2")
        XCTAssertNotEqual(oldFP, newFP)
        let show = try sv(["dept", "show", dept], now: at(day: 1)).stdout
        XCTAssertTrue(show.contains("Administrator fingerprint: \(newFP)") && show.contains("\(oldFP) → \(newFP)"), show)
        // The archive pinned the old key: it follows the hand-over, shows it, pins it when it writes.
        let reading = try sv(["customer", "list"] + owner(), now: at(day: 2))
        XCTAssertTrue(reading.stderr.contains("\(oldFP) → \(newFP)") && reading.stderr.contains("Your next change pins the new key"), reading.stderr)
        let writing = try sv(["--lang", "zh", "customer", "add", "华为"] + owner(), now: at(day: 2))
        XCTAssertTrue(writing.stderr.contains("本档案现已改为信任新密钥"), writing.stderr)
        let status = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sv(["status", archive, "--json"]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual(status["administratorFingerprint"] as? String, newFP)
        XCTAssertEqual(try holders(), ["李经理", "王总"])
        try sv(["compliance", dept], now: at(day: 2))
        // The old key signs nothing the department accepts: the tool refuses…
        try admin(["add-salesperson", dept, "李四"], now: at(day: 3), expect: 8)
        try admin(["add-salesperson", dept, "李四"], key: "admin2.key", passphrase: "ap2", now: at(day: 3))
        // …and a registry it signs by hand is refused by the archive (now pinned to the new key).
        try signByHand { $0.serial += 1; $0.adminRotations = nil }
        let refused = try sv(["escrow", "update", archive, "--password-file", dir.path("pw"), "--yes"], now: at(day: 4), expect: 4)
        XCTAssertTrue(refused.stderr.contains("another administrator key"), refused.stderr)
    }
}
