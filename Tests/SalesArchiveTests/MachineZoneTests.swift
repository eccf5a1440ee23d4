import Foundation
@testable import SalesArchive
import XCTest

/// `TZ` values the C library reads but Foundation took as UTC, named as Foundation reads them
/// (MachineZone); what Foundation reads itself, or what has no identifier, left as it is.
final class MachineZoneTests: XCTestCase {
    func testPOSIXFormsAreNamedAsTheZoneTheyAre() {
        let named: [(String, String)] = [
            ("CST-8", "Etc/GMT-8"), ("BJT-8", "Etc/GMT-8"), ("<+08>-8", "Etc/GMT-8"), ("CST-08:00", "Etc/GMT-8"),
            ("EST5", "Etc/GMT+5"), ("XYZ+5", "Etc/GMT+5"), ("UTC0", "Etc/UTC"), ("JST-9:00:00", "Etc/GMT-9"),
            (":Asia/Shanghai", "Asia/Shanghai"), (":PRC", "PRC"), ("/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"),
            (":/usr/share/zoneinfo/Asia/Shanghai", "Asia/Shanghai"),
            // As `date` reads them (Foundation read UTC-8 as 8 hours behind: helper-126).
            ("UTC-8", "Etc/GMT-8"), ("GMT+8", "Etc/GMT+8"), ("UTC+0", "Etc/UTC"),
        ]
        for (tz, id) in named {
            XCTAssertEqual(MachineZone.identifier(forTZ: tz), id, tz)
            // The identifier is one Foundation reads, at the offset the C library gives.
            XCTAssertNotNil(TimeZone(identifier: id), id)
        }
        XCTAssertEqual(TimeZone(identifier: MachineZone.identifier(forTZ: "CST-8")!)?.secondsFromGMT(), 8 * 3_600)
        XCTAssertEqual(TimeZone(identifier: MachineZone.identifier(forTZ: "EST5")!)?.secondsFromGMT(), -5 * 3_600)
        // Letters that name no zone file are UTC, as `date` reads them (Foundation read CST as
        // America/Chicago: helper-134); a zone file's name is left to Foundation.
        if FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/EST") {
            for tz in ["CST", "JST", "PST", "HKT"] { XCTAssertEqual(MachineZone.identifier(forTZ: tz), "Etc/UTC", tz) }
            for tz in ["UTC", "GMT", "PRC", "Japan"] { XCTAssertNil(MachineZone.identifier(forTZ: tz), tz) }
            XCTAssertEqual(MachineZone.identifier(forTZ: "EST"), "Etc/GMT+5", "no summer time, as its zone file (helper-136)")
        }
        // A signed offset, which a note explains (UTC+8 is behind UTC): only with a sign.
        XCTAssertEqual(MachineZone.signedPOSIXHoursWest("UTC+8"), 8)
        XCTAssertEqual(MachineZone.signedPOSIXHoursWest("GMT-8"), -8)
        XCTAssertEqual(MachineZone.signedPOSIXHoursWest("CST+08:00"), 8)
        XCTAssertEqual(MachineZone.signedPOSIXHoursWest("UTC+0"), 0)
        for other in ["EST5", "Asia/Shanghai", ":Asia/Shanghai", "UTC", "UTC+8:30", "IST-5:30", "EST5EDT,M3.2.0,M11.1.0", "+8"] {
            XCTAssertNil(MachineZone.signedPOSIXHoursWest(other), other)
        }
        // An offset with minutes, as `date` reads it (Foundation read UTC+8:30 as 8:30 ahead).
        for (tz, seconds) in [("UTC+8:30", -30_600), ("IST-5:30", 19_800), ("NPT-05:45", 20_700), ("XYZ+3:30:00", -12_600)] {
            let id = MachineZone.identifier(forTZ: tz)
            XCTAssertEqual(id.flatMap { TimeZone(identifier: $0) }?.secondsFromGMT(), seconds, tz)
        }
        XCTAssertEqual(MachineZone.signedPOSIXMinutesWest("UTC+8:30"), 510)
        XCTAssertEqual(MachineZone.signedPOSIXMinutesWest("IST-5:30"), -330)
        XCTAssertEqual(MachineZone.signedPOSIXMinutesWest("UTC+8"), 480)
        for bad in ["UTC+8:60", "UTC+8:30:15", "UTC+8:3x"] { XCTAssertNil(MachineZone.identifier(forTZ: bad), bad) }
    }

    /// Each POSIX form's offset is the one the C library gives (`date +%z`).
    func testTheOffsetsAreTheCLibrarys() throws {
        for tz in ["CST-8", "UTC-8", "GMT+8", "EST5", "<+0530>-5:30", "UTC+8:30", "IST-5:30", "NPT-5:45"] {
            let id = try XCTUnwrap(MachineZone.identifier(forTZ: tz), tz)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/date")
            process.arguments = ["+%z"]
            process.environment = ["TZ": tz]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            process.waitUntilExit()
            let date = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let seconds = try XCTUnwrap(TimeZone(identifier: id)).secondsFromGMT()
            XCTAssertEqual(date, String(format: "%@%02d%02d", seconds < 0 ? "-" : "+", abs(seconds) / 3600, abs(seconds) % 3600 / 60), tz)
        }
    }

    func testWhatFoundationReadsOrNoIdentifierNamesIsLeftAlone() {
        for tz in ["Asia/Shanghai", "PRC", "UTC", "GMT", "CST6CDT", "Etc/GMT-8", "/usr/share/zoneinfo/Nowhere", "EST5EDT,M3.2.0,M11.1.0", "CST-15", "CS-8",
                   "CST-8x", "CST--8", "", ":", ":Nowhere/City", "<+08", "<>-8", "CST-8:", String(repeating: "A", count: 200) + "-8"] {
            XCTAssertNil(MachineZone.identifier(forTZ: tz), tz)
        }
    }

    /// A zone's name as notes show it: POSIX's Etc/GMT+8 as UTC-8 (helper-140).
    /// A zone file outside zoneinfo (`TZ=:/etc/localtime`, a copy) is the zone it links to or
    /// whose bytes it holds (it was read as UTC: helper-158); a file that is no zone file is none.
    func testAZoneFileElsewhereIsTheZoneItHolds() throws {
        let shanghai = "/usr/share/zoneinfo/Asia/Shanghai", berlin = "/usr/share/zoneinfo/Europe/Berlin"
        guard FileManager.default.fileExists(atPath: shanghai), FileManager.default.fileExists(atPath: berlin) else {
            throw XCTSkip("the zone files are not installed (apt-get install tzdata): nothing to compare a copy with")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tz-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: shanghai, toPath: dir + "/localtime")
        try FileManager.default.copyItem(atPath: berlin, toPath: dir + "/berlin")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: "/usr/share/zoneinfo/Asia/Tokyo")
        try Data("not a zone\n".utf8).write(to: URL(fileURLWithPath: dir + "/text"))
        XCTAssertEqual(MachineZone.identifier(forTZ: ":" + dir + "/localtime"), "Asia/Shanghai")
        XCTAssertEqual(MachineZone.identifier(forTZ: dir + "/localtime"), "Asia/Shanghai")
        XCTAssertEqual(TimeZone(identifier: try XCTUnwrap(MachineZone.identifier(forTZ: ":" + dir + "/berlin")))?.secondsFromGMT(for: Date(timeIntervalSince1970: 1_780_000_000)), 7_200,
                       "a copy of Berlin's file is a zone two hours ahead in summer")
        XCTAssertEqual(MachineZone.identifier(forTZ: ":" + dir + "/link"), "Asia/Tokyo")
        XCTAssertNil(MachineZone.identifier(forTZ: ":" + dir + "/text"))
        XCTAssertNil(MachineZone.identifier(forTZ: ":" + dir + "/none"))
        // What is no regular file is never read (TZ=:fifo hung every command: helper-160).
        XCTAssertEqual(mkfifo(dir + "/fifo", 0o600), 0)
        for value in [":" + dir + "/fifo", dir + "/fifo", ":/dev/stdin", ":/dev/zero", ":" + dir] {
            XCTAssertTrue(MachineZone.isNoZoneFile(value), value)
            XCTAssertNil(MachineZone.identifier(forTZ: value), value)
        }
        for value in [":" + dir + "/localtime", ":Asia/Shanghai", "CST-8", ":" + dir + "/none"] { XCTAssertFalse(MachineZone.isNoZoneFile(value), value) }
    }

    func testAZoneNameAsANoteShowsIt() {
        XCTAssertEqual(MachineZone.shownName("Etc/GMT+8"), "UTC-8")
        XCTAssertEqual(MachineZone.shownName("Etc/GMT-9"), "UTC+9")
        XCTAssertEqual(MachineZone.shownName("GMT-0830"), "UTC-8:30")
        XCTAssertEqual(MachineZone.shownName("GMT+0545"), "UTC+5:45")
        XCTAssertEqual(MachineZone.shownName("Etc/GMT"), "Etc/GMT")
        XCTAssertEqual(MachineZone.shownName("Etc/GMT+0"), "Etc/GMT+0")
        XCTAssertEqual(MachineZone.shownName("Asia/Shanghai"), "Asia/Shanghai")
        XCTAssertEqual(MachineZone.shownName("Etc/GMT+x"), "Etc/GMT+x")
    }
}
