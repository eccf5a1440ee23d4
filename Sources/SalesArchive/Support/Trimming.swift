import Foundation
import VaultFormat

extension String {
    /// The text without white space or line breaks at either end, as
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives it, without the round trip through
    /// Foundation when there is nothing to trim (every cell of an import goes through here).
    public var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        // White_Space (isWhiteSpaceFast) is exactly Foundation's whitespacesAndNewlines
        // (general category Z*, U+0009–U+000D, U+0085).
        if !first.isWhiteSpaceFast && !last.isWhiteSpaceFast { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text without spaces and tabs at either end, as `trimmingCharacters(in: .whitespaces)`
    /// gives it (general category Zs and U+0009), without Foundation when there is nothing to trim.
    public var trimmedSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        // Zs and the tab are White_Space; a first and last scalar that are not need no trimming.
        if !first.isWhiteSpaceFast && !last.isWhiteSpaceFast { return self }
        return trimmingCharacters(in: .whitespaces)
    }

    /// `filter { !$0.isWhitespace }` (characters whose first scalar is White_Space removed), without
    /// walking grapheme clusters when the text has no white space at all (the common case).
    public var removingWhitespaceCharacters: String {
        if !unicodeScalars.contains(where: { $0.isWhiteSpaceFast }) { return self }
        return filter { !$0.isWhitespace }
    }
}
