import Foundation
import VaultCrypto

/// Owner-signed archives (FORMAT.md §5.5, §5.6, §6.5): the owner's secrets opened with the
/// password's KEK, every header the owner writes signed, the whole-record digest followed.
extension Vault {
    /// At open: the keyless checks of the owner signature; with the password's KEK (the owner),
    /// the secrets opened and their key compared with the signature's. The owner's open refuses
    /// any mismatch (`.ownerSignatureInvalid`).
    func setUpOwnerSigning() throws {
        switch try RecordDigest.check(header, prefix: prefix, file: nil) {
        case .unsigned: ownerSigning = .unsigned
        case .valid(let key): ownerSigning = .signed(publicKey: key)
        case .invalid(let why): ownerSigning = .invalid(why)
        }
        guard let kek = passwordKEK else { return }
        if case .invalid(let why) = ownerSigning { throw Self.altered(why) }
        guard let sealed = header.ownerSecrets, let signature = header.ownerSignature else { return }
        let secrets = try OwnerSecrets(sealed: sealed, kek: kek, archiveID: prefix.archiveID)
        guard secrets.signingKey.publicKey.rawRepresentation == signature.publicKey else {
            throw Self.altered("the header is signed with a key that is not the owner's")
        }
        ownerSecrets = secrets
        trustedDigest = RecordDigest.Position(count: signature.signedRecordCount, bodyLength: signature.signedBodyLength, digest: signature.signedDigest)
        trustedCheckpointDigest = signature.checkpointDigest
        tailAccepted = signature.signedRecordCount == header.recordCount
    }

    /// The keyless checks of FORMAT.md §5.6 (1–5, the records read from record 0) on the header
    /// this vault opened: what a manager opening through escrow is told (§7 step 8).
    public func keylessOwnerSignatureCheck() throws -> RecordDigest.Check {
        try RecordDigest.check(header, prefix: prefix, file: file)
    }

    static func altered(_ what: String) -> VaultError {
        VaultError(.ownerSignatureInvalid, "\(what): the archive was changed by someone holding the data key (e.g. through escrow)")
    }

    /// The first record the owner did not sign (records from it on must be escrow uses, checked
    /// by the archive layer, RECORDS.md §4); nil when nothing is to be checked (escrow access,
    /// unsigned archives, or nothing after the signed count).
    public var ownerSignedRecordCount: UInt64? {
        guard ownerSecrets != nil, !tailAccepted else { return nil }
        return trustedDigest.count
    }

    /// The archive layer checked that every record after the signed count is an escrow use: the
    /// owner's next write signs them too.
    public func acceptRecordsAfterSignature() { tailAccepted = true }

    /// The owner's password history: in the owner's secrets, or (archives written before owner
    /// signatures) sealed under the DEK (FORMAT.md §5.4, §5.5).
    func passwordHistory() throws -> PasswordHistory {
        if let ownerSecrets { return ownerSecrets.history }
        if signingSuspended { return PasswordHistory() }  // dropped by a reset (FORMAT.md §5.5)
        return try PasswordHistory(sealed: header.passwordHistory, key: keys.historyKey, archiveID: prefix.archiveID)
    }

    /// A new signing key for an archive without one (FORMAT.md §5.5): written before owner
    /// signatures (the history moves out of `passwordHistory`), or after an escrow reset (the
    /// history starts empty). Every record present is signed at the next write.
    func beginOwnerSecrets() throws {
        guard ownerSecrets == nil else { return }
        let history = (try? PasswordHistory(sealed: header.passwordHistory, key: keys.historyKey, archiveID: prefix.archiveID)) ?? PasswordHistory()
        ownerSecrets = try OwnerSecrets(history: history)
        trustedDigest = .start
        trustedCheckpointDigest = nil
        tailAccepted = true
        migratedToSigned = true
    }

    /// Signs the current header now (the migration of an archive written before owner signatures
    /// at the owner's writing unlock, FORMAT.md §8.8).
    public func signAsOwnerNow() throws {
        try requireWritable(allowUnfinished: false)
        guard passwordKEK != nil, openedThroughEscrow == nil else { return }
        try writeHeader(header)
    }

    /// What a header write commits to the vault's owner state once written.
    struct PendingSigning {
        let position: RecordDigest.Position
        let checkpointDigest: [UInt8]?
        let recordCount: UInt64
        func commit(to vault: Vault) {
            vault.trustedDigest = position
            vault.trustedCheckpointDigest = checkpointDigest
            vault.tailAccepted = position.count == recordCount
            if let key = vault.ownerSecrets?.signingKey.publicKey.rawRepresentation { vault.ownerSigning = .signed(publicKey: key) }
        }
    }

    /// Signs `next` when the owner writes it (password or KEK held), FORMAT.md §8.8; through
    /// escrow the signature is left as it is. Reads the records the signature newly covers.
    func signAsOwner(_ next: inout ArchiveHeader, file body: ArchiveFile? = nil, fromStart: Bool = false) throws -> PendingSigning? {
        guard !signingSuspended, let kek = passwordKEK, openedThroughEscrow == nil else { return nil }
        // Under a temporary password a manager set (an escrow reset) nothing is signed: the
        // manager knows that password. The owner's own password change makes the new key.
        if ownerSecrets == nil && next.flags.contains(.mustChangePassword) { return nil }
        if ownerSecrets == nil {
            try beginOwnerSecrets()
            next.ownerSecrets = try ownerSecrets!.sealed(kek: kek, archiveID: prefix.archiveID)
            next.passwordHistory = nil
        }
        guard let secrets = ownerSecrets else { return nil }
        let start = fromStart ? RecordDigest.Position.start : trustedDigest
        let appended = next.recordCount != header.recordCount || next.bodyLength != header.bodyLength || fromStart
        if appended && !tailAccepted && !fromStart {
            throw VaultError(.invalidArgument, "the records after the owner's signature were not checked; open the archive with its records first")
        }
        var end = start
        var checkpointDigest: [UInt8]? = next.checkpoint == header.checkpoint && !fromStart ? trustedCheckpointDigest : nil
        // A rekey re-seals records the archive layer has not checked (escrow uses after the last
        // signature): the new signature stops where the old one did, so they stay to be checked.
        let limit = fromStart && !tailAccepted ? trustedDigest.count : nil
        if appended || tailAccepted {
            var captured: RecordDigest.Position?
            let full = try RecordDigest.scan(body ?? file, from: start, to: next.bodyLength) { p in
                if let c = next.checkpoint, p.count == c.index {
                    guard p.bodyLength == c.offset else { throw VaultError(.recordsMismatch, "the checkpoint does not start at record \(c.index)") }
                    checkpointDigest = p.digest
                }
                if let limit, p.count == limit { captured = p }
            }
            guard full.count == next.recordCount else { throw VaultError(.recordsMismatch, "found \(full.count) records, the header lists \(next.recordCount)") }
            end = captured ?? full
        }
        if next.checkpoint == nil { checkpointDigest = [UInt8](repeating: 0, count: 32) }
        guard let checkpointDigest else { throw VaultError(.recordsMismatch, "the checkpoint's record digest is not known") }
        next.ownerSignature = nil
        next.ownerSignature = try OwnerSignature.sign(next, prefix: prefix, key: secrets.signingKey, signed: end, checkpointDigest: checkpointDigest)
        return PendingSigning(position: end, checkpointDigest: checkpointDigest, recordCount: next.recordCount)
    }
}
