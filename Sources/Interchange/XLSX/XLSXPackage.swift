import Foundation
import ZIPFoundation

/// The parts of an XLSX package (a ZIP file), read with caps on what they inflate to.
///
/// ZIPFoundation inflates the entries; the entries themselves come from a bounds-checked walk of
/// the central directory (`ZIPCentralDirectory`: ZIPFoundation's `Archive` traps on hostile
/// offsets, and its `extract` spins forever at 100% CPU when a deflate stream ends before its
/// final block, weichsel/ZIPFoundation#389). Each entry's compressed bytes are handed to
/// ZIPFoundation's `Data.decompress` through a provider that serves exactly those bytes (padded
/// to the size zlib is told) and throws when asked for more.
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

    private typealias Part = ZIPCentralDirectory.Entry

    private let data: Data
    private let parts: [String: Part]
    private let limits: Limits
    private var totalRead = 0

    init(_ data: Data, limits: Limits) throws {
        if OfficeCrypto.isCompoundFile(data) {
            throw XLSXErrors.oleCompoundFile()  // ImportSource decrypts these first (OfficeCrypto)
        }
        guard data.starts(with: [0x50, 0x4B]) else { throw XLSXErrors.notAZip() }
        let entries: [ZIPCentralDirectory.Entry]
        do {
            entries = try ZIPCentralDirectory.entries(in: data)
        } catch let error as InterchangeError {
            throw error
        } catch {
            throw XLSXErrors.damagedZip()
        }
        var parts: [String: Part] = [:]
        for entry in entries {
            guard let path = entry.path else { continue }  // a name neither UTF-8 nor ASCII is never an OPC part
            let key = Self.normalize(path)
            if parts[key] == nil { parts[key] = entry }
        }
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
        guard let entry = parts[Self.normalize(path)] else { return nil }
        guard !entry.isDirectory else { return nil }
        guard entry.method == 0 || entry.method == 8 else { throw XLSXErrors.damagedPart(path) }
        let declared = UInt64(entry.uncompressedSize)
        if declared > UInt64(limits.maxPartBytes) || declared > UInt64(limits.maxTotalBytes - totalRead) {
            throw XLSXErrors.tooLarge(part: path)
        }
        let start = entry.dataOffset
        let compressedCount = entry.compressedSize
        guard start >= 0, compressedCount <= data.count - start else { throw XLSXErrors.damagedZip() }
        let compressed = data[(data.startIndex + start)..<(data.startIndex + start + compressedCount)]
        let partCap = min(limits.maxPartBytes, limits.maxTotalBytes - totalRead)
        var output = Data()
        output.reserveCapacity(Int(min(declared, UInt64(partCap))))
        let checksum: CRC32
        if entry.method == 8 {
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
        guard checksum == entry.crc32, UInt64(output.count) == declared else { throw XLSXErrors.damagedPart(path) }
        totalRead += output.count
        return output
    }
}

private enum XLSXPackageStop: Error {
    case cap
    case truncated
}
