import CDeflate
import Foundation

/// Packs the parts of an .xlsx file into a ZIP archive (PKWARE APPNOTE 6.3: local headers,
/// deflated data, central directory, end record; no ZIP64, no data descriptors, no encryption),
/// in memory.
///
/// Deflate is the system zlib's. A large part is deflated in blocks of `blockSize` on every core
/// at once, the way `pigz` does it: each block is a raw deflate stream primed with the 32 KiB
/// before it (`deflateSetDictionary`), every block but the last ends with a sync flush (an empty
/// stored block, so the next starts on a byte boundary and no block is marked final), and the
/// blocks are concatenated into one valid deflate stream; the CRC-32s of the blocks are joined
/// with `crc32_combine`. The result inflates with any reader; it is a few per cent larger than
/// one stream at the same level.
enum ZIPWriter {
    /// Bytes of a part deflated as one block; larger parts are split.
    static let blockSize = 1 << 20
    /// zlib's level: 3 compresses XML to within about 13% of level 6 at half its time.
    static let level: Int32 = 3
    static let dictionarySize = 32 << 10

    struct Part {
        var path: String
        var data: Data
    }

    /// The archive's bytes. Throws `.writeFailed` when a part or the whole would need ZIP64
    /// (4 GiB, 65,535 entries) or zlib fails.
    static func archive(_ parts: [Part], modified: Date) throws -> Data {
        guard parts.count < 0xFFFF else { throw XLSXErrors.zipFailed() }
        // The blocks of every part, deflated concurrently.
        var jobs: [(part: Int, range: Range<Int>, last: Bool)] = []
        for (p, part) in parts.enumerated() {
            guard part.data.count < Int(UInt32.max) else { throw XLSXErrors.zipFailed() }
            var start = 0
            repeat {
                let end = min(part.data.count, start + blockSize)
                jobs.append((p, start..<end, end == part.data.count))
                start = end
            } while start < part.data.count
        }
        // The parts are read-only while the blocks are deflated.
        let source = parts.map(\.data)
        let blocks = jobs
        let results: [Block?] = Parallel.map(blocks.count) { j in
            let job = blocks[j]
            return source[job.part].withUnsafeBytes { (all: UnsafeRawBufferPointer) -> Block? in
                let bytes = all.bindMemory(to: UInt8.self)
                let dictionaryStart = max(0, job.range.lowerBound - dictionarySize)
                return deflateBlock(UnsafeBufferPointer(rebasing: bytes[job.range]),
                                    dictionary: UnsafeBufferPointer(rebasing: bytes[dictionaryStart..<job.range.lowerBound]),
                                    last: job.last)
            }
        }

        let (time, date) = dosTimestamp(modified)
        var out = Data()
        out.reserveCapacity(results.reduce(0) { $0 + ($1?.bytes.count ?? 0) } + parts.count * 128 + 22)
        var central = Data()
        var j = 0
        for (p, part) in parts.enumerated() {
            var crc: UInt = 0
            var compressed = 0
            let first = j
            while j < jobs.count, jobs[j].part == p {
                guard let block = results[j] else { throw XLSXErrors.zipFailed() }
                crc = j == first ? block.crc : UInt(crc32_combine(uLong(crc), uLong(block.crc), off_t(jobs[j].range.count)))
                compressed += block.bytes.count
                j += 1
            }
            let name = Array(part.path.utf8)
            let offset = out.count
            guard compressed < Int(UInt32.max), offset < Int(UInt32.max), name.count < 0xFFFF else { throw XLSXErrors.zipFailed() }
            let fields = EntryFields(crc: UInt32(crc), compressed: UInt32(compressed), size: UInt32(part.data.count),
                                     time: time, date: date, nameLength: UInt16(name.count))
            // Local file header (APPNOTE 4.3.7).
            out.le32(0x0403_4B50)
            fields.write(to: &out)
            out.le16(0)  // extra field length
            out.append(contentsOf: name)
            for k in first..<j { out.append(contentsOf: results[k]!.bytes) }
            // Central directory header (APPNOTE 4.3.12).
            central.le32(0x0201_4B50)
            central.le16(20)  // version made by: MS-DOS, 2.0
            fields.write(to: &central)
            central.le16(0)  // extra field length
            central.le16(0)  // comment length
            central.le16(0)  // disk number start
            central.le16(0)  // internal attributes
            central.le32(0)  // external attributes
            central.le32(UInt32(offset))
            central.append(contentsOf: name)
        }
        let directoryOffset = out.count
        guard directoryOffset + central.count < Int(UInt32.max) else { throw XLSXErrors.zipFailed() }
        out.append(central)
        // End of central directory record (APPNOTE 4.3.16).
        out.le32(0x0605_4B50)
        out.le16(0)
        out.le16(0)
        out.le16(UInt16(parts.count))
        out.le16(UInt16(parts.count))
        out.le32(UInt32(central.count))
        out.le32(UInt32(directoryOffset))
        out.le16(0)
        return out
    }

    /// The fields a local and a central header share, from "version needed" to the name length.
    private struct EntryFields {
        var crc: UInt32
        var compressed: UInt32
        var size: UInt32
        var time: UInt16
        var date: UInt16
        var nameLength: UInt16

        func write(to d: inout Data) {
            d.le16(20)  // version needed to extract: 2.0 (deflate)
            d.le16(0)  // flags: sizes and CRC in the headers, names ASCII
            d.le16(8)  // deflate
            d.le16(time)
            d.le16(date)
            d.le32(crc)
            d.le32(compressed)
            d.le32(size)
            d.le16(nameLength)
        }
    }

    private struct Block: Sendable {
        var bytes: [UInt8]
        var crc: UInt
    }

    /// One block as raw deflate (nil when zlib fails), primed with `dictionary`; a block that is
    /// not the part's last ends with a sync flush instead of the final block.
    private static func deflateBlock(_ input: UnsafeBufferPointer<UInt8>, dictionary: UnsafeBufferPointer<UInt8>,
                                     last: Bool) -> Block? {
        var stream = z_stream()
        guard sv_deflate_init_raw(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        if dictionary.count > 0 {
            guard deflateSetDictionary(&stream, dictionary.baseAddress, uInt(dictionary.count)) == Z_OK else { return nil }
        }
        // deflateBound covers Z_FINISH; a sync flush adds at most the empty stored block (5 bytes).
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 16)
        let crc = input.count == 0 ? crc32(0, nil, 0) : crc32(0, input.baseAddress, uInt(input.count))
        let produced: Int? = output.withUnsafeMutableBufferPointer { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress
            stream.avail_out = uInt(out.count)
            let status = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
            guard last ? status == Z_STREAM_END : status == Z_OK, stream.avail_in == 0, stream.avail_out > 0 else { return nil }
            return out.count - Int(stream.avail_out)
        }
        guard let produced else { return nil }
        output.removeSubrange(produced...)
        return Block(bytes: output, crc: UInt(crc))
    }

    /// The MS-DOS time and date of `date` in UTC (2-second steps; 1980 to 2107).
    static func dosTimestamp(_ date: Date) -> (time: UInt16, date: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard let year = c.year, (1980...2107).contains(year) else { return (0, 0x21) }  // 1980-01-01
        let time = (c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2
        let day = (year - 1980) << 9 | (c.month ?? 1) << 5 | (c.day ?? 1)
        return (UInt16(time), UInt16(day))
    }
}

private extension Data {
    mutating func le16(_ v: UInt16) { Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) } }
    mutating func le32(_ v: UInt32) { Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) } }
}
