import Foundation
import XCTest

/// `import` of password-encrypted workbooks and `export --encrypt` end to end through the built
/// binary (INTERCHANGE.md §1.3, §6.5): workbooks encrypted by msoffcrypto-tool and LibreOffice,
/// wrong passwords and hostile compound files refused with the archive byte-identical, our
/// encrypted export opened by msoffcrypto-tool, openpyxl and LibreOffice, and no plaintext left
/// on disk (TMPDIR and the output folder scanned). Missing tools skip with the reason.
final class EncryptedWorkbookCLITests: ArchiveCommandTestCase {
    var archive: String { dir.path("a.svault") }
    /// Where the test's own plaintext inputs are made, apart from the folder the tool writes to.
    var scratch: TempDir!

    override func setUpWithError() throws {
        try super.setUpWithError()
        scratch = try TempDir()
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("InterchangeTests/Fixtures/xlsx")

    static let rows: [[String]] = [
        ["客户名称", "客户等级", "电话", "备注"],
        ["明文标记甲茶业有限公司", "A", "0571-88886666", "明文标记乙"],
        ["Zebra Plaintext Marker Ltd", "B", "021-12345678", "重点客户"],
    ]

    @discardableResult
    func sv(_ args: [String], expect status: Int32? = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let r = try runOnArchive(args)
        if let status { XCTAssertEqual(r.status, status, "\(args.joined(separator: " ")): \(r.stdout)\(r.stderr)", file: file, line: line) }
        return r
    }

    func tool(_ program: String, _ args: [String]) throws -> RunResult {
        try runTool([program] + args, executable: "/usr/bin/env", environment: ["PYTHONIOENCODING": "utf-8"])
    }

    func requireMsoffcrypto() throws {
        let r = try tool("python3", ["-c", "import msoffcrypto, openpyxl"])
        if r.status != 0 { throw XCTSkip("python3 with msoffcrypto-tool and openpyxl is needed: python3 -m pip install msoffcrypto-tool openpyxl (Scripts/test does): \(r.stderr)") }
    }

    func requireLibreOfficeUNO() throws {
        if try tool("soffice", ["--version"]).status != 0 { throw XCTSkip("LibreOffice (soffice) is not installed (Scripts/test installs it)") }
        if try runTool(["-c", "import uno"], executable: "/usr/bin/python3").status != 0 {
            throw XCTSkip("python3-uno is not installed (Scripts/test installs it); soffice --convert-to cannot give or set a password")
        }
    }

    /// An openpyxl workbook of `rows` in the scratch folder.
    func plainWorkbook(_ rows: [[String]] = rows, name: String = "plain.xlsx") throws -> String {
        try requireMsoffcrypto()
        let path = scratch.path(name)
        let json = String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self)
        let r = try tool("python3", ["-c", "import json,sys,openpyxl\nwb=openpyxl.Workbook(); ws=wb.active; ws.title='客户'\nfor r in json.loads(sys.argv[2]): ws.append(r)\nwb.save(sys.argv[1])", path, json])
        XCTAssertEqual(r.status, 0, r.stderr)
        return path
    }

    /// `plain` encrypted by msoffcrypto-tool (agile) into the test folder as `name`.
    func agileWorkbook(_ plain: String, _ name: String, password: String) throws -> String {
        let out = dir.path(name)
        let r = try tool("python3", [Self.fixtures.appendingPathComponent("office_crypto.py").path, "encrypt", plain, out, password])
        XCTAssertEqual(r.status, 0, r.stderr)
        return out
    }

    func passwordFile(_ name: String, _ password: String) throws -> String {
        try scratch.write(name, password + "\n")
    }

    func customerNames() throws -> [String] {
        let list = try JSONSerialization.jsonObject(with: Data(try sv(["customer", "list", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        return list.compactMap { $0["name"] as? String }.sorted()
    }

    func sha256(_ path: String) throws -> String {
        String(try runTool([path], executable: "/usr/bin/sha256sum").stdout.prefix(64))
    }

    // MARK: - Import

    func testImportsAgileWorkbookWithChinesePasswordExactly() throws {
        let book = try agileWorkbook(try plainWorkbook(), "客户档案.xlsx", password: "销售部的 密码 2026")
        let r = try sv(["import", book, "--workbook-password-file", try passwordFile("wpw", "销售部的 密码 2026"), "--yes"])
        XCTAssertTrue(r.stdout.contains("encrypted Excel workbook, decrypted in memory"), r.stdout)
        XCTAssertEqual(try customerNames(), ["Zebra Plaintext Marker Ltd", "明文标记甲茶业有限公司"])
        let show = try sv(["customer", "show", "明文标记甲", "--json"]).stdout
        XCTAssertTrue(show.contains("0571-88886666") && show.contains("明文标记乙"), show)
        // A password given for a workbook that has none is said unused (helper-194: ignored
        // without a word).
        let plain = try sv(["import", try plainWorkbook(), "--workbook-password-file", scratch.path("wpw"), "--dry-run", "--lang", "zh"])
        XCTAssertTrue(plain.stderr.contains("未设置打开密码，无需使用 --workbook-password-file，本次已忽略该密码文件。"), plain.stderr)
        XCTAssertFalse(r.stderr.contains("--workbook-password-file was not needed"), r.stderr)
    }

    func testImportsLibreOfficeStandardWorkbook() throws {
        try requireLibreOfficeUNO()
        let plain = try plainWorkbook()
        let out = dir.path("lo.xlsx")
        let r = try runTool([Self.fixtures.appendingPathComponent("lo_password.py").path, "encrypt", plain, out, "青山绿水 LibreOffice", scratch.path("lo")],
                            executable: "/usr/bin/python3")
        XCTAssertEqual(r.status, 0, r.stderr)
        try sv(["import", out, "--workbook-password-file", try passwordFile("wpw", "青山绿水 LibreOffice"), "--yes"])
        XCTAssertEqual(try customerNames(), ["Zebra Plaintext Marker Ltd", "明文标记甲茶业有限公司"])
    }

    func testWrongPasswordAndHostileFilesLeaveTheArchiveByteIdentical() throws {
        let book = try agileWorkbook(try plainWorkbook(), "book.xlsx", password: "the right one 1")
        let before = try sha256(archive)
        let wrong = try sv(["import", book, "--workbook-password-file", try passwordFile("bad", "the Right one 1"), "--yes"], expect: 3)
        XCTAssertTrue(wrong.stderr.contains("password is not correct"), wrong.stderr)
        XCTAssertEqual(try sha256(archive), before)

        // Cut off, and with the directory's sector chain pointing at itself: refused at once.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: book)))
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: dir.path("cut.xlsx")))
        let fat = Int(bytes[0x4C]) | Int(bytes[0x4D]) << 8, directory = Int(bytes[0x30]) | Int(bytes[0x31]) << 8
        for k in 0..<4 { bytes[(fat + 1) * 512 + 4 * directory + k] = UInt8(truncatingIfNeeded: directory >> (8 * k)) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir.path("loop.xlsx")))
        for name in ["cut.xlsx", "loop.xlsx"] {
            clock += 60
            var e = env
            e["SALESVAULT_NOW"] = String(clock)
            let started = Date()
            let r = try runTool(["15", Binaries.url("salesvault").path, "import", dir.path(name), "--yes", "--password-file", dir.path("pw"),
                                 "--workbook-password-file", try passwordFile("wpw", "the right one 1")],
                                executable: "/usr/bin/timeout", environment: e)
            XCTAssertEqual(r.status, 8, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("damaged"), r.stderr)
            XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        }
        XCTAssertEqual(try sha256(archive), before)
    }

    // MARK: - Export

    func testEncryptedExportOpensInMsoffcryptoOpenpyxlAndLibreOffice() throws {
        try sv(["import", try agileWorkbook(try plainWorkbook(), "in.xlsx", password: "import pw 2026 x"),
                "--workbook-password-file", try passwordFile("wpw", "import pw 2026 x"), "--yes"])
        let password = "导出给 总经理 Zebra 9"
        let r = try sv(["export", "--encrypt", "--workbook-password-file", try passwordFile("epw", password), "--out", dir.path("总经理.xlsx"), "--lang", "zh"])
        XCTAssertTrue(r.stderr.contains("已用您设置的打开密码加密"), r.stderr)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.path("总经理.xlsx"))))
        XCTAssertEqual(Array(bytes.prefix(8)), [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])

        let read = try tool("python3", [Self.fixtures.appendingPathComponent("office_crypto.py").path, "read", dir.path("总经理.xlsx"), password])
        XCTAssertEqual(read.status, 0, read.stderr)
        let sheets = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: [[Any]]])
        let customers = try XCTUnwrap(sheets["客户"])
        XCTAssertEqual(customers.count, 3)
        let names = customers.dropFirst().compactMap { $0.count > 2 ? $0[2] as? String : nil }.sorted()
        XCTAssertEqual(names, ["Zebra Plaintext Marker Ltd", "明文标记甲茶业有限公司"])
        XCTAssertNotNil(sheets["说明"])
        XCTAssertEqual(try tool("python3", [Self.fixtures.appendingPathComponent("office_crypto.py").path, "read", dir.path("总经理.xlsx"), "wrong"]).status, 3)

        // Recorded like any export (an X… record named after the file; its format is xlsx-encrypted).
        let history = try JSONSerialization.jsonObject(with: Data(try sv(["history", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        let exports = history.filter { $0["kind"] as? String == "export" }
        XCTAssertEqual(exports.map { $0["name"] as? String }, ["总经理.xlsx"], "\(history)")
        XCTAssertTrue(r.stdout.contains(String(try sha256(dir.path("总经理.xlsx")).prefix(16))), r.stdout)

        // It imports back with the password (a round trip), and LibreOffice opens it.
        let back = try sv(["import", dir.path("总经理.xlsx"), "--workbook-password-file", scratch.path("epw"), "--dry-run"], expect: nil)
        XCTAssertTrue(back.stdout.contains("decrypted in memory"), back.stdout + back.stderr)
        try requireLibreOfficeUNO()
        let csv = scratch.path("lo.csv")
        let lo = try runTool([Self.fixtures.appendingPathComponent("lo_password.py").path, "to-csv", dir.path("总经理.xlsx"), csv, password, scratch.path("lo")],
                             executable: "/usr/bin/python3")
        XCTAssertEqual(lo.status, 0, lo.stderr)
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        XCTAssertTrue(text.contains("明文标记甲茶业有限公司") && text.contains("Zebra Plaintext Marker Ltd"), text)
    }

    func testWeakOrMisplacedWorkbookPasswordsAreRefused() throws {
        let weak = try sv(["export", "--encrypt", "--workbook-password-file", try passwordFile("weak", "123456"), "--out", dir.path("w.xlsx")], expect: 7)
        XCTAssertTrue(weak.stderr.contains("password"), weak.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("w.xlsx")))
        try sv(["export", "--encrypt", "--format", "csv", "--kind", "customers"], expect: 64)
        try sv(["export", "--encrypt", "--out", dir.path("x.csv")], expect: 64)
        try sv(["export", "--workbook-password-file", dir.path("pw")], expect: 64)
    }

    /// From the attack round: the archive's own password as the workbook's (the recipient would
    /// learn it), a password Excel cannot type, and --out --force over a password file.
    func testTheArchivesPasswordUntypeablePasswordsAndPasswordFilesAreRefused() throws {
        let same = try sv(["export", "--encrypt", "--workbook-password-file", dir.path("pw"), "--out", dir.path("s.xlsx"), "--lang", "zh"], expect: 7)
        XCTAssertTrue(same.stderr.contains("打开密码不能与档案密码"), same.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("s.xlsx")))
        let control = try sv(["export", "--encrypt", "--workbook-password-file", try passwordFile("ctl", "Workbook-Pass-2026!\u{1B}x"), "--out", dir.path("c.xlsx")], expect: 7)
        XCTAssertTrue(control.stderr.contains("control characters"), control.stderr)
        let wb = try passwordFile("wb", "Workbook-Pass-2026!")
        let archivePassword = try bytes(dir.path("pw"))
        let over = try sv(["export", "--encrypt", "--workbook-password-file", wb, "--out", dir.path("pw"), "--force"], expect: nil)
        XCTAssertNotEqual(over.status, 0, over.stderr)
        XCTAssertEqual(try bytes(dir.path("pw")), archivePassword, "the archive's password file is kept")
        let overWorkbook = try sv(["export", "--encrypt", "--workbook-password-file", wb, "--out", wb, "--force"], expect: nil)
        XCTAssertNotEqual(overWorkbook.status, 0, overWorkbook.stderr)
        XCTAssertEqual(try String(contentsOfFile: wb, encoding: .utf8), "Workbook-Pass-2026!\n")
    }

    /// Import and encrypted export with TMPDIR on a fresh folder: neither that folder nor the
    /// output folder holds any plaintext marker or an unencrypted workbook afterwards; the
    /// rejects of an encrypted workbook are encrypted too.
    func testNoPlaintextReachesTheDisk() throws {
        let tmp = try TempDir()
        env["TMPDIR"] = tmp.url.path
        let password = "no plaintext 2026 Zebra"
        let rows = Self.rows + [["明文标记丙公司", "Q", "", ""]]  // a refused row (grade Q)
        let book = try agileWorkbook(try plainWorkbook(rows), "in.xlsx", password: password)
        let wpw = try passwordFile("wpw", password)
        try sv(["import", book, "--workbook-password-file", wpw, "--yes", "--only-valid", "--rejects", dir.path("未导入.xlsx")])
        try sv(["export", "--encrypt", "--workbook-password-file", wpw, "--out", dir.path("out.xlsx"), "--include-secret"])
        XCTAssertEqual(try customerNames(), ["Zebra Plaintext Marker Ltd", "明文标记甲茶业有限公司"])

        let rejects = try tool("python3", [Self.fixtures.appendingPathComponent("office_crypto.py").path, "read", dir.path("未导入.xlsx"), password])
        XCTAssertEqual(rejects.status, 0, rejects.stderr)
        XCTAssertTrue(rejects.stdout.contains("明文标记丙公司"), rejects.stdout)

        let markers = ["明文标记", "Zebra Plaintext", "[Content_Types].xml", "xl/worksheets"].map { Data($0.utf8) }
        var scanned = 0
        for folder in [tmp.url, dir.url] {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            for url in files where !url.hasDirectoryPath {
                let data = try Data(contentsOf: url)
                scanned += 1
                for marker in markers {
                    XCTAssertNil(data.range(of: marker), "\(url.path) holds \(String(decoding: marker, as: UTF8.self))")
                }
                XCTAssertFalse(data.starts(with: [0x50, 0x4B, 0x03, 0x04]), "\(url.path) is an unencrypted workbook")
            }
        }
        XCTAssertGreaterThanOrEqual(scanned, 4)  // the archive, the encrypted input, the rejects, the export
    }
}
