import Foundation
import VaultCrypto

/// Opening an archive with keys a session agent kept from an earlier password unlock
/// (Docs/AGENT.md §5), without the KDF.
extension Vault {
    /// The two keys an agent keeps for an archive unlocked with its password: the password
    /// slot's key-encryption key and the data key it unwraps (FORMAT.md §5.1).
    public struct KeptKeys: Sendable {
        public let kek: SymmetricKey
        public let dek: SymmetricKey
        public init(kek: SymmetricKey, dek: SymmetricKey) {
            self.kek = kek
            self.dek = dek
        }
    }

    /// The keys of this unlock, for handing to the agent; nil when the archive was opened through
    /// escrow (a manager's access is never kept).
    public var keptKeys: KeptKeys? {
        guard openedThroughEscrow == nil, let passwordKEK else { return nil }
        return KeptKeys(kek: passwordKEK, dek: dek)
    }

    /// The file a path names, symbolic links resolved (`realpath`): the name an agent keeps an
    /// archive under. A path that does not resolve is returned as given.
    public static func canonicalPath(_ path: String) -> String {
        let real = resolved(path)
        // A file that no longer exists (moved, deleted) still has an absolute name to be locked by.
        return real.hasPrefix("/") ? real : URL(fileURLWithPath: real).standardizedFileURL.path
    }

    /// Opens an archive with kept keys (AGENT.md §5): the current password slot must open with
    /// the KEK and give exactly the kept DEK (constant-time compare), and the header must be
    /// authentic, as in `open(path:password:)` (FORMAT.md §7, with the same fallback to the other
    /// copy). Any mismatch (the password was changed or reset, the data key renewed) is
    /// `.wrongPassword`: the caller forgets the keys and asks for the password.
    public static func open(path given: String, keptKeys: KeptKeys, access: Access = .readOnly) throws -> Vault {
        let path = resolved(given)
        let file = try lockedFile(path: path, access: access)
        var inspection = try ArchiveInspection.read(file)
        let archiveID = inspection.prefix.archiveID
        func opens(_ copy: HeaderCopy) throws -> Bool {
            let dek = try copy.header.passwordSlot.open(kek: keptKeys.kek, archiveID: archiveID)
            guard dek == keptKeys.dek else {
                throw VaultError(.wrongPassword, "the kept key no longer opens \(path): its data key was renewed")
            }
            let keys = try DerivedKeys(dek: dek, archiveID: archiveID)
            return try copy.isAuthentic(prefix: inspection.prefix, headerKey: keys.headerKey)
        }
        if try !opens(inspection.current) {
            let other = 1 - inspection.currentIndex
            guard let fallback = inspection.copies[other], (try? opens(fallback)) == true else {
                throw VaultError(.headerAuthenticationFailed, "the header of \(path) was changed without the key")
            }
            inspection = inspection.choosing(other, forgedOther: true)
        }
        guard !inspection.isTruncated else {
            throw VaultError(.truncated, "\(path) is \(inspection.fileSize) bytes but its header commits \(inspection.committedSize)")
        }
        return try Vault(path: path, file: file, access: access, inspection: inspection, dek: keptKeys.dek, passwordKEK: keptKeys.kek)
    }

    // MARK: Kept escrow access (AGENT.md §10)

    /// The data key a manager's escrow keys opened, for an agent to keep (`escrow open --keep`);
    /// nil when the password opened the archive.
    public var escrowDataKey: SymmetricKey? { openedThroughEscrow == nil ? nil : dek }

    /// Opens an archive with a data key kept from an escrow open by `holders`, without their
    /// private keys: the header must be authentic under that data key (FORMAT.md §7, with the same
    /// fallback to the other copy), and each holder must still have a slot (same name and key) in
    /// it. Any mismatch (the data key renewed, the holder's slot removed) is `.wrongPassword`: the
    /// caller forgets the key. The vault is an escrow one (read-only but for its own audit record).
    public static func open(path given: String, escrowDataKey dek: SymmetricKey, holders: [EscrowSlot.Holder], access: Access = .readOnly) throws -> Vault {
        let path = resolved(given)
        let file = try lockedFile(path: path, access: access)
        var inspection = try ArchiveInspection.read(file)
        let keys = try DerivedKeys(dek: dek, archiveID: inspection.prefix.archiveID)
        func opens(_ copy: HeaderCopy) throws -> Bool {
            guard try copy.isAuthentic(prefix: inspection.prefix, headerKey: keys.headerKey) else { return false }
            let slots = copy.header.escrowSlots.map(\.holder)
            guard !holders.isEmpty, holders.allSatisfy({ h in slots.contains { $0.name == h.name && $0.recipient == h.recipient } }) else {
                throw VaultError(.wrongPassword, "the kept escrow access no longer opens \(path): the holder's slot was removed")
            }
            return true
        }
        if try !opens(inspection.current) {
            let other = 1 - inspection.currentIndex
            guard let fallback = inspection.copies[other], (try? opens(fallback)) == true else {
                throw VaultError(.wrongPassword, "the kept escrow access no longer opens \(path): its data key was renewed, or the header was changed")
            }
            inspection = inspection.choosing(other, forgedOther: true)
        }
        guard !inspection.isTruncated else {
            throw VaultError(.truncated, "\(path) is \(inspection.fileSize) bytes but its header commits \(inspection.committedSize)")
        }
        let vault = try Vault(path: path, file: file, access: access, inspection: inspection, dek: dek, passwordKEK: nil)
        vault.openedThroughEscrow = holders
        return vault
    }
}
