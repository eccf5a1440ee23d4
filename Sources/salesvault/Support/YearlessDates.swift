import SalesArchive

/// The notes of DateParser.readingNotes on the dates a command is given, said before it runs:
/// a month and day read in another year than this one (a follow-up stored for next January
/// showed no year anywhere but the history: helper-134), a day to come that has passed
/// (helper-136). Which reading each option's date gets is the commands' (`--since` a look
/// back, `--at` and the other past options when something happened, the rest a day to come).
enum YearlessDates {
    static let pastOptions: Set<String> = ["--at", "--since", "--until", "--as-of", "--week"]
    static let dateOptions = pastOptions.union(["--next-date", "--expected-bid", "--expected-sign"])

    /// How the library reads a date given with `option`.
    static func reading(_ option: String) -> DateParser.YearlessDate {
        option == "--since" ? .notLater : pastOptions.contains(option) ? .past : .upcoming
    }

    /// Whether `--set KEY=…` sets a date field: a date field's key or Chinese name, or a column
    /// name an import takes for one (下次跟进日期, 预计签约时间).
    static func isDateField(_ key: String) -> Bool {
        let dated = [EntityKind.customer, .project, .activity].flatMap { Schema.fields($0) }.filter {
            if case .date = $0.type { return true } else { return false }
        }
        return dated.contains { $0.key.lowercased() == key.lowercased() || $0.zh == key } || ["日期", "跟进", "投标", "签约"].contains { key.contains($0) }
    }

    static func note(_ arguments: [String], now: Int64) {
        var said = Set<String>()
        for (i, argument) in arguments.enumerated() {
            let option = i > 0 ? arguments[i - 1] : ""
            // (`--set 下次跟进=1月5日`: the value after `=`; `--at=12月1日` likewise.)
            var value = argument
            var reading = Self.reading(option)
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "="), dateOptions.contains(String(argument[..<eq])) {
                reading = Self.reading(String(argument[..<eq]))
                value = String(argument[argument.index(after: eq)...])
            } else if let eq = argument.firstIndex(of: "="), option == "--set", isDateField(String(argument[..<eq]).trimmingCharacters(in: .whitespaces)) {
                value = String(argument[argument.index(after: eq)...])
            } else if !dateOptions.contains(option) {
                continue
            }
            guard said.insert(value).inserted else { continue }
            for note in DateParser.readingNotes(value, now: now, reading: reading) {
                Terminal.stderr(L("Note: \(note.en)\n", "提示：\(note.zh)\n").text)
            }
        }
    }
}
