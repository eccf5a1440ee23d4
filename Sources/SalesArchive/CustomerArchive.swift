import Foundation
import VaultCrypto
import VaultFormat

/// A salesperson's customer archive inside an unlocked vault: every change is an event, saved as
/// one sealed record per command (RECORDS.md), and the current state is the replay of them all.
public final class CustomerArchive {
    public let vault: Vault
    /// Customers, contacts, projects and complaints; contact-log entries once `loadContactLog()`
    /// has run (RECORDS.md §5).
    public private(set) var state = ArchiveState()
    /// Who makes the changes in this session (recorded in every batch).
    public let actor: String
    /// False until the contact log (the bulk of a large archive) has been loaded.
    public private(set) var contactLogLoaded = false
    private let recordsAtOpen: UInt64
    private let firstSessionID: UInt64

    /// Opens the archive in `vault`: the snapshot at the vault's checkpoint, if any, then every
    /// record after it (RECORDS.md §5, §6). The contact log is read on first use, so opening and
    /// listing customers do not pay for a million log entries.
    public init(vault: Vault, actor: String? = nil) throws {
        self.vault = vault
        self.actor = actor ?? vault.header.owner
        recordsAtOpen = vault.header.recordCount
        var snapshot: (records: Int, bytes: Int) = (0, 0)
        state = try Self.replay(vault, records: recordsAtOpen, into: ArchiveState(), deferring: [.activity], onlyKind: nil, snapshot: &snapshot)
        snapshotSize = snapshot
        firstSessionID = state.nextID
    }

    /// Applies the records before `records` to `state`, a few MiB at a time. A full replay starts
    /// at the checkpoint's snapshot; loading a deferred kind (`onlyKind`) reads from the first
    /// record, skipping snapshots (they do not hold the contact log).
    private static func replay(
        _ vault: Vault, records: UInt64, into start: ArchiveState, deferring: Set<EntityKind>, onlyKind: EntityKind?,
        snapshot: inout (records: Int, bytes: Int)
    ) throws -> ArchiveState {
        var state = start
        var window: [[UInt8]] = []
        var windowBytes = 0
        let checkpoint = onlyKind == nil ? vault.header.checkpoint?.index : nil
        var parts: [(kind: EntityKind, shard: Int, payload: [UInt8])] = []
        var meta: Snapshot.Meta?
        var partsLeft = 0
        try vault.forEachRecord(from: checkpoint ?? 0) { index, payload in
            guard index < records else { return }
            if let checkpoint, index == checkpoint {
                let m = try Snapshot.decodeMeta(payload)
                guard m.covers == index else { throw ArchiveError(.corruptRecord, "the snapshot at record \(index) says it starts at \(m.covers)") }
                state.start(from: m)
                snapshot = (m.parts, payload.count)
                (meta, partsLeft) = (m, m.parts - 1)
                return
            }
            if partsLeft > 0, let meta {
                let (kind, shard) = try Snapshot.peekPart(payload, at: meta.at)
                parts.append((kind, shard, payload))
                partsLeft -= 1
                snapshot.bytes += payload.count
                if partsLeft == 0 {
                    try state.apply(snapshotParts: parts)
                    parts = []
                }
                return
            }
            if Snapshot.isSnapshot(payload) {
                // An older snapshot (when reading from the start): its content is in the records.
                guard onlyKind != nil else { throw ArchiveError(.corruptRecord, "record \(index) is a snapshot the header does not point to") }
                return
            }
            window.append(payload)
            windowBytes += payload.count
            if windowBytes >= 4 << 20 || window.count >= 4096 {
                try state.apply(encoded: window, deferring: deferring, onlyKind: onlyKind)
                window.removeAll(keepingCapacity: true)
                windowBytes = 0
            }
        }
        guard partsLeft == 0 else { throw ArchiveError(.corruptRecord, "the snapshot ends before its last part") }
        if !window.isEmpty { try state.apply(encoded: window, deferring: deferring, onlyKind: onlyKind) }
        return state
    }

    /// Loads the contact-log entries written before this session (entries logged in this
    /// session are in the state already). Costs one more pass over the records.
    public func loadContactLog() throws {
        guard !contactLogLoaded else { return }
        var unused: (records: Int, bytes: Int) = (0, 0)
        state = try Self.replay(vault, records: recordsAtOpen, into: state, deferring: [], onlyKind: .activity, snapshot: &unused)
        contactLogLoaded = true
    }

    // MARK: Snapshots (RECORDS.md §6)

    /// Records and payload bytes of the snapshot at the checkpoint (0 when there is none).
    private var snapshotSize: (records: Int, bytes: Int)
    /// Records after the last snapshot before a new one is worth writing.
    public static let snapshotMinRecords: UInt64 = 20_000

    /// True when opening would read so many records after the last snapshot that a new one
    /// pays off: at least `snapshotMinRecords` records, taking at least twice the bytes of the
    /// last snapshot (so snapshots never take more than a third of the file).
    public var snapshotDue: Bool {
        let h = vault.header
        let since = h.recordCount - (h.checkpoint?.index ?? 0) - UInt64(snapshotSize.records)
        let bytesSince = h.bodyLength - (h.checkpoint?.offset ?? 0)
        return since >= Self.snapshotMinRecords && bytesSince >= 3 * UInt64(snapshotSize.bytes)
    }

    /// Writes a snapshot of customers, contacts, projects and complaints after the current
    /// records and makes it the vault's checkpoint, in one append: the next open starts there.
    public func writeSnapshot(now: Int64) throws {
        let covers = vault.header.recordCount
        let parts = Snapshot.encode(state, covers: covers, at: now)
        try vault.append(contentsOf: parts, now: now, checkpoint: true)
        state.noteSnapshot(at: now, records: parts.count)
        snapshotSize = (parts.count, parts.reduce(0) { $0 + $1.count })
    }

    /// Saves `events` as one record, then applies them. Nothing is applied if the save fails.
    @discardableResult
    public func commit(_ events: [ChangeEvent], now: Int64, origin: ChangeBatch.Origin = .cli) throws -> ChangeBatch {
        if events.contains(where: { $0.kind == .activity && $0.id < firstSessionID }) { try loadContactLog() }
        let batch = ChangeBatch(at: now, actor: actor, origin: origin, events: events)
        try state.check(batch)  // validated before anything reaches the disk
        let encoded = BatchCodec.encode(batch)
        // Never seal what could not be read back (limits of RECORDS.md §2).
        guard (try? BatchCodec.decode(encoded)) == batch else {
            throw ArchiveError(.invalidValue, "the change is too large to store (a text over 1 MiB, or too many fields or references)", zh: "此次更改过大,无法保存(文本超过 1 MiB,或字段、引用过多)")
        }
        try vault.append(encoded, now: now)
        try state.apply(batch)  // cannot fail after `check`
        return batch
    }

    /// Saves each batch as its own record, as if each were one command, with one `fsync` and one
    /// header update for all of them (committed together or not at all): for bulk tools and
    /// benchmarks that must produce the same archive as that many commands.
    public func commit(each batches: [ChangeBatch]) throws {
        guard let last = batches.last else { return }
        var next = state
        for batch in batches {
            try next.check(batch)
            try next.apply(batch)
        }
        try vault.append(contentsOf: batches.map(BatchCodec.encode), now: last.at)
        state = next
    }

    /// Converts user input to a value of the field's type (text, number, date, yes/no, references).
    public func value(for spec: FieldSpec, kind: EntityKind, input: String, now: Int64) throws -> FieldValue? {
        let text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return nil }
        guard text.utf8.count <= 64 << 10 else { throw ArchiveError(.invalidValue, "\(spec.key): text over 64 KiB", zh: "\(spec.key):文本超过 64 KiB") }
        switch spec.type {
        case .text: return .text(text)
        case .int:
            guard let v = Int64(text) else { throw ArchiveError(.invalidValue, "\(spec.key): \(input) is not a number", zh: "\(spec.key):\(input) 不是数字") }
            return .int(v)
        case .day: return .day(try DateParser.parse(text, now: now))
        case .flag:
            switch text.lowercased() {
            case "yes", "y", "true", "1", "是": return .flag(true)
            case "no", "n", "false", "0", "否": return .flag(false)
            default: throw ArchiveError(.invalidValue, "\(spec.key): answer yes or no", zh: "\(spec.key):请回答 是 或 否")
            }
        case .ref:
            let target: EntityKind = spec.key == "project" ? .project : (spec.key == "complainant" ? .contact : .customer)
            return .ref(try resolve(target, text).id)
        case .refs:
            return .refs(try text.split(whereSeparator: { ",，、".contains($0) }).map { try resolve(.contact, String($0)).id })
        }
    }

    /// Checks values that have a vocabulary (grade, stage, role, attitude, …).
    func validateVocabulary(_ kind: EntityKind, _ key: String, _ value: FieldValue?) throws -> FieldValue? {
        guard let text = value?.text else { return value }
        func check<V: Vocabulary>(_ type: V.Type) throws -> FieldValue {
            guard let v = V.parse(text) else {
                throw ArchiveError(.invalidValue, "\(key): \(text) is not one of \(V.codes)", zh: "\(key):\(text) 不是有效值(\(V.codes))")
            }
            return .text(v.rawValue)
        }
        switch (kind, key) {
        case (.customer, "grade"): return try check(Grade.self)
        case (.project, "stage"): return try check(SalesStage.self)
        case (.contact, "role"): return try check(DecisionRole.self)
        case (.contact, "attitude"): return try check(Attitude.self)
        case (.activity, "type"): return try check(ActivityType.self)
        case (.complaint, "satisfaction"): return try check(Satisfaction.self)
        default: return value
        }
    }

    /// Field changes for `fields` (key → input) on `existing` (nil when creating).
    func changes(_ kind: EntityKind, _ fields: [(String, String)], existing: Entity?, now: Int64, protected: Set<String> = []) throws -> [FieldChange] {
        var out: [FieldChange] = []
        var seen = Set<UInt8>()
        for (key, input) in fields {
            guard let spec = Schema.field(kind, key: key) else {
                throw ArchiveError(
                    .unknownField, "\(kind.en) has no field \(key)", zh: "\(kind.zh)没有字段 \(key)",
                    candidates: Schema.fields(kind).map(\.key))
            }
            guard !protected.contains(spec.key) else {
                throw ArchiveError(.invalidValue, "\(spec.key) cannot be set here; use its own command (it needs a reason)", zh: "\(spec.key) 不能在这里修改;请使用专门的命令(需要填写原因)")
            }
            guard seen.insert(spec.number).inserted else { throw ArchiveError(.invalidValue, "\(spec.key) given twice", zh: "\(spec.key) 重复填写") }
            let new = try validateVocabulary(kind, spec.key, value(for: spec, kind: kind, input: input, now: now))
            let old = existing?[number: spec.number]
            if old != new { out.append(FieldChange(field: spec.number, old: old, new: new)) }
        }
        return out
    }

    func newID() -> UInt64 { state.nextID }
}

// MARK: - Looking things up

extension CustomerArchive {
    /// Finds an entity by short id (C12, 12) or by an unambiguous name prefix; an ambiguous or
    /// unknown name lists the candidates.
    public func resolve(_ kind: EntityKind, _ query: String) throws -> Entity {
        let q = query.trimmingCharacters(in: .whitespaces)
        guard !q.isEmpty else { throw ArchiveError(.missingValue, "which \(kind.en)?", zh: "请指定\(kind.zh)") }
        if kind == .activity { try loadContactLog() }
        let folded = q.lowercased()
        var idText = q
        if idText.uppercased().hasPrefix(kind.idPrefix) { idText = String(idText.dropFirst(kind.idPrefix.count)) }
        if let id = UInt64(idText), let e = state.entity(kind, id) {
            // A bare number that is also someone's exact name must not silently pick the id.
            if UInt64(q) != nil {
                var named: Entity?
                state.each(kind) { c in if c.id != e.id && c["name"]?.text?.lowercased() == folded { named = c } }
                if let named {
                    throw ArchiveError(.ambiguous, "\(q) is both the id \(e.shortID) and the name of \(named.shortID)",
                                       candidates: ["\(e.shortID) \(e.displayName)", "\(named.shortID) \(named.displayName)"])
                }
            }
            return e
        }
        var exact: [Entity] = []
        var prefixed: [Entity] = []
        state.each(kind) { e in
            let names = [e["name"]?.text, e["shortName"]?.text, e["code"]?.text, e["number"]?.text].compactMap { $0?.lowercased() }
            if names.contains(folded) { exact.append(e) } else if names.contains(where: { $0.hasPrefix(folded) }) { prefixed.append(e) }
        }
        if exact.count == 1 { return exact[0] }
        let matches = (exact + prefixed).sorted { $0.id < $1.id }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            // Nothing starts with the text: offer the records that contain it.
            var containing: [Entity] = []
            state.each(kind) { e in
                if [e["name"]?.text, e["shortName"]?.text].compactMap({ $0?.lowercased() }).contains(where: { $0.contains(folded) }) {
                    containing.append(e)
                }
            }
            throw ArchiveError(
                .notFound, containing.isEmpty ? "no \(kind.en) matches \(q)" : "no \(kind.en) name starts with \(q); did you mean one of these?",
                zh: containing.isEmpty ? "没有与 \(q) 匹配的\(kind.zh)" : "没有以 \(q) 开头的\(kind.zh)名称;您是否要找以下记录?",
                candidates: containing.sorted { $0.id < $1.id }.prefix(20).map { "\($0.shortID) \($0.displayName)" })
        }
        throw ArchiveError(
            .ambiguous, "\(q) matches \(matches.count) \(kind.en) records; give more of the name or the id",
            zh: "\(q) 匹配到 \(matches.count) 条\(kind.zh)记录;请输入更完整的名称或编号",
            candidates: matches.prefix(20).map { "\($0.shortID) \($0.displayName)" })
    }
}

// MARK: - Escrow uses (FORMAT.md §5.3)

extension CustomerArchive {
    /// Records a manager's use of escrow as an `escrowUse` entity, in one append with the
    /// header's counter. Called by the manager's tool before anything is shown.
    @discardableResult
    public func recordEscrowUse(action: String, managers: [String], fingerprints: [String], now: Int64) throws -> Entity {
        let id = state.nextID
        let event = ChangeEvent(.create, .escrowUse, id, [
            FieldChange(field: 1, old: nil, new: .text(action)),
            FieldChange(field: 2, old: nil, new: .text(managers.joined(separator: ", "))),
            FieldChange(field: 3, old: nil, new: .text(fingerprints.joined(separator: ", "))),
        ])
        let batch = ChangeBatch(at: now, actor: managers.joined(separator: ", "), origin: .escrow, events: [event])
        try state.check(batch)
        try vault.appendEscrowUse(BatchCodec.encode(batch), now: now)
        try state.apply(batch)
        return state.entity(.escrowUse, id)!  // just applied
    }

    /// Escrow uses the owner has not acknowledged yet, oldest first.
    public var unacknowledgedEscrowUses: [Entity] {
        state.all(.escrowUse).filter { $0["acknowledgedAt"] == nil }
    }

    /// The owner has been shown the escrow uses: marks them seen and clears the header's counter.
    public func acknowledgeEscrowUses(now: Int64) throws {
        let pending = unacknowledgedEscrowUses
        if !pending.isEmpty {
            try commit(pending.map { ChangeEvent(.update, .escrowUse, $0.id, [FieldChange(field: 4, old: nil, new: .int(now))]) }, now: now, origin: .system)
        }
        try vault.acknowledgeEscrowUses()
    }
}
