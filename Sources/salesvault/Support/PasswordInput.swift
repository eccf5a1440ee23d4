import Foundation
import VaultCrypto

#if canImport(Glibc)
import Glibc
#endif

/// Reads passwords from a file, a descriptor, or a no-echo prompt on the terminal (STYLE 21).
enum PasswordInput {
    static let maxBytes = 4096

    static func read(file: String?, fd: Int32?, prompt: L, confirm: Bool) throws -> String {
        if let file {
            // A plain read loop, so that pipes work too (`--password-file <(pass show …)`).
            let fd = open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw CLIError(.passwordSource, L("cannot read the password file \(file)", "无法读取密码文件 \(file)"),
                               hint: L("check the path and its permissions", "请检查路径和权限"))
            }
            defer { close(fd) }
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 1024)
            defer { for i in buffer.indices { buffer[i] = 0 } }
            while data.count <= maxBytes {
                let n = Glibc.read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 {
                    throw CLIError(.passwordSource, L("cannot read the password file \(file)", "无法读取密码文件 \(file)"),
                                   hint: L("check the path and its permissions", "请检查路径和权限"))
                }
                if n == 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            return try firstLine(data)
        }
        if let fd {
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 1024)
            while data.count <= maxBytes {
                let n = Glibc.read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 {
                    throw CLIError(.passwordSource, L("cannot read from file descriptor \(fd)", "无法从文件描述符 \(fd) 读取"),
                                   hint: L("pass an open descriptor, e.g. --password-fd 3 3<file", "请传入已打开的描述符,例如 --password-fd 3 3<file"))
                }
                if n == 0 { break }
                data.append(contentsOf: buffer[0..<n])
                if buffer[0..<n].contains(10) { break }
            }
            for i in buffer.indices { buffer[i] = 0 }
            return try firstLine(data)
        }
        let first = try prompted(prompt)
        if confirm {
            let again = try prompted(L("Repeat the password: ", "再次输入密码:"))
            guard again == first else {
                throw CLIError(.passwordRejected, L("the two passwords differ", "两次输入的密码不一致"),
                               hint: L("run the command again and type the same password twice", "请重新运行命令,两次输入相同的密码"))
            }
        }
        return first
    }

    /// The first line, without its line ending; the password must not be empty.
    private static func firstLine(_ data: Data) throws -> String {
        guard data.count <= maxBytes else {
            throw CLIError(.passwordSource, L("the password input is longer than \(maxBytes) bytes", "密码输入超过 \(maxBytes) 字节"),
                           hint: L("put only the password on the first line", "第一行只写密码"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError(.passwordSource, L("the password input is not UTF-8 text", "密码输入不是 UTF-8 文本"),
                           hint: L("save the password file as UTF-8", "请将密码文件保存为 UTF-8 编码"))
        }
        var line = Substring(text)
        if let newline = line.firstIndex(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) { line = line[..<newline] }
        guard !line.isEmpty else {
            throw CLIError(.passwordSource, L("the password input is empty", "密码输入为空"),
                           hint: L("put the password on the first line", "请把密码写在第一行"))
        }
        return String(line)
    }

    /// Prompts on /dev/tty with echo off.
    private static func prompted(_ prompt: L) throws -> String {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else {
            throw CLIError(.passwordSource, L("no terminal to ask for the password", "没有可用于输入密码的终端"),
                           hint: L("use --password-file FILE or --password-fd N in scripts", "脚本中请使用 --password-file FILE 或 --password-fd N"))
        }
        defer { close(tty) }
        _ = prompt.text.withCString { write(tty, $0, strlen($0)) }
        var saved = termios()
        let haveTermios = tcgetattr(tty, &saved) == 0
        if haveTermios {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            silent.c_lflag |= tcflag_t(ICANON)
            tcsetattr(tty, TCSAFLUSH, &silent)
        }
        defer {
            if haveTermios { tcsetattr(tty, TCSAFLUSH, &saved) }
            _ = "\n".withCString { write(tty, $0, 1) }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count <= maxBytes {
            let n = Glibc.read(tty, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == 10 || byte == 13 { break }
            bytes.append(byte)
        }
        defer { for i in bytes.indices { bytes[i] = 0 } }
        guard !bytes.isEmpty, let text = String(bytes: bytes, encoding: .utf8) else {
            throw CLIError(.passwordSource, L("no password was entered", "未输入密码"), hint: L("type the password and press Enter", "请输入密码后按回车"))
        }
        return text
    }

    /// UTF-8 of the NFC form, as FORMAT.md §2 requires, in wipeable storage.
    static func secureBytes(_ password: String) -> SecureBytes {
        SecureBytes(Array(password.precomposedStringWithCanonicalMapping.utf8))
    }
}
