import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Windows' code page 936 (GBK): what Excel on Simplified-Chinese Windows saves a "CSV (逗号分隔)"
/// in. A character it cannot hold (an emoji, ¥, ©, a zero-width joiner, a rare character such as
/// 𠮷) is saved as `?`, without a word. An archive's record exported as GB18030, opened and saved
/// again in Excel, comes back with `?` in its place (helper-201 5: an import with
/// `--on-duplicate update` wrote 客户很满意 ? 预算 ?300万 over 客户很满意 😀 预算 ¥300万).
enum CodePage936 {
    /// Whether code page 936, as glibc's iconv knows it (CP936), has `scalar`.
    static func holds(_ scalar: Unicode.Scalar, _ cd: iconv_t) -> Bool {
        if scalar.isASCII { return true }
        var utf8 = Array(String(scalar).utf8)
        var out = [UInt8](repeating: 0, count: 8)
        return utf8.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(i.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(o.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = i.count, outLeft = o.count
                _ = iconv(cd, nil, nil, nil, nil)  // (a fresh state for each character)
                return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1 && inLeft == 0
            }
        }
    }

    /// Whether `saved` is `original` as code page 936 saves it: each run of characters it cannot
    /// hold written as one or more `?` (one per character, or per UTF-16 unit, as Windows does for
    /// an emoji), and nothing else different. False when `original` has no such character, when
    /// the two are equal, or when this system cannot convert to CP936.
    static func isLossyCopy(_ saved: String, of original: String) -> Bool {
        guard saved != original, saved.utf8.contains(UInt8(ascii: "?")), !original.unicodeScalars.allSatisfy(\.isASCII) else { return false }
        guard let cd = iconv_open("CP936", "UTF-8"), Int(bitPattern: cd) != -1 else { return false }
        defer { iconv_close(cd) }
        // The original as a pattern: what code page 936 holds as it is, each run of what it
        // cannot hold as `\?+`.
        var pattern = "^", kept = "", lost = false, inRun = false
        for scalar in original.unicodeScalars {
            if holds(scalar, cd) {
                kept.unicodeScalars.append(scalar)
                inRun = false
            } else {
                lost = true
                if !inRun {
                    pattern += NSRegularExpression.escapedPattern(for: kept) + #"\?+"#
                    kept = ""
                    inRun = true
                }
            }
        }
        guard lost else { return false }
        pattern += NSRegularExpression.escapedPattern(for: kept) + "$"
        return saved.range(of: pattern, options: .regularExpression) != nil
    }
}
