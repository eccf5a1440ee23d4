import VaultCrypto

/// The header field `ownerSignature` (FORMAT.md §5.6): the owner's Ed25519 signature over every
/// header field a manager's escrow use leaves alone, and over a digest of the whole records up to
/// `signedRecordCount`. Checkable by anyone: the public key is in the field, and compliance
/// compares it with the key enrolled in the department registry.
public struct OwnerSignature: Sendable, Equatable {
    public static let byteCount = 32 + 8 + 8 + 32 + 32 + 64

    public var publicKey: [UInt8]
    public var signedRecordCount: UInt64
    public var signedBodyLength: UInt64
    /// `d_signedRecordCount` of the whole-record digest chain (FORMAT.md §6.5).
    public var signedDigest: [UInt8]
    /// `d_index` at the header's checkpoint (32 zero bytes without a checkpoint, or at index 0).
    public var checkpointDigest: [UInt8]
    public var signature: [UInt8]

    public init(publicKey: [UInt8], signedRecordCount: UInt64, signedBodyLength: UInt64, signedDigest: [UInt8], checkpointDigest: [UInt8], signature: [UInt8]) {
        self.publicKey = publicKey
        self.signedRecordCount = signedRecordCount
        self.signedBodyLength = signedBodyLength
        self.signedDigest = signedDigest
        self.checkpointDigest = checkpointDigest
        self.signature = signature
    }

    init(parsing bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else { throw VaultError(.headerDamaged, "header: field ownerSignature has length \(bytes.count)") }
        var c = ByteCursor(bytes, context: "owner signature")
        publicKey = try c.readBytes(32)
        signedRecordCount = try c.readU64()
        signedBodyLength = try c.readU64()
        signedDigest = try c.readBytes(32)
        checkpointDigest = try c.readBytes(32)
        signature = try c.readBytes(64)
    }

    /// Everything but the signature.
    var signedPart: [UInt8] { publicKey + .be64(signedRecordCount) + .be64(signedBodyLength) + signedDigest + checkpointDigest }

    var serialized: [UInt8] { signedPart + signature }

    /// "SalesVault v1 owner signature" ‖ prefix ‖ the field without its signature ‖ the signed fields.
    static func message(signedPart: [UInt8], header: ArchiveHeader, prefix: ArchivePrefix) -> [UInt8] {
        FormatV1.ownerSignatureLabel + prefix.serialized + signedPart + header.signedFields
    }

    /// Signs `header` (its `ownerSignature` is ignored) with the digest state given.
    static func sign(
        _ header: ArchiveHeader, prefix: ArchivePrefix, key: Curve25519.Signing.PrivateKey,
        signed: RecordDigest.Position, checkpointDigest: [UInt8]
    ) throws -> OwnerSignature {
        var s = OwnerSignature(
            publicKey: key.publicKey.rawRepresentation, signedRecordCount: signed.count, signedBodyLength: signed.bodyLength,
            signedDigest: signed.digest, checkpointDigest: checkpointDigest, signature: [])
        s.signature = try key.signature(for: message(signedPart: s.signedPart, header: header, prefix: prefix))
        return s
    }

    /// The checks anyone can make without a key (FORMAT.md §5.6): the counts against the header,
    /// the checkpoint digest's rules, the signature under the field's own public key. Returns
    /// what is wrong, or nil.
    public static func problem(in header: ArchiveHeader, prefix: ArchivePrefix) -> String? {
        guard let s = header.ownerSignature else { return nil }
        guard s.signedRecordCount <= header.recordCount, s.signedBodyLength <= header.bodyLength,
              (s.signedRecordCount == 0) == (s.signedBodyLength == 0)
        else { return "the header lists fewer records than the owner signed (records were removed)" }
        if let checkpoint = header.checkpoint {
            guard checkpoint.index < s.signedRecordCount, checkpoint.offset < s.signedBodyLength,
                  checkpoint.index != 0 || s.checkpointDigest.allSatisfy({ $0 == 0 })
            else { return "the checkpoint lies beyond what the owner signed" }
        } else if !s.checkpointDigest.allSatisfy({ $0 == 0 }) {
            return "the owner signed a checkpoint the header no longer has"
        }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: s.publicKey) else { return "the owner key is not a key" }
        // Strict verification (§5.6 check 4): a small-order or non-canonical key or R is refused.
        guard key.isStrict else { return "the owner key is a weak key (a point of small order, or not canonical): it signs anything" }
        guard key.isStrictlyValidSignature(s.signature, for: message(signedPart: s.signedPart, header: header, prefix: prefix))
        else { return "the owner's signature does not match the header (a header field or a key slot was changed)" }
        return nil
    }
}
