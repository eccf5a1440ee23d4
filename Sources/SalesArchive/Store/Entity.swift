/// One customer, contact, project, contact-log entry or complaint: its current field values.
public struct Entity: Sendable {
    public let kind: EntityKind
    public let id: UInt64
    public internal(set) var createdAt: Int64
    public internal(set) var createdBy: String
    public internal(set) var updatedAt: Int64
    public internal(set) var removed = false
    /// Only the fields that are set, as (number, value) pairs: most records set a few of their
    /// fields, and a million contact-log entries must fit in memory (RECORDS.md §5).
    var values: ContiguousArray<(UInt8, FieldValue)> = []

    init(kind: EntityKind, id: UInt64, at: Int64, by: String) {
        self.kind = kind
        self.id = id
        createdAt = at
        createdBy = by
        updatedAt = at
    }

    public subscript(number number: UInt8) -> FieldValue? {
        get {
            for (n, v) in values where n == number { return v }
            return nil
        }
        set {
            if let i = values.firstIndex(where: { $0.0 == number }) {
                if let newValue { values[i].1 = newValue } else { values.remove(at: i) }
            } else if let newValue {
                values.append((number, newValue))
            }
        }
    }

    public subscript(key: String) -> FieldValue? {
        Schema.field(kind, key: key).flatMap { self[number: $0.number] }
    }

    /// The short stable id shown to users: C12, R3, P7, L40, T2.
    public var shortID: String { kind.idPrefix + String(id) }

    /// The name users know it by.
    public var displayName: String {
        switch kind {
        case .customer, .contact, .project: return self["name"]?.text ?? shortID
        case .activity: return self["summary"]?.text ?? shortID
        case .complaint: return self["number"]?.text ?? shortID
        case .escrowUse: return self["action"]?.text ?? shortID
        }
    }
}
