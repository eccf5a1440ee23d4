import Foundation
import VaultCrypto
import VaultFormat
import XCTest

/// `status`, `compliance` and password files through the built binary, outside a department:
/// calendar days in Asia/Shanghai whatever the machine's zone (DEPARTMENT.md §5), the JSON and
/// CSV reports (JSON.md §6), and how a password file is read (FORMAT.md §2).
final class ReportCLITests: XCTestCase {
    var dir: TempDir!
    var pw: String!
    /// 2026-03-01T15:30:00Z: 23:30 in Shanghai.
    let changed: Int64 = 1_772_379_000
    /// 2026-06-09 in Shanghai runs from 2026-06-08T16:00:00Z to 2026-06-09T15:59:59Z.
    let june9Start: Int64 = 1_780_934_400
    let june9End: Int64 = 1_781_020_799

    override func setUpWithError() throws {
        dir = try TempDir()
        pw = try dir.write("pw", "horse battery staple 马\n")
    }

    @discardableResult
    func sv(_ args: [String], now: Int64, tz: String = "UTC", expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let r = try runTool(args, environment: ["TZ": tz, "SALESVAULT_NOW": String(now)])
        XCTAssertEqual(r.status, status, "\(args.joined(separator: " ")): \(r.stdout)\(r.stderr)", file: file, line: line)
        return r
    }

    func object(_ r: RunResult) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
    }

    /// An archive in `dir/archives` whose password was last set at `changed`, to "second granite password".
    /// At the real, calibrated cost: outside a department the compliance floor is 2^17 (DEPARTMENT.md §6).
    func makeArchive(_ name: String = "张伟") throws -> String {
        try FileManager.default.createDirectory(atPath: dir.path("archives"), withIntermediateDirectories: true)
        let path = dir.path("archives/\(name).svault")
        try sv(["init", path, "--owner", name, "--password-file", pw], now: changed - 30 * 86_400)
        let second = try dir.write("pw2", "second granite password\n")
        try sv(["passwd", path, "--password-file", pw, "--new-password-file", second], now: changed)
        return path
    }

    // MARK: Calendar days (DEPARTMENT.md §5)

    func testStatusAndComplianceCountTheSameCalendarDaysInShanghai() throws {
        let a = try makeArchive()
        // The spec's example: age 100 during the whole of 2026-06-09 Shanghai time, on a machine
        // in UTC or in Los Angeles alike.
        for now in [june9Start, june9Start + 12 * 3_600, june9End] {
            for tz in ["UTC", "America/Los_Angeles"] {
                let status = try object(try sv(["status", a, "--json"], now: now, tz: tz))
                let report = try object(try sv(["compliance", dir.url.path, "--json"], now: now, tz: tz))
                let row = try XCTUnwrap((report["archives"] as? [[String: Any]])?.first)
                XCTAssertEqual(status["passwordAgeDays"] as? Int, 100, "status at \(now), TZ=\(tz)")
                XCTAssertEqual(row["passwordAgeDays"] as? Int, 100, "compliance at \(now), TZ=\(tz)")
                XCTAssertEqual(row["rotation"] as? String, "due")
            }
        }
        let before = try object(try sv(["status", a, "--json"], now: june9Start - 1))
        XCTAssertEqual(before["passwordAgeDays"] as? Int, 99, "2026-06-08 23:59:59 in Shanghai")
        // --as-of is a calendar date, taken as written, whenever it runs.
        for now in [june9Start - 1, june9End + 300 * 86_400] {
            let asOf = try object(try sv(["compliance", dir.url.path, "--as-of", "2026-06-09", "--json"], now: now))
            XCTAssertEqual((asOf["archives"] as? [[String: Any]])?.first?["passwordAgeDays"] as? Int, 100)
            XCTAssertEqual(asOf["asOf"] as? String, "2026-06-09T00:00:00Z")
        }
        let early = try object(try sv(["compliance", dir.url.path, "--as-of", "2026-02-20", "--json"], now: june9Start))
        XCTAssertEqual((early["archives"] as? [[String: Any]])?.first?["passwordAgeDays"] as? Int, -9, "before the change")
        // `today` is Shanghai's date: at 2026-06-08T16:00Z the machine (UTC) still says 06-08.
        let today = try object(try sv(["compliance", dir.url.path, "--as-of", "today", "--json"], now: june9Start))
        XCTAssertEqual((today["archives"] as? [[String: Any]])?.first?["passwordAgeDays"] as? Int, 100)
        // The table shows the change date and the date judged in Shanghai.
        let table = try sv(["compliance", dir.url.path], now: june9Start).stdout
        XCTAssertTrue(table.contains("as of 2026-06-09"), table)
        XCTAssertTrue(table.contains("2026-03-01"), table)
        XCTAssertFalse(table.contains("2026-06-08"), table)
    }

    // MARK: JSON and CSV (JSON.md §6)

    func testStatusJSONOfATruncatedArchiveExitsFourLikeTheTable() throws {
        let a = try makeArchive()
        do {
            let vault = try Vault.open(path: a, password: SecureBytes(Array("second granite password".utf8)), access: .readWrite)
            for n in 0..<3 { try vault.append([UInt8](repeating: UInt8(n), count: 64), now: changed) }
        }
        let data = try bytes(a)
        try data.prefix(data.count - 10).write(to: URL(fileURLWithPath: a))
        let table = try sv(["status", a], now: june9Start, expect: 4)
        XCTAssertTrue(table.stdout.contains("truncated"), table.stdout)
        let json = try sv(["status", a, "--json"], now: june9Start, expect: 4)
        let report = try object(json)
        XCTAssertEqual(report["truncated"] as? Bool, true)
        XCTAssertEqual(report["jsonVersion"] as? Int, 1)
        XCTAssertEqual(json.stderr, "", "JSON.md §2: only the JSON, and no error message")
    }

    func testCSVQuotesCarriageReturnsAndBackupsAreNotListed() throws {
        let a = try makeArchive()
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.path("archives/notes\r.txt")))
        // What `repair` and `escrow open` leave beside an archive, and a writer's temporary file.
        for name in ["张伟.svault.backup-2026-06-01T101010Z", "张伟.svault.backup", "张伟.svault.tmp-4242"] {
            try FileManager.default.copyItem(atPath: a, toPath: dir.path("archives/\(name)"))
        }
        let csv = try sv(["compliance", dir.url.path, "--as-of", "2026-06-09", "--csv"], now: june9Start).stdout
        let logN = try XCTUnwrap((try object(try sv(["status", a, "--json"], now: june9Start))["kdf"] as? [String: Any])?["logN"] as? Int)  // calibrated here
        XCTAssertEqual(csv, "\u{FEFF}" + """
            archive,owner,password_changed,password_age_days,rotation,must_change_password,dek_rotated,escrow,escrow_detail,escrow_uses_unacknowledged,last_escrow_use,verified,kdf_log_n,problem,non_compliant,escrow_uses_logged,audit_log,signature
            "archives/notes\r.txt",,,,,,,,,,,,,foreign: not a .svault file,no,,,
            archives/张伟.svault,张伟,2026-03-01T15:30:00Z,100,due,no,2026-01-30T15:30:00Z,none,,0,,,\(logN),,no,,,not enrolled

            """.replacingOccurrences(of: "\n", with: "\r\n"))
        let report = try object(try sv(["compliance", dir.url.path, "--json"], now: june9Start))
        XCTAssertEqual((report["summary"] as? [String: Any])?["foreign"] as? Int, 1)
        XCTAssertEqual((report["archives"] as? [[String: Any]])?.count, 2)
    }

    // MARK: Password files (FORMAT.md §2)

    func testPasswordFilesFollowTheSpec() throws {
        let a = dir.path("a.svault")
        try sv(["init", a, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"], now: changed)
        @discardableResult
        func verify(_ content: [UInt8], expect status: Int32, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
            let path = dir.path("candidate")
            try Data(content).write(to: URL(fileURLWithPath: path))
            return try sv(["verify", a, "--password-file", path], now: changed, expect: status, file: file, line: line)
        }
        let password = Array("horse battery staple 马".utf8)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        // A byte-order mark (Windows Notepad) is ignored; CRLF, a lone CR, or no line end at all.
        try verify(bom + password + Array("\r\n".utf8), expect: 0)
        try verify(bom + password, expect: 0)
        try verify(password + [0x0D] + Array("second line".utf8), expect: 0)
        try verify(password, expect: 0)
        // Nothing else is trimmed: spaces are part of the password.
        try verify(Array(" ".utf8) + password + Array("\n".utf8), expect: 3)
        try verify(password + Array(" \n".utf8), expect: 3)
        // Refused before anything is derived (exit 64): empty, too long, not UTF-8 in any line.
        XCTAssertTrue(try verify(bom + Array("\n".utf8) + password, expect: 64).stderr.contains("empty"))
        XCTAssertTrue(try verify(password + [0x0A] + [UInt8](repeating: 0x61, count: 4_097 - password.count - 1), expect: 64).stderr.contains("4096"))
        XCTAssertTrue(try verify(password + [0x0A, 0xFF, 0xFE, 0x0A], expect: 64).stderr.contains("UTF-8"))
        XCTAssertTrue(try verify(bom + bom + password, expect: 3).stderr.contains("wrong password"), "only one mark is removed")
        // The same rules on a descriptor.
        let fd = try runTool(["verify", a, "--password-fd", "0"], stdin: "\u{FEFF}horse battery staple 马\r\n", environment: ["SALESVAULT_NOW": String(changed)])
        XCTAssertEqual(fd.status, 0, fd.stderr)
    }
}
