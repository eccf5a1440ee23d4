import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The text encodings SalesVault reads and writes (data-model.md (c) 1 and 11).
///
/// Chinese Excel saves "CSV (逗号分隔)" in the ANSI code page, which on Simplified-Chinese Windows is
/// CP936/GBK with no BOM; "Unicode text" is UTF-16LE with a BOM and tabs; "CSV UTF-8" has a BOM.
/// GB18030 is a superset of GBK and GB2312, so one case reads all three.
public enum TextEncoding: Sendable, Equatable, Hashable, CaseIterable {
    /// UTF-8 without a BOM (a BOM found on reading is stripped).
    case utf8
    /// UTF-8 with a BOM: what Excel needs to open a UTF-8 CSV correctly on zh-CN Windows.
    case utf8BOM
    /// UTF-16 little-endian (Excel's "Unicode text"); written with a BOM.
    case utf16LE
    /// UTF-16 big-endian; written with a BOM.
    case utf16BE
    /// GB18030, which also reads GBK, GB2312 and CP936 (Excel's "ANSI" on Chinese Windows).
    case gb18030

    /// The encoding a user means by the name given to `--encoding` (case, `-`, `_` and spaces
    /// ignored): utf-8, utf8, utf-8-sig, utf-8-bom, utf-16, utf-16le, utf-16be, unicode, ucs-2,
    /// gb18030, gbk, gb2312, cp936, 936, ansi. "utf-16" and "unicode" mean little-endian, as on
    /// Windows (a BOM in the file still decides); "ansi" means GBK, the ANSI code page of
    /// Simplified-Chinese Windows, which is where this department's files come from.
    public init?(name: String) {
        let key = String(name.lowercased().unicodeScalars.filter { !"-_ ".unicodeScalars.contains($0) })
        switch key {
        case "utf8": self = .utf8
        case "utf8sig", "utf8bom", "utf8withbom": self = .utf8BOM
        case "utf16", "utf16le", "unicode", "ucs2", "ucs2le": self = .utf16LE
        case "utf16be", "unicodebigendian", "ucs2be": self = .utf16BE
        case "gb18030", "gbk", "gb2312", "cp936", "936", "ansi", "euccn", "windows936": self = .gb18030
        default: return nil
        }
    }

    /// The canonical name, accepted back by `init(name:)`.
    public var name: String {
        switch self {
        case .utf8: "utf-8"
        case .utf8BOM: "utf-8-bom"
        case .utf16LE: "utf-16le"
        case .utf16BE: "utf-16be"
        case .gb18030: "gb18030"
        }
    }

    /// The name shown to the user, in English.
    public var displayName: String {
        switch self {
        case .utf8: "UTF-8"
        case .utf8BOM: "UTF-8 with BOM"
        case .utf16LE: "UTF-16LE (Excel \"Unicode text\")"
        case .utf16BE: "UTF-16BE"
        case .gb18030: "GB18030 (GBK)"
        }
    }

    /// "UTF-16LE 编码（即 Excel 的“Unicode 文本”）": the encoding named in a Chinese sentence,
    /// its note after the word 编码, not inside the name. `text`: "编码文本".
    public func phraseZH(text: Bool = false) -> String {
        let (name, note): (String, String?) = switch self {
        case .utf8: ("UTF-8", nil)
        case .utf8BOM: ("UTF-8", "带 BOM")
        case .utf16LE: ("UTF-16LE", "即 Excel 的“Unicode 文本”")
        case .utf16BE: ("UTF-16BE", nil)
        case .gb18030: ("GBK/GB18030", nil)
        }
        return "\(name) 编码\(text ? "文本" : "")" + (note.map { "（\($0)）" } ?? "")
    }

    /// Guesses the encoding of a file (objectui#2556's order): a BOM decides (UTF-8, UTF-16LE,
    /// UTF-16BE); then UTF-16 without a BOM when the NUL bytes of ASCII text are plainly on one
    /// side of each byte pair; then strict UTF-8 if the bytes are valid UTF-8 (pure ASCII is
    /// `.utf8`); UTF-8 again when nearly all its non-ASCII bytes form UTF-8 sequences (a UTF-8
    /// file with a few damaged bytes: read as GB18030 it would import as mojibake without a word,
    /// so `decode` refuses it, naming the damaged byte); anything else is taken as GB18030, which
    /// `decode` then checks strictly.
    public static func detect(_ data: Data) -> TextEncoding { detectChecking(data).encoding }

    /// `detect`, and whether it found the whole of `data` well-formed UTF-8 on the way (false
    /// when it did not look: a BOM decided).
    static func detectChecking(_ data: Data) -> (encoding: TextEncoding, wellFormedUTF8: Bool) {
        if data.starts(with: utf8BOMBytes) { return (.utf8BOM, false) }
        if data.starts(with: [0xFF, 0xFE]) { return (.utf16LE, false) }
        if data.starts(with: [0xFE, 0xFF]) { return (.utf16BE, false) }
        // Well-formed UTF-8 with characters beyond ASCII is UTF-8 whatever NUL bytes it holds:
        // UTF-16 of such text is never well-formed UTF-8 throughout (a UTF-16 fragment pasted into
        // one cell made the whole file UTF-16: helper-114; the cell is refused for its NULs).
        // Only ASCII text in UTF-16 is well-formed UTF-8 (its NULs are), and has no byte above 7F.
        let hasNUL = data.withUnsafeBytes { raw in raw.baseAddress.map { memchr($0, 0, raw.count) != nil } ?? false }
        let wellFormed = hasNUL ? firstInvalidUTF8(data) == nil : nil
        if wellFormed == true, data.contains(where: { $0 >= 0x80 }) { return (.utf8, true) }
        if let utf16 = utf16ByNULPattern(data) { return (utf16, false) }
        if wellFormed ?? (firstInvalidUTF8(data) == nil) { return (.utf8, true) }
        // (UTF-8 cut off in its last character, a copy not finished: UTF-8, which `decode` then
        // refuses, naming the cut; as GB18030 its é became 茅 without a word: helper-207 4.)
        return (mostlyUTF8(data) || cutUTF8(data) ? .utf8 : .gb18030, false)
    }

    /// Whether `data` is well-formed UTF-8 but for its last character, cut short (a lead byte
    /// and fewer continuation bytes than it needs, at the very end).
    static func cutUTF8(_ data: Data) -> Bool {
        guard let bad = firstInvalidUTF8(data), bad >= data.count - 3, bad < data.count else { return false }
        let tail = data[(data.startIndex + bad)...]
        guard let lead = tail.first else { return false }
        let needs = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xC2 && lead <= 0xDF ? 2 : 0
        return needs > tail.count && tail.dropFirst().allSatisfy { $0 & 0xC0 == 0x80 }
    }

    /// Well-formed UTF-8 `data` that may be GBK text which happens to be well-formed UTF-8 too
    /// (helper-205 3: 山峡实业 in GBK read as ɽϿʵҵ, without a word): the first run that says so,
    /// its line, both readings, and whether the file is surely GBK; nil when nothing says so.
    ///
    /// About one GB2312 character in seven (lead byte C2–DF, trail A1–BF) is also a two-byte
    /// UTF-8 character, so a file whose Chinese is a few such characters reads as UTF-8. Only a
    /// file whose every character beyond ASCII is such a pair is asked (no three-byte UTF-8
    /// sequence, which Chinese UTF-8 always has; no trail byte 80–A0, which GB2312 has not and
    /// Russian or German UTF-8 has: р, ß). A run says GBK when two or more of its characters,
    /// side by side, are letters of different scripts (IPA beside Greek beside Cyrillic);
    /// symbols (± ° « µ ·), modifier letters (ʻ ʼ) and combining marks count for no script
    /// (100Ω±1%, Oʻzbekiston, a decomposed ç: helper-207 1). Sure only when no such character
    /// stands beside an ASCII letter, as accented letters in European words do (Café, Müller):
    /// otherwise the file stays UTF-8, and the import only says what GBK would read.
    static func gbkReadAsUTF8(_ data: Data) -> (line: Int, utf8: String, gbk: String, sure: Bool)? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> (line: Int, utf8: String, gbk: String, sure: Bool)? in
            let b = raw.bindMemory(to: UInt8.self)
            // The script of the character a pair stands for, by its code point; nil for none.
            func script(_ lead: UInt8, _ trail: UInt8) -> Int? {
                let cp = Int(lead & 0x1F) << 6 | Int(trail & 0x3F)
                switch cp {
                case ..<0xC0, 0xD7, 0xF7: return nil  // symbols, × ÷
                case ..<0x250: return 0  // Latin letters
                case ..<0x2B0: return 1  // IPA
                case ..<0x370: return nil  // modifier letters, combining marks
                case ..<0x400: return 2  // Greek
                case ..<0x530: return 3  // Cyrillic
                case ..<0x590: return 4  // Armenian
                case ..<0x600: return 5  // Hebrew
                case ..<0x700: return 6  // Arabic
                default: return 7        // Syriac, Thaana, NKo
                }
            }
            func isLetter(_ c: UInt8) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
            var i = 0, line = 1
            var found: (line: Int, start: Int, end: Int)?
            var besideLetter = false
            var runStart = -1, runScripts = Set<Int>(), previous: Int?
            var mixed = false
            // (What else GBK's pairs read as UTF-8 show and words seldom do: a combining mark on
            // no ASCII letter, a word of accented Latin letters alone with no ASCII letter: 茅台
            // read as é and a combining ogonek, 泰山 as a combining mark and ɽ, 陌陌 as İİ were
            // stored so, without a word: helper-214 1.)
            var runCount = 0, runAllLatin = true, letterBefore = false
            func endRun(at end: Int, letterAfter: Bool) {
                if runStart >= 0, runCount >= 2, runAllLatin, !letterBefore, !letterAfter { mixed = true }
                if runStart >= 0, found == nil, mixed { found = (line, runStart, end) }
                runStart = -1
                runScripts.removeAll(keepingCapacity: true)
                previous = nil
                mixed = false
                runCount = 0
                runAllLatin = true
            }
            while i < b.count {
                let c = b[i]
                if c < 0x80 {
                    if runStart >= 0, isLetter(c) { besideLetter = true }
                    endRun(at: i, letterAfter: isLetter(c))
                    if c == 0x0A { line += 1 }
                    i += 1
                    continue
                }
                guard (0xC2...0xDF).contains(c), i + 1 < b.count, (0xA1...0xBF).contains(b[i + 1]) else { return nil }
                if runStart < 0 {
                    runStart = i
                    letterBefore = i > 0 && isLetter(b[i - 1])
                    if letterBefore { besideLetter = true }
                }
                let cp = Int(c & 0x1F) << 6 | Int(b[i + 1] & 0x3F)
                // A combining mark on a character of the run, or on no letter.
                if (0x300...0x36F).contains(cp), i > runStart || !letterBefore { mixed = true }
                // (Two symbols side by side were taken for GBK too, 陆路 read as ½·; but German §§,
                // 45°±0.5°, ©®, «», ²³ are UTF-8 and were read as 搂搂, 掳卤: helper-216 2.)
                runCount += 1
                if script(c, b[i + 1]) != 0 { runAllLatin = false }
                // (Letters side by side: a symbol between two ends the pair.)
                if let s = script(c, b[i + 1]) {
                    if let previous, previous != s { mixed = true }
                    previous = s
                } else {
                    previous = nil
                }
                i += 2
            }
            endRun(at: b.count, letterAfter: false)
            guard let found else { return nil }
            let run = UnsafeBufferPointer(rebasing: b[found.start..<found.end])
            guard let gbk = try? GB18030Converter.decode(run) else { return nil }
            return (found.line, String(decoding: run, as: UTF8.self), gbk, !besideLetter)
        }
    }

    /// Whether at least 90% of the non-ASCII bytes of `data` (and at least one 3-byte sequence)
    /// are well-formed UTF-8 sequences. GBK text almost never is: its two-byte characters rarely
    /// line up as a lead byte E0–EF followed by two bytes 80–BF.
    static func mostlyUTF8(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0, good = 0, high = 0, threeByte = 0
            while i < b.count {
                let c = b[i]
                if c < 0x80 { i += 1; continue }
                let n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0
                if n > 0, i + n <= b.count, (1..<n).allSatisfy({ b[i + $0] & 0xC0 == 0x80 }) {
                    good += n
                    high += n
                    if n == 3 { threeByte += 1 }
                    i += n
                } else {
                    high += 1
                    i += 1
                }
            }
            return threeByte > 0 && good * 10 >= high * 9
        }
    }

    /// Decodes `data` strictly: an invalid sequence is an `.encoding` error that names its byte
    /// offset and line and suggests `--encoding`. A BOM of the encoding is stripped (for UTF-16 a
    /// BOM decides the byte order, whichever of LE and BE was asked for).
    /// `pasted`: a UTF-8 line in GB18030 text is refused (`utf8LineStart`); false when the
    /// encoding was asked for (`--encoding gbk`: the user says the file is GBK, and it was the
    /// way out a wrong refusal had none of: helper-214 2).
    public static func decode(_ data: Data, as encoding: TextEncoding, refusingPastedUTF8 pasted: Bool = true) throws -> String {
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            switch encoding {
            case .utf8, .utf8BOM:
                let start = bytes.starts(with: utf8BOMBytes) ? 3 : 0
                let body = UnsafeBufferPointer(rebasing: bytes[start...])
                if let text = String(validating: body, as: UTF8.self) { return text }
                let offset = start + firstInvalidUTF8Offset(body)
                throw invalidBytes(encoding, offset: offset, in: bytes)
            case .utf16LE, .utf16BE:
                return try decodeUTF16(bytes, bigEndian: encoding == .utf16BE)
            case .gb18030:
                if pasted, let start = utf8LineStart(bytes) {
                    // (The line both ways, to see which is right: a GBK line can read as UTF-8
                    // too, Tony毛Lee as TonyëLee, and --encoding gbk then reads it as it is:
                    // helper-218 6.)
                    var end = start
                    while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
                    let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    throw mixedEncodings(line: line(ofByte: start, in: bytes, encoding: .gb18030), asGBK: try? GB18030Converter.decode(text),
                                         asUTF8: String(decoding: text, as: UTF8.self))
                }
                return try GB18030Converter.decode(bytes)
            }
        }
    }

    /// Encodes `text`: `.utf8BOM` and both UTF-16 cases begin with a BOM. GB18030 goes through
    /// iconv; the few Private Use Area characters glibc cannot map are an `.encoding` error that
    /// names the character and its line.
    public static func encode(_ text: String, as encoding: TextEncoding) throws -> Data {
        switch encoding {
        case .utf8:
            return Data(text.utf8)
        case .utf8BOM:
            var data = Data(utf8BOMBytes)
            data.append(contentsOf: text.utf8)
            return data
        case .utf16LE, .utf16BE:
            let big = encoding == .utf16BE
            var bytes: [UInt8] = big ? [0xFE, 0xFF] : [0xFF, 0xFE]
            bytes.reserveCapacity(2 + text.utf16.count * 2)
            for unit in text.utf16 {
                let (hi, lo) = (UInt8(unit >> 8), UInt8(unit & 0xFF))
                bytes.append(big ? hi : lo)
                bytes.append(big ? lo : hi)
            }
            return Data(bytes)
        case .gb18030:
            return try GB18030Converter.encode(text)
        }
    }

    static let utf8BOMBytes: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// UTF-16 without a BOM, recognised only when it is obvious: at least 8 byte pairs looked at,
    /// a quarter or more of them with a NUL on one side and almost none on the other (ASCII
    /// letters, digits and punctuation in UTF-16 all have a NUL high byte); or NUL bytes mostly
    /// on one side, and the whole file well-formed UTF-16 of that byte order (below).
    private static func utf16ByNULPattern(_ data: Data) -> TextEncoding? {
        let pairs = min(data.count, 4096) / 2
        guard pairs >= 8 else { return nil }
        var evenNUL = 0, oddNUL = 0
        var index = data.startIndex
        for _ in 0..<pairs {
            if data[index] == 0 { evenNUL += 1 }
            if data[index + 1] == 0 { oddNUL += 1 }
            index += 2
        }
        if oddNUL * 4 >= pairs && evenNUL * 16 <= pairs { return .utf16LE }
        if evenNUL * 4 >= pairs && oddNUL * 16 <= pairs { return .utf16BE }
        // Mostly Chinese UTF-16 (客户名称	等级	…) has few NUL bytes, more on one side than the
        // other (its tabs, line breaks and digits; a character beyond the BMP puts one on the
        // other side), and text in UTF-8 or GB18030 has none. Such a file is UTF-16 of that byte
        // order when it has two NUL bytes at least and the whole of it reads as well-formed
        // UTF-16 with a line break and a tab or comma, or two line breaks, and no U+0000 (it was
        // read as GB18030 and refused). (UTF-8 with a stray NUL is decided before.)
        guard oddNUL != evenNUL, max(oddNUL, evenNUL) >= 2 else { return nil }
        let big = evenNUL > oddNUL
        // (A last odd byte is left out here, so that the reading names it: "half a character".)
        let even = data.count % 2 == 0 ? data : data.dropLast()
        guard let text = try? even.withUnsafeBytes({ try decodeUTF16($0.bindMemory(to: UInt8.self), bigEndian: big) }),
              !text.utf8.contains(0) else { return nil }
        // A line break and a tab or comma, or two line breaks (a list of one column).
        let breaks = text.utf8.reduce(0) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
        guard breaks >= 2 || (breaks == 1 && (text.utf8.contains(0x09) || text.utf8.contains(0x2C))) else { return nil }
        return big ? .utf16BE : .utf16LE
    }

    private static func decodeUTF16(_ bytes: UnsafeBufferPointer<UInt8>, bigEndian: Bool) throws -> String {
        var big = bigEndian
        var start = 0
        if bytes.starts(with: [0xFF, 0xFE]) { (big, start) = (false, 2) }
        else if bytes.starts(with: [0xFE, 0xFF]) { (big, start) = (true, 2) }
        let encoding: TextEncoding = big ? .utf16BE : .utf16LE
        var units = [UInt16]()
        units.reserveCapacity((bytes.count - start) / 2)
        var i = start
        while i + 1 < bytes.count {
            let (a, b) = (UInt16(bytes[i]), UInt16(bytes[i + 1]))
            units.append(big ? a << 8 | b : b << 8 | a)
            i += 2
        }
        var u = 0
        while u < units.count {
            let unit = units[u]
            if UTF16.isLeadSurrogate(unit), u + 1 < units.count, UTF16.isTrailSurrogate(units[u + 1]) {
                u += 2
            } else if UTF16.isLeadSurrogate(unit) || UTF16.isTrailSurrogate(unit) {
                throw invalidUTF16(encoding, offset: start + 2 * u, unit: unit, withBOM: start == 2, in: bytes)
            } else {
                u += 1
            }
        }
        if (bytes.count - start) % 2 == 1 {
            throw invalidUTF16(encoding, offset: bytes.count - 1, unit: nil, withBOM: start == 2, in: bytes)
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Throws `decode`'s error for `data` that is not well-formed UTF-8 (a BOM is).
    static func checkUTF8(_ data: Data, as encoding: TextEncoding) throws {
        guard let offset = firstInvalidUTF8(data) else { return }
        throw data.withUnsafeBytes { invalidBytes(encoding, offset: offset, in: $0.bindMemory(to: UInt8.self)) }
    }

    /// Where the first byte of `data` that is not part of well-formed UTF-8 is; nil when every
    /// byte is. A large text is checked in two parts on two cores, split before a byte that
    /// starts a character (so each part is well-formed exactly when its share of the whole is).
    static func firstInvalidUTF8(_ data: Data) -> Int? {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var at = bytes.count / 2
            while at < bytes.count && bytes[at] & 0xC0 == 0x80 && at - bytes.count / 2 < 4 { at += 1 }  // (4: not UTF-8 anyway)
            if bytes.count < 1 << 20 || at >= bytes.count || bytes[at] & 0xC0 == 0x80 {
                let end = firstInvalidUTF8Offset(bytes)
                return end < bytes.count ? end : nil
            }
            let split = at
            let ends = Parallel.map(2) { part in
                data.withUnsafeBytes { raw in
                    let b = raw.bindMemory(to: UInt8.self)
                    return (part == 0 ? 0 : split) + firstInvalidUTF8Offset(UnsafeBufferPointer(rebasing: part == 0 ? b[..<split] : b[split...]))
                }
            }
            if ends[0] < split { return ends[0] }
            return ends[1] < bytes.count ? ends[1] : nil
        }
    }

    /// The byte after the last well-formed UTF-8 character from the start of `b` (`b.count` when
    /// all are): Unicode table 3-7, no overlongs, no surrogates, nothing above U+10FFFF.
    static func firstInvalidUTF8Offset(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        func cont(_ j: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            j < b.count && range.contains(b[j])
        }
        let n = b.count
        while i < n {
            let c = b[i]
            // The common cases first: eight ASCII bytes at once, then a 3-byte character (CJK).
            if c < 0x80 {
                i += 1
                while i + 8 <= n, UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
                continue
            }
            if c >= 0xE1 && c != 0xED && c <= 0xEF && i + 2 < n && b[i + 1] & 0xC0 == 0x80 && b[i + 2] & 0xC0 == 0x80 {
                i += 3
                continue
            }
            switch c {
            case 0x00...0x7F: i += 1; continue
            case 0xC2...0xDF: if cont(i + 1) { i += 2; continue }
            case 0xE0: if cont(i + 1, 0xA0...0xBF) && cont(i + 2) { i += 3; continue }
            case 0xE1...0xEC, 0xEE...0xEF: if cont(i + 1) && cont(i + 2) { i += 3; continue }
            case 0xED: if cont(i + 1, 0x80...0x9F) && cont(i + 2) { i += 3; continue }
            case 0xF0: if cont(i + 1, 0x90...0xBF) && cont(i + 2) && cont(i + 3) { i += 4; continue }
            case 0xF1...0xF3: if cont(i + 1) && cont(i + 2) && cont(i + 3) { i += 4; continue }
            case 0xF4: if cont(i + 1, 0x80...0x8F) && cont(i + 2) && cont(i + 3) { i += 4; continue }
            default: break
            }
            return i
        }
        return b.count
    }

    /// The 1-based line holding byte `offset`, counting LF, CRLF and a lone CR as line ends. In
    /// UTF-16 the line ends are code units; in the other encodings CR and LF bytes never occur
    /// inside a multi-byte character.
    static func line(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>, encoding: TextEncoding) -> Int {
        var line = 1
        switch encoding {
        case .utf16LE, .utf16BE:
            let big = encoding == .utf16BE
            var i = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) ? 2 : 0
            func unit(_ j: Int) -> UInt16 {
                big ? UInt16(bytes[j]) << 8 | UInt16(bytes[j + 1]) : UInt16(bytes[j + 1]) << 8 | UInt16(bytes[j])
            }
            while i + 1 < offset, i + 1 < bytes.count {
                let u = unit(i)
                if u == 0x0A || (u == 0x0D && !(i + 3 < bytes.count && unit(i + 2) == 0x0A)) { line += 1 }
                i += 2
            }
        default:
            var i = 0
            while i < offset, i < bytes.count {
                let c = bytes[i]
                if c == 0x0A || (c == 0x0D && !(i + 1 < bytes.count && bytes[i + 1] == 0x0A)) { line += 1 }
                i += 1
            }
        }
        return line
    }

    /// Where the first line of `b` starts whose non-ASCII bytes are all well-formed UTF-8, with
    /// at least three characters of three or four bytes (Chinese text written as UTF-8); nil when
    /// no line is. In GBK/GB18030 text such a line does not occur by chance (none in the 730,000
    /// lines of the benchmark's files written as GB18030): it was pasted in from a UTF-8 file, and
    /// read as GB18030 it would be stored as mojibake without a word.
    /// Two such characters are enough when a byte of the line is 0x80–0xA0, which no GB2312
    /// character has (华为 is E5 8D 8E E4 B8 BA; a UTF-8 line of the commonest short names went
    /// unseen, stored as 鍗庝负: helper-212 5). Of 2,000,000 random GB2312 strings of three to eight
    /// characters, 80 were well-formed UTF-8 with two such characters and none had such a byte.
    /// One character is enough when it is an accented Latin letter beside an ASCII letter (Jörg,
    /// Nestlé, Škoda): read as GBK, a Chinese character glued to a Latin word on a line whose
    /// every other character reads as UTF-8 too.
    static func utf8LineStart(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = b.count
        var start = 0
        while start < n {
            var i = start, wide = 0, wellFormed = true, belowGB2312 = false, latinInWord = false
            var wideStarts: [Int] = []
            while i < n && b[i] != 0x0A && b[i] != 0x0D {
                let c = b[i]
                if c < 0x80 { i += 1; continue }
                let length = utf8Length(b, at: i)
                if length == 0 { wellFormed = false; break }
                if length >= 3 { wide += 1; if wideStarts.count < 2 { wideStarts.append(i) } }
                // (An accented Latin letter, U+00C0–U+017F, inside a word: Jörg, Müller. Read as
                // GBK it is one Chinese character between two Latin letters, J枚rg, M眉ller,
                // stored so without a word: helper-216 1.)
                // (Or at a word's end or start, Nestlé, Škoda, Émile: helper-218 1. A GBK line
                // whose every character reads as UTF-8 too, Tony毛Lee, is refused so as well: the
                // message shows both readings and offers --encoding gbk.)
                if length == 2, (0xC3...0xC5).contains(c), (i > start && isASCIILetter(b[i - 1])) || (i + 2 < n && isASCIILetter(b[i + 2])) { latinInWord = true }
                for k in i..<(i + length) where b[k] <= 0xA0 { belowGB2312 = true }
                i += length
            }
            // (Two: each read as UTF-8 a common character, of GB2312, as a UTF-8 name's are; a
            // GBK line with a traditional or rarer character, 鋼板厂, reads as 䓰峧 and was
            // refused: helper-214 2. None of 500,000 such lines of two to six characters, and 95 %
            // of two-character UTF-8 names, are so.)
            if wellFormed && (wide >= 3 || latinInWord || (wide >= 2 && belowGB2312 && wideStarts.allSatisfy { inGB2312(b, at: $0) })) { return start }
            while i < n && b[i] != 0x0A && b[i] != 0x0D { i += 1 }  // (the rest of a line that is not)
            start = i + 1
        }
        return nil
    }

    static func isASCIILetter(_ c: UInt8) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }

    /// Whether the UTF-8 character at `i` (well-formed, three bytes) is one GB2312 holds.
    static func inGB2312(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard i + 3 <= b.count, let cd = iconv_open("GB2312", "UTF-8"), Int(bitPattern: cd) != -1 else { return false }
        defer { iconv_close(cd) }
        return CodePage936.converts([b[i], b[i + 1], b[i + 2]], cd)
    }

    /// The length of the well-formed UTF-8 character at `i` (lead byte 0x80 or more), 0 if none.
    static func utf8Length(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        func cont(_ j: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool { j < b.count && range.contains(b[j]) }
        switch b[i] {
        case 0xC2...0xDF: return cont(i + 1) ? 2 : 0
        case 0xE0: return cont(i + 1, 0xA0...0xBF) && cont(i + 2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(i + 1) && cont(i + 2) ? 3 : 0
        case 0xED: return cont(i + 1, 0x80...0x9F) && cont(i + 2) ? 3 : 0
        case 0xF0: return cont(i + 1, 0x90...0xBF) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF1...0xF3: return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF4: return cont(i + 1, 0x80...0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0
        default: return 0
        }
    }

    /// `asGBK`, `asUTF8`: the line read either way (nil: it is no GBK, and --encoding gbk is not
    /// offered; helper-220 5), shown from a little before its first character beyond ASCII, where
    /// the two differ (the first 60 characters of a long line were the same: helper-220 6).
    static func mixedEncodings(line: Int, asGBK: String? = nil, asUTF8: String = "") -> InterchangeError {
        let lead = asUTF8.unicodeScalars.prefix { $0.isASCII }.count
        func shown(_ text: String) -> String {
            let clean = Array(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
            let from = lead > 20 ? lead - 20 : 0, to = min(clean.count, from + 60)
            return (from > 0 ? "…" : "") + String(clean[from..<to]) + (to < clean.count ? "…" : "")
        }
        let readings: (en: String, zh: String) = asUTF8.isEmpty ? ("", "")
            : asGBK.map { gbk in (" (as GBK it reads “\(shown(gbk))”, as UTF-8 “\(shown(asUTF8))”)", "（按 GBK 读为“\(shown(gbk))”，按 UTF-8 读为“\(shown(asUTF8))”）") }
            ?? (" (as UTF-8 it reads “\(shown(asUTF8))”; it is no GBK text)", "（按 UTF-8 读为“\(shown(asUTF8))”，按 GBK 无法读取）")
        let gbk: (en: String, zh: String) = asGBK == nil && !asUTF8.isEmpty ? ("", "")
            : ("if the line reads right as GBK, import it with --encoding gbk; ", "如果该行按 GBK 读出的内容正确，请加上 --encoding gbk 重新导入；")
        return InterchangeError(
            .encoding,
            "Line \(line.withThousandsSeparators) is UTF-8 text, but the file is read as GBK/GB18030: read so, that line would be stored garbled\(readings.en). The file mixes two encodings (rows pasted in from another file?), or it is UTF-8 throughout.",
            zh: "第 \(line.withThousandsSeparators) 行是 UTF-8 编码，但文件目前按 GBK/GB18030 编码读取，这样该行存入档案后会变成乱码\(readings.zh)。可能整个文件都是 UTF-8 编码，也可能文件混用了两种编码（例如部分行是从其他文件粘贴过来的）。",
            hint: "If the whole file is UTF-8, import it with --encoding utf-8; \(gbk.en)otherwise open it in Excel or WPS, check that line, and save the whole file again as \"CSV UTF-8\".",
            hintZH: "如果整个文件都是 UTF-8 编码，请在导入命令后加上 --encoding utf-8 重新导入；\(gbk.zh)否则请用 Excel 或 WPS 打开文件，检查并改正该行，然后将整个文件另存为“CSV UTF-8（逗号分隔）”，再重新导入。"
        )
    }

    static func invalidBytes(_ encoding: TextEncoding, offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> InterchangeError {
        let line = line(ofByte: offset, in: bytes, encoding: encoding)
        // The byte that cannot be read, then (for context) the few after it; positions from 1.
        let hex = { (b: UInt8) in String(format: "%02X", b) }
        let after = bytes[min(offset + 1, bytes.count)..<min(offset + 4, bytes.count)].map(hex).joined(separator: " ")
        let position = (offset + 1).withThousandsSeparators
        // A file that starts with another encoding's mark (BOM) was read as this one by --encoding:
        // the mark says what it is.
        let marked: TextEncoding? = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? .utf8BOM
            : bytes.starts(with: [0xFF, 0xFE]) ? .utf16LE : bytes.starts(with: [0xFE, 0xFF]) ? .utf16BE : nil
        if let marked, marked != encoding, !(marked == .utf8BOM && encoding == .utf8) {
            return InterchangeError(
                .encoding,
                "The file starts with the mark (BOM) of \(marked.displayName), not the \(encoding.displayName) that --encoding gives.",
                zh: "文件开头的标记（BOM）表明它是 \(marked.phraseZH())，与 --encoding 指定的 \(encoding.phraseZH())不符。",
                hint: "Import it without --encoding: the mark tells how the file is written.",
                hintZH: "请去掉 --encoding 后重新导入，程序会按该标记自动识别编码。")
        }
        // UTF-8 whose last character is cut: the file ends where a character has begun.
        if encoding == .utf8 || encoding == .utf8BOM, offset < bytes.count, (0xC2...0xF4).contains(bytes[offset]),
           bytes.count - offset < (bytes[offset] >= 0xF0 ? 4 : bytes[offset] >= 0xE0 ? 3 : 2),
           bytes[(offset + 1)...].allSatisfy({ (0x80...0xBF).contains($0) }) {
            let n = bytes.count - offset
            return InterchangeError(
                .encoding,
                "The file is not valid \(encoding.displayName) text: its last character (line \(line.withThousandsSeparators)) is not complete, only its first \(n == 1 ? "byte is" : "\(n) bytes are") there. The file may not have been saved or copied whole.",
                zh: "文件不是有效的 \(encoding.phraseZH(text: true))：文件末尾（第 \(line.withThousandsSeparators) 行）的最后一个字符不完整，只有开头的 \(n) 个字节。文件可能没有完整保存或复制。",
                hint: "Copy or download the file again from where it came from, then import it. If the original is the same, open it in Excel or WPS, check that its last line is complete, and save it as \"CSV UTF-8\".",
                hintZH: "请从原处重新复制或下载该文件后再导入。如果原文件也是这样，请用 Excel 或 WPS 打开，检查最后一行是否完整，再另存为“CSV UTF-8（逗号分隔）”。")
        }
        let suggested = encoding == .gb18030 ? "utf-8" : "gb18030"
        return InterchangeError(
            .encoding,
            "The file is not valid \(encoding.displayName) text: line \(line.withThousandsSeparators) (byte \(position) of the file) has the byte \(hex(bytes[offset]))\(after.isEmpty ? "" : " (followed by \(after))"), which cannot be read so.",
            zh: "文件不是有效的 \(encoding.phraseZH(text: true))：第 \(line.withThousandsSeparators) 行（文件第 \(position) 个字节处）有无法识别的字节 \(hex(bytes[offset]))\(after.isEmpty ? "" : "（后面紧跟 \(after)）")。",
            hint: "Give the file's real encoding with --encoding (for example --encoding \(suggested)); "
                + "or open the file in Excel and save it again as \"CSV UTF-8\".",
            hintZH: "请用 --encoding 指定文件的实际编码（例如 --encoding \(suggested)）；"
                + "或者用 Excel 打开该文件，另存为“CSV UTF-8（逗号分隔）”后再导入。"
        )
    }
}

extension TextEncoding {
    /// UTF-16 that breaks off: half of a character (`unit`, a surrogate without its pair) or an
    /// odd last byte (`unit` nil). A file whose BOM says UTF-16 is damaged (cut off, or joined
    /// from pieces), not in another encoding: it is saved again, not read otherwise.
    static func invalidUTF16(_ encoding: TextEncoding, offset: Int, unit: UInt16?, withBOM: Bool, in bytes: UnsafeBufferPointer<UInt8>) -> InterchangeError {
        let line = line(ofByte: offset, in: bytes, encoding: encoding).withThousandsSeparators
        let position = (offset + 1).withThousandsSeparators
        let what = unit.map { (String(format: "line \(line) (byte \(position) of the file) has half of a character (the UTF-16 unit %04X without its other half)", $0),
                               String(format: "第 \(line) 行（文件第 \(position) 个字节处）有一个不完整的字符（UTF-16 编码单元 %04X 缺少与之配对的另一半）", $0)) }
            ?? (withBOM
                ? ("the file has an odd number of bytes: its last byte (line \(line), byte \(position) of the file) is half of a character. It may not have been saved or copied whole",
                   "文件的字节数为奇数，最后一个字节（第 \(line) 行，文件第 \(position) 个字节处）只是半个字符。文件可能没有完整保存或复制")
                : ("the file has an odd number of bytes: its last byte (line \(line), byte \(position) of the file) is half of a character. It may not be UTF-16 at all, or not have been saved or copied whole",
                   "文件的字节数为奇数，最后一个字节（第 \(line) 行，文件第 \(position) 个字节处）只是半个字符。文件可能不是 UTF-16 编码，也可能没有完整保存或复制"))
        let (hint, hintZH) = withBOM
            ? ("The file says at its start that it is UTF-16, but it is damaged. Copy it again from where it came from; or open it in Excel or WPS, check its content, and save it as \"CSV UTF-8\" to import.",
               "该文件开头标明为 UTF-16 编码，但内容已损坏。请从原处重新复制该文件；或用 Excel 或 WPS 打开，确认内容无误后另存为“CSV UTF-8（逗号分隔）”再导入。")
            : ("Open the file in Excel or WPS and save it as \"CSV UTF-8\" to import; if you know its real encoding, you can also give it with --encoding (for example --encoding utf-8 or --encoding gb18030).",
               "请用 Excel 或 WPS 打开该文件，另存为“CSV UTF-8（逗号分隔）”后再导入；如果知道文件的实际编码，也可以用 --encoding 指定（例如 --encoding utf-8 或 --encoding gb18030）。")
        return InterchangeError(
            .encoding,
            "The file is not valid \(encoding.displayName) text: \(what.0).",
            zh: "文件不是有效的 \(encoding.phraseZH(text: true))：\(what.1)。",
            hint: hint, hintZH: hintZH)
    }
}

extension InterchangeError {
    /// This encoding error with the file it is about named in it ("“客户.csv”不是有效的…"),
    /// as the reader of the bytes, which knows no name, could not.
    func naming(_ fileName: String) -> InterchangeError {
        guard code == .encoding else { return self }
        let english = reason.hasPrefix("The file ") ? "\(fileName) " + reason.dropFirst("The file ".count) : "\(fileName): \(reason)"
        let zh = reasonZH.hasPrefix("文件") ? "“\(fileName)”" + reasonZH.dropFirst("文件".count) : "“\(fileName)”\(reasonZH)"
        return InterchangeError(code, english, zh: zh, hint: hint, hintZH: hintZH)
    }
}

extension Int {
    /// The number with thousands separators, as error messages show line numbers ("line 9,999").
    var withThousandsSeparators: String {
        let digits = String(magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return self < 0 ? "-" + out : out
    }
}
