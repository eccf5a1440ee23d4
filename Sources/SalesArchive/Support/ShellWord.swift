/// A word as a POSIX shell reads it back unchanged: as it is when every character is a letter,
/// a digit or one of `/ . _ - + , : @ % =`, otherwise in single quotes (a `'` within as `'\''`).
/// The one way a command shown to the user quotes its arguments: the repair command of
/// compliance, the calendar's submit command, a command repeated with an option added (three
/// ways, each with its own list of characters, before 2026-12-06).
public enum ShellWord {
    public static func quote(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { u in
            u.properties.isAlphabetic || ("0"..."9").contains(u) || "/._-+,:@%=".unicodeScalars.contains(u)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
