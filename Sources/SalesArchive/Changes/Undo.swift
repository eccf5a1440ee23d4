import Foundation

/// Undo of a committed change set (RECORDS.md §8): the inverse events written as a new batch,
/// refused when later changes touched what the batch changed.
extension CustomerArchive {
    /// The batch named by `text`: `B12`, `b12` or `12`.
    public static func batchID(_ text: String) -> UInt64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        return UInt64(t.uppercased().hasPrefix("B") ? String(t.dropFirst()) : t)
    }

    /// Writes the inverse of batch `id` as a new change set labelled "undo B<id>".
    @discardableResult
    public func undo(batch id: UInt64, now: Int64) throws -> CommittedBatch {
        let inverse = try undoEvents(batch: id)
        return try write(inverse, label: "undo B\(id)", origin: .cli, now: now)
    }

    /// The events that undo batch `id`, after checking that nothing later touched its fields.
    public func undoEvents(batch id: UInt64) throws -> [ChangeEvent] {
        let name = "B\(id)"
        guard id < vault.header.recordCount else {
            throw ArchiveError(.notFound, "there is no batch \(name) in this archive", zh: "档案中没有批次 \(name)")
        }
        try loadContactLog()  // the batch may have touched contact-log entries
        var target: [ChangeEvent] = []
        var origin: ChangeBatch.Origin = .cli
        var found = false
        // What the batch touched: fields per record, and records it created, removed or restored.
        var fields: [EntityKey: Set<UInt8>] = [:]
        var whole: Set<EntityKey> = []
        var created: Set<UInt64> = []
        var conflict: ArchiveError?
        try vault.forEachRecord(from: id) { index, payload in
            guard conflict == nil else { return }
            if index == id && Snapshot.isSnapshot(payload) {
                throw ArchiveError(.invalidValue, "\(name) is a snapshot, not a change", zh: "\(name) 是档案快照,不是一次更改,无法撤销")
            }
            if Snapshot.isSnapshot(payload) { return }
            let batch = try BatchCodec.decode(payload)
            let batchID = batch.batch ?? index
            if index == id {
                guard batchID == id else {
                    throw ArchiveError(.invalidValue, "\(name) is part of batch B\(batchID); undo that batch", zh: "\(name) 属于批次 B\(batchID),请直接撤销该批次")
                }
                found = true
                origin = batch.origin
            }
            if batchID == id {
                target.append(contentsOf: batch.events)
                for e in batch.events {
                    let key = EntityKey(e.kind, e.id)
                    switch e.operation {
                    case .create:
                        whole.insert(key)
                        created.insert(e.id)
                    case .remove, .restore: whole.insert(key)
                    case .update: fields[key, default: []].formUnion(e.changes.map(\.field).filter { $0 != Schema.reasonField })
                    }
                }
                return
            }
            for e in batch.events {
                let key = EntityKey(e.kind, e.id)
                let changed = Set(e.changes.map(\.field).filter { $0 != Schema.reasonField })
                var touched = whole.contains(key)
                if let f = fields[key], e.operation != .update || !f.isDisjoint(with: changed) { touched = true }
                let refersToNew = !created.isEmpty && e.changes.contains { c in c.new.map { $0.refs.contains(where: created.contains) } ?? false }
                if touched || refersToNew {
                    let what = Self.describe(key, state: state)
                    conflict = ArchiveError(
                        .invalidTransition,
                        "\(name) cannot be undone: \(what) was changed later by B\(batchID) (\(batch.label.isEmpty ? "an earlier version" : batch.label)); undo the later batches first, newest first",
                        zh: "无法撤销批次 \(name):\(what) 后来又被批次 B\(batchID)(\(batch.label.isEmpty ? "旧版程序写入" : batch.label))改过。请从最新的批次开始,逐个撤销之后的批次")
                    return
                }
            }
        }
        if let conflict { throw conflict }
        guard found else { throw ArchiveError(.notFound, "there is no batch \(name) in this archive", zh: "档案中没有批次 \(name)") }
        guard origin != .system && origin != .escrow, !target.contains(where: { $0.kind == .escrowUse }) else {
            throw ArchiveError(.invalidValue, "\(name) records an escrow use; evidence is never undone", zh: "\(name) 是经理托管访问的记录,属于审计留痕,不能撤销")
        }
        var inverse: [ChangeEvent] = []
        for e in target.reversed() {
            switch e.operation {
            case .create: inverse.append(ChangeEvent(.remove, e.kind, e.id, []))
            case .remove: inverse.append(ChangeEvent(.restore, e.kind, e.id, []))
            case .restore: inverse.append(ChangeEvent(.remove, e.kind, e.id, []))
            case .update:
                var changes = e.changes.filter { $0.field != Schema.reasonField }.map { FieldChange(field: $0.field, old: $0.new, new: $0.old) }
                if e.changes.contains(where: { $0.field == Schema.reasonField }) {
                    changes.append(FieldChange(field: Schema.reasonField, old: nil, new: .text("撤销批次 \(name) / undo of \(name)")))
                }
                if !changes.isEmpty { inverse.append(ChangeEvent(.update, e.kind, e.id, changes)) }
            }
        }
        guard !inverse.isEmpty else { throw ArchiveError(.invalidValue, "\(name) changed nothing", zh: "批次 \(name) 没有实际更改,无需撤销") }
        return inverse
    }

    static func describe(_ key: EntityKey, state: ArchiveState) -> String {
        let e = state.entities(key.kind, key.id)
        return e.map { "\($0.shortID) \($0.displayName)" } ?? key.kind.idPrefix + String(key.id)
    }
}

/// A record of the archive: its kind and id.
struct EntityKey: Hashable {
    let kind: EntityKind
    let id: UInt64
    init(_ kind: EntityKind, _ id: UInt64) {
        self.kind = kind
        self.id = id
    }
}
