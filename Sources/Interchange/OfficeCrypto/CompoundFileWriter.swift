/// Writes an OLE compound file ([MS-CFB], version 3: 512-byte sectors) from a fixed directory:
/// the container of an encrypted Office document. Streams under 4,096 bytes go to the mini
/// stream, as the format requires; the FAT grows DIFAT sectors past 109 FAT sectors (a package
/// over about 7 MB). Time stamps and class ids are zero: the container says nothing about
/// when or where it was made.
enum CompoundFileWriter {
    /// A directory entry as written: entry 0 is the root; links are indices into the list.
    struct Node {
        enum Kind { case storage, stream }
        var name: String
        var kind: Kind
        var content: [UInt8] = []
        var left: Int? = nil
        var right: Int? = nil
        var child: Int? = nil
        var black = true
    }

    private static let sectorSize = 512
    private static let perSector = 128  // sector numbers per FAT or DIFAT sector

    /// The file holding `nodes` (nodes[0] is the root storage, its `content` ignored).
    static func write(_ nodes: [Node]) -> [UInt8] {
        typealias CF = CompoundFile
        // The mini stream: every stream under the cutoff, each from a 64-byte boundary.
        var miniStream: [UInt8] = []
        var miniFAT: [UInt32] = []
        var starts = [UInt32](repeating: CF.endOfChain, count: nodes.count)
        var big: [Int] = []
        for (i, node) in nodes.enumerated() where i > 0 && node.kind == .stream && !node.content.isEmpty {
            if node.content.count < CF.miniStreamCutoff {
                let first = miniFAT.count
                let count = (node.content.count + 63) / 64
                starts[i] = UInt32(first)
                for k in 0..<count { miniFAT.append(k == count - 1 ? CF.endOfChain : UInt32(first + k + 1)) }
                miniStream += node.content + [UInt8](repeating: 0, count: count * 64 - node.content.count)
            } else {
                big.append(i)
            }
        }
        func sectors(_ n: Int) -> Int { (n + sectorSize - 1) / sectorSize }
        let directorySectors = sectors(nodes.count * CF.directoryEntryByteCount)
        let miniFATSectors = sectors(miniFAT.count * 4)
        let miniStreamSectors = sectors(miniStream.count)
        let dataSectors = directorySectors + miniFATSectors + miniStreamSectors + big.reduce(0) { $0 + sectors(nodes[$1].content.count) }
        // FAT sectors F and DIFAT sectors X such that the FAT covers every sector, itself included.
        var fatCount = 1, difatCount = 0
        while fatCount * perSector < fatCount + difatCount + dataSectors {
            fatCount += 1
            difatCount = fatCount > 109 ? (fatCount - 109 + perSector - 2) / (perSector - 1) : 0
        }
        let total = fatCount + difatCount + dataSectors
        var fat = [UInt32](repeating: CF.freeSector, count: fatCount * perSector)
        var next = 0
        func allocate(_ count: Int) -> UInt32 {
            guard count > 0 else { return CF.endOfChain }
            let first = next
            for k in 0..<count { fat[first + k] = k == count - 1 ? CF.endOfChain : UInt32(first + k + 1) }
            next += count
            return UInt32(first)
        }
        let fatStart = next
        for k in 0..<fatCount { fat[fatStart + k] = CF.fatSector }
        next += fatCount
        let difatStart = next
        for k in 0..<difatCount { fat[difatStart + k] = CF.difatSector }
        next += difatCount
        let directoryStart = allocate(directorySectors)
        let miniFATStart = allocate(miniFATSectors)
        let miniStreamStart = allocate(miniStreamSectors)
        for i in big { starts[i] = allocate(sectors(nodes[i].content.count)) }
        precondition(next == total)

        var file = [UInt8](repeating: 0, count: (total + 1) * sectorSize)
        func put16(_ v: UInt16, _ o: Int) { file[o] = UInt8(v & 0xFF); file[o + 1] = UInt8(v >> 8) }
        func put32(_ v: UInt32, _ o: Int) { for k in 0..<4 { file[o + k] = UInt8((v >> (8 * UInt32(k))) & 0xFF) } }
        func sectorOffset(_ n: Int) -> Int { (n + 1) * sectorSize }

        // Header.
        file.replaceSubrange(0..<8, with: CF.signature)
        put16(0x003E, 0x18); put16(3, 0x1A); put16(0xFFFE, 0x1C); put16(9, 0x1E); put16(6, 0x20)
        put32(UInt32(fatCount), 0x2C)
        put32(directoryStart, 0x30)
        put32(UInt32(CF.miniStreamCutoff), 0x38)
        put32(miniFATSectors > 0 ? miniFATStart : CF.endOfChain, 0x3C)
        put32(UInt32(miniFATSectors), 0x40)
        put32(difatCount > 0 ? UInt32(difatStart) : CF.endOfChain, 0x44)
        put32(UInt32(difatCount), 0x48)
        for k in 0..<109 { put32(k < fatCount ? UInt32(fatStart + k) : CF.freeSector, 0x4C + 4 * k) }
        // DIFAT sectors: 127 FAT sector numbers each, then the next DIFAT sector.
        for d in 0..<difatCount {
            let base = sectorOffset(difatStart + d)
            for k in 0..<(perSector - 1) {
                let index = 109 + d * (perSector - 1) + k
                put32(index < fatCount ? UInt32(fatStart + index) : CF.freeSector, base + 4 * k)
            }
            put32(d == difatCount - 1 ? CF.endOfChain : UInt32(difatStart + d + 1), base + 4 * (perSector - 1))
        }
        for (k, v) in fat.enumerated() { put32(v, sectorOffset(fatStart) + 4 * k) }  // FAT sectors are consecutive
        // Directory.
        let dir = sectorOffset(Int(directoryStart))
        for slot in 0..<(directorySectors * sectorSize / CF.directoryEntryByteCount) {
            let o = dir + slot * CF.directoryEntryByteCount
            put32(CF.noStream, o + 0x44); put32(CF.noStream, o + 0x48); put32(CF.noStream, o + 0x4C)
            guard slot < nodes.count else { continue }
            let node = nodes[slot]
            let units = Array(node.name.utf16.prefix(31))
            for (k, u) in units.enumerated() { put16(u, o + 2 * k) }
            put16(UInt16(2 * (units.count + 1)), o + 0x40)
            file[o + 0x42] = slot == 0 ? CF.EntryType.root.rawValue : node.kind == .storage ? CF.EntryType.storage.rawValue : CF.EntryType.stream.rawValue
            file[o + 0x43] = node.black ? 1 : 0
            put32(node.left.map(UInt32.init) ?? CF.noStream, o + 0x44)
            put32(node.right.map(UInt32.init) ?? CF.noStream, o + 0x48)
            put32(node.child.map(UInt32.init) ?? CF.noStream, o + 0x4C)
            if slot == 0 {
                put32(miniStream.isEmpty ? CF.endOfChain : miniStreamStart, o + 0x74)
                put32(UInt32(miniStream.count), o + 0x78)
            } else if node.kind == .stream {
                put32(starts[slot], o + 0x74)
                put32(UInt32(node.content.count), o + 0x78)
            }
        }
        // Mini FAT, mini stream, big streams.
        for (k, v) in miniFAT.enumerated() { put32(v, sectorOffset(Int(miniFATStart)) + 4 * k) }
        let unusedMini = miniFATSectors * perSector - miniFAT.count
        for k in 0..<unusedMini { put32(CF.freeSector, sectorOffset(Int(miniFATStart)) + 4 * (miniFAT.count + k)) }
        if !miniStream.isEmpty {
            let o = sectorOffset(Int(miniStreamStart))
            file.replaceSubrange(o..<(o + miniStream.count), with: miniStream)
        }
        for i in big {
            let o = sectorOffset(Int(starts[i]))
            file.replaceSubrange(o..<(o + nodes[i].content.count), with: nodes[i].content)
        }
        return file
    }
}
