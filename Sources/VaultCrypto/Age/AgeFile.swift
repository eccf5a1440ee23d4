/// The age v1 file format (c2sp.org/age, age-encryption.org/v1; what we accept is Docs/AGE.md):
/// X25519 and scrypt recipients, an HMAC'd header, a ChaCha20-Poly1305 STREAM payload in 64 KiB
/// chunks, and the ASCII armor. Files written here open with the `age` tool and `age` files open
/// here (tested against Debian's age and the age testkit).
public enum AgeFile {
    /// Why a file was refused; each case is one rule of the spec (Docs/AGE.md §6).
    public enum Failure: Error, Equatable, Sendable {
        // The file as a whole
        /// Neither the age version line nor the armor's begin line starts the file.
        case notAgeFile
        /// `age-encryption.org/` followed by something other than `v1`.
        case unsupportedVersion
        // ASCII armor
        /// No `-----END AGE ENCRYPTED FILE-----` line.
        case armorMissingEnd
        /// Something other than whitespace after the END line.
        case armorTrailingData
        /// A line of the armor that is not 64 base64 columns (the last one 1 to 64), a header,
        /// a blank line, a space or a stray CR inside the block.
        case armorMalformedLine
        /// Padding missing or misplaced, or non-zero trailing bits.
        case armorNonCanonicalBase64
        // Header syntax
        /// The file ends before the header's last line.
        case headerTruncated
        /// No header end within `maxHeaderBytes`.
        case headerTooLong
        /// A header line that is neither a stanza (`-> `) nor the MAC line (`---`).
        case malformedStanzaLine
        /// An empty stanza argument (no type, double or trailing space) or a character that
        /// is not printable ASCII (VCHAR).
        case malformedStanzaArguments
        /// A body line longer than 64 columns, or a body of full lines with no final shorter line.
        case malformedStanzaBody
        /// Base64 in the header that is not canonical unpadded base64 (padding, characters
        /// outside the alphabet, non-zero trailing bits).
        case nonCanonicalBase64
        /// A header with no stanza.
        case noStanzas
        /// The last line is not exactly `--- ` and 43 characters of canonical base64.
        case malformedHeaderMAC
        // Known stanzas
        /// An X25519 stanza without exactly one 32-byte share, or with a body that is not 32 bytes.
        case malformedX25519Stanza
        /// The X25519 share gives an all-zero shared secret (a low-order point).
        case x25519LowOrderShare
        /// An scrypt stanza without a 16-byte salt and a decimal work factor (no leading zero),
        /// or with a body that is not 32 bytes.
        case malformedScryptStanza
        /// An scrypt stanza next to any other stanza.
        case scryptNotAlone
        /// An scrypt work factor (log2 N) above the identity's cap.
        case scryptWorkFactorTooHigh(Int)
        // Keys
        /// No identity given opens any stanza (wrong key or wrong passphrase).
        case noMatchingIdentity
        /// A stanza opened, but the header MAC does not verify: the header was altered.
        case headerMACMismatch
        // Payload
        /// Fewer than 16 bytes of payload nonce after the header.
        case missingPayloadNonce
        /// The payload ends inside a chunk shorter than its 16-byte tag.
        case truncatedChunk
        /// The payload ends without a chunk marked final (cut at a chunk boundary).
        case missingFinalChunk
        /// A chunk marked final is followed by more data.
        case dataAfterFinalChunk
        /// An empty final chunk after other chunks (only an empty file has an empty final chunk).
        case emptyFinalChunk
        /// A chunk does not verify: bytes flipped, chunks swapped or cut short.
        case payloadDamaged
    }

    /// Who can open a file.
    public enum Recipient: Sendable {
        case x25519(Curve25519.KeyAgreement.PublicKey)
        /// A passphrase; age allows it only as the sole recipient.
        case scrypt(passphrase: SecureBytes, logN: Int)
    }

    /// What opens a file.
    public enum Identity: Sendable {
        case x25519(Curve25519.KeyAgreement.PrivateKey)
        /// A passphrase, with the highest scrypt work factor it will spend (age's default cap).
        case passphrase(SecureBytes, maxLogN: Int = defaultMaxLogN)
    }

    /// age's own cap on the scrypt work factor when decrypting.
    public static let defaultMaxLogN = 22
    static let x25519Label = Array("age-encryption.org/v1/X25519".utf8)
    static let scryptLabel = Array("age-encryption.org/v1/scrypt".utf8)
    static let zeroNonce = [UInt8](repeating: 0, count: 12)
    static let fileKeySize = 16
    static let payloadNonceSize = 16

    // MARK: Encrypting

    /// An age file of `plaintext` for `recipients`; `armored` gives the ASCII armor form.
    public static func encrypt(_ plaintext: [UInt8], to recipients: [Recipient], armored: Bool = false) throws -> [UInt8] {
        guard !recipients.isEmpty else { throw CryptoError.invalidParameter("age: no recipients") }
        if recipients.contains(where: { if case .scrypt = $0 { return true } else { return false } }) && recipients.count > 1 {
            throw CryptoError.invalidParameter("age: a passphrase must be the only recipient")
        }
        let fileKey = try SecureBytes.random(count: fileKeySize)
        var stanzas: [AgeHeader.Stanza] = []
        for r in recipients {
            switch r {
            case .x25519(let pub):
                let ephemeral = try Curve25519.KeyAgreement.PrivateKey()
                let share = ephemeral.publicKey.rawRepresentation
                let shared = try ephemeral.sharedSecretFromKeyAgreement(with: pub)
                let wrapKey = try HKDF.deriveKey(inputKeyMaterial: shared, salt: share + pub.rawRepresentation, info: x25519Label, outputByteCount: 32)
                let body = try ChaChaPoly.seal(fileKey, using: wrapKey, nonce: zeroNonce)
                stanzas.append(AgeHeader.Stanza(args: ["X25519", Base64.encode(share)], body: body))
            case .scrypt(let passphrase, let logN):
                let salt = try Random.bytes(16)
                let key = try Scrypt.deriveKey(password: passphrase, salt: scryptLabel + salt, logN: logN, r: 8, p: 1, outputByteCount: 32)
                let body = try ChaChaPoly.seal(fileKey, using: key, nonce: zeroNonce)
                stanzas.append(AgeHeader.Stanza(args: ["scrypt", Base64.encode(salt), String(logN)], body: body))
            }
        }
        var header = AgeHeader.serialize(stanzas)
        let mac = try HMACSHA256.authenticationCode(for: header, using: try macKey(fileKey))
        header += Array(" \(Base64.encode(mac))\n".utf8)
        let nonce = try Random.bytes(payloadNonceSize)
        let payloadKey = try HKDF.deriveKey(inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
        let file = header + nonce + (try AgeStream.seal(plaintext, key: payloadKey))
        return armored ? AgeArmor.encode(file) : file
    }

    static func macKey(_ fileKey: some ByteSequence) throws -> SymmetricKey {
        try HKDF.deriveKey(inputKeyMaterial: fileKey, salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
    }

    // MARK: Decrypting

    /// What a file says about itself before any key is used: armored or not, and the type of
    /// each stanza. Throws the header's syntax failures.
    public struct Summary: Sendable, Equatable {
        public let armored: Bool
        public let stanzaTypes: [String]
        public init(armored: Bool, stanzaTypes: [String]) {
            self.armored = armored
            self.stanzaTypes = stanzaTypes
        }
        /// Whether a passphrase opens it (its one stanza is scrypt).
        public var isPassphraseProtected: Bool { stanzaTypes == ["scrypt"] }
    }

    public static func summary(of file: [UInt8]) throws(Failure) -> Summary {
        let armored = AgeArmor.isArmored(file)
        let header = try AgeHeader(parsing: armored ? try AgeArmor.decode(file) : file)
        return Summary(armored: armored, stanzaTypes: header.stanzas.map(\.type))
    }

    /// The plaintext of an age file (binary or armored), all or nothing: the header is checked
    /// in full, its MAC verified, and every chunk authenticated before anything is returned.
    public static func decrypt(_ input: [UInt8], with identities: [Identity]) throws(Failure) -> [UInt8] {
        let file = AgeArmor.isArmored(input) ? try AgeArmor.decode(input) : input
        let header = try AgeHeader(parsing: file)
        var fileKey: SymmetricKey?
        search: for identity in identities {
            for r in header.recipients {
                if let key = try unwrap(r, with: identity) {
                    fileKey = key
                    break search
                }
            }
        }
        guard let fileKey else { throw .noMatchingIdentity }
        guard let key = try? macKey(fileKey), let valid = try? HMACSHA256.isValid(header.mac, for: file[..<header.macInputCount], using: key), valid else {
            throw .headerMACMismatch
        }
        guard file.count - header.payloadStart >= payloadNonceSize else { throw .missingPayloadNonce }
        let nonce = file[header.payloadStart..<(header.payloadStart + payloadNonceSize)]
        guard let payloadKey = try? HKDF.deriveKey(inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32) else {
            throw .payloadDamaged
        }
        return try AgeStream.open(file[(header.payloadStart + payloadNonceSize)...], key: payloadKey)
    }

    /// The file key if `identity` opens stanza `r`; nil if the stanza is not for it.
    static func unwrap(_ r: AgeHeader.Recipient, with identity: Identity) throws(Failure) -> SymmetricKey? {
        switch (r, identity) {
        case (.x25519(let share, let body), .x25519(let priv)):
            guard let peer = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: share) else { throw .malformedX25519Stanza }
            let shared: SecureBytes
            do { shared = try priv.sharedSecretFromKeyAgreement(with: peer) } catch CryptoError.lowOrderPoint {
                throw .x25519LowOrderShare
            } catch { throw .malformedX25519Stanza }
            guard let wrapKey = try? HKDF.deriveKey(
                inputKeyMaterial: shared, salt: share + priv.publicKey.rawRepresentation, info: x25519Label, outputByteCount: 32)
            else { return nil }
            return open(body, with: wrapKey)
        case (.scrypt(let salt, let logN, let body), .passphrase(let passphrase, let maxLogN)):
            guard logN <= maxLogN else { throw .scryptWorkFactorTooHigh(logN) }
            guard let key = try? Scrypt.deriveKey(password: passphrase, salt: scryptLabel + salt, logN: logN, r: 8, p: 1, outputByteCount: 32)
            else { throw .scryptWorkFactorTooHigh(logN) }  // refused by the KDF itself (memory)
            return open(body, with: key)
        default:
            return nil
        }
    }

    /// A 16-byte file key from a 32-byte stanza body, or nil when the tag does not verify.
    static func open(_ body: [UInt8], with wrapKey: SymmetricKey) -> SymmetricKey? {
        guard var key = try? ChaChaPoly.open(body, using: wrapKey, nonce: zeroNonce) else { return nil }
        defer { secureZero(&key) }  // in place: the SymmetricKey keeps its own copy
        return key.count == fileKeySize ? SymmetricKey(data: key) : nil
    }
}
