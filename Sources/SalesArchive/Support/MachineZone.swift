import Foundation

/// This machine's time zone as the `TZ` variable names it, read as the C library reads it (and
/// `date` shows it), for the forms Foundation's `TimeZone` reads otherwise: a leading colon
/// (`TZ=:Asia/Shanghai`, POSIX's form for a zone file) and a zone file's path
/// (`TZ=/usr/share/zoneinfo/Asia/Tokyo`), both taken as UTC; and a zone given by its name and
/// offset alone (`TZ=CST-8`, what some Chinese setup guides write), taken as UTC, or, for
/// `UTC-8` and `GMT+8`, with the offset's sign the other way round from POSIX's (the machine's
/// clock said 08:00, the tool read times as if it were 16 hours earlier). Either way every time
/// typed with `--at` or read from a file was hours off (helper-123, helper-126).
public enum MachineZone {
    /// A zone's name as a note shows it: `Etc/GMT+8` (POSIX's sign, eight hours *behind* UTC)
    /// as `UTC-8`, which no one misreads (helper-140); other names as they are.
    public static func shownName(_ identifier: String) -> String {
        // (GMT-0830, what `UTC+8:30` is named: UTC-8:30, Foundation's sign.)
        let u = Array(identifier.utf8)
        if u.count == 8, identifier.hasPrefix("GMT"), u[3] == 0x2B || u[3] == 0x2D, u[4...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
           let h = Int(identifier.dropFirst(4).prefix(2)), let m = Int(identifier.suffix(2)) {
            return "UTC\(u[3] == 0x2B ? "+" : "-")\(h):\(m < 10 ? "0" : "")\(m)"
        }
        guard identifier.hasPrefix("Etc/GMT"), identifier.count > 8, let n = Int(identifier.dropFirst(8)), n != 0 else { return identifier }
        let sign = identifier.dropFirst(7).first
        return sign == "+" ? "UTC-\(n)" : sign == "-" ? "UTC+\(n)" : identifier
    }

    /// The zone identifier Foundation reads as the C library reads `value`, when `value` is one
    /// of those forms: the zone after the colon or `zoneinfo/`, or `Etc/GMT-8` for `CST-8` and
    /// `UTC-8` (POSIX counts hours west of Greenwich, as the `Etc/GMT` zones do), `GMT-0830` for
    /// `UTC+8:30` (an offset with minutes, which Foundation counts east: since 2026-12-06). Nil when
    /// Foundation reads `value` as the C library does, and for what has no such identifier:
    /// summer-time rules (`EST5EDT,M3.2.0,M11.1.0`), or text
    /// that names no zone.
    public static func identifier(forTZ value: String) -> String? {
        guard !value.isEmpty, value.utf8.count <= 128 else { return nil }
        var name = value.hasPrefix(":") ? String(value.dropFirst()) : value
        // A zone file elsewhere (`TZ=:/etc/localtime`, a copy): the zone it links to, or whose
        // bytes it holds (it was read as UTC: helper-158).
        if name.hasPrefix("/"), !name.contains("/zoneinfo/"), let zone = zoneOfFile(name) { return zone }
        if name.hasPrefix("/"), let range = name.range(of: "/zoneinfo/") { name = String(name[range.upperBound...]) }
        if name != value {
            return TimeZone(identifier: name) != nil ? name : nil
        }
        if isAbbreviationOnly(value) { return "Etc/UTC" }
        // EST's zone file is five hours behind all year; Foundation read it as America/New_York,
        // with its summer time (helper-136).
        if value == "EST" { return "Etc/GMT+5" }
        return posixOffset(value)
    }

    /// The zone of the zone file at `path`: where its links lead under `zoneinfo/`, or else the
    /// installed zone file with the same bytes (Asia/Shanghai first of those alike); nil when none.
    static func zoneOfFile(_ path: String) -> String? {
        guard !isNoZoneFile(path), let resolved = realpath(path, nil) else { return nil }
        let real = String(cString: resolved)
        free(resolved)
        if let range = real.range(of: "/zoneinfo/") {
            let name = String(real[range.upperBound...])
            return TimeZone(identifier: name) != nil ? name : nil
        }
        let root = "/usr/share/zoneinfo"
        guard let bytes = FileManager.default.contents(atPath: real), bytes.count <= 1 << 20, bytes.starts(with: Array("TZif".utf8)) else { return nil }
        if FileManager.default.contents(atPath: root + "/Asia/Shanghai") == bytes { return "Asia/Shanghai" }
        guard let names = FileManager.default.enumerator(atPath: root) else { return nil }
        var found: [String] = []
        for case let name as String in names where !name.hasPrefix("posix") && !name.hasPrefix("right") && name.contains("/") {
            let file = root + "/" + name
            var st = stat()
            guard stat(file, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) == bytes.count,
                  FileManager.default.contents(atPath: file) == bytes, TimeZone(identifier: name) != nil else { continue }
            found.append(name)
        }
        return found.sorted().first
    }

    /// Whether `TZ`'s value names a path that is there and is no regular file (a FIFO, a device,
    /// standard input, a folder): reading it may never end (`TZ=:fifo` hung every command:
    /// helper-160), so the process takes UTC instead, and the note says the value names no zone.
    public static func isNoZoneFile(_ value: String) -> Bool {
        let path = value.hasPrefix(":") ? String(value.dropFirst()) : value
        guard path.hasPrefix("/") || path.hasPrefix(".") else { return false }
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return (st.st_mode & S_IFMT) != S_IFREG || st.st_size > 1 << 20
    }

    /// Whether `value` is letters alone that name no zone file (`CST`, `JST`, `PST`): the C
    /// library (and `date`) then keeps UTC, while Foundation read CST as America/Chicago, 14
    /// hours from the China Standard Time a Chinese user means by it (helper-134). Only where
    /// the zone files are installed.
    public static func isAbbreviationOnly(_ value: String) -> Bool {
        guard (3...16).contains(value.utf8.count), value.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        var folder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: "/usr/share/zoneinfo", isDirectory: &folder), folder.boolValue else { return false }
        return !FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/" + value)
    }

    /// The hours west of Greenwich a `TZ` of the form `UTC+8`, `GMT-8` or `CST+8` gives, as
    /// POSIX reads it (`UTC+8` is eight hours behind UTC), when its offset has a sign: what a
    /// note explains to someone who wrote `UTC+8` for Beijing. Nil for any other form.
    public static func signedPOSIXHoursWest(_ value: String) -> Int? {
        guard let minutes = signedPOSIXMinutesWest(value), minutes % 60 == 0 else { return nil }
        return minutes / 60
    }

    /// `signedPOSIXHoursWest` in minutes, an offset with minutes too (`UTC+8:30` is 510).
    public static func signedPOSIXMinutesWest(_ value: String) -> Int? {
        guard value.utf8.count <= 128, value.contains(where: { $0 == "+" || $0 == "-" }), let id = posixOffset(value) else { return nil }
        if id == "Etc/UTC" { return 0 }
        if id.hasPrefix("Etc/GMT"), let n = Int(id.dropFirst(7)) { return n * 60 }
        guard let zone = TimeZone(identifier: id) else { return nil }
        return -zone.secondsFromGMT() / 60
    }

    /// `std offset` with nothing after it: a name of three or more letters, or <…> (<+08>-8),
    /// then [+-]hh[:mm[:ss]], the hours west of Greenwich.
    static func posixOffset(_ value: String) -> String? {
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
              let hours = Int(parts[0]), hours <= 14, parts.count < 3 || Int(parts[2]) == 0 else { return nil }
        let minutes = parts.count > 1 ? Int(parts[1]) ?? 60 : 0
        guard minutes < 60 else { return nil }
        if minutes != 0 {
            // (UTC+8:30, IST-5:30: Etc/GMT zones are whole hours. Foundation reads GMT-0830 as
            // 8:30 behind UTC, east counted positive, where it read UTC+8:30 as 8:30 ahead.)
            return "GMT\(sign > 0 ? "-" : "+")\(hours < 10 ? "0" : "")\(hours)\(minutes < 10 ? "0" : "")\(minutes)"
        }
        let west = sign * hours
        return west == 0 ? "Etc/UTC" : "Etc/GMT\(west > 0 ? "+" : "-")\(abs(west))"
    }
}
