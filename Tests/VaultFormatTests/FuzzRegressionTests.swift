import Foundation
import XCTest

/// Replays every fuzz seed (Tests/Fuzz/Corpus/TARGET) and every input that once crashed a parser
/// (Tests/Fuzz/Regressions/TARGET) through the fuzz targets' entry points in a normal build: the
/// `svault-fuzz replay` runner, one process per target, so that a crash fails the test and names
/// the input instead of taking the test run down (Docs/FUZZING.md). Errors thrown by the
/// parsers are the expected answer; only a crash or a trap fails.
final class FuzzRegressionTests: XCTestCase {
    static let targets = ["header", "records", "payload", "snapshot", "age", "registry", "keys", "csv", "xlsx", "importsource", "officecrypto"]

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The build products folder holding `svault-fuzz`: `$SALESVAULT_BIN_DIR`, or above the test bundle.
    static var runner: URL {
        if let dir = ProcessInfo.processInfo.environment["SALESVAULT_BIN_DIR"] { return URL(fileURLWithPath: dir).appendingPathComponent("svault-fuzz") }
        var url = Bundle(for: FuzzRegressionTests.self).bundleURL
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("svault-fuzz").path) {
            url = url.deletingLastPathComponent()
        }
        return url.appendingPathComponent("svault-fuzz")
    }

    func testRunnerKnowsEveryTarget() throws {
        let result = try Self.run(["list"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init), Self.targets)
    }

    func testEverySeedAndRegressionInputIsHandledWithoutACrash() throws {
        let fuzz = Self.repository.appendingPathComponent("Tests/Fuzz")
        // Every regression folder belongs to a known target.
        let regressions = fuzz.appendingPathComponent("Regressions")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: regressions.path)) ?? [] where !name.hasPrefix(".") {
            XCTAssertTrue(Self.targets.contains(name), "Tests/Fuzz/Regressions/\(name) is not a fuzz target")
        }
        for target in Self.targets {
            let corpus = fuzz.appendingPathComponent("Corpus/\(target)")
            let seeds = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path))?.filter { !$0.hasPrefix(".") } ?? []
            XCTAssertFalse(seeds.isEmpty, "no seeds in Tests/Fuzz/Corpus/\(target)")
            var paths = [corpus.path]
            let regression = regressions.appendingPathComponent(target)
            if FileManager.default.fileExists(atPath: regression.path) { paths.append(regression.path) }
            let result = try Self.run(["replay", target] + paths)
            // The runner names each input on stderr before running it: the last one named crashed.
            let named = result.stderr.split(separator: "\n").filter { $0.hasPrefix("\(target) /") }
            let lastInput = named.last.map { String($0.dropFirst(target.count + 1)) } ?? "(none)"
            if result.status != 0 || !result.stdout.contains("no crash") {
                let fatal = result.stderr.split(separator: "\n").filter { $0.contains("Fatal error") || $0.contains("ERROR") }.prefix(3)
                XCTFail("\(target): the runner stopped (status \(result.status)) on \(lastInput)\n\(fatal.joined(separator: "\n"))")
            }
        }
    }

    struct Result { let status: Int32; let stdout: String; let stderr: String }

    static func run(_ arguments: [String]) throws -> Result {
        let runner = Self.runner
        guard FileManager.default.isExecutableFile(atPath: runner.path) else {
            XCTFail("svault-fuzz is not built at \(runner.path) (swift build --build-tests builds it)")
            return Result(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        process.executableURL = runner
        process.arguments = arguments
        process.currentDirectoryURL = repository
        var env = ProcessInfo.processInfo.environment
        env["SVAULT_TESTKIT"] = repository.appendingPathComponent("Tests/VaultFormatTests/Testkit").path
        env["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = env
        // stderr names every input before it runs: to a file, so that it cannot fill a pipe.
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("svault-fuzz-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errPath) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errPath)
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errData = (try? Data(contentsOf: errPath)) ?? Data()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
