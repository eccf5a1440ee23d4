import Foundation

/// This machine's time zone as the `TZ` variable names it, for the forms the C library reads
/// (and `date` shows) but Foundation's `TimeZone` takes as UTC: a leading colon
/// (`TZ=:Asia/Shanghai`, POSIX's form for a zone file) and a zone given by its name and offset
/// alone (`TZ=CST-8`, what some Chinese setup guides write). Read as UTC, every time typed with
/// `--at` or read from a file was 8 hours off for such a machine (helper-123).
public enum MachineZone {
    /// The zone identifier Foundation reads for `value`, when `value` is one of those forms:
    /// the zone after the colon, or `Etc/GMT-8` for `CST-8` (POSIX counts hours west of
    /// Greenwich, as the `Etc/GMT` zones do). Nil when Foundation reads `value` itself, and for
    /// what has no such identifier: an offset with minutes (`IST-5:30`), summer-time rules
    /// (`EST5EDT,M3.2.0,M11.1.0`), or text that names no zone.
    public static func identifier(forTZ value: String) -> String? {
        guard !value.isEmpty, value.utf8.count <= 64, TimeZone(identifier: value) == nil else { return nil }
        if value.hasPrefix(":") {
            let name = String(value.dropFirst())
            return TimeZone(identifier: name) != nil ? name : nil
        }
        // std offset: a name of three or more letters, or <…> (<+08>-8), then [+-]hh[:mm[:ss]]
        // with nothing after it.
        var rest = Substring(value)
        if rest.first == "<" {
            guard let close = rest.firstIndex(of: ">"), rest.distance(from: rest.startIndex, to: close) >= 4 else { return nil }
            rest = rest[rest.index(after: close)...]
        } else {
            let name = rest.prefix { $0.isASCII && $0.isLetter }
            guard name.count >= 3 else { return nil }
            rest = rest.dropFirst(name.count)
        }
        var sign = 1
        if rest.first == "+" || rest.first == "-" {
            sign = rest.first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hours = Int(parts[0]), hours <= 14, parts.dropFirst().allSatisfy({ Int($0) == 0 }) else { return nil }
        let west = sign * hours
        return west == 0 ? "Etc/UTC" : "Etc/GMT\(west > 0 ? "+" : "-")\(abs(west))"
    }
}
