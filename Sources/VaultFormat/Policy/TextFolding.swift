extension Unicode.Scalar {
    /// The ASCII form of a full-width ASCII character (U+FF01–U+FF5E, what Chinese input methods
    /// type in full-width mode: ２０２６／３／５, ＡＢＣ), and the ideographic space U+3000 as a
    /// space; any other scalar unchanged. One definition for every place that reads typed text
    /// (passwords, dates, vocabularies, company names, imported cells).
    public var asciiForm: Unicode.Scalar {
        if (0xFF01...0xFF5E).contains(value) { return Unicode.Scalar(value - 0xFEE0)! }  // in the ASCII range by construction
        if value == 0x3000 { return " " }
        return self
    }
}

extension Unicode.Scalar {
    /// `properties.isWhitespace` (Unicode's White_Space property) without the property-table
    /// lookup: the property is a fixed, stable list of 25 code points (PropList.txt), so this is
    /// the same answer for every scalar, in a few comparisons (the import's hot paths ask it
    /// for every character of every cell).
    @inline(__always)
    public var isWhiteSpaceFast: Bool {
        let v = value
        if v < 0x80 { return v == 0x20 || (0x09...0x0D).contains(v) }
        if v < 0x1680 { return v == 0x85 || v == 0xA0 }
        return v == 0x1680 || (0x2000...0x200A).contains(v) || v == 0x2028 || v == 0x2029 || v == 0x202F || v == 0x205F || v == 0x3000
    }

    /// A CJK unified ideograph of the basic block (U+4E00–U+9FEF, all assigned since Unicode
    /// 11): a letter (Lo) with no case mapping, no white space, no punctuation, never changed by
    /// `asciiForm`. Folding loops take these as they are without asking the property tables.
    @inline(__always)
    public var isBasicCJKIdeograph: Bool { (0x4E00...0x9FEF).contains(value) }
}
