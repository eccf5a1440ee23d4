import Foundation

/// The minimum-strength rule for new passwords: long enough, not a well-known password, not a
/// trivial pattern, not the owner's name. It is a floor, not a meter (NIST SP 800-63B §3.1.1.2:
/// length and a blocklist rather than composition rules). `Vault` does not call it: every
/// front end that accepts a new password must.
public enum PasswordStrength {
    public static let minimumLength = 10

    public enum Verdict: Equatable, Sendable {
        case acceptable
        case tooShort(minimum: Int)
        case common
        case trivialPattern
        case containsOwnerName
    }

    public static func evaluate(_ password: String, owner: String? = nil) -> Verdict {
        // Full-width Latin letters and digits (Ｐａｓｓ１) are folded to ASCII first.
        // Invisible characters (zero-width spaces and joiners, the BOM, soft hyphens) add no
        // strength and are left out before anything is counted.
        let folded = String(String.UnicodeScalarView(password.unicodeScalars.filter { !isInvisible($0) }.map {
            $0.value == 0x3000 ? $0 : $0.asciiForm
        }))
        let scalars = Array(folded.unicodeScalars)
        // CJK ideographs carry more than Latin letters; each counts as two toward the length.
        let weight = scalars.reduce(0) { $0 + (isIdeograph($1) ? 2 : 1) }
        let lowered = folded.lowercased()
        if commonPasswords.contains(lowered) { return .common }
        guard weight >= minimumLength else { return .tooShort(minimum: minimumLength) }
        if commonPasswords.contains(lowered) || commonPasswords.contains(where: { lowered.hasPrefix($0) && lowered.count - $0.count <= 2 }) {
            return .common
        }
        if Set(scalars).count <= 2 { return .trivialPattern }
        if isRun(scalars) || isShortRepeat(scalars) || isRepeatedWord(scalars) { return .trivialPattern }
        if let owner {
            // Letters and digits only: zhang.wei.1990 and zw_1234567890 are the name and digits.
            let compact = lowered.filter { $0.isLetter || $0.isNumber }
            // The name as written, its pinyin without tones (张伟 → zhangwei), given name first
            // (weizhang), ü as v (吕 → lv), each syllable of two letters or more (zhang, wei) and
            // the initials (zw); what is left once they are taken out must be strong on its own
            // (zhangwei123456, zw19900101zw passed: helper-179; weizhang123456, zhang19900101,
            // lvfang123456: helper-180).
            let written = owner.lowercased().filter { $0.isLetter || $0.isNumber }
            let latin = (owner.applyingTransform(.mandarinToLatin, reverse: false) ?? "").lowercased()
            let umlautAsV = latin.unicodeScalars.map { "üǖǘǚǜ".unicodeScalars.contains($0) ? "v" : String($0) }.joined()
            func syllables(_ text: String) -> [String] {
                (text.applyingTransform(.stripDiacritics, reverse: false) ?? text).split(whereSeparator: { !$0.isLetter }).map(String.init)
            }
            var names = [written]
            for parts in [syllables(latin), syllables(umlautAsV)] where !parts.isEmpty {
                names.append(parts.joined())
                names += parts.filter { $0.count >= 2 }
                if parts.count >= 2 {
                    names.append(String(parts.compactMap(\.first)))
                    names.append((parts.dropFirst() + [parts[0]]).joined())
                }
            }
            names = names.filter { $0.count >= 2 }
            if names.contains(where: { compact.contains($0) }) {
                var rest = compact
                for name in names.sorted(by: { $0.count > $1.count }) { rest = rest.replacingOccurrences(of: name, with: "") }
                if isWeakRemainder(rest) { return .containsOwnerName }
            }
        }
        return .acceptable
    }

    /// What is left of a password once the owner's name is taken out: weak when it is short,
    /// of at most two characters, a run or a repeat, a common password, or a date written as
    /// digits (19900101, 900101).
    static func isWeakRemainder(_ rest: String) -> Bool {
        let scalars = Array(rest.unicodeScalars)
        guard scalars.count >= 6 else { return true }
        if Set(scalars).count <= 2 || isRun(scalars) || isShortRepeat(scalars) || isRepeatedWord(scalars) { return true }
        if commonPasswords.contains(rest) { return true }
        if rest.allSatisfy(\.isASCII), rest.allSatisfy(\.isNumber), let month = Int(rest.dropFirst(rest.count - 4).prefix(2)), let day = Int(rest.suffix(2)),
           rest.count == 6 || rest.count == 8, (1...12).contains(month), (1...31).contains(day) {
            return true
        }
        return false
    }

    /// A word shorter than the minimum length written twice or more (abc123abc123).
    static func isRepeatedWord(_ scalars: [Unicode.Scalar]) -> Bool {
        (1..<minimumLength).contains { p in
            scalars.count >= 2 * p && scalars.count % p == 0 && scalars.indices.dropFirst(p).allSatisfy { scalars[$0] == scalars[$0 - p] }
        }
    }

    /// Ascending or descending runs (abcdef…, 0987654321): every step ±1, digits wrapping 9↔0.
    static func isRun(_ scalars: [Unicode.Scalar]) -> Bool {
        let values = scalars.map { Int($0.value) }
        let steps = zip(values, values.dropFirst()).map { a, b -> Int in
            let isDigit = { (v: Int) in (48...57).contains(v) }
            return isDigit(a) && isDigit(b) ? ((b - a + 15) % 10) - 5 : b - a  // digits: the step modulo 10, as −4…5
        }
        return Set(steps).count == 1 && abs(steps[0]) == 1
    }

    /// A short unit repeated (abcabcabcabc, 12121212…): period of at most four characters.
    static func isShortRepeat(_ scalars: [Unicode.Scalar]) -> Bool {
        (1...4).contains { p in scalars.count >= 2 * p && scalars.indices.dropFirst(p).allSatisfy { scalars[$0] == scalars[$0 - p] } }
    }

    /// Zero-width and other invisible format characters.
    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        (0x200B...0x200F).contains(s.value) || (0x2060...0x2064).contains(s.value) || s.value == 0xFEFF || s.value == 0x00AD
            || s.value == 0x180E
    }

    static func isIdeograph(_ s: Unicode.Scalar) -> Bool {
        (0x3400...0x4DBF).contains(s.value) || (0x4E00...0x9FFF).contains(s.value) || (0xF900...0xFAFF).contains(s.value)
            || (0x20000...0x3134F).contains(s.value)
    }

    /// Well-known passwords, including the common Chinese ones (pinyin and digit patterns).
    static let commonPasswords: Set<String> = [
        "password", "password1", "password123", "passw0rd", "p@ssw0rd", "qwertyuiop", "qwerty123", "1qaz2wsx",
        "1q2w3e4r5t", "1qaz2wsx3edc", "zaq12wsx", "abc123456", "abcd1234", "a123456789", "123456789a",
        "1234567890", "0123456789", "9876543210", "12345678910", "11111111", "88888888", "66666666",
        "123123123", "123321123", "147258369", "159357", "1314520", "5201314", "woaini1314", "woaini520",
        "iloveyou", "iloveyou1", "admin123", "administrator", "welcome1", "welcome123", "letmein",
        "changeme", "sunshine", "princess", "football", "baseball", "dragon", "monkey", "master",
        "shadow", "superman", "michael", "trustno1", "aa123456", "qq123456", "asdfghjkl", "zxcvbnm",
        "zxcvbnm123", "qazwsxedc", "wang123456", "zhang123456", "li123456", "liu123456", "chen123456",
        "salesvault", "salesvault1", "customer", "mima123456", "xiaoshou", "kehu123456",
        "123456", "12345678", "qwerty", "111111", "000000", "woaini", "密码", "我爱你", "我爱你一生一世",
        "一二三四五六", "密码123456", "销售部", "客户资料",
    ]
}
