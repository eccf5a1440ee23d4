import XCTest
@testable import SalesArchive
import VaultFormat

/// Exports leave a record in the archive (RECORDS.md §4 kind 8, INTERCHANGE.md §6): evidence that
/// survives reopening and snapshots and is never edited or undone.
final class ExportRecordTests: XCTestCase {
    func testAnExportIsRecordedSurvivesASnapshotAndCannotBeEditedOrUndone() throws {
        let fixture = try ArchiveFixture()
        let note = ExportNote(format: "xlsx", kinds: ["customers", "contacts"], rows: 12, file: "交接\u{1B}[2J.xlsx",
                              sha256: String(repeating: "ab", count: 32), includeSecret: false)
        let exportID = try written(note, in: fixture)
        let reopened = try fixture.open(.readOnly)
        XCTAssertEqual(reopened.state.all(.export).map(\.shortID), [exportID], "kept through the snapshot")
        XCTAssertEqual(reopened.state.all(.export).first?["sha256"]?.text, note.sha256)
        let history = try reopened.history()
        XCTAssertTrue(history.contains { $0.kind == .export && $0.label == "export" })
    }

    /// Records `note` in a new session, checks it, snapshots; returns the record's short id.
    private func written(_ note: ExportNote, in fixture: ArchiveFixture) throws -> String {
        let a = try fixture.open()
        try a.addCustomer(name: "上海浦东发展银行", now: monday)
        let batch = try a.recordExport(note, now: monday + 60)
        let x = try XCTUnwrap(a.state.all(.export).first)
        XCTAssertEqual(x.shortID.first, "X")
        XCTAssertEqual(x["rows"]?.int, 12)
        XCTAssertEqual(x["kinds"]?.text, "customers,contacts")
        XCTAssertEqual(x["file"]?.text, "交接[2J.xlsx", "controls never reach the record")
        XCTAssertEqual(x["includeSecret"], .flag(false))

        XCTAssertThrowsError(try a.edit(.export, x.shortID, fields: [("rows", "1")], now: monday + 120))
        XCTAssertThrowsError(try a.undo(batch: batch.batch, now: monday + 120)) { error in
            XCTAssertTrue((error as? ArchiveError)?.reasonZH?.contains("导出记录") == true, "\(error)")
        }

        try a.writeSnapshot(now: monday + 180)
        return x.shortID
    }
}
