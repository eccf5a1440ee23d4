import Foundation

/// Excel's rules for sheet names, applied without failing.
enum SheetNames {
    static let maxLength = 31

    static func sanitize(_ names: [String]) -> [String] {
        var used = Set<String>()
        var result: [String] = []
        for (index, original) in names.enumerated() {
            var name = String(original.map { "[]:*?/\\".contains($0) ? "_" : $0 })
            name = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0xFFFE && $0.value != 0xFFFF })
            while name.hasPrefix("'") { name.removeFirst() }
            while name.hasSuffix("'") { name.removeLast() }
            name = name.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || name.lowercased() == "history" { name = name.isEmpty ? "Sheet\(index + 1)" : name + "_" }
            name = cut(name, to: maxLength)
            var candidate = name
            var counter = 2
            while used.contains(candidate.lowercased()) {
                let suffix = " (\(counter))"
                candidate = cut(name, to: maxLength - suffix.utf16.count) + suffix
                counter += 1
            }
            used.insert(candidate.lowercased())
            result.append(candidate)
        }
        return result
    }

    /// The longest prefix of whole characters within `limit` UTF-16 units (Excel counts those).
    static func cut(_ s: String, to limit: Int) -> String {
        var out = ""
        var count = 0
        for ch in s {
            let n = String(ch).utf16.count
            if count + n > limit { break }
            out.append(ch)
            count += n
        }
        return out
    }
}
