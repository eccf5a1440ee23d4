/// Names of the records of a draft, indexed so that a change set of thousands of operations
/// looks names up in constant time (not by scanning every record for each operation). Built per
/// kind on first use from the draft's state, then kept current with each staged event.
struct NameIndex {
    /// Per kind: lower-cased name, short name, code or number → live record ids.
    private var exact: [EntityKind: [String: Set<UInt64>]] = [:]
    /// Customers by normalized name (no spaces, bracket width folded) → id, for duplicates.
    /// (Keyed by `TextKey`: compared by bytes, not through Unicode normalisation at every probe.)
    private var customerNames: [TextKey: UInt64]?
    /// Customers by the company key (`CompanyName.key`) of their name, short name and each
    /// alias → ids, for short names and aliases that would name two customers. (Entries of
    /// names a record no longer has may remain: a caller checks the record itself.)
    private var companyKeys: [TextKey: Set<UInt64>]?

    /// How many records a change set may add (its operation count), so the tables are built
    /// with room for them instead of growing step by step.
    var capacityHint = 0

    /// Whether `update` keeps anything of `kind` (an index not built yet needs no updates).
    @inline(__always)
    func tracks(_ kind: EntityKind) -> Bool {
        exact[kind] != nil || (kind == .customer && (customerNames != nil || companyKeys != nil))
    }

    /// The fields a record is looked up by, per kind.
    static func nameFields(_ kind: EntityKind) -> [UInt8] {
        ["name", "shortName", "code", "number"].compactMap { Schema.field(kind, key: $0)?.number }
    }

    mutating func ids(_ kind: EntityKind, named folded: String, in state: ArchiveState) -> Set<UInt64> {
        if exact[kind] == nil { build(kind, state) }
        return exact[kind]?[folded] ?? []
    }

    mutating func customer(normalized name: String, in state: ArchiveState) -> UInt64? {
        if customerNames == nil {
            var names: [TextKey: UInt64] = [:]
            names.reserveCapacity(state.count(.customer) + capacityHint)
            state.each(.customer) { e in names[TextKey(ChangeDraft.normalizedName(e["name"]?.text ?? ""))] = e.id }
            customerNames = names
        }
        return customerNames?[TextKey(name)]
    }

    /// The customers one of whose names (name, short name, alias) has the company key `key`,
    /// as far as the index knows (stale entries included; see `companyKeys`).
    mutating func customers(companyKey key: String, in state: ArchiveState) -> Set<UInt64> {
        if companyKeys == nil {
            var table: [TextKey: Set<UInt64>] = [:]
            table.reserveCapacity(state.count(.customer))
            state.each(.customer) { e in for k in Self.companyKeys(of: e) { table[k, default: []].insert(e.id) } }
            companyKeys = table
        }
        return companyKeys?[TextKey(key)] ?? []
    }

    /// The company keys of a customer's name, short name and aliases.
    static func companyKeys(of e: Entity) -> [TextKey] {
        ([e["name"]?.text].compactMap { $0 } + e.otherNames).map { TextKey(CompanyName.key($0)) }
    }

    private mutating func build(_ kind: EntityKind, _ state: ArchiveState) {
        var table: [String: Set<UInt64>] = [:]
        let fields = Self.nameFields(kind)
        state.each(kind) { e in
            for f in fields { if let t = e[number: f]?.text { table[t.lowercased(), default: []].insert(e.id) } }
        }
        exact[kind] = table
    }

    /// Keeps the built tables current: `before` and `after` are the record around one event.
    mutating func update(_ kind: EntityKind, before: Entity?, after: Entity?) {
        let live = { (e: Entity?) -> Entity? in e.flatMap { $0.removed ? nil : $0 } }
        let (old, new) = (live(before), live(after))
        if exact[kind] != nil {
            for f in Self.nameFields(kind) {
                let o = old?[number: f]?.text?.lowercased()
                let n = new?[number: f]?.text?.lowercased()
                guard o != n else { continue }
                if let o, let id = old?.id { exact[kind]![o]?.remove(id) }
                if let n, let id = new?.id { exact[kind]![n, default: []].insert(id) }
            }
        }
        if kind == .customer, customerNames != nil {
            let o = old?["name"]?.text.map { TextKey(ChangeDraft.normalizedName($0)) }
            let n = new?["name"]?.text.map { TextKey(ChangeDraft.normalizedName($0)) }
            if o != n {
                if let o, customerNames![o] == old?.id { customerNames![o] = nil }
                if let n, let id = new?.id { customerNames![n] = id }
            }
        }
        if kind == .customer, companyKeys != nil, let e = new {
            for k in Self.companyKeys(of: e) { companyKeys![k, default: []].insert(e.id) }
        }
    }
}
