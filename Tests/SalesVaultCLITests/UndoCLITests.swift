import Foundation
import XCTest

/// `undo` and the shell through the built binary: what the attack round found (each reproduced
/// first, then fixed).
final class UndoCLITests: ArchiveCommandTestCase {
    @discardableResult
    func sv(_ args: [String], stdin: String? = nil, expect status: Int32? = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let r = try runOnArchive(args, stdin: stdin)
        if let status { XCTAssertEqual(r.status, status, "\(args): \(r.stdout)\(r.stderr)", file: file, line: line) }
        return r
    }

    func lastBatch() throws -> String {
        let r = try sv(["history", "--json", "--include-secret"])
        let entries = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        return try XCTUnwrap(entries.last?["batch"] as? String)
    }

    func testDryRunHidesSecretFieldsUnlessAsked() throws {
        try sv(["customer", "add", "甲"])
        try sv(["contact", "add", "甲", "王敏", "--set", "background=绝密"])
        try sv(["contact", "edit", "王敏", "--set", "background=更绝密"])
        let batch = try lastBatch()
        let hidden = try sv(["undo", batch, "--dry-run"])
        XCTAssertFalse(hidden.stdout.contains("绝密"), hidden.stdout)
        let shown = try sv(["undo", batch, "--dry-run", "--include-secret"])
        XCTAssertTrue(shown.stdout.contains("更绝密"), shown.stdout)
    }

    /// An undone grade change's reason (撤销批次 B1) is said once in the history, not twice
    /// (helper-150: 撤销批次 B3；撤销批次 B3).
    func testAnUndoneGradeChangeSaysTheUndoOnce() throws {
        try sv(["customer", "add", "甲"])
        try sv(["customer", "grade", "甲", "B", "--reason", "预算已批"])
        let batch = try lastBatch()
        try sv(["undo", batch])
        let zh = try sv(["history", "--lang", "zh"]).stdout
        XCTAssertTrue(zh.contains("撤销批次 \(batch)"), zh)
        XCTAssertFalse(zh.contains("撤销批次 \(batch)；撤销批次 \(batch)"), zh)
        XCTAssertFalse(try sv(["history", "--lang", "en"]).stdout.contains("undo of \(batch); 撤销批次"))
    }

    func testALeadingGlobalOptionKeepsTheLabel() throws {
        try sv(["--lang", "zh", "customer", "add", "小米"])
        let r = try sv(["history", "--json"])
        let entries = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(entries.last?["label"] as? String, "customer add")
    }

    /// The hint of a batch that does not exist named list and search (black-box finding).
    func testAnUnknownBatchPointsToTheHistory() throws {
        try sv(["customer", "add", "甲"])
        let r = try sv(["--lang", "zh", "undo", "B99"], expect: 8)
        XCTAssertTrue(r.stderr.contains("档案中没有批次 B99"), r.stderr)
        XCTAssertTrue(r.stderr.contains("提示：档案未作任何改动。可运行 salesvault history 查看每次更改及其批次号（如 B42）"), r.stderr)
        XCTAssertFalse(r.stderr.contains("list 命令"), r.stderr)
        // Not a batch id at all: said in Chinese too (it was English under --lang zh).
        let bad = try sv(["--lang", "zh", "undo", "XYZ"], expect: 64)
        XCTAssertTrue(bad.stderr.contains("“XYZ”不是有效的批次号，请按 salesvault history 中显示的格式填写，如 B42"), bad.stderr)
        // Typed in full width (a Chinese input method), it is the batch (it was not a batch id).
        let wide = try sv(["--lang", "zh", "undo", "Ｂ９９"], expect: 8)
        XCTAssertTrue(wide.stderr.contains("档案中没有批次 B99"), wide.stderr)
        // Without a batch, or with a bad option value: the hint in Chinese too (it was English).
        let missing = try sv(["--lang", "zh", "undo"], expect: 64)
        XCTAssertTrue(missing.stderr.contains("提示：<batch>：要撤销的批次号，如 B42；批次号可运行 salesvault history 查看。"), missing.stderr)
        let option = try sv(["--lang", "zh", "import", "a.csv", "--on-duplicate", "foo"], expect: 64)
        XCTAssertTrue(option.stderr.contains("提示：--on-duplicate：遇到重复行（档案中已有或文件前面已出现）时如何处理：refuse 报错、不导入（默认），skip 跳过，update 更新已有记录。"), option.stderr)
        XCTAssertFalse(option.stderr.contains("A row already"), option.stderr)
    }

    func testTheShellReportsErrorsAsTheCommandLineDoesAndRefusesVerify() throws {
        try sv(["customer", "add", "甲"])
        let r = try runTool(["shell", dir.path("a.svault"), "--password-file", dir.path("pw"), "--lang", "zh"],
                            stdin: "undo B99\ncustomer grade 甲 Z --reason x\nverify \(dir.path("a.svault"))\ncustomer list\n", environment: env)
        XCTAssertFalse(r.stderr.contains("CLIError("), r.stderr)
        XCTAssertFalse(r.stderr.contains("invalidValue"), r.stderr)
        XCTAssertTrue(r.stderr.contains("错误") && r.stderr.contains("档案中没有批次 B99"), r.stderr)
        XCTAssertTrue(r.stderr.contains("verify"), r.stderr)
        XCTAssertTrue(r.stdout.contains("甲"), "the shell carries on: \(r.stdout)")
    }

    func testAPasswordDescriptorIsReadOneLineSoTheShellGetsTheCommandsAfterIt() throws {
        let r = try runTool(["shell", dir.path("a.svault"), "--password-fd", "0"],
                            stdin: "horse battery staple 9\ncustomer add 应该存在\ncustomer list\n", environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("应该存在"), r.stdout)
        let list = try sv(["customer", "list"])
        XCTAssertTrue(list.stdout.contains("应该存在"), list.stdout)
    }
}
