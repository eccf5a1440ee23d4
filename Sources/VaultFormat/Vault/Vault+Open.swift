import Foundation
import VaultCrypto

/// Unlocking an archive with the password or with managers' escrow keys (FORMAT.md §7).
extension Vault {
    // MARK: Opening (FORMAT.md §7)

    /// Opens and unlocks an archive: one KDF, header authenticated; records are read on demand.
    public static func open(path given: String, password: SecureBytes, access: Access = .readOnly) throws -> Vault {
        let path = resolved(given)
        let file = try lockedFile(path: path, access: access)
        var inspection = try ArchiveInspection.read(file)
        let archiveID = inspection.prefix.archiveID
        var kek: SymmetricKey
        var dek: SymmetricKey
        let other = 1 - inspection.currentIndex
        do {
            (kek, dek) = try unlock(inspection.current, password: password, archiveID: archiveID)
        } catch let error as VaultError where error.code == .wrongPassword {
            // FORMAT.md §7 step 4: a password that does not open the current copy's slot opens
            // the other copy only when that copy holds a different slot, authenticates under the
            // key it gives, and the current copy does not (a forged current copy). A plain wrong
            // password costs no second KDF when both copies hold the same slot.
            guard let fallback = inspection.copies[other], fallback.header.passwordSlot != inspection.current.header.passwordSlot,
                  let (k, d) = try? unlock(fallback, password: password, archiveID: archiveID),
                  let fallbackKeys = try? DerivedKeys(dek: d, archiveID: archiveID),
                  (try? fallback.isAuthentic(prefix: inspection.prefix, headerKey: fallbackKeys.headerKey)) == true,
                  (try? inspection.current.isAuthentic(prefix: inspection.prefix, headerKey: fallbackKeys.headerKey)) == false
            else { throw error }
            inspection = inspection.choosing(other, forgedOther: true)
            (kek, dek) = (k, d)
        }
        let keys = try DerivedKeys(dek: dek, archiveID: archiveID)
        if inspection.alteredCopy == nil, try !inspection.current.isAuthentic(prefix: inspection.prefix, headerKey: keys.headerKey) {
            // FORMAT.md §7 step 4: the copy with the higher (unauthenticated) sequence is forged.
            // If the other copy is intact and authentic, open from it and report the forged one.
            guard let fallback = inspection.copies[other],
                  let (k, d) = try? unlock(fallback, password: password, archiveID: archiveID),
                  let fallbackKeys = try? DerivedKeys(dek: d, archiveID: archiveID),
                  (try? fallback.isAuthentic(prefix: inspection.prefix, headerKey: fallbackKeys.headerKey)) == true
            else {
                throw VaultError(.headerAuthenticationFailed, "the header of \(path) was changed without the key")
            }
            inspection = inspection.choosing(other, forgedOther: true)
            (kek, dek) = (k, d)
        }
        guard !inspection.isTruncated else {
            throw VaultError(
                .truncated, "\(path) is \(inspection.fileSize) bytes but its header commits \(inspection.committedSize)")
        }
        return try Vault(path: path, file: file, access: access, inspection: inspection, dek: dek, passwordKEK: kek)
    }

    /// Opens an archive with managers' escrow identities instead of the password (FORMAT.md §5.2):
    /// one holder's slot, or `k` holders' shares. The header MAC then proves the slots genuine.
    public static func open(path given: String, escrowIdentities identities: [Curve25519.KeyAgreement.PrivateKey], access: Access = .readOnly) throws -> Vault {
        let path = resolved(given)
        let file = try lockedFile(path: path, access: access)
        var inspection = try ArchiveInspection.read(file)
        var opened: (dek: SymmetricKey, holders: [EscrowSlot.Holder])?
        var firstError: Error?
        for index in [inspection.currentIndex, 1 - inspection.currentIndex] {
            guard let copy = inspection.copies[index] else { continue }
            do {
                let candidate = try escrowDEK(copy.header, identities: identities, archiveID: inspection.prefix.archiveID)
                let keys = try DerivedKeys(dek: candidate.dek, archiveID: inspection.prefix.archiveID)
                guard try copy.isAuthentic(prefix: inspection.prefix, headerKey: keys.headerKey) else {
                    throw VaultError(.headerAuthenticationFailed, "the header of \(path) was changed without the key")
                }
                if index != inspection.currentIndex {
                    // FORMAT.md §7 step 4 (finding 6 of issue 13): the current copy did not open
                    // with these keys (forged MAC, or forged slots), the other copy did. Only when
                    // the current copy does not authenticate under this key either: a genuine
                    // current copy that no longer lists these keys (a removed manager) is not
                    // bypassed through an older copy.
                    guard try !inspection.current.isAuthentic(prefix: inspection.prefix, headerKey: keys.headerKey) else { break }
                    inspection = inspection.choosing(index, forgedOther: true)
                }
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

    /// The DEK from the slots the identities hold: any one whole-key slot, or `k` shares. Scheme-3
    /// shares are each checked against the commitments before anything is combined (a bad one is
    /// named: `.escrowShareInconsistent`), then s·G = C_0 and the DEK unwrapped (FORMAT.md §5.2).
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
            let share = Shamir.Share(x: slot.x, y: secret)
            if slot.scheme == .verifiable, header.shareCommitments?.check(share) != true {
                throw VaultError(.escrowShareInconsistent, "the escrow share of \(slot.holder.name) does not match the archive's commitments")
            }
            shares.append(share)
            holders.append(slot.holder)
            if shares.count == first.threshold { break }
        }
        guard !holders.isEmpty else {
            throw VaultError(.noEscrowSlot, "none of the given keys holds an escrow slot of this archive (holders: \(slots.map(\.holder.name).joined(separator: ", ")))")
        }
        guard shares.count >= first.threshold else {
            throw VaultError(.noEscrowSlot, "\(first.threshold) of the \(slots.count) holders must act together; the keys given hold \(shares.count) (\(holders.map(\.name).joined(separator: ", ")))")
        }
        if first.scheme == .verifiable, let commitments = header.shareCommitments {
            return (try commitments.openDEK(shares: shares, archiveID: archiveID), holders)
        }
        var dek = try Shamir.combine(shares)
        defer { secureZero(&dek) }
        return (SymmetricKey(data: dek), holders)
    }

    /// Derives the KEK from one copy's password slot and unwraps the DEK.
    static func unlock(_ copy: HeaderCopy, password: SecureBytes, archiveID: [UInt8]) throws -> (SymmetricKey, SymmetricKey) {
        let slot = copy.header.passwordSlot
        let kek = try slot.deriveKEK(password: password)
        return (kek, try slot.open(kek: kek, archiveID: archiveID))
    }

    /// Opens the file and takes its lock, retrying if a concurrent `rekey` replaced it meanwhile.
    /// The file a path names, symbolic links resolved, so that a rekey or a repair replaces the
    /// real file and never turns a link into a file beside the real one (the old data key would
    /// stay in the real file). A path that does not resolve is kept as given (opening reports it).
    static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    static func lockedFile(path: String, access: Access) throws -> ArchiveFile {
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
}
