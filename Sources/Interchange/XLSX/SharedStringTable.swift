import Foundation

/// The shared string table being built: each distinct text once.
struct SharedStringTable {
    private var index: [String: Int] = [:]
    private var ordered: [String] = []
    private(set) var references = 0

    var isEmpty: Bool { ordered.isEmpty }

    mutating func add(_ s: String) -> Int {
        references += 1
        if let i = index[s] { return i }
        index[s] = ordered.count
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
