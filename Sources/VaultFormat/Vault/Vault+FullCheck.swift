import VaultCrypto

/// The full check a manager can run with an escrow key (FORMAT.md §7.1): both header copies,
/// the file size and every record, without the password and without releasing any plaintext.
extension Vault {
    /// What the full check found.
    public struct FullCheck: Sendable {
        /// One header copy, judged under the data key the escrow slots gave.
        public enum CopyResult: Sendable, Equatable {
            case authentic
            /// Authentic, with a lower sequence (an interrupted header write; `repair` heals it).
            case outOfDate(sequence: UInt64)
            /// Not intact (checksum, padding, parse): torn by a crash or damaged on disk.
            case damaged(String)
            /// Intact, but its MAC fails under the key (altered without the key).
            case forged
            /// Intact and authentic under the key its own escrow slots give, which is another key:
            /// the two copies describe two different archives.
            case otherKey
        }

        /// A failure: evidence that the file was altered or damaged (exit 4 in the tools).
        public enum Failure: Sendable, Equatable {
            /// Copy "A" or "B" fails authentication under the key.
            case copyForged(String)
            /// The copies authenticate under two different data keys.
            case copiesDisagree
            /// No copy authenticates under the key its own slots give.
            case noAuthenticCopy
            case truncated(fileSize: Int, committed: Int)
            case unfinishedAppend(bytes: Int)
            /// A record fails (its index when known) or the records do not match the header.
            case records(index: Int?, reason: String)

            /// English text; the Department layer adds the Chinese.
            public var text: String {
                switch self {
                case .copyForged(let c): return "header copy \(c) fails authentication (altered without the key)"
                case .copiesDisagree: return "header copies disagree: they authenticate under two different data keys"
                case .noAuthenticCopy: return "no header copy authenticates under the key its escrow slots give"
                case .truncated(let size, let committed): return "truncated: \(size) bytes, the header commits \(committed)"
                case .unfinishedAppend(let bytes): return "unfinished append: \(bytes) bytes after the committed records"
                case .records(let index, let reason): return index.map { "record \($0): \(reason)" } ?? reason
                }
            }
        }

        public enum Outcome: Sendable, Equatable {
            case verified
            /// The keys hold no slot, or fewer shares than the threshold: nothing could be checked.
            case noSlot(String)
            case failed([Failure])
        }

        public let outcome: Outcome
        /// Copies A and B (nil when nothing could be checked).
        public let copies: [CopyResult]?
        /// The owner named by the copy that was checked (or the current copy).
        public let owner: String
        /// Records authenticated from index 0.
        public let records: UInt64

        public var failures: [Failure] { if case .failed(let f) = outcome { return f } else { return [] } }
    }

    /// Runs the full check of FORMAT.md §7.1 on `path` with managers' escrow keys: read-only
    /// (a shared lock, nothing written, no escrow use recorded: no plaintext leaves this function).
    /// Throws only when the file cannot be read as an archive at all (not found, not an archive,
    /// both header copies damaged, unsupported version).
    public static func fullCheck(path given: String, escrowIdentities identities: [Curve25519.KeyAgreement.PrivateKey]) throws -> FullCheck {
        // A descriptor's name (/dev/fd/N, as the compliance check passes) is kept as given: the
        // file it opened, not whatever its path names now.
        let path = given.hasPrefix("/dev/fd/") ? given : resolved(given)
        let file = try lockedFile(path: path, access: .readOnly)
        let inspection = try ArchiveInspection.read(file)
        let archiveID = inspection.prefix.archiveID
        let current = inspection.currentIndex
        // Each intact copy's own key (from its own escrow slots) and whether it authenticates under it.
        var own: [Int: (dek: SymmetricKey, authentic: Bool)] = [:]
        var slotErrors: [VaultError] = []
        for i in 0..<2 {
            guard let copy = inspection.copies[i] else { continue }
            do {
                let (dek, _) = try escrowDEK(copy.header, identities: identities, archiveID: archiveID)
                let keys = try DerivedKeys(dek: dek, archiveID: archiveID)
                own[i] = (dek, try copy.isAuthentic(prefix: inspection.prefix, headerKey: keys.headerKey))
            } catch let e as VaultError {
                slotErrors.append(e)
            }
        }
        let owner = inspection.header.owner
        guard let chosen = [current, 1 - current].first(where: { own[$0]?.authentic == true }), let dek = own[chosen]?.dek else {
            // Keys that hold no slot (or fewer shares than the threshold) in any intact copy check
            // nothing; keys that do hold enough slots but open no authentic copy found a forgery.
            func holds(_ header: ArchiveHeader) -> Bool {
                let held = header.escrowSlots.filter { slot in identities.contains { $0.publicKey == slot.holder.recipient } }
                guard let first = held.first else { return false }
                return first.scheme == .whole || held.count >= first.threshold
            }
            if !inspection.copies.compactMap({ $0 }).contains(where: { holds($0.header) }) {
                let reason = slotErrors.first?.reason ?? "none of the given keys holds an escrow slot of this archive"
                return FullCheck(outcome: .noSlot(reason), copies: nil, owner: owner, records: 0)
            }
            return FullCheck(outcome: .failed([.noAuthenticCopy]), copies: nil, owner: owner, records: 0)
        }
        let keys = try DerivedKeys(dek: dek, archiveID: archiveID)
        let chosenHeader = inspection.copies[chosen]!.header
        var failures: [FullCheck.Failure] = []
        var results: [FullCheck.CopyResult] = []
        for i in 0..<2 {
            guard let copy = inspection.copies[i] else {
                if case .damaged(let reason) = [inspection.copyA, inspection.copyB][i] { results.append(.damaged(reason)) } else { results.append(.damaged("")) }
                continue
            }
            if try copy.isAuthentic(prefix: inspection.prefix, headerKey: keys.headerKey) {
                results.append(copy.header.sequence < chosenHeader.sequence ? .outOfDate(sequence: copy.header.sequence) : .authentic)
            } else if own[i]?.authentic == true {
                results.append(.otherKey)
                failures.append(.copiesDisagree)
            } else {
                results.append(.forged)
                failures.append(.copyForged(i == 0 ? "A" : "B"))
            }
        }
        // The file size against the size the checked header commits (FORMAT.md §7 step 5).
        let checked = chosen == current ? inspection : inspection.choosing(chosen, forgedOther: true)
        var records: UInt64 = 0
        if checked.isTruncated {
            failures.append(.truncated(fileSize: checked.fileSize, committed: checked.committedSize))
        } else {
            if checked.unfinishedBytes > 0 { failures.append(.unfinishedAppend(bytes: checked.unfinishedBytes)) }
            // Every record from index 0, the checkpoint's index, offset and chain included (§6.4):
            // decrypted to authenticate it, then dropped.
            let vault = try Vault(path: path, file: file, access: .readOnly, inspection: checked, dek: dek, passwordKEK: nil)
            do {
                try vault.forEachRecord(from: 0) { index, _ in records = index + 1 }
            } catch let e as VaultError {
                failures.append(.records(index: e.recordIndex, reason: e.reason))
            }
        }
        return FullCheck(outcome: failures.isEmpty ? .verified : .failed(failures), copies: results, owner: chosenHeader.owner, records: records)
    }
}
