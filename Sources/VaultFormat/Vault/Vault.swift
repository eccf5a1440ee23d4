import VaultCrypto

/// An unlocked archive: holds the data key, the lock, and the authenticated header.
/// Reads and writes follow FORMAT.md §7 and §8. One instance per process and archive.
public final class Vault {
    public enum Access: Sendable { case readOnly, readWrite }

    public let path: String
    public let prefix: ArchivePrefix
    public let access: Access
    /// The authenticated current header.
    public private(set) var header: ArchiveHeader
    /// The state of both copies when the archive was opened or last written.
    public private(set) var copyStates: [ArchiveInspection.CopyState]
    /// Bytes after the committed body found at open (an unfinished append).
    public private(set) var unfinishedBytes: Int

    private var file: ArchiveFile
    private var dek: SymmetricKey
    private var keys: DerivedKeys
    private var codec: RecordCodec
    /// The key-encryption key of the password slot, kept so `rekey` re-wraps without a second KDF;
    /// nil when a manager opened the archive through escrow.
    private var passwordKEK: SymmetricKey?
    /// The escrow holders whose keys opened the archive (nil when the password did).
    public private(set) var openedThroughEscrow: [EscrowSlot.Holder]?

    /// Escrow slots to write (FORMAT.md §5.2) and the department key to pin (§4.2).
    public struct EscrowPlan: Sendable {
        public let holders: [EscrowSlot.Holder]
        public let threshold: Int
        public let pin: ArchiveHeader.DepartmentPin
        public init(holders: [EscrowSlot.Holder], threshold: Int, pin: ArchiveHeader.DepartmentPin) {
            self.holders = holders
            self.threshold = threshold
            self.pin = pin
        }
    }

    private init(
        path: String, file: ArchiveFile, access: Access, inspection: ArchiveInspection, dek: SymmetricKey,
        passwordKEK: SymmetricKey?
    ) throws {
        self.path = path
        self.file = file
        self.access = access
        self.prefix = inspection.prefix
        self.header = inspection.header
        self.copyStates = [inspection.copyA, inspection.copyB]
        self.unfinishedBytes = inspection.unfinishedBytes
        self.dek = dek
        self.passwordKEK = passwordKEK
        keys = try DerivedKeys(dek: dek, archiveID: inspection.prefix.archiveID)
        codec = try RecordCodec(recordKey: keys.recordKey, archiveID: prefix.archiveID, generation: header.dekGeneration)
    }

    // MARK: Opening (FORMAT.md §7)

    /// Opens and unlocks an archive: one KDF, header authenticated; records are read on demand.
    public static func open(path: String, password: SecureBytes, access: Access = .readOnly) throws -> Vault {
        let file = try lockedFile(path: path, access: access)
        var inspection = try ArchiveInspection.read(file)
        var kek: SymmetricKey
        var dek: SymmetricKey
        (kek, dek) = try unlock(inspection.current, password: password, archiveID: inspection.prefix.archiveID)
        var keys = try DerivedKeys(dek: dek, archiveID: inspection.prefix.archiveID)
        if try !inspection.current.isAuthentic(prefix: inspection.prefix, headerKey: keys.headerKey) {
            // FORMAT.md §7 step 4: the copy with the higher (unauthenticated) sequence is forged.
            // If the other copy is intact and authentic, open from it and report the forged one.
            let other = 1 - inspection.currentIndex
            guard let fallback = inspection.copies[other],
                  let (k, d) = try? unlock(fallback, password: password, archiveID: inspection.prefix.archiveID),
                  let fallbackKeys = try? DerivedKeys(dek: d, archiveID: inspection.prefix.archiveID),
                  (try? fallback.isAuthentic(prefix: inspection.prefix, headerKey: fallbackKeys.headerKey)) == true
            else {
                throw VaultError(.headerAuthenticationFailed, "the header of \(path) was changed without the key")
            }
            inspection = inspection.choosing(other, forgedOther: true)
            (kek, dek, keys) = (k, d, fallbackKeys)
        }
        guard !inspection.isTruncated else {
            throw VaultError(
                .truncated, "\(path) is \(inspection.fileSize) bytes but its header commits \(inspection.committedSize)")
        }
        return try Vault(path: path, file: file, access: access, inspection: inspection, dek: dek, passwordKEK: kek)
    }

    /// Opens an archive with managers' escrow identities instead of the password (FORMAT.md §5.2):
    /// one holder's slot, or `k` holders' shares. The header MAC then proves the slots genuine.
    public static func open(path: String, escrowIdentities identities: [Curve25519.KeyAgreement.PrivateKey], access: Access = .readOnly) throws -> Vault {
        let file = try lockedFile(path: path, access: access)
        var inspection = try ArchiveInspection.read(file)
        var opened: (dek: SymmetricKey, holders: [EscrowSlot.Holder])?
        var firstError: Error?
        for index in [inspection.currentIndex, 1 - inspection.currentIndex] {
            guard let copy = inspection.copies[index] else { continue }
            // FORMAT.md §7 step 4: only a current copy whose slots opened but whose MAC failed
            // falls back to the other copy; keys that hold no slot never do.
            if index != inspection.currentIndex, (firstError as? VaultError)?.code != .headerAuthenticationFailed { break }
            do {
                let candidate = try escrowDEK(copy.header, identities: identities, archiveID: inspection.prefix.archiveID)
                let keys = try DerivedKeys(dek: candidate.dek, archiveID: inspection.prefix.archiveID)
                guard try copy.isAuthentic(prefix: inspection.prefix, headerKey: keys.headerKey) else {
                    throw VaultError(.headerAuthenticationFailed, "the header of \(path) was changed without the key")
                }
                if index != inspection.currentIndex { inspection = inspection.choosing(index, forgedOther: true) }
                opened = candidate
                break
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        guard let opened else { throw firstError ?? VaultError(.headerDamaged, "no intact header copy") }
        guard !inspection.isTruncated else {
            throw VaultError(.truncated, "\(path) is \(inspection.fileSize) bytes but its header commits \(inspection.committedSize)")
        }
        let vault = try Vault(path: path, file: file, access: access, inspection: inspection, dek: opened.dek, passwordKEK: nil)
        vault.openedThroughEscrow = opened.holders
        return vault
    }

    /// The DEK from the slots the identities hold: any one whole-key slot, or `k` shares.
    static func escrowDEK(
        _ header: ArchiveHeader, identities: [Curve25519.KeyAgreement.PrivateKey], archiveID: [UInt8]
    ) throws -> (dek: SymmetricKey, holders: [EscrowSlot.Holder]) {
        let slots = header.escrowSlots
        guard let first = slots.first else { throw VaultError(.noEscrowSlot, "this archive has no escrow slots") }
        var shares: [Shamir.Share] = []
        var holders: [EscrowSlot.Holder] = []
        for slot in slots {
            guard let identity = identities.first(where: { $0.publicKey == slot.holder.recipient }) else { continue }
            var secret = try slot.open(identity: identity, archiveID: archiveID)
            defer { secureZero(&secret) }
            if slot.scheme == .whole { return (SymmetricKey(data: secret), [slot.holder]) }
            shares.append(Shamir.Share(x: slot.x, y: secret))
            holders.append(slot.holder)
            if shares.count == first.threshold { break }
        }
        guard !holders.isEmpty else {
            throw VaultError(.noEscrowSlot, "none of the given keys holds an escrow slot of this archive (holders: \(slots.map(\.holder.name).joined(separator: ", ")))")
        }
        guard shares.count >= first.threshold else {
            throw VaultError(.noEscrowSlot, "\(first.threshold) of the \(slots.count) holders must act together; the keys given hold \(shares.count) (\(holders.map(\.name).joined(separator: ", ")))")
        }
        var dek = try Shamir.combine(shares)
        defer { secureZero(&dek) }
        return (SymmetricKey(data: dek), holders)
    }

    /// Derives the KEK from one copy's password slot and unwraps the DEK.
    private static func unlock(_ copy: HeaderCopy, password: SecureBytes, archiveID: [UInt8]) throws -> (SymmetricKey, SymmetricKey) {
        let slot = copy.header.passwordSlot
        let kek = try slot.deriveKEK(password: password)
        return (kek, try slot.open(kek: kek, archiveID: archiveID))
    }

    /// Opens the file and takes its lock, retrying if a concurrent `rekey` replaced it meanwhile.
    private static func lockedFile(path: String, access: Access) throws -> ArchiveFile {
        for _ in 0..<5 {
            let file = try ArchiveFile(path: path, mode: access == .readOnly ? .read : .readWrite)
            try file.lock(exclusive: access == .readWrite)
            if file.stillNamesPath() {
                if access == .readWrite { FileSystem.removeAbandonedTemporaries(beside: path) }
                return file
            }
        }
        throw VaultError(.busy, "\(path) keeps being replaced by another process")
    }

    // MARK: Creation (FORMAT.md §8.7)

    /// Creates a new archive with a random DEK and returns it unlocked for writing.
    public static func create(
        path: String, owner: String, password: SecureBytes, kdf choice: KDFParameters.Choice, now: Int64, escrow plan: EscrowPlan? = nil
    ) throws -> Vault {
        try ArchiveHeader.validateOwner(owner)
        guard !FileSystem.exists(path) else { throw VaultError(.alreadyExists, "\(path) already exists") }
        let kdf = try KDFParameters.resolve(choice)
        let prefix = try ArchivePrefix(archiveID: Random.bytes(FormatV1.archiveIDSize))
        let dek = try SymmetricKey.generate(bitCount: 256)
        let sealed = try PasswordSlot.seal(dek: dek, password: password, kdf: kdf, archiveID: prefix.archiveID)
        let keys = try DerivedKeys(dek: dek, archiveID: prefix.archiveID)
        let escrow = try plan.map { try EscrowSealing(dek: dek, holders: $0.holders, threshold: $0.threshold, archiveID: prefix.archiveID) }
        var history = PasswordHistory()
        try history.push(password)
        let header = try ArchiveHeader(
            sequence: 1, owner: owner, createdAt: now, passwordChangedAt: now, dekRotatedAt: now, dekGeneration: 1,
            recordCount: 0, bodyLength: 0, recordChain: [UInt8](repeating: 0, count: 32), flags: [],
            slots: [.password(sealed.slot)] + (escrow?.slots.map { .escrow($0) } ?? []), department: plan?.pin,
            passwordHistory: history.sealed(key: keys.historyKey, archiveID: prefix.archiveID))
        let copy = try HeaderCopy(header: header, prefix: prefix, headerKey: keys.headerKey)
        let temporary = try FileSystem.temporaryPath(beside: path, tag: "new")
        do {
            let file = try ArchiveFile(creating: temporary)
            try file.lock(exclusive: true)
            try file.write(prefix.serialized + copy.bytes + copy.bytes, at: 0)
            try file.sync()
            // FORMAT.md §5.2: every escrow slot test-opened from the bytes on disk, or no archive.
            let written = try ArchiveInspection.read(file)
            try escrow?.verify(written.header, archiveID: prefix.archiveID)
            for c in written.copies { try escrow?.verify(try requireCopy(c).header, archiveID: prefix.archiveID) }
            try FileSystem.publishNew(temporary, as: path)
            let inspection = try ArchiveInspection.read(file)
            return try Vault(path: path, file: file, access: .readWrite, inspection: inspection, dek: dek, passwordKEK: sealed.kek)
        } catch {
            FileSystem.remove(temporary)
            throw error
        }
    }

    // MARK: Records (FORMAT.md §6, §7 step 6)

    /// Calls `body` with each record's index and payload, in order, after verifying each; then
    /// checks the count and the chain against the header. Records before `first` are not
    /// decrypted (their nonces and tags still feed the chain check), and when `first` is at or
    /// after the checkpoint the records before the checkpoint are not even read (FORMAT.md §6.4):
    /// reading the recent end of a large archive costs little more than the records asked for.
    public func forEachRecord(from first: UInt64 = 0, _ body: (UInt64, [UInt8]) throws -> Void) throws {
        let checkpoint = header.checkpoint
        var reader: BodyReader
        var chain: [UInt8]
        var index: UInt64
        if let checkpoint, first >= checkpoint.index {
            reader = BodyReader(file: file, bodyLength: Int(header.bodyLength), start: Int(checkpoint.offset))
            (chain, index) = (checkpoint.chain, checkpoint.index)
        } else {
            reader = BodyReader(file: file, bodyLength: Int(header.bodyLength))
            (chain, index) = ([UInt8](repeating: 0, count: 32), 0)
        }
        while true {
            if let checkpoint, index == checkpoint.index,
               reader.bodyPosition != Int(checkpoint.offset) || !constantTimeEquals(chain, checkpoint.chain) {
                throw VaultError(.recordsMismatch, "the header's checkpoint does not match record \(index); records were removed, reordered or replaced")
            }
            guard let sealed = try reader.next(index: index) else { break }
            if index < first {
                try sealed.bytes.withUnsafeBytes { raw in
                    try codec.advance(&chain, index: index, nonce: UnsafeRawBufferPointer(rebasing: raw[0..<12]),
                                      tag: UnsafeRawBufferPointer(rebasing: raw[(raw.count - 16)...]))
                }
            } else {
                let payload = try sealed.bytes.withUnsafeBytes { try codec.openAndChain($0, length: sealed.length, index: index, chain: &chain) }
                try body(index, payload)
            }
            index += 1
        }
        guard index == header.recordCount, constantTimeEquals(chain, header.recordChain) else {
            throw VaultError(
                .recordsMismatch,
                "found \(index) records, the header lists \(header.recordCount); records were removed, reordered or replaced")
        }
    }

    /// The payload of the one record at `index`, which starts `offset` bytes into the body: its tag
    /// binds it to this archive, key and index (FORMAT.md §6.2), but the chain is not followed,
    /// so a caller pins what it expects by other means (a snapshot's digest of it, RECORDS.md §6).
    /// For reading a few records of a large archive without reading the others.
    public func record(at index: UInt64, offset: UInt64) throws -> [UInt8] {
        let body = header.bodyLength
        guard index < header.recordCount, offset < body, body - offset >= UInt64(FormatV1.recordOverhead) else {
            throw VaultError(.recordsMismatch, "record \(index) is not in the archive at offset \(offset)", recordIndex: Int(clamping: index))
        }
        let lengthBytes = try file.read(at: FormatV1.bodyOffset + Int(offset), count: 4)
        guard lengthBytes.count == 4 else { throw VaultError(.truncated, "the file ends inside record \(index)", recordIndex: Int(clamping: index)) }
        let length = lengthBytes.reduce(0) { $0 << 8 | Int($1) }
        guard length <= FormatV1.maxRecordBytes, body - offset >= UInt64(length + FormatV1.recordOverhead) else {
            throw VaultError(.recordDamaged, "record \(index) runs past the end of the body", recordIndex: Int(clamping: index))
        }
        let sealed = try file.read(at: FormatV1.bodyOffset + Int(offset) + 4, count: length + 28)
        guard sealed.count == length + 28 else { throw VaultError(.truncated, "the file ends inside record \(index)", recordIndex: Int(clamping: index)) }
        return try [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            count = 0
            _ = try sealed.withUnsafeBytes { try codec.open(nonceCiphertextTag: $0, length: length, index: index, into: UnsafeMutableRawBufferPointer(buffer)) }
            count = length
        }
    }

    /// Every record's payload, in order.
    public func readAllRecords() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(Int(header.recordCount))
        try forEachRecord { _, payload in out.append(payload) }
        return out
    }

    // MARK: Writing (FORMAT.md §8)

    /// Appends one record; returns after it and both header copies are on disk (FORMAT.md §8.2).
    public func append(_ payload: [UInt8], now: Int64) throws {
        try append(contentsOf: [payload], now: now)
    }

    /// Appends several records with one `fsync` and one header update: all of them are committed
    /// together or none (FORMAT.md §8.2), e.g. for an import. With `checkpoint`, the first of
    /// them becomes the header's checkpoint in the same update (FORMAT.md §8.6).
    public func append(contentsOf payloads: [[UInt8]], now: Int64, checkpoint: Bool = false) throws {
        guard openedThroughEscrow == nil else { throw VaultError(.invalidArgument, "escrow access is read-only (only its own audit record is written)") }
        try append(contentsOf: payloads, now: now, checkpoint: checkpoint, adjusting: nil)
    }

    /// True when `password` is one of the last five (FORMAT.md §5.4), so that a command can
    /// refuse it before doing anything else.
    public func isRecentPassword(_ password: SecureBytes) throws -> Bool {
        try PasswordHistory(sealed: header.passwordHistory, key: keys.historyKey, archiveID: prefix.archiveID).contains(password)
    }

    /// Records one escrow use: its audit record and the header's `escrowUses` in one update
    /// (FORMAT.md §5.3).
    public func appendEscrowUse(_ payload: [UInt8], now: Int64) throws {
        try append(contentsOf: [payload], now: now, checkpoint: false) { next, firstNewIndex in
            var uses = next.escrowUses ?? ArchiveHeader.EscrowUses(unacknowledged: 0, lastUseAt: now, firstIndex: firstNewIndex)
            // Saturates: a count of 0 would be a damaged header (FORMAT.md §4.2, §5.3); the uses
            // themselves are the audit records, so none is lost.
            if uses.unacknowledged < .max { uses.unacknowledged += 1 }
            uses.lastUseAt = now
            next.escrowUses = uses
        }
    }

    /// The owner has seen the escrow uses: clears the header's counter (FORMAT.md §5.3).
    public func acknowledgeEscrowUses() throws {
        try requireWritable(allowUnfinished: true)
        guard header.escrowUses != nil, openedThroughEscrow == nil else { return }
        var next = header
        next.escrowUses = nil
        try writeHeader(next)
    }

    private func append(
        contentsOf payloads: [[UInt8]], now: Int64, checkpoint: Bool, adjusting adjust: ((inout ArchiveHeader, UInt64) -> Void)?
    ) throws {
        try requireWritable(allowUnfinished: false)
        guard !payloads.isEmpty else { return }
        guard header.recordCount + UInt64(payloads.count) <= FormatV1.maxRecordsPerKey else {
            throw VaultError(.limitExceeded, "this data key has sealed its maximum number of records; run rekey")
        }
        let offset = FormatV1.bodyOffset + Int(header.bodyLength)
        var next = header
        if checkpoint {
            next.checkpoint = ArchiveHeader.Checkpoint(index: header.recordCount, offset: header.bodyLength, chain: header.recordChain)
        }
        do {
            var writer = BufferedWriter(file: file, offset: offset)
            defer { writer.close() }
            for payload in payloads {
                let length = FormatV1.recordOverhead + payload.count
                guard payload.count <= FormatV1.maxRecordBytes else {
                    throw VaultError(.limitExceeded, "a record of \(payload.count) bytes exceeds the \(FormatV1.maxRecordBytes)-byte limit")
                }
                let index = next.recordCount
                let link = try writer.append(count: length) { buffer in
                    try payload.withUnsafeBytes { try codec.seal($0, index: index, into: buffer) }
                }
                next.recordCount += 1
                next.bodyLength += UInt64(length)
                try codec.advance(&next.recordChain, link)
            }
            try writer.finish()
            try file.sync()
        } catch {
            try? file.truncate(to: offset)  // leave the archive exactly as before
            try? file.sync()
            throw error
        }
        adjust?(&next, header.recordCount)
        try writeHeader(next)
    }

    /// Re-wraps the DEK under a new password; the body is not touched (FORMAT.md §8.4). Refuses
    /// the last five passwords (FORMAT.md §5.4) with `.passwordReused` (`refusingRecent: false`
    /// only for the crash-test driver, which alternates two passwords; the history is still kept).
    public func changePassword(to newPassword: SecureBytes, kdf choice: KDFParameters.Choice, now: Int64, refusingRecent: Bool = true) throws {
        try requireWritable(allowUnfinished: true)
        var history = try PasswordHistory(sealed: header.passwordHistory, key: keys.historyKey, archiveID: prefix.archiveID)
        guard try !refusingRecent || !history.contains(newPassword) else {
            throw VaultError(.passwordReused, "the new password is one of the last \(FormatV1.passwordHistoryCount) passwords of this archive")
        }
        try history.push(newPassword)
        let kdf = try KDFParameters.resolve(choice)
        let sealed = try PasswordSlot.seal(dek: dek, password: newPassword, kdf: kdf, archiveID: prefix.archiveID)
        var next = header
        next.slots = next.slots.map { if case .password = $0 { return .password(sealed.slot) } else { return $0 } }
        next.passwordChangedAt = now
        next.flags.remove(.mustChangePassword)
        next.passwordHistory = try history.sealed(key: keys.historyKey, archiveID: prefix.archiveID)
        try writeHeader(next)
        passwordKEK = sealed.kek
    }

    /// A manager's password reset through escrow (DEPARTMENT.md §4): a temporary password that
    /// must be changed at the next unlock. Not entered in the password history.
    public func resetPassword(temporary: SecureBytes, kdf choice: KDFParameters.Choice, now: Int64) throws {
        try requireWritable(allowUnfinished: true)
        let kdf = try KDFParameters.resolve(choice)
        let sealed = try PasswordSlot.seal(dek: dek, password: temporary, kdf: kdf, archiveID: prefix.archiveID)
        var next = header
        next.slots = next.slots.map { if case .password = $0 { return .password(sealed.slot) } else { return $0 } }
        next.passwordChangedAt = now
        next.flags.insert(.mustChangePassword)
        try writeHeader(next)
    }

    /// Brings the escrow slots in line with `plan` without a new DEK (DEPARTMENT.md §4): slots
    /// for new holders are added (and test-opened), slots of holders no longer listed are removed
    /// and the archive marked `rekeyRequired`. A change of threshold, or any change to shares,
    /// needs a new DEK: `.invalidArgument`, use `rekey(now:escrow:)`.
    public func updateEscrow(_ plan: EscrowPlan) throws {
        try requireWritable(allowUnfinished: true)
        guard openedThroughEscrow == nil else { throw VaultError(.invalidArgument, "only the owner can change who holds escrow slots") }
        let current = header.escrowSlots
        let wanted = Set(plan.holders.map(\.recipient.rawRepresentation))
        let currentThreshold = current.first?.threshold ?? plan.threshold
        let kept = current.filter { wanted.contains($0.holder.recipient.rawRepresentation) }
        let keptKeys = Set(kept.map(\.holder.recipient.rawRepresentation))
        let added = plan.holders.filter { !keptKeys.contains($0.recipient.rawRepresentation) }
        // Shares can be dropped (a holder removed) but not added without a new split, and a new
        // threshold is a new split: both need a new DEK.
        if plan.threshold != currentThreshold || (current.first?.scheme == .shamir && !added.isEmpty) || (current.isEmpty && plan.threshold > 1) {
            throw VaultError(.invalidArgument, "the escrow threshold or the share holders change: this needs a new data key (rekey)")
        }
        let sealing = try EscrowSealing(dek: dek, holders: added, threshold: 1, archiveID: prefix.archiveID)
        var next = header
        next.slots = [.password(header.passwordSlot)] + (kept + sealing.slots).map { .escrow($0) }
        next.department = plan.pin
        if kept.count < current.count { next.flags.insert(.rekeyRequired) }
        try writeHeaderVerifyingEscrow(next, sealing: sealing, newOnly: true)
    }

    /// Sets or clears header flags (escrow and policy use them), in one header update.
    public func setFlags(insert: ArchiveHeader.Flags = [], remove: ArchiveHeader.Flags = []) throws {
        try requireWritable(allowUnfinished: true)
        var next = header
        next.flags.formUnion(insert)
        next.flags.subtract(remove)
        try writeHeader(next)
    }

    /// New DEK, every record re-encrypted into a new file that atomically replaces the old one
    /// (FORMAT.md §8.5). The password stays the same. `progress` gets (records done, total).
    public func rekey(now: Int64, escrow plan: EscrowPlan? = nil, progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        try requireWritable(allowUnfinished: false)
        guard let passwordKEK else { throw VaultError(.invalidArgument, "a rekey needs the owner's password") }
        let newDEK = try SymmetricKey.generate(bitCount: 256)
        let newKeys = try DerivedKeys(dek: newDEK, archiveID: prefix.archiveID)
        let generation = header.dekGeneration &+ 1
        guard generation > header.dekGeneration else { throw VaultError(.limitExceeded, "key generation counter exhausted") }
        let newCodec = try RecordCodec(recordKey: newKeys.recordKey, archiveID: prefix.archiveID, generation: generation)
        let temporary = try FileSystem.temporaryPath(beside: path, tag: "rekey")
        let out = try ArchiveFile(creating: temporary)
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
            if let plan { next.department = plan.pin }
            let history = try PasswordHistory(sealed: header.passwordHistory, key: keys.historyKey, archiveID: prefix.archiveID)
            next.passwordHistory = header.passwordHistory == nil ? nil : try history.sealed(key: newKeys.historyKey, archiveID: prefix.archiveID)
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
            copyStates = [.current, .current]
        } catch {
            FileSystem.remove(temporary)
            throw error
        }
    }

    /// Removes an unfinished append after copying the whole file to `backupPath`, and heals an
    /// out-of-date header copy (FORMAT.md §8.3). Returns the bytes removed.
    @discardableResult
    public func repair(backupPath: String) throws -> Int {
        try requireWritable(allowUnfinished: true)
        let removed = unfinishedBytes
        if removed > 0 {
            try copyFile(to: backupPath)
            try file.truncate(to: FormatV1.bodyOffset + Int(header.bodyLength))
            try file.sync()
            unfinishedBytes = 0
        }
        if copyStates != [.current, .current] || removed > 0 {
            try writeHeader(header)
        }
        return removed
    }

    // MARK: Verification

    /// The outcome of `verify`: every byte authenticated, both header copies included.
    public struct VerifyReport: Sendable {
        public enum CopyResult: Sendable, Equatable { case authentic, outOfDate(sequence: UInt64), damaged(String), forged }
        public let records: UInt64
        public let payloadBytes: UInt64
        public let copyA: CopyResult
        public let copyB: CopyResult
        public let unfinishedBytes: Int
        public var isClean: Bool { copyA == .authentic && copyB == .authentic && unfinishedBytes == 0 }
    }

    /// Authenticates both header copies and every record. Throws on the first damaged record.
    public func verify() throws -> VerifyReport {
        let inspection = try ArchiveInspection.read(file)
        var results: [VerifyReport.CopyResult] = []
        for (i, copy) in inspection.copies.enumerated() {
            guard let copy else {
                if case .damaged(let reason) = [inspection.copyA, inspection.copyB][i] { results.append(.damaged(reason)) } else { results.append(.damaged("")) }
                continue
            }
            if try !copy.isAuthentic(prefix: prefix, headerKey: keys.headerKey) {
                results.append(.forged)
            } else if copy.header.sequence != header.sequence {
                results.append(.outOfDate(sequence: copy.header.sequence))
            } else {
                results.append(.authentic)
            }
        }
        var bytes: UInt64 = 0
        try forEachRecord { _, payload in bytes += UInt64(payload.count) }
        return VerifyReport(
            records: header.recordCount, payloadBytes: bytes, copyA: results[0], copyB: results[1],
            unfinishedBytes: inspection.unfinishedBytes)
    }

    // MARK: Internals

    private static func requireCopy(_ copy: HeaderCopy?) throws -> HeaderCopy {
        guard let copy else { throw VaultError(.escrowVerificationFailed, "a header copy did not read back intact") }
        return copy
    }

    private func requireWritable(allowUnfinished: Bool) throws {
        guard access == .readWrite else { throw VaultError(.invalidArgument, "the archive was opened read-only") }
        if !allowUnfinished && unfinishedBytes > 0 {
            throw VaultError(
                .unfinishedAppend, "\(path) ends with \(unfinishedBytes) bytes of an interrupted save; run repair first")
        }
    }

    /// FORMAT.md §8.1: the non-current copy first, then the other, each followed by fsync.
    /// A header update whose new escrow slots are test-opened before the write (from the bytes
    /// to be written) and after it (read back); if the read-back fails, the previous header is
    /// written back (FORMAT.md §5.2).
    private func writeHeaderVerifyingEscrow(_ proposed: ArchiveHeader, sealing: EscrowSealing, newOnly: Bool) throws {
        let previous = header
        let fresh: (ArchiveHeader) -> ArchiveHeader = { h in
            guard newOnly else { return h }
            var only = h
            let new = Set(sealing.slots.map(\.holder.recipient.rawRepresentation))
            only.slots = h.slots.filter { if case .escrow(let s) = $0 { return new.contains(s.holder.recipient.rawRepresentation) } else { return false } }
            return only
        }
        let planned = try HeaderCopy(header: proposed, prefix: prefix, headerKey: keys.headerKey)
        try sealing.verify(fresh(try HeaderCopy(parsing: planned.bytes).header), archiveID: prefix.archiveID)
        try writeHeader(proposed)
        do {
            let written = try ArchiveInspection.read(file)
            for c in written.copies { try sealing.verify(fresh(try Self.requireCopy(c).header), archiveID: prefix.archiveID) }
        } catch {
            try? writeHeader(previous)
            throw error
        }
    }

    func writeHeader(_ proposed: ArchiveHeader) throws {
        var next = proposed
        next.sequence = header.sequence + 1
        try next.validate()
        let copy = try HeaderCopy(header: next, prefix: prefix, headerKey: keys.headerKey)
        let bothCurrent = copyStates[0] == .current && copyStates[1] == .current
        let first = bothCurrent || copyStates[0] != .current ? 0 : 1
        let second = 1 - first
        let previous = header.sequence
        try writeCopy(copy, at: first)
        copyStates[first] = .current
        copyStates[second] = .outOfDate(sequence: previous)
        header = next
        try writeCopy(copy, at: second)
        copyStates[second] = .current
    }

    private func writeCopy(_ copy: HeaderCopy, at index: Int) throws {
        try file.write(copy.bytes, at: FormatV1.prefixSize + index * FormatV1.headerCopySize)
        try file.sync()
    }

    private func copyFile(to backupPath: String) throws {
        let backup = try ArchiveFile(creating: backupPath)
        var complete = false
        defer { if !complete { FileSystem.remove(backupPath) } }
        let size = try file.size()
        var offset = 0
        while offset < size {
            let chunk = try file.read(at: offset, count: min(8 << 20, size - offset))
            if chunk.isEmpty { break }
            try backup.write(chunk, at: offset)
            offset += chunk.count
        }
        try backup.sync()
        try FileSystem.syncDirectory(of: backupPath)
        complete = true
    }
}
