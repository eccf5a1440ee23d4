import Foundation
import SalesArchive
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path is, from its `st_mode`.
enum FileKind: Equatable {
    case regular, directory, fifo, characterDevice, blockDevice, socket, symlink

    init?(_ mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .fifo
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFSOCK: self = .socket
        case S_IFLNK: self = .symlink
        default: return nil
        }
    }

    var english: String {
        switch self {
        case .regular: "a file"
        case .directory: "a folder (directory)"
        case .fifo: "a pipe (FIFO)"
        case .characterDevice, .blockDevice: "a device"
        case .socket: "a socket"
        case .symlink: "a symbolic link"
        }
    }

    var chinese: String {
        switch self {
        case .regular: "普通文件"
        case .directory: "文件夹（目录）"
        case .fifo: "管道（FIFO）"
        case .characterDevice, .blockDevice: "设备文件"
        case .socket: "套接字"
        case .symlink: "符号链接（快捷方式）"
        }
    }
}

extension AtomicFile {
    /// A path as an error shows it: one line, its control characters escaped (a file named with
    /// a line break cannot make a message print a line of its own).
    static func shown(_ path: String) -> String { FieldFormat.terminalSafe(path) }

    static func exists(_ path: String) -> InterchangeError {
        InterchangeError(
            .exists,
            "\(shown(path)) already exists; add --force to replace it.",
            zh: "文件“\(shown(path))”已存在。",  // (What to do is the hint's: it was said twice: helper-213 20.)
            // (Not "with --out": the file may be a --rejects file, helper-109.)
            hint: "Choose another file name, or add --force to replace it.",
            hintZH: "请换一个文件名，或加上 --force 覆盖。")
    }

    /// The destination is the open archive or the file being imported: never overwritten.
    static func protected(_ path: String) -> InterchangeError {
        InterchangeError(
            .badDestination,
            "\(shown(path)) is the archive or the file being read; writing there would destroy it, so nothing was written.",
            zh: "“\(shown(path))”是当前打开的档案或正在读取的文件，写入会将其损坏，因此未写入任何内容。",
            hint: "Choose another file name.",
            hintZH: "请换一个文件名。")
    }

    /// The destination is another SalesVault archive (a copy, a colleague's): never overwritten
    /// (it was called the open archive or the file being read).
    static func anArchive(_ path: String) -> InterchangeError {
        InterchangeError(
            .badDestination,
            "\(shown(path)) is a SalesVault archive; an output never replaces an archive, so nothing was written.",
            zh: "“\(shown(path))”是 SalesVault 档案，为避免覆盖档案，本次未写入任何内容。",
            hint: "Choose another file name.",
            hintZH: "请换一个文件名保存导出或生成的文件。")
    }

    static func notAFile(_ path: String, _ kind: FileKind) -> InterchangeError {
        if kind == .symlink {
            return InterchangeError(
                .badDestination,
                "Cannot write \(shown(path)): it is a symbolic link, and SalesVault does not write through links.",
                zh: "无法写入“\(shown(path))”：它是一个符号链接（快捷方式），为安全起见不会通过链接写入。",
                hint: "Give the path of the real file, or a new file name.",
                hintZH: "请给出实际文件的路径，或换一个新文件名。")
        }
        return InterchangeError(
            .badDestination,
            "Cannot write \(shown(path)): it is \(kind.english), not a regular file.",
            zh: "无法写入“\(shown(path))”：它是\(kind.chinese)，不是普通文件。",
            hint: "Give a file name for the output, for example report.csv.",
            hintZH: "请给出要保存的文件名，例如 report.csv。")
    }

    static func failure(_ path: String, _ err: Int32) -> InterchangeError {
        let cause = SystemCause(err)
        return InterchangeError(
            // (A folder that does not exist is a path given wrong, as a folder given as the file is.)
            err == ENOENT || err == ENOTDIR ? .badDestination : .writeFailed,
            "Cannot write \(shown(path)): \(cause.english). Nothing was changed.",
            zh: "无法写入“\(shown(path))”：\(cause.chinese)。未做任何改动。",
            hint: cause.hint, hintZH: cause.hintZH)
    }

    static func unreadable(_ path: String, _ err: Int32) -> InterchangeError {
        // A name whose bytes are not UTF-8 (a GBK name from a zip made on Windows) reaches the
        // program with U+FFFD in their place: not the file's name, so "not found" would mislead.
        if err == ENOENT, path.unicodeScalars.contains("\u{FFFD}") {
            return InterchangeError(
                .unreadableFile,
                "Cannot read \(shown(path)): the file's name is not written in UTF-8, so the program cannot open the file by this name (common for Chinese names in a zip made on Windows, written in GBK).",
                zh: "无法读取“\(shown(path))”：文件名不是 UTF-8 编码，程序无法按这个名称打开文件（常见于解压在 Windows 上打包的 zip 文件后，中文文件名为 GBK 编码）。",
                hint: "Give the file a new name in the file manager (客户.csv, say) and import it under that name; or, in its folder, run convmv -f gbk -t utf-8 --notest *.csv to turn the names into UTF-8.",
                hintZH: "请先在文件管理器中给该文件改一个新名字（例如“客户.csv”），再用新文件名导入；也可以在文件所在的文件夹中运行 convmv -f gbk -t utf-8 --notest *.csv，把文件名转换为 UTF-8。")
        }
        let cause = SystemCause(err)
        // Missing or misnamed: a file problem (exit 2). There but not readable (permissions, a
        // failing disk): a failure of reading (exit 1), as for an archive.
        let missing = [ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP].contains(err)
        let (hint, hintZH) = err == EACCES || err == EPERM
            ? ("Ask the file's owner to let you read it, or to send you the file; save it in your own folder and import it from there.",
               "请联系文件所有者为您开通读取权限，或请对方把文件发给您，保存到自己的文件夹后再导入。")
            : (cause.hint, cause.hintZH)
        return InterchangeError(
            missing ? .unreadableFile : .readFailed,
            "Cannot read \(shown(path)): \(cause.english).",
            zh: "无法读取“\(shown(path))”：\(cause.chinese)。",
            hint: hint, hintZH: hintZH)
    }

    static func unreadable(_ path: String, _ kind: FileKind) -> InterchangeError {
        InterchangeError(
            .unreadableFile,
            "Cannot read \(shown(path)): it is \(kind.english), not a regular file.",
            zh: "无法读取“\(shown(path))”：它是\(kind.chinese)，不是普通文件。",
            hint: "Give the path of the CSV or XLSX file itself.",
            hintZH: "请给出 CSV 或 XLSX 文件本身的路径。")
    }

    static func changedWhileRead(_ path: String) -> InterchangeError {
        InterchangeError(
            .unreadableFile,
            "Cannot read \(shown(path)): it changed while it was being read (it may still be being saved, or another program is writing to it).",
            zh: "无法读取“\(shown(path))”：读取过程中文件发生了变化（可能仍在保存，或有其他程序正在写入）。",
            hint: "Wait until the file is saved and closed (in Excel or WPS, or the program that writes it), then import it again.",
            hintZH: "请等文件保存完毕，并在 Excel、WPS 或其他正在使用它的程序中关闭该文件，然后重新导入。")
    }

    static func tooLarge(_ path: String, size: Int, limit: Int) -> InterchangeError {
        // The size (at least this much: a growing file is not read to its end) in MB with one
        // decimal, rounded down; left out when that would read as the limit itself.
        let tenths = (size * 10) >> 20
        let limitMB = (limit >> 20).withThousandsSeparators
        let atLeast = tenths > (limit >> 20) * 10 ? "\((tenths / 10).withThousandsSeparators).\(tenths % 10)" : nil
        return InterchangeError(
            .unreadableFile,
            "Cannot import \(shown(path)): it is larger than the \(limitMB) MB that a file to import may have\(atLeast.map { " (at least \($0) MB)" } ?? "").",
            zh: "无法导入“\(shown(path))”：文件大小超过了 \(limitMB) MB 的上限\(atLeast.map { "（至少有 \($0) MB）" } ?? "")。",
            hint: "Split it into smaller files (each of at most \(limitMB) MB) and import them one by one, or ask whoever provides the data to export it in parts.",
            hintZH: "请把文件拆分成几个较小的文件（每个不超过 \(limitMB) MB），分别导入；也可以请数据提供方分批导出。")
    }
}
