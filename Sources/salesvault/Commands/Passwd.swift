import ArgumentParser
import SalesArchive
import VaultFormat

struct Passwd: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change an archive's password (only its key slot is rewritten).",
        discussion: """
            Asks for the current password, then the new one twice. The data key stays the
            same, so the cost does not depend on the archive's size. Old copies of the
            file (backups, e-mail attachments) still open with the old password, and
            whoever opens one holds this archive's data key too: if the old password may
            have leaked, run `rekey` after the change, so that what an old copy gives no
            longer opens the current file. The old copies themselves stay readable with
            the old password: delete them.

            EXAMPLES
              salesvault passwd zhangwei.svault
              salesvault passwd zhangwei.svault --password-file old.txt --new-password-file new.txt
            """)

    @OptionGroup var target: ArchivePath
    var archive: String { target.path }

    @OptionGroup var password: PasswordOptions
    @OptionGroup var newPassword: NewPasswordOptions
    @OptionGroup var kdf: KDFOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let (vault, next, current) = try newPassword.unlockAndChoose(archive, with: password)
        try vault.changePassword(to: PasswordInput.secureBytes(next), kdf: kdf.choice, now: Clock.now, current: PasswordInput.secureBytes(current))
        // FORMAT.md §5.5: a first (or, after an escrow reset, a new) signing key; DEPARTMENT.md §3.8.
        if vault.migratedToSigned { OwnerUnlock.tellSigned(vault, path: archive) }
        OwnerUnlock.requestEnrollment(vault, path: archive)
        if vault.header.passwordSlot.kdf.isWeak {
            print(Terminal.yellow(L("Warning: the new password uses an insecure testing cost; do not keep real data in this archive.",
                                    "警告：新密码使用了不安全的测试参数，请勿在此档案中存放真实数据。").text))
        }
        print(L("Password changed for \(archive). Old copies of this file still open with the old password; run `salesvault rekey \(archive)` if one may have leaked.",
                "\(archive) 的密码已修改。此文件的旧副本仍可用旧密码打开；如旧密码可能泄露，请运行 salesvault rekey \(archive)。").text)
    }
}

extension NewPasswordOptions {
    /// The owner's unlock with the current password, then a new password that passes every
    /// check before anything is written: not the current one, the strength floor, not one of the
    /// last five (FORMAT.md §5.4). Shared by `passwd` and `compromised`.
    func unlockAndChoose(_ archive: String, with password: PasswordOptions) throws -> (vault: Vault, next: String, current: String) {
        let current = try password.read(prompt: L("Current password for \(archive): ", "\(archive) 的当前密码："))
        let vault = try Vault.open(path: archive, password: PasswordInput.secureBytes(current), access: .readWrite)
        OwnerUnlock.warnIfAltered(vault, path: archive)
        // FORMAT.md §5.6, §8.8: a stripped archive is never signed with a new key, and the records
        // after the owner's signature must be escrow uses (exit 4 otherwise), before any write.
        try OwnerUnlock.refuseIfStripped(vault, path: archive)
        try CustomerArchive.checkRecordsAfterSignature(vault)
        let next = try PasswordInput.read(file: newPasswordFile, fd: newPasswordFd, prompt: L("New password: ", "新密码："), confirm: true,
                                          options: "--new-password-file FILE or --new-password-fd N")
        guard next.precomposedStringWithCanonicalMapping != current.precomposedStringWithCanonicalMapping else {
            throw CLIError(.passwordRejected, L("the new password is the same as the current one", "新密码与当前密码相同"),
                           hint: L("choose a different password", "请选择一个不同的密码"))
        }
        try NewPasswordCheck.require(next, owner: vault.header.owner)
        if try vault.isRecentPassword(PasswordInput.secureBytes(next)) {
            throw VaultError(.passwordReused, "the new password is one of the last \(FormatV1.passwordHistoryCount) passwords of this archive")
        }
        return (vault, next, current)
    }
}
