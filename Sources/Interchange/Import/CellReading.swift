import Foundation
import SalesArchive
import VaultFormat

/// Reading one cell as the input of one field (INTERCHANGE.md §3): text stays text, numbers in
/// ID columns are checked for what Excel does to them, dates come from date cells or from the
/// accepted written forms, instants from date-time cells or `2026-03-05 14:30`.
enum CellReading {
    /// Fields whose text is an identifier: leading zeros and every digit matter.
    static let identifierFields: Set<String> = ["code", "creditCode", "phone", "mobile", "number"]

    /// A problem with one cell, before the row is planned.
    struct Failure: Error {
        let reason: String
        let reasonZH: String
    }

    /// A notice about one cell that does not refuse it (collected per column).
    enum Notice: Hashable {
        case numericIdentifier
        /// A number in a phone column that is a landline with its area code's 0 lost: read with
        /// the 0 given back (`phoneWithoutItsZero`).
        case restoredLeadingZero
    }

    /// Whether the digits of a number cell in a phone column are a mainland landline whose area
    /// code lost its 0 (Excel drops it from a number): 9 to 11 digits from 2 to 9, none of which
    /// is a local number (7 or 8 digits), a mobile (from 1) or a 400/800 number (10 digits).
    /// 2584563000 is 025-84563000; read with the 0 given back, its length is then judged as a
    /// landline's (258456300 was stored without a word but a notice: helper-183 F14).
    static func phoneWithoutItsZero(_ digits: String) -> Bool {
        let u = Array(digits.utf8)
        guard (9...11).contains(u.count), u.allSatisfy({ (0x30...0x39).contains($0) }), (0x32...0x39).contains(u[0]) else { return false }
        if u.count == 10, u[0] == 0x34 || u[0] == 0x38, u[1] == 0x30, u[2] == 0x30 { return false }
        return true
    }

    /// A number cell's value as Excel shows it in a General cell: at most 15 significant digits,
    /// without an exponent where it can (1234567890123456 → 1234567890123460, 0.1 + 0.2 → 0.3;
    /// messages had said 1.234567890123457e+19 and 1234567890123456.0).
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        guard d.isFinite else { return "\(d)" }
        if d == d.rounded(), abs(d) < 1e21 {
            // "1.23456789012346e+15": the 15 digits, then zeros up to the exponent.
            let e = String(format: "%.14e", abs(d))
            guard let mark = e.firstIndex(of: "e"), let exponent = Int(e[e.index(after: mark)...]) else { return "\(d)" }
            let digits = e[..<mark].filter { $0 != "." }
            return (d < 0 ? "-" : "") + digits + String(repeating: "0", count: max(0, exponent + 1 - digits.count))
        }
        if abs(d) >= 1e-4 && abs(d) < 1e15 { return String(format: "%.15g", d) }
        // Very large or small: Excel's scientific form, 1E+22, 1.5E-05 (not 1e+22).
        let e = String(format: "%.5E", d)
        guard let mark = e.firstIndex(of: "E") else { return "\(d)" }
        var mantissa = String(e[..<mark])
        while mantissa.hasSuffix("0") { mantissa.removeLast() }
        if mantissa.hasSuffix(".") { mantissa.removeLast() }
        let exponent = e[e.index(after: mark)...]
        let digits = exponent.dropFirst().drop { $0 == "0" }
        return mantissa + "E" + String(exponent.prefix(1)) + (digits.count < 2 ? String(repeating: "0", count: 2 - digits.count) : "") + digits
    }

    static func dateText(_ c: CivilDateTime) -> String {
        // A time alone (a cell formatted as a time, shown as 1899-12-31): the time (helper-124).
        if c.year < 1900 {
            let s = c.secondOfDay
            return String(format: "%02d:%02d", s / 3600, s % 3600 / 60) + (s % 60 == 0 ? "" : String(format: ":%02d", s % 60))
        }
        let date = String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
        guard c.secondOfDay != 0 else { return date }
        let s = c.secondOfDay
        return date + String(format: " %02d:%02d", s / 3600, s % 3600 / 60) + (s % 60 == 0 ? "" : String(format: ":%02d", s % 60))
    }

    /// Excel's error values (what a cell shows when its formula fails), as read from a
    /// workbook (`t="e"`) or from a CSV Excel saved: never a value to import.
    static let excelErrors: Set<String> = ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!",
                                           "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"]

    /// `s` when it is one of `excelErrors` (in any case), else nil.
    static func excelError(_ s: String) -> String? {
        guard s.utf8.first == UInt8(ascii: "#"), s.utf8.count <= 14 else { return nil }
        return excelErrors.contains(s.uppercased()) ? s : nil
    }

    /// `s` with each scalar in its `asciiForm` (full-width ASCII and the ideographic space).
    static func halfWidth(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.asciiForm != $0 }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map(\.asciiForm)))
    }

    /// The refusal of a cell holding one of `excelErrors`.
    static func excelErrorFailure(_ error: String) -> Failure {
        Failure(reason: "\(error) is what Excel shows for a formula that failed, not a value; correct the formula or clear the cell, and import again",
                reasonZH: "“\(error)”是 Excel 公式出错时显示的结果，不是实际内容。请在表格中改正公式或清空该单元格后重新导入")
    }

    /// `1.23E+17`: what Excel shows a long number as, after losing its last digits.
    /// The text matches `^[0-9](\.[0-9]+)?[eE][+]?[0-9]+$` (matched by hand: a regular
    /// expression per identifier cell was a tenth of an import's time). The text is trimmed, so
    /// the pattern's `$` never meets a final line break.
    static func looksScientific(_ s: String) -> Bool {
        var text = s
        return text.withUTF8 { b -> Bool in
            func digit(_ i: Int) -> Bool { i < b.count && b[i] >= 0x30 && b[i] <= 0x39 }
            guard digit(0) else { return false }
            var i = 1
            if i < b.count && b[i] == 0x2E {  // .
                i += 1
                guard digit(i) else { return false }
                while digit(i) { i += 1 }
            }
            guard i < b.count, b[i] == 0x45 || b[i] == 0x65 else { return false }  // E e
            i += 1
            if i < b.count && b[i] == 0x2B { i += 1 }  // +
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
            return i == b.count
        }
    }

    /// The input text of `cell` for `spec` (nil when empty), and a notice worth telling.
    static func input(_ cell: CellValue, _ spec: FieldSpec, dayOrder: ImportOptions.DayOrder?) throws -> (String?, Notice?) {
        try input(cell, spec, identifier: identifierFields.contains(spec.key), dayOrder: dayOrder)
    }

    /// `input` with whether the field is one of `identifierFields` known (looked up once per
    /// column, not per cell).
    static func input(_ cell: CellValue, _ spec: FieldSpec, identifier: Bool, dayOrder: ImportOptions.DayOrder?) throws -> (String?, Notice?) {
        switch cell {
        case .empty: return (nil, nil)
        case .text(let raw):
            // A NUL is no part of any value a sheet holds: a damaged or binary file (it was
            // stored in notes and exported again: helper-113 F1).
            if raw.utf8.withContiguousStorageIfAvailable({ $0.isEmpty ? false : memchr($0.baseAddress!, 0, $0.count) != nil }) ?? raw.utf8.contains(0) {
                throw nulCharacter
            }
            var s = FormulaGuard.restore(raw).trimmedWhitespace
            if s.isEmpty { return (nil, nil) }
            if let error = excelError(s) { throw excelErrorFailure(error) }
            // Codes and numbers typed with a Chinese input method in full width (１３８…, ９１…)
            // are kept as the ASCII they stand for: search and export find them as typed elsewhere.
            // A phone keeps its other punctuation as written, as the archive stores it
            // (ChangeDraft.phoneForm: 总机：… was imported as 总机:…: helper-160).
            if identifier { s = ChangeDraft.isPhoneField(spec.key) ? ChangeDraft.phoneForm(s) : halfWidth(s) }
            if identifier, looksScientific(halfWidth(s)) {
                throw Failure(reason: "\(s) is a number Excel shortened to scientific notation; its last digits are lost. Format the column as text and type the number again",
                              reasonZH: "“\(s)”已被 Excel 改成科学计数法，后几位已丢失。请在 Excel 中把该列设为“文本”格式，再重新输入完整号码")
            }
            if spec.type.isMoney, looksScientific(halfWidth(s)) {
                // (A CSV saved by Excel writes a wide number as its cell showed it: 1.23457E+11.
                // It was "no amount" with examples.)
                throw Failure(reason: "\(s) is an amount Excel showed in scientific notation; its last digits may be lost. Widen the column or format it as Number in Excel, save again and import",
                              reasonZH: "“\(s)”是 Excel 以科学计数法显示的金额，后几位可能已丢失。请在 Excel 中把该列设为“数值”格式（或加宽该列），核对金额后重新保存再导入")
            }
            // A date and a time of day in a date column (2026-03-05 14:30): the date, as a
            // spreadsheet's date-time cell gives its day (helper-113 F3: "not a date").
            if spec.type.isDate, let date = DateParser.dateBeforeTime(s) { s = date }
            if spec.type.isDate, let order = dayOrder, let iso = reorder(s, order) { return (iso, nil) }
            if spec.type.isDate, DateParser.isRelative(s) { throw relativeDate(s) }
            return (s, nil)
        case .number(let d):
            switch spec.type {
            case .date:
                throw Failure(reason: "\(number(d)) is a number, not a date; format the cell as a date or write 2026-03-05",
                              reasonZH: "“\(number(d))”是数字，不是日期；请把单元格设为日期格式，或写成 2026-03-05")
            case .money:
                // As Excel shows it (15 significant digits: no binary noise), written out where
                // Excel would show an exponent: the money type then says what is wrong with
                // 1234.567 or 1E-07 (finer than a fen: they were rounded to it without a word)
                // and with 1E+22 (too large: it was called no amount).
                return (Importer.fullNumber(d), nil)
            case .flag:
                return (d != 0 ? "是" : "否", nil)
            default:
                if identifier {
                    // (5.5 is no code or number: it was called too long to keep exactly.)
                    guard d == d.rounded() || abs(d) >= 1e15 else {
                        throw Failure(reason: "\(number(d)) is a number with decimals, not a code or phone number; format the column as text and type it again",
                                      reasonZH: "“\(number(d))”是带小数的数字，不像编号或电话号码。请先在 Excel 中把该列的单元格格式设为“文本”，再重新输入该列内容")
                    }
                    guard d == d.rounded(), abs(d) < 1e15 else {
                        throw Failure(reason: "\(number(d)) is a number too long for Excel to keep exactly; its last digits are lost. Format the column as text and type it again",
                                      reasonZH: "“\(number(d))”位数过多（超过 15 位），Excel 无法完整保存，后几位已丢失。请在 Excel 中把该列设为“文本”格式，再重新输入完整号码")
                    }
                    // (A whole mainland mobile, 13812345678, has no leading 0 to lose: no notice for
                    // it, helper-182.)
                    let text = number(d)
                    if ChangeDraft.isPhoneField(spec.key), text.utf8.count == 11, text.hasPrefix("1"), !text.hasPrefix("10"), !text.hasPrefix("11"), !text.hasPrefix("12") {
                        return (text, nil)
                    }
                    // (Nor one after 86, 8613800000004: helper-184 N12.)
                    if ChangeDraft.isPhoneField(spec.key), text.utf8.count == 13, text.hasPrefix("861"), !text.hasPrefix("8610"), !text.hasPrefix("8611"), !text.hasPrefix("8612") {
                        return (text, nil)
                    }
                    if ChangeDraft.isPhoneField(spec.key), Self.phoneWithoutItsZero(text) { return ("0" + text, .restoredLeadingZero) }
                    return (text, .numericIdentifier)
                }
                return (number(d), nil)
            }
        case .date(let c):
            return (spec.type.isDate ? String(format: "%04d-%02d-%02d", c.year, c.month, c.day) : dateText(c), nil)
        case .bool(let b):
            return (b ? "是" : "否", nil)
        }
    }

    static let nulCharacter = Failure(reason: "contains the NUL character (U+0000), which no spreadsheet writes: the text is damaged or binary; correct it in the file and import it again",
                                      reasonZH: "含有特殊控制字符 NUL（U+0000）。正常表格里不会出现这种字符，文件可能已损坏，也可能不是文本表格（而是二进制数据）。请在文件中改正后重新导入")

    /// `14:30` or `14:30:05` (white space around it allowed) as seconds after midnight; nil for
    /// any other text.
    static func colonTime(_ text: Substring) -> Int? {
        let time = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(time.count), time.allSatisfy({ $0 != nil }), let h = time[0], let m = time[1], (0..<24).contains(h), (0..<60).contains(m),
              (0..<60).contains(time.count == 3 ? time[2]! : 0) else { return nil }
        return h * 3600 + m * 60 + (time.count == 3 ? time[2]! : 0)
    }

    /// `s` without the fraction of a second after its seconds (`2026-03-05 14:30:05.250` is
    /// `2026-03-05 14:30:05`: an archive keeps whole seconds); `s` itself when it has none.
    static func droppingFraction(_ s: String) -> String {
        let b = Array(s.utf8)
        guard let dot = b.lastIndex(where: { $0 == 0x2E || $0 == 0x2C }), dot >= 6, dot + 1 < b.count, b.count - dot - 1 <= 9,
              b[(dot + 1)...].allSatisfy({ (0x30...0x39).contains($0) }),
              b[dot - 3] == 0x3A, (0x30...0x39).contains(b[dot - 2]), (0x30...0x39).contains(b[dot - 1]),
              b[..<(dot - 3)].contains(0x3A)  // (hours and minutes before the seconds: 14:30:05, not 2026.3.05)
        else { return s }
        return String(decoding: b[..<dot], as: UTF8.self)
    }

    /// `03/05/2026` read in the order the user gave; nil when the text is not of that form.
    static func reorder(_ s: String, _ order: ImportOptions.DayOrder) -> String? {
        let parts = s.split(whereSeparator: { "/.-".contains($0) }).map(String.init)
        guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), let y = Int(parts[2]), parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2 else {
            return nil
        }
        let (d, m) = order == .dayMonthYear ? (a, b) : (b, a)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// A moment from a cell: a date-time cell in the machine's time zone, an ISO 8601 instant
    /// (`2026-11-23T01:00:00Z`, as JSON exports write), a date and a time as `--at` reads them
    /// (`2026-03-05 14:30[:05]`, `2026年3月5日下午3点`, `2026/3/5 15时30分`), or a date alone
    /// (midnight). `now` resolves 今天.
    /// `fast: false` skips the fast path for plain ASCII date-times (what it is tested against).
    /// `startOfDay` is `DateParser.startOfDay` (or a table of its results: it asks the time
    /// zone, behind a lock, every time).
    static func instant(_ cell: CellValue, now: Int64, dayOrder: ImportOptions.DayOrder?, fast: Bool = true,
                        startOfDay: (Int32) -> Int64 = DateParser.startOfDay) throws -> Int64? {
        switch cell {
        case .empty: return nil
        case .date(let c):
            // A time-formatted cell (15:00, serial below 1, shown as 1899-12-31 15:00) names no day.
            if c.year < 1900 { throw timeWithoutDate(dateText(c)) }
            guard let day = DateParser.day(year: c.year, month: c.month, day: c.day) else { throw notAnInstant(dateText(c)) }
            return startOfDay(day) + Int64(c.secondOfDay)
        case .number(let d):
            // A date and time whose cell lost its format (General): the serial said as the date it
            // is, and how to show it (“46091.6875”不是有效的日期时间 left it a riddle: helper-128).
            if d >= 20_000, d < 80_000, let c = ExcelDate.civil(serial: d, date1904: false) {
                let shown = dateText(c)
                throw Failure(reason: "\(number(d)) looks like an Excel date number (\(shown)); format the column's cells as a date and time in Excel and import again",
                              reasonZH: "“\(number(d))”像是 Excel 的日期序号（即 \(shown)），该单元格的格式不是日期。请在 Excel 中把该列单元格格式设为“日期时间”后重新导入")
            }
            throw notAnInstant(number(d))
        case .bool(let b): throw notAnInstant(b ? "TRUE" : "FALSE")
        case .text(let raw):
            if fast, dayOrder == nil, let at = fastInstant(raw, startOfDay: startOfDay) { return at }
            var s = Identity.halfWidth(raw).trimmedWhitespace
            // Invisible characters (a zero-width space, a direction mark, a BOM) say nothing in a
            // time: dropped (下\u{200B}午3点 was "not a date", shown escaped: helper-123).
            if s.unicodeScalars.contains(where: { $0.properties.generalCategory == .format }) {
                s = String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.properties.generalCategory != .format })).trimmedWhitespace
            }
            if s.isEmpty { return nil }
            if let utc = iso(s) { return utc }
            var datePart = s
            var second = 0
            let space = s.firstIndex(where: { $0 == " " || $0 == "T" })
            // (Only after something with a digit: 上午 10:30 is a time without its date.)
            let dated = space.map { s[..<$0].utf8.contains(where: { (0x30...0x39).contains($0) }) } ?? false
            if dated, let space, let time = colonTime(s[s.index(after: space)...]) {
                datePart = String(s[..<space])
                second = time
            } else if dated, let space, s[s.index(after: space)...].utf8.allSatisfy({ (0x30...0x3A).contains($0) || $0 == 0x20 }) {
                throw notAnInstant(s)  // (25:00, 10::00, 10 after the date: digits and colons that are no time of day)
            } else {
                // The time after the date as people also write it, and as `--at` reads it
                // (`DateParser.splitTime`): 下午 3:30, 下午3点, 10时, 15时30分, 3:00 PM,
                // 2026年3月5日10点半; a fraction of a second dropped (14:30:05.5). They were
                // refused (a Chinese sales team's log writes 下午3点 as often as 15:00). 1–6点
                // without 上午 or 下午 are refused, not taken as the afternoon as a command takes
                // them: nobody is asked.
                let split: (date: String, second: Int?)
                do {
                    split = try DateParser.splitTime(droppingFraction(s), guessing: false)
                } catch let e as ArchiveError {
                    throw Failure(reason: e.reason, reasonZH: e.reasonZH ?? e.reason)
                }
                if let time = split.second {
                    guard !split.date.isEmpty else { throw timeWithoutDate(s) }
                    datePart = split.date
                    second = time
                }
                // (Else the whole text is the date: 2026年11月3日 星期二 was refused for its space.)
            }
            if let order = dayOrder, let iso = reorder(datePart, order) { datePart = iso }
            if DateParser.isRelative(datePart) { throw relativeDate(s) }
            do {
                return startOfDay(try DateParser.parse(datePart, now: now)) + Int64(second)
            } catch let e as ArchiveError {
                // Something after the date that is no time of day (2026-11-03 下午3点 下午4点, 10
                // alone): said so, not "2026-11-03 下午3点 is not a date".
                if datePart.contains(where: { $0 == ":" || "：点點時时".contains($0) }) {  // (the ASCII colon kept apart: a script made it full width)
                    throw notAnInstant(s)
                }
                // (Without the relative forms a command takes, which a file must not give.)
                // (The constants, not a copy: the Chinese forms changed and a file's 2026-13-01
                // was told to write 昨天, helper-181.)
                throw Failure(reason: e.reason.replacingOccurrences(of: ", " + DateParser.relativeFormsEN, with: ""),
                              reasonZH: (e.reasonZH ?? e.reason).replacingOccurrences(of: "，或" + DateParser.relativeFormsZH, with: ""))
            }
        }
    }

    /// A moment read from `input` as the preview's example shows it: with 00:00 at midnight when
    /// the input gives a time (0点 was shown as the date alone, as if the time were dropped:
    /// helper-123, helper-124).
    static func momentSample(_ at: Int64, input: String) -> String {
        let read = dateText(civil(at))
        let timed = input.contains(where: { ":：点點時时".contains($0) }) || input.lowercased().hasSuffix("m")
        return read.count == 10 && timed ? read + " 00:00" : read
    }

    /// A time without the date it was on (下午3点, a cell formatted as a time).
    static func timeWithoutDate(_ s: String) -> Failure {
        Failure(reason: "\(s) is a time without its date; write the date before it, e.g. 2026-03-05 \(s)",
                reasonZH: "“\(s)”只有时间，没有日期；请在前面写上日期，如 2026-03-05 \(s)")
    }

    /// A day written relative to the day it is read (今天, 下周三): a file is read on another day
    /// than it was written, so it gave the day of the import (helper-109 M4).
    static func relativeDate(_ s: String) -> Failure {
        Failure(reason: "\(s) is a day counted from the day it is read, and a file is imported on another day than it was written; write the date, e.g. 2026-03-05",
                reasonZH: "“\(s)”是相对日期，导入时无法确定是哪一天（填表与导入往往不在同一天），请填写具体日期，如 2026-03-05")
    }

    /// `2026-03-05`, `2026-03-05 14:30` or `2026-03-05T14:30:05` in ASCII (the date as
    /// `DateParser.fastDay` reads it, one space or T, hours, minutes and seconds of one or two
    /// digits): what the general reading below gives such text, without building strings; nil
    /// for any other text or any value out of range (the general reading then decides or refuses).
    static func fastInstant(_ raw: String, startOfDay: (Int32) -> Int64 = DateParser.startOfDay) -> Int64? {
        var text = raw
        return text.withUTF8 { b -> Int64? in
            var split = b.count
            for i in 0..<b.count where b[i] == 0x20 || b[i] == 0x54 {  // the first space or T
                split = i
                break
            }
            guard let day = DateParser.fastDay(UnsafeBufferPointer(rebasing: b[0..<split])) else { return nil }
            guard split < b.count else { return startOfDay(day) }
            var h = 0, m = 0, sec = 0
            var count = 0, digits = 0
            for i in (split + 1)..<b.count {
                let c = b[i]
                if c >= 0x30 && c <= 0x39 {
                    digits += 1
                    guard digits <= 2, count < 3 else { return nil }
                    let d = Int(c - 0x30)
                    switch count {
                    case 0: h = h * 10 + d
                    case 1: m = m * 10 + d
                    default: sec = sec * 10 + d
                    }
                } else if c == 0x3A {  // :
                    guard digits > 0 else { return nil }
                    count += 1
                    digits = 0
                } else {
                    return nil
                }
            }
            guard digits > 0 else { return nil }
            count += 1
            guard count >= 2, h < 24, m < 60, sec < 60 else { return nil }
            return startOfDay(day) + Int64(h * 3600 + m * 60 + sec)
        }
    }

    /// An ISO instant (`FieldFormat.instant(iso:)`), or nil.
    static func iso(_ s: String) -> Int64? { FieldFormat.instant(iso: s) }

    /// A moment as a spreadsheet cell shows it in the machine's time zone.
    static func civil(_ instant: Int64) -> CivilDateTime {
        let day = DateParser.localDay(instant)
        let (y, m, d) = DateParser.civil(day)
        return CivilDateTime(year: y, month: m, day: d, secondOfDay: Int(instant - DateParser.startOfDay(day)))
    }

    private static func notAnInstant(_ s: String) -> Failure {
        Failure(reason: "\(s) is not a date and time; write 2026-03-05 14:30 or 2026-03-05", reasonZH: "“\(s)”不是有效的日期时间，请写成 2026-03-05 14:30 或 2026-03-05")
    }
}
