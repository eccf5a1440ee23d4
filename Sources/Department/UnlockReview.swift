import Foundation
import VaultCrypto
import VaultFormat

/// What an owner's unlock must review and keep in line (DEPARTMENT.md §4, §5): a forced password
/// change after an escrow reset, trust in the registry, departed managers' slots (removed on a
/// writing unlock), new managers announced, escrow uses, a broken escrow or a pending rekey, and
/// the rotation reminder. It returns what happened and what to tell; the command line prints.
public struct UnlockReview: Sendable {
    /// One thing the owner is told.
    public enum Notice: Sendable {
        /// A registry was found but refused; escrow slots were not touched.
        case registryRefused(Error)
        /// Managers the department removed: their slots were removed from this archive (the
        /// owner said yes).
        case departedRemoved(names: [String])
        /// Managers the department removed who can still open it: a reading unlock, shares (only
        /// `escrow update` can take a share out), or the owner said no or had no terminal to
        /// say yes (`asked` false). Nothing was changed; `escrow update` shows them and asks.
        case departedStillHold(names: [String], removed: [PendingManager] = [], asked: Bool = false)
        /// The registry is signed by a new administrator key that the pinned one handed over to
        /// (DEPARTMENT.md §3.7); `repinned` when this (writing) unlock pinned the new key.
        case administratorRotated(from: String, to: String, repinned: Bool)
        /// The department's escrow changed and is not applied yet (`escrow update`).
        case escrowChangePending(added: [PendingManager], threshold: (from: Int, to: Int)?)
        /// Managers opened or reset the archive this many times, the last at `lastAt`.
        case escrowUses(count: Int, lastAt: Int64)
        /// Fewer escrow shares remain than needed.
        case escrowBroken(left: Int, needed: Int)
        /// A manager who could open it was removed: old copies still open with their key.
        case rekeyRequired
        /// The rotation rule is due or overdue.
        case rotation(RotationReminder)
        /// Header dates that cannot be true (DEPARTMENT.md §5): a change dated after today or
        /// before the archive's creation; not compliant.
        case impossibleDates([RotationPolicy.DateProblem])
        /// The department's audit log names escrow uses the archive lacks, or has lines that do not
        /// verify (DEPARTMENT.md §7.4).
        case auditLog(ArchiveAudit)
        /// The archive counts escrow uses the owner has not seen, but the department has no audit
        /// log for it (none, or emptied): deleted, or uses made before the log existed or outside the department.
        case auditLogMissing(path: String, uses: Int, lastAt: Int64)
    }

    /// A manager the department added, with the fingerprint the owner checks.
    public struct PendingManager: Sendable, Equatable {
        public let name: String
        public let role: String
        public let fingerprint: String
    }

    /// The password's age against the rule.
    public struct RotationReminder: Sendable {
        public let evaluation: RotationPolicy.Evaluation
        public let policy: RotationPolicy
        public let passwordChangedAt: Int64
        public var neverChanged: Bool { evaluation.neverChanged }
    }

    /// The owner must set their own password first (an escrow reset): nothing else runs.
    public struct MustChangePassword: Error, Sendable {
        public let resetAt: Int64
    }

    /// The archive is unsigned, no escrow reset is pending, and the department enrolled the
    /// owner's key: its owner signature was removed (FORMAT.md §5.6). Refused before anything
    /// is written, so that it is never signed with a new key (§8.8).
    public struct StrippedSignature: Error, Sendable {
        public let en: String
        public let zh: String
    }

    /// Throws `StrippedSignature` for an owner's open of a stripped archive (the registry given,
    /// or the department's, loaded here).
    public static func refuseStripped(_ vault: Vault, path: String, registry: Registry?, departmentOverride: String?) throws {
        guard vault.openedThroughEscrow == nil,
              let why = OwnerSignatureVerdict.strippedProblem(path: path, archiveID: vault.prefix.archiveIDHex, header: vault.header, registry: registry,
                                                                departmentOverride: departmentOverride)
        else { return }
        throw StrippedSignature(en: why.en, zh: why.zh)
    }

    /// What the owner answered when shown the managers a registry removes (DEPARTMENT.md §4):
    /// a removal is applied only on `.apply`.
    public enum RemovalAnswer: Sendable {
        /// The owner said yes.
        case apply
        /// The owner said no (asked on a terminal).
        case decline
        /// No terminal to ask on: not applied, the owner is told to run `escrow update`.
        case noTerminal
        /// The command itself shows and asks (`escrow update`): nothing applied, nothing told.
        case deferred
    }

    public let notices: [Notice]
    /// The verified registry, when the archive is in a department and it was trusted.
    public let registry: Registry?

    /// Reviews `vault` just unlocked by its owner at `now`. Throws `MustChangePassword` when an
    /// escrow reset is pending (unless `allowMustChange`, for `passwd` itself). On a writing
    /// unlock, departed managers' slots are removed (the only change made here).
    /// `confirmRemoval` is shown the managers a writing unlock would remove and answers for the
    /// owner; without it nothing is removed (as without a terminal).
    public static func run(_ vault: Vault, path: String, now: Int64, departmentOverride: String? = nil, allowMustChange: Bool = false,
                           confirmRemoval: (([PendingManager]) -> RemovalAnswer)? = nil) throws -> UnlockReview {
        let h = vault.header
        var notices: [Notice] = []
        var registry: Registry?
        if h.department != nil || ArchiveDepartment.layout(forArchive: path, override: departmentOverride) != nil {
            do {
                registry = try ArchiveDepartment.registry(forArchive: path, header: h, override: departmentOverride)
            } catch {
                notices.append(.registryRefused(error))
            }
        }
        // FORMAT.md §5.6, §8.8: a stripped archive is refused before any write could sign it.
        try refuseStripped(vault, path: path, registry: registry, departmentOverride: departmentOverride)
        // After it: a reset flag the department's log does not back is not a reset (round 4, N1).
        if h.flags.contains(.mustChangePassword) && !allowMustChange { throw MustChangePassword(resetAt: h.passwordChangedAt) }
        if let registry, h.department != nil { notices += try syncEscrow(vault, registry: registry, confirmRemoval: confirmRemoval) }
        if let uses = vault.header.escrowUses { notices.append(.escrowUses(count: Int(uses.unacknowledged), lastAt: uses.lastUseAt)) }
        // DEPARTMENT.md §7.4: every signed use in the department's log must be in the archive.
        if vault.openedThroughEscrow == nil, let layout = ArchiveDepartment.layout(forArchive: path, override: departmentOverride) {
            let audit = ArchiveAudit.check(layout: layout, vault: vault, registry: registry)
            if audit.tampered || audit.unregistered > 0 || audit.unreadable != nil { notices.append(.auditLog(audit)) }
            if audit.holdsNoLine, let uses = vault.header.escrowUses {
                notices.append(.auditLogMissing(path: audit.path, uses: Int(uses.unacknowledged), lastAt: uses.lastUseAt))
            }
        }
        let remaining = vault.header.escrowSlots
        if let k = remaining.first?.threshold, remaining.count < k {
            notices.append(.escrowBroken(left: remaining.count, needed: k))
        } else if vault.header.flags.contains(.rekeyRequired) {
            notices.append(.rekeyRequired)
        }
        let policy = registry?.rotationPolicy ?? .standard
        let e = policy.evaluate(h, now: now)
        if !e.dateProblems.isEmpty {
            notices.append(.impossibleDates(e.dateProblems))
        } else if e.status != .ok, e.overdueDay != nil {
            notices.append(.rotation(RotationReminder(evaluation: e, policy: policy, passwordChangedAt: h.passwordChangedAt)))
        }
        return UnlockReview(notices: notices, registry: registry)
    }

    /// Removed managers lose their slot on a writing unlock only when the owner, shown their
    /// names and fingerprints, says yes; added ones are only announced, with fingerprints, until
    /// the owner runs `escrow update`. A registry signed by a key the pinned one handed over to
    /// is pinned (writing unlock) and its fingerprint shown.
    static func syncEscrow(_ vault: Vault, registry: Registry, confirmRemoval: (([PendingManager]) -> RemovalAnswer)?) throws -> [Notice] {
        var notices: [Notice] = []
        let coverage = EscrowCoverage.evaluate(vault.header, registry: registry)
        let slots = vault.header.escrowSlots
        let owner = vault.access == .readWrite && vault.openedThroughEscrow == nil
        // Removing a departed manager's slot on its own is safe only when every slot opens the
        // archive alone (threshold 1). A Shamir share cannot be taken out of a k-of-n split: the
        // remaining shares would no longer reach k, so that waits for `escrow update`, which deals
        // new shares and rekeys in one atomic replace (found by the crash harness, CRASHTEST.md).
        let anyOne = (slots.first?.threshold ?? 1) == 1
        if !coverage.departed.isEmpty {
            let removed = coverage.departed.map { PendingManager(name: $0.name, role: "", fingerprint: KeyFile.fingerprint($0.recipient.rawRepresentation)) }
            let answer: RemovalAnswer = anyOne && owner ? (confirmRemoval?(removed) ?? .noTerminal) : .noTerminal
            switch answer {
            case .apply:
                let gone = Set(coverage.departed.map(\.recipient.rawRepresentation))
                let kept = slots.map(\.holder).filter { !gone.contains($0.recipient.rawRepresentation) }
                let pin = try registry.escrowPlan().pin
                try vault.updateEscrow(Vault.EscrowPlan(holders: kept, threshold: slots.first?.threshold ?? 1, pin: pin))
                notices.append(.departedRemoved(names: coverage.departed.map(\.name)))
            case .deferred:
                break
            case .decline, .noTerminal:
                notices.append(.departedStillHold(names: coverage.departed.map(\.name), removed: removed, asked: answer == .decline))
            }
        }
        let pinnedKey = vault.header.department?.adminKey ?? []
        let registryKey = try registry.adminPublicKey.rawRepresentation
        if !constantTimeEquals(pinnedKey, registryKey) {
            // Accepted through a rotation from the pinned key (Registry.check): pin the new key,
            // with the same holders and threshold.
            var repinned = false
            if owner, let pin = vault.header.department {
                try vault.updateEscrow(Vault.EscrowPlan(holders: vault.header.escrowSlots.map(\.holder), threshold: slots.first?.threshold ?? 1,
                                                        pin: ArchiveHeader.DepartmentPin(adminKey: registryKey, registrySerial: registry.repinSerial(from: pin.registrySerial))))
                repinned = true
            }
            notices.append(.administratorRotated(from: KeyFile.fingerprint(pinnedKey), to: KeyFile.fingerprint(registryKey), repinned: repinned))
        }
        let threshold = slots.first?.threshold ?? registry.policy.escrowThreshold
        if !coverage.missing.isEmpty || threshold != registry.policy.escrowThreshold {
            let added = coverage.missing.map { m in
                PendingManager(name: m.name, role: m.role,
                               fingerprint: (try? KeyFile.parseRecipient(m.recipient)).map { KeyFile.fingerprint($0.rawRepresentation) } ?? "?")
            }
            notices.append(.escrowChangePending(added: added, threshold: threshold != registry.policy.escrowThreshold ? (threshold, registry.policy.escrowThreshold) : nil))
        }
        return notices
    }
}
