import Foundation
import ZIPFoundation

/// The parts of an XLSX package (a ZIP file), read with caps on what they inflate to.
///
/// ZIPFoundation lists the entries and inflates them. One thing is done by hand: finding where an
/// entry's compressed bytes start (a walk of the central directory, `ZIPCentralDirectory`). The
/// reason is a bug in ZIPFoundation 0.9.20 on Linux: `Archive.extract` spins forever at 100% CPU
/// when a deflate stream ends before its final block (weichsel/ZIPFoundation#389, still open). So
/// each entry's compressed bytes are handed to ZIPFoundation's `Data.decompress` through a
/// provider that serves exactly those bytes and throws when asked for more.
struct XLSXPackage {
    /// Caps on inflated sizes (a zip bomb stops at the cap, not when memory runs out).
    struct Limits: Sendable {
        /// The most one part may inflate to.
        var maxPartBytes: Int = 256 << 20
        /// The most all parts read from one workbook may inflate to together.
        var maxTotalBytes: Int = 512 << 20
        /// The most cells (padding included) all sheets may hold together, and the most shared
        /// strings. A cell takes 40 bytes before its text, so 10 million cells are 400 MB.
        var maxCells: Int = 10_000_000
        static let standard = Limits()
    }

    private struct Part {
        let entry: Entry
        let dataOffset: Int
    }

    private let data: Data
    private let parts: [String: Part]
    private let limits: Limits
    private var totalRead = 0

    init(_ data: Data, limits: Limits) throws {
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw XLSXErrors.oleCompoundFile()
        }
        guard data.starts(with: [0x50, 0x4B]) else { throw XLSXErrors.notAZip() }
        let archive: Archive
        let offsets: [(path: String?, dataOffset: Int)]
        do {
            // Our bounds-checked walk first: ZIPFoundation's iterator traps on offsets past the end.
            offsets = try ZIPCentralDirectory.dataOffsets(in: data)
            archive = try Archive(data: data, accessMode: .read)
        } catch let error as InterchangeError {
            throw error
        } catch {
            throw XLSXErrors.damagedZip()
        }
        var parts: [String: Part] = [:]
        var index = 0
        for entry in archive {
            guard index < offsets.count, offsets[index].path.map({ $0 == entry.path }) ?? true else {
                throw XLSXErrors.damagedZip()
            }
            let key = Self.normalize(entry.path)
            if parts[key] == nil { parts[key] = Part(entry: entry, dataOffset: offsets[index].dataOffset) }
            index += 1
        }
        guard index == offsets.count else { throw XLSXErrors.damagedZip() }
        self.data = data
        self.parts = parts
        self.limits = limits
    }

    /// Part names are case-insensitive in OPC, with or without a leading slash.
    static func normalize(_ path: String) -> String {
        var p = path
        while p.hasPrefix("/") { p.removeFirst() }
        return p.lowercased()
    }

    func contains(_ path: String) -> Bool { parts[Self.normalize(path)] != nil }

    /// The inflated bytes of a part, or nil if the package has no such part.
    mutating func read(_ path: String) throws -> Data? {
        guard let part = parts[Self.normalize(path)] else { return nil }
        let entry = part.entry
        guard entry.type == .file else { return nil }
        let declared = entry.uncompressedSize
        if declared > UInt64(limits.maxPartBytes) || declared > UInt64(limits.maxTotalBytes - totalRead) {
            throw XLSXErrors.tooLarge(part: path)
        }
        let start = part.dataOffset
        let compressedCount = Int(clamping: entry.compressedSize)
        guard start >= 0, compressedCount <= data.count - start else { throw XLSXErrors.damagedZip() }
        let compressed = data[(data.startIndex + start)..<(data.startIndex + start + compressedCount)]
        let partCap = min(limits.maxPartBytes, limits.maxTotalBytes - totalRead)
        var output = Data()
        output.reserveCapacity(Int(min(declared, UInt64(partCap))))
        let checksum: CRC32
        if entry.isCompressed {
            var served = 0
            do {
                checksum = try Data.decompress(
                    size: Int64(compressedCount), bufferSize: 64 << 10, skipCRC32: false,
                    provider: { _, size in
                        // An empty chunk would make ZIPFoundation's Linux inflate loop spin (see above).
                        guard served < compressed.count else { throw XLSXPackageStop.truncated }
                        let end = min(compressed.count, served + size)
                        var chunk = Data(compressed[(compressed.startIndex + served)..<(compressed.startIndex + end)])
                        served = end
                        // ZIPFoundation hands zlib `bufferSize` bytes whatever the chunk holds: pad
                        // to the size asked, so that a damaged stream reads zeros, never the heap
                        // beyond (found by fuzzing under ASan: Regressions/xlsx/inflate-reads-past-chunk.xlsx).
                        if chunk.count < size { chunk.append(Data(count: size - chunk.count)) }
                        return chunk
                    },
                    consumer: { chunk in
                        guard output.count + chunk.count <= partCap else { throw XLSXPackageStop.cap }
                        output.append(chunk)
                    })
            } catch XLSXPackageStop.cap {
                throw XLSXErrors.tooLarge(part: path)
            } catch {
                throw XLSXErrors.damagedPart(path)
            }
        } else {
            guard compressed.count <= partCap else { throw XLSXErrors.tooLarge(part: path) }
            output = Data(compressed)
            checksum = output.crc32(checksum: 0)
        }
        guard checksum == entry.checksum, UInt64(output.count) == declared else { throw XLSXErrors.damagedPart(path) }
        totalRead += output.count
        return output
    }
}

private enum XLSXPackageStop: Error {
    case cap
    case truncated
}
