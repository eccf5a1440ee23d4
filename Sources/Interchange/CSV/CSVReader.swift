import Foundation

/// Reads CSV and TSV text (RFC 4180 as Excel writes and reads it) into a `Table` of `.text`
/// cells, each row carrying the physical line where its record starts.
///
/// Our own parser, not a package. We read and measured yaslab/CSV.swift 2.5.2 and
/// swiftcsv/SwiftCSV 0.10.0 (both built -O -wmo, on a 16.5 MB, 100,000-row UTF-8 customer file
/// with quoted commas and newlines, on this project's 2-core machine):
/// - neither reports the physical line where a record starts. A record with a quoted newline
///   spans lines, so counting records gives wrong line numbers, and every import error here
///   names "line 9,999" of the user's file;
/// - neither reports an unterminated quote: both return the rest of the file as one field, so
///   one missing quote would swallow every later row without an error;
/// - SwiftCSV drops the leading whitespace of fields and throws on a stray quote inside an
///   unquoted field (Excel keeps both); CSV.swift keeps a BOM in the first header when given a
///   String and returns a `[""]` row for each blank line;
/// - speed: SwiftCSV 15 MB/s (it walks `Character`s), CSV.swift 51 MB/s from a String and
///   22 MB/s streaming from a file (an `AnyIterator<UnicodeScalar>`, one scalar per call);
///   this parser 146 MB/s on the same file (123 MB/s including UTF-8 detection and decoding);
/// - neither decodes GB18030, so the bytes must be decoded first anyway; once the text is in
///   memory streaming buys nothing, and inputs are bounded by `AtomicFile.readInput`.
/// This parser is one pass over the UTF-8 bytes with no per-byte allocation.
///
/// Rules: fields split on the delimiter; a field that starts with `"` is quoted, may hold the
/// delimiter, CR and LF, and `""` stands for one quote; text after the closing quote up to the
/// delimiter is kept literally (`"ab"c` → `abc`, as Excel reads it); a quote inside an unquoted
/// field is literal. Records end with CRLF, LF or a lone CR; the last one may have no line end.
/// Blank lines (nothing at all between two line ends) are skipped, so trailing blank lines are
/// ignored, and the rows after a blank line keep their true line numbers. Whitespace is kept as
/// is. A UTF-8 BOM left at the start is dropped. Empty fields are `.empty`, others `.text`.
/// The reader does not undo `FormulaGuard`; the importer calls `FormulaGuard.restore`.
public enum CSVReader {
    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    /// The delimiters recognised by detection, in the order that breaks a tie.
    public static let detectedDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")]
    /// Detected only in a first line without any of `detectedDelimiters`.
    static let pipe = UInt8(ascii: "|")

    /// Splits decoded text into rows. `name` names the table (the file name, shown in errors).
    /// Without `delimiter`, the one of `,` `\t` `;` that occurs most often in the first non-blank
    /// line outside quotes is used; `|` when that line has none of them but has `|` (`,` when
    /// none occurs). Throws `.malformedText` for a quoted
    /// field with no closing quote, naming the line where that field starts, and for a
    /// delimiter that is a quote, CR, LF or not ASCII.
    public static func read(_ text: String, name: String, delimiter: UInt8? = nil) throws -> (table: Table, delimiter: UInt8) {
        try parse(text, name: name, delimiter: delimiter)
    }

    /// `body` over the UTF-8 bytes of `text` (made contiguous first when it is not).
    static func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        if let result = try text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        copy.makeContiguousUTF8()
        return try copy.utf8.withContiguousStorageIfAvailable(body)!
    }

    /// Decodes `data` (with `encoding`, or the detected one) and reads it as above.
    public static func read(
        _ data: Data, name: String, encoding: TextEncoding? = nil, delimiter: UInt8? = nil
    ) throws -> (table: Table, delimiter: UInt8, encoding: TextEncoding) {
        let encoding = encoding ?? TextEncoding.detect(data)
        let text = try TextEncoding.decode(data, as: encoding)
        let (table, delimiter) = try read(text, name: name, delimiter: delimiter)
        return (table, delimiter, encoding)
    }

    /// The delimiter of the first non-blank line, counted outside quotes.
    static func detectDelimiter(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt8 {
        var i = start
        while i < b.count && (b[i] == lf || b[i] == cr) { i += 1 }
        var counts = [0, 0, 0]
        var pipes = 0
        var inQuotes = false
        while i < b.count {
            let c = b[i]
            if c == quote { inQuotes.toggle() }
            else if !inQuotes {
                if c == lf || c == cr { break }
                if let k = detectedDelimiters.firstIndex(of: c) { counts[k] += 1 } else if c == pipe { pipes += 1 }
            }
            i += 1
        }
        let best = counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }!
        // `|` only when the line has none of the others: a header written in two languages
        // ("客户名称|Name,客户等级|Grade") has a `|` in each cell.
        if counts[best] == 0 && pipes > 0 { return pipe }
        return counts[best] > 0 ? detectedDelimiters[best] : detectedDelimiters[0]
    }

    /// Text from this size up is read in two halves on two cores (`parse`).
    static let splitSize = 4 << 20

    static func parse(_ input: String, name: String, delimiter given: UInt8?, splitAt: Int? = nil) throws -> (table: Table, delimiter: UInt8) {
        try parse(withBytes(input) { Data(buffer: $0) }, name: name, delimiter: given, splitAt: splitAt)
    }

    /// Reads `data`, well-formed UTF-8 (the caller has checked: `TextEncoding.firstInvalidUTF8`),
    /// as `read(_:name:delimiter:)` reads its text, straight from the bytes: no String of the
    /// whole file is made first (a 100 MB file's copy and second check).
    public static func read(utf8 data: Data, name: String, delimiter: UInt8? = nil) throws -> (table: Table, delimiter: UInt8) {
        try parse(data, name: name, delimiter: delimiter)
    }

    static func parse(_ data: Data, name: String, delimiter given: UInt8?, splitAt: Int? = nil) throws -> (table: Table, delimiter: UInt8) {
        try data.withUnsafeBytes { raw in try parse(raw.bindMemory(to: UInt8.self), of: data, name: name, delimiter: given, splitAt: splitAt) }
    }

    /// `bytes` are `data`'s (each half of a large text reads them from `data` itself).
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, of data: Data, name: String, delimiter given: UInt8?, splitAt: Int?) throws -> (table: Table, delimiter: UInt8) {
        let n = bytes.count
        let first = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0  // a UTF-8 BOM left at the start
        let delim = given ?? detectDelimiter(bytes, from: first)
        guard delim != quote && delim != lf && delim != cr && delim < 0x80 else { throw badDelimiter(delim) }
        // A large text in two halves on two cores. Where a record starts cannot be told from the
        // middle of the text (a quote there may open or close a field), so the second half is a
        // guess: it is read from the first line start after the middle, as if a record started
        // there, while the first half is read up to that point. The guess holds when the first
        // half's last record ends exactly there; then the second half's rows, their line
        // numbers moved on, are what one pass gives. Otherwise (a quoted field runs across the
        // middle) its rows are dropped and the text read on from where the first half ended.
        let middle = splitAt ?? (n >= splitSize ? n / 2 : nil)
        let newline = middle.flatMap { m in m < n ? UnsafeBufferPointer(rebasing: bytes[max(first, m)...]).firstIndex(of: lf) : nil }
        if let middle, let newline {
            let split = max(first, middle) + newline + 1
            let halves = Parallel.map(2) { half -> Result<Records, Error> in
                Result { try data.withUnsafeBytes { raw in
                    half == 0 ? try records(raw.bindMemory(to: UInt8.self), name: name, delim: delim, from: first, until: split, line: 1)
                              : try records(raw.bindMemory(to: UInt8.self), name: name, delim: delim, from: split, until: n, line: 1)
                } }
            }
            var head = try halves[0].get()
            if head.end == split, case .success(let tail) = halves[1] {
                let moved = head.line - 1
                head.rows.reserveCapacity(head.rows.count + tail.rows.count)
                for row in tail.rows { head.rows.append(TableRow(line: row.line + moved, cells: row.cells)) }
                return (Table(name: name, rows: head.rows), delim)
            }
            let rest = try records(bytes, name: name, delim: delim, from: head.end, until: n, line: head.line)
            return (Table(name: name, rows: head.rows + rest.rows), delim)
        }
        return (Table(name: name, rows: try records(bytes, name: name, delim: delim, from: first, until: n, line: 1).rows), delim)
    }

    /// Rows read from `start`, a record's start on line `line`, until the first record that
    /// starts at or after `limit`; where that is, and its line.
    struct Records: Sendable {
        var rows: [TableRow]
        var end: Int
        var line: Int
    }

    static func records(_ b: UnsafeBufferPointer<UInt8>, name: String, delim: UInt8, from start: Int, until limit: Int, line startLine: Int) throws -> Records {
        let n = b.count
        var i = start
        var rows: [TableRow] = []
        var line = startLine
        var width = 0
        var scratch: [UInt8] = []

        while i < n && i < limit {
            // A blank line: no record.
            if b[i] == lf { line += 1; i += 1; continue }
            if b[i] == cr {
                line += 1; i += 1
                if i < n && b[i] == lf { i += 1 }
                continue
            }
            let recordLine = line
            var cells: [CellValue] = []
            cells.reserveCapacity(width)
            while true {
                if i < n && b[i] == quote {
                    let fieldLine = line
                    i += 1
                    scratch.removeAll(keepingCapacity: true)
                    var segment = i
                    while true {
                        guard i < n else {
                            throw unterminatedQuote(name: name, line: fieldLine, column: cells.count + 1)
                        }
                        let c = b[i]
                        if c == quote {
                            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[segment..<i]))
                            if i + 1 < n && b[i + 1] == quote {
                                scratch.append(quote)
                                i += 2
                                segment = i
                                continue
                            }
                            i += 1
                            break
                        }
                        if c == lf || (c == cr && !(i + 1 < n && b[i + 1] == lf)) { line += 1 }
                        i += 1
                    }
                    let tail = i
                    while i < n, b[i] != delim, b[i] != lf, b[i] != cr { i += 1 }
                    if i > tail { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[tail..<i])) }
                    cells.append(scratch.isEmpty ? .empty : .text(String(decoding: scratch, as: UTF8.self)))
                } else {
                    let start = i
                    while i < n {
                        let c = b[i]
                        if c == delim || c == lf || c == cr { break }
                        i += 1
                    }
                    cells.append(i == start ? .empty : .text(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)))
                }
                if i < n && b[i] == delim {
                    // More columns than Excel or WPS can hold: no spreadsheet, and reading on
                    // would take minutes (a line of millions of commas).
                    guard cells.count < XLSXReader.maxColumn else { throw tooManyColumns(name: name, line: recordLine) }
                    i += 1
                    continue
                }
                if i < n {
                    if b[i] == cr && i + 1 < n && b[i + 1] == lf { i += 2 } else { i += 1 }
                    line += 1
                }
                break
            }
            width = cells.count
            // Empty cells at the end of a record are not kept (a missing cell reads as empty):
            // Excel pads every row to the widest, and 16,384 empty cells a row took 24 times the
            // file's size in memory.
            if cells.last == .empty {
                var end = cells.count
                while end > 0 && cells[end - 1] == .empty { end -= 1 }
                // (Into an array of their own when most of the room would be left unused.)
                if end * 2 < cells.capacity { cells = Array(cells[..<end]) } else { cells.removeSubrange(end...) }
            }
            rows.append(TableRow(line: recordLine, cells: cells))
        }
        return Records(rows: rows, end: i, line: line)
    }

    static func badDelimiter(_ d: UInt8) -> InterchangeError {
        InterchangeError(
            .malformedText,
            "The delimiter byte 0x\(String(d, radix: 16, uppercase: true)) cannot separate fields: it must be an ASCII character other than a quote or a line end.",
            zh: "分隔符（0x\(String(d, radix: 16, uppercase: true))）无效：分隔符必须是英文字符，且不能是引号或换行。",
            hint: "Use a comma, a tab or a semicolon, or leave the delimiter out to detect it.",
            hintZH: "请使用逗号、制表符或分号作分隔符，或不指定分隔符，由程序自动识别。")
    }

    static func tooManyColumns(name: String, line: Int) -> InterchangeError {
        InterchangeError(
            .malformedText,
            "\(name): line \(line.withThousandsSeparators) has more than \(XLSXReader.maxColumn.withThousandsSeparators) columns, more than Excel or WPS can hold; it is not a table that can be imported.",
            zh: "“\(name)”第 \(line.withThousandsSeparators) 行超过 \(XLSXReader.maxColumn.withThousandsSeparators) 列，超出了 Excel 和 WPS 的列数上限，无法作为表格导入。",
            hint: "Check that you chose the right file. A table from Excel or WPS: save it as \"CSV UTF-8\" and import that.",
            hintZH: "请确认选择的文件是否正确。如果是 Excel 或 WPS 表格，请另存为“CSV UTF-8（逗号分隔）”后再导入。")
    }

    static func unterminatedQuote(name: String, line: Int, column: Int) -> InterchangeError {
        InterchangeError(
            .malformedText,
            "\(name): the quoted field that starts on line \(line.withThousandsSeparators) (column \(column)) has no closing quote (\"); the rest of the file would run into it.",
            zh: "\(name)：第 \(line.withThousandsSeparators) 行第 \(column) 列的内容以英文引号（\"）开头，但直到文件末尾都没有对应的结束引号，后面的内容无法分行。",
            hint: "Look at line \(line.withThousandsSeparators): add the missing quote, or write a quote inside a value as two quotes (\"\"). Saving the sheet again from Excel also fixes this.",
            hintZH: "请检查第 \(line.withThousandsSeparators) 行：补上缺少的引号；单元格内容里的引号要写成两个（\"\"）。也可以用 Excel 打开后重新另存为 CSV。")
    }
}
