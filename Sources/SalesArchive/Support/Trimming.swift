import Foundation
import VaultFormat

extension String {
    /// The text without white space or line breaks at either end, as
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives it, without the round trip through
    /// Foundation when there is nothing to trim (every cell of an import goes through here).
    public var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        if !first.isTrimmedByFoundation && !last.isTrimmedByFoundation { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text without spaces and tabs at either end, as `trimmingCharacters(in: .whitespaces)`
    /// gives it (general category Zs and U+0009), without Foundation when there is nothing to trim.
    public var trimmedSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        // Foundation's `whitespaces` is within its `whitespacesAndNewlines`.
        if !first.isTrimmedByFoundation && !last.isTrimmedByFoundation { return self }
        return trimmingCharacters(in: .whitespaces)
    }

    /// `filter { !$0.isWhitespace }` (characters whose first scalar is White_Space removed), without
    /// walking grapheme clusters when the text has no white space at all (the common case).
    public var removingWhitespaceCharacters: String {
        if !unicodeScalars.contains(where: { $0.isWhiteSpaceFast }) { return self }
        return filter { !$0.isWhitespace }
    }
}

extension Unicode.Scalar {
    /// Whether Foundation's `whitespacesAndNewlines` holds the scalar: White_Space and, in
    /// Foundation's tables, the zero-width space U+200B (checked over every scalar by
    /// ImportFastPathTests).
    @inline(__always)
    var isTrimmedByFoundation: Bool { isWhiteSpaceFast || value == 0x200B }
}
