/// The textual header of an age v1 file (c2sp.org/age, "Header"; Docs/AGE.md §2), parsed
/// strictly: every rule of the spec's ABNF is checked, and the stanzas of the types we know
/// (X25519, scrypt) are checked for their exact form before any key touches them.
struct AgeHeader {
    /// A recipient stanza: its arguments (the first is the type) and its decoded body.
    struct Stanza {
        var args: [String]
        var body: [UInt8]
        var type: String { args[0] }
    }

    /// A stanza of a type we implement, validated; unknown types (grease, plugins) are `.other`
    /// and are ignored, though the header MAC still covers them.
    enum Recipient {
        case x25519(share: [UInt8], body: [UInt8])
        case scrypt(salt: [UInt8], logN: Int, body: [UInt8])
        case other(type: String)
    }

    static let versionPrefix = Array("age-encryption.org/".utf8)
    static let versionLine = Array("age-encryption.org/v1".utf8)
    /// Bytes of header we read before giving up (age sets no limit; no real file comes close).
    static let maxHeaderBytes = 1 << 20
    /// Columns of a full stanza body line.
    static let bodyColumns = 64
    /// Characters of the MAC in the last line: 32 bytes of unpadded base64.
    static let macColumns = 43

    let stanzas: [Stanza]
    let recipients: [Recipient]
    /// The 32-byte HMAC-SHA-256 from the `---` line.
    let mac: [UInt8]
    /// The number of bytes the MAC covers: the header up to and including `---`.
    let macInputCount: Int
    /// Where the payload starts (just after the MAC line's LF).
    let payloadStart: Int

    /// Parses the header at the start of `file`.
    init(parsing file: [UInt8]) throws(AgeFile.Failure) {
        guard file.starts(with: Self.versionPrefix) else { throw .notAgeFile }
        var cursor = 0
        /// The next line without its LF; a CR is kept (and refused by whoever reads the line).
        func line() throws(AgeFile.Failure) -> ArraySlice<UInt8> {
            let limit = min(file.count, Self.maxHeaderBytes)
            guard let lf = file[cursor..<limit].firstIndex(of: 0x0A) else {
                throw limit < file.count ? .headerTooLong : .headerTruncated
            }
            defer { cursor = lf + 1 }
            return file[cursor..<lf]
        }
        guard try line().elementsEqual(Self.versionLine) else { throw .unsupportedVersion }

        var stanzas: [Stanza] = []
        while true {
            let start = cursor
            let l = try line()
            if l.starts(with: [0x2D, 0x2D, 0x2D]) {  // "---"
                guard !stanzas.isEmpty else { throw .noStanzas }
                // end = "--- " 43base64char LF
                guard l.count == 4 + Self.macColumns, l[l.startIndex + 3] == 0x20 else { throw .malformedHeaderMAC }
                guard let mac = Base64.decode(l.dropFirst(4)) else { throw .malformedHeaderMAC }
                self.mac = mac
                self.macInputCount = start + 3
                self.payloadStart = cursor
                break
            }
            guard l.starts(with: [0x2D, 0x3E, 0x20]) else { throw .malformedStanzaLine }  // "-> "
            // arg-line = "-> " argument *(SP argument) LF; argument = 1*VCHAR
            let args = l.dropFirst(3).split(separator: 0x20, omittingEmptySubsequences: false)
            guard args.allSatisfy({ !$0.isEmpty && $0.allSatisfy { (0x21...0x7E).contains($0) } }) else {
                throw .malformedStanzaArguments
            }
            // *full-line final-line: 64 columns each, then one shorter (possibly empty) line.
            var body: [UInt8] = []
            while true {
                let b = try line()
                // A line starting with "-" is the next stanza or the MAC: the final line is missing.
                guard b.count <= Self.bodyColumns, b.first != 0x2D else { throw .malformedStanzaBody }
                guard let decoded = Base64.decode(b) else { throw .nonCanonicalBase64 }
                body += decoded
                if b.count < Self.bodyColumns { break }
            }
            stanzas.append(Stanza(args: args.map { String(decoding: $0, as: UTF8.self) }, body: body))
        }
        self.stanzas = stanzas
        self.recipients = try stanzas.map { s throws(AgeFile.Failure) in try Self.recipient(s) }
        if stanzas.count > 1, recipients.contains(where: { if case .scrypt = $0 { true } else { false } }) {
            throw .scryptNotAlone
        }
    }

    /// The validated form of a stanza of a known type (age.md "X25519 recipient stanza",
    /// "scrypt recipient stanza"); the type is matched case-sensitively.
    static func recipient(_ s: Stanza) throws(AgeFile.Failure) -> Recipient {
        switch s.type {
        case "X25519":
            guard s.args.count == 2 else { throw .malformedX25519Stanza }
            guard let share = Base64.decode(s.args[1]) else { throw .nonCanonicalBase64 }
            // The body length is checked before any decryption (partitioning oracles).
            guard share.count == 32, s.body.count == 32 else { throw .malformedX25519Stanza }
            return .x25519(share: share, body: s.body)
        case "scrypt":
            guard s.args.count == 3 else { throw .malformedScryptStanza }
            guard let salt = Base64.decode(s.args[1]) else { throw .nonCanonicalBase64 }
            guard salt.count == 16, s.body.count == 32, let logN = workFactor(s.args[2]) else { throw .malformedScryptStanza }
            return .scrypt(salt: salt, logN: logN, body: s.body)
        default:
            return .other(type: s.type)
        }
    }

    /// `^[1-9][0-9]*$`, as an Int; values too large for an Int become `Int.max` (refused later
    /// as a work factor above the cap, not as a malformed stanza).
    static func workFactor(_ text: String) -> Int? {
        let digits = Array(text.utf8)
        guard let first = digits.first, (0x31...0x39).contains(first), digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        guard digits.count <= 9 else { return Int.max }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    // MARK: Writing

    /// The header text up to and including `---` (what the MAC covers).
    static func serialize(_ stanzas: [Stanza]) -> [UInt8] {
        var header = versionLine + [0x0A]
        for s in stanzas {
            header += Array(("-> " + s.args.joined(separator: " ")).utf8) + [0x0A]
            let text = Array(Base64.encode(s.body).utf8)
            var i = 0
            while text.count - i >= bodyColumns {
                header += text[i..<(i + bodyColumns)] + [0x0A]
                i += bodyColumns
            }
            header += text[i...] + [0x0A]  // the final line, shorter, possibly empty
        }
        return header + Array("---".utf8)
    }
}
