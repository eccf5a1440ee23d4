import SalesArchive
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors of the department layer (STYLE 11): a stable code, an English reason and a Chinese one.
public struct DepartmentError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// department.json or department.sig does not verify, or the archive pins another key.
        case forgedRegistry
        /// department.json is older than one an archive has already seen (a rollback).
        case olderRegistry
        /// A file that should be a registry, a key or a public key is not one.
        case malformed
        /// The passphrase does not open a key file.
        case wrongPassphrase
        /// A value outside the rules of DEPARTMENT.md (policy bounds, duplicate names, …).
        case invalid
        /// A named manager, salesperson or file does not exist.
        case notFound
        /// The thing to create exists already.
        case alreadyExists
        /// A file could not be read or written.
        case io
        /// Another process holds a lock this one waited for too long (the audit log's writers'
        /// lock): nothing is wrong with the files; trying again later is the remedy.
        case busy
    }

    public let code: Code
    public let reason: String
    public let reasonZH: String

    public init(_ code: Code, _ reason: String, zh: String? = nil) {
        self.code = code
        self.reason = reason
        self.reasonZH = zh ?? reason
    }

    /// A failed system call: the system's English text after `reason`, the cause in Chinese
    /// (`SystemCause`) after `zh` (无法写入 X：磁盘空间不足, not the system's English).
    public static func system(_ err: Int32, _ reason: String, zh: String) -> DepartmentError {
        DepartmentError(.io, "\(reason): \(String(cString: strerror(err)))", zh: "\(zh)：\(SystemCause(err).chinese)")
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}
