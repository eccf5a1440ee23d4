import Foundation

/// Where each entry's data starts, from the ZIP central directory (APPNOTE.TXT 4.3.12, 4.3.16,
/// 4.3.7): the one thing ZIPFoundation does not expose. Bounds-checked at every read; ZIP64
/// archives are refused (an XLSX that needs ZIP64 is far beyond the size caps anyway).
enum ZIPCentralDirectory {
    /// Each entry's name (nil when it is neither UTF-8-flagged nor ASCII, so ZIPFoundation's CP437
    /// reading of it is not compared) and the offset of its data, in central directory order.
    static func dataOffsets(in data: Data) throws -> [(path: String?, dataOffset: Int)] {
        let bytes = [UInt8](data)
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw XLSXErrors.damagedZip() }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int {
            guard at >= 0, at + 4 <= bytes.count else { throw XLSXErrors.damagedZip() }
            return try u16(at) | u16(at + 2) << 16
        }
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
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF else { throw XLSXErrors.damagedZip() }
        var result: [(path: String?, dataOffset: Int)] = []
        var cursor = directoryOffset
        for _ in 0..<count {
            guard try u32(cursor) == 0x0201_4B50 else { throw XLSXErrors.damagedZip() }
            let nameLength = try u16(cursor + 28)
            let extraLength = try u16(cursor + 30)
            let commentLength = try u16(cursor + 32)
            let localHeader = try u32(cursor + 42)
            guard localHeader != 0xFFFF_FFFF, cursor + 46 + nameLength <= bytes.count else {
                throw XLSXErrors.damagedZip()
            }
            let flags = try u16(cursor + 8)
            let nameBytes = bytes[(cursor + 46)..<(cursor + 46 + nameLength)]
            let name = flags & 0x800 != 0 || nameBytes.allSatisfy({ $0 < 0x80 })
                ? String(decoding: nameBytes, as: UTF8.self) : nil
            guard try u32(localHeader) == 0x0403_4B50 else { throw XLSXErrors.damagedZip() }
            let offset = localHeader + 30 + (try u16(localHeader + 26)) + (try u16(localHeader + 28))
            // Everything ZIPFoundation will read for this entry must lie inside the file: its
            // data and, when flag bit 3 says there is one, the data descriptor after it (up to
            // 24 bytes). Its iterator traps on a range past the end (found by fuzzing:
            // Tests/Fuzz/Regressions/xlsx/zip-read-past-end-trap.xlsx).
            let compressed = try u32(cursor + 20)
            let uncompressed = try u32(cursor + 24)
            let method = try u16(cursor + 10)
            guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, offset <= bytes.count, compressed <= bytes.count - offset else {
                throw XLSXErrors.damagedZip()
            }
            if flags & 0x8 != 0 {
                // ZIPFoundation reads the descriptor at the end of the data as it measures it (the
                // uncompressed size for a stored entry), as a struct of up to 24 bytes.
                let data = method == 0 ? uncompressed : compressed
                guard data <= bytes.count - offset, offset + data + 24 <= bytes.count else { throw XLSXErrors.damagedZip() }
            }
            result.append((name, offset))
            cursor += 46 + nameLength + extraLength + commentLength
        }
        return result
    }
}
