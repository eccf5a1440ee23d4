import Foundation
import XCTest

/// The password prompt on a real terminal (a pseudo-terminal made by `script`, from bsdutils).
final class PasswordPromptTests: XCTestCase {
    /// Issue 11, finding 7: Ctrl-C (SIGINT) or a kill at the prompt left the terminal with echo
    /// off. After the signal the terminal must echo again.
    func testASignalAtThePromptGivesTheTerminalItsEchoBack() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("`script` (bsdutils) is not installed: no pseudo-terminal to test the prompt on")
        }
        let dir = try TempDir()
        let binary = Binaries.url("salesvault").path
        for signal in ["INT", "TERM"] {
            let inner = "sh -c '(sleep 1; kill -\(signal) $$) & exec \(binary) init \(dir.path("a-\(signal).svault")) --owner 张伟 --insecure-kdf-cost 10'; stty -a"
            let r = try runTool(["-qec", inner, "/dev/null"], executable: "/usr/bin/script")
            let flags = r.stdout.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\n" || $0 == "\r" }).map(String.init)
            XCTAssertTrue(flags.contains("echo"), "SIG\(signal): \(r.stdout)")
            XCTAssertFalse(flags.contains("-echo"), "SIG\(signal): \(r.stdout)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("a-\(signal).svault")), "nothing created")
        }
    }
}
