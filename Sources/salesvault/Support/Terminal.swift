import Foundation
import SalesArchive

#if canImport(Glibc)
import Glibc
#endif

/// Output helpers: colour only on a terminal (and never with NO_COLOR), progress on stderr.
enum Terminal {
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }
    static var useColor: Bool { stdoutIsTTY && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    /// Writes to standard error with write(2): a closed or full stderr loses the message but
    /// never stops the command (FileHandle would trap; a saved change must stay saved).
    static func stderr(_ text: String) {
        _ = writeAll(Array(text.utf8), to: STDERR_FILENO)
    }

    /// Writes all of `bytes` to `fd` with write(2), retrying after EINTR; false when it fails.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Standard input, output and error are open before anything else is: a closed one is
    /// pointed at /dev/null, so that no archive or key file is ever opened as descriptor 1 or 2
    /// and then written by `print`. At exit, output that could not be written (a full disk)
    /// turns a success into exit status 1 with a message (issue 11, finding 6).
    static func guardStandardStreams() {
        for fd in Int32(0)...2 where fcntl(fd, F_GETFD) == -1 {
            let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if null >= 0 && null != fd {
                dup2(null, fd)
                close(null)
            }
        }
        atexit {
            if fflush(nil) != 0 {  // what is still buffered could not be written
                Terminal.stderr(L("salesvault: error: the output could not be written (disk full or output closed); what was saved is saved\n",
                                  "salesvault: 错误：输出未能完整写出（磁盘已满或输出已关闭）；已保存到档案的内容不受影响\n").text)
                _exit(ExitStatus.failure.rawValue)
            }
        }
    }

    /// Text for people, made safe for a terminal: controls, DEL, bidi and zero-width
    /// characters as visible escapes (`\u{1B}`, `\u{202E}`), line breaks kept, tabs as spaces
    /// (FieldFormat.terminalSafe). Every human output path goes through this or `cell`.
    static func safe(_ text: String) -> String { FieldFormat.terminalSafe(text, keepingNewlines: true) }

    /// One-line text for a table cell or a title: as `safe`, and line breaks become spaces.
    static func cell(_ text: String) -> String { FieldFormat.terminalSafe(text) }

    /// Prints a message for people on stdout, made `safe` (names and notes in it cannot
    /// control the terminal). JSON and CSV are printed as they are, never through this.
    static func print(_ text: String) { Swift.print(safe(text)) }

    /// Writes bytes to stdout as they are (a CSV file's content), after what was printed before.
    static func write(_ data: Data) throws {
        fflush(nil)
        guard writeAll([UInt8](data), to: STDOUT_FILENO) else {
            throw CLIError(.failure, L("the output could not be written (\(String(cString: strerror(errno))))", "输出写入失败（\(SystemCause(errno).chinese)）"))
        }
    }

    static func print(_ message: L) { print(message.text) }

    /// Prints what `paint` (or `yellow`, `red`…) returned: its text is safe already, and its
    /// colour codes must reach the terminal (through `print` they were escaped: the heading
    /// showed as `\u{1B}[33m提醒：\u{1B}[0m` on a terminal).
    static func printPainted(_ painted: String) { Swift.print(painted) }

    /// Colours `text` on a terminal; the text itself is made `safe` first, so only the colour
    /// codes added here reach the terminal as escapes.
    static func paint(_ text: String, _ code: String) -> String {
        let text = safe(text)
        return useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
    static func green(_ s: String) -> String { paint(s, "32") }
    static func yellow(_ s: String) -> String { paint(s, "33") }
    static func red(_ s: String) -> String { paint(s, "31") }
    static func bold(_ s: String) -> String { paint(s, "1") }

    /// Asks for a line of text on the terminal (nil without one, or for an empty answer).
    static func ask(_ question: L) -> String? {
        guard isatty(STDIN_FILENO) == 1, let answer = line(after: question) else { return nil }
        return answer.isEmpty ? nil : answer
    }

    /// True when there is a terminal to ask on (the one `confirm` and `ask` use).
    static var canAsk: Bool {
        let fd = open(AgentServing.terminalPath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Asks a yes/no question on the terminal; anything but y/yes/是 is no.
    /// Whether a question can be asked on a terminal (`confirm`, `line`).
    static var hasTerminal: Bool {
        guard let tty = fopen(AgentServing.terminalPath, "r+") else { return false }
        fclose(tty)
        return true
    }

    /// A question a command does not go on without, or `--yes`: without a terminal nothing was
    /// asked, and that is a usage error naming --yes (enroll said "not enrolled", exit 1, with no
    /// hint: helper-164); `what` says what was not done.
    static func confirmOrNeedYes(_ question: L, yes: Bool, what: L, check: L) throws -> Bool {
        if yes { return true }
        guard hasTerminal else {
            throw CLIError(.usage, L("there is no terminal to confirm on, so nothing was asked: \(what.en)", "没有可用于确认的终端，无法询问：\(what.zh)"),
                           hint: L("\(check.en), then run it again with --yes", "\(check.zh)，再加上 --yes 重新运行"))
        }
        return confirm(question)
    }

    static func confirm(_ question: L) -> Bool {
        guard let answer = line(after: question) else { return false }
        return ["y", "yes", "是", "好"].contains(answer.lowercased())
    }

    /// One line typed on /dev/tty after `question`, trimmed; nil without a terminal.
    private static func line(after question: L) -> String? {
        guard let tty = fopen(AgentServing.terminalPath, "r+") else { return nil }
        defer { fclose(tty) }
        fputs(safe(question.text), tty)
        fflush(tty)
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        // Through the agent: a client that went away (Ctrl-C) answers nothing (AGENT.md §4.2).
        guard AgentServing.waitForInput(fileno(tty)) else { return nil }
        guard getline(&line, &capacity, tty) > 0, let line else { return nil }
        return String(cString: line).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A one-line progress bar on stderr when it is a terminal.
    final class Progress {
        private let label: String
        private var lastPercent = -1
        private let enabled = Terminal.stderrIsTTY
        init(_ label: L) { self.label = Terminal.cell(label.text) }
        func update(_ done: UInt64, _ total: UInt64) {
            guard enabled, total > 0 else { return }
            let percent = Int(done * 100 / total)
            guard percent != lastPercent else { return }
            lastPercent = percent
            let filled = percent * 30 / 100
            Terminal.stderr("\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: "-", count: 30 - filled))] \(percent)%")
        }
        func finish() { if enabled && lastPercent >= 0 { Terminal.stderr("\n") } }
    }
}

/// Display width of text in a terminal: CJK and other wide characters count as two columns.
func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { width, scalar in
        let v = scalar.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        if wide { return width + 2 }
        if v < 0x300 { return width + 1 }  // (no nonspacing mark below U+0300: no property lookup)
        return width + (scalar.properties.generalCategory == .nonspacingMark ? 0 : 1)
    }
}

func padded(_ s: String, to width: Int) -> String {
    s + String(repeating: " ", count: max(0, width - displayWidth(s)))
}

enum Format {
    /// `3 rows`, `1 row`: a count and its English noun, never `row(s)`.
    static func counted(_ n: Int, _ noun: String, plural: String? = nil) -> String { "\(n) \(n == 1 ? noun : plural ?? noun + "s")" }

    /// `yyyy-MM-dd HH:mm` in the machine's time zone.
    static func date(_ seconds: Int64) -> String { DateParser.localMinute(seconds) }

    static func isoDate(_ seconds: Int64) -> String { DateParser.rfc3339UTC(seconds) }

    /// Calendar days (the machine's) from `seconds` to `now`, as `stale` and `agenda` count them.
    static func days(since seconds: Int64, now: Int64) -> Int64 {
        Int64(ContactIntervals.silentDays(last: seconds, asOf: now)!)
    }

    static func minutes(_ m: Double) -> String {
        m == m.rounded() ? String(Int(m)) : String(format: "%.2g", m)
    }

    static func bytes(_ n: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }
}

/// "Now" for the CLI: the system clock, or `SALESVAULT_NOW` (seconds since 1970) in tests.
/// The test clock is honoured only with the explicit testing switch `SALESVAULT_TESTING=1`
/// (issue 13: a stray `SALESVAULT_NOW` must not date a password change in the future); `status`
/// says when it is in use (DEPARTMENT.md §5).
enum Clock {
    static var now: Int64 {
        testNow(ProcessInfo.processInfo.environment) ?? Int64(Date().timeIntervalSince1970)
    }

    /// True when the test clock is in use.
    static var isTest: Bool { testNow(ProcessInfo.processInfo.environment) != nil }

    /// The test clock of an environment: `SALESVAULT_NOW` within 1970 … 9999 (a value outside
    /// would overflow date arithmetic), only with `SALESVAULT_TESTING=1`; nil otherwise.
    static func testNow(_ environment: [String: String]) -> Int64? {
        guard environment["SALESVAULT_TESTING"] == "1", let fixed = environment["SALESVAULT_NOW"] else { return nil }
        return parse(fixed)
    }

    /// Seconds since 1970 (digits only), or an RFC 3339 UTC time (2026-01-07T12:00:00Z), which
    /// the other test settings use, naming a real day (not 2026-02-30); within 1970 … 9999.
    static func parse(_ text: String) -> Int64? {
        let value: Int64
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let seconds = Int64(text) {
            value = seconds
        } else {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            // The formatter moves 2026-02-30 to March: only a time it writes back the same is one.
            guard let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
            value = Int64(date.timeIntervalSince1970)
        }
        return (0...253_402_300_799).contains(value) ? value : nil
    }

    /// Round 4, N6: with the testing switch, a `SALESVAULT_NOW` that is not a time stops every
    /// command instead of leaving it on the real clock unsaid; nil when there is nothing to say.
    static func testClockProblem(_ environment: [String: String]) -> String? {
        guard environment["SALESVAULT_TESTING"] == "1", let fixed = environment["SALESVAULT_NOW"], parse(fixed) == nil else { return nil }
        return L("SALESVAULT_NOW=\(Terminal.cell(fixed)) is not a time: give seconds since 1970, or a UTC time written exactly like 2026-01-07T12:00:00Z (capital T and Z, no fraction; years 1970–9999), or unset it",
                 "SALESVAULT_NOW=\(Terminal.cell(fixed)) 不是有效时间：请填写自 1970 年起的秒数，或严格按 2026-01-07T12:00:00Z 格式书写的 UTC 时间（大写 T 和 Z，不带小数秒；1970–9999 年），或取消该设置").text
    }
}
