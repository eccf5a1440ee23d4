/// The salted, iterated password hash of Office document encryption ([MS-OFFCRYPTO] §2.3.4.7
/// for standard encryption, §2.3.4.11 for agile): `H0 = H(salt ‖ password)`, then
/// `Hn = H(LE32(n-1) ‖ Hn-1)` for `iterations` rounds (the document's "spin count"). It is a
/// hash chain, not a memory-hard KDF: its only cost is the number of rounds, so a workbook's
/// password resists offline guessing only as much as `iterations` makes each guess expensive.
public enum IteratedHash {
    /// The most rounds accepted: [MS-OFFCRYPTO] §2.3.4.10 caps `spinCount` at 10,000,000, and a
    /// file claiming more must not make the reader spin for minutes.
    public static let maxIterations = 10_000_000

    /// `Hiterations` for `password` (the caller's encoding: Office uses UTF-16LE) and `salt`,
    /// in wipeable storage.
    public static func derive(
        password: some ByteSequence, salt: some ByteSequence, iterations: Int, hash: HashFunction
    ) throws -> SecureBytes {
        guard (0...maxIterations).contains(iterations) else {
            throw CryptoError.invalidParameter("iterations must be 0…\(maxIterations), got \(iterations)")
        }
        let digester = try Digester(hash)
        let n = hash.byteCount
        // [LE32 counter ‖ H]: each round hashes the buffer into its own tail (EVP reads all input
        // before it writes the digest).
        let state = try SecureBytes(count: 4 + n) { buffer in
            let h = UnsafeMutableRawBufferPointer(rebasing: buffer[4...])
            try salt.withUnsafeBytes { s in
                try password.withUnsafeBytes { p in try digester.hash([s, p], into: h) }
            }
            let input = UnsafeRawBufferPointer(buffer)
            for i in 0..<iterations {
                buffer.storeBytes(of: UInt32(truncatingIfNeeded: i).littleEndian, toByteOffset: 0, as: UInt32.self)
                try digester.hash([input], into: h)
            }
        }
        return state.withUnsafeBytes { SecureBytes(copying: UnsafeRawBufferPointer(rebasing: $0[4...])) }
    }
}
