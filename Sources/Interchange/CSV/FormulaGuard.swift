/// CSV formula injection (OWASP "CSV Injection"): a cell that starts with `=` `+` `-` `@`, a tab
/// or a carriage return is run as a formula when the file is opened in Excel or WPS, so every
/// value SalesVault writes to a CSV gets a leading apostrophe first (Excel shows it as text).
///
/// This is deliberately blunt, as chatwoot#15334 does it: `+86 138 0000 0000` is exported as
/// `'+86 138 0000 0000`, and `-5+3` as `'-5+3`; only a plain negative number (`-308`, `-0.5`)
/// is written as it is, since Excel reads it as a number and nothing else (compliance's CSV
/// showed a password age of `'-308`). `restore`, which the importer applies to every CSV
/// value, takes the apostrophe off again, so such phone numbers re-import unchanged. XLSX
/// exports neutralise their text cells the same way (INTERCHANGE.md §6.2: a text cell is never
/// evaluated by Excel, but one edited by its user may be), and the import restores them alike.
///
/// The mapping is exact both ways: a value that already starts with apostrophes followed by
/// one of those characters (`'=x`) gets one more, so `restore(neutralise(s)) == s` for every
/// string, and a value `restore` would change can only come from `neutralise`.
public enum FormulaGuard {
    /// `s` with a `'` in front when it starts (after any apostrophes) with = + - @ TAB or CR.
    public static func neutralise(_ s: String) -> String {
        needsGuard(s) ? "'" + s : s
    }

    /// On import: `s` without its first `'` when what follows its apostrophes is one of those
    /// characters, the inverse of `neutralise`. Any other value is returned as it is.
    public static func restore(_ s: String) -> String {
        s.unicodeScalars.first == "'" && needsGuard(s) ? String(s.unicodeScalars.dropFirst()) : s
    }

    /// Whether the first scalar after any leading apostrophes is = + - @ TAB or CR (scalars, not
    /// Characters: "\r\n" is a single Character that still starts with a CR).
    /// A dash alone (what a report writes for "none") is no formula in Excel or LibreOffice: not
    /// guarded (the report's workbook showed '- : helper-126). Nor is a plain negative number
    /// written without apostrophes (`-308`); after one (`'-308`) it is, so that `restore` gives
    /// back exactly what was written, and `'-308` from an earlier export still imports as `-308`.
    static func needsGuard(_ s: String) -> Bool {
        let scalars = s.unicodeScalars.drop { $0 == "'" }
        guard let first = scalars.first else { return false }
        if first == "-" && scalars.count == 1 { return false }
        if first == "-" && scalars.count == s.unicodeScalars.count && isPlainNumber(scalars.dropFirst()) { return false }
        return first == "=" || first == "+" || first == "-" || first == "@" || first == "\t" || first == "\r"
    }

    /// Digits, with at most one `.` between digits (`308`, `0.5`): what Excel reads as a number.
    private static func isPlainNumber(_ scalars: Substring.UnicodeScalarView) -> Bool {
        var digits = 0, dot = false, afterDot = 0
        for c in scalars {
            if c == "." {
                guard !dot, digits > 0 else { return false }
                dot = true
            } else if ("0"..."9").contains(c) {
                if dot { afterDot += 1 } else { digits += 1 }
            } else {
                return false
            }
        }
        return digits > 0 && (!dot || afterDot > 0)
    }
}
