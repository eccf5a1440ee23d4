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
