import Foundation

/// Whether a number format shows a date or a time (so a number cell styled with it is a date).
enum NumberFormat {
    /// Built-in formats that show dates or times: 14–22 and 45–47 everywhere; 27–36 and 50–58
    /// are the dates of the Chinese, Japanese and Korean locales (ECMA-376 Part 1, 18.8.30).
    static func isBuiltInDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
    }

    /// A custom format code is a date or time when its first section has y, m, d, h or s outside
    /// quoted text, backslash escapes, `_x` and `*x` spacing, and `[…]` (colours, locales,
    /// conditions); elapsed times like `[h]:mm` count as times.
    static func isDateCode(_ code: String) -> Bool {
        var inQuote = false
        var chars = code.unicodeScalars.makeIterator()
        while let c = chars.next() {
            if inQuote {
                if c == "\"" { inQuote = false }
                continue
            }
            switch c {
            case "\"": inQuote = true
            case "\\", "_", "*": _ = chars.next()
            case ";": return false
            case "[":
                var inside = ""
                while let d = chars.next(), d != "]" { inside.unicodeScalars.append(d) }
                let lower = inside.lowercased()
                if !lower.isEmpty, lower.allSatisfy({ "hms".contains($0) }) { return true }
            case "y", "Y", "m", "M", "d", "D", "h", "H", "s", "S": return true
            default: continue
            }
        }
        return false
    }
}
