import ArgumentParser
import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

/// Which archive a customer-archive command works on, and how it is unlocked.
struct ArchiveOptions: ParsableArguments {
    @Option(name: [.customShort("a"), .long], help: ArgumentHelp("The archive file (default: $SALESVAULT_ARCHIVE).", valueName: "file"))
    var archive: String?

    @OptionGroup var password: PasswordOptions
}

/// The unlocked archive a command runs against: opened for this one command, or the one the
/// interactive shell keeps open.
enum ArchiveSession {
    nonisolated(unsafe) static var shared: CustomerArchive?

    static func with<R>(_ options: ArchiveOptions, writing: Bool, _ body: (CustomerArchive) throws -> R) throws -> R {
        if let shared {
            if let other = options.archive, URL(fileURLWithPath: other).standardizedFileURL.path != URL(fileURLWithPath: shared.vault.path).standardizedFileURL.path {
                throw CLIError(.failure, L("this shell has \(shared.vault.path) open, not \(other)", "此 shell 打开的是 \(shared.vault.path),而不是 \(other)"),
                               hint: L("leave the shell (exit) to work on another archive", "如需处理其他档案,请先退出 shell(exit)"))
            }
            return try body(shared)
        }
        guard let path = options.archive ?? ProcessInfo.processInfo.environment["SALESVAULT_ARCHIVE"] else {
            throw CLIError(.failure, L("which archive? none was given", "未指定档案"),
                           hint: L("pass -a FILE, or set SALESVAULT_ARCHIVE", "请使用 -a 文件,或设置 SALESVAULT_ARCHIVE"))
        }
        let vault = try options.password.unlock(path, access: writing ? .readWrite : .readOnly)
        let archive = try CustomerArchive(vault: vault)
        return try body(archive)
    }
}

/// `key=value` pairs for fields without an option of their own.
func parseAssignments(_ items: [String]) throws -> [(String, String)] {
    try items.map { item in
        guard let eq = item.firstIndex(of: "=") else {
            throw CLIError(.failure, L("--set takes FIELD=VALUE, got \(item)", "--set 需要 字段=值,收到 \(item)"),
                           hint: L("e.g. --set industry=制造业", "例如 --set industry=制造业"))
        }
        return (String(item[..<eq]), String(item[item.index(after: eq)...]))
    }
}

/// Options that are fields: pairs for the ones given.
func fieldPairs(_ pairs: [(String, String?)]) -> [(String, String)] {
    pairs.compactMap { key, value in value.map { (key, $0) } }
}

/// `--set FIELD=VALUE` for the edit commands, and the edit itself (one implementation for
/// customers, contacts and projects).
struct FieldAssignments: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("FIELD=VALUE to change (repeatable; an empty VALUE clears).", valueName: "field=value"))
    var assignments: [String] = []

    func validate() throws {
        if assignments.isEmpty { throw ValidationError("give at least one --set FIELD=VALUE") }
    }

    func apply(to kind: EntityKind, _ query: String, options: ArchiveOptions) throws {
        let pairs = try parseAssignments(assignments)
        let e = try ArchiveSession.with(options, writing: true) { try $0.edit(kind, query, fields: pairs, now: Clock.now) }
        print(L("Updated \(e.shortID) \(e.displayName).", "已更新 \(e.shortID) \(e.displayName)。").text)
    }
}
