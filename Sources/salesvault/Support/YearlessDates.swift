import SalesArchive

/// Dates typed without their year (`--next-date 1月5日`): one read in another year than this
/// one is said, with the date it was read as, before the command runs (a follow-up stored for
/// next January showed no year anywhere but the history: helper-134); and a day to come that
/// is before today, however written, is said too (helper-136). The readings are the
/// library's (DateParser.YearlessDate): `.past` for the options that say when something
/// happened or where a period starts, `.upcoming` for the rest (a next date, a field).
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
            guard value.count <= DateParser.maxTimeLength, said.insert(value).inserted,
                  let date = (try? DateParser.splitTime(value))?.date, !date.isEmpty,
                  let day = try? DateParser.parse(date, now: now, yearless: reading) else { continue }
            let today = DateParser.localDay(now)
            if date.contains("月"), (try? DateParser.parse(date, now: now, yearless: .refused)) == nil,
               DateParser.civil(day).year != DateParser.civil(today).year {
                Terminal.stderr(L("Note: \(date) has no year; read as \(DateParser.format(day))\n",
                                  "提示：“\(date)”未写年份，按 \(DateParser.format(day)) 理解\n").text)
            }
            // A day to come that has passed (--next-date 周一 on a Sunday is this week's Monday:
            // the follow-up was overdue as it was set, without a word: helper-136).
            if reading == .upcoming, day < today {
                let iso = DateParser.format(day)
                let weekday = ["周", "星期", "礼拜", "本周", "这周"].contains { date.hasPrefix($0) }
                Terminal.stderr((date == iso ? L("Note: \(iso) is before today\n", "提示：\(iso) 早于今天\n")
                    : weekday ? L("Note: \(date) is this week's (\(iso)), which has passed; for next week's, write 下\(date.hasPrefix("本") || date.hasPrefix("这") ? String(date.dropFirst()) : date)\n",
                                  "提示：“\(date)”指本周的这一天（\(iso)），已经过去；如指下周，请写“下\(date.hasPrefix("本") || date.hasPrefix("这") ? String(date.dropFirst()) : date)”\n")
                    : L("Note: \(date) is \(iso), which has passed\n", "提示：“\(date)”指 \(iso)，已经过去\n")).text)
            }
        }
    }
}
