import Foundation
import VaultCrypto
import VaultFormat

/// A salesperson's customer archive inside an unlocked vault: every change is an event, saved as
/// one sealed record per command (RECORDS.md), and the current state is the replay of them all.
public final class CustomerArchive {
    public let vault: Vault
    /// Customers, contacts, projects and complaints; of the contact log, the entries logged after
    /// the snapshot (when it carries the log), those of the customers read so far, and all of them
    /// once `loadContactLog()` has run (RECORDS.md §5). A large change set of this session is
    /// applied to it when it is next read (`unapplied`).
    public internal(set) var state: ArchiveState {
        _read {
            if !unapplied.isEmpty { applyUnapplied() }
            yield applied
        }
        _modify {
            if !unapplied.isEmpty { applyUnapplied() }
            yield &applied
        }
    }
    /// The state without the change sets in `unapplied`.
    private var applied = ArchiveState()
    /// Large change sets of this session (`write`), saved and checked against the state, and
    /// applied to it the first time the state is read: an import whose command ends after it
    /// never spends the time (a hundred thousand customers: 50–70 ms), as it never builds a
    /// log import's entries (`deferredLog`).
    private var unapplied: [UnappliedSet] = []
    struct UnappliedSet {
        let batches: [ChangeBatch]
        /// The kind whose creates are only counted (`deferredLog`), if any.
        let counting: EntityKind?
        /// Creates by kind (raw value), to make room for them first.
        let creates: [Int]
        /// The kinds of record the set changes (a bit per raw value).
        let kinds: UInt32
    }
    /// A change set saved but not applied yet (tests).
    var hasUnappliedChanges: Bool { !unapplied.isEmpty }

    /// Applies the change sets saved but not applied yet, in order.
    private func applyUnapplied() {
        let sets = unapplied
        unapplied = []
        for set in sets {
            for kind in EntityKind.allCases where set.creates[Int(kind.rawValue)] > 0 && kind != set.counting {
                applied.reserve(kind, set.creates[Int(kind.rawValue)])
            }
            do {
                try applied.apply(batches: set.batches, counting: set.counting)
            } catch {
                // (`write` checked every event against the state before saving them.)
                preconditionFailure("a change set saved after its check could not be applied: \(error)")
            }
        }
    }

    /// Saves for later the application of a large change set just written (`write`).
    func applyLater(_ batches: [ChangeBatch], counting: EntityKind?, creates: [Int], kinds: UInt32) {
        unapplied.append(UnappliedSet(batches: batches, counting: counting, creates: creates, kinds: kinds))
    }

    /// The state as far as records of `kind` go: without applying the change sets saved since
    /// it was last read when none of them changes that kind.
    func state(asFarAs kind: EntityKind) -> ArchiveState {
        unapplied.contains { $0.kinds & (1 << UInt32(kind.rawValue)) != 0 } ? state : applied
    }
    /// Who makes the changes in this session (recorded in every batch).
    public let actor: String
    /// What the changes of this session are labelled with in the history (the command).
    public var label = ""
    /// Counts the change sets written in this session (a plan commits only onto its own).
    var generation = 0
    /// False until the contact log (the bulk of a large archive) has been loaded: the entries
    /// written before this session, and those of large change sets of this session that were
    /// saved without being applied (`deferredLog`).
    public var contactLogLoaded: Bool { olderLogLoaded && deferredLog.isEmpty }
    /// The entries written before this session are in the state.
    private var olderLogLoaded = false
    /// Records of this session whose new log entries were saved but not applied to the state
    /// (a large import of log entries only: a command that ends after it never needs them);
    /// read back from the records by `loadContactLog()` (RECORDS.md §5).
    private(set) var deferredLog: [Range<UInt64>] = []
    private let recordsAtOpen: UInt64
    let firstSessionID: UInt64

    /// Opens the archive in `vault`: the snapshot at the vault's checkpoint, if any, then every
    /// record after it (RECORDS.md §5, §6). The contact log is read on first use, so opening and
    /// listing customers do not pay for a million log entries.
    /// `checkingEscrowTail`: a vault opened through escrow (no owner's secrets) is held to the
    /// same rule for the records after the owner's signature as the owner's open, using the signed
    /// count of a header whose keyless check holds (FORMAT.md §5.6, §7 step 8): the full check and
    /// escrow open report what the owner's tool would refuse.
    public init(vault: Vault, actor: String? = nil, checkingEscrowTail: Bool = false) throws {
        self.vault = vault
        self.actor = actor ?? vault.header.owner
        recordsAtOpen = vault.header.recordCount
        var snapshot = SnapshotSize()
        let ownerCount = vault.ownerSignedRecordCount
        let signedCount = ownerCount ?? (checkingEscrowTail ? Self.keylessSignedCount(vault) : nil)
        let tail = TailIDs()
        applied = try Self.replay(vault, records: recordsAtOpen, into: ArchiveState(), onlyKind: nil, snapshot: &snapshot, signedCount: signedCount, tail: tail)
        if let signedCount {
            try Self.checkTailIDs(tail.ids, signedCount: signedCount, firstID: tail.firstID)
            if ownerCount != nil { vault.acceptRecordsAfterSignature() }
        }
        try applied.checkComplete()
        snapshotSize = snapshot
        firstSessionID = applied.nextID
        olderLogLoaded = recordsAtOpen == 0
    }

    /// Applies the records before `records` to `state`, a few MiB at a time. A full replay starts
    /// at the checkpoint's snapshot; when the snapshot carries the contact log (RECORDS.md §6.1)
    /// the log events after it are applied too (changes to older entries wait), otherwise they
    /// are deferred. Loading the log from the records (`onlyKind`, snapshots without the log)
    /// reads from the record `from` (the first by default), skipping snapshots.
    private static func replay(
        _ vault: Vault, from first: UInt64 = 0, records: UInt64, into start: ArchiveState, onlyKind: EntityKind?, snapshot: inout SnapshotSize,
        signedCount: UInt64? = nil, tail: TailIDs? = nil
    ) throws -> ArchiveState {
        var state = start
        var window: [[UInt8]] = []
        var windowBytes = 0
        var deferring: Set<EntityKind> = onlyKind == nil ? [.activity] : []
        let checkpoint = onlyKind == nil ? vault.header.checkpoint?.index : nil
        var parts: [(kind: EntityKind, shard: Int, payload: [UInt8])] = []
        var logParts: [UInt64] = []
        var directory: [UInt8]?
        var meta: Snapshot.Meta?
        var partsLeft = 0
        let overhead = FormatV1.recordOverhead
        try vault.forEachRecord(from: checkpoint ?? (onlyKind == nil ? 0 : first)) { index, payload in
            guard index < records else { return }
            if let signedCount, index >= signedCount {
                if index == signedCount, let tail, partsLeft == 0 {
                    // The ids given before the first escrow use: everything before it applied.
                    if !window.isEmpty { try state.apply(encoded: window, deferring: deferring, onlyKind: onlyKind) }
                    window.removeAll(keepingCapacity: true)
                    windowBytes = 0
                    tail.firstID = state.nextID
                }
                tail?.ids.append(try Self.requireEscrowUse(payload, index: index))
            }
            if let checkpoint, index == checkpoint {
                let m = try Snapshot.decodeMeta(payload)
                guard m.covers == index else { throw ArchiveError(.corruptRecord, "the snapshot at record \(index) says it starts at \(m.covers)", zh: "档案数据有误：第 \(index) 条记录处的快照标注的位置是第 \(m.covers) 条，二者不符") }
                state.start(from: m)
                snapshot = SnapshotSize(records: m.parts, summaryBytes: payload.count + overhead, bytes: payload.count + overhead)
                (meta, partsLeft) = (m, m.parts - 1)
                return
            }
            if partsLeft > 0, let meta {
                snapshot.bytes += payload.count + overhead
                switch try Snapshot.peekPart(payload, at: meta.at) {
                case .entities(let kind, let shard):
                    parts.append((kind, shard, payload))
                    snapshot.summaryBytes += payload.count + overhead
                case .log:
                    logParts.append(index)  // read when the log is needed (§6.1)
                case .directory:
                    guard directory == nil else { throw ArchiveError(.corruptRecord, "the snapshot has two log directories", zh: "档案数据有误：快照含有两个跟进记录目录") }
                    directory = payload
                    snapshot.summaryBytes += payload.count + overhead
                }
                partsLeft -= 1
                if partsLeft == 0 {
                    try state.apply(snapshotParts: parts)
                    parts = []
                    if let directory {
                        let log = try Snapshot.decodeDirectory(directory, meta: meta, bodyLength: vault.header.bodyLength)
                        let own = log.segments.last.map { $0.snapshot == meta.covers ? $0.parts.map(\.index) : [] } ?? []
                        guard own == logParts else {
                            throw ArchiveError(.corruptRecord, "the snapshot's log directory does not list its own log parts",
                                               zh: "档案数据有误：快照的跟进记录目录与快照自身的跟进记录部分不符")
                        }
                        state.beginPartialLog(log, idLimit: meta.nextID, tail: records - meta.covers - UInt64(meta.parts))
                        deferring = []
                    } else if !logParts.isEmpty {
                        throw ArchiveError(.corruptRecord, "the snapshot has log parts but no log directory", zh: "档案数据有误：快照含有跟进记录部分，却没有目录")
                    }
                }
                return
            }
            if Snapshot.isSnapshot(payload) {
                // An older snapshot (when reading from the start): its content is in the records.
                guard onlyKind != nil else { throw ArchiveError(.corruptRecord, "record \(index) is a snapshot the header does not point to", zh: "档案数据有误：第 \(index) 条记录是快照，但档案头并未指向它") }
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
        guard partsLeft == 0 else { throw ArchiveError(.corruptRecord, "the snapshot ends before its last part", zh: "档案数据有误：快照不完整，缺少最后一部分") }
        if !window.isEmpty { try state.apply(encoded: window, deferring: deferring, onlyKind: onlyKind) }
        return state
    }

    /// Notes records just saved whose new log entries were not applied (`write`).
    func noteDeferredLog(_ records: Range<UInt64>) { deferredLog.append(records) }

    /// Loads the contact-log entries written before this session (entries logged in this
    /// session are in the state already): from the snapshot's log parts and the records after
    /// the snapshot when the snapshot carries the log (RECORDS.md §6.1), otherwise by one more
    /// pass over every record; then the entries of this session's records that were saved
    /// without being applied (`deferredLog`), from those records.
    public func loadContactLog() throws {
        if !olderLogLoaded {
            if state.logIsPartial {
                try state.loadWholeLog(reading: readLogPart)
            } else {
                var unused = SnapshotSize()
                state = try Self.replay(vault, records: recordsAtOpen, into: state, onlyKind: .activity, snapshot: &unused)
            }
            olderLogLoaded = true
        }
        while let range = deferredLog.first {
            var unused = SnapshotSize()
            state = try Self.replay(vault, from: range.lowerBound, records: range.upperBound, into: state, onlyKind: .activity, snapshot: &unused)
            deferredLog.removeFirst()
        }
    }

    /// Loads the contact-log entries of one customer: when the snapshot carries the log, only
    /// the parts that file that customer's entries (RECORDS.md §6.1); otherwise (or when an
    /// entry was moved to this customer after the snapshot) the whole log.
    public func loadContactLog(customer: UInt64) throws {
        guard !contactLogLoaded else { return }
        if deferredLog.isEmpty, state.logIsPartial, try state.loadLog(customer: customer, reading: readLogPart) { return }
        try loadContactLog()
    }

    /// A log part named by the snapshot's directory: the record at its index and offset, which
    /// must have the digest the directory gives (RECORDS.md §6.1).
    private func readLogPart(_ part: LogDirectory.Part) throws -> [UInt8] {
        let payload = try vault.record(at: part.index, offset: part.offset)
        guard try SHA256.hash(payload) == part.digest else {
            throw ArchiveError(.corruptRecord, "record \(part.index) is not the log part the snapshot's directory names",
                               zh: "档案数据有误：第 \(part.index) 条记录不是快照目录所指的跟进记录部分")
        }
        return payload
    }

    // MARK: Snapshots (RECORDS.md §6)

    /// The snapshot at the checkpoint (or the last one written): its records, the bytes of its
    /// summary (every record but the log parts) and of all its records, as stored (0 when there
    /// is none).
    struct SnapshotSize {
        var records = 0
        var summaryBytes = 0
        var bytes = 0
    }
    private var snapshotSize: SnapshotSize
    /// Records after the last snapshot before a new one is worth writing.
    public static let snapshotMinRecords: UInt64 = 20_000

    /// True when opening would read so many records after the last snapshot that a new one
    /// pays off: at least `snapshotMinRecords` records, taking at least twice the bytes of the
    /// last snapshot's summary (so summaries never take more than a third of the file; the log
    /// parts, each entry stored once more when it changes, are not counted).
    public var snapshotDue: Bool {
        let h = vault.header
        let since = h.recordCount - (h.checkpoint?.index ?? 0) - UInt64(snapshotSize.records)
        let bytesSince = h.bodyLength - (h.checkpoint?.offset ?? 0) - UInt64(snapshotSize.bytes)
        return since >= Self.snapshotMinRecords && bytesSince >= 2 * UInt64(snapshotSize.summaryBytes)
    }

    /// Writes a snapshot after the current records and makes it the vault's checkpoint, in one
    /// append: the next open starts there. It holds customers, contacts, projects, complaints
    /// and escrow uses, and a segment of the contact log: the entries changed since the last
    /// snapshot, or the whole log (read first) for the first snapshot that carries it, when
    /// the directory has `Snapshot.compactAfterSegments` segments, or when older entries were
    /// changed by records this session has not read them for (RECORDS.md §6.1).
    public func writeSnapshot(now: Int64) throws {
        let h = vault.header
        let full = (state.logDirectory?.segments.count ?? Snapshot.compactAfterSegments) >= Snapshot.compactAfterSegments
        if full || state.hasPendingLog || !deferredLog.isEmpty { try loadContactLog() }
        let plan = try state.logPlan(full: full)
        let (records, directory) = try Snapshot.encode(state, covers: h.recordCount, at: now, log: plan, offset: h.bodyLength)
        try vault.append(contentsOf: records, now: now, checkpoint: true)
        state.noteSnapshot(at: now, records: records.count)
        state.noteLogSnapshot(directory, idLimit: state.nextID)
        generation += 1
        let logParts = directory.segments.last.map { $0.snapshot == h.recordCount ? $0.parts.count : 0 } ?? 0
        let sizes = records.map { $0.count + FormatV1.recordOverhead }
        let logStart = records.count - 1 - logParts
        snapshotSize = SnapshotSize(records: records.count, summaryBytes: sizes.reduce(0, +) - sizes[logStart..<(logStart + logParts)].reduce(0, +),
                                    bytes: sizes.reduce(0, +))
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
                throw ArchiveError(.invalidValue, "batch \(i) is too large to store", zh: "第 \(i) 批更改过大，无法保存")
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
        return try Lookup.resolve(kind, q, in: state, suggest: true)
    }
}

// MARK: - Exports (Docs/INTERCHANGE.md §4)

/// What an export wrote: recorded in the archive when plaintext leaves it.
public struct ExportNote: Sendable, Equatable {
    public var format: String
    public var kinds: [String]
    public var rows: Int
    /// The file's name (without its folder).
    public var file: String
    public var sha256: String
    public var includeSecret: Bool

    public init(format: String, kinds: [String], rows: Int, file: String, sha256: String, includeSecret: Bool) {
        self.format = format
        self.kinds = kinds
        self.rows = rows
        self.file = file
        self.sha256 = sha256
        self.includeSecret = includeSecret
    }
}

extension CustomerArchive {
    /// Records an export (who and when are the batch's) as an `export` record: one change set,
    /// evidence that is never edited or undone.
    @discardableResult
    public func recordExport(_ note: ExportNote, label: String = "export", now: Int64) throws -> CommittedBatch {
        let id = state.nextID
        let file = String(note.file.unicodeScalars.filter { !FieldFormat.isTerminalUnsafe($0) }.prefix(1000))
        let event = ChangeEvent(.create, .export, id, [
            FieldChange(field: 1, old: nil, new: .text(note.format)),
            FieldChange(field: 2, old: nil, new: .text(note.kinds.joined(separator: ","))),
            FieldChange(field: 3, old: nil, new: .int(Int64(note.rows))),
            FieldChange(field: 4, old: nil, new: .text(file.isEmpty ? "-" : file)),
            FieldChange(field: 5, old: nil, new: .text(note.sha256)),
            FieldChange(field: 6, old: nil, new: .flag(note.includeSecret)),
        ])
        return try write([event], label: label, origin: .cli, now: now)
    }
}

// MARK: - Escrow uses (FORMAT.md §5.3)

extension CustomerArchive {
    /// FORMAT.md §5.6, RECORDS.md §4: a record after the owner's signed count can only be a
    /// manager's escrow-use record (origin 3, creating one escrow-use entity); anything else was
    /// written by someone holding the data key.
    /// One record after the owner's signature (FORMAT.md §5.6, RECORDS.md §4): a batch of origin
    /// `escrow` creating one escrow-use entity with an id in range, setting only `action`,
    /// `managers` and `fingerprints` (text; never `acknowledgedAt`, which only the owner sets,
    /// nor any other field). Returns the id.
    @discardableResult
    static func requireEscrowUse(_ payload: [UInt8], index: UInt64) throws -> UInt64 {
        let batch = try? BatchCodec.decode(payload)
        guard let batch, batch.origin == .escrow, batch.events.count == 1,
              batch.events[0].operation == .create, batch.events[0].kind == .escrowUse
        else {
            throw ArchiveError(.corruptRecord,
                "record \(index) comes after the owner's signature and is not an escrow-use record: it was written by someone holding the data key (e.g. through escrow)",
                zh: "第 \(index) 条记录位于所有人签名之后，却不是托管访问记录：这条记录是有人利用数据密钥（例如通过托管）写入的", writtenWithoutOwner: true)
        }
        let event = batch.events[0]
        guard event.id >= 1, event.id <= ArchiveState.maxEntityID else {
            throw ArchiveError(.corruptRecord,
                "record \(index) comes after the owner's signature and gives its escrow use the id \(event.id), out of range: it was written by someone holding the data key (e.g. through escrow)",
                zh: "第 \(index) 条记录位于所有人签名之后，其托管访问记录的编号 \(event.id) 超出范围：这条记录是有人利用数据密钥（例如通过托管）写入的", writtenWithoutOwner: true)
        }
        let fields = event.changes.map(\.field)
        let onlyText = event.changes.allSatisfy { c in
            if c.old == nil, case .text? = c.new { return true } else { return false }
        }
        guard Set(fields).count == fields.count, fields.allSatisfy({ (1...3).contains($0) }), onlyText else {
            throw ArchiveError(.corruptRecord,
                "record \(index) comes after the owner's signature and sets fields an escrow use may not set (only action, managers and fingerprints, as text; \"seen by the owner\" is the owner's): it was written by someone holding the data key (e.g. through escrow)",
                zh: "第 \(index) 条记录位于所有人签名之后，却设置了托管访问记录不能设置的字段（托管访问记录只能以文字填写操作、经理、密钥指纹三项；“所有人已知悉”只能由所有人本人设置）：这条记录是有人利用数据密钥（例如通过托管）写入的", writtenWithoutOwner: true)
        }
        return event.id
    }

    /// The owner's signed record count of a header whose owner signature passes the keyless
    /// checks (FORMAT.md §5.6 1–5), when records follow it; nil otherwise (unsigned, invalid —
    /// reported by those checks — or nothing after it).
    static func keylessSignedCount(_ vault: Vault) -> UInt64? {
        guard let signature = vault.header.ownerSignature, signature.signedRecordCount < vault.header.recordCount,
              case .valid? = try? vault.keylessOwnerSignatureCheck()
        else { return nil }
        return signature.signedRecordCount
    }

    /// For a data-key holder (escrow): what the owner's open would refuse in the records after
    /// the owner's signature (not an escrow-use record, fields it may not set, an id not new), or
    /// nil. Any other error of opening is left to the caller's own open.
    public static func escrowTailProblem(_ vault: Vault) -> ArchiveError? {
        guard keylessSignedCount(vault) != nil else { return nil }
        do { _ = try CustomerArchive(vault: vault, checkingEscrowTail: true) } catch let e as ArchiveError {
            return e.reason.contains("after the owner's signature") ? e : nil
        } catch { return nil }
        return nil
    }

    /// The ids of the escrow uses after the signed count, collected while replaying.
    final class TailIDs {
        var ids: [UInt64] = []
        /// `nextID` once every record before the first escrow use was applied.
        var firstID: UInt64 = 1
    }

    /// Each escrow use after the owner's signature creates a new id, as the manager's tool does
    /// (`nextID` at its time, RECORDS.md §3): the tail's ids are `firstID`, `firstID` + 1, …, the
    /// next ids after every record before them, so none reuses an id of a customer, contact,
    /// log entry…
    static func checkTailIDs(_ ids: [UInt64], signedCount: UInt64, firstID: UInt64) throws {
        for (i, id) in ids.enumerated() {
            let (expected, overflow) = firstID.addingReportingOverflow(UInt64(i))
            guard !overflow, id == expected else {
                let index = signedCount + UInt64(i)
                throw ArchiveError(.corruptRecord,
                    "record \(index) comes after the owner's signature and gives its escrow use the id \(id), which is not a new id (already used, or out of order): it was written by someone holding the data key (e.g. through escrow)",
                    zh: "第 \(index) 条记录位于所有人签名之后，其托管访问记录的编号 \(id) 不是新编号（已被占用或顺序不对）：这条记录是有人利用数据密钥（例如通过托管）写入的", writtenWithoutOwner: true)
            }
        }
    }

    /// `verify` (FORMAT.md §6.4, RECORDS.md §6): the header's checkpoint must name the first
    /// record of a snapshot that says it starts there, as opening requires; otherwise the archive
    /// verified but would not open from its checkpoint.
    public static func checkCheckpoint(_ vault: Vault) throws {
        guard let cp = vault.header.checkpoint else { return }
        let payload = try vault.record(at: cp.index, offset: cp.offset)
        let meta: Snapshot.Meta
        do { meta = try Snapshot.decodeMeta(payload) } catch {
            throw ArchiveError(.corruptRecord, "the header's checkpoint names record \(cp.index), which is not the start of a snapshot: the archive cannot be opened from it",
                               zh: "档案头的检查点指向第 \(cp.index) 条记录，但该记录不是快照的开头：档案无法从检查点打开")
        }
        guard meta.covers == cp.index else {
            throw ArchiveError(.corruptRecord, "the snapshot at the checkpoint (record \(cp.index)) says it starts at record \(meta.covers)",
                               zh: "检查点（第 \(cp.index) 条记录）处的快照标注的起点是第 \(meta.covers) 条记录，二者不符")
        }
    }

    /// Checks the records written after the owner's last signature (escrow uses) without opening
    /// the whole archive, so that the owner's next write may sign them (FORMAT.md §8.8). Reads
    /// from the checkpoint; the whole-record digest is checked on the way.
    public static func checkRecordsAfterSignature(_ vault: Vault) throws {
        guard let signed = vault.ownerSignedRecordCount else { return }
        try vault.forEachRecord(from: signed) { index, payload in try requireEscrowUse(payload, index: index) }
        // The ids need the whole state (RECORDS.md §3): opening it checks them and accepts.
        _ = try CustomerArchive(vault: vault)
    }
}

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
        // The same checks as every change set (RECORDS.md §2, §8), then its own kind of append.
        try Limits.check(batch.events)
        try state.check(batch)
        let encoded = BatchCodec.encode(batch)
        guard (try? BatchCodec.decode(encoded)) == batch else {
            throw ArchiveError(.invalidValue, "the escrow record is too large to store", zh: "托管访问记录过大，无法保存")
        }
        try vault.appendEscrowUse(encoded, now: now)
        try state.apply(batch)
        return state.entity(.escrowUse, id)!  // just applied
    }

    /// Escrow uses the owner has not acknowledged yet, oldest first.
    /// (Asked after every change: an import just saved is not applied for it.)
    public var unacknowledgedEscrowUses: [Entity] {
        state(asFarAs: .escrowUse).all(.escrowUse).filter { $0["acknowledgedAt"] == nil }
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
