import ArgumentParser
import Foundation
import SalesArchive
import Interchange
import VaultCrypto
import VaultFormat

/// Which archive a customer-archive command works on, and how it is unlocked.
struct ArchiveOptions: ParsableArguments {
    @Option(name: [.customShort("a"), .customLong("archive")], help: ArgumentHelp("The archive file (default: $SALESVAULT_ARCHIVE).", valueName: "file"))
    var archives: [String] = []

    @OptionGroup var password: PasswordOptions

    /// The archive `-a` names (given once, or the same file each time).
    var archive: String? { archives.first }

    mutating func validate() throws { try ArchivePath.sameFile(archives) }
}

/// What a command may do with the archive it is given (checked in one place,
/// `ArchiveContext.run`).
enum Capability: Sendable {
    /// Reads and prints.
    case read
    /// Changes the archive (a change set).
    case write
    /// Writes the archive's content to a file outside it (export, report).
    case export
}

/// A command that works on an open customer archive: it receives the archive through a context
/// (opened for it alone, or the one a shell or `escrow open` holds) and declares what it does.
protocol ArchiveCommand: VaultCommand {
    var options: ArchiveOptions { get }
    var capability: Capability { get }
    /// The memory the command is counted to need once the archive is open, as times its
    /// records' bytes (`MemoryBudget.check(opening:times:)`): what it builds besides the open
    /// archive (the history, the log, a report) refused clearly when it would not fit, instead
    /// of stopping the process half-way under a tight `ulimit -v`.
    var memoryTimesRecords: Int { get }
    func run(in context: ArchiveContext) throws
}

extension ArchiveCommand {
    /// On the command line: unlock the archive for this one command, run it, then the steps
    /// that follow a change (escrow uses acknowledged, a snapshot when due).
    func execute() throws { try executeOnArchive() }

    /// Most commands: the open archive's own three times (`MemoryBudget.need(forOpening:)`).
    var memoryTimesRecords: Int { 3 }

    /// Through the agent when the archive is unlocked there, else unlocked for this command.
    func executeOnArchive() throws {
        // Unlocked with `salesvault unlock`: the agent runs it (Docs/AGENT.md §4.2).
        if let status = try AgentClient.forward(options) {
            if status != 0 { throw ExitCode(status) }
            return
        }
        PhaseClock.mark("start")
        let context = try ArchiveContext.unlock(options, capability: capability, memoryTimesRecords: memoryTimesRecords)
        PhaseClock.mark("archive opened")
        try context.run(self)
        PhaseClock.mark("command run")
        if capability == .write { OwnerUnlock.acknowledgeEscrowUses(context.archive) }
        PhaseClock.mark("escrow uses acknowledged")
        // The command is done: the archive's records in memory (a hundred thousand customers
        // after an import: tens of milliseconds to free) are freed on another thread while the
        // process goes on to exit. (The file's lock and descriptor go with the process.)
        Background.release(dropping: context)
    }
}

/// The unlocked archive a command runs against, and what it may do with it: everything for the
/// owner, reading only through escrow.
final class ArchiveContext {
    let archive: CustomerArchive
    let allowed: Set<Capability>
    /// Set when a manager opened the archive through escrow.
    let throughEscrow: Bool
    /// What was counted when the archive was opened (`ArchiveCommand.memoryTimesRecords`): a
    /// command that builds more (in a shell, through escrow) is counted again before it runs.
    var countedTimes = 3

    /// The files this command read a manager's key or passphrase from (escrow open): an
    /// export or report never writes over them, as it never writes over a password file.
    var keyFiles: [String] = []

    /// A command that would change the archive, given through escrow (usage: exit 64).
    static var readOnlyEscrow: CLIError {
        CLIError(.usage, L("escrow access is read-only: this command would change the archive", "托管访问只能查看，不能执行会修改档案的命令"),
                 hint: L("only the owner can change the archive; to give the owner a new password use: salesvault escrow reset-password",
                         "只有档案所有人本人能修改档案；如需为其设置新密码，请使用 salesvault escrow reset-password"))
    }

    init(_ archive: CustomerArchive, allowed: Set<Capability>, throughEscrow: Bool = false) {
        self.archive = archive
        self.allowed = allowed
        self.throughEscrow = throughEscrow
    }

    /// What to add when no archive was given: -a and a file name, the archive of the current
    /// folder when it has one alone (a command copied from a note, `salesvault undo B1`, lacked
    /// the -a it was run with, and the hint spoke of an environment variable: helper-213 8).
    static func archiveHint() -> L {
        let here = ((try? FileManager.default.contentsOfDirectory(atPath: ".")) ?? []).filter { $0.hasSuffix(".svault") }.sorted()
        if here.count == 1 {
            let name = Terminal.cell(here[0])
            // The command as given, with -a: what to copy (helper-215 6).
            let words = CommandLine.arguments.dropFirst()
            let example = words.count <= 8 && words.allSatisfy({ !$0.isEmpty && !$0.contains(where: { $0.isNewline || $0.isWhitespace || $0 == "\"" || $0 == "'" }) })
                ? (["salesvault"] + words.map { Terminal.cell($0) } + ["-a", name]).joined(separator: " ") : nil
            return L("the archive in this folder is \(name): add -a \(name) to the command" + (example.map { ": \($0)" } ?? "") + "; or set SALESVAULT_ARCHIVE",
                     "当前文件夹中有一份档案：\(name)。请在命令后加上 -a \(name) 指明使用它" + (example.map { "，完整命令为：\($0)" } ?? ""))
        }
        if here.count > 1 {
            let shown = here.prefix(5).map { Terminal.cell($0) }
            let more = here.count > 5 ? L(" and \(here.count - 5) more", " 等") : L("", "")
            return L("this folder has \(here.count) archives (\(shown.joined(separator: ", "))\(more.en)): add -a and the one meant to the command, e.g. -a \(shown[0])",
                     "当前文件夹中有 \(here.count) 份档案：\(shown.joined(separator: "、"))\(more.zh)。请在命令后加上 -a 和档案名，指明要使用哪一份，例如 -a \(shown[0])")
        }
        return L("add -a and the archive file to the command (its whole path when it is in another folder), e.g. -a 张伟.svault; or set SALESVAULT_ARCHIVE",
                 "当前文件夹中没有档案（.svault 文件）。请在命令后加上 -a 和档案文件名（不在当前文件夹时写完整路径），例如 -a 张伟.svault")
    }

    /// Unlocks the archive named by `options` (or $SALESVAULT_ARCHIVE) with the owner's password.
    static func unlock(_ options: ArchiveOptions, capability: Capability, memoryTimesRecords: Int = 3) throws -> ArchiveContext {
        guard let path = options.archive ?? ProcessInfo.processInfo.environment["SALESVAULT_ARCHIVE"] else {
            throw CLIError(.usage, L("which archive? none was given", "未指定档案文件"), hint: Self.archiveHint())  // (a usage mistake: exit 64, as without a command's file: helper-215 6)
        }
        // An export is recorded in the archive (RECORDS.md §4, kind 8), so it opens for writing.
        let writing = capability == .write || capability == .export
        let access: Vault.Access = writing ? .readWrite : .readOnly
        // Inside the agent: the kept keys, no password, no KDF (Docs/AGENT.md §4.2, §5).
        let vault = try AgentServing.request.map { try AgentServing.open($0, path: path, access: access) }
            ?? options.password.unlock(path, access: access)
        try MemoryBudget.check(opening: vault, times: memoryTimesRecords)
        let archive = try CustomerArchive(vault: vault)
        try OwnerUnlock.showEscrowUses(archive, writing: writing)
        let context = ArchiveContext(archive, allowed: [.read, .write, .export])
        context.countedTimes = memoryTimesRecords
        return context
    }

    /// Runs `command` on this archive if the context allows what it declares; the one place
    /// where capabilities are checked. A writing command is labelled with its command words.
    func run(_ command: some ArchiveCommand, words: [String]? = nil) throws {
        if words != nil, let other = command.options.archive,
           URL(fileURLWithPath: other).standardizedFileURL.path != URL(fileURLWithPath: archive.vault.path).standardizedFileURL.path {
            throw CLIError(.failure, L("this session has \(archive.vault.path) open, not \(other)", "当前会话打开的是 \(archive.vault.path)，不是 \(other)"),
                           hint: L("leave the shell (exit) to work on another archive", "如需处理其他档案，请先输入 exit 退出当前会话"))
        }
        guard allowed.contains(command.capability) else {
            if throughEscrow { throw Self.readOnlyEscrow }
            throw CLIError(.failure, L("this command is not allowed here", "这里不能运行此命令"), hint: L("run it from the command line", "请直接在命令行中运行"))
        }
        if command.memoryTimesRecords > countedTimes {
            // (The open archive is in use already: what is left is counted after it.)
            try MemoryBudget.check(opening: archive.vault, times: command.memoryTimesRecords - 3)
        }
        archive.label = ArchiveSession.label(for: words ?? AgentServing.request?.words ?? Array(CommandLine.arguments.dropFirst()))
        command.global.apply()
        try command.run(in: self)
        if command.capability == .write { ArchiveSession.snapshotIfDue(archive) }
    }

    /// Runs a parsed command line inside this session (the shell, `escrow open`): archive
    /// commands run on this archive; any other command is refused.
    func run(parsed: ParsableCommand, words: [String]) throws {
        guard let command = parsed as? any ArchiveCommand else {
            throw CLIError(.failure, L("\(words.first ?? "") is not available here; run it from the command line", "会话中不能使用 \(words.first ?? "")，请直接在命令行中运行"),
                           hint: L("inside a session: agenda, customer, contact, log, project, complaint, history, search, stale, undo, import, export",
                                   "会话中可用：agenda、customer、contact、log、project、complaint、history、search、stale、undo、import、export"))
        }
        do {
            try run(command, words: words)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw ErrorReport.exitCode(for: error)  // reported as on the command line, in the user's language
        }
    }

    /// The archive, for a command's body.
    func use<R>(_ body: (CustomerArchive) throws -> R) rethrows -> R { try body(archive) }
}

/// Helpers shared by the archive commands.
enum ArchiveSession {
    /// The label a change is recorded with (RECORDS.md §8): the command's words, never its
    /// arguments (they may hold secret text): "customer add", "log add", "undo".
    static func label(for arguments: [String]) -> String {
        // Global options may come first: `salesvault --lang zh customer add …`.
        var rest = arguments[...]
        while let w = rest.first, w.hasPrefix("-") {
            rest = rest.dropFirst(w == "--lang" ? 2 : 1)
        }
        let words = Array(rest)
        guard let first = words.first else { return "" }
        let groups: Set<String> = ["customer", "contact", "log", "project", "complaint", "escrow", "dept", "keys"]
        if groups.contains(first), words.count > 1, !words[1].hasPrefix("-") { return "\(first) \(words[1])" }
        return first
    }

    /// After a successful change: writes a snapshot when opening has become slow enough to
    /// deserve one (RECORDS.md §6). The change itself is already saved; a failure here (a full
    /// disk) leaves the archive as it was and is only reported.
    static func snapshotIfDue(_ archive: CustomerArchive) {
        guard archive.snapshotDue else { return }
        Terminal.stderr(L("Saving a snapshot so that the archive keeps opening quickly…\n", "正在保存快照，以保证档案打开速度……\n").text)
        do {
            try archive.writeSnapshot(now: Clock.now)
        } catch {
            Terminal.stderr(L("warning: the snapshot was not saved (\(error)); your change is saved and the archive is unchanged otherwise; it will be tried again\n",
                              "警告：快照保存失败（\(error)）。您的更改已保存，档案不受影响，下次会自动重试\n").text)
        }
    }
}

/// `key=value` pairs for fields without an option of their own. A field may also be named as an
/// import's column names it (`电话`, `公司名称`): it is then given by its key (`customer edit
/// --set 电话=…` was refused while `import` took the column 电话, black-box finding).
func parseAssignments(_ items: [String], kind: EntityKind) throws -> [(String, String)] {
    try parseAssignments(items).map { name, value in
        guard Schema.field(kind, key: name) == nil, let importKind = ImportKind.allCases.first(where: { $0.entity == kind }),
              let read = try Importer.assignment(name, value, kind: importKind)
        else { return (name, value) }
        return read
    }
}

/// `key=value` pairs as written.
func parseAssignments(_ items: [String]) throws -> [(String, String)] {
    try items.map { item in
        // (At the first "=" scalar: a combining mark after it, `name=\u{301}`, makes one
        // character of the two, which a search for the character "=" does not find.)
        // (A full-width ＝, as a Chinese input method types it, when there is no `=`: helper-139.)
        guard let eq = item.unicodeScalars.firstIndex(where: { $0 == "=" || $0 == "\u{FF1D}" }) else {
            throw CLIError(.usage, L("--set takes FIELD=VALUE, got \(item)", "--set 的格式应为 字段=值，收到的是 \(item)"),
                           hint: L("e.g. --set industry=制造业", "例如 --set industry=制造业"))
        }
        let scalars = item.unicodeScalars
        let key = String(scalars[..<eq])
        // (`--set==x` said 客户没有字段“”: helper-139.)
        guard !key.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CLIError(.usage, L("--set \(item): the field name before = is missing", "--set \(item)：= 前面缺少字段名"),
                           hint: L("e.g. --set industry=制造业", "例如 --set industry=制造业"))
        }
        return (key, String(scalars[scalars.index(after: eq)...]))
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

    func apply(to kind: EntityKind, _ query: String, in context: ArchiveContext) throws {
        try Self.apply(try parseAssignments(assignments, kind: kind), to: kind, query, in: context)
    }

    static func apply(_ pairs: [(String, String)], to kind: EntityKind, _ query: String, in context: ArchiveContext, force: Bool = true) throws {
        if !force { try checkLikelyDuplicate(pairs, kind: kind, query, in: context) }
        let before = context.archive.vault.header.recordCount
        let now = Clock.now
        let e = try context.archive.edit(kind, query, fields: pairs, now: now)
        let saved = context.archive.vault.header.recordCount != before
        // A past follow-up date after a later contact did it: what to do instead (it said only
        // "nothing changed": helper-140; a new past date was saved, or saved with another field,
        // and never listed, without a word: helper-141).
        let setsFollowUp = kind == .customer && pairs.contains { Schema.field(.customer, key: $0.0)?.key == "nextFollowUp" }
        if setsFollowUp, let day = e["nextFollowUp"]?.day, day < DateParser.localDay(now),
           let last = e["lastContactAt"]?.int, DateParser.localDay(last) > day {
            let d = DateParser.format(day), contacted = DateParser.format(DateParser.localDay(last))
            if !saved {
                Terminal.print(L("The follow-up is already \(d), and \(e.displayName) was contacted after it (\(contacted)): nothing saved. To follow up again, set a new date (e.g. --set 下次跟进=明天).",
                                 "下次跟进日期已是 \(d)，之后已联系过\(e.displayName)（\(contacted)），未保存。如仍需跟进，请设定新日期（如 --set 下次跟进=明天）。"))
                return
            }
            Terminal.stderr(L("Note: the follow-up date \(d) has passed and \(e.displayName) was contacted after it (\(contacted)): it is on no list. To follow up again, set a new date (e.g. --set 下次跟进=明天).\n",
                              "提示：下次跟进日期 \(d) 已过，之后已联系过\(e.displayName)（\(contacted)），不会列入待办。如仍需跟进，请设定新日期（如 --set 下次跟进=明天）。\n").text)
        }
        Terminal.print(!saved
            ? L("\(e.shortID) \(e.displayName) already has these values: nothing changed, nothing saved.", "\(e.shortID) \(e.displayName) 的内容与原来相同，无需修改，未保存。")
            : L("Updated \(e.shortID) \(sentence(endingWith: e.displayName))", "已更新 \(e.shortID) \(sentence(endingWith: e.displayName, zh: true))"))
        // The follow-up set again to its own day, after a contact had done it: the change just
        // saved holds it with old and new equal (ChangeDraft.followUpSetAgain decided; not asked
        // again here).
        let field = Schema.field(.customer, key: "nextFollowUp")?.number
        let setAgain = saved && setsFollowUp && ((try? context.archive.batches(since: now))?.last?.batch.events.contains { ev in
            ev.kind == .customer && ev.id == e.id && ev.changes.contains { $0.field == field && $0.old != nil && $0.old == $0.new }
        } ?? false)
        if setAgain, let day = e["nextFollowUp"]?.day {
            let d = DateParser.format(day)
            // (Wording of helper-140: the list's heading quoted, and where to see it.)
            Terminal.print(day == DateParser.localDay(now)
                ? L("The follow-up date is unchanged (\(d)): \(e.displayName) is back on today's list (see salesvault agenda).",
                    "下次跟进日期不变（仍为 \(d)），\(e.displayName)已重新列入待办中的“今天要跟进”（见 salesvault agenda）。")
                : L("The follow-up date is unchanged (\(d)): \(e.displayName) is back among the overdue follow-ups (see salesvault agenda).",
                    "下次跟进日期不变（仍为 \(d)），\(e.displayName)已重新列入待办中的“已逾期的跟进”（见 salesvault agenda）。"))
        }
    }

    /// A customer renamed like another customer, or a contact given the name or mobile of
    /// another contact of its customer, is refused unless `--force`, as `customer add` and
    /// `contact add` refuse a likely duplicate.
    static func checkLikelyDuplicate(_ pairs: [(String, String)], kind: EntityKind, _ query: String, in context: ArchiveContext) throws {
        func given(_ key: String) -> String? { pairs.last { Schema.field(kind, key: $0.0)?.key == key }?.1 }
        let likely: [LikelyDuplicate]
        let e: Entity
        switch kind {
        case .customer:
            var (name, credit, phone) = (given("name"), given("creditCode"), given("phone"))
            guard name != nil || credit != nil || phone != nil else { return }
            e = try context.archive.resolve(.customer, query)
            // A value the customer has already is no change to compare (its own name set again
            // was refused as like another customer's: helper-144).
            func unchanged(_ value: String?, _ key: String) -> Bool { value.map { $0.trimmedWhitespace == (e[key]?.text ?? "").trimmedWhitespace } ?? false }
            if unchanged(name, "name") { name = nil }
            if unchanged(credit, "creditCode") { credit = nil }
            if unchanged(phone, "phone") { phone = nil }
            guard name != nil || credit != nil || phone != nil else { return }
            likely = Identity.likelyDuplicates(name: name, creditCode: credit, phone: phone, in: context.archive.state).filter { $0.customer.id != e.id }
            // Another customer's very name: the edit itself refuses it, saying so (--force, which
            // this refusal suggested, could not help: helper-144).
            if likely.contains(where: \.sameName) { return }
        case .contact:
            let (name, mobile) = (given("name"), given("mobile"))
            guard name != nil || mobile != nil else { return }
            e = try context.archive.resolve(.contact, query)
            guard let customer = e["customer"]?.ref else { return }
            likely = Identity.likelyDuplicateContacts(customer: customer, name: name, mobile: mobile, in: context.archive.state).filter { $0.customer.id != e.id }
        case .project:
            // (A project renamed to another's of its customer went through, where `project add`
            // asks: helper-172.)
            guard let name = given("name") else { return }
            e = try context.archive.resolve(.project, query)
            guard let customer = e["customer"]?.ref else { return }
            likely = Identity.likelyDuplicateProjects(customer: customer, name: name, in: context.archive.state).filter { $0.customer.id != e.id }
        default: return
        }
        guard !likely.isEmpty else { return }
        let lead = kind == .customer ? L("\(e.displayName) would look like another customer: ", "修改后可能与以下客户重复：")
            : kind == .project ? L("\(e.displayName) would look like another project of the customer: ", "修改后可能与该客户的以下项目重复：")
            : L("\(e.displayName) would look like another contact of the customer: ", "修改后可能与该客户的以下联系人重复：")
        let what = kind == .customer ? ("company", "家公司") : kind == .project ? ("project", "个项目") : ("person", "个人")
        throw likelyDuplicateRefusal(likely, lead,
                                     hint: L("nothing was changed; if it is really another \(what.0), change it again with --force",
                                             "本次未修改。如确认不是同一\(what.1)，请加上 --force 重新执行。"))
    }

    /// The refusal of a likely duplicate (`customer add`, `contact add`, the edits): `lead`, then
    /// each record found and why, and what to do in `hint`.
    static func likelyDuplicateRefusal(_ likely: [LikelyDuplicate], _ lead: L, hint: L) -> CLIError {
        CLIError(.inputRefused, L(lead.en + likely.map { "\($0.customer.shortID) \($0.customer.displayName) (\($0.reason))" }.joined(separator: "; "),
                                  lead.zh + likely.map { "\($0.customer.shortID) \($0.customer.displayName)（\($0.reasonZH)）" }.joined(separator: "；")),
                 hint: hint)
    }
}

/// The archive of a command on the whole file (verify, status, repair, passwd, rekey): given as
/// its argument (`verify 张伟.svault`), with `-a` as every other command takes it (`-a` was
/// refused as an unknown option here), or from $SALESVAULT_ARCHIVE.
struct ArchivePath: ParsableArguments {
    @Argument(help: ArgumentHelp("The archive file (or -a FILE; default: $SALESVAULT_ARCHIVE).", valueName: "archive"))
    var given: String?

    @Option(name: [.customShort("a"), .customLong("archive")], help: ArgumentHelp("The archive file, as the other commands take it.", valueName: "file"))
    var options: [String] = []

    var option: String? { options.first }

    /// Refuses archives that are not all the same file (`-a` given twice, the second silently
    /// won: `passwd` changed the other archive's password: helper-116); the same file named two
    /// ways (`v.svault` and `./v.svault`, a link to it) is one.
    static func sameFile(_ paths: [String]) throws {
        guard let first = paths.first else { return }
        if let other = paths.dropFirst().first(where: { Vault.canonicalPath($0) != Vault.canonicalPath(first) }) {
            throw ValidationError(L("two archives given (\(first) and \(other)); give one", "指定了两个档案（\(first) 和 \(other)），请只指定一个").text)
        }
    }

    mutating func validate() throws {
        try Self.sameFile((given.map { [$0] } ?? []) + options)
        if given == nil && option == nil && ProcessInfo.processInfo.environment["SALESVAULT_ARCHIVE"] == nil {
            throw ValidationError(L("which archive? give the archive file: \(ArchiveContext.archiveHint().en)",
                                    "未指定档案文件：\(ArchiveContext.archiveHint().zh)。").text)
        }
    }

    /// The archive's path (`validate` made sure there is one).
    var path: String { given ?? option ?? ProcessInfo.processInfo.environment["SALESVAULT_ARCHIVE"] ?? "" }
}
