import Foundation

/// The shared string table being built: each distinct text once, numbered in order of first use.
///
/// Texts are compared as their UTF-8 bytes, not as Swift strings (which would compare every
/// Chinese text through Unicode normalisation, and would merge a precomposed and a decomposed
/// spelling into one cell value). The table is open addressing over hashes the caller may
/// compute beforehand (`hash(_:)`, on several threads: the writer's plan does), so that adding
/// is a probe and, for a repeated text, one byte comparison.
struct SharedStringTable: Sendable {
    private var ordered: [String] = []
    private var hashes: [Int] = []
    /// Index into `ordered`, or -1; a power-of-two count, at most half full.
    private var slots = [Int32](repeating: -1, count: 1 << 10)
    private(set) var references = 0

    var isEmpty: Bool { ordered.isEmpty }

    /// Room for about `count` distinct texts without growing the table.
    mutating func reserve(_ count: Int) {
        ordered.reserveCapacity(count)
        hashes.reserveCapacity(count)
        var size = slots.count
        while size < 2 * count { size <<= 1 }
        if size > slots.count { rehash(size) }
    }

    /// The hash `add` expects for `s` (the same within one process; thread-safe).
    static func hash(_ s: String) -> Int {
        var hasher = Hasher()
        var t = s
        t.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        return hasher.finalize()
    }

    /// The index of `s`, added if new. `hash` must be `hash(s)`.
    mutating func add(_ s: String, hash: Int) -> Int {
        references += 1
        let mask = slots.count - 1
        var i = hash & mask
        while true {
            let slot = Int(slots[i])
            if slot < 0 { break }
            if hashes[slot] == hash && Self.sameBytes(ordered[slot], s) { return slot }
            i = (i + 1) & mask
        }
        let index = ordered.count
        slots[i] = Int32(truncatingIfNeeded: index)
        ordered.append(s)
        hashes.append(hash)
        if 2 * ordered.count > slots.count { rehash(slots.count << 1) }
        return index
    }

    mutating func add(_ s: String) -> Int { add(s, hash: Self.hash(s)) }

    private mutating func rehash(_ size: Int) {
        slots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for (index, hash) in hashes.enumerated() {
            var i = hash & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(truncatingIfNeeded: index)
        }
    }

    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
    }

    var count: Int { ordered.count }

    /// The start of the part, before the `<si>` items.
    func xmlHead() -> [UInt8] {
        var x = XMLBuffer(capacity: 256)
        x.raw(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n")
        x.raw(#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count=""#)
        x.raw("\(references)\" uniqueCount=\"\(ordered.count)\">")
        return x.bytes
    }

    /// The `<si>` items of the texts in `range` (they can be written on several threads).
    func xmlItems(_ range: Range<Int>) -> [UInt8] {
        var x = XMLBuffer(capacity: range.count * 48)
        for s in ordered[range] {
            x.raw("<si>")
            x.textElement("t", s)
            x.raw("</si>")
        }
        return x.bytes
    }

    static let xmlTail = Array("</sst>".utf8)

    func xml() -> Data {
        Data(xmlHead() + xmlItems(0..<ordered.count) + Self.xmlTail)
    }
}
