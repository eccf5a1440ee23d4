/// The age payload (c2sp.org/age, "Payload"; Docs/AGE.md §4): ChaCha20-Poly1305 STREAM in
/// 64 KiB chunks, the nonce an 11-byte big-endian counter and a last-chunk flag.
enum AgeStream {
    static let chunkSize = 64 * 1024
    static let tagSize = 16
    static let sealedChunkSize = chunkSize + tagSize

    static func nonce(_ counter: UInt64, last: Bool) -> [UInt8] {
        [0, 0, 0] + (0..<8).map { UInt8(truncatingIfNeeded: counter >> UInt64(56 - 8 * $0)) } + [last ? 1 : 0]
    }

    static func seal(_ plaintext: [UInt8], key: SymmetricKey) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(plaintext.count + (plaintext.count / chunkSize + 1) * tagSize)
        var counter: UInt64 = 0
        var offset = 0
        repeat {
            let end = min(offset + chunkSize, plaintext.count)
            let last = end == plaintext.count
            out += try ChaChaPoly.seal(plaintext[offset..<end], using: key, nonce: nonce(counter, last: last))
            counter += 1
            offset = end
        } while offset < plaintext.count
        return out
    }

    /// The whole plaintext, or an error and nothing: no plaintext is released before the final
    /// chunk has verified, and what was decrypted is wiped on every failure.
    ///
    /// A chunk's position decides its expected flag (the last sealed chunk is the final one).
    /// When a chunk fails with that flag, it is tried once with the other flag, only to name
    /// the failure: a final chunk followed by more data, or a file cut at a chunk boundary.
    static func open(_ payload: ArraySlice<UInt8>, key: SymmetricKey) throws(AgeFile.Failure) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count)  // no reallocation leaves plaintext behind in freed memory
        var counter: UInt64 = 0
        var offset = payload.startIndex
        do throws(AgeFile.Failure) {
            while true {
                let remaining = payload.endIndex - offset
                if remaining == 0 { throw AgeFile.Failure.missingFinalChunk }  // after a full, non-final chunk
                guard remaining >= tagSize else { throw AgeFile.Failure.truncatedChunk }
                let last = remaining <= sealedChunkSize
                let end = last ? payload.endIndex : offset + sealedChunkSize
                let sealed = payload[offset..<end]
                guard var chunk = try? ChaChaPoly.open(sealed, using: key, nonce: nonce(counter, last: last)) else {
                    if var other = try? ChaChaPoly.open(sealed, using: key, nonce: nonce(counter, last: !last)) {
                        secureZero(&other)
                        throw last ? AgeFile.Failure.missingFinalChunk : AgeFile.Failure.dataAfterFinalChunk
                    }
                    // Either flag fails: damaged, or a chunk cut short (indistinguishable).
                    throw AgeFile.Failure.payloadDamaged
                }
                // The final chunk is empty only when the whole payload is.
                if last && chunk.isEmpty && counter > 0 { throw AgeFile.Failure.emptyFinalChunk }
                out += chunk
                secureZero(&chunk)  // in place: `out` holds its own copy
                if last { return out }
                counter += 1
                offset = end
            }
        } catch {
            secureZero(&out)
            throw error
        }
    }
}
