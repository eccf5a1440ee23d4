import VaultCrypto

/// The last passwords as salted scrypt hashes, sealed under the DEK in the header
/// (FORMAT.md §5.4): `passwd` refuses them.
struct PasswordHistory {
    struct Entry {
        let logN: Int
        let salt: [UInt8]
        let hash: [UInt8]
    }

    private(set) var entries: [Entry] = []

    init() {}

    /// Opens the header field; nil means an empty history (an archive made before it existed).
    init(sealed: [UInt8]?, key: SymmetricKey, archiveID: [UInt8]) throws {
        guard let sealed else {
            self.init()
            return
        }
        let plaintext: [UInt8]
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            plaintext = try AES.GCM.open(box, using: key, authenticating: FormatV1.passwordHistoryLabel + archiveID)
        } catch {
            throw VaultError(.headerDamaged, "the password history does not open with this archive's key")
        }
        var c = ByteCursor(plaintext, context: "password history")
        try self.init(reading: &c)
        try c.expectEnd()
    }

    /// Reads `u8 count` then the entries (FORMAT.md §5.4), as in the sealed field or the owner's
    /// secrets (§5.5).
    init(reading c: inout ByteCursor) throws {
        let count = Int(try c.readU8())
        guard count <= FormatV1.passwordHistoryCount else { throw VaultError(.headerDamaged, "password history: \(count) entries") }
        for _ in 0..<count {
            let logN = Int(try c.readU8())
            guard logN == FormatV1.passwordHistoryLogN else { throw VaultError(.headerDamaged, "password history: cost \(logN)") }
            entries.append(Entry(logN: logN, salt: try c.readBytes(16), hash: try c.readBytes(32)))
        }
    }

    /// True when `password` is one of the entries (one scrypt per entry).
    func contains(_ password: SecureBytes) throws -> Bool {
        for e in entries {
            let h = try Scrypt.deriveKey(password: password, salt: e.salt, logN: e.logN, r: 8, p: 1, outputByteCount: 32)
            if constantTimeEquals(h, e.hash) { return true }
        }
        return false
    }

    /// Puts `password` first and keeps the newest five.
    mutating func push(_ password: SecureBytes) throws {
        let salt = try Random.bytes(16)
        let logN = FormatV1.passwordHistoryLogN
        let hash = try Scrypt.deriveKey(password: password, salt: salt, logN: logN, r: 8, p: 1, outputByteCount: 32)
        entries.insert(Entry(logN: logN, salt: salt, hash: hash.withUnsafeBytes { Array($0) }), at: 0)
        if entries.count > FormatV1.passwordHistoryCount { entries.removeLast(entries.count - FormatV1.passwordHistoryCount) }
    }

    /// `u8 count ‖ entries`.
    var plaintext: [UInt8] {
        var w = ByteWriter()
        w.u8(UInt8(entries.count))
        for e in entries {
            w.u8(UInt8(e.logN))
            w.append(e.salt)
            w.append(e.hash)
        }
        return w.bytes
    }

    func sealed(key: SymmetricKey, archiveID: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: FormatV1.passwordHistoryLabel + archiveID)
        return box.nonce.bytes + box.ciphertext + box.tag
    }
}
