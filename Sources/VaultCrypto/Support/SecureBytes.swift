internal import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// A heap buffer for secrets: wiped with `OPENSSL_cleanse` when released, compared in constant
/// time, never printed (STYLE 7). Immutable after creation, so it is safe to share. Its pages are
/// its own (page-aligned, a whole number of pages) and marked `MADV_DONTDUMP`, so a core dump,
/// should one be allowed after all, leaves them out (THREAT-MODEL §9).
public final class SecureBytes: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer

    /// The number of bytes held.
    public var count: Int { byteCount }

    /// A buffer of `count` zero bytes, filled by `initializer` before it is published.
    public init(count: Int, initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        precondition(count >= 0, "negative size")  // sizes come from code, never from input
        let page = SecureBytes.pageSize
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: (max(count, 1) + page - 1) / page * page, alignment: page)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        #if os(Linux)
        _ = madvise(storage.baseAddress, storage.count, 16 /* MADV_DONTDUMP, linux/mman.h */)
        #endif
        byteCount = count
        do {
            try initializer(UnsafeMutableRawBufferPointer(rebasing: storage[0..<count]))
        } catch {
            OPENSSL_cleanse(storage.baseAddress, storage.count)
            storage.deallocate()
            throw error
        }
    }

    private let byteCount: Int

    /// The memory page size (madvise works on whole pages).
    static let pageSize: Int = {
        let size = Int(sysconf(Int32(_SC_PAGESIZE)))
        return size > 0 ? size : 4096
    }()

    /// A copy of `bytes`. The caller remains responsible for wiping its own copy.
    public convenience init<D: Collection>(_ bytes: D) where D.Element == UInt8 {
        self.init(count: bytes.count) { buffer in
            if !bytes.isEmpty { _ = buffer.initializeMemory(as: UInt8.self, from: bytes) }
        }
    }

    /// A copy of the bytes `source` lends, made without any intermediate array. The caller remains
    /// responsible for wiping its own copy.
    public convenience init(copying source: some ByteSequence) {
        let count = source.withUnsafeBytes { $0.count }
        self.init(count: count) { buffer in
            source.withUnsafeBytes { if $0.count > 0 { buffer.copyMemory(from: $0) } }
        }
    }

    /// `count` bytes from the system CSPRNG.
    public static func random(count: Int) throws -> SecureBytes {
        try SecureBytes(count: count) { buffer in try Random.fill(buffer) }
    }

    deinit {
        OPENSSL_cleanse(storage.baseAddress, storage.count)
        storage.deallocate()
    }

    /// Read-only access to the secret bytes; do not let the pointer escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<byteCount]))
    }

    /// A plain copy of the bytes, for values that are about to be encrypted or written.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}

extension SecureBytes: Equatable {
    /// Constant-time comparison (`CRYPTO_memcmp`); lengths are not secret.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { a in
            rhs.withUnsafeBytes { b in
                a.count == 0 || CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
            }
        }
    }
}

extension SecureBytes: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "SecureBytes(\(count) bytes, redacted)" }
    public var debugDescription: String { description }
}

/// Constant-time equality of two byte sequences of public length.
public func constantTimeEquals(_ a: some ByteSequence, _ b: some ByteSequence) -> Bool {
    a.withUnsafeBytes { pa in
        b.withUnsafeBytes { pb in
            pa.count == pb.count && (pa.count == 0 || CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, pa.count) == 0)
        }
    }
}

/// Types that can lend their bytes without copying (arrays, slices, `SecureBytes`, keys). Named
/// apart from Foundation's `ContiguousBytes`, which a module importing both would otherwise find
/// ambiguous.
public protocol ByteSequence {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ByteSequence where Element == UInt8 {}
extension ArraySlice: ByteSequence where Element == UInt8 {}
extension SecureBytes: ByteSequence {}
extension UnsafeRawBufferPointer: ByteSequence {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(self)
    }
}

/// Wipes memory that held a secret, in a way the compiler cannot remove (`OPENSSL_cleanse`).
public func secureZero(_ buffer: UnsafeMutableRawBufferPointer) {
    if let base = buffer.baseAddress, buffer.count > 0 { OPENSSL_cleanse(base, buffer.count) }
}

/// Wipes an array that held a secret.
public func secureZero(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { secureZero($0) }
}

/// Lends `bytes` as a pointer that is never null, even when empty: several OpenSSL functions
/// reject a null pointer with a zero length.
func withNonNullPointer<R>(_ bytes: some ByteSequence, _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    try bytes.withUnsafeBytes { raw in
        if let base = raw.baseAddress, raw.count > 0 {
            return try body(base.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        var zero: UInt8 = 0
        return try withUnsafePointer(to: &zero) { try body($0, 0) }
    }
}
