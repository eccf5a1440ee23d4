import VaultCrypto

/// Seals and opens records (FORMAT.md §6) with one key schedule per archive session.
final class RecordCodec {
    private let sealer: AES.GCM.Sealer
    private let opener: AES.GCM.Opener
    private let archiveID: [UInt8]
    private let generation: UInt32

    init(recordKey: SymmetricKey, archiveID: [UInt8], generation: UInt32) throws {
        sealer = try AES.GCM.Sealer(key: recordKey)
        opener = try AES.GCM.Opener(key: recordKey)
        self.archiveID = archiveID
        self.generation = generation
    }

    func aad(index: UInt64, length: Int) -> [UInt8] {
        var w = ByteWriter(capacity: 52)
        w.append(FormatV1.recordAADLabel)
        w.append(archiveID)
        w.u32(generation)
        w.u64(index)
        w.u32(UInt32(length))
        return w.bytes
    }

    /// The on-disk bytes of record `index` holding `payload`, and its nonce and tag for the chain.
    func seal(_ payload: UnsafeRawBufferPointer, index: UInt64) throws -> (bytes: [UInt8], link: ChainLink) {
        guard payload.count <= FormatV1.maxRecordBytes else {
            throw VaultError(.limitExceeded, "a record of \(payload.count) bytes exceeds the \(FormatV1.maxRecordBytes)-byte limit")
        }
        let nonce = try AES.GCM.Nonce.random()
        let total = FormatV1.recordOverhead + payload.count
        var out = [UInt8](repeating: 0, count: total)
        try out.withUnsafeMutableBytes { buffer in
            buffer.storeBytes(of: UInt32(payload.count).bigEndian, toByteOffset: 0, as: UInt32.self)
            nonce.withUnsafeBytes { n in
                UnsafeMutableRawBufferPointer(rebasing: buffer[4..<16]).copyMemory(from: n)
            }
            try sealer.seal(
                plaintext: payload, nonce: nonce, aad: aad(index: index, length: payload.count),
                ciphertext: UnsafeMutableRawBufferPointer(rebasing: buffer[16..<(16 + payload.count)]),
                tag: UnsafeMutableRawBufferPointer(rebasing: buffer[(16 + payload.count)...]))
        }
        return (out, ChainLink(index: index, nonce: nonce.bytes, tag: Array(out[(total - 16)...])))
    }

    /// Opens the record whose bytes (without its 4-byte length) are `sealed`; `length` is C.
    func open(nonceCiphertextTag sealed: UnsafeRawBufferPointer, length: Int, index: UInt64) throws -> (payload: [UInt8], link: ChainLink) {
        let nonceBytes = Array(UnsafeRawBufferPointer(rebasing: sealed[0..<12]))
        let tag = UnsafeRawBufferPointer(rebasing: sealed[(12 + length)...])
        var payload = [UInt8](repeating: 0, count: length)
        do {
            try payload.withUnsafeMutableBytes { p in
                try opener.open(
                    ciphertext: UnsafeRawBufferPointer(rebasing: sealed[12..<(12 + length)]), tag: tag,
                    nonce: AES.GCM.Nonce(data: nonceBytes), aad: aad(index: index, length: length), plaintext: p)
            }
        } catch is CryptoError {
            throw VaultError(.recordDamaged, "record \(index) failed authentication (altered, moved, or from another archive)", recordIndex: Int(index))
        }
        return (payload, ChainLink(index: index, nonce: nonceBytes, tag: Array(tag)))
    }
}

/// One step of the record chain (FORMAT.md §6.3).
struct ChainLink {
    let index: UInt64
    let nonce: [UInt8]
    let tag: [UInt8]

    func advance(_ chain: [UInt8]) throws -> [UInt8] {
        try SHA256.hash(chain + [UInt8].be64(index) + nonce + tag)
    }
}
