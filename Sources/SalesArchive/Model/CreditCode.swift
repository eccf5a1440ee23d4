import VaultFormat

/// 统一社会信用代码 (GB 32100-2015): 18 characters from 0–9 and the capitals without I, O, Z, S,
/// V; the last is a check character over the first 17 (weights 3^i mod 31).
public enum CreditCode {
    package static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    package static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public enum Check: Equatable, Sendable {
        case valid(String)
        /// Not 18 characters of the code's alphabet.
        case malformed
        /// The check character is wrong; `expected` is what it should be.
        case wrongCheckDigit(expected: Character)
        /// Eighteen zeros: what is typed where the code is not known (it passes the check, and
        /// made every such customer of a file one duplicate).
        case placeholder
    }

    /// Checks `text` (spaces removed, full-width and lower case folded).
    public static func check(_ text: String) -> Check {
        let result = checkCode(text)
        if case .valid(let code) = result, code == "000000000000000000" { return .placeholder }
        return result
    }

    package static func checkCode(_ text: String) -> Check {
        // A basic CJK ideograph stays what it is through the folding below and is not of the
        // alphabet, so such a text (a company name given as a reference) is malformed either way.
        if text.unicodeScalars.contains(where: \.isBasicCJKIdeograph) { return .malformed }
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return checkASCII(text) }
        return checkGeneral(text)
    }

    /// `check` without its shortcuts (what they are tested against).
    package static func checkGeneral(_ text: String) -> Check {
        // (Without format characters, as the code is stored: 9135\u{200B}0100… beside 91350100…
        // was another customer's code unnoticed.)
        let code = ChangeDraft.plainIdentifier(text).uppercased().filter { !$0.isWhitespace }
        let chars = Array(code)
        guard chars.count == 18 else { return .malformed }
        var sum = 0
        for i in 0..<17 {
            guard let v = alphabet.firstIndex(of: chars[i]) else { return .malformed }
            sum += v * weights[i]
        }
        guard alphabet.contains(chars[17]) else { return .malformed }
        let r = (31 - sum % 31) % 31
        return chars[17] == alphabet[r] ? .valid(code) : .wrongCheckDigit(expected: alphabet[r])
    }
}

extension CreditCode {
    /// `check` of an ASCII text: the same steps on bytes (half-width folding changes no ASCII;
    /// upper case is A–Z; the white space removed is the ASCII white space, every ASCII
    /// character being its own Character but CR LF, which is removed as one).
    static let alphabetBytes: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let alphabetValue: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, b) in alphabetBytes.enumerated() { table[Int(b)] = Int8(i) }
        return table
    }()

    static func checkASCII(_ text: String) -> Check {
        var code: [UInt8] = []
        code.reserveCapacity(18)
        for b in text.utf8 {
            if b == 0x20 || (0x09...0x0D).contains(b) { continue }
            code.append(b >= 0x61 && b <= 0x7A ? b - 32 : b)
            if code.count > 18 { return .malformed }
        }
        guard code.count == 18 else { return .malformed }
        var sum = 0
        for i in 0..<17 {
            let v = alphabetValue[Int(code[i])]
            guard v >= 0 else { return .malformed }
            sum += Int(v) * weights[i]
        }
        guard alphabetValue[Int(code[17])] >= 0 else { return .malformed }
        let r = (31 - sum % 31) % 31
        return code[17] == alphabetBytes[r] ? .valid(String(decoding: code, as: UTF8.self)) : .wrongCheckDigit(expected: alphabet[r])
    }
}
