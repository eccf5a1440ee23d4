import VaultCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What can be read from an archive without any key (FORMAT.md §7 steps 1–2, 5): the plaintext
/// header fields for `status` and the compliance check. Nothing here is authenticated.
public struct ArchiveInspection: Sendable {
    /// The state of one header copy.
    public enum CopyState: Sendable, Equatable {
        case current
        case outOfDate(sequence: UInt64)
        case damaged(reason: String)
    }

    public let path: String
    public let prefix: ArchivePrefix
    /// The current header copy's fields (unauthenticated).
    public let header: ArchiveHeader
    public let copyA: CopyState
    public let copyB: CopyState
    public let fileSize: Int
    /// The copy (0 = A, 1 = B) that failed authentication when the archive was opened from the
    /// other one (FORMAT.md §7 step 4); nil when the current copy authenticated.
    public internal(set) var alteredCopy: Int? = nil

    public var committedSize: Int { FormatV1.bodyOffset + Int(header.bodyLength) }
    /// Bytes after the committed body: an unfinished append (FORMAT.md §8.3).
    public var unfinishedBytes: Int { max(0, fileSize - committedSize) }
    public var isTruncated: Bool { fileSize < committedSize }
    public var kdf: KDFParameters { header.passwordSlot.kdf }

    let copies: [HeaderCopy?]
    let currentIndex: Int

    var current: HeaderCopy { copies[currentIndex]! }  // set from an intact copy in `read`

    /// Reads the prefix and both header copies of an open file.
    static func read(_ file: ArchiveFile) throws -> ArchiveInspection {
        let size = try file.size()
        let head = try file.read(at: 0, count: FormatV1.bodyOffset)
        let prefix = try ArchivePrefix(parsing: head)
        guard head.count == FormatV1.bodyOffset else {
            throw VaultError(.truncated, "\(file.path) ends inside its header (\(size) bytes)")
        }
        var copies: [HeaderCopy?] = []
        var problems: [VaultError] = []
        for index in 0..<2 {
            let start = FormatV1.prefixSize + index * FormatV1.headerCopySize
            do {
                copies.append(try HeaderCopy(parsing: Array(head[start..<(start + FormatV1.headerCopySize)])))
                problems.append(VaultError(.headerDamaged, ""))
            } catch let error as VaultError {
                copies.append(nil)
                problems.append(error)
            }
        }
        guard let best = (0..<2).filter({ copies[$0] != nil }).max(by: { copies[$0]!.header.sequence < copies[$1]!.header.sequence })
        else {
            if let refused = problems.first(where: { $0.code == .kdfRefused || $0.code == .unsupportedVersion }) { throw refused }
            throw VaultError(.headerDamaged, "both header copies are damaged (copy A: \(problems[0].reason); copy B: \(problems[1].reason))")
        }
        if let a = copies[0], let b = copies[1], a.header.sequence == b.header.sequence, a.bytes != b.bytes {
            throw VaultError(.headerDamaged, "the two header copies disagree at the same sequence number")
        }
        func state(_ i: Int) -> CopyState {
            guard let copy = copies[i] else { return .damaged(reason: problems[i].reason) }
            return copy.header.sequence == copies[best]!.header.sequence ? .current : .outOfDate(sequence: copy.header.sequence)
        }
        return ArchiveInspection(
            path: file.path, prefix: prefix, header: copies[best]!.header, copyA: state(0), copyB: state(1),
            fileSize: size, copies: copies, currentIndex: best)
    }

    /// The same file seen through copy `index` instead (used when the other copy fails its MAC).
    func choosing(_ index: Int, forgedOther: Bool) -> ArchiveInspection {
        let forged = CopyState.damaged(reason: "fails authentication (altered without the key)")
        let states = index == 0 ? [CopyState.current, forged] : [forged, CopyState.current]
        var copies = self.copies
        copies[1 - index] = nil
        return ArchiveInspection(
            path: path, prefix: prefix, header: self.copies[index]!.header, copyA: states[0], copyB: states[1],
            fileSize: fileSize, alteredCopy: forgedOther ? 1 - index : nil, copies: copies, currentIndex: index)
    }

    /// What a manager's escrow key says about the current header copy (DEPARTMENT.md §6 `--verify`):
    /// `noSlot` also when the keys hold fewer shares than the threshold.
    public enum Authenticity: String, Sendable { case authentic, forged, noSlot }

    /// Checks the current header copy's MAC with the DEK recovered through escrow: a hand-edited
    /// date or slot list is `forged`. `noSlot` when none of the keys holds a slot.
    public func authenticate(escrowIdentities identities: [Curve25519.KeyAgreement.PrivateKey]) -> Authenticity {
        let header = current.header
        let slots = header.escrowSlots
        let given = Set(identities.map(\.publicKey.rawRepresentation))
        let held = slots.filter { given.contains($0.holder.recipient.rawRepresentation) }
        // One share of a k-of-n archive cannot check anything: not a forgery, just no way to verify.
        guard let first = held.first, first.scheme == .whole || held.count >= first.threshold else { return .noSlot }
        guard let (dek, _) = try? Vault.escrowDEK(header, identities: identities, archiveID: prefix.archiveID),
              let keys = try? DerivedKeys(dek: dek, archiveID: prefix.archiveID),
              (try? current.isAuthentic(prefix: prefix, headerKey: keys.headerKey)) == true
        else { return .forged }
        return .authentic
    }

    /// Reads an archive's plaintext header without a password (shared lock while reading).
    /// `locked` false (the compliance check, DEPARTMENT.md §6): no lock, so an archive its owner
    /// has open (`shell` holds the exclusive lock) is still read. Both copies come from one read;
    /// a copy torn by a concurrent write fails its checksum and the other, intact one is used
    /// (FORMAT.md §3.2, §8.1: one copy is intact at every instant). Read again, twice at most,
    /// should both look damaged or disagree.
    public static func inspect(path: String, locked: Bool = true) throws -> ArchiveInspection {
        let file = try ArchiveFile(path: path, mode: .read)
        if locked {
            try file.lock(exclusive: false)
            return try read(file)
        }
        for _ in 0..<2 {
            do { return try read(file) } catch let e as VaultError where e.code == .headerDamaged {
                usleep(50_000)
            }
        }
        return try read(file)
    }
}
