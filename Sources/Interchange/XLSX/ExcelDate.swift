import Foundation
import SalesArchive

/// Excel's date serial numbers (ECMA-376 Part 1, 18.17.4): days since an epoch, the fraction
/// being the time of day.
///
/// - 1900 system (the default): serial 1 is 1900-01-01 and serial 60 is 1900-02-29, a day that
///   never was (Excel keeps Lotus 1-2-3's leap-year bug); from serial 61 (1900-03-01) on, a
///   serial counts days since 1899-12-30. Serial 0 shows as 1900-01-00 in Excel; it is read as
///   1899-12-31, and a time alone (0 ≤ serial < 1) keeps that day.
/// - 1904 system (`<workbookPr date1904="1"/>`, old Mac workbooks): serial 0 is 1904-01-01.
enum ExcelDate {
    /// The largest serial Excel shows as a date (9999-12-31 in the 1900 system).
    static let maxSerial1900 = 2_958_465.0

    /// The date a serial shows, to the second: the fraction of a second dropped as a text's is
    /// (after rounding to the millisecond, which the serial's binary fraction misses: 10:00 is
    /// 0.41666…), so that 23:59:59.999 stays on its day (rounded, it was the next day's 00:00,
    /// and a Sunday's in the next week's report: helper-123); nil when Excel would not show one
    /// (negative, beyond year 9999, not finite).
    static func civil(serial: Double, date1904: Bool) -> CivilDateTime? {
        guard serial.isFinite, serial >= 0 else { return nil }
        let maxSerial = date1904 ? maxSerial1900 - 1462 : maxSerial1900
        guard serial < maxSerial + 1 else { return nil }
        let totalSeconds = Int64((serial * 86_400_000).rounded()) / 1_000  // (not negative: serial ≥ 0)
        let days = Int(totalSeconds / 86_400)
        let secondOfDay = Int(totalSeconds % 86_400)
        if date1904 {
            return make(daysFromUnixEpoch: days + daysFromCivil(1904, 1, 1), secondOfDay: secondOfDay)
        }
        if days == 60 { return CivilDateTime(year: 1900, month: 2, day: 29, secondOfDay: secondOfDay) }
        let base = days < 60 ? daysFromCivil(1899, 12, 31) : daysFromCivil(1899, 12, 30)
        return make(daysFromUnixEpoch: base + days, secondOfDay: secondOfDay)
    }

    /// The 1900-system serial of a date and time; nil before 1900-01-01 or after 9999-12-31
    /// (Excel cannot show those as dates) and for days that do not exist (2024-02-30).
    /// 1900-02-29 gives 60, as Excel does.
    static func serial(_ value: CivilDateTime) -> Double? {
        guard (1900...9999).contains(value.year), (1...12).contains(value.month), (1...31).contains(value.day),
              (0..<86_400).contains(value.secondOfDay) else { return nil }
        let days: Int
        if value.year == 1900, value.month == 2, value.day == 29 {
            days = 60
        } else {
            let d = daysFromCivil(value.year, value.month, value.day)
            guard civilFromDays(d) == (value.year, value.month, value.day) else { return nil }
            let sinceEpoch = d - daysFromCivil(1899, 12, 30)
            days = sinceEpoch < 61 ? d - daysFromCivil(1899, 12, 31) : sinceEpoch
        }
        return Double(days) + Double(value.secondOfDay) / 86_400
    }

    private static func make(daysFromUnixEpoch z: Int, secondOfDay: Int) -> CivilDateTime {
        let (y, m, d) = civilFromDays(z)
        return CivilDateTime(year: y, month: m, day: d, secondOfDay: secondOfDay)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (DateParser's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        DateParser.daysFromCivil(year: year, month: month, day: day)
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        DateParser.civil(Int32(clamping: days))
    }
}
