import Department
import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

/// A department set up through the built binary, shared by the CLI tests of the department
/// (issue 13): an administrator key, managers with their key files, the test clock, and archives
/// created with the administrator's fingerprint confirmed and the owner key enrolled. Test classes
/// hold one (`fixture`) instead of repeating the set-up.
final class DepartmentFixture {
    let dir: TempDir
    var dept: String { dir.path("D") }
    let t0: Int64 = 1_767_261_600  // 2026-01-01 10:00 UTC
    func at(day: Int) -> Int64 { t0 + Int64(day) * 86_400 }

    /// `managers`: key file name, registered name, role; each key's passphrase file is `<file>p`.
    init(managers: [(file: String, name: String, role: String)] = [("li", "李经理", "department manager")]) throws {
        dir = try TempDir()
        _ = try dir.write("pw", "horse battery staple\n")
        _ = try dir.write("ap", "admin pass phrase 2026\n")
        try sv(["dept", "init", dept, "--name", "华东区销售部", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap"), "--insecure-kdf-cost", "10"])
        for m in managers {
            _ = try dir.write(m.file + "p", "\(m.file) key passphrase 2026\n")
            try sv(["keys", "generate", m.file, "--dir", dir.path("k"), "--passphrase-file", dir.path(m.file + "p"), "--insecure-kdf-cost", "10"])
            try admin(["add-manager", dept, m.name, "--pub", dir.path("k/\(m.file).pub"), "--role", m.role])
        }
        try admin(["policy", dept, "--min-kdf-cost", "10"])
    }

    /// Runs `salesvault` with the test clock (`now`, default t0) and checks the exit status;
    /// with `executable`, runs that with `prefix`, the binary's path and `args` (e.g. setpriv).
    @discardableResult
    func sv(_ args: [String], now: Int64? = nil, expect status: Int32 = 0, environment: [String: String] = [:],
            executable: String? = nil, prefix: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let env = ["TZ": "UTC", "SALESVAULT_NOW": String(now ?? t0)].merging(environment) { $1 }
        let r = try executable == nil ? runTool(args, environment: env)
            : runTool(prefix + [Binaries.url("salesvault").path] + args, executable: executable, environment: env)
        XCTAssertEqual(r.status, status, "\(args.joined(separator: " ")): \(r.stdout)\(r.stderr)", file: file, line: line)
        return r
    }

    /// A `dept` change signed with the administrator key.
    @discardableResult
    func admin(_ args: [String], now: Int64? = nil, expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        try sv(["dept"] + args + ["--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap")], now: now, expect: status, file: file, line: line)
    }

    /// A registered salesperson's archive, created, enrolled, with one customer (`customer`).
    @discardableResult
    func newArchive(_ owner: String, customer: Bool = true) throws -> String {
        try admin(["add-salesperson", dept, owner])
        try sv(["init", "--department", dept, "--owner", owner, "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"] + adminFingerprintOption(dept))
        try admin(["enroll", dept, owner, "--yes"])  // DEPARTMENT.md §3.8: the owner key
        let a = dept + "/archives/\(owner).svault"
        if customer { try sv(["customer", "add", "华为技术有限公司"] + self.owner(a)) }
        return a
    }

    func key(_ file: String) -> [String] { ["--identity", dir.path("k/\(file).key"), "--passphrase-file", dir.path(file + "p")] }
    func owner(_ archive: String) -> [String] { ["-a", archive, "--password-file", dir.path("pw")] }

    func logPath(_ archive: String) throws -> String {
        dept + "/audit/\(try ArchiveInspection.inspect(path: archive).prefix.archiveIDHex).log"
    }

    /// The first row of `compliance DIR --json`.
    func complianceRow(now: Int64? = nil, expect: Int32, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let r = try sv(["compliance", dept, "--json"], now: now, expect: expect, file: file, line: line)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return try XCTUnwrap((report["archives"] as? [[String: Any]])?.first)
    }
}

extension DepartmentFixture {
    /// The manager's X25519 identity from their key file.
    func identity(_ file: String) throws -> Curve25519.KeyAgreement.PrivateKey {
        let text = try KeyFile.open(try KeyFile.read(dir.path("k/\(file).key"))) { SecureBytes(Array("\(file) key passphrase 2026".utf8)) }
        return try KeyFile.parseIdentity(text)
    }

    /// The attack of issue 13 as a data-key holder's own tool does it: the last escrow-use record
    /// cut off the body, and the header rewritten (counts, chain, `escrowUses`) and re-MACed as
    /// it was `before` the use.
    func removeLastEscrowUse(_ archive: String, before: ArchiveHeader, manager file: String) throws {
        let vault = try Vault.open(path: archive, escrowIdentities: [try identity(file)], access: .readWrite)
        var forged = vault.header
        forged.recordCount = before.recordCount
        forged.bodyLength = before.bodyLength
        forged.recordChain = before.recordChain
        forged.escrowUses = nil
        try vault.file.truncate(to: FormatV1.bodyOffset + Int(before.bodyLength))
        try vault.writeHeader(forged)
    }
}
