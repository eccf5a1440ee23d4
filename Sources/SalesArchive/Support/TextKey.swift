import Foundation

/// A text as a key of hash tables of names (the import's company keys and log entries, a
/// draft's customer names): compared and hashed by its bytes in Unicode normalization form C. Two texts are the same key exactly when they are
/// equal as Swift `String`s (canonical equivalence), but a comparison is a `memcmp`: a table of
/// a million keys of Chinese text compared `String`s through the normalising path at every
/// probe of every lookup. Text of ASCII, CJK ideographs (U+4E00–U+9FFF), CJK punctuation and
/// full-width forms is in form C as it is (none of these decomposes or combines); other text is
/// normalised first, as the standard library normalises for `==`.
public struct TextKey: Hashable, Sendable {
    public let text: String
    /// The hash of the bytes, computed once: a table compares it before the bytes (a probe
    /// that meets other keys then reads none of their text).
    public let bytesHash: Int

    public init(_ s: String) {
        var inert = true
        for scalar in s.unicodeScalars where !Self.isInert(scalar.value) {
            inert = false
            break
        }
        // Normalised by the standard library's own NFC (`_nfcCodeUnits`: the code units its
        // `==` and hashing compare), not Foundation's: ICU's Unicode version can differ from the
        // standard library's (Unicode 16's Tulu-Tigalari and Kirat Rai compositions), and a key
        // must be equal exactly when the Strings are.
        var t = inert ? s : String(decoding: s._nfcCodeUnits, as: UTF8.self)
        t.makeContiguousUTF8()
        text = t
        bytesHash = hashOfBytes(t)
    }

    /// Characters that are in normalization form C in any text (NFC_QC = Yes, combining class 0,
    /// no canonical decomposition, never the second of a composition).
    @inline(__always)
    static func isInert(_ v: UInt32) -> Bool {
        v < 0x80 || (0x4E00...0x9FFF).contains(v) || (0x3000...0x3029).contains(v) || (0x3030...0x303F).contains(v)
            || (0xFF01...0xFF5E).contains(v) || (0x2010...0x2027).contains(v)
    }

    public static func == (a: TextKey, b: TextKey) -> Bool { a.bytesHash == b.bytesHash && sameBytes(a.text, b.text) }

    public func hash(into hasher: inout Hasher) { hasher.combine(bytesHash) }
}

/// A text as a key compared and hashed by its exact bytes (not by canonical equivalence, as
/// `String`s and `TextKey`s compare): for tables that remember what was read from a text, where
/// each spelling of a text must be read itself.
public struct ExactText: Hashable, Sendable {
    public let text: String
    /// As `TextKey.bytesHash`.
    let bytesHash: Int

    public init(_ text: String) {
        var t = text
        t.makeContiguousUTF8()
        self.text = t
        bytesHash = hashOfBytes(t)
    }

    public static func == (a: ExactText, b: ExactText) -> Bool { a.bytesHash == b.bytesHash && sameBytes(a.text, b.text) }

    public func hash(into hasher: inout Hasher) { hasher.combine(bytesHash) }
}

/// The hash of a contiguous UTF-8 string's bytes (with this process's seed).
@inline(__always)
func hashOfBytes(_ s: String) -> Int {
    var hasher = Hasher()
    s.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }!
    return hasher.finalize()
}

/// Whether two contiguous UTF-8 strings hold the same bytes (one `memcmp`).
@inline(__always)
func sameBytes(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && a.utf8.withContiguousStorageIfAvailable { x in
        b.utf8.withContiguousStorageIfAvailable { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }!
    }!
}
