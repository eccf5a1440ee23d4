import VaultCrypto

/// The owner's secrets (FORMAT.md §5.5): the Ed25519 signing seed and the password history,
/// sealed under a key derived from the password slot's key-encryption key, so that only the
/// owner's password opens them (a holder of the data key does not).
struct OwnerSecrets {
    /// nonce (12) ‖ seed (32) ‖ u8 count (+ 49 per history entry) ‖ tag (16).
    static let minSealedBytes = 12 + 32 + 1 + 16
    static let maxSealedBytes = minSealedBytes + 49 * FormatV1.passwordHistoryCount

    let signingKey: Curve25519.Signing.PrivateKey
    var history: PasswordHistory

    /// A new signing key, with `history` (FORMAT.md §5.5: at creation, at the migration of an
    /// archive written before owner signatures, and after an escrow reset).
    init(history: PasswordHistory) throws {
        signingKey = try Curve25519.Signing.PrivateKey()
        self.history = history
    }

    /// `ownerKey = HKDF-SHA-256(ikm = KEK, salt = archiveID, info = "SalesVault v1 owner secrets")`.
    static func key(kek: SymmetricKey, archiveID: [UInt8]) throws -> SymmetricKey {
        try HKDF.deriveKey(inputKeyMaterial: kek, salt: archiveID, info: FormatV1.ownerSecretsLabel, outputByteCount: 32)
    }

    /// Opens the header field with the password slot's KEK. A field that does not open was
    /// written by someone without the password: `.ownerSignatureInvalid`.
    init(sealed: [UInt8], kek: SymmetricKey, archiveID: [UInt8]) throws {
        var plaintext: [UInt8]
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            plaintext = try AES.GCM.open(box, using: try Self.key(kek: kek, archiveID: archiveID), authenticating: FormatV1.ownerSecretsLabel + archiveID)
        } catch {
            throw VaultError(.ownerSignatureInvalid, "the owner's secrets do not open with the password: they were replaced by someone holding the data key")
        }
        defer { secureZero(&plaintext) }
        guard plaintext.count >= 33 else { throw VaultError(.ownerSignatureInvalid, "the owner's secrets are too short") }
        signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: plaintext[0..<32])
        var c = ByteCursor(Array(plaintext[32...]), context: "owner secrets")
        history = try PasswordHistory(reading: &c)
        try c.expectEnd()
    }

    func sealed(kek: SymmetricKey, archiveID: [UInt8]) throws -> [UInt8] {
        var plaintext = signingKey.rawRepresentation.withUnsafeBytes { Array($0) } + history.plaintext
        defer { secureZero(&plaintext) }
        let box = try AES.GCM.seal(plaintext, using: try Self.key(kek: kek, archiveID: archiveID), authenticating: FormatV1.ownerSecretsLabel + archiveID)
        return box.combined
    }
}
