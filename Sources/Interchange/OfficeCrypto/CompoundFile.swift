/// A read-only view of an OLE compound file ([MS-CFB]): the container of an encrypted Office
/// document (`EncryptionInfo`, `EncryptedPackage`) and of old `.xls` workbooks.
///
/// The file is hostile until proven otherwise (INTERCHANGE.md §1.3): every sector number is
/// checked against the file and the FAT before it is read; every chain (DIFAT, FAT, mini FAT,
/// directory, stream) is walked at most once per sector, so a chain that loops is refused
/// instead of followed; the directory tree is walked with each entry visited at most once; and
/// nothing is allocated by a size the file states until that size is checked against the bytes
/// actually present. The cost of opening any file is linear in its size.
struct CompoundFile {
    static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    static let headerByteCount = 512
    static let directoryEntryByteCount = 128
    static let miniSectorByteCount = 64
    static let miniStreamCutoff = 4096

    /// Special sector numbers ([MS-CFB] §2.1).
    static let maxRegularSector: UInt32 = 0xFFFF_FFFA
    static let difatSector: UInt32 = 0xFFFF_FFFC
    static let fatSector: UInt32 = 0xFFFF_FFFD
    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let freeSector: UInt32 = 0xFFFF_FFFF
    static let noStream: UInt32 = 0xFFFF_FFFF

    /// Why a file is not a readable compound file; `detail` is for the message, in English.
    struct Damage: Error, Equatable {
        let detail: String
        init(_ detail: String) { self.detail = detail }
    }

    enum EntryType: UInt8 {
        case unused = 0, storage = 1, stream = 2, root = 5
    }

    struct Entry {
        let name: String
        let type: EntryType
        let left: UInt32
        let right: UInt32
        let child: UInt32
        let start: UInt32
        let size: UInt64
    }

    private let bytes: [UInt8]
    private let sectorSize: Int
    /// Sectors present in the file after the header (the last one may be short).
    private let sectorCount: Int
    private let fat: [UInt32]
    private let miniFAT: [UInt32]
    let entries: [Entry]
    private let miniStream: [UInt8]

    static func hasSignature(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: signature)
    }

    init(_ bytes: [UInt8]) throws(Damage) {
        guard Self.hasSignature(bytes) else { throw Damage("not a compound file") }
        guard bytes.count >= Self.headerByteCount else { throw Damage("the file ends inside its header") }
        let major = Self.u16(bytes, 0x1A)
        let shift = Self.u16(bytes, 0x1E)
        guard Self.u16(bytes, 0x1C) == 0xFFFE else { throw Damage("unknown byte order") }
        guard (major == 3 && shift == 9) || (major == 4 && shift == 12) else {
            throw Damage("unknown version \(major) with sectors of 2^\(shift) bytes")
        }
        guard Self.u16(bytes, 0x20) == 6 else { throw Damage("mini sectors are not 64 bytes") }
        guard Self.u32(bytes, 0x38) == UInt32(Self.miniStreamCutoff) else { throw Damage("unknown mini stream cutoff") }
        let sectorSize = 1 << Int(shift)
        guard bytes.count > sectorSize else { throw Damage("the file holds no sector after its header") }
        self.bytes = bytes
        self.sectorSize = sectorSize
        self.sectorCount = (bytes.count - sectorSize + sectorSize - 1) / sectorSize
        let perSector = sectorSize / 4

        // DIFAT: the header's 109 FAT sector numbers, then a chain of DIFAT sectors.
        let fatSectorCount = Int(Self.u32(bytes, 0x2C))
        guard fatSectorCount >= 1, fatSectorCount <= sectorCount else {
            throw Damage("it names \(fatSectorCount) FAT sectors in a file of \(sectorCount) sectors")
        }
        var fatSectors: [UInt32] = []
        fatSectors.reserveCapacity(fatSectorCount)
        for i in 0..<109 where fatSectors.count < fatSectorCount {
            fatSectors.append(Self.u32(bytes, 0x4C + 4 * i))
        }
        var difat = Self.u32(bytes, 0x44)
        var difatSeen = Set<UInt32>()
        let difatCount = Int(Self.u32(bytes, 0x48))
        guard difatCount <= sectorCount else { throw Damage("it names more DIFAT sectors than the file holds") }
        while fatSectors.count < fatSectorCount {
            guard difat != Self.endOfChain, difat != Self.freeSector else { throw Damage("the DIFAT ends before naming every FAT sector") }
            guard Int(difat) < sectorCount, difatSeen.insert(difat).inserted, difatSeen.count <= difatCount else {
                throw Damage("the DIFAT chain leaves the file or loops")
            }
            let base = (Int(difat) + 1) * sectorSize
            guard base + sectorSize <= bytes.count else { throw Damage("a DIFAT sector is cut off") }
            for i in 0..<(perSector - 1) where fatSectors.count < fatSectorCount {
                fatSectors.append(Self.u32(bytes, base + 4 * i))
            }
            difat = Self.u32(bytes, base + 4 * (perSector - 1))
        }
        var fat: [UInt32] = []
        fat.reserveCapacity(fatSectorCount * perSector)
        var fatSeen = Set<UInt32>()
        for sector in fatSectors {
            guard Int(sector) < sectorCount, fatSeen.insert(sector).inserted else { throw Damage("a FAT sector lies outside the file or is named twice") }
            let base = (Int(sector) + 1) * sectorSize
            guard base + sectorSize <= bytes.count else { throw Damage("a FAT sector is cut off") }
            for i in 0..<perSector { fat.append(Self.u32(bytes, base + 4 * i)) }
        }
        self.fat = fat

        // The directory: 128-byte entries along the chain from the header's first directory sector.
        let directory = try Self.read(chain: Self.u32(bytes, 0x30), table: fat, unit: sectorSize, limit: sectorCount, byteCount: nil) { sector in
            let base = (Int(sector) + 1) * sectorSize
            return base + sectorSize <= bytes.count ? bytes[base..<(base + sectorSize)] : nil
        }
        var entries: [Entry] = []
        entries.reserveCapacity(directory.count / Self.directoryEntryByteCount)
        for offset in stride(from: 0, to: directory.count, by: Self.directoryEntryByteCount) {
            entries.append(try Self.entry(directory, at: offset, version: major))
        }
        guard let root = entries.first, root.type == .root else { throw Damage("the first directory entry is not the root") }
        self.entries = entries

        // The mini FAT and the mini stream (the root entry's stream), for streams under 4,096 bytes.
        let miniFATCount = Int(Self.u32(bytes, 0x40))
        guard miniFATCount <= sectorCount else { throw Damage("it names more mini FAT sectors than the file holds") }
        let miniFATBytes = miniFATCount == 0 ? [] : try Self.read(
            chain: Self.u32(bytes, 0x3C), table: fat, unit: sectorSize, limit: sectorCount, byteCount: miniFATCount * sectorSize
        ) { sector in
            let base = (Int(sector) + 1) * sectorSize
            return base + sectorSize <= bytes.count ? bytes[base..<(base + sectorSize)] : nil
        }
        miniFAT = stride(from: 0, to: miniFATBytes.count, by: 4).map { Self.u32(miniFATBytes, $0) }
        if root.size == 0 || root.start == Self.endOfChain {
            miniStream = []
        } else {
            guard root.size <= UInt64(bytes.count) else { throw Damage("the mini stream is larger than the file") }
            miniStream = try Self.read(chain: root.start, table: fat, unit: sectorSize, limit: sectorCount, byteCount: Int(root.size)) { sector in
                Self.sector(bytes, sector, size: sectorSize)
            }
        }
    }

    // MARK: - The tree

    /// The entries directly inside the storage `index` (the root is 0), in tree order. Each entry
    /// is visited at most once: a sibling or child link that leads back is refused.
    func children(of index: Int) throws(Damage) -> [Int] {
        let first = entries[index].child
        guard first != Self.noStream else { return [] }
        var result: [Int] = []
        var seen = Set<UInt32>()
        var stack: [UInt32] = [first]
        while let next = stack.popLast() {
            guard Int(next) < entries.count, next != 0, seen.insert(next).inserted else {
                throw Damage("the directory tree links outside itself or loops")
            }
            let e = entries[Int(next)]
            guard e.type != .unused && e.type != .root else { throw Damage("the directory tree links an unused entry") }
            result.append(Int(next))
            if e.left != Self.noStream { stack.append(e.left) }
            if e.right != Self.noStream { stack.append(e.right) }
        }
        return result
    }

    /// The entry at `path` (names compared ignoring case, as [MS-CFB] §2.6.4 orders them).
    func find(_ path: [String]) throws(Damage) -> Int? {
        var current = 0
        for name in path {
            let key = name.uppercased()
            guard let found = try children(of: current).first(where: { entries[$0].name.uppercased() == key }) else { return nil }
            current = found
        }
        return current
    }

    /// Every stream and storage below the root, with its path (each entry once), at most
    /// `limit` of them. The directory holds at most a file's worth of entries in any case.
    static let maxDepth = 32

    func allPaths(limit: Int = 10_000) throws(Damage) -> [[String]] {
        var result: [[String]] = []
        var queue: [(Int, [String])] = [(0, [])]
        var seenStorages = Set<Int>([0])
        while let (index, path) = queue.popLast(), result.count < limit {
            // Real files nest a few storages deep; a chain of thousands would cost quadratic
            // time in the paths built here.
            guard path.count < Self.maxDepth else { throw Damage("storages are nested more than \(Self.maxDepth) deep") }
            for child in try children(of: index) {
                let p = path + [entries[child].name]
                result.append(p)
                if entries[child].type == .storage, seenStorages.insert(child).inserted { queue.append((child, p)) }
            }
        }
        return result
    }

    /// The bytes of the stream at `path`, or nil when there is none.
    func stream(_ path: [String]) throws(Damage) -> [UInt8]? {
        guard let index = try find(path), entries[index].type == .stream else { return nil }
        return try stream(at: index)
    }

    func stream(at index: Int) throws(Damage) -> [UInt8] {
        let e = entries[index]
        if e.size < UInt64(Self.miniStreamCutoff) {
            let size = Int(e.size)
            guard size > 0 else { return [] }
            let mini = miniStream
            return try Self.read(chain: e.start, table: miniFAT, unit: Self.miniSectorByteCount,
                                 limit: mini.count / Self.miniSectorByteCount, byteCount: size) { sector in
                let base = Int(sector) * Self.miniSectorByteCount
                return base + Self.miniSectorByteCount <= mini.count ? mini[base..<(base + Self.miniSectorByteCount)] : nil
            }
        }
        guard e.size <= UInt64(bytes.count) else { throw Damage("the stream \(e.name) claims \(e.size) bytes in a file of \(bytes.count)") }
        let (bytes, sectorSize) = (self.bytes, self.sectorSize)
        return try Self.read(chain: e.start, table: fat, unit: sectorSize, limit: sectorCount, byteCount: Int(e.size)) { sector in
            Self.sector(bytes, sector, size: sectorSize)
        }
    }

    // MARK: - Chains and fields

    /// The bytes along a chain: from `start`, each sector's successor in `table`, until the end
    /// of the chain or `byteCount` bytes (nil: the whole chain). Every sector number must be
    /// below `limit` and in `table`, and none may come twice.
    private static func read(
        chain start: UInt32, table: [UInt32], unit: Int, limit: Int, byteCount: Int?,
        sector: (UInt32) -> ArraySlice<UInt8>?
    ) throws(Damage) -> [UInt8] {
        if let byteCount {
            // Checked before anything is allocated: a chain cannot hold more than `limit` sectors.
            guard byteCount <= limit * unit else { throw Damage("a stream claims more bytes than the file holds") }
        }
        var out: [UInt8] = []
        if let byteCount { out.reserveCapacity(byteCount) }
        var seen = [Bool](repeating: false, count: min(table.count, limit))
        var next = start
        while next != endOfChain {
            if let byteCount, out.count >= byteCount { break }
            guard Int(next) < seen.count else { throw Damage("a sector chain leaves the file") }
            guard !seen[Int(next)] else { throw Damage("a sector chain loops") }
            seen[Int(next)] = true
            guard let bytes = sector(next) else { throw Damage("the file is cut off inside a stream") }
            out.append(contentsOf: bytes)
            next = table[Int(next)]
        }
        if let byteCount {
            guard out.count >= byteCount else { throw Damage("a stream ends before its stated size") }
            out.removeLast(out.count - byteCount)
        }
        return out
    }

    /// A regular sector; the file's last sector may be short, the rest is then zero-filled.
    private static func sector(_ bytes: [UInt8], _ n: UInt32, size: Int) -> ArraySlice<UInt8>? {
        let base = (Int(n) + 1) * size
        guard base < bytes.count else { return nil }
        if base + size <= bytes.count { return bytes[base..<(base + size)] }
        return ArraySlice(Array(bytes[base...]) + [UInt8](repeating: 0, count: base + size - bytes.count))
    }

    private static func entry(_ d: [UInt8], at o: Int, version: UInt16) throws(Damage) -> Entry {
        let nameLength = Int(u16(d, o + 0x40))
        let rawType = d[o + 0x42]
        guard let type = EntryType(rawValue: rawType) else { throw Damage("a directory entry has the unknown type \(rawType)") }
        var name = ""
        if type != .unused {
            guard nameLength >= 2, nameLength <= 64, nameLength % 2 == 0 else { throw Damage("a directory entry's name has a bad length") }
            let units = stride(from: 0, to: nameLength - 2, by: 2).map { UInt16(d[o + $0]) | UInt16(d[o + $0 + 1]) << 8 }
            name = String(decoding: units, as: UTF16.self)
        }
        var size = UInt64(u32(d, o + 0x78)) | UInt64(u32(d, o + 0x7C)) << 32
        if version == 3 { size &= 0xFFFF_FFFF }  // [MS-CFB] §2.6.3: the high half may be garbage in version 3
        return Entry(name: name, type: type, left: u32(d, o + 0x44), right: u32(d, o + 0x48), child: u32(d, o + 0x4C),
                     start: u32(d, o + 0x74), size: size)
    }

    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}
