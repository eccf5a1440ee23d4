import Foundation
import VaultCrypto

/// Reading and appending records, and the escrow-use audit (FORMAT.md §6, §8, §5.3).
extension Vault {
    // MARK: Records (FORMAT.md §6, §7 step 6)

    /// Calls `body` with each record's index and payload, in order, after verifying each; then
    /// checks the count and the chain against the header. Records before `first` are not
    /// decrypted (their nonces and tags still feed the chain check), and when `first` is at or
    /// after the checkpoint the records before the checkpoint are not even read (FORMAT.md §6.4):
    /// reading the recent end of a large archive costs little more than the records asked for.
    public func forEachRecord(from first: UInt64 = 0, _ body: (UInt64, [UInt8]) throws -> Void) throws {
        let checkpoint = header.checkpoint
        var reader: BodyReader
        var chain: [UInt8]
        var index: UInt64
        // The owner checks the whole-record digest the header's signature commits to (FORMAT.md
        // §6.5, §7 step 6): from the checkpoint's signed digest, or from record 0.
        let signed = ownerSecrets == nil ? nil : header.ownerSignature
        let hasher = signed == nil ? nil : try SHA256.Hasher()
        var digest = [UInt8](repeating: 0, count: 32)
        if let checkpoint, first >= checkpoint.index {
            reader = BodyReader(file: file, bodyLength: Int(header.bodyLength), start: Int(checkpoint.offset))
            (chain, index) = (checkpoint.chain, checkpoint.index)
            if let signed { digest = signed.checkpointDigest }
        } else {
            reader = BodyReader(file: file, bodyLength: Int(header.bodyLength))
            (chain, index) = ([UInt8](repeating: 0, count: 32), 0)
        }
        while true {
            if let checkpoint, index == checkpoint.index,
               reader.bodyPosition != Int(checkpoint.offset) || !constantTimeEquals(chain, checkpoint.chain) {
                throw VaultError(.recordsMismatch, "the header's checkpoint does not match record \(index); records were removed, reordered or replaced")
            }
            if let signed {
                if let checkpoint, index == checkpoint.index, digest != signed.checkpointDigest {
                    throw Self.altered("the records before the checkpoint are not the ones the owner signed")
                }
                if index == signed.signedRecordCount, digest != signed.signedDigest || reader.bodyPosition != Int(signed.signedBodyLength) {
                    throw Self.altered("a record is not the one the owner signed (rewritten, removed or replaced)")
                }
            }
            guard let sealed = try reader.next(index: index) else { break }
            if let hasher { try RecordDigest.advance(&digest, hasher: hasher, index: index, length: sealed.length, sealed: sealed.bytes) }
            if index < first {
                try sealed.bytes.withUnsafeBytes { raw in
                    try codec.advance(&chain, index: index, nonce: UnsafeRawBufferPointer(rebasing: raw[0..<12]),
                                      tag: UnsafeRawBufferPointer(rebasing: raw[(raw.count - 16)...]))
                }
            } else {
                let payload = try sealed.bytes.withUnsafeBytes { try codec.openAndChain($0, length: sealed.length, index: index, chain: &chain) }
                try body(index, payload)
            }
            index += 1
        }
        guard index == header.recordCount, constantTimeEquals(chain, header.recordChain) else {
            throw VaultError(
                .recordsMismatch,
                "found \(index) records, the header lists \(header.recordCount); records were removed, reordered or replaced")
        }
    }

    /// The payload of the one record at `index`, which starts `offset` bytes into the body: its tag
    /// binds it to this archive, key and index (FORMAT.md §6.2), but the chain is not followed,
    /// so a caller pins what it expects by other means (a snapshot's digest of it, RECORDS.md §6.1).
    /// For reading a few records of a large archive without reading the others.
    public func record(at index: UInt64, offset: UInt64) throws -> [UInt8] {
        let body = header.bodyLength
        guard index < header.recordCount, offset < body, body - offset >= UInt64(FormatV1.recordOverhead) else {
            throw VaultError(.recordsMismatch, "record \(index) is not in the archive at offset \(offset)", recordIndex: Int(clamping: index))
        }
        let lengthBytes = try file.read(at: FormatV1.bodyOffset + Int(offset), count: 4)
        guard lengthBytes.count == 4 else { throw VaultError(.truncated, "the file ends inside record \(index)", recordIndex: Int(clamping: index)) }
        let length = lengthBytes.reduce(0) { $0 << 8 | Int($1) }
        guard length <= FormatV1.maxRecordBytes, body - offset >= UInt64(length + FormatV1.recordOverhead) else {
            throw VaultError(.recordDamaged, "record \(index) runs past the end of the body", recordIndex: Int(clamping: index))
        }
        let sealed = try file.read(at: FormatV1.bodyOffset + Int(offset) + 4, count: length + 28)
        guard sealed.count == length + 28 else { throw VaultError(.truncated, "the file ends inside record \(index)", recordIndex: Int(clamping: index)) }
        return try [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            count = 0
            _ = try sealed.withUnsafeBytes { try codec.open(nonceCiphertextTag: $0, length: length, index: index, into: UnsafeMutableRawBufferPointer(buffer)) }
            count = length
        }
    }

    /// Every record's payload, in order.
    public func readAllRecords() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(Int(header.recordCount))
        try forEachRecord { _, payload in out.append(payload) }
        return out
    }


    // MARK: Writing (FORMAT.md §8)

    /// Appends one record; returns after it and both header copies are on disk (FORMAT.md §8.2).
    public func append(_ payload: [UInt8], now: Int64) throws {
        try append(contentsOf: [payload], now: now)
    }

    /// Appends several records with one `fsync` and one header update: all of them are committed
    /// together or none (FORMAT.md §8.2), e.g. for an import. With `checkpoint`, the first of
    /// them becomes the header's checkpoint in the same update (FORMAT.md §8.6).
    public func append(contentsOf payloads: [[UInt8]], now: Int64, checkpoint: Bool = false) throws {
        guard openedThroughEscrow == nil else { throw VaultError(.invalidArgument, "escrow access is read-only (only its own audit record is written)") }
        try append(contentsOf: payloads, now: now, checkpoint: checkpoint, adjusting: nil)
    }

    /// Records one escrow use: its audit record and the header's `escrowUses` in one update
    /// (FORMAT.md §5.3).
    public func appendEscrowUse(_ payload: [UInt8], now: Int64) throws {
        try append(contentsOf: [payload], now: now, checkpoint: false) { next, firstNewIndex in
            var uses = next.escrowUses ?? ArchiveHeader.EscrowUses(unacknowledged: 0, lastUseAt: now, firstIndex: firstNewIndex)
            // Saturates: a count of 0 would be a damaged header (FORMAT.md §4.2, §5.3); the uses
            // themselves are the audit records, so none is lost.
            if uses.unacknowledged < .max { uses.unacknowledged += 1 }
            uses.lastUseAt = now
            next.escrowUses = uses
        }
    }

    /// The owner has seen the escrow uses: clears the header's counter (FORMAT.md §5.3).
    public func acknowledgeEscrowUses() throws {
        try requireWritable(allowUnfinished: true)
        guard header.escrowUses != nil, openedThroughEscrow == nil else { return }
        var next = header
        next.escrowUses = nil
        try writeHeader(next)
    }

    func append(
        contentsOf payloads: [[UInt8]], now: Int64, checkpoint: Bool, adjusting adjust: ((inout ArchiveHeader, UInt64) -> Void)?
    ) throws {
        try requireWritable(allowUnfinished: false)
        guard !payloads.isEmpty else { return }
        guard header.recordCount + UInt64(payloads.count) <= FormatV1.maxRecordsPerKey else {
            throw VaultError(.limitExceeded, "this data key has sealed its maximum number of records; run rekey")
        }
        let offset = FormatV1.bodyOffset + Int(header.bodyLength)
        var next = header
        if checkpoint {
            next.checkpoint = ArchiveHeader.Checkpoint(index: header.recordCount, offset: header.bodyLength, chain: header.recordChain)
        }
        do {
            var writer = BufferedWriter(file: file, offset: offset)
            defer { writer.close() }
            for payload in payloads {
                let length = FormatV1.recordOverhead + payload.count
                guard payload.count <= FormatV1.maxRecordBytes else {
                    throw VaultError(.limitExceeded, "a record of \(payload.count) bytes exceeds the \(FormatV1.maxRecordBytes)-byte limit")
                }
                let index = next.recordCount
                let link = try writer.append(count: length) { buffer in
                    try payload.withUnsafeBytes { try codec.seal($0, index: index, into: buffer) }
                }
                next.recordCount += 1
                next.bodyLength += UInt64(length)
                try codec.advance(&next.recordChain, link)
            }
            try writer.finish()
            try file.sync()
        } catch {
            try? file.truncate(to: offset)  // leave the archive exactly as before
            try? file.sync()
            throw error
        }
        adjust?(&next, header.recordCount)
        try writeHeader(next)
    }
}
