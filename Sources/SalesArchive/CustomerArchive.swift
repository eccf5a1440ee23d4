import Foundation
import VaultCrypto
import VaultFormat

/// A salesperson's customer archive inside an unlocked vault: every change is an event, saved as
/// one sealed record per command (RECORDS.md), and the current state is the replay of them all.
public final class CustomerArchive {
    public let vault: Vault
    /// Customers, contacts, projects and complaints; contact-log entries once `loadContactLog()`
    /// has run (RECORDS.md §5).
    public internal(set) var state = ArchiveState()
    /// Who makes the changes in this session (recorded in every batch).
    public let actor: String
    /// What the changes of this session are labelled with in the history (the command).
    public var label = ""
    /// Counts the change sets written in this session (a plan commits only onto its own).
    var generation = 0
    /// False until the contact log (the bulk of a large archive) has been loaded.
    public private(set) var contactLogLoaded = false
    private let recordsAtOpen: UInt64
    let firstSessionID: UInt64

    /// Opens the archive in `vault`: the snapshot at the vault's checkpoint, if any, then every
    /// record after it (RECORDS.md §5, §6). The contact log is read on first use, so opening and
    /// listing customers do not pay for a million log entries.
    public init(vault: Vault, actor: String? = nil) throws {
        self.vault = vault
        self.actor = actor ?? vault.header.owner
        recordsAtOpen = vault.header.recordCount
        var snapshot: (records: Int, bytes: Int) = (0, 0)
        state = try Self.replay(vault, records: recordsAtOpen, into: ArchiveState(), deferring: [.activity], onlyKind: nil, snapshot: &snapshot)
        try state.checkComplete()
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
        generation += 1
        snapshotSize = (parts.count, parts.reduce(0) { $0 + $1.count })
    }

    /// Saves `events` as one change set (used for the system's own changes and by tools that
    /// build events directly); the same checks and encoding as every other change.
    @discardableResult
    package func commit(_ events: [ChangeEvent], now: Int64, origin: ChangeBatch.Origin = .cli) throws -> CommittedBatch {
        try write(events, label: label, origin: origin, now: now)
    }

    /// Saves each batch as its own change set, as if each were one command, with one `fsync`
    /// and one header update for all of them (committed together or not at all): for the
    /// benchmark and tests that must produce the same archive as that many commands. Every
    /// batch is checked, bounded and read back like any other change.
    package func commit(each batches: [ChangeBatch]) throws {
        guard let last = batches.last else { return }
        var next = state
        var payloads: [[UInt8]] = []
        let first = vault.header.recordCount
        for (i, b) in batches.enumerated() {
            try Limits.check(b.events)
            let batch = ChangeBatch(at: b.at, actor: b.actor, origin: b.origin, batch: first + UInt64(i), label: b.label, events: b.events)
            try next.check(batch)
            try next.apply(batch)
            let encoded = BatchCodec.encode(batch)
            guard (try? BatchCodec.decode(encoded)) == batch else {
                throw ArchiveError(.invalidValue, "batch \(i) is too large to store", zh: "第 \(i) 批更改过大,无法保存")
            }
            payloads.append(encoded)
        }
        try vault.append(contentsOf: payloads, now: last.at)
        state = next
        generation += 1
    }
}

// MARK: - Looking things up

extension CustomerArchive {
    /// Finds an entity by short id (C12, 12) or by an unambiguous name (exact, then prefix); an
    /// ambiguous or unknown name lists the candidates.
    public func resolve(_ kind: EntityKind, _ query: String) throws -> Entity {
        let q = query.trimmingCharacters(in: .whitespaces)
        guard !q.isEmpty else { throw ArchiveError(.missingValue, "which \(kind.en)?", zh: "请指定\(kind.zh)") }
        if kind == .activity { try loadContactLog() }
        return try Lookup.resolve(kind, q, in: state)
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
        let batch = ChangeBatch(at: now, actor: managers.joined(separator: ", "), origin: .escrow, batch: vault.header.recordCount,
                                label: "escrow \(action)", events: [event])
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
            try write(pending.map { ChangeEvent(.update, .escrowUse, $0.id, [FieldChange(field: 4, old: nil, new: .int(now))]) },
                      label: "escrow acknowledged", origin: .system, now: now)
        }
        try vault.acknowledgeEscrowUses()
    }
}
