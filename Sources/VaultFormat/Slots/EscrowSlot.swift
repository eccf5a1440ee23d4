import VaultCrypto

/// An escrow slot (FORMAT.md §5.2): the DEK, a Shamir share of it (scheme 2, written by earlier
/// versions), or a verifiable share of a committed secret (scheme 3), wrapped to one manager's
/// X25519 key through an ephemeral key agreement.
public struct EscrowSlot: Sendable, Equatable {
    /// 1: the DEK; 2: a byte-wise GF(2^8) Shamir share of the DEK, which no one can check alone
    /// (read, never written); 3: a Feldman share over P-256 checked against `shareCommitments`.
    public enum Scheme: UInt8, Sendable { case whole = 1, shamir = 2, verifiable = 3 }

    /// Who a slot is for: the name in the registry and the `age1…` key.
    public struct Holder: Sendable, Equatable {
        public let name: String
        public let recipient: Curve25519.KeyAgreement.PublicKey
        public init(name: String, recipient: Curve25519.KeyAgreement.PublicKey) {
            self.name = name
            self.recipient = recipient
        }
    }

    public let scheme: Scheme
    public let threshold: Int
    public let x: UInt8
    public let holder: Holder
    let ephemeral: [UInt8]
    let nonce: [UInt8]
    let wrapped: [UInt8]
    let tag: [UInt8]

    /// Wraps `secret` (32 bytes, read in place) to `holder`; returns the slot and the ephemeral
    /// secret for the test-open after the header is on disk.
    static func seal(
        _ secret: some ByteSequence, scheme: Scheme, threshold: Int, x: UInt8, holder: Holder, archiveID: [UInt8]
    ) throws -> (slot: EscrowSlot, ephemeral: Curve25519.KeyAgreement.PrivateKey) {
        try validateName(holder.name)
        let e = try Curve25519.KeyAgreement.PrivateKey()
        let key = try wrapKey(shared: e.sharedSecretFromKeyAgreement(with: holder.recipient), ephemeral: e.publicKey.rawRepresentation,
                              recipient: holder.recipient.rawRepresentation)
        let nonce = try AES.GCM.Nonce.random()
        let unsealed = EscrowSlot(scheme: scheme, threshold: threshold, x: x, holder: holder, ephemeral: e.publicKey.rawRepresentation,
                                  nonce: nonce.bytes, wrapped: [], tag: [])
        let box = try AES.GCM.seal(secret, using: key, nonce: nonce, authenticating: unsealed.aad(archiveID: archiveID))
        return (EscrowSlot(scheme: scheme, threshold: threshold, x: x, holder: holder, ephemeral: unsealed.ephemeral,
                           nonce: nonce.bytes, wrapped: box.ciphertext, tag: box.tag), e)
    }

    /// Unwraps with the holder's identity. Any failure is `.noEscrowSlot` (a wrong key and a damaged
    /// slot look alike, as for passwords). The caller wipes the returned secret (`secureZero`).
    func open(identity: Curve25519.KeyAgreement.PrivateKey, archiveID: [UInt8]) throws -> [UInt8] {
        guard identity.publicKey == holder.recipient else { throw VaultError(.noEscrowSlot, "this key does not hold the slot of \(holder.name)") }
        let shared: SecureBytes
        do { shared = try identity.sharedSecretFromKeyAgreement(with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: ephemeral)) } catch {
            throw VaultError(.noEscrowSlot, "the escrow slot of \(holder.name) has an unusable ephemeral key")
        }
        return try unwrap(shared: shared, archiveID: archiveID)
    }

    /// Unwraps with the writer's ephemeral secret (the test-open of FORMAT.md §5.2).
    func testOpen(ephemeral e: Curve25519.KeyAgreement.PrivateKey, archiveID: [UInt8]) throws -> [UInt8] {
        guard e.publicKey.rawRepresentation == ephemeral else { throw VaultError(.escrowVerificationFailed, "slot of \(holder.name): another ephemeral key") }
        return try unwrap(shared: e.sharedSecretFromKeyAgreement(with: holder.recipient), archiveID: archiveID)
    }

    private func unwrap(shared: SecureBytes, archiveID: [UInt8]) throws -> [UInt8] {
        do {
            let key = try Self.wrapKey(shared: shared, ephemeral: ephemeral, recipient: holder.recipient.rawRepresentation)
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: wrapped, tag: tag)
            var secret = try AES.GCM.open(box, using: key, authenticating: aad(archiveID: archiveID))
            guard secret.count == 32 else {
                let count = secret.count
                secureZero(&secret)
                throw VaultError(.noEscrowSlot, "the slot of \(holder.name) holds \(count) bytes")
            }
            return secret
        } catch is CryptoError {
            throw VaultError(.noEscrowSlot, "the escrow slot of \(holder.name) does not open with this key")
        }
    }

    private static func wrapKey(shared: SecureBytes, ephemeral: [UInt8], recipient: [UInt8]) throws -> SymmetricKey {
        guard shared.withUnsafeBytes({ $0.contains { $0 != 0 } }) else { throw VaultError(.noEscrowSlot, "X25519 gave an all-zero secret") }
        return try HKDF.deriveKey(inputKeyMaterial: shared, salt: ephemeral + recipient, info: FormatV1.escrowSlotLabel, outputByteCount: 32)
    }

    private func aad(archiveID: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.append(FormatV1.escrowSlotLabel)
        w.append(archiveID)
        w.append(fieldsBeforeKey)
        w.append(holder.recipient.rawRepresentation)
        w.append(ephemeral)
        return w.bytes
    }

    /// scheme ‖ k ‖ x ‖ n ‖ name.
    private var fieldsBeforeKey: [UInt8] {
        var w = ByteWriter()
        w.u8(scheme.rawValue)
        w.u8(UInt8(threshold))
        w.u8(x)
        let name = Array(holder.name.utf8)
        w.u8(UInt8(name.count))
        w.append(name)
        return w.bytes
    }

    static func validateName(_ name: String) throws {
        let n = name.utf8.count
        guard n >= 1, n <= FormatV1.maxHolderNameBytes, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw VaultError(.invalidArgument, "an escrow holder's name must be 1 to \(FormatV1.maxHolderNameBytes) bytes without control characters")
        }
    }

    var serialized: [UInt8] {
        var w = ByteWriter()
        w.append(fieldsBeforeKey)
        w.append(holder.recipient.rawRepresentation)
        w.append(ephemeral)
        w.append(nonce)
        w.append(wrapped)
        w.append(tag)
        return w.bytes
    }

    init(scheme: Scheme, threshold: Int, x: UInt8, holder: Holder, ephemeral: [UInt8], nonce: [UInt8], wrapped: [UInt8], tag: [UInt8]) {
        self.scheme = scheme
        self.threshold = threshold
        self.x = x
        self.holder = holder
        self.ephemeral = ephemeral
        self.nonce = nonce
        self.wrapped = wrapped
        self.tag = tag
    }

    init(parsing bytes: [UInt8]) throws {
        var c = ByteCursor(bytes, context: "escrow slot")
        guard let scheme = Scheme(rawValue: try c.readU8()) else { throw VaultError(.headerDamaged, "escrow slot: unknown scheme") }
        let k = Int(try c.readU8())
        let x = try c.readU8()
        switch scheme {
        case .whole: guard k == 1, x == 0 else { throw VaultError(.headerDamaged, "escrow slot: threshold \(k), x \(x) for a whole key") }
        case .shamir, .verifiable:
            guard (2...FormatV1.maxEscrowSlots).contains(k), (1...UInt8(FormatV1.maxEscrowSlots)).contains(x) else {
                throw VaultError(.headerDamaged, "escrow slot: threshold \(k), x \(x) for a share")
            }
        }
        let n = Int(try c.readU8())
        guard let name = String(validating: try c.readBytes(n), as: UTF8.self) else { throw VaultError(.headerDamaged, "escrow slot: name is not UTF-8") }
        do { try Self.validateName(name) } catch { throw VaultError(.headerDamaged, "escrow slot: holder name") }
        let recipient: Curve25519.KeyAgreement.PublicKey
        do { recipient = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: try c.readBytes(32)) } catch let e as VaultError { throw e } catch {
            throw VaultError(.headerDamaged, "escrow slot: recipient key")
        }
        self.init(scheme: scheme, threshold: k, x: x, holder: Holder(name: name, recipient: recipient), ephemeral: try c.readBytes(32),
                  nonce: try c.readBytes(12), wrapped: try c.readBytes(32), tag: try c.readBytes(16))
        try c.expectEnd()
    }
}

/// Escrow slots being written, with their ephemeral secrets until the test-open (FORMAT.md §5.2).
struct EscrowSealing {
    let slots: [EscrowSlot]
    /// The commitments and wrapped DEK of a scheme-3 dealing (header field 0x11); nil otherwise.
    let commitments: ShareCommitments?
    private let ephemerals: [Curve25519.KeyAgreement.PrivateKey]
    private let dek: SymmetricKey

    /// How shares are dealt: scheme 3 always, except for tests and test vectors, which may write
    /// the scheme 2 of earlier versions or a dealing with one inconsistent share (`x`).
    enum Dealer { case verifiable, legacyShamir(inconsistentShare: UInt8?), inconsistentShare(x: UInt8) }

    /// One slot per holder: the DEK itself when `threshold` is 1, else one verifiable share each
    /// (x = 1…n in the order of `holders`) and the commitments.
    init(dek: SymmetricKey, holders: [EscrowSlot.Holder], threshold: Int, archiveID: [UInt8], dealer: Dealer = .verifiable) throws {
        guard holders.count <= FormatV1.maxEscrowSlots else { throw VaultError(.limitExceeded, "at most \(FormatV1.maxEscrowSlots) escrow holders") }
        guard Set(holders.map(\.recipient.rawRepresentation)).count == holders.count else {
            throw VaultError(.invalidArgument, "an escrow holder is listed twice")
        }
        guard threshold >= 1, threshold == 1 || threshold <= holders.count else {
            throw VaultError(.invalidArgument, "a threshold of \(threshold) needs at least that many holders (there are \(holders.count))")
        }
        // The DEK and the shares are read in place from their wiped storage (`SecureBytes`): no
        // temporary array holds them.
        var made: [(EscrowSlot, Curve25519.KeyAgreement.PrivateKey)] = []
        var commitments: ShareCommitments?
        if threshold == 1 {
            made = try holders.map { try EscrowSlot.seal(dek, scheme: .whole, threshold: 1, x: 0, holder: $0, archiveID: archiveID) }
        } else if case .legacyShamir(let bad) = dealer {
            var shares = try Shamir.split(dek, threshold: threshold, count: holders.count)
            if let bad, let i = shares.firstIndex(where: { $0.x == bad }) {
                shares[i] = Shamir.Share(x: bad, value: try SecureBytes.random(count: 32))
            }
            made = try zip(shares, holders).map { share, holder in
                try EscrowSlot.seal(share, scheme: .shamir, threshold: threshold, x: share.x, holder: holder, archiveID: archiveID)
            }
        } else {
            let dealing = try Feldman.deal(threshold: threshold, count: holders.count)
            var shares = dealing.shares
            if case .inconsistentShare(let x) = dealer, let i = shares.firstIndex(where: { $0.x == x }) {
                // A share of another polynomial: a valid scalar that the commitments do not match.
                shares[i] = try Feldman.deal(threshold: threshold, count: holders.count).shares[i]
            }
            commitments = try ShareCommitments.seal(dek: dek, dealing: dealing, archiveID: archiveID)
            made = try zip(shares, holders).map { share, holder in
                try EscrowSlot.seal(share, scheme: .verifiable, threshold: threshold, x: share.x, holder: holder, archiveID: archiveID)
            }
        }
        slots = made.map(\.0)
        ephemerals = made.map(\.1)
        self.commitments = commitments
        self.dek = dek
    }

    /// The test-open: every slot in `header` (read back from the disk) that was written here
    /// gives back the DEK (or, recombined, its shares do); for scheme 3, every share also matches
    /// the commitments read back and every window of k shares unwraps the DEK through them.
    /// Throws `.escrowVerificationFailed`.
    func verify(_ header: ArchiveHeader, archiveID: [UInt8]) throws {
        let written = header.escrowSlots
        guard written.count == slots.count else {
            throw VaultError(.escrowVerificationFailed, "\(written.count) escrow slots on disk, \(slots.count) written")
        }
        if let commitments, header.shareCommitments != commitments {
            throw VaultError(.escrowVerificationFailed, "the share commitments on disk are not the ones written")
        }
        var shares: [Shamir.Share] = []
        for (slot, e) in zip(written, ephemerals) {
            var secret: [UInt8]
            do { secret = try slot.testOpen(ephemeral: e, archiveID: archiveID) } catch {
                throw VaultError(.escrowVerificationFailed, "the escrow slot of \(slot.holder.name) did not open after writing: \(error)")
            }
            defer { secureZero(&secret) }  // the share copies it into its own wiped storage
            switch slot.scheme {
            case .whole:
                guard constantTimeEquals(secret, dek) else { throw VaultError(.escrowVerificationFailed, "the slot of \(slot.holder.name) holds another key") }
            case .shamir:
                shares.append(Shamir.Share(x: slot.x, y: secret))
            case .verifiable:
                let share = Shamir.Share(x: slot.x, y: secret)
                guard let commitments = header.shareCommitments, commitments.check(share) else {
                    throw VaultError(.escrowVerificationFailed, "the share of \(slot.holder.name) does not match the commitments")
                }
                shares.append(share)
            }
        }
        guard let first = written.first, first.scheme != .whole, shares.count >= first.threshold else { return }
        // Every window of k consecutive shares recombines to the DEK.
        let k = first.threshold
        for start in 0...(shares.count - k) {
            let window = Array(shares[start..<(start + k)])
            let matches: Bool
            if first.scheme == .verifiable, let commitments = header.shareCommitments {
                matches = (try? commitments.openDEK(shares: window, archiveID: archiveID)).map { constantTimeEquals($0, dek) } ?? false
            } else {
                var combined = try Shamir.combine(window)
                defer { secureZero(&combined) }
                matches = constantTimeEquals(combined, dek)
            }
            guard matches else {
                throw VaultError(.escrowVerificationFailed, "shares \(start + 1)…\(start + k) do not recombine to the data key")
            }
        }
    }
}
