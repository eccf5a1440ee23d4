import VaultCrypto

/// The password slot (FORMAT.md §5.1): the DEK wrapped under an scrypt-derived key.
public struct PasswordSlot: Sendable, Equatable {
    public static let serializedSize = 1 + 4 + 4 + 32 + 12 + 32 + 16

    public let kdf: KDFParameters
    let salt: [UInt8]
    let nonce: [UInt8]
    let wrappedKey: [UInt8]
    let tag: [UInt8]

    init(kdf: KDFParameters, salt: [UInt8], nonce: [UInt8], wrappedKey: [UInt8], tag: [UInt8]) {
        self.kdf = kdf
        self.salt = salt
        self.nonce = nonce
        self.wrappedKey = wrappedKey
        self.tag = tag
    }

    /// Wraps `dek` under `password` with a fresh salt and nonce; returns the slot and its KEK.
    static func seal(dek: SymmetricKey, password: SecureBytes, kdf: KDFParameters, archiveID: [UInt8]) throws -> (slot: PasswordSlot, kek: SymmetricKey) {
        let salt = try Random.bytes(32)
        let kek = try deriveKEK(password: password, salt: salt, kdf: kdf)
        return (try seal(dek: dek, kek: kek, kdf: kdf, salt: salt, archiveID: archiveID), kek)
    }

    /// Wraps `dek` under an already derived KEK (its salt and parameters) with a fresh nonce.
    static func seal(dek: SymmetricKey, kek: SymmetricKey, kdf: KDFParameters, salt: [UInt8], archiveID: [UInt8]) throws -> PasswordSlot {
        let nonce = try AES.GCM.Nonce.random()
        let box = try AES.GCM.seal(dek, using: kek, nonce: nonce, authenticating: aad(kdf: kdf, salt: salt, archiveID: archiveID))
        return PasswordSlot(kdf: kdf, salt: salt, nonce: nonce.bytes, wrappedKey: box.ciphertext, tag: box.tag)
    }

    /// The key-encryption key for `password` (the slow step).
    func deriveKEK(password: SecureBytes) throws -> SymmetricKey {
        try Self.deriveKEK(password: password, salt: salt, kdf: kdf)
    }

    /// Unwraps the DEK. Any failure (wrong password, damaged slot) is `.wrongPassword`.
    func open(kek: SymmetricKey, archiveID: [UInt8]) throws -> SymmetricKey {
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: wrappedKey, tag: tag)
            var dek = try AES.GCM.open(box, using: kek, authenticating: Self.aad(kdf: kdf, salt: salt, archiveID: archiveID))
            defer { secureZero(&dek) }  // in place: `SymmetricKey(data:)` keeps its own copy
            guard dek.count == 32 else { throw VaultError(.wrongPassword, "unwrapped key has the wrong size") }
            return SymmetricKey(data: dek)
        } catch is CryptoError {
            throw VaultError(.wrongPassword, "the password does not open this archive")
        }
    }

    private static func deriveKEK(password: SecureBytes, salt: [UInt8], kdf: KDFParameters) throws -> SymmetricKey {
        try Scrypt.deriveKey(password: password, salt: salt, logN: kdf.logN, r: kdf.r, p: kdf.p, outputByteCount: 32)
    }

    static func aad(kdf: KDFParameters, salt: [UInt8], archiveID: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.append(FormatV1.passwordSlotAADLabel)
        w.append(archiveID)
        w.u8(UInt8(kdf.logN))
        w.u32(UInt32(kdf.r))
        w.u32(UInt32(kdf.p))
        w.append(salt)
        return w.bytes
    }

    var serialized: [UInt8] {
        var w = ByteWriter(capacity: Self.serializedSize)
        w.u8(UInt8(kdf.logN))
        w.u32(UInt32(kdf.r))
        w.u32(UInt32(kdf.p))
        w.append(salt)
        w.append(nonce)
        w.append(wrappedKey)
        w.append(tag)
        return w.bytes
    }

    init(parsing bytes: [UInt8]) throws {
        guard bytes.count == Self.serializedSize else {
            throw VaultError(.headerDamaged, "password slot has \(bytes.count) bytes, expected \(Self.serializedSize)")
        }
        var c = ByteCursor(bytes, context: "password slot")
        let logN = Int(try c.readU8())
        let r = Int(try c.readU32())
        let p = Int(try c.readU32())
        kdf = try KDFParameters(logN: logN, r: r, p: p)
        salt = try c.readBytes(32)
        nonce = try c.readBytes(12)
        wrappedKey = try c.readBytes(32)
        tag = try c.readBytes(16)
        try c.expectEnd()
    }
}
