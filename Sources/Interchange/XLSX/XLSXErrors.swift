/// The errors of the XLSX reader and writer, each with what happened and what to do, in English
/// and in Chinese as an office worker reads it.
enum XLSXErrors {
    static let resaveHint = "Open the file in Excel or WPS, choose Save As, pick \"Excel Workbook (*.xlsx)\", and import the new file."
    static let resaveHintZH = "请用 Excel 或 WPS 打开这个文件，选择“另存为”，保存类型选“Excel 工作簿（*.xlsx）”，再导入新保存的文件。"

    /// An OLE compound file given to the plain XLSX reader: an encrypted workbook or an old
    /// .xls. `ImportSource` sends those through `OfficeCrypto` first, which names which it is.
    static func oleCompoundFile() -> InterchangeError {
        InterchangeError(
            .unsupportedWorkbook,
            "This is a password-encrypted workbook or an old Excel 97-2003 (.xls) file, not a plain .xlsx.",
            zh: "这个文件是设了打开密码的工作簿，或者是旧版 Excel 97-2003（.xls）文件，不是普通的 .xlsx 文件。",
            hint: "Import it with salesvault import, which asks for a workbook's password; an .xls must first be saved as \"Excel Workbook (*.xlsx)\".",
            hintZH: "请用 salesvault import 导入（它会询问打开密码）；.xls 文件需先“另存为”，保存类型选“Excel 工作簿（*.xlsx）”。")
    }

    static func notAZip() -> InterchangeError {
        InterchangeError(
            .malformedWorkbook, "The file is not an Excel workbook (.xlsx): it does not start like one.",
            zh: "这个文件不是 Excel 工作簿（.xlsx），文件开头的内容不对。",
            hint: "Check that you picked the right file. A CSV file must end in .csv; " + resaveHint,
            hintZH: "请确认选对了文件。CSV 文件的扩展名应为 .csv；" + resaveHintZH)
    }

    static func damagedZip() -> InterchangeError {
        InterchangeError(
            .malformedWorkbook, "The workbook is damaged: its zip container cannot be read (the file may be cut off or corrupted).",
            zh: "这个工作簿已损坏，无法读取（文件可能没有下载或复制完整）。",
            hint: "Copy or download the file again; if Excel can still open it, " + resaveHint,
            hintZH: "请重新复制或下载这个文件；如果 Excel 还能打开它，" + resaveHintZH)
    }

    static func damagedPart(_ part: String) -> InterchangeError {
        InterchangeError(
            .malformedWorkbook, "The workbook is damaged: its part \(part) cannot be unpacked.",
            zh: "这个工作簿已损坏：其中的 \(part) 部分无法解压。",
            hint: "Copy or download the file again; if Excel can still open it, " + resaveHint,
            hintZH: "请重新复制或下载这个文件；如果 Excel 还能打开它，" + resaveHintZH)
    }

    static func missingPart(_ part: String) -> InterchangeError {
        InterchangeError(
            .malformedWorkbook, "The workbook is incomplete: the part \(part) is missing.",
            zh: "这个工作簿不完整：缺少 \(part) 部分。",
            hint: resaveHint, hintZH: resaveHintZH)
    }

    static func badXML(_ part: String, _ detail: String, zh detailZH: String) -> InterchangeError {
        InterchangeError(
            .malformedWorkbook, "The workbook is damaged: \(part) is not valid XML (\(detail)).",
            zh: "这个 Excel 文件已损坏，无法读取：文件内部的 \(part) 格式不正确（\(detailZH)）。",
            hint: resaveHint, hintZH: resaveHintZH)
    }

    static func badContent(_ part: String, _ detail: String, zh detailZH: String) -> InterchangeError {
        InterchangeError(
            .malformedWorkbook, "The workbook is damaged: in \(part), \(detail).",
            zh: "这个工作簿已损坏：\(part) 中\(detailZH)。",
            hint: resaveHint, hintZH: resaveHintZH)
    }

    static func tooLarge(part: String) -> InterchangeError {
        InterchangeError(
            .unsupportedWorkbook,
            "The workbook unpacks to more data than SalesVault accepts (at \(part)); it is too large or built to exhaust memory.",
            zh: "这个工作簿解压后的数据量超过了 SalesVault 的上限（在 \(part) 处），文件太大，或者是被故意做成会耗尽内存的文件。",
            hint: "Split the data into smaller workbooks, or save it as CSV and import that. Do not open files from unknown senders.",
            hintZH: "请把数据拆成几个小一些的工作簿，或者另存为 CSV 再导入。来历不明的文件请不要打开。")
    }

    static func tooManyCells() -> InterchangeError {
        InterchangeError(
            .unsupportedWorkbook, "The workbook has more cells than SalesVault accepts in one import.",
            zh: "这个工作簿的单元格太多，超过了一次导入的上限。",
            hint: "Split the data into several smaller workbooks and import them one by one.",
            hintZH: "请把数据拆成几个小一些的工作簿，分几次导入。")
    }

    static func binaryWorkbook() -> InterchangeError {
        InterchangeError(
            .unsupportedWorkbook, "This is an Excel binary workbook (.xlsb); SalesVault reads only .xlsx files.",
            zh: "这是 Excel 二进制工作簿（.xlsb），SalesVault 只能读取 .xlsx 文件。",
            hint: resaveHint, hintZH: resaveHintZH)
    }

    static func invalidFill(_ fill: String) -> InterchangeError {
        InterchangeError(
            .writeFailed, "The cell colour \"\(fill)\" is not an ARGB colour like FFFFF2CC; the workbook was not written.",
            zh: "单元格颜色“\(fill)”不是 FFFFF2CC 这样的颜色代码，工作簿没有生成。",
            hint: "Use 8 hexadecimal digits (alpha, red, green, blue) or 6 (red, green, blue).",
            hintZH: "颜色请写成 8 位十六进制数字（透明度、红、绿、蓝）或 6 位（红、绿、蓝）。")
    }

    static func zipFailed() -> InterchangeError {
        InterchangeError(
            .writeFailed, "The workbook could not be packed into an .xlsx file.",
            zh: "工作簿无法打包成 .xlsx 文件。",
            hint: "Try again; if it keeps failing, export as CSV instead and report the problem.",
            hintZH: "请再试一次；如果一直失败，请先导出为 CSV，并把问题反馈给管理员。")
    }

    static func sheetTooLarge(_ sheet: String) -> InterchangeError {
        InterchangeError(
            .writeFailed, "The sheet \"\(sheet)\" has more rows (1,048,576 with the header) or columns (16,384) than Excel can open; the workbook was not written.",
            zh: "工作表“\(sheet)”的行数（含表头最多 1,048,576 行）或列数（最多 16,384 列）超过了 Excel 的上限，工作簿没有生成。",
            hint: "Export fewer rows at a time (for example one region or one month per file), or export as CSV.",
            hintZH: "请分批导出（比如每个文件只导出一个区域或一个月的数据），或者导出为 CSV。")
    }

    static func textTooLong(_ sheet: String, _ cell: String) -> InterchangeError {
        InterchangeError(
            .writeFailed, "The text for cell \(cell) of sheet \"\(sheet)\" is longer than the 32,767 characters an Excel cell holds; the workbook was not written.",
            zh: "工作表“\(sheet)”的单元格 \(cell) 文字超过了 Excel 单元格最多能放的 32767 个字符，因此未生成工作簿。",
            hint: "Shorten that text, or export as CSV, which has no such limit.",
            hintZH: "请把这段文字改短一些，或者导出为 CSV（CSV 没有这个限制）。")
    }
}
