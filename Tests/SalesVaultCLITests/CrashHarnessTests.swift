import Foundation
import XCTest

/// The short version of `Scripts/crashtest` (the long run and its figures: Docs/CRASHTEST.md), and
/// a scan for plaintext on disk after a demo-like session (THREAT-MODEL.md: decrypted records
/// never touch the disk; the only plaintext files are the exports the user asked for).
final class CrashHarnessTests: XCTestCase {
    /// The repository: three folders above this file.
    var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `Scripts/crashtest N` on the built binary: SIGKILLs of append, passwd, rekey, escrow update,
    /// import, export and repair, each followed by the checks of the long run.
    func testShortCrashHarnessRun() throws {
        let kills = Int(ProcessInfo.processInfo.environment["SALESVAULT_CRASH_HARNESS_KILLS"] ?? "") ?? 30
        let python = try runTool(["python3", "--version"], executable: "/usr/bin/env")
        if python.status != 0 { throw XCTSkip("python3 not found: \(python.stderr)") }
        let dir = try TempDir()
        let script = repository.appendingPathComponent("Scripts/crashtest").path
        let seed = Int.random(in: 1...Int(Int32.max))
        let start = Date()
        let r = try runTool([String(kills), "--seed", String(seed)], executable: script, environment: [
            "SALESVAULT_BIN": Binaries.url("salesvault").path,
            "CRASHTEST_DIR": dir.path("work"),
        ])
        let output = r.stdout + r.stderr
        print(output)
        XCTAssertEqual(r.status, 0, "Scripts/crashtest \(kills) --seed \(seed) failed (run it again with that seed to reproduce):\n\(output)")
        let result = try XCTUnwrap(output.split(separator: "\n").last { $0.hasPrefix("RESULT ") }, output)
        XCTAssertTrue(result.contains("kills=") && result.contains("failures=0"), String(result))
        let done = result.split(separator: " ").first { $0.hasPrefix("kills=") }.flatMap { Int($0.dropFirst(6)) } ?? 0
        XCTAssertGreaterThanOrEqual(done, kills)
        for op in ["append", "passwd", "rekey", "escrow", "import", "export"] {
            XCTAssertTrue(output.contains("\n\(op) "), "no \(op) row in the table:\n\(output)")
        }
        print("[crash-harness] \(done) kills in \(Int(Date().timeIntervalSince(start))) s, seed \(seed)")
    }

    // MARK: - No plaintext on disk

    /// Distinctive text put into every kind of record; never expected outside exports.
    let markerASCII = "QZPLAINMARK"
    let markerZH = "明文探针乙丙丁"
    /// `markerZH` in GB18030, UTF-16LE and UTF-16BE (the encodings an export or a temporary
    /// file could use besides UTF-8).
    let markerZHEncodings: [(String, [UInt8])] = [
        ("GB18030", [0xC3, 0xF7, 0xCE, 0xC4, 0xCC, 0xBD, 0xD5, 0xEB, 0xD2, 0xD2, 0xB1, 0xFB, 0xB6, 0xA1]),
        ("UTF-16LE", [0x0E, 0x66, 0x87, 0x65, 0xA2, 0x63, 0x88, 0x94, 0x59, 0x4E, 0x19, 0x4E, 0x01, 0x4E]),
        ("UTF-16BE", [0x66, 0x0E, 0x65, 0x87, 0x63, 0xA2, 0x94, 0x88, 0x4E, 0x59, 0x4E, 0x19, 0x4E, 0x01]),
    ]
    /// Only in a contact's secret background: must not reach even an export without --include-secret.
    let secretMarker = "QZSECRETBACKGROUND"

    func utf16(_ s: String, bigEndian: Bool) -> [UInt8] {
        s.utf16.flatMap { u in bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
    }

    func testNoPlaintextOrKeyMaterialOnDiskAfterADemoLikeSession() throws {
        let started = Date()
        let dir = try TempDir()
        let fm = FileManager.default
        for sub in ["work", "tmp", "home", "input", "keys"] { try fm.createDirectory(atPath: dir.path(sub), withIntermediateDirectories: true) }
        let work = dir.url.appendingPathComponent("work")
        // What the user provides (password files, the CSV to import): theirs, not scanned.
        let password = "lotus tea harbour 2026 \(markerZH)口令"
        let newPassword = "seven quiet mountains 明文口令二"
        let adminPass = "admin passphrase plaintext probe"
        let managerPass = "manager li passphrase plaintext probe"
        let pw = try dir.write("input/pw", password + "\n")
        let pw2 = try dir.write("input/pw2", newPassword + "\n")
        let ap = try dir.write("input/ap", adminPass + "\n")
        let lp = try dir.write("input/lp", managerPass + "\n")
        var clock: Int64 = 1_795_392_000
        var environment = ["TZ": "UTC", "TMPDIR": dir.path("tmp"), "HOME": dir.path("home")]
        @discardableResult
        func sv(_ args: [String], stdin: String? = nil, expect: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
            clock += 60
            environment["SALESVAULT_NOW"] = String(clock)
            let r = try runTool(args, stdin: stdin, environment: environment, cwd: work)
            XCTAssertEqual(r.status, expect, "\(args.joined(separator: " ")): \(r.stdout)\(r.stderr)", file: file, line: line)
            return r
        }
        let a = "zhangwei.svault"
        let owner = ["-a", a, "--password-file", pw]
        let m = "\(markerASCII)\(markerZH)"

        try sv(["init", a, "--owner", "张伟", "--password-file", pw, "--insecure-kdf-cost", "10"])
        try sv(["customer", "add", "\(m)科技有限公司", "--grade", "B", "--industry", "通信\(markerZH)"] + owner)
        try sv(["customer", "add", "Acme \(markerASCII) Trading", "--grade", "C", "--force"] + owner)
        try sv(["contact", "add", "\(m)科技", "王敏\(markerZH)", "--title", "采购经理", "--role", "decisionMaker",
                "--set", "background=\(secretMarker) 清华大学毕业"] + owner)
        try sv(["log", "add", "\(m)科技", "visit", "介绍方案 \(m) 交付周期", "--next-step", "发报价\(markerZH)", "--next-date", "2026-12-03"] + owner)
        try sv(["project", "add", "\(m)科技", "园区网络\(markerZH)", "--budget", "300万"] + owner)
        try sv(["complaint", "file", "\(m)科技", "--about", "售后部 \(markerZH)", "--description", "迟到 \(m)", "--channel", "phone"] + owner)
        // The interactive shell, from a script.
        try sv(["shell", a, "--password-file", pw], stdin: """
            customer add "\(m)壳客户" --grade A --force
            log add "\(m)壳客户" call "shell \(m) note"
            search \(markerZH)
            customer list
            exit

            """)
        try sv(["search", markerASCII] + owner)
        try sv(["history"] + owner)
        let history = try sv(["history", "--json"] + owner).stdout
        let batches = try NSRegularExpression(pattern: "\"batch\" : \"(B[0-9]+)\"").matches(in: history, range: NSRange(history.startIndex..., in: history))
        let batch = try XCTUnwrap(batches.last.flatMap { Range($0.range(at: 1), in: history) }.map { String(history[$0]) }, history)
        try sv(["undo", batch] + owner)
        // An import from a GB18030 CSV (the user's file), with a rejects file (plaintext the user asked for).
        let csv = "客户名称,客户等级,联系电话,备注\n\(m)导入一,A,021-61618888,\(markerZH)备注\n\(m)导入二,B,021-61618889,\(m)\n\(m)坏行,Z,,\n"
        let csvURL = URL(fileURLWithPath: dir.path("input/customers.csv"))
        try XCTUnwrap(iconv(csv, to: "GB18030")).write(to: csvURL)
        try sv(["import", csvURL.path, "--rejects", dir.path("work/rejects.csv")] + owner, expect: 8)
        try sv(["import", csvURL.path, "--only-valid", "--yes"] + owner)
        // Exports: plaintext by design, excluded from the scan below (each by its exact name).
        let exports = ["work/rejects.csv", "work/export.xlsx", "work/customers.csv", "work/log-gb.csv", "work/all.json", "work/handover.xlsx"].map { dir.path($0) }
        try sv(["export", "--out", "export.xlsx"] + owner)
        try sv(["export", "--kind", "customers", "--format", "csv", "--out", "customers.csv"] + owner)
        try sv(["export", "--kind", "log", "--format", "csv", "--encoding", "gb18030", "--out", "log-gb.csv"] + owner)
        try sv(["export", "--format", "json", "--out", "all.json"] + owner)
        for path in exports.dropLast() {
            XCTAssertFalse(try Data(contentsOf: URL(fileURLWithPath: path)).contains(Data(secretMarker.utf8)), "a secret field in \(path) without --include-secret")
        }
        // Password change, data-key rotation, a repaired interrupted save (with its backup copy).
        try sv(["passwd", a, "--password-file", pw, "--new-password-file", pw2, "--insecure-kdf-cost", "10"])
        let owner2 = ["-a", a, "--password-file", pw2]
        try sv(["rekey", a, "--password-file", pw2])
        let handle = try FileHandle(forWritingTo: work.appendingPathComponent(a))
        handle.seekToEndOfFile()
        handle.write(Data([0, 0, 0, 0x40]) + Data("junk".utf8))
        try handle.close()
        try sv(["verify", a, "--password-file", pw2], expect: 6)
        try sv(["repair", a, "--yes", "--password-file", pw2])
        try sv(["log", "add", "\(m)科技", "call", "after repair \(m)"] + owner2)
        try sv(["verify", a, "--password-file", pw2])

        // A department: keys, an escrowed archive, a manager's read and handover export.
        let dept = dir.path("work/D")
        let admin = ["--admin-key", dir.path("keys/admin.key"), "--admin-passphrase-file", ap]
        try sv(["dept", "init", dept, "--name", "华东区销售部", "--insecure-kdf-cost", "10"] + admin)
        try sv(["keys", "generate", "li", "--dir", dir.path("keys"), "--passphrase-file", lp, "--insecure-kdf-cost", "10"])
        try sv(["dept", "add-manager", dept, "李经理", "--pub", dir.path("keys/li.pub")] + admin)
        try sv(["dept", "add-salesperson", dept, "李娜"] + admin)
        try sv(["init", "--department", dept, "--owner", "李娜", "--password-file", pw, "--insecure-kdf-cost", "10"] + adminFingerprintOption(dept))
        let b = dept + "/archives/李娜.svault"
        try sv(["customer", "add", "\(m)部门客户", "--grade", "A", "-a", b, "--password-file", pw])
        let li = ["--identity", dir.path("keys/li.key"), "--passphrase-file", lp]
        XCTAssertTrue(try sv(["escrow", "open", b] + li + ["--", "customer", "list"]).stdout.contains(markerASCII))
        try sv(["escrow", "open", b] + li + ["--", "export", "--out", dir.path("work/handover.xlsx")])
        try sv(["customer", "list", "-a", b, "--password-file", pw])

        // The scan: every file of the test's folder but the user's own inputs and the exports;
        // the archives on their own, to say so clearly; and what appeared in the system's temporary
        // folder during the test.
        var needles: [(String, [UInt8])] = [
            ("marker (ASCII)", Array(markerASCII.utf8)), ("marker (UTF-8)", Array(markerZH.utf8)),
            ("secret field", Array(secretMarker.utf8)), ("marker (UTF-16LE, ASCII)", utf16(markerASCII, bigEndian: false)),
            ("marker (UTF-16BE, ASCII)", utf16(markerASCII, bigEndian: true)),
        ]
        needles += markerZHEncodings.map { ("marker (\($0.0))", $0.1) }
        for (name, secret) in [("password", password), ("new password", newPassword), ("admin passphrase", adminPass), ("manager passphrase", managerPass)] {
            needles.append((name, Array(secret.utf8)))
            needles.append((name + " (UTF-16LE)", utf16(secret, bigEndian: false)))
        }
        let excluded = Set(exports.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path })
        var scanned: [String] = []
        var hits: [String] = []
        func scan(_ path: String) {
            guard fm.contents(atPath: path) != nil else { return }
            scanned.append(path)
            let bytes = readable(path)
            for (label, needle) in needles where holds(bytes, needle) { hits.append("\(path): \(label)") }
        }
        let root = dir.url.resolvingSymlinksInPath().path
        for file in regularFiles(under: root) where !excluded.contains(file) && !file.hasPrefix(root + "/input/") {
            scan(file)
        }
        // Sanity: the scan finds what is there (the exports hold the markers).
        for path in exports {
            let bytes = readable(path)
            XCTAssertTrue(needles.prefix(8).contains { holds(bytes, $0.1) }, "the scan would not see the markers in \(path)")
        }
        let archives = regularFiles(under: root).filter { $0.hasSuffix(".svault") || $0.contains(".svault.backup-") }
        XCTAssertGreaterThanOrEqual(archives.count, 3, "\(archives)")  // two archives and the repair's backup
        XCTAssertTrue(fm.fileExists(atPath: dir.path("tmp")))
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: dir.path("tmp")), [], "files left in the commands' $TMPDIR")
        let hidden = regularFiles(under: dir.path("work")).filter { URL(fileURLWithPath: $0).lastPathComponent.hasPrefix(".") }
        XCTAssertEqual(hidden, [], "temporary files left beside the archives or the exports")
        // Files created in the system's temporary folder while the test ran (other tests' files
        // hold other text; the commands were given their own TMPDIR, this catches one that ignores it).
        let inTestFolder = scanned.count
        let systemTemp = fm.temporaryDirectory.resolvingSymlinksInPath().path
        // A canary proves the temporary-folder scan sees what it should (and is removed before).
        let canary = systemTemp + "/.crash-harness-canary-\(UUID().uuidString)"
        try Data(markerZHEncodings[0].1).write(to: URL(fileURLWithPath: canary))
        defer { unlink(canary) }
        for file in regularFiles(under: systemTemp, newerThan: started.addingTimeInterval(-1), maxBytes: 64 << 20) where !file.hasPrefix(root + "/") {
            scan(file)
        }
        XCTAssertEqual(hits.filter { $0.hasPrefix(canary + ":") }.count, 1, "the canary in \(systemTemp) was not found: \(hits)")
        hits.removeAll { $0.hasPrefix(canary + ":") }
        XCTAssertEqual(hits, [], "plaintext or key material on disk")
        print("[no-plaintext] \(inTestFolder) files of the session and \(scanned.count - inTestFolder) new files in \(systemTemp) scanned (\(archives.count) archives and backups), \(exports.count) exports excluded, \(needles.count) patterns: \(hits.count) hits")
    }

    /// The bytes of the file at `path`, followed, for a ZIP file (an XLSX workbook), by the
    /// uncompressed bytes of its members (`unzip -p`).
    func readable(_ path: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip"),
           let r = try? runTool(["-p", path], executable: "/usr/bin/unzip") {
            bytes += Array(r.stdout.utf8)
        }
        return bytes
    }

    func holds(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// Regular files under `root` (not following symbolic links), optionally only those modified
    /// after `newerThan` and at most `maxBytes` long; unreadable folders are skipped.
    func regularFiles(under root: String, newerThan: Date? = nil, maxBytes: Int = .max) -> [String] {
        var out: [String] = []
        guard let e = FileManager.default.enumerator(at: URL(fileURLWithPath: root), includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey, .contentModificationDateKey, .fileSizeKey],
                                                     options: [], errorHandler: { _, _ in true }) else { return out }
        for case let url as URL in e {
            guard let v = try? url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey, .contentModificationDateKey, .fileSizeKey]),
                  v.isRegularFile == true, v.isSymbolicLink != true else { continue }
            if let newerThan, (v.contentModificationDate ?? .distantPast) < newerThan { continue }
            if (v.fileSize ?? 0) > maxBytes { continue }
            out.append(url.resolvingSymlinksInPath().path)
        }
        return out.sorted()
    }

    /// `text` converted by the real iconv.
    func iconv(_ text: String, to encoding: String) throws -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", encoding]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? data : nil
    }
}
