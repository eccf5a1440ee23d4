import Foundation

/// JSON as SalesVault writes it (Docs/JSON.md): keys sorted by Unicode code point, `/` not
/// escaped, pretty-printed unless asked otherwise, written by `JSONEncoder`. The bytes are
/// those `JSONSerialization` writes with the same options, but for the order of keys that
/// differ in case, digits or punctuation: on Linux, `JSONSerialization` sorts keys with
/// NSString's locale-aware comparison (ICU collation; `a9` before `a10`), and a JSON export of
/// 100,000 customers took 22 s that way (2.5 s this way; PERFORMANCE.md).
public enum SortedJSON {
    /// `object` (dictionaries with string keys, arrays, strings, integers, booleans, doubles,
    /// NSNull, as `JSONSerialization` takes them) as JSON text.
    public static func data(_ object: Any, pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        guard let value = Value(object) else {
            // (A value of another type, such as an NSNumber read back from JSON: written as
            // JSONSerialization writes it, slowly but the same.)
            return try JSONSerialization.data(withJSONObject: object, options: pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes])
        }
        return try encoder.encode(value)
    }

    /// A JSON value, what `JSONEncoder` writes.
    enum Value: Encodable {
        case text(String), integer(Int64), unsigned(UInt64), number(Double), flag(Bool), null
        case array([Value]), object([String: Value])

        /// `any` as a JSON value; nil for a type this does not know. Numbers and booleans by
        /// their exact type: an NSNumber would also cast to Bool and to Int (1 as true).
        init?(_ any: Any) {
            let type = Swift.type(of: any)
            if type == String.self { self = .text(any as! String); return }
            if type == Bool.self { self = .flag(any as! Bool); return }
            if type == Int.self { self = .integer(Int64(any as! Int)); return }
            if type == Int64.self { self = .integer(any as! Int64); return }
            if type == Int32.self { self = .integer(Int64(any as! Int32)); return }
            if type == UInt64.self { self = .unsigned(any as! UInt64); return }
            if type == UInt32.self { self = .integer(Int64(any as! UInt32)); return }
            if type == Double.self, (any as! Double).isFinite { self = .number(any as! Double); return }
            if type == NSNull.self { self = .null; return }
            switch any {
            case let a as [Any]:
                var out: [Value] = []
                out.reserveCapacity(a.count)
                for element in a {
                    guard let v = Value(element) else { return nil }
                    out.append(v)
                }
                self = .array(out)
            case let o as [String: Any]:
                var out: [String: Value] = [:]
                out.reserveCapacity(o.count)
                for (key, element) in o {
                    guard let v = Value(element) else { return nil }
                    out[key] = v
                }
                self = .object(out)
            default: return nil
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: Encoder) throws {
            switch self {
            case .text(let s): var c = encoder.singleValueContainer(); try c.encode(s)
            case .integer(let i): var c = encoder.singleValueContainer(); try c.encode(i)
            case .unsigned(let u): var c = encoder.singleValueContainer(); try c.encode(u)
            case .number(let d): var c = encoder.singleValueContainer(); try c.encode(d)
            case .flag(let b): var c = encoder.singleValueContainer(); try c.encode(b)
            case .null: var c = encoder.singleValueContainer(); try c.encodeNil()
            case .array(let a):
                var c = encoder.unkeyedContainer()
                for v in a { try c.encode(v) }
            case .object(let o):
                var c = encoder.container(keyedBy: Key.self)
                for (k, v) in o { try c.encode(v, forKey: Key(stringValue: k)) }
            }
        }
    }
}
