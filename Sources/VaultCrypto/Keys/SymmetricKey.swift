/// A secret symmetric key. Its bytes live in `SecureBytes` and are wiped when released.
public struct SymmetricKey: Sendable, Equatable, ByteSequence, CustomStringConvertible {
    let secret: SecureBytes

    /// A key holding a copy of `bytes`.
    public init<D: Collection>(data bytes: D) where D.Element == UInt8 {
        secret = SecureBytes(bytes)
    }

    /// Wraps existing secure storage without copying.
    public init(secureBytes: SecureBytes) {
        secret = secureBytes
    }

    /// A fresh random key of `bitCount` bits (a multiple of 8).
    public static func generate(bitCount: Int = 256) throws -> SymmetricKey {
        guard bitCount > 0, bitCount % 8 == 0 else { throw CryptoError.invalidParameter("bitCount \(bitCount)") }
        return SymmetricKey(secureBytes: try SecureBytes.random(count: bitCount / 8))
    }

    public var bitCount: Int { secret.count * 8 }
    public var byteCount: Int { secret.count }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try secret.withUnsafeBytes(body)
    }

    public var description: String { "SymmetricKey(\(bitCount) bits, redacted)" }
}
