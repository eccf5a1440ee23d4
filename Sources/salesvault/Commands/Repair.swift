import ArgumentParser
import Department
import Foundation
import VaultFormat

struct Repair: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove an interrupted save from the end of an archive, keeping a backup copy.",
        discussion: """
            After a crash or a full disk, an archive can end with part of a save that was
            never completed, or have one header copy out of date. `repair` shows what it
            will do, asks for confirmation, copies the whole file to ARCHIVE.backup-DATE,
            then fixes it.

            EXAMPLES
              salesvault repair zhangwei.svault
              salesvault repair zhangwei.svault --yes --password-file pw.txt
            """)

    @OptionGroup var target: ArchivePath
    var archive: String { target.path }

    @Flag(name: .long, help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var password: PasswordOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let vault = try password.unlock(archive, access: .readWrite)
        let staleCopies = vault.copyStates.filter { $0 != .current }.count
        guard vault.unfinishedBytes > 0 || staleCopies > 0 else {
            // (Not "in order": the records are not read here; a damaged one was said to be in
            // order while verify refused it: helper-194.)
            print(L("Nothing to repair: \(archive) has no interrupted save and both header copies are current. (repair does not read every record: salesvault verify \(archive) does.)",
                    "无需修复：\(archive) 没有未完成的保存，两份档案头均为最新。repair 不会逐条检查记录；如需检查全部记录，请运行 salesvault verify \(archive)。").text)
            return
        }
        let now = Clock.now
        let backup = ArchiveRepair.backupPath(for: archive, now: now)
        if vault.unfinishedBytes > 0 {
            print(L("Will remove \(vault.unfinishedBytes) bytes of an interrupted save after record \(vault.header.recordCount) (not committed by the header), after copying the whole file to \(backup).",
                    "将删除第 \(vault.header.recordCount) 条记录之后 \(vault.unfinishedBytes) 字节未完成的保存（档案头未提交），删除前整个文件会复制到 \(backup)。").text)
        }
        if staleCopies > 0 {
            print(L("Will rewrite the out-of-date header copy from the authentic one.", "将用完好的档案头副本重写过期的副本。").text)
        }
        // (Without a terminal nothing was asked: said so, not as if the user had said no.)
        guard try Terminal.confirmOrNeedYes(L("Proceed? [y/N] ", "确定执行？[y/N] "), yes: yes, what: L("nothing was repaired or changed", "未做任何修复或更改"),
                                            check: L("check what it will do (above)", "请先看清上面列出的修复内容")) else {
            throw CLIError(.cancelled, L("repair cancelled; nothing was changed", "已取消修复；未做任何更改"),
                           hint: L("answer y to proceed, or pass --yes in scripts", "输入 y 以执行，脚本中可使用 --yes"))
        }
        let (removed, _) = try ArchiveRepair.run(vault, path: archive, now: now)
        if removed > 0 {
            print(L("Removed \(removed) bytes; backup kept at \(backup).", "已删除 \(removed) 字节；备份保存在 \(backup)。").text)
        }
        print(Terminal.green(L("Repaired. \(vault.header.recordCount) records intact.", "修复完成。\(vault.header.recordCount) 条记录完好。").text))
    }
}
