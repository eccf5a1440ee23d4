/// The age v1 file format (c2sp.org/age): X25519 and scrypt recipients, HMAC'd header,
/// ChaCha20-Poly1305 STREAM payload in 64 KiB chunks. Files written here open with the `age`
/// tool and `age` files open here (tested against Debian's age).
public enum AgeFile {
    public enum Failure: Error, Equatable, Sendable {
        case notAgeFile, malformedHeader(String), noMatchingIdentity, headerMACMismatch, payloadDamaged, truncated
        case scryptWorkFactorTooHigh(Int)
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
        case passphrase(SecureBytes, maxLogN: Int = 22)
    }

    static let intro = "age-encryption.org/v1"
    static let x25519Label = Array("age-encryption.org/v1/X25519".utf8)
    static let scryptLabel = Array("age-encryption.org/v1/scrypt".utf8)
    static let chunkSize = 64 * 1024
    static let zeroNonce = [UInt8](repeating: 0, count: 12)

    struct Stanza {
        var type: String
        var args: [String]
        var body: [UInt8]
    }

    // MARK: Encrypting

    public static func encrypt(_ plaintext: [UInt8], to recipients: [Recipient]) throws -> [UInt8] {
        guard !recipients.isEmpty else { throw CryptoError.invalidParameter("age: no recipients") }
        if recipients.contains(where: { if case .scrypt = $0 { return true } else { return false } }) && recipients.count > 1 {
            throw CryptoError.invalidParameter("age: a passphrase must be the only recipient")
        }
        let fileKey = try SecureBytes.random(count: 16)
        var stanzas: [Stanza] = []
        for r in recipients {
            switch r {
            case .x25519(let pub):
                let ephemeral = try Curve25519.KeyAgreement.PrivateKey()
                let share = ephemeral.publicKey.rawRepresentation
                let shared = try ephemeral.sharedSecretFromKeyAgreement(with: pub)
                let wrapKey = try HKDF.deriveKey(inputKeyMaterial: shared, salt: share + pub.rawRepresentation, info: x25519Label, outputByteCount: 32)
                let body = try ChaChaPoly.seal(fileKey, using: wrapKey, nonce: zeroNonce)
                stanzas.append(Stanza(type: "X25519", args: [Base64.encode(share)], body: body))
            case .scrypt(let passphrase, let logN):
                let salt = try Random.bytes(16)
                let key = try Scrypt.deriveKey(password: passphrase, salt: scryptLabel + salt, logN: logN, r: 8, p: 1, outputByteCount: 32)
                let body = try ChaChaPoly.seal(fileKey, using: key, nonce: zeroNonce)
                stanzas.append(Stanza(type: "scrypt", args: [Base64.encode(salt), String(logN)], body: body))
            }
        }
        var header = Array("\(intro)\n".utf8)
        for s in stanzas {
            header += Array((["->", s.type] + s.args).joined(separator: " ").utf8) + [10]
            header += wrapLines(Base64.encode(s.body))
        }
        header += Array("---".utf8)
        let macKey = try HKDF.deriveKey(inputKeyMaterial: fileKey, salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
        let mac = try HMACSHA256.authenticationCode(for: header, using: macKey)
        header += Array(" \(Base64.encode(mac))\n".utf8)
        let nonce = try Random.bytes(16)
        let payloadKey = try HKDF.deriveKey(inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
        return header + nonce + (try stream(seal: plaintext, key: payloadKey))
    }

    /// Body lines of 64 columns, the last one shorter (possibly empty).
    static func wrapLines(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while bytes.count - i >= 64 {
            out += bytes[i..<(i + 64)] + [10]
            i += 64
        }
        out += bytes[i...] + [10]
        return out
    }

    static func chunkNonce(_ counter: UInt64, last: Bool) -> [UInt8] {
        [0, 0, 0] + (0..<8).map { UInt8(truncatingIfNeeded: counter >> UInt64(56 - 8 * $0)) } + [last ? 1 : 0]
    }

    static func stream(seal plaintext: [UInt8], key: SymmetricKey) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(plaintext.count + (plaintext.count / chunkSize + 1) * 16)
        var counter: UInt64 = 0
        var offset = 0
        repeat {
            let end = min(offset + chunkSize, plaintext.count)
            let last = end == plaintext.count
            out += try ChaChaPoly.seal(plaintext[offset..<end], using: key, nonce: chunkNonce(counter, last: last))
            counter += 1
            offset = end
        } while offset < plaintext.count
        return out
    }

    // MARK: Decrypting

    public static func decrypt(_ file: [UInt8], with identities: [Identity]) throws -> [UInt8] {
        var cursor = 0
        func line() throws -> ArraySlice<UInt8> {
            guard let nl = file[cursor...].firstIndex(of: 10) else { throw Failure.truncated }
            defer { cursor = nl + 1 }
            return file[cursor..<nl]
        }
        guard String(decoding: try line(), as: UTF8.self) == intro else { throw Failure.notAgeFile }
        var stanzas: [Stanza] = []
        var macLine: ArraySlice<UInt8> = []
        var headerEnd = 0
        while true {
            let start = cursor
            let l = try line()
            if l.starts(with: Array("---".utf8)) {
                headerEnd = start + 3
                macLine = l
                break
            }
            guard l.starts(with: Array("-> ".utf8)) else { throw Failure.malformedHeader("expected a stanza or ---") }
            let words = l.dropFirst(3).split(separator: 32, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            guard let type = words.first, !type.isEmpty, words.allSatisfy({ !$0.isEmpty }) else { throw Failure.malformedHeader("empty stanza argument") }
            var body: [UInt8] = []
            while true {
                let b = try line()
                guard b.count <= 64, let decoded = Base64.decode(b) else { throw Failure.malformedHeader("stanza body") }
                body += decoded
                if b.count < 64 { break }
            }
            stanzas.append(Stanza(type: type, args: Array(words.dropFirst()), body: body))
        }
        guard macLine.count > 4, macLine[macLine.startIndex + 3] == 32, let mac = Base64.decode(macLine.dropFirst(4)), mac.count == 32 else {
            throw Failure.malformedHeader("header MAC")
        }
        let scryptCount = stanzas.filter { $0.type == "scrypt" }.count
        if scryptCount > 0 && stanzas.count > 1 { throw Failure.malformedHeader("an scrypt stanza must be alone") }
        var fileKey: SymmetricKey?
        search: for identity in identities {
            for s in stanzas {
                if let key = try unwrap(s, with: identity) { fileKey = key; break search }
            }
        }
        guard let fileKey else { throw Failure.noMatchingIdentity }
        let macKey = try HKDF.deriveKey(inputKeyMaterial: fileKey, salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
        guard try HMACSHA256.isValid(mac, for: Array(file[..<headerEnd]), using: macKey) else { throw Failure.headerMACMismatch }
        guard file.count - cursor >= 16 else { throw Failure.truncated }
        let nonce = Array(file[cursor..<(cursor + 16)])
        let payloadKey = try HKDF.deriveKey(inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
        return try stream(open: file[(cursor + 16)...], key: payloadKey)
    }

    /// The file key if `identity` opens stanza `s`; nil if the stanza is not for it.
    static func unwrap(_ s: Stanza, with identity: Identity) throws -> SymmetricKey? {
        switch (s.type, identity) {
        case ("X25519", .x25519(let priv)):
            guard s.args.count == 1, let share = Base64.decode(s.args[0]), share.count == 32, s.body.count == 32 else {
                throw Failure.malformedHeader("X25519 stanza")
            }
            let peer = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: share)
            guard let shared = try? priv.sharedSecretFromKeyAgreement(with: peer) else { throw Failure.malformedHeader("X25519 share") }
            let wrapKey = try HKDF.deriveKey(
                inputKeyMaterial: shared, salt: share + priv.publicKey.rawRepresentation, info: x25519Label, outputByteCount: 32)
            guard var key = try? ChaChaPoly.open(s.body, using: wrapKey, nonce: zeroNonce) else { return nil }
            defer { secureZero(&key) }  // in place: the SymmetricKey keeps its own copy
            return SymmetricKey(data: key)
        case ("scrypt", .passphrase(let passphrase, let maxLogN)):
            guard s.args.count == 2, let salt = Base64.decode(s.args[0]), salt.count == 16, let logN = Int(s.args[1]),
                  String(logN) == s.args[1], logN > 0, s.body.count == 32
            else { throw Failure.malformedHeader("scrypt stanza") }
            guard logN <= maxLogN else { throw Failure.scryptWorkFactorTooHigh(logN) }
            let key = try Scrypt.deriveKey(password: passphrase, salt: scryptLabel + salt, logN: logN, r: 8, p: 1, outputByteCount: 32)
            guard var fileKey = try? ChaChaPoly.open(s.body, using: key, nonce: zeroNonce) else { return nil }
            defer { secureZero(&fileKey) }  // in place: the SymmetricKey keeps its own copy
            return SymmetricKey(data: fileKey)
        default:
            return nil
        }
    }

    static func stream(open payload: ArraySlice<UInt8>, key: SymmetricKey) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count)  // no reallocation leaves plaintext behind in freed memory
        var counter: UInt64 = 0
        var offset = payload.startIndex
        let sealedChunk = chunkSize + 16
        while true {
            let remaining = payload.endIndex - offset
            guard remaining >= 16 else { throw Failure.truncated }
            let last = remaining <= sealedChunk
            let end = last ? payload.endIndex : offset + sealedChunk
            guard var chunk = try? ChaChaPoly.open(payload[offset..<end], using: key, nonce: chunkNonce(counter, last: last)) else {
                secureZero(&out)
                throw Failure.payloadDamaged
            }
            // A final chunk is empty only when the whole payload is; a full chunk that is last is fine.
            if last && chunk.isEmpty && counter > 0 { throw Failure.payloadDamaged }
            out += chunk
            secureZero(&chunk)  // in place: `out` holds its own copy
            if last { return out }
            counter += 1
            offset = end
        }
    }
}
