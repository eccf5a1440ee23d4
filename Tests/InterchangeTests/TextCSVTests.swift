import Foundation
import XCTest
@testable import Interchange

/// Encodings, the CSV reader and writer and the formula guard, on files made by real tools:
/// glibc's `iconv` command and Python's `csv` module.
final class TextCSVTests: XCTestCase {
    // MARK: - Encodings

    func testGB18030FileMadeByIconvIsDetectedAndDecodedExactly() throws {
        let text = "客户名称,客户等级,统一社会信用代码,手机\r\n"
            + "吉𠮷科技有限公司,A,91110000MA01ABCD2X,13800000000\r\n"
            + "\"北京某某(集团)股份有限公司\",B,91110108MA00XYZ12Q,13912345678\r\n"
        let data = try Tool.run("iconv", ["-f", "UTF-8", "-t", "GB18030"], input: Data(text.utf8))
        XCTAssertTrue(data.range(of: Data([0x95, 0x34, 0xB2, 0x35])) != nil, "iconv wrote 𠮷 as its 4-byte GB18030 code")
        XCTAssertNil(String(data: data, encoding: .utf8), "the file is not UTF-8")

        XCTAssertEqual(TextEncoding.detect(data), .gb18030)
        XCTAssertEqual(try TextEncoding.decode(data, as: .gb18030), text)
        XCTAssertEqual(try TextEncoding.encode(text, as: .gb18030), data)

        let (table, delimiter, encoding) = try CSVReader.read(data, name: "客户.csv")
        XCTAssertEqual(encoding, .gb18030)
        XCTAssertEqual(delimiter, UInt8(ascii: ","))
        XCTAssertEqual(table.rows.map(\.line), [1, 2, 3])
        XCTAssertEqual(table.rows[0].cells, ["客户名称", "客户等级", "统一社会信用代码", "手机"].map(CellValue.text))
        XCTAssertEqual(table.rows[1].cells[0], .text("吉𠮷科技有限公司"))
        XCTAssertEqual(table.rows[2].cells[0], .text("北京某某(集团)股份有限公司"))  // zh-punct: keep
        XCTAssertEqual(table.rows[2].cells[3], .text("13912345678"))
    }

    /// Every two-byte GBK code (lead 81–FE, trail 40–7E and 80–FE) decodes as glibc's iconv
    /// command decodes it and encodes back to the same bytes.
    func testAllOfGBKRoundTripsAndAgreesWithIconv() throws {
        var bytes = [UInt8]()
        for lead in UInt8(0x81)...0xFE {
            for trail in Array(UInt8(0x40)...0x7E) + Array(UInt8(0x80)...0xFE) {
                bytes += [lead, trail]
            }
        }
        let data = Data(bytes)
        let decoded = try TextEncoding.decode(data, as: .gb18030)
        XCTAssertEqual(decoded.unicodeScalars.count, 23_940)
        XCTAssertEqual(try TextEncoding.encode(decoded, as: .gb18030), data)
        let byIconv = try Tool.run("iconv", ["-f", "GB18030", "-t", "UTF-8"], input: data)
        XCTAssertEqual(Data(decoded.utf8), byIconv)
    }

    func testFourByteCharactersRoundTripThroughEveryEncoding() throws {
        let text = "𠮷野家,😀,ÀÉ,中文\n"
        for encoding in TextEncoding.allCases {
            let data = try TextEncoding.encode(text, as: encoding)
            XCTAssertEqual(try TextEncoding.decode(data, as: encoding), text, encoding.name)
            XCTAssertEqual(TextEncoding.detect(data), encoding, encoding.name)
        }
        XCTAssertEqual(try TextEncoding.encode("𠮷", as: .gb18030), Data([0x95, 0x34, 0xB2, 0x35]))
    }

    func testUTF16LETabSeparatedWithBOMMadeByIconvIsExcelUnicodeText() throws {
        let text = "客户名称\t手机\t备注\r\n上海𠮷贸易有限公司\t13800000000\t含,逗号\r\n"
        var data = Data([0xFF, 0xFE])
        data += try Tool.run("iconv", ["-f", "UTF-8", "-t", "UTF-16LE"], input: Data(text.utf8))

        XCTAssertEqual(TextEncoding.detect(data), .utf16LE)
        let (table, delimiter, encoding) = try CSVReader.read(data, name: "unicode.txt")
        XCTAssertEqual(encoding, .utf16LE)
        XCTAssertEqual(delimiter, UInt8(ascii: "\t"))
        XCTAssertEqual(table.rows.count, 2)
        XCTAssertEqual(table.rows[1].cells, ["上海𠮷贸易有限公司", "13800000000", "含,逗号"].map(CellValue.text))  // zh-punct: keep
    }

    /// `text` in UTF-16LE and UTF-16BE without a BOM (by iconv), each detected as what it is
    /// and the big-endian one decoded back to `text`.
    func withoutBOM(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> (le: Data, be: Data) {
        let le = try Tool.run("iconv", ["-f", "UTF-8", "-t", "UTF-16LE"], input: Data(text.utf8))
        let be = try Tool.run("iconv", ["-f", "UTF-8", "-t", "UTF-16BE"], input: Data(text.utf8))
        XCTAssertEqual(TextEncoding.detect(le), .utf16LE, file: file, line: line)
        XCTAssertEqual(TextEncoding.detect(be), .utf16BE, file: file, line: line)
        XCTAssertEqual(try TextEncoding.decode(be, as: .utf16BE), text, file: file, line: line)
        return (le, be)
    }

    func testUTF16WithoutBOMIsRecognisedByItsNULBytes() throws {
        let text = "name,mobile\nZhang San,13800000000\n"
        let be = try withoutBOM(text).be
        // A BOM decides the byte order even when the other one was asked for.
        XCTAssertEqual(try TextEncoding.decode(Data([0xFE, 0xFF]) + be, as: .utf16LE), text)
    }

    /// Mostly Chinese UTF-16 without a BOM has too few NUL bytes for the quarter rule; its NUL
    /// bytes on one side alone still say UTF-16 (it was read as GB18030 and refused).
    func testChineseUTF16WithoutBOMIsRecognisedByItsNULBytesOnOneSide() throws {
        let text = "客户名称\t客户等级\t备注\n深圳华信达科技有限公司\t重要客户\t年度框架协议已签，明年预算增加\n"
        let le = try withoutBOM(text).le
        XCTAssertEqual(try ImportSource.read(le, fileName: "客户.txt").format, .csv(.utf16LE, delimiter: UInt8(ascii: "\t")))
        // NUL bytes on both sides, or a lone surrogate: not taken for UTF-16 by this rule.
        XCTAssertNotEqual(TextEncoding.detect(Data([0xBF, 0xCD, 0x00, 0xBB, 0xA7, 0x00, 0x00, 0x41] + Array(repeating: 0xB0, count: 14))), .utf16LE)
        XCTAssertNotEqual(TextEncoding.detect(Data([0x3D, 0xD8] + Array(le.dropFirst(2)))), .utf16LE, "a lone high surrogate first")
    }

    /// helper-113 F1, F2: a NUL byte in UTF-8 text does not make it UTF-16 (one did, and the file
    /// was read as garbage; the cell with it is refused: `ImportTests`); Chinese UTF-16 without
    /// a BOM with characters beyond the BMP (😀, 𠮷: a NUL on the other side) is still UTF-16.
    func testANULByteInUTF8IsNoUTF16AndUTF16BeyondTheBMPIsRecognised() throws {
        for bytes in [Data("客户名称,备注\n甲".utf8) + Data([0]) + Data("乙,好\n".utf8),
                      Data("客户名称,备注\n甲乙,好\n丙,".utf8) + Data([0, 0, 0, 0]) + Data("\n".utf8),
                      Data("客户名称,备注\n甲乙,好".utf8) + Data([0]) + Data("\n".utf8),
                      Data("客户名称,备注\n甲乙,好".utf8) + Data([0]) + Data("\n丙丁,".utf8) + Data([0]) + Data("\n".utf8)] {
            XCTAssertEqual(TextEncoding.detect(bytes), .utf8, "\(Array(bytes))")
            XCTAssertEqual(try ImportSource.read(bytes, fileName: "n.csv").format, .csv(.utf8, delimiter: UInt8(ascii: ",")))
        }
        // A UTF-16 fragment pasted into one cell of a UTF-8 file (helper-114: the file was UTF-16BE).
        let pasted = Data("客户名称,联系电话,备注\n甲公司,138,好客户\n乙公司,139,".utf8) + Data("hello world this is a long note, really".utf8.flatMap { [$0, 0] })
            + Data("\n丙公司,137,ok\n".utf8)
        XCTAssertEqual(TextEncoding.detect(pasted), .utf8)
        // One column of Chinese in UTF-16 without a BOM (two NUL bytes: its line breaks).
        for one in ["客户名称\n华为𠮷\n", "客户名称\n星河科技\n"] { _ = try withoutBOM(one) }
        let text = "客户名称\t备注\n甲\t😀😀\n𠮷野家餐饮有限公司\t年度框架协议\n"
        let (le, be) = try withoutBOM(text)
        // An odd last byte: read as UTF-16 and said to be half a character (it was GB18030).
        XCTAssertEqual(TextEncoding.detect(le + Data([0x58])), .utf16LE)
        XCTAssertEqual(try TextEncoding.decode(le, as: .utf16LE), text)
        XCTAssertEqual(try ImportSource.read(be, fileName: "e.tsv").format, .csv(.utf16BE, delimiter: UInt8(ascii: "\t")))
    }

    func testDetectionOfPlainFiles() {
        XCTAssertEqual(TextEncoding.detect(Data("a,b\n1,2\n".utf8)), .utf8)
        XCTAssertEqual(TextEncoding.detect(Data("客户,等级\n".utf8)), .utf8)
        XCTAssertEqual(TextEncoding.detect(Data([0xEF, 0xBB, 0xBF]) + Data("客户".utf8)), .utf8BOM)
        XCTAssertEqual(TextEncoding.detect(Data([0xBF, 0xCD, 0xBB, 0xA7])), .gb18030, "客户 in GBK")
        XCTAssertEqual(TextEncoding.detect(Data()), .utf8)
    }

    func testBadUTF8ByteNamesItsLineAndOffsetAndSuggestsEncoding() throws {
        var data = Data("客户名称,手机\r\n张三,138\r\n".utf8)
        let offset = data.count + 3
        data += Data("李四".utf8.prefix(3)) + Data([0xFF]) + Data(",139\r\n".utf8)
        XCTAssertThrowsError(try TextEncoding.decode(data, as: .utf8)) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.code, .encoding)
            XCTAssertTrue(e?.reason.contains("line 3 (byte \(offset + 1) of the file) has the byte FF (followed by 2C 31 33)") ?? false, e?.reason ?? "")
            XCTAssertTrue(e?.reasonZH.contains("第 3 行") ?? false, e?.reasonZH ?? "")
            XCTAssertTrue(e?.hint?.contains("--encoding gb18030") ?? false)
            XCTAssertTrue(e?.hintZH?.contains("--encoding") ?? false)
        }
    }

    func testBadGB18030ByteNamesItsLine() throws {
        // Lines 1–3 are fine GBK, made by iconv; line 4 has 0x81 followed by a space, which is
        // not a GB18030 sequence; 10,000 lines before the error to check the thousands format.
        var lines = ["客户名称,手机", "张三,13800000000", "李四,13900000000"]  // zh-punct: keep
        let good = try Tool.run("iconv", ["-f", "UTF-8", "-t", "GB18030"], input: Data((lines.joined(separator: "\n") + "\n").utf8))
        var data = good + Data([0x81, 0x20]) + Data(",1\n".utf8)
        XCTAssertEqual(TextEncoding.detect(data), .gb18030)
        XCTAssertThrowsError(try TextEncoding.decode(data, as: .gb18030)) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.code, .encoding)
            XCTAssertTrue(e?.reason.contains("line 4 (byte \(good.count + 1) of the file) has the byte 81 (followed by 20 2C 31)") ?? false, e?.reason ?? "")
            XCTAssertTrue(e?.reasonZH.contains("第 4 行") ?? false, e?.reasonZH ?? "")
            XCTAssertTrue(e?.hint?.contains("--encoding utf-8") ?? false)
        }
        lines = Array(repeating: "a,b", count: 10_000)
        data = Data((lines.joined(separator: "\r\n") + "\r\n").utf8) + Data([0xFE, 0x39]) + Data("\r\n".utf8)
        XCTAssertThrowsError(try TextEncoding.decode(data, as: .gb18030)) { error in
            XCTAssertTrue((error as? InterchangeError)?.reason.contains("line 10,001") ?? false, "\(error)")
        }
    }

    /// A GBK file with a row pasted in from a UTF-8 file, and a UTF-8 file with a GBK cell (both
    /// detected as GB18030), are refused naming the UTF-8 line, not stored as mojibake; GBK text
    /// (iconv's, a line of each length up to 40 characters) never looks like such a line.
    func testAUTF8LineInAGBKFileIsRefusedNotReadAsMojibake() throws {
        let gbk = try Tool.run("iconv", ["-f", "UTF-8", "-t", "GB18030"], input: Data("客户名称,客户等级,行业\n华为技术有限公司,A,通信\n".utf8))
        let pasted = gbk + Data("追加客户甲乙丙,A,通信\n".utf8)
        XCTAssertEqual(TextEncoding.detect(pasted), .gb18030)
        XCTAssertThrowsError(try TextEncoding.decode(pasted, as: .gb18030)) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.code, .encoding)
            XCTAssertTrue(e?.reason.contains("Line 3 is UTF-8 text") ?? false, e?.reason ?? "")
            XCTAssertTrue(e?.reasonZH.contains("第 3 行是 UTF-8 编码") ?? false, e?.reasonZH ?? "")
            XCTAssertTrue(e?.hint?.contains("--encoding utf-8") ?? false)
        }
        let mixed = Data("name,grade,note\n华为,A,中文\n中兴,B,深圳\n腾讯,C,".utf8)
            + (try Tool.run("iconv", ["-f", "UTF-8", "-t", "GB18030"], input: Data("广州公司".utf8))) + Data("\n".utf8)
        XCTAssertEqual(TextEncoding.detect(mixed), .gb18030)
        XCTAssertThrowsError(try ImportSource.read(mixed, fileName: "mj.csv")) { error in
            XCTAssertTrue((error as? InterchangeError)?.reason.contains("Line 2 is UTF-8 text") ?? false, "\(error)")
        }
        // A UTF-8 line whose Chinese is one short name (华为 is E5 8D 8E E4 B8 BA: bytes no GB2312
        // character has): refused too (helper-212 5: stored as 鍗庝负).
        let short = Data("name,grade\n华为,A\n".utf8) + (try Tool.run("iconv", ["-f", "UTF-8", "-t", "GBK"], input: Data("腾讯科技有限公司,B\n".utf8)))
        XCTAssertThrowsError(try ImportSource.read(short, fileName: "short.csv")) { error in
            XCTAssertTrue((error as? InterchangeError)?.reason.contains("Line 2 is UTF-8 text") ?? false, "\(error)")
        }
        // A UTF-8 line of European names alone (Jörg read as GBK is J枚rg: a Chinese character
        // glued to a Latin word): refused too (helper-216 1: stored as J枚rg M眉ller; helper-218 1:
        // Nestl茅, 艩koda). GBK's own pinyin letters (José) and a line with other Chinese (Tony毛,
        // 互联网) are GBK.
        for line in ["Jörg Müller GmbH,A,Maschinenbau", "Société Générale,B,Banque", "Łukasz Wiśniewski,C,", "Nestlé,A,", "Café Lumière,B,",
                     "Škoda Auto,C,", "Émile Zola,A,", "Ågren AB,B,", "Dvořák,C,", "Zoë,A,"] {
            let european = try Tool.run("iconv", ["-f", "UTF-8", "-t", "GBK"], input: Data("name,grade,industry\n腾讯科技有限公司,B,互联网\n".utf8)) + Data("\(line)\n".utf8)
            XCTAssertEqual(TextEncoding.detect(european), .gb18030, line)
            XCTAssertThrowsError(try ImportSource.read(european, fileName: "eu.csv"), line) { error in
                XCTAssertTrue((error as? InterchangeError)?.reasonZH.contains("第 3 行是 UTF-8 编码") ?? false, "\(line): \(error)")
            }
        }
        for line in ["José Martínez,A,机械", "Tony毛,B,互联网", "Lü Bu,C,"] {
            let genuine = try Tool.run("iconv", ["-f", "UTF-8", "-t", "GBK"], input: Data("name,grade,industry\n腾讯,B,互联网\n\(line)\n".utf8))
            XCTAssertEqual(try TextEncoding.decode(genuine, as: .gb18030), "name,grade,industry\n腾讯,B,互联网\n\(line)\n", line)
        }
        // A GBK line whose every character reads as UTF-8 too (Tony毛Lee as TonyëLee) cannot be
        // told from a pasted one: the refusal shows both readings and offers --encoding gbk, which
        // reads it as it is (helper-218 6).
        let both = try Tool.run("iconv", ["-f", "UTF-8", "-t", "GBK"], input: Data("name,grade\n腾讯,B\nTony毛Lee,A\n".utf8))
        XCTAssertThrowsError(try ImportSource.read(both, fileName: "both.csv")) { error in
            let e = error as? InterchangeError
            XCTAssertTrue(e?.reasonZH.contains("第 3 行是 UTF-8 编码，但文件目前按 GBK/GB18030 编码读取，这样该行存入档案后会变成乱码（按 GBK 读为“Tony毛Lee,A”，按 UTF-8 读为“TonyëLee,A”）") ?? false, e?.reasonZH ?? "")
            XCTAssertTrue(e?.reason.contains("(as GBK it reads “Tony毛Lee,A”, as UTF-8 “TonyëLee,A”)") ?? false, e?.reason ?? "")
            XCTAssertTrue(e?.hintZH?.contains("如果该行按 GBK 读出的内容正确，请加上 --encoding gbk 重新导入") ?? false, e?.hintZH ?? "")
        }
        XCTAssertEqual(try TextEncoding.decode(both, as: .gb18030, refusingPastedUTF8: false), "name,grade\n腾讯,B\nTony毛Lee,A\n")
        // A line that is no GBK (€ in UTF-8) is said to be so, --encoding gbk not offered (it was
        // read as “” and offered: helper-220 5); a long line is shown where the readings differ
        // (the first 60 characters were the same: helper-220 6).
        let gbkHead = try Tool.run("iconv", ["-f", "UTF-8", "-t", "GBK"], input: Data("name,grade\n腾讯,B\n".utf8))
        XCTAssertThrowsError(try ImportSource.read(gbkHead + Data("Nestlé 5€,A\n".utf8), fileName: "euro.csv")) { error in
            let e = error as? InterchangeError
            XCTAssertTrue(e?.reasonZH.contains("（按 UTF-8 读为“Nestlé 5€,A”，按 GBK 无法读取）") ?? false, e?.reasonZH ?? "")
            XCTAssertFalse(e?.hintZH?.contains("--encoding gbk") ?? true, e?.hintZH ?? "")
            XCTAssertFalse(e?.hint?.contains("--encoding gbk") ?? true, e?.hint ?? "")
        }
        let long = String(repeating: "x", count: 200) + "Müller,A"
        XCTAssertThrowsError(try ImportSource.read(gbkHead + Data("\(long)\n".utf8), fileName: "long.csv")) { error in
            let e = error as? InterchangeError
            XCTAssertTrue(e?.reasonZH.contains("按 GBK 读为“…" + String(repeating: "x", count: 19) + "M眉ller,A”，按 UTF-8 读为“…" + String(repeating: "x", count: 19) + "Müller,A”") ?? false, e?.reasonZH ?? "")
        }
        // A GBK line with a traditional or rarer character that reads as UTF-8 too (鋼板厂 as 䓰峧):
        // GBK, not refused (helper-214 2); and asked for as GBK, a file is read so (it was refused).
        for name in ["鋼板厂", "鎮村公司", "鋼為工", "閱茶工"] {
            let genuine = try Tool.run("iconv", ["-f", "UTF-8", "-t", "GBK"], input: Data("name,grade\nA公司,A\n\(name),B\n".utf8))
            XCTAssertEqual(try TextEncoding.decode(genuine, as: .gb18030), "name,grade\nA公司,A\n\(name),B\n", name)
        }
        XCTAssertEqual(try TextEncoding.decode(short, as: .gb18030, refusingPastedUTF8: false).count, "name,grade\n鍗庝负,A\n腾讯科技有限公司,B\n".count)
        // GBK text of every length, in one file: read as it is.
        let chars = Array("客户名称等级统一社会信用代码联系电话行业地区地址备注下次跟进华为技术有限公司深圳南山区科技园中兴通讯股份腾讯计算机系统")
        var text = ""
        for length in 1...40 {
            for offset in stride(from: 0, to: chars.count, by: 3) {
                text += String((0..<length).map { chars[(offset + $0 * 7) % chars.count] }) + ",A\r\n"
            }
        }
        let gbkText = try Tool.run("iconv", ["-f", "UTF-8", "-t", "GB18030"], input: Data(text.utf8))
        XCTAssertEqual(try TextEncoding.decode(gbkText, as: .gb18030), text)
    }

    func testTruncatedGB18030AtEndIsAnError() {
        XCTAssertThrowsError(try TextEncoding.decode(Data([0x41, 0x0A, 0xBF]), as: .gb18030)) { error in
            XCTAssertTrue((error as? InterchangeError)?.reason.contains("line 2 (byte 3 of the file)") ?? false, "\(error)")
        }
    }

    func testLone0x80IsTheEuroSignAsCP936WritesIt() throws {
        XCTAssertEqual(try TextEncoding.decode(Data([0x80, 0x31, 0x30]), as: .gb18030), "€10")
    }

    func testEncodingNamesUsersType() {
        let cases: [(String, TextEncoding)] = [
            ("utf-8", .utf8), ("UTF8", .utf8), ("utf-8-sig", .utf8BOM), ("UTF-8-BOM", .utf8BOM),
            ("utf-16", .utf16LE), ("utf-16le", .utf16LE), ("Unicode", .utf16LE), ("utf-16be", .utf16BE),
            ("gb18030", .gb18030), ("GBK", .gb18030), ("gb2312", .gb18030), ("cp936", .gb18030), ("ANSI", .gb18030),
        ]
        for (name, expected) in cases { XCTAssertEqual(TextEncoding(name: name), expected, name) }
        XCTAssertNil(TextEncoding(name: "latin1"))
        XCTAssertNil(TextEncoding(name: "big5"))
        for encoding in TextEncoding.allCases { XCTAssertEqual(TextEncoding(name: encoding.name), encoding) }
        XCTAssertEqual(TextEncoding.gb18030.displayName, "GB18030 (GBK)")
        XCTAssertEqual(TextEncoding.gb18030.phraseZH(), "GBK/GB18030 编码")
        XCTAssertEqual(TextEncoding.utf16LE.phraseZH(text: true), "UTF-16LE 编码文本（即 Excel 的“Unicode 文本”）")
        XCTAssertEqual(TextEncoding.utf8BOM.phraseZH(), "UTF-8 编码（带 BOM）")
    }

    // MARK: - Reader

    /// Python's csv module writes the file (UTF-8 with BOM, CRLF, a 3-line quoted field and
    /// doubled quotes); the record after the 3-line field starts on line 5.
    func testUTF8BOMFileWithQuotedNewlinesFromPythonHasPhysicalLineNumbers() throws {
        let rows = [
            ["客户名称", "备注", "手机"],
            ["甲公司", "第一行\r\n第二行\r\n第三行", "13800000000"],
            ["乙公司", "他说\"好\",然后走了", " 13900000000 "],  // zh-punct: keep
            ["丙公司", "", "x"],
        ]
        let data = try Tool.python(
            """
            import csv, io, json, sys
            rows = json.load(sys.stdin)
            out = io.StringIO(newline="")
            csv.writer(out, lineterminator="\\r\\n").writerows(rows)
            sys.stdout.buffer.write(out.getvalue().encode("utf-8-sig"))
            """, input: try JSONSerialization.data(withJSONObject: rows))
        XCTAssertTrue(data.starts(with: [0xEF, 0xBB, 0xBF]))

        XCTAssertEqual(TextEncoding.detect(data), .utf8BOM)
        let (table, _, _) = try CSVReader.read(data, name: "python.csv")
        XCTAssertEqual(table.rows.map(\.line), [1, 2, 5, 6])
        XCTAssertEqual(table.rows[0].cells[0], .text("客户名称"), "the BOM is not part of the first header")
        XCTAssertEqual(table.rows[1].cells[1], .text("第一行\r\n第二行\r\n第三行"))
        XCTAssertEqual(table.rows[2].cells, ["乙公司", "他说\"好\",然后走了", " 13900000000 "].map(CellValue.text))  // zh-punct: keep
        XCTAssertEqual(table.rows[3].cells, [.text("丙公司"), .empty, .text("x")])
    }

    func testLineEndsBlankLinesAndTheLastLine() throws {
        // LF, lone CR, CRLF; a blank line in the middle and three at the end; no final newline
        // inside the data; a quoted field with a lone CR and an LF.
        let text = "a,b\nc,d\re,f\r\n\r\ng,\"x\ry\nz\"\nh,i\n\n\r\n"
        let (table, _) = try CSVReader.read(text, name: "ends.csv")
        XCTAssertEqual(table.rows.map(\.line), [1, 2, 3, 5, 8])
        XCTAssertEqual(table.rows[3].cells, [.text("g"), .text("x\ry\nz")])
        XCTAssertEqual(table.rows[4].cells, [.text("h"), .text("i")])

        let (last, _) = try CSVReader.read("a,b\n1,2", name: "x.csv")
        XCTAssertEqual(last.rows.last?.cells, [.text("1"), .text("2")])
        // (Empty cells at the end of a record are not kept: a missing cell reads as empty.)
        let (trailing, _) = try CSVReader.read("a,b\n1,", name: "x.csv")
        XCTAssertEqual(trailing.rows.last?.cells, [.text("1")])
        let (inner, _) = try CSVReader.read("a,b,c\n,2,,\n", name: "x.csv")
        XCTAssertEqual(inner.rows.last?.cells, [.empty, .text("2")], "empty cells before a value are kept")
        XCTAssertEqual(try CSVReader.read("", name: "x.csv").table.rows, [])
    }

    func testWhitespaceAndStrayQuotesAreKeptAsExcelKeepsThem() throws {
        let (table, _) = try CSVReader.read("  a , b\t,5\" screen,\"ab\"c,\"\"\n", name: "x.csv")
        XCTAssertEqual(table.rows[0].cells, [.text("  a "), .text(" b\t"), .text("5\" screen"), .text("abc")], "(the last cell, \"\", is empty: not kept)")
    }

    func testUnterminatedQuoteNamesTheLineWhereTheFieldStarts() throws {
        var text = "客户名称,备注\n"
        for i in 2...9_998 { text += "客户\(i),ok\n" }
        text += "坏客户,\"没有结束\n引号\n后面的行\n"
        XCTAssertThrowsError(try CSVReader.read(text, name: "坏.csv")) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.code, .malformedText)
            XCTAssertTrue(e?.reason.contains("line 9,999 (column 2)") ?? false, e?.reason ?? "")
            XCTAssertTrue(e?.reasonZH.contains("第 9,999 行第 2 列") ?? false, e?.reasonZH ?? "")
            XCTAssertTrue(e?.reason.hasPrefix("坏.csv") ?? false)
        }
    }

    /// A large text is read in two halves on two cores, the second from a guessed record start
    /// (CSVReader.parse). At every split point of texts where the guess is wrong (a quoted field
    /// with line ends, `""`, a stray quote, across the middle), CRLF, lone CR, blank lines, a BOM
    /// and an unterminated quote, the rows, their line numbers and the errors are those of one pass.
    func testReadingInTwoHalvesGivesWhatOnePassGives() throws {
        let texts = [
            "\u{FEFF}客户,备注\r\n甲公司,\"第一行\r\n第二行\"\r\n\r\n乙公司,\"说\"\"好\"\"的\"\r\n丙,5\" screen\r\n\"丁\n戊\",x\r\n",
            "a,b\n\"1\n\n2\n3\",x\n\n\n4,\"\"\"\n\"\"\"\n5,6",
            "a\tb\r1\t2\r\r\"3\r4\"\t5\n6\t\"7\"8\n",
            "h1,h2\n1,2\n\"open,3\n4,5\n6,7\n",  // unterminated: the error names line 3 from either half
            "x\n\"\n\"\n\"\n\"\ny\n",
        ]
        for text in texts {
            var whole = text
            whole.makeContiguousUTF8()
            let onePass = Result { try CSVReader.parse(whole, name: "t.csv", delimiter: nil, splitAt: nil) }
            for split in 0...whole.utf8.count {
                let halves = Result { try CSVReader.parse(whole, name: "t.csv", delimiter: nil, splitAt: split) }
                switch (onePass, halves) {
                case let (.success(a), .success(b)):
                    XCTAssertEqual(a.table.rows, b.table.rows, "split at \(split) of \(text.debugDescription)")
                    XCTAssertEqual(a.delimiter, b.delimiter)
                case let (.failure(a), .failure(b)):
                    XCTAssertEqual("\(a)", "\(b)", "split at \(split) of \(text.debugDescription)")
                default:
                    XCTFail("split at \(split) of \(text.debugDescription): \(onePass) against \(halves)")
                }
            }
        }
        // A file above the size that splits (a quoted field with line ends on every row, so the
        // middle falls in one sometimes): the same rows as read in one pass.
        var big = "客户,备注\r\n"
        var n = 0
        while big.utf8.count < CSVReader.splitSize + 1_000 {
            big += n % 3 == 0 ? "公司\(n),\"第\(n)行\r\n续\"\"写\"\"\"\r\n" : "公司\(n),备注\(n)\r\n"
            n += 1
        }
        let split = try CSVReader.read(big, name: "big.csv").table
        let onePass = try CSVReader.parse(big, name: "big.csv", delimiter: nil, splitAt: Int.max)
        XCTAssertEqual(split.rows.count, n + 1)
        XCTAssertEqual(split.rows, onePass.table.rows)
        XCTAssertEqual(split.rows.last?.line, 1 + n + (n + 1) / 3)
    }

    /// A UTF-8 CSV is read from its bytes (no String of the whole file): the same table, and the
    /// same error, as decoding the text and reading that; every prefix and flipped byte of a
    /// tricky file, with and without a BOM.
    func testUTF8FileReadFromItsBytesAgreesWithItsDecodedText() throws {
        let text = "客户名称,\"备注\"\r\n\"甲\"\"乙\",\"多\r\n行\"\r\n𠮷,x\r\n  a\tb;c\n"
        let starts = ["", "a,b\n", " \u{3000}\n", "\u{3000}{", " {\"a\": 1}\n", "{\u{301}", String(repeating: " ", count: 4_095) + "{", String(repeating: " ", count: 4_094) + "客"]
        for bom in [false, true] {
            let bytes = (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
            var inputs: [[UInt8]] = (0...bytes.count).map { Array(bytes.prefix($0)) }
            inputs += starts.map { (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(($0 + text).utf8) }
            for index in bytes.indices {
                for flip: UInt8 in [0x01, 0x80, 0xFF] {
                    var copy = bytes
                    copy[index] ^= flip
                    inputs.append(copy)
                }
            }
            for input in inputs {
                let data = Data(input)
                // A file of 0 bytes is refused before either reading (the CLI's empty file test).
                if data.isEmpty {
                    XCTAssertThrowsError(try ImportSource.read(data, fileName: "f.csv"))
                    continue
                }
                let fromBytes = Result { try ImportSource.read(data, fileName: "f.csv") }
                var json = false
                let fromText = Result { () throws -> [Table] in
                    let encoding = TextEncoding.detect(data)
                    let decoded = try TextEncoding.decode(data, as: encoding)
                    let body = Data(decoded.drop(while: { $0.isWhitespace }).utf8)
                    if decoded.first(where: { !$0.isWhitespace }) == "{", (try? JSONSerialization.jsonObject(with: body)) is [String: Any] {
                        json = true
                        return try JSONExport.tables(from: body, fileName: "f.csv").0
                    }
                    return [try CSVReader.read(decoded, name: "f.csv").table]
                }
                switch (fromBytes, fromText) {
                case let (.success(a), .success(b)):
                    if case .json = a.format { XCTAssertTrue(json, "\(input)") } else { XCTAssertFalse(json, "\(input)") }
                    XCTAssertEqual(a.tables, b, "\(input)")
                case let (.failure(a), .failure(b)):
                    // (The import names the file in an encoding error, which the decoder cannot.)
                    XCTAssertEqual("\(a)", "\((b as? InterchangeError)?.naming("f.csv") ?? b)", "\(input)")
                default:
                    XCTFail("\(input): \(fromBytes) against \(fromText)")
                }
            }
        }
    }

    /// The check agrees with the standard library's validation on every lead byte and second
    /// byte, with telling third and fourth bytes, between ASCII and in runs of eight.
    func testUTF8CheckAgreesWithTheStandardLibrary() {
        let telling: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xE5, 0xFF]
        for lead in 0x80...0xFF {
            for second in 0...0xFF {
                for third in telling {
                    let bytes = Array("abcdefgh".utf8) + [UInt8(lead), UInt8(second), third, 0x80] + Array("ijklmnop".utf8)
                    let ours = bytes.withUnsafeBufferPointer { TextEncoding.firstInvalidUTF8Offset($0) }
                    let valid = String(validating: bytes, as: UTF8.self) != nil
                    XCTAssertEqual(ours == bytes.count, valid, "\(bytes)")
                    if ours < bytes.count {
                        XCTAssertNotNil(String(validating: bytes[..<ours], as: UTF8.self), "\(bytes)")
                    }
                }
            }
        }
    }

    /// A CSV whose first cell starts with “{” is read as the CSV its name says; a JSON export
    /// is read as JSON whatever its name, also after an ideographic space or NBSP; a file named
    /// .json that is no JSON is refused as JSON.
    func testAFileStartingWithABraceIsJSONOnlyWhenItIsJSON() throws {
        let csv = try ImportSource.read(Data("{客户名称},客户等级\n甲公司,A\n".utf8), fileName: "brace.csv")
        guard case .csv = csv.format else { return XCTFail("\(csv.format)") }
        XCTAssertEqual(csv.tables[0].rows[1].cells, [.text("甲公司"), .text("A")])
        let export = Data(#"{"format": "salesvault-export", "version": 1, "customers": []}"#.utf8)
        for (lead, name) in [("", "e.json"), ("\u{3000}", "e.json"), ("\u{A0}\n", "e.txt"), (" ", "e.csv")] {
            let result = Result { try ImportSource.read(Data(lead.utf8) + export, fileName: name) }
            if case .success(let source) = result, case .csv = source.format { XCTFail("\(name) after \(lead.debugDescription) read as CSV") }
            if case .failure(let error) = result { XCTAssertFalse("\(error)".contains("not a JSON object"), "\(name): \(error)") }
        }
        XCTAssertThrowsError(try ImportSource.read(Data("{客户名称},客户等级\n".utf8), fileName: "brace.json")) { error in
            XCTAssertTrue("\(error)".contains("not a SalesVault JSON export"), "\(error)")
        }
    }

    /// The check of a large UTF-8 text on two cores finds the first bad byte a single pass
    /// finds, wherever it is (in either half, at the split, a character cut by the split).
    func testUTF8CheckInTwoPartsFindsTheFirstBadByte() {
        let unit = Array("客户𠮷a,".utf8)  // 3 + 3 + 4 + 2 bytes
        var good: [UInt8] = []
        while good.count < (1 << 20) + 10 { good += unit }
        XCTAssertNil(TextEncoding.firstInvalidUTF8(Data(good)))
        let middle = good.count / 2
        for position in [0, 5, middle - 4, middle - 1, middle, middle + 1, middle + 3, good.count - 1] + (0..<12).map({ _ in Int.random(in: 0..<good.count) }) {
            for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xE5, 0x41], [0xED, 0xA0, 0x80], [0x80]] {
                var copy = good
                copy.replaceSubrange(position..<min(copy.count, position + bad.count), with: bad)
                let expected = copy.withUnsafeBufferPointer { TextEncoding.firstInvalidUTF8Offset($0) }
                let found = TextEncoding.firstInvalidUTF8(Data(copy))
                XCTAssertEqual(found, expected < copy.count ? expected : nil, "\(bad) at \(position)")
                if bad != [0x80] { XCTAssertNotNil(found, "\(bad) at \(position)") }  // (0x80 in a character's middle is still one)
            }
        }
        // Independently of our check: what it finds is where the longest well-formed start ends,
        // as the standard library's validation tells.
        var copy = good
        copy[middle + 1] = 0xFF
        let found = TextEncoding.firstInvalidUTF8(Data(copy))
        XCTAssertNotNil(String(validating: copy[..<found!], as: UTF8.self))
        XCTAssertNil(String(validating: copy[..<(found! + 1)], as: UTF8.self))
        // Cut in the middle of a character at the very end.
        let cut = Array(good.dropLast(1) + [0xF0, 0xA0])
        XCTAssertEqual(TextEncoding.firstInvalidUTF8(Data(cut)), cut.count - 2)
    }

    func testDelimiterDetectionCountsOutsideQuotesOnly() throws {
        XCTAssertEqual(try CSVReader.read("a;b;c\n1;2;3\n", name: "x").delimiter, UInt8(ascii: ";"))
        XCTAssertEqual(try CSVReader.read("\"a,b,c\";d;e\n", name: "x").delimiter, UInt8(ascii: ";"))
        XCTAssertEqual(try CSVReader.read("\n\na\tb\n", name: "x").delimiter, UInt8(ascii: "\t"))
        XCTAssertEqual(try CSVReader.read("single\nrow\n", name: "x").delimiter, UInt8(ascii: ","))
        // A pipe-separated file (no comma, tab or semicolon in its first line); a bilingual
        // header with a pipe in each cell stays comma-separated.
        let (piped, pipe) = try CSVReader.read("客户名称|客户等级|备注\n华为|A|x,y\n", name: "x")
        XCTAssertEqual(pipe, UInt8(ascii: "|"))
        XCTAssertEqual(piped.rows[1].cells, [.text("华为"), .text("A"), .text("x,y")])
        XCTAssertEqual(try CSVReader.read("客户名称|Name,客户等级|Grade\n华为,A\n", name: "x").delimiter, UInt8(ascii: ","))
        XCTAssertEqual(try CSVReader.read("\"a|b\"\n1\n", name: "x").delimiter, UInt8(ascii: ","), "a | inside quotes is no delimiter")
        let (given, delimiter) = try CSVReader.read("a;b,c\n", name: "x", delimiter: UInt8(ascii: ","))
        XCTAssertEqual(delimiter, UInt8(ascii: ","))
        XCTAssertEqual(given.rows[0].cells, [.text("a;b"), .text("c")])
    }

    /// Every prefix of a tricky file, and the file with each byte flipped, either reads or fails
    /// with one of our errors; a prefix that cuts a quoted field fails as unterminated.
    func testEveryPrefixAndEveryFlippedByteReadsOrFailsCleanly() throws {
        let text = "客户名称,\"备注\"\r\n\"甲\"\"乙\",\"多\r\n行\"\r\n𠮷,\r\n"
        let bytes = Array(try TextEncoding.encode(text, as: .gb18030))
        for count in 0...bytes.count {
            let data = Data(bytes.prefix(count))
            do {
                _ = try CSVReader.read(data, name: "p.csv", encoding: .gb18030)
            } catch let e as InterchangeError {
                XCTAssertTrue([.encoding, .malformedText].contains(e.code), "prefix \(count): \(e)")
            }
        }
        for index in bytes.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var copy = bytes
                copy[index] ^= flip
                for encoding in [nil, TextEncoding.utf8, .gb18030, .utf16LE] {
                    do {
                        _ = try CSVReader.read(Data(copy), name: "f.csv", encoding: encoding)
                    } catch let e as InterchangeError {
                        XCTAssertTrue([.encoding, .malformedText].contains(e.code), "\(e)")
                    }
                }
            }
        }
        XCTAssertThrowsError(try CSVReader.read(Data("a,\"b\r\n".utf8), name: "p.csv")) { error in
            XCTAssertTrue((error as? InterchangeError)?.reason.contains("line 1 (column 2)") ?? false, "\(error)")
        }
    }

    func testLoneUTF16SurrogateAndOddLengthNameTheirLines() {
        // "a\n" then a lone high surrogate on line 2, little-endian with a BOM.
        let data = Data([0xFF, 0xFE, 0x61, 0x00, 0x0A, 0x00, 0x3D, 0xD8, 0x62, 0x00])
        XCTAssertThrowsError(try TextEncoding.decode(data, as: .utf16LE)) { error in
            XCTAssertTrue((error as? InterchangeError)?.reason.contains("line 2 (byte 7 of the file)") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try TextEncoding.decode(Data([0x61, 0x00, 0x62]), as: .utf16LE)) { error in
            XCTAssertTrue((error as? InterchangeError)?.reason.contains("its last byte (line 1, byte 3 of the file) is half of a character") ?? false, "\(error)")
        }
    }

    /// UTF-16 that breaks off is described as UTF-16 (half a character, a cut-off file), in a
    /// message that names the file; a file whose BOM says UTF-16 is to be saved again, not read
    /// as GB18030, and one read as UTF-16 without a BOM is pointed to the other encodings.
    func testBrokenUTF16NamesTheFileAndIsNotSentToGB18030() {
        let cut = Data([0xFF, 0xFE, 0x61, 0x00, 0x00, 0xD8])  // "a", then half of a character
        XCTAssertThrowsError(try ImportSource.read(cut, fileName: "客户.txt")) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.code, .encoding)
            XCTAssertEqual(e?.reasonZH, "“客户.txt”不是有效的 UTF-16LE 编码文本（即 Excel 的“Unicode 文本”）：第 1 行（文件第 5 个字节处）有一个不完整的字符（UTF-16 编码单元 D800 缺少与之配对的另一半）。")
            XCTAssertTrue(e?.reason.hasPrefix("客户.txt is not valid UTF-16") ?? false, e?.reason ?? "")
            XCTAssertFalse((e?.hint ?? "gb18030").contains("gb18030"), e?.hint ?? "")
            XCTAssertTrue(e?.hintZH?.contains("重新复制") ?? false, e?.hintZH ?? "")
        }
        XCTAssertThrowsError(try ImportSource.read(Data([0x61, 0x00, 0x62]), fileName: "x.csv", encoding: .utf16LE)) { error in
            XCTAssertTrue((error as? InterchangeError)?.hint?.contains("--encoding utf-8") ?? false, "\(error)")
        }
        // A UTF-8 error and the mixed-encodings error name the file too.
        XCTAssertThrowsError(try ImportSource.read(Data([0x61, 0x2C, 0x62, 0x0A, 0xFF, 0x0A]), fileName: "甲.csv", encoding: .utf8)) { error in
            XCTAssertTrue((error as? InterchangeError)?.reasonZH.hasPrefix("“甲.csv”不是有效的 UTF-8") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try ImportSource.read(Data("客户名称\n".utf8) + Data([0xFF, 0xFE, 0x0A]), fileName: "乙.csv")) { error in
            XCTAssertTrue((error as? InterchangeError)?.reasonZH.hasPrefix("“乙.csv”第 1 行是 UTF-8 编码") ?? false, "\(error)")
        }
    }

    /// A file read with --encoding against its own BOM is told to drop --encoding (not sent to
    /// gb18030); UTF-8 cut in the middle of its last character says so; a UTF-16 BOM decides the
    /// byte order whichever UTF-16 was asked for.
    func testTheBOMAndACutLastCharacterAreNamed() throws {
        let utf16 = Data([0xFF, 0xFE]) + "客户名称\n甲公司\n".data(using: .utf16LittleEndian)!
        for forced in [TextEncoding.utf8, .gb18030] {
            XCTAssertThrowsError(try ImportSource.read(utf16, fileName: "u.txt", encoding: forced)) { error in
                let e = error as? InterchangeError
                XCTAssertEqual(e?.reasonZH, "“u.txt”开头的标记（BOM）表明它是 UTF-16LE 编码（即 Excel 的“Unicode 文本”），与 --encoding 指定的 \(forced.phraseZH())不符。")
                XCTAssertEqual(e?.hintZH, "请去掉 --encoding 后重新导入，程序会按该标记自动识别编码。")
            }
        }
        for bom in [false, true] {
            let whole = Data((bom ? "\u{FEFF}" : "") .utf8) + Data("客户名称\n甲公司\n乙公司".utf8)
            XCTAssertThrowsError(try ImportSource.read(whole.dropLast(2), fileName: "c.csv")) { error in
                let e = error as? InterchangeError
                XCTAssertTrue(e?.reason.contains("its last character (line 3) is not complete, only its first byte is there") ?? false, "\(error)")
                XCTAssertTrue(e?.hintZH?.contains("重新复制") ?? false, "\(error)")
            }
        }
        let big = Data([0xFE, 0xFF]) + "客户名称\n甲公司\n".data(using: .utf16BigEndian)!
        let source = try ImportSource.read(big, fileName: "b.txt", encoding: .utf16LE)
        XCTAssertEqual(source.format, .csv(.utf16BE, delimiter: UInt8(ascii: ",")))
        XCTAssertEqual(source.tables[0].rows[1].cells, [.text("甲公司")])
    }

    /// A line of more columns than a spreadsheet can have is refused, with its line, at once
    /// (a 20 MB line of commas used to take minutes); the most a spreadsheet has reads.
    func testALineOfMoreColumnsThanExcelHasIsRefused() throws {
        let most = Data(("客户名称" + String(repeating: ",", count: 16_382) + ",x\n甲公司\n").utf8)
        XCTAssertEqual(try CSVReader.read(utf8: most, name: "wide.csv").table.rows[0].cells.count, 16_384)
        // Rows padded with empty cells to Excel's width keep no empty cells at their end (they
        // took 24 bytes each: 16,384 a row, 24 times the file's size).
        let padded = Data(("客户名称,备注\n" + String(repeating: "甲公司" + String(repeating: ",", count: 16_383) + "\n", count: 50)).utf8)
        XCTAssertEqual(try CSVReader.read(utf8: padded, name: "wide.csv").table.rows.map(\.cells.count), [2] + Array(repeating: 1, count: 50))
        let wider = Data(("客户名称\n甲公司" + String(repeating: ",", count: 16_384) + "\n").utf8)
        for data in [wider, Data(String(repeating: ",", count: 10_000_000).utf8)] {
            XCTAssertThrowsError(try CSVReader.read(utf8: data, name: "wide.csv")) { error in
                let e = error as? InterchangeError
                XCTAssertEqual(e?.code, .malformedText)
                XCTAssertTrue(e?.reasonZH.contains("超过 16,384 列") ?? false, "\(error)")
                XCTAssertTrue(e?.reason.contains("line \(data == wider ? 2 : 1) has more than 16,384 columns") ?? false, "\(error)")
            }
        }
    }

    /// A JSON export that is not whole names the line and byte where it breaks, or that it is
    /// cut off, and (as it says it is an export) asks for a new export; a key given twice in one
    /// object (whose records JSON would silently keep only one of) is refused with its line.
    func testADamagedJSONExportNamesWhereAndAKeyGivenTwiceIsRefused() throws {
        let head = #"{"format": "salesvault-export", "jsonVersion": 1, "#
        let broken = Data((" \n" + head + "\n\"customers\": [{\"name\": \"甲\"},\n {\"name\": }]}").utf8)
        XCTAssertThrowsError(try ImportSource.read(broken, fileName: "e.json")) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.reasonZH, "“e.json”是 SalesVault 的 JSON 导出文件，但已损坏：第 4 行（文件第 \(broken.count - 2) 个字节处）不符合 JSON 格式。")
            XCTAssertTrue(e?.hintZH?.contains("重新导出") ?? false, e?.hintZH ?? "")
        }
        // Nested deeper than the parser goes: said so, not "not JSON at byte 514" (helper-167).
        let deep = Data((head + "\"customers\": [{\"name\": \"甲\", \"note\": " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}]}").utf8)
        XCTAssertThrowsError(try ImportSource.read(deep, fileName: "e.json")) { error in
            XCTAssertTrue((error as? InterchangeError)?.reasonZH.contains("其中的数据嵌套超过 512 层") ?? false, "\(error)")
        }
        let cut = Data((head + #""customers": [{"name": "甲"#).utf8)
        XCTAssertThrowsError(try ImportSource.read(cut, fileName: "e.json")) { error in
            XCTAssertTrue((error as? InterchangeError)?.reason.contains("it ends in the middle") ?? false, "\(error)")
        }
        for twice in [head + "\"customers\": [{\"name\": \"甲\"}],\n\"customers\": [{\"name\": \"乙\"}]}",
                      head + "\"customers\": [{\"name\": \"甲\"}],\n\"\\u0063ustomers\": []}",
                      head + "\"customers\": [\n{\"name\": \"甲\", \"name\": \"乙\"}]}"] {
            XCTAssertThrowsError(try ImportSource.read(Data(twice.utf8), fileName: "e.json")) { error in
                let e = error as? InterchangeError
                XCTAssertTrue(e?.reasonZH.contains("第 2 行重复出现了") ?? false, "\(twice): \(error)")
            }
        }
        // An export whose "format" comes after 4 KiB of records (the keys are written sorted)
        // is still known as one; lines ending in CR alone are counted; the position of an
        // unescaped control character is found too.
        let records = (0..<200).map { #"{"name": "客户\#($0)", "grade": "A"}"# }.joined(separator: ",\n")
        let late = "{\"customers\": [\n" + records + ",\n]\n, \"format\": \"salesvault-export\", \"jsonVersion\": 1}"
        XCTAssertGreaterThan(late.utf8.count, 4_096)
        XCTAssertThrowsError(try ImportSource.read(Data(late.replacingOccurrences(of: "\"客户50\"", with: "\"客户50").utf8), fileName: "e.json")) { error in
            XCTAssertTrue((error as? InterchangeError)?.reasonZH.contains("是 SalesVault 的 JSON 导出文件，但已损坏") ?? false, "\(error)")
        }
        let cr = Data((head + "\r\"customers\": [\r{\"name\": \"甲\"},\r{\"name\": }]}").utf8)
        XCTAssertThrowsError(try ImportSource.read(cr, fileName: "e.json")) { error in
            XCTAssertTrue((error as? InterchangeError)?.reasonZH.contains("第 4 行") ?? false, "\(error)")
        }
        let tab = Data((head + "\n\"customers\": [{\"name\": \"甲\t乙\"}]}").utf8)
        XCTAssertThrowsError(try ImportSource.read(tab, fileName: "e.json")) { error in
            XCTAssertTrue((error as? InterchangeError)?.reason.contains("line 2 (byte") ?? false, "\(error)")
        }
        // A second "format" that would hide the first is a key given twice.
        let format2 = head + "\n\"format\": \"other\"}"
        XCTAssertThrowsError(try ImportSource.read(Data(format2.utf8), fileName: "e.json")) { error in
            XCTAssertTrue((error as? InterchangeError)?.reasonZH.contains("第 2 行重复出现了“format”字段") ?? false, "\(error)")
        }
        // Empty, not an object, newer, and a list an export does not hold.
        let cases: [(String, String)] = [
            ("  \n", "“e.json”是空文件，无法导入。"),
            ("\"hello\"", "文件最外层不是 JSON 对象"),
            (#"{"format": "salesvault-export", "jsonVersion": 2, "customers": []}"#, "由更新版本的 SalesVault 导出（jsonVersion 2）"),
            (#"{"format": "salesvault-export", "jsonVersion": "1", "customers": []}"#, "“jsonVersion”（版本号）应为数字"),
            (#"{"format": "salesvault-export", "jsonVersion": 1, "customers": [], "logs": [{"text": "x"}]}"#, "其中的“logs”不是可识别的数据列表名称（只能是 customers、contacts、projects、log、complaints 之一）"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try ImportSource.read(Data(text.utf8), fileName: "e.json")) { error in
                XCTAssertTrue((error as? InterchangeError)?.reasonZH.contains(expected) ?? false, "\(text): \(error)")
            }
        }
        XCTAssertThrowsError(try ImportSource.read(Data(cases[2].0.utf8), fileName: "e.json")) { error in
            XCTAssertEqual((error as? InterchangeError)?.hintZH, "请升级 SalesVault 后再导入。")
        }
        // A key of a record that no field has is a column of its own (mapped as a header, or
        // listed as not imported), never left out unseen.
        let remark = head + #""customers": [{"id": "C1", "name": "甲", "remark": "重要备注", "zzz": 1, "flag": true}]}"#
        let table = try ImportSource.read(Data(remark.utf8), fileName: "e.json").tables[0]
        XCTAssertEqual(Array(table.rows[0].cells.suffix(3)), [.text("flag"), .text("remark"), .text("zzz")])
        XCTAssertEqual(Array(table.rows[1].cells.suffix(3)), [.bool(true), .text("重要备注"), .text("1")], "a number 1 is no flag")
        // The same key in different objects, and keys that only look alike, are no duplicates.
        let fine = head + #""customers": [{"name": "甲", "grade": "A"}, {"name": "乙", "Name": "x"}], "contacts": [{"name": "张"}]}"#
        XCTAssertNil(JSONExport.duplicateKey(in: Data(fine.utf8)))
        XCTAssertNoThrow(try ImportSource.read(Data(fine.utf8), fileName: "e.json"))
    }

    func testAQuoteOrLineEndAsDelimiterIsAnErrorNotACrash() {
        for bad in [UInt8(ascii: "\""), 0x0A, 0x0D, 0xE4] {
            XCTAssertThrowsError(try CSVReader.read("a,b\n", name: "x", delimiter: bad)) { error in
                XCTAssertEqual((error as? InterchangeError)?.code, .malformedText)
            }
        }
    }

    // MARK: - Writer

    func testWriterOutputIsReadBackByPythonCSV() throws {
        let rows = [
            ["客户名称", "备注", "手机", "信用代码"],
            ["吉𠮷, 有限公司", "他说\"好\"\n第二行", " 13800000000", "91110000MA01ABCD2X"],  // zh-punct: keep
            ["", "tab\tinside", "trailing ", "CR\r\nLF inside"],
            ["=SUM(A1)", "+86 13800000000", "-5", "@cmd"],
        ]
        var writer = CSVWriter()
        rows.forEach { writer.append($0) }
        let data = try writer.data()
        XCTAssertTrue(data.starts(with: [0xEF, 0xBB, 0xBF]))
        XCTAssertTrue(String(decoding: data, as: UTF8.self).hasSuffix("'@cmd\r\n"), "CRLF line ends")

        let json = try Tool.python(
            """
            import csv, io, json, sys
            text = sys.stdin.buffer.read().decode("utf-8-sig")
            print(json.dumps(list(csv.reader(io.StringIO(text, newline="")))))
            """, input: data)
        let read = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [[String]])
        XCTAssertEqual(Array(read.prefix(3)), Array(rows.prefix(3)))
        XCTAssertEqual(read[3], ["'=SUM(A1)", "'+86 13800000000", "-5", "'@cmd"], "formulas are neutralised (a plain negative number is none)")
        XCTAssertEqual(read[3].map(FormulaGuard.restore), rows[3])

        // Our own reader reads it back the same, and `restore` gives the exported values.
        let (table, _, _) = try CSVReader.read(data, name: "export.csv")
        let back = table.rows.map { $0.cells.map { cell -> String in
            if case .text(let s) = cell { return FormulaGuard.restore(s) } else { return "" }
        } }
        XCTAssertEqual(back, rows)
    }

    func testGB18030WriterOutputIsDecodedByIconv() throws {
        var writer = CSVWriter(encoding: .gb18030)
        writer.append(["客户名称", "客户等级"])
        writer.append(["吉𠮷科技", "A"])
        let data = try writer.data()
        XCTAssertFalse(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let utf8 = try Tool.run("iconv", ["-f", "GB18030", "-t", "UTF-8"], input: data)
        XCTAssertEqual(String(decoding: utf8, as: UTF8.self), "客户名称,客户等级\r\n吉𠮷科技,A\r\n")
    }

    func testTSVWriterInUTF16IsDecodedByIconv() throws {
        var writer = CSVWriter(delimiter: UInt8(ascii: "\t"), encoding: .utf16LE, guardsFormulas: false)
        writer.append(["客户", "a,b", "x\ty"])
        let data = try writer.data()
        XCTAssertTrue(data.starts(with: [0xFF, 0xFE]))
        let utf8 = try Tool.run("iconv", ["-f", "UTF-16", "-t", "UTF-8"], input: data)
        XCTAssertEqual(String(decoding: utf8, as: UTF8.self), "客户\ta,b\t\"x\ty\"\r\n")
    }

    func testPrivateUseCharacterGlibcCannotEncodeIsAnError() {
        XCTAssertThrowsError(try TextEncoding.encode("ok\n\u{E816}", as: .gb18030)) { error in
            let e = error as? InterchangeError
            XCTAssertEqual(e?.code, .encoding)
            XCTAssertTrue(e?.reason.contains("Line 2") ?? false, "\(error)")
            XCTAssertTrue(e?.reason.contains("U+E816") ?? false, "\(error)")
        }
    }

    // MARK: - Formula guard

    func testFormulaGuardNeutralisesOWASPTriggersAndRestoreInvertsIt() {
        let cases = ["=SUM(A1)", "+86 13800000000", "-5+3", "-5 ", "-.5", "-5.", "-1,000", "-5e3", "@cmd", "\tx", "\rx", "\r\nx"]
        for s in cases {
            let guarded = FormulaGuard.neutralise(s)
            XCTAssertEqual(guarded, "'" + s)
            XCTAssertEqual(FormulaGuard.restore(guarded), s)
        }
        for plain in ["客户", "13800000000", "a=b", "", "'", "'quoted", "5-3", "-", "'-", "-5", "-308", "-0.5", "-0"] {  // (a dash alone is no formula: helper-126)
            XCTAssertEqual(FormulaGuard.neutralise(plain), plain)
            XCTAssertEqual(FormulaGuard.restore(plain), plain)
        }
        // A plain negative number is a number in Excel, no formula: written as it is (compliance's
        // CSV showed a password age as '-308); after an apostrophe it is guarded, so it comes back
        // exactly, and an earlier export's '-5 still imports as -5.
        XCTAssertEqual(FormulaGuard.neutralise("'-5"), "''-5")
        XCTAssertEqual(FormulaGuard.restore("''-5"), "'-5")
        XCTAssertEqual(FormulaGuard.restore("'-5"), "-5")
        // A value that already looks guarded gets one more apostrophe, so it re-imports exactly.
        XCTAssertEqual(FormulaGuard.neutralise("'=x"), "''=x")
        XCTAssertEqual(FormulaGuard.restore("''=x"), "'=x")
        XCTAssertEqual(FormulaGuard.restore("'=x"), "=x")
    }
}

/// Runs the real command-line tools the tests check against.
enum Tool {
    /// The tool's full path on PATH, or an XCTSkip naming it.
    static func find(_ name: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("\(name) is not installed; this test checks our output against it")
    }

    /// Runs `name` with `arguments` and `input` on stdin; its stdout, or a failure with stderr.
    static func run(_ name: String, _ arguments: [String], input: Data = Data()) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try find(name))
        process.arguments = arguments
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Feed stdin on another thread so a large output cannot dead-lock against it.
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "Tool", code: Int(process.terminationStatus), userInfo: [
                NSLocalizedDescriptionKey: "\(name) \(arguments) failed: \(String(decoding: err, as: UTF8.self))",
            ])
        }
        return out
    }

    static func python(_ script: String, input: Data, arguments: [String] = []) throws -> Data {
        try run("python3", ["-c", script] + arguments, input: input)
    }
}
