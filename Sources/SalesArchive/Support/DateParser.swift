import Foundation
import VaultFormat

/// Calendar days and the accepted date forms: 2026-03-05, 2026/3/5, 2026年3月5日, today. Forms
/// that could be day/month or month/day (03/05/2026, 5.3.2026) are refused (data-model.md, lesson 4).
public enum DateParser {
    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), or nil if invalid.
    public static func day(year: Int, month: Int, day: Int) -> Int32? {
        guard (1...12).contains(month), (1900...9999).contains(year) else { return nil }
        let monthDays = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...monthDays[month - 1]).contains(day) else { return nil }
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

    /// The instant of local midnight at the start of `day`.
    public static func startOfDay(_ day: Int32) -> Int64 {
        let utc = Int64(day) * 86_400
        let offset = Int64(TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc))))
        return utc - offset
    }

    /// Parses a date as typed by a user; `now` resolves "today" and "yesterday".
    public static func parse(_ input: String, now: Int64) throws -> Int32 {
        // Chinese input methods type full-width digits and separators (２０２６／３／５).
        let text = String(String.UnicodeScalarView(input.unicodeScalars.map {
            $0.asciiForm
        })).trimmingCharacters(in: .whitespaces)
        switch text.lowercased() {
        case "today", "今天": return localDay(now)
        case "yesterday", "昨天": return localDay(now) - 1
        case "tomorrow", "明天": return localDay(now) + 1
        default: break
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
        let chinese = sepSet == "年月日" || sepSet == "年月"
        guard parts.count == 3, chinese || sepSet == "--" || sepSet == "//" else {
            if parts.count == 3, parts[0] <= 31, parts[2] >= 1900 {
                throw ArchiveError(
                    .ambiguousDate, "\(input) could be day/month or month/day; write it as YYYY-MM-DD (e.g. 2026-03-05)",
                    zh: "\(input) 无法区分日/月还是月/日;请写成 YYYY-MM-DD(例如 2026-03-05)")
            }
            throw invalid(input)
        }
        guard String(text.prefix(while: { $0.isNumber })).count == 4 else {
            throw ArchiveError(.ambiguousDate, "\(input): the year must come first (YYYY-MM-DD)", zh: "\(input):年份必须写在最前面(YYYY-MM-DD)")
        }
        guard let day = day(year: parts[0], month: parts[1], day: parts[2]) else { throw invalid(input) }
        return day
    }

    private static func invalid(_ input: String) -> ArchiveError {
        ArchiveError(.invalidDate, "\(input) is not a date; use 2026-03-05, 2026/3/5 or 2026年3月5日", zh: "\(input) 不是日期;请写成 2026-03-05、2026/3/5 或 2026年3月5日")
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}
