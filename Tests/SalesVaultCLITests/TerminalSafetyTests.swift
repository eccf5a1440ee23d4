import Foundation
import XCTest

/// Issue 11, finding 1 (terminal injection): names, notes and log summaries holding escape
/// sequences, CR, BEL, bidi overrides or zero-width characters are printed with visible escapes
/// (`\u{1B}`, `\u{202E}`) on every human output path, and exactly by `--json`.
final class TerminalSafetyTests: ArchiveCommandTestCase {
    let nasty = "Evil\u{1B}[2J\u{202E}Corp\u{0007}\r\u{200B}X"

    @discardableResult
    func sv(_ args: [String], expect status: Int32? = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let r = try runOnArchive(args)
        if let status { XCTAssertEqual(r.status, status, "\(args): \(r.stdout)\(r.stderr)", file: file, line: line) }
        if !args.contains("--json") {  // JSON carries the exact text (Docs/JSON.md), unchanged here
            assertTerminalSafe(r.stdout, "\(args) stdout", file: file, line: line)
            assertTerminalSafe(r.stderr, "\(args) stderr", file: file, line: line)
        }
        return r
    }

    /// No byte below 0x20 but LF, no DEL, no C1 control, no bidi control, no zero-width character.
    func assertTerminalSafe(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let bad = text.unicodeScalars.filter { s in
            let v = s.value
            return (v < 0x20 && v != 0x0A) || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                || (0x200B...0x200F).contains(v) || v == 0x2060 || v == 0xFEFF
        }
        XCTAssertTrue(bad.isEmpty, "\(what) holds raw \(bad.map { String($0.value, radix: 16) }): \(text.debugDescription)", file: file, line: line)
    }

    func json(_ r: RunResult) throws -> Any { try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) }

    func testAHostileCustomerNameIsEscapedEverywhereAndExactInJSON() throws {
        let added = try sv(["customer", "add", nasty, "--industry", "通信\u{1B}[31m"])
        XCTAssertTrue(added.stdout.contains("Added C1 Evil\\u{1B}[2J\\u{202E}Corp\\u{7}\\u{D}\\u{200B}X"), added.stdout)
        try sv(["log", "add", "C1", "visit", "note\u{1B}]0;pwned\u{0007} \u{2066}here\u{2069}", "--next-step", "call\rback"])

        let list = try sv(["customer", "list"])
        XCTAssertTrue(list.stdout.contains("Evil\\u{1B}[2J\\u{202E}Corp"), list.stdout)
        let show = try sv(["customer", "show", "C1"])
        XCTAssertTrue(show.stdout.contains("\\u{202E}"), show.stdout)
        XCTAssertTrue(show.stdout.contains("note\\u{1B}]0;pwned\\u{7}"), show.stdout)
        let search = try sv(["search", "Evil"])
        XCTAssertTrue(search.stdout.contains("Evil\\u{1B}"), search.stdout)
        try sv(["search", "note"])
        let history = try sv(["history"])
        XCTAssertTrue(history.stdout.contains("\\u{1B}[2J"), history.stdout)
        let log = try sv(["log", "list"])
        XCTAssertTrue(log.stdout.contains("\\u{2066}here"), log.stdout)
        try sv(["customer", "grade", "C1", "A", "--reason", "bid\u{1B}[1A"])
        try sv(["history", "C1"])
        let batches = try XCTUnwrap(try json(try sv(["history", "--json"])) as? [[String: Any]])
        let dryRun = try sv(["undo", try XCTUnwrap(batches.last?["batch"] as? String), "--dry-run"])
        XCTAssertTrue(dryRun.stdout.contains("\\u{1B}[2J"), dryRun.stdout)
        try sv(["customer", "show", "Evil\u{1B}[2", "--lang", "zh"])

        let listed = try XCTUnwrap(try json(try sv(["customer", "list", "--json"])) as? [[String: Any]])
        XCTAssertEqual(listed.first?["name"] as? String, nasty)
        XCTAssertEqual(listed.first?["industry"] as? String, "通信\u{1B}[31m")
        let shown = try XCTUnwrap(try json(try sv(["customer", "show", "C1", "--json"])) as? [String: Any])
        XCTAssertEqual(shown["name"] as? String, nasty)
    }

    /// A value cut to fit a table column is cut between escapes, never inside one (black-box
    /// finding: `history` printed `x\u{…`); the invisible characters that could make two names
    /// look alike (U+3164, U+FFA0, U+034F, U+00AD) are escaped too.
    func testACutValueNeverEndsInsideAnEscapeAndInvisibleLettersAreShown() throws {
        try sv(["customer", "add", "甲\u{3164}公司\u{00AD}", "--set", "note=start"])
        for n in stride(from: 4, through: 40, by: 2) {
            try sv(["customer", "edit", "C1", "--set", "note=" + String(repeating: "x", count: n) + "\u{1B}[31m\u{202E}"])
        }
        let history = try sv(["history"])
        let pieces = history.stdout.components(separatedBy: "\\u{").dropFirst()
        XCTAssertGreaterThan(pieces.count, 10)
        for piece in pieces {
            XCTAssertNotNil(piece.range(of: "^[0-9A-F]{1,6}\\}", options: .regularExpression), "an escape cut short: \\u{\(piece.prefix(12))")
        }
        let list = try sv(["customer", "list"])
        XCTAssertTrue(list.stdout.contains("甲\\u{3164}公司\\u{AD}"), list.stdout)
    }

    func testErrorsNamingHostileTextAreEscaped() throws {
        try sv(["customer", "add", nasty])
        try sv(["customer", "add", "Evil\u{1B}[2Jother"])
        let ambiguous = try sv(["customer", "show", "Evil"], expect: 8)
        XCTAssertTrue(ambiguous.stderr.contains("\\u{1B}[2J"), ambiguous.stderr)
        let missing = try sv(["customer", "show", "no\u{1B}[2Jsuch\u{202E}"], expect: 8)
        XCTAssertTrue(missing.stderr.contains("error"), missing.stderr)
    }

    /// A line break in a name given on the command line was printed as it was in the error
    /// naming it, so the name could start a line that reads as the program's own (black-box
    /// finding). An error is one line and its hint another; candidates stay one a line.
    func testALineBreakInANameCannotStartALineOfTheError() throws {
        try sv(["customer", "add", "华为技术有限公司"])
        try sv(["customer", "add", "华为软件有限公司"])
        let forged = "华为技术有限公司\nsalesvault: error: 伪造的一行"
        // (A name's line break is kept as a space; --force: the name holds another customer's,
        // a likely duplicate since 2026-12-05.)
        let added = try sv(["customer", "add", forged, "--force"])
        XCTAssertFalse(added.stdout.contains("\nsalesvault"), added.stdout)
        for args in [["customer", "add", forged], ["customer", "show", "没有\n这家"], ["customer", "show", "没有\nsalesvault: error: 伪造的一行"]] {
            let r = try sv(args, expect: 8)
            // (From the error on: a warning about the test archive's dates may come first.)
            let all = r.stderr.split(separator: "\n").map(String.init)
            let lines = Array(all[(all.firstIndex { $0.hasPrefix("salesvault: error: ") } ?? 0)...])
            XCTAssertEqual(lines.count, 2, "\(args): the error and its hint: \(r.stderr)")
            XCTAssertTrue(lines.last?.hasPrefix("hint: ") ?? false, r.stderr)
            XCTAssertFalse(all.contains { $0.hasPrefix("salesvault: error: 伪造") }, r.stderr)
        }
        // The line break is shown as \n, not as a space that could not be told from one typed.
        XCTAssertTrue(try sv(["customer", "show", "没有\n这家"], expect: 8).stderr.contains("no customer matches 没有\\n这家"))
        let ambiguous = try sv(["customer", "show", "华为"], expect: 8)
        XCTAssertTrue(ambiguous.stderr.contains("candidates:\n  C1 华为技术有限公司\n  C2 华为软件有限公司") ||
                      ambiguous.stderr.contains("candidates:\n  C2 华为软件有限公司\n  C1 华为技术有限公司"), ambiguous.stderr)
    }

    func testInitRefusesAnOwnerWithControlOrBidiCharacters() throws {
        for owner in ["张\u{1B}[2J伟", "Zhang\u{202E}Wei", "Zhang\rWei", "Zhang\u{200B}Wei"] {
            let r = try runTool(["init", dir.path("b.svault"), "--owner", owner, "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"], environment: env)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("b.svault")))
        }
    }

    func testComplianceKeepsHostileFileNamesExactInJSON() throws {
        let dept = dir.path("d")
        try FileManager.default.createDirectory(atPath: dept, withIntermediateDirectories: true)
        let name = "ev\u{1B}[2Jil\u{202E}.svault"
        try FileManager.default.copyItem(atPath: dir.path("a.svault"), toPath: dept + "/" + name)
        let r = try runTool(["compliance", dept, "--json"], environment: env)
        let report = try XCTUnwrap(try json(r) as? [String: Any])
        XCTAssertEqual((report["archives"] as? [[String: Any]])?.first?["archive"] as? String, name)
    }

    func testComplianceTablePrintsHostileFileNamesEscaped() throws {
        // Needs Terminal.cell on the file name, owner, problem and department in
        // Sources/salesvault/Department/ComplianceCommand.swift (printTable) and on the skipped
        // file names it writes to stderr; that file is outside this change. Remove this line then.
        let dept = dir.path("d")
        try FileManager.default.createDirectory(atPath: dept, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir.path("a.svault"), toPath: dept + "/ev\u{1B}[2Jil.svault")
        _ = try dir.write("d/x\u{1B}]0;t\u{7}.svault", "junk")
        let r = try runTool(["compliance", dept], environment: env)
        assertTerminalSafe(r.stdout, "compliance stdout")
        assertTerminalSafe(r.stderr, "compliance stderr")
        XCTAssertTrue(r.stdout.contains("ev\\u{1B}[2Jil.svault"), r.stdout)
    }
}
