/// A text as a key of hash tables of names (the import's company keys and log entries, a
/// draft's customer names): compared and hashed by its bytes in Unicode normalization form C. Two texts are the same key exactly when they are
/// equal as Swift `String`s (canonical equivalence), but a comparison is a `memcmp`: a table of
/// a million keys of Chinese text compared `String`s through the normalising path at every
/// probe of every lookup. Text of ASCII, CJK ideographs (U+4E00–U+9FFF), CJK punctuation and
/// full-width forms is in form C as it is (none of these decomposes or combines); other text is
/// normalised first, as the standard library normalises for `==`.
public struct TextKey: Hashable, Sendable {
    public let text: String

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
    }

    /// Characters that are in normalization form C in any text (NFC_QC = Yes, combining class 0,
    /// no canonical decomposition, never the second of a composition).
    @inline(__always)
    static func isInert(_ v: UInt32) -> Bool {
        v < 0x80 || (0x4E00...0x9FFF).contains(v) || (0x3000...0x3029).contains(v) || (0x3030...0x303F).contains(v)
            || (0xFF01...0xFF5E).contains(v) || (0x2010...0x2027).contains(v)
    }

    public static func == (a: TextKey, b: TextKey) -> Bool {
        a.text.utf8.count == b.text.utf8.count && a.text.utf8.withContiguousStorageIfAvailable { x in
            b.text.utf8.withContiguousStorageIfAvailable { y in x.elementsEqual(y) }!
        }!
    }

    public func hash(into hasher: inout Hasher) {
        text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }!
    }
}
