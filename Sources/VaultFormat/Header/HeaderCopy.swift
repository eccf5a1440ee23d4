import VaultCrypto

/// One 16 KiB header copy (FORMAT.md §3.2): length, body, MAC, zero padding, checksum.
struct HeaderCopy: Sendable {
    let header: ArchiveHeader
    let body: [UInt8]
    let mac: [UInt8]
    /// The exact 16 384 bytes on disk.
    let bytes: [UInt8]

    /// Classifies raw bytes as intact (returns the copy) or damaged (throws `.headerDamaged`, or
    /// `.kdfRefused` when the only problem is a KDF cost outside the accepted range).
    init(parsing bytes: [UInt8]) throws {
        guard bytes.count == FormatV1.headerCopySize else {
            throw VaultError(.headerDamaged, "header copy is \(bytes.count) bytes")
        }
        let checksumStart = FormatV1.headerCopySize - FormatV1.checksumSize
        guard try SHA256.hash(bytes[0..<checksumStart]) == Array(bytes[checksumStart...]) else {
            throw VaultError(.headerDamaged, "header copy checksum does not match (torn write or damage)")
        }
        var cursor = ByteCursor(bytes, range: 0..<checksumStart, context: "header copy")
        let length = Int(try cursor.readU32())
        guard length >= 1, length <= FormatV1.maxHeaderBodyBytes else {
            throw VaultError(.headerDamaged, "header body length \(length) out of range")
        }
        body = try cursor.readBytes(length)
        mac = try cursor.readBytes(FormatV1.macSize)
        guard try cursor.read(cursor.remaining).allSatisfy({ $0 == 0 }) else {
            throw VaultError(.headerDamaged, "header copy padding is not zero")
        }
        header = try ArchiveHeader(parsing: body)
        self.bytes = bytes
    }

    /// Serialises `header` and authenticates it with `headerKey` (FORMAT.md §3.2).
    init(header: ArchiveHeader, prefix: ArchivePrefix, headerKey: SymmetricKey) throws {
        let body = header.serialized
        guard body.count <= FormatV1.maxHeaderBodyBytes else {
            throw VaultError(.limitExceeded, "header of \(body.count) bytes exceeds \(FormatV1.maxHeaderBodyBytes)")
        }
        let mac = try HMACSHA256.authenticationCode(for: Self.macInput(prefix: prefix, body: body), using: headerKey)
        var w = ByteWriter(capacity: FormatV1.headerCopySize)
        w.u32(UInt32(body.count))
        w.append(body)
        w.append(mac)
        w.append(repeatElement(0, count: FormatV1.headerCopySize - FormatV1.checksumSize - w.bytes.count))
        let checksum = try SHA256.hash(w.bytes)
        w.append(checksum)
        self.header = header
        self.body = body
        self.mac = mac
        self.bytes = w.bytes
    }

    /// True when the MAC verifies under `headerKey` (constant-time compare).
    func isAuthentic(prefix: ArchivePrefix, headerKey: SymmetricKey) throws -> Bool {
        try HMACSHA256.isValid(mac, for: Self.macInput(prefix: prefix, body: body), using: headerKey)
    }

    static func macInput(prefix: ArchivePrefix, body: [UInt8]) -> [UInt8] {
        prefix.serialized + [UInt8].be32(UInt32(body.count)) + body
    }
}

/// Keys derived from the DEK (FORMAT.md §4.3).
struct DerivedKeys {
    let headerKey: SymmetricKey
    let recordKey: SymmetricKey
    let historyKey: SymmetricKey

    init(dek: SymmetricKey, archiveID: [UInt8]) throws {
        headerKey = try HKDF.deriveKey(inputKeyMaterial: dek, salt: archiveID, info: FormatV1.headerMACInfo, outputByteCount: 32)
        recordKey = try HKDF.deriveKey(inputKeyMaterial: dek, salt: archiveID, info: FormatV1.recordKeyInfo, outputByteCount: 32)
        historyKey = try HKDF.deriveKey(inputKeyMaterial: dek, salt: archiveID, info: FormatV1.passwordHistoryLabel, outputByteCount: 32)
    }
}
