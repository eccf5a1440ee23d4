/// One customer, contact, project, contact-log entry or complaint: its current field values.
public struct Entity: Sendable {
    public let kind: EntityKind
    public let id: UInt64
    public internal(set) var createdAt: Int64
    public internal(set) var createdBy: String
    public internal(set) var updatedAt: Int64
    public internal(set) var removed = false
    /// Values indexed by field number (RECORDS.md §4); compact for a million entries.
    var values: ContiguousArray<FieldValue?>

    init(kind: EntityKind, id: UInt64, at: Int64, by: String) {
        self.kind = kind
        self.id = id
        createdAt = at
        createdBy = by
        updatedAt = at
        values = ContiguousArray(repeating: nil, count: Schema.fields(kind).count + 1)
    }

    public subscript(number number: UInt8) -> FieldValue? {
        get { Int(number) < values.count ? values[Int(number)] : nil }
        set { if Int(number) < values.count { values[Int(number)] = newValue } }
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
        }
    }
}
