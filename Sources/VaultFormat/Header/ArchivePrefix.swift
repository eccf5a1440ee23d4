/// The 32-byte file prefix (FORMAT.md §3.1). Never rewritten after creation.
public struct ArchivePrefix: Sendable, Equatable {
    public let archiveID: [UInt8]

    public init(archiveID: [UInt8]) throws {
        guard archiveID.count == FormatV1.archiveIDSize else {
            throw VaultError(.invalidArgument, "archive id must be \(FormatV1.archiveIDSize) bytes")
        }
        self.archiveID = archiveID
    }

    /// Parses and validates the prefix of a file (at least its first 32 bytes).
    public init(parsing bytes: [UInt8]) throws {
        guard bytes.count >= FormatV1.magic.count, Array(bytes[0..<FormatV1.magic.count]) == FormatV1.magic else {
            throw VaultError(.notAnArchive, "the file does not start with the SalesVault signature")
        }
        var cursor = ByteCursor(bytes, range: 0..<min(bytes.count, FormatV1.prefixSize), context: "file prefix")
        _ = try cursor.read(FormatV1.magic.count)
        let version = try cursor.readU16()
        guard version == FormatV1.version else {
            throw VaultError(.unsupportedVersion, "format version \(version); this build reads version \(FormatV1.version)")
        }
        guard bytes.count >= FormatV1.prefixSize else { throw VaultError(.truncated, "the file ends inside its prefix") }
        guard try cursor.readU16() == 0 else { throw VaultError(.headerDamaged, "file prefix: reserved field is not zero") }
        let copySize = try cursor.readU32()
        guard copySize == UInt32(FormatV1.headerCopySize) else {
            throw VaultError(.headerDamaged, "file prefix: header copy size \(copySize), expected \(FormatV1.headerCopySize)")
        }
        try self.init(archiveID: cursor.readBytes(FormatV1.archiveIDSize))
    }

    public var serialized: [UInt8] {
        var w = ByteWriter(capacity: FormatV1.prefixSize)
        w.append(FormatV1.magic)
        w.u16(FormatV1.version)
        w.u16(0)
        w.u32(UInt32(FormatV1.headerCopySize))
        w.append(archiveID)
        return w.bytes
    }

    /// The archive id as 32 lowercase hex digits.
    public var archiveIDHex: String { archiveID.hexString }
}

extension Sequence where Element == UInt8 {
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in self { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
