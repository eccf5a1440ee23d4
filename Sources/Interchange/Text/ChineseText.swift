/// Small rules of Chinese writing that messages and files share.
public enum ChineseText {
    /// `name` followed by 的: straight after a Chinese name (李娜的客户档案), after a space when
    /// the name ends in a Latin letter or digit (John Smith 的客户档案), as Chinese text sets
    /// Latin words apart (a space before 的 after 李娜 read as a typing slip: helper-100).
    public static func possessive(_ name: String) -> String {
        guard let last = name.unicodeScalars.last, last.isASCII, last.properties.isAlphabetic || ("0"..."9").contains(last) else { return name + "的" }
        return name + " 的"
    }
}
