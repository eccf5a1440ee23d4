// Benchmarks for Docs/PERFORMANCE.md. Every figure is a ratio of two things measured side by
// side in this run on this machine, never an absolute threshold. Run through `Scripts/bench`.
//
//   svault-bench [--size-mb N] [--work DIR] [--archive-only | --compliance-only | --log-only]
//                [--keep-archive PATH | --reuse-archive PATH]
//
// `--log-only` measures only the contact-log read path on the 1.1-million-record archive;
// `--keep-archive` saves that archive, `--reuse-archive` measures a saved one (no rebuild).

import Department
import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

/// The command line, parsed once; read-only afterwards.
struct Options: Sendable {
    var sizeMB = 200
    var archiveOnly = false
    var openOnly: String?
    var complianceOnly = false
    var logOnly = false
    var startupOnly = false
    var keepArchive: String?
    var reuseArchive: String?
    var childAction = "log"
    var work = FileManager.default.temporaryDirectory.appendingPathComponent("svault-bench-\(getpid())").path

    static func parse(_ arguments: [String]) -> Options {
        var o = Options()
        var it = arguments.makeIterator()
        while let arg = it.next() {
            switch arg {
            case "--size-mb": o.sizeMB = Int(it.next() ?? "") ?? o.sizeMB
            case "--work": o.work = it.next() ?? o.work
            case "--archive-only": o.archiveOnly = true
            case "--compliance-only": o.complianceOnly = true
            case "--open-archive": o.openOnly = it.next()
            case "--then": o.childAction = it.next() ?? o.childAction
            case "--log-only": o.logOnly = true
            case "--startup-only": o.startupOnly = true
            case "--keep-archive": o.keepArchive = it.next()
            case "--reuse-archive": o.reuseArchive = it.next()
            default:
                FileHandle.standardError.write(Data("usage: svault-bench [--size-mb N] [--work DIR] [--archive-only | --compliance-only | --log-only | --startup-only] [--keep-archive PATH | --reuse-archive PATH]\n".utf8))
                exit(64)
            }
        }
        return o
    }
}
let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
if let path = options.openOnly {
    // Child mode: open one archive in a fresh process, list the A customers, then `--then log`
    // (read the whole contact log, what the first `log list` or `search` does) or `--then
    // show:ID` (what `customer show ID` reads, without listing the A customers). Prints the
    // seconds and RSS growth after the open, after the follow-up (both from the start of the
    // open), the peak RSS and the number of A customers, log entries found. `--then breakdown`
    // prints how long decrypting the records from the checkpoint takes, then the whole open.
    func rss(_ key: String) -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix(key) }
            .flatMap { Double($0.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "") }.map { $0 / 1024 } ?? 0
    }
    let vault = try Vault.open(path: path, password: SecureBytes(Array("benchmark password one".utf8)))
    if options.childAction == "breakdown" {
        // Where an open's time goes: reading and decrypting the records from the checkpoint alone.
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let t0 = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        var bytes = 0
        try vault.forEachRecord(from: vault.header.checkpoint?.index ?? 0) { _, p in bytes += p.count }
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let t1 = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        _ = try CustomerArchive(vault: vault)
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let t2 = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        print(String(format: "decrypt from the checkpoint %.3f s (%d bytes); open %.3f s", t1 - t0, bytes, t2 - t1))
        exit(0)
    }
    let base = rss("VmRSS:")
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    let start = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    let archive = try CustomerArchive(vault: vault)
    let aCustomers = options.childAction.hasPrefix("show:") ? 0 : archive.customers(grades: [.a]).count
    clock_gettime(CLOCK_MONOTONIC, &ts)
    let seconds = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 - start
    let openRSS = rss("VmRSS:") - base
    var found = 0
    if options.childAction.hasPrefix("show:") {
        // What `customer show` reads (Sources/salesvault/Archive/CustomerCommands.swift).
        let c = try archive.resolve(.customer, String(options.childAction.dropFirst("show:".count)))
        _ = try archive.children(.contact, of: c.id)
        _ = try archive.children(.project, of: c.id)
        found = try archive.children(.activity, of: c.id).count
        _ = try archive.children(.complaint, of: c.id)
        _ = archive.gradeHint(c, now: 1_900_000_000)
    } else {
        try archive.loadContactLog()
        found = archive.state.count(.activity)
    }
    clock_gettime(CLOCK_MONOTONIC, &ts)
    let withLog = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 - start
    print("\(seconds) \(openRSS) \(withLog) \(rss("VmRSS:") - base) \(rss("VmHWM:")) \(aCustomers) \(found)")
    exit(0)
}
try FileManager.default.createDirectory(atPath: options.work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: options.work) }

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func time(_ body: () throws -> Void) rethrows -> Double {
    let start = now()
    try body()
    return now() - start
}

/// Best of `n` runs (less noise from the other core's load).
func best(_ n: Int, _ body: () throws -> Void) rethrows -> Double {
    var result = Double.infinity
    for _ in 0..<n { result = min(result, try time(body)) }
    return result
}

func shell(_ launchPath: String, _ args: [String]) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: launchPath)
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = Pipe()
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

func row(_ name: String, _ ours: String, _ theirs: String, _ ratio: String, _ target: String) {
    print("| \(name) | \(ours) | \(theirs) | \(ratio) | \(target) |")
}

let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n").first { $0.hasPrefix("model name") }?
    .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
print("SalesVault benchmark — \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(options.sizeMB) MB archive")
print("")
print("| measurement | SalesVault | reference (same run) | ratio | target |")
print("|---|---|---|---|---|")

let password = SecureBytes(Array("benchmark password one".utf8))
let chunk = try Random.bytes(1 << 20)

/// The compliance check over 1,000 department archives (headers only), against reading the same
/// files' headers raw in the same process; and with --verify through a manager's escrow key.
func benchCompliance() throws {
    let dir = "\(options.work)/department"
    let layout = Layout(dir)
    try FileManager.default.createDirectory(atPath: layout.archives, withIntermediateDirectories: true)
    let admin = try Curve25519.Signing.PrivateKey()
    let li = try Curve25519.KeyAgreement.PrivateKey()
    let wang = try Curve25519.KeyAgreement.PrivateKey()
    var registry = Registry(name: "bench", adminKey: admin.publicKey, now: 1_790_000_000)
    registry.managers = [
        .init(addedAt: "2026-01-01T00:00:00Z", name: "李经理", recipient: AgeKeys.recipientString(li.publicKey), role: "department manager"),
        .init(addedAt: "2026-01-01T00:00:00Z", name: "王总", recipient: AgeKeys.recipientString(wang.publicKey), role: "general manager"),
    ]
    try registry.save(directory: dir, signer: admin)
    let plan = try registry.escrowPlan()
    let count = 1_000
    for i in 0..<count {
        let vault = try Vault.create(path: layout.archive(of: "sales\(i)"), owner: "销售\(i)", password: password,
                                     kdf: .insecureForTesting(logN: 10), now: 1_780_000_000 + Int64(i) * 3_600, escrow: plan)
        try vault.append(Array("record".utf8), now: 1_780_000_000 + Int64(i) * 3_600)
    }
    let asOf: Int64 = 1_795_000_000
    var report: ComplianceReport?
    let seconds = try best(3) { report = try ComplianceReport.run(directory: dir, asOf: asOf, registry: try Registry.load(directory: dir)) }
    let files = try FileManager.default.contentsOfDirectory(atPath: layout.archives).sorted()
    let raw = best(3) {
        var total = 0
        for f in files {
            guard let h = FileHandle(forReadingAtPath: layout.archives + "/" + f) else { continue }
            total += h.readData(ofLength: FormatV1.bodyOffset).count
            try? h.close()
        }
        precondition(total > 0)
    }
    let verify = try best(3) { _ = try ComplianceReport.run(directory: dir, asOf: asOf, registry: try Registry.load(directory: dir), identities: [li]) }
    row("compliance over \(report?.summary.archives ?? 0) archives (headers only, escrow compared with the signed registry)",
        String(format: "%.3f s", seconds), String(format: "reading their 32 KiB headers raw: %.3f s", raw),
        String(format: "%.1f×", seconds / raw), "well under 1 s")
    row("… with --verify (each header authenticated through a manager's escrow key)", String(format: "%.3f s", verify), "-", "-", "-")
}

if options.complianceOnly {
    try benchCompliance()
    exit(0)
}

/// CLI start-up when no password is involved: `salesvault status` against `true`, both spawned
/// the same way, interleaved in rounds so that a burst of load hits both; the target (issue 12)
/// is under 20 ms more than `true` in every round, so the row gives the mean and the worst round.
func benchStartup(archive: String) {
    let cli = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("salesvault").path
    guard FileManager.default.isExecutableFile(atPath: cli), let trueBin = which("true") else {
        row("CLI start-up: `salesvault status` (no password)", "salesvault or true not found", "-", "-", "< 20 ms")
        return
    }
    /// posix_spawn and waitpid, output to /dev/null: Foundation's Process adds tens of
    /// milliseconds of its own to every spawn, which would drown what is measured.
    func spawn(_ path: String, _ args: [String]) -> Double {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let start = now()
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return .nan }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return now() - start
    }
    let rounds = 5, runs = 40
    var statusTotal = 0.0, trueTotal = 0.0, worst = 0.0
    for _ in 0..<rounds {
        var statusSeconds = 0.0, trueSeconds = 0.0
        for _ in 0..<runs {
            statusSeconds += spawn(cli, ["status", archive])
            trueSeconds += spawn(trueBin, [])
        }
        statusTotal += statusSeconds; trueTotal += trueSeconds
        worst = max(worst, (statusSeconds - trueSeconds) / Double(runs))
    }
    let n = Double(rounds * runs)
    row("CLI start-up: `salesvault status` (no password), \(rounds) rounds of \(runs), interleaved", String(format: "%.1f ms", statusTotal / n * 1000),
        String(format: "`true`: %.1f ms", trueTotal / n * 1000),
        String(format: "+%.1f ms (worst round +%.1f ms)", (statusTotal - trueTotal) / n * 1000, worst * 1000), "< 20 ms every round")
}

if options.startupOnly {
    let path = "\(options.work)/startup.svault"
    do { // closed (its lock released) before `status` runs, which would wait for it
        let vault = try Vault.create(path: path, owner: "bench", password: password, kdf: .insecureForTesting(logN: 10), now: 0)
        try vault.append(Array("record".utf8), now: 0)
    }
    benchStartup(archive: path)
    exit(0)
}

if !options.archiveOnly && !options.logOnly {
// 1. In-memory sealing and opening of records vs `openssl speed -evp aes-256-gcm`, 16 KiB blocks.
let block = 16_384
let codec = try RecordCodec(recordKey: SymmetricKey.generate(), archiveID: Random.bytes(16), generation: 1)
let payload = try Random.bytes(block)
let iterations = 60_000
let recordBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block + FormatV1.recordOverhead, alignment: 64)
let plainBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block, alignment: 64)
let sealSeconds = try best(3) {
    try payload.withUnsafeBytes { p in
        for i in 0..<iterations { _ = try codec.seal(p, index: UInt64(i), into: recordBuffer) }
    }
}
_ = try payload.withUnsafeBytes { try codec.seal($0, index: 7, into: recordBuffer) }
let openSeconds = try best(3) {
    let sealed = UnsafeRawBufferPointer(rebasing: recordBuffer[4...])
    for _ in 0..<iterations { _ = try codec.open(nonceCiphertextTag: sealed, length: block, index: 7, into: plainBuffer) }
}
let sealGBs = Double(iterations * block) / sealSeconds / 1e9
let openGBs = Double(iterations * block) / openSeconds / 1e9
var opensslGBs: Double?
if let openssl = which("openssl") {
    for _ in 0..<2 {  // best of two, like ours (best of three)
        let (_, out) = try shell(openssl, ["speed", "-evp", "aes-256-gcm", "-bytes", "\(block)", "-seconds", "3"])
        // Last line: "aes-256-gcm   4512345.67k" (thousands of bytes per second).
        if let line = out.split(separator: "\n").last(where: { $0.lowercased().hasPrefix("aes-256-gcm") }),
           let field = line.split(separator: " ").last, field.hasSuffix("k"), let k = Double(field.dropLast()) {
            opensslGBs = max(opensslGBs ?? 0, k * 1000 / 1e9)
        }
    }
}
let ref = opensslGBs.map { String(format: "%.2f GB/s", $0) } ?? "openssl not found"
row("seal 16 KiB records in memory", String(format: "%.2f GB/s", sealGBs), "openssl speed: \(ref)",
    opensslGBs.map { String(format: "%.0f%%", sealGBs / $0 * 100) } ?? "-", "≥ 80%")
row("open 16 KiB records in memory", String(format: "%.2f GB/s", openGBs), "openssl speed: \(ref)",
    opensslGBs.map { String(format: "%.0f%%", openGBs / $0 * 100) } ?? "-", "≥ 80%")

// 2. passwd on a large archive vs a small one (calibrated scrypt cost, as users get).
func makeArchive(_ name: String, bytes: Int, recordSize: Int) throws -> String {
    let path = "\(options.work)/\(name).svault"
    let vault = try Vault.create(path: path, owner: "bench", password: password, kdf: .fixed(logN: 17), now: 0)
    var written = 0
    while written < bytes {
        let n = min(recordSize, bytes - written)
        try vault.append(Array(chunk[0..<n]), now: 0)
        written += n
    }
    return path
}
let small = try makeArchive("small", bytes: 100 << 10, recordSize: 4096)
let large = try makeArchive("large", bytes: options.sizeMB << 20, recordSize: 1 << 20)
let kdf = try KDFParameters.resolve(.calibrated)
func passwdSeconds(_ path: String) throws -> Double {
    let vault = try Vault.open(path: path, password: password, access: .readWrite)
    // A new password each time, checked against the history as users get it (FORMAT.md §5.4);
    // putting the benchmark's own password back is harness options.work, outside the timing.
    let fresh = SecureBytes(Array("benchmark password \(UUID().uuidString)".utf8))
    let t = try time { try vault.changePassword(to: fresh, kdf: .fixed(logN: kdf.logN), now: 1) }
    try vault.changePassword(to: password, kdf: .fixed(logN: 17), now: 2, refusingRecent: false)
    return t
}
let smallPasswd = try (0..<3).map { _ in try passwdSeconds(small) }.min()!
let largePasswd = try (0..<3).map { _ in try passwdSeconds(large) }.min()!
row("passwd, \(options.sizeMB) MB vs 100 KB archive (scrypt 2^\(kdf.logN))", String(format: "%.3f s", largePasswd),
    String(format: "%.3f s (100 KB)", smallPasswd), String(format: "%.2f×", largePasswd / smallPasswd), "≈ 1")

// 3. rekey of the large archive vs age encrypting a file of the same size.
let vault = try Vault.open(path: large, password: password, access: .readWrite)
let rekeySeconds = try time { try vault.rekey(now: 3) }
let archiveBytes = Double((try FileManager.default.attributesOfItem(atPath: large)[.size] as? NSNumber)?.int64Value ?? 1)
if let age = which("age"), let keygen = which("age-keygen") {
    let keyFile = "\(options.work)/age.key"
    _ = try shell(keygen, ["-o", keyFile])
    let recipient = try String(contentsOfFile: keyFile, encoding: .utf8).split(separator: "\n")
        .first { $0.hasPrefix("# public key: ") }.map { String($0.dropFirst("# public key: ".count)) } ?? ""
    let plain = "\(options.work)/plain.bin"
    _ = FileManager.default.createFile(atPath: plain, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: plain))
    for _ in 0..<options.sizeMB { handle.write(Data(chunk)) }
    try handle.close()
    // Interleaved, best of 5 each: disk and page-cache noise hits both sides alike.
    var ageSeconds = Double.infinity
    var rekeyBest = rekeySeconds
    for _ in 0..<5 {
        ageSeconds = min(ageSeconds, try time {
            try? FileManager.default.removeItem(atPath: "\(options.work)/plain.age")
            _ = try shell(age, ["-r", recipient, "-o", "\(options.work)/plain.age", plain])
        })
        rekeyBest = min(rekeyBest, try time { try vault.rekey(now: 3) })
    }
    let rekeySeconds = rekeyBest
    row("rekey \(options.sizeMB) MB archive (read, decrypt, re-encrypt, fsync, rename)",
        String(format: "%.2f s (%.2f GB/s)", rekeySeconds, archiveBytes / rekeySeconds / 1e9),
        String(format: "age -r: %.2f s (%.2f GB/s)", ageSeconds, archiveBytes / ageSeconds / 1e9),
        String(format: "%.2f× age's time", rekeySeconds / ageSeconds), "< 1")
} else {
    row("rekey \(options.sizeMB) MB archive", String(format: "%.2f s", rekeySeconds), "age not installed", "-", "< 1")
}

// 4. Opening and reading the whole large archive after the KDF.
let readSeconds = try best(2) { _ = try vault.readAllRecords() }
row("read and authenticate all records of the \(options.sizeMB) MB archive", String(format: "%.2f s (%.2f GB/s)", readSeconds, archiveBytes / readSeconds / 1e9),
    "-", "-", "-")

// 5. CLI start-up when no password is involved.
benchStartup(archive: small)

}

// 6. The customer archive at scale: 100,000 customers and 1,000,000 contact-log entries.
func residentMB() -> (current: Double, peak: Double) {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    func value(_ key: String) -> Double {
        status.split(separator: "\n").first { $0.hasPrefix(key) }.flatMap { Double($0.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "") }.map { $0 / 1024 } ?? 0
    }
    return (value("VmRSS:"), value("VmHWM:"))
}

func buildCustomerArchive(_ name: String, customers: Int, activitiesPerCustomer: Int) throws -> String {
    let path = "\(options.work)/\(name).svault"
    let vault = try Vault.create(path: path, owner: "bench", password: password, kdf: .insecureForTesting(logN: 10), now: 0)
    let archive = try CustomerArchive(vault: vault)
    let grades = ["A", "B", "C", "D", "unrated"]
    var events: [ChangeEvent] = []
    var id: UInt64 = 1
    func flush() throws {
        if !events.isEmpty { try archive.commit(events, now: 1_790_000_000) }
        events.removeAll(keepingCapacity: true)
    }
    for c in 0..<customers {
        let customerID = id
        id += 1
        events.append(ChangeEvent(.create, .customer, customerID, [
            FieldChange(field: 2, old: nil, new: .text("客户\(c) 科技有限公司")),
            FieldChange(field: 4, old: nil, new: .text(grades[c % 5])),
            FieldChange(field: 5, old: nil, new: .text(["通信", "制造", "金融", "能源"][c % 4])),
            FieldChange(field: 8, old: nil, new: .text("0755-\(10_000_000 + c)")),
        ]))
        for k in 0..<activitiesPerCustomer {
            events.append(ChangeEvent(.create, .activity, id, [
                FieldChange(field: 1, old: nil, new: .ref(customerID)),
                FieldChange(field: 4, old: nil, new: .text(k % 2 == 0 ? "call" : "visit")),
                FieldChange(field: 5, old: nil, new: .int(1_780_000_000 + Int64(k) * 86_400)),
                FieldChange(field: 6, old: nil, new: .text("第\(k)次跟进：讨论需求与报价，客户关注交付周期")),
            ]))
            id += 1
        }
        if events.count >= 20_000 { try flush() }
    }
    try flush()
    return path
}

/// The same content written as a real archive is: one record per command (a customer added, a
/// call logged with its customer update), 1.1 million records, with the snapshots the tool writes
/// after a command (RECORDS.md §6). Returns the path and the number of snapshots written.
func buildRealisticArchive(_ name: String, customers: Int, activitiesPerCustomer: Int) throws -> (path: String, snapshots: Int, archive: CustomerArchive) {
    let path = "\(options.work)/\(name).svault"
    let vault = try Vault.create(path: path, owner: "bench", password: password, kdf: .insecureForTesting(logN: 10), now: 0)
    let archive = try CustomerArchive(vault: vault)
    let grades = ["A", "B", "C", "D", "unrated"]
    var pending: [ChangeBatch] = []
    var id: UInt64 = 1
    var at: Int64 = 1_700_000_000
    var snapshots = 0
    func add(_ events: [ChangeEvent]) throws {
        at += 60
        pending.append(ChangeBatch(at: at, actor: "bench", events: events))
        if pending.count >= 20_000 {
            try archive.commit(each: pending)
            pending.removeAll(keepingCapacity: true)
            if archive.snapshotDue {
                try archive.writeSnapshot(now: at)
                snapshots += 1
            }
        }
    }
    for c in 0..<customers {
        let customerID = id
        id += 1
        try add([ChangeEvent(.create, .customer, customerID, [
            FieldChange(field: 2, old: nil, new: .text("客户\(c) 科技有限公司")),
            FieldChange(field: 4, old: nil, new: .text(grades[c % 5])),
            FieldChange(field: 5, old: nil, new: .text(["通信", "制造", "金融", "能源"][c % 4])),
            FieldChange(field: 8, old: nil, new: .text("0755-\(10_000_000 + c)")),
        ])])
        for k in 0..<activitiesPerCustomer {
            try add([
                ChangeEvent(.create, .activity, id, [
                    FieldChange(field: 1, old: nil, new: .ref(customerID)),
                    FieldChange(field: 4, old: nil, new: .text(k % 2 == 0 ? "call" : "visit")),
                    FieldChange(field: 5, old: nil, new: .int(at)),
                    FieldChange(field: 6, old: nil, new: .text("第\(k)次跟进：讨论需求与报价，客户关注交付周期")),
                ]),
                ChangeEvent(.update, .customer, customerID, [FieldChange(field: 18, old: k == 0 ? nil : .int(at - 60), new: .int(at))]),
            ])
            id += 1
        }
    }
    if !pending.isEmpty { try archive.commit(each: pending) }
    return (path, snapshots, archive)
}

/// Logs calls one record each until a snapshot is due, without writing it: the longest replay an
/// open can meet. Returns the records then following the snapshot.
func extendToWorstCase(_ archive: CustomerArchive) throws -> UInt64 {
    var at: Int64 = 1_800_000_000
    var next = archive.state.nextID
    while !archive.snapshotDue {
        var batch: [ChangeBatch] = []
        for _ in 0..<1_000 {
            at += 60
            batch.append(ChangeBatch(at: at, actor: "bench", events: [ChangeEvent(.create, .activity, next, [
                FieldChange(field: 1, old: nil, new: .ref(1)), FieldChange(field: 4, old: nil, new: .text("call")),
                FieldChange(field: 6, old: nil, new: .text("补充跟进：确认交付周期与付款方式")),
            ])]))
            next += 1
        }
        try archive.commit(each: batch)
    }
    let h = archive.vault.header
    return h.recordCount - (h.checkpoint?.index ?? 0)
}

/// One child run's figures (see the child mode at the top).
struct ChildRun {
    let open: Double, openGrow: Double, full: Double, fullGrow: Double, peak: Double, found: Int
}

/// Opens `path` in `runs` fresh child processes that then do `then` (`log` or `show:ID`); the
/// fastest run.
func openInChildren(_ path: String, runs: Int, then: String = "log", by key: (ChildRun) -> Double = { $0.open }) throws -> ChildRun? {
    var results: [ChildRun] = []
    for _ in 0..<runs {
        let (_, out) = try shell(CommandLine.arguments[0], ["--open-archive", path, "--then", then])
        let f = out.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if f.count >= 7 { results.append(ChildRun(open: f[0], openGrow: f[1], full: f[2], fullGrow: f[3], peak: f[4], found: Int(f[6]))) }
    }
    return results.min { key($0) < key($1) }
}

/// The contact-log read path on an archive (RECORDS.md §5): `customer show` of one customer and
/// the whole contact log (the first `log list` or `search`), each in fresh processes, best of 3.
func benchContactLog(_ path: String, customer: String) throws -> [[String]] {
    let show = try openInChildren(path, runs: 3, then: "show:\(customer)", by: { $0.full })
    let log = try openInChildren(path, runs: 3, then: "log", by: { $0.full })
    return [["… `customer show \(customer)` (its contacts, projects, \(show?.found ?? 0) log entries, complaints), fresh process, best of 3",
        show.map { String(format: "%.2f s in all (%.2f s after the open)", $0.full, $0.full - $0.open) } ?? "failed",
        show.map { String(format: "memory +%.0f MiB (+%.0f MiB after the open)", $0.fullGrow, $0.fullGrow - $0.openGrow) } ?? "-", "-", "< 0.3 s"],
        ["… then read the whole contact log (\(log?.found ?? 0) entries: first `log list`, `search`)",
        log.map { String(format: "%.2f s in all (%.2f s after the open)", $0.full, $0.full - $0.open) } ?? "failed",
        log.map { String(format: "memory +%.0f MiB above the open (peak RSS %.0f MiB)", $0.fullGrow - $0.openGrow, $0.peak) } ?? "-", "-",
        "< 1 s, < 300 MiB"]]
}

let bigCustomers = 100_000
/// The customer `customer show` is measured on: one in the middle of the archive (customer c has
/// id 1 + 11c in both benchmark archives).
let shownCustomer = "C\(1 + 11 * (bigCustomers / 2))"

if options.logOnly {
    let path: String
    if let reuse = options.reuseArchive {
        path = reuse
    } else {
        var built: (path: String, snapshots: Int, archive: CustomerArchive)? = try buildRealisticArchive(
            "customers-100k-per-command", customers: bigCustomers, activitiesPerCustomer: 10)
        path = built!.path
        built = nil  // releases the lock
        if let keep = options.keepArchive {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: path, toPath: keep)
        }
    }
    let v = try Vault.open(path: path, password: password)
    let size = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0)
    let h = v.header
    print("archive: \(h.recordCount) records, \(Format(size / 1e6)) MB, \(h.recordCount - (h.checkpoint?.index ?? 0)) records from the last snapshot")
    let opened = try openInChildren(path, runs: 3)
    row("open and list the A customers, fresh process, best of 3", opened.map { String(format: "%.2f s", $0.open) } ?? "failed",
        opened.map { String(format: "memory +%.0f MiB", $0.openGrow) } ?? "-", "-", "well under 1 s")
    for r in try benchContactLog(path, customer: shownCustomer) { row(r[0], r[1], r[2], r[3], r[4]) }
    try? FileManager.default.removeItem(atPath: options.work)
    exit(0)
}

let big = try buildCustomerArchive("customers-100k", customers: bigCustomers, activitiesPerCustomer: 10)
let smallArchive = try buildCustomerArchive("customers-1k", customers: 1_000, activitiesPerCustomer: 10)
let bigSize = Double((try FileManager.default.attributesOfItem(atPath: big)[.size] as? NSNumber)?.int64Value ?? 0)
// Opening is measured in fresh child processes (best of 3), so memory is the open's alone.
var childRuns: [(open: Double, openGrow: Double, full: Double, fullGrow: Double, peak: Double)] = []
for _ in 0..<3 {
    let (_, out) = try shell(CommandLine.arguments[0], ["--open-archive", big])
    let f = out.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    if f.count >= 5 { childRuns.append((f[0], f[1], f[2], f[3], f[4])) }
}
let bestOpen = childRuns.min { $0.open < $1.open }
var realisticBuild: (path: String, snapshots: Int, archive: CustomerArchive)? = try buildRealisticArchive(
    "customers-100k-per-command", customers: bigCustomers, activitiesPerCustomer: 10)
let realistic = realisticBuild!.path
let realisticSnapshots = realisticBuild!.snapshots
let realisticAfterSnapshot = realisticBuild!.archive.vault.header.recordCount - (realisticBuild!.archive.vault.header.checkpoint?.index ?? 0)
let realisticRecords = realisticBuild!.archive.vault.header.recordCount
let realisticSize = Double((try FileManager.default.attributesOfItem(atPath: realistic)[.size] as? NSNumber)?.int64Value ?? 0)
realisticBuild = nil  // releases the lock before the children open it
let realisticBest = try openInChildren(realistic, runs: 3)
let contactLogRows = try benchContactLog(realistic, customer: shownCustomer)
var extending: CustomerArchive? = try CustomerArchive(vault: Vault.open(path: realistic, password: password, access: .readWrite))
let worstRecords = try extendToWorstCase(extending!)
extending = nil
let worstBest = try openInChildren(realistic, runs: 3)
let dueArchive = try CustomerArchive(vault: Vault.open(path: realistic, password: password, access: .readWrite))
let snapshotSeconds = try time { try dueArchive.writeSnapshot(now: 1_900_000_000) }
let bestFull = childRuns.min { $0.full < $1.full }
let opened = try CustomerArchive(vault: Vault.open(path: big, password: password, access: .readWrite))
let bigArchive = opened
var aGrade = 0
let listSeconds = time { aGrade = bigArchive.customers(grades: [.a]).count }
row("open 100,000 customers + 1,000,000 log entries (\(Format(bigSize / 1e6)) MB) after the KDF and list the A customers, fresh process, best of 3",
    bestOpen.map { String(format: "%.2f s", $0.open) } ?? "failed",
    bestOpen.map { String(format: "memory +%.0f MiB", $0.openGrow) } ?? "-", "-", "well under 1 s, < 500 MiB")
row("… then read the whole contact log (first `log list`, `search`, `customer show`)",
    bestFull.map { String(format: "%.2f s in all", $0.full) } ?? "failed",
    bestFull.map { String(format: "memory +%.0f MiB (peak RSS %.0f MiB)", $0.fullGrow, $0.peak) } ?? "-", "-", "< 500 MiB")
row("the same content as \(realisticRecords) records, one per command, \(realisticSnapshots) snapshots (\(Format(realisticSize / 1e6)) MB, \(realisticAfterSnapshot) records from the last snapshot): open and list the A customers",
    realisticBest.map { String(format: "%.2f s", $0.open) } ?? "failed",
    realisticBest.map { String(format: "memory +%.0f MiB", $0.openGrow) } ?? "-", "-", "well under 1 s")
row("… worst case: calls logged until the next snapshot is due (\(worstRecords) records from the last snapshot)",
    worstBest.map { String(format: "%.2f s", $0.open) } ?? "failed",
    worstBest.map { String(format: "memory +%.0f MiB", $0.openGrow) } ?? "-", "-", "well under 1 s")
row("… the command that then writes the snapshot takes this much longer", String(format: "+%.2f s", snapshotSeconds), "-", "-", "-")
for r in contactLogRows { row(r[0], r[1], r[2], r[3], r[4]) }
row("list A-grade customers (\(aGrade)) in an opened archive", String(format: "%.3f s", listSeconds), "-", "-", "well under 1 s")
func logOneCall(_ archive: CustomerArchive) throws -> Double {
    try best(5) {
        _ = try archive.logActivity(customer: "C1", type: "call", summary: "确认报价", at: 1_795_000_000, now: 1_795_000_000)
    }
}
let smallOpened = try CustomerArchive(vault: Vault.open(path: smallArchive, password: password, access: .readWrite))
let smallLog = try logOneCall(smallOpened)
let bigLog = try logOneCall(bigArchive)
row("log one call: 100,000-customer vs 1,000-customer archive", String(format: "%.1f ms", bigLog * 1000), String(format: "%.1f ms (1,000)", smallLog * 1000),
    String(format: "%.2f×", bigLog / smallLog), "≈ 1")

func Format(_ v: Double) -> String { String(format: "%.0f", v) }

try benchCompliance()

// Breakdown of the open: decrypting only, decrypting and decoding, and the full replay.
if options.archiveOnly {
    let v = bigArchive.vault
    let decryptOnly = try time { try v.forEachRecord { _, _ in } }
    var events = 0
    let decodeToo = try time { try v.forEachRecord { _, p in events += try BatchCodec.decode(p).events.count } }
    print("breakdown: decrypt+verify \(String(format: "%.2f", decryptOnly)) s; + decode \(events) events \(String(format: "%.2f", decodeToo)) s")
    let rv = try Vault.open(path: realistic, password: password)
    let rDecrypt = try time { try rv.forEachRecord { _, _ in } }
    print("breakdown, one record per command: \(rv.header.recordCount) records, decrypt+verify \(String(format: "%.2f", rDecrypt)) s")
}
