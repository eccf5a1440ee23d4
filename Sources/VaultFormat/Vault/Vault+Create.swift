import Foundation
import VaultCrypto

/// Creating an archive (FORMAT.md §8.7).
extension Vault {
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
        // FORMAT.md §5.5, §5.6: a new signing key, sealed with the history under the password.
        let secrets = try OwnerSecrets(history: history)
        var header = try ArchiveHeader(
            sequence: 1, owner: owner, createdAt: now, passwordChangedAt: now, dekRotatedAt: now, dekGeneration: 1,
            recordCount: 0, bodyLength: 0, recordChain: [UInt8](repeating: 0, count: 32), flags: [],
            slots: [.password(sealed.slot)] + (escrow?.slots.map { .escrow($0) } ?? []), department: plan?.pin,
            passwordChanges: 0, shareCommitments: escrow?.commitments,
            ownerSecrets: secrets.sealed(kek: sealed.kek, archiveID: prefix.archiveID))
        header.ownerSignature = try OwnerSignature.sign(
            header, prefix: prefix, key: secrets.signingKey, signed: .start, checkpointDigest: [UInt8](repeating: 0, count: 32))
        let copy = try HeaderCopy(header: header, prefix: prefix, headerKey: keys.headerKey)
        let temporary = try FileSystem.temporaryPath(beside: path, tag: "new")
        do {
            let file: ArchiveFile
            do { file = try ArchiveFile(creating: temporary) } catch let e as VaultError { throw e.naming(path, insteadOf: temporary) }
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
            throw (error as? VaultError)?.naming(path, insteadOf: temporary) ?? error
        }
    }
}

extension VaultError {
    /// The same error naming `path` where it named `temporary`, the file that was to become it
    /// (`a.svault.new-8f7f….tmp` means nothing to a user: helper-103); a file not found there is
    /// its folder missing.
    func naming(_ path: String, insteadOf temporary: String) -> VaultError {
        guard self.path == temporary || reason.contains(temporary) else { return self }
        if code == .notFound {
            let folder = FileSystem.directory(of: path)
            return VaultError(.notFound, "\(folder): no such folder", systemError: systemError, operation: operation, path: folder)
        }
        return VaultError(code, reason.replacingOccurrences(of: temporary, with: path), recordIndex: recordIndex,
                          systemError: systemError, operation: operation, path: path)
    }
}
