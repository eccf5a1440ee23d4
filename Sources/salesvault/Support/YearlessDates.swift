import Interchange
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

    /// Whether `--set KEY=…` sets a date field: a date field's key or Chinese name, or a name
    /// the command reads as one as an import's header is (下次跟进, Next follow-up, 预计签约时间:
    /// `parseAssignments`); else any name with 日期, 跟进, 投标 or 签约 in it.
    static func isDateField(_ key: String) -> Bool {
        let key = key.trimmingCharacters(in: .whitespaces)
        for kind in ImportKind.allCases where [EntityKind.customer, .project, .activity].contains(kind.entity) {
            let mapped = Schema.field(kind.entity, key: key)?.key ?? (try? Importer.assignment(key, "", kind: kind))?.key
            if let mapped, let spec = Schema.field(kind.entity, key: mapped), case .date = spec.type { return true }
        }
        return ["日期", "跟进", "投标", "签约"].contains { key.contains($0) }
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
            } else if option == "--set" || argument.hasPrefix("--set=") {
                // (`--set 下次跟进=1月5日` and `--set=下次跟进=1月5日`.)
                let assignment = option == "--set" ? Substring(argument) : argument.dropFirst("--set=".count)
                guard let eq = assignment.firstIndex(where: { $0 == "=" || $0 == "＝" }), isDateField(String(assignment[..<eq])) else { continue }
                value = String(assignment[assignment.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
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
