import Foundation
import VaultCrypto

/// Key management: password, escrow slots, flags, a new data key (FORMAT.md §5, §8.4, §8.5).
extension Vault {
    /// True when `password` is one of the last five (FORMAT.md §5.4), so that a command can
    /// refuse it before doing anything else.
    public func isRecentPassword(_ password: SecureBytes) throws -> Bool {
        try passwordHistory().contains(password)
    }

    /// Re-wraps the DEK under a new password; the body is not touched (FORMAT.md §8.4). Refuses
    /// the last five passwords (FORMAT.md §5.4) with `.passwordReused` (`refusingRecent: false`
    /// only for the crash-test driver, which alternates two passwords; the history is still kept).
    /// `rekeyFollows`: the same header write sets `rekeyRequired` (FORMAT.md §4.2), which the
    /// `rekey` that follows clears: a leaked password changed and the process stopped before the
    /// new data key leaves an archive that says it needs one (`compromised`: helper-194).
    /// `current`: the password the archive was opened with; after an escrow reset (the
    /// temporary password a manager chose and knows) it enters the new history before the new
    /// one, so that it cannot be chosen later (helper-194: it was accepted at the next change).
    public func changePassword(to newPassword: SecureBytes, kdf choice: KDFParameters.Choice, now: Int64, rekeyFollows: Bool = false, current: SecureBytes? = nil) throws {
        try changePassword(to: newPassword, kdf: choice, now: now, refusingRecent: true, rekeyFollows: rekeyFollows, current: current)
    }

    /// The same, for the crash-test driver and the benchmark only (not public API).
    package func changePassword(to newPassword: SecureBytes, kdf choice: KDFParameters.Choice, now: Int64, refusingRecent: Bool, rekeyFollows: Bool = false,
                                current: SecureBytes? = nil) throws {
        try requireWritable(allowUnfinished: true)
        try requireOwner("a password change")
        var history = try passwordHistory()
        guard try !refusingRecent || !history.contains(newPassword) else {
            throw VaultError(.passwordReused, "the new password is one of the last \(FormatV1.passwordHistoryCount) passwords of this archive")
        }
        if let current, header.flags.contains(.mustChangePassword), try !history.contains(current) { try history.push(current) }
        try history.push(newPassword)
        // FORMAT.md §5.5: the history lives in the owner's secrets, re-sealed under the new
        // password's KEK (an archive without them gets its signing key now).
        // After an escrow reset (the manager knows the temporary password) always a new key.
        if header.flags.contains(.mustChangePassword) { ownerSecrets = nil }
        signingSuspended = false
        try beginOwnerSecrets()
        guard var secrets = ownerSecrets else { return }
        secrets.history = history
        let kek = try writePasswordSlot(newPassword, kdf: choice, now: now) { next, kek in
            next.flags.remove(.mustChangePassword)
            if rekeyFollows { next.flags.insert(.rekeyRequired) }
            next.passwordHistory = nil
            next.ownerSecrets = try secrets.sealed(kek: kek, archiveID: prefix.archiveID)
            // FORMAT.md §4.2 0x10: the owner's changes are counted (an escrow reset is not). A
            // header written before the field existed gets it now, from the old rule: a lower bound.
            let before = next.passwordChanges ?? (next.passwordChangedAt == next.createdAt ? 0 : 1)
            next.passwordChanges = before == .max ? before : before + 1
        }
        ownerSecrets = secrets
        passwordKEK = kek
    }

    /// A manager's password reset through escrow (DEPARTMENT.md §4): a temporary password that
    /// must be changed at the next unlock. Not entered in the password history.
    public func resetPassword(temporary: SecureBytes, kdf choice: KDFParameters.Choice, now: Int64) throws {
        try requireWritable(allowUnfinished: true)
        // The owner's secrets are sealed under the owner's password, which a manager does not
        // know: they and the owner's signature are dropped (FORMAT.md §5.5); the owner's forced
        // password change makes a new signing key, to be enrolled again.
        signingSuspended = true
        ownerSecrets = nil
        _ = try writePasswordSlot(temporary, kdf: choice, now: now) { next, _ in
            next.flags.insert(.mustChangePassword)
            next.ownerSecrets = nil
            next.ownerSignature = nil
        }
    }

    /// Seals the data key under `password` in a new password slot (its place kept), dates the
    /// change, lets `adjust` finish the header, writes it; returns the slot's key-encryption key.
    private func writePasswordSlot(
        _ password: SecureBytes, kdf choice: KDFParameters.Choice, now: Int64, adjust: (inout ArchiveHeader, SymmetricKey) throws -> Void
    ) throws -> SymmetricKey {
        let kdf = try KDFParameters.resolve(choice)
        let sealed = try PasswordSlot.seal(dek: dek, password: password, kdf: kdf, archiveID: prefix.archiveID)
        var next = header
        next.slots = next.slots.map { if case .password = $0 { return .password(sealed.slot) } else { return $0 } }
        try adjust(&next, sealed.kek)
        next.passwordChangedAt = now
        try writeHeader(next)
        return sealed.kek
    }

    /// Brings the escrow slots in line with `plan` without a new DEK (DEPARTMENT.md §4): slots
    /// for new holders are added (and test-opened), slots of holders no longer listed are removed
    /// and the archive marked `rekeyRequired`. A change of threshold, or any change to shares,
    /// needs a new DEK: `.invalidArgument`, use `rekey(now:escrow:)`. Shares an earlier version
    /// dealt (scheme 2, not checkable) are re-dealt as verifiable shares of the same DEK for the
    /// same holders, in header order (FORMAT.md §5.2).
    public func updateEscrow(_ plan: EscrowPlan) throws {
        try requireWritable(allowUnfinished: true)
        try requireOwner("a change of who holds escrow slots")
        let current = header.escrowSlots
        if current.first?.scheme == .shamir, plan.threshold == current.first?.threshold,
           Set(plan.holders.map(\.recipient.rawRepresentation)) == Set(current.map(\.holder.recipient.rawRepresentation)) {
            try redealEscrow(holders: current.map(\.holder), threshold: plan.threshold, pin: plan.pin)
            return
        }
        let wanted = Set(plan.holders.map(\.recipient.rawRepresentation))
        let currentThreshold = current.first?.threshold ?? plan.threshold
        let kept = current.filter { wanted.contains($0.holder.recipient.rawRepresentation) }
        let keptKeys = Set(kept.map(\.holder.recipient.rawRepresentation))
        let added = plan.holders.filter { !keptKeys.contains($0.recipient.rawRepresentation) }
        // Shares can be dropped (a holder removed) but not added without a new split, and a new
        // threshold is a new split: both need a new DEK.
        if plan.threshold != currentThreshold || (current.first.map { $0.scheme != .whole } == true && !added.isEmpty) || (current.isEmpty && plan.threshold > 1) {
            throw VaultError(.invalidArgument, "the escrow threshold or the share holders change: this needs a new data key (rekey)")
        }
        let sealing = try EscrowSealing(dek: dek, holders: added, threshold: 1, archiveID: prefix.archiveID)
        var next = header
        next.slots = [.password(header.passwordSlot)] + (kept + sealing.slots).map { .escrow($0) }
        // Dropping shares keeps the others consistent with the commitments; none left, none kept.
        if kept.first?.scheme != .verifiable { next.shareCommitments = nil }
        next.department = plan.pin
        if kept.count < current.count { next.flags.insert(.rekeyRequired) }
        try writeHeaderVerifyingEscrow(next, sealing: sealing, newOnly: true)
    }

    /// New verifiable shares (scheme 3) of the same DEK for `holders` (x = 1…n in that order),
    /// new commitments, every slot test-opened and every share checked (FORMAT.md §5.2).
    func redealEscrow(holders: [EscrowSlot.Holder], threshold: Int, pin: ArchiveHeader.DepartmentPin?,
                      dealer: EscrowSealing.Dealer = .verifiable) throws {
        let sealing = try EscrowSealing(dek: dek, holders: holders, threshold: threshold, archiveID: prefix.archiveID, dealer: dealer)
        var next = header
        next.slots = [.password(header.passwordSlot)] + sealing.slots.map { .escrow($0) }
        next.shareCommitments = sealing.commitments
        if let pin { next.department = pin }
        switch dealer {
        case .inconsistentShare, .legacyShamir(.some):
            try writeHeader(next)  // a deliberately bad dealing (tests): no test-open
        default:
            try writeHeaderVerifyingEscrow(next, sealing: sealing, newOnly: false)
        }
    }

    /// Re-deals the escrow for tests and test vectors only: the scheme 2 of earlier versions, or
    /// a scheme-3 dealing whose share `x` does not match the commitments (a malicious writer's
    /// file, FORMAT.md §10). Keeps the DEK and the holders.
    package func redealEscrowForTesting(legacy: Bool = false, inconsistentShare x: UInt8? = nil) throws {
        try requireWritable(allowUnfinished: true)
        try requireOwner("a new escrow dealing")
        let slots = header.escrowSlots
        guard let k = slots.first?.threshold, k >= 2 else { throw VaultError(.invalidArgument, "no shared escrow to re-deal") }
        var dealer = EscrowSealing.Dealer.verifiable
        if legacy {
            dealer = .legacyShamir(inconsistentShare: x)
        } else if let x {
            dealer = .inconsistentShare(x: x)
        }
        try redealEscrow(holders: slots.map(\.holder), threshold: k, pin: nil, dealer: dealer)
    }

    /// Sets or clears header flags (escrow and policy use them), in one header update.
    public func setFlags(insert: ArchiveHeader.Flags = [], remove: ArchiveHeader.Flags = []) throws {
        try requireWritable(allowUnfinished: true)
        try requireOwner("a change of the header's flags")
        var next = header
        next.flags.formUnion(insert)
        next.flags.subtract(remove)
        try writeHeader(next)
    }

    /// New DEK, every record re-encrypted into a new file that atomically replaces the old one
    /// (FORMAT.md §8.5). The password stays the same. `progress` gets (records done, total).
    public func rekey(now: Int64, escrow plan: EscrowPlan? = nil, progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        try requireWritable(allowUnfinished: false)
        try requireOwner("a new data key")
        guard let passwordKEK else { throw VaultError(.invalidArgument, "a rekey needs the owner's password") }
        let newDEK = try SymmetricKey.generate(bitCount: 256)
        let newKeys = try DerivedKeys(dek: newDEK, archiveID: prefix.archiveID)
        let generation = header.dekGeneration &+ 1
        guard generation > header.dekGeneration else { throw VaultError(.limitExceeded, "key generation counter exhausted") }
        let newCodec = try RecordCodec(recordKey: newKeys.recordKey, archiveID: prefix.archiveID, generation: generation)
        let temporary = try FileSystem.temporaryPath(beside: path, tag: "rekey")
        let out: ArchiveFile
        do { out = try ArchiveFile(creating: temporary) } catch let e as VaultError { throw e.naming(path, insteadOf: temporary) }
        do {
            try out.lock(exclusive: true)
            var writer = BufferedWriter(file: out, offset: FormatV1.bodyOffset)
            defer { writer.close() }
            var reader = BodyReader(file: file, bodyLength: Int(header.bodyLength))
            var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
            defer {
                secureZero(scratch)  // the scratch held plaintext
                scratch.deallocate()
            }
            var oldChain = [UInt8](repeating: 0, count: 32)
            var chain = [UInt8](repeating: 0, count: 32)
            var index: UInt64 = 0
            let total = header.recordCount
            var checkpointChain: [UInt8]?
            while true {
                if let checkpoint = header.checkpoint, index == checkpoint.index {
                    guard reader.bodyPosition == Int(checkpoint.offset), constantTimeEquals(oldChain, checkpoint.chain) else {
                        throw VaultError(.recordsMismatch, "the header's checkpoint does not match the records; nothing was changed")
                    }
                    checkpointChain = chain
                }
                guard let sealed = try reader.next(index: index) else { break }
                if sealed.length > scratch.count {
                    secureZero(scratch)
                    scratch.deallocate()
                    scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: sealed.length, alignment: 64)
                }
                let plaintext = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<sealed.length])
                let oldLink = try sealed.bytes.withUnsafeBytes {
                    try codec.open(nonceCiphertextTag: $0, length: sealed.length, index: index, into: plaintext)
                }
                try codec.advance(&oldChain, oldLink)
                let link = try writer.append(count: FormatV1.recordOverhead + sealed.length) {
                    try newCodec.seal(UnsafeRawBufferPointer(plaintext), index: index, into: $0)
                }
                try newCodec.advance(&chain, link)
                index += 1
                progress?(index, total)
            }
            try writer.finish()
            guard index == header.recordCount, constantTimeEquals(oldChain, header.recordChain) else {
                throw VaultError(.recordsMismatch, "records do not match the header; nothing was changed")
            }
            // Every record is sealed again and signed up to the old signed count (FORMAT.md
            // §8.8): first the old ones must be the owner's (§6.5, from record 0).
            if ownerSecrets != nil, case .invalid(let why) = try RecordDigest.check(header, prefix: prefix, file: file) { throw Self.altered(why) }
            var next = header
            next.sequence += 1
            next.dekGeneration = generation
            next.dekRotatedAt = now
            next.recordChain = chain
            if let checkpointChain { next.checkpoint?.chain = checkpointChain }
            next.flags.remove(.rekeyRequired)
            let slot = try PasswordSlot.seal(dek: newDEK, kek: passwordKEK, kdf: header.passwordSlot.kdf, salt: header.passwordSlot.salt, archiveID: prefix.archiveID)
            // New escrow slots for the same holders (or the plan's): the old ones hold the old key.
            let holders = plan?.holders ?? header.escrowSlots.map(\.holder)
            let threshold = plan?.threshold ?? header.escrowSlots.first?.threshold ?? 1
            let sealing = holders.isEmpty ? nil : try EscrowSealing(dek: newDEK, holders: holders, threshold: threshold, archiveID: prefix.archiveID)
            next.slots = [.password(slot)] + (sealing?.slots.map { .escrow($0) } ?? [])
            next.shareCommitments = sealing?.commitments
            if let plan { next.department = plan.pin }
            let history = try PasswordHistory(sealed: header.passwordHistory, key: keys.historyKey, archiveID: prefix.archiveID)
            next.passwordHistory = header.passwordHistory == nil ? nil : try history.sealed(key: newKeys.historyKey, archiveID: prefix.archiveID)
            let signing = try signAsOwner(&next, file: out, fromStart: true)
            let copy = try HeaderCopy(header: next, prefix: prefix, headerKey: newKeys.headerKey)
            try out.write(prefix.serialized + copy.bytes + copy.bytes, at: 0)
            try out.sync()
            let written = try ArchiveInspection.read(out)
            for c in written.copies { try sealing?.verify(try Self.requireCopy(c).header, archiveID: prefix.archiveID) }
            try FileSystem.replace(path, with: temporary)
            file = out
            dek = newDEK
            keys = newKeys
            codec = newCodec
            header = next
            signing?.commit(to: self)
            copyStates = [.current, .current]
        } catch {
            FileSystem.remove(temporary)
            throw (error as? VaultError)?.naming(path, insteadOf: temporary) ?? error
        }
    }


    /// Key management is the owner's: a vault opened through escrow may only reset the password
    /// (`resetPassword`) and record its own use.
    func requireOwner(_ what: String) throws {
        guard openedThroughEscrow == nil else {
            throw VaultError(.invalidArgument, "\(what) needs the owner's password; escrow access is read-only (only its own audit record is written)")
        }
    }
}
