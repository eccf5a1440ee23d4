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
    /// Set when a manager opened the shared archive through escrow: read commands only.
    nonisolated(unsafe) static var escrowReadOnly = false

    static func with<R>(_ options: ArchiveOptions, writing: Bool, _ body: (CustomerArchive) throws -> R) throws -> R {
        if let shared {
            if let other = options.archive, URL(fileURLWithPath: other).standardizedFileURL.path != URL(fileURLWithPath: shared.vault.path).standardizedFileURL.path {
                throw CLIError(.failure, L("this shell has \(shared.vault.path) open, not \(other)", "此 shell 打开的是 \(shared.vault.path),而不是 \(other)"),
                               hint: L("leave the shell (exit) to work on another archive", "如需处理其他档案,请先退出 shell(exit)"))
            }
            if writing && escrowReadOnly {
                throw CLIError(.failure, L("escrow access is read-only: this command would change the archive", "托管访问为只读:此命令会修改档案"),
                               hint: L("only the owner can change the archive; to give the owner a new password use: salesvault escrow reset-password",
                                       "只有所有人可以修改档案;如需为所有人设置新密码,请使用 salesvault escrow reset-password"))
            }
            let result = try body(shared)
            if writing { snapshotIfDue(shared) }
            return result
        }
        guard let path = options.archive ?? ProcessInfo.processInfo.environment["SALESVAULT_ARCHIVE"] else {
            throw CLIError(.failure, L("which archive? none was given", "未指定档案"),
                           hint: L("pass -a FILE, or set SALESVAULT_ARCHIVE", "请使用 -a 文件,或设置 SALESVAULT_ARCHIVE"))
        }
        let vault = try options.password.unlock(path, access: writing ? .readWrite : .readOnly)
        let archive = try CustomerArchive(vault: vault)
        archive.label = label(for: Array(CommandLine.arguments.dropFirst()))
        try OwnerUnlock.showEscrowUses(archive, writing: writing)
        let result = try body(archive)
        if writing {
            OwnerUnlock.acknowledgeEscrowUses(archive)
            snapshotIfDue(archive)
        }
        return result
    }

    /// The label a change is recorded with (RECORDS.md §8): the command's words, never its
    /// arguments (they may hold secret text): "customer add", "log add", "undo".
    static func label(for words: [String]) -> String {
        guard let first = words.first, !first.hasPrefix("-") else { return "" }
        let groups: Set<String> = ["customer", "contact", "log", "project", "complaint", "escrow", "dept", "keys"]
        if groups.contains(first), words.count > 1, !words[1].hasPrefix("-") { return "\(first) \(words[1])" }
        return first
    }

    /// After a successful change: writes a snapshot when opening has become slow enough to
    /// deserve one (RECORDS.md §6). The change itself is already saved; a failure here (a full
    /// disk) leaves the archive as it was and is only reported.
    static func snapshotIfDue(_ archive: CustomerArchive) {
        guard archive.snapshotDue else { return }
        Terminal.stderr(L("Saving a snapshot so that the archive keeps opening quickly…\n", "正在保存快照,以便档案继续快速打开……\n").text)
        do {
            try archive.writeSnapshot(now: Clock.now)
        } catch {
            Terminal.stderr(L("warning: the snapshot was not saved (\(error)); your change is saved and the archive is unchanged otherwise; it will be tried again\n",
                              "警告:快照未保存(\(error));您的更改已保存,档案其余部分未变;下次将重试\n").text)
        }
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
