import Foundation
import SalesArchive
import XCTest

/// ShellWord.quote, read back by a real shell: every word comes back as it was, one argument.
final class ShellWordTests: XCTestCase {
    func testAShellReadsEveryQuotedWordBackUnchanged() throws {
        let words = ["archives/张伟.svault", "Zhang Wei.svault", "it's", "a'b'c", "$HOME", "`id`", "a;b", "a|b", "*", "~", "#x", "-",
                     "--set", "name=甲公司", "华东（上海）.svault", "tab\there", "new\nline", "!x", "\\", "\"", "a b  c", "1.5"]
        XCTAssertEqual(ShellWord.quote("archives/张伟.svault"), "archives/张伟.svault", "a plain path stays as it is")
        XCTAssertEqual(ShellWord.quote("name=甲公司"), "name=甲公司")
        XCTAssertEqual(ShellWord.quote("Zhang Wei"), "'Zhang Wei'")
        XCTAssertEqual(ShellWord.quote("it's"), "'it'\\''s'")
        XCTAssertEqual(ShellWord.quote(""), "''")
        // Each word as the one argument of printf '%s\0', by /bin/sh.
        let script = words.map { "printf '%s\\0' " + ShellWord.quote($0) }.joined(separator: "\n")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let back = data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(back, words)
    }
}
