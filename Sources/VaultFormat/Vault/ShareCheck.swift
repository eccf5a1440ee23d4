import VaultCrypto

/// One holder's check of their own escrow share, alone (FORMAT.md §5.2 scheme 3): the slot is
/// unwrapped with the holder's key and the share compared with the header's commitments,
/// `y·G == Σ C_j·x^j`. No other key and no data key is needed, and nothing is written.
///
/// What it proves: a consistent share lies on the committed polynomial, so any k holders whose
/// shares are consistent recover the same secret s (the one C_0 commits to). What it does not:
/// that s unwraps this archive's data key, or that the header is authentic (neither is under a
/// key one holder has): `k` holders together check that (`Vault.open(path:escrowIdentities:)`,
/// `ArchiveInspection.authenticate`).
public struct ShareCheck: Sendable, Equatable {
    public enum Result: String, Sendable, Equatable {
        /// Scheme 3: the share matches the commitments.
        case consistent
        /// Scheme 3: it does not (dealt wrongly, or the slot or the commitments altered): evidence
        /// of tampering.
        case inconsistent
        /// Scheme 2 (an earlier version's byte-wise shares): nothing to check against; `escrow
        /// update` or `rekey` re-deals them.
        case uncheckable
        /// Scheme 1: the slot holds the data key itself; opening it checks it (header MAC).
        case wholeKey
        /// The slot names this key but does not open with it (damaged or altered): evidence of
        /// tampering as well.
        case unopenable
    }

    public let holder: EscrowSlot.Holder
    /// The share's index (0 for a whole-key slot).
    public let x: UInt8
    /// How many holders must act together.
    public let threshold: Int
    public let result: Result

    /// True for the results that are evidence of tampering (exit 4 in the CLI).
    public var isTamperEvidence: Bool { result == .inconsistent || result == .unopenable }
}

extension ArchiveHeader {
    /// The scheme of the escrow slots (all the same, FORMAT.md §5.2); nil without escrow.
    public var escrowScheme: EscrowSlot.Scheme? { escrowSlots.first?.scheme }

    /// How many holders must act together (1 for scheme 1); nil without escrow.
    public var escrowThreshold: Int? { escrowSlots.first?.threshold }

    /// Checks the slot each identity holds, alone (see `ShareCheck`), in header order. Identities
    /// that hold no slot are left out; an empty result means none of them holds one.
    public func checkShares(identities: [Curve25519.KeyAgreement.PrivateKey], archiveID: [UInt8]) -> [ShareCheck] {
        var checks: [ShareCheck] = []
        for slot in escrowSlots {
            guard let identity = identities.first(where: { $0.publicKey == slot.holder.recipient }) else { continue }
            let result: ShareCheck.Result
            if slot.scheme == .whole {
                result = .wholeKey
            } else if slot.scheme == .shamir {
                result = .uncheckable
            } else if var y = try? slot.open(identity: identity, archiveID: archiveID) {
                let share = Shamir.Share(x: slot.x, y: y)
                secureZero(&y)
                result = shareCommitments?.check(share) == true ? .consistent : .inconsistent
            } else {
                result = .unopenable
            }
            checks.append(ShareCheck(holder: slot.holder, x: slot.x, threshold: slot.threshold, result: result))
        }
        return checks
    }
}

extension ArchiveInspection {
    /// `ArchiveHeader.checkShares` on the current header copy.
    public func checkShares(identities: [Curve25519.KeyAgreement.PrivateKey]) -> [ShareCheck] {
        header.checkShares(identities: identities, archiveID: prefix.archiveID)
    }

    /// The escrow holders among `identities` (distinct slots of the current copy) and how many
    /// must act together: for `--verify` with too few keys, which must fail rather than pass.
    public func escrowHolders(among identities: [Curve25519.KeyAgreement.PrivateKey]) -> (held: Int, needed: Int) {
        let given = Set(identities.map(\.publicKey.rawRepresentation))
        let held = header.escrowSlots.filter { given.contains($0.holder.recipient.rawRepresentation) }.count
        return (held, header.escrowThreshold ?? 0)
    }
}
