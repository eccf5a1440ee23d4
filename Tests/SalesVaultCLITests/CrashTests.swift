import Foundation
import VaultCrypto
import VaultFormat
import XCTest

/// Kills real writer processes with SIGKILL at random moments (append, passwd, rekey) and checks
/// that the archive always opens, with the old or the new state, and no acknowledged record is lost.
final class CrashTests: XCTestCase {
    let rounds = Int(ProcessInfo.processInfo.environment["SALESVAULT_CRASH_ROUNDS"] ?? "") ?? 25

    /// Starts the torture driver, lets it run for a random time, kills it, returns its acked lines.
    func runAndKill(_ arguments: [String], maxMilliseconds: UInt32) throws -> [String] {
        let process = Process()
        process.executableURL = Binaries.url("svault-torture")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(UInt32.random(in: 5_000...(maxMilliseconds * 1000)))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the driver stopped by itself: \(arguments)")
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").filter { $0.hasPrefix("acked ") }.map { String($0.dropFirst(6)) }
    }

    func expectedPayload(_ n: UInt64) -> [UInt8] {
        Array("record-\(n)-".utf8) + [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: Int(n % 7) * 512 + 100)
    }

    func secret(_ s: String) -> SecureBytes { SecureBytes(Array(s.utf8)) }

    func testKilledAppendsNeverLoseAcknowledgedRecords() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        XCTAssertEqual(try runTool(["create", path, "pw-a"], binary: "svault-torture").status, 0)
        var acked: UInt64 = 0
        var unfinishedSeen = 0
        for round in 0..<rounds {
            let lines = try runAndKill(["append", path, "pw-a"], maxMilliseconds: 120)
            if let last = lines.last, let n = UInt64(last) { acked = n + 1 }
            let vault = try Vault.open(path: path, password: secret("pw-a"), access: .readWrite)
            let records = try vault.readAllRecords()
            XCTAssertGreaterThanOrEqual(UInt64(records.count), acked, "round \(round): acknowledged records lost")
            XCTAssertLessThanOrEqual(UInt64(records.count), acked + 1, "round \(round): more records than were written")
            for (i, r) in records.enumerated() where r != expectedPayload(UInt64(i)) {
                XCTFail("round \(round): record \(i) differs")
            }
            acked = UInt64(records.count)
            if vault.unfinishedBytes > 0 || vault.copyStates != [.current, .current] {
                unfinishedSeen += 1
                try vault.repair(backupPath: dir.path("backup-\(round)"))
            }
        }
        print("[crash] append: \(rounds) kills, \(acked) records survive, \(unfinishedSeen) interrupted saves found and repaired")
        XCTAssertGreaterThan(acked, 0)
    }

    func testKilledPasswordChangesAlwaysLeaveOneValidPassword() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        XCTAssertEqual(try runTool(["create", path, "pw-a"], binary: "svault-torture").status, 0)
        do {
            let vault = try Vault.open(path: path, password: secret("pw-a"), access: .readWrite)
            for n in 0..<5 { try vault.append(expectedPayload(UInt64(n)), now: 0) }
        }
        var changes = 0
        var openedWith: [String: Int] = [:]
        var state = "A"
        for round in 0..<rounds {
            // Each change now also hashes the new password for the history (scrypt 2^15, FORMAT.md §5.4):
            // the window covers several changes.
            let lines = try runAndKill(["passwd", path, "pw-a", "pw-b"], maxMilliseconds: 600)
            changes += lines.count
            var opened: Vault?
            var openedName = ""
            for (name, pw) in [("A", "pw-a"), ("B", "pw-b")] {
                if let v = try? Vault.open(path: path, password: secret(pw)) {
                    opened = v
                    openedName = name
                    openedWith[name, default: 0] += 1
                    break
                }
            }
            guard let opened else { return XCTFail("round \(round): no password opens the archive") }
            // The last acknowledged password, or the next one if that change completed unseen.
            let acked = lines.last ?? state
            XCTAssertTrue(openedName == acked || openedName == (acked == "A" ? "B" : "A"), "round \(round): opened with \(openedName) after acked \(acked)")
            state = openedName
            XCTAssertEqual(try opened.readAllRecords(), (0..<5).map { expectedPayload(UInt64($0)) }, "round \(round)")
        }
        print("[crash] passwd: \(rounds) kills, \(changes) acknowledged changes, opened with \(openedWith)")
        XCTAssertGreaterThan(changes, 0)
    }

    func testKilledEscrowUsesAreAlwaysCountedWithTheirRecords() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        XCTAssertEqual(try runTool(["create-escrow", path, "pw-a"], binary: "svault-torture").status, 0)
        var acked: UInt64 = 0
        for round in 0..<rounds {
            let lines = try runAndKill(["escrow-use", path], maxMilliseconds: 120)
            if let last = lines.last, let n = UInt64(last) { acked = n + 1 }
            let vault = try Vault.open(path: path, password: secret("pw-a"))
            let records = try vault.readAllRecords()
            XCTAssertGreaterThanOrEqual(UInt64(records.count), acked, "round \(round): an acknowledged use lost")
            // The audit record and the header's counter are one commit (FORMAT.md §5.3).
            XCTAssertEqual(UInt64(vault.header.escrowUses?.unacknowledged ?? 0), UInt64(records.count), "round \(round)")
            XCTAssertEqual(vault.header.escrowUses.map { $0.firstIndex }, records.isEmpty ? nil : 0, "round \(round)")
            for (i, r) in records.enumerated() where r != expectedPayload(UInt64(i)) { XCTFail("round \(round): record \(i) differs") }
            acked = UInt64(records.count)
        }
        print("[crash] escrow-use: \(rounds) kills, \(acked) uses recorded and counted")
        XCTAssertGreaterThan(acked, 0)
    }

    func testKilledRekeysLeaveTheOldOrTheNewKey() throws {
        let dir = try TempDir()
        let path = dir.path("a.svault")
        XCTAssertEqual(try runTool(["create", path, "pw-a"], binary: "svault-torture").status, 0)
        do {
            let vault = try Vault.open(path: path, password: secret("pw-a"), access: .readWrite)
            for n in 0..<200 { try vault.append(expectedPayload(UInt64(n)), now: 0) }
        }
        var ackedGeneration: UInt32 = 1
        for round in 0..<rounds {
            let lines = try runAndKill(["rekey", path, "pw-a"], maxMilliseconds: 150)
            if let last = lines.last, let g = UInt32(last) { ackedGeneration = g }
            let vault = try Vault.open(path: path, password: secret("pw-a"))
            XCTAssertGreaterThanOrEqual(vault.header.dekGeneration, ackedGeneration, "round \(round): acknowledged rekey lost")
            XCTAssertLessThanOrEqual(vault.header.dekGeneration, ackedGeneration + 1, "round \(round)")
            ackedGeneration = vault.header.dekGeneration
            XCTAssertEqual(try vault.readAllRecords(), (0..<200).map { expectedPayload(UInt64($0)) }, "round \(round)")
            XCTAssertTrue(try vault.verify().isClean, "round \(round)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasSuffix(".tmp") }
        // The next writer removes what killed rekeys left behind.
        _ = try Vault.open(path: path, password: secret("pw-a"), access: .readWrite)
        let remaining = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(remaining, [])
        print("[crash] rekey: \(rounds) kills, final key generation \(ackedGeneration), \(leftovers.count) temporary files of killed rekeys removed by the next writer")
        XCTAssertGreaterThan(ackedGeneration, 1)
    }
}
