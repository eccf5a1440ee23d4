import Foundation
import VaultCrypto
import VaultFormat
import SalesArchive
import Department
import Interchange

/// The fuzz targets (Docs/FUZZING.md): each runs one input through a parser's public or
/// `package` entry point and ignores thrown errors. A crash, a trap or a sanitizer report is a
/// finding; an error is the expected answer to a hostile input.
enum FuzzTarget: String, CaseIterable {
    case header, records, payload, snapshot, age, registry, keys, csv, xlsx, importsource, officecrypto

    func run(_ data: [UInt8]) {
        switch self {
        case .header: Self.header(data)
        case .records: Self.records(data)
        case .payload: Self.payload(data)
        case .snapshot: Self.snapshot(data)
        case .age: Self.age(data)
        case .registry: Self.registry(data)
        case .keys: Self.keys(data)
        case .csv: Self.csv(data)
        case .xlsx: _ = try? XLSXReader.read(Data(data))
        case .importsource: Self.importSource(data)
        // The compound-file reader, the EncryptionInfo parser and, for files whose password is
        // "fuzz", the key derivation, HMAC and decryption (spin count capped so an input stays fast).
        case .officecrypto: _ = try? OfficeCrypto.decrypt(data, password: { "fuzz" }, maxSpinCount: 1_000)
        }
    }

    // MARK: Scratch files

    /// A private folder for the files the file-based entry points need (in memory when /dev/shm exists).
    static let scratch: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = base + "/svault-fuzz-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: FuzzTarget.scratch) }
        return dir
    }()

    static func write(_ bytes: [UInt8], to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot write \(path)")
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                precondition(n > 0)
                done += n
            }
        }
        close(fd)
    }

    /// Splits an input into several payloads at the 4-byte marker `FF 00 FF 00` (the seeds use it
    /// between records), so one input can be a run of records.
    static let separator: [UInt8] = [0xFF, 0x00, 0xFF, 0x00]
    static func split(_ data: [UInt8], limit: Int = 64) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var start = 0
        var i = 0
        while i + 4 <= data.count, parts.count < limit - 1 {
            if data[i] == 0xFF, data[i + 1] == 0, data[i + 2] == 0xFF, data[i + 3] == 0 {
                parts.append(Array(data[start..<i]))
                i += 4
                start = i
            } else {
                i += 1
            }
        }
        parts.append(Array(data[start...]))
        return parts
    }

    static func joined(_ parts: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, p) in parts.enumerated() {
            if i > 0 { out += separator }
            out += p
        }
        return out
    }

    // MARK: header — ArchiveHeader(parsing:), HeaderCopy and ArchiveInspection.inspect(path:)

    /// An input starting with the archive magic is the first bytes of an archive file, as is.
    /// Any other input is a header body: parsed directly, then framed as both header copies of
    /// an archive file with correct lengths and checksums (FORMAT.md §3.2), so the copy checks,
    /// the header fields and the choice between the copies are reached without the fuzzer
    /// having to forge SHA-256 checksums.
    static func header(_ data: [UInt8]) {
        let path = scratch + "/header.svault"
        if data.starts(with: FormatV1.magic) {
            write(data, to: path)
            _ = try? ArchiveInspection.inspect(path: path)
            return
        }
        _ = try? ArchiveHeader(parsing: data)
        // Copy B: the body with its tenth byte changed by the input's last byte,
        // so the two copies can differ (sequence numbers, the disagreement check).
        var bodyB = data
        if let last = data.last, bodyB.count > 9 { bodyB[9] ^= last }
        let file = prefixBytes + frameCopy(data) + frameCopy(bodyB)
        write(file, to: path)
        _ = try? ArchiveInspection.inspect(path: path)
    }

    static let prefixBytes: [UInt8] = try! ArchivePrefix(archiveID: [UInt8](repeating: 0x5A, count: FormatV1.archiveIDSize)).serialized

    static func frameCopy(_ body: [UInt8]) -> [UInt8] {
        let room = FormatV1.headerCopySize - FormatV1.checksumSize
        var copy: [UInt8] = []
        copy.reserveCapacity(FormatV1.headerCopySize)
        let n = UInt32(truncatingIfNeeded: body.count)
        copy += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        copy += body.prefix(room - 4 - FormatV1.macSize)
        copy += [UInt8](repeating: 0xA5, count: FormatV1.macSize)
        copy += [UInt8](repeating: 0, count: room - copy.count)
        copy += try! SHA256.hash(copy)
        return copy
    }

    // MARK: records — the record stream of an unlocked vault (BodyReader, RecordCodec.open, chain, checkpoint)

    /// The testkit archive `success_checkpoint.svtest`, unlocked once; each input replaces its
    /// body (the bytes after the two header copies) in place, and the records are read back.
    ///
    /// Why process-wide state here (and `nonisolated(unsafe)`): libFuzzer calls
    /// `LLVMFuzzerTestOneInput(data, size)` from C with no context to pass state in, always on one
    /// thread, one input at a time; the fixtures are built once because an unlock per input would
    /// cost more than the input. Setup failures (`try!`, `precondition`) are the harness's own,
    /// never reached by an input: inputs only go through the product's throwing entry points.
    nonisolated(unsafe) static let recordVault: Vault = {
        let archive = try! Testkit.archive("success_checkpoint.svtest")
        let path = scratch + "/records.svault"
        write(archive.bytes, to: path)
        return try! Vault.open(path: path, password: SecureBytes(Array(archive.password.utf8)))
    }()

    static func records(_ data: [UInt8]) {
        let vault = recordVault
        let path = scratch + "/records.svault"
        let fd = open(path, O_WRONLY)
        precondition(fd >= 0)
        data.withUnsafeBytes { raw in
            if raw.count > 0 { _ = pwrite(fd, raw.baseAddress!, raw.count, off_t(FormatV1.bodyOffset)) }
        }
        _ = ftruncate(fd, off_t(FormatV1.bodyOffset + data.count))
        close(fd)
        try? vault.forEachRecord { _, _ in }
        try? vault.forEachRecord(from: 4) { _, _ in }
        // One record read directly (no chain): index and offset from the input's first bytes.
        if data.count >= 2 {
            _ = try? vault.record(at: UInt64(data[0] % 8), offset: UInt64(data[1]) * 4)
        }
    }

    // MARK: payload — BatchCodec.decode and ArchiveState.apply(encoded:) (RECORDS.md)

    static func payload(_ data: [UInt8]) {
        let parts = split(data)
        for part in parts { _ = try? BatchCodec.decode(part) }
        var state = ArchiveState()
        try? state.apply(encoded: parts)
    }

    // MARK: snapshot — the snapshot at a checkpoint, decoded by CustomerArchive(vault:)

    /// A vault made once per process (weak KDF: only the fuzzer opens it). Each input is a run
    /// of records (split at `separator`) appended as a new checkpoint, the first of them the
    /// snapshot's meta record; opening the archive then decodes the snapshot (Snapshot.decodeMeta,
    /// peekPart, decodeDirectory, ArchiveState.apply(snapshotParts:)) and the records after it.
    nonisolated(unsafe) static var snapshotVault: Vault?
    nonisolated(unsafe) static var snapshotRuns = 0

    static func snapshot(_ data: [UInt8]) {
        if snapshotVault == nil || snapshotRuns >= 2000 {
            snapshotVault = nil
            let path = scratch + "/snapshot.svault"
            try? FileManager.default.removeItem(atPath: path)
            snapshotVault = try! Vault.create(
                path: path, owner: "Fuzz", password: SecureBytes(Array("fuzz password".utf8)),
                kdf: .insecureForTesting(logN: FormatV1.minTestingScryptLogN), now: 1_700_000_000)
            snapshotRuns = 0
        }
        snapshotRuns += 1
        let vault = snapshotVault!
        let records = split(data)
        do {
            try vault.append(contentsOf: records, now: 1_700_000_000, checkpoint: true)
        } catch {
            return
        }
        guard let archive = try? CustomerArchive(vault: vault) else { return }
        try? archive.loadContactLog()
    }

    // MARK: age — AgeFile.decrypt (VaultCrypto/Age)

    static let ageIdentity = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: 0x42, count: 32))
    static let agePassphrase = "fuzz passphrase"
    /// scrypt work factors above this are refused here (the product's cap is 22: see FUZZING.md).
    static let ageMaxLogN = 12

    static func age(_ data: [UInt8]) {
        // The armor's own decoder and the key-free summary, then the full decryption (which
        // takes armored and binary files alike).
        _ = try? AgeArmor.decode(data)
        _ = try? AgeFile.summary(of: data)
        _ = try? AgeFile.decrypt(data, with: [.x25519(ageIdentity)])
        _ = try? AgeFile.decrypt(data, with: [.passphrase(SecureBytes(Array(agePassphrase.utf8)), maxLogN: ageMaxLogN)])
    }

    // MARK: registry — department.json (Registry's Codable form, validate, the escrow plan) and Registry.load

    static let registrySignature = Base64.encode([UInt8](repeating: 7, count: Curve25519.Signing.signatureByteCount))

    static func registry(_ data: [UInt8]) {
        if let registry = try? JSONDecoder().decode(Registry.self, from: Data(data)) {
            try? registry.validate()
            _ = try? registry.escrowPlan()
            _ = try? registry.encoded()
            _ = try? registry.next(now: 1_700_000_000)
        }
        // The file path readers take: the key read before the signature is checked.
        let dir = scratch + "/department"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        write(data, to: Layout(dir).registry)
        write(Array(registrySignature.utf8), to: Layout(dir).signature)
        _ = try? Registry.load(directory: dir)
    }

    // MARK: keys — the key files (KeyFiles.swift)

    static func keys(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        _ = try? KeyFile.parseIdentity(text)
        _ = try? KeyFile.parseAdmin(text)
        _ = try? KeyFile.parseAdminPublic(text)
        _ = try? KeyFile.parseRecipient(text)
        _ = KeyFile.fingerprint(data)
        // Passphrase-protected key files are age files: decrypted by the age target, whose
        // work-factor cap keeps an input from costing seconds (FUZZING.md).
        if !KeyFile.isEncrypted(data) {
            _ = try? KeyFile.open(data) { SecureBytes(Array(agePassphrase.utf8)) }
        }
    }

    // MARK: csv — TextEncoding.detect/decode and CSVReader.read

    static func csv(_ data: [UInt8]) {
        let d = Data(data)
        let detected = TextEncoding.detect(d)
        if let text = try? TextEncoding.decode(d, as: detected) {
            _ = try? CSVReader.read(text, name: "fuzz.csv")
            _ = try? CSVReader.read(text, name: "fuzz.csv", delimiter: data.first)
        }
        for encoding in TextEncoding.allCases where encoding != detected {
            _ = try? TextEncoding.decode(d, as: encoding)
        }
    }

    // MARK: importsource — ImportSource.read (format by content: XLSX, refused workbooks, text)

    static func importSource(_ data: [UInt8]) {
        _ = try? ImportSource.read(Data(data), fileName: "fuzz.csv")
    }
}
