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
        if (0x4E00...0x9FA5).contains(scalar.value) { return true }  // (GBK has every CJK ideograph of Unicode 1.1: asked of no iconv)
        return converts(Array(String(scalar).utf8), cd)
    }

    /// Whether the converter `cd` (from UTF-8) takes all of `utf8`, one character, from a
    /// fresh state.
    static func converts(_ utf8: [UInt8], _ cd: iconv_t) -> Bool {
        var input = utf8
        var out = [UInt8](repeating: 0, count: 8)
        return input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(i.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(o.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = i.count, outLeft = o.count
                _ = iconv(cd, nil, nil, nil, nil)  // (a fresh state for each character)
                return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1 && inLeft == 0
            }
        }
    }

    /// How a cell of a file that may have been saved in code page 936 reads against the
    /// archive's text `original` (helper-202 1, helper-204 1–2).
    enum Reading: Equatable {
        /// `saved` with its `?` runs given back the characters they stand for: each run of `?`
        /// is, in order, one of `original`'s runs of characters code page 936 cannot hold (one `?`
        /// per character throughout the cell, or one per UTF-16 unit throughout), between the same
        /// two characters of the text as that run is. Equal to `original` when only what was
        /// lost differs.
        case restored(String)
        /// Its `?` may stand for lost characters, but not so surely: the run moved, one was
        /// deleted or typed, or `original` has a `?` of its own. The archive's text is kept.
        case ambiguous
    }

    /// How `saved` reads against `original`; nil when `saved` has no `?`, equals `original`, or
    /// `original` has nothing code page 936 cannot hold (or this system cannot tell).
    static func reading(_ saved: String, from original: String) -> Reading? {
        guard saved != original, saved.utf8.contains(UInt8(ascii: "?")), !original.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
        guard let cd = iconv_open("CP936", "UTF-8"), Int(bitPattern: cd) != -1 else { return nil }
        defer { iconv_close(cd) }
        let o = Array(original.unicodeScalars), s = Array(saved.unicodeScalars)
        let lost = lostRuns(o, cd)
        guard !lost.isEmpty else { return nil }
        // The original itself as code page 936 saves it (each lost character a ?, or each of
        // its UTF-16 units): nothing was changed, wherever the runs stand (an export saved as GBK
        // and imported back unchanged was said to have its change to 已签约🎉 not made: helper-207 9).
        if masks(o, lost).contains(saved) { return .restored(original) }
        if o.contains("?") { return .ambiguous }
        var marks: [(start: Int, end: Int)] = []
        var i = 0
        while i < s.count {
            guard s[i] == "?" else { i += 1; continue }
            var j = i
            while j < s.count, s[j] == "?" { j += 1 }
            marks.append((i, j))
            i = j
        }
        guard marks.count == lost.count else { return .ambiguous }
        // One way of counting for the whole cell, as Excel counts (a ? typed beside an emoji read
        // as its second unit in one run and not in another: helper-205 2); the same character on
        // both sides of each run (one side gave 是否已签约? the tick of 已签约✓: helper-205 1).
        var perCharacter = true, perUnit = true
        for (x, q) in zip(lost, marks) {
            let n = q.end - q.start
            perCharacter = perCharacter && n == x.characters
            perUnit = perUnit && n == x.units
            let before = x.start > 0 && q.start > 0 && o[x.start - 1] == s[q.start - 1]
            let after = x.end < o.count && q.end < s.count && o[x.end] == s[q.end]
            guard before && after else { return .ambiguous }
        }
        guard perCharacter || perUnit else { return .ambiguous }
        var out = String.UnicodeScalarView()
        var at = 0
        for (x, q) in zip(lost, marks) {
            out.append(contentsOf: s[at..<q.start])
            out.append(contentsOf: o[x.start..<x.end])
            at = q.end
        }
        out.append(contentsOf: s[at...])
        return .restored(String(out))
    }

    /// The runs of `o`'s characters code page 936 cannot hold: where each starts and ends, and
    /// how many characters and UTF-16 units it has.
    private static func lostRuns(_ o: [Unicode.Scalar], _ cd: iconv_t) -> [(start: Int, end: Int, characters: Int, units: Int)] {
        var lost: [(start: Int, end: Int, characters: Int, units: Int)] = []
        var i = 0
        while i < o.count {
            guard !holds(o[i], cd) else { i += 1; continue }
            var j = i, units = 0
            while j < o.count, !holds(o[j], cd) { units += o[j].utf16.count; j += 1 }
            lost.append((i, j, j - i, units))
            i = j
        }
        return lost
    }

    /// `o` as code page 936 saves it: each lost character a `?`, or each of its UTF-16 units
    /// (both ways Excel has been seen to count), in that order; one when they are the same.
    private static func masks(_ o: [Unicode.Scalar], _ lost: [(start: Int, end: Int, characters: Int, units: Int)]) -> [String] {
        var out: [String] = []
        for perUnit in [false, true] {
            var masked = String.UnicodeScalarView()
            var k = 0
            for x in lost {
                masked.append(contentsOf: o[k..<x.start])
                masked.append(contentsOf: repeatElement("?", count: perUnit ? x.units : x.characters))
                k = x.end
            }
            masked.append(contentsOf: o[k...])
            let text = String(masked)
            if !out.contains(text) { out.append(text) }
        }
        return out
    }

    /// `text` as code page 936 would save it (`masks`), when it has characters that code page
    /// lacks; empty when it has none (or this system cannot tell). What a name of the archive is
    /// looked for by when a GBK file's name has `?` (Bj?rn AB for Björn AB was a new customer).
    static func masks(of text: String) -> [String] {
        guard !text.unicodeScalars.allSatisfy(\.isASCII) else { return [] }
        guard let cd = iconv_open("CP936", "UTF-8"), Int(bitPattern: cd) != -1 else { return [] }
        defer { iconv_close(cd) }
        let o = Array(text.unicodeScalars)
        let lost = lostRuns(o, cd)
        return lost.isEmpty ? [] : masks(o, lost)
    }
}
