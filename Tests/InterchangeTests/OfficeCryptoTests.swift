import Foundation
import XCTest
@testable import Interchange

/// Encrypted workbooks (INTERCHANGE.md §1.3, §6.5): files encrypted at test time by real tools
/// (msoffcrypto-tool on openpyxl workbooks: agile; LibreOffice through Python-UNO: standard, and
/// an RC4 .xls), decrypted here; our encryption opened by msoffcrypto-tool, openpyxl and
/// LibreOffice; and hostile compound files (cut off, looping chains, huge sizes) refused fast.
/// A missing tool skips (XCTSkip) with the reason; Scripts/test installs them all.
final class OfficeCryptoTests: XCTestCase {
    static let rows: [[String]] = [
        ["客户名称", "客户等级", "电话", "备注"],
        ["杭州西湖茶业有限公司", "A", "0571-88886666", "明文标记-甲"],
        ["上海𠮷野家餐饮有限公司", "B", "021-12345678", "重点客户"],
    ]

    /// An openpyxl workbook of `rows` in `dir/plain.xlsx`.
    func openpyxlWorkbook(_ dir: TempFolder) throws -> URL {
        let url = dir.url("plain.xlsx")
        let json = String(decoding: try JSONSerialization.data(withJSONObject: Self.rows), as: UTF8.self)
        try Tools.python(["-c", "import json,sys,openpyxl\nwb=openpyxl.Workbook(); ws=wb.active; ws.title='客户'\nfor r in json.loads(sys.argv[2]): ws.append(r)\nwb.save(sys.argv[1])",
                          url.path, json])
        return url
    }

    /// `office_crypto.py ARGS…` (msoffcrypto-tool), skipping when it is not installed.
    @discardableResult
    func msoffcrypto(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let probe = try Tools.run("python3", ["-c", "import msoffcrypto, openpyxl"])
        if probe.status != 0 { throw XCTSkip("msoffcrypto-tool or openpyxl is not installed: python3 -m pip install msoffcrypto-tool openpyxl (Scripts/test does)") }
        return try Tools.run("python3", [Tools.fixture("office_crypto.py")] + args)
    }

    /// `lo_password.py ARGS…` with Debian's python3 and its UNO bridge, skipping when either is missing.
    @discardableResult
    func libreOffice(_ args: [String], profile: TempFolder) throws -> (status: Int32, stdout: String, stderr: String) {
        if try Tools.run("soffice", ["--version"]).status != 0 {
            throw XCTSkip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui (Scripts/test does)")
        }
        if try Tools.run("/usr/bin/python3", ["-c", "import uno"]).status != 0 {
            throw XCTSkip("LibreOffice's Python bridge is not installed: apt-get install python3-uno (Scripts/test does); soffice --convert-to cannot set or give a password")
        }
        return try Tools.run("/usr/bin/python3", [Tools.fixture("lo_password.py")] + args + [profile.path + "/lo-profile"])
    }

    func read(_ url: URL, password: String?, calls: UnsafeMutablePointer<Int>? = nil) throws -> ImportSource {
        try ImportSource.read(try Data(contentsOf: url), fileName: url.lastPathComponent) {
            calls?.pointee += 1
            return password
        }
    }

    func cells(_ source: ImportSource) -> [[String]] {
        source.tables.first?.rows.map { $0.cells.map(Importer.plain) } ?? []
    }

    func assertError(_ code: InterchangeError.Code, _ body: () throws -> Any, containing text: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let e = error as? InterchangeError else { return XCTFail("not an InterchangeError: \(error)", file: file, line: line) }
            XCTAssertEqual(e.code, code, e.reason, file: file, line: line)
            if let text { XCTAssertTrue(e.reason.contains(text) || e.reasonZH.contains(text), "\(e.reason) / \(e.reasonZH)", file: file, line: line) }
        }
    }

    // MARK: - Workbooks encrypted by real tools

    func testImportsMsoffcryptoAgileWorkbookWithChinesePassword() throws {
        let dir = try TempFolder()
        let plain = try openpyxlWorkbook(dir)
        try msoffcrypto(["encrypt", plain.path, dir.url("agile.xlsx").path, "销售部 客户资料 2026"])
        let source = try read(dir.url("agile.xlsx"), password: "销售部 客户资料 2026")
        XCTAssertTrue(source.encrypted)
        XCTAssertEqual(cells(source), Self.rows)
        XCTAssertEqual(source.tables.map(\.name), try XLSXReader.read(try Data(contentsOf: plain)).map(\.name))
    }

    func testImportsAgileSHA1AES128Workbook() throws {
        let dir = try TempFolder()
        let plain = try openpyxlWorkbook(dir)
        try msoffcrypto(["encrypt", plain.path, dir.url("sha1.xlsx").path, "Pässwörd-老", "SHA1", "128", "5000"])
        XCTAssertEqual(cells(try read(dir.url("sha1.xlsx"), password: "Pässwörd-老")), Self.rows)
        assertError(.wrongWorkbookPassword, { try self.read(dir.url("sha1.xlsx"), password: "Passwörd-老") })
    }

    func testImportsLibreOfficeStandardWorkbookWithChinesePassword() throws {
        let dir = try TempFolder()
        let plain = try openpyxlWorkbook(dir)
        let r = try libreOffice(["encrypt", plain.path, dir.url("std.xlsx").path, "密码是青山绿水"], profile: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        // LibreOffice 7.4 writes standard encryption (EncryptionInfo version 4.2, AES-128).
        let file = try CompoundFile(Array(try Data(contentsOf: dir.url("std.xlsx"))))
        guard case .standard(let info) = try EncryptionInfo.parse(try XCTUnwrap(try file.stream(["EncryptionInfo"]))) else {
            return XCTFail("LibreOffice did not write standard encryption")
        }
        XCTAssertEqual(info.keyBits, 128)
        XCTAssertEqual(cells(try read(dir.url("std.xlsx"), password: "密码是青山绿水")), Self.rows)
        assertError(.wrongWorkbookPassword, { try self.read(dir.url("std.xlsx"), password: "密码是青山绿") })
    }

    func testWrongOrMissingPasswordIsRefused() throws {
        let dir = try TempFolder()
        let plain = try openpyxlWorkbook(dir)
        try msoffcrypto(["encrypt", plain.path, dir.url("agile.xlsx").path, "right password 1"])
        assertError(.wrongWorkbookPassword, { try self.read(dir.url("agile.xlsx"), password: "Right password 1") }, containing: "not correct")
        assertError(.wrongWorkbookPassword, { try self.read(dir.url("agile.xlsx"), password: nil) }, containing: "no password")
    }

    func testRC4XlsFromLibreOfficeIsNamedWithoutAskingForItsPassword() throws {
        let dir = try TempFolder()
        let plain = try openpyxlWorkbook(dir)
        let r = try libreOffice(["encrypt-xls", plain.path, dir.url("old.xls").path, "密码"], profile: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        var calls = 0
        assertError(.unsupportedWorkbook, { try self.read(dir.url("old.xls"), password: "密码", calls: &calls) }, containing: "RC4")
        XCTAssertEqual(calls, 0)
    }

    // MARK: - Our encryption, opened by others

    func testOurEncryptedWorkbookOpensInMsoffcryptoAndOpenpyxl() throws {
        let dir = try TempFolder()
        let plain = Array(try Data(contentsOf: try openpyxlWorkbook(dir)))
        let encrypted = try OfficeCrypto.encrypt(package: plain, password: "导出 密码 Zebra 7")
        try Data(encrypted).write(to: dir.url("ours.xlsx"))
        let r = try msoffcrypto(["read", dir.url("ours.xlsx").path, "导出 密码 Zebra 7"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let sheets = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [[String]]])
        XCTAssertEqual(sheets["客户"], Self.rows)
        XCTAssertEqual(try msoffcrypto(["read", dir.url("ours.xlsx").path, "导出 密码 Zebra 8"]).status, 3)
        // The descriptor states AES-256, SHA-512 and the spin count.
        let file = try CompoundFile(encrypted)
        guard case .agile(let info) = try EncryptionInfo.parse(try XCTUnwrap(try file.stream(["EncryptionInfo"]))) else { return XCTFail("not agile") }
        XCTAssertEqual([info.keyBits, info.password.keyBits, info.password.spinCount], [256, 256, OfficeCrypto.defaultSpinCount])
        XCTAssertEqual(info.hash, .sha512)
        XCTAssertNotNil(try file.stream(["\u{6}DataSpaces", "TransformInfo", "StrongEncryptionTransform", "\u{6}Primary"]))
    }

    func testLibreOfficeOpensOurEncryptedWorkbookWithThePassword() throws {
        let dir = try TempFolder()
        let plain = Array(try Data(contentsOf: try openpyxlWorkbook(dir)))
        try Data(try OfficeCrypto.encrypt(package: plain, password: "青山 绿水 Zebra 7")).write(to: dir.url("ours.xlsx"))
        let r = try libreOffice(["to-csv", dir.url("ours.xlsx").path, dir.url("ours.csv").path, "青山 绿水 Zebra 7"], profile: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let csv = try String(contentsOf: dir.url("ours.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(whereSeparator: \.isNewline).map(String.init),
                       Self.rows.map { $0.map { "\"\($0)\"" }.joined(separator: ",") })
    }

    func testRoundTripFreshSaltsAndLargePackagesThroughDIFAT() throws {
        let dir = try TempFolder()
        let small = Array(try Data(contentsOf: try openpyxlWorkbook(dir)))
        let a = try OfficeCrypto.encrypt(package: small, password: "round trip 2026", spinCount: 10)
        let b = try OfficeCrypto.encrypt(package: small, password: "round trip 2026", spinCount: 10)
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(try OfficeCrypto.decrypt(a) { "round trip 2026" }, small)
        // Over 109 FAT sectors (about 7 MB) the writer needs DIFAT sectors; the reader follows them.
        var large = [UInt8](repeating: 0, count: 8 << 20 + 123)
        for i in large.indices { large[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        let big = try OfficeCrypto.encrypt(package: large, password: "round trip 2026", spinCount: 10)
        XCTAssertGreaterThan(CompoundFile.u32(big, 0x48), 0)  // DIFAT sectors
        XCTAssertEqual(try OfficeCrypto.decrypt(big) { "round trip 2026" }, large)
    }

    // MARK: - Tampered and hostile files

    /// A small encrypted workbook (spin count 10) and its compound file.
    func sample() throws -> ([UInt8], CompoundFile) {
        var book = [UInt8](repeating: 0, count: 9000)
        book[0] = 0x50; book[1] = 0x4B
        let bytes = try OfficeCrypto.encrypt(package: book, password: "sample pw", spinCount: 10)
        return (bytes, try CompoundFile(bytes))
    }

    func testChangedPackageFailsTheIntegrityCheckBeforeDecrypting() throws {
        let (bytes, file) = try sample()
        let entry = file.entries[try XCTUnwrap(try file.find(["EncryptedPackage"]))]
        for offset in [8, 4000, Int(entry.size) - 1] {
            var changed = bytes
            changed[(Int(entry.start) + 1) * 512 + offset] ^= 0x01
            assertError(.malformedWorkbook, { try OfficeCrypto.decrypt(changed) { "sample pw" } }, containing: "integrity")
        }
    }

    func testTruncatedCompoundFilesAreRefusedQuickly() throws {
        let (bytes, file) = try sample()
        var book = [UInt8](repeating: 0, count: 9000)
        book[0] = 0x50; book[1] = 0x4B
        let package = file.entries[try XCTUnwrap(try file.find(["EncryptedPackage"]))]
        let packageEnd = (Int(package.start) + 1) * 512 + Int(package.size)  // the last sector is the package's
        let started = Date()
        for length in Array(stride(from: 0, to: bytes.count, by: 61)) + [511, 512, 513, packageEnd - 1, packageEnd, bytes.count - 1] {
            do {
                let plain = try OfficeCrypto.decrypt(Array(bytes.prefix(length))) { "sample pw" }
                // A short last sector is zero-filled on reading, so a prefix may only be accepted when
                // every byte it cut off is a zero: the padding after the package's last byte, or (one
                // time in 256 per byte, with random salts) a ciphertext byte that happens to be 0x00.
                // The integrity check then sees the very bytes that were written.
                XCTAssertTrue(bytes[length...].allSatisfy { $0 == 0 }, "prefix \(length) was accepted though it cut non-zero bytes")
                XCTAssertEqual(plain, book, "prefix \(length)")
            } catch {
                XCTAssertTrue(error is InterchangeError, "prefix \(length): \(error)")
                XCTAssertLessThan(length, packageEnd, "prefix \(length) was refused")
            }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testLoopingChainsAndHugeSizesAreRefusedQuickly() throws {
        let (bytes, file) = try sample()
        func put(_ b: inout [UInt8], _ offset: Int, _ v: UInt32) { for k in 0..<4 { b[offset + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) } }
        let fatSector = Int(CompoundFile.u32(bytes, 0x4C))
        let dirSector = Int(CompoundFile.u32(bytes, 0x30))
        let dir = (dirSector + 1) * 512
        let miniFAT = (Int(CompoundFile.u32(bytes, 0x3C)) + 1) * 512
        let package = try XCTUnwrap(try file.find(["EncryptedPackage"]))
        var cases: [(String, [UInt8])] = []
        var b = bytes
        put(&b, (fatSector + 1) * 512 + 4 * dirSector, UInt32(dirSector))  // the directory's chain points at itself
        cases.append(("directory chain loop", b))
        b = bytes
        put(&b, (fatSector + 1) * 512 + 4 * Int(file.entries[package].start), file.entries[package].start)
        cases.append(("stream chain loop", b))
        b = bytes
        let info = file.entries[try XCTUnwrap(try file.find(["EncryptionInfo"]))]
        put(&b, miniFAT + 4 * Int(info.start), info.start)  // EncryptionInfo's first mini sector is its own successor
        cases.append(("mini chain loop", b))
        b = bytes
        put(&b, dir + 2 * 128 + 0x44, 10)  // \u{6}DataSpaces' left sibling is its parent in the tree
        cases.append(("tree loop", b))
        b = bytes
        put(&b, dir + package * 128 + 0x78, 0xFFFF_FF00)
        cases.append(("huge stream", b))
        b = bytes
        put(&b, 0x2C, 0xFFFF_FFFF)
        cases.append(("huge FAT", b))
        b = bytes
        put(&b, 0x2C, UInt32((bytes.count - 512) / 512)); put(&b, 0x48, 2); put(&b, 0x44, UInt32(dirSector))
        put(&b, (dirSector + 1) * 512 + 508, UInt32(dirSector))  // a DIFAT sector that names itself next
        cases.append(("DIFAT loop", b))
        b = bytes
        put(&b, 0x30, 0x7FFF_FFFF)
        cases.append(("directory outside the file", b))
        for (name, hostile) in cases {
            let started = Date()
            var calls = 0
            XCTAssertThrowsError(try OfficeCrypto.decrypt(hostile) { calls += 1; return "sample pw" }, name) { error in
                XCTAssertEqual((error as? InterchangeError)?.code, .malformedWorkbook, "\(name): \(error)")
            }
            XCTAssertEqual(calls, 0, name)
            XCTAssertLessThan(Date().timeIntervalSince(started), 2, name)
        }
    }

    /// From the attack round: a chain of 2,000 storages, each inside the previous one (a 280 KB
    /// file), cost quadratic time and memory in the directory walk (10,000 took 17 s and 860 MB).
    func testStoragesNestedThousandsDeepAreRefusedQuickly() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/xlsx/deep-storages.xlsx.gz")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("deep-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        try Tools.python(["-c", "import gzip,sys; open(sys.argv[2],'wb').write(gzip.open(sys.argv[1]).read())", url.path, out.path])
        let hostile = Array(try Data(contentsOf: out))
        let started = Date()
        var calls = 0
        XCTAssertThrowsError(try OfficeCrypto.decrypt(hostile) { calls += 1; return "sample pw" }) { error in
            XCTAssertEqual((error as? InterchangeError)?.code, .malformedWorkbook, "\(error)")
            XCTAssertTrue("\(error)".contains("nested more than 32 deep"), "\(error)")
        }
        XCTAssertEqual(calls, 0, "refused before any password is asked")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }

    func testUnsupportedSchemesAndOldWorkbooksAreNamedWithoutAskingForAPassword() throws {
        typealias N = CompoundFileWriter.Node
        func file(_ streams: [(String, [UInt8])]) -> [UInt8] {
            var nodes = [N(name: "Root Entry", kind: .storage, child: 1)]
            for (i, s) in streams.enumerated() {
                nodes.append(N(name: s.0, kind: .stream, content: s.1, right: i + 2 < streams.count + 1 ? i + 2 : nil))
            }
            return CompoundFileWriter.write(nodes)
        }
        let package = [UInt8](repeating: 0, count: 5000)
        func info(_ major: UInt16, _ minor: UInt16, _ flags: UInt32, _ rest: [UInt8] = []) -> [UInt8] {
            [UInt8(major), 0, UInt8(minor), 0] + DataSpaces.u32(flags) + rest
        }
        let agile = { (xml: String) in info(4, 4, 0x40, Array(xml.utf8)) }
        let keyData = "<keyData saltSize=\"16\" blockSize=\"16\" keyBits=\"256\" hashSize=\"64\" cipherAlgorithm=\"AES\" cipherChaining=\"ChainingModeCBC\" hashAlgorithm=\"SHA512\" saltValue=\"AAAAAAAAAAAAAAAAAAAAAA==\"/>"
        let cases: [(String, [UInt8], InterchangeError.Code, String)] = [
            ("RC4 CryptoAPI", file([("EncryptionInfo", info(4, 2, 0x04)), ("EncryptedPackage", package)]), .unsupportedWorkbook, "RC4"),
            ("extensible", file([("EncryptionInfo", info(4, 3, 0x24)), ("EncryptedPackage", package)]), .unsupportedWorkbook, "third-party"),
            ("IRM", file([("\u{9}DRMContent", package), ("EncryptionInfo", info(4, 4, 0x40))]), .unsupportedWorkbook, "Rights Management"),
            ("certificate only", file([("EncryptionInfo", agile("<encryption>\(keyData)<keyEncryptors><keyEncryptor uri=\"http://schemas.microsoft.com/office/2006/keyEncryptor/certificate\"><encryptedKey/></keyEncryptor></keyEncryptors></encryption>")), ("EncryptedPackage", package)]), .unsupportedWorkbook, "certificate"),
            ("3DES", file([("EncryptionInfo", agile("<encryption>" + keyData.replacingOccurrences(of: "\"AES\"", with: "\"3DES\"") + "</encryption>")), ("EncryptedPackage", package)]), .unsupportedWorkbook, "3DES"),
            ("spin count", file([("EncryptionInfo", agile("<encryption>\(keyData)<dataIntegrity encryptedHmacKey=\"AA==\" encryptedHmacValue=\"AA==\"/><keyEncryptors><keyEncryptor uri=\"\(EncryptionInfo.passwordKeyEncryptor)\"><encryptedKey spinCount=\"20000000\" " + keyData.dropFirst("<keyData ".count).dropLast(2) + " encryptedVerifierHashInput=\"AA==\" encryptedVerifierHashValue=\"AA==\" encryptedKeyValue=\"AA==\"/></keyEncryptor></keyEncryptors></encryption>")), ("EncryptedPackage", package)]), .unsupportedWorkbook, "20000000"),
            ("old xls", file([("Workbook", [0x09, 0x08, 2, 0, 0, 6, 0x0A, 0, 0, 0] + [UInt8](repeating: 0, count: 5000))]), .unsupportedWorkbook, "97-2003"),
            ("xor xls", file([("Workbook", [0x09, 0x08, 0, 0, 0x2F, 0, 6, 0, 0, 0, 1, 2, 3, 4] + [UInt8](repeating: 0, count: 5000))]), .unsupportedWorkbook, "XOR"),
            ("a Word file", file([("WordDocument", package)]), .unsupportedWorkbook, "neither"),
            ("no package", file([("EncryptionInfo", info(4, 4, 0x40))]), .malformedWorkbook, "EncryptedPackage"),
            ("bad XML", file([("EncryptionInfo", agile("<encryption><keyData")), ("EncryptedPackage", package)]), .malformedWorkbook, "XML"),
        ]
        for (name, bytes, code, text) in cases {
            var calls = 0
            assertError(code, { try OfficeCrypto.decrypt(bytes) { calls += 1; return "x" } }, containing: text)
            XCTAssertEqual(calls, 0, name)
        }
    }
}
