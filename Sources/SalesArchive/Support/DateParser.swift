import Foundation
import VaultFormat

/// Calendar days and the accepted date forms: 2026-03-05, 2026/3/5, 2026年3月5日, today. Forms
/// that could be day/month or month/day (03/05/2026, 5.3.2026) are refused (data-model.md, lesson 4).
public enum DateParser {
    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), or nil if invalid.
    public static func day(year: Int, month: Int, day: Int) -> Int32? {
        guard (1...12).contains(month), (1900...9999).contains(year) else { return nil }
        let monthDays: Int
        switch month {
        case 2: monthDays = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: monthDays = 30
        default: monthDays = 31
        }
        guard (1...monthDays).contains(day) else { return nil }
        return Int32(daysFromCivil(year: year, month: month, day: day))
    }

    /// Days since 1970-01-01 of any proleptic Gregorian year, month and day, unchecked (a day
    /// past the month's end runs into the next): for date arithmetic such as spreadsheet serials.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// RFC 3339 in UTC (`2026-11-30T00:53:20Z`), as `ISO8601DateFormatter` writes it, by
    /// arithmetic: a formatter made for each value cost 0.2 ms, 20 s for `history --json` of
    /// 100,000 changes (helper-143).
    public static func rfc3339UTC(_ seconds: Int64) -> String {
        let days = seconds.floorDiv(86_400), within = Int(seconds - days * 86_400)
        guard let day = Int32(exactly: days) else { return String(seconds) }
        let (y, m, d) = civil(day)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        let year = String(y)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + two(m) + "-" + two(d) + "T" + two(within / 3600) + ":" + two(within / 60 % 60) + ":" + two(within % 60) + "Z"
    }

    /// (year, month, day) of days since 1970-01-01.
    public static func civil(_ days: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func format(_ days: Int32) -> String {
        let c = civil(days)
        return String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
    }

    /// The local calendar day of an instant.
    public static func localDay(_ seconds: Int64) -> Int32 {
        let offset = Int64(TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        return Int32((seconds + offset).floorDiv(86_400))
    }

    /// An instant as the local wall-clock minute `yyyy-MM-dd HH:mm` in `zone` (what the CLI's
    /// listings show): the arithmetic of `localDay`, without a `DateFormatter` (which cost
    /// `history` 60 µs a line, rebuilt for every call). Years 1 … 9999.
    public static func localMinute(_ seconds: Int64, in zone: TimeZone = .current) -> String {
        let local = seconds + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        let day = local.floorDiv(86_400)
        let c = civil(Int32(clamping: day))
        let minute = Int((local - day * 86_400) / 60)
        guard (1...9999).contains(c.year) else {  // (no such record time; written plainly all the same)
            return "\(c.year)-\(c.month)-\(c.day) \(minute / 60):\(minute % 60)"
        }
        var out: [UInt8] = []
        out.reserveCapacity(16)
        func digits(_ v: Int, _ n: Int) {
            var d = 1
            for _ in 1..<n { d *= 10 }
            var v = v
            for _ in 0..<n { out.append(UInt8(0x30 + v / d % 10)); v %= d; d /= 10 }
        }
        digits(c.year, 4); out.append(0x2D); digits(c.month, 2); out.append(0x2D); digits(c.day, 2)
        out.append(0x20); digits(minute / 60, 2); out.append(0x3A); digits(minute % 60, 2)
        return String(decoding: out, as: UTF8.self)
    }

    /// The instant of local midnight at the start of `day`.
    public static func startOfDay(_ day: Int32) -> Int64 { startOfDay(day, in: .current) }

    /// The instant of midnight at the start of `day` in `zone`.
    public static func startOfDay(_ day: Int32, in zone: TimeZone) -> Int64 {
        let utc = Int64(day) * 86_400
        let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc))))
        return utc - offset
    }

    /// The local hour a date typed without a time stands for when it says when something happened
    /// (`--at` of `log add`, `log edit` and the complaint steps): 09:00 (RECORDS.md §4).
    public static let dateOnlyHour = 9

    /// When something happened, from a date typed by a user: 09:00 local time that day, or now
    /// when that is later than now (today's date before 09:00); a day after today is refused.
    /// `yearless`: how a month and day without the year are read (a command's: `.past`).
    /// What is wrong with `text` as an ISO time when that can be told: its date (2025-02-30: the
    /// date's own message), its hour, minute or second, or its offset from UTC (+99:00); nil when
    /// it is no ISO time at all, or none of these (helper-215 2: all got "no time, write it so").
    public static func isoProblem(_ text: String) -> (en: String, zh: String)? {
        let s = Array(text.unicodeScalars)
        guard s.count >= 19, s.count == text.utf8.count, s[10] == "T" || s[10] == "t" || s[10] == " " else { return nil }
        do { _ = try parse(String(text.prefix(10)), now: 0, yearless: .refused) } catch let e as ArchiveError {
            // (The day's own words, without its “2025-02-30”有误： lead: said after the whole time.)
            let zh = e.reasonZH ?? e.reason
            let lead = "“\(text.prefix(10))”有误："
            return (e.reason, zh.hasPrefix(lead) ? String(zh.dropFirst(lead.count)) : zh)
        } catch { return nil }
        let clock = String(String.UnicodeScalarView(s[11..<19]))
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false).map { $0.count == 2 ? Int($0) : nil }
        guard parts.count == 3, let h = parts[0], let m = parts[1], let sec = parts[2] else { return nil }
        if h > 23 { return ("the hour \(h) is none: hours go from 00 to 23", "一天没有 \(h) 点，小时应在 0 到 23 之间") }
        if m > 59 { return ("the minute \(m) is none: minutes go from 00 to 59", "分钟应在 0 到 59 之间，不能是 \(m)") }
        if sec > 59 { return ("the second \(sec) is none: seconds go from 00 to 59", "秒数应在 0 到 59 之间，不能是 \(sec)") }
        // The offset after the time (and after a fraction of a second).
        var k = 19
        if k < s.count, s[k] == "." || s[k] == "," { k += 1; while k < s.count, ("0"..."9").contains(s[k]) { k += 1 } }
        guard k < s.count, s[k] == "+" || s[k] == "-" else { return nil }
        let zone = String(String.UnicodeScalarView(s[k...]))
        let digits = zone.dropFirst().filter { $0 != ":" }
        guard digits.count == 2 || digits.count == 4, digits.allSatisfy({ ("0"..."9").contains($0) }),
              let hours = Int(digits.prefix(2)), let minutes = Int(digits.dropFirst(2).isEmpty ? "0" : String(digits.dropFirst(2))) else {
            return ("the offset from UTC \(zone) is written otherwise than +08:00", "时区“\(zone)”的写法有误，应写成 +08:00 这样的格式")
        }
        if hours > 14 || minutes > 59 {
            return ("there is no offset from UTC \(zone): offsets go from -12:00 to +14:00 (Beijing time is +08:00)",
                    "没有“\(zone)”这个时区（时区应在 -12:00 到 +14:00 之间，北京时间为 +08:00）")
        }
        return nil
    }

    public static func parseInstant(_ input: String, now: Int64, yearless: YearlessDate = .past) throws -> Int64 {
        // An ISO instant, as JSON exports write times (2025-02-02T03:00:00Z, …+08:00, .000Z): that
        // moment; one that looks like it but is none is said whole (helper-212 4: every one was
        // refused, quoted cut at its offset, 2025-02-02T11:00:00+ is not a date).
        let whole = input.trimmingCharacters(in: .whitespaces)
        if let t = FieldFormat.instant(iso: whole) {
            guard t <= now else {
                throw ArchiveError(.invalidValue, "\(input) (\(localMinute(t))) is in the future: only what has happened can be recorded",
                                   zh: "“\(input)”（\(localMinute(t))）还没到，只能登记已经发生的事")
            }
            return t
        }
        // (A local time with a fraction of a second, 2025-02-02 11:00:00.5: its whole second.)
        if whole.utf8.count > 20, let separator = whole.dropFirst(10).first, separator == " " || separator == "T",
           let mark = whole.dropFirst(19).first, mark == "." || mark == ",", whole.dropFirst(20).allSatisfy({ ("0"..."9").contains($0) }) {
            return try parseInstant(String(whole.prefix(19)), now: now, yearless: yearless)
        }
        do {
            return try parseLocalInstant(input, now: now, yearless: yearless)
        } catch {
            // A date, T and what is no time read as ISO: said whole, with how to write it.
            guard whole.utf8.count >= 19, let separator = whole.dropFirst(10).first, separator == "T" || separator == "t" else { throw error }
            // (A day that is none, 2025-02-30T03:00:00Z: the day's own message, not a list of
            // relative days --at does not take: helper-215 2.)
            _ = try parse(String(whole.prefix(10)), now: now, yearless: yearless)
            if let e = error as? ArchiveError, e.code == .invalidValue { throw error }  // (in the future: said so)
            // (What is wrong when that can be told: the zone of +99:00, the day of 2025-02-30: helper-215 2.)
            if let why = isoProblem(whole) {
                // (The example on the given day, which is past: 2026-03-05 was refused as to come:
                // helper-217 1.)
                let day = String(whole.prefix(10))
                throw ArchiveError(.invalidDate, "\(input): \(why.en); it may also be written without the zone, e.g. \(day) 09:00 (this computer's time), or 上周五下午3点",
                                   zh: "“\(input)”有误：\(why.zh)。也可以不写时区，直接写成 \(day) 09:00（按本机时间），或写“上周五下午3点”")
            }
            throw ArchiveError(.invalidDate, "\(input) is no time: write it as 2026-03-05T14:30:00+08:00 (an ISO time with its offset from UTC, or Z for UTC), or as 2026-03-05 14:30",
                               zh: "“\(input)”不是有效的时间：请写成 2026-03-05T14:30:00+08:00（ISO 格式，带时区；Z 表示 UTC），或 2026-03-05 14:30")
        }
    }

    /// `parseInstant` of what is no ISO instant: a day, and a time of day if one is given.
    private static func parseLocalInstant(_ input: String, now: Int64, yearless: YearlessDate) throws -> Int64 {
        // A time of day after the date, or alone for today (2026-12-03 15:00, 昨天 15:00,
        // 昨天下午3点, 下午3点半, 15:00): the moment itself (helper-110: only a date was taken).
        let (datePart, second) = try splitTime(input)
        // A part of the day without its hour (昨天上午, 12月4号下午): asked for the hour, not "not a
        // date" (helper-181).
        if second == nil {
            let trimmed = datePart.trimmingCharacters(in: .whitespaces)
            let parts: [(String, String, String)] = [("凌晨", "5点", "05:00"), ("早上", "8点", "08:00"), ("早晨", "8点", "08:00"), ("上午", "10点", "10:00"),
                                                      ("中午", "12点", "12:00"), ("下午", "3点", "15:00"), ("傍晚", "6点", "18:00"), ("晚上", "8点", "20:00"),
                                                      ("半夜", "11点", "23:00"), ("夜里", "11点", "23:00"), ("深夜", "11点", "23:00")]
            for (mark, hour, clock) in parts where trimmed.hasSuffix(mark) && trimmed.count > mark.count {
                let day = String(trimmed.dropLast(mark.count)).trimmingCharacters(in: .whitespaces)
                if (try? parse(day, now: now, yearless: yearless)) != nil {
                    throw ArchiveError(.invalidDate, "\(input) gives a part of the day but no hour; write the hour too, e.g. \(day)\(mark)\(hour) or \(day) \(clock)",
                                       zh: "“\(input)”只写了时段，没有写几点；请写明具体时间，如“\(day)\(mark)\(hour)”或“\(day) \(clock)”")
                }
            }
        }
        let d = datePart.isEmpty ? localDay(now) : try parse(datePart, now: now, yearless: yearless)
        if let second, d <= localDay(now) {
            let at = startOfDay(d) + Int64(second)
            guard at <= now else {
                // (With the moment it was read as: 12月1日 上午10点 said no date: helper-134.)
                let when = localMinute(at)
                throw ArchiveError(.invalidValue, "\(input) (\(when)) is in the future: only what has happened can be recorded",
                                   zh: "“\(input)”（\(when)）还没到，只能登记已经发生的事")
            }
            return at
        }
        let input = datePart.isEmpty ? input : datePart
        guard d <= localDay(now) else {
            // (The date it means only when the input did not say it so: 下周三 (2026-12-09), not
            // 2026-12-25 (2026-12-25): helper-106.)
            let shown = input.trimmingCharacters(in: .whitespaces) == format(d) ? input + " " : "\(input)（\(format(d))）"
            let shownEN = input.trimmingCharacters(in: .whitespaces) == format(d) ? input : "\(input) (\(format(d)))"
            throw ArchiveError(.invalidValue, "\(shownEN) is in the future: only what has happened can be recorded",
                               zh: "\(shown)还没到，只能登记已经发生的事")
        }
        return min(startOfDay(d) + Int64(dateOnlyHour) * 3_600, now)
    }

    /// The most characters `splitTime` reads a date and time in.
    package static let maxTimeLength = 64

    /// `input` as its date and its time of day in seconds after midnight, when it ends in one:
    /// `15:00`, `15:00:30`, `下午3点`, `3点半`, `晚上8点15分`, `十点`, `3:00 PM` (after a date, with or
    /// without a space, or alone: the date part is then empty). A part of the day takes its own
    /// hours (下午3点 is 15:00, 下午15点 too; 凌晨12点 is 00:00; 下午0点 and 晚上12点 are refused,
    /// saying which hours that part has); AM and PM are 上午 and 下午 (12 AM is 00:00, 12 PM 12:00).
    /// Without a part of the day, 1–6点 are the afternoon (三点 is 15:00) when `guessing`, and
    /// refused otherwise (a file's cell, which nobody is asked about); 时 and an hour written with
    /// two digits (03点) are the 24-hour clock, as they are written (03时 is 03:00).
    /// (input, nil) when it ends in no time.
    package static func splitTime(_ input: String, guessing: Bool = true) throws -> (date: String, second: Int?) {
        // No date and time is longer (2026年12月31日 星期四 晚上11点45分 is 28): longer text is
        // none, and is not given to the expressions below, whose lazy start took seconds on a
        // cell of 40,000 characters (a black-box finding of 2026-12-05).
        guard input.unicodeScalars.count <= maxTimeLength else { return (input, nil) }
        var text = String(String.UnicodeScalarView(input.unicodeScalars.map { $0.asciiForm })).trimmingCharacters(in: .whitespaces)
        // 今晚, 昨晚 (today's, yesterday's evening) said as the day and its part (they were "晚
        // is not a date": helper-116).
        for (short, long) in [("今晚", "今天晚上"), ("昨晚", "昨天晚上"), ("前晚", "前天晚上"), ("今早", "今天早上"), ("昨早", "昨天早上")] where text.contains(short) {
            text = text.replacingOccurrences(of: short, with: long)
        }
        // 3:00 PM, PM 3:00, 11:30am, 12:00 a.m. (what sheets of English settings write): said as
        // the part of the day they are (PM 3:00 was "PM is not a date": helper-123).
        var meridiem: String?
        if text.unicodeScalars.contains(where: { $0 == "M" || $0 == "m" }),
           let re = try? NSRegularExpression(pattern: "^(.*?)\\s*(?:([AaPp])\\.?[Mm]\\.?\\s*)?([0-9]{1,2}(?::[0-9]{2}){1,2})\\s*(?:([AaPp])\\.?[Mm]\\.?)?$"),
           let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
           (m.range(at: 2).location == NSNotFound) != (m.range(at: 4).location == NSNotFound) {
            func group(_ i: Int) -> String? { Range(m.range(at: i), in: text).map { String(text[$0]) } }
            meridiem = (group(2) ?? group(4))?.uppercased()
            text = (group(1) ?? "") + " " + (group(3) ?? "")
        }
        // (Longest first: 晚上 before 晚. 晚 and 早 alone are 晚上 and 早上; 半夜 and 夜里 the night.)
        let marks = "凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|半夜|夜里|深夜|晚|早"
        let patterns = [
            "^(.*?)[ T]*(\(marks))?\\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$",
            // (3点钟, 三点整: the hour; 钟 and 整 say nothing more.)
            "^(.*?)\\s*(\(marks))?\\s*([0-9]{1,2}|[零一二两三四五六七八九十]{1,3})\\s*([点點時时])(?:整$|(?:钟|鐘)?)(半|[一1]刻|[三3]刻|([0-9]{1,2})分{0,1}|([零一二三四五六七八九十]{1,3})分{0,1})?$",
        ]
        for (n, pattern) in patterns.enumerated() {
            if n == 1 && meridiem != nil { break }
            guard let re = try? NSRegularExpression(pattern: pattern),
                  let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { continue }
            func group(_ i: Int) -> String? { Range(m.range(at: i), in: text).map { String(text[$0]) } }
            let date = (group(1) ?? "").trimmingCharacters(in: .whitespaces)
            var mark: String? = { switch group(2) { case "晚": return "晚上"; case "早": return "早上"; case "深夜": return "夜里"; default: return group(2) } }()
            guard let hourText = group(3), var hour = Int(hourText) ?? chineseNumber(hourText).map(Int.init) else { continue }
            if let meridiem {
                guard mark == nil, (1...12).contains(hour) else { throw timeProblem(input, mark: nil, hour: hour) }
                mark = meridiem == "A" ? (hour == 12 ? "凌晨" : "上午") : (hour == 12 ? "中午" : hour >= 8 ? "晚上" : "下午")
            }
            var minute = 0, second = 0
            if n == 0 {
                minute = Int(group(4) ?? "") ?? -1
                second = group(5).flatMap { Int($0) } ?? 0
            } else if let rest = group(5) {
                switch rest {
                case "半": minute = 30
                case "一刻", "1刻": minute = 15
                case "三刻", "3刻": minute = 45
                default: minute = group(6).flatMap { Int($0) } ?? group(7).flatMap(chineseMinute) ?? -1
                }
            }
            // The hours each part of the day takes, as written (凌晨12点 is midnight; 晚上12点,
            // 中午6点, 上午13点 and 下午0点 are no time of that part: helper-111).
            var fits = true
            let given = hour
            switch mark {
            case "凌晨": if hour == 12 { hour = 0 }; fits = (0...6).contains(hour)
            case "早上", "早晨": fits = (4...11).contains(hour)  // (早上11点 is said: helper-118)
            case "上午": fits = (0...12).contains(hour)
            case "中午": if (1...2).contains(hour) { hour += 12 }; fits = (11...14).contains(hour)
            case "下午": if (1...7).contains(hour) { hour += 12 }; fits = (12...19).contains(hour)
            case "傍晚": if (4...8).contains(hour) { hour += 12 }; fits = (16...20).contains(hour)
            case "晚上": if (5...11).contains(hour) { hour += 12 }; fits = (17...23).contains(hour)  // (晚上5点 too)
            case "半夜", "夜里":
                // The night on either side of midnight: 夜里11点 is 23:00, 半夜3点 03:00. 半夜12点 is
                // refused as 晚上12点 is: 昨天半夜12点 most often means the end of yesterday, and was
                // its start (helper-124, helper-125).
                if hour == 12 { throw timeProblem(input, mark: "夜里", hour: 12) }
                if (9...11).contains(hour) { hour += 12 }
                fits = (0...5).contains(hour) || (21...23).contains(hour)
            default:
                // 三点 and 3点 alone are the afternoon, as said in a working day (三点给客户打了
                // 电话): 1–6点 are 13:00–18:00 (they were 03:00: helper-113); 凌晨三点 says the
                // night. 7点 to 12点, 3:00 written with a colon, 03点 and 3时 (the 24-hour clock's
                // ways: helper-123) are as written.
                if n == 1, (1...6).contains(hour), group(4) == "点" || group(4) == "點", !(hourText.count == 2 && hourText.hasPrefix("0")) {
                    guard guessing else {
                        let m = (0...59).contains(minute) ? minute : 0
                        let early = String(format: "%02d:%02d", hour, m), late = String(format: "%02d:%02d", hour + 12, m)
                        throw ArchiveError(.invalidDate, "\(input): in the morning or the afternoon? Write it as \(early) or \(late), or put 上午 or 下午 before the hour",
                                           zh: "“\(input)”无法判断是上午还是下午，请写成 \(early) 或 \(late)，也可在钟点前加“上午”或“下午”")
                    }
                    hour += 12
                }
            }
            guard fits, (0...23).contains(hour) else { throw timeProblem(input, mark: mark, hour: given) }
            guard (0...59).contains(minute), (0...59).contains(second) else {
                throw ArchiveError(.invalidDate, "\(input): minutes and seconds are 0 to 59; write the time as 15:30 or 下午3点半",
                                   zh: "“\(input)”中的分、秒应在 0 到 59 之间；请写成 15:30 或 下午3点半")
            }
            return (date, hour * 3600 + minute * 60 + second)
        }
        return (input, nil)
    }

    /// Why an hour is no time of the day, or of the part of the day it is written with.
    static func timeProblem(_ input: String, mark: String?, hour: Int) -> ArchiveError {
        if mark == "晚上" || mark == "夜里", hour == 12 || hour == 24 {
            return ArchiveError(.invalidDate, "\(input): midnight may be this day's start or its end; write the date and 00:00 (the night's end is the next day's 00:00)",
                                zh: "“\(input)”可能指当天凌晨 0 点，也可能指当天深夜（即第二天 0 点），无法确定；请直接写日期和时间，深夜 12 点请写成第二天的日期加 00:00")
        }
        let hours: [String: (en: String, zh: String)] = [
            "凌晨": ("0 to 6 o'clock (00:00–06:00)", "0点至6点"), "早上": ("4 to 11 o'clock", "4点至11点"), "早晨": ("4 to 11 o'clock", "4点至11点"),
            "上午": ("0 to 12 o'clock", "0点至12点"), "中午": ("11 to 2 o'clock (11:00–14:00)", "11点至下午2点"),
            "下午": ("1 to 7 o'clock (13:00–19:00)", "1点至7点（13:00–19:00）"), "傍晚": ("4 to 8 o'clock (16:00–20:00)", "4点至8点（16:00–20:00）"),
            "晚上": ("5 to 11 o'clock (17:00–23:00)", "5点至11点（17:00–23:00）"),
            "半夜": ("9 in the evening to 5 in the morning", "晚上9点至凌晨5点"), "夜里": ("9 in the evening to 5 in the morning", "晚上9点至凌晨5点"),
        ]
        if let mark, let h = hours[mark] {
            return ArchiveError(.invalidDate, "\(input): \(mark) is \(h.en); write the time on the 24-hour clock (20:00), or with the part of the day it is in (晚上8点)",
                                zh: "“\(input)”对不上：\(mark)是\(h.zh)。请改用 24 小时制（如 20:00），或换成相应的时段（如“晚上8点”）")
        }
        if hour == 24 {
            return ArchiveError(.invalidDate, "\(input): there is no 24 o'clock; write the next day's date and 00:00",
                                zh: "“\(input)”：时间不能写成 24 点，请写成次日 0 点，即第二天的日期加 00:00")
        }
        return ArchiveError(.invalidDate, "\(input): the hour is 0 to 23 (or 1 to 12 with AM or PM); write the time as 15:30 or 下午3点半",
                            zh: "“\(input)”中的小时应在 0 到 23 之间（带上午/下午时为 1 到 12）；请写成 15:30 或 下午3点半")
    }

    /// How a month and day written without the year (12月1日, 12月1号) are read.
    public enum YearlessDate: Sendable {
        /// Refused, saying the year is missing: a file's cell, which nobody is asked about.
        case refused
        /// The latest such day up to a month after today: when something happened, or a
        /// period's start (`--at 5月20日` typed in November is this May's).
        case past
        /// The earliest such day from a month before today: a follow-up or a planned date
        /// (`下次跟进=1月5日` typed in December is next January's).
        case upcoming
        /// The latest such day up to today: where a look back starts (`history --since 1月5日`
        /// typed in December is this January's; it was next January's, and found nothing:
        /// helper-137).
        case notLater
    }

    /// Parses a date as typed by a user; `now` resolves "today" and "yesterday", and a month and
    /// day without the year as `yearless` says (a command typed now reads them; it refused them).
    public static func parse(_ input: String, now: Int64, yearless: YearlessDate = .refused) throws -> Int32 {
        if let d = fastDay(input) { return d }  // 2026-03-05, 2026/3/5: what `parseGeneral` gives them
        return try parseGeneral(input, now: now, yearless: yearless)
    }

    /// What to say of a date typed in a command before it is used, read as `reading` reads it
    /// (nothing when it is not a date): a month and day read in another year than today's
    /// (`1月5日` in December: helper-134), and a day to come that has passed, however written
    /// (`周一` on a Sunday is this week's: helper-136). A time of day after it is set aside.
    public static func readingNotes(_ text: String, now: Int64, reading: YearlessDate) -> [(en: String, zh: String)] {
        guard text.unicodeScalars.count <= maxTimeLength, let date = (try? splitTime(text))?.date, !date.isEmpty,
              let day = try? parse(date, now: now, yearless: reading) else { return [] }
        var notes: [(en: String, zh: String)] = []
        let today = localDay(now), iso = format(day)
        if date.contains("月"), (try? parse(date, now: now, yearless: .refused)) == nil, civil(day).year != civil(today).year {
            notes.append(("\(date) has no year; read as \(iso)", "“\(date)”未写年份，按 \(iso) 理解"))
        }
        if reading == .upcoming, day < today {
            let weekday = ["周", "星期", "礼拜", "本周", "这周"].contains { date.hasPrefix($0) }
            let next = "下" + (date.hasPrefix("本") || date.hasPrefix("这") ? String(date.dropFirst()) : date)
            notes.append(date == iso ? ("\(iso) is before today", "\(iso) 早于今天")
                : weekday ? ("\(date) is this week's (\(iso)), which has passed, and is taken as that day; for next week's, write \(next)",
                             "“\(date)”指本周的这一天（\(iso)），已经过去，将按这一天记录；如指下周，请写“\(next)”")
                : ("\(date) is \(iso), which has passed, and is taken as that day", "“\(date)”指 \(iso)，已经过去，将按这一天记录"))
        }
        return notes
    }

    /// The day of `month`/`day` as `reading` takes a date without its year, `today` being the
    /// day it is typed; `.past` and `.upcoming` allow a month the other way (12月8日 typed on
    /// 2026-12-05 is 2026-12-08 for both, not last year's), `.notLater` none. Only today's year and the
    /// years either side are looked at: nil when none of them has the day (2月30日; 2月29日
    /// typed in 2026 went back to 2024 unsaid: helper-135) or `reading` is `.refused`.
    /// Never more than a year away (2月29日 typed in January 2027 was 2028-02-29, fourteen
    /// months on: helper-136; in December 2027 it is the coming February's: helper-137).
    public static func monthDay(month: Int, day: Int, today: Int32, reading: YearlessDate) -> Int32? {
        let year = civil(today).year
        let days = (year - 1...year + 1).compactMap { self.day(year: $0, month: month, day: day) }.filter { abs(Int($0) - Int(today)) <= 366 }
        switch reading {
        case .refused: return nil
        case .past: return days.last { $0 <= today + 31 }
        case .upcoming: return days.first { $0 >= today - 31 }
        case .notLater: return days.last { $0 <= today }
        }
    }

    /// Whether `input` names a day relative to the day it is read (今天, 明天, 下周三, 3天后, +3d,
    /// today …): what a command takes, and a file must not give (INTERCHANGE.md §3).
    public static func isRelative(_ input: String) -> Bool {
        // Nearly every cell is a date written out (2026-03-05, 2026/3/5 14:30, 2026年3月5日):
        // digits and separators alone name no relative day (every relative form has a letter, a
        // sign before its d or w, or a word such as 天, 后, 周, 下), so such a text is answered
        // without the general reading, which built a dozen strings per cell (a fifth of a
        // 100,000-customer import's time: PERFORMANCE.md).
        if input.unicodeScalars.allSatisfy(isPlainDateScalar) { return false }
        let text = String(String.UnicodeScalarView(input.unicodeScalars.map { $0.asciiForm })).trimmingCharacters(in: .whitespaces)
        return relativeDay(text, today: 0) != nil
    }

    /// A date followed by its weekday (日 then 星期四, 周四 or 礼拜四, bracketed or not, or a
    /// date of digits then a space and the weekday): the date's text and the weekday (1 =
    /// Monday); nil for any other text (周四 alone is a relative day).
    static func weekdaySuffix(_ text: String) -> (String, Int)? {
        var t = Substring(text)
        if let last = t.last, last == ")" || last == "）" { t = t.dropLast() }
        guard let dayChar = t.last, let i = "一二三四五六日天".firstIndex(of: dayChar) else { return nil }
        t = t.dropLast()
        var matched = false
        for word in ["星期", "礼拜", "周"] where t.hasSuffix(word) {
            t = t.dropLast(word.count)
            matched = true
            break
        }
        guard matched else { return nil }
        if let last = t.last, last == "(" || last == "（" { t = t.dropLast() }
        let date = t.trimmingCharacters(in: .whitespaces)
        guard let end = date.last, end == "日" || end == "号" || end.isASCII && end.isNumber, date.first?.isNumber == true else { return nil }
        let n = min("一二三四五六日天".distance(from: "一二三四五六日天".startIndex, to: i), 6)
        return (date, n + 1)
    }

    /// A scalar of a date written out: an ASCII digit, `-` `/` `.` `:` `T`, white space, or 年 月
    /// 日 号, full-width forms as their ASCII (`isRelative`'s fast answer).
    @inline(__always)
    static func isPlainDateScalar(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.asciiForm.value
        switch v {
        case 0x30...0x39, 0x2D, 0x2F, 0x2E, 0x3A, 0x54, 0x20, 0x09: return true  // 0-9 - / . : T space tab
        case 0x5E74, 0x6708, 0x65E5, 0x53F7: return true  // 年 月 日 号
        default: return false
        }
    }

    /// The date of a text that gives a date and then a time of day (`2026-03-05 14:30`,
    /// `2026/3/5 14:30:00`, `2026年3月5日下午3点`), without the time: what a date field keeps of
    /// it, as it keeps the day of a spreadsheet's date-time cell (it was "not a date"). Nil when
    /// the text has no time of day, or nothing before it.
    public static func dateBeforeTime(_ input: String) -> String? {
        // (Asked of every date cell of an import: one with no `:` and no byte from E6 up, which
        // each of ：点點時时 starts with in UTF-8, is answered from its bytes; comparing its
        // characters was a ninth of a 100,000-customer import's dry run.)
        guard input.utf8.contains(where: { $0 == 0x3A || $0 >= 0xE6 }),
              input.contains(where: { ":：点點時时".contains($0) }),
              let (date, second) = try? splitTime(input), second != nil, !date.isEmpty else { return nil }
        return date
    }

    /// `parse` without its fast path (what the fast path is tested against).
    static func parseGeneral(_ input: String, now: Int64, yearless: YearlessDate = .refused) throws -> Int32 {
        // Chinese input methods type full-width digits and separators (２０２６／３／５).
        let text = String(String.UnicodeScalarView(input.unicodeScalars.map {
            $0.asciiForm
        })).trimmingCharacters(in: .whitespaces)
        if let relative = relativeDay(text, today: localDay(now)) {
            guard relative >= -25_567, relative <= 2_932_896 else { throw invalid(input) }  // 1900-01-01 … 9999-12-31
            return relative
        }
        // 2026年3月5日星期四 (Excel's long date in Chinese), 2026-03-05（周四）: the date, and its
        // weekday checked against it (it was "not a date").
        if let (datePart, named) = weekdaySuffix(text) {
            let day = try parseGeneral(datePart, now: now, yearless: yearless)
            let actual = weekday(day)
            guard actual == named else {
                let names = ["一", "二", "三", "四", "五", "六", "日"]
                let en = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
                throw ArchiveError(.invalidDate, "\(input): \(datePart) is a \(en[actual - 1]), not a \(en[named - 1]); check the date",
                                   zh: "“\(input)”有误：\(datePart)是星期\(names[actual - 1])，不是星期\(names[named - 1])，请核对日期")
            }
            return day
        }
        // 十二月八日, 二〇二六年十二月八日: a date said in words, read as its digits (it was "not a
        // date": helper-179).
        if let digits = dateInWords(text), digits != text {
            do { return try parseGeneral(digits, now: now, yearless: yearless) } catch let e as ArchiveError {
                // (Said with what was typed: “12月32日”不是有效日期 for 十二月三十二日, helper-181.)
                throw ArchiveError(e.code, e.reason.replacingOccurrences(of: digits, with: input),
                                   zh: e.reasonZH?.replacingOccurrences(of: "“\(digits)”", with: "“\(input)”（即 \(digits)）"))
            }
        }
        var parts: [Int] = []
        var current = ""
        var separators: [Character] = []
        for ch in text {
            if ch.isASCII && ch.isNumber {
                current.append(ch)
            } else {
                guard !current.isEmpty else { throw invalid(input) }
                parts.append(Int(current) ?? -1)
                current = ""
                separators.append(ch)
            }
        }
        if !current.isEmpty { parts.append(Int(current) ?? -1) }
        let sepSet = String(separators)
        let chinese = sepSet == "年月日" || sepSet == "年月" || sepSet == "年月号"  // (2026年12月1号, as said)
        // 12月1日 typed in a command: that day in the year `yearless` says (a month and day is
        // how a date is said; it was refused for its missing year). Not 12/1, which is 1
        // December or 12 January.
        if yearless != .refused, parts.count == 2, ["月日", "月", "月号"].contains(sepSet), (1...12).contains(parts[0]), (1...31).contains(parts[1]) {
            guard let day = monthDay(month: parts[0], day: parts[1], today: localDay(now), reading: yearless) else {
                if parts[0] == 2 && parts[1] == 29 {
                    // (The February it would be: the coming one for a day to come.)
                    let year = monthDay(month: 2, day: 28, today: localDay(now), reading: yearless).map { civil($0).year } ?? civil(localDay(now)).year
                    let leap = (year...year + 4).first { self.day(year: $0, month: 2, day: 29) != nil } ?? 2028
                    throw ArchiveError(.invalidDate, "\(input): February \(year) has 28 days; for a leap year's, write the year (e.g. \(leap)-02-29)",
                                       zh: "“\(input)”有误：\(year) 年 2 月只有 28 天；如指闰年，请写明年份，如 \(leap)-02-29")
                }
                let last = (28...31).last(where: { self.day(year: 2024, month: parts[0], day: $0) != nil }) ?? 31
                throw ArchiveError(.invalidDate, "\(input): month \(parts[0]) has at most \(last) days; check the day",
                                   zh: "“\(input)”有误：\(parts[0]) 月最多只有 \(last) 天，请核对日期")
            }
            return day
        }
        // 12月1日 in a file, 12/1: a month and day without the year (said so, with the year it would be).
        if parts.count == 2, ["月日", "月", "月号", "/", "-", "."].contains(sepSet), (1...12).contains(parts[0]), (1...31).contains(parts[1]) {
            let year = civil(localDay(now)).year
            // (In a command, which reads 12月1日, the order is what is unclear: "no year" read
            // as though 12月1日 were refused too: helper-135.)
            if yearless != .refused {
                // (The year the month and day would be read in: 1-5 typed in December is next
                // year's for a day to come: helper-136.)
                let year = monthDay(month: parts[0], day: parts[1], today: localDay(now), reading: yearless).map { civil($0).year } ?? year
                // (Why it is unclear, when the other order is a date too: helper-137.)
                let other = parts[1] <= 12 ? "（可能指 \(parts[0])月\(parts[1])日，也可能指 \(parts[1])月\(parts[0])日）" : ""
                throw ArchiveError(.invalidDate, (other.isEmpty ? "\(input) is not a form dates take" : "\(input) may be month/day or day/month") + "; write \(parts[0])月\(parts[1])日 or \(year)-\(two(parts[0]))-\(two(parts[1]))",
                                   zh: "“\(input)”\(other.isEmpty ? "写法不规范" : "有歧义" + other)，请写成 \(parts[0])月\(parts[1])日 或 \(year)-\(two(parts[0]))-\(two(parts[1]))")
            }
            throw ArchiveError(.invalidDate, "\(input) has no year; write it in full, e.g. \(year)-\(parts[0] < 10 ? "0" : "")\(parts[0])-\(parts[1] < 10 ? "0" : "")\(parts[1])",
                               zh: "“\(input)”没有写年份；请写全，如 \(year)年\(parts[0])月\(parts[1])日或 \(year)-\(parts[0] < 10 ? "0" : "")\(parts[0])-\(parts[1] < 10 ? "0" : "")\(parts[1])")
        }
        // 2027年3月, 2027-03: a month, as a planned signing is often written; the day asked for,
        // with the month's first and last (it was "not a date").
        if parts.count == 2, ["年月", "年", "-", "/", "."].contains(sepSet), (1900...9999).contains(parts[0]), (1...12).contains(parts[1]),
           String(text.prefix(while: { $0.isNumber })).count == 4,
           let first = day(year: parts[0], month: parts[1], day: 1),
           let last = (28...31).compactMap({ day(year: parts[0], month: parts[1], day: $0) }).last {
            throw ArchiveError(.invalidDate, "\(input) gives a month, not a day; write the day, e.g. \(format(first)) or the month's end \(format(last))",
                               zh: "“\(input)”只写到月份，请写明具体哪一天，如 \(format(first)) 或月底 \(format(last))")
        }
        // (2026.12.05: common in Chinese sheets, the year first as in the other forms.)
        // (13/05/2027 can only be 13 May: said, with the date to write.)
        let only = onlyReading(parts)
        let onlyEN = only.map { "; if it means \(civil($0.day).year)-\(two(civil($0.day).month))-\(two(civil($0.day).day)) (\($0.dayFirst ? "day/month/year" : "month/day/year")), write that" } ?? ""
        let onlyZH = only.map { "。如果指的是 \(civil($0.day).year) 年 \(civil($0.day).month) 月 \(civil($0.day).day) 日（\($0.dayFirst ? "日/月/年" : "月/日/年")写法），请写成 \(format($0.day))" } ?? ""
        guard parts.count == 3, chinese || sepSet == "--" || sepSet == "//" || sepSet == ".." else {
            if parts.count == 3, parts[0] <= 31, parts[2] >= 1900 {
                throw ArchiveError(
                    .ambiguousDate, "\(input) could be day/month or month/day; write it as YYYY-MM-DD (e.g. 2026-03-05)" + onlyEN,
                    zh: "\(input) 无法区分日/月还是月/日；请写成 YYYY-MM-DD（例如 2026-03-05）" + onlyZH)
            }
            throw invalid(input)
        }
        guard String(text.prefix(while: { $0.isNumber })).count == 4 else {
            // (13/05/2027 has its four digits, at the end: the order is what is wrong, and was
            // said as though the year were: helper-116.)
            if parts.count == 3, (1000...9999).contains(parts[2]) {
                throw ArchiveError(.ambiguousDate, "\(input): write the year first, as year-month-day (YYYY-MM-DD)" + onlyEN,
                                   zh: "\(input)：日期请按“年-月-日”的顺序填写（YYYY-MM-DD）" + onlyZH)
            }
            throw ArchiveError(.ambiguousDate, "\(input): the year must come first, with its four digits (YYYY-MM-DD)" + onlyEN,
                               zh: "\(input)：年份须写全四位并放在最前面（YYYY-MM-DD）" + onlyZH)
        }
        guard let day = day(year: parts[0], month: parts[1], day: parts[2]) else {
            // A day the month does not have (2026-02-29, 2026-04-31): said so.
            if (1...9999).contains(parts[0]), (1...12).contains(parts[1]), (29...31).contains(parts[2]),
               let last = (28...31).last(where: { self.day(year: parts[0], month: parts[1], day: $0) != nil }) {
                throw ArchiveError(.invalidDate, "\(input): \(parts[0])-\(parts[1] < 10 ? "0" : "")\(parts[1]) has \(last) days; check the day",
                                   zh: "“\(input)”有误：\(parts[0]) 年 \(parts[1]) 月只有 \(last) 天，请核对日期")
            }
            throw invalid(input)
        }
        return day
    }

    /// The one date three numbers with the year last (13/05/2027, 5/13/2027) can be, when only
    /// one of day/month/year and month/day/year gives a date: the day, and whether it was day
    /// first. Nil when both or neither do (03/05/2027), or the year is not last.
    public static func onlyReading(_ parts: [Int]) -> (day: Int32, dayFirst: Bool)? {
        guard parts.count == 3, (1000...9999).contains(parts[2]) else { return nil }
        let dayFirst = day(year: parts[2], month: parts[1], day: parts[0])
        let monthFirst = day(year: parts[2], month: parts[0], day: parts[1])
        switch (dayFirst, monthFirst) {
        case (let d?, nil): return (d, true)
        case (nil, let d?): return (d, false)
        default: return nil
        }
    }

    /// The numbers of a date written with one kind of separator (13/05/2027: 13, 5, 2027).
    public static func numbers(_ text: String) -> [Int] {
        text.split(whereSeparator: { !($0.isASCII && $0.isNumber) }).compactMap { Int($0) }
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// `2026-03-05` or `2026/3/5` (ASCII, no spaces, a 4-digit year, the same separator twice)
    /// read without building strings: the day `parse` gives such text (it is not a relative form
    /// and has no full-width characters to fold); nil for any other text or an invalid date,
    /// which `parse` then reads, or refuses with its message.
    public static func fastDay(_ input: String) -> Int32? {
        var text = input
        return text.withUTF8 { fastDay($0) }
    }

    /// `fastDay` over the text's UTF-8 bytes.
    public static func fastDay(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        var year = 0, month = 0, value = 0
        var part = 0, digits = 0
        var separator: UInt8 = 0
        for b in bytes {
            if b >= 0x30 && b <= 0x39 {
                digits += 1
                guard digits <= 4 else { return nil }
                value = value * 10 + Int(b - 0x30)
            } else if b == 0x2D || b == 0x2F {  // - /
                guard digits > 0 else { return nil }
                if part == 0 {
                    guard digits == 4 else { return nil }
                    separator = b
                    year = value
                } else if part == 1 {
                    guard b == separator else { return nil }
                    month = value
                } else {
                    return nil
                }
                part += 1
                digits = 0
                value = 0
            } else {
                return nil
            }
        }
        guard part == 2, digits > 0 else { return nil }
        return day(year: year, month: month, day: value)
    }

    /// The relative forms `invalid` suggests (a command takes them, a file does not: an import
    /// says its own message for such an error).
    public static let relativeFormsEN = "today, tomorrow, next wed or +3d"
    public static let relativeFormsZH = "今天、昨天、下周三、3天后"

    private static func invalid(_ input: String) -> ArchiveError {
        ArchiveError(.invalidDate, "\(input) is not a date; use 2026-03-05, 2026/3/5, 2026年3月5日, \(relativeFormsEN)",
                     zh: "“\(input)”不是有效日期；请写成 2026-03-05、2026/3/5、2026年3月5日，或\(relativeFormsZH)")
    }

    // MARK: Relative dates (RECORDS.md §4)

    /// The ISO weekday of a day: 1 Monday … 7 Sunday (1970-01-01 was a Thursday).
    public static func weekday(_ day: Int32) -> Int { Int(((Int64(day) + 3) % 7 + 7) % 7) + 1 }

    /// The Monday of the week of `day` (weeks run Monday to Sunday, as ISO weeks and Chinese calendars do).
    public static func monday(of day: Int32) -> Int32 { day - Int32(weekday(day) - 1) }

    /// A day named relative to `today`, or nil when `text` (already made ASCII, trimmed) is not
    /// one of the relative forms: 今天 明天 后天 昨天 前天, 本周五 这周五 周五 下周三 上周一
    /// (星期 and 礼拜 for 周; 日/天 for Sunday), 3天后 三天后 2周后 3天前, +3d -2d +1w, today tomorrow
    /// yesterday, in 3 days, 3 days ago, this fri, next wed (the Wednesday of next week), last mon.
    static func relativeDay(_ text: String, today: Int32) -> Int32? {
        let t = text.lowercased().filter { $0 != " " && $0 != "\u{3000}" }
        switch t {
        case "today", "今天", "今日": return today
        case "tomorrow", "明天", "明日": return today + 1
        case "后天": return today + 2
        case "大后天": return today + 3
        case "yesterday", "昨天", "昨日": return today - 1
        case "前天": return today - 2
        default: break
        }
        // The month's and the year's ends and starts, and months ahead: 月底, 下月初, 年底,
        // 下个月5号, 半个月后, 3个月后 (everyday words a follow-up is written in were refused:
        // helper-179).
        if let day = monthRelativeDay(t, today: today) { return day }
        // +3d, -2d, +1w
        if let sign = t.first, sign == "+" || sign == "-", let unit = t.last, unit == "d" || unit == "w",
           let n = Int32(t.dropFirst().dropLast()), n <= 100_000 {
            return today + (sign == "+" ? 1 : -1) * n * (unit == "w" ? 7 : 1)
        }
        // 3天后, 三天前, 2周后, 两个星期后
        for (suffix, sign) in [("后", Int32(1)), ("以后", 1), ("之后", 1), ("前", -1), ("以前", -1), ("之前", -1)] where t.hasSuffix(suffix) {
            var body = String(t.dropLast(suffix.count))
            var unit: Int32 = 1
            for (u, days) in [("天", Int32(1)), ("日", 1), ("周", 7), ("个星期", 7), ("星期", 7), ("个礼拜", 7), ("礼拜", 7)] where body.hasSuffix(u) {
                body = String(body.dropLast(u.count))
                unit = days
                if let n = chineseNumber(body) { return today + sign * n * unit }
            }
        }
        // in 3 days, 3 days ago, in 2 weeks
        if let r = englishCount(t) { return today + r }
        // 本周五, 这周五, 周五, 下周三, 下下周一, 上周一
        var rest = Substring(t)
        var weeks: Int32 = 0
        var english = false
        for (prefix, w) in [("下下", Int32(2)), ("下个", 1), ("下", 1), ("上个", -1), ("上", -1), ("本", 0), ("这个", 0), ("这", 0),
                            ("next", 1), ("this", 0), ("last", -1)] where rest.hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
            weeks = w
            english = prefix.first!.isASCII
            break
        }
        if english {
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
            guard let i = names.firstIndex(of: String(rest)) ?? full.firstIndex(of: String(rest)) ?? (rest == "tues" ? 1 : rest == "thur" || rest == "thurs" ? 3 : nil) else {
                return nil
            }
            return monday(of: today) + weeks * 7 + Int32(i)
        }
        for word in ["星期", "礼拜", "周"] where rest.hasPrefix(word) {
            let d = rest.dropFirst(word.count)
            guard d.count == 1, let i = "一二三四五六日天".firstIndex(of: d.first!) else { return nil }
            let n = min("一二三四五六日天".distance(from: "一二三四五六日天".startIndex, to: i), 6)
            return monday(of: today) + weeks * 7 + Int32(n)
        }
        return nil
    }

    /// 月底 (本月底, 月末), 下月底, 下月初, 年底 (年末), 半个月后, 下个月5号 (下月五日), N个月后:
    /// the day, or nil. A day of the month it does not have (下个月31号 in a month of 30) is nil.
    static func monthRelativeDay(_ t: String, today: Int32) -> Int32? {
        let (y, m, d) = civil(today)
        func first(_ month: Int) -> Int32? { day(year: y + (month - 1) / 12, month: (month - 1) % 12 + 1, day: 1) }
        switch t {
        case "月底", "月末", "本月底", "本月末", "这个月底", "这月底": return first(m + 1).map { $0 - 1 }
        case "下月底", "下个月底", "下月末", "下个月末": return first(m + 2).map { $0 - 1 }
        case "下月初", "下个月初": return first(m + 1)
        case "年底", "年末", "今年底", "今年年底", "今年年末": return day(year: y, month: 12, day: 31)
        case "半个月后", "半月后", "半个月以后", "半个月之后": return today + 15
        default: break
        }
        for prefix in ["下个月", "下月"] where t.hasPrefix(prefix) {
            var body = String(t.dropFirst(prefix.count))
            guard let unit = body.last, unit == "号" || unit == "日" else { return nil }
            body.removeLast()
            guard let n = chineseNumber(body), let start = first(m + 1) else { return nil }
            let (ny, nm, _) = civil(start)
            return day(year: ny, month: nm, day: Int(n))
        }
        for suffix in ["个月后", "个月以后", "个月之后"] where t.hasSuffix(suffix) {
            guard let n = chineseNumber(String(t.dropLast(suffix.count))), n > 0, n <= 1_200, let start = first(m + Int(n)),
                  let next = first(m + Int(n) + 1) else { return nil }
            // (The same day of that month, or its last when it has fewer days: 1月31日 + 1个月 = 2月28日.)
            return start + Int32(min(d, Int(next - start))) - 1
        }
        return nil
    }

    /// A date written in Chinese numerals (十二月八日, 十二月八号, 二〇二六年十二月三十一日) with its
    /// numbers as digits (12月8日, 2026年12月31日); nil when it is not one.
    static func dateInWords(_ text: String) -> String? {
        guard text.contains("月"), text.contains(where: { "一二三四五六七八九十".contains($0) }) else { return nil }
        var rest = Substring(text)
        var out = ""
        if let year = rest.firstIndex(of: "年") {
            let figures: [Character: Character] = ["〇": "0", "零": "0", "○": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"]
            let written = rest[..<year]
            let digits = written.map { $0.isASCII && $0.isNumber ? $0 : figures[$0] }
            guard digits.count == 4, digits.allSatisfy({ $0 != nil }) else { return nil }
            out = String(digits.compactMap { $0 }) + "年"
            rest = rest[rest.index(after: year)...]
        }
        guard let month = rest.firstIndex(of: "月"), let last = rest.last, last == "日" || last == "号" || last == "號" else { return nil }
        let dayText = rest[rest.index(after: month)..<rest.index(before: rest.endIndex)]
        func number(_ s: Substring) -> Int32? { Int32(s) ?? chineseNumber(String(s)) }
        guard let m = number(rest[..<month]), let d = number(dayText) else { return nil }
        return out + "\(m)月\(d)" + (last == "日" ? "日" : "号")
    }

    /// 3, 三, 两, 十, 十五, 二十 (up to 99), or digits.
    private static func chineseNumber(_ s: String) -> Int32? {
        if let n = Int32(s), n >= 0, n <= 100_000 { return n }
        let digits: [Character: Int32] = ["零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
        let chars = Array(s.hasSuffix("个") ? String(s.dropLast()) : s)
        switch chars.count {
        case 1: return chars[0] == "十" ? 10 : digits[chars[0]]
        case 2 where chars[0] == "十": return digits[chars[1]].map { 10 + $0 }
        case 2 where chars[1] == "十": return digits[chars[0]].map { $0 * 10 }
        case 3 where chars[1] == "十": return digits[chars[0]].flatMap { t in digits[chars[2]].map { t * 10 + $0 } }
        default: return nil
        }
    }

    /// The minutes of a time said in words: 五, 十五, 三十五, and a minute under ten with its 零
    /// (三点零五分; it was refused while 3点05 was read); nil for 零十 and other such text.
    private static func chineseMinute(_ t: String) -> Int? {
        guard t.hasPrefix("零"), t.count > 1 else { return chineseNumber(t).map(Int.init) }
        guard t.count == 2, let n = chineseNumber(String(t.dropFirst())), (1...9).contains(n) else { return nil }
        return Int(n)
    }

    /// in3days, 3daysago, in2weeks, 1dayago (spaces already removed): the offset in days.
    private static func englishCount(_ t: String) -> Int32? {
        var body = Substring(t)
        var sign: Int32 = 1
        if body.hasPrefix("in") { body = body.dropFirst(2) } else if body.hasSuffix("ago") { body = body.dropLast(3); sign = -1 } else { return nil }
        for (unit, days) in [("days", Int32(1)), ("day", 1), ("weeks", 7), ("week", 7)] where body.hasSuffix(unit) {
            guard let n = Int32(body.dropLast(unit.count)), n <= 100_000 else { return nil }
            return sign * n * days
        }
        return nil
    }
}

extension Int64 {
    package func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}
