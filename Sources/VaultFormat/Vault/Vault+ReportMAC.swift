import VaultCrypto

/// The report key (FORMAT.md §4.3): HMAC-SHA-256 under a key derived from the DEK, so that what
/// the owner sends out of the archive (the weekly report's manifest, REPORTS.md §4.1) can be
/// checked by whoever holds the DEK: the owner, and the managers through escrow. It proves that
/// the sender held the archive's data key, which a person with only the managers' public keys
/// does not.
extension Vault {
    /// The tag of `message` under this archive's report key.
    public func reportMAC(_ message: [UInt8]) throws -> [UInt8] {
        try Self.reportMAC(message, dek: dek, archiveID: prefix.archiveID)
    }

    static func reportMAC(_ message: [UInt8], dek: SymmetricKey, archiveID: [UInt8]) throws -> [UInt8] {
        let key = try HKDF.deriveKey(inputKeyMaterial: dek, salt: archiveID, info: FormatV1.reportMACInfo, outputByteCount: 32)
        return try HMACSHA256.authenticationCode(for: message, using: key)
    }
}

extension ArchiveInspection {
    /// What a manager's escrow keys say about a report tag.
    public enum ReportTag: String, Sendable {
        /// The tag is right: made by someone who held this archive's current data key.
        case authentic
        /// The tag is wrong: not made with this archive's current data key (forged, or made
        /// before the data key was rotated).
        case wrong
        /// The keys hold no slot of this archive, or fewer shares than its threshold.
        case cannotCheck
    }

    /// Checks `tag` over `message` with the DEK recovered through escrow (nothing is recorded:
    /// no record is read, as for `compliance --verify`).
    public func checkReportMAC(_ tag: [UInt8], over message: [UInt8], escrowIdentities identities: [Curve25519.KeyAgreement.PrivateKey]) -> ReportTag {
        let slots = current.header.escrowSlots
        let given = Set(identities.map(\.publicKey.rawRepresentation))
        let held = slots.filter { given.contains($0.holder.recipient.rawRepresentation) }
        guard let first = held.first, first.scheme == .whole || held.count >= first.threshold,
              let (dek, _) = try? Vault.escrowDEK(current.header, identities: identities, archiveID: prefix.archiveID)
        else { return .cannotCheck }
        guard let expected = try? Vault.reportMAC(message, dek: dek, archiveID: prefix.archiveID) else { return .wrong }
        return constantTimeEquals(expected, tag) ? .authentic : .wrong
    }
}
