/// age's X25519 key encodings (c2sp.org/age, "The X25519 recipient type"): identities are
/// Bech32 with HRP `AGE-SECRET-KEY-` in uppercase, recipients Bech32 with HRP `age` in lowercase.
public enum AgeKeys {
    public static let identityHRP = "age-secret-key-"
    public static let recipientHRP = "age"

    public enum Failure: Error, Equatable, Sendable {
        case notAnIdentity, notARecipient, badEncoding(Bech32.Failure), badKey
    }

    /// `AGE-SECRET-KEY-1…` for a private key.
    public static func identityString(_ key: Curve25519.KeyAgreement.PrivateKey) -> String {
        Bech32.encode(hrp: identityHRP, data: key.rawRepresentation.bytes, uppercase: true)
    }

    /// `age1…` for a public key.
    public static func recipientString(_ key: Curve25519.KeyAgreement.PublicKey) -> String {
        Bech32.encode(hrp: recipientHRP, data: key.rawRepresentation)
    }

    public static func parseIdentity(_ text: String) throws(Failure) -> Curve25519.KeyAgreement.PrivateKey {
        let decoded: (hrp: String, data: [UInt8])
        do { decoded = try Bech32.decode(text.trimmingSpaces) } catch { throw .badEncoding(error) }
        guard decoded.hrp == identityHRP, text.trimmingSpaces.hasPrefix("AGE-SECRET-KEY-1") else { throw .notAnIdentity }
        guard decoded.data.count == 32, let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: decoded.data) else {
            throw .badKey
        }
        return key
    }

    public static func parseRecipient(_ text: String) throws(Failure) -> Curve25519.KeyAgreement.PublicKey {
        let decoded: (hrp: String, data: [UInt8])
        do { decoded = try Bech32.decode(text.trimmingSpaces) } catch { throw .badEncoding(error) }
        guard decoded.hrp == recipientHRP, text.trimmingSpaces.hasPrefix("age1") else { throw .notARecipient }
        guard decoded.data.count == 32, let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: decoded.data) else {
            throw .badKey
        }
        return key
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\n" || f == "\r" || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\n" || l == "\r" || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
