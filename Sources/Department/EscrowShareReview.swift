import VaultCrypto
import VaultFormat

/// What the department's checks say about escrow shares (FORMAT.md §5.2 scheme 3,
/// DEPARTMENT.md §4, §6): each manager's own share against the archive's commitments, and
/// `--verify` given fewer keys than the archive needs, which fails instead of passing quietly.
public enum EscrowShareReview {
    /// Said wherever an archive's shares were dealt by an earlier version (scheme 2).
    public static let legacyNote = "shares cannot be checked (written by an earlier version); `escrow update` or `rekey` re-deals them"
    public static let legacyNoteZH = "份额无法核验（由旧版本写入）；由档案本人运行 salesvault escrow update 或 salesvault rekey 可重新分发"

    /// The outcome of `--verify` for one archive, when the shares have something to say.
    public struct Finding: Sendable, Equatable {
        /// The `verified` code (DEPARTMENT.md §6): `share inconsistent` or `too few keys`.
        public let verified: String
        /// The reason, for the row's `problem`.
        public let problem: String
        /// A share that fails its check (or a slot that names the key but does not open): evidence
        /// of tampering, exit 4.
        public let isTamperEvidence: Bool
    }

    /// For `compliance --verify`: a given key whose share fails its check (tampering), else fewer
    /// holders among the keys than a k ≥ 2 archive needs (the header could not be authenticated:
    /// non-compliant). Nil when the shares add nothing to the header check.
    public static func verify(_ inspection: ArchiveInspection, identities: [Curve25519.KeyAgreement.PrivateKey]) -> Finding? {
        let checks = inspection.checkShares(identities: identities)
        let bad = checks.filter(\.isTamperEvidence)
        if !bad.isEmpty {
            return Finding(verified: "share inconsistent",
                           problem: "the escrow share of \(bad.map(\.holder.name).joined(separator: ", ")) does not match the archive's commitments (dealt wrongly or altered)",
                           isTamperEvidence: true)
        }
        let (held, needed) = inspection.escrowHolders(among: identities)
        if needed >= 2, held < needed {
            return Finding(verified: "too few keys",
                           problem: "verify: \(needed) managers' keys are needed together, \(held) given: the header was not authenticated",
                           isTamperEvidence: false)
        }
        return nil
    }
}
