/// A field's value in the customer archive. Dates are days since 1970-01-01 (`day`); instants are
/// seconds (`int`). Absent values are `nil` at the use site.
public enum FieldValue: Equatable, Hashable, Sendable {
    case text(String)
    case int(Int64)
    case day(Int32)
    case ref(UInt64)
    case refs([UInt64])
    case flag(Bool)
    /// An amount and its currency (RECORDS.md §2 value type 8). Boxed: a value is then 17
    /// bytes, not 25 (amounts are few; texts, instants and references are most values).
    indirect case money(Money)

    public var text: String? { if case .text(let s) = self { return s } else { return nil } }
    public var int: Int64? { if case .int(let v) = self { return v } else { return nil } }
    public var day: Int32? { if case .day(let v) = self { return v } else { return nil } }
    public var ref: UInt64? { if case .ref(let v) = self { return v } else { return nil } }
    public var refs: [UInt64] {
        switch self {
        case .refs(let v): return v
        case .ref(let v): return [v]
        default: return []
        }
    }
    public var flag: Bool? { if case .flag(let v) = self { return v } else { return nil } }
    public var money: Money? { if case .money(let v) = self { return v } else { return nil } }
}
