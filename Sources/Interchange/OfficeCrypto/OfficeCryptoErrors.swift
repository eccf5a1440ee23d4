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
    static let resaveHintZH = "请在 Excel 或 WPS 中用密码打开它,再用 Excel 2010 及以后版本、WPS 或 LibreOffice“另存为”“Excel 工作簿(*.xlsx)”并重新设置打开密码(文件 > 信息 > 保护工作簿 > 用密码进行加密),然后导入另存的文件。"

    static func wrongPassword() -> InterchangeError {
        InterchangeError(
            .wrongWorkbookPassword, "The workbook's password is not correct; nothing was imported.",
            zh: "工作簿的打开密码不正确,未导入任何数据。",
            hint: "Type the password that opens this workbook in Excel or WPS (it is case-sensitive; it is not the archive's password).",
            hintZH: "请输入在 Excel 或 WPS 中打开这个工作簿用的密码(区分大小写;不是档案的密码)。")
    }

    static func passwordNeeded() -> InterchangeError {
        InterchangeError(
            .wrongWorkbookPassword, "The workbook is encrypted and no password was given for it; nothing was imported.",
            zh: "这个工作簿设了打开密码,但没有提供密码,未导入任何数据。",
            hint: "Give the workbook's password when asked, or with --workbook-password-file FILE.",
            hintZH: "请在提示时输入工作簿的密码,或用 --workbook-password-file 文件 指定。")
    }

    static func damaged(_ detail: String) -> InterchangeError {
        InterchangeError(
            .malformedWorkbook, "The encrypted workbook is damaged (\(detail)); nothing was imported.",
            zh: "这个加密工作簿已损坏,无法读取(\(detail)),未导入任何数据。",
            hint: "Copy or download the file again; if Excel or WPS can still open it with its password, save it again and import the new copy.",
            hintZH: "请重新复制或下载这个文件;如果 Excel 或 WPS 还能用密码打开它,请重新保存一份再导入。")
    }

    static func integrity() -> InterchangeError {
        InterchangeError(
            .malformedWorkbook, "The encrypted workbook fails its integrity check: it was changed or damaged after it was encrypted; nothing was imported.",
            zh: "这个加密工作簿没有通过完整性校验:加密后被改动过或已损坏,未导入任何数据。",
            hint: "Ask the sender for the file again. Do not use a copy that fails this check.",
            hintZH: "请向发送人重新索取这个文件,不要使用未通过校验的副本。")
    }

    static func oldWorkbook() -> InterchangeError {
        InterchangeError(
            .unsupportedWorkbook, "This is an old Excel 97-2003 workbook (.xls); SalesVault reads .xlsx workbooks, with or without a password.",
            zh: "这是旧版 Excel 97-2003 工作簿(.xls);SalesVault 只能读取 .xlsx 工作簿(设不设密码都可以)。",
            hint: "Open it in Excel or WPS and Save As \"Excel Workbook (*.xlsx)\" (keep a password on it if you like), then import that copy.",
            hintZH: "请用 Excel 或 WPS 打开,“另存为”“Excel 工作簿(*.xlsx)”(可以保留打开密码),再导入另存的那份。")
    }

    static func notAWorkbook() -> InterchangeError {
        InterchangeError(
            .unsupportedWorkbook, "This compound file (an Office 97-2003 document or another program's file) is neither an .xlsx workbook nor an encrypted one.",
            zh: "这个文件(Office 97-2003 文档或其他程序的文件)既不是 .xlsx 工作簿,也不是加密的 .xlsx 工作簿。",
            hint: "Check that you picked the right file; " + XLSXErrors.resaveHint,
            hintZH: "请确认选对了文件;" + XLSXErrors.resaveHintZH)
    }

    static func unsupported(_ scheme: Scheme) -> InterchangeError {
        let (en, zh): (String, String)
        switch scheme {
        case .rc4:
            (en, zh) = ("it is encrypted with RC4, the weak scheme of Excel 97-2003, which SalesVault does not read",
                        "它用的是 Excel 97-2003 的 RC4 加密,这种加密强度很弱,SalesVault 不支持")
        case .xor:
            (en, zh) = ("it is protected with the XOR obfuscation of old .xls files, which is not encryption and which SalesVault does not read",
                        "它用的是旧版 .xls 的 XOR 混淆,这并不是真正的加密,SalesVault 不支持")
        case .extensible:
            (en, zh) = ("it is encrypted by a third-party encryption add-in (extensible encryption)", "它是由第三方加密插件加密的(可扩展加密)")
        case .rightsManagement:
            (en, zh) = ("it is protected by Information Rights Management (IRM/RMS): it opens with an account, not a password",
                        "它受信息权限管理(IRM/RMS)保护,需用账户而不是密码打开")
        case .certificateOnly:
            (en, zh) = ("it is encrypted for a digital certificate, not with a password", "它是用数字证书加密的,而不是用密码")
        case .algorithm(let name):
            (en, zh) = ("it is encrypted with \(name), not AES", "它用的加密算法是 \(name),不是 AES")
        case .spinCount(let n):
            (en, zh) = ("its password hashing count (\(n)) is above the 10,000,000 the format allows", "它的密码迭代次数(\(n))超过了格式允许的 10,000,000")
        case .unknownVersion(let v):
            (en, zh) = ("its encryption (version \(v)) is of a kind SalesVault does not know", "它的加密方式(版本 \(v))SalesVault 无法识别")
        }
        return InterchangeError(
            .unsupportedWorkbook, "This workbook cannot be decrypted: \(en); nothing was imported.",
            zh: "无法解密这个工作簿:\(zh),未导入任何数据。",
            hint: resaveHint, hintZH: resaveHintZH)
    }

    static func passwordTooLong() -> InterchangeError {
        InterchangeError(
            .writeFailed, "The workbook password is longer than the 255 characters Excel accepts; the workbook was not written.",
            zh: "工作簿密码超过了 Excel 允许的 255 个字符,工作簿没有生成。",
            hint: "Choose a shorter password (a passphrase of a few words).", hintZH: "请换一个短一些的密码(例如由几个词组成的口令)。")
    }
}
