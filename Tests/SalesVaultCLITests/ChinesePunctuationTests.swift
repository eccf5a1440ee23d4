import Foundation
import XCTest

/// Issue 12 (punctuation): Chinese texts use full-width ，：；（）！？, which
/// `Scripts/lib/zh-punctuation.py` puts in; the tables count them two columns wide.
final class ChinesePunctuationTests: WeekArchiveTestCase {
    override var archiveName: String { "punct.svault" }

    /// The repository: three folders above this file.
    var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Every Chinese string literal in Sources/ has full-width punctuation: the script's --check
    /// mode finds nothing it would convert. A failure lists FILE:LINE of each literal; run
    /// `Scripts/lib/zh-punctuation.py` to convert them (its rules are at its top).
    func testChineseLiteralsInSourcesUseFullWidthPunctuation() throws {
        let python = try runTool(["python3", "--version"], executable: "/usr/bin/env")
        if python.status != 0 { throw XCTSkip("python3 not found: \(python.stderr)") }
        let script = repository.appendingPathComponent("Scripts/lib/zh-punctuation.py").path
        let r = try runTool(["python3", script, "--check", repository.appendingPathComponent("Sources").path], executable: "/usr/bin/env")
        XCTAssertEqual(r.status, 0, "Chinese literals with ASCII punctuation (run Scripts/lib/zh-punctuation.py):\n\(r.stdout)\(r.stderr)")
        XCTAssertTrue(r.stdout.isEmpty, r.stdout)
    }

    /// The script itself: converts Chinese punctuation, leaves code, English, interpolations,
    /// times, commands and CSV alone, and a second run changes nothing.
    func testScriptConvertsChinesePunctuationOnly() throws {
        let python = try runTool(["python3", "--version"], executable: "/usr/bin/env")
        if python.status != 0 { throw XCTSkip("python3 not found: \(python.stderr)") }
        let script = repository.appendingPathComponent("Scripts/lib/zh-punctuation.py").path
        // zh-punct: keep (the script's own example, before and after)
        let source = #"""
            let a = zh: "现行政策须 \(n) 名经理,移除后只剩 \(m(x, y)) 名;请先降低所需人数(dept policy --threshold N)"
            let b = L("cannot create \(dir): \(reason)", "无法创建目录 \(dir):\(reason)")
            let c = "A 类 \(a) 天, B 类 \(b) 天(制度 6.1):周五 18:00 前提交, 比例 1:1, 见 https://example.com/a?b=1"
            let d = "Add another name, e.g. 浦发 (repeatable)."
            let e = "客户名称,客户等级,行业\n华为,A,通信\n"
            let f = "确认导入?[y/N] " + "\(x)" + ",改正后可直接导入"
            // 注释, 不改: (x)
            let g = "请运行 `salesvault dept policy --threshold 2,3`,然后重试!"
            """#
        let dir = try TempDir()
        let file = dir.path("Sample.swift")
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        let check = try runTool(["python3", script, "--check", file], executable: "/usr/bin/env")
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("Sample.swift:1:"), check.stdout)
        let run = try runTool(["python3", script, file], executable: "/usr/bin/env")
        XCTAssertEqual(run.status, 0, run.stderr)
        let converted = try String(contentsOfFile: file, encoding: .utf8)
        // zh-punct: keep
        let expected = #"""
            let a = zh: "现行政策须 \(n) 名经理，移除后只剩 \(m(x, y)) 名；请先降低所需人数（dept policy --threshold N）"
            let b = L("cannot create \(dir): \(reason)", "无法创建目录 \(dir)：\(reason)")
            let c = "A 类 \(a) 天，B 类 \(b) 天（制度 6.1）：周五 18:00 前提交，比例 1:1，见 https://example.com/a?b=1"
            let d = "Add another name, e.g. 浦发 (repeatable)."
            let e = "客户名称,客户等级,行业\n华为,A,通信\n"
            let f = "确认导入？[y/N] " + "\(x)" + "，改正后可直接导入"
            // 注释, 不改: (x)
            let g = "请运行 `salesvault dept policy --threshold 2,3`，然后重试！"
            """#
        XCTAssertEqual(converted, expected)
        let again = try runTool(["python3", script, "--check", file], executable: "/usr/bin/env")
        XCTAssertEqual(again.status, 0, "a second run would change: \(again.stdout)")
    }

    /// Full-width punctuation (U+FF01–U+FF60) and CJK punctuation (U+3000–U+303F) are two
    /// columns wide in the terminal tables: the column after a name holding them lines up.
    func testTablesCountFullWidthPunctuationAsTwoColumns() throws {
        let names = ["甲（乙）：丙，丁！", "华为技术有限公司", "ABCDEFGHIJKLMNOPQR", "上海「东方」。、"]
        for name in names { try sv(["customer", "add", name, "--set", "industry=制造"], day: 0) }
        let list = try sv(["customer", "list", "--lang", "zh"], day: 0)
        var columns: [Int] = []
        for name in names {
            let line = try XCTUnwrap(list.stdout.split(separator: "\n").first { $0.contains(name) }, list.stdout)
            let start = try XCTUnwrap(line.range(of: name))
            let before = String(line[..<start.upperBound])
            let spaces = line[start.upperBound...].prefix { $0 == " " }.count
            columns.append(Self.width(before) + spaces)
        }
        XCTAssertEqual(Set(columns).count, 1, "the industry column starts at \(columns):\n\(list.stdout)")
    }

    /// East Asian Wide and Fullwidth, for the ranges these names use.
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { w, u in
            let v = u.value
            let wide = (0x3000...0x303E).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xFF01...0xFF60).contains(v)
            return w + (wide ? 2 : 1)
        }
    }
}
