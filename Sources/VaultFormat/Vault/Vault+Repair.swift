import Foundation
import VaultCrypto

/// Repair of an interrupted save, and verification of every byte (FORMAT.md §8.6).
extension Vault {
    /// Removes an unfinished append after copying the whole file to `backupPath`, and heals an
    /// out-of-date header copy (FORMAT.md §8.3). Returns the bytes removed.
    @discardableResult
    public func repair(backupPath: String) throws -> Int {
        try requireWritable(allowUnfinished: true)
        let removed = unfinishedBytes
        if removed > 0 {
            try copyFile(to: backupPath)
            try file.truncate(to: FormatV1.bodyOffset + Int(header.bodyLength))
            try file.sync()
            unfinishedBytes = 0
        }
        if copyStates != [.current, .current] || removed > 0 {
            try writeHeader(header)
        }
        return removed
    }

    // MARK: Verification

    /// The outcome of `verify`: every byte authenticated, both header copies included.
    public struct VerifyReport: Sendable {
        public enum CopyResult: Sendable, Equatable { case authentic, outOfDate(sequence: UInt64), damaged(String), forged }
        public let records: UInt64
        public let payloadBytes: UInt64
        public let copyA: CopyResult
        public let copyB: CopyResult
        public let unfinishedBytes: Int
        public var isClean: Bool { copyA == .authentic && copyB == .authentic && unfinishedBytes == 0 }
    }

    /// Authenticates both header copies and every record. Throws on the first damaged record.
    public func verify() throws -> VerifyReport {
        let inspection = try ArchiveInspection.read(file)
        var results: [VerifyReport.CopyResult] = []
        for (i, copy) in inspection.copies.enumerated() {
            guard let copy else {
                if case .damaged(let reason) = [inspection.copyA, inspection.copyB][i] { results.append(.damaged(reason)) } else { results.append(.damaged("")) }
                continue
            }
            if try !copy.isAuthentic(prefix: prefix, headerKey: keys.headerKey) {
                results.append(.forged)
            } else if copy.header.sequence != header.sequence {
                results.append(.outOfDate(sequence: copy.header.sequence))
            } else {
                results.append(.authentic)
            }
        }
        var bytes: UInt64 = 0
        try forEachRecord { _, payload in bytes += UInt64(payload.count) }
        return VerifyReport(
            records: header.recordCount, payloadBytes: bytes, copyA: results[0], copyB: results[1],
            unfinishedBytes: inspection.unfinishedBytes)
    }
}
