import Foundation
import XCTest

/// An archive written before change sets (Fixtures/before-change-sets) opens with the same JSON
/// the binary of that time printed (RECORDS.md §2: type-1 batches are read for ever), and
/// accepts new changes and undo on top of it.
final class LegacyArchiveTests: XCTestCase {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/before-change-sets")

    /// Parsed JSON with the keys added since (a history entry's `batch` and `label`) removed.
    func normalized(_ text: String) throws -> NSObject {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        if let list = object as? [[String: Any]] {
            return list.map { entry -> [String: Any] in
                var e = entry
                e["batch"] = nil
                e["label"] = nil
                return e
            } as NSArray
        }
        return object as! NSObject  // JSON objects are NSObjects
    }

    func testAnArchiveWrittenBeforeChangeSetsPrintsTheSameJSON() throws {
        let dir = try TempDir()
        let archive = dir.path("legacy.svault")
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("archive.svault").path, toPath: archive)
        let env = ["TZ": "UTC", "SALESVAULT_NOW": "1795564800"]
        let pw = fixtures.appendingPathComponent("password.txt").path
        let commands: [([String], String)] = [
            (["customer", "list"], "customer-list.json"), (["contact", "list"], "contact-list.json"), (["project", "list"], "project-list.json"),
            (["log", "list"], "log-list.json"), (["complaint", "list"], "complaint-list.json"), (["history"], "history.json"),
            (["customer", "show", "C1"], "customer-show-C1.json"),
        ]
        for (args, file) in commands {
            let r = try runTool(args + ["-a", archive, "--json", "--password-file", pw], environment: env)
            XCTAssertEqual(r.status, 0, r.stderr)
            let expected = try String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8)
            XCTAssertEqual(try normalized(r.stdout), try normalized(expected), "\(args)")
        }
        // Old batches have their record index as batch id and no label.
        let history = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try runTool(["history", "-a", archive, "--json", "--password-file", pw], environment: env).stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(history.first?["batch"] as? String, "B0")
        XCTAssertEqual(history.first?["label"] as? String, "")
        // New changes go on top as change sets, and can be undone.
        var r = try runTool(["customer", "edit", "Acme", "--set", "region=上海", "-a", archive, "--password-file", pw], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try runTool(["history", "-a", archive, "--json", "--password-file", pw], environment: env)
        let last = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])?.last)
        XCTAssertEqual(last["label"] as? String, "customer edit")
        let batch = try XCTUnwrap(last["batch"] as? String)
        r = try runTool(["undo", batch, "-a", archive, "--password-file", pw, "--lang", "zh"], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("已撤销批次 \(batch)"), r.stdout)
        r = try runTool(["customer", "show", "Acme", "-a", archive, "--json", "--password-file", pw], environment: env)
        XCTAssertNil((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["region"])
        // Undoing a batch whose fields changed later is refused with exit status 8 and writes nothing.
        let before = try Data(contentsOf: URL(fileURLWithPath: archive))
        r = try runTool(["undo", "B0", "-a", archive, "--password-file", pw], environment: env)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("B0"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: archive)), before)
    }
}
