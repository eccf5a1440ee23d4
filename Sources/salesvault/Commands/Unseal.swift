import ArgumentParser
import Department
import Foundation
import Interchange
import VaultCrypto

/// `salesvault unseal FILE`: decrypts any age v1 file made for an X25519 key or a passphrase,
/// binary or armored (Docs/AGE.md).
struct Unseal: VaultCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decrypt an age file (for an age key or a passphrase, binary or armored).",
        discussion: """
            Opens files made with `age -r`, `age -p` or `age -a`, and SalesVault's own age
            files. A file for a key needs --identity: a manager's key file (NAME.key; its
            passphrase is asked, or read with --passphrase-file) or an age-keygen identity
            file. For a file protected by a passphrase, the passphrase is asked on the
            terminal, or read with --password-file or --password-fd. The plaintext goes to
            --out (a new file, mode 0600, written atomically) or to standard output when
            that is not a terminal. Nothing is written unless the whole file is authentic.

            EXAMPLES
              salesvault unseal report.xlsx.age --identity wang.key --out report.xlsx
              salesvault unseal notes.txt.age --out notes.txt
              salesvault unseal data.age --identity key.txt > data.csv
            """)

    @Argument(help: ArgumentHelp("The age file (binary or armored).", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("A key file: a manager's NAME.key or an age identity file (AGE-SECRET-KEY-1…); repeatable.", valueName: "key"))
    var identity: [String] = []

    @Option(name: .long, help: ArgumentHelp("The passphrase of each passphrase-protected --identity, in order, from the first line of this file.", valueName: "file"))
    var passphraseFile: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Write the plaintext to this new file (mode 0600) instead of standard output.", valueName: "file"))
    var out: String?

    @Flag(name: .long, help: "Replace --out if it exists.")
    var force = false

    @OptionGroup var password: PasswordOptions
    @OptionGroup var global: GlobalOptions

    mutating func validate() throws {
        // `-` is standard output, the default (it was refused as no file, exit 2); a blank name a
        // usage error naming a file of the sealed file's own kind.
        if force && out == nil { throw ValidationError("--force goes with --out") }
        let plain = URL(fileURLWithPath: file).lastPathComponent
        out = try OutputOption.standardOutputOrFile(out, option: "--out", example: plain.hasSuffix(".age") ? String(plain.dropLast(4)) : plain + ".txt")
        if out == nil { force = false }  // (standard output: nothing to replace)
        if passphraseFile.count > identity.count { throw ValidationError("more --passphrase-file than --identity") }
    }

    func execute() throws {
        let input = [UInt8](try AtomicFile.readInput(file))
        let summary: AgeFile.Summary
        do { summary = try AgeFile.summary(of: input) } catch { throw Self.explain(error, file: file, passphrase: false) }

        // Where the plaintext goes is settled before any secret is asked for.
        if let out {
            if !force && FileManager.default.fileExists(atPath: out) {
                throw CLIError(.fileProblem, L("\(out) exists already; nothing was written", "\(out) 已存在；未写入任何内容"),
                               hint: L("choose another name, or add --force to replace it", "请换一个文件名，或加 --force 覆盖"))
            }
        } else if Terminal.stdoutIsTTY {
            throw CLIError(.usage, L("refusing to print the decrypted contents to the terminal (they may be binary)", "拒绝把解密后的内容直接输出到终端（可能是二进制数据）"),
                           hint: L("use --out FILE, or redirect: salesvault unseal \(file) > FILE", "请使用 --out 文件名，或重定向：salesvault unseal \(file) > 文件名"))
        }

        let identities: [AgeFile.Identity]
        if summary.isPassphraseProtected {
            guard identity.isEmpty else {
                throw CLIError(.inputRefused, L("\(file) is protected by a passphrase, not by a key", "\(file) 是用口令加密的，不是用密钥加密的"),
                               hint: L("run the command without --identity; the passphrase is asked for", "请去掉 --identity 重新运行，程序会询问口令"))
            }
            let typed = try password.read(prompt: L("Passphrase for \(file): ", "\(file) 的口令："))
            // age uses the bytes as typed; SalesVault's own key files were sealed with the NFC form.
            let raw = SecureBytes(Array(typed.utf8))
            let nfc = PasswordInput.secureBytes(typed)
            identities = raw == nfc ? [.passphrase(raw)] : [.passphrase(raw), .passphrase(nfc)]
        } else {
            guard !identity.isEmpty else {
                throw CLIError(.usage, L("\(file) is encrypted to a key; give your key file", "\(file) 是用密钥加密的，需要提供您的密钥文件"),
                               hint: L("add --identity KEY (your NAME.key, or an age identity file)", "请加上 --identity 密钥文件（您的 NAME.key，或 age 身份文件）"))
            }
            identities = try loadIdentities().map { .x25519($0) }
        }

        var plaintext: [UInt8]
        do { plaintext = try AgeFile.decrypt(input, with: identities) } catch {
            throw Self.explain(error, file: file, passphrase: summary.isPassphraseProtected)
        }
        defer { secureZero(&plaintext) }
        if let out {
            try AtomicFile.write(Data(plaintext), to: out, replacing: force, protecting: [file])
            Terminal.stderr(L("Decrypted \(file) to \(out) (\(plaintext.count) bytes).", "已将 \(file) 解密到 \(out)（\(plaintext.count) 字节）。").text + "\n")
        } else {
            try Terminal.write(Data(plaintext))
        }
    }

    /// The X25519 keys of every --identity: a manager's key file (passphrase-protected or not)
    /// or an age identity file with one or more `AGE-SECRET-KEY-1…` lines and `#` comments.
    func loadIdentities() throws -> [Curve25519.KeyAgreement.PrivateKey] {
        var keys: [Curve25519.KeyAgreement.PrivateKey] = []
        for (i, path) in identity.enumerated() {
            var bytes = try KeyFile.read(path)
            if AgeArmor.isArmored(bytes), let inner = try? AgeArmor.decode(bytes) { bytes = inner }
            let text = try KeyFile.open(bytes) { try IdentityOptions.passphrase(of: path, index: i, files: passphraseFile) }
            keys += try KeyFile.parseIdentities(text)
        }
        return keys
    }

    /// What went wrong with the age file, and what to do, for people (Docs/AGE.md §6).
    static func explain(_ error: Error, file: String, passphrase: Bool) -> Error {
        guard let failure = error as? AgeFile.Failure else { return error }
        let damaged = L("do not use this copy; get the file again from whoever sent it", "请勿使用此副本；请向发送者重新索取文件")
        let cut = L("the file is incomplete (an interrupted download or copy); get the whole file again", "文件不完整（下载或复制中断）；请重新获取完整的文件")
        func header(_ en: String, _ zh: String) -> CLIError {
            CLIError(.damaged, L("the file header is malformed: \(en)", "文件头格式不正确：\(zh)"), hint: damaged)
        }
        func armor(_ en: String, _ zh: String) -> CLIError {
            CLIError(.damaged, L("the text (armored) form of the file is malformed: \(en)", "文件的文本（ASCII 封装）格式不正确：\(zh)"),
                     hint: L("it was probably changed on the way (e-mail, copy and paste); ask for it as an attachment", "文件可能在传送中被改动（邮件、复制粘贴）；请对方以附件形式重新发送"))
        }
        switch failure {
        case .notAgeFile:
            return CLIError(.fileProblem, L("\(file) is not an age encrypted file", "这不是 age 加密文件：\(file)"),
                            hint: L("check the file name; age files usually end in .age", "请检查文件名；age 加密文件通常以 .age 结尾"))
        case .unsupportedVersion:
            return CLIError(.fileProblem, L("\(file) is an age file of a version other than v1", "\(file) 是 v1 以外版本的 age 文件，无法打开"),
                            hint: L("open it with the program that made it", "请用生成它的程序打开"))
        case .armorMissingEnd: return armor("the END line is missing", "缺少结束行（-----END AGE ENCRYPTED FILE-----）")
        case .armorTrailingData: return armor("there is text after the END line", "结束行之后还有其他内容")
        case .armorMalformedLine: return armor("a line is not 64 base64 characters (or there is a blank line, a header or a space)", "某一行不是 64 个 base64 字符（或有空行、标头、空格）")
        case .armorNonCanonicalBase64: return armor("the base64 padding is wrong", "base64 填充不正确")
        case .headerTruncated, .missingPayloadNonce, .truncatedChunk, .missingFinalChunk:
            return CLIError(.damaged, L("the file is truncated", "文件被截断"), hint: cut)
        case .headerTooLong: return header("the header is longer than 1 MiB", "文件头超过 1 MiB")
        case .malformedStanzaLine: return header("a line is neither a recipient (->) nor the end (---)", "有一行既不是收件人行（->）也不是结束行（---）")
        case .malformedStanzaArguments: return header("a recipient line has an empty or non-ASCII argument", "收件人行含有空的或非 ASCII 的参数")
        case .malformedStanzaBody: return header("a recipient's data is not wrapped at 64 columns with a shorter last line", "收件人数据未按 64 列换行或缺少较短的末行")
        case .nonCanonicalBase64: return header("base64 that is not canonical", "base64 编码不规范")
        case .noStanzas: return header("there is no recipient", "没有任何收件人")
        case .malformedHeaderMAC: return header("the last header line (---) is malformed", "文件头最后一行（---）格式不正确")
        case .malformedX25519Stanza: return header("an X25519 recipient is malformed", "X25519 收件人数据格式不正确")
        case .malformedScryptStanza: return header("the passphrase (scrypt) recipient is malformed", "口令（scrypt）收件人数据格式不正确")
        case .scryptNotAlone: return header("a passphrase recipient is mixed with other recipients", "口令收件人与其他收件人混在一起")
        case .x25519LowOrderShare:
            return CLIError(.damaged, L("the file header holds an invalid key exchange value (a crafted file)", "文件头含有无效的密钥交换数据（可能是恶意构造的文件）"), hint: damaged)
        case .scryptWorkFactorTooHigh(let n) where n <= AgeFile.defaultMaxLogN:
            // Within the accepted cost, refused by the KDF itself: its memory.
            let mb = Scrypt.memoryRequired(logN: n, r: 8, p: 1) >> 20
            return CLIError(.failure, L("not enough memory for the passphrase protection (scrypt 2^\(n) needs about \(mb) MB); nothing was decrypted",
                                        "内存不足：口令保护（scrypt 2^\(n)）约需 \(mb) MB 内存，未解密任何内容"),
                            hint: L("raise the memory limit (ulimit -v) or close other programs, and try again", "请提高内存上限（ulimit -v）或关闭其他程序后重试"))
        case .scryptWorkFactorTooHigh(let n):
            let cost = n > 62 ? "∞" : "2^\(n)"
            return CLIError(.inputRefused, L("the passphrase protection asks for too much work (\(cost), more than 2^\(AgeFile.defaultMaxLogN)); refused", "口令保护要求的计算量过大（\(cost)，超过 2^\(AgeFile.defaultMaxLogN)）；拒绝处理"),
                            hint: L("ask the sender to encrypt it again with age's default settings", "请发送者用 age 的默认设置重新加密"))
        case .noMatchingIdentity:
            return passphrase
                ? CLIError(.wrongKey, L("wrong passphrase: it does not open \(file)", "口令错误：无法打开 \(file)"),
                           hint: L("check Caps Lock and the keyboard layout (Chinese or English input) and try again", "请检查大写锁定和输入法（中文或英文）后重试"))
                : CLIError(.wrongKey, L("your key is not a recipient of \(file)", "您的密钥不是此文件的收件人：\(file)"),
                           hint: L("check that you gave your own key; otherwise ask the sender to encrypt to your public key (salesvault keys show)", "请确认使用的是您本人的密钥；否则请发送者用您的公钥（salesvault keys show）重新加密"))
        case .headerMACMismatch:
            return CLIError(.damaged, L("the file header does not verify: the file was altered or damaged", "文件头校验失败：文件被改动或损坏"), hint: damaged)
        case .dataAfterFinalChunk:
            return CLIError(.damaged, L("the file has data after its end: it was altered or damaged", "文件末尾之后还有多余数据：文件被改动或损坏"), hint: damaged)
        case .emptyFinalChunk, .payloadDamaged:
            // A chunk cut short fails like a damaged one: both are named.
            return CLIError(.damaged, L("the contents do not verify: the file was altered, damaged or is incomplete; nothing was written", "文件内容校验失败：文件被改动、损坏或不完整；未写入任何内容"), hint: damaged)
        }
    }
}
