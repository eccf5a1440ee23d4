/// Reads big-endian values from untrusted bytes with a bounds check at every read (STYLE 14).
struct ByteCursor {
    private let bytes: [UInt8]
    private(set) var offset: Int
    private let end: Int
    let context: String

    init(_ bytes: [UInt8], range: Range<Int>? = nil, context: String) {
        self.bytes = bytes
        self.offset = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
        self.context = context
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset == end }

    mutating func read(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw VaultError(.headerDamaged, "\(context): needs \(count) bytes at offset \(offset), \(remaining) left")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func readBytes(_ count: Int) throws -> [UInt8] { Array(try read(count)) }

    mutating func readUInt(_ width: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for byte in try read(width) { value = value << 8 | UInt64(byte) }
        return value
    }

    mutating func readU8() throws -> UInt8 { UInt8(try readUInt(1)) }
    mutating func readU16() throws -> UInt16 { UInt16(try readUInt(2)) }
    mutating func readU32() throws -> UInt32 { UInt32(try readUInt(4)) }
    mutating func readU64() throws -> UInt64 { try readUInt(8) }
    mutating func readI64() throws -> Int64 { Int64(bitPattern: try readUInt(8)) }

    func expectEnd() throws {
        guard isAtEnd else { throw VaultError(.headerDamaged, "\(context): \(remaining) trailing bytes") }
    }
}

/// Appends big-endian values.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append<S: Sequence>(_ s: S) where S.Element == UInt8 { bytes.append(contentsOf: s) }
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { uint(UInt64(v), width: 2) }
    mutating func u32(_ v: UInt32) { uint(UInt64(v), width: 4) }
    mutating func u64(_ v: UInt64) { uint(v, width: 8) }
    mutating func i64(_ v: Int64) { uint(UInt64(bitPattern: v), width: 8) }

    private mutating func uint(_ v: UInt64, width: Int) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }
}

extension Array where Element == UInt8 {
    /// Big-endian encoding helpers for building associated data.
    static func be32(_ v: UInt32) -> [UInt8] { var w = ByteWriter(); w.u32(v); return w.bytes }
    static func be64(_ v: UInt64) -> [UInt8] { var w = ByteWriter(); w.u64(v); return w.bytes }
}
