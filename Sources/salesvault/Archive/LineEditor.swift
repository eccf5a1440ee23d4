import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A small line editor for the interactive shell: arrows, Home/End, Backspace/Delete, Ctrl-A/E/U,
/// history with Up/Down; wide (Chinese) characters keep the cursor in place. It reads the
/// terminal in raw mode and gives up after `idleMilliseconds` without a key.
final class LineEditor {
    private var history: [String] = []
    private var saved = termios()

    enum Outcome { case line(String), endOfInput, idle }

    func read(prompt: String, idleMilliseconds: Int) -> Outcome {
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return .endOfInput }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        defer { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }

        var line: [Character] = []
        var cursor = 0
        var historyIndex = history.count
        var draft: [Character] = []
        func redraw() {
            let before = String(line[..<cursor])
            let after = String(line[cursor...])
            var out = "\r\(prompt)\(before)\(after)\u{1B}[K"
            let back = displayWidth(after)
            if back > 0 { out += "\u{1B}[\(back)D" }
            write(out)
        }
        write(prompt)
        var pending: [UInt8] = []
        while true {
            guard let byte = readByte(idleMilliseconds: idleMilliseconds) else {
                write("\r\n")
                return !lastReadWasEOF ? .idle : .endOfInput
            }
            switch byte {
            case 13, 10:
                write("\r\n")
                let text = String(line)
                if !text.trimmingCharacters(in: .whitespaces).isEmpty && history.last != text { history.append(text) }
                return .line(text)
            case 4:  // Ctrl-D
                if line.isEmpty { write("\r\n"); return .endOfInput }
                if cursor < line.count { line.remove(at: cursor) }
            case 3:  // Ctrl-C: drop the line
                line = []
                cursor = 0
                write("^C\r\n")
                write(prompt)
                continue
            case 1: cursor = 0
            case 5: cursor = line.count
            case 21: line.removeSubrange(..<cursor); cursor = 0
            case 127, 8:
                if cursor > 0 { line.remove(at: cursor - 1); cursor -= 1 }
            case 27:
                guard let b1 = readByte(idleMilliseconds: 1000), b1 == UInt8(ascii: "[") || b1 == UInt8(ascii: "O"),
                      let b2 = readByte(idleMilliseconds: 1000) else { continue }
                switch b2 {
                case UInt8(ascii: "A"):
                    if historyIndex > 0 {
                        if historyIndex == history.count { draft = line }
                        historyIndex -= 1
                        line = Array(history[historyIndex])
                        cursor = line.count
                    }
                case UInt8(ascii: "B"):
                    if historyIndex < history.count {
                        historyIndex += 1
                        line = historyIndex == history.count ? draft : Array(history[historyIndex])
                        cursor = line.count
                    }
                case UInt8(ascii: "C"): cursor = min(line.count, cursor + 1)
                case UInt8(ascii: "D"): cursor = max(0, cursor - 1)
                case UInt8(ascii: "H"): cursor = 0
                case UInt8(ascii: "F"): cursor = line.count
                case UInt8(ascii: "3"):
                    _ = readByte(idleMilliseconds: 1000)  // the "~"
                    if cursor < line.count { line.remove(at: cursor) }
                case UInt8(ascii: "1"), UInt8(ascii: "7"):
                    _ = readByte(idleMilliseconds: 1000)
                    cursor = 0
                case UInt8(ascii: "4"), UInt8(ascii: "8"):
                    _ = readByte(idleMilliseconds: 1000)
                    cursor = line.count
                default: break
                }
            default:
                guard byte >= 32 else { continue }
                pending.append(byte)
                // Insert once a whole UTF-8 character has arrived.
                if let text = String(validating: pending, as: UTF8.self) {
                    for ch in text { line.insert(ch, at: cursor); cursor += 1 }
                    pending = []
                } else if pending.count >= 4 {
                    pending = []
                }
            }
            redraw()
        }
    }

    private var lastReadWasEOF = false

    private func readByte(idleMilliseconds: Int) -> UInt8? {
        if idleMilliseconds > 0 {
            var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            var ready = poll(&fds, 1, Int32(min(idleMilliseconds, 86_400_000)))
            while ready < 0 && errno == EINTR { ready = poll(&fds, 1, Int32(min(idleMilliseconds, 86_400_000))) }
            if ready == 0 { lastReadWasEOF = false; return nil }
        }
        var byte: UInt8 = 0
        while true {
            let n = Glibc.read(STDIN_FILENO, &byte, 1)
            if n == 1 { return byte }
            if n < 0 && errno == EINTR { continue }
            lastReadWasEOF = true
            return nil
        }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
