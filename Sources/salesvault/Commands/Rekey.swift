import ArgumentParser
import VaultFormat

struct Rekey: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the archive's data key and re-encrypt every record.",
        discussion: """
            Makes old copies of the file and old passwords useless against the new file.
            The password stays the same. The new file replaces the old one atomically.

            EXAMPLES
              salesvault rekey zhangwei.svault
            """)

    @OptionGroup var target: ArchivePath
    var archive: String { target.path }

    @OptionGroup var password: PasswordOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let vault = try password.unlock(archive, access: .readWrite, rekeyFollows: true)
        let progress = Terminal.Progress(L("Re-encrypting", "正在重新加密"))
        let plan = try rekeyPlan(vault, path: archive)  // the same holders: removals are applied only with the owner's yes
        try vault.rekey(now: Clock.now, escrow: plan) { done, total in progress.update(done, total) }
        progress.finish()
        print(L("New data key for \(archive) (generation \(vault.header.dekGeneration)); \(vault.header.recordCount) records re-encrypted.",
                "\(archive) 已更换数据密钥（第 \(vault.header.dekGeneration) 代）；已重新加密 \(vault.header.recordCount) 条记录。").text)
    }
}
