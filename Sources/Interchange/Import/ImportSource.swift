import Foundation
import VaultCrypto
import VaultFormat
import SalesArchive

/// A file to import, read into tables (INTERCHANGE.md §1): an XLSX workbook, a CSV/TSV file in
/// any of the encodings Excel writes, or SalesVault's own JSON export. Nothing about the
/// archive is known here.
public struct ImportSource: Sendable {
    public enum Format: Sendable, Equatable {
        case csv(TextEncoding, delimiter: UInt8)
        case xlsx
        case json

        /// Row `line` of `table` as said in a reason about a row of `here` (INTERCHANGE.md §1.2):
        /// a CSV file's line, a sheet's row (of this sheet, or of another sheet by name), a JSON
        /// export's record. A workbook's notes said "本文件第 2 行" beside "“客户”工作表第 3 行".
        public func place(_ table: String, line: Int, from here: String) -> (en: String, zh: String) {
            place(table, lines: [line], from: here)
        }

        /// Rows `lines` of `table` (in order), said so: `本文件第 2、3 行`, `本工作表第 2 行`.
        public func place(_ table: String, lines: [Int], from here: String) -> (en: String, zh: String) {
            switch self {
            case .csv: return (Importer.lineList(lines, zh: false) + " of this file", "本文件" + Importer.lineList(lines, zh: true))
            case .xlsx:
                let (en, zh) = (Importer.lineList(lines, zh: false, noun: ("row", "rows")), Importer.lineList(lines, zh: true))
                return table == here ? (en + " of this sheet", "本工作表" + zh) : ("sheet \(table) " + en, "“\(table)”工作表" + zh)
            case .json:
                let (en, zh) = (Importer.lineList(lines, zh: false, noun: ("record", "records")), Importer.lineList(lines, zh: true, unit: "条记录"))
                // (In English the list as the file names it, `customers`, not the 客户 it is read as.)
                let list = ImportKind(name: table).flatMap { $0.sheetName(zh: true) == table ? $0.rawValue : nil } ?? table
                return table == here ? (en + " of this file", "本文件" + zh) : ("\(list) " + en, "“\(table)”" + zh)
            }
        }
    }

    /// Where a SalesVault export came from (its 说明 sheet, or the JSON's header).
    public struct Origin: Sendable, Equatable {
        public let owner: String
        /// The export's date, `2026-11-30`.
        public let date: String
        /// The time zone its date-time cells are in (an XLSX export's 时区), when it says.
        public var timeZone: String? = nil
        /// The archive it was exported from (its 档案编号, 32 lower-case hex digits), when it
        /// says: an export of the archive it is imported into has that archive's record ids in
        /// its 记录号 column (INTERCHANGE.md §4.1).
        public var archiveID: String? = nil
        /// Where that archive's history stood at the export (档案版本), when it says.
        public var version: ArchiveVersion? = nil

        /// The file says whose export it is, and that goes into every imported customer's note:
        /// one line of at most 64 characters without control or invisible characters (an
        /// owner of "张伟\nAll checks passed" printed a line of its own in the preview), else nil.
        public init?(owner: String, date: String, timeZone: String? = nil, archiveID: String? = nil, version: String? = nil) {
            let one = String(String.UnicodeScalarView(owner.unicodeScalars.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 }
                .filter { !FieldFormat.isTerminalUnsafe($0) })).trimmingCharacters(in: .whitespaces)
            guard !one.isEmpty else { return nil }
            self.owner = one.count > 64 ? String(one.prefix(64)) + "…" : one
            self.date = String(date.unicodeScalars.filter { !FieldFormat.isTerminalUnsafe($0) }.prefix(10).map(Character.init))
            self.timeZone = timeZone
            // (Only an id as an export writes it; anything else is no archive's.)
            let id = archiveID?.trimmingCharacters(in: .whitespaces).lowercased()
            self.version = version.flatMap(ArchiveVersion.init(text:))
            self.archiveID = id.flatMap { $0.utf8.count == 32 && $0.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) ? $0 : nil }
        }
    }

    /// The sheet an export adds to say what it is (never imported as data).
    public static let aboutSheet = (zh: "说明", en: "About")

    /// How many of its tables hold data to import: not an export's 说明, not hidden, not empty.
    var dataSheetCount: Int {
        tables.filter { $0.name != Self.aboutSheet.zh && $0.name != Self.aboutSheet.en && !$0.hidden && $0.rows.contains(where: \.hasContent) }.count
    }

    public let fileName: String
    /// Lower-case hex of the file's bytes as read.
    public internal(set) var sha256: String
    public let format: Format
    public let tables: [Table]
    public let exportedFrom: Origin?
    /// True when the file was a password-encrypted workbook (§1.3), decrypted in memory: what is
    /// written from it (a rejects file) is encrypted with the same password.
    public let encrypted: Bool
    /// A GB18030/GBK text file without a four-byte sequence: what Excel on Chinese Windows saves
    /// in code page 936, where a character it cannot hold became ? (`CodePage936`).
    public internal(set) var mayBeCodePage936 = false
    /// A file whose bytes are well-formed UTF-8 and may be GBK too (`TextEncoding.gbkReadAsUTF8`):
    /// the line and the two readings, and whether it was read as GBK (`sure`), said on import.
    public internal(set) var gbkReading: (line: Int, utf8: String, gbk: String, sure: Bool)?

    public init(fileName: String, sha256: String, format: Format, tables: [Table], exportedFrom: Origin? = nil, encrypted: Bool = false) {
        self.fileName = fileName
        self.sha256 = sha256
        self.format = format
        self.tables = tables
        self.exportedFrom = exportedFrom
        self.encrypted = encrypted
    }

    /// Asked for an encrypted workbook's password, only once the file is known to be one
    /// (INTERCHANGE.md §1.3); nil when there is none to give.
    public typealias PasswordProvider = () throws -> String?

    /// Reads the file at `path`; `encoding` overrides detection for text files.
    public static func load(_ path: String, encoding: TextEncoding? = nil, workbookPassword: PasswordProvider = { nil }) throws -> ImportSource {
        // (As messages and the batch label show it: one line, control characters escaped.)
        let name = FieldFormat.terminalSafe(URL(fileURLWithPath: path).lastPathComponent)
        // Counted before the file is read too, from its size (reading it under a tight `ulimit
        // -v` stopped the process: black-box finding), and again from what was read.
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular,
           let size = attributes[.size] as? Int, size <= 1 << 30 {
            try MemoryBudget.check(importOf: size, name: name)
        }
        let data = try AtomicFile.readInput(path, limit: 1 << 30)
        try MemoryBudget.check(importOf: data.count, name: name)
        return try read(data, fileName: name, encoding: encoding, workbookPassword: workbookPassword)
    }

    /// Reads `data` as the file `fileName`.
    public static func read(_ data: Data, fileName: String, encoding: TextEncoding? = nil,
                            workbookPassword: PasswordProvider = { nil }) throws -> ImportSource {
        // A large file's SHA-256 on a thread of its own while the file is read (a twentieth of
        // a second for 100 MB, beside the reading rather than before it).
        guard data.count >= 4 << 20 else {
            return try read(data, fileName: fileName, digest: try digest(of: data), encoding: encoding, workbookPassword: workbookPassword)
        }
        let hashed = HashedDigest()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            hashed.value = try? digest(of: data)
            done.signal()
        }
        let result = Result { try read(data, fileName: fileName, digest: "", encoding: encoding, workbookPassword: workbookPassword) }
        done.wait()
        var source = try result.get()
        source.sha256 = try hashed.value ?? digest(of: data)  // (again, for its error)
        return source
    }

    /// Lower-case hex of the SHA-256 of `data` (not through a copy of the file).
    static func digest(of data: Data) throws -> String { try data.withUnsafeBytes { try SHA256.hash($0) }.hexString }

    /// A digest computed on another thread (read after it signals).
    private final class HashedDigest: @unchecked Sendable { var value: String? }

    private static func read(_ data: Data, fileName: String, digest: String, encoding: TextEncoding?,
                             workbookPassword: PasswordProvider) throws -> ImportSource {
        // A file of 0 bytes (a workbook was "damaged", a CSV "had no header"): said as what it is.
        guard !data.isEmpty else {
            throw InterchangeError(.mapping, "\(fileName) is empty (0 bytes): there is nothing to import in it.",
                                   zh: "“\(fileName)”是空文件（0 字节），其中没有可导入的数据。",
                                   hint: "Check that this is the file you meant (an Excel or WPS file that was not saved?); salesvault import --template customers writes an example.",
                                   hintZH: "请确认选对了文件（是否在 Excel 或 WPS 中还没保存？）；可运行 salesvault import --template customers 生成模板作参考。")
        }
        let head = [UInt8](data.prefix(8))
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            let tables = try XLSXReader.read(data)
            return ImportSource(fileName: fileName, sha256: digest, format: .xlsx, tables: tables, exportedFrom: origin(of: tables))
        }
        // An OLE compound file: a password-encrypted workbook, decrypted in memory, or an old
        // .xls (refused, named as such).
        if OfficeCrypto.isCompoundFile(head) {
            var package = try OfficeCrypto.decrypt(Array(data), password: workbookPassword)
            defer { secureZero(&package) }
            guard package.starts(with: [0x50, 0x4B]) else { throw OfficeCryptoErrors.damaged("what it decrypts to is not an .xlsx workbook") }
            let tables = try XLSXReader.read(Data(package))
            return ImportSource(fileName: fileName, sha256: digest, format: .xlsx, tables: tables, exportedFrom: origin(of: tables), encrypted: true)
        }
        if head.starts(with: FormatV1.magic) {
            throw InterchangeError(.unsupportedWorkbook, "\(fileName) is a SalesVault archive, not a file to import",
                                   zh: "“\(fileName)”是 SalesVault 档案文件，不能直接导入。",
                                   hint: "to move customers from one archive to another, export them (salesvault export -a \(fileName)) and import the exported file",
                                   hintZH: "如需将客户从一个档案迁移到另一个档案，请先导出源档案（salesvault export -a \(fileName)），再导入生成的导出文件")
        }
        let ext = URL(fileURLWithPath: fileName).pathExtension.lowercased()
        if ["xlsx", "xlsm", "xls", "et"].contains(ext) {
            throw InterchangeError(.malformedWorkbook, "\(fileName) cannot be read: it may be damaged, or not really an .\(ext) file (a renamed CSV, say)",
                                   zh: "无法读取“\(fileName)”：文件可能已损坏，或并不是真正的 .\(ext) 文件（例如改了扩展名的 CSV）",
                                   hint: "open it in Excel or WPS and save it again as .xlsx (or as CSV)",
                                   hintZH: "请在 Excel 或 WPS 中打开，重新另存为 .xlsx（或 CSV）后再导入")
        }
        do {
            return try readText(data, fileName: fileName, digest: digest, encoding: encoding)
        } catch let error as InterchangeError where error.code == .encoding {
            throw error.naming(fileName)
        }
    }

    /// A text file: CSV/TSV in its encoding, or a JSON export.
    private static func readText(_ data: Data, fileName: String, digest: String, encoding: TextEncoding?) throws -> ImportSource {
        var (enc, checked) = encoding.map { ($0, false) } ?? TextEncoding.detectChecking(data)
        // UTF-16 is read in the order its BOM gives, whichever of the two was asked for.
        if enc == .utf16LE || enc == .utf16BE, data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            enc = data.starts(with: [0xFF, 0xFE]) ? .utf16LE : .utf16BE
        }
        // A CSV whose bytes are well-formed UTF-8 and may be GBK too (JSON is UTF-8 always:
        // helper-207 3): read as GBK when surely that, else said (`TextEncoding.gbkReadAsUTF8`).
        var gbkReading: (line: Int, utf8: String, gbk: String, sure: Bool)?
        if encoding == nil, enc == .utf8, !fileName.lowercased().hasSuffix(".json"), startsWithBrace(data) == false,
           let seen = TextEncoding.gbkReadAsUTF8(data) {
            gbkReading = seen
            if seen.sure { enc = .gb18030 }
        }
        if enc == .utf8 || enc == .utf8BOM, !fileName.lowercased().hasSuffix(".json"), startsWithBrace(data) == false {
            // UTF-8 CSV, read from the bytes once they are checked (the same table as from the text).
            if !checked { try TextEncoding.checkUTF8(data, as: enc) }
            let (table, delimiter) = try CSVReader.read(utf8: data, name: fileName)
            var source = ImportSource(fileName: fileName, sha256: digest, format: .csv(enc, delimiter: delimiter), tables: [table])
            // (A file of ASCII alone without a BOM may be Excel's GBK save of an English sheet,
            // its emoji made ?: helper-204 4. The tool's own CSV has a BOM.)
            // (Not when UTF-8 was asked for: its ? were typed, and --encoding utf-8 did not say
            // so: helper-207 5.)
            source.mayBeCodePage936 = enc == .utf8 && encoding == nil && !data.contains(where: { $0 >= 0x80 })
            source.gbkReading = gbkReading
            return source
        }
        let text = try TextEncoding.decode(data, as: enc, refusingPastedUTF8: encoding == nil)
        let lower = fileName.lowercased()
        if lower.hasSuffix(".json") || text.first(where: { !$0.isWhitespace }) == "{" {
            // JSON allows only ASCII white space before its object; an editor's U+3000 or NBSP
            // there is dropped. A file named as CSV or text whose first cell starts with “{”
            // (and which is no JSON object at all) is the CSV its name says.
            // (Each replaced by as many spaces as its bytes, so that a problem's line and byte
            // are the file's.)
            let lead = text.prefix(while: { $0.isWhitespace })
            let spaced = lead.map { $0.isASCII ? String($0) : String(repeating: " ", count: $0.utf8.count) }.joined()
            let body = Data((spaced + text.dropFirst(lead.count)).utf8)
            let namedAsText = [".csv", ".tsv", ".txt"].contains(where: { lower.hasSuffix($0) })
            if !namedAsText || (try? JSONSerialization.jsonObject(with: body)) is [String: Any] {
                // (A byte of the body is one of the file in UTF-8, after its BOM.)
                let before: Int? = enc == .utf8 ? 0 : enc == .utf8BOM ? 3 : nil
                let (tables, from) = try JSONExport.tables(from: body, fileName: fileName, bytesBefore: before)
                return ImportSource(fileName: fileName, sha256: digest, format: .json, tables: tables, exportedFrom: from)
            }
        }
        let (table, delimiter) = try CSVReader.read(text, name: fileName)
        var source = ImportSource(fileName: fileName, sha256: digest, format: .csv(enc, delimiter: delimiter), tables: [table])
        source.mayBeCodePage936 = enc == .gb18030 && !hasFourByteGB18030(data)
        source.gbkReading = gbkReading
        return source
    }

    /// Whether GB18030 `data` has a four-byte sequence (a character GBK does not have, as the
    /// tool's own `--encoding gb18030` export writes an emoji): then it was not saved by Excel
    /// in code page 936, and a ? in it is one typed (helper-202 2).
    static func hasFourByteGB18030(_ data: Data) -> Bool {
        data.withUnsafeBytes { (b: UnsafeRawBufferPointer) -> Bool in
            var i = 0
            while i < b.count {
                // (0x80 alone is € in code page 936, as Excel writes it: helper-204 3.)
            if b[i] <= 0x80 { i += 1; continue }
                if i + 1 < b.count, (0x30...0x39).contains(b[i + 1]) { return true }
                i += 2
            }
            return false
        }
    }

    /// Whether the first character of UTF-8 `data` that is not white space (after a BOM) is
    /// `{`, as the decoded text's would be (a JSON export); nil when its first 4 KiB do not tell.
    static func startsWithBrace(_ data: Data) -> Bool? {
        let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
        let head = String(decoding: body.prefix(4_096), as: UTF8.self)
        // (Not the last character of the 4 KiB: it may be cut, or go on past them.)
        guard let i = head.firstIndex(where: { !$0.isWhitespace }), head.index(after: i) < head.endIndex || body.count <= 4_096 else { return nil }
        return head[i] == "{"
    }

    /// The origin an export's 说明/About sheet states (导出自 / exported from, 导出时间 / exported at).
    static func origin(of tables: [Table]) -> Origin? {
        guard let about = tables.first(where: { $0.name == aboutSheet.zh || $0.name == aboutSheet.en }) else { return nil }
        var owner: String?
        var date: String?
        var zone: String?
        var id: String?
        var version: String?
        for row in about.rows where row.cells.count >= 2 {
            guard case .text(let key) = row.cells[0] else { continue }
            let value = Importer.plain(row.cells[1])
            if key.hasPrefix("档案所有人") || key.hasPrefix("导出自") || key.lowercased().hasPrefix("exported from") { owner = value }
            if key.hasPrefix("导出时间") || key.lowercased().hasPrefix("exported at") { date = String(value.prefix(10)) }
            if key.hasPrefix("时区") || key.lowercased().hasPrefix("time zone") { zone = value }
            if key.hasPrefix("档案编号") || key.lowercased().hasPrefix("archive id") { id = value }
            if key.hasPrefix("档案版本") || key.lowercased().hasPrefix("archive version") { version = value }
        }
        guard let owner, !owner.isEmpty else { return nil }
        return Origin(owner: owner, date: date ?? "", timeZone: zone, archiveID: id, version: version)  // (nil when the owner is no name)
    }
}
