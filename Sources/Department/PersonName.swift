import Foundation

/// The rules for salesperson, owner and manager names (DEPARTMENT.md §3.1): a name becomes a file
/// name (`archives/NAME.svault`, `keys/NAME.pub`) and is shown in terminals, so it is checked and
/// normalised to NFC before it is stored anywhere (registry, file name, archive header).
public enum PersonName {
    public static let maxBytes = 200

    /// The name in NFC, or an error saying what is wrong with it.
    public static func normalized(_ name: String) throws -> String {
        let nfc = name.precomposedStringWithCanonicalMapping
        try check(nfc)
        return nfc
    }

    /// Refuses an empty or over-long name, `/` or `\`, `..`, a leading `.` or `-`, and control,
    /// format (bidi, zero-width) and line-separator characters.
    public static func check(_ name: String) throws {
        let shown = name.unicodeScalars.map { isRefused($0) ? "\\u{\(String($0.value, radix: 16, uppercase: true))}" : String($0) }.joined()
        func refuse(_ en: String, _ zh: String) -> DepartmentError {
            DepartmentError(.invalid, "the name \"\(shown)\" \(en)", zh: "姓名“\(shown)”\(zh)")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw DepartmentError(.invalid, "a name cannot be empty", zh: "姓名不能为空") }
        guard name.utf8.count <= maxBytes else { throw refuse("is longer than \(maxBytes) bytes", "超过 \(maxBytes) 字节") }
        guard !name.unicodeScalars.contains(where: isRefused) else {
            throw refuse("contains control, bidi or zero-width characters (shown as \\u{…}); type it plainly",
                         "含有控制字符、双向文字控制符或零宽字符（显示为 \\u{…}）；请重新输入姓名")
        }
        guard !name.contains("/"), !name.contains("\\"), !name.contains("..") else {
            throw refuse("contains \"/\", \"\\\" or \"..\": it names the archive file, so it cannot hold a path",
                         "含有“/”“\\”或“..”：姓名会用作档案文件名，不能包含路径符号")
        }
        guard name == name.trimmingCharacters(in: .whitespaces) else {
            throw refuse("begins or ends with a space", "首尾不能有空格")
        }
        // `NAME.v2` is how a second weekly report of NAME is named (REPORTS.md §4).
        if let dot = name.lastIndex(of: "."), name[name.index(after: dot)...].first == "v",
           name[name.index(dot, offsetBy: 2)...].allSatisfy(\.isASCII) && name[name.index(dot, offsetBy: 2)...].allSatisfy(\.isNumber),
           name.index(dot, offsetBy: 2) < name.endIndex {
            throw refuse("ends in \".v\" and a number, which names a report's later version", "不能以“.v”加数字结尾（这是周报修订版的文件名）")
        }
        guard let first = name.first, first != ".", first != "-" else {
            throw refuse("starts with \".\" or \"-\" (a hidden file or an option)", "不能以“.”或“-”开头（否则会被当作隐藏文件或命令选项）")
        }
    }

    /// The department's name (at most `maxDepartmentBytes`) and a manager's role (at most
    /// `maxRoleBytes`), checked when the administrator sets them (DEPARTMENT.md §3.1): no control,
    /// bidi, zero-width or line-separator character (they are shown in the owner's trust prompt),
    /// and a length that every statement they are signed into can hold.
    public static let maxDepartmentBytes = 200
    public static let maxRoleBytes = 100

    public static func checkText(_ text: String, department: Bool) throws {
        let (en, zh, max) = department ? ("the department's name", "部门名称", maxDepartmentBytes) : ("a manager's role", "经理职务", maxRoleBytes)
        guard text.utf8.count <= max else {
            throw DepartmentError(.invalid, "\(en) is \(text.utf8.count) bytes, longer than \(max) bytes (UTF-8): refused", zh: "\(zh)长达 \(text.utf8.count) 字节（按 UTF-8 计），超过 \(max) 字节的上限：已拒绝")
        }
        guard !text.unicodeScalars.contains(where: isRefused) else {
            let shown = text.unicodeScalars.map { isRefused($0) ? "\\u{\(String($0.value, radix: 16, uppercase: true))}" : String($0) }.joined()
            throw DepartmentError(.invalid, "\(en) \"\(shown)\" contains control, line-break, bidi or zero-width characters (shown as \\u{…}): refused; type it plainly",
                                  zh: "\(zh)“\(shown)”含有控制字符、换行符、双向文字控制符或零宽字符（显示为 \\u{…}），已拒绝；请去掉这些字符后重新输入")
        }
    }

    static func isRefused(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
