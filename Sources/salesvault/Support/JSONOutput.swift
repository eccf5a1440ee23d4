import Foundation

/// Machine-readable output (JSON.md §2): UTF-8 on standard output, pretty-printed, keys sorted,
/// `/` not escaped, one final newline.
enum JSONOutput {
    /// The version of the shapes JSON.md specifies (§1), printed as `jsonVersion` in the report
    /// objects of §6 (`status`, `compliance`, `escrow list`).
    static let version = 1

    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A report object of JSON.md §6: the value's own keys and `jsonVersion`.
    static func printReport<T: Encodable>(_ value: T) throws {
        try print(Versioned(value: value))
    }

    private struct Versioned<T: Encodable>: Encodable {
        let value: T
        enum Key: String, CodingKey { case jsonVersion }
        func encode(to encoder: Encoder) throws {
            try value.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(JSONOutput.version, forKey: .jsonVersion)
        }
    }
}
