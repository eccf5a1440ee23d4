import ArgumentParser

/// The options that name a file to write (`--out`, `--output`, `--rejects`), checked when the
/// command line is parsed: before a password is asked or an archive opened (`export --out -`
/// asked the password, ran scrypt, then said `-` was no file), and as a usage error (exit 64)
/// whichever command it is (they were 2, 64 or "Cannot write :").
enum OutputOption {
    /// Throws for a blank name, and for `-` where the command writes only to files.
    static func check(_ value: String?, option: String, example: String) throws {
        guard let value else { return }
        if value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError(L("\(option) names no file; give a file name, e.g. \(option) \(example)",
                                    "\(option) 后面缺少文件名，请补上，例如 \(option) \(example)").text)
        }
        if value.trimmingCharacters(in: .whitespaces) == "-" {  // (" - " wrote a file so named: helper-160)
            throw ValidationError(L("\(option) -: this command writes to a file, not to standard output, so nothing was done; give a file name, e.g. \(option) \(example)",
                                    "不能用“-”把内容输出到屏幕：此命令只能写入文件，本次未做任何操作。请指定文件名，例如 \(option) \(example)").text)
        }
    }

    /// For an option whose default is standard output (`reminders --output`, `report
    /// department --out`): `-` is that default, as other tools read it; a blank name is refused.
    static func standardOutputOrFile(_ value: String?, option: String, example: String) throws -> String? {
        guard let value, value.trimmingCharacters(in: .whitespaces) != "-" else { return nil }
        try check(value, option: option, example: example)
        return value
    }
}
