import Foundation

/// The shared string table being built: each distinct text once. Texts are compared as their
/// UTF-8 bytes, not as Swift strings (which would hash every Chinese text through Unicode
/// normalisation, the writer's hottest path, and would merge a precomposed and a decomposed
/// spelling into one cell value).
struct SharedStringTable {
    private struct Key: Hashable {
        let text: String
        static func == (a: Key, b: Key) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
        func hash(into hasher: inout Hasher) {
            var t = text
            t.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    private var index: [Key: Int] = [:]
    private var ordered: [String] = []
    private(set) var references = 0

    var isEmpty: Bool { ordered.isEmpty }

    /// Room for about `count` distinct texts without growing the table.
    mutating func reserve(_ count: Int) {
        index.reserveCapacity(count)
        ordered.reserveCapacity(count)
    }

    mutating func add(_ s: String) -> Int {
        references += 1
        let key = Key(text: s)
        if let i = index[key] { return i }
        index[key] = ordered.count
        ordered.append(s)
        return ordered.count - 1
    }

    func xml() -> Data {
        var x = XMLBuffer()
        x.raw(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n")
        x.raw(#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count=""#)
        x.raw("\(references)\" uniqueCount=\"\(ordered.count)\">")
        for s in ordered {
            x.raw("<si>")
            x.textElement("t", s)
            x.raw("</si>")
        }
        x.raw("</sst>")
        return x.data
    }
}
