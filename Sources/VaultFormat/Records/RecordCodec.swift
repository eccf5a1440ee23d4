import VaultCrypto

/// Seals and opens records (FORMAT.md §6) with one key schedule per archive session. Public for
/// the benchmark; archives use it through `Vault`.
package final class RecordCodec {
    private let sealer: AES.GCM.Sealer
    private let opener: AES.GCM.Opener
    private let archiveID: [UInt8]
    private let generation: UInt32
    /// CSPRNG output drawn 4 KiB at a time: one `RAND_bytes` call per 341 nonces.
    private var noncePool: [UInt8] = []
    private var noncePoolOffset = 0
    /// The associated data with the index and length patched in per record (FORMAT.md §6.2).
    private var aadBuffer: [UInt8]
    private let hasher: SHA256.Hasher

    package init(recordKey: SymmetricKey, archiveID: [UInt8], generation: UInt32) throws {
        sealer = try AES.GCM.Sealer(key: recordKey)
        opener = try AES.GCM.Opener(key: recordKey)
        hasher = try SHA256.Hasher()
        self.archiveID = archiveID
        self.generation = generation
        var w = ByteWriter(capacity: 52)
        w.append(FormatV1.recordAADLabel)
        w.append(archiveID)
        w.u32(generation)
        w.u64(0)
        w.u32(0)
        aadBuffer = w.bytes
    }

    private func nextNonce() throws -> AES.GCM.Nonce {
        if noncePoolOffset + AES.GCM.nonceByteCount > noncePool.count {
            noncePool = try Random.bytes(4092)
            noncePoolOffset = 0
        }
        defer { noncePoolOffset += AES.GCM.nonceByteCount }
        return try AES.GCM.Nonce(data: noncePool[noncePoolOffset..<(noncePoolOffset + AES.GCM.nonceByteCount)])
    }

    /// Writes `index` and `length` into the associated data (FORMAT.md §6.2:
    /// label ‖ archiveID ‖ generation ‖ index ‖ C).
    private func patchAAD(index: UInt64, length: Int) {
        let base = aadBuffer.count - 12
        for i in 0..<8 { aadBuffer[base + i] = UInt8(truncatingIfNeeded: index >> UInt64(56 - 8 * i)) }
        for i in 0..<4 { aadBuffer[base + 8 + i] = UInt8(truncatingIfNeeded: UInt32(length) >> UInt32(24 - 8 * i)) }
    }

    /// Seals `payload` as record `index` into `record`, which must be exactly
    /// `recordOverhead + payload.count` bytes; returns the chain link (FORMAT.md §6.3).
    package func seal(_ payload: UnsafeRawBufferPointer, index: UInt64, into record: UnsafeMutableRawBufferPointer) throws -> ChainLink {
        guard payload.count <= FormatV1.maxRecordBytes else {
            throw VaultError(.limitExceeded, "a record of \(payload.count) bytes exceeds the \(FormatV1.maxRecordBytes)-byte limit")
        }
        guard record.count == FormatV1.recordOverhead + payload.count else { throw VaultError(.invalidArgument, "record buffer size") }
        let nonce = try nextNonce()
        record.storeBytes(of: UInt32(payload.count).bigEndian, toByteOffset: 0, as: UInt32.self)
        nonce.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: record[4..<16]).copyMemory(from: $0) }
        let tag = UnsafeMutableRawBufferPointer(rebasing: record[(16 + payload.count)...])
        patchAAD(index: index, length: payload.count)
        try sealer.seal(
            plaintext: payload, nonce: nonce, aad: aadBuffer,
            ciphertext: UnsafeMutableRawBufferPointer(rebasing: record[16..<(16 + payload.count)]), tag: tag)
        return ChainLink(index: index, nonce: nonce.bytes, tag: Array(UnsafeRawBufferPointer(tag)))
    }

    /// Opens `nonce ‖ ciphertext ‖ tag` of record `index` (C = `length`) into `payload`
    /// (at least `length` bytes). On failure `payload` is wiped and `.recordDamaged` thrown.
    @discardableResult
    package func open(
        nonceCiphertextTag sealed: UnsafeRawBufferPointer, length: Int, index: UInt64, into payload: UnsafeMutableRawBufferPointer
    ) throws -> ChainLink {
        guard sealed.count == length + 28, payload.count >= length else { throw VaultError(.invalidArgument, "record buffer size") }
        let nonce = UnsafeRawBufferPointer(rebasing: sealed[0..<12])
        let tag = UnsafeRawBufferPointer(rebasing: sealed[(12 + length)...])
        patchAAD(index: index, length: length)
        do {
            try aadBuffer.withUnsafeBytes { aad in
                try opener.open(
                    ciphertext: UnsafeRawBufferPointer(rebasing: sealed[12..<(12 + length)]), tag: tag, nonceBytes: nonce, aad: aad,
                    plaintext: UnsafeMutableRawBufferPointer(rebasing: payload[0..<length]))
            }
        } catch is CryptoError {
            throw VaultError(
                .recordDamaged, "record \(index) failed authentication (altered, moved, or from another archive)", recordIndex: Int(index))
        }
        return ChainLink(index: index, nonce: Array(nonce), tag: Array(tag))
    }

    /// The read path for whole archives (FORMAT.md §7 step 6): opens record `index` and advances
    /// `chain` in place; the payload is the only allocation.
    func openAndChain(_ sealed: UnsafeRawBufferPointer, length: Int, index: UInt64, chain: inout [UInt8]) throws -> [UInt8] {
        let payload = try [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            count = 0
            try open(nonceCiphertextTag: sealed, length: length, index: index, into: UnsafeMutableRawBufferPointer(buffer))
            count = length
        }
        try advance(&chain, index: index, nonce: UnsafeRawBufferPointer(rebasing: sealed[0..<12]),
                    tag: UnsafeRawBufferPointer(rebasing: sealed[(12 + length)...]))
        return payload
    }

    /// chain ← SHA-256(chain ‖ index ‖ nonce ‖ tag) (FORMAT.md §6.3): the one implementation of
    /// the chain step, for reading and writing alike.
    func advance(_ chain: inout [UInt8], index: UInt64, nonce: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer) throws {
        var be = index.bigEndian
        try withUnsafeBytes(of: &be) { indexBytes in
            try chain.withUnsafeMutableBytes { c in
                try hasher.hash(UnsafeRawBufferPointer(c), indexBytes, nonce, tag, into: c)
            }
        }
    }

    func advance(_ chain: inout [UInt8], _ link: ChainLink) throws {
        try link.nonce.withUnsafeBytes { n in
            try link.tag.withUnsafeBytes { t in try advance(&chain, index: link.index, nonce: n, tag: t) }
        }
    }
}

/// What a sealed record contributes to the record chain (FORMAT.md §6.3).
package struct ChainLink: Sendable {
    let index: UInt64
    let nonce: [UInt8]
    let tag: [UInt8]
}
