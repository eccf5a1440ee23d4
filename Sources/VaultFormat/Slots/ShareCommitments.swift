import VaultCrypto

/// Header field 0x11 `shareCommitments` (FORMAT.md §4.2, §5.2 scheme 3): the Feldman
/// commitments of a verifiable k-of-n escrow, and the DEK wrapped under a key derived from the
/// shared secret s. Present exactly when the escrow slots use scheme 3.
///
/// `k (1) ‖ C_0 … C_(k−1) (33 bytes each) ‖ nonce (12) ‖ wrapped DEK (32) ‖ tag (16)`.
public struct ShareCommitments: Sendable, Equatable {
    /// k: the number of commitments, equal to the escrow slots' threshold.
    public let threshold: Int
    /// C_0 … C_(k−1), compressed P-256 points, each checked when parsed.
    public let points: [[UInt8]]
    let nonce: [UInt8]
    let wrapped: [UInt8]
    let tag: [UInt8]

    /// The DEK wrapped under `escrowKey = HKDF(s, archiveID, "SalesVault v1 escrow secret")`.
    static func seal(dek: SymmetricKey, dealing: Feldman.Dealing, archiveID: [UInt8]) throws -> ShareCommitments {
        let key = try escrowKey(secret: dealing.secret, archiveID: archiveID)
        let nonce = try AES.GCM.Nonce.random()
        let unsealed = ShareCommitments(threshold: dealing.commitments.count, points: dealing.commitments, nonce: nonce.bytes, wrapped: [], tag: [])
        let box = try AES.GCM.seal(dek, using: key, nonce: nonce, authenticating: unsealed.aad(archiveID: archiveID))
        return ShareCommitments(threshold: unsealed.threshold, points: unsealed.points, nonce: nonce.bytes, wrapped: box.ciphertext, tag: box.tag)
    }

    /// The holder's own check (FORMAT.md §5.2): `y·G == Σ C_j·x^j`. False for a share that was
    /// dealt wrongly or altered; a share value ≥ q is false too (no honest writer deals one).
    public func check(_ share: Shamir.Share) -> Bool {
        guard share.value.count == Feldman.scalarBytes else { return false }
        return (try? Feldman.verify(share: share, commitments: points)) ?? false
    }

    /// Recombines `k` checked shares into s, checks `s·G == C_0`, and unwraps the DEK. A share
    /// set that does not give the committed s is `.escrowShareInconsistent`; a wrap that does not
    /// open under s (the header altered, or a dealer who committed to another key) likewise.
    func openDEK(shares: [Shamir.Share], archiveID: [UInt8]) throws -> SymmetricKey {
        let secret: SecureBytes
        do { secret = try Feldman.combine(shares) } catch {
            throw VaultError(.escrowShareInconsistent, "the escrow shares cannot be combined: \(error)")
        }
        guard (try? Feldman.matches(secret: secret, commitment: points[0])) == true else {
            throw VaultError(.escrowShareInconsistent, "the shares of x = \(shares.map { String($0.x) }.joined(separator: ", ")) do not give the committed secret")
        }
        do {
            let key = try Self.escrowKey(secret: secret, archiveID: archiveID)
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: wrapped, tag: tag)
            var dek = try AES.GCM.open(box, using: key, authenticating: aad(archiveID: archiveID))
            defer { secureZero(&dek) }
            guard dek.count == 32 else { throw CryptoError.authenticationFailure }
            return SymmetricKey(data: dek)
        } catch {
            throw VaultError(.escrowShareInconsistent, "the committed secret does not unwrap the data key")
        }
    }

    static func escrowKey(secret: SecureBytes, archiveID: [UInt8]) throws -> SymmetricKey {
        try HKDF.deriveKey(inputKeyMaterial: secret, salt: archiveID, info: FormatV1.escrowSecretInfo, outputByteCount: 32)
    }

    /// `"SalesVault v1 share commitments" ‖ archiveID ‖ k ‖ C_0 … C_(k−1)`.
    private func aad(archiveID: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.append(FormatV1.shareCommitmentsLabel)
        w.append(archiveID)
        w.u8(UInt8(threshold))
        for p in points { w.append(p) }
        return w.bytes
    }

    var serialized: [UInt8] {
        var w = ByteWriter()
        w.u8(UInt8(threshold))
        for p in points { w.append(p) }
        w.append(nonce)
        w.append(wrapped)
        w.append(tag)
        return w.bytes
    }

    static func serializedSize(threshold k: Int) -> Int { 1 + Feldman.pointBytes * k + 12 + 32 + 16 }

    init(threshold: Int, points: [[UInt8]], nonce: [UInt8], wrapped: [UInt8], tag: [UInt8]) {
        self.threshold = threshold
        self.points = points
        self.nonce = nonce
        self.wrapped = wrapped
        self.tag = tag
    }

    /// Refuses (as a damaged header) a k outside 2…15, a length other than `1 + 33k + 60`, and
    /// any commitment that is not a canonical compressed P-256 point other than infinity.
    init(parsing bytes: [UInt8]) throws {
        var c = ByteCursor(bytes, context: "share commitments")
        let k = Int(try c.readU8())
        guard (2...FormatV1.maxEscrowSlots).contains(k) else { throw VaultError(.headerDamaged, "share commitments: threshold \(k)") }
        guard bytes.count == Self.serializedSize(threshold: k) else {
            throw VaultError(.headerDamaged, "share commitments: \(bytes.count) bytes for threshold \(k)")
        }
        var points: [[UInt8]] = []
        for j in 0..<k {
            let p = try c.readBytes(Feldman.pointBytes)
            do { try Feldman.validatePoint(p) } catch { throw VaultError(.headerDamaged, "share commitments: C_\(j) is not a valid P-256 point") }
            points.append(p)
        }
        self.init(threshold: k, points: points, nonce: try c.readBytes(12), wrapped: try c.readBytes(32), tag: try c.readBytes(16))
        try c.expectEnd()
    }
}
