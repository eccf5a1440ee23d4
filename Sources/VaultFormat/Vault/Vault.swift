import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

/// An unlocked archive: holds the data key, the lock, and the authenticated header.
/// Reads and writes follow FORMAT.md §7 and §8. One instance per process and archive.
public final class Vault {
    public enum Access: Sendable { case readOnly, readWrite }

    public let path: String
    public let prefix: ArchivePrefix
    public let access: Access
    /// The authenticated current header.
    public internal(set) var header: ArchiveHeader
    /// The state of both copies when the archive was opened or last written.
    public internal(set) var copyStates: [ArchiveInspection.CopyState]
    /// Bytes after the committed body found at open (an unfinished append).
    public internal(set) var unfinishedBytes: Int
    /// Set when the copy that was current failed authentication under this key and the archive
    /// was opened from the other, authentic copy (FORMAT.md §7 step 4): "A" or "B", the altered
    /// copy. Every tool tells its user (the file was altered or damaged); `verify` fails.
    public internal(set) var alteredCopy: String?

    var file: ArchiveFile
    var dek: SymmetricKey
    var keys: DerivedKeys
    var codec: RecordCodec
    /// The key-encryption key of the password slot, kept so `rekey` re-wraps without a second KDF;
    /// nil when a manager opened the archive through escrow.
    var passwordKEK: SymmetricKey?
    /// The escrow holders whose keys opened the archive (nil when the password did).
    public internal(set) var openedThroughEscrow: [EscrowSlot.Holder]?

    // Owner signatures (FORMAT.md §5.5, §5.6, §6.5).
    /// What the header's owner signature says (checked without a key at open; an owner's open
    /// refuses an invalid one, so for the owner this is `.signed` or `.unsigned`).
    public internal(set) var ownerSigning: OwnerSigning = .unsigned
    /// True after a write by the owner signed an archive written before owner signatures (a new
    /// signing key; the password history moved into the owner's secrets). Told to the owner once.
    public internal(set) var migratedToSigned = false
    /// The owner's signing key and password history; nil through escrow and on unsigned archives.
    var ownerSecrets: OwnerSecrets?
    /// The digest chain at the last position the owner signed (or zero, when migrating).
    var trustedDigest: RecordDigest.Position = .start
    /// `d` at the header's checkpoint, when known.
    var trustedCheckpointDigest: [UInt8]?
    /// The records after `trustedDigest` (escrow uses) were checked by the archive layer.
    var tailAccepted = true
    /// Set by a password reset: nothing is signed until the owner's own password change.
    var signingSuspended = false

    public enum OwnerSigning: Sendable, Equatable {
        /// Signed; the public key in the header.
        case signed(publicKey: [UInt8])
        /// No owner signature: written by an earlier version, or after an escrow reset.
        case unsigned
        /// Seen through escrow only: the owner's open refuses it (`.ownerSignatureInvalid`).
        case invalid(String)
    }

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

    init(
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
        self.alteredCopy = inspection.alteredCopy.map { $0 == 0 ? "A" : "B" }
        self.dek = dek
        self.passwordKEK = passwordKEK
        keys = try DerivedKeys(dek: dek, archiveID: inspection.prefix.archiveID)
        codec = try RecordCodec(recordKey: keys.recordKey, archiveID: prefix.archiveID, generation: header.dekGeneration)
        try setUpOwnerSigning()
    }

    // MARK: Internals

    static func requireCopy(_ copy: HeaderCopy?) throws -> HeaderCopy {
        guard let copy else { throw VaultError(.escrowVerificationFailed, "a header copy did not read back intact") }
        return copy
    }

    func requireWritable(allowUnfinished: Bool) throws {
        guard access == .readWrite else { throw VaultError(.invalidArgument, "the archive was opened read-only") }
        if !allowUnfinished && unfinishedBytes > 0 {
            throw VaultError(
                .unfinishedAppend, "\(path) ends with \(unfinishedBytes) bytes of an interrupted save; run repair first", path: path)
        }
    }

    /// FORMAT.md §8.1: the non-current copy first, then the other, each followed by fsync.
    /// A header update whose new escrow slots are test-opened before the write (from the bytes
    /// to be written) and after it (read back); if the read-back fails, the previous header is
    /// written back (FORMAT.md §5.2).
    func writeHeaderVerifyingEscrow(_ proposed: ArchiveHeader, sealing: EscrowSealing, newOnly: Bool) throws {
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
        let signing = try signAsOwner(&next)
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
        signing?.commit(to: self)
        try writeCopy(copy, at: second)
        copyStates[second] = .current
    }

    func writeCopy(_ copy: HeaderCopy, at index: Int) throws {
        try file.write(copy.bytes, at: FormatV1.prefixSize + index * FormatV1.headerCopySize)
        try file.sync()
    }

    func copyFile(to backupPath: String) throws {
        // Written under a hidden temporary name and linked to `backupPath` only when complete, so
        // that a killed repair never leaves a partial file under the backup's name (found by the
        // crash harness, CRASHTEST.md); the link fails if the name is taken.
        let slash = backupPath.lastIndex(of: "/")
        let folder = slash.map { String(backupPath[..<$0]) } ?? "."
        let name = slash.map { String(backupPath[backupPath.index(after: $0)...]) } ?? backupPath
        let temp = (folder.isEmpty ? "" : folder + "/") + "." + name + ".partial-" + String(UInt32.random(in: .min ... .max), radix: 36)
        let backup = try ArchiveFile(creating: temp)
        defer { FileSystem.remove(temp) }  // after the link, only the temporary name goes
        // Locked while written: a repair killed here leaves the file unlocked, and the next
        // writer removes it (`removeAbandonedTemporaries`); a live one's is kept.
        try backup.lock(exclusive: true)
        let size = try file.size()
        var offset = 0
        while offset < size {
            let chunk = try file.read(at: offset, count: min(8 << 20, size - offset))
            if chunk.isEmpty { break }
            try backup.write(chunk, at: offset)
            offset += chunk.count
        }
        try backup.sync()
        guard link(temp, backupPath) == 0 else {
            throw VaultError(.alreadyExists, "\(backupPath) already exists")
        }
        try FileSystem.syncDirectory(of: backupPath)
    }
}
