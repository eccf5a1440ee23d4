import ArgumentParser
import Foundation
import Interchange
import VaultCrypto
import SalesArchive
import Department
import VaultFormat

/// Exit statuses, documented in `salesvault --help`.
enum ExitStatus: Int32 {
    case ok = 0
    case failure = 1
    case fileProblem = 2
    case wrongPassword = 3
    case damaged = 4
    case busy = 5
    case needsRepair = 6
    case passwordRejected = 7
    case inputRefused = 8
    case nonCompliant = 9
    case usage = 64

    static let help = """
        EXIT STATUS
          0   success
          1   other failure (I/O, full disk, permissions, not enough memory)
          2   file not found, already exists, too large to import, not an archive
              (also a folder, a FIFO or a device, or an output in a folder that does not
              exist), or unsupported version
          3   wrong password (or escrow keys that hold no slot of the archive, or a
              key or passphrase that does not open an age file: unseal)
          4   archive damaged or tampered with (details in the message), including an
              owner signature that does not match (changed with the data key); also
              escrow verify and compliance --verify when the full check fails
          5   archive in use by another salesvault process
          6   an interrupted save must be repaired first (salesvault repair)
          7   new password rejected (too weak, one of the last five, or the two entries
              differ), or the password must be changed first (after an escrow reset)
          8   input refused: unknown or ambiguous record, invalid value, date or step;
              the archive is unchanged
          9   compliance: an archive is overdue, never changed past the limit, has a
              date in the future or before its creation, lacks escrow, needs a
              rekey, has a password protection below the floor, or is unreadable
          64  invalid command line
        """
}

/// A user-facing error: what happened, what to do, and the exit status (STYLE 13).
struct CLIError: Error {
    enum Kind { case passwordSource, passwordRejected, fileProblem, failure, damaged, needsRepair, cancelled, usage, inputRefused, wrongKey, busy }
    let kind: Kind
    let message: L
    let hint: L?

    /// A candidate as English prints it: `R7 李雷 (乙公司)`, not with the Chinese brackets.
    static func bracketsInEnglish(_ candidate: String) -> String {
        guard candidate.hasSuffix("）"), let open = candidate.lastIndex(of: "（") else { return candidate }
        return candidate[..<open] + " (" + candidate[candidate.index(after: open)..<candidate.index(before: candidate.endIndex)] + ")"
    }

    /// A candidate's name as listed (`R7 李雷（乙公司）`: 李雷), to tell when all share one.
    static func candidateName(_ candidate: String) -> String {
        let name = candidate.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? candidate
        return name.hasSuffix("）") ? String(name.prefix { $0 != "（" }) : name
    }

    init(_ kind: Kind, _ message: L, hint: L? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    var status: ExitStatus {
        switch kind {
        case .passwordSource, .usage: return .usage
        case .inputRefused: return .inputRefused
        case .passwordRejected: return .passwordRejected
        case .fileProblem: return .fileProblem
        case .failure, .cancelled: return .failure
        case .damaged: return .damaged
        case .needsRepair: return .needsRepair
        case .wrongKey: return .wrongPassword
        case .busy: return .busy
        }
    }
}

enum ErrorReport {
    /// The line of a shell script whose command is running (`salesvault shell < script`): its
    /// errors name it (they named none, only the script's parsing errors did).
    @TaskLocal static var scriptLine: Int?

    /// `第 3 行：` / `line 3: ` while a script's line runs, else nothing.
    static var atScriptLine: String {
        scriptLine.map { Language.current == .zh ? "脚本第 \($0) 行：" : "line \($0) of the script: " } ?? ""
    }

    /// `message` with a script's line `at` (`第 3 行：`) after its `salesvault: 错误：` lead, or
    /// before it when it has none.
    static func atLine(_ at: String, _ message: String) -> String {
        guard !at.isEmpty else { return message }
        for lead in ["salesvault: 用法错误：", "salesvault: 错误：", "salesvault: usage error: ", "salesvault: error: "] where message.hasPrefix(lead) {
            return lead + at + message.dropFirst(lead.count)
        }
        return at + message
    }

    /// Prints `salesvault: error: …` and `hint: …` to stderr and returns the exit code.
    static func exitCode(for error: Error) -> ExitCode {
        let (message, hint, status) = describe(error)
        // A usage mistake (exit 64) is said as one, as the parser's own are (a blank search, no
        // terminal for the password read `error:` beside `usage error:`).
        let prefix = (status == .usage ? (Language.current == .zh ? "salesvault: 用法错误：" : "salesvault: usage error: ")
                                       : (Language.current == .zh ? "salesvault: 错误：" : "salesvault: error: ")) + atScriptLine
        let hintPrefix = Language.current == .zh ? "提示：" : "hint: "
        var text = "\(prefix)\(message)\n"
        if let hint { text += "\(hintPrefix)\(hint)\n" }
        fflush(nil)  // what was printed before the error comes first
        Terminal.stderr(text)
        return ExitCode(status.rawValue)
    }

    /// The message and hint for people, made safe for a terminal (names, notes and file names
    /// in them are shown with visible escapes; Terminal.safe), and the exit status. Each is one
    /// line: a line break in a name or a file name (the archive keeps them, THREAT-MODEL §13)
    /// cannot start a line of its own that reads as the program's ("salesvault: error: …"). The
    /// one message of several lines, an ambiguous name's candidates, has each candidate made
    /// one line.
    static func describe(_ error: Error) -> (String, String?, ExitStatus) {
        let (message, hint, status) = describeUnescaped(error)
        let listed = (error as? ArchiveError).map { !$0.candidates.isEmpty && $0.code != .unknownField } ?? false
        return (listed ? Terminal.safe(message) : oneLine(message), hint.map(oneLine), status)
    }

    /// `text` on one line, safe for a terminal, a line break shown as `\n` (a space could not be
    /// told from one typed).
    static func oneLine(_ text: String) -> String {
        FieldFormat.terminalSafe(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\\n"))
    }

    private static func describeUnescaped(_ error: Error) -> (String, String?, ExitStatus) {
        switch error {
        case let e as CLIError:
            return (e.message.text, e.hint?.text, e.status)
        case let e as VaultError:
            let (message, hint, status) = describe(e)
            return (message.text, hint?.text, status)
        case let e as ArchiveError:
            var message = L(e.reason, e.reasonZH ?? e.reason).text
            if e.code == .ambiguous && !e.candidates.isEmpty {
                // (The hint says what to give: the message said it too, twice in a row.)
                for ask in ["，请输入更完整的名称或编号", "，请输入更完整的姓名或编号", "; give more of the name or the id"] where message.hasSuffix(ask) {
                    message = String(message.dropLast(ask.count))
                }
            }
            if !e.candidates.isEmpty {
                message = oneLine(message) + (Language.current == .zh ? "\n候选：\n  " : "\ncandidates:\n  ")
                    + e.candidates.map(oneLine).map { Language.current == .zh ? $0 : CLIError.bracketsInEnglish($0) }.joined(separator: "\n  ")
            }
            let status: ExitStatus = (e.code == .corruptRecord || e.code == .unsupportedRecord) ? .damaged : .inputRefused
            // (A time's refusal says how to write a time: the dates' hint is beside the point there,
            // and 今天25点 got it: helper-126.)
            let saysHow = ["2026-03-05", "15:30", "00:00", "几点", "小时", "分钟", "hour", "minute", "星期", "天，请核对"].contains { e.reason.contains($0) || (e.reasonZH ?? "").contains($0) }
            let hint: L? = switch e.code {
            // (The ids are the candidates': "e.g. C12" was a customer's id given for a contact.)
            // (A person's is a 姓名, not a 名称: helper-130.)
            // (An id that is also another's code or name: the full name, not the ids again, which
            // named the same two: helper-178 F8.)
            case .ambiguous where (e.reasonZH ?? "").contains("请改用全称"):
                L("give the full name, not the id", "请输入完整名称，不要用编号")
            // (The message says which to give for which: a customer named C1.)
            case .ambiguous where (e.reasonZH ?? "").contains("如指 "):
                nil
            // (Several of one name, each with its customer: more of the name finds no one of them:
            // helper-192.)
            case .ambiguous where e.candidates.count > 1 && Set(e.candidates.map(CLIError.candidateName)).count == 1:
                (e.reasonZH ?? "").contains("联系人") ? L("they share the name: give one of the ids above", "姓名相同，请改用上面列出的编号")
                    : L("they share the name: give one of the ids above", "名称相同，请改用上面列出的编号")
            case .ambiguous where !e.candidates.isEmpty:
                (e.reasonZH ?? "").contains("联系人") ? L("give more of the name, or one of the ids above", "请输入更完整的姓名，或输入上面列出的编号")
                    : L("give more of the name, or one of the ids above", "请输入更完整的名称，或输入上面列出的编号")
            case .ambiguous: L("give more of the name, or the id (e.g. C12)", "请输入更完整的名称或编号（例如 C12）")
            // (A removed record's name: the message says the way back; "see customer list" was
            // beside the point: helper-181.)
            // (Not after a command that only reads, customer show C1: helper-183.)
            case .notFound where e.reason.contains(" was removed; to bring it back") || e.reason.contains(" was removed; to bring them back"):
                CLIError.onlyReads(AgentServing.request?.words ?? CLIError.runningWords ?? Array(CommandLine.arguments.dropFirst())) ? nil : L("nothing was changed", "未做任何更改")
            case .notFound where e.reason.contains("; similar names: "):
                // (One name: 其中一家 read oddly: helper-130; wording of helper-135.)
                // (Not counting the removed ones named after them.)
                e.reason.components(separatedBy: "; removed: ")[0].components(separatedBy: "; similar names: ").last?.contains("; ") == true
                    ? L("give one of their ids, or the full name", "如果要找的是其中一家，请改用编号或完整名称")
                    : L("if it is that one, give its id or full name", "如果要找的是这家客户，请改用编号或完整名称")
            // (A customer's contact not found: the customer's list, not every kind's: helper-135.)
            // (What to do, not the list again: by an id, or the contact added first; the
            // customer by its id, as a name with spaces had to be quoted: helper-139, helper-140.)
            // (Not for a text with brackets, （R2） or 张总（R2: no name to add, helper-184 N8.)
            case .notFound where e.contactsOf != nil && e.missingContact.map({ $0.contains { "（）()".contains($0) } }) == true:
                L("give the contact's name or id as project show shows it, e.g. 张总（R2）", "请填写联系人的姓名或编号，写法同 project show 中的显示，如“张总（R2）”")
            case .notFound where e.contactsOf != nil && e.missingContact != nil:
                e.firstContactID.map { id in
                    // (The option of the command run: `project add` was told --with: helper-171.)
                    let words = AgentServing.request?.words ?? CLIError.runningWords ?? Array(CommandLine.arguments.dropFirst())
                    // (--set 决策人=…: that, not --with, which project edit does not have: helper-183.)
                    let set = words.first { $0.contains("=") && ["决策人", "decisionMakers", "decision makers", "decision-makers"].contains(where: $0.hasPrefix) }
                    let example = words.contains { $0.hasPrefix("--decision-makers") } ? "--decision-makers \(id)"
                        : set.map { "--set " + $0.prefix { $0 != "=" } + "=\(id)" } ?? "--with \(id)"
                    return L("if you mean one of them, give the id (e.g. \(example)); if it is a new contact, add it first: salesvault contact add \(e.contactsOf!) \(e.missingContact!)",
                             "如指其中一位，请改用编号（如 \(example)）；如是新联系人，请先执行 salesvault contact add \(e.contactsOf!) \(e.missingContact!)")
                } ?? L("add the contact first: salesvault contact add \(e.contactsOf!) \(e.missingContact!)",
                       "请先执行 salesvault contact add \(e.contactsOf!) \(e.missingContact!) 添加该联系人")
            // (A complaint's number: its own list, helper-184.)
            case .notFound where (e.reasonZH ?? "").hasSuffix("对应的投诉"):
                L("see the complaints with salesvault complaint list", "可用 salesvault complaint list 查看已有投诉")
            case .notFound: L("see what exists with salesvault customer list (or contact list, project list, log list, complaint list), or look for it with salesvault search",
                              "可用 salesvault customer list（或 contact list、project list、log list、complaint list）查看已有记录，也可用 salesvault search 查找")
            // (Not when the message already says how: it was said twice.)
            case .invalidDate where !saysHow, .ambiguousDate where !saysHow:
                L("write dates as 2026-03-05, 2026/3/5, 2026年3月5日 or 3月5日", "日期可写成 2026-03-05、2026/3/5、2026年3月5日 或 3月5日")
            case .invalidDate, .ambiguousDate: L("nothing was changed", "未做任何更改")
            case .unknownField: L("fields: \(e.candidates.joined(separator: ", ")) (or the column names an import takes, e.g. 电话)",
                                  "可用字段：\(e.candidates.joined(separator: "、"))；也可以直接用导入表格中的中文列名，如“电话”“地址”")
            // A record a data-key holder wrote after the owner's signature (FORMAT.md §5.6): as for a stripped signature.
            case .corruptRecord where e.writtenWithoutOwner:
                L("nothing was changed. Do not use this copy: restore the archive from a backup and tell your department's administrator",
                  "未做任何更改。请勿使用此副本：请从备份恢复档案，并告知部门管理员")
            // A change that needs its reason: the command again with --reason (helper-155: 未做任何更改 alone).
            case .missingValue where (e.reasonZH ?? e.reason).contains("--reason"):
                L("nothing was changed; run the command again with its reason: \(CLIError.commandAgain(adding: "--reason \"…\""))",
                  "未做任何更改。请补上原因后重新执行：\(CLIError.commandAgain(adding: "--reason \"……\""))")
            default: L("nothing was changed", "未做任何更改")
            }
            if e.code == .unknownField { return (L(e.reason, e.reasonZH ?? e.reason).text, hint?.text, status) }
            return (message, hint?.text, status)
        case let e as DepartmentError:
            return describe(e)
        case let e as InterchangeError:
            let status: ExitStatus = switch e.code {
            case .unreadableFile, .exists, .badDestination: .fileProblem
            case .writeFailed, .readFailed: .failure
            case .wrongWorkbookPassword: .wrongPassword
            case .encoding, .malformedText, .malformedWorkbook, .unsupportedWorkbook, .mapping, .report: .inputRefused
            }
            let hint = e.hint.map { L($0, e.hintZH ?? $0).text }
            return (L(e.reason, e.reasonZH).text, hint, status)
        case CryptoError.kdfOutOfMemory(let bytes):
            return (L("not enough memory for the password protection (scrypt needs about \(bytes >> 20) MB)",
                      "内存不足：密码保护所用的 scrypt 运算约需 \(bytes >> 20) MB 内存").text,
                    L("raise the memory limit (ulimit -v) or close other programs, and try again", "请提高内存上限（ulimit -v）或关闭其他程序后重试").text, .failure)
        case let e as CryptoError:
            return (L("cryptographic failure: \(e)", "加密运算失败：\(e)").text, nil, .failure)
        default:
            return ("\(error)", nil, .failure)
        }
    }

    /// What to give instead of the folder `path`: an archive in it when it is a department's
    /// (it has archives/), else an archive file (a folder without archives/ was told to look
    /// in its archives/ folder, which did not exist: helper-110).
    static func folderHint(_ path: String) -> L {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path + "/archives", isDirectory: &isDir), isDir.boolValue {
            return L("give the archive file, e.g. \(path)/archives/NAME.svault (a department folder goes to compliance and reminders)",
                     "请指定档案文件，例如 \(path)/archives/姓名.svault（部门文件夹用于 compliance、reminders 等命令）")
        }
        return L("give the archive file itself (NAME.svault), not the folder it is in", "请指定档案文件本身（如 姓名.svault），而不是它所在的文件夹")
    }

    /// What a failed system call was doing, as the Chinese message says it (无法写入…).
    static func systemVerb(_ operation: String?) -> String {
        switch operation {
        case "write", "fsync", "truncate": "写入"
        case "create": "创建"
        case "replace": "替换"
        case "fsync directory": "写入文件夹"
        case "open directory": "打开文件夹"
        case "lock": "锁定"
        case "open": "打开"
        case "read", "stat": "读取"
        default: "访问"
        }
    }

    static func describe(_ e: VaultError) -> (L, L?, ExitStatus) {
        let detail = e.reason
        // A failed system call: the cause in the user's language (the reason has the system's
        // English, "write a.svault: No space left on device").
        let failed = e.systemError.flatMap { err in e.path.map { (SystemCause(err), systemVerb(e.operation), $0) } }
        switch e.code {
        case .notAnArchive:
            // ArchiveFile: "PATH is a folder" (a folder given where an archive file belongs).
            if detail.hasSuffix(" is a folder") {
                let path = String(detail.dropLast(" is a folder".count))
                return (L("\(path) is a folder, not an archive file", "“\(path)”是文件夹，不是档案文件"), folderHint(path), .fileProblem)
            }
            if detail.hasSuffix(" is not a regular file") {
                let path = String(detail.dropLast(" is not a regular file".count))
                return (L("\(path) is not an archive (not a regular file)", "“\(path)”不是档案（不是普通文件）"),
                        L("check the path; an archive is a regular .svault file", "请检查路径；档案是普通的 .svault 文件"), .fileProblem)
            }
            return (L("this is not a SalesVault archive (\(detail))", "这不是 SalesVault 档案文件（\(FullCheckText.chineseReason(detail))）"),
                    L("check the file name; archives end in .svault", "请检查文件名；档案文件以 .svault 结尾"), .fileProblem)
        case .unsupportedVersion:
            return (L("unsupported archive version: \(detail)", "不支持的档案版本：\(detail)"),
                    L("open it with a newer SalesVault", "请使用更新版本的 SalesVault 打开"), .fileProblem)
        case .notFound where detail.hasSuffix(": no such folder"):
            let folder = String(detail.dropLast(": no such folder".count))
            return (L("the folder \(folder) does not exist; nothing was created", "文件夹“\(folder)”不存在，未创建任何文件"),
                    L("create the folder first, or give a path in a folder that exists", "请先创建该文件夹，或换一个已有的文件夹"), .fileProblem)
        case .notFound:
            // (The Chinese without the system's English: 找不到文件：a.svault: no such file.)
            let path = detail.hasSuffix(": no such file") ? String(detail.dropLast(": no such file".count)) : detail
            return (L("file not found: \(detail)", "找不到文件“\(path)”"), L("check the path", "请检查文件名和所在文件夹是否正确"), .fileProblem)
        case .alreadyExists:
            // (The Chinese without the system's English: x.svault already exists；未做任何更改: helper-118.)
            let path = detail.hasSuffix(" already exists") ? String(detail.dropLast(" already exists".count)) : detail
            return (L("\(detail); nothing was changed", detail.hasSuffix(" already exists") ? "“\(path)”已存在（也可能是指向其他位置的链接），未做任何更改" : "\(detail)；未做任何更改"),
                    L("choose another file name; never delete an archive or a backup to make room: move it to another folder first", "请换一个文件名；不要为腾出名称而删除档案或备份，可先把它移到别的文件夹"), .fileProblem)
        case .wrongPassword:
            return (L("wrong password; the archive is unchanged", "密码错误；档案未被改动"),
                    L("check Caps Lock and the keyboard layout (Chinese or English input) and try again", "请检查大写锁定和输入法（中文或英文）后重试"), .wrongPassword)
        case .headerAuthenticationFailed:
            return (L("the archive header was altered without the key (\(detail))", "档案头在没有密钥的情况下被改动（\(detail)）"),
                    L("do not use this copy; restore the archive from a backup and tell your manager", "请勿使用此副本；从备份恢复并告知经理"), .damaged)
        case .headerDamaged:
            return (L("the archive header is damaged: \(detail)", "档案头已损坏：\(FullCheckText.chineseReason(detail))"),
                    L("restore the archive from a backup", "请从备份恢复档案"), .damaged)
        case .kdfRefused:
            return (L("the archive's password settings are refused: \(detail)", "档案的密码参数被拒绝：\(detail)"),
                    L("this file was not made by SalesVault or was altered; restore it from a backup", "此文件并非 SalesVault 生成或已被改动；请从备份恢复"), .damaged)
        case .truncated:
            return (L("the archive is truncated: \(detail)", "档案被截断：\(FullCheckText.chineseReason(detail))"),
                    L("restore the archive from a backup; part of it is missing", "请从备份恢复；档案缺失了一部分"), .damaged)
        case .recordDamaged:
            return (L("record \(e.recordIndex.map(String.init) ?? "?") of the archive is damaged or was altered: \(detail)", "档案第 \(e.recordIndex.map(String.init) ?? "?") 条记录已损坏或被改动：\(detail)"),
                    L("restore the archive from a backup", "请从备份恢复档案"), .damaged)
        case .recordsMismatch:
            return (L("the archive's records do not match its header: \(detail)", "档案记录与档案头不符：\(detail)"),
                    L("restore the archive from a backup", "请从备份恢复档案"), .damaged)
        case .unfinishedAppend:
            // (The detail is the format layer's English: the Chinese says it in its own words.)
            return (L("the archive ends with an interrupted save (\(detail))", "档案中有一次未完成的保存（上次保存可能被中断），之前已保存的内容不受影响"),
                    e.path.map { p in L("run: salesvault repair \(Terminal.cell(p)) (it keeps a backup copy)", "请运行 salesvault repair \(Terminal.cell(p)) 进行修复（修复前会自动备份）") }
                        ?? L("run: salesvault repair ARCHIVE (it keeps a backup copy)", "请运行 salesvault repair 加档案文件名进行修复，如 salesvault repair zhangwei.svault（修复前会自动备份）"), .needsRepair)
        case .busy:
            // ArchiveFile: "PATH is in use by another SalesVault process".
            let busyPath = detail.hasSuffix(" is in use by another SalesVault process") ? String(detail.dropLast(" is in use by another SalesVault process".count)) : nil
            return (L("the archive is in use: \(detail)", busyPath.map { "档案“\($0)”正在被另一个 SalesVault 程序使用" } ?? "档案正在被使用：\(detail)"),
                    L("close the other salesvault session and try again", "请关闭另一个 salesvault 会话后重试"), .busy)
        case .permissionDenied:
            if let (cause, verb, path) = failed {
                return (L("permission denied: \(detail)", "\(cause.chinese)，无法\(verb)“\(path)”"),
                        L("check the file's owner and permissions", "请检查文件的所有者和权限，或换一个您有权限使用的文件夹"), .failure)
            }
            return (L("permission denied: \(detail)", "没有权限：\(detail)"), L("check the file's owner and permissions", "请检查文件所有者和权限"), .failure)
        case .diskFull:
            if let (cause, verb, path) = failed {
                return (L("the disk is full: \(detail); the archive is as it was before", "\(cause.chinese)，无法\(verb)“\(path)”。档案未做任何更改"),
                        L("free some space and try again", cause.hintZH), .failure)
            }
            return (L("the disk is full: \(detail); the archive is as it was before", "磁盘已满：\(detail)；档案保持原样"),
                    L("free some space and try again", "请释放磁盘空间后重试"), .failure)
        case .io:
            // "read 华东销售部: Is a directory": a folder given where an archive file belongs.
            if detail.hasSuffix(": Is a directory"), let space = detail.firstIndex(of: " ") {
                let path = String(detail[detail.index(after: space)..<detail.index(detail.endIndex, offsetBy: -": Is a directory".count)])
                return (L("\(path) is a folder, not an archive file", "“\(path)”是文件夹，不是档案文件"), folderHint(path), .fileProblem)
            }
            if let (cause, verb, path) = failed {
                return (L("input/output error: \(detail)", "\(cause.chinese)，无法\(verb)“\(path)”"), L("check the disk and the file, then try again", cause.hintZH), .failure)
            }
            return (L("input/output error: \(detail)", "文件读写出错：\(detail)"),
                    L("check the disk and the file, then try again", "请检查磁盘和文件是否正常，然后重试"), .failure)
        case .invalidArgument:
            return (L("invalid value: \(detail)", "无效的值：\(detail)"), nil, .usage)
        case .limitExceeded:
            return (L("limit reached: \(detail)", "超出限制：\(detail)"), nil, .failure)
        case .noEscrowSlot:
            return (L("these keys do not open the archive: \(detail); the archive is unchanged", "这些密钥无法打开档案：\(FullCheckText.chineseReason(detail))；档案未被改动"),
                    L("check that you gave your own key file (and, for a shared policy, the other managers' keys too)", "请确认使用的是您本人的密钥文件（共同托管时还需其他经理的密钥）"), .wrongPassword)
        case .escrowVerificationFailed:
            return (L("escrow check failed: \(detail); nothing was kept", "托管校验失败：\(detail)；未保留任何更改"),
                    L("check the managers' public keys in the department registry and try again", "请检查部门名册中的经理公钥后重试"), .failure)
        case .escrowShareInconsistent:
            return (L("an escrow share does not match the archive's commitments (\(detail)): its escrow was dealt wrongly or altered; nothing was opened",
                      "托管份额与档案的承诺值不符（\(detail)）：托管份额分发有误或已被改动；档案未打开"),
                    L("tell the department's administrator; the owner re-deals the shares with salesvault escrow update (or rekey)",
                      "请告知部门管理员；由档案所有人运行 salesvault escrow update（或 rekey）重新分发份额"), .damaged)
        case .passwordReused:
            return (L("\(detail); the archive is unchanged", "新密码是本档案最近 5 个密码之一；档案未被改动"),
                    L("choose a password you have not used for this archive", "请选择一个此档案未曾用过的密码"), .passwordRejected)
        case .ownerSignatureInvalid:
            return (L("the archive no longer matches your signature: it was changed by someone holding the data key, e.g. through escrow (\(detail))",
                      "档案与您的签名不符：有人利用数据密钥（例如通过托管）改动了档案（\(OwnerSignatureVerdict.chinese(detail))）"),
                    L("do not use this copy; restore the archive from a backup and tell your department's administrator",
                      "请勿使用此副本；请从备份恢复档案，并告知部门管理员"), .damaged)
        }
    }
}

extension CLIError {
    /// The words of the shell line being run (`commandAgain`); nil outside the shell. Bound for
    /// the line's run by the shell (`$runningWords.withValue`), never a shared mutable global.
    @TaskLocal static var runningWords: [String]?

    /// Whether the command of `words` only reads (show, list, history, search…): its refusal
    /// needs no "nothing was changed".
    static func onlyReads(_ words: [String]) -> Bool {
        let reading: Set<String> = ["show", "list", "history", "search", "agenda", "stale", "pipeline", "export", "report"]
        // (From the command's name on: --lang zh may come first.)
        var names = Set<String>()
        for command in SalesVault.configuration.subcommands { names.insert(command._commandName) }
        guard let at = words.firstIndex(where: { names.contains($0) }) else { return false }
        return words[at...].prefix(2).contains { reading.contains($0) }
    }

    /// The command as typed (`salesvault` and its arguments, each quoted as a shell needs it),
    /// with `extra` at its end, shown terminal-safe.
    static func commandAgain(adding extra: String) -> String {
        // (Before `--`, after which it would be text; a blank --reason given is replaced, not kept
        // beside the new one: helper-156.) The command is the one being run: a line of the shell,
        // or a command the agent runs for another process (their own command lines said
        // `salesvault shell a.svault … --reason` and `salesvault agent --serve --reason`).
        var given = AgentServing.request?.words ?? runningWords ?? Array(CommandLine.arguments.dropFirst())
        let option = String(extra.prefix { $0 != " " })
        var i = 0
        while i < given.count, given[i] != "--" {
            if given[i] == option { given.removeSubrange(i..<min(i + 2, given.count)); continue }
            if given[i].hasPrefix(option + "=") { given.remove(at: i); continue }
            i += 1
        }
        let end = given.firstIndex(of: "--") ?? given.count
        let words = given.map(ShellWord.quote)
        return FieldFormat.terminalSafe((["salesvault"] + words[..<end] + [extra] + words[end...]).joined(separator: " "))
    }
}
