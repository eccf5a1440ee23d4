import SalesArchive

/// Dates typed without their year (`--next-date 1月5日`): one read in another year than this
/// one is said, with the date it was read as, before the command runs (a follow-up stored for
/// next January showed no year anywhere but the history: helper-134). The readings are the
/// library's (DateParser.YearlessDate): `.past` for the options that say when something
/// happened or where a period starts, `.upcoming` for the rest (a next date, a field).
enum YearlessDates {
    static let pastOptions: Set<String> = ["--at", "--since", "--until", "--as-of", "--week"]

    static func note(_ arguments: [String], now: Int64) {
        var said = Set<String>()
        for (i, argument) in arguments.enumerated() {
            let option = i > 0 ? arguments[i - 1] : ""
            // (`--set 下次跟进=1月5日`: the value after `=`; `--at=12月1日` likewise.)
            var value = argument
            var reading: DateParser.YearlessDate = pastOptions.contains(option) ? .past : .upcoming
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                reading = pastOptions.contains(String(argument[..<eq])) ? .past : .upcoming
                value = String(argument[argument.index(after: eq)...])
            } else if let eq = argument.firstIndex(of: "="), option == "--set" {
                value = String(argument[argument.index(after: eq)...])
            } else if !option.hasPrefix("--") || option == "--set" {
                continue
            }
            guard value.count <= DateParser.maxTimeLength, value.contains("月"), said.insert(value).inserted,
                  let date = (try? DateParser.splitTime(value))?.date, !date.isEmpty,
                  (try? DateParser.parse(date, now: now, yearless: .refused)) == nil,
                  let day = try? DateParser.parse(date, now: now, yearless: reading),
                  DateParser.civil(day).year != DateParser.civil(DateParser.localDay(now)).year else { continue }
            Terminal.stderr(L("Note: \(date) has no year; read as \(DateParser.format(day))\n",
                              "提示：“\(date)”未写年份，按 \(DateParser.format(day)) 理解\n").text)
        }
    }
}
