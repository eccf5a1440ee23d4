/// age's ASCII armor (c2sp.org/age, "ASCII armor"; Docs/AGE.md §5): RFC 7468 strict PEM with
/// the label `AGE ENCRYPTED FILE`, padded base64 in lines of exactly 64 columns, the last line
/// shorter or equal. Decoding accepts whitespace before and after the block and LF or CRLF line
/// ends (the same one throughout), and nothing else: no headers, no blank lines, no spaces in
/// lines, canonical base64 only.
public enum AgeArmor {
    static let begin = Array("-----BEGIN AGE ENCRYPTED FILE-----".utf8)
    static let end = Array("-----END AGE ENCRYPTED FILE-----".utf8)
    static let columns = 64
    /// Whitespace allowed around the block: space, tab, CR, LF.
    static let outside: Set<UInt8> = [0x20, 0x09, 0x0D, 0x0A]

    /// The armored form, LF line ends and a final LF.
    public static func encode(_ file: [UInt8]) -> [UInt8] {
        let text = Array(Base64.encodePadded(file).utf8)
        var out = begin + [0x0A]
        var i = 0
        while i < text.count {
            let j = min(i + columns, text.count)
            out += text[i..<j] + [0x0A]
            i = j
        }
        return out + end + [0x0A]
    }

    /// Whether `bytes` look armored: the begin line after optional leading whitespace.
    public static func isArmored(_ bytes: [UInt8]) -> Bool {
        bytes.drop(while: { outside.contains($0) }).starts(with: begin)
    }

    /// The binary age file inside the armor.
    public static func decode(_ bytes: [UInt8]) throws(AgeFile.Failure) -> [UInt8] {
        let trimmed = bytes.drop(while: { outside.contains($0) })
        guard trimmed.starts(with: begin) else { throw .notAgeFile }
        // Whatever follows the END line must be whitespace; the END line must be there.
        // Searched after the BEGIN line: its dashes must not serve as the END line's too.
        guard let endAt = find(end, in: trimmed[(trimmed.startIndex + begin.count)...]) else { throw .armorMissingEnd }
        guard trimmed[(endAt + end.count)...].allSatisfy({ outside.contains($0) }) else { throw .armorTrailingData }
        let block = trimmed[(trimmed.startIndex + begin.count)..<endAt]
        // The begin line ends in LF or CRLF; so does every base64 line, the same way.
        let crlf = block.starts(with: [0x0D, 0x0A])
        guard crlf || block.first == 0x0A else { throw .armorMalformedLine }
        let eol: [UInt8] = crlf ? [0x0D, 0x0A] : [0x0A]
        var lines: [ArraySlice<UInt8>] = []
        var rest = block.dropFirst(eol.count)
        while !rest.isEmpty {
            guard let lf = rest.firstIndex(of: 0x0A) else { throw .armorMalformedLine }  // END not on its own line
            var l = rest[..<lf]
            if crlf {
                guard l.last == 0x0D else { throw .armorMalformedLine }
                l = l.dropLast()
            }
            guard !l.contains(0x0D) else { throw .armorMalformedLine }
            lines.append(l)
            rest = rest[(lf + 1)...]
        }
        // strictbase64text: full lines of 64 columns, then one line of 1 to 64 columns.
        guard let last = lines.last, !last.isEmpty, last.count <= columns,
              lines.dropLast().allSatisfy({ $0.count == columns })
        else { throw .armorMalformedLine }
        let text = lines.flatMap { $0 }
        guard text.allSatisfy({ Base64.reverse[Int($0)] >= 0 || $0 == UInt8(ascii: "=") }) else { throw .armorMalformedLine }
        guard let file = Base64.decodePadded(text) else { throw .armorNonCanonicalBase64 }
        return file
    }

    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
