import Foundation
import VaultCrypto

/// The whole-record digest chain the owner signs (FORMAT.md §6.5):
/// `d_0` = 32 zero bytes, `d_(i+1) = SHA-256(d_i ‖ u64 i ‖ whole record i)`, where the whole
/// record is its length field, nonce, ciphertext and tag as stored. Needs no key.
public enum RecordDigest {
    /// The chain's value after `count` records that take `bodyLength` bytes.
    public struct Position: Sendable, Equatable {
        public var count: UInt64
        public var bodyLength: UInt64
        public var digest: [UInt8]
        public static let start = Position(count: 0, bodyLength: 0, digest: [UInt8](repeating: 0, count: 32))
        public init(count: UInt64, bodyLength: UInt64, digest: [UInt8]) {
            self.count = count
            self.bodyLength = bodyLength
            self.digest = digest
        }
    }

    /// One step over record `index`: `length` is its 4-byte length field, `sealed` the rest.
    static func advance(_ digest: inout [UInt8], hasher: SHA256.Hasher, index: UInt64, length: Int, sealed: some ByteSequence) throws {
        var be = index.bigEndian
        var lengthField = UInt32(length).bigEndian
        try withUnsafeBytes(of: &be) { i in
            try withUnsafeBytes(of: &lengthField) { l in
                try sealed.withUnsafeBytes { s in
                    try digest.withUnsafeMutableBytes { d in
                        try hasher.hash(UnsafeRawBufferPointer(d), i, l, s, into: d)
                    }
                }
            }
        }
    }

    /// Follows the chain from `start` through the records of `file`'s body up to `bodyLength`
    /// bytes, reading only bytes (no key). `visit` sees each position before its record (and the
    /// last one); a record that does not fit is `.recordDamaged`.
    static func scan(_ file: ArchiveFile, from start: Position, to bodyLength: UInt64, visit: (Position) throws -> Void = { _ in }) throws -> Position {
        let hasher = try SHA256.Hasher()
        var reader = BodyReader(file: file, bodyLength: Int(bodyLength), start: Int(start.bodyLength))
        var position = start
        while true {
            try visit(position)
            guard let sealed = try reader.next(index: position.count) else { break }
            try advance(&position.digest, hasher: hasher, index: position.count, length: sealed.length, sealed: sealed.bytes)
            position.count += 1
            position.bodyLength = UInt64(reader.bodyPosition)
        }
        return position
    }

    /// What a reader without any key can say about an archive's owner signature (DEPARTMENT.md
    /// §6 `signature`): FORMAT.md §5.6's keyless checks and, with `readBody`, the digest of every
    /// record up to the signed count from record 0 (the checkpoint's digest included).
    public enum Check: Sendable, Equatable {
        /// Written before owner signatures, or after an escrow reset (no 0x12/0x13).
        case unsigned
        /// Valid under the header's own public key.
        case valid(publicKey: [UInt8])
        case invalid(String)
    }

    /// `locked` false (compliance, DEPARTMENT.md §6): read without the archive's lock, so that an
    /// archive its owner has open is still checked. The records up to the signed count are never
    /// rewritten in place (appends go after the committed body; `rekey` writes a new file), and a
    /// header copy caught half-written is read again, as `ArchiveInspection.inspect` does.
    public static func check(path: String, readBody: Bool, locked: Bool = true) throws -> Check {
        let file = try ArchiveFile(path: path, mode: .read)
        if locked {
            try file.lock(exclusive: false)
            let inspection = try ArchiveInspection.read(file)
            return try check(inspection.header, prefix: inspection.prefix, file: readBody ? file : nil)
        }
        var inspection: ArchiveInspection?
        for _ in 0..<2 where inspection == nil {
            do { inspection = try ArchiveInspection.read(file) } catch let e as VaultError where e.code == .headerDamaged {
                usleep(50_000)
            }
        }
        let read = try inspection ?? ArchiveInspection.read(file)
        return try check(read.header, prefix: read.prefix, file: readBody ? file : nil)
    }

    /// The keyless checks of `header` as already parsed (FORMAT.md §5.6 checks 1–5), the records
    /// read from the file at `path` (a `/dev/fd/N` of the descriptor the header came from, so that
    /// the signature is checked against the same bytes, DEPARTMENT.md §6). No lock.
    public static func check(_ header: ArchiveHeader, prefix: ArchivePrefix, bodyAt path: String) throws -> Check {
        try check(header, prefix: prefix, file: ArchiveFile(path: path, mode: .read))
    }

    static func check(_ header: ArchiveHeader, prefix: ArchivePrefix, file: ArchiveFile?) throws -> Check {
        switch (header.ownerSecrets, header.ownerSignature) {
        case (nil, nil): return .unsigned
        case (_?, nil): return .invalid("the owner's signature was removed")
        case (nil, _?): return .invalid("the owner's secrets were removed")
        case (_?, let s?):
            if let problem = OwnerSignature.problem(in: header, prefix: prefix) { return .invalid(problem) }
            if let file {
                guard try file.size() >= FormatV1.bodyOffset + Int(s.signedBodyLength) else { return .invalid("the file is shorter than the records the owner signed") }
                let checkpoint = header.checkpoint
                do {
                    var checkpointOK = checkpoint == nil
                    let end = try scan(file, from: .start, to: s.signedBodyLength) { p in
                        if let checkpoint, p.count == checkpoint.index {
                            checkpointOK = p.bodyLength == checkpoint.offset && p.digest == s.checkpointDigest
                        }
                    }
                    guard checkpointOK else { return .invalid("the records before the checkpoint are not the ones the owner signed") }
                    guard end.count == s.signedRecordCount, end.bodyLength == s.signedBodyLength, end.digest == s.signedDigest else {
                        return .invalid("the records are not the ones the owner signed (a record was rewritten, removed or replaced)")
                    }
                } catch let e as VaultError where e.code == .recordDamaged || e.code == .truncated {
                    return .invalid("the records are not the ones the owner signed (\(e.reason))")
                }
            }
            return .valid(publicKey: s.publicKey)
        }
    }
}
