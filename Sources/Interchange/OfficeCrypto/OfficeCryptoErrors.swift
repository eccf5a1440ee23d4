/// The errors of reading and writing encrypted workbooks (INTERCHANGE.md §1.3), each with what
/// happened and what to do, in English and in Chinese as an office worker reads it. Nothing is
/// imported after any of them.
enum OfficeCryptoErrors {
    /// Encryption schemes SalesVault refuses, each named in the message.
    enum Scheme: Equatable {
        /// RC4 (Office 97–2003 "RC4 CryptoAPI" or Excel 97 RC4 encryption of an .xlsx or .xls).
        case rc4
        /// The XOR obfuscation of old .xls files.
        case xor
        /// Extensible encryption: a third-party cryptographic module.
        case extensible
        /// Information Rights Management (IRM/RMS, DRM): opened with an account, not a password.
        case rightsManagement
        /// Agile encryption whose only key is for a certificate (no password).
        case certificateOnly
        /// An algorithm other than AES-CBC with SHA-1/SHA-2.
        case algorithm(String)
        /// A spin count above [MS-OFFCRYPTO]'s 10,000,000.
        case spinCount(Int)
        case unknownVersion(String)
    }

    static let resaveHint = "Open it in Excel or WPS with its password; Save As \"Excel Workbook (*.xlsx)\" with a password from Excel 2010 or later, WPS, or LibreOffice (File > Info > Protect Workbook > Encrypt with Password), and import that copy."
    static let resaveHintZH = "请在 Excel 或 WPS 中用密码打开它，选择“另存为”，保存类型选“Excel 工作簿（*.xlsx）”，再重新设置打开密码（Excel 2010 及以上：文件 > 信息 > 保护工作簿 > 用密码进行加密；WPS：文件 > 文档加密 > 密码加密），然后导入新保存的文件。"

    static let accountHint = "Ask a colleague who can open it in Excel to Save As an unrestricted .xlsx with an open password, and import that copy."
    static let accountHintZH = "请让有权限的同事在 Excel 中打开它，另存为一份不受限制的 .xlsx 并设置打开密码，再导入那份文件。"

    static func wrongPassword() -> InterchangeError {
        InterchangeError(
            .wrongWorkbookPassword, "The workbook's password is not correct; nothing was imported.",
            zh: "工作簿的打开密码不正确，未导入任何数据。",
            hint: "Type the password that opens this workbook in Excel or WPS (it is case-sensitive; it is not the archive's password).",
            hintZH: "请重新运行命令，输入在 Excel 或 WPS 中打开这个工作簿时用的打开密码（区分大小写；不是修改权限密码，也不是档案密码）。")
    }

    static func passwordNeeded() -> InterchangeError {
        InterchangeError(
            .wrongWorkbookPassword, "The workbook is encrypted and no password was given for it; nothing was imported.",
            zh: "这个工作簿设有打开密码，但未提供密码，未导入任何数据。",
            hint: "Give the workbook's password when asked, or with --workbook-password-file FILE.",
            hintZH: "请在提示时输入它的打开密码，或用 --workbook-password-file 指定存放打开密码的文件。")
    }

    static func damaged(_ detail: String) -> InterchangeError {
        InterchangeError(
            .malformedWorkbook, "The encrypted workbook is damaged (\(detail)); nothing was imported.",
            zh: "这个加密的工作簿已损坏，无法读取，未导入任何数据。（技术信息：\(detail)）",
            hint: "Copy or download the file again; if Excel or WPS can still open it with its password, save it again and import the new copy.",
            hintZH: "请重新复制或下载这个文件；如果 Excel 或 WPS 还能用密码打开它，请“另存为”一份新的 .xlsx 文件（保留打开密码）再导入。")
    }

    static func integrity() -> InterchangeError {
        InterchangeError(
            .malformedWorkbook, "The encrypted workbook fails its integrity check: it was changed or damaged after it was encrypted; nothing was imported.",
            zh: "这个加密的工作簿未通过完整性校验：文件在加密后被改动过或已损坏，未导入任何数据。",
            hint: "Ask the sender for the file again. Do not use a copy that fails this check.",
            hintZH: "请向发送人重新索取这个文件，不要使用未通过校验的副本。")
    }

    static func oldWorkbook() -> InterchangeError {
        InterchangeError(
            .unsupportedWorkbook, "This is an old Excel 97-2003 workbook (.xls); SalesVault reads .xlsx workbooks, with or without a password.",
            zh: "这是旧版 Excel 97-2003 工作簿（.xls），未导入任何数据；SalesVault 只能读取 .xlsx 工作簿（有无打开密码均可）。",
            hint: "Open it in Excel or WPS and Save As \"Excel Workbook (*.xlsx)\" (keep a password on it if you like), then import that copy.",
            hintZH: "请用 Excel 或 WPS 打开，选择“另存为”，保存类型选“Excel 工作簿（*.xlsx）”（打开密码可以保留），再导入新保存的文件。")
    }

    static func notAWorkbook() -> InterchangeError {
        InterchangeError(
            .unsupportedWorkbook, "This compound file (an Office 97-2003 document or another program's file) is neither an .xlsx workbook nor an encrypted one.",
            zh: "这个文件不是 Excel 工作簿（.xlsx），也不是加密的 .xlsx 工作簿，可能是 Word/PowerPoint 97-2003 文档或其他程序的文件，未导入任何数据。",
            hint: "Check that you picked the right file; " + XLSXErrors.resaveHint,
            hintZH: "请确认选对了文件；如果它确实是 Excel 表格，请用 Excel 或 WPS 打开，选择“另存为”，保存类型选“Excel 工作簿（*.xlsx）”，再导入新保存的文件。")
    }

    static func unsupported(_ scheme: Scheme) -> InterchangeError {
        let (en, zh): (String, String)
        // IRM and certificate files have no password: the way out is someone who can open them.
        let noPassword: Bool = { if case .rightsManagement = scheme { return true }; if case .certificateOnly = scheme { return true }; return false }()
        switch scheme {
        case .rc4:
            (en, zh) = ("it is encrypted with RC4, the weak scheme of Excel 97-2003, which SalesVault does not read",
                        "它用的是旧式的 RC4 加密（Excel 97-2003 时代的加密方式，强度很弱），SalesVault 不支持")
        case .xor:
            (en, zh) = ("it is protected with the XOR obfuscation of old .xls files, which is not encryption and which SalesVault does not read",
                        "它用的是旧版 .xls 的“弱加密（XOR）”，这不算真正的加密，SalesVault 不支持")
        case .extensible:
            (en, zh) = ("it is encrypted by a third-party encryption add-in (extensible encryption)", "它是用第三方加密插件（如公司的文档加密软件）加密的，SalesVault 无法解密")
        case .rightsManagement:
            (en, zh) = ("it is protected by Information Rights Management (IRM/RMS): it opens with an account, not a password",
                        "它设置了“限制访问”（信息权限管理 IRM），只能登录有权限的账户打开，不能用密码打开")
        case .certificateOnly:
            (en, zh) = ("it is encrypted for a digital certificate, not with a password", "它是用数字证书加密的，没有打开密码")
        case .algorithm(let name):
            (en, zh) = ("its encryption (\(name)) is not one SalesVault reads: only AES is", "它用的加密算法（\(name)）SalesVault 不支持，目前只支持 AES")
        case .spinCount(let n):
            (en, zh) = ("its password hashing count (\(n)) is above the 10,000,000 the format allows", "它的密码迭代次数（\(n)）超过了文件格式允许的上限（10,000,000），这不是 Excel 或 WPS 正常生成的文件")
        case .unknownVersion(let v):
            (en, zh) = ("its encryption (version \(v)) is of a kind SalesVault does not know", "它的加密方式（版本 \(v)）SalesVault 无法识别")
        }
        return InterchangeError(
            .unsupportedWorkbook, "This workbook cannot be decrypted: \(en); nothing was imported.",
            zh: "无法解密这个工作簿：\(zh)。未导入任何数据。",
            hint: noPassword ? accountHint : resaveHint, hintZH: noPassword ? accountHintZH : resaveHintZH)
    }

    static func passwordTooLong() -> InterchangeError {
        InterchangeError(
            .writeFailed, "The workbook password is longer than the 255 characters Excel accepts; the workbook was not written.",
            zh: "打开密码超过了 Excel 允许的最大长度（255 个字符），未生成工作簿。",
            hint: "Choose a shorter password (a passphrase of a few words).", hintZH: "请换一个不超过 255 个字符的打开密码（例如由几个词组成的口令）。")
    }
}
