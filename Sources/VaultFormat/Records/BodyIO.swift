import Dispatch

/// Reads records sequentially through a large buffer (FORMAT.md §6.1, §7 step 6).
struct BodyReader {
    private let file: ArchiveFile
    private let end: Int
    private var position: Int
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private static let chunk = 8 << 20

    /// Starts reading `start` bytes into the body (0, or a checkpoint's offset, FORMAT.md §6.4).
    init(file: ArchiveFile, bodyLength: Int, start: Int = 0) {
        self.file = file
        self.position = FormatV1.bodyOffset + start
        self.end = FormatV1.bodyOffset + bodyLength
    }

    /// The offset in the body of the next record.
    var bodyPosition: Int { position - FormatV1.bodyOffset }

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

/// Collects records into large buffers written by a second thread while the caller fills the
/// next one (double buffering: encryption on one core, `pwrite` on the other). Each written
/// chunk's writeback starts at once so the final `fsync` has little left to do.
struct BufferedWriter {
    private let file: ArchiveFile
    private var offset: Int
    private var current: UnsafeMutableRawBufferPointer
    private var spare: UnsafeMutableRawBufferPointer
    private var filled = 0
    private let inFlight = DispatchGroup()
    private let failure = FailureBox()
    static let capacity = 8 << 20

    init(file: ArchiveFile, offset: Int) {
        self.file = file
        self.offset = offset
        current = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.capacity, alignment: 64)
        spare = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.capacity, alignment: 64)
    }

    /// Lets `fill` write exactly `count` bytes at the end of the buffer (flushing first if needed).
    mutating func append<R>(count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
        if filled + count > current.count { try flush() }
        if count > current.count {
            current.deallocate()
            current = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
        }
        let result = try fill(UnsafeMutableRawBufferPointer(rebasing: current[filled..<(filled + count)]))
        filled += count
        return result
    }

    /// Hands the filled buffer to the writer thread (after the previous write has finished).
    mutating func flush() throws {
        try waitForWrite()
        guard filled > 0 else { return }
        let job = WriteJob(file: file, bytes: UnsafeRawBufferPointer(rebasing: current[0..<filled]), offset: offset, failure: failure)
        DispatchQueue.global(qos: .userInitiated).async(group: inFlight) { job.run() }
        offset += filled
        filled = 0
        swap(&current, &spare)
    }

    /// Flushes and waits until every byte has been handed to the kernel.
    mutating func finish() throws {
        try flush()
        try waitForWrite()
    }

    private func waitForWrite() throws {
        inFlight.wait()
        if let error = failure.error { throw error }
    }

    /// Waits for any write in flight, then frees both buffers.
    mutating func close() {
        inFlight.wait()
        current.deallocate()
        spare.deallocate()
        current = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        spare = current
    }
}

/// One `pwrite` handed to the writer thread; the buffer outlives it (the writer waits).
private struct WriteJob: @unchecked Sendable {
    let file: ArchiveFile
    let bytes: UnsafeRawBufferPointer
    let offset: Int
    let failure: FailureBox

    func run() {
        do {
            try file.write(bytes, at: offset)
            file.startWriteback(offset: offset, count: bytes.count)
        } catch {
            failure.record(error)
        }
    }
}

/// The first error of the writer thread, read after `DispatchGroup.wait()` (which orders memory).
private final class FailureBox: @unchecked Sendable {
    private(set) var error: Error?
    func record(_ e: Error) { if error == nil { error = e } }
}
