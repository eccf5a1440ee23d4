import ArgumentParser
import Department
import SalesArchive
import VaultFormat

struct Verify: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Unlock an archive and authenticate every byte of it.",
        discussion: """
            Checks the password, both header copies and every record. Exit status 0 only
            when everything is authentic and complete.

            EXAMPLES
              salesvault verify zhangwei.svault
              salesvault verify zhangwei.svault --password-file pw.txt
            """)

    @OptionGroup var target: ArchivePath
    var archive: String { target.path }

    @OptionGroup var password: PasswordOptions
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let vault = try password.unlock(archive)
        let report = try vault.verify()
        // FORMAT.md §7 step 8: the records after the owner's signature are escrow uses (the
        // digest up to it was checked by verify, from record 0).
        try CustomerArchive.checkRecordsAfterSignature(vault)
        // FORMAT.md §6.4: the checkpoint names a snapshot's first record, as opening needs.
        try CustomerArchive.checkCheckpoint(vault)
        let zh = Language.current == .zh
        func describe(_ name: String, _ result: Vault.VerifyReport.CopyResult) -> String {
            switch result {
            case .authentic: return zh ? "档案头副本 \(name)：完好" : "header copy \(name): authentic"
            case .outOfDate(let seq): return Terminal.yellow(zh ? "档案头副本 \(name)：过期（序号 \(seq)）" : "header copy \(name): out of date (sequence \(seq))")
            case .damaged(let reason): return Terminal.red(zh ? "档案头副本 \(name)：已损坏，\(FullCheckText.chineseReason(reason))" : "header copy \(name): damaged (\(reason))")
            case .forged: return Terminal.red(zh ? "档案头副本 \(name)：认证失败（被改动）" : "header copy \(name): fails authentication (altered)")
            }
        }
        print(zh ? "\(vault.header.owner) 的档案：\(report.records) 条记录（加密前内容共 \(Format.bytes(report.payloadBytes))），每条记录均通过认证"
                 : "\(vault.header.owner)'s archive: \(report.records) records (\(Format.bytes(report.payloadBytes)) of content, without their sealing), every record authentic")
        print(describe("A", report.copyA))
        print(describe("B", report.copyB))
        switch vault.ownerSigning {
        case .signed(let key):
            print(zh ? "所有人签名：有效（签名密钥指纹 \(KeyFile.fingerprint(key))），\(vault.header.recordCount) 条记录均与签名相符"
                     : "owner signature: valid (key fingerprint \(KeyFile.fingerprint(key))), the records match it")
        case .unsigned:
            print(Terminal.yellow(zh ? "所有人签名：未签名（由早期版本写入，或经过托管重置）" : "owner signature: not signed (written by an earlier version, or after an escrow reset)"))
        case .invalid(let why):
            throw VaultError(.ownerSignatureInvalid, why)  // an owner's open refuses it first
        }
        if report.copyA == .forged || report.copyB == .forged {
            throw CLIError(.damaged, L("a header copy was altered without the key (see above)", "有档案头副本在没有密钥的情况下被改动（见上）"),
                           hint: L("tell your manager; then run salesvault repair \(archive) to rewrite it from the authentic copy",
                                   "请告知经理；然后运行 salesvault repair \(archive)，用完好的副本重写"))
        }
        if report.unfinishedBytes > 0 {
            throw CLIError(.needsRepair,
                           L("the archive ends with \(report.unfinishedBytes) bytes of an interrupted save", "档案末尾有 \(report.unfinishedBytes) 字节未完成的保存"),
                           hint: L("run: salesvault repair \(archive)", "请运行：salesvault repair \(archive)"))
        }
        if !report.isClean {
            throw CLIError(.needsRepair, L("a header copy is damaged or out of date, as after a crash (see above)", "有档案头副本损坏或过期，通常由崩溃造成（见上）"),
                           hint: L("run: salesvault repair \(archive) to rewrite it from the authentic copy", "请运行 salesvault repair \(archive)，用完好的副本重写"))
        }
        print(Terminal.green(zh ? "验证通过。" : "Verified."))
    }
}
