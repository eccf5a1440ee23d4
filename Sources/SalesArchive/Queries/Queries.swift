import Foundation
import VaultCrypto
import VaultFormat

/// Read-only questions about the archive.
extension CustomerArchive {
    /// Customers, A first, then by name; optionally only some grades.
    public func customers(grades: Set<Grade>? = nil) -> [Entity] {
        var keyed: [(rank: Int, name: String, entity: Entity)] = []
        state.each(.customer) { e in
            let g = e["grade"]?.text.flatMap(Grade.init(rawValue:)) ?? .unrated
            if grades?.contains(g) ?? true { keyed.append((g.rank, e["name"]?.text ?? "", e)) }
        }
        // Sort keys computed once; names compared as UTF-8 bytes (stable and fast for Chinese).
        keyed.sort { $0.rank != $1.rank ? $0.rank < $1.rank : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        return keyed.map(\.entity)
    }

    /// Records of `kind` that belong to customer `customerID`, in id order. For the contact log
    /// only that customer's entries are read (RECORDS.md §5).
    public func children(_ kind: EntityKind, of customerID: UInt64) throws -> [Entity] {
        if kind == .activity { try loadContactLog(customer: customerID) }
        return state.children(kind, ofCustomer: customerID)
    }

    /// The grade the nearest expected bidding or signing date suggests, when it contradicts the
    /// customer's grade (data-model.md: a hint, never an automatic change).
    public func gradeHint(_ customer: Entity, now: Int64) -> (suggested: Grade, date: Int32)? {
        Self.gradeHint(customer, projects: state.children(.project, ofCustomer: customer.id), now: now)
    }

    /// `gradeHint` given the customer's projects (the agenda groups them once: it scanned every
    /// project for each customer, 27 s for 16,000 customers with a project each: helper-143).
    static func gradeHint(_ customer: Entity, projects: [Entity], now: Int64) -> (suggested: Grade, date: Int32)? {
        let today = DateParser.localDay(now)
        var nearest: Int32?
        for p in projects {
            let stage = p["stage"]?.text.flatMap(SalesStage.init(rawValue:)) ?? .infoDevelopment
            guard !stage.isClosed else { continue }
            for key in ["expectedBid", "expectedSign"] {
                if let d = p[key]?.day, d >= today, d < (nearest ?? .max) { nearest = d }
            }
        }
        guard let nearest, let suggested = Grade.hint(daysAhead: Int(nearest - today)) else { return nil }
        let grade = customer["grade"]?.text.flatMap(Grade.init(rawValue:)) ?? .unrated
        return grade == suggested ? nil : (suggested, nearest)
    }

    /// Customers not contacted for more than `days` calendar days (`ContactIntervals.silentDays`),
    /// counted from when they were added if never (`--days 0`: those not contacted today), A and B
    /// first, then the longest silent.
    public func stale(days: Int, now: Int64) -> [Entity] {
        var out: [Entity] = []
        state.each(.customer) { e in
            if ContactIntervals.silentDays(last: e["lastContactAt"]?.int ?? e.createdAt, asOf: now)! > days { out.append(e) }
        }
        return out.sorted {
            let a = Grade(rawValue: $0["grade"]?.text ?? "")?.rank ?? 4
            let b = Grade(rawValue: $1["grade"]?.text ?? "")?.rank ?? 4
            let (x, y) = ($0["lastContactAt"]?.int ?? .min, $1["lastContactAt"]?.int ?? .min)
            return a != b ? a < b : x != y ? x < y : $0.id < $1.id
        }
    }

    /// Substring search over names, notes and logs, Chinese and English alike (case-insensitive).
    /// Secret fields (a contact's personal background) are searched only when asked.
    public func search(_ text: String, includeSecret: Bool = false) throws -> [(entity: Entity, field: String, text: String)] {
        try loadContactLog()
        // The needle and every text as `CompanyName.searchable` gives them: compatibility forms
        // as plain ones (search abc missed ＡＢＣ科技, which `customer show abc` finds: helper-145;
        // ﬁ, ㈱ and half-width katakana, which imports compare so, until 2026-12-06), and
        // simplified and traditional characters alike (search 華為 found nothing under 华为, and
        // 电话 not the entries written 電話: helper-139).
        let needle = CompanyName.searchable(text.trimmedWhitespace)
        guard !needle.isEmpty else { return [] }
        var specsOf: [EntityKind: [FieldSpec]] = [:]
        for kind in EntityKind.allCases {
            specsOf[kind] = Schema.fields(kind).filter { $0.type == .text && (includeSecret || $0.sensitivity != .secret) }
        }
        var hits: [(Entity, String, String)] = []
        for kind in EntityKind.allCases {
            let specs = specsOf[kind] ?? []
            state.each(kind) { e in
                for spec in specs {
                    if let value = e[number: spec.number]?.text, CompanyName.searchable(value).holds(needle) {
                        hits.append((e, spec.key, value))
                        break
                    }
                }
            }
        }
        return hits.sorted { ($0.0.kind.rawValue, $0.0.id) < ($1.0.kind.rawValue, $1.0.id) }
    }
}

/// One line of history: who changed what, when, from what to what.
public struct HistoryEntry: Sendable {
    public let at: Int64
    public let actor: String
    public let operation: ChangeEvent.Operation
    public let kind: EntityKind
    public let id: UInt64
    public let field: FieldSpec?
    public let old: FieldValue?
    public let new: FieldValue?
    public let reason: String?
    /// A grade change's result and the problems met (fields 101, 102), when given with it.
    public var result: String? = nil
    public var problem: String? = nil
    /// When a project's stage change happened, when it is earlier than the change was recorded
    /// (`project stage --at`, its event's `stageSince`); nil for every other change.
    public var happenedAt: Int64? = nil
    /// The change set it belongs to (RECORDS.md §8) and what made it.
    public let batch: UInt64
    public let label: String
}

/// A project's move from one stage to another, as its history has it (`CustomerArchive.stageMoves`).
public struct StageMove: Sendable, Equatable {
    /// When it happened (a move typed in later with `--at`: that time).
    public let at: Int64
    public let from: SalesStage
    public let to: SalesStage
    public let reason: String?

    public init(at: Int64, from: SalesStage, to: SalesStage, reason: String?) {
        self.at = at
        self.from = from
        self.to = to
        self.reason = reason
    }
}

extension CustomerArchive {
    /// Each project's moves between stages, oldest first, by the project's id: kept in the
    /// history, not among its fields (its fields hold only the stage it is at, and since when).
    /// An export writes them (阶段变更记录), and an import of a project the file adds makes them
    /// again, so that a handed-over project keeps its way through the stages. Only the projects
    /// of `projects` (all when nil).
    public func stageMoves(projects: Set<UInt64>? = nil) throws -> [UInt64: [StageMove]] {
        if let projects, projects.isEmpty { return [:] }
        guard !state.all(.project).isEmpty else { return [:] }
        var out: [UInt64: [StageMove]] = [:]
        for h in try history() where h.kind == .project && h.field?.key == "stage" && projects?.contains(h.id) ?? true {
            guard let from = h.old?.text.flatMap(SalesStage.init(rawValue:)), let to = h.new?.text.flatMap(SalesStage.init(rawValue:)), from != to else { continue }
            out[h.id, default: []].append(StageMove(at: h.happenedAt ?? h.at, from: from, to: to, reason: h.reason))
        }
        return out
    }

    /// The reason each withdrawn or unfounded complaint was given, by its id: kept in the
    /// history (the withdrawal's), not among its fields. Only complaints whose status is one of
    /// the two; an export writes it, and an import reads it back (helper-201 1: the copy said
    /// 按导入文件“e.xlsx”记为：客户撤回投诉 instead). `customer`: only that customer's (its
    /// history alone is read), as `complaint show` asks for one.
    public func withdrawalReasons(customer: UInt64? = nil) throws -> [UInt64: String] {
        let ended = Set(state.all(.complaint).filter { ["withdrawn", "unfounded"].contains($0["status"]?.text ?? "") && (customer == nil || $0["customer"]?.ref == customer) }.map(\.id))
        guard !ended.isEmpty else { return [:] }
        var out: [UInt64: String] = [:]
        for h in try history(customer: customer) where h.kind == .complaint && ended.contains(h.id) && h.field?.key == "withdrawnAt" {
            if let reason = h.reason, h.new != nil { out[h.id] = reason }
        }
        return out
    }

    /// Every change in [since, until), optionally only those about one customer (its own record
    /// and its contacts, projects, log entries and complaints). Only the batches from `since` on
    /// are decrypted.
    public func history(since: Int64 = .min, until: Int64 = .max, customer: UInt64? = nil, includeSecret: Bool = false) throws -> [HistoryEntry] {
        if let customer { try loadContactLog(customer: customer) }  // log entries are matched to their customer
        let times = state.batchTimes
        let first = times.firstIndex { $0 >= since } ?? times.count
        var out: [HistoryEntry] = []
        try vault.forEachRecord(from: UInt64(first)) { index, payload in
            if Snapshot.isSnapshot(payload) { return }  // a summary, not a change (RECORDS.md §6)
            let batch = try BatchCodec.decode(payload)
            guard batch.at >= since, batch.at < until else { return }
            let batchID = batch.batch ?? index
            for event in batch.events {
                if let customer {
                    let owner = event.kind == .customer ? event.id : (state.entities(event.kind, event.id)?["customer"]?.ref)
                    guard owner == customer else { continue }
                }
                let reason = event.changes.first { $0.field == Schema.reasonField }?.new?.text
                let result = event.changes.first { $0.field == Schema.resultField }?.new?.text
                let problem = event.changes.first { $0.field == Schema.problemField }?.new?.text
                let fieldChanges = event.changes.filter { !Schema.isNote($0.field) }
                if fieldChanges.isEmpty || event.operation != .update {
                    out.append(HistoryEntry(at: batch.at, actor: batch.actor, operation: event.operation, kind: event.kind, id: event.id,
                                            field: nil, old: nil, new: nil, reason: reason, result: result, problem: problem,
                                            batch: batchID, label: batch.label))
                    if event.operation != .update { continue }
                }
                for c in fieldChanges {
                    let spec = Schema.field(event.kind, number: c.field)
                    if spec?.sensitivity == .secret && !includeSecret { continue }  // RECORDS.md §4
                    var entry = HistoryEntry(at: batch.at, actor: batch.actor, operation: event.operation, kind: event.kind, id: event.id,
                                             field: spec, old: c.old, new: c.new, reason: reason,
                                             result: result, problem: problem, batch: batchID, label: batch.label)
                    // (A stage move typed in later: shown at its typing time only, helper-180 N2.)
                    // (Not an undo's move back: it puts back the time the project entered the
                    // stage before, which is no time of the undo: helper-181 M1.)
                    if event.kind == .project, spec?.key == "stage", batch.undoes == nil,
                       let entered = event.changes.first(where: { $0.field == Self.stageSinceField })?.new?.int, entered < batch.at {
                        entry.happenedAt = entered
                    }
                    out.append(entry)
                }
            }
        }
        return out
    }
}

extension CustomerArchive {
    static let stageSinceField = Schema.number(.project, "stageSince")

    /// The latest change of customer `id`'s grade after it was added (its history line: old and
    /// new grade, time, batch); nil when its grade never changed.
    public func latestGradeChange(of id: UInt64) throws -> HistoryEntry? {
        try history(customer: id).last { $0.kind == .customer && $0.id == id && $0.field?.key == "grade" }
    }
}

extension CustomerArchive {
    /// The change batches saved in [since, until) (by their time), in the order they were saved,
    /// with their record index; snapshots are skipped. Only the records from `since` on are
    /// decrypted (the weekly report reads a fortnight this way).
    public func batches(since: Int64 = .min, until: Int64 = .max) throws -> [(index: UInt64, batch: ChangeBatch)] {
        let times = state.batchTimes
        let first = times.firstIndex { $0 >= since } ?? times.count
        var out: [(UInt64, ChangeBatch)] = []
        try vault.forEachRecord(from: UInt64(first)) { index, payload in
            if Snapshot.isSnapshot(payload) { return }
            let batch = try BatchCodec.decode(payload)
            guard batch.at >= since, batch.at < until else { return }
            out.append((index, batch))
        }
        return out
    }
}

extension ArchiveState {
    /// A removed customer by its id (C12), its full name (the latest so named), or a part of its
    /// name that no other removed customer's has, whose history is still there to show
    /// (`history C12` after `customer remove`).
    public func removedCustomer(_ query: String) -> Entity? {
        let q = query.trimmedSpaces
        var found: Entity?
        eachIncludingRemoved(.customer) { e in
            guard e.removed else { return }
            if q.uppercased() == e.shortID || q == String(e.id) { found = e; return }
            if q == e["name"]?.text, found.map({ $0.shortID != q.uppercased() && $0.id < e.id }) ?? true { found = e }
        }
        if found != nil || q.isEmpty { return found }
        // Any part of its name, as lookups take it, when that names one removed customer only.
        var parts: [Entity] = []
        eachIncludingRemoved(.customer) { e in if e.removed, e["name"]?.text?.localizedCaseInsensitiveContains(q) == true { parts.append(e) } }
        return parts.count == 1 ? parts[0] : nil
    }

    /// The latest removed customer one of whose names (full name, short name, code, aliases, as
    /// lookups take them) or whose id is `text` exactly: what an import says a row naming it
    /// refers to (helper-182: an alias or code of a removed customer was "in neither the file nor
    /// the archive", or suggested another company).
    public func removedCustomer(named text: String) -> Entity? {
        let q = text.trimmedSpaces.lowercased()
        guard !q.isEmpty else { return nil }
        var found: Entity?
        eachIncludingRemoved(.customer) { e in
            guard e.removed, e.id > (found?.id ?? 0) else { return }
            if e.shortID.lowercased() == q || Lookup.names(of: e).contains(where: { $0.trimmedSpaces == q }) { found = e }
        }
        return found
    }

    /// An entity even if removed (history still names it).
    public func entities(_ kind: EntityKind, _ id: UInt64) -> Entity? {
        entityIncludingRemoved(kind, id)
    }
}

/// Where an archive's history stood when something was read from it (an export): how many
/// records it had, when the last was saved, and the SHA-256 of that record's content (its first
/// 8 bytes, hex). An archive whose record of that number is that one has the same history up to
/// there; a copy that went its own way (a restored backup) saved other records under the same
/// numbers, also in the same second (helper-101: the time alone told two such copies apart only
/// when they saved in different seconds). INTERCHANGE.md §4.1.
public struct ArchiveVersion: Equatable, Sendable {
    public let records: Int
    public let lastSavedAt: Int64
    public let digest: String

    /// `17 2026-12-03T06:29:05Z 3fa9c2d1e07b4a65`, as an export writes it.
    public var text: String { "\(records) \(FieldFormat.isoInstant(lastSavedAt)) \(digest)" }
}

extension ArchiveVersion {

    /// The version `text` gives, or nil.
    public init?(text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard parts.count == 3, let n = Int(parts[0]), n > 0, parts[1].hasSuffix("Z"), let at = FieldFormat.instant(iso: String(parts[1])),
              parts[2].utf8.count == 16, parts[2].utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        self.init(records: n, lastSavedAt: at, digest: String(parts[2]))
    }
}

/// A record's field (or the record itself, `field` nil: created, removed or restored).
public struct FieldKey: Hashable, Sendable {
    public let kind: EntityKind
    public let id: UInt64
    public let field: UInt8?

    public init(_ kind: EntityKind, _ id: UInt64, _ field: UInt8?) {
        self.kind = kind
        self.id = id
        self.field = field
    }
}

extension CustomerArchive {
    /// Where the archive's history stands now.
    public func version() throws -> ArchiveVersion {
        let n = state.batchTimes.count
        return ArchiveVersion(records: n, lastSavedAt: state.batchTimes.last ?? vault.header.createdAt, digest: try recordDigest(n - 1) ?? "")
    }

    /// Whether the archive's history is `version`'s up to there (its record of that number is
    /// that one: saved at that time, of that content).
    public func descends(from version: ArchiveVersion) -> Bool {
        let times = state.batchTimes
        guard version.records <= times.count, times[version.records - 1] == version.lastSavedAt else { return false }
        return (try? recordDigest(version.records - 1)) == version.digest
    }

    /// The first 8 bytes of the SHA-256 of record `index`'s content, hex; nil for no record.
    private func recordDigest(_ index: Int) throws -> String? {
        guard index >= 0 else { return nil }
        struct Found: Error { let digest: String }
        do {
            try vault.forEachRecord(from: UInt64(index)) { _, payload in throw Found(digest: try SHA256.hash(payload).prefix(8).hexString) }
        } catch let found as Found {
            return found.digest
        }
        return nil
    }

    /// What happened to the archive since `version`: the fields changed, and the records
    /// created, removed or restored (field nil), each with the last batch that did it; and the
    /// value each changed field had then (`atVersion`).
    public func changes(since version: ArchiveVersion) throws -> (batches: [FieldKey: UInt64], atVersion: [FieldKey: FieldValue?]) {
        var out: [FieldKey: UInt64] = [:]
        var then: [FieldKey: FieldValue?] = [:]
        guard version.records < state.batchTimes.count else { return (out, then) }
        try vault.forEachRecord(from: UInt64(version.records)) { index, payload in
            if Snapshot.isSnapshot(payload) { return }
            let batch = try BatchCodec.decode(payload)
            let id = batch.batch ?? index
            for event in batch.events {
                if event.operation != .update { out[FieldKey(event.kind, event.id, nil)] = id }
                for c in event.changes where !Schema.isNote(c.field) {
                    let key = FieldKey(event.kind, event.id, c.field)
                    out[key] = id
                    if then.index(forKey: key) == nil { then[key] = .some(c.old) }
                }
            }
        }
        return (out, then)
    }
}
