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

    /// `saved` with each `?` run that stands where `original` has characters code page 936
    /// cannot hold given those characters back, the rest of `saved` as it is: a cell edited in
    /// Excel and saved as GBK (300万 made 500万 beside an emoji: the emoji became ?, and the edit
    /// wrote it over: helper-202 1). The two are aligned by their longest common subsequence
    /// (Myers' difference), each lost run of `original` counted as one `?` (more ? beside it are
    /// part of it). Nil when no `?` of `saved` stands for lost characters, or the texts are too
    /// long to align (64 KiB). Equal to `original` when only what was lost differs.
    static func restoringLost(_ saved: String, from original: String) -> String? {
        guard saved != original, saved.utf8.contains(UInt8(ascii: "?")), !original.unicodeScalars.allSatisfy(\.isASCII),
              saved.utf8.count <= 65_536, original.utf8.count <= 65_536 else { return nil }
        guard let cd = iconv_open("CP936", "UTF-8"), Int(bitPattern: cd) != -1 else { return nil }
        defer { iconv_close(cd) }
        // The original: each run of what code page 936 cannot hold as one ?, with the run kept.
        var before: [Unicode.Scalar] = [], lost: [Int: String] = [:], run = ""
        for scalar in original.unicodeScalars {
            if holds(scalar, cd) {
                if !run.isEmpty { lost[before.count] = run; before.append("?"); run = "" }
                before.append(scalar)
            } else {
                run.unicodeScalars.append(scalar)
            }
        }
        if !run.isEmpty { lost[before.count] = run; before.append("?") }
        guard !lost.isEmpty else { return nil }
        let after = Array(saved.unicodeScalars)
        let difference = after.difference(from: before)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // Kept elements pair up in order: the i-th kept of `before` is the i-th kept of `after`.
        let keptBefore = before.indices.filter { !removed.contains($0) }
        let keptAfter = after.indices.filter { !inserted.contains($0) }
        var restore: [Int: String] = [:]
        for (b, a) in zip(keptBefore, keptAfter) where before[b] == "?" {
            if let run = lost[b] { restore[a] = run }
        }
        // A lost character may be saved as more than one ? (one per UTF-16 unit, as Windows
        // writes an emoji): the ? inserted beside a restored one are part of it.
        var absorbed = Set<Int>()
        for a in restore.keys {
            var i = a + 1
            while i < after.count, after[i] == "?", inserted.contains(i), restore[i] == nil { absorbed.insert(i); i += 1 }
            i = a - 1
            while i >= 0, after[i] == "?", inserted.contains(i), restore[i] == nil { absorbed.insert(i); i -= 1 }
        }
        guard !restore.isEmpty else { return nil }
        var out = ""
        for (i, scalar) in after.enumerated() where !absorbed.contains(i) {
            if let run = restore[i] { out += run } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
