import Foundation

/// The entries of a ZIP file from its central directory (APPNOTE.TXT 4.3.12, 4.3.16, 4.3.7),
/// read with a bounds check at every step. Why not ZIPFoundation's `Archive`: its iterator traps
/// (a Swift range failure, the whole process) on offsets and sizes past the end of a damaged or
/// hostile file, as fuzzing found three times (Tests/Fuzz/Regressions/xlsx), and its `extract`
/// spins for ever on a truncated deflate stream (weichsel/ZIPFoundation#389). ZIPFoundation still
/// inflates (`Data.decompress`); only the directory is read here. ZIP64 archives are refused (an
/// XLSX that needs ZIP64 is far beyond the size caps anyway), and so is any entry whose data does
/// not lie inside the file.
enum ZIPCentralDirectory {
    struct Entry {
        /// The name (nil when it is neither UTF-8-flagged nor ASCII).
        let path: String?
        /// Where its stored bytes start, and how many there are.
        let dataOffset: Int
        let compressedSize: Int
        let uncompressedSize: Int
        /// 0 stored, 8 deflate (others are refused when read).
        let method: Int
        let crc32: UInt32
        var isDirectory: Bool { path?.hasSuffix("/") == true }
    }

    static func entries(in data: Data) throws -> [Entry] {
        let bytes = [UInt8](data)
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at <= bytes.count - 2 else { throw XLSXErrors.damagedZip() }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int {
            guard at >= 0, at <= bytes.count - 4 else { throw XLSXErrors.damagedZip() }
            return try u16(at) | u16(at + 2) << 16
        }
        guard bytes.count >= 22 else { throw XLSXErrors.damagedZip() }
        // The end of central directory record: the last signature within 22 + 65,535 bytes of the end.
        var eocd = -1
        var at = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while at >= lowest {
            if bytes[at] == 0x50, try u32(at) == 0x0605_4B50 { eocd = at; break }
            at -= 1
        }
        guard eocd >= 0 else { throw XLSXErrors.damagedZip() }
        let count = try u16(eocd + 10)
        let directoryOffset = try u32(eocd + 16)
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF, directoryOffset <= eocd else { throw XLSXErrors.damagedZip() }
        var result: [Entry] = []
        result.reserveCapacity(count)
        var cursor = directoryOffset
        for _ in 0..<count {
            guard try u32(cursor) == 0x0201_4B50 else { throw XLSXErrors.damagedZip() }
            let flags = try u16(cursor + 8)
            let method = try u16(cursor + 10)
            let crc = UInt32(try u32(cursor + 16))
            let compressed = try u32(cursor + 20)
            let uncompressed = try u32(cursor + 24)
            let nameLength = try u16(cursor + 28)
            let extraLength = try u16(cursor + 30)
            let commentLength = try u16(cursor + 32)
            let localHeader = try u32(cursor + 42)
            guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, localHeader != 0xFFFF_FFFF,
                  cursor + 46 + nameLength <= bytes.count else {
                throw XLSXErrors.damagedZip()
            }
            let nameBytes = bytes[(cursor + 46)..<(cursor + 46 + nameLength)]
            let name = flags & 0x800 != 0 || nameBytes.allSatisfy({ $0 < 0x80 })
                ? String(decoding: nameBytes, as: UTF8.self) : nil
            guard try u32(localHeader) == 0x0403_4B50 else { throw XLSXErrors.damagedZip() }
            let offset = localHeader + 30 + (try u16(localHeader + 26)) + (try u16(localHeader + 28))
            guard offset <= bytes.count, compressed <= bytes.count - offset else { throw XLSXErrors.damagedZip() }
            result.append(Entry(path: name, dataOffset: offset, compressedSize: compressed, uncompressedSize: uncompressed, method: method, crc32: crc))
            cursor += 46 + nameLength + extraLength + commentLength
        }
        return result
    }
}
