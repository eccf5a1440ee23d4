/// Errors of import and export (STYLE 11): a stable code, the reason in English and Chinese, and
/// what to do, in both languages. The CLI prints the user's language.
public struct InterchangeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The input cannot be read: missing, a directory, a FIFO or device, too large.
        case unreadableFile
        /// The input is there but reading it failed: permission denied, a disk error.
        case readFailed
        /// The bytes are not text in the detected or given encoding.
        case encoding
        /// A CSV/TSV file that cannot be split into rows (an unterminated quote…).
        case malformedText
        /// A workbook that is not a readable XLSX (a damaged zip, missing parts, bad XML).
        case malformedWorkbook
        /// A workbook SalesVault cannot read: the old .xls format, an encryption it does not
        /// support (RC4, IRM), a zip bomb.
        case unsupportedWorkbook
        /// An encrypted workbook whose password is wrong or was not given.
        case wrongWorkbookPassword
        /// Columns, sheets or values the import cannot map to the archive.
        case mapping
        /// The output file exists and `--force` was not given.
        case exists
        /// The output cannot be written (disk full, permissions, a missing folder).
        case writeFailed
        /// The output's path is no file that may be written: a symbolic link, a folder, a FIFO,
        /// a device or a socket, the open archive or the file being read, or a name in a folder
        /// that does not exist (exit status 2 in the CLI, as an input file of those kinds is).
        case badDestination
        /// A weekly report that cannot be made, sent or opened (no recipients, a damaged report).
        case report
    }
    public let code: Code
    public let reason: String
    public let reasonZH: String
    public let hint: String?
    public let hintZH: String?

    public init(_ code: Code, _ reason: String, zh: String, hint: String? = nil, hintZH: String? = nil) {
        self.code = code
        self.reason = reason
        self.reasonZH = zh
        self.hint = hint
        self.hintZH = hintZH
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}
