/// Reads records sequentially through a large buffer (FORMAT.md §6.1, §7 step 6).
struct BodyReader {
    private let file: ArchiveFile
    private let end: Int
    private var position: Int
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private static let chunk = 8 << 20

    init(file: ArchiveFile, bodyLength: Int) {
        self.file = file
        self.position = FormatV1.bodyOffset
        self.end = FormatV1.bodyOffset + bodyLength
    }

    /// The next record's `nonce ‖ ciphertext ‖ tag` and plaintext length, or nil at the end of the body.
    mutating func next(index: UInt64) throws -> (bytes: ArraySlice<UInt8>, length: Int)? {
        guard position < end else { return nil }
        guard end - position >= FormatV1.recordOverhead else {
            throw VaultError(.recordDamaged, "record \(index) is cut short at the end of the body", recordIndex: Int(index))
        }
        let lengthBytes = try take(4, index: index)
        let length = lengthBytes.reduce(0) { $0 << 8 | Int($1) }
        guard length <= FormatV1.maxRecordBytes else {
            throw VaultError(.recordDamaged, "record \(index) claims \(length) bytes, over the limit", recordIndex: Int(index))
        }
        guard end - position >= length + 28 else {
            throw VaultError(.recordDamaged, "record \(index) runs past the end of the body", recordIndex: Int(index))
        }
        return (try take(length + 28, index: index), length)
    }

    private mutating func take(_ count: Int, index: UInt64) throws -> ArraySlice<UInt8> {
        let offsetInBuffer = position - bufferStart
        if offsetInBuffer < 0 || offsetInBuffer + count > buffer.count {
            let want = min(max(count, Self.chunk), end - position)
            buffer = try file.read(at: position, count: want)
            bufferStart = position
            guard buffer.count >= count else {
                throw VaultError(.truncated, "the file ends inside record \(index)", recordIndex: Int(index))
            }
        }
        let start = position - bufferStart
        position += count
        return buffer[start..<(start + count)]
    }
}

/// Collects writes into large sequential `pwrite`s.
struct BufferedWriter {
    private let file: ArchiveFile
    private var offset: Int
    private var pending: [UInt8] = []
    private static let limit = 8 << 20

    init(file: ArchiveFile, offset: Int) {
        self.file = file
        self.offset = offset
        pending.reserveCapacity(Self.limit + 4096)
    }

    mutating func write(_ bytes: [UInt8]) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.limit { try flush() }
    }

    mutating func flush() throws {
        guard !pending.isEmpty else { return }
        try file.write(pending, at: offset)
        offset += pending.count
        pending.removeAll(keepingCapacity: true)
    }
}
