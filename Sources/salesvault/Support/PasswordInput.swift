import Foundation
import VaultCrypto

#if canImport(Glibc)
import Glibc
#endif

/// Reads passwords from a file, a descriptor, or a no-echo prompt on the terminal (STYLE 21).
enum PasswordInput {
    static let maxBytes = 4096

    /// `options`: what a script gives instead of a terminal, named when there is none (the
    /// archive's options were named for a workbook's password, which they are not).
    static func read(file: String?, fd: Int32?, prompt: L, confirm: Bool, options: String = "--password-file FILE or --password-fd N") throws -> String {
        if let file {
            // (`--password-file=`: no file named, said so; it was "cannot read the password file ": helper-141.)
            guard !file.trimmingCharacters(in: .whitespaces).isEmpty else {
                let option = String(options.prefix { $0 != " " })
                throw CLIError(.passwordSource, L("\(option) names no file", "\(option) 后面没有写文件名"),
                               hint: L("give the file that holds it, e.g. \(option) ~/.sv-pass", "请写明保存它的文件，例如 \(option) ~/.sv-pass"))
            }
            // A plain read loop, so that pipes work too (`--password-file <(pass show …)`).
            let fd = open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw CLIError(.passwordSource, L("cannot read the password file \(file)", "无法读取密码文件 \(file)"),
                               hint: L("check the path and its permissions", "请检查路径和权限"))
            }
            defer { close(fd) }
            return try readInput(fd, untilLineEnd: false) {
                CLIError(.passwordSource, L("cannot read the password file \(file)", "无法读取密码文件 \(file)"),
                         hint: L("check the path and its permissions", "请检查路径和权限"))
            }
        }
        if let fd {
            return try readInput(fd, untilLineEnd: true) {
                CLIError(.passwordSource, L("cannot read from file descriptor \(fd)", "无法从文件描述符 \(fd) 读取"),
                         hint: L("pass an open descriptor, e.g. --password-fd 3 3<file", "请传入已打开的描述符，例如 --password-fd 3 3<file"))
            }
        }
        let first = try prompted(prompt, options: options)
        if confirm {
            let again = try prompted(L("Repeat the password: ", "再次输入密码："), options: options)
            guard again == first else {
                throw CLIError(.passwordRejected, L("the two passwords differ", "两次输入的密码不一致"),
                               hint: L("run the command again and type the same password twice", "请重新运行命令，两次输入相同的密码"))
            }
        }
        return first
    }

    /// Reads a password file (to its end) or descriptor (exactly one line, byte by byte, so that
    /// what follows — the commands of a scripted shell — stays unread), at most `maxBytes` + 1
    /// bytes so that longer input is refused.
    private static func readInput(_ fd: Int32, untilLineEnd: Bool, failure: () -> CLIError) throws -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: untilLineEnd ? 1 : 1024)
        defer {
            for i in buffer.indices { buffer[i] = 0 }
            for i in data.indices { data[i] = 0 }
        }
        while data.count <= maxBytes {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw failure() }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if untilLineEnd && buffer[0..<n].contains(0x0A) { break }
        }
        return try password(from: data)
    }

    /// FORMAT.md §2, a file or descriptor: at most 4,096 bytes in all, valid UTF-8 as a whole, a
    /// leading byte-order mark ignored, the password the text before the first CR or LF, not empty.
    static func password(from input: [UInt8]) throws -> String {
        guard input.count <= maxBytes else {
            throw CLIError(.passwordSource, L("the password input is longer than \(maxBytes) bytes; nothing was changed", "密码输入超过 \(maxBytes) 字节；未做任何更改"),
                           hint: L("put only the password on the first line", "第一行只写密码"))
        }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let text = input.starts(with: bom) ? input.dropFirst(bom.count) : input[...]
        // Checked here, not left to Foundation: the whole input, and nothing removed silently.
        guard String(validating: text, as: UTF8.self) != nil else {
            throw CLIError(.passwordSource, L("the password input is not UTF-8 text; nothing was changed", "密码输入不是 UTF-8 文本；未做任何更改"),
                           hint: L("save the password file as UTF-8", "请将密码文件保存为 UTF-8 编码"))
        }
        let line = text.prefix { $0 != 0x0D && $0 != 0x0A }
        guard !line.isEmpty else {
            throw CLIError(.passwordSource, L("the password input is empty; nothing was changed", "密码输入为空；未做任何更改"),
                           hint: L("put the password on the first line", "请把密码写在第一行"))
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// Prompts on /dev/tty with echo off (FORMAT.md §2): the bytes up to the first CR, LF or end
    /// of input, refused when empty, not UTF-8, or longer than `maxBytes`.
    private static func prompted(_ prompt: L, options: String) throws -> String {
        let tty = open(AgentServing.terminalPath, O_RDWR | O_CLOEXEC)
        guard tty >= 0 else {
            // (A key's passphrase said as one, with its own options: the password's were named
            // to commands that do not take them: helper-163.)
            let passphrase = options.contains("passphrase")
            throw CLIError(.passwordSource, L("no terminal to ask for the \(passphrase ? "passphrase" : "password")", "没有可用于输入\(passphrase ? "口令" : "密码")的终端"),
                           hint: L("use \(options) in scripts", "脚本中请使用 \(options.replacingOccurrences(of: " or ", with: " 或 "))"))
        }
        defer { close(tty) }
        _ = prompt.text.withCString { write(tty, $0, strlen($0)) }
        var saved = termios()
        let haveTermios = tcgetattr(tty, &saved) == 0
        // Byte by byte, not through the kernel's line buffer: in canonical mode the kernel silently
        // drops what is typed beyond 4,095 bytes, and such input must be refused instead. So the
        // line editing is ours: the terminal's erase (and Backspace, DEL), kill and end-of-file keys.
        var erase: Set<UInt8> = [0x08, 0x7F]
        var kill: UInt8 = 0x15
        var eof: UInt8 = 0x04
        if haveTermios {
            withUnsafeBytes(of: saved.c_cc) { cc in
                if cc[Int(VERASE)] != 0 { erase.insert(cc[Int(VERASE)]) }
                if cc[Int(VKILL)] != 0 { kill = cc[Int(VKILL)] }
                if cc[Int(VEOF)] != 0 { eof = cc[Int(VEOF)] }
            }
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO | ICANON)
            withUnsafeMutableBytes(of: &silent.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            TerminalRestore.arm(tty, saved)  // Ctrl-C or a kill at the prompt must not leave echo off
            tcsetattr(tty, TCSAFLUSH, &silent)
        }
        defer {
            if haveTermios {
                tcsetattr(tty, TCSAFLUSH, &saved)
                TerminalRestore.disarm()
            }
            _ = "\n".withCString { write(tty, $0, 1) }
        }
        var bytes: [UInt8] = []
        var tooLong = false
        var byte: UInt8 = 0
        defer { for i in bytes.indices { bytes[i] = 0 } }
        var cancelled = false
        while true {
            // Through the agent: a client that went away (Ctrl-C) ends the prompt (AGENT.md §4.2).
            guard AgentServing.waitForInput(tty) else { cancelled = true; break }
            let n = Glibc.read(tty, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == 0x0A || byte == 0x0D || (haveTermios && byte == eof) { break }
            if haveTermios && erase.contains(byte) {
                // One character: its continuation bytes, then its first byte.
                while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }
                if !bytes.isEmpty { bytes.removeLast() }
            } else if haveTermios && byte == kill {
                bytes.removeAll()
            } else if bytes.count < maxBytes {
                bytes.append(byte)
            } else {
                tooLong = true  // read on to the end of the line, so that none of it is left behind
            }
        }
        byte = 0
        guard !cancelled else {
            throw CLIError(.passwordSource, L("the command was cancelled at the prompt; nothing was changed", "已在输入提示处取消命令，未做任何更改"))
        }
        guard !tooLong else {
            throw CLIError(.passwordSource, L("the password is longer than \(maxBytes) bytes; nothing was changed", "密码超过 \(maxBytes) 字节；未做任何更改"),
                           hint: L("choose a password of at most \(maxBytes) bytes", "请选择不超过 \(maxBytes) 字节的密码"))
        }
        guard !bytes.isEmpty else {
            throw CLIError(.passwordSource, L("no password was entered", "未输入密码"), hint: L("type the password and press Enter", "请输入密码后按回车"))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CLIError(.passwordSource, L("the password typed is not UTF-8 text; nothing was changed", "输入的密码不是 UTF-8 文本；未做任何更改"),
                           hint: L("check the terminal's character encoding (UTF-8) and type it again", "请将终端字符编码设为 UTF-8 后重新输入"))
        }
        return text
    }

    /// UTF-8 of the NFC form, as FORMAT.md §2 requires, in wipeable storage.
    static func secureBytes(_ password: String) -> SecureBytes {
        SecureBytes(Array(password.precomposedStringWithCanonicalMapping.utf8))
    }
}

/// Puts the terminal back (echo on, line mode) when a signal ends the process at the password
/// prompt, then lets the signal do what it would have done.
private enum TerminalRestore {
    /// Written before the handlers are installed, read only by them.
    private final class State: @unchecked Sendable {  // set before arming, read in the handler
        var fd: Int32 = -1
        var saved = termios()
    }
    private static let state = State()
    private static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP]

    static func arm(_ fd: Int32, _ saved: termios) {
        state.fd = fd
        state.saved = saved
        for sig in signals {
            signal(sig) { sig in
                var t = TerminalRestore.state.saved
                tcsetattr(TerminalRestore.state.fd, TCSANOW, &t)  // async-signal-safe
                _ = "\n".withCString { write(TerminalRestore.state.fd, $0, 1) }
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    static func disarm() {
        for sig in signals { signal(sig, SIG_DFL) }
        state.fd = -1
    }
}
