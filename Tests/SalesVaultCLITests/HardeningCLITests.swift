import Foundation
import XCTest

/// Issue 11 findings reproduced through the binary, then fixed.
final class HardeningCLITests: XCTestCase {
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
}
